//! The orchestrator and scheduler: converge tasks to what the services ask, as time passes.
//!
//! The swarm moves only when [`advance`] is called with a later `now`; it then replays what
//! happened in between, event by event (a task reaching its next state, a failed node's heartbeat
//! timing out, a rolling update's next batch), so a swarm advanced in one jump of a minute ends
//! where one advanced every second does. Nothing here reads a clock or draws randomness: task ids
//! come from the swarm's id and a serial number.

use sha2::{Digest as _, Sha256};

use super::{
    Mode, Node, NodeId, Service, ServiceId, Swarm, Task, TaskEvent, TaskId, TaskState, UpdateOrder, UpdateStatus,
};
use super::{HEARTBEAT_TIMEOUT, MAX_EVENTS, RESTART_DELAY};
use crate::time::Timestamp;

/// How long after assignment a task reaches each state on its way to running: the node accepts
/// it, prepares it (the image is there), starts its container, and the container runs.
const START: &[(TaskState, u64)] = &[
    (TaskState::Accepted, 300_000_000),
    (TaskState::Preparing, 500_000_000),
    (TaskState::Starting, 1_500_000_000),
    (TaskState::Running, 2_000_000_000),
];

/// At most this many events are replayed in one call, so no state (a day of restarts after a
/// restore, say) can keep the engine busy; past it the swarm jumps to `now`, where one
/// reconciliation converges it.
const MAX_STEPS: usize = 250;

/// Moves the swarm to `now`, replaying every event due on the way, then reconciles at `now`.
pub fn advance(swarm: &mut Swarm, now: Timestamp) {
    let mut steps = 0;
    while let Some(at) = next_event(swarm) {
        if at > now || steps >= MAX_STEPS {
            break;
        }
        steps += 1;
        swarm.now = swarm.now.max(at);
        step(swarm, at);
    }
    swarm.now = swarm.now.max(now);
    step(swarm, swarm.now);
}

/// The earliest event still to happen after the swarm's time.
fn next_event(swarm: &Swarm) -> Option<Timestamp> {
    let mut times = Vec::new();
    for node in &swarm.nodes {
        if let (Some(failed), false) = (node.failed_at, node.down) {
            times.push(Timestamp(failed.0.saturating_add(HEARTBEAT_TIMEOUT)));
        }
    }
    for task in &swarm.tasks {
        if task.desired != TaskState::Running || task.state >= TaskState::Running {
            continue;
        }
        let (Some(assigned), Some(node)) = (task.assigned_at, task.node.as_ref()) else { continue };
        if swarm.nodes.iter().any(|n| &n.id == node && n.failed_at.is_some()) {
            continue;
        }
        if let Some((_, offset)) = START.iter().find(|(state, _)| *state > task.state) {
            times.push(Timestamp(assigned.0.saturating_add(*offset)));
        }
    }
    for service in &swarm.services {
        if let Some(UpdateStatus { next_at: Some(at), completed: None, .. }) = &service.update_status {
            times.push(*at);
        }
    }
    // A slot whose task failed is taken again after the restart delay.
    for task in &swarm.tasks {
        if task.state == TaskState::Rejected || task.state == TaskState::Failed {
            times.push(Timestamp(task.since.0.saturating_add(RESTART_DELAY)));
        }
    }
    // What was due at or before the swarm's time has been applied already.
    times.into_iter().filter(|t| *t > swarm.now).min()
}

/// Applies everything due at `at`, then converges the services.
fn step(swarm: &mut Swarm, at: Timestamp) {
    notice_failures(swarm, at);
    start_tasks(swarm, at);
    let services: Vec<ServiceId> = swarm.services.iter().map(|s| s.id.clone()).collect();
    for service in &services {
        roll(swarm, service, at);
    }
    reconcile(swarm, at);
}

/// A failed node whose heartbeats have stopped for the timeout is marked down, and its tasks are
/// no longer counted: the orchestrator replaces them elsewhere. They keep the state last reported,
/// since the node cannot say otherwise.
fn notice_failures(swarm: &mut Swarm, at: Timestamp) {
    let mut lost = Vec::new();
    for node in &mut swarm.nodes {
        if let (Some(failed), false) = (node.failed_at, node.down) {
            if failed.0.saturating_add(HEARTBEAT_TIMEOUT) <= at.0 {
                node.down = true;
                node.updated = at;
                lost.push(node.id.clone());
            }
        }
    }
    for task in &mut swarm.tasks {
        if task.node.as_ref().is_some_and(|n| lost.contains(n)) && task.desired == TaskState::Running {
            task.desired = TaskState::Shutdown;
        }
    }
}

