//! Variable substitution as BuildKit's shell lexer does it: `$VAR`, `${VAR}`, the modifiers
//! `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?message}`, `${VAR?message}`,
//! `${VAR#pattern}`, `${VAR##pattern}`, `${VAR%pattern}`, `${VAR%%pattern}`,
//! `${VAR/pattern/replacement}` and `${VAR//pattern/replacement}`, with quotes and escapes
//! removed on the way (`'$HOME'` stays literal, `\$HOME` is `$HOME`).
//!
//! The same lexer, with quotes and escapes kept and unset variables left alone, is how the
//! parser finds heredoc openings on a line.

use super::pattern;
use super::words::is_space;
use crate::template::go_strconv_quote as go_quote;

/// Substitutions nested deeper than this are refused, so that no input can exhaust the stack
/// (BuildKit, on Go's growable stacks, has no limit).
const MAX_DEPTH: usize = 64;

/// Why a word could not be expanded, in BuildKit's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandProblem {
    #[error("syntax error: missing '}}'")]
    MissingBrace,
    #[error("syntax error: missing '/' in ${{}}")]
    MissingSlash,
    #[error("syntax error: bad substitution")]
    BadSubstitution,
    /// The modifier as written (`:=`); the end of the word shows as U+FFFD, as Go prints it.
    #[error("unsupported modifier ({0}) in substitution")]
    UnsupportedModifier(String),
    #[error("unexpected end of statement while looking for matching single-quote")]
    UnterminatedSingleQuote,
    #[error("unexpected end of statement while looking for matching double-quote")]
    UnterminatedDoubleQuote,
    /// `${VAR?message}` on an unset variable (or `${VAR:?message}` on an empty one).
    #[error("{name}: {message}")]
    Required { name: String, message: String },
    /// A `\` in a pattern before anything but `*`, `?` or `\`.
    #[error("invalid pattern ({pattern}) in substitution: invalid escape '\\{escaped}'")]
    InvalidPattern { pattern: String, escaped: char },
    #[error("syntax error: substitutions nested too deeply")]
    TooDeep,
}

/// A word that could not be expanded: `failed to process "${A:?}": A: is not allowed to be unset`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("failed to process {}: {problem}", go_quote(.word))]
pub struct ExpandError {
    pub word: String,
    pub problem: ExpandProblem,
}

/// Expands `word` with the variables `lookup` knows, removing quotes and escapes. Whitespace
/// stays as it is: `ENV`, `WORKDIR`, `COPY` and most other instructions take one word this way.
pub fn expand(word: &str, lookup: &dyn Fn(&str) -> Option<String>, escape: char) -> Result<String, ExpandError> {
    Lexer::new(word, escape, Options::default(), lookup).word()
}

/// Expands `word` and then splits it into words at unquoted whitespace, including whitespace
/// that came from a variable's value, as `EXPOSE` does (`EXPOSE $PORTS` with `PORTS="80 443"` is
/// two ports). Empty words are dropped.
pub fn expand_words(
    word: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    escape: char,
) -> Result<Vec<String>, ExpandError> {
    Lexer::new(word, escape, Options::default(), lookup).words()
}

/// How the lexer treats what it reads.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Options {
    /// Keep quote characters in the output.
    pub raw_quotes: bool,
    /// Keep escape characters in the output.
    pub raw_escapes: bool,
    /// Leave `$VAR` and `${VAR...}` as written when `VAR` is unset.
    pub skip_unset: bool,
}

pub(super) struct Lexer<'a> {
    source: &'a str,
    chars: Vec<char>,
    pos: usize,
    escape: char,
    options: Options,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    depth: usize,
}

/// Word splitting alongside the expanded text: characters from variables split at whitespace,
/// characters from quotes, escapes and heredoc markers do not.
#[derive(Default)]
struct Words {
    buf: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, c: char) {
        if !is_space(c) {
            self.add_raw_char(c);
        } else if self.in_word && !self.buf.is_empty() {
            self.words.push(std::mem::take(&mut self.buf));
            self.in_word = false;
        }
    }

    fn add_raw_char(&mut self, c: char) {
        self.buf.push(c);
        self.in_word = true;
    }

    fn add_str(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_str(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.buf.is_empty() {
            self.words.push(self.buf);
        }
        self.words
    }
}

