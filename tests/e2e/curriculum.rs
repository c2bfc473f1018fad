//! Two lessons played end to end in the page, as a learner plays them: goals turning green as
//! commands meet them, each step's golf count, the lesson map's progress kept across a reload,
//! a lesson entered from the map starting from its setup, its files put in the Dockerfile tab,
//! and Reset step putting the engine back as the step began. A lesson's prose is fetched when it
//! is entered, and a fetch that fails says so and can be tried again.

use std::time::{Duration, Instant};

use crate::classroom::{axe, click, js, load_axe};
use crate::harness::{block_on, dist, Browser, Server, TempHome};
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

/// The lesson files the page has fetched, as paths relative to the app (`lessons/09-volumes.txt`).
async fn fetched_lessons(browser: &Browser) -> Vec<String> {
    let script = "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)\
                  .filter(p => p.includes('/lessons/')).map(p => p.slice(1));";
    let value = js(browser, script).await;
    value.as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_string)).collect()
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

/// A lesson after the first, from the map in a fresh page; then entered again, reopened by a
/// reload, and in presenter mode, each with its fetched prose.
#[test]
fn a_lesson_opened_from_the_map_in_a_fresh_page_fetches_its_prose_and_its_goals_tick() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        let pane = browser.wait_text("#lesson-pane", 30, |t| t.contains("Your first container")).await;
        // The first lesson's prose comes with the app: no lesson file is fetched for it.
        assert!(pane.contains("docker run hello-world"), "{pane}");
        assert_eq!(fetched_lessons(&browser).await, Vec::<String>::new());

        map_progress(&browser, "volumes").await;
        click(&browser, "#lesson-map [data-lesson='volumes'] button").await;
        browser.wait_text("#lesson-title", 10, |t| t == "Data that outlives its container").await;
        let pane = browser
            .wait_text("#lesson-pane", 30, |t| {
                t.contains("A volume is storage that Docker keeps apart from any container")
            })
            .await;
        assert!(pane.contains("Make a volume") && pane.contains("Write into it"), "{pane}");
        assert_eq!(fetched_lessons(&browser).await, ["lessons/09-volumes.txt"]);
        // The fetched prose's own Run button runs its block; the step's goal turns green.
        let run = "#lesson-pane button.run[aria-label='Run: docker volume create notes; docker volume ls']";
        js(&browser, &format!("document.querySelector(\"{run}\").scrollIntoView();")).await;
        click(&browser, run).await;
        wait_met(&browser, 1).await;
        browser
            .type_command("docker run --rm -v notes:/notes toolbox sh -c 'echo remember the milk > /notes/todo.txt'")
            .await;
        wait_met(&browser, 2).await;
        browser.screenshot("curriculum-fetched-lesson").await;

        // Away and back: the prose fetched once is kept, and the progress with it.
        click(&browser, "button[aria-label='Previous lesson']").await;
        browser.wait_text("#lesson-title", 10, |t| t.starts_with("The engine: client, daemon")).await;
        browser.wait_text("#lesson-pane", 30, |t| t.len() > 500 && !t.contains("Loading lesson…")).await;
        click(&browser, "button[aria-label='Next lesson']").await;
        let pane = browser.wait_text("#lesson-pane", 10, |t| t.contains("A volume is storage")).await;
        assert!(pane.contains("2 of"), "{pane}");
        let fetched = fetched_lessons(&browser).await;
        assert_eq!(fetched.iter().filter(|f| f.ends_with("09-volumes.txt")).count(), 1, "{fetched:?}");

        // The kept session reopens at this lesson: its prose is fetched again, its progress kept.
        settled_saves(&browser).await;
        browser.client.refresh().await.expect("reload");
        browser.wait_text("#lesson-title", 30, |t| t == "Data that outlives its container").await;
        let pane = browser.wait_text("#lesson-pane", 30, |t| t.contains("A volume is storage")).await;
        assert_eq!(pane.matches("✔ Step done").count(), 2, "{pane}");
        assert_eq!(fetched_lessons(&browser).await, ["lessons/09-volumes.txt"]);
        // Presenter mode steps through the fetched sections: the introduction, then each step.
        click(&browser, "#presenter-toggle").await;
        browser.wait_text("#lesson-pane", 10, |t| t.contains("Step 1 of 4")).await;
        click(&browser, "#step-next").await;
        let pane = browser.wait_text("#lesson-pane", 10, |t| t.contains("Step 2 of 4")).await;
        assert!(pane.contains("Make a volume") && !pane.contains("Write into it"), "{pane}");
        click(&browser, "#presenter-toggle").await;
        browser.close().await;
    });
}

#[test]
fn a_lesson_whose_prose_cannot_be_fetched_says_so_and_retry_brings_it() {
    block_on(async {
        // The app with the networking lesson's file (and its compressed copies) missing.
        let copy = TempHome::new("lessons-dist");
        let (served, held) = (copy.0.join("dist"), copy.0.join("held"));
        let copied = std::process::Command::new("cp").arg("-r").arg(dist()).arg(&served).status();
        assert!(copied.is_ok_and(|s| s.success()), "cannot copy the dist");
        std::fs::create_dir_all(&held).expect("a folder to hold the file");
        let names = ["10-networking.txt", "10-networking.txt.gz", "10-networking.txt.br"];
        for name in names {
            let _ = std::fs::rename(served.join("lessons").join(name), held.join(name));
        }
        assert!(held.join(names[0]).exists(), "the dist has no lessons/{}", names[0]);
        let server = Server::serving(&served);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.wait_text("#lesson-title", 30, |t| t == "Your first container").await;

        map_progress(&browser, "networking").await;
        click(&browser, "#lesson-map [data-lesson='networking'] button").await;
        let pane = browser.wait_text("#lesson-pane", 30, |t| t.contains("could not be loaded")).await;
        // What the page carries of the lesson still shows, and its setup runs.
        assert!(pane.starts_with("Networking and ports"), "{pane}");
        assert!(pane.contains("intermediate · 12 min"), "{pane}");
        assert!(!pane.contains("Containers do not live alone"), "{pane}");
        browser.wait_text("#terminal-output", 60, |t| t.contains("Downloaded newer image for web")).await;
        browser.screenshot("curriculum-lesson-failed").await;

        // The file is back (the page is online again): Retry brings the lesson, which plays.
        for name in names {
            let _ = std::fs::rename(held.join(name), served.join("lessons").join(name));
        }
        click(&browser, "#lesson-retry").await;
        browser.wait_text("#lesson-pane", 30, |t| t.contains("Containers do not live alone")).await;
        browser.type_command("docker run -d --name web -p 8080:80 web").await;
        wait_met(&browser, 2).await;
        browser.close().await;
    });
}
