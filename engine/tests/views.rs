//! The pictures' view models for registries, volumes and networks, a container's files and the
//! image a build is making, driven by real commands: what each registry holds, what the last push
//! or pull moved and skipped, which containers use which volume and network, which layer each of
//! a container's files comes from, and a build's slabs as its steps complete.

mod common;

use common::Session;
use dockyard_engine::container::ContainerId;
use dockyard_engine::copy::Tree;
use dockyard_engine::layer::{Entry, Layer};
use dockyard_engine::sequence::Sequence;
use dockyard_engine::view::{
    Contents, Direction, Effect, FilesError, Kind, Mark, Origin, RegistryView, SlabSource, TagView,
};
use dockyard_engine::{Ctx, ExitStatus, ProcessOutcome, Step};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn registry<'a>(views: &'a [RegistryView], domain: &str) -> &'a RegistryView {
    views.iter().find(|r| r.domain == domain).unwrap_or_else(|| panic!("no registry {domain}"))
}

fn tag<'a>(registry: &'a RegistryView, repository: &str, tag: &str) -> &'a TagView {
    registry
        .repositories
        .iter()
        .find(|r| r.name == repository)
        .and_then(|r| r.tags.iter().find(|t| t.tag == tag))
        .unwrap_or_else(|| panic!("no {repository}:{tag} in {}", registry.domain))
}

#[test]
fn registries_list_repositories_tags_and_layers_with_what_is_local() {
    let mut s = Session::new();
    let views = s.engine.registry_views();
    assert_eq!(views.iter().map(|r| r.domain.as_str()).collect::<Vec<_>>(), ["docker.io", "localhost:5000"]);
    assert_eq!(views[0].title, "Docker Hub");
    assert!(views[1].repositories.is_empty(), "the local registry starts empty");
    let hello = tag(&views[0], "hello-world", "latest");
    assert_eq!(hello.layers.len(), 1);
    assert!(!hello.local && !hello.layers[0].local, "nothing is pulled yet");
    assert!(hello.layers[0].diff_id.is_some());
    assert_eq!(hello.size, hello.layers[0].size);
    // Two tags of one image name the same manifest, whose layers are stored once.
    let (toolbox, pinned) = (tag(&views[0], "toolbox", "latest"), tag(&views[0], "toolbox", "1"));
    assert_eq!(toolbox.manifest, pinned.manifest);
    assert_eq!(toolbox.layers[0].shared_by, 1, "one manifest names it, however many tags point there");

    s.done("docker pull hello-world");
    let views = s.engine.registry_views();
    let hello = tag(&views[0], "hello-world", "latest");
    assert!(hello.local && hello.layers[0].local, "pulled: the image and its layer are here");
    assert!(hello.transferred);
    assert_eq!(hello.layers[0].mark, Some(Mark::Pulled));
    assert!(!tag(&views[0], "toolbox", "latest").transferred, "the last pull moved only hello-world");
}

