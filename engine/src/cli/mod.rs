//! The docker command line: words in, a typed [`Command`] out, or an error worded as the docker CLI
//! words it. The browser terminal, `dockyard` and the server's host bridge all parse with this.

pub mod complete;
pub mod compose;
mod container;
mod image;
mod network;
pub mod spec;
pub mod swarm;
mod system;
mod volume;
pub(crate) mod words;

pub use container::{CpOptions, ExecOptions, LogsOptions, PsOptions, RunOptions};
pub use image::{BuildOptions, ImagesOptions};
pub use network::NetworkCreateOptions;
pub use spec::{Arity, CommandSpec, FlagSpec, COMMANDS};
pub use words::{split, WordsError};

/// A parsed docker command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `--help` of a command, or `docker --help`: text to print.
    Help(String),
    Run(RunOptions),
    Ps(PsOptions),
    Create(RunOptions),
    Start {
        containers: Vec<String>,
        attach: bool,
    },
    /// `docker stop` (`kill: false`) and `docker kill`: `signal` as given, `time` in seconds.
    Stop {
        containers: Vec<String>,
        time: Option<String>,
        signal: Option<String>,
        kill: bool,
    },
    Restart {
        containers: Vec<String>,
        time: Option<String>,
    },
    Wait {
        containers: Vec<String>,
    },
    Pause {
        containers: Vec<String>,
        paused: bool,
    },
    Rename {
        container: String,
        name: String,
    },
    Logs(LogsOptions),
    Top {
        container: String,
    },
    Attach {
        container: String,
    },
    Exec(ExecOptions),
    Stats {
        containers: Vec<String>,
        all: bool,
        format: Option<String>,
    },
    VolumeCreate {
        name: Option<String>,
        labels: Vec<String>,
    },
    VolumeLs {
        quiet: bool,
        filters: Vec<String>,
    },
    VolumeInspect {
        names: Vec<String>,
    },
    VolumeRm {
        names: Vec<String>,
        force: bool,
    },
    VolumePrune {
        force: bool,
    },
    NetworkCreate(NetworkCreateOptions),
    NetworkLs {
        quiet: bool,
        no_trunc: bool,
        filters: Vec<String>,
        format: Option<String>,
    },
    NetworkInspect {
        names: Vec<String>,
        format: Option<String>,
    },
    NetworkConnect {
        network: String,
        container: String,
        aliases: Vec<String>,
    },
    NetworkDisconnect {
        network: String,
        container: String,
        force: bool,
    },
    NetworkRm {
        names: Vec<String>,
    },
    NetworkPrune {
        force: bool,
        filters: Vec<String>,
    },
    /// Not typed, but run after `attach`: the attached container's exit code as the command's.
    ExitCodeOf {
        container: String,
    },
    Port {
        container: String,
        port: Option<String>,
    },
    Inspect {
        names: Vec<String>,
        format: Option<String>,
        kind: Option<String>,
    },
    Images(ImagesOptions),
    Diff {
        container: String,
    },
    SystemDf,
    Build(BuildOptions),
    /// A build between steps, resumed once the host has run its `RUN` container; never typed.
    BuildResume(Box<crate::build::Build>),
    /// Wait for a quiet build's `RUN` container; never typed.
    BuildAwait {
        container: crate::container::ContainerId,
    },
    BuilderPrune {
        all: bool,
        force: bool,
    },
    Commit {
        container: String,
        repository: Option<String>,
        message: String,
        changes: Vec<String>,
    },
    Save {
        images: Vec<String>,
        output: Option<String>,
    },
    Load {
        input: Option<String>,
    },
    Push {
        image: String,
        all_tags: bool,
        quiet: bool,
    },
    Tag {
        source: String,
        target: String,
    },
    Rmi {
        force: bool,
        no_prune: bool,
        images: Vec<String>,
    },
    History {
        image: String,
        human: bool,
        no_trunc: bool,
        quiet: bool,
        /// `--format`: `table ...`, `json` or a Go template.
        format: Option<String>,
    },
    ImageInspect {
        images: Vec<String>,
        /// `--format`/`-f`: a Go template run over each image's JSON.
        format: Option<String>,
    },
    Pull {
        image: String,
        quiet: bool,
    },
    Rm {
        force: bool,
        /// `-v`: remove the container's anonymous volumes too.
        volumes: bool,
        containers: Vec<String>,
    },
    Version,
    Cp(CpOptions),
    Export {
        container: String,
        output: Option<String>,
    },
    ImagePrune {
        all: bool,
        force: bool,
        filters: Vec<String>,
    },
    /// Swarm mode: `docker swarm`, `node`, `service` and `stack`.
    Swarm(swarm::SwarmCommand),
    /// `docker compose`: reads the project's folder, then acts on the project.
    Compose(compose::ComposeCommand),
    /// One step of a `docker compose` command under way (a service's build, or its container
    /// made and started); never typed.
    ComposeTask(Box<crate::ops::compose::Task>),
}

