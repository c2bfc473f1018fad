//! `docker build` with the classic builder's steps, output, history and cache, the host's part
//! (reading the context, running each `RUN`) played by the test.

mod common;

use common::Session;
use dockyard_engine::copy::Tree;
use dockyard_engine::layer::{Entry, Layer};
use dockyard_engine::{ExitStatus, ProcessOutcome};

/// A context folder with a Dockerfile and the files it names.
fn context(dockerfile: &str, files: &[(&str, &str)]) -> Tree {
    let mut entries = vec![(String::new(), Entry::dir(0o755))];
    entries.push(("Dockerfile".into(), Entry::file(dockerfile.as_bytes(), 0o644)));
    for (path, content) in files {
        if let Some((dir, _)) = path.rsplit_once('/') {
            if !entries.iter().any(|(p, _)| p == dir) {
                entries.push((dir.to_string(), Entry::dir(0o755)));
            }
        }
        entries.push((path.to_string(), Entry::file(content.as_bytes(), 0o644)));
    }
    Tree { entries }
}

/// What a `RUN` step's process leaves: exit code 0 and these files written.
fn wrote(files: &[(&str, &str)]) -> ProcessOutcome {
    let mut layer = Layer::default();
    for (path, content) in files {
        layer.insert(path, Entry::file(content.as_bytes(), 0o644)).unwrap();
    }
    ProcessOutcome { status: ExitStatus::Code(0), output: vec![], upper: Some(layer) }
}

const APP: &str = "FROM toolbox\n\
LABEL maintainer=\"me\" version=1\n\
ENV APP=/app GREETING=\"hi there\"\n\
ARG FLAVOR=plain\n\
WORKDIR /app\n\
COPY a.txt .\n\
RUN echo $GREETING $FLAVOR > out.txt\n\
EXPOSE 80 443/tcp\n\
VOLUME /data\n\
USER nobody\n\
ENTRYPOINT [\"sh\", \"-c\"]\n\
CMD [\"echo hi\"]\n";

fn history(s: &Session, image: &str) -> Vec<String> {
    let image = s.engine.images().resolve(image).unwrap();
    image.config.history.iter().map(|h| h.created_by.clone()).collect()
}

#[test]
fn each_instruction_is_a_step_with_the_classic_builders_output_and_history() {
    let mut s = Session::new();
    s.context = Some(context(APP, &[("a.txt", "hello\n")]));
    s.outcomes.push_back(wrote(&[("app/out.txt", "hi there plain\n")]));
    let (reply, _) = s.drive("docker build -t app .", None);
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let out = &reply.stdout;
    // The context as the CLI's tar: two files of one block each, their headers and the end.
    assert!(out.starts_with("Sending build context to Docker daemon  3.072kB\nStep 1/12 : FROM toolbox\n"), "{out}");
    assert!(out.contains("Status: Downloaded newer image for toolbox:latest\n ---> "), "FROM pulls: {out}");
    assert!(out.contains("Step 2/12 : LABEL maintainer=\"me\" version=1\n ---> Running in "), "{out}");
    assert!(out.contains("Step 6/12 : COPY a.txt .\n ---> "), "{out}");
    assert!(out.contains("Step 7/12 : RUN echo $GREETING $FLAVOR > out.txt\n ---> Running in "), "{out}");
    let built = out.lines().rev().nth(1).unwrap().strip_prefix("Successfully built ").unwrap().to_string();
    assert!(out.ends_with(&format!("Successfully built {built}\nSuccessfully tagged app:latest\n")), "{out}");

    let steps = history(&s, "app");
    let ours: Vec<&str> = steps[steps.len() - 11..].iter().map(String::as_str).collect();
    let copy = ours[4];
    assert!(copy.starts_with("/bin/sh -c #(nop) COPY file:") && copy.ends_with(" in . "), "{copy}");
    assert_eq!(
        [&ours[..4], &ours[5..]].concat(),
        [
            "/bin/sh -c #(nop)  LABEL maintainer=me version=1",
            "/bin/sh -c #(nop)  ENV APP=/app GREETING=hi there",
            "/bin/sh -c #(nop)  ARG FLAVOR=plain",
            "/bin/sh -c #(nop) WORKDIR /app",
            "|1 FLAVOR=plain /bin/sh -c echo $GREETING $FLAVOR > out.txt",
            "/bin/sh -c #(nop)  EXPOSE 443/tcp 80",
            "/bin/sh -c #(nop)  VOLUME [/data]",
            "/bin/sh -c #(nop)  USER nobody",
            "/bin/sh -c #(nop)  ENTRYPOINT [\"sh\" \"-c\"]",
            "/bin/sh -c #(nop)  CMD [\"echo hi\"]",
        ]
    );
    // WORKDIR made /app, COPY and RUN each a layer: three over the toolbox's one.
    let image = s.engine.images().resolve("app").unwrap().clone();
    assert_eq!(image.config.rootfs.diff_ids.len(), 4);
    let config = &image.config.config;
    assert_eq!((config.user.as_str(), config.working_dir.as_str()), ("nobody", "/app"));
    assert_eq!(config.entrypoint, ["sh", "-c"]);
    assert_eq!(config.cmd, ["echo hi"]);
    assert!(config.env.contains(&"GREETING=hi there".to_string()));
    assert!(!config.env.iter().any(|e| e.starts_with("FLAVOR")), "an ARG is not kept in the image");
    assert_eq!(config.exposed_ports.keys().collect::<Vec<_>>(), ["443/tcp", "80/tcp"]);
    // The intermediate images are hidden from `docker images`, but not from `-a`.
    let listed = s.done("docker images -q").stdout;
    let all = s.done("docker images -aq").stdout;
    assert_eq!(listed.lines().count(), 2, "toolbox and app: {listed}");
    assert_eq!(all.lines().count(), 12, "and each step's image: {all}");
}

