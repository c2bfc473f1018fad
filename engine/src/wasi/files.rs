//! A process's view of its container's filesystem: descriptors, open files, and the path
//! operations of preview1, with the errors Linux gives, over the [`UnionFs`].
//!
//! Files open for writing keep their content in a buffer, so that many small writes do not each
//! rewrite the file in the layer; buffers go back to the writable layer when the last descriptor
//! on them closes, on `fd_sync`, before any path operation, and when the process ends. A file
//! deleted while open lives on in an orphan buffer, as an unlinked inode does on Linux.

use std::collections::BTreeMap;

use super::abi::{self, FileStat, FileType};
use super::net::Socket;
use super::Errno;
use crate::fs::{ResolveError, UnionFs};
use crate::layer::{Entry, EntryKind};

/// The largest file a process may make: enough for any learner's work, and a bound on what a
/// runaway guest can take from the page's memory.
pub const MAX_FILE_SIZE: u64 = 64 << 20;

/// The size `stat` gives a directory, as ext4 does.
const DIR_SIZE: u64 = 4096;

/// Buffer keys that are not paths start with this, so no flush ever writes them to the layer.
const ORPHAN: char = '\0';

/// What a descriptor refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Descriptor {
    /// Standard input, output or error (0, 1, 2).
    Stdio(u32),
    /// A directory, by its path from the root (`""` is the root); `preopen` is the name a
    /// pre-opened directory is announced under.
    Dir { path: String, preopen: Option<String> },
    /// A regular file, by the path of its content (a hard link's target), with the descriptor's
    /// own position and open mode.
    File { path: String, offset: u64, read: bool, write: bool, append: bool },
    /// A socket the host lent the process, and whether its calls return at once (`NONBLOCK`).
    Socket { socket: Socket, nonblocking: bool },
}

/// How `path_open` was asked to open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    pub follow: bool,
    pub create: bool,
    pub directory: bool,
    pub exclusive: bool,
    pub truncate: bool,
    pub read: bool,
    pub write: bool,
    pub append: bool,
}

/// The descriptors and the filesystem of one process.
#[derive(Debug)]
pub struct Files {
    fs: UnionFs,
    fds: BTreeMap<u32, Descriptor>,
    /// Content of files open for writing, by path (or orphan key), and whether it changed.
    buffers: BTreeMap<String, (Vec<u8>, bool)>,
    orphans: u64,
    /// The time stamped on what the process changes, set by the context before each call.
    pub now: u64,
}

impl From<ResolveError> for Errno {
    fn from(e: ResolveError) -> Errno {
        match e {
            ResolveError::Missing => Errno::Noent,
            ResolveError::NotDir => Errno::Notdir,
            ResolveError::Loop => Errno::Loop,
        }
    }
}

/// A stable inode number for a path, since layers have none.
fn inode(path: &str) -> u64 {
    // FNV-1a: stable across runs and hosts, unlike the standard library's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.bytes().chain(std::iter::once(b'/')) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn filetype(entry: &Entry) -> FileType {
    match entry.kind {
        EntryKind::File { .. } | EntryKind::Hardlink { .. } => FileType::RegularFile,
        EntryKind::Dir { .. } => FileType::Directory,
        EntryKind::Symlink { .. } => FileType::SymbolicLink,
        EntryKind::Whiteout => FileType::Unknown,
    }
}

impl Files {
    /// A process's files over `fs`: the standard streams as 0, 1 and 2, and the root pre-opened
    /// as `/` on descriptor 3.
    pub fn new(fs: UnionFs) -> Self {
        let mut fds = BTreeMap::new();
        for n in 0..3 {
            fds.insert(n, Descriptor::Stdio(n));
        }
        fds.insert(3, Descriptor::Dir { path: String::new(), preopen: Some("/".to_string()) });
        Files { fs, fds, buffers: BTreeMap::new(), orphans: 0, now: 0 }
    }

