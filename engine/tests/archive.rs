//! `docker save` and `docker load` through the engine: archives keep ids and layers byte for byte.

mod common;

use common::Session;
use dockyard_engine::archive;
use dockyard_engine::image::ImageStore;
use dockyard_engine::layer::{Entry, EntryKind, Layer};
use dockyard_engine::{Entropy, Seeded, Step};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn saved(s: &mut Session, line: &str) -> Vec<u8> {
    match s.step(line) {
        Step::Write { path, bytes, then, .. } => {
            assert_eq!(path, "out.tar");
            assert_eq!(then.exit_code, 0);
            bytes.0.to_vec()
        }
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn save_then_load_keeps_ids_and_tags() {
    let mut s = Session::new();
    s.done("docker pull hello-world");
    let image = s.engine.images().resolve("hello-world").unwrap().clone();
    let archive = saved(&mut s, "docker save -o out.tar hello-world");

    let mut fresh = Session::new();
    let reply = fresh.engine.load_archive(&archive);
    assert_eq!(reply.stdout, "Loaded image: hello-world:latest\n");
    let loaded = fresh.engine.images().resolve("hello-world").unwrap();
    assert_eq!(loaded.id, image.id);
    assert_eq!(loaded.config.rootfs.diff_ids, image.config.rootfs.diff_ids);
    // Loading again over a different image under the same name says what happened to the old one.
    let mut other = Session::new();
    other.done("docker pull hello-world");
    assert!(other.engine.load_archive(&archive).stdout.starts_with("Loaded image"));
}

#[test]
fn layers_from_archives_keep_their_bytes_and_deletions() {
    let mut lower = Layer::default();
    lower.insert("etc/old", Entry::file(&b"old"[..], 0o644)).unwrap();
    let mut upper = Layer::default();
    upper.insert("etc/old", Entry::whiteout()).unwrap();
    upper.insert("var/cache", Entry::opaque_dir(0o755)).unwrap();
    let tar = upper.to_tar().unwrap();
    let read = Layer::from_tar(&tar).unwrap();
    assert_eq!(read.get("etc/old").map(|e| &e.kind), Some(&EntryKind::Whiteout));
    assert_eq!(read.get("var/cache").map(|e| &e.kind), Some(&EntryKind::Dir { opaque: true }));
    assert_eq!(read.to_tar().unwrap(), tar, "the original bytes come back out");
    assert_eq!(read.diff_id().unwrap(), upper.diff_id().unwrap());
}

#[test]
fn save_errors_read_like_docker() {
    let mut s = Session::new();
    let reply = s.done("docker save hello-world");
    assert_eq!(reply.stderr, "cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
    let reply = s.done("docker save -o out.tar nosuch");
    assert_eq!(reply.stderr, "Error response from daemon: No such image: nosuch:latest\n");
    let reply = s.done("docker load");
    assert_eq!(reply.stderr, "requested load from stdin, but stdin is empty\n");
    assert!(matches!(s.step("docker load -i some.tar"), Step::Read { path, .. } if path == "some.tar"));
}

#[test]
fn corrupt_archives_are_refused_and_change_nothing() {
    let mut s = Session::new();
    s.done("docker pull hello-world");
    let archive = saved(&mut s, "docker save -o out.tar hello-world");
    let mut empty = ImageStore::default();
    let mut plain = Layer::default();
    plain.insert("x", Entry::file(&b"x"[..], 0o644)).unwrap();
    let err = archive::load(&mut empty, &plain.to_tar().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "invalid archive: no manifest.json");
    // Flip one byte of a layer's content: its DiffID no longer matches the config.
    let mut tampered = archive.clone();
    let at = tampered.windows(4).position(|w| w == b"\0asm").expect("the module is in the archive");
    tampered[at + 7] ^= 0xff;
    let err = archive::load(&mut empty, &tampered).unwrap_err().to_string();
    assert!(err.starts_with("invalid diffID for layer 0: expected \"sha256:"), "{err}");
    assert!(empty.images.is_empty());
    let mut rng = Seeded::new(8);
    for _ in 0..3_000 {
        let mut mutated = archive.clone();
        let mut b = [0u8; 4];
        rng.fill(&mut b);
        let at = u32::from_le_bytes(b) as usize % mutated.len();
        mutated[at] ^= b[0] | 1;
        let _ = archive::load(&mut ImageStore::default(), &mutated);
    }
}

/// `docker save` writes a layer two images share once, and links the second copy to the first
/// (`<id>/layer.tar -> ../<other>/layer.tar`); the link reads as the layer it points to.
#[test]
fn a_layer_saved_as_a_link_to_another_loads_as_that_layer() {
    let mut s = Session::new();
    s.done("docker pull hello-world");
    let image = s.engine.images().resolve("hello-world").unwrap().clone();
    let archive = saved(&mut s, "docker save -o out.tar hello-world");
    let mut files = Layer::from_tar(&archive).unwrap();
    let (layer_path, data) = files
        .entries
        .iter()
        .find(|(path, _)| path.ends_with("/layer.tar"))
        .map(|(path, entry)| (path.clone(), entry.clone()))
        .expect("a layer in the archive");
    files.insert("shared", Entry::dir(0o755)).unwrap();
    files.insert("shared/layer.tar", data).unwrap();
    files.insert(&layer_path, Entry::symlink("../shared/layer.tar")).unwrap();
    let linked = files.to_tar().unwrap();
    let mut fresh = Session::new();
    assert_eq!(fresh.engine.load_archive(&linked).stdout, "Loaded image: hello-world:latest\n");
    assert_eq!(fresh.engine.images().resolve("hello-world").unwrap().id, image.id);
    // A link to nothing is a missing layer, as before.
    files.insert(&layer_path, Entry::symlink("../nowhere/layer.tar")).unwrap();
    let dangling = fresh.engine.load_archive(&files.to_tar().unwrap());
    assert!(dangling.stderr.contains(&format!("no {layer_path}")), "{dangling:?}");
}
