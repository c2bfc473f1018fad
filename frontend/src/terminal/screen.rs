//! What to write to xterm.js so it shows the terminal's state: the output lines it has not shown
//! yet, and below them a footer (a pull's live lines, then the prompt and the line being typed)
//! that is wiped and drawn again around every write, as a shell's line editor does.
//!
//! Pure string building over the reducer's lines, so it is tested without a browser; xterm.js
//! does the rest (colours, wrapping, scrollback, selection).

use crate::state::{Line, Terminal};

/// Starts the prompt in bold cyan; the command itself stays plain.
pub const PROMPT_COLOUR: &str = "\x1b[1;36m";
/// Dockyard's own notes, in a colour that tells them from docker's output.
const NOTE_COLOUR: &str = "\x1b[33m";
pub const RESET: &str = "\x1b[0m";
/// Clears the screen and the scrollback and puts the cursor home.
const CLEAR_ALL: &str = "\x1b[H\x1b[2J\x1b[3J";

/// The part below the output, drawn from the editor and the running command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footer {
    /// A running command's live lines (a pull's bars).
    pub live: Option<String>,
    /// What comes before the typed text, colours and all: the prompt, a search label, or
    /// nothing while a command runs and the typed text is its input.
    pub head: String,
    pub line: String,
    /// The cursor's column in `head` and `line` together.
    pub cursor: usize,
}

/// How the footer sits on screen, so it can be wiped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Drawn {
    /// Rows from the row the footer started on up to the cursor's row.
    rows_up: usize,
    /// The column where the output ended, to go back to.
    col: usize,
}

/// What xterm.js shows, as far as writes to it go.
#[derive(Debug, Default)]
pub struct Screen {
    /// The terminal's `clears` when last written: a change means start over.
    clears: u64,
    /// The sequence number of the next line to write.
    next: u64,
    /// The last output line written, by sequence number, and how many bytes of it: output
    /// lines grow until their newline comes.
    open: Option<(u64, usize)>,
    /// The column after the last output, 0 at the start of a row. May equal `cols` when the
    /// row is full and the next character wraps.
    col: usize,
    footer: Option<Drawn>,
    cols: usize,
}

impl Screen {
    pub fn new(cols: usize) -> Screen {
        Screen { cols: cols.max(1), ..Screen::default() }
    }

    /// Everything to write so the screen shows `state` with `footer` below it.
    pub fn update(&mut self, state: &Terminal, prompt: &str, footer: &Footer) -> String {
        let mut out = self.erase();
        if state.clears != self.clears {
            out.push_str(CLEAR_ALL);
            self.clears = state.clears;
            self.next = state.dropped;
            self.open = None;
            self.col = 0;
        }
        let first = state.dropped;
        let end = first + state.lines.len() as u64;
        // The last output line written may have grown since.
        if let Some((seq, written)) = self.open.take() {
            if let Some(Line::Stdout(text) | Line::Stderr(text)) =
                seq.checked_sub(first).and_then(|at| state.lines.get(at as usize))
            {
                if let Some(more) = text.get(written..) {
                    self.output(&mut out, more);
                }
            }
        }
        for seq in self.next.max(first)..end {
            let line = &state.lines[(seq - first) as usize];
            match line {
                Line::Input(text) => {
                    self.new_row(&mut out);
                    out.push_str(&format!("{PROMPT_COLOUR}{prompt}{RESET} {text}\r\n"));
                }
                Line::Note(text) => {
                    self.new_row(&mut out);
                    out.push_str(&format!("{NOTE_COLOUR}{text}{RESET}\r\n"));
                }
                Line::Stdout(text) | Line::Stderr(text) => {
                    self.output(&mut out, text);
                    self.open = Some((seq, text.len()));
                }
            }
        }
        self.next = end;
        out.push_str(&self.draw(footer));
        out
    }

    /// Draws only the footer again, after a key changed the line being typed.
    pub fn redraw(&mut self, footer: &Footer) -> String {
        let mut out = self.erase();
        out.push_str(&self.draw(footer));
        out
    }

