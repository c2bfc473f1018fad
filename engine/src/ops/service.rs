//! `docker service`: create, list, inspect, scale, update (a rolling update) and remove services,
//! and list their tasks with Docker's `\_` history lines.
//!
//! The commands return at once, as with `--detach`: the swarm converges as time passes, which
//! `service ps`, `service ls` and the Swarm picture show.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::cli::swarm::{ServiceOptions, SwarmCommand};
use crate::format::{ellipsis, Table};
use crate::ops::daemon_error;
use crate::ops::swarm::{inspect_values, not_a_manager, title};
use crate::reference::Reference;
use crate::swarm::orchestrator::{advance, reconcile};
use crate::swarm::{
    Mode, PortConfig, Previous, Service, ServiceId, Swarm, Task, TaskSpec, TaskState, UpdateConfig, UpdateOrder,
    UpdateStatus, MAX_REPLICAS,
};
use crate::time::Timestamp;
use crate::{Ctx, Engine, Reply};

/// The docker CLI's "No such service" text, which carries its own `Error:` prefix.
pub(crate) fn no_such_service(key: &str) -> String {
    format!("Error: No such service: {key}")
}

/// An image as tables show it: familiar, with its tag.
fn image_text(image: &str) -> String {
    Reference::parse(image).map(|r| r.with_default_tag().familiar()).unwrap_or_else(|_| image.to_string())
}

/// Swarmkit's rule for service names: DNS-label-like, underscores allowed between parts.
pub(crate) fn valid_service_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !name.is_empty()
        && name.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A `-p` value: `8080:80`, `8080:80/udp`, or the long form `published=8080,target=80`.
pub(crate) fn parse_port(text: &str) -> Result<PortConfig, String> {
    let invalid = || format!("invalid argument \"{text}\" for \"-p, --publish\" flag: invalid port format: {text}");
    let number = |s: &str| s.parse::<u16>().ok().filter(|p| *p != 0);
    if text.contains('=') {
        let mut published = None;
        let mut target = None;
        let mut protocol = "tcp".to_string();
        for part in text.split(',') {
            match part.split_once('=') {
                Some(("published", v)) => published = Some(number(v).ok_or_else(invalid)?),
                Some(("target", v)) => target = Some(number(v).ok_or_else(invalid)?),
                Some(("protocol", v @ ("tcp" | "udp" | "sctp"))) => protocol = v.to_string(),
                Some(("mode", "ingress")) => {}
                _ => return Err(invalid()),
            }
        }
        let target = target.ok_or_else(invalid)?;
        return Ok(PortConfig { published: published.unwrap_or(30000 + target % 2768), target, protocol });
    }
    let (ports, protocol) = match text.split_once('/') {
        Some((ports, proto @ ("tcp" | "udp" | "sctp"))) => (ports, proto),
        Some(_) => return Err(invalid()),
        None => (text, "tcp"),
    };
    let (published, target) = match ports.split_once(':') {
        Some((p, t)) => (number(p).ok_or_else(invalid)?, number(t).ok_or_else(invalid)?),
        // A port alone is the target; the swarm picks a published port from 30000 up.
        None => {
            let t = number(ports).ok_or_else(invalid)?;
            (30000 + t % 2768, t)
        }
    };
    Ok(PortConfig { published, target, protocol: protocol.to_string() })
}

impl Engine {
    pub(crate) fn service_command(&mut self, command: SwarmCommand, ctx: &mut Ctx<'_>) -> Reply {
        let now = ctx.now;
        match command {
            SwarmCommand::ServiceCreate(options) => self.service_create(options, ctx),
            SwarmCommand::ServiceUpdate { service, options } => self.service_update(&service, options, now),
            SwarmCommand::ServiceLs { quiet } => self.service_ls(quiet, None),
            SwarmCommand::ServicePs { services, quiet, no_trunc, filters } => {
                self.service_ps(&services, quiet, no_trunc, &filters, now)
            }
            SwarmCommand::ServiceRollback { service } => self.service_rollback(&service, now),
            SwarmCommand::ServiceScale { pairs, .. } => self.service_scale(&pairs, now),
            SwarmCommand::ServiceLogs { service, .. } => self.service_logs(&service),
            SwarmCommand::ServiceRm { services } => self.service_rm(&services),
            SwarmCommand::ServiceInspect { services, format, pretty } => {
                self.service_inspect(&services, format.as_deref(), pretty)
            }
            _ => Reply::default(),
        }
    }

