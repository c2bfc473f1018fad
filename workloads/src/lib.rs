//! The WASI programs inside Dockyard's built-in images, as wasm modules compiled from `programs/`.
//!
//! Hosts (the browser app and the `dockyard` binary) embed these bytes and hand them to the
//! engine, which places each in an image layer on the simulated Docker Hub.

/// `hello`: the program of the `hello-world` image.
pub const HELLO: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hello.wasm"));

/// Every program by name, as the engine's `builtin::Programs` expects them.
pub const ALL: &[(&str, &[u8])] = &[("hello", HELLO)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_is_a_wasm_module() {
        for (name, bytes) in ALL {
            assert!(bytes.starts_with(b"\0asm\x01\0\0\0"), "{name} is not a wasm module");
        }
    }
}