#[test]
fn the_cache_hits_and_misses_where_dockers_does() {
    let mut s = Session::new();
    s.context = Some(context(APP, &[("a.txt", "hello\n")]));
    s.outcomes.push_back(wrote(&[("app/out.txt", "1\n")]));
    let first = s.drive("docker build -t app .", None).0;
    let id = |reply: &str| reply.lines().find_map(|l| l.strip_prefix("Successfully built ")).unwrap().to_string();

    // Unchanged: every step after FROM comes from the cache, and no process runs.
    let again = s.drive("docker build -t app .", None).0;
    assert_eq!(again.stdout.matches(" ---> Using cache\n").count(), 11, "{}", again.stdout);
    assert_eq!(id(&again.stdout), id(&first.stdout));

    // A file's time is not part of the key; its content is.
    let mut touched = context(APP, &[("a.txt", "hello\n")]);
    touched.entries.iter_mut().find(|(p, _)| p == "a.txt").unwrap().1.mtime = 99_000_000_000;
    s.context = Some(touched);
    assert_eq!(s.drive("docker build .", None).0.stdout.matches("Using cache").count(), 11);
    s.context = Some(context(APP, &[("a.txt", "changed\n")]));
    s.outcomes.push_back(wrote(&[("app/out.txt", "2\n")]));
    let edited = s.drive("docker build .", None).0.stdout;
    assert_eq!(edited.matches("Using cache").count(), 4, "LABEL, ENV, ARG and WORKDIR hit; COPY misses: {edited}");

    // A changed build argument misses at its first use: the ARG step hits, the RUN does not.
    s.context = Some(context(APP, &[("a.txt", "hello\n")]));
    s.outcomes.push_back(wrote(&[("app/out.txt", "3\n")]));
    let flavored = s.drive("docker build --build-arg FLAVOR=spicy .", None).0.stdout;
    assert!(flavored.contains("Step 4/12 : ARG FLAVOR=plain\n ---> Using cache\n"), "{flavored}");
    assert!(flavored.contains("Step 7/12 : RUN echo $GREETING $FLAVOR > out.txt\n ---> Running in "), "{flavored}");
    assert_eq!(flavored.matches("Using cache").count(), 5, "LABEL, ENV, ARG, WORKDIR and COPY");

    // --no-cache builds every step again.
    s.outcomes.push_back(wrote(&[("app/out.txt", "4\n")]));
    assert_eq!(s.drive("docker build --no-cache .", None).0.stdout.matches("Using cache").count(), 0);
    // An unused --build-arg is reported, as the classic builder does.
    let unused = s.drive("docker build --build-arg NOPE=1 .", None).0.stdout;
    assert!(unused.contains("[Warning] One or more build-args [NOPE] were not consumed\n"), "{unused}");
}

