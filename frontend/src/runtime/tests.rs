//! The WASI conformance programs, run by the browser's own WebAssembly engine through this host,
//! in headless Chromium. Natively the same programs are compared with wasmtime-wasi line by line
//! (server/tests/wasi_conformance.rs); here each must pass its own checks, which fail it with a
//! nonzero exit and a message on stderr.

use dockyard_engine::container::ContainerId;
use dockyard_engine::fs::UnionFs;
use dockyard_engine::layer::{Bytes, Entry, Layer};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{ExitStatus, Process, Seeded};
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The same tree the native conformance test gives the programs.
fn base_layer() -> Layer {
    let mut layer = Layer::default();
    let entries = [
        ("data/hello.txt", Entry::file(&b"hello\n"[..], 0o644)),
        ("data/dir/a.txt", Entry::file(&b"a\n"[..], 0o644)),
        ("data/dir/sub/b.txt", Entry::file(&b"b\n"[..], 0o644)),
        ("data/empty", Entry::dir(0o755)),
        ("data/link", Entry::symlink("hello.txt")),
    ];
    for (path, entry) in entries {
        layer.insert(path, entry).expect("a valid fixture");
    }
    layer
}

async fn run(name: &str, args: &[&str], env: &[&str]) -> (ExitStatus, String, String) {
    let module = dockyard_workloads::CONFORMANCE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
        .unwrap_or_else(|| panic!("no conformance program named {name}"));
    let process = Process {
        container: ContainerId::generate(&mut Seeded::new(1)),
        module: Bytes::from(module),
        args: std::iter::once(format!("/{name}")).chain(args.iter().map(|a| a.to_string())).collect(),
        env: env.iter().map(|e| e.to_string()).collect(),
        root: UnionFs::with_upper(vec![base_layer()], Layer::default()),
        memory_limit: None,
        interactive: false,
        net: Default::default(),
    };
    let outcome = super::run(&process).await;
    let text = |which: Stream| -> String {
        let bytes: Vec<u8> = outcome.output.iter().filter(|(s, _)| *s == which).flat_map(|(_, b)| b.clone()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    (outcome.status.clone(), text(Stream::Stdout), text(Stream::Stderr))
}

async fn passes(name: &str) {
    let (status, stdout, stderr) = run(name, &[], &[]).await;
    assert_eq!(status, ExitStatus::Code(0), "{name} failed its own checks:\n{stderr}\n{stdout}");
    assert!(!stdout.is_empty(), "{name} printed its findings");
}

#[wasm_bindgen_test]
async fn files() {
    passes("fs_files").await;
}

#[wasm_bindgen_test]
async fn directories() {
    passes("fs_dirs").await;
}

#[wasm_bindgen_test]
async fn links() {
    passes("fs_links").await;
}

#[wasm_bindgen_test]
async fn raw_descriptor_calls() {
    passes("fs_raw").await;
}

#[wasm_bindgen_test]
async fn clocks_and_poll() {
    passes("clocks_poll").await;
}

#[wasm_bindgen_test]
async fn args_environment_and_exit_code() {
    let env = ["CONFORMANCE=1", "EMPTY=", "PATH=/usr/local/bin:/usr/bin:/bin", "HOSTNAME=cafe12345678"];
    let (status, stdout, stderr) = run("args_env_exit", &["one", "two words", "", "--exit=3"], &env).await;
    assert_eq!(status, ExitStatus::Code(3), "{stderr}");
    assert!(stdout.contains("two words"), "{stdout}");
}
