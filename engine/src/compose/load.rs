//! From YAML tree to [`Project`]: interpolation, the Compose Specification's keys and types, the
//! short and long syntaxes, and the checks Compose makes on the project as a whole.

use std::collections::BTreeMap;

use super::interpolate::{interpolate, Problem};
use super::model::*;
use super::names::{normalize_project_name, scoped_name, validate_project_name};
use super::short::{parse_ports, parse_restart, parse_volume, split_words};
use super::yaml::{self, parse_bool, Entry, Node, Value};
use super::{ComposeError, Loaded, Options};
use crate::dockerfile::duration::parse_duration;

const TOP_KEYS: &[&str] = &["version", "name", "services", "networks", "volumes"];
/// Top-level keys Compose accepts that Dockyard does not model.
const TOP_IGNORED: &[&str] = &["secrets", "configs", "include", "models"];

const SERVICE_KEYS: &[&str] = &[
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "volumes",
    "networks",
    "depends_on",
    "restart",
    "healthcheck",
    "container_name",
    "hostname",
    "working_dir",
    "user",
    "labels",
    "expose",
    "profiles",
];

/// Service keys of the Compose Specification that Dockyard accepts and leaves aside.
const SERVICE_IGNORED: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "configs",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "deploy",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "driver_opts",
    "extends",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "init",
    "ipc",
    "isolation",
    "label_file",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "network_mode",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "post_start",
    "pre_stop",
    "privileged",
    "provider",
    "pull_policy",
    "read_only",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "userns_mode",
    "uts",
    "volumes_from",
];

const BUILD_KEYS: &[&str] = &["context", "dockerfile", "args", "target"];
const BUILD_IGNORED: &[&str] = &[
    "additional_contexts",
    "cache_from",
    "cache_to",
    "dockerfile_inline",
    "entitlements",
    "extra_hosts",
    "isolation",
    "labels",
    "network",
    "no_cache",
    "platforms",
    "privileged",
    "provenance",
    "pull",
    "sbom",
    "secrets",
    "shm_size",
    "ssh",
    "tags",
    "ulimits",
];
const PORT_KEYS: &[&str] = &["target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"];
const MOUNT_KEYS: &[&str] =
    &["type", "source", "target", "read_only", "bind", "volume", "tmpfs", "consistency", "image"];
const DEPENDENCY_KEYS: &[&str] = &["condition", "restart", "required"];
const SERVICE_NETWORK_KEYS: &[&str] = &[
    "aliases",
    "ipv4_address",
    "ipv6_address",
    "priority",
    "link_local_ips",
    "mac_address",
    "driver_opts",
    "gw_priority",
    "interface_name",
];
const HEALTHCHECK_KEYS: &[&str] =
    &["test", "interval", "timeout", "start_period", "start_interval", "retries", "disable"];
const NETWORK_KEYS: &[&str] = &[
    "name",
    "driver",
    "driver_opts",
    "external",
    "internal",
    "attachable",
    "labels",
    "ipam",
    "enable_ipv4",
    "enable_ipv6",
];
const VOLUME_KEYS: &[&str] = &["name", "driver", "driver_opts", "external", "labels"];

/// The loader's state while it walks the tree: the warnings it has to give.
struct Loader<'a> {
    options: &'a Options,
    warnings: Vec<String>,
}

fn schema(position: crate::dockerfile::Position, message: String) -> ComposeError {
    ComposeError::Schema { position, message }
}

