//! The playground in a classroom: splitters that resize the panes by mouse and keyboard and keep
//! their place, presenter mode for a projector, links that reproduce a lesson's step and
//! commands, the service worker that keeps the page working offline, and axe-core's
//! accessibility rules over every view.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::Locator;
use serde_json::Value;

use crate::harness::{block_on, Browser, Server};

/// Runs a script in the page and returns what it returned.
pub(crate) async fn js(browser: &Browser, script: &str) -> Value {
    browser.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

async fn attr(browser: &Browser, css: &str, name: &str) -> String {
    let el = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
    el.attr(name).await.expect("attribute").unwrap_or_default()
}

pub(crate) async fn click(browser: &Browser, css: &str) {
    let el = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
    el.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Waits until a script returns true; fails with `what` after `secs`.
async fn wait_until(browser: &Browser, secs: u64, what: &str, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if js(browser, script).await == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out after {secs} s waiting until {what}");
}

/// A splitter's `aria-valuenow`, as a number.
async fn value_now(browser: &Browser, css: &str) -> f64 {
    let value = attr(browser, css, "aria-valuenow").await;
    value.parse().unwrap_or_else(|_| panic!("{css} has aria-valuenow {value:?}"))
}

/// The width of an element, in CSS pixels.
async fn width(browser: &Browser, css: &str) -> f64 {
    js(browser, &format!("return document.querySelector({css:?}).getBoundingClientRect().width;"))
        .await
        .as_f64()
        .unwrap_or_else(|| panic!("no width for {css}"))
}

/// Nothing sticks out sideways and every pane keeps a usable width, at the window's size now.
async fn panes_fit(browser: &Browser, size: &str) {
    let overflow = js(browser, "return document.documentElement.scrollWidth - window.innerWidth;").await;
    assert!(overflow.as_f64().is_some_and(|o| o <= 0.0), "the page scrolls sideways at {size} by {overflow}");
    for pane in [".lesson", ".workbench", ".pictures"] {
        let w = width(browser, pane).await;
        assert!(w >= 180.0, "{pane} is {w} px wide at {size}");
    }
}

#[test]
fn splitters_resize_the_panes_by_mouse_and_keyboard_and_stay() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        for (css, label) in [("#split-lesson", "lesson"), ("#split-pictures", "pictures")] {
            assert_eq!(attr(&browser, css, "role").await, "separator", "{label}");
            assert_eq!(attr(&browser, css, "aria-orientation").await, "vertical", "{label}");
            assert_eq!(attr(&browser, css, "tabindex").await, "0", "{label}");
            assert_eq!(attr(&browser, css, "aria-valuemin").await, "15", "{label}");
        }
        panes_fit(&browser, "1280x720").await;

        // The keyboard: arrows move by 2 points, Home and End go to the limits.
        let lesson = value_now(&browser, "#split-lesson").await;
        let splitter = browser.client.find(Locator::Css("#split-lesson")).await.expect("the lesson's splitter");
        splitter.send_keys("\u{E014}").await.expect("ArrowRight");
        assert_eq!(value_now(&browser, "#split-lesson").await, lesson + 2.0);
        let focused = js(
            &browser,
            "const el = document.activeElement; return [el.id, getComputedStyle(el).outlineStyle, el.matches(':focus-visible')];",
        )
        .await;
        assert_eq!(focused[0], "split-lesson", "the splitter has the focus");
        assert_ne!(focused[1], "none", "a focused splitter shows its focus ring: {focused}");
        splitter.send_keys("\u{E011}").await.expect("Home");
        assert_eq!(value_now(&browser, "#split-lesson").await, 15.0);
        let narrowest = width(&browser, ".lesson").await;
        assert!(narrowest >= 180.0, "the lesson keeps a readable width: {narrowest}");
        splitter.send_keys("\u{E010}").await.expect("End");
        let max = attr(&browser, "#split-lesson", "aria-valuemax").await;
        assert_eq!(value_now(&browser, "#split-lesson").await.to_string(), max);

        // The pictures' splitter moves left, widening the pictures, with the arrow key.
        let pictures = value_now(&browser, "#split-pictures").await;
        let splitter = browser.client.find(Locator::Css("#split-pictures")).await.expect("the pictures' splitter");
        splitter.send_keys("\u{E011}").await.expect("Home");
        assert_eq!(value_now(&browser, "#split-pictures").await, 15.0, "from {pictures}");
        // The terminal keeps at least 30% whatever the sides ask for.
        splitter.send_keys("\u{E012}\u{E012}\u{E012}").await.expect("ArrowLeft");
        assert_eq!(value_now(&browser, "#split-pictures").await, 15.0 + 6.0);
        let workbench = width(&browser, ".workbench").await;
        let row = width(&browser, ".panes").await;
        assert!(workbench >= 0.29 * row, "the workbench keeps its share: {workbench} of {row}");

        // The mouse: drag the lesson's splitter 200 px to the left.
        let before = width(&browser, ".lesson").await;
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: splitter_el(&browser, "#split-lesson").await,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: -100.0, y: 0.0 })
            .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: -100.0, y: 10.0 })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        browser.client.perform_actions(drag).await.expect("drag the splitter");
        let after = width(&browser, ".lesson").await;
        assert!((before - after - 200.0).abs() < 12.0, "dragged 200 px left: {before} -> {after}");
        let dragged = value_now(&browser, "#split-lesson").await;
        // And far past the edge: it stops at the narrowest, not at nothing.
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: splitter_el(&browser, "#split-lesson").await,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::MoveTo { duration: Some(Duration::from_millis(200)), x: 1.0, y: 300.0 })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        browser.client.perform_actions(drag).await.expect("drag to the edge");
        assert_eq!(value_now(&browser, "#split-lesson").await, 15.0);
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: splitter_el(&browser, "#split-lesson").await,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: after - narrowest, y: 0.0 })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        browser.client.perform_actions(drag).await.expect("drag back");
        let kept = value_now(&browser, "#split-lesson").await;
        assert!((kept - dragged).abs() <= 1.0, "dragged back to {dragged}: {kept}");
        browser.screenshot("classroom-resized-1280x720").await;

        // The sizes stay across a reload.
        browser.client.refresh().await.expect("reload");
        browser.client.wait().for_element(Locator::Css("#terminal-input")).await.expect("terminal");
        assert_eq!(value_now(&browser, "#split-lesson").await, kept);
        assert_eq!(value_now(&browser, "#split-pictures").await, 21.0);

        // The same layout reads well on a 1920x1080 screen.
        browser.client.set_window_size(1920, 1080).await.expect("a larger window");
        tokio::time::sleep(Duration::from_millis(300)).await;
        panes_fit(&browser, "1920x1080").await;
        browser.screenshot("classroom-resized-1920x1080").await;
        browser.close().await;
    });
}

