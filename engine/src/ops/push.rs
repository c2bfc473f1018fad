//! `docker push`: send a tagged image's layers and manifest to its registry, skipping layers the
//! registry already holds.

use crate::image::ImageStore;
use crate::ops::daemon_error;
use crate::reference::{Reference, DEFAULT_DOMAIN, DEFAULT_TAG};
use crate::registry::RegistryError;
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
        let mut reply = Reply::default();
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
            tags.sort_by_key(|r| r.tag.clone());
            tags
        } else {
            if reference.tag.is_none() {
                reply.stdout.push_str(&format!("Using default tag: {DEFAULT_TAG}\n"));
            }
            vec![reference.clone().with_default_tag()]
        };
        let missing =
            || daemon_error(format!("An image does not exist locally with the tag: {}", reference.familiar_name()));
        if tags.is_empty() || tags.iter().any(|t| self.images.resolve(&t.to_string()).is_none()) {
            return reply.then(Reply::err(missing(), 1));
        }
        reply.stdout.push_str(&format!("The push refers to repository [{}]\n", reference.repository()));
        for tag in tags {
            match self.push_tag(&tag) {
                Ok(lines) => reply.stdout.push_str(&lines),
                Err(e) => return reply.then(Reply::err(e, 1)),
            }
        }
        if quiet {
            reply.stdout = format!("{}\n", reference.clone().with_default_tag());
        }
        reply
    }

    fn push_tag(&mut self, reference: &Reference) -> Result<String, String> {
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
        let mut out = String::new();
        // Docker lists layers top first.
        for (blob, existed) in pushed.layers.iter().rev() {
            let state = if *existed { "Layer already exists" } else { "Pushed" };
            out.push_str(&format!("{}: {state}\n", blob.short()));
        }
        out.push_str(&format!("{tag}: digest: {} size: {}\n", pushed.manifest_digest, pushed.manifest_size));
        // The image is now known by its digest in that repository too.
        let digest = format!("{}@{}", reference.familiar_name(), pushed.manifest_digest);
        if let Some(local) = self.images.images.get_mut(&image.id) {
            if !local.repo_digests.contains(&digest) {
                local.repo_digests.push(digest);
            }
        }
        Ok(out)
    }
}
