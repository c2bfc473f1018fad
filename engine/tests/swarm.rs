//! Swarm mode through the command line: init and join tokens, services spread over nodes, scaling,
//! a failed node's tasks rescheduled after the heartbeat timeout, drain, a rolling update that
//! keeps the service available, and a stack deployed from a Compose file.

mod common;

use common::Session;
use dockyard_engine::swarm::{Swarm, TaskState};
use dockyard_engine::{Ctx, Reply, Step, Timestamp};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const SECOND: u64 = 1_000_000_000;

const NOT_A_MANAGER: &str = "Error response from daemon: This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.\n";

fn ok(session: &mut Session, line: &str) -> Reply {
    let reply = session.done(line);
    assert_eq!(reply.exit_code, 0, "{line}: {}", reply.stderr);
    reply
}

/// A session whose Docker Hub has the `web` and `kv` images too.
fn session() -> Session {
    let mut s = Session::new();
    let programs = dockyard_engine::builtin::Programs::default()
        .with("hello", common::MODULE)
        .with("toolbox", common::TOOLBOX)
        .with("web", common::MODULE)
        .with("kv", common::MODULE);
    s.engine = dockyard_engine::Engine::new(dockyard_engine::builtin::docker_hub(&programs).unwrap());
    s
}

/// A swarm of this node and two simulated workers.
fn three_nodes() -> Session {
    let mut s = session();
    ok(&mut s, "docker swarm init");
    ok(&mut s, "docker node add worker1");
    ok(&mut s, "docker node add worker2");
    s
}

fn swarm(s: &Session) -> &Swarm {
    s.engine.swarm().expect("a swarm")
}

/// Lets `secs` seconds pass, one at a time, as the page's clock would, running `each` after
/// every second.
fn wait(s: &mut Session, secs: u64, mut each: impl FnMut(&mut Session)) {
    for _ in 0..secs {
        s.advance(SECOND);
        s.engine.advance_swarm(s.now);
        each(s);
    }
}

/// Running tasks of the service named `name`, per node hostname.
fn running_per_node(s: &Session, name: &str) -> Vec<(String, usize)> {
    let swarm = swarm(s);
    let service = swarm.find_service(name).expect("the service");
    let mut nodes: Vec<(String, usize)> = swarm
        .nodes
        .iter()
        .map(|n| {
            let count = swarm
                .tasks_of(&service.id)
                .filter(|t| t.node.as_ref() == Some(&n.id))
                .filter(|t| t.state == TaskState::Running && t.desired == TaskState::Running)
                .count();
            (n.hostname.clone(), count)
        })
        .collect();
    nodes.sort();
    nodes
}

fn running(s: &Session, name: &str) -> usize {
    let swarm = swarm(s);
    swarm.running(&swarm.find_service(name).expect("the service").id)
}

