//! The docker CLI's wording for what the real daemon answers: short ids, "ago" times, quoted
//! commands, inspect's JSON and `--format`, with the session's name prefix taken off.

use dockyard_engine::template::Template;
use dockyard_engine::time::Duration;

use super::{HostReply, Scope};

/// An id as tables show it: the first 12 hex digits, without `sha256:`.
pub fn short_id(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

/// `units.HumanDuration(now - then) + " ago"`, from Unix seconds.
pub fn ago(unix_seconds: i64) -> String {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let seconds = (now - unix_seconds).max(0) as u64;
    format!("{} ago", Duration(seconds * 1_000_000_000).human())
}

/// Text from the daemon as the learner should read it: the session's objects by their own names.
pub fn unprefix(scope: &Scope<'_>, text: &str) -> String {
    text.replace(&scope.session.prefix(), "")
}

/// An error the daemon answered, worded as the CLI words it, with learner names.
pub fn daemon_error(scope: &Scope<'_>, prefix: &str, error: &bollard::errors::Error, exit_code: i32) -> HostReply {
    HostReply::error(format!("{prefix}{}", unprefix(scope, &super::daemon_message(error))), exit_code)
}

/// `docker inspect`'s output for objects already found: JSON, or `--format` over each.
pub fn inspect_output(
    scope: &Scope<'_>,
    found: Vec<serde_json::Value>,
    format: Option<String>,
    errors: Vec<String>,
) -> HostReply {
    let mut errors = errors;
    let stdout = match format {
        None => dockyard_engine::to_docker_json(&found),
        Some(format) => match Template::parse(&format) {
            Ok(template) => dockyard_engine::render_each(&template, &found, &mut errors),
            Err(e) => return HostReply::error(format!("template parsing error: {e}"), 1),
        },
    };
    let exit_code = if errors.is_empty() { 0 } else { 1 };
    let mut stderr = errors.join("\n");
    if !stderr.is_empty() {
        stderr.push('\n');
    }
    HostReply { stdout: unprefix(scope, &stdout), stderr, exit_code }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_times_read_as_in_docker() {
        assert_eq!(short_id("sha256:0123456789abcdef0123"), "0123456789ab");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        assert_eq!(ago(now - 5), "5 seconds ago");
        assert_eq!(ago(now - 7200), "2 hours ago");
    }
}
