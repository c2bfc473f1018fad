//! Host mode's streamed commands over `/api/host/stream` on the private Docker Engine: `docker
//! build` of a context the page sends, with its steps as they run; a foreground `run` and `logs
//! -f` that follow past the one-reply limit of 30 s until Ctrl-C; a pull's error as it comes.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{block_on, docker, docker_host, text, Server};
use crate::host_api::{Api, Session};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One streamed command: the messages so far, each with when it came.
struct Streamed {
    socket: Socket,
    started: Instant,
    stdout: Vec<(Duration, String)>,
    stderr: Vec<(Duration, String)>,
    exit_code: Option<i64>,
}

impl Streamed {
    async fn open(session: &Session<'_>, command: &str, context: Option<Vec<u8>>) -> Streamed {
        let api = session.api;
        let url =
            format!("ws://127.0.0.1:{}/api/host/stream?token={}&session={}", api.server.port(), api.token, session.id);
        let mut request = url.into_client_request().expect("a request");
        request.headers_mut().insert("Origin", api.origin.parse().expect("an origin"));
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("the stream opens");
        let start = serde_json::json!({ "command": command, "context": context.is_some() }).to_string();
        socket.send(Message::text(start)).await.expect("send the command");
        if let Some(tar) = context {
            socket.send(Message::binary(tar)).await.expect("send the context");
        }
        Streamed { socket, started: Instant::now(), stdout: Vec::new(), stderr: Vec::new(), exit_code: None }
    }

    fn stdout_text(&self) -> String {
        self.stdout.iter().map(|(_, t)| t.as_str()).collect()
    }

    fn stderr_text(&self) -> String {
        self.stderr.iter().map(|(_, t)| t.as_str()).collect()
    }

    /// When `needle` first showed in standard output.
    fn when(&self, needle: &str) -> Duration {
        let mut seen = String::new();
        for (at, chunk) in &self.stdout {
            seen.push_str(chunk);
            if seen.contains(needle) {
                return *at;
            }
        }
        panic!("{needle:?} never came; stdout {:?}", seen)
    }

    /// Reads one message; false when the command has ended.
    async fn read(&mut self, secs: u64) -> bool {
        let message = tokio::time::timeout(Duration::from_secs(secs), self.socket.next()).await;
        let Ok(Some(Ok(Message::Text(json)))) = message else {
            return false;
        };
        let json: serde_json::Value = serde_json::from_str(&json).expect("json");
        let at = self.started.elapsed();
        if let Some(out) = json["stdout"].as_str() {
            self.stdout.push((at, out.to_string()));
        }
        if let Some(err) = json["stderr"].as_str() {
            self.stderr.push((at, err.to_string()));
        }
        if let Some(code) = json["exit_code"].as_i64() {
            self.exit_code = Some(code);
            return false;
        }
        true
    }

    /// Reads until standard output holds `needle`.
    async fn until(&mut self, needle: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !self.stdout_text().contains(needle) && Instant::now() < deadline {
            if !self.read(secs).await {
                break;
            }
        }
        assert!(self.stdout_text().contains(needle), "waited for {needle:?}; stdout {:?}", self.stdout_text());
    }

    async fn exit_code(&mut self, secs: u64) -> i64 {
        while self.read(secs).await {}
        self.exit_code.unwrap_or_else(|| panic!("no exit code; stdout {:?} stderr {:?}", self.stdout, self.stderr))
    }

    async fn interrupt(&mut self) {
        self.socket.send(Message::text(r#"{"interrupt":true}"#)).await.expect("send Ctrl-C");
    }
}

/// A build context as the page sends it: a tar of the files, made here with the real `tar`.
fn context(files: &[(&str, &str)]) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("dockyard-host-context-{}-{}", std::process::id(), files.len()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, body) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, body).expect("write");
    }
    let out = std::process::Command::new("tar").arg("-C").arg(&dir).args(["-cf", "-", "."]).output().expect("tar");
    assert!(out.status.success());
    std::fs::remove_dir_all(&dir).expect("clean up");
    out.stdout
}