#[test]
fn stages_build_in_order_and_copy_from_each_other() {
    let dockerfile = "FROM toolbox AS builder\n\
                      RUN echo built > /artifact\n\
                      FROM scratch AS final\n\
                      COPY --from=builder /artifact /artifact\n\
                      CMD [\"/artifact\"]\n\
                      FROM toolbox AS unused\n\
                      RUN exit 1\n";
    let mut s = Session::new();
    s.context = Some(context(dockerfile, &[]));
    s.outcomes.push_back(wrote(&[("artifact", "built\n")]));
    let reply = s.drive("docker build --target final -t small .", None).0;
    assert_eq!(reply.exit_code, 0, "{}{}", reply.stdout, reply.stderr);
    assert!(reply.stdout.contains("Step 3/5 : FROM scratch AS final\n ---> \n"), "{}", reply.stdout);
    assert!(!reply.stdout.contains("exit 1"), "the stage after the target is not built");
    let image = s.engine.images().resolve("small").unwrap();
    assert_eq!(image.config.rootfs.diff_ids.len(), 1, "only the copied file");
    let layer = s.engine.images().layers.get(&image.config.rootfs.diff_ids[0]).unwrap();
    assert!(layer.get("artifact").is_some());
    let missing = s.drive("docker build --target nosuch .", None).0;
    assert!(missing.stderr.contains("failed to reach build target nosuch in Dockerfile"), "{}", missing.stderr);
}

#[test]
fn failures_stop_the_build_with_dockers_words() {
    let mut s = Session::new();
    s.context = Some(context("FROM toolbox\nRUN exit 3\n", &[]));
    s.outcomes.push_back(ProcessOutcome { status: ExitStatus::Code(3), output: vec![], upper: None });
    let reply = s.drive("docker build .", None).0;
    assert_eq!(reply.exit_code, 3);
    assert!(
        reply.stderr.ends_with("The command '/bin/sh -c exit 3' returned a non-zero code: 3\n"),
        "{}",
        reply.stderr
    );
    assert!(
        s.done("docker ps -a --format '{{.Status}}'").stdout.starts_with("Exited (3)"),
        "the failed step's container stays"
    );

    s.context = Some(context("FROM toolbox\nCOPY nosuch /x\n", &[]));
    let reply = s.drive("docker build .", None).0;
    assert!(reply.stderr.contains(
        "COPY failed: file not found in build context or excluded by .dockerignore: stat nosuch: file does not exist"
    ), "{}", reply.stderr);
    s.context = Some(context("FROM toolbox\nRUNN true\n", &[]));
    let reply = s.drive("docker build .", None).0;
    assert!(reply.stderr.contains("unknown instruction: RUNN"), "{}", reply.stderr);
    assert_eq!(reply.exit_code, 1);
    s.context = None;
    assert_eq!(s.drive("docker build nosuch", None).0.stderr, "unable to prepare context: path \"nosuch\" not found\n");
    s.context = Some(Tree { entries: vec![(String::new(), Entry::dir(0o755))] });
    assert!(s.drive("docker build ctx", None).0.stderr.contains("lstat ctx/Dockerfile: no such file or directory"));
}

#[test]
fn dockerignore_keeps_files_out_of_the_context_and_builder_prune_forgets_the_cache() {
    let mut s = Session::new();
    let files = [("a.txt", "a\n"), ("secret.env", "KEY=1\n"), (".dockerignore", "*.env\n")];
    s.context = Some(context("FROM toolbox\nCOPY . /src/\n", &files));
    let reply = s.drive("docker build -t src .", None).0;
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let image = s.engine.images().resolve("src").unwrap();
    let layer = s.engine.images().layers.get(image.config.rootfs.diff_ids.last().unwrap()).unwrap();
    assert!(layer.get("src/a.txt").is_some() && layer.get("src/secret.env").is_none());
    assert_eq!(s.drive("docker build -t src .", None).0.stdout.matches("Using cache").count(), 1);
    let pruned = s.done("docker builder prune -f").stdout;
    assert!(pruned.ends_with("Total reclaimed space: 0B\n"), "the tagged image keeps its layers: {pruned}");
    assert_eq!(s.drive("docker build -t src .", None).0.stdout.matches("Using cache").count(), 0);
}