    /// Whether `image` can be found here or on a registry, so each node could pull it.
    fn image_reachable(&self, image: &str) -> bool {
        if self.images.resolve(image).is_some() {
            return true;
        }
        let Ok(reference) = Reference::parse(image).map(Reference::with_default_tag) else { return false };
        let Some(tags) = self.registries.get(&reference.domain).and_then(|r| r.repositories.get(&reference.path))
        else {
            return false;
        };
        match (&reference.tag, &reference.digest) {
            (_, Some(digest)) => tags.values().any(|d| d == digest),
            (Some(tag), None) => tags.contains_key(tag),
            (None, None) => false,
        }
    }

    pub(crate) fn service_create(&mut self, options: ServiceOptions, ctx: &mut Ctx<'_>) -> Reply {
        let image = options.image.clone().unwrap_or_default();
        if Reference::parse(&image).is_err() {
            return Reply::err(
                daemon_error(format!(
                    "rpc error: code = InvalidArgument desc = ContainerSpec: \"{image}\" is not a valid repository/tag"
                )),
                1,
            );
        }
        let reachable = self.image_reachable(&image);
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let name = match &options.name {
            Some(name) => name.clone(),
            None => crate::container::generate_name(ctx.entropy, &|n| swarm.services.iter().any(|s| s.name == n)),
        };
        let labels = super::labels(&options.labels);
        let mut reply = match self.add_service(&name, &image, &options, labels, ctx) {
            Ok(id) => Reply::out(format!("{id}\n")),
            Err(reply) => return reply,
        };
        if !reachable {
            let image = image_text(&image);
            reply.stderr = format!(
                "image {image} could not be accessed on a registry to record\nits digest. Each node will access {image} independently,\npossibly leading to different nodes running different\nversions of the image.\n\n"
            );
        }
        reply
    }

    /// Makes a service from `options` (its image and command already in them) and places its
    /// tasks; `stack deploy` makes its services this way too.
    pub(crate) fn add_service(
        &mut self,
        name: &str,
        image: &str,
        options: &ServiceOptions,
        labels: BTreeMap<String, String>,
        ctx: &mut Ctx<'_>,
    ) -> Result<ServiceId, Reply> {
        let reachable = self.image_reachable(image);
        let Some(swarm) = &mut self.swarm else { return Err(not_a_manager()) };
        let rpc =
            |code: &str, why: String| Reply::err(daemon_error(format!("rpc error: code = {code} desc = {why}")), 1);
        if !valid_service_name(name) {
            return Err(rpc("InvalidArgument", "name must be valid as a DNS name component".to_string()));
        }
        if swarm.services.iter().any(|s| s.name == name) {
            return Err(rpc(
                "AlreadyExists",
                format!("name conflicts with an existing object: service {name} already exists"),
            ));
        }
        if options.global && options.replicas.is_some() {
            return Err(Reply::err("replicas can only be used with replicated or replicated-job mode", 1));
        }
        let replicas = options.replicas.unwrap_or(1);
        if replicas > MAX_REPLICAS {
            return Err(Reply::err(
                format!("dockyard: at most {MAX_REPLICAS} replicas, so the pictures can show each"),
                1,
            ));
        }
        let mut ports = Vec::new();
        for spec in &options.publish {
            ports.push(parse_port(spec).map_err(|e| Reply::err(e, 1))?);
        }
        if let Some(reply) = port_conflict(swarm, &ports, None) {
            return Err(reply);
        }
        let mut update_config = UpdateConfig::default();
        apply_update_flags(&mut update_config, options)?;
        let id = ServiceId::generate(ctx.entropy);
        let env = merge_env(&[], &options.env, &[]);
        swarm.services.push(Service {
            id: id.clone(),
            name: name.to_string(),
            spec: TaskSpec {
                image: image.to_string(),
                args: options.args.clone().unwrap_or_default(),
                env,
                missing_image: !reachable,
            },
            mode: if options.global { Mode::Global } else { Mode::Replicated { replicas } },
            ports,
            update_config,
            labels,
            version: 1,
            spec_version: 1,
            created: ctx.now,
            updated: ctx.now,
            update_status: None,
            previous: None,
        });
        reconcile(swarm, ctx.now);
        Ok(id)
    }

