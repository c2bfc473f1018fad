//! The terminal: typed commands, Docker's errors, history on the arrow keys.

use fantoccini::Locator;

use crate::harness::{block_on, docker, text, Browser, Server, TempHome};

#[test]
fn typed_commands_answer_as_docker_does() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker run --foo busybox").await;
        let text = browser.wait_text("#terminal-output", 30, |t| t.contains("unknown flag: --foo")).await;
        assert!(text.contains("Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]"), "{text}");

        browser.type_command("docker images").await;
        let text = browser.wait_text("#terminal-output", 30, |t| t.contains("REPOSITORY")).await;
        assert!(text.contains("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE"), "{text}");

        browser.type_command("docker run --rm hello-world nosuchcmd").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("executable file not found in $PATH")).await;

        // The up arrow brings back the last command; Enter runs it again.
        browser.press("\u{E013}").await;
        browser
            .wait_screen(10, |s| {
                s.lines().last().is_some_and(|l| l.trim_end() == "dockyard$ docker run --rm hello-world nosuchcmd")
            })
            .await;
        browser.press("\u{E007}").await;
        browser
            .wait_text("#terminal-output", 30, |t| t.matches("executable file not found in $PATH").count() == 2)
            .await;
        browser.screenshot("terminal-errors").await;
        browser.close().await;
    });
}

/// Records every frame drawn in the terminal's live lines, so a test can see a pull's bars move
/// however briefly they were on screen.
const WATCH_LIVE: &str = "window.__live = []; \
    new MutationObserver(() => { const el = document.getElementById('terminal-live'); \
        if (el) window.__live.push(el.textContent); }) \
    .observe(document.getElementById('terminal-output'), { childList: true, subtree: true, characterData: true });";

#[test]
fn files_come_from_the_learners_computer_and_questions_wait_for_an_answer() {
    let home = TempHome::new("browser-files");
    let archive = home.0.join("busybox.tar");
    let saved = docker(&["save", "-o", archive.to_str().expect("utf-8 path"), "busybox:latest"]);
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    let note = home.0.join("notes.txt");
    std::fs::write(&note, "ahoy\n").expect("write");
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        // A pull draws its layers' bars in place, then leaves Docker's plain lines.
        browser.client.execute(WATCH_LIVE, vec![]).await.expect("observer installed");
        browser.type_command("docker pull hello-world").await;
        let out = browser.wait_text("#terminal-output", 30, |t| t.contains("Status: Downloaded newer image")).await;
        assert!(out.contains(": Pull complete"), "{out}");
        let frames = browser.client.execute("return window.__live", vec![]).await.expect("frames");
        let frames: Vec<String> = serde_json::from_value(frames).expect("a list of frames");
        assert!(frames.iter().any(|f| f.contains(": Downloading [")), "{frames:?}");
        assert!(browser.client.find(Locator::Css("#terminal-live")).await.is_err(), "the live lines are gone");

        // docker load -i asks for the archive; the chosen file is loaded.
        browser.type_command("docker load -i busybox.tar").await;
        let picker = browser.client.wait().for_element(Locator::Css("#upload-input")).await.expect("a file picker");
        picker.send_keys(archive.to_str().expect("utf-8 path")).await.expect("choose the archive");
        browser.wait_text("#terminal-output", 60, |t| t.contains("Loaded image: busybox:latest")).await;

        // docker cp from the computer into a container, through the same picker.
        browser.type_command("docker run --name box hello-world").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Hello from Dockyard!")).await;
        browser.type_command("docker cp notes.txt box:/notes.txt").await;
        let picker = browser.client.wait().for_element(Locator::Css("#upload-input")).await.expect("a file picker");
        picker.send_keys(note.to_str().expect("utf-8 path")).await.expect("choose the note");
        browser.wait_text("#terminal-output", 30, |t| t.contains("Successfully copied")).await;
        browser.type_command("docker diff box").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("A /notes.txt")).await;

        // A question waits for the next line typed; y goes ahead.
        browser.type_command("docker image prune -a").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("Are you sure you want to continue? [y/N]")).await;
        browser.type_command("y").await;
        let out = browser.wait_text("#terminal-output", 30, |t| t.contains("Total reclaimed space:")).await;
        assert!(out.contains("untagged: busybox:latest"), "{out}");
        assert!(!out.contains("untagged: hello-world:latest"), "box still uses hello-world: {out}");
        browser.screenshot("terminal-files").await;
        browser.close().await;
    });
}

