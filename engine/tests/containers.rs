//! A container's thin writable layer: what `docker diff` shows of it and what `docker commit`
//! makes of it.

mod common;

use common::Session;
use dockyard_engine::copy::{self, Existing, Source, Tree};
use dockyard_engine::layer::{Entry, Layer};
use dockyard_engine::{ExitStatus, Reply, Step};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn diff_lists_what_the_writable_layer_added_changed_and_deleted() {
    let mut s = Session::new();
    let (launch, _) = s.run("docker run --name box hello-world", ExitStatus::Code(0), "");
    let id = launch.process.container;
    assert_eq!(s.done("docker diff box").stdout, "", "a fresh container changed nothing");
    s.engine.write_container_file(&id, "/tmp/note.txt", Entry::file(&b"hi"[..], 0o644)).unwrap();
    assert!(s.engine.remove_container_file(&id, "/hello").unwrap());
    assert_eq!(s.done("docker diff box").stdout, "D /hello\nA /tmp\nA /tmp/note.txt\n");
    let reply = s.done("docker diff nosuch");
    assert_eq!(
        (reply.stderr.as_str(), reply.exit_code),
        ("Error response from daemon: No such container: nosuch\n", 1)
    );
}

#[test]
fn commit_stacks_the_writable_layer_on_the_image() {
    let mut s = Session::new();
    let (launch, _) = s.run("docker run --name box hello-world", ExitStatus::Code(0), "");
    s.engine.write_container_file(&launch.process.container, "/etc/motd", Entry::file(&b"ahoy\n"[..], 0o644)).unwrap();
    let reply = s.done("docker commit -m 'add a motd' -c 'ENV GREETING=ahoy' box mine:v2");
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let image = s.engine.images().resolve("mine:v2").expect("the tag points at the new image").clone();
    assert_eq!(reply.stdout, format!("{}\n", image.id));
    assert_eq!(image.config.rootfs.diff_ids.len(), 2, "the image's layer plus the container's");
    assert!(image.config.config.env.contains(&"GREETING=ahoy".to_string()));
    let history = s.done("docker history mine:v2").stdout;
    let top = history.lines().nth(1).unwrap();
    assert!(top.contains("/hello") && top.contains("add a motd") && top.contains("   5B   "), "{history}");
    // A container of the new image sees the file, from the committed layer.
    let launch = s.launch("docker run mine:v2");
    let fs = s.engine.container_fs(launch.process.container.as_str()).unwrap();
    assert_eq!(fs.lookup("etc/motd").map(|(_, layer)| layer), Some(1));
    assert!(launch.process.env.contains(&"GREETING=ahoy".to_string()));
}

#[test]
fn commit_without_changes_adds_no_layer_and_refuses_bad_changes() {
    let mut s = Session::new();
    s.run("docker run --name box hello-world", ExitStatus::Code(0), "");
    let id = s.done("docker commit box").stdout;
    let image = s.engine.images().resolve(id.trim()).unwrap();
    assert_eq!(image.config.rootfs.diff_ids.len(), 1);
    assert!(image.config.history.last().unwrap().empty_layer);
    assert_eq!(s.done("docker images").stdout.lines().filter(|l| l.starts_with("<none>")).count(), 1);
    let reply = s.done("docker commit -c 'RUN echo' box");
    assert_eq!(reply.stderr, "Error response from daemon: RUN is not a valid change command\n");
    let reply = s.done("docker commit box a b");
    assert!(reply.stderr.starts_with("\"docker commit\" requires at least 1 and at most 2 arguments."));
}

#[test]
fn system_df_counts_images_and_writable_layers() {
    let mut s = Session::new();
    assert_eq!(
        s.done("docker system df").stdout,
        "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n\
         Images          0         0         0B        0B\n\
         Containers      0         0         0B        0B\n\
         Local Volumes   0         0         0B        0B\n\
         Build Cache     0         0         0B        0B\n"
    );
    let (launch, _) = s.run("docker run hello-world", ExitStatus::Code(0), "");
    s.engine.write_container_file(&launch.process.container, "/data", Entry::file(vec![b'x'; 1500], 0o644)).unwrap();
    s.done("docker tag hello-world spare");
    let out = s.done("docker system df").stdout;
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[1], "Images          1         1         8B        0B");
    assert_eq!(rows[2], "Containers      1         0         1.5kB     1.5kB (100%)");
    let reply = s.done("docker system df images");
    assert_eq!(reply.exit_code, 125);
    assert!(reply
        .stderr
        .starts_with("\"docker system df\" accepts no arguments.\n\nUsage:  docker system df [OPTIONS]"));
}