#[test]
fn push_and_pull_record_what_moved_and_what_was_skipped() {
    let mut s = Session::new();
    s.done("docker pull hello-world");
    s.done("docker tag hello-world localhost:5000/hello");
    let pushed = s.done("docker push localhost:5000/hello");
    assert_eq!(pushed.exit_code, 0, "{}", pushed.stderr);
    let transfer = s.engine.last_transfer().expect("the push is recorded").clone();
    assert_eq!(transfer.direction, Direction::Push);
    assert_eq!((transfer.domain.as_str(), transfer.path.as_str()), ("localhost:5000", "hello"));
    assert_eq!(transfer.moved.len(), 1);
    assert!(transfer.skipped.is_empty());
    // The digest it names is the one the progress line named.
    assert!(pushed.stdout.contains(&format!("{}: Pushed", transfer.moved[0].short())), "{}", pushed.stdout);
    let views = s.engine.registry_views();
    let local = registry(&views, "localhost:5000");
    let hello = tag(local, "localhost:5000/hello", "latest");
    assert_eq!(hello.layers[0].mark, Some(Mark::Pushed));
    assert!(hello.layers[0].local);
    assert_eq!(tag(&views[0], "hello-world", "latest").layers[0].mark, None, "Docker Hub was not part of it");

    // Pushed again under another tag, the layer is skipped.
    s.done("docker tag hello-world localhost:5000/hello:v2");
    s.done("docker push localhost:5000/hello:v2");
    let again = s.engine.last_transfer().unwrap();
    assert_eq!((again.moved.len(), again.skipped.len(), again.serial), (0, 1, transfer.serial + 1));
    let views = s.engine.registry_views();
    let local = registry(&views, "localhost:5000");
    assert_eq!(tag(local, "localhost:5000/hello", "v2").layers[0].mark, Some(Mark::AlreadyInRegistry));
    assert!(!tag(local, "localhost:5000/hello", "latest").transferred, "only the v2 tag moved");

    // Pulled back while the layer is still here: it is skipped the other way.
    s.done("docker rmi localhost:5000/hello:v2");
    s.done("docker pull localhost:5000/hello:v2");
    let pull = s.engine.last_transfer().unwrap();
    assert_eq!(pull.direction, Direction::Pull);
    let views = s.engine.registry_views();
    assert_eq!(
        tag(registry(&views, "localhost:5000"), "localhost:5000/hello", "v2").layers[0].mark,
        Some(Mark::AlreadyLocal)
    );

    // push --all-tags moves every tag in one transfer.
    s.done("docker push -a localhost:5000/hello");
    let all = s.engine.last_transfer().unwrap();
    assert_eq!(all.targets, ["latest", "v2"]);
}

#[test]
fn a_run_that_pulls_is_a_transfer_too() {
    let mut s = Session::new();
    s.launch("docker run hello-world");
    let transfer = s.engine.last_transfer().expect("run pulled the image");
    assert_eq!((transfer.direction, transfer.domain.as_str()), (Direction::Pull, "docker.io"));
    assert_eq!(transfer.path, "library/hello-world");
}

#[test]
fn volumes_show_their_size_and_the_containers_that_mount_them() {
    let mut s = Session::new();
    assert!(s.engine.volume_views().is_empty());
    s.done("docker volume create data");
    s.done("docker volume create another");
    s.drive("docker run -d --name db -v data:/data toolbox sleep 100", None);
    s.drive("docker create --name reader --mount type=volume,source=data,target=/mnt,readonly -v /cache toolbox", None);
    let db = s.engine.find_container("db").unwrap().id.clone();
    s.engine.write_container_file(&db, "/data/rows", Entry::file(&b"12345"[..], 0o644)).unwrap();
    let views = s.engine.volume_views();
    let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(&names[..2], ["another", "data"], "named volumes first, by name");
    assert_eq!(views.len(), 3);
    assert!(views[2].anonymous, "then the anonymous one -v /cache made");
    assert_eq!(views[2].users[0].destination, "/cache");
    let data = &views[1];
    assert_eq!((data.size, data.files), (5, 1));
    let users: Vec<(&str, &str, bool, bool)> =
        data.users.iter().map(|u| (u.container.as_str(), u.destination.as_str(), u.read_only, u.running)).collect();
    assert_eq!(users, [("db", "/data", false, true), ("reader", "/mnt", true, false)]);
    assert!(views[0].users.is_empty());
}

#[test]
fn networks_list_bridge_and_none_with_their_containers() {
    let mut s = Session::new();
    let empty = s.engine.network_views();
    assert_eq!(
        empty.iter().map(|n| (n.name.as_str(), n.driver.as_str())).collect::<Vec<_>>(),
        [("bridge", "bridge"), ("none", "null")]
    );
    assert!(empty.iter().all(|n| n.members.is_empty()));
    s.drive("docker run -d --name site -p 8080:80 toolbox sleep 100", None);
    s.drive("docker create --name hermit --network none toolbox", None);
    s.drive("docker create --name plain toolbox", None);
    let views = s.engine.network_views();
    let members = |name: &str| -> Vec<String> {
        views.iter().find(|n| n.name == name).unwrap().members.iter().map(|m| m.container.clone()).collect()
    };
    assert_eq!(members("bridge"), ["site", "plain"]);
    assert_eq!(members("none"), ["hermit"]);
    let site = &views[0].members[0];
    assert!(site.running);
    assert_eq!(site.ports, ["0.0.0.0:8080->80/tcp"]);
}

