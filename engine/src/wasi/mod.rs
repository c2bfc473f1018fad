//! WASI preview1, written once over [`GuestMemory`], so wasmtime and the browser are thin adapters.
//!
//! A host instantiates a guest module and, for every import the module takes from
//! [`MODULE`], defines a function that calls [`WasiCtx::call`] with the import's name and
//! arguments. The context holds everything the guest may see: its argv, its environment, its
//! output, the container's filesystem ([`WasiCtx::with_root`]), and the clock and randomness the
//! host lends it. What the process wrote to the filesystem comes back with
//! [`WasiCtx::take_upper`].

pub mod abi;
mod errno;
mod files;
mod memory;
pub mod net;

use abi::{Event, Subscription, SubscriptionKind};
pub use errno::Errno;
pub use files::{Descriptor, Files, OpenOptions, MAX_FILE_SIZE};
use memory::MemoryExt;
pub use memory::{checked_range, GuestMemory, SliceMemory};
pub use net::{Network, Socket, DOCKYARD_FUNCTIONS, DOCKYARD_MODULE};

use crate::fs::UnionFs;
use crate::layer::Layer;
use crate::Entropy;

/// The import module name preview1 guests use.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// The most output one process may leave; past it, output is dropped and the run marked truncated.
pub const MAX_OUTPUT: usize = 4 << 20;

/// The most bytes one read may ask for, so a guest's huge iovec cannot make the host allocate it.
const MAX_READ: usize = 16 << 20;

/// A wasm value type, as far as preview1 signatures need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValType {
    I32,
    I64,
}

use ValType::{I32, I64};

/// Every preview1 function, with its parameter types. Every one returns an errno as `i32`,
/// except `proc_exit`, which returns nothing.
pub const FUNCTIONS: &[(&str, &[ValType])] = &[
    ("args_get", &[I32, I32]),
    ("args_sizes_get", &[I32, I32]),
    ("environ_get", &[I32, I32]),
    ("environ_sizes_get", &[I32, I32]),
    ("clock_res_get", &[I32, I32]),
    ("clock_time_get", &[I32, I64, I32]),
    ("fd_advise", &[I32, I64, I64, I32]),
    ("fd_allocate", &[I32, I64, I64]),
    ("fd_close", &[I32]),
    ("fd_datasync", &[I32]),
    ("fd_fdstat_get", &[I32, I32]),
    ("fd_fdstat_set_flags", &[I32, I32]),
    ("fd_fdstat_set_rights", &[I32, I64, I64]),
    ("fd_filestat_get", &[I32, I32]),
    ("fd_filestat_set_size", &[I32, I64]),
    ("fd_filestat_set_times", &[I32, I64, I64, I32]),
    ("fd_pread", &[I32, I32, I32, I64, I32]),
    ("fd_prestat_get", &[I32, I32]),
    ("fd_prestat_dir_name", &[I32, I32, I32]),
    ("fd_pwrite", &[I32, I32, I32, I64, I32]),
    ("fd_read", &[I32, I32, I32, I32]),
    ("fd_readdir", &[I32, I32, I32, I64, I32]),
    ("fd_renumber", &[I32, I32]),
    ("fd_seek", &[I32, I64, I32, I32]),
    ("fd_sync", &[I32]),
    ("fd_tell", &[I32, I32]),
    ("fd_write", &[I32, I32, I32, I32]),
    ("path_create_directory", &[I32, I32, I32]),
    ("path_filestat_get", &[I32, I32, I32, I32, I32]),
    ("path_filestat_set_times", &[I32, I32, I32, I32, I64, I64, I32]),
    ("path_link", &[I32, I32, I32, I32, I32, I32, I32]),
    ("path_open", &[I32, I32, I32, I32, I32, I64, I64, I32, I32]),
    ("path_readlink", &[I32, I32, I32, I32, I32, I32]),
    ("path_remove_directory", &[I32, I32, I32]),
    ("path_rename", &[I32, I32, I32, I32, I32, I32]),
    ("path_symlink", &[I32, I32, I32, I32, I32]),
    ("path_unlink_file", &[I32, I32, I32]),
    ("poll_oneoff", &[I32, I32, I32, I32]),
    ("proc_exit", &[I32]),
    ("proc_raise", &[I32]),
    ("random_get", &[I32, I32]),
    ("sched_yield", &[]),
    ("sock_accept", &[I32, I32, I32]),
    ("sock_recv", &[I32, I32, I32, I32, I32, I32]),
    ("sock_send", &[I32, I32, I32, I32, I32]),
    ("sock_shutdown", &[I32, I32]),
];