#[test]
fn docker_build_builds_the_pages_context_and_streams_its_steps() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    let files = [
        ("Dockerfile", "FROM busybox\nCOPY site /site\nRUN echo first-run && sleep 2 && echo second-run\nCMD [\"cat\", \"/site/index.html\"]\n"),
        ("site/index.html", "hello from the page's context\n"),
    ];
    block_on(async {
        let mut build =
            Streamed::open(&session, "docker build -t site:v1 -t site:latest .", Some(context(&files))).await;
        assert_eq!(build.exit_code(60).await, 0, "stderr {:?}", build.stderr_text());
        let out = build.stdout_text();
        for line in
            ["Step 1/6 : FROM busybox", "Step 2/6 : COPY site /site", "first-run", "second-run", "Successfully built"]
        {
            assert!(out.contains(line), "{line:?} in {out:?}");
        }
        // The session's labels are the build's last steps, as `docker build --label` shows them.
        assert!(out.contains(&format!("Step 6/6 : LABEL dockyard.session={}", session.id)), "{out}");
        assert!(
            out.contains("Successfully tagged site:v1") && out.contains("Successfully tagged site:latest"),
            "{out}"
        );
        // The steps came as they ran, not all at the end: the RUN step sleeps between its lines.
        // (Lines of their own, not the step's echo of the instruction.)
        assert!(
            build.when("\nsecond-run\n") >= build.when("\nfirst-run\n") + Duration::from_millis(1500),
            "{:?}",
            build.stdout
        );
    });
    assert_eq!(session.ok("docker run --rm site:v1"), "hello from the page's context\n");
    let owner = session.ok("docker image inspect -f '{{index .Config.Labels \"dockyard.session\"}}' site:latest");
    assert_eq!(owner.trim(), session.id, "the image carries the session's label");
    // The learner may build the same name again, but not take a name the session did not make.
    let other = api.open();
    block_on(async {
        let mut build = Streamed::open(&other, "docker build -t site:v1 .", Some(context(&files))).await;
        assert_eq!(build.exit_code(30).await, 125);
        assert!(build.stderr_text().contains("refused by rule own-session-only"), "{}", build.stderr_text());
        let mut build = Streamed::open(&other, "docker build -t busybox .", Some(context(&files))).await;
        assert_eq!(build.exit_code(30).await, 125);
        let mut build = Streamed::open(&other, "docker build -t mine .", Some(b"not a tar archive".to_vec())).await;
        assert_eq!(build.exit_code(30).await, 125);
        assert!(build.stderr_text().contains("refused by rule build-context"), "{}", build.stderr_text());
        let mut build = Streamed::open(&other, "docker build -f ../Dockerfile -t mine .", Some(context(&files))).await;
        assert_eq!(build.exit_code(30).await, 125);
        assert!(build.stderr_text().contains("refused by rule build-context"), "{}", build.stderr_text());
        // A step that fails ends the build with the builder's words, and leaves no image behind.
        let all_images = || text(&docker(&["images", "-aq"]).stdout).lines().count();
        let before = all_images();
        let failing = [("Dockerfile", "FROM busybox\nCOPY a.txt /a.txt\nRUN exit 3\n"), ("a.txt", "a\n")];
        let mut build = Streamed::open(&other, "docker build -t failing .", Some(context(&failing))).await;
        assert_eq!(build.exit_code(60).await, 1);
        assert!(build.stderr_text().contains("returned a non-zero code: 3"), "{}", build.stderr_text());
        assert_eq!(all_images(), before, "the failed build's steps were left on the daemon");
        let mut build = Streamed::open(&other, "docker build .", None).await;
        assert_eq!(build.exit_code(30).await, 1);
        assert!(build.stderr_text().contains("Dockerfile tab"), "{}", build.stderr_text());
    });
    // Another session can neither run the image nor remove it: one session's build cannot stand
    // in for an image another runs.
    let refused = other.run("docker run --rm site:v1");
    assert!(refused.stderr.contains("refused by rule own-session-only"), "{refused:?}");
    let refused = other.run("docker rmi site:latest");
    assert!(refused.stderr.contains("refused by rule own-session-only") && refused.exit_code == 1, "{refused:?}");
    let refused = session.run("docker rmi busybox");
    assert!(refused.stderr.contains("refused by rule own-session-only"), "{refused:?}");
    assert_eq!(session.ok("docker rmi site:latest"), "Untagged: site:latest\n");
    other.close();
    // The session's images go with it.
    session.close();
    let left = docker(&["images", "-q", "site"]);
    assert_eq!(text(&left.stdout).trim(), "", "the built image is removed with its session");
    assert!(docker(&["image", "inspect", "busybox"]).status.success(), "the shared image stays");
}

