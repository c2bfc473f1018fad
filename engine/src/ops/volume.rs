//! `docker volume` (create, ls, inspect, rm, prune), and the volumes `run -v`, `--mount` and an
//! image's `VOLUME` mount into a container.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cli::Command;
use crate::digest::hex;
use crate::format::{human_size_digits, Table};
use crate::fs::UnionFs;
use crate::image::Image;
use crate::ops::cp::tree_at;
use crate::ops::daemon_error;
use crate::ops::inspect::to_docker_json;
use crate::volume::{Mount, Volume};
use crate::{Ctx, Engine, Reply, Step};

/// Where Docker keeps a volume's files on its host, as `inspect` reports it.
pub(crate) fn mountpoint(name: &str) -> String {
    format!("/var/lib/docker/volumes/{name}/_data")
}

/// Docker's rule for volume names.
fn valid_name(name: &str) -> bool {
    name.len() > 1
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// A mount asked for with `-v` or `--mount`, before its volume exists.
pub(crate) struct MountRequest {
    /// `None` for an anonymous volume.
    pub(crate) name: Option<String>,
    pub(crate) destination: String,
    pub(crate) read_only: bool,
}

/// Reads `-v NAME:/PATH[:ro]` and `-v /PATH`. A host path as the source is a bind mount, which
/// the simulated engine has no host for.
pub(crate) fn parse_volume_flag(text: &str) -> Result<MountRequest, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let (source, destination, mode) = match parts.as_slice() {
        [destination] => (None, *destination, ""),
        [source, destination] => (Some(*source), *destination, ""),
        [source, destination, mode] => (Some(*source), *destination, *mode),
        _ => return Err(format!("invalid spec: {text}: too many colons")),
    };
    let read_only = match mode {
        "" | "rw" => false,
        "ro" => true,
        other => return Err(format!("invalid mode: {other}")),
    };
    if let Some(source) = source {
        if source.starts_with('/') || source.starts_with('.') {
            return Err(format!(
                "dockyard: {source} is a folder of your computer, and the simulated engine cannot mount one (a bind mount); use a named volume such as -v data:{destination}"
            ));
        }
        if !valid_name(source) {
            return Err(format!(
                "create {source}: \"{source}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
            ));
        }
    }
    if !destination.starts_with('/') {
        return Err(format!(
            "invalid mount config for type \"volume\": invalid mount path: '{destination}' mount path must be absolute"
        ));
    }
    Ok(MountRequest { name: source.map(str::to_string), destination: destination.to_string(), read_only })
}

/// Reads `--mount type=volume,source=NAME,target=/PATH[,readonly]`.
pub(crate) fn parse_mount_flag(text: &str) -> Result<MountRequest, String> {
    let mut kind = "volume";
    let (mut name, mut destination, mut read_only) = (None, None, false);
    for field in text.split(',') {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        match key {
            "type" => kind = value,
            "source" | "src" => name = Some(value.to_string()).filter(|v| !v.is_empty()),
            "target" | "destination" | "dst" => destination = Some(value.to_string()),
            "readonly" | "ro" => read_only = value.is_empty() || value == "true" || value == "1",
            _ => {
                return Err(format!(
                    "invalid argument \"{text}\" for \"--mount\" flag: unexpected key '{key}' in '{field}'"
                ))
            }
        }
    }
    if kind == "bind" {
        return Err("dockyard: the simulated engine has no host folders to bind-mount; use type=volume".to_string());
    }
    if kind != "volume" {
        return Err(format!("invalid argument \"{text}\" for \"--mount\" flag: invalid mount type \"{kind}\""));
    }
    let destination = destination.ok_or("invalid mount config for type \"volume\": field Target must not be empty")?;
    if !destination.starts_with('/') {
        return Err(format!(
            "invalid mount config for type \"volume\": invalid mount path: '{destination}' mount path must be absolute"
        ));
    }
    if let Some(name) = name.as_deref().filter(|n| !valid_name(n)) {
        return Err(format!("create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed"));
    }
    Ok(MountRequest { name, destination, read_only })
}

fn normalize(path: &str) -> String {
    path.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectVolume<'a> {
    created_at: String,
    driver: &'a str,
    labels: Option<&'a BTreeMap<String, String>>,
    mountpoint: String,
    name: &'a str,
    options: Option<()>,
    scope: &'a str,
}

impl Engine {
    /// The mounts a new container gets: those asked for, then an anonymous volume for each of the
    /// image's `VOLUME`s not already mounted. Volumes are made as needed, and a new, empty one
    /// starts with what the image holds at its mount point, as Docker copies it.
    pub(crate) fn make_mounts(&mut self, requests: Vec<MountRequest>, image: &Image, ctx: &mut Ctx<'_>) -> Vec<Mount> {
        let mut requests = requests;
        for path in image.config.config.volumes.keys() {
            if !requests.iter().any(|r| normalize(&r.destination) == normalize(path)) {
                requests.push(MountRequest { name: None, destination: path.clone(), read_only: false });
            }
        }
        let layers: Vec<_> = self.images.layers_of(image).map(|l| l.into_iter().cloned().collect()).unwrap_or_default();
        let image_fs = UnionFs::new(layers);
        let mut mounts = Vec::new();
        for request in requests {
            let anonymous = request.name.is_none();
            let name = request.name.unwrap_or_else(|| {
                let mut bytes = [0u8; 32];
                ctx.entropy.fill(&mut bytes);
                hex(&bytes)
            });
            let destination = normalize(&request.destination);
            let volume = self.volumes.entry(name.clone()).or_insert_with(|| Volume {
                name: name.clone(),
                created: ctx.now,
                anonymous,
                labels: BTreeMap::new(),
                data: Default::default(),
            });
            if volume.data.entries.is_empty() {
                if let Some(tree) = tree_at(&image_fs, &destination).filter(|t| t.root().is_some_and(|e| e.is_dir())) {
                    for (path, entry) in tree.entries.into_iter().filter(|(p, _)| !p.is_empty()) {
                        let _ = volume.data.insert(&path, entry);
                    }
                }
            }
            mounts.push(Mount { volume: name, destination, read_only: request.read_only });
        }
        mounts
    }

