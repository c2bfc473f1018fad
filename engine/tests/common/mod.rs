//! What the engine's integration tests share: a session that plays the host's part.
//!
//! The host's part (running the module) is played by the test: it reports the outcome a real run
//! would have. Real runs of the real programs are in the server's and the browser's tests.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::wasi::Stream;

use dockyard_engine::container::ContainerId;
use dockyard_engine::sequence::Sequence;
use dockyard_engine::{Ctx, Engine, ExitStatus, Launch, ProcessOutcome, Reply, Seeded, Step, Timestamp};

/// The smallest valid wasm module: enough for the engine, which only checks the magic number.
pub const MODULE: &[u8] = b"\0asm\x01\0\0\0";
pub const T0: u64 = 1_800_000_000;
/// A different module for the toolbox image, so tests can tell which program a run picked.
pub const TOOLBOX: &[u8] = b"\0asm\x01\0\0\0toolbox";

pub struct Session {
    pub engine: Engine,
    pub entropy: Seeded,
    pub now: Timestamp,
    /// Background processes the simulated host is running, and how long each has yet to run
    /// (`None`: until killed).
    pub running: Vec<(ContainerId, Option<u64>)>,
    /// Containers a restart policy started again, in order.
    pub restarted: Vec<ContainerId>,
    /// The folder `docker build` reads, as the host would read it.
    pub context: Option<dockyard_engine::copy::Tree>,
    /// How the next attached processes end (a `RUN` step's, say); after these, with code 0.
    pub outcomes: std::collections::VecDeque<ProcessOutcome>,
    /// The Docker Hub's blobs, when kept out of the engine as the page keeps them
    /// ([`Session::blobs_elsewhere`]), and the digests fetched so far, in order.
    pub elsewhere: std::collections::BTreeMap<dockyard_engine::digest::Digest, dockyard_engine::layer::Bytes>,
    pub fetched: Vec<dockyard_engine::digest::Digest>,
}

impl Session {
    pub fn new() -> Self {
        let programs = Programs::default().with("hello", MODULE).with("toolbox", TOOLBOX);
        let hub = builtin::docker_hub(&programs).unwrap();
        Session {
            engine: Engine::new(hub),
            entropy: Seeded::new(9),
            now: Timestamp::from_secs(T0),
            running: Vec::new(),
            restarted: Vec::new(),
            context: None,
            outcomes: Default::default(),
            elsewhere: Default::default(),
            fetched: Vec::new(),
        }
    }

    /// A session whose Docker Hub keeps its blobs elsewhere, as the page's does: a pull asks
    /// for them with [`Step::Fetch`], and [`Session::drive`] hands them over.
    pub fn blobs_elsewhere() -> Self {
        let mut session = Session::new();
        let programs = Programs::default().with("hello", MODULE).with("toolbox", TOOLBOX);
        let mut hub = builtin::docker_hub(&programs).unwrap();
        session.elsewhere = hub.take_blobs();
        session.engine = Engine::new(hub);
        session
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

/// What one step of [`Session::drive`] did, for tests that check the host's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostAction {
    Spawned(ContainerId),
    /// The host killed the process with this signal, after waiting this long.
    Killed(ContainerId, i32, u64),
    /// The process ended by itself while the host waited.
    Ended(ContainerId),
    Paused(ContainerId, bool),
}

impl Session {
    /// Lets background processes run for `nanos`: those due to end, end with code 0.
    pub fn advance(&mut self, nanos: u64) {
        self.now = Timestamp(self.now.0 + nanos);
        let mut ended = Vec::new();
        for (id, left) in &mut self.running {
            if let Some(left) = left {
                if *left <= nanos {
                    ended.push(id.clone());
                } else {
                    *left -= nanos;
                }
            }
        }
        for id in ended {
            self.end(&id, ExitStatus::Code(0));
        }
    }

    /// Ends `id`'s process as a host would report it, and starts what restart policies start
    /// again, each running until the test ends it.
    pub fn end(&mut self, id: &ContainerId, status: ExitStatus) {
        self.running.retain(|(r, _)| r != id);
        let outcome = ProcessOutcome { status, output: Vec::new(), upper: None };
        let mut ctx = Ctx { now: self.now, entropy: &mut self.entropy };
        self.engine.exited(id, outcome, &mut ctx);
        for (process, _delay) in self.engine.take_restarts() {
            self.restarted.push(process.container.clone());
            self.running.push((process.container, None));
        }
    }

