//! `docker network` (create, ls, inspect, connect, disconnect, rm, prune), and the endpoints a
//! container gets on its networks when it is created or connected.

use core::net::Ipv4Addr;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::cli::{Command, NetworkCreateOptions};
use crate::container::{Container, ContainerId};
use crate::format::{CustomFormat, FormatContext, Table};
use crate::network::{next_address, next_overlay_subnet, next_subnet, Attachment, Driver, Network, NetworkId, Subnet};
use crate::ops::daemon_error;
use crate::ops::inspect::{render_each, to_docker_json};
use crate::template::Template;
use crate::time::Timestamp;
use crate::{Ctx, Engine, Reply, Step};

/// The docker CLI's network context: the type its template errors name, and its headers.
const NETWORK_CONTEXT: FormatContext = FormatContext {
    type_name: "*formatter.networkContext",
    headers: &[
        ("ID", "NETWORK ID"),
        ("Name", "NAME"),
        ("Driver", "DRIVER"),
        ("Scope", "SCOPE"),
        ("IPv4", "IPV4"),
        ("IPv6", "IPV6"),
        ("Internal", "INTERNAL"),
        ("Labels", "LABELS"),
        ("CreatedAt", "CREATED AT"),
    ],
};

/// What Docker refuses about a container's network, worded as the daemon words it.
const HOST_CONNECT: &str = "container cannot be disconnected from host network or connected to host network";
const NONE_CONNECT: &str =
    "container cannot be connected to multiple networks with one of the networks in private (none) mode";
const ALIAS_ON_DEFAULT: &str = "network-scoped alias is supported only for containers in user defined networks";

/// Why Dockyard refuses `--network host`, which Docker would grant.
pub(crate) const NO_HOST_NETWORK: &str =
    "Dockyard has no host network to share: its containers run in the page or in dockyard, \
not on your machine's network; publish ports with -p instead";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectNetwork<'a> {
    name: &'a str,
    id: &'a str,
    created: String,
    scope: &'a str,
    driver: &'a str,
    #[serde(rename = "EnableIPv6")]
    enable_ipv6: bool,
    #[serde(rename = "IPAM")]
    ipam: Json,
    internal: bool,
    attachable: bool,
    ingress: bool,
    config_from: Json,
    config_only: bool,
    containers: BTreeMap<String, InspectEndpoint>,
    options: BTreeMap<&'static str, &'static str>,
    labels: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectEndpoint {
    name: String,
    #[serde(rename = "EndpointID")]
    endpoint_id: String,
    mac_address: String,
    #[serde(rename = "IPv4Address")]
    ipv4_address: String,
    #[serde(rename = "IPv6Address")]
    ipv6_address: String,
}

/// Go's `time.Time` as the CLI's `CreatedAt` column prints it.
fn go_time(t: Timestamp) -> String {
    let text = t.rfc3339();
    format!("{} +0000 UTC", text.trim_end_matches('Z').replacen('T', " ", 1))
}

/// Why a container may not join `net` by itself: an overlay network belongs to the swarm's
/// services unless it was made `--attachable`.
pub(crate) fn not_attachable(net: &Network) -> Option<String> {
    (net.driver == Driver::Overlay && !net.attachable).then(|| {
        format!(
            "Could not attach to network {0}: rpc error: code = PermissionDenied desc = network {0} not manually attachable",
            net.name
        )
    })
}

/// Whether a container's endpoints are live: Docker keeps them only while its sandbox runs.
fn active(c: &Container) -> bool {
    c.state.status.can_exit()
}

impl Engine {
    /// Gives an engine made before it knew networks the three every host has, stamped `now`.
    pub(crate) fn ensure_networks(&mut self, now: Timestamp) {
        for predefined in Network::predefined(now).into_iter().rev() {
            if !self.networks.iter().any(|n| n.name == predefined.name) {
                self.networks.insert(0, predefined);
            }
        }
        // `Engine::new` has no clock: the predefined networks' day is the first command's.
        for n in self.networks.iter_mut().filter(|n| n.is_predefined() && n.created.0 == 0) {
            n.created = now;
        }
    }

