//! Images: the config JSON whose digest is the image id, the layers it lists, and the local store.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::{ChainId, DiffId, Digest, ImageId};
use crate::layer::{Bytes, Layer};
use crate::reference::Reference;
use crate::time::Timestamp;

/// The runtime defaults an image gives its containers (the `config` object of the image config),
/// in the OCI image spec's field order. Docker writes `null` for unset lists and maps, so every
/// field reads `null` as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfig {
    #[serde(default, skip_serializing_if = "String::is_empty", deserialize_with = "null_as_default")]
    pub user: String,
    /// Ports as `80/tcp`; the spec's values are empty objects.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "null_as_default")]
    pub exposed_ports: BTreeMap<String, Empty>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_default")]
    pub env: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_default")]
    pub entrypoint: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_default")]
    pub cmd: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "null_as_default")]
    pub volumes: BTreeMap<String, Empty>,
    #[serde(default, skip_serializing_if = "String::is_empty", deserialize_with = "null_as_default")]
    pub working_dir: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty", deserialize_with = "null_as_default")]
    pub stop_signal: String,
    /// Instructions a child image's build runs first (Docker's extension to the spec).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_default")]
    pub on_build: Vec<String>,
    /// `SHELL`: what runs shell-form commands (`/bin/sh -c` when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_default")]
    pub shell: Vec<String>,
    /// `HEALTHCHECK`: how to tell that a container works (Docker's extension to the spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthConfig>,
}

/// A `HEALTHCHECK`: the test command (`["CMD-SHELL", "..."]`, `["CMD", ...]`, or `["NONE"]`) and
/// its timing in nanoseconds, 0 meaning Docker's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthConfig {
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "null_as_default")]
    pub test: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interval: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timeout: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_period: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_interval: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The empty JSON object the image spec uses as the value of port and volume sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// Reads `null` as the type's default, as Go's JSON decoder does for slices and strings.
fn null_as_default<'de, D: serde::Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One line of `docker history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    #[serde(default)]
    pub created: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created_by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_layer: bool,
}

/// `rootfs`: the layers by DiffID, base first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type")]
    pub kind: String,
    pub diff_ids: Vec<DiffId>,
}

/// The image config, serialized in the field order Docker writes, so its digest is stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    pub architecture: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub config: ContainerConfig,
    #[serde(default)]
    pub created: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub history: Vec<History>,
    pub os: String,
    pub rootfs: RootFs,
}

impl ImageConfig {
    /// The config's canonical bytes; the image id is their digest.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn id(&self) -> ImageId {
        ImageId(Digest::of(&self.to_json()))
    }
}

/// An image in the local store: its config (the source of its id) and when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub id: ImageId,
    pub config: ImageConfig,
    pub created: Timestamp,
    /// The manifest digest of the repository this image was pulled from, shown by `docker images --digests`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
    /// The config exactly as Docker wrote it, for an image loaded from an archive: its digest is
    /// the image id, and re-serializing could change a byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_json: Option<Bytes>,
    /// The image a build step made this one from, as the classic builder records it: its cache
    /// looks for a child of the current image, and `docker images` hides untagged parents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ImageId>,
}

impl Image {
    pub fn from_config(config: ImageConfig, created: Timestamp) -> Self {
        Image { id: config.id(), config, created, repo_digests: Vec::new(), config_json: None, parent: None }
    }

    /// An image from config bytes written elsewhere, keeping them so its id stays Docker's.
    pub fn from_config_json(json: &[u8]) -> Result<Self, serde_json::Error> {
        let config: ImageConfig = crate::json::from_bytes(json)?;
        let created = Timestamp::parse_rfc3339(&config.created).unwrap_or_default();
        Ok(Image {
            id: ImageId(Digest::of(json)),
            config,
            created,
            repo_digests: Vec::new(),
            config_json: Some(Bytes::from(json)),
            parent: None,
        })
    }

    /// The config's bytes as stored: the original ones when there are, else Dockyard's.
    pub fn config_bytes(&self) -> Vec<u8> {
        match &self.config_json {
            Some(raw) => raw.0.to_vec(),
            None => self.config.to_json(),
        }
    }
}

/// Why the local store cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("No such image: {0}")]
    NotFound(String),
    #[error("layer {0} is not in the layer store")]
    MissingLayer(DiffId),
}

