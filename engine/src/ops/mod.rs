//! The docker commands, one file each, as methods on [`Engine`](crate::Engine).

mod container_inspect;
mod cp;
mod diff;
mod export;
mod history;
mod images;
pub(crate) mod inspect;
mod logs;
mod pause;
mod prune;
mod ps;
mod pull;
mod push;
mod rename;
mod rm;
mod rmi;
mod run;
mod signal;
mod start;
mod stop;
mod system_df;
mod tag;
mod top;
mod version;
pub(crate) mod volume;

pub(crate) use history::HistoryOptions;

/// Prefixes a daemon error as the docker CLI prints it.
pub(crate) fn daemon_error(message: impl std::fmt::Display) -> String {
    format!("Error response from daemon: {message}")
}
