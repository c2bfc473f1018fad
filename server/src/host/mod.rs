//! The bridge to a real Docker Engine, through bollard, for lessons that need real Linux.
//!
//! A command line from the page is parsed by the engine's CLI parser (never a shell) into a
//! typed [`Command`], and each command Dockyard supports becomes Engine API calls on behalf of
//! one session ([`session`]), under the [`allowlist`]'s rules. The operations live one concern
//! to a file: [`containers`] (run, ps, stop, rm, exec, inspect), [`follow`] (a foreground run's
//! output and logs), [`images`] (images, history, pull), [`build`] (build from the page's
//! context) and [`objects`] (volumes and networks); [`output`] words their replies as the docker
//! CLI does, and [`stream`] carries them to the page whole or as they come.

pub mod allowlist;
pub mod build;
pub mod containers;
pub mod follow;
pub mod images;
pub mod objects;
pub mod output;
pub mod session;
pub mod stream;
pub mod tty;

use std::time::Duration;

use bollard::Docker;
use dockyard_engine::cli::Command;
use serde::Serialize;

use allowlist::{Refusal, Rule};
use session::{SessionId, Sessions, INSTANCE_LABEL};
use stream::Out;

/// What `GET /api/host` reports.
#[derive(Debug, Clone, Serialize)]
pub struct HostStatus {
    pub available: bool,
    /// Where Dockyard looked for the daemon.
    pub endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a command on the real daemon printed, as the terminal shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostReply {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl HostReply {
    pub fn out(stdout: impl Into<String>) -> Self {
        HostReply { stdout: stdout.into(), ..Default::default() }
    }

    pub fn error(message: impl std::fmt::Display, exit_code: i32) -> Self {
        let mut stderr = message.to_string();
        if !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        HostReply { stderr, exit_code, ..Default::default() }
    }

    pub fn refused(refusal: Refusal) -> Self {
        HostReply::error(refusal, 125)
    }
}

/// The daemon's own message, as the docker CLI prints it after "Error response from daemon:".
pub fn daemon_message(error: &bollard::errors::Error) -> String {
    match error {
        bollard::errors::Error::DockerResponseServerError { message, .. } => {
            format!("Error response from daemon: {message}")
        }
        other => other.to_string(),
    }
}

/// What one operation needs: the daemon, whose behalf it acts on, and which server it is.
pub struct Scope<'a> {
    pub docker: &'a Docker,
    pub session: &'a SessionId,
    pub instance: &'a str,
}

/// The bridge: a daemon endpoint, the sessions using it, and how long a quiet one lives.
pub struct HostBridge {
    endpoint: String,
    instance: String,
    grace: Duration,
    sessions: Sessions,
}

impl HostBridge {
    /// The daemon named by DOCKER_HOST (else the default socket); the instance named by
    /// DOCKYARD_INSTANCE (else `default`); the grace period by DOCKYARD_HOST_GRACE in seconds.
    pub fn from_env() -> Self {
        let endpoint = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".to_string());
        let instance = std::env::var("DOCKYARD_INSTANCE").unwrap_or_else(|_| "default".to_string());
        let grace = std::env::var("DOCKYARD_HOST_GRACE").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
        HostBridge { endpoint, instance, grace: Duration::from_secs(grace), sessions: Sessions::default() }
    }

    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// Connects and agrees on an API version; Debian's dockerd 20.10 speaks 1.41, older than bollard's default.
    async fn connect(&self) -> Result<Docker, bollard::errors::Error> {
        Docker::connect_with_host(&self.endpoint)?.negotiate_version().await
    }

    pub async fn status(&self) -> HostStatus {
        let mut status = HostStatus {
            available: false,
            endpoint: self.endpoint.clone(),
            version: None,
            api_version: None,
            error: None,
        };
        match self.connect().await {
            Ok(docker) => match docker.version().await {
                Ok(v) => {
                    status.available = true;
                    status.version = v.version;
                    status.api_version = v.api_version;
                }
                Err(e) => status.error = Some(e.to_string()),
            },
            Err(e) => status.error = Some(e.to_string()),
        }
        status
    }

    pub fn open_session(&self) -> Result<SessionId, Refusal> {
        self.sessions.open()
    }

    /// Keeps a session alive through the grace period.
    pub fn heartbeat(&self, id: &SessionId) -> Result<(), Refusal> {
        self.sessions.touch(id).map(drop)
    }

    /// Ends a session and removes what it made.
    pub async fn close_session(&self, id: &SessionId) -> Result<usize, Refusal> {
        if !self.sessions.close(id) {
            return Err(Refusal::new(Rule::Session, "unknown or expired session"));
        }
        Ok(self.remove_session_objects(id).await)
    }

    async fn remove_session_objects(&self, id: &SessionId) -> usize {
        match self.connect().await {
            Ok(docker) => {
                session::remove_labelled(&docker, &format!("{}={}", session::SESSION_LABEL, id.as_str())).await
            }
            Err(e) => {
                eprintln!("dockyard: cannot reach the Docker Engine to clean up session {}: {e}", id.as_str());
                0
            }
        }
    }

    /// Removes what the sessions that went quiet for longer than the grace period made.
    pub async fn reap(&self) -> usize {
        let mut removed = 0;
        for id in self.sessions.expire(self.grace) {
            removed += self.remove_session_objects(&id).await;
        }
        removed
    }

    /// Removes everything this instance left on the daemon: at start (after a crash) and at exit.
    pub async fn remove_all(&self) -> usize {
        for id in self.sessions.all() {
            self.sessions.close(&id);
        }
        match self.connect().await {
            Ok(docker) => session::remove_labelled(&docker, &format!("{INSTANCE_LABEL}={}", self.instance)).await,
            Err(_) => 0,
        }
    }

