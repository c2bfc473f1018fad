//! `docker build`, as Docker's classic builder does it: every instruction is a step that makes an
//! image from the one before, `RUN` in an intermediate container whose writable layer becomes
//! the step's layer, the rest as a change of config or a layer of copied files. Each step's image
//! remembers its parent, and the cache is the same question the classic builder asks: has a
//! step with this `created_by` been made from this parent before?
//!
//! A build crosses the host several times: once to read the context folder
//! ([`Step::ReadContext`]), and once for every `RUN` that misses the cache, whose process the host
//! runs like any container's. Between those, the build's state travels inside the command that
//! resumes it ([`Command::BuildResume`]), so every host walks a build with the same loop it uses
//! for any command.

mod check;
pub(crate) mod context;
mod copy;
mod created_by;
mod output;
mod run;

use std::collections::{BTreeMap, BTreeSet};

use crate::cli::{BuildOptions, Command};
use crate::container::{ContainerId, ContainerStatus};
use crate::copy::Tree;
use crate::dockerfile::{self, Instruction, InstructionKind};
use crate::fs::UnionFs;
use crate::image::{Empty, HealthConfig, History, Image, ImageConfig, RootFs};
use crate::layer::{Entry, Layer};
use crate::ops::daemon_error;
use crate::progress::Progress;
use crate::reference::Reference;
use crate::{Ctx, Engine, Launch, Reply, Step};

pub use context::Files;

/// What a host hands back with the folder it read: a build's options, or a compose command,
/// whose project folder it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextThen(pub(crate) ContextPurpose);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ContextPurpose {
    Build(Box<BuildOptions>),
    /// The compose command, and the folder's own name when the host told it.
    Compose(Box<crate::cli::compose::ComposeCommand>, Option<String>),
}

impl ContextThen {
    pub(crate) fn build(options: BuildOptions) -> Self {
        ContextThen(ContextPurpose::Build(Box::new(options)))
    }

    pub(crate) fn compose(command: crate::cli::compose::ComposeCommand) -> Self {
        ContextThen(ContextPurpose::Compose(Box::new(command), None))
    }

    /// The command that reads the folder, for a host that asks the user for it.
    pub fn command(&self) -> &'static str {
        match self.0 {
            ContextPurpose::Build(_) => "docker build",
            ContextPurpose::Compose(..) => "docker compose",
        }
    }

    /// Tells the folder's own name, which names a Compose project when nothing else does (for
    /// `.`, the working directory's). A host that does not know it leaves it.
    pub fn name_folder(&mut self, name: &str) {
        if let ContextPurpose::Compose(_, folder) = &mut self.0 {
            *folder = Some(name.to_string()).filter(|n| !n.is_empty());
        }
    }
}

/// The shell that runs shell-form commands when the Dockerfile sets none.
const DEFAULT_SHELL: [&str; 2] = ["/bin/sh", "-c"];

/// A build between two of its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    options: BuildOptions,
    files: Files,
    instructions: Vec<Instruction>,
    escape: char,
    /// The next instruction, and how many of the coming ones are a base image's `ONBUILD`
    /// triggers, which run without a step number of their own.
    next: usize,
    triggers: usize,
    /// Where the instructions to build end (the end of the `--target` stage).
    end: usize,
    step: usize,
    total: usize,
    /// `ARG`s before the first `FROM`, with their values, for `FROM` lines.
    meta_args: Vec<(String, String)>,
    build_args: BTreeMap<String, String>,
    consumed: BTreeSet<String>,
    stages: Vec<(Option<String>, Option<crate::digest::ImageId>)>,
    stage: Option<Stage>,
    /// The `RUN` whose container the host is running: its container, `created_by`, and command.
    pending: Option<(ContainerId, String, Vec<String>)>,
    style: output::Style,
    vertices: output::Vertices,
    /// The Dockerfile's hints, as BuildKit lists them after a build.
    warnings: String,
    /// The images this build took from the cache, for the pictures.
    cached: BTreeSet<crate::digest::ImageId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Stage {
    alias: Option<String>,
    /// The image the last step made; `None` in a `FROM scratch` stage before its first step.
    image: Option<crate::digest::ImageId>,
    /// The image the stage started from; `None` for `FROM scratch`.
    base: Option<crate::digest::ImageId>,
    config: ImageConfig,
    /// The stage's `ARG`s that have values, in the order declared.
    args: Vec<(String, String)>,
    /// Whether a `CMD` of this stage was set, so `ENTRYPOINT` keeps it.
    cmd_set: bool,
}