impl Command {
    /// Whether running the command calls into the annex ([`crate::annex`]): a Go template of
    /// `--format`, or a Compose file to load. A host that keeps the annex apart loads it first.
    pub fn needs_annex(&self) -> bool {
        use swarm::SwarmCommand as S;
        match self {
            Command::Ps(PsOptions { format, .. })
            | Command::Images(ImagesOptions { format, .. })
            | Command::Stats { format, .. }
            | Command::NetworkLs { format, .. }
            | Command::NetworkInspect { format, .. }
            | Command::Inspect { format, .. }
            | Command::History { format, .. }
            | Command::ImageInspect { format, .. }
            | Command::Swarm(S::NodeInspect { format, .. } | S::ServiceInspect { format, .. }) => format.is_some(),
            Command::Compose(_) | Command::Swarm(S::StackDeploy { .. }) => true,
            _ => false,
        }
    }
}

/// A command line the CLI refuses: the text to print on stderr and the exit code Docker uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub message: String,
    pub exit_code: i32,
}

impl CliError {
    /// A usage mistake: the message, then the command's usage, as `docker` prints it (exit 125).
    fn usage(spec: &CommandSpec, message: &str) -> Self {
        CliError {
            message: format!(
                "{message}\n\nUsage:  {}\n\nRun 'docker {} --help' for more information",
                spec.usage,
                spec.name()
            ),
            exit_code: 125,
        }
    }
}

/// Flags and arguments found for one command, before they are typed.
struct Matches {
    flags: Vec<(&'static str, Option<String>)>,
    args: Vec<String>,
    help: bool,
}

impl Matches {
    fn bool(&self, long: &str) -> bool {
        self.bool_or(long, false)
    }

    /// A switch whose default is `default`; `--flag=false` turns a default-true switch off.
    fn bool_or(&self, long: &str, default: bool) -> bool {
        match self.flags.iter().rev().find(|(l, _)| *l == long) {
            Some((_, value)) => value.as_deref() != Some("false"),
            None => default,
        }
    }

    fn last(&self, long: &str) -> Option<String> {
        self.flags.iter().rev().find(|(l, _)| *l == long).and_then(|(_, v)| v.clone())
    }

    /// `--format`, where an empty value means the default output, as in the docker CLI.
    fn format(&self) -> Option<String> {
        self.last("format").filter(|f| !f.is_empty())
    }

