//! The terminal: typed commands, Docker's errors, history on the arrow keys.

use fantoccini::Locator;

use crate::harness::{block_on, Browser, Server};

#[test]
fn typed_commands_answer_as_docker_does() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.client.goto(&server.url).await.expect("page loads");
        browser.client.wait().for_element(Locator::Css("#terminal-input")).await.expect("terminal");

        browser.type_command("docker run --foo busybox").await;
        let text = browser.wait_text("#terminal-output", 30, |t| t.contains("unknown flag: --foo")).await;
        assert!(text.contains("Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]"), "{text}");

        browser.type_command("docker images").await;
        let text = browser.wait_text("#terminal-output", 30, |t| t.contains("REPOSITORY")).await;
        assert!(text.contains("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE"), "{text}");

        browser.type_command("docker run --rm hello-world nosuchcmd").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("executable file not found in $PATH")).await;

        // The up arrow brings back the last command; Enter runs it again.
        let input = browser.client.find(Locator::Css("#terminal-input")).await.expect("input");
        input.send_keys("\u{E013}").await.expect("arrow up");
        let value = input.prop("value").await.expect("value").unwrap_or_default();
        assert_eq!(value, "docker run --rm hello-world nosuchcmd");
        input.send_keys("\u{E007}").await.expect("enter");
        browser
            .wait_text("#terminal-output", 30, |t| t.matches("executable file not found in $PATH").count() == 2)
            .await;
        browser.screenshot("terminal-errors").await;
        browser.close().await;
    });
}
