//! What a session may ask of the real Docker Engine: each rule has a name, and a refusal says
//! which rule refused and why, so a learner (or a teacher reading a log) knows what to change.
//!
//! The rules are checked twice: once on the parsed command, where the message can speak of the
//! flag the learner typed, and once on the body about to be sent to the daemon
//! ([`check_container_body`]), so a mistake in turning commands into bodies cannot open a hole.

use bollard::models::{ContainerCreateBody, HostConfig, HostConfigCgroupnsModeEnum, MountType};

/// Memory a container gets when it asks for none, and the most it may ask for.
pub const DEFAULT_MEMORY: i64 = 256 << 20;
pub const MAX_MEMORY: i64 = 512 << 20;
/// Processes a container may have, and its share of the CPUs (one CPU).
pub const PIDS_LIMIT: i64 = 64;
pub const NANO_CPUS: i64 = 1_000_000_000;

/// A rule of the allowlist, named as refusals print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    NoPrivileged,
    NoHostMounts,
    NoHostNetwork,
    NoHostNamespaces,
    NoAddedCapabilities,
    NoDevices,
    NoSecurityOverrides,
    NoPublishedPorts,
    DockyardNetworksOnly,
    ResourceLimits,
    OwnSessionOnly,
    Quota,
    Session,
    NoTerminal,
    BuildContext,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::NoPrivileged => "no-privileged",
            Rule::NoHostMounts => "no-host-mounts",
            Rule::NoHostNetwork => "no-host-network",
            Rule::NoHostNamespaces => "no-host-namespaces",
            Rule::NoAddedCapabilities => "no-added-capabilities",
            Rule::NoDevices => "no-devices",
            Rule::NoSecurityOverrides => "no-security-overrides",
            Rule::NoPublishedPorts => "no-published-ports",
            Rule::DockyardNetworksOnly => "dockyard-networks-only",
            Rule::ResourceLimits => "resource-limits",
            Rule::OwnSessionOnly => "own-session-only",
            Rule::Quota => "quota",
            Rule::Session => "session",
            Rule::NoTerminal => "no-terminal",
            Rule::BuildContext => "build-context",
        }
    }
}

/// A request the allowlist turned away.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dockyard: refused by rule {}: {detail}", rule.name())]
pub struct Refusal {
    pub rule: Rule,
    pub detail: String,
}

impl Refusal {
    pub fn new(rule: Rule, detail: impl Into<String>) -> Self {
        Refusal { rule, detail: detail.into() }
    }
}

/// Flags Docker has and Dockyard's parser does not, each against the rule it would break. The
/// parser rejects them as unknown; host mode names the rule instead, which says more.
const FORBIDDEN_FLAGS: &[(&str, Rule, &str)] = &[
    ("--privileged", Rule::NoPrivileged, "containers never run privileged"),
    ("--cap-add", Rule::NoAddedCapabilities, "containers get no added capabilities"),
    ("--device", Rule::NoDevices, "containers get none of the host's devices"),
    ("--device-cgroup-rule", Rule::NoDevices, "containers get none of the host's devices"),
    ("--gpus", Rule::NoDevices, "containers get none of the host's devices"),
    ("--pid", Rule::NoHostNamespaces, "containers never share the host's process namespace"),
    ("--ipc", Rule::NoHostNamespaces, "containers never share the host's IPC namespace"),
    ("--uts", Rule::NoHostNamespaces, "containers never share the host's UTS namespace"),
    ("--userns", Rule::NoHostNamespaces, "containers never share the host's user namespace"),
    ("--cgroupns", Rule::NoHostNamespaces, "containers never share the host's cgroup namespace"),
    ("--cgroup-parent", Rule::NoHostNamespaces, "containers stay in Docker's own cgroups"),
    ("--security-opt", Rule::NoSecurityOverrides, "containers keep Docker's default security profile"),
    ("--volumes-from", Rule::NoHostMounts, "containers mount only their session's named volumes"),
    ("--net", Rule::DockyardNetworksOnly, "use --network with none or one of your networks"),
    ("--memory-swap", Rule::ResourceLimits, "Dockyard sets the limits"),
    ("--pids-limit", Rule::ResourceLimits, "Dockyard sets the limits"),
    ("--ulimit", Rule::ResourceLimits, "Dockyard sets the limits"),
];

/// The refusal for a parse error that names a flag Docker has but host mode forbids.
pub fn forbidden_flag(parse_error: &str) -> Option<Refusal> {
    let flag = parse_error.strip_prefix("unknown flag: ")?.lines().next()?;
    let flag = flag.split('=').next().unwrap_or(flag);
    FORBIDDEN_FLAGS
        .iter()
        .find(|(name, _, _)| *name == flag)
        .map(|(name, rule, why)| Refusal::new(*rule, format!("{name}: {why}")))
}

