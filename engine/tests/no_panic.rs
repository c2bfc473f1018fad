//! Random command lines, references and saved states never panic the engine: in the browser a
//! panic would take the whole page down. A deterministic generator keeps failures reproducible.

use dockyard_engine::builtin::{self, Programs};
use dockyard_engine::copy::{self, Existing, Tree};
use dockyard_engine::layer::Entry;
use dockyard_engine::reference::Reference;
use dockyard_engine::{Ctx, Engine, Entropy, ExitStatus, ProcessOutcome, Seeded, Step, Timestamp};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const PIECES: &[&str] = &[
    "docker",
    "run",
    "ps",
    "images",
    "pull",
    "rm",
    "version",
    "container",
    "image",
    "ls",
    "-a",
    "-q",
    "-aq",
    "-f",
    "-e",
    "--env",
    "--name",
    "--rm",
    "--help",
    "-h",
    "--",
    "--name=",
    "-eX=1",
    "hello-world",
    "hello-world:latest",
    "busybox",
    "Bad",
    "localhost:5000/app",
    "a@sha256:",
    "'",
    "\"",
    "\\",
    " ",
    "  ",
    "\t",
    "é",
    "☃",
    "/hello",
    "nosuch",
    "x",
    "=",
    ":",
    "@",
    "..",
    "sha256:",
    "0",
    "-",
    "---",
    "--=",
    "-e=",
    "cp",
    "export",
    "prune",
    "diff",
    "commit",
    "tag",
    "-c",
    "-L",
    "-o",
    "--filter",
    "until=",
    "until=1h",
    "label=a=b",
    "LABEL a",
    "EXPOSE 80",
    "box",
    "box:/",
    "box:/hello",
    "box:..",
    "./x",
    "x/.",
    "/",
    "/.",
    "x:y",
    "volume",
    "create",
    "-v",
    "data:/data",
    "/data",
    "--mount",
    "type=volume,source=a,target=/b",
    "-m",
    "6m",
    "attach",
    "stop",
    "start",
    "-d",
    "exec",
    "stats",
    "-p",
    "8080:80",
    "-P",
    "--env-file",
    "restart",
    "--restart",
    "always",
    "on-failure:2",
    "wait",
    "logs",
    "-f",
    "pause",
    "rename",
    "-it",
];

fn random_line(rng: &mut Seeded) -> String {
    let mut b = [0u8; 1];
    rng.fill(&mut b);
    let words = usize::from(b[0] % 8);
    let mut line = String::new();
    for _ in 0..words {
        rng.fill(&mut b);
        line.push_str(PIECES[usize::from(b[0]) % PIECES.len()]);
        rng.fill(&mut b);
        if b[0] % 3 != 0 {
            line.push(' ');
        }
    }
    line
}

#[test]
fn random_command_lines_never_panic() {
    let hub = builtin::docker_hub(&Programs::default().with("hello", b"\0asm\x01\0\0\0")).unwrap();
    let mut engine = Engine::new(hub);
    let mut rng = Seeded::new(2024);
    let mut ids = Seeded::new(1);
    for i in 0..20_000u64 {
        let line = random_line(&mut rng);
        let mut ctx = Ctx { now: Timestamp::from_secs(1_800_000_000 + i), entropy: &mut ids };
        // Play every host's part, so that what a step hands back is fuzzed too.
        match engine.execute(&line, &mut ctx) {
            Step::Launch(launch) => {
                let outcome = ProcessOutcome { status: ExitStatus::Code(0), output: Vec::new(), upper: None };
                engine.exited(&launch.process.container, outcome, &mut ctx);
            }
            Step::CopyOut { tree, source, dest, .. } => {
                for existing in [Existing::Missing, Existing::File, Existing::Dir] {
                    let _ = copy::place(&tree, &source, &dest, existing);
                }
            }
            Step::CopyIn { target, .. } => {
                let tree = if i % 2 == 0 {
                    Tree { entries: vec![(String::new(), Entry::file(&b"x"[..], 0o644))] }
                } else {
                    Tree { entries: vec![(String::new(), Entry::dir(0o755)), ("a/../b".into(), Entry::symlink("/x"))] }
                };
                engine.copy_in(target, tree);
            }
            Step::Confirm { command, .. } => {
                engine.execute_command(command, &mut ctx);
            }
            Step::Read { then, .. } => {
                let read = if i % 2 == 0 { Ok(b"A=1\n#x\nBAD LINE\n".to_vec()) } else { Err("open x: nope".into()) };
                engine.read_done(then, read, &mut ctx);
            }
            Step::Spawn { processes, .. } => {
                for process in processes {
                    let outcome = ProcessOutcome { status: ExitStatus::Code(1), output: Vec::new(), upper: None };
                    engine.exited(&process.container, outcome, &mut ctx);
                }
                engine.take_restarts();
            }
            _ => {}
        }
        // The pictures read whatever state the commands left, and must not panic on it either.
        if i % 50 == 0 {
            let _ = (engine.image_stacks(), engine.build_view());
            let ids: Vec<_> = engine.containers().iter().map(|c| c.id.clone()).collect();
            for id in ids {
                for path in ["/", "", "/etc/../..", "bin/sh", "//tmp//", "/nope/x"] {
                    let _ = (engine.container_dir(&id, path), engine.container_file(&id, path));
                }
            }
        }
    }
}

#[test]
fn random_references_never_panic() {
    let mut rng = Seeded::new(7);
    let alphabet = b"abcAZ09._-/:@";
    for _ in 0..50_000 {
        let mut b = [0u8; 24];
        rng.fill(&mut b);
        let len = usize::from(b[0] % 24);
        let text: String = b[..len].iter().map(|x| alphabet[usize::from(*x) % alphabet.len()] as char).collect();
        let _ = Reference::parse(&text);
    }
}

#[test]
fn corrupt_saved_state_is_an_error_not_a_panic() {
    let hub = || builtin::docker_hub(&Programs::default().with("hello", b"\0asm\x01\0\0\0")).unwrap();
    let mut engine = Engine::new(hub());
    let mut ids = Seeded::new(3);
    let mut ctx = Ctx { now: Timestamp::from_secs(1_800_000_000), entropy: &mut ids };
    engine.execute("docker pull hello-world", &mut ctx);
    let saved = engine.save();
    // Every prefix of a valid state, and a few hand-made oddities.
    for end in (0..saved.len()).step_by(97) {
        if saved.is_char_boundary(end) {
            assert!(Engine::restore(&saved[..end], hub(), Timestamp(0)).is_err());
        }
    }
    let short_id = r#"{"version":1,"images":{"images":{},"tags":{},"layers":{}},"containers":[{"id":"ab","name":"x","image":"sha256:0000000000000000000000000000000000000000000000000000000000000000","image_name":"x","path":"/x","args":[],"env":[],"created":0,"state":{"status":"running","exit_code":0,"started_at":null,"finished_at":null},"auto_remove":false,"rw":{"entries":{}},"logs":[]}]}"#;
    let mut restored = Engine::restore(short_id, hub(), Timestamp(0)).expect("structurally valid state restores");
    let mut ctx = Ctx { now: Timestamp::from_secs(1_800_000_000), entropy: &mut ids };
    assert!(matches!(restored.execute("docker ps -a", &mut ctx), Step::Done(r) if r.stdout.contains("Exited (137)")));
}
