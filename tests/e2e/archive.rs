//! Archives between Dockyard and the private Docker Engine: each side loads what the other
//! saved, with the same image ids and the same DiffIDs.

use crate::harness::{docker, dockyard, text, TempHome};

/// The image id and the DiffIDs an `image inspect` reports.
fn identity(inspect_json: &str) -> (String, Vec<String>) {
    let json: serde_json::Value = serde_json::from_str(inspect_json).expect("inspect prints JSON");
    let id = json[0]["Id"].as_str().expect("an Id").to_string();
    let layers = json[0]["RootFS"]["Layers"]
        .as_array()
        .expect("RootFS.Layers")
        .iter()
        .map(|l| l.as_str().expect("a digest").to_string())
        .collect();
    (id, layers)
}

#[test]
fn docker_loads_what_dockyard_saves_with_the_same_ids() {
    let home = TempHome::new("save");
    assert!(dockyard(&home, &["pull", "hello-world"]).status.success());
    let file = home.0.join("hello.tar");
    let saved = dockyard(&home, &["save", "-o", file.to_str().expect("utf-8 path"), "hello-world"]);
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    let ours = identity(&text(&dockyard(&home, &["image", "inspect", "hello-world"]).stdout));

    let loaded = docker(&["load", "-i", file.to_str().expect("utf-8 path")]);
    assert!(loaded.status.success(), "{}", text(&loaded.stderr));
    assert!(text(&loaded.stdout).contains("Loaded image: hello-world:latest"), "{}", text(&loaded.stdout));
    let theirs = identity(&text(&docker(&["image", "inspect", "hello-world"]).stdout));
    let _ = docker(&["rmi", "hello-world"]);
    assert_eq!(ours, theirs);
}

#[test]
fn dockyard_loads_what_docker_saves_with_the_same_ids() {
    let home = TempHome::new("load");
    let file = home.0.join("busybox.tar");
    let saved = docker(&["save", "-o", file.to_str().expect("utf-8 path"), "busybox:latest"]);
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    let theirs = identity(&text(&docker(&["image", "inspect", "busybox:latest"]).stdout));

    let loaded = dockyard(&home, &["load", "-i", file.to_str().expect("utf-8 path")]);
    assert!(loaded.status.success(), "{}", text(&loaded.stderr));
    assert_eq!(text(&loaded.stdout), "Loaded image: busybox:latest\n");
    let ours = identity(&text(&dockyard(&home, &["image", "inspect", "busybox"]).stdout));
    assert_eq!(ours, theirs);
    let history = text(&dockyard(&home, &["history", "busybox"]).stdout);
    assert!(history.contains("Imported from -"), "{history}");

    // Saved again by Dockyard, the layers are the very bytes Docker wrote: Docker takes them back.
    let again = home.0.join("again.tar");
    assert!(dockyard(&home, &["save", "-o", again.to_str().expect("utf-8 path"), "busybox"]).status.success());
    let reloaded = docker(&["load", "-i", again.to_str().expect("utf-8 path")]);
    assert!(reloaded.status.success(), "{}", text(&reloaded.stderr));
    assert_eq!(identity(&text(&docker(&["image", "inspect", "busybox:latest"]).stdout)), theirs);
}

#[test]
fn loading_a_missing_file_or_saving_into_a_missing_folder_fails_clearly() {
    let home = TempHome::new("archive-errors");
    let out = dockyard(&home, &["load", "-i", "/nonexistent/x.tar"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "open /nonexistent/x.tar: no such file or directory\n");
    assert!(dockyard(&home, &["pull", "hello-world"]).status.success());
    let out = dockyard(&home, &["save", "-o", "/nonexistent/dir/x.tar", "hello-world"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "failed to save image: invalid output path: directory \"/nonexistent/dir\" does not exist\n"
    );
}

#[test]
fn docker_imports_what_dockyard_exports_with_the_same_diff_id() {
    let home = TempHome::new("export");
    assert!(dockyard(&home, &["run", "--name", "box", "hello-world"]).status.success());
    let note = home.0.join("note.txt");
    std::fs::write(&note, "from the writable layer\n").expect("write");
    assert!(dockyard(&home, &["cp", "-q", note.to_str().expect("utf-8 path"), "box:/note.txt"]).status.success());
    let file = home.0.join("box.tar");
    let exported = dockyard(&home, &["export", "-o", file.to_str().expect("utf-8 path"), "box"]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));

    // Docker's DiffID for an imported tar is the digest of the very bytes it read.
    let sum = std::process::Command::new("sha256sum").arg(&file).output().expect("sha256sum runs");
    let ours = format!("sha256:{}", text(&sum.stdout).split_whitespace().next().expect("a digest"));
    let imported = docker(&["import", file.to_str().expect("utf-8 path"), "dockyard-export:e2e"]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let (_, layers) = identity(&text(&docker(&["image", "inspect", "dockyard-export:e2e"]).stdout));
    let _ = docker(&["rmi", "dockyard-export:e2e"]);
    assert_eq!(layers, [ours]);

    let refused = dockyard(&home, &["export", "box"]);
    assert_eq!(text(&refused.stderr), "cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
}
