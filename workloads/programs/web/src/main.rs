//! `web`: the program inside the `web` image, a small static HTTP/1.1 server in the manner of
//! nginx's default site. It serves the files under `/usr/share/web` on the container's first
//! listening socket and logs each request to standard output, where `docker logs` finds it.
//!
//! ```text
//! docker run -d --name site -p 8080:80 web    # then open http://localhost:8080/
//! docker logs site                              # one line per request
//! ```
//!
//! A site of your own goes in with `docker cp` or a volume mounted at `/usr/share/web`. The
//! sockets and the HTTP itself are in the `httpkit` library, which the `kv` program shares.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use httpkit::{Request, Response};

/// Where the site lives, unless the first argument names another folder.
const ROOT: &str = "/usr/share/web";

/// The port the image exposes. A preview1 program cannot ask a socket for its port, so the
/// startup line says the one the image was made for.
const PORT: u16 = 80;

/// The largest request body read. GET and HEAD have none, so this only bounds what a client
/// can make the server hold before it is told no.
const MAX_BODY: usize = 64 * 1024;

fn main() -> ExitCode {
    let root = std::env::args().nth(1).unwrap_or_else(|| ROOT.to_string());
    let listener = match httpkit::listener() {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("web: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("web: serving {root} on port {PORT}");
    let error = httpkit::serve("web", &listener, MAX_BODY, |request| handle(Path::new(&root), request));
    eprintln!("web: {error}");
    ExitCode::FAILURE
}

/// The answer to one request: the file it names, or the reason there is none.
fn handle(root: &Path, request: &Request) -> Response {
    if request.method != "GET" && request.method != "HEAD" {
        return page(405).with("Allow", "GET, HEAD");
    }
    let Some(relative) = local_path(request.path()) else { return page(400) };
    let path = root.join(relative);
    match fs::metadata(&path) {
        // Links inside a folder's index.html are relative to its URL, which must therefore end
        // with a slash; browsers follow the redirect without a word, as they do for nginx.
        Ok(meta) if meta.is_dir() && !request.path().ends_with('/') => {
            page(301).with("Location", &format!("{}/", request.path()))
        }
        Ok(meta) if meta.is_dir() => file(&path.join("index.html")),
        Ok(_) => file(&path),
        Err(e) => page(status_for(&e)),
    }
}

/// A file's contents, typed by its extension.
fn file(path: &Path) -> Response {
    match fs::read(path) {
        Ok(bytes) => Response::new(200, content_type(path), bytes),
        Err(e) => page(status_for(&e)),
    }
}

/// The status that tells a client why a file could not be read.
fn status_for(error: &io::Error) -> u16 {
    match error.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => 404,
        io::ErrorKind::PermissionDenied => 403,
        _ => 500,
    }
}

/// The file a URL path names below the root, or None when it would climb above it. The path is
/// percent-decoded first, since `%2e%2e` is `..` too; `..` is then resolved by itself, so no
/// request can reach a file outside the site, whatever it spells.
fn local_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let mut parts: Vec<&str> = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.iter().collect())
}

/// `%XX` escapes turned back into bytes, None if one is broken or the result is not UTF-8 text
/// (or holds a NUL, which no file name can).
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|s| !s.contains('\0'))
}

/// The media type a browser needs to show a file as what it is, by its extension.
fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        // Anything else is bytes a browser should download rather than guess at.
        _ => "application/octet-stream",
    }
}

/// A small HTML page for a status that is not a file, shaped like nginx's own.
fn page(status: u16) -> Response {
    let title = format!("{status} {}", httpkit::reason(status));
    let html = format!(
        "<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{title}</h1></center>\n\
         <hr><center>web</center>\n</body>\n</html>\n"
    );
    Response::new(status, "text/html; charset=utf-8", html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(root: &Path, method: &str, target: &str) -> Response {
        let request = Request { method: method.into(), target: target.into(), ..Request::default() };
        handle(root, &request)
    }

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(local_path("/a/./b/../c.html"), Some(PathBuf::from("a/c.html")));
        assert_eq!(local_path("/"), Some(PathBuf::new()));
        assert_eq!(local_path("/../etc/passwd"), None);
        assert_eq!(local_path("/a/%2e%2e/%2E%2E/etc"), None);
        assert_eq!(local_path("/caf%C3%A9"), Some(PathBuf::from("café")));
        assert_eq!(local_path("/%zz"), None);
        assert_eq!(local_path("/a%00b"), None);
    }

    #[test]
    fn files_folders_and_errors() {
        let root = std::env::temp_dir().join(format!("web-test-{}", std::process::id()));
        fs::create_dir_all(root.join("docs")).unwrap();
        fs::write(root.join("index.html"), "<h1>hi</h1>").unwrap();
        fs::write(root.join("docs/index.html"), "docs").unwrap();
        fs::write(root.join("style.css"), "p {}").unwrap();
        let home = get(&root, "GET", "/?x=1");
        assert_eq!((home.status, home.body.as_slice()), (200, &b"<h1>hi</h1>"[..]));
        assert_eq!(home.headers[0].1, "text/html; charset=utf-8");
        assert_eq!(get(&root, "HEAD", "/style.css").headers[0].1, "text/css; charset=utf-8");
        let folder = get(&root, "GET", "/docs");
        assert_eq!((folder.status, folder.headers[1].1.as_str()), (301, "/docs/"));
        assert_eq!(get(&root, "GET", "/docs/").body, b"docs");
        assert_eq!(get(&root, "GET", "/nope.html").status, 404);
        assert_eq!(get(&root, "GET", "/index.html/x").status, 404);
        assert_eq!(get(&root, "GET", "/../x").status, 400);
        let post = get(&root, "POST", "/");
        assert_eq!((post.status, post.headers[1].1.as_str()), (405, "GET, HEAD"));
        fs::remove_dir_all(&root).unwrap();
    }
}
