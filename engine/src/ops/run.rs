//! `docker run`: find or pull the image, create the container, and hand its process to the host.

use crate::cli::{Command, RunOptions};
use crate::container::{generate_name, Container, ContainerId, ContainerStatus, LogEntry, State};
use crate::engine::{ReadPurpose, ReadThen};
use crate::fs::lookup_in;
use crate::image::Image;
use crate::layer::{Entry, EntryKind, Layer};
use crate::ops::daemon_error;
use crate::progress::Progress;
use crate::reference::Reference;
use crate::wasi::Stream;
use crate::{Ctx, Engine, ExitStatus, Launch, Process, ProcessOutcome, Reply, Step};

/// How much of a container's output its log keeps, so a chatty guest cannot fill the host.
const MAX_LOG_BYTES: usize = 1 << 20;

/// A failed `docker run`, printed as the docker CLI prints daemon errors for it.
fn run_error(message: impl std::fmt::Display, exit_code: i32) -> Reply {
    Reply::err(format!("docker: {message}\n\nRun 'docker run --help' for more information"), exit_code)
}

/// What `create` (and so `run`) was asked for, errors already printed as `run` prints them.
pub(crate) struct Created {
    pub(crate) id: ContainerId,
    /// What the command printed on the way (a pull), before its own output.
    pub(crate) before: Reply,
}

impl Engine {
    pub(crate) fn run(&mut self, options: RunOptions, ctx: &mut Ctx<'_>) -> Step {
        if let Some(path) = options.env_files.first().cloned() {
            return Step::Read { path, then: ReadThen(ReadPurpose::EnvFile(Box::new(Command::Run(options)))) };
        }
        let created = match self.create_container(&options, ctx, |m, c| run_error(m, c)) {
            Ok(created) => created,
            Err(reply) => return Step::Done(reply),
        };
        let Created { id, before } = created;
        let process = match self.start_process(&id, ctx.now) {
            Ok(process) => process,
            Err((message, code)) => {
                if options.remove {
                    self.containers.retain(|c| c.id != id);
                }
                return Step::Done(before.then(run_error(daemon_error(message), code)));
            }
        };
        if options.detach {
            let mut reply = before;
            reply.stdout.push_str(&format!("{id}\n"));
            return Step::Spawn { processes: vec![process], reply };
        }
        Step::Launch(Launch { before, process })
    }

    /// `docker create`: the container, made and named but not started.
    pub(crate) fn create(&mut self, options: RunOptions, ctx: &mut Ctx<'_>) -> Step {
        if let Some(path) = options.env_files.first().cloned() {
            return Step::Read { path, then: ReadThen(ReadPurpose::EnvFile(Box::new(Command::Create(options)))) };
        }
        Step::Done(self.create_now(options, ctx))
    }

    fn create_now(&mut self, options: RunOptions, ctx: &mut Ctx<'_>) -> Reply {
        let create_error = |message: String, code: i32| {
            Reply::err(format!("{message}\n\nRun 'docker create --help' for more information"), code)
        };
        match self.create_container(&options, ctx, |m, c| create_error(m.to_string(), c)) {
            Ok(Created { id, before }) => before.then(Reply::out(format!("{id}\n"))),
            Err(reply) => reply,
        }
    }

