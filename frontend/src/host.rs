//! Talks to `dockyard serve`: whether a real Docker Engine answers, and running commands on it
//! for this page's session, which a heartbeat keeps alive while the page is open.

use std::cell::RefCell;

use dockyard_engine::{Ctx, Engine, Step};
use serde::Deserialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::runtime::BrowserEntropy;
use crate::state::HostInfo;

/// Asks the server about the Docker Engine. Served without `dockyard serve` (a static copy, say),
/// there is no API and so no host mode.
pub async fn status() -> HostInfo {
    match fetch_text("GET", "/api/host", None).await.and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string())) {
        Ok(info) => info,
        Err(error) => HostInfo { available: false, endpoint: String::new(), version: None, error: Some(error) },
    }
}

/// How often the page tells the server it is still here; well inside the server's grace period.
const HEARTBEAT_MS: i32 = 15_000;

/// Where the page keeps its session id, so a reload within the grace period finds its containers.
const SESSION_KEY: &str = "dockyard-host-session";

thread_local! {
    /// The session the server gave this page: its containers, volumes and networks.
    static SESSION: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether the heartbeat runs; it starts with the first session and lives as long as the page.
    static BEATING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Tells the server the page is still here; false when it no longer knows the session.
async fn heartbeat() -> bool {
    fetch("PUT", "/api/host/session", None).await.is_ok_and(|r| r.status() == 204)
}

/// The page's session, with a heartbeat that keeps it alive: the one this tab had before a
/// reload if the server still knows it, else a new one.
async fn session() -> Result<String, String> {
    if let Some(id) = SESSION.with(|s| s.borrow().clone()) {
        return Ok(id);
    }
    if let Some(kept) = session_storage().and_then(|s| s.get_item(SESSION_KEY).ok().flatten()) {
        SESSION.with(|s| s.replace(Some(kept.clone())));
        if heartbeat().await {
            start_heartbeat();
            return Ok(kept);
        }
        SESSION.with(|s| s.borrow_mut().take());
    }
    #[derive(Deserialize)]
    struct Opened {
        session: String,
    }
    let text = fetch_text("POST", "/api/host/session", None).await?;
    let opened: Opened = serde_json::from_str(&text).map_err(|_| text.trim().to_string())?;
    SESSION.with(|s| s.replace(Some(opened.session.clone())));
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(SESSION_KEY, &opened.session);
    }
    start_heartbeat();
    Ok(opened.session)
}

fn start_heartbeat() {
    if BEATING.with(|b| b.replace(true)) {
        return;
    }
    let beat = Closure::<dyn FnMut()>::new(|| {
        wasm_bindgen_futures::spawn_local(async {
            // A session the server forgot is opened again by the next command.
            if SESSION.with(|s| s.borrow().is_some()) && !heartbeat().await {
                SESSION.with(|s| s.borrow_mut().take());
            }
        })
    });
    if let Some(window) = web_sys::window() {
        let _ =
            window.set_interval_with_callback_and_timeout_and_arguments_0(beat.as_ref().unchecked_ref(), HEARTBEAT_MS);
    }
    // The interval lives as long as the page.
    beat.forget();
}

/// Runs `docker run -it` or `docker exec -it` in a real terminal, in this page's session.
pub async fn terminal(line: &str) -> i32 {
    match session().await {
        Ok(session) => crate::host_tty::run(line, &session, &token().unwrap_or_default()).await,
        Err(e) => {
            crate::host_tty::write(&format!("dockyard: no host session: {e}\r\n"));
            1
        }
    }
}

