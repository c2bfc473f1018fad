//! The native docker CLI: `dockyard run hello-world` runs the engine here, its processes in
//! wasmtime, with state kept in a data folder so successive commands build on each other.

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::container::ContainerId;
use dockyard_engine::progress::Progress;
use dockyard_engine::registry::Registry;
use dockyard_engine::sequence::Sequence;
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, ExitStatus, Follow, Process, ProcessOutcome, Reply, Step, Timestamp};

use crate::host_fs;
use crate::wasm_host::{Control, OsEntropy, OutputSink, WasmHost};
use dockyard_engine::wasi::Input;

/// The engine, its state folder, and the wasmtime host that runs its processes.
pub struct Native {
    engine: Engine,
    state_file: PathBuf,
    host: Arc<WasmHost>,
    /// The processes running now, each on a thread of its own, by container.
    running: HashMap<ContainerId, Arc<Control>>,
    /// Where to send the lines of `-i` processes' standard input, and which of them wait for one.
    stdin: HashMap<ContainerId, Sender<Vec<u8>>>,
    wanting: std::collections::HashSet<ContainerId>,
    events: Receiver<Event>,
    sender: Sender<Event>,
}

/// The signal a daemon's shutdown ends containers with.
const SIGKILL: i32 = 9;

/// What a process thread tells the CLI.
enum Event {
    Output(ContainerId, Stream, Vec<u8>),
    /// The process waits on its standard input (`-i`).
    WantsInput(ContainerId),
    Exited(ContainerId, ProcessOutcome),
}

/// A `-i` process's standard input: lines the CLI sends it, asked for when the process reads.
struct LineInput {
    id: ContainerId,
    lines: Receiver<Vec<u8>>,
    events: Sender<Event>,
    control: Arc<Control>,
    pending: Vec<u8>,
    ended: bool,
}

impl Input for LineInput {
    fn read(&mut self, max: usize, flush: Vec<(Stream, Vec<u8>)>) -> Vec<u8> {
        for (stream, bytes) in flush {
            let _ = self.events.send(Event::Output(self.id.clone(), stream, bytes));
        }
        if self.pending.is_empty() && !self.ended {
            let _ = self.events.send(Event::WantsInput(self.id.clone()));
            loop {
                match self.lines.recv_timeout(std::time::Duration::from_millis(10)) {
                    Ok(line) if line.is_empty() => self.ended = true,
                    Ok(line) => self.pending = line,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) if self.control.killed().is_none() => continue,
                    Err(_) => self.ended = true,
                }
                break;
            }
        }
        let take = self.pending.len().min(max);
        self.pending.drain(..take).collect()
    }
}

/// The simulated Docker Hub with the built-in images, from the programs compiled into this binary.
pub fn docker_hub() -> anyhow::Result<Registry> {
    let programs = dockyard_workloads::ALL.iter().fold(Programs::default(), |p, (name, bytes)| p.with(name, bytes));
    Ok(builtin::docker_hub(&programs)?)
}

/// Where state lives: DOCKYARD_HOME, else the XDG data folder, else ~/.local/share/dockyard.
pub fn home() -> PathBuf {
    if let Some(home) = std::env::var_os("DOCKYARD_HOME") {
        return PathBuf::from(home);
    }
    if let Some(data) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(data).join("dockyard");
    }
    let user_home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    user_home.join(".local/share/dockyard")
}

pub fn now() -> Timestamp {
    Timestamp(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0))
}

