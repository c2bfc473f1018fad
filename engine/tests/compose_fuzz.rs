//! Random and mutated compose files never panic the Compose loader, and every answer is
//! well-formed: in the browser a panic would take the page down, and the editor draws whatever
//! position an error carries. A project that loads also survives everything done with it next
//! (start order, names, labels, env files, `config`), and what `config` prints loads back to a
//! project that prints the same. A deterministic generator keeps failures reproducible.

mod fuzz;

use fuzz::{byte, random_text};

use std::collections::BTreeMap;

use dockyard_engine::compose::{config, load, ComposeError, Options};
use dockyard_engine::Seeded;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const VISITS: &str = include_str!("fixtures/compose/visits/compose.yaml");

/// Pieces of compose files: keys Compose knows and some it does not, YAML's indicators, values
/// of every short syntax, interpolations, and characters that are none of these.
const PIECES: &[&str] = &[
    "services:",
    "web:",
    "db:",
    "kv:",
    "image:",
    "build:",
    "context:",
    "dockerfile:",
    "args:",
    "target:",
    "command:",
    "entrypoint:",
    "environment:",
    "env_file:",
    "ports:",
    "volumes:",
    "networks:",
    "depends_on:",
    "condition:",
    "service_healthy",
    "service_started",
    "required:",
    "restart:",
    "healthcheck:",
    "test:",
    "interval:",
    "retries:",
    "disable:",
    "container_name:",
    "labels:",
    "expose:",
    "profiles:",
    "aliases:",
    "external:",
    "name:",
    "driver:",
    "internal:",
    "version:",
    "type:",
    "source:",
    "published:",
    "mode:",
    "x-base:",
    "imagee:",
    "tty:",
    "<<:",
    "&a",
    "*a",
    "&b",
    "*b",
    "*zz",
    "!!str",
    "!custom",
    "nginx",
    "web:1",
    "true",
    "false",
    "no",
    "on-failure:3",
    "always",
    "\"8080:80\"",
    "127.0.0.1:8080:80/tcp",
    "3000-3005",
    "[::1]:1:2",
    "80/icmp",
    "65536",
    "data:/data:ro",
    "./dir:/dir",
    "/anon",
    "a:b:c:d",
    "1m30s",
    "30",
    "[\"CMD\", \"true\"]",
    "CMD-SHELL",
    "NONE",
    "KEY=value",
    "KEY",
    "${TAG}",
    "${TAG:-x}",
    "${MISSING:?boom}",
    "${A:-${B:-c}}",
    "$$",
    "$",
    "${",
    "'",
    "\"",
    "\\",
    "|",
    ">",
    "-",
    "- ",
    "? ",
    ":",
    ": ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "#",
    "# comment",
    "---",
    "...",
    "%YAML 1.2",
    "  ",
    "    ",
    "  ",
    "\t",
    "\n",
    "\n",
    "\n  ",
    "\n    ",
    "\n      ",
    "\r\n",
    "é",
    "한",
    "\u{feff}",
    "\0",
    "~",
    "null",
    "0x1F",
    "1e3",
    ".inf",
];

fn options() -> Options {
    let mut options = Options::new("Fuzz Dir").with_env("TAG", "1").with_env("A", "").with_env("HOME", "/root");
    options.working_dir = Some("/work/fuzz dir".into());
    options
}

/// Loads `source` and checks everything about the answer; true when it loaded.
fn check(source: &str) -> bool {
    let lines = source.split(['\n', '\r']).count().max(1);
    #[cfg(not(target_arch = "wasm32"))]
    let started = std::time::Instant::now();
    let result = load(source, &options());
    #[cfg(not(target_arch = "wasm32"))]
    assert!(started.elapsed().as_secs() < 2, "{source:?} took {:?}", started.elapsed());
    match result {
        Ok(loaded) => {
            let mut project = loaded.project;
            assert!(!project.name.is_empty());
            for warning in &loaded.warnings {
                assert!(!warning.is_empty());
            }
            for name in project.services.keys() {
                let labels = project.container_labels(name, 1, false);
                assert_eq!(labels["com.docker.compose.service"], *name);
                assert!(!project.container_name(name, 1).is_empty());
            }
            for (key, network) in &project.networks {
                assert!(!network.name.is_empty(), "network {key} has no name in {source:?}");
            }
            match project.start_order() {
                Ok(order) => assert_eq!(order.len(), project.services.len()),
                Err(e) => assert!(matches!(e, ComposeError::Cycle(_)), "{e}"),
            }
            let contents: BTreeMap<String, String> = project
                .env_files()
                .iter()
                .map(|f| (f.path.clone(), "A=1\nB='x\nexport C=\"y\\n\"\n#\nD\n".to_string()))
                .collect();
            let _ = project.apply_env_files(&contents, &BTreeMap::new());
            let printed = config(&project);
            match load(&printed, &options()) {
                Ok(again) => assert_eq!(config(&again.project), printed, "config of {source:?} changed on reload"),
                Err(e) => panic!("config of {source:?} does not load: {e}\n{printed}"),
            }
            true
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            if let Some(position) = e.position() {
                assert!(position.line >= 1 && position.column >= 1, "{e:?} in {source:?}");
                assert!(position.line <= lines + 1, "{e:?} past {lines} lines of {source:?}");
            }
            false
        }
    }
}

