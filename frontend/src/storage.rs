//! The session kept in this browser's IndexedDB and carried in a file: the engine's saved state,
//! the terminal's command history, the lesson open and the progress through the lessons, so a reload (or another computer) picks
//! up where the learner left off.
//!
//! One text serves both: the record in IndexedDB is exactly the file Save session downloads, so
//! a file that loads is one the page could have kept, and the other way round.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use dockyard_engine::container::ContainerStatus;
use dockyard_engine::registry::Registry;
use dockyard_engine::{Engine, Timestamp};
use futures_channel::oneshot;
use futures_util::future::{select, Either};
use serde::Deserialize;
use serde_json::value::RawValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DomException, IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::progress::Progress;

/// What a session file says it is, so that other JSON is turned away before it is read further.
const KIND: &str = "dockyard-session";
/// The file's own layout; the engine's state inside it carries a version of its own.
const FORMAT: u32 = 1;
/// The database, its one object store, and the key of the session in it.
const DATABASE: &str = "dockyard";
const STORE: &str = "state";
const CURRENT: &str = "session";
/// How long the page waits for IndexedDB to open before it carries on without it, so a browser
/// that never answers cannot keep the terminal from showing.
const OPEN_TIMEOUT_MS: i32 = 5_000;
/// The name Save session gives its download.
pub const FILE_NAME: &str = "dockyard-session.json";

/// A session read back: an engine ready to use, the commands typed, the lesson that was open.
pub struct Session {
    pub engine: Engine,
    pub history: Vec<String>,
    pub lesson: usize,
    pub progress: Progress,
}

#[derive(Deserialize)]
struct File<'a> {
    kind: String,
    format: u32,
    #[serde(default)]
    lesson: usize,
    /// The lesson's id, which wins over its number: absent from sessions kept before lessons went
    /// by id, and a lesson added or renumbered since moves the number.
    #[serde(default)]
    lesson_id: Option<String>,
    #[serde(default)]
    history: Vec<String>,
    /// Absent from sessions kept before lessons had progress.
    #[serde(default)]
    progress: Progress,
    #[serde(borrow)]
    engine: &'a RawValue,
}

/// The session as text: the engine's saved state goes in as it is, not parsed and written again,
/// since it can be megabytes of layers. `None` if the engine could not be saved.
pub fn session_text(engine: &Engine, history: &[String], lesson: usize, progress: &Progress) -> Option<String> {
    let state = engine.save();
    let history = serde_json::to_string(history).ok()?;
    let progress = serde_json::to_string(progress).ok()?;
    let id = serde_json::to_string(&crate::markdown::ids().get(lesson)).ok()?;
    (!state.is_empty()).then(|| {
        format!(
            "{{\"kind\":\"{KIND}\",\"format\":{FORMAT},\"lesson\":{lesson},\"lesson_id\":{id},\
             \"history\":{history},\"progress\":{progress},\"engine\":{state}}}"
        )
    })
}

/// Reads a session's text, with `hub` as the engine's Docker Hub; why not, in a sentence's
/// middle, if it is not one this Dockyard can use.
pub fn read_session(text: &str, hub: Registry, now: Timestamp) -> Result<Session, String> {
    let file: File = serde_json::from_str(text).map_err(|e| format!("it is not a Dockyard session file ({e})"))?;
    if file.kind != KIND {
        return Err(format!("it is a {:?} file, not a {KIND:?} one", file.kind));
    }
    if file.format != FORMAT {
        return Err(format!("it has format {}, and this Dockyard reads format {FORMAT}", file.format));
    }
    let engine = Engine::restore(file.engine.get(), hub, now).map_err(|e| e.to_string())?;
    let by_id = file.lesson_id.and_then(|id| crate::markdown::ids().iter().position(|known| *known == id));
    Ok(Session { engine, history: file.history, lesson: by_id.unwrap_or(file.lesson), progress: file.progress })
}

