//! The filesystem calls with Linux's errors, over layers: what a process writes lands in the
//! writable layer, deletions of lower files become whiteouts, and open files outlive their names.

use super::*;
use crate::layer::Layer;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const ROOT: u32 = 3;

/// A base layer with `/data/hello.txt`, `/data/dir/a.txt` and `/data/link -> hello.txt`.
fn files() -> Files {
    let mut base = Layer::default();
    base.insert("data/hello.txt", Entry::file(&b"hello\n"[..], 0o644)).unwrap();
    base.insert("data/dir/a.txt", Entry::file(&b"a"[..], 0o600)).unwrap();
    base.insert("data/link", Entry::symlink("hello.txt")).unwrap();
    Files::new(UnionFs::new(vec![base]))
}

fn read_all(f: &mut Files, path: &str) -> Result<Vec<u8>, Errno> {
    let fd = f.path_open(ROOT, path, OpenOptions { follow: true, read: true, ..Default::default() })?;
    let data = f.read(fd, 1 << 20, None);
    f.close(fd)?;
    data
}

fn rw() -> OpenOptions {
    OpenOptions { follow: true, read: true, write: true, ..Default::default() }
}

#[test]
fn writes_land_in_the_writable_layer_when_the_file_closes() {
    let mut f = files();
    let fd = f.path_open(ROOT, "data/new.txt", OpenOptions { create: true, ..rw() }).unwrap();
    assert_eq!(f.write(fd, b"one ", None), Ok(4));
    assert_eq!(f.write(fd, b"two", None), Ok(3));
    assert_eq!(f.seek(fd, 0, abi::WHENCE_SET), Ok(0));
    assert_eq!(f.read(fd, 100, None).unwrap(), b"one two");
    assert_eq!(f.read(fd, 10, Some(4)).unwrap(), b"two", "pread leaves the position alone");
    f.close(fd).unwrap();
    let upper = f.into_fs().upper().clone();
    assert!(matches!(&upper.get("data/new.txt").unwrap().kind, EntryKind::File { data } if &data.0[..] == b"one two"));
    assert!(upper.get("data/hello.txt").is_none(), "untouched files stay in their layer");
}

#[test]
fn opening_follows_symlinks_and_refuses_what_linux_refuses() {
    let mut f = files();
    assert_eq!(read_all(&mut f, "data/link").unwrap(), b"hello\n");
    assert_eq!(read_all(&mut f, "data/nope").unwrap_err(), Errno::Noent);
    assert_eq!(read_all(&mut f, "data/hello.txt/x").unwrap_err(), Errno::Notdir);
    let nofollow = OpenOptions { read: true, ..Default::default() };
    assert_eq!(f.path_open(ROOT, "data/link", nofollow), Err(Errno::Loop));
    let exclusive = OpenOptions { create: true, exclusive: true, ..rw() };
    assert_eq!(f.path_open(ROOT, "data/hello.txt", exclusive), Err(Errno::Exist));
    assert_eq!(f.path_open(ROOT, "data/dir", rw()), Err(Errno::Isdir));
    let dir = OpenOptions { directory: true, read: true, ..Default::default() };
    assert_eq!(f.path_open(ROOT, "data/hello.txt", dir), Err(Errno::Notdir));
    assert_eq!(f.path_open(ROOT, "nodir/x", OpenOptions { create: true, ..rw() }), Err(Errno::Noent));
    // A directory opened to read is a directory descriptor; reading it as a file is refused.
    let fd = f.path_open(ROOT, "data/dir", OpenOptions { read: true, ..Default::default() }).unwrap();
    assert_eq!(f.read(fd, 10, None), Err(Errno::Badf));
    let ro = f.path_open(ROOT, "data/hello.txt", OpenOptions { read: true, ..Default::default() }).unwrap();
    assert_eq!(f.write(ro, b"x", None), Err(Errno::Badf), "a read-only descriptor");
}