    pub fn get(&self, fd: u32) -> Result<&Descriptor, Errno> {
        self.fds.get(&fd).ok_or(Errno::Badf)
    }

    /// Writes back every changed buffer and hands over the filesystem.
    pub fn into_fs(mut self) -> UnionFs {
        self.flush_all();
        self.fs
    }

    /// Gives the process `socket` on the lowest free descriptor.
    pub fn add_socket(&mut self, socket: Socket, nonblocking: bool) -> Result<u32, Errno> {
        self.insert(Descriptor::Socket { socket, nonblocking })
    }

    /// The socket on `fd` and whether its calls return at once; `Notsock` for other descriptors.
    pub fn socket(&self, fd: u32) -> Result<(Socket, bool), Errno> {
        match self.get(fd)? {
            Descriptor::Socket { socket, nonblocking } => Ok((*socket, *nonblocking)),
            _ => Err(Errno::Notsock),
        }
    }

    /// The lowest free descriptor number, as POSIX allocates them.
    fn insert(&mut self, descriptor: Descriptor) -> Result<u32, Errno> {
        let fd = (0..=u32::MAX).find(|n| !self.fds.contains_key(n)).ok_or(Errno::Mfile)?;
        self.fds.insert(fd, descriptor);
        Ok(fd)
    }

    // ---- paths ----

    /// The path `path` names relative to directory descriptor `dirfd`, with symlinks followed on
    /// the way (and at the end when `follow`). The last element need not exist.
    fn resolve(&self, dirfd: u32, path: &str, follow: bool) -> Result<String, Errno> {
        let base = match self.get(dirfd)? {
            Descriptor::Dir { path, .. } => path.clone(),
            Descriptor::File { .. } | Descriptor::Stdio(_) | Descriptor::Socket { .. } => return Err(Errno::Notdir),
        };
        if path.is_empty() {
            return Err(Errno::Noent);
        }
        // A trailing slash asks for a directory, so a symlink there is followed to see one.
        let follow = follow || path.ends_with('/');
        Ok(self.fs.resolve(&format!("{base}/{path}"), follow)?)
    }

    /// The entry at `path` itself, with no link followed (the root is a directory).
    fn entry(&self, path: &str) -> Option<Entry> {
        if path.is_empty() {
            return Some(Entry::dir(0o755));
        }
        self.fs.lookup(path).map(|(e, _)| e.clone())
    }

    /// The path holding the content of the file at `path`: a hard link's target, else itself.
    fn content_path(&self, path: &str) -> String {
        match self.entry(path).map(|e| e.kind) {
            Some(EntryKind::Hardlink { target }) => target,
            _ => path.to_string(),
        }
    }

    /// The current content of the file whose content lives at `path`.
    fn content(&self, path: &str) -> Result<Vec<u8>, Errno> {
        if let Some((data, _)) = self.buffers.get(path) {
            return Ok(data.clone());
        }
        match self.entry(path).map(|e| e.kind) {
            Some(EntryKind::File { data }) => Ok(data.0.to_vec()),
            Some(EntryKind::Dir { .. }) => Err(Errno::Isdir),
            _ => Err(Errno::Noent),
        }
    }

    fn content_len(&self, path: &str) -> u64 {
        if let Some((data, _)) = self.buffers.get(path) {
            return data.len() as u64;
        }
        match self.entry(path).map(|e| e.kind) {
            Some(EntryKind::File { data }) => data.len() as u64,
            _ => 0,
        }
    }

    /// The buffer of the file at `path`, loaded on first use, marked changed.
    fn buffer_mut(&mut self, path: &str) -> Result<&mut Vec<u8>, Errno> {
        if !self.buffers.contains_key(path) {
            let data = self.content(path)?;
            self.buffers.insert(path.to_string(), (data, false));
        }
        let (data, dirty) = self.buffers.get_mut(path).ok_or(Errno::Io)?;
        *dirty = true;
        Ok(data)
    }

