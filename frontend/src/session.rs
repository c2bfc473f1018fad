//! Drives the engine for one command line: the engine decides, the page runs the process.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use dockyard_engine::container::ContainerId;
use dockyard_engine::copy::{Source, Tree};
use dockyard_engine::layer::{Entry, EntryKind};
use dockyard_engine::registry::Registry;
use dockyard_engine::sequence::Sequence;
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, ExitStatus, Follow, Process, ProcessOutcome, Reply, Step, Timestamp};
use futures_channel::oneshot;
use futures_util::StreamExt;

use crate::network::{Answer, PageNet};
use crate::runtime::{self, BrowserEntropy};
use crate::upload;
use crate::worker;
use crate::workspace::Workspace;

/// The engine of this page, whose Docker Hub holds the built-in images.
pub fn new_engine() -> Engine {
    Engine::new(hub())
}

thread_local! {
    /// The simulated Docker Hub: the built-in images' manifests and configs, made by `build.rs`
    /// from their programs, with each layer blob kept beside the app (`blobs/sha256/<hex>`) until a
    /// pull first needs it. Restoring a saved state, undoing and resetting each need the hub
    /// again, so the blobs fetched stay here for the page's life.
    static HUB: RefCell<Registry> =
        RefCell::new(serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/hub.json"))).unwrap_or_default());
}

/// The simulated Docker Hub, with the blobs fetched so far.
pub fn hub() -> Registry {
    HUB.with(|hub| hub.borrow().clone())
}

/// The simulated Docker Hub with every blob in it, read from where the build script wrote them,
/// for native tests that pull with no server to fetch from.
#[cfg(test)]
pub fn hub_with_blobs() -> Registry {
    let mut hub = hub();
    let dir = std::path::Path::new(env!("OUT_DIR")).join("blobs/sha256");
    for entry in std::fs::read_dir(dir).expect("the build script wrote the blobs") {
        let bytes = std::fs::read(entry.expect("a blob").path()).expect("a blob reads");
        hub.add_blob(&bytes).expect("a blob the hub expects");
    }
    hub
}

/// Fetches a layer blob of the simulated Docker Hub from beside the app: its bytes really move,
/// as a pull's do, and only the first time, since the hub keeps them.
async fn fetch_blob(digest: &dockyard_engine::digest::Digest) -> Result<Vec<u8>, String> {
    crate::beside::fetch(&format!("blobs/sha256/{}", digest.hex()), &format!("blob {digest}")).await
}

pub(crate) fn now() -> Timestamp {
    Timestamp((js_sys::Date::now() * 1e6) as u64)
}

/// Where a running command waits for a line the learner types, such as the answer to
/// `image prune`'s "Are you sure you want to continue? [y/N]".
#[derive(Clone, Default)]
pub struct Stdin(Rc<RefCell<StdinState>>);

#[derive(Default)]
struct StdinState {
    /// The command waiting for a line now.
    reader: Option<oneshot::Sender<Option<String>>>,
    /// While an interactive container is in the foreground, what the learner types is its input
    /// even before it asks, as a terminal keeps typed lines for the process; `None` is Ctrl-D.
    captured: Option<VecDeque<Option<String>>>,
    /// Lines typed ahead that the container ended without reading: the terminal's again.
    leftover: Vec<String>,
}

impl Stdin {
    /// Waits for the next line typed into the terminal; `None` when the learner ends the input
    /// with Ctrl-D.
    async fn read_line(&self) -> Option<String> {
        if let Some(line) = self.0.borrow_mut().captured.as_mut().and_then(VecDeque::pop_front) {
            return line;
        }
        let (sender, receiver) = oneshot::channel();
        self.0.borrow_mut().reader = Some(sender);
        receiver.await.ok().flatten()
    }

    /// Keeps typed lines for the foreground container (`true`), or stops, keeping what it did
    /// not read for the terminal (`false`), as a shell reads what was typed ahead of it.
    fn capture(&self, on: bool) {
        let mut state = self.0.borrow_mut();
        let unread = std::mem::replace(&mut state.captured, on.then(VecDeque::new));
        state.leftover.extend(unread.into_iter().flatten().flatten());
    }

    /// The lines typed ahead of a container that ended without reading them.
    pub fn take_leftover(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut().leftover)
    }

    /// Hands a typed line (or, as `None`, the end of input) to whoever reads the terminal now;
    /// gives it back if nobody does.
    fn give(&self, line: Option<String>) -> Result<(), Option<String>> {
        let mut state = self.0.borrow_mut();
        if let Some(reader) = state.reader.take() {
            return reader.send(line);
        }
        match &mut state.captured {
            Some(queue) => {
                queue.push_back(line);
                Ok(())
            }
            None => Err(line),
        }
    }

    /// Hands a typed line to the command reading the terminal; gives the line back if none does.
    pub fn offer(&self, line: String) -> Result<(), String> {
        self.give(Some(line)).map_err(Option::unwrap_or_default)
    }

    /// Wakes a command waiting for a line, as if the input ended, so it can see a Ctrl-C.
    pub fn wake(&self) {
        if let Some(reader) = self.0.borrow_mut().reader.take() {
            let _ = reader.send(None);
        }
    }

    /// Ends the input of the command reading the terminal (Ctrl-D); whether one was reading.
    pub fn offer_end(&self) -> bool {
        self.give(None).is_ok()
    }
}

