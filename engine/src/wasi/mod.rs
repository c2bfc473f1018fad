//! WASI preview1, written once over [`GuestMemory`], so wasmtime and the browser are thin adapters.
//!
//! A host instantiates a guest module and, for every import the module takes from
//! [`MODULE`], defines a function that calls [`WasiCtx::call`] with the import's name and
//! arguments. The context holds everything the guest may see: its argv, its environment, its
//! output, and the clock and randomness the host lends it.

mod errno;
mod memory;

pub use errno::Errno;
use memory::MemoryExt;
pub use memory::{checked_range, GuestMemory, SliceMemory};

use crate::Entropy;

/// The import module name preview1 guests use.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// The most output one process may leave; past it, output is dropped and the run marked truncated.
pub const MAX_OUTPUT: usize = 4 << 20;

/// A wasm value type, as far as preview1 signatures need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValType {
    I32,
    I64,
}

use ValType::{I32, I64};

/// The preview1 functions this context implements, with their parameter types. Every one returns an
/// errno as `i32`, except `proc_exit`, which returns nothing.
pub const FUNCTIONS: &[(&str, &[ValType])] = &[
    ("args_get", &[I32, I32]),
    ("args_sizes_get", &[I32, I32]),
    ("environ_get", &[I32, I32]),
    ("environ_sizes_get", &[I32, I32]),
    ("clock_res_get", &[I32, I32]),
    ("clock_time_get", &[I32, I64, I32]),
    ("fd_close", &[I32]),
    ("fd_fdstat_get", &[I32, I32]),
    ("fd_prestat_get", &[I32, I32]),
    ("fd_prestat_dir_name", &[I32, I32, I32]),
    ("fd_read", &[I32, I32, I32, I32]),
    ("fd_write", &[I32, I32, I32, I32]),
    ("proc_exit", &[I32]),
    ("random_get", &[I32, I32]),
    ("sched_yield", &[]),
];

/// The signature preview1 gives `name`, as (parameters, results), if this context implements it.
pub fn signature(name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(_, params)| {
        let results: &'static [ValType] = if name == "proc_exit" { &[] } else { &[I32] };
        (*params, results)
    })
}

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
/// since any fixed point.
pub trait Clocks {
    fn realtime(&self) -> u64;
    fn monotonic(&self) -> u64;
}

/// Everything one guest process sees through preview1.
pub struct WasiCtx {
    args: Vec<String>,
    env: Vec<String>,
    clocks: Box<dyn Clocks>,
    random: Box<dyn Entropy>,
    output: Vec<(Stream, Vec<u8>)>,
    output_len: usize,
    truncated: bool,
}

impl WasiCtx {
    pub fn new(args: Vec<String>, env: Vec<String>, clocks: Box<dyn Clocks>, random: Box<dyn Entropy>) -> Self {
        WasiCtx { args, env, clocks, random, output: Vec::new(), output_len: 0, truncated: false }
    }

    /// Takes the output written so far, in the order it was written, merging adjacent writes to one stream.
    pub fn take_output(&mut self) -> Vec<(Stream, Vec<u8>)> {
        std::mem::take(&mut self.output)
    }

