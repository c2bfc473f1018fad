//! The terminal: xterm.js draws it (colours, wrapping, scrollback, selection and copy), a line
//! editor of Dockyard's own takes the keys (history, Ctrl-R, Tab completion, Ctrl-C), and a
//! plain copy of the output sits beside it for screen readers.
//!
//! xterm.js is a kept terminal emulator, not something to write again. What it cannot know is
//! docker's command line, so keys go to [`editor::Editor`] and writes come from
//! [`screen::Screen`], both pure and tested natively.

pub mod editor;
pub mod screen;
mod xterm;

use std::cell::RefCell;
use std::rc::Rc;

use dockyard_engine::cli::complete::Completion;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::state::{Line, Mode, Terminal as TerminalState};
use editor::{Editor, Effect};
use screen::{strip_escapes, Footer, Screen, PROMPT_COLOUR, RESET};
use xterm::{FitAddon, XTerm};

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// The reducer's handle: equal while the state is the same one, so renders compare cheaply.
    pub state: UseReducerHandle<TerminalState>,
    pub on_submit: Callback<String>,
    pub on_clear: Callback<()>,
    /// Ctrl-C: stop the command in the foreground.
    pub on_interrupt: Callback<()>,
    /// Ctrl-D on an empty line: the end of input for a container reading it.
    pub on_end: Callback<()>,
    /// Ctrl-Z on an empty line: undo the last command that changed the engine.
    pub on_undo: Callback<()>,
    /// Completes the line before the cursor.
    pub complete: Callback<String, Completion>,
}

/// The prompt, which tells the learner which engine will receive the command.
pub fn prompt(mode: Mode) -> &'static str {
    match mode {
        Mode::Simulated => "dockyard$",
        Mode::Host => "host$",
    }
}

/// What lives as long as the terminal: xterm.js, the screen's bookkeeping, the line being
/// typed, and the latest props, which xterm.js's callbacks read.
struct Live {
    term: XTerm,
    fit: Option<FitAddon>,
    screen: Screen,
    editor: Editor,
    state: UseReducerHandle<TerminalState>,
    callbacks: Callbacks,
    font_px: f64,
}

#[derive(Clone)]
struct Callbacks {
    on_submit: Callback<String>,
    on_clear: Callback<()>,
    on_interrupt: Callback<()>,
    on_end: Callback<()>,
    on_undo: Callback<()>,
    complete: Callback<String, Completion>,
}

impl Live {
    fn footer(&self) -> Footer {
        let state: &TerminalState = &self.state;
        let live = state.live.clone();
        if state.running.is_some() {
            // A running command's input follows its output; a search still shows its label.
            let (head, line, cursor) = self.editor.view("");
            return Footer { live, head, line, cursor };
        }
        let prompt = format!("{} ", prompt(state.mode));
        let (head, line, cursor) = self.editor.view(&prompt);
        let head = if head == prompt { format!("{PROMPT_COLOUR}{}{RESET} ", prompt.trim_end()) } else { head };
        Footer { live, head, line, cursor }
    }

    /// Writes what the state holds that the screen does not show yet.
    fn sync(&mut self) {
        let footer = self.footer();
        let out = self.screen.update(&self.state, prompt(self.state.mode), &footer);
        self.write(&out);
    }

    fn redraw(&mut self) {
        let footer = self.footer();
        let out = self.screen.redraw(&footer);
        self.write(&out);
    }

    fn above(&mut self, text: &str) {
        let footer = self.footer();
        let out = self.screen.above(text, &footer);
        self.write(&out);
    }

    fn write(&self, out: &str) {
        if !out.is_empty() {
            self.term.write(out);
        }
    }

    /// Keys from xterm.js, through the editor, into effects.
    fn keys(live: &Rc<RefCell<Live>>, data: &str) {
        // A real terminal on the Docker Engine takes the keys as they are, Ctrl-C included.
        if crate::host_tty::send_keys(data) {
            return;
        }
        for key in editor::decode(data) {
            let effects = {
                let mut me = live.borrow_mut();
                let Live { editor, state, .. } = &mut *me;
                editor.key(key, &state.history)
            };
            for effect in effects {
                Live::effect(live, effect);
            }
        }
        live.borrow_mut().redraw();
    }

