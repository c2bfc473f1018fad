//! `curl`: an HTTP/1.1 client with the real curl's options, messages and exit codes, for talking
//! to other containers (`curl http://web/`), to ports published on the host, and to the host.
//!
//! WASI preview1 can use a connected socket but cannot make one, so Dockyard adds one call for it,
//! `sock_connect` in the import module `dockyard`: it resolves a name (a container's, `localhost`,
//! `host.docker.internal`) or an IPv4 address, connects, and hands back a descriptor that std's
//! `TcpStream` reads and writes like any other.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use crate::{strerror, Ctx, Io};

/// What curl says it is; servers' logs show it.
const USER_AGENT: &str = "curl/8.5.0";

/// preview1's errno values that `sock_connect` returns.
const EAGAIN: i32 = 6;
const ECONNREFUSED: i32 = 14;
const EHOSTUNREACH: i32 = 23;
const ENETUNREACH: i32 = 40;
const ENOENT: i32 = 44;
const ETIMEDOUT: i32 = 73;

/// A failure: curl's exit code and its message, which it prints as `curl: (CODE) MESSAGE`.
type Failure = (i32, String);

fn bad_url() -> Failure {
    (3, "URL using bad/illegal format or missing URL".to_string())
}

/// The options of one run.
#[derive(Debug, Default)]
struct Options {
    silent: bool,
    show_error: bool,
    /// `--path-as-is`: send `.` and `..` segments instead of resolving them first.
    path_as_is: bool,
    include: bool,
    head: bool,
    fail: bool,
    verbose: bool,
    method: Option<String>,
    /// `-d` pieces, joined with `&` as curl joins them.
    data: Vec<Vec<u8>>,
    upload: Option<String>,
    headers: Vec<String>,
    output: Option<String>,
    urls: Vec<String>,
}

/// A URL split into what the connection and the request need.
#[derive(Debug, PartialEq, Eq)]
struct Url {
    host: String,
    port: u16,
    /// The path and query, as the request line carries them.
    target: String,
}

/// Reads `http://host[:port][/path][?query]`; with no scheme, curl assumes http.
fn parse_url(url: &str) -> Result<Url, Failure> {
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) => return Err((1, format!("Protocol \"{scheme}\" not supported"))),
        None => url,
    };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(split);
    // Credentials (user:password@) would go in an Authorization header; they are dropped.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, "")) => (host, 80),
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, port.parse::<u16>().map_err(|_| bad_url())?)
        }
        Some(_) => return Err(bad_url()),
        None => (authority, 80),
    };
    let tail = tail.split('#').next().unwrap_or("");
    if host.is_empty() || url.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(bad_url());
    }
    let target = if tail.starts_with('/') { tail.to_string() } else { format!("/{tail}") };
    Ok(Url { host: host.to_ascii_lowercase(), port, target })
}

/// A target with its `.` and `..` segments resolved, as RFC 3986 says and curl does before it
/// sends: `/a/../b` asks for `/b`, and no request climbs above `/` unless `--path-as-is`.
fn remove_dot_segments(target: &str) -> String {
    let (path, query) = target.split_at(target.find('?').unwrap_or(target.len()));
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    kept.pop();
                }
                // A path that ends in a dot segment names a folder, so it keeps its slash.
                if last {
                    kept.push("");
                }
            }
            other => kept.push(other),
        }
    }
    format!("/{}{query}", kept.join("/"))
}

/// The request's bytes. Headers given with `-H` replace curl's own of the same name, and
/// `Name:` with no value removes one.
fn request(method: &str, url: &Url, extra: &[String], body: Option<&[u8]>, form: bool) -> Vec<u8> {
    let host = if url.port == 80 { url.host.clone() } else { format!("{}:{}", url.host, url.port) };
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), host),
        ("User-Agent".into(), USER_AGENT.into()),
        ("Accept".into(), "*/*".into()),
        ("Connection".into(), "close".into()),
    ];
    if let Some(body) = body {
        headers.push(("Content-Length".into(), body.len().to_string()));
        if form {
            headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
        }
    }
    for line in extra {
        let Some((name, value)) = line.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim());
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if !value.is_empty() {
            headers.push((name.to_string(), value.to_string()));
        }
    }
    let mut bytes = format!("{method} {} HTTP/1.1\r\n", url.target).into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    bytes.extend_from_slice(b"\r\n");
    if let Some(body) = body {
        bytes.extend_from_slice(body);
    }
    bytes
}

