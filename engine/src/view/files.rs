//! A container's files as the pictures' file browser shows them: one directory of the merged
//! view at a time, each entry with the layer it comes from (the topmost that provides it: one of
//! the image's, or the container's writable layer) and what the writable layer did to it, added,
//! modified, or deleted with a whiteout (shown with the image layer whose entry it hides), and a
//! file's contents, cut short for large or binary files. Volumes lie over the layers at their
//! mount points, as they do for the container's processes, and their files say so: they are in
//! no layer at all.

use serde::Serialize;

use super::Effect;
use crate::container::{Container, ContainerId};
use crate::digest::DiffId;
use crate::fs::provider_in;
use crate::layer::{Entry, EntryKind, Layer};
use crate::Engine;

/// The most of a file's text the browser shows.
pub const MAX_SHOWN: usize = 16 * 1024;

/// The layer an entry comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "layer", rename_all = "lowercase")]
pub enum Origin {
    /// The image's layer at `index` (0 is the base), its DiffID, and the instruction that made it.
    Image { index: usize, diff_id: DiffId, created_by: String },
    /// The container's own writable layer.
    Writable,
    /// A volume mounted at `destination` (`/data`): its files are in no layer.
    Volume { name: String, destination: String },
}

/// What an entry is, as `ls -l` would tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Kind {
    File,
    Dir,
    Symlink { target: String },
    Hardlink { target: String },
}

/// One name in a directory of the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    pub name: String,
    /// From the root, with a leading slash (`/etc/hosts`).
    pub path: String,
    pub kind: Kind,
    /// A regular file's bytes; 0 for anything else.
    pub size: u64,
    pub mode: u32,
    /// The topmost layer that provides it; for a deleted entry, the image layer it hid.
    pub origin: Origin,
    /// What the writable layer did to it, as `docker diff` says; `None` if it is the image's.
    pub change: Option<Effect>,
}

/// One directory of a container's merged filesystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirView {
    /// From the root, with a leading slash: `/` or `/etc`.
    pub path: String,
    /// Directories first, then the rest, each in name order; deleted names among them.
    pub entries: Vec<FileEntry>,
    /// The container's layers, the image's base first, then the writable layer, then the
    /// volumes mounted over it.
    pub layers: Vec<Origin>,
}

/// What the browser shows of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Contents {
    /// The text, at most [`MAX_SHOWN`] bytes of it, and whether there was more.
    Text {
        text: String,
        truncated: bool,
    },
    /// Bytes that are not text, which the browser does not show.
    Binary,
    Dir,
    Symlink {
        target: String,
    },
}

/// One file of a container, for the browser's file pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileView {
    pub path: String,
    pub size: u64,
    pub origin: Origin,
    /// What the writable layer did to it; for a deleted file, the contents are what it hid.
    pub change: Option<Effect>,
    pub contents: Contents,
}

/// Why the browser has nothing to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilesError {
    #[error("no such container: {0}")]
    NoSuchContainer(ContainerId),
    /// The image, or one of its layers, is gone from the store.
    #[error("the image of container {0} is missing")]
    MissingImage(ContainerId),
    #[error("no such directory: {0}")]
    NoSuchDirectory(String),
    #[error("no such file: {0}")]
    NoSuchFile(String),
}

/// A container's layers, with what each one is.
struct Stack<'a> {
    /// The image's layers, base first, and the writable layer last.
    layers: Vec<&'a Layer>,
    /// Each mounted volume as a layer over the writable one: an opaque directory at its mount
    /// point holding the volume's files.
    mounted: Vec<Layer>,
    /// Where the volumes are mounted, without a leading slash.
    mount_points: Vec<String>,
    /// What each of `layers`, then each of `mounted`, is.
    origins: Vec<Origin>,
}

