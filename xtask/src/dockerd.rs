//! A private Docker daemon under target/docker, so tests never touch the machine's own Docker.
//!
//! It runs without networking (no bridge, no iptables) and never pulls from a registry: the
//! `busybox:latest` image the tests need is built locally from the host's static busybox.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::process::{self, describe};
use crate::tools;
use crate::Repo;

/// How long dockerd may take to answer after it starts.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long dockerd may take to shut down after SIGTERM before it gets SIGKILL.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(20);
/// A unix socket path must fit in `sun_path`: 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;
/// The longest socket path containerd and libnetwork create below the exec-root (measured
/// with dockerd 20.10: containerd/containerd-debug.sock and containerd/containerd.sock.ttrpc).
const LONGEST_SOCKET_BELOW_EXEC_ROOT: &str = "/containerd/containerd.sock.ttrpc";

/// Where the private daemon keeps its socket and state.
pub struct Layout {
    pub dir: PathBuf,
    pub socket: PathBuf,
    pub data_root: PathBuf,
    pub exec_root: PathBuf,
    pub pidfile: PathBuf,
    pub log: PathBuf,
}

impl Layout {
    pub fn new(repo: &Repo) -> Layout {
        let dir = repo.target.join("docker");
        // A deep checkout would push socket paths past the kernel's limit, so in that case the
        // sockets move to a short directory in /tmp named after the checkout.
        let short = PathBuf::from(format!("/tmp/dockyard-exec-{:08x}", short_hash(&dir)));
        let mut socket = dir.join("docker.sock");
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            socket = short.with_extension("sock");
        }
        let mut exec_root = dir.join("exec");
        if exec_root.as_os_str().len() + LONGEST_SOCKET_BELOW_EXEC_ROOT.len() > MAX_SOCKET_PATH {
            exec_root = short;
        }
        Layout {
            socket,
            data_root: dir.join("data"),
            exec_root,
            pidfile: dir.join("docker.pid"),
            log: dir.join("dockerd.log"),
            dir,
        }
    }

    /// The value for DOCKER_HOST or `docker -H`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

/// A running private dockerd. Dropping it stops the daemon if this process started it.
pub struct Dockerd {
    pub layout: Layout,
    pub pid: u32,
    docker_cli: PathBuf,
    /// Set when this process started the daemon; a daemon reused from an earlier run is left alone.
    child: Option<Child>,
}

