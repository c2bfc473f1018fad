//! Host mode against the private Docker Engine: status, a real busybox run, the page's guards,
//! and the switch in the page.

use fantoccini::Locator;

use crate::harness::{block_on, docker_host, Browser, Server};

use crate::host_api::{dockyard_objects, Api};

#[test]
fn the_api_reports_the_engine_and_runs_busybox() {
    let host = docker_host();
    let server = Server::start(Some(&host));
    let api = Api::new(&server);
    let (status, body) = api.call("GET", "/api/host", &[], "");
    assert_eq!(status, 200, "{body}");
    let info: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(info["available"], true, "{body}");
    assert!(info["version"].as_str().is_some_and(|v| !v.is_empty()), "{body}");

    let session = api.open();
    let reply = session.run("docker run --rm busybox echo hi");
    assert_eq!((reply.stdout.as_str(), reply.exit_code), ("hi\n", 0), "{reply:?}");
    let reply = session.run("docker run --rm busybox sh -c 'exit 3'");
    assert_eq!(reply.exit_code, 3, "{reply:?}");
    // The network is off inside the container.
    let links = session.ok("docker run --rm busybox ip -o link");
    assert!(links.contains("lo:") && !links.contains("eth0"), "{links}");
    assert_eq!(dockyard_objects("dockyard.session"), Vec::<String>::new(), "objects were left behind");
}

#[test]
fn the_api_refuses_calls_without_token_origin_or_our_host_name() {
    let server = Server::start(Some(&docker_host()));
    let api = Api::new(&server);
    let session = api.open();
    let origin = api.origin.as_str();
    let token = api.token.as_str();
    let id = session.id.as_str();
    let body = serde_json::json!({ "command": "docker run --rm busybox echo hi" }).to_string();
    let json = ("Content-Type", "application/json");
    let cases: [(&str, Vec<(&str, &str)>); 6] = [
        ("no token", vec![("Origin", origin), ("x-dockyard-session", id), json]),
        ("wrong token", vec![("Origin", origin), ("x-dockyard-token", "0000"), ("x-dockyard-session", id), json]),
        ("no origin", vec![("x-dockyard-token", token), ("x-dockyard-session", id), json]),
        (
            "another site",
            vec![("Origin", "http://evil.example"), ("x-dockyard-token", token), ("x-dockyard-session", id), json],
        ),
        (
            "rebound name",
            vec![
                ("Host", "evil.example"),
                ("Origin", origin),
                ("x-dockyard-token", token),
                ("x-dockyard-session", id),
                json,
            ],
        ),
        ("no session", vec![("Origin", origin), ("x-dockyard-token", token), json]),
    ];
    for (why, headers) in cases {
        let (status, body) = server.request("POST", "/api/host/run", &headers, &body);
        assert_eq!(status, 403, "{why}: {body}");
        assert!(body.contains("refused"), "{why}: {body}");
    }
    // Opening a session and asking about the engine need the token too.
    for (method, path) in [("POST", "/api/host/session"), ("GET", "/api/host")] {
        let (status, body) = server.request(method, path, &[("Origin", origin)], "");
        assert_eq!(status, 403, "{method} {path}: {body}");
    }
    let (status, body) = server.request(
        "POST",
        "/api/host/session",
        &[("Origin", "http://evil.example"), ("x-dockyard-token", token)],
        "",
    );
    assert_eq!(status, 403, "{body}");
}

