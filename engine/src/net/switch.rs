//! The switch: every listening socket and every connection end of one host, as plain data.
//!
//! Nothing here blocks. An operation that would have to wait answers [`Errno::Again`], and the
//! host decides how to wait: the native host sleeps the process's thread until the switch
//! changes, the page parks a worker's request until then. Each socket belongs to an [`Owner`]
//! (a process, or the host's proxy for a published port), so that when a process ends, all it
//! held goes with it, as the kernel closes a dead process's sockets.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::Endpoint;
use crate::wasi::Errno;

/// One end of a connection, as the switch names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConnId(pub u64);

/// Whoever holds sockets: one process, or one of the host's own clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Owner(pub u64);

/// The most bytes in flight towards one end before its peer's sends must wait: the window that
/// keeps a fast writer from filling the host's memory while a slow reader lags.
pub const MAX_IN_FLIGHT: usize = 256 << 10;

/// The most connections waiting for `accept` on one socket, as `listen`'s backlog bounds them.
const BACKLOG: usize = 128;

#[derive(Debug)]
struct Listener {
    owner: Owner,
    backlog: VecDeque<ConnId>,
}

#[derive(Debug)]
struct End {
    owner: Owner,
    peer: ConnId,
    /// Bytes the peer sent that this end has not read.
    inbox: VecDeque<u8>,
    /// The peer will send no more: it shut down its writing side, or closed.
    eof: bool,
    /// The peer closed: what this end sends goes nowhere.
    peer_gone: bool,
    read_shut: bool,
    write_shut: bool,
}

/// The sockets of one host.
#[derive(Debug, Default)]
pub struct Switch {
    listeners: BTreeMap<Endpoint, Listener>,
    ends: BTreeMap<ConnId, End>,
    next: u64,
}

impl Switch {
    pub fn new() -> Self {
        Switch::default()
    }

    /// Starts listening at `at` for `owner`; listening again is nothing. Another owner's socket
    /// there makes it `Addrinuse`, as a second bind of one port does.
    pub fn listen(&mut self, owner: Owner, at: &Endpoint) -> Result<(), Errno> {
        match self.listeners.get(at) {
            Some(listener) if listener.owner != owner => Err(Errno::Addrinuse),
            Some(_) => Ok(()),
            None => {
                self.listeners.insert(at.clone(), Listener { owner, backlog: VecDeque::new() });
                Ok(())
            }
        }
    }

    /// Whether something listens at `at`.
    pub fn is_listening(&self, at: &Endpoint) -> bool {
        self.listeners.contains_key(at)
    }

    /// The next connection waiting at `at` (listening there first if not yet), now `owner`'s.
    /// One whose client has already sent something goes first: a browser opens spare
    /// connections it may never use, and a server that takes one connection at a time would
    /// otherwise sit on an idle one while a request waits behind it.
    pub fn accept(&mut self, owner: Owner, at: &Endpoint) -> Result<ConnId, Errno> {
        self.listen(owner, at)?;
        let listener = self.listeners.get_mut(at).ok_or(Errno::Again)?;
        let ends = &self.ends;
        let ready = listener.backlog.iter().position(|c| ends.get(c).is_none_or(|e| !e.inbox.is_empty() || e.eof));
        let conn = listener.backlog.remove(ready.unwrap_or(0)).ok_or(Errno::Again)?;
        if let Some(end) = self.ends.get_mut(&conn) {
            end.owner = owner;
        }
        Ok(conn)
    }

    /// Whether `accept` at `at` would return a connection now.
    pub fn acceptable(&self, at: &Endpoint) -> bool {
        self.listeners.get(at).is_some_and(|l| !l.backlog.is_empty())
    }

    /// Connects `owner` to the socket listening at `to`: the new connection waits in its backlog
    /// for `accept`, and the returned end is the caller's. Nobody listening is `Connrefused`.
    pub fn connect(&mut self, owner: Owner, to: &Endpoint) -> Result<ConnId, Errno> {
        let listener = self.listeners.get(to).ok_or(Errno::Connrefused)?;
        if listener.backlog.len() >= BACKLOG {
            return Err(Errno::Connrefused);
        }
        let server_owner = listener.owner;
        let (client, server) = (ConnId(self.next), ConnId(self.next + 1));
        self.next += 2;
        self.ends.insert(client, End::new(owner, server));
        self.ends.insert(server, End::new(server_owner, client));
        if let Some(listener) = self.listeners.get_mut(to) {
            listener.backlog.push_back(server);
        }
        Ok(client)
    }

