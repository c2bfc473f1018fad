//! The engine's annex as the page loads it: Go templates and the Compose loader, kept out of the
//! app's module and imported the first time a command needs them (see `dockyard_engine::annex`).
//!
//! `cargo xtask dist` builds the annex as a module of its own, `annex.js` and `annex_bg.wasm`,
//! beside the app's. The engine asks for it with `Step::LoadAnnex`; [`load`] imports the module,
//! and installs its `serve` function as the engine's way to it. The service worker keeps a copy
//! with the rest of the app, so it loads offline too.

use dockyard_engine::annex::{self, Transport};
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The annex's glue, beside the page, as `cargo xtask dist` names it.
const GLUE: &str = "annex.js";

/// The annex's `serve`, which answers the engine's JSON requests.
struct Annex(Function);

impl Transport for Annex {
    fn call(&self, request: &str) -> Result<String, String> {
        let answer = self.0.call1(&JsValue::NULL, &JsValue::from_str(request)).map_err(|e| describe(&e))?;
        answer.as_string().ok_or_else(|| "the annex answered with something other than text".to_string())
    }
}

/// Imports the annex, once, and installs it; a second call finds it there.
pub async fn load() -> Result<(), String> {
    if annex::ready() {
        return Ok(());
    }
    // A dynamic import, which Rust cannot write: resolved against the page, so the annex is
    // found beside the app wherever the page is served from. The module's default export
    // fetches and instantiates its wasm.
    let import = Function::new_with_args(
        "glue",
        "return import(new URL(glue, document.baseURI).href).then(async (m) => { await m.default(); return m.serve; })",
    );
    let promise: Promise = import.call1(&JsValue::NULL, &JsValue::from_str(GLUE)).map_err(|e| describe(&e))?.into();
    let serve = JsFuture::from(promise).await.map_err(|e| describe(&e))?;
    let serve = serve.dyn_into::<Function>().map_err(|_| format!("{GLUE} has no serve function"))?;
    annex::install(Box::new(Annex(serve)));
    // Without this, a command would ask for the annex again and again.
    if !annex::ready() {
        return Err("the annex did not take".to_string());
    }
    Ok(())
}

/// A JavaScript error's message, else its debug text.
fn describe(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
