//! `docker compose ps`: the project's containers in Compose's columns.

use super::{selected, service_of};
use crate::compose::Project;
use crate::format::{ellipsis, go_quote, Table};
use crate::{Engine, Reply, Timestamp};

/// What `ps` was asked for.
pub(crate) struct PsOptions {
    pub(crate) all: bool,
    pub(crate) quiet: bool,
    pub(crate) services_only: bool,
}

impl Engine {
    pub(super) fn compose_ps(
        &self,
        project: &Project,
        options: PsOptions,
        services: &[String],
        now: Timestamp,
    ) -> Reply {
        let chosen = match selected(project, services) {
            Ok(chosen) => chosen,
            Err(reply) => return reply,
        };
        let shown: Vec<_> = self
            .project_containers(&project.name)
            .into_iter()
            .filter(|c| chosen.iter().any(|s| s == service_of(c)))
            .filter(|c| options.all || c.state.status.can_exit())
            .collect();
        if options.quiet {
            return Reply::out(shown.iter().map(|c| format!("{}\n", c.id)).collect::<String>());
        }
        if options.services_only {
            let mut names: Vec<&str> = shown.iter().map(|c| service_of(c)).collect();
            names.dedup();
            return Reply::out(names.iter().map(|s| format!("{s}\n")).collect::<String>());
        }
        let mut table = Table::new(&["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]);
        for c in shown {
            table.row(vec![
                c.name.clone(),
                c.image_name.clone(),
                go_quote(&ellipsis(&c.command_line(), 20)),
                service_of(c).to_string(),
                format!("{} ago", now.since(c.created).human()),
                c.status_text(now),
                self.ports_text(c),
            ]);
        }
        Reply::out(table.render())
    }
}
