//! A container's files, opened from its card: one directory at a time under a breadcrumb, each
//! entry with the layer it comes from (an image layer, by its short DiffID and the instruction
//! that made it, or the container's own writable layer, or a volume mounted over them) and what
//! the writable layer did to it; a deleted entry is struck through beside the layer it hides.
//! Choosing a file shows its text.
//! The arrow keys move through the entries, Backspace goes up a directory and Escape closes the
//! file, then the browser.

use dockyard_engine::format::human_size;
use dockyard_engine::view::{Contents, DirView, Effect, FileEntry, FileView, Kind, Origin, MAX_SHOWN};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use super::images::hue;

#[derive(Properties, PartialEq)]
pub struct ContainerFilesProps {
    /// The container's name, for the heading.
    pub name: String,
    /// Whether a process of it runs now: what a process writes reaches the writable layer when
    /// it ends, which the browser says.
    #[prop_or_default]
    pub running: bool,
    /// The directory shown, or why it cannot be.
    pub dir: Result<DirView, String>,
    /// The file chosen in it, if any, or why it cannot be read.
    pub file: Option<Result<FileView, String>>,
    /// Opens a directory, by its path from the root.
    pub on_dir: Callback<String>,
    /// Opens a file by its path, or closes the one open.
    pub on_file: Callback<Option<String>>,
    pub on_close: Callback<()>,
}

/// A layer as a short label: `writable layer`, the image layer's number and short DiffID, or
/// the volume's name.
fn label(origin: &Origin) -> String {
    match origin {
        Origin::Writable => "writable layer".to_string(),
        Origin::Image { index, diff_id, .. } => format!("layer {} · {}", index + 1, diff_id.short()),
        Origin::Volume { name, .. } => format!("volume {name}"),
    }
}

/// A chip naming a layer, coloured as its slab is in the images picture.
fn chip(origin: &Origin) -> Html {
    match origin {
        Origin::Writable => {
            html! { <span class="fs-layer writable" title="The container's own writable layer">{ label(origin) }</span> }
        }
        Origin::Image { diff_id, created_by, .. } => html! {
            <span class="fs-layer" style={format!("--hue: {}", hue(&diff_id.to_string()))} title={created_by.clone()}>
                { label(origin) }<span class="fs-step">{ format!(" {created_by}") }</span>
            </span>
        },
        Origin::Volume { destination, .. } => html! {
            <span class="fs-layer volume" title={format!("A volume mounted at {destination}: in no layer, it outlives the container")}>
                { label(origin) }<span class="fs-step">{ format!(" at {destination}") }</span>
            </span>
        },
    }
}

/// The mark and the words for what the writable layer did.
fn change(effect: Option<Effect>) -> Option<(&'static str, &'static str)> {
    effect.map(|e| match e {
        Effect::Added => ("+", "added"),
        Effect::Changed => ("~", "modified"),
        Effect::Deleted => ("−", "deleted"),
    })
}

/// `/a/b/c` as its ancestors with their paths: `/`, `a` at `/a`, `b` at `/a/b`, ...
fn crumbs(path: &str) -> Vec<(String, String)> {
    let mut out = vec![("/".to_string(), "/".to_string())];
    let mut at = String::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        at = format!("{at}/{part}");
        out.push((part.to_string(), at.clone()));
    }
    out
}

fn parent(path: &str) -> String {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((up, _)) => up.to_string(),
    }
}

/// Moves focus to the entry `by` places from the focused one, within `list`.
fn move_focus(list: &NodeRef, by: i32) {
    let Some(list) = list.cast::<web_sys::Element>() else { return };
    let Ok(buttons) = list.query_selector_all("button.fs-name") else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let count = buttons.length() as i32;
    if count == 0 {
        return;
    }
    let at = (0..count).find(|i| {
        let node = buttons.item(*i as u32);
        matches!((&node, &active), (Some(n), Some(a)) if n.is_same_node(Some(a.as_ref())))
    });
    let next = match at {
        Some(i) => (i + by).clamp(0, count - 1),
        None => 0,
    };
    if let Some(button) = buttons.item(next as u32).and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
        let _ = button.focus();
    }
}

