//! The playground's service worker, `sw.js`, written into target/dist after everything else, so
//! that the page keeps working offline after its first load.
//!
//! It precaches every file of the dist, whoever added it, and names its cache after a hash of
//! them all: a new build is a new `sw.js`, which installs a new cache and drops the old one. The
//! worker asks the network first, so a page online always gets the server's files (and the
//! server's fresh token in index.html), and falls back to the cache only when the server cannot
//! be reached. The host API (`/api/`) is never cached: it asks a real Docker Engine, now.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// The worker's file name, at the root of the dist (its scope is the whole site).
pub const FILE: &str = "sw.js";

/// The worker's code; `@VERSION@` and `@FILES@` are filled in by `render`.
const TEMPLATE: &str = r#"// Dockyard's service worker, written by `cargo xtask dist` (xtask/src/service_worker.rs).
// Network first, the cache when the server cannot be reached; never the host API.
const VERSION = "@VERSION@";
const FILES = @FILES@;
const CACHE = `dockyard-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // "no-cache": what the page has just downloaded is only revalidated (a 304), not sent again,
      // and a file changed since still comes fresh.
      .then((cache) => cache.addAll(FILES.map((file) => new Request(file, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("dockyard-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The load benchmark asks what this worker fetched, which the page's own timeline cannot see:
// each fetch's address, bytes transferred and start, in the page's clock's terms (epoch ms).
self.addEventListener("message", (event) => {
  if (event.data !== "dockyard-transferred" || !event.ports[0]) return;
  const entries = performance.getEntriesByType("resource");
  event.ports[0].postMessage(entries.map((e) => [e.name, e.transferSize, performance.timeOrigin + e.startTime]));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const api = new URL("api/", self.registration.scope);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.href.startsWith(api.href)) {
    return;
  }
  event.respondWith(
    fetch(request).catch(async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request, { ignoreSearch: true });
      if (hit) return hit;
      if (request.mode === "navigate") {
        const page = await cache.match("./");
        if (page) return page;
      }
      return Response.error();
    }),
  );
});
"#;

/// Files a precache leaves out: compressed copies of other files, which the server picks itself.
fn precached(path: &str) -> bool {
    ![".gz", ".br", ".zst"].iter().any(|suffix| path.ends_with(suffix))
}

/// Every file under `dir` but the worker itself, as `/`-separated paths relative to it, sorted.
fn files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in fs::read_dir(&at).with_context(|| format!("cannot list {}", at.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).context("a file outside the dist")?;
                let name: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                let name = name.join("/");
                if name != FILE {
                    out.push(name);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// FNV-1a over 64 bits: a cache's name needs to change with its content, not to resist forgery.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The worker for a dist holding `files`, each with its content.
pub fn render(files: &[(String, Vec<u8>)]) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for (name, content) in files {
        hash = fnv1a(hash, name.as_bytes());
        hash = fnv1a(hash, &(content.len() as u64).to_le_bytes());
        hash = fnv1a(hash, content);
    }
    // The page itself is fetched as `./`, which the server answers with index.html.
    let list: Vec<String> = std::iter::once("./".to_string())
        .chain(files.iter().map(|(name, _)| name.clone()).filter(|name| precached(name)))
        .map(|name| format!("{name:?}"))
        .collect();
    TEMPLATE.replace("@VERSION@", &format!("{hash:016x}")).replace("@FILES@", &format!("[{}]", list.join(", ")))
}

/// Writes `sw.js` for the dist in `dir`, as the last step of a build.
pub fn write(dir: &Path) -> Result<()> {
    let mut contents = Vec::new();
    for name in files(dir)? {
        let path = dir.join(&name);
        let content = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        contents.push((name, content));
    }
    let out = dir.join(FILE);
    fs::write(&out, render(&contents)).with_context(|| format!("cannot write {}", out.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, content: &str) -> (String, Vec<u8>) {
        (name.to_string(), content.as_bytes().to_vec())
    }

    #[test]
    fn the_cache_is_named_after_every_file() {
        let one = render(&[file("a.js", "one"), file("index.html", "<html>")]);
        assert!(one.contains(r#"const FILES = ["./", "a.js", "index.html"];"#), "{one}");
        let changed = render(&[file("a.js", "two"), file("index.html", "<html>")]);
        let renamed = render(&[file("b.js", "one"), file("index.html", "<html>")]);
        let version = |sw: &str| sw.lines().find(|l| l.starts_with("const VERSION")).unwrap_or_default().to_string();
        assert_ne!(version(&one), version(&changed));
        assert_ne!(version(&one), version(&renamed));
        assert_eq!(version(&one), version(&render(&[file("a.js", "one"), file("index.html", "<html>")])));
    }

    #[test]
    fn compressed_copies_change_the_version_but_are_not_precached() {
        let sw = render(&[file("a.wasm", "x"), file("a.wasm.br", "y")]);
        assert!(sw.contains(r#"const FILES = ["./", "a.wasm"];"#), "{sw}");
    }

    #[test]
    fn writes_the_worker_for_a_directory() {
        let dir = std::env::temp_dir().join(format!("dockyard-sw-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("lessons")).unwrap();
        fs::write(dir.join("index.html"), "<html>").unwrap();
        fs::write(dir.join("lessons/one.md"), "# One").unwrap();
        write(&dir).unwrap();
        let first = fs::read_to_string(dir.join(FILE)).unwrap();
        assert!(first.contains(r#"["./", "index.html", "lessons/one.md"]"#), "{first}");
        // Writing again over the same files leaves out the worker itself and changes nothing.
        write(&dir).unwrap();
        assert_eq!(fs::read_to_string(dir.join(FILE)).unwrap(), first);
        fs::remove_dir_all(&dir).unwrap();
    }
}
