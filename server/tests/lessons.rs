//! Every lesson in `lessons/`, played natively as a learner would: the setup, then each step's
//! reference solution, run for real (the engine, wasmtime and the built-in programs). Before its
//! solution a step's goals are not all met, so they cannot pass by themselves, nor after the
//! step's `wrong` commands, the mistakes a learner might make; after the solution every one is.
//! A step's `file` blocks are written into the build context, the test's working folder, before
//! its solution runs, as the page puts them in the Dockerfile tab.

use std::path::{Path, PathBuf};

use dockyard_engine::lesson::{Lesson, LessonStep};
use dockyard_engine::Timestamp;
use dockyard_server::native::{now, Native};

/// How far ahead goals are checked: a swarm's tasks take seconds to start and a failed node is
/// marked down after 15 s, so a step's goals are those met once the swarm has settled.
const SETTLED_NS: u64 = 30_000_000_000;

/// Whether every goal of `step` is met once the swarm has settled.
fn all_met(step: &LessonStep, native: &Native, history: &[String]) -> Vec<String> {
    let later = Timestamp(now().0 + SETTLED_NS);
    step.goals
        .iter()
        .filter(|(_, goal)| !goal.met_at(native.engine(), history, later))
        .map(|(text, _)| text.clone())
        .collect()
}

/// A data folder for one lesson's engine, removed afterwards.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let path = std::env::temp_dir().join(format!("dockyard-lesson-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Home(path)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every lesson file, or with `DOCKYARD_LESSON` set those whose file name contains it, as one
/// works on a lesson.
fn lessons() -> Vec<(String, String)> {
    let only = std::env::var("DOCKYARD_LESSON").unwrap_or_default();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the lessons folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.file_name().is_some_and(|n| n != "README.md"))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(&only)))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).expect("a lesson reads"),
            )
        })
        .collect()
}

/// Runs `line` as the learner would type it; its output is the test's to show on failure.
fn run(native: &mut Native, history: &mut Vec<String>, line: &str) -> String {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = native.execute(line, &mut std::io::empty(), &mut out, &mut err).expect("the command runs");
    history.push(line.to_string());
    format!("$ {line}\n{}{}(exit {code})\n", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err))
}

#[test]
fn every_lessons_solution_meets_every_goal_and_no_step_is_met_before() {
    let lessons = lessons();
    assert!(!lessons.is_empty(), "no lessons found");
    for (name, source) in lessons {
        let lesson = Lesson::parse(&name, &source).unwrap_or_else(|e| panic!("{e}"));
        let home = Home::new(&lesson.id);
        // The build context: `docker build .` reads the folder the test works in, the only test
        // of this binary, so changing it disturbs no other.
        let context = home.0.join("context");
        std::fs::create_dir_all(&context).expect("a context folder");
        std::env::set_current_dir(&context).expect("into the context");
        let mut native = Native::open(&home.0.join("state")).expect("an engine opens");
        let mut history = Vec::new();
        let mut transcript = String::new();
        for line in &lesson.setup {
            transcript.push_str(&run(&mut native, &mut history, line));
        }
        for step in &lesson.steps {
            if step.goals.is_empty() {
                continue;
            }
            assert!(!step.solution.is_empty(), "{name}: step {:?} has goals but no solution", step.title);
            // The step's mistakes, or something harmless, leave its goals unmet.
            let wrong = if step.wrong.is_empty() { vec!["docker version".to_string()] } else { step.wrong.clone() };
            for line in &wrong {
                transcript.push_str(&run(&mut native, &mut history, line));
            }
            assert!(
                !all_met(step, &native, &history).is_empty(),
                "{name}: step {:?} is met before its solution ran, after {wrong:?}:\n{transcript}",
                step.title
            );
            for (path, text) in &step.files {
                let path = context.join(path);
                std::fs::create_dir_all(path.parent().expect("a file in the context")).expect("its folder");
                std::fs::write(&path, text).expect("the file is written");
            }
            for line in &step.solution {
                transcript.push_str(&run(&mut native, &mut history, line));
            }
            let unmet = all_met(step, &native, &history);
            assert!(
                unmet.is_empty(),
                "{name}: step {:?}: {unmet:?} not met after its solution:\n{transcript}",
                step.title
            );
        }
        native.shutdown().expect("the engine stops");
        std::env::set_current_dir(std::env::temp_dir()).expect("out of the context");
    }
}