async fn splitter_el(browser: &Browser, css: &str) -> fantoccini::elements::Element {
    browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"))
}

#[test]
fn presenter_mode_steps_through_the_lesson_in_large_type() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        let small = js(&browser, "return parseFloat(getComputedStyle(document.documentElement).fontSize);").await;
        let title = attr(&browser, "#presenter-toggle", "title").await;
        assert!(title.contains("Alt+Shift+P"), "the shortcut is in the title: {title}");
        assert_eq!(attr(&browser, "#presenter-toggle", "aria-pressed").await, "false");

        // The shortcut, pressed in the terminal, turns it on.
        let input = browser.client.find(Locator::Css("#terminal-input")).await.expect("terminal input");
        input.send_keys("\u{E00A}\u{E008}p\u{E000}").await.expect("Alt+Shift+P");
        wait_until(
            &browser,
            5,
            "presenter mode is on",
            "return document.documentElement.classList.contains('presenter');",
        )
        .await;
        assert_eq!(attr(&browser, "#presenter-toggle", "aria-pressed").await, "true");
        // The terminal's line stays empty: its last row is the bare prompt.
        browser
            .wait_screen(5, |s| s.lines().rfind(|l| !l.trim().is_empty()).map(str::trim_end) == Some("dockyard$"))
            .await;
        let large = js(&browser, "return parseFloat(getComputedStyle(document.documentElement).fontSize);").await;
        assert!(
            large.as_f64().unwrap_or(0.0) >= small.as_f64().unwrap_or(f64::MAX) * 1.2,
            "large type: {small} -> {large}"
        );
        let colours =
            js(&browser, "const s = getComputedStyle(document.body); return [s.color, s.backgroundColor];").await;
        assert_eq!(colours, serde_json::json!(["rgb(0, 0, 0)", "rgb(255, 255, 255)"]), "high contrast");

        // One section at a time: the introduction, then each `##` heading.
        let lesson = browser.wait_text("#lesson-pane", 5, |t| t.contains("Step 1 of 3")).await;
        assert!(lesson.contains("sealed box") && !lesson.contains("Run one"), "{lesson}");
        click(&browser, "#step-next").await;
        let lesson = browser.wait_text("#lesson-pane", 5, |t| t.contains("Step 2 of 3")).await;
        assert!(
            lesson.contains("Run one") && !lesson.contains("sealed box") && !lesson.contains("Look around"),
            "{lesson}"
        );
        browser.screenshot("classroom-presenter").await;

        // The section's Run button still runs its command.
        click(&browser, ".lesson .run").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Hello from Dockyard!")).await;

        // A clicker's PageDown and PageUp step, even with the focus in the terminal.
        let input = browser.client.find(Locator::Css("#terminal-input")).await.expect("terminal input");
        input.send_keys("\u{E00F}").await.expect("PageDown");
        let lesson = browser.wait_text("#lesson-pane", 5, |t| t.contains("Step 3 of 3")).await;
        assert!(lesson.contains("Look around"), "{lesson}");
        assert_eq!(attr(&browser, "#step-next", "disabled").await, "true", "no step after the last");
        input.send_keys("\u{E00F}").await.expect("PageDown at the end");
        browser.wait_text("#lesson-pane", 5, |t| t.contains("Step 3 of 3")).await;
        input.send_keys("\u{E00E}").await.expect("PageUp");
        browser.wait_text("#lesson-pane", 5, |t| t.contains("Step 2 of 3")).await;

        // It comes back as it was after a reload.
        browser.client.refresh().await.expect("reload");
        browser.client.wait().for_element(Locator::Css("#terminal-input")).await.expect("terminal");
        browser.wait_text("#lesson-pane", 10, |t| t.contains("Step 2 of 3") && t.contains("Run one")).await;
        assert!(
            js(&browser, "return document.documentElement.classList.contains('presenter');").await == Value::Bool(true)
        );

        // The button turns it off: the whole lesson again, in ordinary type.
        click(&browser, "#presenter-toggle").await;
        let lesson = browser.wait_text("#lesson-pane", 5, |t| t.contains("Look around")).await;
        assert!(lesson.contains("sealed box") && !lesson.contains("Step 2 of 3"), "{lesson}");
        let back = js(&browser, "return parseFloat(getComputedStyle(document.documentElement).fontSize);").await;
        assert_eq!(back, small);
        browser.close().await;
    });
}

