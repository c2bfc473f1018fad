//! The pictures beside the terminal: image stacks with shared layers and what a layer changed,
//! and container cards whose buttons type their commands into the terminal.

use fantoccini::Locator;

use crate::harness::{block_on, Browser, Server};

#[test]
fn stacks_show_shared_layers_and_cards_act_on_containers() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.wait_text(".pictures", 10, |t| t.contains("No images yet")).await;

        browser.type_command("docker run --name writer toolbox sh -c 'echo hi > /greeting'").await;
        browser.type_command("docker commit writer greeted").await;
        browser.wait_text("#terminal-output", 60, |t| t.lines().any(|l| l.starts_with("sha256:"))).await;
        // Two images, the toolbox's layer shared by both.
        let stacks =
            browser.wait_text(".stacks", 30, |t| t.contains("greeted:latest") && t.contains("toolbox:latest")).await;
        assert!(stacks.contains("shared ×2"), "{stacks}");
        // The committed layer, chosen, lists the file it added.
        let slab = browser.client.find(Locator::Css(".stack .slab:not(.shared)")).await.expect("the new layer");
        slab.click().await.expect("choose it");
        browser.wait_text(".layer-changes", 10, |t| t.contains("+ /greeting")).await;

        browser.type_command("docker run -d --name sleeper toolbox sleep 300").await;
        let tab = browser.client.find(Locator::Css("#tab-containers")).await.expect("the containers tab");
        tab.click().await.expect("open it");
        browser.wait_text(".cards", 30, |t| t.contains("sleeper") && t.contains("Up")).await;
        let stop = browser
            .client
            .find(Locator::XPath("//article[@aria-label='Container sleeper']//button[text()='Stop']"))
            .await
            .expect("its Stop button");
        stop.click().await.expect("stop it");
        browser.wait_text("#terminal-output", 30, |t| t.contains("docker stop sleeper")).await;
        browser.wait_text(".cards", 60, |t| t.contains("Exited (137)")).await;
        browser.screenshot("pictures").await;
        browser.close().await;
    });
}
