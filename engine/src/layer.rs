//! Layers as changesets, and the deterministic tar that gives each its DiffID.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::digest::{DiffId, Digest};

/// Bytes held by the engine, cheap to clone, stored as base64 when the state is saved.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Bytes(#[serde(with = "base64_bytes")] pub Arc<[u8]>);

impl Bytes {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Self {
        Bytes(bytes.into())
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(bytes.into())
    }
}

mod base64_bytes {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Arc<[u8]>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::base64::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<[u8]>, D::Error> {
        let text = String::deserialize(deserializer)?;
        crate::base64::decode(&text).map(Arc::from).map_err(serde::de::Error::custom)
    }
}

/// What one path of a layer holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum EntryKind {
    File {
        data: Bytes,
    },
    /// A directory. An opaque one hides everything lower layers hold beneath it.
    Dir {
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        opaque: bool,
    },
    Symlink {
        target: String,
    },
    /// Another name for the file at `target` (a path in the same filesystem).
    Hardlink {
        target: String,
    },
    /// A deletion: the path and everything beneath it are gone from lower layers.
    Whiteout,
}

/// One path of a layer with its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SavedEntry")]
pub struct Entry {
    #[serde(flatten)]
    pub kind: EntryKind,
    pub mode: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uid: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub gid: u32,
    /// Last modification, in nanoseconds since the Unix epoch; a layer tar keeps whole seconds.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub mtime: u64,
}

/// An [`Entry`] as it is saved, read field by field: serde's `flatten` and internally tagged
/// enums buffer every field before they decode it, and that machinery alone weighed some 40 KB
/// of the page's module. The JSON is the same, so saved states still load.
#[derive(Deserialize)]
struct SavedEntry {
    #[serde(rename = "type")]
    kind: SavedKind,
    data: Option<Bytes>,
    #[serde(default)]
    opaque: bool,
    target: Option<String>,
    mode: u32,
    #[serde(default)]
    uid: u32,
    #[serde(default)]
    gid: u32,
    #[serde(default)]
    mtime: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum SavedKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    Whiteout,
}

impl TryFrom<SavedEntry> for Entry {
    type Error = &'static str;

    fn try_from(saved: SavedEntry) -> Result<Self, Self::Error> {
        let kind = match (saved.kind, saved.data, saved.target) {
            (SavedKind::File, Some(data), _) => EntryKind::File { data },
            (SavedKind::File, None, _) => return Err("missing field `data`"),
            (SavedKind::Dir, ..) => EntryKind::Dir { opaque: saved.opaque },
            (SavedKind::Symlink, _, Some(target)) => EntryKind::Symlink { target },
            (SavedKind::Hardlink, _, Some(target)) => EntryKind::Hardlink { target },
            (SavedKind::Symlink | SavedKind::Hardlink, _, None) => return Err("missing field `target`"),
            (SavedKind::Whiteout, ..) => EntryKind::Whiteout,
        };
        Ok(Entry { kind, mode: saved.mode, uid: saved.uid, gid: saved.gid, mtime: saved.mtime })
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

impl Entry {
    pub fn file(data: impl Into<Bytes>, mode: u32) -> Self {
        Entry { kind: EntryKind::File { data: data.into() }, mode, uid: 0, gid: 0, mtime: 0 }
    }

    pub fn dir(mode: u32) -> Self {
        Entry { kind: EntryKind::Dir { opaque: false }, mode, uid: 0, gid: 0, mtime: 0 }
    }

    /// A directory that hides the lower layers' contents beneath it.
    pub fn opaque_dir(mode: u32) -> Self {
        Entry { kind: EntryKind::Dir { opaque: true }, mode, uid: 0, gid: 0, mtime: 0 }
    }

    pub fn symlink(target: &str) -> Self {
        Entry { kind: EntryKind::Symlink { target: target.to_string() }, mode: 0o777, uid: 0, gid: 0, mtime: 0 }
    }

    pub fn hardlink(target: &str) -> Self {
        Entry { kind: EntryKind::Hardlink { target: target.to_string() }, mode: 0o644, uid: 0, gid: 0, mtime: 0 }
    }

    pub fn whiteout() -> Self {
        Entry { kind: EntryKind::Whiteout, mode: 0, uid: 0, gid: 0, mtime: 0 }
    }

    pub fn owned_by(mut self, uid: u32, gid: u32) -> Self {
        self.uid = uid;
        self.gid = gid;
        self
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.kind, EntryKind::Dir { .. })
    }
}

/// Why a layer cannot be written as a tar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayerError {
    #[error("path too long for a tar header: {0}")]
    PathTooLong(String),
    #[error("invalid path in layer: {0:?}")]
    InvalidPath(String),
    #[error("value too large for a tar header: {0}")]
    FieldTooLarge(u64),
    #[error(transparent)]
    Tar(#[from] crate::tar::TarError),
}

/// A layer: the changes one step made to the filesystem, keyed by path relative to the root
/// (`usr/bin/hello`, no leading slash), so iteration order is the tar's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    pub entries: BTreeMap<String, Entry>,
    /// The tar this layer was read from, kept so that exporting it gives back the very bytes, and
    /// so the very DiffID, that Docker computed. Any change to the entries drops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<Bytes>,
}

