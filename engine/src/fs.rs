//! The union filesystem: a stack of layers seen as one tree, the way overlayfs shows a container
//! its image's layers under its own writable layer.
//!
//! The merged view is an index from path to the layer that provides it, built once from the
//! bottom layer up, applying each layer's whiteouts and opaque directories. A lookup is then one
//! search of the index, whatever the number of layers. Writes go to the top layer and update the
//! index in place.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::layer::{Entry, EntryKind, Layer, LayerError};

/// A change `docker diff` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Changed,
    Deleted,
}

impl Change {
    /// The letter `docker diff` prints.
    pub fn letter(self) -> char {
        match self {
            Change::Added => 'A',
            Change::Changed => 'C',
            Change::Deleted => 'D',
        }
    }
}

/// Why a path names nothing: the errors a path walk can meet on the way to its last element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveError {
    /// A directory on the way does not exist.
    Missing,
    /// Something on the way is not a directory.
    NotDir,
    /// Symlinks led to more symlinks than Linux follows.
    Loop,
}

/// Layers, bottom first, with the last one writable, and the merged index over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionFs {
    layers: Vec<Layer>,
    /// Every visible path, to the index of the layer whose entry is seen there.
    index: BTreeMap<String, usize>,
}

/// Keys strictly beneath `dir` in a path-ordered map: from `dir/` up to `dir0` (`'0'` follows `'/'`).
fn beneath(dir: &str) -> (Bound<String>, Bound<String>) {
    (Bound::Included(format!("{dir}/")), Bound::Excluded(format!("{dir}0")))
}

