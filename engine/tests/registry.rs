//! Push and pull through the local registry (localhost:5000): layers move by digest, and what a
//! registry or the local store already holds is not moved again.

mod common;

use common::{Session, MODULE, T0};
use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::{Engine, Timestamp};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A session with hello-world pulled and tagged for the local registry; returns its layer's short
/// id as pull printed it (the compressed blob's digest).
fn tagged() -> (Session, String) {
    let mut s = Session::new();
    let pulled = s.done("docker pull hello-world").stdout;
    s.done("docker tag hello-world localhost:5000/hello-world");
    let layer = pulled.lines().find(|l| l.ends_with(": Pull complete")).unwrap().split(':').next().unwrap().to_string();
    let diff_id = s.engine.images().resolve("hello-world").unwrap().config.rootfs.diff_ids[0].short();
    assert_ne!(layer, diff_id, "a blob is named by its compressed digest, not its DiffID");
    (s, layer)
}

#[test]
fn push_sends_layers_once() {
    let (mut s, layer) = tagged();
    let first = s.done("docker push localhost:5000/hello-world");
    assert_eq!(first.exit_code, 0, "{}", first.stderr);
    let lines: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(lines[0], "Using default tag: latest");
    assert_eq!(lines[1], "The push refers to repository [localhost:5000/hello-world]");
    assert_eq!(lines[2], format!("{layer}: Pushed"));
    assert!(lines[3].starts_with("latest: digest: sha256:") && lines[3].contains(" size: "), "{}", lines[3]);
    let again = s.done("docker push localhost:5000/hello-world:latest").stdout;
    assert!(again.contains(&format!("{layer}: Layer already exists\n")), "{again}");
    // The same manifest, so the same digest.
    assert_eq!(again.lines().last(), lines.last().copied());
}

#[test]
fn pull_from_the_local_registry_reuses_local_layers() {
    let (mut s, layer) = tagged();
    let pushed = s.done("docker push localhost:5000/hello-world").stdout;
    let digest = pushed.lines().last().unwrap().split(' ').nth(2).unwrap().to_string();
    assert_eq!(s.done("docker rmi localhost:5000/hello-world").stdout, "Untagged: localhost:5000/hello-world:latest\n");
    let pulled = s.done("docker pull localhost:5000/hello-world").stdout;
    assert_eq!(
        pulled,
        format!(
            "Using default tag: latest\nlatest: Pulling from hello-world\n{layer}: Already exists\nDigest: {digest}\nStatus: Downloaded newer image for localhost:5000/hello-world:latest\nlocalhost:5000/hello-world:latest\n"
        )
    );
    let by_digest = s.done(&format!("docker pull localhost:5000/hello-world@{digest}")).stdout;
    assert!(by_digest.starts_with(&format!("{digest}: Pulling from hello-world\n")), "{by_digest}");
    assert!(by_digest.ends_with(&format!("localhost:5000/hello-world@{digest}\n")), "{by_digest}");
    let digests = s.done("docker images --digests localhost:5000/hello-world").stdout;
    assert!(digests.contains(&digest), "{digests}");
}

#[test]
fn push_and_pull_errors_read_like_docker() {
    let (mut s, _) = tagged();
    let reply = s.done("docker push localhost:5000/nosuch");
    assert!(reply.stderr.ends_with(
        "Error response from daemon: An image does not exist locally with the tag: localhost:5000/nosuch\n"
    ));
    assert_eq!(reply.exit_code, 1);
    let reply = s.done("docker push hello-world");
    assert!(reply.stdout.contains("The push refers to repository [docker.io/library/hello-world]"));
    assert_eq!(reply.stderr, "denied: requested access to the resource is denied\n");
    s.done("docker tag hello-world registry.example.com/app");
    let reply = s.done("docker push registry.example.com/app");
    assert!(reply.stderr.contains("lookup registry.example.com: no such host"), "{}", reply.stderr);
    let reply = s.done("docker pull localhost:5000/nosuch");
    assert_eq!(
        reply.stderr,
        "Error response from daemon: manifest for localhost:5000/nosuch:latest not found: manifest unknown: manifest unknown\n"
    );
}

#[test]
fn the_local_registry_survives_save_and_restore() {
    let (mut s, _) = tagged();
    s.done("docker push localhost:5000/hello-world");
    let saved = s.engine.save();
    let hub = builtin::docker_hub(&Programs::default().with("hello", MODULE)).unwrap();
    s.engine = Engine::restore(&saved, hub, Timestamp::from_secs(T0)).unwrap();
    s.done("docker rmi -f localhost:5000/hello-world hello-world");
    assert_eq!(s.done("docker images -q").stdout, "");
    let pulled = s.done("docker pull localhost:5000/hello-world");
    assert_eq!(pulled.exit_code, 0, "{}", pulled.stderr);
    assert!(pulled.stdout.contains(": Pull complete\n"), "{}", pulled.stdout);
}

#[test]
fn pulls_and_pushes_carry_progress_a_host_can_animate() {
    let mut s = Session::new();
    let pull = s.done("docker pull hello-world");
    let (stream, progress) = pull.progress.clone().expect("a first pull moves a layer");
    assert_eq!(stream, dockyard_engine::wasi::Stream::Stdout);
    assert_eq!(progress.text(), pull.stdout, "the last frame is what docker prints without a terminal");
    let start = progress.frame(0);
    assert!(start.ends_with(": Pulling fs layer\n") && !start.contains("Digest:"), "{start}");
    let during: Vec<String> = (0..progress.end()).step_by(20).map(|t| progress.frame(t)).collect();
    assert!(during.iter().any(|f| f.contains(": Downloading [") && f.contains("/")), "a bar fills");
    assert!(during.iter().any(|f| f.contains(": Extracting [")), "then the layer unpacks");
    // Nothing moves when the layer is already here, so there is nothing to animate.
    assert_eq!(s.done("docker pull hello-world").progress, None);
    // A run that pulls shows the same progress on stderr, as docker run does.
    s.done("docker rmi hello-world");
    let run = s.launch("docker run hello-world");
    assert_eq!(run.before.progress.map(|(stream, _)| stream), Some(dockyard_engine::wasi::Stream::Stderr));
    s.done("docker tag hello-world localhost:5000/hi");
    let push = s.done("docker push localhost:5000/hi");
    assert!(push.progress.expect("a first push moves a layer").1.frame(0).contains(": Preparing\n"));
}
