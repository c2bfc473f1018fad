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
    /// The engine as it was before the last command that changed it, for Undo.
    pub undo: Option<Undo>,
    /// Counts the changes worth keeping (a finished command, an undo, a loaded session): the page
    /// keeps the session in the browser whenever it moves.
    pub changes: u64,
    pub keeping: Keeping,
    /// Lines that left `lines` from the front, trimmed or cleared, ever: the sequence number of
    /// `lines[0]`, so the screen knows which lines it has written.
    pub dropped: u64,
    /// Counts clears of the screen (Ctrl-L, a reset).
    pub clears: u64,
}

/// The engine's saved state from before a command, and the command, so Undo can go back to it.
#[derive(Debug, Clone)]
pub struct Undo {
    pub command: String,
    /// `Engine::save` from before the command; shared, since the reducer copies the state often.
    pub before: Rc<str>,
    /// How many containers were running then: a restored state brings them back exited.
    pub running: usize,
}

/// The same snapshot, not merely an equal one: comparing the saved state itself would read
/// megabytes on every render.
impl PartialEq for Undo {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.before, &other.before) && self.command == other.command && self.running == other.running
    }
}

/// Whether the browser keeps the session, and how its writes are going.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keeping {
    /// The browser cannot keep it (no IndexedDB, or an error), which the terminal said once.
    pub off: bool,
    /// Writes started and not yet finished.
    pub saving: u32,
    /// Writes finished since the page opened.
    pub saved: u32,
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
            undo: None,
            changes: 0,
            keeping: Keeping::default(),
            dropped: 0,
            clears: 0,
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
    /// A note from Dockyard itself, such as why a session file was turned away.
    Note(String),
    /// The command that just ran changed the engine; this is how it was before.
    Changed(Undo),
    /// The engine went back to the state kept for Undo.
    Undone,
    /// A session file replaced the engine: its command history, and a note saying what it held.
    Loaded {
        history: Vec<String>,
        note: String,
    },
    /// Everything starts over: the engine is a fresh one, so the terminal is too.
    Reset,
    /// A write of the session to the browser's storage started, or finished.
    Saving,
    Saved,
    /// The browser cannot keep the session; the note says why, once.
    KeepingOff(String),
}

impl Terminal {
    /// The terminal as the page opens: the history of a session the browser kept, notes on how
    /// that went, and whether the browser keeps the session at all.
    pub fn opened(history: Vec<String>, notes: Vec<String>, kept: bool) -> Terminal {
        let mut terminal =
            Terminal { history, keeping: Keeping { off: !kept, ..Keeping::default() }, ..Terminal::default() };
        terminal.lines.extend(notes.into_iter().map(Line::Note));
        terminal
    }

    /// Whether nothing runs or waits to, so the engine may be swapped for another.
    pub fn idle(&self) -> bool {
        self.running.is_none() && self.queue.is_empty()
    }

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
            self.dropped += excess as u64;
        }
    }

    /// Empties the screen, counting the lines that leave it.
    fn clear(&mut self) {
        self.dropped += self.lines.len() as u64;
        self.lines.clear();
        self.clears += 1;
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
                next.changes += 1;
            }
            Action::Clear => next.clear(),
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
            Action::Note(text) => next.lines.push(Line::Note(text)),
            Action::Changed(undo) => next.undo = Some(undo),
            Action::Undone => {
                if let Some(undo) = next.undo.take() {
                    let mut note = format!("Undid: {}", undo.command);
                    match undo.running {
                        0 => {}
                        1 => note.push_str(
                            " (the container that was running then is back as exited, as after a daemon restart)",
                        ),
                        n => note.push_str(&format!(
                            " (the {n} containers that were running then are back as exited, as after a daemon restart)"
                        )),
                    }
                    next.lines.push(Line::Note(note));
                    next.changes += 1;
                }
            }
            Action::Loaded { history, note } => {
                next.history = history;
                next.undo = None;
                next.lines.push(Line::Note(note));
                next.changes += 1;
            }
            Action::Reset => {
                next.clear();
                next = Terminal {
                    lines: vec![Line::Note(
                        "Dockyard starts over: no images, no containers, no volumes, no history.".into(),
                    )],
                    mode: next.mode,
                    host: next.host.take(),
                    changes: next.changes,
                    keeping: next.keeping,
                    dropped: next.dropped,
                    clears: next.clears,
                    ..Terminal::default()
                };
            }
            Action::Saving => next.keeping.saving += 1,
            Action::Saved => {
                next.keeping.saving = next.keeping.saving.saturating_sub(1);
                next.keeping.saved += 1;
            }
            Action::KeepingOff(note) => {
                next.keeping.saving = 0;
                if !next.keeping.off {
                    next.keeping.off = true;
                    next.lines.push(Line::Note(note));
                }
            }
        }
        next.trim();
        Rc::new(next)
    }
}

