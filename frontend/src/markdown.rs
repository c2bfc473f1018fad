//! Lessons from Markdown: front matter, prose rendered to HTML, and code blocks whose docker
//! commands the learner can run with one click.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// One piece of a lesson, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Prose, already rendered to HTML.
    Html(String),
    /// A code block, with the docker commands in it (lines starting `docker` or `$ docker`).
    Code { text: String, commands: Vec<String> },
}

/// A parsed lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
    /// Its steps' goals, hints and solutions as the engine reads them, or the teacher's mistake.
    pub plan: Result<plan::Lesson, String>,
}

use dockyard_engine::lesson as plan;

/// Parses a lesson: an optional `---` front matter of `key: value` lines, then Markdown.
pub fn parse_lesson(file_name: &str, source: &str) -> Lesson {
    let (front, body) = split_front_matter(source);
    let field = |key: &str| {
        front.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
        })
    };
    let id = field("id").unwrap_or_else(|| file_name.trim_end_matches(".md").to_string());
    let title = field("title").unwrap_or_else(|| id.clone());
    let plan = plan::Lesson::parse(file_name, source).map_err(|e| e.to_string());
    Lesson { id, title, blocks: blocks(body), plan }
}

impl Lesson {
    /// The lesson's sections as ranges of its blocks: what comes before the first `##` heading
    /// (if anything), then each `##` heading with what follows it up to the next. Never empty.
    pub fn sections(&self) -> Vec<std::ops::Range<usize>> {
        let mut starts: Vec<usize> = self
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, block)| matches!(block, Block::Html(html) if html.starts_with("<h2")))
            .map(|(at, _)| at)
            .collect();
        if starts.first() != Some(&0) {
            starts.insert(0, 0);
        }
        let ends = starts.iter().skip(1).copied().chain([self.blocks.len()]);
        starts.iter().copied().zip(ends).map(|(start, end)| start..end).collect()
    }
}

fn split_front_matter(source: &str) -> (&str, &str) {
    let Some(rest) = source.strip_prefix("---\n") else {
        return ("", source);
    };
    match rest.find("\n---\n") {
        Some(end) => (&rest[..end], &rest[end + 5..]),
        None => ("", source),
    }
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut prose: Vec<Event> = Vec::new();
    let mut code: Option<String> = None;
    // Inside a goals, hint or solution block, which the lesson pane draws from the plan instead.
    let mut special = false;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        if special {
            special = !matches!(event, Event::End(TagEnd::CodeBlock));
            continue;
        }
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))))
                if plan::SPECIAL_FENCES.contains(&info.split_whitespace().next().unwrap_or("")) =>
            {
                special = true;
            }
            (None, Event::Start(Tag::CodeBlock(_))) => {
                flush(&mut prose, &mut out);
                code = Some(String::new());
            }
            (Some(text), Event::Text(t)) => text.push_str(&t),
            (Some(text), Event::End(TagEnd::CodeBlock)) => {
                let text = std::mem::take(text);
                let commands = text
                    .lines()
                    .map(|l| l.trim().trim_start_matches("$ ").trim())
                    .filter(|l| l.starts_with("docker ") || *l == "docker")
                    .map(str::to_string)
                    .collect();
                out.push(Block::Code { text: text.trim_end().to_string(), commands });
                code = None;
            }
            (Some(_), _) => {}
            // A section starts at its `##` heading, in a block of its own, so presenter mode can
            // show one section at a time.
            (None, event @ Event::Start(Tag::Heading { level: HeadingLevel::H2, .. })) => {
                flush(&mut prose, &mut out);
                prose.push(event);
            }
            (None, event) => prose.push(event),
        }
    }
    flush(&mut prose, &mut out);
    out
}