    fn effect(live: &Rc<RefCell<Live>>, effect: Effect) {
        // Callbacks dispatch to the reducer, which renders and borrows `live` again: no borrow
        // may be held while they run.
        let callbacks = live.borrow().callbacks.clone();
        match effect {
            Effect::Submit(line) => callbacks.on_submit.emit(line),
            Effect::Interrupt(dropped) => {
                // As a shell does, the dropped line stays in sight, marked with ^C.
                let mut me = live.borrow_mut();
                let shown = match me.state.running {
                    Some(_) => format!("{dropped}^C"),
                    None => format!("{PROMPT_COLOUR}{}{RESET} {dropped}^C", prompt(me.state.mode)),
                };
                me.above(&shown);
                drop(me);
                callbacks.on_interrupt.emit(());
            }
            Effect::EndOfInput => callbacks.on_end.emit(()),
            Effect::ClearScreen => callbacks.on_clear.emit(()),
            Effect::Undo => callbacks.on_undo.emit(()),
            Effect::Complete { before, again } => {
                let completion = callbacks.complete.emit(before.clone());
                let mut me = live.borrow_mut();
                let start = before.get(..completion.start).map_or(0, |b| b.chars().count());
                let partial = before.get(completion.start..).unwrap_or_default();
                match completion.candidates.len() {
                    0 => {}
                    1 => me.editor.replace_word(start, &completion.candidates[0], completion.is_whole()),
                    _ if completion.common_prefix().len() > partial.len() => {
                        me.editor.replace_word(start, completion.common_prefix(), false)
                    }
                    _ if again => {
                        let list = columns(&completion.candidates, me.term.cols() as usize);
                        me.above(&list);
                    }
                    _ => {}
                }
            }
            Effect::Bell => {}
        }
    }
}

/// Candidates laid out in columns, as a shell lists them after a second Tab.
fn columns(candidates: &[String], width: usize) -> String {
    let cell = candidates.iter().map(|c| c.chars().count()).max().unwrap_or(0) + 2;
    let per_row = (width / cell.max(1)).max(1);
    candidates
        .chunks(per_row)
        .map(|row| row.iter().map(|c| format!("{c:<cell$}")).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A line of output as plain text for the copy beside the terminal, where each line is an
/// element of its own and so needs no newline.
fn plain(text: &str) -> String {
    strip_escapes(text.strip_suffix('\n').unwrap_or(text))
}

/// The terminal's font size in pixels: the stylesheet's, so the terminal grows with the page
/// on a projector and in presenter mode.
fn font_px(element: &HtmlElement) -> f64 {
    web_sys::window()
        .and_then(|w| w.get_computed_style(element).ok().flatten())
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|size| size.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(14.0)
}

fn options(font: f64) -> JsValue {
    let theme = js_sys::Object::new();
    for (name, colour) in [
        ("background", "#11161d"),
        ("foreground", "#e6edf3"),
        ("cursor", "#7ee787"),
        ("selectionBackground", "#3b5070"),
        ("red", "#ff7b72"),
        ("green", "#7ee787"),
        ("yellow", "#f2cc60"),
        ("blue", "#79c0ff"),
        ("magenta", "#d2a8ff"),
        ("cyan", "#76e3ea"),
    ] {
        let _ = js_sys::Reflect::set(&theme, &name.into(), &colour.into());
    }
    let options = js_sys::Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&options, &name.into(), &value);
    };
    set("convertEol", true.into());
    set("cursorBlink", true.into());
    set("fontSize", font.into());
    // Room below the baseline, so underscores are not clipped off the bottom of a row.
    set("lineHeight", 1.2.into());
    set("fontFamily", "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace".into());
    set("scrollback", (crate::state::MAX_LINES as u32).into());
    // Keeps text readable whatever colours a container's program asks for.
    set("minimumContrastRatio", 4.5.into());
    set("theme", theme.into());
    options.into()
}

/// Starts xterm.js in `host` and wires its keys to the editor.
fn start(
    host: &HtmlElement,
    state: UseReducerHandle<TerminalState>,
    callbacks: Callbacks,
) -> Result<Rc<RefCell<Live>>, JsValue> {
    let font = font_px(host);
    let term = XTerm::new(&options(font))?;
    term.open(host);
    let fit = FitAddon::new().ok();
    if let Some(fit) = &fit {
        term.load_addon(fit.as_js());
        let _ = fit.fit();
    }
    if let Some(textarea) = term.textarea() {
        // The id lets the page's label, keyboard users and tests find where commands are typed.
        textarea.set_id("terminal-input");
        let _ = textarea.set_attribute("aria-label", "Command: type a docker command and press Enter");
    }
    // Bracketed paste, so a pasted block arrives as one piece and runs line by line.
    term.write("\x1b[?2004h");
    let live = Rc::new(RefCell::new(Live {
        screen: Screen::new(term.cols() as usize),
        term,
        fit,
        editor: Editor::default(),
        state,
        callbacks,
        font_px: font,
    }));

    {
        let live = live.clone();
        crate::host_tty::set_writer(move |text| {
            if let Ok(me) = live.try_borrow() {
                me.term.write(text);
            }
        });
    }
    {
        let me = live.borrow();
        crate::host_tty::resize(me.term.rows() as u16, me.term.cols() as u16);
    }
    let on_data = {
        let live = live.clone();
        Closure::<dyn FnMut(String)>::new(move |data: String| Live::keys(&live, &data))
    };
    live.borrow().term.on_data(&on_data);
    on_data.forget();

    let on_key = {
        let live = live.clone();
        Closure::<dyn FnMut(KeyboardEvent) -> bool>::new(move |event: KeyboardEvent| {
            let Ok(me) = live.try_borrow() else { return true };
            let ctrl = event.ctrl_key() || event.meta_key();
            let key = event.key().to_lowercase();
            // Copy a selection with Ctrl-C, and let the browser paste: xterm.js would send
            // both as control characters instead.
            if ctrl && (key == "v" || (key == "c" && (event.shift_key() || me.term.has_selection()))) {
                return false;
            }
            // Escape, then Tab, leaves the terminal, so the keyboard is never trapped in it.
            !(event.key() == "Tab" && me.editor.escaped())
        })
    };
    live.borrow().term.attach_custom_key_event_handler(&on_key);
    on_key.forget();

    // Follow the pane's size and the page's type size (presenter mode, a projector).
    let observer = {
        let (live, host) = (live.clone(), host.clone());
        Closure::<dyn FnMut()>::new(move || {
            let Ok(mut me) = live.try_borrow_mut() else { return };
            let font = font_px(&host);
            // Wipe the footer at the old width, before xterm.js reflows the rows.
            let old = me.term.cols() as usize;
            let out = me.screen.resize(old);
            me.write(&out);
            if (font - me.font_px).abs() > 0.1 {
                me.font_px = font;
                let _ = js_sys::Reflect::set(&me.term.options(), &"fontSize".into(), &font.into());
            }
            if let Some(fit) = &me.fit {
                let _ = fit.fit();
            }
            let cols = me.term.cols() as usize;
            crate::host_tty::resize(me.term.rows() as u16, cols as u16);
            let out = me.screen.resize(cols);
            me.write(&out);
            me.redraw();
        })
    };
    if let Ok(resize) = web_sys::ResizeObserver::new(observer.as_ref().unchecked_ref()) {
        resize.observe(host);
    }
    observer.forget();
    live.borrow_mut().sync();
    Ok(live)
}

