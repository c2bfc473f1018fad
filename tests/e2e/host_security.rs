//! Host mode's allowlist on the private Docker Engine: each forbidden request is refused by the
//! rule it breaks, nothing reaches the daemon, and one session cannot see or touch another's.

use crate::harness::{docker_host, Server};
use crate::host_api::{dockyard_objects, Api};

#[test]
fn each_forbidden_request_is_refused_by_its_rule() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    session.ok("docker volume create mine");
    let cases = [
        ("docker run --privileged busybox true", "no-privileged"),
        ("docker run --cap-add SYS_ADMIN busybox true", "no-added-capabilities"),
        ("docker run --cap-add=NET_ADMIN busybox true", "no-added-capabilities"),
        ("docker run --device /dev/sda busybox true", "no-devices"),
        ("docker run --pid host busybox true", "no-host-namespaces"),
        ("docker run --ipc=host busybox true", "no-host-namespaces"),
        ("docker run --uts host busybox true", "no-host-namespaces"),
        ("docker run --userns host busybox true", "no-host-namespaces"),
        ("docker run --security-opt seccomp=unconfined busybox true", "no-security-overrides"),
        ("docker run -v /:/host busybox true", "no-host-mounts"),
        ("docker run -v /var/run/docker.sock:/var/run/docker.sock busybox true", "no-host-mounts"),
        ("docker run -v ./here:/here busybox true", "no-host-mounts"),
        ("docker run --mount type=bind,source=/etc,target=/etc2 busybox true", "no-host-mounts"),
        ("docker run --volumes-from other busybox true", "no-host-mounts"),
        ("docker run --network host busybox true", "no-host-network"),
        ("docker run --network bridge busybox true", "dockyard-networks-only"),
        ("docker run --network container:abc busybox true", "no-host-namespaces"),
        ("docker run -p 8080:80 busybox true", "no-published-ports"),
        ("docker run -P busybox true", "no-published-ports"),
        ("docker run -m 4g busybox true", "resource-limits"),
        ("docker run --pids-limit -1 busybox true", "resource-limits"),
        ("docker run --restart always busybox true", "resource-limits"),
        ("docker run -it busybox sh", "no-terminal"),
        ("docker network create -d host h", "dockyard-networks-only"),
        ("docker create --privileged busybox", "no-privileged"),
    ];
    for (command, rule) in cases {
        let reply = session.run(command);
        let expected = format!("dockyard: refused by rule {rule}: ");
        assert!(reply.stderr.starts_with(&expected), "{command}: {reply:?}");
        assert_eq!(reply.exit_code, 125, "{command}: {reply:?}");
    }
    // Nothing but the volume reached the daemon.
    let left = dockyard_objects(&format!("dockyard.session={}", session.id));
    assert_eq!(left.len(), 1, "{left:?}");
    // exec is never privileged either.
    session.ok("docker run -d --name box busybox sleep 300");
    let reply = session.run("docker exec --privileged box true");
    assert!(reply.stderr.starts_with("dockyard: refused by rule no-privileged: "), "{reply:?}");
    session.close();
}

#[test]
fn a_session_sees_and_touches_only_its_own() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let alice = api.open();
    let mallory = api.open();
    let id = alice.ok("docker run -d --name secret busybox sleep 300");
    alice.ok("docker volume create private");
    alice.ok("docker network create inner");
    let daemon_name = format!("dy{}-secret", alice.id);
    // A label cannot move a container into another session.
    let forged = mallory.ok(&format!("docker run -d --label dockyard.session={} busybox sleep 300", alice.id));
    assert!(!alice.ok("docker ps -q --no-trunc").contains(forged.trim()));
    assert!(mallory.ok("docker ps -q --no-trunc").contains(forged.trim()));
    mallory.ok(&format!("docker rm -f {}", &forged[..12]));

    assert_eq!(mallory.ok("docker ps -aq"), "");
    assert_eq!(mallory.ok("docker volume ls -q"), "");
    assert!(!mallory.ok("docker network ls").contains("inner"));
    for reference in ["secret", &id[..12], id.trim(), daemon_name.as_str()] {
        for command in ["stop", "rm -f", "logs", "inspect", "exec {} true", "kill", "start"] {
            let command = match command.contains("{}") {
                true => format!("docker {}", command.replace("{}", reference)),
                false => format!("docker {command} {reference}"),
            };
            let reply = mallory.run(&command);
            assert_ne!(reply.exit_code, 0, "{command}: {reply:?}");
            assert!(!reply.stdout.contains(&id[..12]), "{command}: {reply:?}");
            // A name only Alice's session knows is simply not there; her container's id and
            // daemon-side name are refused by the rule.
            if reference != "secret" {
                assert!(reply.stderr.contains("refused by rule own-session-only"), "{command}: {reply:?}");
            }
        }
    }
    let reply = mallory.run(&format!("docker volume rm dy{}-private", alice.id));
    assert!(reply.stderr.contains("refused by rule own-session-only"), "{reply:?}");
    let reply = mallory.run(&format!("docker network rm dy{}-inner", alice.id));
    assert!(reply.stderr.contains("refused by rule own-session-only"), "{reply:?}");
    // Mallory's volume named like Alice's is Mallory's own, and another session's network is no
    // network of hers to join.
    mallory.ok("docker run --rm -v private:/p busybox sh -c 'test ! -e /p/x'");
    let reply = mallory.run("docker run --rm --network inner busybox true");
    assert!(reply.stderr.starts_with("dockyard: refused by rule dockyard-networks-only"), "{reply:?}");
    // Alice's container is untouched.
    assert!(alice.ok("docker ps").contains(" secret"));
    // A session id that was never handed out is refused.
    let stranger = crate::host_api::Session { api: &api, id: "0123456789ab".into() };
    let reply = stranger.run("docker ps");
    assert_eq!(reply.status, 200);
    assert!(reply.stderr.starts_with("dockyard: refused by rule session: "), "{reply:?}");
    alice.close();
    mallory.close();
    assert_eq!(dockyard_objects("dockyard.session"), Vec::<String>::new());
}

#[test]
fn a_session_has_quotas() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    for _ in 0..10 {
        session.ok("docker create busybox true");
    }
    let reply = session.run("docker run --rm busybox true");
    assert!(
        reply.stderr.starts_with("dockyard: refused by rule quota: a session has at most 10 containers"),
        "{reply:?}"
    );
    for name in ["a", "b", "c"] {
        session.ok(&format!("docker network create {name}"));
    }
    let reply = session.run("docker network create d");
    assert!(reply.stderr.starts_with("dockyard: refused by rule quota: "), "{reply:?}");
    session.close();
    assert_eq!(dockyard_objects(&format!("dockyard.session={}", session.id)), Vec::<String>::new());
}
