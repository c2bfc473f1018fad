//! `docker image inspect`: an image's metadata as the Engine API's JSON, indented as the CLI does,
//! or through a `--format` template.

use serde::Serialize;

use crate::image::{ContainerConfig, Image, ImageStore};
use crate::ops::daemon_error;
use crate::template::{Shape, Template, MAX_OUTPUT};
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
    config: InspectConfig<'a>,
    architecture: &'a str,
    os: &'a str,
    size: u64,
    virtual_size: u64,
    #[serde(rename = "RootFS")]
    root_fs: RootFs,
    metadata: Metadata,
}

/// An image's `Config` as the Engine API shows it: every field of Docker's container config, with
/// `null` for what is unset, so templates such as `{{.Config.Labels}}` find the keys they name.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectConfig<'a> {
    hostname: &'a str,
    domainname: &'a str,
    user: &'a str,
    attach_stdin: bool,
    attach_stdout: bool,
    attach_stderr: bool,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    exposed_ports: &'a std::collections::BTreeMap<String, crate::image::Empty>,
    tty: bool,
    open_stdin: bool,
    stdin_once: bool,
    env: Option<&'a [String]>,
    cmd: Option<&'a [String]>,
    image: &'a str,
    volumes: Option<&'a std::collections::BTreeMap<String, crate::image::Empty>>,
    working_dir: &'a str,
    entrypoint: Option<&'a [String]>,
    on_build: Option<&'a [String]>,
    labels: Option<&'a std::collections::BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "str::is_empty")]
    stop_signal: &'a str,
}

impl<'a> InspectConfig<'a> {
    fn new(config: &'a ContainerConfig) -> Self {
        fn list(items: &[String]) -> Option<&[String]> {
            (!items.is_empty()).then_some(items)
        }
        fn map<V>(items: &std::collections::BTreeMap<String, V>) -> Option<&std::collections::BTreeMap<String, V>> {
            (!items.is_empty()).then_some(items)
        }
        InspectConfig {
            hostname: "",
            domainname: "",
            user: &config.user,
            attach_stdin: false,
            attach_stdout: false,
            attach_stderr: false,
            exposed_ports: &config.exposed_ports,
            tty: false,
            open_stdin: false,
            stdin_once: false,
            env: list(&config.env),
            cmd: list(&config.cmd),
            image: "",
            volumes: map(&config.volumes),
            working_dir: &config.working_dir,
            entrypoint: list(&config.entrypoint),
            on_build: list(&config.on_build),
            labels: map(&config.labels),
            stop_signal: &config.stop_signal,
        }
    }
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
    pub(crate) fn image_inspect(&self, keys: &[String], format: Option<&str>) -> Reply {
        if let Some(format) = format {
            return self.image_inspect_formatted(keys, format);
        }
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

    /// Runs the template over each image's JSON. Docker tries its typed struct first and falls
    /// back to the JSON as a map with `missingkey=error`; the JSON is what Dockyard has, so the
    /// errors are the fallback's. A bad template stops before any image is looked up (exit 64);
    /// an image that is missing or fails the template is reported after the others print.
    fn image_inspect_formatted(&self, keys: &[String], format: &str) -> Reply {
        let template = match Template::parse(format) {
            Ok(t) => t,
            Err(e) => return Reply::err(format!("template parsing error: {e}"), 64),
        };
        let mut out = String::new();
        let mut errors = Vec::new();
        for key in keys {
            let Some(image) = self.images.resolve(key) else {
                let name = ImageStore::missing_name(key);
                errors.push(daemon_error(format!("no such image: {key}: No such image: {name}")));
                continue;
            };
            let json = crate::json::to_value(&self.inspect_one(image));
            match template.execute(&json, Shape::Map { missing_key_error: true }) {
                Ok(text) if out.len() + text.len() < MAX_OUTPUT => {
                    out.push_str(&text);
                    out.push('\n');
                }
                Ok(_) => {
                    errors.push(format!("template parsing error: template: : output is larger than {MAX_OUTPUT} bytes"))
                }
                Err(e) => errors.push(format!("template parsing error: {e}")),
            }
        }
        // The CLI prints an empty line when nothing was written.
        if out.is_empty() {
            out.push('\n');
        }
        let mut reply = Reply::out(out);
        if !errors.is_empty() {
            reply.stderr = format!("{}\n", errors.join("\n"));
            reply.exit_code = 1;
        }
        reply
    }

    /// An image's inspect JSON, for `docker inspect` as well.
    pub(crate) fn image_json(&self, image: &Image) -> serde_json::Value {
        crate::json::to_value(&self.inspect_one(image))
    }

    fn inspect_one<'a>(&self, image: &'a Image) -> InspectImage<'a> {
        let mut repo_tags: Vec<String> = self.images.tags_of(image.id).iter().map(|r| r.familiar()).collect();
        crate::sort::sort(&mut repo_tags);
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
            config: InspectConfig::new(&image.config.config),
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
/// Runs `--format`'s template over each object's inspect JSON, one line each, as the CLI does:
/// over the JSON as a map with `missingkey=error`. Failures, and output past the template
/// engine's limit, go to `errors`.
pub fn render_each(template: &Template, found: &[serde_json::Value], errors: &mut Vec<String>) -> String {
    let mut out = String::new();
    for json in found {
        match template.execute(json, Shape::Map { missing_key_error: true }) {
            Ok(text) if out.len() + text.len() < MAX_OUTPUT => {
                out.push_str(&text);
                out.push('\n');
            }
            Ok(_) => {
                errors.push(format!("template parsing error: template: : output is larger than {MAX_OUTPUT} bytes"))
            }
            Err(e) => errors.push(format!("template parsing error: {e}")),
        }
    }
    out
}

pub fn to_docker_json<T: Serialize>(value: &T) -> String {
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
