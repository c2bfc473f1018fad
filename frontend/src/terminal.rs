//! The terminal: output lines, a prompt, and an input line with history on the arrow keys. Each
//! command's line has a toggle that shows the Engine API calls it stands for beneath it.

use std::collections::HashSet;

use dockyard_engine::api::Outcome;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::api_calls::ApiCalls;
use crate::state::{Line, Mode};

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub lines: Vec<Line>,
    pub live: Option<String>,
    pub history: Vec<String>,
    pub running: bool,
    pub mode: Mode,
    pub on_submit: Callback<String>,
    pub on_clear: Callback<()>,
    /// Ctrl-D on an empty line: the end of input for a container reading it.
    pub on_end: Callback<()>,
    /// Ctrl-Z on an empty line: undo the last command that changed the engine.
    pub on_undo: Callback<()>,
}

/// The prompt, which tells the learner which engine will receive the command.
fn prompt(mode: Mode) -> &'static str {
    match mode {
        Mode::Simulated => "dockyard$",
        Mode::Host => "host$",
    }
}

/// What a command printed (the lines `after` it, up to the next command) tells of how it went.
fn outcome(after: &[Line], running: bool) -> Outcome {
    let (mut stdout, mut stderr) = (String::new(), String::new());
    let mut finished = !running;
    for line in after {
        match line {
            Line::Input(_) => {
                finished = true;
                break;
            }
            Line::Stdout(text) => stdout.push_str(text),
            Line::Stderr(text) => stderr.push_str(text),
            Line::Note(_) => {}
        }
    }
    Outcome::from_output(&stdout, &stderr, finished)
}

#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let input = use_node_ref();
    let screen = use_node_ref();
    // Position in history while browsing with the arrows; None means the line being typed.
    let browsing = use_state(|| None::<usize>);
    // The command lines whose API calls are shown, by position and text, so a line that scrolls
    // into another's position after a clear does not inherit its toggle.
    let opened = use_state(HashSet::<(usize, String)>::new);

    {
        let screen = screen.clone();
        let count = (props.lines.len(), props.live.clone());
        use_effect_with(count, move |_| {
            if let Some(el) = screen.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let onkeydown = {
        let input = input.clone();
        let history = props.history.clone();
        let browsing = browsing.clone();
        let on_submit = props.on_submit.clone();
        let on_clear = props.on_clear.clone();
        let on_end = props.on_end.clone();
        let on_undo = props.on_undo.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match e.key().as_str() {
                "Enter" => {
                    on_submit.emit(field.value());
                    field.set_value("");
                    browsing.set(None);
                }
                "ArrowUp" if !history.is_empty() => {
                    e.prevent_default();
                    let at = browsing.map_or(history.len() - 1, |i| i.saturating_sub(1));
                    field.set_value(&history[at]);
                    browsing.set(Some(at));
                }
                "ArrowDown" => {
                    e.prevent_default();
                    match *browsing {
                        Some(i) if i + 1 < history.len() => {
                            field.set_value(&history[i + 1]);
                            browsing.set(Some(i + 1));
                        }
                        _ => {
                            field.set_value("");
                            browsing.set(None);
                        }
                    }
                }
                "l" if e.ctrl_key() => {
                    e.prevent_default();
                    on_clear.emit(());
                }
                "d" if e.ctrl_key() && field.value().is_empty() => {
                    e.prevent_default();
                    on_end.emit(());
                }
                "z" if e.ctrl_key() && field.value().is_empty() => {
                    e.prevent_default();
                    on_undo.emit(());
                }
                _ => {}
            }
        })
    };

    let focus = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        })
    };

    let p = prompt(props.mode);
    html! {
        <section class="terminal" aria-label="Terminal" onclick={focus}>
            <div class="screen" ref={screen} role="log" aria-live="polite" id="terminal-output">
                { for props.lines.iter().enumerate().map(|(at, line)| match line {
                    Line::Input(text) => {
                        let key = (at, text.clone());
                        let open = opened.contains(&key);
                        let toggle = {
                            let opened = opened.clone();
                            Callback::from(move |e: MouseEvent| {
                                // The terminal's own click sends focus to the input; this one keeps it.
                                e.stop_propagation();
                                let mut next = (*opened).clone();
                                if !next.remove(&key) {
                                    next.insert(key.clone());
                                }
                                opened.set(next);
                            })
                        };
                        html! { <>
                            <div class="line input"><span class="prompt">{ p }</span>{ " " }{ text }
                                if !text.is_empty() {
                                    // The label is drawn by CSS, so copied terminal text stays the commands alone.
                                    <button class="api-toggle" onclick={toggle} aria-expanded={open.to_string()}
                                        aria-label="Engine API calls" title="Show the Docker Engine API calls this command stands for"></button>
                                }
                            </div>
                            if open { <ApiCalls line={text.clone()} outcome={outcome(&props.lines[at + 1..], props.running)} /> }
                        </> }
                    }
                    Line::Stdout(text) => html! { <div class="line stdout">{ text }</div> },
                    Line::Stderr(text) => html! { <div class="line stderr">{ text }</div> },
                    Line::Note(text) => html! { <div class="line note">{ text }</div> },
                }) }
                if let Some(live) = &props.live {
                    <div class="line live" id="terminal-live">{ live }</div>
                }
            </div>
            <div class="input-row">
                <label for="terminal-input" class="prompt">{ p }</label>
                <input id="terminal-input" ref={input} type="text" autocomplete="off" spellcheck="false"
                    autocapitalize="off" aria-label="Command" placeholder={ if props.running { "running…" } else { "docker run hello-world" } }
                    onkeydown={onkeydown} />
            </div>
        </section>
    }
}