    fn service_key(&self, key: &str) -> Result<ServiceId, String> {
        let swarm = self.swarm.as_ref().ok_or_else(|| no_such_service(key))?;
        swarm.find_service(key).map(|s| s.id.clone()).ok_or_else(|| no_such_service(key))
    }

    pub(crate) fn service_update(&mut self, key: &str, options: ServiceOptions, now: Timestamp) -> Reply {
        if options.rollback {
            return self.service_rollback(key, now);
        }
        let id = match self.service_key(key) {
            Ok(id) => id,
            Err(e) => return Reply::err(e, 1),
        };
        if let Some(image) = &options.image {
            if Reference::parse(image).is_err() {
                return Reply::err(
                    daemon_error(format!(
                        "rpc error: code = InvalidArgument desc = ContainerSpec: \"{image}\" is not a valid repository/tag"
                    )),
                    1,
                );
            }
        }
        let reachable = options.image.as_deref().map(|image| self.image_reachable(image));
        let Some(swarm) = &mut self.swarm else { return not_a_manager() };
        let Some(current) = swarm.services.iter().find(|s| s.id == id).cloned() else {
            return Reply::err(no_such_service(key), 1);
        };
        let mut service = current.clone();
        if let (Some(image), Some(reachable)) = (&options.image, reachable) {
            service.spec.image = image.clone();
            service.spec.missing_image = !reachable;
        }
        if let Some(args) = &options.args {
            service.spec.args = args.clone();
        }
        service.spec.env = merge_env(&service.spec.env, &options.env, &options.env_rm);
        if let Some(replicas) = options.replicas {
            match service.mode {
                Mode::Global => {
                    return Reply::err("replicas can only be used with replicated or replicated-job mode", 1)
                }
                Mode::Replicated { .. } if replicas > MAX_REPLICAS => {
                    return Reply::err(
                        format!("dockyard: at most {MAX_REPLICAS} replicas, so the pictures can show each"),
                        1,
                    )
                }
                Mode::Replicated { .. } => service.mode = Mode::Replicated { replicas },
            }
        }
        for removed in &options.publish_rm {
            let target = removed.split('/').next().unwrap_or_default();
            service.ports.retain(|p| p.target.to_string() != target && p.published.to_string() != target);
        }
        for spec in &options.publish {
            match parse_port(spec) {
                Ok(port) => {
                    service.ports.retain(|p| p.published != port.published);
                    service.ports.push(port);
                }
                Err(e) => return Reply::err(e, 1),
            }
        }
        if let Some(reply) = port_conflict(swarm, &service.ports, Some(&id)) {
            return reply;
        }
        if let Err(reply) = apply_update_flags(&mut service.update_config, &options) {
            return reply;
        }
        let spec_changed = service.spec != current.spec || options.force;
        service.version += 1;
        service.updated = now;
        service.previous =
            Some(Previous { spec: current.spec.clone(), mode: current.mode, ports: current.ports.clone() });
        if spec_changed {
            service.spec_version = service.version;
            service.update_status = Some(UpdateStatus {
                state: "updating".to_string(),
                started: now,
                completed: None,
                batch: Vec::new(),
                next_at: None,
                message: String::new(),
            });
        }
        if let Some(slot) = swarm.service_mut(&id) {
            *slot = service;
        }
        advance(swarm, now);
        Reply::out(format!("{key}\n"))
    }

    /// `service rollback` (and `service update --rollback`): the settings before the last update
    /// come back, by a rolling update of their own.
    fn service_rollback(&mut self, key: &str, now: Timestamp) -> Reply {
        let id = match self.service_key(key) {
            Ok(id) => id,
            Err(e) => return Reply::err(e, 1),
        };
        let Some(swarm) = &mut self.swarm else { return not_a_manager() };
        let Some(service) = swarm.service_mut(&id) else { return Reply::err(no_such_service(key), 1) };
        let Some(previous) = service.previous.take() else {
            return Reply::err(
                daemon_error(format!(
                    "rpc error: code = FailedPrecondition desc = service {id} does not have a previous spec"
                )),
                1,
            );
        };
        let spec_changed = previous.spec != service.spec;
        service.previous =
            Some(Previous { spec: service.spec.clone(), mode: service.mode, ports: service.ports.clone() });
        service.spec = previous.spec;
        service.mode = previous.mode;
        service.ports = previous.ports;
        service.version += 1;
        service.updated = now;
        if spec_changed {
            service.spec_version = service.version;
            service.update_status = Some(UpdateStatus {
                state: "rollback_started".to_string(),
                started: now,
                completed: None,
                batch: Vec::new(),
                next_at: None,
                message: String::new(),
            });
        }
        advance(swarm, now);
        Reply::out(format!("{key}\n"))
    }

