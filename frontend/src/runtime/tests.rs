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

/// The page's switch answering a process directly: enough for calls that never wait.
struct Direct {
    net: crate::network::PageNet,
    me: ContainerId,
    config: dockyard_engine::net::NetConfig,
}

impl Direct {
    fn ask(&mut self, call: crate::network::Call) -> Result<crate::network::Answer, dockyard_engine::wasi::Errno> {
        use crate::network::Answer;
        let answer = self.net.call(&self.me, call).into_iter().find(|(p, _)| *p == self.me).map(|(_, a)| a);
        match answer {
            Some(Answer::Error(raw)) => Err(dockyard_engine::wasi::Errno::from_raw(raw).unwrap()),
            Some(answer) => Ok(answer),
            None => Err(dockyard_engine::wasi::Errno::Again),
        }
    }
}

impl dockyard_engine::wasi::Network for Direct {
    fn accept(&mut self, port: u16, _: bool) -> Result<dockyard_engine::net::ConnId, dockyard_engine::wasi::Errno> {
        let at = dockyard_engine::net::Endpoint { container: self.me.clone(), port };
        match self.ask(crate::network::Call::Accept { at, wait: false })? {
            crate::network::Answer::Conn(c) => Ok(c),
            _ => Err(dockyard_engine::wasi::Errno::Io),
        }
    }
    fn recv(
        &mut self,
        _: dockyard_engine::net::ConnId,
        _: usize,
        _: bool,
        _: bool,
    ) -> Result<Vec<u8>, dockyard_engine::wasi::Errno> {
        Err(dockyard_engine::wasi::Errno::Again)
    }
    fn send(
        &mut self,
        _: dockyard_engine::net::ConnId,
        _: &[u8],
        _: bool,
    ) -> Result<usize, dockyard_engine::wasi::Errno> {
        Err(dockyard_engine::wasi::Errno::Again)
    }
    fn shutdown(
        &mut self,
        _: dockyard_engine::net::ConnId,
        _: bool,
        _: bool,
    ) -> Result<(), dockyard_engine::wasi::Errno> {
        Ok(())
    }
    fn close(&mut self, _: dockyard_engine::net::ConnId) {}
    fn connect(&mut self, host: &str, port: u16) -> Result<dockyard_engine::net::ConnId, dockyard_engine::wasi::Errno> {
        let to = self.config.resolve(host, port)?;
        match self.ask(crate::network::Call::Connect { to })? {
            crate::network::Answer::Conn(c) => Ok(c),
            _ => Err(dockyard_engine::wasi::Errno::Io),
        }
    }
    fn ready(&mut self, _: dockyard_engine::wasi::Socket) -> Result<bool, dockyard_engine::wasi::Errno> {
        Ok(true)
    }
    fn flush(&mut self, _: Vec<(Stream, Vec<u8>)>) {}
}

/// Dockyard's own import, `dockyard.sock_connect`, is wired by the page's host as by wasmtime,
/// and its errors and the socket calls' arrive as the same errnos.
#[wasm_bindgen_test]
async fn socket_errors() {
    let module = dockyard_workloads::CONFORMANCE.iter().find(|(n, _)| *n == "sockets").map(|(_, b)| *b).unwrap();
    let me = ContainerId::generate(&mut Seeded::new(2));
    let config = dockyard_engine::net::NetConfig {
        container: Some(me.clone()),
        listen: vec![80],
        bridged: true,
        ..Default::default()
    };
    let process = Process {
        container: me.clone(),
        module: Bytes::from(module),
        args: vec!["/sockets".into(), "errors".into()],
        env: Vec::new(),
        root: UnionFs::new(Vec::new()),
        memory_limit: None,
        interactive: false,
        net: config.clone(),
    };
    let network = Direct { net: Default::default(), me, config };
    let host = super::Host { network: Some(Box::new(network)), ..Default::default() };
    let outcome = super::run_with(&process, host).await;
    assert_eq!(outcome.status, ExitStatus::Code(0));
    let stdout: Vec<u8> =
        outcome.output.iter().filter(|(s, _)| *s == Stream::Stdout).flat_map(|(_, b)| b.clone()).collect();
    assert_eq!(
        String::from_utf8_lossy(&stdout),
        "refused: Some(14)\nunresolved: Some(44)\nbad port: Some(28)\naccept on a directory: Not a socket (os error 57)\n"
    );
}