impl Native {
    /// Opens the state in `home`. Unreadable state is kept aside, never overwritten, and the
    /// engine starts empty, so nothing is lost.
    pub fn open(home: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(home).with_context(|| format!("cannot create the data folder {}", home.display()))?;
        let state_file = home.join("state.json");
        let engine = match std::fs::read_to_string(&state_file) {
            Ok(json) => match Engine::restore(&json, docker_hub()?, now()) {
                Ok(engine) => engine,
                Err(e) => {
                    let aside = home.join(format!("state.json.unreadable-{}", now().as_nanos()));
                    std::fs::rename(&state_file, &aside)?;
                    eprintln!("dockyard: {e}; kept the old state as {} and started afresh", aside.display());
                    Engine::new(docker_hub()?)
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Engine::new(docker_hub()?),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", state_file.display())),
        };
        let (sender, events) = std::sync::mpsc::channel();
        Ok(Native {
            engine,
            state_file,
            host: Arc::new(WasmHost::new().with_network(crate::net::Network::new())),
            running: HashMap::new(),
            stdin: HashMap::new(),
            wanting: Default::default(),
            events,
            sender,
        })
    }

    /// Runs one docker command line, printing as docker prints, and returns its exit code.
    /// `input` answers the questions some commands ask (`image prune`'s y/N).
    pub fn execute(
        &mut self,
        line: &str,
        input: &mut dyn BufRead,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> anyhow::Result<i32> {
        self.apply_events(None);
        self.record_usage();
        if matches!(dockyard_engine::cli::parse(line), Ok(dockyard_engine::cli::Command::Stats { .. })) {
            // CPU use is a rate: measure it over half a second, as docker stats samples it.
            std::thread::sleep(std::time::Duration::from_millis(500));
            self.apply_events(None);
            self.record_usage();
        }
        // As the docker CLI, refuse a terminal for the container when this one has none.
        let wants_tty = match dockyard_engine::cli::parse(line) {
            Ok(dockyard_engine::cli::Command::Run(options)) => options.tty && options.interactive,
            Ok(dockyard_engine::cli::Command::Exec(options)) => options.tty && options.interactive,
            _ => false,
        };
        if wants_tty && !std::io::stdin().is_terminal() {
            print_reply(&Reply::err("the input device is not a TTY", 1), out, err)?;
            return Ok(1);
        }
        let mut entropy = OsEntropy;
        let first = self.engine.execute(line, &mut Ctx { now: now(), entropy: &mut entropy });
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
                    print_reply(&launch.before, out, err)?;
                    let id = launch.process.container.clone();
                    // An attached process's output is printed from the container's log as it grows.
                    let from = self.engine.log_text(&id, 0, false).1;
                    self.spawn(launch.process);
                    self.wait_for(&id, None, Some(Follow::new(from, false)), input, out, err)?
                        .unwrap_or_else(|| Reply::err("dockyard: the container's process vanished", 125))
                }
                Step::Spawn { processes, reply } => {
                    for process in processes {
                        self.spawn(process);
                    }
                    reply
                }
                Step::Await { container, kill_after, signal, follow, reply } => {
                    let watch = follow.inspect(|f| {
                        print_reply(&f.before, out, err).ok();
                    });
                    let deadline = kill_after.map(|ns| std::time::Instant::now() + std::time::Duration::from_nanos(ns));
                    if self.running.contains_key(&container) {
                        let kill = deadline.map(|d| (d, signal));
                        self.wait_for(&container, kill, watch, input, out, err)?;
                    } else if self.engine.is_running(&container) {
                        // Nothing runs it here (it was running when an earlier dockyard ended).
                        let outcome =
                            ProcessOutcome { status: ExitStatus::Killed(signal), output: Vec::new(), upper: None };
                        self.engine.exited(&container, outcome, &mut Ctx { now: now(), entropy: &mut entropy });
                    }
                    reply
                }
                Step::Pause { container, paused, reply } => {
                    if let Some(control) = self.running.get(&container) {
                        control.set_paused(paused);
                    }
                    reply
                }
                Step::Write { path, bytes, action, then } => {
                    write_archive(&path, &bytes.0, action).map_or_else(|e| Reply::err(e, 1), |()| then)
                }
                Step::Read { path, then } => {
                    let read = std::fs::read(&path).map_err(|e| format!("open {path}: {}", io_words(&e)));
                    let next = self.engine.read_done(then, read, &mut Ctx { now: now(), entropy: &mut entropy });
                    step = Some(sequence.current(next));
                    continue;
                }
                Step::CopyOut { tree, source, dest, then } => {
                    host_fs::place(&tree, &source, &dest).map_or_else(|e| Reply::err(e, 1), |()| then)
                }
                Step::ReadContext { path, mut then } => {
                    // Compose names a project after its folder: `.` is the working directory.
                    let folder = std::fs::canonicalize(&path).ok();
                    if let Some(name) = folder.as_ref().and_then(|f| f.file_name()) {
                        then.name_folder(&name.to_string_lossy());
                    }
                    let context = match std::path::Path::new(&path).is_dir() {
                        true => host_fs::read_tree(&path, true),
                        false => Err(format!("path {path:?} not found")),
                    };
                    let next = self.engine.context_done(then, context, &mut Ctx { now: now(), entropy: &mut entropy });
                    step = Some(sequence.current(next));
                    continue;
                }
                // The native Docker Hub is built with every blob in it, so no pull asks for one.
                Step::Fetch { before, blobs, .. } => before.then(Reply::err(
                    format!(
                        "Error response from daemon: dockyard cannot fetch the {} blobs this pull needs",
                        blobs.len()
                    ),
                    1,
                )),
                // The native binary is built with the annex, so no command waits for it.
                Step::LoadAnnex { .. } => {
                    Reply::err("dockyard: this build has no annex, which the command needs".to_string(), 1)
                }
                Step::CopyIn { source, follow_link, target } => match host_fs::read_tree(&source, follow_link) {
                    Ok(tree) => self.engine.copy_in(target, tree),
                    Err(e) => Reply::err(e, 1),
                },
                Step::Confirm { prompt, command, declined } => {
                    write!(out, "{prompt}")?;
                    out.flush()?;
                    let mut answer = String::new();
                    input.read_line(&mut answer)?;
                    if !answer.trim_end_matches(['\r', '\n']).eq_ignore_ascii_case("y") {
                        declined
                    } else {
                        let next = self.engine.execute_command(command, &mut Ctx { now: now(), entropy: &mut entropy });
                        step = Some(sequence.current(next));
                        continue;
                    }
                }
            };
            print_reply(&reply, out, err)?;
            step = sequence.finished(&reply, &mut self.engine, &mut Ctx { now: now(), entropy: &mut entropy });
        }
        self.save()?;
        Ok(sequence.exit_code())
    }

