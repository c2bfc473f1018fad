//! Registries: repositories of tagged manifests, and the blobs they point at, served by digest.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::digest::{DiffId, Digest};
use crate::image::{Image, ImageConfig};
use crate::layer::{Bytes, Layer};
use crate::reference::Reference;
use crate::time::Timestamp;

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
/// Layers travel gzip-compressed, as Docker pushes them: a blob's digest is not its DiffID.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

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
    #[error("filesystem layer verification failed for digest {0}")]
    Corrupt(Digest),
    /// The layers' blobs are held elsewhere (the page keeps the built-in images' blobs on its
    /// server): the host fetches them and hands them over with [`Registry::add_blob`].
    #[error("blob unknown: blob unknown to registry")]
    Elsewhere(Vec<Descriptor>),
    #[error("blob unknown: the registry expects no blob {0}")]
    UnexpectedBlob(Digest),
    #[error(transparent)]
    Layer(#[from] crate::layer::LayerError),
}

/// What a pull brings home.
#[derive(Debug, Clone)]
pub struct Pulled {
    pub manifest_digest: Digest,
    pub image: Image,
    pub layers: Vec<Layer>,
    /// The compressed blobs, whose digests Docker's progress lines name layers by.
    pub blobs: Vec<Descriptor>,
}

/// What a push stored: the manifest's digest and size, and each layer with whether the registry
/// already had it.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub manifest_digest: Digest,
    pub manifest_size: usize,
    /// Each layer's compressed blob, and whether the registry already had it.
    pub layers: Vec<(Descriptor, bool)>,
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
    /// Layer blobs, gzip-compressed, by the digest of the compressed bytes.
    blobs: BTreeMap<Digest, Bytes>,
    /// Layer blobs its manifests name whose bytes the host keeps elsewhere until a pull needs
    /// them: what [`Registry::take_blobs`] took out and [`Registry::add_blob`] has not put back.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    elsewhere: BTreeSet<Digest>,
}

/// Compresses a layer tar the same way every time (no name, no time in the gzip header), so the
/// same layer always becomes the same blob.
fn compress(tar: &[u8]) -> Vec<u8> {
    crate::gzip::compress(tar)
}