fn flush(prose: &mut Vec<Event>, out: &mut Vec<Block>) {
    if prose.is_empty() {
        return;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, prose.drain(..));
    out.push(Block::Html(html));
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "---\nid: hello\ntitle: \"Your first container\"\n---\n# Hi\n\nRun **this**:\n\n```console\n$ docker run hello-world\nHello from Dockyard!\n```\n\nThen:\n\n    docker ps -a\n";

    #[test]
    fn front_matter_and_blocks_are_read() {
        let lesson = parse_lesson("01-hello.md", LESSON);
        assert_eq!(lesson.id, "hello");
        assert_eq!(lesson.title, "Your first container");
        assert_eq!(lesson.blocks.len(), 4);
        assert_eq!(lesson.blocks[0], Block::Html("<h1>Hi</h1>\n<p>Run <strong>this</strong>:</p>\n".into()));
        assert_eq!(
            lesson.blocks[1],
            Block::Code {
                text: "$ docker run hello-world\nHello from Dockyard!".into(),
                commands: vec!["docker run hello-world".into()]
            }
        );
        assert_eq!(
            lesson.blocks[3],
            Block::Code { text: "docker ps -a".into(), commands: vec!["docker ps -a".into()] }
        );
    }

    #[test]
    fn sections_start_at_second_level_headings() {
        let lesson = parse_lesson(
            "x.md",
            "Intro.\n\n## One\n\nText.\n\n```\ndocker ps\n```\n\nMore.\n\n## Two\n\n### Deeper\n\nEnd.\n",
        );
        let sections = lesson.sections();
        assert_eq!(sections, vec![0..1, 1..4, 4..5]);
        assert!(matches!(&lesson.blocks[1], Block::Html(h) if h.starts_with("<h2>One</h2>")));
        assert!(matches!(&lesson.blocks[4], Block::Html(h) if h.contains("<h3>Deeper</h3>")));
        // A lesson that opens with its first section has no introduction to show apart.
        assert_eq!(parse_lesson("y.md", "## Only\n\nText.").sections(), vec![0..1]);
        assert_eq!(parse_lesson("z.md", "").sections(), vec![0..0]);
    }

    #[test]
    fn a_lesson_without_front_matter_is_named_by_its_file() {
        let lesson = parse_lesson("02-more.md", "Just text, no code.");
        assert_eq!((lesson.id.as_str(), lesson.title.as_str()), ("02-more", "02-more"));
        assert!(matches!(&lesson.blocks[..], [Block::Html(_)]));
    }

    #[test]
    fn every_shipped_lesson_parses_and_offers_commands() {
        assert!(!crate::lessons::LESSONS.is_empty());
        for (name, source) in crate::lessons::LESSONS {
            let lesson = parse_lesson(name, source);
            assert!(!lesson.title.is_empty(), "{name} has no title");
            let commands =
                lesson.blocks.iter().filter(|b| matches!(b, Block::Code { commands, .. } if !commands.is_empty()));
            assert!(commands.count() > 0, "{name} has nothing to run");
            for block in &lesson.blocks {
                if let Block::Code { commands, .. } = block {
                    for command in commands {
                        assert!(dockyard_engine::cli::parse(command).is_ok(), "{name}: {command} does not parse");
                    }
                }
            }
            // Its plan reads, and each solution's commands are docker's.
            let plan = lesson.plan.unwrap_or_else(|e| panic!("{e}"));
            for step in &plan.steps {
                for command in &step.solution {
                    assert!(dockyard_engine::cli::parse(command).is_ok(), "{name}: solution {command} does not parse");
                }
            }
        }
    }

    #[test]
    fn goals_hints_and_solutions_stay_out_of_the_prose() {
        let source = "## Step\n\nText.\n\n```goals\nimage a exists\n```\n\n```hint\nTry harder.\n```\n\n```solution\ndocker pull a\n```\n\n```console\n$ docker ps\n```\n";
        let lesson = parse_lesson("x.md", source);
        let code: Vec<&Block> = lesson.blocks.iter().filter(|b| matches!(b, Block::Code { .. })).collect();
        assert_eq!(code.len(), 1, "only the console block is shown as code: {:?}", lesson.blocks);
        let plan = lesson.plan.expect("the plan reads");
        assert_eq!(plan.steps[0].hints, ["Try harder."]);
        assert_eq!(plan.steps[0].solution, ["docker pull a"]);
    }
}
