//! The command line being typed: what a shell's line editor does, as data. Keys come in as
//! xterm.js reports them (the bytes a pty would read); effects go out for the page to carry
//! out. No DOM here, so every key is tested natively.

/// One key, or one paste, decoded from what the terminal sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// Printable text, typed or pasted without bracketing.
    Insert(String),
    /// Text pasted while bracketed paste is on, which may hold several lines.
    Paste(String),
    Enter,
    Backspace,
    Delete,
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    Up,
    Down,
    Tab,
    Escape,
    /// Ctrl-C.
    Interrupt,
    /// Ctrl-D.
    EndOfInput,
    /// Ctrl-L.
    ClearScreen,
    /// Ctrl-R.
    Search,
    /// Ctrl-G, which leaves a search as the line was.
    Cancel,
    /// Ctrl-Z.
    Undo,
    /// Ctrl-U, Ctrl-K and Ctrl-W.
    KillBefore,
    KillAfter,
    KillWord,
    /// Anything else: ignored, as a shell ignores keys it has no binding for.
    Other,
}

const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";

/// Splits what xterm.js sent into keys. It sends one key at a time as typed, but a paste, or
/// WebDriver typing fast, may bring several at once.
pub fn decode(data: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    let mut rest = data;
    let mut text = String::new();
    let flush = |text: &mut String, keys: &mut Vec<Key>| {
        if !text.is_empty() {
            keys.push(Key::Insert(std::mem::take(text)));
        }
    };
    while let Some(c) = rest.chars().next() {
        if let Some(pasted) = rest.strip_prefix(PASTE_START) {
            flush(&mut text, &mut keys);
            let (inside, after) = pasted.split_once(PASTE_END).unwrap_or((pasted, ""));
            keys.push(Key::Paste(inside.to_string()));
            rest = after;
            continue;
        }
        if c == '\x1b' {
            flush(&mut text, &mut keys);
            let (key, used) = escape(rest);
            keys.push(key);
            rest = &rest[used..];
            continue;
        }
        let key = match c {
            '\r' | '\n' => Key::Enter,
            '\x7f' | '\x08' => Key::Backspace,
            '\t' => Key::Tab,
            '\x01' => Key::Home,
            '\x02' => Key::Left,
            '\x03' => Key::Interrupt,
            '\x04' => Key::EndOfInput,
            '\x05' => Key::End,
            '\x06' => Key::Right,
            '\x07' => Key::Cancel,
            '\x0b' => Key::KillAfter,
            '\x0c' => Key::ClearScreen,
            '\x0e' => Key::Down,
            '\x10' => Key::Up,
            '\x12' => Key::Search,
            '\x15' => Key::KillBefore,
            '\x17' => Key::KillWord,
            '\x1a' => Key::Undo,
            c if c.is_control() => Key::Other,
            c => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
        };
        flush(&mut text, &mut keys);
        keys.push(key);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut text, &mut keys);
    keys
}

/// The key an escape sequence at the start of `s` stands for, and its length in bytes.
fn escape(s: &str) -> (Key, usize) {
    let bytes = s.as_bytes();
    match bytes.get(1) {
        Some(b'[') => {
            // CSI: parameters, then one final byte from @ to ~.
            let end = bytes[2..].iter().position(|b| (0x40..=0x7e).contains(b)).map(|at| at + 2);
            let Some(end) = end else { return (Key::Other, s.len()) };
            let key = match &s[2..=end] {
                "A" => Key::Up,
                "B" => Key::Down,
                "C" => Key::Right,
                "D" => Key::Left,
                "H" | "1~" | "7~" => Key::Home,
                "F" | "4~" | "8~" => Key::End,
                "3~" => Key::Delete,
                "1;5C" | "1;3C" => Key::WordRight,
                "1;5D" | "1;3D" => Key::WordLeft,
                _ => Key::Other,
            };
            (key, end + 1)
        }
        Some(b'O') => {
            let key = match bytes.get(2) {
                Some(b'A') => Key::Up,
                Some(b'B') => Key::Down,
                Some(b'C') => Key::Right,
                Some(b'D') => Key::Left,
                Some(b'H') => Key::Home,
                Some(b'F') => Key::End,
                _ => Key::Other,
            };
            (key, 3.min(s.len()))
        }
        Some(b'b') => (Key::WordLeft, 2),
        Some(b'f') => (Key::WordRight, 2),
        Some(b'\x7f') => (Key::KillWord, 2),
        Some(_) => (Key::Escape, 1),
        None => (Key::Escape, 1),
    }
}

