//! `docker compose up` and `build`: the project's networks and volumes, then each service's image
//! (built or pulled) and container, in the order `depends_on` gives.

use std::collections::BTreeSet;

use super::{done_line, selected, subtree, task, TaskKind};
use crate::build::ContextThen;
use crate::cli::{BuildOptions, NetworkCreateOptions, RunOptions};
use crate::compose::{Condition, MountType, Project};
use crate::container::ContainerId;
use crate::copy::Tree;
use crate::ops::signal::SIGKILL;
use crate::{Ctx, Engine, Reply, Step};

/// What `up` was asked for.
pub(crate) struct Up {
    pub(crate) detach: bool,
    pub(crate) build: bool,
    pub(crate) no_build: bool,
    pub(crate) services: Vec<String>,
}

/// The image a service runs: its `image:`, or for a service that is built, `<project>-<service>`.
pub(crate) fn image_name(project: &Project, service: &str) -> String {
    project.services.get(service).and_then(|s| s.image.clone()).unwrap_or_else(|| format!("{}-{service}", project.name))
}

/// The services named and everything they depend on, in start order.
fn with_dependencies(project: &Project, chosen: &[String]) -> Result<Vec<String>, Reply> {
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = chosen.to_vec();
    while let Some(name) = stack.pop() {
        if let Some(service) = project.services.get(&name) {
            if wanted.insert(name) {
                stack.extend(service.depends_on.keys().cloned());
            }
        }
    }
    let order = project.start_order().map_err(|e| Reply::err(e.to_string(), 15))?;
    Ok(order.into_iter().filter(|s| wanted.contains(s)).collect())
}

/// The project's keys of the networks a service joins: those it names, else `default`.
fn networks_of(project: &Project, service: &str) -> Vec<String> {
    match project.services.get(service) {
        Some(s) if !s.networks.is_empty() => s.networks.keys().cloned().collect(),
        _ => vec!["default".to_string()],
    }
}

impl Engine {
    pub(super) fn compose_up(&mut self, project: Project, tree: &Tree, up: Up, ctx: &mut Ctx<'_>) -> Step {
        let order = match selected(&project, &up.services).and_then(|chosen| with_dependencies(&project, &chosen)) {
            Ok(order) => order,
            Err(reply) => return Step::Done(reply),
        };
        let mut reply = Reply::default();
        if let Err(failed) = self.make_networks(&project, &order, &mut reply, ctx) {
            return Step::Done(reply.then_keep(failed));
        }
        if let Err(failed) = self.make_volumes(&project, &order, &mut reply, ctx) {
            return Step::Done(reply.then_keep(failed));
        }
        let mut next = Vec::new();
        for service in &order {
            if let Some(build) = project.services[service].build.as_ref() {
                let missing = self.images.resolve(&image_name(&project, service)).is_none();
                if !up.no_build && (up.build || missing) {
                    let Some(context) = subtree(tree, &build.context) else {
                        let why = format!("unable to prepare context: path {:?} not found", build.context);
                        return Step::Done(reply.then_keep(Reply::err(why, 1)));
                    };
                    next.push(task(&project, TaskKind::Build { service: service.clone(), context, no_cache: false }));
                }
            }
            next.push(task(&project, TaskKind::Start { service: service.clone() }));
        }
        if !up.detach {
            next.push(task(&project, TaskKind::Follow { services: order.clone(), timestamps: false, prefix: true }));
            next.push(task(&project, TaskKind::StopAll { services: order }));
        }
        Step::Then { first: Box::new(Step::Done(reply)), next }
    }

    /// `docker compose build`: each chosen service that has a `build:` section, built again.
    pub(super) fn compose_build(&mut self, project: Project, tree: &Tree, services: &[String], no_cache: bool) -> Step {
        let chosen = match selected(&project, services) {
            Ok(chosen) => chosen,
            Err(reply) => return Step::Done(reply),
        };
        let mut next = Vec::new();
        for service in chosen {
            let Some(build) = project.services[&service].build.as_ref() else { continue };
            let Some(context) = subtree(tree, &build.context) else {
                return Step::Done(Reply::err(
                    format!("unable to prepare context: path {:?} not found", build.context),
                    1,
                ));
            };
            next.push(task(&project, TaskKind::Build { service, context, no_cache }));
        }
        Step::Then { first: Box::new(Step::Done(Reply::default())), next }
    }

