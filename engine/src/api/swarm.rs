//! The Engine API calls of swarm mode's commands, as the docker CLI makes them.

use serde_json::json;

use super::ApiCall;
use crate::cli::swarm::SwarmCommand;

/// The calls `command` stands for. Dockyard's own node commands have none in Docker's API, and
/// say so.
pub(super) fn calls(command: &SwarmCommand) -> Vec<ApiCall> {
    match command {
        SwarmCommand::Init { advertise_addr } => vec![ApiCall::post("/swarm/init").json(json!({
            "ListenAddr": "0.0.0.0:2377",
            "AdvertiseAddr": advertise_addr.clone().unwrap_or_default(),
        }))],
        SwarmCommand::Join { token, addr } => vec![ApiCall::post("/swarm/join").json(json!({
            "RemoteAddrs": [addr],
            "JoinToken": token.clone().unwrap_or_default(),
        }))],
        SwarmCommand::JoinToken { rotate, role, .. } => {
            let mut calls = vec![ApiCall::get("/swarm")];
            if *rotate {
                calls.push(ApiCall::post("/swarm/update").query(&format!("rotate{}Token", title(role)), "true"));
            }
            calls.push(ApiCall::get("/info"));
            calls
        }
        SwarmCommand::Leave { force } => vec![ApiCall::post("/swarm/leave").query_if(*force, "force", "1")],
        SwarmCommand::NodeLs { .. } => vec![ApiCall::get("/nodes"), ApiCall::get("/info")],
        SwarmCommand::NodeInspect { nodes, .. } | SwarmCommand::NodePs { nodes, .. } => {
            nodes.iter().map(|n| ApiCall::get(format!("/nodes/{n}"))).collect()
        }
        SwarmCommand::NodeUpdate { node, .. } => vec![
            ApiCall::get(format!("/nodes/{node}")),
            ApiCall::post(format!("/nodes/{node}/update")).query("version", "{version}"),
        ],
        SwarmCommand::NodeRole { nodes, .. } => nodes
            .iter()
            .flat_map(|n| {
                [
                    ApiCall::get(format!("/nodes/{n}")),
                    ApiCall::post(format!("/nodes/{n}/update")).query("version", "{version}"),
                ]
            })
            .collect(),
        SwarmCommand::NodeRm { nodes, force } => {
            nodes.iter().map(|n| ApiCall::delete(format!("/nodes/{n}")).query_if(*force, "force", "1")).collect()
        }
        SwarmCommand::NodeAdd { .. } | SwarmCommand::NodeFail { .. } => {
            vec![ApiCall::get("/nodes").note("Dockyard's own command: on Docker this happens on another machine")]
        }
        SwarmCommand::ServiceCreate(options) => vec![ApiCall::post("/services/create").json(json!({
            "Name": options.name.clone().unwrap_or_default(),
            "TaskTemplate": { "ContainerSpec": { "Image": options.image.clone().unwrap_or_default() } },
            "Mode": if options.global { json!({ "Global": {} }) } else { json!({ "Replicated": { "Replicas": options.replicas.unwrap_or(1) } }) },
        }))],
        SwarmCommand::ServiceUpdate { service, .. } => vec![
            ApiCall::get(format!("/services/{service}")),
            ApiCall::post(format!("/services/{service}/update")).query("version", "{version}"),
        ],
        SwarmCommand::ServiceScale { pairs, .. } => pairs
            .iter()
            .flat_map(|pair| {
                let service = pair.split('=').next().unwrap_or_default();
                [
                    ApiCall::get(format!("/services/{service}")),
                    ApiCall::post(format!("/services/{service}/update")).query("version", "{version}"),
                ]
            })
            .collect(),
        SwarmCommand::ServiceRollback { service } => vec![
            ApiCall::get(format!("/services/{service}")),
            ApiCall::post(format!("/services/{service}/update"))
                .query("rollback", "previous")
                .query("version", "{version}"),
        ],
        SwarmCommand::ServiceLs { .. } => vec![ApiCall::get("/services"), ApiCall::get("/tasks")],
        SwarmCommand::ServicePs { services, .. } => {
            let mut calls: Vec<ApiCall> = services.iter().map(|s| ApiCall::get(format!("/services/{s}"))).collect();
            calls.push(ApiCall::get("/tasks"));
            calls
        }
        SwarmCommand::ServiceLogs { service, follow, .. } => vec![ApiCall::get(format!("/services/{service}/logs"))
            .query_if(*follow, "follow", "1")
            .query("stdout", "1")
            .query("stderr", "1")],
        SwarmCommand::ServiceRm { services } => {
            services.iter().map(|s| ApiCall::delete(format!("/services/{s}"))).collect()
        }
        SwarmCommand::ServiceInspect { services, .. } => {
            services.iter().map(|s| ApiCall::get(format!("/services/{s}"))).collect()
        }
        SwarmCommand::StackDeploy { .. } => vec![
            ApiCall::get("/networks"),
            ApiCall::get("/services"),
            ApiCall::post("/services/create").note("one for each service of the Compose file"),
        ],
        SwarmCommand::StackLs | SwarmCommand::StackServices { .. } | SwarmCommand::StackRm { .. } => {
            vec![ApiCall::get("/services").note("filtered by the label com.docker.stack.namespace")]
        }
        SwarmCommand::StackPs { .. } => {
            vec![ApiCall::get("/tasks").note("filtered by the label com.docker.stack.namespace")]
        }
    }
}

fn title(role: &str) -> String {
    let mut chars = role.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}
