//! `docker top` and `docker port`: a running container's process, and its published ports.

use crate::format::tabwrite;
use crate::ops::daemon_error;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn top(&self, key: &str) -> Reply {
        let Some(c) = self.find_container(key) else {
            return Reply::err(daemon_error(format!("No such container: {key}")), 1);
        };
        if !c.state.status.can_exit() {
            return Reply::err(daemon_error(format!("Container {} is not running", c.id)), 1);
        }
        // The host's process id is not the engine's to know; a number from the container's id
        // stands in for it, stable for the container's life.
        let pid = 1000 + u32::from_str_radix(c.id.as_str().get(..4).unwrap_or("0"), 16).unwrap_or(0) % 60_000;
        let started = c.state.started_at.unwrap_or(c.created).rfc3339();
        let stime = started.get(11..16).unwrap_or("00:00");
        let table = format!(
            "UID\tPID\tPPID\tC\tSTIME\tTTY\tTIME\tCMD\nroot\t{pid}\t{}\t0\t{stime}\t?\t00:00:00\t{}\n",
            pid.saturating_sub(21),
            c.command_line()
        );
        Reply::out(tabwrite(&table, 20, 3))
    }

    pub(crate) fn port(&self, key: &str, port: Option<&str>) -> Reply {
        let Some(c) = self.find_container(key) else {
            return Reply::err(daemon_error(format!("No such container: {key}")), 1);
        };
        match port {
            None => Reply::out(
                c.published.iter().map(|b| format!("{} -> {}\n", b.private(), b.public())).collect::<String>(),
            ),
            Some(port) => {
                let port = if port.contains('/') { port.to_string() } else { format!("{port}/tcp") };
                let found: String =
                    c.published.iter().filter(|b| b.private() == port).map(|b| format!("{}\n", b.public())).collect();
                if found.is_empty() {
                    Reply::err(format!("Error: No public port '{port}' published for {}", c.name), 1)
                } else {
                    Reply::out(found)
                }
            }
        }
    }
}
