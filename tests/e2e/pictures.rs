//! The pictures beside the terminal: image stacks with shared layers and what a layer changed,
//! container cards whose buttons type their commands into the terminal and whose logs follow a
//! running container, a container's files with the layer each comes from, and a build's image
//! growing a slab per step while the build runs.

use fantoccini::key::Key;
use fantoccini::Locator;

use crate::classroom::{axe, load_axe};
use crate::harness::{block_on, Browser, Server};

/// Clicks the element at `xpath`, which must be there.
async fn click(browser: &Browser, xpath: &str) {
    let element = browser.client.find(Locator::XPath(xpath)).await.unwrap_or_else(|e| panic!("{xpath}: {e}"));
    element.click().await.unwrap_or_else(|e| panic!("click {xpath}: {e}"));
}

/// Opens a tab of the pictures by its id (`tab-containers`).
async fn open_tab(browser: &Browser, id: &str) {
    click(browser, &format!("//button[@id='{id}']")).await;
}

/// An XPath to the entry of the file browser named `name` (`etc/` for a directory).
fn entry(name: &str) -> String {
    format!("//section[contains(@class,'fs')]//button[contains(@class,'fs-name') and normalize-space(.)='{name}']")
}

/// The buttons in a container's card footer, by their labels.
async fn actions(browser: &Browser, container: &str) -> Vec<String> {
    let xpath = format!("//article[@aria-label='Container {container}']/footer/button");
    let mut labels = Vec::new();
    for button in browser.client.find_all(Locator::XPath(&xpath)).await.expect("the card's buttons") {
        labels.push(button.text().await.expect("a label"));
    }
    labels
}

/// The text of the focused element.
async fn focused(browser: &Browser) -> String {
    let active = browser.client.active_element().await.expect("a focused element");
    active.text().await.expect("its text")
}

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

