//! `cargo xtask play`: build the web app and the server, then become the server.

use std::os::unix::process::CommandExt;
use std::process::Command;

use anyhow::{Context, Result};

use crate::process::{self, describe};
use crate::{dist, tools, Repo};

pub fn play(repo: &Repo, port: u16) -> Result<()> {
    let tools = tools::ensure_web_tools(repo, true)?;
    dist::build(repo, &tools, false)?;
    process::run(repo.cargo().args(["build", "-p", "dockyard-server", "--release"]))?;

    let server = repo.target.join("release/dockyard");
    let mut command = Command::new(&server);
    command.current_dir(&repo.root).args(["serve", "--port", &port.to_string(), "--dist"]).arg(repo.dist_dir());
    eprintln!("$ {}", describe(&command));
    // exec replaces xtask, so Ctrl-C and the exit status belong to the server itself.
    let error = command.exec();
    Err(error).with_context(|| format!("could not start {}", server.display()))
}
