//! `docker compose`: the project's folder is read once (the same step a build's context takes),
//! the compose file in it is loaded by [`crate::compose`], and the command acts on the project.
//!
//! Compose is a client: it finds the containers it made by their labels
//! (`com.docker.compose.project`, `com.docker.compose.service`), and makes networks, volumes and
//! containers with the engine's ordinary operations. Work that needs the host (a service's build,
//! a container to stop, a dependency to finish) goes as [`Task`]s, one command each, so a pull
//! that must fetch blobs first, or a build's `RUN`, takes its usual steps in between.

mod down;
mod lifecycle;
mod logs;
mod ps;
mod up;

use std::collections::BTreeMap;

use crate::cli::compose::{Action, ComposeCommand, Globals};
use crate::compose::{Options, Project};
use crate::container::{Container, ContainerId};
use crate::copy::Tree;
use crate::layer::EntryKind;
use crate::{Ctx, Engine, Reply, Step};

/// The names Compose looks for when no `-f` is given, in its order.
const DEFAULT_FILES: [&str; 4] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

/// A project folder's name when the host does not say: the page's workspace has none of its own.
const DEFAULT_FOLDER: &str = "app";

/// One step of a compose command under way, with the project it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub(crate) project: Project,
    pub(crate) kind: TaskKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TaskKind {
    /// Build a service's image from its context, a part of the project's folder.
    Build { service: String, context: Tree, no_cache: bool },
    /// Make the service's container if it has none, and start it unless it runs.
    Start { service: String },
    /// Stop a container by `deadline` (shared by all of `down`'s, as Compose stops them at
    /// once; `None` waits as long as it takes), then remove it.
    Remove { id: ContainerId, deadline: Option<crate::Timestamp>, volumes: bool },
    /// Stop a container by `deadline`, and say so.
    Stop { id: ContainerId, deadline: Option<crate::Timestamp> },
    /// After `down`'s containers: the networks, and with `-v` the volumes.
    Cleanup { volumes: bool },
    /// Follow the logs of the project's containers (foreground `up`).
    Follow { services: Vec<String>, timestamps: bool, prefix: bool },
    /// Foreground `up` once it stops following (Ctrl-C, or its containers ended): stop what
    /// still runs, as Compose does when it is interrupted.
    StopAll { services: Vec<String> },
}

/// A line of Compose's progress, as it stands when done: ` ✔ Container shop-web-1  Started`.
pub(crate) fn done_line(kind: &str, name: &str, status: &str) -> String {
    format!(" \u{2714} {kind} {name}  {status}\n")
}

impl Engine {
    /// `docker compose ...`: first the project's folder, from the host.
    pub(crate) fn compose(&mut self, command: ComposeCommand) -> Step {
        let path = command.globals.project_directory.clone().unwrap_or_else(|| ".".to_string());
        Step::ReadContext { path, then: crate::build::ContextThen::compose(command) }
    }

    /// Goes on with a compose command once the host has read the project's folder.
    pub(crate) fn compose_context(
        &mut self,
        command: ComposeCommand,
        folder: Option<String>,
        context: Result<Tree, String>,
        ctx: &mut Ctx<'_>,
    ) -> Step {
        let tree = match context {
            Ok(tree) => tree,
            Err(why) => return Step::Done(Reply::err(why, 1)),
        };
        let folder = folder.unwrap_or_else(|| folder_name(command.globals.project_directory.as_deref()));
        let (project, warnings) = match load_project(&command.globals, &folder, &tree) {
            Ok(loaded) => loaded,
            Err(reply) => return Step::Done(reply),
        };
        let mut before = Reply::default();
        for warning in warnings {
            before.stderr.push_str(&format!("WARN[0000] {warning}\n"));
        }
        let step = match command.action {
            Action::Config { quiet, services_only, volumes_only, services } => {
                Step::Done(config(&project, quiet, services_only, volumes_only, &services))
            }
            Action::Up { detach, build, no_build, services } => {
                self.compose_up(project, &tree, up::Up { detach, build, no_build, services }, ctx)
            }
            Action::Build { no_cache, quiet: _, services } => self.compose_build(project, &tree, &services, no_cache),
            Action::Down { volumes, timeout } => self.compose_down(project, volumes, timeout.as_deref(), ctx.now),
            Action::Ps { all, quiet, services_only, services } => {
                Step::Done(self.compose_ps(&project, ps::PsOptions { all, quiet, services_only }, &services, ctx.now))
            }
            Action::Logs { follow, timestamps, tail, no_prefix, services } => self.compose_logs(
                &project,
                logs::LogsOptions { follow, timestamps, tail, prefix: !no_prefix },
                &services,
            ),
            Action::Stop { timeout, services } => self.compose_stop(project, &services, timeout.as_deref(), ctx.now),
            Action::Start { services } => self.compose_start(project, &services),
            Action::Restart { timeout, services } => {
                self.compose_restart(project, &services, timeout.as_deref(), ctx.now)
            }
            Action::Exec { service, command, detach, env, user, workdir, index } => {
                let exec = lifecycle::Exec { service, command, detach, env, user, workdir, index };
                self.compose_exec(&project, exec, ctx)
            }
        };
        prefix_step(before, step)
    }

