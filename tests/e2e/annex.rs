//! The engine's annex in the page: Go templates and the Compose loader are a second module,
//! fetched only when a command first needs them, and then answering as the engine does natively.

use crate::harness::{block_on, Browser, Server};

/// How many times the page fetched the annex's module so far.
const ANNEX_FETCHES: &str = "return performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.endsWith('/annex_bg.wasm')).length;";

async fn annex_fetches(browser: &Browser) -> u64 {
    let count = browser.client.execute(ANNEX_FETCHES, vec![]).await.expect("the page's timeline answers");
    count.as_u64().expect("a count")
}

#[test]
fn templates_load_the_annex_once_when_first_used() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        // The first lesson's commands do without it.
        browser.type_command("docker run --name greeter hello-world").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Hello from Dockyard!")).await;
        browser.type_command("docker ps -a").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("greeter")).await;
        assert_eq!(annex_fetches(&browser).await, 0, "the annex was fetched before any command needed it");

        // A template needs it: the command waits for it, then prints what docker prints.
        browser.type_command("docker ps -a --format '{{.Names}} is {{.State}}'").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "greeter is exited")).await;
        assert_eq!(annex_fetches(&browser).await, 1);

        // Go's errors come back whole, and the annex is not fetched again.
        browser.type_command("docker inspect --format '{{.Nope}}' greeter").await;
        browser
            .wait_text("#terminal-output", 30, |t| {
                t.contains("template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"")
            })
            .await;
        browser.type_command("docker images --format '{{.Repository}}:{{.Tag}}'").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "hello-world:latest")).await;
        assert_eq!(annex_fetches(&browser).await, 1, "the annex is loaded once");
        browser.screenshot("annex-templates").await;
        browser.close().await;
    });
}