/// Tasks on live nodes move through their start states; a task reaching `running` ends the
/// others of its slot, which is how a replacement takes over (start-first updates, restarts).
fn start_tasks(swarm: &mut Swarm, at: Timestamp) {
    let failed: Vec<NodeId> = swarm.nodes.iter().filter(|n| n.failed_at.is_some()).map(|n| n.id.clone()).collect();
    let mut now_running = Vec::new();
    let mut events = Vec::new();
    for task in &mut swarm.tasks {
        if task.desired != TaskState::Running || task.state >= TaskState::Running {
            continue;
        }
        let (Some(assigned), Some(node)) = (task.assigned_at, task.node.as_ref()) else { continue };
        if failed.contains(node) {
            continue;
        }
        for (state, offset) in START {
            let when = Timestamp(assigned.0.saturating_add(*offset));
            if *state > task.state && when <= at {
                events.push(TaskEvent { at: when, task: task.id.clone(), from: task.state, to: *state });
                task.state = *state;
                task.since = when;
                // Preparing is where a node pulls the image; one it cannot find rejects the task.
                if *state == TaskState::Preparing && task.spec.missing_image {
                    events.push(TaskEvent { at: when, task: task.id.clone(), from: *state, to: TaskState::Rejected });
                    task.state = TaskState::Rejected;
                    task.desired = TaskState::Shutdown;
                    task.error = format!("No such image: {}", image_text(&task.spec.image));
                    break;
                }
            }
        }
        if task.state == TaskState::Running {
            now_running.push((task.id.clone(), task.service.clone(), task.slot, task.node.clone()));
        }
    }
    for event in events {
        push_event(swarm, event);
    }
    for (id, service, slot, node) in now_running {
        let others: Vec<TaskId> = swarm
            .tasks
            .iter()
            .filter(|t| t.id != id && t.service == service && t.desired == TaskState::Running)
            .filter(|t| if slot == 0 { t.slot == 0 && t.node == node } else { t.slot == slot })
            .map(|t| t.id.clone())
            .collect();
        for other in others {
            shut_down(swarm, &other, at);
        }
    }
}

/// A rolling update: replaces tasks made from an older spec, a batch of `parallelism` at a
/// time, waiting for each batch to run and then for the delay before the next.
fn roll(swarm: &mut Swarm, service_id: &ServiceId, at: Timestamp) {
    let Some(service) = swarm.services.iter().find(|s| &s.id == service_id) else { return };
    let Some(status) = service.update_status.clone() else { return };
    if status.completed.is_some() {
        return;
    }
    let failure_action = service.update_config.failure_action.clone();
    let (parallelism, delay, order, version) = (
        service.update_config.parallelism,
        service.update_config.delay,
        service.update_config.order,
        service.spec_version,
    );
    let mut status = status;
    if !status.batch.is_empty() {
        let batch: Vec<&Task> = swarm.tasks.iter().filter(|t| status.batch.contains(&t.id)).collect();
        // A replacement that failed pauses the update, as `--update-failure-action pause` does.
        if let Some(failed) = batch.iter().find(|t| matches!(t.state, TaskState::Rejected | TaskState::Failed)) {
            if failure_action == "pause" {
                status.state = "paused".to_string();
                status.completed = Some(at);
                status.message = format!("update paused due to failure or early termination of task {}", failed.id);
                status.batch.clear();
                set_status(swarm, service_id, status);
                return;
            }
        }
        // A replacement that ended (its node failed) no longer holds the batch up.
        let waiting = batch.iter().any(|t| t.state < TaskState::Running && t.desired == TaskState::Running);
        if waiting {
            return;
        }
        let ran = batch.iter().map(|t| t.since).max().unwrap_or(at);
        status.batch.clear();
        status.next_at = Some(Timestamp(ran.0.saturating_add(delay)));
    }
    if status.next_at.is_some_and(|next| next > at) {
        set_status(swarm, service_id, status);
        return;
    }
    let mut old: Vec<(u64, TaskId, Option<NodeId>)> = swarm
        .tasks_of(service_id)
        .filter(|t| t.desired == TaskState::Running && t.spec_version < version)
        .map(|t| (t.slot, t.id.clone(), t.node.clone()))
        .collect();
    crate::sort::sort(&mut old);
    if old.is_empty() {
        status.state =
            if status.state.starts_with("rollback") { "rollback_completed" } else { "completed" }.to_string();
        status.completed = Some(at);
        status.next_at = None;
        set_status(swarm, service_id, status);
        return;
    }
    let take = if parallelism == 0 { old.len() } else { (parallelism as usize).min(old.len()) };
    let mut batch = Vec::new();
    for (slot, task, node) in old.into_iter().take(take) {
        if order == UpdateOrder::StopFirst {
            shut_down(swarm, &task, at);
        }
        // A global service's replacement stays on its node; a replica goes where the scheduler says.
        let fixed = if slot == 0 { node } else { None };
        if let Some(id) = create_task(swarm, service_id, slot, fixed, at) {
            batch.push(id);
        }
    }
    status.batch = batch;
    status.next_at = None;
    set_status(swarm, service_id, status);
}

