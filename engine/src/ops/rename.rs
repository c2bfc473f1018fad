//! `docker rename`: a container's new name, checked as `run --name` checks one.

use crate::ops::daemon_error;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn rename(&mut self, key: &str, name: &str) -> Reply {
        let name = name.strip_prefix('/').unwrap_or(name);
        let Some(container) = self.find_container(key) else {
            return Reply::err(daemon_error(format!("No such container: {key}")), 1);
        };
        if container.name == name {
            return Reply::err(daemon_error("Renaming a container with the same name as its current name"), 1);
        }
        let id = container.id.clone();
        if let Err(message) = self.check_name(name) {
            return Reply::err(daemon_error(format!("Error when allocating new name: {message}")), 1);
        }
        if let Some(c) = self.container_mut(&id) {
            c.name = name.to_string();
        }
        Reply::default()
    }
}
