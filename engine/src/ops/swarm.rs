//! `docker swarm` and `docker node`: making and leaving the swarm, and its nodes (with
//! Dockyard's `node add`, `node down` and `node up` standing in for other machines).

use serde_json::{json, Value};

use crate::cli::swarm::SwarmCommand;
use crate::format::Table;
use crate::ops::daemon_error;
use crate::swarm::orchestrator::{advance, reconcile, shut_down};
use crate::swarm::{Availability, Node, NodeId, Role, Swarm, DEFAULT_ADDR, SWARM_PORT};
use crate::time::Timestamp;
use crate::{Ctx, Engine, Reply, Step};

/// The hostname of the machine the engine stands for.
pub(crate) const HOSTNAME: &str = "dockyard";

/// What the daemon says to swarm commands when there is no swarm.
pub(crate) fn not_a_manager() -> Reply {
    Reply::err(
        daemon_error(
            "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.",
        ),
        1,
    )
}

fn already_in_swarm() -> Reply {
    Reply::err(
        daemon_error(
            "This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm and join another one.",
        ),
        1,
    )
}

/// The docker CLI's "No such node" text, which carries its own `Error:` prefix.
fn no_such_node(key: &str) -> String {
    format!("Error: No such node: {key}")
}

/// Title case, as tables print states: `ready` → `Ready`.
pub(crate) fn title(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

impl Engine {
    /// Brings the swarm up to `now`: tasks start, failed nodes are noticed, updates roll on.
    pub fn advance_swarm(&mut self, now: Timestamp) {
        if let Some(swarm) = &mut self.swarm {
            advance(swarm, now);
        }
    }

    /// The swarm, if this node is in one.
    pub fn swarm(&self) -> Option<&Swarm> {
        self.swarm.as_ref()
    }

    pub(crate) fn swarm_command(&mut self, command: SwarmCommand, ctx: &mut Ctx<'_>) -> Step {
        let reply = match command {
            SwarmCommand::Init { advertise_addr } => self.swarm_init(advertise_addr.as_deref(), ctx),
            SwarmCommand::Join { .. } => self.swarm_join(),
            SwarmCommand::JoinToken { role, quiet, rotate } => self.join_token(&role, quiet, rotate, ctx),
            SwarmCommand::Leave { force } => self.swarm_leave(force),
            SwarmCommand::StackDeploy { files, stack } => {
                if self.swarm.is_none() {
                    return Step::Done(not_a_manager());
                }
                if files.len() > 1 {
                    // Several files are merged by Compose; Dockyard reads one.
                    return Step::Done(Reply::err(
                        "dockyard: docker stack deploy reads one Compose file here; merge them first",
                        1,
                    ));
                }
                let path = files.into_iter().next().unwrap_or_default();
                if path == "-" {
                    return Step::Done(Reply::err(
                        "dockyard: there is no standard input to read a Compose file from; name a file",
                        1,
                    ));
                }
                return Step::Read {
                    path,
                    then: crate::engine::ReadThen(crate::engine::ReadPurpose::StackFile(stack)),
                };
            }
            other => {
                if self.swarm.is_none() {
                    return Step::Done(not_a_manager());
                }
                match other {
                    SwarmCommand::NodeLs { quiet } => self.node_ls(quiet),
                    SwarmCommand::NodeInspect { nodes, format, pretty } => {
                        self.node_inspect(&nodes, format.as_deref(), pretty)
                    }
                    SwarmCommand::NodeUpdate { node, availability, role } => {
                        self.node_update(&node, availability.as_deref(), role.as_deref(), ctx.now)
                    }
                    SwarmCommand::NodeRm { nodes, force } => self.node_rm(&nodes, force, ctx.now),
                    SwarmCommand::NodeRole { nodes, manager } => self.node_role(&nodes, manager, ctx.now),
                    SwarmCommand::NodePs { nodes, quiet, no_trunc, filters } => {
                        self.node_ps(&nodes, quiet, no_trunc, &filters, ctx.now)
                    }
                    SwarmCommand::NodeAdd { name, manager } => self.node_add(&name, manager, ctx),
                    SwarmCommand::NodeFail { node, down } => self.node_fail(&node, down, ctx.now),
                    SwarmCommand::StackLs => self.stack_ls(),
                    SwarmCommand::StackServices { stack, quiet } => self.stack_services(&stack, quiet),
                    SwarmCommand::StackPs { stack, quiet, no_trunc, filters } => {
                        self.stack_ps(&stack, quiet, no_trunc, &filters, ctx.now)
                    }
                    SwarmCommand::StackRm { stacks } => self.stack_rm(&stacks),
                    service => self.service_command(service, ctx),
                }
            }
        };
        Step::Done(reply)
    }

    fn swarm_init(&mut self, advertise_addr: Option<&str>, ctx: &mut Ctx<'_>) -> Reply {
        if self.swarm.is_some() {
            return already_in_swarm();
        }
        // `--advertise-addr` may carry a port, which is the swarm's.
        let addr = match advertise_addr {
            None => DEFAULT_ADDR.to_string(),
            Some(a) => a.rsplit_once(':').map_or(a, |(host, _)| host).to_string(),
        };
        if addr.is_empty() || addr.contains(char::is_whitespace) {
            return Reply::err(
                daemon_error(
                    "advertise address must be a non-zero IP address or network interface (with optional port number)",
                ),
                1,
            );
        }
        let swarm = Swarm::init(HOSTNAME, &addr, ctx.now, ctx.entropy);
        let node = swarm.nodes[0].id.clone();
        let join = swarm.join_command(false);
        self.swarm = Some(swarm);
        // Swarm mode makes its routing mesh's network, and the bridge joining it to this host.
        for (name, driver) in [(crate::network::INGRESS, "overlay"), (crate::network::GWBRIDGE, "bridge")] {
            if self.find_network(name).is_none() {
                let options = crate::cli::NetworkCreateOptions {
                    name: name.to_string(),
                    driver: Some(driver.to_string()),
                    ..Default::default()
                };
                self.network_create(&options, ctx);
            }
        }
        Reply::out(format!(
            "Swarm initialized: current node ({node}) is now a manager.\n\nTo add a worker to this swarm, run the following command:\n\n    {join}\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n"
        ))
    }

    fn swarm_join(&self) -> Reply {
        if self.swarm.is_some() {
            return already_in_swarm();
        }
        Reply::err(
            "dockyard: there is no other machine here whose swarm this one could join. Run \"docker swarm init\" to make this node a manager, then \"docker node add NAME\" to join simulated nodes to it.",
            1,
        )
    }

    fn join_token(&mut self, role: &str, quiet: bool, rotate: bool, ctx: &mut Ctx<'_>) -> Reply {
        let Some(swarm) = &mut self.swarm else { return not_a_manager() };
        let manager = match role {
            "worker" => false,
            "manager" => true,
            other => return Reply::err(format!("unknown role {other}"), 1),
        };
        let mut out = String::new();
        if rotate {
            if manager {
                swarm.manager_token = crate::swarm::rotated(&swarm.manager_token, ctx.entropy);
            } else {
                swarm.worker_token = crate::swarm::rotated(&swarm.worker_token, ctx.entropy);
            }
            if !quiet {
                out.push_str(&format!("Successfully rotated {role} join token.\n\n"));
            }
        }
        if quiet {
            let token = if manager { &swarm.manager_token } else { &swarm.worker_token };
            return Reply::out(format!("{token}\n"));
        }
        out.push_str(&format!(
            "To add a {role} to this swarm, run the following command:\n\n    {}\n\n",
            swarm.join_command(manager)
        ));
        Reply::out(out)
    }

    fn swarm_leave(&mut self, force: bool) -> Reply {
        if self.swarm.is_none() {
            return Reply::err(daemon_error("This node is not part of a swarm"), 1);
        }
        if !force {
            return Reply::err(
                daemon_error("You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message."),
                1,
            );
        }
        self.swarm = None;
        // The swarm's networks go with it, and so do containers' endpoints on them.
        let gone: Vec<crate::network::NetworkId> = self
            .networks
            .iter()
            .filter(|n| n.driver == crate::network::Driver::Overlay || n.is_swarm_own())
            .map(|n| n.id.clone())
            .collect();
        self.networks.retain(|n| !gone.contains(&n.id));
        for c in &mut self.containers {
            c.networks.retain(|a| !gone.contains(&a.network));
        }
        Reply::out("Node left the swarm.\n")
    }

    /// The node `key` names, or the CLI's error.
    fn node_key(&self, key: &str) -> Result<NodeId, String> {
        let swarm = self.swarm.as_ref().ok_or_else(|| no_such_node(key))?;
        if key == "self" {
            return swarm.self_node().map(|n| n.id.clone()).ok_or_else(|| no_such_node(key));
        }
        swarm.find_node(key).map(|n| n.id.clone()).ok_or_else(|| no_such_node(key))
    }

    fn node_ls(&self, quiet: bool) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let mut nodes: Vec<&Node> = swarm.nodes.iter().collect();
        crate::sort::sort_by(&mut nodes, |a, b| a.hostname.cmp(&b.hostname).then(a.id.cmp(&b.id)));
        if quiet {
            return Reply::out(nodes.iter().map(|n| format!("{}\n", n.id)).collect::<String>());
        }
        let mut table = Table::new(&["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"]);
        for node in nodes {
            let id = if node.is_self { format!("{} *", node.id) } else { node.id.to_string() };
            table.row(vec![
                id,
                node.hostname.clone(),
                title(node.status()),
                title(node.availability.as_str()),
                manager_status(node).to_string(),
                env!("CARGO_PKG_VERSION").to_string(),
            ]);
        }
        Reply::out(table.render())
    }

    fn node_json(&self, node: &Node) -> Value {
        let mut value = json!({
            "ID": node.id.as_str(),
            "Version": { "Index": 9 },
            "CreatedAt": node.created.rfc3339(),
            "UpdatedAt": node.updated.rfc3339(),
            "Spec": {
                "Labels": {},
                "Role": match node.role { Role::Manager => "manager", Role::Worker => "worker" },
                "Availability": node.availability.as_str(),
            },
            "Description": {
                "Hostname": node.hostname,
                "Platform": { "Architecture": "wasm32", "OS": "wasip1" },
                "Engine": { "EngineVersion": env!("CARGO_PKG_VERSION") },
            },
            "Status": { "State": node.status(), "Addr": node.addr },
        });
        if node.role == Role::Manager {
            value["ManagerStatus"] = json!({
                "Leader": node.is_self,
                "Reachability": if node.down { "unreachable" } else { "reachable" },
                "Addr": format!("{}:{SWARM_PORT}", node.addr),
            });
        }
        value
    }

    fn node_inspect(&self, keys: &[String], format: Option<&str>, pretty: bool) -> Reply {
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for key in keys {
            match self.node_key(key) {
                Ok(id) => found.extend(swarm.nodes.iter().find(|n| n.id == id)),
                Err(e) => errors.push(e),
            }
        }
        let mut reply = if pretty && format.is_none() {
            Reply::out(found.iter().map(|n| pretty_node(n)).collect::<Vec<_>>().join("\n\n"))
        } else {
            let values: Vec<Value> = found.iter().map(|n| self.node_json(n)).collect();
            inspect_values(values, format)
        };
        if !errors.is_empty() {
            reply.stderr.push_str(&format!("{}\n", errors.join("\n")));
            reply.exit_code = 1;
        }
        reply
    }

    fn node_update(&mut self, key: &str, availability: Option<&str>, role: Option<&str>, now: Timestamp) -> Reply {
        let id = match self.node_key(key) {
            Ok(id) => id,
            Err(e) => return Reply::err(e, 1),
        };
        let availability = match availability.map(|a| (a, Availability::parse(&a.to_ascii_lowercase()))) {
            None => None,
            Some((_, Some(a))) => Some(a),
            Some((a, None)) => {
                return Reply::err(
                    format!("invalid argument \"{a}\" for \"--availability\" flag: invalid availability: {a}\nSee 'docker node update --help'."),
                    125,
                )
            }
        };
        let role = match role {
            None => None,
            Some("manager") => Some(Role::Manager),
            Some("worker") => Some(Role::Worker),
            Some(other) => {
                return Reply::err(
                    format!("invalid argument \"{other}\" for \"--role\" flag: invalid role: {other}\nSee 'docker node update --help'."),
                    125,
                )
            }
        };
        let Some(swarm) = &mut self.swarm else { return not_a_manager() };
        if let Some(Role::Worker) = role {
            if swarm.nodes.iter().any(|n| n.id == id && n.is_self) {
                return Reply::err(
                    daemon_error("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm"),
                    1,
                );
            }
        }
        if let Some(node) = swarm.node_mut(&id) {
            if let Some(a) = availability {
                node.availability = a;
            }
            if let Some(r) = role {
                node.role = r;
            }
            node.updated = now;
        }
        reconcile(swarm, now);
        Reply::out(format!("{key}\n"))
    }

    fn node_role(&mut self, keys: &[String], manager: bool, now: Timestamp) -> Reply {
        let mut reply = Reply::default();
        for key in keys {
            let id = match self.node_key(key) {
                Ok(id) => id,
                Err(e) => {
                    reply.stderr.push_str(&format!("{e}\n"));
                    reply.exit_code = 1;
                    continue;
                }
            };
            let Some(swarm) = &mut self.swarm else { return not_a_manager() };
            let Some(node) = swarm.nodes.iter_mut().find(|n| n.id == id) else { continue };
            let (name, is_manager) = (node.hostname.clone(), node.role == Role::Manager);
            match (manager, is_manager) {
                (true, true) => reply.stdout.push_str(&format!("Node {name} is already a manager.\n")),
                (false, false) => reply.stdout.push_str(&format!("Node {name} is already a worker.\n")),
                (false, true) if node.is_self => {
                    reply.stderr.push_str(&format!(
                        "{}\n",
                        daemon_error("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm")
                    ));
                    reply.exit_code = 1;
                }
                (true, false) => {
                    node.role = Role::Manager;
                    node.updated = now;
                    reply.stdout.push_str(&format!("Node {name} promoted to a manager in the swarm.\n"));
                }
                (false, true) => {
                    node.role = Role::Worker;
                    node.updated = now;
                    reply.stdout.push_str(&format!("Manager {name} demoted in the swarm.\n"));
                }
            }
        }
        reply
    }

    fn node_rm(&mut self, keys: &[String], force: bool, now: Timestamp) -> Reply {
        let mut reply = Reply::default();
        for key in keys {
            let id = match self.node_key(key) {
                Ok(id) => id,
                Err(e) => {
                    reply.stderr.push_str(&format!("{e}\n"));
                    reply.exit_code = 1;
                    continue;
                }
            };
            let Some(swarm) = &mut self.swarm else { return not_a_manager() };
            let Some(node) = swarm.nodes.iter().find(|n| n.id == id) else { continue };
            let refusal = if node.role == Role::Manager {
                Some(format!("rpc error: code = FailedPrecondition desc = node {id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal"))
            } else if !node.down && !force {
                Some(format!("rpc error: code = FailedPrecondition desc = node {id} is not down and can't be removed"))
            } else {
                None
            };
            if let Some(why) = refusal {
                reply.stderr.push_str(&format!("{}\n", daemon_error(why)));
                reply.exit_code = 1;
                continue;
            }
            // The node's tasks go with it; the orchestrator replaces them elsewhere.
            let tasks: Vec<_> =
                swarm.tasks.iter().filter(|t| t.node.as_ref() == Some(&id)).map(|t| t.id.clone()).collect();
            for task in &tasks {
                shut_down(swarm, task, now);
            }
            swarm.nodes.retain(|n| n.id != id);
            reconcile(swarm, now);
            reply.stdout.push_str(&format!("{key}\n"));
        }
        reply
    }

    fn node_ps(&mut self, keys: &[String], quiet: bool, no_trunc: bool, filters: &[String], now: Timestamp) -> Reply {
        let keys = if keys.is_empty() { vec!["self".to_string()] } else { keys.to_vec() };
        let mut nodes = Vec::new();
        let mut reply = Reply::default();
        for key in &keys {
            match self.node_key(key) {
                Ok(id) => nodes.push(id),
                Err(e) => {
                    reply.stderr.push_str(&format!("{e}\n"));
                    reply.exit_code = 1;
                }
            }
        }
        let Some(swarm) = &self.swarm else { return not_a_manager() };
        let tasks: Vec<&crate::swarm::Task> =
            swarm.tasks.iter().filter(|t| t.node.as_ref().is_some_and(|n| nodes.contains(n))).collect();
        let tasks = match crate::ops::service::filter_tasks(swarm, tasks, filters) {
            Ok(tasks) => tasks,
            Err(reply) => return reply,
        };
        if reply.exit_code == 0 || !tasks.is_empty() {
            reply.stdout = crate::ops::service::task_table(swarm, &tasks, quiet, no_trunc, now);
        }
        reply
    }

    fn node_add(&mut self, name: &str, manager: bool, ctx: &mut Ctx<'_>) -> Reply {
        let Some(swarm) = &mut self.swarm else { return not_a_manager() };
        let valid = !name.is_empty()
            && name.len() <= 63
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            && !name.starts_with('-');
        if !valid {
            return Reply::err(
                format!("dockyard: invalid node name \"{name}\": a hostname is letters, digits, '-' and '.'"),
                1,
            );
        }
        if swarm.nodes.iter().any(|n| n.hostname == name) {
            return Reply::err(format!("dockyard: a node named {name} is already in the swarm"), 1);
        }
        if swarm.nodes.len() >= 16 {
            return Reply::err("dockyard: this swarm already has 16 nodes, as many as the pictures can show", 1);
        }
        let number = swarm.nodes.len() + 3;
        let node = Node {
            id: NodeId::generate(ctx.entropy),
            hostname: name.to_string(),
            role: if manager { Role::Manager } else { Role::Worker },
            availability: Availability::Active,
            addr: format!("192.168.65.{number}"),
            created: ctx.now,
            updated: ctx.now,
            failed_at: None,
            down: false,
            is_self: false,
        };
        swarm.nodes.push(node);
        reconcile(swarm, ctx.now);
        // What `docker swarm join` prints on the machine that joins.
        let joined =
            if manager { "This node joined a swarm as a manager." } else { "This node joined a swarm as a worker." };
        Reply::out(format!("{joined}\n"))
    }

    fn node_fail(&mut self, key: &str, down: bool, now: Timestamp) -> Reply {
        let id = match self.node_key(key) {
            Ok(id) => id,
            Err(e) => return Reply::err(e, 1),
        };
        let Some(swarm) = &mut self.swarm else { return not_a_manager() };
        let Some(node) = swarm.node_mut(&id) else { return Reply::err(no_such_node(key), 1) };
        if node.is_self {
            return Reply::err(
                "dockyard: this node is the one answering your commands; fail another node to see its tasks move",
                1,
            );
        }
        if down {
            if node.failed_at.is_some() {
                return Reply::err(format!("dockyard: node {key} is already down"), 1);
            }
            node.failed_at = Some(now);
            return Reply::out(format!(
                "{key}\nThe machine of node {key} has failed. The manager will mark it down when its heartbeats stop arriving, in {} seconds, and then move its tasks.\n",
                crate::swarm::HEARTBEAT_TIMEOUT / 1_000_000_000
            ));
        }
        if node.failed_at.is_none() {
            return Reply::err(format!("dockyard: node {key} is not down"), 1);
        }
        node.failed_at = None;
        node.down = false;
        node.updated = now;
        // The node reports again: what the manager shut down while it was away stops now.
        let stale: Vec<_> = swarm
            .tasks
            .iter()
            .filter(|t| t.node.as_ref() == Some(&id) && t.desired.is_terminal() && !t.state.is_terminal())
            .map(|t| t.id.clone())
            .collect();
        for task in stale {
            shut_down(swarm, &task, now);
        }
        reconcile(swarm, now);
        Reply::out(format!("{key}\n"))
    }
}