#[test]
fn a_shared_link_replays_its_commands_in_a_fresh_engine_and_keeps_the_session() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker run hello-world").await;
        browser.type_command("docker run --name shared toolbox echo 'a & b = 100%'").await;
        browser.wait_text("#terminal-output", 60, |t| t.lines().any(|l| l == "a & b = 100%")).await;
        // Step 2 of the lesson, through presenter mode's Next, then back to the whole lesson.
        click(&browser, "#presenter-toggle").await;
        click(&browser, "#step-next").await;
        browser.wait_text("#lesson-pane", 5, |t| t.contains("Step 2 of 3")).await;
        click(&browser, "#presenter-toggle").await;

        click(&browser, "#share-button").await;
        let status = browser.wait_text("#share-status", 10, |t| !t.contains("Copying")).await;
        assert!(status.contains("Copied") || status.contains("select the link"), "{status}");
        let field = browser.client.find(Locator::Css("#share-link")).await.expect("the link's field");
        let link = field.prop("value").await.expect("value").unwrap_or_default();
        assert!(
            link.starts_with(&format!(
                "{}#lesson=first-container&step=2&run=docker%20run%20hello-world%0A",
                server.url
            )),
            "{link}"
        );
        assert!(link.contains("%26%20b%20%3D%20100%25"), "the commands are URL-encoded: {link}");
        let selected =
            js(&browser, "const f = document.activeElement; return [f.id, f.selectionStart, f.selectionEnd];").await;
        assert_eq!(selected, serde_json::json!(["share-link", 0, link.len()]), "the link is selected to copy");
        field.send_keys("\u{E00C}").await.expect("Escape");
        wait_until(&browser, 5, "the link's panel closes", "return !document.getElementById('share-link');").await;

        // The browser keeps something the link does not have.
        browser.type_command("docker volume create mine").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "mine")).await;
        wait_until(
            &browser,
            20,
            "the session is kept",
            "const s = document.getElementById('session-status'); return s.dataset.saving === '0' && s.dataset.saved !== '0';",
        )
        .await;

        // The link: a fresh engine runs its commands, at its lesson and step.
        browser.client.goto("about:blank").await.expect("leave");
        browser.open(&link).await;
        let out = browser
            .wait_text("#terminal-output", 60, |t| {
                t.contains("Hello from Dockyard!") && t.lines().any(|l| l == "a & b = 100%")
            })
            .await;
        assert!(out.contains("Opened a shared link in a fresh engine"), "{out}");
        assert!(out.contains("reload this page to go back to it"), "{out}");
        assert!(!out.contains("Restored your session"), "{out}");
        let hash = js(&browser, "return location.hash;").await;
        assert_eq!(hash, "", "the link leaves the address, so a reload is the learner's own session");
        let lesson = browser.wait_text("#lesson-pane", 5, |_| true).await;
        let scrolled =
            js(&browser, "return document.getElementById('lesson-pane').scrollTop;").await.as_f64().unwrap_or(0.0);
        assert!(scrolled > 0.0, "step 2 is scrolled into view:\n{lesson}");
        browser.type_command("docker volume ls -q").await;
        browser.type_command("docker ps -a --format '{{.Names}}'").await;
        let out = browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "shared")).await;
        assert!(!out.lines().any(|l| l == "mine"), "the link's engine is a fresh one:\n{out}");
        assert_eq!(browser.wait_text("#session-status", 5, |_| true).await, "not kept");

        // A reload without the link: the kept session, untouched.
        browser.client.refresh().await.expect("reload");
        browser.client.wait().for_element(Locator::Css("#terminal-input")).await.expect("terminal");
        browser.wait_text("#terminal-output", 20, |t| t.contains("Restored your session")).await;
        browser.type_command("docker volume ls -q").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "mine")).await;

        // Cut short or changed: a note, nothing run, the kept session still there.
        for (bad, why) in [
            (link[..link.len() - 20].to_string(), "it is incomplete or was changed"),
            (link.replace("step=2", "step=3"), "it is incomplete or was changed"),
            (format!("{}#lesson=1&step=1", server.url), "it is incomplete or was changed"),
        ] {
            browser.client.goto("about:blank").await.expect("leave");
            browser.open(&bad).await;
            let out = browser.wait_text("#terminal-output", 20, |t| t.contains("could not be used")).await;
            assert!(out.contains(why) && out.contains("Nothing from it was run"), "{bad}:\n{out}");
            assert!(out.contains("Restored your session"), "{bad}:\n{out}");
            assert!(!out.contains("Hello from Dockyard!"), "{bad}:\n{out}");
            browser.type_command("docker volume ls -q").await;
            browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "mine")).await;
        }
        browser.close().await;
    });
}

