//! Lesson goals: one-line checks on the engine's state that a teacher writes in a lesson, such as
//! `container web is running` or `image myapp has 4 layers`, checked after every command as Learn
//! Git Branching checks its levels.
//!
//! A goal is parsed once, when the lesson loads, so a typo is the teacher's error in the lesson,
//! not a goal that silently never turns green.

use thiserror::Error;

use crate::cli::words;
use crate::container::ContainerStatus;
use crate::fs::UnionFs;
use crate::layer::EntryKind;
use crate::reference::Reference;
use crate::swarm::orchestrator::advance;
use crate::swarm::Swarm;
use crate::time::Timestamp;
use crate::Engine;

/// What a goal line may say; the lesson format's documentation lists the same forms.
pub const FORMS: &[&str] = &[
    "image NAME exists",
    "image NAME is absent",
    "image NAME has N layers",
    "image NAME shares N layers with OTHER",
    "container NAME exists",
    "container NAME is absent",
    "container NAME is running|paused|exited|created",
    "container NAME exited with CODE",
    "container NAME publishes HOST_PORT[:CONTAINER_PORT]",
    "container NAME mounts VOLUME [at PATH]",
    "container NAME has file PATH [containing TEXT]",
    "container NAME lacks file PATH",
    "container NAME is on NETWORK",
    "containers from IMAGE number at least N",
    "volume NAME exists",
    "volume NAME is absent",
    "volume NAME holds PATH [containing TEXT]",
    "network NAME exists",
    "registry DOMAIN has REPOSITORY:TAG",
    "ran COMMAND",
    "swarm is active",
    "node NAME is ready|down|active|paused|drained",
    "service NAME runs N replicas",
    "service NAME runs image IMAGE",
    "stack NAME has N services",
];

/// Why a goal line cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GoalError {
    #[error("empty goal")]
    Empty,
    #[error("cannot split goal {line:?}: {reason}")]
    Words { line: String, reason: String },
    #[error("unknown goal {line:?}; a goal is one of: {}", FORMS.join("; "))]
    Unknown { line: String },
    #[error("goal {line:?}: {what} must be a number, not {value:?}")]
    Number { line: String, what: &'static str, value: String },
}

/// A container's state as a goal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Paused,
    Exited,
    Created,
}

/// One check on the engine's state (and, for `ran`, on the commands typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    ImageExists(String),
    ImageAbsent(String),
    ImageLayers(String, usize),
    ImagesShare {
        image: String,
        other: String,
        layers: usize,
    },
    ContainerExists(String),
    ContainerAbsent(String),
    ContainerStatus(String, Status),
    ContainerExitCode(String, i32),
    ContainerPublishes {
        container: String,
        host_port: u16,
        container_port: Option<u16>,
    },
    ContainerMounts {
        container: String,
        volume: String,
        at: Option<String>,
    },
    ContainerFile {
        container: String,
        path: String,
        containing: Option<String>,
    },
    /// The container has an endpoint on the network.
    ContainerOn {
        container: String,
        network: String,
    },
    /// The container exists and its filesystem has nothing at the path.
    ContainerLacks {
        container: String,
        path: String,
    },
    ContainersFrom {
        image: String,
        at_least: usize,
    },
    VolumeExists(String),
    VolumeAbsent(String),
    NetworkExists(String),
    VolumeHolds {
        volume: String,
        path: String,
        containing: Option<String>,
    },
    RegistryHas {
        domain: String,
        repository: String,
        tag: String,
    },
    Ran(String),
    SwarmActive,
    /// A node's status (`ready`, `down`) or availability (`active`, `pause`, `drain`).
    NodeIs(String, &'static str),
    ServiceReplicas(String, usize),
    ServiceImage(String, String),
    StackServices(String, usize),
}

