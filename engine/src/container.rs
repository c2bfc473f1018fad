//! Containers: ids, names, and the lifecycle state with guard methods that say what may happen next.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digest::{hex, ImageId};
use crate::layer::Layer;
use crate::time::Timestamp;
use crate::wasi::Stream;
use crate::Entropy;

/// A container id: 64 lowercase hex digits drawn from the host's randomness.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContainerId(String);

impl ContainerId {
    pub fn generate(entropy: &mut dyn Entropy) -> Self {
        let mut bytes = [0u8; 32];
        entropy.fill(&mut bytes);
        ContainerId(hex(&bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 digits, as tables and the container's hostname show it.
    pub fn short(&self) -> &str {
        // Ids restored from saved state are not trusted to be 64 digits long.
        self.0.get(..12).unwrap_or(&self.0)
    }
}

impl fmt::Display for ContainerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a container is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerStatus {
    Created,
    Running,
    /// Running, but its process is frozen until `docker unpause`.
    Paused,
    Exited,
}

impl ContainerStatus {
    /// A created or exited container may be started; a running one may not.
    pub fn can_start(self) -> bool {
        matches!(self, ContainerStatus::Created | ContainerStatus::Exited)
    }

    /// Only a running (or paused) container has a process to end.
    pub fn can_exit(self) -> bool {
        matches!(self, ContainerStatus::Running | ContainerStatus::Paused)
    }

    /// Only a running container can be paused, and only a paused one unpaused.
    pub fn can_pause(self) -> bool {
        self == ContainerStatus::Running
    }

    pub fn can_unpause(self) -> bool {
        self == ContainerStatus::Paused
    }

    /// Removing a container whose process lives needs force.
    pub fn can_remove(self, force: bool) -> bool {
        force || !self.can_exit()
    }
}

impl fmt::Display for ContainerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContainerStatus::Created => "created",
            ContainerStatus::Running => "running",
            ContainerStatus::Paused => "paused",
            ContainerStatus::Exited => "exited",
        })
    }
}

/// The state `docker inspect` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub status: ContainerStatus,
    pub exit_code: i32,
    /// Why the process ended abnormally (a trap), if it did.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    /// The process was ended for passing its `--memory` limit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub oom_killed: bool,
}

impl State {
    /// A container made and not yet started.
    pub fn created() -> State {
        State {
            status: ContainerStatus::Created,
            exit_code: 0,
            error: String::new(),
            started_at: None,
            finished_at: None,
            oom_killed: false,
        }
    }
}

/// One chunk of what the container's process wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub stream: Stream,
    pub time: Timestamp,
    pub text: String,
}

/// A container: an image's layers plus its own writable layer, and one process definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    pub id: ContainerId,
    pub name: String,
    pub image: ImageId,
    /// The image as the user named it, which `docker ps` shows.
    pub image_name: String,
    /// The process: the executable's path and its arguments.
    pub path: String,
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub created: Timestamp,
    pub state: State,
    pub auto_remove: bool,
    /// The working directory, user, and stop settings the process runs with.
    #[serde(default)]
    pub working_dir: String,
    #[serde(default)]
    pub user: String,
    /// Seconds `docker stop` waits before it kills, when the container was given its own.
    #[serde(default)]
    pub stop_timeout: Option<u64>,
    /// The restart policy as given to `--restart` (`no`, `always`, `on-failure[:N]`, `unless-stopped`).
    #[serde(default)]
    pub restart_policy: String,
    #[serde(default)]
    pub restart_count: u32,
    /// Stopped or killed by a command, which a restart policy respects until the next start.
    #[serde(default)]
    pub manually_stopped: bool,
    /// `--memory`: the most linear memory the process may have, in bytes.
    #[serde(default)]
    pub memory: Option<u64>,
    /// The volumes mounted into it.
    #[serde(default)]
    pub mounts: Vec<crate::volume::Mount>,
    /// The ports it asks to publish on its host (`-p`, `-P`; host port 0 for "any"), and those
    /// it holds while it runs, every host port chosen.
    #[serde(default)]
    pub ports: Vec<crate::ops::publish::PortBinding>,
    #[serde(default)]
    pub published: Vec<crate::ops::publish::PortBinding>,
    /// `-i` and `-t`: standard input kept open, and a terminal.
    #[serde(default)]
    pub open_stdin: bool,
    #[serde(default)]
    pub tty: bool,
    /// `--network`: `bridge`, or `none` for a container with only its loopback interface.
    #[serde(default = "bridge")]
    pub network_mode: String,
    /// Its endpoints: one per network it is on (none for `--network none`'s loopback-only
    /// container, whose one entry has no address).
    #[serde(default)]
    pub networks: Vec<crate::network::Attachment>,
    /// The thin writable layer on top of the image's layers.
    pub rw: Layer,
    pub logs: Vec<LogEntry>,
    /// `--label`s, and those Compose puts on the containers it makes, by which it finds them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<String, String>,
}