/// The daemon-side network a container may join: `none`, or one the session made.
pub fn network_mode(requested: Option<&str>, own_network: impl Fn(&str) -> Option<String>) -> Result<String, Refusal> {
    match requested {
        None | Some("none") => Ok("none".to_string()),
        Some("host") => {
            Err(Refusal::new(Rule::NoHostNetwork, "--network host: containers never share the host's network"))
        }
        Some(other) if other.starts_with("container:") => Err(Refusal::new(
            Rule::NoHostNamespaces,
            format!("--network {other}: containers never share another container's network namespace"),
        )),
        Some(name) => own_network(name).ok_or_else(|| {
            Refusal::new(
                Rule::DockyardNetworksOnly,
                format!("--network {name}: containers join none or a network you made with docker network create"),
            )
        }),
    }
}

/// The memory limit for a `--memory` value: the default when absent, refused above the cap.
pub fn memory_limit(requested: Option<u64>) -> Result<i64, Refusal> {
    match requested {
        None => Ok(DEFAULT_MEMORY),
        Some(bytes) if bytes <= MAX_MEMORY as u64 => Ok(bytes as i64),
        Some(_) => Err(Refusal::new(Rule::ResourceLimits, format!("--memory: at most {}MiB", MAX_MEMORY >> 20))),
    }
}

/// A `-v` value's source must be a named volume: a path (absolute or relative) is the host's.
pub fn check_volume_source(spec: &str) -> Result<(), Refusal> {
    let source = spec.split(':').next().unwrap_or("");
    let is_anonymous = !spec.contains(':');
    if !is_anonymous && (source.starts_with('/') || source.starts_with('.') || source.starts_with('~')) {
        return Err(Refusal::new(
            Rule::NoHostMounts,
            format!("-v {spec}: containers mount only named volumes, never the host's files"),
        ));
    }
    Ok(())
}

/// The last guard before a container is created: every rule, on the body itself.
pub fn check_container_body(body: &ContainerCreateBody, session_prefix: &str) -> Result<(), Refusal> {
    let Some(host) = &body.host_config else {
        return Err(Refusal::new(Rule::ResourceLimits, "a container must have its limits set"));
    };
    check_host_config(host, session_prefix)?;
    if body.exposed_ports.as_ref().is_some_and(|p| !p.is_empty()) {
        return Err(Refusal::new(Rule::NoPublishedPorts, "containers publish no ports on the host"));
    }
    Ok(())
}

