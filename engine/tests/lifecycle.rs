//! A container's life: create, start, run in the background, stop, kill, restart, wait, pause,
//! rename, logs, top, port, inspect and ps, with Docker's output, and the host's part in each.

mod common;

use common::{HostAction, Session};
use dockyard_engine::wasi::Stream;
use dockyard_engine::ExitStatus;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const SECOND: u64 = 1_000_000_000;

/// A session with `web`, a hello-world container running in the background until stopped.
fn with_web() -> (Session, String) {
    let mut s = Session::new();
    s.done("docker pull hello-world");
    let (reply, actions) = s.drive("docker run -d --name web hello-world", None);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let id = reply.stdout.trim().to_string();
    assert_eq!(id.len(), 64, "run -d prints the full id: {reply:?}");
    assert!(matches!(&actions[..], [HostAction::Spawned(c)] if c.as_str() == id));
    (s, id)
}

#[test]
fn run_detached_leaves_the_container_running() {
    let (mut s, id) = with_web();
    let ps = s.done("docker ps").stdout;
    let row = ps.lines().nth(1).expect("one running container");
    assert!(row.starts_with(&id[..12]) && row.contains("Up Less than a second") && row.ends_with("web"), "{ps}");
    // What it writes shows in its log as it writes it.
    let container = s.engine.find_container("web").unwrap().id.clone();
    s.engine.output(&container, Stream::Stdout, b"ready\n", s.now);
    assert_eq!(s.done("docker logs web").stdout, "ready\n");
    let reply = s.done("docker run -d --name web hello-world");
    assert!(reply
        .stderr
        .starts_with("docker: Error response from daemon: Conflict. The container name \"/web\" is already in use"));
}

#[test]
fn stop_waits_out_the_grace_period_then_kills() {
    let (mut s, _) = with_web();
    let (reply, actions) = s.drive("docker stop -t 1 web", None);
    assert_eq!(reply.stdout, "web\n");
    assert!(matches!(&actions[..], [HostAction::Killed(_, 9, grace)] if *grace == SECOND), "{actions:?}");
    let ps = s.done("docker ps -a").stdout;
    assert!(ps.contains("Exited (137) "), "{ps}");
    // Stopping a stopped container just names it; a missing one is an error, and the rest go on.
    let (reply, _) = s.drive("docker stop web nosuch", None);
    assert_eq!(reply.stdout, "web\n");
    assert_eq!(
        (reply.stderr.as_str(), reply.exit_code),
        ("Error response from daemon: No such container: nosuch\n", 1)
    );
    let (reply, _) = s.drive("docker stop -t soon web", None);
    assert!(reply.stderr.starts_with("invalid argument \"soon\" for \"-t, --time\" flag"));
}

#[test]
fn a_process_that_ends_during_the_grace_keeps_its_own_exit_code() {
    let mut s = Session::new();
    s.drive("docker run -d --name quick --stop-timeout 30 hello-world", Some(2 * SECOND));
    let (reply, actions) = s.drive("docker stop quick", None);
    assert_eq!(reply.stdout, "quick\n");
    assert!(matches!(&actions[..], [HostAction::Ended(_)]), "it ended within its own 30 s: {actions:?}");
    assert!(s.done("docker ps -a").stdout.contains("Exited (0) "));
}

#[test]
fn kill_sends_a_signal_whose_default_action_ends_the_process() {
    let (mut s, id) = with_web();
    let (reply, actions) = s.drive("docker kill -s WINCH web", None);
    assert_eq!((reply.stdout.as_str(), actions.len()), ("web\n", 0), "a harmless signal changes nothing");
    let (reply, actions) = s.drive("docker kill --signal TERM web", None);
    assert_eq!(reply.stdout, "web\n");
    assert!(matches!(&actions[..], [HostAction::Killed(_, 15, 0)]));
    assert_eq!(s.done("docker inspect -f '{{.State.ExitCode}} {{.State.Status}}' web").stdout, "143 exited\n");
    let (reply, _) = s.drive("docker kill web", None);
    assert_eq!(
        reply.stderr,
        format!("Error response from daemon: Cannot kill container: web: Container {id} is not running\n")
    );
    let (reply, _) = s.drive("docker kill -s FOO web", None);
    assert_eq!(reply.stderr, "Error response from daemon: Invalid signal: FOO\n");
}

