//! The runtime benchmarks in headless Chromium, run by `cargo xtask bench` (ignored otherwise:
//! a benchmark is a measurement, not a check that belongs in every test run).
//!
//! The real app does the work, driven through its terminal: `docker run --rm hello-world` typed
//! again and again once the image is pulled and the browser has the app's module cached, each run
//! on a Web Worker of its own as always, and the `cpu` guest, whose own clock says how long its
//! work took. The page times each command itself, from the Enter key to the moment the terminal
//! takes commands again, so WebDriver's round trips stay out of the numbers.
//!
//! The `cpu` guest is no built-in image, and the app stays as it ships: the native `dockyard` CLI
//! puts the module into an image (`create`, `cp`, `commit`, `save`), and the page loads the
//! archive through its file picker, as a learner would load one.
//!
//! Builds: the 10-step Dockerfile of `server/benches/build-context`, built in the page with
//! `--no-cache` and then fully cached. The context comes in as a learner gives it, through the
//! folder picker (`<input type=file webkitdirectory>`), which chromedriver fills when handed the
//! folder's path. The command names the folder (`build-context`), not `.`, which is the
//! Dockerfile tab's sample while that holds a Dockerfile. The page times each build from the Enter key to "Successfully tagged", less the
//! time its folder picker stood open: that wait is WebDriver's, where a learner's would be their
//! own, and reading the chosen files stays in, as the docker CLI's reading of the context does.
//!
//! The load budget: the playground loaded cold, each time in a fresh browser profile whose cache
//! is empty, timed from navigation start to the page's own `dockyard-interactive` mark (the first
//! lesson's title shown and the terminal's input enabled, right after the render that put them
//! there), and the bytes transferred (Resource Timing's `transferSize` of the navigation, of every
//! resource fetched before the `dockyard-container-start` mark of `docker run hello-world`, and
//! of what the container's worker fetched, which that mark carries, and of what the service
//! worker fetched before that mark, which it tells when asked). Chromium takes brotli, so
//! the same requests are made again accepting gzip only, and what they transfer is counted too. The baseline is a cold load
//! of a static file of the same server, in a fresh browser too.
//!
//! Results go to standard output and, when `DOCKYARD_BENCH_OUT` names a file, are added to it: one
//! line per measurement, its name then every sample in milliseconds.

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::harness::{block_on, dockyard, text, Browser, Server, TempHome};

/// Runs before the measured ones: the first pulls, compiles and fills caches.
const WARM_UP: usize = 2;
const HELLO_RUNS: usize = 15;
const CPU_RUNS: usize = 5;

/// Records, in the page, when Enter is pressed in the terminal and when the command it started
/// has finished: the terminal's `data-running` is "true" while a command runs.
const INSTALL_TIMER: &str = "const input = document.getElementById('terminal-input');
    const terminal = document.getElementById('terminal');
    window.__bench = { start: 0, end: 0 };
    document.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && e.target === input) window.__bench = { start: performance.now(), end: 0 };
    }, true);
    new MutationObserver((records) => {
        for (const r of records) {
            if (r.oldValue === 'true' && window.__bench.start && !window.__bench.end) {
                window.__bench.end = performance.now();
            }
        }
    }).observe(terminal, { attributes: true, attributeFilter: ['data-running'], attributeOldValue: true });";

/// Build runs of each kind, after one that is not measured.
const BUILD_RUNS: usize = 5;

/// Records, in the page, a build's times: the Enter key, the folder picker's appearance and the
/// folder's choice, and the moment the terminal says "Successfully tagged". Mutations are
/// observed on the whole body, since the picker's dialog is added there and the output redrawn.
const INSTALL_BUILD_TIMER: &str = "const input = document.getElementById('terminal-input');
    window.__build = { start: 0, opened: 0, chosen: 0, end: 0 };
    document.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && e.target === input) {
            window.__build = { start: performance.now(), opened: 0, chosen: 0, end: 0 };
        }
    }, true);
    document.addEventListener('change', (e) => {
        if (e.target.id === 'upload-input' && window.__build.start && !window.__build.chosen) {
            window.__build.chosen = performance.now();
        }
    }, true);
    new MutationObserver(() => {
        const b = window.__build;
        if (!b.start || b.end) return;
        if (!b.opened && document.getElementById('upload-input')) b.opened = performance.now();
        const out = document.getElementById('terminal-output');
        if (out && out.textContent.includes('Successfully tagged')) b.end = performance.now();
    }).observe(document.body, { childList: true, subtree: true, characterData: true });";

