//! Sockets under the native host: real wasmtime, the `sockets` guest program, and real TCP from
//! this test to a published port on loopback, forwarded into the container as docker-proxy does.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dockyard_engine::container::ContainerId;
use dockyard_engine::fs::UnionFs;
use dockyard_engine::layer::Bytes;
use dockyard_engine::net::{Endpoint, Forward, NetConfig};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{ExitStatus, Process, ProcessOutcome, Seeded};
use dockyard_server::net::Network;
use dockyard_server::wasm_host::WasmHost;

fn module() -> &'static [u8] {
    dockyard_workloads::CONFORMANCE.iter().find(|(n, _)| *n == "sockets").map(|(_, m)| *m).unwrap()
}

fn process(id: &ContainerId, argv: &[&str], net: NetConfig) -> Process {
    Process {
        container: id.clone(),
        module: Bytes::from(module()),
        args: argv.iter().map(|s| s.to_string()).collect(),
        env: Vec::new(),
        root: UnionFs::new(Vec::new()),
        memory_limit: None,
        interactive: false,
        net,
    }
}

fn stdout(outcome: &ProcessOutcome) -> String {
    let bytes: Vec<u8> =
        outcome.output.iter().filter(|(s, _)| *s == Stream::Stdout).flat_map(|(_, b)| b.iter().copied()).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A loopback port nothing uses now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Connects to the published port, retrying while the proxy and the guest are still starting.
fn ask(port: u16, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            stream.write_all(format!("{text}\n").as_bytes()).unwrap();
            let mut answer = String::new();
            // A connection made before the guest listens is closed at once: try again.
            if stream.read_to_string(&mut answer).is_ok() && !answer.is_empty() {
                return answer;
            }
        }
        assert!(Instant::now() < deadline, "nothing answered on 127.0.0.1:{port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_published_port_carries_real_tcp_and_containers_reach_it_through_the_host() {
    let network = Network::new();
    let host = Arc::new(WasmHost::new().with_network(network));
    let mut entropy = Seeded::new(11);
    let (server, client) = (ContainerId::generate(&mut entropy), ContainerId::generate(&mut entropy));
    let host_port = free_port();
    let forward = Forward { host_port, to: Endpoint { container: server.clone(), port: 80 } };
    let server_net = NetConfig {
        container: Some(server.clone()),
        listen: vec![80],
        aliases: Vec::new(),
        host_ports: vec![forward.clone()],
        publish: vec![forward.clone()],
        bridged: true,
        ..NetConfig::default()
    };
    let running = {
        let (host, server) = (host.clone(), server.clone());
        std::thread::spawn(move || host.run(&process(&server, &["sockets", "serve", "2"], server_net)))
    };

    // From the real host, through the loopback listener.
    assert_eq!(ask(host_port, "hello from the host"), "echo: HELLO FROM THE HOST\n");

    // From another container, through the host's name for the gateway.
    let client_net =
        NetConfig { container: Some(client.clone()), host_ports: vec![forward], bridged: true, ..NetConfig::default() };
    let outcome = host.run(&process(
        &client,
        &["sockets", "connect", "host.docker.internal", &host_port.to_string(), "hi"],
        client_net,
    ));
    assert_eq!(outcome.status, ExitStatus::Code(0), "{}", stdout(&outcome));
    assert_eq!(stdout(&outcome), "echo: HI\n");

    let served = running.join().unwrap();
    assert_eq!(served.status, ExitStatus::Code(0));
    assert_eq!(stdout(&served), "listening\nanswered 1: hello from the host\nanswered 2: hi\n");
    // The container is gone, and so is its port on the host.
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(("127.0.0.1", host_port)).is_ok() {
        assert!(Instant::now() < deadline, "the published port outlived its container");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn failing_connects_report_preview1_errnos_and_sockets_refuse_other_descriptors() {
    let host = WasmHost::new().with_network(Network::new());
    let id = ContainerId::generate(&mut Seeded::new(12));
    let net = NetConfig { container: Some(id.clone()), listen: vec![80], ..NetConfig::default() };
    let outcome = host.run(&process(&id, &["sockets", "errors"], net));
    assert_eq!(outcome.status, ExitStatus::Code(0));
    assert_eq!(
        stdout(&outcome),
        "refused: Some(14)\nunresolved: Some(44)\nbad port: Some(28)\naccept on a directory: Not a socket (os error 57)\n"
    );
}

#[test]
fn a_guest_blocked_in_accept_is_killed_at_once() {
    let host = Arc::new(WasmHost::new().with_network(Network::new()));
    let id = ContainerId::generate(&mut Seeded::new(13));
    let net = NetConfig { container: Some(id.clone()), listen: vec![80], ..NetConfig::default() };
    // Compile the module first, so the process is surely waiting in accept when it is killed.
    host.run(&process(&id, &["sockets", "errors"], NetConfig::default()));
    let control = Arc::new(dockyard_server::wasm_host::Control::default());
    let running = {
        let (host, control, id) = (host.clone(), control.clone(), id.clone());
        std::thread::spawn(move || {
            host.run_controlled(&process(&id, &["sockets", "serve", "1"], net), control, None, None)
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let killed_at = Instant::now();
    control.kill(9);
    let outcome = running.join().unwrap();
    assert_eq!(outcome.status, ExitStatus::Killed(9));
    assert!(killed_at.elapsed() < Duration::from_secs(1), "took {:?}", killed_at.elapsed());
    assert_eq!(stdout(&outcome), "listening\n", "what it wrote before it blocked is kept");
}
