//! The built-in images on the simulated Docker Hub, made from the WASI programs the host supplies.

use std::collections::BTreeMap;

use crate::image::{ContainerConfig, History, Image, ImageConfig, RootFs};
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
    "[", "basename", "cat", "cp", "date", "dirname", "echo", "env", "false", "grep", "head", "hostname", "id", "ln",
    "ls", "mkdir", "mv", "printenv", "pwd", "rm", "rmdir", "seq", "sh", "sleep", "spin", "stat", "tail", "tee", "test",
    "touch", "true", "uname", "wc", "whoami", "yes",
];

/// The simulated Docker Hub with every built-in image. `hello-world` is required; an image whose
/// program the host did not supply (a test's host, say) is left out.
pub fn docker_hub(programs: &Programs) -> Result<Registry, BuiltinError> {
    let mut hub = Registry::new(DEFAULT_DOMAIN);
    let hello = programs.0.get("hello").ok_or_else(|| BuiltinError::MissingProgram("hello".into()))?;
    let (image, layers) = single_program_image(hello.clone(), "hello", &["/hello"])?;
    hub.put("library/hello-world", "latest", &image, layers)?;
    if let Some(toolbox) = programs.0.get("toolbox") {
        let (image, layers) = toolbox_image(toolbox.clone())?;
        hub.put("library/toolbox", "latest", &image, layers)?;
    }
    Ok(hub)
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