impl Stage {
    fn lookup(&self, name: &str) -> Option<String> {
        // ENV wins over ARG, as in Docker.
        let env = self.config.config.env.iter().rev().find_map(|e| {
            let (k, v) = e.split_once('=')?;
            (k == name).then(|| v.to_string())
        });
        env.or_else(|| self.args.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }
}

/// A failed build: the message, and the exit code (`RUN`'s own, when a command failed).
type Failure = (String, i32);

fn fail(message: impl Into<String>) -> Failure {
    (message.into(), 1)
}

/// An empty config for `FROM scratch`, as the classic builder starts one.
fn scratch_config() -> ImageConfig {
    let mut config = ImageConfig {
        architecture: "wasm".to_string(),
        config: Default::default(),
        created: String::new(),
        history: Vec::new(),
        os: "linux".to_string(),
        rootfs: RootFs { kind: "layers".to_string(), diff_ids: Vec::new() },
    };
    config.config.env.push(crate::builtin::DEFAULT_PATH.to_string());
    config
}

impl Engine {
    /// `docker build`: checks the options, then asks the host for the context folder.
    pub(crate) fn build(&mut self, options: BuildOptions) -> Step {
        for tag in &options.tags {
            if Reference::parse(tag).is_err() {
                return Step::Done(Reply::err(
                    format!("invalid argument \"{tag}\" for \"-t, --tag\" flag: invalid reference format\nSee 'docker build --help'."),
                    125,
                ));
            }
        }
        if let Some(progress) = options.progress.as_deref() {
            if !matches!(progress, "auto" | "plain" | "tty" | "quiet") {
                return Step::Done(Reply::err(format!("invalid progress mode: {progress}"), 1));
            }
        }
        if options.context == "-" || options.context.contains("://") {
            return Step::Done(Reply::err(
                "unable to prepare context: Dockyard builds from a folder: give its path (docker build .)",
                1,
            ));
        }
        Step::ReadContext { path: options.context.clone(), then: ContextThen::build(options) }
    }

    /// The host read the context folder (or could not): parse the Dockerfile, and start.
    pub fn context_done(&mut self, then: ContextThen, context: Result<Tree, String>, ctx: &mut Ctx<'_>) -> Step {
        let options = match then.0 {
            ContextPurpose::Build(options) => options,
            ContextPurpose::Compose(command, folder) => return self.compose_context(*command, folder, context, ctx),
        };
        self.building = None;
        let step = self.begin_build(*options, context, ctx);
        self.track_build(step)
    }

    /// Forgets where a build stood once a step of it ends the build, whichever way it ended.
    fn track_build(&mut self, step: Step) -> Step {
        let goes_on =
            matches!(&step, Step::Then { next, .. } if next.iter().any(|c| matches!(c, Command::BuildResume(_))));
        if !goes_on {
            self.building = None;
        }
        step
    }

    fn begin_build(&mut self, options: BuildOptions, context: Result<Tree, String>, ctx: &mut Ctx<'_>) -> Step {
        let tree = match context {
            Ok(tree) => tree,
            Err(why) => return Step::Done(Reply::err(format!("unable to prepare context: {why}"), 1)),
        };
        let mut files = Files::from_tree(&tree);
        let name = options.file.clone().unwrap_or_else(|| "Dockerfile".to_string());
        let dockerfile = match files.get(&context::clean(&name)).map(|e| &e.kind) {
            Some(crate::layer::EntryKind::File { data }) => String::from_utf8_lossy(&data.0).into_owned(),
            _ => {
                let path = format!("{}/{}", options.context.trim_end_matches('/'), context::clean(&name));
                return Step::Done(Reply::err(
                    format!(
                        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {path}: no such file or directory"
                    ),
                    1,
                ));
            }
        };
        if let Some(crate::layer::EntryKind::File { data }) = files.get(".dockerignore").map(|e| &e.kind) {
            match dockerfile::Ignore::try_parse(&String::from_utf8_lossy(&data.0)) {
                Ok(ignore) => files.exclude(&ignore),
                Err(e) => return Step::Done(Reply::err(format!("error checking context: {e}"), 1)),
            }
        }
        let parsed = match dockerfile::parse(&dockerfile) {
            Ok(parsed) => parsed,
            Err(e) => return Step::Done(Reply::err(format!("Error response from daemon: {e}"), 1)),
        };
        let hints = self.hints(&parsed);
        if options.check {
            return Step::Done(check::report(&parsed, &name, &dockerfile, &hints));
        }
        let context_size = files.tar_size();
        let mut build = match Build::new(options, files, parsed) {
            Ok(build) => build,
            Err((message, code)) => return Step::Done(Reply::err(message, code)),
        };
        let out = build.begin(context_size, dockerfile.len());
        build.warnings = check::summary(&hints);
        // A base image whose blobs must be fetched first: the context's lines print now, and the
        // build starts again from its first step once they are here.
        let then = Command::BuildResume(Box::new(build.clone()));
        self.or_fetch(then, out.clone(), |engine| engine.advance(build, out, ctx))
    }

