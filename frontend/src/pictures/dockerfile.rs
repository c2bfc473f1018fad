//! The Dockerfile tab: the build context's files, an editor for the open one, the lint's hints
//! as the learner types, and a Build button that types `docker build -t TAG .` into the
//! terminal, whose `.` is this workspace.
//!
//! Hints wait until typing pauses: a file half typed is wrong at almost every keystroke (`RU` is
//! an unknown instruction), and hints that flicker at each key teach nothing. The text itself is
//! kept at every keystroke, so a build or a reload never misses the last one.

use std::cell::RefCell;
use std::rc::Rc;

use dockyard_engine::dockerfile::{self, Hint, ParseError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::editor::{Editor, Mark};
use super::files::{FileAction, Files};
use super::hints::Hints;
use super::EngineRef;
use crate::workspace::{self, is_dockerfile, Workspace};

/// The workspace, shared with the session that reads it for `docker build .`; equal when it is
/// the same one.
#[derive(Clone)]
pub struct WorkspaceRef(pub Rc<RefCell<Workspace>>);

impl PartialEq for WorkspaceRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct DockerfileTabProps {
    pub engine: EngineRef,
    pub workspace: WorkspaceRef,
    /// Types a command into the terminal.
    pub on_command: Callback<String>,
}

/// How long typing must pause before the hints catch up, in milliseconds.
const SETTLE_MS: i32 = 300;

/// A file's text as the lint last read it.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    path: String,
    text: String,
}

/// What the lint made of a snapshot.
#[derive(Debug, Clone, PartialEq, Default)]
struct Lint {
    hints: Vec<Hint>,
    error: Option<ParseError>,
}

/// A pending timeout, cleared when replaced or dropped.
#[derive(Default)]
struct Timer(Option<(i32, Closure<dyn FnMut()>)>);

impl Timer {
    fn start(&mut self, ms: i32, then: impl FnMut() + 'static) {
        self.clear();
        let closure = Closure::<dyn FnMut()>::new(then);
        let id = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(closure.as_ref().unchecked_ref(), ms).ok()
        });
        self.0 = id.map(|id| (id, closure));
    }

    fn clear(&mut self) {
        if let (Some((id, _)), Some(window)) = (self.0.take(), web_sys::window()) {
            window.clear_timeout_with_handle(id);
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.clear();
    }
}

fn snapshot(workspace: &Workspace) -> Option<Snapshot> {
    let path = workspace.open_path()?;
    Some(Snapshot { path: path.to_string(), text: workspace.files.get(path)?.text.clone() })
}

/// The command the Build button types: `-f` only for a Dockerfile by another name.
pub fn build_command(tag: &str, open: Option<&str>) -> String {
    let tag: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
    let tag = if tag.is_empty() { "myapp".to_string() } else { tag };
    match open.filter(|path| is_dockerfile(path) && *path != "Dockerfile") {
        Some(path) => format!("docker build -t {tag} -f {path} ."),
        None => format!("docker build -t {tag} ."),
    }
}

