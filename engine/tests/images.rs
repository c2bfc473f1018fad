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

/// The pulled hello-world, tagged a second time, with its full id, short id and digest.
fn formatted() -> (Session, String, String, String) {
    let (mut s, short) = pulled();
    s.done("docker tag hello-world team/app:v2");
    let image = s.engine.images().resolve("hello-world").unwrap().clone();
    let digest = image.repo_digests[0].split_once('@').unwrap().1.to_string();
    (s, image.id.to_string(), short, digest)
}

#[test]
fn images_format_prints_a_line_per_row_and_no_header() {
    let (mut s, full, id, digest) = formatted();
    let out = s.done("docker images --format '{{.ID}} {{.Repository}}:{{.Tag}}'").stdout;
    assert_eq!(out, format!("{id} hello-world:latest\n{id} team/app:v2\n"));
    // Digests are looked up only when the template names {{.Digest}} or --digests is given.
    let out = s.done("docker images --format '{{.Repository}} {{.Digest}}'").stdout;
    assert_eq!(out, format!("hello-world {digest}\nteam/app <none>\n"));
    let out = s.done("docker images --format '{{.Repository}} {{ .Digest }}'").stdout;
    assert_eq!(out, "hello-world <none>\nteam/app <none>\n");
    let out =
        s.done("docker images --no-trunc --format '{{.ID}}|{{.CreatedAt}}|{{.CreatedSince}}|{{.Size}}' hello-world");
    assert_eq!(out.stdout, format!("{full}|2026-05-01 00:00:00 +0000 UTC|8 months ago|8B\n"));
    let out =
        s.done("docker images --format '{{.Containers}} {{.SharedSize}} {{.UniqueSize}} {{.VirtualSize}}' hello-world");
    assert_eq!(out.stdout, "N/A N/A N/A 8B\n");
    // A format wins over --quiet, and `table` alone is the default table.
    assert_eq!(s.done("docker images -q --format '{{.Tag}}'").stdout, "latest\nv2\n");
    assert_eq!(s.done("docker images --format table").stdout, s.done("docker images").stdout);
}

#[test]
fn images_format_table_heads_columns_with_docker_names() {
    let (mut s, _, id, digest) = formatted();
    let out =
        s.done(r"docker images --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'");
    assert_eq!(
        out.stdout,
        format!(
            "REPOSITORY    TAG       IMAGE ID       CREATED        SIZE\n\
             hello-world   latest    {id}   8 months ago   8B\n\
             team/app      v2        {id}   8 months ago   8B\n"
        )
    );
    let out =
        s.done(r"docker images --format 'table {{.Repository}}:{{.Tag}}\t{{.CreatedAt}}\t{{.VirtualSize}}' team/app");
    assert_eq!(
        out.stdout,
        "REPOSITORY:TAG   CREATED AT                      SIZE\nteam/app:v2      2026-05-01 00:00:00 +0000 UTC   8B\n"
    );
    // --digests adds the column a table does not name.
    let out = s.done(r"docker images --digests --format 'table {{.Repository}}\t{{.Tag}}'");
    assert_eq!(
        out.stdout,
        format!("REPOSITORY    TAG       DIGEST\nhello-world   latest    {digest}\nteam/app      v2        <none>\n")
    );
    // No image still prints the header.
    assert_eq!(s.done(r"docker images --format 'table {{.ID}}\t{{.Tag}}' nosuch").stdout, "IMAGE ID   TAG\n");
}

#[test]
fn images_format_json_prints_docker_objects() {
    let (mut s, full, id, _) = formatted();
    let row = |id: &str, repository: &str, tag: &str| {
        format!(
            r#"{{"Containers":"N/A","CreatedAt":"2026-05-01 00:00:00 +0000 UTC","CreatedSince":"8 months ago","Digest":"<none>","ID":"{id}","Repository":"{repository}","SharedSize":"N/A","Size":"8B","Tag":"{tag}","UniqueSize":"N/A","VirtualSize":"8B"}}"#
        )
    };
    let want = format!("{}\n{}\n", row(&id, "hello-world", "latest"), row(&id, "team/app", "v2"));
    assert_eq!(s.done("docker images --format json").stdout, want);
    assert_eq!(s.done("docker images --format '{{json .}}'").stdout, want);
    assert_eq!(
        s.done("docker images --no-trunc --format json team/app").stdout,
        format!("{}\n", row(&full, "team/app", "v2"))
    );
}

#[test]
fn images_format_errors_read_like_docker() {
    let (mut s, _, _, _) = formatted();
    let reply = s.done("docker images --format '{{.Foo}}'");
    assert_eq!(
        (reply.stdout.as_str(), reply.stderr.as_str(), reply.exit_code),
        (
            "",
            "template parsing error: template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo in type *formatter.imageContext\n",
            1
        )
    );
    let reply = s.done("docker images --format '{{.ID }'");
    assert_eq!(
        (reply.stderr.as_str(), reply.exit_code),
        ("template parsing error: template: :1: unexpected \"}\" in operand\n", 1)
    );
    let reply = s.done("docker images --format '{{foo .ID}}'");
    assert_eq!(reply.stderr, "template parsing error: template: :1: function \"foo\" not defined\n");
    let reply = s.done("docker images --format '{{.ID.Short}}'");
    assert_eq!(
        reply.stderr,
        "template parsing error: template: :1:5: executing \"\" at <.ID.Short>: can't evaluate field Short in type string\n"
    );
}