impl<'a> Lexer<'a> {
    pub(super) fn new(
        source: &'a str,
        escape: char,
        options: Options,
        lookup: &'a dyn Fn(&str) -> Option<String>,
    ) -> Self {
        Lexer { source, chars: source.chars().collect(), pos: 0, escape, options, lookup, depth: 0 }
    }

    pub(super) fn word(mut self) -> Result<String, ExpandError> {
        let raw = self.options.raw_escapes;
        match self.read_until(None, raw) {
            Ok((text, _)) => Ok(text),
            Err(problem) => Err(ExpandError { word: self.source.to_string(), problem }),
        }
    }

    pub(super) fn words(mut self) -> Result<Vec<String>, ExpandError> {
        let raw = self.options.raw_escapes;
        match self.read_until(None, raw) {
            Ok((_, words)) => Ok(words),
            Err(problem) => Err(ExpandError { word: self.source.to_string(), problem }),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// Reads up to `stop` (consumed) or the end, with escapes kept or not; returns the text and
    /// its words. Without `stop`, the end is fine; with it, the end is an error for the caller
    /// to word.
    fn read_until(&mut self, stop: Option<char>, raw_escapes: bool) -> Result<(String, Vec<String>), ExpandProblem> {
        let saved = self.options.raw_escapes;
        self.options.raw_escapes = raw_escapes;
        let result = self.read_until_inner(stop);
        self.options.raw_escapes = saved;
        result
    }

    fn read_until_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), ExpandProblem> {
        let mut text = String::new();
        let mut words = Words::default();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok((text, words.finish()));
            }
            match c {
                '$' => {
                    let value = self.dollar()?;
                    words.add_str(&value);
                    text.push_str(&value);
                }
                '<' => {
                    let marker = self.possible_heredoc();
                    words.add_raw_str(&marker);
                    text.push_str(&marker);
                }
                '\'' => {
                    let quoted = self.single_quoted()?;
                    words.add_raw_str(&quoted);
                    text.push_str(&quoted);
                }
                '"' => {
                    let quoted = self.double_quoted()?;
                    words.add_raw_str(&quoted);
                    text.push_str(&quoted);
                }
                _ => {
                    self.pos += 1;
                    if c != self.escape {
                        words.add_char(c);
                        text.push(c);
                        continue;
                    }
                    if self.options.raw_escapes {
                        words.add_raw_char(c);
                        text.push(c);
                    }
                    // An escape at the very end is dropped.
                    let Some(escaped) = self.next() else { break };
                    words.add_raw_char(escaped);
                    text.push(escaped);
                }
            }
        }
        match stop {
            // The callers replace this with their own wording; it is never shown.
            Some(_) => Err(ExpandProblem::MissingBrace),
            None => Ok((text, words.finish())),
        }
    }

    /// A word inside `${...}`, up to `stop`; reaching the end instead reads as `missing`.
    fn nested(&mut self, stop: char, raw_escapes: bool, missing: ExpandProblem) -> Result<String, ExpandProblem> {
        if self.depth >= MAX_DEPTH {
            return Err(ExpandProblem::TooDeep);
        }
        self.depth += 1;
        let result = self.read_until(Some(stop), raw_escapes);
        self.depth -= 1;
        match result {
            Ok((text, _)) => Ok(text),
            Err(ExpandProblem::TooDeep) => Err(ExpandProblem::TooDeep),
            Err(_) if self.peek().is_none() => Err(missing),
            Err(problem) => Err(problem),
        }
    }

    fn single_quoted(&mut self) -> Result<String, ExpandProblem> {
        let mut out = String::new();
        self.pos += 1;
        if self.options.raw_quotes {
            out.push('\'');
        }
        loop {
            match self.next() {
                None => return Err(ExpandProblem::UnterminatedSingleQuote),
                Some('\'') => {
                    if self.options.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quoted(&mut self) -> Result<String, ExpandProblem> {
        let mut out = String::new();
        self.pos += 1;
        if self.options.raw_quotes {
            out.push('"');
        }
        loop {
            match self.peek() {
                None => return Err(ExpandProblem::UnterminatedDoubleQuote),
                Some('"') => {
                    self.pos += 1;
                    if self.options.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let value = self.dollar()?;
                    out.push_str(&value);
                }
                Some(mut c) => {
                    self.pos += 1;
                    if c == self.escape {
                        if self.options.raw_escapes {
                            out.push(c);
                        }
                        match self.peek() {
                            None => continue,
                            // Only these can be escaped inside double quotes; any other escape
                            // stays as written.
                            Some(next) if next == '"' || next == '$' || next == self.escape => {
                                self.pos += 1;
                                c = next;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// `<<` and the whitespace after it stay one word with the delimiter that follows.
    fn possible_heredoc(&mut self) -> String {
        self.pos += 1;
        if self.peek() != Some('<') {
            return "<".to_string();
        }
        self.pos += 1;
        let mut marker = "<<".to_string();
        while let Some(c @ ('\t' | '\r' | ' ')) = self.peek() {
            marker.push(c);
            self.pos += 1;
        }
        marker
    }

    fn lookup(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    /// A variable name: letters, digits and `_`; or all the digits of a positional parameter;
    /// or one special parameter character.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && c.is_numeric() {
                while let Some(d) = self.peek().filter(|d| d.is_numeric()) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += 1;
                return c.to_string();
            }
            if !c.is_alphanumeric() && c != '_' {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn dollar(&mut self) -> Result<String, ExpandProblem> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.options.skip_unset => format!("${name}"),
                None => String::new(),
            });
        }
        self.pos += 1;
        match self.peek() {
            None => return Err(ExpandProblem::MissingBrace),
            Some('{' | '}' | ':') => return Err(ExpandProblem::BadSubstitution),
            Some(_) => {}
        }
        let name = self.name();
        // Go's scanner reads the end as -1, which prints as U+FFFD.
        let shown = |c: Option<char>| c.unwrap_or('\u{fffd}');
        let first = self.next();
        match first {
            Some('}') => Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.options.skip_unset => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let mut modifier = shown(first).to_string();
                let null_is_unset = first == Some(':');
                let mut op = first;
                if null_is_unset {
                    op = self.next();
                    modifier.push(shown(op));
                }
                let pattern_op = matches!(op, Some('#' | '%'));
                if null_is_unset && pattern_op {
                    return Err(ExpandProblem::UnsupportedModifier(modifier));
                }
                let word = self.nested('}', pattern_op, ExpandProblem::MissingBrace)?;
                let value = self.lookup(&name);
                if self.options.skip_unset && value.is_none() {
                    return Ok(format!("${{{name}{modifier}{word}}}"));
                }
                let unset = match &value {
                    None => true,
                    Some(v) => null_is_unset && v.is_empty(),
                };
                match op {
                    Some('-') => Ok(if unset { word } else { value.unwrap_or_default() }),
                    Some('+') => Ok(if unset { String::new() } else { word }),
                    Some('?') => {
                        let default = match value {
                            None => "is not allowed to be unset",
                            Some(_) if unset => "is not allowed to be empty",
                            Some(value) => return Ok(value),
                        };
                        let message = if word.is_empty() { default.to_string() } else { word };
                        Err(ExpandProblem::Required { name, message })
                    }
                    Some(op @ ('#' | '%')) => {
                        let (greedy, word) = match word.strip_prefix(op) {
                            Some(rest) => (true, rest.to_string()),
                            None => (false, word),
                        };
                        let value = value.unwrap_or_default();
                        if op == '%' {
                            pattern::trim_suffix(&word, &value, greedy)
                        } else {
                            pattern::trim_prefix(&word, &value, greedy)
                        }
                    }
                    _ => Err(ExpandProblem::UnsupportedModifier(modifier)),
                }
            }
            Some('/') => {
                let all = self.peek() == Some('/');
                if all {
                    self.pos += 1;
                }
                let pattern = self.nested('/', true, ExpandProblem::MissingSlash)?;
                let replacement = self.nested('}', true, ExpandProblem::MissingBrace)?;
                match self.lookup(&name) {
                    None if self.options.skip_unset => Ok(format!("${{{name}/{pattern}/{replacement}}}")),
                    value => pattern::replace(&pattern, &value.unwrap_or_default(), &replacement, all),
                }
            }
            other => Err(ExpandProblem::UnsupportedModifier(shown(other).to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn env(name: &str) -> Option<String> {
        match name {
            "foo" => Some("/bar".into()),
            "HOME" => Some("/root".into()),
            "EMPTY" => Some(String::new()),
            "SPACED" => Some(" a  b ".into()),
            "FILE" => Some("/src/app.tar.gz".into()),
            _ => None,
        }
    }

    fn ok(word: &str) -> String {
        expand(word, &env, '\\').unwrap_or_else(|e| panic!("{word:?}: {e}"))
    }

    fn err(word: &str) -> String {
        expand(word, &env, '\\').unwrap_err().to_string()
    }

    #[test]
    fn the_references_substitutions() {
        assert_eq!(ok("${foo}_bar"), "/bar_bar");
        assert_eq!(ok("$foo"), "/bar");
        assert_eq!(ok("\\$foo"), "$foo");
        assert_eq!(ok("\\${foo}"), "${foo}");
        assert_eq!(ok("${nope:-word}"), "word");
        assert_eq!(ok("${EMPTY:-word}"), "word");
        assert_eq!(ok("${EMPTY-word}"), "");
        assert_eq!(ok("${foo:-word}"), "/bar");
        assert_eq!(ok("${foo:+word}"), "word");
        assert_eq!(ok("${EMPTY:+word}"), "");
        assert_eq!(ok("${EMPTY+word}"), "word");
        assert_eq!(ok("${nope:+word}"), "");
        assert_eq!(ok("${nope:-${foo:-x}/y}"), "/bar/y");
        assert_eq!(ok("${FILE##*/}"), "app.tar.gz");
        assert_eq!(ok("${FILE#*/}"), "src/app.tar.gz");
        assert_eq!(ok("${FILE%.*}"), "/src/app.tar");
        assert_eq!(ok("${FILE%%.*}"), "/src/app");
        assert_eq!(ok("${FILE/a/A}"), "/src/App.tar.gz");
        assert_eq!(ok("${FILE//a/A}"), "/src/App.tAr.gz");
        assert_eq!(ok("${foo:?}"), "/bar");
    }

    #[test]
    fn quotes_and_escapes_are_removed() {
        assert_eq!(ok("\"$foo  x\""), "/bar  x");
        assert_eq!(ok("'$foo'"), "$foo");
        assert_eq!(ok("\"a\\\"b\\c\""), "a\"b\\c");
        assert_eq!(ok("a\\ b"), "a b");
        assert_eq!(ok("trailing\\"), "trailing");
        assert_eq!(ok("$1x $@ $"), "x  $");
        assert_eq!(ok("he$.x"), "he$.x");
        assert_eq!(expand("`$foo \\$foo", &env, '`').unwrap(), "$foo \\/bar");
    }

    #[test]
    fn words_split_after_substitution() {
        let words = |w: &str| expand_words(w, &env, '\\').unwrap();
        assert_eq!(words("80 443/tcp"), ["80", "443/tcp"]);
        assert_eq!(words("x${SPACED}y"), ["x", "a", "b", "y"]);
        assert_eq!(words("\"${SPACED}\" z"), [" a  b ", "z"]);
        assert_eq!(words("a \"\" b"), ["a", "b"]);
    }

    #[test]
    fn errors_in_buildkits_words() {
        for (word, want) in [
            ("${", "syntax error: missing '}'"),
            ("${foo:-x", "syntax error: missing '}'"),
            ("${}", "syntax error: bad substitution"),
            ("${:-x}", "syntax error: bad substitution"),
            ("${foo", "unsupported modifier (\u{fffd}) in substitution"),
            ("${foo:=x}", "unsupported modifier (:=) in substitution"),
            ("${foo:#x}", "unsupported modifier (:#) in substitution"),
            ("${foo/x", "syntax error: missing '/' in ${}"),
            ("${nope:?}", "nope: is not allowed to be unset"),
            ("${EMPTY:?must be set}", "EMPTY: must be set"),
            ("${nope?}", "nope: is not allowed to be unset"),
            ("'abc", "unexpected end of statement while looking for matching single-quote"),
            ("\"abc\\\"", "unexpected end of statement while looking for matching double-quote"),
        ] {
            assert_eq!(err(word), format!("failed to process {}: {want}", go_quote(word)), "{word:?}");
        }
        let deep = "${a:-".repeat(100) + &"}".repeat(100);
        assert_eq!(expand(&deep, &env, '\\').unwrap_err().problem, ExpandProblem::TooDeep);
        let fine = "${a:-".repeat(60) + "x" + &"}".repeat(60);
        assert_eq!(ok(&fine), "x");
    }
}