/// Ctrl-C, raised by the terminal and taken by the command waiting in the foreground.
#[derive(Clone, Default)]
pub struct Interrupt(Rc<std::cell::Cell<bool>>);

impl Interrupt {
    pub fn raise(&self) {
        self.0.set(true);
    }

    fn take(&self) -> bool {
        self.0.replace(false)
    }

    fn raised(&self) -> bool {
        self.0.get()
    }
}

/// How a wait on a container ends, besides the container's own end, and what Ctrl-C does to it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending {
    /// The container runs in the foreground: the docker CLI passes Ctrl-C on, and its process
    /// dies of it.
    Foreground,
    /// The command only watches (`logs -f`, `wait`): Ctrl-C stops the watching; the container
    /// runs on.
    Watching,
    /// `stop`'s grace period: at this time (`Date.now()` milliseconds) the daemon kills with this
    /// signal, and finishes what it started whatever Ctrl-C does to the client.
    Deadline(f64, i32),
}

/// SIGINT, which Ctrl-C sends.
const SIGINT: i32 = 2;

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
    // A pull on stderr (`run` of a missing image) comes before what the command prints.
    let streams = match reply.progress {
        Some((Stream::Stderr, _)) => [Stream::Stderr, Stream::Stdout],
        _ => [Stream::Stdout, Stream::Stderr],
    };
    for stream in streams {
        let text = if stream == Stream::Stdout { &reply.stdout } else { &reply.stderr };
        if !text.is_empty() {
            emit(Output::Text(stream, text.clone()));
        }
    }
}

/// The containers running on workers, and what the engine said when each one ended, for the
/// command waiting on it.
#[derive(Clone, Default)]
pub struct Workers {
    running: Rc<RefCell<HashMap<ContainerId, worker::Running>>>,
    ended: Rc<RefCell<HashMap<ContainerId, Reply>>>,
    /// Containers a command watches: their ends wait here until the watcher has printed their
    /// last output, since recording the end removes a `--rm` container, log and all.
    held: Rc<RefCell<HashMap<ContainerId, Option<ProcessOutcome>>>>,
    /// `-i` processes waiting on their standard input.
    wanting: Rc<RefCell<std::collections::HashSet<ContainerId>>>,
    /// The sockets of every container on this page.
    net: Rc<RefCell<PageNet>>,
    /// Moves when every worker is ended for another engine, so restarts scheduled for the old
    /// one do not start.
    epoch: Rc<std::cell::Cell<u64>>,
    /// Ctrl-C from the terminal.
    pub interrupt: Interrupt,
}

