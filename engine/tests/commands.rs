//! The docker commands end to end through the engine's state machine, output compared with Docker's.
//!
//! The host's part (running the module) is played by the test: it reports the outcome a real run
//! would have. Real runs of the real `hello` program are in the server's and the browser's tests.

mod common;

use common::{Session, MODULE, T0};
use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::registry::Registry;
use dockyard_engine::{Engine, ExitStatus, Reply, Timestamp};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn first_run_pulls_then_launches_the_images_command() {
    let mut s = Session::new();
    let launch = s.launch("docker run hello-world");
    let stderr = &launch.before.stderr;
    assert!(
        stderr.starts_with(
            "Unable to find image 'hello-world:latest' locally\nlatest: Pulling from library/hello-world\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(": Pull complete\nDigest: sha256:"), "{stderr}");
    assert!(stderr.ends_with("Status: Downloaded newer image for hello-world:latest\n"), "{stderr}");
    assert_eq!(launch.process.args, ["/hello"]);
    assert_eq!(&*launch.process.module.0, MODULE);
    let hostname = format!("HOSTNAME={}", launch.process.container.short());
    assert_eq!(launch.process.env[0], builtin::DEFAULT_PATH);
    assert_eq!(launch.process.env[1], hostname);
    assert_eq!(launch.process.env.last().map(String::as_str), Some("HOME=/root"));
}

#[test]
fn second_run_finds_the_image_locally() {
    let mut s = Session::new();
    s.run("docker run hello-world", ExitStatus::Code(0), "hi");
    let launch = s.launch("docker run hello-world");
    assert_eq!(launch.before, Reply::default());
}

#[test]
fn exit_codes_and_states_show_in_ps() {
    let mut s = Session::new();
    let (launch, reply) = s.run("docker run --name first hello-world", ExitStatus::Code(3), "out");
    assert_eq!(reply.exit_code, 3);
    s.now = Timestamp::from_secs(T0 + 5);
    let ps = s.done("docker ps -a").stdout;
    let lines: Vec<&str> = ps.lines().collect();
    assert_eq!(
        lines[0],
        "CONTAINER ID   IMAGE         COMMAND    CREATED         STATUS                     PORTS     NAMES"
    );
    assert_eq!(
        lines[1],
        format!(
            "{}   hello-world   \"/hello\"   5 seconds ago   Exited (3) 5 seconds ago             first",
            launch.process.container.short()
        )
    );
    // Without -a, only running containers are listed: none.
    assert_eq!(s.done("docker ps").stdout.lines().count(), 1);
    assert_eq!(s.done("docker ps -aq").stdout, format!("{}\n", launch.process.container.short()));
}

#[test]
fn run_rm_removes_the_container_after_it_exits() {
    let mut s = Session::new();
    s.run("docker run --rm hello-world", ExitStatus::Code(0), "");
    assert_eq!(s.done("docker ps -aq").stdout, "");
}

#[test]
fn a_taken_name_is_a_conflict() {
    let mut s = Session::new();
    let (launch, _) = s.run("docker run --name web hello-world", ExitStatus::Code(0), "");
    let reply = s.done("docker run --name web hello-world");
    assert_eq!(reply.exit_code, 125);
    assert_eq!(
        reply.stderr,
        format!(
            "docker: Error response from daemon: Conflict. The container name \"/web\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.\n\nRun 'docker run --help' for more information\n",
            launch.process.container
        )
    );
}

#[test]
fn a_missing_command_fails_like_runc_and_leaves_a_created_container() {
    let mut s = Session::new();
    let reply = s.done("docker run hello-world nosuchcmd");
    assert_eq!(reply.exit_code, 127);
    assert!(reply.stderr.ends_with("docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"nosuchcmd\": executable file not found in $PATH: unknown\n\nRun 'docker run --help' for more information\n"), "{}", reply.stderr);
    assert!(s.done("docker ps -a").stdout.lines().nth(1).unwrap().contains("   Created   "));
    let reply = s.done("docker run --rm hello-world /nope");
    assert!(reply.stderr.contains("exec: \"/nope\": stat /nope: no such file or directory: unknown"));
    assert_eq!(s.done("docker ps -aq").stdout.lines().count(), 1);
}

#[test]
fn unknown_images_and_tags_are_refused_as_the_hub_refuses_them() {
    let mut s = Session::new();
    let reply = s.done("docker run nosuch");
    assert_eq!(reply.exit_code, 125);
    assert!(reply.stderr.contains("docker: Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n"));
    let reply = s.done("docker pull hello-world:v9");
    assert_eq!(
        reply.stderr,
        "Error response from daemon: manifest for hello-world:v9 not found: manifest unknown: manifest unknown\n"
    );
    let reply = s.done("docker pull Bad");
    assert_eq!(reply.stderr, "invalid reference format: repository name (library/Bad) must be lowercase\n");
    let reply = s.done("docker run example.com/app");
    assert!(reply.stderr.contains("dial tcp: lookup example.com: no such host"));
}

#[test]
fn pull_reports_progress_then_up_to_date() {
    let mut s = Session::new();
    let first = s.done("docker pull hello-world").stdout;
    assert!(first.starts_with("Using default tag: latest\nlatest: Pulling from library/hello-world\n"));
    assert!(first
        .ends_with("Status: Downloaded newer image for hello-world:latest\ndocker.io/library/hello-world:latest\n"));
    let second = s.done("docker pull hello-world:latest").stdout;
    assert!(second.contains(": Already exists\n"));
    assert!(second.contains("Status: Image is up to date for hello-world:latest\n"));
}

#[test]
fn images_lists_the_pulled_image() {
    let mut s = Session::new();
    assert_eq!(s.done("docker images").stdout, "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n");
    s.done("docker pull hello-world");
    let out = s.done("docker images").stdout;
    let row = out.lines().nth(1).unwrap();
    let id = s.engine.images().resolve("hello-world").unwrap().id;
    assert!(row.starts_with(&format!("hello-world   latest    {}   ", id.short())), "{row}");
    assert!(row.ends_with(" months ago   8B"), "{row}");
    assert_eq!(s.done("docker images -q").stdout, format!("{}\n", id.short()));
}

#[test]
fn rm_removes_by_name_and_refuses_unknown_names() {
    let mut s = Session::new();
    s.run("docker run --name gone hello-world", ExitStatus::Code(0), "");
    assert_eq!(s.done("docker rm gone"), Reply::out("gone\n"));
    let reply = s.done("docker rm gone");
    assert_eq!((reply.stderr.as_str(), reply.exit_code), ("Error response from daemon: No such container: gone\n", 1));
}

#[test]
fn a_running_container_cannot_be_removed_without_force() {
    let mut s = Session::new();
    let launch = s.launch("docker run --name busy hello-world");
    let reply = s.done("docker rm busy");
    assert_eq!(reply.exit_code, 1);
    assert!(reply.stderr.contains(&format!("You cannot remove a running container {}.", launch.process.container)));
    // Forced, the host kills the process first, then the container goes.
    assert_eq!(s.drive("docker rm -f busy", None).0.stdout, "busy\n");
    assert!(s.engine.find_container("busy").is_none());
}

#[test]
fn a_trap_is_a_crash_with_its_reason_kept() {
    let mut s = Session::new();
    let (launch, reply) = s.run("docker run hello-world", ExitStatus::Trap("unreachable executed".into()), "");
    assert_eq!(reply.exit_code, 134);
    assert!(reply.stderr.contains("unreachable executed"));
    let container = s.engine.find_container(launch.process.container.short()).unwrap();
    assert_eq!(container.state.error, "unreachable executed");
}

#[test]
fn state_survives_save_and_restore() {
    let mut s = Session::new();
    let (launch, _) = s.run("docker run --name keep hello-world", ExitStatus::Code(0), "hello\n");
    let busy = s.launch("docker run --name busy hello-world");
    let frozen = s.launch("docker run --name frozen hello-world");
    s.step("docker pause frozen");
    let saved = s.engine.save();
    let hub = builtin::docker_hub(&Programs::default().with("hello", MODULE)).unwrap();
    let restored = Engine::restore(&saved, hub, Timestamp::from_secs(T0 + 60)).unwrap();
    let keep = restored.find_container("keep").unwrap();
    assert_eq!(keep.id, launch.process.container);
    assert_eq!(keep.logs[0].text, "hello\n");
    assert!(restored.images().resolve("hello-world").is_some());
    // A process cannot outlive the engine that ran it.
    let busy = restored.find_container(busy.process.container.as_str()).unwrap();
    assert_eq!((busy.state.status.to_string().as_str(), busy.state.exit_code), ("exited", 137));
    let frozen = restored.find_container(frozen.process.container.as_str()).unwrap();
    assert_eq!(frozen.state.status.to_string(), "exited", "a paused process ended with its engine too");
    assert!(Engine::restore("{", Registry::default(), Timestamp(0)).is_err());
    let other = saved.replacen("\"version\":1", "\"version\":99", 1);
    let error = Engine::restore(&other, Registry::default(), Timestamp(0)).err().map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("saved state has version 99; this Dockyard reads version 1"));
}

/// Completion reads names from a real engine: what it pulled, ran and created, each where it fits.
#[test]
fn tab_completion_offers_the_engines_own_names() {
    use dockyard_engine::cli::complete::{complete, Names};
    let mut s = Session::new();
    let offer = |s: &Session, line: &str| complete(line, &Names::of(&s.engine)).candidates;
    assert_eq!(offer(&s, "docker run hel"), ["hello-world"], "the hub's images before any pull");
    assert!(offer(&s, "docker rmi hel").is_empty(), "nothing is local yet");
    s.done("docker volume create notes");
    s.done("docker create --name keeper toolbox");
    assert_eq!(offer(&s, "docker rmi tool"), ["toolbox"]);
    assert_eq!(offer(&s, "docker start ke"), ["keeper"]);
    assert!(offer(&s, "docker stop ke").is_empty(), "a created container is not running");
    assert_eq!(offer(&s, "docker run -v no"), ["notes:"]);
    assert_eq!(offer(&s, "docker inspect "), ["keeper", "notes", "toolbox"]);
}
