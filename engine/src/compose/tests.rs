//! Tests of the Compose loader on whole files: each feature of the subset, each error path with
//! Compose's wording, the names Compose makes, the start order and the `config` output.

use std::collections::BTreeMap;

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn options() -> Options {
    Options::new("shop").with_env("TAG", "1.25").with_env("HOME_DIR", "/home/me").with_env("SECRET", "s3")
}

fn project(source: &str) -> Project {
    match load(source, &options()) {
        Ok(loaded) => loaded.project,
        Err(e) => panic!("{source:?} failed: {e}"),
    }
}

fn service(source: &str) -> Service {
    project(source).services.remove("web").expect("a service web")
}

fn web(body: &str) -> Service {
    let indented: String = body.lines().map(|l| format!("    {l}\n")).collect();
    service(&format!("services:\n  web:\n{indented}"))
}

fn error(source: &str) -> ComposeError {
    match load(source, &options()) {
        Ok(loaded) => panic!("{source:?} loaded: {:?}", loaded.project),
        Err(e) => e,
    }
}

fn message(source: &str) -> String {
    error(source).to_string()
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

#[test]
fn a_minimal_project() {
    let loaded = load("services:\n  web:\n    image: nginx\n", &options()).unwrap();
    assert!(loaded.warnings.is_empty());
    let p = loaded.project;
    assert_eq!(p.name, "shop");
    assert_eq!(p.services["web"].image.as_deref(), Some("nginx"));
    assert_eq!(p.services["web"].networks.keys().collect::<Vec<_>>(), ["default"]);
    assert_eq!(p.networks["default"].name, "shop_default");
    assert!(p.volumes.is_empty());
}

#[test]
fn version_is_obsolete() {
    let loaded = load("version: '3.8'\nservices:\n  web:\n    image: nginx\n", &options()).unwrap();
    assert_eq!(
        loaded.warnings,
        ["the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion"]
    );
}

#[test]
fn build_short_and_long() {
    let b = web("build: ./app").build.unwrap();
    assert_eq!((b.context.as_str(), b.dockerfile.as_str()), ("./app", "Dockerfile"));
    let b = web("build:\n  context: .\n  dockerfile: web.Dockerfile\n  target: prod\n  args:\n    - VERSION=2\n    - SECRET\n    - UNSET")
        .build
        .unwrap();
    assert_eq!(b.dockerfile, "web.Dockerfile");
    assert_eq!(b.target.as_deref(), Some("prod"));
    assert_eq!(b.args["VERSION"].as_deref(), Some("2"));
    assert_eq!(b.args["SECRET"].as_deref(), Some("s3"));
    assert_eq!(b.args["UNSET"], None);
    // A build alone is enough; the image then names what it builds.
    assert!(web("build: .").image.is_none());
}

#[test]
fn commands_in_both_forms() {
    let s = web("image: a\ncommand: sh -c 'echo \"hi there\"'\nentrypoint: [\"/bin/run\", \"--fast\"]");
    assert_eq!(
        s.command,
        Some(Command::Shell {
            words: strings(&["sh", "-c", "echo \"hi there\""]),
            text: "sh -c 'echo \"hi there\"'".into()
        })
    );
    assert_eq!(s.entrypoint, Some(Command::Exec(strings(&["/bin/run", "--fast"]))));
    assert_eq!(s.entrypoint.unwrap().words(), ["/bin/run", "--fast"]);
    assert_eq!(web("image: a\ncommand: a\\ b \"c\\\"d\"").command.unwrap().words(), ["a b", "c\"d"]);
    assert_eq!(
        message("services:\n  web:\n    image: a\n    command: echo 'oops\n"),
        "services.web.command: invalid command line string"
    );
}

#[test]
fn environment_as_map_and_list() {
    let s = web("image: a\nenvironment:\n  DEBUG: true\n  PORT: 8080\n  EMPTY: ''\n  NOTHING:\n  SECRET:");
    assert_eq!(s.environment["DEBUG"].as_deref(), Some("true"));
    assert_eq!(s.environment["PORT"].as_deref(), Some("8080"));
    assert_eq!(s.environment["EMPTY"].as_deref(), Some(""));
    assert_eq!(s.environment["NOTHING"], None);
    assert_eq!(s.environment["SECRET"].as_deref(), Some("s3"));
    let s = web("image: a\nenvironment:\n  - A=1=2\n  - B=\n  - SECRET\n  - MISSING");
    assert_eq!(s.environment["A"].as_deref(), Some("1=2"));
    assert_eq!(s.environment["B"].as_deref(), Some(""));
    assert_eq!(s.environment["SECRET"].as_deref(), Some("s3"));
    assert_eq!(s.environment["MISSING"], None);
    assert_eq!(
        message("services:\n  web:\n    image: a\n    environment:\n      A: [1]\n"),
        "services.web.environment.A must be a string, number, boolean or null"
    );
}

#[test]
fn env_files_come_in_a_second_step() {
    let mut p = project(
        "services:\n  web:\n    image: a\n    env_file: .env\n    environment:\n      B: mine\n  \
         api:\n    image: b\n    env_file:\n      - .env\n      - path: ./extra.env\n        required: false\n",
    );
    let paths: Vec<&str> = p.env_files().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, [".env", "./extra.env"]);
    assert!(!p.env_files()[1].required);
    let mut contents = BTreeMap::new();
    contents.insert(
        ".env".to_string(),
        "# settings\nA=1\nexport B=from-file\nC=\"two words\\n\"\nD='${TAG}'\nE=${TAG} # comment\nSECRET\n".to_string(),
    );
    p.apply_env_files(&contents, &options().env).unwrap();
    let web = &p.services["web"].environment;
    assert_eq!(web["A"].as_deref(), Some("1"));
    assert_eq!(web["B"].as_deref(), Some("mine"), "environment wins over env_file");
    assert_eq!(web["C"].as_deref(), Some("two words\n"));
    assert_eq!(web["D"].as_deref(), Some("${TAG}"));
    assert_eq!(web["E"].as_deref(), Some("1.25"));
    assert_eq!(web["SECRET"].as_deref(), Some("s3"));
    assert_eq!(p.services["api"].environment["B"].as_deref(), Some("from-file"));

    let mut missing = project("services:\n  web:\n    image: a\n    env_file: .env\n");
    assert_eq!(
        missing.apply_env_files(&BTreeMap::new(), &BTreeMap::new()).unwrap_err().to_string(),
        "env file .env not found: no such file or directory"
    );
    let mut bad = BTreeMap::new();
    bad.insert(".env".to_string(), "OK=1\nNOT OK=2\n".to_string());
    assert_eq!(
        missing.apply_env_files(&bad, &BTreeMap::new()).unwrap_err().to_string(),
        "failed to read .env: line 2: unexpected character \" \" in variable name \"NOT OK=2\""
    );
}

