//! Benchmarks of `docker build` natively: the 10-step Dockerfile in `benches/build-context` (on
//! `toolbox`: `ENV`, `WORKDIR`, two `COPY`s, three `RUN`s of toolbox shell commands, `EXPOSE`,
//! `CMD`) built through the native CLI (engine, wasmtime host, state folder, the context read from
//! a temporary folder on disk), once with `--no-cache` and once as a fully cached rebuild. The
//! toolbox module is compiled before anything is measured, as a second `docker build` finds the
//! daemon warm. `cargo xtask bench` reports both against the private Docker Engine's classic
//! builder building the same folder on `busybox`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use dockyard_server::native::Native;

/// The steps of the Dockerfile, and how many of them a rebuild takes from the cache (all but
/// `FROM`).
const STEPS: usize = 10;
const CACHED_STEPS: usize = STEPS - 1;

/// Runs one command line in `native`, failing the benchmark unless it succeeds; returns its stdout.
fn execute(native: &mut Native, line: &str) -> String {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = native.execute(line, &mut std::io::empty(), &mut out, &mut err).expect("the state folder works");
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert_eq!(code, 0, "`{line}` failed:\n{out}{err}");
    out.into_owned()
}

/// Copies the folder `from` into `to`, which must not exist.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a context folder");
    for entry in std::fs::read_dir(from).expect("the build context") {
        let entry = entry.expect("a context entry");
        let target = to.join(entry.file_name());
        match entry.file_type().expect("a file type").is_dir() {
            true => copy_folder(&entry.path(), &target),
            false => drop(std::fs::copy(entry.path(), &target).expect("copy a context file")),
        }
    }
}

/// Checks a build's output: every step ran, `cached` of them from the cache, and the image was tagged.
fn check(out: &str, cached: usize) {
    assert!(out.contains(&format!("Step {STEPS}/{STEPS} : CMD")), "{out}");
    assert_eq!(out.matches(" ---> Using cache").count(), cached, "{out}");
    assert!(out.contains("Successfully tagged bench-build:latest"), "{out}");
}

fn build(c: &mut Criterion) {
    let temp = std::env::temp_dir().join(format!("dockyard-bench-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    let (home, context) = (temp.join("home"), temp.join("context"));
    copy_folder(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/build-context"), &context);
    let context = context.to_str().expect("a UTF-8 temp path").to_string();
    let mut native = Native::open(&home).expect("a fresh state folder");
    execute(&mut native, "docker pull toolbox");
    // Compiles the toolbox module and fills the cache the rebuilds find.
    check(&execute(&mut native, &format!("docker build -t bench-build {context}")), 0);

    let mut group = c.benchmark_group("build");
    // A build takes a good part of a second: ten samples of one build each say enough.
    group.sampling_mode(SamplingMode::Flat).sample_size(10).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    let cold = format!("docker build --no-cache -t bench-build {context}");
    group.bench_function("dockyard_no_cache", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let out = execute(&mut native, &cold);
                total += start.elapsed();
                check(&out, 0);
                // The image the tag left is dangling now; removing it, untimed, keeps the state
                // the same size from one build to the next, as the baseline's daemon does.
                execute(&mut native, "docker image prune -f");
            }
            total
        })
    });
    // One untimed build makes sure the cache holds every step, whatever the cold builds left.
    let cached = format!("docker build -t bench-build {context}");
    execute(&mut native, &cached);
    group.bench_function("dockyard_cached", |b| b.iter(|| check(&execute(&mut native, &cached), CACHED_STEPS)));
    group.finish();
    drop(native);
    let _ = std::fs::remove_dir_all(&temp);
}

criterion_group!(benches, build);
criterion_main!(benches);
