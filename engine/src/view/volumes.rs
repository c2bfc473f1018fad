//! Volumes and networks as the pictures show them: each volume with its size and the containers
//! that mount it (and where), and the default networks, `bridge` and `none`, with the
//! containers attached to each.

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
    /// Docker's driver for it: `bridge` for the bridge, `null` for none.
    pub driver: String,
    /// What being on it means for a container, in a sentence.
    pub about: String,
    pub members: Vec<NetworkMember>,
}

/// A container attached to a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkMember {
    pub container: String,
    pub id: String,
    pub running: bool,
    /// Its published ports, `0.0.0.0:8080->80/tcp`.
    pub ports: Vec<String>,
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
        views.sort_by(|a, b| {
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

    /// The networks every Docker host has, `bridge` and `none`, each with its containers in the
    /// order they were created, then any other network a container names.
    pub fn network_views(&self) -> Vec<NetworkView> {
        let mut networks = vec![
            NetworkView {
                name: "bridge".to_string(),
                driver: "bridge".to_string(),
                about: format!(
                    "The default: containers reach each other and the host through the gateway {}, and published ports reach them from the host.",
                    crate::net::GATEWAY
                ),
                members: Vec::new(),
            },
            NetworkView {
                name: "none".to_string(),
                driver: "null".to_string(),
                about: "Only a loopback interface: nothing gets in or out, published ports included.".to_string(),
                members: Vec::new(),
            },
        ];
        for c in &self.containers {
            let name = match c.network_mode.as_str() {
                "" | "default" => "bridge",
                other => other,
            };
            let member = NetworkMember {
                container: c.name.clone(),
                id: c.id.short().to_string(),
                running: running(c),
                ports: c.published.iter().map(|b| format!("{}->{}", b.public(), b.private())).collect(),
            };
            match networks.iter_mut().find(|n| n.name == name) {
                Some(network) => network.members.push(member),
                None => networks.push(NetworkView {
                    name: name.to_string(),
                    driver: "bridge".to_string(),
                    about: "A network of its own.".to_string(),
                    members: vec![member],
                }),
            }
        }
        networks
    }
}