    /// Goes on with a build after its `RUN` container ended.
    pub(crate) fn build_resume(&mut self, build: Build, ctx: &mut Ctx<'_>) -> Step {
        let step = self.resume(build, ctx);
        self.track_build(step)
    }

    fn resume(&mut self, mut build: Build, ctx: &mut Ctx<'_>) -> Step {
        let mut out = Reply::default();
        if let Some((id, created_by, command)) = build.pending.take() {
            let Some(container) = self.containers.iter().find(|c| c.id == id).cloned() else {
                return Step::Done(Reply::err(daemon_error(format!("No such container: {id}")), 1));
            };
            let code = container.state.exit_code;
            if container.state.status != ContainerStatus::Exited || code != 0 {
                // The classic builder leaves a failed step's container, for a look inside.
                return Step::Done(build.run_failed(&container, &command, code));
            }
            self.containers.retain(|c| c.id != id);
            let Some(stage) = build.stage.as_ref() else { return Step::Done(Reply::err("no build stage", 1)) };
            let config = stage.config.clone();
            match self.commit_step(&mut build, created_by, Some(container.rw.clone()), config, ctx.now) {
                Ok(image) => build.ran(&container, image, &mut out),
                Err((message, code)) => return Step::Done(Reply::err(message, code)),
            }
        }
        self.advance(build, out, ctx)
    }

    /// Runs instructions until one needs the host (a `RUN`) or the build ends.
    fn advance(&mut self, mut build: Build, mut out: Reply, ctx: &mut Ctx<'_>) -> Step {
        while build.next < build.end {
            let instruction = build.instructions[build.next].clone();
            build.next += 1;
            let trigger = build.triggers > 0;
            if trigger {
                build.triggers -= 1;
            } else {
                build.step += 1;
                build.announce(&instruction, &mut out);
            }
            match self.instruction(&mut build, &instruction, &mut out, ctx) {
                Ok(None) => {}
                Ok(Some(process)) => {
                    self.building = Some(build.progress(&instruction));
                    let (before, id, live) = (out, process.container.clone(), build.live());
                    let resume = vec![Command::BuildResume(Box::new(build))];
                    if !live {
                        // The container's output is not shown as it comes: start it, and wait.
                        let spawn = Step::Spawn { processes: vec![process], reply: before };
                        let next = std::iter::once(Command::BuildAwait { container: id }).chain(resume).collect();
                        return Step::Then { first: Box::new(spawn), next };
                    }
                    return Step::Then { first: Box::new(Step::Launch(Launch { before, process })), next: resume };
                }
                Err((message, code)) => return Step::Done(out.then(Reply::err(message, code))),
            }
        }
        self.finish_build(build, out)
    }

    fn finish_build(&mut self, mut build: Build, mut out: Reply) -> Step {
        if let Some(stage) = build.stage.take() {
            build.stages.push((stage.alias, stage.image));
        }
        let Some(id) = build.stages.last().and_then(|(_, image)| *image) else {
            return Step::Done(out.then(Reply::err("No image was generated. Is your Dockerfile empty?", 1)));
        };
        let unused: Vec<String> = build.build_args.keys().filter(|k| !build.consumed.contains(*k)).cloned().collect();
        let mut tags = Vec::new();
        for tag in &build.options.tags {
            if let Ok(reference) = Reference::parse(tag) {
                let reference = reference.with_default_tag();
                self.images.tag(&reference, id);
                tags.push(reference);
            }
        }
        build.finished(id, &tags, &unused, &mut out);
        if build.style != output::Style::Quiet {
            out.stderr.push_str(&build.warnings);
        }
        Step::Done(out)
    }

