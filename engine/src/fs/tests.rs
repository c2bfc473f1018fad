//! Whiteouts, opaque directories and copy-up, layer by layer.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn layer(entries: &[(&str, Entry)]) -> Layer {
    let mut l = Layer::default();
    for (path, entry) in entries {
        l.insert(path, entry.clone()).unwrap();
    }
    l
}

fn file(text: &str) -> Entry {
    Entry::file(text.as_bytes(), 0o644)
}

fn content(fs: &UnionFs, path: &str) -> Option<String> {
    match &fs.lookup(path)?.0.kind {
        EntryKind::File { data } => Some(String::from_utf8_lossy(&data.0).into_owned()),
        _ => None,
    }
}

#[test]
fn upper_layers_override_lower_ones() {
    let fs = UnionFs::new(vec![
        layer(&[("etc/motd", file("base")), ("etc/hosts", file("h"))]),
        layer(&[("etc/motd", file("app"))]),
    ]);
    assert_eq!(content(&fs, "/etc/motd").as_deref(), Some("app"));
    assert_eq!(fs.lookup("etc/motd").unwrap().1, 1);
    assert_eq!(content(&fs, "etc/hosts").as_deref(), Some("h"));
    assert_eq!(fs.lookup("etc/hosts").unwrap().1, 0);
    assert!(fs.lookup("etc/nope").is_none());
}

#[test]
fn a_whiteout_hides_a_file_until_a_higher_layer_adds_it_again() {
    let fs = UnionFs::new(vec![layer(&[("a/x", file("1"))]), layer(&[("a/x", Entry::whiteout())])]);
    assert!(fs.lookup("a/x").is_none());
    assert!(fs.lookup("a").is_some(), "the directory stays");
    let fs = UnionFs::new(vec![
        layer(&[("a/x", file("1"))]),
        layer(&[("a/x", Entry::whiteout())]),
        layer(&[("a/x", file("3"))]),
    ]);
    assert_eq!(content(&fs, "a/x").as_deref(), Some("3"));
}

#[test]
fn a_whiteout_of_a_directory_hides_everything_beneath_it() {
    let fs = UnionFs::new(vec![
        layer(&[("d/one", file("1")), ("d/sub/two", file("2")), ("d-sibling", file("s"))]),
        layer(&[("d", Entry::whiteout())]),
    ]);
    assert!(fs.lookup("d").is_none() && fs.lookup("d/one").is_none() && fs.lookup("d/sub/two").is_none());
    assert_eq!(content(&fs, "d-sibling").as_deref(), Some("s"), "a name that only starts the same stays");
}

#[test]
fn an_opaque_directory_hides_lower_contents_but_keeps_its_own() {
    let fs = UnionFs::new(vec![
        layer(&[("cfg/old", file("o")), ("cfg/keep/deep", file("k"))]),
        layer(&[("cfg", Entry::opaque_dir(0o755)), ("cfg/new", file("n"))]),
    ]);
    assert!(fs.lookup("cfg/old").is_none() && fs.lookup("cfg/keep/deep").is_none());
    assert_eq!(content(&fs, "cfg/new").as_deref(), Some("n"));
    let names: Vec<String> = fs.read_dir("/cfg").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["new"]);
}

#[test]
fn a_file_over_a_directory_hides_the_directorys_children() {
    let fs = UnionFs::new(vec![layer(&[("p/child", file("c"))]), layer(&[("p", file("now a file"))])]);
    assert_eq!(content(&fs, "p").as_deref(), Some("now a file"));
    assert!(fs.lookup("p/child").is_none());
}

#[test]
fn read_dir_merges_layers() {
    let fs = UnionFs::new(vec![
        layer(&[("bin/sh", file("sh")), ("bin/ls", file("ls")), ("etc/x", file("x"))]),
        layer(&[("bin/cat", file("cat")), ("bin/ls", Entry::whiteout())]),
    ]);
    let names: Vec<String> = fs.read_dir("bin").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["cat", "sh"]);
    let root: Vec<String> = fs.read_dir("/").into_iter().map(|(n, _)| n).collect();
    assert_eq!(root, ["bin", "etc"]);
}

