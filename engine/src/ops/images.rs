//! `docker images`: one row per tag, newest image first, dangling images as `<none>`.

use crate::format::{human_size, Table};
use crate::time::Timestamp;
use crate::{Engine, Reply};

impl Engine {
    pub(crate) fn images_table(&self, _all: bool, quiet: bool, now: Timestamp) -> Reply {
        let mut images: Vec<_> = self.images.images.values().collect();
        images.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
        if quiet {
            return Reply::out(
                images
                    .iter()
                    .map(|i| format!("{}\n", i.id.short()))
                    .collect::<String>(),
            );
        }
        let mut table = Table::new(&["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]);
        for image in images {
            let created = format!("{} ago", now.since(image.created).human());
            let size = human_size(self.images.size_of(image));
            let mut tags = self.images.tags_of(image.id);
            tags.sort_by_key(|r| r.familiar());
            let names: Vec<(String, String)> = if tags.is_empty() {
                vec![("<none>".into(), "<none>".into())]
            } else {
                tags.iter()
                    .map(|r| {
                        (
                            r.familiar_name(),
                            r.tag.clone().unwrap_or_else(|| "<none>".into()),
                        )
                    })
                    .collect()
            };
            for (repository, tag) in names {
                table.row(vec![
                    repository,
                    tag,
                    image.id.short(),
                    created.clone(),
                    size.clone(),
                ]);
            }
        }
        Reply::out(table.render())
    }
}
