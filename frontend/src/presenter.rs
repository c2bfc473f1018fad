//! Presenter mode, for a teacher at a projector: large type, high contrast, and the lesson one
//! section at a time. A button in the top bar and Alt+Shift+P turn it on and off; Next and
//! Previous, PageDown and PageUp (what a presenter's clicker sends) step through the sections. The
//! page keeps whether it is on, and the step, in localStorage, so a reload in front of the class
//! comes back the same.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::splitter::local_storage;

/// The localStorage key: `on,step`, as `1,2` or `0,0`.
const KEY: &str = "dockyard.presenter";
/// The shortcut that turns presenter mode on and off, as `aria-keyshortcuts` writes it.
pub const SHORTCUT: &str = "Alt+Shift+P";

/// Whether presenter mode is on, and which section of the lesson is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presenter {
    pub on: bool,
    /// The section shown, counted from 0; also the step a shared link names.
    pub step: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenterAction {
    Toggle,
    /// The next section, of a lesson with this many.
    Next(usize),
    Previous,
    /// This section (a shared link's, or the first one of another lesson).
    Go(usize),
}

impl Presenter {
    pub fn apply(self, action: PresenterAction) -> Presenter {
        match action {
            PresenterAction::Toggle => Presenter { on: !self.on, ..self },
            PresenterAction::Next(count) => Presenter { step: (self.step + 1).min(count.saturating_sub(1)), ..self },
            PresenterAction::Previous => Presenter { step: self.step.saturating_sub(1), ..self },
            PresenterAction::Go(step) => Presenter { step, ..self },
        }
    }

    /// Reads the kept state; anything unreadable is presenter mode off at the first step.
    pub fn parse(text: &str) -> Presenter {
        match text.split_once(',') {
            Some((on, step)) => Presenter { on: on == "1", step: step.parse().unwrap_or(0) },
            None => Presenter::default(),
        }
    }

    pub fn text(&self) -> String {
        format!("{},{}", u8::from(self.on), self.step)
    }

    pub fn load() -> Presenter {
        local_storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .map_or_else(Presenter::default, |t| Presenter::parse(&t))
    }

    pub fn keep(&self) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(KEY, &self.text());
        }
    }
}

impl Reducible for Presenter {
    type Action = PresenterAction;

    fn reduce(self: Rc<Self>, action: PresenterAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

/// What a key pressed anywhere in the page does, if anything: the shortcut always, and the
/// clicker's keys only while presenting, so they still scroll the page otherwise.
pub fn key_action(
    presenting: bool,
    key: &str,
    code: &str,
    alt: bool,
    shift: bool,
    ctrl: bool,
    count: usize,
) -> Option<PresenterAction> {
    if alt && shift && !ctrl && code == "KeyP" {
        return Some(PresenterAction::Toggle);
    }
    if !presenting || alt || ctrl {
        return None;
    }
    match key {
        "PageDown" => Some(PresenterAction::Next(count)),
        "PageUp" => Some(PresenterAction::Previous),
        _ => None,
    }
}

/// Listens for presenter keys on the window, before any element sees them: the terminal (and an
/// xterm.js one in particular) takes PageUp and PageDown for itself otherwise.
#[hook]
pub fn use_presenter_keys(presenter: UseReducerHandle<Presenter>, count: usize) {
    let state = *presenter;
    let dispatcher = presenter.dispatcher();
    use_effect_with((state, count), move |&(state, count)| {
        let listener = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            if let Some(action) = key_action(
                state.on,
                &e.key(),
                &e.code(),
                e.alt_key(),
                e.shift_key(),
                e.ctrl_key() || e.meta_key(),
                count,
            ) {
                e.prevent_default();
                e.stop_propagation();
                dispatcher.dispatch(action);
            }
        });
        let window = web_sys::window();
        if let Some(window) = &window {
            let _ =
                window.add_event_listener_with_callback_and_bool("keydown", listener.as_ref().unchecked_ref(), true);
        }
        move || {
            if let Some(window) = window {
                let _ = window.remove_event_listener_with_callback_and_bool(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                    true,
                );
            }
            drop(listener);
        }
    });
    // Large type and high contrast are the whole page's, set on its root element.
    use_effect_with(state, |state| {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.class_list().toggle_with_force("presenter", state.on);
        }
        state.keep();
    });
}

