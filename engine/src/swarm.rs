//! Swarm mode: the swarm this engine's node manages, its nodes, services and tasks.
//!
//! Dockyard has one machine, so the swarm's other nodes are simulated: `docker node add` stands
//! for `docker swarm join` run on another machine, and `docker node down` for that machine
//! failing. Tasks are simulated too, on every node (this one included): a task's state moves
//! from `new` to `running` as time passes ([`orchestrator`]), with no process behind it, so a
//! swarm of many replicas costs the page nothing and fails only when the learner fails a node.
//! Everything here is a pure function of the state and the `now` the host passes in.

pub mod orchestrator;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;
use crate::Entropy;

/// A swarm object's id as Docker prints it: 25 characters of `[0-9a-z]`.
fn object_id(entropy: &mut dyn Entropy) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut bytes = [0u8; 25];
    entropy.fill(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

macro_rules! swarm_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn generate(entropy: &mut dyn Entropy) -> Self {
                $name(object_id(entropy))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The first 12 characters, as tables show it.
            pub fn short(&self) -> &str {
                self.0.get(..12).unwrap_or(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

swarm_id!(
    /// A node's id.
    NodeId
);
swarm_id!(
    /// A service's id.
    ServiceId
);
swarm_id!(
    /// A task's id.
    TaskId
);

/// How long a failed machine keeps looking ready: the manager marks a node down only when its
/// heartbeats stop arriving, after the dispatcher's period (5 s) times its grace multiplier (3).
pub const HEARTBEAT_TIMEOUT: u64 = 15_000_000_000;

/// The address the swarm advertises when `--advertise-addr` does not say.
pub const DEFAULT_ADDR: &str = "192.168.65.3";

/// The most replicas a service may have here: each is drawn in the pictures.
pub const MAX_REPLICAS: u64 = 100;

/// The port managers listen on for joining nodes.
pub const SWARM_PORT: u16 = 2377;

/// A node's part in the swarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Manager,
    Worker,
}

/// Whether the scheduler may give a node tasks: `pause` takes no new ones, `drain` none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Availability {
    Active,
    Pause,
    Drain,
}

impl Availability {
    pub fn parse(text: &str) -> Option<Availability> {
        match text {
            "active" => Some(Availability::Active),
            "pause" => Some(Availability::Pause),
            "drain" => Some(Availability::Drain),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Active => "active",
            Availability::Pause => "pause",
            Availability::Drain => "drain",
        }
    }
}

/// A machine in the swarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub hostname: String,
    pub role: Role,
    pub availability: Availability,
    /// The address it joined from.
    pub addr: String,
    pub created: Timestamp,
    pub updated: Timestamp,
    /// When its machine failed (`docker node down`); its status turns `down` once the manager
    /// has missed its heartbeats for [`HEARTBEAT_TIMEOUT`].
    #[serde(default)]
    pub failed_at: Option<Timestamp>,
    /// Whether the manager has noticed the failure.
    #[serde(default)]
    pub down: bool,
    /// This node, the one the engine answers for; `node ls` marks it with `*`.
    #[serde(default)]
    pub is_self: bool,
}

impl Node {
    /// The STATUS column.
    pub fn status(&self) -> &'static str {
        if self.down {
            "down"
        } else {
            "ready"
        }
    }

    /// Whether the scheduler may place new tasks here.
    pub fn takes_tasks(&self) -> bool {
        !self.down && self.failed_at.is_none() && self.availability == Availability::Active
    }
}

/// How a service places tasks: a number of replicas, or one on every node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Replicated { replicas: u64 },
    Global,
}

/// Stop the old task before starting its replacement, or start the new one first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateOrder {
    StopFirst,
    StartFirst,
}

impl UpdateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateOrder::StopFirst => "stop-first",
            UpdateOrder::StartFirst => "start-first",
        }
    }
}

/// `--update-parallelism`, `--update-delay`, `--update-order`, `--update-failure-action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateConfig {
    /// Tasks replaced at once; 0 means all of them.
    pub parallelism: u64,
    /// Nanoseconds between batches.
    pub delay: u64,
    pub order: UpdateOrder,
    pub failure_action: String,
}

impl Default for UpdateConfig {
    fn default() -> Self {
        UpdateConfig { parallelism: 1, delay: 0, order: UpdateOrder::StopFirst, failure_action: "pause".to_string() }
    }
}

/// A published port through the routing mesh: every node answers on `published`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortConfig {
    pub published: u16,
    pub target: u16,
    pub protocol: String,
}

/// What a service's tasks run; a task keeps the spec it was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskSpec {
    pub image: String,
    pub args: Vec<String>,
    pub env: Vec<String>,
    /// The image was on no registry and not here when the spec was made, so each node rejects
    /// the task when it prepares it, as Docker's nodes do when their pull fails.
    #[serde(default)]
    pub missing_image: bool,
}

