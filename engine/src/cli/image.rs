//! Image commands on the command line (`build`, `images`, `pull`, `push`, `tag`, `rmi`, `history`,
//! `save`, `load` and the prunes): their specs and their typed options.

use super::spec::{flag, Arity, CommandSpec};
use super::{CliError, Command, Matches};

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

pub const PULL: CommandSpec = CommandSpec {
    names: &["pull", "image pull"],
    usage: "docker pull [OPTIONS] NAME[:TAG|@DIGEST]",
    about: "Download an image from a registry",
    flags: &[flag("quiet", Some('q'), None, "Suppress verbose output")],
    arity: Arity::Exactly(1),
    interspersed: true,
};

/// The commands specified here, for the parser to tell them from others'.
const SPECS: &[&CommandSpec] =
    &[&IMAGES, &PUSH, &SAVE, &LOAD, &BUILD, &BUILDER_PRUNE, &IMAGE_PRUNE, &TAG, &RMI, &HISTORY, &IMAGE_INSPECT, &PULL];

pub(super) fn handles(name: &str) -> bool {
    SPECS.iter().any(|spec| spec.name() == name)
}

pub(super) fn parse(spec: &'static CommandSpec, m: Matches) -> Result<Command, CliError> {
    Ok(match spec.name() {
        "images" => Command::Images(ImagesOptions {
            all: m.bool("all"),
            quiet: m.bool("quiet"),
            digests: m.bool("digests"),
            no_trunc: m.bool("no-trunc"),
            filters: m.all("filter"),
            repository: m.args.first().cloned(),
            format: m.format(),
        }),
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
        "image prune" => Command::ImagePrune { all: m.bool("all"), force: m.bool("force"), filters: m.all("filter") },
        other => return Err(super::unknown_command(other)),
    })
}
