//! The docker command line: words in, a typed [`Command`] out, or an error worded as the docker CLI
//! words it. The browser terminal, `dockyard` and the server's host bridge all parse with this.

pub mod complete;
pub mod compose;
pub mod spec;
pub mod swarm;
pub(crate) mod words;

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

/// The options of `docker cp`: one side is `CONTAINER:PATH`, the other a host path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CpOptions {
    pub source: String,
    pub destination: String,
    pub archive: bool,
    pub follow_link: bool,
    pub quiet: bool,
}

/// The options of `docker run` and `docker create`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub image: String,
    /// The command and its arguments; empty means the image's Cmd.
    pub command: Vec<String>,
    pub name: Option<String>,
    pub env: Vec<String>,
    pub remove: bool,
    pub detach: bool,
    pub interactive: bool,
    pub tty: bool,
    pub workdir: Option<String>,
    pub user: Option<String>,
    /// `--entrypoint`; an empty value clears the image's.
    pub entrypoint: Option<String>,
    pub stop_timeout: Option<u64>,
    pub restart: Option<String>,
    /// `--memory`/`-m`, in bytes.
    pub memory: Option<u64>,
    /// `-v` values as typed (`data:/data`, `/cache`).
    pub volumes: Vec<String>,
    /// `--mount` values as typed (`type=volume,source=data,target=/data`).
    pub mounts: Vec<String>,
    /// `--env-file` paths not read yet, on the client's side, as the docker CLI reads them.
    pub env_files: Vec<String>,
    /// `-p` values as typed (`8080:80`), and `-P`: publish every port the image exposes.
    pub publish: Vec<String>,
    pub publish_all: bool,
    /// `--network`: `bridge` (the default), `none`, or a network by name.
    pub network: Option<String>,
    /// `--network-alias`: more names the container has on its user-defined network.
    pub network_aliases: Vec<String>,
    /// `--label`/`-l` values as typed (`KEY=value`, or `KEY` for an empty value).
    pub labels: Vec<String>,
}

/// The options of `docker network create`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkCreateOptions {
    pub name: String,
    /// `-d`: `bridge` when not given.
    pub driver: Option<String>,
    /// `--subnet` and `--gateway` values as typed, each flag's commas split.
    pub subnets: Vec<String>,
    pub gateways: Vec<String>,
    pub internal: bool,
    pub attachable: bool,
    pub labels: Vec<String>,
}

/// The options of `docker exec`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecOptions {
    pub container: String,
    pub command: Vec<String>,
    pub detach: bool,
    pub env: Vec<String>,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub interactive: bool,
    pub tty: bool,
}

/// The options of `docker ps`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PsOptions {
    pub all: bool,
    pub quiet: bool,
    /// `-n`: the last n created, in any state; `-l` is `-n 1`.
    pub last: Option<usize>,
    pub size: bool,
    pub no_trunc: bool,
    pub filters: Vec<String>,
    pub format: Option<String>,
}

/// The options of `docker logs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogsOptions {
    pub container: String,
    pub follow: bool,
    pub tail: Option<String>,
    pub timestamps: bool,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// The options of `docker build`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// The build context: a folder on the client's side.
    pub context: String,
    pub tags: Vec<String>,
    /// `-f`: the Dockerfile's path, relative to the context, when not `Dockerfile`.
    pub file: Option<String>,
    /// `--build-arg` values as typed (`NAME=value`, or `NAME` to take the client's variable).
    pub build_args: Vec<String>,
    pub target: Option<String>,
    pub no_cache: bool,
    pub quiet: bool,
    /// `--progress`: `auto` and `tty` print as the classic builder does; `plain` as BuildKit's
    /// plain output; `quiet` as `-q`.
    pub progress: Option<String>,
    /// `--check`: print the Dockerfile's hints instead of building, as BuildKit's checks.
    pub check: bool,
}

/// The options of `docker images`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImagesOptions {
    pub all: bool,
    pub quiet: bool,
    pub digests: bool,
    pub no_trunc: bool,
    /// `--filter` values as typed (`dangling=true`, `reference=hello*`).
    pub filters: Vec<String>,
    /// The optional `REPOSITORY[:TAG]` argument.
    pub repository: Option<String>,
    /// `--format`: `table ...`, `json` or a Go template.
    pub format: Option<String>,
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

/// Docker refuses a memory limit below 6 MB.
const MIN_MEMORY: u64 = 6 * 1024 * 1024;

