//! Host mode under load and after failures: 20 sessions at once with 5 containers each, all
//! gone when they end; a session whose page went quiet, cleaned up after the grace period; and
//! a server killed mid-session, whose leftovers the next start removes.

use std::time::{Duration, Instant};

use crate::harness::{docker_host, Server};
use crate::host_api::{dockyard_objects, Api};

const SESSIONS: usize = 20;
const CONTAINERS: usize = 5;

#[test]
fn twenty_sessions_of_five_containers_leave_nothing_behind() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let started = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..SESSIONS)
            .map(|n| {
                let api = &api;
                scope.spawn(move || {
                    let session = api.open();
                    session.ok(&format!("docker volume create v{n}"));
                    for c in 0..CONTAINERS {
                        session.ok(&format!("docker run -d --name c{c} -v v{n}:/data busybox sleep 300"));
                    }
                    // Each session sees exactly its own five, by the names it gave them.
                    let ps = session.ok("docker ps");
                    let mut names: Vec<&str> = ps.lines().skip(1).filter_map(|l| l.split_whitespace().last()).collect();
                    names.sort();
                    assert_eq!(names, ["c0", "c1", "c2", "c3", "c4"], "session {n}: {ps}");
                    let (status, body) = session.close();
                    assert_eq!(status, 200, "{body}");
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("a session's worker");
        }
    });
    eprintln!("{SESSIONS} sessions x {CONTAINERS} containers, up and removed, in {:?}", started.elapsed());
    assert_eq!(dockyard_objects("dockyard.session"), Vec::<String>::new());
}

/// Waits until `pred` holds, for at most `secs`.
fn eventually(secs: u64, pred: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if pred() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    pred()
}

#[test]
fn a_quiet_session_is_cleaned_up_after_the_grace_period() {
    let server = Server::start_with(Some(&docker_host()), &[("DOCKYARD_HOST_GRACE", "3")]);
    let api = Api::new(&server);
    let quiet = api.open();
    let alive = api.open();
    quiet.ok("docker run -d busybox sleep 300");
    quiet.ok("docker network create n");
    alive.ok("docker run -d busybox sleep 300");
    let label = |s: &str| format!("dockyard.session={s}");
    // The live page keeps beating; the quiet one has gone away.
    let gone = eventually(15, || {
        assert_eq!(alive.heartbeat(), 204);
        dockyard_objects(&label(&quiet.id)).is_empty()
    });
    assert!(gone, "the quiet session's objects stayed: {:?}", dockyard_objects(&label(&quiet.id)));
    assert_eq!(dockyard_objects(&label(&alive.id)).len(), 1);
    let reply = quiet.run("docker ps");
    assert!(reply.stderr.starts_with("dockyard: refused by rule session: "), "{reply:?}");
    alive.close();
}

#[test]
fn leftovers_of_a_killed_server_go_at_the_next_start_and_a_stopped_one_leaves_none() {
    let host = docker_host();
    let mut first = Server::start(Some(&host));
    let api = Api::new(&first);
    let session = api.open();
    session.ok("docker run -d --name left busybox sleep 300");
    session.ok("docker volume create left");
    session.ok("docker network create left");
    let label = format!("dockyard.session={}", session.id);
    drop(api);
    // SIGKILL: the server gets no chance to clean up.
    first.stop();
    assert_eq!(dockyard_objects(&label).len(), 3, "the kill should leave the session's objects");
    let mut second = Server::start(Some(&host));
    assert_eq!(dockyard_objects(&label), Vec::<String>::new(), "the next start removes them");

    // A server stopped with SIGTERM removes its sessions' objects as it exits.
    let api = Api::new(&second);
    let session = api.open();
    session.ok("docker run -d busybox sleep 300");
    let label = format!("dockyard.session={}", session.id);
    drop(api);
    second.terminate();
    assert_eq!(dockyard_objects(&label), Vec::<String>::new());
}
