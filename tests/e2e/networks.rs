//! User-defined networks in the page: the toolbox's `curl` reaches the `web` server by name on a
//! shared network and cannot from another, and the Volumes & networks tab shows both networks,
//! their members' addresses, and who is cut off from whom.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::classroom::{axe, load_axe};
use crate::harness::{block_on, Browser, Server};

/// The welcome page of the `web` image says this.
const WELCOME: &str = "it came from inside a Dockyard container";

#[test]
fn containers_reach_each_other_by_name_on_a_shared_network_only() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker network create front").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().filter(|l| l.trim().len() == 64).count() >= 1).await;
        browser.type_command("docker network create back").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().filter(|l| l.trim().len() == 64).count() >= 2).await;
        browser.type_command("docker run -d --name site --network front web").await;
        browser
            .wait_text("#terminal-output", 60, |t| t.contains("Status: Downloaded newer image for web:latest"))
            .await;
        // The server may not listen yet, as a real one starting up may not: ask until it answers.
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut asked = 0;
        loop {
            browser.type_command("docker run --rm --network front toolbox curl -sS http://site/").await;
            asked += 1;
            let text = browser
                .wait_text("#terminal-output", 60, |t| {
                    t.contains(WELCOME) || t.matches("Connection refused").count() >= asked
                })
                .await;
            if text.contains(WELCOME) {
                break;
            }
            assert!(Instant::now() < deadline, "curl never reached site by name: {text}");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        browser.type_command("docker run --rm --network back toolbox curl -sS http://site/").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("curl: (6) Could not resolve host: site")).await;
        browser.type_command("docker run -d --name db --network back toolbox sleep 600").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().filter(|l| l.trim().len() == 64).count() >= 4).await;
        browser.type_command("docker inspect -f '{{.NetworkSettings.Networks.front.IPAddress}}' site").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("172.18.0.2")).await;

        let tab = browser.client.find(Locator::Css("#tab-volumes")).await.expect("the volumes & networks tab");
        tab.click().await.expect("open it");
        let front = browser
            .wait_text("[aria-label='Network front']", 30, |t| t.contains("site") && t.contains("172.18.0.2"))
            .await;
        assert!(front.contains("172.18.0.0/16"), "{front}");
        assert!(front.contains("Cannot reach"), "{front}");
        assert!(front.contains("db (on back)"), "{front}");
        let back = browser.wait_text("[aria-label='Network back']", 30, |t| t.contains("db")).await;
        assert!(back.contains("172.19.0.2"), "{back}");
        let script = "document.querySelector(\"[aria-label='Network front']\").scrollIntoView();";
        let _ = browser.client.execute(script, Vec::new()).await;
        browser.screenshot("networks").await;
        // The tab's new parts (addresses, names, who is cut off) keep the page accessible.
        load_axe(&browser).await;
        let tab = browser.client.find(Locator::Css("#tab-volumes")).await.expect("the tab");
        tab.click().await.expect("focus the tab, so the terminal's cursor stops blinking");
        let found = axe(&browser, "networks with members").await;
        assert!(found.is_empty(), "axe-core found serious or critical violations:\n{}", found.join("\n"));
        browser.type_command("docker rm -f site db").await;
        browser.close().await;
    });
}