#[test]
fn ports_short_syntax() {
    let ports = web(
        "image: a\nports:\n  - 80\n  - \"8080:80\"\n  - 127.0.0.1:8443:443/tcp\n  - 53:53/udp\n  - \"[::1]:9000:9000\"",
    )
    .ports;
    assert_eq!(ports.len(), 5);
    assert_eq!((ports[0].target, ports[0].published.as_deref()), (80, None));
    assert_eq!((ports[1].target, ports[1].published.as_deref()), (80, Some("8080")));
    assert_eq!(ports[2].host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(ports[3].protocol, "udp");
    assert_eq!(ports[4].host_ip.as_deref(), Some("::1"));
    assert!(ports.iter().all(|p| p.mode == "ingress"));
}

#[test]
fn port_ranges_expand_as_docker_does() {
    let ports = web("image: a\nports:\n  - 3000-3002\n  - 9090-9091:8080-8081\n  - 8000-8010:80").ports;
    let pairs: Vec<(u16, Option<&str>)> = ports.iter().map(|p| (p.target, p.published.as_deref())).collect();
    assert_eq!(
        pairs,
        [(3000, None), (3001, None), (3002, None), (8080, Some("9090")), (8081, Some("9091")), (80, Some("8000-8010"))]
    );
}

#[test]
fn ports_long_syntax() {
    let ports = web("image: a\nports:\n  - target: 80\n    published: 8080\n    host_ip: 0.0.0.0\n    protocol: tcp\n    mode: host\n    name: http\n    app_protocol: http").ports;
    assert_eq!(
        ports,
        [Port {
            target: 80,
            published: Some("8080".into()),
            host_ip: Some("0.0.0.0".into()),
            protocol: "tcp".into(),
            mode: "host".into(),
            name: Some("http".into()),
            app_protocol: Some("http".into()),
        }]
    );
}

#[test]
fn port_errors() {
    let ports = |spec: &str| message(&format!("services:\n  web:\n    image: a\n    ports:\n      - \"{spec}\"\n"));
    assert_eq!(ports("8080:http"), "Invalid containerPort: http");
    assert_eq!(ports("x:80"), "Invalid hostPort: x");
    assert_eq!(ports("80/icmp"), "Invalid proto: icmp");
    assert_eq!(ports("1-3:1-2"), "Invalid ranges specified for container and host Ports: 1-2 and 1-3");
    assert_eq!(ports("999.1.1.1:80:80"), "Invalid ip address: 999.1.1.1");
    assert_eq!(ports("70000"), "Invalid containerPort: 70000");
    assert_eq!(
        message("services:\n  web:\n    image: a\n    ports:\n      - published: 80\n"),
        "services.web.ports.0 missing property 'target'"
    );
    assert_eq!(
        message("services:\n  web:\n    image: a\n    ports:\n      - target: 80\n        mode: bridge\n"),
        "services.web.ports.0.mode must be one of the following: \"ingress\", \"host\""
    );
    assert_eq!(message("services:\n  web:\n    image: a\n    ports: 80\n"), "services.web.ports must be a array");
}

#[test]
fn volumes_short_syntax() {
    let p = project(
        "services:\n  web:\n    image: a\n    volumes:\n      - data:/var/lib/data\n      - ./site:/usr/share/nginx/html:ro\n      \
         - /cache\n      - ~/conf:/etc/conf\nvolumes:\n  data:\n",
    );
    let v = &p.services["web"].volumes;
    assert_eq!(
        (v[0].kind, v[0].source.as_deref(), v[0].target.as_str()),
        (MountType::Volume, Some("data"), "/var/lib/data")
    );
    assert_eq!((v[1].kind, v[1].read_only, v[1].create_host_path), (MountType::Bind, true, true));
    assert_eq!((v[2].kind, v[2].source.as_deref()), (MountType::Volume, None));
    assert_eq!(v[3].kind, MountType::Bind);
    assert_eq!(p.volumes["data"].name, "shop_data");
}

#[test]
fn volumes_long_syntax() {
    let p = project(
        "services:\n  web:\n    image: a\n    volumes:\n      - type: volume\n        source: data\n        target: /data\n        \
         volume:\n          nocopy: true\n      - type: bind\n        source: ./src\n        target: /src\n        read_only: true\n        \
         bind:\n          create_host_path: false\n      - type: tmpfs\n        target: /tmp\n        tmpfs:\n          size: 1000\nvolumes:\n  data: {}\n",
    );
    let v = &p.services["web"].volumes;
    assert!(v[0].nocopy);
    assert_eq!((v[1].kind, v[1].read_only, v[1].create_host_path), (MountType::Bind, true, false));
    assert_eq!((v[2].kind, v[2].target.as_str()), (MountType::Tmpfs, "/tmp"));
}

#[test]
fn volume_errors() {
    let volume = |spec: &str| message(&format!("services:\n  web:\n    image: a\n    volumes:\n      - \"{spec}\"\n"));
    assert_eq!(volume(""), "invalid empty volume spec");
    assert_eq!(volume("a:b:c:d"), "invalid spec: a:b:c:d: too many colons");
    assert_eq!(volume("data:/x"), "service \"web\" refers to undefined volume data: invalid compose project");
    assert_eq!(volume("./a:/x:rx"), "invalid spec: ./a:/x:rx: unknown option \"rx\"");
    assert_eq!(
        message("services:\n  web:\n    image: a\n    volumes:\n      - type: disk\n        target: /x\n"),
        "services.web.volumes.0.type: mount type \"disk\" is not supported"
    );
    assert_eq!(
        message("services:\n  web:\n    image: a\n    volumes:\n      - type: bind\n        target: /x\n"),
        "services.web.volumes.0: invalid mount config for type \"bind\": field Source must not be empty"
    );
}

#[test]
fn networks_as_list_and_map() {
    let p = project(
        "services:\n  web:\n    image: a\n    networks: [front, back]\n  db:\n    image: b\n    networks:\n      back:\n        \
         aliases: [database, pg]\n        ipv4_address: 172.16.238.10\n  lone:\n    image: c\nnetworks:\n  front:\n  back:\n    \
         driver: bridge\n    internal: true\n    labels:\n      tier: data\n  outside:\n    external: true\n  named:\n    name: shared-net\n",
    );
    assert_eq!(p.services["web"].networks.keys().collect::<Vec<_>>(), ["back", "front"]);
    assert_eq!(p.services["db"].networks["back"].aliases, ["database", "pg"]);
    assert_eq!(p.services["db"].networks["back"].ipv4_address.as_deref(), Some("172.16.238.10"));
    assert_eq!(p.services["lone"].networks.keys().collect::<Vec<_>>(), ["default"]);
    assert_eq!(p.networks["front"].name, "shop_front");
    assert!(p.networks["back"].internal);
    assert_eq!(p.networks["back"].labels["tier"], "data");
    assert_eq!(p.networks["outside"].name, "outside");
    assert!(p.networks["outside"].external);
    assert_eq!(p.networks["named"].name, "shared-net");
    assert_eq!(p.networks["default"].name, "shop_default");
    // No service on the default network, no default network.
    let p = project("services:\n  web:\n    image: a\n    networks: [front]\nnetworks:\n  front: {}\n");
    assert!(!p.networks.contains_key("default"));
    assert_eq!(
        message("services:\n  web:\n    image: a\n    networks: [front]\n"),
        "service \"web\" refers to undefined network front: invalid compose project"
    );
}

#[test]
fn depends_on_in_both_forms() {
    let p = project(
        "services:\n  web:\n    image: a\n    depends_on:\n      db:\n        condition: service_healthy\n        restart: true\n      \
         init:\n        condition: service_completed_successfully\n      cache:\n        condition: service_started\n        \
         required: false\n  api:\n    image: b\n    depends_on: [db]\n  db:\n    image: c\n  init:\n    image: d\n",
    );
    let web = &p.services["web"].depends_on;
    assert_eq!(web["db"], Dependency { condition: Condition::Healthy, restart: true, required: true });
    assert_eq!(web["init"].condition, Condition::CompletedSuccessfully);
    assert!(!web["cache"].required);
    assert_eq!(
        p.services["api"].depends_on["db"],
        Dependency { condition: Condition::Started, restart: false, required: true }
    );
}

#[test]
fn depends_on_errors() {
    assert_eq!(
        message("services:\n  web:\n    image: a\n    depends_on: [db]\n"),
        "service \"web\" depends on undefined service \"db\": invalid compose project"
    );
    assert_eq!(
        message("services:\n  web:\n    image: a\n    depends_on:\n      db:\n        condition: healthy\n  db:\n    image: b\n"),
        "services.web.depends_on.db.condition must be one of the following: \"service_started\", \"service_healthy\", \"service_completed_successfully\""
    );
    assert_eq!(
        message(
            "services:\n  web:\n    image: a\n    depends_on:\n      db:\n        restart: true\n  db:\n    image: b\n"
        ),
        "services.web.depends_on.db missing property 'condition'"
    );
}

#[test]
fn restart_policies() {
    assert_eq!(web("image: a\nrestart: no").restart, Some(Restart::No));
    assert_eq!(web("image: a\nrestart: \"no\"").restart, Some(Restart::No));
    assert_eq!(web("image: a\nrestart: always").restart, Some(Restart::Always));
    assert_eq!(web("image: a\nrestart: on-failure").restart, Some(Restart::OnFailure(None)));
    assert_eq!(web("image: a\nrestart: on-failure:3").restart, Some(Restart::OnFailure(Some(3))));
    assert_eq!(web("image: a\nrestart: unless-stopped").restart, Some(Restart::UnlessStopped));
    assert_eq!(Restart::OnFailure(Some(3)).to_string(), "on-failure:3");
    let restart = |policy: &str| message(&format!("services:\n  web:\n    image: a\n    restart: {policy}\n"));
    assert_eq!(restart("sometimes"), "services.web.restart: invalid restart policy 'sometimes'");
    assert_eq!(
        restart("on-failure:x"),
        "services.web.restart: invalid restart policy format: maximum retry count must be an integer: x"
    );
}

#[test]
fn healthchecks() {
    let h = web("image: a\nhealthcheck:\n  test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\n  interval: 1m30s\n  timeout: 10s\n  retries: 3\n  start_period: 40s\n  start_interval: 5s")
        .healthcheck
        .unwrap();
    assert_eq!(h.test, Some(HealthTest::Cmd(strings(&["curl", "-f", "http://localhost"]))));
    assert_eq!(h.interval, Some(90_000_000_000));
    assert_eq!(h.timeout, Some(10_000_000_000));
    assert_eq!(h.start_period, Some(40_000_000_000));
    assert_eq!(h.start_interval, Some(5_000_000_000));
    assert_eq!(h.retries, Some(3));
    let h = web("image: a\nhealthcheck:\n  test: redis-cli ping || exit 1").healthcheck.unwrap();
    assert_eq!(h.test, Some(HealthTest::Shell("redis-cli ping || exit 1".into())));
    let h = web("image: a\nhealthcheck:\n  test: [\"CMD-SHELL\", \"pg_isready\"]").healthcheck.unwrap();
    assert_eq!(h.test, Some(HealthTest::Shell("pg_isready".into())));
    assert_eq!(web("image: a\nhealthcheck:\n  test: [\"NONE\"]").healthcheck.unwrap().test, Some(HealthTest::None));
    assert!(web("image: a\nhealthcheck:\n  disable: true").healthcheck.unwrap().disable);
    let check = |body: &str| message(&format!("services:\n  web:\n    image: a\n    healthcheck:\n{body}"));
    assert_eq!(
        check("      interval: 30\n"),
        "services.web.healthcheck.interval: time: missing unit in duration \"30\""
    );
    assert_eq!(check("      timeout: soon\n"), "services.web.healthcheck.timeout: time: invalid duration \"soon\"");
    assert_eq!(check("      retries: many\n"), "services.web.healthcheck.retries must be a integer");
    assert_eq!(
        check("      test: [\"RUN\", \"x\"]\n"),
        "services.web.healthcheck.test: the first element must be \"CMD\", \"CMD-SHELL\" or \"NONE\", not \"RUN\""
    );
    assert_eq!(
        check("      test: x\n      disable: true\n"),
        "services.web.healthcheck: test and disable can't be set at the same time"
    );
}

#[test]
fn plain_fields() {
    let s = web("image: a\ncontainer_name: my-web\nhostname: web1\nworking_dir: /app\nuser: 1000:1000\nlabels:\n  \
         com.example.tier: front\nexpose: [3000, \"8000\"]\nprofiles: [debug]\nx-note: ignored");
    assert_eq!(s.container_name.as_deref(), Some("my-web"));
    assert_eq!(s.hostname.as_deref(), Some("web1"));
    assert_eq!(s.working_dir.as_deref(), Some("/app"));
    assert_eq!(s.user.as_deref(), Some("1000:1000"));
    assert_eq!(s.labels["com.example.tier"], "front");
    assert_eq!(s.expose, ["3000", "8000"]);
    assert_eq!(s.profiles, ["debug"]);
    assert_eq!(web("image: a\nlabels: [\"a=1\", \"b\"]").labels["b"], "");
}

#[test]
fn unknown_keys_are_refused() {
    assert_eq!(
        message("services:\n  web:\n    imagee: nginx\n"),
        "services.web additional properties 'imagee' not allowed"
    );
    assert_eq!(message("servics:\n  web:\n    image: nginx\n"), "(root) additional properties 'servics' not allowed");
    assert_eq!(
        message("services:\n  web:\n    image: a\n    build:\n      context: .\n      dockerfil: x\n"),
        "services.web.build additional properties 'dockerfil' not allowed"
    );
    assert_eq!(
        message("services:\n  web:\n    image: a\nvolumes:\n  data:\n    drive: local\n"),
        "volumes.data additional properties 'drive' not allowed"
    );
    let e = error("services:\n  web:\n    image: nginx\n    prots: [80]\n");
    assert_eq!(e.position(), Some(Position { line: 4, column: 5 }));
    // Keys Compose has and Dockyard leaves aside are accepted with a warning; extensions silently.
    let loaded = load("x-common: &c {}\nservices:\n  web:\n    image: a\n    tty: true\n", &options()).unwrap();
    assert_eq!(loaded.warnings, ["services.web.tty: Dockyard does not support this yet and ignores it"]);
}

#[test]
fn type_errors() {
    assert_eq!(message("- a\n- b\n"), "Top-level object must be a mapping");
    assert_eq!(message("services: [web]\n"), "services must be a mapping");
    assert_eq!(message("services:\n  web: nginx\n"), "services.web must be a mapping");
    assert_eq!(message("services:\n  web:\n    image: [a]\n"), "services.web.image must be a string");
    assert_eq!(
        message("services:\n  web:\n    image: a\n    command: {a: b}\n"),
        "services.web.command must be a string or array"
    );
    assert_eq!(
        message("services:\n  web:\n    image: a\n    depends_on:\n      db:\n        condition: service_started\n        required: maybe\n  db:\n    image: a\n"),
        "services.web.depends_on.db.required must be a boolean"
    );
    assert_eq!(
        message("services:\n  web:\n    image: a\n    environment: A=1\n"),
        "services.web.environment must be a mapping"
    );
}

#[test]
fn a_service_needs_an_image_or_a_build() {
    let e = error("services:\n  web:\n    ports: [\"80\"]\n");
    assert_eq!(
        e.to_string(),
        "service \"web\" has neither an image nor a build context specified: invalid compose project"
    );
    assert_eq!(e.position(), Some(Position { line: 2, column: 3 }));
    assert_eq!(
        message("services:\n  web:\n"),
        "service \"web\" has neither an image nor a build context specified: invalid compose project"
    );
}

#[test]
fn yaml_errors_carry_lines_and_columns() {
    let e = error("services:\n  web:\n    image: nginx\n    ports: - 80\n");
    assert_eq!(e.to_string(), "yaml: line 4: block sequence entries are not allowed in this context");
    assert_eq!(e.position(), Some(Position { line: 4, column: 12 }));
    let e = error("services:\n  web:\n    image: nginx\n   build: .\n");
    assert_eq!(e.to_string(), "yaml: line 4: did not find expected key");
    assert_eq!(e.position(), Some(Position { line: 4, column: 4 }));
    assert_eq!(message("a: b: c\n"), "yaml: line 1: mapping values are not allowed in this context");
    assert_eq!(
        message("services:\n  web:\n    image: @x\n"),
        "yaml: line 3: found character that cannot start any token"
    );
    assert_eq!(
        message("services:\n  web:\n\timage: x\n"),
        "yaml: line 3: found a tab character that violates indentation"
    );
    assert_eq!(message("services:\n  web:\n    image: [a\n"), "yaml: line 4: did not find expected ',' or ']'");
    assert_eq!(message("services:\n  web:\n    image: \"nginx\n"), "yaml: line 3: found unexpected end of stream");
    assert_eq!(
        message("services:\n  web:\n    image: a\n    image: b\n"),
        "yaml: line 4: mapping key \"image\" already defined at line 3"
    );
    assert_eq!(message("services:\n  web:\n    image: *nope\n").split(": ").last(), Some("found unknown anchor"));
    assert_eq!(message(""), "empty compose file");
    assert_eq!(message("# only a comment\n"), "empty compose file");
    assert_eq!(message("---\n"), "empty compose file");
}

#[test]
fn anchors_aliases_and_merges() {
    let p = project(
        "x-base: &base\n  image: busybox\n  restart: always\n  environment:\n    A: 1\nservices:\n  one:\n    <<: *base\n  \
         two:\n    <<: *base\n    restart: \"no\"\n    labels: &labels\n      team: x\n  three:\n    image: c\n    labels: *labels\n",
    );
    assert_eq!(p.services["one"].image.as_deref(), Some("busybox"));
    assert_eq!(p.services["one"].restart, Some(Restart::Always));
    assert_eq!(p.services["two"].restart, Some(Restart::No));
    assert_eq!(p.services["two"].environment["A"].as_deref(), Some("1"));
    assert_eq!(p.services["three"].labels["team"], "x");
}

#[test]
fn billion_laughs_are_refused() {
    let mut source = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
        source.push_str(&format!(
            "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    assert!(message(&source).ends_with("document contains excessive aliasing"));
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert!(message(&deep).starts_with("yaml: line 1: "));
    let deep_block: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert!(message(&deep_block).starts_with("yaml: line "));
}

#[test]
fn interpolation() {
    let p = project(
        "services:\n  web:\n    image: nginx:${TAG}\n    container_name: ${NAME:-web-main}\n    working_dir: $HOME_DIR/app\n    \
         command: echo $$HOME\n    environment:\n      UNSET: ${UNSET-}\n",
    );
    let web = &p.services["web"];
    assert_eq!(web.image.as_deref(), Some("nginx:1.25"));
    assert_eq!(web.container_name.as_deref(), Some("web-main"));
    assert_eq!(web.working_dir.as_deref(), Some("/home/me/app"));
    assert_eq!(web.command.as_ref().unwrap().words(), ["echo", "$HOME"]);
    assert_eq!(web.environment["UNSET"].as_deref(), Some(""));
    // A variable that interpolates into a port or a boolean reads as one.
    let s = service("services:\n  web:\n    image: a\n    ports: [\"${PORT:-8080}:80\"]\n    healthcheck:\n      disable: ${OFF:-true}\n");
    assert_eq!(s.ports[0].published.as_deref(), Some("8080"));
    assert!(s.healthcheck.unwrap().disable);
}

#[test]
fn interpolation_warnings_and_errors() {
    let loaded = load("services:\n  web:\n    image: nginx:${VERSION}\n    hostname: $VERSION\n", &options()).unwrap();
    assert_eq!(loaded.warnings, ["The \"VERSION\" variable is not set. Defaulting to a blank string."]);
    assert_eq!(loaded.project.services["web"].image.as_deref(), Some("nginx:"));
    assert_eq!(
        message("services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}\n"),
        "error while interpolating services.db.environment.POSTGRES_PASSWORD: required variable DB_PASSWORD is missing a value: set DB_PASSWORD in .env"
    );
    assert_eq!(
        message("services:\n  db:\n    image: ${IMAGE?}\n"),
        "error while interpolating services.db.image: required variable IMAGE is missing a value"
    );
    let e = error("services:\n  web:\n    image: a\n    command: [\"echo\", \"costs $5\"]\n");
    assert_eq!(
        e.to_string(),
        "invalid interpolation format for services.web.command.[].\nYou may need to escape any $ with another $.\ncosts $5"
    );
    assert_eq!(e.position(), Some(Position { line: 4, column: 23 }));
}

#[test]
fn project_names() {
    assert_eq!(project("services: {}\n").name, "shop");
    assert_eq!(project("name: my_shop-2\nservices: {}\n").name, "my_shop-2");
    let p = load("services: {}\n", &Options::new("My Shop!")).unwrap().project;
    assert_eq!(p.name, "myshop");
    let p = load("name: fromfile\n", &Options::new("dir").with_env("COMPOSE_PROJECT_NAME", "fromenv")).unwrap().project;
    assert_eq!(p.name, "fromenv");
    let mut flag = Options::new("dir");
    flag.project_name = Some("flag".into());
    assert_eq!(load("name: fromfile\n", &flag).unwrap().project.name, "flag");
    assert_eq!(
        message("name: My Shop\nservices: {}\n"),
        "invalid project name \"My Shop\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
    );
    assert_eq!(load("services: {}\n", &Options::new("__")).unwrap_err().to_string(), "project name must not be empty");
}

#[test]
fn names_compose_makes() {
    let p = project(
        "services:\n  web:\n    image: nginx\n    labels:\n      mine: yes\n    depends_on: [kv]\n  kv:\n    image: redis\n    \
         container_name: the-kv\n    volumes: [data:/data, cache:/cache]\nvolumes:\n  data:\n  cache:\n    external: true\n  \
         named:\n    name: custom\n",
    );
    assert_eq!(p.container_name("web", 1), "shop-web-1");
    assert_eq!(p.container_name("web", 3), "shop-web-3");
    assert_eq!(p.container_name("kv", 1), "the-kv");
    assert_eq!(p.volumes["data"].name, "shop_data");
    assert_eq!(p.volumes["cache"].name, "cache");
    assert_eq!(p.volumes["named"].name, "custom");
    let labels = p.container_labels("web", 1, false);
    assert_eq!(labels["com.docker.compose.project"], "shop");
    assert_eq!(labels["com.docker.compose.service"], "web");
    assert_eq!(labels["com.docker.compose.container-number"], "1");
    assert_eq!(labels["com.docker.compose.oneoff"], "False");
    assert_eq!(labels["com.docker.compose.depends_on"], "kv:service_started:false");
    assert_eq!(labels["com.docker.compose.image"], "nginx");
    assert_eq!(labels["mine"], "yes");
    assert_eq!(p.container_labels("kv", 2, true)["com.docker.compose.oneoff"], "True");
    let net = p.network_labels("default");
    assert_eq!(
        (net["com.docker.compose.network"].as_str(), net["com.docker.compose.project"].as_str()),
        ("default", "shop")
    );
    assert_eq!(p.volume_labels("data")["com.docker.compose.volume"], "data");
}

#[test]
fn start_order_follows_depends_on() {
    let p = project(
        "services:\n  web:\n    image: a\n    depends_on: [api, cache]\n  api:\n    image: a\n    depends_on: [db]\n  \
         db:\n    image: a\n  cache:\n    image: a\n  admin:\n    image: a\n    depends_on:\n      opt:\n        \
         condition: service_started\n        required: false\n",
    );
    assert_eq!(p.start_order().unwrap(), ["admin", "cache", "db", "api", "web"]);
    let cycle = project(
        "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n  d:\n    image: x\n",
    );
    assert_eq!(cycle.start_order().unwrap_err().to_string(), "dependency cycle detected: a -> b -> c -> a");
    let own = project("services:\n  a:\n    image: x\n    depends_on: [a]\n");
    assert_eq!(own.start_order().unwrap_err().to_string(), "dependency cycle detected: a -> a");
}

#[test]
fn config_prints_the_normalized_project() {
    let p = project(
        "version: '3'\nservices:\n  web:\n    image: nginx:${TAG}\n    ports: [\"8080:80\"]\n    environment:\n      - DEBUG=1\n    \
         volumes: [\"data:/data:ro\", \"./site:/site\"]\n    depends_on:\n      db:\n        condition: service_healthy\n    \
         restart: on-failure:3\n    command: nginx -g 'daemon off;'\n  db:\n    build: ./db\n    healthcheck:\n      \
         test: pg_isready\n      interval: 90s\n      retries: 5\nvolumes:\n  data:\n",
    );
    let expected = "\
name: shop
services:
  db:
    build:
      context: ./db
      dockerfile: Dockerfile
    healthcheck:
      test:
        - CMD-SHELL
        - pg_isready
      interval: 1m30s
      retries: 5
    networks:
      default: null
  web:
    command:
      - nginx
      - -g
      - daemon off;
    depends_on:
      db:
        condition: service_healthy
        restart: false
        required: true
    environment:
      DEBUG: \"1\"
    image: nginx:1.25
    networks:
      default: null
    ports:
      - mode: ingress
        target: 80
        published: \"8080\"
        protocol: tcp
    restart: on-failure:3
    volumes:
      - type: volume
        source: data
        target: /data
        read_only: true
        volume: {}
      - type: bind
        source: ./site
        target: /site
        bind:
          create_host_path: true
networks:
  default:
    name: shop_default
volumes:
  data:
    name: shop_data
";
    assert_eq!(config(&p), expected);
    // What config prints loads back to a project that prints the same.
    assert_eq!(config(&project(&config(&p))), expected);
}

#[test]
fn config_keeps_composes_field_order() {
    let p = project(
        "services:\n  web:\n    image: a\n    profiles: [dev]\n    ports: [\"127.0.0.1:8080:80\"]\n    hostname: h\n    \
         healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 5s\n      timeout: 1s\n    env_file: a.env\n    \
         environment: [A=1]\nnetworks:\n  default:\n    labels: [x=y]\n    driver: bridge\n",
    );
    let expected = "\
name: shop
services:
  web:
    profiles:
      - dev
    environment:
      A: \"1\"
    env_file:
      - path: a.env
        required: true
    hostname: h
    healthcheck:
      test:
        - CMD
        - \"true\"
      timeout: 1s
      interval: 5s
    image: a
    networks:
      default: null
    ports:
      - mode: ingress
        host_ip: 127.0.0.1
        target: 80
        published: \"8080\"
        protocol: tcp
networks:
  default:
    name: shop_default
    driver: bridge
    labels:
      x: \"y\"
";
    assert_eq!(config(&p), expected);
}

#[test]
fn paths_are_made_absolute_against_the_working_dir() {
    let mut opts = options().with_env("HOME", "/home/me");
    opts.working_dir = Some("/srv/shop".into());
    let source = "services:\n  web:\n    build: ../common/web\n    env_file: [.env, /etc/app.env]\n    volumes:\n      \
                  - ./site:/site\n      - ~/cache:/cache\n      - /abs/./x/../y:/y\n  git:\n    build: https://github.com/docker/app.git\n";
    let p = load(source, &opts).unwrap().project;
    let web = &p.services["web"];
    assert_eq!(web.build.as_ref().unwrap().context, "/srv/common/web");
    assert_eq!(web.env_file.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["/srv/shop/.env", "/etc/app.env"]);
    let sources: Vec<&str> = web.volumes.iter().filter_map(|m| m.source.as_deref()).collect();
    assert_eq!(sources, ["/srv/shop/site", "/home/me/cache", "/abs/y"]);
    assert_eq!(p.services["git"].build.as_ref().unwrap().context, "https://github.com/docker/app.git");
    // Without a working directory, paths stay as written.
    assert_eq!(service(source).build.unwrap().context, "../common/web");
}

#[test]
fn names_of_services_networks_and_volumes_follow_the_pattern() {
    assert_eq!(message("services:\n  my web:\n    image: a\n"), "services additional properties 'my web' not allowed");
    assert_eq!(
        message("services: {}\nvolumes:\n  \"data/x\": {}\n"),
        "volumes additional properties 'data/x' not allowed"
    );
    assert!(load("services:\n  Web.v2_a-b:\n    image: a\n", &options()).is_ok());
}

#[test]
fn container_names_are_unique() {
    assert_eq!(
        message(
            "services:\n  a:\n    image: x\n    container_name: app\n  b:\n    image: x\n    container_name: app\n"
        ),
        "services.b: container name \"app\" is already in use by services.a: invalid compose project"
    );
}

#[test]
fn profiles_choose_services() {
    let p = project(
        "services:\n  web:\n    image: a\n  debug:\n    image: a\n    profiles: [dev]\n  seed:\n    image: a\n    profiles: [dev, ops]\n",
    );
    assert_eq!(p.active_services(&[]), ["web"]);
    assert_eq!(p.active_services(&["ops".to_string()]), ["seed", "web"]);
    assert_eq!(p.active_services(&["*".to_string()]), ["debug", "seed", "web"]);
}