#[function_component(DockerfileTab)]
pub fn dockerfile_tab(props: &DockerfileTabProps) -> Html {
    let redraw = use_force_update();
    let shared = props.workspace.0.clone();
    let linted = use_state(|| snapshot(&shared.borrow()));
    let timer = use_mut_ref(Timer::default);
    let goto = use_state(|| None::<(usize, u32)>);
    let kept = use_state(|| Ok::<(), String>(()));

    let lint = {
        let engine = props.engine.0.clone();
        use_memo((*linted).clone(), move |snap| match snap {
            Some(snap) if is_dockerfile(&snap.path) => match dockerfile::parse(&snap.text) {
                Ok(file) => {
                    Lint { hints: engine.try_borrow().map(|e| e.hints(&file)).unwrap_or_default(), error: None }
                }
                Err(error) => Lint { hints: Vec::new(), error: Some(error) },
            },
            _ => Lint::default(),
        })
    };

    // Every change is kept at once; `relint` says whether the hints follow now (another file
    // opened) or once typing settles.
    let change = {
        let (shared, redraw, linted, timer, kept) =
            (shared.clone(), redraw.clone(), linted.clone(), timer.clone(), kept.clone());
        Rc::new(move |relint_now: bool| {
            kept.set(workspace::save(&shared.borrow()));
            redraw.force_update();
            if relint_now {
                timer.borrow_mut().clear();
                linted.set(snapshot(&shared.borrow()));
            } else {
                let (shared, linted) = (shared.clone(), linted.clone());
                timer.borrow_mut().start(SETTLE_MS, move || linted.set(snapshot(&shared.borrow())));
            }
        })
    };

    let on_action = {
        let (shared, change) = (shared.clone(), change.clone());
        Callback::from(move |action: FileAction| {
            let now = js_sys::Date::now();
            let result = {
                let mut ws = shared.borrow_mut();
                match action {
                    FileAction::Open(path) => {
                        ws.open = path;
                        Ok(())
                    }
                    FileAction::Add(name) => ws.add(&name, now).map(drop),
                    FileAction::Rename { from, to } => ws.rename(&from, &to).map(drop),
                    FileAction::Delete(path) => {
                        ws.delete(&path);
                        Ok(())
                    }
                }
            };
            if result.is_ok() {
                change(true);
            }
            result
        })
    };
    let open = shared.borrow().open_path().map(str::to_string);
    let on_input = {
        let (shared, change, open) = (shared.clone(), change.clone(), open.clone());
        Callback::from(move |text: String| {
            if let Some(path) = &open {
                shared.borrow_mut().edit(path, text, js_sys::Date::now());
                change(false);
            }
        })
    };
    let on_tag = {
        let (shared, change) = (shared.clone(), change.clone());
        Callback::from(move |e: InputEvent| {
            let field: HtmlInputElement = e.target_unchecked_into();
            shared.borrow_mut().tag = field.value();
            change(false);
        })
    };
    let ws = shared.borrow();
    let command = build_command(&ws.tag, open.as_deref());
    let can_build = ws.has_dockerfile();
    let on_build = {
        let (on_command, command) = (props.on_command.clone(), command.clone());
        Callback::from(move |()| {
            if can_build {
                on_command.emit(command.clone())
            }
        })
    };
    let on_goto = {
        let goto = goto.clone();
        Callback::from(move |line: usize| goto.set(Some((line, goto.map_or(0, |(_, n)| n + 1)))))
    };

    // The marks belong to the text the lint read; on another file there are none.
    let current = open.as_deref().and_then(|path| Some((path, &ws.files.get(path)?.text)));
    let fresh = linted.as_ref().is_some_and(|snap| Some(snap.path.as_str()) == open.as_deref());
    let mut marks: Vec<Mark> = match fresh {
        true => lint
            .hints
            .iter()
            .map(|h| Mark { first: h.span.start.line, last: h.span.end.line, error: false, message: h.message.clone() })
            .collect(),
        false => Vec::new(),
    };
    if let (true, Some(error)) = (fresh, &lint.error) {
        let message = format!("Line {}, column {}: {}", error.span.start.line, error.span.start.column, error.message);
        marks.insert(0, Mark { first: error.span.start.line, last: error.span.end.line, error: true, message });
    }
    let paths: Vec<String> = ws.files.keys().cloned().collect();

    html! {
        <div class="dockerfile-tab">
            <Files paths={paths} open={open.clone()} {on_action} />
            <div class="build-bar">
                <label for="build-tag">{ "Tag" }</label>
                <input id="build-tag" type="text" value={ws.tag.clone()} oninput={on_tag} spellcheck="false" autocomplete="off"
                    size="12" />
                <button id="build-button" class="build" disabled={!can_build} title="Ctrl+Enter in the editor"
                    onclick={on_build.reform(|_: MouseEvent| ())}>{ "Build ▶" }</button>
                <code class="build-command" title="What Build types into the terminal">{
                    if can_build { command.clone() } else { "Add a Dockerfile to build".to_string() }
                }</code>
            </div>
            { match current {
                Some((path, text)) => html! {
                    <Editor key={path.to_string()} path={path.to_string()} text={text.clone()} dockerfile={is_dockerfile(path)}
                        marks={marks} goto={*goto} {on_input} {on_build} />
                },
                None => html! { <p class="empty">{ "No files. " }<strong>{ "New file" }</strong>{ " adds one; name it Dockerfile to build." }</p> },
            } }
            <p class="editor-keys" id="editor-keys">{ "Tab indents; Escape then Tab leaves the editor; Ctrl+Enter builds. " }
                <code>{ "docker build ." }</code>{ " reads these files." }</p>
            if let Err(why) = &*kept {
                <p class="warn" role="alert">{ format!("Not kept for your next visit: {why}.") }</p>
            }
            if current.is_some_and(|(path, _)| is_dockerfile(path)) && fresh {
                <Hints hints={lint.hints.clone()} error={lint.error.clone()} {on_goto} />
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::build_command;

    #[test]
    fn build_types_the_tag_and_names_a_dockerfile_by_another_name() {
        assert_eq!(build_command("myapp", Some("Dockerfile")), "docker build -t myapp .");
        assert_eq!(build_command(" my app:2 ", Some("index.html")), "docker build -t myapp:2 .");
        assert_eq!(build_command("", None), "docker build -t myapp .");
        assert_eq!(build_command("web", Some("web.Dockerfile")), "docker build -t web -f web.Dockerfile .");
    }
}