    /// Tells the engine what each running process uses now.
    fn record_usage(&mut self) {
        for (id, control) in &self.running {
            let (memory, cpu_ns) = control.usage();
            self.engine.record_usage(id, now(), memory, cpu_ns);
        }
    }

    /// Runs what restart policies started again, each after its back-off.
    fn spawn_restarts(&mut self) {
        for (process, delay) in self.engine.take_restarts() {
            self.spawn_after(process, std::time::Duration::from_nanos(delay));
        }
    }

    /// Starts `process` on a thread of its own; its output and its end arrive as events.
    fn spawn(&mut self, process: Process) {
        self.spawn_after(process, std::time::Duration::ZERO);
    }

    /// As [`Native::spawn`], after `delay` (a restart policy's back-off).
    fn spawn_after(&mut self, process: Process, delay: std::time::Duration) {
        let control = Arc::new(Control::default());
        let id = process.container.clone();
        self.running.insert(id.clone(), control.clone());
        let (host, sender) = (self.host.clone(), self.sender.clone());
        let input: Option<Box<dyn Input + Send>> = process.interactive.then(|| {
            let (lines_in, lines) = std::sync::mpsc::channel();
            self.stdin.insert(id.clone(), lines_in);
            let input = LineInput {
                id: id.clone(),
                lines,
                events: sender.clone(),
                control: control.clone(),
                pending: Vec::new(),
                ended: false,
            };
            Box::new(input) as Box<dyn Input + Send>
        });
        std::thread::spawn(move || {
            let output_sender = sender.clone();
            let output_id = id.clone();
            let sink: OutputSink = Box::new(move |stream, bytes| {
                let _ = output_sender.send(Event::Output(output_id.clone(), stream, bytes));
            });
            std::thread::sleep(delay);
            let outcome = host.run_controlled(&process, control, Some(sink), input);
            let _ = sender.send(Event::Exited(id, outcome));
        });
    }

