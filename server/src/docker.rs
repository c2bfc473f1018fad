//! The bridge to a real Docker Engine, through bollard, for images that need real Linux.
//!
//! Only what the allowlist permits reaches the daemon: `docker run` of an image already present,
//! with no network, capped memory, CPU and processes, no capabilities, and a deadline, after
//! which the container is removed.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{LogsOptionsBuilder, RemoveContainerOptionsBuilder};
use bollard::Docker;
use dockyard_engine::cli::{Command, RunOptions};
use dockyard_engine::reference::Reference;
use futures_util::StreamExt;
use serde::Serialize;

/// The label every container Dockyard creates carries, so leftovers can be found and removed.
pub const LABEL: &str = "dockyard.session";
const MEMORY_LIMIT: i64 = 256 << 20;
const PIDS_LIMIT: i64 = 64;
const NANO_CPUS: i64 = 1_000_000_000;
const RUN_DEADLINE: Duration = Duration::from_secs(30);
const MAX_LOG_BYTES: usize = 1 << 20;

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
    fn refused(message: impl Into<String>, exit_code: i32) -> Self {
        HostReply { stderr: format!("{}\n", message.into()), exit_code, ..Default::default() }
    }
}

/// A connection to the daemon named by DOCKER_HOST, or the default socket.
pub struct DockerBridge {
    endpoint: String,
    session: String,
}

impl DockerBridge {
    pub fn from_env(session: String) -> Self {
        let endpoint = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".to_string());
        DockerBridge { endpoint, session }
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

    /// Runs one docker command line on the daemon, if the allowlist permits it.
    pub async fn execute(&self, line: &str) -> HostReply {
        match dockyard_engine::cli::parse(line) {
            Ok(Command::Run(options)) => self.run(options).await,
            Ok(Command::Help(text)) => HostReply { stdout: text, ..Default::default() },
            Ok(_) => {
                HostReply::refused("dockyard: in host mode only `docker run` reaches the real Docker Engine for now", 1)
            }
            Err(e) => HostReply::refused(e.message, e.exit_code),
        }
    }

    async fn run(&self, options: RunOptions) -> HostReply {
        if options.name.is_some() {
            return HostReply::refused("dockyard: in host mode containers are named by Dockyard; drop --name", 125);
        }
        if let Err(e) = Reference::parse(&options.image) {
            return HostReply::refused(format!("docker: {e}\n\nRun 'docker run --help' for more information"), 125);
        }
        let docker = match self.connect().await {
            Ok(d) => d,
            Err(e) => {
                return HostReply::refused(
                    format!("docker: cannot reach the Docker Engine at {}: {e}", self.endpoint),
                    125,
                )
            }
        };
        // Nothing is pulled: the machine may have no network, and a learner should not fill its disk.
        if docker.inspect_image(&options.image).await.is_err() {
            return HostReply::refused(
                format!(
                    "Unable to find image '{}' locally\ndocker: dockyard: host mode runs only images already on this machine",
                    options.image
                ),
                125,
            );
        }
        let body = ContainerCreateBody {
            image: Some(options.image.clone()),
            cmd: if options.command.is_empty() { None } else { Some(options.command.clone()) },
            env: Some(options.env.clone()),
            labels: Some(HashMap::from([(LABEL.to_string(), self.session.clone())])),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                network_mode: Some("none".to_string()),
                memory: Some(MEMORY_LIMIT),
                pids_limit: Some(PIDS_LIMIT),
                nano_cpus: Some(NANO_CPUS),
                cap_drop: Some(vec!["ALL".to_string()]),
                security_opt: Some(vec!["no-new-privileges".to_string()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let id = match docker.create_container(None, body).await {
            Ok(created) => created.id,
            Err(e) => return HostReply::refused(format!("docker: {}", daemon_message(&e)), 125),
        };
        let reply = self.start_and_collect(&docker, &id).await;
        let remove = RemoveContainerOptionsBuilder::default().force(true).build();
        if let Err(e) = docker.remove_container(&id, Some(remove)).await {
            eprintln!("dockyard: could not remove container {id}: {e}");
        }
        reply
    }

    async fn start_and_collect(&self, docker: &Docker, id: &str) -> HostReply {
        if let Err(e) = docker.start_container(id, None).await {
            return HostReply::refused(format!("docker: {}", daemon_message(&e)), 127);
        }
        let mut wait = docker.wait_container(id, None);
        let exit_code = match tokio::time::timeout(RUN_DEADLINE, wait.next()).await {
            Ok(Some(Ok(done))) => done.status_code as i32,
            // bollard reports a non-zero exit as an error that carries the code.
            Ok(Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. }))) => code as i32,
            Ok(Some(Err(e))) => return HostReply::refused(format!("docker: {}", daemon_message(&e)), 125),
            Ok(None) => 125,
            Err(_) => {
                let mut reply = self.logs(docker, id).await;
                reply
                    .stderr
                    .push_str(&format!("dockyard: stopped the container after {} seconds\n", RUN_DEADLINE.as_secs()));
                reply.exit_code = 137;
                return reply;
            }
        };
        let mut reply = self.logs(docker, id).await;
        reply.exit_code = exit_code;
        reply
    }

    async fn logs(&self, docker: &Docker, id: &str) -> HostReply {
        let options = LogsOptionsBuilder::default().stdout(true).stderr(true).build();
        let mut logs = docker.logs(id, Some(options));
        let mut reply = HostReply::default();
        while let Some(chunk) = logs.next().await {
            let Ok(chunk) = chunk else { break };
            if reply.stdout.len() + reply.stderr.len() > MAX_LOG_BYTES {
                break;
            }
            match chunk {
                bollard::container::LogOutput::StdErr { message } => {
                    reply.stderr.push_str(&String::from_utf8_lossy(&message))
                }
                other => reply.stdout.push_str(&String::from_utf8_lossy(&other.into_bytes())),
            }
        }
        reply
    }
}

/// The daemon's own message, as the docker CLI prints it after "Error response from daemon:".
fn daemon_message(error: &bollard::errors::Error) -> String {
    match error {
        bollard::errors::Error::DockerResponseServerError { message, .. } => {
            format!("Error response from daemon: {message}")
        }
        other => other.to_string(),
    }
}
