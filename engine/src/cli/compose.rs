//! `docker compose` on the command line: its global flags, its commands' specs (for parsing,
//! `--help` and completion) and their typed form.
//!
//! Compose's own flags stand between `compose` and the command (`docker compose -p shop up -d`),
//! so they are lifted off first; what remains parses as any other two-word command.

use super::spec::{flag, spec, Arity, CommandSpec, FlagSpec};
use super::{CliError, Matches};

const TIMEOUT: FlagSpec = flag("timeout", Some('t'), Some("int"), "Specify a shutdown timeout in seconds");

pub const UP: CommandSpec = spec(
    &["compose up"],
    "docker compose up [OPTIONS] [SERVICE...]",
    "Create and start containers",
    &[
        flag("build", None, None, "Build images before starting containers"),
        flag("detach", Some('d'), None, "Detached mode: Run containers in the background"),
        flag("no-build", None, None, "Don't build an image, even if it's policy"),
    ],
    Arity::AtLeast(0),
);

pub const DOWN: CommandSpec = spec(
    &["compose down"],
    "docker compose down [OPTIONS] [SERVICES]",
    "Stop and remove containers, networks",
    &[
        TIMEOUT,
        flag(
            "volumes",
            Some('v'),
            None,
            "Remove named volumes declared in the \"volumes\" section of the Compose file and anonymous volumes attached to containers",
        ),
    ],
    Arity::None,
);

pub const PS: CommandSpec = spec(
    &["compose ps"],
    "docker compose ps [OPTIONS] [SERVICE...]",
    "List containers",
    &[
        flag("all", Some('a'), None, "Show all stopped containers (including those created by the run command)"),
        flag("quiet", Some('q'), None, "Only display IDs"),
        flag("services", None, None, "Display services"),
    ],
    Arity::AtLeast(0),
);

pub const LOGS: CommandSpec = spec(
    &["compose logs"],
    "docker compose logs [OPTIONS] [SERVICE...]",
    "View output from containers",
    &[
        flag("follow", Some('f'), None, "Follow log output"),
        flag("no-log-prefix", None, None, "Don't print prefix in logs"),
        flag(
            "tail",
            Some('n'),
            Some("string"),
            "Number of lines to show from the end of the logs for each container (default \"all\")",
        ),
        flag("timestamps", Some('t'), None, "Show timestamps"),
    ],
    Arity::AtLeast(0),
);

pub const BUILD: CommandSpec = spec(
    &["compose build"],
    "docker compose build [OPTIONS] [SERVICE...]",
    "Build or rebuild services",
    &[
        flag("no-cache", None, None, "Do not use cache when building the image"),
        flag("quiet", Some('q'), None, "Don't print anything to STDOUT"),
    ],
    Arity::AtLeast(0),
);

pub const EXEC: CommandSpec = CommandSpec {
    names: &["compose exec"],
    usage: "docker compose exec [OPTIONS] SERVICE COMMAND [ARGS...]",
    about: "Execute a command in a running container",
    flags: &[
        flag("detach", Some('d'), None, "Detached mode: Run command in the background"),
        flag("env", Some('e'), Some("stringArray"), "Set environment variables"),
        flag("index", None, Some("int"), "Index of the container if service has multiple replicas"),
        flag(
            "no-TTY",
            Some('T'),
            None,
            "Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY",
        ),
        flag("user", Some('u'), Some("string"), "Run the command as this user"),
        flag("workdir", Some('w'), Some("string"), "Path to workdir directory for this command"),
    ],
    arity: Arity::AtLeast(2),
    // The command's own flags belong to it, as with `docker exec`.
    interspersed: false,
};

pub const STOP: CommandSpec = spec(
    &["compose stop"],
    "docker compose stop [OPTIONS] [SERVICE...]",
    "Stop services",
    &[TIMEOUT],
    Arity::AtLeast(0),
);

