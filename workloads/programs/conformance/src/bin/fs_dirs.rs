//! Directories through std: create (one and all), list, remove (empty, non-empty, whole trees),
//! rename, and the errors of using a directory as a file or a file as a directory.

use std::fs::{self, File};
use std::io::Read;

use conformance::{io_error, shown, status, Check};

/// A directory's entries as `name kind`, sorted: implementations list in different orders.
fn list(path: &str) -> String {
    let entries = fs::read_dir(path).and_then(|entries| {
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            let kind = if kind.is_dir() {
                "dir"
            } else if kind.is_symlink() {
                "symlink"
            } else if kind.is_file() {
                "file"
            } else {
                "other"
            };
            names.push(format!("{} {kind}", entry.file_name().to_string_lossy()));
        }
        names.sort();
        Ok(names.join(", "))
    });
    match entries {
        Ok(names) => format!("[{names}]"),
        Err(e) => io_error(&e),
    }
}

fn main() {
    let mut c = Check::new("fs_dirs");

    c.expect("list fixture", list("/data"), "[dir dir, empty dir, hello.txt file, link symlink]");
    c.expect("list root", list("/"), "[data dir]");
    c.expect("create_dir", status(&fs::create_dir("/d")), "ok");
    c.expect("create_dir again", status(&fs::create_dir("/d")), "EXIST");
    c.expect("create_dir without parent", status(&fs::create_dir("/nope/a")), "NOENT");
    c.expect("create_dir under a file", status(&fs::create_dir("/data/hello.txt/x")), "NOTDIR");
    c.expect("create_dir_all", status(&fs::create_dir_all("/d/x/y/z")), "ok");
    c.expect("create_dir_all existing", status(&fs::create_dir_all("/d/x/y")), "ok");
    c.expect("write f1", status(&fs::write("/d/x/f1", "1")), "ok");
    c.expect("write f2", status(&fs::write("/d/x/f2", "2")), "ok");
    c.expect("list new", list("/d/x"), "[f1 file, f2 file, y dir]");
    c.expect("list empty", list("/d/x/y/z"), "[]");
    c.expect("list a file", list("/data/hello.txt"), "NOTDIR");
    c.expect("list missing", list("/data/missing"), "NOENT");
    c.expect("list through ..", list("/d/x/y/../.."), "[x dir]");
    c.expect("is_dir", shown(&fs::metadata("/d/x").map(|m| m.is_dir())), "ok true");

    // Removing: a non-empty directory is refused, an empty one goes, a file is not a directory.
    c.expect("remove_dir non-empty", status(&fs::remove_dir("/d/x")), "NOTEMPTY");
    c.expect("remove_dir empty", status(&fs::remove_dir("/d/x/y/z")), "ok");
    c.expect("remove_dir a file", status(&fs::remove_dir("/d/x/f1")), "NOTDIR");
    c.expect("remove_file a dir", status(&fs::remove_file("/d/x/y")), "ISDIR");
    c.expect("remove_dir fixture empty dir", status(&fs::remove_dir("/data/empty")), "ok");
    c.expect("remove_dir fixture non-empty", status(&fs::remove_dir("/data/dir")), "NOTEMPTY");

    // A directory used as a file.
    let mut buf = Vec::new();
    let opened = File::open("/d/x");
    c.expect("open dir", status(&opened), "ok");
    if let Ok(mut dir) = opened {
        c.expect_one_of("read dir as file", status(&dir.read_to_end(&mut buf)), &["BADF", "ISDIR"]);
    }
    c.expect("create over dir", status(&File::create("/d/x")), "ISDIR");
    c.expect("write to dir", status(&fs::write("/d/x", "no")), "ISDIR");

    // Renames: a new directory, a fixture directory (with its contents), onto an empty one.
    c.expect("rename dir", status(&fs::rename("/d/x", "/d/renamed")), "ok");
    c.expect("old name gone", list("/d/x"), "NOENT");
    c.expect("renamed contents", list("/d/renamed"), "[f1 file, f2 file, y dir]");
    c.expect("rename fixture dir", status(&fs::rename("/data/dir", "/data/moved")), "ok");
    c.expect("moved contents", list("/data/moved"), "[a.txt file, sub dir]");
    c.expect("moved nested file", shown(&fs::read_to_string("/data/moved/sub/b.txt")), "ok \"b\\n\"");
    c.expect("fixture dir gone", list("/data/dir"), "NOENT");
    c.expect("create_dir target", status(&fs::create_dir("/d/target")), "ok");
    c.expect("rename onto empty dir", status(&fs::rename("/d/renamed/y", "/d/target")), "ok");
    c.expect("rename onto non-empty dir", status(&fs::rename("/d/target", "/data/moved")), "NOTEMPTY");
    c.expect("rename dir onto file", status(&fs::rename("/d/target", "/d/renamed/f1")), "NOTDIR");
    c.expect("rename into itself", status(&fs::rename("/d/renamed", "/d/renamed/inside")), "INVAL");

    // Nested paths, with . and .. that stay inside the root.
    c.expect("nested create", status(&fs::create_dir_all("/d/a/b")), "ok");
    c.expect("nested write", status(&fs::write("/d/a/./b/../b/c.txt", "c\n")), "ok");
    c.expect("nested read", shown(&fs::read_to_string("/d/a/b/c.txt")), "ok \"c\\n\"");
    c.expect("write into fixture subdir", status(&fs::write("/data/moved/sub/new.txt", "n\n")), "ok");

    // A whole tree at once.
    c.expect("remove_dir_all", status(&fs::remove_dir_all("/d/renamed")), "ok");
    c.expect("removed tree", list("/d/renamed"), "NOENT");
    c.expect("remaining", list("/d"), "[a dir, target dir]");
    c.expect("list fixture after", list("/data"), "[hello.txt file, link symlink, moved dir]");

    // A fixture directory removed and made again starts empty: nothing of the old one comes back.
    c.expect("remove fixture tree", status(&fs::remove_dir_all("/data/moved")), "ok");
    c.expect("make it again", status(&fs::create_dir("/data/moved")), "ok");
    c.expect("made again is empty", list("/data/moved"), "[]");
    c.expect("old child stays gone", status(&fs::read("/data/moved/a.txt")), "NOENT");
    c.expect("new child", status(&fs::write("/data/moved/fresh.txt", "fresh\n")), "ok");
    c.expect("list made again", list("/data/moved"), "[fresh.txt file]");
    c.expect("replace a fixture file with a dir", status(&fs::remove_file("/data/hello.txt")), "ok");
    c.expect("dir where the file was", status(&fs::create_dir("/data/hello.txt")), "ok");
    c.expect("list it", list("/data/hello.txt"), "[]");

    c.finish();
}
