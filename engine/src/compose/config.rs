//! `docker compose config`: the project written back as normalized YAML, every short syntax in
//! its long form, two-space indentation, strings quoted only where YAML would misread them, and
//! `$` escaped as `$$` so that the output loads back to the same project.
//!
//! Keys come in Compose's order: maps of names (services, networks, volumes, environment,
//! labels) sorted by name, and each record's fields in the order of compose-go's Go structs,
//! which Compose marshals as they are declared (almost alphabetical: a service's `profiles`
//! first, `environment` before `env_file`, `hostname` before `healthcheck`; a port's `mode`,
//! `host_ip`, `target`, `published`, `protocol`; a healthcheck's `test`, `timeout`, `interval`,
//! `retries`, `start_period`).

use std::collections::BTreeMap;

use super::model::*;

/// A YAML value to print.
enum Out {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    List(Vec<Out>),
    /// Entries in the order they are printed.
    Map(Vec<(String, Out)>),
}

fn s(text: &str) -> Out {
    Out::Str(text.to_string())
}

fn string_map(map: &BTreeMap<String, String>) -> Out {
    Out::Map(map.iter().map(|(k, v)| (k.clone(), s(v))).collect())
}

fn optional_map(map: &BTreeMap<String, Option<String>>) -> Out {
    Out::Map(map.iter().map(|(k, v)| (k.clone(), v.as_deref().map_or(Out::Null, s))).collect())
}

fn list(words: &[String]) -> Out {
    Out::List(words.iter().map(|w| s(w)).collect())
}

/// Go's `time.Duration.String()`: `1m30s`, `500ms`, `0s`.
fn go_duration(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".into();
    }
    let negative = nanos < 0;
    let n = nanos.unsigned_abs();
    let mut out = String::new();
    if n < 1_000_000_000 {
        let (value, unit) = match n {
            n if n < 1_000 => (n.to_string(), "ns"),
            n if n < 1_000_000 => (fraction(n, 1_000), "µs"),
            n => (fraction(n, 1_000_000), "ms"),
        };
        out.push_str(&value);
        out.push_str(unit);
    } else {
        let hours = n / 3_600_000_000_000;
        let minutes = n / 60_000_000_000 % 60;
        let seconds = fraction(n % 60_000_000_000, 1_000_000_000);
        if hours > 0 {
            out.push_str(&format!("{hours}h{minutes}m"));
        } else if minutes > 0 {
            out.push_str(&format!("{minutes}m"));
        }
        out.push_str(&seconds);
        out.push('s');
    }
    if negative {
        out.insert(0, '-');
    }
    out
}

