//! `docker rmi`: untag images, and delete them and their layers when nothing else needs them.

use crate::container::ContainerStatus;
use crate::digest::ImageId;
use crate::image::ImageStore;
use crate::ops::daemon_error;
use crate::reference::Reference;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn rmi(&mut self, force: bool, keys: &[String]) -> Reply {
        let mut reply = Reply::default();
        for key in keys {
            match self.rmi_one(force, key) {
                Ok(lines) => reply.stdout.push_str(&lines),
                Err(message) => {
                    reply.stderr.push_str(&format!("{}\n", daemon_error(message)));
                    reply.exit_code = 1;
                }
            }
        }
        reply
    }

    fn rmi_one(&mut self, force: bool, key: &str) -> Result<String, String> {
        let image =
            self.images.resolve(key).ok_or_else(|| format!("No such image: {}", ImageStore::missing_name(key)))?;
        let id = image.id;
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
        }
        Ok(out)
    }

    fn delete_image(&mut self, id: ImageId) -> String {
        let mut out = String::new();
        if let Some(image) = self.images.images.get(&id) {
            for digest in &image.repo_digests {
                out.push_str(&format!("Untagged: {digest}\n"));
            }
        }
        out.push_str(&format!("Deleted: {id}\n"));
        // Layers are named by ChainID, top first; a layer another image shares is not deleted.
        for chain_id in self.images.remove(id) {
            out.push_str(&format!("Deleted: {chain_id}\n"));
        }
        out
    }
}
