//! `httpkit`: the small HTTP/1.1 server that `web` and `kv` share: the listening socket a
//! container is handed, one request per connection, the response, and an access log line.
//!
//! A WASI preview1 program cannot open a socket of its own; it can only accept connections on
//! one it was given. So Dockyard opens one for every port the container listens on (its image's
//! `EXPOSE`s and its `-p` ports) and hands them over in ascending port order, after the three
//! standard streams and the root directory: descriptor 4 is the first, 5 the next, and so on.
//! systemd's socket activation hands sockets to services the same way.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::FromRawFd;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The first listening socket: after standard input, output and error (0 to 2) and the root (3).
pub const FIRST_SOCKET: i32 = 4;

/// The longest request head accepted. Anything longer is refused, as nginx refuses it, so a
/// client cannot make the server hold an endless head in memory.
const MAX_HEAD: usize = 16 * 1024;

/// A request as the client sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The target as sent: a path and maybe a query (`/index.html?v=2`).
    pub target: String,
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of the header `name`, whatever its case, since HTTP header names have none.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The target's path, without its query.
    pub fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("")
    }
}

/// A response: its status, its headers besides the ones every response gets, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response whose body is of the given media type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    /// A response of plain text.
    pub fn text(status: u16, text: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", text)
    }

    /// A response without a body, which is what 204 No Content must be.
    pub fn empty(status: u16) -> Response {
        Response { status, headers: Vec::new(), body: Vec::new() }
    }

    /// The same response with one more header.
    pub fn with(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The reason phrase of a status, as RFC 9110 names it.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Reads a request head (the request line and header lines, without the blank line after them).
/// A malformed one is the status to refuse it with: 400, or 505 for an HTTP other than 1.x.
pub fn parse_head(head: &str) -> Result<Request, u16> {
    // HTTP ends lines with CRLF, but RFC 9112 lets a server accept a bare LF, as `nc` sends.
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) || !target.starts_with('/') {
        return Err(400);
    }
    if !version.starts_with("HTTP/") {
        return Err(400);
    }
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(505);
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { return Err(400) };
        // A space before the colon is how request smuggling starts, so RFC 9112 says refuse it.
        if name.is_empty() || name.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(400);
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let request =
        Request { method: method.into(), target: target.into(), version: version.into(), headers, body: Vec::new() };
    // HTTP/1.1 requires Host, so that one address can serve many sites.
    if request.version == "HTTP/1.1" && request.header("Host").is_none() {
        return Err(400);
    }
    Ok(request)
}

/// Where the head ends in what was read: its length, and where the body starts.
fn head_end(data: &[u8]) -> Option<(usize, usize)> {
    let crlf = data.windows(4).position(|w| w == b"\r\n\r\n").map(|at| (at, at + 4));
    let lf = data.windows(2).position(|w| w == b"\n\n").map(|at| (at, at + 2));
    [crlf, lf].into_iter().flatten().min()
}

/// What came in on a connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    Request(Request),
    /// Something this server will not answer with its handler: the status to refuse it with, and
    /// the first line that came, for the log.
    Refused(u16, String),
    /// The client closed the connection without a word, as browsers' spare connections do.
    Nothing,
}

/// Reads one request: the head, then a body of `Content-Length` bytes up to `max_body`.
pub fn read_request(stream: &mut impl Read, max_body: usize) -> Incoming {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let first_line = |data: &[u8]| {
        let line = data.split(|b| *b == b'\n').next().unwrap_or_default();
        String::from_utf8_lossy(line).trim_end_matches('\r').to_string()
    };
    let (head_len, body_at) = loop {
        if let Some(end) = head_end(&data) {
            break end;
        }
        if data.len() > MAX_HEAD {
            return Incoming::Refused(431, first_line(&data));
        }
        match stream.read(&mut buf) {
            Ok(0) if data.is_empty() => return Incoming::Nothing,
            Ok(0) => return Incoming::Refused(400, first_line(&data)),
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Incoming::Nothing,
        }
    };
    let line = first_line(&data);
    let parsed = std::str::from_utf8(&data[..head_len]).map_err(|_| 400).and_then(parse_head);
    let mut request = match parsed {
        Ok(request) => request,
        Err(status) => return Incoming::Refused(status, line),
    };
    // Chunked uploads would need a decoder this server does without: no client here sends them.
    if request.header("Transfer-Encoding").is_some() {
        return Incoming::Refused(501, line);
    }
    let length = match request.header("Content-Length").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(length)) => length,
        Some(Err(_)) => return Incoming::Refused(400, line),
    };
    if length > max_body {
        return Incoming::Refused(413, line);
    }
    let mut body = data[body_at..].to_vec();
    while body.len() < length {
        match stream.read(&mut buf) {
            Ok(0) => return Incoming::Refused(400, line),
            Ok(n) => body.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Incoming::Nothing,
        }
    }
    body.truncate(length);
    request.body = body;
    Incoming::Request(request)
}

