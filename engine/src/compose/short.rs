//! Compose's short syntaxes: a command string split into words, `"127.0.0.1:8080:80/tcp"`
//! ports with ranges, `name:/path:ro` volumes, and restart policies, each with the error text of
//! the Go package Compose uses for it.

use super::model::{Mount, MountType, Port, Restart};

/// Splits a command string into words as Compose does (go-shellwords): whitespace separates,
/// single quotes keep everything, double quotes and backslashes escape. No variables, no globs.
/// The rules are the docker command line's, so its splitter serves.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    crate::cli::words::split(text).map_err(|_| "invalid command line string".to_string())
}

/// A port or a range of ports, `80` or `3000-3005`.
fn port_range(text: &str) -> Option<(u16, u16)> {
    let (start, end) = text.split_once('-').unwrap_or((text, text));
    let start: u16 = start.parse().ok()?;
    let end: u16 = end.parse().ok()?;
    (start <= end).then_some((start, end))
}

/// `[[host_ip:]published:]target[/protocol]`, expanded as Docker's `nat.ParsePortSpec` expands
/// ranges: a container range gives one port per container port.
pub fn parse_ports(spec: &str) -> Result<Vec<Port>, String> {
    let (rest, protocol) = match spec.rsplit_once('/') {
        Some((rest, protocol)) => (rest, protocol.to_string()),
        None => (spec, "tcp".to_string()),
    };
    if !matches!(protocol.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("Invalid proto: {protocol}"));
    }
    // An IPv6 host address stands in brackets: `[::1]:8080:80`.
    let (host_ip, rest) = match rest.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once("]:") {
            Some((ip, rest)) => (Some(ip.to_string()), rest),
            None => return Err(format!("Invalid ip address: {rest}")),
        },
        None => (None, rest),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, published, target) = match parts.as_slice() {
        [target] => (None, "", *target),
        [published, target] => (None, *published, *target),
        [ip, published, target] => (Some(ip.to_string()), *published, *target),
        _ => return Err(format!("Invalid hostPort: {spec}")),
    };
    let host_ip = host_ip.or(ip).filter(|ip| !ip.is_empty());
    if let Some(ip) = &host_ip {
        if !is_ip(ip) {
            return Err(format!("Invalid ip address: {ip}"));
        }
    }
    let (first, last) =
        port_range(target).filter(|(s, _)| *s > 0).ok_or_else(|| format!("Invalid containerPort: {target}"))?;
    let host = if published.is_empty() {
        None
    } else {
        Some(port_range(published).ok_or_else(|| format!("Invalid hostPort: {published}"))?)
    };
    let port = |target: u16, published: Option<String>| Port {
        target,
        published,
        host_ip: host_ip.clone(),
        protocol: protocol.clone(),
        mode: "ingress".into(),
        name: None,
        app_protocol: None,
    };
    let count = u32::from(last - first) + 1;
    match host {
        None => Ok((first..=last).map(|t| port(t, None)).collect()),
        Some((h_first, h_last)) if count == 1 => {
            let published = if h_first == h_last { h_first.to_string() } else { format!("{h_first}-{h_last}") };
            Ok(vec![port(first, Some(published))])
        }
        Some((h_first, h_last)) if u32::from(h_last - h_first) + 1 == count => {
            Ok((first..=last).zip(h_first..=h_last).map(|(t, h)| port(t, Some(h.to_string()))).collect())
        }
        Some(_) => Err(format!("Invalid ranges specified for container and host Ports: {target} and {published}")),
    }
}

fn is_ip(text: &str) -> bool {
    text.parse::<std::net::IpAddr>().is_ok()
}

/// Whether a volume's source is a host path rather than a volume's name, as Compose decides.
fn is_host_path(source: &str) -> bool {
    source.starts_with(['.', '/', '~'])
}

/// `[source:]target[:mode]`: a named volume, a bind mount (a source that is a path) or an
/// anonymous volume (a target alone).
pub fn parse_volume(spec: &str) -> Result<Mount, String> {
    if spec.is_empty() {
        return Err("invalid empty volume spec".into());
    }
    let parts: Vec<&str> = spec.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, mode] => (Some(*source), *target, *mode),
        _ => return Err(format!("invalid spec: {spec}: too many colons")),
    };
    if target.is_empty() {
        return Err(format!("invalid spec: {spec}: empty section between colons"));
    }
    let mut mount = Mount {
        kind: MountType::Volume,
        source: source.filter(|s| !s.is_empty()).map(str::to_string),
        target: target.to_string(),
        read_only: false,
        create_host_path: false,
        nocopy: false,
    };
    if mount.source.as_deref().is_some_and(is_host_path) {
        mount.kind = MountType::Bind;
        mount.create_host_path = true;
    }
    for option in mode.split(',').filter(|o| !o.is_empty()) {
        match option {
            "ro" => mount.read_only = true,
            "rw" => mount.read_only = false,
            "nocopy" => mount.nocopy = true,
            "z" | "Z" | "cached" | "delegated" | "consistent" | "shared" | "rshared" | "slave" | "rslave"
            | "private" | "rprivate" => {}
            other => return Err(format!("invalid spec: {spec}: unknown option {other:?}")),
        }
    }
    Ok(mount)
}

/// `no`, `always`, `on-failure[:N]`, `unless-stopped`, with the Docker CLI's errors.
pub fn parse_restart(text: &str) -> Result<Restart, String> {
    let (name, count) = match text.split_once(':') {
        Some((name, count)) => (name, Some(count)),
        None => (text, None),
    };
    match (name, count) {
        ("", Some(_)) => Err("invalid restart policy format: no policy provided before colon".into()),
        ("no", None) => Ok(Restart::No),
        ("always", None) => Ok(Restart::Always),
        ("unless-stopped", None) => Ok(Restart::UnlessStopped),
        ("on-failure", None) => Ok(Restart::OnFailure(None)),
        ("on-failure", Some(count)) => match count.parse::<u32>() {
            Ok(n) => Ok(Restart::OnFailure(Some(n))),
            Err(_) => Err(format!("invalid restart policy format: maximum retry count must be an integer: {count}")),
        },
        ("no" | "always" | "unless-stopped", Some(_)) => {
            Err("invalid restart policy format: maximum retry count can only be used with 'on-failure'".into())
        }
        _ => Err(format!("invalid restart policy '{text}'")),
    }
}