#[test]
fn writes_copy_up_parents_and_show_as_changes() {
    let mut fs = UnionFs::new(vec![layer(&[("tmp", Entry::dir(0o1777)), ("etc/motd", file("base"))])]);
    fs.write("/tmp/new.txt", file("hi")).unwrap();
    fs.write("/etc/motd", file("changed")).unwrap();
    assert_eq!(content(&fs, "tmp/new.txt").as_deref(), Some("hi"));
    assert_eq!(fs.lookup("tmp").unwrap().0.mode, 0o1777, "the copied-up directory keeps its mode");
    let changes: Vec<String> = fs.changes().iter().map(|(c, p)| format!("{} {p}", c.letter())).collect();
    assert_eq!(changes, ["C /etc", "C /etc/motd", "C /tmp", "A /tmp/new.txt"]);
}

#[test]
fn removing_a_lower_file_leaves_a_whiteout_and_an_own_file_leaves_nothing() {
    let mut fs = UnionFs::new(vec![layer(&[("data/a", file("a"))])]);
    fs.write("data/b", file("b")).unwrap();
    assert!(fs.remove("data/b").unwrap());
    assert!(!fs.upper().entries.contains_key("data/b"), "no whiteout for a file only this layer had");
    assert!(fs.remove("/data/a").unwrap());
    assert_eq!(fs.upper().entries.get("data/a").map(|e| &e.kind), Some(&EntryKind::Whiteout));
    assert!(fs.lookup("data/a").is_none());
    assert!(!fs.remove("data/a").unwrap(), "already gone");
    let changes: Vec<String> = fs.changes().iter().map(|(c, p)| format!("{} {p}", c.letter())).collect();
    assert_eq!(changes, ["C /data", "D /data/a"]);
}

#[test]
fn removing_a_directory_hides_lower_children_too() {
    let mut fs = UnionFs::new(vec![layer(&[("srv/www/index.html", file("i")), ("srv/www/app.js", file("j"))])]);
    fs.write("srv/www/new", file("n")).unwrap();
    assert!(fs.remove("srv/www").unwrap());
    assert!(fs.lookup("srv/www/index.html").is_none() && fs.lookup("srv/www/new").is_none());
    assert_eq!(fs.upper().entries.get("srv/www").map(|e| &e.kind), Some(&EntryKind::Whiteout));
}

#[test]
fn deep_stacks_resolve_the_bottom_layer() {
    let mut layers = Vec::new();
    for i in 0..100 {
        layers.push(layer(&[(format!("layer{i}/file").as_str(), file(&i.to_string()))]));
    }
    let fs = UnionFs::new(layers);
    assert_eq!(fs.depth(), 101);
    assert_eq!(content(&fs, "layer0/file").as_deref(), Some("0"));
    assert_eq!(fs.lookup("layer99/file").unwrap().1, 99);
    assert_eq!(fs.paths().count(), 200);
}

#[test]
fn deletions_are_written_to_tar_as_the_oci_spec_says() {
    let l = layer(&[("gone", Entry::whiteout()), ("dir/x", Entry::whiteout()), ("opq", Entry::opaque_dir(0o755))]);
    let tar = l.to_tar().unwrap();
    let names: Vec<String> = tar
        .chunks(512)
        .filter(|block| block.iter().any(|b| *b != 0) && &block[257..262] == b"ustar")
        .map(|block| String::from_utf8_lossy(&block[..100]).trim_end_matches('\0').to_string())
        .collect();
    assert_eq!(names, ["dir/", "dir/.wh.x", ".wh.gone", "opq/", "opq/.wh..wh..opq"]);
}

#[test]
fn hard_links_and_owners_reach_the_tar_header() {
    let l = layer(&[("a", file("x").owned_by(1000, 1000)), ("b", Entry::hardlink("a"))]);
    let tar = l.to_tar().unwrap();
    assert_eq!(&tar[108..115], b"0001750", "uid 1000 in octal");
    let second = &tar[1024..1536];
    assert_eq!(second[156], b'1');
    assert_eq!(&second[157..158], b"a");
    let huge = layer(&[("big", file("x").owned_by(u32::MAX, 0))]);
    assert!(matches!(huge.to_tar(), Err(LayerError::FieldTooLarge(_))));
}