    /// The network `key` names: by full id, by name, or by a unique id prefix, as the daemon finds it.
    pub(crate) fn find_network(&self, key: &str) -> Option<&Network> {
        if let Some(n) = self.networks.iter().find(|n| n.id.as_str() == key || n.name == key) {
            return Some(n);
        }
        let mut prefixed = self.networks.iter().filter(|n| !key.is_empty() && n.id.as_str().starts_with(key));
        match (prefixed.next(), prefixed.next()) {
            (Some(n), None) => Some(n),
            _ => None,
        }
    }

    /// The containers with a live endpoint on `network`.
    fn active_on(&self, network: &NetworkId) -> Vec<&Container> {
        self.containers.iter().filter(|c| active(c) && c.networks.iter().any(|a| &a.network == network)).collect()
    }

    /// Puts container `id` on `network` with `aliases`: an address from the network's subnet
    /// that no other container there holds.
    pub(crate) fn join_network(
        &mut self,
        id: &ContainerId,
        network: &NetworkId,
        aliases: &[String],
    ) -> Result<(), String> {
        let Some(net) = self.networks.iter().find(|n| &n.id == network).cloned() else {
            return Err(format!("network {network} not found"));
        };
        let ip = match net.subnet {
            Some(subnet) => {
                let taken: Vec<Ipv4Addr> = self
                    .containers
                    .iter()
                    .flat_map(|c| c.networks.iter())
                    .filter(|a| a.network == net.id)
                    .filter_map(|a| a.ip)
                    .collect();
                let ip = next_address(&subnet, net.gateway, &taken).ok_or_else(|| {
                    format!("no available IPv4 addresses on this network's address pools: {} ({})", net.name, net.id)
                })?;
                Some(ip)
            }
            None => None,
        };
        let attachment = Attachment {
            network: net.id.clone(),
            name: net.name.clone(),
            endpoint: Attachment::endpoint_id(id, &net.id),
            ip,
            aliases: aliases.to_vec(),
        };
        let container = self.container_mut(id).ok_or_else(|| format!("No such container: {id}"))?;
        container.networks.push(attachment);
        Ok(())
    }

    pub(crate) fn network_create(&mut self, options: &NetworkCreateOptions, ctx: &mut Ctx<'_>) -> Reply {
        let fail = |message: String| Reply::err(daemon_error(message), 1);
        let driver = match options.driver.as_deref().unwrap_or("bridge") {
            "bridge" => Driver::Bridge,
            "host" | "null" => {
                let driver = options.driver.as_deref().unwrap_or_default();
                return fail(format!("only one instance of \"{driver}\" network is allowed"));
            }
            "overlay" if self.swarm.is_some() => Driver::Overlay,
            "overlay" => return fail("This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.".to_string()),
            other => return fail(format!("plugin \"{other}\" not found")),
        };
        let name = options.name.as_str();
        if self.networks.iter().any(|n| n.name == name) {
            return fail(format!("network with name {name} already exists"));
        }
        if options.subnets.len() > 1 || options.gateways.len() > 1 {
            return Reply::err("dockyard: a network here takes one --subnet (and one --gateway)", 1);
        }
        if !options.gateways.is_empty() && options.subnets.is_empty() {
            return Reply::err("every ip-range or gateway must have a corresponding subnet", 1);
        }
        let used: Vec<Subnet> = self.networks.iter().filter_map(|n| n.subnet).collect();
        let (subnet, gateway, gateway_given) = match options.subnets.first() {
            Some(text) => {
                let subnet = match Subnet::parse(text) {
                    Ok(subnet) => subnet,
                    Err(why) => return fail(format!("Invalid subnet {text} : {why}")),
                };
                if used.iter().any(|u| u.overlaps(&subnet)) {
                    return fail("Pool overlaps with other one on this address space".to_string());
                }
                let gateway = match options.gateways.first() {
                    Some(text) => match text.parse::<Ipv4Addr>() {
                        Ok(ip) if subnet.contains(ip) => Some(ip),
                        Ok(_) => return fail(format!("no matching subnet for gateway {text}")),
                        Err(_) => return Reply::err(format!("invalid argument \"{text}\" for \"--gateway\" flag: invalid string being converted to IP address: {text}\nSee 'docker network create --help'."), 125),
                    },
                    None => subnet.host(1),
                };
                (subnet, gateway, !options.gateways.is_empty())
            }
            None if driver == Driver::Overlay => match next_overlay_subnet(&used) {
                Some(subnet) => (subnet, subnet.host(1), true),
                None => return fail("could not find an available IPv4 address pool for the overlay network".to_string()),
            },
            None => match next_subnet(&used) {
                Some(subnet) => (subnet, subnet.host(1), true),
                None => return fail("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network".to_string()),
            },
        };
        let labels = super::labels(&options.labels);
        let id = NetworkId::generate(ctx.entropy);
        self.networks.push(Network {
            id: id.clone(),
            name: name.to_string(),
            driver,
            created: ctx.now,
            subnet: Some(subnet),
            gateway,
            gateway_given,
            labels,
            internal: options.internal,
            attachable: options.attachable,
        });
        Reply::out(format!("{id}\n"))
    }

