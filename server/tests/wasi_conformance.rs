//! WASI conformance: each guest program in `dockyard_workloads::CONFORMANCE` runs twice, under
//! Dockyard's preview1 (the engine's, through [`WasmHost`]) over a union filesystem, and under
//! wasmtime-wasi over a real directory holding the same tree. The two runs must agree on the exit
//! status, stdout, stderr and the tree the program leaves behind.
//!
//! The programs check their own expectations too (a failed one exits 1 with a message on
//! stderr), so each test first holds the wasmtime run to the program's expected status: a
//! program that fails there is wrong itself, whatever Dockyard does.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use dockyard_engine::container::ContainerId;
use dockyard_engine::fs::UnionFs;
use dockyard_engine::layer::{Bytes, Entry, EntryKind, Layer};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{ExitStatus, Process, Seeded};
use dockyard_server::wasm_host::WasmHost;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

/// What one path of a tree is, as far as the comparison goes: kinds, contents and link targets,
/// never modes, owners or times.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Dir,
    File(Vec<u8>),
    Symlink(String),
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Dir => write!(f, "directory"),
            Node::File(data) => write!(f, "file \"{}\"", data.escape_ascii()),
            Node::Symlink(target) => write!(f, "symlink -> {target}"),
        }
    }
}

/// A whole tree, by path relative to the root (`data/hello.txt`).
type Tree = BTreeMap<String, Node>;

/// The tree every program starts from.
fn fixture() -> Tree {
    let file = |s: &str| Node::File(s.as_bytes().to_vec());
    BTreeMap::from([
        ("data".to_string(), Node::Dir),
        ("data/hello.txt".to_string(), file("hello\n")),
        ("data/dir".to_string(), Node::Dir),
        ("data/dir/a.txt".to_string(), file("a\n")),
        ("data/dir/sub".to_string(), Node::Dir),
        ("data/dir/sub/b.txt".to_string(), file("b\n")),
        ("data/empty".to_string(), Node::Dir),
        ("data/link".to_string(), Node::Symlink("hello.txt".to_string())),
    ])
}

/// How a run ended and what it left, on either side.
#[derive(Debug)]
struct Run {
    /// `exit N` or `trap: why`.
    status: String,
    stdout: String,
    stderr: String,
    tree: Tree,
}

/// One program's invocation.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [&'static str],
    /// The status the program ends with when all its expectations hold.
    expected_status: &'static str,
}

impl Case {
    fn new(name: &'static str) -> Self {
        Case { name, args: &[], env: &[], expected_status: "exit 0" }
    }

    fn module(&self) -> &'static [u8] {
        dockyard_workloads::CONFORMANCE
            .iter()
            .find(|(n, _)| *n == self.name)
            .map(|(_, bytes)| *bytes)
            .unwrap_or_else(|| panic!("no conformance program named {}", self.name))
    }

    /// argv: the program's path, as a container gives it, then the case's arguments.
    fn argv(&self) -> Vec<String> {
        std::iter::once(format!("/{}", self.name)).chain(self.args.iter().map(|a| a.to_string())).collect()
    }
}

/// The fixture as an image layer.
fn base_layer() -> Layer {
    let mut layer = Layer::default();
    for (path, node) in fixture() {
        let entry = match node {
            Node::Dir => Entry::dir(0o755),
            Node::File(data) => Entry::file(data, 0o644),
            Node::Symlink(target) => Entry::symlink(&target),
        };
        layer.insert(&path, entry).expect("the fixture is a valid layer");
    }
    layer
}

