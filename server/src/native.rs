//! The native docker CLI: `dockyard run hello-world` runs the engine here, its processes in
//! wasmtime, with state kept in a data folder so successive commands build on each other.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::progress::Progress;
use dockyard_engine::registry::Registry;
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, Reply, Step, Timestamp};

use crate::host_fs;
use crate::wasm_host::{OsEntropy, WasmHost};

/// The engine, its state folder, and the wasmtime host that runs its processes.
pub struct Native {
    engine: Engine,
    state_file: PathBuf,
    host: WasmHost,
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
        Ok(Native { engine, state_file, host: WasmHost::new() })
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
        let mut entropy = OsEntropy;
        let mut step = self.engine.execute(line, &mut Ctx { now: now(), entropy: &mut entropy });
        // A step may lead to another (a confirmed prune runs the command it asked about).
        let reply = loop {
            step = match step {
                Step::Done(reply) => break reply,
                Step::Launch(launch) => {
                    print_reply(&launch.before, out, err)?;
                    let outcome = self.host.run(&launch.process);
                    for (stream, bytes) in &outcome.output {
                        match stream {
                            Stream::Stdout => out.write_all(bytes)?,
                            Stream::Stderr => err.write_all(bytes)?,
                        }
                    }
                    let mut ctx = Ctx { now: now(), entropy: &mut entropy };
                    break self.engine.exited(&launch.process.container, outcome, &mut ctx);
                }
                Step::Write { path, bytes, action, then } => {
                    break write_archive(&path, &bytes.0, action).map_or_else(|e| Reply::err(e, 1), |()| then);
                }
                Step::Read { path } => match std::fs::read(&path) {
                    Ok(bytes) => break self.engine.load_archive(&bytes),
                    Err(e) => break Reply::err(format!("open {path}: {}", io_words(&e)), 1),
                },
                Step::CopyOut { tree, source, dest, then } => {
                    break host_fs::place(&tree, &source, &dest).map_or_else(|e| Reply::err(e, 1), |()| then);
                }
                Step::CopyIn { source, follow_link, target } => match host_fs::read_tree(&source, follow_link) {
                    Ok(tree) => break self.engine.copy_in(target, tree),
                    Err(e) => break Reply::err(e, 1),
                },
                Step::Confirm { prompt, command, declined } => {
                    write!(out, "{prompt}")?;
                    out.flush()?;
                    let mut answer = String::new();
                    input.read_line(&mut answer)?;
                    if !answer.trim_end_matches(['\r', '\n']).eq_ignore_ascii_case("y") {
                        break declined;
                    }
                    self.engine.execute_command(command, &mut Ctx { now: now(), entropy: &mut entropy })
                }
            };
        };
        print_reply(&reply, out, err)?;
        self.save()?;
        Ok(reply.exit_code)
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
    out.write_all(stdout.as_bytes())?;
    err.write_all(stderr.as_bytes())?;
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
