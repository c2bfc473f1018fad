//! The first phase's readings of an instruction's line: its name, its `--flags`, and its arguments
//! in the shape each instruction takes (JSON arrays, whitespace-separated words, `name=value`
//! pairs), with BuildKit's rules for quotes and escapes at this stage.

/// What the first phase makes of an instruction's arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Args {
    pub words: Vec<String>,
    /// The arguments were a JSON array of strings (exec form).
    pub json: bool,
}

impl Args {
    fn words(words: Vec<String>) -> Args {
        Args { words, json: false }
    }
}

/// Go's `unicode.IsSpace`, which BuildKit uses to trim and to separate words. Rust's
/// `char::is_whitespace` is the same set (Unicode's White_Space).
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsSpace` on a single byte, as BuildKit's flag and `HEALTHCHECK` readers apply it:
/// only ASCII whitespace counts, so a non-ASCII space such as U+00A0 is part of a word there.
fn is_ascii_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// The characters of BuildKit's `[\t\v\f\r ]+`, which separates an instruction's name from its
/// arguments and whitespace-delimited arguments from each other.
fn is_separator(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// Splits at runs of separators, keeping empty pieces at the ends as Go's `regexp.Split` does;
/// with `limit`, into at most that many pieces, the last one holding the rest.
fn split_separators(text: &str, limit: Option<usize>) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_separator(c) {
            continue;
        }
        if limit.is_some_and(|limit| pieces.len() + 1 >= limit) {
            break;
        }
        pieces.push(&text[start..i]);
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if !is_separator(d) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        start = end;
    }
    pieces.push(&text[start..]);
    pieces
}

/// An instruction's line cut into its name, its flags (`--chown=1:1`, quotes and escapes
/// removed) and the rest, trimmed.
pub(super) fn split_command(line: &str, escape: char) -> (String, Vec<String>, String) {
    let trimmed = line.trim_matches(is_space);
    let mut pieces = split_separators(trimmed, Some(2)).into_iter();
    let name = pieces.next().unwrap_or_default().to_string();
    match pieces.next() {
        Some(rest) => {
            let (rest, flags) = extract_flags(rest, escape);
            (name, flags, rest.trim_matches(is_space).to_string())
        }
        None => (name, Vec::new(), String::new()),
    }
}

/// Takes the leading words that start with `--` off `line`. A bare `--` ends the flags.
fn extract_flags(line: &str, escape: char) -> (&str, Vec<String>) {
    let mut flags = Vec::new();
    let mut chars = line.char_indices().peekable();
    loop {
        // Between words: stop at the first one that is not a flag.
        while chars.peek().is_some_and(|&(_, c)| is_ascii_space(c)) {
            chars.next();
        }
        let Some(&(start, _)) = chars.peek() else { return ("", flags) };
        if !line[start..].starts_with("--") {
            return (&line[start..], flags);
        }
        let mut word = String::new();
        // A quoted empty string still makes a word (`--x=""` is not dropped).
        let mut quoted = false;
        let mut quote = None;
        let mut end_of_word = None;
        while let Some((i, c)) = chars.next() {
            match quote {
                None if is_space(c) => {
                    end_of_word = Some(i);
                    break;
                }
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    quoted = true;
                }
                Some(q) if c == q => quote = None,
                _ if c == escape => match chars.next() {
                    Some((_, next)) => word.push(next),
                    // An escape at the very end is dropped, and ends any quote.
                    None => quote = None,
                },
                _ => word.push(c),
            }
        }
        if word == "--" {
            return (end_of_word.map_or("", |i| &line[i..]), flags);
        }
        if quoted || !word.is_empty() {
            flags.push(word);
        }
        if end_of_word.is_none() {
            return ("", flags);
        }
    }
}

/// Words separated by whitespace, with quotes and escapes kept in them for the builder's
/// substitution to resolve (`a "b c"` is `a` and `"b c"`).
pub(super) fn parse_words(rest: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut blank_ok = false;
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if !in_word {
            if is_space(c) {
                continue;
            }
            in_word = true;
        }
        match quote {
            None => {
                if is_space(c) {
                    if blank_ok || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    blank_ok = false;
                    in_word = false;
                    continue;
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    blank_ok = true;
                }
                if c == escape {
                    // An escape keeps itself and the next character, quote or not.
                    if let Some(next) = chars.next() {
                        word.push(c);
                        word.push(next);
                    }
                    continue;
                }
                word.push(c);
            }
            Some(q) => {
                if c == q {
                    quote = None;
                }
                // Nothing escapes inside single quotes.
                if c == escape && q != '\'' {
                    match chars.next() {
                        Some(next) => {
                            word.push(c);
                            word.push(next);
                        }
                        None => quote = None,
                    }
                    continue;
                }
                word.push(c);
            }
        }
    }
    if in_word && (blank_ok || !word.is_empty()) {
        words.push(word);
    }
    words
}

/// Why arguments are not an exec-form array.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NotJson {
    /// Not a JSON array at all: the arguments are in shell form.
    Shell,
    /// A JSON array with something other than strings in it, which BuildKit refuses.
    NotStrings,
}

pub(super) const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// The arguments as a JSON array of strings.
pub(super) fn parse_json(rest: &str) -> Result<Vec<String>, NotJson> {
    let rest = rest.trim_start_matches(is_space);
    if !rest.starts_with('[') {
        return Err(NotJson::Shell);
    }
    let values: Vec<serde_json::Value> = serde_json::from_str(rest).map_err(|_| NotJson::Shell)?;
    values
        .into_iter()
        .map(|value| match value {
            serde_json::Value::String(s) => Ok(s),
            _ => Err(NotJson::NotStrings),
        })
        .collect()
}

/// `CMD`, `ENTRYPOINT`, `RUN`, `SHELL`: a JSON array, or the whole text as one argument.
pub(super) fn maybe_json(rest: &str) -> Result<Args, String> {
    if rest.is_empty() {
        return Ok(Args::default());
    }
    match parse_json(rest) {
        Ok(words) => Ok(Args { words, json: true }),
        Err(NotJson::NotStrings) => Err(NOT_STRINGS.to_string()),
        Err(NotJson::Shell) => Ok(Args::words(vec![rest.to_string()])),
    }
}

/// `ADD`, `COPY`, `VOLUME`: a JSON array, or whitespace-separated words.
pub(super) fn maybe_json_list(rest: &str) -> Result<Args, String> {
    match parse_json(rest) {
        Ok(words) => Ok(Args { words, json: true }),
        Err(NotJson::NotStrings) => Err(NOT_STRINGS.to_string()),
        Err(NotJson::Shell) => Ok(whitespace_words(rest)),
    }
}

/// `FROM`, `EXPOSE`: words separated by whitespace, nothing else special.
pub(super) fn whitespace_words(rest: &str) -> Args {
    if rest.is_empty() {
        return Args::default();
    }
    Args::words(split_separators(rest, None).into_iter().map(str::to_string).collect())
}

/// `MAINTAINER`, `STOPSIGNAL`, `USER`, `WORKDIR`: the whole text as one argument.
pub(super) fn whole(rest: &str) -> Args {
    if rest.is_empty() {
        return Args::default();
    }
    Args::words(vec![rest.to_string()])
}

/// `ENV` and `LABEL`: `name=value ...`, or the legacy `name value` with everything after the
/// first whitespace as the value. Pairs come out as triples of name, value, and `=` (or the
/// empty string for the legacy form), the shape BuildKit checks in its second phase.
pub(super) fn name_values(rest: &str, instruction: &str, escape: char) -> Result<Args, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else { return Ok(Args::default()) };
    if !first.contains('=') {
        let pieces = split_separators(rest, Some(2));
        let [name, value] = pieces.as_slice() else {
            return Err(format!("{instruction} must have two arguments"));
        };
        return Ok(Args::words(vec![name.to_string(), value.to_string(), String::new()]));
    }
    let mut triples = Vec::with_capacity(words.len() * 3);
    for word in words {
        let Some((name, value)) = word.split_once('=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                crate::template::go_strconv_quote(&word)
            ));
        };
        triples.extend([name.to_string(), value.to_string(), "=".to_string()]);
    }
    Ok(Args::words(triples))
}

/// `HEALTHCHECK`: the type (`CMD`, `NONE`) and then a command as `CMD` takes it.
pub(super) fn health(rest: &str) -> Result<Args, String> {
    // BuildKit looks for the end of the type byte by byte, so the byte 0xA0 of a no-break space
    // ends it too, and only ASCII whitespace is skipped after it.
    let end = rest.find(|c: char| is_ascii_space(c) || c == '\u{a0}' || c == '\u{85}').unwrap_or(rest.len());
    if end == 0 {
        return Ok(Args::default());
    }
    let first = &rest[..end];
    let after = rest[end..].chars().next().map_or(end, |c| end + c.len_utf8());
    let command = maybe_json(rest[after..].trim_start_matches(is_ascii_space))?;
    let mut words = vec![first.to_string()];
    words.extend(command.words);
    Ok(Args { words, json: command.json })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn flags_lose_quotes_and_escapes_and_stop_at_a_double_dash() {
        let split = |line| split_command(line, '\\');
        assert_eq!(
            split("COPY --chown=1:1 --chmod=\"7 55\" a b"),
            ("COPY".into(), vec!["--chown=1:1".into(), "--chmod=7 55".into()], "a b".into())
        );
        assert_eq!(
            split("COPY --doit=true -- foo /tmp/"),
            ("COPY".into(), vec!["--doit=true".into()], "foo /tmp/".into())
        );
        assert_eq!(split("CMD --doit -- [ ]"), ("CMD".into(), vec!["--doit".into()], "[ ]".into()));
        assert_eq!(split("RUN --a=\\\"x\\ y z"), ("RUN".into(), vec!["--a=\"x y".into()], "z".into()));
        assert_eq!(split("RUN --x=''"), ("RUN".into(), vec!["--x=".into()], "".into()));
        assert_eq!(split("RUN -x y"), ("RUN".into(), vec![], "-x y".into()));
        assert_eq!(split("  run\t\techo  hi  "), ("run".into(), vec![], "echo  hi".into()));
        assert_eq!(split("ONBUILD"), ("ONBUILD".into(), vec![], "".into()));
    }

    #[test]
    fn words_keep_quotes_and_escapes() {
        let words = |rest| parse_words(rest, '\\');
        assert_eq!(words("foo bar 'abc xyz'"), ["foo", "bar", "'abc xyz'"]);
        assert_eq!(words(r#"a="b c" d=e\ f"#), [r#"a="b c""#, r"d=e\ f"]);
        assert_eq!(words(r#"y="a\"b" z"#), [r#"y="a\"b""#, "z"]);
        // Nothing escapes a single quote: the quote after `b` opens another one.
        assert_eq!(words(r"x='a\'b' y"), [r"x='a\'b' y"]);
        assert_eq!(words("föo bàr \"âbc xÿz\""), ["föo", "bàr", "\"âbc xÿz\""]);
        assert_eq!(words("a \"\" b"), ["a", "\"\"", "b"]);
        assert_eq!(words("trailing\\"), ["trailing"]);
        assert!(words("   ").is_empty());
    }

    #[test]
    fn json_only_for_arrays_of_strings() {
        assert_eq!(maybe_json(r#"[ "a", "b" ]"#), Ok(Args { words: vec!["a".into(), "b".into()], json: true }));
        assert_eq!(maybe_json("['a']"), Ok(Args::words(vec!["['a']".into()])));
        assert_eq!(maybe_json(r#"["a""#), Ok(Args::words(vec![r#"["a""#.into()])));
        assert_eq!(maybe_json(r#"[ "echo", [ "nested json" ] ]"#), Err(NOT_STRINGS.into()));
        assert_eq!(maybe_json("[]"), Ok(Args { words: vec![], json: true }));
        assert_eq!(maybe_json_list("a  b\tc"), Ok(Args::words(vec!["a".into(), "b".into(), "c".into()])));
    }

    #[test]
    fn name_values_in_both_forms() {
        let nv = |rest| name_values(rest, "ENV", '\\');
        assert_eq!(nv("SCUBA 1 DUBA 3").unwrap().words, ["SCUBA", "1 DUBA 3", ""]);
        assert_eq!(nv("a=1 b=\"2 3\"").unwrap().words, ["a", "1", "=", "b", "\"2 3\"", "="]);
        assert_eq!(nv("PATH"), Err("ENV must have two arguments".into()));
        assert_eq!(nv("a=1 b"), Err("Syntax error - can't find = in \"b\". Must be of the form: name=value".into()));
    }
}