/// Runs the case under Dockyard: the fixture layer under an empty writable layer.
fn run_dockyard(case: &Case) -> Run {
    let base = base_layer();
    let process = Process {
        container: ContainerId::generate(&mut Seeded::new(1)),
        module: Bytes::from(case.module()),
        args: case.argv(),
        env: case.env.iter().map(|s| s.to_string()).collect(),
        root: UnionFs::with_upper(vec![base.clone()], Layer::default()),
        memory_limit: None,
        interactive: false,
        net: Default::default(),
    };
    let outcome = WasmHost::new().run(&process);
    let stream = |which: Stream| {
        let bytes: Vec<u8> =
            outcome.output.iter().filter(|(s, _)| *s == which).flat_map(|(_, b)| b.iter().copied()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let status = match &outcome.status {
        ExitStatus::Code(code) => format!("exit {code}"),
        ExitStatus::Trap(why) => format!("trap: {why}"),
        ExitStatus::Killed(signal) => format!("killed by signal {signal}"),
        ExitStatus::OutOfMemory => "out of memory".to_string(),
    };
    let mut stderr = stream(Stream::Stderr);
    if outcome.upper.is_none() {
        // Without a writable layer the tree below is the fixture; say so, so a diff explains itself.
        stderr.push_str("[harness: Dockyard returned no writable layer]\n");
    }
    let fs = UnionFs::with_upper(vec![base], outcome.upper.clone().unwrap_or_default());
    Run { status, stdout: stream(Stream::Stdout), stderr, tree: union_tree(&fs) }
}

/// The tree a union filesystem shows, with hard links read as the files they name.
fn union_tree(fs: &UnionFs) -> Tree {
    let mut tree = Tree::new();
    for path in fs.paths() {
        let Some((entry, _)) = fs.lookup(path) else { continue };
        let node = match &entry.kind {
            EntryKind::Dir { .. } => Node::Dir,
            EntryKind::File { data } => Node::File(data.0.to_vec()),
            EntryKind::Symlink { target } => Node::Symlink(target.clone()),
            EntryKind::Hardlink { target } => hardlinked(fs, target),
            // A whiteout hides a path; the index never shows one, but say so if it does.
            EntryKind::Whiteout => Node::Symlink("<visible whiteout>".to_string()),
        };
        tree.insert(path.to_string(), node);
    }
    tree
}

/// The file a hard link names: what a reader of the link sees.
fn hardlinked(fs: &UnionFs, target: &str) -> Node {
    let mut target = target.to_string();
    // A chain of links is as long as the layer made it; a loop would be a broken layer.
    for _ in 0..40 {
        match fs.lookup(&target).map(|(e, _)| &e.kind) {
            Some(EntryKind::File { data }) => return Node::File(data.0.to_vec()),
            Some(EntryKind::Hardlink { target: next }) => target = next.clone(),
            other => return Node::Symlink(format!("<hard link to {target}, which is {other:?}>")),
        }
    }
    Node::Symlink(format!("<hard link loop at {target}>"))
}

/// A fresh directory under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("dockyard-wasi-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("a temporary directory can be made");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `tree` under `root`; parents come before children in a sorted tree.
fn write_tree(root: &Path, tree: &Tree) {
    for (path, node) in tree {
        let at = root.join(path);
        match node {
            Node::Dir => std::fs::create_dir(&at),
            Node::File(data) => std::fs::write(&at, data),
            Node::Symlink(target) => std::os::unix::fs::symlink(target, &at),
        }
        .unwrap_or_else(|e| panic!("could not write the fixture's {path}: {e}"));
    }
}

/// Reads the tree under `root` without following symlinks.
fn read_tree(root: &Path) -> Tree {
    fn walk(root: &Path, dir: &Path, tree: &mut Tree) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let at = entry.path();
            let path = at.strip_prefix(root).expect("under the root").to_string_lossy().into_owned();
            let Ok(meta) = std::fs::symlink_metadata(&at) else { continue };
            let node = if meta.file_type().is_symlink() {
                Node::Symlink(std::fs::read_link(&at).map(|t| t.to_string_lossy().into_owned()).unwrap_or_default())
            } else if meta.is_dir() {
                walk(root, &at, tree);
                Node::Dir
            } else {
                Node::File(std::fs::read(&at).unwrap_or_default())
            };
            tree.insert(path, node);
        }
    }
    let mut tree = Tree::new();
    walk(root, root, &mut tree);
    tree
}

/// Runs the case under wasmtime-wasi with a real copy of the fixture preopened as "/".
fn run_reference(case: &Case) -> Run {
    let dir = TempDir::new(case.name);
    write_tree(&dir.0, &fixture());
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, case.module()).expect("the program compiles");
    let mut linker: wasmtime::Linker<WasiP1Ctx> = wasmtime::Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).expect("preview1 links");
    let stdout = MemoryOutputPipe::new(1 << 20);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let env: Vec<(&str, &str)> = case.env.iter().map(|kv| kv.split_once('=').unwrap_or((kv, ""))).collect();
    let ctx = WasiCtxBuilder::new()
        .args(&case.argv())
        .envs(&env)
        // A container without -i reads an empty stdin, as from /dev/null.
        .stdin(MemoryInputPipe::new(Vec::new()))
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .preopened_dir(&dir.0, "/", FsPerms::ReadWrite)
        .expect("the temporary directory opens")
        .build_p1();
    let mut store = wasmtime::Store::new(&engine, ctx);
    let result = linker
        .instantiate(&mut store, &module)
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|start| start.call(&mut store, ()));
    let status = match result {
        Ok(()) => "exit 0".to_string(),
        Err(error) => match error.downcast_ref::<I32Exit>() {
            Some(I32Exit(code)) => format!("exit {code}"),
            None => format!("trap: {error:#}"),
        },
    };
    drop(store);
    let text = |pipe: &MemoryOutputPipe| String::from_utf8_lossy(&pipe.contents()).into_owned();
    Run { status, stdout: text(&stdout), stderr: text(&stderr), tree: read_tree(&dir.0) }
}

