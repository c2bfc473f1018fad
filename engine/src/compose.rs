//! Compose files as `docker compose` reads them: a typed [`Project`] from a compose.yaml, with
//! Compose's interpolation, validation, error texts and the names it gives what it makes.
//!
//! Loading follows Compose's order, because the errors a learner sees depend on it: the YAML is
//! parsed (a syntax error reads `yaml: line 4: mapping values are not allowed in this context`),
//! then every value is interpolated from the environment the host passes in (`${TAG:-latest}`),
//! then the keys and types are checked against the Compose Specification (`services.web
//! additional properties 'imagee' not allowed`), then the project as a whole (`service "web"
//! depends on undefined service "db": invalid compose project`).
//!
//! Nothing here reads a file. `env_file:` entries are listed by [`Project::env_files`]; the host
//! reads them and hands their contents to [`Project::apply_env_files`].
//!
//! ```
//! use dockyard_engine::compose::{load, Options};
//! let source = "services:\n  web:\n    image: nginx:${TAG:-alpine}\n    ports: [\"8080:80\"]\n";
//! let loaded = load(source, &Options::new("My App")).unwrap();
//! let project = &loaded.project;
//! assert_eq!(project.name, "myapp");
//! assert_eq!(project.services["web"].image.as_deref(), Some("nginx:alpine"));
//! assert_eq!(project.container_name("web", 1), "myapp-web-1");
//! assert_eq!(project.networks["default"].name, "myapp_default");
//! ```

// Reading and printing a file are the annex's (see `crate::annex`); the model, names, order and
// `.env` files stay, since the commands act on a loaded project.
#[cfg(feature = "annex")]
mod config;
mod env_file;
mod interpolate;
#[cfg(feature = "annex")]
mod load;
mod model;
mod names;
mod order;
#[cfg(feature = "annex")]
mod short;
#[cfg(all(test, feature = "annex"))]
mod tests;
pub(crate) mod wire;
#[cfg(feature = "annex")]
mod yaml;

use std::collections::BTreeMap;

pub use crate::dockerfile::Position;
pub use model::{
    Build, Command, Condition, Dependency, EnvFile, HealthTest, Healthcheck, Mount, MountType, Network, Port, Project,
    Restart, Service, ServiceNetwork, Volume,
};
pub use names::{normalize_project_name, validate_project_name};

/// What loading needs from outside: the variables for interpolation and the directory whose
/// name becomes the project's when nothing else names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The variables `${VAR}` reads (the shell's, with the project's `.env` file over them, as
    /// the host assembles them). `COMPOSE_PROJECT_NAME` among them names the project.
    pub env: BTreeMap<String, String>,
    /// The name (last component) of the directory holding the compose file.
    pub directory: String,
    /// `docker compose -p NAME`, which wins over everything else.
    pub project_name: Option<String>,
    /// The absolute path of the project's directory. When given, relative paths (build contexts,
    /// bind mounts' sources, `env_file`s) are made absolute against it, and `~` against `HOME`
    /// in `env`, as Compose does; without it they stay as written.
    pub working_dir: Option<String>,
}

impl Options {
    pub fn new(directory: &str) -> Self {
        Options { directory: directory.to_string(), ..Options::default() }
    }

    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.env.insert(name.to_string(), value.to_string());
        self
    }
}

/// A loaded project and the warnings Compose would print while loading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub project: Project,
    /// Texts Compose prints as `WARN[0000] ...`, e.g. that `version` is obsolete or that a
    /// variable is not set.
    pub warnings: Vec<String>,
}

/// Why a compose file could not be loaded. Messages are Compose's own where it has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// The file is not YAML, or YAML Compose refuses (a key twice, too deep, too many aliases).
    #[error("yaml: line {}: {message}", position.line)]
    Yaml { position: Position, message: String },
    /// A value could not be interpolated.
    #[error("{message}")]
    Interpolation { position: Position, message: String },
    /// A key or value the Compose Specification does not allow.
    #[error("{message}")]
    Schema { position: Position, message: String },
    /// The file is well-formed but the project does not hold together.
    #[error("{message}: invalid compose project")]
    Project { position: Option<Position>, message: String },
    /// A name Compose refuses.
    #[error("{0}")]
    Name(String),
    /// `depends_on` goes round in a circle.
    #[error("dependency cycle detected: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    /// A required `env_file` the host could not provide.
    #[error("env file {0} not found: no such file or directory")]
    EnvFileMissing(String),
    /// An `env_file` that is not in the dotenv format.
    #[error("failed to read {path}: line {line}: {message}")]
    EnvFile { path: String, line: usize, message: String },
    /// The file holds no document at all.
    #[error("empty compose file")]
    Empty,
    /// The loader lives in the annex, which could not be reached (see `crate::annex`).
    #[error("{0}")]
    Annex(String),
}

