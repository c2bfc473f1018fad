//! Random Dockerfiles, words and `.dockerignore` files never panic the parser, the linter, the
//! substitution or the ignore matcher, and every answer is well-formed: in the browser a panic would take the
//! page down, and the editor draws whatever spans it is given. A deterministic generator keeps
//! failures reproducible.

mod fuzz;

use fuzz::{byte, random_text};

use dockyard_engine::dockerfile::{expand, expand_words, lint_with, parse, BaseImage, Ignore, InstructionKind, Span};
use dockyard_engine::Seeded;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Pieces of Dockerfiles: instruction words, flags, quotes, escapes, continuations, heredoc
/// markers, directives, JSON, substitutions, and characters that are none of these.
const PIECES: &[&str] = &[
    "FROM",
    "from",
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "COPY",
    "ADD",
    "ENV",
    "LABEL",
    "ARG",
    "EXPOSE",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "MAINTAINER",
    "RUNN",
    "NONE",
    "CMD",
    "AS",
    "as",
    "alpine",
    "scratch",
    "--from=build",
    "--chown=1:1",
    "--chmod=755",
    "--link",
    "--link=false",
    "--link=",
    "--mount=type=cache,target=/x",
    "--mount=from=$X",
    "--network=none",
    "--network=bridge",
    "--security=insecure",
    "--platform=$BUILDPLATFORM",
    "--interval=5s",
    "--timeout=1",
    "--interval=9223372036854775808ns9223372036854775808ns",
    "--timeout=1.5h2m",
    "--retries=99999999999",
    "--start-interval=-1s",
    "--checksum=sha256:x",
    "--keep-git-dir",
    "--unpack=maybe",
    "--retries=-1",
    "--retries=x",
    "--start-period=1.5m",
    "--unknown",
    "--",
    "--=x",
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "\\",
    "\\\n",
    " \\\n",
    "`",
    "`\n",
    "#",
    "# comment\n",
    "# escape=`\n",
    "# escape=\\\n",
    "# escape=x\n",
    "# syntax=docker/dockerfile:1\n",
    "# check=error=true\n",
    "# check=skip=LatestTag,all;error=1\n",
    "apt-get",
    "install",
    "update",
    "&&",
    "npm",
    ".",
    "root",
    "API_KEY",
    "/var/lib/apt/lists",
    "@sha256:",
    "\"",
    "'",
    "=",
    "a=b",
    "a=\"b c\"",
    "x",
    "EOF",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    "<<\"EOF\"",
    "<< EOF",
    "3<<EOF",
    "EOF\n",
    "\tEOF\n",
    "<<",
    "<",
    "[",
    "]",
    "[\"a\"]",
    "[\"a\", \"b\"]",
    "[1]",
    "[\"<<EOF\"]",
    ",",
    "{",
    "}",
    "$",
    "${",
    "$X",
    "${X:-d}",
    "${X:+a}",
    "${X:?}",
    "${X#*/}",
    "${X%%.*}",
    "${X//a/b}",
    "${",
    "é",
    "☃",
    "한",
    "\u{a0}",
    "\u{feff}",
    "\0",
    "/app",
    ".",
    "..",
    "80/tcp",
    "/bin/sh -c",
    "&&",
    "|",
    ";",
];

fn check_span(span: Span, lines: usize, source: &str) {
    assert!(span.start.line >= 1 && span.start.column >= 1, "{span:?} in {source:?}");
    assert!(span.start <= span.end, "{span:?} in {source:?}");
    assert!(span.end.line <= lines.max(1), "{span:?} past {lines} lines of {source:?}");
}

fn check_parse(source: &str) -> bool {
    let lines = source.split('\n').count();
    match parse(source) {
        Ok(file) => {
            assert!(!file.instructions.is_empty(), "{source:?}");
            assert!(matches!(file.directives.escape, '\\' | '`'));
            let mut previous_end = None;
            for instruction in &file.instructions {
                check_span(instruction.span, lines, source);
                // Instructions come in order and never overlap.
                if let Some(end) = previous_end {
                    assert!(instruction.span.start > end, "{:?} overlaps in {source:?}", instruction.span);
                }
                previous_end = Some(instruction.span.end);
                if let InstructionKind::Onbuild(inner) = &instruction.kind {
                    assert!(!matches!(inner.kind, InstructionKind::Onbuild(_) | InstructionKind::From { .. }));
                }
            }
            // The linter's hints are drawn in the editor too, with or without base images known.
            let known = |_: &str| Some(BaseImage { env: vec!["PATH=/bin".into()], ..BaseImage::default() });
            for hint in lint_with(&file, &|_| None).into_iter().chain(lint_with(&file, &known)) {
                check_span(hint.span, lines, source);
                assert!(!hint.message.is_empty() && !hint.message.contains('\n'), "{hint:?} in {source:?}");
            }
            true
        }
        Err(e) => {
            check_span(e.span, lines, source);
            assert!(!e.message.is_empty(), "{source:?}");
            assert!(!e.to_string().is_empty());
            false
        }
    }
}

