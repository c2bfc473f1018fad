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
    /// A file of the build context (a ```` ```file PATH ```` block), which the learner can put in
    /// the Dockerfile tab.
    File { path: String, text: String },
}

/// A parsed lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
    /// Where its links point, as written.
    pub links: Vec<String>,
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
    let (blocks, links) = blocks(body);
    Lesson { id, title, blocks, links, plan }
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

/// The link to another lesson that `href` is: its file name, when it names a lesson file of this
/// folder (`07-registries.md`), which the lesson pane opens in place.
pub fn lesson_link(href: &str) -> Option<&str> {
    let file = href.split('#').next().unwrap_or(href).trim_start_matches("./");
    (file.ends_with(".md") && !file.contains(':') && !file.contains('/')).then_some(file)
}

fn blocks(markdown: &str) -> (Vec<Block>, Vec<String>) {
    let mut out = Vec::new();
    let mut links = Vec::new();
    let mut prose: Vec<Event> = Vec::new();
    // A code block's text so far, and the file it is when it is a `file` block.
    let mut code: Option<(String, Option<String>)> = None;
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
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                flush(&mut prose, &mut out);
                let file = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let mut words = info.split_whitespace();
                        match (words.next(), words.next()) {
                            (Some(plan::FILE_FENCE), Some(path)) => Some(path.to_string()),
                            _ => None,
                        }
                    }
                    CodeBlockKind::Indented => None,
                };
                code = Some((String::new(), file));
            }
            (Some((text, _)), Event::Text(t)) => text.push_str(&t),
            (Some((_, Some(_))), Event::End(TagEnd::CodeBlock)) => {
                if let Some((text, Some(path))) = code.take() {
                    out.push(Block::File { path, text });
                }
            }
            (Some((text, None)), Event::End(TagEnd::CodeBlock)) => {
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
            (None, Event::Start(Tag::Link { link_type, dest_url, title, id })) => {
                links.push(dest_url.to_string());
                prose.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            (None, event) => prose.push(event),
        }
    }
    flush(&mut prose, &mut out);
    (out, links)
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
                for command in step.solution.iter().chain(&step.wrong) {
                    assert!(dockyard_engine::cli::parse(command).is_ok(), "{name}: solution {command} does not parse");
                }
            }
        }
    }

    #[test]
    fn file_blocks_and_links_are_read() {
        let source =
            "## Bake\n\nSee [the registries](07-registries.md#push-it) and [Docker](https://docs.docker.com/).\n\n\
                      ```file Dockerfile\nFROM toolbox:1\n```\n";
        let lesson = parse_lesson("x.md", source);
        assert_eq!(lesson.links, ["07-registries.md#push-it", "https://docs.docker.com/"]);
        assert_eq!(lesson.blocks[1], Block::File { path: "Dockerfile".into(), text: "FROM toolbox:1\n".into() });
        assert_eq!(lesson_link("07-registries.md#push-it"), Some("07-registries.md"));
        assert_eq!(lesson_link("./09-volumes.md"), Some("09-volumes.md"));
        assert_eq!(lesson_link("https://example.com/a.md"), None);
        assert_eq!(lesson_link("#top"), None);
    }

    /// Every shipped lesson renders with no broken link (another lesson's file, a heading of the
    /// lesson it names, or a web address) and no prerequisite that is not a lesson; its goals are
    /// checked to be known ones when its plan reads, above.
    #[test]
    fn every_shipped_lesson_links_only_to_what_exists() {
        let lessons: Vec<(&str, Lesson)> =
            crate::lessons::LESSONS.iter().map(|(name, source)| (*name, parse_lesson(name, source))).collect();
        let ids: Vec<&str> = lessons.iter().map(|(_, l)| l.id.as_str()).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "two lessons share an id: {ids:?}");
        // A heading's anchor, as GitHub makes it: lower case, spaces to dashes, punctuation dropped.
        let anchors = |lesson: &Lesson| -> Vec<String> {
            let plan = lesson.plan.as_ref().expect("the plan reads");
            plan.steps
                .iter()
                .map(|s| {
                    s.title
                        .to_lowercase()
                        .chars()
                        .filter_map(|c| match c {
                            ' ' => Some('-'),
                            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                            _ => None,
                        })
                        .collect()
                })
                .collect()
        };
        for (name, lesson) in &lessons {
            for link in &lesson.links {
                if link.starts_with("https://") {
                    continue;
                }
                let (file, anchor) = link.split_once('#').unwrap_or((link, ""));
                let target = if file.is_empty() {
                    Some(lesson)
                } else {
                    assert_eq!(lesson_link(link), Some(file), "{name}: {link} is neither a lesson nor a web address");
                    lessons.iter().find(|(other, _)| *other == file).map(|(_, l)| l)
                };
                let target = target.unwrap_or_else(|| panic!("{name}: {link} names no lesson"));
                assert!(
                    anchor.is_empty() || anchors(target).iter().any(|a| a == anchor),
                    "{name}: no heading for {link}"
                );
            }
            let plan = lesson.plan.as_ref().unwrap_or_else(|e| panic!("{e}"));
            for prerequisite in &plan.prerequisites {
                assert!(ids.contains(&prerequisite.as_str()), "{name}: prerequisite {prerequisite} is no lesson");
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