/// The signature preview1 gives `name`, as (parameters, results), if this context implements it.
pub fn signature(name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(_, params)| {
        let results: &'static [ValType] = if name == "proc_exit" { &[] } else { &[I32] };
        (*params, results)
    })
}

/// The signature of import `module.name`, for either of the modules a context serves: preview1
/// ([`MODULE`]) or Dockyard's own ([`DOCKYARD_MODULE`]).
pub fn import_signature(module: &str, name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    match module {
        MODULE => signature(name),
        DOCKYARD_MODULE => DOCKYARD_FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(_, params)| (*params, &[I32][..])),
        _ => None,
    }
}

/// How long a `poll_oneoff` on sockets sleeps between looks at them.
const POLL_STEP: u64 = 10_000_000;

/// The guest called `proc_exit`: not an error, but the end of the run, so it has its own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub i32);

/// Which output stream bytes went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Clocks a host lends a guest. Times are nanoseconds: realtime since the Unix epoch, monotonic
/// since any fixed point. `sleep` is how `poll_oneoff` waits: a host that cannot block (the
/// browser's main thread) may instead move its clocks forward.
pub trait Clocks {
    fn realtime(&self) -> u64;
    fn monotonic(&self) -> u64;
    fn sleep(&self, nanos: u64);
}

/// A process's standard input when the host attaches one (`docker run -i`). Without it, standard
/// input is empty, as `/dev/null` is.
pub trait Input {
    /// Blocks until input is there and returns up to `max` bytes of it; empty means the end of
    /// input. `flush` is what the process wrote before it asked, which a host should show first
    /// (a shell's prompt, say), since the process now waits on the reader.
    fn read(&mut self, max: usize, flush: Vec<(Stream, Vec<u8>)>) -> Vec<u8>;
}

/// Everything one guest process sees through preview1.
pub struct WasiCtx {
    stdin: Option<Box<dyn Input>>,
    net: Option<Box<dyn Network>>,
    args: Vec<String>,
    env: Vec<String>,
    clocks: Box<dyn Clocks>,
    random: Box<dyn Entropy>,
    files: Files,
    output: Vec<(Stream, Vec<u8>)>,
    output_len: usize,
    truncated: bool,
}

impl WasiCtx {
    /// A context whose filesystem is an empty root, until [`WasiCtx::with_root`] gives it one.
    pub fn new(args: Vec<String>, env: Vec<String>, clocks: Box<dyn Clocks>, random: Box<dyn Entropy>) -> Self {
        WasiCtx {
            stdin: None,
            net: None,
            args,
            env,
            clocks,
            random,
            files: Files::new(UnionFs::new(Vec::new())),
            output: Vec::new(),
            output_len: 0,
            truncated: false,
        }
    }

    /// Gives the process `root` as its filesystem, pre-opened as `/` on descriptor 3.
    pub fn with_root(mut self, root: UnionFs) -> Self {
        self.files = Files::new(root);
        self
    }

    /// Lends the process a network, with a listening socket for each of `listen`'s ports on
    /// descriptors 4 and up (after the root, so call [`WasiCtx::with_root`] first).
    pub fn with_network(mut self, net: Box<dyn Network>, listen: &[u16]) -> Self {
        for port in listen {
            // A process has room for far more descriptors than a container has ports.
            let _ = self.files.add_socket(Socket::Listener(*port), false);
        }
        self.net = Some(net);
        self
    }

    /// Gives the process a standard input (`docker run -i`).
    pub fn with_stdin(mut self, input: Box<dyn Input>) -> Self {
        self.stdin = Some(input);
        self
    }

    /// Takes the output written so far, in the order it was written, merging adjacent writes to one stream.
    pub fn take_output(&mut self) -> Vec<(Stream, Vec<u8>)> {
        std::mem::take(&mut self.output)
    }

    /// Whether output was dropped for passing [`MAX_OUTPUT`].
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The writable layer as the process left it, every open file written back. The context's
    /// filesystem is empty afterwards.
    pub fn take_upper(&mut self) -> Layer {
        let files = std::mem::replace(&mut self.files, Files::new(UnionFs::new(Vec::new())));
        files.into_fs().upper().clone()
    }

