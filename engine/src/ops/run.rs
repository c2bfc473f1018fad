//! `docker run`: find or pull the image, create the container, and hand its process to the host.

use crate::cli::RunOptions;
use crate::container::{generate_name, Container, ContainerId, ContainerStatus, LogEntry, State};
use crate::engine::Pending;
use crate::fs::lookup_in;
use crate::image::Image;
use crate::layer::{EntryKind, Layer};
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

impl Engine {
    pub(crate) fn run(&mut self, options: RunOptions, ctx: &mut Ctx<'_>) -> Step {
        let mut before = Reply::default();
        let reference = match Reference::parse(&options.image) {
            Ok(r) => r.with_default_tag(),
            Err(e) => return Step::Done(run_error(e, 125)),
        };
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
                    Ok(None) => {
                        return Step::Done(before.then(run_error(daemon_error("image vanished after pull"), 125)))
                    }
                    Err(e) => return Step::Done(before.then(run_error(daemon_error(e), 125))),
                }
            }
        };
        if let Some(name) = &options.name {
            if let Err(reply) = self.check_name(name) {
                return Step::Done(before.then(reply));
            }
        }
        let mut argv: Vec<String> = image.config.config.entrypoint.clone();
        argv.extend(if options.command.is_empty() { image.config.config.cmd.clone() } else { options.command.clone() });
        if argv.is_empty() {
            return Step::Done(before.then(run_error(daemon_error("no command specified"), 125)));
        }
        let id = ContainerId::generate(ctx.entropy);
        let name = match &options.name {
            Some(name) => name.clone(),
            None => generate_name(ctx.entropy, &|n| self.containers.iter().any(|c| c.name == n)),
        };
        let env = container_env(&image, &id, &options.env);
        let container = Container {
            id: id.clone(),
            name,
            image: image.id,
            image_name: options.image.clone(),
            path: argv[0].clone(),
            args: argv[1..].to_vec(),
            env: env.clone(),
            created: ctx.now,
            state: State {
                status: ContainerStatus::Created,
                exit_code: 0,
                error: String::new(),
                started_at: None,
                finished_at: None,
            },
            auto_remove: options.remove,
            rw: Layer::default(),
            logs: Vec::new(),
        };
        self.containers.push(container);
        let module = match self.resolve_executable(&image, &argv[0], &env) {
            Ok(module) => module,
            Err((message, code)) => {
                // Docker leaves a container whose start failed in the created state with the exit code.
                if let Some(c) = self.container_mut(&id) {
                    c.state.exit_code = code;
                    c.state.error = message.clone();
                }
                if options.remove {
                    self.containers.retain(|c| c.id != id);
                }
                return Step::Done(before.then(run_error(daemon_error(message), code)));
            }
        };
        if let Some(c) = self.container_mut(&id) {
            c.state.status = ContainerStatus::Running;
            c.state.started_at = Some(ctx.now);
        }
        self.pending.insert(id.clone(), Pending { auto_remove: options.remove });
        let Some(root) = self.container_fs(id.as_str()) else {
            return Step::Done(before.then(run_error(daemon_error(format!("No such container: {id}")), 125)));
        };
        Step::Launch(Launch { before, process: Process { container: id, module, args: argv, env, root } })
    }

    /// Records how a container's process ended and finishes the `docker run` that started it.
    pub fn exited(&mut self, id: &ContainerId, outcome: ProcessOutcome, ctx: &mut Ctx<'_>) -> Reply {
        let pending = self.pending.remove(id);
        let Some(container) = self.container_mut(id) else {
            return Reply::err(daemon_error(format!("No such container: {id}")), 125);
        };
        if !container.state.status.can_exit() {
            return Reply::err(daemon_error(format!("Container {id} is not running")), 125);
        }
        let mut logged = 0;
        for (stream, bytes) in outcome.output {
            let room = MAX_LOG_BYTES.saturating_sub(logged);
            let kept = &bytes[..bytes.len().min(room)];
            logged += kept.len();
            if !kept.is_empty() {
                container.logs.push(LogEntry {
                    stream,
                    time: ctx.now,
                    text: String::from_utf8_lossy(kept).into_owned(),
                });
            }
        }
        if let Some(upper) = outcome.upper {
            container.rw = upper;
        }
        let mut reply = Reply::default();
        let code = match outcome.status {
            ExitStatus::Code(code) => code,
            ExitStatus::Trap(message) => {
                // A trap is the guest crashing; Linux reports an aborted process as 128 + SIGABRT.
                reply.stderr = format!("dockyard: the container's program crashed: {message}\n");
                container.logs.push(LogEntry { stream: Stream::Stderr, time: ctx.now, text: reply.stderr.clone() });
                container.state.error = message;
                134
            }
        };
        container.state.status = ContainerStatus::Exited;
        container.state.exit_code = code;
        container.state.finished_at = Some(ctx.now);
        if pending.is_some_and(|p| p.auto_remove) {
            self.containers.retain(|c| &c.id != id);
        }
        reply.exit_code = code;
        reply
    }

    fn check_name(&self, name: &str) -> Result<(), Reply> {
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && name.len() > 1
            && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid {
            return Err(run_error(
                daemon_error(format!("Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")),
                125,
            ));
        }
        if let Some(other) = self.containers.iter().find(|c| c.name == name) {
            return Err(run_error(
                daemon_error(format!(
                    "Conflict. The container name \"/{name}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                    other.id
                )),
                125,
            ));
        }
        Ok(())
    }

    /// Finds the program `command` names in the image's layers, searching PATH as `execve` callers do.
    fn resolve_executable(
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
            match lookup(candidate).map(|e| (&e.kind, e.mode)) {
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

/// The environment Docker gives a process: the image's, HOSTNAME, the user's `-e` values, and HOME.
fn container_env(image: &Image, id: &ContainerId, user: &[String]) -> Vec<String> {
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
