//! Volumes and networks as the pictures show them: each volume with its size and the containers
//! that mount it (and where), and each network (`bridge`, `host`, `none`, then user-defined
//! ones) with the containers attached to it, their addresses, and the containers outside it
//! that its members cannot reach.

use serde::Serialize;

use crate::container::{Container, ContainerStatus};
use crate::layer::EntryKind;
use crate::time::Timestamp;
use crate::Engine;

/// One volume and who uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeView {
    pub name: String,
    /// Made for an image's `VOLUME` or a `-v /path` without a name.
    pub anonymous: bool,
    pub created: Timestamp,
    /// The bytes of its files, and how many files it holds.
    pub size: u64,
    pub files: usize,
    pub users: Vec<VolumeUser>,
}

/// A container that mounts a volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeUser {
    pub container: String,
    pub id: String,
    /// The mount point inside the container, from the root (`/data`).
    pub destination: String,
    pub read_only: bool,
    pub running: bool,
}

/// One network and the containers on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkView {
    pub name: String,
    /// The first 12 digits of its id.
    pub id: String,
    /// Docker's driver for it: `bridge`, `host`, or `null` for none.
    pub driver: String,
    /// `172.18.0.0/16` and `172.18.0.1`; `host` and `none` have neither.
    pub subnet: Option<String>,
    pub gateway: Option<String>,
    /// Made with `docker network create`, not one of the three every host has.
    pub user_defined: bool,
    /// Whether its members find each other by name (user-defined networks), not only by address.
    pub resolves_names: bool,
    pub internal: bool,
    /// What being on it means for a container, in a sentence.
    pub about: String,
    pub members: Vec<NetworkMember>,
    /// Containers with a network that are not on this one, so its members cannot reach them
    /// (nor they the members), each with the networks it is on instead.
    pub outside: Vec<Outsider>,
}

/// A container attached to a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkMember {
    pub container: String,
    pub id: String,
    pub running: bool,
    /// Its published ports, `0.0.0.0:8080->80/tcp`.
    pub ports: Vec<String>,
    /// Its address on this network (`172.18.0.2`), if the network gives addresses.
    pub ip: Option<String>,
    /// The names others on the network reach it by: its name, its aliases and its short id on
    /// a user-defined network; none on the default bridge, where only addresses work.
    pub names: Vec<String>,
    /// The other networks it is on, where it appears as well.
    pub also_on: Vec<String>,
}

/// A container that is not on a network, and the networks it is on instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outsider {
    pub container: String,
    pub networks: Vec<String>,
}

fn running(c: &Container) -> bool {
    matches!(c.state.status, ContainerStatus::Running | ContainerStatus::Paused)
}

impl Engine {
    /// Every volume, named ones first in name order, then anonymous ones, newest first.
    pub fn volume_views(&self) -> Vec<VolumeView> {
        let mut views: Vec<VolumeView> = self
            .volumes
            .values()
            .map(|volume| {
                let users = self
                    .containers
                    .iter()
                    .flat_map(|c| {
                        c.mounts.iter().filter(|m| m.volume == volume.name).map(move |m| VolumeUser {
                            container: c.name.clone(),
                            id: c.id.short().to_string(),
                            destination: format!("/{}", m.destination),
                            read_only: m.read_only,
                            running: running(c),
                        })
                    })
                    .collect();
                let files = volume.data.entries.values().filter(|e| matches!(e.kind, EntryKind::File { .. })).count();
                VolumeView {
                    name: volume.name.clone(),
                    anonymous: volume.anonymous,
                    created: volume.created,
                    size: volume.data.size(),
                    files,
                    users,
                }
            })
            .collect();
        crate::sort::sort_by(&mut views, |a, b| {
            a.anonymous.cmp(&b.anonymous).then_with(|| {
                if a.anonymous {
                    b.created.cmp(&a.created).then(a.name.cmp(&b.name))
                } else {
                    a.name.cmp(&b.name)
                }
            })
        });
        views
    }

    /// Every network: `bridge`, `host` and `none`, then user-defined ones in the order they were
    /// made, each with its containers in the order they were created.
    pub fn network_views(&self) -> Vec<NetworkView> {
        let name_of =
            |id: &crate::network::NetworkId| self.networks.iter().find(|n| &n.id == id).map(|n| n.name.clone());
        self.networks
            .iter()
            .map(|network| {
                let about = match (network.name.as_str(), network.driver) {
                    ("bridge", _) => format!(
                        "The default: its containers reach each other by address only (no names), and the host through the gateway {}; published ports reach them from the host.",
                        crate::net::GATEWAY
                    ),
                    ("host", _) => "Docker would share the host's own network with the container; Dockyard refuses it, since its containers run in the page or in dockyard, not on your machine's network. Publish ports with -p instead.".to_string(),
                    ("none", _) => "Only a loopback interface: nothing gets in or out, published ports included.".to_string(),
                    (_, crate::network::Driver::Overlay) if network.is_ingress() => "Swarm mode's routing mesh: a service's published port is open on every node and reaches its tasks wherever they run.".to_string(),
                    (_, crate::network::Driver::Overlay) => "An overlay network: it spans every node of the swarm, so services' tasks reach each other by name wherever they run; containers join it only if it is attachable.".to_string(),
                    (crate::network::GWBRIDGE, _) => "Swarm mode's bridge between the overlay networks and this host's own network.".to_string(),
                    _ if network.internal => "User-defined and internal: its containers reach each other by name, and nothing outside it, not even the host.".to_string(),
                    _ => "User-defined: its containers reach each other by name (Docker's embedded DNS) as well as by address; containers on other networks cannot reach them.".to_string(),
                };
                let members = self
                    .containers
                    .iter()
                    .filter_map(|c| {
                        let a = c.networks.iter().find(|a| a.network == network.id)?;
                        let mut names = Vec::new();
                        if network.resolves_names() {
                            names.push(c.name.clone());
                            names.extend(a.aliases.iter().cloned());
                            names.push(c.id.short().to_string());
                        }
                        Some(NetworkMember {
                            container: c.name.clone(),
                            id: c.id.short().to_string(),
                            running: running(c),
                            ports: c.published.iter().map(|b| format!("{}->{}", b.public(), b.private())).collect(),
                            ip: a.ip.map(|ip| ip.to_string()),
                            names,
                            also_on: c
                                .networks
                                .iter()
                                .filter(|b| b.network != network.id)
                                .filter_map(|b| name_of(&b.network))
                                .collect(),
                        })
                    })
                    .collect();
                let outside = if matches!(network.driver, crate::network::Driver::Bridge | crate::network::Driver::Overlay) {
                    self.containers
                        .iter()
                        .filter(|c| !c.networks.iter().any(|a| a.network == network.id))
                        .filter(|c| c.networks.iter().any(|a| a.ip.is_some()))
                        .map(|c| Outsider {
                            container: c.name.clone(),
                            networks: c.networks.iter().filter_map(|a| name_of(&a.network)).collect(),
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                NetworkView {
                    name: network.name.clone(),
                    id: network.id.short().to_string(),
                    driver: network.driver.as_str().to_string(),
                    subnet: network.subnet.map(|s| s.to_string()),
                    gateway: network.gateway.map(|g| g.to_string()),
                    user_defined: !network.is_predefined(),
                    resolves_names: network.resolves_names(),
                    internal: network.internal,
                    about,
                    members,
                    outside,
                }
            })
            .collect()
    }
}