impl Goal {
    /// Reads one goal line.
    pub fn parse(line: &str) -> Result<Goal, GoalError> {
        let words = words::split(line.trim())
            .map_err(|e| GoalError::Words { line: line.to_string(), reason: e.to_string() })?;
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let unknown = || GoalError::Unknown { line: line.to_string() };
        let number = |what: &'static str, value: &str| {
            value.parse::<usize>().map_err(|_| GoalError::Number { line: line.to_string(), what, value: value.into() })
        };
        let port = |value: &str| {
            value.parse::<u16>().map_err(|_| GoalError::Number {
                line: line.to_string(),
                what: "a port",
                value: value.into(),
            })
        };
        let text = |rest: &[&str]| -> Result<Option<String>, GoalError> {
            match rest {
                [] => Ok(None),
                ["containing", text] => Ok(Some(text.to_string())),
                _ => Err(unknown()),
            }
        };
        let s = |x: &str| x.to_string();
        Ok(match w.as_slice() {
            [] => return Err(GoalError::Empty),
            ["image", name, "exists"] => Goal::ImageExists(s(name)),
            ["image", name, "is", "absent"] => Goal::ImageAbsent(s(name)),
            ["image", name, "has", n, "layers" | "layer"] => Goal::ImageLayers(s(name), number("a layer count", n)?),
            ["image", name, "shares", n, "layers" | "layer", "with", other] => {
                Goal::ImagesShare { image: s(name), other: s(other), layers: number("a layer count", n)? }
            }
            ["container", name, "exists"] => Goal::ContainerExists(s(name)),
            ["container", name, "is", "absent"] => Goal::ContainerAbsent(s(name)),
            ["container", name, "is", "on", network] => Goal::ContainerOn { container: s(name), network: s(network) },
            ["container", name, "is", state] => Goal::ContainerStatus(
                s(name),
                match *state {
                    "running" => Status::Running,
                    "paused" => Status::Paused,
                    "exited" => Status::Exited,
                    "created" => Status::Created,
                    _ => return Err(unknown()),
                },
            ),
            ["container", name, "exited", "with", code] => Goal::ContainerExitCode(
                s(name),
                code.parse().map_err(|_| GoalError::Number {
                    line: line.to_string(),
                    what: "an exit code",
                    value: s(code),
                })?,
            ),
            ["container", name, "publishes", ports] => {
                let (host, inside) = match ports.split_once(':') {
                    Some((host, inside)) => (port(host)?, Some(port(inside)?)),
                    None => (port(ports)?, None),
                };
                Goal::ContainerPublishes { container: s(name), host_port: host, container_port: inside }
            }
            ["container", name, "mounts", volume] => {
                Goal::ContainerMounts { container: s(name), volume: s(volume), at: None }
            }
            ["container", name, "mounts", volume, "at", path] => {
                Goal::ContainerMounts { container: s(name), volume: s(volume), at: Some(s(path)) }
            }
            ["container", name, "has", "file", path, rest @ ..] => {
                Goal::ContainerFile { container: s(name), path: s(path), containing: text(rest)? }
            }
            ["container", name, "lacks", "file", path] => Goal::ContainerLacks { container: s(name), path: s(path) },
            ["containers", "from", image, "number", "at", "least", n] => {
                Goal::ContainersFrom { image: s(image), at_least: number("a count", n)? }
            }
            ["volume", name, "exists"] => Goal::VolumeExists(s(name)),
            ["network", name, "exists"] => Goal::NetworkExists(s(name)),
            ["volume", name, "is", "absent"] => Goal::VolumeAbsent(s(name)),
            ["volume", name, "holds", path, rest @ ..] => {
                Goal::VolumeHolds { volume: s(name), path: s(path), containing: text(rest)? }
            }
            ["registry", domain, "has", reference] => {
                let (repository, tag) = reference.rsplit_once(':').unwrap_or((reference, "latest"));
                Goal::RegistryHas { domain: s(domain), repository: s(repository), tag: s(tag) }
            }
            ["ran", command @ ..] if !command.is_empty() => Goal::Ran(command.join(" ")),
            ["swarm", "is", "active"] => Goal::SwarmActive,
            ["node", name, "is", state] => Goal::NodeIs(
                s(name),
                match *state {
                    "ready" => "ready",
                    "down" => "down",
                    "active" => "active",
                    "paused" => "pause",
                    "drained" => "drain",
                    _ => return Err(unknown()),
                },
            ),
            ["service", name, "runs", n, "replicas" | "replica"] => {
                Goal::ServiceReplicas(s(name), number("a replica count", n)?)
            }
            ["service", name, "runs", "image", image] => Goal::ServiceImage(s(name), s(image)),
            ["stack", name, "has", n, "services" | "service"] => {
                Goal::StackServices(s(name), number("a service count", n)?)
            }
            _ => return Err(unknown()),
        })
    }

    /// Whether `engine`, after the commands in `history` (oldest first), meets the goal.
    pub fn met(&self, engine: &Engine, history: &[String]) -> bool {
        let image = |name: &str| engine.images().resolve(name);
        let container = |name: &str| engine.find_container(name);
        let volume = |name: &str| engine.volumes.get(name);
        match self {
            Goal::ImageExists(name) => image(name).is_some(),
            Goal::ImageAbsent(name) => image(name).is_none(),
            Goal::ImageLayers(name, n) => image(name).is_some_and(|i| i.config.rootfs.diff_ids.len() == *n),
            Goal::ImagesShare { image: a, other: b, layers } => match (image(a), image(b)) {
                (Some(a), Some(b)) => {
                    let (a, b) = (&a.config.rootfs.diff_ids, &b.config.rootfs.diff_ids);
                    a.iter().zip(b).take_while(|(x, y)| x == y).count() == *layers
                }
                _ => false,
            },
            Goal::ContainerExists(name) => container(name).is_some(),
            Goal::ContainerAbsent(name) => container(name).is_none(),
            Goal::ContainerStatus(name, status) => container(name).is_some_and(|c| {
                matches!(
                    (c.state.status, status),
                    (ContainerStatus::Running, Status::Running)
                        | (ContainerStatus::Paused, Status::Paused)
                        | (ContainerStatus::Exited, Status::Exited)
                        | (ContainerStatus::Created, Status::Created)
                )
            }),
            Goal::ContainerExitCode(name, code) => {
                container(name).is_some_and(|c| c.state.status == ContainerStatus::Exited && c.state.exit_code == *code)
            }
            Goal::ContainerPublishes { container: name, host_port, container_port } => {
                container(name).is_some_and(|c| {
                    c.published.iter().any(|p| {
                        p.host_port == *host_port && container_port.is_none_or(|inside| p.container_port == inside)
                    })
                })
            }
            Goal::ContainerMounts { container: name, volume, at } => container(name).is_some_and(|c| {
                c.mounts.iter().any(|m| {
                    &m.volume == volume && at.as_deref().is_none_or(|at| m.destination == at.trim_matches('/'))
                })
            }),
            Goal::ContainerFile { container: name, path, containing } => {
                engine.container_fs(name).is_some_and(|fs| holds(&fs, path, containing.as_deref()))
            }
            Goal::ContainerOn { container: name, network } => {
                let network = engine.find_network(network);
                container(name).is_some_and(|c| network.is_some_and(|n| c.networks.iter().any(|a| a.network == n.id)))
            }
            Goal::NetworkExists(name) => engine.find_network(name).is_some(),
            Goal::ContainerLacks { container: name, path } => {
                engine.container_fs(name).is_some_and(|fs| fs.lookup(path).is_none())
            }
            Goal::ContainersFrom { image: name, at_least } => match image(name) {
                Some(image) => engine.containers().iter().filter(|c| c.image == image.id).count() >= *at_least,
                None => *at_least == 0,
            },
            Goal::VolumeExists(name) => volume(name).is_some(),
            Goal::VolumeAbsent(name) => volume(name).is_none(),
            Goal::VolumeHolds { volume: name, path, containing } => volume(name).is_some_and(|v| {
                let fs = UnionFs::with_upper(Vec::new(), v.data.clone());
                holds(&fs, path, containing.as_deref())
            }),
            Goal::RegistryHas { domain, repository, tag } => {
                // The goal names a repository as a learner does: `hello`, not `library/hello`.
                let path = match Reference::parse(&format!("{domain}/{repository}")) {
                    Ok(reference) => reference.path,
                    Err(_) => return false,
                };
                engine
                    .registries
                    .get(domain.as_str())
                    .and_then(|r| r.repositories.get(&path))
                    .is_some_and(|tags| tags.contains_key(tag))
            }
            Goal::Ran(command) => history.iter().any(|line| ran(line, command)),
            Goal::SwarmActive
            | Goal::NodeIs(..)
            | Goal::ServiceReplicas(..)
            | Goal::ServiceImage(..)
            | Goal::StackServices(..) => self.met_on_swarm(engine.swarm()),
        }
    }

    /// Whether the goal is met at `now`. A swarm's tasks move through their states as time
    /// passes, not only when a command runs, so a swarm goal is checked on the swarm as it is at
    /// `now`; every other goal as `met` checks it.
    pub fn met_at(&self, engine: &Engine, history: &[String], now: Timestamp) -> bool {
        match self {
            Goal::SwarmActive
            | Goal::NodeIs(..)
            | Goal::ServiceReplicas(..)
            | Goal::ServiceImage(..)
            | Goal::StackServices(..) => {
                let mut swarm = engine.swarm().cloned();
                if let Some(swarm) = &mut swarm {
                    advance(swarm, now);
                }
                self.met_on_swarm(swarm.as_ref())
            }
            _ => self.met(engine, history),
        }
    }

    /// A swarm goal, checked on `swarm` (none when this node is in no swarm).
    fn met_on_swarm(&self, swarm: Option<&Swarm>) -> bool {
        let Some(swarm) = swarm else { return false };
        match self {
            Goal::SwarmActive => true,
            Goal::NodeIs(name, state) => swarm
                .find_node(name)
                .is_some_and(|node| node.status() == *state || node.availability.as_str() == *state),
            Goal::ServiceReplicas(name, n) => {
                swarm.find_service(name).is_some_and(|service| swarm.running(&service.id) == *n)
            }
            Goal::ServiceImage(name, wanted) => {
                let Some(service) = swarm.find_service(name) else { return false };
                let wanted = Reference::parse(wanted).map(|r| r.with_default_tag().familiar());
                let mut running = swarm
                    .tasks_of(&service.id)
                    .filter(|t| t.state == crate::swarm::TaskState::Running && t.desired == t.state)
                    .peekable();
                running.peek().is_some()
                    && running.all(|t| {
                        Reference::parse(&t.spec.image).map(|r| r.with_default_tag().familiar()).ok()
                            == wanted.clone().ok()
                    })
            }
            Goal::StackServices(name, n) => {
                swarm.services.iter().filter(|service| service.stack() == Some(name.as_str())).count() == *n
            }
            _ => false,
        }
    }
}

