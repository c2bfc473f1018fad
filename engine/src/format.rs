//! Docker's output conventions: aligned tables, human sizes, quoted and shortened commands, and
//! `--format` templates.

mod custom;
mod tabwriter;

pub use custom::{CustomFormat, FormatContext, FormatError};
pub use tabwriter::tabwrite;

/// A table aligned as the docker CLI's tabwriter aligns it (minimum width 10, padding 3): each column
/// as wide as its widest cell plus three spaces, and at least ten; the last column unpadded.
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table { rows: vec![header.iter().map(|s| s.to_string()).collect()] }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| self.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if c + 1 < row.len() {
                    let width = (widths[c] + 3).max(10);
                    line.push_str(&" ".repeat(width - cell.chars().count()));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A size in decimal units with three significant digits, as `docker images` prints it (`1.99MB`).
pub fn human_size(bytes: u64) -> String {
    human_size_digits(bytes, 3)
}

/// A size with `digits` significant digits: `docker system df` uses four (`13.26kB`).
pub fn human_size_digits(bytes: u64, digits: i32) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{}{}", significant(value, digits), UNITS[unit])
}

/// `value` with `digits` significant digits and no trailing zeros, as Go's `%.3g` prints values below 1000.
fn significant(value: f64, digits: i32) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Shortens `text` to `max` characters, ending with "…" when cut, as Docker's tables do.
pub fn ellipsis(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Quotes `text` as Go's `strconv.Quote` does, which is how `docker ps` shows commands.
pub fn go_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn tables_pad_columns_by_three() {
        let mut t = Table::new(&["REPOSITORY", "TAG", "SIZE"]);
        t.row(vec!["busybox".into(), "latest".into(), "1.99MB".into()]);
        assert_eq!(t.render(), "REPOSITORY   TAG       SIZE\nbusybox      latest    1.99MB\n");
    }

    #[test]
    fn empty_last_columns_leave_no_trailing_spaces() {
        let mut t = Table::new(&["A", "PORTS", "NAMES"]);
        t.row(vec!["x".into(), String::new(), "web".into()]);
        assert_eq!(t.render(), "A         PORTS     NAMES\nx                   web\n");
    }

    #[test]
    fn sizes_read_like_go_units() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(512), "512B");
        assert_eq!(human_size(13_256), "13.3kB");
        assert_eq!(human_size(1_990_000), "1.99MB");
        assert_eq!(human_size(2_000_000), "2MB");
        assert_eq!(human_size(77_800_000), "77.8MB");
    }

    #[test]
    fn commands_are_shortened_then_quoted() {
        assert_eq!(go_quote(&ellipsis("sleep 300", 20)), "\"sleep 300\"");
        assert_eq!(ellipsis("sh -c 'echo a long line'", 20), "sh -c 'echo a long …");
        assert_eq!(go_quote("say \"hi\""), "\"say \\\"hi\\\"\"");
    }
}
