//! Compiles the programs in `programs/` for wasm32-wasip1 and copies the modules into OUT_DIR.
//!
//! The programs are a workspace of their own with their own target folder, so this nested cargo
//! never waits on the lock of the build that runs it.

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// The programs to embed; each is a member of `programs/` whose binary has the same name.
const PROGRAMS: &[&str] = &["hello", "kv", "toolbox", "web"];

/// The WASI conformance programs, binaries of the member `programs/conformance`: one per area of
/// preview1, run by the server's tests under Dockyard and under wasmtime-wasi.
const CONFORMANCE: &[&str] = &["args_env_exit", "clocks_poll", "fs_dirs", "fs_files", "fs_links", "fs_raw", "sockets"];

/// The benchmarks' guests, run by `cargo xtask bench` on every host: not images, not tests.
const BENCH: &[&str] = &["cpu"];

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let programs = manifest_dir.join("programs");
    let target_dir = manifest_dir.join("../target/workloads");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", programs.display());

    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut build = Command::new(cargo);
    build
        .arg("build")
        .arg("--release")
        .arg("--target=wasm32-wasip1")
        .arg("--manifest-path")
        .arg(programs.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    // The outer build's settings describe the outer target (maybe wasm32-unknown-unknown, maybe
    // clippy as a wrapper); none of them applies to the programs.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_MAKEFLAGS",
    ] {
        build.env_remove(var);
    }
    let status = build.status().expect("could not start cargo to build the workloads");
    if !status.success() {
        panic!(
            "building workloads/programs for wasm32-wasip1 failed; if the target is missing, run \
             `rustup target add wasm32-wasip1` (cargo xtask does this for you)"
        );
    }
    for name in PROGRAMS.iter().chain(CONFORMANCE).chain(BENCH) {
        let module = target_dir.join("wasm32-wasip1/release").join(format!("{name}.wasm"));
        std::fs::copy(&module, out_dir.join(format!("{name}.wasm")))
            .unwrap_or_else(|e| panic!("could not copy {}: {e}", module.display()));
    }
}