#[test]
fn a_spinning_container_runs_on_its_own_worker_and_stops() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        // The guest never calls WASI; only a worker of its own keeps the page alive beside it.
        browser.type_command("docker run -d --name spinner toolbox spin").await;
        // The pull comes first, then the container's id.
        let pulled_then_id = |t: &str| {
            t.find("Status: Downloaded newer image for toolbox:latest")
                .and_then(|at| t[at..].lines().nth(1))
                .is_some_and(|line| line.len() == 64 && line.chars().all(|c| c.is_ascii_hexdigit()))
        };
        browser.wait_text("#terminal-output", 60, pulled_then_id).await;
        browser.type_command("docker ps --format '{{.Names}}: {{.State}}'").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("spinner: running")).await;
        // Two containers at once: a shell writes a file while the spinner spins.
        browser
            .type_command("docker run --name writer toolbox sh -c 'echo made by sh > /tmp/note; cat /tmp/note'")
            .await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("made by sh")).await;
        browser.type_command("docker stop -t 1 spinner").await;
        browser.type_command("docker ps -a --format '{{.Names}} {{.Status}}'").await;
        let out = browser.wait_text("#terminal-output", 30, |t| t.contains("spinner Exited (137)")).await;
        assert!(out.contains("writer Exited (0)"), "{out}");
        browser.type_command("docker diff writer").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("A /tmp/note")).await;
        // A --rm container's last words are printed before it is gone.
        browser.type_command("docker run --rm toolbox echo bye from a removed container").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("bye from a removed container")).await;
        browser.screenshot("terminal-workers").await;
        browser.close().await;
    });
}

#[test]
fn run_it_is_a_shell_in_the_terminal() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        browser.type_command("docker run -it --name talk toolbox sh").await;
        // With a terminal, the shell prompts; what is typed then goes to it, not to docker.
        browser.wait_text("#terminal-output", 60, |t| t.contains("/ # ")).await;
        browser.type_command("echo hello from the terminal > /tmp/said; cat /tmp/said").await;
        browser.wait_text("#terminal-output", 30, |t| t.matches("hello from the terminal").count() >= 2).await;
        browser.type_command("exit 5").await;
        browser.type_command("docker ps -a --format '{{.Names}} {{.Status}}'").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("talk Exited (5)")).await;

        // Ctrl-D ends a container's input, as at a real terminal.
        browser.type_command("docker run -i --rm toolbox wc -l").await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        browser.type_command("one").await;
        browser.type_command("two").await;
        browser.press("\u{E009}d").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l.trim() == "2")).await;
        browser.screenshot("terminal-interactive").await;
        browser.close().await;
    });
}

/// How many lines of `docker logs NAME` the terminal shows after clearing it.
async fn logged_lines(browser: &Browser, name: &str, word: &str) -> usize {
    browser.press("\u{E009}l").await;
    browser.type_command(&format!("docker logs {name}")).await;
    let marker = format!("docker logs {name}");
    let text = browser.wait_text("#terminal-output", 30, |t| t.contains(&marker) && t.contains(word)).await;
    text.lines().filter(|l| l.trim() == word).count()
}

#[test]
fn pause_freezes_a_container_in_its_worker() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser
            .type_command("docker run -d --name ticker toolbox sh -c 'while true; do echo tick; sleep 0.1; done'")
            .await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Status: Downloaded newer image")).await;
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        browser.type_command("docker pause ticker").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("docker pause ticker\nticker")).await;
        let frozen = logged_lines(&browser, "ticker", "tick").await;
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        assert_eq!(logged_lines(&browser, "ticker", "tick").await, frozen, "no ticks while paused");
        browser.type_command("docker unpause ticker").await;
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        assert!(logged_lines(&browser, "ticker", "tick").await > frozen, "ticking again");
        browser.type_command("docker rm -f ticker").await;
        browser.close().await;
    });
}

