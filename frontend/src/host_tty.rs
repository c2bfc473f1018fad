//! Host mode's real terminal: `docker run -it` and `docker exec -it` on the real Docker Engine,
//! carried over `dockyard serve`'s WebSocket. While one runs, the keys typed go to it as they
//! are (Ctrl-C included, which the TTY turns into SIGINT) instead of to the line editor, and its
//! output goes to xterm.js as it comes, escape codes and all.

use std::cell::RefCell;

use dockyard_engine::cli::Command;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, MessageEvent, WebSocket};

/// How output reaches xterm.js.
type Writer = Box<dyn Fn(&str)>;

thread_local! {
    /// The terminal's socket while a `-it` command runs.
    static ACTIVE: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
    /// Writes straight to xterm.js; the terminal component sets it.
    static WRITER: RefCell<Option<Writer>> = const { RefCell::new(None) };
    /// The terminal's rows and columns, as xterm.js last fitted them.
    static SIZE: std::cell::Cell<(u16, u16)> = const { std::cell::Cell::new((24, 80)) };
}

/// Whether `line` needs a terminal: `docker run -it` (not detached) or `docker exec -it`.
pub fn wants_terminal(line: &str) -> bool {
    match dockyard_engine::cli::parse(line) {
        Ok(Command::Run(options)) => options.tty && !options.detach,
        Ok(Command::Exec(options)) => options.tty,
        _ => false,
    }
}

/// The terminal component hands over how to write to xterm.js.
pub fn set_writer(write: impl Fn(&str) + 'static) {
    WRITER.with(|w| *w.borrow_mut() = Some(Box::new(write)));
}

pub(crate) fn write(text: &str) {
    WRITER.with(|w| {
        if let Some(write) = w.borrow().as_ref() {
            write(text)
        }
    });
}

/// Sends typed keys to the running terminal; false when none runs, so the line editor has them.
pub fn send_keys(data: &str) -> bool {
    ACTIVE.with(|active| match active.borrow().as_ref() {
        Some(socket) => {
            let _ = socket.send_with_u8_array(data.as_bytes());
            true
        }
        None => false,
    })
}

/// The terminal's new size, told to the running terminal if there is one.
pub fn resize(rows: u16, cols: u16) {
    if SIZE.with(|s| s.replace((rows, cols))) == (rows, cols) {
        return;
    }
    ACTIVE.with(|active| {
        if let Some(socket) = active.borrow().as_ref() {
            let _ = socket.send_with_str(&serde_json::json!({ "resize": [rows, cols] }).to_string());
        }
    });
}

/// Runs `line` in a real terminal of the terminal's size until it ends, and returns its exit code.
pub async fn run(line: &str, session: &str, token: &str) -> i32 {
    let (rows, cols) = SIZE.with(|s| s.get());
    let Some(location) = web_sys::window().map(|w| w.location()) else { return 1 };
    let host = location.host().unwrap_or_default();
    let scheme = if location.protocol().unwrap_or_default() == "https:" { "wss" } else { "ws" };
    let url = format!("{scheme}://{host}/api/host/tty?token={token}&session={session}");
    let socket = match WebSocket::new(&url) {
        Ok(socket) => socket,
        Err(e) => {
            write(&format!("dockyard: cannot open the terminal: {e:?}\r\n"));
            return 1;
        }
    };
    socket.set_binary_type(BinaryType::Arraybuffer);
    let start = serde_json::json!({ "command": line, "rows": rows, "cols": cols }).to_string();
    let mut ended = |resolve: js_sys::Function, _reject: js_sys::Function| {
        let opened = {
            let (socket, start) = (socket.clone(), start.clone());
            Closure::<dyn FnMut()>::new(move || drop(socket.send_with_str(&start)))
        };
        let on_message = {
            let resolve = resolve.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                    write(&String::from_utf8_lossy(&js_sys::Uint8Array::new(&buffer).to_vec()));
                } else if let Some(text) = event.data().as_string() {
                    // The exit code, or a refusal worded as the other host calls word theirs.
                    let reply: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                    if let Some(stderr) = reply["stderr"].as_str() {
                        write(&stderr.replace('\n', "\r\n"));
                    }
                    let code = reply["exit_code"].as_i64().unwrap_or(1);
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_f64(code as f64));
                }
            })
        };
        let on_close =
            Closure::<dyn FnMut()>::new(move || drop(resolve.call1(&JsValue::NULL, &JsValue::from_f64(1.0))));
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
    let _ = socket.close();
    // The next prompt starts on a line of its own, wherever the program left the cursor.
    write("\r\n");
    code as i32
}
