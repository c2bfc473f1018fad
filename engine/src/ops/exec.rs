//! `docker exec`: another process in a running container, over the same filesystem.
//!
//! An exec'd process is handed to the host like any other, under an id of its own in the
//! [`Process`]'s container field, so hosts run, watch and end it with no new machinery. Each
//! process starts from the container's files as they are, and what it changed is laid onto what
//! the others changed meanwhile when it ends ([`Engine::merge_upper`]).

use crate::cli::ExecOptions;
use crate::container::{ContainerId, ContainerStatus, LogEntry};
use crate::layer::Layer;
use crate::ops::daemon_error;
use crate::wasi::Stream;
use crate::{Ctx, Engine, ExitStatus, Launch, Process, ProcessOutcome, Reply, Step};

/// A process `docker exec` started, and what it wrote.
#[derive(Debug, Clone)]
pub(crate) struct Exec {
    pub(crate) container: ContainerId,
    pub(crate) logs: Vec<LogEntry>,
}

/// Lays what a process changed (from `base` to `upper`) onto `current`: its additions and
/// changes replace what is there, and what it deleted goes, while changes other processes made
/// to other paths stay.
fn apply_delta(mut current: Layer, base: &Layer, upper: Layer) -> Layer {
    for path in base.entries.keys() {
        if !upper.entries.contains_key(path) {
            current.entries.remove(path);
        }
    }
    for (path, entry) in upper.entries {
        if base.entries.get(&path) != Some(&entry) {
            current.entries.insert(path, entry);
        }
    }
    current.raw = None;
    current
}

impl Engine {
    /// Takes back the upper layer a process of container `id` ended with. With the layer it
    /// started from, only its own changes are applied; without, the layer replaces what is
    /// there. Either way volume data goes to the volumes.
    pub(crate) fn merge_upper(&mut self, id: &ContainerId, base: Option<Layer>, upper: Layer) {
        let Some(container) = self.containers.iter().find(|c| &c.id == id) else { return };
        let merged = match base {
            Some(base) => {
                let current = crate::volume::overlay(&container.rw, &container.mounts, &self.volumes);
                apply_delta(current, &base, upper)
            }
            None => upper,
        };
        self.store_upper(id, merged);
    }

    pub(crate) fn exec(&mut self, options: ExecOptions, ctx: &mut Ctx<'_>) -> Step {
        let key = &options.container;
        let Some(container) = self.find_container(key) else {
            return Step::Done(Reply::err(daemon_error(format!("No such container: {key}")), 1));
        };
        let id = container.id.clone();
        match container.state.status {
            ContainerStatus::Running => {}
            ContainerStatus::Paused => {
                return Step::Done(Reply::err(
                    daemon_error(format!("Container {id} is paused, unpause the container before exec")),
                    1,
                ))
            }
            _ => return Step::Done(Reply::err(daemon_error(format!("Container {id} is not running")), 1)),
        }
        let mut env = container.env.clone();
        for entry in options.env.iter().filter(|e| e.contains('=')) {
            let name = entry.split('=').next().unwrap_or("");
            env.retain(|e| e.split('=').next() != Some(name));
            env.push(entry.clone());
        }
        if let Some(dir) = options.workdir.as_deref().or(Some(container.working_dir.as_str())).filter(|d| !d.is_empty())
        {
            env.retain(|e| !e.starts_with("PWD="));
            env.push(format!("PWD={dir}"));
        }
        let memory_limit = container.memory;
        let Some(image) = self.images.images.get(&container.image).cloned() else {
            return Step::Done(Reply::err(daemon_error(format!("No such image: {}", container.image)), 1));
        };
        let Some(program) = options.command.first() else {
            return Step::Done(Reply::err("\"docker exec\" requires at least 2 arguments.", 1));
        };
        let module = match self.resolve_executable(&image, program, &env) {
            Ok(module) => module,
            Err((message, _)) => {
                let why =
                    message.rsplit_once("unable to start container process: ").map_or(message.as_str(), |(_, w)| w);
                let text = format!("OCI runtime exec failed: exec failed: unable to start container process: {why}");
                return Step::Done(Reply::err(text, 126));
            }
        };
        let Some(root) = self.container_fs(id.as_str()) else {
            return Step::Done(Reply::err(daemon_error(format!("No such container: {key}")), 1));
        };
        let exec_id = ContainerId::generate(ctx.entropy);
        self.bases.insert(exec_id.clone(), root.upper().clone());
        let net = self.net_config(&id, false);
        self.execs.insert(exec_id.clone(), Exec { container: id, logs: Vec::new() });
        if options.tty && !env.iter().any(|e| e.starts_with("TERM=")) {
            env.push("TERM=xterm".to_string());
        }
        let interactive = options.interactive;
        let process =
            Process { container: exec_id, module, args: options.command, env, root, memory_limit, interactive, net };
        if options.detach {
            return Step::Spawn { processes: vec![process], reply: Reply::default() };
        }
        Step::Launch(Launch { before: Reply::default(), process })
    }

    /// Records what an exec'd process wrote.
    pub(crate) fn exec_output(&mut self, id: &ContainerId, stream: Stream, bytes: &[u8], now: crate::Timestamp) {
        if let Some(exec) = self.execs.get_mut(id) {
            exec.logs.push(LogEntry { stream, time: now, text: String::from_utf8_lossy(bytes).into_owned() });
        }
    }

    /// Finishes an exec'd process: its changes go into its container, and its exit code is the
    /// command's.
    pub(crate) fn exec_exited(&mut self, id: &ContainerId, outcome: ProcessOutcome) -> Reply {
        let Some(exec) = self.execs.remove(id) else {
            return Reply::err(daemon_error(format!("No such exec instance: {id}")), 1);
        };
        let base = self.bases.remove(id);
        if let Some(upper) = outcome.upper {
            self.merge_upper(&exec.container, base, upper);
        }
        let mut reply = Reply::default();
        reply.exit_code = match outcome.status {
            ExitStatus::Code(code) => code,
            ExitStatus::Killed(signal) => 128 + signal,
            ExitStatus::OutOfMemory => 137,
            ExitStatus::Trap(message) => {
                reply.stderr = format!("dockyard: the exec'd program crashed: {message}\n");
                134
            }
        };
        // What it wrote, the host printed as it went, as it does for any attached process.
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Entry;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_process_changes_only_what_it_changed() {
        let mut base = Layer::default();
        base.insert("a", Entry::file(&b"a"[..], 0o644)).unwrap();
        base.insert("gone", Entry::file(&b"g"[..], 0o644)).unwrap();
        let mut current = base.clone();
        current.insert("other", Entry::file(&b"another process"[..], 0o644)).unwrap();
        let mut upper = base.clone();
        upper.insert("a", Entry::file(&b"A"[..], 0o644)).unwrap();
        upper.entries.remove("gone");
        upper.insert("mine", Entry::file(&b"m"[..], 0o644)).unwrap();
        let merged = apply_delta(current, &base, upper);
        assert_eq!(merged.entries.keys().collect::<Vec<_>>(), ["a", "mine", "other"]);
        assert_eq!(merged.get("a"), Some(&Entry::file(&b"A"[..], 0o644)));
    }
}
