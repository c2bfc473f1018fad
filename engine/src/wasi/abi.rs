//! Preview1's numbers and record layouts, as the witx spec defines them: file types, flags, and
//! the byte layouts of `filestat`, `fdstat`, `prestat`, `dirent`, subscriptions and events.

use super::memory::MemoryExt;
use super::{Errno, GuestMemory};

/// `filetype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FileType {
    Unknown = 0,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketStream = 6,
    SymbolicLink = 7,
}

/// `oflags` of `path_open`.
pub const OFLAGS_CREAT: u16 = 1;
pub const OFLAGS_DIRECTORY: u16 = 2;
pub const OFLAGS_EXCL: u16 = 4;
pub const OFLAGS_TRUNC: u16 = 8;

/// `fdflags`.
pub const FDFLAGS_APPEND: u16 = 1;
pub const FDFLAGS_NONBLOCK: u16 = 4;

/// `riflags` of `sock_recv`.
pub const RECV_PEEK: u16 = 1;
pub const RECV_WAITALL: u16 = 2;

/// `sdflags` of `sock_shutdown`.
pub const SHUT_RD: u8 = 1;
pub const SHUT_WR: u8 = 2;

/// `lookupflags`.
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

/// `fstflags` of the `set_times` calls.
pub const FST_ATIM: u16 = 1;
pub const FST_ATIM_NOW: u16 = 2;
pub const FST_MTIM: u16 = 4;
pub const FST_MTIM_NOW: u16 = 8;

/// The rights a descriptor's reads and writes need.
pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;
/// Every right preview1 defines (29 bits): Dockyard grants all, as wasmtime does, and relies on
/// the descriptor's kind and open mode instead.
pub const RIGHTS_ALL: u64 = (1 << 29) - 1;

/// `whence` of `fd_seek`.
pub const WHENCE_SET: u8 = 0;
pub const WHENCE_CUR: u8 = 1;
pub const WHENCE_END: u8 = 2;

/// `eventtype` of subscriptions and events.
pub const EVENTTYPE_CLOCK: u8 = 0;
pub const EVENTTYPE_FD_READ: u8 = 1;
pub const EVENTTYPE_FD_WRITE: u8 = 2;
/// `subclockflags`: the timeout is an absolute time, not a duration.
pub const SUBCLOCK_ABSTIME: u16 = 1;
/// `eventrwflags`: the peer hung up, as an empty standard input has.
pub const EVENT_FD_READWRITE_HANGUP: u16 = 1;

pub const SUBSCRIPTION_SIZE: u32 = 48;
pub const EVENT_SIZE: u32 = 32;
pub const DIRENT_SIZE: usize = 24;

/// `filestat`: what `fd_filestat_get` and `path_filestat_get` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub ino: u64,
    pub filetype: FileType,
    pub nlink: u64,
    pub size: u64,
    pub mtime: u64,
}

impl FileStat {
    /// The 64-byte record: dev, ino, filetype, nlink, size, atim, mtim, ctim. Access and change
    /// times are the modification time: the layers keep only that one.
    pub fn write(&self, memory: &mut dyn GuestMemory, at: u32) -> Result<(), Errno> {
        let mut record = [0u8; 64];
        record[0..8].copy_from_slice(&1u64.to_le_bytes());
        record[8..16].copy_from_slice(&self.ino.to_le_bytes());
        record[16] = self.filetype as u8;
        record[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        record[32..40].copy_from_slice(&self.size.to_le_bytes());
        for slot in [40, 48, 56] {
            record[slot..slot + 8].copy_from_slice(&self.mtime.to_le_bytes());
        }
        memory.write(at, &record)
    }
}

/// `fdstat`: a descriptor's file type, flags and rights.
pub fn write_fdstat(memory: &mut dyn GuestMemory, at: u32, filetype: FileType, flags: u16) -> Result<(), Errno> {
    let mut record = [0u8; 24];
    record[0] = filetype as u8;
    record[2..4].copy_from_slice(&flags.to_le_bytes());
    record[8..16].copy_from_slice(&RIGHTS_ALL.to_le_bytes());
    record[16..24].copy_from_slice(&RIGHTS_ALL.to_le_bytes());
    memory.write(at, &record)
}

/// `dirent`: the header before each name `fd_readdir` writes.
pub fn dirent(next: u64, ino: u64, name_len: u32, filetype: FileType) -> [u8; DIRENT_SIZE] {
    let mut record = [0u8; DIRENT_SIZE];
    record[0..8].copy_from_slice(&next.to_le_bytes());
    record[8..16].copy_from_slice(&ino.to_le_bytes());
    record[16..20].copy_from_slice(&name_len.to_le_bytes());
    record[20] = filetype as u8;
    record
}

/// One `subscription` of `poll_oneoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscription {
    pub userdata: u64,
    pub kind: SubscriptionKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionKind {
    Clock { id: u32, timeout: u64, absolute: bool },
    FdRead(u32),
    FdWrite(u32),
}

impl Subscription {
    pub fn read(memory: &dyn GuestMemory, at: u32) -> Result<Subscription, Errno> {
        let raw = memory.read_vec(at, SUBSCRIPTION_SIZE)?;
        let u64_at = |i: usize| u64::from_le_bytes(raw[i..i + 8].try_into().unwrap_or_default());
        let u32_at = |i: usize| u32::from_le_bytes(raw[i..i + 4].try_into().unwrap_or_default());
        let kind = match raw[8] {
            EVENTTYPE_CLOCK => SubscriptionKind::Clock {
                id: u32_at(16),
                timeout: u64_at(24),
                absolute: u16::from_le_bytes([raw[40], raw[41]]) & SUBCLOCK_ABSTIME != 0,
            },
            EVENTTYPE_FD_READ => SubscriptionKind::FdRead(u32_at(16)),
            EVENTTYPE_FD_WRITE => SubscriptionKind::FdWrite(u32_at(16)),
            _ => return Err(Errno::Inval),
        };
        Ok(Subscription { userdata: u64_at(0), kind })
    }
}

/// One `event` of `poll_oneoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub userdata: u64,
    pub error: Errno,
    pub eventtype: u8,
    pub nbytes: u64,
    pub flags: u16,
}

impl Event {
    pub fn write(&self, memory: &mut dyn GuestMemory, at: u32) -> Result<(), Errno> {
        let mut record = [0u8; EVENT_SIZE as usize];
        record[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        record[8..10].copy_from_slice(&(self.error as u16).to_le_bytes());
        record[10] = self.eventtype;
        record[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        record[24..26].copy_from_slice(&self.flags.to_le_bytes());
        memory.write(at, &record)
    }
}
