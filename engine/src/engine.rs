//! The engine's state and its one entry point for command lines, a sans-IO state machine.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cli::{self, Command};
use crate::container::{Container, ContainerId, ContainerStatus};
use crate::copy::{Source, Tree};
use crate::fs::UnionFs;
use crate::image::ImageStore;
use crate::layer::{Bytes, Layer};
use crate::ops::HistoryOptions;
use crate::progress::Progress;
use crate::reference::DEFAULT_DOMAIN;
use crate::registry::Registry;
use crate::time::Timestamp;
use crate::volume::Volume;
use crate::wasi::Stream;
use crate::Entropy;

/// What the host lends the engine for one call: the current time and randomness.
pub struct Ctx<'a> {
    pub now: Timestamp,
    pub entropy: &'a mut dyn Entropy,
}

/// What a command printed and the exit code the docker CLI would return.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    /// A pull's or push's layer lines as they move, for a host that can redraw them. Its last
    /// frame is where that stream's text begins; a host that animates it prints the rest after.
    pub progress: Option<(Stream, Progress)>,
}

impl Reply {
    pub fn out(stdout: impl Into<String>) -> Self {
        Reply { stdout: stdout.into(), ..Default::default() }
    }

    pub fn err(stderr: impl Into<String>, exit_code: i32) -> Self {
        let mut stderr = stderr.into();
        if !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        Reply { stderr, exit_code, ..Default::default() }
    }

    pub fn with_progress(mut self, stream: Stream, progress: Progress) -> Self {
        self.progress = progress.is_animated().then_some((stream, progress));
        self
    }

    /// Appends another reply's output and takes its exit code.
    pub fn then(mut self, next: Reply) -> Reply {
        self.stdout.push_str(&next.stdout);
        self.stderr.push_str(&next.stderr);
        self.exit_code = next.exit_code;
        self
    }
}

/// A process the host must run: a WASI module, its argv and environment, inside `container`,
/// whose filesystem is `root`. The host gives the process `root` (as [`WasiCtx::with_root`]) and
/// hands back what it wrote, in [`ProcessOutcome::upper`].
///
/// [`WasiCtx::with_root`]: crate::wasi::WasiCtx::with_root
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub container: ContainerId,
    pub module: Bytes,
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub root: UnionFs,
    /// The most linear memory the guest may grow to, in bytes (`--memory`).
    pub memory_limit: Option<u64>,
    /// Whether the host attaches its standard input (`-i`); without, standard input is empty.
    pub interactive: bool,
    /// Its listening sockets and the names it can reach; the default is no network.
    pub net: crate::net::NetConfig,
}

/// The host's part of a command: print `before`, run `process`, then report with [`Engine::exited`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub before: Reply,
    pub process: Process,
}