    /// Finds (or pulls) the image and makes the container, in the created state.
    pub(crate) fn create_container(
        &mut self,
        options: &RunOptions,
        ctx: &mut Ctx<'_>,
        fail: impl Fn(&dyn std::fmt::Display, i32) -> Reply,
    ) -> Result<Created, Reply> {
        let mut before = Reply::default();
        let reference = match Reference::parse(&options.image) {
            Ok(r) => r.with_default_tag(),
            Err(e) => return Err(fail(&e, 125)),
        };
        if let Some(policy) = &options.restart {
            if !valid_restart_policy(policy) {
                return Err(fail(&format!("invalid restart policy '{policy}'"), 125));
            }
            if options.remove && policy != "no" {
                return Err(fail(&"Conflicting options: --restart and --rm", 125));
            }
        }
        let image = match self.images.resolve(&options.image) {
            Some(image) => image.clone(),
            None => {
                let mut progress = Progress::default();
                progress.line(format!("Unable to find image '{}' locally", reference.familiar()));
                let pulled = self.pull(&reference, &mut progress);
                before =
                    Reply { stderr: progress.text(), ..Default::default() }.with_progress(Stream::Stderr, progress);
                match pulled.map(|id| self.images.images.get(&id).cloned()) {
                    Ok(Some(image)) => image,
                    Ok(None) => return Err(before.then(fail(&daemon_error("image vanished after pull"), 125))),
                    Err(e) => return Err(before.then(fail(&daemon_error(e), 125))),
                }
            }
        };
        let network = match options.network.as_deref() {
            None | Some("default") => self.find_network("bridge"),
            Some("host") => None,
            Some(key) => match self.find_network(key) {
                Some(n) => Some(n),
                None => return Err(before.then(fail(&daemon_error(format!("network {key} not found")), 125))),
            },
        };
        let Some(network) = network.filter(|n| n.driver != crate::network::Driver::Host).cloned() else {
            return Err(before.then(fail(&daemon_error(crate::ops::network::NO_HOST_NETWORK), 125)));
        };
        if let Some(why) = crate::ops::network::not_attachable(&network) {
            return Err(before.then(fail(&daemon_error(why), 125)));
        }
        if !options.network_aliases.is_empty() && !network.resolves_names() {
            let why = "network-scoped alias is supported only for containers in user defined networks";
            return Err(before.then(fail(&daemon_error(why), 125)));
        }
        let network_mode = network.name.clone();
        if let Some(name) = &options.name {
            if let Err(message) = self.check_name(name) {
                return Err(before.then(fail(&daemon_error(message), 125)));
            }
        }
        let mut requests = Vec::new();
        let parsed = options
            .volumes
            .iter()
            .map(|v| crate::ops::volume::parse_volume_flag(v))
            .chain(options.mounts.iter().map(|m| crate::ops::volume::parse_mount_flag(m)));
        for request in parsed {
            match request {
                Ok(request) => requests.push(request),
                Err(message) if message.starts_with("dockyard:") => return Err(before.then(fail(&message, 125))),
                Err(message) => return Err(before.then(fail(&daemon_error(message), 125))),
            }
        }
        let mut ports = Vec::new();
        for spec in &options.publish {
            match crate::ops::publish::parse(spec) {
                Ok(binding) => ports.push(binding),
                Err(message) => return Err(before.then(fail(&message, 125))),
            }
        }
        if options.publish_all {
            for exposed in image.config.config.exposed_ports.keys() {
                if let Ok(mut binding) = crate::ops::publish::parse(exposed) {
                    if !ports.iter().any(|p| p.private() == binding.private()) {
                        binding.host_port = 0;
                        ports.push(binding);
                    }
                }
            }
        }
        let config = &image.config.config;
        let mut argv: Vec<String> = match &options.entrypoint {
            Some(entrypoint) if entrypoint.is_empty() => Vec::new(),
            Some(entrypoint) => vec![entrypoint.clone()],
            None => config.entrypoint.clone(),
        };
        // A new entrypoint drops the image's Cmd, as Docker does, unless a command is given.
        let default_cmd = if options.entrypoint.is_some() { Vec::new() } else { config.cmd.clone() };
        argv.extend(if options.command.is_empty() { default_cmd } else { options.command.clone() });
        if argv.is_empty() {
            return Err(before.then(fail(&daemon_error("no command specified"), 125)));
        }
        let id = ContainerId::generate(ctx.entropy);
        let mounts = self.make_mounts(requests, &image, ctx);
        let name = match &options.name {
            Some(name) => name.clone(),
            None => generate_name(ctx.entropy, &|n| self.containers.iter().any(|c| c.name == n)),
        };
        let mut env = container_env(&image, &id, &options.env);
        // With a terminal, Docker tells the process what kind, as a login would.
        if options.tty && !env.iter().any(|e| e.starts_with("TERM=")) {
            env.push("TERM=xterm".to_string());
        }
        let working_dir = options.workdir.clone().unwrap_or_else(|| config.working_dir.clone());
        let mut rw = Layer::default();
        // Docker makes the working directory when the image lacks it.
        if !working_dir.is_empty() && working_dir != "/" {
            let layers = self.images.layers_of(&image).map_err(|e| fail(&daemon_error(e), 125))?;
            if lookup_in(&layers, &working_dir).is_none() {
                let _ = rw.insert(&working_dir, crate::layer::Entry::dir(0o755));
            }
        }
        self.containers.push(Container {
            id: id.clone(),
            name,
            image: image.id,
            image_name: options.image.clone(),
            path: argv[0].clone(),
            args: argv[1..].to_vec(),
            env,
            created: ctx.now,
            state: State::created(),
            auto_remove: options.remove,
            working_dir,
            user: options.user.clone().unwrap_or_else(|| config.user.clone()),
            stop_timeout: options.stop_timeout,
            restart_policy: options.restart.clone().unwrap_or_else(|| "no".to_string()),
            restart_count: 0,
            manually_stopped: false,
            memory: options.memory,
            mounts,
            ports,
            published: Vec::new(),
            open_stdin: options.interactive,
            tty: options.tty,
            network_mode,
            networks: Vec::new(),
            rw,
            logs: Vec::new(),
            labels: super::labels(&options.labels),
        });
        if let Err(message) = self.join_network(&id, &network.id, &options.network_aliases) {
            self.containers.retain(|c| c.id != id);
            return Err(before.then(fail(&daemon_error(message), 125)));
        }
        Ok(Created { id, before })
    }

