//! Images as stacks of slabs, base at the bottom. A slab held by several images has the same
//! colour everywhere it appears and says so; choosing one lists what that layer added, changed
//! and deleted. While `docker build` runs, the image it is making stands on top, a slab more
//! with each step that completes, those from the cache marked, until the finished image takes
//! its place.

use dockyard_engine::digest::ImageId;
use dockyard_engine::format::human_size;
use dockyard_engine::view::{BuildView, Effect, ImageStack, SlabSource};
use yew::prelude::*;

use super::EngineRef;

#[derive(Properties, PartialEq)]
pub struct ImagesProps {
    pub stacks: Vec<ImageStack>,
    /// The image a build is making, while it makes it.
    #[prop_or_default]
    pub building: Option<BuildView>,
    pub engine: EngineRef,
}

/// The image under construction: its slabs so far, and the step running now on top.
fn building(build: &BuildView) -> Html {
    let title = if build.tags.is_empty() { "an image".to_string() } else { build.tags.join(", ") };
    html! {
        <figure class="stack building" aria-label={format!("Building {title}")} aria-live="polite">
            <figcaption>
                <strong>{ format!("Building {title}") }</strong>
                <span class="meta">{ format!(" · step {}/{}", build.step, build.total) }</span>
            </figcaption>
            <ol class="slabs" reversed=true>
                <li><div class="slab running" style="--hue: 210">
                    <span class="step">{ build.running.clone() }</span>
                    <span class="badge">{ "running…" }</span>
                </div></li>
                { for build.layers.iter().rev().map(|layer| {
                    let (class, badge) = match layer.source {
                        SlabSource::Base => ("base", "base image"),
                        SlabSource::Built => ("built", "built"),
                        SlabSource::Cached => ("cached", "CACHED"),
                    };
                    html! {
                        <li><div class={classes!("slab", class)} style={format!("--hue: {}", hue(&layer.slab.diff_id.to_string()))}>
                            <span class="step">{ layer.slab.created_by.clone() }</span>
                            <span class="size">{ human_size(layer.slab.size) }</span>
                            <span class="badge">{ badge }</span>
                        </div></li>
                    }
                }) }
            </ol>
        </figure>
    }
}

/// A hue for a layer, the same wherever the layer appears (the file browser's chips too).
pub(super) fn hue(diff_id: &str) -> u32 {
    diff_id.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 360
}

#[function_component(Images)]
pub fn images(props: &ImagesProps) -> Html {
    let chosen = use_state(|| None::<(ImageId, usize)>);
    if props.stacks.is_empty() && props.building.is_none() {
        return html! {
            <p class="empty">{ "No images yet. " }<code>{ "docker pull hello-world" }</code>{ " fetches one; " }
                <code>{ "docker build" }</code>{ " makes one." }</p>
        };
    }
    let details = chosen.as_ref().and_then(|(image, index)| {
        let changes = props.engine.0.borrow().layer_changes(*image, *index)?;
        Some(html! {
            <section class="layer-changes" aria-label="What the layer changed">
                <h3>{ format!("Layer {} of {}", index + 1, image.short()) }</h3>
                if changes.is_empty() {
                    <p class="empty">{ "This layer changes no files: its step only changed the image's settings." }</p>
                }
                <ul>
                    { for changes.iter().map(|(path, effect, size)| {
                        let (mark, class) = match effect {
                            Effect::Added => ("+", "added"),
                            Effect::Changed => ("~", "changed"),
                            Effect::Deleted => ("−", "deleted"),
                        };
                        html! { <li class={class}>{ format!("{mark} /{path}") }
                            if *size > 0 { <span class="size">{ format!(" {}", human_size(*size)) }</span> }</li> }
                    }) }
                </ul>
            </section>
        })
    });
    html! {
        <div class="stacks">
            { props.building.as_ref().map(building).unwrap_or_default() }
            { for props.stacks.iter().map(|stack| {
                let title = if stack.tags.is_empty() { "<none>".to_string() } else { stack.tags.join(", ") };
                html! {
                    <figure class="stack" aria-label={format!("Image {title}")}>
                        <figcaption>
                            <strong>{ title }</strong>
                            <span class="meta">{ format!(" {} · {} · {:.0}% efficient", stack.id.short(), human_size(stack.size), stack.efficiency * 100.0) }</span>
                            if stack.wasted > 0 {
                                <span class="wasted" title="Bytes of files a higher layer replaces or deletes: shipped, but never seen">
                                    { format!(" · {} wasted", human_size(stack.wasted)) }</span>
                            }
                        </figcaption>
                        <ol class="slabs" reversed=true>
                            { for stack.layers.iter().enumerate().rev().map(|(index, slab)| {
                                let chosen = chosen.clone();
                                let id = stack.id;
                                let selected = *chosen == Some((id, index));
                                let style = format!("--hue: {}", hue(&slab.diff_id.to_string()));
                                html! {
                                    <li>
                                        <button class={classes!("slab", selected.then_some("selected"), (slab.shared_by > 1).then_some("shared"))}
                                            style={style} aria-pressed={selected.to_string()}
                                            onclick={Callback::from(move |_| chosen.set(if selected { None } else { Some((id, index)) }))}>
                                            <span class="step">{ slab.created_by.clone() }</span>
                                            <span class="size">{ human_size(slab.size) }</span>
                                            if slab.shared_by > 1 { <span class="badge">{ format!("shared ×{}", slab.shared_by) }</span> }
                                        </button>
                                    </li>
                                }
                            }) }
                        </ol>
                    </figure>
                }
            }) }
            { details.unwrap_or_default() }
        </div>
    }
}
