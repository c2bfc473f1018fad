//! Embeds every lesson in `lessons/` (sorted by file name) as its outline, the Markdown the
//! lesson's plan is read from, so the lesson map, progress and goals know each lesson and a new
//! lesson needs no code change; renders each lesson's prose to `lessons/<name>.txt`, which
//! `cargo xtask dist` copies beside the app and the page fetches when the learner enters the
//! lesson (the first lesson's is embedded too, so the page opens on it with no fetch).
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
// The rendered lesson's file format, which the page reads.
#[path = "src/markdown/rendered.rs"]
#[allow(dead_code)]
mod rendered;
// What of a lesson's Markdown its plan needs.
#[path = "src/markdown/outline.rs"]
mod outline;
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
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dir = out_dir.join("lessons");
    // Lessons renamed or removed since the last build must not linger beside these.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
    let mut code = String::from(
        "/// Every lesson as (file name, outline: its Markdown without the prose), in file-name order.\n\
         pub const LESSONS: &[(&str, &str)] = &[\n",
    );
    let mut first = String::from("/// The first lesson's rendered prose, as its file beside the app holds it.\n");
    for (at, file) in files.iter().enumerate() {
        let name = file.file_name().and_then(|n| n.to_str()).expect("lesson names are UTF-8");
        let source = std::fs::read_to_string(file).expect("a lesson reads");
        writeln!(code, "    ({name:?}, {:?}),", outline::outline(&source)).expect("writing to a String");
        let (blocks, links) = render::blocks(render::split_front_matter(&source).1);
        let prose = dir.join(name.trim_end_matches(".md")).with_extension("txt");
        std::fs::write(&prose, rendered::encode(&blocks, &links)).expect("OUT_DIR is writable");
        if at == 0 {
            writeln!(first, "pub const FIRST: &str = include_str!({:?});", prose.display().to_string())
                .expect("writing to a String");
        }
    }
    code.push_str("];\n");
    if files.is_empty() {
        first.push_str("pub const FIRST: &str = \"\";\n");
    }
    code.push_str(&first);
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
