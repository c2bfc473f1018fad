//! A real terminal: `docker run -it` and `docker exec -it` attached to a TTY on the daemon, which
//! `dockyard serve` carries over a WebSocket, with resizes, and Ctrl-C as the byte it is (the
//! TTY's line discipline turns it into SIGINT for the foreground process, as in a real terminal).

use std::pin::Pin;

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, ResizeExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, KillContainerOptionsBuilder, RemoveContainerOptionsBuilder,
    ResizeContainerTTYOptionsBuilder,
};
use bollard::Docker;
use dockyard_engine::cli::Command;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWrite;

use super::allowlist::{Refusal, Rule};
use super::containers;
use super::{HostReply, Scope};

/// What the terminal is attached to.
#[derive(Debug, Clone)]
pub enum Target {
    Container { id: String, remove: bool },
    Exec { id: String },
}

/// An attached terminal: the TTY's output, its input, and what to ask when it ends.
pub struct Terminal {
    pub output: Pin<Box<dyn Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>>,
    pub input: Pin<Box<dyn AsyncWrite + Send>>,
    pub target: Target,
}

/// Starts `docker run -it ...` or `docker exec -it ...` on a TTY of `rows` by `cols`.
pub async fn open(scope: &Scope<'_>, command: Command, rows: u16, cols: u16) -> Result<Terminal, HostReply> {
    match command {
        Command::Run(options) if options.tty && !options.detach => {
            let remove = options.remove;
            let id = containers::create_for_terminal(scope, options).await?;
            let attach =
                AttachContainerOptionsBuilder::default().stdin(true).stdout(true).stderr(true).stream(true).build();
            let attached = scope
                .docker
                .attach_container(&id, Some(attach))
                .await
                .map_err(|e| super::output::daemon_error(scope, "docker: ", &e, 125))?;
            if let Err(e) = scope.docker.start_container(&id, None).await {
                remove_container(scope.docker, &id).await;
                return Err(super::output::daemon_error(scope, "docker: ", &e, 125));
            }
            let target = Target::Container { id, remove };
            resize(scope.docker, &target, rows, cols).await;
            Ok(Terminal { output: attached.output, input: attached.input, target })
        }
        Command::Exec(options) if options.tty => {
            let container = containers::resolve(scope, &options.container).await?;
            let config = CreateExecOptions {
                cmd: Some(options.command.clone()),
                env: Some(options.env.clone()),
                working_dir: options.workdir.clone(),
                user: options.user.clone(),
                attach_stdin: Some(options.interactive),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                tty: Some(true),
                privileged: Some(false),
                ..Default::default()
            };
            let exec = scope
                .docker
                .create_exec(&container, config)
                .await
                .map_err(|e| super::output::daemon_error(scope, "", &e, 126))?
                .id;
            let start = StartExecOptions { detach: false, tty: true, ..Default::default() };
            match scope.docker.start_exec(&exec, Some(start)).await {
                Ok(StartExecResults::Attached { output, input }) => {
                    let target = Target::Exec { id: exec };
                    resize(scope.docker, &target, rows, cols).await;
                    Ok(Terminal { output, input, target })
                }
                Ok(StartExecResults::Detached) => Err(HostReply::error("dockyard: the exec did not attach", 1)),
                Err(e) => Err(super::output::daemon_error(scope, "", &e, 126)),
            }
        }
        _ => Err(HostReply::refused(Refusal::new(
            Rule::NoTerminal,
            "the terminal carries docker run -it and docker exec -it; other commands go to /api/host/run",
        ))),
    }
}

/// Sets the TTY's size, as the docker CLI does when its window changes.
pub async fn resize(docker: &Docker, target: &Target, rows: u16, cols: u16) {
    let (rows, cols) = (rows.clamp(1, 500), cols.clamp(1, 1000));
    let result = match target {
        Target::Container { id, .. } => {
            let options = ResizeContainerTTYOptionsBuilder::default().h(rows.into()).w(cols.into()).build();
            docker.resize_container_tty(id, options).await
        }
        Target::Exec { id } => docker.resize_exec(id, ResizeExecOptions { height: rows, width: cols }).await,
    };
    if let Err(e) = result {
        eprintln!("dockyard: could not resize the terminal: {e}");
    }
}

/// The exit code once the terminal's output has ended; a `--rm` container is removed.
pub async fn finish(docker: &Docker, target: &Target) -> i32 {
    match target {
        Target::Container { id, remove } => {
            let mut wait = docker.wait_container(id, None);
            let code = match wait.next().await {
                Some(Ok(done)) => done.status_code as i32,
                Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code as i32,
                _ => 125,
            };
            if *remove {
                remove_container(docker, id).await;
            }
            code
        }
        Target::Exec { id } => docker.inspect_exec(id).await.ok().and_then(|e| e.exit_code).map_or(126, |c| c as i32),
    }
}

/// Ends what a terminal whose page went away was running: the container (removed if `--rm`); an
/// exec's process ends with its container or the session.
pub async fn hang_up(docker: &Docker, target: &Target) {
    if let Target::Container { id, remove } = target {
        let _ = docker.kill_container(id, Some(KillContainerOptionsBuilder::default().signal("HUP").build())).await;
        if *remove {
            remove_container(docker, id).await;
        }
    }
}

async fn remove_container(docker: &Docker, id: &str) {
    let force = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
    let _ = docker.remove_container(id, Some(force)).await;
}
