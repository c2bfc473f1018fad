//! Container commands on the command line (`run`, `create`, `start`, `stop`, `exec`, `logs`, `ps`,
//! `rm` and the rest): their specs, for parsing, `--help` and completion, and their typed options.

use super::spec::{flag, Arity, CommandSpec, FlagSpec};
use super::{CliError, Command, Matches};

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

pub const RUN: CommandSpec = CommandSpec {
    names: &["run", "container run"],
    usage: "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
    about: "Create and run a new container from an image",
    flags: RUN_FLAGS,
    arity: Arity::AtLeast(1),
    interspersed: false,
};

/// The flags of `run`; `--detach` stays first, since `create` takes all the others.
const RUN_FLAGS: &[FlagSpec] = &[
    flag("detach", Some('d'), None, "Run container in background and print container ID"),
    flag("entrypoint", None, Some("string"), "Overwrite the default ENTRYPOINT of the image"),
    flag("env", Some('e'), Some("list"), "Set environment variables"),
    flag("env-file", None, Some("list"), "Read in a file of environment variables"),
    flag("interactive", Some('i'), None, "Keep STDIN open even if not attached"),
    flag("label", Some('l'), Some("list"), "Set meta data on a container"),
    flag("memory", Some('m'), Some("bytes"), "Memory limit"),
    flag("mount", None, Some("mount"), "Attach a filesystem mount to the container"),
    flag("name", None, Some("string"), "Assign a name to the container"),
    flag("network", None, Some("network"), "Connect a container to a network"),
    flag("network-alias", None, Some("list"), "Add network-scoped alias for the container"),
    flag("publish", Some('p'), Some("list"), "Publish a container's port(s) to the host"),
    flag("publish-all", Some('P'), None, "Publish all exposed ports to random ports"),
    flag("restart", None, Some("string"), "Restart policy to apply when a container exits (default \"no\")"),
    flag("rm", None, None, "Automatically remove the container and its associated anonymous volumes when it exits"),
    flag("stop-timeout", None, Some("int"), "Timeout (in seconds) to stop a container"),
    flag("tty", Some('t'), None, "Allocate a pseudo-TTY"),
    flag("user", Some('u'), Some("string"), "Username or UID (format: \"<name|uid>[:<group|gid>]\")"),
    flag("volume", Some('v'), Some("list"), "Bind mount a volume"),
    flag("workdir", Some('w'), Some("string"), "Working directory inside the container"),
];

pub const CREATE: CommandSpec = CommandSpec {
    names: &["create", "container create"],
    usage: "docker create [OPTIONS] IMAGE [COMMAND] [ARG...]",
    about: "Create a new container",
    flags: CREATE_FLAGS,
    arity: Arity::AtLeast(1),
    interspersed: false,
};

/// `create` takes every flag of `run` but the first, `--detach`: a created container does not run.
const CREATE_FLAGS: &[FlagSpec] = match RUN_FLAGS.split_first() {
    Some((_, rest)) => rest,
    None => &[],
};