#[test]
fn init_prints_the_join_command_and_tokens_answer_by_role() {
    let mut s = Session::new();
    let reply = s.done("docker node ls");
    assert_eq!((reply.stderr.as_str(), reply.exit_code), (NOT_A_MANAGER, 1));
    assert_eq!(s.done("docker service ls").stderr, NOT_A_MANAGER);
    assert_eq!(s.done("docker swarm join-token worker").stderr, NOT_A_MANAGER);
    assert_eq!(s.done("docker swarm leave").stderr, "Error response from daemon: This node is not part of a swarm\n");

    let out = ok(&mut s, "docker swarm init").stdout;
    let node = swarm(&s).nodes[0].id.to_string();
    let worker = swarm(&s).worker_token.clone();
    assert_eq!(
        out,
        format!(
            "Swarm initialized: current node ({node}) is now a manager.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token {worker} 192.168.65.3:2377\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n"
        )
    );
    assert!(worker.starts_with("SWMTKN-1-") && worker.len() == "SWMTKN-1-".len() + 50 + 1 + 25);
    let manager = swarm(&s).manager_token.clone();
    assert_ne!(worker, manager);
    assert_eq!(worker[..59], manager[..59], "both tokens carry the same CA digest");
    assert_eq!(ok(&mut s, "docker swarm join-token -q manager").stdout, format!("{manager}\n"));
    assert!(ok(&mut s, "docker swarm join-token manager").stdout.starts_with(
        "To add a manager to this swarm, run the following command:\n\n    docker swarm join --token SWMTKN-1-"
    ));
    assert_eq!(s.done("docker swarm join-token boss").stderr, "unknown role boss\n");
    let rotated = ok(&mut s, "docker swarm join-token --rotate worker").stdout;
    assert!(rotated.starts_with("Successfully rotated worker join token.\n\nTo add a worker"), "{rotated}");
    let fresh = swarm(&s).worker_token.clone();
    assert_ne!(fresh, worker);
    assert_eq!(fresh[..59], worker[..59], "a rotation keeps the CA digest");
    assert!(s.done("docker swarm init").stderr.contains("This node is already part of a swarm."));

    let table = ok(&mut s, "docker node ls").stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID ") && lines[0].contains("MANAGER STATUS   ENGINE VERSION"));
    assert!(lines[1].starts_with(&format!("{node} *   dockyard   Ready     Active         Leader ")), "{table}");

    assert!(s.done("docker swarm leave").stderr.contains("Use `--force` to ignore this message."));
    assert_eq!(ok(&mut s, "docker swarm leave --force").stdout, "Node left the swarm.\n");
    assert_eq!(s.done("docker node ls").stderr, NOT_A_MANAGER);
}

#[test]
fn a_service_spreads_its_replicas_over_the_nodes() {
    let mut s = three_nodes();
    let id = ok(&mut s, "docker service create --name web --replicas 6 -p 8080:80 web").stdout;
    assert_eq!(id.trim().len(), 25);
    assert_eq!(running(&s, "web"), 0, "tasks take a moment to start");
    assert!(ok(&mut s, "docker service ls").stdout.contains("replicated   0/6        web:latest   *:8080->80/tcp"));
    wait(&mut s, 3, |_| {});
    assert_eq!(
        running_per_node(&s, "web"),
        [("dockyard".to_string(), 2), ("worker1".into(), 2), ("worker2".into(), 2)]
    );
    let ls = ok(&mut s, "docker service ls").stdout;
    assert!(ls.contains("web       replicated   6/6"), "{ls}");
    let ps = ok(&mut s, "docker service ps web").stdout;
    let lines: Vec<&str> = ps.lines().collect();
    assert_eq!(
        lines[0],
        "ID             NAME      IMAGE        NODE       DESIRED STATE   CURRENT STATE          ERROR     PORTS"
    );
    assert_eq!(lines.len(), 7);
    assert!(lines[1].contains(" web.1 ") && lines[1].contains("Running         Running 1 second ago"), "{ps}");
    assert!(s.done("docker service create --name web web").stderr.contains("service web already exists"));
    assert!(s
        .done("docker service create --name other -p 8080:80 web")
        .stderr
        .contains("port '8080' is already in use"));
    assert_eq!(s.done("docker service ps nosuch").stderr, "no such service: nosuch\n");
}

#[test]
fn scaling_adds_and_removes_replicas() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name web --replicas 2 web");
    wait(&mut s, 3, |_| {});
    assert_eq!(ok(&mut s, "docker service scale web=5").stdout, "web scaled to 5\n");
    wait(&mut s, 3, |_| {});
    assert_eq!(running(&s, "web"), 5);
    let per_node: Vec<usize> = running_per_node(&s, "web").into_iter().map(|(_, n)| n).collect();
    assert!(per_node.iter().all(|n| (1..=2).contains(n)), "{per_node:?}");
    ok(&mut s, "docker service scale web=1");
    assert_eq!(running(&s, "web"), 1, "scaling down is at once");
    let reply = s.done("docker service scale web");
    assert!(reply.stderr.starts_with("Invalid scale specifier 'web'."));
    let reply = s.done("docker service scale nosuch=2");
    assert_eq!((reply.stderr.as_str(), reply.exit_code), ("Error: No such service: nosuch\n", 1));
    let reply = s.done("docker service scale web=x");
    assert!(reply.stderr.starts_with("invalid replicas value x"));
}

