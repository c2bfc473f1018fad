//! The terminal's state and every change to it, in one reducer that tests can drive without a DOM.

use std::collections::VecDeque;
use std::rc::Rc;

use serde::Deserialize;
use yew::Reducible;

/// How many lines the terminal keeps; older ones scroll away for good, so memory stays bounded.
pub const MAX_LINES: usize = 5_000;

/// Where commands go: the engine in this page, or a real Docker Engine behind `dockyard serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Simulated,
    Host,
}

/// What `GET /api/host` says about the real Docker Engine.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HostInfo {
    pub available: bool,
    #[serde(default)]
    pub endpoint: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// One line of the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A command as typed, after its prompt.
    Input(String),
    Stdout(String),
    Stderr(String),
    /// A note from Dockyard itself, not from docker.
    Note(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Terminal {
    pub lines: Vec<Line>,
    /// Commands submitted, oldest first, for the arrow keys.
    pub history: Vec<String>,
    /// Commands waiting for the one running to finish.
    pub queue: VecDeque<String>,
    /// The command running now, if any.
    pub running: Option<String>,
    pub mode: Mode,
    /// None until the server answered (or did not).
    pub host: Option<HostInfo>,
    pub last_exit: i32,
    /// Lines being redrawn in place below the output, such as a pull's moving layer bars.
    pub live: Option<String>,
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal {
            lines: vec![Line::Note("Type a docker command, or press Run beside one in the lesson.".into())],
            history: Vec::new(),
            queue: VecDeque::new(),
            running: None,
            mode: Mode::Simulated,
            host: None,
            last_exit: 0,
            live: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A command from the keyboard or a Run button; it waits its turn.
    Submit(String),
    /// The next queued command starts.
    Start,
    Stdout(String),
    Stderr(String),
    /// Lines drawn in place of the previous ones, or `None` to take them away.
    Live(Option<String>),
    /// The running command ended with this exit code.
    Finished(i32),
    Clear,
    SetMode(Mode),
    Host(HostInfo),
}

impl Terminal {
    /// The command to start now: the first in the queue when nothing runs.
    pub fn next_command(&self) -> Option<&String> {
        if self.running.is_some() {
            None
        } else {
            self.queue.front()
        }
    }

    pub fn host_available(&self) -> bool {
        self.host.as_ref().is_some_and(|h| h.available)
    }

    /// Appends output line by line, continuing a line the last write of the same stream left open.
    fn push_output(&mut self, text: &str, make: fn(String) -> Line) {
        for piece in text.split_inclusive('\n') {
            let continued = match (self.lines.last_mut(), make(String::new())) {
                (Some(Line::Stdout(open)), Line::Stdout(_)) | (Some(Line::Stderr(open)), Line::Stderr(_))
                    if !open.ends_with('\n') =>
                {
                    open.push_str(piece);
                    true
                }
                _ => false,
            };
            if !continued {
                self.lines.push(make(piece.to_string()));
            }
        }
    }

    fn trim(&mut self) {
        if self.lines.len() > MAX_LINES {
            let excess = self.lines.len() - MAX_LINES;
            self.lines.drain(..excess);
        }
    }
}

impl Reducible for Terminal {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Submit(command) => {
                let command = command.trim().to_string();
                if command.is_empty() {
                    next.lines.push(Line::Input(String::new()));
                } else {
                    if next.history.last() != Some(&command) {
                        next.history.push(command.clone());
                    }
                    next.queue.push_back(command);
                }
            }
            Action::Start => {
                if next.running.is_none() {
                    if let Some(command) = next.queue.pop_front() {
                        next.lines.push(Line::Input(command.clone()));
                        next.running = Some(command);
                    }
                }
            }
            Action::Stdout(text) => next.push_output(&text, Line::Stdout),
            Action::Stderr(text) => next.push_output(&text, Line::Stderr),
            Action::Live(text) => next.live = text,
            Action::Finished(code) => {
                next.running = None;
                next.live = None;
                next.last_exit = code;
            }
            Action::Clear => next.lines.clear(),
            Action::SetMode(mode) => {
                if mode == Mode::Host && !next.host_available() {
                    next.lines.push(Line::Note(
                        "No Docker Engine is reachable, so commands stay in the simulated engine.".into(),
                    ));
                } else if mode != next.mode {
                    next.mode = mode;
                    next.lines.push(Line::Note(match mode {
                        Mode::Simulated => "Commands now run in Dockyard's simulated engine, inside this page.".into(),
                        Mode::Host => "Commands now run on the real Docker Engine of this machine.".into(),
                    }));
                }
            }
            Action::Host(info) => next.host = Some(info),
        }
        next.trim();
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(state: Terminal, actions: Vec<Action>) -> Terminal {
        let mut rc = Rc::new(state);
        for action in actions {
            rc = rc.reduce(action);
        }
        (*rc).clone()
    }

    #[test]
    fn commands_queue_and_run_one_at_a_time() {
        let t = apply(
            Terminal::default(),
            vec![Action::Submit("docker ps".into()), Action::Submit("docker images".into())],
        );
        assert_eq!(t.next_command().map(String::as_str), Some("docker ps"));
        let t = apply(t, vec![Action::Start, Action::Start]);
        assert_eq!(t.running.as_deref(), Some("docker ps"));
        assert_eq!(t.next_command(), None);
        let t = apply(t, vec![Action::Finished(3)]);
        assert_eq!((t.last_exit, t.next_command().map(String::as_str)), (3, Some("docker images")));
        assert_eq!(t.history, ["docker ps", "docker images"]);
    }

    #[test]
    fn output_is_split_into_lines_and_partial_lines_continue() {
        let t = apply(
            Terminal { lines: vec![], ..Default::default() },
            vec![Action::Stdout("a\nb".into()), Action::Stdout("c\n".into()), Action::Stderr("oops\n".into())],
        );
        assert_eq!(
            t.lines,
            vec![Line::Stdout("a\n".into()), Line::Stdout("bc\n".into()), Line::Stderr("oops\n".into())]
        );
    }

    #[test]
    fn host_mode_needs_a_reachable_engine() {
        let t = apply(Terminal::default(), vec![Action::SetMode(Mode::Host)]);
        assert_eq!(t.mode, Mode::Simulated);
        let info =
            HostInfo { available: true, endpoint: "unix:///x".into(), version: Some("20.10".into()), error: None };
        let t = apply(t, vec![Action::Host(info), Action::SetMode(Mode::Host)]);
        assert_eq!(t.mode, Mode::Host);
    }

    #[test]
    fn live_lines_are_redrawn_and_gone_when_the_command_ends() {
        let t = apply(Terminal::default(), vec![Action::Live(Some("a: Waiting\n".into()))]);
        let t = apply(t, vec![Action::Live(Some("a: Downloading\n".into()))]);
        assert_eq!(t.live.as_deref(), Some("a: Downloading\n"));
        let t = apply(t, vec![Action::Finished(0)]);
        assert_eq!(t.live, None);
    }

    #[test]
    fn the_line_count_stays_bounded() {
        let flood = "x\n".repeat(MAX_LINES + 10);
        let t = apply(Terminal::default(), vec![Action::Stdout(flood)]);
        assert_eq!(t.lines.len(), MAX_LINES);
    }

    #[test]
    fn repeated_commands_are_kept_once_in_history() {
        let t =
            apply(Terminal::default(), vec![Action::Submit("docker ps".into()), Action::Submit(" docker ps ".into())]);
        assert_eq!(t.history, ["docker ps"]);
        assert_eq!(t.queue.len(), 2);
    }
}