    /// Marks a created or exited container running and builds its process for the host. A
    /// program that cannot start leaves the container as Docker leaves it, with the exit code.
    pub(crate) fn start_process(&mut self, id: &ContainerId, now: crate::Timestamp) -> Result<Process, (String, i32)> {
        let container =
            self.containers.iter().find(|c| &c.id == id).ok_or_else(|| (format!("No such container: {id}"), 1))?;
        let image = self
            .images
            .images
            .get(&container.image)
            .cloned()
            .ok_or_else(|| (format!("No such image: {}", container.image), 125))?;
        // A network removed while the container was stopped leaves it unable to start, as in Docker.
        if let Some(gone) = container.networks.iter().find(|a| !self.networks.iter().any(|n| n.id == a.network)) {
            return Err((format!("network {} not found", gone.name), 1));
        }
        let (path, args, mut env) = (container.path.clone(), container.args.clone(), container.env.clone());
        // WASI has no working directory of its own: a process learns it from PWD, as a shell
        // keeps it, and resolves relative paths against it.
        if !container.working_dir.is_empty() && !env.iter().any(|e| e.starts_with("PWD=")) {
            env.push(format!("PWD={}", container.working_dir));
        }
        // Host ports are taken when the container starts, and given back when it stops.
        let mut published = container.ports.clone();
        let others: Vec<&Container> =
            self.containers.iter().filter(|c| &c.id != id && c.state.status.can_exit()).collect();
        crate::ops::publish::assign(&mut published, &others).map_err(|message| (message, 125))?;
        let module = match self.resolve_executable(&image, &path, &env) {
            Ok(module) => module,
            Err((message, code)) => {
                if let Some(c) = self.container_mut(id) {
                    c.state.exit_code = code;
                    c.state.error = message.clone();
                }
                return Err((message, code));
            }
        };
        let root = self.container_fs(id.as_str()).ok_or_else(|| (format!("No such container: {id}"), 1))?;
        self.bases.insert(id.clone(), root.upper().clone());
        if let Some(c) = self.container_mut(id) {
            c.published = published;
            c.manually_stopped = false;
            c.state.status = ContainerStatus::Running;
            c.state.started_at = Some(now);
            c.state.finished_at = None;
            c.state.error.clear();
            c.state.oom_killed = false;
        }
        let mut argv = vec![path];
        argv.extend(args);
        let container = self.containers.iter().find(|c| &c.id == id);
        let memory_limit = container.and_then(|c| c.memory);
        let interactive = container.is_some_and(|c| c.open_stdin);
        let net = self.net_config(id, true);
        Ok(Process { container: id.clone(), module, args: argv, env, root, memory_limit, interactive, net })
    }

    /// Records what a background process wrote, as it writes it, so `docker logs` sees it live.
    pub fn output(&mut self, id: &ContainerId, stream: Stream, bytes: &[u8], now: crate::Timestamp) {
        if self.execs.contains_key(id) {
            return self.exec_output(id, stream, bytes, now);
        }
        if let Some(container) = self.container_mut(id) {
            append_log(container, stream, bytes, now);
        }
    }

