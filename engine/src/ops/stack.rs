//! `docker stack`: deploy a Compose file as services (`NAME_service`, labelled with the stack's
//! namespace), and list, inspect and remove stacks.

use std::collections::BTreeMap;

use crate::cli::swarm::ServiceOptions;
use crate::ops::service::task_table;
use crate::ops::swarm::not_a_manager;
use crate::swarm::{Task, STACK_LABEL};
use crate::time::Timestamp;
use crate::{Ctx, Engine, Reply};

/// Compose's model has no `deploy:` section, so its `replicas` (the one deploy setting a first
/// stack needs) is read here from the YAML's indentation: the line `replicas: N` under
/// `deploy:` under a service. A file this does not understand deploys one replica per service.
fn deploy_replicas(source: &str) -> BTreeMap<String, u64> {
    let mut found = BTreeMap::new();
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut in_services = false;
    let mut service: Option<(String, usize)> = None;
    let mut deploy: Option<usize> = None;
    for line in source.lines() {
        let text = line.trim_end();
        let trimmed = text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = indent(text);
        if depth == 0 {
            in_services = trimmed == "services:";
            service = None;
            deploy = None;
            continue;
        }
        if !in_services {
            continue;
        }
        match &service {
            Some((_, at)) if depth > *at => {}
            _ => {
                service = trimmed.strip_suffix(':').map(|name| (name.trim_matches(['"', '\'']).to_string(), depth));
                deploy = None;
                continue;
            }
        }
        if let Some(at) = deploy {
            if depth <= at {
                deploy = None;
            }
        }
        if trimmed == "deploy:" {
            deploy = Some(depth);
            continue;
        }
        if let (Some(_), Some((name, _))) = (deploy, &service) {
            if let Some(n) = trimmed.strip_prefix("replicas:").and_then(|v| v.trim().parse::<u64>().ok()) {
                found.insert(name.clone(), n);
            }
        }
    }
    found
}

