//! `.dockerignore`: which paths of the build context the builder leaves out.
//!
//! Lines starting with `#` are comments; the others are trimmed, cleaned as paths (`./a`, `/a`
//! and `a/` are all `a`) and read as Go `filepath.Match` patterns plus `**`, which matches any
//! number of directories. A leading `!` makes an exception. Every pattern is tried in order and
//! the last one that matches a path, or any of its parent directories, decides: so `a` then
//! `!a/keep` leaves out everything under `a` but `a/keep`. This is Docker's `patternmatcher`
//! with its `MatchesOrParentMatches`, over paths relative to the context root with `/`.

/// A `.dockerignore` that Docker would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    /// An unclosed `[`, an empty class, a trailing `\`, an escaped letter: Go's
    /// `filepath.ErrBadPattern`, which Docker reports.
    #[error("syntax error in pattern")]
    BadPattern { pattern: String },
    #[error("illegal exclusion pattern: \"!\"")]
    IllegalExclusion,
}

/// The parsed patterns of a `.dockerignore`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ignore {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    /// `!pattern`: a match puts the path back in.
    exception: bool,
    matcher: Matcher,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    /// A pattern whose only wildcard is a leading `**`: the path ends with the rest (Docker takes
    /// this short cut, so `**foo` matches `xfoo` as well as `a/foo`).
    Suffix(String),
    /// Everything else, matched whole.
    Tokens(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`: one character other than `/`.
    One,
    /// `*`: any run of characters other than `/`.
    Star,
    /// `**` (or `**/`) before more pattern: nothing, or anything ending with `/`.
    Dirs,
    /// `**` at the end: anything.
    Rest,
    /// `[a-z]`, `[^abc]`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// A bare `^`, which Docker's regular expression reads as the start of the path.
    Caret,
}

impl Ignore {
    /// Parses a `.dockerignore`, dropping the patterns Docker would refuse (see [`Ignore::try_parse`]).
    pub fn parse(dockerignore: &str) -> Ignore {
        let patterns = lines(dockerignore).filter_map(|line| compile(&line).ok()).collect();
        Ignore { patterns }
    }

    /// Parses a `.dockerignore`, refusing it as Docker does when a pattern is malformed.
    pub fn try_parse(dockerignore: &str) -> Result<Ignore, IgnoreError> {
        let patterns = lines(dockerignore).map(|line| compile(&line)).collect::<Result<_, _>>()?;
        Ok(Ignore { patterns })
    }

    /// Whether the builder leaves `path` out of the context. `path` is relative to the context
    /// root, with `/` (a leading `/` or `./` is fine); the root itself is never left out.
    pub fn excludes(&self, path: &str) -> bool {
        let file = clean(path);
        let file = match file.strip_prefix('/') {
            Some("") => ".",
            Some(rest) => rest,
            None => &file,
        };
        if file == "." {
            return false;
        }
        let parents: Vec<&str> = match file.rfind('/') {
            Some(i) => file[..i].split('/').collect(),
            None => Vec::new(),
        };
        let mut excluded = false;
        for pattern in &self.patterns {
            // Only a pattern that could change the answer is tried.
            if pattern.exception != excluded {
                continue;
            }
            let matched =
                pattern.matches(file) || (1..=parents.len()).any(|n| pattern.matches(&parents[..n].join("/")));
            if matched {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// The pattern lines: comments and blank lines dropped, whitespace trimmed, paths cleaned and
/// made relative, as Docker reads the file.
fn lines(dockerignore: &str) -> impl Iterator<Item = String> + '_ {
    let text = dockerignore.strip_prefix('\u{feff}').unwrap_or(dockerignore);
    text.lines().filter(|line| !line.starts_with('#')).filter_map(|line| {
        let mut pattern = line.trim();
        if pattern.is_empty() {
            return None;
        }
        let exception = pattern.starts_with('!');
        if exception {
            pattern = pattern[1..].trim();
        }
        let mut cleaned = String::new();
        if !pattern.is_empty() {
            cleaned = clean(pattern);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
        }
        Some(if exception { format!("!{cleaned}") } else { cleaned })
    })
}

/// Go's `filepath.Clean` with `/`: no empty, `.` or resolvable `..` elements, no trailing `/`.
fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                // Above the root there is nothing to go back from.
                _ if rooted => {}
                _ => parts.push(".."),
            },
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// How Docker's pattern matcher ends up matching a pattern, which decides what `^` means and
/// whether a leading `**` is a plain suffix test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    Exact,
    Prefix,
    Suffix,
    Regexp,
}

/// An escaped character: ASCII punctuation stands for itself, in `filepath.Match` and in the
/// regular expression Docker builds alike. Docker turns any other escape into a regular
/// expression escape (`\d` is a digit, `\q` does not compile): those are refused here.
fn escaped(c: Option<char>) -> Option<char> {
    c.filter(char::is_ascii_punctuation)
}

/// One line as Docker's pattern matcher takes it.
fn compile(line: &str) -> Result<Pattern, IgnoreError> {
    let mut text = clean(line.trim());
    let exception = text.starts_with('!');
    if exception {
        if text.len() == 1 {
            return Err(IgnoreError::IllegalExclusion);
        }
        text.remove(0);
    }
    let bad = || IgnoreError::BadPattern { pattern: text.clone() };
    let mut tokens = Vec::new();
    let mut detected = Detected::Exact;
    let mut chars = text.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let at_start = std::mem::replace(&mut first, false);
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    tokens.push(Token::Rest);
                    if detected != Detected::Exact {
                        detected = Detected::Regexp;
                    } else {
                        detected = Detected::Prefix;
                    }
                } else {
                    tokens.push(Token::Dirs);
                    detected = Detected::Regexp;
                }
                if at_start {
                    detected = Detected::Suffix;
                }
            }
            '*' | '?' => {
                tokens.push(if c == '*' { Token::Star } else { Token::One });
                detected = Detected::Regexp;
            }
            '\\' => {
                tokens.push(Token::Char(escaped(chars.next()).ok_or_else(bad)?));
                detected = Detected::Regexp;
            }
            '[' => {
                tokens.push(class(&mut chars).ok_or_else(bad)?);
                detected = Detected::Regexp;
            }
            ']' => {
                tokens.push(Token::Char(c));
                detected = Detected::Regexp;
            }
            '^' => tokens.push(Token::Caret),
            c => tokens.push(Token::Char(c)),
        }
    }
    if detected == Detected::Suffix {
        return Ok(Pattern { exception, matcher: Matcher::Suffix(text[2..].to_string()) });
    }
    // In a regular expression a bare `^` anchors at the start; otherwise it is a character.
    for token in &mut tokens {
        if *token == Token::Caret && detected != Detected::Regexp {
            *token = Token::Char('^');
        }
    }
    Ok(Pattern { exception, matcher: Matcher::Tokens(tokens) })
}

/// A character class after its `[`, with `filepath.Match`'s syntax: `^` negates, then one or
/// more characters or ranges (`\` escapes), then `]`. `None` is a malformed class.
fn class(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<Token> {
    let negated = chars.next_if_eq(&'^').is_some();
    let mut ranges = Vec::new();
    let one = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| match chars.next()? {
        '-' | ']' => None,
        '\\' => escaped(chars.next()),
        c => Some(c),
    };
    loop {
        if !ranges.is_empty() && chars.next_if_eq(&']').is_some() {
            return Some(Token::Class { negated, ranges });
        }
        let lo = one(chars)?;
        let hi = if chars.next_if_eq(&'-').is_some() { one(chars)? } else { lo };
        // Go's regular expressions refuse a backwards range, so Docker's matcher does.
        if hi < lo {
            return None;
        }
        ranges.push((lo, hi));
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match &self.matcher {
            Matcher::Suffix(suffix) => {
                path.ends_with(suffix.as_str()) || suffix.strip_prefix('/').is_some_and(|rest| path == rest)
            }
            Matcher::Tokens(tokens) => matches_tokens(tokens, path),
        }
    }
}

/// Whether `tokens` match all of `path`, working from the last token back with one pass over
/// the path per token, so no pattern takes more than linear time per token. Docker matches
/// with a Go regular expression, whose `.` does not match a newline: `**` stops at one too.
fn matches_tokens(tokens: &[Token], path: &str) -> bool {
    let text: Vec<char> = path.chars().collect();
    let len = text.len();
    let mut next: Vec<bool> = (0..=len).map(|pos| pos == len).collect();
    for token in tokens.iter().rev() {
        let mut current = vec![false; len + 1];
        let one = |test: &dyn Fn(char) -> bool, current: &mut Vec<bool>| {
            for pos in 0..len {
                current[pos] = test(text[pos]) && next[pos + 1];
            }
        };
        match token {
            Token::Char(c) => one(&|t| t == *c, &mut current),
            Token::One => one(&|t| t != '/', &mut current),
            Token::Class { negated, ranges } => {
                one(&|t| ranges.iter().any(|&(lo, hi)| lo <= t && t <= hi) != *negated, &mut current)
            }
            Token::Caret => current[0] = next[0],
            Token::Star | Token::Rest => {
                let wall = if *token == Token::Star { '/' } else { '\n' };
                let mut reachable = false;
                for pos in (0..=len).rev() {
                    if pos < len && text[pos] == wall {
                        reachable = false;
                    }
                    reachable |= next[pos];
                    current[pos] = reachable;
                }
            }
            Token::Dirs => {
                let mut after_slash = false;
                for pos in (0..=len).rev() {
                    if pos < len {
                        if text[pos] == '\n' {
                            after_slash = false;
                        } else if text[pos] == '/' && next[pos + 1] {
                            after_slash = true;
                        }
                    }
                    current[pos] = next[pos] || after_slash;
                }
            }
        }
        next = current;
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn check(dockerignore: &str, cases: &[(&str, bool)]) {
        let ignore = Ignore::try_parse(dockerignore).unwrap();
        for (path, excluded) in cases {
            assert_eq!(ignore.excludes(path), *excluded, "{dockerignore:?} on {path:?}");
        }
    }

    #[test]
    fn the_reference_example() {
        // The example from Docker's build context documentation.
        check(
            "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
            &[
                ("somedir/temporary.txt", true),
                ("somedir/temp", true),
                ("somedir/subdir/temporary.txt", true),
                ("tempa", true),
                ("tempb", true),
                ("temp", false),
                ("temporary.txt", false),
                ("a/b/c/temp", false),
            ],
        );
    }

    #[test]
    fn exceptions_and_the_last_match_wins() {
        check(
            "*.md\n!README*.md\nREADME-secret.md\n",
            &[("CHANGES.md", true), ("README.md", false), ("README-secret.md", true)],
        );
        check("*.md\nREADME-secret.md\n!README*.md\n", &[("README-secret.md", false), ("x.md", true)]);
        check(
            "node_modules\n!node_modules/keep\n",
            &[
                ("node_modules", true),
                ("node_modules/a/b.js", true),
                ("node_modules/keep", false),
                ("node_modules/keep/x", false),
            ],
        );
    }

    #[test]
    fn double_stars_parents_and_cleaning() {
        check("**/*.go\n", &[("a.go", true), ("a/b/c.go", true), ("a/b/c.rs", false)]);
        check("**/node_modules\n", &[("node_modules", true), ("x/node_modules/y", true), ("xnode_modules", false)]);
        check("**foo\n", &[("xfoo", true), ("a/foo", true), ("foox", false)]);
        check("a/**/b\n", &[("a/b", true), ("a/x/y/b", true), ("a/xb", false)]);
        check("dist/**\n", &[("dist", false), ("dist/a", true), ("dist/a/b", true)]);
        check("**\n", &[("anything", true), ("a/b", true)]);
        check(
            "/build/\n./tmp\n  spaced  \n",
            &[
                ("build/x", true),
                ("tmp", true),
                ("/tmp/a", true),
                ("./tmp", true),
                ("spaced", true),
                ("src", false),
                (".", false),
                ("", false),
            ],
        );
        check(" # not a comment\n", &[("# not a comment", true)]);
        check("a/../b\n", &[("b", true), ("a", false)]);
    }

    #[test]
    fn classes_and_escapes() {
        // A bare `^` anchors once Docker has made a regular expression of the pattern, and is a
        // plain character in a pattern without wildcards.
        check("^top*\nx^y*\n", &[("top", true), ("topx", true), ("^top", false), ("x^yz", false)]);
        check("^lit\n", &[("^lit", true), ("lit", false)]);
        check(
            "file[0-9].txt\n[^a]x\n\\*star\n",
            &[
                ("file1.txt", true),
                ("filea.txt", false),
                ("bx", true),
                ("ax", false),
                ("*star", true),
                ("xstar", false),
            ],
        );
    }

    #[test]
    fn malformed_patterns() {
        assert_eq!(Ignore::try_parse("ok\n[abc\n"), Err(IgnoreError::BadPattern { pattern: "[abc".into() }));
        assert!(Ignore::try_parse("[]a]\n").is_err());
        assert!(Ignore::try_parse("trailing\\\n").is_err());
        assert!(Ignore::try_parse("[z-a]\n").is_err());
        assert!(Ignore::try_parse("\\q\n").is_err());
        assert_eq!(Ignore::try_parse("!\n").unwrap_err().to_string(), "illegal exclusion pattern: \"!\"");
        // The lenient reading keeps the patterns that are fine.
        assert!(Ignore::parse("[abc\nsecret\n").excludes("secret"));
    }

    #[test]
    fn clean_is_go_filepath_clean() {
        for (path, want) in
            [("", "."), ("a//b/./c/", "a/b/c"), ("../a/../..", "../.."), ("/../a", "/a"), ("/", "/"), ("./", ".")]
        {
            assert_eq!(clean(path), want, "{path:?}");
        }
    }
}
