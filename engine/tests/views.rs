//! The pictures' view models for registries, volumes and networks, driven by real commands: what
//! each registry holds, what the last push or pull moved and skipped, which containers use which
//! volume and network.

mod common;

use common::Session;
use dockyard_engine::layer::Entry;
use dockyard_engine::view::{Direction, Mark, RegistryView, TagView};
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
        [("bridge", "bridge"), ("host", "host"), ("none", "null")]
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