    /// Takes up to `max` bytes that reached `conn` (or, with `peek`, copies them). Empty means the
    /// end of the stream; `Again` means nothing yet.
    pub fn recv(&mut self, conn: ConnId, max: usize, peek: bool) -> Result<Vec<u8>, Errno> {
        let end = self.ends.get_mut(&conn).ok_or(Errno::Badf)?;
        if end.read_shut || max == 0 {
            return Ok(Vec::new());
        }
        if end.inbox.is_empty() {
            return if end.eof { Ok(Vec::new()) } else { Err(Errno::Again) };
        }
        let take = end.inbox.len().min(max);
        Ok(if peek { end.inbox.iter().take(take).copied().collect() } else { end.inbox.drain(..take).collect() })
    }

    /// Whether `recv` on `conn` would return at once (bytes, the end of the stream, or an error).
    pub fn readable(&self, conn: ConnId) -> bool {
        self.ends.get(&conn).is_none_or(|end| !end.inbox.is_empty() || end.eof || end.read_shut)
    }

    /// Sends as much of `bytes` as the peer's window takes; `Again` when it takes nothing now,
    /// `Pipe` once this end shut its writing side, `Connreset` once the peer is gone.
    pub fn send(&mut self, conn: ConnId, bytes: &[u8]) -> Result<usize, Errno> {
        let end = self.ends.get(&conn).ok_or(Errno::Badf)?;
        if end.write_shut {
            return Err(Errno::Pipe);
        }
        if end.peer_gone {
            return Err(Errno::Connreset);
        }
        let peer = end.peer;
        let Some(peer_end) = self.ends.get_mut(&peer) else { return Err(Errno::Connreset) };
        if peer_end.read_shut {
            // A reader that shut its reading side discards what still comes, as Linux does.
            return Ok(bytes.len());
        }
        let room = MAX_IN_FLIGHT.saturating_sub(peer_end.inbox.len());
        if room == 0 && !bytes.is_empty() {
            return Err(Errno::Again);
        }
        let n = bytes.len().min(room);
        peer_end.inbox.extend(&bytes[..n]);
        Ok(n)
    }

    /// Whether `send` on `conn` would take bytes now (or fail at once).
    pub fn writable(&self, conn: ConnId) -> bool {
        match self.ends.get(&conn) {
            Some(end) if !end.write_shut && !end.peer_gone => {
                self.ends.get(&end.peer).is_none_or(|p| p.read_shut || p.inbox.len() < MAX_IN_FLIGHT)
            }
            _ => true,
        }
    }

    /// Shuts down reading, writing, or both on `conn`. The peer of a writer that shut down reads
    /// to the end of the stream.
    pub fn shutdown(&mut self, conn: ConnId, read: bool, write: bool) -> Result<(), Errno> {
        let end = self.ends.get_mut(&conn).ok_or(Errno::Badf)?;
        if end.peer_gone && !end.eof {
            return Err(Errno::Notconn);
        }
        end.read_shut |= read;
        end.write_shut |= write;
        if read {
            end.inbox.clear();
        }
        let peer = end.peer;
        if write {
            if let Some(peer) = self.ends.get_mut(&peer) {
                peer.eof = true;
            }
        }
        Ok(())
    }

    /// Closes `conn`: its peer reads to the end of the stream, and its peer's sends fail.
    pub fn close(&mut self, conn: ConnId) {
        if let Some(end) = self.ends.remove(&conn) {
            if let Some(peer) = self.ends.get_mut(&end.peer) {
                peer.eof = true;
                peer.peer_gone = true;
            }
        }
    }

    /// Closes everything `owner` holds: its connections, and its listening sockets with the
    /// connections still waiting there, whose clients see the end of the stream.
    pub fn release(&mut self, owner: Owner) {
        let listening: Vec<Endpoint> =
            self.listeners.iter().filter(|(_, l)| l.owner == owner).map(|(at, _)| at.clone()).collect();
        for at in listening {
            if let Some(listener) = self.listeners.remove(&at) {
                listener.backlog.into_iter().for_each(|conn| self.close(conn));
            }
        }
        let held: Vec<ConnId> = self.ends.iter().filter(|(_, e)| e.owner == owner).map(|(id, _)| *id).collect();
        held.into_iter().for_each(|conn| self.close(conn));
    }

    /// How many connection ends are open, for tests and for the pictures.
    pub fn open_ends(&self) -> usize {
        self.ends.len()
    }
}