#[test]
fn a_foreground_run_and_logs_f_follow_past_30_seconds_until_ctrl_c() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let (runner, watcher) = (api.open(), api.open());
    let ticker = "sh -c 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done'";
    watcher.ok(&format!("docker run -d --name ticker busybox {ticker}"));
    block_on(async {
        // Both follow at once; each session runs one command at a time, so two sessions.
        let mut run = Streamed::open(&runner, &format!("docker run --rm --name fg busybox {ticker}"), None).await;
        let mut logs = Streamed::open(&watcher, "docker logs -f ticker", None).await;
        let (_, _) = tokio::join!(run.until("tick-33", 60), logs.until("tick-33", 60));
        // Output came as it was written, a line a second.
        assert!(run.when("tick-3") >= run.when("tick-1") + Duration::from_millis(1500));
        let pressed = Instant::now();
        logs.interrupt().await;
        assert_eq!(logs.exit_code(10).await, 130);
        // Ctrl-C reaches the container as SIGINT, as the docker CLI's signal proxy sends it.
        run.interrupt().await;
        assert_eq!(run.exit_code(20).await, 130);
        assert!(pressed.elapsed() < Duration::from_secs(15), "{:?}", pressed.elapsed());
        assert!(!run.stderr_text().contains("stopped the container after"), "{}", run.stderr_text());
    });
    assert_eq!(runner.ok("docker ps -aq"), "", "--rm removed the interrupted container");
    assert!(watcher.ok("docker ps").contains("ticker"), "logs -f's Ctrl-C leaves the container running");
    block_on(async {
        // `sleep` as PID 1 ignores SIGINT, so after a short grace the server stops it.
        let mut run = Streamed::open(&runner, "docker run --rm busybox sleep 300", None).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let pressed = Instant::now();
        run.interrupt().await;
        assert_eq!(run.exit_code(20).await, 137);
        assert!(pressed.elapsed() < Duration::from_secs(10), "{:?}", pressed.elapsed());
        // A foreground run that ends on its own gives its exit code.
        let mut run =
            Streamed::open(&runner, "docker run --rm busybox sh -c 'echo one; sleep 2; echo two; exit 3'", None).await;
        assert_eq!(run.exit_code(30).await, 3);
        assert!(run.when("two") >= run.when("one") + Duration::from_millis(1500), "{:?}", run.stdout);
    });
    runner.close();
    watcher.close();
}

#[test]
fn a_pulls_progress_and_error_come_as_they_happen() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    block_on(async {
        // The private daemon is offline, so the pull fails after its first line.
        let mut pull = Streamed::open(&session, "docker pull dockyard-test/nowhere", None).await;
        assert_eq!(pull.exit_code(60).await, 1);
        assert_eq!(pull.stdout_text(), "Using default tag: latest\n");
        assert!(pull.stderr_text().starts_with("Error response from daemon:"), "{}", pull.stderr_text());
        // In a run, the pull's lines and error are the run's, on standard error.
        let mut run = Streamed::open(&session, "docker run --rm dockyard-test/nowhere", None).await;
        assert_eq!(run.exit_code(60).await, 125);
        let err = run.stderr_text();
        assert!(err.starts_with("Unable to find image 'dockyard-test/nowhere:latest' locally\n"), "{err}");
        assert!(err.contains("docker: Error response from daemon:"), "{err}");
    });
    session.close();
}

#[test]
fn a_session_keeps_at_most_ten_images_it_built() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    block_on(async {
        for i in 0..11 {
            let dockerfile = format!("FROM busybox\nENV N={i}\n");
            let line = format!("docker build -q -t quota{i} .");
            let mut build = Streamed::open(&session, &line, Some(context(&[("Dockerfile", &dockerfile)]))).await;
            let code = build.exit_code(60).await;
            if i < 10 {
                assert_eq!(code, 0, "build {i}: {}", build.stderr_text());
            } else {
                assert_eq!(code, 125);
                assert!(build.stderr_text().contains("refused by rule quota"), "{}", build.stderr_text());
            }
        }
    });
    session.ok("docker rmi quota0");
    block_on(async {
        let context = context(&[("Dockerfile", "FROM busybox\nENV N=10\n")]);
        let mut build = Streamed::open(&session, "docker build -q -t quota10 .", Some(context)).await;
        assert_eq!(build.exit_code(60).await, 0, "after an rmi there is room: {}", build.stderr_text());
    });
    session.close();
}
