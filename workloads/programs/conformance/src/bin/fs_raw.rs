//! Preview1 filesystem calls std does not expose, made through the `wasi` crate: the preopen,
//! descriptor state (tell, pread, pwrite, sizes, times, advice, renumbering) and fd_readdir
//! with a buffer too small for one entry.

use conformance::{raw, raw_status, Check, ROOT};

/// Every right, so that rights never decide a result: these tests are about behavior.
const ALL_RIGHTS: wasi::Rights = (1 << 29) - 1;

fn open(path: &str, oflags: wasi::Oflags, fdflags: wasi::Fdflags) -> Result<wasi::Fd, wasi::Errno> {
    // SAFETY: path_open only reads the path's bytes.
    unsafe { wasi::path_open(ROOT, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, ALL_RIGHTS, ALL_RIGHTS, fdflags) }
}

/// Opens a directory with every right but writing, which a directory descriptor cannot have.
fn open_dir(path: &str) -> Result<wasi::Fd, wasi::Errno> {
    let rights = ALL_RIGHTS & !wasi::RIGHTS_FD_WRITE;
    // SAFETY: path_open only reads the path's bytes.
    unsafe { wasi::path_open(ROOT, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, path, wasi::OFLAGS_DIRECTORY, rights, rights, 0) }
}

fn write(fd: wasi::Fd, bytes: &[u8]) -> Result<usize, wasi::Errno> {
    // SAFETY: the iovec points at `bytes`, which outlives the call.
    unsafe { wasi::fd_write(fd, &[wasi::Ciovec { buf: bytes.as_ptr(), buf_len: bytes.len() }]) }
}

fn read(fd: wasi::Fd, len: usize) -> Result<String, wasi::Errno> {
    let mut buf = vec![0u8; len];
    // SAFETY: the iovec points at `buf`, which outlives the call.
    let n = unsafe { wasi::fd_read(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: buf.len() }]) }?;
    buf.truncate(n);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn pread(fd: wasi::Fd, len: usize, offset: u64) -> Result<String, wasi::Errno> {
    let mut buf = vec![0u8; len];
    // SAFETY: the iovec points at `buf`, which outlives the call.
    let n = unsafe { wasi::fd_pread(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: buf.len() }], offset) }?;
    buf.truncate(n);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn pwrite(fd: wasi::Fd, bytes: &[u8], offset: u64) -> Result<usize, wasi::Errno> {
    // SAFETY: the iovec points at `bytes`, which outlives the call.
    unsafe { wasi::fd_pwrite(fd, &[wasi::Ciovec { buf: bytes.as_ptr(), buf_len: bytes.len() }], offset) }
}