    /// Runs one step of a compose command under way.
    pub(crate) fn compose_task(&mut self, task: Task, ctx: &mut Ctx<'_>) -> Step {
        let Task { project, kind } = task;
        match kind {
            TaskKind::Build { service, context, no_cache } => {
                self.build_service(&project, &service, context, no_cache, ctx)
            }
            TaskKind::Start { service } => self.start_service(project, &service, ctx),
            TaskKind::Remove { id, deadline, volumes } => self.remove_task(project, id, deadline, volumes, ctx.now),
            TaskKind::Stop { id, deadline } => self.stop_task(project, id, deadline, ctx.now),
            TaskKind::Cleanup { volumes } => Step::Done(self.cleanup(&project, volumes)),
            TaskKind::Follow { services, timestamps, prefix } => {
                self.follow_project(&project, &services, timestamps, prefix)
            }
            TaskKind::StopAll { services } => self.stop_all(project, &services, ctx.now),
        }
    }

    /// The project's containers, as Compose finds them by label: by service, then number.
    pub(crate) fn project_containers(&self, project: &str) -> Vec<&Container> {
        let mut found: Vec<&Container> = self
            .containers
            .iter()
            .filter(|c| c.labels.get("com.docker.compose.project").map(String::as_str) == Some(project))
            .collect();
        crate::sort::sort_by(&mut found, |a, b| service_of(a).cmp(service_of(b)).then_with(|| a.name.cmp(&b.name)));
        found
    }
}

/// The service a container was made for.
pub(crate) fn service_of(c: &Container) -> &str {
    c.labels.get("com.docker.compose.service").map_or("", String::as_str)
}

/// A task as the command that carries it.
pub(crate) fn task(project: &Project, kind: TaskKind) -> crate::cli::Command {
    crate::cli::Command::ComposeTask(Box::new(Task { project: project.clone(), kind }))
}

/// Prints `before` (Compose's warnings) ahead of whatever `step` prints.
fn prefix_step(before: Reply, step: Step) -> Step {
    if before.stdout.is_empty() && before.stderr.is_empty() {
        return step;
    }
    match step {
        Step::Done(reply) => Step::Done(before.then_keep(reply)),
        Step::Spawn { processes, reply } => Step::Spawn { processes, reply: before.then_keep(reply) },
        Step::Launch(mut launch) => {
            launch.before = before.then_keep(launch.before);
            Step::Launch(launch)
        }
        Step::Then { first, next } => Step::Then { first: Box::new(prefix_step(before, *first)), next },
        Step::Await { container, kill_after, signal, follow: Some(mut follow), reply } => {
            follow.before = before.then_keep(follow.before);
            Step::Await { container, kill_after, signal, follow: Some(follow), reply }
        }
        // A compose command's first step is one of the above.
        other => other,
    }
}

impl Reply {
    /// Appends another reply's output, keeping the worse exit code, and its progress when
    /// nothing printed here comes before that progress on its stream.
    pub(crate) fn then_keep(mut self, next: Reply) -> Reply {
        let progress = match next.progress {
            Some((crate::wasi::Stream::Stdout, _)) if !self.stdout.is_empty() => None,
            Some((crate::wasi::Stream::Stderr, _)) if !self.stderr.is_empty() => None,
            progress => progress,
        };
        self.stdout.push_str(&next.stdout);
        self.stderr.push_str(&next.stderr);
        if next.exit_code != 0 {
            self.exit_code = next.exit_code;
        }
        self.progress = progress.or(self.progress);
        self
    }
}

