//! `docker ps`: the containers, newest first, in Docker's columns, with `-a`, `-q`, `-n`/`-l`,
//! `-s`, `--no-trunc`, `--filter` and `--format`.

use serde_json::json;

use crate::cli::PsOptions;
use crate::container::{Container, ContainerStatus};
use crate::format::{ellipsis, go_quote, human_size, CustomFormat, FormatContext, Table};
use crate::ops::daemon_error;
use crate::time::Timestamp;
use crate::{Engine, Reply};

/// Docker's container context: the type its template errors name, and its columns' headers.
const CONTAINER_CONTEXT: FormatContext = FormatContext {
    type_name: "*formatter.ContainerContext",
    headers: &[
        ("ID", "CONTAINER ID"),
        ("Image", "IMAGE"),
        ("Command", "COMMAND"),
        ("CreatedAt", "CREATED AT"),
        ("RunningFor", "CREATED"),
        ("Ports", "PORTS"),
        ("State", "STATE"),
        ("Status", "STATUS"),
        ("Size", "SIZE"),
        ("Names", "NAMES"),
        ("Labels", "LABELS"),
        ("Mounts", "MOUNTS"),
        ("Networks", "NETWORKS"),
        ("LocalVolumes", "LOCAL VOLUMES"),
    ],
};

/// One `--filter` of `docker ps`.
enum Filter {
    Status(ContainerStatus),
    Name(String),
    Id(String),
    Exited(i32),
    Ancestor(String),
    /// On the network of this name or id.
    Network(String),
    /// `label=KEY` or `label=KEY=VALUE`.
    Label(String, Option<String>),
}

impl Engine {
    /// The PORTS column: while a container runs, what it published and what its image exposes.
    pub(crate) fn ports_text(&self, c: &Container) -> String {
        if !c.state.status.can_exit() {
            return String::new();
        }
        let exposed: Vec<String> = self
            .images
            .images
            .get(&c.image)
            .map(|i| i.config.config.exposed_ports.keys().cloned().collect())
            .unwrap_or_default();
        crate::ops::publish::ports_column(c, &exposed)
    }

    pub(crate) fn ps(&self, options: &PsOptions, now: Timestamp) -> Reply {
        let filters = match parse_filters(&options.filters) {
            Ok(filters) => filters,
            Err(reply) => return reply,
        };
        // -n shows the last n created in any state; filters on status imply -a, as in Docker.
        let all = options.all
            || options.last.is_some()
            || filters.iter().any(|f| matches!(f, Filter::Status(_) | Filter::Exited(_)));
        let mut shown: Vec<&Container> = self
            .containers
            .iter()
            .rev()
            .filter(|c| all || c.state.status.can_exit())
            .filter(|c| filters.iter().all(|f| self.matches(c, f)))
            .collect();
        if let Some(n) = options.last {
            shown.truncate(n);
        }
        let id = |c: &Container| if options.no_trunc { c.id.to_string() } else { c.id.short().to_string() };
        let command = |c: &Container| {
            let line = c.command_line();
            go_quote(&if options.no_trunc { line } else { ellipsis(&line, 20) })
        };
        let ports = |c: &Container| self.ports_text(c);
        let size = |c: &Container| {
            let image = self.images.images.get(&c.image).map_or(0, |i| self.images.size_of(i));
            format!("{} (virtual {})", human_size(c.rw.size()), human_size(c.rw.size() + image))
        };
        if let Some(format) = &options.format {
            let items: Vec<serde_json::Value> = shown
                .iter()
                .map(|c| {
                    json!({
                        "Command": command(c),
                        "CreatedAt": c.created.rfc3339(),
                        "ID": id(c),
                        "Image": c.image_name,
                        "Labels": c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
                        "LocalVolumes": "0",
                        "Mounts": c.mounts.iter().map(|m| m.volume.get(..15).unwrap_or(&m.volume)).collect::<Vec<_>>().join(","),
                        "Names": c.name,
                        "Networks": "none",
                        "Ports": ports(c),
                        "RunningFor": format!("{} ago", now.since(c.created).human()),
                        "Size": size(c),
                        "State": c.state.status.to_string(),
                        "Status": c.status_text(now),
                    })
                })
                .collect();
            return match CustomFormat::parse(format).and_then(|f| f.render(&items, CONTAINER_CONTEXT)) {
                Ok(out) => Reply::out(out),
                Err(e) => Reply::err(e.to_string(), 1),
            };
        }
        if options.quiet {
            return Reply::out(shown.iter().map(|c| format!("{}\n", id(c))).collect::<String>());
        }
        let mut header = vec!["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"];
        if options.size {
            header.push("SIZE");
        }
        let mut table = Table::new(&header);
        for c in shown {
            let mut row = vec![
                id(c),
                c.image_name.clone(),
                command(c),
                format!("{} ago", now.since(c.created).human()),
                c.status_text(now),
                ports(c),
                c.name.clone(),
            ];
            if options.size {
                row.push(size(c));
            }
            table.row(row);
        }
        Reply::out(table.render())
    }

    fn matches(&self, c: &Container, filter: &Filter) -> bool {
        match filter {
            Filter::Status(status) => c.state.status == *status,
            Filter::Name(name) => c.name.contains(name.as_str()),
            Filter::Id(prefix) => c.id.as_str().starts_with(prefix.as_str()),
            Filter::Exited(code) => c.state.status == ContainerStatus::Exited && c.state.exit_code == *code,
            Filter::Ancestor(image) => {
                c.image_name == *image || self.images.resolve(image).is_some_and(|i| i.id == c.image)
            }
            Filter::Label(key, value) => c.labels.get(key).is_some_and(|v| value.as_ref().is_none_or(|want| want == v)),
            Filter::Network(key) => {
                c.networks.iter().any(|a| a.name == *key || a.network.as_str() == key.as_str())
                    || self.find_network(key).is_some_and(|n| c.networks.iter().any(|a| a.network == n.id))
            }
        }
    }
}

fn parse_filters(texts: &[String]) -> Result<Vec<Filter>, Reply> {
    let mut filters = Vec::new();
    for text in texts {
        let Some((key, value)) = text.split_once('=') else {
            return Err(Reply::err(
                format!("invalid argument \"{text}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\nSee 'docker ps --help'."),
                125,
            ));
        };
        filters.push(match key {
            "status" => Filter::Status(match value {
                "created" => ContainerStatus::Created,
                "running" => ContainerStatus::Running,
                "paused" => ContainerStatus::Paused,
                "exited" => ContainerStatus::Exited,
                _ => {
                    return Err(Reply::err(
                        daemon_error(format!("invalid filter 'status={value}': Invalid filter 'status={value}'")),
                        1,
                    ))
                }
            }),
            "name" => Filter::Name(value.trim_start_matches('/').to_string()),
            "id" => Filter::Id(value.to_string()),
            "ancestor" => Filter::Ancestor(value.to_string()),
            "network" => Filter::Network(value.to_string()),
            "label" => match value.split_once('=') {
                Some((k, v)) => Filter::Label(k.to_string(), Some(v.to_string())),
                None => Filter::Label(value.to_string(), None),
            },
            "exited" => Filter::Exited(
                value.parse().map_err(|_| Reply::err(daemon_error(format!("invalid filter 'exited={value}'")), 1))?,
            ),
            _ => return Err(Reply::err(daemon_error(format!("invalid filter '{key}'")), 1)),
        });
    }
    Ok(filters)
}
