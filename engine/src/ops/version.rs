//! `docker version`: which engine answers, in the layout of the docker CLI.

use crate::{Engine, Reply};

/// The Docker Engine API version whose behaviour Dockyard follows.
pub const API_VERSION: &str = "1.41";

impl Engine {
    pub(crate) fn version(&self) -> Reply {
        let version = env!("CARGO_PKG_VERSION");
        Reply::out(format!(
            "Client: Dockyard\n Version:           {version}\n API version:       {API_VERSION}\n\n\
             Server: Dockyard Engine (simulated)\n Engine:\n  Version:          {version}\n  API version:      {API_VERSION} (minimum version 1.12)\n  OS/Arch:          wasip1/wasm\n"
        ))
    }
}