/// The result of one step of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The command is finished.
    Done(Reply),
    /// The command needs a process run before it can finish.
    Launch(Launch),
    /// The host must write `bytes` to `path` (`docker save -o`, `docker export -o`), then print
    /// `then`. `action` names the work for error messages, as in "failed to {action}: ...".
    Write { path: String, bytes: Bytes, action: &'static str, then: Reply },
    /// The host must read the file at `path` and hand its bytes (or why it could not) to
    /// [`Engine::read_done`] with `then`: `docker load -i`'s archive, `run --env-file`'s file.
    /// `then` also says, for a host that must ask the user for the file, what it is for.
    Read { path: String, then: ReadThen },
    /// `docker cp` out of a container: the host puts `tree` at `dest` on its side, where
    /// [`crate::copy::place`] says, then prints `then`.
    CopyOut { tree: Tree, source: Source, dest: String, then: Reply },
    /// `docker build`: the host reads the folder `path` (the build context) into a [`Tree`],
    /// whose root is the folder itself, and hands it (or why it could not) to
    /// [`Engine::context_done`] with `then`.
    ReadContext { path: String, then: crate::build::ContextThen },
    /// `docker cp` into a container: the host reads `source` (following a symlink there when
    /// `follow_link`) into a [`Tree`] and hands it to [`Engine::copy_in`] with `target`.
    CopyIn { source: String, follow_link: bool, target: CopyTarget },
    /// Processes to start in the background (`run -d`, `start`, `restart`): the host starts each,
    /// prints `reply`, and reports each one's end later with [`Engine::exited`], and what it
    /// writes meanwhile with [`Engine::output`].
    Spawn { processes: Vec<Process>, reply: Reply },
    /// Wait for `container`'s process to end (`stop`, `kill`, `wait`, `rm -f`). After `kill_after`
    /// nanoseconds (at once for 0, never for `None`) the host ends it with `signal` and reports
    /// [`ExitStatus::Killed`]; a host with no such process reports the kill at once. With `follow`
    /// (`logs -f`), the host prints the container's log as it grows while it waits. Then the
    /// host prints `reply`.
    Await { container: ContainerId, kill_after: Option<u64>, signal: i32, follow: Option<Follow>, reply: Reply },
    /// Freeze (or thaw) `container`'s process where it stands (`pause`, `unpause`), then print `reply`.
    Pause { container: ContainerId, paused: bool, reply: Reply },
    /// A step, then more commands: the host finishes `first`, then runs each of `next` in order
    /// as a command of its own, so a command on many containers goes one container at a time.
    Then { first: Box<Step>, next: Vec<Command> },
    /// A pull needs layer blobs that `registry` (a domain, `docker.io`) holds elsewhere: the page
    /// keeps the built-in images' blobs on its server, not in the app. The host prints `before`,
    /// fetches each blob, hands its bytes to [`Engine::blob_fetched`], then runs `then`, the
    /// command again from where it was put off (nothing of it took effect).
    Fetch { registry: String, blobs: Vec<crate::registry::Descriptor>, before: Reply, then: Command },
    /// The command asks before it destroys: the host prints `prompt` and reads a line. On `y` (in
    /// either case) it runs `command`, which no longer asks; on anything else it prints `declined`.
    Confirm { prompt: String, command: Command, declined: Reply },
    /// The command needs the annex ([`crate::annex`]), which this build keeps apart and the host
    /// has not installed yet: the host loads it, installs it, then runs `then`, of which nothing
    /// took effect.
    LoadAnnex { then: Command },
}

/// What a [`Step::Read`] is for, handed back with the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadThen(pub(crate) ReadPurpose);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadPurpose {
    LoadArchive,
    /// `docker stack deploy`'s Compose file, and the stack to deploy it as.
    StackFile(String),
    /// The next of `run`'s (or `create`'s) `--env-file`s, and the command to go on with.
    EnvFile(Box<Command>),
}

impl ReadThen {
    /// What the file is for, in a few words a file chooser can show ("the image archive").
    pub fn purpose(&self) -> &'static str {
        match self.0 {
            ReadPurpose::LoadArchive => "the image archive to load",
            ReadPurpose::EnvFile(_) => "the file of environment variables",
            ReadPurpose::StackFile(_) => "the Compose file to deploy",
        }
    }
}

/// What `docker logs -f` prints while it waits: `before` (the log so far) at once, then the
/// entries from index `from` of the container's log as they arrive, printed by
/// [`Engine::follow_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    pub before: Reply,
    pub from: usize,
    pub timestamps: bool,
    /// Several containers' logs at once (`docker compose logs -f`), each line after its
    /// container's prefix; empty for the awaited container's log alone. Hosts hand the whole
    /// `Follow` to [`Engine::follow_text`], which moves these on.
    pub(crate) cursors: Vec<Cursor>,
}

impl Follow {
    /// Following the awaited container's log from entry `from` on, as an attached process's
    /// output is printed.
    pub fn new(from: usize, timestamps: bool) -> Follow {
        Follow { before: Reply::default(), from, timestamps, cursors: Vec::new() }
    }
}