    /// One instruction; a `RUN` that must really run returns its process.
    fn instruction(
        &mut self,
        build: &mut Build,
        instruction: &Instruction,
        out: &mut Reply,
        ctx: &mut Ctx<'_>,
    ) -> Result<Option<crate::Process>, Failure> {
        if let InstructionKind::From { image, alias, .. } = &instruction.kind {
            self.from(build, image, alias.clone(), out)?;
            return Ok(None);
        }
        // An ARG before the first FROM is a step with nothing to do: its value is for FROM lines,
        // and was settled when the build began.
        if build.stage.is_none() && matches!(instruction.kind, InstructionKind::Arg(_)) {
            return Ok(None);
        }
        let escape = build.escape;
        let Some(mut stage) = build.stage.clone() else {
            return Err(fail("Error response from daemon: No build stage in current context"));
        };
        if let InstructionKind::Arg(args) = &instruction.kind {
            // An argument takes its value from --build-arg, else its default, for the steps after.
            let mut shown = Vec::new();
            for (name, default) in args {
                let expanded = match default {
                    Some(d) => {
                        Some(dockerfile::expand(d, &|n| stage.lookup(n), escape).map_err(|e| fail(e.to_string()))?)
                    }
                    None => None,
                };
                shown.push(match default {
                    Some(text) => format!("{name}={text}"),
                    None => name.clone(),
                });
                build.consumed.insert(name.clone());
                stage.args.retain(|(k, _)| k != name);
                if let Some(value) = build.build_args.get(name).cloned().or(expanded) {
                    stage.args.push((name.clone(), value));
                }
            }
            let config = stage.config.clone();
            build.stage = Some(stage);
            return self.config_step(
                build,
                created_by::nop(&format!("ARG {}", shown.join(" "))),
                None,
                config,
                false,
                out,
                ctx,
            );
        }
        let lookup = |name: &str| stage.lookup(name);
        let expand = |word: &str| dockerfile::expand(word, &lookup, escape).map_err(|e| fail(e.to_string()));
        let mut config = stage.config.clone();
        let mut cmd_set = stage.cmd_set;
        let (created_by, layer) = match &instruction.kind {
            InstructionKind::From { .. } | InstructionKind::Arg(_) => {
                return Err(fail("a stage's instruction came out of order"))
            }
            InstructionKind::Run { command, heredocs, .. } => {
                let argv = match command {
                    dockerfile::Command::Exec(argv) => argv.clone(),
                    dockerfile::Command::Shell(text) => {
                        let script = match heredocs.first() {
                            Some(heredoc) if text.trim_start().starts_with("<<") => heredoc.text(),
                            _ => text.clone(),
                        };
                        shell_form(&config, script)
                    }
                };
                let args = stage.args.clone();
                let created_by = created_by::run(&args, &argv);
                return self.run_step(build, created_by, argv, args, out, ctx);
            }
            InstructionKind::Cmd(command) | InstructionKind::Entrypoint(command) => {
                let argv = match command {
                    dockerfile::Command::Exec(argv) => argv.clone(),
                    dockerfile::Command::Shell(text) => shell_form(&config, text.clone()),
                };
                let name = if matches!(instruction.kind, InstructionKind::Cmd(_)) { "CMD" } else { "ENTRYPOINT" };
                if name == "CMD" {
                    config.config.cmd = argv.clone();
                    cmd_set = true;
                } else {
                    config.config.entrypoint = argv.clone();
                    // A new ENTRYPOINT drops a CMD inherited from the base image.
                    if !cmd_set {
                        config.config.cmd.clear();
                    }
                }
                (created_by::nop(&format!("{name} {}", created_by::go_quoted_list(&argv))), None)
            }
            InstructionKind::Shell(shell) => {
                config.config.shell = shell.clone();
                (created_by::nop(&format!("SHELL {}", created_by::go_list(shell))), None)
            }
            InstructionKind::Label(pairs) | InstructionKind::Env(pairs) => {
                let is_env = matches!(instruction.kind, InstructionKind::Env(_));
                let mut shown = Vec::new();
                for (key, value) in pairs {
                    let (key, value) = (expand(key)?, expand(value)?);
                    if is_env {
                        if key.is_empty() {
                            return Err(fail("ENV names can not be blank"));
                        }
                        config.config.env.retain(|e| e.split('=').next() != Some(key.as_str()));
                        config.config.env.push(format!("{key}={value}"));
                    } else {
                        config.config.labels.insert(key.clone(), value.clone());
                    }
                    shown.push(format!("{key}={value}"));
                }
                let name = if is_env { "ENV" } else { "LABEL" };
                (created_by::nop(&format!("{name} {}", shown.join(" "))), None)
            }
            InstructionKind::Maintainer(name) => (created_by::nop(&format!("MAINTAINER {name}")), None),
            InstructionKind::Expose(ports) => {
                let mut shown = Vec::new();
                for port in ports {
                    for word in expand(port)?.split_whitespace() {
                        let key = if word.contains('/') { word.to_ascii_lowercase() } else { format!("{word}/tcp") };
                        let number = key.split('/').next().unwrap_or("");
                        if number.split('-').any(|p| p.parse::<u16>().is_err()) {
                            return Err(fail(format!("invalid containerPort: {word}")));
                        }
                        config.config.exposed_ports.insert(key, Empty {});
                        shown.push(word.to_string());
                    }
                }
                crate::sort::sort(&mut shown);
                (created_by::nop(&format!("EXPOSE {}", shown.join(" "))), None)
            }
            InstructionKind::Volume(paths) => {
                let mut expanded = Vec::new();
                for path in paths {
                    let path = expand(path)?;
                    if path.is_empty() {
                        return Err(fail("VOLUME specified can not be an empty string"));
                    }
                    config.config.volumes.insert(path.clone(), Empty {});
                    expanded.push(path);
                }
                (created_by::nop(&format!("VOLUME {}", created_by::go_list(&expanded))), None)
            }
            InstructionKind::User(user) => {
                config.config.user = expand(user)?;
                (created_by::nop(&format!("USER {}", config.config.user)), None)
            }
            InstructionKind::Workdir(dir) => {
                let dir = absolute(&config.config.working_dir, &expand(dir)?);
                config.config.working_dir = dir.clone();
                // The classic builder makes the directory, and a layer, only when it is missing.
                let fs = self.stage_fs(&stage)?;
                let target = context::clean(&dir);
                let layer = match target.is_empty() || fs.lookup(&target).is_some() {
                    true => None,
                    false => {
                        let mut layer = Layer::default();
                        context::add_parents(&mut layer, &fs, &target);
                        layer.insert(&target, Entry::dir(0o755)).map_err(|e| fail(e.to_string()))?;
                        Some(layer)
                    }
                };
                (created_by::nop_tight(&format!("WORKDIR {dir}")), layer)
            }
            InstructionKind::Stopsignal(signal) => {
                config.config.stop_signal = expand(signal)?;
                (created_by::nop(&format!("STOPSIGNAL {}", config.config.stop_signal)), None)
            }
            InstructionKind::Healthcheck(check) => {
                let health = match check {
                    None => HealthConfig { test: vec!["NONE".to_string()], ..Default::default() },
                    Some(check) => HealthConfig {
                        test: match &check.test {
                            dockerfile::Command::Exec(argv) => {
                                std::iter::once("CMD".to_string()).chain(argv.clone()).collect()
                            }
                            dockerfile::Command::Shell(text) => vec!["CMD-SHELL".to_string(), text.clone()],
                        },
                        interval: check.interval.unwrap_or(0),
                        timeout: check.timeout.unwrap_or(0),
                        start_period: check.start_period.unwrap_or(0),
                        start_interval: check.start_interval.unwrap_or(0),
                        retries: u64::from(check.retries.unwrap_or(0)),
                    },
                };
                let shown = created_by::healthcheck(&health);
                config.config.healthcheck = Some(health);
                (created_by::nop(&shown), None)
            }
            InstructionKind::Onbuild(trigger) => {
                config.config.on_build.push(trigger.original.clone());
                (created_by::nop(&format!("ONBUILD {}", trigger.original)), None)
            }
            InstructionKind::Copy { sources, dest, from, chown, chmod, heredocs, .. } => {
                let sources = sources.iter().map(|s| expand(s)).collect::<Result<Vec<_>, _>>()?;
                let dest = expand(dest)?;
                let chown = chown.as_deref().map(&expand).transpose()?;
                let chmod = chmod.as_deref().map(&expand).transpose()?;
                let (created_by, layer) =
                    self.copy_step(build, "COPY", &sources, &dest, from.as_deref(), chown, chmod, heredocs, out)?;
                (created_by, Some(layer))
            }
            InstructionKind::Add { sources, dest, chown, chmod, heredocs, .. } => {
                let sources = sources.iter().map(|s| expand(s)).collect::<Result<Vec<_>, _>>()?;
                if let Some(url) = sources.iter().find(|s| s.contains("://")) {
                    return Err(fail(format!("ADD failed: cannot download {url}: builds in Dockyard have no network")));
                }
                let dest = expand(dest)?;
                let chown = chown.as_deref().map(&expand).transpose()?;
                let chmod = chmod.as_deref().map(&expand).transpose()?;
                let (created_by, layer) =
                    self.copy_step(build, "ADD", &sources, &dest, None, chown, chmod, heredocs, out)?;
                (created_by, Some(layer))
            }
        };
        if let Some(stage) = build.stage.as_mut() {
            stage.cmd_set = cmd_set;
        }
        let copies = matches!(instruction.kind, InstructionKind::Copy { .. } | InstructionKind::Add { .. });
        self.config_step(build, created_by, layer, config, copies, out, ctx)
    }

