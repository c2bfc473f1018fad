//! What the playground's pictures show, computed from the engine's state so that they can be
//! tested without a page: images as stacks of layers (which layers are shared, what each one
//! added, changed and deleted, and the space wasted as dive measures it), and containers with
//! their thin writable layer on top. `registries.rs` draws registries and what the last push or
//! pull moved; `volumes.rs` volumes and networks with the containers that use them; `files.rs` a
//! container's files with the layer each comes from; `build.rs` the image a build is making.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::digest::{DiffId, ImageId};
use crate::image::Image;
use crate::layer::{EntryKind, Layer};
use crate::Engine;

mod build;
mod files;
mod registries;
pub mod swarm;
mod volumes;

pub(crate) use build::BuildProgress;
pub use build::{BuildSlab, BuildView, SlabSource};
pub use files::{Contents, DirView, FileEntry, FileView, FilesError, Kind, Origin, MAX_SHOWN};
pub use registries::{BlobView, Direction, Mark, RegistryView, RepositoryView, TagView, Transfer};
pub use swarm::{ChangeView, NodeView, ServiceView, SwarmView, TaskView};
pub use volumes::{NetworkMember, NetworkView, Outsider, VolumeUser, VolumeView};

/// One image as a stack of slabs, base first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageStack {
    pub id: ImageId,
    pub tags: Vec<String>,
    pub layers: Vec<Slab>,
    /// The bytes of all layers together.
    pub size: u64,
    /// Bytes of files that a higher layer replaces or deletes: still shipped, never seen.
    pub wasted: u64,
    /// dive's efficiency score: the share of the image's bytes a container can see, from 0 to 1.
    pub efficiency: f64,
}

/// One layer of an image, as a slab of its stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slab {
    pub diff_id: DiffId,
    pub size: u64,
    /// The instruction that made it, from the image's history.
    pub created_by: String,
    /// How many local images hold this layer: more than one is a shared slab.
    pub shared_by: usize,
}

/// What one layer did to the files below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    Added,
    Changed,
    Deleted,
}

/// A layer's entries with what each did, in path order.
pub type LayerChanges = Vec<(String, Effect, u64)>;

impl Engine {
    /// Every local image as a stack, newest first, each with its tags.
    pub fn image_stacks(&self) -> Vec<ImageStack> {
        let shown = self.shown_images();
        // The image a build is making shows as the build, in [`Engine::build_view`].
        let building = self.building_image();
        shown
            .iter()
            .filter(|i| Some(i.id) != building || !self.images.tags_of(i.id).is_empty())
            .map(|image| self.image_stack(image, &shown))
            .collect()
    }

    /// The images the pictures show, newest first: all but a build's intermediate images, which
    /// show inside the images built on them.
    fn shown_images(&self) -> Vec<&Image> {
        let mut images: Vec<&Image> = self.images.images.values().collect();
        crate::sort::sort_by(&mut images, |a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
        let intermediates = self.images.intermediates();
        images.into_iter().filter(|i| !intermediates.contains(&i.id)).collect()
    }

    /// `image`'s stack; a slab counts as shared by the `shown` images that hold it.
    fn image_stack(&self, image: &Image, shown: &[&Image]) -> ImageStack {
        let layers: Vec<&Layer> = self.images.layers_of(image).unwrap_or_default();
        let history: Vec<&str> =
            image.config.history.iter().filter(|h| !h.empty_layer).map(|h| h.created_by.as_str()).collect();
        let slabs = image
            .config
            .rootfs
            .diff_ids
            .iter()
            .zip(&layers)
            .enumerate()
            .map(|(i, (diff_id, layer))| Slab {
                diff_id: *diff_id,
                size: layer.size(),
                created_by: history.get(i).copied().unwrap_or_default().to_string(),
                shared_by: shown.iter().filter(|o| o.config.rootfs.diff_ids.contains(diff_id)).count(),
            })
            .collect();
        let (size, wasted) = waste(&layers);
        let efficiency = if size == 0 { 1.0 } else { (size - wasted) as f64 / size as f64 };
        let mut tags: Vec<String> = self.images.tags_of(image.id).iter().map(|r| r.familiar()).collect();
        crate::sort::sort(&mut tags);
        ImageStack { id: image.id, tags, layers: slabs, size, wasted, efficiency }
    }

    /// What the layer at `index` of `image` added, changed and deleted, judged against the
    /// layers beneath it.
    pub fn layer_changes(&self, image: ImageId, index: usize) -> Option<LayerChanges> {
        let image = self.images.images.get(&image)?;
        let layers = self.images.layers_of(image).ok()?;
        let layer = layers.get(index)?;
        let below = &layers[..index];
        let exists = |path: &str| crate::fs::lookup_in(below, path).is_some();
        Some(
            layer
                .entries
                .iter()
                .map(|(path, entry)| {
                    let size = match &entry.kind {
                        EntryKind::File { data } => data.len() as u64,
                        _ => 0,
                    };
                    let effect = match (&entry.kind, exists(path)) {
                        (EntryKind::Whiteout, _) => Effect::Deleted,
                        (_, true) => Effect::Changed,
                        (_, false) => Effect::Added,
                    };
                    (path.clone(), effect, size)
                })
                .collect(),
        )
    }
}

/// An image's total bytes, and the bytes of file versions that a higher layer replaces or
/// deletes, as dive counts wasted space.
fn waste(layers: &[&Layer]) -> (u64, u64) {
    let mut latest: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut size, mut wasted) = (0u64, 0u64);
    for layer in layers {
        for (path, entry) in &layer.entries {
            let bytes = match &entry.kind {
                EntryKind::File { data } => data.len() as u64,
                _ => 0,
            };
            size += bytes;
            // Whatever an earlier layer held at this path (or, for a deletion, beneath it) is
            // now dead weight.
            let prefix = format!("{path}/");
            // A deletion, or an opaque directory, hides everything beneath the path too.
            let hides_children = matches!(entry.kind, EntryKind::Whiteout | EntryKind::Dir { opaque: true });
            let hidden: Vec<&str> = latest
                .range(path.as_str()..)
                .take_while(|(p, _)| *p == path || p.starts_with(&prefix))
                .map(|(p, _)| *p)
                .filter(|p| *p == path || hides_children)
                .collect();
            for p in hidden {
                wasted += latest.remove(p).unwrap_or(0);
            }
            if !matches!(entry.kind, EntryKind::Whiteout) {
                latest.insert(path.as_str(), bytes);
            }
        }
    }
    (size, wasted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Entry;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn overwritten_and_deleted_files_are_wasted_space() {
        let mut base = Layer::default();
        base.insert("big", Entry::file(vec![0u8; 1000], 0o644)).unwrap();
        base.insert("dir/a", Entry::file(vec![0u8; 100], 0o644)).unwrap();
        base.insert("keep", Entry::file(vec![0u8; 10], 0o644)).unwrap();
        let mut top = Layer::default();
        top.insert("big", Entry::whiteout()).unwrap();
        top.insert("dir/a", Entry::file(vec![1u8; 50], 0o644)).unwrap();
        let (size, wasted) = waste(&[&base, &top]);
        assert_eq!(size, 1160);
        assert_eq!(wasted, 1100, "the deleted 1000 bytes and the replaced 100");
        assert_eq!(waste(&[&base]), (1110, 0));
    }
}