    /// Applies what the process threads reported so far (or, with `block`, waits up to that
    /// long for the next report), and returns the engine's replies to the processes that ended.
    fn apply_events(&mut self, block: Option<std::time::Duration>) -> Vec<(ContainerId, Reply)> {
        self.apply_events_holding(block, None).0
    }

    /// As [`Native::apply_events`], but the end of `hold` is not applied: its last output goes
    /// to the log and its outcome is returned, so the caller can print the log before the end
    /// (which removes a `--rm` container, log and all) is recorded.
    fn apply_events_holding(
        &mut self,
        block: Option<std::time::Duration>,
        hold: Option<&ContainerId>,
    ) -> (Vec<(ContainerId, Reply)>, Option<ProcessOutcome>) {
        let mut ended = Vec::new();
        let first = match block {
            Some(timeout) => self.events.recv_timeout(timeout).ok(),
            None => self.events.try_recv().ok(),
        };
        let mut event = first;
        while let Some(current) = event {
            let mut entropy = OsEntropy;
            match current {
                Event::Output(id, stream, bytes) => self.engine.output(&id, stream, &bytes, now()),
                Event::WantsInput(id) => {
                    self.wanting.insert(id);
                }
                Event::Exited(id, mut outcome) if hold == Some(&id) => {
                    for (stream, bytes) in std::mem::take(&mut outcome.output) {
                        self.engine.output(&id, stream, &bytes, now());
                    }
                    return (ended, Some(outcome));
                }
                Event::Exited(id, outcome) => {
                    self.running.remove(&id);
                    let reply = self.engine.exited(&id, outcome, &mut Ctx { now: now(), entropy: &mut entropy });
                    self.spawn_restarts();
                    ended.push((id, reply));
                }
            }
            event = self.events.try_recv().ok();
        }
        (ended, None)
    }

    /// Waits for `id`'s process to end, killing it at `kill`'s time with its signal. With `watch`
    /// (a log index, and whether to stamp times), prints the container's log as it grows, and
    /// gives a `-i` process the CLI's input lines when it reads. Returns the engine's reply to
    /// the process's end.
    fn wait_for(
        &mut self,
        id: &ContainerId,
        kill: Option<(std::time::Instant, i32)>,
        mut watch: Option<Follow>,
        input: &mut dyn BufRead,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> anyhow::Result<Option<Reply>> {
        loop {
            if let Some((_, signal)) = kill.filter(|(deadline, _)| std::time::Instant::now() >= *deadline) {
                if let Some(control) = self.running.get(id) {
                    control.kill(signal);
                }
            }
            let (_, held) = self.apply_events_holding(Some(std::time::Duration::from_millis(20)), Some(id));
            if let Some(follow) = watch.as_mut() {
                let text = self.engine.follow_text(id, follow);
                print_reply(&text, out, err)?;
            }
            // The process reads its standard input: the next line the CLI has is its, and the
            // end of the CLI's input is the end of its own, as Ctrl-D at a terminal.
            if watch.is_some() && self.wanting.remove(id) {
                let mut line = String::new();
                input.read_line(&mut line)?;
                if let Some(stdin) = self.stdin.get(id) {
                    let _ = stdin.send(line.into_bytes());
                }
            }
            if let Some(outcome) = held {
                self.stdin.remove(id);
                self.wanting.remove(id);
                self.running.remove(id);
                let mut entropy = OsEntropy;
                let reply = self.engine.exited(id, outcome, &mut Ctx { now: now(), entropy: &mut entropy });
                self.spawn_restarts();
                return Ok(Some(reply));
            }
            if !self.running.contains_key(id) {
                return Ok(None);
            }
        }
    }

    /// The engine, for what tests and lessons check of its state.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Ends every background process, as a daemon that shuts down kills its containers, and
    /// records their ends: the shell that kept them alive is going away.
    pub fn shutdown(&mut self) -> anyhow::Result<()> {
        for control in self.running.values() {
            control.kill(SIGKILL);
        }
        self.finish()
    }

    /// Waits for every background process to end, so their ends are recorded before a one-shot
    /// `dockyard` exits; a process outliving the command would otherwise be lost with it.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        while !self.running.is_empty() {
            self.apply_events(Some(std::time::Duration::from_millis(50)));
        }
        self.save()
    }

    /// Writes the state through a temporary file, so a crash mid-write leaves the old state whole.
    fn save(&self) -> anyhow::Result<()> {
        let tmp = self.state_file.with_extension("json.tmp");
        std::fs::write(&tmp, self.engine.save())?;
        std::fs::rename(&tmp, &self.state_file)?;
        Ok(())
    }

    /// Reads command lines from `input` until it ends or says `exit`; returns the last exit code.
    pub fn shell(&mut self, input: &mut dyn BufRead, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<i32> {
        let interactive = std::io::stdin().is_terminal();
        let mut last = 0;
        let mut line = String::new();
        loop {
            if interactive {
                write!(out, "$ ")?;
                out.flush()?;
            }
            line.clear();
            if input.read_line(&mut line)? == 0 {
                break;
            }
            let command = line.trim();
            if command.is_empty() || command.starts_with('#') {
                continue;
            }
            if command == "exit" {
                break;
            }
            last = self.execute(command, input, out, err)?;
            out.flush()?;
        }
        self.shutdown()?;
        Ok(last)
    }
}