    /// A step that does not run a process: from the cache, or a new image made at once.
    #[allow(clippy::too_many_arguments)]
    fn config_step(
        &mut self,
        build: &mut Build,
        created_by: String,
        layer: Option<Layer>,
        config: ImageConfig,
        copies: bool,
        out: &mut Reply,
        ctx: &mut Ctx<'_>,
    ) -> Result<Option<crate::Process>, Failure> {
        if self.reuse(build, &created_by, out) {
            return Ok(None);
        }
        let id = self.commit_step(build, created_by, layer, config, ctx.now)?;
        // The classic builder makes (and removes) a container for a config-only step too.
        let container = (!copies).then(|| ContainerId::generate(ctx.entropy).short().to_string());
        build.made(id, container, out);
        Ok(None)
    }

    /// `FROM`: ends the stage before, and starts one from a stage, an image (pulled when
    /// missing), or nothing.
    fn from(&mut self, build: &mut Build, image: &str, alias: Option<String>, out: &mut Reply) -> Result<(), Failure> {
        if let Some(stage) = build.stage.take() {
            build.stages.push((stage.alias, stage.image));
        }
        let meta = build.meta_args.clone();
        let lookup = |name: &str| meta.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let name = dockerfile::expand(image, &lookup, build.escape).map_err(|e| fail(e.to_string()))?;
        let (image, config) = if name.eq_ignore_ascii_case("scratch") {
            (None, scratch_config())
        } else if let Some((_, id)) = build.stages.iter().rev().find(|(a, _)| a.as_deref() == Some(name.as_str())) {
            let config = id.and_then(|id| self.images.images.get(&id)).map(|i| i.config.clone());
            (*id, config.unwrap_or_else(scratch_config))
        } else {
            let image = self.image_or_pull(&name, build, out)?;
            (Some(image.id), image.config.clone())
        };
        build.based_on(image, out);
        // A base image's ONBUILD triggers run first, as instructions of this stage.
        let triggers = config.config.on_build.clone();
        let mut stage = Stage { alias, image, base: image, config, args: Vec::new(), cmd_set: false };
        stage.config.config.on_build.clear();
        build.stage = Some(stage);
        if !triggers.is_empty() {
            build.triggers(triggers.len(), out);
            let mut parsed = Vec::new();
            for trigger in &triggers {
                let file = dockerfile::parse(trigger).map_err(|e| fail(e.to_string()))?;
                parsed.extend(file.instructions);
            }
            build.triggers += parsed.len();
            build.end += parsed.len();
            let at = build.next;
            build.instructions.splice(at..at, parsed);
        }
        Ok(())
    }

