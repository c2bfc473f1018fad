//! Files between the learner's computer and the page: a file picker that stands in for the host
//! paths `docker load -i` and `docker cp` read, and downloads for the ones they write.
//!
//! A page cannot open a path on the learner's disk, so a command that reads one shows a small
//! dialog with a file chooser, and waits until a file is chosen or the dialog is cancelled.

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, HtmlElement, HtmlInputElement};

/// A file the learner chose: its path (inside the chosen folder, for a folder) and its bytes.
pub struct Chosen {
    pub path: String,
    pub bytes: Vec<u8>,
    /// When it last changed, in milliseconds since the epoch.
    pub modified: f64,
}

fn js(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

fn document() -> Result<Document, String> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| "no document".to_string())
}

/// Asks the learner for a file, explaining why with `reason`. `None` if they cancel.
pub async fn choose_file(reason: &str) -> Result<Option<Chosen>, String> {
    Ok(choose(reason, false).await?.and_then(|mut files| files.pop()))
}

/// Asks the learner for a folder (`docker build`'s context); its files, with their paths inside
/// it. `None` if they cancel.
pub async fn choose_folder(reason: &str) -> Result<Option<Vec<Chosen>>, String> {
    choose(reason, true).await
}

async fn choose(reason: &str, folder: bool) -> Result<Option<Vec<Chosen>>, String> {
    let document = document()?;
    let body = document.body().ok_or("no body")?;
    let dialog: HtmlElement = document.create_element("div").map_err(js)?.unchecked_into();
    dialog.set_class_name("upload-dialog");
    dialog.set_attribute("role", "dialog").map_err(js)?;
    dialog.set_attribute("aria-label", "Choose a file").map_err(js)?;
    let text = document.create_element("p").map_err(js)?;
    text.set_text_content(Some(reason));
    let input: HtmlInputElement = document.create_element("input").map_err(js)?.unchecked_into();
    input.set_type("file");
    input.set_id("upload-input");
    if folder {
        input.set_attribute("webkitdirectory", "").map_err(js)?;
    }
    let cancel: HtmlElement = document.create_element("button").map_err(js)?.unchecked_into();
    cancel.set_text_content(Some("Cancel"));
    cancel.set_id("upload-cancel");
    dialog.append_with_node_3(&text, &input, &cancel).map_err(js)?;
    body.append_child(&dialog).map_err(js)?;

    // Whichever happens first, a chosen file or a cancel, settles the wait.
    let (sender, receiver) = oneshot::channel::<bool>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let settle = |chosen: bool| {
        let sender = sender.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(s) = sender.borrow_mut().take() {
                let _ = s.send(chosen);
            }
        })
    };
    let on_change = settle(true);
    let on_cancel = settle(false);
    let on_escape = {
        let sender = sender.clone();
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if e.key() == "Escape" {
                if let Some(s) = sender.borrow_mut().take() {
                    let _ = s.send(false);
                }
            }
        })
    };
    input.set_onchange(Some(on_change.as_ref().unchecked_ref()));
    // A picker closed without a choice leaves the dialog up, so the learner can try again; only
    // the Cancel button or Escape gives up.
    cancel.set_onclick(Some(on_cancel.as_ref().unchecked_ref()));
    dialog.set_onkeydown(Some(on_escape.as_ref().unchecked_ref()));
    let _ = input.focus();
    // Opening the picker straight away works while the keypress or click that ran the command
    // still counts as the learner's gesture; otherwise the dialog's own chooser is there.
    input.click();

    let chosen = receiver.await.unwrap_or(false);
    dialog.remove();
    let files = input.files();
    let (Some(files), true) = (files, chosen) else { return Ok(None) };
    let mut out = Vec::new();
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let buffer = JsFuture::from(file.array_buffer()).await.map_err(js)?;
        // A folder's files carry their path from the folder's own name down.
        let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into()).ok().and_then(|v| v.as_string());
        let path = match relative.filter(|p| !p.is_empty()) {
            Some(path) => path.split_once('/').map(|(_, rest)| rest.to_string()).unwrap_or(path),
            None => file.name(),
        };
        out.push(Chosen { path, bytes: js_sys::Uint8Array::new(&buffer).to_vec(), modified: file.last_modified() });
    }
    if out.is_empty() && !folder {
        return Ok(None);
    }
    Ok(Some(out))
}

/// Offers `bytes` to the learner as a download named `name`.
pub fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let link: web_sys::HtmlAnchorElement = document()?.create_element("a").map_err(js)?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url).map_err(js)
}

/// The last element of a path, for naming a download (`/tmp/out.tar` gives `out.tar`).
pub fn file_name(path: &str) -> Option<&str> {
    path.rsplit('/').find(|p| !p.is_empty() && *p != "." && *p != "..")
}
