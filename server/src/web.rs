//! `dockyard serve`: the playground's files on loopback, and the host API guarded by a token,
//! a Host check (against DNS rebinding) and an Origin check (against other sites).

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use crate::host::allowlist::Refusal;
use crate::host::session::SessionId;
use crate::host::{HostBridge, HostReply};

/// The header that carries the token on every host API call.
pub const TOKEN_HEADER: &str = "x-dockyard-token";
/// The header that names the session a host API call acts for.
pub const SESSION_HEADER: &str = "x-dockyard-session";

struct App {
    dist: PathBuf,
    token: String,
    port: u16,
    docker: HostBridge,
}

#[derive(Deserialize)]
struct RunRequest {
    command: String,
}

/// Serves until Ctrl-C. Port 0 picks a free port; the URL is printed either way.
pub async fn serve(port: u16, dist: PathBuf) -> anyhow::Result<()> {
    if !dist.join("index.html").is_file() {
        anyhow::bail!("the app is not built: {} has no index.html (run `cargo xtask play`)", dist.display());
    }
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    let port = listener.local_addr()?.port();
    let mut token_bytes = [0u8; 24];
    getrandom::fill(&mut token_bytes).map_err(|e| anyhow::anyhow!("no randomness for the token: {e}"))?;
    let token = dockyard_engine::digest::hex(&token_bytes);
    let app = Arc::new(App { dist: dist.clone(), token, port, docker: HostBridge::from_env() });
    // What a server that was killed left on the daemon goes before anyone can make more.
    let leftovers = app.docker.remove_all().await;
    if leftovers > 0 {
        eprintln!("dockyard: removed {leftovers} objects an earlier server left on the Docker Engine");
    }
    tokio::spawn(reap(app.clone()));
    let router = Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/sw.js", get(service_worker))
        .route("/api/host", get(host_status))
        .route("/api/host/run", post(host_run))
        .route("/api/host/images/export", post(images_export))
        .route("/api/host/tty", get(host_tty))
        .route("/api/host/stream", get(host_stream))
        .route("/api/host/session", post(session_open).put(session_heartbeat).delete(session_close))
        .fallback_service(static_files(&dist))
        .layer(middleware::from_fn_with_state(app.clone(), check_host))
        // Cross-origin isolation lets later workers share memory with the page.
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-embedder-policy"),
            HeaderValue::from_static("require-corp"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .with_state(app.clone());
    // Whoever started the server may stop reading its output; that must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Dockyard is running at http://127.0.0.1:{port}/\nHost mode token: {}\nPress Ctrl-C to stop.",
        app.token
    );
    let _ = out.flush();
    axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await?;
    // The sessions end with the server, and so does what they made.
    app.docker.remove_all().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM as a service manager (or a test) stops a server.
async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match terminate.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
    }
}

/// Ends the sessions whose page went quiet for the grace period, and removes what they made.
async fn reap(app: Arc<App>) {
    let every = (app.docker.grace() / 4).max(std::time::Duration::from_millis(500));
    loop {
        tokio::time::sleep(every).await;
        app.docker.reap().await;
    }
}

/// The app's files. `cargo xtask dist` writes a gzip and a brotli copy beside each one that
/// compresses, and a browser that accepts either gets it, with the original's type (a module
/// stays `application/wasm`, so it still compiles as it streams in); `Vary` keeps caches from
/// handing one encoding to a browser that asked for another.
fn static_files(dist: &std::path::Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    let files = ServeDir::new(dist).precompressed_br().precompressed_gzip();
    SetResponseHeader::appending(files, header::VARY, HeaderValue::from_static("accept-encoding"))
}

/// The hosts a page on this server may be addressed by. Anything else is a rebinding attempt.
fn allowed_hosts(port: u16) -> [String; 3] {
    [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")]
}

async fn check_host(State(app): State<Arc<App>>, request: Request<Body>, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !allowed_hosts(app.port).iter().any(|allowed| allowed == host) {
        return (StatusCode::FORBIDDEN, "dockyard: refused: the Host header does not name this server").into_response();
    }
    next.run(request).await
}

/// The page, with the token in a meta tag: only a page from this origin can read it.
async fn index(State(app): State<Arc<App>>) -> Response {
    match tokio::fs::read_to_string(app.dist.join("index.html")).await {
        Ok(html) => {
            let meta = format!("<meta name=\"dockyard-token\" content=\"{}\">\n</head>", app.token);
            let mut response = Html(html.replacen("</head>", &meta, 1)).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("dockyard: cannot read index.html: {e}")).into_response(),
    }
}

/// The service worker `cargo xtask dist` wrote. Never cached by the browser's HTTP cache, so a
/// new build's worker (and with it the new build's files) is found on the next visit.
async fn service_worker(State(app): State<Arc<App>>) -> Response {
    match tokio::fs::read(app.dist.join("sw.js")).await {
        Ok(script) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            script,
        )
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "dockyard: this build has no service worker").into_response(),
    }
}