/// A size as Docker's `--memory` reads it: a number with an optional `b`, `k`, `m` or `g`
/// (binary units, either case, with or without a trailing `b`).
fn ram_in_bytes(text: &str) -> Result<u64, String> {
    let lower = text.to_ascii_lowercase();
    let digits_end = lower.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(lower.len());
    let (number, unit) = lower.split_at(digits_end);
    let number: f64 = number.parse().map_err(|_| format!("invalid size: '{text}'"))?;
    let scale: u64 = match unit.trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return Err(format!("invalid size: '{text}'")),
    };
    Ok((number * scale as f64) as u64)
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
    Ok(match spec.name() {
        "run" | "create" => {
            let mut args = m.args.clone().into_iter();
            let image = args.next().unwrap_or_default();
            let number = |flag: &str| -> Result<Option<u64>, CliError> {
                m.last(flag)
                    .map(|v| {
                        v.parse::<u64>().map_err(|_| {
                            CliError::usage(
                                spec,
                                &format!("invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"),
                            )
                        })
                    })
                    .transpose()
            };
            let options = RunOptions {
                image,
                command: args.collect(),
                name: m.last("name"),
                env: m.all("env"),
                remove: m.bool("rm"),
                detach: m.bool("detach"),
                interactive: m.bool("interactive"),
                tty: m.bool("tty"),
                workdir: m.last("workdir"),
                user: m.last("user"),
                entrypoint: m.last("entrypoint"),
                stop_timeout: number("stop-timeout")?,
                restart: m.last("restart"),
                volumes: m.all("volume"),
                mounts: m.all("mount"),
                env_files: m.all("env-file"),
                publish: m.all("publish"),
                publish_all: m.bool("publish-all"),
                network: m.last("network"),
                network_aliases: m.all("network-alias"),
                labels: m.all("label"),
                memory: m
                    .last("memory")
                    .map(|v| {
                        ram_in_bytes(&v).map_err(|e| {
                            CliError::usage(spec, &format!("invalid argument \"{v}\" for \"-m, --memory\" flag: {e}"))
                        })
                    })
                    .transpose()?,
            };
            if options.memory.is_some_and(|m| m < MIN_MEMORY) {
                return Err(CliError { message: "docker: Error response from daemon: Minimum memory limit allowed is 6MB.\n\nRun 'docker run --help' for more information".into(), exit_code: 125 });
            }
            if spec.name() == "run" {
                Command::Run(options)
            } else {
                Command::Create(options)
            }
        }
        "ps" => {
            let last = match (m.last("last"), m.bool("latest")) {
                (_, true) => Some(1),
                (Some(n), false) => match n.parse::<i64>() {
                    Ok(n) if n >= 0 => Some(n as usize),
                    Ok(_) => None,
                    Err(_) => {
                        return Err(CliError::usage(
                            spec,
                            &format!("invalid argument \"{n}\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax"),
                        ))
                    }
                },
                (None, false) => None,
            };
            Command::Ps(PsOptions {
                all: m.bool("all"),
                quiet: m.bool("quiet"),
                last,
                size: m.bool("size"),
                no_trunc: m.bool("no-trunc"),
                filters: m.all("filter"),
                format: m.format(),
            })
        }
        "start" => Command::Start { containers: m.args.clone(), attach: m.bool("attach") },
        "stop" | "kill" => Command::Stop {
            containers: m.args.clone(),
            time: m.last("time"),
            signal: m.last("signal"),
            kill: spec.name() == "kill",
        },
        "restart" => Command::Restart { containers: m.args.clone(), time: m.last("time") },
        "wait" => Command::Wait { containers: m.args },
        "pause" => Command::Pause { containers: m.args, paused: true },
        "unpause" => Command::Pause { containers: m.args, paused: false },
        "rename" => Command::Rename { container: m.args[0].clone(), name: m.args[1].clone() },
        "logs" => Command::Logs(LogsOptions {
            container: m.args[0].clone(),
            follow: m.bool("follow"),
            tail: m.last("tail"),
            timestamps: m.bool("timestamps"),
            since: m.last("since"),
            until: m.last("until"),
        }),
        "top" => Command::Top { container: m.args[0].clone() },
        "attach" => Command::Attach { container: m.args[0].clone() },
        "stats" => Command::Stats { containers: m.args.clone(), all: m.bool("all"), format: m.format() },
        "exec" => Command::Exec(ExecOptions {
            container: m.args[0].clone(),
            command: m.args[1..].to_vec(),
            detach: m.bool("detach"),
            env: m.all("env"),
            workdir: m.last("workdir"),
            user: m.last("user"),
            interactive: m.bool("interactive"),
            tty: m.bool("tty"),
        }),
        "volume create" => {
            Command::VolumeCreate { name: m.args.first().cloned().or(m.last("name")), labels: m.all("label") }
        }
        "volume ls" => Command::VolumeLs { quiet: m.bool("quiet"), filters: m.all("filter") },
        "volume inspect" => Command::VolumeInspect { names: m.args.clone() },
        "volume rm" => Command::VolumeRm { names: m.args.clone(), force: m.bool("force") },
        "volume prune" => Command::VolumePrune { force: m.bool("force") },
        "network create" => {
            // Docker's `strings` flags take comma-separated values as well as repeats.
            let strings = |flag: &str| -> Vec<String> {
                m.all(flag).iter().flat_map(|v| v.split(',')).filter(|v| !v.is_empty()).map(str::to_string).collect()
            };
            Command::NetworkCreate(NetworkCreateOptions {
                name: m.args[0].clone(),
                driver: m.last("driver"),
                subnets: strings("subnet"),
                gateways: strings("gateway"),
                internal: m.bool("internal"),
                attachable: m.bool("attachable"),
                labels: m.all("label"),
            })
        }
        "network ls" => Command::NetworkLs {
            quiet: m.bool("quiet"),
            no_trunc: m.bool("no-trunc"),
            filters: m.all("filter"),
            format: m.format(),
        },
        "network inspect" => Command::NetworkInspect { names: m.args.clone(), format: m.format() },
        "network connect" => Command::NetworkConnect {
            network: m.args[0].clone(),
            container: m.args[1].clone(),
            aliases: m.all("alias").iter().flat_map(|v| v.split(',')).map(str::to_string).collect(),
        },
        "network disconnect" => Command::NetworkDisconnect {
            network: m.args[0].clone(),
            container: m.args[1].clone(),
            force: m.bool("force"),
        },
        "network rm" => Command::NetworkRm { names: m.args.clone() },
        "network prune" => Command::NetworkPrune { force: m.bool("force"), filters: m.all("filter") },
        "port" => Command::Port { container: m.args[0].clone(), port: m.args.get(1).cloned() },
        "inspect" => Command::Inspect { names: m.args.clone(), format: m.format(), kind: m.last("type") },
        "images" => Command::Images(ImagesOptions {
            all: m.bool("all"),
            quiet: m.bool("quiet"),
            digests: m.bool("digests"),
            no_trunc: m.bool("no-trunc"),
            filters: m.all("filter"),
            repository: m.args.first().cloned(),
            format: m.format(),
        }),
        "system df" => Command::SystemDf,
        "diff" => Command::Diff { container: m.args[0].clone() },
        "build" => Command::Build(BuildOptions {
            context: m.args[0].clone(),
            tags: m.all("tag"),
            file: m.last("file"),
            build_args: m.all("build-arg"),
            target: m.last("target"),
            no_cache: m.bool("no-cache"),
            quiet: m.bool("quiet"),
            progress: m.last("progress"),
            check: m.bool("check"),
        }),
        "builder prune" => Command::BuilderPrune { all: m.bool("all"), force: m.bool("force") },
        "commit" => Command::Commit {
            container: m.args[0].clone(),
            repository: m.args.get(1).cloned(),
            message: m.last("message").unwrap_or_default(),
            changes: m.all("change"),
        },
        "save" => Command::Save { images: m.args.clone(), output: m.last("output") },
        "load" => Command::Load { input: m.last("input") },
        "push" => Command::Push { image: m.args[0].clone(), all_tags: m.bool("all-tags"), quiet: m.bool("quiet") },
        "tag" => Command::Tag { source: m.args[0].clone(), target: m.args[1].clone() },
        "rmi" => Command::Rmi { force: m.bool("force"), no_prune: m.bool("no-prune"), images: m.args },
        "history" => Command::History {
            image: m.args[0].clone(),
            human: m.bool_or("human", true),
            no_trunc: m.bool("no-trunc"),
            quiet: m.bool("quiet"),
            format: m.format(),
        },
        "image inspect" => Command::ImageInspect { format: m.format(), images: m.args },
        "pull" => Command::Pull { image: m.args[0].clone(), quiet: m.bool("quiet") },
        "rm" => Command::Rm { force: m.bool("force"), volumes: m.bool("volumes"), containers: m.args },
        "version" => Command::Version,
        "cp" => Command::Cp(CpOptions {
            source: m.args[0].clone(),
            destination: m.args[1].clone(),
            archive: m.bool("archive"),
            follow_link: m.bool("follow-link"),
            quiet: m.bool("quiet"),
        }),
        "export" => Command::Export { container: m.args[0].clone(), output: m.last("output") },
        "image prune" => Command::ImagePrune { all: m.bool("all"), force: m.bool("force"), filters: m.all("filter") },
        name if swarm::handles(name) => Command::Swarm(swarm::parse(spec, m)?),
        name if compose::handles(name) => Command::Compose(compose::parse(spec, m, globals.unwrap_or_default())?),
        other => unreachable!("every spec in COMMANDS has a branch; {other} does not"),
    })
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
