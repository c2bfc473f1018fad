//! Building the web app into target/dist: the frontend's wasm, its JavaScript glue, and an
//! index.html made from the repo's trunk-style entry page.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::process;
use crate::tools::WebTools;
use crate::vendor;
use crate::Repo;

/// What replaces trunk's `<link data-trunk rel="rust"/>`: load the glue wasm-bindgen generates.
const LOADER: &str = "<script type=\"module\">import init from './dockyard.js'; \
                      init({ module_or_path: './dockyard_bg.wasm' });</script>";

/// Builds the web app; `dev` skips wasm-opt, which is slow and only makes the download smaller.
pub fn build(repo: &Repo, tools: &WebTools, dev: bool) -> Result<()> {
    // The entry page refers to xterm.js inside node_modules, so it must be installed first.
    vendor::ensure(repo)?;
    // Check the entry page first, so a broken one fails in a second rather than after the build.
    let index = repo.root.join("index.html");
    let html = fs::read_to_string(&index).with_context(|| format!("cannot read {}", index.display()))?;
    let page = rewrite_index(&html).with_context(|| format!("in {}", index.display()))?;
    for asset in &page.assets {
        let source = repo.root.join(&asset.source);
        if !source.exists() {
            bail!("{} refers to {}, which does not exist", index.display(), source.display());
        }
    }

    // The frontend's build script compiles the WASI workloads it embeds.
    process::run(repo.cargo().args([
        "build",
        "-p",
        "dockyard-frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--release",
    ]))?;

    // Start from an empty directory so files from an earlier build never linger.
    let dist = repo.dist_dir();
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;

    let wasm = repo.target.join("wasm32-unknown-unknown/release/dockyard_frontend.wasm");
    process::run(
        Command::new(tools.wasm_bindgen())
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&dist)
            .args(["--out-name", "dockyard"])
            .arg(&wasm),
    )?;

    if !dev {
        let wasm_opt =
            tools.wasm_opt.as_ref().context("wasm-opt is needed for a release build but was not prepared")?;
        process::output(Command::new(wasm_opt).arg("--version"))
            .with_context(|| format!("{} does not run", wasm_opt.display()))?;
        let module = dist.join("dockyard_bg.wasm");
        // These are the wasm features rustc enables by default; wasm-opt must accept them too.
        process::run(
            Command::new(wasm_opt)
                .args([
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                    "--enable-sign-ext",
                    "--enable-mutable-globals",
                    "--enable-reference-types",
                    "-o",
                ])
                .arg(&module)
                .arg(&module),
        )?;
    }

    for asset in &page.assets {
        let from = repo.root.join(&asset.source);
        let to = dist.join(&asset.name);
        let copied = match asset.is_dir {
            true => copy_dir(&from, &to),
            false => fs::copy(&from, &to).map(drop),
        };
        copied.with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    let out = dist.join("index.html");
    fs::write(&out, page.html).with_context(|| format!("cannot write {}", out.display()))?;
    // Last, since it lists and hashes every file the dist holds.
    crate::service_worker::write(&dist)?;
    eprintln!("the web app is in {}", dist.display());
    Ok(())
}

/// The entry page for target/dist and the files it refers to.
#[derive(Debug, PartialEq)]
pub struct Page {
    pub html: String,
    pub assets: Vec<Asset>,
}

/// A file or directory to copy from the repo into target/dist.
#[derive(Debug, PartialEq)]
pub struct Asset {
    /// Relative to the repo root, as written in index.html.
    pub source: String,
    /// Its name inside target/dist.
    pub name: String,
    pub is_dir: bool,
}

