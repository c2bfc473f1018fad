//! The `dockyard` CLI on wasmtime: successive commands share state, as they would with a daemon.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::{dockyard, dockyard_bin, dockyard_with_input, text, TempHome};

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

#[test]
fn cp_moves_files_both_ways_between_the_disk_and_a_container() {
    use std::os::unix::fs::PermissionsExt;
    let home = TempHome::new("cp");
    assert!(dockyard(&home, &["run", "--name", "box", "hello-world"]).status.success());
    let site = home.0.join("site");
    std::fs::create_dir_all(site.join("sub")).expect("mkdir");
    std::fs::write(site.join("index.html"), "<h1>ahoy</h1>\n").expect("write");
    std::fs::set_permissions(site.join("index.html"), std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::fs::write(site.join("sub/notes.txt"), "notes\n").expect("write");
    std::os::unix::fs::symlink("index.html", site.join("link")).expect("symlink");
    let path = |p: &std::path::Path| p.to_str().expect("utf-8 path").to_string();

    let copied = dockyard(&home, &["cp", &path(&site), "box:/srv"]);
    assert!(copied.status.success(), "{}", text(&copied.stderr));
    let summary = text(&copied.stderr);
    assert!(summary.starts_with("Successfully copied ") && summary.ends_with(" to box:/srv\n"), "{summary}");
    let diff = text(&dockyard(&home, &["diff", "box"]).stdout);
    for line in ["A /srv", "A /srv/index.html", "A /srv/link", "A /srv/sub", "A /srv/sub/notes.txt"] {
        assert!(diff.lines().any(|l| l == line), "{line} missing from\n{diff}");
    }

    // Back out to a folder that does not exist yet: it becomes the copy.
    let out = home.0.join("out");
    let back = dockyard(&home, &["cp", "-q", "box:/srv", &path(&out)]);
    assert!(back.status.success(), "{}", text(&back.stderr));
    assert_eq!(text(&back.stderr), "", "-q prints nothing");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).expect("copied file"), "<h1>ahoy</h1>\n");
    assert_eq!(std::fs::metadata(out.join("index.html")).expect("meta").permissions().mode() & 0o777, 0o640);
    assert_eq!(std::fs::read_link(out.join("link")).expect("a symlink"), std::path::Path::new("index.html"));
    assert_eq!(std::fs::read_to_string(out.join("sub/notes.txt")).expect("nested file"), "notes\n");
    // Into an existing folder, a file keeps its name: here the image's real WASI program.
    assert!(dockyard(&home, &["cp", "box:/hello", &path(&home.0)]).status.success());
    assert!(std::fs::read(home.0.join("hello")).expect("the program").starts_with(b"\0asm"));

    let missing = dockyard(&home, &["cp", "box:/nope", &path(&out)]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(text(&missing.stderr), "Error response from daemon: Could not find the file /nope in container box\n");
    let gone = home.0.join("gone");
    let unread = dockyard(&home, &["cp", &path(&gone), "box:/x"]);
    assert_eq!(text(&unread.stderr), format!("lstat {}: no such file or directory\n", gone.display()));
    let nodir = dockyard(&home, &["cp", "box:/hello", &format!("{}/", home.0.join("nodir").display())]);
    assert_eq!(text(&nodir.stderr), "no such directory\n");
}

#[test]
fn image_prune_asks_on_standard_input() {
    let home = TempHome::new("prune");
    assert!(dockyard(&home, &["pull", "hello-world"]).status.success());
    let warning = "WARNING! This will remove all images without at least one container associated to them.\n\
                   Are you sure you want to continue? [y/N] ";
    let declined = dockyard_with_input(&home, &["image", "prune", "-a"], "n\n");
    assert_eq!(text(&declined.stdout), format!("{warning}Total reclaimed space: 0B\n"));
    assert!(text(&dockyard(&home, &["images", "-q"]).stdout).len() > 1, "nothing was removed");
    let confirmed = dockyard_with_input(&home, &["image", "prune", "-a"], "y\n");
    let out = text(&confirmed.stdout);
    assert!(out.starts_with(&format!("{warning}Deleted Images:\nuntagged: hello-world:latest\n")), "{out}");
    let total = out.lines().last().unwrap_or_default();
    assert!(total.starts_with("Total reclaimed space: ") && !total.ends_with(" 0B"), "the program's bytes: {out}");
    assert_eq!(text(&dockyard(&home, &["images", "-q"]).stdout), "");
}