    /// Calls preview1 function `name`. Arguments are the wasm values widened to `i64` (an `i32`
    /// sign-extended); the result is the errno, or [`Exit`] when the guest asked to end.
    pub fn call(&mut self, memory: &mut dyn GuestMemory, name: &str, args: &[i64]) -> Result<i32, Exit> {
        let Some((params, _)) = signature(name).or_else(|| import_signature(DOCKYARD_MODULE, name)) else {
            return Ok(Errno::Nosys.raw());
        };
        if params.len() != args.len() {
            return Ok(Errno::Inval.raw());
        }
        // Pointers and sizes are u32 in preview1; the truncation undoes the sign extension.
        let p = |i: usize| args[i] as u32;
        let wide = |i: usize| args[i] as u64;
        self.files.now = self.clocks.realtime();
        let m = memory;
        let result = match name {
            "args_get" => strings_get(m, &self.args, p(0), p(1)),
            "args_sizes_get" => strings_sizes_get(m, &self.args, p(0), p(1)),
            "environ_get" => strings_get(m, &self.env, p(0), p(1)),
            "environ_sizes_get" => strings_sizes_get(m, &self.env, p(0), p(1)),
            "clock_res_get" => clock_kind(p(0)).and_then(|_| m.write_u64(p(1), 1_000)),
            "clock_time_get" => self.now(p(0)).and_then(|now| m.write_u64(p(2), now)),
            "fd_advise" => self.files.advise(p(0), p(3) as u8),
            "fd_allocate" => self.fd_allocate(p(0), wide(1), wide(2)),
            "fd_close" => self.fd_close(p(0)),
            "fd_datasync" | "fd_sync" => self.files.sync(p(0)),
            "fd_fdstat_get" => {
                self.files.fdstat(p(0)).and_then(|(kind, flags)| abi::write_fdstat(m, p(1), kind, flags))
            }
            "fd_fdstat_set_flags" => self.files.set_flags(p(0), p(1) as u16),
            "fd_fdstat_set_rights" => self.files.get(p(0)).map(|_| ()),
            "fd_filestat_get" => self.files.filestat(p(0)).and_then(|stat| stat.write(m, p(1))),
            "fd_filestat_set_size" => self.files.set_size(p(0), wide(1)),
            "fd_filestat_set_times" => self.files.fd_set_times(p(0), wide(2), p(3) as u16),
            "fd_pread" => self.fd_read(m, p(0), p(1), p(2), Some(wide(3)), p(4)),
            "fd_prestat_get" => self.fd_prestat_get(m, p(0), p(1)),
            "fd_prestat_dir_name" => self.fd_prestat_dir_name(m, p(0), p(1), p(2)),
            "fd_pwrite" => self.fd_write(m, p(0), p(1), p(2), Some(wide(3)), p(4)),
            "fd_read" => self.fd_read(m, p(0), p(1), p(2), None, p(3)),
            "fd_readdir" => self.fd_readdir(m, p(0), p(1), p(2), wide(3), p(4)),
            "fd_renumber" => self.files.renumber(p(0), p(1)),
            "fd_seek" => self.files.seek(p(0), args[1], p(2) as u8).and_then(|at| m.write_u64(p(3), at)),
            "fd_tell" => self.files.seek(p(0), 0, abi::WHENCE_CUR).and_then(|at| m.write_u64(p(1), at)),
            "fd_write" => self.fd_write(m, p(0), p(1), p(2), None, p(3)),
            "path_create_directory" => {
                read_path(m, p(1), p(2)).and_then(|path| self.files.path_create_directory(p(0), &path))
            }
            "path_filestat_get" => read_path(m, p(2), p(3))
                .and_then(|path| self.files.path_filestat_get(p(0), &path, follows(p(1))))
                .and_then(|stat| stat.write(m, p(4))),
            "path_filestat_set_times" => read_path(m, p(2), p(3))
                .and_then(|path| self.files.path_filestat_set_times(p(0), &path, follows(p(1)), wide(5), p(6) as u16)),
            "path_link" => {
                let (old, new) = (read_path(m, p(2), p(3)), read_path(m, p(5), p(6)));
                old.and_then(|old| new.map(|new| (old, new)))
                    .and_then(|(old, new)| self.files.path_link(p(0), &old, follows(p(1)), p(4), &new))
            }
            "path_open" => self.path_open(m, args),
            "path_readlink" => self.path_readlink(m, p(0), p(1), p(2), p(3), p(4), p(5)),
            "path_remove_directory" => {
                read_path(m, p(1), p(2)).and_then(|path| self.files.path_remove_directory(p(0), &path))
            }
            "path_rename" => {
                let (old, new) = (read_path(m, p(1), p(2)), read_path(m, p(4), p(5)));
                old.and_then(|old| new.map(|new| (old, new)))
                    .and_then(|(old, new)| self.files.path_rename(p(0), &old, p(3), &new))
            }
            "path_symlink" => {
                let (target, path) = (read_path(m, p(0), p(1)), read_path(m, p(3), p(4)));
                target
                    .and_then(|target| path.map(|path| (target, path)))
                    .and_then(|(target, path)| self.files.path_symlink(&target, p(2), &path))
            }
            "path_unlink_file" => read_path(m, p(1), p(2)).and_then(|path| self.files.path_unlink_file(p(0), &path)),
            "poll_oneoff" => self.poll_oneoff(m, p(0), p(1), p(2), p(3)),
            "proc_exit" => return Err(Exit(args[0] as i32)),
            // A signal a process raises at itself ends it, as the default action does; the shell
            // reports such a death as 128 plus the signal's number.
            "proc_raise" => return Err(Exit(128 + (p(0) as i32 & 0x7f))),
            "random_get" => self.random_get(m, p(0), p(1)),
            "sched_yield" => Ok(()),
            "sock_accept" => self.sock_accept(m, p(0), p(1) as u16, p(2)),
            "sock_recv" => self.sock_recv(m, p(0), p(1), p(2), p(3) as u16, p(4), p(5)),
            "sock_send" => self.sock_send(m, p(0), p(1), p(2), p(4)),
            "sock_shutdown" => self.sock_shutdown(p(0), p(1) as u8),
            "sock_connect" => self.sock_connect(m, p(0), p(1), p(2), p(3)),
            _ => Err(Errno::Nosys),
        };
        Ok(match result {
            Ok(()) => Errno::Success.raw(),
            Err(errno) => errno.raw(),
        })
    }

