//! The orchestrator on its own: placement, failures and rolling updates, with time as a number.

use super::orchestrator::{advance, reconcile};
use super::*;
use crate::Seeded;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const SECOND: u64 = 1_000_000_000;

fn at(secs: u64) -> Timestamp {
    Timestamp::from_secs(1_800_000_000 + secs)
}

fn swarm_of(workers: &[&str]) -> Swarm {
    let mut entropy = Seeded::new(4);
    let mut swarm = Swarm::init("manager1", DEFAULT_ADDR, at(0), &mut entropy);
    for name in workers {
        let mut node = swarm.nodes[0].clone();
        node.id = NodeId::generate(&mut entropy);
        node.hostname = name.to_string();
        node.role = Role::Worker;
        node.is_self = false;
        swarm.nodes.push(node);
    }
    swarm
}

fn add_service(swarm: &mut Swarm, replicas: u64) -> ServiceId {
    let id = ServiceId("svc".to_string());
    swarm.services.push(Service {
        id: id.clone(),
        name: "web".to_string(),
        spec: TaskSpec { image: "web:1".to_string(), args: Vec::new(), env: Vec::new(), missing_image: false },
        mode: Mode::Replicated { replicas },
        ports: Vec::new(),
        update_config: UpdateConfig::default(),
        labels: Default::default(),
        version: 1,
        spec_version: 1,
        created: swarm.now,
        updated: swarm.now,
        update_status: None,
        previous: None,
    });
    reconcile(swarm, swarm.now);
    id
}

fn per_node(swarm: &Swarm) -> Vec<usize> {
    swarm
        .nodes
        .iter()
        .map(|n| {
            swarm.tasks.iter().filter(|t| t.node.as_ref() == Some(&n.id) && t.desired == TaskState::Running).count()
        })
        .collect()
}

#[test]
fn replicas_spread_and_start_as_time_passes() {
    let mut swarm = swarm_of(&["worker1", "worker2"]);
    let web = add_service(&mut swarm, 6);
    assert_eq!(per_node(&swarm), [2, 2, 2]);
    assert_eq!(swarm.running(&web), 0);
    advance(&mut swarm, Timestamp(at(0).0 + SECOND));
    assert!(swarm.tasks.iter().all(|t| t.state == TaskState::Preparing));
    advance(&mut swarm, at(2));
    assert_eq!(swarm.running(&web), 6);
    let states: Vec<TaskState> = swarm.events.iter().filter(|e| e.task == swarm.tasks[0].id).map(|e| e.to).collect();
    use TaskState::*;
    assert_eq!(states, [New, Pending, Assigned, Accepted, Preparing, Starting, Running]);
}

#[test]
fn a_failed_node_is_noticed_after_the_heartbeat_timeout() {
    let mut swarm = swarm_of(&["worker1", "worker2"]);
    let web = add_service(&mut swarm, 3);
    advance(&mut swarm, at(5));
    swarm.nodes[1].failed_at = Some(at(5));
    advance(&mut swarm, at(10));
    assert_eq!(swarm.running(&web), 3, "the manager has not noticed yet");
    advance(&mut swarm, at(40));
    assert!(swarm.nodes[1].down);
    assert_eq!(swarm.running(&web), 3);
    assert_eq!(per_node(&swarm), [2, 0, 1]);
}

#[test]
fn a_one_jump_advance_ends_where_small_steps_do() {
    let mut a = swarm_of(&["worker1"]);
    let mut b = a.clone();
    add_service(&mut a, 4);
    add_service(&mut b, 4);
    for swarm in [&mut a, &mut b] {
        swarm.services[0].spec_version = 2;
        swarm.services[0].update_config.delay = 10 * SECOND;
        swarm.services[0].update_status = Some(UpdateStatus {
            state: "updating".into(),
            started: swarm.now,
            completed: None,
            batch: Vec::new(),
            next_at: None,
            message: String::new(),
        });
    }
    advance(&mut a, at(100));
    for s in 1..=100 {
        advance(&mut b, at(s));
    }
    assert_eq!(a.tasks, b.tasks);
    assert!(a.tasks.iter().filter(|t| t.desired == TaskState::Running).all(|t| t.spec_version == 2));
}

#[test]
fn each_slot_keeps_five_tasks_of_history() {
    let mut swarm = swarm_of(&["worker1"]);
    let web = add_service(&mut swarm, 1);
    for n in 0..10 {
        swarm.nodes[1].availability = if n % 2 == 0 { Availability::Drain } else { Availability::Active };
        swarm.nodes[0].availability = if n % 2 == 0 { Availability::Active } else { Availability::Drain };
        let now = swarm.now;
        reconcile(&mut swarm, now);
    }
    assert_eq!(swarm.tasks_of(&web).count(), 5);
    assert_eq!(swarm.tasks_of(&web).filter(|t| t.desired == TaskState::Running).count(), 1);
}

#[test]
fn a_day_of_restarts_is_replayed_in_bounded_steps() {
    let mut swarm = swarm_of(&["worker1", "worker2"]);
    let web = add_service(&mut swarm, MAX_REPLICAS);
    swarm.services[0].spec.missing_image = true;
    swarm.services[0].spec_version = 2;
    for task in &mut swarm.tasks {
        task.spec.missing_image = true;
    }
    advance(&mut swarm, at(86_400));
    assert_eq!(swarm.running(&web), 0);
    assert!(swarm.tasks_of(&web).count() <= 5 * MAX_REPLICAS as usize);
}
