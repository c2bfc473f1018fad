//! Colours for a Dockerfile in the editor: instructions, flags, strings, variables, comments,
//! parser directives, heredocs and line continuations.
//!
//! The editor draws these tokens behind a transparent `<textarea>`, so the one rule that matters
//! above all is that a line's tokens put together are the line, character for character: any
//! drift would put the colours beside the caret. The rest follows BuildKit's reading closely
//! enough to teach it (a `#` starts a comment only at the start of a line, flags only before the
//! first argument, a heredoc's body ends at its delimiter alone on a line), without the parser's
//! checks: a file being typed is wrong most of the time, and its colours should still help.

use std::collections::VecDeque;

use dockyard_engine::dockerfile::INSTRUCTIONS;

/// What a stretch of a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    /// An instruction's name (`FROM`, `RUN`, ...), and the trigger's after `ONBUILD`.
    Keyword,
    /// An instruction's own option, such as `--from=build`.
    Flag,
    /// A quoted string, single or double, JSON's included.
    String,
    /// `$NAME` or `${NAME...}`, in the open or in double quotes.
    Variable,
    Comment,
    /// A parser directive at the top of the file (`# syntax=...`, `# escape=...`, `# check=...`).
    Directive,
    /// A heredoc's marker (`<<EOF`), its body and its closing delimiter.
    Heredoc,
    /// The escape character that continues an instruction on the next line.
    Escape,
}

impl Kind {
    /// The CSS class the editor colours it with.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Plain => "hl-plain",
            Kind::Keyword => "hl-keyword",
            Kind::Flag => "hl-flag",
            Kind::String => "hl-string",
            Kind::Variable => "hl-variable",
            Kind::Comment => "hl-comment",
            Kind::Directive => "hl-directive",
            Kind::Heredoc => "hl-heredoc",
            Kind::Escape => "hl-escape",
        }
    }
}

/// One line's tokens, in order; neighbours never share a kind.
pub type Tokens<'a> = Vec<(Kind, &'a str)>;

/// The tokens of each line of `source` (split at `\n`, so there is one more line than newlines).
pub fn dockerfile(source: &str) -> Vec<Tokens<'_>> {
    let mut state = State {
        escape: '\\',
        directives: true,
        continuation: false,
        flags: false,
        heredoc_ok: false,
        heredocs: VecDeque::new(),
    };
    source.split('\n').map(|line| state.line(line)).collect()
}

/// Every line as one plain token, for files that are not Dockerfiles.
pub fn plain(source: &str) -> Vec<Tokens<'_>> {
    source.split('\n').map(|line| if line.is_empty() { Vec::new() } else { vec![(Kind::Plain, line)] }).collect()
}

/// What carries from one line to the next.
struct State {
    escape: char,
    /// Still at the top of the file, where parser directives may stand.
    directives: bool,
    /// The last line ended with the escape character: this one continues its instruction.
    continuation: bool,
    /// The instruction's flags may still come (nothing else has yet).
    flags: bool,
    /// The instruction may have heredocs (`RUN`, `COPY`, `ADD`).
    heredoc_ok: bool,
    /// Heredocs whose bodies come next: each delimiter, and whether tabs before it are stripped.
    heredocs: VecDeque<(String, bool)>,
}

/// Tokens as byte ranges of one line, merged as they are pushed.
struct Out {
    spans: Vec<(Kind, usize, usize)>,
}

impl Out {
    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        if start >= end {
            return;
        }
        match self.spans.last_mut() {
            Some((last, _, last_end)) if *last == kind && *last_end == start => *last_end = end,
            _ => self.spans.push((kind, start, end)),
        }
    }

    fn into_tokens(self, line: &str) -> Tokens<'_> {
        self.spans.into_iter().map(|(kind, start, end)| (kind, &line[start..end])).collect()
    }
}

