//! Random templates never panic the template engine, and every run stays within its limits: in
//! the browser a panic or a runaway template would take the page down. A deterministic generator
//! keeps failures reproducible.

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::template::{Funcs, Shape, Template, MAX_OUTPUT};
use dockyard_engine::{Ctx, Engine, Entropy, Seeded, Step, Timestamp};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Pieces of templates: delimiters, keywords, operands and functions, and some bytes that are
/// none of these.
const PIECES: &[&str] = &[
    "{{",
    "}}",
    "{{- ",
    " -}}",
    "{{/*",
    "*/}}",
    " ",
    "  ",
    "\n",
    "\t",
    ".",
    ".A",
    ".B",
    ".C",
    ".A.B",
    ".Nope",
    "$",
    "$x",
    "$y",
    ":=",
    "=",
    "|",
    "(",
    ")",
    ",",
    "\"s\"",
    "\"%s %d %v %q %5.2f %x %c %U %T %\"",
    "`raw`",
    "'c'",
    "'\\n'",
    "1",
    "-2",
    "3.5",
    "0x1F",
    "1e3",
    "1+2i",
    "999999999999999999999",
    "nil",
    "true",
    "false",
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "template",
    "block",
    "break",
    "continue",
    "\"x\"",
    "json",
    "join",
    "split",
    "len",
    "index",
    "printf",
    "print",
    "println",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "and",
    "or",
    "not",
    "slice",
    "call",
    "pad",
    "truncate",
    "upper",
    "lower",
    "title",
    "html",
    "js",
    "urlquery",
    "foo",
    "text",
    "é",
    "☃",
    "\\",
    "#",
    "-",
    "{",
    "}",
    "'",
    "\"",
    "`",
    "0",
    "10000",
];

fn byte(rng: &mut Seeded) -> usize {
    let mut b = [0u8; 1];
    rng.fill(&mut b);
    usize::from(b[0])
}

/// Any sequence of pieces: mostly parse errors, which must read as errors.
fn random_text(rng: &mut Seeded) -> String {
    let len = byte(rng) % 24;
    (0..len).map(|_| PIECES[byte(rng) % PIECES.len()]).collect()
}

/// Well-formed actions more often than not, so execution is exercised as well as parsing.
fn random_template(rng: &mut Seeded, depth: usize) -> String {
    let operands = [".", ".A", ".B", ".C", ".A.B", ".Nope", "$", "\"s\"", "1", "-1", "2.5", "nil", "true", "(len .C)"];
    let functions = [
        "json",
        "len",
        "index",
        "printf \"%v\"",
        "print",
        "println",
        "eq",
        "lt",
        "and",
        "or",
        "not",
        "slice",
        "join",
        "split",
        "upper",
        "title",
        "truncate",
        "pad",
        "html",
        "js",
        "urlquery",
        "call",
    ];
    let mut out = String::new();
    for _ in 0..(byte(rng) % 4 + 1) {
        let operand = |rng: &mut Seeded| operands[byte(rng) % operands.len()].to_string();
        let mut pipeline = match byte(rng) % 3 {
            0 => operand(rng),
            _ => {
                let args: Vec<String> = (0..byte(rng) % 3).map(|_| operand(rng)).collect();
                format!("{} {}", functions[byte(rng) % functions.len()], args.join(" "))
            }
        };
        if byte(rng).is_multiple_of(3) {
            pipeline = format!("{pipeline} | {}", functions[byte(rng) % functions.len()]);
        }
        match byte(rng) % 8 {
            0 if depth < 4 => {
                let body = random_template(rng, depth + 1);
                out.push_str(&format!("{{{{range $i, $e := {pipeline}}}}}{body}{{{{else}}}}e{{{{end}}}}"));
            }
            1 if depth < 4 => {
                let body = random_template(rng, depth + 1);
                out.push_str(&format!("{{{{if {pipeline}}}}}{body}{{{{else if .A}}}}x{{{{end}}}}"));
            }
            2 if depth < 4 => {
                let body = random_template(rng, depth + 1);
                out.push_str(&format!("{{{{with $x := {pipeline}}}}}{body}{{{{$x}}}}{{{{end}}}}"));
            }
            3 => out.push_str(&format!("{{{{- {pipeline} -}}}}\n")),
            4 => out.push_str(PIECES[byte(rng) % PIECES.len()]),
            _ => out.push_str(&format!("{{{{{pipeline}}}}}")),
        }
    }
    out
}

fn data() -> serde_json::Value {
    serde_json::json!({
        "A": "héllo", "B": {"B": [1, "two", null, true, 2.5, {"x": []}]}, "C": ["a", "b", "c"],
        "N": null, "Z": 0, "M": {"k": "v", "": "empty"}
    })
}

