//! `docker export`: a container's whole filesystem, its layers flattened into one tar.

use crate::engine::refuse_terminal_output;
use crate::layer::Bytes;
use crate::ops::cp::tree_at;
use crate::ops::daemon_error;
use crate::{Engine, Reply, Step};

impl Engine {
    pub(crate) fn export(&self, key: &str, output: Option<String>) -> Step {
        let Some(fs) = self.container_fs(key) else {
            return Step::Done(Reply::err(daemon_error(format!("No such container: {key}")), 1));
        };
        let Some(path) = output else { return Step::Done(refuse_terminal_output()) };
        // The whole tree from the root: what the container sees, with no whiteouts left in it.
        let tree = tree_at(&fs, "").unwrap_or_default();
        let tar = tree.to_layer("").and_then(|layer| layer.to_tar());
        match tar {
            Ok(bytes) => {
                Step::Write { path, bytes: Bytes::from(bytes), action: "export container", then: Reply::default() }
            }
            Err(e) => Step::Done(Reply::err(daemon_error(e), 1)),
        }
    }
}
