//! User-defined networks with the real programs: the engine decides what each container's
//! process may reach, wasmtime runs the built-in `web` server and `toolbox`'s `curl`, and the
//! native host's one switch carries the bytes. On a shared network `curl` reaches `web` by name;
//! from another network the name does not resolve and the address has no route.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, ExitStatus, Launch, ProcessOutcome, Reply, Seeded, Step, Timestamp};
use dockyard_server::net::Network;
use dockyard_server::wasm_host::{Control, WasmHost};

struct Host {
    engine: Engine,
    entropy: Seeded,
    wasm: Arc<WasmHost>,
}

impl Host {
    fn new() -> Host {
        let programs = dockyard_workloads::ALL.iter().fold(Programs::default(), |p, (name, bytes)| p.with(name, bytes));
        let engine = Engine::new(builtin::docker_hub(&programs).unwrap());
        Host { engine, entropy: Seeded::new(21), wasm: Arc::new(WasmHost::new().with_network(Network::new())) }
    }

    fn step(&mut self, line: &str) -> Step {
        let mut ctx = Ctx { now: Timestamp::from_secs(1_800_000_000), entropy: &mut self.entropy };
        self.engine.execute(line, &mut ctx)
    }

    fn done(&mut self, line: &str) -> Reply {
        match self.step(line) {
            Step::Done(reply) => reply,
            other => panic!("{line} did not finish: {other:?}"),
        }
    }

    /// Runs `line` in the foreground to its end, as `dockyard` does: the process under wasmtime,
    /// then its end reported to the engine. Returns the exit code and what it wrote.
    fn run(&mut self, line: &str) -> (i32, String, String) {
        let Step::Launch(Launch { process, .. }) = self.step(line) else { panic!("{line} launched nothing") };
        let outcome = self.wasm.run(&process);
        let text = |outcome: &ProcessOutcome, stream: Stream| -> String {
            let bytes: Vec<u8> =
                outcome.output.iter().filter(|(s, _)| *s == stream).flat_map(|(_, b)| b.iter().copied()).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let (stdout, stderr) = (text(&outcome, Stream::Stdout), text(&outcome, Stream::Stderr));
        let mut ctx = Ctx { now: Timestamp::from_secs(1_800_000_001), entropy: &mut self.entropy };
        let reply = self.engine.exited(&process.container, outcome, &mut ctx);
        (reply.exit_code, stdout, stderr)
    }
}

#[test]
fn curl_reaches_web_by_name_on_a_shared_network_and_not_across_networks() {
    let mut host = Host::new();
    assert_eq!(host.done("docker network create front").exit_code, 0);
    assert_eq!(host.done("docker network create back").exit_code, 0);
    let Step::Spawn { mut processes, .. } =
        host.step("docker run -d --name web --network front --network-alias site web")
    else {
        panic!("web did not start in the background")
    };
    let web = processes.remove(0);
    let control = Arc::new(Control::default());
    let server = {
        let (wasm, control) = (host.wasm.clone(), control.clone());
        std::thread::spawn(move || wasm.run_controlled(&web, control, None, None))
    };

    // Until web's first accept its socket refuses, as a server still starting does.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (code, page, stderr) = loop {
        let (code, page, stderr) = host.run("docker run --rm --network front toolbox curl -sS http://web/");
        if code == 0 || Instant::now() > deadline {
            break (code, page, stderr);
        }
        assert!(stderr.contains("Connection refused"), "{stderr}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(code, 0, "{stderr}");
    assert!(page.contains("Welcome to web!"), "{page}");
    // Its alias and its address on the network reach it too.
    let (code, page, stderr) = host.run("docker run --rm --network front toolbox curl -sS http://site/");
    assert_eq!((code, page.contains("Welcome to web!")), (0, true), "{stderr}");
    let (code, page, stderr) = host.run("docker run --rm --network front toolbox curl -sS http://172.18.0.2/");
    assert_eq!((code, page.contains("Welcome to web!")), (0, true), "{stderr}");

    // From another network: no name, no route.
    let (code, _, stderr) = host.run("docker run --rm --network back toolbox curl -sS http://web/");
    assert_eq!((code, stderr.as_str()), (6, "curl: (6) Could not resolve host: web\n"));
    let (code, _, stderr) = host.run("docker run --rm --network back toolbox curl -sS http://172.18.0.2/");
    assert_eq!(code, 7, "{stderr}");
    assert!(stderr.contains("No route to host"), "{stderr}");
    // Nor from the default bridge, where Docker's DNS does not answer at all.
    let (code, _, stderr) = host.run("docker run --rm toolbox curl -sS http://web/");
    assert_eq!((code, stderr.as_str()), (6, "curl: (6) Could not resolve host: web\n"));

    // Connected to front as well, a container on back reaches web by name.
    assert_eq!(host.done("docker create --name bridgehead --network back toolbox curl -sS http://web/").exit_code, 0);
    assert_eq!(host.done("docker network connect front bridgehead").exit_code, 0);
    let Step::Spawn { mut processes, .. } = host.step("docker start bridgehead") else { panic!("no start") };
    let outcome = host.wasm.run(&processes.remove(0));
    assert_eq!(outcome.status, ExitStatus::Code(0));

    control.kill(9);
    assert_eq!(server.join().unwrap().status, ExitStatus::Killed(9));
}