/// A response: the head as it came (interim `100 Continue` heads too, as `-i` shows them),
/// the final status, the body, and a failure found after the body began, which curl reports
/// after printing what it got.
#[derive(Debug, PartialEq, Eq)]
struct Reply {
    head: Vec<u8>,
    status: u16,
    body: Vec<u8>,
    late: Option<Failure>,
}

/// Where a head ends in `data` from `from`: the index after its blank line.
fn head_end(data: &[u8], from: usize) -> Option<usize> {
    let rest = &data[from..];
    let crlf = rest.windows(4).position(|w| w == b"\r\n\r\n").map(|at| at + 4);
    let lf = rest.windows(2).position(|w| w == b"\n\n").map(|at| at + 2);
    [crlf, lf].into_iter().flatten().min().map(|end| from + end)
}

/// Reads what has arrived of a response: Ok(None) means more is needed. At the end of the
/// stream (`eof`), whatever is there is the answer.
fn parse_reply(data: &[u8], head_request: bool, eof: bool) -> Result<Option<Reply>, Failure> {
    let weird = || (8, "Weird server reply".to_string());
    if data.is_empty() || (!eof && data.len() < 5 && b"HTTP/".starts_with(data)) {
        return if eof { Err((52, "Empty reply from server".into())) } else { Ok(None) };
    }
    if !data.starts_with(b"HTTP/") {
        return Err((1, "Received HTTP/0.9 when not allowed".into()));
    }
    let mut start = 0;
    let (end, status, headers) = loop {
        let Some(end) = head_end(data, start) else {
            return if eof { Err(weird()) } else { Ok(None) };
        };
        let text = String::from_utf8_lossy(&data[start..end]);
        let mut lines = text.lines();
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse::<u16>().ok());
        let status = status.ok_or_else(weird)?;
        // 1xx heads are interim: the real answer follows them.
        if (100..200).contains(&status) && status != 101 {
            start = end;
            continue;
        }
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        break (end, status, headers);
    };
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let body = &data[end..];
    let reply = |body: &[u8], late| Reply { head: data[..end].to_vec(), status, body: body.to_vec(), late };
    if head_request || status == 204 || status == 304 {
        return Ok(Some(reply(&[], None)));
    }
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        return match dechunk(body) {
            Some(decoded) => Ok(Some(reply(&decoded, None))),
            None if eof => Err((18, "transfer closed with outstanding read data remaining".into())),
            None => Ok(None),
        };
    }
    match header("content-length").map(|v| v.parse::<usize>()) {
        Some(Err(_)) => Err(weird()),
        Some(Ok(length)) if body.len() >= length => Ok(Some(reply(&body[..length], None))),
        Some(Ok(length)) if eof => {
            let late = (18, format!("transfer closed with {} bytes remaining to read", length - body.len()));
            Ok(Some(reply(body, Some(late))))
        }
        // Without a length, the body is whatever comes until the server closes.
        None if eof => Ok(Some(reply(body, None))),
        _ => Ok(None),
    }
}

/// A chunked body decoded, None until its last (empty) chunk has arrived, or if it is malformed.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let line = std::str::from_utf8(&data[..line_end]).ok()?;
        // A size may carry extensions after a `;`, which say nothing a client needs.
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?.strip_prefix(b"\r\n")?;
    }
}

/// Connects to `host:port` through Dockyard's `sock_connect`, or says why not as preview1's errno.
#[cfg(target_os = "wasi")]
fn connect(host: &str, port: u16) -> Result<TcpStream, i32> {
    use std::os::fd::FromRawFd;

    #[link(wasm_import_module = "dockyard")]
    extern "C" {
        fn sock_connect(host: *const u8, host_len: usize, port: u32, fd: *mut u32) -> i32;
    }
    let mut fd: u32 = 0;
    // SAFETY: the host reads `host_len` bytes at `host` and writes one u32 at `fd`, both ours.
    let errno = unsafe { sock_connect(host.as_ptr(), host.len(), u32::from(port), &mut fd) };
    if errno != 0 {
        return Err(errno);
    }
    // SAFETY: the descriptor is a connected socket the host just opened for us alone.
    Ok(unsafe { TcpStream::from_raw_fd(fd as i32) })
}

