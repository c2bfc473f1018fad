//! Swarm mode's commands on the command line: `docker swarm`, `node`, `service` and `stack`,
//! their specs for parsing, `--help` and completion, and their typed form.
//!
//! Three commands are Dockyard's own, since there is no other machine to run `docker swarm join`
//! on or to unplug: `docker node add NAME` joins a simulated node, and `docker node down NODE`
//! and `docker node up NODE` fail its machine and bring it back. Their help says so.

use super::spec::{flag, spec, Arity, CommandSpec, FlagSpec};
use super::{CliError, Matches};

const QUIET_IDS: FlagSpec = flag("quiet", Some('q'), None, "Only display IDs");
const FORMAT: FlagSpec = flag("format", Some('f'), Some("string"), "Format output using a custom template");
const PRETTY: FlagSpec = flag("pretty", None, None, "Print the information in a human friendly format");
const DETACH: FlagSpec =
    flag("detach", Some('d'), None, "Exit immediately instead of waiting for the service to converge");
const NO_TRUNC: FlagSpec = flag("no-trunc", None, None, "Do not truncate output");
const FILTER: FlagSpec = flag("filter", Some('f'), Some("filter"), "Filter output based on conditions provided");

pub const SWARM_INIT: CommandSpec = spec(
    &["swarm init"],
    "docker swarm init [OPTIONS]",
    "Initialize a swarm",
    &[flag("advertise-addr", None, Some("string"), "Advertised address (format: <ip|interface>[:port])")],
    Arity::None,
);

pub const SWARM_JOIN: CommandSpec = spec(
    &["swarm join"],
    "docker swarm join [OPTIONS] HOST:PORT",
    "Join a swarm as a node and/or manager",
    &[
        flag("advertise-addr", None, Some("string"), "Advertised address (format: <ip|interface>[:port])"),
        flag("token", None, Some("string"), "Token for entry into the swarm"),
    ],
    Arity::Exactly(1),
);

pub const SWARM_JOIN_TOKEN: CommandSpec = spec(
    &["swarm join-token"],
    "docker swarm join-token [OPTIONS] (worker|manager)",
    "Manage join tokens",
    &[flag("quiet", Some('q'), None, "Only display token"), flag("rotate", None, None, "Rotate join token")],
    Arity::Exactly(1),
);

pub const SWARM_LEAVE: CommandSpec = spec(
    &["swarm leave"],
    "docker swarm leave [OPTIONS]",
    "Leave the swarm",
    &[flag("force", Some('f'), None, "Force this node to leave the swarm, ignoring warnings")],
    Arity::None,
);

pub const NODE_LS: CommandSpec =
    spec(&["node ls", "node list"], "docker node ls [OPTIONS]", "List nodes in the swarm", &[QUIET_IDS], Arity::None);

pub const NODE_INSPECT: CommandSpec = spec(
    &["node inspect"],
    "docker node inspect [OPTIONS] self|NODE [NODE...]",
    "Display detailed information on one or more nodes",
    &[FORMAT, PRETTY],
    Arity::AtLeast(1),
);

pub const NODE_UPDATE: CommandSpec = spec(
    &["node update"],
    "docker node update [OPTIONS] NODE",
    "Update a node",
    &[
        flag("availability", None, Some("string"), "Availability of the node (\"active\"|\"pause\"|\"drain\")"),
        flag("role", None, Some("string"), "Role of the node (\"worker\"|\"manager\")"),
    ],
    Arity::Exactly(1),
);

pub const NODE_RM: CommandSpec = spec(
    &["node rm", "node remove"],
    "docker node rm [OPTIONS] NODE [NODE...]",
    "Remove one or more nodes from the swarm",
    &[flag("force", Some('f'), None, "Force remove a node from the swarm")],
    Arity::AtLeast(1),
);

pub const NODE_PROMOTE: CommandSpec = spec(
    &["node promote"],
    "docker node promote NODE [NODE...]",
    "Promote one or more nodes to manager in the swarm",
    &[],
    Arity::AtLeast(1),
);

pub const NODE_DEMOTE: CommandSpec = spec(
    &["node demote"],
    "docker node demote NODE [NODE...]",
    "Demote one or more nodes from manager in the swarm",
    &[],
    Arity::AtLeast(1),
);

pub const NODE_PS: CommandSpec = spec(
    &["node ps"],
    "docker node ps [OPTIONS] [NODE...]",
    "List tasks running on one or more nodes, defaults to current node",
    &[FILTER, NO_TRUNC, flag("quiet", Some('q'), None, "Only display task IDs")],
    Arity::AtLeast(0),
);

