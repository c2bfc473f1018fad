//! The Engine API calls of `docker compose`'s commands. Compose is a client like the docker
//! CLI: it reads the compose file itself, then finds what it made by its labels and makes the
//! rest with the same calls `docker network create`, `volume create`, `create` and `start` make.

use serde_json::json;

use super::ApiCall;
use crate::cli::compose::{Action, ComposeCommand};

/// The placeholder for the project's name, known only once the file is read.
const PROJECT: &str = "{project}";

/// The list of the project's containers every command starts with.
fn project_containers(all: bool) -> ApiCall {
    ApiCall::get("/containers/json")
        .query_if(all, "all", "1")
        .query("filters", json!({ "label": [format!("com.docker.compose.project={PROJECT}")] }).to_string())
        .note("compose.yaml is read by the client; the daemon never sees it")
}

/// The calls `command` stands for, with `{project}` and `{id}` for what the file and the
/// daemon's answers decide.
pub(super) fn calls(command: &ComposeCommand) -> Vec<ApiCall> {
    let container =
        |verb: &str| ApiCall::post(format!("/containers/{{id}}/{verb}")).note("for each of the project's containers");
    match &command.action {
        Action::Up { .. } => vec![
            project_containers(true),
            ApiCall::post("/networks/create")
                .json(json!({ "Name": format!("{PROJECT}_default"), "Labels": { "com.docker.compose.project": PROJECT } }))
                .note("for each network the file declares that does not exist yet"),
            ApiCall::post("/volumes/create")
                .json(json!({ "Name": format!("{PROJECT}_{{volume}}"), "Labels": { "com.docker.compose.project": PROJECT } }))
                .note("for each named volume that does not exist yet"),
            ApiCall::post("/containers/create")
                .query("name", format!("{PROJECT}-{{service}}-1"))
                .json(json!({ "Labels": { "com.docker.compose.project": PROJECT, "com.docker.compose.service": "{service}" } }))
                .note("for each service, in the order depends_on gives, unless its container exists"),
            container("start"),
        ],
        Action::Down { .. } => vec![
            project_containers(true),
            container("stop"),
            ApiCall::new("DELETE", "/containers/{id}").note("for each of the project's containers"),
            ApiCall::new("DELETE", format!("/networks/{PROJECT}_default")).note("for each network the project made"),
        ],
        Action::Ps { all, .. } => vec![project_containers(*all)],
        Action::Logs { follow, .. } => vec![
            project_containers(true),
            ApiCall::get("/containers/{id}/logs")
                .query_if(*follow, "follow", "1")
                .query("stderr", "1")
                .query("stdout", "1")
                .note("for each of the project's containers, at once"),
        ],
        Action::Build { .. } => vec![ApiCall::post("/build")
            .query("t", format!("{PROJECT}-{{service}}"))
            .note("for each service with a build section")],
        Action::Exec { .. } => vec![
            project_containers(false),
            ApiCall::post("/containers/{id}/exec"),
            ApiCall::post("/exec/{id}/start"),
        ],
        Action::Stop { .. } => vec![project_containers(false), container("stop")],
        Action::Start { .. } => vec![project_containers(true), container("start")],
        Action::Restart { .. } => vec![project_containers(true), container("restart")],
        Action::Config { .. } => Vec::new(),
    }
}