/// The state after `actions`, for tests here and of what draws the state.
#[cfg(test)]
pub(crate) fn apply(state: Terminal, actions: Vec<Action>) -> Terminal {
    let mut rc = Rc::new(state);
    for action in actions {
        rc = rc.reduce(action);
    }
    (*rc).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn undo(command: &str, running: usize) -> Undo {
        Undo { command: command.into(), before: Rc::from("{}"), running }
    }

    fn notes(t: &Terminal) -> Vec<&str> {
        t.lines.iter().filter_map(|l| if let Line::Note(n) = l { Some(n.as_str()) } else { None }).collect()
    }

    #[test]
    fn the_page_opens_with_the_kept_history_and_says_how_it_went() {
        let t = Terminal::opened(vec!["docker pull hello-world".into()], vec!["Restored.".into()], true);
        assert_eq!(t.history, ["docker pull hello-world"]);
        assert_eq!(notes(&t).last(), Some(&"Restored."));
        assert!(!t.keeping.off);
        assert!(Terminal::opened(vec![], vec![], false).keeping.off);
    }

    #[test]
    fn every_finished_command_is_a_change_to_keep() {
        let t = apply(Terminal::default(), vec![Action::Submit("docker ps".into()), Action::Start]);
        assert_eq!(t.changes, 0);
        assert!(!t.idle());
        let t = apply(t, vec![Action::Finished(0)]);
        assert_eq!(t.changes, 1);
        assert!(t.idle());
    }

    #[test]
    fn the_last_change_is_undone_once() {
        let t =
            apply(Terminal::default(), vec![Action::Changed(undo("docker rmi hello-world", 0)), Action::Finished(0)]);
        assert_eq!(t.undo.as_ref().map(|u| u.command.as_str()), Some("docker rmi hello-world"));
        let t = apply(t, vec![Action::Undone]);
        assert_eq!(t.undo, None);
        assert_eq!(notes(&t).last(), Some(&"Undid: docker rmi hello-world"));
        assert_eq!(t.changes, 2, "an undo is kept like a command");
        // Only one level: a second undo has nothing to go back to and changes nothing.
        let again = apply(t.clone(), vec![Action::Undone]);
        assert_eq!((again.lines.len(), again.changes), (t.lines.len(), t.changes));
    }

    #[test]
    fn an_undo_says_when_running_containers_come_back_exited() {
        let t = apply(Terminal::default(), vec![Action::Changed(undo("docker stop web", 1)), Action::Undone]);
        let note = notes(&t).last().copied().unwrap_or_default();
        assert!(note.starts_with("Undid: docker stop web (the container that was running"), "{note}");
        assert!(note.contains("back as exited"), "{note}");
        let t = apply(Terminal::default(), vec![Action::Changed(undo("docker rm -f a b", 2)), Action::Undone]);
        assert!(notes(&t).last().is_some_and(|n| n.contains("the 2 containers")), "{:?}", t.lines);
    }

    #[test]
    fn a_later_change_replaces_what_undo_goes_back_to() {
        let t = apply(
            Terminal::default(),
            vec![
                Action::Changed(undo("docker pull hello-world", 0)),
                Action::Changed(undo("docker rmi hello-world", 0)),
            ],
        );
        assert_eq!(t.undo.map(|u| u.command), Some("docker rmi hello-world".to_string()));
    }

    #[test]
    fn a_loaded_session_brings_its_history_and_forgets_the_undo() {
        let t = apply(
            Terminal::default(),
            vec![
                Action::Submit("docker ps".into()),
                Action::Changed(undo("docker ps", 0)),
                Action::Loaded { history: vec!["docker images".into()], note: "Loaded it.".into() },
            ],
        );
        assert_eq!(t.history, ["docker images"]);
        assert_eq!(t.undo, None);
        assert_eq!(notes(&t).last(), Some(&"Loaded it."));
        assert_eq!(t.changes, 1);
    }

    #[test]
    fn a_reset_clears_the_terminal_but_not_the_engine_switch() {
        let info = HostInfo { available: true, endpoint: "unix:///x".into(), version: None, error: None };
        let t = apply(
            Terminal::default(),
            vec![
                Action::Host(info.clone()),
                Action::SetMode(Mode::Host),
                Action::Submit("docker ps".into()),
                Action::Stdout("CONTAINER ID\n".into()),
                Action::Changed(undo("docker ps", 0)),
                Action::Reset,
            ],
        );
        assert_eq!((t.mode, t.host.clone()), (Mode::Host, Some(info)));
        assert!(t.history.is_empty() && t.queue.is_empty() && t.undo.is_none());
        assert_eq!(t.lines.len(), 1);
        assert!(notes(&t)[0].contains("starts over"), "{:?}", t.lines);
    }

    #[test]
    fn saves_are_counted_and_a_failure_is_said_once() {
        let t = apply(Terminal::default(), vec![Action::Saving, Action::Saving, Action::Saved]);
        assert_eq!(t.keeping, Keeping { off: false, saving: 1, saved: 1 });
        let t = apply(t, vec![Action::KeepingOff("No storage.".into()), Action::KeepingOff("No storage.".into())]);
        assert!(t.keeping.off);
        assert_eq!(t.keeping.saving, 0);
        assert_eq!(notes(&t).iter().filter(|n| **n == "No storage.").count(), 1);
        // A page that opened without storage has said so already.
        let t = apply(Terminal::opened(vec![], vec![], false), vec![Action::KeepingOff("again".into())]);
        assert!(!notes(&t).contains(&"again"));
    }
}
