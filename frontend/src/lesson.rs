//! The lesson pane: the lesson's prose, and its code blocks with a Run button each. In presenter
//! mode it shows one section (a `##` heading and what follows) at a time, with Previous and Next.

use yew::prelude::*;

use crate::markdown::{Block, Lesson};
use crate::presenter::{PresenterAction, StepNav};

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub lesson: Lesson,
    /// Called with each command of a block, in order, when its Run button is pressed.
    pub on_run: Callback<Vec<String>>,
    /// The section shown in presenter mode, or scrolled to otherwise (a shared link's step).
    #[prop_or_default]
    pub step: usize,
    #[prop_or_default]
    pub presenting: bool,
    #[prop_or_default]
    pub on_step: Callback<PresenterAction>,
}

fn block(block: &Block, on_run: &Callback<Vec<String>>) -> Html {
    match block {
        Block::Html(html) => Html::from_html_unchecked(AttrValue::from(html.clone())),
        Block::Code { text, commands } => {
            let button = (!commands.is_empty()).then(|| {
                let on_run = on_run.clone();
                let commands = commands.clone();
                let label = format!("Run: {}", commands.join("; "));
                html! {
                    <button class="run" title={label.clone()} aria-label={label}
                        onclick={Callback::from(move |_| on_run.emit(commands.clone()))}>{ "Run ▶" }</button>
                }
            });
            // Focusable, so a long line that scrolls sideways can be scrolled from the keyboard.
            html! { <div class="code"><pre tabindex="0"><code>{ text }</code></pre>{ for button }</div> }
        }
    }
}

/// The element id of a section, counted from 0 as steps are.
fn section_id(step: usize) -> String {
    format!("lesson-step-{}", step + 1)
}

#[function_component(LessonView)]
pub fn lesson_view(props: &LessonProps) -> Html {
    let sections = props.lesson.sections();
    let step = props.step.min(sections.len().saturating_sub(1));
    // Outside presenter mode, a link's step is scrolled into view rather than shown alone.
    {
        let scroll_to = (!props.presenting && step > 0).then_some(step);
        use_effect_with((scroll_to, props.lesson.id.clone()), |(scroll_to, _)| {
            let section =
                scroll_to.and_then(|step| web_sys::window()?.document()?.get_element_by_id(&section_id(step)));
            if let Some(section) = section {
                section.scroll_into_view();
            }
        });
    }
    let blocks = |range: std::ops::Range<usize>| -> Html {
        props.lesson.blocks.get(range).unwrap_or_default().iter().map(|b| block(b, &props.on_run)).collect()
    };
    html! {
        <article id="lesson-pane" class={classes!("lesson", props.presenting.then_some("presenting"))}
            aria-labelledby="lesson-title">
            <h1 id="lesson-title" class="lesson-title">{ &props.lesson.title }</h1>
            if props.presenting {
                // Previous and Next come first, in sight whatever the section's length.
                <StepNav step={step} count={sections.len()} on_action={props.on_step.clone()} />
                <section class="lesson-section" id={section_id(step)} aria-live="polite">
                    { blocks(sections.get(step).cloned().unwrap_or_default()) }
                </section>
            } else {
                { for sections.iter().cloned().enumerate().map(|(at, range)| html! {
                    <section class="lesson-section" id={section_id(at)}>{ blocks(range) }</section>
                }) }
            }
        </article>
    }
}