    /// Writes `text` above the footer, such as Tab's list of candidates or Ctrl-C's `^C`,
    /// without it being one of the terminal's lines.
    pub fn above(&mut self, text: &str, footer: &Footer) -> String {
        let mut out = self.erase();
        self.new_row(&mut out);
        self.output(&mut out, text);
        self.new_row(&mut out);
        out.push_str(&self.draw(footer));
        out
    }

    /// The terminal changed width: wipe the footer while its shape is still known, then take
    /// the new width. The caller draws the footer again after xterm.js reflowed.
    pub fn resize(&mut self, cols: usize) -> String {
        let out = self.erase();
        self.cols = cols.max(1);
        self.col = self.col.min(self.cols);
        out
    }

    /// Moves to the start of a fresh row unless the output already ended on one.
    fn new_row(&mut self, out: &mut String) {
        if self.col > 0 {
            out.push_str("\r\n");
            self.col = 0;
        }
        self.open = None;
    }

    /// Writes output as it is, following the column it leaves the cursor at.
    fn output(&mut self, out: &mut String, text: &str) {
        out.push_str(&text.replace('\n', "\r\n"));
        self.col = self.advance(self.col, text).1;
    }

    /// Where the cursor ends after `text`, starting at column `col`: rows moved down and the
    /// column, wrapping at the width as xterm.js does.
    fn advance(&self, mut col: usize, text: &str) -> (usize, usize) {
        let mut rows = 0;
        for c in strip_escapes(text).chars() {
            match c {
                '\n' => {
                    rows += 1;
                    col = 0;
                }
                '\r' => col = 0,
                '\t' => col = ((col / 8 + 1) * 8).min(self.cols),
                c if c.is_control() => {}
                _ => {
                    if col >= self.cols {
                        rows += 1;
                        col = 0;
                    }
                    col += 1;
                }
            }
        }
        (rows, col)
    }

    fn draw(&mut self, footer: &Footer) -> String {
        let mut out = String::new();
        let home = self.col;
        let typed = format!("{}{}", footer.head, footer.line);
        // A prompt or live lines begin a row of their own; input typed for a running command
        // follows its last output, as a terminal echoes it after a question.
        let own_row = footer.live.is_some() || !footer.head.is_empty();
        let mut row = 0;
        let mut col = home;
        if own_row && col > 0 {
            out.push_str("\r\n");
            row += 1;
            col = 0;
        }
        if let Some(live) = &footer.live {
            let live = live.trim_end_matches('\n');
            out.push_str(&live.replace('\n', "\r\n"));
            out.push_str("\r\n");
            let (down, _) = self.advance(0, live);
            row += down + 1;
            col = 0;
        }
        let line_start = (row, col);
        out.push_str(&typed);
        let (down, end_col) = self.advance(line_start.1, &typed);
        let end = (line_start.0 + down, end_col);
        // Where the cursor belongs: after `cursor` visible columns of the typed line.
        let before: String = strip_escapes(&typed).chars().take(footer.cursor).collect();
        let (down, mut target_col) = self.advance(line_start.1, &before);
        let mut target_row = line_start.0 + down;
        if target_col >= self.cols {
            target_row += 1;
            target_col = 0;
        }
        let mut end_row = end.0;
        if target_row > end_row {
            // The line fills its last row exactly; the cursor waits at the start of the next.
            out.push_str("\r\n");
            end_row += 1;
        }
        if end_row > target_row {
            out.push_str(&format!("\x1b[{}A", end_row - target_row));
        }
        out.push_str(&format!("\x1b[{}G", target_col + 1));
        self.footer = Some(Drawn { rows_up: target_row, col: home });
        out
    }

    /// Wipes the footer, leaving the cursor where the output ended.
    fn erase(&mut self) -> String {
        let Some(drawn) = self.footer.take() else {
            return String::new();
        };
        let mut out = String::from("\r");
        if drawn.rows_up > 0 {
            out.push_str(&format!("\x1b[{}A", drawn.rows_up));
        }
        if drawn.col > 0 {
            out.push_str(&format!("\x1b[{}G", drawn.col.min(self.cols) + 1));
        }
        out.push_str("\x1b[J");
        out
    }
}