#[test]
fn create_then_start_and_restart() {
    let mut s = Session::new();
    let (reply, _) = s.drive("docker create --name later hello-world", None);
    assert_eq!(reply.stdout.trim().len(), 64, "{reply:?}");
    assert!(s.done("docker ps -a").stdout.lines().nth(1).unwrap().contains("   Created   "));
    let (reply, actions) = s.drive("docker start later", None);
    assert_eq!((reply.stdout.as_str(), actions.len()), ("later\n", 1));
    let (reply, actions) = s.drive("docker start later", None);
    assert_eq!((reply.stdout.as_str(), actions.len()), ("later\n", 0), "already running: nothing to start");
    let (reply, actions) = s.drive("docker restart -t 0 later", None);
    assert_eq!(reply.stdout, "later\n");
    assert!(matches!(&actions[..], [HostAction::Killed(..), HostAction::Spawned(_)]), "{actions:?}");
    let (reply, _) = s.drive("docker start nosuch", None);
    assert_eq!(
        reply.stderr,
        "Error response from daemon: No such container: nosuch\nError: failed to start containers: nosuch\n"
    );
    let (reply, _) = s.drive("docker restart nosuch", None);
    assert_eq!(
        reply.stderr,
        "Error response from daemon: Cannot restart container nosuch: No such container: nosuch\n"
    );
}

#[test]
fn wait_prints_exit_codes_once_processes_end() {
    let mut s = Session::new();
    s.drive("docker run -d --name aa hello-world", Some(SECOND));
    s.run("docker run --name bb hello-world", ExitStatus::Code(3), "");
    let (reply, actions) = s.drive("docker wait aa bb", None);
    assert_eq!(reply.stdout, "0\n3\n");
    assert!(matches!(&actions[..], [HostAction::Ended(_)]));
}

#[test]
fn pause_and_unpause_freeze_the_process() {
    let (mut s, id) = with_web();
    let (reply, actions) = s.drive("docker pause web", None);
    assert_eq!(reply.stdout, "web\n");
    assert!(matches!(&actions[..], [HostAction::Paused(_, true)]));
    assert!(s.done("docker ps").stdout.contains(" (Paused) "));
    let (reply, _) = s.drive("docker pause web", None);
    assert_eq!(reply.stderr, format!("Error response from daemon: Container {id} is already paused\n"));
    let (_, actions) = s.drive("docker unpause web", None);
    assert!(matches!(&actions[..], [HostAction::Paused(_, false)]));
    let (reply, _) = s.drive("docker unpause web", None);
    assert_eq!(reply.stderr, format!("Error response from daemon: Container {id} is not paused\n"));
}

#[test]
fn rm_force_kills_first_and_rename_checks_names() {
    let (mut s, id) = with_web();
    let (reply, _) = s.drive("docker rm web", None);
    assert_eq!(
        reply.stderr,
        format!("Error response from daemon: You cannot remove a running container {id}. Stop the container before attempting removal or force remove\n")
    );
    assert_eq!(s.done("docker rename web site").stdout, "");
    assert_eq!(
        s.done("docker rename site site").stderr,
        "Error response from daemon: Renaming a container with the same name as its current name\n"
    );
    s.run("docker run --name other hello-world", ExitStatus::Code(0), "");
    assert!(s
        .done("docker rename site other")
        .stderr
        .starts_with("Error response from daemon: Error when allocating new name: Conflict."));
    let (reply, actions) = s.drive("docker rm -f site", None);
    assert_eq!(reply.stdout, "site\n");
    assert!(matches!(&actions[..], [HostAction::Killed(_, 9, 0)]));
    assert!(s.engine.find_container("site").is_none());
}

#[test]
fn logs_tail_timestamps_since_and_follow() {
    let (mut s, _) = with_web();
    let container = s.engine.find_container("web").unwrap().id.clone();
    s.engine.output(&container, Stream::Stdout, b"one\ntwo\n", s.now);
    s.now.0 += 60 * SECOND;
    s.engine.output(&container, Stream::Stderr, b"three\n", s.now);
    let all = s.done("docker logs web");
    assert_eq!((all.stdout.as_str(), all.stderr.as_str()), ("one\ntwo\n", "three\n"), "each stream to its own");
    assert_eq!(s.done("docker logs --tail 2 web").stdout, "two\n");
    assert_eq!(s.done("docker logs --since 30s web").stdout, "");
    let stamped = s.done("docker logs -t --tail 1 web").stderr;
    assert!(
        stamped.ends_with("Z three\n") && stamped.len() == "2027-01-15T08:01:00.000000000Z three\n".len(),
        "{stamped}"
    );
    // -f prints the log so far, then what arrives until the container stops.
    s.running.iter_mut().for_each(|(_, left)| *left = Some(SECOND));
    let (reply, actions) = s.drive("docker logs -f --tail 1 web", None);
    assert!(reply.stdout.is_empty() && reply.stderr == "three\n", "{reply:?}");
    assert!(matches!(&actions[..], [HostAction::Ended(_)]), "{actions:?}");
    assert_eq!(s.done("docker logs nosuch").stderr, "Error response from daemon: No such container: nosuch\n");
}