/// What the page does after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run this line (or hand it to the command reading the terminal).
    Submit(String),
    /// Ctrl-C: stop the command in the foreground, or drop the line being typed, which it holds.
    Interrupt(String),
    EndOfInput,
    ClearScreen,
    Undo,
    /// Complete the word before the cursor; `again` when Tab came twice in a row.
    Complete {
        before: String,
        again: bool,
    },
    /// A key that did nothing, for the terminal's bell.
    Bell,
}

/// A reverse search through history (Ctrl-R).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Search {
    query: String,
    /// The history entry that matched last.
    found: Option<usize>,
    /// Nothing older holds the query.
    failed: bool,
    /// The line as it was, for Ctrl-G.
    before: (Vec<char>, usize),
}

/// The line being typed and where the cursor is in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Editor {
    line: Vec<char>,
    /// In characters, from 0 to the line's length.
    cursor: usize,
    /// Where the arrows are in history; `None` is the line being typed, kept in `draft`.
    browsing: Option<usize>,
    draft: Vec<char>,
    search: Option<Search>,
    /// The last key was Tab, so another lists the candidates.
    tabbed: bool,
    /// The last key was Escape, so Tab leaves the terminal rather than completing.
    escaped: bool,
}

impl Editor {
    pub fn line(&self) -> String {
        self.line.iter().collect()
    }

    #[cfg(test)]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether Escape came just before, so that Tab moves focus out of the terminal.
    pub fn escaped(&self) -> bool {
        self.escaped
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// Handles one key; `history` is oldest first.
    pub fn key(&mut self, key: Key, history: &[String]) -> Vec<Effect> {
        let tabbed = std::mem::replace(&mut self.tabbed, false);
        self.escaped = key == Key::Escape;
        if self.search.is_some() {
            if let Some(effects) = self.search_key(&key, history) {
                return effects;
            }
        }
        match key {
            Key::Insert(text) => self.insert(&text),
            Key::Paste(text) => return self.paste(&text),
            Key::Enter => return vec![Effect::Submit(self.take())],
            Key::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.line.remove(self.cursor);
            }
            Key::Delete if self.cursor < self.line.len() => {
                self.line.remove(self.cursor);
            }
            Key::EndOfInput if !self.line.is_empty() => {
                // As in bash, Ctrl-D inside a line deletes forward; on an empty one it ends input.
                if self.cursor < self.line.len() {
                    self.line.remove(self.cursor);
                }
            }
            Key::EndOfInput => return vec![Effect::EndOfInput],
            Key::Left if self.cursor > 0 => self.cursor -= 1,
            Key::Right if self.cursor < self.line.len() => self.cursor += 1,
            Key::WordLeft => self.cursor = self.word_start(),
            Key::WordRight => self.cursor = self.word_end(),
            Key::Home => self.cursor = 0,
            Key::End => self.cursor = self.line.len(),
            Key::Up => return self.browse(history, -1),
            Key::Down => return self.browse(history, 1),
            Key::Tab => {
                self.tabbed = true;
                let before = self.line[..self.cursor].iter().collect();
                return vec![Effect::Complete { before, again: tabbed }];
            }
            Key::Interrupt => return vec![Effect::Interrupt(self.take())],
            Key::ClearScreen => return vec![Effect::ClearScreen],
            Key::Undo if self.line.is_empty() => return vec![Effect::Undo],
            Key::Search => {
                self.search = Some(Search { before: (self.line.clone(), self.cursor), ..Search::default() });
                self.find(history, history.len());
            }
            Key::KillBefore => {
                self.line.drain(..self.cursor);
                self.cursor = 0;
            }
            Key::KillAfter => self.line.truncate(self.cursor),
            Key::KillWord => {
                let start = self.word_start();
                self.line.drain(start..self.cursor);
                self.cursor = start;
            }
            Key::Escape | Key::Cancel | Key::Other => {}
            _ => return vec![Effect::Bell],
        }
        Vec::new()
    }

