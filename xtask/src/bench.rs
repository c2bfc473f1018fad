//! `cargo xtask bench`: runs the criterion benchmarks and reports each as a ratio against a
//! baseline measured in the same run, since absolute times say little across machines.
//!
//! Besides the engine's layer benchmarks, it times running containers: `docker run --rm
//! hello-world` in `dockyard` (criterion, `server/benches/runtime.rs`) and in headless Chromium
//! (the ignored end-to-end test `bench::runtime_in_chromium`) against `docker run --rm busybox
//! true` on the private dockerd, and the CPU-bound `cpu` guest in wasmtime and in Chromium
//! against the same program built as a native binary, each timed by the program's own clock.
//!
//! And builds: Dockerfile parsing against `serde_json` reading the same instructions as JSON
//! (`engine/benches/dockerfile.rs`), and the 10-step Dockerfile of `server/benches/build-context`
//! built with `--no-cache` and rebuilt from the cache, in `dockyard` (`server/benches/build.rs`)
//! and in Chromium (`bench::build_in_chromium`), against the private dockerd's classic builder
//! building the same folder on `busybox`.
//!
//! And the load budget: a cold load of the playground from `dockyard serve` in a fresh Chromium
//! profile (`bench::cold_load_in_chromium`), timed from navigation start until the first lesson
//! is interactive, and the bytes transferred until the first container's process starts, against
//! the budget (1.5 s, 1 MB) and against baselines from the same run: a cold load of a static file
//! of the same server, and the same files uncompressed. Over budget, the benchmark fails.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::dockerd::Dockerd;
use crate::process;
use crate::test::PrivateTemp;
use crate::tools;
use crate::{dist, Repo};

const WORKLOADS_MANIFEST: &str = "workloads/programs/Cargo.toml";
/// The build context the build benchmarks share, from the repository's root.
const BUILD_CONTEXT: &str = "server/benches/build-context";

/// Runs of each baseline timed here; the median stands for them. The first run of each comes
/// before, untimed, so a cold cache or a lazy daemon does not count.
const BASELINE_RUNS: usize = 11;
/// Runs of the baseline's build without the cache: each takes seconds, and they vary little.
const COLD_BUILD_RUNS: usize = 5;

/// The load budget (issue 6): the first lesson interactive within this long of a cold load on
/// localhost, in milliseconds ...
const BUDGET_INTERACTIVE_MS: f64 = 1500.0;
/// ... with at most this many bytes transferred before the first container starts (1 MB, in
/// decimal megabytes as transfer sizes are counted).
const BUDGET_TRANSFER_BYTES: f64 = 1_000_000.0;