fn set_status(swarm: &mut Swarm, service: &ServiceId, status: UpdateStatus) {
    if let Some(s) = swarm.service_mut(service) {
        s.update_status = Some(status);
    }
}

/// Makes the tasks match the services: a task for every missing replica (or node, for a global
/// service), none beyond, none on drained nodes, and a node for every task still pending.
pub fn reconcile(swarm: &mut Swarm, at: Timestamp) {
    // Drained nodes give up their tasks, which the slots below then replace elsewhere.
    let drained: Vec<NodeId> =
        swarm.nodes.iter().filter(|n| n.availability == super::Availability::Drain).map(|n| n.id.clone()).collect();
    let leaving: Vec<TaskId> = swarm
        .tasks
        .iter()
        .filter(|t| t.desired == TaskState::Running && t.node.as_ref().is_some_and(|n| drained.contains(n)))
        .map(|t| t.id.clone())
        .collect();
    for task in leaving {
        shut_down(swarm, &task, at);
    }
    let services: Vec<(ServiceId, Mode)> = swarm.services.iter().map(|s| (s.id.clone(), s.mode)).collect();
    for (service, mode) in services {
        match mode {
            Mode::Replicated { replicas } => {
                let extra: Vec<TaskId> = swarm
                    .tasks_of(&service)
                    .filter(|t| t.desired == TaskState::Running && t.slot > replicas)
                    .map(|t| t.id.clone())
                    .collect();
                for task in extra {
                    shut_down(swarm, &task, at);
                }
                // One pass over the tasks finds the slots held, so a large service stays cheap.
                let held: std::collections::BTreeSet<u64> = crate::sort::set(
                    swarm
                        .tasks_of(&service)
                        .filter(|t| t.desired == TaskState::Running || restarting(t, at))
                        .map(|t| t.slot),
                );
                // At most as many replicas as a page can draw; the CLI refuses more.
                for slot in 1..=replicas.min(super::MAX_REPLICAS) {
                    if !held.contains(&slot) {
                        create_task(swarm, &service, slot, None, at);
                    }
                }
            }
            Mode::Global => {
                let nodes: Vec<NodeId> = swarm.nodes.iter().filter(|n| n.takes_tasks()).map(|n| n.id.clone()).collect();
                for node in nodes {
                    let held = swarm.tasks_of(&service).any(|t| {
                        t.node.as_ref() == Some(&node) && (t.desired == TaskState::Running || restarting(t, at))
                    });
                    if !held {
                        create_task(swarm, &service, 0, Some(node), at);
                    }
                }
            }
        }
    }
    // Tasks no node could take yet try again.
    let pending: Vec<TaskId> = swarm
        .tasks
        .iter()
        .filter(|t| t.desired == TaskState::Running && t.node.is_none())
        .map(|t| t.id.clone())
        .collect();
    for task in pending {
        place(swarm, &task, None, at);
    }
    forget_old_tasks(swarm);
}

/// Swarm keeps the last few tasks of each slot as history (`TaskHistoryRetentionLimit`, 5) and
/// forgets older ones, so churn cannot grow the state without end.
fn forget_old_tasks(swarm: &mut Swarm) {
    const HISTORY: usize = 5;
    let mut seen: std::collections::BTreeMap<(ServiceId, u64, Option<NodeId>), usize> = Default::default();
    let mut keep = vec![true; swarm.tasks.len()];
    for (i, task) in swarm.tasks.iter().enumerate().rev() {
        let node = if task.slot == 0 { task.node.clone() } else { None };
        let count = seen.entry((task.service.clone(), task.slot, node)).or_default();
        *count += 1;
        keep[i] = *count <= HISTORY || task.desired == TaskState::Running;
    }
    let mut keep = keep.into_iter();
    swarm.tasks.retain(|_| keep.next().unwrap_or(true));
}

/// Whether a task failed so lately that its slot still waits out the restart delay.
fn restarting(task: &Task, at: Timestamp) -> bool {
    matches!(task.state, TaskState::Rejected | TaskState::Failed) && task.since.0.saturating_add(RESTART_DELAY) > at.0
}

