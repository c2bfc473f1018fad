//! `docker volume` on the command line: its commands' specs and their typed form.

use super::spec::{flag, Arity, CommandSpec};
use super::{CliError, Command, Matches};

pub const VOLUME_CREATE: CommandSpec = CommandSpec {
    names: &["volume create"],
    usage: "docker volume create [OPTIONS] [VOLUME]",
    about: "Create a volume",
    flags: &[
        flag("driver", Some('d'), Some("string"), "Specify volume driver name (default \"local\")"),
        flag("label", None, Some("list"), "Set metadata for a volume"),
        flag("name", None, Some("string"), "Specify volume name"),
    ],
    arity: Arity::AtMost(1),
    interspersed: true,
};

pub const VOLUME_LS: CommandSpec = CommandSpec {
    names: &["volume ls", "volume list"],
    usage: "docker volume ls [OPTIONS]",
    about: "List volumes",
    flags: &[
        flag("filter", Some('f'), Some("filter"), "Provide filter values (e.g. 'dangling=true')"),
        flag("quiet", Some('q'), None, "Only display volume names"),
    ],
    arity: Arity::None,
    interspersed: true,
};

pub const VOLUME_INSPECT: CommandSpec = CommandSpec {
    names: &["volume inspect"],
    usage: "docker volume inspect [OPTIONS] VOLUME [VOLUME...]",
    about: "Display detailed information on one or more volumes",
    flags: &[],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const VOLUME_RM: CommandSpec = CommandSpec {
    names: &["volume rm", "volume remove"],
    usage: "docker volume rm [OPTIONS] VOLUME [VOLUME...]",
    about: "Remove one or more volumes",
    flags: &[flag("force", Some('f'), None, "Force the removal of one or more volumes")],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const VOLUME_PRUNE: CommandSpec = CommandSpec {
    names: &["volume prune"],
    usage: "docker volume prune [OPTIONS]",
    about: "Remove all unused local volumes",
    flags: &[flag("force", Some('f'), None, "Do not prompt for confirmation")],
    arity: Arity::None,
    interspersed: true,
};

/// The commands specified here, for the parser to tell them from others'.
const SPECS: &[&CommandSpec] = &[&VOLUME_CREATE, &VOLUME_LS, &VOLUME_INSPECT, &VOLUME_RM, &VOLUME_PRUNE];

pub(super) fn handles(name: &str) -> bool {
    SPECS.iter().any(|spec| spec.name() == name)
}

pub(super) fn parse(spec: &'static CommandSpec, m: Matches) -> Result<Command, CliError> {
    Ok(match spec.name() {
        "volume create" => {
            Command::VolumeCreate { name: m.args.first().cloned().or(m.last("name")), labels: m.all("label") }
        }
        "volume ls" => Command::VolumeLs { quiet: m.bool("quiet"), filters: m.all("filter") },
        "volume inspect" => Command::VolumeInspect { names: m.args.clone() },
        "volume rm" => Command::VolumeRm { names: m.args.clone(), force: m.bool("force") },
        "volume prune" => Command::VolumePrune { force: m.bool("force") },
        other => return Err(super::unknown_command(other)),
    })
}
