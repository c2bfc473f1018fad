//! `docker compose logs`: every chosen container's log, each line after its container's name,
//! in the order the lines were written; with `-f`, followed as they grow.

use super::{selected, service_of};
use crate::compose::Project;
use crate::container::Container;
use crate::engine::{Cursor, Follow};
use crate::ops::logs::print_entries;
use crate::ops::signal::SIGKILL;
use crate::{Engine, Reply, Step};

/// What `logs` was asked for.
pub(crate) struct LogsOptions {
    pub(crate) follow: bool,
    pub(crate) timestamps: bool,
    pub(crate) tail: Option<String>,
    pub(crate) prefix: bool,
}

/// Each container's prefix, `shop-web-1  | `, padded to the longest name as Compose pads them.
fn prefixes(containers: &[&Container], prefix: bool) -> Vec<String> {
    let width = containers.iter().map(|c| c.name.chars().count()).max().unwrap_or(0);
    containers.iter().map(|c| if prefix { format!("{:<width$}  | ", c.name) } else { String::new() }).collect()
}

impl Engine {
    fn chosen_containers(&self, project: &Project, services: &[String]) -> Result<Vec<&Container>, Reply> {
        let chosen = selected(project, services)?;
        Ok(self
            .project_containers(&project.name)
            .into_iter()
            .filter(|c| chosen.iter().any(|s| s == service_of(c)))
            .collect())
    }

    pub(super) fn compose_logs(&self, project: &Project, options: LogsOptions, services: &[String]) -> Step {
        let containers = match self.chosen_containers(project, services) {
            Ok(containers) => containers,
            Err(reply) => return Step::Done(reply),
        };
        let tail = match options.tail.as_deref() {
            None | Some("all") => None,
            Some(n) => n.parse::<usize>().ok(),
        };
        let prefixes = prefixes(&containers, options.prefix);
        // Every line of every log, with its container, then in the order they were written.
        let mut lines = Vec::new();
        for (n, c) in containers.iter().enumerate() {
            let mut own: Vec<_> = c
                .logs
                .iter()
                .flat_map(|e| e.text.split_inclusive('\n').map(move |line| (e.time, e.stream, line)))
                .collect();
            if let Some(keep) = tail {
                own.drain(..own.len().saturating_sub(keep));
            }
            lines.extend(own.into_iter().map(|(time, stream, line)| (time, n, stream, line)));
        }
        crate::sort::sort_by_key(&mut lines, |(time, n, _, _)| (*time, *n));
        let mut reply = Reply::default();
        for (time, n, stream, line) in lines {
            let entry = crate::container::LogEntry { stream, time, text: line.to_string() };
            let mut one = Reply::default();
            print_entries(&mut one, std::slice::from_ref(&entry), options.timestamps);
            reply.stdout.push_str(&prefixed(&prefixes[n], &one.stdout));
            reply.stderr.push_str(&prefixed(&prefixes[n], &one.stderr));
        }
        if !options.follow {
            return Step::Done(reply);
        }
        self.follow_containers(&containers, &prefixes, options.timestamps, reply)
    }

    /// Foreground `up`: the project's containers' output from now on, until the last one ends.
    pub(super) fn follow_project(
        &self,
        project: &Project,
        services: &[String],
        timestamps: bool,
        prefix: bool,
    ) -> Step {
        let containers = match self.chosen_containers(project, services) {
            Ok(containers) => containers,
            Err(reply) => return Step::Done(reply),
        };
        let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
        let before = Reply::out(format!("Attaching to {}\n", names.join(", ")));
        let prefixes = prefixes(&containers, prefix);
        self.follow_containers(&containers, &prefixes, timestamps, before)
    }

    /// Waits on the last running container, printing every container's new lines meanwhile.
    fn follow_containers(
        &self,
        containers: &[&Container],
        prefixes: &[String],
        timestamps: bool,
        before: Reply,
    ) -> Step {
        let Some(last) = containers.iter().rev().find(|c| c.state.status.can_exit()) else {
            return Step::Done(before);
        };
        let cursors = containers
            .iter()
            .zip(prefixes)
            .map(|(c, prefix)| Cursor {
                container: c.id.clone(),
                prefix: prefix.clone(),
                from: c.logs.len(),
                at_line_start: true,
            })
            .collect();
        let follow = Follow { before, from: last.logs.len(), timestamps, cursors };
        Step::Await {
            container: last.id.clone(),
            kill_after: None,
            signal: SIGKILL,
            follow: Some(follow),
            reply: Reply::default(),
        }
    }
}

/// `text` with `prefix` before each of its lines.
fn prefixed(prefix: &str, text: &str) -> String {
    text.split_inclusive('\n').map(|line| format!("{prefix}{line}")).collect()
}
