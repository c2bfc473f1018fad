//! `docker inspect` and `docker container inspect`: a container's (or an image's) low-level
//! JSON, in the Engine API's shape and field order, or through a `--format` template.

use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::container::{Container, ContainerStatus};
use crate::ops::inspect::{render_each, to_docker_json};
use crate::template::Template;
use crate::time::Timestamp;
use crate::{Engine, Reply};

/// What a time that never happened reads as in the Engine API.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectContainer<'a> {
    id: &'a str,
    created: String,
    path: &'a str,
    args: &'a [String],
    state: InspectState<'a>,
    image: String,
    name: String,
    restart_count: u32,
    driver: &'a str,
    platform: &'a str,
    host_config: HostConfig<'a>,
    mounts: Vec<InspectMount>,
    config: InspectConfig<'a>,
    network_settings: Json,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectMount {
    #[serde(rename = "Type")]
    kind: &'static str,
    name: String,
    source: String,
    destination: String,
    driver: &'static str,
    mode: &'static str,
    #[serde(rename = "RW")]
    rw: bool,
    propagation: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectState<'a> {
    status: String,
    running: bool,
    paused: bool,
    restarting: bool,
    #[serde(rename = "OOMKilled")]
    oom_killed: bool,
    dead: bool,
    pid: u32,
    exit_code: i32,
    error: &'a str,
    started_at: String,
    finished_at: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HostConfig<'a> {
    memory: u64,
    network_mode: &'a str,
    port_bindings: std::collections::BTreeMap<String, Vec<HostPort>>,
    restart_policy: RestartPolicy<'a>,
    auto_remove: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HostPort {
    host_ip: String,
    host_port: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RestartPolicy<'a> {
    name: &'a str,
    maximum_retry_count: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectConfig<'a> {
    hostname: &'a str,
    domainname: &'a str,
    user: &'a str,
    attach_stdin: bool,
    attach_stdout: bool,
    attach_stderr: bool,
    tty: bool,
    open_stdin: bool,
    stdin_once: bool,
    env: &'a [String],
    cmd: &'a [String],
    image: &'a str,
    volumes: Option<()>,
    working_dir: &'a str,
    entrypoint: Option<()>,
    on_build: Option<()>,
    labels: std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_timeout: Option<u64>,
}

fn time(t: Option<Timestamp>) -> String {
    t.map_or(ZERO_TIME.to_string(), Timestamp::rfc3339)
}

impl Engine {
    fn container_json(&self, c: &Container) -> Json {
        let status = c.state.status;
        let (policy, retries) = c.restart_policy.split_once(':').unwrap_or((c.restart_policy.as_str(), "0"));
        let value = InspectContainer {
            id: c.id.as_str(),
            created: c.created.rfc3339(),
            path: &c.path,
            args: &c.args,
            state: InspectState {
                status: status.to_string(),
                running: c.state.status.can_exit(),
                paused: status == ContainerStatus::Paused,
                restarting: false,
                oom_killed: c.state.oom_killed,
                dead: false,
                pid: if status.can_exit() { 1000 } else { 0 },
                exit_code: c.state.exit_code,
                error: &c.state.error,
                started_at: time(c.state.started_at),
                finished_at: time(c.state.finished_at),
            },
            image: c.image.to_string(),
            name: format!("/{}", c.name),
            restart_count: c.restart_count,
            driver: "overlay2",
            platform: "linux",
            host_config: HostConfig {
                memory: c.memory.unwrap_or(0),
                network_mode: &c.network_mode,
                port_bindings: {
                    let mut bindings: std::collections::BTreeMap<String, Vec<HostPort>> = Default::default();
                    for b in &c.ports {
                        let host_port = if b.host_port == 0 { String::new() } else { b.host_port.to_string() };
                        let host_ip = if b.host_ip == "0.0.0.0" { String::new() } else { b.host_ip.clone() };
                        bindings.entry(b.private()).or_default().push(HostPort { host_ip, host_port });
                    }
                    bindings
                },
                restart_policy: RestartPolicy {
                    name: if policy.is_empty() { "no" } else { policy },
                    maximum_retry_count: retries.parse().unwrap_or(0),
                },
                auto_remove: c.auto_remove,
            },
            mounts: c
                .mounts
                .iter()
                .map(|m| InspectMount {
                    kind: "volume",
                    name: m.volume.clone(),
                    source: crate::ops::volume::mountpoint(&m.volume),
                    destination: format!("/{}", m.destination),
                    driver: "local",
                    mode: if m.read_only { "ro" } else { "z" },
                    rw: !m.read_only,
                    propagation: "",
                })
                .collect(),
            config: InspectConfig {
                hostname: c.id.short(),
                domainname: "",
                user: &c.user,
                attach_stdin: false,
                attach_stdout: false,
                attach_stderr: false,
                tty: c.tty,
                open_stdin: c.open_stdin,
                stdin_once: false,
                env: &c.env,
                cmd: &c.args,
                image: &c.image_name,
                volumes: None,
                working_dir: &c.working_dir,
                entrypoint: None,
                on_build: None,
                labels: c.labels.clone(),
                stop_timeout: c.stop_timeout,
            },
            network_settings: self.network_settings(c),
        };
        crate::json::to_value(&value)
    }

    /// `NetworkSettings`: the published ports, and an endpoint per network, whose address,
    /// gateway and MAC Docker shows only while the container runs. The top-level address
    /// fields are the default bridge's, as Docker fills them.
    fn network_settings(&self, c: &Container) -> Json {
        let live = c.state.status.can_exit();
        let mut networks = serde_json::Map::new();
        let mut top = json!({ "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "MacAddress": "" });
        for a in &c.networks {
            let network = self.networks.iter().find(|n| n.id == a.network);
            let user_defined = network.is_some_and(|n| n.resolves_names());
            let aliases = user_defined.then(|| {
                let mut aliases = a.aliases.clone();
                aliases.push(c.id.short().to_string());
                aliases
            });
            let ip = a.ip.filter(|_| live);
            let prefix = network.and_then(|n| n.subnet).map_or(0, |s| s.prefix);
            let gateway = network.and_then(|n| n.gateway).filter(|_| ip.is_some());
            let endpoint = json!({
                "IPAMConfig": null,
                "Links": null,
                "Aliases": aliases,
                "NetworkID": a.network.as_str(),
                "EndpointID": if live { a.endpoint.as_str() } else { "" },
                "Gateway": gateway.map(|g| g.to_string()).unwrap_or_default(),
                "IPAddress": ip.map(|ip| ip.to_string()).unwrap_or_default(),
                "IPPrefixLen": if ip.is_some() { prefix } else { 0 },
                "IPv6Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "MacAddress": if ip.is_some() { a.mac() } else { String::new() },
                "DriverOpts": null,
            });
            if a.name == "bridge" {
                for key in ["EndpointID", "Gateway", "IPAddress", "IPPrefixLen", "MacAddress"] {
                    top[key] = endpoint[key].clone();
                }
            }
            networks.insert(a.name.clone(), endpoint);
        }
        let mut ports = serde_json::Map::new();
        if live {
            for b in &c.published {
                let binding = json!({ "HostIp": b.host_ip, "HostPort": b.host_port.to_string() });
                match ports.get_mut(&b.private()).and_then(Json::as_array_mut) {
                    Some(list) => list.push(binding),
                    None => {
                        ports.insert(b.private(), json!([binding]));
                    }
                }
            }
        }
        let sandbox =
            if live { crate::digest::Digest::of(format!("sandbox/{}", c.id).as_bytes()).hex() } else { String::new() };
        let key = if live { format!("/var/run/docker/netns/{}", &sandbox[..12]) } else { String::new() };
        json!({
            "Bridge": "",
            "SandboxID": sandbox,
            "HairpinMode": false,
            "LinkLocalIPv6Address": "",
            "LinkLocalIPv6PrefixLen": 0,
            "Ports": ports,
            "SandboxKey": key,
            "SecondaryIPAddresses": null,
            "SecondaryIPv6Addresses": null,
            "EndpointID": top["EndpointID"],
            "Gateway": top["Gateway"],
            "GlobalIPv6Address": "",
            "GlobalIPv6PrefixLen": 0,
            "IPAddress": top["IPAddress"],
            "IPPrefixLen": top["IPPrefixLen"],
            "IPv6Gateway": "",
            "MacAddress": top["MacAddress"],
            "Networks": networks,
        })
    }

    pub(crate) fn inspect(&self, names: &[String], format: Option<&str>, kind: Option<&str>, _now: Timestamp) -> Reply {
        if let Some(kind) = kind.filter(|k| !matches!(*k, "container" | "image" | "network")) {
            return Reply::err(format!("\"{kind}\" is not a valid value for --type"), 1);
        }
        let template = match format.map(Template::parse).transpose() {
            Ok(t) => t,
            Err(e) => return Reply::err(format!("template parsing error: {e}"), 64),
        };
        let mut found: Vec<Json> = Vec::new();
        let mut errors = Vec::new();
        for name in names {
            let container = || self.find_container(name).map(|c| self.container_json(c));
            let image = || self.images.resolve(name).map(|i| self.image_json(i));
            let network = || self.find_network(name).map(|n| self.network_json(n));
            let json = match kind {
                Some("container") => container(),
                Some("image") => image(),
                Some("network") => network(),
                _ => container().or_else(image).or_else(network),
            };
            match json {
                Some(json) => found.push(json),
                None => errors.push(match kind {
                    Some("container") => format!("Error: No such container: {name}"),
                    Some("image") => format!("Error: No such image: {name}"),
                    Some("network") => format!("Error: No such network: {name}"),
                    _ => format!("Error: No such object: {name}"),
                }),
            }
        }
        let mut reply = match &template {
            None => Reply::out(to_docker_json(&found)),
            Some(template) => {
                let mut out = render_each(template, &found, &mut errors);
                if out.is_empty() {
                    out.push('\n');
                }
                Reply::out(out)
            }
        };
        if !errors.is_empty() {
            reply.stderr = format!("{}\n", errors.join("\n"));
            reply.exit_code = 1;
        }
        reply
    }
}