impl Workers {
    /// Starts `process` on a worker and, in the background, hands what it writes and how it ends
    /// to the engine, whether or not a command is waiting on it.
    fn spawn(&self, engine: &Rc<RefCell<Engine>>, process: &Process) -> Result<(), String> {
        let (running, mut events) = worker::spawn(process)?;
        let id = process.container.clone();
        self.running.borrow_mut().insert(id.clone(), running);
        let (engine, workers) = (engine.clone(), self.clone());
        wasm_bindgen_futures::spawn_local(async move {
            while let Some(event) = events.next().await {
                match event {
                    worker::Event::Output(stream, bytes) => engine.borrow_mut().output(&id, stream, &bytes, now()),
                    worker::Event::WantsInput => {
                        workers.wanting.borrow_mut().insert(id.clone());
                    }
                    worker::Event::Usage(memory, cpu_ns) => {
                        engine.borrow_mut().record_usage(&id, now(), memory, cpu_ns)
                    }
                    worker::Event::Net(call) => {
                        let answers = workers.net.borrow_mut().call(&id, call);
                        workers.deliver(answers);
                    }
                    worker::Event::Exit(outcome) => {
                        workers.net_ended(&id);
                        if let Some(slot) = workers.held.borrow_mut().get_mut(&id) {
                            *slot = Some(outcome);
                            break;
                        }
                        // A worker killed meanwhile has had its end recorded already.
                        if workers.running.borrow_mut().remove(&id).is_some() {
                            let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                            let reply = engine.borrow_mut().exited(&id, outcome, &mut ctx);
                            workers.ended.borrow_mut().insert(id.clone(), reply);
                            workers.spawn_restarts(&engine);
                        }
                        break;
                    }
                }
            }
        });
        Ok(())
    }

    /// Runs what restart policies started again, each after its back-off.
    fn spawn_restarts(&self, engine: &Rc<RefCell<Engine>>) {
        let restarts = engine.borrow_mut().take_restarts();
        for (process, delay) in restarts {
            let (engine, workers, epoch) = (engine.clone(), self.clone(), self.epoch.get());
            wasm_bindgen_futures::spawn_local(async move {
                sleep((delay / 1_000_000).min(i32::MAX as u64) as i32).await;
                if workers.epoch.get() != epoch {
                    return;
                }
                if workers.spawn(&engine, &process).is_err() {
                    let outcome = runtime::run(&process).await;
                    let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                    engine.borrow_mut().exited(&process.container, outcome, &mut ctx);
                }
            });
        }
    }

    /// Hands each answer to the worker that waits for it.
    fn deliver(&self, answers: Vec<(ContainerId, Answer)>) {
        let running = self.running.borrow();
        for (process, answer) in answers {
            if let Some(worker) = running.get(&process) {
                worker.answer(&answer);
            }
        }
    }

    /// A process ended: its sockets close, which may answer other processes' waits.
    fn net_ended(&self, id: &ContainerId) {
        let answers = self.net.borrow_mut().ended(id);
        self.deliver(answers);
    }

    /// Ends every worker at once, recording nothing, for an undo, a load or a reset that puts
    /// another engine in place of the one they ran in.
    pub fn terminate_all(&self) {
        for (_, running) in self.running.borrow_mut().drain() {
            running.terminate();
        }
        self.ended.borrow_mut().clear();
        self.held.borrow_mut().clear();
        self.wanting.borrow_mut().clear();
        *self.net.borrow_mut() = PageNet::default();
        self.epoch.set(self.epoch.get() + 1);
    }

    /// Ends `id`'s worker at once and records the kill.
    fn kill(&self, engine: &Rc<RefCell<Engine>>, id: &ContainerId, signal: i32) {
        if let Some(running) = self.running.borrow_mut().remove(id) {
            running.terminate();
        }
        self.net_ended(id);
        if engine.borrow().is_running(id) {
            let outcome = ProcessOutcome { status: ExitStatus::Killed(signal), output: Vec::new(), upper: None };
            let reply = engine.borrow_mut().exited(id, outcome, &mut Ctx { now: now(), entropy: &mut BrowserEntropy });
            self.ended.borrow_mut().insert(id.clone(), reply);
        }
    }

    /// Waits for `id`'s process to end, or for `ending`, printing its log from `watch` on as it
    /// grows and handing it typed lines when it reads them. Returns what the engine said when it
    /// ended.
    async fn wait(
        &self,
        engine: &Rc<RefCell<Engine>>,
        id: &ContainerId,
        ending: Ending,
        mut watch: Option<Follow>,
        stdin: Option<&Stdin>,
        emit: &impl Fn(Output),
    ) -> Option<Reply> {
        let reply = self.wait_for(engine, id, ending, &mut watch, stdin, emit).await;
        if let Some(stdin) = stdin {
            stdin.capture(false);
        }
        reply
    }

