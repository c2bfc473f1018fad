//! `docker stop`, `kill`, `restart` and `wait`: each waits for a container's process to end,
//! through the host, one container at a time.
//!
//! A WASI program cannot catch signals, so it behaves as a container's first process that set no
//! handlers: Linux gives such a process no default action for SIGTERM, so `docker stop` waits out
//! its grace period and then kills, and the container exits with 137.

use crate::cli::Command;
use crate::container::ContainerId;
use crate::ops::daemon_error;
use crate::ops::signal::{self, SIGKILL};
use crate::{Engine, Reply, Step};

/// `docker stop`'s grace period when neither `-t` nor the container says otherwise.
const DEFAULT_STOP_SECONDS: u64 = 10;
const NANOS: u64 = 1_000_000_000;

/// `-t`/`--time` as the CLI reads it: whole seconds, a negative number meaning no limit.
fn parse_time(time: Option<&str>) -> Result<Option<Option<u64>>, Reply> {
    let Some(text) = time else { return Ok(None) };
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Ok(Some(None)),
        Ok(n) => Ok(Some(Some(n as u64))),
        Err(_) => Err(Reply::err(
            format!("invalid argument \"{text}\" for \"-t, --time\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"),
            125,
        )),
    }
}

/// `-t` written back, for the command that carries on with the remaining containers.
fn time_text(time: Option<Option<u64>>) -> Option<String> {
    time.map(|t| t.map_or("-1".to_string(), |s| s.to_string()))
}

/// A step followed by more commands, or just the step when there are none.
pub(crate) fn then(first: Step, next: Vec<Command>) -> Step {
    if next.is_empty() {
        first
    } else {
        Step::Then { first: Box::new(first), next }
    }
}

/// Waits for a container's process to end, killing it after `grace` nanoseconds.
fn await_exit(container: &ContainerId, grace: Option<u64>, signal: i32, reply: Reply) -> Step {
    Step::Await { container: container.clone(), kill_after: grace, signal, follow: None, reply }
}

impl Engine {
    /// The grace period for stopping `key`: `-t` if given, else its own, else Docker's default.
    fn grace(&self, id: &ContainerId, time: Option<Option<u64>>) -> Option<u64> {
        let own = self.containers.iter().find(|c| &c.id == id).and_then(|c| c.stop_timeout);
        time.unwrap_or(Some(own.unwrap_or(DEFAULT_STOP_SECONDS))).map(|s| s * NANOS)
    }

    pub(crate) fn stop(&mut self, keys: &[String], time: Option<&str>, signal: Option<&str>, kill: bool) -> Step {
        let time = match parse_time(time) {
            Ok(time) => time,
            Err(reply) => return Step::Done(reply),
        };
        let signal = match signal.map(signal::parse).transpose() {
            Ok(signal) => signal,
            Err(message) => return Step::Done(Reply::err(daemon_error(message), 1)),
        };
        let mut reply = Reply::default();
        for (n, key) in keys.iter().enumerate() {
            let Some(container) = self.container_or_report(key, &mut reply) else { continue };
            let id = container.id.clone();
            if !container.state.status.can_exit() {
                if kill {
                    reply.stderr.push_str(&format!(
                        "{}\n",
                        daemon_error(format!("Cannot kill container: {key}: Container {id} is not running"))
                    ));
                    reply.exit_code = 1;
                } else {
                    reply.stdout.push_str(&format!("{key}\n"));
                }
                continue;
            }
            reply.stdout.push_str(&format!("{key}\n"));
            let (grace, signal) = match kill {
                // A signal whose default action leaves the process alone changes nothing.
                true if signal.is_some_and(signal::is_harmless) => continue,
                true => (Some(0), signal.unwrap_or(SIGKILL)),
                false => (self.grace(&id, time), SIGKILL),
            };
            // A restart policy does not undo what a command did.
            if let Some(c) = self.container_mut(&id) {
                c.manually_stopped = true;
            }
            let rest = &keys[n + 1..];
            let next = if rest.is_empty() {
                Vec::new()
            } else {
                let signal = signal.to_string();
                vec![Command::Stop { containers: rest.to_vec(), time: time_text(time), signal: Some(signal), kill }]
            };
            return then(await_exit(&id, grace, signal, reply), next);
        }
        Step::Done(reply)
    }

    pub(crate) fn restart(&mut self, keys: &[String], time: Option<&str>, now: crate::Timestamp) -> Step {
        let time = match parse_time(time) {
            Ok(time) => time,
            Err(reply) => return Step::Done(reply),
        };
        let Some((key, rest)) = keys.split_first() else { return Step::Done(Reply::default()) };
        let mut next = Vec::new();
        let first = match self.find_container(key) {
            None => Step::Done(Reply::err(
                daemon_error(format!("Cannot restart container {key}: No such container: {key}")),
                1,
            )),
            Some(container) if container.state.status.can_exit() => {
                let id = container.id.clone();
                if let Some(c) = self.container_mut(&id) {
                    c.manually_stopped = true;
                }
                next.push(Command::Start { containers: vec![key.clone()], attach: false });
                await_exit(&id, self.grace(&id, time), SIGKILL, Reply::default())
            }
            // Nothing runs, so the restart is a start.
            Some(_) => self.start(std::slice::from_ref(key), false, now),
        };
        if !rest.is_empty() {
            next.push(Command::Restart { containers: rest.to_vec(), time: time_text(time) });
        }
        then(first, next)
    }

    /// `docker wait`: each container's exit code once it has one, in order.
    pub(crate) fn wait(&mut self, keys: &[String]) -> Step {
        let mut reply = Reply::default();
        for (n, key) in keys.iter().enumerate() {
            match self.find_container(key) {
                None => {
                    reply.stderr.push_str(&format!("{}\n", daemon_error(format!("No such container: {key}"))));
                    reply.exit_code = 1;
                }
                Some(c) if c.state.status.can_exit() => {
                    let id = c.id.clone();
                    let next = vec![Command::Wait { containers: keys[n..].to_vec() }];
                    return then(await_exit(&id, None, SIGKILL, reply), next);
                }
                Some(c) => reply.stdout.push_str(&format!("{}\n", c.state.exit_code)),
            }
        }
        Step::Done(reply)
    }
}
