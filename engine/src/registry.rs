//! Registries: repositories of tagged manifests, and the blobs they point at, served by digest.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::{DiffId, Digest};
use crate::image::{Image, ImageConfig};
use crate::layer::{Bytes, Layer};
use crate::reference::Reference;
use crate::time::Timestamp;

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
/// Layers are stored uncompressed, which the OCI spec allows, so a layer's blob digest is its DiffID.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar";

/// A content descriptor: what a blob is, its digest and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
}

/// An OCI image manifest: one config and its layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    pub schema_version: u32,
    pub media_type: String,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

impl ImageManifest {
    pub fn digest(&self) -> Digest {
        Digest::of(&serde_json::to_vec(self).unwrap_or_default())
    }
}

/// Why a registry refused, worded as Docker's daemon words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("pull access denied for {0}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied")]
    AccessDenied(String),
    #[error("manifest for {0} not found: manifest unknown: manifest unknown")]
    ManifestUnknown(String),
    #[error("Get \"https://{0}/v2/\": dial tcp: lookup {0}: no such host")]
    NoSuchHost(String),
    #[error(transparent)]
    Layer(#[from] crate::layer::LayerError),
}

/// What a pull brings home.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub manifest_digest: Digest,
    pub image: Image,
    pub layers: Vec<Layer>,
}

/// What a push stored: the manifest's digest and size, and each layer with whether the registry
/// already had it.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub manifest_digest: Digest,
    pub manifest_size: usize,
    pub layers: Vec<(DiffId, bool)>,
}

/// One registry, such as the simulated Docker Hub.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Registry {
    pub domain: String,
    /// Repository path (`library/hello-world`) to tag to manifest digest.
    pub repositories: BTreeMap<String, BTreeMap<String, Digest>>,
    pub manifests: BTreeMap<Digest, ImageManifest>,
    /// Config blobs as pushed, with the time the image was made.
    configs: BTreeMap<Digest, (Bytes, Timestamp)>,
    layers: BTreeMap<DiffId, Layer>,
}

impl Registry {
    pub fn new(domain: &str) -> Self {
        Registry { domain: domain.to_string(), ..Default::default() }
    }

    /// Stores an image under `path:tag`, as a push does; layers it already holds are not sent again.
    pub fn put(&mut self, path: &str, tag: &str, image: &Image, layers: Vec<Layer>) -> Result<Pushed, RegistryError> {
        let config_json = image.config_bytes();
        let mut descriptors = Vec::new();
        let mut pushed = Vec::new();
        for layer in layers {
            let tar = layer.to_tar()?;
            let diff_id = DiffId(Digest::of(&tar));
            descriptors.push(Descriptor {
                media_type: LAYER_MEDIA_TYPE.to_string(),
                digest: diff_id.0,
                size: tar.len() as u64,
            });
            pushed.push((diff_id, self.layers.contains_key(&diff_id)));
            self.layers.entry(diff_id).or_insert(layer);
        }
        let manifest = ImageManifest {
            schema_version: 2,
            media_type: MANIFEST_MEDIA_TYPE.to_string(),
            config: Descriptor {
                media_type: CONFIG_MEDIA_TYPE.to_string(),
                digest: image.id.0,
                size: config_json.len() as u64,
            },
            layers: descriptors,
        };
        let manifest_size = serde_json::to_vec(&manifest).map(|m| m.len()).unwrap_or(0);
        let digest = manifest.digest();
        self.configs.insert(image.id.0, (Bytes::from(config_json), image.created));
        self.manifests.insert(digest, manifest);
        self.repositories.entry(path.to_string()).or_default().insert(tag.to_string(), digest);
        Ok(Pushed { manifest_digest: digest, manifest_size, layers: pushed })
    }

    /// Fetches the image a reference names, by tag or by manifest digest.
    pub fn pull(&self, reference: &Reference) -> Result<Pulled, RegistryError> {
        // Docker Hub answers an unknown repository with "access denied"; a plain registry does
        // not know the manifest.
        let tags = self.repositories.get(&reference.path).ok_or_else(|| {
            if self.domain == crate::reference::DEFAULT_DOMAIN {
                RegistryError::AccessDenied(reference.familiar_name())
            } else {
                RegistryError::ManifestUnknown(reference.clone().with_default_tag().familiar())
            }
        })?;
        let manifest_digest = match (&reference.digest, &reference.tag) {
            (Some(digest), _) => *digest,
            (None, tag) => {
                let tag = tag.as_deref().unwrap_or(crate::reference::DEFAULT_TAG);
                *tags.get(tag).ok_or_else(|| RegistryError::ManifestUnknown(reference.familiar()))?
            }
        };
        let manifest =
            self.manifests.get(&manifest_digest).ok_or_else(|| RegistryError::ManifestUnknown(reference.familiar()))?;
        let (config, created) = self
            .configs
            .get(&manifest.config.digest)
            .ok_or_else(|| RegistryError::ManifestUnknown(reference.familiar()))?;
        let layers = manifest
            .layers
            .iter()
            .map(|d| self.layers.get(&DiffId(d.digest)).cloned())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| RegistryError::ManifestUnknown(reference.familiar()))?;
        let unknown = || RegistryError::ManifestUnknown(reference.familiar());
        let parsed: ImageConfig = serde_json::from_slice(&config.0).map_err(|_| unknown())?;
        // Keep the original bytes only when Dockyard would not write the same ones.
        let mut image = if parsed.to_json() == *config.0 {
            Image::from_config(parsed, *created)
        } else {
            Image::from_config_json(&config.0).map_err(|_| unknown())?
        };
        image.created = *created;
        image.repo_digests.push(format!("{}@{}", reference.familiar_name(), manifest_digest));
        Ok(Pulled { manifest_digest, image, layers })
    }
}
