//! `docker pull`, and the implicit pull `docker run` makes when an image is missing.

use crate::digest::ImageId;
use crate::ops::daemon_error;
use crate::progress::{LayerTransfer, Progress};
use crate::reference::{Reference, DEFAULT_TAG};
use crate::registry::RegistryError;
use crate::view::{Direction, Transfer};
use crate::wasi::Stream;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn pull_command(&mut self, image: &str, quiet: bool) -> Reply {
        let reference = match Reference::parse(image) {
            Ok(r) => r,
            Err(e) => return Reply::err(e.to_string(), 1),
        };
        let mut progress = Progress::default();
        if reference.tag.is_none() && reference.digest.is_none() {
            progress.line(format!("Using default tag: {DEFAULT_TAG}"));
        }
        let reference = reference.with_default_tag();
        match self.pull(&reference, &mut progress) {
            Ok(_) if quiet => Reply::out(format!("{reference}\n")),
            Ok(_) => {
                progress.line(reference.to_string());
                Reply::out(progress.text()).with_progress(Stream::Stdout, progress)
            }
            Err(e) => Reply::err(daemon_error(e), 1),
        }
    }

    /// Pulls `reference` into the local store, adding Docker's progress lines to `progress`.
    pub(crate) fn pull(&mut self, reference: &Reference, progress: &mut Progress) -> Result<ImageId, RegistryError> {
        let registry = self
            .registries
            .get(&reference.domain)
            .ok_or_else(|| RegistryError::NoSuchHost(reference.domain.clone()))?;
        let pulled = match registry.pull(reference) {
            Err(RegistryError::Elsewhere(blobs)) => {
                self.wanted = Some((reference.domain.clone(), blobs.clone()));
                return Err(RegistryError::Elsewhere(blobs));
            }
            pulled => pulled?,
        };
        let what = reference.tag.clone().unwrap_or_else(|| pulled.manifest_digest.to_string());
        progress.line(format!("{what}: Pulling from {}", reference.path));
        let layers: Vec<LayerTransfer> = pulled
            .image
            .config
            .rootfs
            .diff_ids
            .iter()
            .zip(&pulled.blobs)
            .map(|(diff_id, blob)| LayerTransfer {
                id: blob.digest.short(),
                size: blob.size,
                present: self.images.layers.contains_key(diff_id),
            })
            .collect();
        progress.pull(&layers);
        let mut transfer =
            Transfer::new(Direction::Pull, &reference.domain, &reference.path, self.last_transfer.as_ref());
        transfer.targets.push(what.clone());
        for (blob, layer) in pulled.blobs.iter().zip(&layers) {
            transfer.layer(blob.digest, layer.present);
        }
        self.last_transfer = Some(transfer);
        progress.line(format!("Digest: {}", pulled.manifest_digest));
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
        progress.line(format!("Status: {status} {}", reference.familiar()));
        Ok(id)
    }
}