#[test]
fn a_failed_nodes_tasks_are_rescheduled_after_the_heartbeat_timeout() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name web --replicas 6 web");
    wait(&mut s, 3, |_| {});
    let out = ok(&mut s, "docker node down worker1").stdout;
    assert!(out.starts_with("worker1\n"));
    // Until the heartbeats time out, the manager believes the node's tasks run.
    wait(&mut s, 10, |s| assert_eq!(running(s, "web"), 6));
    assert!(ok(&mut s, "docker node ls").stdout.contains("worker1    Ready"));
    wait(&mut s, 5, |_| {});
    assert!(ok(&mut s, "docker node ls").stdout.contains("worker1    Down"));
    wait(&mut s, 3, |_| {});
    assert_eq!(running(&s, "web"), 6, "the replicas are restored");
    assert_eq!(
        running_per_node(&s, "web"),
        [("dockyard".to_string(), 3), ("worker1".into(), 0), ("worker2".into(), 3)]
    );
    // The lost tasks show as history: desired shutdown, their last known state running.
    let ps = ok(&mut s, "docker service ps web").stdout;
    assert_eq!(ps.lines().filter(|l| l.contains(" \\_ web.")).count(), 2, "{ps}");
    assert!(ps.lines().any(|l| l.contains("worker1") && l.contains("Shutdown        Running")), "{ps}");
    // The node comes back empty: Swarm does not move tasks back.
    ok(&mut s, "docker node up worker1");
    assert!(ok(&mut s, "docker node ls").stdout.contains("worker1    Ready"));
    assert_eq!(running_per_node(&s, "web")[1], ("worker1".to_string(), 0));
    let reply = s.done("docker node rm worker2");
    assert!(reply.stderr.contains("is not down and can't be removed"), "{}", reply.stderr);
    assert_eq!(ok(&mut s, "docker node rm --force worker2").stdout, "worker2\n");
    wait(&mut s, 3, |_| {});
    assert_eq!(running(&s, "web"), 6);
}

#[test]
fn draining_a_node_moves_its_tasks() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name web --replicas 3 web");
    wait(&mut s, 3, |_| {});
    assert_eq!(ok(&mut s, "docker node update --availability drain worker2").stdout, "worker2\n");
    assert!(ok(&mut s, "docker node ls").stdout.contains("worker2    Ready     Drain"));
    assert_eq!(running(&s, "web"), 2);
    wait(&mut s, 3, |_| {});
    assert_eq!(
        running_per_node(&s, "web"),
        [("dockyard".to_string(), 2), ("worker1".into(), 1), ("worker2".into(), 0)]
    );
    let reply = s.done("docker node update --availability sleepy worker2");
    assert!(reply.stderr.contains("invalid availability: sleepy"));
    assert_eq!(s.done("docker node update --availability active nosuch").stderr, "Error: No such node: nosuch\n");
}

#[test]
fn a_rolling_update_replaces_one_task_at_a_time_and_stays_available() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name web --replicas 3 --update-parallelism 1 --update-delay 10s web:1");
    wait(&mut s, 3, |_| {});
    assert_eq!(ok(&mut s, "docker service update --image web:latest web").stdout, "web\n");
    let mut seen_updated = Vec::new();
    wait(&mut s, 40, |s| {
        assert!(running(s, "web") >= 2, "never below replicas - parallelism");
        let swarm = swarm(s);
        let updated =
            swarm.tasks.iter().filter(|t| t.desired == TaskState::Running && t.spec.image == "web:latest").count();
        seen_updated.push(updated);
    });
    // One more task is replaced every batch: 1, then 2, then 3, with no jump.
    assert!(seen_updated.windows(2).all(|w| w[1] <= w[0] + 1), "{seen_updated:?}");
    assert_eq!(seen_updated.last(), Some(&3));
    assert_eq!(running(&s, "web"), 3);
    let ps = ok(&mut s, "docker service ps web").stdout;
    let history: Vec<&str> = ps.lines().filter(|l| l.contains(" \\_ web.")).collect();
    assert_eq!(history.len(), 3, "{ps}");
    assert!(history.iter().all(|l| l.contains("web:1") && l.contains("Shutdown        Shutdown")), "{ps}");
    let inspect = ok(&mut s, "docker service inspect -f '{{.UpdateStatus.State}}' web").stdout;
    assert_eq!(inspect, "completed\n");
}

