//! The session: kept in the browser across reloads, undone one command back, loaded from a file,
//! and reset.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::harness::{block_on, Browser, Server, TempHome};

/// How many times the page has kept the session since it opened, once no command runs and no
/// write is going.
pub(crate) async fn settled_saves(browser: &Browser) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // A command's end and the write it starts are a render apart.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let terminal = browser.client.find(Locator::Css("#terminal")).await.expect("the terminal");
        let running = terminal.attr("data-running").await.ok().flatten().as_deref() != Some("false");
        let status = browser.client.find(Locator::Css("#session-status")).await.expect("the session status");
        let saved = status.attr("data-saved").await.ok().flatten().and_then(|s| s.parse::<u32>().ok());
        let saving = status.attr("data-saving").await.ok().flatten();
        if let (false, Some(saved), Some("0")) = (running, saved, saving.as_deref()) {
            return saved;
        }
        assert!(Instant::now() < deadline, "the session did not settle: saved {saved:?}, saving {saving:?}");
    }
}

/// Waits until the page has kept the session `count` times since it opened, so a reload finds it.
async fn wait_saved(browser: &Browser, count: u32) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while settled_saves(browser).await < count {
        assert!(Instant::now() < deadline, "the session was not kept {count} times");
    }
}

/// Accepts the page's confirm() question once it shows, and returns its text. Nothing else may
/// talk to the page meanwhile: chromedriver would dismiss the question.
async fn accept_question(browser: &Browser) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = browser.client.get_alert_text().await {
            browser.client.accept_alert().await.expect("accept the question");
            return text;
        }
        assert!(Instant::now() < deadline, "no question was asked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the terminal printed after the last line containing `marker`.
async fn after(browser: &Browser, marker: &str, pred: impl Fn(&str) -> bool) -> String {
    let text = browser
        .wait_text("#terminal-output", 30, |t| t.rfind(marker).is_some_and(|at| pred(&t[at + marker.len()..])))
        .await;
    text[text.rfind(marker).unwrap_or(0)..].to_string()
}

async fn click(browser: &Browser, id: &str) {
    let button = browser.client.wait().for_element(Locator::Id(id)).await.expect("the button");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !button.is_enabled().await.unwrap_or(false) {
        assert!(Instant::now() < deadline, "{id} stayed disabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    button.click().await.expect("click");
}

/// Reads the session this browser kept, as the page wrote it, straight from IndexedDB.
const READ_KEPT: &str = "const done = arguments[arguments.length - 1]; \
    const open = indexedDB.open('dockyard'); \
    open.onsuccess = () => { const get = open.result.transaction('state').objectStore('state').get('session'); \
        get.onsuccess = () => { open.result.close(); done(get.result); }; }; \
    open.onerror = () => done(null);";

#[test]
fn the_session_survives_a_reload_undoes_a_command_loads_from_a_file_and_resets() {
    let home = TempHome::new("browser-session");
    let not_a_session = home.0.join("package.json");
    std::fs::write(&not_a_session, "{\"name\": \"my-app\"}\n").expect("write");
    let session_file = home.0.join("dockyard-session.json");
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker pull hello-world").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Status: Downloaded newer image")).await;
        wait_saved(&browser, 1).await;
        let kept = browser.client.execute_async(READ_KEPT, vec![]).await.expect("read IndexedDB");
        let kept = kept.as_str().expect("the kept session is text").to_string();
        assert!(kept.starts_with("{\"kind\":\"dockyard-session\""), "{}", &kept[..kept.len().min(200)]);
        std::fs::write(&session_file, &kept).expect("write the session file");

        // A reload brings the image back, with the command history.
        browser.client.refresh().await.expect("reload");
        browser.client.wait().for_element(Locator::Css("#terminal-input")).await.expect("terminal");
        browser
            .wait_text("#terminal-output", 30, |t| {
                t.contains("Restored your session from this browser: 1 image, 0 containers.")
            })
            .await;
        browser.press("\u{E013}").await;
        browser.wait_screen(10, |s| s.lines().any(|l| l.trim_end() == "dockyard$ docker pull hello-world")).await;
        // Ctrl-U empties the line again.
        browser.press("\u{E009}u").await;
        browser.type_command("docker images").await;
        after(&browser, "docker images", |t| t.contains("hello-world")).await;

        // Undo brings back what docker rmi removed; a second undo has nothing to go back to.
        browser.type_command("docker rmi hello-world").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Untagged: hello-world:latest")).await;
        click(&browser, "session-undo").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Undid: docker rmi hello-world")).await;
        browser.type_command("docker images").await;
        after(&browser, "Undid: docker rmi hello-world", |t| t.contains("hello-world")).await;
        // Ctrl-Z on an empty line asks for the same undo.
        browser.press("\u{E009}z\u{E000}").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Nothing to undo")).await;

        // Reset asks, then empties the engine, the terminal and what the browser keeps.
        let saves = settled_saves(&browser).await;
        click(&browser, "session-reset").await;
        let question = accept_question(&browser).await;
        assert!(question.starts_with("Reset Dockyard?"), "{question}");
        let out = browser.wait_text("#terminal-output", 30, |t| t.contains("Dockyard starts over")).await;
        assert!(!out.contains("Undid"), "the terminal is cleared: {out}");
        browser.type_command("docker images").await;
        let out = after(&browser, "docker images", |t| t.contains("REPOSITORY")).await;
        assert!(!out.contains("hello-world"), "{out}");
        wait_saved(&browser, saves + 1).await;
        browser.client.refresh().await.expect("reload");
        browser
            .wait_text("#terminal-output", 30, |t| t.contains("Restored your session from this browser: 0 images"))
            .await;

        // Load session turns away a file that is not a session, and loads one that is.
        click(&browser, "session-load").await;
        let picker = browser.client.wait().for_element(Locator::Css("#upload-input")).await.expect("a file picker");
        picker.send_keys(not_a_session.to_str().expect("utf-8 path")).await.expect("choose the file");
        browser
            .wait_text("#terminal-output", 30, |t| {
                t.contains("package.json was not loaded: it is not a Dockyard session file")
            })
            .await;
        click(&browser, "session-load").await;
        let picker = browser.client.wait().for_element(Locator::Css("#upload-input")).await.expect("a file picker");
        picker.send_keys(session_file.to_str().expect("utf-8 path")).await.expect("choose the file");
        let question = accept_question(&browser).await;
        assert!(question.contains("dockyard-session.json (1 image, 0 containers)"), "{question}");
        browser.wait_text("#terminal-output", 30, |t| t.contains("Loaded the session in dockyard-session.json")).await;
        browser.type_command("docker images").await;
        after(&browser, "Loaded the session", |t| t.contains("hello-world")).await;
        browser.screenshot("session").await;
        browser.close().await;
    });
}

