//! The learner's progress through the lessons: which steps are done, and in how many commands,
//! kept with the session. Pure, so it is tested without a page.
//!
//! A step is done the first time all its goals are met, and stays done: a goal that a later
//! command undoes (a container removed, say) does not take the tick away. The steps are taken in
//! order, so a later step whose goals happen to be met waits for the ones before it. Commands are
//! counted as the terminal's history counts them: since the step began (the lesson was entered,
//! the step before it was done, or the step was reset) until its goals were met.

use std::collections::BTreeMap;

use dockyard_engine::lesson::{Lesson, LessonStep};
use serde::{Deserialize, Serialize};

/// Every lesson the learner has opened, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
}

/// One lesson's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// Per step, once it is done: the commands used for it.
    #[serde(default)]
    pub done: Vec<Option<usize>>,
    /// The history's length when the lesson was entered: `ran` goals look at what came after.
    #[serde(default)]
    pub entered: usize,
    /// The history's length when the step being worked on began.
    #[serde(default)]
    pub step_start: usize,
}

/// A step's golf count: the commands the learner used against the reference solution's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Golf {
    pub used: usize,
    pub par: usize,
}

impl LessonProgress {
    /// Whether step `k` is done.
    pub fn is_done(&self, k: usize) -> bool {
        self.done.get(k).is_some_and(Option::is_some)
    }

    /// The step being worked on: the first with goals that is not done, if any.
    pub fn current(&self, plan: &Lesson) -> Option<usize> {
        plan.steps.iter().enumerate().find(|(k, step)| !step.goals.is_empty() && !self.is_done(*k)).map(|(k, _)| k)
    }

    /// How many of the lesson's steps with goals are done, of how many.
    pub fn count(&self, plan: &Lesson) -> (usize, usize) {
        let with_goals: Vec<usize> =
            plan.steps.iter().enumerate().filter(|(_, s)| !s.goals.is_empty()).map(|(k, _)| k).collect();
        (with_goals.iter().filter(|k| self.is_done(**k)).count(), with_goals.len())
    }

    /// The golf count of `step`, step `k`, once it is done.
    pub fn golf(&self, step: &LessonStep, k: usize) -> Option<Golf> {
        let used = (*self.done.get(k)?)?;
        Some(Golf { used, par: step.solution.len() })
    }
}

impl Progress {
    /// The lesson's progress, made (entered now) the first time it is asked for.
    pub fn lesson(&mut self, id: &str, history_len: usize) -> &mut LessonProgress {
        self.lessons.entry(id.to_string()).or_insert_with(|| LessonProgress {
            done: Vec::new(),
            entered: history_len,
            step_start: history_len,
        })
    }

    /// Whether the learner has opened the lesson before.
    pub fn started(&self, id: &str) -> bool {
        self.lessons.contains_key(id)
    }

    /// Starts the lesson over, entered at `history_len`, nothing done.
    pub fn restart(&mut self, id: &str, history_len: usize) {
        self.lessons.remove(id);
        self.lesson(id, history_len);
    }

    /// Ticks the steps whose goals `met` (per step, per goal) are all met, in order from the
    /// current one; whether anything changed.
    pub fn update(&mut self, plan: &Lesson, met: &[Vec<bool>], history_len: usize) -> bool {
        let progress = self.lesson(&plan.id, history_len);
        // A history that shrank (a reset, a loaded session) counts from where it is now.
        progress.entered = progress.entered.min(history_len);
        progress.step_start = progress.step_start.min(history_len);
        let mut changed = false;
        while let Some(k) = progress.current(plan) {
            let all = met.get(k).is_some_and(|goals| !goals.is_empty() && goals.iter().all(|m| *m));
            if !all {
                break;
            }
            if progress.done.len() <= k {
                progress.done.resize(k + 1, None);
            }
            progress.done[k] = Some(history_len - progress.step_start);
            progress.step_start = history_len;
            changed = true;
        }
        changed
    }

    /// The step being worked on starts again at `history_len`: its count starts from zero.
    pub fn restart_step(&mut self, id: &str, history_len: usize) {
        if let Some(progress) = self.lessons.get_mut(id) {
            progress.step_start = history_len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Lesson {
        let source = "---\nid: demo\n---\n## One\n\n```goals\nimage a exists\nimage b exists\n```\n\n```solution\n\
                      docker pull a\ndocker pull b\n```\n\n## Prose only\n\nText.\n\n## Two\n\n```goals\nvolume v exists\n\
                      ```\n\n```solution\ndocker volume create v\n```\n";
        Lesson::parse("demo.md", source).expect("the plan reads")
    }

    #[test]
    fn steps_are_ticked_in_order_with_their_golf_count() {
        let plan = plan();
        let mut progress = Progress::default();
        assert!(!progress.started("demo"));
        progress.lesson("demo", 4);
        assert!(progress.started("demo"));
        // Step two's goal is met first, but step one is not done: nothing is ticked.
        assert!(!progress.update(&plan, &[vec![true, false], vec![], vec![true]], 5));
        assert_eq!(progress.lessons["demo"].current(&plan), Some(0));
        // Three commands later step one is met, and step two with it, in no commands of its own.
        assert!(progress.update(&plan, &[vec![true, true], vec![], vec![true]], 7));
        let demo = &progress.lessons["demo"];
        assert_eq!(demo.golf(&plan.steps[0], 0), Some(Golf { used: 3, par: 2 }));
        assert_eq!(demo.golf(&plan.steps[2], 2), Some(Golf { used: 0, par: 1 }));
        assert_eq!(demo.count(&plan), (2, 2));
        assert_eq!(demo.current(&plan), None);
        // Done stays done, whatever happens to the goals afterwards.
        assert!(!progress.update(&plan, &[vec![false, false], vec![], vec![false]], 9));
        assert_eq!(progress.lessons["demo"].count(&plan), (2, 2));
    }

    #[test]
    fn a_reset_step_counts_again_from_zero_and_a_restart_forgets() {
        let plan = plan();
        let mut progress = Progress::default();
        progress.lesson("demo", 0);
        progress.restart_step("demo", 6);
        assert!(progress.update(&plan, &[vec![true, true], vec![], vec![false]], 8));
        assert_eq!(progress.lessons["demo"].golf(&plan.steps[0], 0), Some(Golf { used: 2, par: 2 }));
        progress.restart("demo", 10);
        assert_eq!(progress.lessons["demo"].count(&plan), (0, 2));
        assert_eq!(progress.lessons["demo"].entered, 10);
        // A history shorter than the marks (after a session reset) counts from its end.
        assert!(progress.update(&plan, &[vec![true, true], vec![], vec![false]], 1));
        assert_eq!(progress.lessons["demo"].golf(&plan.steps[0], 0), Some(Golf { used: 0, par: 2 }));
    }

    #[test]
    fn progress_round_trips_and_old_sessions_have_none() {
        let mut progress = Progress::default();
        progress.lesson("demo", 3).done = vec![Some(2), None];
        let text = serde_json::to_string(&progress).expect("written");
        assert_eq!(serde_json::from_str::<Progress>(&text).expect("read"), progress);
        assert_eq!(serde_json::from_str::<Progress>("{}").expect("read"), Progress::default());
    }
}
