//! Host mode against the private Docker Engine: status, a real busybox run, and the guards.

use fantoccini::Locator;

use crate::harness::{block_on, docker, docker_host, Browser, Server};

/// The token `dockyard serve` put into its page.
fn token(server: &Server) -> String {
    let (status, page) = server.request("GET", "/", &[], "");
    assert_eq!(status, 200);
    let after = page.split("name=\"dockyard-token\" content=\"").nth(1).expect("the page carries a token");
    after.split('"').next().expect("token ends").to_string()
}

fn run_body(command: &str) -> String {
    serde_json::json!({ "command": command }).to_string()
}

/// Dockyard's containers on the daemon, found by their label with the real docker CLI.
fn dockyard_containers() -> String {
    let out = docker(&["ps", "-aq", "--filter", "label=dockyard.session"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_api_reports_the_engine_and_runs_busybox() {
    let host = docker_host();
    let server = Server::start(Some(&host));
    let (status, body) = server.request("GET", "/api/host", &[], "");
    assert_eq!(status, 200, "{body}");
    let info: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(info["available"], true, "{body}");
    assert!(info["version"].as_str().is_some_and(|v| !v.is_empty()), "{body}");

    let origin = format!("http://127.0.0.1:{}", server.port());
    let token = token(&server);
    let headers =
        [("Origin", origin.as_str()), ("x-dockyard-token", token.as_str()), ("Content-Type", "application/json")];
    let (status, body) = server.request("POST", "/api/host/run", &headers, &run_body("docker run busybox echo hi"));
    assert_eq!(status, 200, "{body}");
    let reply: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!((reply["stdout"].as_str(), reply["exit_code"].as_i64()), (Some("hi\n"), Some(0)), "{body}");

    let (_, body) = server.request("POST", "/api/host/run", &headers, &run_body("docker run busybox sh -c 'exit 3'"));
    let reply: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(reply["exit_code"].as_i64(), Some(3), "{body}");

    // The network is off inside the container.
    let (_, body) = server.request("POST", "/api/host/run", &headers, &run_body("docker run busybox ip -o link"));
    let reply: serde_json::Value = serde_json::from_str(&body).expect("json");
    let links = reply["stdout"].as_str().unwrap_or_default();
    assert!(links.contains("lo:") && !links.contains("eth0"), "{body}");

    assert_eq!(dockyard_containers(), "", "containers were left behind");
}

#[test]
fn the_api_refuses_calls_without_token_origin_or_our_host_name() {
    let server = Server::start(Some(&docker_host()));
    let origin = format!("http://127.0.0.1:{}", server.port());
    let token = token(&server);
    let body = run_body("docker run busybox echo hi");
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        ("no token", vec![("Origin", origin.as_str()), ("Content-Type", "application/json")]),
        (
            "wrong token",
            vec![("Origin", origin.as_str()), ("x-dockyard-token", "0000"), ("Content-Type", "application/json")],
        ),
        (
            "another site",
            vec![
                ("Origin", "http://evil.example"),
                ("x-dockyard-token", token.as_str()),
                ("Content-Type", "application/json"),
            ],
        ),
        (
            "rebound name",
            vec![
                ("Host", "evil.example"),
                ("Origin", origin.as_str()),
                ("x-dockyard-token", token.as_str()),
                ("Content-Type", "application/json"),
            ],
        ),
    ];
    for (why, headers) in cases {
        let (status, body) = server.request("POST", "/api/host/run", &headers, &body);
        assert_eq!(status, 403, "{why}: {body}");
        assert!(body.contains("refused"), "{why}: {body}");
    }
}

#[test]
fn without_a_daemon_the_page_stays_simulated_and_says_why() {
    let server = Server::start(None);
    let (_, body) = server.request("GET", "/api/host", &[], "");
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
        browser.screenshot("host-mode").await;
        browser.close().await;
    });
    assert_eq!(dockyard_containers(), "", "containers were left behind");
}