#[test]
fn a_containers_files_show_their_layer_and_what_the_writable_layer_changed() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser
            .type_command(
                "docker run --name box toolbox sh -c 'echo hi > /tmp/note; echo changed > /etc/group; rm /etc/passwd; \
                 i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done > /tmp/big; echo finished'",
            )
            .await;
        browser.wait_text("#terminal-output", 120, |t| t.lines().any(|l| l == "finished")).await;
        open_tab(&browser, "tab-containers").await;
        browser.wait_text(".cards", 30, |t| t.contains("box") && t.contains("Exited (0)")).await;
        click(&browser, "//article[@aria-label='Container box']//button[text()='Files']").await;

        // The root: the directories the container changed come from its writable layer, the
        // others from the toolbox's one layer.
        let root = browser.wait_text(".fs", 10, |t| t.contains("Files of box") && t.contains("etc/")).await;
        assert!(root.contains("2 layers, the writable one on top"), "{root}");
        let row = |name: &str| format!("{}/ancestor::li", entry(name));
        let etc = browser.client.find(Locator::XPath(&row("etc/"))).await.expect("etc").text().await.unwrap();
        assert!(etc.contains("modified") && etc.contains("writable layer"), "{etc}");
        let bin = browser.client.find(Locator::XPath(&row("bin/"))).await.expect("bin").text().await.unwrap();
        assert!(bin.contains("layer 1 ·") && !bin.contains("modified"), "{bin}");

        // /etc: the deleted password file, struck through beside the layer it hides.
        click(&browser, &entry("etc/")).await;
        browser.wait_text(".fs-crumbs", 10, |t| t.contains("etc")).await;
        let passwd = browser.client.find(Locator::XPath(&row("passwd"))).await.expect("the deleted passwd");
        let text = passwd.text().await.unwrap();
        assert!(text.contains("deleted") && text.contains("hides") && text.contains("layer 1 ·"), "{text}");
        assert!(passwd.attr("class").await.unwrap().unwrap_or_default().contains("deleted"));
        let name = browser.client.find(Locator::XPath(&entry("passwd"))).await.unwrap();
        assert!(name.css_value("text-decoration-line").await.unwrap().contains("line-through"));
        let group = browser.client.find(Locator::XPath(&row("group"))).await.unwrap().text().await.unwrap();
        assert!(group.contains("modified") && group.contains("writable layer"), "{group}");
        click(&browser, &entry("group")).await;
        let file = browser.wait_text(".fs-file", 10, |t| t.contains("/etc/group")).await;
        assert!(file.contains("changed") && file.contains("The container changed this file"), "{file}");
        click(&browser, &entry("passwd")).await;
        let file = browser.wait_text(".fs-file", 10, |t| t.contains("/etc/passwd")).await;
        assert!(file.contains("root:x:0") && file.contains("deleted this file"), "what it hid: {file}");
        // Struck-through entries, chips and the open file keep to what assistive technology needs.
        load_axe(&browser).await;
        let found = axe(&browser, "a container's files").await;
        assert!(found.is_empty(), "axe-core found serious or critical violations:\n{}", found.join("\n"));

        // A program is binary, and its applets are hard links to it.
        click(&browser, "//nav[contains(@class,'fs-crumbs')]/button[text()='/']").await;
        click(&browser, &entry("bin/")).await;
        click(&browser, &entry("sh ⇒ /bin/toolbox")).await;
        browser.wait_text(".fs-file", 10, |t| t.contains("/bin/sh") && t.contains("A binary file of")).await;

        // By keyboard: Backspace goes up, Enter opens, the arrows move, Escape closes.
        let sh = browser.client.find(Locator::XPath(&entry("sh ⇒ /bin/toolbox"))).await.unwrap();
        sh.send_keys(&char::from(Key::Backspace).to_string()).await.expect("Backspace");
        browser.wait_text(".fs-crumbs", 10, |t| t.trim() == "/").await;
        let tmp = browser.client.find(Locator::XPath(&entry("tmp/"))).await.expect("tmp");
        tmp.send_keys(&char::from(Key::Enter).to_string()).await.expect("Enter");
        browser.wait_text(".fs-list", 10, |t| t.contains("note") && t.contains("big")).await;
        assert_eq!(focused(&browser).await, "big", "a new directory focuses its first entry");
        let active = browser.client.active_element().await.unwrap();
        active.send_keys(&char::from(Key::Down).to_string()).await.unwrap();
        assert_eq!(focused(&browser).await, "note");
        let active = browser.client.active_element().await.unwrap();
        active.send_keys(&char::from(Key::Enter).to_string()).await.unwrap();
        let note = browser.wait_text(".fs-file", 10, |t| t.contains("/tmp/note")).await;
        assert!(note.contains("hi") && note.contains("The container added this file"), "{note}");
        let list = browser.wait_text(".fs-list", 10, |t| t.contains("note")).await;
        assert!(list.contains("added"), "{list}");
        // A large text file shows its beginning, and says so.
        click(&browser, &entry("big")).await;
        let big = browser.wait_text(".fs-file", 10, |t| t.contains("/tmp/big")).await;
        assert!(big.contains("Showing the first 16.4kB of") && big.contains("line 0\nline 1\n"), "{}", &big[..200]);
        assert!(!big.contains("line 1999"), "the end is cut");
        browser.screenshot("container-files").await;
        let active = browser.client.active_element().await.unwrap();
        active.send_keys(&char::from(Key::Escape).to_string()).await.unwrap();
        browser.wait_text(".fs", 10, |t| !t.contains("/tmp/big")).await;
        let active = browser.client.active_element().await.unwrap();
        active.send_keys(&char::from(Key::Escape).to_string()).await.unwrap();
        browser.wait_text(".cards", 10, |t| !t.contains("Files of box")).await;
        browser.close().await;
    });
}

