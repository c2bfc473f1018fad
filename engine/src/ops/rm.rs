//! `docker rm`: remove containers, refusing running ones unless forced.

use crate::ops::daemon_error;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn rm(&mut self, force: bool, keys: &[String]) -> Reply {
        let mut reply = Reply::default();
        for key in keys {
            let Some(container) = self.find_container(key) else {
                reply.stderr.push_str(&format!("{}\n", daemon_error(format!("No such container: {key}"))));
                reply.exit_code = 1;
                continue;
            };
            if !container.state.status.can_remove(force) {
                reply.stderr.push_str(&format!(
                    "{}\n",
                    daemon_error(format!(
                        "You cannot remove a running container {}. Stop the container before attempting removal or force remove",
                        container.id
                    ))
                ));
                reply.exit_code = 1;
                continue;
            }
            let id = container.id.clone();
            self.pending.remove(&id);
            self.containers.retain(|c| c.id != id);
            reply.stdout.push_str(&format!("{key}\n"));
        }
        reply
    }
}
