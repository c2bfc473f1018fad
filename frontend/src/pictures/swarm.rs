//! The swarm: each node as a column of its tasks, coloured by state, with the services above
//! and the last task changes below, so a learner sees a failed node's tasks move and a rolling
//! update replace tasks batch by batch. Buttons type the commands that drain, fail or bring back
//! a node.

use dockyard_engine::view::{NodeView, SwarmView, TaskView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SwarmProps {
    /// `None` until the engine is in swarm mode.
    pub view: Option<SwarmView>,
    pub on_command: Callback<String>,
}

/// The class a task's state draws it with: running, on its way, ended well, or failed.
fn state_class(task: &TaskView) -> &'static str {
    match task.state.as_str() {
        "running" => "running",
        "failed" | "rejected" | "orphaned" => "failed",
        "shutdown" | "complete" | "remove" => "ended",
        _ => "starting",
    }
}

fn task_chip(task: &TaskView) -> Html {
    let title = format!(
        "{} ({}): {}, desired {}{}",
        task.name,
        task.image,
        task.state,
        task.desired,
        if task.current { "" } else { ", from an older version of the service" }
    );
    html! {
        <li class={classes!("task", state_class(task), (!task.current).then_some("old"))} title={title.clone()} aria-label={title}>
            <span class="task-name">{ task.name.clone() }</span>
            <span class="task-state">{ task.state.clone() }</span>
        </li>
    }
}

fn node_column(node: &NodeView, on_command: &Callback<String>) -> Html {
    let button = |label: &'static str, command: String| {
        let on_command = on_command.clone();
        html! { <button class="action" onclick={Callback::from(move |_| on_command.emit(command.clone()))}>{ label }</button> }
    };
    let name = node.hostname.clone();
    html! {
        <article class={classes!("node", node.failed.then_some("down"), (node.availability != "active").then_some("held"))}
            aria-label={format!("Node {}", node.hostname)}>
            <header>
                <strong>{ node.hostname.clone() }</strong>
                if node.manager { <span class="badge">{ if node.leader { "leader" } else { "manager" } }</span> }
                if node.is_self { <span class="badge">{ "this node" }</span> }
                <p class="meta">{ format!("{} · {}", node.status, node.availability) }</p>
            </header>
            if node.tasks.is_empty() {
                <p class="empty">{ "No tasks here." }</p>
            } else {
                <ul class="tasks">{ for node.tasks.iter().map(task_chip) }</ul>
            }
            <div class="actions">
                if node.availability == "drain" {
                    { button("Activate", format!("docker node update --availability active {name}")) }
                } else {
                    { button("Drain", format!("docker node update --availability drain {name}")) }
                }
                if !node.is_self {
                    if node.failed {
                        { button("Bring back", format!("docker node up {name}")) }
                    } else {
                        { button("Fail", format!("docker node down {name}")) }
                    }
                }
            </div>
        </article>
    }
}

#[function_component(Swarm)]
pub fn swarm(props: &SwarmProps) -> Html {
    let Some(view) = &props.view else {
        let run = |command: &'static str| {
            let on_command = props.on_command.clone();
            html! { <button class="action" onclick={Callback::from(move |_| on_command.emit(command.to_string()))}>{ command }</button> }
        };
        return html! {
            <div class="swarm">
                <p class="empty">
                    { "This engine is not part of a swarm. A swarm is several machines running services together: \
                       you say how many copies (replicas) of a container you want, and the swarm keeps that many \
                       running, moving them when a machine fails." }
                </p>
                <p class="empty">{ "Make this engine a manager, then add simulated machines:" }</p>
                <p class="actions">{ run("docker swarm init") }{ run("docker node add worker1") }</p>
            </div>
        };
    };
    html! {
        <div class="swarm">
            <section class="services" aria-label="Services">
                <h3>{ "Services" }</h3>
                if view.services.is_empty() {
                    <p class="empty">{ "No services yet. " }<code>{ "docker service create --name web --replicas 3 web" }</code>
                        { " asks the swarm to keep three copies of the web server running." }</p>
                }
                <ul class="service-list">
                    { for view.services.iter().map(|service| html! {
                        <li aria-label={format!("Service {}", service.name)}>
                            <strong>{ service.name.clone() }</strong>
                            { format!(" {} · {} {}", service.image, service.replicas, if service.global { "(global)" } else { "replicas" }) }
                            if !service.ports.is_empty() { <span class="meta">{ format!(" · {}", service.ports.join(", ")) }</span> }
                            if service.updating { <span class="badge">{ "updating" }</span> }
                        </li>
                    }) }
                </ul>
            </section>
            <section class="nodes" aria-label="Nodes">
                <h3>{ "Nodes" }</h3>
                <div class="node-columns">{ for view.nodes.iter().map(|node| node_column(node, &props.on_command)) }</div>
            </section>
            if !view.recent.is_empty() {
                <section class="changes" aria-label="Recent task changes">
                    <h3>{ "Just now" }</h3>
                    <ol>
                        { for view.recent.iter().rev().take(8).map(|change| html! {
                            <li>{ format!("{}: {} → {}", change.task, change.from, change.to) }</li>
                        }) }
                    </ol>
                </section>
            }
        </div>
    }
}
