//! Drives the engine for one command line: the engine decides, the page runs the process.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::cli::Command;
use dockyard_engine::copy::{Source, Tree};
use dockyard_engine::layer::{Entry, EntryKind};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, ExitStatus, ProcessOutcome, Reply, Step, Timestamp};
use futures_channel::oneshot;

use crate::runtime::{self, BrowserEntropy};
use crate::upload;

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

/// Where a running command waits for a line the learner types, such as the answer to
/// `image prune`'s "Are you sure you want to continue? [y/N]".
#[derive(Clone, Default)]
pub struct Stdin(Rc<RefCell<Option<oneshot::Sender<String>>>>);

impl Stdin {
    /// Waits for the next line typed into the terminal.
    async fn read_line(&self) -> Option<String> {
        let (sender, receiver) = oneshot::channel();
        *self.0.borrow_mut() = Some(sender);
        receiver.await.ok()
    }

    /// Hands a typed line to the command waiting for one; gives the line back if none waits.
    pub fn offer(&self, line: String) -> Result<(), String> {
        match self.0.borrow_mut().take() {
            Some(sender) => sender.send(line),
            None => Err(line),
        }
    }
}

/// What a running command shows in the terminal.
pub enum Output {
    /// Text to append to a stream.
    Text(Stream, String),
    /// Lines to draw in place of the last live ones, or `None` to take them away.
    Live(Option<String>),
}

/// Waits `ms` milliseconds without blocking the page.
async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}

/// Prints a reply, first playing its progress (a pull's layers) as live lines.
async fn print(reply: &Reply, emit: &impl Fn(Output)) {
    if let Some((_, progress)) = &reply.progress {
        let start = js_sys::Date::now();
        loop {
            let t = (js_sys::Date::now() - start) as u64;
            emit(Output::Live(Some(progress.frame(t))));
            if t >= progress.end() {
                break;
            }
            sleep(50).await;
        }
        emit(Output::Live(None));
    }
    if !reply.stdout.is_empty() {
        emit(Output::Text(Stream::Stdout, reply.stdout.clone()));
    }
    if !reply.stderr.is_empty() {
        emit(Output::Text(Stream::Stderr, reply.stderr.clone()));
    }
}

/// Runs `line`, sending output to `emit` as it becomes known, and returns the exit code.
pub async fn execute(engine: Rc<RefCell<Engine>>, line: &str, stdin: &Stdin, emit: impl Fn(Output)) -> i32 {
    let first = engine.borrow_mut().execute(line, &mut Ctx { now: now(), entropy: &mut BrowserEntropy });
    // Commands left to run after the current step, for commands that go one container at a time.
    let mut queue: VecDeque<Command> = VecDeque::new();
    let mut step = Some(first);
    let mut code = 0;
    while let Some(current) = step.take() {
        let reply = match current {
            Step::Then { first, next } => {
                for command in next.into_iter().rev() {
                    queue.push_front(command);
                }
                step = Some(*first);
                continue;
            }
            Step::Done(reply) => reply,
            Step::Launch(launch) => {
                print(&launch.before, &emit).await;
                let outcome = runtime::run(&launch.process).await;
                for (stream, bytes) in &outcome.output {
                    emit(Output::Text(*stream, String::from_utf8_lossy(bytes).into_owned()));
                }
                let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                engine.borrow_mut().exited(&launch.process.container, outcome, &mut ctx)
            }
            // Until containers run in workers, a background process runs to its end here, before
            // the command returns; its output goes to its log, as a detached container's does.
            Step::Spawn { processes, reply } => {
                for process in processes {
                    let outcome = runtime::run(&process).await;
                    let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                    engine.borrow_mut().exited(&process.container, outcome, &mut ctx);
                }
                reply
            }
            Step::Await { container, signal, follow, reply, .. } => {
                if let Some(follow) = follow {
                    print(&follow.before, &emit).await;
                    let (text, _) = engine.borrow().log_text(&container, follow.from, follow.timestamps);
                    print(&text, &emit).await;
                }
                if engine.borrow().is_running(&container) {
                    let outcome =
                        ProcessOutcome { status: ExitStatus::Killed(signal), output: Vec::new(), upper: None };
                    let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                    engine.borrow_mut().exited(&container, outcome, &mut ctx);
                }
                reply
            }
            Step::Pause { reply, .. } => reply,
            // The page cannot write into the learner's folders; it hands the archive to the
            // browser as a download under the name given with -o.
            Step::Write { path, bytes, action, then } => {
                let name = upload::file_name(&path).unwrap_or("archive.tar");
                upload::download(name, &bytes.0)
                    .map_or_else(|e| Reply::err(format!("failed to {action}: {e}"), 1), |()| then)
            }
            Step::Read { path } => {
                let reason = format!("docker load reads {path} from your computer: choose the image archive.");
                match upload::choose_file(&reason).await {
                    Ok(Some(file)) => engine.borrow_mut().load_archive(&file.bytes),
                    Ok(None) => Reply::err(format!("open {path}: no file was chosen"), 1),
                    Err(e) => Reply::err(format!("open {path}: {e}"), 1),
                }
            }
            Step::CopyOut { tree, source, dest, then } => download_tree(&tree, &source, &dest, then),
            Step::CopyIn { source, follow_link: _, target } => {
                let reason = format!("docker cp reads {source} from your computer: choose the file.");
                match upload::choose_file(&reason).await {
                    Ok(Some(file)) => {
                        let tree = Tree { entries: vec![(String::new(), Entry::file(file.bytes, 0o644))] };
                        engine.borrow_mut().copy_in(target, tree)
                    }
                    Ok(None) => Reply::err(format!("lstat {source}: no file was chosen"), 1),
                    Err(e) => Reply::err(format!("lstat {source}: {e}"), 1),
                }
            }
            Step::Confirm { prompt, command, declined } => {
                emit(Output::Text(Stream::Stdout, prompt));
                let answer = stdin.read_line().await.unwrap_or_default();
                emit(Output::Text(Stream::Stdout, format!("{answer}\n")));
                if !answer.trim().eq_ignore_ascii_case("y") {
                    declined
                } else {
                    step = Some(
                        engine
                            .borrow_mut()
                            .execute_command(command, &mut Ctx { now: now(), entropy: &mut BrowserEntropy }),
                    );
                    continue;
                }
            }
        };
        print(&reply, &emit).await;
        if reply.exit_code != 0 {
            code = reply.exit_code;
        }
        if let Some(command) = queue.pop_front() {
            step = Some(
                engine.borrow_mut().execute_command(command, &mut Ctx { now: now(), entropy: &mut BrowserEntropy }),
            );
        }
    }
    code
}

/// Hands what `docker cp` copied out of a container to the browser: a file as itself, anything
/// else as a tar of it, named after the destination.
fn download_tree(tree: &Tree, source: &Source, dest: &str, then: Reply) -> Reply {
    let name = upload::file_name(dest).unwrap_or(&source.name);
    let result = match tree.root().map(|e| &e.kind) {
        Some(EntryKind::File { data }) => upload::download(name, &data.0),
        _ => tree
            .to_layer(&source.name)
            .and_then(|layer| layer.to_tar())
            .map_err(|e| e.to_string())
            .and_then(|tar| upload::download(&format!("{name}.tar"), &tar)),
    };
    match result {
        Ok(()) => then,
        Err(e) => Reply::err(format!("failed to copy: {e}"), 1),
    }
}
