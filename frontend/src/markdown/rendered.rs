//! A lesson's rendered blocks and links as a file: the build script writes one per shipped
//! lesson (`lessons/<name>.txt`, which `cargo xtask dist` puts beside the app), and the page
//! reads it when the learner enters the lesson, so its prose is not in the app's module.
//!
//! The file is text in records split by the ASCII record separator (0x1E), one per block and a
//! last for the links; a record's fields are split by the unit separator (0x1F). A block is
//! `kind, text, path, commands`: kind `0` is prose (its HTML), `1` a code block (its text, and its
//! docker commands one a line), `2` a `file` block (its text and path); the links' record holds
//! the links. Markdown's text never holds either separator, and the split takes far less of the
//! module than a JSON decoder's code for these types did (1.4 KB gzipped).

use super::render::Block;

const RECORD: char = '\u{1e}';
const UNIT: char = '\u{1f}';

/// The file of a lesson's blocks and links.
#[cfg(not(target_arch = "wasm32"))]
pub fn encode(blocks: &[Block], links: &[String]) -> String {
    let (unit, record) = (UNIT.to_string(), RECORD.to_string());
    let mut records: Vec<String> = blocks
        .iter()
        .map(|block| match block {
            Block::Html(html) => ["0", html, "", ""].join(&unit),
            Block::Code { text, commands } => ["1", text, "", &commands.join("\n")].join(&unit),
            Block::File { path, text } => ["2", text, path, ""].join(&unit),
        })
        .collect();
    records.push(links.join(&unit));
    let fields = records.iter().map(|r| r.split(UNIT).count()).sum::<usize>();
    assert_eq!(fields, blocks.len() * 4 + links.len().max(1), "a lesson's text holds a separator");
    records.join(&record)
}

/// A lesson's blocks and links from the file `encode` wrote.
pub fn decode(file: &str) -> Result<(Vec<Block>, Vec<String>), String> {
    let mut records: Vec<&str> = file.split(RECORD).collect();
    let links =
        records.pop().filter(|l| !l.is_empty()).map_or(Vec::new(), |l| l.split(UNIT).map(String::from).collect());
    let blocks = records
        .into_iter()
        .map(|record| {
            let fields: Vec<&str> = record.split(UNIT).collect();
            let &[kind, text, path, commands] = fields.as_slice() else {
                return Err(format!("a block of the lesson's file has {} fields, not 4", fields.len()));
            };
            let (text, path) = (text.to_string(), path.to_string());
            Ok(match kind {
                "1" => Block::Code { text, commands: commands.lines().map(String::from).collect() },
                "2" => Block::File { path, text },
                _ => Block::Html(text),
            })
        })
        .collect::<Result<_, String>>()?;
    Ok((blocks, links))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_file_reads_back_as_written() {
        let blocks = vec![
            Block::Html("<h2>One</h2>\n<p>a &amp; b</p>\n".into()),
            Block::Code {
                text: "$ docker ps\n$ docker images".into(),
                commands: vec!["docker ps".into(), "docker images".into()],
            },
            Block::Code { text: String::new(), commands: Vec::new() },
            Block::File { path: "app/Dockerfile".into(), text: "FROM toolbox\n".into() },
        ];
        let links = vec!["02-boxes.md#one".to_string(), "https://docs.docker.com/".to_string()];
        assert_eq!(decode(&encode(&blocks, &links)), Ok((blocks.clone(), links)));
        assert_eq!(decode(&encode(&blocks, &[])), Ok((blocks, Vec::new())));
        assert_eq!(decode(&encode(&[], &[])), Ok((Vec::new(), Vec::new())));
        let cut = format!("0{UNIT}<p>a</p>{RECORD}");
        assert_eq!(decode(&cut), Err("a block of the lesson's file has 2 fields, not 4".into()));
    }

    #[test]
    #[should_panic(expected = "a lesson's text holds a separator")]
    fn a_separator_in_a_lesson_is_refused() {
        encode(&[Block::Html(format!("<p>{UNIT}</p>"))], &[]);
    }
}