#[test]
fn top_port_and_inspect_describe_a_container() {
    let (mut s, id) = with_web();
    let top = s.done("docker top web").stdout;
    assert!(top.starts_with("UID                 PID                 PPID"), "{top}");
    assert!(top.lines().nth(1).unwrap().starts_with("root ") && top.trim_end().ends_with("/hello"), "{top}");
    assert_eq!(s.done("docker port web").stdout, "");
    assert_eq!(s.done("docker port web 80").stderr, "Error: No public port '80/tcp' published for web\n");
    assert_eq!(
        s.done("docker inspect -f '{{.Name}} {{.State.Running}} {{.Config.Hostname}} {{.HostConfig.RestartPolicy.Name}}' web").stdout,
        format!("/web true {} no\n", &id[..12])
    );
    let json = s.done("docker container inspect web").stdout;
    assert!(json.starts_with(&format!("[\n    {{\n        \"Id\": \"{id}\",\n        \"Created\": ")), "{json}");
    // `docker inspect` finds images too, and names what it cannot find.
    assert_eq!(s.done("docker inspect -f '{{.Os}}' hello-world").stdout, "linux\n");
    let missing = s.done("docker inspect nosuch");
    assert_eq!((missing.stdout.as_str(), missing.stderr.as_str()), ("[]\n", "Error: No such object: nosuch\n"));
    assert_eq!(s.done("docker inspect --type container hello-world").stderr, "Error: No such container: hello-world\n");
    s.drive("docker stop -t 0 web", None);
    assert_eq!(s.done("docker top web").stderr, format!("Error response from daemon: Container {id} is not running\n"));
}

#[test]
fn ps_filters_limits_sizes_and_formats() {
    let (mut s, _) = with_web();
    s.run("docker run --name done hello-world", ExitStatus::Code(2), "");
    s.drive("docker create --name fresh hello-world", None);
    let names = |s: &mut Session, line: &str| s.done(line).stdout;
    assert_eq!(names(&mut s, "docker ps --format '{{.Names}}'"), "web\n");
    assert_eq!(
        names(&mut s, "docker ps -a --format '{{.Names}} {{.State}}'"),
        "fresh created\ndone exited\nweb running\n"
    );
    assert_eq!(names(&mut s, "docker ps -n 1 --format '{{.Names}}'"), "fresh\n");
    assert_eq!(names(&mut s, "docker ps -l -q").len(), 13);
    assert_eq!(names(&mut s, "docker ps --filter status=exited --format '{{.Names}}'"), "done\n");
    assert_eq!(names(&mut s, "docker ps -a --filter exited=2 --format '{{.Names}}'"), "done\n");
    assert_eq!(names(&mut s, "docker ps -a --filter name=we --format '{{.Names}}'"), "web\n");
    assert_eq!(names(&mut s, "docker ps -a --filter ancestor=hello-world -q").lines().count(), 3);
    let table = names(&mut s, "docker ps --format 'table {{.Names}}\\t{{.Status}}'");
    assert_eq!(table.lines().next(), Some("NAMES     STATUS"));
    let sized = names(&mut s, "docker ps -s");
    assert!(sized.lines().next().unwrap().ends_with("NAMES     SIZE") && sized.contains("0B (virtual "), "{sized}");
    let bad = s.done("docker ps --filter color=red");
    assert_eq!(bad.stderr, "Error response from daemon: invalid filter 'color'\n");
}

