//! Drives the engine for one command line: the engine decides, the page runs the process.

use std::cell::RefCell;
use std::rc::Rc;

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{Ctx, Engine, Reply, Step, Timestamp};

use crate::runtime::{self, BrowserEntropy};

/// The engine of this page, with the built-in images compiled into the app.
pub fn new_engine() -> Engine {
    let programs = dockyard_workloads::ALL.iter().fold(Programs::default(), |p, (name, bytes)| p.with(name, bytes));
    match builtin::docker_hub(&programs) {
        Ok(hub) => Engine::new(hub),
        // The programs are compiled in, so this only happens with a broken build; an empty hub
        // still leaves a usable terminal that says what is wrong when an image is pulled.
        Err(_) => Engine::new(Default::default()),
    }
}

/// Offers `bytes` to the learner as a file download named after the last part of `path`.
fn download(path: &str, bytes: &[u8]) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let name = path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("image.tar");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/x-tar");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(js)?.dyn_into().map_err(|_| "no anchor element".to_string())?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url).map_err(js)
}

fn now() -> Timestamp {
    Timestamp((js_sys::Date::now() * 1e6) as u64)
}

/// Runs `line`, sending output to `emit` as it becomes known, and returns the exit code.
pub async fn execute(engine: Rc<RefCell<Engine>>, line: &str, emit: impl Fn(Stream, String)) -> i32 {
    let print = |reply: &Reply| {
        if !reply.stdout.is_empty() {
            emit(Stream::Stdout, reply.stdout.clone());
        }
        if !reply.stderr.is_empty() {
            emit(Stream::Stderr, reply.stderr.clone());
        }
    };
    let step = engine.borrow_mut().execute(line, &mut Ctx { now: now(), entropy: &mut BrowserEntropy });
    let reply = match step {
        Step::Done(reply) => reply,
        Step::Launch(launch) => {
            print(&launch.before);
            let outcome = runtime::run(&launch.process).await;
            for (stream, bytes) in &outcome.output {
                emit(*stream, String::from_utf8_lossy(bytes).into_owned());
            }
            let mut ctx = Ctx { now: now(), entropy: &mut BrowserEntropy };
            engine.borrow_mut().exited(&launch.process.container, outcome, &mut ctx)
        }
        // The page cannot write into the learner's folders; it hands the archive to the browser
        // as a download under the name given with -o.
        Step::Write { path, bytes, then } => match download(&path, &bytes.0) {
            Ok(()) => then,
            Err(e) => Reply::err(format!("failed to save image: {e}"), 1),
        },
        Step::Read { path } => Reply::err(
            format!(
                "open {path}: this browser terminal cannot read files from your computer yet; run `dockyard load -i {path}` in a shell instead"
            ),
            1,
        ),
    };
    print(&reply);
    reply.exit_code
}
