//! `docker image prune`: what it asks, what it deletes, and what it leaves alone.

mod common;

use common::Session;
use dockyard_engine::cli::Command;
use dockyard_engine::layer::Entry;
use dockyard_engine::{Ctx, ExitStatus, Reply, Step};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Runs `line`, answering yes to its question, and returns the question and the final reply.
fn confirmed(s: &mut Session, line: &str) -> (String, Reply) {
    let (prompt, command) = match s.step(line) {
        Step::Confirm { prompt, command, declined } => {
            assert_eq!(declined.stdout, "Total reclaimed space: 0B\n", "saying no frees nothing");
            (prompt, command)
        }
        other => panic!("{line} asked nothing: {other:?}"),
    };
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    match s.engine.execute_command(command, &mut ctx) {
        Step::Done(reply) => (prompt, reply),
        other => panic!("{line} did not finish once confirmed: {other:?}"),
    }
}

/// hello-world, a container `box` of it that wrote two bytes, and a dangling commit of that.
fn with_dangling() -> (Session, String) {
    let mut s = Session::new();
    let (launch, _) = s.run("docker run --name box hello-world", ExitStatus::Code(0), "");
    s.engine.write_container_file(&launch.process.container, "/note", Entry::file(&b"hi"[..], 0o644)).unwrap();
    let id = s.done("docker commit box").stdout.trim().to_string();
    (s, id)
}

#[test]
fn prune_asks_first_then_deletes_dangling_images_and_their_layers() {
    let (mut s, id) = with_dangling();
    let (prompt, reply) = confirmed(&mut s, "docker image prune");
    assert_eq!(prompt, "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
    let top = s.engine.images().images.len();
    assert_eq!(top, 1, "hello-world stays: it is tagged and box uses it");
    let lines: Vec<&str> = reply.stdout.lines().collect();
    assert_eq!(lines[0], "Deleted Images:");
    assert_eq!(lines[1], format!("deleted: {id}"));
    assert!(lines[2].starts_with("deleted: sha256:"), "the committed layer, by ChainID: {}", reply.stdout);
    assert_eq!(&lines[3..], ["", "Total reclaimed space: 2B"]);
    assert_eq!(s.done("docker image prune -f").stdout, "Total reclaimed space: 0B\n", "nothing left to prune");
}

#[test]
fn prune_all_removes_every_image_no_container_uses() {
    let (mut s, _) = with_dangling();
    let (prompt, _) = confirmed(&mut s, "docker image prune -a");
    assert!(
        prompt.starts_with("WARNING! This will remove all images without at least one container associated to them.\n")
    );
    assert!(s.engine.images().resolve("hello-world").is_some(), "box still uses hello-world");
    s.done("docker rm box");
    let reply = s.done("docker image prune --all --force");
    let lines: Vec<&str> = reply.stdout.lines().collect();
    assert_eq!(lines[..2], ["Deleted Images:", "untagged: hello-world:latest"]);
    assert!(lines[2].starts_with("untagged: hello-world@sha256:"), "{}", reply.stdout);
    assert_eq!(lines.last(), Some(&"Total reclaimed space: 8B"));
    assert!(s.engine.images().images.is_empty());
}

#[test]
fn prune_filters_choose_by_age_and_label() {
    let (mut s, _) = with_dangling();
    s.done("docker rm box");
    s.done("docker pull hello-world");
    s.run("docker run --name two hello-world", ExitStatus::Code(0), "");
    s.done("docker commit -c 'LABEL team=blue' two blue");
    s.done("docker rm two");
    // hello-world was built long before 2020 was over? No: in 2026, so nothing is that old.
    assert_eq!(s.done("docker image prune -a -f --filter until=2020-01-01").stdout, "Total reclaimed space: 0B\n");
    let reply = s.done("docker image prune -a -f --filter label=team=blue");
    assert!(reply.stdout.contains("untagged: blue:latest\n"), "{}", reply.stdout);
    assert!(s.engine.images().resolve("hello-world").is_some(), "no label, so not pruned");
    // The dangling commit was made just now, so only hello-world is older than an hour.
    let reply = s.done("docker image prune -a -f --filter label!=team --filter until=1h");
    assert!(reply.stdout.contains("untagged: hello-world:latest\n"), "{}", reply.stdout);
    assert_eq!(s.engine.images().images.len(), 1, "the dangling commit is too young");
}

#[test]
fn prune_refuses_bad_filters_before_asking() {
    let mut s = Session::new();
    let reply = s.done("docker image prune --filter color");
    assert_eq!(reply.exit_code, 125);
    assert!(reply
        .stderr
        .starts_with("invalid argument \"color\" for \"--filter\" flag: bad format of filter (expected name=value)"));
    assert_eq!(
        s.done("docker image prune --filter color=red").stderr,
        "Error response from daemon: invalid filter 'color'\n"
    );
    let reply = s.done("docker image prune -f --filter until=soon");
    assert!(reply
        .stderr
        .starts_with("Error response from daemon: failed to parse value as time or duration: \"soon\""));
    assert!(matches!(
        s.step("docker image prune --filter until=24h"),
        Step::Confirm { command: Command::ImagePrune { force: true, .. }, .. }
    ));
}
