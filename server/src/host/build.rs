//! `docker build` on the real daemon from the build context in the browser: the page sends the
//! Dockerfile tab's files as a tar, checked here (size, paths inside the context, plain files and
//! folders only), and the daemon's classic builder builds it with no network for its RUN steps
//! with memory and CPU limits, streaming its steps as they run. The image carries the
//! session's labels, so it goes with the session (or `docker rmi`), and a build may not take a
//! tag of an image that is not the session's own, nor may another session run it.

use std::collections::HashMap;

use axum::body::Bytes;
use bollard::query_parameters::{
    BuildImageOptionsBuilder, BuilderVersion, ListImagesOptionsBuilder, RemoveImageOptionsBuilder,
    TagImageOptionsBuilder,
};
use dockyard_engine::cli::BuildOptions;
use dockyard_engine::reference::Reference;
use dockyard_engine::tar::TarKind;
use futures_util::StreamExt;

use super::allowlist::{Refusal, Rule, MAX_MEMORY, NANO_CPUS};
use super::output::daemon_error;
use super::session::SESSION_LABEL;
use super::stream::Out;
use super::{HostReply, Scope};

/// The largest build context the page may send.
pub const MAX_CONTEXT_BYTES: usize = 32 << 20;

/// Images one session may build and keep.
pub const MAX_IMAGES: usize = 10;

/// The classic builder's CPU period, in microseconds; its quota is one CPU of it.
const CPU_PERIOD: i32 = 100_000;

/// Checks a context the page sent: a readable tar within the size limit, whose every entry is a
/// plain file or folder at a relative path that stays inside the context.
pub fn check_context(context: &[u8]) -> Result<(), Refusal> {
    let refuse = |detail: String| Refusal::new(Rule::BuildContext, detail);
    if context.len() > MAX_CONTEXT_BYTES {
        return Err(refuse(format!("the build context is larger than {} MiB", MAX_CONTEXT_BYTES >> 20)));
    }
    let entries = dockyard_engine::tar::read(context).map_err(|e| refuse(format!("the build context: {e}")))?;
    for entry in entries {
        let path = entry.path.trim_end_matches('/');
        let outside = path.starts_with('/') || path.split('/').any(|part| part == "..");
        if outside {
            return Err(refuse(format!("{} is outside the build context", entry.path)));
        }
        if !matches!(entry.kind, TarKind::File | TarKind::Dir) {
            return Err(refuse(format!("{} is not a plain file or folder", entry.path)));
        }
    }
    Ok(())
}

