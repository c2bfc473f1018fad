//! Under the hood: the Docker Engine API calls a command line stands for, shown under its line in
//! the terminal when the learner asks. What the command printed fills in what the calls depend
//! on (the new container's id, whether the image had to be pulled).

use dockyard_engine::api::{self, ApiCall, Body, Outcome};
use dockyard_engine::cli;
use yew::prelude::*;

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
