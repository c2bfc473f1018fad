//! The `dockyard` binary's parts, as a library so that integration tests reach them too.
//!
//! [`native`] is the docker CLI on this machine, [`wasm_host`] runs container processes with
//! wasmtime, [`web`] is `dockyard serve`, and [`host`] bridges to a real Docker Engine.

pub mod host;
pub mod host_fs;
pub mod native;
pub mod net;
pub mod wasm_host;
pub mod web;
