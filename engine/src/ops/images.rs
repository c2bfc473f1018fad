//! `docker images`: one row per tag, newest image first, dangling images as `<none>`, with
//! Docker's filters (`dangling`, `reference`, `before`, `since`) and columns.

use serde_json::json;

use crate::cli::ImagesOptions;
use crate::digest::ImageId;
use crate::format::{human_size, human_size_digits, CustomFormat, FormatContext, Table};
use crate::image::Image;
use crate::ops::daemon_error;
use crate::reference::Reference;
use crate::time::Timestamp;
use crate::{Engine, Reply};

/// Docker 20.10's image context: the type its template errors name, and its columns' headers.
const IMAGE_CONTEXT: FormatContext = FormatContext {
    type_name: "*formatter.imageContext",
    headers: &[
        ("ID", "IMAGE ID"),
        ("Repository", "REPOSITORY"),
        ("Tag", "TAG"),
        ("Digest", "DIGEST"),
        ("CreatedSince", "CREATED"),
        ("CreatedAt", "CREATED AT"),
        ("Size", "SIZE"),
        ("Containers", "CONTAINERS"),
        ("VirtualSize", "SIZE"),
        ("SharedSize", "SHARED SIZE"),
        ("UniqueSize", "UNIQUE SIZE"),
    ],
};

/// The rows an image gets: one per tag, or one `<none>` row when it has none.
fn names(tags: &[Reference]) -> Vec<(String, String)> {
    if tags.is_empty() {
        return vec![("<none>".into(), "<none>".into())];
    }
    tags.iter().map(|r| (r.familiar_name(), r.tag.clone().unwrap_or_else(|| "<none>".into()))).collect()
}

/// The image's digest in `repository`, or `<none>`.
fn digest_of(image: &Image, repository: &str) -> String {
    image
        .repo_digests
        .iter()
        .find_map(|d| d.strip_prefix(&format!("{repository}@")).map(str::to_string))
        .unwrap_or_else(|| "<none>".into())
}

/// A time as Go's `time.Time.String` prints a UTC time: `2026-05-01 00:00:00 +0000 UTC`.
fn go_time_string(t: Timestamp) -> String {
    let text = t.rfc3339();
    format!("{} +0000 UTC", text.trim_end_matches('Z').replacen('T', " ", 1))
}

/// One `--filter`, checked before any image is listed.
enum Filter {
    Dangling(bool),
    Reference(String),
    Before(Timestamp),
    Since(Timestamp),
}