pub fn bench(repo: &Repo) -> Result<()> {
    let started = Instant::now();
    // What the baselines and the browser need, first, so a missing tool fails in seconds.
    tools::ensure_system_packages(&[tools::CHROMIUM, tools::CHROMIUM_DRIVER, tools::DOCKER_IO, tools::BUSYBOX_STATIC])?;
    let web_tools = tools::ensure_web_tools(repo, true)?;

    let input = repo.target.join("bench-input");
    process::run(repo.cargo().env("DOCKYARD_BENCH_INPUT", &input).args([
        "bench",
        "-p",
        "dockyard-engine",
        "--bench",
        "layers",
        "--bench",
        "dockerfile",
    ]))?;
    process::run(repo.cargo().args(["bench", "-p", "dockyard-server", "--bench", "runtime", "--bench", "build"]))?;
    let native_cpu = native_cpu_ms(repo)?;
    let docker = docker_baselines(repo)?;
    let chromium = chromium(repo, &web_tools)?;

    let criterion = repo.target.join("criterion");
    let lookup = |depth: u32| mean_ns(&criterion.join(format!("union_lookup/{depth}/new/estimates.json")));
    let (one, ten, hundred) = (lookup(1)?, lookup(10)?, lookup(100)?);
    let engine_hash = mean_ns(&criterion.join("layer_hash/diff_id/new/estimates.json"))?;
    let sha256sum = sha256sum_ns(&input.join("layer.tar"))?;
    let registry = |name: &str| mean_ns(&criterion.join(format!("registry/{name}/new/estimates.json")));
    let (roundtrip, pull, push) =
        (registry("tar_gzip_roundtrip")?, registry("pull_1000_files")?, registry("push_1000_files")?);
    let hello_native = mean_ns(&criterion.join("hello_world/dockyard_run_rm/new/estimates.json"))? / 1e6;
    let cpu_wasmtime = mean_ns(&criterion.join("cpu/wasmtime/new/estimates.json"))? / 1e6;
    let parse = |name: &str| mean_ns(&criterion.join(format!("dockerfile_parse/{name}/new/estimates.json")));
    let (parse_dockerfile, parse_json) = (parse("dockerfile")?, parse("serde_json")?);
    let size = |name: &str| std::fs::metadata(input.join(name)).map(|m| m.len() as f64);
    let (dockerfile_bytes, json_bytes) = (size("Dockerfile")?, size("dockerfile.json")?);
    let build = |name: &str| mean_ns(&criterion.join(format!("build/{name}/new/estimates.json")));
    let (build_cold, build_cached) = (build("dockyard_no_cache")? / 1e6, build("dockyard_cached")? / 1e6);
    let ratios = [
        ("union lookup, 10 layers vs 1 layer", ten / one),
        ("union lookup, 100 layers vs 1 layer", hundred / one),
        ("layer DiffID (tar + sha256) vs sha256sum", engine_hash / sha256sum),
        ("pull of 1,000 files vs tar+gzip and back", pull / roundtrip),
        ("push of 1,000 files vs tar+gzip and back", push / roundtrip),
        ("run --rm hello-world, dockyard vs docker", hello_native / docker.run),
        ("run --rm hello-world, Chromium vs docker", chromium.hello / docker.run),
        ("cpu guest, wasmtime vs native binary", cpu_wasmtime / native_cpu),
        ("cpu guest, Chromium vs native binary", chromium.cpu / native_cpu),
        ("Dockerfile parse vs serde_json, same instructions", parse_dockerfile / parse_json),
        ("build --no-cache, 10 steps, dockyard vs docker", build_cold / docker.build_cold),
        ("cached rebuild, 10 steps, dockyard vs docker", build_cached / docker.build_cached),
        ("build --no-cache, 10 steps, Chromium vs docker", chromium.build_cold / docker.build_cold),
        ("cached rebuild, 10 steps, Chromium vs docker", chromium.build_cached / docker.build_cached),
    ];
    println!("\nRatios (lower is better; 1.00 means as fast as the baseline):");
    let width = ratios.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, ratio) in ratios {
        println!("  {name:width$} {:>6}", ratio_text(ratio));
    }
    println!("(docker: `docker run --rm --network none busybox true` on the private dockerd, CLI included;");
    println!(" builds: its classic builder, DOCKER_BUILDKIT=0, on busybox, CLI included)");
    // Throughput in bytes per second, besides the ratio, since it is what the issue asks about.
    let mib_per_s = |bytes: f64, ns: f64| bytes / (ns / 1e9) / f64::from(1 << 20);
    println!(
        "Dockerfile parse: {:.1} MiB/s ({:.0} KiB, 2,000 instructions, in {:.2} ms); serde_json: {:.1} MiB/s ({:.0} KiB)",
        mib_per_s(dockerfile_bytes, parse_dockerfile),
        dockerfile_bytes / 1024.0,
        parse_dockerfile / 1e6,
        mib_per_s(json_bytes, parse_json),
        json_bytes / 1024.0,
    );
    println!(
        "Builds, ms: dockyard {build_cold:.0} and {build_cached:.0} cached; Chromium {:.0} and {:.0}; docker {:.0} and {:.0}",
        chromium.build_cold, chromium.build_cached, docker.build_cold, docker.build_cached
    );
    let over = load_report(repo, &chromium)?;
    println!("The whole benchmark took {:.0} s.", started.elapsed().as_secs_f64());
    if !over.is_empty() {
        bail!("over the load budget: {}", over.join("; "));
    }
    Ok(())
}