    fn now(&self, id: u32) -> Result<u64, Errno> {
        Ok(match clock_kind(id)? {
            ClockKind::Realtime => self.clocks.realtime(),
            ClockKind::Monotonic => self.clocks.monotonic(),
        })
    }

    fn fd_read(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        count: u32,
        at: Option<u64>,
        nread: u32,
    ) -> Result<(), Errno> {
        let iovecs = memory.read_iovecs(iovs, count)?;
        if let Descriptor::Socket { socket, nonblocking } = *self.files.get(fd)? {
            if at.is_some() {
                return Err(Errno::Spipe);
            }
            let Some((buf, len)) = iovecs.into_iter().find(|(_, len)| *len > 0) else {
                return memory.write_u32(nread, 0);
            };
            checked_range(buf, len as usize, memory.size())?;
            let bytes = self.recv(socket, len as usize, false, !nonblocking)?;
            memory.write(buf, &bytes)?;
            return memory.write_u32(nread, bytes.len() as u32);
        }
        if let Descriptor::Stdio(n) = self.files.get(fd)? {
            if *n != 0 {
                return Err(Errno::Badf);
            }
            // Without -i a container's stdin is empty, as /dev/null is: every read is end of file.
            let Some((buf, len)) = iovecs.into_iter().find(|(_, len)| *len > 0) else {
                return memory.write_u32(nread, 0);
            };
            checked_range(buf, len as usize, memory.size())?;
            let flush = std::mem::take(&mut self.output);
            let bytes = match &mut self.stdin {
                Some(input) => input.read((len as usize).min(MAX_READ), flush),
                None => {
                    self.output = flush;
                    Vec::new()
                }
            };
            let bytes = &bytes[..bytes.len().min(len as usize)];
            memory.write(buf, bytes)?;
            return memory.write_u32(nread, bytes.len() as u32);
        }
        let mut total: u32 = 0;
        let mut position = at;
        for (buf, len) in iovecs {
            checked_range(buf, len as usize, memory.size())?;
            let bytes = self.files.read(fd, (len as usize).min(MAX_READ), position)?;
            memory.write(buf, &bytes)?;
            total = total.saturating_add(bytes.len() as u32);
            position = position.map(|p| p + bytes.len() as u64);
            if (bytes.len() as u32) < len {
                break;
            }
        }
        memory.write_u32(nread, total)
    }

    fn fd_write(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        count: u32,
        at: Option<u64>,
        nwritten: u32,
    ) -> Result<(), Errno> {
        if let Descriptor::Socket { socket, nonblocking } = *self.files.get(fd)? {
            if at.is_some() {
                return Err(Errno::Spipe);
            }
            let data = gather(memory, iovs, count)?;
            let sent = self.send(socket, &data, !nonblocking)?;
            return memory.write_u32(nwritten, sent as u32);
        }
        let stream = match self.files.get(fd)? {
            Descriptor::Stdio(1) => Some(Stream::Stdout),
            Descriptor::Stdio(2) => Some(Stream::Stderr),
            Descriptor::Stdio(_) => return Err(Errno::Badf),
            _ => None,
        };
        let mut written: u32 = 0;
        let mut position = at;
        for (buf, len) in memory.read_iovecs(iovs, count)? {
            let bytes = memory.read_vec(buf, len)?;
            match stream {
                Some(stream) => self.push_output(stream, &bytes),
                None => {
                    self.files.write(fd, &bytes, position)?;
                }
            }
            written = written.checked_add(len).ok_or(Errno::Inval)?;
            position = position.map(|p| p + u64::from(len));
        }
        memory.write_u32(nwritten, written)
    }