/// Where following one of several containers' logs stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub(crate) container: ContainerId,
    pub(crate) prefix: String,
    pub(crate) from: usize,
    /// Whether the next text begins a line, which then takes the prefix.
    pub(crate) at_line_start: bool,
}

/// Where a `docker cp` into a container goes, handed back with the tree the host read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyTarget {
    pub(crate) container: ContainerId,
    /// The container's name or id as the user typed it, for messages.
    pub(crate) key: String,
    pub(crate) path: String,
    pub(crate) source: Source,
    pub(crate) archive: bool,
    pub(crate) quiet: bool,
}

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitStatus {
    /// It returned from `_start` (code 0) or called `proc_exit`.
    Code(i32),
    /// The module trapped or could not be instantiated; the text says why.
    Trap(String),
    /// The host ended it with this signal (9 for `docker kill`, or after `docker stop`'s grace).
    Killed(i32),
    /// It asked for more memory than its `--memory` limit, and was killed for it, as the kernel's
    /// OOM killer ends a container.
    OutOfMemory,
}

/// What the host reports when a process ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessOutcome {
    pub status: ExitStatus,
    pub output: Vec<(Stream, Vec<u8>)>,
    /// The container's writable layer as the process left it; `None` if the host ran no
    /// filesystem, which leaves the layer as it was.
    pub upper: Option<Layer>,
}

/// Why saved state could not be restored.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("saved state is not valid: {0}")]
    Invalid(#[from] serde_json::Error),
    #[error("saved state has version {0}; this Dockyard reads version {STATE_VERSION}")]
    Version(u32),
}

const STATE_VERSION: u32 = 1;

/// What is saved between sessions: everything but Docker Hub, which the host rebuilds from the
/// programs it embeds.
#[derive(Serialize, Deserialize)]
struct Saved {
    version: u32,
    images: ImageStore,
    containers: Vec<Container>,
    /// Registries other than Docker Hub, by domain.
    #[serde(default)]
    registries: BTreeMap<String, Registry>,
    #[serde(default)]
    volumes: BTreeMap<String, Volume>,
    #[serde(default)]
    build_cache: BTreeMap<String, crate::digest::ImageId>,
    /// Every network, the predefined three first; a state saved before networks has none.
    #[serde(default)]
    networks: Vec<crate::network::Network>,
    /// The swarm this node manages, if `docker swarm init` made one.
    #[serde(default)]
    swarm: Option<crate::swarm::Swarm>,
}

/// What `docker save` and `docker export` say without `-o`: the terminal is the only standard
/// output here, and an archive does not belong on it.
pub(crate) fn refuse_terminal_output() -> Reply {
    Reply::err("cowardly refusing to save to a terminal. Use the -o flag or redirect", 1)
}

/// The registry every Dockyard has, as if `docker run -d -p 5000:5000 registry` had been run.
pub const LOCAL_REGISTRY: &str = "localhost:5000";