    /// Writes `path`'s changed buffer into the layer, keeping its mode and owner.
    fn flush(&mut self, path: &str) {
        if path.starts_with(ORPHAN) {
            return;
        }
        let Some((data, dirty)) = self.buffers.get_mut(path) else { return };
        if !*dirty {
            return;
        }
        *dirty = false;
        let data = data.clone();
        let old = self.entry(path);
        let (mode, uid, gid) = old.map_or((0o644, 0, 0), |e| (e.mode, e.uid, e.gid));
        let entry = Entry { kind: EntryKind::File { data: data.into() }, mode, uid, gid, mtime: self.now };
        // The path exists (or its parent does, as it was open), so this cannot fail on its shape.
        let _ = self.fs.write(path, entry);
    }

    fn flush_all(&mut self) {
        let paths: Vec<String> = self.buffers.keys().cloned().collect();
        for path in paths {
            self.flush(&path);
        }
    }

    /// Writes every buffer back and forgets the ones no descriptor needs, before an operation
    /// that changes names.
    fn settle(&mut self) {
        self.flush_all();
        let open: Vec<String> = self
            .fds
            .values()
            .filter_map(|d| match d {
                Descriptor::File { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect();
        self.buffers.retain(|path, _| open.contains(path));
    }

    fn stat_of(&self, path: &str) -> Result<FileStat, Errno> {
        let entry = self.entry(path).ok_or(Errno::Noent)?;
        let (content, size) = match &entry.kind {
            EntryKind::Dir { .. } => (path.to_string(), DIR_SIZE),
            EntryKind::Symlink { target } => (path.to_string(), target.len() as u64),
            _ => {
                let content = self.content_path(path);
                let size = self.content_len(&content);
                (content, size)
            }
        };
        let mtime = match self.entry(&content) {
            Some(e) if content != path => e.mtime,
            _ => entry.mtime,
        };
        let nlink = match entry.kind {
            EntryKind::File { .. } | EntryKind::Hardlink { .. } => 1 + self.links_to(&content).len() as u64,
            _ => 1,
        };
        Ok(FileStat { ino: inode(&content), filetype: filetype(&entry), nlink, size, mtime })
    }

    /// The hard links whose content lives at `path`.
    fn links_to(&self, path: &str) -> Vec<String> {
        self.fs
            .paths()
            .filter(|p| matches!(self.fs.lookup(p), Some((Entry { kind: EntryKind::Hardlink { target }, .. }, _)) if target == path))
            .map(str::to_string)
            .collect()
    }

    // ---- path operations ----

    pub fn path_open(&mut self, dirfd: u32, path: &str, options: OpenOptions) -> Result<u32, Errno> {
        let resolved = self.resolve(dirfd, path, options.follow)?;
        let wants_dir = options.directory || path.ends_with('/');
        match self.entry(&resolved) {
            Some(_) if options.create && options.exclusive => Err(Errno::Exist),
            Some(Entry { kind: EntryKind::Symlink { .. }, .. }) => Err(Errno::Loop),
            Some(entry) if entry.is_dir() => {
                if options.write || options.truncate {
                    return Err(Errno::Isdir);
                }
                self.insert(Descriptor::Dir { path: resolved, preopen: None })
            }
            Some(_) if wants_dir => Err(Errno::Notdir),
            Some(_) => {
                let content = self.content_path(&resolved);
                if options.truncate && options.write {
                    self.buffer_mut(&content)?.clear();
                }
                self.insert(Descriptor::File {
                    path: content,
                    offset: 0,
                    read: options.read,
                    write: options.write,
                    append: options.append,
                })
            }
            None if !options.create => Err(Errno::Noent),
            None if wants_dir => Err(if options.directory { Errno::Inval } else { Errno::Isdir }),
            None => {
                self.settle();
                self.fs
                    .write(&resolved, Entry { mtime: self.now, ..Entry::file(Vec::new(), 0o644) })
                    .map_err(|_| Errno::Inval)?;
                self.insert(Descriptor::File {
                    path: resolved,
                    offset: 0,
                    read: options.read,
                    write: options.write,
                    append: options.append,
                })
            }
        }
    }

    pub fn path_create_directory(&mut self, dirfd: u32, path: &str) -> Result<(), Errno> {
        let resolved = self.resolve(dirfd, path, false)?;
        if self.entry(&resolved).is_some() {
            return Err(Errno::Exist);
        }
        self.settle();
        self.fs.write(&resolved, Entry { mtime: self.now, ..Entry::dir(0o755) }).map_err(|_| Errno::Inval)
    }

    pub fn path_remove_directory(&mut self, dirfd: u32, path: &str) -> Result<(), Errno> {
        let resolved = self.resolve(dirfd, path.trim_end_matches('/'), false)?;
        if resolved.is_empty() {
            return Err(Errno::Busy);
        }
        match self.entry(&resolved) {
            None => Err(Errno::Noent),
            Some(entry) if !entry.is_dir() => Err(Errno::Notdir),
            Some(_) if !self.fs.read_dir(&resolved).is_empty() => Err(Errno::Notempty),
            Some(_) => {
                self.settle();
                self.fs.remove(&resolved).map(|_| ()).map_err(|_| Errno::Io)
            }
        }
    }

    pub fn path_unlink_file(&mut self, dirfd: u32, path: &str) -> Result<(), Errno> {
        let resolved = self.resolve(dirfd, path, false)?;
        match self.entry(&resolved) {
            None => Err(Errno::Noent),
            Some(entry) if entry.is_dir() => Err(Errno::Isdir),
            Some(_) if path.ends_with('/') => Err(Errno::Notdir),
            Some(_) => {
                self.settle();
                self.unlink(&resolved)
            }
        }
    }

    /// Removes the name `path`. A file that other names link to passes its content to the first
    /// of them; one still open lives on in an orphan buffer for its descriptors.
    fn unlink(&mut self, path: &str) -> Result<(), Errno> {
        let links = self.links_to(path);
        let entry = self.entry(path);
        if let (Some(first), Some(entry)) = (links.first(), entry.as_ref()) {
            if matches!(entry.kind, EntryKind::File { .. }) {
                self.fs.write(first, entry.clone()).map_err(|_| Errno::Io)?;
                for other in &links[1..] {
                    self.fs.write(other, Entry::hardlink(first)).map_err(|_| Errno::Io)?;
                }
                self.repoint(path, first);
            }
        } else if self.fds.values().any(|d| matches!(d, Descriptor::File { path: p, .. } if p == path)) {
            self.orphans += 1;
            let key = format!("{ORPHAN}{}", self.orphans);
            let data = self.content(path)?;
            self.buffers.insert(key.clone(), (data, false));
            self.repoint(path, &key);
        }
        self.fs.remove(path).map(|_| ()).map_err(|_| Errno::Io)
    }

    /// Makes descriptors and buffers on `from` (or beneath it) refer to `to` instead.
    fn repoint(&mut self, from: &str, to: &str) {
        let moved = |path: &str| -> Option<String> {
            if path == from {
                Some(to.to_string())
            } else {
                path.strip_prefix(&format!("{from}/")).map(|rest| format!("{to}/{rest}"))
            }
        };
        for descriptor in self.fds.values_mut() {
            if let Descriptor::File { path, .. } | Descriptor::Dir { path, .. } = descriptor {
                if let Some(new) = moved(path) {
                    *path = new;
                }
            }
        }
        let keys: Vec<String> = self.buffers.keys().filter(|k| moved(k).is_some()).cloned().collect();
        for key in keys {
            if let (Some(value), Some(new)) = (self.buffers.remove(&key), moved(&key)) {
                self.buffers.insert(new, value);
            }
        }
    }

    pub fn path_rename(&mut self, old_fd: u32, old: &str, new_fd: u32, new: &str) -> Result<(), Errno> {
        let from = self.resolve(old_fd, old.trim_end_matches('/'), false)?;
        let to = self.resolve(new_fd, new.trim_end_matches('/'), false)?;
        let source = self.entry(&from).ok_or(Errno::Noent)?;
        if from.is_empty() || to.is_empty() {
            return Err(Errno::Busy);
        }
        if from == to {
            return Ok(());
        }
        if source.is_dir() {
            if to.starts_with(&format!("{from}/")) {
                return Err(Errno::Inval);
            }
            match self.entry(&to) {
                Some(target) if !target.is_dir() => return Err(Errno::Notdir),
                Some(_) if !self.fs.read_dir(&to).is_empty() => return Err(Errno::Notempty),
                _ => {}
            }
        } else {
            if new.ends_with('/') || old.ends_with('/') {
                return Err(Errno::Notdir);
            }
            if self.entry(&to).is_some_and(|t| t.is_dir()) {
                return Err(Errno::Isdir);
            }
        }
        self.settle();
        // Everything at and beneath the old name, as the merged view shows it, moves.
        let prefix = format!("{from}/");
        let mut moving: Vec<(String, Entry)> = vec![(String::new(), source)];
        for path in self.fs.paths().filter(|p| p.starts_with(&prefix)) {
            if let Some((entry, _)) = self.fs.lookup(path) {
                moving.push((path[from.len()..].to_string(), entry.clone()));
            }
        }
        if self.entry(&to).is_some() {
            self.fs.remove(&to).map_err(|_| Errno::Io)?;
        }
        for (rest, mut entry) in moving {
            if let EntryKind::Dir { opaque } = &mut entry.kind {
                *opaque = false;
            }
            self.fs.write(&format!("{to}{rest}"), entry).map_err(|_| Errno::Io)?;
        }
        self.fs.remove(&from).map_err(|_| Errno::Io)?;
        // Hard links into the moved tree follow it.
        let stale: Vec<(String, String)> = self
            .fs
            .paths()
            .filter_map(|p| match self.fs.lookup(p) {
                Some((Entry { kind: EntryKind::Hardlink { target }, .. }, _))
                    if *target == from || target.starts_with(&prefix) =>
                {
                    Some((p.to_string(), format!("{to}{}", &target[from.len()..])))
                }
                _ => None,
            })
            .collect();
        for (path, target) in stale {
            self.fs.write(&path, Entry::hardlink(&target)).map_err(|_| Errno::Io)?;
        }
        self.repoint(&from, &to);
        Ok(())
    }

    pub fn path_symlink(&mut self, target: &str, dirfd: u32, path: &str) -> Result<(), Errno> {
        let resolved = self.resolve(dirfd, path.trim_end_matches('/'), false)?;
        if self.entry(&resolved).is_some() {
            return Err(Errno::Exist);
        }
        if target.is_empty() {
            return Err(Errno::Noent);
        }
        self.settle();
        self.fs.write(&resolved, Entry { mtime: self.now, ..Entry::symlink(target) }).map_err(|_| Errno::Inval)
    }

    pub fn path_link(&mut self, old_fd: u32, old: &str, follow: bool, new_fd: u32, new: &str) -> Result<(), Errno> {
        let from = self.resolve(old_fd, old, follow)?;
        let to = self.resolve(new_fd, new, false)?;
        match self.entry(&from) {
            None => return Err(Errno::Noent),
            Some(entry) if entry.is_dir() => return Err(Errno::Perm),
            _ => {}
        }
        if self.entry(&to).is_some() {
            return Err(Errno::Exist);
        }
        self.settle();
        let entry = match self.entry(&from).map(|e| e.kind) {
            // A link to a symlink is a second symlink with the same target, as Linux's link(2) makes.
            Some(EntryKind::Symlink { target }) => Entry::symlink(&target),
            _ => Entry::hardlink(&self.content_path(&from)),
        };
        self.fs.write(&to, entry).map_err(|_| Errno::Inval)
    }

    pub fn path_readlink(&mut self, dirfd: u32, path: &str) -> Result<String, Errno> {
        let resolved = self.resolve(dirfd, path, false)?;
        match self.entry(&resolved).map(|e| e.kind) {
            Some(EntryKind::Symlink { target }) => Ok(target),
            Some(_) => Err(Errno::Inval),
            None => Err(Errno::Noent),
        }
    }

    pub fn path_filestat_get(&mut self, dirfd: u32, path: &str, follow: bool) -> Result<FileStat, Errno> {
        let resolved = self.resolve(dirfd, path, follow)?;
        let stat = self.stat_of(&resolved)?;
        if path.ends_with('/') && stat.filetype != FileType::Directory {
            return Err(Errno::Notdir);
        }
        Ok(stat)
    }

    pub fn path_filestat_set_times(
        &mut self,
        dirfd: u32,
        path: &str,
        follow: bool,
        mtime: u64,
        flags: u16,
    ) -> Result<(), Errno> {
        let resolved = self.resolve(dirfd, path, follow)?;
        self.set_times(&resolved, mtime, flags)
    }

    fn set_times(&mut self, path: &str, mtime: u64, flags: u16) -> Result<(), Errno> {
        if flags & abi::FST_ATIM != 0 && flags & abi::FST_ATIM_NOW != 0
            || flags & abi::FST_MTIM != 0 && flags & abi::FST_MTIM_NOW != 0
        {
            return Err(Errno::Inval);
        }
        let content = self.content_path(path);
        self.flush(&content);
        let mut entry = self.entry(&content).ok_or(Errno::Noent)?;
        let new = if flags & abi::FST_MTIM != 0 {
            mtime
        } else if flags & abi::FST_MTIM_NOW != 0 {
            self.now
        } else {
            return Ok(());
        };
        if content.is_empty() {
            // The root's own times are not kept in any layer.
            return Ok(());
        }
        entry.mtime = new;
        self.fs.write(&content, entry).map_err(|_| Errno::Io)
    }

    // ---- descriptor operations ----

    /// The open file behind `fd`. Anything else is a bad descriptor for file calls, as wasmtime
    /// (the reference) has it, where Linux would say a directory is a directory.
    fn file(&self, fd: u32) -> Result<(String, u64, bool, bool, bool), Errno> {
        match self.get(fd)? {
            Descriptor::File { path, offset, read, write, append } => {
                Ok((path.clone(), *offset, *read, *write, *append))
            }
            Descriptor::Dir { .. } | Descriptor::Stdio(_) | Descriptor::Socket { .. } => Err(Errno::Badf),
        }
    }

    fn set_offset(&mut self, fd: u32, to: u64) {
        if let Some(Descriptor::File { offset, .. }) = self.fds.get_mut(&fd) {
            *offset = to;
        }
    }

    /// Reads up to `len` bytes at `at` (or at the descriptor's position, moving it, if `None`).
    pub fn read(&mut self, fd: u32, len: usize, at: Option<u64>) -> Result<Vec<u8>, Errno> {
        let (path, offset, readable, _, _) = self.file(fd)?;
        if !readable {
            return Err(Errno::Badf);
        }
        let start = at.unwrap_or(offset);
        let bytes = match self.buffers.get(&path) {
            Some((data, _)) => slice(data, start, len),
            None => slice(&self.content(&path)?, start, len),
        };
        if at.is_none() {
            self.set_offset(fd, start + bytes.len() as u64);
        }
        Ok(bytes)
    }

    /// Writes `bytes` at `at` (or at the position, or the end when appending, if `None`).
    pub fn write(&mut self, fd: u32, bytes: &[u8], at: Option<u64>) -> Result<usize, Errno> {
        let (path, offset, _, writable, append) = self.file(fd)?;
        if !writable {
            return Err(Errno::Badf);
        }
        let len = self.content_len(&path);
        let start = match at {
            Some(at) => at,
            None if append => len,
            None => offset,
        };
        let end = start.checked_add(bytes.len() as u64).ok_or(Errno::Fbig)?;
        if end > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        let data = self.buffer_mut(&path)?;
        if data.len() < end as usize {
            data.resize(end as usize, 0);
        }
        data[start as usize..end as usize].copy_from_slice(bytes);
        if at.is_none() {
            self.set_offset(fd, end);
        }
        Ok(bytes.len())
    }

    pub fn seek(&mut self, fd: u32, delta: i64, whence: u8) -> Result<u64, Errno> {
        let (path, offset, _, _, _) = match self.get(fd)? {
            Descriptor::Stdio(_) | Descriptor::Socket { .. } => return Err(Errno::Spipe),
            Descriptor::Dir { .. } => return Err(Errno::Badf),
            Descriptor::File { .. } => self.file(fd)?,
        };
        let base = match whence {
            abi::WHENCE_SET => 0,
            abi::WHENCE_CUR => offset as i128,
            abi::WHENCE_END => self.content_len(&path) as i128,
            _ => return Err(Errno::Inval),
        };
        let target = base + i128::from(delta);
        let target = u64::try_from(target).map_err(|_| Errno::Inval)?;
        self.set_offset(fd, target);
        Ok(target)
    }

    pub fn close(&mut self, fd: u32) -> Result<(), Errno> {
        let descriptor = self.fds.remove(&fd).ok_or(Errno::Badf)?;
        if let Descriptor::File { path, .. } = descriptor {
            let still_open = self.fds.values().any(|d| matches!(d, Descriptor::File { path: p, .. } if *p == path));
            if !still_open {
                self.flush(&path);
                self.buffers.remove(&path);
            }
        }
        Ok(())
    }

    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(());
        }
        let descriptor = self.fds.remove(&from).ok_or(Errno::Badf)?;
        // Closing `to` first writes its file back if nothing else holds it open.
        self.fds.insert(from, descriptor);
        self.close(to)?;
        let descriptor = self.fds.remove(&from).ok_or(Errno::Badf)?;
        self.fds.insert(to, descriptor);
        Ok(())
    }

    pub fn sync(&mut self, fd: u32) -> Result<(), Errno> {
        match self.get(fd)? {
            Descriptor::File { path, .. } => {
                let path = path.clone();
                self.flush(&path);
                Ok(())
            }
            Descriptor::Dir { .. } => Ok(()),
            Descriptor::Stdio(_) | Descriptor::Socket { .. } => Err(Errno::Inval),
        }
    }

    pub fn filestat(&self, fd: u32) -> Result<FileStat, Errno> {
        match self.get(fd)? {
            Descriptor::Stdio(_) => {
                Ok(FileStat { ino: 0, filetype: FileType::CharacterDevice, nlink: 1, size: 0, mtime: 0 })
            }
            Descriptor::Socket { .. } => {
                Ok(FileStat { ino: u64::from(fd), filetype: FileType::SocketStream, nlink: 1, size: 0, mtime: 0 })
            }
            Descriptor::Dir { path, .. } | Descriptor::File { path, .. } if path.starts_with(ORPHAN) => {
                let size = self.content_len(path);
                Ok(FileStat { ino: inode(path), filetype: FileType::RegularFile, nlink: 0, size, mtime: self.now })
            }
            Descriptor::Dir { path, .. } | Descriptor::File { path, .. } => self.stat_of(path),
        }
    }

    pub fn fdstat(&self, fd: u32) -> Result<(FileType, u16), Errno> {
        Ok(match self.get(fd)? {
            Descriptor::Stdio(_) => (FileType::CharacterDevice, 0),
            Descriptor::Dir { .. } => (FileType::Directory, 0),
            Descriptor::File { append, .. } => (FileType::RegularFile, if *append { abi::FDFLAGS_APPEND } else { 0 }),
            Descriptor::Socket { nonblocking, .. } => {
                (FileType::SocketStream, if *nonblocking { abi::FDFLAGS_NONBLOCK } else { 0 })
            }
        })
    }

    pub fn set_flags(&mut self, fd: u32, flags: u16) -> Result<(), Errno> {
        match self.fds.get_mut(&fd).ok_or(Errno::Badf)? {
            Descriptor::File { append, .. } => {
                *append = flags & abi::FDFLAGS_APPEND != 0;
                Ok(())
            }
            Descriptor::Socket { nonblocking, .. } => {
                *nonblocking = flags & abi::FDFLAGS_NONBLOCK != 0;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub fn set_size(&mut self, fd: u32, size: u64) -> Result<(), Errno> {
        let (path, _, _, writable, _) = self.file(fd)?;
        if !writable {
            return Err(Errno::Inval);
        }
        if size > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        self.buffer_mut(&path)?.resize(size as usize, 0);
        Ok(())
    }

    pub fn fd_set_times(&mut self, fd: u32, mtime: u64, flags: u16) -> Result<(), Errno> {
        let path = match self.get(fd)? {
            Descriptor::Stdio(_) | Descriptor::Socket { .. } => return Err(Errno::Badf),
            Descriptor::Dir { path, .. } | Descriptor::File { path, .. } => path.clone(),
        };
        self.set_times(&path, mtime, flags)
    }

    pub fn advise(&self, fd: u32, advice: u8) -> Result<(), Errno> {
        self.file(fd)?;
        if advice > 5 {
            return Err(Errno::Inval);
        }
        Ok(())
    }

    /// The directory's entries from `cookie` on, as `dirent` records each followed by its name,
    /// `.` and `..` first; the caller truncates to the guest's buffer.
    pub fn readdir(&mut self, fd: u32, cookie: u64, room: usize) -> Result<Vec<u8>, Errno> {
        let path = match self.get(fd)? {
            Descriptor::Dir { path, .. } => path.clone(),
            // wasmtime, the reference, calls a file here a bad descriptor rather than not a directory.
            _ => return Err(Errno::Badf),
        };
        self.flush_all();
        let mut names: Vec<(String, FileType, u64)> = vec![
            (".".to_string(), FileType::Directory, inode(&path)),
            ("..".to_string(), FileType::Directory, inode(path.rsplit_once('/').map_or("", |(p, _)| p))),
        ];
        for (name, entry) in self.fs.read_dir(&path) {
            let child = join(&path, &name);
            names.push((name, filetype(entry), inode(&self.content_path(&child))));
        }
        let mut out = Vec::new();
        for (index, (name, kind, ino)) in names.into_iter().enumerate().skip(cookie.min(usize::MAX as u64) as usize) {
            if out.len() >= room {
                break;
            }
            out.extend_from_slice(&abi::dirent(index as u64 + 1, ino, name.len() as u32, kind));
            out.extend_from_slice(name.as_bytes());
        }
        out.truncate(room);
        Ok(out)
    }

    pub fn prestat_name(&self, fd: u32) -> Result<String, Errno> {
        match self.get(fd)? {
            Descriptor::Dir { preopen: Some(name), .. } => Ok(name.clone()),
            _ => Err(Errno::Badf),
        }
    }

    /// How many bytes a read on `fd` would return now, for `poll_oneoff`.
    pub fn readable(&self, fd: u32) -> Result<u64, Errno> {
        match self.get(fd)? {
            Descriptor::Stdio(0) => Ok(0),
            Descriptor::File { path, offset, .. } => Ok(self.content_len(path).saturating_sub(*offset)),
            _ => Err(Errno::Badf),
        }
    }
}

fn slice(data: &[u8], start: u64, len: usize) -> Vec<u8> {
    let start = (start.min(data.len() as u64)) as usize;
    let end = start.saturating_add(len).min(data.len());
    data[start..end].to_vec()
}

#[cfg(test)]
mod tests;
