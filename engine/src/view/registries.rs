//! Registries as the pictures show them: each registry's repositories, their tags, and the
//! layers each tag's manifest names (by the compressed blob's digest, as a registry stores them),
//! with which of those layers are also in the local store, and what the last push or pull did
//! with each: moved it, or skipped it because the other side already had it.

use serde::Serialize;

use crate::digest::{DiffId, Digest, ImageId};
use crate::reference::{Reference, DEFAULT_DOMAIN};
use crate::registry::Registry;
use crate::Engine;

/// Which way a transfer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the local store to a registry (`docker push`).
    Push,
    /// From a registry to the local store (`docker pull`, and `run` or `build` of a missing image).
    Pull,
}

/// What the last push or pull moved, as its progress lines reported it: the layers that
/// travelled ("Pushed", "Pull complete") and those the other side already held ("Layer already
/// exists", "Already exists"). The engine keeps only the last one; it is not saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub direction: Direction,
    /// The registry's domain and the repository's path in it (`library/hello-world`).
    pub domain: String,
    pub path: String,
    /// What travelled: a tag, or a manifest digest for a pull by digest; several tags for
    /// `push --all-tags`.
    pub targets: Vec<String>,
    /// Blob digests of the layers that moved, and of those skipped.
    pub moved: Vec<Digest>,
    pub skipped: Vec<Digest>,
    /// Counts up with every transfer, so a picture can tell a new one from one it has shown.
    pub serial: u64,
}

impl Transfer {
    pub(crate) fn new(direction: Direction, domain: &str, path: &str, last: Option<&Transfer>) -> Self {
        Transfer {
            direction,
            domain: domain.to_string(),
            path: path.to_string(),
            targets: Vec::new(),
            moved: Vec::new(),
            skipped: Vec::new(),
            serial: last.map_or(1, |t| t.serial + 1),
        }
    }

    /// Records one layer, moved or skipped, once.
    pub(crate) fn layer(&mut self, digest: Digest, present: bool) {
        let list = if present { &mut self.skipped } else { &mut self.moved };
        if !list.contains(&digest) {
            list.push(digest);
        }
    }
}

/// What the last transfer did with one layer of a tag it moved, in Docker's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// "Pushed": the layer went up to the registry.
    Pushed,
    /// "Layer already exists": the registry had it, so it stayed home.
    AlreadyInRegistry,
    /// "Pull complete": the layer came down.
    Pulled,
    /// "Already exists": the local store had it, so it was not downloaded.
    AlreadyLocal,
}

/// One registry and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistryView {
    pub domain: String,
    /// What a learner calls it: "Docker Hub" for `docker.io`, else its domain.
    pub title: String,
    pub repositories: Vec<RepositoryView>,
}

/// One repository of a registry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepositoryView {
    /// The name docker commands take: `hello-world`, `localhost:5000/hello`.
    pub name: String,
    pub tags: Vec<TagView>,
}

/// One tag and the manifest it points at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagView {
    pub tag: String,
    pub manifest: Digest,
    /// The config's digest, which is the image's id once pulled.
    pub image: ImageId,
    /// Whether the local store holds this very image.
    pub local: bool,
    /// The layers, base first.
    pub layers: Vec<BlobView>,
    /// The compressed bytes of all its layers.
    pub size: u64,
    /// Whether the last transfer moved this tag.
    pub transferred: bool,
}

/// One layer as a registry stores it: a compressed blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlobView {
    /// The digest of the compressed bytes, as push and pull name it.
    pub digest: Digest,
    pub size: u64,
    /// The digest of the uncompressed tar, as the image's config and the local store name it.
    pub diff_id: Option<DiffId>,
    /// Whether the local store holds this layer.
    pub local: bool,
    /// How many of the registry's manifests name this blob: it is stored once however many.
    pub shared_by: usize,
    /// What the last transfer did with it, when it moved this tag.
    pub mark: Option<Mark>,
}

impl Engine {
    /// Every registry, Docker Hub first, with its repositories and tags in name order.
    pub fn registry_views(&self) -> Vec<RegistryView> {
        let mut registries: Vec<&Registry> = self.registries.values().collect();
        crate::sort::sort_by_key(&mut registries, |r| (r.domain != DEFAULT_DOMAIN, r.domain.clone()));
        registries.into_iter().map(|registry| self.registry_view(registry)).collect()
    }

    /// What the last push or pull moved, if there was one since the engine started.
    pub fn last_transfer(&self) -> Option<&Transfer> {
        self.last_transfer.as_ref()
    }

    fn registry_view(&self, registry: &Registry) -> RegistryView {
        let title = if registry.domain == DEFAULT_DOMAIN { "Docker Hub".to_string() } else { registry.domain.clone() };
        let repositories = registry
            .repositories
            .iter()
            .map(|(path, tags)| {
                let reference =
                    Reference { domain: registry.domain.clone(), path: path.clone(), tag: None, digest: None };
                let tags =
                    tags.iter().filter_map(|(tag, manifest)| self.tag_view(registry, path, tag, manifest)).collect();
                RepositoryView { name: reference.familiar_name(), tags }
            })
            .collect();
        RegistryView { domain: registry.domain.clone(), title, repositories }
    }

    fn tag_view(&self, registry: &Registry, path: &str, tag: &str, digest: &Digest) -> Option<TagView> {
        let manifest = registry.manifests.get(digest)?;
        let diff_ids = registry.diff_ids(manifest);
        let transfer = self
            .last_transfer
            .as_ref()
            .filter(|t| t.domain == registry.domain && t.path == path)
            .filter(|t| t.targets.iter().any(|target| target == tag || *target == digest.to_string()));
        let layers: Vec<BlobView> = manifest
            .layers
            .iter()
            .enumerate()
            .map(|(i, blob)| {
                let diff_id = diff_ids.get(i).copied();
                let mark = transfer.and_then(|t| {
                    let moved = t.moved.contains(&blob.digest);
                    let skipped = t.skipped.contains(&blob.digest);
                    match (t.direction, moved, skipped) {
                        (Direction::Push, true, _) => Some(Mark::Pushed),
                        (Direction::Push, false, true) => Some(Mark::AlreadyInRegistry),
                        (Direction::Pull, true, _) => Some(Mark::Pulled),
                        (Direction::Pull, false, true) => Some(Mark::AlreadyLocal),
                        _ => None,
                    }
                });
                BlobView {
                    digest: blob.digest,
                    size: blob.size,
                    diff_id,
                    local: diff_id.is_some_and(|d| self.images.layers.contains_key(&d)),
                    shared_by: registry
                        .manifests
                        .values()
                        .filter(|m| m.layers.iter().any(|l| l.digest == blob.digest))
                        .count(),
                    mark,
                }
            })
            .collect();
        let image = ImageId(manifest.config.digest);
        Some(TagView {
            tag: tag.to_string(),
            manifest: *digest,
            image,
            local: self.images.images.contains_key(&image),
            size: layers.iter().map(|l| l.size).sum(),
            layers,
            transferred: transfer.is_some(),
        })
    }
}