pub const NODE_ADD: CommandSpec = spec(
    &["node add"],
    "docker node add [OPTIONS] NAME",
    "Add a simulated node to the swarm (Dockyard's own: it stands for \"docker swarm join\" run on another machine)",
    &[flag("manager", None, None, "Join as a manager, as with the manager join token")],
    Arity::Exactly(1),
);

pub const NODE_DOWN: CommandSpec = spec(
    &["node down"],
    "docker node down NODE",
    "Simulate the node's machine failing (Dockyard's own): the manager marks it down when its heartbeats stop",
    &[],
    Arity::Exactly(1),
);

pub const NODE_UP: CommandSpec = spec(
    &["node up"],
    "docker node up NODE",
    "Bring a failed node's machine back (Dockyard's own)",
    &[],
    Arity::Exactly(1),
);

/// The flags `service create` and `service update` share.
macro_rules! service_flags {
    ($($extra:expr),* $(,)?) => {
        &[
            DETACH,
            flag("env", Some('e'), Some("list"), "Set environment variables"),
            flag("label", Some('l'), Some("list"), "Service labels"),
            flag("mode", None, Some("string"), "Service mode (replicated or global) (default \"replicated\")"),
            flag("name", None, Some("string"), "Service name"),
            flag("publish", Some('p'), Some("port"), "Publish a port as a node port"),
            flag("quiet", Some('q'), None, "Suppress progress output"),
            flag("replicas", None, Some("uint"), "Number of tasks"),
            flag("update-delay", None, Some("duration"), "Delay between updates (ns|us|ms|s|m|h) (default 0s)"),
            flag("update-failure-action", None, Some("string"), "Action on update failure (\"pause\"|\"continue\"|\"rollback\") (default \"pause\")"),
            flag("update-order", None, Some("string"), "Update order (\"start-first\"|\"stop-first\") (default \"stop-first\")"),
            flag("update-parallelism", None, Some("uint"), "Maximum number of tasks updated simultaneously (0 to update all at once) (default 1)"),
            $($extra),*
        ]
    };
}

pub const SERVICE_CREATE: CommandSpec = CommandSpec {
    names: &["service create"],
    usage: "docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]",
    about: "Create a new service",
    flags: service_flags!(),
    arity: Arity::AtLeast(1),
    interspersed: false,
};

pub const SERVICE_UPDATE: CommandSpec = spec(
    &["service update"],
    "docker service update [OPTIONS] SERVICE",
    "Update a service",
    service_flags!(
        flag("args", None, Some("command"), "Service command args"),
        flag("env-add", None, Some("list"), "Add or update an environment variable"),
        flag("env-rm", None, Some("list"), "Remove an environment variable"),
        flag("force", None, None, "Force update even if no changes require it"),
        flag("image", None, Some("string"), "Service image tag"),
        flag("publish-add", None, Some("port"), "Add or update a published port"),
        flag("publish-rm", None, Some("port"), "Remove a published port by its target port"),
        flag("rollback", None, None, "Rollback to previous specification"),
    ),
    Arity::Exactly(1),
);

pub const SERVICE_LS: CommandSpec =
    spec(&["service ls", "service list"], "docker service ls [OPTIONS]", "List services", &[QUIET_IDS], Arity::None);

pub const SERVICE_PS: CommandSpec = spec(
    &["service ps"],
    "docker service ps [OPTIONS] SERVICE [SERVICE...]",
    "List the tasks of one or more services",
    &[FILTER, NO_TRUNC, flag("quiet", Some('q'), None, "Only display task IDs")],
    Arity::AtLeast(1),
);

pub const SERVICE_SCALE: CommandSpec = spec(
    &["service scale"],
    "docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]",
    "Scale one or multiple replicated services",
    &[DETACH],
    Arity::AtLeast(1),
);

pub const SERVICE_ROLLBACK: CommandSpec = spec(
    &["service rollback"],
    "docker service rollback [OPTIONS] SERVICE",
    "Revert changes to a service's configuration",
    &[DETACH, flag("quiet", Some('q'), None, "Suppress progress output")],
    Arity::Exactly(1),
);

pub const SERVICE_LOGS: CommandSpec = spec(
    &["service logs"],
    "docker service logs [OPTIONS] SERVICE|TASK",
    "Fetch the logs of a service or task",
    &[
        flag("follow", Some('f'), None, "Follow log output"),
        flag("tail", Some('n'), Some("string"), "Number of lines to show from the end of the logs (default \"all\")"),
        flag("timestamps", Some('t'), None, "Show timestamps"),
    ],
    Arity::Exactly(1),
);