#[test]
fn run_options_shape_the_container() {
    let mut s = Session::new();
    let (reply, _) = s.drive(
        "docker run -d --name wk -w /srv/app -u nobody --stop-timeout 3 --restart on-failure:2 hello-world",
        None,
    );
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert_eq!(
        s.done("docker inspect -f '{{.Config.WorkingDir}} {{.Config.User}} {{.Config.StopTimeout}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' wk").stdout,
        "/srv/app nobody 3 on-failure:2\n"
    );
    assert!(s.done("docker diff wk").stdout.contains("A /srv/app\n"), "the working directory is made");
    let (_, actions) = s.drive("docker stop wk", None);
    assert!(matches!(&actions[..], [HostAction::Killed(_, 9, grace)] if *grace == 3 * SECOND), "its own stop timeout");
    let reply = s.done("docker run --restart sometimes hello-world");
    assert!(reply.stderr.starts_with("docker: invalid restart policy 'sometimes'"), "{}", reply.stderr);
    let reply = s.done("docker run --rm --restart always hello-world");
    assert!(reply.stderr.starts_with("docker: Conflicting options: --restart and --rm"), "{}", reply.stderr);
    let launch = s.launch("docker run --entrypoint /hello hello-world extra");
    assert_eq!(launch.process.args, ["/hello", "extra"]);
    // A detached container with --rm is gone once its process ends.
    let (reply, _) = s.drive("docker run -d --rm --name brief hello-world", Some(SECOND));
    assert_eq!(reply.exit_code, 0);
    s.advance(2 * SECOND);
    assert!(s.engine.find_container("brief").is_none());
}

#[test]
fn toolbox_runs_its_applets_through_hard_links() {
    let mut s = Session::new();
    let launch = s.launch("docker run --rm toolbox ls -l /");
    assert_eq!(launch.process.module.0.as_ref(), common::TOOLBOX, "/bin/ls is a hard link to /bin/toolbox");
    assert_eq!(launch.process.args, ["ls", "-l", "/"]);
    let launch = s.launch("docker run toolbox");
    assert_eq!(launch.process.args, ["sh"], "the image's command is a shell");
    let history = s.done("docker history toolbox").stdout;
    assert!(history.contains("CMD [\"sh\"]") && history.contains("COPY rootfs / # buildkit"), "{history}");
    let reply = s.done("docker run toolbox nosuch");
    assert_eq!(reply.exit_code, 127);
}

#[test]
fn attach_follows_a_running_container_to_its_end() {
    let (mut s, _) = with_web();
    s.running.iter_mut().for_each(|(_, left)| *left = Some(SECOND));
    let (reply, actions) = s.drive("docker attach web", None);
    assert!(matches!(&actions[..], [HostAction::Ended(_)]), "{actions:?}");
    assert_eq!(reply.exit_code, 0, "the container's exit code");
    let reply = s.done("docker attach web");
    assert_eq!(reply.stderr, "You cannot attach to a stopped container, start it first\n");
}

#[test]
fn memory_limits_reach_the_process_and_an_oom_kill_shows() {
    let mut s = Session::new();
    let (launch, _) = s.run("docker run -m 64m --name capped hello-world", ExitStatus::OutOfMemory, "");
    assert_eq!(launch.process.memory_limit, Some(64 << 20));
    assert_eq!(
        s.done("docker inspect -f '{{.HostConfig.Memory}} {{.State.OOMKilled}} {{.State.ExitCode}}' capped").stdout,
        "67108864 true 137\n"
    );
    let reply = s.done("docker run -m 1m hello-world");
    assert_eq!(
        (reply.stderr.lines().next(), reply.exit_code),
        (Some("docker: Error response from daemon: Minimum memory limit allowed is 6MB."), 125)
    );
    let reply = s.done("docker run --memory lots hello-world");
    assert!(
        reply.stderr.starts_with("invalid argument \"lots\" for \"-m, --memory\" flag: invalid size: 'lots'"),
        "{}",
        reply.stderr
    );
}

