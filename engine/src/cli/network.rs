//! `docker network` on the command line: its commands' specs and their typed options.

use super::spec::{flag, Arity, CommandSpec};
use super::{CliError, Command, Matches};

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

pub const NETWORK_CREATE: CommandSpec = CommandSpec {
    names: &["network create"],
    usage: "docker network create [OPTIONS] NETWORK",
    about: "Create a network",
    flags: &[
        flag("attachable", None, None, "Enable manual container attachment"),
        flag("driver", Some('d'), Some("string"), "Driver to manage the Network (default \"bridge\")"),
        flag("gateway", None, Some("strings"), "IPv4 or IPv6 Gateway for the master subnet"),
        flag("internal", None, None, "Restrict external access to the network"),
        flag("label", None, Some("list"), "Set metadata on a network"),
        flag("subnet", None, Some("strings"), "Subnet in CIDR format that represents a network segment"),
    ],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const NETWORK_LS: CommandSpec = CommandSpec {
    names: &["network ls", "network list"],
    usage: "docker network ls [OPTIONS]",
    about: "List networks",
    flags: &[
        flag("filter", Some('f'), Some("filter"), "Provide filter values (e.g. 'driver=bridge')"),
        flag("format", None, Some("string"), "Pretty-print networks using a Go template"),
        flag("no-trunc", None, None, "Do not truncate the output"),
        flag("quiet", Some('q'), None, "Only display network IDs"),
    ],
    arity: Arity::None,
    interspersed: true,
};

pub const NETWORK_INSPECT: CommandSpec = CommandSpec {
    names: &["network inspect"],
    usage: "docker network inspect [OPTIONS] NETWORK [NETWORK...]",
    about: "Display detailed information on one or more networks",
    flags: &[flag("format", Some('f'), Some("string"), "Format the output using the given Go template")],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const NETWORK_CONNECT: CommandSpec = CommandSpec {
    names: &["network connect"],
    usage: "docker network connect [OPTIONS] NETWORK CONTAINER",
    about: "Connect a container to a network",
    flags: &[flag("alias", None, Some("strings"), "Add network-scoped alias for the container")],
    arity: Arity::Exactly(2),
    interspersed: true,
};

pub const NETWORK_DISCONNECT: CommandSpec = CommandSpec {
    names: &["network disconnect"],
    usage: "docker network disconnect [OPTIONS] NETWORK CONTAINER",
    about: "Disconnect a container from a network",
    flags: &[flag("force", Some('f'), None, "Force the container to disconnect from a network")],
    arity: Arity::Exactly(2),
    interspersed: true,
};

pub const NETWORK_RM: CommandSpec = CommandSpec {
    names: &["network rm", "network remove"],
    usage: "docker network rm NETWORK [NETWORK...]",
    about: "Remove one or more networks",
    flags: &[],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const NETWORK_PRUNE: CommandSpec = CommandSpec {
    names: &["network prune"],
    usage: "docker network prune [OPTIONS]",
    about: "Remove all unused networks",
    flags: &[
        flag("filter", None, Some("filter"), "Provide filter values (e.g. 'until=<timestamp>')"),
        flag("force", Some('f'), None, "Do not prompt for confirmation"),
    ],
    arity: Arity::None,
    interspersed: true,
};

/// The commands specified here, for the parser to tell them from others'.
const SPECS: &[&CommandSpec] = &[
    &NETWORK_CREATE,
    &NETWORK_LS,
    &NETWORK_INSPECT,
    &NETWORK_CONNECT,
    &NETWORK_DISCONNECT,
    &NETWORK_RM,
    &NETWORK_PRUNE,
];

pub(super) fn handles(name: &str) -> bool {
    SPECS.iter().any(|spec| spec.name() == name)
}

pub(super) fn parse(spec: &'static CommandSpec, m: Matches) -> Result<Command, CliError> {
    Ok(match spec.name() {
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
        other => return Err(super::unknown_command(other)),
    })
}