    async fn wait_for(
        &self,
        engine: &Rc<RefCell<Engine>>,
        id: &ContainerId,
        ending: Ending,
        watch: &mut Option<Follow>,
        stdin: Option<&Stdin>,
        emit: &impl Fn(Output),
    ) -> Option<Reply> {
        if let Some(stdin) = stdin {
            stdin.capture(true);
        }
        self.held.borrow_mut().insert(id.clone(), None);
        loop {
            match ending {
                Ending::Foreground if self.interrupt.take() => self.kill(engine, id, SIGINT),
                Ending::Watching if self.interrupt.take() => {
                    self.held.borrow_mut().remove(id);
                    return None;
                }
                _ => {}
            }
            if let Some(follow) = watch.as_mut() {
                let text = engine.borrow().follow_text(id, follow);
                print(&text, emit).await;
            }
            // An attached `-i` process reads: the next line typed is its, Ctrl-D its end.
            let reads = stdin.filter(|_| self.wanting.borrow_mut().remove(id));
            if let Some(stdin) = reads {
                let line = stdin.read_line().await;
                // Ctrl-C woke the read: the process ends rather than reading the end of input.
                if self.interrupt.raised() {
                    continue;
                }
                if let Some(line) = &line {
                    emit(Output::Text(Stream::Stdout, format!("{line}\n")));
                }
                if let Some(running) = self.running.borrow().get(id) {
                    running.send_input(line.map(|l| format!("{l}\n").into_bytes()).as_deref());
                }
                continue;
            }
            let held = self.held.borrow_mut().get_mut(id).and_then(Option::take);
            if let Some(outcome) = held {
                // The last output is in the log and printed above; now the end may be recorded.
                self.held.borrow_mut().remove(id);
                self.running.borrow_mut().remove(id);
                let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                let reply = engine.borrow_mut().exited(id, outcome, &mut ctx);
                self.spawn_restarts(engine);
                return Some(reply);
            }
            if let Some(reply) = self.ended.borrow_mut().remove(id) {
                self.held.borrow_mut().remove(id);
                return Some(reply);
            }
            if !self.running.borrow().contains_key(id) {
                self.held.borrow_mut().remove(id);
                return None;
            }
            if let Ending::Deadline(deadline, signal) = ending {
                if js_sys::Date::now() >= deadline {
                    self.kill(engine, id, signal);
                    continue;
                }
            }
            sleep(25).await;
        }
    }
}

/// The most a response shown in the page may hold, and how long the page waits for it.
const MAX_RESPONSE: usize = 4 << 20;
const RESPONSE_TIMEOUT_MS: f64 = 10_000.0;

impl Workers {
    /// Asks whatever listens behind the page's published `host_port` for `path`, as a browser
    /// on the host would, and returns the raw HTTP response; or why there is none, in curl's
    /// words.
    pub async fn http_get(&self, engine: &Rc<RefCell<Engine>>, host_port: u16, path: &str) -> Result<String, String> {
        let refused = || format!("Failed to connect to localhost port {host_port}: Connection refused");
        let to =
            engine.borrow().published().into_iter().find(|(_, f)| f.host_port == host_port).ok_or_else(refused)?.1.to;
        let owner = self.net.borrow_mut().client();
        let conn = self.net.borrow_mut().switch().connect(owner, &to).map_err(|_| refused())?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost:{host_port}\r\nUser-Agent: Dockyard\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
        let sent = self.net.borrow_mut().switch().send(conn, request.as_bytes());
        self.retry_parked();
        let mut response = Vec::new();
        let started = js_sys::Date::now();
        let result = match sent {
            Err(_) => Err("Recv failure: Connection reset by peer".to_string()),
            Ok(_) => loop {
                let got = self.net.borrow_mut().switch().recv(conn, 64 << 10, false);
                self.retry_parked();
                match got {
                    Ok(bytes) if bytes.is_empty() => break Ok(String::from_utf8_lossy(&response).into_owned()),
                    Ok(bytes) => {
                        response.extend(bytes);
                        if response.len() > MAX_RESPONSE {
                            break Err("the response is too large to show".to_string());
                        }
                    }
                    Err(dockyard_engine::wasi::Errno::Again) => {
                        if js_sys::Date::now() - started > RESPONSE_TIMEOUT_MS {
                            break Err(format!("Operation timed out after {RESPONSE_TIMEOUT_MS} milliseconds"));
                        }
                        sleep(20).await;
                    }
                    Err(_) => break Err("Recv failure: Connection reset by peer".to_string()),
                }
            },
        };
        self.net.borrow_mut().switch().release(owner);
        self.retry_parked();
        result
    }

