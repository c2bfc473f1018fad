//! The first phase: the source cut into instructions, as BuildKit's parser does it. Parser
//! directives at the top, comments and blank lines dropped, continuation lines joined (comment
//! and blank lines inside a continuation skipped), heredoc bodies read after their instruction,
//! and each instruction's arguments read in the shape it takes.

use super::heredoc::openings;
use super::words::{self, is_space, Args};
use super::{Directives, ErrorPhase, Heredoc, ParseError, Position, Span};

/// BuildKit reads lines with Go's `bufio.Scanner`, which gives up on a line of 64 KiB or more.
const MAX_LINE: usize = 64 * 1024;

/// One instruction after the first phase, its arguments not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Node {
    /// The instruction's name as written (`run`, `RUN`).
    pub name: String,
    pub flags: Vec<String>,
    /// The arguments; for `ENV` and `LABEL`, triples of name, value and `=` (or the empty
    /// string for the legacy `name value` form).
    pub args: Vec<String>,
    pub json: bool,
    /// `ONBUILD`'s trigger.
    pub sub: Option<Box<Node>>,
    pub heredocs: Vec<Heredoc>,
    /// The line as written, continuations joined.
    pub original: String,
    pub span: Span,
}

pub(super) struct Tree {
    pub directives: Directives,
    pub nodes: Vec<Node>,
}

struct Line<'a> {
    /// With its line ending, as a heredoc body keeps it.
    raw: &'a str,
    /// Without its line ending.
    text: &'a str,
}

/// Where the parser directives stand: they are only read until the first line that is not one.
#[derive(Default)]
struct DirectiveReader {
    done: bool,
    seen: Vec<&'static str>,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    /// The next line to read (0-based).
    next: usize,
    directives: Directives,
    reader: DirectiveReader,
}

pub(super) fn parse_nodes(source: &str) -> Result<Tree, ParseError> {
    let (lines, too_long) = split_lines(source);
    let mut parser = Parser { lines, next: 0, directives: Directives::default(), reader: DirectiveReader::default() };
    let mut nodes = Vec::new();
    while let Some(node) = parser.instruction()? {
        nodes.push(node);
    }
    let last = parser.lines.len().max(1);
    if nodes.is_empty() {
        return Err(parser.error(last - 1, last - 1, "file with no instructions".to_string()));
    }
    if too_long {
        let message = format!("dockerfile line greater than max allowed size of {}", MAX_LINE - 1);
        return Err(parser.error(last - 1, last - 1, message));
    }
    Ok(Tree { directives: parser.directives, nodes })
}

/// The source's lines, up to the first one too long for BuildKit (and whether there was one).
fn split_lines(source: &str) -> (Vec<Line<'_>>, bool) {
    let mut lines = Vec::new();
    for (i, mut raw) in source.split_inclusive('\n').enumerate() {
        if i == 0 {
            raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        }
        if raw.strip_suffix('\n').unwrap_or(raw).len() >= MAX_LINE {
            return (lines, true);
        }
        lines.push(Line { raw, text: raw.trim_end_matches(['\r', '\n']) });
    }
    (lines, false)
}

fn is_comment(line: &str) -> bool {
    line.trim_start_matches(is_space).starts_with('#')
}

/// Takes a trailing escape character (and the spaces and tabs after it) off a line; says
/// whether the line ends the instruction. An escaped escape (`\\`) does not continue the line.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    if let Some(before) = line.trim_end_matches([' ', '\t']).strip_suffix(escape) {
        if before.is_empty() || !before.ends_with(escape) {
            return (before, false);
        }
    }
    (line, true)
}

/// `\s` in Go's regular expressions.
fn is_regex_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

impl DirectiveReader {
    /// Reads `# name=value` when directives are still allowed; `None` for anything else, which
    /// ends them (a comment, a blank line, an unknown directive, an instruction).
    fn read(&mut self, line: &str) -> Result<Option<(&'static str, String)>, String> {
        if self.done {
            return Ok(None);
        }
        let parsed = line.strip_prefix('#').and_then(|rest| directive(rest.trim_start_matches(is_space)));
        let Some((name, value)) = parsed else {
            self.done = true;
            return Ok(None);
        };
        let Some(known) = ["syntax", "escape", "check"].into_iter().find(|k| name.eq_ignore_ascii_case(k)) else {
            self.done = true;
            return Ok(None);
        };
        if self.seen.contains(&known) {
            return Err(format!("only one {known} parser directive can be used"));
        }
        self.seen.push(known);
        Ok(Some((known, value)))
    }
}

/// `name = value` as BuildKit's `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` reads it.
fn directive(text: &str) -> Option<(&str, String)> {
    let name_end = text.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(text.len());
    let name = &text[..name_end];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let rest = text[name_end..].trim_start_matches(is_regex_space).strip_prefix('=')?;
    let value = rest.trim_start_matches(is_regex_space).trim_end_matches(is_regex_space);
    if !value.is_empty() {
        return Some((name, value.to_string()));
    }
    // Only whitespace after `=`: the lazy value still takes one character, the last.
    rest.chars().last().map(|last| (name, last.to_string()))
}

impl<'a> Parser<'a> {
    fn escape(&self) -> char {
        self.directives.escape
    }

