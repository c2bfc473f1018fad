//! Building the web app into target/dist: the frontend's wasm, its JavaScript glue, and an
//! index.html made from the repo's trunk-style entry page.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::compact;
use crate::process;
use crate::tools::WebTools;
use crate::vendor;
use crate::Repo;

/// What replaces trunk's `<link data-trunk rel="rust"/>`: load the glue wasm-bindgen generates.
const LOADER: &str = "<script type=\"module\">import init from './dockyard.js'; \
                      init({ module_or_path: './dockyard_bg.wasm' });</script>";

/// Builds the web app; `dev` skips what is slow and only makes the download smaller: the size
/// profile, wasm-opt and the precompressed copies.
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

    // The frontend's build script compiles the WASI workloads and makes the built-in images from
    // them. A release build uses the `web` profile (see the root Cargo.toml), made for size; a
    // dev build the quicker `release` one.
    let profile = if dev { "release" } else { "web" };
    let build = ["build", "-p", "dockyard-frontend", "--target", "wasm32-unknown-unknown", "--profile", profile];
    process::run(repo.cargo().args(build))?;
    // Built already, cargo now only says where the build script put the built-in images' blobs
    // and the lessons' rendered prose.
    let messages = process::output(repo.cargo().args(build).arg("--message-format=json"))?;
    let out_dir =
        frontend_out_dir(&messages).context("cargo did not say where dockyard-frontend's build script wrote")?;

    // Start from an empty directory so files from an earlier build never linger.
    let dist = repo.dist_dir();
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;

    bind(repo, tools, profile, "dockyard_frontend", "dockyard", dev)?;
    // The engine's annex (Go templates, the Compose loader), which the app imports when a command
    // first needs it. Built by a cargo invocation of its own: built together, the `annex` feature
    // it turns on would reach the app's engine too, and the app would carry the annex after all.
    process::run(repo.cargo().args([
        "build",
        "-p",
        "dockyard-annex",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ]))?;
    bind(repo, tools, profile, "dockyard_annex", "annex", dev)?;

    // The built-in images' layer blobs, which the app fetches when a pull first needs them, and
    // the lessons' prose, which it fetches when the learner enters a lesson.
    for dir in ["blobs", "lessons"] {
        let from = out_dir.join(dir);
        copy_dir(&from, &dist.join(dir))
            .with_context(|| format!("cannot copy {} to {}", from.display(), dist.display()))?;
    }
    for asset in &page.assets {
        let from = repo.root.join(&asset.source);
        let to = dist.join(&asset.name);
        let copied = match asset.is_dir {
            true => copy_dir(&from, &to),
            // Stylesheets without their comments and indentation, in a release build.
            false if !dev && asset.name.ends_with(".css") => {
                fs::read_to_string(&from).and_then(|text| fs::write(&to, compact::css(&text)))
            }
            false => fs::copy(&from, &to).map(drop),
        };
        copied.with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    let out = dist.join("index.html");
    fs::write(&out, page.html).with_context(|| format!("cannot write {}", out.display()))?;
    // The compressed copies next, so that every file written before has them ...
    if !dev {
        precompress(&dist)?;
    }
    // ... and last the service worker, since it lists and hashes every file the dist holds (less
    // the compressed copies, which the server picks itself).
    crate::service_worker::write(&dist)?;
    eprintln!("the web app is in {}", dist.display());
    Ok(())
}

