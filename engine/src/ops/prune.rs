//! `docker image prune`: delete dangling images, or with `-a` every image no container uses,
//! after asking, as Docker asks, unless `-f`.

use std::collections::BTreeSet;

use crate::cli::Command;
use crate::digest::ImageId;
use crate::format::human_size_digits;
use crate::image::Image;
use crate::ops::daemon_error;
use crate::ops::rmi::Removal;
use crate::time::Timestamp;
use crate::{Engine, Reply, Step};

/// The filters `image prune` takes, checked before anything is asked or deleted.
#[derive(Default)]
struct PruneFilters {
    until: Option<Timestamp>,
    /// `label=key` or `label=key=value`, each of which an image must have.
    labels: Vec<(String, Option<String>)>,
    /// `label!=...`, none of which an image may have.
    not_labels: Vec<(String, Option<String>)>,
}

impl PruneFilters {
    fn parse(texts: &[String], now: Timestamp) -> Result<Self, Reply> {
        let mut filters = PruneFilters::default();
        for text in texts {
            let Some((key, value)) = text.split_once('=') else {
                return Err(Reply::err(
                    format!("invalid argument \"{text}\" for \"--filter\" flag: bad format of filter (expected name=value)\nSee 'docker image prune --help'."),
                    125,
                ));
            };
            let label = || match value.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (value.to_string(), None),
            };
            match key {
                "until" if filters.until.is_some() => {
                    return Err(Reply::err(daemon_error("more than one until filter specified"), 1))
                }
                "until" => {
                    let until = Timestamp::parse_docker(value, now).ok_or_else(|| {
                        Reply::err(
                            daemon_error(format!(
                                "failed to parse value as time or duration: \"{value}\" (use a duration such as 24h or a time such as 2026-05-01T00:00:00)"
                            )),
                            1,
                        )
                    })?;
                    filters.until = Some(until);
                }
                "label" => filters.labels.push(label()),
                // `label!=x` splits at its `=`, leaving the `!` on the key.
                "label!" => filters.not_labels.push(label()),
                _ => return Err(Reply::err(daemon_error(format!("invalid filter '{key}'")), 1)),
            }
        }
        Ok(filters)
    }

    fn keep(&self, image: &Image) -> bool {
        let labels = &image.config.config.labels;
        let has = |(key, value): &(String, Option<String>)| match value {
            Some(v) => labels.get(key) == Some(v),
            None => labels.contains_key(key),
        };
        self.until.is_none_or(|until| image.created < until)
            && self.labels.iter().all(has)
            && !self.not_labels.iter().any(has)
    }
}

impl Engine {
    pub(crate) fn image_prune(&mut self, all: bool, force: bool, texts: &[String], now: Timestamp) -> Step {
        let filters = match PruneFilters::parse(texts, now) {
            Ok(filters) => filters,
            Err(reply) => return Step::Done(reply),
        };
        if !force {
            let what = if all {
                "all images without at least one container associated to them"
            } else {
                "all dangling images"
            };
            return Step::Confirm {
                prompt: format!("WARNING! This will remove {what}.\nAre you sure you want to continue? [y/N] "),
                command: Command::ImagePrune { all, force: true, filters: texts.to_vec() },
                // Docker 20.10 reports an unconfirmed prune as one that freed nothing.
                declined: Reply::out("Total reclaimed space: 0B\n"),
            };
        }
        let used: BTreeSet<ImageId> = crate::sort::set(self.containers.iter().map(|c| c.image));
        // A dangling image is an untagged one that no other image is built on: a build's
        // intermediate images stay as the cache of the image they made.
        let intermediates = self.images.intermediates();
        let doomed: Vec<ImageId> = self
            .images
            .images
            .values()
            .filter(|image| !used.contains(&image.id))
            .filter(|image| all || (self.images.tags_of(image.id).is_empty() && !intermediates.contains(&image.id)))
            .filter(|image| filters.keep(image))
            .map(|image| image.id)
            .collect();
        let mut removals = Vec::new();
        let mut freed = 0;
        for id in doomed {
            for reference in self.images.tags_of(id) {
                self.images.untag(&reference);
                removals.push(Removal::Untagged(reference.familiar()));
            }
            let (removed, bytes) = self.delete_untagged(id);
            removals.extend(removed);
            freed += bytes;
        }
        let mut out = String::new();
        if !removals.is_empty() {
            out.push_str("Deleted Images:\n");
            for removal in &removals {
                match removal {
                    Removal::Untagged(name) => out.push_str(&format!("untagged: {name}\n")),
                    Removal::Deleted(id) => out.push_str(&format!("deleted: {id}\n")),
                }
            }
            out.push('\n');
        }
        out.push_str(&format!("Total reclaimed space: {}\n", human_size_digits(freed, 4)));
        Step::Done(Reply::out(out))
    }
}