impl Layer {
    /// Adds `entry` at `path`, adding the parent directories a tar would list first.
    /// A parent that is not a directory becomes one: a deleted parent an opaque directory (its old
    /// contents stay deleted), any other a plain one. A non-directory entry drops what this layer
    /// held beneath its path, since a file has no children. So a layer never contradicts itself.
    pub fn insert(&mut self, path: &str, entry: Entry) -> Result<(), LayerError> {
        let path = normalize(path)?;
        self.raw = None;
        let mut parent = String::new();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            if !parent.is_empty() {
                parent.push('/');
            }
            parent.push_str(part);
            let slot = self.entries.entry(parent.clone()).or_insert_with(|| Entry::dir(0o755));
            match slot.kind {
                EntryKind::Dir { .. } => {}
                EntryKind::Whiteout => *slot = Entry::opaque_dir(0o755),
                _ => *slot = Entry::dir(0o755),
            }
        }
        if !entry.is_dir() {
            let below = format!("{path}/");
            self.entries.retain(|p, _| !p.starts_with(&below));
        }
        self.entries.insert(path, entry);
        Ok(())
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        normalize(path).ok().and_then(|p| self.entries.get(&p))
    }

    /// The bytes of all regular files, which is how Docker sizes a layer.
    pub fn size(&self) -> u64 {
        self.entries
            .values()
            .map(|e| match &e.kind {
                EntryKind::File { data } => data.len() as u64,
                _ => 0,
            })
            .sum()
    }

    /// The layer as an uncompressed tar with fixed times, so equal content gives equal bytes.
    /// Deletions are written as the OCI image spec says: `.wh.NAME` for a removed path and
    /// `DIR/.wh..wh..opq` inside an opaque directory.
    pub fn to_tar(&self) -> Result<Vec<u8>, LayerError> {
        if let Some(raw) = &self.raw {
            return Ok(raw.0.to_vec());
        }
        let mut out = Vec::new();
        let mut push = |name: &str, entry: &Entry, typeflag: u8, data: &[u8], link: &str| -> Result<(), LayerError> {
            out.extend_from_slice(&tar_header(name, entry, data.len() as u64, typeflag, link)?);
            out.extend_from_slice(data);
            out.resize(out.len().div_ceil(512) * 512, 0);
            Ok(())
        };
        for (path, entry) in &self.entries {
            match &entry.kind {
                EntryKind::File { data } => push(path, entry, b'0', &data.0, "")?,
                EntryKind::Dir { opaque } => {
                    push(&format!("{path}/"), entry, b'5', &[], "")?;
                    if *opaque {
                        push(&format!("{path}/{WHITEOUT_OPAQUE}"), &Entry::whiteout(), b'0', &[], "")?;
                    }
                }
                EntryKind::Symlink { target } => push(path, entry, b'2', &[], target)?,
                EntryKind::Hardlink { target } => push(path, entry, b'1', &[], target)?,
                EntryKind::Whiteout => {
                    let (parent, name) = match path.rsplit_once('/') {
                        Some((parent, name)) => (format!("{parent}/"), name),
                        None => (String::new(), path.as_str()),
                    };
                    push(&format!("{parent}{WHITEOUT_PREFIX}{name}"), entry, b'0', &[], "")?;
                }
            }
        }
        // Two zero blocks end a tar archive.
        out.resize(out.len() + 1024, 0);
        Ok(out)
    }

    /// A layer from a layer tar, as `docker load` reads one: `.wh.NAME` files become deletions,
    /// `.wh..wh..opq` makes its directory opaque, and the original bytes are kept.
    pub fn from_tar(bytes: &[u8]) -> Result<Layer, LayerError> {
        let mut layer = Layer::default();
        let mut opaque = Vec::new();
        for entry in crate::tar::read(bytes)? {
            let path = entry.path.trim_start_matches("./").trim_end_matches('/').to_string();
            if path.is_empty() || path == "." {
                continue;
            }
            let (parent, name) = match path.rsplit_once('/') {
                Some((parent, name)) => (Some(parent), name),
                None => (None, path.as_str()),
            };
            if name == WHITEOUT_OPAQUE {
                opaque.push(parent.unwrap_or("").to_string());
                continue;
            }
            if let Some(deleted) = name.strip_prefix(WHITEOUT_PREFIX) {
                let target = match parent {
                    Some(parent) => format!("{parent}/{deleted}"),
                    None => deleted.to_string(),
                };
                layer.insert(&target, Entry::whiteout())?;
                continue;
            }
            let kind = match entry.kind {
                crate::tar::TarKind::File => EntryKind::File { data: Bytes::from(entry.data) },
                crate::tar::TarKind::Dir => EntryKind::Dir { opaque: false },
                crate::tar::TarKind::Symlink => EntryKind::Symlink { target: entry.link },
                crate::tar::TarKind::Hardlink => {
                    EntryKind::Hardlink { target: entry.link.trim_start_matches("./").to_string() }
                }
                // Device nodes cannot be used by a WASI program; they are left out of the view.
                crate::tar::TarKind::Special => continue,
            };
            layer.insert(
                &path,
                Entry {
                    kind,
                    mode: entry.mode,
                    uid: entry.uid,
                    gid: entry.gid,
                    mtime: entry.mtime.saturating_mul(NANOS),
                },
            )?;
        }
        for dir in opaque {
            if dir.is_empty() {
                continue;
            }
            let mode = layer.get(&dir).map_or(0o755, |e| e.mode);
            layer.insert(&dir, Entry::opaque_dir(mode))?;
        }
        // Keep the original bytes only when Dockyard's own tar of the entries would differ.
        if layer.to_tar().ok().as_deref() != Some(bytes) {
            layer.raw = Some(Bytes::from(bytes));
        }
        Ok(layer)
    }

    /// The DiffID: the digest of the uncompressed tar.
    pub fn diff_id(&self) -> Result<DiffId, LayerError> {
        Ok(DiffId(Digest::of(&self.to_tar()?)))
    }
}

