//! `docker system df`: how much room images and containers take, and how much could be freed.

use std::collections::BTreeSet;

use crate::container::ContainerStatus;
use crate::digest::DiffId;
use crate::format::{human_size_digits, Table};
use crate::{Engine, Reply};

/// A size as `system df` prints it, with four significant digits.
fn size(bytes: u64) -> String {
    human_size_digits(bytes, 4)
}

/// "RECLAIMABLE": the freeable bytes and their share of the total, or "0B" when nothing is.
fn reclaimable(bytes: u64, total: u64) -> String {
    if bytes == 0 || total == 0 {
        return "0B".to_string();
    }
    format!("{} ({}%)", size(bytes), bytes * 100 / total)
}

impl Engine {
    pub(crate) fn system_df(&self) -> Reply {
        let used_images: BTreeSet<_> = crate::sort::set(self.containers.iter().map(|c| c.image));
        // Layers shared by several images take room once.
        let layer_bytes = |ids: &mut dyn Iterator<Item = &DiffId>| -> u64 {
            let unique: BTreeSet<&DiffId> = crate::sort::set(ids);
            unique.iter().filter_map(|id| self.images.layers.get(*id)).map(|l| l.size()).sum()
        };
        let images_total = layer_bytes(&mut self.images.images.values().flat_map(|i| i.config.rootfs.diff_ids.iter()));
        let in_use = layer_bytes(
            &mut self
                .images
                .images
                .values()
                .filter(|i| used_images.contains(&i.id))
                .flat_map(|i| i.config.rootfs.diff_ids.iter()),
        );
        let containers_total: u64 = self.containers.iter().map(|c| c.rw.size()).sum();
        let stopped: u64 =
            self.containers.iter().filter(|c| c.state.status != ContainerStatus::Running).map(|c| c.rw.size()).sum();
        let running = self.containers.iter().filter(|c| c.state.status == ContainerStatus::Running).count();

        let mut table = Table::new(&["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"]);
        table.row(vec![
            "Images".into(),
            self.images.images.len().to_string(),
            used_images.iter().filter(|id| self.images.images.contains_key(id)).count().to_string(),
            size(images_total),
            reclaimable(images_total - in_use.min(images_total), images_total),
        ]);
        table.row(vec![
            "Containers".into(),
            self.containers.len().to_string(),
            running.to_string(),
            size(containers_total),
            reclaimable(stopped, containers_total),
        ]);
        let (volumes, active, volume_bytes, unused) = self.volume_usage();
        table.row(vec![
            "Local Volumes".into(),
            volumes.to_string(),
            active.to_string(),
            size(volume_bytes),
            reclaimable(unused, volume_bytes),
        ]);
        // Dockyard has no build cache yet, so there is nothing to count in it.
        table.row(vec!["Build Cache".into(), "0".into(), "0".into(), "0B".into(), "0B".into()]);
        Reply::out(table.render())
    }
}