/// Where a rolling update stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateStatus {
    /// `updating` or `completed`.
    pub state: String,
    pub started: Timestamp,
    pub completed: Option<Timestamp>,
    /// The replacements of the batch in flight; the next batch waits for them to run.
    pub batch: Vec<TaskId>,
    /// When the next batch may start (the batch's last task running, plus the delay).
    pub next_at: Option<Timestamp>,
    /// Why the update paused, when a replacement failed.
    #[serde(default)]
    pub message: String,
}

/// A service: the desired state the orchestrator converges the tasks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    pub spec: TaskSpec,
    pub mode: Mode,
    pub ports: Vec<PortConfig>,
    pub update_config: UpdateConfig,
    pub labels: std::collections::BTreeMap<String, String>,
    /// Bumped by every change; tasks made from an older spec are replaced by a rolling update.
    pub version: u64,
    /// The version whose spec the tasks should run.
    pub spec_version: u64,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub update_status: Option<UpdateStatus>,
    /// What the service was before its last update, for `service rollback`.
    #[serde(default)]
    pub previous: Option<Previous>,
}

/// A service's settings before an update, which a rollback restores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Previous {
    pub spec: TaskSpec,
    pub mode: Mode,
    pub ports: Vec<PortConfig>,
}

impl Service {
    /// The stack this service was deployed by, if any.
    pub fn stack(&self) -> Option<&str> {
        self.labels.get(STACK_LABEL).map(String::as_str)
    }
}

/// The label `docker stack deploy` puts on what it makes.
pub const STACK_LABEL: &str = "com.docker.stack.namespace";

/// A task's state, in the order a task moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskState {
    New,
    Pending,
    Assigned,
    Accepted,
    Preparing,
    Starting,
    Running,
    Complete,
    Shutdown,
    Failed,
    Rejected,
    Remove,
    Orphaned,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::New => "new",
            TaskState::Pending => "pending",
            TaskState::Assigned => "assigned",
            TaskState::Accepted => "accepted",
            TaskState::Preparing => "preparing",
            TaskState::Starting => "starting",
            TaskState::Running => "running",
            TaskState::Complete => "complete",
            TaskState::Shutdown => "shutdown",
            TaskState::Failed => "failed",
            TaskState::Rejected => "rejected",
            TaskState::Remove => "remove",
            TaskState::Orphaned => "orphaned",
        }
    }

    /// As `service ps` prints it: `Running`.
    pub fn title(self) -> String {
        let s = self.as_str();
        let mut chars = s.chars();
        chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
    }

    /// Whether the task has ended for good.
    pub fn is_terminal(self) -> bool {
        self > TaskState::Running
    }
}

/// One replica of a service on one node: the unit the scheduler places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub service: ServiceId,
    /// The replica's number (1, 2, ...); for a global service, 0, the node telling them apart.
    pub slot: u64,
    pub node: Option<NodeId>,
    pub spec: TaskSpec,
    /// The service version the task was made from.
    pub spec_version: u64,
    pub desired: TaskState,
    pub state: TaskState,
    /// When `state` was reached.
    pub since: Timestamp,
    pub created: Timestamp,
    /// When the scheduler gave it a node; its start is timed from here.
    #[serde(default)]
    pub assigned_at: Option<Timestamp>,
    /// Why it is stuck or ended (`no suitable node ...`).
    #[serde(default)]
    pub error: String,
    /// The container the task would run as, named `service.slot.taskid` on its node.
    pub container: String,
}

/// A task moving to a new state, for the pictures' animation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEvent {
    pub at: Timestamp,
    pub task: TaskId,
    pub from: TaskState,
    pub to: TaskState,
}

/// How long a service's slot waits after its task failed before a new task takes it (the
/// restart policy's default delay).
pub const RESTART_DELAY: u64 = 5_000_000_000;

/// How many state changes the swarm remembers for the pictures.
pub const MAX_EVENTS: usize = 200;

/// The swarm, as its manager knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swarm {
    pub id: String,
    pub created: Timestamp,
    pub advertise_addr: String,
    pub worker_token: String,
    pub manager_token: String,
    pub nodes: Vec<Node>,
    pub services: Vec<Service>,
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub events: Vec<TaskEvent>,
    /// The time the swarm was last advanced to.
    #[serde(default)]
    pub now: Timestamp,
    /// How many tasks were ever made; task ids derive from it, so advancing a copy of the swarm
    /// (as the pictures do) makes the same tasks as advancing the swarm itself.
    #[serde(default)]
    pub serial: u64,
    /// The networks each stack made, by stack name, for `stack rm` to remove.
    #[serde(default)]
    pub stack_networks: std::collections::BTreeMap<String, Vec<String>>,
}