/// A process's end with `code`, leaving `upper` as its writable layer.
fn ended(code: i32, upper: Layer) -> ProcessOutcome {
    ProcessOutcome { status: ExitStatus::Code(code), output: Vec::new(), upper: Some(upper) }
}

#[test]
fn a_containers_files_come_from_its_layers_with_what_the_writable_layer_changed() {
    let mut s = Session::new();
    // An image of two layers: the toolbox's, and one that adds a page.
    let id = s.launch("docker run --name writer toolbox sh").process.container;
    let mut upper = Layer::default();
    upper.insert("srv/page", Entry::file(&b"page\n"[..], 0o644)).unwrap();
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    s.engine.exited(&id, ended(0, upper), &mut ctx);
    assert_eq!(s.done("docker commit writer paged").exit_code, 0);
    // A container of it replaces the page, adds a note, and deletes the password file.
    let id = s.launch("docker run --name site paged sh").process.container;
    let mut upper = Layer::default();
    upper.insert("srv/page", Entry::file(&b"changed\n"[..], 0o644)).unwrap();
    upper.insert("tmp/note", Entry::file(&b"hi\n"[..], 0o644)).unwrap();
    upper.insert("etc/passwd", Entry::whiteout()).unwrap();
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    s.engine.exited(&id, ended(0, upper), &mut ctx);

    let root = s.engine.container_dir(&id, "/").unwrap();
    assert_eq!(root.path, "/");
    assert_eq!(root.layers.len(), 3, "{:?}", root.layers);
    assert_eq!(root.layers[2], Origin::Writable);
    assert!(
        matches!(&root.layers[1], Origin::Image { index: 1, created_by, .. } if created_by == "sh"),
        "{:?}",
        root.layers
    );
    let entry = |name: &str| root.entries.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!((entry("srv").change, &entry("srv").origin), (Some(Effect::Changed), &Origin::Writable));
    assert_eq!((entry("bin").change, &entry("bin").origin), (None, &root.layers[0]));
    assert!(root.entries.iter().all(|e| e.kind == Kind::Dir), "directories only at the root: {:?}", root.entries);

    let srv = s.engine.container_dir(&id, "srv").unwrap();
    let page = &srv.entries[0];
    assert_eq!(
        (page.path.as_str(), page.change, &page.origin),
        ("/srv/page", Some(Effect::Changed), &Origin::Writable)
    );
    assert_eq!(page.size, 8);
    let tmp = s.engine.container_dir(&id, "/tmp/").unwrap();
    assert_eq!((tmp.entries[0].name.as_str(), tmp.entries[0].change), ("note", Some(Effect::Added)));

    let etc = s.engine.container_dir(&id, "/etc").unwrap();
    let passwd = etc.entries.iter().find(|e| e.name == "passwd").unwrap();
    assert_eq!((passwd.change, &passwd.origin), (Some(Effect::Deleted), &root.layers[0]), "the layer it hid");
    let group = etc.entries.iter().find(|e| e.name == "group").unwrap();
    assert_eq!((group.change, &group.origin), (None, &root.layers[0]));
    // The toolbox's applets are hard links to its program.
    let bin = s.engine.container_dir(&id, "/bin").unwrap();
    let sh = bin.entries.iter().find(|e| e.name == "sh").unwrap();
    assert_eq!(sh.kind, Kind::Hardlink { target: "/bin/toolbox".into() });

    let file = s.engine.container_file(&id, "/srv/page").unwrap();
    assert_eq!(file.contents, Contents::Text { text: "changed\n".into(), truncated: false });
    let deleted = s.engine.container_file(&id, "/etc/passwd").unwrap();
    assert_eq!(deleted.change, Some(Effect::Deleted));
    assert!(matches!(&deleted.contents, Contents::Text { text, .. } if text.starts_with("root:")), "what it hid");
    let program = s.engine.container_file(&id, "/bin/sh").unwrap();
    assert_eq!((program.contents, program.size), (Contents::Binary, common::TOOLBOX.len() as u64));

    // Wrong questions get errors, never a panic.
    assert!(
        matches!(s.engine.container_dir(&id, "/srv/page"), Err(FilesError::NoSuchDirectory(p)) if p == "/srv/page")
    );
    assert!(matches!(s.engine.container_dir(&id, "/../../etc"), Err(FilesError::NoSuchDirectory(_))));
    assert!(matches!(s.engine.container_file(&id, "/nope"), Err(FilesError::NoSuchFile(_))));
    assert!(s.engine.container_file(&id, "/srv").is_ok_and(|f| f.contents == Contents::Dir));
    let stranger = ContainerId::generate(&mut s.entropy);
    assert!(matches!(s.engine.container_dir(&stranger, "/"), Err(FilesError::NoSuchContainer(_))));
    s.done("docker rm site");
    assert!(matches!(s.engine.container_file(&id, "/srv/page"), Err(FilesError::NoSuchContainer(_))));
}

