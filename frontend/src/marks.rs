//! User Timing marks for the load benchmark: the page marks when the first lesson is interactive
//! and when its first container's process starts, so a benchmark reads both from the page's own
//! timeline (`performance.getEntriesByName`) rather than timing WebDriver's round trips. The same
//! two moments decide when the service worker's offline copy may start downloading.

use std::cell::Cell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Set once the first lesson's title is on the page and the terminal takes input.
pub const INTERACTIVE: &str = "dockyard-interactive";

/// Set when the first container's process starts on its worker. Its `detail` is the bytes the
/// worker itself transferred to load the app's module, which the page's timeline does not see.
pub const CONTAINER_START: &str = "dockyard-container-start";

/// What the page must show to count as interactive: the lesson's title with its text, and the
/// terminal's enabled input. The terminal's markup is the terminal's own; this follows it.
const LESSON_READY: &str = "#lesson-title";
const TERMINAL_READY: &str = "#terminal-input:not([disabled])";

/// How long after the page is interactive the service worker is registered if no container has
/// started by then, in milliseconds: a learner reads the lesson first, and the offline copy it
/// downloads must not compete with the first lesson's load.
const OFFLINE_AFTER_MS: i32 = 3000;

thread_local! {
    static CONTAINER_STARTED: Cell<bool> = const { Cell::new(false) };
    static OFFLINE_REGISTERED: Cell<bool> = const { Cell::new(false) };
}

/// Registers the service worker (`sw.js`), once: it downloads a copy of every file of the app,
/// the built-in images' layers too, so the page works offline later. That is most of the app's
/// bytes again, so it waits until the first container has started, or until the page has been
/// interactive a while, and the first lesson's load keeps the network to itself.
fn register_offline() {
    if OFFLINE_REGISTERED.with(|done| done.replace(true)) {
        return;
    }
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).ok();
    let Some(container) = navigator.and_then(|n| js_sys::Reflect::get(&n, &"serviceWorker".into()).ok()) else {
        return;
    };
    let Ok(register) =
        js_sys::Reflect::get(&container, &"register".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    if let Ok(promise) = register.call1(&container, &JsValue::from_str("./sw.js")) {
        // A browser that refuses (a private window, an unsafe origin) just stays online-only.
        if let Ok(catch) =
            js_sys::Reflect::get(&promise, &"catch".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = catch.call1(&promise, &Closure::once_into_js(|_: JsValue| {}));
        }
    }
}

/// `performance.mark(name, { detail })`, through `Reflect` so no more web-sys features are needed;
/// a browser without the API simply gets no mark.
fn mark(name: &str, detail: Option<f64>) {
    let Some(performance) = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok() else {
        return;
    };
    let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    let options = js_sys::Object::new();
    if let Some(detail) = detail {
        let _ = js_sys::Reflect::set(&options, &"detail".into(), &JsValue::from_f64(detail));
    }
    let _ = mark.call2(&performance, &JsValue::from_str(name), &options);
}

/// Whether the page is interactive as [`INTERACTIVE`] defines it.
fn ready() -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let lesson = document.query_selector(LESSON_READY).ok().flatten();
    let has_title = lesson.and_then(|title| title.text_content()).is_some_and(|text| !text.trim().is_empty());
    has_title && document.query_selector(TERMINAL_READY).ok().flatten().is_some()
}

/// Marks [`INTERACTIVE`] as soon as the page is: checked first right after the render that
/// follows this call (Yew renders in a task queued before this one), then at each animation
/// frame until it is, so a later render still gets its mark.
pub fn when_interactive() {
    wasm_bindgen_futures::spawn_local(async { check() });
}

fn check() {
    if ready() {
        mark(INTERACTIVE, None);
        if let Some(window) = web_sys::window() {
            let later = Closure::once_into_js(register_offline);
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), OFFLINE_AFTER_MS);
        }
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let again = Closure::once_into_js(check);
    let _ = window.request_animation_frame(again.unchecked_ref());
}

/// Marks [`CONTAINER_START`] the first time a container's process starts; `transferred` is what
/// its worker fetched to load.
pub fn container_started(transferred: f64) {
    if !CONTAINER_STARTED.with(|started| started.replace(true)) {
        mark(CONTAINER_START, Some(transferred));
        register_offline();
    }
}
