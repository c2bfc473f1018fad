//! A lesson's structure, read from its Markdown: the front matter, and for each step (a `##`
//! heading) its goals, hints and reference solution, written in fenced blocks named `goals`,
//! `hint` and `solution`, the mistakes a test plays to see the goals stay unmet (`wrong`), and
//! the files the step puts in the build context (`file PATH`). The prose itself is the page's to
//! render; this is what the engine checks and what tests replay. `lessons/README.md` documents the format for teachers.
//!
//! Every mistake is reported with its line, so a teacher finds it without reading Rust.

use thiserror::Error;

use crate::goal::{Goal, GoalError};

/// The fenced blocks that are a lesson's machinery rather than code shown to the learner.
pub const SPECIAL_FENCES: &[&str] = &["goals", "hint", "solution", "wrong"];

/// The info word of a fenced block that is a file of the build context, named after it:
/// ```` ```file Dockerfile ````. The page shows it with a button that puts it in the Dockerfile
/// tab; tests write it into the context folder before the step's solution runs.
pub const FILE_FENCE: &str = "file";

/// The front matter keys a lesson may have.
const KEYS: &[&str] = &["id", "title", "level", "minutes", "prerequisites", "setup"];

/// A mistake in a lesson file, at a line (counted from 1).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}:{line}: {problem}")]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub problem: String,
}

/// What a lesson asks of the learner, step by step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub level: Option<String>,
    pub minutes: Option<u32>,
    /// Ids of lessons to take first.
    pub prerequisites: Vec<String>,
    /// Commands that make the lesson's starting state, run in a fresh engine.
    pub setup: Vec<String>,
    pub steps: Vec<LessonStep>,
}

/// One `##` section of a lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LessonStep {
    pub title: String,
    /// Each goal with the line as the teacher wrote it, which the page shows.
    pub goals: Vec<(String, Goal)>,
    pub hints: Vec<String>,
    /// The commands of the reference solution, in order.
    pub solution: Vec<String>,
    /// Commands a learner might try by mistake, which leave at least one goal unmet; tests play
    /// them before the solution, which must still work after them.
    pub wrong: Vec<String>,
    /// Files of the build context this step writes, as (path, text), in order.
    pub files: Vec<(String, String)>,
}

impl Lesson {
    /// Reads a lesson; `file` names it in errors and gives the id when the front matter has none.
    pub fn parse(file: &str, source: &str) -> Result<Lesson, LessonError> {
        let error = |line: usize, problem: String| LessonError { file: file.to_string(), line, problem };
        let mut lesson = Lesson {
            id: file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md").to_string(),
            ..Lesson::default()
        };
        let lines: Vec<&str> = source.lines().collect();
        let mut at = 0;
        if lines.first().map(|l| l.trim_end()) == Some("---") {
            let end = lines[1..]
                .iter()
                .position(|l| l.trim_end() == "---")
                .ok_or_else(|| error(1, "the front matter opened with --- never closes".into()))?;
            for (offset, line) in lines[1..=end].iter().enumerate() {
                let number = offset + 2;
                if line.trim().is_empty() {
                    continue;
                }
                let (key, value) = line
                    .split_once(':')
                    .ok_or_else(|| error(number, format!("expected `key: value`, found {line:?}")))?;
                let (key, value) = (key.trim(), value.trim().trim_matches('"'));
                match key {
                    "id" => lesson.id = value.to_string(),
                    "title" => lesson.title = value.to_string(),
                    "level" => lesson.level = Some(value.to_string()),
                    "minutes" => {
                        lesson.minutes = Some(
                            value
                                .parse()
                                .map_err(|_| error(number, format!("minutes must be a number, not {value:?}")))?,
                        )
                    }
                    "prerequisites" => lesson.prerequisites = list(value),
                    "setup" => {
                        lesson.setup =
                            value.split(';').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
                    }
                    other => {
                        return Err(error(
                            number,
                            format!("unknown front matter key {other:?}; lessons know {}", KEYS.join(", ")),
                        ))
                    }
                }
            }
            at = end + 2;
        }
        if lesson.title.is_empty() {
            lesson.title = lesson.id.clone();
        }

        let mut fence: Option<(usize, String, String, Vec<&str>)> = None;
        for (index, line) in lines.iter().enumerate().skip(at) {
            let number = index + 1;
            let trimmed = line.trim_start();
            if let Some((_, marker, _, body)) = &mut fence {
                if trimmed.starts_with(marker.as_str()) && trimmed.trim_end().chars().all(|c| c == '`' || c == '~') {
                    let (start, _, info, body) = fence.take().unwrap_or_default();
                    lesson.special(&info, &body, start).map_err(|(line, problem)| error(line, problem))?;
                } else {
                    body.push(line);
                }
                continue;
            }
            if let Some(title) = trimmed.strip_prefix("## ") {
                lesson.steps.push(LessonStep { title: title.trim().to_string(), ..LessonStep::default() });
            } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                let marker: String = trimmed.chars().take_while(|c| *c == '`' || *c == '~').collect();
                let info = trimmed[marker.len()..].trim().to_string();
                fence = Some((number, marker, info, Vec::new()));
            }
        }
        if let Some((start, ..)) = fence {
            return Err(error(start, "this code block never closes".into()));
        }
        Ok(lesson)
    }

    /// Takes in a fenced block that is one of the lesson's own (`goals`, `hint`, `solution`,
    /// `wrong`, `file PATH`).
    fn special(&mut self, info: &str, body: &[&str], start: usize) -> Result<(), (usize, String)> {
        let mut words = info.split_whitespace();
        let (kind, argument) = (words.next().unwrap_or(""), words.next());
        if !SPECIAL_FENCES.contains(&kind) && kind != FILE_FENCE {
            return Ok(());
        }
        let Some(step) = self.steps.last_mut() else {
            return Err((start, format!("a {kind} block must follow a step's `##` heading")));
        };
        let commands = || {
            body.iter()
                .map(|l| l.trim().trim_start_matches("$ ").trim())
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
        };
        match kind {
            "goals" => {
                for (offset, line) in body.iter().enumerate() {
                    let text = line.trim();
                    if text.is_empty() || text.starts_with('#') {
                        continue;
                    }
                    let goal = Goal::parse(text).map_err(|e: GoalError| (start + 1 + offset, e.to_string()))?;
                    step.goals.push((text.to_string(), goal));
                }
            }
            "hint" => step.hints.push(body.join("\n").trim().to_string()),
            "wrong" => step.wrong.extend(commands()),
            "solution" => step.solution.extend(commands()),
            _ => {
                let path = argument.filter(|p| !p.starts_with('/') && !p.split('/').any(|part| part == ".."));
                let Some(path) = path else {
                    return Err((
                        start,
                        "a file block names a path inside the build context: ```file Dockerfile".into(),
                    ));
                };
                let mut text = body.join("\n");
                text.push('\n');
                step.files.push((path.to_string(), text));
            }
        }
        Ok(())
    }
}