pub const SERVICE_RM: CommandSpec = spec(
    &["service rm", "service remove"],
    "docker service rm SERVICE [SERVICE...]",
    "Remove one or more services",
    &[],
    Arity::AtLeast(1),
);

pub const SERVICE_INSPECT: CommandSpec = spec(
    &["service inspect"],
    "docker service inspect [OPTIONS] SERVICE [SERVICE...]",
    "Display detailed information on one or more services",
    &[FORMAT, PRETTY],
    Arity::AtLeast(1),
);

pub const STACK_DEPLOY: CommandSpec = spec(
    &["stack deploy", "stack up"],
    "docker stack deploy [OPTIONS] STACK",
    "Deploy a new stack or update an existing stack",
    &[flag("compose-file", Some('c'), Some("strings"), "Path to a Compose file, or \"-\" to read from stdin")],
    Arity::Exactly(1),
);

pub const STACK_LS: CommandSpec =
    spec(&["stack ls", "stack list"], "docker stack ls [OPTIONS]", "List stacks", &[], Arity::None);

pub const STACK_SERVICES: CommandSpec = spec(
    &["stack services"],
    "docker stack services [OPTIONS] STACK",
    "List the services in the stack",
    &[QUIET_IDS],
    Arity::Exactly(1),
);

pub const STACK_PS: CommandSpec = spec(
    &["stack ps"],
    "docker stack ps [OPTIONS] STACK",
    "List the tasks in the stack",
    &[FILTER, NO_TRUNC, flag("quiet", Some('q'), None, "Only display task IDs")],
    Arity::Exactly(1),
);

pub const STACK_RM: CommandSpec = spec(
    &["stack rm", "stack remove", "stack down"],
    "docker stack rm [OPTIONS] STACK [STACK...]",
    "Remove one or more stacks",
    &[],
    Arity::AtLeast(1),
);

/// Swarm mode's commands, in the order `docker --help` lists them after the others.
pub const SWARM_COMMANDS: &[&CommandSpec] = &[
    &SWARM_INIT,
    &SWARM_JOIN,
    &SWARM_JOIN_TOKEN,
    &SWARM_LEAVE,
    &NODE_LS,
    &NODE_INSPECT,
    &NODE_UPDATE,
    &NODE_RM,
    &NODE_PROMOTE,
    &NODE_DEMOTE,
    &NODE_PS,
    &NODE_ADD,
    &NODE_DOWN,
    &NODE_UP,
    &SERVICE_CREATE,
    &SERVICE_LS,
    &SERVICE_PS,
    &SERVICE_SCALE,
    &SERVICE_UPDATE,
    &SERVICE_ROLLBACK,
    &SERVICE_LOGS,
    &SERVICE_RM,
    &SERVICE_INSPECT,
    &STACK_DEPLOY,
    &STACK_LS,
    &STACK_SERVICES,
    &STACK_PS,
    &STACK_RM,
];

/// What `service create` and `service update` were given; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceOptions {
    /// `create`'s image, or `update --image`.
    pub image: Option<String>,
    /// `create`'s command, or `update --args` split into words.
    pub args: Option<Vec<String>>,
    pub name: Option<String>,
    pub replicas: Option<u64>,
    pub global: bool,
    pub env: Vec<String>,
    pub env_rm: Vec<String>,
    pub labels: Vec<String>,
    /// `-p` (and `--publish-add`) values as typed.
    pub publish: Vec<String>,
    pub publish_rm: Vec<String>,
    pub update_parallelism: Option<u64>,
    /// Nanoseconds.
    pub update_delay: Option<u64>,
    pub update_order: Option<String>,
    pub update_failure_action: Option<String>,
    pub detach: bool,
    pub quiet: bool,
    pub force: bool,
    /// `service update --rollback`.
    pub rollback: bool,
}

