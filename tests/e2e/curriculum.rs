//! Two lessons played end to end in the page, as a learner plays them: goals turning green as
//! commands meet them, each step's golf count, the lesson map's progress kept across a reload,
//! a lesson entered from the map starting from its setup, its files put in the Dockerfile tab,
//! and Reset step putting the engine back as the step began.

use std::time::{Duration, Instant};

use crate::classroom::{axe, click, js, load_axe};
use crate::harness::{block_on, Browser, Server};
use crate::session::settled_saves;

/// How many goals of the lesson pane are met.
async fn met(browser: &Browser) -> u64 {
    js(browser, "return document.querySelectorAll('#lesson-pane .goal.met').length;").await.as_u64().unwrap_or(0)
}

/// Waits until at least `count` goals are met.
async fn wait_met(browser: &Browser, count: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while met(browser).await < count {
        let pane = browser.inner_text("#lesson-pane").await.unwrap_or_default();
        let terminal = browser.inner_text("#terminal-output").await.unwrap_or_default();
        assert!(Instant::now() < deadline, "{count} goals never met:\n{pane}\n--- terminal ---\n{terminal}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The golf counts shown, as (used, par) per step done.
async fn golf(browser: &Browser) -> Vec<(u64, u64)> {
    let script =
        "return [...document.querySelectorAll('#lesson-pane .golf')].map(g => [+g.dataset.used, +g.dataset.par]);";
    let value = js(browser, script).await;
    value
        .as_array()
        .map(|rows| rows.iter().map(|r| (r[0].as_u64().unwrap_or(99), r[1].as_u64().unwrap_or(99))).collect())
        .unwrap_or_default()
}

/// Opens the lesson map and returns the progress it shows for the lesson `id`.
async fn map_progress(browser: &Browser, id: &str) -> String {
    if browser.inner_text("#lesson-map").await.is_none() {
        click(browser, "#lesson-map-toggle").await;
    }
    browser.wait_text("#lesson-map", 10, |t| !t.is_empty()).await;
    let script =
        format!("return document.querySelector(\"#lesson-map [data-lesson='{id}'] .map-progress\").innerText;");
    js(browser, &script).await.as_str().unwrap_or_default().to_string()
}

#[test]
fn the_first_lesson_played_to_the_end_shows_green_goals_golf_and_progress_that_stays() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        let title = browser.wait_text("#lesson-title", 30, |t| !t.is_empty()).await;
        assert_eq!(title, "Your first container");
        assert_eq!(met(&browser).await, 0, "nothing is met before a command");
        assert_eq!(map_progress(&browser, "first-container").await, "0/2");

        // A command that is not the step's leaves its goals unmet.
        browser.type_command("docker pull toolbox").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Downloaded newer image for toolbox")).await;
        assert_eq!(met(&browser).await, 0, "pulling toolbox meets no goal of the first step");

        browser.type_command("docker run hello-world").await;
        wait_met(&browser, 2).await;
        let pane = browser.wait_text("#lesson-pane", 10, |t| t.contains("✔ Step done")).await;
        assert!(pane.contains("1 of 2 steps done"), "{pane}");
        // Two commands for the first step (the pull counts), against the solution's one.
        assert_eq!(golf(&browser).await, [(2, 1)]);

        for command in ["docker ps -a", "docker images", "docker run hello-world"] {
            browser.type_command(command).await;
        }
        wait_met(&browser, 5).await;
        let pane = browser.wait_text("#lesson-pane", 30, |t| t.matches("✔ Step done").count() == 2).await;
        assert!(pane.contains("2 of 2 steps done"), "{pane}");
        assert_eq!(golf(&browser).await, [(2, 1), (3, 3)]);
        assert_eq!(map_progress(&browser, "first-container").await, "✔");
        assert_eq!(map_progress(&browser, "volumes").await, "", "a lesson not opened shows nothing");
        browser.screenshot("curriculum-map").await;
        // The open map, the golf counts and the done steps keep the page accessible.
        load_axe(&browser).await;
        // Focus off the terminal, so its cursor stops blinking for axe's colour checks.
        js(&browser, "document.getElementById('lesson-map-toggle').focus();").await;
        let found = axe(&browser, "lesson map").await;
        assert!(found.is_empty(), "axe-core found serious or critical violations:\n{}", found.join("\n"));

        // The progress is kept with the session: a reload shows the same map and counts.
        settled_saves(&browser).await;
        browser.client.refresh().await.expect("reload");
        browser.wait_text("#lesson-title", 30, |t| t == "Your first container").await;
        assert_eq!(map_progress(&browser, "first-container").await, "✔");
        let pane = browser.wait_text("#lesson-pane", 10, |t| t.contains("2 of 2 steps done")).await;
        assert_eq!(pane.matches("✔ Step done").count(), 2, "{pane}");
        assert_eq!(golf(&browser).await, [(2, 1), (3, 3)]);
        browser.close().await;
    });
}