fn normalize(path: &str) -> String {
    path.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

impl UnionFs {
    /// The merged view of `lower` (bottom first) under a new, empty writable layer.
    pub fn new(lower: Vec<Layer>) -> Self {
        UnionFs::with_upper(lower, Layer::default())
    }

    /// The merged view of `lower` under an existing writable layer, such as a container's.
    pub fn with_upper(lower: Vec<Layer>, upper: Layer) -> Self {
        let mut fs = UnionFs { layers: Vec::with_capacity(lower.len() + 1), index: BTreeMap::new() };
        for layer in lower {
            fs.push_layer(layer);
        }
        fs.push_layer(upper);
        fs
    }

    /// Stacks `layer` on top and folds it into the index. A layer lists parents before children,
    /// so a directory's deletion or opacity is applied before its own new children are shown.
    fn push_layer(&mut self, layer: Layer) {
        let at = self.layers.len();
        for (path, entry) in &layer.entries {
            self.show(path, entry, at);
        }
        self.layers.push(layer);
    }

    /// Removes `path`'s descendants from view, and `path` itself when `including`.
    fn hide(&mut self, path: &str, including: bool) {
        let doomed: Vec<String> = self.index.range(beneath(path)).map(|(k, _)| k.clone()).collect();
        for key in doomed {
            self.index.remove(&key);
        }
        if including {
            self.index.remove(path);
        }
    }

    /// Applies `entry` of layer `at` to the view at `path`.
    fn show(&mut self, path: &str, entry: &Entry, at: usize) {
        match entry.kind {
            EntryKind::Whiteout => return self.hide(path, true),
            // Only a plain directory merges with what lies beneath it; an opaque directory starts
            // empty, and a non-directory has no children at all.
            EntryKind::Dir { opaque: false } => {}
            _ => self.hide(path, false),
        }
        self.index.insert(path.to_string(), at);
    }

    /// The entry seen at `path`, and the layer it comes from (0 is the bottom).
    pub fn lookup(&self, path: &str) -> Option<(&Entry, usize)> {
        let path = normalize(path);
        if path.is_empty() {
            return None;
        }
        let at = *self.index.get(&path)?;
        self.layers[at].entries.get(&path).map(|e| (e, at))
    }

    /// The path `path` names once symlinks are followed: in every directory on the way, and in
    /// the last element too when `follow_last`. Links resolve inside this filesystem, as they do
    /// for a container: an absolute target starts again at its root, and `..` never climbs above
    /// it. Fails when a directory on the way is missing or not a directory, or links loop.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<String, ResolveError> {
        // Linux gives up after 40 links; so does this.
        const MAX_LINKS: usize = 40;
        let mut pending: Vec<String> = path.split('/').rev().map(str::to_string).collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut links = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => resolved.push(part),
            }
            let last = pending.iter().all(|p| p.is_empty() || p == ".");
            match self.lookup(&resolved.join("/")).map(|(e, _)| &e.kind) {
                Some(EntryKind::Symlink { target }) if !last || follow_last => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(ResolveError::Loop);
                    }
                    resolved.pop();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    pending.extend(target.split('/').rev().map(str::to_string));
                }
                Some(EntryKind::Dir { .. }) => {}
                Some(_) if !last => return Err(ResolveError::NotDir),
                None if !last => return Err(ResolveError::Missing),
                _ => {}
            }
        }
        Ok(resolved.join("/"))
    }

    /// The names directly inside `dir` ("" or "/" for the root), sorted.
    pub fn read_dir(&self, dir: &str) -> Vec<(String, &Entry)> {
        let dir = normalize(dir);
        let children: Box<dyn Iterator<Item = (&String, &usize)>> =
            if dir.is_empty() { Box::new(self.index.iter()) } else { Box::new(self.index.range(beneath(&dir))) };
        let skip = if dir.is_empty() { 0 } else { dir.len() + 1 };
        children
            .filter(|(path, _)| !path[skip..].contains('/'))
            .filter_map(|(path, at)| self.layers[*at].entries.get(path.as_str()).map(|e| (path[skip..].to_string(), e)))
            .collect()
    }

    /// Every visible path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }

    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// The layers, bottom first, the writable one last: what it takes to build this view again
    /// elsewhere (a browser worker, say) with [`UnionFs::with_upper`].
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The writable layer: everything this container changed.
    pub fn upper(&self) -> &Layer {
        &self.layers[self.layers.len() - 1]
    }

    /// Writes `entry` at `path` in the writable layer, with parent directories as needed.
    pub fn write(&mut self, path: &str, mut entry: Entry) -> Result<(), LayerError> {
        let path = normalize(path);
        let top = self.layers.len() - 1;
        self.copy_up_parents(&path)?;
        // A directory where this layer deleted or replaced something must not resurrect the
        // lower layers' old contents.
        let replaced_here = self.layers[top].entries.get(&path).is_some_and(|e| !e.is_dir());
        if replaced_here && entry.kind == (EntryKind::Dir { opaque: false }) {
            entry.kind = EntryKind::Dir { opaque: true };
        }
        self.layers[top].insert(&path, entry.clone())?;
        self.show(&path, &entry, top);
        Ok(())
    }

    /// Gives the writable layer the directories above `path`, so that what it adds or deletes
    /// there has parents in the same layer, as a layer tar needs.
    fn copy_up_parents(&mut self, path: &str) -> Result<(), LayerError> {
        let top = self.layers.len() - 1;
        // Parents already visible keep their metadata: copy them up rather than invent new ones.
        // A parent this layer deleted (or replaced) comes back opaque, so old contents stay gone.
        let mut parent = String::new();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            parent = if parent.is_empty() { part.to_string() } else { format!("{parent}/{part}") };
            let own = self.layers[top].entries.get(&parent);
            if own.is_some_and(Entry::is_dir) {
                continue;
            }
            // This layer deleted the parent or replaced it with a file: what lay beneath is gone.
            let deleted_here = own.is_some();
            let dir = match self.lookup(&parent).map(|(e, _)| e.clone()).filter(Entry::is_dir) {
                _ if deleted_here => Entry::opaque_dir(0o755),
                Some(visible) => Entry { kind: EntryKind::Dir { opaque: false }, ..visible },
                None => Entry::dir(0o755),
            };
            self.layers[top].insert(&parent, dir.clone())?;
            self.show(&parent, &dir, top);
        }
        Ok(())
    }

    /// Deletes `path` (and what is beneath it) as a container does: from the writable layer, and
    /// with a whiteout when a lower layer still has it. Returns whether anything was there.
    pub fn remove(&mut self, path: &str) -> Result<bool, LayerError> {
        let path = normalize(path);
        let Some((_, at)) = self.lookup(&path) else { return Ok(false) };
        let top = self.layers.len() - 1;
        let upper = &mut self.layers[top];
        upper.raw = None;
        let own: Vec<String> = upper.entries.range(beneath(&path)).map(|(k, _)| k.clone()).collect();
        for key in own {
            upper.entries.remove(&key);
        }
        upper.entries.remove(&path);
        let in_lower =
            at < top || self.lower_has(&path) || self.index.range(beneath(&path)).any(|(_, layer)| *layer < top);
        self.hide(&path, true);
        if in_lower {
            self.copy_up_parents(&path)?;
            self.layers[top].insert(&path, Entry::whiteout())?;
        }
        Ok(true)
    }

    /// Whether a layer below the writable one provides `path`, ignoring the writable layer.
    fn lower_has(&self, path: &str) -> bool {
        let below: Vec<&Layer> = self.layers[..self.layers.len() - 1].iter().collect();
        lookup_in(&below, path).is_some()
    }

    /// What the writable layer changed, as `docker diff` lists it.
    pub fn changes(&self) -> Vec<(Change, String)> {
        let lower: Vec<&Layer> = self.layers[..self.layers.len() - 1].iter().collect();
        self.upper()
            .entries
            .iter()
            .map(|(path, entry)| {
                let change = match entry.kind {
                    EntryKind::Whiteout => Change::Deleted,
                    _ if lookup_in(&lower, path).is_some() => Change::Changed,
                    _ => Change::Added,
                };
                (change, format!("/{path}"))
            })
            .collect()
    }
}

/// The entry `path` shows through `layers` (bottom first), searching from the top without an
/// index: for one-off questions about layers that have no [`UnionFs`] built over them.
pub fn lookup_in<'a>(layers: &[&'a Layer], path: &str) -> Option<&'a Entry> {
    provider_in(layers, path).map(|(entry, _)| entry)
}

/// What [`lookup_in`] finds, with the index in `layers` of the layer that provides it: which
/// layer a file comes from, for the pictures.
pub fn provider_in<'a>(layers: &[&'a Layer], path: &str) -> Option<(&'a Entry, usize)> {
    let path = normalize(path);
    for (at, layer) in layers.iter().enumerate().rev() {
        if let Some(e) = layer.entries.get(&path) {
            return (!matches!(e.kind, EntryKind::Whiteout)).then_some((e, at));
        }
        // Above `path`, anything but a plain directory (a whiteout, an opaque directory, a
        // file that replaced a directory) hides what lower layers hold beneath it.
        let mut ancestor = path.as_str();
        while let Some((parent, _)) = ancestor.rsplit_once('/') {
            if layer.entries.get(parent).is_some_and(|e| !matches!(e.kind, EntryKind::Dir { opaque: false })) {
                return None;
            }
            ancestor = parent;
        }
    }
    None
}

#[cfg(test)]
mod tests;
