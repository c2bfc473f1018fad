//! Image archives in the format `docker save` writes and `docker load` reads (docker-archive):
//! `manifest.json`, each config as `<id>.json`, each layer as `<diffid>/layer.tar`.
//!
//! Configs and layers travel as the exact bytes they were made of, so image ids and DiffIDs are
//! the same on both sides: Dockyard's archive loads into Docker with Dockyard's ids, and Docker's
//! loads into Dockyard with Docker's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::{DiffId, Digest};
use crate::image::{Image, ImageStore};
use crate::layer::{Entry, Layer, LayerError};
use crate::reference::Reference;

/// Why an archive could not be written or read, worded as the daemon words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("No such image: {0}")]
    NoSuchImage(String),
    #[error("Error processing tar file: {0}")]
    Tar(#[from] crate::tar::TarError),
    #[error("invalid archive: {0}")]
    Invalid(String),
    #[error("invalid diffID for layer {index}: expected \"{expected}\", got \"{actual}\"")]
    DiffId { index: usize, expected: DiffId, actual: DiffId },
    #[error(transparent)]
    Layer(#[from] LayerError),
}

/// One image in `manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestItem {
    config: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    repo_tags: Vec<String>,
    layers: Vec<String>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// Writes the images `keys` name (references or ids) as one archive.
pub fn save(store: &ImageStore, keys: &[String]) -> Result<Vec<u8>, ArchiveError> {
    let mut files = Layer::default();
    let mut manifest = Vec::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for key in keys {
        let image = store.resolve(key).ok_or_else(|| ArchiveError::NoSuchImage(ImageStore::missing_name(key)))?;
        // Saving by name records that name; saving by id records none, as Docker does.
        let tags: Vec<Reference> = match Reference::parse(key) {
            Ok(r) if store.tags.contains_key(&r.clone().with_default_tag().to_string()) => vec![r.with_default_tag()],
            _ => Vec::new(),
        };
        let config_name = format!("{}.json", image.id.0.hex());
        files.insert(&config_name, Entry::file(image.config_bytes(), 0o644))?;
        let mut layer_names = Vec::new();
        for (diff_id, layer) in image
            .config
            .rootfs
            .diff_ids
            .iter()
            .zip(store.layers_of(image).map_err(|e| ArchiveError::Invalid(e.to_string()))?)
        {
            let dir = diff_id.0.hex();
            files.insert(&format!("{dir}/VERSION"), Entry::file(&b"1.0"[..], 0o644))?;
            files.insert(&format!("{dir}/layer.tar"), Entry::file(layer.to_tar()?, 0o644))?;
            layer_names.push(format!("{dir}/layer.tar"));
        }
        for tag in &tags {
            let top = image.config.rootfs.diff_ids.last().map(|d| d.0.hex()).unwrap_or_default();
            repositories.entry(tag.familiar_name()).or_default().insert(tag.tag.clone().unwrap_or_default(), top);
        }
        manifest.push(ManifestItem {
            config: config_name,
            repo_tags: tags.iter().map(Reference::familiar).collect(),
            layers: layer_names,
        });
    }
    files.insert("manifest.json", Entry::file(serde_json::to_vec(&manifest).unwrap_or_default(), 0o644))?;
    if !repositories.is_empty() {
        files.insert("repositories", Entry::file(serde_json::to_vec(&repositories).unwrap_or_default(), 0o644))?;
    }
    Ok(files.to_tar()?)
}

/// The archive path a symlink at `path` points to: `target` read from the link's folder, with
/// `..` going up and nothing above the archive's top, as a build context's paths are cleaned.
fn link_target(path: &str, target: &str) -> String {
    let folder = match target.starts_with('/') {
        true => "",
        false => path.rsplit_once('/').map_or("", |(folder, _)| folder),
    };
    crate::build::context::clean(&format!("{folder}/{target}"))
}

/// Reads an archive into `store` and returns the lines `docker load` prints.
pub fn load(store: &mut ImageStore, bytes: &[u8]) -> Result<String, ArchiveError> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    // `docker save` writes a layer that two images share once, and the second as a symlink to
    // the first (`<id>/layer.tar -> ../<other>/layer.tar`): each link reads as its target.
    let mut links: Vec<(String, String)> = Vec::new();
    for entry in crate::tar::read(bytes)? {
        let path = entry.path.trim_start_matches("./").to_string();
        match entry.kind {
            crate::tar::TarKind::File => {
                files.insert(path, entry.data);
            }
            crate::tar::TarKind::Symlink => links.push((path, entry.link)),
            _ => {}
        }
    }
    for (path, target) in links {
        if let Some(data) = files.get(&link_target(&path, &target)).cloned() {
            files.insert(path, data);
        }
    }
    let manifest = files.get("manifest.json").ok_or_else(|| ArchiveError::Invalid("no manifest.json".into()))?;
    let manifest: Vec<ManifestItem> =
        crate::json::from_bytes(manifest).map_err(|e| ArchiveError::Invalid(format!("manifest.json: {e}")))?;
    let mut out = String::new();
    for item in manifest {
        let config = files.get(&item.config).ok_or_else(|| ArchiveError::Invalid(format!("no {}", item.config)))?;
        let image =
            Image::from_config_json(config).map_err(|e| ArchiveError::Invalid(format!("{}: {e}", item.config)))?;
        let expected = &image.config.rootfs.diff_ids;
        if expected.len() != item.layers.len() {
            return Err(ArchiveError::Invalid(format!(
                "invalid manifest, layers length mismatch: expected {}, got {}",
                expected.len(),
                item.layers.len()
            )));
        }
        let mut layers = Vec::new();
        for (index, (name, want)) in item.layers.iter().zip(expected).enumerate() {
            let tar = files.get(name).ok_or_else(|| ArchiveError::Invalid(format!("no {name}")))?;
            let actual = DiffId(Digest::of(tar));
            if actual != *want {
                return Err(ArchiveError::DiffId { index, expected: *want, actual });
            }
            layers.push(Layer::from_tar(tar)?);
        }
        let id = image.id;
        store.insert(image, layers);
        if item.repo_tags.is_empty() {
            out.push_str(&format!("Loaded image ID: {id}\n"));
        }
        for tag in &item.repo_tags {
            let reference =
                Reference::parse(tag).map_err(|e| ArchiveError::Invalid(format!("{tag}: {e}")))?.with_default_tag();
            if let Some(old) = store.tags.get(&reference.to_string()).filter(|old| **old != id) {
                out.push_str(&format!(
                    "The image {} already exists, renaming the old one with ID {old} to empty string\n",
                    reference.familiar()
                ));
            }
            store.tag(&reference, id);
            out.push_str(&format!("Loaded image: {}\n", reference.familiar()));
        }
    }
    Ok(out)
}
