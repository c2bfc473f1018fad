//! The page's network: one [`Switch`] on the page's thread carries every container's
//! connections. A worker's socket calls come to it as messages, and the worker sleeps on a
//! shared buffer until the page answers; a call that must wait (an `accept` with nobody
//! connecting yet) is parked until the switch changes.

use std::collections::HashMap;

use dockyard_engine::container::ContainerId;
use dockyard_engine::layer::Bytes;
use dockyard_engine::net::{ConnId, Endpoint, NetConfig, Owner, Switch};
use dockyard_engine::wasi::{self, Errno, Socket, Stream};
use serde::{Deserialize, Serialize};

/// A socket call a worker makes of the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
// Externally tagged: an internally tagged enum buffers its fields to decode them, which costs the
// module far more code.
#[serde(rename_all = "lowercase")]
pub enum Call {
    Accept { at: Endpoint, wait: bool },
    Recv { conn: ConnId, max: usize, peek: bool, wait: bool },
    Send { conn: ConnId, data: Bytes, wait: bool },
    Shutdown { conn: ConnId, read: bool, write: bool },
    Close { conn: ConnId },
    Connect { to: Endpoint },
    Acceptable { at: Endpoint },
    Readable { conn: ConnId },
}

/// The page's answer to a [`Call`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Answer {
    Conn(ConnId),
    Data(Bytes),
    Sent(usize),
    Ready(bool),
    Done,
    Error(u16),
}

/// The size of the buffer a worker reads answers from; a `recv` asks for at most
/// [`MAX_RECV`] bytes, whose base64 in JSON fits with room to spare.
pub const ANSWER_CAPACITY: u32 = 256 << 10;
const MAX_RECV: usize = 64 << 10;

impl Call {
    /// Answers the call for `owner` now, or `None` when it waits and the switch says `Again`.
    fn answer(&self, switch: &mut Switch, owner: Owner) -> Option<Answer> {
        let result = match self {
            Call::Accept { at, .. } => switch.accept(owner, at).map(Answer::Conn),
            Call::Recv { conn, max, peek, .. } => {
                switch.recv(*conn, (*max).min(MAX_RECV), *peek).map(|b| Answer::Data(Bytes::from(b)))
            }
            Call::Send { conn, data, .. } => switch.send(*conn, &data.0).map(Answer::Sent),
            Call::Shutdown { conn, read, write } => switch.shutdown(*conn, *read, *write).map(|()| Answer::Done),
            Call::Close { conn } => {
                switch.close(*conn);
                Ok(Answer::Done)
            }
            Call::Connect { to } => switch.connect(owner, to).map(Answer::Conn),
            Call::Acceptable { at } => switch.listen(owner, at).map(|()| Answer::Ready(switch.acceptable(at))),
            Call::Readable { conn } => Ok(Answer::Ready(switch.readable(*conn))),
        };
        let waits = matches!(
            self,
            Call::Accept { wait: true, .. } | Call::Recv { wait: true, .. } | Call::Send { wait: true, .. }
        );
        match result {
            Err(Errno::Again) if waits => None,
            Ok(answer) => Some(answer),
            Err(errno) => Some(Answer::Error(errno as u16)),
        }
    }
}

/// The page's side: the switch, who owns what, and the calls waiting for it to change.
#[derive(Default)]
pub struct PageNet {
    switch: Switch,
    owners: HashMap<ContainerId, Owner>,
    next: u64,
    parked: Vec<(ContainerId, Call)>,
}

impl PageNet {
    /// The owner of `process`'s sockets (a process id: a container's, or an exec's).
    pub fn owner(&mut self, process: &ContainerId) -> Owner {
        let next = &mut self.next;
        *self.owners.entry(process.clone()).or_insert_with(|| {
            *next += 1;
            Owner(*next)
        })
    }

    /// A new owner for one of the page's own connections.
    pub fn client(&mut self) -> Owner {
        self.next += 1;
        Owner(self.next)
    }

    pub fn switch(&mut self) -> &mut Switch {
        &mut self.switch
    }

    /// Takes `process`'s call: its answer and those of parked calls the call unblocked, each
    /// for the process that made it.
    pub fn call(&mut self, process: &ContainerId, call: Call) -> Vec<(ContainerId, Answer)> {
        let owner = self.owner(process);
        match call.answer(&mut self.switch, owner) {
            Some(answer) => {
                let mut answers = vec![(process.clone(), answer)];
                answers.extend(self.retry());
                answers
            }
            None => {
                self.parked.push((process.clone(), call));
                Vec::new()
            }
        }
    }

    /// `process` ended: its sockets close, and parked calls that waited on them are answered.
    pub fn ended(&mut self, process: &ContainerId) -> Vec<(ContainerId, Answer)> {
        self.parked.retain(|(p, _)| p != process);
        if let Some(owner) = self.owners.remove(process) {
            self.switch.release(owner);
        }
        self.retry()
    }

    /// Answers every parked call that can be answered now, until none can.
    pub fn retry(&mut self) -> Vec<(ContainerId, Answer)> {
        let mut answers = Vec::new();
        loop {
            let mut progressed = false;
            let parked = std::mem::take(&mut self.parked);
            for (process, call) in parked {
                let owner = self.owner(&process);
                match call.answer(&mut self.switch, owner) {
                    Some(answer) => {
                        answers.push((process, answer));
                        progressed = true;
                    }
                    None => self.parked.push((process, call)),
                }
            }
            if !progressed {
                return answers;
            }
        }
    }
}

