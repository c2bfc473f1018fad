//! Host mode's real terminal over a WebSocket on the private Docker Engine: `docker run -it
//! busybox sh` and `docker exec -it`, with resizes, Ctrl-C and exit codes, and its guards.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{block_on, docker_host, Server};
use crate::host_api::{dockyard_objects, Api, Session};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A terminal's socket and the screen's text so far.
struct Tty {
    socket: Socket,
    screen: String,
    exit: Option<serde_json::Value>,
}

async fn connect(session: &Session<'_>, origin: &str) -> Result<Socket, String> {
    let api = session.api;
    let url = format!("ws://127.0.0.1:{}/api/host/tty?token={}&session={}", api.server.port(), api.token, session.id);
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    request.headers_mut().insert("Origin", origin.parse().expect("an origin"));
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket).map_err(|e| e.to_string())
}

impl Tty {
    async fn open(session: &Session<'_>, command: &str) -> Tty {
        let mut socket = connect(session, &session.api.origin).await.expect("the terminal's socket opens");
        let start = serde_json::json!({ "command": command, "rows": 24, "cols": 80 }).to_string();
        socket.send(Message::text(start)).await.expect("send the command");
        Tty { socket, screen: String::new(), exit: None }
    }

    async fn keys(&mut self, keys: &str) {
        self.socket.send(Message::binary(keys.as_bytes().to_vec())).await.expect("send keys");
    }

    /// Reads until the screen holds `needle` after what was read before, or the socket ends.
    async fn until(&mut self, needle: &str, secs: u64) -> String {
        let from = self.screen.len();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while !self.screen[from..].contains(needle) {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Ok(Some(Ok(Message::Binary(bytes)))) => self.screen.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Some(Ok(Message::Text(text)))) => {
                    self.exit = Some(serde_json::from_str(&text).expect("json"));
                    break;
                }
                Ok(Some(Ok(_))) => {}
                _ => break,
            }
        }
        assert!(self.screen[from..].contains(needle), "waited for {needle:?}; the screen: {:?}", &self.screen[from..]);
        self.screen[from..].to_string()
    }

    /// Reads to the end: the exit code message.
    async fn exit_code(&mut self) -> i64 {
        while self.exit.is_none() {
            match tokio::time::timeout(Duration::from_secs(20), self.socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => self.exit = Some(serde_json::from_str(&text).expect("json")),
                Ok(Some(Ok(Message::Binary(bytes)))) => self.screen.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Some(Ok(_))) => {}
                other => panic!("the terminal ended without an exit code: {other:?}; screen {:?}", self.screen),
            }
        }
        self.exit.as_ref().and_then(|e| e["exit_code"].as_i64()).expect("an exit code")
    }
}

#[test]
fn docker_run_it_is_a_real_terminal_with_resize_and_ctrl_c() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    block_on(async {
        let mut tty = Tty::open(&session, "docker run -it --rm --name shell busybox sh").await;
        tty.until("# ", 30).await;
        tty.keys("stty size\r").await;
        tty.until("24 80", 10).await;
        tty.socket.send(Message::text(r#"{"resize":[40,100]}"#)).await.expect("resize");
        tty.keys("stty size\r").await;
        tty.until("40 100", 10).await;
        // Ctrl-C reaches the foreground process through the TTY, as SIGINT.
        tty.keys("sleep 30\r").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let interrupted = Instant::now();
        tty.keys("\u{3}").await;
        tty.keys("echo after-$?\r").await;
        tty.until("after-130", 10).await;
        assert!(interrupted.elapsed() < Duration::from_secs(10));
        tty.keys("exit 7\r").await;
        assert_eq!(tty.exit_code().await, 7);
    });
    // --rm removed it.
    assert_eq!(dockyard_objects(&format!("dockyard.session={}", session.id)), Vec::<String>::new());

    session.ok("docker run -d --name box busybox sleep 300");
    block_on(async {
        let mut tty = Tty::open(&session, "docker exec -it box sh").await;
        tty.until("# ", 30).await;
        tty.keys("cat /proc/1/cmdline | tr '\\0' ' '; echo\r").await;
        tty.until("sleep 300", 10).await;
        tty.keys("exit 3\r").await;
        assert_eq!(tty.exit_code().await, 3);
    });
    session.close();
}

#[test]
fn the_terminal_keeps_the_guards() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    block_on(async {
        // Another site's page cannot open one.
        let refused = connect(&session, "http://evil.example").await;
        assert!(refused.is_err_and(|e| e.contains("403")));
        // The allowlist holds here too.
        let mut tty = Tty::open(&session, "docker run -it --privileged busybox sh").await;
        let reply = match tty.socket.next().await {
            Some(Ok(Message::Text(text))) => text.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(reply.contains("refused by rule no-privileged"), "{reply}");
        // Another session's container is not there to attach to.
        let other = api.open();
        other.ok("docker run -d --name theirs busybox sleep 300");
        let id = other.ok("docker ps -q");
        let mut tty = Tty::open(&session, &format!("docker exec -it {} sh", id.trim())).await;
        let reply = match tty.socket.next().await {
            Some(Ok(Message::Text(text))) => text.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(reply.contains("refused by rule own-session-only"), "{reply}");
        other.close();
    });
    session.close();
}