pub const START: CommandSpec = CommandSpec {
    names: &["start", "container start"],
    usage: "docker start [OPTIONS] CONTAINER [CONTAINER...]",
    about: "Start one or more stopped containers",
    flags: &[
        flag("attach", Some('a'), None, "Attach STDOUT/STDERR and forward signals"),
        flag("interactive", Some('i'), None, "Attach container's STDIN"),
    ],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const EXEC: CommandSpec = CommandSpec {
    names: &["exec", "container exec"],
    usage: "docker exec [OPTIONS] CONTAINER COMMAND [ARG...]",
    about: "Execute a command in a running container",
    flags: &[
        flag("detach", Some('d'), None, "Detached mode: run command in the background"),
        flag("env", Some('e'), Some("list"), "Set environment variables"),
        flag("interactive", Some('i'), None, "Keep STDIN open even if not attached"),
        flag("tty", Some('t'), None, "Allocate a pseudo-TTY"),
        flag("user", Some('u'), Some("string"), "Username or UID (format: \"<name|uid>[:<group|gid>]\")"),
        flag("workdir", Some('w'), Some("string"), "Working directory inside the container"),
    ],
    arity: Arity::AtLeast(2),
    interspersed: false,
};

pub const STATS: CommandSpec = CommandSpec {
    names: &["stats", "container stats"],
    usage: "docker stats [OPTIONS] [CONTAINER...]",
    about: "Display a live stream of container(s) resource usage statistics",
    flags: &[
        flag("all", Some('a'), None, "Show all containers (default shows just running)"),
        flag("format", None, Some("string"), "Pretty-print images using a Go template"),
        flag("no-stream", None, None, "Disable streaming stats and only pull the first result"),
        flag("no-trunc", None, None, "Do not truncate output"),
    ],
    arity: Arity::AtLeast(0),
    interspersed: true,
};

pub const ATTACH: CommandSpec = CommandSpec {
    names: &["attach", "container attach"],
    usage: "docker attach [OPTIONS] CONTAINER",
    about: "Attach local standard input, output, and error streams to a running container",
    flags: &[
        flag("no-stdin", None, None, "Do not attach STDIN"),
        flag("sig-proxy", None, None, "Proxy all received signals to the process (default true)"),
    ],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const STOP: CommandSpec = CommandSpec {
    names: &["stop", "container stop"],
    usage: "docker stop [OPTIONS] CONTAINER [CONTAINER...]",
    about: "Stop one or more running containers",
    flags: &[
        flag("signal", Some('s'), Some("string"), "Signal to send to the container"),
        flag("time", Some('t'), Some("int"), "Seconds to wait before killing the container"),
    ],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const KILL: CommandSpec = CommandSpec {
    names: &["kill", "container kill"],
    usage: "docker kill [OPTIONS] CONTAINER [CONTAINER...]",
    about: "Kill one or more running containers",
    flags: &[flag("signal", Some('s'), Some("string"), "Signal to send to the container")],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const RESTART: CommandSpec = CommandSpec {
    names: &["restart", "container restart"],
    usage: "docker restart [OPTIONS] CONTAINER [CONTAINER...]",
    about: "Restart one or more containers",
    flags: &[
        flag("signal", Some('s'), Some("string"), "Signal to send to the container"),
        flag("time", Some('t'), Some("int"), "Seconds to wait before killing the container"),
    ],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const WAIT: CommandSpec = CommandSpec {
    names: &["wait", "container wait"],
    usage: "docker wait CONTAINER [CONTAINER...]",
    about: "Block until one or more containers stop, then print their exit codes",
    flags: &[],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const LOGS: CommandSpec = CommandSpec {
    names: &["logs", "container logs"],
    usage: "docker logs [OPTIONS] CONTAINER",
    about: "Fetch the logs of a container",
    flags: &[
        flag("details", None, None, "Show extra details provided to logs"),
        flag("follow", Some('f'), None, "Follow log output"),
        flag(
            "since",
            None,
            Some("string"),
            "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)",
        ),
        flag("tail", Some('n'), Some("string"), "Number of lines to show from the end of the logs (default \"all\")"),
        flag("timestamps", Some('t'), None, "Show timestamps"),
        flag(
            "until",
            None,
            Some("string"),
            "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)",
        ),
    ],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const RENAME: CommandSpec = CommandSpec {
    names: &["rename", "container rename"],
    usage: "docker rename CONTAINER NEW_NAME",
    about: "Rename a container",
    flags: &[],
    arity: Arity::Exactly(2),
    interspersed: true,
};

pub const PAUSE: CommandSpec = CommandSpec {
    names: &["pause", "container pause"],
    usage: "docker pause CONTAINER [CONTAINER...]",
    about: "Pause all processes within one or more containers",
    flags: &[],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const UNPAUSE: CommandSpec = CommandSpec {
    names: &["unpause", "container unpause"],
    usage: "docker unpause CONTAINER [CONTAINER...]",
    about: "Unpause all processes within one or more containers",
    flags: &[],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const TOP: CommandSpec = CommandSpec {
    names: &["top", "container top"],
    usage: "docker top CONTAINER [ps OPTIONS]",
    about: "Display the running processes of a container",
    flags: &[],
    arity: Arity::AtLeast(1),
    interspersed: false,
};

pub const PORT: CommandSpec = CommandSpec {
    names: &["port", "container port"],
    usage: "docker port CONTAINER [PRIVATE_PORT[/PROTO]]",
    about: "List port mappings or a specific mapping for the container",
    flags: &[],
    arity: Arity::Between(1, 2),
    interspersed: true,
};

pub const PS: CommandSpec = CommandSpec {
    names: &["ps", "container ls", "container list", "container ps"],
    usage: "docker ps [OPTIONS]",
    about: "List containers",
    flags: &[
        flag("all", Some('a'), None, "Show all containers (default shows just running)"),
        flag("filter", Some('f'), Some("filter"), "Filter output based on conditions provided"),
        flag("format", None, Some("string"), "Pretty-print containers using a Go template"),
        flag("last", Some('n'), Some("int"), "Show n last created containers (includes all states) (default -1)"),
        flag("latest", Some('l'), None, "Show the latest created container (includes all states)"),
        flag("no-trunc", None, None, "Don't truncate output"),
        flag("quiet", Some('q'), None, "Only display container IDs"),
        flag("size", Some('s'), None, "Display total file sizes"),
    ],
    arity: Arity::None,
    interspersed: true,
};

pub const DIFF: CommandSpec = CommandSpec {
    names: &["diff", "container diff"],
    usage: "docker diff CONTAINER",
    about: "Inspect changes to files or directories on a container's filesystem",
    flags: &[],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const COMMIT: CommandSpec = CommandSpec {
    names: &["commit", "container commit"],
    usage: "docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
    about: "Create a new image from a container's changes",
    flags: &[
        flag("change", Some('c'), Some("list"), "Apply Dockerfile instruction to the created image"),
        flag("message", Some('m'), Some("string"), "Commit message"),
    ],
    arity: Arity::Between(1, 2),
    interspersed: true,
};

pub const CP: CommandSpec = CommandSpec {
    names: &["cp", "container cp"],
    usage: "docker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
    about: "Copy files/folders between a container and the local filesystem",
    flags: &[
        flag("archive", Some('a'), None, "Archive mode (copy all uid/gid information)"),
        flag("follow-link", Some('L'), None, "Always follow symbol link in SRC_PATH"),
        flag("quiet", Some('q'), None, "Suppress progress output during copy"),
    ],
    arity: Arity::Exactly(2),
    interspersed: true,
};

pub const EXPORT: CommandSpec = CommandSpec {
    names: &["export", "container export"],
    usage: "docker export [OPTIONS] CONTAINER",
    about: "Export a container's filesystem as a tar archive",
    flags: &[flag("output", Some('o'), Some("string"), "Write to a file, instead of STDOUT")],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const RM: CommandSpec = CommandSpec {
    names: &["rm", "container rm", "container remove"],
    usage: "docker rm [OPTIONS] CONTAINER [CONTAINER...]",
    about: "Remove one or more containers",
    flags: &[
        flag("force", Some('f'), None, "Force the removal of a running container (uses SIGKILL)"),
        flag("volumes", Some('v'), None, "Remove anonymous volumes associated with the container"),
    ],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

/// The commands specified here, for the parser to tell them from others'.
const SPECS: &[&CommandSpec] = &[
    &RUN, &CREATE, &START, &EXEC, &STATS, &ATTACH, &STOP, &KILL, &RESTART, &WAIT, &LOGS, &RENAME, &PAUSE, &UNPAUSE,
    &TOP, &PORT, &PS, &DIFF, &COMMIT, &CP, &EXPORT, &RM,
];

pub(super) fn handles(name: &str) -> bool {
    SPECS.iter().any(|spec| spec.name() == name)
}

pub(super) fn parse(spec: &'static CommandSpec, m: Matches) -> Result<Command, CliError> {
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
        "port" => Command::Port { container: m.args[0].clone(), port: m.args.get(1).cloned() },
        "diff" => Command::Diff { container: m.args[0].clone() },
        "commit" => Command::Commit {
            container: m.args[0].clone(),
            repository: m.args.get(1).cloned(),
            message: m.last("message").unwrap_or_default(),
            changes: m.all("change"),
        },
        "rm" => Command::Rm { force: m.bool("force"), volumes: m.bool("volumes"), containers: m.args },
        "cp" => Command::Cp(CpOptions {
            source: m.args[0].clone(),
            destination: m.args[1].clone(),
            archive: m.bool("archive"),
            follow_link: m.bool("follow-link"),
            quiet: m.bool("quiet"),
        }),
        "export" => Command::Export { container: m.args[0].clone(), output: m.last("output") },
        other => return Err(super::unknown_command(other)),
    })
}