#[test]
fn volumes_outlive_containers_and_are_shared() {
    let mut s = Session::new();
    assert_eq!(s.done("docker volume create data").stdout, "data\n");
    let launch = s.launch("docker run --name one -v data:/data toolbox sh -c 'echo kept > /data/note'");
    // The process sees the volume at its mount point; what it writes there goes to the volume.
    let mut upper = launch.process.root.upper().clone();
    upper.insert("data/note", dockyard_engine::layer::Entry::file(&b"kept\n"[..], 0o644)).unwrap();
    upper.insert("etc/motd", dockyard_engine::layer::Entry::file(&b"own\n"[..], 0o644)).unwrap();
    let outcome =
        dockyard_engine::ProcessOutcome { status: ExitStatus::Code(0), output: Vec::new(), upper: Some(upper) };
    let mut ctx = dockyard_engine::Ctx { now: s.now, entropy: &mut s.entropy };
    s.engine.exited(&launch.process.container, outcome, &mut ctx);
    assert_eq!(
        s.done("docker diff one").stdout,
        "A /data\nC /etc\nA /etc/motd\n",
        "volume data is not the container's"
    );
    s.drive("docker rm one", None);
    // A second container finds the file.
    let launch = s.launch("docker run --rm --mount type=volume,source=data,target=/srv toolbox cat /srv/note");
    assert!(launch.process.root.lookup("srv/note").is_some(), "the volume's file at the new mount point");
    assert_eq!(s.done("docker volume ls").stdout, "DRIVER    VOLUME NAME\nlocal     data\n");
    let reply = s.done("docker volume rm data");
    assert!(
        reply.stderr.starts_with("Error response from daemon: remove data: volume is in use - ["),
        "{}",
        reply.stderr
    );
    let inspect = s.done("docker volume inspect data").stdout;
    assert!(inspect.contains("\"Mountpoint\": \"/var/lib/docker/volumes/data/_data\""), "{inspect}");
    assert_eq!(s.done("docker volume inspect nosuch").stderr, "Error: No such volume: nosuch\n");
}

#[test]
fn anonymous_volumes_go_with_rm_v_and_bind_mounts_are_explained() {
    let mut s = Session::new();
    s.run("docker run --name tmp -v /cache toolbox true", ExitStatus::Code(0), "");
    assert_eq!(s.done("docker volume ls -q").stdout.trim().len(), 64, "an anonymous volume has a random name");
    assert_eq!(s.drive("docker rm -v tmp", None).0.stdout, "tmp\n");
    assert_eq!(s.done("docker volume ls -q").stdout, "", "rm -v took it");
    let reply = s.done("docker run -v /home/me/site:/srv toolbox true");
    assert!(
        reply.stderr.starts_with("docker: dockyard: /home/me/site is a folder of your computer"),
        "{}",
        reply.stderr
    );
    let reply = s.done("docker run -v data:srv toolbox true");
    assert!(reply.stderr.contains("invalid mount path: 'srv' mount path must be absolute"), "{}", reply.stderr);
    s.done("docker volume create spare");
    let (prompt_reply, _) = s.drive("docker volume prune -f", None);
    assert_eq!(prompt_reply.stdout, "Deleted Volumes:\nspare\n\nTotal reclaimed space: 0B\n");
}

#[test]
fn exec_runs_beside_the_main_process_and_both_keep_their_changes() {
    let (mut s, id) = with_web();
    let web = s.engine.find_container("web").unwrap().id.clone();
    let launch = s.launch("docker exec -e MODE=debug web /hello --check");
    assert_ne!(launch.process.container, web, "an exec has an id of its own");
    assert_eq!(launch.process.args, ["/hello", "--check"]);
    assert!(
        launch.process.env.contains(&"MODE=debug".to_string())
            && launch.process.env.iter().any(|e| e.starts_with("HOSTNAME="))
    );
    // The exec writes a file; the main process, which started before, writes another.
    let mut exec_upper = launch.process.root.upper().clone();
    exec_upper.insert("tmp/from-exec", dockyard_engine::layer::Entry::file(&b"e"[..], 0o644)).unwrap();
    let done =
        dockyard_engine::ProcessOutcome { status: ExitStatus::Code(3), output: Vec::new(), upper: Some(exec_upper) };
    let mut ctx = dockyard_engine::Ctx { now: s.now, entropy: &mut s.entropy };
    let reply = s.engine.exited(&launch.process.container, done, &mut ctx);
    assert_eq!(reply.exit_code, 3, "the exec's exit code is the command's");
    let mut main_upper = dockyard_engine::layer::Layer::default();
    main_upper.insert("tmp/from-main", dockyard_engine::layer::Entry::file(&b"m"[..], 0o644)).unwrap();
    let done =
        dockyard_engine::ProcessOutcome { status: ExitStatus::Code(0), output: Vec::new(), upper: Some(main_upper) };
    s.running.clear();
    let mut ctx = dockyard_engine::Ctx { now: s.now, entropy: &mut s.entropy };
    s.engine.exited(&web, done, &mut ctx);
    assert_eq!(s.done("docker diff web").stdout, "A /tmp\nA /tmp/from-exec\nA /tmp/from-main\n");
    // Errors as Docker words them.
    assert_eq!(
        s.done("docker exec web /hello").stderr,
        format!("Error response from daemon: Container {id} is not running\n")
    );
    assert_eq!(s.done("docker exec nosuch ls").stderr, "Error response from daemon: No such container: nosuch\n");
    let (mut s, _) = with_web();
    let reply = s.done("docker exec web nosuch");
    assert_eq!(reply.exit_code, 126);
    assert!(reply.stderr.starts_with("OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH"), "{}", reply.stderr);
}

