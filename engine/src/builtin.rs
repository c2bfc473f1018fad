//! The built-in images on the simulated Docker Hub, made from the WASI programs the host supplies.

use std::collections::BTreeMap;

use crate::image::{ContainerConfig, Empty, History, Image, ImageConfig, RootFs};
use crate::layer::{Bytes, Entry, Layer};
use crate::reference::DEFAULT_DOMAIN;
use crate::registry::{Registry, RegistryError};
use crate::time::Timestamp;

/// When the built-in images were made, fixed so their ids are the same on every machine.
pub const BUILT_AT: Timestamp = Timestamp(1_777_593_600 * 1_000_000_000);

/// The comment BuildKit writes on every history entry of a Dockerfile build.
const BUILDKIT_COMMENT: &str = "buildkit.dockerfile.v0";

/// The PATH Docker gives a container when the image sets none.
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The WASI programs built from `workloads/`, by name (`hello`). Hosts embed them; the engine only reads them.
#[derive(Debug, Clone, Default)]
pub struct Programs(pub BTreeMap<String, Bytes>);

impl Programs {
    pub fn with(mut self, name: &str, module: &[u8]) -> Self {
        self.0.insert(name.to_string(), Bytes::from(module));
        self
    }
}

/// Why the built-in images could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuiltinError {
    #[error("the host supplied no program named {0:?}; build workloads/ first")]
    MissingProgram(String),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Layer(#[from] crate::layer::LayerError),
}

/// The commands of the `toolbox` image, each a hard link to the one multi-call program, as
/// busybox's image holds its applets.
pub const TOOLBOX_APPLETS: &[&str] = &[
    "[", "basename", "cat", "cp", "curl", "date", "dirname", "echo", "env", "false", "grep", "head", "hostname", "id",
    "ln", "ls", "mkdir", "mv", "printenv", "printf", "pwd", "rm", "rmdir", "sed", "seq", "sh", "sleep", "sort", "spin",
    "stat", "tail", "tee", "test", "touch", "tr", "true", "uname", "uniq", "wc", "whoami", "yes",
];

