//! The Dockerfile tab: editing the build context in the page, hints as the learner types, and
//! the Build button, whose `docker build .` reads the edited files; they outlive a reload.

use fantoccini::key::Key;
use fantoccini::Locator;

use crate::harness::{block_on, Browser, Server};

/// Replaces everything in the editor with `text`, typed as a learner types it.
async fn retype(browser: &Browser, text: &str) {
    let editor = browser.client.find(Locator::Css("#editor-input")).await.expect("the editor");
    let select_all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
    editor.send_keys(&select_all).await.expect("select all");
    editor.send_keys(text).await.expect("typing");
}

async fn editor_text(browser: &Browser) -> String {
    let editor = browser.client.find(Locator::Css("#editor-input")).await.expect("the editor");
    editor.prop("value").await.expect("its value").unwrap_or_default()
}

/// Records the page's uncaught exceptions: one thrown through the app's wasm leaves Yew's
/// scheduler stuck, and the page silently stops updating.
const WATCH_ERRORS: &str =
    "window.__errors = []; window.addEventListener('error', e => window.__errors.push(String(e.message)));";

/// Whether each line of the coloured copy starts where the textarea draws that line: the same
/// font, the text's left edge at the textarea's content edge, one line height apart.
const ALIGNED: &str = "
    const area = document.getElementById('editor-input');
    const style = getComputedStyle(area);
    const backdrop = document.querySelector('.code-backdrop');
    if (getComputedStyle(backdrop).font !== style.font) return 'fonts differ: ' + getComputedStyle(backdrop).font + ' vs ' + style.font;
    const box = area.getBoundingClientRect();
    const left = box.left + area.clientLeft + parseFloat(style.paddingLeft) - area.scrollLeft;
    const top = box.top + area.clientTop + parseFloat(style.paddingTop) - area.scrollTop;
    const height = parseFloat(style.lineHeight);
    const lines = [...document.querySelectorAll('.code-backdrop .code-line')];
    for (const [i, line] of lines.entries()) {
        if (!line.textContent) continue;
        const range = document.createRange();
        range.selectNodeContents(line);
        const r = range.getBoundingClientRect();
        if (Math.abs(r.left - left) > 0.5 || Math.abs(line.getBoundingClientRect().top - (top + i * height)) > 0.5)
            return `line ${i + 1} is at ${r.left},${line.getBoundingClientRect().top}, not ${left},${top + i * height}`;
    }
    return 'aligned';
";

