//! `cargo xtask`: builds, tests and runs Dockyard by driving cargo, wasm-bindgen, wasm-opt and dockerd.

mod bench;
mod compact;
mod dist;
mod dockerd;
mod play;
mod process;
mod service_worker;
mod test;
mod tools;
mod vendor;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
Usage: cargo xtask <command> [options]

Commands:
  play [--port N]     build the web app and the server, then serve Dockyard (default port 8080)
  dist [--dev]        build the web app into target/dist (--dev skips wasm-opt)
  test                run every check: fmt, clippy, unit tests, wasm tests in Chromium,
                      and the end-to-end tests against a private dockerd
                      (outside CI: --skip-browser and --skip-docker leave those parts out)
  bench               run the benchmarks and print each as a ratio to a baseline from the same run
  dockerd             start the private dockerd for manual use and print its DOCKER_HOST
  help                show this message";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole chain of contexts on one line, which reads well in CI logs.
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let repo = Repo::locate()?;
    let Some((command, options)) = args.split_first() else {
        println!("{USAGE}");
        return Ok(());
    };
    let mut options = Options::new(options);
    match command.as_str() {
        "play" => {
            let port = match options.value("--port")? {
                Some(port) => port.parse().with_context(|| format!("--port expects a port number, not `{port}`"))?,
                None => 8080,
            };
            options.finish()?;
            play::play(&repo, port)
        }
        "dist" => {
            let dev = options.flag("--dev");
            options.finish()?;
            let tools = tools::ensure_web_tools(&repo, !dev)?;
            dist::build(&repo, &tools, dev)
        }
        "test" => {
            let skip = test::Skip { browser: options.flag("--skip-browser"), docker: options.flag("--skip-docker") };
            options.finish()?;
            test::test(&repo, skip)
        }
        "bench" => {
            options.finish()?;
            bench::bench(&repo)
        }
        "dockerd" => {
            options.finish()?;
            dockerd::serve_for_manual_use(&repo)
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Where the workspace lives and where its build outputs and private state go.
pub struct Repo {
    pub root: PathBuf,
    /// Cargo's target directory; target/dist, target/docker and target/tools live here too.
    pub target: PathBuf,
}

impl Repo {
    fn locate() -> Result<Repo> {
        // xtask is always built from <repo>/xtask, so its manifest directory pins the repo root
        // no matter which directory `cargo xtask` was started from.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask's manifest directory has no parent")?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        Ok(Repo { root, target })
    }

    /// A `cargo` command run from the repo root.
    pub fn cargo(&self) -> Command {
        let mut command = Command::new(cargo_program());
        command.current_dir(&self.root);
        command
    }

    pub fn dist_dir(&self) -> PathBuf {
        self.target.join("dist")
    }
}

/// The cargo that started xtask (cargo sets CARGO), so nested builds use the same toolchain.
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// True under CI=true, where nothing may be skipped.
pub fn is_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

/// A tiny command-line parser: xtask has a handful of options, not worth a dependency.
struct Options<'a> {
    rest: Vec<&'a str>,
}

impl<'a> Options<'a> {
    fn new(args: &'a [String]) -> Self {
        Options { rest: args.iter().map(String::as_str).collect() }
    }

    fn flag(&mut self, name: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|arg| *arg != name);
        self.rest.len() != before
    }

    /// Takes `--name VALUE` or `--name=VALUE`.
    fn value(&mut self, name: &str) -> Result<Option<String>> {
        let prefix = format!("{name}=");
        if let Some(index) = self.rest.iter().position(|arg| arg.starts_with(&prefix)) {
            let arg = self.rest.remove(index);
            return Ok(Some(arg[prefix.len()..].to_string()));
        }
        let Some(index) = self.rest.iter().position(|arg| *arg == name) else {
            return Ok(None);
        };
        if index + 1 >= self.rest.len() {
            bail!("{name} needs a value");
        }
        let value = self.rest.remove(index + 1).to_string();
        self.rest.remove(index);
        Ok(Some(value))
    }

    /// Rejects anything left over, so a typo never silently changes what runs.
    fn finish(self) -> Result<()> {
        match self.rest.first() {
            None => Ok(()),
            Some(arg) => bail!("unexpected argument `{arg}`\n\n{USAGE}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_take_flags_and_values() {
        let list = args(&["--port", "9000", "--dev"]);
        let mut options = Options::new(&list);
        assert!(options.flag("--dev"));
        assert!(!options.flag("--dev"));
        assert_eq!(options.value("--port").unwrap().as_deref(), Some("9000"));
        options.finish().unwrap();

        let list = args(&["--port=81"]);
        let mut options = Options::new(&list);
        assert_eq!(options.value("--port").unwrap().as_deref(), Some("81"));
        options.finish().unwrap();
    }

    #[test]
    fn options_reject_leftovers_and_missing_values() {
        let list = args(&["--port"]);
        assert!(Options::new(&list).value("--port").is_err());
        let list = args(&["--bogus"]);
        assert!(Options::new(&list).finish().is_err());
    }
}