/// `text` without its escape sequences (colours, cursor moves, titles), for widths and for
/// the plain copy of the terminal that screen readers and tests read.
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters up to a final byte.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: up to BEL or ESC \.
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{apply, Action};

    fn prompt_footer(line: &str) -> Footer {
        Footer {
            live: None,
            head: format!("{PROMPT_COLOUR}${RESET} "),
            line: line.into(),
            cursor: 2 + line.chars().count(),
        }
    }

    /// Plays the writes on a tiny grid, as xterm.js would show them, to check what a learner
    /// sees rather than the escape codes.
    fn render(writes: &[String], cols: usize) -> Vec<String> {
        let mut grid: Vec<Vec<char>> = vec![Vec::new()];
        let (mut row, mut col) = (0usize, 0usize);
        let mut pending = false;
        for write in writes {
            let mut chars = write.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\x1b' => {
                        assert_eq!(chars.next(), Some('['));
                        let mut params = String::new();
                        let fin = loop {
                            let c = chars.next().expect("a final byte");
                            if ('\x40'..='\x7e').contains(&c) {
                                break c;
                            }
                            params.push(c);
                        };
                        let n: usize = params.split(';').next().and_then(|p| p.parse().ok()).unwrap_or(1);
                        pending = false;
                        match fin {
                            'A' => row = row.saturating_sub(n),
                            'G' => col = (n - 1).min(cols - 1),
                            'J' => {
                                grid[row].truncate(col);
                                grid.truncate(row + 1);
                            }
                            'H' => (row, col) = (0, 0),
                            'm' => {}
                            other => panic!("unexpected CSI {other}"),
                        }
                    }
                    '\r' => {
                        col = 0;
                        pending = false;
                    }
                    '\n' => {
                        row += 1;
                        pending = false;
                        if grid.len() <= row {
                            grid.push(Vec::new());
                        }
                    }
                    c => {
                        if pending {
                            row += 1;
                            col = 0;
                            pending = false;
                            if grid.len() <= row {
                                grid.push(Vec::new());
                            }
                        }
                        let line = &mut grid[row];
                        while line.len() < col {
                            line.push(' ');
                        }
                        if col < line.len() {
                            line[col] = c;
                        } else {
                            line.push(c);
                        }
                        if col + 1 == cols {
                            pending = true;
                        } else {
                            col += 1;
                        }
                    }
                }
            }
        }
        let _ = (row, col);
        grid.into_iter().map(|l| l.into_iter().collect::<String>().trim_end().to_string()).collect()
    }

    #[test]
    fn lines_are_written_once_and_a_growing_line_continues() {
        let mut screen = Screen::new(40);
        let mut writes = Vec::new();
        let t = apply(Terminal::default(), vec![Action::Submit("docker ps".into()), Action::Start]);
        writes.push(screen.update(&t, "$", &Footer::default()));
        let t = apply(t, vec![Action::Stdout("CONTAINER ".into())]);
        writes.push(screen.update(&t, "$", &Footer::default()));
        let t = apply(t, vec![Action::Stdout("ID\nweb\n".into()), Action::Finished(0)]);
        writes.push(screen.update(&t, "$", &prompt_footer("")));
        let shown = render(&writes, 40);
        assert_eq!(shown[shown.len() - 4..], ["$ docker ps", "CONTAINER ID", "web", "$"], "{shown:?}");
        // Nothing new: only the footer is drawn again.
        let again = screen.update(&t, "$", &prompt_footer(""));
        assert!(!again.contains("web"), "{again:?}");
    }

    #[test]
    fn the_footer_is_wiped_before_output_and_drawn_after_it() {
        let mut screen = Screen::new(40);
        let t =
            apply(Terminal::default(), vec![Action::Clear, Action::Submit("docker pull web".into()), Action::Start]);
        let mut writes = vec![screen.update(&t, "$", &Footer::default())];
        let live = Footer { live: Some("abc: Downloading 1/3\ndef: Waiting".into()), ..Footer::default() };
        writes.push(screen.update(&t, "$", &live));
        let live = Footer { live: Some("abc: Pull complete\ndef: Downloading".into()), ..Footer::default() };
        writes.push(screen.update(&t, "$", &live));
        let t = apply(t, vec![Action::Stdout("Status: Downloaded\n".into()), Action::Finished(0)]);
        writes.push(screen.update(&t, "$", &prompt_footer("docker im")));
        let shown = render(&writes, 40);
        assert_eq!(shown, ["$ docker pull web", "Status: Downloaded", "$ docker im"], "{shown:?}");
    }

    #[test]
    fn typed_input_follows_a_question_and_a_prompt_takes_a_new_row() {
        let mut screen = Screen::new(60);
        let t =
            apply(Terminal::default(), vec![Action::Clear, Action::Submit("docker image prune".into()), Action::Start]);
        let t = apply(t, vec![Action::Stdout("Are you sure? [y/N] ".into())]);
        let typing = Footer { line: "y".into(), cursor: 1, ..Footer::default() };
        let mut writes = vec![screen.update(&t, "$", &typing)];
        assert_eq!(render(&writes, 60)[1], "Are you sure? [y/N] y");
        let t = apply(t, vec![Action::Stdout("y\n".into()), Action::Stdout("Total reclaimed space: 0B\n".into())]);
        writes.push(screen.update(&t, "$", &Footer::default()));
        let t = apply(t, vec![Action::Stdout("no newline".into()), Action::Finished(0)]);
        writes.push(screen.update(&t, "$", &prompt_footer("")));
        let shown = render(&writes, 60);
        assert_eq!(shown[1..], ["Are you sure? [y/N] y", "Total reclaimed space: 0B", "no newline", "$"], "{shown:?}");
    }

    #[test]
    fn long_lines_wrap_and_the_cursor_lands_inside_them() {
        let mut screen = Screen::new(10);
        let t = apply(Terminal::default(), vec![Action::Clear]);
        let long = "docker run --rm hello";
        let mut footer = prompt_footer(long);
        let mut writes = vec![screen.update(&t, "$", &footer)];
        // Editing wipes all three rows and draws them again.
        footer.line = "docker ps".into();
        footer.cursor = 2 + 4;
        writes.push(screen.redraw(&footer));
        assert_eq!(render(&writes, 10), ["$ docker p", "s"]);
        let out = screen.redraw(&footer);
        assert!(out.starts_with("\r\x1b[1A\x1b[J") || out.starts_with("\r\x1b[J"), "{out:?}");
        // A line that fills its row exactly puts the cursor on the next.
        footer.line = "12345678".into();
        footer.cursor = 10;
        writes.push(screen.redraw(&footer));
        assert_eq!(render(&writes, 10), ["$ 12345678", ""]);
        assert!(writes.last().is_some_and(|w| w.contains("\r\n")));
    }

    #[test]
    fn a_clear_starts_over_and_trimmed_lines_are_not_written_twice() {
        let mut screen = Screen::new(40);
        let t = apply(Terminal::default(), vec![Action::Note("hello".into())]);
        let first = screen.update(&t, "$", &Footer::default());
        assert!(first.contains("hello"));
        let t = apply(t, vec![Action::Clear, Action::Note("again".into())]);
        let second = screen.update(&t, "$", &Footer::default());
        assert!(second.contains(CLEAR_ALL) && second.contains("again") && !second.contains("hello"), "{second:?}");
    }

    #[test]
    fn escapes_are_left_out_of_plain_text() {
        assert_eq!(strip_escapes("\x1b[31mred\x1b[0m \x1b]0;title\x07ok\x1b]8;;x\x1b\\!"), "red ok!");
        assert_eq!(strip_escapes("\x1b"), "");
    }
}