    /// A local image by reference or id, else pulled, with the pull's lines.
    fn image_or_pull(&mut self, name: &str, build: &Build, out: &mut Reply) -> Result<Image, Failure> {
        if let Some(image) = self.images.resolve(name) {
            return Ok(image.clone());
        }
        let reference = Reference::parse(name).map_err(|e| fail(format!("invalid reference format: {e}")))?;
        let reference = reference.with_default_tag();
        let mut progress = Progress::default();
        let pulled = self.pull(&reference, &mut progress);
        build.pulled(&progress.text(), out);
        let id = pulled.map_err(|e| fail(daemon_error(e)))?;
        self.images.images.get(&id).cloned().ok_or_else(|| fail(daemon_error("image vanished after pull")))
    }

    /// The files of the stage's current image.
    fn stage_fs(&self, stage: &Stage) -> Result<UnionFs, Failure> {
        let Some(id) = stage.image else { return Ok(UnionFs::new(Vec::new())) };
        let image = self.images.images.get(&id).ok_or_else(|| fail(daemon_error(format!("No such image: {id}"))))?;
        let layers = self.images.layers_of(image).map_err(|e| fail(daemon_error(e)))?;
        Ok(UnionFs::new(layers.into_iter().cloned().collect()))
    }

    /// The image a step with `created_by` made from the current image before, if it is still here.
    fn cached(&self, build: &Build, created_by: &str) -> Option<crate::digest::ImageId> {
        if build.options.no_cache {
            return None;
        }
        let parent = build.stage.as_ref()?.image;
        let id = self.build_cache.get(&cache_key(parent, created_by))?;
        self.images.images.contains_key(id).then_some(*id)
    }

