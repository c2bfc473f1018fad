//! The lesson map: every lesson in curriculum order, with its level, length and the learner's
//! progress (steps done of steps, a tick once all are), opened from the header to jump to any.

use yew::prelude::*;

use crate::markdown::Lesson;
use crate::progress::Progress;

#[derive(Properties, PartialEq)]
pub struct LessonMapProps {
    pub lessons: std::rc::Rc<Vec<Lesson>>,
    pub progress: Progress,
    pub current: usize,
    /// Opens the lesson at this index.
    pub on_open: Callback<usize>,
}

/// A lesson's line in the map: "2/4" steps, "✔" when all are done, nothing before it is opened.
pub fn badge(lesson: &Lesson, progress: &Progress) -> (String, bool) {
    let (Ok(plan), Some(kept)) = (&lesson.plan, progress.lessons.get(&lesson.id)) else {
        return (String::new(), false);
    };
    match kept.count(plan) {
        (_, 0) => ("opened".to_string(), false),
        (done, of) if done == of => ("✔".to_string(), true),
        (done, of) => (format!("{done}/{of}"), false),
    }
}

#[function_component(LessonMap)]
pub fn lesson_map(props: &LessonMapProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let item = |(at, lesson): (usize, &Lesson)| {
        let (badge, complete) = badge(lesson, &props.progress);
        let plan = lesson.plan.as_ref().ok();
        let detail: Vec<String> = plan
            .map(|p| p.level.iter().cloned().chain(p.minutes.filter(|m| *m > 0).map(|m| format!("{m} min"))).collect())
            .unwrap_or_default();
        let onclick = {
            let (on_open, open) = (props.on_open.clone(), open.clone());
            Callback::from(move |_: MouseEvent| {
                open.set(false);
                on_open.emit(at);
            })
        };
        let current = at == props.current;
        html! {
            <li class={classes!("map-lesson", complete.then_some("complete"), current.then_some("current"))}
                data-lesson={lesson.id.clone()}>
                <button {onclick} aria-current={current.then_some("page")}>
                    <span class="map-number">{ at + 1 }</span>
                    <span class="map-title">{ &lesson.title }</span>
                    <span class="map-detail">{ detail.join(" · ") }</span>
                    <span class="map-progress" aria-label={if badge.is_empty() { "not started".to_string() } else { format!("progress {badge}") }}>
                        { badge }
                    </span>
                </button>
            </li>
        }
    };
    html! {
        <div class="lesson-map">
            <button id="lesson-map-toggle" onclick={toggle} aria-expanded={(*open).to_string()} aria-controls="lesson-map">
                { "☰ Lessons" }
            </button>
            if *open {
                <nav id="lesson-map" aria-label="Lesson map">
                    <ol>{ for props.lessons.iter().enumerate().map(item) }</ol>
                </nav>
            }
        </div>
    }
}