#[test]
fn commit_changes_set_every_runtime_default_an_image_carries() {
    let mut s = Session::new();
    s.run("docker run --name box hello-world", ExitStatus::Code(0), "");
    let changes = "-c 'EXPOSE 80 53/UDP' -c 'USER app' -c 'LABEL team=blue \"note=two words\"' \
                   -c 'VOLUME [\"/data\"]' -c 'STOPSIGNAL SIGINT' -c 'ONBUILD RUN make' -c 'WORKDIR /srv'";
    let reply = s.done(&format!("docker commit {changes} box configured"));
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let config = s.engine.images().resolve("configured").unwrap().config.config.clone();
    assert_eq!(config.exposed_ports.keys().collect::<Vec<_>>(), ["53/udp", "80/tcp"]);
    assert_eq!(config.user, "app");
    assert_eq!(config.labels.get("note").map(String::as_str), Some("two words"));
    assert_eq!(config.volumes.keys().collect::<Vec<_>>(), ["/data"]);
    assert_eq!((config.stop_signal.as_str(), config.working_dir.as_str()), ("SIGINT", "/srv"));
    assert_eq!(config.on_build, ["RUN make"]);
    // The image spec's shape: sets of ports and volumes are objects of empty objects.
    let inspect = s.done("docker image inspect configured").stdout;
    assert!(
        inspect.contains(
            "\"ExposedPorts\": {\n                \"53/udp\": {},\n                \"80/tcp\": {}\n            }"
        ),
        "{inspect}"
    );
    let reply = s.done("docker commit -c 'LABEL novalue' box");
    assert_eq!(reply.stderr, "Error response from daemon: LABEL must have two arguments: novalue\n");
}

/// A container `box` of hello-world whose writable layer holds `/app` with a file, a directory
/// and a symlink, and which deleted the image's `/hello`.
fn session_with_app() -> Session {
    let mut s = Session::new();
    let (launch, _) = s.run("docker run --name box hello-world", ExitStatus::Code(0), "");
    let id = launch.process.container;
    s.engine.write_container_file(&id, "/app/a.txt", Entry::file(&b"a"[..], 0o640).owned_by(5, 5)).unwrap();
    s.engine.write_container_file(&id, "/app/sub/b.txt", Entry::file(&b"bee"[..], 0o644)).unwrap();
    s.engine.write_container_file(&id, "/app/link", Entry::symlink("a.txt")).unwrap();
    s.engine.remove_container_file(&id, "/hello").unwrap();
    s
}

fn copy_out(s: &mut Session, line: &str) -> (Tree, Source, String, Reply) {
    match s.step(line) {
        Step::CopyOut { tree, source, dest, then } => (tree, source, dest, then),
        other => panic!("{line} copied nothing out: {other:?}"),
    }
}

#[test]
fn cp_out_gathers_the_tree_the_container_sees() {
    let mut s = session_with_app();
    let (tree, source, dest, then) = copy_out(&mut s, "docker cp box:/app /tmp/out");
    let paths: Vec<&str> = tree.entries.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["", "a.txt", "link", "sub", "sub/b.txt"]);
    assert_eq!((source.name.as_str(), dest.as_str()), ("app", "/tmp/out"));
    // The summary counts the tar stream: five headers, two file blocks and the end marker.
    let tar_len = tree.to_layer("app").unwrap().to_tar().unwrap().len();
    assert!(tar_len >= 7 * 512, "{tar_len}");
    assert_eq!(
        then.stderr,
        format!("Successfully copied {} to /tmp/out\n", dockyard_engine::format::human_size(tar_len as u64))
    );
    let placed = copy::place(&tree, &source, "/home/me", Existing::Dir).unwrap();
    assert_eq!(placed[1].0, "/home/me/app/a.txt");
    assert_eq!(placed[1].1.mode, 0o640);

    // A single file, a symlink as a link, and the same symlink followed with -L.
    let (tree, _, _, _) = copy_out(&mut s, "docker cp -q box:app/sub/b.txt .");
    assert_eq!(tree.entries, [(String::new(), Entry::file(&b"bee"[..], 0o644))]);
    let (tree, _, _, then) = copy_out(&mut s, "docker cp -q box:/app/link /tmp/l");
    assert_eq!(tree.root(), Some(&Entry::symlink("a.txt")));
    assert_eq!(then, Reply::default(), "-q prints nothing");
    let (tree, source, _, _) = copy_out(&mut s, "docker cp -L box:/app/link /tmp/l");
    assert_eq!(tree.root().map(|e| e.mode), Some(0o640), "the link's target, a file");
    assert_eq!(source.name, "link", "a followed link keeps its own name");
}