/// `docker build` of the context the page sent.
pub async fn build(scope: &Scope<'_>, options: BuildOptions, context: Option<Vec<u8>>, out: &mut Out) -> i32 {
    if options.check {
        return out.relay(HostReply::error("dockyard: host mode's docker build does not take --check", 1));
    }
    let Some(context) = context else {
        return out.relay(HostReply::error(
            "dockyard: host mode builds the files of the Dockerfile tab: open it, then run docker build .",
            1,
        ));
    };
    if let Err(refusal) = check_context(&context) {
        return out.relay(HostReply::refused(refusal));
    }
    // The daemon finds the Dockerfile inside the context; a path that leaves it is not sent.
    if let Some(file) = &options.file {
        if file.starts_with('/') || file.split('/').any(|part| part == "..") {
            return out.relay(HostReply::refused(Refusal::new(
                Rule::BuildContext,
                format!("-f {file}: the Dockerfile must be inside the build context"),
            )));
        }
    }
    if let Err(refusal) = within_quota(scope).await {
        return out.relay(HostReply::refused(refusal));
    }
    let mut tags = Vec::new();
    for tag in &options.tags {
        match Reference::parse(tag) {
            Ok(reference) => tags.push(reference.with_default_tag()),
            Err(e) => {
                return out
                    .relay(HostReply::error(format!("invalid argument \"{tag}\" for \"-t, --tag\" flag: {e}"), 125))
            }
        }
        if let Err(refusal) = own_or_new(scope, tag).await {
            return out.relay(HostReply::refused(refusal));
        }
    }
    let build_args: HashMap<String, String> = options
        .build_args
        .iter()
        // `NAME` alone takes the client's variable, and the page has none.
        .filter_map(|arg| arg.split_once('='))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    let labels = scope.session.labels(scope.instance);
    let first_tag = tags.first().map(|t| t.to_string());
    let mut builder = BuildImageOptionsBuilder::default()
        .dockerfile(options.file.as_deref().unwrap_or("Dockerfile"))
        .q(options.quiet || options.progress.as_deref() == Some("quiet"))
        .nocache(options.no_cache)
        .rm(true)
        .forcerm(true)
        // RUN steps get no network, and the limits a container gets.
        .networkmode("none")
        .memory(MAX_MEMORY as i32)
        .memswap(MAX_MEMORY as i32)
        .cpuperiod(CPU_PERIOD)
        .cpuquota((CPU_PERIOD as i64 * NANO_CPUS / 1_000_000_000) as i32)
        .buildargs(&build_args)
        .labels(&labels)
        .version(BuilderVersion::BuilderV1);
    if let Some(tag) = &first_tag {
        builder = builder.t(tag);
    }
    if let Some(target) = &options.target {
        builder = builder.target(target);
    }
    let mut stream = scope.docker.build_image(builder.build(), None, Some(bollard::body_full(Bytes::from(context))));
    let deadline = tokio::time::sleep(out.limit());
    let mut deadline = std::pin::pin!(deadline);
    let mut image = None;
    // The image each step made, the base image first: what a failed build leaves behind.
    let mut steps = Vec::new();
    let failed = loop {
        let event = tokio::select! {
            event = stream.next() => event,
            _ = out.interrupted() => break HostReply::error("dockyard: build interrupted", 130),
            _ = &mut deadline => break HostReply::error("dockyard: the build took too long; stopped it", 1),
        };
        match event {
            Some(Ok(info)) => {
                if let Some(text) = info.stream.as_deref().or(info.status.as_deref()) {
                    steps.extend(step_image(text));
                    out.stdout(text);
                }
                if let Some(error) = info.error_detail.and_then(|d| d.message) {
                    break HostReply::error(error, 1);
                }
                if let Some(id) = info.aux.and_then(|aux| aux.id) {
                    image = Some(id);
                }
            }
            Some(Err(e)) => break daemon_error(scope, "", &e, 1),
            None => break HostReply::default(),
        }
    };
    if failed.exit_code != 0 {
        drop(stream);
        remove_leftover(scope, &steps).await;
        return out.relay(failed);
    }
    // The daemon tags the first; the CLI sends every -t, which bollard's one `t` cannot.
    if let Some(image) = &image {
        for tag in tags.iter().skip(1) {
            let options = TagImageOptionsBuilder::default()
                .repo(&tag.repository())
                .tag(tag.tag.as_deref().unwrap_or("latest"))
                .build();
            if let Err(e) = scope.docker.tag_image(image, Some(options)).await {
                return out.relay(daemon_error(scope, "", &e, 1));
            }
            out.stdout(&format!("Successfully tagged {}\n", tag.familiar()));
        }
    }
    0
}

/// The image id in the classic builder's ` ---> 0123456789ab` line, which ends a step.
fn step_image(text: &str) -> Option<String> {
    let id = text.trim().strip_prefix("---> ")?;
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_string())
}

/// Removes the image of the last step a failed build finished: it carries no session label (the
/// builder adds those last), so nothing else would. The base image, and an image that is tagged
/// or has children (another build's), stay; removing it removes its untagged parents too.
async fn remove_leftover(scope: &Scope<'_>, steps: &[String]) {
    let Some(last) = steps.last().filter(|_| steps.len() > 1) else { return };
    match scope.docker.inspect_image(last).await {
        Ok(image) if image.repo_tags.as_ref().is_none_or(|tags| tags.is_empty()) => {
            let _ = scope.docker.remove_image(last, None::<bollard::query_parameters::RemoveImageOptions>, None).await;
        }
        _ => {}
    }
}

/// The session that built an image, if one did.
fn builder_of(image: bollard::models::ImageInspect) -> Option<String> {
    image.config.and_then(|c| c.labels).and_then(|mut labels| labels.remove(SESSION_LABEL))
}

/// A tag a build may take: one no image has yet, or one of an image this session built.
async fn own_or_new(scope: &Scope<'_>, tag: &str) -> Result<(), Refusal> {
    let Ok(image) = scope.docker.inspect_image(tag).await else { return Ok(()) };
    if builder_of(image).as_deref() == Some(scope.session.as_str()) {
        return Ok(());
    }
    Err(Refusal::new(
        Rule::OwnSessionOnly,
        format!("{tag} names an image this session did not build; images are shared, so tag the build with a new name"),
    ))
}