/// A parsed swarm-mode command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwarmCommand {
    Init {
        advertise_addr: Option<String>,
    },
    Join {
        token: Option<String>,
        addr: String,
    },
    JoinToken {
        role: String,
        quiet: bool,
        rotate: bool,
    },
    Leave {
        force: bool,
    },
    NodeLs {
        quiet: bool,
    },
    NodeInspect {
        nodes: Vec<String>,
        format: Option<String>,
        pretty: bool,
    },
    NodeUpdate {
        node: String,
        availability: Option<String>,
        role: Option<String>,
    },
    NodeRm {
        nodes: Vec<String>,
        force: bool,
    },
    NodeRole {
        nodes: Vec<String>,
        manager: bool,
    },
    NodePs {
        nodes: Vec<String>,
        quiet: bool,
        no_trunc: bool,
        filters: Vec<String>,
    },
    NodeAdd {
        name: String,
        manager: bool,
    },
    /// Dockyard's `node down` (`down: true`) and `node up`.
    NodeFail {
        node: String,
        down: bool,
    },
    ServiceCreate(ServiceOptions),
    ServiceUpdate {
        service: String,
        options: ServiceOptions,
    },
    ServiceLs {
        quiet: bool,
    },
    ServicePs {
        services: Vec<String>,
        quiet: bool,
        no_trunc: bool,
        filters: Vec<String>,
    },
    ServiceRollback {
        service: String,
    },
    ServiceScale {
        pairs: Vec<String>,
        detach: bool,
    },
    ServiceLogs {
        service: String,
        follow: bool,
        tail: Option<String>,
        timestamps: bool,
    },
    ServiceRm {
        services: Vec<String>,
    },
    ServiceInspect {
        services: Vec<String>,
        format: Option<String>,
        pretty: bool,
    },
    StackDeploy {
        files: Vec<String>,
        stack: String,
    },
    StackLs,
    StackServices {
        stack: String,
        quiet: bool,
    },
    StackPs {
        stack: String,
        quiet: bool,
        no_trunc: bool,
        filters: Vec<String>,
    },
    StackRm {
        stacks: Vec<String>,
    },
}

/// Whether `name` is one of swarm mode's commands.
pub(super) fn handles(name: &str) -> bool {
    SWARM_COMMANDS.iter().any(|spec| spec.name() == name)
}

/// A number flag as pflag reads a `uint`, with its error text.
fn uint(m: &Matches, spec: &CommandSpec, long: &str) -> Result<Option<u64>, CliError> {
    m.last(long)
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                CliError::usage(
                    spec,
                    &format!("invalid argument \"{v}\" for \"--{long}\" flag: strconv.ParseUint: parsing \"{v}\": invalid syntax"),
                )
            })
        })
        .transpose()
}

fn service_options(m: &Matches, spec: &CommandSpec) -> Result<ServiceOptions, CliError> {
    let update_delay = m
        .last("update-delay")
        .map(|v| {
            crate::time::Duration::parse_go(&v).map(|d| d.0).ok_or_else(|| {
                CliError::usage(
                    spec,
                    &format!("invalid argument \"{v}\" for \"--update-delay\" flag: time: invalid duration \"{v}\""),
                )
            })
        })
        .transpose()?;
    let global = match m.last("mode").as_deref() {
        None | Some("replicated") => false,
        Some("global") => true,
        Some(other) => {
            return Err(CliError {
                message: format!("invalid mode: {other}\nSee 'docker {} --help'.", spec.name()),
                exit_code: 1,
            })
        }
    };
    Ok(ServiceOptions {
        image: m.last("image"),
        args: m.last("args").map(|a| a.split_whitespace().map(str::to_string).collect()),
        name: m.last("name"),
        replicas: uint(m, spec, "replicas")?,
        global,
        env: m.all("env").into_iter().chain(m.all("env-add")).collect(),
        env_rm: m.all("env-rm"),
        labels: m.all("label"),
        publish: m.all("publish").into_iter().chain(m.all("publish-add")).collect(),
        publish_rm: m.all("publish-rm"),
        update_parallelism: uint(m, spec, "update-parallelism")?,
        update_delay,
        update_order: m.last("update-order"),
        update_failure_action: m.last("update-failure-action"),
        detach: m.bool("detach"),
        quiet: m.bool("quiet"),
        force: m.bool("force"),
        rollback: m.bool("rollback"),
    })
}

