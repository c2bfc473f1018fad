//! Networks as Docker keeps them: the three every host has (`bridge`, `host`, `none`), those
//! `docker network create` makes, and each container's endpoint on a network (its address,
//! aliases and MAC), from which [`crate::net::NetConfig`] learns what a process can reach.

use core::net::Ipv4Addr;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::container::ContainerId;
use crate::digest::{hex, Digest};
use crate::time::Timestamp;
use crate::Entropy;

/// A network id: 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NetworkId(String);

impl NetworkId {
    pub fn generate(entropy: &mut dyn Entropy) -> Self {
        let mut bytes = [0u8; 32];
        entropy.fill(&mut bytes);
        NetworkId(hex(&bytes))
    }

    /// The id of a network every engine has, the same in every engine and every session.
    fn predefined(name: &str) -> Self {
        NetworkId(Digest::of(format!("dockyard predefined network {name}").as_bytes()).hex())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 digits, as `docker network ls` shows it.
    pub fn short(&self) -> &str {
        self.0.get(..12).unwrap_or(&self.0)
    }
}

impl fmt::Display for NetworkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What carries a network's traffic, by Docker's driver names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Driver {
    Bridge,
    Host,
    Null,
    /// Swarm mode's networks, spanning the nodes: `ingress`, and those `stack deploy` and
    /// `network create -d overlay` make on a manager.
    Overlay,
}

impl Driver {
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::Bridge => "bridge",
            Driver::Host => "host",
            Driver::Null => "null",
            Driver::Overlay => "overlay",
        }
    }
}

/// An IPv4 subnet in CIDR form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub base: Ipv4Addr,
    pub prefix: u8,
}

impl Subnet {
    /// Reads `172.18.0.0/16` as Docker does, the error worded as Go's `net.ParseCIDR`'s.
    pub fn parse(text: &str) -> Result<Subnet, String> {
        let invalid = || format!("invalid CIDR address: {text}");
        let (address, prefix) = text.split_once('/').ok_or_else(invalid)?;
        let address: Ipv4Addr = address.parse().map_err(|_| invalid())?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32 && prefix.len() <= 2).ok_or_else(invalid)?;
        let subnet = Subnet { base: Ipv4Addr::from(u32::from(address) & mask(prefix)), prefix };
        Ok(subnet)
    }

    pub fn contains(&self, address: Ipv4Addr) -> bool {
        u32::from(address) & mask(self.prefix) == u32::from(self.base)
    }

    pub fn overlaps(&self, other: &Subnet) -> bool {
        let shorter = self.prefix.min(other.prefix);
        u32::from(self.base) & mask(shorter) == u32::from(other.base) & mask(shorter)
    }

    /// The `n`th address of the subnet (`.1` is the gateway), if it is inside it and not its
    /// broadcast address.
    pub fn host(&self, n: u32) -> Option<Ipv4Addr> {
        let size = 1u64 << (32 - u32::from(self.prefix));
        (u64::from(n) + 1 < size).then(|| Ipv4Addr::from(u32::from(self.base).wrapping_add(n)))
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.prefix)
    }
}

fn mask(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        p => u32::MAX << (32 - u32::from(p.min(32))),
    }
}

/// One network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub id: NetworkId,
    pub name: String,
    pub driver: Driver,
    pub created: Timestamp,
    /// Its IPv4 subnet and gateway; `host` and `none` have neither.
    pub subnet: Option<Subnet>,
    pub gateway: Option<Ipv4Addr>,
    /// Whether `--gateway` named the gateway, or `--subnet` the subnet (so inspect shows them as
    /// given, as Docker's IPAM config does).
    #[serde(default)]
    pub gateway_given: bool,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `--internal`: no route out of the network, to the host included.
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub attachable: bool,
}

/// The routing mesh's overlay network, and the bridge that links it to the host's.
pub const INGRESS: &str = "ingress";
pub const GWBRIDGE: &str = "docker_gwbridge";

/// The default bridge's subnet and gateway, as `docker0` has them.
pub const DEFAULT_BRIDGE: Subnet = Subnet { base: Ipv4Addr::new(172, 17, 0, 0), prefix: 16 };

impl Network {
    /// `bridge`, `host` and `none`, which every Docker host has and nobody can remove.
    pub fn predefined(created: Timestamp) -> Vec<Network> {
        let make = |name: &str, driver: Driver, subnet: Option<Subnet>| Network {
            id: NetworkId::predefined(name),
            name: name.to_string(),
            driver,
            created,
            subnet,
            gateway: subnet.and_then(|s| s.host(1)),
            gateway_given: false,
            labels: BTreeMap::new(),
            internal: false,
            attachable: false,
        };
        vec![
            make("bridge", Driver::Bridge, Some(DEFAULT_BRIDGE)),
            make("host", Driver::Host, None),
            make("none", Driver::Null, None),
        ]
    }

    pub fn is_predefined(&self) -> bool {
        matches!(self.name.as_str(), "bridge" | "host" | "none")
    }