impl Stack<'_> {
    /// The index of the writable layer.
    fn top(&self) -> usize {
        self.layers.len() - 1
    }

    /// The image's layers alone, as the container started.
    fn image(&self) -> &[&Layer] {
        &self.layers[..self.top()]
    }

    /// Every layer, volumes included: what the container's processes see.
    fn all(&self) -> Vec<&Layer> {
        self.layers.iter().copied().chain(&self.mounted).collect()
    }

    /// Whether a volume's mount hides `path`, the mount point included.
    fn under_mount(&self, path: &str) -> bool {
        self.mount_points.iter().any(|m| path == m || path.strip_prefix(m.as_str()).is_some_and(|r| r.starts_with('/')))
    }

    /// The entry seen at `path`, its origin, and what the writable layer did to it; a path the
    /// writable layer deleted comes with what it hid. What a mount hides is not there at all.
    fn at(&self, path: &str) -> Option<(&Entry, Origin, Option<Effect>)> {
        let below = provider_in(self.image(), path);
        let (entry, at, change) = match provider_in(&self.all(), path) {
            Some((entry, at)) if at == self.top() => {
                (entry, at, Some(if below.is_some() { Effect::Changed } else { Effect::Added }))
            }
            Some((entry, at)) => (entry, at, None),
            None if self.under_mount(path) => return None,
            None => match (provider_in(&self.layers, path), below) {
                (None, Some((entry, at))) => (entry, at, Some(Effect::Deleted)),
                _ => return None,
            },
        };
        Some((entry, self.origins.get(at).cloned().unwrap_or(Origin::Writable), change))
    }
}

/// `path` without slashes at either end or empty parts: the key a layer files it under.
fn key(path: &str) -> String {
    path.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

fn size_of(entry: &Entry) -> u64 {
    match &entry.kind {
        EntryKind::File { data } => data.len() as u64,
        _ => 0,
    }
}

impl Engine {
    fn stack_of<'a>(&'a self, container: &'a Container) -> Result<Stack<'a>, FilesError> {
        let missing = || FilesError::MissingImage(container.id.clone());
        let image = self.images.images.get(&container.image).ok_or_else(missing)?;
        let mut layers = self.images.layers_of(image).map_err(|_| missing())?;
        let history: Vec<&str> =
            image.config.history.iter().filter(|h| !h.empty_layer).map(|h| h.created_by.as_str()).collect();
        let mut origins: Vec<Origin> = image
            .config
            .rootfs
            .diff_ids
            .iter()
            .enumerate()
            .map(|(index, diff_id)| Origin::Image {
                index,
                diff_id: *diff_id,
                created_by: history.get(index).copied().unwrap_or_default().to_string(),
            })
            .collect();
        layers.push(&container.rw);
        origins.push(Origin::Writable);
        // Volumes lie over the writable layer as `volume::overlay` lays them for a process.
        let mut mounted = Vec::new();
        let mut mount_points = Vec::new();
        for mount in &container.mounts {
            let destination = key(&mount.destination);
            let mut layer = Layer::default();
            if destination.is_empty() || layer.insert(&destination, Entry::opaque_dir(0o755)).is_err() {
                continue;
            }
            if let Some(volume) = self.volumes.get(&mount.volume) {
                for (path, entry) in &volume.data.entries {
                    let _ = layer.insert(&format!("{destination}/{path}"), entry.clone());
                }
            }
            origins.push(Origin::Volume { name: mount.volume.clone(), destination: format!("/{destination}") });
            mount_points.push(destination);
            mounted.push(layer);
        }
        Ok(Stack { layers, mounted, mount_points, origins })
    }

    fn container_by_id(&self, id: &ContainerId) -> Result<&Container, FilesError> {
        self.containers.iter().find(|c| c.id == *id).ok_or_else(|| FilesError::NoSuchContainer(id.clone()))
    }

    /// The directory `dir` of container `id` as its processes see it, with the names the
    /// writable layer deleted there.
    pub fn container_dir(&self, id: &ContainerId, dir: &str) -> Result<DirView, FilesError> {
        let container = self.container_by_id(id)?;
        let stack = self.stack_of(container)?;
        let (path, entries) = stack.list(dir)?;
        Ok(DirView { path, entries, layers: stack.origins })
    }

    /// The file at `path` in container `id`: its contents (of the file it names, for a hard
    /// link), the first [`MAX_SHOWN`] bytes of text, and its layer. A file the writable layer
    /// deleted shows what the image held there.
    pub fn container_file(&self, id: &ContainerId, path: &str) -> Result<FileView, FilesError> {
        let container = self.container_by_id(id)?;
        self.stack_of(container)?.file(path)
    }
}

impl Stack<'_> {
    /// The directory `dir`, shown from the root, and its entries.
    fn list(&self, dir: &str) -> Result<(String, Vec<FileEntry>), FilesError> {
        let dir = key(dir);
        let shown = format!("/{dir}");
        let all = self.all();
        if !dir.is_empty() && !matches!(provider_in(&all, &dir), Some((e, _)) if e.is_dir()) {
            return Err(FilesError::NoSuchDirectory(shown));
        }
        // Every name any layer holds directly in the directory; which of them show, and from
        // where, is the union's question for each.
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut names: Vec<&str> = all
            .iter()
            .flat_map(|layer| layer.entries.range(prefix.clone()..).take_while(|(p, _)| p.starts_with(&prefix)))
            .map(|(p, _)| &p[prefix.len()..])
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .collect();
        crate::sort::sort(&mut names);
        names.dedup();
        let mut entries: Vec<FileEntry> = names
            .into_iter()
            .filter_map(|name| {
                let path = format!("{prefix}{name}");
                let (entry, origin, change) = self.at(&path)?;
                let kind = match &entry.kind {
                    EntryKind::Dir { .. } => Kind::Dir,
                    EntryKind::Symlink { target } => Kind::Symlink { target: target.clone() },
                    EntryKind::Hardlink { target } => Kind::Hardlink { target: format!("/{}", key(target)) },
                    _ => Kind::File,
                };
                Some(FileEntry {
                    name: name.to_string(),
                    path: format!("/{path}"),
                    kind,
                    size: size_of(entry),
                    mode: entry.mode,
                    origin,
                    change,
                })
            })
            .collect();
        crate::sort::sort_by(&mut entries, |a, b| {
            (a.kind != Kind::Dir).cmp(&(b.kind != Kind::Dir)).then_with(|| a.name.cmp(&b.name))
        });
        Ok((shown, entries))
    }

    fn file(&self, path: &str) -> Result<FileView, FilesError> {
        let path = key(path);
        let shown = format!("/{path}");
        let (entry, origin, change) = self.at(&path).ok_or_else(|| FilesError::NoSuchFile(shown.clone()))?;
        // A hard link's bytes are its target's, as seen from the same side of the deletion.
        let linked = match &entry.kind {
            EntryKind::Hardlink { target } => {
                let found = match change {
                    Some(Effect::Deleted) => provider_in(self.image(), target),
                    _ => provider_in(&self.all(), target),
                };
                found.map(|(e, _)| e)
            }
            _ => Some(entry),
        };
        let contents = match linked.map(|e| &e.kind) {
            Some(EntryKind::File { data }) => text_of(&data.0),
            Some(EntryKind::Dir { .. }) => Contents::Dir,
            Some(EntryKind::Symlink { target }) => Contents::Symlink { target: target.clone() },
            // A hard link whose target is gone, or a link to a link: nothing to read.
            _ => return Err(FilesError::NoSuchFile(shown)),
        };
        Ok(FileView { path: shown, size: linked.map_or(0, size_of), origin, change, contents })
    }
}