/// Rewrites trunk's `data-trunk` tags, one per line, into plain HTML; other lines stay as they are.
pub fn rewrite_index(html: &str) -> Result<Page> {
    let mut out = String::new();
    let mut assets: Vec<Asset> = Vec::new();
    let mut has_loader = false;
    for (index, line) in html.lines().enumerate() {
        let number = index + 1;
        let indent = &line[..line.len() - line.trim_start().len()];
        if !line.contains("data-trunk") {
            out.push_str(line);
        } else if line.contains("data-trunk-public-url") {
            // trunk serves from the root unless told otherwise, and so does the server.
            out.push_str(&line.replacen("data-trunk-public-url", "href=\"/\"", 1));
        } else {
            let rel = attribute(line, "rel")
                .with_context(|| format!("line {number}: a data-trunk tag without rel=\"...\""))?;
            let mut asset = |is_dir: bool| -> Result<String> {
                let source = attribute(line, "href")
                    .with_context(|| format!("line {number}: a data-trunk rel=\"{rel}\" tag without href=\"...\""))?;
                let name = Path::new(source)
                    .file_name()
                    .and_then(|name| name.to_str())
                    .with_context(|| format!("line {number}: href=\"{source}\" names no file"))?
                    .to_string();
                if assets.iter().any(|asset| asset.name == name) {
                    bail!("line {number}: a second asset called {name} would overwrite the first");
                }
                assets.push(Asset { source: source.to_string(), name: name.clone(), is_dir });
                Ok(name)
            };
            match rel {
                "rust" => {
                    out.push_str(&format!("{indent}{LOADER}"));
                    has_loader = true;
                }
                "css" => {
                    let name = asset(false)?;
                    out.push_str(&format!("{indent}<link rel=\"stylesheet\" href=\"{name}\">"));
                }
                "icon" => {
                    let name = asset(false)?;
                    out.push_str(&format!("{indent}<link rel=\"icon\" href=\"{name}\">"));
                }
                // trunk copies these and drops the tag, leaving nothing on the page.
                "copy-dir" => {
                    asset(true)?;
                    continue;
                }
                "copy-file" => {
                    asset(false)?;
                    continue;
                }
                other => bail!(
                    "line {number}: xtask does not know data-trunk rel=\"{other}\"; it handles \
                     rust, css, icon, copy-file and copy-dir (see xtask/src/dist.rs)"
                ),
            }
        }
        out.push('\n');
    }
    if !has_loader {
        bail!("there is no <link data-trunk rel=\"rust\"/> line, so the app would never load");
    }
    Ok(Page { html: out, assets })
}

/// The value of `name="..."` (or single-quoted) in a tag, matching whole attribute names only.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    for quote in ['"', '\''] {
        let pattern = format!("{name}={quote}");
        for (at, _) in tag.match_indices(&pattern) {
            let whole_name = tag[..at].ends_with(|c: char| c.is_whitespace());
            if whole_name {
                let value = &tag[at + pattern.len()..];
                return value.split(quote).next();
            }
        }
    }
    None
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_trunk_tags_into_plain_html() {
        let html = r#"<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8"/>
    <link data-trunk rel="rust" href="frontend/Cargo.toml" data-wasm-opt="z"/>
    <link data-trunk rel="css" href="frontend/style/main.css"/>
    <link data-trunk rel="copy-dir" href="lessons"/>
    <title>Dockyard</title>
  </head>
  <body></body>
</html>
"#;
        let page = rewrite_index(html).unwrap();
        assert_eq!(
            page.html,
            format!(
                r#"<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8"/>
    {LOADER}
    <link rel="stylesheet" href="main.css">
    <title>Dockyard</title>
  </head>
  <body></body>
</html>
"#
            )
        );
        assert_eq!(
            page.assets,
            vec![
                Asset { source: "frontend/style/main.css".into(), name: "main.css".into(), is_dir: false },
                Asset { source: "lessons".into(), name: "lessons".into(), is_dir: true },
            ]
        );
    }

    #[test]
    fn rejects_what_it_cannot_rewrite() {
        let rust = "<link data-trunk rel=\"rust\"/>\n";
        assert!(rewrite_index("<html></html>").is_err());
        assert!(rewrite_index(&format!("{rust}<link data-trunk rel=\"sass\" href=\"a.scss\"/>")).is_err());
        assert!(rewrite_index(&format!("{rust}<link data-trunk rel=\"css\"/>")).is_err());
        let twice = format!(
            "{rust}<link data-trunk rel=\"css\" href=\"a/x.css\"/>\n\
             <link data-trunk rel=\"css\" href=\"b/x.css\"/>"
        );
        assert!(rewrite_index(&twice).is_err());
    }

    #[test]
    fn attributes_match_whole_names() {
        let tag = r#"<link data-href="no" href='yes' rel="css">"#;
        assert_eq!(attribute(tag, "href"), Some("yes"));
        assert_eq!(attribute(tag, "rel"), Some("css"));
        assert_eq!(attribute(tag, "src"), None);
    }
}
