//! The shell patterns of `${VAR#pattern}`, `${VAR%pattern}` and `${VAR/pattern/replacement}`:
//! `*` is any run of characters, `?` any one character, `\*`, `\?` and `\\` the characters
//! themselves. BuildKit turns them into Go regular expressions, so matching follows a
//! backtracking regex's preferences (the first start, then `*` as long or as short as asked),
//! and, as Go's `.` does, neither `*` nor `?` matches a newline.

use super::expand::ExpandProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`.
    One,
    /// `*`.
    Star,
}

fn compile(pattern: &str) -> Result<Vec<Token>, ExpandProblem> {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => tokens.push(Token::Star),
            '?' => tokens.push(Token::One),
            '\\' => match chars.peek() {
                // `\}` and `\/` are how `}` and `/` get into a pattern; the escape is not part of it.
                Some('}' | '/') => {}
                Some(&escaped @ ('*' | '?' | '\\')) => {
                    chars.next();
                    tokens.push(Token::Char(escaped));
                }
                other => {
                    return Err(ExpandProblem::InvalidPattern {
                        pattern: pattern.to_string(),
                        escaped: other.copied().unwrap_or('\u{fffd}'),
                    })
                }
            },
            c => tokens.push(Token::Char(c)),
        }
    }
    Ok(tokens)
}

/// For every start position in `text`, where the match of `tokens` beginning there ends, if
/// there is one. Works from the last token back, one pass over the text per token, so that no
/// pattern can take more than linear time per token.
fn match_ends(tokens: &[Token], text: &[char], greedy: bool) -> Vec<Option<usize>> {
    let len = text.len();
    let mut next: Vec<Option<usize>> = (0..=len).map(Some).collect();
    for token in tokens.iter().rev() {
        let mut current = vec![None; len + 1];
        match *token {
            Token::Char(c) => {
                for pos in 0..len {
                    if text[pos] == c {
                        current[pos] = next[pos + 1];
                    }
                }
            }
            Token::One => {
                for pos in 0..len {
                    if text[pos] != '\n' {
                        current[pos] = next[pos + 1];
                    }
                }
            }
            Token::Star => {
                // The star at `pos` can stop anywhere up to the next newline; among the stops
                // after which the rest matches, a greedy star takes the last, a lazy one the first.
                let mut stop: Option<usize> = None;
                for pos in (0..=len).rev() {
                    if pos < len && text[pos] == '\n' {
                        stop = None;
                    }
                    if next[pos].is_some() && (!greedy || stop.is_none()) {
                        stop = Some(pos);
                    }
                    current[pos] = stop.and_then(|k| next[k]);
                }
            }
        }
        next = current;
    }
    next
}

/// `${VAR#pattern}` (shortest) and `${VAR##pattern}` (longest): the value without the matching
/// prefix.
pub(super) fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandProblem> {
    let tokens = compile(pattern)?;
    let text: Vec<char> = value.chars().collect();
    Ok(match match_ends(&tokens, &text, greedy)[0] {
        Some(end) => text[end..].iter().collect(),
        None => value.to_string(),
    })
}

/// A pattern backwards, each escape staying before the character it escapes (`a\\*c` is `c\\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec!['\0'; chars.len()];
    let last = chars.len().saturating_sub(1);
    let mut i = 0;
    while i < chars.len() {
        let at = last - i;
        if chars[i] == '\\' && i != last {
            out[at - 1] = '\\';
            out[at] = chars[i + 1];
            i += 2;
        } else {
            out[at] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// `${VAR%pattern}` (shortest) and `${VAR%%pattern}` (longest): the value without the matching
/// suffix, found as BuildKit finds it, as a prefix of the reversed value.
pub(super) fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandProblem> {
    let tokens = compile(&reverse_pattern(pattern))?;
    let mut text: Vec<char> = value.chars().collect();
    text.reverse();
    let kept = match match_ends(&tokens, &text, greedy)[0] {
        Some(end) => &text[end..],
        None => &text[..],
    };
    Ok(kept.iter().rev().collect())
}

/// `${VAR/pattern/replacement}` (the first match) and `${VAR//pattern/replacement}` (every match,
/// as Go's `ReplaceAllString` finds them: an empty match right after a match is skipped).
pub(super) fn replace(pattern: &str, value: &str, replacement: &str, all: bool) -> Result<String, ExpandProblem> {
    let tokens = compile(pattern)?;
    let text: Vec<char> = value.chars().collect();
    let ends = match_ends(&tokens, &text, true);
    let first_from = |from: usize| (from..=text.len()).find_map(|start| ends[start].map(|end| (start, end)));
    let mut out = String::new();
    let mut last_end = 0;
    let mut search = 0;
    while search <= text.len() {
        let Some((start, end)) = first_from(search) else { break };
        out.extend(&text[last_end..start]);
        if end > last_end || start == 0 {
            out.push_str(replacement);
        }
        last_end = end;
        if !all {
            break;
        }
        search = if end > search { end } else { search + 1 };
    }
    out.extend(&text[last_end.min(text.len())..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn prefixes_and_suffixes_short_and_long() {
        assert_eq!(trim_prefix("*/", "/usr/local/bin", false).unwrap(), "usr/local/bin");
        assert_eq!(trim_prefix("*/", "/usr/local/bin", true).unwrap(), "bin");
        assert_eq!(trim_suffix("/*", "/usr/local/bin", false).unwrap(), "/usr/local");
        assert_eq!(trim_suffix("/*", "/usr/local/bin", true).unwrap(), "");
        assert_eq!(trim_suffix(".tar.*", "app.tar.gz", false).unwrap(), "app");
        assert_eq!(trim_prefix("x", "abc", false).unwrap(), "abc");
        assert_eq!(trim_prefix("a?c", "abcd", false).unwrap(), "d");
        assert_eq!(trim_prefix("\\*", "*x", false).unwrap(), "x");
        assert_eq!(trim_prefix("*", "a\nb", true).unwrap(), "\nb");
    }

    #[test]
    fn replacements_first_and_all() {
        assert_eq!(replace("o", "foo boo", "0", false).unwrap(), "f0o boo");
        assert_eq!(replace("o", "foo boo", "0", true).unwrap(), "f00 b00");
        // A shell `*` is any run of characters: `o*` is an `o` and everything after it.
        assert_eq!(replace("o*", "foo boo", "_", true).unwrap(), "f_");
        assert_eq!(replace("o?", "foo boo", "_", true).unwrap(), "f_ b_");
        assert_eq!(replace("x*", "abc", "-", true).unwrap(), "abc");
        assert_eq!(replace("", "ab", "-", false).unwrap(), "-ab");
        assert_eq!(replace("", "ab", "-", true).unwrap(), "-a-b-");
    }

    #[test]
    fn bad_escapes_are_errors() {
        // BuildKit matches a suffix backwards, and names the pattern as it reversed it.
        assert_eq!(
            trim_suffix("a\\$b", "ab", false).unwrap_err().to_string(),
            "invalid pattern (b\\$a) in substitution: invalid escape '\\$'"
        );
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(
            trim_prefix("a\\b", "ab", false).unwrap_err().to_string(),
            "invalid pattern (a\\b) in substitution: invalid escape '\\b'"
        );
    }
}
