//! The lesson's Run button runs hello-world in the page's own WebAssembly engine.

use fantoccini::Locator;

use crate::harness::{block_on, dockyard_bin, Browser, Server, TempHome};

/// The hello program's words without the container id and blank lines, for comparing two runs.
fn normalized(text: &str, hostname: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().replace(hostname, "<ID>"))
        .filter(|l| !l.is_empty())
        .skip_while(|l| l != "Hello from Dockyard!")
        .take_while(|l| !l.starts_with("docker images"))
        .collect()
}

/// The container id the hello program printed ("... inside container 0123456789ab").
fn hostname_in(text: &str) -> String {
    let line = text.lines().find(|l| l.contains("inside container")).expect("the hello program names its container");
    line.split("inside container ").nth(1).expect("id follows").trim().to_string()
}

#[test]
fn the_run_button_runs_hello_world_in_the_browser() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.client.goto(&server.url).await.expect("page loads");
        let title = browser.wait_text("#lesson-title", 30, |t| !t.is_empty()).await;
        assert_eq!(title, "Your first container");
        // No goal is met before anything ran.
        let met = |n: usize| format!("return document.querySelectorAll('#lesson-pane .goal.met').length >= {n};");
        let none = browser.client.execute(&met(1), vec![]).await.expect("count goals");
        assert_eq!(none, serde_json::json!(false), "nothing is met yet");
        let run = browser.client.wait().for_element(Locator::Css("button.run")).await.expect("a Run button");
        run.click().await.expect("click Run");
        let text = browser
            .wait_text("#terminal-output", 60, |t| t.contains("Hello from Dockyard!") && t.contains("docker images"))
            .await;
        assert!(text.contains("dockyard$ docker run hello-world"), "{text}");
        assert!(text.contains("Unable to find image 'hello-world:latest' locally"), "{text}");
        assert!(text.contains("Status: Downloaded newer image for hello-world:latest"), "{text}");
        let hostname = hostname_in(&text);
        assert_eq!(hostname.len(), 12, "{hostname}");

        // The container the program ran in is the one docker ps lists, exited with status 0.
        browser.type_command("docker ps -a").await;
        let text = browser.wait_text("#terminal-output", 30, |t| t.contains("Exited (0)")).await;
        let row =
            text.lines().find(|l| l.starts_with(&hostname)).unwrap_or_else(|| panic!("no row for {hostname}:\n{text}"));
        assert!(row.contains("hello-world") && row.contains("\"/hello\""), "{row}");

        // The first step's goals are met, so it says it is done; the second's wait for its commands.
        let steps = browser.wait_text("#lesson-pane", 10, |t| t.contains("✔ Step done")).await;
        assert_eq!(steps.matches("✔ Step done").count(), 1, "{steps}");
        let second = browser.client.execute(&met(3), vec![]).await.expect("count goals");
        assert_eq!(second, serde_json::json!(true), "two goals of step one and `ran docker ps -a` of step two");
        browser.screenshot("lesson-hello-world").await;

        // The native binary, on wasmtime, prints the same words.
        let home = TempHome::new("compare");
        let native = std::process::Command::new(dockyard_bin())
            .args(["run", "hello-world"])
            .env("DOCKYARD_HOME", &home.0)
            .output()
            .expect("dockyard runs");
        let native_text = String::from_utf8_lossy(&native.stdout).into_owned();
        let native_host = hostname_in(&native_text);
        assert_eq!(normalized(&text, &hostname), normalized(&native_text, &native_host));
        browser.close().await;
    });
}