    fn service_scale(&mut self, pairs: &[String], now: Timestamp) -> Reply {
        let mut reply = Reply::default();
        let mut errors = Vec::new();
        for pair in pairs {
            let Some((key, value)) = pair.split_once('=') else {
                return Reply::err(
                    format!("Invalid scale specifier '{pair}'.\nSee 'docker service scale --help'.\n\nUsage:  docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]\n\nScale one or multiple replicated services"),
                    1,
                );
            };
            let Ok(replicas) = value.parse::<u64>() else {
                errors.push(format!(
                    "invalid replicas value {value}: strconv.ParseUint: parsing \"{value}\": invalid syntax"
                ));
                continue;
            };
            let id = match self.service_key(key) {
                Ok(id) => id,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let Some(swarm) = &mut self.swarm else { return not_a_manager() };
            let Some(service) = swarm.service_mut(&id) else { continue };
            match service.mode {
                Mode::Global => {
                    errors.push(format!("{key}: scale can only be used with replicated or replicated-job mode"));
                    continue;
                }
                Mode::Replicated { .. } if replicas > MAX_REPLICAS => {
                    errors.push(format!("dockyard: at most {MAX_REPLICAS} replicas, so the pictures can show each"));
                    continue;
                }
                Mode::Replicated { .. } => {}
            }
            service.mode = Mode::Replicated { replicas };
            service.version += 1;
            service.updated = now;
            reconcile(swarm, now);
            reply.stdout.push_str(&format!("{key} scaled to {replicas}\n"));
        }
        if !errors.is_empty() {
            reply.stderr = format!("{}\n", errors.join("\n"));
            reply.exit_code = 1;
        }
        reply
    }

    pub(crate) fn service_ls(&self, quiet: bool, stack: Option<&str>) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let mut services: Vec<&Service> =
            swarm.services.iter().filter(|s| stack.is_none_or(|stack| s.stack() == Some(stack))).collect();
        crate::sort::sort_by(&mut services, |a, b| a.name.cmp(&b.name));
        if let (Some(stack), true) = (stack, services.is_empty()) {
            return Reply::err(format!("Nothing found in stack: {stack}"), 1);
        }
        if quiet {
            return Reply::out(services.iter().map(|s| format!("{}\n", s.id)).collect::<String>());
        }
        let mut table = Table::new(&["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]);
        for service in services {
            let mode = match service.mode {
                Mode::Replicated { .. } => "replicated",
                Mode::Global => "global",
            };
            let ports: Vec<String> =
                service.ports.iter().map(|p| format!("*:{}->{}/{}", p.published, p.target, p.protocol)).collect();
            table.row(vec![
                service.id.short().to_string(),
                service.name.clone(),
                mode.to_string(),
                swarm.replicas_text(service),
                image_text(&service.spec.image),
                ports.join(", "),
            ]);
        }
        Reply::out(table.render())
    }

    fn service_ps(&self, keys: &[String], quiet: bool, no_trunc: bool, filters: &[String], now: Timestamp) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let mut ids = Vec::new();
        let mut errors = Vec::new();
        for key in keys {
            match swarm.find_service(key) {
                Some(s) => ids.push(s.id.clone()),
                None => errors.push(format!("no such service: {key}")),
            }
        }
        let tasks: Vec<&Task> = swarm.tasks.iter().filter(|t| ids.contains(&t.service)).collect();
        let tasks = match filter_tasks(swarm, tasks, filters) {
            Ok(tasks) => tasks,
            Err(reply) => return reply,
        };
        let mut reply = Reply::default();
        if !ids.is_empty() {
            reply.stdout = task_table(swarm, &tasks, quiet, no_trunc, now);
        }
        if !errors.is_empty() {
            reply.stderr = format!("{}\n", errors.join("\n"));
            reply.exit_code = 1;
        }
        reply
    }

    fn service_logs(&self, key: &str) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let found = swarm.find_service(key).is_some() || swarm.tasks.iter().any(|t| t.id.as_str() == key);
        if !found {
            return Reply::err(daemon_error(format!("No such task or service: {key}")), 1);
        }
        // Tasks are simulated (see `swarm.rs`): they run no process, so they have written nothing.
        Reply::default()
    }