/// Whether a daemon answers. A plain GET from the page carries no Origin, so the token alone
/// guards it: another site can neither read the token nor send the header without a preflight.
async fn host_status(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(why) = check_token(&app, &headers) {
        return forbidden(why);
    }
    Json(app.docker.status().await).into_response()
}

fn forbidden(why: &str) -> Response {
    (StatusCode::FORBIDDEN, Json(HostReply::error(format!("dockyard: refused: {why}"), 1))).into_response()
}

fn refused(refusal: Refusal) -> Response {
    (StatusCode::FORBIDDEN, Json(HostReply::refused(refusal))).into_response()
}

/// The session a call names, after the Origin and token checks.
fn session_of(app: &App, headers: &HeaderMap) -> Result<SessionId, &'static str> {
    authorize(app, headers)?;
    headers
        .get(SESSION_HEADER)
        .and_then(|s| s.to_str().ok())
        .and_then(SessionId::parse)
        .ok_or("no session; open one with POST /api/host/session")
}

async fn session_open(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(why) = authorize(&app, &headers) {
        return forbidden(why);
    }
    match app.docker.open_session() {
        Ok(id) => Json(serde_json::json!({ "session": id.as_str() })).into_response(),
        Err(refusal) => refused(refusal),
    }
}

async fn session_heartbeat(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let id = match session_of(&app, &headers) {
        Ok(id) => id,
        Err(why) => return forbidden(why),
    };
    match app.docker.heartbeat(&id) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(refusal) => refused(refusal),
    }
}

async fn session_close(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let id = match session_of(&app, &headers) {
        Ok(id) => id,
        Err(why) => return forbidden(why),
    };
    match app.docker.close_session(&id).await {
        Ok(removed) => Json(serde_json::json!({ "removed": removed })).into_response(),
        Err(refusal) => refused(refusal),
    }
}

/// The real images as a `docker save` archive, which the page draws as stacks of layers.
async fn images_export(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let id = match session_of(&app, &headers) {
        Ok(id) => id,
        Err(why) => return forbidden(why),
    };
    match app.docker.export_images(&id).await {
        Ok(archive) => ([(header::CONTENT_TYPE, "application/x-tar")], archive).into_response(),
        Err(why) => (StatusCode::BAD_GATEWAY, Json(HostReply::error(why, 1))).into_response(),
    }
}

/// Who a terminal's WebSocket is for. A browser cannot set headers on a WebSocket, so the token
/// and the session come in the query; the browser sets the Origin itself, and it is checked.
#[derive(Deserialize)]
struct TtyParams {
    token: String,
    session: String,
}

/// The session a WebSocket names in its query, after the same checks as a header's.
fn socket_session(app: &App, headers: &mut HeaderMap, params: &TtyParams) -> Result<SessionId, &'static str> {
    for (name, value) in [(TOKEN_HEADER, &params.token), (SESSION_HEADER, &params.session)] {
        let value = HeaderValue::from_str(value).map_err(|_| "a malformed token or session")?;
        headers.insert(name, value);
    }
    session_of(app, headers)
}

/// The first message on a terminal's socket: the command and the terminal's size.
#[derive(Deserialize)]
struct TtyStart {
    command: String,
    rows: u16,
    cols: u16,
}

/// A later text message: the terminal's new size.
#[derive(Deserialize)]
struct TtyResize {
    resize: (u16, u16),
}

async fn host_tty(
    State(app): State<Arc<App>>,
    mut headers: HeaderMap,
    Query(params): Query<TtyParams>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let id = match socket_session(&app, &mut headers, &params) {
        Ok(id) => id,
        Err(why) => return forbidden(why),
    };
    upgrade.on_upgrade(move |socket| terminal(app, id, socket))
}

