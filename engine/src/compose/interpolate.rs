//! Variable interpolation as Compose does it before anything else: `$VAR`, `${VAR}`,
//! `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+other}`,
//! `${VAR+other}` and `$$` for a dollar, with values from an environment the host passes in.
//!
//! Defaults may hold further substitutions (`${A:-${B}}`), which Compose allows; their nesting is
//! bounded so that no input can overflow the stack.

use std::collections::BTreeMap;

/// How deep `${A:-${B:-...}}` may nest.
const MAX_NESTING: usize = 32;

/// Why a value could not be interpolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `$` followed by something that is not a name, or an unclosed `${`.
    Invalid,
    /// `${VAR:?message}` or `${VAR?message}` with the variable missing.
    Required { name: String, message: String },
}

/// The result of interpolating one value: the text, and the variables it used that were unset
/// (Compose warns that each defaults to a blank string).
pub struct Interpolated {
    pub text: String,
    /// Read by the loader, which is the annex's.
    #[cfg_attr(not(feature = "annex"), allow(dead_code))]
    pub unset: Vec<String>,
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Interpolates `text` with the variables in `env`.
pub fn interpolate(text: &str, env: &BTreeMap<String, String>) -> Result<Interpolated, Problem> {
    let mut unset = Vec::new();
    let text = substitute(text, env, &mut unset, 0)?;
    Ok(Interpolated { text, unset })
}

fn substitute(
    text: &str,
    env: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
    depth: usize,
) -> Result<String, Problem> {
    if depth > MAX_NESTING {
        return Err(Problem::Invalid);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(next) = after.chars().next() else { return Err(Problem::Invalid) };
        if next == '$' {
            out.push('$');
            rest = &after[1..];
        } else if is_name_start(next) {
            let end = after.find(|c: char| !is_name_char(c)).unwrap_or(after.len());
            let name = &after[..end];
            out.push_str(&lookup(name, env, unset));
            rest = &after[end..];
        } else if next == '{' {
            let body_and_rest = &after[1..];
            let close = matching_brace(body_and_rest).ok_or(Problem::Invalid)?;
            let body = &body_and_rest[..close];
            out.push_str(&braced(body, env, unset, depth)?);
            rest = &body_and_rest[close + 1..];
        } else {
            return Err(Problem::Invalid);
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The index of the `}` that closes a `${`, counting nested `${`.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '$' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                chars.next();
                depth += 1;
            }
            '$' if chars.peek().map(|&(_, c)| c) == Some('$') => {
                chars.next();
            }
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn lookup(name: &str, env: &BTreeMap<String, String>, unset: &mut Vec<String>) -> String {
    match env.get(name) {
        Some(value) => value.clone(),
        None => {
            if !unset.iter().any(|u| u == name) {
                unset.push(name.to_string());
            }
            String::new()
        }
    }
}

fn braced(
    body: &str,
    env: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
    depth: usize,
) -> Result<String, Problem> {
    let end = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
    let name = &body[..end];
    if !name.starts_with(is_name_start) {
        return Err(Problem::Invalid);
    }
    let operator_and_word = &body[end..];
    if operator_and_word.is_empty() {
        return Ok(lookup(name, env, unset));
    }
    let value = env.get(name);
    let empty = value.is_none_or(|v| v.is_empty());
    for (operator, colon) in [(":-", true), ("-", false), (":?", true), ("?", false), (":+", true), ("+", false)] {
        let Some(word) = operator_and_word.strip_prefix(operator) else { continue };
        let missing = if colon { empty } else { value.is_none() };
        return match operator.trim_start_matches(':') {
            "-" if missing => substitute(word, env, unset, depth + 1),
            "?" if missing => {
                Err(Problem::Required { name: name.to_string(), message: substitute(word, env, unset, depth + 1)? })
            }
            "+" if !missing => substitute(word, env, unset, depth + 1),
            "+" => Ok(String::new()),
            _ => Ok(value.cloned().unwrap_or_default()),
        };
    }
    Err(Problem::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn env() -> BTreeMap<String, String> {
        [("TAG", "1.2"), ("EMPTY", ""), ("HOST", "db")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn text(source: &str) -> String {
        interpolate(source, &env()).map(|i| i.text).unwrap_or_else(|e| panic!("{source}: {e:?}"))
    }

    #[test]
    fn substitutes_as_compose_does() {
        assert_eq!(text("nginx:${TAG}"), "nginx:1.2");
        assert_eq!(text("nginx:$TAG-x"), "nginx:1.2-x");
        assert_eq!(text("${MISSING:-alpine}"), "alpine");
        assert_eq!(text("${EMPTY:-alpine}"), "alpine");
        assert_eq!(text("${EMPTY-alpine}"), "");
        assert_eq!(text("${MISSING-alpine}"), "alpine");
        assert_eq!(text("${TAG:+set}"), "set");
        assert_eq!(text("${EMPTY:+set}"), "");
        assert_eq!(text("${EMPTY+set}"), "set");
        assert_eq!(text("${MISSING:-${HOST}:5432}"), "db:5432");
        assert_eq!(text("cost $$5 and $${TAG}"), "cost $5 and ${TAG}");
        assert_eq!(text("${TAG:?needed}"), "1.2");
    }

    #[test]
    fn unset_variables_are_reported_once() {
        let result = interpolate("$A ${A} ${B:-x}", &env()).unwrap();
        assert_eq!(result.text, "  x");
        assert_eq!(result.unset, ["A"]);
    }

    #[test]
    fn required_and_invalid() {
        assert_eq!(
            interpolate("${DB_PASSWORD:?set DB_PASSWORD}", &env()).err(),
            Some(Problem::Required { name: "DB_PASSWORD".into(), message: "set DB_PASSWORD".into() })
        );
        assert_eq!(interpolate("${EMPTY?x}", &env()).map(|i| i.text), Ok(String::new()));
        for bad in ["$", "a $ b", "${", "${TAG", "${1}", "${}", "${TAG!x}", "$1", "${A:-${B}"] {
            assert_eq!(interpolate(bad, &env()).err(), Some(Problem::Invalid), "{bad}");
        }
        let deep = "${A:-".repeat(100) + &"}".repeat(100);
        assert_eq!(interpolate(&deep, &env()).err(), Some(Problem::Invalid));
    }
}