#[test]
fn truncate_append_and_set_size_change_the_content() {
    let mut f = files();
    let fd = f.path_open(ROOT, "data/hello.txt", OpenOptions { append: true, ..rw() }).unwrap();
    f.write(fd, b"more\n", None).unwrap();
    f.close(fd).unwrap();
    assert_eq!(read_all(&mut f, "data/hello.txt").unwrap(), b"hello\nmore\n");
    let fd = f.path_open(ROOT, "data/hello.txt", OpenOptions { truncate: true, ..rw() }).unwrap();
    assert_eq!(f.filestat(fd).unwrap().size, 0);
    f.set_size(fd, 3).unwrap();
    f.close(fd).unwrap();
    assert_eq!(read_all(&mut f, "data/hello.txt").unwrap(), b"\0\0\0");
    let fd = f.path_open(ROOT, "data/big", OpenOptions { create: true, ..rw() }).unwrap();
    assert_eq!(f.set_size(fd, MAX_FILE_SIZE + 1), Err(Errno::Fbig));
    assert_eq!(f.write(fd, b"x", Some(MAX_FILE_SIZE)), Err(Errno::Fbig));
}

#[test]
fn directories_are_made_listed_and_removed_with_linux_errors() {
    let mut f = files();
    assert_eq!(f.path_create_directory(ROOT, "data/dir"), Err(Errno::Exist));
    assert_eq!(f.path_create_directory(ROOT, "no/such"), Err(Errno::Noent));
    f.path_create_directory(ROOT, "data/empty").unwrap();
    assert_eq!(f.path_remove_directory(ROOT, "data/dir"), Err(Errno::Notempty));
    assert_eq!(f.path_remove_directory(ROOT, "data/hello.txt"), Err(Errno::Notdir));
    assert_eq!(f.path_unlink_file(ROOT, "data/dir"), Err(Errno::Isdir));
    f.path_remove_directory(ROOT, "data/empty").unwrap();
    let fd = f.path_open(ROOT, "data", OpenOptions { directory: true, read: true, ..Default::default() }).unwrap();
    let listing = f.readdir(fd, 0, 4096).unwrap();
    let mut names = Vec::new();
    let mut at = 0;
    while at + abi::DIRENT_SIZE <= listing.len() {
        let len = u32::from_le_bytes(listing[at + 16..at + 20].try_into().unwrap()) as usize;
        names.push(String::from_utf8(listing[at + 24..at + 24 + len].to_vec()).unwrap());
        at += abi::DIRENT_SIZE + len;
    }
    assert_eq!(names, [".", "..", "dir", "hello.txt", "link"]);
    // A small buffer gets a truncated listing, which tells the guest to ask again with more room.
    assert_eq!(f.readdir(fd, 0, 30).unwrap().len(), 30);
    let from_third = f.readdir(fd, 2, 4096).unwrap();
    assert_eq!(&from_third[24..27], b"dir", "the cookie resumes where the guest left off");
}

#[test]
fn deleting_a_lower_file_leaves_a_whiteout() {
    let mut f = files();
    f.path_unlink_file(ROOT, "data/hello.txt").unwrap();
    assert_eq!(f.path_unlink_file(ROOT, "data/hello.txt"), Err(Errno::Noent));
    let fs = f.into_fs();
    assert_eq!(fs.upper().get("data/hello.txt").map(|e| &e.kind), Some(&EntryKind::Whiteout));
    assert!(fs.lookup("data/hello.txt").is_none());
}

#[test]
fn rename_moves_trees_and_open_files_follow() {
    let mut f = files();
    let fd = f.path_open(ROOT, "data/dir/a.txt", rw()).unwrap();
    f.path_rename(ROOT, "data/dir", ROOT, "data/moved").unwrap();
    f.write(fd, b"A", None).unwrap();
    f.close(fd).unwrap();
    assert_eq!(read_all(&mut f, "data/moved/a.txt").unwrap(), b"A");
    assert_eq!(read_all(&mut f, "data/dir/a.txt").unwrap_err(), Errno::Noent);
    assert_eq!(f.path_rename(ROOT, "data/moved", ROOT, "data/moved/inner"), Err(Errno::Inval));
    assert_eq!(f.path_rename(ROOT, "data/moved", ROOT, "data/hello.txt"), Err(Errno::Notdir));
    assert_eq!(f.path_rename(ROOT, "data/hello.txt", ROOT, "data/moved"), Err(Errno::Isdir));
    assert_eq!(f.path_rename(ROOT, "data/ghost", ROOT, "data/x"), Err(Errno::Noent));
    f.path_rename(ROOT, "data/hello.txt", ROOT, "data/moved/a.txt").unwrap();
    assert_eq!(read_all(&mut f, "data/moved/a.txt").unwrap(), b"hello\n", "a file replaces a file");
}

