//! Go's `text/tabwriter` as the docker CLI configures it for `--format "table ..."`.
//!
//! Cells end at tabs; tab-terminated cells on consecutive lines form a column, padded to its
//! widest cell plus the padding and at least the minimum width. Text after a line's last tab is
//! not part of a column and is never padded, but an empty tab-terminated cell is, as in Go.

/// Aligns `text` with a minimum cell width and a padding, as `tabwriter.NewWriter(out, minwidth,
/// 1, padding, ' ', 0)` does.
pub fn tabwrite(text: &str, min_width: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|line| line.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len());
    let mut widths = Vec::new();
    format(&lines, &mut widths, 0, lines.len(), min_width, padding, &mut out);
    out
}

fn width(cell: &str) -> usize {
    cell.chars().count()
}

/// Go's `Writer.format`: the lines `line0..line1`, whose columns left of `widths.len()` are sized.
fn format(
    lines: &[Vec<&str>],
    widths: &mut Vec<usize>,
    mut line0: usize,
    line1: usize,
    min_width: usize,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        // A block of lines with a cell in this column starts here.
        write_lines(lines, widths, line0, this, out);
        line0 = this;
        let mut column_width = min_width;
        while this < line1 && column + 1 < lines[this].len() {
            column_width = column_width.max(width(lines[this][column]) + padding);
            this += 1;
        }
        widths.push(column_width);
        format(lines, widths, line0, this, min_width, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, widths, line0, line1, out);
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], line0: usize, line1: usize, out: &mut String) {
    for (i, line) in lines.iter().enumerate().take(line1).skip(line0) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(w) = widths.get(j) {
                out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(cell))));
            }
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn columns_pad_to_the_widest_cell_and_the_minimum() {
        assert_eq!(
            tabwrite("REPOSITORY\tTAG\tSIZE\nhello-world\tlatest\t8B\n", 10, 3),
            "REPOSITORY    TAG       SIZE\nhello-world   latest    8B\n"
        );
    }

    #[test]
    fn empty_terminated_cells_are_padded_and_trailing_text_is_not() {
        assert_eq!(tabwrite("a\t\nbb\t\n", 10, 3), "a         \nbb        \n");
        assert_eq!(tabwrite("a\tb\tc\nlong cell here\n", 10, 3), "a         b         c\nlong cell here\n");
    }

    #[test]
    fn columns_are_blocks_of_consecutive_lines() {
        // Go's own example: b and c are in different columns because the lines between break it.
        assert_eq!(
            tabwrite("aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n", 1, 1),
            "aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n"
        );
    }
}