/// The Docker engine, simulated.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) images: ImageStore,
    /// Containers in the order they were created.
    pub(crate) containers: Vec<Container>,
    pub(crate) registries: BTreeMap<String, Registry>,
    pub(crate) volumes: BTreeMap<String, Volume>,
    /// Processes started by `docker exec`, by the id their [`Process`] carries as its container.
    pub(crate) execs: BTreeMap<ContainerId, crate::ops::exec::Exec>,
    /// The writable layer each running process started from, so that what it changed can be
    /// laid onto what other processes changed meanwhile when it ends.
    pub(crate) bases: BTreeMap<ContainerId, Layer>,
    /// Processes a restart policy started again, for the host to run after their delays.
    pub(crate) restarts: Vec<(Process, u64)>,
    /// What hosts measured of running processes: memory in bytes and CPU time in nanoseconds,
    /// the last two samples each, for `docker stats`.
    pub(crate) usage: BTreeMap<ContainerId, [(Timestamp, u64, u64); 2]>,
    /// The classic builder's cache: the image each step made, by its parent and `created_by`.
    pub(crate) build_cache: BTreeMap<String, crate::digest::ImageId>,
    /// What the last push or pull moved, for the pictures; not saved.
    pub(crate) last_transfer: Option<crate::view::Transfer>,
    /// `bridge`, `host`, `none`, then user-defined networks in the order they were made.
    pub(crate) networks: Vec<crate::network::Network>,
    /// The blobs a pull found held elsewhere in this command, and their registry's domain: the
    /// command is put off until the host has fetched them ([`Step::Fetch`]).
    pub(crate) wanted: Option<(String, Vec<crate::registry::Descriptor>)>,
    /// Where the build under way stands while the host runs one of its steps, for the pictures;
    /// not saved.
    pub(crate) building: Option<crate::view::BuildProgress>,
    /// The swarm this node manages, if any (`ops/swarm.rs`).
    pub(crate) swarm: Option<crate::swarm::Swarm>,
}

impl Engine {
    /// An empty engine whose Docker Hub is `hub`.
    pub fn new(hub: Registry) -> Self {
        let mut registries = BTreeMap::new();
        registries.insert(DEFAULT_DOMAIN.to_string(), hub);
        registries.insert(LOCAL_REGISTRY.to_string(), Registry::new(LOCAL_REGISTRY));
        Engine {
            images: ImageStore::default(),
            containers: Vec::new(),
            registries,
            volumes: BTreeMap::new(),
            execs: BTreeMap::new(),
            bases: BTreeMap::new(),
            restarts: Vec::new(),
            usage: BTreeMap::new(),
            build_cache: BTreeMap::new(),
            last_transfer: None,
            // Stamped with the first command's time by `ensure_networks`.
            networks: crate::network::Network::predefined(Timestamp(0)),
            wanted: None,
            building: None,
            swarm: None,
        }
    }

    /// The state as JSON, for the host to keep.
    pub fn save(&self) -> String {
        let registries = crate::sort::map(
            self.registries.iter().filter(|(domain, _)| *domain != DEFAULT_DOMAIN).map(|(d, r)| (d.clone(), r.clone())),
        );
        let saved = Saved {
            version: STATE_VERSION,
            images: self.images.clone(),
            containers: self.containers.clone(),
            registries,
            volumes: self.volumes.clone(),
            build_cache: self.build_cache.clone(),
            networks: self.networks.clone(),
            swarm: self.swarm.clone(),
        };
        serde_json::to_string(&saved).unwrap_or_default()
    }

    /// An engine from saved state. Processes do not survive a restart, so containers that were
    /// running are marked exited, as Docker marks them when its daemon restarts.
    pub fn restore(json: &str, hub: Registry, now: Timestamp) -> Result<Self, StateError> {
        // The version first, so a state from another Dockyard says so rather than failing on
        // whichever field changed shape.
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        let Version { version } = serde_json::from_str(json)?;
        if version != STATE_VERSION {
            return Err(StateError::Version(version));
        }
        let saved: Saved = serde_json::from_str(json)?;
        let mut engine = Engine::new(hub);
        engine.images = saved.images;
        engine.containers = saved.containers;
        engine.registries.extend(saved.registries.into_iter().filter(|(domain, _)| domain != DEFAULT_DOMAIN));
        engine.volumes = saved.volumes;
        engine.build_cache = saved.build_cache;
        if !saved.networks.is_empty() {
            engine.networks = saved.networks;
        }
        engine.ensure_networks(now);
        // A state saved before networks: its bridged containers join the default bridge now.
        let bridge = engine.networks.iter().find(|n| n.name == "bridge").map(|n| n.id.clone());
        let unattached: Vec<ContainerId> = engine
            .containers
            .iter()
            .filter(|c| c.networks.is_empty() && matches!(c.network_mode.as_str(), "bridge" | "default" | ""))
            .map(|c| c.id.clone())
            .collect();
        for id in unattached {
            if let Some(bridge) = &bridge {
                let _ = engine.join_network(&id, bridge, &[]);
            }
        }
        engine.swarm = saved.swarm;
        for container in &mut engine.containers {
            container.published.clear();
            // A paused process is a live one too: it ended with the engine that ran it.
            if container.state.status.can_exit() {
                container.state.status = ContainerStatus::Exited;
                container.state.exit_code = 137;
                container.state.finished_at = Some(now);
            }
        }
        Ok(engine)
    }

