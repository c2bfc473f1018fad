//! A container's thin writable layer: what `docker diff` shows of it and what `docker commit`
//! makes of it.

mod common;

use common::Session;
use dockyard_engine::layer::Entry;
use dockyard_engine::ExitStatus;
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
}