impl Engine {
    pub(crate) fn images_table(&self, options: &ImagesOptions, now: Timestamp) -> Reply {
        let filters = match self.parse_image_filters(options) {
            Ok(filters) => filters,
            Err(reply) => return reply,
        };
        // A build step's intermediate images show only with `-a`.
        let intermediates = self.images.intermediates();
        let mut images: Vec<&Image> =
            self.images.images.values().filter(|image| options.all || !intermediates.contains(&image.id)).collect();
        crate::sort::sort_by(&mut images, |a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
        // Each image with the tags the filters keep; `None` means shown untagged.
        let mut rows: Vec<(&Image, Vec<Reference>)> = Vec::new();
        for image in images {
            let mut tags = self.images.tags_of(image.id);
            crate::sort::sort_by_key(&mut tags, |r| r.familiar());
            let dangling = tags.is_empty();
            let mut keep = true;
            for filter in &filters {
                match filter {
                    Filter::Dangling(want) => keep &= dangling == *want,
                    Filter::Before(t) => keep &= image.created < *t,
                    Filter::Since(t) => keep &= image.created > *t,
                    Filter::Reference(pattern) => {
                        tags.retain(|r| glob(pattern, &r.familiar_name()) || glob(pattern, &r.familiar()));
                        keep &= !tags.is_empty();
                    }
                }
            }
            if keep {
                rows.push((image, tags));
            }
        }
        let id_text = |id: ImageId| if options.no_trunc { id.to_string() } else { id.short() };
        if let Some(format) = options.format.as_deref().filter(|f| *f != "table") {
            return self.images_formatted(format, options, &rows, now);
        }
        if options.quiet {
            let mut ids: Vec<String> = rows.iter().map(|(image, _)| id_text(image.id)).collect();
            ids.dedup();
            return Reply::out(ids.iter().map(|i| format!("{i}\n")).collect::<String>());
        }
        let mut header = vec!["REPOSITORY", "TAG"];
        if options.digests {
            header.push("DIGEST");
        }
        header.extend(["IMAGE ID", "CREATED", "SIZE"]);
        let mut table = Table::new(&header);
        for (image, tags) in &rows {
            let created = format!("{} ago", now.since(image.created).human());
            let size = human_size(self.images.size_of(image));
            for (repository, tag) in names(tags) {
                let mut row = vec![repository.clone(), tag];
                if options.digests {
                    row.push(digest_of(image, &repository));
                }
                row.extend([id_text(image.id), created.clone(), size.clone()]);
                table.row(row);
            }
        }
        Reply::out(table.render())
    }

    /// `docker images --format`: each row as docker's image context, through the template.
    fn images_formatted(
        &self,
        format: &str,
        options: &ImagesOptions,
        rows: &[(&Image, Vec<Reference>)],
        now: Timestamp,
    ) -> Reply {
        // Docker adds the digest column to a table that asks for digests without naming it, and
        // looks digests up only when they are shown.
        let mut format = format.to_string();
        if format.starts_with("table") && options.digests && !format.contains("{{.Digest}}") {
            format.push_str("\\t{{.Digest}}");
        }
        let need_digest = options.digests || format.contains("{{.Digest}}");
        let mut items = Vec::new();
        for (image, tags) in rows {
            // The API reports whole seconds.
            let created = Timestamp::from_secs(image.created.as_nanos() / 1_000_000_000);
            let size = self.images.size_of(image);
            let id = if options.no_trunc { image.id.to_string() } else { image.id.short() };
            for (repository, tag) in names(tags) {
                let digest =
                    if need_digest && !tags.is_empty() { digest_of(image, &repository) } else { "<none>".into() };
                items.push(json!({
                    "Containers": "N/A",
                    "CreatedAt": go_time_string(created),
                    "CreatedSince": format!("{} ago", now.since(created).human()),
                    "Digest": digest,
                    "ID": id,
                    "Repository": repository,
                    "SharedSize": "N/A",
                    "Size": human_size(size),
                    "Tag": tag,
                    "UniqueSize": "N/A",
                    "VirtualSize": human_size_digits(size, 4),
                }));
            }
        }
        match CustomFormat::parse(&format).and_then(|f| f.render(&items, IMAGE_CONTEXT)) {
            Ok(out) => Reply::out(out),
            Err(e) => Reply::err(e.to_string(), 1),
        }
    }

    fn parse_image_filters(&self, options: &ImagesOptions) -> Result<Vec<Filter>, Reply> {
        let mut filters = Vec::new();
        // `docker images NAME[:TAG]` is a reference filter in disguise.
        if let Some(repository) = &options.repository {
            filters.push(Filter::Reference(repository.clone()));
        }
        for text in &options.filters {
            let Some((key, value)) = text.split_once('=') else {
                return Err(Reply::err(
                    format!("invalid argument \"{text}\" for \"-f, --filter\" flag: bad format of filter (expected name=value)\nSee 'docker images --help'."),
                    125,
                ));
            };
            let invalid = || Reply::err(daemon_error(format!("Invalid filter '{text}'")), 1);
            let image_time = |value: &str| match self.images.resolve(value) {
                Some(image) => Ok(image.created),
                None => Err(Reply::err(daemon_error(format!("No such image: {value}")), 1)),
            };
            filters.push(match key {
                "dangling" => match value.to_ascii_lowercase().as_str() {
                    "true" | "1" => Filter::Dangling(true),
                    "false" | "0" => Filter::Dangling(false),
                    _ => return Err(invalid()),
                },
                "reference" => Filter::Reference(value.to_string()),
                "before" => Filter::Before(image_time(value)?),
                "since" => Filter::Since(image_time(value)?),
                _ => return Err(Reply::err(daemon_error(format!("Invalid filter '{key}'")), 1)),
            });
        }
        Ok(filters)
    }
}

/// Shell-style matching as Go's `path.Match` does it for references: `*` and `?` never cross `/`.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).take_while(|&i| i == 0 || t[i - 1] != '/').any(|i| go(&p[1..], &t[i..])),
            Some('?') => t.first().is_some_and(|c| *c != '/') && go(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    go(&p, &t)
}

#[cfg(test)]
mod tests {
    use super::glob;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn globs_match_like_path_match() {
        assert!(glob("hello*", "hello-world"));
        assert!(glob("*:latest", "hello-world:latest"));
        assert!(glob("h?llo-world", "hello-world"));
        assert!(!glob("*", "team/app"));
        assert!(glob("team/*", "team/app"));
        assert!(!glob("hello", "hello-world"));
    }
}
