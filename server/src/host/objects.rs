//! Volumes and networks on the real daemon, each the session's own: created with its labels and
//! name prefix, listed and removed only within it. Networks are internal bridges, so containers
//! on them reach each other and nothing else.

use std::collections::HashMap;

use bollard::models::{NetworkCreateRequest, VolumeCreateRequest};
use bollard::query_parameters::{ListNetworksOptionsBuilder, ListVolumesOptionsBuilder, RemoveVolumeOptionsBuilder};
use dockyard_engine::cli::NetworkCreateOptions;
use dockyard_engine::format::Table;

use super::allowlist::{Refusal, Rule};
use super::output::{daemon_error, short_id};
use super::session::SESSION_LABEL;
use super::{HostReply, Scope};

/// Volumes and networks one session may have.
pub const MAX_VOLUMES: usize = 10;
pub const MAX_NETWORKS: usize = 3;

/// Docker's rule for volume and network names.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        && name.len() <= 64
}

async fn own_volumes(scope: &Scope<'_>) -> Vec<String> {
    let options = ListVolumesOptionsBuilder::default().filters(&scope.session.filter()).build();
    let list = scope.docker.list_volumes(Some(options)).await.ok().and_then(|l| l.volumes).unwrap_or_default();
    let mut names: Vec<String> = list.into_iter().map(|v| scope.session.learner_name(&v.name).to_string()).collect();
    names.sort();
    names
}

/// Makes the session's volume `name` unless it has it already, as `docker run -v` would.
pub async fn ensure_volume(scope: &Scope<'_>, name: &str) -> Result<bool, Refusal> {
    if !valid_name(name) {
        return Err(Refusal::new(Rule::NoHostMounts, format!("{name}: a volume name is letters, digits, _, . and -")));
    }
    let volumes = own_volumes(scope).await;
    if volumes.iter().any(|v| v == name) {
        return Ok(false);
    }
    if volumes.len() >= MAX_VOLUMES {
        return Err(Refusal::new(
            Rule::Quota,
            format!("a session has at most {MAX_VOLUMES} volumes; docker volume rm some first"),
        ));
    }
    let request = VolumeCreateRequest {
        name: Some(scope.session.daemon_name(name)),
        labels: Some(scope.session.labels(scope.instance)),
        ..Default::default()
    };
    scope.docker.create_volume(request).await.map_err(|e| Refusal::new(Rule::Quota, super::daemon_message(&e)))?;
    Ok(true)
}

pub async fn volume_create(scope: &Scope<'_>, name: Option<String>) -> HostReply {
    let name = name.unwrap_or_else(|| {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        dockyard_engine::digest::hex(&bytes)
    });
    match ensure_volume(scope, &name).await {
        Ok(_) => HostReply::out(format!("{name}\n")),
        Err(refusal) => HostReply::refused(refusal),
    }
}

pub async fn volume_ls(scope: &Scope<'_>, quiet: bool) -> HostReply {
    let names = own_volumes(scope).await;
    if quiet {
        return HostReply::out(names.iter().map(|n| format!("{n}\n")).collect::<String>());
    }
    let mut table = Table::new(&["DRIVER", "VOLUME NAME"]);
    for name in names {
        table.row(vec!["local".to_string(), name]);
    }
    HostReply::out(table.render())
}

pub async fn volume_rm(scope: &Scope<'_>, names: &[String], force: bool) -> HostReply {
    let own = own_volumes(scope).await;
    let mut reply = HostReply::default();
    for name in names {
        if !own.contains(name) {
            let other = scope.docker.inspect_volume(name).await.is_ok();
            let message = match other {
                true => Refusal::new(Rule::OwnSessionOnly, format!("volume {name} is not one of this session's"))
                    .to_string(),
                false => format!("Error response from daemon: get {name}: no such volume"),
            };
            reply.stderr.push_str(&format!("{message}\n"));
            reply.exit_code = 1;
            continue;
        }
        let options = RemoveVolumeOptionsBuilder::default().force(force).build();
        match scope.docker.remove_volume(&scope.session.daemon_name(name), Some(options)).await {
            Ok(()) => reply.stdout.push_str(&format!("{name}\n")),
            Err(e) => {
                reply.stderr.push_str(&daemon_error(scope, "", &e, 1).stderr);
                reply.exit_code = 1;
            }
        }
    }
    reply
}