/// Writes all of `parts` at `offset` with fd_pwrite, each call given every part not yet written.
fn pwrite_vectored(fd: wasi::Fd, parts: &[&[u8]], offset: u64) -> Result<usize, wasi::Errno> {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut done = 0;
    while done < total {
        // The parts still to write, the first cut where the last call stopped.
        let mut skip = done;
        let mut iovs = Vec::new();
        for part in parts {
            let from = skip.min(part.len());
            skip -= from;
            if from < part.len() {
                iovs.push(wasi::Ciovec { buf: part[from..].as_ptr(), buf_len: part.len() - from });
            }
        }
        // SAFETY: every iovec points into `parts`, which outlives the call.
        let n = unsafe { wasi::fd_pwrite(fd, &iovs, offset + done as u64) }?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok(done)
}

/// Reads into all of `parts` from `offset` with fd_pread until they are full or the file ends.
fn pread_vectored(fd: wasi::Fd, parts: &mut [&mut [u8]], offset: u64) -> Result<usize, wasi::Errno> {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut done = 0;
    while done < total {
        let mut skip = done;
        let mut iovs = Vec::new();
        for part in parts.iter_mut() {
            let from = skip.min(part.len());
            skip -= from;
            if from < part.len() {
                iovs.push(wasi::Iovec { buf: part[from..].as_mut_ptr(), buf_len: part.len() - from });
            }
        }
        // SAFETY: every iovec points into `parts`, which outlives the call.
        let n = unsafe { wasi::fd_pread(fd, &iovs, offset + done as u64) }?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok(done)
}

fn tell(fd: wasi::Fd) -> Result<u64, wasi::Errno> {
    // SAFETY: no pointers.
    unsafe { wasi::fd_tell(fd) }
}

fn size(fd: wasi::Fd) -> Result<u64, wasi::Errno> {
    // SAFETY: no pointers.
    unsafe { wasi::fd_filestat_get(fd) }.map(|s| s.size)
}

fn close(fd: wasi::Fd) -> Result<(), wasi::Errno> {
    // SAFETY: no pointers.
    unsafe { wasi::fd_close(fd) }
}

fn filetype(fd: wasi::Fd) -> Result<&'static str, wasi::Errno> {
    // SAFETY: no pointers.
    unsafe { wasi::fd_fdstat_get(fd) }.map(|s| s.fs_filetype.name())
}

fn path_stat(flags: wasi::Lookupflags, path: &str) -> Result<wasi::Filestat, wasi::Errno> {
    // SAFETY: path_filestat_get only reads the path's bytes.
    unsafe { wasi::path_filestat_get(ROOT, flags, path) }
}

/// A directory's entries as `name TYPE`, sorted, read through fd_readdir starting with a
/// 32-byte buffer. A buffer that ends inside an entry is read again from that entry's cookie;
/// when not even one entry fits, the buffer doubles.
fn readdir(c: &mut Check, fd: wasi::Fd) -> Result<Vec<String>, wasi::Errno> {
    const HEADER: usize = 24;
    let mut buf = vec![0u8; 32];
    let mut cookie: wasi::Dircookie = 0;
    let mut names = Vec::new();
    loop {
        // SAFETY: the buffer is `buf.len()` writable bytes that outlive the call.
        let used = unsafe { wasi::fd_readdir(fd, buf.as_mut_ptr(), buf.len(), cookie) }?;
        let mut at = 0;
        let mut whole = 0;
        while at + HEADER <= used {
            let header = &buf[at..at + HEADER];
            let next = u64::from_le_bytes(header[0..8].try_into().unwrap());
            let namelen = u32::from_le_bytes(header[16..20].try_into().unwrap()) as usize;
            let kind = filetype_name(header[20]);
            if at + HEADER + namelen > used {
                break;
            }
            let name = String::from_utf8_lossy(&buf[at + HEADER..at + HEADER + namelen]).into_owned();
            c.quietly("cookies advance", next > cookie);
            names.push(format!("{name} {kind}"));
            cookie = next;
            at += HEADER + namelen;
            whole += 1;
        }
        if used < buf.len() {
            break;
        }
        if whole == 0 {
            buf.resize(buf.len() * 2, 0);
        }
        if buf.len() > 1 << 16 {
            c.quietly("fd_readdir fits an entry in 64 KiB", false);
            break;
        }
    }
    names.sort();
    Ok(names)
}

fn filetype_name(raw: u8) -> &'static str {
    [
        wasi::FILETYPE_UNKNOWN,
        wasi::FILETYPE_BLOCK_DEVICE,
        wasi::FILETYPE_CHARACTER_DEVICE,
        wasi::FILETYPE_DIRECTORY,
        wasi::FILETYPE_REGULAR_FILE,
        wasi::FILETYPE_SOCKET_DGRAM,
        wasi::FILETYPE_SOCKET_STREAM,
        wasi::FILETYPE_SYMBOLIC_LINK,
    ]
    .iter()
    .find(|t| t.raw() == raw)
    .map_or("INVALID", |t| t.name())
}

