//! Talks to `dockyard serve`: whether a real Docker Engine answers, and running commands on it.

use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::state::HostInfo;

/// What the server returns for a command run on the real engine.
#[derive(Debug, Clone, Deserialize)]
pub struct HostReply {
    #[serde(default)]
    pub stdout: String,
    #[serde(default)]
    pub stderr: String,
    pub exit_code: i32,
}

/// Asks the server about the Docker Engine. Served without `dockyard serve` (a static copy, say),
/// there is no API and so no host mode.
pub async fn status() -> HostInfo {
    match fetch_text("GET", "/api/host", None).await.and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string())) {
        Ok(info) => info,
        Err(error) => HostInfo { available: false, endpoint: String::new(), version: None, error: Some(error) },
    }
}

/// Runs a command line on the real Docker Engine.
pub async fn run(line: &str) -> HostReply {
    let body = serde_json::json!({ "command": line }).to_string();
    match fetch_text("POST", "/api/host/run", Some(body)).await {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| HostReply {
            stdout: String::new(),
            stderr: format!("dockyard: the server answered something unexpected: {e}\n"),
            exit_code: 1,
        }),
        Err(e) => HostReply {
            stdout: String::new(),
            stderr: format!("dockyard: cannot reach the server: {e}\n"),
            exit_code: 1,
        },
    }
}

/// The token `dockyard serve` put into the page; other origins cannot read it.
fn token() -> Option<String> {
    let document = web_sys::window()?.document()?;
    document.query_selector("meta[name=dockyard-token]").ok()??.get_attribute("content")
}

async fn fetch_text(method: &str, url: &str, body: Option<String>) -> Result<String, String> {
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
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(js)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response =
        JsFuture::from(window.fetch_with_request(&request)).await.map_err(js)?.dyn_into().map_err(js)?;
    let text = JsFuture::from(response.text().map_err(js)?).await.map_err(js)?.as_string().unwrap_or_default();
    if !response.ok() && !text.starts_with('{') {
        return Err(format!("HTTP {}: {text}", response.status()));
    }
    Ok(text)
}
