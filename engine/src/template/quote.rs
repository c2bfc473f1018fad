//! Go's `strconv.Quote`, which templates print with and Go programs' errors (`%q`) quote with:
//! the Dockerfile parser's too, so it stays in the engine when the template engine is the annex's.

/// Go's `strconv.Quote`: double quotes, Go escapes, printable characters kept.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: no controls, no format characters, no separators
/// other than the ASCII space.
fn is_printable(c: char) -> bool {
    if c.is_control() {
        return false;
    }
    !matches!(c as u32, 0x00ad | 0x061c | 0x180e | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb)
        && (c == ' ' || !c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_as_strconv_does() {
        assert_eq!(quote("a\"b\\\n\t\x01é"), "\"a\\\"b\\\\\\n\\t\\x01é\"");
    }
}