/// An image as tables show it: familiar, with its tag.
fn image_text(image: &str) -> String {
    crate::reference::Reference::parse(image)
        .map(|r| r.with_default_tag().familiar())
        .unwrap_or_else(|_| image.to_string())
}

/// Ends a task: its node stops it at once, unless the node has failed and cannot hear.
pub fn shut_down(swarm: &mut Swarm, task: &TaskId, at: Timestamp) {
    let failed: Vec<NodeId> = swarm.nodes.iter().filter(|n| n.failed_at.is_some()).map(|n| n.id.clone()).collect();
    let Some(t) = swarm.tasks.iter_mut().find(|t| &t.id == task) else { return };
    t.desired = TaskState::Shutdown;
    if t.state.is_terminal() || t.node.as_ref().is_some_and(|n| failed.contains(n)) {
        return;
    }
    let event = TaskEvent { at, task: t.id.clone(), from: t.state, to: TaskState::Shutdown };
    t.state = TaskState::Shutdown;
    t.since = at;
    push_event(swarm, event);
}

/// A new task for `slot` of `service`, made from the service's current spec and placed.
fn create_task(
    swarm: &mut Swarm,
    service_id: &ServiceId,
    slot: u64,
    node: Option<NodeId>,
    at: Timestamp,
) -> Option<TaskId> {
    let service: &Service = swarm.services.iter().find(|s| &s.id == service_id)?;
    swarm.serial += 1;
    let seed = format!("{}/{}", swarm.id, swarm.serial);
    let digest = Sha256::digest(seed.as_bytes());
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let id = TaskId(digest.iter().take(25).map(|b| ALPHABET[usize::from(*b) % 36] as char).collect());
    let container = crate::digest::hex(&Sha256::digest(format!("{seed}/container").as_bytes()));
    let task = Task {
        id: id.clone(),
        service: service.id.clone(),
        slot,
        node: None,
        spec: service.spec.clone(),
        spec_version: service.spec_version,
        desired: TaskState::Running,
        state: TaskState::New,
        since: at,
        created: at,
        assigned_at: None,
        error: String::new(),
        container,
    };
    swarm.tasks.push(task);
    push_event(swarm, TaskEvent { at, task: id.clone(), from: TaskState::New, to: TaskState::New });
    transition(swarm, &id, TaskState::Pending, at);
    place(swarm, &id, node, at);
    Some(id)
}

fn transition(swarm: &mut Swarm, task: &TaskId, to: TaskState, at: Timestamp) {
    let Some(t) = swarm.tasks.iter_mut().find(|t| &t.id == task) else { return };
    if t.state == to {
        return;
    }
    let event = TaskEvent { at, task: t.id.clone(), from: t.state, to };
    t.state = to;
    t.since = at;
    push_event(swarm, event);
}

/// The scheduler: gives a pending task a node, spreading a service's tasks over the nodes that
/// take tasks (fewest of this service's tasks first, then fewest tasks of all), as Swarm's spread
/// strategy does. With no such node the task stays pending, saying why.
fn place(swarm: &mut Swarm, task: &TaskId, fixed: Option<NodeId>, at: Timestamp) {
    let Some(t) = swarm.tasks.iter().find(|t| &t.id == task) else { return };
    let service = t.service.clone();
    let load = |node: &Node| {
        let active = |t: &&Task| t.node.as_ref() == Some(&node.id) && t.desired == TaskState::Running;
        let mine = swarm.tasks.iter().filter(active).filter(|t| t.service == service).count();
        let all = swarm.tasks.iter().filter(active).count();
        (mine, all)
    };
    let chosen = match fixed {
        Some(node) => swarm.nodes.iter().find(|n| n.id == node && n.takes_tasks()).map(|n| n.id.clone()),
        None => swarm
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.takes_tasks())
            .min_by_key(|(i, n)| (load(n), *i))
            .map(|(_, n)| n.id.clone()),
    };
    let unavailable = swarm.nodes.iter().filter(|n| !n.takes_tasks()).count();
    let Some(t) = swarm.tasks.iter_mut().find(|t| &t.id == task) else { return };
    match chosen {
        Some(node) => {
            t.node = Some(node);
            t.assigned_at = Some(at);
            t.error.clear();
            transition(swarm, task, TaskState::Assigned, at);
        }
        None => {
            let nodes = if unavailable == 1 { "node" } else { "nodes" };
            t.error = format!("no suitable node ({unavailable} {nodes} not available for new tasks)");
        }
    }
}

fn push_event(swarm: &mut Swarm, event: TaskEvent) {
    swarm.events.push(event);
    if swarm.events.len() > MAX_EVENTS {
        let extra = swarm.events.len() - MAX_EVENTS;
        swarm.events.drain(..extra);
    }
}
