//! Sockets for a guest: the [`Network`] a host lends a process, and Dockyard's one import
//! beyond preview1, `dockyard.sock_connect`.
//!
//! Preview1 can accept, read, write and shut down sockets that are handed to a process, but it
//! cannot open one. Listening sockets are handed over as descriptors (see
//! [`NetConfig::listen`](crate::net::NetConfig)); for outgoing connections, which the toolbox's
//! `curl` makes, a process imports `sock_connect` from the module [`DOCKYARD_MODULE`]:
//!
//! ```text
//! (import "dockyard" "sock_connect"
//!   (func (param $host_ptr i32) (param $host_len i32) (param $port i32) (param $fd_out i32)
//!         (result i32)))
//! ```
//!
//! It resolves the UTF-8 host name, connects, and writes the new stream's descriptor at
//! `fd_out`. Its errors are preview1 errnos: `noent` for a name that does not resolve,
//! `connrefused` where nothing listens, `hostunreach` and `netunreach` where there is no route.

use super::{Stream, ValType};
use crate::net::ConnId;

use ValType::I32;

/// The import module of Dockyard's own host functions.
pub const DOCKYARD_MODULE: &str = "dockyard";

/// Dockyard's own host functions, with their parameter types; each returns an errno as `i32`.
pub const DOCKYARD_FUNCTIONS: &[(&str, &[ValType])] = &[("sock_connect", &[I32, I32, I32, I32])];

/// A socket a process holds, as the host knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Socket {
    /// Listening on a port of the process's container.
    Listener(u16),
    /// One end of a connection.
    Stream(ConnId),
}

/// The network a host lends a process. Calls with `wait` block until they can answer (or the
/// process is killed, which a host reports as `Intr`); without, they answer `Again` at once.
pub trait Network {
    /// The next connection to the container's `port`.
    fn accept(&mut self, port: u16, wait: bool) -> Result<ConnId, super::Errno>;
    /// Up to `max` bytes from `conn`; empty at the end of the stream.
    fn recv(&mut self, conn: ConnId, max: usize, peek: bool, wait: bool) -> Result<Vec<u8>, super::Errno>;
    /// Sends some of `bytes` (at least one when waiting) and says how many.
    fn send(&mut self, conn: ConnId, bytes: &[u8], wait: bool) -> Result<usize, super::Errno>;
    fn shutdown(&mut self, conn: ConnId, read: bool, write: bool) -> Result<(), super::Errno>;
    fn close(&mut self, conn: ConnId);
    /// Connects to `host:port` as the process's network resolves it.
    fn connect(&mut self, host: &str, port: u16) -> Result<ConnId, super::Errno>;
    /// Whether reading (`accept`, `recv`) on `socket` would answer at once; an error (`Intr`
    /// for a process being killed) ends a wait in `poll_oneoff`.
    fn ready(&mut self, socket: Socket) -> Result<bool, super::Errno>;
    /// Hands over what the process wrote before it blocks, so its log is current while it waits.
    fn flush(&mut self, output: Vec<(Stream, Vec<u8>)>);
}
