//! `toolbox`: a busybox-like multi-call program, the shell and utilities of Dockyard's `toolbox` image.
//!
//! The image holds this one module under many names (`/bin/sh`, `/bin/ls`, ...), and the name it
//! was started by picks the applet, as busybox does. Every applet is a plain function that gets
//! its arguments, a working directory and environment ([`Ctx`]), and its three streams ([`Io`]),
//! so the shell can run applets in-process: WASI has no processes to spawn and no chdir for a
//! child, and this way redirections and pipelines are only a matter of which streams are passed.

mod applets;
mod curl;
mod files;
mod filters;
mod regex;
mod sh;
mod text;

use std::cell::RefCell;
use std::io::{self, BufWriter, Read, Write};
use std::rc::Rc;

/// The streams an applet reads and writes. The shell swaps them for files and pipe buffers.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// What a process inherits besides its streams: where it stands and its environment.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// An absolute, normalized path; relative paths are resolved against it.
    pub cwd: String,
    /// The environment, in order, as `(name, value)`.
    pub env: Vec<(String, String)>,
}

impl Ctx {
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The absolute path `path` names from the working directory.
    pub fn path(&self, path: &str) -> String {
        resolve(&self.cwd, path)
    }
}

/// `path` made absolute against `cwd` and normalized lexically (`.`, `..` and repeated slashes
/// removed), as a shell's logical `cd` does. WASI resolves paths under its preopened root, which
/// refuses to climb above `/`, so `..` at the root must stay there, as it does on Linux.
pub fn resolve(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The text Linux's strerror gives for an I/O error, without Rust's "(os error N)" suffix, so
/// messages read as busybox's do.
pub fn strerror(e: &io::Error) -> String {
    // WASI's errno numbers, which wasi-libc reports as raw OS errors.
    let text = match e.raw_os_error() {
        Some(2) => "Permission denied",
        Some(8) => "Bad file descriptor",
        Some(10) => "Resource busy",
        Some(20) => "File exists",
        Some(28) => "Invalid argument",
        Some(29) => "I/O error",
        Some(31) => "Is a directory",
        Some(32) => "Symbolic link loop",
        Some(37) => "File name too long",
        Some(44) => "No such file or directory",
        Some(51) => "No space left on device",
        Some(52) => "Function not implemented",
        Some(54) => "Not a directory",
        Some(55) => "Directory not empty",
        Some(58) => "Not supported",
        Some(63) => "Operation not permitted",
        Some(64) => "Broken pipe",
        Some(69) => "Read-only file system",
        Some(75) => "Invalid cross-device link",
        Some(76) => "Permission denied",
        _ => match e.kind() {
            io::ErrorKind::NotFound => "No such file or directory",
            io::ErrorKind::PermissionDenied => "Permission denied",
            io::ErrorKind::AlreadyExists => "File exists",
            io::ErrorKind::InvalidData => "Invalid argument",
            _ => return e.to_string(),
        },
    };
    text.to_string()
}

/// An applet: arguments (without the applet's name), context and streams in, exit status out.
pub type Applet = fn(&[String], &mut Ctx, &mut Io) -> i32;

/// Every applet by name, sorted, as `toolbox --help` lists them.
pub const APPLETS: &[(&str, Applet)] = &[
    ("[", text::test_bracket),
    ("basename", text::basename),
    ("cat", files::cat),
    ("cp", files::cp),
    ("curl", curl::curl),
    ("date", applets::date),
    ("dirname", text::dirname),
    ("echo", text::echo),
    ("env", applets::env),
    ("false", applets::false_),
    ("grep", text::grep),
    ("head", text::head),
    ("hostname", applets::hostname),
    ("id", applets::id),
    ("ln", files::ln),
    ("ls", files::ls),
    ("mkdir", files::mkdir),
    ("mv", files::mv),
    ("printenv", applets::printenv),
    ("printf", filters::printf),
    ("pwd", applets::pwd),
    ("rm", files::rm),
    ("rmdir", files::rmdir),
    ("sed", filters::sed),
    ("seq", text::seq),
    ("sh", sh::main),
    ("sleep", applets::sleep),
    ("sort", filters::sort),
    ("spin", applets::spin),
    ("stat", files::stat),
    ("tail", text::tail),
    ("tee", files::tee),
    ("test", text::test),
    ("touch", files::touch),
    ("tr", filters::tr),
    ("true", applets::true_),
    ("uname", applets::uname),
    ("uniq", filters::uniq),
    ("wc", text::wc),
    ("whoami", applets::whoami),
    ("yes", text::yes),
];

/// The applet called `name`, if there is one.
pub fn applet(name: &str) -> Option<Applet> {
    APPLETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The last component of a path, `toolbox` for `/bin/toolbox`.
pub fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit('/').next() {
        Some("") | None if path.starts_with('/') => "/",
        Some(name) => name,
        None => "",
    }
}

/// Runs the applet `argv[0]` names, or the one `argv[1]` names when `argv[0]` is `toolbox`.
pub fn run(argv: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let name = argv.first().map(|a| base_name(a)).unwrap_or("toolbox");
    if name != "toolbox" {
        return match applet(name) {
            Some(f) => f(&argv[1..], ctx, io),
            None => {
                let _ = writeln!(io.err, "{name}: applet not found");
                127
            }
        };
    }
    match argv.get(1).map(String::as_str) {
        None | Some("--help") | Some("--list") => {
            let _ = writeln!(io.out, "Toolbox, Dockyard's multi-call program, in the manner of BusyBox.");
            let _ = writeln!(io.out, "Usage: toolbox [APPLET [ARGS]...], or run it under an applet's name.");
            let _ = writeln!(io.out, "\nCurrently defined applets:");
            let names: Vec<&str> = APPLETS.iter().map(|(n, _)| *n).collect();
            for row in names.chunks(8) {
                let _ = writeln!(io.out, "\t{}", row.join(", "));
            }
            0
        }
        Some(_) => run(&argv[1..], ctx, io),
    }
}

/// Standard output, buffered, shared with [`Stderr`] so an error is never printed ahead of
/// output written before it.
struct Stdout(Rc<RefCell<BufWriter<io::Stdout>>>);

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

/// Standard error, unbuffered; it flushes standard output first to keep the two in order.
struct Stderr(Rc<RefCell<BufWriter<io::Stdout>>>);

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = self.0.borrow_mut().flush();
        io::stderr().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

fn main() {
    let argv: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let env: Vec<(String, String)> = std::env::vars_os()
        .map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned()))
        .collect();
    let cwd = env.iter().find(|(k, _)| k == "PWD").map(|(_, v)| v.as_str()).filter(|v| v.starts_with('/'));
    let mut ctx = Ctx { cwd: resolve("/", cwd.unwrap_or("/")), env };
    let shared = Rc::new(RefCell::new(BufWriter::new(io::stdout())));
    let mut stdin = io::stdin();
    let code = {
        let mut out = Stdout(shared.clone());
        let mut err = Stderr(shared.clone());
        let mut io = Io { stdin: &mut stdin, out: &mut out, err: &mut err };
        run(&argv, &mut ctx, &mut io)
    };
    let _ = shared.borrow_mut().flush();
    std::process::exit(code);
}
