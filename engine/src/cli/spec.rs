//! The docker commands Dockyard understands: their usage lines, descriptions and flags.
//!
//! One table drives parsing, `--help` and (later) tab completion, so they cannot disagree.

use super::{container, image, network, system, volume};

/// One flag of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    /// The value's type as Docker's help prints it (`string`, `list`), or `None` for a boolean switch.
    pub value: Option<&'static str>,
    pub help: &'static str,
}

/// How many positional arguments a command takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    None,
    AtLeast(usize),
    AtMost(usize),
    Exactly(usize),
    Between(usize, usize),
}

/// One docker command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The words that name it (`run`), the first being the canonical one.
    pub names: &'static [&'static str],
    pub usage: &'static str,
    pub about: &'static str,
    pub flags: &'static [FlagSpec],
    pub arity: Arity,
    /// Whether flags may follow positional arguments. `run` stops at the image, so the command's
    /// own flags reach the container.
    pub interspersed: bool,
}

/// A command whose flags may follow its arguments, as most are.
pub(super) const fn spec(
    names: &'static [&'static str],
    usage: &'static str,
    about: &'static str,
    flags: &'static [FlagSpec],
    arity: Arity,
) -> CommandSpec {
    CommandSpec { names, usage, about, flags, arity, interspersed: true }
}

pub(super) const fn flag(
    long: &'static str,
    short: Option<char>,
    value: Option<&'static str>,
    help: &'static str,
) -> FlagSpec {
    FlagSpec { long, short, value, help }
}

/// Every command, in the order `docker --help` lists them.
pub const COMMANDS: &[&CommandSpec] = &[
    &container::RUN,
    &container::CREATE,
    &container::START,
    &container::STOP,
    &container::RESTART,
    &container::KILL,
    &container::WAIT,
    &container::PAUSE,
    &container::UNPAUSE,
    &container::RENAME,
    &container::LOGS,
    &container::ATTACH,
    &container::EXEC,
    &container::TOP,
    &container::STATS,
    &container::PORT,
    &system::INSPECT,
    &container::PS,
    &container::CP,
    &container::DIFF,
    &container::COMMIT,
    &image::BUILD,
    &image::BUILDER_PRUNE,
    &container::EXPORT,
    &image::IMAGES,
    &image::PULL,
    &image::PUSH,
    &container::RM,
    &image::RMI,
    &image::TAG,
    &image::HISTORY,
    &image::IMAGE_INSPECT,
    &image::IMAGE_PRUNE,
    &image::SAVE,
    &image::LOAD,
    &volume::VOLUME_CREATE,
    &volume::VOLUME_LS,
    &volume::VOLUME_INSPECT,
    &volume::VOLUME_RM,
    &volume::VOLUME_PRUNE,
    &network::NETWORK_CREATE,
    &network::NETWORK_LS,
    &network::NETWORK_INSPECT,
    &network::NETWORK_CONNECT,
    &network::NETWORK_DISCONNECT,
    &network::NETWORK_RM,
    &network::NETWORK_PRUNE,
    &system::SYSTEM_DF,
    &system::VERSION,
    // Swarm mode, specified in `cli/swarm.rs`.
    &super::swarm::SWARM_INIT,
    &super::swarm::SWARM_JOIN,
    &super::swarm::SWARM_JOIN_TOKEN,
    &super::swarm::SWARM_LEAVE,
    &super::swarm::NODE_LS,
    &super::swarm::NODE_INSPECT,
    &super::swarm::NODE_UPDATE,
    &super::swarm::NODE_RM,
    &super::swarm::NODE_PROMOTE,
    &super::swarm::NODE_DEMOTE,
    &super::swarm::NODE_PS,
    &super::swarm::NODE_ADD,
    &super::swarm::NODE_DOWN,
    &super::swarm::NODE_UP,
    &super::swarm::SERVICE_CREATE,
    &super::swarm::SERVICE_LS,
    &super::swarm::SERVICE_PS,
    &super::swarm::SERVICE_SCALE,
    &super::swarm::SERVICE_UPDATE,
    &super::swarm::SERVICE_ROLLBACK,
    &super::swarm::SERVICE_LOGS,
    &super::swarm::SERVICE_RM,
    &super::swarm::SERVICE_INSPECT,
    &super::swarm::STACK_DEPLOY,
    &super::swarm::STACK_LS,
    &super::swarm::STACK_SERVICES,
    &super::swarm::STACK_PS,
    &super::swarm::STACK_RM,
    // Compose, specified in `cli/compose.rs`.
    &super::compose::BUILD,
    &super::compose::CONFIG,
    &super::compose::DOWN,
    &super::compose::EXEC,
    &super::compose::LOGS,
    &super::compose::PS,
    &super::compose::RESTART,
    &super::compose::START,
    &super::compose::STOP,
    &super::compose::UP,
];

/// The `--help` flag every command has.
pub const HELP: FlagSpec = flag("help", None, None, "Print usage");

impl CommandSpec {
    /// The command's canonical name, as in "docker run --help".
    pub fn name(&self) -> &'static str {
        self.names[0]
    }

    /// What `docker CMD --help` prints.
    pub fn help_text(&self) -> String {
        let mut out = format!("\nUsage:  {}\n\n{}\n", self.usage, self.about);
        if self.names.len() > 1 {
            let aliases: Vec<String> = self.names.iter().rev().map(|n| format!("docker {n}")).collect();
            out.push_str(&format!("\nAliases:\n  {}\n", aliases.join(", ")));
        }
        let rows: Vec<(String, &str)> = self
            .flags
            .iter()
            .chain(std::iter::once(&HELP))
            .map(|f| {
                let short = f.short.map_or("    ".to_string(), |c| format!("-{c}, "));
                let value = f.value.map_or(String::new(), |v| format!(" {v}"));
                (format!("{short}--{}{value}", f.long), f.help)
            })
            .collect();
        let width = rows.iter().map(|(left, _)| left.len()).max().unwrap_or(0);
        out.push_str("\nOptions:\n");
        for (left, help) in rows {
            out.push_str(&format!("  {left:width$}   {help}\n"));
        }
        out
    }
}

/// What `docker --help` prints.
pub fn overview() -> String {
    let mut out = String::from("\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers, simulated by Dockyard\n\nCommands:\n");
    for spec in COMMANDS {
        out.push_str(&format!("  {:<15}{}\n", spec.name(), spec.about));
    }
    out.push_str("\nRun 'docker COMMAND --help' for more information on a command.\n");
    out
}