#[test]
fn the_dockerfile_tab_edits_hints_and_builds_the_context() {
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.client.execute(WATCH_ERRORS, vec![]).await.expect("error watch installed");

        let tab = browser.client.find(Locator::Css("#tab-dockerfile")).await.expect("the Dockerfile tab");
        tab.click().await.expect("open it");
        browser.client.wait().for_element(Locator::Css("#editor-input")).await.expect("the editor");
        let files = browser.wait_text(".file-list", 10, |t| t.contains("Dockerfile") && t.contains("index.html")).await;
        assert!(files.contains("index.html"), "{files}");
        assert!(editor_text(&browser).await.contains("FROM toolbox:1"));
        browser.wait_text("#editor-hints", 10, |t| t.contains("No hints")).await;
        // The sample is coloured: its instructions are keywords, its exec-form command strings.
        let keywords = browser.client.find_all(Locator::Css(".code-backdrop .hl-keyword")).await.expect("keywords");
        assert!(keywords.len() >= 6, "{} keywords coloured", keywords.len());
        browser.screenshot("dockerfile-sample").await;

        // A line Docker cannot read shows as an error with its line and column.
        retype(&browser, "FROM toolbox:1\nRUNN echo\n").await;
        let error = browser.wait_text("#editor-hints", 10, |t| t.contains("unknown instruction")).await;
        assert!(error.contains("Line 2, column 1"), "{error}");
        assert!(browser.client.find(Locator::Css(".gutter .ln.error")).await.is_ok(), "the line is marked");

        // A shell-form CMD gets its hint, marked on its line, once typing pauses.
        retype(
            &browser,
            "FROM toolbox:1\nWORKDIR /site\nCOPY index.html .\nRUN echo built > /built\nUSER 1000\nCMD cat index.html",
        )
        .await;
        let hints = browser.wait_text("#editor-hints", 10, |t| t.contains("JSONArgsRecommended")).await;
        assert!(hints.contains("Line 6"), "{hints}");
        let marked = browser.client.find(Locator::Css(".gutter .ln.hint")).await.expect("a marked line");
        assert_eq!(marked.text().await.expect("its number").trim_start_matches('●').trim(), "6");
        let title = marked.attr("title").await.expect("title").unwrap_or_default();
        assert!(title.contains("CMD in shell form"), "the message on hover: {title}");
        // The coloured copy lies exactly under the textarea's text, the hinted line included.
        let aligned = browser.client.execute(ALIGNED, vec![]).await.expect("measured");
        assert_eq!(aligned, serde_json::json!("aligned"));
        browser.screenshot("dockerfile-editor").await;

        // Build types its command; `.` is the tab's files.
        browser.client.find(Locator::Css("#build-button")).await.expect("Build").click().await.expect("press it");
        let out = browser.wait_text("#terminal-output", 90, |t| t.contains("Successfully tagged myapp:latest")).await;
        assert!(out.contains("docker build -t myapp ."), "{out}");
        assert!(out.contains("Step 4/6 : RUN echo built > /built"), "{out}");
        browser.type_command("docker run --rm myapp cat /built").await;
        browser.wait_text("#terminal-output", 30, |t| t.lines().any(|l| l == "built")).await;
        browser.client.find(Locator::Css("#tab-images")).await.expect("Images").click().await.expect("open it");
        browser.wait_text(".stacks", 10, |t| t.contains("myapp:latest")).await;
        browser.screenshot("dockerfile-built").await;

        // The files outlive a reload, and Ctrl-Enter in the editor builds them again.
        let errors = browser.client.execute("return window.__errors", vec![]).await.expect("errors");
        assert_eq!(errors, serde_json::json!([]), "an exception stops the page's updates");
        browser.client.refresh().await.expect("reload");
        browser
            .client
            .wait()
            .for_element(Locator::Css("#tab-dockerfile"))
            .await
            .expect("the tab")
            .click()
            .await
            .expect("open it");
        browser.client.wait().for_element(Locator::Css("#editor-input")).await.expect("the editor");
        browser.client.execute(WATCH_ERRORS, vec![]).await.expect("error watch installed");
        assert!(editor_text(&browser).await.contains("RUN echo built > /built"));
        let editor = browser.client.find(Locator::Css("#editor-input")).await.expect("the editor");
        editor
            .send_keys(&format!("{}{}{}", char::from(Key::Control), char::from(Key::Enter), char::from(Key::Null)))
            .await
            .expect("Ctrl-Enter");
        browser.wait_text("#terminal-output", 90, |t| t.matches("Successfully tagged myapp:latest").count() == 1).await;

        // A new file joins the context and opens; a deletion asks first.
        browser.client.find(Locator::Css("#file-new")).await.expect("New file").click().await.expect("press it");
        let name = browser.client.wait().for_element(Locator::Css("#file-name")).await.expect("the name field");
        name.send_keys("site/notes.txt\u{E007}").await.expect("name it");
        browser.wait_text(".file-list", 10, |t| t.contains("site/notes.txt")).await;
        let label =
            browser.client.find(Locator::Css("#editor-input")).await.expect("the editor").attr("aria-label").await;
        assert_eq!(label.expect("a label").as_deref(), Some("Contents of site/notes.txt"));
        // Tab indents to the next stop with spaces; Escape, then Tab, leaves the editor.
        let editor = browser.client.find(Locator::Css("#editor-input")).await.expect("the editor");
        editor.send_keys(&format!("a{}b", char::from(Key::Tab))).await.expect("typing");
        assert_eq!(editor_text(&browser).await, "a   b");
        editor.send_keys(&format!("{}{}", char::from(Key::Escape), char::from(Key::Tab))).await.expect("leaving");
        let focused = browser.client.execute("return document.activeElement.id", vec![]).await.expect("focus");
        assert_ne!(focused, serde_json::json!("editor-input"));
        assert_eq!(editor_text(&browser).await, "a   b");
        browser.client.find(Locator::Css("#file-delete")).await.expect("Delete").click().await.expect("press it");
        let confirm =
            browser.client.wait().for_element(Locator::Css("#file-delete-confirm")).await.expect("the question");
        confirm.click().await.expect("yes");
        browser.wait_text(".file-list", 10, |t| !t.contains("notes.txt")).await;
        let errors = browser.client.execute("return window.__errors", vec![]).await.expect("errors");
        assert_eq!(errors, serde_json::json!([]), "an exception stops the page's updates");
        browser.close().await;
    });
}
