//! Benchmarks of the layer model: union-filesystem lookups at 1, 10 and 100 layers, and the
//! DiffID of a large layer (tar and sha256). `cargo xtask bench` runs them and reports ratios:
//! deep lookups against the one-layer lookup, and hashing against `sha256sum` on the same bytes.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dockyard_engine::fs::UnionFs;
use dockyard_engine::layer::{Entry, Layer};

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
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-input");
    std::fs::create_dir_all(&out).expect("bench input folder");
    std::fs::write(out.join("layer.tar"), &tar).expect("bench input");
    let mut group = c.benchmark_group("layer_hash");
    group.throughput(Throughput::Bytes(tar.len() as u64));
    group.sample_size(10);
    group.bench_function("diff_id", |b| b.iter(|| black_box(&layer).diff_id().expect("diff id")));
    group.finish();
}

criterion_group!(benches, union_lookup, layer_hash);
criterion_main!(benches);