impl Dockerd {
    /// Starts the private dockerd, or reuses one from an earlier run that still answers.
    ///
    /// `detach` puts the daemon in its own process group so it outlives this process and a
    /// Ctrl-C in the terminal; otherwise Ctrl-C reaches it too and it shuts down with us.
    pub fn start(repo: &Repo, detach: bool) -> Result<Dockerd> {
        let layout = Layout::new(repo);
        let docker_cli = tools::docker_cli().context(
            "the docker CLI was not found (looked on PATH, /usr/bin and /usr/local/bin); \
             install the Debian package docker.io",
        )?;
        let dockerd = tools::dockerd().context("dockerd was not found; install the Debian package docker.io")?;
        fs::create_dir_all(&layout.dir).with_context(|| format!("cannot create {}", layout.dir.display()))?;

        if let Some(pid) = previous_daemon(&layout)? {
            let mut reused = Dockerd { layout, pid, docker_cli, child: None };
            eprintln!("reusing dockerd (PID {pid}) from an earlier run");
            reused.wait_until_ready().with_context(|| {
                format!(
                    "dockerd (PID {pid}) from an earlier run is alive but does not answer; \
                     stop it with `kill {pid}` and try again"
                )
            })?;
            return Ok(reused);
        }

        // Truncating the log means a failure shows this start's messages, not an old run's.
        let log = fs::File::create(&layout.log).with_context(|| format!("cannot create {}", layout.log.display()))?;
        let mut command = Command::new(dockerd);
        command
            .arg("--host")
            .arg(layout.host())
            .arg("--data-root")
            .arg(&layout.data_root)
            .arg("--exec-root")
            .arg(&layout.exec_root)
            .arg("--pidfile")
            .arg(&layout.pidfile)
            // No networking at all: the tests run containers with `--network none`, and leaving
            // the host's bridge and iptables untouched keeps the daemon harmless.
            .args([
                "--bridge=none",
                "--iptables=false",
                "--ip-forward=false",
                "--ip-masq=false",
                "--userland-proxy=false",
            ])
            // vfs works on any backing filesystem (overlay2 cannot nest inside an overlayfs
            // root, as in many CI containers), mounts nothing per layer or container, and makes
            // every machine report the same storage driver. The images are tiny, so its
            // copying costs nothing.
            .arg("--storage-driver=vfs")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        if detach {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        eprintln!("$ {}", describe(&command));
        let child = command.spawn().with_context(|| format!("could not start `{}`", describe(&command)))?;
        let mut started = Dockerd { layout, pid: child.id(), docker_cli, child: Some(child) };
        if let Err(error) = started.wait_until_ready() {
            // Dropping `started` stops the daemon; the log says why it never answered.
            bail!("{error:#}; the end of {}:\n{}", started.layout.log.display(), log_tail(&started.layout.log, 30));
        }
        eprintln!("dockerd (PID {}) is up on {}", started.pid, started.layout.host());
        Ok(started)
    }

    /// A `docker` command talking to this daemon.
    pub fn docker(&self) -> Command {
        let mut command = Command::new(&self.docker_cli);
        command.arg("--host").arg(self.layout.host());
        command
    }

    /// Leaves the daemon running after this process exits.
    pub fn leave_running(mut self) {
        self.child = None;
    }

    fn wait_until_ready(&mut self) -> Result<()> {
        let start = Instant::now();
        loop {
            if let Some(child) = &mut self.child {
                if let Some(status) = child.try_wait()? {
                    bail!("dockerd exited during startup ({status})");
                }
            } else if !is_dockerd(self.pid) {
                bail!("dockerd (PID {}) exited", self.pid);
            }
            let mut version = self.docker();
            version.args(["version", "--format", "{{.Server.Version}}"]);
            if process::succeeds(&mut version) {
                return Ok(());
            }
            if start.elapsed() > STARTUP_TIMEOUT {
                bail!("dockerd did not answer on {} within {} s", self.layout.host(), STARTUP_TIMEOUT.as_secs());
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Makes sure `busybox:latest` exists, importing it from the host's busybox if it does not.
    pub fn ensure_busybox(&self) -> Result<()> {
        if process::succeeds(self.docker().args(["image", "inspect", "busybox:latest"])) {
            return Ok(());
        }
        eprintln!("building busybox:latest from {}", tools::BUSYBOX_BIN);
        let rootfs = self.layout.dir.join("busybox-rootfs");
        let tarball = self.layout.dir.join("busybox.tar");
        build_busybox_rootfs(Path::new(tools::BUSYBOX_BIN), &rootfs)?;
        process::run(Command::new("tar").arg("-C").arg(&rootfs).arg("-cf").arg(&tarball).arg("."))?;
        // Captured rather than shown: `docker import` prints the new image ID on standard
        // output, which `cargo xtask dockerd` keeps for the DOCKER_HOST line alone.
        let mut import = self.docker();
        import.args(["import", "--change", r#"CMD ["sh"]"#]).arg(&tarball).arg("busybox:latest");
        eprintln!("$ {}", describe(&import));
        process::output(&mut import)?;
        // The tarball and rootfs are only the import's input; the daemon keeps its own copy.
        fs::remove_file(&tarball).ok();
        fs::remove_dir_all(&rootfs).ok();
        Ok(())
    }

    /// Runs a container end to end, proving the daemon, runc and the image all work.
    pub fn self_check(&self) -> Result<()> {
        let mut run = self.docker();
        run.args(["run", "--rm", "--network", "none", "busybox", "echo", "hi"]);
        let output = process::output(&mut run).context("the dockerd self-check failed")?;
        if output.trim() != "hi" {
            bail!("the dockerd self-check `{}` printed {output:?} instead of \"hi\"", describe(&run));
        }
        Ok(())
    }

    /// Stops the daemon if this process started it: SIGTERM, then SIGKILL after a grace period.
    pub fn stop(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        if child.try_wait()?.is_some() {
            return Ok(());
        }
        eprintln!("stopping dockerd (PID {})", self.pid);
        send_sigterm(self.pid)?;
        let start = Instant::now();
        while start.elapsed() < SHUTDOWN_TIMEOUT {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("dockerd (PID {}) ignored SIGTERM for {} s; killing it", self.pid, SHUTDOWN_TIMEOUT.as_secs());
        child.kill().context("could not kill dockerd")?;
        child.wait()?;
        Ok(())
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        if let Err(error) = self.stop() {
            eprintln!("xtask: warning: could not stop dockerd: {error:#}");
        }
    }
}

/// `cargo xtask dockerd`: starts the daemon, checks it and leaves it running.
pub fn serve_for_manual_use(repo: &Repo) -> Result<()> {
    tools::ensure_system_packages(&[tools::DOCKER_IO, tools::BUSYBOX_STATIC])?;
    let dockerd = Dockerd::start(repo, true)?;
    dockerd.ensure_busybox()?;
    dockerd.self_check()?;
    // Only these lines go to standard output, so `eval "$(cargo xtask dockerd)"` works.
    // DOCKER_HOST points the docker CLI at it; DOCKYARD_DOCKER_HOST points the end-to-end tests.
    println!("export DOCKER_HOST={}", dockerd.layout.host());
    println!("export DOCKYARD_DOCKER_HOST={}", dockerd.layout.host());
    println!(
        "# dockerd PID {pid}, log {log}; stop it with: kill {pid}",
        pid = dockerd.pid,
        log = dockerd.layout.log.display()
    );
    dockerd.leave_running();
    Ok(())
}

/// The PID of a daemon from an earlier run that is still alive; removes a stale pidfile.
fn previous_daemon(layout: &Layout) -> Result<Option<u32>> {
    let Ok(text) = fs::read_to_string(&layout.pidfile) else {
        return Ok(None);
    };
    match text.trim().parse() {
        Ok(pid) if is_dockerd(pid) => Ok(Some(pid)),
        _ => {
            // dockerd refuses to start while a pidfile names a live process, and the PID may
            // since have been reused by something else, so a stale file has to go.
            fs::remove_file(&layout.pidfile).with_context(|| format!("cannot remove {}", layout.pidfile.display()))?;
            Ok(None)
        }
    }
}

/// Whether `pid` is a live (not zombie) process named dockerd.
fn is_dockerd(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The format is `PID (COMM) STATE ...`; COMM may contain spaces, so split at the last ')'.
    let Some((head, tail)) = stat.rsplit_once(')') else {
        return false;
    };
    head.ends_with("(dockerd") && !tail.trim_start().starts_with('Z')
}

/// std can only send SIGKILL, so SIGTERM goes through the shell's built-in `kill`, which exists
/// wherever /bin/sh does (unlike procps' `kill`, which slim CI images may lack).
fn send_sigterm(pid: u32) -> Result<()> {
    process::output(Command::new("sh").args(["-c", r#"kill -s TERM "$1""#, "sh"]).arg(pid.to_string()))
        .map(drop)
        .with_context(|| format!("could not send SIGTERM to dockerd (PID {pid})"))
}

/// A minimal busybox image: the static binary, one symlink per applet, and the usual top-level
/// directories (Docker bind-mounts /etc/hosts and friends, so /etc has to exist).
fn build_busybox_rootfs(busybox: &Path, rootfs: &Path) -> Result<()> {
    if !tools::is_static_executable(busybox)? {
        bail!(
            "{} is dynamically linked and would not run inside a container; \
             install the Debian package busybox-static",
            busybox.display()
        );
    }
    if rootfs.exists() {
        fs::remove_dir_all(rootfs).with_context(|| format!("cannot remove {}", rootfs.display()))?;
    }
    let bin = rootfs.join("bin");
    fs::create_dir_all(&bin)?;
    for dir in ["etc", "tmp", "root", "proc", "sys", "dev"] {
        fs::create_dir_all(rootfs.join(dir))?;
    }
    use std::os::unix::fs::PermissionsExt;
    // /tmp is world-writable and sticky in every real image.
    fs::set_permissions(rootfs.join("tmp"), fs::Permissions::from_mode(0o1777))?;
    fs::copy(busybox, bin.join("busybox")).with_context(|| format!("cannot copy {}", busybox.display()))?;
    let applets = process::output(Command::new(busybox).arg("--list"))?;
    for applet in applets.lines().map(str::trim) {
        if applet.is_empty() || applet == "busybox" || applet.contains('/') {
            continue;
        }
        std::os::unix::fs::symlink("busybox", bin.join(applet))
            .with_context(|| format!("cannot link the busybox applet {applet}"))?;
    }
    Ok(())
}

/// The last `lines` lines of a log file, for error messages.
fn log_tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = fs::File::open(path) else {
        return format!("({} could not be read)", path.display());
    };
    // Reading only the end keeps this cheap even if the log grew large.
    let length = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(length.saturating_sub(64 * 1024)));
    let mut text = String::new();
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_ok() {
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// FNV-1a: a stable hash (std's hasher may change between Rust releases) to name /tmp paths.
fn short_hash(path: &Path) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.as_os_str().as_encoded_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash ^ (hash >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout_for(root: &str) -> Layout {
        Layout::new(&Repo { root: PathBuf::from(root), target: Path::new(root).join("target") })
    }

    #[test]
    fn short_checkouts_keep_everything_under_target() {
        let layout = layout_for("/work/main");
        assert_eq!(layout.socket, Path::new("/work/main/target/docker/docker.sock"));
        assert_eq!(layout.exec_root, Path::new("/work/main/target/docker/exec"));
        assert_eq!(layout.host(), "unix:///work/main/target/docker/docker.sock");
    }

    #[test]
    fn deep_checkouts_move_sockets_to_tmp() {
        let deep = format!("/home/someone/{}", "nested/".repeat(12));
        let layout = layout_for(&deep);
        assert!(layout.exec_root.to_string_lossy().starts_with("/tmp/dockyard-exec-"));
        assert!(layout.socket.to_string_lossy().starts_with("/tmp/dockyard-exec-"));
        assert!(layout.exec_root.as_os_str().len() + LONGEST_SOCKET_BELOW_EXEC_ROOT.len() <= MAX_SOCKET_PATH);
        assert!(layout.data_root.starts_with(&deep));
        // Different checkouts get different directories.
        assert_ne!(layout.exec_root, layout_for(&format!("{deep}x")).exec_root);
    }

    #[test]
    fn this_process_is_not_dockerd() {
        assert!(!is_dockerd(std::process::id()));
        assert!(!is_dockerd(u32::MAX));
    }
}
