//! Dockyard's engine: a faithful, sans-IO model of Docker.
//!
//! The engine holds images (content-addressed layers, configs whose digest is the image id),
//! registries, and containers with their lifecycle, and it answers docker command lines with
//! Docker's own output. It never touches the outside world: time comes in as a [`Timestamp`],
//! randomness through [`Entropy`], and when a container's process must run, the engine hands the
//! host a [`Process`] and waits to be told how it ended. The host runs the process's WASI module
//! with the engine's [`wasi`] implementation, so the same code serves wasmtime and the browser.
//!
//! ```
//! use dockyard_engine::{builtin, Ctx, Engine, Seeded, Step, Timestamp};
//! # let module = b"\0asm\x01\0\0\0";
//! let hub = builtin::docker_hub(&builtin::Programs::default().with("hello", module)).unwrap();
//! let mut engine = Engine::new(hub);
//! let mut entropy = Seeded::new(1);
//! let mut ctx = Ctx { now: Timestamp::from_secs(1_800_000_000), entropy: &mut entropy };
//! match engine.execute("docker run hello-world", &mut ctx) {
//!     Step::Launch(launch) => assert_eq!(launch.process.args, ["/hello"]),
//!     other => panic!("expected a launch, got {other:?}"),
//! }
//! ```

pub mod annex;
pub mod api;
pub mod archive;
mod base64;
pub mod build;
pub mod builtin;
pub mod cli;
pub mod compose;
pub mod container;
pub mod copy;
pub mod digest;
pub mod dockerfile;
mod engine;
pub mod format;
pub mod fs;
pub mod goal;
mod gzip;
pub mod image;
pub mod json;
pub mod layer;
pub mod lesson;
pub mod net;
pub mod network;
mod ops;
pub mod progress;
pub mod reference;
pub mod registry;
pub mod sequence;
pub mod sort;
pub mod swarm;
pub mod tar;
pub mod template;
pub mod time;
pub mod view;
pub mod volume;
pub mod wasi;

pub use engine::{
    CopyTarget, Ctx, Engine, ExitStatus, Follow, Launch, Process, ProcessOutcome, ReadThen, Reply, StateError, Step,
    LOCAL_REGISTRY,
};
/// How `docker inspect` prints: four-space JSON, or `--format` over each object; the host bridge
/// prints the real daemon's objects the same way.
pub use ops::inspect::{render_each, to_docker_json};
pub use time::Timestamp;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A source of random bytes, lent by the host: the engine itself has none.
pub trait Entropy {
    fn fill(&mut self, buf: &mut [u8]);
}

/// A small deterministic generator (SplitMix64) for tests and reproducible demos; hosts lend real
/// randomness in normal use.
#[derive(Debug, Clone)]
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Seeded(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl Entropy for Seeded {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}
