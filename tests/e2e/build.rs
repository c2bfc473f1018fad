//! Builds, compared with Docker's own: the same Dockerfiles built by `dockyard build` (on the
//! `toolbox` image) and by the private Docker Engine's classic builder (on `busybox`) must give
//! the same number of layers, the same history, the same files in each layer, and the same
//! cache hits and misses when rebuilt.

use std::path::Path;
use std::process::Command;

use crate::harness::{docker_host, dockyard, text, TempHome};

/// Dockerfiles whose `RUN` lines mean the same to busybox's shell and the toolbox's. The base
/// image comes in as a build argument, so the text is the same for both builders.
const DOCKERFILES: &[(&str, &str)] = &[
    (
        "everything",
        "ARG BASE\n\
         FROM $BASE\n\
         LABEL maintainer=\"me\" version=1\n\
         ENV APP=/app GREETING=\"hi there\"\n\
         ARG FLAVOR=plain\n\
         WORKDIR /app\n\
         COPY a.txt .\n\
         COPY sub /app/sub/\n\
         RUN echo $GREETING $FLAVOR > out.txt && mkdir -p /var/x\n\
         RUN rm /app/a.txt\n\
         EXPOSE 80 443/tcp\n\
         VOLUME /data\n\
         USER nobody\n\
         ENTRYPOINT [\"sh\", \"-c\"]\n\
         CMD [\"echo hi\"]\n\
         STOPSIGNAL SIGTERM\n\
         HEALTHCHECK --interval=5s CMD true\n\
         SHELL [\"/bin/sh\", \"-c\"]\n",
    ),
    (
        "stages",
        "ARG BASE\n\
         FROM $BASE AS build\n\
         RUN mkdir -p /out && echo made > /out/x && echo more > /out/y\n\
         FROM $BASE\n\
         WORKDIR /srv\n\
         COPY --from=build /out /copied/\n\
         COPY *.txt notes/\n\
         RUN cat /copied/x > /srv/seen && rm /copied/y\n",
    ),
];

fn write_context(dir: &Path, dockerfile: &str) {
    std::fs::create_dir_all(dir.join("sub")).expect("context folder");
    std::fs::write(dir.join("Dockerfile"), dockerfile).expect("Dockerfile");
    std::fs::write(dir.join("a.txt"), "hello\n").expect("a.txt");
    std::fs::write(dir.join("b.txt"), "bee\n").expect("b.txt");
    std::fs::write(dir.join("sub/b.txt"), "x\n").expect("sub/b.txt");
}

