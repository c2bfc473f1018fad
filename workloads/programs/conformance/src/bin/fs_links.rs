//! Symbolic and hard links through std (and preview1's path_symlink, which std keeps unstable): create, read, follow (at the end and in the middle of a
//! path), dangling and looping links, and two names for one file.

use std::fs::{self, OpenOptions};
use std::io::Write;

use conformance::{shown, status, symlink as symlink_path, Check};

fn read(path: &str) -> String {
    shown(&fs::read_to_string(path))
}

/// What a path is without following a final symlink, and what it is following it.
fn kinds(path: &str) -> String {
    let kind = |m: fs::Metadata| {
        if m.file_type().is_symlink() {
            "symlink"
        } else if m.is_dir() {
            "dir"
        } else {
            "file"
        }
    };
    format!("{} / {}", shown(&fs::symlink_metadata(path).map(kind)), shown(&fs::metadata(path).map(kind)))
}

fn main() {
    let mut c = Check::new("fs_links");

    // The fixture's link.
    c.expect("read_link fixture", shown(&fs::read_link("/data/link")), "ok \"hello.txt\"");
    c.expect("kinds of fixture link", kinds("/data/link"), "ok \"symlink\" / ok \"file\"");
    c.expect("len through link", shown(&fs::metadata("/data/link").map(|m| m.len())), "ok 6");
    c.expect("read through link", read("/data/link"), "ok \"hello\\n\"");
    c.expect("read_link a file", status(&fs::read_link("/data/hello.txt")), "INVAL");
    c.expect("read_link missing", status(&fs::read_link("/data/missing")), "NOENT");

    // New links: to a file in a subdirectory, to a directory, then through it.
    c.expect("symlink to file", status(&symlink_path("dir/a.txt", "/data/to-a")), "ok");
    c.expect("read new link", read("/data/to-a"), "ok \"a\\n\"");
    c.expect("symlink to dir", status(&symlink_path("dir", "/data/to-dir")), "ok");
    c.expect("kinds of dir link", kinds("/data/to-dir"), "ok \"symlink\" / ok \"dir\"");
    c.expect("read via dir link", read("/data/to-dir/sub/b.txt"), "ok \"b\\n\"");
    c.expect("symlink with ..", status(&symlink_path("../hello.txt", "/data/dir/up")), "ok");
    c.expect("read link with ..", read("/data/dir/up"), "ok \"hello\\n\"");
    c.expect("symlink over existing", status(&symlink_path("x", "/data/link")), "EXIST");
    c.expect("write through link", status(&fs::write("/data/to-a", "A\n")), "ok");
    c.expect("target after write through link", read("/data/dir/a.txt"), "ok \"A\\n\"");
    c.expect("link still a link", shown(&fs::read_link("/data/to-a")), "ok \"dir/a.txt\"");
    c.expect("create in dir via link", status(&fs::write("/data/to-dir/via.txt", "via\n")), "ok");
    c.expect("created via link", read("/data/dir/via.txt"), "ok \"via\\n\"");

    // A dangling link: there, but nothing to follow.
    c.expect("dangling symlink", status(&symlink_path("missing.txt", "/data/dangling")), "ok");
    c.expect("read_link dangling", shown(&fs::read_link("/data/dangling")), "ok \"missing.txt\"");
    c.expect("kinds of dangling", kinds("/data/dangling"), "ok \"symlink\" / NOENT");
    c.expect("read dangling", read("/data/dangling"), "NOENT");

    // Links that point at each other.
    c.expect("loop a", status(&symlink_path("loop-b", "/data/loop-a")), "ok");
    c.expect("loop b", status(&symlink_path("loop-a", "/data/loop-b")), "ok");
    c.expect("read loop", read("/data/loop-a"), "LOOP");

    // Removing a link leaves its target.
    c.expect("remove link", status(&fs::remove_file("/data/link")), "ok");
    c.expect("target kept", read("/data/hello.txt"), "ok \"hello\\n\"");
    c.expect("removed link", kinds("/data/link"), "NOENT / NOENT");
    c.expect("remove dir link", status(&fs::remove_file("/data/to-dir")), "ok");
    c.expect("dir kept", shown(&fs::metadata("/data/dir").map(|m| m.is_dir())), "ok true");

    // Hard links: two names for one file, whichever is written, and after one is removed.
    c.expect("hard_link", status(&fs::hard_link("/data/hello.txt", "/data/hard")), "ok");
    c.expect("hard_link over existing", status(&fs::hard_link("/data/hello.txt", "/data/hard")), "EXIST");
    c.expect("kinds of hard link", kinds("/data/hard"), "ok \"file\" / ok \"file\"");
    let appended = OpenOptions::new().append(true).open("/data/hard").and_then(|mut f| f.write_all(b"again\n"));
    c.expect("write through second name", status(&appended), "ok");
    c.expect("read first name", read("/data/hello.txt"), "ok \"hello\\nagain\\n\"");
    c.expect("write through first name", status(&fs::write("/data/hello.txt", "rewritten\n")), "ok");
    c.expect("read second name", read("/data/hard"), "ok \"rewritten\\n\"");
    c.expect("hard_link missing", status(&fs::hard_link("/data/missing", "/data/h2")), "NOENT");
    c.expect_one_of("hard_link a dir", status(&fs::hard_link("/data/dir", "/data/h3")), &["PERM", "ACCES"]);
    c.expect("new file to link", status(&fs::write("/data/dir/new.txt", "new\n")), "ok");
    c.expect("hard_link new file", status(&fs::hard_link("/data/dir/new.txt", "/data/new-hard")), "ok");
    c.expect("remove first name", status(&fs::remove_file("/data/dir/new.txt")), "ok");
    c.expect("second name survives", read("/data/new-hard"), "ok \"new\\n\"");

    c.finish();
}