    fn fd_close(&mut self, fd: u32) -> Result<(), Errno> {
        let socket = self.files.socket(fd).ok();
        self.files.close(fd)?;
        if let (Some((Socket::Stream(conn), _)), Some(net)) = (socket, self.net.as_mut()) {
            net.close(conn);
        }
        Ok(())
    }

    /// Hands the host what the process wrote so far, before the process blocks on a socket.
    fn flush_to_network(&mut self) {
        if let Some(net) = self.net.as_mut() {
            if !self.output.is_empty() {
                net.flush(std::mem::take(&mut self.output));
            }
        }
    }

    /// Reads from a connected socket; a listening one is not connected.
    fn recv(&mut self, socket: Socket, max: usize, peek: bool, wait: bool) -> Result<Vec<u8>, Errno> {
        let Socket::Stream(conn) = socket else { return Err(Errno::Notconn) };
        if wait {
            self.flush_to_network();
        }
        let net = self.net.as_mut().ok_or(Errno::Notconn)?;
        net.recv(conn, max.min(MAX_READ), peek, wait)
    }

    /// Sends all of `data`, or, without `wait`, what the connection takes now. A failure after
    /// some bytes went reports those bytes, as `write` does.
    fn send(&mut self, socket: Socket, data: &[u8], wait: bool) -> Result<usize, Errno> {
        let Socket::Stream(conn) = socket else { return Err(Errno::Notconn) };
        let net = self.net.as_mut().ok_or(Errno::Notconn)?;
        let mut sent = 0;
        while sent < data.len() {
            match net.send(conn, &data[sent..], wait) {
                Ok(n) => sent += n,
                Err(_) if sent > 0 => break,
                Err(e) => return Err(e),
            }
            if !wait {
                break;
            }
        }
        Ok(sent)
    }