/// Prints the load budget's measurements, and returns what is over budget.
fn load_report(repo: &Repo, chromium: &Chromium) -> Result<Vec<String>> {
    let load = &chromium.load;
    let (interactive, static_file) = (median(load.interactive.clone()), median(load.static_file.clone()));
    let (transfer, decoded, gzip) =
        (median(load.transfer.clone()), median(load.decoded.clone()), median(load.gzip.clone()));
    let range = |values: &[f64]| {
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(0.0, f64::max);
        format!("{low:.0} to {high:.0}")
    };
    println!(
        "\nLoad budget: a cold load of the playground in a fresh Chromium profile, medians of {} runs:",
        load.interactive.len()
    );
    println!(
        "  first lesson interactive   {interactive:>7.0} ms  (budget {BUDGET_INTERACTIVE_MS:.0} ms: {}; runs {} ms;",
        ratio_text(interactive / BUDGET_INTERACTIVE_MS),
        range(&load.interactive)
    );
    println!(
        "                                          {} x a cold load of a static file, {static_file:.0} ms)",
        ratio_text(interactive / static_file)
    );
    println!(
        "  transferred before the     {:>7.0} KB  (budget {:.0} KB: {}; {} x the same files uncompressed, {:.0} KB)",
        transfer / 1e3,
        BUDGET_TRANSFER_BYTES / 1e3,
        ratio_text(transfer / BUDGET_TRANSFER_BYTES),
        ratio_text(transfer / decoded),
        decoded / 1e3
    );
    println!(
        "  first container starts     {:>7.0} KB  accepting gzip only (budget: {}; {} x uncompressed)",
        gzip / 1e3,
        ratio_text(gzip / BUDGET_TRANSFER_BYTES),
        ratio_text(gzip / decoded)
    );
    // The module's sizes on disk, since it is most of the transfer.
    let wasm = repo.dist_dir().join("dockyard_bg.wasm");
    let size = |suffix: &str| {
        let mut name = wasm.clone().into_os_string();
        name.push(suffix);
        std::fs::metadata(&name).map(|m| format!("{:.0} KB", m.len() as f64 / 1e3)).unwrap_or_else(|_| "none".into())
    };
    println!("  dockyard_bg.wasm: {}, {} gzip, {} brotli", size(""), size(".gz"), size(".br"));
    Ok(over_budget(interactive, transfer, gzip))
}

/// What is over the load budget, given the medians: milliseconds to interactive, and the bytes
/// transferred as Chromium took them and accepting gzip only.
fn over_budget(interactive: f64, transfer: f64, gzip: f64) -> Vec<String> {
    let mut over = Vec::new();
    if interactive >= BUDGET_INTERACTIVE_MS {
        over.push(format!("interactive after {interactive:.0} ms, not under {BUDGET_INTERACTIVE_MS:.0} ms"));
    }
    for (bytes, how) in [(transfer, "as Chromium took them"), (gzip, "gzipped")] {
        if bytes >= BUDGET_TRANSFER_BYTES {
            over.push(format!(
                "{bytes:.0} bytes {how} before the first container, not under {BUDGET_TRANSFER_BYTES:.0}"
            ));
        }
    }
    over
}

/// A ratio with two decimals, or two significant digits when it is smaller than 0.1, so that a
/// thousandfold difference does not print as 0.00.
fn ratio_text(ratio: f64) -> String {
    let decimals = match ratio > 0.0 && ratio.is_finite() {
        true => (1 - ratio.log10().floor() as i32).clamp(2, 9) as usize,
        false => 2,
    };
    format!("{ratio:.decimals$}")
}

/// The `cpu` program built for this machine, run several times: the median of the compute times
/// it prints, in milliseconds.
fn native_cpu_ms(repo: &Repo) -> Result<f64> {
    // A target folder of its own: the programs' usual one holds their wasm32 builds, and the
    // host build must not wait on (or invalidate) what dockyard-workloads' build script made.
    let target = repo.target.join("bench-native");
    process::run(
        repo.cargo()
            .args(["build", "--release", "-p", "cpu", "--manifest-path", WORKLOADS_MANIFEST, "--target-dir"])
            .arg(&target),
    )?;
    let program = target.join("release/cpu");
    let run = || -> Result<f64> { reported_ms(&process::output(&mut Command::new(&program))?) };
    run()?;
    let times = (0..BASELINE_RUNS).map(|_| run()).collect::<Result<Vec<f64>>>()?;
    let median = median(times);
    eprintln!("cpu as a native binary: median compute time {median:.1} ms over {BASELINE_RUNS} runs");
    Ok(median)
}

