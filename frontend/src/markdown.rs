//! Lessons from Markdown: front matter, prose rendered to HTML, and code blocks whose docker
//! commands the learner can run with one click. A shipped lesson comes as its outline (what its
//! plan reads) with its prose in a file fetched when it is entered, the first lesson's embedded.

pub mod outline;
mod render;
pub mod rendered;

pub use render::Block;

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
    /// The file beside the app its blocks and links come from (`lessons/02-boxes.txt`), while
    /// they have not been fetched.
    pub pending: Option<String>,
}

use dockyard_engine::lesson as plan;

/// A lesson's id, title and plan: an optional `---` front matter of `key: value` lines, then
/// Markdown, of which the plan reads the `##` headings and its own fenced blocks.
fn head(file_name: &str, source: &str) -> Lesson {
    let id = id_of(file_name, source);
    let title = front_field(source, "title").unwrap_or_else(|| id.clone());
    let plan = plan::Lesson::parse(file_name, source).map_err(|e| e.to_string());
    Lesson { id, title, blocks: Vec::new(), links: Vec::new(), plan, pending: None }
}

/// A front matter field's value.
fn front_field(source: &str, key: &str) -> Option<String> {
    render::split_front_matter(source).0.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// A lesson's id: its front matter's, else its file name's stem.
fn id_of(file_name: &str, source: &str) -> String {
    front_field(source, "id").unwrap_or_else(|| file_name.trim_end_matches(".md").to_string())
}

/// Each shipped lesson's id, in order. Share links and kept sessions name a lesson by it, so a
/// lesson added or renumbered does not send them to another one. Read from the outlines once:
/// the session is kept after every command, and names its lesson each time.
pub fn ids() -> std::rc::Rc<[String]> {
    thread_local! {
        static IDS: std::rc::Rc<[String]> =
            crate::lessons::LESSONS.iter().map(|(name, outline)| id_of(name, outline)).collect();
    }
    IDS.with(std::rc::Rc::clone)
}

/// Parses a lesson's Markdown and renders it, where the renderer is (natively).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_lesson(file_name: &str, source: &str) -> Lesson {
    let (blocks, links) = render::blocks(render::split_front_matter(source).1);
    Lesson { blocks, links, ..head(file_name, source) }
}

/// The shipped lessons, in order, from their outlines: the first with its prose, embedded, and
/// each other with the file its prose is fetched from when the learner enters it.
pub fn shipped() -> Vec<Lesson> {
    crate::lessons::LESSONS
        .iter()
        .enumerate()
        .map(|(at, (name, outline))| {
            let lesson = head(name, outline);
            let embedded = (at == 0).then(|| rendered::decode(crate::lessons::FIRST).ok()).flatten();
            match embedded {
                Some((blocks, links)) => lesson.with_prose(blocks, links),
                None => Lesson { pending: Some(format!("lessons/{}.txt", name.trim_end_matches(".md"))), ..lesson },
            }
        })
        .collect()
}

impl Lesson {
    /// The lesson with its blocks and links, fetched.
    pub fn with_prose(self, blocks: Vec<Block>, links: Vec<String>) -> Lesson {
        Lesson { blocks, links, pending: None, ..self }
    }

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

/// The link to another lesson that `href` is: its file name, when it names a lesson file of this
/// folder (`07-registries.md`), which the lesson pane opens in place.
pub fn lesson_link(href: &str) -> Option<&str> {
    let file = href.split('#').next().unwrap_or(href).trim_start_matches("./");
    (file.ends_with(".md") && !file.contains(':') && !file.contains('/')).then_some(file)
}

// Natively, where the renderer is (the page has only the rendered lessons).
#[cfg(all(test, not(target_arch = "wasm32")))]
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

    /// Every shipped lesson's full Markdown, read from `lessons/` as the build script reads it.
    fn sources() -> Vec<(String, String)> {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
        let names = crate::lessons::LESSONS.iter().map(|(name, _)| name.to_string());
        names.map(|name| (name.clone(), std::fs::read_to_string(folder.join(&name)).expect("a lesson reads"))).collect()
    }

    #[test]
    fn every_shipped_lesson_parses_and_offers_commands() {
        assert!(!crate::lessons::LESSONS.is_empty());
        for (name, source) in sources() {
            let (name, lesson) = (name.as_str(), parse_lesson(&name, &source));
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

    /// The page's lessons are the full lessons: the same id, title and plan from the outline, and
    /// the blocks and links of the file fetched (the first lesson's embedded) as the renderer
    /// renders them from the Markdown.
    #[test]
    fn shipped_lessons_come_rendered_as_the_renderer_renders_them() {
        let out = std::path::Path::new(env!("OUT_DIR"));
        for ((name, source), lesson) in sources().iter().zip(shipped()) {
            let full = parse_lesson(name, source);
            let file =
                lesson.pending.clone().unwrap_or_else(|| format!("lessons/{}.txt", name.trim_end_matches(".md")));
            let text = std::fs::read_to_string(out.join(&file)).expect("the build script wrote the lesson's file");
            let (blocks, links) = rendered::decode(&text).expect("the file reads");
            assert_eq!((&blocks, &links), (&full.blocks, &full.links), "{name}");
            assert!(!blocks.is_empty(), "{name} has no prose");
            assert_eq!(lesson.pending.is_some(), name != crate::lessons::LESSONS[0].0, "{name}");
            let lesson = match lesson.pending {
                Some(_) => lesson.with_prose(blocks, links),
                None => lesson,
            };
            assert_eq!(lesson, full, "{name}");
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
        let sources = sources();
        let lessons: Vec<(&str, Lesson)> =
            sources.iter().map(|(name, source)| (name.as_str(), parse_lesson(name, source))).collect();
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
