//! Benchmarks of the layer model: union-filesystem lookups at 1, 10 and 100 layers, the DiffID of
//! a large layer (tar and sha256), and push and pull of an image of 1,000 files. `cargo xtask
//! bench` runs them and reports ratios: deep lookups against the one-layer lookup, hashing against
//! `sha256sum` on the same bytes, and push and pull against the bare work they cannot avoid (the
//! layer's tar, gzip and back).

use std::hint::black_box;

use std::io::{Read, Write};

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use dockyard_engine::fs::UnionFs;
use dockyard_engine::image::{ContainerConfig, Image, ImageConfig, RootFs};
use dockyard_engine::layer::{Entry, Layer};
use dockyard_engine::registry::Registry;
use dockyard_engine::{Ctx, Engine, Seeded, Step, Timestamp};

/// The size of the layer whose DiffID is measured.
const HASHED_BYTES: usize = 32 << 20;
const FILES_PER_LAYER: usize = 100;

/// `depth` layers of `FILES_PER_LAYER` files each, spread over a few directories.
fn stack(depth: usize) -> Vec<Layer> {
    (0..depth)
        .map(|d| {
            let mut layer = Layer::default();
            for f in 0..FILES_PER_LAYER {
                let path = format!("usr/share/dir{}/layer{d}-file{f}", f % 10);
                layer.insert(&path, Entry::file(&b"x"[..], 0o644)).expect("valid path");
            }
            layer
        })
        .collect()
}

fn union_lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("union_lookup");
    for depth in [1, 10, 100] {
        let fs = UnionFs::new(stack(depth));
        // The bottom layer's file: the worst case for a search that walks the layers.
        let bottom = "usr/share/dir7/layer0-file57";
        group.bench_with_input(BenchmarkId::from_parameter(depth), &fs, |b, fs| {
            b.iter(|| black_box(fs.lookup(black_box(bottom))).is_some())
        });
    }
    group.finish();
}

fn layer_hash(c: &mut Criterion) {
    let data: Vec<u8> = (0..HASHED_BYTES).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut layer = Layer::default();
    layer.insert("blob", Entry::file(data, 0o644)).expect("valid path");
    // xtask hashes the very same tar with sha256sum, the baseline of the ratio it reports.
    let tar = layer.to_tar().expect("tar");
    let out = std::env::var_os("DOCKYARD_BENCH_INPUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-input"));
    std::fs::create_dir_all(&out).expect("bench input folder");
    std::fs::write(out.join("layer.tar"), &tar).expect("bench input");
    let mut group = c.benchmark_group("layer_hash");
    group.throughput(Throughput::Bytes(tar.len() as u64));
    group.sample_size(10);
    group.bench_function("diff_id", |b| b.iter(|| black_box(&layer).diff_id().expect("diff id")));
    group.finish();
}

/// A hub holding `big`: one layer of 1,000 small files.
fn hub_with_big_image() -> (Registry, Layer) {
    let mut layer = Layer::default();
    for f in 0..1_000 {
        let path = format!("srv/data/dir{}/file{f}.txt", f % 20);
        layer.insert(&path, Entry::file(format!("file {f}\n").into_bytes(), 0o644)).expect("valid path");
    }
    let config = ImageConfig {
        architecture: "wasm".into(),
        config: ContainerConfig::default(),
        created: Timestamp(0).rfc3339(),
        history: Vec::new(),
        os: "linux".into(),
        rootfs: RootFs { kind: "layers".into(), diff_ids: vec![layer.diff_id().expect("diff id")] },
    };
    let mut hub = Registry::new("docker.io");
    hub.put("library/big", "latest", &Image::from_config(config, Timestamp(0)), vec![layer.clone()]).expect("put");
    (hub, layer)
}

fn run(engine: &mut Engine, line: &str) {
    let mut entropy = Seeded::new(1);
    let step = engine.execute(line, &mut Ctx { now: Timestamp(0), entropy: &mut entropy });
    assert!(matches!(step, Step::Done(ref r) if r.exit_code == 0), "{line}: {step:?}");
}

fn registry(c: &mut Criterion) {
    let (hub, layer) = hub_with_big_image();
    let mut group = c.benchmark_group("registry");
    group.sample_size(20);
    // The baseline: the layer's tar, compressed and back, and read again: what any push and pull
    // of these files must do.
    group.bench_function("tar_gzip_roundtrip", |b| {
        b.iter(|| {
            let tar = layer.clone().to_tar().expect("tar");
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&tar).expect("in memory");
            let blob = gz.finish().expect("in memory");
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&blob[..]).read_to_end(&mut back).expect("in memory");
            black_box(Layer::from_tar(&back).expect("layer"))
        })
    });
    group.bench_function("pull_1000_files", |b| {
        b.iter_batched(
            || Engine::new(hub.clone()),
            |mut engine| run(&mut engine, "docker pull big"),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("push_1000_files", |b| {
        b.iter_batched(
            || {
                let mut engine = Engine::new(hub.clone());
                run(&mut engine, "docker pull big");
                run(&mut engine, "docker tag big localhost:5000/big");
                engine
            },
            |mut engine| run(&mut engine, "docker push localhost:5000/big"),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, union_lookup, layer_hash, registry);
criterion_main!(benches);