/// A build context holding only `dockerfile`.
fn dockerfile(text: &str) -> Tree {
    Tree {
        entries: vec![(String::new(), Entry::dir(0o755)), ("Dockerfile".into(), Entry::file(text.as_bytes(), 0o644))],
    }
}

/// Starts `docker build -t app .` of `text`, up to its first step that needs the host.
fn start_build(s: &mut Session, sequence: &mut Sequence, text: &str) -> Step {
    let Step::ReadContext { then, .. } = s.step("docker build -t app .") else { panic!("the build reads its context") };
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    let step = s.engine.context_done(then, Ok(dockerfile(text)), &mut ctx);
    sequence.current(step)
}

/// Ends the running `RUN` with `code`, writing `file`, and goes on to the build's next step.
fn finish_run(s: &mut Session, sequence: &mut Sequence, step: Step, code: i32, file: &str) -> Option<Step> {
    let Step::Launch(launch) = step else { panic!("a RUN to run: {step:?}") };
    let mut upper = Layer::default();
    upper.insert(file, Entry::file(file.as_bytes(), 0o644)).unwrap();
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    let reply = s.engine.exited(&launch.process.container, ended(code, upper), &mut ctx);
    sequence.finished(&reply, &mut s.engine, &mut ctx)
}

fn sources(s: &Session) -> Vec<SlabSource> {
    s.engine.build_view().expect("a build under way").layers.iter().map(|l| l.source).collect()
}

