//! Drives the engine for one command line: the engine decides, the page runs the process.

use std::cell::RefCell;
use std::rc::Rc;

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, Reply, Step, Timestamp};

use crate::runtime::{self, BrowserEntropy};

/// The engine of this page, with the built-in images compiled into the app.
pub fn new_engine() -> Engine {
    let programs = dockyard_workloads::ALL.iter().fold(Programs::default(), |p, (name, bytes)| p.with(name, bytes));
    match builtin::docker_hub(&programs) {
        Ok(hub) => Engine::new(hub),
        // The programs are compiled in, so this only happens with a broken build; an empty hub
        // still leaves a usable terminal that says what is wrong when an image is pulled.
        Err(_) => Engine::new(Default::default()),
    }
}

fn now() -> Timestamp {
    Timestamp((js_sys::Date::now() * 1e6) as u64)
}

/// Runs `line`, sending output to `emit` as it becomes known, and returns the exit code.
pub async fn execute(engine: Rc<RefCell<Engine>>, line: &str, emit: impl Fn(Stream, String)) -> i32 {
    let print = |reply: &Reply| {
        if !reply.stdout.is_empty() {
            emit(Stream::Stdout, reply.stdout.clone());
        }
        if !reply.stderr.is_empty() {
            emit(Stream::Stderr, reply.stderr.clone());
        }
    };
    let step = engine.borrow_mut().execute(line, &mut Ctx { now: now(), entropy: &mut BrowserEntropy });
    let reply = match step {
        Step::Done(reply) => reply,
        Step::Launch(launch) => {
            print(&launch.before);
            let outcome = runtime::run(&launch.process).await;
            for (stream, bytes) in &outcome.output {
                emit(*stream, String::from_utf8_lossy(bytes).into_owned());
            }
            let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
            engine.borrow_mut().exited(&launch.process.container, outcome, &mut ctx)
        }
    };
    print(&reply);
    reply.exit_code
}