#[derive(Properties, PartialEq)]
pub struct PresenterToggleProps {
    pub on: bool,
    pub on_toggle: Callback<()>,
}

/// The top bar's button.
#[function_component(PresenterToggle)]
pub fn presenter_toggle(props: &PresenterToggleProps) -> Html {
    let onclick = {
        let on_toggle = props.on_toggle.clone();
        Callback::from(move |_: MouseEvent| on_toggle.emit(()))
    };
    let title = match props.on {
        true => format!("Leave presenter mode ({SHORTCUT})"),
        false => format!("Presenter mode: large type, high contrast, one section at a time ({SHORTCUT})"),
    };
    html! {
        <button id="presenter-toggle" class="presenter-toggle" aria-pressed={props.on.to_string()}
            aria-keyshortcuts={SHORTCUT} {title} {onclick}>{ "Present" }</button>
    }
}

#[derive(Properties, PartialEq)]
pub struct StepNavProps {
    pub step: usize,
    pub count: usize,
    pub on_action: Callback<PresenterAction>,
}

/// Previous and Next above the section shown, with where the lesson is.
#[function_component(StepNav)]
pub fn step_nav(props: &StepNavProps) -> Html {
    let emit = |action: PresenterAction| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action))
    };
    html! {
        <nav class="step-nav" aria-label="Lesson steps">
            <button id="step-prev" onclick={emit(PresenterAction::Previous)} disabled={props.step == 0}
                title="Previous section (PageUp)" aria-keyshortcuts="PageUp">{ "◀ Previous" }</button>
            <span id="step-count" class="step-count" aria-live="polite">
                { format!("Step {} of {}", props.step + 1, props.count) }
            </span>
            <button id="step-next" onclick={emit(PresenterAction::Next(props.count))}
                disabled={props.step + 1 >= props.count} title="Next section (PageDown)"
                aria-keyshortcuts="PageDown">{ "Next ▶" }</button>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stay_within_the_lesson() {
        let p = Presenter { on: true, step: 0 };
        assert_eq!(p.apply(PresenterAction::Previous).step, 0);
        let p = p.apply(PresenterAction::Next(3)).apply(PresenterAction::Next(3)).apply(PresenterAction::Next(3));
        assert_eq!(p.step, 2);
        assert_eq!(p.apply(PresenterAction::Previous).step, 1);
        assert_eq!(p.apply(PresenterAction::Toggle), Presenter { on: false, step: 2 });
        assert_eq!(p.apply(PresenterAction::Next(0)).step, 0);
    }

    #[test]
    fn the_clicker_keys_work_only_while_presenting() {
        assert_eq!(key_action(false, "PageDown", "PageDown", false, false, false, 3), None);
        assert_eq!(key_action(true, "PageDown", "PageDown", false, false, false, 3), Some(PresenterAction::Next(3)));
        assert_eq!(key_action(true, "PageUp", "PageUp", false, false, false, 3), Some(PresenterAction::Previous));
        // The shortcut goes by the key's place, since Alt changes the character on some keyboards.
        assert_eq!(key_action(false, "∏", "KeyP", true, true, false, 3), Some(PresenterAction::Toggle));
        assert_eq!(key_action(true, "P", "KeyP", false, true, false, 3), None);
        assert_eq!(key_action(true, "PageDown", "PageDown", false, false, true, 3), None);
    }

    #[test]
    fn the_kept_state_reads_back() {
        let p = Presenter { on: true, step: 4 };
        assert_eq!(Presenter::parse(&p.text()), p);
        assert_eq!(Presenter::parse("junk"), Presenter::default());
        assert_eq!(Presenter::parse("1,x"), Presenter { on: true, step: 0 });
    }
}
