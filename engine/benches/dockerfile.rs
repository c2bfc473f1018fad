//! Benchmark of the Dockerfile parser: a generated Dockerfile of 2,000 instructions, in the
//! shapes real ones take (continuation lines with comments inside, heredocs, JSON forms, flags,
//! `ENV` and `LABEL` pairs), parsed in full, both phases. `cargo xtask bench` reports its
//! throughput and a ratio against the baseline measured here too: `serde_json` reading the same
//! instructions (name, flags, arguments, heredoc bodies) written as JSON into a
//! `serde_json::Value`. Both turn text into a tree of owned strings, and `serde_json` is a mature,
//! tuned parser of a format made for machines, so the ratio says what reading Dockerfile syntax
//! costs beyond the least any parser producing that tree must do.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dockyard_engine::dockerfile;
use serde_json::{json, Value};

/// How many instructions the generated Dockerfile holds.
const INSTRUCTIONS: usize = 2_000;

/// The `i`th instruction: its text in the Dockerfile (with the blank line or comment that
/// precedes some), and the same instruction as JSON, `[name, [flags], [args], [heredocs]]`.
fn instruction(i: usize) -> (String, Value) {
    let port = 8000 + i % 1000;
    match i % 16 {
        0 => (
            format!("\n# Stage {i}: the service's build.\nFROM toolbox:1.{i} AS stage{i}\n"),
            json!(["FROM", [], [format!("toolbox:1.{i}"), "AS", format!("stage{i}")], []]),
        ),
        1 => (format!("ARG VERSION_{i}=1.{i}.0\n"), json!(["ARG", [], [format!("VERSION_{i}=1.{i}.0")], []])),
        2 => (
            format!("ENV APP_HOME=/srv/app{i} \\\n    LOG_LEVEL=debug \\\n    PATH=/srv/app{i}/bin:$PATH\n"),
            json!(["ENV", [], ["APP_HOME", format!("/srv/app{i}"), "LOG_LEVEL", "debug", "PATH", format!("/srv/app{i}/bin:$PATH")], []]),
        ),
        3 => (
            format!("LABEL org.opencontainers.image.title=\"service {i}\" org.opencontainers.image.version=\"${{VERSION_{i}}}\"\n"),
            json!(["LABEL", [], ["org.opencontainers.image.title", format!("service {i}"), "org.opencontainers.image.version", format!("${{VERSION_{i}}}")], []]),
        ),
        4 => (format!("WORKDIR /srv/app{i}\n"), json!(["WORKDIR", [], [format!("/srv/app{i}")], []])),
        5 => (
            format!("COPY --chown=1000:1000 --chmod=644 config/app{i}.toml src/lib{i}.rs /srv/app{i}/\n"),
            json!(["COPY", ["--chown=1000:1000", "--chmod=644"], [format!("config/app{i}.toml"), format!("src/lib{i}.rs"), format!("/srv/app{i}/")], []]),
        ),
        6 => {
            let command = format!(
                "set -e;     mkdir -p /var/cache/app{i}     && for f in a b c; do echo \"$f-{i}\" >> /var/log/app{i}.log; done     && sed -e 's/a/b/g' /var/log/app{i}.log > /tmp/out{i}"
            );
            (
                format!(
                    "RUN set -e; \\\n    mkdir -p /var/cache/app{i} \\\n    # the log goes where the service expects it\n    && for f in a b c; do echo \"$f-{i}\" >> /var/log/app{i}.log; done \\\n    && sed -e 's/a/b/g' /var/log/app{i}.log > /tmp/out{i}\n"
                ),
                json!(["RUN", [], [command], []]),
            )
        }
        7 => {
            let body = format!("set -e\necho building {i}\nmkdir -p /opt/{i}\nls -l /opt/{i} > /opt/{i}.list\n");
            (format!("RUN <<EOF\n{body}EOF\n"), json!(["RUN", [], ["<<EOF"], [["EOF", body]]]))
        }
        8 => {
            let body = format!("\tlisten = {port}\n\tname = \"app{i}\"\n");
            (
                format!("COPY <<-\"CONF\" /etc/app{i}.conf\n{body}\tCONF\n"),
                json!(["COPY", [], ["<<-\"CONF\"", format!("/etc/app{i}.conf")], [["CONF", body]]]),
            )
        }
        9 => (
            format!("RUN [\"/bin/sh\", \"-c\", \"echo exec form {i} && ls -l /\"]\n"),
            json!(["RUN", [], ["/bin/sh", "-c", format!("echo exec form {i} && ls -l /")], []]),
        ),
        10 => (
            format!("EXPOSE {port}/tcp {}/udp\n", 9000 + i % 100),
            json!(["EXPOSE", [], [format!("{port}/tcp"), format!("{}/udp", 9000 + i % 100)], []]),
        ),
        11 => (
            format!("HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD [\"curl\", \"-f\", \"http://localhost:{port}/health\"]\n"),
            json!(["HEALTHCHECK", ["--interval=30s", "--timeout=3s", "--retries=3"], ["CMD", "curl", "-f", format!("http://localhost:{port}/health")], []]),
        ),
        12 => (format!("USER app{i}:app\n"), json!(["USER", [], [format!("app{i}:app")], []])),
        13 => (
            format!("VOLUME [\"/data/{i}\", \"/cache/{i}\"]\n"),
            json!(["VOLUME", [], [format!("/data/{i}"), format!("/cache/{i}")], []]),
        ),
        14 => (
            format!("ENTRYPOINT [\"/usr/bin/app{i}\", \"--config\", \"/etc/app{i}.conf\"]\n"),
            json!(["ENTRYPOINT", [], [format!("/usr/bin/app{i}"), "--config", format!("/etc/app{i}.conf")], []]),
        ),
        _ => (
            format!("CMD [\"--verbose\", \"--port\", \"{port}\"]\n"),
            json!(["CMD", [], ["--verbose", "--port", port.to_string()], []]),
        ),
    }
}

/// The Dockerfile and the same instructions as JSON.
fn inputs() -> (String, String) {
    let mut text = String::from("# syntax=docker/dockerfile:1\n");
    let mut values = Vec::with_capacity(INSTRUCTIONS);
    for i in 0..INSTRUCTIONS {
        let (line, value) = instruction(i);
        text.push_str(&line);
        values.push(value);
    }
    (text, Value::Array(values).to_string())
}

fn parse(c: &mut Criterion) {
    let (text, json) = inputs();
    let parsed = dockerfile::parse(&text).expect("the generated Dockerfile parses");
    assert_eq!(parsed.instructions.len(), INSTRUCTIONS);
    let values: Value = serde_json::from_str(&json).expect("the JSON parses");
    assert_eq!(values.as_array().map(Vec::len), Some(INSTRUCTIONS));
    // xtask reads the sizes from these files to turn times into throughput.
    let out = std::env::var_os("DOCKYARD_BENCH_INPUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-input"));
    std::fs::create_dir_all(&out).expect("bench input folder");
    std::fs::write(out.join("Dockerfile"), &text).expect("bench input");
    std::fs::write(out.join("dockerfile.json"), &json).expect("bench input");

    let mut group = c.benchmark_group("dockerfile_parse");
    // A parse takes milliseconds: fifty samples fit in the default measuring time.
    group.sample_size(50);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("dockerfile", |b| b.iter(|| dockerfile::parse(black_box(&text)).expect("parses")));
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("serde_json", |b| b.iter(|| serde_json::from_str::<Value>(black_box(&json)).expect("parses")));
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