#[test]
fn a_start_first_update_keeps_every_replica_running() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name web --replicas 3 --update-order start-first web:1");
    wait(&mut s, 3, |_| {});
    ok(&mut s, "docker service update --image web:latest --update-parallelism 2 web");
    wait(&mut s, 20, |s| assert_eq!(running(s, "web"), 3));
    let swarm = swarm(&s);
    assert!(swarm.tasks.iter().filter(|t| t.desired == TaskState::Running).all(|t| t.spec.image == "web:latest"));
}

#[test]
fn a_global_service_runs_once_on_every_node() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name agent --mode global toolbox");
    wait(&mut s, 3, |_| {});
    assert_eq!(running_per_node(&s, "agent").iter().map(|(_, n)| *n).collect::<Vec<_>>(), [1, 1, 1]);
    ok(&mut s, "docker node add worker3");
    wait(&mut s, 3, |_| {});
    assert_eq!(running(&s, "agent"), 4);
    assert!(s.done("docker service scale agent=2").stderr.contains("scale can only be used with replicated"));
}

/// Plays the host's part for `docker stack deploy`: reads the file from `files`.
fn deploy(s: &mut Session, line: &str, files: &[(&str, &str)]) -> Reply {
    let Step::Read { path, then } = s.step(line) else { panic!("{line} reads no file") };
    let read = files.iter().find(|(p, _)| *p == path).map(|(_, text)| text.as_bytes().to_vec());
    let read = read.ok_or(format!("open {path}: no such file or directory"));
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    match s.engine.read_done(then, read, &mut ctx) {
        Step::Done(reply) => reply,
        other => panic!("{line} did not finish: {other:?}"),
    }
}

#[test]
fn a_stack_deploys_a_compose_files_services() {
    let mut s = three_nodes();
    let compose = "services:\n  web:\n    image: web\n    ports:\n      - \"8080:80\"\n    deploy:\n      replicas: 3\n  kv:\n    image: kv\n    environment:\n      MODE: demo\n";
    let reply = deploy(&mut s, "docker stack deploy -c compose.yaml shop", &[("compose.yaml", compose)]);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert_eq!(reply.stdout, "Creating network shop_default\nCreating service shop_kv\nCreating service shop_web\n");
    wait(&mut s, 3, |_| {});
    assert_eq!(running(&s, "shop_web"), 3);
    assert_eq!(running(&s, "shop_kv"), 1);
    let ls = ok(&mut s, "docker stack ls").stdout;
    assert_eq!(ls, "NAME      SERVICES   ORCHESTRATOR\nshop      2          Swarm\n");
    let services = ok(&mut s, "docker stack services shop").stdout;
    assert!(services.contains("shop_web") && services.contains("3/3") && services.contains("*:8080->80/tcp"));
    assert_eq!(ok(&mut s, "docker stack ps shop").stdout.lines().count(), 5);
    // Deploying again updates what is there.
    let reply = deploy(&mut s, "docker stack deploy -c compose.yaml shop", &[("compose.yaml", compose)]);
    assert!(reply.stdout.starts_with("Updating service shop_kv (id: "), "{}", reply.stdout);
    let missing = deploy(&mut s, "docker stack deploy -c nosuch.yaml shop", &[]);
    assert_eq!(missing.stderr, "open nosuch.yaml: no such file or directory\n");
    let bad = deploy(&mut s, "docker stack deploy -c bad.yaml shop", &[("bad.yaml", "services:\n  web: [\n")]);
    assert!(bad.stderr.starts_with("yaml: line"), "{}", bad.stderr);
    assert_eq!(
        ok(&mut s, "docker stack rm shop").stdout,
        "Removing service shop_kv\nRemoving service shop_web\nRemoving network shop_default\n"
    );
    assert!(swarm(&s).services.is_empty());
    assert_eq!(s.done("docker stack ps shop").stderr, "nothing found in stack: shop\n");
}

