//! `docker network`: the predefined networks, user-defined ones with name resolution between
//! their containers, isolation between networks, and every command's output and errors as
//! Docker 20.10 prints them.

mod common;

use common::{Session, T0};
use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::cli::Command;
use dockyard_engine::container::ContainerId;
use dockyard_engine::net::{Endpoint, NetConfig};
use dockyard_engine::wasi::Errno;
use dockyard_engine::{Ctx, Engine, Step, Timestamp};
use serde_json::Value;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Runs `line` (a `run -d`) and returns the network its process was given.
fn spawn(s: &mut Session, line: &str) -> (ContainerId, NetConfig) {
    match s.step(line) {
        Step::Spawn { mut processes, reply } => {
            assert_eq!(reply.exit_code, 0, "{line}: {reply:?}");
            let process = processes.remove(0);
            s.running.push((process.container.clone(), None));
            (process.container, process.net)
        }
        other => panic!("{line} spawned nothing: {other:?}"),
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn id_of(s: &Session, name: &str) -> ContainerId {
    s.engine.find_container(name).unwrap().id.clone()
}

#[test]
fn every_engine_has_bridge_host_and_none() {
    let mut s = Session::new();
    let ls = s.done("docker network ls").stdout;
    let rows: Vec<Vec<&str>> = ls.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[0], ["NETWORK", "ID", "NAME", "DRIVER", "SCOPE"]);
    let named: Vec<(&str, &str, &str)> = rows[1..].iter().map(|r| (r[1], r[2], r[3])).collect();
    assert_eq!(named, [("bridge", "bridge", "local"), ("host", "host", "local"), ("none", "null", "local")]);
    assert!(rows[1..].iter().all(|r| r[0].len() == 12));
    let bridge = json(&s.done("docker network inspect bridge").stdout);
    assert_eq!(bridge[0]["IPAM"]["Config"][0]["Subnet"], "172.17.0.0/16");
    assert_eq!(bridge[0]["Options"]["com.docker.network.bridge.default_bridge"], "true");
    assert_eq!(bridge[0]["Created"], Timestamp::from_secs(T0).rfc3339());
    let rm = s.done("docker network rm bridge none");
    assert_eq!(
        rm.stderr,
        "Error response from daemon: bridge is a pre-defined network and cannot be removed\n\
         Error response from daemon: none is a pre-defined network and cannot be removed\n"
    );
    assert_eq!(rm.exit_code, 1);
}

#[test]
fn create_allocates_subnets_as_docker_does_and_inspect_shows_them() {
    let mut s = Session::new();
    let id = s.done("docker network create front").stdout;
    assert_eq!(id.trim().len(), 64, "{id}");
    assert!(id.trim().chars().all(|c| c.is_ascii_hexdigit()));
    s.done("docker network create back");
    let made = s.done("docker network create --internal --label tier=db --subnet 10.9.0.0/24 vault");
    assert_eq!(made.exit_code, 0, "{made:?}");
    let all = json(&s.done("docker network inspect front back vault").stdout);
    assert_eq!(all[0]["Name"], "front");
    assert_eq!(all[0]["Id"], id.trim());
    assert_eq!(all[0]["Driver"], "bridge");
    assert_eq!(all[0]["Scope"], "local");
    assert_eq!(all[0]["IPAM"]["Config"][0], serde_json::json!({ "Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1" }));
    assert_eq!(all[1]["IPAM"]["Config"][0]["Subnet"], "172.19.0.0/16");
    assert_eq!(all[2]["IPAM"]["Config"][0], serde_json::json!({ "Subnet": "10.9.0.0/24" }), "a given subnet, as given");
    assert_eq!((all[2]["Internal"].clone(), all[2]["Labels"]["tier"].clone()), (Value::from(true), Value::from("db")));
    assert_eq!(all[0]["Containers"], serde_json::json!({}));
    let keys: Vec<&str> = all[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "Name",
            "Id",
            "Created",
            "Scope",
            "Driver",
            "EnableIPv6",
            "IPAM",
            "Internal",
            "Attachable",
            "Ingress",
            "ConfigFrom",
            "ConfigOnly",
            "Containers",
            "Options",
            "Labels"
        ]
    );
    assert_eq!(s.done("docker network inspect -f '{{.Name}} {{.Internal}}' vault").stdout, "vault true\n");
    assert_eq!(s.done("docker inspect --type network -f '{{.Driver}}' front").stdout, "bridge\n");
}

