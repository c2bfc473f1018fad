//! What the end-to-end tests share: finding prerequisites, starting `dockyard serve`, and a
//! headless Chromium session through chromedriver.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// A path from the environment, else a default; failing loudly if it does not exist.
fn required_path(var: &str, default: PathBuf, what: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or(default);
    assert!(
        path.exists(),
        "{what} not found at {} (set {var}, or run `cargo xtask test`, which prepares it)",
        path.display()
    );
    path
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `dockyard` binary under test.
pub fn dockyard_bin() -> PathBuf {
    required_path("DOCKYARD_BIN", repo_root().join("target/debug/dockyard"), "the dockyard binary")
}

/// The built web app.
pub fn dist() -> PathBuf {
    required_path("DOCKYARD_DIST", repo_root().join("target/dist"), "the built web app")
}

/// The private Docker Engine's address, as DOCKER_HOST takes it.
pub fn docker_host() -> String {
    let host = std::env::var("DOCKYARD_DOCKER_HOST")
        .unwrap_or_else(|_| format!("unix://{}", repo_root().join("target/docker/docker.sock").display()));
    let socket = host.trim_start_matches("unix://");
    assert!(
        std::path::Path::new(socket).exists(),
        "no private Docker Engine at {host} (run `cargo xtask test`, or `cargo xtask dockerd` and set DOCKYARD_DOCKER_HOST)"
    );
    host
}

/// Runs the `dockyard` CLI with `home` as its data folder.
pub fn dockyard(home: &TempHome, args: &[&str]) -> std::process::Output {
    Command::new(dockyard_bin()).args(args).env("DOCKYARD_HOME", &home.0).output().expect("dockyard runs")
}

/// Runs the `dockyard` CLI with `home` as its data folder and `input` on its standard input.
pub fn dockyard_with_input(home: &TempHome, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(dockyard_bin())
        .args(args)
        .env("DOCKYARD_HOME", &home.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dockyard runs");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("dockyard ends")
}

/// Runs the real docker CLI against the private Docker Engine.
pub fn docker(args: &[&str]) -> std::process::Output {
    Command::new("docker").arg("-H").arg(docker_host()).args(args).output().expect("the docker CLI runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh, empty data folder for one test, removed when dropped.
pub struct TempHome(pub PathBuf);

impl TempHome {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("dockyard-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempHome(dir)
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `dockyard serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    _home: TempHome,
}

impl Server {
    /// Starts the server on a free port; `docker_host` points host mode at a daemon.
    pub fn start(docker_host: Option<&str>) -> Server {
        Server::start_with(docker_host, &[])
    }

    /// Starts the server with more environment, such as host mode's grace period.
    pub fn start_with(docker_host: Option<&str>, env: &[(&str, &str)]) -> Server {
        Server::launch(docker_host, env, &dist())
    }

    /// Starts the server on the web app in `dist`, such as a copy with a file missing.
    pub fn serving(dist: &std::path::Path) -> Server {
        Server::launch(None, &[], dist)
    }

    fn launch(docker_host: Option<&str>, env: &[(&str, &str)], dist: &std::path::Path) -> Server {
        let home = TempHome::new("serve");
        let mut command = Command::new(dockyard_bin());
        command
            .args(["serve", "--port", "0", "--dist"])
            .arg(dist)
            .env("DOCKYARD_HOME", &home.0)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        match docker_host {
            Some(host) => command.env("DOCKER_HOST", host),
            // A socket that cannot exist, so "no daemon" is what the page sees.
            None => command.env("DOCKER_HOST", "unix:///nonexistent/dockyard-test.sock"),
        };
        let mut child = command.spawn().expect("dockyard serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        reader.read_line(&mut first).expect("dockyard serve prints its URL");
        // Keep reading, so the server never writes into a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let url = first
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("unexpected first line from dockyard serve: {first:?}"))
            .to_string();
        Server { child, url, _home: home }
    }

    /// Stops the server now, as a learner's laptop losing it would (the offline test).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops the server as a service manager would (SIGTERM), and waits for it to finish.
    pub fn terminate(&mut self) {
        // SAFETY: kill(2) with this child's own PID and a valid signal number touches no memory.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }

    pub fn port(&self) -> u16 {
        self.url.trim_end_matches('/').rsplit(':').next().and_then(|p| p.parse().ok()).expect("port in URL")
    }

    /// A raw HTTP/1.1 request, so tests control every header (Origin, Host, token) themselves.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port())).expect("connect to server");
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            request.push_str(&format!("Host: 127.0.0.1:{}\r\n", self.port()));
        }
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).expect("send request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read response");
        let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, dechunk(&body))
    }
}

/// Undoes chunked transfer encoding when the server used it.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    loop {
        let Some((size, after)) = rest.split_once("\r\n") else {
            return body.to_string();
        };
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            return body.to_string();
        };
        if size == 0 {
            return out;
        }
        if after.len() < size {
            return body.to_string();
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session; chromedriver and the profile folder go away when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Browser {
    pub async fn start() -> Browser {
        let chromedriver = required_path("CHROMEDRIVER", PathBuf::from("/usr/bin/chromedriver"), "chromedriver");
        let chromium = required_path("CHROMIUM", PathBuf::from("/usr/bin/chromium"), "Chromium");
        let port = free_port();
        // Its own process group, so that dropping the browser ends Chromium too, even mid-panic.
        let driver = Command::new(chromedriver)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = std::env::temp_dir().join(format!("dockyard-chromium-{port}"));
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--window-size=1280,720".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": chromium.display().to_string(), "args": args }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        Browser { client, driver, profile }
    }

    /// Waits until the element's text satisfies `pred`, returning the text; fails after `secs`.
    /// The text is the element's `innerText`, so it reads the terminal's plain copy for screen
    /// readers, which is laid out but not drawn.
    pub async fn wait_text(&self, css: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Some(text) = self.inner_text(css).await {
                if pred(&text) {
                    return text;
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.screenshot("timed-out-text").await;
        panic!("timed out after {secs} s waiting on {css}; its text was:\n{last}");
    }

    /// The `innerText` of the first element `css` selects, if there is one.
    pub async fn inner_text(&self, css: &str) -> Option<String> {
        let script = "const el = document.querySelector(arguments[0]); return el ? el.innerText : null;";
        let value = self.client.execute(script, vec![serde_json::json!(css)]).await.ok()?;
        value.as_str().map(str::to_string)
    }

    /// Waits until what xterm.js draws, row by row as the learner sees it, satisfies `pred`.
    pub async fn wait_screen(&self, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        match self.screen_within(secs, pred).await {
            Ok(text) => text,
            Err(last) => {
                self.screenshot("timed-out-screen").await;
                panic!("timed out after {secs} s waiting on the terminal's screen; it showed:\n{last}");
            }
        }
    }

    /// The terminal's screen once `pred` holds of it, or `None` after `secs`.
    pub async fn wait_screen_for(&self, secs: u64, pred: impl Fn(&str) -> bool) -> Option<String> {
        self.screen_within(secs, pred).await.ok()
    }

    /// The screen once `pred` holds, or what it last showed when `secs` ran out.
    async fn screen_within(&self, secs: u64, pred: impl Fn(&str) -> bool) -> Result<String, String> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut last = String::new();
        while Instant::now() < deadline {
            // xterm.js draws spaces as no-break spaces so that they keep their width.
            let text = self.inner_text("#terminal .xterm-rows").await.unwrap_or_default().replace('\u{a0}', " ");
            if pred(&text) {
                return Ok(text);
            }
            last = text;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(last)
    }

    /// Sends keys to the terminal, such as `\u{E009}c` for Ctrl-C or `\u{E004}` for Tab.
    pub async fn press(&self, keys: &str) {
        let input = self.client.find(Locator::Css("#terminal-input")).await.expect("terminal input");
        input.send_keys(keys).await.expect("keys reach the terminal");
    }

    /// Loads the playground at `url` and waits until its terminal takes input.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("page loads");
        self.client.wait().for_element(Locator::Css("#terminal-input")).await.expect("terminal");
    }

    /// Types a command into the terminal and presses Enter.
    pub async fn type_command(&self, command: &str) {
        let input = self.client.find(Locator::Css("#terminal-input")).await.expect("terminal input");
        input.send_keys(&format!("{command}\u{E007}")).await.expect("typing");
    }

    /// Saves a screenshot under target/e2e-screenshots, kept as a test artifact.
    pub async fn screenshot(&self, name: &str) {
        let dir = repo_root().join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Ends the session politely; dropping then stops chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver's process group holds Chromium and its helpers. The signal goes through
        // libc, not the `kill` command: procps-ng 4.0.2 misreads a negative process-group id.
        let group = self.driver.id() as i32;
        assert!(group > 1, "refusing to signal process group {group}");
        // SAFETY: kill(2) has no memory effects; the group is one this test created.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A runtime for one async test.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}