/// The session's networks: (learner name, daemon id).
async fn own_networks(scope: &Scope<'_>) -> Vec<(String, String)> {
    let options = ListNetworksOptionsBuilder::default().filters(&scope.session.filter()).build();
    let list = scope.docker.list_networks(Some(options)).await.unwrap_or_default();
    let mut networks: Vec<(String, String)> = list
        .into_iter()
        .filter(|n| {
            n.labels.as_ref().and_then(|l| l.get(SESSION_LABEL)).map(String::as_str) == Some(scope.session.as_str())
        })
        .map(|n| (scope.session.learner_name(&n.name.unwrap_or_default()).to_string(), n.id.unwrap_or_default()))
        .collect();
    networks.sort();
    networks
}

pub async fn own_network_names(scope: &Scope<'_>) -> Vec<String> {
    own_networks(scope).await.into_iter().map(|(name, _)| name).collect()
}

/// `docker network create`: an internal bridge of the session's, whatever the options ask.
pub async fn network_create(scope: &Scope<'_>, options: NetworkCreateOptions) -> HostReply {
    if options.driver.as_deref().is_some_and(|d| d != "bridge") {
        return HostReply::refused(Refusal::new(Rule::DockyardNetworksOnly, "-d: networks are bridges"));
    }
    if !options.subnets.is_empty() || !options.gateways.is_empty() {
        return HostReply::refused(Refusal::new(
            Rule::DockyardNetworksOnly,
            "--subnet and --gateway: the daemon chooses",
        ));
    }
    if !valid_name(&options.name) {
        return HostReply::error(format!("Error response from daemon: invalid network name {:?}", options.name), 1);
    }
    let existing = own_networks(scope).await;
    if existing.iter().any(|(name, _)| *name == options.name) {
        return HostReply::error(
            format!("Error response from daemon: network with name {} already exists", options.name),
            1,
        );
    }
    if existing.len() >= MAX_NETWORKS {
        return HostReply::refused(Refusal::new(
            Rule::Quota,
            format!("a session has at most {MAX_NETWORKS} networks; docker network rm one first"),
        ));
    }
    let mut labels: HashMap<String, String> = scope.session.labels(scope.instance);
    for label in &options.labels {
        let (key, value) = label.split_once('=').unwrap_or((label, ""));
        if !key.starts_with("dockyard.") {
            labels.insert(key.to_string(), value.to_string());
        }
    }
    let request = NetworkCreateRequest {
        name: scope.session.daemon_name(&options.name),
        driver: Some("bridge".to_string()),
        internal: Some(true),
        attachable: Some(options.attachable),
        labels: Some(labels),
        ..Default::default()
    };
    match scope.docker.create_network(request).await {
        Ok(created) => HostReply::out(format!("{}\n", created.id)),
        Err(e) => daemon_error(scope, "", &e, 1),
    }
}

/// `docker network ls`: `none` and the session's own networks.
pub async fn network_ls(scope: &Scope<'_>, quiet: bool) -> HostReply {
    let mut rows = Vec::new();
    let none =
        scope.docker.list_networks(None::<bollard::query_parameters::ListNetworksOptions>).await.unwrap_or_default();
    if let Some(id) = none.into_iter().find(|n| n.name.as_deref() == Some("none")).and_then(|n| n.id) {
        rows.push(("none".to_string(), id, "null"));
    }
    rows.extend(own_networks(scope).await.into_iter().map(|(name, id)| (name, id, "bridge")));
    rows.sort();
    if quiet {
        return HostReply::out(rows.iter().map(|(_, id, _)| format!("{}\n", short_id(id))).collect::<String>());
    }
    let mut table = Table::new(&["NETWORK ID", "NAME", "DRIVER", "SCOPE"]);
    for (name, id, driver) in rows {
        table.row(vec![short_id(&id), name, driver.to_string(), "local".to_string()]);
    }
    HostReply::out(table.render())
}

pub async fn network_rm(scope: &Scope<'_>, names: &[String]) -> HostReply {
    let own = own_networks(scope).await;
    let mut reply = HostReply::default();
    for name in names {
        let Some((_, id)) = own.iter().find(|(n, id)| n == name || (name.len() >= 3 && id.starts_with(name.as_str())))
        else {
            let other = scope.docker.inspect_network(name, None).await.is_ok();
            let message = match other {
                true => Refusal::new(Rule::OwnSessionOnly, format!("network {name} is not one of this session's"))
                    .to_string(),
                false => format!("Error response from daemon: network {name} not found"),
            };
            reply.stderr.push_str(&format!("{message}\n"));
            reply.exit_code = 1;
            continue;
        };
        match scope.docker.remove_network(id).await {
            Ok(()) => reply.stdout.push_str(&format!("{name}\n")),
            Err(e) => {
                reply.stderr.push_str(&daemon_error(scope, "", &e, 1).stderr);
                reply.exit_code = 1;
            }
        }
    }
    reply
}