#[test]
fn here_documents_become_files_and_scripts() {
    let mut s = Session::new();
    let dockerfile = "FROM toolbox\nCOPY <<EOF /etc/motd\nwelcome\nEOF\nRUN <<EOF\necho from a heredoc\nEOF\n";
    s.context = Some(context(dockerfile, &[]));
    let reply = s.drive("docker build -t doc .", None).0;
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let history = history(&s, "doc");
    assert_eq!(history.last().unwrap(), "/bin/sh -c echo from a heredoc\n");
    let image = s.engine.images().resolve("doc").unwrap();
    let copied = s.engine.images().layers.get(&image.config.rootfs.diff_ids[1]).unwrap();
    match &copied.get("etc/motd").unwrap().kind {
        dockyard_engine::layer::EntryKind::File { data } => assert_eq!(&data.0[..], b"welcome\n"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn plain_progress_numbers_the_steps_that_make_layers_as_buildkit_does() {
    let mut s = Session::new();
    let dockerfile = "FROM toolbox\nENV A=1\nWORKDIR /app\nCOPY a.txt .\nRUN true\nCMD [\"sh\"]\n";
    s.context = Some(context(dockerfile, &[("a.txt", "a\n")]));
    let (reply, _) = s.drive("docker build --progress=plain -t plain .", Some(0));
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    assert_eq!(reply.stdout, "", "BuildKit's progress goes to stderr");
    let progress = &reply.stderr;
    assert!(progress.starts_with("#0 building with \"default\" instance using docker driver\n\n#1 [internal] load build definition from Dockerfile\n"), "{progress}");
    for line in [
        "#3 [1/4] FROM docker.io/library/toolbox:latest\n#3 DONE 0.0s\n",
        "#4 [2/4] WORKDIR /app\n#4 DONE 0.0s\n",
        "#5 [3/4] COPY a.txt .\n#5 DONE 0.0s\n",
        "#6 [4/4] RUN true\n#6 DONE ",
        "#7 exporting to image\n",
        "#7 naming to docker.io/library/plain:latest done\n",
    ] {
        assert!(progress.contains(line), "{line:?} missing from:\n{progress}");
    }
    assert!(!progress.contains("ENV"), "config-only steps are no vertices");
    let again = s.drive("docker build --progress=plain -t plain .", Some(0)).0.stderr;
    assert!(
        again.contains("#5 [3/4] COPY a.txt .\n#5 CACHED\n") && again.contains("#6 [4/4] RUN true\n#6 CACHED\n"),
        "{again}"
    );
}

/// A command line, its Dockerfile, the context's other files, and what stderr must say.
type ErrorCase = (&'static str, &'static str, &'static [(&'static str, &'static str)], &'static str);

/// Every way a build can fail, each with Docker's words (or, where Dockyard refuses what Docker
/// would do, its own reason) and a nonzero exit code.
#[test]
fn every_error_path_says_what_went_wrong() {
    let cases: &[ErrorCase] = &[
        (
            "docker build -t Bad:Tag .",
            "FROM toolbox\n",
            &[],
            "invalid argument \"Bad:Tag\" for \"-t, --tag\" flag: invalid reference format",
        ),
        ("docker build --progress=fancy .", "FROM toolbox\n", &[], "invalid progress mode: fancy"),
        ("docker build -", "FROM toolbox\n", &[], "Dockyard builds from a folder"),
        ("docker build https://example.com/repo.git", "FROM toolbox\n", &[], "Dockyard builds from a folder"),
        (
            "docker build -f other.Dockerfile .",
            "FROM toolbox\n",
            &[],
            "lstat ./other.Dockerfile: no such file or directory",
        ),
        ("docker build .", "FROM toolbox\n", &[(".dockerignore", "[\n")], "error checking context"),
        ("docker build .", "RUN true\nFROM toolbox\n", &[], "RUN instruction must come after FROM"),
        ("docker build .", "ARG ONLY\n", &[], "No build stage in current context"),
        ("docker build .", "FROM nosuchimage\n", &[], "pull access denied for nosuchimage"),
        (
            "docker build .",
            "FROM toolbox\nCOPY a.txt b.txt /dest\n",
            &[("a.txt", "a"), ("b.txt", "b")],
            "the destination must be a directory and end with a /",
        ),
        (
            "docker build .",
            "FROM toolbox\nCOPY --chown=nosuchuser a.txt /a\n",
            &[("a.txt", "a")],
            "can't find uid for uid name nosuchuser",
        ),
        (
            "docker build .",
            "FROM toolbox\nCOPY --chmod=9z9 a.txt /a\n",
            &[("a.txt", "a")],
            "invalid chmod parameter: 9z9",
        ),
        ("docker build .", "FROM toolbox\nADD https://example.com/x /x\n", &[], "builds in Dockyard have no network"),
        ("docker build .", "FROM toolbox\nCOPY --from=nosuchstage /x /x\n", &[], "pull access denied for nosuchstage"),
        ("docker build .", "FROM toolbox\nVOLUME [\"\"]\n", &[], "VOLUME specified can not be an empty string"),
        ("docker build .", "FROM toolbox\nEXPOSE 80/tcp http\n", &[], "invalid containerPort: http"),
        ("docker build .", "FROM toolbox\nENV A=${B\n", &[], "failed to process"),
        ("docker build .", "FROM scratch\n", &[], "No image was generated. Is your Dockerfile empty?"),
        (
            "docker build .",
            "FROM scratch\nRUN true\n",
            &[],
            "The command '/bin/sh -c true' returned a non-zero code: 127",
        ),
    ];
    for (line, dockerfile, files, expected) in cases {
        let mut s = Session::new();
        s.context = Some(context(dockerfile, files));
        let reply = s.drive(line, None).0;
        assert_ne!(reply.exit_code, 0, "{line} with {dockerfile:?} succeeded");
        assert!(reply.stderr.contains(expected), "{line} with {dockerfile:?}: {}", reply.stderr);
    }
}

#[test]
fn add_unpacks_a_local_archive_where_copy_copies_it() {
    let mut inner = Layer::default();
    inner.insert("site/index.html", Entry::file(&b"<h1>hi</h1>\n"[..], 0o644)).unwrap();
    let tar = inner.to_tar().unwrap();
    let mut s = Session::new();
    let mut tree = context("FROM toolbox\nADD site.tar /srv/\nCOPY site.tar /keep/\n", &[]);
    tree.entries.push(("site.tar".into(), Entry::file(tar, 0o644)));
    s.context = Some(tree);
    let reply = s.drive("docker build -t site .", None).0;
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    let image = s.engine.images().resolve("site").unwrap();
    let layer = |i: usize| s.engine.images().layers.get(&image.config.rootfs.diff_ids[i]).unwrap();
    assert!(layer(1).get("srv/site/index.html").is_some(), "ADD unpacked the archive");
    assert!(layer(1).get("srv/site.tar").is_none());
    assert!(layer(2).get("keep/site.tar").is_some(), "COPY kept the file as it is");
}

#[test]
fn removing_a_built_image_removes_its_intermediate_images_unless_told_not_to() {
    let mut s = Session::new();
    s.context = Some(context("FROM toolbox\nENV A=1\nENV B=2\n", &[]));
    assert_eq!(s.drive("docker build -t two .", None).0.exit_code, 0);
    assert_eq!(s.done("docker images -aq").stdout.lines().count(), 3);
    let removed = s.done("docker rmi two").stdout;
    assert_eq!(removed.matches("Deleted: sha256:").count(), 2, "the image and its one intermediate: {removed}");
    assert_eq!(s.done("docker images -aq").stdout.lines().count(), 1, "only toolbox is left");

    assert_eq!(s.drive("docker build -t two .", None).0.exit_code, 0);
    s.done("docker rmi --no-prune two");
    assert_eq!(s.done("docker images -aq").stdout.lines().count(), 2, "--no-prune keeps the parent");
}

#[test]
fn history_shows_each_steps_image_while_it_is_here() {
    let mut s = Session::new();
    s.context = Some(context("FROM toolbox\nENV A=1\nENV B=2\n", &[]));
    assert_eq!(s.drive("docker build -t two .", None).0.exit_code, 0);
    let ids: Vec<String> = s.done("docker history -q two").stdout.lines().map(str::to_string).collect();
    let toolbox = s.done("docker images -q toolbox").stdout.trim().to_string();
    assert_eq!(ids.len(), 4, "two steps over toolbox's two entries: {ids:?}");
    assert_ne!(ids[1], "<missing>", "the ENV A step's image is here");
    assert_eq!(ids[2], toolbox, "then the base image itself");
    assert_eq!(ids[3], "<missing>", "the base's own history has no images here");
}

/// A Dockerfile with a mistake of each kind a learner makes first.
const UNTIDY: &str = "FROM toolbox\n\
WORKDIR /app\n\
COPY . .\n\
RUN npm install\n\
ENV API_KEY=abc123\n\
CMD node server.js\n";

#[test]
fn check_prints_the_hints_as_buildkit_prints_its_checks_and_builds_nothing() {
    let mut s = Session::new();
    s.context = Some(context(UNTIDY, &[("server.js", "")]));
    let images = s.engine.images().images.len();
    let reply = s.drive("docker build --check -t app .", None).0;
    assert_eq!((reply.exit_code, reply.stderr.as_str()), (1, ""));
    assert_eq!(s.engine.images().images.len(), images, "nothing pulled, nothing built");
    let root = "A process running as root in the container has root's power over everything it can reach, \
        should it be compromised. Install what needs root first, then switch to an unprivileged user with USER.";
    let expected = [
        "Check complete, 5 warnings have been found!",
        "",
        "WARNING: LatestTag",
        "`toolbox` has no tag, so it means `toolbox:latest`",
        "`latest` is whatever was pushed last: the same Dockerfile can build on a different base next month, \
            and the build cache will not notice. A version tag (or a digest) makes the build repeatable.",
        "Dockerfile:1",
        "--------------------",
        "   1 | >>> FROM toolbox",
        "   2 |     WORKDIR /app",
        "   3 |     COPY . .",
        "--------------------",
        "",
        // The base image is known without pulling it: its user is root.
        "WARNING: RunsAsRoot",
        "the final stage sets no USER, and its base image runs as root",
        root,
        "Dockerfile:1",
        "--------------------",
        "   1 | >>> FROM toolbox",
        "   2 |     WORKDIR /app",
        "   3 |     COPY . .",
        "--------------------",
        "",
        "WARNING: CopyBeforeInstall",
        "`npm install` comes after the COPY of the whole context on line 3",
        "A step's cache is reused only while nothing it depends on changes. Copy the dependency files first \
            (package.json, requirements.txt, go.mod, ...), install, and copy the rest after, so that editing your \
            code does not reinstall everything.",
        "Dockerfile:4",
        "--------------------",
        "   2 |     WORKDIR /app",
        "   3 |     COPY . .",
        "   4 | >>> RUN npm install",
        "   5 |     ENV API_KEY=abc123",
        "   6 |     CMD node server.js",
        "--------------------",
        "",
        "WARNING: SecretsUsedInArgOrEnv - https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/",
        "ENV API_KEY looks like it holds a secret",
        "Build arguments and environment variables stay in the image: anyone who pulls it can read them with \
            `docker history` or `docker inspect`. Give secrets to the container when it runs, or to one RUN with a \
            secret mount.",
        "Dockerfile:5",
        "--------------------",
        "   3 |     COPY . .",
        "   4 |     RUN npm install",
        "   5 | >>> ENV API_KEY=abc123",
        "   6 |     CMD node server.js",
        // BuildKit splits the file at line ends, so the end of the file is an empty line.
        "   7 |     ",
        "--------------------",
        "",
        "WARNING: JSONArgsRecommended - https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
        "CMD in shell form runs under /bin/sh -c",
        "In shell form, `/bin/sh -c` becomes the container's main process and does not pass signals on, so \
            `docker stop` waits out its grace period and then kills your program. The exec form, \
            `[\"program\", \"arg\"]`, starts the program itself, which can then shut down cleanly.",
        "Dockerfile:6",
        "--------------------",
        "   4 |     RUN npm install",
        "   5 |     ENV API_KEY=abc123",
        "   6 | >>> CMD node server.js",
        "   7 |     ",
        "--------------------",
        "",
    ];
    assert_eq!(reply.stdout, expected.join("\n"));
}

#[test]
fn check_follows_the_check_directive() {
    let mut s = Session::new();
    let tidy = "# check=skip=LatestTag\nFROM toolbox\nUSER nobody\nCMD [\"sh\"]\n";
    s.context = Some(context(tidy, &[]));
    let reply = s.drive("docker build --check .", None).0;
    assert_eq!((reply.exit_code, reply.stdout.as_str()), (0, "Check complete, no warnings found.\n"));

    s.context = Some(context(&format!("# check=skip=all\n{UNTIDY}"), &[]));
    let reply = s.drive("docker build --check .", None).0;
    assert_eq!((reply.exit_code, reply.stdout.as_str()), (0, "Check complete, no warnings found.\n"));

    s.context = Some(context("# check=skip=JSONArgsRecommended\nFROM toolbox\nUSER nobody\nCMD sh\n", &[]));
    let reply = s.drive("docker build --check .", None).0;
    assert!(
        reply.stdout.starts_with("Check complete, 1 warning has been found!\n\nWARNING: LatestTag\n"),
        "{}",
        reply.stdout
    );
    assert!(reply.stdout.contains("Dockerfile:2\n"), "{}", reply.stdout);

    // BuildKit refuses a directive it cannot read.
    s.context = Some(context(&format!("# check=skip\n{UNTIDY}"), &[]));
    let reply = s.drive("docker build --check .", None).0;
    assert_eq!(
        (reply.exit_code, reply.stderr.as_str()),
        (1, "failed to parse check options: invalid check option \"skip\"\n")
    );
}

#[test]
fn a_build_ends_with_its_hints_as_buildkit_lists_its_warnings() {
    let mut s = Session::new();
    s.context = Some(context(UNTIDY, &[("server.js", "")]));
    let reply = s.drive("docker build -t app .", None).0;
    assert_eq!(reply.exit_code, 0, "{}", reply.stderr);
    // The classic builder's own output is untouched.
    assert!(reply.stdout.ends_with("Successfully tagged app:latest\n"), "{}", reply.stdout);
    let warnings = [
        "",
        " 5 warnings found (use docker build --check to expand):",
        " - LatestTag: `toolbox` has no tag, so it means `toolbox:latest` (line 1)",
        " - RunsAsRoot: the final stage sets no USER, and its base image runs as root (line 1)",
        " - CopyBeforeInstall: `npm install` comes after the COPY of the whole context on line 3 (line 4)",
        " - SecretsUsedInArgOrEnv: ENV API_KEY looks like it holds a secret (line 5)",
        " - JSONArgsRecommended: CMD in shell form runs under /bin/sh -c (line 6)",
        "",
    ];
    assert_eq!(reply.stderr, warnings.join("\n"));
    // Quiet builds print only the image id; a file without hints adds nothing.
    assert_eq!(s.drive("docker build -q .", None).0.stderr, "");
    s.context = Some(context("# check=skip=LatestTag\nFROM toolbox\nUSER nobody\n", &[]));
    assert_eq!(s.drive("docker build .", None).0.stderr, "");
}

#[test]
fn image_stacks_show_shared_slabs_and_what_each_layer_did() {
    use dockyard_engine::view::Effect;
    let mut s = Session::new();
    let dockerfile = "FROM toolbox\nCOPY a.txt /a.txt\nRUN rm /a.txt\n";
    s.context = Some(context(dockerfile, &[("a.txt", "0123456789")]));
    let mut removed = Layer::default();
    removed.insert("a.txt", Entry::whiteout()).unwrap();
    s.outcomes.push_back(ProcessOutcome { status: ExitStatus::Code(0), output: vec![], upper: Some(removed) });
    assert_eq!(s.drive("docker build -t thin .", None).0.exit_code, 0);
    let stacks = s.engine.image_stacks();
    assert_eq!(stacks.len(), 2, "toolbox and thin; the intermediate images are inside thin's stack");
    let thin = stacks.iter().find(|st| st.tags == ["thin:latest"]).unwrap();
    assert_eq!(thin.layers.len(), 3);
    assert_eq!(thin.layers[0].shared_by, 2, "the toolbox's layer is shared");
    assert_eq!(thin.layers[1].shared_by, 1);
    assert!(thin.layers[1].created_by.contains("COPY file:"), "{}", thin.layers[1].created_by);
    assert_eq!(thin.wasted, 10, "the copied file is deleted above it");
    assert!(thin.efficiency < 1.0);
    let changes = s.engine.layer_changes(thin.id, 2).unwrap();
    assert_eq!(changes, [("a.txt".to_string(), Effect::Deleted, 0)]);
    let changes = s.engine.layer_changes(thin.id, 1).unwrap();
    assert_eq!(changes, [("a.txt".to_string(), Effect::Added, 10)]);
}

#[test]
fn image_prune_keeps_a_builds_intermediate_images_so_the_cache_still_hits() {
    let mut s = Session::new();
    s.context = Some(context("FROM toolbox\nENV A=1\nENV B=2\n", &[]));
    assert_eq!(s.drive("docker build -t kept .", None).0.exit_code, 0);
    let pruned = s.drive("docker image prune -f", None).0;
    assert_eq!(pruned.stdout, "Total reclaimed space: 0B\n", "intermediate images are not dangling");
    assert_eq!(s.drive("docker build -t kept .", None).0.stdout.matches("Using cache").count(), 2);
}
