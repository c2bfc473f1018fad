//! `docker rm`: remove containers, refusing running ones unless forced, which kills them first.

use crate::cli::Command;
use crate::ops::daemon_error;
use crate::ops::signal::SIGKILL;
use crate::ops::stop::then;
use crate::{Engine, Reply, Step};

impl Engine {
    /// Deletes a container, and with `volumes` the anonymous volumes no other container uses.
    pub(crate) fn remove_container(&mut self, id: &crate::container::ContainerId, volumes: bool) {
        let mounts = self.containers.iter().find(|c| &c.id == id).map(|c| c.mounts.clone()).unwrap_or_default();
        self.containers.retain(|c| &c.id != id);
        if volumes {
            for mount in mounts {
                let anonymous = self.volumes.get(&mount.volume).is_some_and(|v| v.anonymous);
                let used = self.containers.iter().any(|c| c.mounts.iter().any(|m| m.volume == mount.volume));
                if anonymous && !used {
                    self.volumes.remove(&mount.volume);
                }
            }
        }
    }

    pub(crate) fn rm(&mut self, force: bool, volumes: bool, keys: &[String]) -> Step {
        let mut reply = Reply::default();
        for (n, key) in keys.iter().enumerate() {
            let Some(container) = self.container_or_report(key, &mut reply) else { continue };
            let id = container.id.clone();
            if !container.state.status.can_remove(force) {
                reply.stderr.push_str(&format!(
                    "{}\n",
                    daemon_error(format!(
                        "You cannot remove a running container {id}. Stop the container before attempting removal or force remove"
                    ))
                ));
                reply.exit_code = 1;
                continue;
            }
            if container.state.status.can_exit() {
                // Forced: kill the process first, then remove this container and the rest.
                let kill = Step::Await { container: id, kill_after: Some(0), signal: SIGKILL, follow: None, reply };
                return then(kill, vec![Command::Rm { force, volumes, containers: keys[n..].to_vec() }]);
            }
            self.remove_container(&id, volumes);
            reply.stdout.push_str(&format!("{key}\n"));
        }
        Step::Done(reply)
    }
}