    /// The containers that mount `name`.
    fn volume_users(&self, name: &str) -> Vec<String> {
        self.containers.iter().filter(|c| c.mounts.iter().any(|m| m.volume == name)).map(|c| c.id.to_string()).collect()
    }

    pub(crate) fn volume_create(&mut self, name: Option<&str>, labels: &[String], ctx: &mut Ctx<'_>) -> Reply {
        let name = match name {
            Some(name) if !valid_name(name) => {
                return Reply::err(daemon_error(format!("create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path")), 1)
            }
            Some(name) => name.to_string(),
            None => {
                let mut bytes = [0u8; 32];
                ctx.entropy.fill(&mut bytes);
                hex(&bytes)
            }
        };
        let labels = super::labels(labels);
        // Creating a volume that exists is not an error; it just names it.
        self.volumes.entry(name.clone()).or_insert_with(|| Volume {
            name: name.clone(),
            created: ctx.now,
            anonymous: false,
            labels,
            data: Default::default(),
        });
        Reply::out(format!("{name}\n"))
    }

    pub(crate) fn volume_ls(&self, quiet: bool, filters: &[String]) -> Reply {
        let mut shown: Vec<&Volume> = self.volumes.values().collect();
        for filter in filters {
            let Some((key, value)) = filter.split_once('=') else {
                return Reply::err(format!("invalid argument \"{filter}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\nSee 'docker volume ls --help'."), 125);
            };
            match key {
                "dangling" => {
                    let dangling = matches!(value, "true" | "1");
                    shown.retain(|v| self.volume_users(&v.name).is_empty() == dangling);
                }
                "name" => shown.retain(|v| v.name.contains(value)),
                _ => return Reply::err(daemon_error(format!("invalid filter '{key}'")), 1),
            }
        }
        if quiet {
            return Reply::out(shown.iter().map(|v| format!("{}\n", v.name)).collect::<String>());
        }
        let mut table = Table::new(&["DRIVER", "VOLUME NAME"]);
        for volume in shown {
            table.row(vec!["local".to_string(), volume.name.clone()]);
        }
        Reply::out(table.render())
    }

    pub(crate) fn volume_inspect(&self, names: &[String]) -> Reply {
        let mut found = Vec::new();
        let mut reply = Reply::default();
        for name in names {
            match self.volumes.get(name) {
                Some(v) => found.push(InspectVolume {
                    created_at: v.created.rfc3339(),
                    driver: "local",
                    labels: (!v.anonymous).then_some(&v.labels),
                    mountpoint: mountpoint(&v.name),
                    name: &v.name,
                    options: None,
                    scope: "local",
                }),
                None => {
                    reply.stderr.push_str(&format!("Error: No such volume: {name}\n"));
                    reply.exit_code = 1;
                }
            }
        }
        reply.stdout = to_docker_json(&found);
        reply
    }

    pub(crate) fn volume_rm(&mut self, names: &[String], force: bool) -> Reply {
        let mut reply = Reply::default();
        for name in names {
            if !self.volumes.contains_key(name) {
                if !force {
                    reply.stderr.push_str(&format!("{}\n", daemon_error(format!("get {name}: no such volume"))));
                    reply.exit_code = 1;
                }
                continue;
            }
            let users = self.volume_users(name);
            if !users.is_empty() {
                reply.stderr.push_str(&format!(
                    "{}\n",
                    daemon_error(format!("remove {name}: volume is in use - [{}]", users.join(", ")))
                ));
                reply.exit_code = 1;
                continue;
            }
            self.volumes.remove(name);
            reply.stdout.push_str(&format!("{name}\n"));
        }
        reply
    }

    pub(crate) fn volume_prune(&mut self, force: bool) -> Step {
        if !force {
            return Step::Confirm {
                prompt: "WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ".to_string(),
                command: Command::VolumePrune { force: true },
                declined: Reply::out("Total reclaimed space: 0B\n"),
            };
        }
        let unused: Vec<String> = self.volumes.keys().filter(|n| self.volume_users(n).is_empty()).cloned().collect();
        let mut freed = 0;
        let mut out = String::new();
        if !unused.is_empty() {
            out.push_str("Deleted Volumes:\n");
        }
        for name in &unused {
            if let Some(volume) = self.volumes.remove(name) {
                freed += volume.data.size();
            }
            out.push_str(&format!("{name}\n"));
        }
        if !unused.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("Total reclaimed space: {}\n", human_size_digits(freed, 4)));
        Step::Done(Reply::out(out))
    }

    /// What `system df` reports for volumes: how many, how many in use, their size, and what
    /// removing the unused ones would free.
    pub(crate) fn volume_usage(&self) -> (usize, usize, u64, u64) {
        let active = self.volumes.keys().filter(|n| !self.volume_users(n).is_empty()).count();
        let size: u64 = self.volumes.values().map(|v| v.data.size()).sum();
        let unused: u64 =
            self.volumes.values().filter(|v| self.volume_users(&v.name).is_empty()).map(|v| v.data.size()).sum();
        (self.volumes.len(), active, size, unused)
    }
}