#[test]
fn restart_policies_start_a_container_again_until_a_command_stops_it() {
    let mut s = Session::new();
    s.drive("docker run -d --name flaky --restart on-failure:2 hello-world", None);
    let id = s.engine.find_container("flaky").unwrap().id.clone();
    // It fails three times: the policy allows two restarts.
    for _ in 0..3 {
        s.end(&id, ExitStatus::Code(1));
    }
    assert_eq!(s.restarted.len(), 2);
    assert_eq!(
        s.done("docker inspect -f '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' flaky").stdout,
        "2 exited 1\n"
    );
    // A clean exit is not a failure.
    s.drive("docker run -d --name tidy --restart on-failure hello-world", None);
    let tidy = s.engine.find_container("tidy").unwrap().id.clone();
    s.end(&tidy, ExitStatus::Code(0));
    assert_eq!(s.restarted.len(), 2);
    // `always` restarts any end, but not one a command caused.
    s.drive("docker run -d --name keeper --restart always hello-world", None);
    let keeper = s.engine.find_container("keeper").unwrap().id.clone();
    s.end(&keeper, ExitStatus::Code(0));
    assert_eq!(s.restarted.last(), Some(&keeper));
    assert!(s.done("docker ps --format '{{.Names}}'").stdout.contains("keeper"));
    s.drive("docker stop -t 0 keeper", None);
    assert!(!s.done("docker ps --format '{{.Names}}'").stdout.contains("keeper"), "stopped stays stopped");
    assert_eq!(s.restarted.len(), 3);
}

#[test]
fn env_files_are_read_by_the_host_and_come_before_e() {
    let mut s = Session::new();
    let (path, then) = match s.step("docker run --env-file app.env -e MODE=prod hello-world") {
        dockyard_engine::Step::Read { path, then } => (path, then),
        other => panic!("no file asked for: {other:?}"),
    };
    assert_eq!((path.as_str(), then.purpose()), ("app.env", "the file of environment variables"));
    let mut ctx = dockyard_engine::Ctx { now: s.now, entropy: &mut s.entropy };
    let step = s.engine.read_done(then.clone(), Ok(b"# app\nMODE=dev\nGREETING=hi\n".to_vec()), &mut ctx);
    let dockyard_engine::Step::Launch(launch) = step else { panic!("the run goes on") };
    assert!(launch.process.env.contains(&"GREETING=hi".to_string()));
    assert!(
        launch.process.env.contains(&"MODE=prod".to_string()) && !launch.process.env.contains(&"MODE=dev".to_string())
    );
    let mut ctx = dockyard_engine::Ctx { now: s.now, entropy: &mut s.entropy };
    let step = s.engine.read_done(then, Err("open app.env: no such file or directory".into()), &mut ctx);
    let dockyard_engine::Step::Done(reply) = step else { panic!("an error") };
    assert_eq!(
        (reply.stderr.as_str(), reply.exit_code),
        ("docker: open app.env: no such file or directory.\nSee 'docker run --help'.\n", 125)
    );
}

#[test]
fn stats_show_what_hosts_measured() {
    let (mut s, id) = with_web();
    let web = s.engine.find_container("web").unwrap().id.clone();
    s.engine.record_usage(&web, dockyard_engine::Timestamp::from_secs(100), 1 << 20, 0);
    s.engine.record_usage(&web, dockyard_engine::Timestamp::from_secs(101), 3 << 20, 500_000_000);
    let out = s.done("docker stats --no-stream").stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS");
    assert_eq!(
        lines[1],
        format!("{}   web       50.00%    3.00MiB / 4.00GiB   0.07%     0B / 0B   0B / 0B     1", &id[..12])
    );
    assert_eq!(s.done("docker stats --no-stream --format '{{.Name}} {{.CPUPerc}}' web").stdout, "web 50.00%\n");
    assert_eq!(s.done("docker stats nosuch").stderr, "Error response from daemon: No such container: nosuch\n");
}

