//! Permalinks: a Share button that makes a link (`#lesson=volumes&step=1&run=...&check=...`) to
//! the lesson, its step and the commands typed so far, and the page's reading of such a link.
//! The lesson goes by its id, so a link still opens its lesson once lessons are added or
//! renumbered; a link that gives a number, as links did before, counts lessons from 1.
//!
//! A link opens in a fresh engine that runs its commands in order, as Run buttons do. The session
//! this browser kept is left as it was: the page does not keep the shared session (a reload
//! without the link brings the learner's own back), and a note in the terminal says so. The
//! `check` at the end is a checksum of what comes before it, so a link cut short by a chat
//! program or a careless copy is told apart from one that asks for fewer commands.

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

/// What a link reproduces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The lesson, counted from 0 (links count from 1, as the page does).
    pub lesson: usize,
    /// The lesson's section, counted from 0.
    pub step: usize,
    pub commands: Vec<String>,
}

/// Why a link could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("it has no {0} part")]
    Missing(&'static str),
    #[error("its {0} is not a number from 1 up")]
    NotANumber(&'static str),
    #[error("it names lesson {0}, and there are {1}")]
    NoSuchLesson(usize, usize),
    #[error("it names a lesson {0:?}, which this Dockyard does not have")]
    UnknownLesson(String),
    #[error("its commands are not URL-encoded text")]
    BadEncoding,
    #[error("it is incomplete or was changed (its checksum does not match): it may have been cut short")]
    Checksum,
}

/// The characters a fragment carries as they are; everything else is `%XX`-encoded.
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub fn percent_decode(text: &str) -> Result<String, LinkError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                let hex = bytes.get(at + 1..at + 3).ok_or(LinkError::BadEncoding)?;
                let hex = std::str::from_utf8(hex).map_err(|_| LinkError::BadEncoding)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| LinkError::BadEncoding)?);
                at += 3;
            }
            b'+' => {
                out.push(b' ');
                at += 1;
            }
            byte => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| LinkError::BadEncoding)
}

/// FNV-1a, 32 bits: enough to notice a link cut short, and short enough to keep links short.
fn checksum(text: &str) -> String {
    let hash = text.bytes().fold(0x811c_9dc5u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    format!("{hash:08x}")
}

/// The fragment for a link to the lesson `id`, without its `#`. Commands are one per line in
/// `run`.
pub fn encode(link: &Link, id: &str) -> String {
    let mut body = format!("lesson={}&step={}", percent_encode(id), link.step + 1);
    if !link.commands.is_empty() {
        body.push_str("&run=");
        body.push_str(&percent_encode(&link.commands.join("\n")));
    }
    let check = checksum(&body);
    format!("{body}&check={check}")
}

/// Whether a fragment (with or without its `#`) is meant as a link at all.
pub fn is_link(fragment: &str) -> bool {
    let fragment = fragment.trim_start_matches('#');
    fragment.starts_with("lesson=")
}

/// Reads a link's fragment, for a page whose lessons have these ids, in order.
pub fn decode(fragment: &str, ids: &[String]) -> Result<Link, LinkError> {
    let fragment = fragment.trim_start_matches('#');
    let (body, check) = fragment.rsplit_once("&check=").ok_or(LinkError::Checksum)?;
    if checksum(body) != check.to_ascii_lowercase() {
        return Err(LinkError::Checksum);
    }
    let field = |name: &'static str| body.split('&').find_map(|part| part.strip_prefix(name)?.strip_prefix('='));
    let number = |name: &'static str| -> Result<usize, LinkError> {
        let value = field(name).ok_or(LinkError::Missing(name))?;
        value.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| n - 1).ok_or(LinkError::NotANumber(name))
    };
    let named = percent_decode(field("lesson").ok_or(LinkError::Missing("lesson"))?)?;
    let lesson = match named.parse::<usize>() {
        // A link made before lessons went by id.
        Ok(_) => number("lesson").and_then(|at| match at < ids.len() {
            true => Ok(at),
            false => Err(LinkError::NoSuchLesson(at + 1, ids.len())),
        })?,
        Err(_) => ids.iter().position(|id| *id == named).ok_or(LinkError::UnknownLesson(named))?,
    };
    let step = number("step")?;
    let commands = match field("run") {
        None => Vec::new(),
        Some(run) => {
            percent_decode(run)?.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_string).collect()
        }
    };
    Ok(Link { lesson, step, commands })
}

/// A link the page opened with, read before the first render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// A good link: the page starts fresh and runs its commands.
    Link(Link),
    /// A link that could not be read: the page opens as it would have, with this note.
    Bad(String),
}

/// The link in the page's address, if there is one. A good link is taken out of the address,
/// so that a reload returns to the learner's own session, as the note promises.
pub fn opening(ids: &[String]) -> Option<Opening> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    if !is_link(&hash) {
        return None;
    }
    Some(match decode(&hash, ids) {
        Ok(link) => {
            if let (Ok(history), Ok(path)) = (window.history(), window.location().pathname()) {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
            }
            Opening::Link(link)
        }
        Err(why) => Opening::Bad(format!(
            "The link this page was opened with could not be used: {why}. Nothing from it was run, and your \
             session is as you left it."
        )),
    })
}

/// The terminal's note for a good link.
pub fn opened_note(link: &Link) -> String {
    let runs = match link.commands.len() {
        0 => "It names no commands.".to_string(),
        1 => "Its 1 command runs now.".to_string(),
        n => format!("Its {n} commands run now, in order."),
    };
    format!(
        "Opened a shared link in a fresh engine, not your session. {runs} Your own session is still kept in this \
         browser, untouched: reload this page to go back to it. This shared session is not kept; Save session \
         keeps it as a file."
    )
}

