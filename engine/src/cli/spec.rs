//! The docker commands Dockyard understands: their usage lines, descriptions and flags.
//!
//! One table drives parsing, `--help` and (later) tab completion, so they cannot disagree.

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

const fn flag(long: &'static str, short: Option<char>, value: Option<&'static str>, help: &'static str) -> FlagSpec {
    FlagSpec { long, short, value, help }
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

pub const IMAGES: CommandSpec = CommandSpec {
    names: &["images", "image ls", "image list"],
    usage: "docker images [OPTIONS] [REPOSITORY[:TAG]]",
    about: "List images",
    flags: &[
        flag("all", Some('a'), None, "Show all images (default hides intermediate images)"),
        flag("digests", None, None, "Show digests"),
        flag("filter", Some('f'), Some("filter"), "Filter output based on conditions provided"),
        flag("format", None, Some("string"), "Pretty-print images using a Go template"),
        flag("no-trunc", None, None, "Don't truncate output"),
        flag("quiet", Some('q'), None, "Only show image IDs"),
    ],
    arity: Arity::AtMost(1),
    interspersed: true,
};

pub const PUSH: CommandSpec = CommandSpec {
    names: &["push", "image push"],
    usage: "docker push [OPTIONS] NAME[:TAG]",
    about: "Upload an image to a registry",
    flags: &[
        flag("all-tags", Some('a'), None, "Push all tags of an image to the repository"),
        flag("quiet", Some('q'), None, "Suppress verbose output"),
    ],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const SAVE: CommandSpec = CommandSpec {
    names: &["save", "image save"],
    usage: "docker save [OPTIONS] IMAGE [IMAGE...]",
    about: "Save one or more images to a tar archive (streamed to STDOUT by default)",
    flags: &[flag("output", Some('o'), Some("string"), "Write to a file, instead of STDOUT")],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const LOAD: CommandSpec = CommandSpec {
    names: &["load", "image load"],
    usage: "docker load [OPTIONS]",
    about: "Load an image from a tar archive or STDIN",
    flags: &[
        flag("input", Some('i'), Some("string"), "Read from tar archive file, instead of STDIN"),
        flag("quiet", Some('q'), None, "Suppress the load output"),
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

pub const BUILD: CommandSpec = CommandSpec {
    names: &["build", "image build", "builder build"],
    usage: "docker build [OPTIONS] PATH | URL | -",
    about: "Build an image from a Dockerfile",
    flags: &[
        flag("build-arg", None, Some("list"), "Set build-time variables"),
        flag("check", None, None, "Check build configuration"),
        flag("file", Some('f'), Some("string"), "Name of the Dockerfile (Default is 'PATH/Dockerfile')"),
        flag("no-cache", None, None, "Do not use cache when building the image"),
        flag("progress", None, Some("string"), "Set type of progress output (auto, plain, tty, quiet)"),
        flag("quiet", Some('q'), None, "Suppress the build output and print image ID on success"),
        flag("tag", Some('t'), Some("list"), "Name and optionally a tag in the 'name:tag' format"),
        flag("target", None, Some("string"), "Set the target build stage to build."),
    ],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const BUILDER_PRUNE: CommandSpec = CommandSpec {
    names: &["builder prune"],
    usage: "docker builder prune",
    about: "Remove build cache",
    flags: &[
        flag("all", Some('a'), None, "Remove all unused build cache, not just dangling ones"),
        flag("force", Some('f'), None, "Do not prompt for confirmation"),
    ],
    arity: Arity::Exactly(0),
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

pub const IMAGE_PRUNE: CommandSpec = CommandSpec {
    names: &["image prune"],
    usage: "docker image prune [OPTIONS]",
    about: "Remove unused images",
    flags: &[
        flag("all", Some('a'), None, "Remove all unused images, not just dangling ones"),
        flag("filter", None, Some("filter"), "Provide filter values (e.g. \"until=<timestamp>\")"),
        flag("force", Some('f'), None, "Do not prompt for confirmation"),
    ],
    arity: Arity::None,
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

pub const TAG: CommandSpec = CommandSpec {
    names: &["tag", "image tag"],
    usage: "docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
    about: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
    flags: &[],
    arity: Arity::Exactly(2),
    interspersed: true,
};

pub const RMI: CommandSpec = CommandSpec {
    names: &["rmi", "image rm", "image remove"],
    usage: "docker rmi [OPTIONS] IMAGE [IMAGE...]",
    about: "Remove one or more images",
    flags: &[
        flag("force", Some('f'), None, "Force removal of the image"),
        flag("no-prune", None, None, "Do not delete untagged parents"),
    ],
    arity: Arity::AtLeast(1),
    interspersed: true,
};

pub const HISTORY: CommandSpec = CommandSpec {
    names: &["history", "image history"],
    usage: "docker history [OPTIONS] IMAGE",
    about: "Show the history of an image",
    flags: &[
        flag("format", None, Some("string"), "Pretty-print images using a Go template"),
        flag("human", Some('H'), None, "Print sizes and dates in human readable format (default true)"),
        flag("no-trunc", None, None, "Don't truncate output"),
        flag("quiet", Some('q'), None, "Only show image IDs"),
    ],
    arity: Arity::Exactly(1),
    interspersed: true,
};

pub const IMAGE_INSPECT: CommandSpec = CommandSpec {
    names: &["image inspect"],
    usage: "docker image inspect [OPTIONS] IMAGE [IMAGE...]",
    about: "Display detailed information on one or more images",
    flags: &[flag("format", Some('f'), Some("string"), "Format the output using the given Go template")],
    arity: Arity::AtLeast(1),
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

pub const PULL: CommandSpec = CommandSpec {
    names: &["pull", "image pull"],
    usage: "docker pull [OPTIONS] NAME[:TAG|@DIGEST]",
    about: "Download an image from a registry",
    flags: &[flag("quiet", Some('q'), None, "Suppress verbose output")],
    arity: Arity::Exactly(1),
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

/// Every command, in the order `docker --help` lists them.
pub const COMMANDS: &[&CommandSpec] = &[
    &RUN,
    &CREATE,
    &START,
    &STOP,
    &RESTART,
    &KILL,
    &WAIT,
    &PAUSE,
    &UNPAUSE,
    &RENAME,
    &LOGS,
    &ATTACH,
    &EXEC,
    &TOP,
    &STATS,
    &PORT,
    &INSPECT,
    &PS,
    &CP,
    &DIFF,
    &COMMIT,
    &BUILD,
    &BUILDER_PRUNE,
    &EXPORT,
    &IMAGES,
    &PULL,
    &PUSH,
    &RM,
    &RMI,
    &TAG,
    &HISTORY,
    &IMAGE_INSPECT,
    &IMAGE_PRUNE,
    &SAVE,
    &LOAD,
    &VOLUME_CREATE,
    &VOLUME_LS,
    &VOLUME_INSPECT,
    &VOLUME_RM,
    &VOLUME_PRUNE,
    &NETWORK_CREATE,
    &NETWORK_LS,
    &NETWORK_INSPECT,
    &NETWORK_CONNECT,
    &NETWORK_DISCONNECT,
    &NETWORK_RM,
    &NETWORK_PRUNE,
    &SYSTEM_DF,
    &VERSION,
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