#[test]
fn a_build_shows_its_image_slab_by_slab_with_cached_steps_marked() {
    let mut s = Session::new();
    assert!(s.engine.build_view().is_none());
    let mut sequence = Sequence::default();
    let step = start_build(&mut s, &mut sequence, "FROM toolbox\nENV A=1\nRUN one\nRUN two\n");
    // The first RUN is with the host: below it, only the toolbox's layer.
    let view = s.engine.build_view().unwrap();
    assert_eq!((view.step, view.total, view.running.as_str()), (3, 4, "RUN one"));
    assert_eq!(view.tags, ["app:latest"]);
    assert_eq!(sources(&s), [SlabSource::Base]);
    let stacks = s.engine.image_stacks();
    assert!(stacks.iter().any(|st| st.tags == ["toolbox:latest"]), "the base still shows as itself");

    let step = finish_run(&mut s, &mut sequence, step, 0, "one").unwrap();
    let view = s.engine.build_view().unwrap();
    assert_eq!((view.step, view.running.as_str()), (4, "RUN two"));
    assert_eq!(sources(&s), [SlabSource::Base, SlabSource::Built]);
    assert!(view.layers[1].slab.created_by.contains("one"), "{:?}", view.layers[1]);
    let stacks = s.engine.image_stacks();
    assert!(stacks.iter().all(|st| !st.tags.is_empty()), "the image being built shows only as the build");

    let done = finish_run(&mut s, &mut sequence, step, 0, "two").unwrap();
    let Step::Done(reply) = done else { panic!("the build ends: {done:?}") };
    assert!(reply.stdout.contains("Successfully tagged app:latest"), "{}", reply.stdout);
    assert!(s.engine.build_view().is_none(), "the finished image replaces the build");
    let app = s.engine.image_stacks().into_iter().find(|st| st.tags == ["app:latest"]).unwrap();
    assert_eq!(app.layers.len(), 3);

    // Again with the last step changed: the first RUN comes from the cache.
    let mut sequence = Sequence::default();
    let step = start_build(&mut s, &mut sequence, "FROM toolbox\nENV A=1\nRUN one\nRUN three\n");
    assert_eq!(s.engine.build_view().unwrap().running, "RUN three");
    assert_eq!(sources(&s), [SlabSource::Base, SlabSource::Cached]);
    assert!(s.engine.image_stacks().iter().any(|st| st.tags == ["app:latest"]), "the old app stays until replaced");
    // A failing step ends the build, and its picture.
    let failed = finish_run(&mut s, &mut sequence, step, 1, "three").unwrap();
    assert!(matches!(&failed, Step::Done(r) if r.exit_code == 1), "{failed:?}");
    assert!(s.engine.build_view().is_none());

    // A build that never reaches the host shows nothing either.
    let mut sequence = Sequence::default();
    let step = start_build(&mut s, &mut sequence, "FROM toolbox\nENV A=1\nRUN one\n");
    assert!(matches!(step, Step::Done(_)), "every step from the cache: {step:?}");
    assert!(s.engine.build_view().is_none());
}

#[test]
fn volumes_lie_over_a_containers_files_and_their_files_are_in_no_layer() {
    let mut s = Session::new();
    let id = s.launch("docker run --name db -v data:/data -v conf:/etc toolbox sh").process.container;
    let mut upper = Layer::default();
    upper.insert("data/rows", Entry::file(&b"1\n"[..], 0o644)).unwrap();
    upper.insert("etc/app.conf", Entry::file(&b"on\n"[..], 0o644)).unwrap();
    upper.insert("tmp/own", Entry::file(&b"mine\n"[..], 0o644)).unwrap();
    let mut ctx = Ctx { now: s.now, entropy: &mut s.entropy };
    s.engine.exited(&id, ended(0, upper), &mut ctx);

    let data = Origin::Volume { name: "data".into(), destination: "/data".into() };
    let root = s.engine.container_dir(&id, "/").unwrap();
    assert_eq!(root.layers.len(), 4, "the toolbox's layer, the writable one, two volumes: {:?}", root.layers);
    assert!(root.layers.contains(&data));
    let at = |name: &str| root.entries.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!((&at("data").origin, at("data").change), (&data, None));
    assert!(matches!(&at("etc").origin, Origin::Volume { name, .. } if name == "conf"));
    assert_eq!((&at("tmp").origin, at("tmp").change), (&Origin::Writable, Some(Effect::Changed)));

    let rows = s.engine.container_dir(&id, "/data").unwrap();
    assert_eq!(rows.entries.len(), 1);
    assert_eq!((rows.entries[0].name.as_str(), &rows.entries[0].origin, rows.entries[0].change), ("rows", &data, None));
    // The mount hides the image's /etc: its files are not there, and not deleted either.
    let etc = s.engine.container_dir(&id, "/etc").unwrap();
    let names: Vec<&str> = etc.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["app.conf"]);
    assert!(matches!(s.engine.container_file(&id, "/etc/passwd"), Err(FilesError::NoSuchFile(_))));
    let file = s.engine.container_file(&id, "/data/rows").unwrap();
    assert_eq!((file.origin, file.contents), (data, Contents::Text { text: "1\n".into(), truncated: false }));
}