#[test]
fn create_refuses_what_docker_refuses() {
    let mut s = Session::new();
    s.done("docker network create front");
    let cases = [
        ("docker network create front", "Error response from daemon: network with name front already exists\n"),
        (
            "docker network create -d host h",
            "Error response from daemon: only one instance of \"host\" network is allowed\n",
        ),
        (
            "docker network create -d null n",
            "Error response from daemon: only one instance of \"null\" network is allowed\n",
        ),
        ("docker network create -d foo x", "Error response from daemon: plugin \"foo\" not found\n"),
        (
            "docker network create --subnet bad x",
            "Error response from daemon: Invalid subnet bad : invalid CIDR address: bad\n",
        ),
        (
            "docker network create --subnet 172.18.5.0/24 x",
            "Error response from daemon: Pool overlaps with other one on this address space\n",
        ),
        ("docker network create --gateway 10.0.0.1 x", "every ip-range or gateway must have a corresponding subnet\n"),
    ];
    for (line, stderr) in cases {
        let reply = s.done(line);
        assert_eq!((reply.stderr.as_str(), reply.exit_code), (stderr, 1), "{line}");
    }
    let usage = s.done("docker network create");
    assert!(usage.stderr.starts_with("\"docker network create\" requires exactly 1 argument."), "{}", usage.stderr);
    assert_eq!(usage.exit_code, 125);
    assert!(s.done("docker network create --help").stdout.contains("Usage:  docker network create [OPTIONS] NETWORK"));
    let gw = s.done("docker network create --subnet 10.1.0.0/16 --gateway 10.1.0.254 custom");
    assert_eq!(gw.exit_code, 0, "{gw:?}");
    let inspect = json(&s.done("docker network inspect custom").stdout);
    assert_eq!(inspect[0]["IPAM"]["Config"][0]["Gateway"], "10.1.0.254");
}

#[test]
fn ls_filters_quiet_no_trunc_and_format() {
    let mut s = Session::new();
    let front = s.done("docker network create --label env=dev front").stdout.trim().to_string();
    s.done("docker network create back");
    let names = |s: &mut Session, line: &str| -> Vec<String> {
        s.done(line).stdout.lines().skip(1).map(|l| l.split_whitespace().nth(1).unwrap().to_string()).collect()
    };
    assert_eq!(names(&mut s, "docker network ls"), ["back", "bridge", "front", "host", "none"]);
    assert_eq!(names(&mut s, "docker network ls --filter type=custom"), ["back", "front"]);
    assert_eq!(names(&mut s, "docker network ls -f driver=bridge"), ["back", "bridge", "front"]);
    assert_eq!(names(&mut s, "docker network ls -f label=env=dev"), ["front"]);
    assert_eq!(names(&mut s, "docker network ls -f name=ro"), ["front"]);
    assert_eq!(names(&mut s, "docker network ls -f dangling=true"), ["back", "front"]);
    assert_eq!(s.done(&format!("docker network ls -q -f id={}", &front[..5])).stdout, format!("{}\n", &front[..12]));
    assert!(s.done("docker network ls --no-trunc").stdout.contains(&front));
    assert_eq!(
        s.done("docker network ls --format '{{.Name}}\\t{{.Driver}}' -f type=custom").stdout,
        "back\tbridge\nfront\tbridge\n"
    );
    let table = s.done("docker network ls --format 'table {{.Name}}\\t{{.Internal}}' -f name=front").stdout;
    assert_eq!(table, "NAME      INTERNAL\nfront     false\n");
    let bad = s.done("docker network ls -f foo=bar");
    assert_eq!((bad.stderr.as_str(), bad.exit_code), ("Error response from daemon: Invalid filter 'foo'\n", 1));
}

