//! `cargo xtask test`: every check in order, stopping at the first failure and naming its step.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::dockerd::Dockerd;
use crate::process;
use crate::tools::{self, SystemPackage};
use crate::{dist, is_ci, Repo};

/// Parts of the run a developer may leave out on a machine without Chromium or Docker.
pub struct Skip {
    pub browser: bool,
    pub docker: bool,
}

const WORKLOADS_MANIFEST: &str = "workloads/programs/Cargo.toml";

pub fn test(repo: &Repo, skip: Skip) -> Result<()> {
    if is_ci() && (skip.browser || skip.docker) {
        bail!("--skip-browser and --skip-docker are not allowed under CI=true: CI runs every test");
    }
    // Declared first so it is dropped last, after the dockerd and every test process are gone.
    let temp = PrivateTemp::create()?;
    let mut steps = Steps::default();
    let result = run_steps(repo, &skip, &temp.dir, &mut steps);
    steps.print_summary();
    result
}

fn run_steps(repo: &Repo, skip: &Skip, temp: &Path, steps: &mut Steps) -> Result<()> {
    let cargo = || {
        let mut command = repo.cargo();
        command.env("TMPDIR", temp);
        command
    };
    let mut packages: Vec<SystemPackage> = Vec::new();
    if !skip.browser {
        packages.extend([tools::CHROMIUM, tools::CHROMIUM_DRIVER]);
    }
    if !skip.docker {
        packages.extend([tools::DOCKER_IO, tools::BUSYBOX_STATIC]);
    }
    let tools = steps.run("prerequisites", || tools::ensure_for_tests(repo, &packages))?;

    steps.run("rustfmt", || {
        process::run(cargo().args(["fmt", "--all", "--check"]))?;
        process::run(cargo().args(["fmt", "--all", "--check", "--manifest-path", WORKLOADS_MANIFEST]))
    })?;

    steps.run("clippy", || {
        process::run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
        // The WASI programs are a workspace of their own that only builds for wasm32-wasip1;
        // they share the target directory the frontend's build script compiles them into.
        process::run(
            cargo()
                .env("CARGO_TARGET_DIR", repo.target.join("workloads"))
                .args(["clippy", "--manifest-path", WORKLOADS_MANIFEST])
                .args(["--target", "wasm32-wasip1", "--", "-D", "warnings"]),
        )
    })?;

    steps.run("unit and integration tests", || {
        process::run(cargo().args(["test", "--workspace", "--exclude", "dockyard-tests"]))?;
        // The WASI programs' own unit tests (HTTP, regular expressions, curl's replies) are plain
        // Rust and run natively; conformance is left out, since its bindings link only for WASI.
        process::run(
            cargo()
                .env("CARGO_TARGET_DIR", repo.target.join("workloads-native"))
                .args(["test", "--manifest-path", WORKLOADS_MANIFEST])
                .args(["-p", "httpkit", "-p", "kv", "-p", "toolbox", "-p", "web"]),
        )
    })?;

    const WASM_TESTS: &str = "engine and browser-host tests on wasm32 in headless Chromium";
    if skip.browser {
        steps.skip(WASM_TESTS, "--skip-browser");
    } else {
        steps.run(WASM_TESTS, || {
            // cargo starts the runner in engine/, where it looks for an optional webdriver.json
            // with Chromium's arguments; the pinned wasm-bindgen goes first on PATH so nothing
            // finds an older copy.
            process::run(
                cargo()
                    .env("PATH", process::path_with(&tools.wasm_bindgen_bin)?)
                    .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", tools.test_runner())
                    .env("CHROMEDRIVER", tools::CHROMEDRIVER_BIN)
                    .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
                    .args(["test", "-p", "dockyard-engine", "-p", "dockyard-frontend"])
                    .args(["--target", "wasm32-unknown-unknown"]),
            )
        })?;
    }

    steps.run("web app (target/dist)", || dist::build(repo, &tools, false))?;

    let server = repo.target.join("debug/dockyard");
    steps.run("server build", || {
        process::run(cargo().args(["build", "-p", "dockyard-server"]))?;
        match server.is_file() {
            true => Ok(()),
            false => bail!("the server build did not produce {}", server.display()),
        }
    })?;

    const E2E: &str = "end-to-end tests";
    if skip.docker || skip.browser {
        // They drive a real dockerd and the app in Chromium, so either skip rules them out.
        let reason = if skip.docker { "--skip-docker" } else { "--skip-browser" };
        steps.skip("private dockerd", reason);
        steps.skip(E2E, reason);
        return Ok(());
    }
    // Dropping `dockerd` stops the daemon, whether the tests pass or fail.
    let dockerd = steps.run("private dockerd", || {
        let dockerd = Dockerd::start(repo, false)?;
        dockerd.ensure_busybox()?;
        dockerd.self_check()?;
        Ok(dockerd)
    })?;
    steps.run(E2E, || {
        let axe = tools::ensure_axe_core(repo)?;
        process::run(
            cargo()
                .env("DOCKYARD_AXE", &axe)
                .env("DOCKYARD_BIN", &server)
                .env("DOCKYARD_DIST", repo.dist_dir())
                .env("DOCKYARD_DOCKER_HOST", dockerd.layout.host())
                .env("CHROMEDRIVER", tools::CHROMEDRIVER_BIN)
                .env("CHROMIUM", tools::CHROMIUM_BIN)
                .args(["test", "-p", "dockyard-tests", "--", "--test-threads=1"]),
        )
    })
}

