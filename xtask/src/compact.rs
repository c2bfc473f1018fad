//! Comments and indentation out of the app's stylesheets and wasm-bindgen's JavaScript glue, as
//! `cargo xtask dist` copies them: they are downloaded before the first lesson, and the comments
//! (the glue carries the Rust doc comments of every export) are for readers of the source.
//!
//! Deliberately small, not a minifier: it drops `/* */` comments (and, in JavaScript, whole-line
//! `//` comments) outside strings, leading and trailing blanks, and empty lines. JavaScript with a
//! template literal across lines or a line continuation, where a line's blanks would be part of a
//! string, is left as it is.

/// Compacts a stylesheet.
pub fn css(text: &str) -> String {
    lines(&strip_block_comments(text))
}

/// Compacts JavaScript, or leaves it as it is when that would not be safe.
pub fn js(text: &str) -> String {
    let without = strip_block_comments(text);
    let code: Vec<&str> =
        without.lines().map(str::trim).filter(|line| !line.starts_with("//") || line.starts_with("//#")).collect();
    if code.iter().any(|line| line.matches('`').count() % 2 == 1 || line.ends_with('\\')) {
        return text.to_string();
    }
    lines(&code.join("\n"))
}

fn lines(text: &str) -> String {
    let mut out: String = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    out.push('\n');
    out
}

/// The text without its `/* ... */` comments, quotes respected.
fn strip_block_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == '\\' {
                    out.extend(chars.next());
                } else if c == q || c == '\n' {
                    quote = None;
                }
            }
            None if c == '/' && chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_comments_and_blanks_but_keeps_strings() {
        let css_in = "/* a comment's quote */\n.a {\n  font: \"x /* y */\", serif;\n\n  color: red; /* why */\n}\n";
        assert_eq!(css(css_in), ".a {\nfont: \"x /* y */\", serif;\ncolor: red;\n}\n");
        let js_in = "/**\n * Docs with `code`.\n */\nexport function f() {\n    // why\n    return '/* kept */';\n}\n//# sourceMappingURL=x\n";
        assert_eq!(js(js_in), "export function f() {\nreturn '/* kept */';\n}\n//# sourceMappingURL=x\n");
        // A template literal's lines are its string's: left alone, unless it stays on one line.
        let template = "const s = `a\n    b`;\n// c\n";
        assert_eq!(js(template), template);
        assert_eq!(js("    return `${v}`;\n"), "return `${v}`;\n");
    }
}