impl State {
    fn line<'a>(&mut self, line: &'a str) -> Tokens<'a> {
        let mut out = Out { spans: Vec::new() };
        // Bodies follow the whole instruction, continuation lines and all.
        let body = if self.continuation { None } else { self.heredocs.front() };
        if let Some((delimiter, strip_tabs)) = body {
            let bare = if *strip_tabs { line.trim_start_matches('\t') } else { line };
            if bare.trim_end_matches('\r') == delimiter {
                self.heredocs.pop_front();
            }
            out.push(Kind::Heredoc, 0, line.len());
            return out.into_tokens(line);
        }
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        out.push(Kind::Plain, 0, indent);
        if rest.starts_with('#') {
            // A comment line, even inside a continued instruction, where BuildKit drops it.
            let kind = match self.directives && self.directive(rest) {
                true => Kind::Directive,
                false => Kind::Comment,
            };
            self.directives &= kind == Kind::Directive;
            out.push(kind, indent, line.len());
            return out.into_tokens(line);
        }
        self.directives = false;
        // A blank line changes nothing, inside a continued instruction too.
        if rest.is_empty() {
            return out.into_tokens(line);
        }
        let mut at = indent;
        if !self.continuation {
            at = self.keyword(line, at, &mut out);
        }
        self.arguments(line, at, &mut out);
        out.into_tokens(line)
    }

    /// Reads a parser directive, taking up a new escape character; whether it is one.
    fn directive(&mut self, comment: &str) -> bool {
        let Some((key, value)) = comment[1..].split_once('=') else { return false };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        match key.as_str() {
            "escape" => match value {
                "`" | "\\" => {
                    self.escape = value.chars().next().unwrap_or('\\');
                    true
                }
                _ => false,
            },
            "syntax" | "check" => !value.is_empty(),
            _ => false,
        }
    }

    /// The instruction's name at `at` (and the trigger's after `ONBUILD`); where its arguments start.
    fn keyword(&mut self, line: &str, mut at: usize, out: &mut Out) -> usize {
        self.flags = false;
        self.heredoc_ok = false;
        loop {
            let word_end = line[at..].find(char::is_whitespace).map_or(line.len(), |n| at + n);
            let word = line[at..word_end].to_ascii_uppercase();
            if !INSTRUCTIONS.contains(&word.as_str()) {
                return at;
            }
            out.push(Kind::Keyword, at, word_end);
            self.flags = true;
            self.heredoc_ok = matches!(word.as_str(), "RUN" | "COPY" | "ADD");
            let next = line[word_end..].find(|c: char| !c.is_whitespace()).map_or(line.len(), |n| word_end + n);
            out.push(Kind::Plain, word_end, next);
            at = next;
            if word != "ONBUILD" || at == line.len() {
                return at;
            }
        }
    }

    /// The arguments from `at` to the end of the line.
    fn arguments(&mut self, line: &str, mut at: usize, out: &mut Out) {
        let escape = self.escape;
        // A line ending in the escape character (blanks after it allowed) continues.
        let trimmed = line.trim_end_matches([' ', '\t', '\r']);
        let end = match trimmed.len() > at && trimmed.ends_with(escape) && !escaped_escape(trimmed, escape) {
            true => trimmed.len() - escape.len_utf8(),
            false => line.len(),
        };
        self.continuation = end < line.len();
        let mut word_start = at == 0 || line[..at].ends_with(char::is_whitespace);
        while at < end {
            let c = next_char(line, at);
            if c.is_whitespace() {
                let stop = scan(line, at, end, |c| c.is_whitespace());
                out.push(Kind::Plain, at, stop);
                at = stop;
                word_start = true;
                continue;
            }
            let starting = std::mem::replace(&mut word_start, false);
            if starting && self.flags {
                if line[at..end].starts_with("--") {
                    let stop = scan(line, at, end, |c| !c.is_whitespace());
                    out.push(Kind::Flag, at, stop);
                    at = stop;
                    continue;
                }
                self.flags = false;
            }
            if starting && self.heredoc_ok && line[at..end].starts_with("<<") {
                if let Some((stop, delimiter, strip_tabs)) = heredoc(line, at, end) {
                    out.push(Kind::Heredoc, at, stop);
                    self.heredocs.push_back((delimiter, strip_tabs));
                    at = stop;
                    continue;
                }
            }
            at = match c {
                '"' => self.double_quoted(line, at, end, out),
                '\'' => {
                    let stop = line[at + 1..end].find('\'').map_or(end, |n| at + 1 + n + 1);
                    out.push(Kind::String, at, stop);
                    stop
                }
                '$' => variable(line, at, end, Kind::Plain, out),
                c if c == escape => {
                    // An escaped character is itself: `\$HOME` names no variable.
                    let stop =
                        (at + c.len_utf8() + line[at + c.len_utf8()..end].chars().next().map_or(0, char::len_utf8))
                            .min(end);
                    out.push(Kind::Plain, at, stop);
                    stop
                }
                c => {
                    out.push(Kind::Plain, at, at + c.len_utf8());
                    at + c.len_utf8()
                }
            };
        }
        out.push(Kind::Escape, end, line.len());
    }

    /// A double-quoted string from `at`, its variables coloured as such; where it ends.
    fn double_quoted(&self, line: &str, start: usize, end: usize, out: &mut Out) -> usize {
        out.push(Kind::String, start, start + 1);
        let mut at = start + 1;
        while at < end {
            let c = next_char(line, at);
            match c {
                '"' => {
                    out.push(Kind::String, at, at + 1);
                    return at + 1;
                }
                '$' => at = variable(line, at, end, Kind::String, out),
                c if c == self.escape => {
                    let stop =
                        (at + c.len_utf8() + line[at + c.len_utf8()..end].chars().next().map_or(0, char::len_utf8))
                            .min(end);
                    out.push(Kind::String, at, stop);
                    at = stop;
                }
                c => {
                    out.push(Kind::String, at, at + c.len_utf8());
                    at += c.len_utf8();
                }
            }
        }
        end
    }
}