#[test]
fn cp_refuses_what_docker_refuses() {
    let mut s = session_with_app();
    let error = |s: &mut Session, line: &str| {
        let reply = s.done(line);
        (reply.stderr, reply.exit_code)
    };
    let missing =
        |path: &str| (format!("Error response from daemon: Could not find the file {path} in container box\n"), 1);
    assert_eq!(error(&mut s, "docker cp box:/hello /tmp/x"), missing("/hello"), "deleted in the writable layer");
    assert_eq!(error(&mut s, "docker cp box:nope /tmp/x"), missing("/nope"));
    assert_eq!(
        error(&mut s, "docker cp ghost:/x /tmp"),
        ("Error response from daemon: No such container: ghost\n".into(), 1)
    );
    assert_eq!(error(&mut s, "docker cp a.txt b.txt"), ("must specify at least one container source\n".into(), 1));
    assert_eq!(error(&mut s, "docker cp box:/a other:/b"), ("copying between containers is not supported\n".into(), 1));
    assert_eq!(error(&mut s, "docker cp '' box:/b"), ("source can not be empty\n".into(), 1));
    assert!(error(&mut s, "docker cp box:/app -").0.starts_with("dockyard: the terminal cannot show a tar stream"));
    let usage = error(&mut s, "docker cp box:/app");
    assert!(usage.0.starts_with("\"docker cp\" requires exactly 2 arguments.") && usage.1 == 125, "{usage:?}");
}

fn copy_in(s: &mut Session, line: &str, tree: Tree) -> Reply {
    match s.step(line) {
        Step::CopyIn { target, .. } => s.engine.copy_in(target, tree),
        other => panic!("{line} asked for nothing: {other:?}"),
    }
}

#[test]
fn cp_in_lands_where_docker_puts_it_and_belongs_to_root() {
    let mut s = session_with_app();
    let file = || Tree { entries: vec![(String::new(), Entry::file(&b"notes"[..], 0o600).owned_by(1000, 1000))] };
    let site = || Tree {
        entries: vec![
            (String::new(), Entry::dir(0o755).owned_by(1000, 1000)),
            ("index.html".into(), Entry::file(&b"<h1>hi</h1>"[..], 0o644).owned_by(1000, 1000)),
        ],
    };
    // A directory to a missing path becomes that path; a file into a directory keeps its name.
    let reply = copy_in(&mut s, "docker cp ./site box:/srv", site());
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert!(reply.stderr.starts_with("Successfully copied ") && reply.stderr.ends_with(" to box:/srv\n"));
    assert_eq!(copy_in(&mut s, "docker cp -q notes.txt box:/srv/", file()), Reply::default());
    // Poured in with `/.`, the directory's contents land in the existing /app.
    assert_eq!(copy_in(&mut s, "docker cp -q ./site/. box:/app", site()).exit_code, 0);
    let diff = s.done("docker diff box").stdout;
    for line in ["A /srv\n", "A /srv/index.html\n", "A /srv/notes.txt\n", "A /app/index.html\n"] {
        assert!(diff.contains(line), "{line} missing from\n{diff}");
    }
    let fs = s.engine.container_fs("box").unwrap();
    assert_eq!(fs.lookup("srv/notes.txt").map(|(e, _)| (e.uid, e.mode)), Some((0, 0o600)), "owned by root");
    // With -a the owner travels too.
    assert_eq!(copy_in(&mut s, "docker cp -a -q notes.txt box:/srv/kept", file()).exit_code, 0);
    let fs = s.engine.container_fs("box").unwrap();
    assert_eq!(fs.lookup("srv/kept").map(|(e, _)| e.uid), Some(1000));

    let refuse = |s: &mut Session, line: &str, tree: Tree| copy_in(s, line, tree).stderr;
    assert_eq!(refuse(&mut s, "docker cp notes.txt box:/nodir/", file()), "no such directory\n");
    assert_eq!(refuse(&mut s, "docker cp ./site box:/srv/notes.txt", site()), "cannot copy directory\n");
    assert_eq!(
        refuse(&mut s, "docker cp notes.txt box:/nodir/deeper/x", file()),
        "Error response from daemon: Could not find the file /nodir/deeper in container box\n"
    );
    assert_eq!(
        s.done("docker cp - box:/srv").stderr,
        "dockyard: the terminal cannot send a tar stream; give a source path instead of -\n"
    );
}

#[test]
fn export_flattens_the_container_into_one_tar() {
    let mut s = session_with_app();
    assert_eq!(
        s.done("docker export box").stderr,
        "cowardly refusing to save to a terminal. Use the -o flag or redirect\n"
    );
    assert_eq!(s.done("docker export -o x.tar ghost").stderr, "Error response from daemon: No such container: ghost\n");
    let Step::Write { path, bytes, action, then } = s.step("docker export -o box.tar box") else {
        panic!("export wrote nothing")
    };
    assert_eq!((path.as_str(), action, then), ("box.tar", "export container", Reply::default()));
    let layer = Layer::from_tar(&bytes.0).unwrap();
    let paths: Vec<&str> = layer.entries.keys().map(String::as_str).collect();
    assert_eq!(paths, ["app", "app/a.txt", "app/link", "app/sub", "app/sub/b.txt"], "no /hello, no whiteout");
}
