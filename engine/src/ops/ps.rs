//! `docker ps`: the containers, newest first, in Docker's columns.

use crate::container::ContainerStatus;
use crate::format::{ellipsis, go_quote, Table};
use crate::time::Timestamp;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn ps(&self, all: bool, quiet: bool, now: Timestamp) -> Reply {
        let shown = self.containers.iter().rev().filter(|c| all || c.state.status == ContainerStatus::Running);
        if quiet {
            return Reply::out(shown.map(|c| format!("{}\n", c.id.short())).collect::<String>());
        }
        let mut table = Table::new(&["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]);
        for c in shown {
            table.row(vec![
                c.id.short().to_string(),
                c.image_name.clone(),
                go_quote(&ellipsis(&c.command_line(), 20)),
                format!("{} ago", now.since(c.created).human()),
                c.status_text(now),
                String::new(),
                c.name.clone(),
            ]);
        }
        Reply::out(table.render())
    }
}