fn check_host_config(host: &HostConfig, session_prefix: &str) -> Result<(), Refusal> {
    if host.privileged == Some(true) {
        return Err(Refusal::new(Rule::NoPrivileged, "containers never run privileged"));
    }
    if host.cap_add.as_ref().is_some_and(|c| !c.is_empty()) {
        return Err(Refusal::new(Rule::NoAddedCapabilities, "containers get no added capabilities"));
    }
    if host.devices.as_ref().is_some_and(|d| !d.is_empty())
        || host.device_requests.as_ref().is_some_and(|d| !d.is_empty())
        || host.device_cgroup_rules.as_ref().is_some_and(|d| !d.is_empty())
    {
        return Err(Refusal::new(Rule::NoDevices, "containers get none of the host's devices"));
    }
    if host.cgroupns_mode == Some(HostConfigCgroupnsModeEnum::HOST) {
        return Err(Refusal::new(Rule::NoHostNamespaces, "cgroup namespace mode host shares the host's"));
    }
    for mode in [&host.pid_mode, &host.ipc_mode, &host.uts_mode, &host.userns_mode] {
        if let Some(mode) = mode.as_deref().filter(|m| !m.is_empty() && *m != "private") {
            return Err(Refusal::new(Rule::NoHostNamespaces, format!("namespace mode {mode} shares the host's")));
        }
    }
    if host.security_opt.as_ref().is_some_and(|s| s.iter().any(|o| o != "no-new-privileges")) {
        return Err(Refusal::new(Rule::NoSecurityOverrides, "containers keep Docker's default security profile"));
    }
    for bind in host.binds.iter().flatten() {
        let source = bind.split(':').next().unwrap_or("");
        if !bind.contains(':') || !source.starts_with(session_prefix) {
            return Err(Refusal::new(Rule::NoHostMounts, format!("{bind}: only the session's named volumes")));
        }
    }
    for mount in host.mounts.iter().flatten() {
        let own = mount.source.as_deref().is_some_and(|s| s.starts_with(session_prefix));
        if mount.typ != Some(MountType::VOLUME) || !own {
            return Err(Refusal::new(Rule::NoHostMounts, "only the session's named volumes"));
        }
    }
    if host.volumes_from.as_ref().is_some_and(|v| !v.is_empty()) {
        return Err(Refusal::new(Rule::NoHostMounts, "containers mount only their session's named volumes"));
    }
    match host.network_mode.as_deref() {
        Some("none") => {}
        Some(name) if name.starts_with(session_prefix) => {}
        other => {
            return Err(Refusal::new(
                Rule::DockyardNetworksOnly,
                format!("network {}: none or the session's own networks", other.unwrap_or("default")),
            ))
        }
    }
    if host.port_bindings.as_ref().is_some_and(|p| !p.is_empty()) || host.publish_all_ports == Some(true) {
        return Err(Refusal::new(Rule::NoPublishedPorts, "containers publish no ports on the host"));
    }
    let memory_ok = host.memory.is_some_and(|m| m > 0 && m <= MAX_MEMORY);
    let pids_ok = host.pids_limit.is_some_and(|p| p > 0 && p <= PIDS_LIMIT);
    let cpus_ok = host.nano_cpus.is_some_and(|c| c > 0 && c <= NANO_CPUS);
    if !(memory_ok && pids_ok && cpus_ok) {
        return Err(Refusal::new(Rule::ResourceLimits, "memory, CPU and process limits are always set"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str = "dyabc-";

    fn safe() -> ContainerCreateBody {
        ContainerCreateBody {
            image: Some("busybox".into()),
            host_config: Some(HostConfig {
                network_mode: Some("none".into()),
                memory: Some(DEFAULT_MEMORY),
                pids_limit: Some(PIDS_LIMIT),
                nano_cpus: Some(NANO_CPUS),
                binds: Some(vec![format!("{PREFIX}data:/data")]),
                security_opt: Some(vec!["no-new-privileges".into()]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn rule_of(change: impl FnOnce(&mut HostConfig)) -> Option<&'static str> {
        let mut body = safe();
        change(body.host_config.as_mut().unwrap());
        check_container_body(&body, PREFIX).err().map(|r| r.rule.name())
    }

    #[test]
    fn the_body_dockyard_builds_passes() {
        assert_eq!(check_container_body(&safe(), PREFIX), Ok(()));
    }

    #[test]
    fn each_dangerous_setting_is_refused_by_its_rule() {
        assert_eq!(rule_of(|h| h.privileged = Some(true)), Some("no-privileged"));
        assert_eq!(rule_of(|h| h.cap_add = Some(vec!["SYS_ADMIN".into()])), Some("no-added-capabilities"));
        assert_eq!(rule_of(|h| h.devices = Some(vec![Default::default()])), Some("no-devices"));
        assert_eq!(rule_of(|h| h.pid_mode = Some("host".into())), Some("no-host-namespaces"));
        assert_eq!(rule_of(|h| h.ipc_mode = Some("host".into())), Some("no-host-namespaces"));
        assert_eq!(rule_of(|h| h.uts_mode = Some("host".into())), Some("no-host-namespaces"));
        assert_eq!(rule_of(|h| h.binds = Some(vec!["/etc:/host".into()])), Some("no-host-mounts"));
        assert_eq!(rule_of(|h| h.binds = Some(vec!["dyother-data:/d".into()])), Some("no-host-mounts"));
        assert_eq!(rule_of(|h| h.network_mode = Some("host".into())), Some("dockyard-networks-only"));
        assert_eq!(rule_of(|h| h.network_mode = Some("bridge".into())), Some("dockyard-networks-only"));
        assert_eq!(rule_of(|h| h.memory = None), Some("resource-limits"));
        assert_eq!(rule_of(|h| h.memory = Some(MAX_MEMORY + 1)), Some("resource-limits"));
        assert_eq!(rule_of(|h| h.pids_limit = Some(-1)), Some("resource-limits"));
        assert_eq!(
            rule_of(|h| h.security_opt = Some(vec!["seccomp=unconfined".into()])),
            Some("no-security-overrides")
        );
        assert_eq!(rule_of(|h| h.publish_all_ports = Some(true)), Some("no-published-ports"));
    }

    #[test]
    fn flags_the_parser_does_not_know_are_named_by_their_rule() {
        let refusal = forbidden_flag("unknown flag: --privileged\n\nUsage: ...").unwrap();
        assert_eq!(
            refusal.to_string(),
            "dockyard: refused by rule no-privileged: --privileged: containers never run privileged"
        );
        assert_eq!(forbidden_flag("unknown flag: --pid=host").unwrap().rule, Rule::NoHostNamespaces);
        assert_eq!(forbidden_flag("unknown flag: --foo"), None);
    }

    #[test]
    fn volumes_must_be_named() {
        assert!(check_volume_source("data:/data").is_ok());
        assert!(check_volume_source("/cache").is_ok());
        assert_eq!(check_volume_source("/etc:/host").unwrap_err().rule, Rule::NoHostMounts);
        assert_eq!(check_volume_source("./src:/src").unwrap_err().rule, Rule::NoHostMounts);
    }

    #[test]
    fn networks_are_none_or_the_sessions_own() {
        let own = |name: &str| (name == "front").then(|| format!("{PREFIX}front"));
        assert_eq!(network_mode(None, own), Ok("none".into()));
        assert_eq!(network_mode(Some("front"), own), Ok(format!("{PREFIX}front")));
        assert_eq!(network_mode(Some("host"), own).unwrap_err().rule, Rule::NoHostNetwork);
        assert_eq!(network_mode(Some("bridge"), own).unwrap_err().rule, Rule::DockyardNetworksOnly);
        assert_eq!(network_mode(Some("container:x"), own).unwrap_err().rule, Rule::NoHostNamespaces);
    }
}