#[test]
fn cards_follow_a_running_containers_log_and_offer_what_its_state_allows() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser
            .type_command(
                "docker run -d --name ticker toolbox sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'",
            )
            .await;
        browser.type_command("docker run -d --name site -p 8080:80 -v data:/data web").await;
        open_tab(&browser, "tab-containers").await;
        let cards = browser.wait_text(".cards", 60, |t| t.contains("ticker") && t.contains("site")).await;
        let card = |name: &str| format!("article[aria-label='Container {name}']");
        let ticker = browser.wait_text(&card("ticker"), 30, |t| t.contains("tick 1")).await;
        assert!(ticker.contains("Up") && ticker.contains("toolbox") && ticker.contains("sh -c"), "{ticker}");
        // With no command typed, the log follows the running loop.
        browser.wait_text(&card("ticker"), 30, |t| t.contains("tick 4")).await;
        assert_eq!(actions(&browser, "ticker").await, ["Stop", "Shell", "Logs", "Files"], "{cards}");

        let site = browser.wait_text(&card("site"), 10, |t| t.contains("Up")).await;
        assert!(
            site.contains("web") && site.contains("0.0.0.0:8080->80/tcp") && site.contains("data → /data"),
            "{site}"
        );
        // A request shows up in the server's log on its card.
        browser.type_command("docker run --rm toolbox curl -s http://host.docker.internal:8080/").await;
        browser.wait_text(&card("site"), 60, |t| t.contains("\"GET / HTTP/1.1\" 200")).await;
        // Its files: the volume lies over the image's layers at /data, in no layer itself.
        click(&browser, "//article[@aria-label='Container site']//button[text()='Files']").await;
        let files = browser.wait_text(".fs", 10, |t| t.contains("Files of site") && t.contains("data/")).await;
        assert!(files.contains("and a volume over them"), "{files}");
        let data = browser.client.find(Locator::XPath(&format!("{}/ancestor::li", entry("data/")))).await.unwrap();
        let data = data.text().await.unwrap();
        assert!(data.contains("volume data") && data.contains("at /data"), "{data}");

        // The Shell button is docker exec -it: typed lines go to the shell in the container.
        click(&browser, "//article[@aria-label='Container ticker']//button[text()='Shell']").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("docker exec -it ticker sh")).await;
        browser.type_command("echo typed > /tmp/from-shell").await;
        browser.type_command("exit").await;
        browser.type_command("docker exec ticker cat /tmp/from-shell").await;
        browser.wait_text("#terminal-output", 60, |t| t.lines().any(|l| l == "typed")).await;
        click(&browser, "//article[@aria-label='Container ticker']//button[text()='Files']").await;
        browser.wait_text(".fs", 10, |t| t.contains("Files of ticker") && t.contains("shows here when it ends")).await;
        click(&browser, &entry("tmp/")).await;
        let tmp = browser.wait_text(".fs-list", 10, |t| t.contains("from-shell")).await;
        assert!(tmp.contains("added") && tmp.contains("writable layer"), "{tmp}");

        // An exited container offers Start and Remove instead; Remove types docker rm.
        browser.type_command("docker run --name once toolbox echo once").await;
        browser.wait_text(&card("once"), 60, |t| t.contains("Exited (0)") && t.contains("once")).await;
        assert_eq!(actions(&browser, "once").await, ["Start", "Remove", "Logs", "Files"]);
        click(&browser, "//article[@aria-label='Container once']//button[text()='Remove']").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("docker rm once")).await;
        browser.wait_text(".cards", 30, |t| !t.contains("Container once") && !t.contains("echo once")).await;
        browser.screenshot("container-cards").await;
        browser.close().await;
    });
}

/// Replaces the Dockerfile tab's open file with `text`, typed as a learner types it.
async fn retype(browser: &Browser, text: &str) {
    let editor = browser.client.find(Locator::Css("#editor-input")).await.expect("the editor");
    let select_all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
    editor.send_keys(&select_all).await.expect("select all");
    editor.send_keys(text).await.expect("typing");
}

/// Records, on every change to the pictures, the text of the build's stack ("" when none), each
/// different one once, in `window.__frames`.
const RECORD_FRAMES: &str = "
    window.__frames = [];
    const panel = document.querySelector('.tabpanel');
    const record = () => {
        const build = document.querySelector('.stack.building');
        const text = build ? build.innerText : '';
        if (window.__frames[window.__frames.length - 1] !== text) window.__frames.push(text);
    };
    new MutationObserver(record).observe(panel, { subtree: true, childList: true, characterData: true });
    record();
";

async fn frames(browser: &Browser) -> Vec<String> {
    let frames = browser.client.execute("return window.__frames", vec![]).await.expect("the frames");
    serde_json::from_value(frames).expect("a list of texts")
}