    /// The processes restart policies have started again, each with how long (in nanoseconds) the
    /// host should wait before it runs it: Docker's back-off, which doubles from 100 ms.
    pub fn take_restarts(&mut self) -> Vec<(Process, u64)> {
        std::mem::take(&mut self.restarts)
    }

    /// Whether `id`'s process is meant to be alive, for hosts checking what they still run.
    pub fn is_running(&self, id: &ContainerId) -> bool {
        self.execs.contains_key(id) || self.containers.iter().any(|c| &c.id == id && c.state.status.can_exit())
    }

    /// Records how a container's process ended and finishes the `docker run` that started it.
    pub fn exited(&mut self, id: &ContainerId, outcome: ProcessOutcome, ctx: &mut Ctx<'_>) -> Reply {
        if self.execs.contains_key(id) {
            return self.exec_exited(id, outcome);
        }
        let Some(container) = self.container_mut(id) else {
            return Reply::err(daemon_error(format!("No such container: {id}")), 125);
        };
        if !container.state.status.can_exit() {
            return Reply::err(daemon_error(format!("Container {id} is not running")), 125);
        }
        for (stream, bytes) in outcome.output {
            append_log(container, stream, &bytes, ctx.now);
        }
        let upper = outcome.upper;
        let container_id = container.id.clone();
        let base = self.bases.remove(&container_id);
        if let Some(upper) = upper {
            self.merge_upper(&container_id, base, upper);
        }
        let Some(container) = self.container_mut(id) else {
            return Reply::err(daemon_error(format!("No such container: {id}")), 125);
        };
        let mut reply = Reply::default();
        let code = match outcome.status {
            ExitStatus::Code(code) => code,
            // A signal's default action ends the process; the shell reports that as 128 + signal.
            ExitStatus::Killed(signal) => 128 + signal,
            ExitStatus::OutOfMemory => {
                container.state.oom_killed = true;
                137
            }
            ExitStatus::Trap(message) => {
                // A trap is the guest crashing; Linux reports an aborted process as 128 + SIGABRT.
                reply.stderr = format!("dockyard: the container's program crashed: {message}\n");
                container.state.error = message;
                134
            }
        };
        container.state.status = ContainerStatus::Exited;
        container.published.clear();
        container.state.exit_code = code;
        container.state.finished_at = Some(ctx.now);
        if container.auto_remove {
            // `--rm` takes the container's anonymous volumes with it, as Docker does.
            self.remove_container(id, true);
        } else if let Some(delay) = restart_delay(container, code) {
            container.restart_count += 1;
            if let Ok(process) = self.start_process(id, ctx.now) {
                self.restarts.push((process, delay));
            }
        }
        reply.exit_code = code;
        reply
    }

