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