    fn sock_accept(&mut self, memory: &mut dyn GuestMemory, fd: u32, flags: u16, out: u32) -> Result<(), Errno> {
        let (socket, nonblocking) = self.files.socket(fd)?;
        let Socket::Listener(port) = socket else { return Err(Errno::Inval) };
        if flags & !abi::FDFLAGS_NONBLOCK != 0 {
            return Err(Errno::Inval);
        }
        checked_range(out, 4, memory.size())?;
        if !nonblocking {
            self.flush_to_network();
        }
        let net = self.net.as_mut().ok_or(Errno::Notsock)?;
        let conn = net.accept(port, !nonblocking)?;
        match self.files.add_socket(Socket::Stream(conn), flags & abi::FDFLAGS_NONBLOCK != 0) {
            Ok(new) => memory.write_u32(out, new),
            Err(e) => {
                net.close(conn);
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn sock_recv(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        count: u32,
        flags: u16,
        nread: u32,
        out_flags: u32,
    ) -> Result<(), Errno> {
        let (socket, nonblocking) = self.files.socket(fd)?;
        if flags & !(abi::RECV_PEEK | abi::RECV_WAITALL) != 0 {
            return Err(Errno::Inval);
        }
        let iovecs = memory.read_iovecs(iovs, count)?;
        for (buf, len) in &iovecs {
            checked_range(*buf, *len as usize, memory.size())?;
        }
        checked_range(nread, 4, memory.size())?;
        checked_range(out_flags, 2, memory.size())?;
        let room = iovecs.iter().map(|(_, len)| *len as usize).sum::<usize>().min(MAX_READ);
        let (peek, all) = (flags & abi::RECV_PEEK != 0, flags & abi::RECV_WAITALL != 0);
        let mut got = self.recv(socket, room, peek, !nonblocking)?;
        // MSG_WAITALL reads on until the buffers are full or the stream ends.
        while all && !peek && !nonblocking && !got.is_empty() && got.len() < room {
            match self.recv(socket, room - got.len(), false, true) {
                Ok(more) if !more.is_empty() => got.extend(more),
                _ => break,
            }
        }
        let mut rest = &got[..];
        for (buf, len) in iovecs {
            let n = rest.len().min(len as usize);
            memory.write(buf, &rest[..n])?;
            rest = &rest[n..];
        }
        memory.write_u32(nread, got.len() as u32)?;
        memory.write(out_flags, &[0, 0])
    }

    fn sock_send(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        count: u32,
        nsent: u32,
    ) -> Result<(), Errno> {
        let (socket, nonblocking) = self.files.socket(fd)?;
        checked_range(nsent, 4, memory.size())?;
        let data = gather(memory, iovs, count)?;
        let sent = self.send(socket, &data, !nonblocking)?;
        memory.write_u32(nsent, sent as u32)
    }

    fn sock_shutdown(&mut self, fd: u32, how: u8) -> Result<(), Errno> {
        let (socket, _) = self.files.socket(fd)?;
        let Socket::Stream(conn) = socket else { return Err(Errno::Notconn) };
        if how == 0 || how & !(abi::SHUT_RD | abi::SHUT_WR) != 0 {
            return Err(Errno::Inval);
        }
        let net = self.net.as_mut().ok_or(Errno::Notconn)?;
        net.shutdown(conn, how & abi::SHUT_RD != 0, how & abi::SHUT_WR != 0)
    }

    /// Dockyard's `sock_connect`: see [`net`].
    fn sock_connect(
        &mut self,
        memory: &mut dyn GuestMemory,
        host: u32,
        len: u32,
        port: u32,
        out: u32,
    ) -> Result<(), Errno> {
        // A DNS name is at most 253 characters.
        if len > 253 {
            return Err(Errno::Inval);
        }
        let host = String::from_utf8(memory.read_vec(host, len)?).map_err(|_| Errno::Ilseq)?;
        let port = u16::try_from(port).ok().filter(|p| *p != 0).ok_or(Errno::Inval)?;
        checked_range(out, 4, memory.size())?;
        let net = self.net.as_mut().ok_or(Errno::Netunreach)?;
        let conn = net.connect(&host, port)?;
        match self.files.add_socket(Socket::Stream(conn), false) {
            Ok(fd) => memory.write_u32(out, fd),
            Err(e) => {
                net.close(conn);
                Err(e)
            }
        }
    }

    /// Preview1 lets a file grow ahead of writes; wasmtime, the reference host, answers that it is
    /// not supported, and so does Dockyard, after the same checks.
    fn fd_allocate(&mut self, fd: u32, _offset: u64, _len: u64) -> Result<(), Errno> {
        match self.files.get(fd)? {
            Descriptor::File { .. } => Err(Errno::Notsup),
            Descriptor::Dir { .. } | Descriptor::Stdio(_) | Descriptor::Socket { .. } => Err(Errno::Badf),
        }
    }

    fn fd_prestat_get(&mut self, memory: &mut dyn GuestMemory, fd: u32, out: u32) -> Result<(), Errno> {
        let name = self.files.prestat_name(fd)?;
        let mut record = [0u8; 8];
        record[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
        memory.write(out, &record)
    }

    fn fd_prestat_dir_name(&mut self, memory: &mut dyn GuestMemory, fd: u32, buf: u32, len: u32) -> Result<(), Errno> {
        let name = self.files.prestat_name(fd)?;
        if (len as usize) < name.len() {
            return Err(Errno::Nametoolong);
        }
        memory.write(buf, name.as_bytes())
    }

    fn fd_readdir(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        buf: u32,
        len: u32,
        cookie: u64,
        used: u32,
    ) -> Result<(), Errno> {
        checked_range(buf, len as usize, memory.size())?;
        let bytes = self.files.readdir(fd, cookie, len as usize)?;
        memory.write(buf, &bytes)?;
        memory.write_u32(used, bytes.len() as u32)
    }

    fn path_open(&mut self, memory: &mut dyn GuestMemory, args: &[i64]) -> Result<(), Errno> {
        let p = |i: usize| args[i] as u32;
        let path = read_path(memory, p(2), p(3))?;
        let oflags = p(4) as u16;
        let rights = args[5] as u64;
        let fdflags = p(7) as u16;
        let options = OpenOptions {
            follow: follows(p(1)),
            create: oflags & abi::OFLAGS_CREAT != 0,
            directory: oflags & abi::OFLAGS_DIRECTORY != 0,
            exclusive: oflags & abi::OFLAGS_EXCL != 0,
            truncate: oflags & abi::OFLAGS_TRUNC != 0,
            read: rights & abi::RIGHT_FD_READ != 0,
            write: rights & abi::RIGHT_FD_WRITE != 0,
            append: fdflags & abi::FDFLAGS_APPEND != 0,
        };
        // Check the result slot before opening, so a bad pointer leaves no descriptor behind.
        checked_range(p(8), 4, memory.size())?;
        let fd = self.files.path_open(p(0), &path, options)?;
        memory.write_u32(p(8), fd)
    }

    #[allow(clippy::too_many_arguments)]
    fn path_readlink(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        used: u32,
    ) -> Result<(), Errno> {
        let path = read_path(memory, path, path_len)?;
        let target = self.files.path_readlink(fd, &path)?;
        let bytes = &target.as_bytes()[..target.len().min(buf_len as usize)];
        memory.write(buf, bytes)?;
        memory.write_u32(used, bytes.len() as u32)
    }

    /// Waits for the first of the subscribed events: files and standard input are always ready,
    /// so only clocks and sockets make a process wait. It sleeps through the host's
    /// [`Clocks::sleep`], looking at the sockets it waits on every [`POLL_STEP`].
    fn poll_oneoff(
        &mut self,
        memory: &mut dyn GuestMemory,
        input: u32,
        out: u32,
        count: u32,
        nevents: u32,
    ) -> Result<(), Errno> {
        if count == 0 {
            return Err(Errno::Inval);
        }
        let mut subscriptions = Vec::new();
        for i in 0..count {
            let at =
                input.checked_add(i.checked_mul(abi::SUBSCRIPTION_SIZE).ok_or(Errno::Fault)?).ok_or(Errno::Fault)?;
            subscriptions.push(Subscription::read(memory, at)?);
        }
        checked_range(out, (count as usize).saturating_mul(abi::EVENT_SIZE as usize), memory.size())?;
        let event = |s: &Subscription, eventtype: u8, error: Errno, nbytes: u64, flags: u16| Event {
            userdata: s.userdata,
            error,
            eventtype,
            nbytes,
            flags,
        };
        let mut events = Vec::new();
        let mut deadlines = Vec::new();
        let mut sockets = Vec::new();
        for s in &subscriptions {
            match s.kind {
                SubscriptionKind::FdRead(fd) => events.push(match self.files.get(fd) {
                    Ok(Descriptor::Socket { socket, .. }) => {
                        sockets.push((s, *socket));
                        continue;
                    }
                    Ok(Descriptor::Stdio(0)) => {
                        event(s, abi::EVENTTYPE_FD_READ, Errno::Success, 0, abi::EVENT_FD_READWRITE_HANGUP)
                    }
                    _ => match self.files.readable(fd) {
                        Ok(n) => event(s, abi::EVENTTYPE_FD_READ, Errno::Success, n, 0),
                        Err(e) => event(s, abi::EVENTTYPE_FD_READ, e, 0, 0),
                    },
                }),
                SubscriptionKind::FdWrite(fd) => events.push(match self.files.get(fd) {
                    Ok(Descriptor::Stdio(1 | 2) | Descriptor::File { .. } | Descriptor::Socket { .. }) => {
                        event(s, abi::EVENTTYPE_FD_WRITE, Errno::Success, 0, 0)
                    }
                    Ok(_) => event(s, abi::EVENTTYPE_FD_WRITE, Errno::Badf, 0, 0),
                    Err(e) => event(s, abi::EVENTTYPE_FD_WRITE, e, 0, 0),
                }),
                SubscriptionKind::Clock { id, timeout, absolute } => match self.now(id) {
                    Ok(now) => {
                        let wait = if absolute { timeout.saturating_sub(now) } else { timeout };
                        deadlines.push((wait, s));
                    }
                    Err(e) => events.push(event(s, abi::EVENTTYPE_CLOCK, e, 0, 0)),
                },
            }
        }
        let ready_sockets = |ctx: &mut Self, events: &mut Vec<Event>| {
            for (s, socket) in &sockets {
                match ctx.net.as_mut().map_or(Err(Errno::Notsock), |net| net.ready(*socket)) {
                    Ok(false) => {}
                    Ok(true) => events.push(event(s, abi::EVENTTYPE_FD_READ, Errno::Success, 0, 0)),
                    Err(e) => events.push(event(s, abi::EVENTTYPE_FD_READ, e, 0, 0)),
                }
            }
        };
        ready_sockets(self, &mut events);
        if events.is_empty() && !sockets.is_empty() {
            // Sockets become ready when a peer acts, which nothing here can foresee: look again
            // every step until one is, or a clock is due.
            self.flush_to_network();
            let start = self.clocks.monotonic();
            loop {
                let elapsed = self.clocks.monotonic().saturating_sub(start);
                events.extend(
                    deadlines
                        .iter()
                        .filter(|(wait, _)| *wait <= elapsed)
                        .map(|(_, s)| event(s, abi::EVENTTYPE_CLOCK, Errno::Success, 0, 0)),
                );
                ready_sockets(self, &mut events);
                if !events.is_empty() {
                    break;
                }
                let next = deadlines.iter().map(|(wait, _)| wait - elapsed).min().unwrap_or(POLL_STEP);
                self.clocks.sleep(next.min(POLL_STEP));
            }
        } else if events.is_empty() {
            // Nothing is ready, so the process sleeps until its nearest clock, which then fires.
            let nearest = deadlines.iter().map(|(wait, _)| *wait).min().unwrap_or(0);
            self.clocks.sleep(nearest);
            events.extend(
                deadlines
                    .iter()
                    .filter(|(wait, _)| *wait <= nearest)
                    .map(|(_, s)| event(s, abi::EVENTTYPE_CLOCK, Errno::Success, 0, 0)),
            );
        } else {
            // Clocks already due fire with the ready descriptors.
            events.extend(
                deadlines
                    .iter()
                    .filter(|(wait, _)| *wait == 0)
                    .map(|(_, s)| event(s, abi::EVENTTYPE_CLOCK, Errno::Success, 0, 0)),
            );
        }
        for (i, e) in events.iter().enumerate() {
            e.write(memory, out + i as u32 * abi::EVENT_SIZE)?;
        }
        memory.write_u32(nevents, events.len() as u32)
    }

    fn push_output(&mut self, stream: Stream, bytes: &[u8]) {
        let room = MAX_OUTPUT.saturating_sub(self.output_len);
        if bytes.len() > room {
            self.truncated = true;
        }
        let bytes = &bytes[..bytes.len().min(room)];
        if bytes.is_empty() {
            return;
        }
        self.output_len += bytes.len();
        match self.output.last_mut() {
            Some((last, buf)) if *last == stream => buf.extend_from_slice(bytes),
            _ => self.output.push((stream, bytes.to_vec())),
        }
    }

    fn random_get(&mut self, memory: &mut dyn GuestMemory, buf: u32, len: u32) -> Result<(), Errno> {
        checked_range(buf, len as usize, memory.size())?;
        let mut bytes = vec![0u8; len as usize];
        self.random.fill(&mut bytes);
        memory.write(buf, &bytes)
    }
}

/// The bytes of a guest's iovecs, in order, as one buffer.
fn gather(memory: &dyn GuestMemory, iovs: u32, count: u32) -> Result<Vec<u8>, Errno> {
    let mut data = Vec::new();
    for (buf, len) in memory.read_iovecs(iovs, count)? {
        data.extend(memory.read_vec(buf, len)?);
    }
    Ok(data)
}

/// Whether `lookupflags` ask to follow a symlink at the end of the path.
fn follows(flags: u32) -> bool {
    flags & abi::LOOKUP_SYMLINK_FOLLOW != 0
}

/// A path argument: UTF-8 bytes in guest memory, which Dockyard's layers need as text.
fn read_path(memory: &dyn GuestMemory, at: u32, len: u32) -> Result<String, Errno> {
    if len > 4096 {
        return Err(Errno::Nametoolong);
    }
    String::from_utf8(memory.read_vec(at, len)?).map_err(|_| Errno::Ilseq)
}

enum ClockKind {
    Realtime,
    Monotonic,
}

/// Preview1's clock ids: realtime, monotonic, and the two CPU-time clocks, which a guest that has
/// the whole of its own thread measures well enough with the monotonic clock.
fn clock_kind(id: u32) -> Result<ClockKind, Errno> {
    match id {
        0 => Ok(ClockKind::Realtime),
        1..=3 => Ok(ClockKind::Monotonic),
        _ => Err(Errno::Inval),
    }
}

/// Writes `strings` as preview1 does: an array of pointers at `ptrs`, the NUL-terminated bytes at `buf`.
fn strings_get(memory: &mut dyn GuestMemory, strings: &[String], ptrs: u32, buf: u32) -> Result<(), Errno> {
    let mut cursor = buf;
    for (i, s) in strings.iter().enumerate() {
        memory.write_u32(ptrs.checked_add(i as u32 * 4).ok_or(Errno::Fault)?, cursor)?;
        memory.write(cursor, s.as_bytes())?;
        let end = cursor.checked_add(s.len() as u32).ok_or(Errno::Fault)?;
        memory.write(end, &[0])?;
        cursor = end.checked_add(1).ok_or(Errno::Fault)?;
    }
    Ok(())
}

fn strings_sizes_get(memory: &mut dyn GuestMemory, strings: &[String], count: u32, size: u32) -> Result<(), Errno> {
    let total: usize = strings.iter().map(|s| s.len() + 1).sum();
    memory.write_u32(count, strings.len() as u32)?;
    memory.write_u32(size, u32::try_from(total).map_err(|_| Errno::Overflow)?)
}

#[cfg(test)]
mod tests;