    fn make_networks(
        &mut self,
        project: &Project,
        order: &[String],
        reply: &mut Reply,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), Reply> {
        let keys: BTreeSet<String> = crate::sort::set(order.iter().flat_map(|s| networks_of(project, s)));
        for key in keys {
            let Some(network) = project.networks.get(&key) else { continue };
            if self.find_network(&network.name).is_some() {
                continue;
            }
            if network.external {
                return Err(Reply::err(
                    format!("network {} declared as external, but could not be found", network.name),
                    1,
                ));
            }
            let options = NetworkCreateOptions {
                name: network.name.clone(),
                driver: network.driver.clone(),
                internal: network.internal,
                labels: project.network_labels(&key).iter().map(|(k, v)| format!("{k}={v}")).collect(),
                ..Default::default()
            };
            let made = self.network_create(&options, ctx);
            if made.exit_code != 0 {
                return Err(Reply { stdout: String::new(), ..made });
            }
            reply.stderr.push_str(&done_line("Network", &network.name, "Created"));
        }
        Ok(())
    }

    fn make_volumes(
        &mut self,
        project: &Project,
        order: &[String],
        reply: &mut Reply,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), Reply> {
        let keys: BTreeSet<String> = crate::sort::set(
            order
                .iter()
                .flat_map(|s| project.services[s].volumes.iter())
                .filter(|m| m.kind == MountType::Volume)
                .filter_map(|m| m.source.clone()),
        );
        for key in keys {
            let Some(volume) = project.volumes.get(&key) else { continue };
            if self.volumes.contains_key(&volume.name) {
                continue;
            }
            if volume.external {
                return Err(Reply::err(format!("external volume \"{}\" not found", volume.name), 1));
            }
            let labels: Vec<String> = project.volume_labels(&key).iter().map(|(k, v)| format!("{k}={v}")).collect();
            let made = self.volume_create(Some(&volume.name), &labels, ctx);
            if made.exit_code != 0 {
                return Err(Reply { stdout: String::new(), ..made });
            }
            reply.stderr.push_str(&done_line("Volume", &format!("\"{}\"", volume.name), "Created"));
        }
        Ok(())
    }

    /// Builds one service's image with the classic builder, tagged as the service runs it.
    pub(super) fn build_service(
        &mut self,
        project: &Project,
        service: &str,
        context: Tree,
        no_cache: bool,
        ctx: &mut Ctx<'_>,
    ) -> Step {
        let Some(build) = project.services.get(service).and_then(|s| s.build.as_ref()) else {
            return Step::Done(Reply::default());
        };
        let options = BuildOptions {
            context: build.context.clone(),
            tags: vec![image_name(project, service)],
            file: Some(build.dockerfile.clone()),
            build_args: build.args.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}"))).collect(),
            target: build.target.clone(),
            no_cache,
            ..Default::default()
        };
        self.context_done(ContextThen::build(options), Ok(context), ctx)
    }

    /// Makes the service's container if it has none, and starts it unless it runs; first waits
    /// for dependencies that must finish.
    pub(super) fn start_service(&mut self, project: Project, service: &str, ctx: &mut Ctx<'_>) -> Step {
        let Some(spec) = project.services.get(service) else { return Step::Done(Reply::default()) };
        for (dependency, needs) in &spec.depends_on {
            if needs.condition != Condition::CompletedSuccessfully {
                continue;
            }
            let Some(done) = self.find_container(&project.container_name(dependency, 1)) else { continue };
            if done.state.status.can_exit() {
                let wait = Step::Await {
                    container: done.id.clone(),
                    kill_after: None,
                    signal: SIGKILL,
                    follow: None,
                    reply: Reply::default(),
                };
                let again = task(&project, TaskKind::Start { service: service.to_string() });
                return Step::Then { first: Box::new(wait), next: vec![again] };
            }
            if done.state.exit_code != 0 {
                let why =
                    format!("service \"{dependency}\" didn't complete successfully: exit {}", done.state.exit_code);
                return Step::Done(Reply::err(why, 1));
            }
        }
        let name = project.container_name(service, 1);
        let (id, before) = match self.find_container(&name).filter(|c| c.name == name) {
            Some(c) if c.state.status.can_exit() => {
                return Step::Done(Reply { stderr: done_line("Container", &name, "Running"), ..Default::default() })
            }
            Some(c) => (c.id.clone(), Reply::default()),
            None => {
                if spec.build.is_some() && self.images.resolve(&image_name(&project, service)).is_none() {
                    let why = format!("service \"{service}\" has no image: its build did not finish");
                    return Step::Done(Reply::err(why, 1));
                }
                match self.create_service_container(&project, service, ctx) {
                    Ok(made) => made,
                    Err(reply) => return Step::Done(reply),
                }
            }
        };
        match self.start_process(&id, ctx.now) {
            Ok(process) => {
                let reply =
                    before.then_keep(Reply { stderr: done_line("Container", &name, "Started"), ..Default::default() });
                Step::Spawn { processes: vec![process], reply }
            }
            Err((message, code)) => Step::Done(before.then_keep(Reply::err(crate::ops::daemon_error(message), code))),
        }
    }

    /// Creates a service's container as Compose asks the daemon to: named, labelled, on each of
    /// its networks with the service's name as an alias there.
    fn create_service_container(
        &mut self,
        project: &Project,
        service: &str,
        ctx: &mut Ctx<'_>,
    ) -> Result<(ContainerId, Reply), Reply> {
        let options = run_options(project, service)?;
        let created = self.create_container(&options, ctx, |message, code| Reply::err(message.to_string(), code))?;
        let spec = &project.services[service];
        for key in networks_of(project, service).iter().skip(1) {
            let Some(network) =
                project.networks.get(key).and_then(|n| self.find_network(&n.name)).map(|n| n.id.clone())
            else {
                continue;
            };
            let mut aliases = vec![service.to_string()];
            aliases.extend(spec.networks.get(key).map(|n| n.aliases.clone()).unwrap_or_default());
            if let Err(why) = self.join_network(&created.id, &network, &aliases) {
                self.containers.retain(|c| c.id != created.id);
                return Err(created.before.then_keep(Reply::err(crate::ops::daemon_error(why), 1)));
            }
        }
        let line = Reply {
            stderr: done_line("Container", &options.name.clone().unwrap_or_default(), "Created"),
            ..Default::default()
        };
        Ok((created.id, created.before.then_keep(line)))
    }
}

