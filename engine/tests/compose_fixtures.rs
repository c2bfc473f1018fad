//! The Compose fixtures load as `docker compose` loads them: the three-service app that
//! `docker compose up` is built against, its names, its start order, and its `config` output.

use std::collections::BTreeMap;

use dockyard_engine::compose::{config, load, Condition, HealthTest, MountType, Options, Restart};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const VISITS: &str = include_str!("fixtures/compose/visits/compose.yaml");
const VISITS_ENV: &str = include_str!("fixtures/compose/visits/worker.env");
const VISITS_CONFIG: &str = include_str!("fixtures/compose/visits/config.yaml");

#[test]
fn the_visits_app_loads() {
    let loaded = load(VISITS, &Options::new("visits-dir")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let mut project = loaded.project;
    assert_eq!(project.name, "visits");
    assert_eq!(project.services.keys().collect::<Vec<_>>(), ["kv", "web", "worker"]);

    let web = &project.services["web"];
    assert_eq!(web.image.as_deref(), Some("web:1"));
    assert_eq!((web.ports[0].target, web.ports[0].published.as_deref()), (80, Some("8080")));
    assert_eq!(web.networks.keys().collect::<Vec<_>>(), ["backend", "default"]);
    assert_eq!(web.depends_on["kv"].condition, Condition::Healthy);
    assert_eq!(web.restart, Some(Restart::UnlessStopped));

    let kv = &project.services["kv"];
    assert_eq!((kv.volumes[0].kind, kv.volumes[0].source.as_deref()), (MountType::Volume, Some("kvdata")));
    assert_eq!(kv.networks["backend"].aliases, ["store"]);
    let check = kv.healthcheck.as_ref().unwrap();
    assert_eq!(check.test, Some(HealthTest::Shell("curl -fs http://localhost:8000/ || exit 1".into())));
    assert_eq!((check.interval, check.timeout, check.retries), (Some(5_000_000_000), Some(2_000_000_000), Some(3)));

    let worker = &project.services["worker"];
    assert_eq!(
        worker.command.as_ref().unwrap().words()[2],
        "while true; do curl -s -X PUT -d \"$(date)\" $KV_URL/last-run; sleep $INTERVAL; done"
    );
    assert_eq!(worker.environment["INTERVAL"].as_deref(), Some("10"));
    assert!(worker.depends_on["kv"].restart);

    assert_eq!(project.start_order().unwrap(), ["kv", "web", "worker"]);
    assert_eq!(project.container_name("kv", 1), "visits-kv-1");
    assert_eq!(project.networks["default"].name, "visits_default");
    assert_eq!(project.networks["backend"].name, "visits_backend");
    assert_eq!(project.volumes["kvdata"].name, "visits_kvdata");
    assert_eq!(
        project.container_labels("worker", 1, false)["com.docker.compose.depends_on"],
        "kv:service_healthy:true"
    );

    // The worker's env file is optional: without it the worker has only its own variables.
    let files: Vec<&str> = project.env_files().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(files, ["worker.env"]);
    let mut without = project.clone();
    without.apply_env_files(&BTreeMap::new(), &BTreeMap::new()).unwrap();
    assert!(!without.services["worker"].environment.contains_key("LOG_LEVEL"));
    let contents = BTreeMap::from([("worker.env".to_string(), VISITS_ENV.to_string())]);
    project.apply_env_files(&contents, &BTreeMap::new()).unwrap();
    assert_eq!(project.services["worker"].environment["LOG_LEVEL"].as_deref(), Some("info"));
}

#[test]
fn the_visits_app_interpolates_from_the_environment() {
    let options = Options::new("x").with_env("WORKER_INTERVAL", "2").with_env("COMPOSE_PROJECT_NAME", "demo");
    let project = load(VISITS, &options).unwrap().project;
    assert_eq!(project.name, "demo");
    assert_eq!(project.services["worker"].environment["INTERVAL"].as_deref(), Some("2"));
    assert_eq!(project.container_name("web", 1), "demo-web-1");
}

#[test]
fn the_visits_app_config_output() {
    let project = load(VISITS, &Options::new("x")).unwrap().project;
    let printed = config(&project);
    assert_eq!(printed, VISITS_CONFIG, "config output changed:\n{printed}");
    let again = load(&printed, &Options::new("x")).unwrap().project;
    assert_eq!(config(&again), printed);
}