#[test]
fn without_a_daemon_the_page_stays_simulated_and_says_why() {
    let server = Server::start(None);
    let (_, body) = Api::new(&server).call("GET", "/api/host", &[], "");
    let info: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(info["available"], false, "{body}");
    assert!(info["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
}

#[test]
fn the_host_switch_runs_busybox_on_the_real_engine() {
    let host = docker_host();
    block_on(async {
        let server = Server::start(Some(&host));
        let browser = Browser::start().await;
        browser.client.goto(&server.url).await.expect("page loads");
        browser.wait_text("#host-status", 30, |t| t.starts_with("Docker Engine")).await;
        let switch = browser.client.wait().for_element(Locator::Css("#engine-host")).await.expect("host switch");
        switch.click().await.expect("switch to host mode");
        browser.wait_text("#terminal-output", 10, |t| t.contains("real Docker Engine")).await;
        browser.type_command("docker run busybox echo hi").await;
        let text = browser.wait_text("#terminal-output", 60, |t| t.lines().any(|l| l == "hi")).await;
        assert!(text.contains("host$ docker run busybox echo hi"), "{text}");
        // Without --rm the container stays, in this page's session, as with real Docker.
        browser.type_command("docker ps -a").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Exited (0)") && t.contains("\"echo hi\"")).await;
        // The Images tab draws the real busybox, exported by the engine, as a stack of layers
        // whose files are those of the real image.
        let stacks = browser.wait_text(".stacks", 30, |t| t.contains("busybox:latest")).await;
        assert!(!stacks.contains("No images yet"), "{stacks}");
        let slab = browser
            .client
            .wait()
            .for_element(Locator::Css("figure[aria-label='Image busybox:latest'] .slab"))
            .await
            .expect("a layer of the real busybox");
        slab.click().await.expect("open the layer");
        let changes = browser.wait_text(".layer-changes", 10, |t| t.contains("+ /bin/busybox")).await;
        assert!(changes.contains("+ /bin/sh"), "{changes}");
        browser.screenshot("host-mode").await;
        browser.close().await;
    });
    // The page's session outlives a killed server; the next server start removes what it made.
    let _next = Server::start(Some(&host));
    assert_eq!(dockyard_objects("dockyard.session"), Vec::<String>::new(), "objects were left behind");
}

#[test]
fn docker_run_it_in_the_page_is_a_real_terminal() {
    let host = docker_host();
    block_on(async {
        let server = Server::start(Some(&host));
        let browser = Browser::start().await;
        browser.client.goto(&server.url).await.expect("page loads");
        browser.wait_text("#host-status", 30, |t| t.starts_with("Docker Engine")).await;
        let switch = browser.client.wait().for_element(Locator::Css("#engine-host")).await.expect("host switch");
        switch.click().await.expect("switch to host mode");
        browser.wait_text("#terminal-output", 10, |t| t.contains("real Docker Engine")).await;
        browser.type_command("docker run -it --rm busybox sh").await;
        browser.wait_screen(30, |t| t.contains("/ # ")).await;
        // The shell's own line editing echoes what is typed; the output is the shell's.
        browser.type_command("echo tty-$((6*7)) $(stty size)").await;
        let columns = browser.wait_screen(10, |t| t.contains("tty-42")).await;
        assert!(columns.lines().any(|l| l.starts_with("tty-42 ") && l.split(' ').count() == 3), "{columns}");
        // Ctrl-C goes to the shell's foreground process as SIGINT.
        browser.type_command("sleep 30").await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        browser.press("\u{E009}c\u{E000}").await;
        browser.type_command("echo after-$?").await;
        browser.wait_screen(10, |t| t.contains("after-130")).await;
        browser.screenshot("host-tty").await;
        browser.type_command("exit").await;
        browser.wait_screen(20, |t| t.matches("host$").count() >= 2).await;
        browser.close().await;
    });
}

/// Opens the page on `server`, in host mode.
async fn host_page(server: &Server) -> Browser {
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.expect("page loads");
    browser.wait_text("#host-status", 30, |t| t.starts_with("Docker Engine")).await;
    let switch = browser.client.wait().for_element(Locator::Css("#engine-host")).await.expect("host switch");
    switch.click().await.expect("switch to host mode");
    browser.wait_text("#terminal-output", 10, |t| t.contains("real Docker Engine")).await;
    browser
}