/// Runs a command line on the real Docker Engine, in this page's session, handing its output to
/// `emit` (true for standard error) as it comes; `context` is a build's files, as a tar.
pub async fn run(line: &str, context: Option<Vec<u8>>, emit: impl Fn(bool, String) + Clone + 'static) -> i32 {
    // The server ends a session it has not heard from; a new one takes its place, once.
    let forgotten = std::rc::Rc::new(std::cell::Cell::new(false));
    let first = {
        let (forgotten, emit) = (forgotten.clone(), emit.clone());
        move |stderr: bool, text: String| match stderr && text.starts_with("dockyard: refused by rule session:") {
            true => forgotten.set(true),
            false => emit(stderr, text),
        }
    };
    let code = run_once(line, context.clone(), first).await;
    if !forgotten.get() {
        return code;
    }
    SESSION.with(|s| s.borrow_mut().take());
    run_once(line, context, emit).await
}

async fn run_once(line: &str, context: Option<Vec<u8>>, emit: impl Fn(bool, String) + 'static) -> i32 {
    match session().await {
        Ok(session) => crate::host_stream::run(line, &session, &token().unwrap_or_default(), context, emit).await,
        Err(e) => {
            emit(true, format!("dockyard: no host session: {e}\n"));
            1
        }
    }
}

/// A `docker build`'s context as the server takes it: the Dockerfile tab's files as a tar, when
/// the build names the workspace (`.`); nothing for any other command.
pub fn build_context(workspace: &crate::workspace::Workspace, line: &str) -> Option<Vec<u8>> {
    let Ok(dockyard_engine::cli::Command::Build(options)) = dockyard_engine::cli::parse(line) else { return None };
    workspace.context(&options.context)?.to_layer("").ok()?.to_tar().ok()
}

/// The token `dockyard serve` put into the page; other origins cannot read it.
fn token() -> Option<String> {
    let document = web_sys::window()?.document()?;
    document.query_selector("meta[name=dockyard-token]").ok()??.get_attribute("content")
}

/// The real images, loaded into an engine of the page's own, so the pictures draw them as they
/// draw simulated ones: the same stacks of layers, and the same files for each layer.
pub async fn real_images() -> Result<Engine, String> {
    session().await?;
    let js = |e: JsValue| format!("{e:?}");
    let response = fetch("POST", "/api/host/images/export", None).await?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(js)?).await.map_err(js)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let mut engine = crate::session::new_engine();
    let mut ctx = Ctx { now: crate::session::now(), entropy: &mut BrowserEntropy };
    let Step::Read { then, .. } = engine.execute("docker load -i host-images.tar", &mut ctx) else {
        return Err("the engine did not ask for the archive".into());
    };
    match engine.read_done(then, Ok(bytes), &mut ctx) {
        Step::Done(reply) if reply.exit_code == 0 => Ok(engine),
        Step::Done(reply) => Err(reply.stderr),
        _ => Err("the engine did not load the archive".into()),
    }
}

async fn fetch_text(method: &str, url: &str, body: Option<String>) -> Result<String, String> {
    let js = |e: JsValue| format!("{e:?}");
    let response = fetch(method, url, body).await?;
    let text = JsFuture::from(response.text().map_err(js)?).await.map_err(js)?.as_string().unwrap_or_default();
    if !response.ok() && !text.starts_with('{') {
        return Err(format!("HTTP {}: {text}", response.status()));
    }
    Ok(text)
}

/// A call to the server with the page's token and session.
async fn fetch(method: &str, url: &str, body: Option<String>) -> Result<Response, String> {
    let js = |e: JsValue| format!("{e:?}");
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(js)?;
    if let Some(body) = body {
        headers.set("content-type", "application/json").map_err(js)?;
        init.set_body(&JsValue::from_str(&body));
    }
    if let Some(token) = token() {
        headers.set("x-dockyard-token", &token).map_err(js)?;
    }
    if let Some(session) = SESSION.with(|s| s.borrow().clone()) {
        headers.set("x-dockyard-session", &session).map_err(js)?;
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(js)?;
    let window = web_sys::window().ok_or("no window")?;
    JsFuture::from(window.fetch_with_request(&request)).await.map_err(js)?.dyn_into().map_err(js)
}
