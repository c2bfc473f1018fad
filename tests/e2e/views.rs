//! The registries, volumes and networks pictures, and the Engine API calls under a command's
//! line: a push marks the layer it moved in the local registry, a mounted volume lists its
//! container, and a command's toggle (by mouse or by keyboard) shows its requests.

use fantoccini::Locator;

use crate::harness::{block_on, Browser, Server};

/// An XPath to the toggle on the terminal line of the command `command` starts.
#[test]
fn registries_volumes_and_the_api_under_the_hood() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker pull hello-world").await;
        browser.type_command("docker tag hello-world localhost:5000/hello").await;
        browser.type_command("docker push localhost:5000/hello").await;
        let out = browser.wait_text("#terminal-output", 60, |t| t.contains("latest: digest: sha256:")).await;
        let layer = out
            .lines()
            .find_map(|l| l.strip_suffix(": Pushed"))
            .unwrap_or_else(|| panic!("a pushed layer in:\n{out}"))
            .to_string();

        // The local registry holds the repository with its layer, marked as just pushed.
        browser
            .client
            .find(Locator::Css("#tab-registries"))
            .await
            .expect("the registries tab")
            .click()
            .await
            .expect("open it");
        let registries = browser
            .wait_text(".registries", 20, |t| t.contains("localhost:5000/hello") && t.contains("Last push"))
            .await;
        assert!(registries.contains("1 layer pushed, 0 layers skipped"), "{registries}");
        let pushed = browser
            .client
            .find(Locator::XPath("//div[@aria-label='Repository localhost:5000/hello']//li[contains(@class,'blob')]"))
            .await
            .expect("the repository's layer");
        let row = pushed.text().await.expect("its text");
        assert!(row.contains(&layer) && row.contains("↑ Pushed"), "{row}");
        assert!(pushed.attr("class").await.expect("class").unwrap_or_default().contains("moved"));
        browser.screenshot("registries").await;

        // A volume, and the container that mounts it.
        browser.type_command("docker volume create data").await;
        browser
            .type_command(
                "docker run --name writer -v data:/data toolbox sh -c 'echo hi > /data/greeting; echo written'",
            )
            .await;
        browser.wait_text("#terminal-output", 60, |t| t.lines().any(|l| l == "written")).await;
        browser
            .client
            .find(Locator::Css("#tab-volumes"))
            .await
            .expect("the volumes tab")
            .click()
            .await
            .expect("open it");
        let stores = browser.wait_text(".stores", 20, |t| t.contains("writer at /data")).await;
        assert!(stores.contains("3B in 1 file"), "{stores}");
        assert!(stores.contains("bridge") && stores.contains("none"), "{stores}");
        browser.screenshot("volumes").await;

        // Under the hood, by mouse: the panel follows the last command, the run.
        browser.client.find(Locator::Css("#api-toggle")).await.expect("the API toggle").click().await.expect("open it");
        let calls = browser.wait_text(".api-calls", 10, |t| t.contains("POST /v1.41/containers/create")).await;
        assert!(calls.contains("POST /v1.41/containers/create?name=writer"), "{calls}");
        assert!(calls.contains("\"Binds\"") && calls.contains("data:/data"), "{calls}");
        assert!(calls.contains("/wait?condition=next-exit") && calls.contains("/start"), "{calls}");

        // An earlier command, by keyboard: the list is newest first, so End picks the first, the pull.
        let list = browser.client.find(Locator::Css("#api-command")).await.expect("the list of commands");
        list.send_keys("\u{E010}").await.expect("End in the list");
        browser
            .wait_text(".api-calls", 10, |t| t.contains("POST /v1.41/images/create?fromImage=hello-world&tag=latest"))
            .await;
        let toggle = browser.client.find(Locator::Css("#api-toggle")).await.expect("the toggle");
        assert_eq!(toggle.attr("aria-expanded").await.expect("aria-expanded").as_deref(), Some("true"));
        let copied = browser.wait_text("#terminal-output", 1, |_| true).await;
        assert!(!copied.contains("Engine API"), "the panel stays out of the terminal's text");
        browser.screenshot("api-calls").await;
        browser.close().await;
    });
}