#[test]
fn host_mode_builds_the_dockerfile_tab_and_streams_output_until_ctrl_c() {
    let host = docker_host();
    block_on(async {
        let server = Server::start(Some(&host));
        let browser = host_page(&server).await;
        // The Dockerfile tab's files are the build's context, sent with the command.
        browser.client.find(Locator::Css("#tab-dockerfile")).await.expect("the tab").click().await.expect("open it");
        let editor = browser.client.wait().for_element(Locator::Css("#editor-input")).await.expect("the editor");
        editor.send_keys("\u{E009}a\u{E000}").await.expect("select all");
        editor.send_keys("FROM busybox\nRUN echo built-in-the-page > /built\nCMD cat /built\n").await.expect("typing");
        browser.type_command("docker build -t pagebuilt .").await;
        let out =
            browser.wait_text("#terminal-output", 90, |t| t.contains("Successfully tagged pagebuilt:latest")).await;
        assert!(out.contains("Step 2/5 : RUN echo built-in-the-page > /built"), "{out}");
        browser.type_command("docker run --rm pagebuilt").await;
        browser.wait_text("#terminal-output", 60, |t| t.lines().any(|l| l == "built-in-the-page")).await;
        // A foreground run's output shows while it runs, and Ctrl-C ends it.
        browser
            .type_command("docker run --rm busybox sh -c 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done'")
            .await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("tick-2")).await;
        browser.press("\u{E009}c\u{E000}").await;
        browser.type_command("docker ps -a").await;
        let after = browser.wait_text("#terminal-output", 30, |t| t.contains("CONTAINER ID")).await;
        // Ctrl-C ended it, and --rm removed it: the session has no container left.
        let listed = after.split("host$ docker ps -a").nth(1).expect("the ps");
        assert_eq!(listed.trim().lines().count(), 1, "{after}");
        browser.close().await;
    });
    // The built image is the session's: the next start after a killed server removes it.
    let _next = Server::start(Some(&host));
    let left = crate::harness::docker(&["images", "-q", "pagebuilt"]);
    assert_eq!(crate::harness::text(&left.stdout).trim(), "", "the page's image was left behind");
}

#[test]
fn the_real_terminal_follows_the_window_size() {
    let host = docker_host();
    block_on(async {
        let server = Server::start(Some(&host));
        let browser = host_page(&server).await;
        browser.client.set_window_size(1600, 1000).await.expect("a large window");
        browser.type_command("docker run -it --rm busybox sh").await;
        browser.wait_screen(30, |t| t.contains("/ # ")).await;
        // Keys reach the shell once the page has handed the keyboard to the TTY: an empty line
        // first, answered by a second prompt, so the measured command is not typed too early.
        for _ in 0..10 {
            browser.type_command("").await;
            if browser.wait_screen_for(3, |t| t.matches("/ # ").count() >= 2).await.is_some() {
                break;
            }
        }
        browser.type_command("echo big $(stty size)").await;
        let big =
            browser.wait_screen(30, |t| t.lines().any(|l| l.starts_with("big ") && l.split(' ').count() == 3)).await;
        let size = |screen: &str, tag: &str| -> (u32, u32) {
            let line = screen
                .lines()
                .find(|l| l.starts_with(&format!("{tag} ")) && l.split(' ').count() == 3)
                .expect("a size");
            let mut words = line.split(' ').skip(1).map(|w| w.trim().parse::<u32>().expect("a number"));
            (words.next().unwrap(), words.next().unwrap())
        };
        let (rows, cols) = size(&big, "big");
        // Mid-session, a smaller window makes a smaller terminal, and the TTY is told.
        browser.client.set_window_size(900, 700).await.expect("a smaller window");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        browser.type_command("echo small $(stty size)").await;
        let small =
            browser.wait_screen(30, |t| t.lines().any(|l| l.starts_with("small ") && l.split(' ').count() == 3)).await;
        let (rows2, cols2) = size(&small, "small");
        assert_ne!((rows2, cols2), (rows, cols), "the TTY kept its size");
        // The TTY has the pane's size, as xterm.js draws it.
        let drawn = browser
            .client
            .execute("return document.querySelectorAll('#terminal .xterm-rows > div').length", vec![])
            .await
            .expect("rows drawn");
        assert_eq!(drawn.as_u64(), Some(rows2 as u64), "stty size {rows2} {cols2}");
        browser.type_command("exit").await;
        browser.close().await;
    });
}
