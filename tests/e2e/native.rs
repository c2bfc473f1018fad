//! The `dockyard` CLI on wasmtime: successive commands share state, as they would with a daemon.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::{dockyard, dockyard_bin, text, TempHome};

#[test]
fn commands_build_on_each_other_across_invocations() {
    let home = TempHome::new("native");
    let first = dockyard(&home, &["run", "--name", "greeter", "hello-world"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("Hello from Dockyard!"));
    assert!(text(&first.stderr).starts_with("Unable to find image 'hello-world:latest' locally\n"));

    let again = dockyard(&home, &["run", "--rm", "hello-world"]);
    assert_eq!(text(&again.stderr), "", "the image is local now: no pull");

    let ps = text(&dockyard(&home, &["ps", "-a"]).stdout);
    let rows: Vec<&str> = ps.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{ps}");
    assert!(rows[0].contains("Exited (0)") && rows[0].ends_with("greeter"), "{ps}");

    let conflict = dockyard(&home, &["run", "--name", "greeter", "hello-world"]);
    assert_eq!(conflict.status.code(), Some(125));
    assert!(text(&conflict.stderr).contains("Conflict. The container name \"/greeter\" is already in use"));

    let missing = dockyard(&home, &["run", "hello-world", "nosuchcmd"]);
    assert_eq!(missing.status.code(), Some(127));
}

#[test]
fn the_shell_reads_commands_from_standard_input() {
    let home = TempHome::new("shell");
    let mut child = Command::new(dockyard_bin())
        .arg("shell")
        .env("DOCKYARD_HOME", &home.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dockyard shell starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"# a comment\ndocker pull hello-world\n\ndocker images\ndocker rm nosuch\n")
        .expect("write script");
    let out = child.wait_with_output().expect("shell ends");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Status: Downloaded newer image for hello-world:latest"), "{stdout}");
    assert!(stdout.contains("\nhello-world   latest    "), "{stdout}");
    assert_eq!(text(&out.stderr), "Error response from daemon: No such container: nosuch\n");
    assert_eq!(out.status.code(), Some(1), "the last command's exit code");
}

#[test]
fn unreadable_state_is_kept_aside_not_lost() {
    let home = TempHome::new("corrupt");
    std::fs::write(home.0.join("state.json"), "{ not json").expect("write");
    let out = dockyard(&home, &["ps"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("kept the old state as"), "{}", text(&out.stderr));
    let kept: Vec<_> = std::fs::read_dir(&home.0)
        .expect("home")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("state.json.unreadable-"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read_to_string(kept[0].path()).expect("read"), "{ not json");
}