/// Runs `template` every way the engine does; says whether any run succeeded.
fn check(template: &str, data: &serde_json::Value) -> bool {
    let Ok(t) = Template::parse(template) else { return false };
    let mut ran = false;
    for shape in
        [Shape::Map { missing_key_error: false }, Shape::Map { missing_key_error: true }, Shape::Struct("*x.y")]
    {
        if let Ok(out) = t.execute(data, shape) {
            assert!(out.len() <= MAX_OUTPUT, "{template:?} wrote {} bytes", out.len());
            ran = true;
        }
    }
    let (out, _) = t.execute_partial(data, Shape::Header("x.H"), Funcs::Header);
    assert!(out.len() <= MAX_OUTPUT);
    ran
}

#[test]
fn random_texts_never_panic() {
    let mut rng = Seeded::new(11);
    let data = data();
    for _ in 0..20_000 {
        check(&random_text(&mut rng), &data);
    }
}

#[test]
fn random_well_formed_templates_never_panic() {
    let mut rng = Seeded::new(12);
    let data = data();
    let mut ran = 0;
    for _ in 0..5_000 {
        let template = random_template(&mut rng, 0);
        ran += usize::from(check(&template, &data));
    }
    // The generator is meant to reach execution, not only the parser.
    assert!(ran > 500, "only {ran} of 5000 templates ran");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Seeded::new(13);
    let alphabet: Vec<char> = "{}-/*.$:=|()\"'`\\ \n\tabcxyz019+eEi_é☃\u{7f}\u{0}".chars().collect();
    let data = data();
    for _ in 0..20_000 {
        let len = byte(&mut rng) % 32;
        let text: String = (0..len).map(|_| alphabet[byte(&mut rng) % alphabet.len()]).collect();
        check(&text, &data);
    }
}

#[test]
fn runaway_templates_stop_with_an_error() {
    let data = data();
    let run = |t: &str| Template::parse(t).unwrap().execute(&data, Shape::Map { missing_key_error: false });
    // Exponential recursion, nested ranges without output, and huge padding all end in errors.
    let twice = run(r#"{{define "r"}}{{template "r"}}{{template "r"}}{{end}}{{template "r"}}"#).unwrap_err();
    assert!(twice.to_string().contains("exceeded maximum"), "{twice}");
    let nested = "{{range $.C}}".repeat(30) + &"{{end}}".repeat(30);
    assert!(run(&nested).unwrap_err().to_string().contains("exceeded maximum of 1000000 execution steps"));
    let padded = run(r#"{{range .C}}{{pad "x" 2000000 0}}{{end}}"#).unwrap_err();
    assert!(padded.to_string().ends_with("output is larger than 4194304 bytes"), "{padded}");
    assert!(run(r#"{{pad "x" 9999999999 0}}"#).is_err());
    let deep = "(".repeat(500) + "1" + &")".repeat(500);
    assert_eq!(
        Template::parse(&format!("{{{{{deep}}}}}")).unwrap_err().to_string(),
        "template: :1: max expression depth exceeded"
    );
}

#[test]
fn random_format_flags_never_panic_the_engine() {
    let hub = builtin::docker_hub(&Programs::default().with("hello", b"\0asm\x01\0\0\0")).unwrap();
    let mut engine = Engine::new(hub);
    let mut ids = Seeded::new(1);
    let mut ctx = Ctx { now: Timestamp::from_secs(1_800_000_000), entropy: &mut ids };
    engine.execute("docker pull hello-world", &mut ctx);
    engine.execute("docker tag hello-world team/app:v2", &mut ctx);
    let mut rng = Seeded::new(14);
    let commands = ["images --format", "images -q --digests --format", "history --format", "image inspect -f"];
    for i in 0..3_000 {
        let template = if i % 2 == 0 { random_template(&mut rng, 0) } else { random_text(&mut rng) };
        let prefix = if byte(&mut rng) < 128 { "table " } else { "" };
        let command = commands[byte(&mut rng) % commands.len()];
        let target = if command.starts_with("images") { "" } else { " hello-world team/app:v2" };
        // The template goes in as one word; the word splitter's quoting is fuzzed elsewhere.
        let mut words: Vec<String> = format!("docker {command}").split(' ').map(str::to_string).collect();
        words.push(format!("{prefix}{template}"));
        words.extend(target.split_whitespace().map(str::to_string));
        if let Ok(command) = dockyard_engine::cli::parse_words(&words) {
            if let Step::Done(reply) = engine.execute_command(command, &mut ctx) {
                assert!(reply.stdout.len() <= MAX_OUTPUT, "{words:?}");
            }
        }
    }
}
