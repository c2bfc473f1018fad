//! The network a container's process sees: the ports it listens on, the names it can reach, and
//! the [`Switch`] that carries bytes between connection ends.
//!
//! Preview1 has sockets but no `bind` or `connect`: a host hands a process listening sockets
//! that are already open. So the engine decides, when it starts a process, which ports the
//! process listens on (the image's `EXPOSE`d ports and those published with `-p`) and which
//! names it can resolve, and writes that down in a [`NetConfig`]. The hosts carry the traffic
//! through one [`Switch`] each, which holds every listening socket and connection as plain data,
//! so its rules (refused connections, end of stream, back-pressure) are written once, here.

mod switch;

use serde::{Deserialize, Serialize};

use crate::container::ContainerId;
use crate::wasi::Errno;

pub use switch::{ConnId, Owner, Switch, MAX_IN_FLIGHT};

/// The address of the default bridge's gateway, which is the host as containers see it.
pub const GATEWAY: &str = "172.17.0.1";

/// The names that reach the host from a container: Docker Desktop's name, and the gateway.
const HOST_NAMES: &[&str] = &["host.docker.internal", "gateway.docker.internal", GATEWAY];

/// The names a container gives its own loopback interface.
const LOOPBACK: &[&str] = &["localhost", "127.0.0.1", "::1", "ip6-localhost", "ip6-loopback"];

/// A listening socket's address: a port inside one container.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Endpoint {
    pub container: ContainerId,
    pub port: u16,
}

/// A host port and the container port it forwards to, as the host's proxy for `-p` serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forward {
    pub host_port: u16,
    pub to: Endpoint,
}

/// What one process may do on the network, decided when the engine starts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetConfig {
    /// The container whose network the process shares (an exec's is its container's); `None`
    /// means no network at all, as `--network none` gives.
    pub container: Option<ContainerId>,
    /// The ports the process gets listening sockets for, in ascending order: descriptors 4, 5,
    /// and on, after the root directory on 3.
    pub listen: Vec<u16>,
    /// The container's own names besides `localhost` (its hostname).
    pub aliases: Vec<String>,
    /// The ports published on the host when the process started, which the host's names reach.
    pub host_ports: Vec<Forward>,
    /// The ports this process must publish on the host while it runs: set only for a
    /// container's main process, whose life the published ports share.
    pub publish: Vec<Forward>,
    /// Whether the container is on the bridge; with `--network none` it has only loopback.
    #[serde(default)]
    pub bridged: bool,
    /// The other containers it shares a network with, and the names and addresses that reach
    /// each, as the networks were when the process started.
    #[serde(default)]
    pub peers: Vec<Peer>,
    /// The gateways of its networks, which reach the host as [`GATEWAY`] does.
    #[serde(default)]
    pub gateways: Vec<String>,
    /// Every network it is on is `--internal`: nothing outside them, the host included, is reachable.
    #[serde(default)]
    pub internal: bool,
}

/// Another container on a network this process's container is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    pub container: ContainerId,
    /// Its name, aliases and short id, on the user-defined networks both are on: Docker's
    /// embedded DNS answers them there, and not on the default bridge.
    pub names: Vec<String>,
    /// Its addresses on the networks both are on.
    pub addresses: Vec<String>,
}