#[test]
fn containers_on_a_network_get_addresses_endpoints_and_aliases() {
    let mut s = Session::new();
    s.done("docker network create front");
    spawn(&mut s, "docker run -d --name web --network front --network-alias site toolbox sleep 100");
    spawn(&mut s, "docker run -d --name api --network front toolbox sleep 100");
    let web = id_of(&s, "web");
    let inspect = json(&s.done("docker inspect web").stdout);
    let settings = &inspect[0]["NetworkSettings"];
    let front = &settings["Networks"]["front"];
    assert_eq!(front["IPAddress"], "172.18.0.2");
    assert_eq!(front["IPPrefixLen"], 16);
    assert_eq!(front["Gateway"], "172.18.0.1");
    assert_eq!(front["MacAddress"], "02:42:ac:12:00:02");
    assert_eq!(front["Aliases"], serde_json::json!(["site", web.short()]));
    assert_eq!(front["EndpointID"].as_str().unwrap().len(), 64);
    assert_eq!(settings["IPAddress"], "", "the top-level fields are the default bridge's");
    assert_eq!(inspect[0]["HostConfig"]["NetworkMode"], "front");
    assert_eq!(s.done("docker inspect -f '{{.NetworkSettings.Networks.front.IPAddress}}' api").stdout, "172.18.0.3\n");
    assert_eq!(s.done("docker ps --filter network=front --format '{{.Names}}'").stdout, "api\nweb\n");
    assert_eq!(s.done("docker ps --filter network=bridge -q").stdout, "");
    let network = json(&s.done("docker network inspect front").stdout);
    let endpoint = &network[0]["Containers"][web.as_str()];
    assert_eq!(endpoint["Name"], "web");
    assert_eq!(endpoint["IPv4Address"], "172.18.0.2/16");
    assert_eq!(endpoint["MacAddress"], "02:42:ac:12:00:02");
    // A container on the default bridge has its address at the top level too.
    spawn(&mut s, "docker run -d --name plain toolbox sleep 100");
    let plain = json(&s.done("docker inspect plain").stdout);
    assert_eq!(plain[0]["NetworkSettings"]["IPAddress"], "172.17.0.2");
    assert_eq!(plain[0]["NetworkSettings"]["Networks"]["bridge"]["Aliases"], Value::Null);
    // Stopped, a container keeps its network but shows no address, as Docker shows it.
    s.drive("docker stop web", None);
    let stopped = json(&s.done("docker inspect web").stdout);
    assert_eq!(stopped[0]["NetworkSettings"]["Networks"]["front"]["IPAddress"], "");
    let network = json(&s.done("docker network inspect front").stdout);
    assert!(network[0]["Containers"].get(web.as_str()).is_none(), "only live endpoints are listed");
}

#[test]
fn names_resolve_on_a_shared_user_defined_network_only() {
    let mut s = Session::new();
    s.done("docker network create front");
    s.done("docker network create back");
    let (web, _) = spawn(&mut s, "docker run -d --name web --network front --network-alias site toolbox sleep 100");
    let (db, _) = spawn(&mut s, "docker run -d --name db --network back toolbox sleep 100");
    let (_, client) = spawn(&mut s, "docker run -d --name client --network front toolbox sleep 100");
    for host in ["web", "site", web.short(), "172.18.0.2", "WEB"] {
        assert_eq!(client.resolve(host, 80), Ok(Endpoint { container: web.clone(), port: 80 }), "{host}");
    }
    // db is on another network: its name does not resolve, and its address has no route.
    assert_eq!(client.resolve("db", 80), Err(Errno::Noent));
    assert_eq!(client.resolve("172.19.0.2", 80), Err(Errno::Hostunreach));
    // The client's own name and address are its own.
    let me = client.container.clone().unwrap();
    assert_eq!(client.resolve("client", 80), Ok(Endpoint { container: me.clone(), port: 80 }));
    assert_eq!(client.resolve("172.18.0.3", 80), Ok(Endpoint { container: me, port: 80 }));
    // The host still answers by its names and the network's own gateway.
    assert_eq!(client.resolve("host.docker.internal", 9999), Err(Errno::Connrefused));
    assert_eq!(client.resolve("172.18.0.1", 9999), Err(Errno::Connrefused));
    // On the default bridge, containers reach each other by address, never by name.
    let (_, one) = spawn(&mut s, "docker run -d --name one toolbox sleep 100");
    let (two, _) = spawn(&mut s, "docker run -d --name two toolbox sleep 100");
    let (_, one_again) = spawn(&mut s, "docker run -d --name three toolbox sleep 100");
    assert_eq!(one.resolve("two", 80), Err(Errno::Noent));
    assert_eq!(one.resolve("172.17.0.3", 80), Err(Errno::Hostunreach), "a process sees the network as it started");
    assert_eq!(one_again.resolve("two", 80), Err(Errno::Noent), "no names on the default bridge");
    assert_eq!(one_again.resolve("172.17.0.2", 80).map(|e| e.port), Ok(80));
    assert_eq!(one_again.resolve("172.17.0.3", 80), Ok(Endpoint { container: two, port: 80 }));
    assert_eq!(one_again.resolve("web", 80), Err(Errno::Noent));
    // Connecting db to front makes it reachable by name from processes started after.
    assert_eq!(s.done("docker network connect --alias database front db").exit_code, 0);
    let (_, later) = spawn(&mut s, "docker run -d --name later --network front toolbox sleep 100");
    assert_eq!(later.resolve("database", 5432), Ok(Endpoint { container: db.clone(), port: 5432 }));
    assert_eq!(later.resolve("db", 5432), Ok(Endpoint { container: db, port: 5432 }));
}