/// The compute time the `cpu` program printed, as `compute time: 123.456 ms`.
fn reported_ms(stdout: &str) -> Result<f64> {
    if !stdout.starts_with("primes below 1000000: 78498 ") {
        bail!("the cpu program got its primes wrong:\n{stdout}");
    }
    let value = stdout
        .lines()
        .find_map(|line| line.strip_prefix("compute time: "))
        .and_then(|rest| rest.strip_suffix(" ms"))
        .with_context(|| format!("the cpu program printed no compute time:\n{stdout}"))?;
    value.parse().with_context(|| format!("unreadable compute time {value:?}"))
}

/// What the private dockerd took: medians of whole `docker` commands, in milliseconds.
struct Docker {
    /// `docker run --rm --network none busybox true`.
    run: f64,
    /// The build context on busybox with `--no-cache`, and rebuilt with every step cached.
    build_cold: f64,
    build_cached: f64,
}

/// Times the baselines on the private dockerd, which is started if none runs, and then stopped.
fn docker_baselines(repo: &Repo) -> Result<Docker> {
    // Dropping it stops the daemon this function started, and leaves alone one it found running.
    let dockerd = Dockerd::start(repo, false)?;
    dockerd.ensure_busybox()?;
    let run = docker_run_ms(&dockerd)?;
    let (build_cold, build_cached) = docker_build_ms(repo, &dockerd)?;
    Ok(Docker { run, build_cold, build_cached })
}

/// The wall time of `command`, in milliseconds; its output is checked by `check`.
fn timed_ms(command: &mut Command, check: impl Fn(&str) -> Result<()>) -> Result<f64> {
    let start = Instant::now();
    let out = process::output(command)?;
    let took = start.elapsed().as_secs_f64() * 1e3;
    check(&out)?;
    Ok(took)
}

/// `docker run --rm --network none busybox true`: the median wall time of the whole command.
fn docker_run_ms(dockerd: &Dockerd) -> Result<f64> {
    let run = || timed_ms(dockerd.docker().args(["run", "--rm", "--network", "none", "busybox", "true"]), |_| Ok(()));
    run()?;
    let times = (0..BASELINE_RUNS).map(|_| run()).collect::<Result<Vec<f64>>>()?;
    let median = median(times);
    eprintln!("docker run --rm busybox true: median {median:.1} ms over {BASELINE_RUNS} runs");
    Ok(median)
}