/// Turns `/a//b/` into `a/b`, refusing `.` and `..` so no layer path can climb out of the root.
fn normalize(path: &str) -> Result<String, LayerError> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|p| *p == "." || *p == "..") {
        return Err(LayerError::InvalidPath(path.to_string()));
    }
    Ok(parts.join("/"))
}

const NANOS: u64 = 1_000_000_000;

/// The prefix that marks a deleted path in a layer tar.
pub const WHITEOUT_PREFIX: &str = ".wh.";
/// The file that marks its directory opaque in a layer tar.
pub const WHITEOUT_OPAQUE: &str = ".wh..wh..opq";

/// A ustar header block; names over 100 bytes use the prefix field as ustar allows.
fn tar_header(name: &str, entry: &Entry, size: u64, typeflag: u8, link: &str) -> Result<[u8; 512], LayerError> {
    let mut h = [0u8; 512];
    let (prefix, name_part) = split_ustar_name(name).ok_or_else(|| LayerError::PathTooLong(name.to_string()))?;
    if link.len() > 100 {
        return Err(LayerError::PathTooLong(link.to_string()));
    }
    h[..name_part.len()].copy_from_slice(name_part.as_bytes());
    octal(&mut h[100..108], u64::from(entry.mode & 0o7777))?;
    octal(&mut h[108..116], u64::from(entry.uid))?;
    octal(&mut h[116..124], u64::from(entry.gid))?;
    octal(&mut h[124..136], size)?;
    octal(&mut h[136..148], entry.mtime / NANOS)?;
    h[156] = typeflag;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    // The checksum is computed with its own field read as spaces.
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    octal(&mut h[148..155], u64::from(sum))?;
    Ok(h)
}