    /// Whether `name` may name a new container: Docker's pattern, and not taken.
    pub(crate) fn check_name(&self, name: &str) -> Result<(), String> {
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && name.len() > 1
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid {
            return Err(format!("Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
        }
        if let Some(other) = self.containers.iter().find(|c| c.name == name) {
            return Err(format!(
                "Conflict. The container name \"/{name}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                other.id
            ));
        }
        Ok(())
    }

    /// Finds the program `command` names in the image's layers, searching PATH as `execve` callers do.
    pub(crate) fn resolve_executable(
        &self,
        image: &Image,
        command: &str,
        env: &[String],
    ) -> Result<crate::layer::Bytes, (String, i32)> {
        let layers = self.images.layers_of(image).map_err(|e| (e.to_string(), 125))?;
        // Through the union of the layers, so a program a later layer deleted is not found.
        let lookup = |path: &str| lookup_in(&layers, path);
        let candidates: Vec<String> = if command.contains('/') {
            vec![command.to_string()]
        } else {
            let path = env.iter().find_map(|e| e.strip_prefix("PATH=")).unwrap_or("");
            path.split(':').filter(|d| !d.is_empty()).map(|dir| format!("{dir}/{command}")).collect()
        };
        let start_failed = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process";
        for candidate in &candidates {
            // A hard link is its target's content under another name, as busybox's applets are.
            let entry = match lookup(candidate) {
                Some(Entry { kind: EntryKind::Hardlink { target }, .. }) => lookup(target),
                other => other,
            };
            match entry.map(|e| (&e.kind, e.mode)) {
                Some((EntryKind::File { data }, mode)) if mode & 0o111 != 0 => {
                    if !data.0.starts_with(b"\0asm") {
                        return Err((format!("{start_failed}: exec {candidate}: exec format error: unknown"), 126));
                    }
                    return Ok(data.clone());
                }
                Some((EntryKind::File { .. }, _)) if command.contains('/') => {
                    return Err((format!("{start_failed}: exec: \"{command}\": permission denied: unknown"), 126));
                }
                _ => {}
            }
        }
        let why = if command.contains('/') {
            format!("stat {command}: no such file or directory")
        } else {
            "executable file not found in $PATH".to_string()
        };
        Err((format!("{start_failed}: exec: \"{command}\": {why}: unknown"), 127))
    }
}

/// Adds output to a container's log. The log keeps the first [`MAX_LOG_BYTES`] of each run's
/// output and drops the rest, so a chatty guest cannot fill the host.
fn append_log(container: &mut Container, stream: Stream, bytes: &[u8], now: crate::Timestamp) {
    let started = container.state.started_at.unwrap_or(container.created);
    let logged: usize = container.logs.iter().filter(|e| e.time >= started).map(|e| e.text.len()).sum();
    let room = MAX_LOG_BYTES.saturating_sub(logged);
    let kept = &bytes[..bytes.len().min(room)];
    if kept.is_empty() {
        return;
    }
    let text = String::from_utf8_lossy(kept).into_owned();
    match container.logs.last_mut() {
        // A write that continues the last one's line joins it, so a line stays one entry.
        Some(last) if last.stream == stream && last.time == now && !last.text.ends_with('\n') => {
            last.text.push_str(&text)
        }
        _ => container.logs.push(LogEntry { stream, time: now, text }),
    }
}

/// Whether a container's policy restarts it after its process ended with `code`, and after how
/// long: never once a command stopped it; `always` and `unless-stopped` every time; `on-failure`
/// after a nonzero code, up to its count.
fn restart_delay(container: &Container, code: i32) -> Option<u64> {
    if container.manually_stopped {
        return None;
    }
    let restart = match container.restart_policy.split_once(':') {
        None => match container.restart_policy.as_str() {
            "always" | "unless-stopped" => true,
            "on-failure" => code != 0,
            _ => false,
        },
        Some(("on-failure", max)) => code != 0 && max.parse::<u32>().map_or(true, |max| container.restart_count < max),
        Some(_) => false,
    };
    // 100 ms, doubling with each restart, at most a minute, as Docker's back-off goes.
    let delay = (100_000_000u64 << container.restart_count.min(10)).min(60_000_000_000);
    restart.then_some(delay)
}

/// Docker's restart policies: `no`, `always`, `unless-stopped`, and `on-failure` with an optional
/// retry count.
fn valid_restart_policy(policy: &str) -> bool {
    match policy.split_once(':') {
        None => matches!(policy, "no" | "always" | "unless-stopped" | "on-failure"),
        Some(("on-failure", count)) => count.parse::<u32>().is_ok(),
        Some(_) => false,
    }
}

/// The environment Docker gives a process: the image's, HOSTNAME, the user's `-e` values, and HOME.
pub(crate) fn container_env(image: &Image, id: &ContainerId, user: &[String]) -> Vec<String> {
    let mut env: Vec<String> = Vec::new();
    let mut set = |entry: String| {
        let key = entry.split('=').next().unwrap_or("").to_string();
        match env.iter_mut().find(|e| e.split('=').next() == Some(key.as_str())) {
            Some(existing) => *existing = entry,
            None => env.push(entry),
        }
    };
    let image_env = &image.config.config.env;
    for e in image_env.iter().filter(|e| e.starts_with("PATH=")) {
        set(e.clone());
    }
    set(format!("HOSTNAME={}", id.short()));
    for e in image_env.iter().filter(|e| !e.starts_with("PATH=")) {
        set(e.clone());
    }
    // `-e NAME` without a value copies the client's variable; the simulated client has none, so
    // such entries are dropped as Docker drops unset ones.
    for e in user.iter().filter(|e| e.contains('=')) {
        set(e.clone());
    }
    if !env.iter().any(|e| e.starts_with("HOME=")) {
        env.push("HOME=/root".to_string());
    }
    env
}