impl Container {
    /// The command as `docker ps` shows it, before quoting and truncation.
    pub fn command_line(&self) -> String {
        std::iter::once(self.path.as_str()).chain(self.args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
    }

    /// The STATUS column: "Created", "Up 3 seconds", "Exited (0) 2 minutes ago".
    pub fn status_text(&self, now: Timestamp) -> String {
        match self.state.status {
            ContainerStatus::Created => "Created".to_string(),
            ContainerStatus::Running => {
                let since = self.state.started_at.unwrap_or(self.created);
                format!("Up {}", now.since(since).human())
            }
            ContainerStatus::Paused => {
                let since = self.state.started_at.unwrap_or(self.created);
                format!("Up {} (Paused)", now.since(since).human())
            }
            ContainerStatus::Exited => {
                let since = self.state.finished_at.unwrap_or(self.created);
                format!("Exited ({}) {} ago", self.state.exit_code, now.since(since).human())
            }
        }
    }
}

const ADJECTIVES: &[&str] = &[
    "brave", "busy", "calm", "clever", "curious", "eager", "elegant", "festive", "focused", "friendly", "gentle",
    "happy", "hopeful", "jolly", "keen", "kind", "lucid", "merry", "modest", "nifty", "patient", "peaceful", "quirky",
    "quiet", "relaxed", "serene", "sharp", "steady", "sweet", "tender", "tidy", "upbeat", "vibrant", "vigilant",
    "wizardly", "zealous",
];

/// Pioneers of computing, as Docker's name generator honours scientists.
const SURNAMES: &[&str] = &[
    "allen",
    "babbage",
    "backus",
    "bartik",
    "berners",
    "borg",
    "cerf",
    "codd",
    "dijkstra",
    "engelbart",
    "hamilton",
    "hopper",
    "kahn",
    "kay",
    "knuth",
    "lamport",
    "liskov",
    "lovelace",
    "mccarthy",
    "milner",
    "moore",
    "noyce",
    "perlman",
    "ritchie",
    "shannon",
    "shaw",
    "sutherland",
    "thompson",
    "torvalds",
    "turing",
    "wilkes",
    "wing",
    "wirth",
    "wozniak",
];

/// A Docker-style name (`eager_hopper`) that no existing container has.
pub fn generate_name(entropy: &mut dyn Entropy, taken: &dyn Fn(&str) -> bool) -> String {
    for attempt in 0u32.. {
        let mut b = [0u8; 2];
        entropy.fill(&mut b);
        let mut name = format!(
            "{}_{}",
            ADJECTIVES[usize::from(b[0]) % ADJECTIVES.len()],
            SURNAMES[usize::from(b[1]) % SURNAMES.len()]
        );
        // After a few collisions Docker appends a digit; so does this.
        if attempt >= 8 {
            name.push_str(&(attempt % 10).to_string());
        }
        if !taken(&name) {
            return name;
        }
    }
    unreachable!("the loop only ends by returning")
}

/// The network a container is on unless `--network` says otherwise.
fn bridge() -> String {
    "bridge".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Seeded;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ids_are_64_hex_digits() {
        let id = ContainerId::generate(&mut Seeded::new(1));
        assert_eq!(id.as_str().len(), 64);
        assert!(id.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(id.short().len(), 12);
        assert_ne!(id, ContainerId::generate(&mut Seeded::new(2)));
    }

    #[test]
    fn guards_follow_dockers_rules() {
        use ContainerStatus::*;
        assert!(Created.can_start() && Exited.can_start() && !Running.can_start());
        assert!(Running.can_exit() && !Exited.can_exit());
        assert!(!Running.can_remove(false) && Running.can_remove(true) && Exited.can_remove(false));
    }

    #[test]
    fn names_avoid_ones_in_use() {
        let mut entropy = Seeded::new(3);
        let first = generate_name(&mut entropy, &|_| false);
        assert!(first.contains('_'));
        let mut entropy = Seeded::new(3);
        let second = generate_name(&mut entropy, &|n| n == first);
        assert_ne!(first, second);
    }
}
