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
    /// A file of the build context (a ```` ```file PATH ```` block), which the learner can put in
    /// the Dockerfile tab.
    File { path: String, text: String },
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

/// Markdown as blocks (prose rendered to HTML, each code block with its docker commands, each
/// `file` block as a file) and where its links point, as written.
#[cfg(not(target_arch = "wasm32"))]
pub fn blocks(markdown: &str) -> (Vec<Block>, Vec<String>) {
    use dockyard_engine::lesson::{FILE_FENCE, SPECIAL_FENCES};
    use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
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
                if SPECIAL_FENCES.contains(&info.split_whitespace().next().unwrap_or("")) =>
            {
                special = true;
            }
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                flush(&mut prose, &mut out);
                let file = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let mut words = info.split_whitespace();
                        match (words.next(), words.next()) {
                            (Some(FILE_FENCE), Some(path)) => Some(path.to_string()),
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

#[cfg(not(target_arch = "wasm32"))]
fn flush(prose: &mut Vec<pulldown_cmark::Event>, out: &mut Vec<Block>) {
    if prose.is_empty() {
        return;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, prose.drain(..));
    out.push(Block::Html(html));
}
