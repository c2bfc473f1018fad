//! Dockyard end to end: the real `dockyard` binary, a real headless Chromium driven through
//! chromedriver, real wasmtime, and a private Docker Engine started by `cargo xtask test`.
//!
//! One test binary with a module per feature. Each test starts what it needs and stops it, so
//! tests are independent; `cargo xtask test` runs them one at a time to stay within two cores.
//! Nothing here is skipped: a missing prerequisite fails the test with what to do about it.

mod annex;
mod archive;
mod bench;
mod build;
mod classroom;
mod compose;
mod curriculum;
mod editor;
mod harness;
mod host;
mod host_api;
mod host_flows;
mod host_load;
mod host_security;
mod host_stream;
mod host_tty;
mod lesson;
mod native;
mod networks;
mod pictures;
mod ports;
mod session;
mod terminal;
mod views;