#[function_component(ContainerFiles)]
pub fn container_files(props: &ContainerFilesProps) -> Html {
    let list = use_node_ref();
    let shown = props.dir.as_ref().map(|d| d.path.clone()).unwrap_or_default();
    {
        // A new directory takes the focus to its first entry, so the keyboard carries on there.
        let list = list.clone();
        use_effect_with(shown.clone(), move |_| {
            let inside = list.cast::<web_sys::Element>().is_some_and(|l| {
                let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
                active.is_none_or(|a| a.tag_name() == "BODY" || l.contains(Some(a.as_ref())))
            });
            if inside {
                move_focus(&list, 0);
            }
        });
    }
    {
        // Closing a file removes the button that had the focus: the focus goes back to the list.
        let list = list.clone();
        let open = props.file.as_ref().map(|f| f.as_ref().map(|f| f.path.clone()).ok());
        use_effect_with(open, move |_| {
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            if active.is_none_or(|a| a.tag_name() == "BODY") {
                move_focus(&list, 0);
            }
        });
    }
    let onkeydown = {
        let (list, on_dir, on_file, on_close) =
            (list.clone(), props.on_dir.clone(), props.on_file.clone(), props.on_close.clone());
        let (path, file_open) = (shown.clone(), props.file.is_some());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                move_focus(&list, 1);
            }
            "ArrowUp" => {
                e.prevent_default();
                move_focus(&list, -1);
            }
            "Backspace" | "ArrowLeft" if path != "/" => {
                e.prevent_default();
                on_dir.emit(parent(&path));
            }
            "Escape" => {
                e.prevent_default();
                if file_open {
                    on_file.emit(None);
                } else {
                    on_close.emit(());
                }
            }
            _ => {}
        })
    };
    let on_close = props.on_close.clone();
    html! {
        <section class="fs" aria-label={format!("Files of {}", props.name)} {onkeydown}>
            <header class="fs-head">
                <strong>{ format!("Files of {}", props.name) }</strong>
                <button class="action" onclick={Callback::from(move |_| on_close.emit(()))}>{ "Close" }</button>
            </header>
            if props.running {
                <p class="fs-note">{ "What a running process writes shows here when it ends, as docker diff shows it." }</p>
            }
            { match &props.dir {
                Err(why) => html! { <p class="empty">{ why.clone() }</p> },
                Ok(dir) => html! { <>
                    <nav class="fs-crumbs" aria-label="Directory">
                        { for crumbs(&dir.path).into_iter().enumerate().map(|(i, (name, path))| {
                            let on_dir = props.on_dir.clone();
                            let current = path == dir.path;
                            html! { <>
                                if i > 1 { <span class="fs-sep">{ "/" }</span> }
                                <button class="fs-crumb" aria-current={current.then_some("location")}
                                    onclick={Callback::from(move |_| on_dir.emit(path.clone()))}>{ name }</button>
                            </> }
                        }) }
                    </nav>
                    <ul class="fs-list" ref={list.clone()} aria-label={format!("Entries of {}", dir.path)}>
                        if dir.entries.is_empty() { <li class="empty">{ "An empty directory." }</li> }
                        { for dir.entries.iter().map(|entry| row(entry, props)) }
                    </ul>
                    <details class="fs-legend">
                        <summary>{ legend(&dir.layers) }</summary>
                        <ol reversed=true>
                            { for dir.layers.iter().rev().map(|origin| html! { <li>{ chip(origin) }</li> }) }
                        </ol>
                    </details>
                </> },
            } }
            { match &props.file {
                None => html! {},
                Some(Err(why)) => html! { <p class="empty">{ why.clone() }</p> },
                Some(Ok(file)) => contents(file, props.on_file.clone()),
            } }
        </section>
    }
}

/// What the legend's summary says of the container's layers.
fn legend(layers: &[Origin]) -> String {
    let volumes = layers.iter().filter(|o| matches!(o, Origin::Volume { .. })).count();
    let text = format!("{} layers, the writable one on top", layers.len() - volumes);
    match volumes {
        0 => text,
        1 => format!("{text}, and a volume over them"),
        n => format!("{text}, and {n} volumes over them"),
    }
}