    /// A cache hit: the image made before becomes the stage's current one, and the report says
    /// so. False on a miss, and the step must be made.
    fn reuse(&self, build: &mut Build, created_by: &str, out: &mut Reply) -> bool {
        let Some(id) = self.cached(build, created_by) else { return false };
        build.hit(id, out);
        build.cached.insert(id);
        if let (Some(stage), Some(image)) = (build.stage.as_mut(), self.images.images.get(&id)) {
            stage.image = Some(id);
            stage.config = image.config.clone();
        }
        true
    }

    /// Makes the step's image from the current one, with its history entry and layer (none for
    /// a config-only step), and remembers it for the cache.
    fn commit_step(
        &mut self,
        build: &mut Build,
        created_by: String,
        layer: Option<Layer>,
        mut config: ImageConfig,
        now: crate::Timestamp,
    ) -> Result<crate::digest::ImageId, Failure> {
        let stage = build.stage.as_mut().ok_or_else(|| fail("no build stage"))?;
        config.history.push(History {
            created: now.rfc3339(),
            created_by: created_by.clone(),
            comment: String::new(),
            empty_layer: layer.is_none(),
        });
        // The layers below are in the store already, as the parent's; only a new one goes in.
        if let Some(layer) = layer {
            let diff_id = layer.diff_id().map_err(|e| fail(e.to_string()))?;
            config.rootfs.diff_ids.push(diff_id);
            self.images.layers.entry(diff_id).or_insert(layer);
        }
        config.created = now.rfc3339();
        let mut image = Image::from_config(config, now);
        image.parent = stage.image;
        let key = cache_key(stage.image, &created_by);
        stage.image = Some(image.id);
        stage.config = image.config.clone();
        let id = self.images.insert(image, Vec::new());
        self.build_cache.insert(key, id);
        Ok(id)
    }

    /// `docker builder prune`: forgets the build cache and deletes the intermediate images only
    /// it kept, reporting the space as Docker does.
    pub(crate) fn builder_prune(&mut self, _all: bool, force: bool) -> Step {
        if !force {
            let command = Command::BuilderPrune { all: _all, force: true };
            return Step::Confirm {
                prompt: "WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] "
                    .to_string(),
                command,
                declined: Reply::out("Total reclaimed space: 0B\n"),
            };
        }
        let built: BTreeSet<crate::digest::ImageId> = self.build_cache.values().copied().collect();
        self.build_cache.clear();
        let (mut reclaimed, mut deleted) = (0, Vec::new());
        // Leaves first: an image another image, a tag or a container needs stays.
        loop {
            let needed: BTreeSet<crate::digest::ImageId> = self
                .images
                .images
                .values()
                .filter_map(|i| i.parent)
                .chain(self.images.tags.values().copied())
                .chain(self.containers.iter().map(|c| c.image))
                .collect();
            let doomed: Vec<crate::digest::ImageId> = built
                .iter()
                .filter(|id| self.images.images.contains_key(id) && !needed.contains(id))
                .copied()
                .collect();
            if doomed.is_empty() {
                break;
            }
            for id in doomed {
                reclaimed += self.images.remove(id).iter().map(|(_, layer)| layer.size()).sum::<u64>();
                deleted.push(id.0.hex().to_string());
            }
        }
        let mut text = String::new();
        if !deleted.is_empty() {
            text = format!("Deleted build cache objects:\n{}\n\n", deleted.join("\n"));
        }
        text.push_str(&format!("Total reclaimed space: {}\n", crate::format::human_size(reclaimed)));
        Step::Done(Reply::out(text))
    }
}

/// A shell-form command as the stage's shell runs it: `/bin/sh -c TEXT` unless `SHELL` says
/// otherwise.
fn shell_form(config: &ImageConfig, text: String) -> Vec<String> {
    let shell: Vec<String> = match config.config.shell.is_empty() {
        true => DEFAULT_SHELL.iter().map(|s| s.to_string()).collect(),
        false => config.config.shell.clone(),
    };
    shell.into_iter().chain([text]).collect()
}

fn cache_key(parent: Option<crate::digest::ImageId>, created_by: &str) -> String {
    format!("{}\n{created_by}", parent.map(|p| p.to_string()).unwrap_or_else(|| "scratch".to_string()))
}

/// `path` against the working directory `base`, as `WORKDIR` and `COPY` resolve it.
fn absolute(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_string();
    }
    let base = if base.is_empty() { "/" } else { base };
    format!("{}/{path}", base.trim_end_matches('/'))
}

