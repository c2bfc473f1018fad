//! Dockyard's browser app: a lesson beside a terminal that takes docker commands.
//!
//! The engine runs here, in the page. When a command starts a container, [`runtime`] compiles the
//! container's WASI module with the browser's own WebAssembly engine and connects each import to
//! the engine's preview1 implementation. In host mode, commands go instead to `dockyard serve`,
//! which hands them to a real Docker Engine.

mod annex;
mod api_calls;
mod app;
mod beside;
mod controls;
mod course;
mod highlight;
mod host;
mod host_stream;
mod host_tty;
mod lesson;
mod lesson_fetch;
mod lesson_map;
pub mod markdown;
mod marks;
pub mod network;
mod pictures;
mod ports;
mod presenter;
mod progress;
mod runtime;
mod session;
mod share;
mod splitter;
pub mod state;
mod storage;
mod terminal;
mod upload;
pub mod worker;
mod workspace;

/// The lessons from `lessons/*.md`, embedded at build time as outlines (see `markdown::outline`),
/// with the first lesson's rendered prose; the others' prose is fetched (see `lesson_fetch`).
pub mod lessons {
    include!(concat!(env!("OUT_DIR"), "/lessons.rs"));
}

/// Starts the app when the module loads (but not in the module's own tests, which have no app).
#[cfg_attr(not(test), wasm_bindgen::prelude::wasm_bindgen(start))]
pub fn start() {
    // A container's worker loads this same module, and has no page to render into.
    if web_sys::window().is_none() {
        return;
    }
    // The session this browser kept is read first, so the terminal opens on it; a shared link
    // opens in a fresh engine instead, and leaves that session alone.
    wasm_bindgen_futures::spawn_local(async {
        let (opened, shared) = match share::opening(&markdown::ids()) {
            Some(share::Opening::Link(link)) => {
                (storage::Opened::shared(link.lesson, share::opened_note(&link)), Some(link))
            }
            Some(share::Opening::Bad(note)) => {
                let mut opened = storage::open(session::hub(), session::now()).await;
                opened.notes.push(note);
                (opened, None)
            }
            None => (storage::open(session::hub(), session::now()).await, None),
        };
        yew::Renderer::<app::App>::with_props(app::AppProps { opened: std::rc::Rc::new(opened), shared }).render();
        marks::when_interactive();
    });
}