fn project_error(position: crate::dockerfile::Position, message: String) -> ComposeError {
    ComposeError::Project { position: Some(position), message }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() || path == "(root)" {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub fn load(source: &str, options: &Options) -> Result<Loaded, ComposeError> {
    let mut root = match yaml::parse(source)? {
        Some(root) if !root.is_null() => root,
        // A file of comments, or `---` alone, holds no document.
        _ => return Err(ComposeError::Empty),
    };
    let mut loader = Loader { options, warnings: Vec::new() };
    loader.interpolate(&mut root, "")?;
    let Value::Map(top) = &root.value else {
        return Err(schema(root.position, "Top-level object must be a mapping".into()));
    };
    loader.check_keys(top, "(root)", TOP_KEYS, TOP_IGNORED)?;

    let mut name_from_file = None;
    let mut services = BTreeMap::new();
    let mut networks = BTreeMap::new();
    let mut volumes = BTreeMap::new();
    for entry in top {
        match entry.key.as_str() {
            "version" => loader.warnings.push(
                "the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion"
                    .into(),
            ),
            "name" => name_from_file = Some(string(&entry.value, "name")?),
            "services" => {
                for service in map_entries(&entry.value, "services")? {
                    check_name(service, "services")?;
                    let path = child("services", &service.key);
                    let parsed = loader.service(service, &path)?;
                    services.insert(service.key.clone(), parsed);
                }
            }
            "networks" => {
                for network in map_entries(&entry.value, "networks")? {
                    check_name(network, "networks")?;
                    networks.insert(network.key.clone(), loader.network(network)?);
                }
            }
            "volumes" => {
                for volume in map_entries(&entry.value, "volumes")? {
                    check_name(volume, "volumes")?;
                    volumes.insert(volume.key.clone(), loader.volume(volume)?);
                }
            }
            _ => {}
        }
    }

    let name = project_name(options, name_from_file)?;
    if let Some(base) = &options.working_dir {
        let home = options.env.get("HOME").map(String::as_str);
        for service in services.values_mut() {
            absolute_paths(service, base, home);
        }
    }
    let mut project = Project { name, services, networks, volumes };
    finish(&mut project)?;
    Ok(Loaded { project, warnings: loader.warnings })
}

/// Services, networks and volumes are named by `[a-zA-Z0-9._-]+`, the specification's pattern;
/// any other key is one the schema does not allow.
fn check_name(entry: &Entry, path: &str) -> Result<(), ComposeError> {
    let valid =
        !entry.key.is_empty() && entry.key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid {
        return Ok(());
    }
    Err(schema(entry.key_position, format!("{path} additional properties '{}' not allowed", entry.key)))
}

/// Whether a build context names a remote source (a Git repository or a URL) rather than a
/// folder.
fn is_remote(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

/// `path` made absolute against `base` (and `~` against `home`), with `.` and `..` resolved
/// as Go's `filepath.Join` resolves them.
pub fn absolute(base: &str, path: &str, home: Option<&str>) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else if let (Some(home), Some(rest)) = (home, path.strip_prefix('~')) {
        if rest.is_empty() || rest.starts_with('/') {
            format!("{home}/{rest}")
        } else {
            format!("{base}/{path}")
        }
    } else {
        format!("{base}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

fn absolute_paths(service: &mut Service, base: &str, home: Option<&str>) {
    if let Some(build) = &mut service.build {
        if !is_remote(&build.context) {
            build.context = absolute(base, &build.context, home);
        }
    }
    for mount in &mut service.volumes {
        if let (MountType::Bind, Some(source)) = (mount.kind, &mut mount.source) {
            *source = absolute(base, source, home);
        }
    }
    for file in &mut service.env_file {
        file.path = absolute(base, &file.path, home);
    }
}

/// `-p`, then `COMPOSE_PROJECT_NAME`, then `name:`, all checked as given; else the directory's
/// name, normalized.
fn project_name(options: &Options, from_file: Option<String>) -> Result<String, ComposeError> {
    let given = options
        .project_name
        .clone()
        .or_else(|| options.env.get("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()).cloned())
        .or(from_file);
    match given {
        Some(name) => {
            validate_project_name(&name)?;
            Ok(name)
        }
        None => {
            let name = normalize_project_name(&options.directory);
            validate_project_name(&name)?;
            Ok(name)
        }
    }
}

/// What Compose does once every key has been read: engine names for networks and volumes, the
/// default network, and the checks that services refer only to what exists.
fn finish(project: &mut Project) -> Result<(), ComposeError> {
    let project_name = project.name.clone();
    let mut uses_default = false;
    for service in project.services.values_mut() {
        if service.networks.is_empty() {
            service.networks.insert("default".into(), ServiceNetwork::default());
        }
        uses_default |= service.networks.contains_key("default");
    }
    if uses_default && !project.networks.contains_key("default") {
        project.networks.insert("default".into(), Network::default());
    }
    for (key, network) in project.networks.iter_mut() {
        if network.name.is_empty() {
            network.name = if network.external { key.clone() } else { scoped_name(&project_name, key) };
        }
    }
    for (key, volume) in project.volumes.iter_mut() {
        if volume.name.is_empty() {
            volume.name = if volume.external { key.clone() } else { scoped_name(&project_name, key) };
        }
    }
    let mut container_names: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, service) in &project.services {
        if let Some(container_name) = &service.container_name {
            if let Some(other) = container_names.insert(container_name, name) {
                return Err(project_error(
                    service.position,
                    format!("services.{name}: container name {container_name:?} is already in use by services.{other}"),
                ));
            }
        }
        if service.image.is_none() && service.build.is_none() {
            return Err(project_error(
                service.position,
                format!("service {name:?} has neither an image nor a build context specified"),
            ));
        }
        for (dependency, how) in &service.depends_on {
            if how.required && !project.services.contains_key(dependency) {
                return Err(project_error(
                    service.position,
                    format!("service {name:?} depends on undefined service {dependency:?}"),
                ));
            }
        }
        for network in service.networks.keys() {
            if !project.networks.contains_key(network) {
                return Err(project_error(
                    service.position,
                    format!("service {name:?} refers to undefined network {network}"),
                ));
            }
        }
        for mount in &service.volumes {
            if let (MountType::Volume, Some(source)) = (mount.kind, &mount.source) {
                if !project.volumes.contains_key(source) {
                    return Err(project_error(
                        service.position,
                        format!("service {name:?} refers to undefined volume {source}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn map_entries<'n>(node: &'n Node, path: &str) -> Result<&'n [Entry], ComposeError> {
    match &node.value {
        Value::Map(entries) => Ok(entries),
        Value::Null => Ok(&[]),
        _ => Err(schema(node.position, format!("{path} must be a mapping"))),
    }
}

fn seq<'n>(node: &'n Node, path: &str) -> Result<&'n [Node], ComposeError> {
    match &node.value {
        Value::Seq(items) => Ok(items),
        Value::Null => Ok(&[]),
        _ => Err(schema(node.position, format!("{path} must be a array"))),
    }
}

/// Any scalar as text: Compose files write `user: 1000` and `published: 8080` as numbers.
fn string(node: &Node, path: &str) -> Result<String, ComposeError> {
    match node.text() {
        Some(text) => Ok(text.to_string()),
        None => Err(schema(node.position, format!("{path} must be a string"))),
    }
}

fn optional_string(node: &Node, path: &str) -> Result<Option<String>, ComposeError> {
    if node.is_null() {
        Ok(None)
    } else {
        string(node, path).map(Some)
    }
}

fn boolean(node: &Node, path: &str) -> Result<bool, ComposeError> {
    match &node.value {
        Value::Scalar { text, plain: true } => parse_bool(text),
        _ => None,
    }
    .ok_or_else(|| schema(node.position, format!("{path} must be a boolean")))
}

fn integer(node: &Node, path: &str) -> Result<u64, ComposeError> {
    match &node.value {
        Value::Scalar { text, .. } => text.parse::<u64>().ok(),
        _ => None,
    }
    .ok_or_else(|| schema(node.position, format!("{path} must be a integer")))
}

fn strings(node: &Node, path: &str) -> Result<Vec<String>, ComposeError> {
    let item_path = format!("{path}.[]");
    seq(node, path)?.iter().map(|item| string(item, &item_path)).collect()
}

fn duration(node: &Node, path: &str) -> Result<Option<i64>, ComposeError> {
    match optional_string(node, path)? {
        None => Ok(None),
        Some(text) => parse_duration(&text).map(Some).map_err(|e| schema(node.position, format!("{path}: {e}"))),
    }
}

/// A map of names to optional values, written as a mapping or as a list of `NAME=value`
/// (environment, build args, labels). `NAME` alone (or a null value) is `None`.
fn name_values(node: &Node, path: &str) -> Result<BTreeMap<String, Option<String>>, ComposeError> {
    let mut out = BTreeMap::new();
    match &node.value {
        Value::Null => {}
        Value::Map(entries) => {
            for entry in entries {
                let value = match &entry.value.value {
                    Value::Null => None,
                    Value::Scalar { text, .. } => Some(text.clone()),
                    _ => {
                        return Err(schema(
                            entry.value.position,
                            format!("{} must be a string, number, boolean or null", child(path, &entry.key)),
                        ))
                    }
                };
                out.insert(entry.key.clone(), value);
            }
        }
        Value::Seq(items) => {
            for item in items {
                let text = string(item, &format!("{path}.[]"))?;
                match text.split_once('=') {
                    Some((name, value)) => out.insert(name.to_string(), Some(value.to_string())),
                    None => out.insert(text, None),
                };
            }
        }
        Value::Scalar { .. } => return Err(schema(node.position, format!("{path} must be a mapping"))),
    }
    Ok(out)
}

fn labels(node: &Node, path: &str) -> Result<BTreeMap<String, String>, ComposeError> {
    Ok(name_values(node, path)?.into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect())
}

impl Loader<'_> {
    /// Interpolates every scalar value (never a key), with Compose's path in its errors.
    fn interpolate(&mut self, node: &mut Node, path: &str) -> Result<(), ComposeError> {
        match &mut node.value {
            Value::Null => Ok(()),
            Value::Scalar { text, .. } => {
                if !text.contains('$') {
                    return Ok(());
                }
                let shown = if path.is_empty() { "(root)" } else { path };
                match interpolate(text, &self.options.env) {
                    Ok(done) => {
                        for name in done.unset {
                            let warning = format!("The {name:?} variable is not set. Defaulting to a blank string.");
                            if !self.warnings.contains(&warning) {
                                self.warnings.push(warning);
                            }
                        }
                        *text = done.text;
                        Ok(())
                    }
                    Err(Problem::Invalid) => Err(ComposeError::Interpolation {
                        position: node.position,
                        message: format!(
                            "invalid interpolation format for {shown}.\nYou may need to escape any $ with another $.\n{text}"
                        ),
                    }),
                    Err(Problem::Required { name, message }) => {
                        let reason = if message.is_empty() { String::new() } else { format!(": {message}") };
                        Err(ComposeError::Interpolation {
                            position: node.position,
                            message: format!(
                                "error while interpolating {shown}: required variable {name} is missing a value{reason}"
                            ),
                        })
                    }
                }
            }
            Value::Seq(items) => {
                let path = child(path, "[]");
                items.iter_mut().try_for_each(|item| self.interpolate(item, &path))
            }
            Value::Map(entries) => {
                for entry in entries {
                    let path = child(path, &entry.key);
                    self.interpolate(&mut entry.value, &path)?;
                }
                Ok(())
            }
        }
    }

    /// Refuses keys the specification does not have (`x-` extensions aside), and warns about
    /// those it has that Dockyard leaves aside.
    fn check_keys(
        &mut self,
        entries: &[Entry],
        path: &str,
        known: &[&str],
        ignored: &[&str],
    ) -> Result<(), ComposeError> {
        for entry in entries {
            let key = entry.key.as_str();
            if known.contains(&key) || key.starts_with("x-") {
                continue;
            }
            if ignored.contains(&key) {
                self.warnings.push(format!("{}: Dockyard does not support this yet and ignores it", child(path, key)));
                continue;
            }
            return Err(schema(entry.key_position, format!("{path} additional properties '{key}' not allowed")));
        }
        Ok(())
    }

    fn object<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        known: &[&str],
        ignored: &[&str],
    ) -> Result<&'n [Entry], ComposeError> {
        let entries = map_entries(node, path)?;
        self.check_keys(entries, path, known, ignored)?;
        Ok(entries)
    }

    fn service(&mut self, entry: &Entry, path: &str) -> Result<Service, ComposeError> {
        let entries = match &entry.value.value {
            Value::Map(entries) => entries.as_slice(),
            // `web:` with nothing under it is an empty service, which the image check refuses.
            Value::Null => &[],
            _ => return Err(schema(entry.value.position, format!("{path} must be a mapping"))),
        };
        self.check_keys(entries, path, SERVICE_KEYS, SERVICE_IGNORED)?;
        let mut service = Service::new(entry.key_position);
        for field in entries {
            let value = &field.value;
            let path = &child(path, &field.key);
            match field.key.as_str() {
                "image" => service.image = optional_string(value, path)?,
                "build" => service.build = self.build(value, path)?,
                "command" => service.command = command(value, path)?,
                "entrypoint" => service.entrypoint = command(value, path)?,
                "environment" => {
                    service.environment = name_values(value, path)?
                        .into_iter()
                        .map(|(name, v)| {
                            // `KEY` alone takes the value Compose was given, or stays unset.
                            let v = v.or_else(|| self.options.env.get(&name).cloned());
                            (name, v)
                        })
                        .collect()
                }
                "env_file" => service.env_file = self.env_files(value, path)?,
                "ports" => service.ports = self.ports(value, path)?,
                "volumes" => service.volumes = self.mounts(value, path)?,
                "networks" => service.networks = self.service_networks(value, path)?,
                "depends_on" => service.depends_on = self.depends_on(value, path)?,
                "restart" => {
                    service.restart = match optional_string(value, path)? {
                        None => None,
                        Some(text) => {
                            Some(parse_restart(&text).map_err(|e| schema(value.position, format!("{path}: {e}")))?)
                        }
                    }
                }
                "healthcheck" => service.healthcheck = self.healthcheck(value, path)?,
                "container_name" => service.container_name = optional_string(value, path)?,
                "hostname" => service.hostname = optional_string(value, path)?,
                "working_dir" => service.working_dir = optional_string(value, path)?,
                "user" => service.user = optional_string(value, path)?,
                "labels" => service.labels = labels(value, path)?,
                "expose" => service.expose = strings(value, path)?,
                "profiles" => service.profiles = strings(value, path)?,
                _ => {}
            }
        }
        Ok(service)
    }

    fn build(&mut self, node: &Node, path: &str) -> Result<Option<Build>, ComposeError> {
        let mut build = Build { context: ".".into(), dockerfile: "Dockerfile".into(), ..Build::default() };
        match &node.value {
            Value::Null => return Ok(None),
            Value::Scalar { text, .. } => build.context = text.clone(),
            Value::Map(_) => {
                for field in self.object(node, path, BUILD_KEYS, BUILD_IGNORED)? {
                    let path = &child(path, &field.key);
                    match field.key.as_str() {
                        "context" => build.context = string(&field.value, path)?,
                        "dockerfile" => build.dockerfile = string(&field.value, path)?,
                        "args" => {
                            build.args = name_values(&field.value, path)?
                                .into_iter()
                                .map(|(name, v)| {
                                    let v = v.or_else(|| self.options.env.get(&name).cloned());
                                    (name, v)
                                })
                                .collect()
                        }
                        "target" => build.target = optional_string(&field.value, path)?,
                        _ => {}
                    }
                }
            }
            Value::Seq(_) => return Err(schema(node.position, format!("{path} must be a string or object"))),
        }
        Ok(Some(build))
    }

    fn env_files(&mut self, node: &Node, path: &str) -> Result<Vec<EnvFile>, ComposeError> {
        if let Value::Scalar { text, .. } = &node.value {
            return Ok(vec![EnvFile { path: text.clone(), required: true }]);
        }
        let item_path = child(path, "[]");
        let mut files = Vec::new();
        for item in seq(node, path)? {
            match &item.value {
                Value::Map(_) => {
                    let mut file = EnvFile { path: String::new(), required: true };
                    let mut has_path = false;
                    for field in self.object(item, &item_path, &["path", "required", "format"], &[])? {
                        match field.key.as_str() {
                            "path" => {
                                file.path = string(&field.value, &child(&item_path, "path"))?;
                                has_path = true;
                            }
                            "required" => file.required = boolean(&field.value, &child(&item_path, "required"))?,
                            _ => {}
                        }
                    }
                    if !has_path {
                        return Err(schema(item.position, format!("{item_path} missing property 'path'")));
                    }
                    files.push(file);
                }
                _ => files.push(EnvFile { path: string(item, &item_path)?, required: true }),
            }
        }
        Ok(files)
    }

    fn ports(&mut self, node: &Node, path: &str) -> Result<Vec<Port>, ComposeError> {
        let mut ports = Vec::new();
        for (index, item) in seq(node, path)?.iter().enumerate() {
            let item_path = child(path, &index.to_string());
            match &item.value {
                Value::Map(_) => {
                    let mut port = Port {
                        target: 0,
                        published: None,
                        host_ip: None,
                        protocol: "tcp".into(),
                        mode: "ingress".into(),
                        name: None,
                        app_protocol: None,
                    };
                    let mut has_target = false;
                    for field in self.object(item, &item_path, PORT_KEYS, &[])? {
                        let path = &child(&item_path, &field.key);
                        let value = &field.value;
                        match field.key.as_str() {
                            "target" => {
                                port.target =
                                    u16::try_from(integer(value, path)?).ok().filter(|p| *p > 0).ok_or_else(|| {
                                        schema(
                                            value.position,
                                            format!("{path}: Invalid containerPort: {}", value.text().unwrap_or("")),
                                        )
                                    })?;
                                has_target = true;
                            }
                            "published" => {
                                port.published = optional_string(value, path)?;
                                if let Some(published) = &port.published {
                                    let valid = published.split_once('-').map_or_else(
                                        || published.parse::<u16>().is_ok(),
                                        |(a, b)| a.parse::<u16>().is_ok() && b.parse::<u16>().is_ok(),
                                    );
                                    if !valid {
                                        return Err(schema(
                                            value.position,
                                            format!("{path}: Invalid hostPort: {published}"),
                                        ));
                                    }
                                }
                            }
                            "host_ip" => port.host_ip = optional_string(value, path)?,
                            "protocol" => port.protocol = string(value, path)?,
                            "mode" => {
                                port.mode = string(value, path)?;
                                if !matches!(port.mode.as_str(), "ingress" | "host") {
                                    return Err(schema(
                                        value.position,
                                        format!("{path} must be one of the following: \"ingress\", \"host\""),
                                    ));
                                }
                            }
                            "name" => port.name = optional_string(value, path)?,
                            "app_protocol" => port.app_protocol = optional_string(value, path)?,
                            _ => {}
                        }
                    }
                    if !has_target {
                        return Err(schema(item.position, format!("{item_path} missing property 'target'")));
                    }
                    ports.push(port);
                }
                _ => {
                    let spec = string(item, &item_path)?;
                    ports.extend(parse_ports(&spec).map_err(|e| schema(item.position, e))?);
                }
            }
        }
        Ok(ports)
    }

    fn mounts(&mut self, node: &Node, path: &str) -> Result<Vec<Mount>, ComposeError> {
        let mut mounts = Vec::new();
        for (index, item) in seq(node, path)?.iter().enumerate() {
            let item_path = child(path, &index.to_string());
            if !matches!(item.value, Value::Map(_)) {
                let spec = string(item, &item_path)?;
                mounts.push(parse_volume(&spec).map_err(|e| schema(item.position, e))?);
                continue;
            }
            let mut mount = Mount {
                kind: MountType::Volume,
                source: None,
                target: String::new(),
                read_only: false,
                create_host_path: false,
                nocopy: false,
            };
            let mut kind = None;
            for field in self.object(item, &item_path, MOUNT_KEYS, &[])? {
                let path = &child(&item_path, &field.key);
                let value = &field.value;
                match field.key.as_str() {
                    "type" => {
                        kind = Some(match string(value, path)?.as_str() {
                            "volume" => MountType::Volume,
                            "bind" => MountType::Bind,
                            "tmpfs" => MountType::Tmpfs,
                            other => {
                                return Err(schema(
                                    value.position,
                                    format!("{path}: mount type {other:?} is not supported"),
                                ))
                            }
                        })
                    }
                    "source" => mount.source = optional_string(value, path)?.filter(|s| !s.is_empty()),
                    "target" => mount.target = string(value, path)?,
                    "read_only" => mount.read_only = boolean(value, path)?,
                    "bind" => {
                        for option in
                            self.object(value, path, &["create_host_path", "propagation", "selinux", "recursive"], &[])?
                        {
                            if option.key == "create_host_path" {
                                mount.create_host_path = boolean(&option.value, &child(path, "create_host_path"))?;
                            }
                        }
                    }
                    "volume" => {
                        for option in self.object(value, path, &["nocopy", "subpath", "labels"], &[])? {
                            if option.key == "nocopy" {
                                mount.nocopy = boolean(&option.value, &child(path, "nocopy"))?;
                            }
                        }
                    }
                    "tmpfs" => {
                        self.object(value, path, &["size", "mode"], &[])?;
                    }
                    _ => {}
                }
            }
            let Some(kind) = kind else {
                return Err(schema(item.position, format!("{item_path} missing property 'type'")));
            };
            mount.kind = kind;
            if mount.target.is_empty() {
                return Err(schema(item.position, format!("{item_path} missing property 'target'")));
            }
            if kind == MountType::Bind && mount.source.is_none() {
                return Err(schema(
                    item.position,
                    format!("{item_path}: invalid mount config for type \"bind\": field Source must not be empty"),
                ));
            }
            mounts.push(mount);
        }
        Ok(mounts)
    }

    fn service_networks(&mut self, node: &Node, path: &str) -> Result<BTreeMap<String, ServiceNetwork>, ComposeError> {
        let mut networks = BTreeMap::new();
        match &node.value {
            Value::Seq(_) | Value::Null => {
                for name in strings(node, path)? {
                    networks.insert(name, ServiceNetwork::default());
                }
            }
            _ => {
                for entry in map_entries(node, path)? {
                    let path = &child(path, &entry.key);
                    let mut network = ServiceNetwork::default();
                    for field in self.object(&entry.value, path, SERVICE_NETWORK_KEYS, &[])? {
                        match field.key.as_str() {
                            "aliases" => network.aliases = strings(&field.value, &child(path, "aliases"))?,
                            "ipv4_address" => {
                                network.ipv4_address = optional_string(&field.value, &child(path, "ipv4_address"))?
                            }
                            _ => {}
                        }
                    }
                    networks.insert(entry.key.clone(), network);
                }
            }
        }
        Ok(networks)
    }

    fn depends_on(&mut self, node: &Node, path: &str) -> Result<BTreeMap<String, Dependency>, ComposeError> {
        let mut deps = BTreeMap::new();
        let started = Dependency { condition: Condition::Started, restart: false, required: true };
        match &node.value {
            Value::Seq(_) | Value::Null => {
                for name in strings(node, path)? {
                    deps.insert(name, started.clone());
                }
            }
            _ => {
                for entry in map_entries(node, path)? {
                    let path = &child(path, &entry.key);
                    let mut dep = started.clone();
                    let mut has_condition = false;
                    for field in self.object(&entry.value, path, DEPENDENCY_KEYS, &[])? {
                        let field_path = &child(path, &field.key);
                        match field.key.as_str() {
                            "condition" => {
                                has_condition = true;
                                dep.condition = match string(&field.value, field_path)?.as_str() {
                                    "service_started" => Condition::Started,
                                    "service_healthy" => Condition::Healthy,
                                    "service_completed_successfully" => Condition::CompletedSuccessfully,
                                    _ => return Err(schema(field.value.position, format!("{field_path} must be one of the following: \"service_started\", \"service_healthy\", \"service_completed_successfully\""))),
                                }
                            }
                            "restart" => dep.restart = boolean(&field.value, field_path)?,
                            "required" => dep.required = boolean(&field.value, field_path)?,
                            _ => {}
                        }
                    }
                    if !has_condition {
                        return Err(schema(entry.key_position, format!("{path} missing property 'condition'")));
                    }
                    deps.insert(entry.key.clone(), dep);
                }
            }
        }
        Ok(deps)
    }

    fn healthcheck(&mut self, node: &Node, path: &str) -> Result<Option<Healthcheck>, ComposeError> {
        if node.is_null() {
            return Ok(None);
        }
        let mut check = Healthcheck::default();
        for field in self.object(node, path, HEALTHCHECK_KEYS, &[])? {
            let value = &field.value;
            let path = &child(path, &field.key);
            match field.key.as_str() {
                "test" => check.test = health_test(value, path)?,
                "interval" => check.interval = duration(value, path)?,
                "timeout" => check.timeout = duration(value, path)?,
                "start_period" => check.start_period = duration(value, path)?,
                "start_interval" => check.start_interval = duration(value, path)?,
                "retries" => check.retries = if value.is_null() { None } else { Some(integer(value, path)?) },
                "disable" => check.disable = boolean(value, path)?,
                _ => {}
            }
        }
        if check.disable && check.test.as_ref().is_some_and(|t| *t != HealthTest::None) {
            return Err(schema(node.position, format!("{path}: test and disable can't be set at the same time")));
        }
        Ok(Some(check))
    }

    fn network(&mut self, entry: &Entry) -> Result<Network, ComposeError> {
        let path = child("networks", &entry.key);
        let mut network = Network::default();
        for field in self.object(&entry.value, &path, NETWORK_KEYS, &[])? {
            let field_path = &child(&path, &field.key);
            match field.key.as_str() {
                "name" => network.name = string(&field.value, field_path)?,
                "driver" => network.driver = optional_string(&field.value, field_path)?,
                "external" => network.external = external(&field.value, field_path, &mut network.name)?,
                "internal" => network.internal = boolean(&field.value, field_path)?,
                "labels" => network.labels = labels(&field.value, field_path)?,
                _ => {}
            }
        }
        Ok(network)
    }

    fn volume(&mut self, entry: &Entry) -> Result<Volume, ComposeError> {
        let path = child("volumes", &entry.key);
        let mut volume = Volume::default();
        for field in self.object(&entry.value, &path, VOLUME_KEYS, &[])? {
            let field_path = &child(&path, &field.key);
            match field.key.as_str() {
                "name" => volume.name = string(&field.value, field_path)?,
                "driver" => volume.driver = optional_string(&field.value, field_path)?,
                "external" => volume.external = external(&field.value, field_path, &mut volume.name)?,
                "labels" => volume.labels = labels(&field.value, field_path)?,
                _ => {}
            }
        }
        Ok(volume)
    }
}

/// `external: true`, or the legacy `external: {name: x}`, which also names the resource.
fn external(node: &Node, path: &str, name: &mut String) -> Result<bool, ComposeError> {
    if let Value::Map(entries) = &node.value {
        for entry in entries {
            if entry.key != "name" {
                return Err(schema(
                    entry.key_position,
                    format!("{path} additional properties '{}' not allowed", entry.key),
                ));
            }
            *name = string(&entry.value, &child(path, "name"))?;
        }
        return Ok(true);
    }
    boolean(node, path)
}

fn command(node: &Node, path: &str) -> Result<Option<Command>, ComposeError> {
    match &node.value {
        Value::Null => Ok(None),
        Value::Scalar { text, .. } => {
            let words = split_words(text).map_err(|e| schema(node.position, format!("{path}: {e}")))?;
            Ok(Some(Command::Shell { words, text: text.clone() }))
        }
        Value::Seq(_) => Ok(Some(Command::Exec(strings(node, path)?))),
        Value::Map(_) => Err(schema(node.position, format!("{path} must be a string or array"))),
    }
}

fn health_test(node: &Node, path: &str) -> Result<Option<HealthTest>, ComposeError> {
    match &node.value {
        Value::Null => Ok(None),
        Value::Scalar { text, .. } => Ok(Some(HealthTest::Shell(text.clone()))),
        Value::Seq(_) => {
            let words = strings(node, path)?;
            match words.split_first() {
                None => Ok(None),
                Some((first, rest)) => match first.as_str() {
                    "CMD" => Ok(Some(HealthTest::Cmd(rest.to_vec()))),
                    "CMD-SHELL" => Ok(Some(HealthTest::Shell(rest.join(" ")))),
                    "NONE" => Ok(Some(HealthTest::None)),
                    other => Err(schema(
                        node.position,
                        format!("{path}: the first element must be \"CMD\", \"CMD-SHELL\" or \"NONE\", not {other:?}"),
                    )),
                },
            }
        }
        Value::Map(_) => Err(schema(node.position, format!("{path} must be a string or array"))),
    }
}