    pub fn containers(&self) -> &[Container] {
        &self.containers
    }

    pub fn images(&self) -> &ImageStore {
        &self.images
    }

    /// Runs one docker command line.
    pub fn execute(&mut self, line: &str, ctx: &mut Ctx<'_>) -> Step {
        match cli::parse(line) {
            Ok(command) => self.execute_command(command, ctx),
            Err(e) => Step::Done(Reply::err(e.message, e.exit_code)),
        }
    }

    /// Runs a command already parsed.
    pub fn execute_command(&mut self, command: Command, ctx: &mut Ctx<'_>) -> Step {
        let needs_annex = command.needs_annex();
        if needs_annex && !crate::annex::ready() {
            return Step::LoadAnnex { then: command };
        }
        // A command that reaches the annex without saying so would fail in the page, whose first
        // module goes without it; debug builds catch that here, in every test that runs one.
        #[cfg(all(feature = "annex", debug_assertions))]
        let calls = crate::annex::check::calls();
        let step = self.execute_ready(command, ctx);
        #[cfg(all(feature = "annex", debug_assertions))]
        assert!(
            needs_annex || crate::annex::check::calls() == calls,
            "a command used the annex without saying so in Command::needs_annex"
        );
        step
    }

    fn execute_ready(&mut self, command: Command, ctx: &mut Ctx<'_>) -> Step {
        self.ensure_networks(ctx.now);
        // The swarm catches up with the time that passed since the last command.
        self.advance_swarm(ctx.now);
        // Only these pull (a build's bases once it is under way); the rest need no way back.
        let pulls = matches!(
            command,
            Command::Run(_)
                | Command::Create(_)
                | Command::Pull { .. }
                | Command::BuildResume(_)
                | Command::ComposeTask(_)
        );
        if !pulls {
            return self.dispatch(command, ctx);
        }
        let then = command.clone();
        self.or_fetch(then, Reply::default(), |engine| engine.dispatch(command, ctx))
    }

    /// Runs `run`, unless a pull in it finds blobs held elsewhere: then the engine goes back to
    /// how it was before, and the host is asked to fetch them, print `before` and run `then`.
    /// Going back makes the command's second go its only one, so nothing happens twice. The
    /// engine keeps a copy to go back to only while some registry holds blobs elsewhere.
    pub(crate) fn or_fetch(&mut self, then: Command, before: Reply, run: impl FnOnce(&mut Self) -> Step) -> Step {
        if !self.registries.values().any(Registry::holds_blobs_elsewhere) {
            return run(self);
        }
        let kept = self.clone();
        let step = run(self);
        match self.wanted.take() {
            Some((registry, blobs)) => {
                *self = kept;
                Step::Fetch { registry, blobs, before, then }
            }
            None => step,
        }
    }

    /// Hands over a blob a [`Step::Fetch`] asked for, as fetched; bytes that are not one of the
    /// blobs `registry` expects are refused.
    pub fn blob_fetched(&mut self, registry: &str, bytes: &[u8]) -> Result<(), crate::registry::RegistryError> {
        let held = self
            .registries
            .get_mut(registry)
            .ok_or_else(|| crate::registry::RegistryError::NoSuchHost(registry.to_string()))?;
        held.add_blob(bytes).map(drop)
    }