fn docker_build(dir: &Path, tag: &str) -> String {
    let out = Command::new("docker")
        .args(["-H", &docker_host(), "build", "--build-arg", "BASE=busybox", "-t", tag])
        .arg(dir)
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .expect("the docker CLI runs");
    assert!(out.status.success(), "docker build failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

fn dockyard_build(home: &TempHome, dir: &Path, tag: &str) -> String {
    let dir = dir.to_str().expect("utf-8 path");
    let out = dockyard(home, &["build", "--build-arg", "BASE=toolbox", "-t", tag, dir]);
    assert!(out.status.success(), "dockyard build failed:\n{}\n{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

/// The history after the base image's entries, with the content checksums Docker and Dockyard
/// compute differently (`file:<hex>`) reduced to their kind.
fn history(json: &str, base_entries: usize) -> Vec<(String, bool)> {
    let config: serde_json::Value = serde_json::from_str(json).expect("a config");
    let entries = config["history"].as_array().expect("history");
    entries[base_entries..]
        .iter()
        .map(|h| {
            let created_by = h["created_by"].as_str().unwrap_or_default();
            let words: Vec<String> = created_by
                .split(' ')
                .map(|w| match w.split_once(':') {
                    Some((kind @ ("file" | "dir" | "multi"), hex)) if hex.len() == 64 => format!("{kind}:*"),
                    _ => w.to_string(),
                })
                .collect();
            (words.join(" "), h["empty_layer"].as_bool().unwrap_or(false))
        })
        .collect()
}

/// Each layer's entries as `kind mode size path`, and a file's content, sorted: what a layer
/// changes, without owners and times, which differ between any two builds.
fn layers(archive: &Path, skip: usize) -> (Vec<Vec<String>>, String) {
    let dir = archive.with_extension("x");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder to unpack into");
    let status = Command::new("tar").arg("-xf").arg(archive).arg("-C").arg(&dir).status().expect("tar runs");
    assert!(status.success());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest")).expect("json");
    let config = std::fs::read_to_string(dir.join(manifest[0]["Config"].as_str().expect("config"))).expect("config");
    let mut listed = Vec::new();
    for layer in manifest[0]["Layers"].as_array().expect("layers").iter().skip(skip) {
        let tar = dir.join(layer.as_str().expect("a layer path"));
        let listing = Command::new("tar").arg("-tvf").arg(&tar).output().expect("tar lists");
        let mut entries: Vec<String> = text(&listing.stdout)
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let (mode, size, path) = (fields[0], fields[2], fields[5..].join(" "));
                let path = path.trim_end_matches('/').to_string();
                let content = match mode.starts_with('-') {
                    true => {
                        let out = Command::new("tar").arg("-xOf").arg(&tar).arg(&path).output().expect("tar reads");
                        format!(" {:?}", text(&out.stdout))
                    }
                    false => String::new(),
                };
                // A directory's size is whatever its filesystem said; it is not content.
                let size = if mode.starts_with('d') { "-" } else { size };
                format!("{mode} {size} {path}{content}")
            })
            .collect();
        entries.sort();
        listed.push(entries);
    }
    (listed, config)
}

#[test]
fn dockyard_builds_what_dockers_classic_builder_builds() {
    let home = TempHome::new("build-fidelity");
    for (name, dockerfile) in DOCKERFILES {
        let dir = home.0.join(name);
        write_context(&dir, dockerfile);
        let tag = format!("fidelity-{name}");
        docker_build(&dir, &tag);
        dockyard_build(&home, &dir, &tag);
        let theirs_tar = home.0.join(format!("{name}-docker.tar"));
        let ours_tar = home.0.join(format!("{name}-dockyard.tar"));
        let saved = Command::new("docker")
            .args(["-H", &docker_host(), "save", "-o"])
            .arg(&theirs_tar)
            .arg(&tag)
            .output()
            .expect("docker save");
        assert!(saved.status.success(), "{}", text(&saved.stderr));
        let saved = dockyard(&home, &["save", "-o", ours_tar.to_str().expect("utf-8"), &tag]);
        assert!(saved.status.success(), "{}", text(&saved.stderr));
        // busybox and toolbox are each one layer with one history entry (toolbox has two:
        // its COPY and its CMD).
        let (theirs, their_config) = layers(&theirs_tar, 1);
        let (ours, our_config) = layers(&ours_tar, 1);
        assert_eq!(history(&our_config, 2), history(&their_config, 1), "{name}: the history differs");
        assert_eq!(ours.len(), theirs.len(), "{name}: the number of layers differs");
        for (i, (ours, theirs)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(ours, theirs, "{name}: layer {i} after the base differs");
        }
        let _ = Command::new("docker").args(["-H", &docker_host(), "rmi", &tag]).output();
    }
}

/// Which steps came from the cache, in order.
fn cache_pattern(output: &str) -> Vec<(String, bool)> {
    let mut steps = Vec::new();
    let mut lines = output.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(step) = line.strip_prefix("Step ") {
            let hit = lines.peek().is_some_and(|next| *next == " ---> Using cache");
            steps.push((step.to_string(), hit));
        }
    }
    steps
}

#[test]
fn the_cache_hits_and_misses_as_dockers_does() {
    let home = TempHome::new("build-cache");
    let dir = home.0.join("ctx");
    write_context(&dir, DOCKERFILES[0].1);
    docker_build(&dir, "cache-check");
    dockyard_build(&home, &dir, "cache-check");
    // Touching a file changes nothing; editing one misses from its COPY on.
    let touch = Command::new("touch").arg(dir.join("a.txt")).status().expect("touch");
    assert!(touch.success());
    let (theirs, ours) = (docker_build(&dir, "cache-check"), dockyard_build(&home, &dir, "cache-check"));
    assert_eq!(cache_pattern(&ours), cache_pattern(&theirs), "after a touch:\n{ours}");
    std::fs::write(dir.join("a.txt"), "edited\n").expect("edit");
    let (theirs, ours) = (docker_build(&dir, "cache-check"), dockyard_build(&home, &dir, "cache-check"));
    let pattern = cache_pattern(&ours);
    assert_eq!(pattern, cache_pattern(&theirs), "after an edit:\n{ours}");
    assert!(pattern.iter().any(|(_, hit)| *hit) && pattern.iter().any(|(_, hit)| !*hit), "{pattern:?}");
    let _ = Command::new("docker").args(["-H", &docker_host(), "rmi", "cache-check"]).output();
}
