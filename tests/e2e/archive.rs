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
