//! The typed model of a Compose project: what `docker compose` knows once it has read, interpolated
//! and normalized a compose.yaml.
//!
//! Maps are `BTreeMap`s because Compose sorts services, networks, volumes, labels and environment
//! by name when it prints a project, and because the model must not depend on hash order.

use std::collections::BTreeMap;

use super::Position;

/// A whole Compose project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The normalized project name (see [`super::normalize_project_name`]).
    pub name: String,
    pub services: BTreeMap<String, Service>,
    pub networks: BTreeMap<String, Network>,
    pub volumes: BTreeMap<String, Volume>,
}

/// One service of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub image: Option<String>,
    pub build: Option<Build>,
    pub command: Option<Command>,
    pub entrypoint: Option<Command>,
    /// Variables by name; `None` for `KEY` written without a value and not set in the environment
    /// Compose was given, which leaves the variable unset in the container.
    pub environment: BTreeMap<String, Option<String>>,
    pub env_file: Vec<EnvFile>,
    pub ports: Vec<Port>,
    pub volumes: Vec<Mount>,
    /// The networks the service joins, by the project's name for them; a service that names none
    /// joins `default`.
    pub networks: BTreeMap<String, ServiceNetwork>,
    pub depends_on: BTreeMap<String, Dependency>,
    pub restart: Option<Restart>,
    pub healthcheck: Option<Healthcheck>,
    pub container_name: Option<String>,
    pub hostname: Option<String>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub expose: Vec<String>,
    pub profiles: Vec<String>,
    /// Where the service's key stands in the file, for errors about the service as a whole.
    pub position: Position,
}

impl Service {
    /// A service with nothing set, whose key stands at `position`.
    pub fn new(position: Position) -> Self {
        Service {
            image: None,
            build: None,
            command: None,
            entrypoint: None,
            environment: BTreeMap::new(),
            env_file: Vec::new(),
            ports: Vec::new(),
            volumes: Vec::new(),
            networks: BTreeMap::new(),
            depends_on: BTreeMap::new(),
            restart: None,
            healthcheck: None,
            container_name: None,
            hostname: None,
            working_dir: None,
            user: None,
            labels: BTreeMap::new(),
            expose: Vec::new(),
            profiles: Vec::new(),
            position,
        }
    }
}

/// `build:`, either a context path alone or its long form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Build {
    pub context: String,
    /// The Dockerfile's path inside the context; `Dockerfile` when not given.
    pub dockerfile: String,
    /// Build arguments; `None` for `ARG` written without a value and not in the environment.
    pub args: BTreeMap<String, Option<String>>,
    pub target: Option<String>,
}

/// `command:` or `entrypoint:`. Compose splits a string with shell quoting rules into words
/// (it does not run a shell: `echo $HOME` runs `echo` with the word `$HOME`), and takes a list
/// as it is. Either way the words replace the image's `Cmd` or `Entrypoint`, and, as with
/// `docker run --entrypoint`, a service's `entrypoint` also drops the image's `Cmd` unless the
/// service sets a `command`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Written as one string: the words it splits into, and the string as written.
    Shell { words: Vec<String>, text: String },
    /// Written as a list.
    Exec(Vec<String>),
}

impl Command {
    /// The words the process is started with, as Compose hands them to the engine.
    pub fn words(&self) -> &[String] {
        match self {
            Command::Shell { words, .. } => words,
            Command::Exec(words) => words,
        }
    }
}

/// One entry of `env_file:`; its content comes from the host in a second step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    pub path: String,
    /// `required: false` makes a missing file no error.
    pub required: bool,
}

/// A published (or only declared) port, in Compose's long form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub target: u16,
    /// The host port or range (`8080`, `8000-8010`); `None` lets the engine choose one.
    pub published: Option<String>,
    pub host_ip: Option<String>,
    /// `tcp` or `udp` (or `sctp`).
    pub protocol: String,
    /// `ingress` or `host`.
    pub mode: String,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

/// What a mount mounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountType {
    Volume,
    Bind,
    Tmpfs,
}

impl MountType {
    pub fn as_str(self) -> &'static str {
        match self {
            MountType::Volume => "volume",
            MountType::Bind => "bind",
            MountType::Tmpfs => "tmpfs",
        }
    }
}

/// One entry of a service's `volumes:`, in Compose's long form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountType,
    /// A named volume's name (the project's name for it), a bind mount's host path, or `None`
    /// for an anonymous volume or a tmpfs.
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    /// For bind mounts: create the host path when it is missing (true for the short syntax).
    pub create_host_path: bool,
    /// For volumes: `nocopy`.
    pub nocopy: bool,
}

/// How a service joins one network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceNetwork {
    pub aliases: Vec<String>,
    pub ipv4_address: Option<String>,
}

/// When a dependency counts as ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Started,
    Healthy,
    CompletedSuccessfully,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Started => "service_started",
            Condition::Healthy => "service_healthy",
            Condition::CompletedSuccessfully => "service_completed_successfully",
        }
    }
}

/// One entry of `depends_on:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub condition: Condition,
    /// Restart this service when the dependency is updated.
    pub restart: bool,
    /// A dependency that is not required may be missing or fail to start.
    pub required: bool,
}

/// A restart policy, as `docker run --restart` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    No,
    Always,
    OnFailure(Option<u32>),
    UnlessStopped,
}

impl std::fmt::Display for Restart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Restart::No => f.write_str("no"),
            Restart::Always => f.write_str("always"),
            Restart::OnFailure(None) => f.write_str("on-failure"),
            Restart::OnFailure(Some(n)) => write!(f, "on-failure:{n}"),
            Restart::UnlessStopped => f.write_str("unless-stopped"),
        }
    }
}

/// A healthcheck's test, as the engine's `HEALTHCHECK` keeps one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthTest {
    /// `["CMD", ...]`: run the words as they are.
    Cmd(Vec<String>),
    /// `["CMD-SHELL", "..."]` or a string: run it with the container's shell.
    Shell(String),
    /// `["NONE"]`: no healthcheck, even one the image declares.
    None,
}

/// `healthcheck:`. Durations are in nanoseconds, as Go's `time.Duration` holds them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Healthcheck {
    /// `None` inherits the image's test.
    pub test: Option<HealthTest>,
    pub interval: Option<i64>,
    pub timeout: Option<i64>,
    pub start_period: Option<i64>,
    pub start_interval: Option<i64>,
    pub retries: Option<u64>,
    pub disable: bool,
}

/// A top-level network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    /// The name the engine knows it by: `<project>_<key>` unless `name:` or `external` says
    /// otherwise.
    pub name: String,
    pub driver: Option<String>,
    pub external: bool,
    pub internal: bool,
    pub labels: BTreeMap<String, String>,
}

/// A top-level volume.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Volume {
    /// The name the engine knows it by: `<project>_<key>` unless `name:` or `external` says
    /// otherwise.
    pub name: String,
    pub driver: Option<String>,
    pub external: bool,
    pub labels: BTreeMap<String, String>,
}
