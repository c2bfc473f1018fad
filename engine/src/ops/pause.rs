//! `docker pause` and `unpause`: freeze a container's process where it stands, and thaw it.

use crate::cli::Command;
use crate::container::ContainerStatus;
use crate::ops::daemon_error;
use crate::ops::stop::then;
use crate::{Engine, Reply, Step};

impl Engine {
    pub(crate) fn pause(&mut self, keys: &[String], paused: bool) -> Step {
        let mut reply = Reply::default();
        for (n, key) in keys.iter().enumerate() {
            let Some(container) = self.container_or_report(key, &mut reply) else { continue };
            let id = container.id.clone();
            let status = container.state.status;
            let allowed = if paused { status.can_pause() } else { status.can_unpause() };
            if !allowed {
                let why = match (paused, status) {
                    (true, ContainerStatus::Paused) => format!("Container {id} is already paused"),
                    (true, _) => format!("Container {id} is not running"),
                    (false, _) => format!("Container {id} is not paused"),
                };
                reply.stderr.push_str(&format!("{}\n", daemon_error(why)));
                reply.exit_code = 1;
                continue;
            }
            if let Some(c) = self.container_mut(&id) {
                c.state.status = if paused { ContainerStatus::Paused } else { ContainerStatus::Running };
            }
            reply.stdout.push_str(&format!("{key}\n"));
            let rest = &keys[n + 1..];
            let next =
                if rest.is_empty() { Vec::new() } else { vec![Command::Pause { containers: rest.to_vec(), paused }] };
            return then(Step::Pause { container: id, paused, reply }, next);
        }
        Step::Done(reply)
    }
}