#[test]
fn none_has_only_loopback_and_host_is_refused_with_a_reason() {
    let mut s = Session::new();
    let (_, hermit) = spawn(&mut s, "docker run -d --name hermit --network none toolbox sleep 100");
    assert_eq!(hermit.resolve("host.docker.internal", 80), Err(Errno::Noent));
    let inspect = json(&s.done("docker inspect hermit").stdout);
    assert_eq!(inspect[0]["NetworkSettings"]["Networks"]["none"]["IPAddress"], "");
    let host = s.done("docker run --network host toolbox true");
    assert_eq!(host.exit_code, 125);
    assert!(host.stderr.contains("Dockyard has no host network to share"), "{}", host.stderr);
    let missing = s.done("docker run --network nosuch toolbox true");
    assert!(missing.stderr.starts_with("docker: Error response from daemon: network nosuch not found"), "{missing:?}");
    let alias = s.done("docker run --network-alias x toolbox true");
    assert!(
        alias.stderr.contains("network-scoped alias is supported only for containers in user defined networks"),
        "{alias:?}"
    );
    assert!(s.engine.find_container("x").is_none());
    assert_eq!(s.done("docker ps -aq").stdout.lines().count(), 1, "refused runs leave no container");
}

#[test]
fn connect_and_disconnect_with_their_errors() {
    let mut s = Session::new();
    s.done("docker network create front");
    s.done("docker create --name app toolbox");
    s.done("docker create --name hermit --network none toolbox");
    let app = id_of(&s, "app");
    assert_eq!(s.done("docker network connect front app"), dockyard_engine::Reply::default());
    let fail = |s: &mut Session, line: &str| {
        let r = s.done(line);
        assert_eq!(r.exit_code, 1, "{line}: {r:?}");
        r.stderr
    };
    assert_eq!(
        fail(&mut s, "docker network connect front app"),
        "Error response from daemon: endpoint with name app already exists in network front\n"
    );
    assert_eq!(
        fail(&mut s, "docker network connect nosuch app"),
        "Error response from daemon: network nosuch not found\n"
    );
    assert_eq!(
        fail(&mut s, "docker network connect front nosuch"),
        "Error response from daemon: No such container: nosuch\n"
    );
    assert_eq!(
        fail(&mut s, "docker network connect host app"),
        "Error response from daemon: container cannot be disconnected from host network or connected to host network\n"
    );
    assert!(fail(&mut s, "docker network connect front hermit").contains("private (none) mode"));
    assert!(fail(&mut s, "docker network connect --alias a bridge hermit").contains("private (none) mode"));
    let inspect = json(&s.done("docker inspect app").stdout);
    let networks: Vec<&String> = inspect[0]["NetworkSettings"]["Networks"].as_object().unwrap().keys().collect();
    assert_eq!(networks, ["bridge", "front"]);
    assert_eq!(s.done("docker network disconnect front app"), dockyard_engine::Reply::default());
    assert_eq!(
        fail(&mut s, "docker network disconnect front app"),
        format!("Error response from daemon: container {app} is not connected to network front\n")
    );
    assert_eq!(
        fail(&mut s, "docker network disconnect -f nosuch app"),
        "Error response from daemon: network nosuch not found\n"
    );
    let usage = s.done("docker network connect front");
    assert!(usage.stderr.starts_with("\"docker network connect\" requires exactly 2 arguments."));
}

