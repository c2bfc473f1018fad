//! Every lesson in `lessons/`, played natively as a learner would: the setup, then each step's
//! reference solution, run for real (the engine, wasmtime and the built-in programs). Before its
//! solution a step's goals are not all met, so they cannot pass by themselves; after it, every
//! one is.

use std::path::{Path, PathBuf};

use dockyard_engine::lesson::Lesson;
use dockyard_server::native::Native;

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

fn lessons() -> Vec<(String, String)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the lessons folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.file_name().is_some_and(|n| n != "README.md"))
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
        let mut native = Native::open(&home.0).expect("an engine opens");
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
            // Something harmless first: a wrong command leaves the step's goals unmet.
            transcript.push_str(&run(&mut native, &mut history, "docker version"));
            let unmet = step.goals.iter().filter(|(_, goal)| !goal.met(native.engine(), &history)).count();
            assert!(unmet > 0, "{name}: step {:?} is met before its solution ran:\n{transcript}", step.title);
            for line in &step.solution {
                transcript.push_str(&run(&mut native, &mut history, line));
            }
            for (text, goal) in &step.goals {
                assert!(
                    goal.met(native.engine(), &history),
                    "{name}: step {:?}: `{text}` is not met after its solution:\n{transcript}",
                    step.title
                );
            }
        }
        native.shutdown().expect("the engine stops");
    }
}