/// A front matter list: `[a, b]` or `a, b`.
fn list(value: &str) -> Vec<String> {
    value
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "---
id: layers
title: \"Layers\"
level: beginner
minutes: 10
prerequisites: [first-container]
setup: docker pull toolbox; docker volume create data
---
Intro text.

## Build it

Some prose.

```console
$ docker build -t app .
```

```goals
image app exists
# a comment
image app has 3 layers
```

```hint
Run the build from the Dockerfile tab.
```

```solution
$ docker build -t app .
```

## Run it

````goals
container web is running
````
";

    #[test]
    fn a_lesson_reads_into_steps_with_goals_hints_and_solutions() {
        let lesson = Lesson::parse("lessons/03-layers.md", LESSON).unwrap();
        assert_eq!((lesson.id.as_str(), lesson.title.as_str()), ("layers", "Layers"));
        assert_eq!((lesson.level.as_deref(), lesson.minutes), (Some("beginner"), Some(10)));
        assert_eq!(lesson.prerequisites, ["first-container"]);
        assert_eq!(lesson.setup, ["docker pull toolbox", "docker volume create data"]);
        assert_eq!(lesson.steps.len(), 2);
        let build = &lesson.steps[0];
        assert_eq!(build.title, "Build it");
        assert_eq!(
            build.goals.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>(),
            ["image app exists", "image app has 3 layers"]
        );
        assert_eq!(build.hints, ["Run the build from the Dockerfile tab."]);
        assert_eq!(build.solution, ["docker build -t app ."]);
        assert_eq!(lesson.steps[1].goals[0].1, Goal::ContainerStatus("web".into(), crate::goal::Status::Running));
    }

    #[test]
    fn mistakes_name_their_line() {
        let bad_goal = LESSON.replace("image app has 3 layers", "image app has three layers");
        let error = Lesson::parse("03-layers.md", &bad_goal).unwrap_err();
        assert_eq!(error.line, 22);
        assert!(error.to_string().starts_with("03-layers.md:22: goal \"image app has three layers\""), "{error}");

        let unclosed = "## Step\n\n```goals\nimage a exists\n";
        assert_eq!(Lesson::parse("x.md", unclosed).unwrap_err().to_string(), "x.md:3: this code block never closes");
        let orphan = "```hint\nnot in a step\n```\n";
        assert_eq!(Lesson::parse("x.md", orphan).unwrap_err().line, 1);
        let key = "---\ncolour: blue\n---\n";
        assert!(Lesson::parse("x.md", key).unwrap_err().problem.starts_with("unknown front matter key \"colour\""));
        assert_eq!(Lesson::parse("x.md", "---\nid: x\n").unwrap_err().line, 1);
        assert_eq!(Lesson::parse("x.md", "---\nminutes: soon\n---\n").unwrap_err().line, 2);
    }

    #[test]
    fn a_step_carries_its_mistakes_and_its_files() {
        let source =
            "## Bake\n\n```file Dockerfile\nFROM toolbox:1\nCOPY app.sh /\n```\n\n```file src/app.sh\necho hi\n```\n\n\
                      ```wrong\n$ docker build .\n```\n\n```solution\ndocker build -t app .\n```\n";
        let lesson = Lesson::parse("x.md", source).unwrap();
        let step = &lesson.steps[0];
        assert_eq!(step.wrong, ["docker build ."]);
        assert_eq!(
            step.files,
            [
                ("Dockerfile".to_string(), "FROM toolbox:1\nCOPY app.sh /\n".to_string()),
                ("src/app.sh".to_string(), "echo hi\n".to_string())
            ]
        );
        for bad in ["```file\nx\n```", "```file /etc/passwd\nx\n```", "```file ../up\nx\n```"] {
            let error = Lesson::parse("x.md", &format!("## Step\n\n{bad}\n")).unwrap_err();
            assert_eq!(error.line, 3, "{bad}: {error}");
        }
    }

    #[test]
    fn without_front_matter_the_file_names_the_lesson() {
        let lesson = Lesson::parse("lessons/99-sandbox.md", "Free play.\n").unwrap();
        assert_eq!((lesson.id.as_str(), lesson.title.as_str(), lesson.steps.len()), ("99-sandbox", "99-sandbox", 0));
    }
}
