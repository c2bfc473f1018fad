//! Benchmarks of running containers natively: `docker run --rm hello-world` through the native CLI
//! (engine, wasmtime host, state folder) with the module already compiled, and the CPU-bound
//! `cpu` guest under wasmtime, timed by the guest's own clock. `cargo xtask bench` runs them and
//! reports ratios: the first against `docker run --rm busybox true` on a real Docker Engine, the
//! second against the same program built as a native binary.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use dockyard_engine::container::ContainerId;
use dockyard_engine::fs::UnionFs;
use dockyard_engine::layer::Bytes;
use dockyard_engine::{ExitStatus, Process, Seeded};
use dockyard_server::native::Native;
use dockyard_server::wasm_host::WasmHost;

/// What the `cpu` guest prints first, whatever host runs it: the work was done and done right.
const CPU_RESULT: &str = "primes below 1000000: 78498 ";

/// Runs one command line in `native`, failing the benchmark unless it succeeds; returns its stdout.
fn execute(native: &mut Native, line: &str) -> String {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = native.execute(line, &mut std::io::empty(), &mut out, &mut err).expect("the state folder works");
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert_eq!(code, 0, "`{line}` failed:\n{out}{err}");
    out.into_owned()
}

fn hello_world(c: &mut Criterion) {
    let home = std::env::temp_dir().join(format!("dockyard-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let mut native = Native::open(&home).expect("a fresh state folder");
    // The first run pulls the image and compiles its module; every measured run finds both ready,
    // as a second `docker run` finds the image and the daemon warm.
    let first = execute(&mut native, "docker run --rm hello-world");
    assert!(first.contains("Hello from Dockyard!"), "{first}");
    let mut group = c.benchmark_group("hello_world");
    group.bench_function("dockyard_run_rm", |b| {
        b.iter(|| {
            let out = execute(&mut native, "docker run --rm hello-world");
            assert!(out.contains("Hello from Dockyard!"), "{out}");
        })
    });
    group.finish();
    drop(native);
    let _ = std::fs::remove_dir_all(&home);
}

/// The compute time the `cpu` guest printed, as `compute time: 123.456 ms`.
fn reported_time(stdout: &str) -> Duration {
    let ms: f64 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("compute time: "))
        .and_then(|rest| rest.strip_suffix(" ms"))
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("the cpu guest printed no compute time:\n{stdout}"));
    Duration::from_secs_f64(ms / 1e3)
}

fn cpu_guest(c: &mut Criterion) {
    let host = WasmHost::new();
    let process = Process {
        container: ContainerId::generate(&mut Seeded::new(1)),
        module: Bytes::from(dockyard_workloads::CPU),
        args: vec!["/cpu".to_string()],
        env: Vec::new(),
        root: UnionFs::new(Vec::new()),
        memory_limit: None,
        interactive: false,
        net: Default::default(),
    };
    let run = || {
        let outcome = host.run(&process);
        let stdout: Vec<u8> = outcome.output.iter().flat_map(|(_, bytes)| bytes.clone()).collect();
        let stdout = String::from_utf8_lossy(&stdout).into_owned();
        assert_eq!(outcome.status, ExitStatus::Code(0), "{stdout}");
        assert!(stdout.starts_with(CPU_RESULT), "{stdout}");
        reported_time(&stdout)
    };
    // Compiles the module, so no measured run pays for it (the guest's clock would not see it anyway).
    run();
    let mut group = c.benchmark_group("cpu");
    // A run takes a few hundred milliseconds: ten of them, one per sample, say enough.
    group.sampling_mode(SamplingMode::Flat).sample_size(10).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    // The guest's own time, as the native binary and the page report theirs.
    group.bench_function("wasmtime", |b| b.iter_custom(|iters| (0..iters).map(|_| run()).sum()));
    group.finish();
}

criterion_group!(benches, hello_world, cpu_guest);
criterion_main!(benches);