#[test]
fn history_format_prints_docker_fields() {
    let (mut s, full, id, _) = formatted();
    let out = s.done("docker history --format '{{.ID}}|{{.CreatedSince}}|{{.CreatedAt}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}' hello-world");
    assert_eq!(
        out.stdout,
        format!(
            "{id}|8 months ago|2026-05-01T00:00:00Z|CMD [\"/hello\"]|0B|buildkit.dockerfile.v0\n\
             <missing>|8 months ago|2026-05-01T00:00:00Z|COPY hello / # buildkit|8B|buildkit.dockerfile.v0\n"
        )
    );
    let out = s.done(r"docker history --format 'table {{.ID}}\t{{.CreatedBy}}\t{{.Size}}' hello-world").stdout;
    assert_eq!(
        out,
        format!("IMAGE          CREATED BY                SIZE\n{id}   CMD [\"/hello\"]            0B\n<missing>      COPY hello / # buildkit   8B\n")
    );
    // Without -H, CreatedSince is the time and sizes are bytes.
    let out = s.done("docker history --format json -H=false --no-trunc hello-world").stdout;
    assert_eq!(
        out,
        format!(
            "{{\"Comment\":\"buildkit.dockerfile.v0\",\"CreatedAt\":\"2026-05-01T00:00:00Z\",\"CreatedBy\":\"CMD [\\\"/hello\\\"]\",\"CreatedSince\":\"2026-05-01T00:00:00Z\",\"ID\":\"{full}\",\"Size\":\"0\"}}\n\
             {{\"Comment\":\"buildkit.dockerfile.v0\",\"CreatedAt\":\"2026-05-01T00:00:00Z\",\"CreatedBy\":\"COPY hello / # buildkit\",\"CreatedSince\":\"2026-05-01T00:00:00Z\",\"ID\":\"<missing>\",\"Size\":\"8\"}}\n"
        )
    );
    assert_eq!(s.done("docker history -q --format '{{.Size}}' hello-world").stdout, "0B\n8B\n");
    let reply = s.done("docker history --format '{{.Image}}' hello-world");
    assert_eq!(
        (reply.stderr.as_str(), reply.exit_code),
        (
            "template parsing error: template: :1:2: executing \"\" at <.Image>: can't evaluate field Image in type *image.historyContext\n",
            1
        )
    );
}

#[test]
fn image_inspect_format_runs_over_the_inspect_json() {
    let (mut s, full, _, digest) = formatted();
    let layer = s.engine.images().resolve("hello-world").unwrap().config.rootfs.diff_ids[0].to_string();
    assert_eq!(s.done("docker image inspect --format '{{.Id}}' hello-world").stdout, format!("{full}\n"));
    assert_eq!(
        s.done("docker image inspect -f '{{.Config.Cmd}}' hello-world team/app:v2").stdout,
        "[/hello]\n[/hello]\n"
    );
    assert_eq!(
        s.done("docker image inspect -f '{{json .RootFS.Layers}}' hello-world").stdout,
        format!("[\"{layer}\"]\n")
    );
    assert_eq!(
        s.done("docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' hello-world").stdout,
        format!("{layer}\n\n")
    );
    assert_eq!(
        s.done("docker image inspect -f '{{join .RepoTags \", \"}} {{index .RepoDigests 0}} {{.Size}} {{.Os}}/{{.Architecture}}' hello-world").stdout,
        format!("hello-world:latest, team/app:v2 hello-world@{digest} 8 linux/wasm\n")
    );
    let config = s.done("docker image inspect -f '{{json .Config}}' hello-world").stdout;
    assert!(config.starts_with("{\"AttachStderr\":false,"), "every field of docker's config: {config}");
    assert!(config.contains(",\"Cmd\":[\"/hello\"],") && config.contains(",\"Labels\":null,"), "{config}");
    // Fields an image leaves unset are there, empty, rather than missing.
    assert_eq!(
        s.done(
            "docker image inspect -f '{{.Config.Labels}}|{{.Config.WorkingDir}}|{{.Config.Entrypoint}}' hello-world"
        )
        .stdout,
        "<no value>||<no value>\n"
    );
}

#[test]
fn image_inspect_format_errors_read_like_docker() {
    let (mut s, full, _, _) = formatted();
    // A bad template stops before any image is looked up, with the CLI's status 64.
    let reply = s.done("docker image inspect -f '{{.Id' nosuch");
    assert_eq!(
        (reply.stdout.as_str(), reply.stderr.as_str(), reply.exit_code),
        ("", "template parsing error: template: :1: unclosed action\n", 64)
    );
    // A missing key is an error, as in docker's map fallback; the CLI still prints an empty line.
    let reply = s.done("docker image inspect -f '{{.Config.Nope}}' hello-world");
    assert_eq!(
        (reply.stdout.as_str(), reply.stderr.as_str(), reply.exit_code),
        (
            "\n",
            "template parsing error: template: :1:9: executing \"\" at <.Config.Nope>: map has no entry for key \"Nope\"\n",
            1
        )
    );
    let reply = s.done("docker image inspect -f '{{.Id}}' nosuch hello-world");
    assert_eq!(
        (reply.stdout, reply.stderr.as_str(), reply.exit_code),
        (format!("{full}\n"), "Error response from daemon: no such image: nosuch: No such image: nosuch:latest\n", 1)
    );
}

#[test]
fn format_flags_are_in_the_help() {
    let help = s_help("docker images --help");
    assert!(help.contains("  -f, --filter filter   Filter output based on conditions provided\n      --format string   Pretty-print images using a Go template\n"), "{help}");
    let help = s_help("docker history --help");
    assert!(help.contains("      --format string   Pretty-print images using a Go template\n  -H, --human "), "{help}");
    let help = s_help("docker image inspect --help");
    assert!(help.contains("\n  -f, --format string   Format the output using the given Go template\n"), "{help}");
}

fn s_help(line: &str) -> String {
    Session::new().done(line).stdout
}