/// Natively, where the applet runs only for tests, the system connects, with its errors told
/// as `sock_connect` tells them.
#[cfg(not(target_os = "wasi"))]
fn connect(host: &str, port: u16) -> Result<TcpStream, i32> {
    use std::io::ErrorKind;
    use std::net::ToSocketAddrs;

    let addresses = (host, port).to_socket_addrs().map_err(|_| ENOENT)?;
    let mut errno = ECONNREFUSED;
    for address in addresses {
        match TcpStream::connect(address) {
            Ok(stream) => return Ok(stream),
            Err(e) => {
                errno = match e.kind() {
                    ErrorKind::HostUnreachable => EHOSTUNREACH,
                    ErrorKind::NetworkUnreachable => ENETUNREACH,
                    ErrorKind::TimedOut => ETIMEDOUT,
                    _ => ECONNREFUSED,
                }
            }
        }
    }
    Err(errno)
}

/// What curl says when a connection fails with `errno`.
fn connect_failure(url: &Url, errno: i32, ms: u128) -> Failure {
    let (host, port) = (&url.host, url.port);
    let why = match errno {
        ENOENT => return (6, format!("Could not resolve host: {host}")),
        ETIMEDOUT => {
            return (28, format!("Failed to connect to {host} port {port} after {ms} ms: Timeout was reached"))
        }
        ECONNREFUSED => "Connection refused",
        EHOSTUNREACH => "No route to host",
        ENETUNREACH => "Network is unreachable",
        EAGAIN => "Resource temporarily unavailable",
        _ => "Couldn't connect to server",
    };
    (7, format!("Failed to connect to {host} port {port} after {ms} ms: {why}"))
}

/// Reads the options as curl does: short ones alone or bundled (`-sS`, `-XPUT`), long ones
/// (`--silent`), anything else a URL.
fn parse_args(args: &[String], ctx: &Ctx, io: &mut Io) -> Result<Options, i32> {
    let mut opts = Options::default();
    let mut i = 0;
    let value = |i: &mut usize, inline: Option<String>, name: &str, io: &mut Io| -> Result<String, i32> {
        if let Some(v) = inline.filter(|v| !v.is_empty()) {
            return Ok(v);
        }
        *i += 1;
        args.get(*i).cloned().ok_or_else(|| {
            let _ = writeln!(io.err, "curl: option {name}: requires parameter");
            let _ = writeln!(io.err, "curl: try 'curl --help' or 'curl --manual' for more information");
            2
        })
    };
    while i < args.len() {
        let arg = &args[i];
        // Each option as its short letter and the value written into the same word, if any.
        let mut letters: Vec<(char, Option<String>)> = Vec::new();
        if let Some(long) = arg.strip_prefix("--") {
            let letter = match long {
                "silent" => 's',
                "show-error" => 'S',
                "include" => 'i',
                "head" => 'I',
                "fail" => 'f',
                "verbose" => 'v',
                "request" => 'X',
                "data" | "data-ascii" => 'd',
                "data-raw" => 'r',
                "data-binary" => 'b',
                "header" => 'H',
                "output" => 'o',
                "upload-file" => 'T',
                "path-as-is" => 'P',
                "user-agent" => 'A',
                _ => {
                    let _ = writeln!(io.err, "curl: option {arg}: is unknown");
                    let _ = writeln!(io.err, "curl: try 'curl --help' or 'curl --manual' for more information");
                    return Err(2);
                }
            };
            letters.push((letter, None));
        } else if arg.len() > 1 && arg.starts_with('-') {
            let chars: Vec<char> = arg[1..].chars().collect();
            for (at, c) in chars.iter().enumerate() {
                if !"sSiIfvXdHoTA".contains(*c) {
                    let _ = writeln!(io.err, "curl: option -{c}: is unknown");
                    let _ = writeln!(io.err, "curl: try 'curl --help' or 'curl --manual' for more information");
                    return Err(2);
                }
                if "XdHoTA".contains(*c) {
                    letters.push((*c, Some(chars[at + 1..].iter().collect())));
                    break;
                }
                letters.push((*c, None));
            }
        } else {
            opts.urls.push(arg.clone());
        }
        for (letter, inline) in letters {
            let name = if arg.starts_with("--") { arg.clone() } else { format!("-{letter}") };
            match letter {
                's' => opts.silent = true,
                'S' => opts.show_error = true,
                'P' => opts.path_as_is = true,
                'i' => opts.include = true,
                'I' => opts.head = true,
                'f' => opts.fail = true,
                'v' => opts.verbose = true,
                'X' => opts.method = Some(value(&mut i, inline, &name, io)?),
                'd' | 'r' | 'b' => {
                    let data = value(&mut i, inline, &name, io)?;
                    opts.data.push(data_arg(letter, data, ctx, io));
                }
                'H' => opts.headers.push(value(&mut i, inline, &name, io)?),
                'o' => opts.output = Some(value(&mut i, inline, &name, io)?),
                'T' => opts.upload = Some(value(&mut i, inline, &name, io)?),
                _ => opts.headers.push(format!("User-Agent: {}", value(&mut i, inline, &name, io)?)),
            }
        }
        i += 1;
    }
    Ok(opts)
}

