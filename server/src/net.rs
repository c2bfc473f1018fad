//! The native host's network: one [`Switch`] that every process thread shares, and, for each
//! port a container publishes, a real TCP listener on loopback that forwards into it, as Docker's
//! `docker-proxy` forwards a host port to a container.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use dockyard_engine::net::{ConnId, Endpoint, Forward, NetConfig, Owner, Switch};
use dockyard_engine::wasi::{self, Errno, Socket, Stream};

use crate::wasm_host::Control;

/// How often a waiting call looks up from the switch to see whether it should give up.
const TICK: Duration = Duration::from_millis(10);

/// The switch of this host and the signal that it changed.
#[derive(Default)]
pub struct Network {
    switch: Mutex<Switch>,
    changed: Condvar,
    owners: AtomicU64,
}

impl Network {
    pub fn new() -> Arc<Self> {
        Arc::new(Network::default())
    }

    fn lock(&self) -> MutexGuard<'_, Switch> {
        self.switch.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new holder of sockets: a process, or one connection of the proxy.
    fn owner(&self) -> Owner {
        Owner(self.owners.fetch_add(1, Ordering::SeqCst) + 1)
    }

    /// Runs `op` on the switch; with `wait`, again each time the switch changes while it answers
    /// `Again`, until it answers otherwise or `stop` says the caller is going away (`Intr`).
    fn op<T>(
        &self,
        wait: bool,
        stop: &dyn Fn() -> bool,
        mut op: impl FnMut(&mut Switch) -> Result<T, Errno>,
    ) -> Result<T, Errno> {
        let mut switch = self.lock();
        loop {
            match op(&mut switch) {
                Err(Errno::Again) if wait => {
                    if stop() {
                        return Err(Errno::Intr);
                    }
                    switch = self.changed.wait_timeout(switch, TICK).unwrap_or_else(|e| e.into_inner()).0;
                }
                other => {
                    self.changed.notify_all();
                    return other;
                }
            }
        }
    }

    fn release(&self, owner: Owner) {
        self.lock().release(owner);
        self.changed.notify_all();
    }

    /// The network of one process, which gives back all it holds when dropped.
    pub fn for_process(
        self: &Arc<Self>,
        config: NetConfig,
        control: Arc<Control>,
        flush: Arc<dyn Fn(Stream, Vec<u8>) + Send + Sync>,
    ) -> ProcessNet {
        ProcessNet { net: self.clone(), owner: self.owner(), config, control, flush }
    }

    /// Listens on 127.0.0.1 at each forward's host port and carries each connection to its
    /// container port, until the returned proxy is dropped. A port the machine already uses is
    /// reported and left out; the rest still work.
    pub fn publish(self: &Arc<Self>, forwards: &[Forward]) -> Proxy {
        let stop = Arc::new(AtomicBool::new(false));
        for forward in forwards {
            let listener = match TcpListener::bind(("127.0.0.1", forward.host_port)) {
                Ok(listener) => listener,
                Err(e) => {
                    eprintln!(
                        "dockyard: cannot listen on 127.0.0.1:{} for the container: {}",
                        forward.host_port,
                        crate::native::io_words(&e)
                    );
                    continue;
                }
            };
            let (net, stop, to) = (self.clone(), stop.clone(), forward.to.clone());
            std::thread::spawn(move || net.serve(listener, to, stop));
        }
        Proxy { stop }
    }

