//! Splits a command line into words as a POSIX shell would, without running anything.

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordsError {
    #[error("unterminated quote: {0}")]
    UnterminatedQuote(char),
    #[error("a backslash at the end of the line escapes nothing")]
    TrailingBackslash,
}

/// Splits `line` into words: blanks separate, single quotes keep everything, double quotes keep all
/// but `\"` and `\\`, and a backslash outside quotes keeps the next character.
pub fn split(line: &str) -> Result<Vec<String>, WordsError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(WordsError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(WordsError::UnterminatedQuote('"')),
                        },
                        Some(c) => word.push(c),
                        None => return Err(WordsError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next().ok_or(WordsError::TrailingBackslash)?);
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn quotes_and_escapes_follow_the_shell() {
        assert_eq!(
            split(r#"docker run  busybox sh -c "exit 3""#).unwrap(),
            ["docker", "run", "busybox", "sh", "-c", "exit 3"]
        );
        assert_eq!(
            split(r#"echo 'a "b"' "c \"d\"" e\ f '' """#).unwrap(),
            ["echo", "a \"b\"", "c \"d\"", "e f", "", ""]
        );
        assert_eq!(split("   ").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn unterminated_input_is_an_error() {
        assert_eq!(split("echo 'oops"), Err(WordsError::UnterminatedQuote('\'')));
        assert_eq!(split("echo \"oops"), Err(WordsError::UnterminatedQuote('"')));
        assert_eq!(split("echo \\"), Err(WordsError::TrailingBackslash));
    }
}