fn next_char(line: &str, at: usize) -> char {
    line[at..].chars().next().unwrap_or(' ')
}

/// Where the run of characters from `at` that satisfy `keep` stops, at most at `end`.
fn scan(line: &str, at: usize, end: usize, keep: impl Fn(char) -> bool) -> usize {
    line[at..end].find(|c: char| !keep(c)).map_or(end, |n| at + n)
}

/// Whether the escape character ending `text` is itself escaped (`\\` at the end of a line is a
/// backslash, not a continuation).
fn escaped_escape(text: &str, escape: char) -> bool {
    text.chars().rev().take_while(|&c| c == escape).count() % 2 == 0
}

/// `$NAME` or `${...}` from `at`, or a lone `$` as `otherwise`; where it ends.
fn variable(line: &str, at: usize, end: usize, otherwise: Kind, out: &mut Out) -> usize {
    let after = &line[at + 1..end];
    let stop = if after.starts_with('{') {
        after.find('}').map_or(end, |n| at + 1 + n + 1)
    } else if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        scan(line, at + 1, end, |c| c.is_ascii_alphanumeric() || c == '_')
    } else {
        out.push(otherwise, at, at + 1);
        return at + 1;
    };
    out.push(Kind::Variable, at, stop);
    stop
}

/// A heredoc marker from `at` (`<<EOF`, `<<-EOF`, `<<"EOF"`): where it ends, the delimiter, and
/// whether the body's leading tabs are stripped.
fn heredoc(line: &str, at: usize, end: usize) -> Option<(usize, String, bool)> {
    let mut i = at + 2;
    let strip_tabs = line[i..end].starts_with('-');
    if strip_tabs {
        i += 1;
    }
    let quote = line[i..end].chars().next().filter(|c| *c == '"' || *c == '\'');
    if quote.is_some() {
        i += 1;
    }
    let name_end = scan(line, i, end, |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if name_end == i {
        return None;
    }
    let delimiter = line[i..name_end].to_string();
    let mut stop = name_end;
    if let Some(q) = quote {
        if !line[stop..end].starts_with(q) {
            return None;
        }
        stop += 1;
    }
    Some((stop, delimiter, strip_tabs))
}

#[cfg(test)]
mod tests {
    use super::Kind::*;
    use super::*;

    fn one(line: &str) -> Tokens<'_> {
        dockerfile(line).remove(0)
    }

    #[test]
    fn a_run_line_with_flags_strings_variables_and_a_continuation() {
        let line = r#"RUN --mount=type=cache,target=/root/.cache pip install "flask==$VERSION" ${EXTRA:-x} \"#;
        assert_eq!(
            one(line),
            [
                (Keyword, "RUN"),
                (Plain, " "),
                (Flag, "--mount=type=cache,target=/root/.cache"),
                (Plain, " pip install "),
                (String, "\"flask=="),
                (Variable, "$VERSION"),
                (String, "\""),
                (Plain, " "),
                (Variable, "${EXTRA:-x}"),
                (Plain, " "),
                (Escape, "\\"),
            ]
        );
    }

    #[test]
    fn flags_come_only_before_the_first_argument() {
        assert_eq!(
            one("COPY --from=build --chown=app:app /out/ /srv/ --not-a-flag"),
            [
                (Keyword, "COPY"),
                (Plain, " "),
                (Flag, "--from=build"),
                (Plain, " "),
                (Flag, "--chown=app:app"),
                (Plain, " /out/ /srv/ --not-a-flag"),
            ]
        );
    }

    #[test]
    fn exec_form_is_strings_and_single_quotes_keep_dollars() {
        assert_eq!(
            one(r#"cmd ["cat", "index.html"]"#),
            [
                (Keyword, "cmd"),
                (Plain, " ["),
                (String, "\"cat\""),
                (Plain, ", "),
                (String, "\"index.html\""),
                (Plain, "]")
            ]
        );
        assert_eq!(
            one("ENV A='$HOME' B=\\$HOME"),
            [(Keyword, "ENV"), (Plain, " A="), (String, "'$HOME'"), (Plain, " B=\\$HOME")]
        );
    }

    #[test]
    fn comments_directives_and_continuations_across_lines() {
        let lines = dockerfile(
            "# syntax=docker/dockerfile:1\n# a comment\n# check=skip=all\nFROM toolbox:1 AS base\nRUN echo a \\\n  # dropped\n    && echo '#' # not a comment \\\\\nRUNN x\n",
        );
        assert_eq!(lines[0], [(Directive, "# syntax=docker/dockerfile:1")]);
        assert_eq!(lines[1], [(Comment, "# a comment")]);
        assert_eq!(lines[2], [(Comment, "# check=skip=all")], "directives stop at the first comment");
        assert_eq!(lines[3], [(Keyword, "FROM"), (Plain, " toolbox:1 AS base")]);
        assert_eq!(lines[4], [(Keyword, "RUN"), (Plain, " echo a "), (Escape, "\\")]);
        assert_eq!(lines[5], [(Plain, "  "), (Comment, "# dropped")]);
        assert_eq!(lines[6], [(Plain, "    && echo "), (String, "'#'"), (Plain, " # not a comment \\\\")]);
        assert_eq!(lines[7], [(Plain, "RUNN x")], "an unknown instruction is not coloured as one");
        assert_eq!(lines[8], []);
    }

    #[test]
    fn heredocs_run_to_their_delimiter() {
        let lines = dockerfile("RUN <<EOF bash\necho \"$HOME\"\nEOF\nCOPY <<-\"END\" /app/x\n\thello\n\tEND\nCMD x");
        assert_eq!(lines[0], [(Keyword, "RUN"), (Plain, " "), (Heredoc, "<<EOF"), (Plain, " bash")]);
        assert_eq!(lines[1], [(Heredoc, "echo \"$HOME\"")]);
        assert_eq!(lines[2], [(Heredoc, "EOF")]);
        assert_eq!(lines[3], [(Keyword, "COPY"), (Plain, " "), (Heredoc, "<<-\"END\""), (Plain, " /app/x")]);
        assert_eq!(lines[5], [(Heredoc, "\tEND")]);
        assert_eq!(lines[6], [(Keyword, "CMD"), (Plain, " x")]);
    }

    #[test]
    fn onbuild_colours_its_trigger_and_the_backtick_escapes() {
        assert_eq!(one("ONBUILD RUN make"), [(Keyword, "ONBUILD"), (Plain, " "), (Keyword, "RUN"), (Plain, " make")]);
        let lines = dockerfile("# escape=`\nRUN dir c:\\ `\n  && echo");
        assert_eq!(lines[0], [(Directive, "# escape=`")]);
        assert_eq!(lines[1], [(Keyword, "RUN"), (Plain, " dir c:\\ "), (Escape, "`")]);
        assert_eq!(lines[2], [(Plain, "  && echo")]);
    }

    #[test]
    fn tokens_put_together_are_the_line() {
        let source = "FROM a\nRUN \"unterminated $X\nRUN ${open\nRUN 'x\nLABEL é=\"ü$ß\" \\  \nRUN <<\nRUN <<'\n\tRUN\t--x\n$\n\\";
        for (tokens, line) in dockerfile(source).iter().zip(source.split('\n')) {
            let joined: std::string::String = tokens.iter().map(|(_, t)| *t).collect();
            assert_eq!(joined, line);
            assert!(tokens.windows(2).all(|w| w[0].0 != w[1].0), "{tokens:?}");
            assert!(tokens.iter().all(|(_, t)| !t.is_empty()), "{tokens:?}");
        }
    }
}