#[test]
fn rm_refuses_networks_with_live_endpoints_and_container_rm_releases_them() {
    let mut s = Session::new();
    s.done("docker network create front");
    let front = s.engine.network_views().iter().find(|n| n.name == "front").unwrap().id.clone();
    spawn(&mut s, "docker run -d --name web --network front toolbox sleep 100");
    let refused = s.done("docker network rm front");
    assert_eq!(refused.exit_code, 1);
    assert!(refused
        .stderr
        .starts_with(&format!("Error response from daemon: error while removing network: network front id {front}")));
    assert!(refused.stderr.ends_with(" has active endpoints\n"), "{}", refused.stderr);
    assert_eq!(s.done("docker network rm nosuch").stderr, "Error response from daemon: network nosuch not found\n");
    // Removing the container gives its address back: the next container gets the same one.
    s.drive("docker rm -f web", None);
    spawn(&mut s, "docker run -d --name next --network front toolbox sleep 100");
    assert_eq!(s.done("docker inspect -f '{{.NetworkSettings.Networks.front.IPAddress}}' next").stdout, "172.18.0.2\n");
    s.drive("docker rm -f next", None);
    let removed = s.done("docker network rm front");
    assert_eq!((removed.stdout.as_str(), removed.exit_code), ("front\n", 0));
    assert_eq!(s.done("docker network create again").exit_code, 0);
    let again = json(&s.done("docker network inspect again").stdout);
    assert_eq!(again[0]["IPAM"]["Config"][0]["Subnet"], "172.18.0.0/16", "a removed network's subnet is free again");
}

#[test]
fn a_stopped_container_whose_network_is_gone_cannot_start() {
    let mut s = Session::new();
    s.done("docker network create gone");
    s.done("docker create --name app --network gone toolbox");
    assert_eq!(s.done("docker network rm gone").stdout, "gone\n", "a stopped container holds no endpoint");
    let (printed, _) = s.drive("docker start app", None);
    assert!(printed.stderr.contains("network gone not found"), "{printed:?}");
}

#[test]
fn prune_asks_first_and_removes_only_unused_user_defined_networks() {
    let mut s = Session::new();
    s.done("docker network create used");
    s.done("docker network create idle");
    s.done("docker network create --label keep=yes labelled");
    spawn(&mut s, "docker run -d --network used toolbox sleep 100");
    let command = match s.step("docker network prune") {
        Step::Confirm { prompt, command, declined } => {
            assert_eq!(
                prompt,
                "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] "
            );
            assert_eq!(declined, dockyard_engine::Reply::default());
            command
        }
        other => panic!("prune asked nothing: {other:?}"),
    };
    assert!(matches!(command, Command::NetworkPrune { force: true, .. }));
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    let Step::Done(reply) = s.engine.execute_command(command, &mut ctx) else { panic!("prune did not finish") };
    assert_eq!(reply.stdout, "Deleted Networks:\nidle\nlabelled\n\n");
    s.done("docker network create other");
    s.done("docker network create --label keep=yes kept");
    let filtered = s.done("docker network prune -f --filter label=keep=yes");
    assert_eq!(filtered.stdout, "Deleted Networks:\nkept\n\n");
    assert_eq!(s.done("docker network prune -f --filter until=1h").stdout, "", "other is too young");
    assert_eq!(s.done("docker network prune -f").stdout, "Deleted Networks:\nother\n\n");
    assert_eq!(s.done("docker network prune -f").stdout, "");
    assert!(s.done("docker network prune -f --filter foo=1").stderr.contains("Invalid filter 'foo'"));
}

