//! `docker image inspect`: an image's metadata as the Engine API's JSON, indented as the CLI does.

use serde::Serialize;

use crate::image::{ContainerConfig, Image, ImageStore};
use crate::ops::daemon_error;
use crate::{Engine, Reply};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectImage<'a> {
    id: String,
    repo_tags: Vec<String>,
    repo_digests: &'a [String],
    parent: &'a str,
    comment: &'a str,
    created: &'a str,
    docker_version: &'a str,
    author: &'a str,
    config: &'a ContainerConfig,
    architecture: &'a str,
    os: &'a str,
    size: u64,
    virtual_size: u64,
    #[serde(rename = "RootFS")]
    root_fs: RootFs,
    metadata: Metadata,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RootFs {
    #[serde(rename = "Type")]
    kind: String,
    layers: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata {
    last_tag_time: &'static str,
}

impl Engine {
    pub(crate) fn image_inspect(&self, keys: &[String]) -> Reply {
        let mut found = Vec::new();
        let mut reply = Reply::default();
        for key in keys {
            match self.images.resolve(key) {
                Some(image) => found.push(self.inspect_one(image)),
                None => {
                    let name = ImageStore::missing_name(key);
                    reply.stderr.push_str(&format!(
                        "{}\n",
                        daemon_error(format!("no such image: {key}: No such image: {name}"))
                    ));
                    reply.exit_code = 1;
                }
            }
        }
        reply.stdout = to_docker_json(&found);
        reply
    }

    fn inspect_one<'a>(&self, image: &'a Image) -> InspectImage<'a> {
        let mut repo_tags: Vec<String> = self.images.tags_of(image.id).iter().map(|r| r.familiar()).collect();
        repo_tags.sort();
        let size = self.images.size_of(image);
        InspectImage {
            id: image.id.to_string(),
            repo_tags,
            repo_digests: &image.repo_digests,
            parent: "",
            comment: "",
            created: &image.config.created,
            docker_version: "",
            author: "",
            config: &image.config.config,
            architecture: &image.config.architecture,
            os: &image.config.os,
            size,
            virtual_size: size,
            root_fs: RootFs {
                kind: image.config.rootfs.kind.clone(),
                layers: image.config.rootfs.diff_ids.iter().map(|d| d.to_string()).collect(),
            },
            metadata: Metadata { last_tag_time: "0001-01-01T00:00:00Z" },
        }
    }
}

/// JSON indented by four spaces, as the docker CLI prints inspect output, with a final newline.
pub(crate) fn to_docker_json<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut serializer).is_err() {
        return "[]\n".to_string();
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}