#[test]
fn background_containers_live_in_the_shell_and_stop_as_docker_stops_them() {
    let home = TempHome::new("lifecycle");
    let script = "docker run -d --name sleeper toolbox sleep 100\n\
                  docker ps --format '{{.Names}} {{.State}}'\n\
                  docker stop -t 1 sleeper\n\
                  docker ps -a --format '{{.Names}} {{.Status}}'\n\
                  docker run -d --name spinner toolbox spin\n\
                  docker kill spinner\n\
                  docker inspect -f '{{.State.ExitCode}}' spinner\n\
                  docker run --name writer toolbox sh -c 'echo hi > /tmp/x; cat /tmp/x'\n\
                  docker diff writer\n";
    let started = std::time::Instant::now();
    let out = dockyard_with_input(&home, &["shell"], script);
    let elapsed = started.elapsed();
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("Unable to find image 'toolbox:latest' locally\n")
            && stderr.ends_with("Status: Downloaded newer image for toolbox:latest\n"),
        "only the first run's pull goes to stderr: {stderr}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0].len(), 64, "run -d prints the id: {stdout}");
    assert_eq!(lines[1], "sleeper running");
    assert_eq!(lines[2], "sleeper");
    assert!(lines[3].starts_with("sleeper Exited (137) "), "sleep ignores SIGTERM as a first process does: {stdout}");
    assert_eq!(lines[4].len(), 64);
    assert_eq!(lines[5], "spinner");
    assert_eq!(lines[6], "137", "a spinning guest is killed");
    assert_eq!(lines[7], "hi");
    assert_eq!(&lines[8..], ["C /tmp", "A /tmp/x"]);
    // The stop waited its one second of grace, and nothing waited for sleep's hundred.
    assert!(
        elapsed >= std::time::Duration::from_secs(1) && elapsed < std::time::Duration::from_secs(30),
        "{elapsed:?}"
    );
}

