//! Lesson Markdown to blocks of HTML and runnable code. The build script renders the shipped
//! lessons with this file (see `build.rs`), so the page's module carries no Markdown renderer:
//! pulldown-cmark, with its tables of HTML entities and Unicode, weighed some 70 KB of it gzipped. Natively,
//! for the tests, the app renders with it too.

/// One piece of a lesson, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Prose, already rendered to HTML.
    Html(String),
    /// A code block, with the docker commands in it (lines starting `docker` or `$ docker`).
    Code { text: String, commands: Vec<String> },
}

/// The front matter (between `---` lines) and the Markdown after it.
pub fn split_front_matter(source: &str) -> (&str, &str) {
    let Some(rest) = source.strip_prefix("---\n") else {
        return ("", source);
    };
    match rest.find("\n---\n") {
        Some(end) => (&rest[..end], &rest[end + 5..]),
        None => ("", source),
    }
}

/// Markdown as blocks: prose rendered to HTML, and each code block with its docker commands.
#[cfg(not(target_arch = "wasm32"))]
pub fn blocks(markdown: &str) -> Vec<Block> {
    use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
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
                if dockyard_engine::lesson::SPECIAL_FENCES.contains(&info.split_whitespace().next().unwrap_or("")) =>
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

#[cfg(not(target_arch = "wasm32"))]
fn flush(prose: &mut Vec<pulldown_cmark::Event>, out: &mut Vec<Block>) {
    if prose.is_empty() {
        return;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, prose.drain(..));
    out.push(Block::Html(html));
}