/// `n / unit` with its fraction, trailing zeros dropped (`1.5`, `2`).
fn fraction(n: u64, unit: u64) -> String {
    let whole = n / unit;
    let rest = n % unit;
    if rest == 0 {
        return whole.to_string();
    }
    let digits = unit.ilog10() as usize;
    let fraction = format!("{rest:0digits$}");
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

fn command(command: &Command) -> Out {
    list(command.words())
}

fn service(service: &Service) -> Out {
    let mut e: Vec<(String, Out)> = Vec::new();
    let mut put = |key: &str, value: Out| e.push((key.to_string(), value));
    if !service.profiles.is_empty() {
        put("profiles", list(&service.profiles));
    }
    if let Some(build) = &service.build {
        let mut b = vec![("context".to_string(), s(&build.context)), ("dockerfile".into(), s(&build.dockerfile))];
        if !build.args.is_empty() {
            b.push(("args".into(), optional_map(&build.args)));
        }
        if let Some(target) = &build.target {
            b.push(("target".into(), s(target)));
        }
        put("build", Out::Map(b));
    }
    if let Some(c) = &service.command {
        put("command", command(c));
    }
    if let Some(name) = &service.container_name {
        put("container_name", s(name));
    }
    if !service.depends_on.is_empty() {
        let deps = service
            .depends_on
            .iter()
            .map(|(name, d)| {
                let entries = vec![
                    ("condition".to_string(), s(d.condition.as_str())),
                    ("restart".into(), Out::Bool(d.restart)),
                    ("required".into(), Out::Bool(d.required)),
                ];
                (name.clone(), Out::Map(entries))
            })
            .collect();
        put("depends_on", Out::Map(deps));
    }
    if let Some(c) = &service.entrypoint {
        put("entrypoint", command(c));
    }
    if !service.environment.is_empty() {
        put("environment", optional_map(&service.environment));
    }
    if !service.env_file.is_empty() {
        let files = service
            .env_file
            .iter()
            .map(|f| Out::Map(vec![("path".to_string(), s(&f.path)), ("required".to_string(), Out::Bool(f.required))]))
            .collect();
        put("env_file", Out::List(files));
    }
    if !service.expose.is_empty() {
        put("expose", list(&service.expose));
    }
    if let Some(hostname) = &service.hostname {
        put("hostname", s(hostname));
    }
    if let Some(check) = &service.healthcheck {
        put("healthcheck", healthcheck(check));
    }
    if let Some(image) = &service.image {
        put("image", s(image));
    }
    if !service.labels.is_empty() {
        put("labels", string_map(&service.labels));
    }
    let networks = service
        .networks
        .iter()
        .map(|(name, n)| {
            let mut entries = Vec::new();
            if !n.aliases.is_empty() {
                entries.push(("aliases".to_string(), list(&n.aliases)));
            }
            if let Some(ip) = &n.ipv4_address {
                entries.push(("ipv4_address".to_string(), s(ip)));
            }
            (name.clone(), if entries.is_empty() { Out::Null } else { Out::Map(entries) })
        })
        .collect();
    put("networks", Out::Map(networks));
    if !service.ports.is_empty() {
        put("ports", Out::List(service.ports.iter().map(port).collect()));
    }
    if let Some(restart) = service.restart {
        put("restart", Out::Str(restart.to_string()));
    }
    if let Some(user) = &service.user {
        put("user", s(user));
    }
    if !service.volumes.is_empty() {
        put("volumes", Out::List(service.volumes.iter().map(mount).collect()));
    }
    if let Some(dir) = &service.working_dir {
        put("working_dir", s(dir));
    }
    Out::Map(e)
}

fn healthcheck(check: &Healthcheck) -> Out {
    let mut e = Vec::new();
    match &check.test {
        Some(HealthTest::Cmd(words)) => {
            let mut all = vec!["CMD".to_string()];
            all.extend(words.iter().cloned());
            e.push(("test".to_string(), list(&all)));
        }
        Some(HealthTest::Shell(text)) => e.push(("test".into(), list(&["CMD-SHELL".into(), text.clone()]))),
        Some(HealthTest::None) => e.push(("test".into(), list(&["NONE".into()]))),
        None => {}
    }
    let duration = |nanos: Option<i64>| nanos.map(|n| Out::Str(go_duration(n)));
    let fields = [
        ("timeout", duration(check.timeout)),
        ("interval", duration(check.interval)),
        ("retries", check.retries.map(|r| Out::Int(i64::try_from(r).unwrap_or(i64::MAX)))),
        ("start_period", duration(check.start_period)),
        ("start_interval", duration(check.start_interval)),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            e.push((key.to_string(), value));
        }
    }
    if check.disable {
        e.push(("disable".into(), Out::Bool(true)));
    }
    Out::Map(e)
}

/// A port in Compose's field order, which is the one place it does not sort.
fn port(port: &Port) -> Out {
    let mut e = Vec::new();
    if let Some(name) = &port.name {
        e.push(("name".to_string(), s(name)));
    }
    e.push(("mode".into(), s(&port.mode)));
    if let Some(ip) = &port.host_ip {
        e.push(("host_ip".into(), s(ip)));
    }
    e.push(("target".into(), Out::Int(i64::from(port.target))));
    if let Some(published) = &port.published {
        e.push(("published".into(), s(published)));
    }
    e.push(("protocol".into(), s(&port.protocol)));
    if let Some(app) = &port.app_protocol {
        e.push(("app_protocol".into(), s(app)));
    }
    Out::Map(e)
}

fn mount(mount: &Mount) -> Out {
    let mut e = vec![("type".to_string(), s(mount.kind.as_str()))];
    if let Some(source) = &mount.source {
        e.push(("source".into(), s(source)));
    }
    e.push(("target".into(), s(&mount.target)));
    if mount.read_only {
        e.push(("read_only".into(), Out::Bool(true)));
    }
    match mount.kind {
        MountType::Bind => {
            e.push(("bind".into(), Out::Map(vec![("create_host_path".into(), Out::Bool(mount.create_host_path))])))
        }
        MountType::Volume if mount.nocopy => {
            e.push(("volume".into(), Out::Map(vec![("nocopy".into(), Out::Bool(true))])))
        }
        MountType::Volume => e.push(("volume".into(), Out::Map(Vec::new()))),
        MountType::Tmpfs => {}
    }
    Out::Map(e)
}

