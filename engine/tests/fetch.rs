//! Pulls from a registry whose blobs are held elsewhere, as the page's Docker Hub is: the
//! command is put off with `Step::Fetch`, nothing of it taking effect, and runs once the host has
//! handed the blobs over.

mod common;

use common::Session;
use dockyard_engine::copy::Tree;
use dockyard_engine::layer::Entry;
use dockyard_engine::registry::RegistryError;
use dockyard_engine::Step;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn a_pull_asks_for_its_blobs_and_goes_on_once_they_are_here() {
    let mut s = Session::blobs_elsewhere();
    let Step::Fetch { registry, blobs, before, .. } = s.step("docker pull hello-world") else {
        panic!("the pull did not ask for its blobs");
    };
    assert_eq!(registry, "docker.io");
    assert_eq!(blobs.len(), 1);
    assert!(before.stdout.is_empty() && before.stderr.is_empty());
    assert!(s.engine.images().images.is_empty(), "nothing is pulled before the blobs are here");

    let (reply, _) = s.drive("docker pull hello-world", None);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert_eq!(reply.stdout.matches("Using default tag: latest").count(), 1, "{}", reply.stdout);
    assert!(reply.stdout.contains("Status: Downloaded newer image for hello-world:latest"), "{}", reply.stdout);
    assert_eq!(s.fetched, [blobs[0].digest]);

    // A blob comes once: the image runs, and pulls again, without another fetch.
    s.done("docker rmi hello-world");
    let (reply, _) = s.drive("docker run hello-world", None);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert_eq!(s.fetched.len(), 1);
}

#[test]
fn a_run_that_pulls_is_put_off_whole_and_prints_once() {
    let mut s = Session::blobs_elsewhere();
    assert!(matches!(s.step("docker run --name first hello-world"), Step::Fetch { .. }));
    assert!(s.engine.containers().is_empty(), "no container before the blobs are here");
    let (reply, _) = s.drive("docker run --name first hello-world", None);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert_eq!(reply.stderr.matches("Unable to find image 'hello-world:latest' locally").count(), 1);
    assert_eq!(s.engine.containers().len(), 1);
    assert_eq!(s.fetched.len(), 1);
}

#[test]
fn a_build_fetches_its_base_and_runs_each_step_once() {
    let mut s = Session::blobs_elsewhere();
    let dockerfile = "FROM toolbox\nCOPY a.txt /a.txt\n";
    s.context = Some(Tree {
        entries: vec![
            (String::new(), Entry::dir(0o755)),
            ("Dockerfile".into(), Entry::file(dockerfile.as_bytes(), 0o644)),
            ("a.txt".into(), Entry::file(&b"hello\n"[..], 0o644)),
        ],
    });
    let (reply, _) = s.drive("docker build --no-cache -t app .", None);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let out = &reply.stdout;
    for once in [
        "Sending build context to Docker daemon",
        "Step 1/2 : FROM toolbox",
        "Step 2/2 : COPY",
        "Successfully tagged app:latest",
    ] {
        assert_eq!(out.matches(once).count(), 1, "{once}:\n{out}");
    }
    assert!(!out.contains("Using cache"), "{out}");
    assert_eq!(s.fetched.len(), 1, "the toolbox's one layer");
    // Only the image and its base: the put-off go made nothing that stayed.
    assert_eq!(s.engine.images().images.len(), 2);
}

#[test]
fn bytes_that_are_not_a_wanted_blob_are_refused() {
    let mut s = Session::blobs_elsewhere();
    assert!(matches!(s.engine.blob_fetched("docker.io", b"<html>404</html>"), Err(RegistryError::UnexpectedBlob(_))));
    assert!(matches!(s.engine.blob_fetched("example.com", b"x"), Err(RegistryError::NoSuchHost(_))));
    assert!(matches!(s.step("docker pull hello-world"), Step::Fetch { .. }), "still wanted");
}
