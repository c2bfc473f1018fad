//! Volumes and networks: each volume with its size and the containers that mount it (and
//! where), and the default networks, `bridge` and `none`, with the containers on each.

use dockyard_engine::format::human_size;
use dockyard_engine::view::{NetworkView, VolumeView};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VolumesProps {
    pub volumes: Vec<VolumeView>,
    pub networks: Vec<NetworkView>,
}

/// An anonymous volume's name is 64 hex digits; its start is enough to tell it apart.
fn shown_name(volume: &VolumeView) -> String {
    if volume.anonymous {
        format!("{}… (anonymous)", volume.name.chars().take(12).collect::<String>())
    } else {
        volume.name.clone()
    }
}

#[function_component(Volumes)]
pub fn volumes(props: &VolumesProps) -> Html {
    html! {
        <div class="stores">
            <section class="volumes" aria-label="Volumes">
                <h3>{ "Volumes" }</h3>
                if props.volumes.is_empty() {
                    <p class="empty">{ "No volumes yet. " }<code>{ "docker volume create data" }</code>{ " makes one, and " }
                        <code>{ "docker run -v data:/data toolbox sh" }</code>
                        { " mounts it: what the container writes under /data outlives the container." }</p>
                }
                { for props.volumes.iter().map(|volume| html! {
                    <article class={classes!("volume", volume.users.is_empty().then_some("unused"))} aria-label={format!("Volume {}", volume.name)}>
                        <header>
                            <strong title={volume.name.clone()}>{ shown_name(volume) }</strong>
                            <span class="meta">{ format!(" {} in {} file{}", human_size(volume.size), volume.files, if volume.files == 1 { "" } else { "s" }) }</span>
                        </header>
                        if volume.users.is_empty() {
                            <p class="empty">{ "Mounted by no container: " }<code>{ "docker volume prune" }</code>{ " would remove it." }</p>
                        } else {
                            <ul class="users">
                                { for volume.users.iter().map(|user| html! {
                                    <li class={classes!(user.running.then_some("running"))}>
                                        <strong>{ user.container.clone() }</strong>
                                        { format!(" at {}", user.destination) }
                                        if user.read_only { <span class="badge">{ "read-only" }</span> }
                                        <span class="meta">{ if user.running { " · running" } else { " · stopped" } }</span>
                                    </li>
                                }) }
                            </ul>
                        }
                    </article>
                }) }
            </section>
            <section class="networks" aria-label="Networks">
                <h3>{ "Networks" }</h3>
                { for props.networks.iter().map(|network| html! {
                    <article class="network" aria-label={format!("Network {}", network.name)}>
                        <header>
                            <strong>{ network.name.clone() }</strong>
                            <span class="meta">{ format!(" driver {}", network.driver) }</span>
                        </header>
                        <p class="about">{ network.about.clone() }</p>
                        if network.members.is_empty() {
                            <p class="empty">{ if network.name == "none" {
                                "No containers on it; docker run --network none puts one here."
                            } else {
                                "No containers on it; every container joins it unless told otherwise."
                            } }</p>
                        } else {
                            <ul class="members">
                                { for network.members.iter().map(|member| html! {
                                    <li class={classes!(member.running.then_some("running"))}>
                                        <strong>{ member.container.clone() }</strong>
                                        <span class="meta">{ format!(" {} · {}", member.id, if member.running { "running" } else { "stopped" }) }</span>
                                        if !member.ports.is_empty() { <span class="member-ports">{ format!(" · {}", member.ports.join(", ")) }</span> }
                                    </li>
                                }) }
                            </ul>
                        }
                    </article>
                }) }
            </section>
        </div>
    }
}
