//! Under the hood: the Docker Engine API calls a command line stands for, in a panel under the
//! terminal that the learner opens. It follows the last command, or any earlier one picked from
//! a list. What the command printed fills in what the calls depend on (the new container's id,
//! whether the image had to be pulled).

use dockyard_engine::api::{self, ApiCall, Body, Outcome};
use dockyard_engine::cli;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::{Line, Terminal as TerminalState};

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

#[derive(Properties, PartialEq)]
pub struct UnderTheHoodProps {
    pub state: UseReducerHandle<TerminalState>,
}

/// The toggle and, when open, the calls of the chosen command.
#[function_component(UnderTheHood)]
pub fn under_the_hood(props: &UnderTheHoodProps) -> Html {
    let open = use_state(|| false);
    // The chosen command by its position among the lines and its text; `None` follows the last.
    let chosen = use_state(|| None::<(usize, String)>);
    let state: &TerminalState = &props.state;
    let commands: Vec<(usize, &String)> = state
        .lines
        .iter()
        .enumerate()
        .filter_map(|(at, line)| match line {
            Line::Input(text) if !text.is_empty() => Some((at, text)),
            _ => None,
        })
        .collect();
    let shown = match &*chosen {
        Some((at, text)) if state.lines.get(*at) == Some(&Line::Input(text.clone())) => Some((*at, text.clone())),
        _ => commands.last().map(|(at, text)| (*at, (*text).clone())),
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let pick = {
        let chosen = chosen.clone();
        let commands: Vec<(usize, String)> = commands.iter().map(|(at, text)| (*at, (*text).clone())).collect();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let at: Option<usize> = select.value().parse().ok();
            chosen.set(at.and_then(|at| commands.iter().find(|(line, _)| *line == at).cloned()));
        })
    };
    html! {
        <section class="under-the-hood" aria-label="Under the hood">
            <button id="api-toggle" class="api-toggle" onclick={toggle} aria-expanded={open.to_string()} aria-controls="api-panel"
                title="Show the Docker Engine API calls a command stands for">{ "⚙ Engine API calls" }</button>
            if *open {
                <div id="api-panel" class="api-panel">
                    if commands.is_empty() {
                        <p class="api-note">{ "Run a docker command: the requests the docker client sends to the daemon for it appear here." }</p>
                    } else {
                        <label for="api-command">{ "Command " }</label>
                        <select id="api-command" onchange={pick}>
                            { for commands.iter().rev().map(|(at, text)| html! {
                                <option value={at.to_string()} selected={shown.as_ref().is_some_and(|(s, _)| s == at)}>{ (*text).clone() }</option>
                            }) }
                        </select>
                        if let Some((at, text)) = shown {
                            <ApiCalls line={text} outcome={outcome(&state.lines[at + 1..], state.running.is_some())} />
                        }
                    }
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ApiCallsProps {
    /// The command line as typed.
    pub line: String,
    pub outcome: Outcome,
}

fn call_view(call: &ApiCall) -> Html {
    let body = match &call.body {
        Some(Body::Json(value)) => {
            html! { <pre class="api-body">{ serde_json::to_string_pretty(value).unwrap_or_default() }</pre> }
        }
        Some(Body::Stream(what)) => html! { <p class="api-stream">{ format!("body: {what}") }</p> },
        None => html! {},
    };
    html! {
        <li class="api-call">
            <code class="api-request"><span class={classes!("api-method", call.method.to_lowercase())}>{ call.method }</span>{ " " }{ call.url() }</code>
            if call.query_is_escaped() {
                <ul class="api-query" aria-label="The query's values, unescaped">
                    { for call.query.iter().map(|(name, value)| html! { <li><code>{ format!("{name} = {value}") }</code></li> }) }
                </ul>
            }
            if let Some(note) = &call.note { <p class="api-note">{ note.clone() }</p> }
            { body }
        </li>
    }
}

#[function_component(ApiCalls)]
pub fn api_calls(props: &ApiCallsProps) -> Html {
    let calls = match cli::parse(&props.line) {
        Ok(command) => api::calls(&command, &props.outcome),
        Err(_) => {
            return html! {
                <div class="api-calls"><p class="api-note">
                    { "The docker client refused this line itself: no request reached the daemon." }
                </p></div>
            }
        }
    };
    html! {
        <div class="api-calls" aria-label="Docker Engine API calls">
            if calls.is_empty() {
                <p class="api-note">{ "The docker client answers this one alone: no request reaches the daemon." }</p>
            } else {
                <ol>{ for calls.iter().map(call_view) }</ol>
                if calls.iter().any(|c| matches!(c.body, Some(Body::Json(_)))) {
                    <p class="api-note">{ "Body fields the command leaves at their zero values are left out here." }</p>
                }
            }
        </div>
    }
}