    fn span(&self, first: usize, last: usize) -> Span {
        let first_text = self.lines.get(first).map_or("", |l| l.text);
        let indent = first_text.chars().take_while(|&c| is_space(c)).count();
        let last_text = self.lines.get(last).map_or("", |l| l.text);
        Span {
            start: Position { line: first + 1, column: indent + 1 },
            end: Position { line: last + 1, column: last_text.chars().count() + 1 },
        }
    }

    fn error(&self, first: usize, last: usize, message: String) -> ParseError {
        ParseError { span: self.span(first, last), message, phase: ErrorPhase::Syntax }
    }

    /// The next instruction, or `None` at the end of the file.
    fn instruction(&mut self) -> Result<Option<Node>, ParseError> {
        loop {
            let Some(line) = self.lines.get(self.next) else { return Ok(None) };
            let first = self.next;
            self.next += 1;
            let text = line.text.trim_start_matches(is_space);
            match self.reader.read(text) {
                Err(message) => return Err(self.error(first, first, message)),
                Ok(Some((name, value))) => {
                    self.set_directive(name, value).map_err(|message| self.error(first, first, message))?;
                    continue;
                }
                Ok(None) => {}
            }
            if is_comment(text) {
                continue;
            }
            let (start, mut ended) = trim_continuation(text, self.escape());
            if ended && start.is_empty() {
                continue;
            }
            let mut joined = start.to_string();
            while !ended {
                let Some(line) = self.lines.get(self.next) else { break };
                self.next += 1;
                if is_comment(line.text) || line.text.trim_start_matches(is_space).is_empty() {
                    continue;
                }
                let (part, end) = trim_continuation(line.text, self.escape());
                joined.push_str(part);
                ended = end;
            }
            let last = self.next - 1;
            let mut node = node_from_line(&joined, self.escape()).map_err(|m| self.error(first, last, m))?;
            if node.can_contain_heredoc() && joined.contains("<<") {
                let heredocs = self.heredoc_bodies(&joined, first)?;
                match node.sub.as_mut() {
                    Some(sub) => sub.heredocs = heredocs,
                    None => node.heredocs = heredocs,
                }
            }
            node.span = self.span(first, self.next - 1);
            if let Some(sub) = node.sub.as_mut() {
                sub.span = node.span;
            }
            return Ok(Some(node));
        }
    }

    fn set_directive(&mut self, name: &str, value: String) -> Result<(), String> {
        match name {
            "escape" => match value.as_str() {
                "\\" => self.directives.escape = '\\',
                "`" => self.directives.escape = '`',
                _ => return Err(format!("invalid escape token '{value}' does not match ` or \\")),
            },
            "syntax" => self.directives.syntax = Some(value),
            _ => self.directives.check = Some(value),
        }
        Ok(())
    }

    /// Reads the bodies of the heredocs opened on `line`, one after the other.
    fn heredoc_bodies(&mut self, line: &str, first: usize) -> Result<Vec<Heredoc>, ParseError> {
        let found = openings(line).map_err(|m| self.error(first, self.next - 1, m))?;
        let mut heredocs = Vec::with_capacity(found.len());
        for opening in found {
            let mut content = String::new();
            let mut terminated = false;
            while let Some(line) = self.lines.get(self.next) {
                self.next += 1;
                let mut candidate = line.raw.trim_end_matches(['\r', '\n']);
                if opening.strip_tabs {
                    candidate = candidate.trim_start_matches('\t');
                }
                if candidate == opening.name {
                    terminated = true;
                    break;
                }
                content.push_str(line.raw);
            }
            if !terminated {
                return Err(self.error(first, self.next.max(1) - 1, "unterminated heredoc".to_string()));
            }
            heredocs.push(opening.with_content(content));
        }
        Ok(heredocs)
    }
}

/// Reads one joined line: its name, flags and arguments in the shape the instruction takes.
fn node_from_line(line: &str, escape: char) -> Result<Node, String> {
    let (name, flags, rest) = words::split_command(line, escape);
    let mut sub = None;
    let args = match name.to_lowercase().as_str() {
        "add" | "copy" | "volume" => words::maybe_json_list(&rest)?,
        "arg" => Args { words: words::parse_words(&rest, escape), json: false },
        "cmd" | "entrypoint" | "run" | "shell" => words::maybe_json(&rest)?,
        "env" => words::name_values(&rest, "ENV", escape)?,
        "label" => words::name_values(&rest, "LABEL", escape)?,
        "expose" | "from" => words::whitespace_words(&rest),
        "healthcheck" => words::health(&rest)?,
        "maintainer" | "stopsignal" | "user" | "workdir" => words::whole(&rest),
        "onbuild" => {
            if !rest.is_empty() {
                sub = Some(Box::new(node_from_line(&rest, escape)?));
            }
            Args::default()
        }
        // An unknown instruction is the second phase's error.
        _ => Args::default(),
    };
    Ok(Node {
        name,
        flags,
        args: args.words,
        json: args.json,
        sub,
        heredocs: Vec::new(),
        original: line.to_string(),
        // The caller knows where the instruction ends (its heredocs come later) and sets this.
        span: Span { start: Position { line: 0, column: 0 }, end: Position { line: 0, column: 0 } },
    })
}

impl Node {
    fn can_contain_heredoc(&self) -> bool {
        let name = self.name.to_lowercase();
        if let Some(sub) = &self.sub {
            return name == "onbuild" && sub.can_contain_heredoc();
        }
        matches!(name.as_str(), "add" | "copy" | "run") && !self.json
    }
}
