//! The `toolbox` program (busybox-like, the process of the `toolbox` image) run for real under
//! wasmtime through [`WasmHost`], over a small union filesystem: every applet and the shell's
//! features, with the exact output and status each must give, and a spinning guest killed. The
//! `web` and `kv` servers are here too, for what they do without a socket to serve on.

use std::sync::{mpsc, Arc, OnceLock};
use std::time::Duration;

use dockyard_engine::container::ContainerId;
use dockyard_engine::fs::UnionFs;
use dockyard_engine::layer::{Bytes, Entry, EntryKind, Layer};
use dockyard_engine::wasi::Stream;
use dockyard_engine::{ExitStatus, Process, Seeded};
use dockyard_server::wasm_host::{Control, WasmHost};
use dockyard_workloads::{KV, TOOLBOX, WEB};

/// One host for every test, so the module is compiled once.
fn host() -> &'static WasmHost {
    static HOST: OnceLock<WasmHost> = OnceLock::new();
    HOST.get_or_init(WasmHost::new)
}

/// The image's filesystem: the toolbox under a few applet names, some files and a script.
fn base_layer() -> Layer {
    let mut layer = Layer::default();
    let dir = |layer: &mut Layer, path: &str| layer.insert(path, Entry::dir(0o755)).expect("valid layer");
    let file = |layer: &mut Layer, path: &str, text: &str| {
        layer.insert(path, Entry::file(text.as_bytes().to_vec(), 0o644)).expect("valid layer")
    };
    for path in ["bin", "tmp", "root", "data", "data/dir", "data/dir/sub", "data/empty"] {
        dir(&mut layer, path);
    }
    for name in ["toolbox", "sh", "ls", "echo", "cat"] {
        layer.insert(&format!("bin/{name}"), Entry::file(TOOLBOX.to_vec(), 0o755)).expect("valid layer");
    }
    file(&mut layer, "data/hello.txt", "hello\n");
    file(&mut layer, "data/lines.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\n");
    file(&mut layer, "data/fruit.txt", "Apple pie\nbanana\nCherry\napple juice\n");
    file(&mut layer, "data/.hidden", "");
    file(&mut layer, "data/dir/a.txt", "a\n");
    file(&mut layer, "data/dir/sub/b.txt", "b\n");
    file(&mut layer, "data/script.sh", "echo \"script $0 got $# args: $1 $2\"\nexit 3\n");
    layer.insert("data/link", Entry::symlink("hello.txt")).expect("valid layer");
    layer
}

/// How a run ended, what it printed, and the filesystem it left.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    fs: UnionFs,
}