    fn all(&self, long: &str) -> Vec<String> {
        self.flags.iter().filter(|(l, _)| *l == long).filter_map(|(_, v)| v.clone()).collect()
    }
}

/// Parses a command line; a leading `docker` is optional.
pub fn parse(line: &str) -> Result<Command, CliError> {
    let words = split(line).map_err(|e| CliError { message: format!("docker: {e}"), exit_code: 1 })?;
    parse_words(&words)
}

/// Parses words already split.
pub fn parse_words(words: &[String]) -> Result<Command, CliError> {
    let words = match words.first().map(String::as_str) {
        Some("docker") => &words[1..],
        _ => words,
    };
    match words.first().map(String::as_str) {
        None | Some("--help" | "-h" | "help") if words.len() <= 1 => return Ok(Command::Help(spec::overview())),
        Some("--version" | "-v") => return Ok(Command::Version),
        _ => {}
    }
    // Compose's own flags stand before its command: they are lifted off, and the rest parses
    // as any other command.
    let mut globals = None;
    let lifted;
    let words = match words.first().map(String::as_str) {
        Some("compose") => match compose::lift_globals(words)? {
            (_, None) => return Ok(Command::Help(compose::overview())),
            (found, Some(rest)) => {
                globals = Some(found);
                lifted = rest;
                &lifted[..]
            }
        },
        _ => words,
    };
    let (spec, rest) = find_command(words).ok_or_else(|| {
        let shown: Vec<&str> = words.iter().take(2).map(String::as_str).collect();
        CliError {
            message: format!(
                "docker: unknown command: docker {}\n\nRun 'docker --help' for more information",
                shown.join(" ")
            ),
            exit_code: 1,
        }
    })?;
    let m = match_flags(spec, rest)?;
    if m.help {
        return Ok(Command::Help(spec.help_text()));
    }
    check_arity(spec, &m.args)?;
    let name = spec.name();
    Ok(match name {
        name if container::handles(name) => container::parse(spec, m)?,
        name if image::handles(name) => image::parse(spec, m)?,
        name if volume::handles(name) => volume::parse(spec, m)?,
        name if network::handles(name) => network::parse(spec, m)?,
        name if system::handles(name) => system::parse(spec, m)?,
        name if swarm::handles(name) => Command::Swarm(swarm::parse(spec, m)?),
        name if compose::handles(name) => Command::Compose(compose::parse(spec, m, globals.unwrap_or_default())?),
        other => return Err(unknown_command(other)),
    })
}

/// A command in the table that no parser takes: a mistake in Dockyard, reported rather than
/// panicking, since a panic would end the whole page.
fn unknown_command(name: &str) -> CliError {
    CliError { message: format!("docker: unknown command: docker {name}"), exit_code: 1 }
}

/// The spec whose name (one or two words) starts `words`, and the words after it.
fn find_command(words: &[String]) -> Option<(&'static CommandSpec, &[String])> {
    for spec in COMMANDS {
        for name in spec.names {
            let parts: Vec<&str> = name.split(' ').collect();
            if words.len() >= parts.len() && words.iter().zip(&parts).all(|(w, p)| w == p) {
                return Some((spec, &words[parts.len()..]));
            }
        }
    }
    None
}

fn check_arity(spec: &CommandSpec, args: &[String]) -> Result<(), CliError> {
    let name = spec.name();
    let problem = match spec.arity {
        Arity::None if !args.is_empty() => format!("\"docker {name}\" accepts no arguments."),
        Arity::AtMost(n) if args.len() > n => {
            format!("\"docker {name}\" requires at most {n} argument{}.", if n == 1 { "" } else { "s" })
        }
        Arity::Between(min, max) if args.len() < min || args.len() > max => {
            format!("\"docker {name}\" requires at least {min} and at most {max} arguments.")
        }
        Arity::AtLeast(n) if args.len() < n => {
            format!("\"docker {name}\" requires at least {n} argument{}.", if n == 1 { "" } else { "s" })
        }
        Arity::Exactly(n) if args.len() != n => {
            format!("\"docker {name}\" requires exactly {n} argument{}.", if n == 1 { "" } else { "s" })
        }
        _ => return Ok(()),
    };
    Err(CliError::usage(spec, &problem))
}

/// Reads flags as the docker CLI's flag library does: `--name value`, `--name=value`, `-abc`, `-e X`,
/// `-eX`, and `--` to end the flags.
fn match_flags(spec: &'static CommandSpec, words: &[String]) -> Result<Matches, CliError> {
    let mut m = Matches { flags: Vec::new(), args: Vec::new(), help: false };
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if word == "--" {
            m.args.extend(words[i..].iter().cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            if name == "help" {
                m.help = true;
                continue;
            }
            let flag = spec
                .flags
                .iter()
                .find(|f| f.long == name)
                .ok_or_else(|| CliError::usage(spec, &format!("unknown flag: --{name}")))?;
            let value = match (flag.value, inline) {
                (None, v) => v,
                (Some(_), Some(v)) => Some(v),
                (Some(_), None) => {
                    let v = words
                        .get(i)
                        .ok_or_else(|| CliError::usage(spec, &format!("flag needs an argument: --{name}")))?;
                    i += 1;
                    Some(v.clone())
                }
            };
            m.flags.push((flag.long, value));
        } else if word.len() > 1 && word.starts_with('-') {
            let shorts: Vec<char> = word[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                j += 1;
                if c == 'h' {
                    m.help = true;
                    continue;
                }
                let flag = spec
                    .flags
                    .iter()
                    .find(|f| f.short == Some(c))
                    .ok_or_else(|| CliError::usage(spec, &format!("unknown shorthand flag: '{c}' in {word}")))?;
                if flag.value.is_none() {
                    // A switch may take an explicit value: `-H=false`.
                    if shorts.get(j) == Some(&'=') {
                        m.flags.push((flag.long, Some(shorts[j + 1..].iter().collect())));
                        break;
                    }
                    m.flags.push((flag.long, None));
                    continue;
                }
                // The rest of the word is the value (`-eX`, `-e=X`), else the next word is.
                let rest: String = shorts[j..].iter().collect();
                let value = if !rest.is_empty() {
                    rest.strip_prefix('=').unwrap_or(&rest).to_string()
                } else {
                    let v = words
                        .get(i)
                        .ok_or_else(|| CliError::usage(spec, &format!("flag needs an argument: '{c}' in -{c}")))?;
                    i += 1;
                    v.clone()
                };
                m.flags.push((flag.long, Some(value)));
                break;
            }
        } else {
            m.args.push(word.clone());
            if !spec.interspersed {
                m.args.extend(words[i..].iter().cloned());
                break;
            }
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests;