/// The local image store: images by id, tags pointing at them, and layers by DiffID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageStore {
    pub images: BTreeMap<ImageId, Image>,
    /// Full references (`docker.io/library/hello-world:latest`) to image ids.
    pub tags: BTreeMap<String, ImageId>,
    pub layers: BTreeMap<DiffId, Layer>,
}

impl ImageStore {
    /// Adds an image and its layers, which are stored under the DiffIDs its config lists.
    pub fn insert(&mut self, image: Image, layers: Vec<Layer>) -> ImageId {
        for (diff_id, layer) in image.config.rootfs.diff_ids.iter().zip(layers) {
            self.layers.entry(*diff_id).or_insert(layer);
        }
        let id = image.id;
        self.images.insert(id, image);
        id
    }

    pub fn tag(&mut self, reference: &Reference, id: ImageId) {
        self.tags.insert(reference.to_string(), id);
    }

    /// Finds an image by reference (`hello-world`, `hello-world:latest`) or by id prefix, as Docker does.
    pub fn resolve(&self, text: &str) -> Option<&Image> {
        if let Ok(reference) = Reference::parse(text) {
            if let Some(id) = self.tags.get(&reference.clone().with_default_tag().to_string()) {
                return self.images.get(id);
            }
        }
        let hex = text.strip_prefix("sha256:").unwrap_or(text);
        if hex.len() >= 4 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut found = self.images.values().filter(|image| image.id.0.hex().starts_with(hex));
            if let (Some(image), None) = (found.next(), found.next()) {
                return Some(image);
            }
        }
        None
    }

    /// A build's intermediate images: untagged images that another image is built on. `docker
    /// images` shows them only with `-a`, and they are not dangling.
    pub fn intermediates(&self) -> std::collections::BTreeSet<ImageId> {
        let tagged: std::collections::BTreeSet<&ImageId> = self.tags.values().collect();
        self.images.values().filter_map(|image| image.parent).filter(|id| !tagged.contains(id)).collect()
    }

    /// The tags that point at `id`, as references.
    pub fn tags_of(&self, id: ImageId) -> Vec<Reference> {
        self.tags
            .iter()
            .filter(|(_, target)| **target == id)
            .filter_map(|(text, _)| Reference::parse(text).ok())
            .collect()
    }

    /// The layers of `image`, base first.
    pub fn layers_of(&self, image: &Image) -> Result<Vec<&Layer>, ImageError> {
        image.config.rootfs.diff_ids.iter().map(|id| self.layers.get(id).ok_or(ImageError::MissingLayer(*id))).collect()
    }

    /// Removes a tag, returning the image it pointed at.
    pub fn untag(&mut self, reference: &Reference) -> Option<ImageId> {
        self.tags.remove(&reference.to_string())
    }

    /// Deletes an image and every layer no other image lists, returning the deleted layers with
    /// their ChainIDs, top first, as `docker rmi` reports them.
    pub fn remove(&mut self, id: ImageId) -> Vec<(ChainId, Layer)> {
        let Some(image) = self.images.remove(&id) else { return Vec::new() };
        self.tags.retain(|_, target| *target != id);
        let diff_ids = &image.config.rootfs.diff_ids;
        let chain = ChainId::chain(diff_ids);
        let mut deleted = Vec::new();
        for (diff_id, chain_id) in diff_ids.iter().zip(chain).rev() {
            if self.images.values().any(|other| other.config.rootfs.diff_ids.contains(diff_id)) {
                continue;
            }
            if let Some(layer) = self.layers.remove(diff_id) {
                deleted.push((chain_id, layer));
            }
        }
        deleted
    }

    /// The name Docker's "No such image" messages use: a reference with its tag, else the text.
    pub fn missing_name(text: &str) -> String {
        match Reference::parse(text) {
            Ok(r) if !text.starts_with("sha256:") => r.with_default_tag().familiar(),
            _ => text.to_string(),
        }
    }

    /// What Docker reports as an image's size: the bytes of all its layers.
    pub fn size_of(&self, image: &Image) -> u64 {
        self.layers_of(image).map(|layers| layers.iter().map(|l| l.size()).sum()).unwrap_or(0)
    }
}
