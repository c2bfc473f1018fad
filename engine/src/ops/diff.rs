//! `docker diff` and `docker commit`: what a container changed in its thin writable layer, and a
//! new image made by stacking that layer on the container's image.

use crate::container::ContainerId;
use crate::fs::UnionFs;
use crate::image::{Empty, History, Image};
use crate::layer::{Entry, Layer, LayerError};
use crate::ops::daemon_error;
use crate::reference::Reference;
use crate::time::Timestamp;
use crate::volume;
use crate::{Engine, Reply};

impl Engine {
    /// A container's filesystem as its processes see it: its image's layers under its writable
    /// layer, with its volumes mounted.
    pub fn container_fs(&self, key: &str) -> Option<UnionFs> {
        let container = self.find_container(key)?;
        let image = self.images.images.get(&container.image)?;
        let lower = self.images.layers_of(image).ok()?.into_iter().cloned().collect();
        let upper = volume::overlay(&container.rw, &container.mounts, &self.volumes);
        Some(UnionFs::with_upper(lower, upper))
    }

    /// The container's own layers, without its volumes: what `docker diff` compares.
    fn container_layers_fs(&self, key: &str) -> Option<UnionFs> {
        let container = self.find_container(key)?;
        let image = self.images.images.get(&container.image)?;
        let lower = self.images.layers_of(image).ok()?.into_iter().cloned().collect();
        Some(UnionFs::with_upper(lower, container.rw.clone()))
    }

    /// Takes back the upper layer a process or an edit left over [`Engine::container_fs`]: what
    /// lies under a mount point goes to its volume, the rest to the container's writable layer.
    pub(crate) fn store_upper(&mut self, id: &ContainerId, upper: Layer) {
        let Some(container) = self.containers.iter().find(|c| &c.id == id) else { return };
        let (own, data) = volume::split(upper, &container.mounts);
        for (name, layer) in data {
            if let Some(volume) = self.volumes.get_mut(&name) {
                volume.data = layer;
            }
        }
        if let Some(container) = self.container_mut(id) {
            container.rw = own;
        }
    }

    /// Changes a container's filesystem through `edit`, keeping what it wrote in the container's
    /// writable layer and its volumes. `None` if there is no such container.
    pub(crate) fn edit_container_fs<R>(&mut self, id: &ContainerId, edit: impl FnOnce(&mut UnionFs) -> R) -> Option<R> {
        let mut fs = self.container_fs(id.as_str())?;
        let result = edit(&mut fs);
        self.store_upper(id, fs.upper().clone());
        Some(result)
    }

    /// Writes into a container's writable layer, as its processes and `docker cp` do.
    pub fn write_container_file(&mut self, id: &ContainerId, path: &str, entry: Entry) -> Result<(), LayerError> {
        self.edit_container_fs(id, |fs| fs.write(path, entry)).unwrap_or(Ok(()))
    }

    /// Deletes from a container's filesystem, leaving a whiteout where the image still has the path.
    pub fn remove_container_file(&mut self, id: &ContainerId, path: &str) -> Result<bool, LayerError> {
        self.edit_container_fs(id, |fs| fs.remove(path)).unwrap_or(Ok(false))
    }

    pub(crate) fn diff(&self, key: &str) -> Reply {
        match self.container_layers_fs(key) {
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
        "USER" => config.user = rest.to_string(),
        "STOPSIGNAL" => config.stop_signal = rest.to_string(),
        "ONBUILD" => config.on_build.push(rest.to_string()),
        "EXPOSE" => {
            for port in rest.split_whitespace() {
                let port = if port.contains('/') { port.to_ascii_lowercase() } else { format!("{port}/tcp") };
                config.exposed_ports.insert(port, Empty {});
            }
        }
        "VOLUME" => {
            let paths = serde_json::from_str::<Vec<String>>(rest)
                .unwrap_or_else(|_| rest.split_whitespace().map(str::to_string).collect());
            for path in paths {
                config.volumes.insert(path, Empty {});
            }
        }
        "LABEL" => {
            let words = crate::cli::split(rest).map_err(|e| e.to_string())?;
            if words.is_empty() {
                return Err("LABEL requires at least one argument".to_string());
            }
            for word in words {
                let (key, value) =
                    word.split_once('=').ok_or_else(|| format!("LABEL must have two arguments: {word}"))?;
                config.labels.insert(key.to_string(), value.to_string());
            }
        }
        other => return Err(format!("{other} is not a valid change command")),
    }
    Ok(())
}