/// Runs named steps, printing a header and a timing line for each and remembering the timings.
#[derive(Default)]
struct Steps {
    done: Vec<(String, String)>,
}

impl Steps {
    fn run<T>(&mut self, name: &str, step: impl FnOnce() -> Result<T>) -> Result<T> {
        eprintln!("\n==> {name}");
        let start = Instant::now();
        let result = step();
        let took = format_duration(start.elapsed());
        let outcome = match result.is_ok() {
            true => format!("passed in {took}"),
            false => format!("FAILED after {took}"),
        };
        eprintln!("==> {name}: {outcome}");
        self.done.push((name.to_string(), outcome));
        result.with_context(|| format!("step `{name}` failed after {took}"))
    }

    fn skip(&mut self, name: &str, flag: &str) {
        eprintln!("\n==> {name}: skipped ({flag})");
        self.done.push((name.to_string(), format!("skipped ({flag})")));
    }

    fn print_summary(&self) {
        let width = self.done.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        eprintln!("\nSummary:");
        for (name, outcome) in &self.done {
            eprintln!("  {name:width$}  {outcome}");
        }
    }
}

fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = duration.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// A temp directory private to this run, handed to every test command as TMPDIR.
///
/// Chromium and chromedriver leave folders in the temp directory when the test runners kill
/// them rather than close them. Pointing TMPDIR here catches those folders (and anything else
/// the tests leave), so removing this one directory cleans up after the run without touching
/// the folders of other Chromium sessions that share /tmp.
pub struct PrivateTemp {
    pub dir: PathBuf,
}

impl PrivateTemp {
    const PREFIX: &'static str = "dockyard-test-";

    pub fn create() -> Result<Self> {
        let parent = std::env::temp_dir();
        Self::remove_abandoned(&parent);
        // Short and in /tmp: Chromium puts a unix socket in here, and those paths are limited.
        let dir = parent.join(format!("{}{}", Self::PREFIX, std::process::id()));
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(PrivateTemp { dir })
    }

    /// Removes the directories of earlier runs that were interrupted before they could clean up.
    fn remove_abandoned(parent: &Path) {
        let Ok(entries) = fs::read_dir(parent) else {
            return;
        };
        for entry in entries.filter_map(|entry| entry.ok()) {
            let name = entry.file_name();
            let pid = name.to_str().and_then(|name| name.strip_prefix(Self::PREFIX));
            // Only names this code makes (the prefix and a PID) whose process is gone.
            let abandoned = pid.is_some_and(|pid| pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists());
            if abandoned {
                fs::remove_dir_all(entry.path()).ok();
            }
        }
    }
}

impl Drop for PrivateTemp {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_dir_all(&self.dir) {
            eprintln!("xtask: warning: cannot remove {}: {error}", self.dir.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(Duration::from_millis(12_345)), "12.3 s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2 min 05 s");
    }
}