/// The response head for a path, read raw so its headers can be checked.
fn head(server: &Server, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port())).expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", server.port());
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let response = String::from_utf8_lossy(&response).into_owned();
    response.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase()
}

#[test]
fn the_playground_works_offline_after_the_first_load() {
    block_on(async {
        let mut server = Server::start(None);
        let sw = head(&server, "/sw.js");
        assert!(sw.starts_with("http/1.1 200"), "{sw}");
        assert!(sw.contains("content-type: text/javascript"), "{sw}");
        assert!(sw.contains("cache-control: no-cache"), "{sw}");

        let browser = Browser::start().await;
        browser.open(&server.url).await;
        wait_until(
            &browser,
            60,
            "the service worker controls the page",
            "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
        )
        .await;
        // Every file of the build is cached; nothing of the host API is.
        let cached = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 caches.keys().then(async (names) => {
                   const urls = [];
                   for (const name of names) {
                     for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
                   }
                   done([names, urls]);
                 });",
                vec![],
            )
            .await
            .expect("list the caches");
        let urls: Vec<String> =
            cached[1].as_array().into_iter().flatten().filter_map(|u| u.as_str().map(str::to_string)).collect();
        for file in [
            "dockyard_bg.wasm",
            "dockyard.js",
            "annex_bg.wasm",
            "annex.js",
            "style.css",
            "index.html",
            "lessons/09-volumes.txt",
        ] {
            assert!(urls.iter().any(|u| u.ends_with(file)), "{file} is not cached: {cached}");
        }
        assert!(!urls.iter().any(|u| u.contains("/api/")), "the host API was cached: {cached}");
        assert_eq!(cached[0].as_array().map(Vec::len), Some(1), "one cache, this build's: {cached}");

        // The server goes away; the page reloads and runs a container all the same.
        server.stop();
        browser.client.refresh().await.expect("reload offline");
        browser.client.wait().for_element(Locator::Css("#terminal-input")).await.expect("terminal offline");
        browser.type_command("docker run hello-world").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Hello from Dockyard!")).await;
        // The engine's annex, never loaded online, comes from the cache for a template.
        browser.type_command("docker ps -a --format 'offline: {{.Image}}'").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "offline: hello-world")).await;
        // A lesson not opened before comes offline too: its prose was cached with the app.
        click(&browser, "#lesson-map-toggle").await;
        click(&browser, "#lesson-map [data-lesson='volumes'] button").await;
        browser.wait_text("#lesson-pane", 30, |t| t.contains("A volume is storage that Docker keeps apart")).await;
        browser.screenshot("classroom-offline").await;
        browser.close().await;
    });
}

