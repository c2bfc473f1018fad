//! The lesson pane: the lesson's prose, and its code blocks with a Run button each; under each
//! step its goals, ticked as they are met, with its golf count once done, hints, the solution and
//! Reset step. In presenter mode it shows one section (a `##` heading and what follows) at a
//! time, with Previous and Next. A link to another lesson's file opens that lesson. While the
//! lesson's prose is fetched it says so, and a failed fetch offers Retry.

use yew::prelude::*;

use dockyard_engine::lesson as plan;

use wasm_bindgen::JsCast;

use crate::lesson_fetch::Fetching;
use crate::markdown::{lesson_link, Block, Lesson};
use crate::presenter::{PresenterAction, StepNav};
use crate::progress::{Golf, LessonProgress};

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
    /// Which steps are done, and in how many commands.
    #[prop_or_default]
    pub progress: LessonProgress,
    /// Puts a `file` block, (path, text), in the Dockerfile tab.
    #[prop_or_default]
    pub on_file: Callback<(String, String)>,
    /// Puts the step (counted from 0) back as it began.
    #[prop_or_default]
    pub on_reset_step: Callback<usize>,
    /// Opens the lesson in this file.
    #[prop_or_default]
    pub on_open: Callback<String>,
    /// How the lesson's prose is coming, when it is fetched.
    #[prop_or_default]
    pub fetching: Fetching,
    /// Tries a failed fetch of the prose again.
    #[prop_or_default]
    pub on_retry: Callback<()>,
}

/// What a step panel needs besides its step.
struct StepState<'a> {
    k: usize,
    met: &'a [bool],
    progress: &'a LessonProgress,
    current: bool,
}

/// A step's goals, turning green as commands meet them, then its hints and its solution.
fn step_panel(step: &plan::LessonStep, state: StepState, props: &LessonProps) -> Html {
    if step.goals.is_empty() && step.hints.is_empty() && step.solution.is_empty() {
        return html! {};
    }
    let (on_run, met) = (&props.on_run, state.met);
    let all_met = !step.goals.is_empty() && met.len() == step.goals.len() && met.iter().all(|m| *m);
    let done = all_met || state.progress.is_done(state.k);
    let golf = state.progress.golf(step, state.k).map(|Golf { used, par }| {
        let verdict = match used.cmp(&par) {
            std::cmp::Ordering::Less => "under par",
            std::cmp::Ordering::Equal => "par",
            std::cmp::Ordering::Greater => "over par",
        };
        html! {
            <p class="golf" data-used={used.to_string()} data-par={par.to_string()}>
                { format!("⛳ {used} command{} — the solution takes {par} ({verdict})", if used == 1 { "" } else { "s" }) }
            </p>
        }
    });
    let reset = state.current.then(|| {
        let (on_reset, k) = (props.on_reset_step.clone(), state.k);
        html! {
            <button class="reset-step" title="Put images, containers, volumes and networks back as they were when this step began"
                onclick={Callback::from(move |_| on_reset.emit(k))}>{ "↺ Reset step" }</button>
        }
    });
    let solution = step.solution.clone();
    // The solution's run puts the step's files in the Dockerfile tab first, as the step asks.
    let run = {
        let (on_run, on_file, files) = (on_run.clone(), props.on_file.clone(), step.files.clone());
        Callback::from(move |_| {
            for file in &files {
                on_file.emit(file.clone());
            }
            on_run.emit(solution.clone())
        })
    };
    let with_files = (!step.files.is_empty()).then(|| {
        let names: Vec<&str> = step.files.iter().map(|(path, _)| path.as_str()).collect();
        html! { <p class="solution-files">{ format!("With this step's files in the Dockerfile tab: {}.", names.join(", ")) }</p> }
    });
    html! {
        <div class={classes!("step-goals", done.then_some("done"))}>
            if !step.goals.is_empty() {
                <p class="goals-title">{ if done { "✔ Step done" } else { "Goals" } }</p>
                { for golf }
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
                    { for with_files }
                    <div class="code"><pre tabindex="0"><code>{ step.solution.join("\n") }</code></pre>
                        <button class="run" aria-label={format!("Run the solution: {}", step.solution.join("; "))} onclick={run}>{ "Run ▶" }</button>
                    </div>
                </details>
            }
            { for reset }
        </div>
    }
}

