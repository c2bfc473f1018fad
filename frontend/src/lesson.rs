//! The lesson pane: the lesson's prose, and its code blocks with a Run button each. In presenter
//! mode it shows one section (a `##` heading and what follows) at a time, with Previous and Next.

use yew::prelude::*;

use dockyard_engine::lesson as plan;

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
    /// For each step (a `##` section) of the lesson's plan, whether each of its goals is met now.
    #[prop_or_default]
    pub met: Vec<Vec<bool>>,
}

/// A step's goals, turning green as commands meet them, then its hints and its solution.
fn step_panel(step: &plan::LessonStep, met: &[bool], on_run: &Callback<Vec<String>>) -> Html {
    if step.goals.is_empty() && step.hints.is_empty() && step.solution.is_empty() {
        return html! {};
    }
    let done = !step.goals.is_empty() && met.len() == step.goals.len() && met.iter().all(|m| *m);
    let solution = step.solution.clone();
    let run = {
        let on_run = on_run.clone();
        Callback::from(move |_| on_run.emit(solution.clone()))
    };
    html! {
        <div class={classes!("step-goals", done.then_some("done"))}>
            if !step.goals.is_empty() {
                <p class="goals-title">{ if done { "✔ Step done" } else { "Goals" } }</p>
                <ul class="goals">
                    { for step.goals.iter().enumerate().map(|(at, (text, _))| {
                        let ok = met.get(at).copied().unwrap_or(false);
                        html! {
                            <li class={classes!("goal", ok.then_some("met"))} data-met={ok.to_string()}>
                                <span class="goal-mark" aria-hidden="true">{ if ok { "✔" } else { "○" } }</span>
                                <span class="visually-hidden">{ if ok { "met: " } else { "not yet: " } }</span>
                                <code>{ text.clone() }</code>
                            </li>
                        }
                    }) }
                </ul>
            }
            { for step.hints.iter().enumerate().map(|(at, hint)| html! {
                <details class="hint"><summary>{ if step.hints.len() > 1 { format!("Hint {}", at + 1) } else { "Hint".to_string() } }</summary>
                    <p>{ hint.clone() }</p></details>
            }) }
            if !step.solution.is_empty() {
                <details class="solution"><summary>{ "Show solution" }</summary>
                    <div class="code"><pre tabindex="0"><code>{ step.solution.join("\n") }</code></pre>
                        <button class="run" aria-label={format!("Run the solution: {}", step.solution.join("; "))} onclick={run}>{ "Run ▶" }</button>
                    </div>
                </details>
            }
        </div>
    }
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
    // The plan's steps are the `##` sections, in order; a lesson's introduction has none.
    let plan = props.lesson.plan.as_ref().ok();
    let intro = usize::from(
        !matches!(props.lesson.blocks.first(), Some(Block::Html(html)) if html.starts_with("<h2"))
            && !sections.is_empty(),
    );
    let blocks = |range: std::ops::Range<usize>| -> Html {
        props.lesson.blocks.get(range).unwrap_or_default().iter().map(|b| block(b, &props.on_run)).collect()
    };
    let section = |at: usize| -> Html {
        let range = sections.get(at).cloned().unwrap_or_default();
        let step = at.checked_sub(intro).and_then(|k| plan.and_then(|p| p.steps.get(k)).map(|s| (k, s)));
        html! { <>
            { blocks(range) }
            if let Some((k, step)) = step {
                { step_panel(step, props.met.get(k).map(Vec::as_slice).unwrap_or_default(), &props.on_run) }
            }
        </> }
    };
    html! {
        <article id="lesson-pane" class={classes!("lesson", props.presenting.then_some("presenting"))}
            aria-labelledby="lesson-title">
            <h1 id="lesson-title" class="lesson-title">{ &props.lesson.title }</h1>
            if let Err(problem) = &props.lesson.plan {
                <p class="lesson-error" role="alert">{ format!("This lesson's goals could not be read: {problem}") }</p>
            }
            if let Some(setup) = plan.map(|p| &p.setup).filter(|setup| !setup.is_empty()) {
                // The lesson starts from this state; the learner runs it, and sees it run.
                <div class="lesson-setup">
                    <p>{ "This lesson starts from what these commands make:" }</p>
                    { block(&Block::Code { text: setup.join("\n"), commands: setup.clone() }, &props.on_run) }
                </div>
            }
            if props.presenting {
                // Previous and Next come first, in sight whatever the section's length.
                <StepNav step={step} count={sections.len()} on_action={props.on_step.clone()} />
                <section class="lesson-section" id={section_id(step)} aria-live="polite">
                    { section(step) }
                </section>
            } else {
                { for (0..sections.len()).map(|at| html! {
                    <section class="lesson-section" id={section_id(at)}>{ section(at) }</section>
                }) }
            }
        </article>
    }
}
