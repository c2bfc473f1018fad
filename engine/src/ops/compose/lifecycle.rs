//! `docker compose stop`, `start`, `restart` and `exec`, on the containers of the services named.

use super::down::{deadline, stop_step};
use super::{selected, service_of, task, TaskKind};
use crate::cli::ExecOptions;
use crate::compose::Project;
use crate::container::ContainerId;
use crate::{Ctx, Engine, Reply, Step, Timestamp};

/// What `docker compose exec` was asked for.
pub(crate) struct Exec {
    pub(crate) service: String,
    pub(crate) command: Vec<String>,
    pub(crate) detach: bool,
    pub(crate) env: Vec<String>,
    pub(crate) user: Option<String>,
    pub(crate) workdir: Option<String>,
    pub(crate) index: Option<String>,
}

impl Engine {
    /// The ids of the chosen services' containers, with `running` as they must be, if given.
    fn service_containers(
        &self,
        project: &Project,
        services: &[String],
        running: Option<bool>,
    ) -> Result<Vec<ContainerId>, Reply> {
        let chosen = selected(project, services)?;
        Ok(self
            .project_containers(&project.name)
            .into_iter()
            .filter(|c| chosen.iter().any(|s| s == service_of(c)))
            .filter(|c| running.is_none_or(|r| c.state.status.can_exit() == r))
            .map(|c| c.id.clone())
            .collect())
    }

    /// The chosen services' running containers, and `-t`'s moment to kill them by.
    fn to_stop(
        &self,
        project: &Project,
        services: &[String],
        timeout: Option<&str>,
        now: Timestamp,
    ) -> Result<(Vec<ContainerId>, Option<Timestamp>), Reply> {
        Ok((self.service_containers(project, services, Some(true))?, deadline(timeout, now)?))
    }

    pub(super) fn compose_stop(
        &mut self,
        project: Project,
        services: &[String],
        timeout: Option<&str>,
        now: Timestamp,
    ) -> Step {
        let (ids, deadline) = match self.to_stop(&project, services, timeout, now) {
            Ok(found) => found,
            Err(reply) => return Step::Done(reply),
        };
        let next = ids.into_iter().map(|id| task(&project, TaskKind::Stop { id, deadline })).collect();
        Step::Then { first: Box::new(Step::Done(Reply::default())), next }
    }

    /// What a foreground `up` does when it stops following: Compose's notice, then every chosen
    /// container that still runs stopped by one deadline.
    pub(super) fn stop_all(&mut self, project: Project, services: &[String], now: Timestamp) -> Step {
        let ids = self.service_containers(&project, services, Some(true)).unwrap_or_default();
        if ids.is_empty() {
            return Step::Done(Reply::default());
        }
        let deadline = deadline(None, now).ok().flatten();
        let next = ids.into_iter().map(|id| task(&project, TaskKind::Stop { id, deadline })).collect();
        let notice =
            Reply { stderr: "Gracefully stopping... (press Ctrl+C again to force)\n".into(), ..Default::default() };
        Step::Then { first: Box::new(Step::Done(notice)), next }
    }

    pub(super) fn stop_task(
        &mut self,
        _project: Project,
        id: ContainerId,
        deadline: Option<Timestamp>,
        now: Timestamp,
    ) -> Step {
        stop_step(self, &id, deadline, now, Vec::new()).unwrap_or(Step::Done(Reply::default()))
    }

    pub(super) fn compose_start(&mut self, project: Project, services: &[String]) -> Step {
        let chosen = match selected(&project, services) {
            Ok(chosen) => chosen,
            Err(reply) => return Step::Done(reply),
        };
        let order = project.start_order().unwrap_or_default();
        let mut next = Vec::new();
        for service in order.iter().filter(|s| chosen.contains(s)) {
            if !self.project_containers(&project.name).iter().any(|c| service_of(c) == service) {
                return Step::Done(Reply::err(format!("service \"{service}\" has no container to start"), 1));
            }
            next.push(task(&project, TaskKind::Start { service: service.clone() }));
        }
        Step::Then { first: Box::new(Step::Done(Reply::default())), next }
    }

    pub(super) fn compose_restart(
        &mut self,
        project: Project,
        services: &[String],
        timeout: Option<&str>,
        now: Timestamp,
    ) -> Step {
        let (ids, deadline) = match self.to_stop(&project, services, timeout, now) {
            Ok(found) => found,
            Err(reply) => return Step::Done(reply),
        };
        let mut next: Vec<_> = ids.into_iter().map(|id| task(&project, TaskKind::Stop { id, deadline })).collect();
        let chosen = selected(&project, services).unwrap_or_default();
        for service in project.start_order().unwrap_or_default().into_iter().filter(|s| chosen.contains(s)) {
            next.push(task(&project, TaskKind::Start { service }));
        }
        Step::Then { first: Box::new(Step::Done(Reply::default())), next }
    }

    pub(super) fn compose_exec(&mut self, project: &Project, exec: Exec, ctx: &mut Ctx<'_>) -> Step {
        if let Err(reply) = selected(project, std::slice::from_ref(&exec.service)) {
            return Step::Done(reply);
        }
        let index = match exec.index.as_deref().map(str::parse::<u32>) {
            None => 1,
            Some(Ok(n)) if n > 0 => n,
            Some(_) => return Step::Done(Reply::err(format!("invalid index: {}", exec.index.unwrap_or_default()), 1)),
        };
        let name = project.container_name(&exec.service, index);
        let running = self.find_container(&name).is_some_and(|c| c.name == name && c.state.status.can_exit());
        if !running {
            return Step::Done(Reply::err(format!("service \"{}\" is not running", exec.service), 1));
        }
        let options = ExecOptions {
            container: name,
            command: exec.command,
            detach: exec.detach,
            env: exec.env,
            workdir: exec.workdir,
            user: exec.user,
            interactive: !exec.detach,
            tty: false,
        };
        self.exec(options, ctx)
    }
}