/// A response's bytes: status line, headers, and the body unless the request was HEAD, which
/// gets the same headers without it. Every response closes its connection, and says so.
pub fn render(server: &str, response: &Response, head_only: bool, now: u64) -> Vec<u8> {
    let status = response.status;
    let mut head = format!("HTTP/1.1 {status} {}\r\nServer: {server}\r\nDate: {}\r\n", reason(status), http_date(now));
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    // A 204 has no body, so RFC 9110 forbids it a length.
    if status != 204 {
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    bytes
}

/// The first listening socket this process was handed, or why there is none.
pub fn listener() -> Result<TcpListener, String> {
    if !is_socket(FIRST_SOCKET) {
        return Err("no listening socket: publish or expose a port".to_string());
    }
    // SAFETY: the host opened descriptor 4 for this process, and nothing else here owns it.
    Ok(unsafe { TcpListener::from_raw_fd(FIRST_SOCKET) })
}

/// Whether a descriptor is a stream socket, which preview1's fd_fdstat_get can tell.
#[cfg(target_os = "wasi")]
fn is_socket(fd: i32) -> bool {
    // SAFETY: fd_fdstat_get only reads the descriptor's state into the value it returns.
    unsafe { wasi::fd_fdstat_get(fd as u32) }.is_ok_and(|stat| stat.fs_filetype == wasi::FILETYPE_SOCKET_STREAM)
}

/// Natively, where these programs run only in tests, whoever started them put the socket there.
#[cfg(not(target_os = "wasi"))]
fn is_socket(_: i32) -> bool {
    true
}

/// Answers connections on `listener`, one at a time and one request each, forever: reads the
/// request, lets `handle` answer it, sends the answer and logs it. It returns only the error
/// that keeps it from accepting any more.
pub fn serve(
    server: &str,
    listener: &TcpListener,
    max_body: usize,
    mut handle: impl FnMut(&Request) -> Response,
) -> io::Error {
    loop {
        match listener.accept() {
            Ok((stream, _)) => answer(server, stream, max_body, &mut handle),
            // A client that gave up before it was accepted is no reason to stop serving others.
            Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::Interrupted) => {}
            // A socket that does not block has no client yet: wait a moment rather than spin.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return e,
        }
    }
}

/// Serves one connection and logs it.
fn answer(server: &str, mut stream: TcpStream, max_body: usize, handle: &mut impl FnMut(&Request) -> Response) {
    let (request, line, response) = match read_request(&mut stream, max_body) {
        Incoming::Nothing => return,
        Incoming::Refused(status, line) => {
            (Request::default(), line, Response::text(status, &format!("{status} {}\n", reason(status))))
        }
        Incoming::Request(request) => {
            let line = format!("{} {} {}", request.method, request.target, request.version);
            let response = handle(&request);
            (request, line, response)
        }
    };
    let now = now();
    let head_only = request.method == "HEAD";
    let sent = match stream.write_all(&render(server, &response, head_only, now)) {
        Ok(()) if !head_only => response.body.len(),
        _ => 0,
    };
    // Closing our side says "that was all" even to a client that ignores Connection: close.
    let _ = stream.shutdown(Shutdown::Write);
    let (referer, agent) = (request.header("Referer"), request.header("User-Agent"));
    println!("{}", log_line(now, &line, response.status, sent, referer, agent));
}

/// One line of the access log, in nginx's `combined` format. WASI tells a server nothing about
/// its peer, so the client's address is `-`, and so is the user, as nginx prints them.
pub fn log_line(now: u64, line: &str, status: u16, sent: usize, referer: Option<&str>, agent: Option<&str>) -> String {
    let (referer, agent) = (escape(referer.unwrap_or("-")), escape(agent.unwrap_or("-")));
    format!("- - - [{}] \"{}\" {status} {sent} \"{referer}\" \"{agent}\"", log_time(now), escape(line))
}