/// The build context with `FROM busybox` for `FROM toolbox`: the same steps, on the image of the
/// private dockerd whose shell runs the same commands.
fn busybox_context(repo: &Repo, dir: &Path) -> Result<()> {
    let source = repo.root.join(BUILD_CONTEXT);
    process::run(Command::new("cp").arg("-r").arg(&source).arg(dir))?;
    let dockerfile = dir.join("Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).with_context(|| format!("no {}", dockerfile.display()))?;
    let rest =
        text.strip_prefix("FROM toolbox\n").context("the build context's Dockerfile must start `FROM toolbox`")?;
    std::fs::write(&dockerfile, format!("FROM busybox\n{rest}"))?;
    Ok(())
}

/// The classic builder (`DOCKER_BUILDKIT=0`) building the context on busybox, without the cache
/// and then with every step cached: the median wall times of the whole commands.
fn docker_build_ms(repo: &Repo, dockerd: &Dockerd) -> Result<(f64, f64)> {
    let temp = PrivateTemp::create()?;
    let context = temp.dir.join("build-context");
    busybox_context(repo, &context)?;
    let build = |no_cache: bool| {
        let mut command = dockerd.docker();
        command.env("DOCKER_BUILDKIT", "0").args(["build", "-t", "bench-build"]);
        if no_cache {
            command.arg("--no-cache");
        }
        command.arg(&context);
        let expected_hits = if no_cache { 0 } else { 9 };
        timed_ms(&mut command, |out| {
            let hits = out.matches(" ---> Using cache").count();
            match out.contains("Successfully tagged bench-build:latest") && hits == expected_hits {
                true => Ok(()),
                false => bail!("docker build gave {hits} cache hits, not {expected_hits}:\n{out}"),
            }
        })
    };
    // Removes the image a build's tag left dangling, untimed, so every build starts alike.
    let prune = || process::output(dockerd.docker().args(["image", "prune", "-f"])).map(drop);
    build(true)?;
    prune()?;
    let mut cold = Vec::new();
    for _ in 0..COLD_BUILD_RUNS {
        cold.push(build(true)?);
        prune()?;
    }
    build(false)?;
    let cached = (0..BASELINE_RUNS).map(|_| build(false)).collect::<Result<Vec<f64>>>()?;
    process::output(dockerd.docker().args(["rmi", "bench-build"]))?;
    let (cold, cached) = (median(cold), median(cached));
    eprintln!(
        "docker build (classic builder): median {cold:.1} ms over {COLD_BUILD_RUNS} runs with --no-cache, \
         {cached:.1} ms over {BASELINE_RUNS} cached"
    );
    Ok((cold, cached))
}

/// What the page measured: medians, in milliseconds.
struct Chromium {
    /// `docker run --rm hello-world` typed into the terminal, from Enter to the next prompt.
    hello: f64,
    /// The `cpu` guest's own compute time, on a worker.
    cpu: f64,
    /// The build context, chosen in the folder picker, built with `--no-cache` and then cached:
    /// from Enter to "Successfully tagged", less the time the picker stood open.
    build_cold: f64,
    build_cached: f64,
    load: ColdLoads,
}

/// Every cold load's samples: milliseconds to interactive, milliseconds for the static file's
/// cold load, and bytes transferred before the first container and the same files decoded.
struct ColdLoads {
    interactive: Vec<f64>,
    static_file: Vec<f64>,
    transfer: Vec<f64>,
    decoded: Vec<f64>,
    /// The same requests accepting gzip only.
    gzip: Vec<f64>,
}

/// Builds the app and the server, and runs the end-to-end benchmarks in headless Chromium.
fn chromium(repo: &Repo, web_tools: &tools::WebTools) -> Result<Chromium> {
    dist::build(repo, web_tools, false)?;
    process::run(repo.cargo().args(["build", "-p", "dockyard-server", "--release"]))?;
    // Chromium's leftovers land in a folder of this run's, removed at the end.
    let temp = PrivateTemp::create()?;
    let results = temp.dir.join("chromium.txt");
    process::run(
        repo.cargo()
            .env("TMPDIR", &temp.dir)
            .env("DOCKYARD_BIN", repo.target.join("release/dockyard"))
            .env("DOCKYARD_DIST", repo.dist_dir())
            .env("DOCKYARD_BENCH_CPU", repo.target.join("workloads/wasm32-wasip1/release/cpu.wasm"))
            .env("DOCKYARD_BENCH_OUT", &results)
            .env("CHROMEDRIVER", tools::CHROMEDRIVER_BIN)
            .env("CHROMIUM", tools::CHROMIUM_BIN)
            .args(["test", "-p", "dockyard-tests", "--test", "e2e", "--", "--ignored", "--exact"])
            .args(["bench::runtime_in_chromium", "bench::build_in_chromium", "bench::cold_load_in_chromium"])
            // One at a time: both would share two cores, and each adds to the results file.
            .args(["--test-threads=1", "--nocapture"]),
    )?;
    let text = std::fs::read_to_string(&results).with_context(|| format!("no results at {}", results.display()))?;
    Ok(Chromium {
        hello: median(samples(&text, "chromium_hello_ms")?),
        cpu: median(samples(&text, "chromium_cpu_ms")?),
        build_cold: median(samples(&text, "chromium_build_cold_ms")?),
        build_cached: median(samples(&text, "chromium_build_cached_ms")?),
        load: ColdLoads {
            interactive: samples(&text, "chromium_cold_interactive_ms")?,
            static_file: samples(&text, "chromium_cold_static_ms")?,
            transfer: samples(&text, "chromium_cold_transfer_bytes")?,
            decoded: samples(&text, "chromium_cold_decoded_bytes")?,
            gzip: samples(&text, "chromium_cold_gzip_bytes")?,
        },
    })
}

/// The samples on the line `name v1 v2 ...` of the end-to-end benchmark's results.
fn samples(text: &str, name: &str) -> Result<Vec<f64>> {
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .with_context(|| format!("no {name} in the browser's results:\n{text}"))?;
    let values = line.split_whitespace().map(str::parse).collect::<Result<Vec<f64>, _>>();
    match values {
        Ok(values) if !values.is_empty() => Ok(values),
        _ => bail!("unreadable {name} samples: {line:?}"),
    }
}

/// The middle value (the mean of the two middle ones for an even count); `values` is not empty.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() % 2 {
        0 => (values[mid - 1] + values[mid]) / 2.0,
        _ => values[mid],
    }
}