#[test]
fn published_ports_show_while_running_and_are_one_containers_at_a_time() {
    let mut s = Session::new();
    s.drive("docker run -d --name web -p 8080:80 -p 127.0.0.1:5353:53/udp -p 9000 hello-world", None);
    let ports = s.done("docker port web").stdout;
    assert_eq!(ports, "80/tcp -> 0.0.0.0:8080\n53/udp -> 127.0.0.1:5353\n9000/tcp -> 0.0.0.0:32768\n");
    assert_eq!(s.done("docker port web 80").stdout, "0.0.0.0:8080\n");
    assert_eq!(s.done("docker port web 81").stderr, "Error: No public port '81/tcp' published for web\n");
    assert_eq!(
        s.done("docker ps --format '{{.Ports}}'").stdout,
        "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp, 0.0.0.0:32768->9000/tcp\n"
    );
    assert_eq!(
        s.done("docker inspect -f '{{json .HostConfig.PortBindings}}' web").stdout.trim(),
        r#"{"53/udp":[{"HostIp":"127.0.0.1","HostPort":"5353"}],"80/tcp":[{"HostIp":"","HostPort":"8080"}],"9000/tcp":[{"HostIp":"","HostPort":""}]}"#
    );
    // A second container cannot take the host port while the first holds it.
    let reply = s.done("docker run -d --name other -p 8080:80 hello-world");
    assert!(reply.stderr.contains("Bind for 0.0.0.0:8080 failed: port is already allocated"), "{}", reply.stderr);
    assert_eq!(reply.exit_code, 125);
    // Stopped, the container gives its ports back.
    s.drive("docker stop -t 0 web", None);
    assert_eq!(s.done("docker port web").stdout, "");
    let (reply, _) = s.drive("docker run -d --name third -p 8080:80 hello-world", None);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert!(s.done("docker run -p 8080:http hello-world").stderr.contains("invalid containerPort: 8080:http"));
}

#[test]
fn a_process_starts_with_its_listening_ports_and_the_host_ports_it_can_reach() {
    let mut s = Session::new();
    let dockyard_engine::Step::Spawn { processes, .. } = s.step("docker run -d --name web -p 8080:80 hello-world")
    else {
        panic!("run -d spawns its process")
    };
    let web = s.engine.find_container("web").unwrap().id.clone();
    let net = &processes[0].net;
    assert_eq!((net.container.as_ref(), net.listen.as_slice(), net.bridged), (Some(&web), &[80u16][..], true));
    assert_eq!(net.publish.len(), 1, "the main process holds the published port");
    assert_eq!((net.publish[0].host_port, net.publish[0].to.port), (8080, 80));
    // A later container reaches the published port through the host's name for itself.
    let launch = s.launch("docker run hello-world");
    let to = launch.process.net.resolve("host.docker.internal", 8080).unwrap();
    assert_eq!((to.container, to.port), (web, 80));
    assert!(launch.process.net.publish.is_empty());
    // Without a network, only loopback is left, and nothing is published.
    let launch = s.launch("docker run --network none -p 9090:90 hello-world");
    let net = &launch.process.net;
    assert!(!net.bridged && net.publish.is_empty() && net.host_ports.is_empty());
    assert_eq!(net.listen, [90]);
    let id = launch.process.container.clone();
    assert_eq!(s.done(&format!("docker inspect -f '{{{{.HostConfig.NetworkMode}}}}' {id}")).stdout, "none\n");
}

#[test]
fn networks_that_do_not_exist_here_are_refused_with_a_reason() {
    let mut s = Session::new();
    let reply = s.done("docker run --network mynet hello-world");
    assert_eq!(reply.exit_code, 125);
    // As with Docker, the image is pulled first: the daemon checks the network when it creates.
    assert!(reply.stderr.contains("docker: Error response from daemon: network mynet not found"), "{}", reply.stderr);
    let reply = s.done("docker run --network host hello-world");
    assert!(reply.stderr.contains("publish ports with -p instead"), "{}", reply.stderr);
    assert_eq!(s.done("docker ps -aq").stdout, "", "nothing was created");
}