#[test]
fn an_unlinked_open_file_lives_until_it_closes() {
    let mut f = files();
    let fd = f.path_open(ROOT, "data/hello.txt", rw()).unwrap();
    f.path_unlink_file(ROOT, "data/hello.txt").unwrap();
    assert_eq!(f.read(fd, 100, None).unwrap(), b"hello\n");
    f.write(fd, b"!", None).unwrap();
    assert_eq!(f.filestat(fd).unwrap().nlink, 0);
    f.close(fd).unwrap();
    assert!(f.into_fs().lookup("data/hello.txt").is_none(), "closing does not bring the name back");
}

#[test]
fn hard_links_share_content_and_survive_the_first_name() {
    let mut f = files();
    f.path_link(ROOT, "data/hello.txt", false, ROOT, "data/twin").unwrap();
    assert_eq!(f.path_link(ROOT, "data/hello.txt", false, ROOT, "data/twin"), Err(Errno::Exist));
    assert_eq!(f.path_link(ROOT, "data/dir", false, ROOT, "data/dirlink"), Err(Errno::Perm));
    let fd = f.path_open(ROOT, "data/twin", OpenOptions { append: true, ..rw() }).unwrap();
    f.write(fd, b"via twin\n", None).unwrap();
    f.close(fd).unwrap();
    assert_eq!(read_all(&mut f, "data/hello.txt").unwrap(), b"hello\nvia twin\n");
    assert_eq!(f.path_filestat_get(ROOT, "data/hello.txt", true).unwrap().nlink, 2);
    let (a, b) = (f.path_filestat_get(ROOT, "data/hello.txt", true), f.path_filestat_get(ROOT, "data/twin", true));
    assert_eq!(a.unwrap().ino, b.unwrap().ino, "one inode, two names");
    f.path_unlink_file(ROOT, "data/hello.txt").unwrap();
    assert_eq!(read_all(&mut f, "data/twin").unwrap(), b"hello\nvia twin\n");
}

#[test]
fn symlinks_are_made_read_and_statted_without_following() {
    let mut f = files();
    f.path_symlink("dir/a.txt", ROOT, "data/to-a").unwrap();
    assert_eq!(f.path_symlink("x", ROOT, "data/to-a"), Err(Errno::Exist));
    assert_eq!(f.path_readlink(ROOT, "data/to-a").unwrap(), "dir/a.txt");
    assert_eq!(f.path_readlink(ROOT, "data/hello.txt"), Err(Errno::Inval));
    assert_eq!(f.path_filestat_get(ROOT, "data/to-a", false).unwrap().filetype, FileType::SymbolicLink);
    assert_eq!(f.path_filestat_get(ROOT, "data/to-a", true).unwrap().size, 1);
    f.path_symlink("nowhere", ROOT, "data/dangling").unwrap();
    assert_eq!(f.path_filestat_get(ROOT, "data/dangling", true), Err(Errno::Noent));
}

#[test]
fn times_are_set_or_stamped_now() {
    let mut f = files();
    f.now = 5_000;
    f.path_filestat_set_times(ROOT, "data/hello.txt", true, 1_234_000_000_000, abi::FST_MTIM).unwrap();
    assert_eq!(f.path_filestat_get(ROOT, "data/hello.txt", true).unwrap().mtime, 1_234_000_000_000);
    let both = abi::FST_MTIM | abi::FST_MTIM_NOW;
    assert_eq!(f.path_filestat_set_times(ROOT, "data/hello.txt", true, 0, both), Err(Errno::Inval));
    let fd = f.path_open(ROOT, "data/new", OpenOptions { create: true, ..rw() }).unwrap();
    assert_eq!(f.filestat(fd).unwrap().mtime, 5_000, "a new file is stamped with the clock");
}

#[test]
fn descriptors_renumber_and_close_once() {
    let mut f = files();
    let fd = f.path_open(ROOT, "data/hello.txt", OpenOptions { read: true, ..Default::default() }).unwrap();
    assert_eq!(fd, 4, "the lowest free number");
    assert_eq!(f.renumber(fd, 9), Err(Errno::Badf), "the target must be open");
    f.renumber(fd, 0).unwrap();
    assert_eq!(f.read(0, 5, None).unwrap(), b"hello");
    assert_eq!(f.close(fd), Err(Errno::Badf));
    assert_eq!(f.prestat_name(3).unwrap(), "/");
    assert_eq!(f.prestat_name(0), Err(Errno::Badf));
    assert_eq!(f.seek(1, 0, abi::WHENCE_CUR), Err(Errno::Spipe));
}
