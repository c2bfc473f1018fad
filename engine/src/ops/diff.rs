//! `docker diff` and `docker commit`: what a container changed in its thin writable layer, and a
//! new image made by stacking that layer on the container's image.

use crate::container::ContainerId;
use crate::fs::UnionFs;
use crate::image::{History, Image};
use crate::layer::{Entry, LayerError};
use crate::ops::daemon_error;
use crate::reference::Reference;
use crate::time::Timestamp;
use crate::{Engine, Reply};

impl Engine {
    /// A container's filesystem: its image's layers under its writable layer.
    pub fn container_fs(&self, key: &str) -> Option<UnionFs> {
        let container = self.find_container(key)?;
        let image = self.images.images.get(&container.image)?;
        let lower = self.images.layers_of(image).ok()?.into_iter().cloned().collect();
        Some(UnionFs::with_upper(lower, container.rw.clone()))
    }

    /// Writes into a container's writable layer, as its processes and `docker cp` do.
    pub fn write_container_file(&mut self, id: &ContainerId, path: &str, entry: Entry) -> Result<(), LayerError> {
        let Some(mut fs) = self.container_fs(id.as_str()) else { return Ok(()) };
        fs.write(path, entry)?;
        if let Some(container) = self.container_mut(id) {
            container.rw = fs.upper().clone();
        }
        Ok(())
    }

    /// Deletes from a container's filesystem, leaving a whiteout where the image still has the path.
    pub fn remove_container_file(&mut self, id: &ContainerId, path: &str) -> Result<bool, LayerError> {
        let Some(mut fs) = self.container_fs(id.as_str()) else { return Ok(false) };
        let removed = fs.remove(path)?;
        if let Some(container) = self.container_mut(id) {
            container.rw = fs.upper().clone();
        }
        Ok(removed)
    }

    pub(crate) fn diff(&self, key: &str) -> Reply {
        match self.container_fs(key) {
            Some(fs) => {
                Reply::out(fs.changes().iter().map(|(c, p)| format!("{} {p}\n", c.letter())).collect::<String>())
            }
            None => Reply::err(daemon_error(format!("No such container: {key}")), 1),
        }
    }

    pub(crate) fn commit(
        &mut self,
        key: &str,
        repository: Option<&str>,
        message: &str,
        changes: &[String],
        now: Timestamp,
    ) -> Reply {
        let reference = match repository.map(Reference::parse).transpose() {
            Ok(r) => r.map(Reference::with_default_tag),
            Err(e) => {
                let text = repository.unwrap_or_default();
                return Reply::err(
                    format!("Error parsing reference: \"{text}\" is not a valid repository/tag: {e}"),
                    1,
                );
            }
        };
        let Some(container) = self.find_container(key).cloned() else {
            return Reply::err(daemon_error(format!("No such container: {key}")), 1);
        };
        let Some(base) = self.images.images.get(&container.image).cloned() else {
            return Reply::err(daemon_error(format!("No such image: {}", container.image)), 1);
        };
        let mut config = base.config.clone();
        for change in changes {
            if let Err(message) = apply_change(&mut config.config, change) {
                return Reply::err(daemon_error(message), 1);
            }
        }
        let mut layers: Vec<_> = match self.images.layers_of(&base) {
            Ok(layers) => layers.into_iter().cloned().collect(),
            Err(e) => return Reply::err(daemon_error(e), 1),
        };
        // Only a container that changed something adds a layer; otherwise the step is config only.
        let changed = !container.rw.entries.is_empty();
        if changed {
            match container.rw.diff_id() {
                Ok(diff_id) => config.rootfs.diff_ids.push(diff_id),
                Err(e) => return Reply::err(daemon_error(e), 1),
            }
            layers.push(container.rw.clone());
        }
        config.created = now.rfc3339();
        config.history.push(History {
            created: now.rfc3339(),
            created_by: container.command_line(),
            comment: message.to_string(),
            empty_layer: !changed,
        });
        let id = self.images.insert(Image::from_config(config, now), layers);
        if let Some(reference) = reference {
            self.images.tag(&reference, id);
        }
        Reply::out(format!("{id}\n"))
    }
}

/// Applies one `--change` instruction, in Dockerfile syntax, to the image's runtime config.
fn apply_change(config: &mut crate::image::ContainerConfig, change: &str) -> Result<(), String> {
    let change = change.trim();
    let (instruction, rest) = change.split_once(char::is_whitespace).unwrap_or((change, ""));
    let rest = rest.trim();
    // JSON form (`["a","b"]`) is taken as is; shell form runs through /bin/sh -c, as Docker does.
    let command = || -> Vec<String> {
        serde_json::from_str::<Vec<String>>(rest)
            .unwrap_or_else(|_| vec!["/bin/sh".to_string(), "-c".to_string(), rest.to_string()])
    };
    match instruction.to_ascii_uppercase().as_str() {
        "CMD" => config.cmd = command(),
        "ENTRYPOINT" => config.entrypoint = command(),
        "WORKDIR" => config.working_dir = rest.to_string(),
        "ENV" => {
            let (name, value) = rest
                .split_once('=')
                .or_else(|| rest.split_once(char::is_whitespace))
                .ok_or_else(|| "ENV must have two arguments".to_string())?;
            let entry = format!("{}={}", name.trim(), value.trim());
            config.env.retain(|e| e.split('=').next() != Some(name.trim()));
            config.env.push(entry);
        }
        "EXPOSE" | "LABEL" | "ONBUILD" | "USER" | "VOLUME" => {
            return Err(format!(
                "dockyard: {instruction} is a valid change command, but Dockyard's image model does not hold it yet"
            ))
        }
        other => return Err(format!("{other} is not a valid change command")),
    }
    Ok(())
}