/// A service as `docker run` options: what Compose sends in `POST /containers/create`.
fn run_options(project: &Project, service: &str) -> Result<RunOptions, Reply> {
    let s = &project.services[service];
    let (entrypoint, mut command) = match &s.entrypoint {
        Some(entrypoint) => {
            let words = entrypoint.words();
            (Some(words.first().cloned().unwrap_or_default()), words.iter().skip(1).cloned().collect())
        }
        None => (None, Vec::new()),
    };
    if let Some(cmd) = &s.command {
        command.extend(cmd.words().iter().cloned());
    }
    let publish = s
        .ports
        .iter()
        .map(|p| {
            let mut spec = String::new();
            if let Some(ip) = &p.host_ip {
                spec.push_str(&format!("{ip}:"));
            }
            match &p.published {
                Some(published) => spec.push_str(&format!("{published}:")),
                None if p.host_ip.is_some() => spec.push(':'),
                None => {}
            }
            spec.push_str(&p.target.to_string());
            if p.protocol != "tcp" {
                spec.push_str(&format!("/{}", p.protocol));
            }
            spec
        })
        .collect();
    let mut volumes = Vec::new();
    for mount in &s.volumes {
        let read_only = if mount.read_only { ":ro" } else { "" };
        match (mount.kind, &mount.source) {
            (MountType::Volume, Some(key)) => {
                let name = project.volumes.get(key).map_or(key.as_str(), |v| v.name.as_str());
                volumes.push(format!("{name}:{}{read_only}", mount.target));
            }
            (MountType::Volume, None) => volumes.push(mount.target.clone()),
            (MountType::Bind, Some(source)) => volumes.push(format!("{source}:{}{read_only}", mount.target)),
            _ => {
                return Err(Reply::err(
                    format!("dockyard: service \"{service}\": {} mounts are not simulated", mount.kind.as_str()),
                    1,
                ))
            }
        }
    }
    let networks = networks_of(project, service);
    let primary = networks.first().cloned().unwrap_or_default();
    let mut aliases = vec![service.to_string()];
    aliases.extend(s.networks.get(&primary).map(|n| n.aliases.clone()).unwrap_or_default());
    let mut labels: Vec<String> =
        project.container_labels(service, 1, false).iter().map(|(k, v)| format!("{k}={v}")).collect();
    labels.extend(s.labels.iter().map(|(k, v)| format!("{k}={v}")));
    Ok(RunOptions {
        image: image_name(project, service),
        command,
        name: Some(project.container_name(service, 1)),
        env: s.environment.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}"))).collect(),
        detach: true,
        workdir: s.working_dir.clone(),
        user: s.user.clone(),
        entrypoint,
        restart: s.restart.map(|r| r.to_string()),
        volumes,
        publish,
        network: project.networks.get(&primary).map(|n| n.name.clone()),
        network_aliases: aliases,
        labels,
        ..Default::default()
    })
}
