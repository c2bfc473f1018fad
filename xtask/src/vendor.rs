//! The JavaScript libraries the web app ships unchanged (xterm.js), installed by npm from
//! `frontend/vendor/package-lock.json` into `frontend/vendor/node_modules`.
//!
//! `npm ci` runs only when the lock file differs from the one the last install used, so a warm
//! machine, or one offline after its first build, spends no time and no network here.

use std::fs;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::process::{self, which};
use crate::Repo;

/// Where the lock file that the last successful install used is kept, beside what it installed.
const STAMP: &str = "node_modules/.dockyard-lock.json";

/// Installs the locked packages unless exactly they are installed already.
pub fn ensure(repo: &Repo) -> Result<()> {
    let dir = repo.root.join("frontend/vendor");
    let lock_path = dir.join("package-lock.json");
    let lock = fs::read_to_string(&lock_path).with_context(|| format!("cannot read {}", lock_path.display()))?;
    let stamp = dir.join(STAMP);
    if fs::read_to_string(&stamp).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    let npm =
        which("npm").context("npm was not found; install Node.js and npm, which fetch xterm.js for the terminal")?;
    process::run(Command::new(npm).current_dir(&dir).args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]))?;
    if !dir.join("node_modules").is_dir() {
        bail!("npm ci left no node_modules in {}", dir.display());
    }
    fs::write(&stamp, lock).with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(())
}
