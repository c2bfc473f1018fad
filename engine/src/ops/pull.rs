//! `docker pull`, and the implicit pull `docker run` makes when an image is missing.

use crate::digest::ImageId;
use crate::ops::daemon_error;
use crate::reference::{Reference, DEFAULT_TAG};
use crate::registry::RegistryError;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn pull_command(&mut self, image: &str, quiet: bool) -> Reply {
        let reference = match Reference::parse(image) {
            Ok(r) => r,
            Err(e) => return Reply::err(e.to_string(), 1),
        };
        let mut progress = String::new();
        if reference.tag.is_none() && reference.digest.is_none() {
            progress.push_str(&format!("Using default tag: {DEFAULT_TAG}\n"));
        }
        let reference = reference.with_default_tag();
        match self.pull(&reference, &mut progress) {
            Ok(_) if quiet => Reply::out(format!("{reference}\n")),
            Ok(_) => Reply::out(format!("{progress}{reference}\n")),
            Err(e) => Reply::err(daemon_error(e), 1),
        }
    }

    /// Pulls `reference` into the local store, writing Docker's progress lines to `progress`.
    pub(crate) fn pull(&mut self, reference: &Reference, progress: &mut String) -> Result<ImageId, RegistryError> {
        let registry = self
            .registries
            .get(&reference.domain)
            .ok_or_else(|| RegistryError::NoSuchHost(reference.domain.clone()))?;
        let pulled = registry.pull(reference)?;
        let what = reference.tag.clone().unwrap_or_else(|| pulled.manifest_digest.to_string());
        progress.push_str(&format!("{what}: Pulling from {}\n", reference.path));
        for (diff_id, blob) in pulled.image.config.rootfs.diff_ids.iter().zip(&pulled.blobs) {
            let state = if self.images.layers.contains_key(diff_id) { "Already exists" } else { "Pull complete" };
            progress.push_str(&format!("{}: {state}\n", blob.short()));
        }
        progress.push_str(&format!("Digest: {}\n", pulled.manifest_digest));
        let id = pulled.image.id;
        let up_to_date = self.images.tags.get(&reference.to_string()) == Some(&id);
        // Pulling an image already present by another name keeps the digests it was known by.
        let mut image = self.images.images.get(&id).cloned().unwrap_or_else(|| pulled.image.clone());
        for digest in pulled.image.repo_digests {
            if !image.repo_digests.contains(&digest) {
                image.repo_digests.push(digest);
            }
        }
        self.images.insert(image, pulled.layers);
        if reference.tag.is_some() {
            self.images.tag(reference, id);
        }
        let status = if up_to_date { "Image is up to date for" } else { "Downloaded newer image for" };
        progress.push_str(&format!("Status: {status} {}\n", reference.familiar()));
        Ok(id)
    }
}