    /// A key during a reverse search: `None` when it ends the search and acts as usual too.
    fn search_key(&mut self, key: &Key, history: &[String]) -> Option<Vec<Effect>> {
        let search = self.search.as_mut()?;
        match key {
            Key::Insert(text) => {
                search.query.push_str(text);
                let from = search.found.map_or(history.len(), |at| at + 1);
                self.find(history, from);
            }
            Key::Backspace => {
                search.query.pop();
                self.find(history, history.len());
            }
            // Ctrl-R again: the next older match.
            Key::Search => {
                let from = search.found.unwrap_or(history.len());
                self.find(history, from);
            }
            Key::Cancel | Key::Interrupt => {
                let (line, cursor) = std::mem::take(&mut search.before);
                self.search = None;
                (self.line, self.cursor) = (line, cursor);
            }
            // Escape keeps the match on the line to edit; other keys keep it and act on it.
            Key::Escape => self.search = None,
            _ => {
                self.search = None;
                return None;
            }
        }
        Some(Vec::new())
    }

    /// Finds the newest history entry before index `before` that holds the query, and puts it
    /// on the line. A failed search keeps the last match on the line, as bash does.
    fn find(&mut self, history: &[String], before: usize) {
        let Some(search) = self.search.as_mut() else { return };
        let found = history[..before.min(history.len())].iter().rposition(|entry| entry.contains(&search.query));
        search.failed = found.is_none() && !search.query.is_empty();
        if let Some(at) = found.filter(|_| !search.query.is_empty()) {
            search.found = Some(at);
            self.line = history[at].chars().collect();
            let offset = history[at].find(&search.query).unwrap_or(0);
            self.cursor = history[at][..offset].chars().count();
        }
    }