/// What an engine holds, for a note: "2 images, 1 container". Images count as `docker images`
/// lists them: each tag, and each untagged image that is no other image's parent.
pub fn summary(engine: &Engine) -> String {
    let store = engine.images();
    // The engine's way to a set, which spares the page a sort for each element type.
    let parents = dockyard_engine::sort::set(store.images.values().filter_map(|i| i.parent));
    let tagged = dockyard_engine::sort::set(store.tags.values());
    let dangling = store.images.keys().filter(|id| !tagged.contains(id) && !parents.contains(id)).count();
    let images = store.tags.len() + dangling;
    let containers = engine.containers().len();
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(images, "image"), plural(containers, "container"))
}

/// How many of an engine's containers have a process now (running or paused).
pub fn running(engine: &Engine) -> usize {
    engine.containers().iter().filter(|c| c.state.status.can_exit()).count()
}

/// How many containers a restore at `now` stopped, since their processes did not survive.
fn stopped_by_restore(engine: &Engine, now: Timestamp) -> usize {
    engine
        .containers()
        .iter()
        .filter(|c| c.state.status == ContainerStatus::Exited && c.state.finished_at == Some(now))
        .count()
}

/// What the page opens with, for the app's first render to take: where it keeps the session,
/// the engine it kept (taken once), the commands typed and the lesson open then, and notes on how
/// opening went for the terminal.
pub struct Opened {
    pub storage: Storage,
    pub engine: RefCell<Option<Engine>>,
    pub history: Vec<String>,
    pub lesson: usize,
    pub progress: Progress,
    pub notes: Vec<String>,
}

impl Opened {
    fn fresh(storage: Storage, notes: Vec<String>) -> Opened {
        Opened {
            storage,
            engine: RefCell::new(None),
            history: Vec::new(),
            lesson: 0,
            progress: Progress::default(),
            notes,
        }
    }

    /// A shared link's opening: a fresh engine at the link's lesson, with storage left closed, so
    /// nothing this page does touches the session the browser kept.
    pub fn shared(lesson: usize, note: String) -> Opened {
        Opened { lesson, ..Opened::fresh(Storage::default(), vec![note]) }
    }
}

/// Opens the browser's storage and reads the session kept there. Never loses a kept state: one
/// that cannot be read back is first copied under a key of its own, and if even that fails the
/// page leaves the storage alone for the rest of its life.
pub async fn open(hub: Registry, now: Timestamp) -> Opened {
    let storage = match Storage::open().await {
        Ok(storage) => storage,
        Err(why) => return Opened::fresh(Storage::default(), vec![off_note(&why)]),
    };
    let text = match storage.load().await {
        Ok(Some(text)) => text,
        Ok(None) => return Opened::fresh(storage, Vec::new()),
        Err(why) => {
            // A state that cannot be read must not be overwritten either.
            storage.turn_off();
            return Opened::fresh(storage, vec![off_note(&why)]);
        }
    };
    match read_session(&text, hub, now) {
        Ok(session) => {
            let mut note = format!("Restored your session from this browser: {}.", summary(&session.engine));
            match stopped_by_restore(&session.engine, now) {
                0 => {}
                1 => note.push_str(" The container that was running is stopped now, as after a daemon restart."),
                n => note.push_str(&format!(
                    " The {n} containers that were running are stopped now, as after a daemon restart."
                )),
            }
            Opened {
                storage,
                engine: RefCell::new(Some(session.engine)),
                history: session.history,
                lesson: session.lesson,
                progress: session.progress,
                notes: vec![note],
            }
        }
        Err(why) => {
            let note = match storage.set_aside(&text).await {
                Ok(key) => format!(
                    "The session this browser kept could not be restored: {why}. Dockyard starts fresh; \
                     the old state is kept aside in this browser's IndexedDB (database {DATABASE:?}, key {key:?})."
                ),
                Err(e) => {
                    storage.turn_off();
                    format!(
                        "The session this browser kept could not be restored: {why}, nor kept aside ({e}). \
                         Dockyard starts fresh and leaves this browser's storage as it is, so nothing you do \
                         now is kept when you reload; Save session keeps it as a file."
                    )
                }
            };
            Opened::fresh(storage, vec![note])
        }
    }
}

