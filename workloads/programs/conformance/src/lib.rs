//! What every conformance program shares: printing facts and checking them as it goes.
//!
//! Each program prints only deterministic facts (contents, kinds, errno names; never times,
//! inode numbers or pointers), so two WASI implementations running it over the same tree must
//! print the same lines. Each also checks its own expectations and, when one fails, says so on
//! stderr and exits with status 1, so a run anywhere (the browser too) is judged by its status.

use std::fmt::Debug;
use std::io::{self, Write};

/// The exit status of a program whose own expectations failed.
pub const FAILED: i32 = 1;

/// Every preview1 errno, in code order, so a raw code finds its name.
const ERRNOS: [wasi::Errno; 77] = [
    wasi::ERRNO_SUCCESS,
    wasi::ERRNO_2BIG,
    wasi::ERRNO_ACCES,
    wasi::ERRNO_ADDRINUSE,
    wasi::ERRNO_ADDRNOTAVAIL,
    wasi::ERRNO_AFNOSUPPORT,
    wasi::ERRNO_AGAIN,
    wasi::ERRNO_ALREADY,
    wasi::ERRNO_BADF,
    wasi::ERRNO_BADMSG,
    wasi::ERRNO_BUSY,
    wasi::ERRNO_CANCELED,
    wasi::ERRNO_CHILD,
    wasi::ERRNO_CONNABORTED,
    wasi::ERRNO_CONNREFUSED,
    wasi::ERRNO_CONNRESET,
    wasi::ERRNO_DEADLK,
    wasi::ERRNO_DESTADDRREQ,
    wasi::ERRNO_DOM,
    wasi::ERRNO_DQUOT,
    wasi::ERRNO_EXIST,
    wasi::ERRNO_FAULT,
    wasi::ERRNO_FBIG,
    wasi::ERRNO_HOSTUNREACH,
    wasi::ERRNO_IDRM,
    wasi::ERRNO_ILSEQ,
    wasi::ERRNO_INPROGRESS,
    wasi::ERRNO_INTR,
    wasi::ERRNO_INVAL,
    wasi::ERRNO_IO,
    wasi::ERRNO_ISCONN,
    wasi::ERRNO_ISDIR,
    wasi::ERRNO_LOOP,
    wasi::ERRNO_MFILE,
    wasi::ERRNO_MLINK,
    wasi::ERRNO_MSGSIZE,
    wasi::ERRNO_MULTIHOP,
    wasi::ERRNO_NAMETOOLONG,
    wasi::ERRNO_NETDOWN,
    wasi::ERRNO_NETRESET,
    wasi::ERRNO_NETUNREACH,
    wasi::ERRNO_NFILE,
    wasi::ERRNO_NOBUFS,
    wasi::ERRNO_NODEV,
    wasi::ERRNO_NOENT,
    wasi::ERRNO_NOEXEC,
    wasi::ERRNO_NOLCK,
    wasi::ERRNO_NOLINK,
    wasi::ERRNO_NOMEM,
    wasi::ERRNO_NOMSG,
    wasi::ERRNO_NOPROTOOPT,
    wasi::ERRNO_NOSPC,
    wasi::ERRNO_NOSYS,
    wasi::ERRNO_NOTCONN,
    wasi::ERRNO_NOTDIR,
    wasi::ERRNO_NOTEMPTY,
    wasi::ERRNO_NOTRECOVERABLE,
    wasi::ERRNO_NOTSOCK,
    wasi::ERRNO_NOTSUP,
    wasi::ERRNO_NOTTY,
    wasi::ERRNO_NXIO,
    wasi::ERRNO_OVERFLOW,
    wasi::ERRNO_OWNERDEAD,
    wasi::ERRNO_PERM,
    wasi::ERRNO_PIPE,
    wasi::ERRNO_PROTO,
    wasi::ERRNO_PROTONOSUPPORT,
    wasi::ERRNO_PROTOTYPE,
    wasi::ERRNO_RANGE,
    wasi::ERRNO_ROFS,
    wasi::ERRNO_SPIPE,
    wasi::ERRNO_SRCH,
    wasi::ERRNO_STALE,
    wasi::ERRNO_TIMEDOUT,
    wasi::ERRNO_TXTBSY,
    wasi::ERRNO_XDEV,
    wasi::ERRNO_NOTCAPABLE,
];