/// A join token: `SWMTKN-1-`, a digest of the cluster's root CA, and a secret.
fn token(entropy: &mut dyn Entropy) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut ca = [0u8; 50];
    let mut secret = [0u8; 25];
    entropy.fill(&mut ca);
    entropy.fill(&mut secret);
    let text = |bytes: &[u8]| -> String { bytes.iter().map(|b| ALPHABET[usize::from(*b) % 36] as char).collect() };
    format!("SWMTKN-1-{}-{}", text(&ca), text(&secret))
}

/// `token` with a new secret and the same CA digest, as a rotation or the other role's token.
pub fn rotated(token: &str, entropy: &mut dyn Entropy) -> String {
    let mut secret = [0u8; 25];
    entropy.fill(&mut secret);
    let kept = token.get(..token.len().saturating_sub(25)).unwrap_or_default();
    kept.chars()
        .chain(secret.iter().map(|b| b"0123456789abcdefghijklmnopqrstuvwxyz"[usize::from(*b) % 36] as char))
        .collect()
}

impl Swarm {
    /// A new swarm with this engine's machine as its only node, its leader.
    pub fn init(hostname: &str, advertise_addr: &str, now: Timestamp, entropy: &mut dyn Entropy) -> Swarm {
        let id = object_id(entropy);
        let manager_token = token(entropy);
        // The worker token shares the CA digest; only the secret differs.
        let worker_token = rotated(&manager_token, entropy);
        let node = Node {
            id: NodeId::generate(entropy),
            hostname: hostname.to_string(),
            role: Role::Manager,
            availability: Availability::Active,
            addr: advertise_addr.to_string(),
            created: now,
            updated: now,
            failed_at: None,
            down: false,
            is_self: true,
        };
        Swarm {
            id,
            created: now,
            advertise_addr: advertise_addr.to_string(),
            worker_token,
            manager_token,
            nodes: vec![node],
            services: Vec::new(),
            tasks: Vec::new(),
            events: Vec::new(),
            now,
            serial: 0,
            stack_networks: Default::default(),
        }
    }

    /// This engine's own node.
    pub fn self_node(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| n.is_self)
    }

    /// A node by id, unique id prefix or hostname, as the docker CLI resolves it.
    pub fn find_node(&self, key: &str) -> Option<&Node> {
        if key.is_empty() {
            return None;
        }
        if let Some(node) = self.nodes.iter().find(|n| n.id.as_str() == key) {
            return Some(node);
        }
        let named: Vec<&Node> = self.nodes.iter().filter(|n| n.hostname == key).collect();
        if let [one] = named.as_slice() {
            return Some(one);
        }
        let mut prefixed = self.nodes.iter().filter(|n| n.id.as_str().starts_with(key));
        match (prefixed.next(), prefixed.next()) {
            (Some(node), None) => Some(node),
            _ => None,
        }
    }

    /// A service by id, name or unique id prefix.
    pub fn find_service(&self, key: &str) -> Option<&Service> {
        if key.is_empty() {
            return None;
        }
        if let Some(s) = self.services.iter().find(|s| s.id.as_str() == key || s.name == key) {
            return Some(s);
        }
        let mut prefixed = self.services.iter().filter(|s| s.id.as_str().starts_with(key));
        match (prefixed.next(), prefixed.next()) {
            (Some(s), None) => Some(s),
            _ => None,
        }
    }

    pub fn node_mut(&mut self, id: &NodeId) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| &n.id == id)
    }

    pub fn service_mut(&mut self, id: &ServiceId) -> Option<&mut Service> {
        self.services.iter_mut().find(|s| &s.id == id)
    }

    /// The tasks of a service, in the order they were made.
    pub fn tasks_of<'a>(&'a self, service: &'a ServiceId) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks.iter().filter(move |t| &t.service == service)
    }

    /// Tasks running now, of one service.
    pub fn running(&self, service: &ServiceId) -> usize {
        self.tasks_of(service).filter(|t| t.state == TaskState::Running && t.desired == TaskState::Running).count()
    }

    /// The REPLICAS column: running over desired.
    pub fn replicas_text(&self, service: &Service) -> String {
        let running = self.running(&service.id);
        match service.mode {
            Mode::Replicated { replicas } => format!("{running}/{replicas}"),
            Mode::Global => {
                let nodes = self.nodes.iter().filter(|n| n.takes_tasks()).count();
                format!("{running}/{nodes}")
            }
        }
    }

    /// The join command a worker or a manager runs.
    pub fn join_command(&self, manager: bool) -> String {
        let token = if manager { &self.manager_token } else { &self.worker_token };
        format!("docker swarm join --token {token} {}:{SWARM_PORT}", self.advertise_addr)
    }
}
