//! The swarm as the pictures show it: each node with its tasks and their states, the services,
//! and the task state changes of the last seconds, for animating them as they happen.
//!
//! The view advances a copy of the swarm to `now`, so a page that redraws once a second shows
//! tasks starting and failed nodes' tasks moving without a command being typed; task ids are
//! derived, not drawn, so the copy makes the same tasks the engine will.

use serde::Serialize;

use crate::swarm::orchestrator::advance;
use crate::swarm::{Mode, Role, Swarm, TaskState};
use crate::time::Timestamp;
use crate::Engine;

/// How far back the recent state changes go.
const RECENT: u64 = 10_000_000_000;

/// The swarm at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SwarmView {
    pub id: String,
    pub nodes: Vec<NodeView>,
    pub services: Vec<ServiceView>,
    /// State changes of the last ten seconds, oldest first.
    pub recent: Vec<ChangeView>,
}

/// One node and the tasks it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeView {
    pub id: String,
    pub hostname: String,
    pub manager: bool,
    pub leader: bool,
    /// This node, the one the terminal talks to.
    pub is_self: bool,
    /// `ready` or `down`.
    pub status: String,
    /// `active`, `pause` or `drain`.
    pub availability: String,
    /// Its machine has failed, whether or not the manager has noticed yet.
    pub failed: bool,
    /// Its tasks that are meant to run, and those that ended here lately.
    pub tasks: Vec<TaskView>,
}

/// A task as a chip on its node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    pub id: String,
    /// `web.2`, as `service ps` names it.
    pub name: String,
    pub service: String,
    pub image: String,
    /// Docker's state name (`preparing`, `running`, `shutdown`...).
    pub state: String,
    pub desired: String,
    /// Whether the task is made from the service's current spec; false while an update replaces it.
    pub current: bool,
    pub since: Timestamp,
}

/// A service and how far it has converged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub image: String,
    /// `3/3`.
    pub replicas: String,
    pub global: bool,
    /// `*:8080->80/tcp`.
    pub ports: Vec<String>,
    /// A rolling update is under way.
    pub updating: bool,
}

/// A task moving from one state to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeView {
    pub at: Timestamp,
    pub task: String,
    pub from: String,
    pub to: String,
}

/// The swarm at `now`, or `None` when this node is in no swarm.
pub fn swarm(engine: &Engine, now: Timestamp) -> Option<SwarmView> {
    let mut copy: Swarm = engine.swarm()?.clone();
    advance(&mut copy, now);
    Some(view(&copy, now))
}

impl Engine {
    /// The swarm as the pictures draw it at `now`; see [`swarm`].
    pub fn swarm_view(&self, now: Timestamp) -> Option<SwarmView> {
        swarm(self, now)
    }
}

fn view(swarm: &Swarm, now: Timestamp) -> SwarmView {
    let name_of = |id: &crate::swarm::ServiceId| {
        swarm.services.iter().find(|s| &s.id == id).map(|s| s.name.clone()).unwrap_or_default()
    };
    let version_of = |id: &crate::swarm::ServiceId| swarm.services.iter().find(|s| &s.id == id).map(|s| s.spec_version);
    let mut nodes: Vec<NodeView> = swarm
        .nodes
        .iter()
        .map(|node| {
            let tasks = swarm
                .tasks
                .iter()
                .filter(|t| t.node.as_ref() == Some(&node.id))
                .filter(|t| t.desired == TaskState::Running || now.since(t.since).0 < RECENT)
                .map(|t| {
                    let service = name_of(&t.service);
                    let name =
                        if t.slot == 0 { format!("{service}.{}", node.id) } else { format!("{service}.{}", t.slot) };
                    TaskView {
                        id: t.id.to_string(),
                        name,
                        service,
                        image: t.spec.image.clone(),
                        state: t.state.as_str().to_string(),
                        desired: t.desired.as_str().to_string(),
                        current: version_of(&t.service) == Some(t.spec_version),
                        since: t.since,
                    }
                })
                .collect();
            NodeView {
                id: node.id.to_string(),
                hostname: node.hostname.clone(),
                manager: node.role == Role::Manager,
                leader: node.is_self,
                is_self: node.is_self,
                status: node.status().to_string(),
                availability: node.availability.as_str().to_string(),
                failed: node.failed_at.is_some(),
                tasks,
            }
        })
        .collect();
    crate::sort::sort_by(&mut nodes, |a, b| b.is_self.cmp(&a.is_self).then(a.hostname.cmp(&b.hostname)));
    let mut services: Vec<ServiceView> = swarm
        .services
        .iter()
        .map(|s| ServiceView {
            id: s.id.to_string(),
            name: s.name.clone(),
            image: s.spec.image.clone(),
            replicas: swarm.replicas_text(s),
            global: s.mode == Mode::Global,
            ports: s.ports.iter().map(|p| format!("*:{}->{}/{}", p.published, p.target, p.protocol)).collect(),
            updating: s.update_status.as_ref().is_some_and(|u| u.completed.is_none()),
        })
        .collect();
    crate::sort::sort_by(&mut services, |a, b| a.name.cmp(&b.name));
    let recent = swarm
        .events
        .iter()
        .filter(|e| now.since(e.at).0 < RECENT && e.from != e.to)
        .map(|e| ChangeView {
            at: e.at,
            task: e.task.to_string(),
            from: e.from.as_str().to_string(),
            to: e.to.as_str().to_string(),
        })
        .collect();
    SwarmView { id: swarm.id.clone(), nodes, services, recent }
}

#[cfg(test)]
mod tests {
    use crate::builtin::{docker_hub, Programs};
    use crate::{Ctx, Engine, Seeded, Step, Timestamp};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_view_shows_tasks_starting_without_a_command() {
        let mut engine = Engine::new(docker_hub(&Programs::default().with("hello", b"\0asm\x01\0\0\0")).unwrap());
        let mut entropy = Seeded::new(1);
        let t0 = Timestamp::from_secs(1_800_000_000);
        assert!(engine.swarm_view(t0).is_none());
        for line in [
            "docker swarm init",
            "docker node add worker1",
            "docker service create --name web --replicas 2 hello-world",
        ] {
            let mut ctx = Ctx { now: t0, entropy: &mut entropy };
            assert!(matches!(engine.execute(line, &mut ctx), Step::Done(r) if r.exit_code == 0));
        }
        let before = engine.swarm_view(t0).unwrap();
        assert_eq!(before.nodes.len(), 2);
        assert_eq!(before.nodes[0].hostname, "dockyard", "this node first");
        assert!(before.nodes.iter().all(|n| n.tasks.len() == 1 && n.tasks[0].state == "assigned"));
        let later = engine.swarm_view(Timestamp(t0.0 + 3_000_000_000)).unwrap();
        assert!(later.nodes.iter().all(|n| n.tasks[0].state == "running"));
        assert_eq!(later.services[0].replicas, "2/2");
        assert!(later.recent.iter().any(|c| c.to == "running"));
        // Advancing the engine itself makes the very tasks the view showed.
        engine.advance_swarm(Timestamp(t0.0 + 3_000_000_000));
        assert_eq!(engine.swarm_view(Timestamp(t0.0 + 3_000_000_000)), Some(later));
    }
}
