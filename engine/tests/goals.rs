//! Lesson goals against real commands: each is unmet until the command that meets it has run,
//! and met after, as the page shows them turning green.

mod common;

use common::Session;
use dockyard_engine::goal::Goal;
use dockyard_engine::layer::{Entry, Layer};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, ExitStatus, ProcessOutcome, Step};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn met(s: &Session, line: &str, history: &[&str]) -> bool {
    let goal = Goal::parse(line).unwrap_or_else(|e| panic!("{e}"));
    let history: Vec<String> = history.iter().map(|h| h.to_string()).collect();
    goal.met(&s.engine, &history)
}

#[test]
fn goals_turn_green_as_the_commands_that_meet_them_run() {
    let mut s = Session::new();
    assert!(!met(&s, "image hello-world exists", &[]));
    assert!(met(&s, "image hello-world is absent", &[]));
    assert!(!met(&s, "container first exited with 0", &[]));

    s.run("docker run --name first hello-world", ExitStatus::Code(0), "hello\n");
    assert!(met(&s, "image hello-world exists", &[]));
    assert!(met(&s, "image hello-world has 1 layer", &[]));
    assert!(!met(&s, "image hello-world has 2 layers", &[]));
    assert!(met(&s, "container first exited with 0", &[]));
    assert!(met(&s, "container first is exited", &[]));
    assert!(!met(&s, "container first is running", &[]));
    assert!(met(&s, "container first has file /hello", &[]));
    assert!(!met(&s, "container first has file /nope", &[]));
    assert!(met(&s, "containers from hello-world number at least 1", &[]));
    assert!(!met(&s, "containers from hello-world number at least 2", &[]));

    s.run("docker run hello-world", ExitStatus::Code(0), "hello\n");
    assert!(met(&s, "containers from hello-world number at least 2", &[]));

    // A running container, its published port and its volume.
    let id = match s.step("docker run -d --name web -p 8080:80 -v site:/data toolbox sleep 100") {
        Step::Spawn { processes, .. } => processes[0].container.clone(),
        other => panic!("a detached run spawns its process: {other:?}"),
    };
    assert!(met(&s, "container web is running", &[]));
    assert!(met(&s, "container web publishes 8080", &[]));
    assert!(met(&s, "container web publishes 8080:80", &[]));
    assert!(!met(&s, "container web publishes 8080:81", &[]));
    assert!(met(&s, "container web mounts site at /data", &[]));
    assert!(met(&s, "volume site exists", &[]));
    assert!(!met(&s, "volume site holds greeting", &[]));

    // What the process wrote under the mount point lands in the volume.
    let mut upper = Layer::default();
    upper.insert("data", Entry::dir(0o755)).unwrap();
    upper.insert("data/greeting", Entry::file(b"hi there\n".to_vec(), 0o644)).unwrap();
    let outcome =
        ProcessOutcome { status: ExitStatus::Code(0), output: vec![(Stream::Stdout, Vec::new())], upper: Some(upper) };
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    s.engine.exited(&id, outcome, &mut ctx);
    assert!(met(&s, "volume site holds greeting containing 'hi there'", &[]));
    assert!(!met(&s, "volume site holds greeting containing bye", &[]));

    // Removed things are absent; pushed ones are in the registry.
    s.done("docker rm web");
    assert!(met(&s, "container web is absent", &[]));
    assert!(!met(&s, "registry localhost:5000 has hello:v1", &[]));
    s.done("docker tag hello-world localhost:5000/hello:v1");
    s.done("docker push localhost:5000/hello:v1");
    assert!(met(&s, "registry localhost:5000 has hello:v1", &[]));
    assert!(met(&s, "registry docker.io has hello-world", &[]), "the hub holds its built-in images");

    // Commands typed count for `ran`.
    assert!(met(&s, "ran docker ps", &["docker ps -a"]));
    assert!(!met(&s, "ran docker ps", &["docker images"]));
}

#[test]
fn images_share_the_layers_below_a_change() {
    let mut s = Session::new();
    s.done("docker pull toolbox");
    s.done("docker tag toolbox mine:1");
    assert!(met(&s, "image mine:1 shares 1 layer with toolbox", &[]));
    assert!(!met(&s, "image mine:1 shares 2 layers with toolbox", &[]));
    assert!(!met(&s, "image mine:1 shares 1 layer with nothing-here", &[]));
}

#[test]
fn a_file_missing_from_one_container_and_a_container_on_a_network() {
    let mut s = Session::new();
    s.run("docker run --name first hello-world", ExitStatus::Code(0), "hello\n");
    assert!(met(&s, "container first lacks file /diary.txt", &[]));
    assert!(!met(&s, "container first lacks file /hello", &[]), "the image's own file is there");
    assert!(!met(&s, "container nobody lacks file /diary.txt", &[]), "a container that is not there lacks nothing");

    assert!(!met(&s, "network shop exists", &[]));
    s.done("docker network create shop");
    assert!(met(&s, "network shop exists", &[]));
    assert!(met(&s, "network bridge exists", &[]));
    assert!(met(&s, "container first is on bridge", &[]));
    assert!(!met(&s, "container first is on shop", &[]));
    s.done("docker network connect shop first");
    assert!(met(&s, "container first is on shop", &[]));
    assert!(!met(&s, "container first is on nowhere", &[]));
}

#[test]
fn swarm_goals_are_checked_as_time_passes_between_commands() {
    let mut s = Session::new();
    s.done("docker swarm init");
    s.done("docker service create --name hi --replicas 2 hello-world");
    let goal = Goal::parse("service hi runs 2 replicas").unwrap_or_else(|e| panic!("{e}"));
    // No command has run since, so the swarm as the last command left it has nothing running...
    assert!(!goal.met(&s.engine, &[]));
    assert!(!goal.met_at(&s.engine, &[], s.now));
    // ...but a few seconds on its tasks run, with no command to advance it.
    let later = dockyard_engine::Timestamp(s.now.0 + 5_000_000_000);
    assert!(goal.met_at(&s.engine, &[], later));
    assert!(!goal.met(&s.engine, &[]), "checking at a time changes nothing in the engine");
    // Goals on anything else are checked as `met` checks them.
    assert!(
        Goal::parse("image hello-world is absent").unwrap().met_at(&s.engine, &[], later),
        "a service pulls nothing here"
    );
}