/// Whether `fs` has a file at `path`, holding `containing` when it is given.
fn holds(fs: &UnionFs, path: &str, containing: Option<&str>) -> bool {
    match fs.lookup(path) {
        Some((entry, _)) => match (&entry.kind, containing) {
            (EntryKind::File { data }, Some(text)) => String::from_utf8_lossy(&data.0).contains(text),
            (EntryKind::File { .. }, None) => true,
            _ => false,
        },
        None => false,
    }
}

/// Whether a typed `line` is the goal's command: the same words at its start, with or without
/// the leading `docker`, so `ran docker ps` is met by `docker ps -a` and by `ps`.
fn ran(line: &str, command: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        let mut words = words::split(text).unwrap_or_default();
        if words.first().map(String::as_str) == Some("docker") {
            words.remove(0);
        }
        words
    };
    let (typed, wanted) = (words(line), words(command));
    !wanted.is_empty() && typed.starts_with(&wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_parses() {
        let lines = [
            "image hello-world exists",
            "image myapp:1.0 is absent",
            "image myapp has 4 layers",
            "image myapp:2 shares 3 layers with myapp:1",
            "container web exists",
            "container web is absent",
            "container web is running",
            "container job exited with 0",
            "container web publishes 8080",
            "container web publishes 8080:80",
            "container db mounts data",
            "container db mounts data at /var/lib/db",
            "container web has file /usr/share/web/index.html",
            "container web has file /etc/motd containing 'hello there'",
            "container web lacks file /secret",
            "container web is on shop",
            "network shop exists",
            "containers from hello-world number at least 2",
            "volume data exists",
            "volume data is absent",
            "volume data holds greeting containing hi",
            "registry localhost:5000 has hello:latest",
            "ran docker ps",
            "swarm is active",
            "node worker1 is down",
            "node worker1 is drained",
            "service web runs 3 replicas",
            "service web runs image web:1",
            "stack shop has 2 services",
        ];
        for line in lines {
            assert!(Goal::parse(line).is_ok(), "{line}");
        }
        assert_eq!(
            Goal::parse("container web publishes 8080:80"),
            Ok(Goal::ContainerPublishes { container: "web".into(), host_port: 8080, container_port: Some(80) })
        );
        assert_eq!(
            Goal::parse("registry localhost:5000 has hello"),
            Ok(Goal::RegistryHas { domain: "localhost:5000".into(), repository: "hello".into(), tag: "latest".into() })
        );
    }

    #[test]
    fn mistakes_are_the_teachers_to_see() {
        assert_eq!(Goal::parse("  "), Err(GoalError::Empty));
        let unknown = Goal::parse("container web is sleeping").unwrap_err().to_string();
        assert!(
            unknown.starts_with("unknown goal \"container web is sleeping\"; a goal is one of: image NAME exists;"),
            "{unknown}"
        );
        assert_eq!(
            Goal::parse("image app has four layers").unwrap_err().to_string(),
            "goal \"image app has four layers\": a layer count must be a number, not \"four\""
        );
        assert!(matches!(Goal::parse("container web publishes 99999"), Err(GoalError::Number { .. })));
        assert!(matches!(Goal::parse("volume v holds f with x"), Err(GoalError::Unknown { .. })));
        assert!(matches!(Goal::parse("ran 'unclosed"), Err(GoalError::Words { .. })));
        assert!(matches!(Goal::parse("ran"), Err(GoalError::Unknown { .. })));
    }

    #[test]
    fn ran_matches_the_commands_start_with_or_without_docker() {
        assert!(ran("docker ps -a", "docker ps"));
        assert!(ran("ps", "docker ps"));
        assert!(ran("docker  run   hello-world", "run hello-world"));
        assert!(!ran("docker psx", "docker ps"));
        assert!(!ran("docker images", "docker ps"));
        assert!(!ran("docker ps", "docker"), "a bare docker names no command");
    }
}