    fn serve(self: Arc<Self>, listener: TcpListener, to: Endpoint, stop: Arc<AtomicBool>) {
        // Non-blocking, so the loop notices when the container's ports are given back.
        if listener.set_nonblocking(true).is_err() {
            return;
        }
        while !stop.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((stream, _)) => {
                    let (net, to, stop) = (self.clone(), to.clone(), stop.clone());
                    std::thread::spawn(move || net.forward(stream, &to, stop));
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(TICK * 2),
                Err(_) => std::thread::sleep(TICK * 2),
            }
        }
    }

    /// Carries one TCP connection to `to` and back. Nothing listening there closes it, as
    /// docker-proxy does when its container refuses.
    fn forward(self: Arc<Self>, tcp: TcpStream, to: &Endpoint, stop: Arc<AtomicBool>) {
        let owner = self.owner();
        let never = || false;
        let Ok(conn) = self.op(false, &never, |s| s.connect(owner, to)) else { return };
        let _ = tcp.set_nonblocking(false);
        let _ = tcp.set_read_timeout(Some(TICK * 10));
        let stopped = {
            let stop = stop.clone();
            move || stop.load(Ordering::SeqCst)
        };
        let upstream = match tcp.try_clone() {
            Ok(mut reader) => {
                let (net, stopped) = (self.clone(), stopped.clone());
                Some(std::thread::spawn(move || {
                    let mut buf = vec![0u8; 64 << 10];
                    loop {
                        match reader.read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => {
                                let mut sent = 0;
                                while sent < n {
                                    match net.op(true, &stopped, |s| s.send(conn, &buf[sent..n])) {
                                        Ok(k) => sent += k,
                                        Err(_) => return,
                                    }
                                }
                            }
                            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                                if stopped() {
                                    return;
                                }
                            }
                            Err(_) => break,
                        }
                    }
                    let _ = net.op(false, &never, |s| s.shutdown(conn, false, true));
                }))
            }
            Err(_) => None,
        };
        let mut writer = tcp;
        loop {
            match self.op(true, &stopped, |s| s.recv(conn, 64 << 10, false)) {
                Ok(bytes) if bytes.is_empty() => break,
                Ok(bytes) => {
                    if writer.write_all(&bytes).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        let _ = writer.shutdown(Shutdown::Write);
        if let Some(upstream) = upstream {
            let _ = upstream.join();
        }
        self.release(owner);
    }
}

/// The host's listeners for one container's published ports; dropping it closes them.
pub struct Proxy {
    stop: Arc<AtomicBool>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// One process's view of the host's network.
pub struct ProcessNet {
    net: Arc<Network>,
    owner: Owner,
    config: NetConfig,
    control: Arc<Control>,
    flush: Arc<dyn Fn(Stream, Vec<u8>) + Send + Sync>,
}

impl ProcessNet {
    fn endpoint(&self, port: u16) -> Result<Endpoint, Errno> {
        let container = self.config.container.clone().ok_or(Errno::Notsock)?;
        Ok(Endpoint { container, port })
    }

    fn op<T>(&self, wait: bool, op: impl FnMut(&mut Switch) -> Result<T, Errno>) -> Result<T, Errno> {
        let control = self.control.clone();
        self.net.op(wait, &move || control.killed().is_some(), op)
    }
}

impl wasi::Network for ProcessNet {
    fn accept(&mut self, port: u16, wait: bool) -> Result<ConnId, Errno> {
        let (at, owner) = (self.endpoint(port)?, self.owner);
        self.op(wait, |s| s.accept(owner, &at))
    }

    fn recv(&mut self, conn: ConnId, max: usize, peek: bool, wait: bool) -> Result<Vec<u8>, Errno> {
        self.op(wait, |s| s.recv(conn, max, peek))
    }

    fn send(&mut self, conn: ConnId, bytes: &[u8], wait: bool) -> Result<usize, Errno> {
        self.op(wait, |s| s.send(conn, bytes))
    }

    fn shutdown(&mut self, conn: ConnId, read: bool, write: bool) -> Result<(), Errno> {
        self.op(false, |s| s.shutdown(conn, read, write))
    }

    fn close(&mut self, conn: ConnId) {
        let _ = self.op(false, |s| {
            s.close(conn);
            Ok(())
        });
    }

    fn connect(&mut self, host: &str, port: u16) -> Result<ConnId, Errno> {
        let (to, owner) = (self.config.resolve(host, port)?, self.owner);
        self.op(false, |s| s.connect(owner, &to))
    }

    fn ready(&mut self, socket: Socket) -> Result<bool, Errno> {
        if self.control.killed().is_some() {
            return Err(Errno::Intr);
        }
        let owner = self.owner;
        match socket {
            Socket::Listener(port) => {
                let at = self.endpoint(port)?;
                self.op(false, |s| s.listen(owner, &at).map(|()| s.acceptable(&at)))
            }
            Socket::Stream(conn) => self.op(false, |s| Ok(s.readable(conn))),
        }
    }

    fn flush(&mut self, output: Vec<(Stream, Vec<u8>)>) {
        for (stream, bytes) in output {
            (self.flush)(stream, bytes);
        }
    }
}

impl Drop for ProcessNet {
    fn drop(&mut self) {
        self.net.release(self.owner);
    }
}