#[test]
fn the_index_and_a_plain_search_agree_on_random_stacks() {
    use crate::{Entropy, Seeded};
    let names = ["a", "a/b", "a/b/c", "a/d", "e", "e/f", "a-b"];
    let mut rng = Seeded::new(11);
    for _ in 0..300 {
        let mut layers = Vec::new();
        for _ in 0..4 {
            let mut l = Layer::default();
            for name in names {
                let mut b = [0u8; 1];
                rng.fill(&mut b);
                let entry = match b[0] % 6 {
                    0 => file(name),
                    1 => Entry::whiteout(),
                    2 => Entry::opaque_dir(0o755),
                    3 => Entry::dir(0o755),
                    _ => continue,
                };
                // A path cannot hold two entries in one layer; the last written wins.
                let _ = l.insert(name, entry);
            }
            layers.push(l);
        }
        let refs: Vec<&Layer> = layers.iter().collect();
        let mut fs = UnionFs::new(layers.clone());
        for name in names {
            assert_eq!(fs.lookup(name), provider_in(&refs, name), "{name} in {layers:?}");
        }
        // A container's writes and deletions keep the index and the layers in agreement too.
        for name in names {
            let mut b = [0u8; 1];
            rng.fill(&mut b);
            match b[0] % 3 {
                0 => fs.write(name, file("w")).unwrap(),
                1 if name.len() == 1 => fs.write(name, Entry::dir(0o755)).unwrap(),
                1 => {
                    fs.remove(name).unwrap();
                }
                _ => {}
            }
            let all: Vec<&Layer> = fs.layers.iter().collect();
            for probe in names {
                assert_eq!(
                    fs.lookup(probe),
                    provider_in(&all, probe),
                    "{probe} after touching {name} (op {}): {:#?}",
                    b[0] % 3,
                    fs.layers
                );
            }
        }
    }
}

#[test]
fn writing_beneath_a_deleted_directory_brings_it_back_empty() {
    let mut fs = UnionFs::new(vec![layer(&[("cache/old", file("o"))])]);
    fs.remove("cache").unwrap();
    fs.write("cache/new", file("n")).unwrap();
    assert!(fs.lookup("cache/old").is_none(), "the old contents stay deleted");
    assert_eq!(content(&fs, "cache/new").as_deref(), Some("n"));
    assert_eq!(fs.upper().entries.get("cache").map(|e| &e.kind), Some(&EntryKind::Dir { opaque: true }));
}

#[test]
fn resolve_follows_links_inside_the_filesystem() {
    let fs = UnionFs::new(vec![layer(&[
        ("usr/bin/sh", file("shell")),
        ("bin", Entry::symlink("usr/bin")),
        ("etc/alt", Entry::symlink("/bin/sh")),
        ("etc/up", Entry::symlink("../../../../usr")),
        ("loop", Entry::symlink("loop")),
        ("etc/motd", file("hi")),
    ])]);
    assert_eq!(fs.resolve("/bin/sh", false).as_deref().ok(), Some("usr/bin/sh"), "a linked directory on the way");
    assert_eq!(fs.resolve("etc/alt", false).as_deref().ok(), Some("etc/alt"), "the last link is kept");
    assert_eq!(fs.resolve("etc/alt", true).as_deref().ok(), Some("usr/bin/sh"), "or followed");
    assert_eq!(fs.resolve("etc/up/bin", true).as_deref().ok(), Some("usr/bin"), "`..` stops at the root");
    assert_eq!(fs.resolve("/bin/./new", false).as_deref().ok(), Some("usr/bin/new"), "a missing last element is fine");
    assert_eq!(fs.resolve("/nodir/new", false), Err(ResolveError::Missing), "a missing directory is not");
    assert_eq!(fs.resolve("etc/motd/x", false), Err(ResolveError::NotDir), "a file is not a directory");
    assert_eq!(fs.resolve("loop", true), Err(ResolveError::Loop), "links that loop give up");
    assert_eq!(fs.resolve("/", true).as_deref().ok(), Some(""));
}