#[test]
fn random_compose_files_never_panic() {
    let mut rng = Seeded::new(7);
    let mut loaded = 0;
    for i in 0..3000 {
        let mut source = random_text(&mut rng, PIECES, 40);
        // Some files start well, so that the loader gets past the YAML more often.
        if i % 3 == 0 {
            source = format!("services:\n  web:\n    image: nginx\n    {source}");
        } else if i % 3 == 1 {
            source = format!("services:\n  web:\n    {source}");
        }
        if check(&source) {
            loaded += 1;
        }
    }
    assert!(loaded > 50, "only {loaded} random files loaded");
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut rng = Seeded::new(3);
    let lines: Vec<&str> = VISITS.lines().collect();
    let mut loaded = 0;
    for _ in 0..1500 {
        let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for _ in 0..1 + byte(&mut rng) % 3 {
            let at = byte(&mut rng) % mutated.len();
            match byte(&mut rng) % 6 {
                0 => {
                    mutated.remove(at);
                }
                1 => {
                    let other = mutated[byte(&mut rng) % mutated.len()].clone();
                    mutated.insert(at, other);
                }
                2 => mutated[at] = format!(" {}", mutated[at]),
                3 => mutated[at] = mutated[at].trim_start().to_string(),
                4 => {
                    let line = &mut mutated[at];
                    let cut = line.char_indices().map(|(i, _)| i).nth(byte(&mut rng) % (line.chars().count() + 1));
                    line.insert_str(cut.unwrap_or(line.len()), PIECES[byte(&mut rng) % PIECES.len()]);
                }
                _ => {
                    let line = &mut mutated[at];
                    let keep = line.chars().count() * byte(&mut rng) / 256;
                    *line = line.chars().take(keep).collect();
                }
            }
            if mutated.is_empty() {
                mutated.push(String::new());
            }
        }
        if check(&(mutated.join("\n") + "\n")) {
            loaded += 1;
        }
    }
    assert!(loaded > 100, "only {loaded} mutated files loaded");
}

#[test]
fn hostile_compose_files_never_panic() {
    let long = "x".repeat(100_000);
    let mut laughs = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, prev) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        let name = (b'b' + i as u8) as char;
        laughs.push_str(&format!(
            "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let cases = [
        String::new(),
        "\u{feff}".to_string(),
        "[".repeat(100_000),
        "{".repeat(100_000),
        "- ".repeat(10_000),
        (0..2000).map(|i| format!("{}a:\n", " ".repeat(i))).collect(),
        format!("services:\n  web:\n    image: {long}\n"),
        format!("services:\n  web:\n    image: \"{}\"\n", "${A:-".repeat(5000)),
        format!("services:\n  web:\n    command: \"{}\"\n    image: a\n", "\\\"'".repeat(5000)),
        format!("services:\n  web:\n    image: a\n    ports: [\"{}\"]\n", "1-65535:".repeat(1000)),
        "services:\n  web:\n    image: a\n    ports: [\"1-65535\"]\n".to_string(),
        format!(
            "services:\n{}",
            (0..2000)
                .map(|i| format!("  s{i}:\n    image: a\n    depends_on: [s{}]\n", (i + 1) % 2000))
                .collect::<String>()
        ),
        laughs,
        "x: &x\n  <<: *x\n".to_string(),
        "services: &s\n  web:\n    image: a\n    labels: *s\n".to_string(),
        "services:\n  web:\n    image: a\n---\nservices: [\n".to_string(),
        "services:\n  \"\":\n    image: a\n".to_string(),
        "services:\n  ? [a]\n  : b\n".to_string(),
    ];
    for case in &cases {
        check(case);
    }
}
