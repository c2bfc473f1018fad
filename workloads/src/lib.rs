//! The WASI programs inside Dockyard's built-in images, as wasm modules compiled from `programs/`.
//!
//! The `dockyard` binary embeds these bytes and hands them to the engine, which places each in an
//! image layer on the simulated Docker Hub. The browser app's build script does the same at build
//! time, and the page fetches each layer as a file when it is first pulled, so the app's download
//! carries no program.

/// `hello`: the program of the `hello-world` image.
pub const HELLO: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hello.wasm"));

/// `toolbox`: the busybox-like multi-call program of the `toolbox` image, which holds it under
/// each applet's name (`/bin/sh`, `/bin/ls`, ...) and picks the applet by the name it runs as.
pub const TOOLBOX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/toolbox.wasm"));

/// `web`: the static HTTP server of the `web` image, serving `/usr/share/web` on the
/// container's first listening socket.
pub const WEB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web.wasm"));

/// `kv`: the key-value store over HTTP of the `kv` image, keeping each key as a file in `/data`.
pub const KV: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kv.wasm"));

/// Every program by name, as the engine's `builtin::Programs` expects them.
pub const ALL: &[(&str, &[u8])] = &[("hello", HELLO), ("kv", KV), ("toolbox", TOOLBOX), ("web", WEB)];

/// The WASI conformance programs by name, one per area of preview1. They are test programs, not
/// images: the server's tests run each under Dockyard and under wasmtime-wasi and compare.
pub const CONFORMANCE: &[(&str, &[u8])] = &[
    ("args_env_exit", include_bytes!(concat!(env!("OUT_DIR"), "/args_env_exit.wasm"))),
    ("clocks_poll", include_bytes!(concat!(env!("OUT_DIR"), "/clocks_poll.wasm"))),
    ("fs_dirs", include_bytes!(concat!(env!("OUT_DIR"), "/fs_dirs.wasm"))),
    ("fs_files", include_bytes!(concat!(env!("OUT_DIR"), "/fs_files.wasm"))),
    ("fs_links", include_bytes!(concat!(env!("OUT_DIR"), "/fs_links.wasm"))),
    ("fs_raw", include_bytes!(concat!(env!("OUT_DIR"), "/fs_raw.wasm"))),
    ("sockets", include_bytes!(concat!(env!("OUT_DIR"), "/sockets.wasm"))),
];

/// `cpu`: the CPU-bound guest of the runtime benchmarks, which sieves primes and prints how long
/// the work took by its own clock. A benchmark program, not an image.
pub const CPU: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/cpu.wasm"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_is_a_wasm_module() {
        for (name, bytes) in ALL.iter().chain(CONFORMANCE).chain(&[("cpu", CPU)]) {
            assert!(bytes.starts_with(b"\0asm\x01\0\0\0"), "{name} is not a wasm module");
        }
    }
}