#[test]
fn stack_deploy_needs_a_swarm_and_a_file() {
    let mut s = Session::new();
    assert_eq!(s.done("docker stack deploy -c x.yaml app").stderr, NOT_A_MANAGER);
    ok(&mut s, "docker swarm init");
    assert_eq!(s.done("docker stack deploy app").stderr, "Please specify a Compose file (with --compose-file).\n");
}

#[test]
fn the_swarm_is_saved_and_restored() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name web --replicas 3 web");
    wait(&mut s, 3, |_| {});
    let saved = s.engine.save();
    let hub = dockyard_engine::builtin::docker_hub(
        &dockyard_engine::builtin::Programs::default().with("hello", common::MODULE),
    )
    .unwrap();
    let restored = dockyard_engine::Engine::restore(&saved, hub, Timestamp(s.now.0 + SECOND)).unwrap();
    assert_eq!(restored.swarm(), s.engine.swarm());
}

#[test]
fn an_image_no_node_can_find_rejects_its_tasks_and_pauses_an_update() {
    let mut s = three_nodes();
    let reply = ok(&mut s, "docker service create --name ghost nosuch");
    assert_eq!(
        reply.stderr,
        "image nosuch:latest could not be accessed on a registry to record\nits digest. Each node will access nosuch:latest independently,\npossibly leading to different nodes running different\nversions of the image.\n\n"
    );
    wait(&mut s, 12, |s| assert_eq!(running(s, "ghost"), 0));
    let ps = ok(&mut s, "docker service ps --no-trunc ghost").stdout;
    let lines: Vec<&str> = ps.lines().collect();
    // Rejected at 0.5 s, again 5 s later, and again: three tasks, the newest first.
    assert_eq!(lines.len(), 4, "{ps}");
    assert!(lines[2].contains(" \\_ ghost.1") && lines[2].contains("Shutdown        Rejected"), "{ps}");
    assert!(lines[2].contains("\"No such image: nosuch:latest\""), "{ps}");

    ok(&mut s, "docker service create --name web --replicas 2 web");
    wait(&mut s, 3, |_| {});
    ok(&mut s, "docker service update --image nosuch:2 web");
    wait(&mut s, 10, |_| {});
    assert_eq!(running(&s, "web"), 1, "the first replacement failed and the update stopped there");
    let state = ok(&mut s, "docker service inspect -f '{{.UpdateStatus.State}}: {{.UpdateStatus.Message}}' web").stdout;
    assert!(state.starts_with("paused: update paused due to failure or early termination of task "), "{state}");
}

#[test]
fn lesson_goals_read_the_swarm() {
    use dockyard_engine::goal::Goal;
    let met = |s: &Session, line: &str| Goal::parse(line).unwrap().met(&s.engine, &[]);
    let mut s = session();
    assert!(!met(&s, "swarm is active"));
    ok(&mut s, "docker swarm init");
    ok(&mut s, "docker node add worker1");
    assert!(met(&s, "swarm is active") && met(&s, "node worker1 is ready") && met(&s, "node worker1 is active"));
    ok(&mut s, "docker service create --name web --replicas 2 web:1");
    assert!(!met(&s, "service web runs 2 replicas"), "not yet started");
    wait(&mut s, 3, |_| {});
    assert!(met(&s, "service web runs 2 replicas") && met(&s, "service web runs image web:1"));
    assert!(!met(&s, "service web runs image web"));
    ok(&mut s, "docker node update --availability drain worker1");
    assert!(met(&s, "node worker1 is drained") && !met(&s, "node worker1 is down"));
    assert!(!met(&s, "stack shop has 1 service"));
}