    /// Whether output was dropped for passing [`MAX_OUTPUT`].
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Calls preview1 function `name`. Arguments are the wasm values widened to `i64` (an `i32`
    /// sign-extended); the result is the errno, or [`Exit`] when the guest asked to end.
    pub fn call(&mut self, memory: &mut dyn GuestMemory, name: &str, args: &[i64]) -> Result<i32, Exit> {
        let Some((params, _)) = signature(name) else {
            return Ok(Errno::Nosys.raw());
        };
        if params.len() != args.len() {
            return Ok(Errno::Inval.raw());
        }
        // Pointers and sizes are u32 in preview1; the truncation undoes the sign extension.
        let p = |i: usize| args[i] as u32;
        let result = match name {
            "args_get" => strings_get(memory, &self.args, p(0), p(1)),
            "args_sizes_get" => strings_sizes_get(memory, &self.args, p(0), p(1)),
            "environ_get" => strings_get(memory, &self.env, p(0), p(1)),
            "environ_sizes_get" => strings_sizes_get(memory, &self.env, p(0), p(1)),
            "clock_res_get" => self.clock_res_get(memory, p(0), p(1)),
            "clock_time_get" => self.clock_time_get(memory, p(0), p(2)),
            "fd_close" => stdio(p(0)).map(|_| ()),
            "fd_fdstat_get" => fd_fdstat_get(memory, p(0), p(1)),
            "fd_prestat_get" | "fd_prestat_dir_name" => Err(Errno::Badf),
            "fd_read" => self.fd_read(memory, p(0), p(1), p(2), p(3)),
            "fd_write" => self.fd_write(memory, p(0), p(1), p(2), p(3)),
            "proc_exit" => return Err(Exit(args[0] as i32)),
            "random_get" => self.random_get(memory, p(0), p(1)),
            "sched_yield" => Ok(()),
            _ => Err(Errno::Nosys),
        };
        Ok(match result {
            Ok(()) => Errno::Success.raw(),
            Err(errno) => errno.raw(),
        })
    }

    fn clock_res_get(&self, memory: &mut dyn GuestMemory, id: u32, out: u32) -> Result<(), Errno> {
        clock_kind(id)?;
        memory.write_u64(out, 1_000)
    }

    fn clock_time_get(&self, memory: &mut dyn GuestMemory, id: u32, out: u32) -> Result<(), Errno> {
        let now = match clock_kind(id)? {
            ClockKind::Realtime => self.clocks.realtime(),
            ClockKind::Monotonic => self.clocks.monotonic(),
        };
        memory.write_u64(out, now)
    }

    fn fd_read(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        count: u32,
        nread: u32,
    ) -> Result<(), Errno> {
        // Without -i a container's stdin is empty, as /dev/null is: every read is end of file.
        if stdio(fd)? != 0 {
            return Err(Errno::Badf);
        }
        memory.read_iovecs(iovs, count)?;
        memory.write_u32(nread, 0)
    }

    fn fd_write(
        &mut self,
        memory: &mut dyn GuestMemory,
        fd: u32,
        iovs: u32,
        count: u32,
        nwritten: u32,
    ) -> Result<(), Errno> {
        let stream = match stdio(fd)? {
            1 => Stream::Stdout,
            2 => Stream::Stderr,
            _ => return Err(Errno::Badf),
        };
        let mut written: u32 = 0;
        for (buf, len) in memory.read_iovecs(iovs, count)? {
            let bytes = memory.read_vec(buf, len)?;
            written = written.checked_add(len).ok_or(Errno::Inval)?;
            self.push_output(stream, &bytes);
        }
        memory.write_u32(nwritten, written)
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

/// The three standard descriptors are all a process has until the filesystem arrives.
fn stdio(fd: u32) -> Result<u32, Errno> {
    if fd <= 2 {
        Ok(fd)
    } else {
        Err(Errno::Badf)
    }
}

/// `fdstat`: filetype (u8), flags (u16 at 2), rights base and inheriting (u64 at 8 and 16).
fn fd_fdstat_get(memory: &mut dyn GuestMemory, fd: u32, out: u32) -> Result<(), Errno> {
    stdio(fd)?;
    const CHARACTER_DEVICE: u8 = 2;
    const RIGHTS_FD_READ: u64 = 1 << 1;
    const RIGHTS_FD_WRITE: u64 = 1 << 6;
    let mut stat = [0u8; 24];
    stat[0] = CHARACTER_DEVICE;
    let rights = if fd == 0 { RIGHTS_FD_READ } else { RIGHTS_FD_WRITE };
    stat[8..16].copy_from_slice(&rights.to_le_bytes());
    memory.write(out, &stat)
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
