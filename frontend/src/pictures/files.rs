//! The build context's files as a row of names: choose one to edit it, add one, rename or delete
//! the open one. Naming happens in a small field in place (Enter names, Escape gives up), and a
//! deletion asks first, since nothing brings a deleted file back.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

/// What the learner asked of the file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAction {
    Open(String),
    Add(String),
    Rename { from: String, to: String },
    Delete(String),
}

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub paths: Vec<String>,
    /// The file open in the editor, if any.
    pub open: Option<String>,
    /// Carries out an action; why not, for a name that will not do.
    pub on_action: Callback<FileAction, Result<(), String>>,
}

/// What the row is doing besides listing.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    List,
    /// Typing a name: for a new file (`None`) or for the file named.
    Naming {
        renaming: Option<String>,
        error: Option<String>,
    },
    ConfirmDelete(String),
}

#[function_component(Files)]
pub fn files(props: &FilesProps) -> Html {
    let mode = use_state(|| Mode::List);
    // The control each state starts with: the New file button, the naming field, Keep it.
    let first = use_node_ref();
    {
        // Each change of state puts the keyboard on its first control, since the one pressed is
        // gone; the first drawing leaves the focus where it is.
        let (first, drawn) = (first.clone(), use_mut_ref(|| false));
        let kind = std::mem::discriminant(&*mode);
        use_effect_with(kind, move |_| {
            if std::mem::replace(&mut *drawn.borrow_mut(), true) {
                if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
                // `cast` does not check the element's type, and only the naming field selects.
                if let Some(input) = first.get().and_then(|node| node.dyn_into::<HtmlInputElement>().ok()) {
                    input.select();
                }
            }
        });
    }

    let set = |next: Mode| {
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| mode.set(next.clone()))
    };
    let submit = {
        let (mode, field, on_action) = (mode.clone(), first.clone(), props.on_action.clone());
        move || {
            let Mode::Naming { renaming, .. } = (*mode).clone() else { return };
            let Some(input) = field.get().and_then(|node| node.dyn_into::<HtmlInputElement>().ok()) else { return };
            let name = input.value();
            let action = match renaming.clone() {
                Some(from) if from == name.trim() => {
                    mode.set(Mode::List);
                    return;
                }
                Some(from) => FileAction::Rename { from, to: name },
                None => FileAction::Add(name),
            };
            match on_action.emit(action) {
                Ok(()) => mode.set(Mode::List),
                Err(error) => mode.set(Mode::Naming { renaming, error: Some(error) }),
            }
        }
    };
    let onkeydown = {
        let (mode, submit) = (mode.clone(), submit.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                submit();
            }
            "Escape" => {
                e.prevent_default();
                mode.set(Mode::List);
            }
            _ => {}
        })
    };

    let list = props.paths.iter().map(|path| {
        let selected = props.open.as_deref() == Some(path.as_str());
        let on_action = props.on_action.clone();
        let open = path.clone();
        html! {
            <li>
                <button class={classes!("file", selected.then_some("selected"))} aria-pressed={selected.to_string()}
                    onclick={Callback::from(move |_| { let _ = on_action.emit(FileAction::Open(open.clone())); })}>
                    { path.clone() }
                </button>
            </li>
        }
    });
    let controls = match (*mode).clone() {
        Mode::List => html! {
            <span class="file-actions">
                <button ref={first.clone()} class="action" id="file-new" onclick={set(Mode::Naming { renaming: None, error: None })}>{ "New file" }</button>
                if let Some(open) = props.open.clone() {
                    <button class="action" id="file-rename" aria-label={format!("Rename {open}")}
                        onclick={set(Mode::Naming { renaming: Some(open.clone()), error: None })}>{ "Rename" }</button>
                    <button class="action" id="file-delete" aria-label={format!("Delete {open}")}
                        onclick={set(Mode::ConfirmDelete(open.clone()))}>{ "Delete" }</button>
                }
            </span>
        },
        Mode::Naming { renaming, error } => {
            let label = match &renaming {
                Some(from) => format!("New name for {from}"),
                None => "Name of the new file (folders with /)".to_string(),
            };
            let ok = {
                let submit = submit.clone();
                Callback::from(move |_: MouseEvent| submit())
            };
            html! {
                <span class="file-naming">
                    <input ref={first.clone()} id="file-name" type="text" aria-label={label.clone()} placeholder={label}
                        value={renaming.clone().unwrap_or_default()} spellcheck="false" autocomplete="off"
                        aria-invalid={error.is_some().to_string()} aria-describedby="file-error" {onkeydown} />
                    <button class="action" onclick={ok}>{ if renaming.is_some() { "Rename" } else { "Add" } }</button>
                    <button class="action" onclick={set(Mode::List)}>{ "Cancel" }</button>
                    if let Some(error) = error {
                        <span class="file-error" id="file-error" role="alert">{ error }</span>
                    }
                </span>
            }
        }
        Mode::ConfirmDelete(path) => {
            let confirm = {
                let (mode, on_action, path) = (mode.clone(), props.on_action.clone(), path.clone());
                Callback::from(move |_: MouseEvent| {
                    let _ = on_action.emit(FileAction::Delete(path.clone()));
                    mode.set(Mode::List);
                })
            };
            html! {
                <span class="file-confirm" role="alert">
                    { format!("Delete {path}? ") }
                    <button class="action danger" id="file-delete-confirm" onclick={confirm}>{ "Delete" }</button>
                    <button ref={first.clone()} class="action" onclick={set(Mode::List)}>{ "Keep it" }</button>
                </span>
            }
        }
    };
    html! {
        <nav class="files" aria-label="Files in the build context">
            <ul class="file-list">{ for list }</ul>
            { controls }
        </nav>
    }
}