    fn insert(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.line.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    /// A paste: each complete line runs, as in a shell; what follows the last newline stays.
    fn paste(&mut self, text: &str) -> Vec<Effect> {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut effects = Vec::new();
        let mut pieces = text.split('\n').peekable();
        while let Some(piece) = pieces.next() {
            self.insert(piece);
            if pieces.peek().is_some() {
                effects.push(Effect::Submit(self.take()));
            }
        }
        effects
    }

    /// Empties the line, returning it.
    fn take(&mut self) -> String {
        self.browsing = None;
        self.search = None;
        self.cursor = 0;
        std::mem::take(&mut self.line).into_iter().collect()
    }

    fn browse(&mut self, history: &[String], step: isize) -> Vec<Effect> {
        let next = match (self.browsing, step) {
            (None, -1) if !history.is_empty() => Some(history.len() - 1),
            (Some(at), -1) if at > 0 => Some(at - 1),
            (Some(at), 1) if at + 1 < history.len() => Some(at + 1),
            (Some(_), 1) => None,
            _ => return vec![Effect::Bell],
        };
        if self.browsing.is_none() {
            self.draft = self.line.clone();
        }
        self.browsing = next;
        self.line = match next {
            Some(at) => history[at].chars().collect(),
            None => std::mem::take(&mut self.draft),
        };
        self.cursor = self.line.len();
        Vec::new()
    }

    fn word_start(&self) -> usize {
        let mut at = self.cursor;
        while at > 0 && self.line[at - 1].is_whitespace() {
            at -= 1;
        }
        while at > 0 && !self.line[at - 1].is_whitespace() {
            at -= 1;
        }
        at
    }

    fn word_end(&self) -> usize {
        let mut at = self.cursor;
        while at < self.line.len() && self.line[at].is_whitespace() {
            at += 1;
        }
        while at < self.line.len() && !self.line[at].is_whitespace() {
            at += 1;
        }
        at
    }

    /// Puts a completion in place of the word before the cursor. The word starts at character
    /// `start`; `text` replaces it, followed by a space when it is whole.
    pub fn replace_word(&mut self, start: usize, text: &str, whole: bool) {
        let start = start.min(self.cursor);
        let mut with: Vec<char> = text.chars().collect();
        if whole && self.line.get(self.cursor) != Some(&' ') {
            with.push(' ');
        }
        let count = with.len();
        self.line.splice(start..self.cursor, with);
        self.cursor = start + count;
        self.tabbed = !whole;
    }

    /// What the line shows after `prompt`: the text and the cursor's column within it, in
    /// characters. A search shows bash's `(reverse-i-search)` line instead of the prompt.
    pub fn view(&self, prompt: &str) -> (String, String, usize) {
        match &self.search {
            Some(search) => {
                let label = if search.failed { "(failed reverse-i-search)" } else { "(reverse-i-search)" };
                let head = format!("{label}`{}': ", search.query);
                let line = self.line();
                let at = head.chars().count() + self.cursor;
                (head, line, at)
            }
            None => (prompt.to_string(), self.line(), visible_width(prompt) + self.cursor),
        }
    }
}

/// How many columns `text` takes, leaving out escape sequences (colours in a prompt).
pub fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for c in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&c) {
                            break;
                        }
                    }
                }
            }
            '\r' | '\n' => width = 0,
            '\t' => width = (width / 8 + 1) * 8,
            c if c.is_control() => {}
            _ => width += 1,
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> Vec<String> {
        ["docker run hello-world", "docker ps -a", "docker images", "docker run -it toolbox sh"]
            .map(String::from)
            .to_vec()
    }

    fn typed(editor: &mut Editor, data: &str) -> Vec<Effect> {
        let history = history();
        decode(data).into_iter().flat_map(|key| editor.key(key, &history)).collect()
    }

    #[test]
    fn keys_decode_as_a_pty_sends_them() {
        assert_eq!(decode("ab\r"), [Key::Insert("ab".into()), Key::Enter]);
        assert_eq!(decode("\x1b[A\x1b[B\x1bOC\x1b[D"), [Key::Up, Key::Down, Key::Right, Key::Left]);
        assert_eq!(decode("\x1b[3~\x1b[H\x1b[F\x1b[1;5D"), [Key::Delete, Key::Home, Key::End, Key::WordLeft]);
        assert_eq!(
            decode("\x03\x04\x0c\x12\x1a\t\x7f"),
            [Key::Interrupt, Key::EndOfInput, Key::ClearScreen, Key::Search, Key::Undo, Key::Tab, Key::Backspace]
        );
        assert_eq!(
            decode("x\x1b[200~a\nb\x1b[201~y"),
            [Key::Insert("x".into()), Key::Paste("a\nb".into()), Key::Insert("y".into())]
        );
        assert_eq!(decode("\x1b"), [Key::Escape]);
        // Cut short or unknown sequences are ignored, never a panic.
        for odd in ["\x1b[", "\x1b[12", "\x1bO", "\x1b[99Z", "é\x1b[200~", "\x1b[200~\x1b[201"] {
            let _ = decode(odd);
        }
    }

    #[test]
    fn typing_and_editing_in_the_middle() {
        let mut e = Editor::default();
        assert!(typed(&mut e, "docker ps").is_empty());
        typed(&mut e, "\x1b[D\x1b[D-a \x1b[F");
        assert_eq!((e.line(), e.cursor()), ("docker -a ps".to_string(), 12));
        typed(&mut e, "\x17");
        assert_eq!(e.line(), "docker -a ");
        typed(&mut e, "\x01\x0b");
        assert!(e.is_empty());
        assert_eq!(typed(&mut e, "docker images\r"), [Effect::Submit("docker images".into())]);
        assert!(e.is_empty(), "Enter empties the line");
    }

    #[test]
    fn arrows_walk_history_and_come_back_to_the_draft() {
        let mut e = Editor::default();
        typed(&mut e, "dock");
        typed(&mut e, "\x1b[A");
        assert_eq!(e.line(), "docker run -it toolbox sh");
        typed(&mut e, "\x1b[A\x1b[A");
        assert_eq!(e.line(), "docker ps -a");
        typed(&mut e, "\x1b[B\x1b[B\x1b[B");
        assert_eq!(e.line(), "dock", "the draft comes back below the newest entry");
        assert_eq!(typed(&mut e, "\x1b[B"), [Effect::Bell]);
    }

    #[test]
    fn ctrl_r_searches_history_newest_first() {
        let mut e = Editor::default();
        typed(&mut e, "\x12run");
        assert_eq!(e.line(), "docker run -it toolbox sh");
        assert!(e.view("$ ").0.starts_with("(reverse-i-search)`run'"));
        typed(&mut e, "\x12");
        assert_eq!(e.line(), "docker run hello-world", "Ctrl-R again finds the older match");
        assert_eq!(typed(&mut e, "\r"), [Effect::Submit("docker run hello-world".into())]);

        typed(&mut e, "partial\x12zzz");
        assert!(e.view("$ ").0.starts_with("(failed reverse-i-search)"));
        typed(&mut e, "\x07");
        assert_eq!(e.line(), "partial", "Ctrl-G leaves the line as it was");

        typed(&mut e, "\x15\x12ima\x1b[C");
        assert_eq!(e.line(), "docker images", "an arrow keeps the match to edit");
        assert_eq!(e.view("$ ").0, "$ ");
    }

    #[test]
    fn control_keys_become_effects() {
        let mut e = Editor::default();
        assert_eq!(typed(&mut e, "\x04"), [Effect::EndOfInput]);
        assert_eq!(typed(&mut e, "\x1a"), [Effect::Undo]);
        assert_eq!(typed(&mut e, "\x0c"), [Effect::ClearScreen]);
        assert_eq!(typed(&mut e, "sleep\x03"), [Effect::Interrupt("sleep".into())]);
        assert!(e.is_empty(), "Ctrl-C drops the line");
        typed(&mut e, "ab\x01\x04");
        assert_eq!(e.line(), "b", "Ctrl-D inside a line deletes forward");
        assert!(!typed(&mut e, "\x1a").contains(&Effect::Undo), "Ctrl-Z undoes only from an empty line");
    }

    #[test]
    fn tab_asks_for_completion_and_a_second_tab_lists() {
        let mut e = Editor::default();
        assert_eq!(typed(&mut e, "docker ru\t"), [Effect::Complete { before: "docker ru".into(), again: false }]);
        e.replace_word(7, "run", true);
        assert_eq!((e.line(), e.cursor()), ("docker run ".to_string(), 11));
        typed(&mut e, "-v d\t");
        e.replace_word(14, "data:", false);
        assert_eq!(e.line(), "docker run -v data:");
        assert_eq!(typed(&mut e, "\t"), [Effect::Complete { before: "docker run -v data:".into(), again: true }]);
        typed(&mut e, "\x1b");
        assert!(e.escaped(), "Escape then Tab leaves the terminal");
    }

    #[test]
    fn a_pasted_block_runs_each_whole_line() {
        let mut e = Editor::default();
        let effects = typed(&mut e, "\x1b[200~docker ps\r\ndocker images\nrest\x1b[201~");
        assert_eq!(effects, [Effect::Submit("docker ps".into()), Effect::Submit("docker images".into())]);
        assert_eq!(e.line(), "rest");
    }

    #[test]
    fn widths_leave_out_colours() {
        assert_eq!(visible_width("\x1b[1;36mdockyard$\x1b[0m "), 10);
        assert_eq!(visible_width("abc\rde"), 2);
        assert_eq!(visible_width("a\tb"), 9);
    }
}