    pub(crate) fn service_rm(&mut self, keys: &[String]) -> Reply {
        let mut reply = Reply::default();
        let mut errors = Vec::new();
        for key in keys {
            let id = match self.service_key(key) {
                Ok(id) => id,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let Some(swarm) = &mut self.swarm else { return not_a_manager() };
            swarm.services.retain(|s| s.id != id);
            swarm.tasks.retain(|t| t.service != id);
            reply.stdout.push_str(&format!("{key}\n"));
        }
        if !errors.is_empty() {
            reply.stderr = format!("{}\n", errors.join("\n"));
            reply.exit_code = 1;
        }
        reply
    }

    fn service_inspect(&self, keys: &[String], format: Option<&str>, pretty: bool) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for key in keys {
            match swarm.find_service(key) {
                Some(s) => found.push(s),
                None => errors.push(no_such_service(key)),
            }
        }
        let mut reply = if pretty && format.is_none() {
            Reply::out(found.iter().map(|s| pretty_service(swarm, s)).collect::<Vec<_>>().join("\n\n"))
        } else {
            inspect_values(found.iter().map(|s| service_json(s)).collect(), format)
        };
        if !errors.is_empty() {
            reply.stderr.push_str(&format!("{}\n", errors.join("\n")));
            reply.exit_code = 1;
        }
        reply
    }
}

/// Another service already publishing one of `ports` on the routing mesh.
fn port_conflict(swarm: &Swarm, ports: &[PortConfig], except: Option<&ServiceId>) -> Option<Reply> {
    for port in ports {
        let other = swarm
            .services
            .iter()
            .filter(|s| Some(&s.id) != except)
            .find(|s| s.ports.iter().any(|p| p.published == port.published && p.protocol == port.protocol));
        if let Some(other) = other {
            return Some(Reply::err(
                daemon_error(format!(
                    "rpc error: code = InvalidArgument desc = port '{}' is already in use by service '{}' ({}) as an ingress port",
                    port.published, other.name, other.id
                )),
                1,
            ));
        }
    }
    None
}

fn apply_update_flags(config: &mut UpdateConfig, options: &ServiceOptions) -> Result<(), Reply> {
    if let Some(p) = options.update_parallelism {
        config.parallelism = p;
    }
    if let Some(d) = options.update_delay {
        config.delay = d;
    }
    match options.update_order.as_deref() {
        None => {}
        Some("stop-first") => config.order = UpdateOrder::StopFirst,
        Some("start-first") => config.order = UpdateOrder::StartFirst,
        Some(other) => {
            return Err(Reply::err(
                format!("invalid argument \"{other}\" for \"--update-order\" flag: must be one of \"start-first\" or \"stop-first\""),
                1,
            ))
        }
    }
    match options.update_failure_action.as_deref() {
        None => {}
        Some(a @ ("pause" | "continue" | "rollback")) => config.failure_action = a.to_string(),
        Some(other) => {
            return Err(Reply::err(
                format!("invalid argument \"{other}\" for \"--update-failure-action\" flag: must be one of \"pause\", \"continue\" or \"rollback\""),
                1,
            ))
        }
    }
    Ok(())
}

/// `env` with `add` set over it (by name) and `remove`'s names gone.
fn merge_env(env: &[String], add: &[String], remove: &[String]) -> Vec<String> {
    let key = |e: &str| e.split('=').next().unwrap_or_default().to_string();
    let mut out: Vec<String> = env.iter().filter(|e| !remove.contains(&key(e))).cloned().collect();
    for entry in add.iter().filter(|e| e.contains('=')) {
        match out.iter_mut().find(|e| key(e) == key(entry)) {
            Some(existing) => *existing = entry.clone(),
            None => out.push(entry.clone()),
        }
    }
    out
}