/// The build context the native build benchmark uses too.
fn build_context() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/benches/build-context")
}

/// Each series as a line, its name then its samples, as `cargo xtask bench` reads them.
fn lines(series: &[(&str, &Vec<f64>)]) -> String {
    let mut results = String::new();
    for (name, samples) in series {
        let line: Vec<String> = samples.iter().map(|value| format!("{value:.3}")).collect();
        writeln!(results, "{name} {}", line.join(" ")).expect("writing to a String");
    }
    results
}

/// Appends `results` to the file `DOCKYARD_BENCH_OUT` names, if it names one, and prints them.
fn record(results: &str) {
    print!("{results}");
    if let Some(file) = std::env::var_os("DOCKYARD_BENCH_OUT") {
        use std::io::Write as _;
        let mut out = std::fs::OpenOptions::new().create(true).append(true).open(&file).expect("open the results file");
        out.write_all(results.as_bytes()).expect("write the results");
    }
}

/// The `cpu` module, built for wasm32-wasip1 by `dockyard-workloads`' build script.
fn cpu_module() -> PathBuf {
    let path = std::env::var_os("DOCKYARD_BENCH_CPU").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/workloads/wasm32-wasip1/release/cpu.wasm")
    });
    assert!(path.is_file(), "the cpu module is not at {} (set DOCKYARD_BENCH_CPU)", path.display());
    path
}

/// An archive of the image `bench-cpu`, whose command is the `cpu` guest, made with the CLI.
fn cpu_image_archive(home: &TempHome) -> PathBuf {
    let program = home.0.join("cpu");
    std::fs::copy(cpu_module(), &program).expect("copy the cpu module");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("make it executable");
    let archive = home.0.join("bench-cpu.tar");
    let path = |p: &PathBuf| p.to_str().expect("a UTF-8 temp path").to_string();
    let steps: [Vec<String>; 4] = [
        ["create", "--name", "bench", "hello-world"].map(String::from).to_vec(),
        vec!["cp".into(), path(&program), "bench:/cpu".into()],
        ["commit", "--change", r#"CMD ["/cpu"]"#, "bench", "bench-cpu"].map(String::from).to_vec(),
        vec!["save".into(), "-o".into(), path(&archive), "bench-cpu".into()],
    ];
    for args in steps {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = dockyard(home, &args);
        assert!(out.status.success(), "dockyard {args:?} failed: {}", text(&out.stderr));
    }
    archive
}

/// Clears the terminal, types `command`, and returns how long the page took to finish it, in
/// milliseconds, and what the terminal shows then.
async fn timed(browser: &Browser, command: &str) -> (f64, String) {
    // A cleared terminal redraws the same few lines on every run, whatever ran before.
    browser.press("\u{E009}l\u{E000}").await;
    browser.type_command(command).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let took = browser
            .client
            .execute("const b = window.__bench; return b.end ? b.end - b.start : null;", vec![])
            .await
            .expect("the timer answers");
        if let Some(ms) = took.as_f64() {
            return (ms, browser.inner_text("#terminal-output").await.unwrap_or_default());
        }
        assert!(Instant::now() < deadline, "`{command}` did not finish within a minute");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The compute time the `cpu` guest printed, in milliseconds.
fn reported_ms(shown: &str) -> f64 {
    shown
        .lines()
        .find_map(|line| line.trim().strip_prefix("compute time: "))
        .and_then(|rest| rest.strip_suffix(" ms"))
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("the cpu guest printed no compute time:\n{shown}"))
}

#[test]
#[ignore = "a benchmark: `cargo xtask bench` runs it"]
fn runtime_in_chromium() {
    let home = TempHome::new("bench");
    let archive = cpu_image_archive(&home);
    let mut results = String::new();
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.client.execute(INSTALL_TIMER, vec![]).await.expect("timer installed");

        let mut hello = Vec::new();
        for run in 0..WARM_UP + HELLO_RUNS {
            let (ms, shown) = timed(&browser, "docker run --rm hello-world").await;
            assert!(shown.contains("Hello from Dockyard!"), "{shown}");
            if run >= WARM_UP {
                hello.push(ms);
            }
        }

        browser.type_command("docker load -i bench-cpu.tar").await;
        let picker = browser.client.wait().for_element(Locator::Css("#upload-input")).await.expect("a file picker");
        picker.send_keys(archive.to_str().expect("a UTF-8 temp path")).await.expect("choose the archive");
        browser.wait_text("#terminal-output", 60, |t| t.contains("Loaded image: bench-cpu:latest")).await;

        let mut cpu = Vec::new();
        for run in 0..WARM_UP + CPU_RUNS {
            let (_, shown) = timed(&browser, "docker run --rm bench-cpu").await;
            assert!(shown.contains("primes below 1000000: 78498 "), "{shown}");
            if run >= WARM_UP {
                cpu.push(reported_ms(&shown));
            }
        }
        browser.screenshot("bench").await;
        browser.close().await;

        results = lines(&[("chromium_hello_ms", &hello), ("chromium_cpu_ms", &cpu)]);
    });
    record(&results);
}