fn block(block: &Block, on_run: &Callback<Vec<String>>, on_file: &Callback<(String, String)>) -> Html {
    match block {
        Block::File { path, text } => {
            let (on_file, file) = (on_file.clone(), (path.clone(), text.clone()));
            let label = format!("Put {path} in the Dockerfile tab");
            html! {
                <div class="code file">
                    <p class="file-name"><code>{ path }</code></p>
                    <pre tabindex="0"><code>{ text }</code></pre>
                    <button class="put-file" title={label.clone()} aria-label={label}
                        onclick={Callback::from(move |_| on_file.emit(file.clone()))}>{ "Put in Dockerfile tab" }</button>
                </div>
            }
        }
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

/// The lesson's level, length, and how far the learner is: "beginner · 10 min · 2 of 4 steps done".
fn meta(plan: &plan::Lesson, progress: &LessonProgress) -> String {
    let mut parts: Vec<String> = plan.level.iter().cloned().collect();
    parts.extend(plan.minutes.filter(|m| *m > 0).map(|m| format!("{m} min")));
    let (done, of) = progress.count(plan);
    if of > 0 {
        parts.push(format!("{done} of {of} steps done"));
    }
    parts.join(" · ")
}

/// What the pane shows in place of the lesson's sections while its prose is fetched, or after
/// the fetch failed: nothing once the prose is here.
fn fetching(fetching: &Fetching, on_retry: &Callback<()>) -> Option<Html> {
    match fetching {
        Fetching::Done => None,
        Fetching::Loading => Some(html! { <p class="lesson-loading" role="status">{ "Loading lesson…" }</p> }),
        Fetching::Failed(why) => {
            let on_retry = on_retry.clone();
            Some(html! {
                <div class="lesson-error lesson-failed" role="alert">
                    <p>{ format!("This lesson's text could not be loaded ({why}). Its goals still count what you do; \
                                  try again once the page is online.") }</p>
                    <button id="lesson-retry" onclick={Callback::from(move |_| on_retry.emit(()))}>{ "Retry" }</button>
                </div>
            })
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
        // Keyed by the blocks too: a fetched lesson's sections come after its title.
        let key = (scroll_to, props.lesson.id.clone(), props.lesson.blocks.len());
        use_effect_with(key, |(scroll_to, ..)| {
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
        props
            .lesson
            .blocks
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|b| block(b, &props.on_run, &props.on_file))
            .collect()
    };
    let section = |at: usize| -> Html {
        let range = sections.get(at).cloned().unwrap_or_default();
        let step = at.checked_sub(intro).and_then(|k| plan.and_then(|p| p.steps.get(k)).map(|s| (k, s)));
        html! { <>
            { blocks(range) }
            if let Some((k, step)) = step {
                { step_panel(step, StepState {
                    k,
                    met: props.met.get(k).map(Vec::as_slice).unwrap_or_default(),
                    progress: &props.progress,
                    current: plan.and_then(|p| props.progress.current(p)) == Some(k),
                }, props) }
            }
        </> }
    };
    // A link to another lesson's file opens that lesson here rather than leaving the page.
    let onclick = {
        let on_open = props.on_open.clone();
        Callback::from(move |event: MouseEvent| {
            let anchor = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("a").ok().flatten());
            if let Some(href) = anchor.and_then(|a| a.get_attribute("href")) {
                if let Some(file) = lesson_link(&href) {
                    event.prevent_default();
                    on_open.emit(file.to_string());
                }
            }
        })
    };
    html! {
        <article id="lesson-pane" class={classes!("lesson", props.presenting.then_some("presenting"))}
            aria-labelledby="lesson-title" {onclick}>
            <h1 id="lesson-title" class="lesson-title">{ &props.lesson.title }</h1>
            if let Some(plan) = plan {
                <p class="lesson-meta">{ meta(plan, &props.progress) }</p>
            }
            if let Err(problem) = &props.lesson.plan {
                <p class="lesson-error" role="alert">{ format!("This lesson's goals could not be read: {problem}") }</p>
            }
            if let Some(setup) = plan.map(|p| &p.setup).filter(|setup| !setup.is_empty()) {
                // The lesson starts from this state; the learner runs it, and sees it run.
                <div class="lesson-setup">
                    <p>{ "This lesson starts from what these commands make:" }</p>
                    { block(&Block::Code { text: setup.join("\n"), commands: setup.clone() }, &props.on_run, &props.on_file) }
                </div>
            }
            if let Some(fetching) = fetching(&props.fetching, &props.on_retry) {
                { fetching }
            } else if props.presenting {
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