/// The page the `web` image serves until the learner puts their own in its place.
const WEB_INDEX: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Welcome to web!</title>
<style>
body { font-family: sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em; line-height: 1.5; }
code, pre { background: #f0f0f0; padding: 0 .25em; }
</style>
</head>
<body>
<h1>Welcome to web!</h1>
<p>If you can read this page, it came from inside a Dockyard container. The <code>web</code>
program in the container listens on the container's port 80; the port you published with
<code>-p</code> carried your request in and this page back out.</p>
<p>Every request is logged: <code>docker logs CONTAINER</code> shows a line for this one.</p>
<p>To serve a page of your own, copy it in and restart the container:</p>
<pre>docker cp index.html CONTAINER:/usr/share/web/index.html
docker restart CONTAINER</pre>
</body>
</html>
"#;

/// The version tag of the built-in images besides `latest`.
pub const VERSION_TAG: &str = "1";

/// The simulated Docker Hub with every built-in image. `hello-world` is required; an image whose
/// program the host did not supply (a test's host, say) is left out.
pub fn docker_hub(programs: &Programs) -> Result<Registry, BuiltinError> {
    let mut hub = Registry::new(DEFAULT_DOMAIN);
    let hello = programs.0.get("hello").ok_or_else(|| BuiltinError::MissingProgram("hello".into()))?;
    let (image, layers) = single_program_image(hello.clone(), "hello", &["/hello"])?;
    hub.put("library/hello-world", "latest", &image, layers)?;
    // The other images have a version tag too, as real ones do, so that a Dockerfile can pin
    // its base (`FROM toolbox:1`) as the lint advises.
    type Make = fn(Bytes) -> Result<(Image, Vec<Layer>), BuiltinError>;
    let versioned: [(&str, Make); 3] = [("toolbox", toolbox_image), ("web", web_image), ("kv", kv_image)];
    for (name, make) in versioned {
        if let Some(program) = programs.0.get(name) {
            let (image, layers) = make(program.clone())?;
            hub.put(&format!("library/{name}"), VERSION_TAG, &image, layers.clone())?;
            hub.put(&format!("library/{name}"), "latest", &image, layers)?;
        }
    }
    Ok(hub)
}

/// `web`: a static web server and its welcome page, as this Dockerfile would build it:
///
/// ```text
/// FROM scratch
/// COPY web /usr/bin/web
/// COPY index.html /usr/share/web/
/// EXPOSE 80
/// CMD ["web"]
/// ```
fn web_image(module: Bytes) -> Result<(Image, Vec<Layer>), BuiltinError> {
    let mut program = Layer::default();
    program.insert("usr/bin/web", Entry::file(module, 0o755))?;
    let mut site = Layer::default();
    site.insert("usr/share/web/index.html", Entry::file(WEB_INDEX.as_bytes(), 0o644))?;
    let config = ContainerConfig {
        exposed_ports: [("80/tcp".to_string(), Empty {})].into(),
        env: vec![DEFAULT_PATH.to_string()],
        cmd: vec!["web".to_string()],
        ..Default::default()
    };
    scratch_image(
        vec![(program, "COPY web /usr/bin/web # buildkit"), (site, "COPY index.html /usr/share/web/ # buildkit")],
        config,
        &["EXPOSE map[80/tcp:{}]", "CMD [\"web\"]"],
    )
}

/// `kv`: a key-value store over HTTP whose data lives in a volume, as this Dockerfile would
/// build it:
///
/// ```text
/// FROM scratch
/// COPY kv /usr/bin/kv
/// VOLUME ["/data"]
/// EXPOSE 8000
/// CMD ["kv"]
/// ```
fn kv_image(module: Bytes) -> Result<(Image, Vec<Layer>), BuiltinError> {
    let mut program = Layer::default();
    program.insert("usr/bin/kv", Entry::file(module, 0o755))?;
    let config = ContainerConfig {
        exposed_ports: [("8000/tcp".to_string(), Empty {})].into(),
        env: vec![DEFAULT_PATH.to_string()],
        cmd: vec!["kv".to_string()],
        volumes: [("/data".to_string(), Empty {})].into(),
        ..Default::default()
    };
    scratch_image(
        vec![(program, "COPY kv /usr/bin/kv # buildkit")],
        config,
        &["VOLUME [/data]", "EXPOSE map[8000/tcp:{}]", "CMD [\"kv\"]"],
    )
}

/// An image built `FROM scratch` by BuildKit: a layer per `COPY` and a history entry for each,
/// then an empty-layer entry for each instruction that only sets the config (written as
/// BuildKit writes them: `EXPOSE map[80/tcp:{}]`, `VOLUME [/data]`).
fn scratch_image(
    copies: Vec<(Layer, &str)>,
    config: ContainerConfig,
    instructions: &[&str],
) -> Result<(Image, Vec<Layer>), BuiltinError> {
    let created = BUILT_AT.rfc3339();
    let entry = |created_by: &str, empty_layer: bool| History {
        created: created.clone(),
        created_by: created_by.to_string(),
        comment: BUILDKIT_COMMENT.to_string(),
        empty_layer,
    };
    let mut history = Vec::new();
    let mut diff_ids = Vec::new();
    let mut layers = Vec::new();
    for (layer, created_by) in copies {
        history.push(entry(created_by, false));
        diff_ids.push(layer.diff_id()?);
        layers.push(layer);
    }
    history.extend(instructions.iter().map(|instruction| entry(instruction, true)));
    let config = ImageConfig {
        architecture: "wasm".to_string(),
        config,
        created: created.clone(),
        history,
        os: "linux".to_string(),
        rootfs: RootFs { kind: "layers".to_string(), diff_ids },
    };
    Ok((Image::from_config(config, BUILT_AT), layers))
}

/// `toolbox`: a small Unix in one layer, the way busybox is one: `/bin/toolbox` and a hard link to
/// it for each applet, the usual top-level directories, and `sh` as the command.
fn toolbox_image(module: Bytes) -> Result<(Image, Vec<Layer>), BuiltinError> {
    let mut layer = Layer::default();
    for dir in ["etc", "home", "root", "usr/bin", "var"] {
        layer.insert(dir, Entry::dir(0o755))?;
    }
    // Everyone may write to /tmp, and only the owner may delete there (the sticky bit).
    layer.insert("tmp", Entry::dir(0o1777))?;
    layer.insert("root", Entry::dir(0o700))?;
    layer.insert(
        "etc/passwd",
        Entry::file(&b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"[..], 0o644),
    )?;
    layer.insert("etc/group", Entry::file(&b"root:x:0:\nnobody:x:65534:\n"[..], 0o644))?;
    layer.insert("bin/toolbox", Entry::file(module, 0o755))?;
    for applet in TOOLBOX_APPLETS {
        layer.insert(&format!("bin/{applet}"), Entry::hardlink("bin/toolbox"))?;
    }
    let created = BUILT_AT.rfc3339();
    let history = |created_by: &str, empty_layer: bool| History {
        created: created.clone(),
        created_by: created_by.to_string(),
        comment: BUILDKIT_COMMENT.to_string(),
        empty_layer,
    };
    let config = ImageConfig {
        architecture: "wasm".to_string(),
        config: ContainerConfig {
            env: vec![DEFAULT_PATH.to_string()],
            cmd: vec!["sh".to_string()],
            ..Default::default()
        },
        created: created.clone(),
        history: vec![history("COPY rootfs / # buildkit", false), history("CMD [\"sh\"]", true)],
        os: "linux".to_string(),
        rootfs: RootFs { kind: "layers".to_string(), diff_ids: vec![layer.diff_id()?] },
    };
    Ok((Image::from_config(config, BUILT_AT), vec![layer]))
}

/// An image of one layer holding one program at `/<name>`, whose Cmd runs it.
fn single_program_image(module: Bytes, name: &str, cmd: &[&str]) -> Result<(Image, Vec<Layer>), BuiltinError> {
    let mut layer = Layer::default();
    layer.insert(name, Entry::file(module, 0o755))?;
    let created = BUILT_AT.rfc3339();
    let cmd: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    let config = ImageConfig {
        architecture: "wasm".to_string(),
        config: ContainerConfig { env: vec![DEFAULT_PATH.to_string()], cmd: cmd.clone(), ..Default::default() },
        created: created.clone(),
        history: vec![
            History {
                created: created.clone(),
                created_by: format!("COPY {name} / # buildkit"),
                comment: BUILDKIT_COMMENT.to_string(),
                empty_layer: false,
            },
            History {
                created,
                created_by: format!("CMD {}", serde_json::to_string(&cmd).unwrap_or_default()),
                comment: BUILDKIT_COMMENT.to_string(),
                empty_layer: true,
            },
        ],
        // The programs are WASI modules, but Docker Engine (20.10 at least) refuses to load an image
        // whose OS is not its own, and `docker save` into a real Docker is part of the lessons.
        // So the platform is linux/wasm: Docker accepts it, and shows truthfully that it cannot
        // run it natively.
        os: "linux".to_string(),
        rootfs: RootFs { kind: "layers".to_string(), diff_ids: vec![layer.diff_id()?] },
    };
    Ok((Image::from_config(config, BUILT_AT), vec![layer]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Reference;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const MODULE: &[u8] = b"\0asm\x01\0\0\0";

    fn pull(hub: &Registry, name: &str) -> Option<crate::registry::Pulled> {
        hub.pull(&Reference::parse(name).ok()?.with_default_tag()).ok()
    }

    #[test]
    fn toolbox_applets_are_sorted_and_unique() {
        assert!(TOOLBOX_APPLETS.windows(2).all(|w| w[0] < w[1]), "{TOOLBOX_APPLETS:?}");
    }

    #[test]
    fn web_and_kv_are_on_the_hub_when_their_programs_are_supplied() {
        let all = Programs::default().with("hello", MODULE).with("web", MODULE).with("kv", MODULE);
        let hub = docker_hub(&all).unwrap();

        let web = pull(&hub, "web").expect("web is on the hub");
        let config = &web.image.config.config;
        assert_eq!(config.exposed_ports.keys().collect::<Vec<_>>(), ["80/tcp"]);
        assert_eq!(config.cmd, ["web"]);
        assert!(config.volumes.is_empty());
        assert_eq!(web.layers.len(), 2);
        assert!(web.layers[0].get("usr/bin/web").is_some());
        assert!(web.layers[1].get("usr/share/web/index.html").is_some());
        let history: Vec<(&str, bool)> =
            web.image.config.history.iter().map(|h| (h.created_by.as_str(), h.empty_layer)).collect();
        assert_eq!(
            history,
            [
                ("COPY web /usr/bin/web # buildkit", false),
                ("COPY index.html /usr/share/web/ # buildkit", false),
                ("EXPOSE map[80/tcp:{}]", true),
                ("CMD [\"web\"]", true),
            ]
        );

        let kv = pull(&hub, "kv").expect("kv is on the hub");
        let config = &kv.image.config.config;
        assert_eq!(config.exposed_ports.keys().collect::<Vec<_>>(), ["8000/tcp"]);
        assert_eq!(config.volumes.keys().collect::<Vec<_>>(), ["/data"]);
        assert_eq!(config.cmd, ["kv"]);
        assert_eq!(kv.image.config.history.iter().filter(|h| !h.empty_layer).count(), kv.layers.len());
        let json = String::from_utf8(kv.image.config.to_json()).unwrap();
        assert!(json.contains(r#""ExposedPorts":{"8000/tcp":{}}"#), "{json}");
        assert!(json.contains(r#""Volumes":{"/data":{}}"#), "{json}");
    }

    #[test]
    fn images_whose_program_is_missing_are_left_out() {
        let hub = docker_hub(&Programs::default().with("hello", MODULE)).unwrap();
        assert!(pull(&hub, "hello-world").is_some());
        for name in ["toolbox", "web", "kv"] {
            assert!(pull(&hub, name).is_none(), "{name} should be missing");
        }
    }
}