/// Runs axe-core over the page as it is now; the serious and critical violations, readably.
/// The page must have loaded axe-core (`load_axe`).
pub(crate) async fn axe(browser: &Browser, view: &str) -> Vec<String> {
    // A layer that moved fades in: its colours mid-fade are not the ones the learner reads.
    wait_until(
        browser,
        10,
        "the animations end",
        "return document.getAnimations().every((a) => a.playState !== 'running');",
    )
    .await;
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ["violations"] })
          .then((r) => done(r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })) }))))
          .catch((e) => done([{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }]));
    "#;
    let found = browser.client.execute_async(script, vec![]).await.expect("axe runs");
    found
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let mut text = format!("[{view}] {} ({}): {}", v["id"], v["impact"], v["help"]);
            for node in v["nodes"].as_array().into_iter().flatten() {
                text.push_str(&format!(
                    "\n    at {}\n      {}",
                    node["target"],
                    node["summary"].as_str().unwrap_or_default().replace('\n', "\n      ")
                ));
            }
            text
        })
        .collect()
}

/// Loads axe-core, from the file DOCKYARD_AXE names, into the page.
pub(crate) async fn load_axe(browser: &Browser) {
    let path = std::env::var_os("DOCKYARD_AXE").unwrap_or_else(|| {
        panic!("DOCKYARD_AXE is not set: it names axe-core's axe.min.js, which `cargo xtask test` installs and sets")
    });
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read axe-core at {} (DOCKYARD_AXE): {e}", std::path::Path::new(&path).display())
    });
    browser.client.execute(&format!("{source}\nreturn typeof axe;"), vec![]).await.expect("axe-core loads");
}

#[test]
fn axe_finds_nothing_serious_in_any_view() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.type_command("docker run --name greeter hello-world").await;
        browser.type_command("docker volume create data").await;
        browser.type_command("docker tag hello-world localhost:5000/hello").await;
        browser.type_command("docker push localhost:5000/hello").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("latest: digest: sha256:")).await;
        load_axe(&browser).await;

        let mut found = Vec::new();
        for tab in ["images", "containers", "registries", "volumes", "dockerfile"] {
            click(&browser, &format!("#tab-{tab}")).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            found.extend(axe(&browser, tab).await);
        }
        click(&browser, "#tab-images").await;
        click(&browser, "#presenter-toggle").await;
        browser.wait_text("#lesson-pane", 5, |t| t.contains("Step 1 of 3")).await;
        found.extend(axe(&browser, "presenter mode").await);
        click(&browser, "#share-button").await;
        browser.wait_text("#share-status", 10, |t| !t.contains("Copying")).await;
        found.extend(axe(&browser, "presenter mode, sharing").await);
        assert!(
            found.is_empty(),
            "axe-core found {} serious or critical violations:\n{}",
            found.len(),
            found.join("\n")
        );
        browser.close().await;
    });
}
