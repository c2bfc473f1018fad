//! `docker build --check`, and the hints after a build, printed as BuildKit prints its checks.
//!
//! `--check` lints instead of building: a count, then each hint with its rule, its message, the
//! reason it matters (Dockyard's addition) and the lines at fault in a frame, exit code 1 when
//! there is one. After a build that succeeded, the hints come as BuildKit lists its warnings at
//! the end of a build: one line each.

use crate::dockerfile::{self, BaseImage, CheckOptions, Dockerfile, Hint, Span};
use crate::reference::Reference;
use crate::{Engine, Reply};

impl Engine {
    /// The hints for a Dockerfile, with what the engine knows of its base images: the ones a
    /// build prints, which the page's editor shows as the learner types.
    pub fn hints(&self, file: &Dockerfile) -> Vec<Hint> {
        dockerfile::lint_with(file, &|name| self.base_image(name))
    }

    /// A base image's environment, user and shell: a local image's, else the registry's config
    /// (nothing is pulled to lint).
    fn base_image(&self, name: &str) -> Option<BaseImage> {
        let config = match self.images.resolve(name) {
            Some(image) => image.config.config.clone(),
            None => {
                let reference = Reference::parse(name).ok()?;
                self.registries.get(&reference.domain)?.config(&reference)?.config
            }
        };
        Some(BaseImage { env: config.env, user: config.user, shell: config.shell })
    }
}

/// What `docker build --check` prints for these hints on the Dockerfile `name`.
pub(super) fn report(file: &Dockerfile, name: &str, source: &str, hints: &[Hint]) -> Reply {
    // BuildKit refuses the whole build over a directive it cannot read.
    if let Some(Err(e)) = file.directives.check.as_deref().map(CheckOptions::parse) {
        return Reply::err(format!("failed to parse check options: {e}"), 1);
    }
    if hints.is_empty() {
        return Reply::out("Check complete, no warnings found.\n");
    }
    // BuildKit names the file without its folders, as the frontend receives it.
    let name = name.rsplit('/').next().unwrap_or(name);
    let mut out = match hints.len() {
        1 => "Check complete, 1 warning has been found!\n".to_string(),
        n => format!("Check complete, {n} warnings have been found!\n"),
    };
    for hint in hints {
        out.push_str(&format!("\nWARNING: {}", hint.rule));
        if let Some(url) = hint.url() {
            out.push_str(&format!(" - {url}"));
        }
        out.push_str(&format!("\n{}\n{}\n", hint.message, hint.why));
        out.push_str(&frame(name, source, hint.span));
    }
    Reply { stdout: out, exit_code: 1, ..Reply::default() }
}

/// The lines of `span` with some around them, as BuildKit frames a source excerpt: two lines of
/// context in all for a stretch of lines, four for a single one, split before and after.
fn frame(name: &str, source: &str, span: Span) -> String {
    let lines: Vec<&str> = source.split('\n').collect();
    let (first, last) = (span.start.line, span.end.line.max(span.start.line));
    if first < 1 || first > lines.len() {
        return String::new();
    }
    let (mut start, mut end) = (first, last.min(lines.len()));
    let pad = if start == end { 4 } else { 2 };
    let mut p = 0;
    while p < pad {
        if start > 1 {
            start -= 1;
            p += 1;
        }
        if end != lines.len() {
            end += 1;
            p += 1;
        }
        p += 1;
    }
    let mut out = format!("{name}:{first}\n--------------------\n");
    for (i, line) in lines.iter().enumerate().take(end).skip(start - 1) {
        let n = i + 1;
        let marker = if (first..=last).contains(&n) { ">>>" } else { "   " };
        out.push_str(&format!(" {n:>3} | {marker} {line}\n"));
    }
    out.push_str("--------------------\n");
    out
}

/// What BuildKit prints after a build that had warnings; empty without.
pub(super) fn summary(hints: &[Hint]) -> String {
    if hints.is_empty() {
        return String::new();
    }
    let count = match hints.len() {
        1 => "1 warning found".to_string(),
        n => format!("{n} warnings found"),
    };
    let mut out = format!("\n {count} (use docker build --check to expand):\n");
    for hint in hints {
        out.push_str(&format!(" - {}: {} (line {})\n", hint.rule, hint.message, hint.span.start.line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::Position;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn span(first: usize, last: usize) -> Span {
        Span { start: Position { line: first, column: 1 }, end: Position { line: last, column: 2 } }
    }

    #[test]
    fn a_frame_pads_as_buildkit_does() {
        let source = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let framed = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        let rule = "--------------------";
        // One line: four of context, taken alternately before and after.
        assert_eq!(
            frame("Dockerfile", source, span(4, 4)),
            framed(&[
                "Dockerfile:4",
                rule,
                "   2 |     b",
                "   3 |     c",
                "   4 | >>> d",
                "   5 |     e",
                "   6 |     f",
                rule
            ])
        );
        // Several lines: two of context.
        assert_eq!(
            frame("Dockerfile", source, span(2, 3)),
            framed(&["Dockerfile:2", rule, "   1 |     a", "   2 | >>> b", "   3 | >>> c", "   4 |     d", rule])
        );
        // At the top, the context comes from below; the empty line after the last newline counts.
        assert_eq!(
            frame("Dockerfile", "FROM x\nRUN y\n", span(1, 1)),
            framed(&["Dockerfile:1", rule, "   1 | >>> FROM x", "   2 |     RUN y", "   3 |     ", rule])
        );
        assert_eq!(frame("Dockerfile", "FROM x\n", span(9, 9)), "");
    }
}
