//! `docker history`: the steps that made an image, newest first, with the layer each added.

use crate::format::{ellipsis, human_size, Table};
use crate::image::ImageStore;
use crate::ops::daemon_error;
use crate::time::Timestamp;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn history(&self, key: &str, human: bool, no_trunc: bool, quiet: bool, now: Timestamp) -> Reply {
        let Some(image) = self.images.resolve(key) else {
            return Reply::err(daemon_error(format!("No such image: {}", ImageStore::missing_name(key))), 1);
        };
        let layers = self.images.layers_of(image).unwrap_or_default();
        let mut layer_sizes = layers.iter().map(|l| l.size());
        // Pair each history entry with the layer it made, in build order, then show newest first.
        let mut rows: Vec<(String, String, String, String)> = Vec::new();
        for entry in &image.config.history {
            let size = if entry.empty_layer { 0 } else { layer_sizes.next().unwrap_or(0) };
            let created = match (human, Timestamp::parse_rfc3339(&entry.created)) {
                (true, Some(t)) => format!("{} ago", now.since(t).human()),
                _ => entry.created.clone(),
            };
            let size = if human { human_size(size) } else { size.to_string() };
            let created_by = if no_trunc { entry.created_by.clone() } else { ellipsis(&entry.created_by, 45) };
            rows.push((created, created_by, size, entry.comment.clone()));
        }
        let id = if no_trunc { image.id.to_string() } else { image.id.short() };
        let ids = (0..rows.len()).map(|i| if i == 0 { id.clone() } else { "<missing>".to_string() });
        if quiet {
            return Reply::out(ids.map(|i| format!("{i}\n")).collect::<String>());
        }
        let mut table = Table::new(&["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"]);
        for (image_id, (created, created_by, size, comment)) in ids.zip(rows.into_iter().rev()) {
            table.row(vec![image_id, created, created_by, size, comment]);
        }
        Reply::out(table.render())
    }
}