fn network(network: &Network) -> Out {
    let mut e = vec![("name".to_string(), s(&network.name))];
    if let Some(driver) = &network.driver {
        e.push(("driver".into(), s(driver)));
    }
    if network.external {
        e.push(("external".into(), Out::Bool(true)));
    }
    if network.internal {
        e.push(("internal".into(), Out::Bool(true)));
    }
    if !network.labels.is_empty() {
        e.push(("labels".into(), string_map(&network.labels)));
    }
    Out::Map(e)
}

fn volume(volume: &Volume) -> Out {
    let mut e = vec![("name".to_string(), s(&volume.name))];
    if let Some(driver) = &volume.driver {
        e.push(("driver".into(), s(driver)));
    }
    if volume.external {
        e.push(("external".into(), Out::Bool(true)));
    }
    if !volume.labels.is_empty() {
        e.push(("labels".into(), string_map(&volume.labels)));
    }
    Out::Map(e)
}

pub fn render(project: &Project) -> String {
    let mut top = vec![
        ("name".to_string(), s(&project.name)),
        ("services".into(), Out::Map(project.services.iter().map(|(k, v)| (k.clone(), service(v))).collect())),
    ];
    if !project.networks.is_empty() {
        top.push((
            "networks".into(),
            Out::Map(project.networks.iter().map(|(k, v)| (k.clone(), network(v))).collect()),
        ));
    }
    if !project.volumes.is_empty() {
        top.push(("volumes".into(), Out::Map(project.volumes.iter().map(|(k, v)| (k.clone(), volume(v))).collect())));
    }
    let mut out = String::new();
    write_map(&mut out, &top, 0);
    out
}

fn write_map(out: &mut String, entries: &[(String, Out)], indent: usize) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&quote(key));
        out.push(':');
        write_value(out, value, indent + 2);
    }
}

/// Writes what follows a `key:` or `-`: a scalar on the same line, a collection on the next.
fn write_value(out: &mut String, value: &Out, indent: usize) {
    match value {
        Out::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Out::List(items) if items.is_empty() => out.push_str(" []\n"),
        Out::Map(entries) => {
            out.push('\n');
            write_map(out, entries, indent);
        }
        Out::List(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push('-');
                match item {
                    // A mapping in a list starts on the dash's line, as yaml.v3 writes it.
                    Out::Map(entries) if !entries.is_empty() => {
                        let mut inner = String::new();
                        write_map(&mut inner, entries, indent + 2);
                        out.push(' ');
                        out.push_str(inner.trim_start());
                    }
                    other => write_value(out, other, indent + 2),
                }
            }
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

fn scalar_text(value: &Out) -> String {
    match value {
        // Values are printed interpolated, so a `$` left in one is escaped again, as Compose
        // escapes it, for the output to load back to the same project.
        Out::Str(text) => quote(&text.replace('$', "$$")),
        Out::Int(n) => n.to_string(),
        Out::Bool(b) => b.to_string(),
        _ => "null".into(),
    }
}

/// A string as yaml.v3 writes it: plain when YAML would read it back as the same string,
/// double-quoted (with escapes) otherwise.
fn quote(text: &str) -> String {
    let looks_typed = matches!(
        text,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "y"
            | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    ) || text.parse::<f64>().is_ok()
        || text.starts_with("0x")
        || text.starts_with("0o");
    let special_start = text.starts_with([
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ',
    ]);
    let special_inside = text.contains(": ")
        || text.contains(" #")
        || text.ends_with([' ', ':'])
        || text.chars().any(|c| c.is_control() || c == '\u{feff}');
    // A lone dash followed by a space starts a list item; `-x` is a fine plain scalar.
    let dash_ok = text.starts_with('-') && text.len() > 1 && !text.starts_with("- ") && !text.starts_with("---");
    if !looks_typed && !special_inside && (!special_start || dash_ok) {
        return text.to_string();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn durations_print_as_go_prints_them() {
        assert_eq!(go_duration(30_000_000_000), "30s");
        assert_eq!(go_duration(90_000_000_000), "1m30s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(500_000_000), "500ms");
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(i64::MIN), "-2562047h47m16.854775808s");
    }

    #[test]
    fn strings_are_quoted_only_when_needed() {
        assert_eq!(quote("nginx:alpine"), "nginx:alpine");
        assert_eq!(quote("8080"), "\"8080\"");
        assert_eq!(quote("no"), "\"no\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a: b"), "\"a: b\"");
        assert_eq!(quote("-c"), "-c");
        assert_eq!(quote("*"), "\"*\"");
        assert_eq!(quote("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
    }
}