fn main() {
    let mut c = Check::new("fs_raw");

    // The preopen: fd 3 is the directory "/".
    // SAFETY: no pointers.
    let prestat = unsafe { wasi::fd_prestat_get(ROOT) };
    c.expect("prestat tag", raw(&prestat.map(|p| p.tag)), "ok 0");
    // SAFETY: `name` is 16 writable bytes and the call is told so.
    let dir_name = prestat.and_then(|p| {
        let len = unsafe { p.u.dir.pr_name_len };
        let mut name = [0u8; 16];
        unsafe { wasi::fd_prestat_dir_name(ROOT, name.as_mut_ptr(), len.min(16)) }
            .map(|()| String::from_utf8_lossy(&name[..len.min(16)]).into_owned())
    });
    c.expect("prestat dir name", raw(&dir_name), "ok \"/\"");
    // SAFETY: no pointers.
    c.expect("prestat of fd 4", raw_status(&unsafe { wasi::fd_prestat_get(4) }), "BADF");
    c.expect("filetype of root", raw(&filetype(ROOT)), "ok \"DIRECTORY\"");

    // Exclusive creation.
    let fd = open("data/raw.bin", wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL, 0);
    c.expect("create exclusive", raw_status(&fd), "ok");
    c.expect(
        "create exclusive again",
        raw_status(&open("data/raw.bin", wasi::OFLAGS_CREAT | wasi::OFLAGS_EXCL, 0)),
        "EXIST",
    );
    c.expect("open missing", raw_status(&open("data/nothing", 0, 0)), "NOENT");
    c.expect("open file as directory", raw_status(&open("data/hello.txt", wasi::OFLAGS_DIRECTORY, 0)), "NOTDIR");
    c.expect("open dir with trunc", raw_status(&open("data/dir", wasi::OFLAGS_TRUNC, 0)), "ISDIR");
    let Ok(fd) = fd else { c.finish() };
    c.expect("filetype of file", raw(&filetype(fd)), "ok \"REGULAR_FILE\"");

    // Position: writes and reads move it, pread and pwrite do not.
    c.expect("write", raw(&write(fd, b"hello world")), "ok 11");
    c.expect("tell after write", raw(&tell(fd)), "ok 11");
    // SAFETY: no pointers.
    c.expect("seek to 0", raw(&unsafe { wasi::fd_seek(fd, 0, wasi::WHENCE_SET) }), "ok 0");
    c.expect("pwrite at 6", raw(&pwrite(fd, b"WORLD", 6)), "ok 5");
    c.expect("tell after pwrite", raw(&tell(fd)), "ok 0");
    c.expect("pread 5 at 6", raw(&pread(fd, 5, 6)), "ok \"WORLD\"");
    c.expect("pread past end", raw(&pread(fd, 5, 100)), "ok \"\"");
    c.expect("tell after pread", raw(&tell(fd)), "ok 0");
    c.expect("read 3", raw(&read(fd, 3)), "ok \"hel\"");
    c.expect("tell after read", raw(&tell(fd)), "ok 3");
    // SAFETY: no pointers.
    c.expect("seek cur +2", raw(&unsafe { wasi::fd_seek(fd, 2, wasi::WHENCE_CUR) }), "ok 5");
    // SAFETY: no pointers.
    c.expect("seek end -5", raw(&unsafe { wasi::fd_seek(fd, -5, wasi::WHENCE_END) }), "ok 6");
    c.expect("read rest", raw(&read(fd, 100)), "ok \"WORLD\"");

    // Sizes.
    c.expect("size", raw(&size(fd)), "ok 11");
    // SAFETY: no pointers.
    c.expect("set size 5", raw(&unsafe { wasi::fd_filestat_set_size(fd, 5) }), "ok ()");
    c.expect("size after shrink", raw(&size(fd)), "ok 5");
    // SAFETY: no pointers.
    c.expect("set size 8", raw(&unsafe { wasi::fd_filestat_set_size(fd, 8) }), "ok ()");
    c.expect("grown bytes", raw(&pread(fd, 8, 0)), "ok \"hello\\0\\0\\0\"");
    // SAFETY: no pointers.
    c.expect("advise", raw(&unsafe { wasi::fd_advise(fd, 0, 8, wasi::ADVICE_SEQUENTIAL) }), "ok ()");
    // Preview1 lets an implementation refuse fd_allocate (wasmtime does); within the file's
    // size it changes nothing either way, so both answers print alike.
    // SAFETY: no pointers.
    let allocated = unsafe { wasi::fd_allocate(fd, 0, 4) };
    let allocated = if matches!(allocated, Ok(()) | Err(wasi::ERRNO_NOTSUP)) {
        "ok or NOTSUP".to_string()
    } else {
        raw(&allocated)
    };
    c.expect("allocate within size", allocated, "ok or NOTSUP");
    c.expect("size after allocate", raw(&size(fd)), "ok 8");
    // SAFETY: no pointers.
    c.expect("sync", raw(&unsafe { wasi::fd_sync(fd) }), "ok ()");
    // SAFETY: no pointers.
    c.expect("datasync", raw(&unsafe { wasi::fd_datasync(fd) }), "ok ()");

    // Times: set exactly, then read back. Only mtim is printed: Dockyard's layers keep no atime.
    let (atim, mtim) = (1_000_000_000, 1_700_000_000_123_456_789);
    // SAFETY: no pointers.
    let set = unsafe { wasi::fd_filestat_set_times(fd, atim, mtim, wasi::FSTFLAGS_ATIM | wasi::FSTFLAGS_MTIM) };
    c.expect("fd set times", raw(&set), "ok ()");
    // SAFETY: no pointers.
    let stat = unsafe { wasi::fd_filestat_get(fd) };
    c.expect("fd mtim", raw(&stat.map(|s| s.mtim)), "ok 1700000000123456789");
    // SAFETY: path_filestat_set_times only reads the path's bytes.
    let set = unsafe {
        wasi::path_filestat_set_times(ROOT, 0, "data/hello.txt", 0, 1_600_000_000_000_000_000, wasi::FSTFLAGS_MTIM)
    };
    c.expect("path set mtim", raw(&set), "ok ()");
    c.expect("path mtim", raw(&path_stat(0, "data/hello.txt").map(|s| s.mtim)), "ok 1600000000000000000");
    // SAFETY: no pointers.
    let both = unsafe { wasi::fd_filestat_set_times(fd, 0, 0, wasi::FSTFLAGS_MTIM | wasi::FSTFLAGS_MTIM_NOW) };
    c.expect("set mtim and mtim_now", raw(&both), "INVAL");

    // Stats by path, following a final symlink or not.
    let described = |s: wasi::Filestat| format!("{} {}", s.filetype.name(), s.size);
    c.expect("stat link", raw(&path_stat(0, "data/link").map(described)), "ok \"SYMBOLIC_LINK 9\"");
    c.expect(
        "stat link followed",
        raw(&path_stat(wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, "data/link").map(described)),
        "ok \"REGULAR_FILE 6\"",
    );
    c.expect("stat dir type", raw(&path_stat(0, "data/dir").map(|s| s.filetype.name())), "ok \"DIRECTORY\"");
    c.expect("stat missing", raw_status(&path_stat(0, "data/missing")), "NOENT");
    c.expect("stat through a file", raw_status(&path_stat(0, "data/hello.txt/x")), "NOTDIR");
    let mut target = [0u8; 64];
    // SAFETY: `target` is 64 writable bytes and the call is told so.
    let n = unsafe { wasi::path_readlink(ROOT, "data/link", target.as_mut_ptr(), target.len()) };
    c.expect("readlink", raw(&n.map(|n| String::from_utf8_lossy(&target[..n]).into_owned())), "ok \"hello.txt\"");

    // Directory calls.
    // SAFETY: path_create_directory only reads the path's bytes.
    c.expect("create directory", raw(&unsafe { wasi::path_create_directory(ROOT, "data/made") }), "ok ()");
    // SAFETY: as above.
    c.expect("create directory again", raw(&unsafe { wasi::path_create_directory(ROOT, "data/made") }), "EXIST");
    // SAFETY: path_remove_directory only reads the path's bytes.
    c.expect("remove non-empty", raw(&unsafe { wasi::path_remove_directory(ROOT, "data/dir") }), "NOTEMPTY");
    // SAFETY: path_unlink_file only reads the path's bytes.
    c.expect("unlink a directory", raw(&unsafe { wasi::path_unlink_file(ROOT, "data/dir") }), "ISDIR");
    // SAFETY: as above.
    c.expect("unlink missing", raw(&unsafe { wasi::path_unlink_file(ROOT, "data/missing") }), "NOENT");
    let dir = open_dir("data");
    c.expect("open dir", raw_status(&dir), "ok");
    if let Ok(dir) = dir {
        c.expect("filetype of dir", raw(&filetype(dir)), "ok \"DIRECTORY\"");
        let listed = readdir(&mut c, dir).map(|names| names.join(", "));
        let expected = ". DIRECTORY, .. DIRECTORY, dir DIRECTORY, empty DIRECTORY, hello.txt REGULAR_FILE, \
                        link SYMBOLIC_LINK, made DIRECTORY, raw.bin REGULAR_FILE";
        c.expect("readdir", raw(&listed), format!("ok {expected:?}"));
        // SAFETY: path_open only reads the path's bytes.
        let child = unsafe { wasi::path_open(dir, 0, "dir/a.txt", 0, ALL_RIGHTS, ALL_RIGHTS, 0) };
        c.expect("open relative to an opened dir", raw(&child.and_then(|f| read(f, 10))), "ok \"a\\n\"");
        if let Ok(child) = child {
            c.expect("close child", raw(&close(child)), "ok ()");
        }
        c.expect("write to a dir", raw_status(&write(dir, b"x")), "BADF");
        c.expect("close dir", raw(&close(dir)), "ok ()");
    }
    let mut buf = [0u8; 64];
    // SAFETY: `buf` is 64 writable bytes and the call is told so.
    c.expect("readdir a file", raw(&unsafe { wasi::fd_readdir(fd, buf.as_mut_ptr(), buf.len(), 0) }), "BADF");

    // Scatter and gather: several buffers in one call. An implementation may move fewer bytes
    // than asked (wasmtime's moves one buffer a call), so each side loops, as std does.
    c.expect("gathered write", raw(&pwrite_vectored(fd, &[b"ab", b"cdef"], 0)), "ok 6");
    let (mut x, mut y) = ([0u8; 3], [0u8; 8]);
    let n = pread_vectored(fd, &mut [&mut x, &mut y], 0);
    c.expect("scattered read", raw(&n.map(|n| (n, x, y))), "ok (8, [97, 98, 99], [100, 101, 102, 0, 0, 0, 0, 0])");

    // Append mode set on an open descriptor sends writes to the end.
    // SAFETY: no pointers.
    c.expect("set append", raw(&unsafe { wasi::fd_fdstat_set_flags(fd, wasi::FDFLAGS_APPEND) }), "ok ()");
    // SAFETY: no pointers.
    c.expect("seek to 0 again", raw(&unsafe { wasi::fd_seek(fd, 0, wasi::WHENCE_SET) }), "ok 0");
    c.expect("append write", raw(&write(fd, b"!")), "ok 1");
    c.expect("appended", raw(&pread(fd, 16, 0)), "ok \"abcdef\\0\\0!\"");

    // SAFETY: no pointers.
    let flags = unsafe { wasi::fd_fdstat_get(fd) }.map(|s| s.fs_flags & wasi::FDFLAGS_APPEND != 0);
    c.expect("append flag reported", raw(&flags), "ok true");

    // Trailing slashes name directories only.
    c.expect("stat dir with slash", raw(&path_stat(0, "data/dir/").map(|s| s.filetype.name())), "ok \"DIRECTORY\"");
    c.expect("open file with slash", raw_status(&open("data/hello.txt/", 0, 0)), "NOTDIR");

    // A hard link counts as a second link to the file.
    // SAFETY: path_link only reads the two paths' bytes.
    c.expect("path_link", raw(&unsafe { wasi::path_link(ROOT, 0, "data/dir/a.txt", ROOT, "data/a-again") }), "ok ()");
    c.expect("nlink", raw(&path_stat(0, "data/a-again").map(|s| s.nlink)), "ok 2");
    c.expect(
        "same inode",
        raw(&path_stat(0, "data/a-again").and_then(|a| path_stat(0, "data/dir/a.txt").map(|b| a.ino == b.ino))),
        "ok true",
    );
    c.expect("open with trunc", raw(&open("data/a-again", wasi::OFLAGS_TRUNC, 0).and_then(size)), "ok 0");
    c.expect("truncated through the other name", raw(&path_stat(0, "data/dir/a.txt").map(|s| s.size)), "ok 0");

    // Renumbering: `to` takes `from`'s file, `from` is gone.
    let a = open("data/hello.txt", 0, 0);
    let b = open("data/dir/a.txt", 0, 0);
    if let (Ok(a), Ok(b)) = (a, b) {
        // SAFETY: no pointers.
        c.expect("renumber", raw(&unsafe { wasi::fd_renumber(a, b) }), "ok ()");
        c.expect("read renumbered", raw(&read(b, 10)), "ok \"hello\\n\"");
        c.expect("close old number", raw(&close(a)), "BADF");
        // SAFETY: no pointers.
        c.expect("renumber to a closed fd", raw(&unsafe { wasi::fd_renumber(b, 999) }), "BADF");
        c.expect("close renumbered", raw(&close(b)), "ok ()");
    } else {
        c.expect("open two files", format!("{} {}", raw_status(&a), raw_status(&b)), "ok ok");
    }

    c.expect("close", raw(&close(fd)), "ok ()");
    c.expect("close again", raw(&close(fd)), "BADF");
    c.expect("tell closed", raw(&tell(fd)), "BADF");
    c.finish();
}