/// Types `command` (a build of the context folder) into a cleared terminal, chooses the folder
/// in the picker it opens, and returns the build's time as the page measured it, in
/// milliseconds, and what the terminal shows then.
async fn timed_build(browser: &Browser, command: &str, context: &str) -> (f64, String) {
    browser.press("\u{E009}l\u{E000}").await;
    browser.type_command(command).await;
    let picker = browser.client.wait().for_element(Locator::Css("#upload-input")).await.expect("a folder picker");
    picker.send_keys(context).await.expect("choose the context folder");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let took = browser
            .client
            .execute(
                "const b = window.__build; return b.end && b.chosen ? (b.end - b.start) - (b.chosen - b.opened) : null;",
                vec![],
            )
            .await
            .expect("the timer answers");
        if let Some(ms) = took.as_f64() {
            return (ms, browser.inner_text("#terminal-output").await.unwrap_or_default());
        }
        assert!(Instant::now() < deadline, "`{command}` did not finish within two minutes");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
#[ignore = "a benchmark: `cargo xtask bench` runs it"]
fn build_in_chromium() {
    let context = build_context();
    assert!(context.join("Dockerfile").is_file(), "no build context at {}", context.display());
    let context = context.canonicalize().expect("the context's full path");
    let context = context.to_str().expect("a UTF-8 path");
    let mut results = String::new();
    block_on(async {
        let server = Server::start(None);
        let browser = Browser::start().await;
        browser.open(&server.url).await;
        browser.client.execute(INSTALL_TIMER, vec![]).await.expect("timer installed");
        browser.client.execute(INSTALL_BUILD_TIMER, vec![]).await.expect("build timer installed");
        let (_, shown) = timed(&browser, "docker pull toolbox").await;
        assert!(shown.contains("Downloaded newer image for toolbox:latest"), "{shown}");

        let mut cold = Vec::new();
        for run in 0..=BUILD_RUNS {
            let (ms, shown) =
                timed_build(&browser, "docker build --no-cache -t bench-build build-context", context).await;
            assert_eq!(shown.matches(" ---> Using cache").count(), 0, "{shown}");
            assert!(shown.contains("Successfully tagged bench-build:latest"), "{shown}");
            if run > 0 {
                cold.push(ms);
            }
            // The image the tag left is dangling now; removing it, untimed, keeps the state the
            // same size from one build to the next, as in the native benchmark.
            timed(&browser, "docker image prune -f").await;
        }
        let mut cached = Vec::new();
        for run in 0..=BUILD_RUNS {
            let (ms, shown) = timed_build(&browser, "docker build -t bench-build build-context", context).await;
            // Every step but FROM, from the second build on; the first makes sure of it.
            if run > 0 {
                assert_eq!(shown.matches(" ---> Using cache").count(), 9, "{shown}");
                cached.push(ms);
            }
        }
        browser.screenshot("bench-build").await;
        browser.close().await;

        results = lines(&[("chromium_build_cold_ms", &cold), ("chromium_build_cached_ms", &cached)]);
    });
    record(&results);
}

/// Cold loads measured, each in a fresh browser profile whose cache is empty.
const COLD_RUNS: usize = 5;

/// What one cold load of the playground measured, read from the page's own timeline.
struct ColdLoad {
    /// From navigation start to the `dockyard-interactive` mark: the first lesson rendered and the
    /// terminal taking input.
    interactive_ms: f64,
    /// Bytes transferred (Resource Timing's `transferSize`: headers and compressed bodies) by the
    /// navigation, every resource fetched before the first container's process started, and the
    /// container's worker.
    transferred: f64,
    /// The same resources' bodies as they were decoded, so uncompressed.
    decoded: f64,
    /// Each resource's name and `transferSize`, for the report.
    resources: Vec<(String, f64)>,
}

/// Reads the marks and Resource Timing once the first container has started: a JSON object with
/// the interactive mark's time, the container mark's time, and each entry fetched before it.
const READ_LOAD: &str = "const interactive = performance.getEntriesByName('dockyard-interactive')[0];
    const started = performance.getEntriesByName('dockyard-container-start')[0];
    if (!interactive || !started) return null;
    const startedAt = performance.timeOrigin + started.startTime;
    const entries = performance.getEntriesByType('navigation')
        .concat(performance.getEntriesByType('resource').filter((e) => e.startTime <= started.startTime));
    return JSON.stringify({
        interactive: interactive.startTime,
        worker: started.detail || 0,
        startedAt,
        entries: entries.map((e) => [e.name, e.transferSize, e.decodedBodySize]),
    });";

/// Asks the page's service worker, if it has one, what it fetched (its own timeline, which the
/// page's does not include): a JSON list of `[address, transferSize, start in epoch ms]`.
const READ_SERVICE_WORKER: &str = "const done = arguments[arguments.length - 1];
    if (!navigator.serviceWorker) return done('[]');
    navigator.serviceWorker.getRegistration().then((registration) => {
        const worker = registration && (registration.active || registration.waiting || registration.installing);
        if (!worker) return done('[]');
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => done(JSON.stringify(event.data));
        worker.postMessage('dockyard-transferred', [channel.port2]);
        setTimeout(() => done('[]'), 5000);
    });";

/// Loads the playground cold in a fresh browser, waits until it is interactive, runs `docker run
/// hello-world`, and reads what the page measured.
async fn cold_load(url: &str) -> ColdLoad {
    let browser = Browser::start().await;
    browser.open(url).await;
    browser.type_command("docker run hello-world").await;
    browser.wait_text("#terminal-output", 60, |t| t.contains("Hello from Dockyard!")).await;
    let read = browser.client.execute(READ_LOAD, vec![]).await.expect("the page's timeline answers");
    let text =
        read.as_str().unwrap_or_else(|| panic!("the page set no dockyard-interactive or container mark: {read}"));
    let load: serde_json::Value = serde_json::from_str(text).expect("the timeline as JSON");
    let worker = browser.client.execute_async(READ_SERVICE_WORKER, vec![]).await.expect("the service worker answers");
    let worker: serde_json::Value =
        serde_json::from_str(worker.as_str().unwrap_or("[]")).expect("its timeline as JSON");
    browser.close().await;
    let number = |value: &serde_json::Value| value.as_f64().unwrap_or(0.0);
    let entries = load["entries"].as_array().expect("entries").clone();
    let resources: Vec<(String, f64)> = entries
        .iter()
        .map(|e| (e[0].as_str().unwrap_or_default().to_string(), number(&e[1])))
        .chain([("(the container's worker)".to_string(), number(&load["worker"]))])
        // What the service worker fetched before the container started (its precache, and the
        // page's requests it passed on, which the page's timeline shows as 0 bytes).
        .chain(
            worker
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| number(&e[2]) <= number(&load["startedAt"]))
                .map(|e| (format!("(service worker) {}", e[0].as_str().unwrap_or_default()), number(&e[1]))),
        )
        .collect();
    ColdLoad {
        interactive_ms: number(&load["interactive"]),
        transferred: resources.iter().map(|(_, bytes)| bytes).sum(),
        decoded: entries.iter().map(|e| number(&e[2])).sum(),
        resources,
    }
}

