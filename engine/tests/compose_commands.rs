//! `docker compose` commands on the engine, with the test playing the host: the project folder
//! it reads, the processes it runs and how long they live. The real programs run the same
//! commands in the server's `compose` test.

mod common;

use common::{HostAction, Session, MODULE, TOOLBOX};
use dockyard_engine::cli::compose::{Action, ComposeCommand, Globals};
use dockyard_engine::cli::{parse, Command};
use dockyard_engine::copy::Tree;
use dockyard_engine::layer::{Entry, Layer};
use dockyard_engine::wasi::Stream;
use dockyard_engine::Timestamp;

const SECOND: u64 = 1_000_000_000;

/// A project folder holding `files`, as a host reads it.
fn folder(files: &[(&str, &str)]) -> Tree {
    let mut layer = Layer::default();
    for (path, text) in files {
        let parts: Vec<&str> = path.split('/').collect();
        for n in 1..parts.len() {
            let dir = parts[..n].join("/");
            if layer.get(&dir).is_none() {
                layer.insert(&dir, Entry::dir(0o755)).unwrap();
            }
        }
        layer.insert(path, Entry::file(text.as_bytes().to_vec(), 0o644)).unwrap();
    }
    let mut entries = vec![(String::new(), Entry::dir(0o755))];
    entries.extend(layer.entries);
    Tree { entries }
}

fn session(files: &[(&str, &str)]) -> Session {
    let mut session = Session::new();
    session.context = Some(folder(files));
    session
}