impl Run {
    /// The contents of a file in the filesystem the run left, None if it is not a file.
    fn file(&self, path: &str) -> Option<String> {
        match &self.fs.lookup(path)?.0.kind {
            EntryKind::File { data } => Some(String::from_utf8_lossy(&data.0).into_owned()),
            _ => None,
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.fs.lookup(path).is_some()
    }
}

fn process(argv: &[&str]) -> Process {
    Process {
        container: ContainerId::generate(&mut Seeded::new(7)),
        module: Bytes::from(TOOLBOX),
        args: argv.iter().map(|s| s.to_string()).collect(),
        env: [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=c0ffee123456",
            "HOME=/root",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        root: UnionFs::with_upper(vec![base_layer()], Layer::default()),
        memory_limit: None,
        interactive: false,
        net: Default::default(),
    }
}

/// Runs the toolbox with `argv` (argv[0] picks the applet) over a fresh copy of the image.
fn run(argv: &[&str]) -> Run {
    let outcome = host().run(&process(argv));
    let stream = |which: Stream| {
        let bytes: Vec<u8> =
            outcome.output.iter().filter(|(s, _)| *s == which).flat_map(|(_, b)| b.iter().copied()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Run {
        status: outcome.status.clone(),
        stdout: stream(Stream::Stdout),
        stderr: stream(Stream::Stderr),
        fs: UnionFs::with_upper(vec![base_layer()], outcome.upper.clone().unwrap_or_default()),
    }
}

/// Runs a script with `sh -c`.
fn sh(script: &str) -> Run {
    run(&["/bin/sh", "-c", script])
}

/// Asserts a run's status, stdout and stderr, saying which command it was when they differ.
#[track_caller]
fn expect(what: &str, run: &Run, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (&run.status, run.stdout.as_str(), run.stderr.as_str()),
        (&ExitStatus::Code(code), stdout, stderr),
        "for {what}"
    );
}

/// Runs `argv` and checks it.
#[track_caller]
fn check(argv: &[&str], code: i32, stdout: &str, stderr: &str) {
    expect(&format!("{argv:?}"), &run(argv), code, stdout, stderr);
}

/// Runs a script with `sh -c` and checks it.
#[track_caller]
fn check_sh(script: &str, code: i32, stdout: &str, stderr: &str) {
    expect(script, &sh(script), code, stdout, stderr);
}

#[test]
fn multi_call_picks_the_applet_by_name() {
    check(&["/bin/echo", "hi"], 0, "hi\n", "");
    check(&["/bin/toolbox", "echo", "hi"], 0, "hi\n", "");
    check(&["toolbox", "ls", "/data/dir"], 0, "a.txt\nsub\n", "");
    check(&["/bin/nosuch"], 127, "", "nosuch: applet not found\n");
    let list = run(&["/bin/toolbox"]);
    assert_eq!(list.status, ExitStatus::Code(0));
    for applet in ["sh", "ls", "grep", "spin", "[", "test", "yes"] {
        assert!(list.stdout.contains(applet), "{applet} missing from {}", list.stdout);
    }
    assert_eq!(run(&["toolbox", "--help"]).stdout, list.stdout);
    // The image links exactly the applets the program has.
    let listed: Vec<&str> = list
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Currently defined applets:"))
        .skip(1)
        .flat_map(|l| l.trim().split(", "))
        .collect();
    assert_eq!(listed, dockyard_engine::builtin::TOOLBOX_APPLETS);
}

#[test]
fn echo() {
    check(&["echo", "hello", "world"], 0, "hello world\n", "");
    check(&["echo"], 0, "\n", "");
    check(&["echo", "-n", "a", "b"], 0, "a b", "");
    check(&["echo", "-e", "a\\tb\\n\\x41\\0101\\\\"], 0, "a\tb\nAA\\\n", "");
    check(&["echo", "a\\tb"], 0, "a\\tb\n", "");
    check(&["echo", "-ne", "x\\cy"], 0, "x", "");
    check(&["echo", "-x", "--"], 0, "-x --\n", "");
}

#[test]
fn cat() {
    check(&["cat", "/data/hello.txt", "/data/dir/a.txt"], 0, "hello\na\n", "");
    check(&["cat", "/nope"], 1, "", "cat: can't open '/nope': No such file or directory\n");
    check(&["cat", "/data/dir"], 1, "", "cat: read error: Is a directory\n");
    check(&["cat", "/data/link"], 0, "hello\n", "");
    check(
        &["cat", "-n", "/data/fruit.txt"],
        0,
        "     1\tApple pie\n     2\tbanana\n     3\tCherry\n     4\tapple juice\n",
        "",
    );
    // Standard input is empty for now.
    check(&["cat"], 0, "", "");
    check(&["cat", "-z"], 2, "", "cat: invalid option -- 'z'\n");
}

#[test]
fn ls() {
    check(&["ls", "/data"], 0, "dir\nempty\nfruit.txt\nhello.txt\nlines.txt\nlink\nscript.sh\n", "");
    check(&["ls", "-a", "/data/dir"], 0, ".\n..\na.txt\nsub\n", "");
    check(&["ls", "-1", "/data/dir/sub"], 0, "b.txt\n", "");
    check(&["ls", "/data/empty"], 0, "", "");
    check(&["ls", "-l", "/data/dir", "/data/link", "/bin/sh"], 0, &format!(
        "-rwxr-xr-x {:>8} /bin/sh\nlrwxrwxrwx        9 /data/link -> hello.txt\n\n/data/dir:\n-rw-r--r--        2 a.txt\ndrwxr-xr-x     4096 sub\n",
        TOOLBOX.len()
    ), "");
    check(
        &["ls", "/data/hello.txt", "/data/dir/sub", "/data/empty"],
        0,
        "/data/hello.txt\n\n/data/dir/sub:\nb.txt\n\n/data/empty:\n",
        "",
    );
    check(&["ls", "/nope", "/data/empty"], 1, "/data/empty:\n", "ls: /nope: No such file or directory\n");
    check(&["ls", "-d", "/data/dir"], 0, "/data/dir\n", "");
    // Relative paths are resolved against PWD.
    let mut p = process(&["ls", "dir"]);
    p.env.push("PWD=/data".to_string());
    let outcome = host().run(&p);
    assert_eq!(outcome.status, ExitStatus::Code(0));
    assert_eq!(outcome.output, vec![(Stream::Stdout, b"a.txt\nsub\n".to_vec())]);
}

#[test]
fn mkdir_and_rmdir() {
    let r = sh("mkdir /tmp/a && mkdir -p /tmp/b/c/d /tmp/a && ls /tmp /tmp/b/c");
    expect("mkdir", &r, 0, "/tmp:\na\nb\n\n/tmp/b/c:\nd\n", "");
    assert!(r.exists("tmp/b/c/d"));
    check_sh("mkdir /tmp", 1, "", "mkdir: can't create directory '/tmp': File exists\n");
    check_sh("mkdir /x/y", 1, "", "mkdir: can't create directory '/x/y': No such file or directory\n");
    check_sh("mkdir -p /data/hello.txt", 1, "", "mkdir: can't create directory '/data/hello.txt': File exists\n");
    check_sh("mkdir", 2, "", "Usage: mkdir [-p] DIRECTORY...\n");
    let r = sh("rmdir /data/empty && rmdir /data/dir; rmdir /nope");
    expect("rmdir", &r, 1, "", "rmdir: '/data/dir': Directory not empty\nrmdir: '/nope': No such file or directory\n");
    assert!(!r.exists("data/empty"));
}

#[test]
fn rm() {
    let r = sh("rm /data/hello.txt /data/link && rm -r /data/dir && rm -f /nope && ls /data");
    expect("rm", &r, 0, "empty\nfruit.txt\nlines.txt\nscript.sh\n", "");
    assert!(!r.exists("data/dir/sub/b.txt"));
    check_sh("rm /nope", 1, "", "rm: can't remove '/nope': No such file or directory\n");
    check_sh("rm /data/dir", 1, "", "rm: can't remove '/data/dir': Is a directory\n");
    check_sh("rm -rf /", 1, "", "rm: can't remove '/'\n");
    check_sh("cd /data; rm -rf .", 1, "", "rm: can't remove '.' or '..'\n");
    let r = sh("rm -rf /data/dir/sub; ls /data/dir");
    expect("rm -rf", &r, 0, "a.txt\n", "");
}

#[test]
fn touch_cp_mv() {
    let r = sh("touch /tmp/new /data/hello.txt && cat /data/hello.txt && ls -l /tmp");
    expect("touch", &r, 0, "hello\n-rw-r--r--        0 new\n", "");
    assert_eq!(r.file("tmp/new").as_deref(), Some(""));
    check_sh("touch /nope/x", 1, "", "touch: /nope/x: No such file or directory\n");
    let r = sh("cp /data/hello.txt /tmp/h && cp /data/hello.txt /data/fruit.txt /tmp && cp -r /data/dir /tmp/d && ls /tmp /tmp/d/sub");
    expect("cp", &r, 0, "/tmp:\nd\nfruit.txt\nh\nhello.txt\n\n/tmp/d/sub:\nb.txt\n", "");
    assert_eq!(r.file("tmp/h").as_deref(), Some("hello\n"));
    assert_eq!(r.file("tmp/d/sub/b.txt").as_deref(), Some("b\n"));
    check_sh("cp /data/dir /tmp", 1, "", "cp: omitting directory '/data/dir'\n");
    check_sh("cp /nope /tmp", 1, "", "cp: can't stat '/nope': No such file or directory\n");
    check_sh("cp /data/hello.txt /data/fruit.txt /data/lines.txt", 1, "", "cp: '/data/lines.txt' is not a directory\n");
    check_sh("cp /data/hello.txt", 2, "", "Usage: cp [OPTIONS] SOURCE... DEST\n");
    let r = sh("mv /data/hello.txt /tmp/moved && mv /data/dir /tmp && ls /data /tmp");
    expect("mv", &r, 0, "/data:\nempty\nfruit.txt\nlines.txt\nlink\nscript.sh\n\n/tmp:\ndir\nmoved\n", "");
    assert_eq!(r.file("tmp/dir/sub/b.txt").as_deref(), Some("b\n"));
    check_sh("mv /nope /tmp", 1, "", "mv: can't stat '/nope': No such file or directory\n");
}

#[test]
fn ln_and_stat() {
    let r = sh("cd /tmp && ln -s /data/hello.txt h && ln /data/fruit.txt f && ln -s ../data/dir && ls -l /tmp && cat h f dir/a.txt");
    expect(
        "ln",
        &r,
        0,
        "lrwxrwxrwx       11 dir -> ../data/dir\n-rw-r--r--       36 f\nlrwxrwxrwx       15 h -> /data/hello.txt\nhello\nApple pie\nbanana\nCherry\napple juice\na\n",
        "",
    );
    check_sh("ln -s x /data/hello.txt", 1, "", "ln: /data/hello.txt: File exists\n");
    check_sh("ln -sf dir/a.txt /data/hello.txt && cat /data/hello.txt", 0, "a\n", "");
    check(&["stat", "/data/hello.txt", "/data/dir", "/data/link"], 0,
        "  File: '/data/hello.txt'\n  Size: 6          regular file\n  File: '/data/dir'\n  Size: 4096       directory\n  File: '/data/link' -> 'hello.txt'\n  Size: 9          symbolic link\n", "");
    check(
        &["stat", "-c", "%n %s %F", "/data/hello.txt", "/tmp"],
        0,
        "/data/hello.txt 6 regular file\n/tmp 4096 directory\n",
        "",
    );
    check(&["stat", "/nope"], 1, "", "stat: can't stat '/nope': No such file or directory\n");
}

#[test]
fn process_and_system_applets() {
    check(&["pwd"], 0, "/\n", "");
    check(&["hostname"], 0, "c0ffee123456\n", "");
    check(&["whoami"], 0, "root\n", "");
    check(&["id"], 0, "uid=0(root) gid=0(root) groups=0(root)\n", "");
    check(&["id", "-u"], 0, "0\n", "");
    check(&["uname"], 0, "Linux\n", "");
    check(&["uname", "-a"], 0, "Linux c0ffee123456 wasi dockyard wasm32 Dockyard\n", "");
    check(&["uname", "-sm"], 0, "Linux wasm32\n", "");
    check(&["true"], 0, "", "");
    check(&["false"], 1, "", "");
    check(&["printenv", "HOME"], 0, "/root\n", "");
    check(&["printenv", "NOPE"], 1, "", "");
    let env = run(&["env"]);
    assert_eq!(
        env.stdout,
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=c0ffee123456\nHOME=/root\n"
    );
    check(&["env", "-i", "A=1", "printenv"], 0, "A=1\n", "");
    check(&["env", "-i", "A=1", "sh", "-c", "echo $A"], 0, "1\n", "");
    check(&["sleep", "0.05"], 0, "", "");
    check(&["sleep", "x"], 1, "", "sleep: invalid number 'x'\n");
    check(&["sleep"], 2, "", "Usage: sleep [N]...\n");
    check(&["date", "-d", "@0"], 0, "Thu Jan  1 00:00:00 UTC 1970\n", "");
    check(&["date", "-d", "@1777593600", "+%Y-%m-%d %H:%M:%S %j %a %b"], 0, "2026-05-01 00:00:00 121 Fri May\n", "");
    let now = run(&["date", "+%s"]);
    let secs: u64 = now.stdout.trim().parse().expect("date +%s is a number");
    let real = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    assert!(real.abs_diff(secs) < 5, "date says {secs}, the clock {real}");
    let default = run(&["date"]);
    assert!(default.stdout.ends_with(" UTC 2026\n") || default.stdout.contains(" UTC 20"), "{}", default.stdout);
}

#[test]
fn text_applets() {
    check(&["wc", "/data/fruit.txt"], 0, "        4         6        36 /data/fruit.txt\n", "");
    check(
        &["wc", "-l", "/data/fruit.txt", "/data/hello.txt"],
        0,
        "4 /data/fruit.txt\n1 /data/hello.txt\n5 total\n",
        "",
    );
    check(&["wc", "-w", "/nope"], 1, "", "wc: /nope: No such file or directory\n");
    check(&["head", "-n", "2", "/data/lines.txt"], 0, "one\ntwo\n", "");
    check(&["head", "-3", "/data/lines.txt"], 0, "one\ntwo\nthree\n", "");
    check(&["head", "/data/lines.txt"], 0, "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n", "");
    check(&["tail", "-n", "2", "/data/lines.txt"], 0, "eleven\ntwelve\n", "");
    check(&["tail", "-n", "+11", "/data/lines.txt"], 0, "eleven\ntwelve\n", "");
    check(
        &["head", "-n", "1", "/data/hello.txt", "/data/dir/a.txt"],
        0,
        "==> /data/hello.txt <==\nhello\n\n==> /data/dir/a.txt <==\na\n",
        "",
    );
    check(&["head", "/nope"], 1, "", "head: can't open '/nope': No such file or directory\n");
    check(&["seq", "3"], 0, "1\n2\n3\n", "");
    check(&["seq", "2", "4"], 0, "2\n3\n4\n", "");
    check(&["seq", "10", "-3", "1"], 0, "10\n7\n4\n1\n", "");
    check(&["seq", "0", "0.5", "1"], 0, "0.0\n0.5\n1.0\n", "");
    check(&["seq", "-s", ",", "3"], 0, "1,2,3\n", "");
    check(&["seq", "x"], 1, "", "seq: invalid number 'x'\n");
    check(&["basename", "/a/b/c.txt"], 0, "c.txt\n", "");
    check(&["basename", "/a/b/c.txt", ".txt"], 0, "c\n", "");
    check(&["basename", "/"], 0, "/\n", "");
    check(&["dirname", "/a/b/c.txt"], 0, "/a/b\n", "");
    check(&["dirname", "c.txt"], 0, ".\n", "");
    check(&["dirname", "/a"], 0, "/\n", "");
    check_sh(
        "echo hi | tee /tmp/t1 /tmp/t2; cat /tmp/t2; echo more | tee -a /tmp/t1 >/dev/null 2>&1; cat /tmp/t1",
        0,
        "hi\nhi\nhi\nmore\n",
        "",
    );
    // The filesystem has no /dev, but scripts rely on /dev/null, so the shell provides it.
    check_sh("cat /data/hello.txt > /dev/null; cat < /dev/null; echo $?", 0, "0\n", "");
}

#[test]
fn grep() {
    check(&["grep", "an", "/data/fruit.txt"], 0, "banana\n", "");
    check(&["grep", "-i", "apple", "/data/fruit.txt"], 0, "Apple pie\napple juice\n", "");
    check(&["grep", "-v", "-i", "apple", "/data/fruit.txt"], 0, "banana\nCherry\n", "");
    check(&["grep", "-c", "a", "/data/fruit.txt"], 0, "2\n", "");
    check(&["grep", "-n", "e", "/data/fruit.txt"], 0, "1:Apple pie\n3:Cherry\n4:apple juice\n", "");
    check(&["grep", "-in", "HELLO", "/data/hello.txt", "/data/fruit.txt"], 0, "/data/hello.txt:1:hello\n", "");
    check(&["grep", "kiwi", "/data/fruit.txt"], 1, "", "");
    check(&["grep", "-q", "banana", "/data/fruit.txt"], 0, "", "");
    check(&["grep", "x", "/nope"], 2, "", "grep: /nope: No such file or directory\n");
    check(&["grep"], 2, "", "Usage: grep [-vicnqlhH] PATTERN [FILE]...\n");
    check_sh("cat /data/fruit.txt | grep -c apple", 0, "1\n", "");
}

#[test]
fn grep_regular_expressions() {
    check(&["grep", "^[ab]", "/data/fruit.txt"], 0, "banana\napple juice\n", "");
    check(&["grep", "-i", "e$", "/data/fruit.txt"], 0, "Apple pie\napple juice\n", "");
    check(&["grep", "-c", "an\\(an\\)*a", "/data/fruit.txt"], 0, "1\n", "");
    check(&["grep", "-E", "^(Apple|Cherry)", "/data/fruit.txt"], 0, "Apple pie\nCherry\n", "");
    check(&["grep", "-v", "e", "/data/lines.txt"], 0, "two\nfour\nsix\n", "");
    check_sh("echo a.c abc | tr ' ' '\\n' | grep -F a.c", 0, "a.c\n", "");
    check(&["grep", "a\\(", "/data/fruit.txt"], 2, "", "grep: bad regex 'a\\(': Unmatched ( or \\(\n");
}

#[test]
fn printf() {
    check(&["printf", "%s-%d\\n", "a", "3", "b", "4"], 0, "a-3\nb-4\n", "");
    check(
        &["printf", "[%5s|%-4s|%03d|%x|%X|%o|%c|%%|%.2f|%+d]\\n", "ab", "cd", "7", "255", "255", "8", "hi", "2.5", "1"],
        0,
        "[   ab|cd  |007|ff|FF|10|h|%|2.50|+1]\n",
        "",
    );
    check(&["printf", "a\\tb\\\\n\\101\\n"], 0, "a\tb\\nA\n", "");
    check(&["printf", "%d %d\\n", "1", "2", "3"], 0, "1 2\n3 0\n", "");
    check(&["printf", "%s\\n"], 0, "\n", "");
    check(&["printf", "no args\\n", "x"], 0, "no args\n", "");
    check(&["printf", "%d\\n", "'A", "0x1f", "-010"], 0, "65\n31\n-8\n", "");
    check(&["printf", "%b|%s\\n", "x\\ty", "x\\ty"], 0, "x\ty|x\\ty\n", "");
    check(&["printf", "%d\\n", "12abc"], 1, "12\n", "printf: invalid number '12abc'\n");
    check(&["printf", "%z"], 1, "", "printf: %z: invalid format\n");
    check(&["printf"], 2, "", "Usage: printf FORMAT [ARG]...\n");
    check_sh("printf '%s\\n' c a b | sort | head -n 1", 0, "a\n", "");
}

#[test]
fn sed() {
    check_sh("echo hello world | sed 's/o/0/'", 0, "hell0 world\n", "");
    check_sh("echo hello world | sed 's/o/0/g'", 0, "hell0 w0rld\n", "");
    check_sh("echo hello world | sed 's/\\(hello\\) \\(world\\)/\\2 \\1/'", 0, "world hello\n", "");
    check_sh("echo a/b/c | sed 's|/|::|g; s/a/[&]/'", 0, "[a]::b::c\n", "");
    check_sh("echo baaac | sed 's/a*/x/g'", 0, "xbxcx\n", "");
    check_sh("echo x=1 | sed -E 's/([a-z]+)=([0-9]+)/\\2=\\1/'", 0, "1=x\n", "");
    check(&["sed", "-n", "2,3p", "/data/lines.txt"], 0, "two\nthree\n", "");
    check(&["sed", "-n", "$p", "/data/lines.txt"], 0, "twelve\n", "");
    check(&["sed", "/an/d", "/data/fruit.txt"], 0, "Apple pie\nCherry\napple juice\n", "");
    check(&["sed", "-n", "s/apple/pear/ip", "/data/fruit.txt"], 0, "pear pie\npear juice\n", "");
    check(&["sed", "-e", "s/e/E/g", "-e", "3q", "/data/lines.txt"], 0, "onE\ntwo\nthrEE\n", "");
    let r = sh("sed -i 's/hello/bye/' /data/hello.txt && cat /data/hello.txt");
    expect("sed -i", &r, 0, "bye\n", "");
    assert_eq!(r.file("data/hello.txt").as_deref(), Some("bye\n"));
    check_sh("echo x | sed 's/a/b'", 1, "", "sed: unterminated 's' command\n");
    check_sh("echo x | sed 'y/a/b/'", 1, "", "sed: unsupported command y\n");
    check(&["sed", "s/x/y/", "/nope"], 2, "", "sed: /nope: No such file or directory\n");
    check(&["sed"], 2, "", "Usage: sed [-inE] [-e CMD]... [CMD] [FILE]...\n");
}

#[test]
fn sort_uniq_and_tr() {
    check(&["sort", "/data/fruit.txt"], 0, "Apple pie\nCherry\napple juice\nbanana\n", "");
    check(&["sort", "-r", "/data/fruit.txt"], 0, "banana\napple juice\nCherry\nApple pie\n", "");
    check_sh("printf '10\\n9\\n100\\n-1\\n' | sort -n", 0, "-1\n9\n10\n100\n", "");
    check_sh("printf '10\\n9\\n100\\n' | sort -rn", 0, "100\n10\n9\n", "");
    check_sh("printf 'b\\na\\nb\\n' | sort -u", 0, "a\nb\n", "");
    check_sh("echo b a b c a b | tr ' ' '\\n' | sort | uniq -c | sort -rn", 0, "      3 b\n      2 a\n      1 c\n", "");
    check_sh("printf 'a\\na\\nb\\nc\\nc\\n' | uniq -d", 0, "a\nc\n", "");
    check_sh("printf 'a\\na\\nb\\n' | uniq -u", 0, "b\n", "");
    check_sh("printf 'a\\na\\nb\\n' | uniq", 0, "a\nb\n", "");
    check_sh(
        "echo Hello | tr a-z A-Z; echo hello | tr -d l; echo aabbcc | tr -s a-c; echo hi! | tr -c a-z _",
        0,
        "HELLO\nheo\nabc\nhi__",
        "",
    );
    check(&["sort", "/nope"], 2, "", "sort: /nope: No such file or directory\n");
    check(&["tr", "a"], 2, "", "Usage: tr [-cds] STRING1 [STRING2]\n");
}

#[test]
fn curl_refuses_bad_command_lines_before_connecting() {
    check(
        &["curl"],
        2,
        "",
        "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
    );
    check(&["curl", "https://example.com/"], 1, "", "curl: (1) Protocol \"https\" not supported\n");
    check(&["curl", "-s", "https://example.com/"], 1, "", "");
    check(&["curl", "-sS", "http://web:99999/"], 3, "", "curl: (3) URL using bad/illegal format or missing URL\n");
    check(&["curl", "http://:80/"], 3, "", "curl: (3) URL using bad/illegal format or missing URL\n");
    check(
        &["curl", "-Q", "web"],
        2,
        "",
        "curl: option -Q: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
    );
    check(
        &["curl", "web", "-X"],
        2,
        "",
        "curl: option -X: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
    );
}

/// `web` and `kv` serve on the socket the host hands a process as descriptor 4 when its
/// container listens on a port; without one they say what is missing and exit 1.
#[test]
fn web_and_kv_say_when_they_have_no_socket() {
    for (name, module) in [("web", WEB), ("kv", KV)] {
        let mut p = process(&[name]);
        p.module = Bytes::from(module);
        let outcome = host().run(&p);
        assert_eq!(outcome.status, ExitStatus::Code(1), "{name}");
        let message = format!("{name}: no listening socket: publish or expose a port\n");
        assert_eq!(outcome.output, vec![(Stream::Stderr, message.into_bytes())], "{name}");
    }
}

#[test]
fn test_and_brackets() {
    check_sh(
        "for e in '-e /data' '-f /data' '-d /data' '-f /data/hello.txt' '-e /nope' '-z \"\"' '-n x' 'a = a' 'a != a' '1 -lt 2' '! -e /nope' '-L /data/link' '-s /tmp'; do test $e; echo \"$e: $?\"; done",
        0,
        "-e /data: 0\n-f /data: 1\n-d /data: 0\n-f /data/hello.txt: 0\n-e /nope: 1\n-z \"\": 1\n-n x: 0\na = a: 0\na != a: 1\n1 -lt 2: 0\n! -e /nope: 0\n-L /data/link: 0\n-s /tmp: 0\n",
        "",
    );
    check(&["[", "a", "=", "a", "]"], 0, "", "");
    check(&["[", "a", "=", "b", "]"], 1, "", "");
    check(&["[", "a", "=", "a"], 2, "", "[: missing ]\n");
    check(&["test"], 1, "", "");
    check(&["test", "x", "-eq", "1"], 2, "", "test: x: bad number\n");
    check(&["test", "-e", "/data", "-a", "-d", "/tmp"], 0, "", "");
}

#[test]
fn yes_is_endless_until_its_reader_is_done() {
    check_sh("yes | head -n 2; yes no | head -n 1", 0, "y\ny\nno\n", "");
}

#[test]
fn spin_can_be_killed() {
    let control = Arc::new(Control::default());
    let (send, receive) = mpsc::channel();
    let thread_control = control.clone();
    std::thread::spawn(move || {
        let outcome = host().run_controlled(&process(&["/bin/spin"]), thread_control, None, None);
        let _ = send.send(outcome.status);
    });
    std::thread::sleep(Duration::from_millis(100));
    assert!(receive.try_recv().is_err(), "spin ended by itself");
    control.kill(9);
    assert_eq!(receive.recv_timeout(Duration::from_secs(1)), Ok(ExitStatus::Killed(9)));
}

#[test]
fn sh_words_quotes_and_variables() {
    check_sh("echo a   b 'c   d' \"e  f\" g\\ h", 0, "a b c   d e  f g h\n", "");
    check_sh(
        r#"A=1; B="two words"; echo $A "$B" ${A}x '$A' "\$A" \$A "it's" 'say "hi"'"#,
        0,
        "1 two words 1x $A $A $A it's say \"hi\"\n",
        "",
    );
    check_sh("B='x  y'; for w in $B; do echo \"[$w]\"; done; echo \"[$B]\"", 0, "[x]\n[y]\n[x  y]\n", "");
    check_sh(
        "echo \"${NOPE:-default}\" ${HOME} $HOSTNAME $$ $#; false; echo $?",
        0,
        "default /root c0ffee123456 1 0\n1\n",
        "",
    );
    check_sh("A=1; printenv A; export A; printenv A; B=2 printenv B; echo \"[$B]\"", 0, "1\n2\n[]\n", "");
    check_sh(
        "echo $(echo sub) \"$(echo a; echo b)\" `echo back` $((2 + 3 * 4)) $(( (7 - 1) / 2 % 2 ))",
        0,
        "sub a\nb back 14 1\n",
        "",
    );
    check_sh("i=0; while [ $i -lt 3 ]; do i=$((i + 1)); echo $i; done", 0, "1\n2\n3\n", "");
    check_sh("echo a # a comment\n# another\necho b", 0, "a\nb\n", "");
    check_sh("echo ~ ~/x", 0, "/root /root/x\n", "");
    check(&["sh", "-c", "echo $0 $1 $2 $#; echo \"$@\"", "name", "a", "b c"], 0, "name a b c 2\na b c\n", "");
    check_sh("echo 'open", 2, "", "sh: syntax error: unexpected end of file\n");
    check_sh("echo a; fi", 2, "", "sh: syntax error: unexpected \"fi\"\n");
}

#[test]
fn sh_lists_and_status() {
    check_sh(
        "true && echo yes; false && echo no; false || echo fallback; true || echo never",
        0,
        "yes\nfallback\n",
        "",
    );
    check_sh("nosuch; echo $?", 0, "127\n", "sh: nosuch: not found\n");
    check_sh("/bin/nosuch", 127, "", "sh: /bin/nosuch: not found\n");
    check_sh("/data", 126, "", "sh: /data: Permission denied\n");
    check_sh("/bin/ls /data/dir", 0, "a.txt\nsub\n", "");
    check_sh("exit 3; echo never", 3, "", "");
    check_sh("false", 1, "", "");
    check_sh("exit", 0, "", "");
    check_sh("false; exit", 1, "", "");
    check_sh("exit x", 2, "", "sh: exit: Illegal number: x\n");
    check_sh("! true; echo $?; ! false; echo $?", 0, "1\n0\n", "");
}

#[test]
fn sh_redirections() {
    let r = sh("echo a > /tmp/x; cat /tmp/x; ls /tmp");
    expect("redirect", &r, 0, "a\nx\n", "");
    assert_eq!(r.file("tmp/x").as_deref(), Some("a\n"));
    check_sh("echo a > /tmp/x; echo b >> /tmp/x; cat < /tmp/x", 0, "a\nb\n", "");
    check_sh(
        "cat /nope 2> /tmp/err; echo $?; cat /tmp/err",
        0,
        "1\ncat: can't open '/nope': No such file or directory\n",
        "",
    );
    check_sh("cat /nope 2>&1", 1, "cat: can't open '/nope': No such file or directory\n", "");
    check_sh(
        "cat /data/hello.txt /nope > /tmp/all 2>&1; cat /tmp/all",
        0,
        "hello\ncat: can't open '/nope': No such file or directory\n",
        "",
    );
    check_sh("echo to-err >&2", 0, "", "to-err\n");
    check_sh("echo x > /nope/file; echo $?", 0, "1\n", "sh: can't create /nope/file: No such file or directory\n");
    check_sh("cat < /nope", 1, "", "sh: can't open '/nope': No such file or directory\n");
    check_sh("> /tmp/empty; ls -l /tmp", 0, "-rw-r--r--        0 empty\n", "");
    check_sh(
        "while read line; do echo \"<$line>\"; done < /data/fruit.txt",
        0,
        "<Apple pie>\n<banana>\n<Cherry>\n<apple juice>\n",
        "",
    );
}

#[test]
fn sh_pipelines() {
    check_sh("cat /data/lines.txt | head -n 3 | tail -n 1", 0, "three\n", "");
    check_sh("seq 5 | wc -l", 0, "5\n", "");
    check_sh("ls /data | grep txt | wc -l", 0, "3\n", "");
    check_sh("echo one two | wc -w; false | true; echo $?; true | false; echo $?", 0, "2\n0\n1\n", "");
    check_sh("cat /nope | wc -l", 0, "0\n", "cat: can't open '/nope': No such file or directory\n");
    check_sh("seq 3 | while read n; do echo \"n=$n\"; done", 0, "n=1\nn=2\nn=3\n", "");
}

#[test]
fn sh_control_flow() {
    check_sh("if test -d /data; then echo dir; else echo nodir; fi", 0, "dir\n", "");
    check_sh("if [ -f /nope ]; then echo a; elif [ -f /data/hello.txt ]; then echo b; else echo c; fi", 0, "b\n", "");
    check_sh("if false; then echo a; fi; echo $?", 0, "0\n", "");
    check_sh("for x in a b c; do echo $x; done", 0, "a\nb\nc\n", "");
    check_sh("for f in /data/*.txt; do echo $f; done", 0, "/data/fruit.txt\n/data/hello.txt\n/data/lines.txt\n", "");
    check_sh(
        "for x in 1 2 3 4; do if [ $x = 2 ]; then continue; fi; if [ $x = 4 ]; then break; fi; echo $x; done",
        0,
        "1\n3\n",
        "",
    );
    check_sh("n=0; until [ $n = 2 ]; do n=$((n+1)); done; echo $n", 0, "2\n", "");
    check_sh("if true\nthen\n  echo multi\nfi", 0, "multi\n", "");
    check_sh("{ echo a; echo b; } > /tmp/g; cat /tmp/g; (cd /tmp; exit 4); echo $? $PWD", 0, "a\nb\n4 /\n", "");
}

#[test]
fn sh_cd_and_relative_paths() {
    check_sh(
        "cd /data; pwd; ls dir; cd dir/sub; pwd; cat b.txt; cd ../..; pwd; cd; pwd; cd -; echo $PWD",
        0,
        "/data\na.txt\nsub\n/data/dir/sub\nb\n/data\n/root\n/data\n/data\n",
        "",
    );
    check_sh("cd /nope", 2, "", "sh: cd: can't cd to /nope: No such file or directory\n");
    check_sh("cd /data/hello.txt", 2, "", "sh: cd: can't cd to /data/hello.txt: Not a directory\n");
    let r = sh("cd /tmp && mkdir d && cd d && echo x > f && cp f g && mv g ../h && ln -s f l && ls -l . .. && cd / && cd .. && pwd");
    expect("relative", &r, 0, ".:\n-rw-r--r--        2 f\nlrwxrwxrwx        1 l -> f\n\n..:\ndrwxr-xr-x     4096 d\n-rw-r--r--        2 h\n/\n", "");
    check_sh(
        "cd /data; echo *.txt; echo d*; echo '*'; echo /data/*/",
        0,
        "fruit.txt hello.txt lines.txt\ndir\n*\n/data/dir/ /data/empty/\n",
        "",
    );
}

#[test]
fn sh_scripts_and_stdin() {
    check(&["sh", "/data/script.sh", "a", "b"], 3, "script /data/script.sh got 2 args: a b\n", "");
    check_sh("sh /data/script.sh x; echo $?", 0, "script /data/script.sh got 1 args: x \n3\n", "");
    check_sh("/data/script.sh y; echo $?", 0, "script /data/script.sh got 1 args: y \n3\n", "");
    check_sh("cd /data; . ./script.sh; echo never", 3, "script sh got 0 args:  \n", "");
    check(&["sh", "/nope"], 127, "", "sh: can't open '/nope': No such file or directory\n");
    // With no script, commands come from standard input, which is empty for now.
    check(&["sh"], 0, "", "");
    let mut p = process(&["/bin/sh"]);
    p.env.push("TERM=xterm".to_string());
    let outcome = host().run(&p);
    assert_eq!(outcome.status, ExitStatus::Code(0));
    let stderr: Vec<u8> =
        outcome.output.iter().filter(|(s, _)| *s == Stream::Stderr).flat_map(|(_, b)| b.clone()).collect();
    assert_eq!(String::from_utf8_lossy(&stderr), "/ # \n");
}
