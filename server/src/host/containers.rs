//! Containers on the real daemon: run and create under the allowlist, and ps, start, stop, rm,
//! logs, exec and inspect of the session's own containers only.

use std::collections::HashMap;
use std::time::Duration;

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::models::{
    ContainerCreateBody, ContainerSummary, ContainerSummaryStateEnum, EndpointSettings, HostConfig, Mount, MountType,
    NetworkingConfig,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, KillContainerOptionsBuilder, ListContainersOptionsBuilder,
    RemoveContainerOptionsBuilder, StopContainerOptionsBuilder,
};
use dockyard_engine::cli::{ExecOptions, PsOptions, RunOptions};
use dockyard_engine::format::{ellipsis, go_quote, Table};
use dockyard_engine::reference::Reference;
use futures_util::{Stream, StreamExt};

use super::allowlist::{self, Refusal, Rule};
use super::output::{ago, daemon_error, inspect_output, short_id, unprefix};
use super::stream::Out;
use super::{build, follow, images, objects, HostReply, Scope};

/// Containers one session may have, running or not.
pub const MAX_CONTAINERS: usize = 10;
/// How long a non-interactive `exec` may take before Dockyard gives the terminal back.
const DEADLINE: Duration = Duration::from_secs(30);
const MAX_OUTPUT_BYTES: usize = 1 << 20;

/// The session's containers, newest first.
pub async fn own(scope: &Scope<'_>) -> Vec<ContainerSummary> {
    let options = ListContainersOptionsBuilder::default().all(true).filters(&scope.session.filter()).build();
    scope.docker.list_containers(Some(options)).await.unwrap_or_default()
}

/// The learner's name for a container.
fn name_of(scope: &Scope<'_>, summary: &ContainerSummary) -> String {
    let first = summary.names.as_ref().and_then(|n| n.first()).map(String::as_str).unwrap_or("");
    scope.session.learner_name(first).to_string()
}