const TWO: &str = "\
services:
  site:
    build: ./site
    ports: [\"8080:80\"]
    depends_on: [store]
  store:
    image: toolbox:1
    command: sh -c 'echo ready'
    volumes: [data:/data]
volumes:
  data:
";

const SITE_DOCKERFILE: &str = "FROM toolbox:1\nCOPY index.html /site/\nCMD [\"cat\", \"/site/index.html\"]\n";

#[test]
fn compose_flags_before_the_command_are_lifted_off() {
    let command = parse("docker compose -p shop --file=other.yaml --project-directory ./app up -d web").unwrap();
    let Command::Compose(ComposeCommand { globals, action }) = command else { panic!("not compose: {command:?}") };
    assert_eq!(
        globals,
        Globals {
            files: vec!["other.yaml".into()],
            project_name: Some("shop".into()),
            project_directory: Some("./app".into())
        }
    );
    assert_eq!(action, Action::Up { detach: true, build: false, no_build: false, services: vec!["web".into()] });
    // The command's own flags stay with the command it runs.
    let Command::Compose(ComposeCommand { action, .. }) = parse("docker compose exec -T kv ls -l /data").unwrap()
    else {
        panic!("not compose")
    };
    let Action::Exec { service, command, .. } = action else { panic!("not exec") };
    assert_eq!((service.as_str(), command), ("kv", vec!["ls".to_string(), "-l".into(), "/data".into()]));
    assert!(
        matches!(parse("docker compose").unwrap(), Command::Help(text) if text.contains("Define and run multi-container"))
    );
    assert!(
        matches!(parse("docker compose up --help").unwrap(), Command::Help(text) if text.contains("docker compose up [OPTIONS]"))
    );
    let err = parse("docker compose -p").unwrap_err();
    assert!(err.message.starts_with("flag needs an argument: --project-name"), "{}", err.message);
    let err = parse("docker compose up --nope").unwrap_err();
    assert!(err.message.starts_with("unknown flag: --nope"), "{}", err.message);
}

#[test]
fn up_builds_pulls_creates_and_starts_in_dependency_order_with_compose_names() {
    let mut s = session(&[("compose.yaml", TWO), ("site/Dockerfile", SITE_DOCKERFILE), ("site/index.html", "hi\n")]);
    let (reply, actions) = s.drive("docker compose up -d", None);
    assert_eq!(reply.exit_code, 0, "{reply:?}");
    // Compose's lines go to standard error; the build's own output to standard output.
    let text = reply.stderr.clone();
    let at = |what: &str| text.find(what).unwrap_or_else(|| panic!("no `{what}` in:\n{text}"));
    assert!(at(" ✔ Network app_default  Created") < at(" ✔ Volume \"app_data\"  Created"));
    assert!(at("Container app-store-1  Started") < at("Container app-site-1  Started"), "the store first");
    assert!(reply.stdout.contains("Step 1/3 : FROM toolbox:1"), "{reply:?}");
    assert!(reply.stdout.contains("Successfully tagged app-site:latest"), "{reply:?}");
    assert_eq!(actions.iter().filter(|a| matches!(a, HostAction::Spawned(_))).count(), 2);

    let site = s.engine.find_container("app-site-1").expect("the site's container").clone();
    assert_eq!(site.image_name, "app-site");
    assert_eq!(site.labels.get("com.docker.compose.project").map(String::as_str), Some("app"));
    assert_eq!(site.labels.get("com.docker.compose.service").map(String::as_str), Some("site"));
    assert_eq!(site.networks.len(), 1);
    assert_eq!(site.networks[0].name, "app_default");
    assert!(site.networks[0].aliases.contains(&"site".to_string()), "the service's name is its alias");
    let store = s.engine.find_container("app-store-1").expect("the store's container").clone();
    assert_eq!(store.args, ["-c", "echo ready"]);
    assert_eq!(store.mounts[0].volume, "app_data");

    // Again: what runs stays, what is built is not built again.
    let (again, actions) = s.drive("docker compose up -d", None);
    assert!(again.stderr.contains("Container app-site-1  Running") && !again.stdout.contains("Step 1/3"), "{again:?}");
    assert!(actions.is_empty());
    // With --build the image is built again, from the cache.
    let (rebuilt, _) = s.drive("docker compose up -d --build site", None);
    assert!(rebuilt.stdout.contains(" ---> Using cache"), "{rebuilt:?}");

    let ps = s.drive("docker compose ps", None).0.stdout;
    let lines: Vec<&str> = ps.lines().collect();
    assert!(lines[0].starts_with("NAME ") && lines[0].contains("SERVICE"), "{ps}");
    assert!(lines[1].starts_with("app-site-1") && lines[1].contains("0.0.0.0:8080->80/tcp"), "{ps}");
    assert!(lines[2].starts_with("app-store-1"), "{ps}");
    assert_eq!(s.drive("docker compose ps -q", None).0.stdout, format!("{}\n{}\n", site.id, store.id));
    assert_eq!(s.drive("docker compose config --services", None).0.stdout, "store\nsite\n");
}

#[test]
fn down_stops_by_one_shared_deadline_and_leaves_nothing() {
    let mut s = session(&[("compose.yaml", TWO), ("site/Dockerfile", SITE_DOCKERFILE), ("site/index.html", "hi\n")]);
    s.drive("docker compose up -d", None);
    let (reply, actions) = s.drive("docker compose down -v", None);
    assert_eq!(reply.exit_code, 0, "{reply:?}");
    // WASI programs cannot catch SIGTERM: the first is killed after the 10 s grace period, the
    // second at the same moment, as Compose stops them together.
    let kills: Vec<u64> = actions
        .iter()
        .filter_map(|a| match a {
            HostAction::Killed(_, 9, after) => Some(*after),
            _ => None,
        })
        .collect();
    assert_eq!(kills, [10 * SECOND, 0]);
    let text = reply.stderr;
    assert!(text.find("app-site-1  Removed") < text.find("app-store-1  Removed"), "dependents first:\n{text}");
    assert!(text.contains(" ✔ Network app_default  Removed") && text.contains(" ✔ Volume app_data  Removed"), "{text}");
    assert_eq!(s.done("docker ps -aq").stdout, "");
    assert_eq!(s.done("docker volume ls -q").stdout, "");
    assert_eq!(s.done("docker network ls --format {{.Name}}").stdout, "bridge\nhost\nnone\n");
    // Without -v a named volume stays, and so does its data.
    s.drive("docker compose up -d", None);
    let (kept, _) = s.drive("docker compose down -t 0", None);
    assert!(!kept.stderr.contains("Volume"), "{kept:?}");
    assert_eq!(s.done("docker volume ls -q").stdout, "app_data\n");
}

#[test]
fn stop_start_and_restart_act_on_the_services_named() {
    let mut s = session(&[("compose.yaml", TWO), ("site/Dockerfile", SITE_DOCKERFILE), ("site/index.html", "hi\n")]);
    s.drive("docker compose up -d", None);
    let (stopped, _) = s.drive("docker compose stop -t 0 site", None);
    assert_eq!(stopped.stderr, " ✔ Container app-site-1  Stopped\n");
    assert!(s.drive("docker compose ps", None).0.stdout.lines().all(|l| !l.starts_with("app-site-1")));
    assert!(s.drive("docker compose ps -a", None).0.stdout.contains("Exited (137)"));
    let (started, actions) = s.drive("docker compose start", None);
    assert!(
        started.stderr.contains("app-store-1  Running") && started.stderr.contains("app-site-1  Started"),
        "{started:?}"
    );
    assert_eq!(actions.len(), 1);
    let (restarted, actions) = s.drive("docker compose restart -t 1 store", None);
    assert!(
        restarted.stderr.contains("app-store-1  Stopped") && restarted.stderr.contains("app-store-1  Started"),
        "{restarted:?}"
    );
    assert!(matches!(actions.as_slice(), [HostAction::Killed(_, 9, SECOND), HostAction::Spawned(_)]), "{actions:?}");
    let (missing, _) = s.drive("docker compose stop db", None);
    assert_eq!((missing.exit_code, missing.stderr.as_str()), (1, "no such service: db\n"));
}

#[test]
fn logs_name_each_container_and_follow_them_all() {
    let mut s = session(&[("compose.yaml", TWO), ("site/Dockerfile", SITE_DOCKERFILE), ("site/index.html", "hi\n")]);
    s.drive("docker compose up -d", None);
    let site = s.engine.find_container("app-site-1").unwrap().id.clone();
    let store = s.engine.find_container("app-store-1").unwrap().id.clone();
    s.engine.output(&store, Stream::Stdout, b"ready\n", Timestamp(s.now.0 + 1));
    s.engine.output(&site, Stream::Stdout, b"hi\n", Timestamp(s.now.0 + 2));
    s.engine.output(&store, Stream::Stderr, b"still here\n", Timestamp(s.now.0 + 3));
    let logs = s.drive("docker compose logs", None).0;
    assert_eq!(logs.stdout, "app-store-1  | ready\napp-site-1   | hi\n");
    assert_eq!(logs.stderr, "app-store-1  | still here\n");
    assert_eq!(s.drive("docker compose logs --no-log-prefix site", None).0.stdout, "hi\n");
    assert_eq!(s.drive("docker compose logs --tail 1 store", None).0.stdout, "");

    // -f waits on the running containers, printing what each writes with its prefix.
    let mut ctx = dockyard_engine::Ctx { now: s.now, entropy: &mut s.entropy };
    let step = s.engine.execute("docker compose logs -f", &mut ctx);
    let dockyard_engine::Step::ReadContext { then, .. } = step else { panic!("the folder first") };
    let context = s.context.clone().ok_or_else(String::new);
    let step = s.engine.context_done(then, context, &mut ctx);
    let dockyard_engine::Step::Await { follow: Some(mut follow), kill_after: None, .. } = step else {
        panic!("logs -f waits: {step:?}")
    };
    assert!(follow.before.stdout.contains("app-site-1   | hi\n"));
    s.engine.output(&site, Stream::Stdout, b"par", Timestamp(s.now.0 + 4));
    s.engine.output(&site, Stream::Stdout, b"tly\nnew\n", Timestamp(s.now.0 + 5));
    s.engine.output(&store, Stream::Stdout, b"more\n", Timestamp(s.now.0 + 6));
    let text = s.engine.follow_text(&site, &mut follow);
    assert_eq!(text.stdout, "app-site-1   | partly\napp-site-1   | new\napp-store-1  | more\n");
    assert_eq!(s.engine.follow_text(&site, &mut follow).stdout, "", "nothing twice");
}

#[test]
fn a_dependency_that_must_finish_is_waited_for() {
    let file = "\
services:
  migrate:
    image: toolbox:1
  web:
    image: toolbox:1
    depends_on:
      migrate:
        condition: service_completed_successfully
";
    let mut s = session(&[("compose.yaml", file)]);
    let (reply, actions) = s.drive("docker compose up -d", Some(3 * SECOND));
    assert_eq!(reply.exit_code, 0, "{reply:?}");
    let migrate = s.engine.find_container("app-migrate-1").unwrap().id.clone();
    let web = s.engine.find_container("app-web-1").unwrap().id.clone();
    assert_eq!(
        actions,
        [HostAction::Spawned(migrate.clone()), HostAction::Ended(migrate), HostAction::Spawned(web)],
        "web starts once migrate has ended"
    );
}

#[test]
fn mistakes_are_worded_as_compose_words_them() {
    let mut s = session(&[("notes.txt", "no compose file here\n")]);
    let (reply, _) = s.drive("docker compose ps", None);
    assert_eq!((reply.exit_code, reply.stderr.as_str()), (14, "no configuration file provided: not found\n"));
    let mut s = session(&[(
        "compose.yaml",
        "services:\n  web:\n    image: toolbox:1\n    networks: [front]\nnetworks:\n  front:\n    external: true\n",
    )]);
    let (reply, _) = s.drive("docker compose up -d", None);
    assert_eq!(reply.stderr, "network front declared as external, but could not be found\n");
    assert_eq!(s.done("docker ps -aq").stdout, "", "nothing was made");
    let mut s = session(&[
        ("compose.yaml", "services:\n  web:\n    image: toolbox:1\n    ports: [\"80\"]\n"),
        (".env", "A=1\n"),
    ]);
    let (reply, _) = s.drive("docker compose exec web ls", None);
    assert_eq!(reply.stderr, "service \"web\" is not running\n");
    let (reply, _) = s.drive("docker compose down -t soon", None);
    assert!(reply.stderr.starts_with("invalid argument \"soon\" for \"-t, --timeout\" flag"), "{reply:?}");
    let _ = (MODULE, TOOLBOX);
}

#[test]
fn a_foreground_up_follows_its_containers_then_stops_them() {
    let mut s = session(&[("compose.yaml", TWO), ("site/Dockerfile", SITE_DOCKERFILE), ("site/index.html", "hi\n")]);
    // The store ends by itself after 2 s; the site runs until it is stopped.
    let (reply, actions) = s.drive("docker compose up store", Some(2 * SECOND));
    assert!(reply.stdout.starts_with("Attaching to app-store-1\n"), "{reply:?}");
    assert!(matches!(actions.as_slice(), [HostAction::Spawned(_), HostAction::Ended(_)]), "{actions:?}");
    assert!(!reply.stderr.contains("Gracefully stopping"), "nothing runs once the store ends: {reply:?}");
    // With the site still running when following stops, up stops it, as after Ctrl-C.
    s.drive("docker compose up -d site", None);
    let mut ctx = dockyard_engine::Ctx { now: s.now, entropy: &mut s.entropy };
    let site = s.engine.find_container("app-site-1").unwrap().id.clone();
    let step = s.engine.execute("docker compose up site", &mut ctx);
    let dockyard_engine::Step::ReadContext { then, .. } = step else { panic!("the folder first") };
    let step = s.engine.context_done(then, s.context.clone().ok_or_else(String::new), &mut ctx);
    let mut sequence = dockyard_engine::sequence::Sequence::default();
    let mut step = sequence.current(step);
    // Walk to the follow, and stop following there as the host does on Ctrl-C.
    loop {
        match step {
            dockyard_engine::Step::Await { follow: Some(_), .. } => break,
            dockyard_engine::Step::Done(reply) => {
                step = sequence.finished(&reply, &mut s.engine, &mut ctx).expect("more to do");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let next = sequence.finished(&Default::default(), &mut s.engine, &mut ctx).expect("the stop");
    let dockyard_engine::Step::Done(notice) = next else { panic!("the notice first: {next:?}") };
    assert_eq!(notice.stderr, "Gracefully stopping... (press Ctrl+C again to force)\n");
    let next = sequence.finished(&notice, &mut s.engine, &mut ctx).expect("the stop");
    assert!(
        matches!(&next, dockyard_engine::Step::Await { container, kill_after: Some(k), .. } if *container == site && *k == 10 * SECOND),
        "{next:?}"
    );
}
