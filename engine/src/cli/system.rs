//! The commands about the engine as a whole on the command line: `inspect` (of any object),
//! `system df` and `version`.

use super::spec::{flag, Arity, CommandSpec};
use super::{CliError, Command, Matches};

pub const INSPECT: CommandSpec = CommandSpec {
    names: &["inspect", "container inspect"],
    usage: "docker inspect [OPTIONS] NAME|ID [NAME|ID...]",
    about: "Return low-level information on Docker objects",
    flags: &[
        flag("format", Some('f'), Some("string"), "Format the output using the given Go template"),
        flag("size", Some('s'), None, "Display total file sizes if the type is container"),
        flag("type", None, Some("string"), "Return JSON for specified type"),
    ],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const SYSTEM_DF: CommandSpec = CommandSpec {
    names: &["system df"],
    usage: "docker system df [OPTIONS]",
    about: "Show docker disk usage",
    flags: &[],
    arity: Arity::None,
    interspersed: true,
};

pub const VERSION: CommandSpec = CommandSpec {
    names: &["version"],
    usage: "docker version [OPTIONS]",
    about: "Show the Docker version information",
    flags: &[],
    arity: Arity::None,
    interspersed: true,
};

/// The commands specified here, for the parser to tell them from others'.
const SPECS: &[&CommandSpec] = &[&INSPECT, &SYSTEM_DF, &VERSION];

pub(super) fn handles(name: &str) -> bool {
    SPECS.iter().any(|spec| spec.name() == name)
}

pub(super) fn parse(spec: &'static CommandSpec, m: Matches) -> Result<Command, CliError> {
    Ok(match spec.name() {
        "inspect" => Command::Inspect { names: m.args.clone(), format: m.format(), kind: m.last("type") },
        "system df" => Command::SystemDf,
        "version" => Command::Version,
        other => return Err(super::unknown_command(other)),
    })
}
