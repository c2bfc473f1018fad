//! Moving through the lessons: entering one (its starting state made for the learner, as the
//! tests make it: a fresh engine, then its setup), putting a step's files in the Dockerfile tab,
//! and resetting a step to the state it began from.
//!
//! Each time a step begins (the lesson's setup has run, or the step before it was done), the
//! engine's saved state is kept in memory, and Reset step restores it. A page reloaded in the
//! middle of a step has no such state, so there Reset step plays the lesson again from its setup
//! through the reference solutions of the steps before, which reaches the same step's start by
//! the teacher's path.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use dockyard_engine::lesson::Lesson;
use dockyard_engine::Engine;

use crate::controls::Keeper;
use crate::session;
use crate::state::Action;
use crate::workspace::{self, Workspace};

/// The engine's state when a step began.
struct StepStart {
    lesson: String,
    step: usize,
    state: String,
}

/// What the page remembers of the steps' starts, shared by the app's callbacks.
#[derive(Clone, Default)]
pub struct Course {
    start: Rc<RefCell<Option<StepStart>>>,
    /// A step has just begun: its state is kept once no command runs or waits.
    pending: Rc<Cell<bool>>,
    /// What the engine held before a lesson was entered afresh, and the words for Undo: once
    /// the lesson's setup has run, Undo goes back to it, so entering a lesson loses nothing.
    entered: Rc<RefCell<Option<(crate::controls::Before, String)>>>,
}

impl PartialEq for Course {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.start, &other.start)
    }
}

impl Course {
    /// Notes that a step began; `remember` keeps its state once the terminal is idle.
    pub fn began(&self) {
        self.pending.set(true);
    }

    /// Keeps the engine's state as the start of `step` of `lesson`, if a step began and nothing
    /// runs or waits now (a lesson's setup has finished).
    pub fn remember(&self, engine: &Engine, lesson: &str, step: Option<usize>, idle: bool) {
        if !idle || !self.pending.get() {
            return;
        }
        self.pending.set(false);
        *self.start.borrow_mut() =
            step.map(|step| StepStart { lesson: lesson.to_string(), step, state: engine.save() });
    }

    /// Enters `plan` afresh: a new engine, the lesson's progress started over, and its setup typed
    /// into the terminal, so the learner sees what made the starting state.
    pub fn enter(&self, keeper: &Keeper, plan: &Lesson, history_len: usize) {
        if !keeper.idle.get() {
            keeper
                .dispatcher
                .dispatch(Action::Note("The lesson starts once the command running now has ended.".into()));
            return;
        }
        let before = keeper.before();
        keeper.replace(session::new_engine());
        *self.entered.borrow_mut() = Some((before, format!("start “{}”", plan.title)));
        keeper.progress.borrow_mut().restart(&plan.id, history_len + plan.setup.len());
        let mut note = format!("“{}” starts from a fresh engine (Undo brings back what you had)", plan.title);
        note.push_str(if plan.setup.is_empty() { "." } else { ", made ready by its setup:" });
        keeper.dispatcher.dispatch(Action::Note(note));
        for command in &plan.setup {
            keeper.dispatcher.dispatch(Action::Submit(command.clone()));
        }
        self.began();
    }

    /// Once a lesson entered afresh has run its setup (nothing runs or waits), makes Undo go back
    /// to what the engine held before it, in place of the setup's last command.
    pub fn settle(&self, keeper: &Keeper, idle: bool) {
        if !idle {
            return;
        }
        if let Some((before, label)) = self.entered.borrow_mut().take() {
            keeper.after(before, &label);
        }
    }

    /// Puts step `step` back as it began: the state kept then, or else the lesson played again up
    /// to it. Its command count starts again.
    pub fn reset_step(
        &self,
        keeper: &Keeper,
        workspace: &Rc<RefCell<Workspace>>,
        plan: &Lesson,
        step: usize,
        history_len: usize,
    ) {
        if !keeper.idle.get() {
            keeper
                .dispatcher
                .dispatch(Action::Note("Reset step waits until the command running now has ended.".into()));
            return;
        }
        let kept = self
            .start
            .borrow()
            .as_ref()
            .filter(|start| start.lesson == plan.id && start.step == step)
            .and_then(|start| Engine::restore(&start.state, session::hub(), session::now()).ok());
        let title = plan.steps.get(step).map_or("", |s| s.title.as_str());
        if let Some(engine) = kept {
            // Undo brings back what the learner had before the reset.
            let before = keeper.before();
            keeper.replace(engine);
            keeper.after(before, &format!("reset step “{title}”"));
            keeper.progress.borrow_mut().restart_step(&plan.id, history_len);
            keeper.dispatcher.dispatch(Action::Note(format!(
                "Step “{title}” starts again: images, containers, volumes and networks are as they were when it began."
            )));
            return;
        }
        let replay = replay(plan, step);
        keeper.replace(session::new_engine());
        // The earlier steps' files, each path as the last of them left it, as the step began.
        for (path, text) in plan.steps.iter().take(step).flat_map(|s| s.files.iter()) {
            keeper.dispatcher.dispatch(Action::Note(put_file(workspace, path, text)));
        }
        keeper.progress.borrow_mut().restart_step(&plan.id, history_len + replay.len());
        keeper.dispatcher.dispatch(Action::Note(format!(
            "Step “{title}” starts again: a fresh engine, the lesson's setup and the solutions of the steps before it."
        )));
        for command in replay {
            keeper.dispatcher.dispatch(Action::Submit(command));
        }
        self.began();
    }
}

/// The commands that bring a fresh engine to the start of `step`: the setup, then each earlier
/// step's reference solution.
pub fn replay(plan: &Lesson, step: usize) -> Vec<String> {
    let earlier = plan.steps.iter().take(step).flat_map(|s| s.solution.iter());
    plan.setup.iter().chain(earlier).cloned().collect()
}

/// Puts a lesson's file in the Dockerfile tab's workspace; a note saying so, or why not.
pub fn put_file(workspace: &Rc<RefCell<Workspace>>, path: &str, text: &str) -> String {
    let now = js_sys::Date::now();
    let put = workspace.borrow_mut().put(path, text, now);
    match put.and_then(|path| workspace::save(&workspace.borrow()).map(|()| path)) {
        Ok(path) => format!("Put {path} in the Dockerfile tab: `docker build .` reads it now."),
        Err(why) => format!("Could not put {path} in the Dockerfile tab: {why}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_is_the_setup_then_the_earlier_solutions() {
        let source = "---\nsetup: docker pull toolbox\n---\n## One\n\n```solution\ndocker volume create v\n```\n\n\
                      ## Two\n\n```solution\ndocker run --rm -v v:/v toolbox true\n```\n\n## Three\n";
        let plan = Lesson::parse("x.md", source).expect("reads");
        assert_eq!(replay(&plan, 0), ["docker pull toolbox"]);
        assert_eq!(
            replay(&plan, 2),
            ["docker pull toolbox", "docker volume create v", "docker run --rm -v v:/v toolbox true"]
        );
    }
}
