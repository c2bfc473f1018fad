//! Volumes: data that lives outside any container's layers, mounted into containers at a path,
//! outliving them and shared between them.
//!
//! A process sees its container's volumes laid over its writable layer at their mount points
//! (hiding what the image holds there, as a mount does), and what it leaves under a mount point
//! goes back to the volume, not to the container's layer, so `docker diff` and `docker commit`
//! never see volume data, as in Docker.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::layer::{Entry, EntryKind, Layer};
use crate::time::Timestamp;

/// One volume, with its files kept as a layer whose paths are relative to the volume's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub name: String,
    pub created: Timestamp,
    /// Made for an image's `VOLUME` or a `-v /path` without a name; `rm -v` and `--rm` take these.
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub data: Layer,
}

/// Where a volume is mounted in a container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    pub volume: String,
    /// The mount point, normalized without a leading slash (`data`, `var/lib/db`).
    pub destination: String,
    #[serde(default)]
    pub read_only: bool,
}

/// The path inside `destination` that `path` names, if it lies beneath it.
fn beneath<'p>(path: &'p str, destination: &str) -> Option<&'p str> {
    path.strip_prefix(destination).and_then(|rest| rest.strip_prefix('/'))
}

/// A container's writable layer with its volumes laid over it at their mount points.
pub fn overlay(rw: &Layer, mounts: &[Mount], volumes: &BTreeMap<String, Volume>) -> Layer {
    let mut upper = rw.clone();
    for mount in mounts {
        let destination = &mount.destination;
        // Anything the layer had under the mount point is hidden by the mount.
        upper.entries.retain(|path, _| beneath(path, destination).is_none());
        if upper.insert(destination, Entry::opaque_dir(0o755)).is_err() {
            continue;
        }
        if let Some(volume) = volumes.get(&mount.volume) {
            for (path, entry) in &volume.data.entries {
                let _ = upper.insert(&format!("{destination}/{path}"), entry.clone());
            }
        }
    }
    upper.raw = None;
    upper
}

/// Splits a layer a process (or `docker cp`) left into the container's own part and each
/// mounted volume's contents. The mount point itself stays in the container's part as a plain
/// directory, so the container still has somewhere to mount the volume.
pub fn split(upper: Layer, mounts: &[Mount]) -> (Layer, BTreeMap<String, Layer>) {
    let mut own = Layer::default();
    let mut data: BTreeMap<String, Layer> =
        crate::sort::map(mounts.iter().map(|m| (m.volume.clone(), Layer::default())));
    for (path, entry) in upper.entries {
        let inside = mounts.iter().find_map(|m| {
            if path == m.destination {
                Some((m, None))
            } else {
                beneath(&path, &m.destination).map(|rest| (m, Some(rest.to_string())))
            }
        });
        match inside {
            None => {
                own.entries.insert(path, entry);
            }
            Some((_, None)) => {
                own.entries.insert(path, Entry { kind: EntryKind::Dir { opaque: false }, ..entry });
            }
            Some((mount, Some(rest))) => {
                // A deletion inside a volume just removes the file, since the volume is one layer.
                if entry.kind != EntryKind::Whiteout {
                    if let Some(layer) = data.get_mut(&mount.volume) {
                        let entry = match entry.kind {
                            EntryKind::Dir { .. } => Entry { kind: EntryKind::Dir { opaque: false }, ..entry },
                            _ => entry,
                        };
                        let _ = layer.insert(&rest, entry);
                    }
                }
            }
        }
    }
    (own, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn volumes_lie_over_the_layer_and_come_apart_again() {
        let mut rw = Layer::default();
        rw.insert("etc/motd", Entry::file(&b"hi"[..], 0o644)).unwrap();
        rw.insert("data/stale", Entry::file(&b"old"[..], 0o644)).unwrap();
        let mut data = Layer::default();
        data.insert("db/rows", Entry::file(&b"1"[..], 0o600)).unwrap();
        let volumes = BTreeMap::from([(
            "store".to_string(),
            Volume { name: "store".into(), created: Timestamp(0), anonymous: false, labels: BTreeMap::new(), data },
        )]);
        let mounts = vec![Mount { volume: "store".into(), destination: "data".into(), read_only: false }];
        let mut upper = overlay(&rw, &mounts, &volumes);
        assert!(upper.get("data/stale").is_none(), "the mount hides what was there");
        assert!(matches!(upper.get("data").map(|e| &e.kind), Some(EntryKind::Dir { opaque: true })));
        upper.insert("data/new", Entry::file(&b"2"[..], 0o644)).unwrap();
        upper.entries.remove("data/db/rows");
        let (own, volumes) = split(upper, &mounts);
        assert_eq!(own.entries.keys().collect::<Vec<_>>(), ["data", "etc", "etc/motd"]);
        assert_eq!(volumes["store"].entries.keys().collect::<Vec<_>>(), ["db", "new"]);
    }
}