/// The tasks as `service ps` (and `node ps`, `stack ps`) lists them: grouped by slot (by node
/// for a global service), the newest task of each first and the older ones under it as `\_`
/// history lines.
pub(crate) fn task_table(swarm: &Swarm, tasks: &[&Task], quiet: bool, no_trunc: bool, now: Timestamp) -> String {
    let name_of =
        |t: &Task| swarm.services.iter().find(|s| s.id == t.service).map(|s| s.name.clone()).unwrap_or_default();
    // Keyed by service name, slot, and node for a global service's tasks.
    type Group<'t> = Vec<(usize, &'t Task)>;
    let mut groups: BTreeMap<(String, u64, String), Group> = BTreeMap::new();
    for (i, task) in tasks.iter().enumerate() {
        let node =
            if task.slot == 0 { task.node.as_ref().map(|n| n.to_string()).unwrap_or_default() } else { String::new() };
        groups.entry((name_of(task), task.slot, node)).or_default().push((i, task));
    }
    let mut table = Table::new(&["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS"]);
    let mut ids = String::new();
    for ((service, slot, node), mut group) in groups {
        crate::sort::sort_by(&mut group, |(ia, a), (ib, b)| b.created.cmp(&a.created).then(ib.cmp(ia)));
        for (n, (_, task)) in group.iter().enumerate() {
            let id = if no_trunc { task.id.to_string() } else { task.id.short().to_string() };
            ids.push_str(&format!("{id}\n"));
            let name = if slot == 0 { format!("{service}.{node}") } else { format!("{service}.{slot}") };
            let name = if n == 0 { name } else { format!(" \\_ {name}") };
            let host = task
                .node
                .as_ref()
                .and_then(|id| swarm.nodes.iter().find(|node| &node.id == id))
                .map(|node| node.hostname.clone())
                .unwrap_or_default();
            let error = if task.error.is_empty() {
                String::new()
            } else if no_trunc {
                format!("\"{}\"", task.error)
            } else {
                format!("\"{}\"", ellipsis(&task.error, 29))
            };
            table.row(vec![
                id,
                name,
                image_text(&task.spec.image),
                host,
                title(task.desired.as_str()),
                current_state(task, now),
                error,
                String::new(),
            ]);
        }
    }
    if quiet {
        return ids;
    }
    table.render()
}

/// `--filter` of `service ps`, `node ps` and `stack ps`: `desired-state`, `node`, `name` and `id`,
/// each kind matching any of its values, as the daemon reads them.
pub(crate) fn filter_tasks<'t>(
    swarm: &Swarm,
    tasks: Vec<&'t Task>,
    filters: &[String],
) -> Result<Vec<&'t Task>, Reply> {
    let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for filter in filters {
        let Some((key, value)) = filter.split_once('=') else {
            return Err(Reply::err("bad format of filter (expected name=value)\nSee 'docker service ps --help'.", 125));
        };
        if !matches!(key, "desired-state" | "node" | "name" | "id") {
            return Err(Reply::err(daemon_error(format!("invalid filter '{key}'")), 1));
        }
        if key == "desired-state" && !matches!(value, "running" | "shutdown" | "accepted") {
            return Err(Reply::err(daemon_error(format!("Invalid desired-state value: {value}")), 1));
        }
        wanted.entry(key).or_default().push(value);
    }
    let name_of =
        |t: &Task| swarm.services.iter().find(|s| s.id == t.service).map(|s| s.name.clone()).unwrap_or_default();
    Ok(tasks
        .into_iter()
        .filter(|t| {
            wanted.iter().all(|(key, values)| {
                values.iter().any(|value| match *key {
                    "desired-state" => t.desired.as_str() == *value,
                    "node" => t
                        .node
                        .as_ref()
                        .and_then(|id| swarm.nodes.iter().find(|n| &n.id == id))
                        .is_some_and(|n| n.hostname == *value || n.id.as_str().starts_with(value)),
                    "name" => format!("{}.{}", name_of(t), t.slot).starts_with(value),
                    _ => t.id.as_str().starts_with(value),
                })
            })
        })
        .collect())
}

/// The CURRENT STATE column: `Running 5 seconds ago`.
pub(crate) fn current_state(task: &Task, now: Timestamp) -> String {
    format!("{} {} ago", TaskState::title(task.state), now.since(task.since).human().to_lowercase())
}