impl End {
    fn new(owner: Owner, peer: ConnId) -> Self {
        End { owner, peer, inbox: VecDeque::new(), eof: false, peer_gone: false, read_shut: false, write_shut: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::ContainerId;
    use crate::Seeded;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const SERVER: Owner = Owner(1);
    const CLIENT: Owner = Owner(2);

    fn web() -> Endpoint {
        Endpoint { container: ContainerId::generate(&mut Seeded::new(9)), port: 80 }
    }

    #[test]
    fn a_request_and_its_response_cross_the_switch() {
        let mut switch = Switch::new();
        let at = web();
        assert_eq!(switch.accept(SERVER, &at), Err(Errno::Again), "nobody has connected yet");
        let client = switch.connect(CLIENT, &at).unwrap();
        assert!(switch.acceptable(&at));
        let server = switch.accept(SERVER, &at).unwrap();
        assert_eq!(switch.recv(server, 100, false), Err(Errno::Again));
        assert_eq!(switch.send(client, b"GET / HTTP/1.0\r\n\r\n"), Ok(18));
        switch.shutdown(client, false, true).unwrap();
        assert_eq!(switch.recv(server, 4, true).unwrap(), b"GET ");
        assert_eq!(switch.recv(server, 100, false).unwrap(), b"GET / HTTP/1.0\r\n\r\n");
        assert_eq!(switch.recv(server, 100, false).unwrap(), b"", "the client shut down its writing side");
        assert_eq!(switch.send(server, b"HTTP/1.0 200 OK\r\n\r\nhi"), Ok(21));
        switch.close(server);
        assert_eq!(switch.recv(client, 100, false).unwrap(), b"HTTP/1.0 200 OK\r\n\r\nhi");
        assert_eq!(switch.recv(client, 100, false).unwrap(), b"");
        assert_eq!(switch.send(client, b"more"), Err(Errno::Pipe));
        switch.close(client);
        assert_eq!(switch.open_ends(), 0);
    }

    #[test]
    fn a_connection_that_has_sent_something_is_accepted_before_an_idle_one() {
        let mut switch = Switch::new();
        let at = web();
        switch.listen(SERVER, &at).unwrap();
        let idle = switch.connect(CLIENT, &at).unwrap();
        let asking = switch.connect(CLIENT, &at).unwrap();
        switch.send(asking, b"GET /").unwrap();
        let first = switch.accept(SERVER, &at).unwrap();
        assert_eq!(switch.recv(first, 10, false).unwrap(), b"GET /");
        let second = switch.accept(SERVER, &at).unwrap();
        assert_eq!(switch.recv(second, 10, false), Err(Errno::Again), "the idle one comes last");
        switch.close(idle);
        assert_eq!(switch.recv(second, 10, false).unwrap(), b"");
    }

    #[test]
    fn nobody_listening_refuses_and_a_second_owner_cannot_listen() {
        let mut switch = Switch::new();
        let at = web();
        assert_eq!(switch.connect(CLIENT, &at), Err(Errno::Connrefused));
        switch.listen(SERVER, &at).unwrap();
        assert_eq!(switch.listen(Owner(3), &at), Err(Errno::Addrinuse));
        assert!(switch.connect(CLIENT, &at).is_ok());
    }

    #[test]
    fn a_full_window_makes_the_sender_wait_until_the_reader_reads() {
        let mut switch = Switch::new();
        let at = web();
        switch.listen(SERVER, &at).unwrap();
        let client = switch.connect(CLIENT, &at).unwrap();
        let server = switch.accept(SERVER, &at).unwrap();
        let big = vec![7u8; MAX_IN_FLIGHT + 10];
        assert_eq!(switch.send(client, &big), Ok(MAX_IN_FLIGHT));
        assert!(!switch.writable(client));
        assert_eq!(switch.send(client, &big[MAX_IN_FLIGHT..]), Err(Errno::Again));
        assert_eq!(switch.recv(server, 1000, false).unwrap().len(), 1000);
        assert_eq!(switch.send(client, &big[MAX_IN_FLIGHT..]), Ok(10));
    }

    #[test]
    fn an_ended_process_takes_its_sockets_and_waiting_clients_see_the_end() {
        let mut switch = Switch::new();
        let at = web();
        switch.listen(SERVER, &at).unwrap();
        let waiting = switch.connect(CLIENT, &at).unwrap();
        switch.release(SERVER);
        assert!(!switch.is_listening(&at));
        assert!(switch.readable(waiting));
        assert_eq!(switch.recv(waiting, 10, false).unwrap(), b"");
        assert_eq!(switch.send(waiting, b"x"), Err(Errno::Connreset));
        assert_eq!(switch.connect(CLIENT, &at), Err(Errno::Connrefused));
        switch.release(CLIENT);
        assert_eq!(switch.open_ends(), 0);
    }

    #[test]
    fn unknown_connections_are_bad_descriptors() {
        let mut switch = Switch::new();
        assert_eq!(switch.recv(ConnId(42), 1, false), Err(Errno::Badf));
        assert_eq!(switch.send(ConnId(42), b"x"), Err(Errno::Badf));
        assert_eq!(switch.shutdown(ConnId(42), true, true), Err(Errno::Badf));
        switch.close(ConnId(42));
    }
}
