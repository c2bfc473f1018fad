//! What the lint says about the Dockerfile being edited, under the editor: each hint with its
//! line (a button that puts the caret there), its rule, what is wrong, why it matters, and
//! BuildKit's page for the rules BuildKit has; or the parse error that stops the build, with its
//! line and column.

use dockyard_engine::dockerfile::{Hint, ParseError};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HintsProps {
    pub hints: Vec<Hint>,
    pub error: Option<ParseError>,
    /// Puts the editor's caret on this 1-based line.
    pub on_goto: Callback<usize>,
}

#[function_component(Hints)]
pub fn hints(props: &HintsProps) -> Html {
    let goto = |line: usize, label: String| {
        let on_goto = props.on_goto.clone();
        html! {
            <button class="goto" title="Put the caret on this line" onclick={Callback::from(move |_| on_goto.emit(line))}>
                { label }
            </button>
        }
    };
    let count = match (&props.error, props.hints.len()) {
        (Some(_), _) => "Docker cannot read this Dockerfile".to_string(),
        (None, 0) => "No hints: the checks find nothing to say about this Dockerfile.".to_string(),
        (None, 1) => "1 hint".to_string(),
        (None, n) => format!("{n} hints"),
    };
    html! {
        <section class="hints" id="editor-hints" aria-label="Hints on this Dockerfile">
            <h3 class="hints-count" aria-live="polite">{ count }</h3>
            <ul>
                if let Some(error) = &props.error {
                    <li class="hint error">
                        { goto(error.span.start.line, format!("Line {}, column {}", error.span.start.line, error.span.start.column)) }
                        <span class="message">{ error.message.clone() }</span>
                        <p class="why">{ "docker build stops here: fix this line first." }</p>
                    </li>
                }
                { for props.hints.iter().map(|hint| html! {
                    <li class="hint">
                        { goto(hint.span.start.line, format!("Line {}", hint.span.start.line)) }
                        <strong class="rule">{ hint.rule }</strong>
                        <span class="message">{ hint.message.clone() }</span>
                        <p class="why">{ hint.why.clone() }
                            if let Some(url) = hint.url() {
                                { " " }<a href={url} target="_blank" rel="noopener noreferrer">{ "More in Docker's docs" }</a>
                            }
                        </p>
                    </li>
                }) }
            </ul>
        </section>
    }
}