    pub(crate) fn network_ls(&self, quiet: bool, no_trunc: bool, filters: &[String], format: Option<&str>) -> Reply {
        let mut shown: Vec<&Network> = self.networks.iter().collect();
        for filter in filters {
            let Some((key, value)) = filter.split_once('=') else {
                return Reply::err(format!("invalid argument \"{filter}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\nSee 'docker network ls --help'."), 125);
            };
            match key {
                "driver" => shown.retain(|n| n.driver.as_str() == value),
                "id" => shown.retain(|n| n.id.as_str().starts_with(value)),
                "name" => shown.retain(|n| n.name.contains(value)),
                "scope" => shown.retain(|n| n.scope() == value),
                "label" => shown.retain(|n| match value.split_once('=') {
                    Some((k, v)) => n.labels.get(k).is_some_and(|l| l == v),
                    None => n.labels.contains_key(value),
                }),
                "type" => match value {
                    "custom" => shown.retain(|n| !n.is_predefined()),
                    "builtin" => shown.retain(|n| n.is_predefined()),
                    _ => return Reply::err(daemon_error(format!("invalid filter: 'type'='{value}'")), 1),
                },
                "dangling" => {
                    let dangling = match value {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => return Reply::err(daemon_error(format!("invalid filter 'dangling={value}'")), 1),
                    };
                    shown.retain(|n| (!n.is_predefined() && self.active_on(&n.id).is_empty()) == dangling);
                }
                _ => return Reply::err(daemon_error(format!("Invalid filter '{key}'")), 1),
            }
        }
        crate::sort::sort_by(&mut shown, |a, b| a.name.cmp(&b.name));
        let id = |n: &Network| if no_trunc { n.id.to_string() } else { n.id.short().to_string() };
        if quiet {
            return Reply::out(shown.iter().map(|n| format!("{}\n", id(n))).collect::<String>());
        }
        if let Some(format) = format.filter(|f| *f != "table") {
            let items: Vec<Json> = shown
                .iter()
                .map(|n| {
                    let labels: Vec<String> = n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    json!({
                        "CreatedAt": go_time(n.created),
                        "Driver": n.driver.as_str(),
                        "ID": id(n),
                        "IPv4": if n.subnet.is_some() { "true" } else { "false" },
                        "IPv6": "false",
                        "Internal": n.internal.to_string(),
                        "Labels": labels.join(","),
                        "Name": n.name,
                        "Scope": n.scope(),
                    })
                })
                .collect();
            return match CustomFormat::parse(format).and_then(|f| f.render(&items, NETWORK_CONTEXT)) {
                Ok(out) => Reply::out(out),
                Err(e) => Reply::err(e.to_string(), 1),
            };
        }
        let mut table = Table::new(&["NETWORK ID", "NAME", "DRIVER", "SCOPE"]);
        for n in shown {
            table.row(vec![id(n), n.name.clone(), n.driver.as_str().to_string(), n.scope().to_string()]);
        }
        Reply::out(table.render())
    }