impl Engine {
    /// Finishes `docker stack deploy` with the Compose file's bytes, or why they could not be read.
    pub(crate) fn stack_deploy_file(&mut self, stack: &str, read: Result<Vec<u8>, String>, ctx: &mut Ctx<'_>) -> Reply {
        if self.swarm.is_none() {
            return not_a_manager();
        }
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(why) => return Reply::err(why, 1),
        };
        if !crate::ops::service::valid_service_name(stack) || stack.contains('_') {
            return Reply::err(format!("invalid stack name: {stack:?}"), 1);
        }
        let source = String::from_utf8_lossy(&bytes).into_owned();
        let options =
            crate::compose::Options { project_name: Some(stack.to_string()), ..crate::compose::Options::new(stack) };
        let loaded = match crate::compose::load(&source, &options) {
            Ok(loaded) => loaded,
            Err(e) => return Reply::err(e.to_string(), 1),
        };
        let project = loaded.project;
        let replicas = deploy_replicas(&source);
        let mut reply = Reply::default();
        for (name, service) in &project.services {
            if service.image.is_none() {
                return Reply::err(format!("invalid image reference for service {name}: no image specified"), 1);
            }
        }
        let ignored: Vec<&str> = crate::sort::set(
            project
                .services
                .values()
                .flat_map(|s| {
                    [
                        s.build.is_some().then_some("build"),
                        (!s.depends_on.is_empty()).then_some("depends_on"),
                        s.container_name.is_some().then_some("container_name"),
                        s.restart.is_some().then_some("restart"),
                    ]
                })
                .flatten(),
        )
        .into_iter()
        .collect();
        if !ignored.is_empty() {
            reply.stderr.push_str(&format!("Ignoring unsupported options: {}\n\n", ignored.join(", ")));
        }
        let networks: Vec<String> = project.networks.values().filter(|n| !n.external).map(|n| n.name.clone()).collect();
        let known = self.swarm.as_ref().and_then(|s| s.stack_networks.get(stack)).cloned().unwrap_or_default();
        for network in &networks {
            if !known.contains(network) && self.find_network(network).is_none() {
                let options = crate::cli::NetworkCreateOptions {
                    name: network.clone(),
                    driver: Some("overlay".to_string()),
                    labels: vec![format!("com.docker.stack.namespace={stack}")],
                    ..Default::default()
                };
                let made = self.network_create(&options, ctx);
                if made.exit_code != 0 {
                    return reply.then(Reply { stdout: String::new(), ..made });
                }
                reply.stdout.push_str(&format!("Creating network {network}\n"));
            }
        }
        if let Some(swarm) = &mut self.swarm {
            swarm.stack_networks.insert(stack.to_string(), networks);
        }
        for (name, service) in &project.services {
            let full = format!("{stack}_{name}");
            let image = service.image.clone().unwrap_or_default();
            let options = ServiceOptions {
                image: Some(image.clone()),
                args: Some(service.command.as_ref().map(|c| c.words().to_vec()).unwrap_or_default()),
                replicas: Some(replicas.get(name).copied().unwrap_or(1)),
                env: service.environment.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}"))).collect(),
                publish: service
                    .ports
                    .iter()
                    .filter_map(|p| {
                        p.published.as_ref().map(|published| format!("{published}:{}/{}", p.target, p.protocol))
                    })
                    .collect(),
                ..ServiceOptions::default()
            };
            let existing = self.swarm.as_ref().and_then(|s| s.find_service(&full)).map(|s| s.id.clone());
            match existing {
                Some(id) => {
                    reply.stdout.push_str(&format!("Updating service {full} (id: {id})\n"));
                    let updated = self.service_update(&full, options, ctx.now);
                    if updated.exit_code != 0 {
                        return reply.then(updated);
                    }
                }
                None => {
                    reply.stdout.push_str(&format!("Creating service {full}\n"));
                    let mut labels = BTreeMap::new();
                    labels.insert(STACK_LABEL.to_string(), stack.to_string());
                    if let Err(failed) = self.add_service(&full, &image, &options, labels, ctx) {
                        return reply.then(failed);
                    }
                }
            }
        }
        reply
    }

    pub(crate) fn stack_ls(&self) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let mut stacks: BTreeMap<&str, usize> = BTreeMap::new();
        for service in &swarm.services {
            if let Some(stack) = service.stack() {
                *stacks.entry(stack).or_default() += 1;
            }
        }
        let mut table = crate::format::Table::new(&["NAME", "SERVICES", "ORCHESTRATOR"]);
        for (name, count) in stacks {
            table.row(vec![name.to_string(), count.to_string(), "Swarm".to_string()]);
        }
        Reply::out(table.render())
    }

    pub(crate) fn stack_services(&self, stack: &str, quiet: bool) -> Reply {
        self.service_ls(quiet, Some(stack))
    }

    pub(crate) fn stack_ps(
        &self,
        stack: &str,
        quiet: bool,
        no_trunc: bool,
        filters: &[String],
        now: Timestamp,
    ) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let services: Vec<_> = swarm.services.iter().filter(|s| s.stack() == Some(stack)).map(|s| &s.id).collect();
        let tasks: Vec<&Task> = swarm.tasks.iter().filter(|t| services.contains(&&t.service)).collect();
        if tasks.is_empty() {
            return Reply::err(format!("nothing found in stack: {stack}"), 1);
        }
        let tasks = match crate::ops::service::filter_tasks(swarm, tasks, filters) {
            Ok(tasks) => tasks,
            Err(reply) => return reply,
        };
        Reply::out(task_table(swarm, &tasks, quiet, no_trunc, now))
    }

    pub(crate) fn stack_rm(&mut self, stacks: &[String]) -> Reply {
        let mut reply = Reply::default();
        for stack in stacks {
            let Some(swarm) = &mut self.swarm else { return not_a_manager() };
            let mut services: Vec<(String, crate::swarm::ServiceId)> = swarm
                .services
                .iter()
                .filter(|s| s.stack() == Some(stack.as_str()))
                .map(|s| (s.name.clone(), s.id.clone()))
                .collect();
            let networks = swarm.stack_networks.remove(stack).unwrap_or_default();
            if services.is_empty() && networks.is_empty() {
                reply.stderr.push_str(&format!("Nothing found in stack: {stack}\n"));
                continue;
            }
            crate::sort::sort(&mut services);
            for (name, id) in services {
                reply.stdout.push_str(&format!("Removing service {name}\n"));
                swarm.services.retain(|s| s.id != id);
                swarm.tasks.retain(|t| t.service != id);
            }
            for network in networks {
                reply.stdout.push_str(&format!("Removing network {network}\n"));
                self.networks.retain(|n| n.name != network);
            }
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn replicas_are_read_from_each_services_deploy_section() {
        let source = "services:\n  web:\n    image: web\n    deploy:\n      replicas: 3\n      update_config:\n        parallelism: 1\n  db:\n    image: kv\nvolumes:\n  data:\n";
        let found = deploy_replicas(source);
        assert_eq!(found.get("web"), Some(&3));
        assert_eq!(found.get("db"), None);
    }
}