    fn dispatch(&mut self, command: Command, ctx: &mut Ctx<'_>) -> Step {
        let reply = match command {
            Command::Help(text) => Reply::out(text),
            Command::Run(options) => return self.run(options, ctx),
            Command::Ps(options) => self.ps(&options, ctx.now),
            Command::Create(options) => return self.create(options, ctx),
            Command::Start { containers, attach } => return self.start(&containers, attach, ctx.now),
            Command::Stop { containers, time, signal, kill } => {
                return self.stop(&containers, time.as_deref(), signal.as_deref(), kill)
            }
            Command::Restart { containers, time } => return self.restart(&containers, time.as_deref(), ctx.now),
            Command::Wait { containers } => return self.wait(&containers),
            Command::Pause { containers, paused } => return self.pause(&containers, paused),
            Command::Rename { container, name } => self.rename(&container, &name),
            Command::Logs(options) => return self.logs(&options, ctx.now),
            Command::Top { container } => self.top(&container),
            Command::Attach { container } => return self.attach(&container),
            Command::Exec(options) => return self.exec(options, ctx),
            Command::Stats { containers, all, format } => self.stats(&containers, all, format.as_deref()),
            Command::VolumeCreate { name, labels } => self.volume_create(name.as_deref(), &labels, ctx),
            Command::VolumeLs { quiet, filters } => self.volume_ls(quiet, &filters),
            Command::VolumeInspect { names } => self.volume_inspect(&names),
            Command::VolumeRm { names, force } => self.volume_rm(&names, force),
            Command::VolumePrune { force } => return self.volume_prune(force),
            Command::NetworkCreate(options) => self.network_create(&options, ctx),
            Command::NetworkLs { quiet, no_trunc, filters, format } => {
                self.network_ls(quiet, no_trunc, &filters, format.as_deref())
            }
            Command::NetworkInspect { names, format } => self.network_inspect(&names, format.as_deref()),
            Command::NetworkConnect { network, container, aliases } => {
                self.network_connect(&network, &container, &aliases)
            }
            Command::NetworkDisconnect { network, container, force } => {
                self.network_disconnect(&network, &container, force)
            }
            Command::NetworkRm { names } => self.network_rm(&names),
            Command::NetworkPrune { force, filters } => return self.network_prune(force, &filters, ctx.now),
            Command::ExitCodeOf { container } => self.exit_code_of(&container),
            Command::Port { container, port } => self.port(&container, port.as_deref()),
            Command::Inspect { names, format, kind } => {
                self.inspect(&names, format.as_deref(), kind.as_deref(), ctx.now)
            }
            Command::Images(options) => self.images_table(&options, ctx.now),
            Command::Tag { source, target } => self.tag(&source, &target),
            Command::Diff { container } => self.diff(&container),
            Command::SystemDf => self.system_df(),
            Command::Build(options) => return self.build(options),
            Command::BuildResume(build) => return self.build_resume(*build, ctx),
            Command::BuildAwait { container } => {
                return Step::Await { container, kill_after: None, signal: 9, follow: None, reply: Reply::default() }
            }
            Command::BuilderPrune { all, force } => return self.builder_prune(all, force),
            Command::Commit { container, repository, message, changes } => {
                self.commit(&container, repository.as_deref(), &message, &changes, ctx.now)
            }
            Command::Save { images, output } => return self.save_images(&images, output),
            Command::Load { input: Some(path) } => {
                return Step::Read { path, then: ReadThen(ReadPurpose::LoadArchive) }
            }
            Command::Load { input: None } => Reply::err("requested load from stdin, but stdin is empty", 1),
            Command::Push { image, all_tags, quiet } => self.push(&image, all_tags, quiet),
            Command::Rmi { force, no_prune, images } => self.rmi(force, no_prune, &images),
            Command::History { image, human, no_trunc, quiet, format } => {
                self.history(&image, HistoryOptions { human, no_trunc, quiet, format: format.as_deref() }, ctx.now)
            }
            Command::ImageInspect { images, format } => self.image_inspect(&images, format.as_deref()),
            Command::Pull { image, quiet } => self.pull_command(&image, quiet),
            Command::Rm { force, volumes, containers } => return self.rm(force, volumes, &containers),
            Command::Version => self.version(),
            Command::Cp(options) => return self.cp(options),
            Command::Export { container, output } => return self.export(&container, output),
            Command::ImagePrune { all, force, filters } => return self.image_prune(all, force, &filters, ctx.now),
            Command::Swarm(command) => return self.swarm_command(command, ctx),
            Command::Compose(command) => return self.compose(command),
            Command::ComposeTask(task) => return self.compose_task(*task, ctx),
        };
        Step::Done(reply)
    }