impl NetConfig {
    /// Where a connection to `host:port` from this process goes, or the error a connect gets:
    /// `Noent` for a name nothing resolves (curl's "Could not resolve host"), `Connrefused`
    /// for a host port nothing publishes, `Netunreach` without a network.
    pub fn resolve(&self, host: &str, port: u16) -> Result<Endpoint, Errno> {
        let Some(me) = &self.container else { return Err(Errno::Netunreach) };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if LOOPBACK.contains(&host.as_str()) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
            return Ok(Endpoint { container: me.clone(), port });
        }
        if !self.bridged {
            // Only loopback: no resolver to ask and no route out, as curl then reports.
            return Err(if host.parse::<core::net::IpAddr>().is_ok() { Errno::Netunreach } else { Errno::Noent });
        }
        if HOST_NAMES.contains(&host.as_str()) || self.gateways.contains(&host) {
            if self.internal {
                return Err(if host.parse::<core::net::IpAddr>().is_ok() { Errno::Hostunreach } else { Errno::Noent });
            }
            return self
                .host_ports
                .iter()
                .find(|f| f.host_port == port)
                .map(|f| f.to.clone())
                .ok_or(Errno::Connrefused);
        }
        let peer = self
            .peers
            .iter()
            .find(|p| p.names.iter().any(|n| n.eq_ignore_ascii_case(&host)) || p.addresses.contains(&host));
        if let Some(peer) = peer {
            return Ok(Endpoint { container: peer.container.clone(), port });
        }
        // An address on no network Dockyard knows is unreachable; a name is unknown.
        if host.parse::<core::net::IpAddr>().is_ok() {
            return Err(Errno::Hostunreach);
        }
        Err(Errno::Noent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Seeded;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn config() -> (NetConfig, ContainerId, ContainerId) {
        let mut entropy = Seeded::new(3);
        let (me, web) = (ContainerId::generate(&mut entropy), ContainerId::generate(&mut entropy));
        let config = NetConfig {
            container: Some(me.clone()),
            listen: vec![80],
            aliases: vec![me.short().to_string()],
            host_ports: vec![Forward { host_port: 8080, to: Endpoint { container: web.clone(), port: 80 } }],
            publish: Vec::new(),
            bridged: true,
            peers: vec![Peer {
                container: web.clone(),
                names: vec!["web".into(), "site".into()],
                addresses: vec!["172.18.0.3".into()],
            }],
            gateways: vec!["172.18.0.1".into()],
            internal: false,
        };
        (config, me, web)
    }

    #[test]
    fn loopback_and_the_hostname_reach_the_container_itself() {
        let (config, me, _) = config();
        for host in ["localhost", "127.0.0.1", "LOCALHOST.", me.short()] {
            assert_eq!(config.resolve(host, 80), Ok(Endpoint { container: me.clone(), port: 80 }), "{host}");
        }
    }

    #[test]
    fn the_host_names_reach_published_ports_only() {
        let (config, _, web) = config();
        assert_eq!(config.resolve("host.docker.internal", 8080), Ok(Endpoint { container: web.clone(), port: 80 }));
        assert_eq!(config.resolve(GATEWAY, 8080), Ok(Endpoint { container: web, port: 80 }));
        assert_eq!(config.resolve("host.docker.internal", 9090), Err(Errno::Connrefused));
    }

    #[test]
    fn peers_resolve_by_their_names_and_addresses_and_others_do_not() {
        let (config, _, web) = config();
        for host in ["web", "SITE", "web.", "172.18.0.3"] {
            assert_eq!(config.resolve(host, 80), Ok(Endpoint { container: web.clone(), port: 80 }), "{host}");
        }
        assert_eq!(config.resolve("172.18.0.1", 8080), Ok(Endpoint { container: web.clone(), port: 80 }));
        let internal = NetConfig { internal: true, ..config.clone() };
        assert_eq!(internal.resolve("host.docker.internal", 8080), Err(Errno::Noent));
        assert_eq!(internal.resolve("172.18.0.1", 8080), Err(Errno::Hostunreach));
        assert_eq!(internal.resolve("web", 80), Ok(Endpoint { container: web, port: 80 }));
        let alone = NetConfig { peers: Vec::new(), ..config };
        assert_eq!(alone.resolve("web", 80), Err(Errno::Noent));
        assert_eq!(alone.resolve("172.18.0.3", 80), Err(Errno::Hostunreach));
    }

    #[test]
    fn unknown_names_and_addresses_fail_as_a_resolver_and_a_router_do() {
        let (config, _, _) = config();
        assert_eq!(config.resolve("db", 80), Err(Errno::Noent));
        assert_eq!(config.resolve("10.0.0.7", 80), Err(Errno::Hostunreach));
        assert_eq!(NetConfig::default().resolve("localhost", 80), Err(Errno::Netunreach));
    }

    #[test]
    fn without_a_network_only_loopback_answers() {
        let (config, me, _) = config();
        let none = NetConfig { bridged: false, ..config };
        assert_eq!(none.resolve("localhost", 80), Ok(Endpoint { container: me, port: 80 }));
        assert_eq!(none.resolve("host.docker.internal", 8080), Err(Errno::Noent));
        assert_eq!(none.resolve(GATEWAY, 8080), Err(Errno::Netunreach));
    }
}