/// The last part of the project directory's path, which names the project when nothing else does.
fn folder_name(directory: Option<&str>) -> String {
    let name = directory.unwrap_or(".").trim_end_matches('/').rsplit('/').next().unwrap_or("");
    match name {
        "" | "." | ".." => DEFAULT_FOLDER.to_string(),
        name => name.to_string(),
    }
}

/// A file of the folder as text.
pub(crate) fn file_text(tree: &Tree, path: &str) -> Option<String> {
    let path = clean(path);
    tree.entries.iter().find(|(p, _)| *p == path).and_then(|(_, entry)| match &entry.kind {
        EntryKind::File { data } => Some(String::from_utf8_lossy(&data.0).into_owned()),
        _ => None,
    })
}

/// A path inside the project's folder as the tree keys it: no `./`, no trailing `/`.
pub(crate) fn clean(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    parts.join("/")
}

/// The part of the folder under `path`, as a tree of its own (a service's build context).
pub(crate) fn subtree(tree: &Tree, path: &str) -> Option<Tree> {
    let path = clean(path);
    if path.is_empty() {
        return Some(tree.clone());
    }
    let prefix = format!("{path}/");
    let mut entries = Vec::new();
    for (p, entry) in &tree.entries {
        if *p == path {
            if !entry.is_dir() {
                return None;
            }
            entries.insert(0, (String::new(), entry.clone()));
        } else if let Some(rest) = p.strip_prefix(&prefix) {
            entries.push((rest.to_string(), entry.clone()));
        }
    }
    entries.first().is_some_and(|(p, _)| p.is_empty()).then_some(Tree { entries })
}

/// Finds the compose file in the folder, reads `.env` and the services' `env_file`s from it,
/// and loads the project. Errors read as Compose prints them.
fn load_project(globals: &Globals, folder: &str, tree: &Tree) -> Result<(Project, Vec<String>), Reply> {
    let file = match globals.files.as_slice() {
        [] => DEFAULT_FILES.iter().map(|name| name.to_string()).find(|name| file_text(tree, name).is_some()),
        [one] => Some(one.clone()),
        _ => {
            return Err(Reply::err(
                "dockyard: one compose file at a time: merging several -f files is not simulated",
                1,
            ))
        }
    };
    let Some(file) = file else {
        return Err(Reply::err("no configuration file provided: not found", 14));
    };
    let Some(source) = file_text(tree, &file) else {
        return Err(Reply::err(format!("open {file}: no such file or directory"), 14));
    };
    let mut options = Options::new(folder);
    options.project_name = globals.project_name.clone();
    if let Some(text) = file_text(tree, ".env") {
        options.env = crate::compose::dotenv(&text, &BTreeMap::new())
            .map_err(|e| Reply::err(format!("failed to read .env: {e}"), 15))?;
    }
    let loaded = crate::compose::load(&source, &options).map_err(|e| Reply::err(e.to_string(), 15))?;
    let mut project = loaded.project;
    let contents: BTreeMap<String, String> = crate::sort::map(
        project.env_files().iter().filter_map(|f| file_text(tree, &f.path).map(|text| (f.path.clone(), text))),
    );
    project.apply_env_files(&contents, &options.env).map_err(|e| Reply::err(e.to_string(), 15))?;
    Ok((project, loaded.warnings))
}

/// The services a command names, each checked against the project, or every service when none
/// is named.
pub(crate) fn selected(project: &Project, services: &[String]) -> Result<Vec<String>, Reply> {
    if services.is_empty() {
        return Ok(project.active_services(&[]).into_iter().map(str::to_string).collect());
    }
    for name in services {
        if !project.services.contains_key(name) {
            return Err(Reply::err(format!("no such service: {name}"), 1));
        }
    }
    Ok(services.to_vec())
}

/// `docker compose config`: the project as Compose normalized it, or only its names.
fn config(project: &Project, quiet: bool, services_only: bool, volumes_only: bool, services: &[String]) -> Reply {
    if let Err(reply) = selected(project, services) {
        return reply;
    }
    if quiet {
        return Reply::default();
    }
    if services_only {
        let order = project.start_order().unwrap_or_else(|_| project.services.keys().cloned().collect());
        return Reply::out(order.iter().map(|s| format!("{s}\n")).collect::<String>());
    }
    if volumes_only {
        return Reply::out(project.volumes.keys().map(|v| format!("{v}\n")).collect::<String>());
    }
    Reply::out(crate::compose::config(project))
}