/// Bytes as the browser shows them: text (cut at [`MAX_SHOWN`], on a character's boundary) when
/// they are UTF-8 without NUL bytes, else binary.
fn text_of(bytes: &[u8]) -> Contents {
    let truncated = bytes.len() > MAX_SHOWN;
    let head = &bytes[..bytes.len().min(MAX_SHOWN)];
    if head.contains(&0) {
        return Contents::Binary;
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // The cut may split a character: what comes before it is still text.
        Err(e) if truncated && e.error_len().is_none() => match std::str::from_utf8(&head[..e.valid_up_to()]) {
            Ok(text) => text,
            Err(_) => return Contents::Binary,
        },
        Err(_) => return Contents::Binary,
    };
    Contents::Text { text: text.to_string(), truncated }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn text_is_cut_on_a_character_boundary_and_binary_is_not_shown() {
        assert_eq!(text_of(b"hi\n"), Contents::Text { text: "hi\n".into(), truncated: false });
        assert_eq!(text_of(b"\0asm\x01\0\0\0"), Contents::Binary);
        assert_eq!(text_of(&[0xff, 0xfe, b'a']), Contents::Binary);
        // 'é' is two bytes; one straddles the cut.
        let mut long = vec![b'a'; MAX_SHOWN - 1];
        long.extend("é and more".as_bytes());
        match text_of(&long) {
            Contents::Text { text, truncated } => {
                assert!(truncated);
                assert_eq!(text.len(), MAX_SHOWN - 1, "the split character is left out");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(text_of(&[]), Contents::Text { text: String::new(), truncated: false });
    }

    fn stack<'a>(layers: &'a [Layer]) -> Stack<'a> {
        let origins = (0..layers.len())
            .map(|index| match index + 1 == layers.len() {
                true => Origin::Writable,
                false => Origin::Image {
                    index,
                    diff_id: DiffId(crate::digest::Digest::of(b"")),
                    created_by: format!("step {index}"),
                },
            })
            .collect();
        Stack { layers: layers.iter().collect(), mounted: Vec::new(), mount_points: Vec::new(), origins }
    }

    /// Random stacks of files, directories, whiteouts and opaque directories: the browser lists
    /// what the union filesystem shows, from the layer it says, and, as deleted, exactly what the
    /// image shows there and the writable layer hides.
    #[test]
    fn listings_agree_with_the_union_filesystem_on_random_stacks() {
        use crate::fs::UnionFs;
        use crate::{Entropy, Seeded};
        let names = ["a", "a/b", "a/b/c", "a/d", "e", "e/f", "a-b"];
        let mut rng = Seeded::new(5);
        // How often each mark came up, so the test is known to have met them all.
        let mut marks = [0usize; 4];
        for _ in 0..300 {
            let mut layers = Vec::new();
            for _ in 0..3 {
                let mut l = Layer::default();
                for name in names {
                    let mut b = [0u8; 1];
                    rng.fill(&mut b);
                    let entry = match b[0] % 7 {
                        0 => Entry::file(name.as_bytes(), 0o644),
                        1 => Entry::whiteout(),
                        2 => Entry::opaque_dir(0o755),
                        3 => Entry::dir(0o755),
                        4 => Entry::hardlink("a-b"),
                        _ => continue,
                    };
                    let _ = l.insert(name, entry);
                }
                layers.push(l);
            }
            let merged = UnionFs::new(layers.clone());
            let image = UnionFs::new(layers[..2].to_vec());
            let stack = stack(&layers);
            for dir in ["", "a", "a/b", "e", "nope", "a-b", "../a"] {
                let visible = merged.lookup(dir).is_some_and(|(e, _)| e.is_dir());
                let listed = match stack.list(dir) {
                    Ok((_, entries)) => entries,
                    Err(FilesError::NoSuchDirectory(_)) => {
                        assert!(!visible && !dir.is_empty(), "{dir} is a directory in {layers:?}");
                        continue;
                    }
                    Err(e) => panic!("{e}"),
                };
                assert!(dir.is_empty() || visible);
                let shown: Vec<(String, usize)> = listed
                    .iter()
                    .filter(|e| e.change != Some(Effect::Deleted))
                    .map(|e| {
                        let at = match e.origin {
                            Origin::Image { index, .. } => index,
                            Origin::Writable => 2,
                            Origin::Volume { .. } => panic!("no volumes here"),
                        };
                        (e.name.clone(), at)
                    })
                    .collect();
                let mut expected: Vec<(String, usize)> = merged
                    .read_dir(dir)
                    .into_iter()
                    .map(|(name, _)| {
                        let at = merged.lookup(&format!("{dir}/{name}")).map_or(99, |(_, at)| at);
                        (name, at)
                    })
                    .collect();
                let mut sorted = shown.clone();
                sorted.sort();
                expected.sort();
                assert_eq!(sorted, expected, "{dir} in {layers:#?}");
                let mut deleted: Vec<&str> =
                    listed.iter().filter(|e| e.change == Some(Effect::Deleted)).map(|e| e.name.as_str()).collect();
                deleted.sort_unstable();
                let hidden: Vec<String> = image
                    .read_dir(dir)
                    .into_iter()
                    .map(|(name, _)| name)
                    .filter(|name| merged.lookup(&format!("{dir}/{name}")).is_none())
                    .collect();
                assert_eq!(deleted, hidden, "{dir} in {layers:#?}");
                for entry in &listed {
                    marks[match entry.change {
                        None => 0,
                        Some(Effect::Added) => 1,
                        Some(Effect::Changed) => 2,
                        Some(Effect::Deleted) => 3,
                    }] += 1;
                    // Every listed entry opens, deleted ones too, or says why not.
                    match stack.file(&entry.path) {
                        Ok(file) => assert_eq!(file.change, entry.change),
                        Err(FilesError::NoSuchFile(_)) => assert!(matches!(entry.kind, Kind::Hardlink { .. })),
                        Err(e) => panic!("{e}"),
                    }
                }
            }
        }
        assert!(marks.iter().all(|n| *n > 20), "{marks:?}");
    }
}
