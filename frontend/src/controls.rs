//! The session's buttons in the header (Undo, Save session, Load session, Reset) and a word on
//! whether the browser keeps the session; with what each does to the engine, its workers, the
//! browser's storage and the terminal.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dockyard_engine::Engine;
use yew::prelude::*;

use crate::progress::Progress;
use crate::session::{self, Workers};
use crate::state::{Action, Keeping, Terminal, Undo};
use crate::storage::{self, Storage};
use crate::upload;

/// Everything the session's actions change, shared with the app.
#[derive(Clone)]
pub struct Keeper {
    pub engine: Rc<RefCell<Engine>>,
    pub workers: Workers,
    pub storage: Storage,
    pub dispatcher: UseReducerDispatcher<Terminal>,
    /// Whether no command runs or waits, as of the last render. The engine is swapped for another
    /// only then, since a running command would go on in an engine that is no longer there.
    pub idle: Rc<Cell<bool>>,
    /// The progress through the lessons, kept with the session.
    pub progress: Rc<RefCell<Progress>>,
}

impl PartialEq for Keeper {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine) && self.storage == other.storage
    }
}

/// The engine's state before a command, to go back to if the command changes it.
pub struct Before {
    state: String,
    running: usize,
}

fn confirm(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
}

impl Keeper {
    pub fn new(
        engine: Rc<RefCell<Engine>>,
        workers: Workers,
        storage: Storage,
        dispatcher: UseReducerDispatcher<Terminal>,
        progress: Progress,
    ) -> Self {
        let (idle, progress) = (Rc::new(Cell::new(true)), Rc::new(RefCell::new(progress)));
        Keeper { engine, workers, storage, dispatcher, idle, progress }
    }

    fn note(&self, text: String) {
        self.dispatcher.dispatch(Action::Note(text));
    }

    /// Notes that the engine cannot be swapped while a command runs; whether it can.
    fn ready(&self, what: &str) -> bool {
        let idle = self.idle.get();
        if !idle {
            self.note(format!("{what} waits until the command running now has ended."));
        }
        idle
    }

    /// Stops the engine's processes and puts `engine` in its place.
    pub fn replace(&self, engine: Engine) {
        self.workers.terminate_all();
        *self.engine.borrow_mut() = engine;
    }

    pub fn before(&self) -> Before {
        let engine = self.engine.borrow();
        Before { state: engine.save(), running: storage::running(&engine) }
    }

    /// After `command` ran: if it changed the engine, Undo goes back to how it was before.
    pub fn after(&self, before: Before, command: &str) {
        if self.engine.borrow().save() != before.state {
            let undo = Undo { command: command.to_string(), before: before.state.into(), running: before.running };
            self.dispatcher.dispatch(Action::Changed(undo));
        }
    }