#[test]
fn a_rollback_brings_the_previous_image_back_and_filters_pick_tasks() {
    let mut s = three_nodes();
    ok(&mut s, "docker service create --name web --replicas 2 web:1");
    wait(&mut s, 3, |_| {});
    let reply = s.done("docker service rollback web");
    assert!(reply.stderr.contains("does not have a previous spec"), "{}", reply.stderr);
    ok(&mut s, "docker service update --image web:latest web");
    wait(&mut s, 10, |_| {});
    assert_eq!(ok(&mut s, "docker service rollback web").stdout, "web\n");
    wait(&mut s, 10, |s| assert!(running(s, "web") >= 1));
    let state = ok(
        &mut s,
        "docker service inspect -f '{{.UpdateStatus.State}} {{.Spec.TaskTemplate.ContainerSpec.Image}}' web",
    );
    assert_eq!(state.stdout, "rollback_completed web:1\n");
    let running_only = ok(&mut s, "docker service ps -q -f desired-state=running web").stdout;
    assert_eq!(running_only.lines().count(), 2);
    let all = ok(&mut s, "docker service ps -q web").stdout;
    assert_eq!(all.lines().count(), 6, "each slot: web:1, web:latest, web:1 again");
    let on_worker = ok(&mut s, "docker node ps -f desired-state=running worker1").stdout;
    assert!(on_worker.lines().skip(1).all(|l| l.contains("worker1")));
    assert_eq!(
        s.done("docker service ps -f colour=red web").stderr,
        "Error response from daemon: invalid filter 'colour'\n"
    );
    // `update --rollback` swaps back again.
    assert_eq!(ok(&mut s, "docker service update --rollback web").stdout, "web\n");
    wait(&mut s, 10, |_| {});
    let image = ok(&mut s, "docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' web").stdout;
    assert_eq!(image, "web:latest\n");
}

#[test]
fn swarm_mode_has_overlay_networks_that_services_own() {
    let mut s = session();
    ok(&mut s, "docker swarm init");
    let ls = ok(&mut s, "docker network ls --format '{{.Name}} {{.Driver}} {{.Scope}}'").stdout;
    assert_eq!(
        ls,
        "bridge bridge local\ndocker_gwbridge bridge local\nhost host local\ningress overlay swarm\nnone null local\n"
    );
    let ingress: serde_json::Value =
        serde_json::from_str(&ok(&mut s, "docker network inspect ingress").stdout).expect("inspect's JSON");
    assert_eq!(ingress[0]["Ingress"], true);
    assert_eq!(ingress[0]["IPAM"]["Config"][0]["Subnet"], "10.0.0.0/24");
    // A stack's network is an overlay network while the stack is there.
    let compose = "services:\n  web:\n    image: web\n";
    deploy(&mut s, "docker stack deploy -c compose.yaml shop", &[("compose.yaml", compose)]);
    let shop = ok(&mut s, "docker network ls --filter scope=swarm --format '{{.Name}} {{.Labels}}'").stdout;
    assert_eq!(shop, "ingress \nshop_default com.docker.stack.namespace=shop\n");
    // A container may join an overlay network only when it was made attachable.
    let refused = s.done("docker run -d --network shop_default toolbox sleep 9");
    assert!(refused.stderr.contains("network shop_default not manually attachable"), "{}", refused.stderr);
    ok(&mut s, "docker network create -d overlay --attachable shared");
    let subnet = ok(&mut s, "docker network inspect -f '{{(index .IPAM.Config 0).Subnet}}' shared").stdout;
    assert_eq!(subnet, "10.0.2.0/24\n", "the next /24 of the overlay pool");
    ok(&mut s, "docker stack rm shop");
    assert!(s.done("docker network inspect shop_default").exit_code != 0, "the stack's network went with it");
    // Pruning leaves swarm mode's own networks; leaving the swarm takes them all.
    s.done("docker network prune -f");
    assert!(ok(&mut s, "docker network ls -q -f name=ingress").stdout.lines().count() == 1);
    ok(&mut s, "docker swarm leave -f");
    let left = ok(&mut s, "docker network ls --format '{{.Name}}'").stdout;
    assert_eq!(left, "bridge\nhost\nnone\n");
    let outside = s.done("docker network create -d overlay solo");
    assert!(outside.stderr.contains("This node is not a swarm manager"), "{}", outside.stderr);
}
