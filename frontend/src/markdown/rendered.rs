//! A lesson's rendered blocks and links as JSON: the build script writes one file per shipped
//! lesson (`lessons/<name>.json`, which `cargo xtask dist` puts beside the app), and the page
//! reads it when the learner enters the lesson, so its prose is not in the app's module.
//!
//! A file is `[blocks, links]`, each block `[kind, text, path, commands]`: kind 0 is prose (its
//! HTML), 1 a code block (its text and docker commands), 2 a `file` block (its text and path).

use super::render::Block;

/// A block as the file holds it.
type Wire = (u8, String, String, Vec<String>);

/// The JSON of a lesson's blocks and links.
#[cfg(not(target_arch = "wasm32"))]
pub fn encode(blocks: &[Block], links: &[String]) -> String {
    let blocks: Vec<Wire> = blocks
        .iter()
        .map(|block| match block {
            Block::Html(html) => (0, html.clone(), String::new(), Vec::new()),
            Block::Code { text, commands } => (1, text.clone(), String::new(), commands.clone()),
            Block::File { path, text } => (2, text.clone(), path.clone(), Vec::new()),
        })
        .collect();
    serde_json::to_string(&(blocks, links)).expect("strings serialize")
}

/// A lesson's blocks and links from the JSON `encode` wrote.
pub fn decode(json: &str) -> Result<(Vec<Block>, Vec<String>), String> {
    let (blocks, links): (Vec<Wire>, Vec<String>) =
        serde_json::from_str(json).map_err(|e| format!("the lesson's file does not read: {e}"))?;
    let blocks = blocks
        .into_iter()
        .map(|(kind, text, path, commands)| match kind {
            1 => Block::Code { text, commands },
            2 => Block::File { path, text },
            _ => Block::Html(text),
        })
        .collect();
    Ok((blocks, links))
}