/// The daemon id of the session's container called `reference` (a name or an id prefix). A
/// container of another session is refused by name; one nobody has is Docker's "No such container".
pub async fn resolve(scope: &Scope<'_>, reference: &str) -> Result<String, HostReply> {
    let own = own(scope).await;
    let found = own.iter().find(|c| name_of(scope, c) == reference).or_else(|| {
        let mut by_id =
            own.iter().filter(|c| !reference.is_empty() && c.id.as_deref().is_some_and(|id| id.starts_with(reference)));
        match (by_id.next(), by_id.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    });
    if let Some(id) = found.and_then(|c| c.id.clone()) {
        return Ok(id);
    }
    if scope.docker.inspect_container(reference, None).await.is_ok() {
        return Err(HostReply::refused(Refusal::new(
            Rule::OwnSessionOnly,
            format!("container {reference} is not one of this session's"),
        )));
    }
    Err(HostReply::error(format!("Error response from daemon: No such container: {reference}"), 1))
}

/// `docker run` (`start`) and `docker create`: a missing image is pulled first, its progress
/// on standard error; a foreground run passes the container's output on as it comes.
pub async fn run(scope: &Scope<'_>, options: RunOptions, start: bool, out: &mut Out) -> i32 {
    let verb = if start { "run" } else { "create" };
    let body = match plan(scope, &options, false).await {
        Ok(body) => body,
        Err(refusal) => return out.relay(HostReply::refused(refusal)),
    };
    if let Err(e) = Reference::parse(&options.image) {
        return out
            .relay(HostReply::error(format!("docker: {e}\n\nRun 'docker {verb} --help' for more information"), 125));
    }
    let present = match build::image_for_run(scope, &options.image).await {
        Ok(present) => present,
        Err(refusal) => return out.relay(HostReply::refused(refusal)),
    };
    if !present {
        out.stderr(&format!("Unable to find image '{}' locally\n", qualified(&options.image)));
        if images::pull(scope, &options.image, false, true, out).await != 0 {
            return 125;
        }
    }
    let mut create = CreateContainerOptionsBuilder::default();
    let daemon_name = options.name.as_ref().map(|n| scope.session.daemon_name(n));
    if let Some(name) = &daemon_name {
        create = create.name(name);
    }
    let id = match scope.docker.create_container(Some(create.build()), body).await {
        Ok(created) => created.id,
        Err(e) => {
            let mut reply = daemon_error(scope, "docker: ", &e, 125);
            reply.stderr = format!("{}\nRun 'docker {verb} --help' for more information\n", reply.stderr);
            return out.relay(reply);
        }
    };
    if !start {
        out.stdout(&format!("{id}\n"));
        return 0;
    }
    if let Err(e) = scope.docker.start_container(&id, None).await {
        let message = super::daemon_message(&e);
        let code = if message.contains("permission denied") {
            126
        } else if message.contains("not found") || message.contains("no such file") {
            127
        } else {
            125
        };
        if options.remove {
            remove_quietly(scope, &id).await;
        }
        out.stderr(&format!("docker: {}\n\nRun 'docker run --help' for more information\n", unprefix(scope, &message)));
        return code;
    }
    if options.detach {
        out.stdout(&format!("{id}\n"));
        return 0;
    }
    let code = follow::foreground(scope, &id, out).await;
    if options.remove {
        remove_quietly(scope, &id).await;
    }
    code
}

/// A container for `docker run -it`, created with a TTY and stdin open, not yet started.
pub async fn create_for_terminal(scope: &Scope<'_>, options: RunOptions) -> Result<String, HostReply> {
    let mut body = plan(scope, &options, true).await.map_err(HostReply::refused)?;
    body.tty = Some(true);
    body.open_stdin = Some(options.interactive);
    body.stdin_once = Some(options.interactive);
    body.attach_stdin = Some(options.interactive);
    if !build::image_for_run(scope, &options.image).await.map_err(HostReply::refused)? {
        let image = qualified(&options.image);
        return Err(HostReply::error(format!("Unable to find image '{image}' locally; docker pull it first"), 125));
    }
    let mut create = CreateContainerOptionsBuilder::default();
    if let Some(name) = &options.name {
        create = create.name(&scope.session.daemon_name(name));
    }
    match scope.docker.create_container(Some(create.build()), body).await {
        Ok(created) => Ok(created.id),
        Err(e) => Err(daemon_error(scope, "docker: ", &e, 125)),
    }
}

/// Docker's full name for an image in "Unable to find image" (`busybox:latest`).
fn qualified(image: &str) -> String {
    Reference::parse(image).map(|r| r.with_default_tag().familiar()).unwrap_or_else(|_| image.to_string())
}

async fn remove_quietly(scope: &Scope<'_>, id: &str) {
    let force = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
    if let Err(e) = scope.docker.remove_container(id, Some(force)).await {
        eprintln!("dockyard: could not remove container {id}: {e}");
    }
}

/// The create body for a run, or the rule it breaks.
async fn plan(scope: &Scope<'_>, options: &RunOptions, terminal: bool) -> Result<ContainerCreateBody, Refusal> {
    if !terminal && (options.interactive || options.tty) {
        return Err(Refusal::new(
            Rule::NoTerminal,
            "-i and -t need the terminal over /api/host/tty; here, run the command without them, or use -d",
        ));
    }
    if !options.publish.is_empty() || options.publish_all {
        return Err(Refusal::new(Rule::NoPublishedPorts, "-p and -P: containers publish no ports on the host"));
    }
    if options.restart.as_deref().is_some_and(|r| r != "no") {
        return Err(Refusal::new(
            Rule::ResourceLimits,
            "--restart: containers do not restart on their own in host mode",
        ));
    }
    if !options.env_files.is_empty() {
        return Err(Refusal::new(Rule::NoHostMounts, "--env-file: the server reads no files of its host for you"));
    }
    let existing = own(scope).await.len();
    if existing >= MAX_CONTAINERS {
        return Err(Refusal::new(
            Rule::Quota,
            format!("a session has at most {MAX_CONTAINERS} containers; docker rm some first"),
        ));
    }
    let memory = allowlist::memory_limit(options.memory)?;
    let networks = objects::own_network_names(scope).await;
    let network = allowlist::network_mode(options.network.as_deref(), |name| {
        networks.iter().any(|n| n == name).then(|| scope.session.daemon_name(name))
    })?;
    let mut binds = Vec::new();
    for spec in &options.volumes {
        allowlist::check_volume_source(spec)?;
        match spec.split_once(':') {
            Some((source, rest)) => {
                objects::ensure_volume(scope, source).await?;
                binds.push(format!("{}:{rest}", scope.session.daemon_name(source)));
            }
            // An anonymous volume: Docker makes it, and removes it with the container (`rm -v`).
            None => binds.push(spec.clone()),
        }
    }
    let mut mounts = Vec::new();
    for spec in &options.mounts {
        mounts.push(mount(scope, spec).await?);
    }
    // Anonymous volumes go in `Volumes`, as the docker CLI sends them, not as binds.
    let (anonymous, binds): (Vec<String>, Vec<String>) = binds.into_iter().partition(|b| !b.contains(':'));
    let endpoints = (network != "none" && !options.network_aliases.is_empty()).then(|| NetworkingConfig {
        endpoints_config: Some(HashMap::from([(
            network.clone(),
            EndpointSettings { aliases: Some(options.network_aliases.clone()), ..Default::default() },
        )])),
    });
    let body = ContainerCreateBody {
        image: Some(options.image.clone()),
        cmd: (!options.command.is_empty()).then(|| options.command.clone()),
        entrypoint: options
            .entrypoint
            .as_ref()
            .map(|e| if e.is_empty() { vec![String::new()] } else { vec![e.clone()] }),
        env: Some(options.env.clone()),
        working_dir: options.workdir.clone(),
        user: options.user.clone(),
        stop_timeout: options.stop_timeout.map(|t| t as i64),
        labels: Some(labels(scope, &options.labels)),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        volumes: (!anonymous.is_empty()).then_some(anonymous),
        networking_config: endpoints,
        host_config: Some(HostConfig {
            network_mode: Some(network),
            memory: Some(memory),
            pids_limit: Some(allowlist::PIDS_LIMIT),
            nano_cpus: Some(allowlist::NANO_CPUS),
            cap_drop: Some(vec!["ALL".to_string()]),
            security_opt: Some(vec!["no-new-privileges".to_string()]),
            binds: Some(binds),
            mounts: (!mounts.is_empty()).then_some(mounts),
            auto_remove: Some(options.remove && options.detach),
            ..Default::default()
        }),
        ..Default::default()
    };
    allowlist::check_container_body(&body, &scope.session.prefix())?;
    Ok(body)
}

/// The learner's `--label`s, then the session's, which no label of the learner's can replace.
fn labels(scope: &Scope<'_>, wanted: &[String]) -> HashMap<String, String> {
    let mut labels: HashMap<String, String> = wanted
        .iter()
        .map(|label| label.split_once('=').unwrap_or((label, "")))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    labels.extend(scope.session.labels(scope.instance));
    labels
}

/// A `--mount` value: only `type=volume` (the default) of a named volume of the session.
async fn mount(scope: &Scope<'_>, spec: &str) -> Result<Mount, Refusal> {
    let mut fields = HashMap::new();
    for field in spec.split(',') {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        fields.insert(key, value);
    }
    let kind = fields.get("type").copied().unwrap_or("volume");
    if kind != "volume" {
        return Err(Refusal::new(Rule::NoHostMounts, format!("--mount type={kind}: only named volumes")));
    }
    let source = ["source", "src"].iter().find_map(|k| fields.get(k).copied());
    let target = ["target", "destination", "dst"].iter().find_map(|k| fields.get(k).copied());
    let (Some(source), Some(target)) = (source, target) else {
        return Err(Refusal::new(Rule::NoHostMounts, "--mount: name a volume source and a target"));
    };
    objects::ensure_volume(scope, source).await?;
    Ok(Mount {
        typ: Some(MountType::VOLUME),
        source: Some(scope.session.daemon_name(source)),
        target: Some(target.to_string()),
        read_only: Some(fields.contains_key("readonly") || fields.contains_key("ro")),
        ..Default::default()
    })
}

/// Standard output and error from a stream of the daemon's frames, up to a size limit.
async fn collect(stream: impl Stream<Item = Result<LogOutput, bollard::errors::Error>>) -> HostReply {
    let mut stream = std::pin::pin!(stream);
    let mut reply = HostReply::default();
    while let Some(Ok(chunk)) = stream.next().await {
        if reply.stdout.len() + reply.stderr.len() > MAX_OUTPUT_BYTES {
            break;
        }
        match chunk {
            LogOutput::StdErr { message } => reply.stderr.push_str(&String::from_utf8_lossy(&message)),
            other => reply.stdout.push_str(&String::from_utf8_lossy(&other.into_bytes())),
        }
    }
    reply
}

/// `docker ps`: the session's containers only.
pub async fn ps(scope: &Scope<'_>, options: PsOptions) -> HostReply {
    if options.format.is_some() || !options.filters.is_empty() {
        return HostReply::error("dockyard: host mode's docker ps takes -a, -q, -n, -l and --no-trunc", 1);
    }
    let mut containers = own(scope).await;
    containers.sort_by_key(|c| std::cmp::Reverse(c.created.unwrap_or(0)));
    if let Some(last) = options.last {
        containers.truncate(last);
    } else if !options.all {
        containers.retain(|c| c.state == Some(ContainerSummaryStateEnum::RUNNING));
    }
    let id_of = |c: &ContainerSummary| {
        let id = c.id.clone().unwrap_or_default();
        if options.no_trunc {
            id
        } else {
            short_id(&id)
        }
    };
    if options.quiet {
        return HostReply::out(containers.iter().map(|c| format!("{}\n", id_of(c))).collect::<String>());
    }
    let mut table = Table::new(&["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]);
    for c in &containers {
        let command = c.command.clone().unwrap_or_default();
        let command = if options.no_trunc { command } else { ellipsis(&command, 20) };
        table.row(vec![
            id_of(c),
            c.image.clone().unwrap_or_default(),
            go_quote(&command),
            ago(c.created.unwrap_or(0)),
            c.status.clone().unwrap_or_default(),
            String::new(),
            name_of(scope, c),
        ]);
    }
    HostReply::out(table.render())
}

/// Runs `each` on every named container, printing the name as typed when it succeeds, as
/// `docker stop`, `start` and `rm` do; the first failure's code is the command's.
async fn each_container<F, Fut>(scope: &Scope<'_>, names: &[String], each: F) -> HostReply
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), bollard::errors::Error>>,
{
    let mut reply = HostReply::default();
    for name in names {
        let id = match resolve(scope, name).await {
            Ok(id) => id,
            Err(refused) => {
                reply.stderr.push_str(&refused.stderr);
                reply.exit_code = 1;
                continue;
            }
        };
        match each(id).await {
            Ok(()) => reply.stdout.push_str(&format!("{name}\n")),
            Err(e) => {
                reply.stderr.push_str(&daemon_error(scope, "", &e, 1).stderr);
                reply.exit_code = 1;
            }
        }
    }
    reply
}

pub async fn start(scope: &Scope<'_>, names: &[String]) -> HostReply {
    each_container(scope, names, |id| async move { scope.docker.start_container(&id, None).await }).await
}

/// `docker stop` (`-t`) and `docker kill` (`-s`).
pub async fn stop(
    scope: &Scope<'_>,
    names: &[String],
    time: Option<String>,
    kill: bool,
    signal: Option<String>,
) -> HostReply {
    let seconds = time.and_then(|t| t.parse::<i32>().ok());
    each_container(scope, names, |id| {
        let signal = signal.clone();
        async move {
            if kill {
                let options =
                    KillContainerOptionsBuilder::default().signal(signal.as_deref().unwrap_or("KILL")).build();
                scope.docker.kill_container(&id, Some(options)).await
            } else {
                let mut options = StopContainerOptionsBuilder::default();
                if let Some(seconds) = seconds {
                    options = options.t(seconds);
                }
                scope.docker.stop_container(&id, Some(options.build())).await
            }
        }
    })
    .await
}

/// `docker rm`. Anonymous volumes always go with their container, as if `-v` were given: they
/// carry no session label, so nothing could find them later.
pub async fn rm(scope: &Scope<'_>, names: &[String], force: bool) -> HostReply {
    each_container(scope, names, |id| async move {
        let options = RemoveContainerOptionsBuilder::default().force(force).v(true).build();
        scope.docker.remove_container(&id, Some(options)).await
    })
    .await
}

/// `docker exec` in one of the session's containers: never privileged, and without a terminal.
pub async fn exec(scope: &Scope<'_>, options: ExecOptions) -> HostReply {
    if options.interactive || options.tty {
        return HostReply::refused(Refusal::new(
            Rule::NoTerminal,
            "-i and -t need the terminal over /api/host/tty; here, run the command without them",
        ));
    }
    let id = match resolve(scope, &options.container).await {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let config = CreateExecOptions {
        cmd: Some(options.command.clone()),
        env: Some(options.env.clone()),
        working_dir: options.workdir.clone(),
        user: options.user.clone(),
        attach_stdout: Some(!options.detach),
        attach_stderr: Some(!options.detach),
        privileged: Some(false),
        ..Default::default()
    };
    let exec = match scope.docker.create_exec(&id, config).await {
        Ok(exec) => exec.id,
        Err(e) => return daemon_error(scope, "", &e, 1),
    };
    let started =
        scope.docker.start_exec(&exec, Some(StartExecOptions { detach: options.detach, ..Default::default() }));
    let mut reply = match started.await {
        Ok(StartExecResults::Attached { output, .. }) => {
            tokio::time::timeout(DEADLINE, collect(output)).await.unwrap_or_else(|_| {
                HostReply::error(format!("dockyard: stopped waiting after {} seconds", DEADLINE.as_secs()), 137)
            })
        }
        Ok(StartExecResults::Detached) => return HostReply::default(),
        Err(e) => return daemon_error(scope, "", &e, 126),
    };
    if let Ok(done) = scope.docker.inspect_exec(&exec).await {
        reply.exit_code = done.exit_code.map(|c| c as i32).unwrap_or(reply.exit_code);
    }
    reply
}

/// `docker inspect`: the session's containers, else images (which sessions share, read only).
pub async fn inspect(scope: &Scope<'_>, names: &[String], format: Option<String>, kind: Option<String>) -> HostReply {
    if kind.as_deref() == Some("image") {
        return images::inspect(scope, names, format).await;
    }
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for name in names {
        match resolve(scope, name).await {
            Ok(id) => match scope.docker.inspect_container(&id, None).await {
                Ok(details) => found.push(serde_json::to_value(details).unwrap_or_default()),
                Err(e) => errors.push(daemon_error(scope, "", &e, 1).stderr.trim_end().to_string()),
            },
            Err(refused) if refused.stderr.contains(Rule::OwnSessionOnly.name()) => {
                errors.push(refused.stderr.trim_end().to_string())
            }
            Err(not_found) => match (kind.as_deref(), scope.docker.inspect_image(name).await) {
                (None, Ok(image)) => found.push(serde_json::to_value(image).unwrap_or_default()),
                _ => errors
                    .push(not_found.stderr.trim_end().replace("No such container: ", "No such object: ").to_string()),
            },
        }
    }
    inspect_output(scope, found, format, errors)
}
