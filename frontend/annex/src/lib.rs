//! The engine's annex as a module of its own, which the page loads the first time a command needs
//! Go templates or a Compose file (see `dockyard_engine::annex`).
//!
//! `cargo xtask dist` builds it apart from the app, on purpose: in one cargo invocation the
//! `annex` feature this crate turns on would reach the app's engine too, and the app would carry
//! the annex after all.

use wasm_bindgen::prelude::wasm_bindgen;

/// Answers one request of the app's engine: JSON in, JSON out.
#[wasm_bindgen]
pub fn serve(request: &str) -> String {
    dockyard_engine::annex::serve(request)
}