#[test]
fn the_pizza_lesson_from_the_map_builds_from_its_files_and_resets_a_step() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.wait_text("#lesson-title", 30, |t| !t.is_empty()).await;
        // Something of the learner's own, which entering a lesson must not lose.
        browser.type_command("docker volume create keepme").await;
        browser.wait_text("#terminal-output", 10, |t| t.lines().any(|l| l == "keepme")).await;
        map_progress(&browser, "layers").await;
        click(&browser, "#lesson-map [data-lesson='layers'] button").await;
        browser.wait_text("#lesson-title", 10, |t| t.starts_with("The Dockerfile and its layers")).await;
        // Entering it ran its setup for the learner.
        let text = browser
            .wait_text("#terminal-output", 60, |t| t.contains("Status: Downloaded newer image for toolbox:1"))
            .await;
        assert!(text.contains("starts from a fresh engine (Undo brings back what you had)"), "{text}");
        assert_eq!(met(&browser).await, 0);
        // Once the setup has run, Undo goes back to before the lesson, volume and all.
        let mut title = serde_json::Value::Null;
        for _ in 0..50 {
            title = browser
                .client
                .execute("return document.getElementById('session-undo').title", vec![])
                .await
                .expect("the Undo button");
            if title.as_str().is_some_and(|t| t.starts_with("Undo start “The Dockerfile and its layers”")) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        assert!(title.as_str().is_some_and(|t| t.starts_with("Undo start “The Dockerfile")), "{title}");

        browser.type_command("docker history toolbox:1").await;
        wait_met(&browser, 1).await;

        // The recipe and the code go into the Dockerfile tab by their buttons; the build reads them.
        for file in ["Dockerfile", "pizza.sh"] {
            let css = format!("button.put-file[aria-label='Put {file} in the Dockerfile tab']");
            js(&browser, &format!("document.querySelector(\"{css}\").scrollIntoView();")).await;
            click(&browser, &css).await;
            browser
                .wait_text("#terminal-output", 10, |t| t.contains(&format!("Put {file} in the Dockerfile tab")))
                .await;
        }
        browser.screenshot("curriculum-files").await;
        browser.type_command("docker build -t pizza .").await;
        browser.wait_text("#terminal-output", 120, |t| t.contains("Successfully tagged pizza:latest")).await;
        wait_met(&browser, 4).await;
        let pane = browser.wait_text("#lesson-pane", 10, |t| t.matches("✔ Step done").count() == 2).await;
        assert!(pane.contains("2 of 4 steps done"), "{pane}");
        assert_eq!(golf(&browser).await, [(1, 1), (1, 1)]);

        // A mistake in the next step, then Reset step: the image is back as the step began.
        browser.type_command("docker rmi pizza").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Untagged: pizza:latest")).await;
        js(&browser, "document.querySelector('button.reset-step').scrollIntoView();").await;
        browser.screenshot("curriculum-reset-step").await;
        click(&browser, "button.reset-step").await;
        browser.wait_text("#terminal-output", 10, |t| t.contains("“Count the layers” starts again")).await;
        browser.type_command("docker image inspect -f '{{len .RootFS.Layers}} layers' pizza").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("3 layers")).await;
        let pane = browser.wait_text("#lesson-pane", 10, |t| t.matches("✔ Step done").count() == 3).await;
        assert!(pane.contains("3 of 4 steps done"), "{pane}");
        // After the reset the step counts from zero: one command.
        assert_eq!(golf(&browser).await, [(1, 1), (1, 1), (1, 1)]);
        assert_eq!(map_progress(&browser, "layers").await, "3/4");
        browser.screenshot("curriculum-pizza").await;
        browser.close().await;
    });
}