    /// Runs `line` to its end as a host would, with background processes that run for
    /// `lifetime` (forever if `None`) and attached ones that end at once with code 0. Returns
    /// everything printed (exit code: the last nonzero one) and what the host did.
    pub fn drive(&mut self, line: &str, lifetime: Option<u64>) -> (Reply, Vec<HostAction>) {
        let mut printed = Reply::default();
        let mut actions = Vec::new();
        let mut sequence = Sequence::default();
        let mut step = Some(sequence.current(self.step(line)));
        let print = |printed: &mut Reply, r: &Reply| {
            printed.stdout.push_str(&r.stdout);
            printed.stderr.push_str(&r.stderr);
            if r.exit_code != 0 {
                printed.exit_code = r.exit_code;
            }
        };
        while let Some(current) = step.take() {
            let reply = match current {
                then @ Step::Then { .. } => {
                    step = Some(sequence.current(then));
                    continue;
                }
                Step::Done(reply) => reply,
                Step::Launch(launch) => {
                    print(&mut printed, &launch.before);
                    let outcome = self.outcomes.pop_front().unwrap_or(ProcessOutcome {
                        status: ExitStatus::Code(0),
                        output: Vec::new(),
                        upper: None,
                    });
                    for (stream, bytes) in &outcome.output {
                        let text = String::from_utf8_lossy(bytes);
                        match stream {
                            Stream::Stdout => printed.stdout.push_str(&text),
                            Stream::Stderr => printed.stderr.push_str(&text),
                        }
                    }
                    let mut ctx = Ctx { now: self.now, entropy: &mut self.entropy };
                    self.engine.exited(&launch.process.container, outcome, &mut ctx)
                }
                Step::Spawn { processes, reply } => {
                    for process in processes {
                        actions.push(HostAction::Spawned(process.container.clone()));
                        self.running.push((process.container, lifetime));
                    }
                    reply
                }
                Step::Await { container, kill_after, signal, follow, reply } => {
                    if let Some(follow) = &follow {
                        print(&mut printed, &follow.before);
                    }
                    let left = self.running.iter().find(|(r, _)| *r == container).map(|(_, left)| *left);
                    match (left, kill_after) {
                        (Some(Some(left)), deadline) if deadline.is_none_or(|d| left <= d) => {
                            self.advance(left);
                            actions.push(HostAction::Ended(container.clone()));
                        }
                        (Some(_), Some(deadline)) => {
                            self.now = Timestamp(self.now.0 + deadline);
                            self.end(&container, ExitStatus::Killed(signal));
                            actions.push(HostAction::Killed(container.clone(), signal, deadline));
                        }
                        (Some(_), None) => panic!("{line} waits forever for {container}"),
                        (None, _) if self.engine.is_running(&container) => {
                            self.end(&container, ExitStatus::Killed(signal));
                        }
                        (None, _) => {}
                    }
                    if let Some(mut follow) = follow {
                        print(&mut printed, &self.engine.follow_text(&container, &mut follow));
                    }
                    reply
                }
                Step::Pause { container, paused, reply } => {
                    actions.push(HostAction::Paused(container, paused));
                    reply
                }
                Step::ReadContext { path, then } => {
                    let context = self.context.clone().ok_or(format!("path {path:?} not found"));
                    let mut ctx = Ctx { now: self.now, entropy: &mut self.entropy };
                    let next = self.engine.context_done(then, context, &mut ctx);
                    step = Some(sequence.current(next));
                    continue;
                }
                Step::Fetch { registry, blobs, before, then } => {
                    print(&mut printed, &before);
                    for blob in blobs {
                        let bytes = self.elsewhere.get(&blob.digest).expect("a blob the host keeps").clone();
                        self.engine.blob_fetched(&registry, &bytes.0).expect("the blob is taken");
                        self.fetched.push(blob.digest);
                    }
                    let mut ctx = Ctx { now: self.now, entropy: &mut self.entropy };
                    let next = self.engine.execute_command(then, &mut ctx);
                    step = Some(sequence.current(next));
                    continue;
                }
                other => panic!("{line}: a step this host does not play: {other:?}"),
            };
            print(&mut printed, &reply);
            let mut ctx = Ctx { now: self.now, entropy: &mut self.entropy };
            step = sequence.finished(&reply, &mut self.engine, &mut ctx);
        }
        (printed, actions)
    }
}
