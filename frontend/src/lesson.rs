//! The lesson pane: the lesson's prose, and its code blocks with a Run button each.

use yew::prelude::*;

use crate::markdown::{Block, Lesson};

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub lesson: Lesson,
    /// Called with each command of a block, in order, when its Run button is pressed.
    pub on_run: Callback<Vec<String>>,
}

#[function_component(LessonView)]
pub fn lesson_view(props: &LessonProps) -> Html {
    html! {
        <article class="lesson" aria-labelledby="lesson-title">
            <h1 id="lesson-title" class="lesson-title">{ &props.lesson.title }</h1>
            { for props.lesson.blocks.iter().map(|block| match block {
                Block::Html(html) => Html::from_html_unchecked(AttrValue::from(html.clone())),
                Block::Code { text, commands } => {
                    let button = (!commands.is_empty()).then(|| {
                        let on_run = props.on_run.clone();
                        let commands = commands.clone();
                        let label = format!("Run: {}", commands.join("; "));
                        html! {
                            <button class="run" title={label.clone()} aria-label={label}
                                onclick={Callback::from(move |_| on_run.emit(commands.clone()))}>{ "Run ▶" }</button>
                        }
                    });
                    html! { <div class="code"><pre><code>{ text }</code></pre>{ for button }</div> }
                }
            }) }
        </article>
    }
}