impl Build {
    /// Where the build stands as `running`, one of its steps, goes to the host.
    fn progress(&self, running: &Instruction) -> crate::view::BuildProgress {
        crate::view::BuildProgress {
            tags: self
                .options
                .tags
                .iter()
                .filter_map(|t| Reference::parse(t).ok())
                .map(|r| r.with_default_tag().familiar())
                .collect(),
            image: self.stage.as_ref().and_then(|s| s.image),
            base: self.stage.as_ref().and_then(|s| s.base),
            cached: self.cached.clone(),
            step: self.step,
            total: self.total,
            running: running.original.clone(),
        }
    }

    fn new(options: BuildOptions, files: Files, parsed: dockerfile::Dockerfile) -> Result<Build, Failure> {
        let (options_quiet, options_progress) = (options.quiet, options.progress.clone());
        let mut build_args = BTreeMap::new();
        for arg in &options.build_args {
            // `--build-arg NAME` takes the client's variable; the simulated client has none.
            if let Some((name, value)) = arg.split_once('=') {
                build_args.insert(name.to_string(), value.to_string());
            }
        }
        let instructions = parsed.instructions;
        let first_from = instructions.iter().position(|i| matches!(i.kind, InstructionKind::From { .. }));
        let Some(first_from) = first_from else {
            return Err(fail("Error response from daemon: No build stage in current context"));
        };
        let mut meta_args = Vec::new();
        let mut consumed = BTreeSet::new();
        for instruction in &instructions[..first_from] {
            match &instruction.kind {
                InstructionKind::Arg(args) => {
                    for (name, default) in args {
                        consumed.insert(name.clone());
                        if let Some(value) = build_args.get(name).cloned().or_else(|| default.clone()) {
                            meta_args.push((name.clone(), value));
                        }
                    }
                }
                _ => {
                    return Err(fail(format!(
                    "Error response from daemon: dockerfile parse error line {}: {} instruction must come after FROM",
                    instruction.span.start.line,
                    instruction.original.split_whitespace().next().unwrap_or("").to_ascii_uppercase()
                )))
                }
            }
        }
        // With --target, the build ends where the next stage after the target begins.
        let mut end = instructions.len();
        if let Some(target) = &options.target {
            let stage_at = instructions.iter().position(
                |i| matches!(&i.kind, InstructionKind::From { alias: Some(a), .. } if a.eq_ignore_ascii_case(target)),
            );
            let Some(stage_at) = stage_at else {
                return Err(fail(format!("failed to reach build target {target} in Dockerfile")));
            };
            end = instructions[stage_at + 1..]
                .iter()
                .position(|i| matches!(i.kind, InstructionKind::From { .. }))
                .map_or(instructions.len(), |p| stage_at + 1 + p);
        }
        let vertices = output::Vertices::new(&instructions[..end]);
        Ok(Build {
            // The classic builder counts the ARGs before the first FROM as steps too.
            total: end,
            options,
            files,
            escape: parsed.directives.escape,
            next: 0,
            triggers: 0,
            end,
            step: 0,
            instructions,
            meta_args,
            build_args,
            consumed,
            stages: Vec::new(),
            stage: None,
            pending: None,
            style: output::Style::of(options_quiet, options_progress.as_deref()),
            vertices,
            warnings: String::new(),
            cached: BTreeSet::new(),
        })
    }
}