/// A `-d` value: the text, or with `@FILE` the file's contents (`@-` standard input). `-d`
/// drops a file's line breaks, as curl does; `--data-binary` keeps every byte; `--data-raw`
/// takes `@` literally.
fn data_arg(letter: char, data: String, ctx: &Ctx, io: &mut Io) -> Vec<u8> {
    let Some(file) = data.strip_prefix('@').filter(|_| letter != 'r') else { return data.into_bytes() };
    let mut bytes = Vec::new();
    let read =
        if file == "-" { io.stdin.read_to_end(&mut bytes).map(|_| ()) } else { read_file(&ctx.path(file), &mut bytes) };
    if read.is_err() {
        let _ = writeln!(io.err, "Warning: Couldn't read data from file \"{file}\", this makes an empty POST.");
    }
    if letter == 'd' {
        bytes.retain(|b| *b != b'\r' && *b != b'\n');
    }
    bytes
}

fn read_file(path: &str, into: &mut Vec<u8>) -> std::io::Result<()> {
    fs::File::open(path)?.read_to_end(into).map(|_| ())
}

/// `curl [OPTIONS] URL...`
pub fn curl(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match parse_args(args, ctx, io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    if opts.urls.is_empty() {
        let _ = writeln!(io.err, "curl: no URL specified!");
        let _ = writeln!(io.err, "curl: try 'curl --help' or 'curl --manual' for more information");
        return 2;
    }
    let mut code = 0;
    for url in &opts.urls {
        if let Err((failed, message)) = transfer(&opts, url, ctx, io) {
            if !opts.silent || opts.show_error {
                let _ = writeln!(io.err, "curl: ({failed}) {message}");
            }
            code = failed;
        }
    }
    code
}

/// One URL: connect, send, read the whole answer, and write it where it should go.
fn transfer(opts: &Options, url: &str, ctx: &Ctx, io: &mut Io) -> Result<(), Failure> {
    let mut url = parse_url(url)?;
    if !opts.path_as_is {
        url.target = remove_dot_segments(&url.target);
    }
    let mut body: Option<Vec<u8>> = None;
    let mut method = "GET";
    if let Some(file) = &opts.upload {
        let mut bytes = Vec::new();
        let read = if file == "-" {
            io.stdin.read_to_end(&mut bytes).map(|_| ())
        } else {
            read_file(&ctx.path(file), &mut bytes)
        };
        read.map_err(|e| (26, format!("Failed to open/read local data from file/application: {}", strerror(&e))))?;
        // Uploading to a folder's URL names the upload after the file, as curl does.
        if url.target.ends_with('/') && file != "-" {
            url.target.push_str(crate::base_name(file));
        }
        body = Some(bytes);
        method = "PUT";
    } else if !opts.data.is_empty() {
        body = Some(opts.data.join(&b'&'));
        method = "POST";
    }
    if opts.head {
        method = "HEAD";
    }
    let method = opts.method.as_deref().unwrap_or(method);
    let form = opts.upload.is_none() && !opts.data.is_empty();
    let bytes = request(method, &url, &opts.headers, body.as_deref(), form);

    let started = Instant::now();
    if opts.verbose {
        let _ = writeln!(io.err, "*   Trying {}:{}...", url.host, url.port);
    }
    let mut stream =
        connect(&url.host, url.port).map_err(|errno| connect_failure(&url, errno, started.elapsed().as_millis()))?;
    if opts.verbose {
        let _ = writeln!(io.err, "* Connected to {} port {}", url.host, url.port);
        let head_len = bytes.len() - body.as_ref().map_or(0, Vec::len);
        for line in String::from_utf8_lossy(&bytes[..head_len]).split("\r\n").take_while(|l| !l.is_empty()) {
            let _ = writeln!(io.err, "> {line}");
        }
        let _ = writeln!(io.err, "> ");
    }
    stream.write_all(&bytes).map_err(|e| (55, format!("Failed sending data to the peer: {}", strerror(&e))))?;

    // Read until the answer is complete, or the server closes the connection.
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let reply = loop {
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((56, format!("Recv failure: {}", strerror(&e)))),
        };
        data.extend_from_slice(&buf[..n]);
        if let Some(reply) = parse_reply(&data, method == "HEAD", n == 0)? {
            break reply;
        }
    };
    if opts.verbose {
        for line in String::from_utf8_lossy(&reply.head).lines().filter(|l| !l.is_empty()) {
            let _ = writeln!(io.err, "< {line}");
        }
        let _ = writeln!(io.err, "< ");
    }
    if opts.fail && reply.status >= 400 {
        return Err((22, format!("The requested URL returned error: {}", reply.status)));
    }
    let mut out = Vec::new();
    if opts.include || opts.head {
        out.extend_from_slice(&reply.head);
    }
    out.extend_from_slice(&reply.body);
    match &opts.output {
        None => {
            let _ = io.out.write_all(&out);
        }
        Some(file) => {
            if let Err(e) = fs::write(ctx.path(file), &out) {
                let _ = writeln!(io.err, "Warning: Failed to open the file {file}: {}", strerror(&e));
                return Err((23, "Failure writing output to destination".into()));
            }
        }
    }
    if opts.verbose {
        let _ = writeln!(io.err, "* Closing connection");
    }
    reply.late.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(host: &str, port: u16, target: &str) -> Url {
        Url { host: host.into(), port, target: target.into() }
    }

    #[test]
    fn urls_are_read_as_curl_reads_them() {
        assert_eq!(parse_url("http://web/"), Ok(url("web", 80, "/")));
        assert_eq!(parse_url("localhost:8080"), Ok(url("localhost", 8080, "/")));
        assert_eq!(parse_url("HTTP://Kv:8000/a?b=1#top"), Ok(url("kv", 8000, "/a?b=1")));
        assert_eq!(parse_url("http://u:p@host:/x"), Ok(url("host", 80, "/x")));
        assert_eq!(parse_url("https://web/"), Err((1, "Protocol \"https\" not supported".into())));
        for bad in ["http://", "http://:80", "web:http", "web:70000", "http://a b/"] {
            assert_eq!(parse_url(bad), Err(bad_url()), "{bad}");
        }
        assert_eq!(remove_dot_segments("/a/./b/../c?x=/../"), "/a/c?x=/../");
        assert_eq!(remove_dot_segments("/../../etc/passwd"), "/etc/passwd");
        assert_eq!(remove_dot_segments("/a/b/.."), "/a/");
    }

    #[test]
    fn requests_carry_curl_headers_and_the_body() {
        let body = request("POST", &url("kv", 8000, "/k"), &["Accept:".into(), "X-A: 1".into()], Some(b"v"), true);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "POST /k HTTP/1.1\r\nHost: kv:8000\r\nUser-Agent: curl/8.5.0\r\nConnection: close\r\n\
             Content-Length: 1\r\nContent-Type: application/x-www-form-urlencoded\r\nX-A: 1\r\n\r\nv"
        );
    }

    #[test]
    fn replies_are_complete_only_when_all_of_them_came() {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(parse_reply(b"HTTP/1.1 200 OK\r\n", false, false), Ok(None));
        assert_eq!(parse_reply(format!("{head}hel").as_bytes(), false, false), Ok(None));
        let reply = parse_reply(format!("{head}hello").as_bytes(), false, false).unwrap().unwrap();
        assert_eq!((reply.status, reply.body.as_slice(), reply.head.len()), (200, &b"hello"[..], head.len()));
        let short = parse_reply(format!("{head}hel").as_bytes(), false, true).unwrap().unwrap();
        assert_eq!(short.late, Some((18, "transfer closed with 2 bytes remaining to read".into())));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_reply(chunked, false, false).unwrap().unwrap().body, b"abcde");
        assert_eq!(parse_reply(&chunked[..60], false, false), Ok(None));
        let continued = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n\r\ngone";
        assert_eq!(parse_reply(continued, false, true).unwrap().unwrap().status, 404);
        assert_eq!(
            parse_reply(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true, false).unwrap().unwrap().body,
            b""
        );
        assert_eq!(parse_reply(b"", false, true), Err((52, "Empty reply from server".into())));
        assert_eq!(parse_reply(b"SSH-2.0\r\n", false, true), Err((1, "Received HTTP/0.9 when not allowed".into())));
    }
}