/// Pastes text into the terminal as the browser does for Ctrl-V: a paste event on the element
/// that has the focus, which xterm.js hands on (bracketed, since the terminal asks for it).
const PASTE: &str = "const data = new DataTransfer(); data.setData('text/plain', arguments[0]); \
    document.getElementById('terminal-input').dispatchEvent( \
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));";

/// Whether xterm.js drew `text` in red (ANSI colour 1), rather than printing its escape codes.
const DRAWN_RED: &str = "return [...document.querySelectorAll('#terminal .xterm-rows span')] \
    .some(s => s.textContent.includes(arguments[0]) && s.classList.contains('xterm-fg-1'));";

#[test]
fn the_terminal_completes_searches_stops_and_draws_colour() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;

        // Tab completes a command word, then an image from Docker Hub that is not pulled yet.
        browser.press("docker ru\u{E004}hello-w\u{E004}").await;
        browser.wait_screen(10, |s| s.lines().any(|l| l.trim_end() == "dockyard$ docker run hello-world")).await;
        browser.press("\u{E007}").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Hello from Dockyard!")).await;

        // Two Tabs list what fits, as a shell does; Ctrl-U empties the line.
        browser.press("docker volume \u{E004}\u{E004}").await;
        browser.wait_screen(10, |s| s.contains("create") && s.contains("inspect") && s.contains("prune")).await;
        browser.press("\u{E009}u").await;

        // Ctrl-R finds the last command holding what is typed; Enter runs it.
        browser.press("\u{E009}r\u{E000}hello").await;
        browser.wait_screen(10, |s| s.contains("(reverse-i-search)`hello': docker run hello-world")).await;
        browser.press("\u{E007}").await;
        browser.wait_text("#terminal-output", 60, |t| t.matches("Hello from Dockyard!").count() == 2).await;

        // Ctrl-C stops the container in the foreground, which dies of SIGINT: 128 + 2.
        browser.type_command("docker run --name sleeper toolbox sleep 600").await;
        browser.wait_text("#terminal-output", 60, |t| t.contains("Downloaded newer image for toolbox")).await;
        let terminal = browser.client.find(Locator::Css("#terminal")).await.expect("the terminal");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while terminal.attr("data-running").await.ok().flatten().as_deref() != Some("true") {
            assert!(std::time::Instant::now() < deadline, "the sleeper never ran");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        browser.press("\u{E009}c").await;
        browser.wait_screen(10, |s| s.contains("^C")).await;
        browser.type_command("docker ps -a --format '{{.Names}} {{.Status}}'").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("sleeper Exited (130)")).await;

        // A pasted block runs line by line, as in a shell; what follows the last newline waits.
        browser
            .client
            .execute(
                PASTE,
                vec![serde_json::json!(
                    "docker volume create pasted-one\ndocker volume create pasted-two\ndocker volume l"
                )],
            )
            .await
            .expect("paste");
        browser.wait_text("#terminal-output", 30, |t| t.contains("\npasted-two")).await;
        browser.wait_screen(10, |s| s.lines().any(|l| l.trim_end() == "dockyard$ docker volume l")).await;
        browser.press("s\u{E007}").await;
        browser.wait_text("#terminal-output", 30, |t| t.contains("local     pasted-one")).await;

        // A program's colours are drawn, not printed as escape codes.
        browser.type_command(r"docker run --rm toolbox printf '\033[31mred alert\033[0m\n'").await;
        // The command line shows the escapes as typed; the program's own line shows only the words.
        browser.wait_screen(30, |s| s.lines().any(|l| l.trim() == "red alert")).await;
        let red = browser.client.execute(DRAWN_RED, vec![serde_json::json!("red alert")]).await.expect("script");
        assert_eq!(red, serde_json::json!(true), "the text is drawn in red");
        browser.screenshot("terminal-xterm").await;
        browser.close().await;
    });
}