/// A socket's first message, which says what it is for; one the server cannot read is answered
/// with why, in a reply the page prints, and the socket goes no further.
async fn first_message<T: serde::de::DeserializeOwned>(socket: &mut WebSocket, what: &str) -> Option<T> {
    let text = match socket.recv().await {
        Some(Ok(Message::Text(text))) => text,
        _ => return None,
    };
    match serde_json::from_str::<T>(&text) {
        Ok(start) => Some(start),
        Err(e) => {
            let reply = HostReply::error(format!("dockyard: the {what}'s first message: {e}"), 1);
            let _ = socket.send(Message::Text(serde_json::to_string(&reply).unwrap_or_default().into())).await;
            None
        }
    }
}

/// Carries a terminal: the TTY's output as binary messages, the keys typed as binary messages
/// back (Ctrl-C is byte 3, which the TTY turns into SIGINT), resizes as text, and the exit code
/// as the last text message.
async fn terminal(app: Arc<App>, id: SessionId, mut socket: WebSocket) {
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    let Some(start) = first_message::<TtyStart>(&mut socket, "terminal").await else { return };
    let (docker, crate::host::tty::Terminal { mut output, mut input, target }) =
        match app.docker.open_terminal(&id, &start.command, start.rows, start.cols).await {
            Ok(opened) => opened,
            Err(reply) => {
                let _ = socket.send(Message::Text(serde_json::to_string(&reply).unwrap_or_default().into())).await;
                return;
            }
        };
    loop {
        tokio::select! {
            chunk = output.next() => match chunk {
                Some(Ok(out)) => {
                    if socket.send(Message::Binary(out.into_bytes())).await.is_err() {
                        break;
                    }
                }
                // The process ended and closed the TTY.
                _ => break,
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Binary(keys))) => {
                    app.docker.touch(&id);
                    if input.write_all(&keys).await.is_err() || input.flush().await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    if let Ok(TtyResize { resize: (rows, cols) }) = serde_json::from_str(&text) {
                        crate::host::tty::resize(&docker, &target, rows, cols).await;
                    }
                }
                Some(Ok(_)) => {}
                // The page went away: its terminal hangs up, as a closed window's does.
                _ => {
                    crate::host::tty::hang_up(&docker, &target).await;
                    return;
                }
            },
        }
    }
    let code = crate::host::tty::finish(&docker, &target).await;
    let _ = socket.send(Message::Text(serde_json::json!({ "exit_code": code }).to_string().into())).await;
    let _ = socket.send(Message::Close(None)).await;
}

/// The first message on a command's stream: the command line, and whether a build context (a
/// tar, as one binary message) follows.
#[derive(Deserialize)]
struct StreamStart {
    command: String,
    #[serde(default)]
    context: bool,
}

/// A later text message on a command's stream: the learner pressed Ctrl-C.
#[derive(Deserialize)]
struct StreamInterrupt {
    interrupt: bool,
}

/// `GET /api/host/stream`: a command whose output the page shows as it comes (a foreground run,
/// `logs -f`, `pull`, `build`), guarded as the terminal's socket is.
async fn host_stream(
    State(app): State<Arc<App>>,
    mut headers: HeaderMap,
    Query(params): Query<TtyParams>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let id = match socket_session(&app, &mut headers, &params) {
        Ok(id) => id,
        Err(why) => return forbidden(why),
    };
    // Room for the largest build context the bridge accepts, which it then checks itself.
    let most = crate::host::build::MAX_CONTEXT_BYTES + (1 << 20);
    upgrade.max_message_size(most).max_frame_size(most).on_upgrade(move |socket| stream(app, id, socket))
}