fn service_json(service: &Service) -> Value {
    let mode = match service.mode {
        Mode::Replicated { replicas } => json!({ "Replicated": { "Replicas": replicas } }),
        Mode::Global => json!({ "Global": {} }),
    };
    let ports: Vec<Value> = service
        .ports
        .iter()
        .map(|p| {
            json!({ "Protocol": p.protocol, "TargetPort": p.target, "PublishedPort": p.published, "PublishMode": "ingress" })
        })
        .collect();
    let update = &service.update_config;
    let mut value = json!({
        "ID": service.id.as_str(),
        "Version": { "Index": service.version },
        "CreatedAt": service.created.rfc3339(),
        "UpdatedAt": service.updated.rfc3339(),
        "Spec": {
            "Name": service.name,
            "Labels": service.labels,
            "TaskTemplate": {
                "ContainerSpec": { "Image": service.spec.image, "Args": service.spec.args, "Env": service.spec.env },
                "RestartPolicy": { "Condition": "any", "Delay": 5_000_000_000u64, "MaxAttempts": 0 },
                "ForceUpdate": 0,
                "Runtime": "container",
            },
            "Mode": mode,
            "UpdateConfig": {
                "Parallelism": update.parallelism,
                "Delay": update.delay,
                "FailureAction": update.failure_action,
                "Monitor": 5_000_000_000u64,
                "MaxFailureRatio": 0,
                "Order": update.order.as_str(),
            },
            "EndpointSpec": { "Mode": "vip", "Ports": ports },
        },
        "Endpoint": { "Spec": { "Mode": "vip", "Ports": ports }, "Ports": ports },
    });
    if let Some(status) = &service.update_status {
        let message = match status.state.as_str() {
            "completed" => "update completed",
            "updating" => "update in progress",
            "rollback_started" => "manually requested rollback",
            "rollback_completed" => "rollback completed",
            _ => status.message.as_str(),
        };
        value["UpdateStatus"] = json!({
            "State": status.state,
            "StartedAt": status.started.rfc3339(),
            "CompletedAt": status.completed.map(|c| c.rfc3339()).unwrap_or_default(),
            "Message": message,
        });
    }
    value
}

fn pretty_service(swarm: &Swarm, service: &Service) -> String {
    let mut out = format!("\nID:\t\t{}\nName:\t\t{}\n", service.id, service.name);
    if !service.labels.is_empty() {
        out.push_str("Labels:\n");
        for (k, v) in &service.labels {
            out.push_str(&format!(" {k}={v}\n"));
        }
    }
    match service.mode {
        Mode::Replicated { replicas } => out.push_str(&format!("Service Mode:\tReplicated\n Replicas:\t{replicas}\n")),
        Mode::Global => out.push_str("Service Mode:\tGlobal\n"),
    }
    if let Some(status) = &service.update_status {
        let state = &status.state;
        out.push_str(&format!(
            "UpdateStatus:\n State:\t\t{state}\n Started:\t{} ago\n",
            swarm.now.since(status.started).human().to_lowercase()
        ));
    }
    let update = &service.update_config;
    let delay = crate::time::Duration(update.delay);
    out.push_str(&format!(
        "Placement:\nUpdateConfig:\n Parallelism:\t{}\n{} On failure:\t{}\n Monitoring Period: 5s\n Max failure ratio: 0\n Update order:      {}\n",
        update.parallelism,
        if update.delay > 0 { format!(" Delay:\t\t{}s\n", delay.0 / 1_000_000_000) } else { String::new() },
        update.failure_action,
        update.order.as_str()
    ));
    out.push_str(&format!("ContainerSpec:\n Image:\t\t{}\n", service.spec.image));
    if !service.spec.args.is_empty() {
        out.push_str(&format!(" Args:\t\t{}\n", service.spec.args.join(" ")));
    }
    if !service.spec.env.is_empty() {
        out.push_str(&format!(" Env:\t\t{}\n", service.spec.env.join(" ")));
    }
    out.push_str("Resources:\nEndpoint Mode:\tvip\n");
    if !service.ports.is_empty() {
        out.push_str("Ports:\n");
        for p in &service.ports {
            out.push_str(&format!(
                " PublishedPort = {}\n  Protocol = {}\n  TargetPort = {}\n  PublishMode = ingress\n",
                p.published, p.protocol, p.target
            ));
        }
    }
    out
}
