//! `docker push`: send a tagged image's layers and manifest to its registry, skipping layers the
//! registry already holds.

use crate::image::ImageStore;
use crate::ops::daemon_error;
use crate::progress::{LayerTransfer, Progress};
use crate::reference::{Reference, DEFAULT_DOMAIN, DEFAULT_TAG};
use crate::registry::RegistryError;
use crate::view::{Direction, Transfer};
use crate::wasi::Stream;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn push(&mut self, name: &str, all_tags: bool, quiet: bool) -> Reply {
        let reference = match Reference::parse(name) {
            Ok(r) => r,
            Err(e) => return Reply::err(e.to_string(), 1),
        };
        if reference.digest.is_some() {
            return Reply::err(
                format!("invalid reference format: push of a digest reference is not supported: {name}"),
                1,
            );
        }
        let mut progress = Progress::default();
        // Which tags go: the one named, or with --all-tags every local tag of the repository.
        let tags: Vec<Reference> = if all_tags {
            let repository = reference.repository();
            let mut tags: Vec<Reference> = self
                .images
                .tags
                .keys()
                .filter_map(|t| Reference::parse(t).ok())
                .filter(|r| r.repository() == repository)
                .collect();
            crate::sort::sort_by_key(&mut tags, |r| r.tag.clone());
            tags
        } else {
            if reference.tag.is_none() {
                progress.line(format!("Using default tag: {DEFAULT_TAG}"));
            }
            vec![reference.clone().with_default_tag()]
        };
        let missing =
            || daemon_error(format!("An image does not exist locally with the tag: {}", reference.familiar_name()));
        if tags.is_empty() || tags.iter().any(|t| self.images.resolve(&t.to_string()).is_none()) {
            return Reply::out(progress.text()).then(Reply::err(missing(), 1));
        }
        progress.line(format!("The push refers to repository [{}]", reference.repository()));
        self.last_transfer =
            Some(Transfer::new(Direction::Push, &reference.domain, &reference.path, self.last_transfer.as_ref()));
        for tag in tags {
            if let Err(e) = self.push_tag(&tag, &mut progress) {
                return Reply::out(progress.text()).with_progress(Stream::Stdout, progress).then(Reply::err(e, 1));
            }
        }
        if quiet {
            return Reply::out(format!("{}\n", reference.clone().with_default_tag()));
        }
        Reply::out(progress.text()).with_progress(Stream::Stdout, progress)
    }

    fn push_tag(&mut self, reference: &Reference, progress: &mut Progress) -> Result<(), String> {
        let image = self.images.resolve(&reference.to_string()).cloned().ok_or_else(|| {
            daemon_error(format!("No such image: {}", ImageStore::missing_name(&reference.familiar())))
        })?;
        let layers: Vec<_> = self.images.layers_of(&image).map_err(|e| e.to_string())?.into_iter().cloned().collect();
        if reference.domain == DEFAULT_DOMAIN {
            // No one is logged in to Docker Hub here, and Docker Hub refuses anonymous pushes.
            return Err("denied: requested access to the resource is denied".to_string());
        }
        let registry = self
            .registries
            .get_mut(&reference.domain)
            .ok_or_else(|| RegistryError::NoSuchHost(reference.domain.clone()).to_string())?;
        let tag = reference.tag.clone().unwrap_or_else(|| DEFAULT_TAG.to_string());
        let pushed = registry.put(&reference.path, &tag, &image, layers).map_err(|e| e.to_string())?;
        // Docker lists layers top first.
        let layers: Vec<LayerTransfer> = pushed
            .layers
            .iter()
            .rev()
            .map(|(blob, present)| LayerTransfer { id: blob.digest.short(), size: blob.size, present: *present })
            .collect();
        progress.push(&layers);
        if let Some(transfer) = &mut self.last_transfer {
            transfer.targets.push(tag.clone());
            for (blob, present) in &pushed.layers {
                transfer.layer(blob.digest, *present);
            }
        }
        progress.line(format!("{tag}: digest: {} size: {}", pushed.manifest_digest, pushed.manifest_size));
        // The image is now known by its digest in that repository too.
        let digest = format!("{}@{}", reference.familiar_name(), pushed.manifest_digest);
        if let Some(local) = self.images.images.get_mut(&image.id) {
            if !local.repo_digests.contains(&digest) {
                local.repo_digests.push(digest);
            }
        }
        Ok(())
    }
}