/// One entry of the listing: a button that opens it, its layer, size, and change.
fn row(entry: &FileEntry, props: &ContainerFilesProps) -> Html {
    let marked = change(entry.change);
    let deleted = entry.change == Some(Effect::Deleted);
    let (shown, open) = match &entry.kind {
        Kind::Dir => (format!("{}/", entry.name), (!deleted).then(|| entry.path.clone())),
        Kind::Symlink { target } => (format!("{} → {target}", entry.name), None),
        Kind::Hardlink { target } => (format!("{} ⇒ {target}", entry.name), None),
        Kind::File => (entry.name.clone(), None),
    };
    let onclick = match open {
        Some(dir) => {
            let on_dir = props.on_dir.clone();
            Callback::from(move |_| on_dir.emit(dir.clone()))
        }
        None => {
            let (on_file, path) = (props.on_file.clone(), entry.path.clone());
            Callback::from(move |_| on_file.emit(Some(path.clone())))
        }
    };
    let selected = matches!(&props.file, Some(Ok(f)) if f.path == entry.path);
    let title = match marked {
        Some((_, "deleted")) => format!("deleted by the writable layer, which hides it in {}", label(&entry.origin)),
        Some((_, words)) => format!("{words} by the writable layer"),
        None => format!("from {}", label(&entry.origin)),
    };
    let name = html! {
        <button class={classes!("fs-name", (entry.kind == Kind::Dir).then_some("dir"), selected.then_some("selected"))}
            {onclick} {title} aria-current={selected.then_some("true")}>{ shown }</button>
    };
    html! {
        <li class={classes!("fs-entry", marked.map(|(_, class)| class))}>
            <span class="fs-mark" aria-hidden="true">{ marked.map_or(" ", |(mark, _)| mark) }</span>
            if deleted { <del>{ name }</del> } else { { name } }
            if let Some((_, words)) = marked { <span class="fs-change">{ words }</span> }
            if entry.kind == Kind::File && !deleted { <span class="size">{ human_size(entry.size) }</span> }
            { if deleted { html! { <span class="fs-hid">{ "hides " }{ chip(&entry.origin) }</span> } } else { chip(&entry.origin) } }
        </li>
    }
}

/// The chosen file: where it comes from, then its text or why it is not shown.
fn contents(file: &FileView, on_file: Callback<Option<String>>) -> Html {
    let note = match change(file.change) {
        Some((_, "deleted")) => Some("The writable layer deleted this file (a whiteout); this is what the image held."),
        Some((_, "added")) => Some("The container added this file: it exists only in its writable layer."),
        Some(_) => Some("The container changed this file: the writable layer holds its copy, hiding the image's."),
        None if matches!(file.origin, Origin::Volume { .. }) => Some(
            "This file is in a volume, not in a layer: it outlives the container, and docker commit leaves it out.",
        ),
        None => None,
    };
    let body = match &file.contents {
        Contents::Text { text, truncated } => html! { <>
            if *truncated {
                <p class="fs-note">{ format!("Showing the first {} of {}.", human_size(MAX_SHOWN as u64), human_size(file.size)) }</p>
            }
            <pre class="fs-text" tabindex="0">{ text.clone() }</pre>
        </> },
        Contents::Binary => html! {
            <p class="fs-note">{ format!("A binary file of {}, not shown.", human_size(file.size)) }</p>
        },
        Contents::Dir => html! { <p class="fs-note">{ "A directory." }</p> },
        Contents::Symlink { target } => html! { <p class="fs-note">{ format!("A symbolic link to {target}.") }</p> },
    };
    html! {
        <section class="fs-file" aria-label={format!("File {}", file.path)}>
            <header class="fs-head">
                <code>{ file.path.clone() }</code>
                { chip(&file.origin) }
                <button class="action" onclick={Callback::from(move |_| on_file.emit(None))}>{ "Close file" }</button>
            </header>
            if let Some(note) = note { <p class="fs-note">{ note }</p> }
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crumbs_and_parents_walk_up_to_the_root() {
        let names: Vec<String> = crumbs("/usr/share/web").into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["/", "usr", "share", "web"]);
        assert_eq!(crumbs("/usr/share").last().unwrap().1, "/usr/share");
        assert_eq!(crumbs("/").len(), 1);
        assert_eq!(parent("/usr/share"), "/usr");
        assert_eq!(parent("/usr"), "/");
        assert_eq!(parent("/"), "/");
    }
}