#[test]
fn networks_and_endpoints_survive_save_and_restore_and_old_states_load() {
    let mut s = Session::new();
    s.done("docker network create front");
    spawn(&mut s, "docker run -d --name web --network front toolbox sleep 100");
    let hub = || builtin::docker_hub(&Programs::default().with("hello", common::MODULE)).unwrap();
    let mut restored = Engine::restore(&s.engine.save(), hub(), Timestamp::from_secs(T0 + 60)).unwrap();
    let mut ctx = Ctx { now: Timestamp::from_secs(T0 + 60), entropy: &mut s.entropy };
    let Step::Done(ls) = restored.execute("docker network ls -q", &mut ctx) else { panic!() };
    assert_eq!(ls.stdout.lines().count(), 4);
    let web = restored.find_container("web").unwrap();
    assert_eq!(web.networks[0].ip.map(|ip| ip.to_string()).as_deref(), Some("172.18.0.2"));
    // A state saved before networks existed: its containers join the default bridge.
    let saved: Value = json(&s.engine.save());
    let mut old = saved.clone();
    old.as_object_mut().unwrap().remove("networks");
    for c in old["containers"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("networks");
        c["network_mode"] = Value::from("bridge");
    }
    let restored = Engine::restore(&old.to_string(), hub(), Timestamp::from_secs(T0 + 60)).unwrap();
    let views = restored.network_views();
    let names: Vec<&str> = views.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["bridge", "host", "none"]);
    assert_eq!(views[0].members[0].ip.as_deref(), Some("172.17.0.2"));
}

#[test]
fn the_picture_shows_members_addresses_and_who_is_cut_off() {
    let mut s = Session::new();
    s.done("docker network create front");
    s.done("docker network create back");
    spawn(&mut s, "docker run -d --name web --network front toolbox sleep 100");
    spawn(&mut s, "docker run -d --name db --network back toolbox sleep 100");
    s.done("docker network connect --alias api back web");
    s.done("docker create --name hermit --network none toolbox");
    let views = s.engine.network_views();
    let view = |name: &str| views.iter().find(|n| n.name == name).unwrap();
    let front = view("front");
    assert!(front.user_defined && front.resolves_names);
    assert_eq!(front.subnet.as_deref(), Some("172.18.0.0/16"));
    assert_eq!(front.members.len(), 1);
    assert_eq!(front.members[0].ip.as_deref(), Some("172.18.0.2"));
    assert_eq!(front.members[0].also_on, ["back"]);
    let outside: Vec<(&str, Vec<String>)> =
        front.outside.iter().map(|o| (o.container.as_str(), o.networks.clone())).collect();
    assert_eq!(outside, [("db", vec!["back".to_string()])], "hermit has no network to be cut off from");
    let back = view("back");
    let members: Vec<(&str, Option<&str>, Vec<String>)> =
        back.members.iter().map(|m| (m.container.as_str(), m.ip.as_deref(), m.names.clone())).collect();
    let web = id_of(&s, "web");
    let db = id_of(&s, "db");
    assert_eq!(
        members,
        [
            ("web", Some("172.19.0.3"), vec!["web".to_string(), "api".to_string(), web.short().to_string()]),
            ("db", Some("172.19.0.2"), vec!["db".to_string(), db.short().to_string()]),
        ]
    );
    assert!(back.outside.is_empty());
    assert!(view("bridge").members.is_empty());
    assert!(!view("bridge").resolves_names);
    assert_eq!(view("none").members[0].container, "hermit");
    assert!(view("host").about.contains("refuses"));
}

#[test]
fn the_network_commands_stand_for_the_engine_api_calls_docker_makes() {
    use dockyard_engine::api::{calls, Outcome};
    let lines = |line: &str| -> Vec<String> {
        let command = dockyard_engine::cli::parse(line).unwrap();
        calls(&command, &Outcome::default()).iter().map(|c| c.line()).collect()
    };
    assert_eq!(lines("docker network create front"), ["POST /v1.41/networks/create"]);
    assert_eq!(lines("docker network connect --alias db front app"), ["POST /v1.41/networks/front/connect"]);
    assert_eq!(lines("docker network rm a b"), ["DELETE /v1.41/networks/a", "DELETE /v1.41/networks/b"]);
    assert_eq!(lines("docker network inspect front"), ["GET /v1.41/networks/front"]);
    let command = dockyard_engine::cli::parse("docker run --network front --network-alias db toolbox").unwrap();
    let create = calls(&command, &Outcome::default()).into_iter().find(|c| c.line().contains("/containers/create"));
    let body = format!("{:?}", create.unwrap().body);
    assert!(body.contains("EndpointsConfig"), "{body}");
}
