//! Regular files through std: create, write, read, append, truncate, seek, rename and remove,
//! over new files and over the fixture's own (so a union filesystem must copy them up).

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};

use conformance::{shown, status, Check};

fn read(path: &str) -> String {
    shown(&fs::read(path).map(|b| String::from_utf8_lossy(&b).into_owned()))
}

fn main() {
    let mut c = Check::new("fs_files");

    c.expect("read fixture", read("/data/hello.txt"), "ok \"hello\\n\"");
    c.expect("read through ..", read("/data/dir/../hello.txt"), "ok \"hello\\n\"");
    c.expect("read relative to the root", read("data/dir/a.txt"), "ok \"a\\n\"");
    c.expect("create dir /out", status(&fs::create_dir("/out")), "ok");

    // Create and write, then read back.
    let created = File::create("/out/f.txt").and_then(|mut f| f.write_all(b"one\n"));
    c.expect("create and write", status(&created), "ok");
    c.expect("read back", read("/out/f.txt"), "ok \"one\\n\"");

    // Append adds at the end whatever the descriptor's position.
    let appended = OpenOptions::new().append(true).open("/out/f.txt").and_then(|mut f| f.write_all(b"two\n"));
    c.expect("append", status(&appended), "ok");
    c.expect("after append", read("/out/f.txt"), "ok \"one\\ntwo\\n\"");

    // create_new refuses an existing file and leaves it alone.
    let again = OpenOptions::new().write(true).create_new(true).open("/out/f.txt");
    c.expect("create_new on existing", status(&again), "EXIST");
    c.holds("create_new error kind is AlreadyExists", again.is_err_and(|e| e.kind() == ErrorKind::AlreadyExists));
    c.expect("unchanged by create_new", read("/out/f.txt"), "ok \"one\\ntwo\\n\"");

    // File::create truncates.
    let rewritten = File::create("/out/f.txt").and_then(|mut f| f.write_all(b"0123456789"));
    c.expect("create truncates", status(&rewritten), "ok");
    c.expect("after truncate", read("/out/f.txt"), "ok \"0123456789\"");

    // Seeks from each origin, reads at the offsets they reach, and writes past the end.
    match OpenOptions::new().read(true).write(true).open("/out/f.txt") {
        Ok(mut f) => {
            let mut three = [0u8; 3];
            c.expect("seek start 2", shown(&f.seek(SeekFrom::Start(2))), "ok 2");
            c.expect("read 3", shown(&f.read_exact(&mut three).map(|()| three)), "ok [50, 51, 52]");
            c.expect("seek current +1", shown(&f.seek(SeekFrom::Current(1))), "ok 6");
            let mut two = [0u8; 2];
            c.expect("read 2", shown(&f.read_exact(&mut two).map(|()| two)), "ok [54, 55]");
            c.expect("seek end -3", shown(&f.seek(SeekFrom::End(-3))), "ok 7");
            let mut rest = String::new();
            c.expect("read to end", shown(&f.read_to_string(&mut rest).map(|_| rest)), "ok \"789\"");
            c.expect("read at end", shown(&f.read(&mut two)), "ok 0");
            c.expect("seek end 0", shown(&f.seek(SeekFrom::End(0))), "ok 10");
            c.expect("write at end", status(&f.write_all(b"AB")), "ok");
            c.expect("seek before start", status(&f.seek(SeekFrom::Current(-100))), "INVAL");
            c.expect("seek start 0", shown(&f.seek(SeekFrom::Start(0))), "ok 0");
            c.expect("overwrite", status(&f.write_all(b"zz")), "ok");
            c.expect("position after overwrite", shown(&f.stream_position()), "ok 2");
            c.expect("seek past end", shown(&f.seek(SeekFrom::Start(14))), "ok 14");
            c.expect("write past end", status(&f.write_all(b"!")), "ok");
        }
        Err(e) => c.expect("open read+write", status::<()>(&Err(e)), "ok"),
    }
    c.expect("after seeks", read("/out/f.txt"), "ok \"zz23456789AB\\0\\0!\"");

    // set_len shrinks, then grows with zeros.
    let sized = OpenOptions::new().write(true).open("/out/f.txt").and_then(|f| {
        f.set_len(4)?;
        f.set_len(8)
    });
    c.expect("set_len 4 then 8", status(&sized), "ok");
    c.expect("after set_len", shown(&fs::read("/out/f.txt")), "ok [122, 122, 50, 51, 0, 0, 0, 0]");

    let meta = |fact: fn(&fs::Metadata) -> String| shown(&fs::metadata("/out/f.txt").map(|m| fact(&m)));
    c.expect("metadata len", meta(|m| m.len().to_string()), "ok \"8\"");
    c.expect("is_file", meta(|m| m.is_file().to_string()), "ok \"true\"");
    c.expect("is_dir", meta(|m| m.is_dir().to_string()), "ok \"false\"");

    // Rename moves the contents; renaming onto an existing file replaces it.
    c.expect("rename", status(&fs::rename("/out/f.txt", "/out/g.txt")), "ok");
    c.expect("old name after rename", read("/out/f.txt"), "NOENT");
    c.expect("new name after rename", shown(&fs::read("/out/g.txt")), "ok [122, 122, 50, 51, 0, 0, 0, 0]");
    c.expect("write h", status(&fs::write("/out/h.txt", "h\n")), "ok");
    c.expect("rename over existing", status(&fs::rename("/out/g.txt", "/out/h.txt")), "ok");
    c.expect("replaced", shown(&fs::read("/out/h.txt")), "ok [122, 122, 50, 51, 0, 0, 0, 0]");
    c.expect("write then rename", status(&fs::write("/out/tmp", "kept\n")), "ok");
    c.expect("rename into place", status(&fs::rename("/out/tmp", "/out/kept.txt")), "ok");

    // Remove, then remove again.
    c.expect("remove_file", status(&fs::remove_file("/out/h.txt")), "ok");
    c.expect("remove_file again", status(&fs::remove_file("/out/h.txt")), "NOENT");
    let missing = fs::read("/out/missing");
    c.expect("read missing", status(&missing), "NOENT");
    c.holds("missing error kind is NotFound", missing.is_err_and(|e| e.kind() == ErrorKind::NotFound));
    c.expect("open missing dir's file", status(&File::open("/nowhere/x")), "NOENT");

    // An open descriptor names the file, not the path: it follows a rename, and outlives an unlink.
    let opened = OpenOptions::new().read(true).write(true).create(true).truncate(true).open("/out/open.txt");
    c.expect("open for rename", status(&opened), "ok");
    if let Ok(mut f) = opened {
        c.expect("write before rename", status(&f.write_all(b"before\n")), "ok");
        c.expect("rename while open", status(&fs::rename("/out/open.txt", "/out/moved.txt")), "ok");
        c.expect("write after rename", status(&f.write_all(b"after\n")), "ok");
        c.expect("renamed file has both", read("/out/moved.txt"), "ok \"before\\nafter\\n\"");
        c.expect("unlink while open", status(&fs::remove_file("/out/moved.txt")), "ok");
        let mut text = String::new();
        let reread = f.seek(SeekFrom::Start(0)).and_then(|_| f.read_to_string(&mut text)).map(|_| text);
        c.expect("read after unlink", shown(&reread), "ok \"before\\nafter\\n\"");
        c.expect("write after unlink", status(&f.write_all(b"gone\n")), "ok");
        c.expect("unlinked stays gone", read("/out/moved.txt"), "NOENT");
    }

    // A larger file, written and read in pieces std chooses.
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    c.expect("write 100000 bytes", status(&fs::write("/out/big.bin", &big)), "ok");
    c.holds("read 100000 bytes back", fs::read("/out/big.bin").is_ok_and(|b| b == big));
    c.expect(
        "truncate big",
        status(&OpenOptions::new().write(true).open("/out/big.bin").and_then(|f| f.set_len(3))),
        "ok",
    );

    // Changes to the fixture's own files and directories.
    let more = OpenOptions::new().append(true).open("/data/hello.txt").and_then(|mut f| f.write_all(b"more\n"));
    c.expect("append to fixture file", status(&more), "ok");
    c.expect("fixture after append", read("/data/hello.txt"), "ok \"hello\\nmore\\n\"");
    c.expect("new file in fixture dir", status(&fs::write("/data/dir/new.txt", "new\n")), "ok");
    c.expect("remove fixture file", status(&fs::remove_file("/data/dir/sub/b.txt")), "ok");
    c.expect("removed fixture file", read("/data/dir/sub/b.txt"), "NOENT");
    c.expect("rename fixture file", status(&fs::rename("/data/dir/a.txt", "/data/a-moved.txt")), "ok");
    c.expect("renamed fixture file", read("/data/a-moved.txt"), "ok \"a\\n\"");
    c.expect("write empty file", status(&fs::write("/out/empty", "")), "ok");
    c.expect("empty file", read("/out/empty"), "ok \"\"");

    c.finish();
}