    fn save_images(&self, images: &[String], output: Option<String>) -> Step {
        let Some(path) = output else { return Step::Done(refuse_terminal_output()) };
        match crate::archive::save(&self.images, images) {
            Ok(bytes) => Step::Write { path, bytes: Bytes::from(bytes), action: "save image", then: Reply::default() },
            Err(e) => Step::Done(Reply::err(crate::ops::daemon_error(e), 1)),
        }
    }

    /// Goes on with the command that asked for a file, given its bytes or why it could not be
    /// read (in Go's words: "open env.list: no such file or directory").
    pub fn read_done(&mut self, then: ReadThen, read: Result<Vec<u8>, String>, ctx: &mut Ctx<'_>) -> Step {
        match (then.0, read) {
            (ReadPurpose::LoadArchive, Ok(bytes)) => Step::Done(self.load_archive(&bytes)),
            (ReadPurpose::LoadArchive, Err(why)) => Step::Done(Reply::err(why, 1)),
            (ReadPurpose::StackFile(stack), read) => {
                self.advance_swarm(ctx.now);
                Step::Done(self.stack_deploy_file(&stack, read, ctx))
            }
            (ReadPurpose::EnvFile(command), read) => {
                let (name, mut options) = match *command {
                    Command::Run(options) => ("run", options),
                    Command::Create(options) => ("create", options),
                    other => return self.execute_command(other, ctx),
                };
                let fail =
                    |why: String| Step::Done(Reply::err(format!("docker: {why}.\nSee 'docker {name} --help'."), 125));
                let bytes = match read {
                    Ok(bytes) => bytes,
                    Err(why) => return fail(why),
                };
                match crate::ops::env_file::parse(&String::from_utf8_lossy(&bytes)) {
                    Ok(vars) => {
                        // A file's variables come before `-e`'s, which win over them.
                        options.env_files.remove(0);
                        options.env.splice(0..0, vars);
                        let command = if name == "run" { Command::Run(options) } else { Command::Create(options) };
                        self.execute_command(command, ctx)
                    }
                    Err(why) => fail(why),
                }
            }
        }
    }

    /// Finishes `docker load` with the archive's bytes.
    pub fn load_archive(&mut self, bytes: &[u8]) -> Reply {
        match crate::archive::load(&mut self.images, bytes) {
            Ok(lines) => Reply::out(lines),
            Err(e) => Reply::err(crate::ops::daemon_error(e), 1),
        }
    }

    /// Finds a container by full id, name, or unique id prefix, as the daemon does.
    pub fn find_container(&self, key: &str) -> Option<&Container> {
        let key = key.strip_prefix('/').unwrap_or(key);
        if let Some(c) = self.containers.iter().find(|c| c.id.as_str() == key || c.name == key) {
            return Some(c);
        }
        let mut prefixed = self.containers.iter().filter(|c| !key.is_empty() && c.id.as_str().starts_with(key));
        match (prefixed.next(), prefixed.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    pub(crate) fn container_mut(&mut self, id: &ContainerId) -> Option<&mut Container> {
        self.containers.iter_mut().find(|c| &c.id == id)
    }
}