    /// Whether containers on it find each other by name: Docker's embedded DNS serves
    /// user-defined networks only, never the default bridge (nor the routing mesh's `ingress`).
    pub fn resolves_names(&self) -> bool {
        match self.driver {
            Driver::Bridge => !self.is_predefined(),
            Driver::Overlay => !self.is_ingress(),
            Driver::Host | Driver::Null => false,
        }
    }

    /// Where it exists: `swarm` for an overlay network, known to every node; `local` otherwise.
    pub fn scope(&self) -> &'static str {
        match self.driver {
            Driver::Overlay => "swarm",
            _ => "local",
        }
    }

    /// The routing mesh's network, which `docker swarm init` makes.
    pub fn is_ingress(&self) -> bool {
        self.driver == Driver::Overlay && self.name == INGRESS
    }

    /// The networks swarm mode makes for itself and removes when the node leaves the swarm.
    pub fn is_swarm_own(&self) -> bool {
        self.is_ingress() || self.name == GWBRIDGE
    }
}

/// A container's endpoint on one network, as `docker inspect` shows it under
/// `NetworkSettings.Networks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub network: NetworkId,
    /// The network's name when the container joined it, for a network removed since.
    pub name: String,
    pub endpoint: String,
    /// Its address; `none` gives none.
    pub ip: Option<Ipv4Addr>,
    /// `--network-alias` and `network connect --alias` names, as given.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Attachment {
    /// The endpoint's id: the same for a container on a network every time it is computed, so
    /// restoring a session needs no randomness.
    pub fn endpoint_id(container: &ContainerId, network: &NetworkId) -> String {
        Digest::of(format!("{container}/{network}").as_bytes()).hex()
    }

    /// Docker's MAC address for an address: `02:42` and the address's four bytes.
    pub fn mac(&self) -> String {
        match self.ip {
            Some(ip) => {
                let [a, b, c, d] = ip.octets();
                format!("02:42:{a:02x}:{b:02x}:{c:02x}:{d:02x}")
            }
            None => String::new(),
        }
    }
}

/// The next subnet Docker's default pools give a new bridge network: the first `/16` from
/// 172.17.0.0 through 172.31.0.0, then `/20`s of 192.168.0.0/16, that overlaps none in use.
pub fn next_subnet(used: &[Subnet]) -> Option<Subnet> {
    let candidates = (17u8..=31)
        .map(|b| Subnet { base: Ipv4Addr::new(172, b, 0, 0), prefix: 16 })
        .chain((0u8..16).map(|n| Subnet { base: Ipv4Addr::new(192, 168, n * 16, 0), prefix: 20 }));
    candidates.into_iter().find(|c| !used.iter().any(|u| u.overlaps(c)))
}

/// The next subnet swarm mode's default pool gives an overlay network: the first `/24` of
/// 10.0.0.0/8 that overlaps none in use (`ingress`, made first, takes 10.0.0.0/24).
pub fn next_overlay_subnet(used: &[Subnet]) -> Option<Subnet> {
    let candidates = (0u32..65536).map(|n| Subnet { base: Ipv4Addr::from(0x0a00_0000 | (n << 8)), prefix: 24 });
    candidates.into_iter().find(|c| !used.iter().any(|u| u.overlaps(c)))
}

/// The lowest address of `subnet` after its gateway that `taken` does not hold.
pub fn next_address(subnet: &Subnet, gateway: Option<Ipv4Addr>, taken: &[Ipv4Addr]) -> Option<Ipv4Addr> {
    (1u32..).map_while(|n| subnet.host(n)).find(|ip| Some(*ip) != gateway && !taken.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn subnets_read_and_allocate_as_docker_does() {
        let s = Subnet::parse("10.9.0.7/24").unwrap();
        assert_eq!(s.to_string(), "10.9.0.0/24");
        assert!(s.contains(Ipv4Addr::new(10, 9, 0, 200)));
        assert_eq!(Subnet::parse("bad"), Err("invalid CIDR address: bad".to_string()));
        assert_eq!(Subnet::parse("10.0.0.0/33"), Err("invalid CIDR address: 10.0.0.0/33".to_string()));
        assert_eq!(next_subnet(&[DEFAULT_BRIDGE]).unwrap().to_string(), "172.18.0.0/16");
        let gateway = s.host(1);
        assert_eq!(next_address(&s, gateway, &[]), Some(Ipv4Addr::new(10, 9, 0, 2)));
        assert_eq!(next_address(&s, gateway, &[Ipv4Addr::new(10, 9, 0, 2)]), Some(Ipv4Addr::new(10, 9, 0, 3)));
        let tiny = Subnet::parse("10.0.0.0/30").unwrap();
        assert_eq!(next_address(&tiny, tiny.host(1), &[Ipv4Addr::new(10, 0, 0, 2)]), None);
        assert!(Subnet::parse("172.18.5.0/24").unwrap().overlaps(&Subnet::parse("172.18.0.0/16").unwrap()));
    }

    #[test]
    fn a_mac_address_carries_the_ip_address() {
        let a = Attachment {
            network: NetworkId::predefined("bridge"),
            name: "bridge".into(),
            endpoint: String::new(),
            ip: Some(Ipv4Addr::new(172, 17, 0, 2)),
            aliases: Vec::new(),
        };
        assert_eq!(a.mac(), "02:42:ac:11:00:02");
    }
}