fn split_ustar_name(name: &str) -> Option<(&str, &str)> {
    if name.len() <= 100 {
        return Some(("", name));
    }
    // Split at a slash so that the prefix fits 155 bytes and the rest fits 100.
    let trimmed = name.trim_end_matches('/');
    for (i, _) in trimmed.match_indices('/') {
        let (prefix, rest) = (&name[..i], &name[i + 1..]);
        if prefix.len() <= 155 && rest.len() <= 100 && !rest.is_empty() {
            return Some((prefix, rest));
        }
    }
    None
}

/// Writes `value` as zero-padded octal followed by a NUL, filling `field`.
fn octal(field: &mut [u8], value: u64) -> Result<(), LayerError> {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    if text.len() > digits {
        return Err(LayerError::FieldTooLarge(value));
    }
    field[..digits].copy_from_slice(text.as_bytes());
    field[digits] = 0;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn insert_adds_parent_directories_in_tar_order() {
        let mut layer = Layer::default();
        layer.insert("/usr/bin/hello", Entry::file(&b"hi"[..], 0o755)).unwrap();
        let paths: Vec<&String> = layer.entries.keys().collect();
        assert_eq!(paths, ["usr", "usr/bin", "usr/bin/hello"]);
    }

    #[test]
    fn paths_that_climb_out_are_refused() {
        let mut layer = Layer::default();
        assert!(layer.insert("../etc/passwd", Entry::dir(0o755)).is_err());
        assert!(layer.insert("/", Entry::dir(0o755)).is_err());
    }

    #[test]
    fn tar_is_deterministic_and_well_formed() {
        let mut layer = Layer::default();
        layer.insert("hello", Entry::file(&b"hello\n"[..], 0o755)).unwrap();
        let tar = layer.to_tar().unwrap();
        assert_eq!(tar, layer.to_tar().unwrap());
        // One header, one data block, two end blocks.
        assert_eq!(tar.len(), 4 * 512);
        assert_eq!(&tar[..5], b"hello");
        assert_eq!(&tar[257..263], b"ustar\0");
        assert_eq!(&tar[512..518], b"hello\n");
        // The stored checksum equals the sum of the header with the checksum field as spaces.
        let mut header = tar[..512].to_vec();
        let stored = u32::from_str_radix(std::str::from_utf8(&header[148..154]).unwrap(), 8).unwrap();
        header[148..156].fill(b' ');
        assert_eq!(stored, header.iter().map(|b| u32::from(*b)).sum::<u32>());
    }

    #[test]
    fn diff_id_changes_with_content_and_mode() {
        let mut a = Layer::default();
        a.insert("f", Entry::file(&b"1"[..], 0o644)).unwrap();
        let mut b = a.clone();
        b.insert("f", Entry::file(&b"2"[..], 0o644)).unwrap();
        let mut c = a.clone();
        c.insert("f", Entry::file(&b"1"[..], 0o600)).unwrap();
        let ids = [a.diff_id().unwrap(), b.diff_id().unwrap(), c.diff_id().unwrap()];
        assert_ne!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[2]);
    }

    #[test]
    fn long_names_use_the_ustar_prefix() {
        let mut layer = Layer::default();
        let long = format!("{}/{}/{}", "a".repeat(60), "b".repeat(60), "f".repeat(90));
        layer.insert(&long, Entry::file(&b""[..], 0o644)).unwrap();
        assert!(layer.to_tar().is_ok());
        let mut too_long = Layer::default();
        too_long.insert(&"x".repeat(300), Entry::file(&b""[..], 0o644)).unwrap();
        assert!(matches!(too_long.to_tar(), Err(LayerError::PathTooLong(_))));
    }
}
