//! The image commands: tag, rmi, history, image inspect and the flags of images, with Docker's
//! output and errors.

mod common;

use common::Session;
use dockyard_engine::ExitStatus;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn pulled() -> (Session, String) {
    let mut s = Session::new();
    s.done("docker pull hello-world");
    let id = s.engine.images().resolve("hello-world").unwrap().id.short();
    (s, id)
}

#[test]
fn tag_adds_a_name_for_the_same_image() {
    let (mut s, id) = pulled();
    assert_eq!(s.done("docker tag hello-world mine:v1").exit_code, 0);
    let out = s.done("docker images").stdout;
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(rows[0].starts_with("hello-world   latest    ") && rows[0].contains(&id), "{out}");
    assert!(rows[1].starts_with("mine          v1        ") && rows[1].contains(&id), "{out}");
}

#[test]
fn tag_errors_read_like_docker() {
    let (mut s, _) = pulled();
    let reply = s.done("docker tag nosuch mine");
    assert_eq!(
        (reply.stderr.as_str(), reply.exit_code),
        ("Error response from daemon: No such image: nosuch:latest\n", 1)
    );
    let reply = s.done("docker tag hello-world Bad:Name");
    assert_eq!(
        reply.stderr,
        "Error parsing reference: \"Bad:Name\" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n"
    );
    let digest = format!("mine@{}", dockyard_engine::digest::Digest::of(b"x"));
    assert!(s
        .done(&format!("docker tag hello-world {digest}"))
        .stderr
        .contains("refusing to create a tag with a digest reference"));
}

#[test]
fn rmi_untags_then_deletes_the_image_and_its_layer() {
    let (mut s, _) = pulled();
    s.done("docker tag hello-world mine:v1");
    assert_eq!(s.done("docker rmi mine:v1").stdout, "Untagged: mine:v1\n");
    let image = s.engine.images().resolve("hello-world").unwrap().clone();
    let out = s.done("docker rmi hello-world").stdout;
    let layer = image.config.rootfs.diff_ids[0];
    assert_eq!(
        out,
        format!(
            "Untagged: hello-world:latest\nUntagged: {}\nDeleted: {}\nDeleted: {layer}\n",
            image.repo_digests[0], image.id
        )
    );
    assert_eq!(s.done("docker images -q").stdout, "");
    assert!(s.engine.images().layers.is_empty());
    let reply = s.done("docker rmi hello-world");
    assert_eq!(
        (reply.stderr.as_str(), reply.exit_code),
        ("Error response from daemon: No such image: hello-world:latest\n", 1)
    );
}

#[test]
fn rmi_refuses_an_image_a_container_uses() {
    let (mut s, id) = pulled();
    let (launch, _) = s.run("docker run hello-world", ExitStatus::Code(0), "");
    let container = launch.process.container.short().to_string();
    let reply = s.done("docker rmi hello-world");
    assert_eq!(reply.exit_code, 1);
    assert_eq!(
        reply.stderr,
        format!("Error response from daemon: conflict: unable to remove repository reference \"hello-world\" (must force) - container {container} is using its referenced image {id}\n")
    );
    let reply = s.done(&format!("docker rmi {id}"));
    assert!(reply.stderr.contains(&format!(
        "unable to delete {id} (must be forced) - image is being used by stopped container {container}"
    )));
    // Forced, the name goes but the image stays for its container, dangling.
    assert_eq!(s.done("docker rmi -f hello-world").stdout, "Untagged: hello-world:latest\n");
    let out = s.done("docker images").stdout;
    assert!(out.lines().nth(1).unwrap().starts_with(&format!("<none>       <none>    {id}")), "{out}");
}

#[test]
fn rmi_by_id_needs_force_for_many_names_and_refuses_running_containers() {
    let (mut s, id) = pulled();
    s.done("docker tag hello-world mine");
    assert!(s.done(&format!("docker rmi {id}")).stderr.contains(&format!(
        "conflict: unable to delete {id} (must be forced) - image is referenced in multiple repositories"
    )));
    let launch = s.launch("docker run hello-world");
    let reply = s.done(&format!("docker rmi -f {id}"));
    assert!(reply.stderr.contains(&format!(
        "unable to delete {id} (cannot be forced) - image is being used by running container {}",
        launch.process.container.short()
    )));
}

#[test]
fn history_lists_steps_newest_first() {
    let (mut s, id) = pulled();
    let out = s.done("docker history hello-world").stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "IMAGE          CREATED        CREATED BY                SIZE      COMMENT");
    assert_eq!(lines[1], format!("{id}   8 months ago   CMD [\"/hello\"]            0B        buildkit.dockerfile.v0"));
    assert_eq!(lines[2], "<missing>      8 months ago   COPY hello / # buildkit   8B        buildkit.dockerfile.v0");
    assert_eq!(s.done("docker history -q hello-world").stdout, format!("{id}\n<missing>\n"));
    let raw = s.done("docker history -H=false --no-trunc hello-world").stdout;
    assert!(raw.contains("2026-05-01T00:00:00Z") && raw.contains("   8   "), "{raw}");
    assert!(raw.contains(&s.engine.images().resolve("hello-world").unwrap().id.to_string()));
    assert_eq!(s.done("docker history nosuch").stderr, "Error response from daemon: No such image: nosuch:latest\n");
}

#[test]
fn image_inspect_prints_the_api_json() {
    let (mut s, _) = pulled();
    let image = s.engine.images().resolve("hello-world").unwrap().clone();
    let out = s.done("docker image inspect hello-world").stdout;
    assert!(out.starts_with("[\n    {\n        \"Id\": \"sha256:"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["Id"], image.id.to_string());
    assert_eq!(json[0]["RepoTags"][0], "hello-world:latest");
    assert_eq!(json[0]["Config"]["Cmd"][0], "/hello");
    assert_eq!(json[0]["RootFS"]["Layers"][0], image.config.rootfs.diff_ids[0].to_string());
    assert_eq!(json[0]["Size"], 8);
    let reply = s.done("docker image inspect nosuch");
    assert_eq!(reply.stdout, "[]\n");
    assert_eq!(reply.stderr, "Error response from daemon: no such image: nosuch: No such image: nosuch:latest\n");
    assert_eq!(reply.exit_code, 1);
}

#[test]
fn images_filters_digests_and_full_ids() {
    let (mut s, id) = pulled();
    s.done("docker tag hello-world team/app:v2");
    let digest = s.engine.images().resolve("hello-world").unwrap().repo_digests[0].clone();
    let out = s.done("docker images --digests hello-world").stdout;
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains(digest.split('@').nth(1).unwrap()), "{out}");
    let out = s.done("docker images -f reference=team/*").stdout;
    assert!(out.lines().nth(1).unwrap().starts_with("team/app     v2"), "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(s.done("docker images -f dangling=true").stdout.lines().count(), 1);
    let full = s.done("docker images -q --no-trunc").stdout;
    assert_eq!(full, format!("{}\n", s.engine.images().resolve(&id).unwrap().id));
    let reply = s.done("docker images -f color=blue");
    assert_eq!((reply.stderr.as_str(), reply.exit_code), ("Error response from daemon: Invalid filter 'color'\n", 1));
    assert!(s
        .done("docker images -f dangling")
        .stderr
        .starts_with("invalid argument \"dangling\" for \"-f, --filter\" flag"));
}