/// Makes the module `crate_name` built with `profile` into `<name>.js` and `<name>_bg.wasm` in the
/// dist, with wasm-bindgen; a release build also compacts the glue and optimizes the module.
fn bind(repo: &Repo, tools: &WebTools, profile: &str, crate_name: &str, name: &str, dev: bool) -> Result<()> {
    let dist = repo.dist_dir();
    let wasm = repo.target.join("wasm32-unknown-unknown").join(profile).join(format!("{crate_name}.wasm"));
    process::run(
        Command::new(tools.wasm_bindgen())
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&dist)
            .args(["--out-name", name])
            .arg(&wasm),
    )?;
    if dev {
        return Ok(());
    }
    // The glue's comments are the Rust doc comments of every export: not for the download.
    let glue = dist.join(format!("{name}.js"));
    let js = fs::read_to_string(&glue).with_context(|| format!("cannot read {}", glue.display()))?;
    fs::write(&glue, compact::js(&js)).with_context(|| format!("cannot write {}", glue.display()))?;
    let wasm_opt = tools.wasm_opt.as_ref().context("wasm-opt is needed for a release build but was not prepared")?;
    process::output(Command::new(wasm_opt).arg("--version"))
        .with_context(|| format!("{} does not run", wasm_opt.display()))?;
    let module = dist.join(format!("{name}_bg.wasm"));
    // These are the wasm features rustc enables by default; wasm-opt must accept them too.
    process::run(
        Command::new(wasm_opt)
            // Twice: the second round finds a little more (1.6 KB gzipped in November 2026). In
            // between, the control flow rebuilt from flat code (`--flatten --rereloop`) comes out
            // smaller still: 7 KB gzipped of the app's module, for half a minute more.
            .args([
                "-Oz",
                "--flatten",
                "--rereloop",
                "-Oz",
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
    )
}

/// The `OUT_DIR` of dockyard-frontend's build script, from cargo's JSON messages: the line
/// `{"reason":"build-script-executed","package_id":"...dockyard-frontend...","out_dir":"..."}`.
fn frontend_out_dir(messages: &str) -> Option<std::path::PathBuf> {
    messages
        .lines()
        .filter(|line| line.contains("\"reason\":\"build-script-executed\"") && line.contains("dockyard-frontend"))
        .find_map(|line| line.split("\"out_dir\":\"").nth(1)?.split('"').next().map(std::path::PathBuf::from))
}

/// The files worth compressing, by extension: text and wasm shrink by half or more, while images
/// and archives are compressed already.
const COMPRESSIBLE: &[&str] = &["wasm", "js", "mjs", "css", "html", "json", "svg", "txt", "md", "map"];

/// Writes a gzip (`.gz`) and a brotli (`.br`) copy beside every compressible file under `dir`
/// that compression makes smaller, for `dockyard serve` to send to browsers that accept them.
/// `index.html` is left out: the server writes the page's token into it as it sends it.
pub fn precompress(dir: &Path) -> Result<()> {
    let mut files = Vec::new();
    list_files(dir, &mut files).with_context(|| format!("cannot list {}", dir.display()))?;
    for file in files {
        let compressible = file.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !compressible || file == dir.join("index.html") {
            continue;
        }
        let bytes = fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        for (extension, compressed) in [("gz", gzip(&bytes)?), ("br", brotli(&bytes)?)] {
            if compressed.len() < bytes.len() {
                let mut name = file.clone().into_os_string();
                name.push(format!(".{extension}"));
                fs::write(&name, compressed).with_context(|| format!("cannot write {}", Path::new(&name).display()))?;
            }
        }
    }
    Ok(())
}

/// Every file under `dir`, in its subdirectories too.
fn list_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        match entry.file_type()?.is_dir() {
            true => list_files(&entry.path(), files)?,
            false => files.push(entry.path()),
        }
    }
    Ok(())
}

/// Gzip as small as Zopfli makes it (some 5% smaller than zlib's best, and as quick to inflate),
/// with no name and no time in the header, so the same file always gives the same bytes.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    zopfli::compress(zopfli::Options::default(), zopfli::Format::Gzip, bytes, &mut out)?;
    Ok(out)
}

/// Brotli at its best quality and largest standard window, as static files are worth the time.
fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
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
    fn precompresses_what_shrinks_and_leaves_the_rest() {
        let dir = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("blobs")).unwrap();
        let text = "docker run hello-world\n".repeat(200);
        for name in ["app.wasm", "index.html", "blobs/layer.json", "picture.png"] {
            fs::write(dir.join(name), &text).unwrap();
        }
        fs::write(dir.join("tiny.js"), "x").unwrap();
        precompress(&dir).unwrap();

        let gz = fs::read(dir.join("app.wasm.gz")).unwrap();
        let mut unzipped = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped).unwrap();
        assert_eq!(unzipped, text);
        let br = fs::read(dir.join("blobs/layer.json.br")).unwrap();
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, text.as_bytes());
        assert_eq!(gzip(text.as_bytes()).unwrap(), gz, "the same bytes compress the same way");
        // The page is rewritten as it is served, an image is compressed already, and a copy
        // that would be larger than its file is not worth sending.
        for absent in ["index.html.gz", "picture.png.br", "tiny.js.gz", "tiny.js.br"] {
            assert!(!dir.join(absent).exists(), "{absent}");
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn finds_the_frontends_build_script_output() {
        let messages = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/engine#dockyard-engine@0.1.0"}
{"reason":"build-script-executed","package_id":"path+file:///w/workloads#dockyard-workloads@0.1.0","linked_libs":[],"out_dir":"/t/build/dockyard-workloads-1/out"}
{"reason":"build-script-executed","package_id":"path+file:///w/frontend#dockyard-frontend@0.1.0","linked_libs":[],"out_dir":"/t/build/dockyard-frontend-2/out"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(frontend_out_dir(messages), Some("/t/build/dockyard-frontend-2/out".into()));
        assert_eq!(frontend_out_dir(r#"{"reason":"build-finished","success":true}"#), None);
    }

    #[test]
    fn attributes_match_whole_names() {
        let tag = r#"<link data-href="no" href='yes' rel="css">"#;
        assert_eq!(attribute(tag, "href"), Some("yes"));
        assert_eq!(attribute(tag, "rel"), Some("css"));
        assert_eq!(attribute(tag, "src"), None);
    }
}
