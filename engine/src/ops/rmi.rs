//! `docker rmi`: untag images, and delete them and their layers when nothing else needs them.

use crate::container::ContainerStatus;
use crate::digest::ImageId;
use crate::image::ImageStore;
use crate::ops::daemon_error;
use crate::reference::Reference;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn rmi(&mut self, force: bool, no_prune: bool, keys: &[String]) -> Reply {
        let mut reply = Reply::default();
        for key in keys {
            match self.rmi_one(force, no_prune, key) {
                Ok(lines) => reply.stdout.push_str(&lines),
                Err(message) => {
                    reply.stderr.push_str(&format!("{}\n", daemon_error(message)));
                    reply.exit_code = 1;
                }
            }
        }
        reply
    }

    fn rmi_one(&mut self, force: bool, no_prune: bool, key: &str) -> Result<String, String> {
        let image =
            self.images.resolve(key).ok_or_else(|| format!("No such image: {}", ImageStore::missing_name(key)))?;
        let (id, mut parent) = (image.id, image.parent);
        let short = id.short();
        let by_reference = Reference::parse(key)
            .ok()
            .map(Reference::with_default_tag)
            .filter(|r| self.images.tags.get(&r.to_string()) == Some(&id));
        let tags = self.images.tags_of(id);
        let users: Vec<(String, ContainerStatus)> = self
            .containers
            .iter()
            .filter(|c| c.image == id)
            .map(|c| (c.id.short().to_string(), c.state.status))
            .collect();
        let mut out = String::new();

        if let Some(reference) = by_reference {
            // Naming one of several tags only removes that name.
            if tags.len() > 1 {
                self.images.untag(&reference);
                return Ok(format!("Untagged: {}\n", reference.familiar()));
            }
            if let Some((container, _)) = users.first().filter(|_| !force) {
                return Err(format!(
                    "conflict: unable to remove repository reference \"{key}\" (must force) - container {container} is using its referenced image {short}"
                ));
            }
            self.images.untag(&reference);
            out.push_str(&format!("Untagged: {}\n", reference.familiar()));
        } else {
            if tags.len() > 1 && !force {
                return Err(format!(
                    "conflict: unable to delete {short} (must be forced) - image is referenced in multiple repositories"
                ));
            }
            if let Some((container, _)) = users.iter().find(|(_, status)| *status == ContainerStatus::Running) {
                return Err(format!(
                    "conflict: unable to delete {short} (cannot be forced) - image is being used by running container {container}"
                ));
            }
            if let Some((container, _)) = users.first().filter(|_| !force) {
                return Err(format!(
                    "conflict: unable to delete {short} (must be forced) - image is being used by stopped container {container}"
                ));
            }
            for reference in &tags {
                self.images.untag(reference);
                out.push_str(&format!("Untagged: {}\n", reference.familiar()));
            }
        }
        // An image a container still uses stays, untagged, until the container goes.
        if users.is_empty() {
            out.push_str(&self.delete_image(id));
            // A build's intermediate images go with it, unless another image or a container
            // still needs them, or --no-prune keeps them.
            while let Some(id) = parent.filter(|p| !no_prune && self.only_for_building(*p)) {
                parent = self.images.images.get(&id).and_then(|i| i.parent);
                out.push_str(&self.delete_image(id));
            }
        }
        Ok(out)
    }

    /// Whether image `id` is only a build's step: untagged, nobody's parent, used by no container.
    fn only_for_building(&self, id: ImageId) -> bool {
        self.images.images.contains_key(&id)
            && self.images.tags_of(id).is_empty()
            && !self.images.images.values().any(|i| i.parent == Some(id))
            && !self.containers.iter().any(|c| c.image == id)
    }

    fn delete_image(&mut self, id: ImageId) -> String {
        let (removals, _) = self.delete_untagged(id);
        removals.iter().map(|r| format!("{r}\n")).collect()
    }

    /// Deletes an image whose tags are gone, and the layers no other image shares. Returns what
    /// was untagged and deleted, in Docker's order, and the bytes the deleted layers held.
    pub(crate) fn delete_untagged(&mut self, id: ImageId) -> (Vec<Removal>, u64) {
        let mut removals = Vec::new();
        if let Some(image) = self.images.images.get(&id) {
            removals.extend(image.repo_digests.iter().map(|d| Removal::Untagged(d.clone())));
        }
        removals.push(Removal::Deleted(id.to_string()));
        // Layers are named by ChainID, top first; a layer another image shares is not deleted.
        let mut freed = 0;
        for (chain_id, layer) in self.images.remove(id) {
            removals.push(Removal::Deleted(chain_id.to_string()));
            freed += layer.size();
        }
        (removals, freed)
    }
}

/// One line of what removing an image did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Removal {
    Untagged(String),
    Deleted(String),
}

impl std::fmt::Display for Removal {
    /// As `docker rmi` prints it; `docker image prune` prints the same in lower case.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Removal::Untagged(name) => write!(f, "Untagged: {name}"),
            Removal::Deleted(id) => write!(f, "Deleted: {id}"),
        }
    }
}