/// What the same requests transfer from `server` when the browser accepts gzip only (Chromium
/// takes brotli): each fetched again over HTTP/1.1, headers and body counted as they come.
fn gzip_transfer(server: &Server, resources: &[(String, f64)]) -> f64 {
    use std::io::{Read as _, Write as _};
    let mut total = 0;
    // Only what came over the wire: a second import of the glue, say, came from the cache.
    for (name, _) in resources.iter().filter(|(_, transferred)| *transferred > 0.0) {
        let name = name.strip_prefix("(service worker) ").unwrap_or(name);
        let Some(path) = name.strip_prefix(server.url.trim_end_matches('/')) else { continue };
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port())).expect("connect to the server");
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
            server.port()
        );
        stream.write_all(request.as_bytes()).expect("send the request");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("read the response");
        // The favicon the page lacks is a 404 the browser fetched too; it counts as it did there.
        assert!(response.starts_with(b"HTTP/1.1 "), "{path}: no HTTP response");
        total += response.len();
    }
    total as f64
}

/// The baseline: a cold load of a static file of the same server (the app's stylesheet, under a
/// query of its own so that the app's load still finds the cache empty), from navigation start
/// to the end of its load event, in a fresh browser.
async fn cold_static(url: &str) -> f64 {
    let browser = Browser::start().await;
    browser.client.goto(&format!("{url}style.css?baseline")).await.expect("the stylesheet loads");
    let deadline = Instant::now() + Duration::from_secs(30);
    let ms = loop {
        let took = browser
            .client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0]; return n && n.loadEventEnd || null;",
                vec![],
            )
            .await
            .expect("the timeline answers");
        if let Some(ms) = took.as_f64() {
            break ms;
        }
        assert!(Instant::now() < deadline, "the stylesheet's load event never ended");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    browser.close().await;
    ms
}

#[test]
#[ignore = "a benchmark: `cargo xtask bench` runs it"]
fn cold_load_in_chromium() {
    let mut results = String::new();
    block_on(async {
        let server = Server::start(None);
        let (mut interactive, mut baseline, mut transferred, mut decoded, mut gzip) =
            (vec![], vec![], vec![], vec![], vec![]);
        for run in 0..COLD_RUNS {
            baseline.push(cold_static(&server.url).await);
            let load = cold_load(&server.url).await;
            if run == 0 {
                for (name, bytes) in &load.resources {
                    println!("  {bytes:>9.0} B  {name}");
                }
            }
            gzip.push(gzip_transfer(&server, &load.resources));
            interactive.push(load.interactive_ms);
            transferred.push(load.transferred);
            decoded.push(load.decoded);
        }
        results = lines(&[
            ("chromium_cold_interactive_ms", &interactive),
            ("chromium_cold_static_ms", &baseline),
            ("chromium_cold_transfer_bytes", &transferred),
            ("chromium_cold_decoded_bytes", &decoded),
            ("chromium_cold_gzip_bytes", &gzip),
        ]);
    });
    record(&results);
}
