//! `-p`/`--publish` and `-P`: the ports a container publishes on its host, as `docker ps`,
//! `docker port` and `inspect` show them, and the [`NetConfig`] each process starts with, which
//! the hosts follow to carry traffic to the container's listening sockets.

use serde::{Deserialize, Serialize};

use crate::container::{Container, ContainerId};
use crate::net::{Endpoint, Forward, NetConfig, Peer};
use crate::network::{Attachment, Driver};
use crate::Engine;

/// One published port: `HOST_IP:HOST_PORT -> CONTAINER_PORT/PROTO`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortBinding {
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: String,
}

impl PortBinding {
    /// The container side, as Docker names it (`80/tcp`).
    pub fn private(&self) -> String {
        format!("{}/{}", self.container_port, self.proto)
    }

    /// The host side (`0.0.0.0:8080`).
    pub fn public(&self) -> String {
        format!("{}:{}", self.host_ip, self.host_port)
    }
}

/// Docker hands out ports from the ephemeral range when `-p` names no host port.
const EPHEMERAL_START: u16 = 32768;

fn parse_port(text: &str, spec: &str) -> Result<u16, String> {
    text.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| format!("invalid containerPort: {spec}"))
}

/// Reads `-p` values: `80`, `8080:80`, `127.0.0.1:8080:80`, each with an optional `/udp`.
/// A missing host port is `0`, for [`assign`] to fill.
pub(crate) fn parse(spec: &str) -> Result<PortBinding, String> {
    let (ports, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
    if !matches!(proto, "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    let parts: Vec<&str> = ports.split(':').collect();
    let (host_ip, host_port, container_port) = match parts.as_slice() {
        [container] => ("0.0.0.0", "", *container),
        [host, container] => ("0.0.0.0", *host, *container),
        [ip, host, container] => (*ip, *host, *container),
        _ => return Err(format!("invalid port format: {spec}")),
    };
    let host_port = if host_port.is_empty() {
        0
    } else {
        parse_port(host_port, spec).map_err(|_| format!("invalid hostPort: {host_port}"))?
    };
    Ok(PortBinding {
        host_ip: if host_ip.is_empty() { "0.0.0.0".to_string() } else { host_ip.to_string() },
        host_port,
        container_port: parse_port(container_port, spec)?,
        proto: proto.to_string(),
    })
}

/// Gives each binding without a host port a free one, and refuses a host port a running
/// container already holds, in the daemon's words.
pub(crate) fn assign(bindings: &mut [PortBinding], others: &[&Container]) -> Result<(), String> {
    let taken = |port: u16, bindings: &[PortBinding]| {
        others.iter().flat_map(|c| c.published.iter()).chain(bindings.iter()).any(|b| b.host_port == port)
    };
    for i in 0..bindings.len() {
        let binding = &bindings[i];
        if binding.host_port != 0 {
            let clash = others
                .iter()
                .flat_map(|c| c.published.iter())
                .any(|b| b.host_port == binding.host_port && b.proto == binding.proto);
            if clash {
                return Err(format!(
                    "driver failed programming external connectivity on endpoint: Bind for {}:{} failed: port is already allocated",
                    binding.host_ip, binding.host_port
                ));
            }
            continue;
        }
        let free = (EPHEMERAL_START..=u16::MAX).find(|p| !taken(*p, bindings)).ok_or("no free host port")?;
        bindings[i].host_port = free;
    }
    Ok(())
}

impl Engine {
    /// Every port published on the host now, with the name of the container behind it, in the
    /// order of host ports: what the page links to.
    pub fn published(&self) -> Vec<(String, Forward)> {
        let mut all: Vec<(String, Forward)> = self
            .containers
            .iter()
            .filter(|c| c.state.status.can_exit())
            .flat_map(|c| {
                c.published.iter().filter(|b| b.proto == "tcp").map(|b| {
                    let to = Endpoint { container: c.id.clone(), port: b.container_port };
                    (c.name.clone(), Forward { host_port: b.host_port, to })
                })
            })
            .collect();
        crate::sort::sort_by_key(&mut all, |(_, f)| f.host_port);
        all
    }

    /// The network of a process in container `id`: listening sockets for the image's exposed
    /// ports and the published ones, and the host's published ports as they are now. With
    /// `main`, the process is the container's own, which holds its published ports on the host.
    pub(crate) fn net_config(&self, id: &ContainerId, main: bool) -> NetConfig {
        let Some(container) = self.containers.iter().find(|c| &c.id == id) else { return NetConfig::default() };
        let bridged = container.network_mode != "none";
        let exposed = self.images.images.get(&container.image).map(|i| i.config.config.exposed_ports.clone());
        let mut listen: Vec<u16> = exposed
            .unwrap_or_default()
            .keys()
            .filter_map(|port| port.strip_suffix("/tcp").unwrap_or(port).parse().ok())
            .chain(container.ports.iter().filter(|b| b.proto == "tcp").map(|b| b.container_port))
            .collect();
        crate::sort::sort(&mut listen);
        listen.dedup();
        let forwards = |c: &Container| -> Vec<Forward> {
            c.published
                .iter()
                .filter(|b| b.proto == "tcp")
                .map(|b| Forward {
                    host_port: b.host_port,
                    to: Endpoint { container: c.id.clone(), port: b.container_port },
                })
                .collect()
        };
        // Without a network, a container has its loopback interface and nothing else.
        let host_ports = match bridged {
            true => self.containers.iter().filter(|c| c.state.status.can_exit()).flat_map(forwards).collect(),
            false => Vec::new(),
        };
        let (aliases, peers, gateways, internal) = self.neighbours(container);
        NetConfig {
            container: Some(id.clone()),
            listen,
            aliases,
            host_ports,
            publish: if main && bridged { forwards(container) } else { Vec::new() },
            bridged,
            peers,
            gateways,
            internal,
        }
    }

    /// What a container's networks let it reach: its own names (its hostname; on user-defined
    /// networks its name and aliases too; its addresses), the containers it shares a network
    /// with, by address everywhere and by name where Docker's embedded DNS answers, the gateways
    /// of its networks, and whether they are all internal.
    fn neighbours(&self, container: &Container) -> (Vec<String>, Vec<Peer>, Vec<String>, bool) {
        let network = |a: &Attachment| self.networks.iter().find(|n| n.id == a.network);
        let mut aliases = vec![container.id.short().to_string()];
        let mut gateways = Vec::new();
        for a in &container.networks {
            aliases.extend(a.ip.map(|ip| ip.to_string()));
            if network(a).is_some_and(|n| n.resolves_names()) {
                aliases.push(container.name.clone());
                aliases.extend(a.aliases.iter().cloned());
            }
            gateways.extend(network(a).and_then(|n| n.gateway).map(|g| g.to_string()));
        }
        aliases.dedup();
        let mut peers = Vec::new();
        for other in self.containers.iter().filter(|c| c.id != container.id) {
            let mut peer = Peer { container: other.id.clone(), names: Vec::new(), addresses: Vec::new() };
            for b in &other.networks {
                let Some(net) = network(b) else { continue };
                if !matches!(net.driver, Driver::Bridge | Driver::Overlay)
                    || !container.networks.iter().any(|a| a.network == b.network)
                {
                    continue;
                }
                peer.addresses.extend(b.ip.map(|ip| ip.to_string()));
                if net.resolves_names() {
                    peer.names.push(other.name.clone());
                    peer.names.push(other.id.short().to_string());
                    peer.names.extend(b.aliases.iter().cloned());
                }
            }
            if !peer.addresses.is_empty() || !peer.names.is_empty() {
                peers.push(peer);
            }
        }
        let attached: Vec<_> = container.networks.iter().filter_map(network).collect();
        let internal = !attached.is_empty() && attached.iter().all(|n| n.internal);
        (aliases, peers, gateways, internal)
    }
}

/// The PORTS column of `docker ps`: published ports, then exposed ones that are not.
pub(crate) fn ports_column(container: &Container, exposed: &[String]) -> String {
    let mut cells: Vec<String> =
        container.published.iter().map(|b| format!("{}->{}", b.public(), b.private())).collect();
    for port in exposed {
        if !container.published.iter().any(|b| &b.private() == port) {
            cells.push(port.clone());
        }
    }
    cells.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn publish_values_read_as_docker_reads_them() {
        let b = parse("8080:80").unwrap();
        assert_eq!((b.public(), b.private()), ("0.0.0.0:8080".to_string(), "80/tcp".to_string()));
        let b = parse("127.0.0.1:5353:53/udp").unwrap();
        assert_eq!((b.public(), b.private()), ("127.0.0.1:5353".to_string(), "53/udp".to_string()));
        assert_eq!(parse("80").unwrap().host_port, 0, "the host port is chosen later");
        assert_eq!(parse("8080:http").unwrap_err(), "invalid containerPort: 8080:http");
        assert_eq!(parse("80/xyz").unwrap_err(), "invalid proto: xyz");
    }
}