fn callbacks(props: &TerminalProps) -> Callbacks {
    Callbacks {
        on_submit: props.on_submit.clone(),
        on_clear: props.on_clear.clone(),
        on_interrupt: props.on_interrupt.clone(),
        on_end: props.on_end.clone(),
        on_undo: props.on_undo.clone(),
        complete: props.complete.clone(),
    }
}

#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let host = use_node_ref();
    let live = use_mut_ref(|| None::<Rc<RefCell<Live>>>);
    let failed = use_state(|| None::<String>);

    {
        let (host, live, failed) = (host.clone(), live.clone(), failed.clone());
        let (state, callbacks) = (props.state.clone(), callbacks(props));
        // After every render: write what is new, or start xterm.js the first time.
        use_effect(move || {
            let mut slot = live.borrow_mut();
            if let Some(live) = &*slot {
                if let Ok(mut me) = live.try_borrow_mut() {
                    me.state = state;
                    me.callbacks = callbacks;
                    me.sync();
                }
            } else if failed.is_none() {
                if let Some(element) = host.cast::<HtmlElement>() {
                    match start(&element, state, callbacks) {
                        Ok(started) => *slot = Some(started),
                        Err(e) => failed.set(Some(format!("{e:?}"))),
                    }
                }
            }
        });
    }

    let focus = {
        let live = live.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(live) = &*live.borrow() {
                if let Ok(me) = live.try_borrow() {
                    // Clicking to select text must not lose the selection to a focus change.
                    if !me.term.has_selection() {
                        me.term.focus();
                    }
                }
            }
        })
    };

    let state = &props.state;
    html! {
        <section class="terminal" id="terminal" aria-label="Terminal" data-running={state.running.is_some().to_string()}>
            if let Some(error) = &*failed {
                <p class="terminal-failed" role="alert">
                    { format!("The terminal could not start (xterm.js did not load: {error}). Reload the page to try again.") }
                </p>
            }
            <div class="xterm-host" ref={host} onclick={focus}></div>
            // The same output as plain text, for screen readers: xterm.js draws on a grid that
            // they read poorly. Tests read it too.
            <div class="visually-hidden" role="log" aria-live="polite" aria-label="Terminal output" id="terminal-output">
                { for state.lines.iter().map(|line| match line {
                    Line::Input(text) => html! { <div class="line input">{ format!("{} {text}", prompt(state.mode)) }</div> },
                    Line::Stdout(text) => html! { <div class="line stdout">{ plain(text) }</div> },
                    Line::Stderr(text) => html! { <div class="line stderr">{ plain(text) }</div> },
                    Line::Note(text) => html! { <div class="line note">{ text }</div> },
                }) }
                if let Some(live) = &state.live {
                    <div class="line live" id="terminal-live">{ plain(live) }</div>
                }
            </div>
            <p class="terminal-keys" id="terminal-keys">
                { "Tab completes · ↑ ↓ history · Ctrl-R search · Ctrl-C stops · Esc then Tab leaves the terminal" }
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_line_up_in_columns() {
        let list: Vec<String> = ["run", "rename", "restart", "rm", "rmi"].map(String::from).to_vec();
        assert_eq!(columns(&list, 30), "run      rename   restart\nrm       rmi");
        assert_eq!(columns(&list, 3).lines().count(), 5, "a narrow terminal lists one per row");
    }
}