    /// Answers the workers' calls that the page's own use of the switch unblocked.
    fn retry_parked(&self) {
        let answers = self.net.borrow_mut().retry();
        self.deliver(answers);
    }
}

/// What a session needs besides the engine: the terminal's input, the running containers, and
/// the build context the Dockerfile tab edits.
#[derive(Clone, Default)]
pub struct Host {
    pub stdin: Stdin,
    pub workers: Workers,
    pub workspace: Rc<RefCell<Workspace>>,
}

/// Runs `line`, sending output to `emit` as it becomes known, and returns the exit code.
pub async fn execute(engine: Rc<RefCell<Engine>>, line: &str, host: &Host, emit: impl Fn(Output)) -> i32 {
    let stdin = &host.stdin;
    let workers = &host.workers;
    // A Ctrl-C pressed while nothing ran is not this command's.
    workers.interrupt.take();
    let first = engine.borrow_mut().execute(line, &mut Ctx { now: now(), entropy: &mut BrowserEntropy });
    // The command's steps, one container at a time for commands on several.
    let mut sequence = Sequence::default();
    let mut step = Some(sequence.current(first));
    while let Some(current) = step.take() {
        let reply = match current {
            then @ Step::Then { .. } => {
                step = Some(sequence.current(then));
                continue;
            }
            Step::Done(reply) => reply,
            Step::Launch(launch) => {
                print(&launch.before, &emit).await;
                let id = launch.process.container.clone();
                let from = engine.borrow().log_text(&id, 0, false).1;
                match workers.spawn(&engine, &launch.process) {
                    Ok(()) => workers
                        .wait(
                            &engine,
                            &id,
                            Ending::Foreground,
                            Some(Follow::new(from, false)),
                            launch.process.interactive.then_some(stdin),
                            &emit,
                        )
                        .await
                        .unwrap_or_else(|| Reply::err("dockyard: the container's worker vanished", 125)),
                    // Without workers (an old browser), the process runs here, to its end.
                    Err(_) => {
                        let outcome = runtime::run(&launch.process).await;
                        for (stream, bytes) in &outcome.output {
                            emit(Output::Text(*stream, String::from_utf8_lossy(bytes).into_owned()));
                        }
                        let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                        engine.borrow_mut().exited(&id, outcome, &mut ctx)
                    }
                }
            }
            Step::Spawn { processes, reply } => {
                for process in processes {
                    if workers.spawn(&engine, &process).is_err() {
                        // Without workers, a background process runs to its end before the reply.
                        let outcome = runtime::run(&process).await;
                        let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                        engine.borrow_mut().exited(&process.container, outcome, &mut ctx);
                    }
                }
                reply
            }
            Step::Await { container, kill_after, signal, follow, reply } => {
                let watch = match follow {
                    Some(follow) => {
                        print(&follow.before, &emit).await;
                        Some(follow)
                    }
                    None => None,
                };
                let ending = match kill_after {
                    Some(ns) => Ending::Deadline(js_sys::Date::now() + ns as f64 / 1e6, signal),
                    None => Ending::Watching,
                };
                if workers.running.borrow().contains_key(&container) {
                    workers.wait(&engine, &container, ending, watch, None, &emit).await;
                } else if engine.borrow().is_running(&container) {
                    // Nothing runs it in this page (it was running when the page was last open).
                    workers.kill(&engine, &container, signal);
                }
                workers.ended.borrow_mut().remove(&container);
                reply
            }
            // A worker sleeps at its next call while paused; a page that cannot share memory with
            // its workers cannot pause them, which the terminal says.
            Step::Pause { container, paused, mut reply } => {
                let done = workers.running.borrow().get(&container).is_some_and(|r| r.set_paused(paused));
                if paused && !done {
                    reply
                        .stderr
                        .push_str("dockyard: this page cannot pause a container's program, which keeps running\n");
                }
                reply
            }
            // The page cannot write into the learner's folders; it hands the archive to the
            // browser as a download under the name given with -o.
            Step::Write { path, bytes, action, then } => {
                let name = upload::file_name(&path).unwrap_or("archive.tar");
                upload::download(name, &bytes.0)
                    .map_or_else(|e| Reply::err(format!("failed to {action}: {e}"), 1), |()| then)
            }
            Step::Read { path, then } => {
                let reason = format!("docker reads {path} from your computer: choose {}.", then.purpose());
                let read = match upload::choose_file(&reason).await {
                    Ok(Some(file)) => Ok(file.bytes),
                    Ok(None) => Err(format!("open {path}: no file was chosen")),
                    Err(e) => Err(format!("open {path}: {e}")),
                };
                let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                let next = engine.borrow_mut().read_done(then, read, &mut ctx);
                step = Some(sequence.current(next));
                continue;
            }
            Step::CopyOut { tree, source, dest, then } => download_tree(&tree, &source, &dest, then),
            Step::Fetch { registry, blobs, before, then } => {
                print(&before, &emit).await;
                let mut failed = None;
                for blob in &blobs {
                    let fetched = fetch_blob(&blob.digest).await.and_then(|bytes| {
                        engine.borrow_mut().blob_fetched(&registry, &bytes).map_err(|e| e.to_string())?;
                        // The engine took it, so it is the hub's: a hub that has it already
                        // (from a fetch before a reset) keeps the copy it has.
                        HUB.with(|hub| drop(hub.borrow_mut().add_blob(&bytes)));
                        Ok(())
                    });
                    if let Err(why) = fetched {
                        failed = Some(why);
                        break;
                    }
                }
                match failed {
                    Some(why) => Reply::err(format!("Error response from daemon: {why}"), 1),
                    None => {
                        let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                        let next = engine.borrow_mut().execute_command(then, &mut ctx);
                        step = Some(sequence.current(next));
                        continue;
                    }
                }
            }
            // Templates and Compose files are read by the annex, a second module loaded once.
            Step::LoadAnnex { then } => match crate::annex::load().await {
                Ok(()) => {
                    let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                    let next = engine.borrow_mut().execute_command(then, &mut ctx);
                    step = Some(sequence.current(next));
                    continue;
                }
                Err(why) => Reply::err(format!("dockyard: the engine's annex (annex.js) did not load: {why}"), 1),
            },
            Step::ReadContext { path, then } => {
                // `.` is the Dockerfile tab's files while they hold a Dockerfile; any other
                // folder is on the learner's computer.
                let workspace = host.workspace.borrow().context(&path);
                let reason = format!("{} reads the folder {path} from your computer: choose it.", then.command());
                let context = match workspace {
                    Some(tree) => Ok(tree),
                    None => match upload::choose_folder(&reason).await {
                        Ok(Some(files)) => Ok(context_tree(files)),
                        Ok(None) => Err(format!("path {path:?} not found: no folder was chosen")),
                        Err(e) => Err(e),
                    },
                };
                let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                let next = engine.borrow_mut().context_done(then, context, &mut ctx);
                step = Some(sequence.current(next));
                continue;
            }
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
                    let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
                    let next = engine.borrow_mut().execute_command(command, &mut ctx);
                    step = Some(sequence.current(next));
                    continue;
                }
            }
        };
        print(&reply, &emit).await;
        let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
        step = sequence.finished(&reply, &mut engine.borrow_mut(), &mut ctx);
    }
    sequence.exit_code()
}

/// A chosen folder's files as a build context: the folder itself, each file's directories, and
/// the files, with their times.
fn context_tree(files: Vec<upload::Chosen>) -> Tree {
    let mut layer = dockyard_engine::layer::Layer::default();
    for file in files {
        let mut dir = String::new();
        let parts: Vec<&str> = file.path.split('/').filter(|p| !p.is_empty()).collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            dir = if dir.is_empty() { part.to_string() } else { format!("{dir}/{part}") };
            if layer.get(&dir).is_none() {
                let _ = layer.insert(&dir, Entry::dir(0o755));
            }
        }
        let mut entry = Entry::file(file.bytes, 0o644);
        entry.mtime = (file.modified.max(0.0) as u64).saturating_mul(1_000_000);
        let _ = layer.insert(&parts.join("/"), entry);
    }
    let mut entries = vec![(String::new(), Entry::dir(0o755))];
    entries.extend(layer.entries);
    Tree { entries }
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