/// A worker's side: each call goes to the page as a message, and the worker sleeps on the shared
/// buffer (a state word, a length, then the answer's JSON) until the page has answered.
pub struct SharedNetwork {
    pub config: NetConfig,
    pub header: js_sys::Int32Array,
    pub data: js_sys::Uint8Array,
    /// Sends a call to the page.
    pub post: fn(&Call),
    /// Sends output to the page ahead of a wait.
    pub output: fn(Stream, Vec<u8>),
}

/// The states of the answer buffer's first word.
pub const ANSWER_WAITING: i32 = 0;
pub const ANSWER_READY: i32 = 1;

impl SharedNetwork {
    fn call(&self, call: Call) -> Result<Answer, Errno> {
        let _ = js_sys::Atomics::store(&self.header, 0, ANSWER_WAITING);
        (self.post)(&call);
        while js_sys::Atomics::load(&self.header, 0).unwrap_or(ANSWER_READY) == ANSWER_WAITING {
            let _ = js_sys::Atomics::wait(&self.header, 0, ANSWER_WAITING);
        }
        let len = js_sys::Atomics::load(&self.header, 1).unwrap_or(0).clamp(0, ANSWER_CAPACITY as i32) as u32;
        let json = self.data.subarray(0, len).to_vec();
        match dockyard_engine::json::from_bytes::<Answer>(&json) {
            Ok(Answer::Error(raw)) => Err(Errno::from_raw(raw).unwrap_or(Errno::Io)),
            Ok(answer) => Ok(answer),
            Err(_) => Err(Errno::Io),
        }
    }

    fn endpoint(&self, port: u16) -> Result<Endpoint, Errno> {
        let container = self.config.container.clone().ok_or(Errno::Notsock)?;
        Ok(Endpoint { container, port })
    }
}

impl wasi::Network for SharedNetwork {
    fn accept(&mut self, port: u16, wait: bool) -> Result<ConnId, Errno> {
        match self.call(Call::Accept { at: self.endpoint(port)?, wait })? {
            Answer::Conn(conn) => Ok(conn),
            _ => Err(Errno::Io),
        }
    }

    fn recv(&mut self, conn: ConnId, max: usize, peek: bool, wait: bool) -> Result<Vec<u8>, Errno> {
        match self.call(Call::Recv { conn, max, peek, wait })? {
            Answer::Data(bytes) => Ok(bytes.0.to_vec()),
            _ => Err(Errno::Io),
        }
    }

    fn send(&mut self, conn: ConnId, bytes: &[u8], wait: bool) -> Result<usize, Errno> {
        match self.call(Call::Send { conn, data: Bytes::from(bytes), wait })? {
            Answer::Sent(n) => Ok(n),
            _ => Err(Errno::Io),
        }
    }

    fn shutdown(&mut self, conn: ConnId, read: bool, write: bool) -> Result<(), Errno> {
        self.call(Call::Shutdown { conn, read, write }).map(|_| ())
    }

    fn close(&mut self, conn: ConnId) {
        let _ = self.call(Call::Close { conn });
    }

    fn connect(&mut self, host: &str, port: u16) -> Result<ConnId, Errno> {
        let to = self.config.resolve(host, port)?;
        match self.call(Call::Connect { to })? {
            Answer::Conn(conn) => Ok(conn),
            _ => Err(Errno::Io),
        }
    }

    fn ready(&mut self, socket: Socket) -> Result<bool, Errno> {
        let call = match socket {
            Socket::Listener(port) => Call::Acceptable { at: self.endpoint(port)? },
            Socket::Stream(conn) => Call::Readable { conn },
        };
        match self.call(call)? {
            Answer::Ready(ready) => Ok(ready),
            _ => Err(Errno::Io),
        }
    }

    fn flush(&mut self, output: Vec<(Stream, Vec<u8>)>) {
        for (stream, bytes) in output {
            (self.output)(stream, bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockyard_engine::Seeded;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_parked_accept_is_answered_when_a_client_connects() {
        let mut net = PageNet::default();
        let mut entropy = Seeded::new(4);
        let (server, client) = (ContainerId::generate(&mut entropy), ContainerId::generate(&mut entropy));
        let at = Endpoint { container: server.clone(), port: 80 };
        assert!(net.call(&server, Call::Accept { at: at.clone(), wait: true }).is_empty(), "parked");
        let answers = net.call(&client, Call::Connect { to: at.clone() });
        assert_eq!(answers.len(), 2, "the connect, and the accept it unblocked: {answers:?}");
        assert!(matches!(answers[0], (ref p, Answer::Conn(_)) if *p == client));
        assert!(matches!(answers[1], (ref p, Answer::Conn(_)) if *p == server));
        // The server's process ends: its listening socket goes, and connecting is refused.
        net.ended(&server);
        let answers = net.call(&client, Call::Connect { to: at });
        assert!(matches!(answers[0].1, Answer::Error(raw) if raw == Errno::Connrefused as u16));
    }
}