#[test]
fn a_container_over_its_memory_limit_is_killed_as_the_oom_killer_would() {
    let home = TempHome::new("memory");
    // `yes` into a pipeline buffers its lines in the shell's memory, well past 6 MB.
    let out =
        dockyard(&home, &["run", "-m", "6m", "--name", "hog", "toolbox", "sh", "-c", "yes | head -n 5000000 | wc -l"]);
    assert_eq!(out.status.code(), Some(137), "{}", text(&out.stderr));
    let state = text(&dockyard(&home, &["inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "hog"]).stdout);
    assert_eq!(state, "true 137\n");
    // Under its limit a container runs as ever, and a `--rm` one's last words are printed.
    let fine = dockyard(&home, &["run", "--rm", "-m", "64m", "toolbox", "sh", "-c", "seq 3 | wc -l"]);
    assert_eq!(text(&fine.stdout), "3\n", "{}", text(&fine.stderr));
}

#[test]
fn a_volume_keeps_what_one_container_wrote_for_the_next() {
    let home = TempHome::new("volumes");
    let wrote = dockyard(&home, &["run", "--rm", "-v", "notes:/notes", "toolbox", "sh", "-c", "echo kept > /notes/a"]);
    assert_eq!(wrote.status.code(), Some(0), "{}", text(&wrote.stderr));
    let read = dockyard(&home, &["run", "--rm", "--mount", "source=notes,target=/n", "toolbox", "cat", "/n/a"]);
    assert_eq!(text(&read.stdout), "kept\n", "{}", text(&read.stderr));
    assert_eq!(text(&dockyard(&home, &["volume", "ls", "-q"]).stdout), "notes\n", "--rm leaves named volumes");
}

#[test]
fn exec_runs_a_second_process_in_a_running_container() {
    let home = TempHome::new("exec");
    let script = "docker run -d --name box toolbox sleep 30\n\
                  docker exec box sh -c 'echo from exec > /tmp/x'\n\
                  docker exec box cat /tmp/x\n\
                  docker exec -e WHO=learner box sh -c 'echo hello $WHO; exit 4'\n\
                  docker stop -t 0 box\n\
                  docker diff box\n";
    let out = dockyard_with_input(&home, &["shell"], script);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[1..], ["from exec", "hello learner", "box", "C /tmp", "A /tmp/x"], "{stdout}");
}

#[test]
fn run_i_gives_the_container_the_lines_that_follow() {
    let home = TempHome::new("stdin");
    let script = "docker run -i --name talk toolbox sh\n\
                  echo hello from stdin\n\
                  exit 3\n\
                  docker ps -a --format '{{.Names}} {{.Status}}'\n";
    let out = dockyard_with_input(&home, &["shell"], script);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "hello from stdin", "{stdout}");
    assert!(lines[1].starts_with("talk Exited (3) "), "{stdout}");
    // Without a terminal of its own, the CLI refuses to give the container one, as docker does.
    let refused = dockyard(&home, &["run", "-it", "toolbox", "sh"]);
    assert_eq!((text(&refused.stderr).as_str(), refused.status.code()), ("the input device is not a TTY\n", Some(1)));
}

#[test]
fn a_restart_policy_runs_a_failing_container_again_as_often_as_it_allows() {
    let home = TempHome::new("restart");
    let script = "docker run -d --name flaky --restart on-failure:2 toolbox sh -c 'echo try; exit 1'\n\
                  docker wait flaky\n\
                  docker inspect -f '{{.RestartCount}} {{.State.ExitCode}}' flaky\n\
                  docker logs flaky\n";
    let out = dockyard_with_input(&home, &["shell"], script);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[1..], ["1", "2 1", "try", "try", "try"], "{stdout}");
}

#[test]
fn env_files_are_read_from_the_disk() {
    let home = TempHome::new("envfile");
    let file = home.0.join("app.env");
    std::fs::write(&file, "# settings\nGREETING=hello from a file\n").expect("write");
    let path = file.to_str().expect("utf-8 path");
    let out = dockyard(&home, &["run", "--rm", "--env-file", path, "toolbox", "printenv", "GREETING"]);
    assert_eq!(text(&out.stdout), "hello from a file\n", "{}", text(&out.stderr));
    let missing = dockyard(&home, &["run", "--env-file", "/nonexistent/app.env", "toolbox", "true"]);
    assert_eq!(missing.status.code(), Some(125));
    assert_eq!(
        text(&missing.stderr),
        "docker: open /nonexistent/app.env: no such file or directory.\nSee 'docker run --help'.\n"
    );
}

#[test]
fn stats_measure_a_spinning_container() {
    let home = TempHome::new("stats");
    // The first run compiles the toolbox, so the spinner starts at once and spins all the sample.
    let script = "docker run --rm toolbox true\n\
                  docker run -d --name hot toolbox spin\n\
                  docker stats --no-stream --format '{{.Name}} {{.CPUPerc}} {{.MemUsage}}'\n\
                  docker kill hot\n";
    let out = dockyard_with_input(&home, &["shell"], script);
    let stdout = text(&out.stdout);
    let line = stdout.lines().nth(1).unwrap_or_default();
    let cpu: f64 = line.split_whitespace().nth(1).and_then(|c| c.trim_end_matches('%').parse().ok()).unwrap_or(0.0);
    assert!(line.starts_with("hot ") && cpu > 30.0, "a spinning guest keeps a core busy: {stdout}");
    assert!(line.contains("MiB / 4.00GiB") || line.contains("KiB / 4.00GiB"), "{stdout}");
}