/// The one note for a browser that cannot keep the session.
pub fn off_note(why: &str) -> String {
    format!("This browser cannot keep your session ({why}), so a reload starts fresh; Save session keeps it as a file.")
}

/// The one note for a write that failed after others succeeded.
pub fn failed_note(why: &str) -> String {
    format!(
        "Your session could not be kept in this browser ({why}). A reload brings back what was kept before, and \
         nothing more is kept from now on; Save session keeps it as a file."
    )
}

/// The page's IndexedDB database, while the browser lets Dockyard keep the session in it.
#[derive(Clone, Default)]
pub struct Storage(Rc<RefCell<Option<IdbDatabase>>>);

impl PartialEq for Storage {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A browser error in a few words: a DOMException's name and message, or whatever it carried.
fn describe(e: JsValue) -> String {
    if let Some(e) = e.dyn_ref::<DomException>() {
        return format!("{}: {}", e.name(), e.message());
    }
    if let Some(e) = e.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

fn exception(e: Option<DomException>, otherwise: &str) -> String {
    e.map_or_else(|| otherwise.to_string(), |e| describe(e.into()))
}

/// Event handlers set on an IndexedDB request or transaction, taken off again when dropped, so
/// an answer that comes after its waiter gave up finds no dropped closure to call.
struct Handlers<T: AsRef<JsValue>> {
    target: T,
    names: &'static [&'static str],
    _closures: Vec<Closure<dyn FnMut()>>,
}

impl<T: AsRef<JsValue>> Handlers<T> {
    /// Sets `on<name>` for each name to a closure that sends what `answer` makes of that event.
    fn new<R: 'static>(
        target: T,
        names: &'static [&'static str],
        answer: impl Fn(&str) -> R + Clone + 'static,
    ) -> (Self, oneshot::Receiver<R>) {
        let (sender, receiver) = oneshot::channel();
        let sender = Rc::new(RefCell::new(Some(sender)));
        let closures = names
            .iter()
            .map(|name| {
                let (sender, answer) = (sender.clone(), answer.clone());
                let closure = Closure::<dyn FnMut()>::new(move || {
                    if let Some(sender) = sender.borrow_mut().take() {
                        let _ = sender.send(answer(name));
                    }
                });
                let _ = js_sys::Reflect::set(target.as_ref(), &format!("on{name}").into(), closure.as_ref());
                closure
            })
            .collect();
        (Handlers { target, names, _closures: closures }, receiver)
    }
}

impl<T: AsRef<JsValue>> Drop for Handlers<T> {
    fn drop(&mut self) {
        for name in self.names {
            let _ = js_sys::Reflect::set(self.target.as_ref(), &format!("on{name}").into(), &JsValue::NULL);
        }
    }
}

/// What a request gives, or its error. The handlers are set now, not when the future is first
/// polled, so no event can come before them.
fn requested(request: &IdbRequest) -> impl Future<Output = Result<JsValue, String>> {
    let answer = {
        let request = request.clone();
        move |event: &str| match event {
            "success" => request.result().map_err(describe),
            _ => Err(exception(request.error().ok().flatten(), "the request failed")),
        }
    };
    let (handlers, receiver) = Handlers::new(request.clone(), &["success", "error"], answer);
    async move {
        let result = receiver.await.unwrap_or_else(|_| Err("the request was dropped".into()));
        drop(handlers);
        result
    }
}

/// Whether a transaction's writes were committed. The handlers are set now, as above.
fn committed(transaction: IdbTransaction) -> impl Future<Output = Result<(), String>> {
    let answer = {
        let transaction = transaction.clone();
        move |event: &str| match event {
            "complete" => Ok(()),
            _ => Err(exception(transaction.error(), "the write was aborted")),
        }
    };
    let (handlers, receiver) = Handlers::new(transaction, &["complete", "error", "abort"], answer);
    async move {
        let result = receiver.await.unwrap_or_else(|_| Err("the write was dropped".into()));
        drop(handlers);
        result
    }
}

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}

