//! Embeds every lesson in `lessons/` (sorted by file name) so the app works offline and a new
//! lesson needs no code change.
//!
//! And makes the simulated Docker Hub from the built-in images' programs: its manifests and
//! configs go into `hub.json`, embedded by the app, and its layer blobs into `blobs/sha256/`,
//! which `cargo xtask dist` copies beside the app, so the app's download carries no program and a
//! pull fetches each blob the first time it needs it.

use std::env;

// The lesson renderer the app uses natively: the shipped lessons are rendered here, so the page
// carries their HTML and no Markdown renderer.
#[path = "src/markdown/render.rs"]
#[allow(dead_code)]
mod render;
use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let lessons =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("../lessons");
    println!("cargo:rerun-if-changed={}", lessons.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&lessons)
        .expect("the lessons folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    let mut code = String::from(
        "/// Every lesson as (file name, Markdown), in file-name order.\npub const LESSONS: &[(&str, &str)] = &[\n",
    );
    let mut rendered = String::from(
        "/// One rendered block: (kind, text, path, commands), as RENDERED says.\n\
         pub type RenderedBlock = (u8, &'static str, &'static str, &'static [&'static str]);\n\
         /// Each lesson's blocks in the same order, rendered from its Markdown by the build script:\n\
         /// (0 for prose, 1 for code, 2 for a file; its HTML, code or file text; a file's path; a code\n\
         /// block's docker commands).\n\
         pub const RENDERED: &[&[RenderedBlock]] = &[\n",
    );
    let mut links = String::from(
        "/// Where each lesson's links point, as written, in the same order.\npub const LINKS: &[&[&str]] = &[\n",
    );
    for file in files {
        let name = file.file_name().and_then(|n| n.to_str()).expect("lesson names are UTF-8");
        let path = file.canonicalize().expect("lesson path resolves");
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string()).expect("writing to a String");
        let source = std::fs::read_to_string(&path).expect("a lesson reads");
        rendered.push_str("    &[\n");
        let (blocks, to) = render::blocks(render::split_front_matter(&source).1);
        for block in blocks {
            let line = match block {
                render::Block::Html(html) => format!("(0, {html:?}, \"\", &[])"),
                render::Block::Code { text, commands } => format!("(1, {text:?}, \"\", &{commands:?})"),
                render::Block::File { path, text } => format!("(2, {text:?}, {path:?}, &[])"),
            };
            writeln!(rendered, "        {line},").expect("writing to a String");
        }
        rendered.push_str("    ],\n");
        writeln!(links, "    &{to:?},").expect("writing to a String");
    }
    code.push_str("];\n");
    code.push_str(&rendered);
    code.push_str("];\n");
    code.push_str(&links);
    code.push_str("];\n");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("lessons.rs"), code).expect("OUT_DIR is writable");
    hub(&out_dir);
}

/// Writes `hub.json`, the Docker Hub without its blobs, and each blob as `blobs/sha256/<hex>`.
fn hub(out_dir: &std::path::Path) {
    use dockyard_engine::builtin::{self, Programs};
    let programs = dockyard_workloads::ALL.iter().fold(Programs::default(), |p, (name, bytes)| p.with(name, bytes));
    let mut hub = builtin::docker_hub(&programs).expect("the built-in images are made from the programs");
    let blobs = hub.take_blobs();
    let dir = out_dir.join("blobs/sha256");
    // Blobs of programs built before must not linger beside these.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
    for (digest, bytes) in blobs {
        std::fs::write(dir.join(digest.hex()), &bytes.0[..]).expect("OUT_DIR is writable");
    }
    let json = serde_json::to_string(&hub).expect("a registry serializes");
    std::fs::write(out_dir.join("hub.json"), json).expect("OUT_DIR is writable");
}
