//! Host mode's commands whose output comes as the daemon produces it, over `dockyard serve`'s
//! `/api/host/stream` WebSocket: a foreground `run`, `logs -f`, `pull` and `build` (with the
//! Dockerfile tab's files as its context). Ctrl-C is sent as an interrupt while one runs.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, WebSocket};

thread_local! {
    /// The command's socket while one runs.
    static ACTIVE: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
}

/// Tells the running command the learner pressed Ctrl-C; false when none runs.
pub fn interrupt() -> bool {
    ACTIVE.with(|active| match active.borrow().as_ref() {
        Some(socket) => socket.send_with_str(r#"{"interrupt":true}"#).is_ok(),
        None => false,
    })
}

/// Runs `line` on the real engine, handing each piece of output to `emit` (true for standard
/// error) as it comes, with `context` (a tar) for a build; returns the exit code.
pub async fn run(
    line: &str,
    session: &str,
    token: &str,
    context: Option<Vec<u8>>,
    emit: impl Fn(bool, String) + 'static,
) -> i32 {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return 1 };
    let host = location.host().unwrap_or_default();
    let scheme = if location.protocol().unwrap_or_default() == "https:" { "wss" } else { "ws" };
    let url = format!("{scheme}://{host}/api/host/stream?token={token}&session={session}");
    let socket = match WebSocket::new(&url) {
        Ok(socket) => socket,
        Err(e) => {
            emit(true, format!("dockyard: cannot reach the server: {e:?}\n"));
            return 1;
        }
    };
    let start = serde_json::json!({ "command": line, "context": context.is_some() }).to_string();
    let emit = std::rc::Rc::new(emit);
    let mut ended = |resolve: js_sys::Function, _reject: js_sys::Function| {
        let opened = {
            let (socket, start, context) = (socket.clone(), start.clone(), context.clone());
            Closure::<dyn FnMut()>::new(move || {
                let _ = socket.send_with_str(&start);
                if let Some(tar) = &context {
                    let _ = socket.send_with_u8_array(tar);
                }
            })
        };
        let on_message = {
            let (resolve, emit) = (resolve.clone(), emit.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else { return };
                let message: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                if let Some(out) = message["stdout"].as_str() {
                    emit(false, out.to_string());
                }
                if let Some(err) = message["stderr"].as_str() {
                    emit(true, err.to_string());
                }
                if let Some(code) = message["exit_code"].as_i64() {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_f64(code as f64));
                }
            })
        };
        let on_close = {
            let emit = emit.clone();
            Closure::<dyn FnMut()>::new(move || {
                emit(true, "dockyard: the server closed the command's connection\n".to_string());
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_f64(1.0));
            })
        };
        socket.set_onopen(Some(opened.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // They live as long as the socket, which is closed below.
        opened.forget();
        on_message.forget();
        on_close.forget();
    };
    let promise = js_sys::Promise::new(&mut ended);
    ACTIVE.with(|active| *active.borrow_mut() = Some(socket.clone()));
    let code = wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_f64()).unwrap_or(1.0);
    ACTIVE.with(|active| active.borrow_mut().take());
    socket.set_onclose(None);
    socket.set_onmessage(None);
    let _ = socket.close();
    code as i32
}
