//! `kv`: the program inside the `kv` image, a tiny key-value store over HTTP. Each key is a file
//! under `/data`, which the image declares a volume, so the values outlive the container.
//!
//! ```text
//! docker run -d --name kv -p 8000:8000 -v kvdata:/data kv
//! curl -X PUT -d hello localhost:8000/greeting   # 201 Created, or 204 when it replaced one
//! curl localhost:8000/greeting                   # hello
//! curl localhost:8000/                           # the keys, one a line
//! curl -X DELETE localhost:8000/greeting         # 204 No Content, or 404 when there was none
//! ```
//!
//! The sockets and the HTTP itself are in the `httpkit` library, which the `web` program shares.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use httpkit::{Request, Response};

/// Where the keys live, unless the first argument names another folder.
const DIR: &str = "/data";

/// The port the image exposes. A preview1 program cannot ask a socket for its port, so the
/// startup line says the one the image was made for.
const PORT: u16 = 8000;

/// The largest value stored: plenty for notes and settings, and a bound on what one request
/// can make the store hold in memory.
const MAX_VALUE: usize = 1 << 20;

fn main() -> ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| DIR.to_string());
    // Docker creates a volume's mount point, but the store should work without a volume too.
    if let Err(e) = fs::create_dir_all(&dir) {
        eprintln!("kv: cannot create {dir}: {e}");
        return ExitCode::FAILURE;
    }
    let listener = match httpkit::listener() {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("kv: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("kv: keeping keys in {dir}, serving on port {PORT}");
    let error = httpkit::serve("kv", &listener, MAX_VALUE, |request| handle(Path::new(&dir), request));
    eprintln!("kv: {error}");
    ExitCode::FAILURE
}

/// The answer to one request.
fn handle(dir: &Path, request: &Request) -> Response {
    let key = request.path().strip_prefix('/').unwrap_or_default();
    let method = request.method.as_str();
    if key.is_empty() {
        return match method {
            "GET" | "HEAD" => list(dir),
            _ => Response::text(405, "kv: only GET lists the keys\n").with("Allow", "GET, HEAD"),
        };
    }
    if !valid_key(key) {
        return Response::text(400, "kv: a key is letters, digits, '.', '_' and '-', not starting with '.'\n");
    }
    let path = dir.join(key);
    match method {
        "GET" | "HEAD" => match fs::read(&path) {
            Ok(value) => Response::new(200, "text/plain; charset=utf-8", value),
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing(key),
            Err(e) => failed("read", key, &e),
        },
        "PUT" => store(dir, key, &request.body),
        "DELETE" => match fs::remove_file(&path) {
            Ok(()) => Response::empty(204),
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing(key),
            Err(e) => failed("delete", key, &e),
        },
        _ => Response::text(405, "kv: use GET, PUT or DELETE\n").with("Allow", "GET, HEAD, PUT, DELETE"),
    }
}

/// Whether a key can be a file name as it is: no slashes to climb out of the folder with, and
/// no leading dot, which hides files and is kept for the store's temporary ones.
fn valid_key(key: &str) -> bool {
    key.len() <= 255
        && !key.starts_with('.')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The keys, sorted, one a line.
fn list(dir: &Path) -> Response {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return failed("list", "", &e),
    };
    let mut keys: Vec<String> = entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| valid_key(name))
        .collect();
    keys.sort();
    let body: String = keys.iter().map(|key| format!("{key}\n")).collect();
    Response::text(200, &body)
}

/// Stores a value so that no reader, and no crash, ever sees half of it: the value goes to a
/// temporary file beside the key's, reaches the disk, and is renamed over the key's file. A
/// rename is all or nothing, so the key holds the old value or the new one, never a mix.
fn store(dir: &Path, key: &str, value: &[u8]) -> Response {
    let path = dir.join(key);
    let temporary = dir.join(format!(".{key}.tmp"));
    let existed = path.is_file();
    let written = File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(value)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, &path));
    match written {
        Ok(()) if existed => Response::empty(204),
        Ok(()) => Response::empty(201).with("Location", &format!("/{key}")),
        Err(e) => {
            let _ = fs::remove_file(&temporary);
            failed("store", key, &e)
        }
    }
}

fn missing(key: &str) -> Response {
    Response::text(404, &format!("kv: no such key: {key}\n"))
}

/// A 500 for a filesystem error, which also goes to the container's log for whoever runs it.
fn failed(what: &str, key: &str, error: &io::Error) -> Response {
    eprintln!("kv: cannot {what} {key}: {error}");
    Response::text(500, &format!("kv: cannot {what} {key}: {error}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(dir: &Path, method: &str, target: &str, body: &str) -> (u16, String) {
        let request = Request { method: method.into(), target: target.into(), body: body.into(), ..Request::default() };
        let response = handle(dir, &request);
        (response.status, String::from_utf8_lossy(&response.body).into_owned())
    }

    #[test]
    fn keys_are_stored_listed_and_deleted() {
        let dir = std::env::temp_dir().join(format!("kv-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        assert_eq!(call(&dir, "GET", "/", ""), (200, String::new()));
        assert_eq!(call(&dir, "PUT", "/greeting", "hello"), (201, String::new()));
        assert_eq!(call(&dir, "PUT", "/greeting", "hi"), (204, String::new()));
        assert_eq!(call(&dir, "PUT", "/b-2.txt", "x"), (201, String::new()));
        assert_eq!(call(&dir, "GET", "/greeting", ""), (200, "hi".into()));
        assert_eq!(call(&dir, "GET", "/", ""), (200, "b-2.txt\ngreeting\n".into()));
        assert_eq!(call(&dir, "DELETE", "/greeting", ""), (204, String::new()));
        assert_eq!(call(&dir, "DELETE", "/greeting", ""), (404, "kv: no such key: greeting\n".into()));
        assert_eq!(call(&dir, "GET", "/greeting", "").0, 404);
        assert_eq!(call(&dir, "GET", "/../etc", "").0, 400);
        assert_eq!(call(&dir, "PUT", "/.hidden", "").0, 400);
        assert_eq!(call(&dir, "PUT", "/a/b", "").0, 400);
        assert_eq!(call(&dir, "POST", "/a", "").0, 405);
        assert_eq!(call(&dir, "DELETE", "/", "").0, 405);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "no temporary file is left");
        fs::remove_dir_all(&dir).unwrap();
    }
}