pub const START: CommandSpec =
    spec(&["compose start"], "docker compose start [SERVICE...]", "Start services", &[], Arity::AtLeast(0));

pub const RESTART: CommandSpec = spec(
    &["compose restart"],
    "docker compose restart [OPTIONS] [SERVICE...]",
    "Restart service containers",
    &[TIMEOUT],
    Arity::AtLeast(0),
);

pub const CONFIG: CommandSpec = spec(
    &["compose config"],
    "docker compose config [OPTIONS] [SERVICE...]",
    "Parse, resolve and render compose file in canonical format",
    &[
        flag("quiet", Some('q'), None, "Only validate the configuration, don't print anything"),
        flag("services", None, None, "Print the service names, one per line"),
        flag("volumes", None, None, "Print the volume names, one per line"),
    ],
    Arity::AtLeast(0),
);

/// Every `docker compose` command, in the order `docker compose --help` lists them.
pub const COMMANDS: &[&CommandSpec] = &[&BUILD, &CONFIG, &DOWN, &EXEC, &LOGS, &PS, &RESTART, &START, &STOP, &UP];

/// The flags `docker compose` itself takes, before its command.
const GLOBALS: &[FlagSpec] = &[
    flag("file", Some('f'), Some("stringArray"), "Compose configuration files"),
    flag(
        "project-directory",
        None,
        Some("string"),
        "Specify an alternate working directory (default: the path of the, first specified, Compose file)",
    ),
    flag("project-name", Some('p'), Some("string"), "Project name"),
];

/// What `docker compose` was told before its command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Globals {
    /// `-f`: the compose files; empty means `compose.yaml` and the names Compose also tries.
    pub files: Vec<String>,
    /// `-p`: the project's name, over everything else that names it.
    pub project_name: Option<String>,
    /// `--project-directory`: the folder the project lives in; `.` when not given.
    pub project_directory: Option<String>,
}

/// One `docker compose` command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeCommand {
    pub globals: Globals,
    pub action: Action,
}

/// What a `docker compose` command does. `services` empty means every service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Up {
        detach: bool,
        build: bool,
        no_build: bool,
        services: Vec<String>,
    },
    Down {
        volumes: bool,
        timeout: Option<String>,
    },
    Ps {
        all: bool,
        quiet: bool,
        services_only: bool,
        services: Vec<String>,
    },
    Logs {
        follow: bool,
        timestamps: bool,
        tail: Option<String>,
        no_prefix: bool,
        services: Vec<String>,
    },
    Build {
        no_cache: bool,
        quiet: bool,
        services: Vec<String>,
    },
    Exec {
        service: String,
        command: Vec<String>,
        detach: bool,
        env: Vec<String>,
        user: Option<String>,
        workdir: Option<String>,
        index: Option<String>,
    },
    Stop {
        timeout: Option<String>,
        services: Vec<String>,
    },
    Start {
        services: Vec<String>,
    },
    Restart {
        timeout: Option<String>,
        services: Vec<String>,
    },
    Config {
        quiet: bool,
        services_only: bool,
        volumes_only: bool,
        services: Vec<String>,
    },
}

/// What `docker compose` and `docker compose --help` print.
pub fn overview() -> String {
    let mut out = String::from("\nUsage:  docker compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n\nOptions:\n");
    for f in GLOBALS {
        let short = f.short.map_or("    ".to_string(), |c| format!("-{c}, "));
        out.push_str(&format!("  {short}--{} {:<12} {}\n", f.long, f.value.unwrap_or(""), f.help));
    }
    out.push_str("\nCommands:\n");
    for spec in COMMANDS {
        out.push_str(&format!("  {:<10}{}\n", spec.name().trim_start_matches("compose "), spec.about));
    }
    out.push_str("\nRun 'docker compose COMMAND --help' for more information on a command.\n");
    out
}

