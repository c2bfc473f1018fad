//! The docker commands, one file each, as methods on [`Engine`](crate::Engine).

pub(crate) mod compose;
mod container_inspect;
mod cp;
mod diff;
pub(crate) mod env_file;
pub(crate) mod exec;
mod export;
mod history;
mod images;
pub(crate) mod inspect;
mod logs;
pub(crate) mod network;
mod pause;
mod prune;
mod ps;
pub(crate) mod publish;
mod pull;
mod push;
mod rename;
mod rm;
mod rmi;
pub(crate) mod run;
pub(crate) mod service;
mod signal;
mod stack;
mod start;
mod stats;
mod stop;
pub(crate) mod swarm;
mod system_df;
mod tag;
mod top;
pub(crate) mod version;
pub(crate) mod volume;

pub(crate) use history::HistoryOptions;

impl crate::Engine {
    /// The container `key` names, or else Docker's "No such container" added to `reply`, which
    /// then fails (exit 1): the way commands on several containers report one that is missing.
    pub(crate) fn container_or_report(
        &self,
        key: &str,
        reply: &mut crate::Reply,
    ) -> Option<&crate::container::Container> {
        let found = self.find_container(key);
        if found.is_none() {
            reply.stderr.push_str(&format!("{}\n", daemon_error(format!("No such container: {key}"))));
            reply.exit_code = 1;
        }
        found
    }
}

/// Prefixes a daemon error as the docker CLI prints it.
pub(crate) fn daemon_error(message: impl std::fmt::Display) -> String {
    format!("Error response from daemon: {message}")
}

/// `--label KEY=VALUE` flags as a map, as docker reads them: a label without `=` is a key with an
/// empty value, and a later label wins over an earlier one.
pub(crate) fn labels(given: &[String]) -> std::collections::BTreeMap<String, String> {
    crate::sort::map(given.iter().map(|label| match label.split_once('=') {
        Some((key, value)) => (key.to_string(), value.to_string()),
        None => (label.clone(), String::new()),
    }))
}
