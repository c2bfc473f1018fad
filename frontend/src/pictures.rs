//! The pictures beside the terminal: what Docker keeps out of sight, drawn from the engine's
//! state. A tab each for images (stacks of layers), containers (cards with their thin
//! writable layer and their log), registries (what each holds, and what the last push or pull
//! moved), volumes with networks (and the containers using them) and the swarm (nodes and their
//! tasks as they change). The pane redraws after
//! each command and once a second, so a container that ends in the background shows it. A last
//! tab edits the build context that `docker build .` reads; the pane widens while it is open,
//! since code wants the room.

mod container_files;
mod containers;
mod dockerfile;
mod editor;
mod files;
mod hints;
mod images;
mod registries;
mod swarm;
mod volumes;

use std::cell::RefCell;
use std::rc::Rc;

use dockyard_engine::Engine;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

pub use dockerfile::WorkspaceRef;

/// The engine, shared with the session; equal when it is the same engine.
#[derive(Clone)]
pub struct EngineRef(pub Rc<RefCell<Engine>>);

impl PartialEq for EngineRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Images,
    Containers,
    Registries,
    Volumes,
    Swarm,
    Dockerfile,
}

const TABS: [(Tab, &str); 6] = [
    (Tab::Images, "Images"),
    (Tab::Containers, "Containers"),
    (Tab::Registries, "Registries"),
    (Tab::Volumes, "Volumes & networks"),
    (Tab::Swarm, "Swarm"),
    (Tab::Dockerfile, "Dockerfile"),
];

/// A tab's element id: `tab-` and the first word of its label, in lower case.
fn tab_id(label: &str) -> String {
    format!("tab-{}", label.split(' ').next().unwrap_or_default().to_lowercase())
}

#[derive(Properties, PartialEq)]
pub struct PicturesProps {
    pub engine: EngineRef,
    /// Changes with every command, so the pictures redraw when one ends.
    pub version: usize,
    /// A command for the terminal, from a picture's button (stop, start, a shell, ...).
    pub on_command: Callback<String>,
    /// The build context the Dockerfile tab edits.
    pub workspace: WorkspaceRef,
}

#[function_component(Pictures)]
pub fn pictures(props: &PicturesProps) -> Html {
    let tab = use_state(|| Tab::Images);
    let redraw = use_force_update();
    {
        // Containers end, and logs grow, between commands too.
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            let tick = Closure::<dyn FnMut()>::new(move || redraw.force_update());
            let id = web_sys::window().and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 1000).ok()
            });
            move || {
                if let (Some(window), Some(id)) = (web_sys::window(), id) {
                    window.clear_interval_with_handle(id);
                }
                drop(tick);
            }
        });
    }
    let current = *tab;
    // Arrow keys move between tabs, as a tab list's keyboard users expect.
    let onkeydown = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let at = TABS.iter().position(|(t, _)| *t == *tab).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (at + 1) % TABS.len(),
                "ArrowLeft" => (at + TABS.len() - 1) % TABS.len(),
                _ => return,
            };
            e.prevent_default();
            tab.set(TABS[next].0);
        })
    };
    let engine = props.engine.0.borrow();
    html! {
        <aside class={classes!("pictures", (current == Tab::Dockerfile).then_some("wide"))} aria-label="Pictures">
            <div class="tabs" role="tablist" aria-label="What to show" {onkeydown}>
                { for TABS.iter().map(|(t, label)| {
                    let tab = tab.clone();
                    let t = *t;
                    let selected = t == current;
                    html! {
                        <button role="tab" id={tab_id(label)} aria-selected={selected.to_string()}
                            tabindex={if selected { "0" } else { "-1" }} class={classes!("tab", selected.then_some("selected"))}
                            onclick={Callback::from(move |_| tab.set(t))}>{ *label }</button>
                    }
                }) }
            </div>
            <div class="tabpanel" role="tabpanel" tabindex="0">
                { match current {
                    Tab::Images => html! {
                        <images::Images stacks={engine.image_stacks()} building={engine.build_view()} engine={props.engine.clone()} />
                    },
                    Tab::Containers => html! {
                        <containers::Containers cards={containers::cards(&engine)} on_command={props.on_command.clone()}
                            engine={props.engine.clone()} />
                    },
                    Tab::Registries => html! {
                        <registries::Registries registries={engine.registry_views()} transfer={engine.last_transfer().cloned()} />
                    },
                    Tab::Volumes => html! {
                        <volumes::Volumes volumes={engine.volume_views()} networks={engine.network_views()} />
                    },
                    Tab::Swarm => html! {
                        <swarm::Swarm view={engine.swarm_view(crate::session::now())} on_command={props.on_command.clone()} />
                    },
                    Tab::Dockerfile => html! {
                        <dockerfile::DockerfileTab engine={props.engine.clone()} workspace={props.workspace.clone()}
                            on_command={props.on_command.clone()} />
                    },
                } }
            </div>
        </aside>
    }
}