    /// A network as `docker network inspect` shows it.
    pub(crate) fn network_json(&self, n: &Network) -> Json {
        let config: Vec<Json> = match n.subnet {
            Some(subnet) => {
                let mut entry = json!({ "Subnet": subnet.to_string() });
                if let (true, Some(gateway), Some(map)) = (n.gateway_given, n.gateway, entry.as_object_mut()) {
                    map.insert("Gateway".into(), Json::from(gateway.to_string()));
                }
                vec![entry]
            }
            None => Vec::new(),
        };
        let containers = crate::sort::map(self.active_on(&n.id).into_iter().filter_map(|c| {
            let a = c.networks.iter().find(|a| a.network == n.id)?;
            let prefix = n.subnet.map_or(0, |s| s.prefix);
            let endpoint = InspectEndpoint {
                name: c.name.clone(),
                endpoint_id: a.endpoint.clone(),
                mac_address: a.mac(),
                ipv4_address: a.ip.map(|ip| format!("{ip}/{prefix}")).unwrap_or_default(),
                ipv6_address: String::new(),
            };
            Some((c.id.to_string(), endpoint))
        }));
        let options = if n.name == "bridge" {
            BTreeMap::from([
                ("com.docker.network.bridge.default_bridge", "true"),
                ("com.docker.network.bridge.enable_icc", "true"),
                ("com.docker.network.bridge.enable_ip_masquerade", "true"),
                ("com.docker.network.bridge.host_binding_ipv4", "0.0.0.0"),
                ("com.docker.network.bridge.name", "docker0"),
                ("com.docker.network.driver.mtu", "1500"),
            ])
        } else {
            BTreeMap::new()
        };
        let value = InspectNetwork {
            name: &n.name,
            id: n.id.as_str(),
            created: n.created.rfc3339(),
            scope: n.scope(),
            driver: n.driver.as_str(),
            enable_ipv6: false,
            ipam: json!({ "Driver": "default", "Options": if n.is_predefined() { Json::Null } else { json!({}) }, "Config": config }),
            internal: n.internal,
            attachable: n.attachable,
            ingress: n.is_ingress(),
            config_from: json!({ "Network": "" }),
            config_only: false,
            containers,
            options,
            labels: &n.labels,
        };
        crate::json::to_value(&value)
    }

    pub(crate) fn network_inspect(&self, names: &[String], format: Option<&str>) -> Reply {
        let template = match format.map(Template::parse).transpose() {
            Ok(t) => t,
            Err(e) => return Reply::err(format!("template parsing error: {e}"), 64),
        };
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for name in names {
            match self.find_network(name) {
                Some(n) => found.push(self.network_json(n)),
                None => errors.push(daemon_error(format!("network {name} not found"))),
            }
        }
        let mut reply = match template {
            None => Reply::out(to_docker_json(&found)),
            Some(template) => Reply::out(render_each(&template, &found, &mut errors)),
        };
        if !errors.is_empty() {
            reply.stderr = format!("{}\n", errors.join("\n"));
            reply.exit_code = 1;
        }
        reply
    }

    pub(crate) fn network_connect(&mut self, network: &str, container: &str, aliases: &[String]) -> Reply {
        let fail = |message: String| Reply::err(daemon_error(message), 1);
        let Some(net) = self.find_network(network).cloned() else {
            return fail(format!("network {network} not found"));
        };
        let Some(c) = self.find_container(container) else {
            return fail(format!("No such container: {container}"));
        };
        if net.driver == Driver::Host || c.network_mode == "host" {
            return fail(HOST_CONNECT.to_string());
        }
        if net.driver == Driver::Null || c.network_mode == "none" {
            return fail(NONE_CONNECT.to_string());
        }
        if c.networks.iter().any(|a| a.network == net.id) {
            return fail(format!("endpoint with name {} already exists in network {}", c.name, net.name));
        }
        if let Some(why) = not_attachable(&net) {
            return fail(why);
        }
        if !aliases.is_empty() && !net.resolves_names() {
            return fail(ALIAS_ON_DEFAULT.to_string());
        }
        let id = c.id.clone();
        match self.join_network(&id, &net.id, aliases) {
            Ok(()) => Reply::default(),
            Err(message) => fail(message),
        }
    }

