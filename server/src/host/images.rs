//! Images on the real daemon: `images`, `history`, `image inspect`, `pull` with Docker's plain
//! progress lines as they come, and `version`. Images are shared by the sessions; a session adds
//! its own only by `build`.

use bollard::models::CreateImageInfo;
use bollard::query_parameters::{CreateImageOptionsBuilder, ListImagesOptionsBuilder};
use dockyard_engine::cli::ImagesOptions;
use dockyard_engine::format::{human_size, Table};
use dockyard_engine::reference::Reference;
use futures_util::StreamExt;

use super::output::{ago, daemon_error, inspect_output, short_id};
use super::stream::Out;
use super::{HostReply, Scope};

/// `docker images` (`-a`, `-q`, `--no-trunc`, `--digests`, and a repository to match).
pub async fn images(scope: &Scope<'_>, options: ImagesOptions) -> HostReply {
    if options.format.is_some() || !options.filters.is_empty() {
        return HostReply::error("dockyard: host mode's docker images takes -a, -q, --no-trunc and a repository", 1);
    }
    let list = match scope.docker.list_images(Some(ListImagesOptionsBuilder::default().all(options.all).build())).await
    {
        Ok(list) => list,
        Err(e) => return daemon_error(scope, "", &e, 1),
    };
    let mut rows = Vec::new();
    for image in &list {
        let id = if options.no_trunc { image.id.clone() } else { short_id(&image.id) };
        let tags = if image.repo_tags.is_empty() { vec!["<none>:<none>".to_string()] } else { image.repo_tags.clone() };
        for tag in tags {
            let (repository, tag) = tag.rsplit_once(':').unwrap_or((&tag, "<none>"));
            if options
                .repository
                .as_deref()
                .is_some_and(|wanted| wanted != repository && wanted != format!("{repository}:{tag}"))
            {
                continue;
            }
            rows.push((
                image.created,
                [
                    repository.to_string(),
                    tag.to_string(),
                    id.clone(),
                    ago(image.created),
                    human_size(image.size.max(0) as u64),
                ],
            ));
        }
    }
    // Newest first, as the docker CLI sorts; an image's tags stay in the order the daemon lists
    // them (a stable sort), as the CLI shows them.
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    // As the docker CLI, `-q` prints a row's id per row: an image with two tags, twice.
    if options.quiet {
        return HostReply::out(rows.iter().map(|(_, r)| format!("{}\n", r[2])).collect::<String>());
    }
    let mut table = Table::new(&["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]);
    for (_, row) in rows {
        table.row(row.to_vec());
    }
    HostReply::out(table.render())
}

/// `docker history`.
pub async fn history(scope: &Scope<'_>, image: &str, quiet: bool, no_trunc: bool) -> HostReply {
    let entries = match scope.docker.image_history(image).await {
        Ok(entries) => entries,
        Err(e) => return daemon_error(scope, "", &e, 1),
    };
    let id_of = |id: &str| match (id, no_trunc) {
        ("<missing>", _) => "<missing>".to_string(),
        (id, true) => id.to_string(),
        (id, false) => short_id(id),
    };
    if quiet {
        return HostReply::out(entries.iter().map(|e| format!("{}\n", id_of(&e.id))).collect::<String>());
    }
    let mut table = Table::new(&["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"]);
    for entry in &entries {
        let created_by = entry.created_by.replace('\t', " ");
        let created_by = if no_trunc { created_by } else { dockyard_engine::format::ellipsis(&created_by, 45) };
        table.row(vec![
            id_of(&entry.id),
            ago(entry.created),
            created_by,
            human_size(entry.size.max(0) as u64),
            entry.comment.clone(),
        ]);
    }
    HostReply::out(table.render())
}

/// `docker image inspect`.
pub async fn inspect(scope: &Scope<'_>, names: &[String], format: Option<String>) -> HostReply {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for name in names {
        match scope.docker.inspect_image(name).await {
            Ok(image) => found.push(serde_json::to_value(image).unwrap_or_default()),
            Err(e) => errors.push(daemon_error(scope, "", &e, 1).stderr.trim_end().to_string()),
        }
    }
    inspect_output(scope, found, format, errors)
}

/// `docker pull`, printing what the docker CLI prints without a terminal as the daemon reports
/// it: a line per layer event that changes its state, the digest, the status and the reference.
/// `docker run` shows a pull's progress on standard error (`progress_to_stderr`). Ctrl-C ends it.
pub async fn pull(scope: &Scope<'_>, image: &str, quiet: bool, progress_to_stderr: bool, out: &mut Out) -> i32 {
    let reference = match Reference::parse(image) {
        Ok(reference) => reference,
        Err(e) => return out.relay(HostReply::error(e.to_string(), 1)),
    };
    let progress = |out: &mut Out, text: &str| match (quiet, progress_to_stderr) {
        (true, _) => {}
        (false, true) => out.stderr(text),
        (false, false) => out.stdout(text),
    };
    if reference.tag.is_none() && reference.digest.is_none() {
        progress(out, "Using default tag: latest\n");
    }
    let reference = reference.with_default_tag();
    // A digest goes where the tag would, as the docker CLI sends it.
    let tag = match &reference.digest {
        Some(digest) => digest.to_string(),
        None => reference.tag.clone().unwrap_or_default(),
    };
    let options = CreateImageOptionsBuilder::default().from_image(&reference.repository()).tag(&tag).build();
    let mut stream = scope.docker.create_image(Some(options), None, None);
    loop {
        let event = tokio::select! {
            event = stream.next() => event,
            _ = out.interrupted() => return out.relay(HostReply::error("dockyard: pull interrupted", 130)),
        };
        match event {
            Some(Ok(info)) => {
                if let Some(line) = progress_line(&info) {
                    progress(out, &line);
                }
            }
            // `docker run` words the error as its own.
            Some(Err(e)) => {
                return out.relay(daemon_error(scope, if progress_to_stderr { "docker: " } else { "" }, &e, 1))
            }
            None => break,
        }
    }
    if quiet || !progress_to_stderr {
        out.stdout(&format!("{reference}\n"));
    } else {
        out.stderr(&format!("{reference}\n"));
    }
    0
}

/// The line the docker CLI prints without a terminal for one of the daemon's pull events, if any:
/// byte counts move a bar on a terminal, and without one docker prints only changes of state.
pub fn progress_line(info: &CreateImageInfo) -> Option<String> {
    let status = info.status.as_deref().unwrap_or_default();
    if status.is_empty() || matches!(status, "Downloading" | "Extracting" | "Waiting") {
        return None;
    }
    Some(match &info.id {
        Some(id) => format!("{id}: {status}\n"),
        None => format!("{status}\n"),
    })
}

/// `docker version`: the real client Dockyard stands for, and the real daemon's answer.
pub async fn version(scope: &Scope<'_>) -> HostReply {
    match scope.docker.version().await {
        Ok(v) => HostReply::out(format!(
            "Server: Docker Engine (reached through Dockyard's host mode)\n Engine:\n  Version:          {}\n  API version:      {}\n  Go version:       {}\n  OS/Arch:          {}/{}\n",
            v.version.unwrap_or_default(),
            v.api_version.unwrap_or_default(),
            v.go_version.unwrap_or_default(),
            v.os.unwrap_or_default(),
            v.arch.unwrap_or_default(),
        )),
        Err(e) => daemon_error(scope, "", &e, 1),
    }
}

/// The most image bytes the pictures' export carries; larger images are left out of it.
const MAX_EXPORT_BYTES: i64 = 64 << 20;

/// A `docker save` archive of the daemon's tagged images (as many as fit the limit), which the
/// page loads into an engine of its own to draw real images as the same stacks of layers.
pub async fn export(scope: &Scope<'_>) -> Result<Vec<u8>, String> {
    let list = scope
        .docker
        .list_images(None::<bollard::query_parameters::ListImagesOptions>)
        .await
        .map_err(|e| super::daemon_message(&e))?;
    let mut names = Vec::new();
    let mut total = 0;
    for image in list {
        // Docker 20.10 lists an untagged image's tags as `<none>:<none>`, which no save takes.
        let tags: Vec<String> = image.repo_tags.into_iter().filter(|t| t != "<none>:<none>").collect();
        if tags.is_empty() || total + image.size > MAX_EXPORT_BYTES {
            continue;
        }
        total += image.size;
        names.extend(tags);
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut archive = Vec::new();
    let mut stream = scope.docker.export_images(&names);
    while let Some(chunk) = stream.next().await {
        archive.extend_from_slice(&chunk.map_err(|e| super::daemon_message(&e))?);
    }
    Ok(archive)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events as a daemon sent them for `docker pull busybox`, in the shape bollard reads them.
    fn recorded() -> Vec<CreateImageInfo> {
        let json = r#"[
            {"status":"Pulling from library/busybox","id":"latest"},
            {"status":"Pulling fs layer","id":"9ad63333ebc9"},
            {"status":"Downloading","progressDetail":{"current":23476,"total":2224044},"id":"9ad63333ebc9"},
            {"status":"Verifying Checksum","id":"9ad63333ebc9"},
            {"status":"Download complete","id":"9ad63333ebc9"},
            {"status":"Extracting","progressDetail":{"current":65536,"total":2224044},"id":"9ad63333ebc9"},
            {"status":"Pull complete","id":"9ad63333ebc9"},
            {"status":"Digest: sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79"},
            {"status":"Status: Downloaded newer image for busybox:latest"}
        ]"#;
        serde_json::from_str(json).expect("recorded events")
    }

    #[test]
    fn pull_progress_prints_changes_of_state_as_docker_does_without_a_terminal() {
        let lines: String = recorded().iter().filter_map(progress_line).collect();
        assert_eq!(
            lines,
            "latest: Pulling from library/busybox\n9ad63333ebc9: Pulling fs layer\n9ad63333ebc9: Verifying Checksum\n\
             9ad63333ebc9: Download complete\n9ad63333ebc9: Pull complete\n\
             Digest: sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79\n\
             Status: Downloaded newer image for busybox:latest\n"
        );
    }
}