/// Decompresses a blob, refusing one that would inflate past the tar reader's limit.
pub(crate) fn decompress(blob: &[u8]) -> Option<Vec<u8>> {
    let limit = usize::try_from(crate::tar::MAX_ENTRY * 2).unwrap_or(usize::MAX);
    crate::gzip::decompress_limited(blob, limit)
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
            let blob = compress(&layer.to_tar()?);
            let digest = Digest::of(&blob);
            let descriptor = Descriptor { media_type: LAYER_MEDIA_TYPE.to_string(), digest, size: blob.len() as u64 };
            pushed.push((descriptor.clone(), self.blobs.contains_key(&digest)));
            descriptors.push(descriptor);
            self.blobs.entry(digest).or_insert_with(|| Bytes::from(blob));
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

    /// Takes every layer blob out, to be kept elsewhere (the page's built-in images are served
    /// as files beside the app rather than compiled into it); the manifests still name them, and
    /// a pull that needs them fails with [`RegistryError::Elsewhere`] until they are added back.
    pub fn take_blobs(&mut self) -> BTreeMap<Digest, Bytes> {
        let blobs = std::mem::take(&mut self.blobs);
        self.elsewhere.extend(blobs.keys().copied());
        blobs
    }

    /// Whether some blob its manifests name is held elsewhere.
    pub fn holds_blobs_elsewhere(&self) -> bool {
        !self.elsewhere.is_empty()
    }

    /// Puts back a blob held elsewhere, once fetched: only one whose digest it expects, so
    /// bytes that are not the blob (a server's error page, a truncated download) are refused.
    pub fn add_blob(&mut self, bytes: &[u8]) -> Result<Digest, RegistryError> {
        let digest = Digest::of(bytes);
        if !self.elsewhere.remove(&digest) {
            return Err(RegistryError::UnexpectedBlob(digest));
        }
        self.blobs.insert(digest, Bytes::from(bytes));
        Ok(digest)
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
        let unknown = || RegistryError::ManifestUnknown(reference.familiar());
        let elsewhere: Vec<Descriptor> =
            manifest.layers.iter().filter(|layer| self.elsewhere.contains(&layer.digest)).cloned().collect();
        if !elsewhere.is_empty() {
            return Err(RegistryError::Elsewhere(elsewhere));
        }
        let mut layers = Vec::new();
        let mut diff_ids = Vec::new();
        for descriptor in &manifest.layers {
            let blob = self.blobs.get(&descriptor.digest).ok_or_else(unknown)?;
            let tar = decompress(&blob.0).ok_or(RegistryError::Corrupt(descriptor.digest))?;
            // The DiffID is the digest of these very bytes; no need to write the tar again.
            diff_ids.push(DiffId(Digest::of(&tar)));
            layers.push(Layer::from_tar(&tar)?);
        }
        let parsed: ImageConfig = crate::json::from_bytes(&config.0).map_err(|_| unknown())?;
        // Keep the original bytes only when Dockyard would not write the same ones.
        let mut image = if parsed.to_json() == *config.0 {
            Image::from_config(parsed, *created)
        } else {
            Image::from_config_json(&config.0).map_err(|_| unknown())?
        };
        image.created = *created;
        image.repo_digests.push(format!("{}@{}", reference.familiar_name(), manifest_digest));
        // A blob whose content is not the layer the config names would corrupt the store.
        if diff_ids != image.config.rootfs.diff_ids {
            return Err(RegistryError::Corrupt(manifest_digest));
        }
        let blobs = manifest.layers.clone();
        Ok(Pulled { manifest_digest, image, layers, blobs })
    }

    /// The DiffIDs a manifest's config lists, in the order of its layers; empty if the config
    /// is missing or unreadable.
    pub(crate) fn diff_ids(&self, manifest: &ImageManifest) -> Vec<DiffId> {
        self.configs
            .get(&manifest.config.digest)
            .and_then(|(config, _)| crate::json::from_bytes::<ImageConfig>(&config.0).ok())
            .map(|config| config.rootfs.diff_ids)
            .unwrap_or_default()
    }

    /// The config of the image a reference names, without fetching its layers: what a build's
    /// checks ask about a base image before anything is pulled.
    pub fn config(&self, reference: &Reference) -> Option<ImageConfig> {
        let tags = self.repositories.get(&reference.path)?;
        let manifest_digest = match (&reference.digest, &reference.tag) {
            (Some(digest), _) => *digest,
            (None, tag) => *tags.get(tag.as_deref().unwrap_or(crate::reference::DEFAULT_TAG))?,
        };
        let manifest = self.manifests.get(&manifest_digest)?;
        let (config, _) = self.configs.get(&manifest.config.digest)?;
        crate::json::from_bytes(&config.0).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::{docker_hub, Programs};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn hub() -> Registry {
        docker_hub(&Programs::default().with("hello", b"\0asm\x01\0\0\0")).unwrap()
    }

    #[test]
    fn the_same_layer_always_compresses_to_the_same_blob() {
        let (a, b) = (hub(), hub());
        assert_eq!(a.blobs.keys().collect::<Vec<_>>(), b.blobs.keys().collect::<Vec<_>>());
        let blob = a.blobs.values().next().unwrap();
        assert_eq!(&blob.0[..2], &[0x1f, 0x8b], "a gzip stream");
    }

    #[test]
    fn blobs_held_elsewhere_are_asked_for_and_only_they_are_taken_back() {
        let mut registry = hub();
        let reference = Reference::parse("hello-world").unwrap().with_default_tag();
        let pulled = registry.pull(&reference).unwrap();
        let blobs = registry.take_blobs();
        assert!(registry.holds_blobs_elsewhere());
        assert_eq!(registry.pull(&reference).unwrap_err(), RegistryError::Elsewhere(pulled.blobs.clone()));
        // The registry still knows the image: only the bytes are away.
        assert!(registry.config(&reference).is_some());
        assert!(matches!(registry.add_blob(b"<html>not found</html>"), Err(RegistryError::UnexpectedBlob(_))));
        for blob in blobs.values() {
            assert_eq!(registry.add_blob(&blob.0).unwrap(), Digest::of(&blob.0));
        }
        assert!(!registry.holds_blobs_elsewhere());
        assert!(matches!(registry.add_blob(&blobs.values().next().unwrap().0), Err(RegistryError::UnexpectedBlob(_))));
        assert_eq!(registry.pull(&reference).unwrap().image.id, pulled.image.id);
    }

    #[test]
    fn a_blob_that_does_not_match_its_layer_is_refused() {
        let mut registry = hub();
        let reference = Reference::parse("hello-world").unwrap().with_default_tag();
        assert!(registry.pull(&reference).is_ok());
        let (digest, blob) = registry.blobs.iter_mut().next().unwrap();
        let digest = *digest;
        let mut tar = decompress(&blob.0).unwrap();
        let last = tar.iter().rposition(|b| *b != 0).unwrap();
        tar[last] ^= 1;
        *blob = Bytes::from(compress(&tar));
        assert!(matches!(registry.pull(&reference), Err(RegistryError::Corrupt(_))));
        *registry.blobs.get_mut(&digest).unwrap() = Bytes::from(&b"not gzip"[..]);
        assert_eq!(registry.pull(&reference).unwrap_err(), RegistryError::Corrupt(digest));
    }
}
