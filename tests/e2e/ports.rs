//! Published ports that carry traffic: the built-in `web` server behind `-p`, reached from the
//! page's pane, from another container's `curl`, and, natively, over real TCP from this test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::harness::{block_on, dockyard_bin, Browser, Server, TempHome};

/// The welcome page of the `web` image says this.
const WELCOME: &str = "it came from inside a Dockyard container";

#[test]
fn a_published_port_opens_in_a_pane_and_other_containers_reach_it() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker run -d --name site -p 8080:80 web").await;
        browser
            .wait_text("#terminal-output", 60, |t| t.contains("Status: Downloaded newer image for web:latest"))
            .await;
        // The published port becomes a link above the terminal; its response opens in a pane.
        browser.wait_text(".ports", 30, |t| t.contains("localhost:8080")).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let link = browser.client.find(Locator::Css(".port-link")).await.expect("the port's link");
            link.click().await.expect("click");
            let pane = browser.wait_text(".response-pane", 15, |t| !t.contains("Waiting")).await;
            if pane.contains("HTTP/1.1 200 OK") {
                break;
            }
            // The server may not listen yet, as a real one starting up may not.
            assert!(Instant::now() < deadline, "the pane never showed a response: {pane}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let frame = browser.client.find(Locator::Css(".pane-frame")).await.expect("the page, drawn in a frame");
        let page = frame.attr("srcdoc").await.expect("srcdoc").unwrap_or_default();
        assert!(page.contains(WELCOME), "{page}");
        browser.screenshot("ports-pane").await;

        // Another container reaches the published port through the host's name.
        browser.type_command("docker run --rm toolbox curl -s http://host.docker.internal:8080/").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains(WELCOME)).await;
        browser.type_command("docker run --rm toolbox curl http://host.docker.internal:9999/").await;
        browser
            .wait_text("#terminal-output", 60, |t| {
                t.contains("curl: (7) Failed to connect to host.docker.internal port 9999")
            })
            .await;
        // Both requests are in the server's log.
        browser.type_command("docker logs site").await;
        browser.wait_text("#terminal-output", 30, |t| t.matches("\"GET / HTTP/1.1\" 200").count() >= 2).await;
        browser.type_command("docker rm -f site").await;
        let deadline = Instant::now() + Duration::from_secs(30);
        while browser.client.find(Locator::Css(".port-link")).await.is_ok() {
            assert!(Instant::now() < deadline, "the link outlived its container");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        browser.close().await;
    });
}

/// Sends a GET for `/` to 127.0.0.1:`port` and returns the raw response, retrying while the
/// container is still starting.
fn get(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
            let request = format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n");
            let mut response = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut response).is_ok()
                && !response.is_empty()
            {
                return response;
            }
        }
        assert!(Instant::now() < deadline, "nothing answered on 127.0.0.1:{port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn dockyard_listens_on_loopback_for_a_published_port() {
    let home = TempHome::new("ports");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let mut shell = Command::new(dockyard_bin())
        .arg("shell")
        .env("DOCKYARD_HOME", &home.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dockyard shell starts");
    let mut stdin = shell.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(shell.stdout.take().expect("stdout"));
    writeln!(stdin, "docker run -d --name site -p {port}:80 web").expect("write");
    let mut id = String::new();
    stdout.read_line(&mut id).expect("the container's id");
    assert_eq!(id.trim().len(), 64, "{id}");

    // A real client on this machine, through dockyard's listener, into the container.
    let response = get(port);
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains(WELCOME), "{response}");

    writeln!(stdin, "docker run --rm toolbox sh -c 'curl -sf http://172.17.0.1:{port}/ > /tmp/page && echo reached'")
        .expect("write");
    writeln!(stdin, "docker run --rm --network none toolbox curl http://host.docker.internal:{port}/").expect("write");
    writeln!(stdin, "docker logs site").expect("write");
    writeln!(stdin, "docker stop -t 0 site").expect("write");
    writeln!(stdin, "exit").expect("write");
    drop(stdin);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("the rest of the output");
    let mut stderr = String::new();
    shell.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert!(shell.wait().expect("dockyard ends").success(), "{rest}\n{stderr}");
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines[0], "reached", "the gateway's address reaches the published port: {rest}");
    assert!(
        stderr.contains("curl: (6) Could not resolve host: host.docker.internal"),
        "a container without a network cannot reach the host: {stderr}"
    );
    assert!(rest.contains("web: serving /usr/share/web on port 80"), "{rest}");
    assert_eq!(rest.matches("\"GET / HTTP/1.1\" 200").count(), 2, "{rest}");
    // Stopped, the container gives the port back.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "the port outlived its container");
}
