//! Registries: the simulated Docker Hub and `localhost:5000`, each with its repositories, their
//! tags, and the layers each tag's manifest names. After a push or a pull, the layers that moved
//! glide in and those skipped pulse once, each marked with what Docker's progress line said; a
//! new transfer gives the rows new keys, so the animation plays again.

use dockyard_engine::format::human_size;
use dockyard_engine::view::{BlobView, Direction, Mark, RegistryView, TagView, Transfer};
use web_sys::{Element, ScrollIntoViewOptions};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RegistriesProps {
    pub registries: Vec<RegistryView>,
    pub transfer: Option<Transfer>,
}

/// A layer's mark: its class, the symbol and the words Docker's progress line used.
fn mark(mark: Mark) -> (&'static str, &'static str, &'static str) {
    match mark {
        Mark::Pushed => ("moved", "↑", "Pushed"),
        Mark::AlreadyInRegistry => ("skipped", "=", "Layer already exists"),
        Mark::Pulled => ("moved", "↓", "Pull complete"),
        Mark::AlreadyLocal => ("skipped", "=", "Already exists"),
    }
}

/// The last transfer in a sentence: which way, where, and how many layers moved and stayed.
fn summary(transfer: &Transfer, registries: &[RegistryView]) -> String {
    let name = registries
        .iter()
        .flat_map(|r| r.repositories.iter().map(move |repo| (r, repo)))
        .find(|(r, repo)| r.domain == transfer.domain && repo.tags.iter().any(|t| t.transferred))
        .map(|(_, repo)| repo.name.clone())
        .unwrap_or_else(|| format!("{}/{}", transfer.domain, transfer.path));
    let layers = |n: usize| if n == 1 { "1 layer".to_string() } else { format!("{n} layers") };
    match transfer.direction {
        Direction::Push => format!(
            "Last push, to {name}: {} pushed, {} skipped because the registry already had them.",
            layers(transfer.moved.len()),
            layers(transfer.skipped.len())
        ),
        Direction::Pull => format!(
            "Last pull, from {name}: {} downloaded, {} skipped because they were already here.",
            layers(transfer.moved.len()),
            layers(transfer.skipped.len())
        ),
    }
}

fn blob_row(blob: &BlobView, serial: u64) -> Html {
    let marked = blob.mark.map(mark);
    let title = format!(
        "Blob {} (compressed){}",
        blob.digest,
        blob.diff_id.map(|d| format!("; DiffID {d}, the uncompressed layer's digest")).unwrap_or_default()
    );
    html! {
        // A new transfer is a new key, so its animation plays from the start.
        <li key={format!("{}-{serial}", blob.digest)} class={classes!("blob", marked.map(|(class, _, _)| class))} title={title}>
            <code class="digest">{ blob.digest.short() }</code>
            <span class="size">{ human_size(blob.size) }</span>
            if blob.local {
                <span class="here" title="The local store holds this layer">{ "✓ local" }</span>
            }
            if blob.shared_by > 1 {
                <span class="badge" title="Stored once in this registry, named by several images">{ format!("shared ×{}", blob.shared_by) }</span>
            }
            if let Some((class, symbol, words)) = marked {
                <span class={classes!("mark", class)}>{ format!("{symbol} {words}") }</span>
            }
        </li>
    }
}

/// Tags that name the same manifest are one image under several names: they show together.
fn by_manifest(tags: &[TagView]) -> Vec<Vec<&TagView>> {
    let mut groups: Vec<Vec<&TagView>> = Vec::new();
    for tag in tags {
        match groups.iter_mut().find(|g| g[0].manifest == tag.manifest) {
            Some(group) => group.push(tag),
            None => groups.push(vec![tag]),
        }
    }
    groups
}

#[function_component(Registries)]
pub fn registries(props: &RegistriesProps) -> Html {
    let serial = props.transfer.as_ref().map_or(0, |t| t.serial);
    let pane = use_node_ref();
    {
        // A new transfer brings the tag it moved into view, wherever it is in the list.
        let pane = pane.clone();
        use_effect_with(serial, move |_| {
            let moved = pane.cast::<Element>().and_then(|el| el.query_selector(".tag.transferred").ok().flatten());
            if let Some(moved) = moved {
                let options = ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                moved.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    }
    html! {
        <div class="registries" ref={pane}>
            if let Some(transfer) = &props.transfer {
                <p class="transfer" role="status">{ summary(transfer, &props.registries) }</p>
            } else {
                <p class="empty">{ "Push or pull to see layers move: a layer a registry already has is never sent twice." }</p>
            }
            { for props.registries.iter().map(|registry| html! {
                <section class="registry" aria-label={format!("Registry {}", registry.title)}>
                    <h3>{ registry.title.clone() }
                        if registry.title != registry.domain { <span class="meta">{ format!(" ({})", registry.domain) }</span> }
                    </h3>
                    if registry.repositories.is_empty() {
                        <p class="empty">{ "Nothing pushed here yet. " }<code>{ format!("docker tag hello-world {}/hello", registry.domain) }</code>
                            { " names an image for this registry; " }<code>{ format!("docker push {}/hello", registry.domain) }</code>{ " sends it." }</p>
                    }
                    { for registry.repositories.iter().map(|repository| html! {
                        <div class="repository" aria-label={format!("Repository {}", repository.name)}>
                            <h4>{ repository.name.clone() }</h4>
                            { for by_manifest(&repository.tags).into_iter().map(|group| {
                                let tag = group[0];
                                let names: Vec<String> = group.iter().map(|t| format!(":{}", t.tag)).collect();
                                let transferred = group.iter().any(|t| t.transferred);
                                html! {
                                    <div class={classes!("tag", transferred.then_some("transferred"))}>
                                        <p class="tag-line">
                                            <strong title={(group.len() > 1).then_some("Several tags, one manifest: the same image under several names")}>
                                                { names.join(" ") }</strong>
                                            <span class="meta">{ format!(" manifest {} · image {} · {}", tag.manifest.short(), tag.image.short(), human_size(tag.size)) }</span>
                                            if tag.local { <span class="here" title="The local store holds this image">{ " ✓ pulled" }</span> }
                                        </p>
                                        <ol class="blobs" aria-label={format!("Layers of {}{}, base first", repository.name, names.join(""))}>
                                            { for tag.layers.iter().map(|blob| blob_row(blob, serial)) }
                                        </ol>
                                    </div>
                                }
                            }) }
                        </div>
                    }) }
                </section>
            }) }
        </div>
    }
}