/// Types a swarm-mode command whose flags and arity are already checked.
pub(super) fn parse(spec: &CommandSpec, m: Matches) -> Result<SwarmCommand, CliError> {
    let first = m.args.first().cloned().unwrap_or_default();
    Ok(match spec.name() {
        "swarm init" => SwarmCommand::Init { advertise_addr: m.last("advertise-addr") },
        "swarm join" => SwarmCommand::Join { token: m.last("token"), addr: first },
        "swarm join-token" => SwarmCommand::JoinToken { role: first, quiet: m.bool("quiet"), rotate: m.bool("rotate") },
        "swarm leave" => SwarmCommand::Leave { force: m.bool("force") },
        "node ls" => SwarmCommand::NodeLs { quiet: m.bool("quiet") },
        "node inspect" => {
            SwarmCommand::NodeInspect { format: m.last("format"), pretty: m.bool("pretty"), nodes: m.args }
        }
        "node update" => {
            SwarmCommand::NodeUpdate { node: first, availability: m.last("availability"), role: m.last("role") }
        }
        "node rm" => SwarmCommand::NodeRm { force: m.bool("force"), nodes: m.args },
        "node promote" => SwarmCommand::NodeRole { nodes: m.args, manager: true },
        "node demote" => SwarmCommand::NodeRole { nodes: m.args, manager: false },
        "node ps" => SwarmCommand::NodePs {
            quiet: m.bool("quiet"),
            no_trunc: m.bool("no-trunc"),
            filters: m.all("filter"),
            nodes: m.args,
        },
        "node add" => SwarmCommand::NodeAdd { name: first, manager: m.bool("manager") },
        "node down" => SwarmCommand::NodeFail { node: first, down: true },
        "node up" => SwarmCommand::NodeFail { node: first, down: false },
        "service create" => {
            let mut options = service_options(&m, spec)?;
            options.image = Some(first);
            options.args = Some(m.args.get(1..).unwrap_or_default().to_vec());
            SwarmCommand::ServiceCreate(options)
        }
        "service update" => SwarmCommand::ServiceUpdate { options: service_options(&m, spec)?, service: first },
        "service ls" => SwarmCommand::ServiceLs { quiet: m.bool("quiet") },
        "service ps" => SwarmCommand::ServicePs {
            quiet: m.bool("quiet"),
            no_trunc: m.bool("no-trunc"),
            filters: m.all("filter"),
            services: m.args,
        },
        "service rollback" => SwarmCommand::ServiceRollback { service: first },
        "service scale" => SwarmCommand::ServiceScale { detach: m.bool("detach"), pairs: m.args },
        "service logs" => SwarmCommand::ServiceLogs {
            service: first,
            follow: m.bool("follow"),
            tail: m.last("tail"),
            timestamps: m.bool("timestamps"),
        },
        "service rm" => SwarmCommand::ServiceRm { services: m.args },
        "service inspect" => {
            SwarmCommand::ServiceInspect { format: m.last("format"), pretty: m.bool("pretty"), services: m.args }
        }
        "stack deploy" => {
            let files = m.all("compose-file");
            if files.is_empty() {
                return Err(CliError {
                    message: "Please specify a Compose file (with --compose-file).".to_string(),
                    exit_code: 1,
                });
            }
            SwarmCommand::StackDeploy { files, stack: first }
        }
        "stack ls" => SwarmCommand::StackLs,
        "stack services" => SwarmCommand::StackServices { stack: first, quiet: m.bool("quiet") },
        "stack ps" => SwarmCommand::StackPs {
            stack: first,
            quiet: m.bool("quiet"),
            no_trunc: m.bool("no-trunc"),
            filters: m.all("filter"),
        },
        "stack rm" => SwarmCommand::StackRm { stacks: m.args },
        other => return Err(CliError { message: format!("docker: unknown command: docker {other}"), exit_code: 1 }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_swarm_command_is_in_the_command_table() {
        for spec in SWARM_COMMANDS {
            assert!(
                super::super::COMMANDS.iter().any(|c| c.name() == spec.name()),
                "{} is not in COMMANDS",
                spec.name()
            );
        }
    }

    #[test]
    fn service_flags_are_typed_with_pflags_errors() {
        let parsed =
            super::super::parse("docker service create --name web --replicas 3 -p 8080:80 web sh -c hi").unwrap();
        let super::super::Command::Swarm(SwarmCommand::ServiceCreate(options)) = parsed else { panic!("not a create") };
        assert_eq!(options.replicas, Some(3));
        assert_eq!(options.args, Some(vec!["sh".to_string(), "-c".to_string(), "hi".to_string()]));
        let err = super::super::parse("docker service create --replicas x web").unwrap_err();
        assert!(err.message.starts_with("invalid argument \"x\" for \"--replicas\" flag: strconv.ParseUint"));
        let err = super::super::parse("docker service update --update-delay soon web").unwrap_err();
        assert!(err
            .message
            .starts_with("invalid argument \"soon\" for \"--update-delay\" flag: time: invalid duration"));
    }
}