/// The preview1 name of a raw errno (wasi-libc's errno values are preview1's codes).
pub fn errno_name(code: i32) -> String {
    match ERRNOS.iter().find(|e| i32::from(e.raw()) == code) {
        Some(errno) => errno.name().to_string(),
        None => format!("errno {code}"),
    }
}

/// An I/O error as its errno name, the one fact about it every implementation must agree on.
pub fn io_error(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(code) => errno_name(code),
        None => format!("{:?}", error.kind()),
    }
}

/// A std result as `ok VALUE` or the errno's name.
pub fn shown<T: Debug>(result: &io::Result<T>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(error) => io_error(error),
    }
}

/// A std result whose value says nothing deterministic (a `File`, `()`), as `ok` or the errno's name.
pub fn status<T>(result: &io::Result<T>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(error) => io_error(error),
    }
}

/// A raw preview1 result as `ok VALUE` or the errno's name.
pub fn raw<T: Debug>(result: &Result<T, wasi::Errno>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(errno) => errno.name().to_string(),
    }
}

/// A raw preview1 result whose value says nothing deterministic (a descriptor number), as `ok` or the errno's name.
pub fn raw_status<T>(result: &Result<T, wasi::Errno>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(errno) => errno.name().to_string(),
    }
}

/// The preopened root, fd 3 in every implementation.
pub const ROOT: wasi::Fd = 3;

/// Creates a symlink at `link` (an absolute path) holding `target`, as std's unstable
/// `symlink_path` would: preview1's path_symlink relative to the root.
pub fn symlink(target: &str, link: &str) -> io::Result<()> {
    let link = link.trim_start_matches('/');
    // SAFETY: path_symlink only reads the two strings' bytes.
    unsafe { wasi::path_symlink(target, ROOT, link) }.map_err(|e| io::Error::from_raw_os_error(i32::from(e.raw())))
}

/// Prints facts and counts the ones that were not as expected.
pub struct Check {
    program: &'static str,
    failures: u32,
}

impl Check {
    pub fn new(program: &'static str) -> Self {
        Check { program, failures: 0 }
    }

    /// Prints `what: actual`, and records a failure when it is not `expected`.
    pub fn expect(&mut self, what: &str, actual: impl AsRef<str>, expected: impl AsRef<str>) {
        let (actual, expected) = (actual.as_ref(), expected.as_ref());
        println!("{what}: {actual}");
        if actual != expected {
            self.fail(what, &format!("got {actual}, expected {expected}"));
        }
    }

    /// Prints `what: actual`, and records a failure when it is none of `allowed`: for facts where
    /// the specification leaves room, such as which errno refuses an operation.
    pub fn expect_one_of(&mut self, what: &str, actual: impl AsRef<str>, allowed: &[&str]) {
        let actual = actual.as_ref();
        println!("{what}: {actual}");
        if !allowed.contains(&actual) {
            self.fail(what, &format!("got {actual}, expected one of {allowed:?}"));
        }
    }

    /// Prints `what: true/false`, and records a failure when it is false.
    pub fn holds(&mut self, what: &str, fact: bool) {
        println!("{what}: {fact}");
        if !fact {
            self.fail(what, "does not hold");
        }
    }

    /// Records a failure without printing to stdout, for facts too variable to print.
    pub fn quietly(&mut self, what: &str, fact: bool) {
        if !fact {
            self.fail(what, "does not hold");
        }
    }

    fn fail(&mut self, what: &str, why: &str) {
        self.failures += 1;
        eprintln!("{}: FAILED {what}: {why}", self.program);
    }

    /// Ends the program: status 0 when every expectation held, [`FAILED`] otherwise.
    pub fn finish(self) -> ! {
        self.finish_with(0)
    }

    /// Ends the program with status `code` when every expectation held, [`FAILED`] otherwise.
    pub fn finish_with(self, code: i32) -> ! {
        // Output goes out before the exit, which skips std's buffers.
        let _ = io::stdout().flush();
        if self.failures > 0 {
            eprintln!("{}: {} expectation(s) failed", self.program, self.failures);
            std::process::exit(FAILED);
        }
        std::process::exit(code);
    }
}