    /// Keeps the session in the browser, if it keeps it; a failure turns keeping off, said once.
    pub fn keep(&self, history: &[String], lesson: usize) {
        if !self.storage.available() {
            return;
        }
        let Some(text) = storage::session_text(&self.engine.borrow(), history, lesson, &self.progress.borrow()) else {
            return;
        };
        let saving = self.storage.save(&text);
        self.dispatcher.dispatch(Action::Saving);
        let (dispatcher, storage) = (self.dispatcher.clone(), self.storage.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match saving.await {
                Ok(()) => dispatcher.dispatch(Action::Saved),
                Err(why) => {
                    storage.turn_off();
                    dispatcher.dispatch(Action::KeepingOff(storage::failed_note(&why)));
                }
            }
        });
    }

    /// Puts the engine back as it was before the last command that changed it.
    pub fn undo(&self, undo: Option<&Undo>) {
        let Some(undo) = undo else {
            return self.note(
                "Nothing to undo: Undo goes back one command that changed images, containers or volumes.".into(),
            );
        };
        if !self.ready("Undo") {
            return;
        }
        match Engine::restore(&undo.before, session::hub(), session::now()) {
            Ok(engine) => {
                self.replace(engine);
                self.dispatcher.dispatch(Action::Undone);
            }
            Err(e) => self.note(format!("Could not undo {}: {e}.", undo.command)),
        }
    }

    /// Downloads the session as a file that Load session reads.
    pub fn save_file(&self, history: &[String], lesson: usize) {
        let engine = self.engine.borrow();
        let note = match storage::session_text(&engine, history, lesson, &self.progress.borrow()) {
            None => "Could not save the session: the engine's state could not be written.".to_string(),
            Some(text) => match upload::download(storage::FILE_NAME, text.as_bytes()) {
                Ok(()) => format!(
                    "Saved your session as {}: {}. Load session brings it back, here or in another browser.",
                    storage::FILE_NAME,
                    storage::summary(&engine)
                ),
                Err(e) => format!("Could not save the session: {e}."),
            },
        };
        drop(engine);
        self.note(note);
    }

    /// Replaces the session with one from a file the learner chooses, once they confirm; the
    /// lesson the file had open, if it was loaded. A file that is not a session changes nothing.
    pub async fn load_file(&self) -> Option<usize> {
        if !self.ready("Load session") {
            return None;
        }
        let reason =
            format!("Load session reads a session that Save session wrote: choose its file ({}).", storage::FILE_NAME);
        let file = match upload::choose_file(&reason).await {
            Ok(Some(file)) => file,
            Ok(None) => return None,
            Err(e) => {
                self.note(format!("Could not read the file: {e}. Your session is unchanged."));
                return None;
            }
        };
        let name = file.path;
        let read = std::str::from_utf8(&file.bytes)
            .map_err(|_| "it is not text".to_string())
            .and_then(|text| storage::read_session(text, session::hub(), session::now()));
        let loaded = match read {
            Ok(loaded) => loaded,
            Err(why) => {
                self.note(format!("{name} was not loaded: {why}. Your session is unchanged."));
                return None;
            }
        };
        let summary = storage::summary(&loaded.engine);
        let question = format!(
            "Replace your session with the one in {name} ({summary})?\n\nThe images, containers, volumes and \
             command history you have now are replaced; Save session first to keep them."
        );
        if !confirm(&question) {
            self.note(format!("{name} was not loaded; your session is unchanged."));
            return None;
        }
        if !self.ready("Load session") {
            return None;
        }
        self.replace(loaded.engine);
        *self.progress.borrow_mut() = loaded.progress;
        let note = format!("Loaded the session in {name}: {summary}. Containers that were running come back exited.");
        self.dispatcher.dispatch(Action::Loaded { history: loaded.history, note });
        Some(loaded.lesson)
    }

    /// Starts over, once the learner confirms: a fresh engine, an empty terminal, and nothing
    /// kept in the browser.
    pub fn reset(&self) {
        if !self.ready("Reset") {
            return;
        }
        if !confirm(
            "Reset Dockyard?\n\nEvery image, container and volume goes, with your command history, here and in \
             this browser's storage. Save session first to keep them.",
        ) {
            return;
        }
        self.replace(session::new_engine());
        *self.progress.borrow_mut() = Progress::default();
        self.dispatcher.dispatch(Action::Reset);
        if self.storage.available() {
            let forgetting = self.storage.forget();
            let (dispatcher, storage) = (self.dispatcher.clone(), self.storage.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(why) = forgetting.await {
                    storage.turn_off();
                    dispatcher.dispatch(Action::KeepingOff(storage::failed_note(&why)));
                }
            });
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SessionControlsProps {
    pub keeper: Keeper,
    pub undo: Option<Undo>,
    /// No command runs or waits.
    pub idle: bool,
    pub history: Vec<String>,
    pub lesson: usize,
    /// A loaded session's lesson, to open.
    pub on_lesson: Callback<usize>,
    pub keeping: Keeping,
}

#[function_component(SessionControls)]
pub fn session_controls(props: &SessionControlsProps) -> Html {
    let on_undo = {
        let (keeper, undo) = (props.keeper.clone(), props.undo.clone());
        Callback::from(move |_: MouseEvent| keeper.undo(undo.as_ref()))
    };
    let on_save = {
        let (keeper, history, lesson) = (props.keeper.clone(), props.history.clone(), props.lesson);
        Callback::from(move |_: MouseEvent| keeper.save_file(&history, lesson))
    };
    let on_load = {
        let (keeper, on_lesson) = (props.keeper.clone(), props.on_lesson.clone());
        Callback::from(move |_: MouseEvent| {
            let (keeper, on_lesson) = (keeper.clone(), on_lesson.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(lesson) = keeper.load_file().await {
                    on_lesson.emit(lesson);
                }
            });
        })
    };
    let on_reset = {
        let keeper = props.keeper.clone();
        Callback::from(move |_: MouseEvent| keeper.reset())
    };
    let undo_title = match &props.undo {
        Some(undo) => format!("Undo {} (Ctrl-Z in an empty terminal line)", undo.command),
        None => "Nothing to undo yet".to_string(),
    };
    let (status, status_title) = match props.keeping {
        Keeping { off: true, .. } => ("not kept", "This browser does not keep your session: use Save session"),
        Keeping { saving: 1.., .. } => ("saving…", "Keeping your session in this browser"),
        _ => ("kept in this browser", "Your session comes back when you reload this page"),
    };
    html! {
        <div class="session-controls" role="group" aria-label="Session">
            <button id="session-undo" onclick={on_undo} disabled={!props.idle || props.undo.is_none()} title={undo_title}>
                { "Undo" }
            </button>
            <button id="session-save" onclick={on_save} title="Download your session as a file">{ "Save session" }</button>
            <button id="session-load" onclick={on_load} disabled={!props.idle} title="Replace your session with one from a file">
                { "Load session" }
            </button>
            <button id="session-reset" onclick={on_reset} disabled={!props.idle} title="Start over with nothing">
                { "Reset" }
            </button>
            <span class="session-status" id="session-status" title={status_title}
                data-saved={props.keeping.saved.to_string()} data-saving={props.keeping.saving.to_string()}>
                { status }
            </span>
        </div>
    }
}