    /// The daemon's images as one `docker save` archive, for the session's pictures.
    pub async fn export_images(&self, id: &SessionId) -> Result<Vec<u8>, String> {
        self.sessions.touch(id).map_err(|r| r.to_string())?;
        let docker = self.connect().await.map_err(|e| e.to_string())?;
        images::export(&Scope { docker: &docker, session: id, instance: &self.instance }).await
    }

    /// Opens a real terminal for `docker run -it` or `docker exec -it`, for a session.
    pub async fn open_terminal(
        &self,
        id: &SessionId,
        line: &str,
        rows: u16,
        cols: u16,
    ) -> Result<(Docker, tty::Terminal), HostReply> {
        self.sessions.touch(id).map_err(HostReply::refused)?;
        let command = match dockyard_engine::cli::parse(line) {
            Ok(command) => command,
            Err(e) => {
                return Err(match allowlist::forbidden_flag(&e.message) {
                    Some(refusal) => HostReply::refused(refusal),
                    None => HostReply::error(e.message, e.exit_code),
                })
            }
        };
        let docker = self
            .connect()
            .await
            .map_err(|e| HostReply::error(format!("docker: cannot reach the Docker Engine: {e}"), 1))?;
        let terminal =
            tty::open(&Scope { docker: &docker, session: id, instance: &self.instance }, command, rows, cols).await?;
        Ok((docker, terminal))
    }

    /// Keeps a session with an open terminal alive.
    pub fn touch(&self, id: &SessionId) {
        let _ = self.sessions.touch(id);
    }

    /// Runs one docker command line for a session, if the allowlist permits it, and answers
    /// with all it printed at the end.
    pub async fn execute(&self, id: &SessionId, line: &str) -> HostReply {
        let mut out = Out::collect();
        let code = self.execute_into(id, line, None, &mut out).await;
        out.finish(code)
    }

    /// Runs one docker command line for a session, passing what it prints to `out` as it comes,
    /// with the build context the page sent, and gives its exit code.
    pub async fn execute_into(&self, id: &SessionId, line: &str, context: Option<Vec<u8>>, out: &mut Out) -> i32 {
        let turn = match self.sessions.touch(id) {
            Ok(turn) => turn,
            Err(refusal) => return out.relay(HostReply::refused(refusal)),
        };
        let _turn = turn.lock().await;
        let command = match dockyard_engine::cli::parse(line) {
            Ok(command) => command,
            Err(e) => {
                return out.relay(match allowlist::forbidden_flag(&e.message) {
                    Some(refusal) => HostReply::refused(refusal),
                    None => HostReply::error(e.message, e.exit_code),
                })
            }
        };
        if let Command::Help(text) = command {
            return out.relay(HostReply::out(text));
        }
        let docker = match self.connect().await {
            Ok(d) => d,
            Err(e) => {
                return out.relay(HostReply::error(
                    format!("docker: cannot reach the Docker Engine at {}: {e}", self.endpoint),
                    1,
                ))
            }
        };
        let scope = Scope { docker: &docker, session: id, instance: &self.instance };
        let code = dispatch(&scope, command, context, out).await;
        // A long command (a run, logs -f) counts as being heard from at its end too.
        let _ = self.sessions.touch(id);
        code
    }
}

async fn dispatch(scope: &Scope<'_>, command: Command, context: Option<Vec<u8>>, out: &mut Out) -> i32 {
    let reply = match command {
        Command::Run(options) => return containers::run(scope, options, true, out).await,
        Command::Create(options) => return containers::run(scope, options, false, out).await,
        Command::Logs(options) => return follow::logs(scope, options, out).await,
        Command::Pull { image, quiet } => return images::pull(scope, &image, quiet, false, out).await,
        Command::Build(options) => return build::build(scope, options, context, out).await,
        Command::Ps(options) => containers::ps(scope, options).await,
        Command::Stop { containers: names, time, kill, signal } => {
            containers::stop(scope, &names, time, kill, signal).await
        }
        Command::Start { containers: names, .. } => containers::start(scope, &names).await,
        Command::Rm { force, containers: names, .. } => containers::rm(scope, &names, force).await,
        Command::Exec(options) => containers::exec(scope, options).await,
        Command::Inspect { names, format, kind } => containers::inspect(scope, &names, format, kind).await,
        Command::Images(options) => images::images(scope, options).await,
        Command::Rmi { force, no_prune, images: names } => build::rmi(scope, &names, force, no_prune).await,
        Command::History { image, quiet, no_trunc, .. } => images::history(scope, &image, quiet, no_trunc).await,
        Command::ImageInspect { images: names, format } => images::inspect(scope, &names, format).await,
        Command::VolumeCreate { name, .. } => objects::volume_create(scope, name).await,
        Command::VolumeLs { quiet, .. } => objects::volume_ls(scope, quiet).await,
        Command::VolumeRm { names, force } => objects::volume_rm(scope, &names, force).await,
        Command::NetworkCreate(options) => objects::network_create(scope, options).await,
        Command::NetworkLs { quiet, .. } => objects::network_ls(scope, quiet).await,
        Command::NetworkRm { names } => objects::network_rm(scope, &names).await,
        Command::Version => images::version(scope).await,
        _ => HostReply::error(
            "dockyard: host mode supports run, create, start, ps, stop, kill, rm, logs, exec, inspect, build, \
             images, rmi, history, image inspect, pull, version, and volume and network create, ls and rm",
            1,
        ),
    };
    out.relay(reply)
}
