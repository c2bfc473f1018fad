//! The docker commands, one file each, as methods on [`Engine`](crate::Engine).

mod cp;
mod diff;
mod export;
mod history;
mod images;
mod inspect;
mod prune;
mod ps;
mod pull;
mod push;
mod rm;
mod rmi;
mod run;
mod system_df;
mod tag;
mod version;

pub(crate) use history::HistoryOptions;

/// Prefixes a daemon error as the docker CLI prints it.
pub(crate) fn daemon_error(message: impl std::fmt::Display) -> String {
    format!("Error response from daemon: {message}")
}
