//! `docker history`: the steps that made an image, newest first, with the layer each added, as
//! Docker's table or through a `--format` template.

use serde_json::json;

use crate::format::{ellipsis, human_size, CustomFormat, FormatContext, Table};
use crate::image::ImageStore;
use crate::ops::daemon_error;
use crate::time::Timestamp;
use crate::{Engine, Reply};

/// The flags of `docker history`.
pub(crate) struct HistoryOptions<'a> {
    pub human: bool,
    pub no_trunc: bool,
    pub quiet: bool,
    pub format: Option<&'a str>,
}

/// Docker 20.10's history context: the type its template errors name, and its columns' headers.
const HISTORY_CONTEXT: FormatContext = FormatContext {
    type_name: "*image.historyContext",
    headers: &[
        ("ID", "IMAGE"),
        ("CreatedSince", "CREATED"),
        ("CreatedAt", "CREATED AT"),
        ("CreatedBy", "CREATED BY"),
        ("Size", "SIZE"),
        ("Comment", "COMMENT"),
    ],
};

/// One line of history, newest first, as the Engine API reports it.
struct Entry {
    id: String,
    created: Timestamp,
    created_by: String,
    size: u64,
    comment: String,
}

impl Engine {
    pub(crate) fn history(&self, key: &str, options: HistoryOptions<'_>, now: Timestamp) -> Reply {
        let Some(image) = self.images.resolve(key) else {
            return Reply::err(daemon_error(format!("No such image: {}", ImageStore::missing_name(key))), 1);
        };
        let layers = self.images.layers_of(image).unwrap_or_default();
        let mut layer_sizes = layers.iter().map(|l| l.size());
        // Pair each history entry with the layer it made, in build order, then show newest first.
        let mut entries: Vec<Entry> = Vec::new();
        for entry in &image.config.history {
            let size = if entry.empty_layer { 0 } else { layer_sizes.next().unwrap_or(0) };
            // The API reports whole seconds; a time it cannot read is the epoch.
            let created = Timestamp::parse_rfc3339(&entry.created).unwrap_or_default();
            let created = Timestamp::from_secs(created.as_nanos() / 1_000_000_000);
            let id = "<missing>".to_string();
            entries.push(Entry {
                id,
                created,
                created_by: entry.created_by.clone(),
                size,
                comment: entry.comment.clone(),
            });
        }
        entries.reverse();
        // As Docker fills them in: the image's id on the newest entry, then its parent's on the
        // next, and so on while the parents are here (a build's steps); the rest are missing.
        let mut chain = Some(image);
        for entry in entries.iter_mut() {
            let Some(current) = chain else { break };
            entry.id = current.id.to_string();
            chain = current.parent.and_then(|p| self.images.images.get(&p));
        }
        let id = |entry: &Entry| match entry.id.strip_prefix("sha256:") {
            Some(hex) if !options.no_trunc => hex.chars().take(12).collect(),
            _ => entry.id.clone(),
        };
        let created_at = |entry: &Entry| entry.created.rfc3339();
        let created_since = |entry: &Entry| match options.human {
            true => format!("{} ago", now.since(entry.created).human()),
            false => created_at(entry),
        };
        let created_by = |entry: &Entry| {
            let text = entry.created_by.replace('\t', " ");
            if options.no_trunc {
                text
            } else {
                ellipsis(&text, 45)
            }
        };
        let size = |entry: &Entry| if options.human { human_size(entry.size) } else { entry.size.to_string() };
        if let Some(format) = options.format.filter(|f| *f != "table") {
            let items: Vec<serde_json::Value> = entries
                .iter()
                .map(|e| {
                    json!({
                        "Comment": e.comment, "CreatedAt": created_at(e), "CreatedBy": created_by(e),
                        "CreatedSince": created_since(e), "ID": id(e), "Size": size(e),
                    })
                })
                .collect();
            return match CustomFormat::parse(format).and_then(|f| f.render(&items, HISTORY_CONTEXT)) {
                Ok(out) => Reply::out(out),
                Err(e) => Reply::err(e.to_string(), 1),
            };
        }
        if options.quiet {
            return Reply::out(entries.iter().map(|e| format!("{}\n", id(e))).collect::<String>());
        }
        let mut table = Table::new(&["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"]);
        for e in &entries {
            table.row(vec![id(e), created_since(e), created_by(e), size(e), e.comment.clone()]);
        }
        Reply::out(table.render())
    }
}
