//! `docker compose` in the page: a compose.yaml written in the Dockerfile tab is the project,
//! whose three services come up as real WASI programs in workers, talk over the project's
//! network by service name, and go down again leaving nothing.

use fantoccini::key::Key;
use fantoccini::Locator;

use crate::harness::{block_on, Browser, Server};

/// A web page, a store with its data in a volume, and a worker that writes the time into the
/// store by the store's service name. Flow style, so the editor's indentation cannot change it.
const COMPOSE: &str = "name: visits\n\
services: {web: {image: \"web:1\", ports: [\"8080:80\"]}, kv: {image: \"kv:1\", volumes: [\"data:/data\"]}, \
worker: {image: \"toolbox:1\", depends_on: [kv], command: [sh, -c, \"while true; do curl -s -X PUT -d ok http://kv:8000/seen; sleep 1; done\"]}}\n\
volumes: {data: {}}\n";

#[test]
fn a_compose_file_in_the_workspace_comes_up_and_goes_down() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser
            .client
            .find(Locator::Css("#tab-dockerfile"))
            .await
            .expect("the Dockerfile tab")
            .click()
            .await
            .expect("open it");
        browser.client.find(Locator::Css("#file-new")).await.expect("New file").click().await.expect("press it");
        let name = browser.client.wait().for_element(Locator::Css("#file-name")).await.expect("the name field");
        name.send_keys("compose.yaml\u{E007}").await.expect("name it");
        browser.wait_text(".file-list", 10, |t| t.contains("compose.yaml")).await;
        let editor = browser.client.find(Locator::Css("#editor-input")).await.expect("the editor");
        editor.send_keys(COMPOSE).await.expect("typing");
        editor.send_keys(&format!("{}{}", char::from(Key::Escape), char::from(Key::Tab))).await.expect("leaving");

        browser.type_command("docker compose up -d").await;
        let out = browser.wait_text("#terminal-output", 90, |t| t.contains("Container visits-worker-1  Started")).await;
        for made in
            ["Network visits_default  Created", "Volume \"visits_data\"  Created", "Container visits-kv-1  Started"]
        {
            assert!(out.contains(made), "no `{made}` in:\n{out}");
        }
        browser.type_command("docker compose ps").await;
        browser
            .wait_text("#terminal-output", 30, |t| t.contains("visits-web-1") && t.contains("0.0.0.0:8080->80/tcp"))
            .await;
        // The worker reached the store by its service name; curl in the worker reads it back.
        browser.type_command("docker compose exec worker curl -s http://kv:8000/seen").await;
        browser
            .wait_text("#terminal-output", 30, |t| t.lines().any(|l| l.ends_with("ok") && !l.contains("docker")))
            .await;
        browser.client.find(Locator::Css("#tab-containers")).await.expect("Containers").click().await.expect("open it");
        browser.wait_text(".cards", 10, |t| t.contains("visits-kv-1") && t.contains("visits-worker-1")).await;
        browser.screenshot("compose-up").await;

        browser.type_command("docker compose down -v -t 0").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Volume visits_data  Removed")).await;
        // Nothing is left: no container in the picture, no project network.
        browser.wait_text(".pictures", 10, |t| !t.contains("visits-")).await;
        browser.type_command("docker network ls --format '{{.Name}}'").await;
        let out = browser.wait_text("#terminal-output", 30, |t| t.trim_end().ends_with("none")).await;
        assert!(!out.rsplit("--format").next().unwrap_or("").contains("visits_default"), "{out}");
        browser.close().await;
    });
}