/// The lines only one side has, as `-` (wasmtime) and `+` (Dockyard) with line numbers, found
/// through a longest common subsequence so one extra line does not misalign the rest.
fn line_diff(reference: &str, dockyard: &str) -> String {
    let a: Vec<&str> = reference.lines().collect();
    let b: Vec<&str> = dockyard.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "    +{:>3} dockyard: {}", j + 1, b[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "    -{:>3} wasmtime: {}", i + 1, a[i]);
            i += 1;
        }
    }
    if !reference.is_empty() && !dockyard.is_empty() && reference.ends_with('\n') != dockyard.ends_with('\n') {
        let _ = writeln!(out, "    (only one side ends with a newline)");
    }
    out
}

/// Every difference between the runs, readable; empty when they agree.
fn differences(reference: &Run, dockyard: &Run) -> String {
    let mut out = String::new();
    if reference.status != dockyard.status {
        let _ = writeln!(out, "status: wasmtime {}, dockyard {}", reference.status, dockyard.status);
    }
    for (stream, a, b) in
        [("stdout", &reference.stdout, &dockyard.stdout), ("stderr", &reference.stderr, &dockyard.stderr)]
    {
        if a != b {
            let _ = write!(out, "{stream} differs:\n{}", line_diff(a, b));
        }
    }
    let paths: std::collections::BTreeSet<&String> = reference.tree.keys().chain(dockyard.tree.keys()).collect();
    let mut tree = String::new();
    for path in paths {
        let show = |node: Option<&Node>| node.map_or("missing".to_string(), Node::to_string);
        let (a, b) = (reference.tree.get(path), dockyard.tree.get(path));
        if a != b {
            let _ = writeln!(tree, "    /{path}: wasmtime {}, dockyard {}", show(a), show(b));
        }
    }
    if !tree.is_empty() {
        let _ = write!(out, "resulting tree differs:\n{tree}");
    }
    out
}

/// Runs `case` on both sides and fails with every difference.
fn conform(case: Case) {
    let reference = run_reference(&case);
    assert_eq!(
        reference.status, case.expected_status,
        "{} fails its own checks under wasmtime-wasi, so the program itself is wrong:\nstdout:\n{}\nstderr:\n{}",
        case.name, reference.stdout, reference.stderr
    );
    let dockyard = run_dockyard(&case);
    let diff = differences(&reference, &dockyard);
    assert!(
        diff.is_empty(),
        "{} under Dockyard differs from wasmtime-wasi:\n{diff}\nDockyard's stderr:\n{}",
        case.name,
        dockyard.stderr
    );
}

#[test]
fn fs_files() {
    conform(Case::new("fs_files"));
}

#[test]
fn fs_dirs() {
    conform(Case::new("fs_dirs"));
}

#[test]
fn fs_links() {
    conform(Case::new("fs_links"));
}

#[test]
fn fs_raw() {
    conform(Case::new("fs_raw"));
}

#[test]
fn clocks_poll() {
    conform(Case::new("clocks_poll"));
}

#[test]
fn args_env_exit() {
    conform(Case {
        args: &["one", "two words", "", "--exit=3"],
        env: &["CONFORMANCE=1", "EMPTY=", "PATH=/usr/local/bin:/usr/bin:/bin", "HOSTNAME=cafe12345678"],
        expected_status: "exit 3",
        ..Case::new("args_env_exit")
    });
}

/// The diff the tests print marks each side's own lines and keeps the common ones out.
#[test]
fn line_diff_shows_only_the_lines_that_differ() {
    let diff = line_diff("a\nb\nc\n", "a\nx\nc\n");
    assert_eq!(diff, "    +  2 dockyard: x\n    -  2 wasmtime: b\n");
    assert_eq!(line_diff("same\n", "same\n"), "");
}
