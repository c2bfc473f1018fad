//! Embeds every lesson in `lessons/` (sorted by file name) so the app works offline and a new
//! lesson needs no code change.

use std::env;
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
    for file in files {
        let name = file.file_name().and_then(|n| n.to_str()).expect("lesson names are UTF-8");
        let path = file.canonicalize().expect("lesson path resolves");
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string()).expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lessons.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