/// Criterion's mean estimate, in nanoseconds, from its `estimates.json`.
fn mean_ns(path: &Path) -> Result<f64> {
    let text = std::fs::read_to_string(path).with_context(|| format!("no criterion estimate at {}", path.display()))?;
    // The file is `{"mean":{"confidence_interval":{...},"point_estimate":N,...},...}`.
    let mean = text.split("\"mean\"").nth(1).context("no mean in the estimate")?;
    let value = mean.split("\"point_estimate\":").nth(1).context("no point estimate")?;
    let number: String =
        value.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+')).collect();
    number.parse().with_context(|| format!("unreadable estimate {number:?} in {}", path.display()))
}

/// The median wall time of `sha256sum` over `file`, in nanoseconds, over several runs.
fn sha256sum_ns(file: &Path) -> Result<f64> {
    let mut times = Vec::new();
    for _ in 0..11 {
        let start = Instant::now();
        let status = Command::new("sha256sum").arg(file).stdout(std::process::Stdio::null()).status()?;
        if !status.success() {
            bail!("sha256sum failed on {}", file.display());
        }
        times.push(start.elapsed().as_nanos() as f64);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterions_mean() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("estimates.json");
        std::fs::write(&file, r#"{"mean":{"confidence_interval":{"lower_bound":1.0},"point_estimate":12.5e1},"median":{"point_estimate":3.0}}"#).unwrap();
        assert_eq!(mean_ns(&file).unwrap(), 125.0);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn reads_the_browsers_samples_and_takes_medians() {
        let text = "chromium_hello_ms 30.5 10.0 20.25\nchromium_cpu_ms 400 500\n";
        assert_eq!(samples(text, "chromium_hello_ms").unwrap(), [30.5, 10.0, 20.25]);
        assert_eq!(median(samples(text, "chromium_hello_ms").unwrap()), 20.25);
        assert_eq!(median(samples(text, "chromium_cpu_ms").unwrap()), 450.0);
        assert!(samples(text, "chromium").is_err(), "a prefix of a name is not the name");
        assert!(samples("chromium_cpu_ms \n", "chromium_cpu_ms").is_err());
    }

    #[test]
    fn the_load_budget_holds_each_measure_to_its_limit() {
        assert!(over_budget(400.0, 691_071.0, 888_492.0).is_empty());
        let over = over_budget(1500.0, 691_071.0, 1_527_685.0);
        assert_eq!(over.len(), 2, "{over:?}");
        assert!(over[0].contains("1500 ms") && over[1].contains("1527685 bytes gzipped"), "{over:?}");
        assert_eq!(over_budget(0.0, 1_000_000.0, 0.0).len(), 1, "1 MB is not under 1 MB");
    }

    #[test]
    fn small_ratios_keep_two_significant_digits() {
        assert_eq!(ratio_text(2.345), "2.35");
        assert_eq!(ratio_text(0.5), "0.50");
        assert_eq!(ratio_text(0.05), "0.050");
        assert_eq!(ratio_text(0.001734), "0.0017");
        assert_eq!(ratio_text(123.0), "123.00");
    }

    #[test]
    fn reads_the_cpu_programs_own_time() {
        let out =
            "primes below 1000000: 78498 (checksum e26b59084d9cf97a), sieved 200 times\ncompute time: 345.678 ms\n";
        assert_eq!(reported_ms(out).unwrap(), 345.678);
        assert!(reported_ms("primes below 1000000: 78497 (checksum 0), sieved 1 times\ncompute time: 1 ms\n").is_err());
        assert!(reported_ms("primes below 1000000: 78498 (checksum 0)\n").is_err());
    }
}