impl ComposeError {
    /// Where in the compose file the error lies, when it lies in one place.
    pub fn position(&self) -> Option<Position> {
        match self {
            ComposeError::Yaml { position, .. }
            | ComposeError::Interpolation { position, .. }
            | ComposeError::Schema { position, .. } => Some(*position),
            ComposeError::Project { position, .. } => *position,
            _ => None,
        }
    }
}

/// Loads a compose file: parse, interpolate, validate, normalize.
pub fn load(source: &str, options: &Options) -> Result<Loaded, ComposeError> {
    crate::annex::touch();
    #[cfg(feature = "annex")]
    return load::load(source, options);
    #[cfg(not(feature = "annex"))]
    {
        use crate::annex::{ask, Request, Response};
        let asked = Request::ComposeLoad { source: source.to_string(), options: wire::put(options) };
        match ask(&asked, |r| if let Response::ComposeLoad(loaded) = r { wire::result(&loaded) } else { None }) {
            Ok(loaded) => loaded,
            Err(why) => Err(ComposeError::Annex(why)),
        }
    }
}

/// The variables a project folder's `.env` file sets, read as Compose reads `env_file`s; a
/// name written alone takes its value from `env`, or is left out.
pub fn dotenv(text: &str, env: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, ComposeError> {
    let vars = env_file::parse(".env", text, env)?;
    Ok(crate::sort::map(vars.into_iter().filter_map(|(name, value)| value.map(|v| (name, v)))))
}

/// The `docker compose config` output for a project: normalized YAML with keys sorted.
pub fn config(project: &Project) -> String {
    crate::annex::touch();
    #[cfg(feature = "annex")]
    return config::render(project);
    #[cfg(not(feature = "annex"))]
    {
        use crate::annex::{ask, Request, Response};
        let asked = Request::ComposeConfig { project: wire::put(project) };
        match ask(&asked, |r| if let Response::ComposeConfig(text) = r { Some(text) } else { None }) {
            Ok(text) => text,
            // `config` prints YAML; a comment says what went wrong without breaking it.
            Err(why) => format!("# {why}\n"),
        }
    }
}

impl Project {
    /// The `env_file` paths the services name, each once, in the order a host should read them.
    pub fn env_files(&self) -> Vec<&EnvFile> {
        let mut files: Vec<&EnvFile> = Vec::new();
        for service in self.services.values() {
            for file in &service.env_file {
                if !files.iter().any(|f| f.path == file.path) {
                    files.push(file);
                }
            }
        }
        files
    }

    /// The second step of loading: each service's `env_file` contents (by path, as listed by
    /// [`Project::env_files`]; a file the host could not read is absent) go under its
    /// `environment`, which wins, as in Compose. Later files win over earlier ones.
    pub fn apply_env_files(
        &mut self,
        contents: &BTreeMap<String, String>,
        env: &BTreeMap<String, String>,
    ) -> Result<(), ComposeError> {
        for service in self.services.values_mut() {
            let mut from_files: BTreeMap<String, Option<String>> = BTreeMap::new();
            for file in &service.env_file {
                match contents.get(&file.path) {
                    Some(text) => from_files.extend(env_file::parse(&file.path, text, env)?),
                    None if file.required => return Err(ComposeError::EnvFileMissing(file.path.clone())),
                    None => {}
                }
            }
            for (name, value) in from_files {
                service.environment.entry(name).or_insert(value);
            }
        }
        Ok(())
    }

    /// The name of a service's `number`th container: `container_name` or
    /// `<project>-<service>-<number>`.
    pub fn container_name(&self, service: &str, number: u32) -> String {
        match self.services.get(service).and_then(|s| s.container_name.as_ref()) {
            Some(name) => name.clone(),
            None => names::container_name(&self.name, service, number),
        }
    }

    /// The services that run with these profiles active (`COMPOSE_PROFILES`, `--profile`):
    /// those without profiles, and those with one of them; `*` activates every profile.
    pub fn active_services(&self, profiles: &[String]) -> Vec<&str> {
        let all = profiles.iter().any(|p| p == "*");
        self.services
            .iter()
            .filter(|(_, s)| all || s.profiles.is_empty() || s.profiles.iter().any(|p| profiles.contains(p)))
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The services in the order `docker compose up` starts them: each after what it depends on,
    /// otherwise by name.
    pub fn start_order(&self) -> Result<Vec<String>, ComposeError> {
        order::start_order(self)
    }

    /// The labels Compose puts on a service's container.
    pub fn container_labels(&self, service: &str, number: u32, oneoff: bool) -> BTreeMap<String, String> {
        names::container_labels(self, service, number, oneoff)
    }

    /// The labels Compose puts on a network it creates, by the network's key.
    pub fn network_labels(&self, key: &str) -> BTreeMap<String, String> {
        names::resource_labels(self, "network", key, self.networks.get(key).map(|n| &n.labels))
    }

    /// The labels Compose puts on a volume it creates, by the volume's key.
    pub fn volume_labels(&self, key: &str) -> BTreeMap<String, String> {
        names::resource_labels(self, "volume", key, self.volumes.get(key).map(|v| &v.labels))
    }
}