#[test]
fn a_build_grows_its_image_a_slab_per_step_with_cached_steps_marked() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        open_tab(&browser, "tab-dockerfile").await;
        retype(&browser, "FROM toolbox:1\nRUN echo one > /one\nRUN sleep 3\nRUN echo two > /two\n").await;
        open_tab(&browser, "tab-images").await;
        browser.client.execute(RECORD_FRAMES, vec![]).await.expect("the recorder");

        browser.type_command("docker build -t slow .").await;
        // Caught in the middle: the first RUN's slab is there, the last one's is not yet.
        let middle =
            browser.wait_text(".stacks", 60, |t| t.contains("Building slow:latest") && t.contains("RUN sleep 3")).await;
        assert!(middle.contains("step 3/4") && middle.contains("running…"), "{middle}");
        assert!(middle.contains("echo one > /one") && !middle.contains("echo two"), "{middle}");
        browser.screenshot("build-under-way").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Successfully tagged slow:latest")).await;
        // The finished image takes the build's place.
        let done = browser.wait_text(".stacks", 10, |t| !t.contains("Building")).await;
        assert!(done.contains("slow:latest") && done.contains("echo two > /two"), "{done}");
        let seen = frames(&browser).await;
        let during: Vec<&String> = seen.iter().filter(|f| !f.is_empty()).collect();
        let sleeping = during.iter().position(|f| f.contains("RUN sleep 3")).expect("a frame during the sleep");
        let badges = |frame: &str, badge: &str| frame.lines().filter(|l| l.trim() == badge).count();
        assert_eq!(badges(during[sleeping], "built"), 1, "one slab built by then: {seen:?}");
        assert_eq!(badges(during[sleeping], "CACHED"), 0, "{seen:?}");
        assert_eq!(seen.last().map(String::as_str), Some(""), "no build shown at the end: {seen:?}");

        // Again, with the last step changed and slow: the steps before it come from the cache.
        open_tab(&browser, "tab-dockerfile").await;
        retype(&browser, "FROM toolbox:1\nRUN echo one > /one\nRUN sleep 3\nRUN sleep 5; echo three > /three\n").await;
        open_tab(&browser, "tab-images").await;
        load_axe(&browser).await;
        browser.type_command("docker build -t slow .").await;
        let cached = browser.wait_text(".stacks", 60, |t| t.contains("RUN sleep 5; echo three")).await;
        assert_eq!(cached.matches("CACHED").count(), 2, "{cached}");
        assert!(cached.contains("step 4/4") && cached.contains("base image"), "{cached}");
        browser.screenshot("build-cached").await;
        // The build's stack keeps to what assistive technology needs, checked while it is there
        // (from the tab, so that the terminal's cursor stops blinking and axe may begin).
        open_tab(&browser, "tab-images").await;
        let found = axe(&browser, "a build under way").await;
        assert!(found.is_empty(), "axe-core found serious or critical violations:\n{}", found.join("\n"));
        let still = browser.inner_text(".stacks").await.unwrap_or_default();
        assert!(still.contains("Building slow:latest"), "axe ran while the build was under way: {still}");
        browser.wait_text("#terminal-output", 60, |t| t.matches("Successfully tagged slow:latest").count() == 2).await;
        let done = browser.wait_text(".stacks", 10, |t| !t.contains("Building")).await;
        assert!(done.contains("echo three > /three"), "{done}");
        browser.close().await;
    });
}

/// The nodes' task chips as the Swarm tab draws them: `node: state, state, ...` per node.
const TASKS_BY_NODE: &str = "return [...document.querySelectorAll('.swarm .node')].map((n) => \
    n.querySelector('header strong').textContent + ': ' + \
    [...n.querySelectorAll('.task')].filter((t) => !t.classList.contains('ended')).map((t) => t.querySelector('.task-state').textContent).join(','));";

#[test]
fn the_swarm_tab_shows_tasks_spread_and_moved_off_a_failed_node() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.client.find(Locator::Css("#tab-swarm")).await.expect("the Swarm tab").click().await.expect("open it");
        browser.wait_text(".swarm", 10, |t| t.contains("not part of a swarm")).await;
        // The empty tab's buttons type their commands.
        click(&browser, "//div[contains(@class,'swarm')]//button[text()='docker swarm init']").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Swarm initialized: current node")).await;
        browser.type_command("docker node add worker1").await;
        browser.type_command("docker node add worker2").await;
        browser.type_command("docker service create --name web --replicas 3 web").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("docker service create --name web")).await;

        // Three replicas, one on each node, running within seconds.
        let spread = |t: &serde_json::Value| {
            t.as_array().is_some_and(|nodes| {
                nodes.len() == 3 && nodes.iter().all(|n| n.as_str().is_some_and(|n| n.ends_with(": running")))
            })
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut last = serde_json::Value::Null;
        while !spread(&last) {
            assert!(std::time::Instant::now() < deadline, "the replicas did not spread: {last}");
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            last = browser.client.execute(TASKS_BY_NODE, vec![]).await.expect("read the nodes");
        }
        // Focus leaves the terminal, whose blinking cursor is an animation that never ends.
        open_tab(&browser, "tab-swarm").await;
        load_axe(&browser).await;
        let found = axe(&browser, "swarm").await;
        assert!(found.is_empty(), "{}", found.join("\n"));
        browser.screenshot("swarm").await;

        // A node that fails loses its task to the others once the managers notice, as Swarm's do.
        click(&browser, "//article[@aria-label='Node worker1']//button[text()='Fail']").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("docker node down worker1")).await;
        browser.wait_text(".swarm", 10, |t| t.contains("Bring back")).await;
        let moved = |t: &serde_json::Value| {
            let nodes: Vec<&str> = t.as_array().into_iter().flatten().filter_map(|n| n.as_str()).collect();
            let running: usize = nodes
                .iter()
                .filter(|n| !n.starts_with("worker1"))
                .map(|n| n.split(": ").nth(1).unwrap_or("").split(',').filter(|s| *s == "running").count())
                .sum();
            running == 3
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(45);
        while !moved(&last) {
            assert!(std::time::Instant::now() < deadline, "the failed node's task did not move: {last}");
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            last = browser.client.execute(TASKS_BY_NODE, vec![]).await.expect("read the nodes");
        }
        browser.screenshot("swarm-rescheduled").await;
        browser.close().await;
    });
}
