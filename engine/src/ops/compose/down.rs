//! `docker compose down`: the project's containers stopped and removed, last started first, then
//! the networks it made, and with `-v` its volumes.

use super::{done_line, service_of, task, TaskKind};
use crate::compose::Project;
use crate::container::ContainerId;
use crate::ops::signal::SIGKILL;
use crate::{Engine, Reply, Step, Timestamp};

/// Compose's grace period for stopping a container when `-t` does not say.
const DEFAULT_TIMEOUT_SECONDS: u64 = 10;

/// `-t`/`--timeout` as Compose reads it, as the moment to kill by; `None` waits as long as it takes.
pub(super) fn deadline(timeout: Option<&str>, now: Timestamp) -> Result<Option<Timestamp>, Reply> {
    let seconds = match timeout {
        None => DEFAULT_TIMEOUT_SECONDS as i64,
        Some(text) => text.parse::<i64>().map_err(|_| {
            Reply::err(
                format!("invalid argument \"{text}\" for \"-t, --timeout\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"),
                1,
            )
        })?,
    };
    Ok((seconds >= 0).then(|| Timestamp(now.0.saturating_add(seconds as u64 * 1_000_000_000))))
}

/// Waits for a running container to stop by `deadline` (then kills it), and says so; a
/// restart policy does not bring it back, as after `docker stop`.
pub(super) fn stop_step(
    engine: &mut Engine,
    id: &ContainerId,
    deadline: Option<Timestamp>,
    now: Timestamp,
    then: Vec<crate::cli::Command>,
) -> Option<Step> {
    let container = engine.container_mut(id)?;
    if !container.state.status.can_exit() {
        return None;
    }
    container.manually_stopped = true;
    let reply = Reply { stderr: done_line("Container", &container.name, "Stopped"), ..Default::default() };
    let kill_after = deadline.map(|d| d.0.saturating_sub(now.0));
    let wait = Step::Await { container: id.clone(), kill_after, signal: SIGKILL, follow: None, reply };
    Some(crate::ops::stop::then(wait, then))
}

impl Engine {
    pub(super) fn compose_down(
        &mut self,
        project: Project,
        volumes: bool,
        timeout: Option<&str>,
        now: Timestamp,
    ) -> Step {
        let deadline = match deadline(timeout, now) {
            Ok(deadline) => deadline,
            Err(reply) => return Step::Done(reply),
        };
        // Dependents go first: the reverse of the start order, and containers of services no
        // longer in the file (orphans) before all.
        let order = project.start_order().unwrap_or_default();
        let rank = |service: &str| order.iter().position(|s| s == service).map_or(usize::MAX, |n| n);
        let mut containers: Vec<(usize, String, ContainerId)> = self
            .project_containers(&project.name)
            .iter()
            .map(|c| (rank(service_of(c)), c.name.clone(), c.id.clone()))
            .collect();
        crate::sort::sort_by(&mut containers, |a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut next: Vec<_> = containers
            .into_iter()
            .map(|(_, _, id)| task(&project, TaskKind::Remove { id, deadline, volumes }))
            .collect();
        next.push(task(&project, TaskKind::Cleanup { volumes }));
        Step::Then { first: Box::new(Step::Done(Reply::default())), next }
    }

    pub(super) fn remove_task(
        &mut self,
        project: Project,
        id: ContainerId,
        deadline: Option<Timestamp>,
        volumes: bool,
        now: Timestamp,
    ) -> Step {
        let again = task(&project, TaskKind::Remove { id: id.clone(), deadline, volumes });
        if let Some(stop) = stop_step(self, &id, deadline, now, vec![again]) {
            return stop;
        }
        let Some(name) = self.containers.iter().find(|c| c.id == id).map(|c| c.name.clone()) else {
            return Step::Done(Reply::default());
        };
        self.remove_container(&id, volumes);
        Step::Done(Reply { stderr: done_line("Container", &name, "Removed"), ..Default::default() })
    }

    /// The networks the project made, and with `volumes` its named volumes; external ones stay.
    pub(super) fn cleanup(&mut self, project: &Project, volumes: bool) -> Reply {
        let mut reply = Reply::default();
        for network in project.networks.values().filter(|n| !n.external) {
            if self.find_network(&network.name).is_none() {
                continue;
            }
            let removed = self.network_rm(std::slice::from_ref(&network.name));
            reply = match removed.exit_code {
                0 => reply
                    .then_keep(Reply { stderr: done_line("Network", &network.name, "Removed"), ..Default::default() }),
                _ => reply.then_keep(Reply { stdout: String::new(), ..removed }),
            };
        }
        if volumes {
            for volume in project.volumes.values().filter(|v| !v.external) {
                if !self.volumes.contains_key(&volume.name) {
                    continue;
                }
                let removed = self.volume_rm(std::slice::from_ref(&volume.name), false);
                reply = match removed.exit_code {
                    0 => reply.then_keep(Reply {
                        stderr: done_line("Volume", &volume.name, "Removed"),
                        ..Default::default()
                    }),
                    _ => reply.then_keep(Reply { stdout: String::new(), ..removed }),
                };
            }
        }
        reply
    }
}