impl Storage {
    /// Opens (making it, the first time) the database, or says why the browser will not.
    async fn open() -> Result<Storage, String> {
        let window = web_sys::window().ok_or("no window")?;
        let factory = window.indexed_db().map_err(describe)?.ok_or("the browser has no IndexedDB")?;
        let request = factory.open_with_u32(DATABASE, 1).map_err(describe)?;
        let upgrade = {
            let request = request.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Some(db) = request.result().ok().and_then(|r| r.dyn_into::<IdbDatabase>().ok()) {
                    if !db.object_store_names().contains(STORE) {
                        let _ = db.create_object_store(STORE);
                    }
                }
            })
        };
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let opened = requested(&request);
        let timeout = sleep(OPEN_TIMEOUT_MS);
        let result = match select(Box::pin(opened), Box::pin(timeout)).await {
            Either::Left((result, _)) => result,
            Either::Right(_) => Err(format!("IndexedDB did not open within {} s", OPEN_TIMEOUT_MS / 1000)),
        };
        request.set_onupgradeneeded(None);
        let db = result?.dyn_into::<IdbDatabase>().map_err(|_| "IndexedDB opened something else".to_string())?;
        Ok(Storage(Rc::new(RefCell::new(Some(db)))))
    }

    fn db(&self) -> Result<IdbDatabase, String> {
        self.0.borrow().clone().ok_or_else(|| "the browser does not keep the session".to_string())
    }

    /// Whether the session is kept: the database opened and nothing has gone wrong since.
    pub fn available(&self) -> bool {
        self.0.borrow().is_some()
    }

    /// Stops keeping the session, after an error, so that it is reported once and a state the
    /// page could not read is never overwritten.
    pub fn turn_off(&self) {
        self.0.borrow_mut().take();
    }

    /// The kept session's text, if there is one.
    async fn load(&self) -> Result<Option<String>, String> {
        let db = self.db()?;
        let transaction = db.transaction_with_str(STORE).map_err(describe)?;
        let request = transaction.object_store(STORE).map_err(describe)?.get(&CURRENT.into()).map_err(describe)?;
        let value = requested(&request).await?;
        if value.is_undefined() {
            return Ok(None);
        }
        value.as_string().map(Some).ok_or_else(|| "the kept session is not text".to_string())
    }

    /// Starts writing `value` under `key` (or deleting the key). The transaction is made now, and
    /// IndexedDB runs transactions on a store in the order they were made, so the last change
    /// asked for is the one that stays.
    fn write(&self, key: &str, value: Option<&str>) -> Result<IdbTransaction, String> {
        let db = self.db()?;
        let transaction = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(describe)?;
        let store = transaction.object_store(STORE).map_err(describe)?;
        match value {
            Some(text) => store.put_with_key(&text.into(), &key.into()),
            None => store.delete(&key.into()),
        }
        .map_err(describe)?;
        Ok(transaction)
    }

    /// Keeps `text` as the session; resolves once it is committed.
    pub fn save(&self, text: &str) -> impl Future<Output = Result<(), String>> {
        let written = self.write(CURRENT, Some(text)).map(committed);
        async move { written?.await }
    }

    /// Forgets the kept session, as Reset does.
    pub fn forget(&self) -> impl Future<Output = Result<(), String>> {
        let written = self.write(CURRENT, None).map(committed);
        async move { written?.await }
    }

    /// Keeps a state that could not be restored under a key of its own, and returns the key.
    async fn set_aside(&self, text: &str) -> Result<String, String> {
        let stamp = String::from(js_sys::Date::new_0().to_iso_string());
        let key = format!("{CURRENT}-unreadable-{stamp}");
        committed(self.write(&key, Some(text))?).await?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use dockyard_engine::{Ctx, Seeded};

    use super::*;

    /// An engine with Dockyard's Docker Hub, its blobs at hand, that ran `commands`.
    fn engine(commands: &[&str]) -> Engine {
        let mut engine = Engine::new(crate::session::hub_with_blobs());
        let mut entropy = Seeded::new(7);
        for (i, line) in commands.iter().enumerate() {
            let mut ctx = Ctx { now: Timestamp(1 + i as u64), entropy: &mut entropy };
            let _ = engine.execute(line, &mut ctx);
        }
        engine
    }

    #[test]
    fn a_session_comes_back_as_it_was_written() {
        let before = engine(&["docker pull hello-world", "docker volume create data"]);
        let mut progress = Progress::default();
        progress.lesson("volumes", 1).done = vec![Some(1)];
        let text = session_text(&before, &["docker pull hello-world".into()], 2, &progress).expect("saved");
        let session = read_session(&text, crate::session::hub(), Timestamp(99)).expect("read back");
        assert_eq!(session.history, ["docker pull hello-world"]);
        assert_eq!(session.lesson, 2);
        assert_eq!(session.progress, progress);
        assert_eq!(session.engine.save(), before.save());
        assert_eq!(summary(&session.engine), "1 image, 0 containers");
    }

    #[test]
    fn a_session_reopens_its_lesson_by_id_when_lessons_have_moved() {
        let ids = crate::markdown::ids();
        let volumes = ids.iter().position(|id| id == "volumes").expect("a volumes lesson");
        let text = session_text(&engine(&[]), &[], volumes, &Progress::default()).expect("saved");
        assert!(text.contains("\"lesson_id\":\"volumes\""), "{text}");
        // Written when the lesson had another number: the id wins.
        let moved = text.replace(&format!("\"lesson\":{volumes},"), "\"lesson\":1,");
        assert_eq!(read_session(&moved, crate::session::hub(), Timestamp(9)).expect("read").lesson, volumes);
        // Kept before lessons went by id, or naming a lesson gone since: the number is all there is.
        let old = moved.replace("\"lesson_id\":\"volumes\",", "");
        assert_eq!(read_session(&old, crate::session::hub(), Timestamp(9)).expect("read").lesson, 1);
        let gone = moved.replace("\"lesson_id\":\"volumes\"", "\"lesson_id\":\"retired\"");
        assert_eq!(read_session(&gone, crate::session::hub(), Timestamp(9)).expect("read").lesson, 1);
    }

    #[test]
    fn other_files_are_turned_away_with_a_reason() {
        let read = |text: &str| read_session(text, Registry::default(), Timestamp(0)).err().unwrap_or_default();
        assert!(read("").contains("not a Dockyard session file"));
        assert!(read("{\"name\": \"my-app\", \"version\": \"1.0.0\"}").contains("not a Dockyard session file"));
        let good = session_text(&engine(&[]), &[], 0, &Progress::default()).expect("saved");
        let other = good.replace("\"dockyard-session\"", "\"something-else\"");
        assert!(read(&other).contains("\"something-else\" file"), "{}", read(&other));
        let newer = good.replace("\"format\":1", "\"format\":9");
        assert!(read(&newer).contains("format 9"), "{}", read(&newer));
        let engine_version = good.replace("\"engine\":{\"version\":1", "\"engine\":{\"version\":99");
        assert!(read(&engine_version).contains("version 99"), "{}", read(&engine_version));
        assert!(read(&good.replace("\"images\"", "\"imagez\"")).contains("saved state is not valid"));
    }

    #[test]
    fn a_summary_counts_what_docker_lists() {
        assert_eq!(summary(&engine(&[])), "0 images, 0 containers");
        let engine = engine(&["docker pull hello-world", "docker tag hello-world hi", "docker create hello-world"]);
        assert_eq!(summary(&engine), "2 images, 1 container");
        assert_eq!(running(&engine), 0);
    }

    #[test]
    fn a_restore_counts_the_containers_it_stopped() {
        let mut state: serde_json::Value =
            serde_json::from_str(&engine(&["docker pull hello-world", "docker create hello-world"]).save())
                .expect("json");
        state["containers"][0]["state"]["status"] = "running".into();
        let restored = Engine::restore(&state.to_string(), Registry::default(), Timestamp(50)).expect("restored");
        assert_eq!(stopped_by_restore(&restored, Timestamp(50)), 1);
        assert_eq!(stopped_by_restore(&restored, Timestamp(51)), 0);
    }
}