#[test]
fn random_dockerfiles_never_panic() {
    let mut rng = Seeded::new(5);
    let mut parsed = 0;
    for i in 0..4000 {
        let mut source = random_text(&mut rng, PIECES, 40);
        // Half the files start well, so that the instructions after the first get checked.
        if i % 2 == 0 {
            source = format!("FROM alpine\n{source}");
        }
        if check_parse(&source) {
            parsed += 1;
        }
    }
    // The generator must reach the second phase and succeed sometimes, or it tests little.
    assert!(parsed > 100, "only {parsed} random files parsed");
}

#[test]
fn hostile_dockerfiles_never_panic() {
    let mut rng = Seeded::new(9);
    let long_word = "x".repeat(70_000);
    let cases = [
        String::new(),
        "\\".to_string(),
        "\\\n".repeat(1000),
        "RUN <<EOF\n".repeat(200),
        format!("RUN {}\n", "<<EOF ".repeat(300)),
        format!("FROM a\nRUN echo {long_word}\n"),
        format!("FROM a\nENV {}\n", "a=\"b ".repeat(2000)),
        format!("FROM a\nRUN {}{}\n", "[".repeat(500), "]".repeat(500)),
        format!("FROM a\nCMD [{}\"a\"]\n", "\"x\", ".repeat(5000)),
        "# escape=`\n# escape=`\n".to_string(),
        "\u{feff}\u{feff}FROM a".to_string(),
        "FROM a\r\rRUN b\r".to_string(),
        "ONBUILD ONBUILD ONBUILD".to_string(),
        "ONBUILD RUN <<A <<B\nA\nB".to_string(),
    ];
    for case in &cases {
        check_parse(case);
    }
    for _ in 0..200 {
        let mut source = String::from("FROM a\n");
        for _ in 0..byte(&mut rng) {
            source.push_str(&random_text(&mut rng, PIECES, 8));
            source.push_str(["\\\n", "\n", "<<EOF\n", "EOF\n"][byte(&mut rng) % 4]);
        }
        check_parse(&source);
    }
}

/// Pieces of words for substitution.
const WORD_PIECES: &[&str] = &[
    "$",
    "${",
    "}",
    "{",
    ":",
    "-",
    "+",
    "?",
    "#",
    "%",
    "/",
    "//",
    "A",
    "EMPTY",
    "SPACED",
    "PATH",
    "1",
    "@",
    "*",
    "\"",
    "'",
    "\\",
    "`",
    " ",
    "\t",
    "a",
    "é",
    "한",
    "<<",
    "<",
    ".",
    "**",
    "${A}",
    "${X:-d}",
    "${PATH##*/}",
    "${PATH%.*}",
    "${PATH/a/b}",
    "${PATH//*/}",
    "\\$",
    "\n",
];

#[test]
fn random_words_never_panic() {
    let mut rng = Seeded::new(11);
    let lookup = |name: &str| match name {
        "A" => Some("a".to_string()),
        "EMPTY" => Some(String::new()),
        "SPACED" => Some(" x  y ".to_string()),
        "PATH" => Some("/usr/lib/x.tar.gz\n/etc".to_string()),
        _ => None,
    };
    for _ in 0..5000 {
        let len = byte(&mut rng) % 24;
        let word: String = (0..len).map(|_| WORD_PIECES[byte(&mut rng) % WORD_PIECES.len()]).collect();
        for escape in ['\\', '`'] {
            match expand(&word, &lookup, escape) {
                Ok(_) => {}
                Err(e) => assert!(e.to_string().starts_with("failed to process "), "{word:?}: {e}"),
            }
            if let Ok(words) = expand_words(&word, &lookup, escape) {
                assert!(words.iter().all(|w| !w.is_empty()), "{word:?} gave an empty word");
            }
        }
    }
    // Deep nesting is refused, not a stack overflow.
    let deep = "${A:-".repeat(10_000) + &"}".repeat(10_000);
    assert!(expand(&deep, &lookup, '\\').is_err());
    let long_pattern = format!("${{PATH//{}/x}}", "*?".repeat(2000));
    assert!(expand(&long_pattern, &lookup, '\\').is_ok());
}

#[test]
fn random_dockerignores_never_panic() {
    let mut rng = Seeded::new(13);
    const PATTERN_PIECES: &[&str] = &[
        "*", "**", "?", "/", "a", "b", ".", "..", "!", "[a-c]", "[^a]", "[", "]", "\\", "#", " ", "\n", "\n", "./",
        "x.go", "\\*", "é", "-", "^", "$", "{", "(", "\r\n",
    ];
    for _ in 0..3000 {
        let len = byte(&mut rng) % 16;
        let text: String = (0..len).map(|_| PATTERN_PIECES[byte(&mut rng) % PATTERN_PIECES.len()]).collect();
        let ignore = Ignore::parse(&text);
        let strict = Ignore::try_parse(&text);
        for path in ["a", "a/b", "x.go", "a/x.go", "/a", "./b/../a", "", ".", "é/[/x", "a\nb"] {
            let excluded = ignore.excludes(path);
            if let Ok(strict) = &strict {
                assert_eq!(strict.excludes(path), excluded, "{text:?} on {path:?}");
            }
        }
    }
    let long = format!("{}\n", "**/a*".repeat(200));
    assert!(!Ignore::parse(&long).excludes(&"b/".repeat(100)));
}