/// The MANAGER STATUS column.
fn manager_status(node: &Node) -> &'static str {
    match (node.role, node.is_self, node.down) {
        (Role::Worker, _, _) => "",
        (Role::Manager, true, _) => "Leader",
        (Role::Manager, false, true) => "Unreachable",
        (Role::Manager, false, false) => "Reachable",
    }
}

fn pretty_node(node: &Node) -> String {
    let mut out = format!(
        "ID:\t\t\t{}\nHostname:\t\t{}\nJoined at:\t\t{}\nStatus:\n State:\t\t\t{}\n Availability:\t\t{}\n Address:\t\t{}\n",
        node.id,
        node.hostname,
        node.created.rfc3339(),
        title(node.status()),
        title(node.availability.as_str()),
        node.addr
    );
    if node.role == Role::Manager {
        out.push_str(&format!(
            "Manager Status:\n Address:\t\t{}:{SWARM_PORT}\n Raft Status:\t\t{}\n Leader:\t\t{}\n",
            node.addr,
            if node.down { "Unreachable" } else { "Reachable" },
            if node.is_self { "Yes" } else { "No" }
        ));
    }
    out.push_str(&format!(
        "Platform:\n Operating System:\twasip1\n Architecture:\t\twasm32\nEngine Version:\t\t{}\n",
        env!("CARGO_PKG_VERSION")
    ));
    out
}

/// Inspect output: the JSON array, or each value through a `--format` template.
pub(crate) fn inspect_values(values: Vec<Value>, format: Option<&str>) -> Reply {
    let Some(format) = format else { return Reply::out(crate::ops::inspect::to_docker_json(&values)) };
    let template = match crate::template::Template::parse(format) {
        Ok(t) => t,
        Err(e) => return Reply::err(format!("template parsing error: {e}"), 64),
    };
    let mut out = String::new();
    let mut reply = Reply::default();
    for value in &values {
        match template.execute(value, crate::template::Shape::Map { missing_key_error: true }) {
            Ok(text) if out.len() + text.len() < crate::template::MAX_OUTPUT => {
                out.push_str(&text);
                out.push('\n');
            }
            Ok(_) => {
                reply.stderr.push_str("template parsing error: output is too large\n");
                reply.exit_code = 1;
            }
            Err(e) => {
                reply.stderr.push_str(&format!("template parsing error: {e}\n"));
                reply.exit_code = 1;
            }
        }
    }
    reply.stdout = out;
    reply
}