/// Carries one command: its output as `{"stdout": ...}` and `{"stderr": ...}` text messages as
/// it comes, `{"interrupt": true}` from the page for Ctrl-C, and `{"exit_code": N}` last.
async fn stream(app: Arc<App>, id: SessionId, mut socket: WebSocket) {
    use crate::host::stream::{Chunk, Out};
    let Some(start) = first_message::<StreamStart>(&mut socket, "stream").await else { return };
    let context = match start.context {
        true => match socket.recv().await {
            Some(Ok(Message::Binary(tar))) => Some(tar.to_vec()),
            _ => return,
        },
        false => None,
    };
    let (sender, mut chunks) = tokio::sync::mpsc::unbounded_channel();
    let (press, interrupt) = tokio::sync::watch::channel(false);
    let mut out = Out::streaming(sender, interrupt);
    let send = |chunk: Chunk| {
        let json = match chunk {
            Chunk::Stdout(text) => serde_json::json!({ "stdout": text }),
            Chunk::Stderr(text) => serde_json::json!({ "stderr": text }),
        };
        Message::Text(json.to_string().into())
    };
    let code = {
        let running = app.docker.execute_into(&id, &start.command, context, &mut out);
        let mut running = std::pin::pin!(running);
        // Whether the page is still there to be written to and to press Ctrl-C.
        let mut listening = true;
        loop {
            // One event at a time, so sending and receiving never borrow the socket together.
            enum Event {
                Done(i32),
                Chunk(Chunk),
                Page(Option<Message>),
            }
            let event = tokio::select! {
                code = &mut running => Event::Done(code),
                Some(chunk) = chunks.recv() => Event::Chunk(chunk),
                message = socket.recv(), if listening => Event::Page(message.and_then(Result::ok)),
            };
            match event {
                Event::Done(code) => break code,
                Event::Chunk(chunk) => {
                    if listening && socket.send(send(chunk)).await.is_err() {
                        listening = false;
                        let _ = press.send(true);
                    }
                }
                Event::Page(Some(Message::Text(text))) => {
                    if let Ok(StreamInterrupt { interrupt: true }) = serde_json::from_str(&text) {
                        let _ = press.send(true);
                    }
                }
                Event::Page(Some(_)) => {}
                // The page went away: what it ran is interrupted, as a closed window's would be.
                Event::Page(None) => {
                    listening = false;
                    let _ = press.send(true);
                }
            }
        }
    };
    drop(out);
    while let Ok(chunk) = chunks.try_recv() {
        let _ = socket.send(send(chunk)).await;
    }
    let _ = socket.send(Message::Text(serde_json::json!({ "exit_code": code }).to_string().into())).await;
    let _ = socket.send(Message::Close(None)).await;
}

async fn host_run(State(app): State<Arc<App>>, headers: HeaderMap, Json(request): Json<RunRequest>) -> Response {
    let id = match session_of(&app, &headers) {
        Ok(id) => id,
        Err(why) => return forbidden(why),
    };
    Json(app.docker.execute(&id, &request.command).await).into_response()
}

/// A host API call must come from this server's own page: the right Origin and the token.
fn authorize(app: &App, headers: &HeaderMap) -> Result<(), &'static str> {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()).ok_or("no Origin header")?;
    if !allowed_hosts(app.port).iter().any(|host| origin == format!("http://{host}")) {
        return Err("the request comes from another site");
    }
    check_token(app, headers)
}

fn check_token(app: &App, headers: &HeaderMap) -> Result<(), &'static str> {
    let token = headers.get(TOKEN_HEADER).and_then(|t| t.to_str().ok()).ok_or("no token")?;
    if !constant_time_eq(token.as_bytes(), app.token.as_bytes()) {
        return Err("wrong token");
    }
    Ok(())
}

/// Compares without stopping at the first difference, so timing tells nothing about the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    /// Asks the static file service for `path` with `accept` as its Accept-Encoding.
    async fn fetch(dist: &std::path::Path, path: &str, accept: &str) -> (HeaderMap, Vec<u8>) {
        use tower::ServiceExt as _;
        let request = Request::get(path).header(header::ACCEPT_ENCODING, accept).body(Body::empty()).unwrap();
        let response = static_files(dist).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(Body::new(response.into_body()), usize::MAX).await.unwrap();
        (headers, body.to_vec())
    }

    #[test]
    fn static_files_come_precompressed_to_browsers_that_accept_it() {
        let dist = std::env::temp_dir().join(format!("dockyard-web-precompressed-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        for (name, bytes) in [("app.wasm", "plain"), ("app.wasm.gz", "gzip"), ("app.wasm.br", "brotli")] {
            std::fs::write(dist.join(name), bytes).unwrap();
        }
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            for (accept, encoding, body) in [
                ("gzip, deflate, br", Some("br"), "brotli"),
                ("gzip", Some("gzip"), "gzip"),
                ("identity", None, "plain"),
            ] {
                let (headers, got) = fetch(&dist, "/app.wasm", accept).await;
                assert_eq!(got, body.as_bytes(), "for {accept}");
                let sent = headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap());
                assert_eq!(sent, encoding, "for {accept}");
                // Still a module, so the browser compiles it as it streams in.
                assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
                assert_eq!(headers[header::VARY], "accept-encoding");
            }
        });
        std::fs::remove_dir_all(dist).unwrap();
    }

    #[test]
    fn only_loopback_names_with_our_port_are_allowed() {
        let hosts = allowed_hosts(8080);
        assert!(hosts.contains(&"127.0.0.1:8080".to_string()));
        assert!(!hosts.contains(&"evil.example:8080".to_string()));
        assert!(!hosts.contains(&"127.0.0.1:9090".to_string()));
    }
}