/// The page's address without its fragment, which a link goes after.
fn base_url() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(href.split('#').next().unwrap_or_default().to_string())
}

/// Puts text on the clipboard; why not, if the browser refuses (no permission, no focus).
async fn copy(text: &str) -> Result<(), String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).map_err(|_| "no clipboard")?;
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("this browser has no clipboard here")?;
    let promise = write
        .call1(&clipboard, &text.into())
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
        .ok_or("the clipboard refused")?;
    wasm_bindgen_futures::JsFuture::from(promise).await.map(drop).map_err(|_| "the browser did not allow it".into())
}

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub lesson: usize,
    /// The lesson's id, which the link names it by.
    pub id: String,
    pub step: usize,
    pub history: Vec<String>,
}

/// The Share button, and the link it made in a field to select, with whether it was copied.
#[function_component(Share)]
pub fn share(props: &ShareProps) -> Html {
    // The link shown, and what became of copying it.
    let shown = use_state(|| None::<(Rc<str>, String)>);
    let field = use_node_ref();
    let onclick = {
        let (shown, link, id) = (
            shown.clone(),
            Link { lesson: props.lesson, step: props.step, commands: props.history.clone() },
            props.id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let url: Rc<str> = format!("{}#{}", base_url().unwrap_or_default(), encode(&link, &id)).into();
            shown.set(Some((url.clone(), "Copying…".into())));
            let shown = shown.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let status = match copy(&url).await {
                    Ok(()) => "Copied to the clipboard.".to_string(),
                    Err(why) => format!("Not copied ({why}): select the link and copy it."),
                };
                shown.set(Some((url, status)));
            });
        })
    };
    // The field's text is selected as it appears, ready for Ctrl-C.
    {
        let field = field.clone();
        let url = shown.as_ref().map(|(url, _)| url.clone());
        use_effect_with(url, move |url| {
            if url.is_some() {
                if let Some(input) = field.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }
    let close = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(None))
    };
    let onkeydown = {
        let shown = shown.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                shown.set(None);
            }
        })
    };
    html! {
        <div class="share">
            <button id="share-button" {onclick}
                title="Make a link to this lesson, its step and the commands typed so far">{ "Share" }</button>
            if let Some((url, status)) = (*shown).clone() {
                <div class="share-panel" role="group" aria-label="Link to share" {onkeydown}>
                    <label for="share-link">{ "Link" }</label>
                    <input id="share-link" ref={field} type="text" readonly=true value={url.to_string()} />
                    <span id="share-status" class="share-status" role="status">{ status }</span>
                    <button id="share-close" onclick={close} aria-label="Close the link">{ "✕" }</button>
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> Link {
        Link {
            lesson: 1,
            step: 0,
            commands: vec![
                "docker run hello-world".into(),
                "docker run toolbox sh -c 'echo a & echo b; echo \"#1 100%\"'".into(),
                "docker ps -a --format '{{.Names}} ✓'".into(),
            ],
        }
    }

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn links_carry_their_lesson_by_id_and_their_commands_exactly() {
        let fragment = encode(&link(), "boxes");
        assert!(fragment.starts_with("lesson=boxes&step=1&run=docker%20run%20hello-world%0Adocker"), "{fragment}");
        // Nothing in it needs escaping again in a URL.
        assert!(fragment.bytes().all(|b| unreserved(b) || b"%&=".contains(&b)), "{fragment}");
        let lessons = ids(&["first-container", "boxes"]);
        assert_eq!(decode(&format!("#{fragment}"), &lessons), Ok(link()));
        // A lesson added before it moves it on; the link still opens it.
        let more = ids(&["intro", "first-container", "boxes"]);
        assert_eq!(decode(&fragment, &more), Ok(Link { lesson: 2, ..link() }));
        let empty = Link { lesson: 0, step: 2, commands: vec![] };
        assert_eq!(decode(&encode(&empty, "first-container"), &lessons), Ok(empty));
    }

    #[test]
    fn links_made_before_ids_still_count_lessons_from_one() {
        let body = "lesson=2&step=1";
        let old = format!("{body}&check={}", checksum(body));
        assert_eq!(decode(&old, &ids(&["a", "b"])), Ok(Link { lesson: 1, step: 0, commands: vec![] }));
        assert_eq!(decode(&old, &ids(&["a"])), Err(LinkError::NoSuchLesson(2, 1)));
    }

    #[test]
    fn cut_or_changed_links_are_refused() {
        let lessons = ids(&["first-container", "boxes"]);
        let fragment = encode(&link(), "boxes");
        for cut in [10, fragment.len() / 2, fragment.len() - 1] {
            assert_eq!(decode(&fragment[..cut], &lessons), Err(LinkError::Checksum), "cut at {cut}");
        }
        let changed = fragment.replace("hello-world", "hello-earth");
        assert_eq!(decode(&changed, &lessons), Err(LinkError::Checksum));
        assert_eq!(decode(&fragment, &ids(&["first-container"])), Err(LinkError::UnknownLesson("boxes".into())));
        let body = "lesson=0&step=1";
        assert_eq!(decode(&format!("{body}&check={}", checksum(body)), &lessons), Err(LinkError::NotANumber("lesson")));
        let body = "lesson=1&run=%ZZ";
        assert_eq!(decode(&format!("{body}&check={}", checksum(body)), &lessons), Err(LinkError::Missing("step")));
        let body = "lesson=1&step=1&run=%ff";
        assert_eq!(decode(&format!("{body}&check={}", checksum(body)), &lessons), Err(LinkError::BadEncoding));
    }

    #[test]
    fn only_lesson_fragments_are_links() {
        assert!(is_link("#lesson=1&step=1"));
        assert!(!is_link("#top"));
        assert!(!is_link(""));
    }
}