/// Writes the archive of `docker save -o` or `docker export -o`, refusing a missing folder with the
/// docker CLI's words.
fn write_archive(path: &str, bytes: &[u8], action: &str) -> Result<(), String> {
    let parent = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent.filter(|d| !d.is_dir()) {
        return Err(format!(
            "failed to {action}: invalid output path: directory {:?} does not exist",
            dir.display().to_string()
        ));
    }
    std::fs::write(path, bytes).map_err(|e| format!("failed to {action}: open {path}: {}", io_words(&e)))
}

/// An I/O error as Go prints it ("no such file or directory"), without Rust's "(os error 2)".
pub(crate) fn io_words(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

fn print_reply(reply: &Reply, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<()> {
    let (mut stdout, mut stderr) = (reply.stdout.as_str(), reply.stderr.as_str());
    // On a terminal, a pull's or push's layers move as they do under docker; the rest follows.
    if let Some((stream, progress)) = &reply.progress {
        let on_terminal = match stream {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        };
        if on_terminal {
            let done = progress.text();
            match stream {
                Stream::Stdout => {
                    animate(progress, out)?;
                    stdout = stdout.strip_prefix(done.as_str()).unwrap_or(stdout);
                }
                Stream::Stderr => {
                    animate(progress, err)?;
                    stderr = stderr.strip_prefix(done.as_str()).unwrap_or(stderr);
                }
            }
        }
    }
    // A pull on stderr (`run` of a missing image) comes before what the command prints.
    if matches!(reply.progress, Some((Stream::Stderr, _))) {
        err.write_all(stderr.as_bytes())?;
        err.flush()?;
        out.write_all(stdout.as_bytes())?;
    } else {
        out.write_all(stdout.as_bytes())?;
        err.write_all(stderr.as_bytes())?;
    }
    out.flush()?;
    err.flush()
}

/// Redraws the progress frames in place, as docker does on a terminal, until the last one.
fn animate(progress: &Progress, w: &mut dyn Write) -> std::io::Result<()> {
    let start = std::time::Instant::now();
    let mut drawn = 0;
    loop {
        let t = start.elapsed().as_millis() as u64;
        let frame = progress.frame(t);
        if drawn > 0 {
            // Back to the first line drawn, then each line cleared and written again.
            write!(w, "\x1b[{drawn}A")?;
        }
        for line in frame.lines() {
            writeln!(w, "\x1b[2K{line}")?;
        }
        drawn = frame.lines().count();
        w.flush()?;
        if t >= progress.end() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(60));
    }
}