/// Puts a state this Dockyard cannot read where the page keeps its session.
const PUT_UNREADABLE: &str = "const done = arguments[arguments.length - 1]; \
    const open = indexedDB.open('dockyard'); \
    open.onsuccess = () => { const tx = open.result.transaction('state', 'readwrite'); \
        tx.objectStore('state').put('{\"kind\":\"dockyard-session\",\"format\":1,\"engine\":{\"version\":99}}', 'session'); \
        tx.oncomplete = () => { open.result.close(); done(true); }; }; \
    open.onerror = () => done(false);";

/// Every key the page keeps, and the first one set aside's value.
const READ_KEYS: &str = "const done = arguments[arguments.length - 1]; \
    const open = indexedDB.open('dockyard'); \
    open.onsuccess = () => { const store = open.result.transaction('state').objectStore('state'); \
        const keys = store.getAllKeys(); keys.onsuccess = () => { \
            const aside = keys.result.find(k => k.startsWith('session-unreadable-')); \
            if (!aside) { done([keys.result, null]); return; } \
            const get = store.get(aside); get.onsuccess = () => { open.result.close(); done([keys.result, get.result]); }; }; }; \
    open.onerror = () => done(null);";

#[test]
fn a_kept_state_that_cannot_be_restored_is_set_aside_not_lost() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        let put = browser.client.execute_async(PUT_UNREADABLE, vec![]).await.expect("write IndexedDB");
        assert_eq!(put, serde_json::json!(true));

        browser.client.refresh().await.expect("reload");
        let out = browser
            .wait_text("#terminal-output", 30, |t| t.contains("could not be restored: saved state has version 99"))
            .await;
        assert!(out.contains("kept aside"), "{out}");
        let keys = browser.client.execute_async(READ_KEYS, vec![]).await.expect("read IndexedDB");
        let aside = keys[1].as_str().unwrap_or_default();
        assert!(aside.contains("\"version\":99"), "{keys}");

        // The page starts fresh and keeps its own session beside the one set aside.
        browser.type_command("docker pull hello-world").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Status: Downloaded newer image")).await;
        wait_saved(&browser, 1).await;
        browser.client.refresh().await.expect("reload");
        browser
            .wait_text("#terminal-output", 30, |t| t.contains("Restored your session from this browser: 1 image"))
            .await;
        browser.close().await;
    });
}

#[test]
fn undoing_with_a_container_running_brings_it_back_exited() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker run -d --name sleeper toolbox sleep 300").await;
        browser.type_command("docker rename sleeper napper").await;
        browser.type_command("docker ps --format '{{.Names}}: {{.State}}'").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("napper: running")).await;
        click(&browser, "session-undo").await;
        let out =
            browser.wait_text("#terminal-output", 30, |t| t.contains("Undid: docker rename sleeper napper")).await;
        assert!(out.contains("the container that was running then is back as exited"), "{out}");
        browser.type_command("docker ps -a --format '{{.Names}} {{.Status}}'").await;
        let out = after(&browser, "docker ps -a", |t| t.contains("sleeper Exited (137)")).await;
        assert!(!out.contains("napper"), "{out}");
        // Its worker is gone with the engine it ran in: the container starts afresh.
        browser.type_command("docker start sleeper").await;
        browser.type_command("docker ps --format '{{.Names}}: {{.State}}'").await;
        after(&browser, "docker start sleeper", |t| t.contains("sleeper: running")).await;
        browser.close().await;
    });
}