    pub(crate) fn network_disconnect(&mut self, network: &str, container: &str, _force: bool) -> Reply {
        let fail = |message: String| Reply::err(daemon_error(message), 1);
        let Some(net) = self.find_network(network).cloned() else {
            return fail(format!("network {network} not found"));
        };
        let Some(c) = self.find_container(container) else {
            return fail(format!("No such container: {container}"));
        };
        if net.driver == Driver::Host {
            return fail(HOST_CONNECT.to_string());
        }
        if !c.networks.iter().any(|a| a.network == net.id) {
            return fail(format!("container {} is not connected to network {}", c.id, net.name));
        }
        let id = c.id.clone();
        if let Some(c) = self.container_mut(&id) {
            c.networks.retain(|a| a.network != net.id);
        }
        Reply::default()
    }

    pub(crate) fn network_rm(&mut self, names: &[String]) -> Reply {
        let mut reply = Reply::default();
        for name in names {
            let Some(net) = self.find_network(name).cloned() else {
                reply.stderr.push_str(&format!("{}\n", daemon_error(format!("network {name} not found"))));
                reply.exit_code = 1;
                continue;
            };
            if net.is_predefined() {
                reply.stderr.push_str(&format!(
                    "{}\n",
                    daemon_error(format!("{} is a pre-defined network and cannot be removed", net.name))
                ));
                reply.exit_code = 1;
                continue;
            }
            if !self.active_on(&net.id).is_empty() {
                reply.stderr.push_str(&format!(
                    "{}\n",
                    daemon_error(format!(
                        "error while removing network: network {} id {} has active endpoints",
                        net.name, net.id
                    ))
                ));
                reply.exit_code = 1;
                continue;
            }
            self.networks.retain(|n| n.id != net.id);
            reply.stdout.push_str(&format!("{name}\n"));
        }
        reply
    }

    pub(crate) fn network_prune(&mut self, force: bool, filters: &[String], now: Timestamp) -> Step {
        let mut until = None;
        let mut labels: Vec<String> = Vec::new();
        for filter in filters {
            match filter.split_once('=') {
                Some(("until", value)) => match Timestamp::parse_docker(value, now) {
                    Some(t) => until = Some(t),
                    None => {
                        return Step::Done(Reply::err(
                            daemon_error(format!("failed to parse value as time or duration: \"{value}\"")),
                            1,
                        ))
                    }
                },
                Some(("label", value)) => labels.push(value.to_string()),
                Some((key, _)) => return Step::Done(Reply::err(daemon_error(format!("Invalid filter '{key}'")), 1)),
                None => {
                    return Step::Done(Reply::err(format!("invalid argument \"{filter}\" for \"--filter\" flag: bad format of filter (expected name=value)\nSee 'docker network prune --help'."), 125))
                }
            }
        }
        if !force {
            return Step::Confirm {
                prompt: "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ".to_string(),
                command: Command::NetworkPrune { force: true, filters: filters.to_vec() },
                declined: Reply::default(),
            };
        }
        let unused: Vec<NetworkId> = self
            .networks
            .iter()
            .filter(|n| !n.is_predefined() && !n.is_swarm_own() && self.active_on(&n.id).is_empty())
            .filter(|n| until.is_none_or(|t| n.created < t))
            .filter(|n| {
                labels.iter().all(|l| match l.split_once('=') {
                    Some((k, v)) => n.labels.get(k).is_some_and(|x| x == v),
                    None => n.labels.contains_key(l),
                })
            })
            .map(|n| n.id.clone())
            .collect();
        let mut deleted: Vec<String> = Vec::new();
        self.networks.retain(|n| {
            let gone = unused.contains(&n.id);
            if gone {
                deleted.push(n.name.clone());
            }
            !gone
        });
        if deleted.is_empty() {
            return Step::Done(Reply::default());
        }
        crate::sort::sort(&mut deleted);
        Step::Done(Reply::out(format!("Deleted Networks:\n{}\n\n", deleted.join("\n"))))
    }
}
