//! Which words of an instruction's line open here-documents (`<<EOF`, `<<-"EOF"`, `3<<EOF`),
//! and what their delimiters are, read as BuildKit reads them: through its shell lexer, so that
//! `"<<EOF"` in quotes opens nothing and any quoting in the delimiter turns expansion off.

use super::expand::{Lexer, Options};
use super::Heredoc;

/// A here-document's opening word: the delimiter and how to read the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Opening {
    pub name: String,
    pub expand: bool,
    pub strip_tabs: bool,
}

impl Opening {
    pub fn with_content(self, content: String) -> Heredoc {
        Heredoc { name: self.name, content, expand: self.expand, strip_tabs: self.strip_tabs }
    }
}

/// Reads one word as a heredoc opening: `^(\d*)<<(-?)\s*([^<]*)$` with a non-empty delimiter
/// that the lexer reads as one word. Errors are the lexer's.
pub(super) fn opening(word: &str) -> Result<Option<Opening>, String> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix("<<") else { return Ok(None) };
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let delimiter = rest.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if delimiter.is_empty() || delimiter.contains('<') {
        return Ok(None);
    }
    let none = |_: &str| None;
    let plain = Options { skip_unset: true, ..Options::default() };
    let words = Lexer::new(delimiter, '\\', plain, &none).words().map_err(|e| e.to_string())?;
    let [name] = words.as_slice() else { return Ok(None) };
    let raw = Options { raw_quotes: true, ..plain };
    let raw_words = Lexer::new(delimiter, '\\', raw, &none).words().map_err(|e| e.to_string())?;
    let [raw_name] = raw_words.as_slice() else {
        return Err(format!("internal lexing of heredoc produced inconsistent results: {delimiter}"));
    };
    // Quotes that the plain reading removed mean part of the delimiter was quoted.
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(Opening { name: name.clone(), expand: quotes(name) == quotes(raw_name), strip_tabs }))
}

/// The heredoc openings on an instruction's line, in order. The line is split into words the way
/// a shell would, quotes and escapes kept; a line the lexer cannot read has none.
pub(super) fn openings(line: &str) -> Result<Vec<Opening>, String> {
    let none = |_: &str| None;
    let options = Options { raw_quotes: true, raw_escapes: true, skip_unset: true };
    let Ok(words) = Lexer::new(line, '\\', options, &none).words() else { return Ok(Vec::new()) };
    let mut found = Vec::new();
    for word in words {
        if let Some(opening) = opening(&word)? {
            found.push(opening);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn names(line: &str) -> Vec<(String, bool, bool)> {
        openings(line).unwrap().into_iter().map(|o| (o.name, o.expand, o.strip_tabs)).collect()
    }

    #[test]
    fn openings_and_their_delimiters() {
        let t = |name: &str, expand, strip| vec![(name.to_string(), expand, strip)];
        assert_eq!(names("RUN <<EOF"), t("EOF", true, false));
        assert_eq!(names("RUN <<-EOF"), t("EOF", true, true));
        // The lexer keeps whitespace after `<<` in the word, but not after `<<-`.
        assert!(names("RUN <<- EOF").is_empty());
        assert_eq!(opening("<<- EOF").unwrap().map(|o| o.name), Some("EOF".into()));
        assert_eq!(names("RUN << -EOF"), t("-EOF", true, false));
        assert_eq!(names("RUN <<'EOF'"), t("EOF", false, false));
        assert_eq!(names("RUN <<\"EOF\""), t("EOF", false, false));
        assert_eq!(names("RUN 4<<EOF"), t("EOF", true, false));
        assert_eq!(names("RUN <<eo'f'"), t("eof", false, false));
        assert_eq!(names("RUN <<eo\\'f"), t("eo'f", true, false));
        assert_eq!(names("RUN <<'e'o\\'f"), t("eo'f", false, false));
        assert_eq!(names("RUN <<'one two'"), t("one two", false, false));
        assert_eq!(names("RUN <<$EOF"), t("$EOF", true, false));
        assert_eq!(names("RUN <<  EOF  > foo"), t("EOF", true, false));
        assert_eq!(
            names("COPY <<FILE1 <<FILE2 /dest"),
            vec![("FILE1".into(), true, false), ("FILE2".into(), true, false)]
        );
        assert!(names("RUN '<<EOF'").is_empty());
        assert!(names("RUN \"<<EOF\"").is_empty());
        assert!(names("RUN <<<EOF").is_empty());
        assert!(names("RUN echo \"unterminated <<EOF").is_empty());
    }

    #[test]
    fn words_that_are_not_openings() {
        for word in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert_eq!(opening(word), Ok(None), "{word:?}");
        }
        for word in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(opening(word).is_err(), "{word:?}");
        }
    }
}