/// Whether a container may be made from `image`: false when the daemon does not have it, and a
/// refusal when another session built it, so one session's build cannot stand in for an image
/// another session runs.
pub async fn image_for_run(scope: &Scope<'_>, image: &str) -> Result<bool, Refusal> {
    let Ok(found) = scope.docker.inspect_image(image).await else { return Ok(false) };
    match builder_of(found) {
        Some(session) if session != scope.session.as_str() => {
            Err(Refusal::new(Rule::OwnSessionOnly, format!("image {image} was built by another session")))
        }
        _ => Ok(true),
    }
}

/// Refuses a build once the session has built as many images as it may keep.
async fn within_quota(scope: &Scope<'_>) -> Result<(), Refusal> {
    let options = ListImagesOptionsBuilder::default().filters(&scope.session.filter()).build();
    let built = scope.docker.list_images(Some(options)).await.map(|list| list.len()).unwrap_or(0);
    if built >= MAX_IMAGES {
        return Err(Refusal::new(
            Rule::Quota,
            format!("a session keeps at most {MAX_IMAGES} images it built; docker rmi one first"),
        ));
    }
    Ok(())
}

/// `docker rmi` of images this session built; the shared ones are not the session's to remove.
pub async fn rmi(scope: &Scope<'_>, names: &[String], force: bool, no_prune: bool) -> HostReply {
    let mut reply = HostReply::default();
    for name in names {
        let image = match scope.docker.inspect_image(name).await {
            Ok(image) => image,
            Err(e) => {
                let failed = daemon_error(scope, "", &e, 1);
                reply.stderr.push_str(&failed.stderr);
                reply.exit_code = 1;
                continue;
            }
        };
        if builder_of(image).as_deref() != Some(scope.session.as_str()) {
            let refusal =
                Refusal::new(Rule::OwnSessionOnly, format!("{name} is shared; a session removes only images it built"));
            reply.stderr.push_str(&format!("{refusal}\n"));
            reply.exit_code = 1;
            continue;
        }
        let options = RemoveImageOptionsBuilder::default().force(force).noprune(no_prune).build();
        match scope.docker.remove_image(name, Some(options), None).await {
            Ok(items) => {
                for item in items {
                    if let Some(untagged) = item.untagged {
                        reply.stdout.push_str(&format!("Untagged: {untagged}\n"));
                    }
                    if let Some(deleted) = item.deleted {
                        reply.stdout.push_str(&format!("Deleted: {deleted}\n"));
                    }
                }
            }
            Err(e) => {
                reply.stderr.push_str(&daemon_error(scope, "", &e, 1).stderr);
                reply.exit_code = 1;
            }
        }
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockyard_engine::layer::{Entry, Layer};

    fn context(files: &[(&str, &str)]) -> Vec<u8> {
        let mut layer = Layer::default();
        for (path, text) in files {
            layer.insert(path, Entry::file(text.as_bytes().to_vec(), 0o644)).unwrap();
        }
        layer.to_tar().unwrap()
    }

    #[test]
    fn a_step_ends_with_its_image_id() {
        assert_eq!(step_image(" ---> 2b1b3b5dcbec\n"), Some("2b1b3b5dcbec".into()));
        assert_eq!(step_image(" ---> Running in a0530af48491\n"), None);
        assert_eq!(step_image(" ---> Using cache\n"), None);
        assert_eq!(step_image("Step 1/3 : FROM busybox"), None);
    }

    #[test]
    fn a_context_of_files_inside_it_passes() {
        assert_eq!(check_context(&context(&[("Dockerfile", "FROM busybox\n"), ("site/index.html", "hi")])), Ok(()));
    }

    #[test]
    fn a_context_that_reaches_outside_or_is_too_big_or_not_a_tar_is_refused() {
        // A hand-made header, since the engine's writer never makes such a path.
        let mut header = [0u8; 512];
        header[..12].copy_from_slice(b"../etc/motd\0");
        header[100..108].copy_from_slice(b"0000644\0");
        header[124..136].copy_from_slice(b"00000000000\0");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|&b| b as u32).sum();
        header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let mut escaping = header.to_vec();
        escaping.extend_from_slice(&[0u8; 1024]);
        let refusal = check_context(&escaping).unwrap_err();
        assert_eq!(refusal.rule, Rule::BuildContext);
        assert!(refusal.detail.contains("outside the build context"), "{}", refusal.detail);

        let big = vec![0u8; MAX_CONTEXT_BYTES + 1];
        assert!(check_context(&big).unwrap_err().detail.contains("larger than"));
        assert!(check_context(b"not a tar archive, only some words").is_err());
    }
}
