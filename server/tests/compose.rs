//! `docker compose` with the real programs: the three-service `visits` app (the `web` server,
//! the `kv` store with its data in a volume, and a `toolbox` worker whose shell loop writes into
//! the store by its network alias) brought up from its folder, used, and brought down again with
//! nothing left behind. The native `dockyard` host reads the folder and wasmtime runs each
//! container's program.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dockyard_server::native::Native;

/// A folder removed afterwards: the engine's data, or the project's files.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let path = std::env::temp_dir().join(format!("dockyard-compose-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Folder(path)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The fixture's project, copied into a folder named `visits-app` (the file names the project
/// `visits` itself, so the folder's name must not matter).
fn project() -> Folder {
    let folder = Folder::new("project");
    let dir = folder.0.join("visits-app");
    std::fs::create_dir_all(&dir).expect("the project folder");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/compose/visits");
    for name in ["compose.yaml", "worker.env"] {
        std::fs::copy(fixture.join(name), dir.join(name)).expect("the fixture copies");
    }
    // The worker writes every second, so the test need not wait ten.
    std::fs::write(dir.join(".env"), "WORKER_INTERVAL=1\n").expect("the .env file");
    folder
}

/// Runs `line`, returning its exit code and what it printed on both streams.
fn run(native: &mut Native, line: &str) -> (i32, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = native.execute(line, &mut std::io::empty(), &mut out, &mut err).expect("the command runs");
    (code, format!("{}{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err)))
}

/// Runs `line` until what it prints contains `wanted`, for up to 20 s.
fn eventually(native: &mut Native, line: &str, wanted: &str) -> String {
    let start = Instant::now();
    loop {
        let (_, text) = run(native, line);
        if text.contains(wanted) || start.elapsed() > Duration::from_secs(20) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_visits_app_comes_up_works_and_goes_down_leaving_nothing() {
    let home = Folder::new("home");
    let project = project();
    let dir = project.0.join("visits-app");
    let compose = format!("docker compose --project-directory {}", dir.display());
    let mut native = Native::open(&home.0).expect("an engine opens");

    let (code, text) = run(&mut native, &format!("{compose} up -d"));
    assert_eq!(code, 0, "{text}");
    for made in [
        "Network visits_backend  Created",
        "Network visits_default  Created",
        "Volume \"visits_kvdata\"  Created",
        "Container visits-kv-1  Started",
        "Container visits-web-1  Started",
        "Container visits-worker-1  Started",
    ] {
        assert!(text.contains(made), "up printed no `{made}`:\n{text}");
    }
    // The store starts before the two that depend on it.
    let kv = text.find("visits-kv-1  Started").unwrap_or(usize::MAX);
    assert!(text.find("visits-web-1  Started").is_some_and(|web| kv < web), "{text}");

    let (code, ps) = run(&mut native, &format!("{compose} ps"));
    assert_eq!(code, 0, "{ps}");
    assert!(ps.starts_with("NAME "), "{ps}");
    for (name, service) in [("visits-kv-1", "kv"), ("visits-web-1", "web"), ("visits-worker-1", "worker")] {
        let row = ps.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} in\n{ps}"));
        assert!(row.contains(&format!(" {service} ")) && row.contains("Up "), "{row}");
    }
    assert!(ps.contains("0.0.0.0:8080->80/tcp"), "web publishes 8080:\n{ps}");

    // The worker found the store by its alias on the backend network and wrote to it; the
    // worker's own curl reads it back the same way.
    let read = format!("{compose} exec worker curl -s http://store:8000/last-run");
    let value = eventually(&mut native, &read, "20");
    assert!(value.contains("20"), "the worker wrote no date into the store: {value}");
    // web is not on the backend network, so the store's name means nothing there.
    let (code, text) = run(&mut native, &format!("{compose} exec web ls"));
    assert_ne!(code, 0, "web's image has no ls: {text}");

    // A second up changes nothing that runs.
    let (code, text) = run(&mut native, &format!("{compose} up -d"));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Container visits-kv-1  Running") && !text.contains("Created"), "{text}");

    let (code, logs) = run(&mut native, &format!("{compose} logs kv"));
    assert_eq!(code, 0, "{logs}");
    assert!(logs.lines().all(|l| l.starts_with("visits-kv-1  | ")), "every line names its container:\n{logs}");

    let (code, text) = run(&mut native, &format!("{compose} down -v -t 1"));
    assert_eq!(code, 0, "{text}");
    for gone in [
        "Container visits-worker-1  Removed",
        "Container visits-web-1  Removed",
        "Container visits-kv-1  Removed",
        "Network visits_backend  Removed",
        "Network visits_default  Removed",
        "Volume visits_kvdata  Removed",
    ] {
        assert!(text.contains(gone), "down printed no `{gone}`:\n{text}");
    }
    // Dependents go first.
    let worker = text.find("visits-worker-1  Removed").unwrap_or(usize::MAX);
    assert!(text.find("visits-kv-1  Removed").is_some_and(|kv| worker < kv), "{text}");

    // Nothing is left: no container, no network but the three every engine has, no volume.
    assert_eq!(run(&mut native, "docker ps -aq"), (0, String::new()));
    assert_eq!(run(&mut native, "docker volume ls -q"), (0, String::new()));
    let (_, networks) = run(&mut native, "docker network ls --format {{.Name}}");
    assert_eq!(networks, "bridge\nhost\nnone\n");
    native.shutdown().expect("the engine stops");
}

#[test]
fn mistakes_read_as_compose_words_them() {
    let home = Folder::new("mistakes");
    let empty = Folder::new("empty");
    let mut native = Native::open(&home.0).expect("an engine opens");
    let compose = format!("docker compose --project-directory {}", empty.0.display());
    assert_eq!(
        run(&mut native, &format!("{compose} up -d")),
        (14, "no configuration file provided: not found\n".into())
    );
    std::fs::write(empty.0.join("compose.yaml"), "services:\n  web:\n    image: web:1\n").unwrap();
    let (code, text) = run(&mut native, &format!("{compose} up -d db"));
    assert_eq!((code, text.as_str()), (1, "no such service: db\n"));
    std::fs::write(empty.0.join("compose.yaml"), "services:\n  web:\n    imagee: web:1\n").unwrap();
    let (code, text) = run(&mut native, &format!("{compose} config"));
    assert_eq!(code, 15, "{text}");
    assert!(text.contains("additional properties 'imagee' not allowed"), "{text}");
    let (code, text) = run(&mut native, "docker compose --nope ps");
    assert_eq!(code, 1);
    assert!(text.starts_with("unknown flag: --nope"), "{text}");
    native.shutdown().expect("the engine stops");
}
