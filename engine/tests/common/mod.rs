//! What the engine's integration tests share: a session that plays the host's part.
//!
//! The host's part (running the module) is played by the test: it reports the outcome a real run
//! would have. Real runs of the real programs are in the server's and the browser's tests.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, ExitStatus, Launch, ProcessOutcome, Reply, Seeded, Step, Timestamp};

/// The smallest valid wasm module: enough for the engine, which only checks the magic number.
pub const MODULE: &[u8] = b"\0asm\x01\0\0\0";
pub const T0: u64 = 1_800_000_000;

pub struct Session {
    pub engine: Engine,
    pub entropy: Seeded,
    pub now: Timestamp,
}

impl Session {
    pub fn new() -> Self {
        let hub = builtin::docker_hub(&Programs::default().with("hello", MODULE)).unwrap();
        Session { engine: Engine::new(hub), entropy: Seeded::new(9), now: Timestamp::from_secs(T0) }
    }

    pub fn step(&mut self, line: &str) -> Step {
        let mut ctx = Ctx { now: self.now, entropy: &mut self.entropy };
        self.engine.execute(line, &mut ctx)
    }

    pub fn done(&mut self, line: &str) -> Reply {
        match self.step(line) {
            Step::Done(reply) => reply,
            other => panic!("{line} did not finish: {other:?}"),
        }
    }

    pub fn launch(&mut self, line: &str) -> Launch {
        match self.step(line) {
            Step::Launch(launch) => launch,
            other => panic!("{line} launched nothing: {other:?}"),
        }
    }

    /// Runs `line` to completion, as a host would, with the process ending as `status`.
    pub fn run(&mut self, line: &str, status: ExitStatus, stdout: &str) -> (Launch, Reply) {
        let launch = self.launch(line);
        let outcome =
            ProcessOutcome { status, output: vec![(Stream::Stdout, stdout.as_bytes().to_vec())], upper: None };
        let id = launch.process.container.clone();
        let mut ctx = Ctx { now: self.now, entropy: &mut self.entropy };
        let reply = self.engine.exited(&id, outcome, &mut ctx);
        (launch, reply)
    }
}
