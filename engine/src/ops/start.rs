//! `docker start`: start created or stopped containers in the background, or one attached (`-a`).

use crate::ops::daemon_error;
use crate::time::Timestamp;
use crate::{Engine, Launch, Reply, Step};

impl Engine {
    pub(crate) fn start(&mut self, keys: &[String], attach: bool, now: Timestamp) -> Step {
        if attach && keys.len() > 1 {
            return Step::Done(Reply::err("you cannot start and attach multiple containers at once", 1));
        }
        let mut reply = Reply::default();
        let mut processes = Vec::new();
        let mut failed = Vec::new();
        for key in keys {
            let Some(container) = self.find_container(key) else {
                reply.stderr.push_str(&format!("{}\n", daemon_error(format!("No such container: {key}"))));
                failed.push(key.clone());
                continue;
            };
            let id = container.id.clone();
            // Starting a running container does nothing, and says so by printing its name.
            if container.state.status.can_exit() {
                if !attach {
                    reply.stdout.push_str(&format!("{key}\n"));
                }
                continue;
            }
            match self.start_process(&id, now) {
                Ok(process) if attach => {
                    return Step::Launch(Launch { before: reply, process });
                }
                Ok(process) => {
                    processes.push(process);
                    reply.stdout.push_str(&format!("{key}\n"));
                }
                Err((message, _)) => {
                    reply.stderr.push_str(&format!("{}\n", daemon_error(message)));
                    failed.push(key.clone());
                }
            }
        }
        if !failed.is_empty() {
            reply.stderr.push_str(&format!("Error: failed to start containers: {}\n", failed.join(", ")));
            reply.exit_code = 1;
        }
        if processes.is_empty() {
            return Step::Done(reply);
        }
        Step::Spawn { processes, reply }
    }
}
