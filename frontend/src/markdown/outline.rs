//! A lesson's outline: its Markdown with the prose left out, which is all the engine's
//! `Lesson::parse` reads (the front matter, the `##` headings, and the `goals`, `hint`,
//! `solution`, `wrong` and `file` blocks). The build script embeds each shipped lesson's outline,
//! so the lesson map, progress and goals know every lesson while its prose stays in a file the
//! page fetches when the learner enters it.

use dockyard_engine::lesson::{FILE_FENCE, SPECIAL_FENCES};

/// `source` without its prose: every line but the front matter's, the `##` headings' and those
/// of the fenced blocks the plan reads is dropped, fences followed as `Lesson::parse` follows
/// them so a `##` inside a code block stays no heading.
pub fn outline(source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = String::new();
    let mut keep = |line: &str| {
        out.push_str(line);
        out.push('\n');
    };
    let mut at = 0;
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        if let Some(end) = lines[1..].iter().position(|l| l.trim_end() == "---") {
            lines[..end + 2].iter().for_each(|line| keep(line));
            at = end + 2;
        }
    }
    // The open fence's marker, and whether its block is the plan's.
    let mut fence: Option<(String, bool)> = None;
    for line in &lines[at.min(lines.len())..] {
        let trimmed = line.trim_start();
        if let Some((marker, kept)) = &fence {
            let closes =
                trimmed.starts_with(marker.as_str()) && trimmed.trim_end().chars().all(|c| c == '`' || c == '~');
            if *kept {
                keep(line);
            }
            if closes {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("## ") {
            keep(line);
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marker: String = trimmed.chars().take_while(|c| *c == '`' || *c == '~').collect();
            let kind = trimmed[marker.len()..].split_whitespace().next().unwrap_or("");
            let kept = SPECIAL_FENCES.contains(&kind) || kind == FILE_FENCE;
            if kept {
                keep(line);
            }
            fence = Some((marker, kept));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockyard_engine::lesson::Lesson;

    #[test]
    fn the_outline_keeps_what_the_plan_reads_and_drops_the_prose() {
        let source = "---\nid: x\ntitle: X\n---\n# Big\n\nProse.\n\n## One\n\nMore prose.\n\n```console\n## not a step\n$ docker ps\n```\n\n\
                      ```goals\nimage a exists\n```\n\n````file Dockerfile\nFROM a\n```\n````\n\n## Two\n";
        let outline = outline(source);
        assert_eq!(
            outline,
            "---\nid: x\ntitle: X\n---\n## One\n```goals\nimage a exists\n```\n````file Dockerfile\nFROM a\n```\n````\n## Two\n"
        );
        assert_eq!(Lesson::parse("x.md", &outline), Lesson::parse("x.md", source));
    }

    /// Every shipped lesson's outline, which the page embeds, gives the plan its full Markdown
    /// gives, so goals, progress and setup are the same as when the prose was embedded too.
    #[test]
    fn every_shipped_lesson_plans_the_same_from_its_outline() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
        let mut count = 0;
        for entry in std::fs::read_dir(folder).expect("the lessons folder lists") {
            let path = entry.expect("a lesson").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if !name.ends_with(".md") || name == "README.md" {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("a lesson reads");
            let outline = outline(&source);
            let full = Lesson::parse(&name, &source).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(Lesson::parse(&name, &outline), Ok(full), "{name}");
            assert!(outline.len() < source.len(), "{name}: the outline drops nothing");
            count += 1;
        }
        assert_eq!(count, crate::lessons::LESSONS.len());
    }
}