/// Takes Compose's own flags off `words` (which start with `compose`): the globals, and the
/// words with them removed, `compose` still first. `None` for the words means no command was
/// given, or only `--help`.
pub(super) fn lift_globals(words: &[String]) -> Result<(Globals, Option<Vec<String>>), CliError> {
    let unknown = |what: String| CliError {
        message: format!(
            "{what}\n\nUsage:  docker compose [OPTIONS] COMMAND\n\nRun 'docker compose --help' for more information"
        ),
        exit_code: 1,
    };
    let mut globals = Globals::default();
    let mut i = 1;
    while let Some(word) = words.get(i) {
        if !word.starts_with('-') || word == "-" {
            break;
        }
        if matches!(word.as_str(), "--help" | "-h") {
            return Ok((globals, None));
        }
        let (name, inline) = match word.strip_prefix("--") {
            Some(long) => match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            },
            None => {
                let short = word[1..].chars().next().unwrap_or('?');
                let flag = GLOBALS.iter().find(|f| f.short == Some(short));
                let rest = &word[1 + short.len_utf8()..];
                let inline = (!rest.is_empty()).then(|| rest.strip_prefix('=').unwrap_or(rest).to_string());
                match flag {
                    Some(f) => (f.long.to_string(), inline),
                    None => return Err(unknown(format!("unknown shorthand flag: '{short}' in {word}"))),
                }
            }
        };
        if !GLOBALS.iter().any(|f| f.long == name) {
            return Err(unknown(format!("unknown flag: --{name}")));
        }
        i += 1;
        let value = match inline {
            Some(v) => v,
            None => {
                let v = words.get(i).ok_or_else(|| unknown(format!("flag needs an argument: --{name}")))?;
                i += 1;
                v.clone()
            }
        };
        match name.as_str() {
            "file" => globals.files.push(value),
            "project-name" => globals.project_name = Some(value),
            _ => globals.project_directory = Some(value),
        }
    }
    if i >= words.len() {
        return Ok((globals, None));
    }
    let mut rest = vec!["compose".to_string()];
    rest.extend(words[i..].iter().cloned());
    Ok((globals, Some(rest)))
}

pub(super) fn handles(name: &str) -> bool {
    name.starts_with("compose ")
}

pub(super) fn parse(spec: &CommandSpec, m: Matches, globals: Globals) -> Result<ComposeCommand, CliError> {
    let services = m.args.clone();
    let action = match spec.name() {
        "compose up" => {
            Action::Up { detach: m.bool("detach"), build: m.bool("build"), no_build: m.bool("no-build"), services }
        }
        "compose down" => Action::Down { volumes: m.bool("volumes"), timeout: m.last("timeout") },
        "compose ps" => {
            Action::Ps { all: m.bool("all"), quiet: m.bool("quiet"), services_only: m.bool("services"), services }
        }
        "compose logs" => Action::Logs {
            follow: m.bool("follow"),
            timestamps: m.bool("timestamps"),
            tail: m.last("tail"),
            no_prefix: m.bool("no-log-prefix"),
            services,
        },
        "compose build" => Action::Build { no_cache: m.bool("no-cache"), quiet: m.bool("quiet"), services },
        "compose exec" => Action::Exec {
            service: m.args[0].clone(),
            command: m.args[1..].to_vec(),
            detach: m.bool("detach"),
            env: m.all("env"),
            user: m.last("user"),
            workdir: m.last("workdir"),
            index: m.last("index"),
        },
        "compose stop" => Action::Stop { timeout: m.last("timeout"), services },
        "compose start" => Action::Start { services },
        "compose restart" => Action::Restart { timeout: m.last("timeout"), services },
        "compose config" => Action::Config {
            quiet: m.bool("quiet"),
            services_only: m.bool("services"),
            volumes_only: m.bool("volumes"),
            services,
        },
        other => return Err(CliError { message: format!("docker: unknown command: docker {other}"), exit_code: 1 }),
    };
    Ok(ComposeCommand { globals, action })
}