/// Text a client sent, safe to put between quotes in the log: quotes, backslashes and control
/// characters as `\xHH`, as nginx writes them, so no client can forge a log line.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c == '"' || c == '\\' || c.is_control() {
            for b in c.to_string().bytes() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Seconds since 1970, from the system clock.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// A moment in UTC: year, month (0 is January), day, hour, minute, second and weekday (0 is
/// Sunday), by Howard Hinnant's days-to-civil algorithm.
fn civil(secs: u64) -> (u64, usize, u64, u64, u64, u64, usize) {
    let (days, rem) = (secs / 86400, secs % 86400);
    let z = days + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 2 } else { mp - 10 } as usize;
    let year = yoe + era * 400 + u64::from(month <= 1);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60, ((days + 4) % 7) as usize)
}

/// The log's time, as nginx's `$time_local` shows it in UTC: `27/Nov/2026:20:31:58 +0000`.
pub fn log_time(secs: u64) -> String {
    let (year, month, day, h, m, s, _) = civil(secs);
    format!("{day:02}/{}/{year}:{h:02}:{m:02}:{s:02} +0000", MONTHS[month])
}

/// The `Date` header's time, as RFC 9110 spells it: `Fri, 27 Nov 2026 20:31:58 GMT`.
pub fn http_date(secs: u64) -> String {
    let (year, month, day, h, m, s, weekday) = civil(secs);
    format!("{}, {day:02} {} {year} {h:02}:{m:02}:{s:02} GMT", WEEKDAYS[weekday], MONTHS[month])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_parsed_and_bad_ones_refused() {
        let request = parse_head("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8.5.0").unwrap();
        assert_eq!((request.method.as_str(), request.path()), ("GET", "/a"));
        assert_eq!(request.header("user-agent"), Some("curl/8.5.0"));
        assert_eq!(parse_head("GET / HTTP/1.0").map(|r| r.headers.len()), Ok(0));
        assert_eq!(parse_head("GET / HTTP/1.1"), Err(400), "no Host");
        assert_eq!(parse_head("GET / HTTP/2.0"), Err(505));
        assert_eq!(parse_head("GET /  HTTP/1.0"), Err(400));
        assert_eq!(parse_head("get / HTTP/1.0"), Err(400));
        assert_eq!(parse_head("GET x HTTP/1.0"), Err(400));
        assert_eq!(parse_head("GET / HTTP/1.0\r\nHost : x"), Err(400));
    }

    #[test]
    fn requests_are_read_with_their_bodies() {
        let read = |bytes: &[u8]| read_request(&mut &bytes[..], 10);
        let Incoming::Request(r) = read(b"PUT /k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcdef") else {
            panic!("not read")
        };
        assert_eq!(r.body, b"abc");
        assert_eq!(read(b""), Incoming::Nothing);
        assert_eq!(read(b"GET / HTTP/1.1\r\nHost: x\r\n"), Incoming::Refused(400, "GET / HTTP/1.1".into()));
        let big = read(b"PUT /k HTTP/1.0\r\nContent-Length: 11\r\n\r\n");
        assert_eq!(big, Incoming::Refused(413, "PUT /k HTTP/1.0".into()));
        let chunked = read(b"PUT /k HTTP/1.0\nTransfer-Encoding: chunked\n\n");
        assert_eq!(chunked, Incoming::Refused(501, "PUT /k HTTP/1.0".into()));
        let head = [b'a'; 20000];
        assert!(matches!(read(&head), Incoming::Refused(431, _)));
    }

    #[test]
    fn responses_and_log_lines() {
        let bytes = render("web", &Response::text(200, "hi"), false, 0);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "HTTP/1.1 200 OK\r\nServer: web\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\
             Content-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
        );
        let head = String::from_utf8(render("kv", &Response::text(200, "hi"), true, 0)).unwrap();
        assert!(head.ends_with("Content-Length: 2\r\nConnection: close\r\n\r\n"));
        let empty = String::from_utf8(render("kv", &Response::empty(204), false, 0)).unwrap();
        assert!(!empty.contains("Content-Length"));
        assert_eq!(
            log_line(1_795_811_518, "GET / HTTP/1.1", 200, 612, None, Some("curl/8.5.0")),
            "- - - [27/Nov/2026:20:31:58 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.5.0\""
        );
        assert_eq!(escape("a\"b\n"), "a\\x22b\\x0A");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }
}
