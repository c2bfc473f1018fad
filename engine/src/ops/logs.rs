//! `docker logs`: what a container's process wrote, each stream to its own, with `--tail`,
//! `--since`, `--until`, `-t`, and `-f` to keep printing until the container stops.

use crate::cli::LogsOptions;
use crate::container::LogEntry;
use crate::engine::Follow;
use crate::ops::daemon_error;
use crate::ops::signal::SIGKILL;
use crate::time::Timestamp;
use crate::wasi::Stream;
use crate::{Engine, Reply, Step};

/// An RFC 3339 time with all nine fractional digits, as `docker logs -t` prefixes lines.
pub fn log_time(time: Timestamp) -> String {
    let text = time.rfc3339();
    let (seconds, fraction) = text.trim_end_matches('Z').split_once('.').unwrap_or((text.trim_end_matches('Z'), ""));
    format!("{seconds}.{fraction:0<9}Z")
}

/// Appends `entries` to `reply` as `docker logs` prints them, line by line.
pub fn print_entries(reply: &mut Reply, entries: &[LogEntry], timestamps: bool) {
    for entry in entries {
        let out = match entry.stream {
            Stream::Stdout => &mut reply.stdout,
            Stream::Stderr => &mut reply.stderr,
        };
        if timestamps {
            for line in entry.text.split_inclusive('\n') {
                out.push_str(&format!("{} {line}", log_time(entry.time)));
            }
        } else {
            out.push_str(&entry.text);
        }
    }
}

impl Engine {
    /// The entries of `container`'s log from index `from` on, as `docker logs` prints them, and
    /// the index to ask from next time; for hosts following a log.
    pub fn log_text(&self, container: &crate::container::ContainerId, from: usize, timestamps: bool) -> (Reply, usize) {
        let mut reply = Reply::default();
        let logs = match self.execs.get(container) {
            Some(exec) => &exec.logs,
            None => match self.containers.iter().find(|c| &c.id == container) {
                Some(c) => &c.logs,
                None => return (reply, from),
            },
        };
        let entries = logs.get(from..).unwrap_or_default();
        print_entries(&mut reply, entries, timestamps);
        (reply, logs.len())
    }

    /// What a followed log printed since the host last asked, moving `follow` on: the awaited
    /// container's entries, or for several containers each one's lines after its prefix.
    pub fn follow_text(&self, container: &crate::container::ContainerId, follow: &mut Follow) -> Reply {
        if follow.cursors.is_empty() {
            let (reply, next) = self.log_text(container, follow.from, follow.timestamps);
            follow.from = next;
            return reply;
        }
        let mut reply = Reply::default();
        for cursor in &mut follow.cursors {
            let Some(c) = self.containers.iter().find(|c| c.id == cursor.container) else { continue };
            for entry in c.logs.get(cursor.from..).unwrap_or_default() {
                let mut one = Reply::default();
                print_entries(&mut one, std::slice::from_ref(entry), follow.timestamps);
                for (text, out) in [(one.stdout, &mut reply.stdout), (one.stderr, &mut reply.stderr)] {
                    for piece in text.split_inclusive('\n') {
                        if cursor.at_line_start {
                            out.push_str(&cursor.prefix);
                        }
                        out.push_str(piece);
                        cursor.at_line_start = piece.ends_with('\n');
                    }
                }
            }
            cursor.from = c.logs.len();
        }
        reply
    }

    /// `docker attach`: the running container's output from now until it stops, and its exit
    /// code as the command's.
    pub(crate) fn attach(&self, key: &str) -> Step {
        let Some(container) = self.find_container(key) else {
            return Step::Done(Reply::err(daemon_error(format!("No such container: {key}")), 1));
        };
        if !container.state.status.can_exit() {
            return Step::Done(Reply::err("You cannot attach to a stopped container, start it first", 1));
        }
        let follow =
            Follow { before: Reply::default(), from: container.logs.len(), timestamps: false, cursors: Vec::new() };
        let watch = Step::Await {
            container: container.id.clone(),
            kill_after: None,
            signal: SIGKILL,
            follow: Some(follow),
            reply: Reply::default(),
        };
        Step::Then {
            first: Box::new(watch),
            next: vec![crate::cli::Command::ExitCodeOf { container: container.id.to_string() }],
        }
    }

    /// The exit code a finished container left, as the reply's own.
    pub(crate) fn exit_code_of(&self, key: &str) -> Reply {
        Reply { exit_code: self.find_container(key).map_or(0, |c| c.state.exit_code), ..Default::default() }
    }

    pub(crate) fn logs(&self, options: &LogsOptions, now: Timestamp) -> Step {
        let key = &options.container;
        let Some(container) = self.find_container(key) else {
            return Step::Done(Reply::err(daemon_error(format!("No such container: {key}")), 1));
        };
        let time = |value: &Option<String>| -> Result<Option<Timestamp>, Reply> {
            value
                .as_deref()
                .map(|v| {
                    Timestamp::parse_docker(v, now).ok_or_else(|| {
                        Reply::err(
                            format!("invalid value for \"since\": failed to parse value as time or duration: \"{v}\""),
                            1,
                        )
                    })
                })
                .transpose()
        };
        let (since, until) = match (time(&options.since), time(&options.until)) {
            (Ok(since), Ok(until)) => (since, until),
            (Err(reply), _) | (_, Err(reply)) => return Step::Done(reply),
        };
        // Split chunks into lines, so --tail counts lines as Docker's log driver stores them.
        let mut lines: Vec<LogEntry> = Vec::new();
        for entry in &container.logs {
            if since.is_some_and(|s| entry.time < s) || until.is_some_and(|u| entry.time > u) {
                continue;
            }
            for line in entry.text.split_inclusive('\n') {
                lines.push(LogEntry { stream: entry.stream, time: entry.time, text: line.to_string() });
            }
        }
        let tail = match options.tail.as_deref() {
            None | Some("all") => None,
            Some(n) => match n.parse::<i64>() {
                Ok(n) if n < 0 => None,
                Ok(n) => Some(n as usize),
                Err(_) => None,
            },
        };
        let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
        let mut reply = Reply::default();
        print_entries(&mut reply, &lines[skip..], options.timestamps);
        if options.follow && container.state.status.can_exit() {
            // The host prints what the process writes from here on, until it ends.
            let follow = Follow {
                before: reply,
                from: container.logs.len(),
                timestamps: options.timestamps,
                cursors: Vec::new(),
            };
            return Step::Await {
                container: container.id.clone(),
                kill_after: None,
                signal: SIGKILL,
                follow: Some(follow),
                reply: Reply::default(),
            };
        }
        Step::Done(reply)
    }
}
