//! Unit tests of the preview1 functions over a plain byte slice as guest memory.

use super::*;
use crate::Seeded;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

struct FixedClocks;

/// Clocks that only move when the guest sleeps, and remember how long it slept.
struct SleepyClocks(std::rc::Rc<std::cell::Cell<u64>>);

impl Clocks for SleepyClocks {
    fn realtime(&self) -> u64 {
        1_700_000_000_000_000_000 + self.0.get()
    }
    fn monotonic(&self) -> u64 {
        self.0.get()
    }
    fn sleep(&self, nanos: u64) {
        self.0.set(self.0.get() + nanos);
    }
}

impl Clocks for FixedClocks {
    fn realtime(&self) -> u64 {
        1_700_000_000_000_000_000
    }
    fn monotonic(&self) -> u64 {
        42
    }
    fn sleep(&self, _nanos: u64) {}
}

fn ctx(args: &[&str], env: &[&str]) -> WasiCtx {
    WasiCtx::new(
        args.iter().map(|s| s.to_string()).collect(),
        env.iter().map(|s| s.to_string()).collect(),
        Box::new(FixedClocks),
        Box::new(Seeded::new(7)),
    )
}

fn u32_at(mem: &[u8], addr: usize) -> u32 {
    u32::from_le_bytes(mem[addr..addr + 4].try_into().unwrap())
}

#[test]
fn args_are_laid_out_as_pointers_and_nul_terminated_strings() {
    let mut wasi = ctx(&["/hello", "a b"], &[]);
    let mut mem = vec![0u8; 256];
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "args_sizes_get", &[0, 4]), Ok(0));
    assert_eq!((u32_at(&mem, 0), u32_at(&mem, 4)), (2, 11));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "args_get", &[16, 64]), Ok(0));
    assert_eq!((u32_at(&mem, 16), u32_at(&mem, 20)), (64, 71));
    assert_eq!(&mem[64..75], b"/hello\0a b\0");
}

#[test]
fn environ_uses_the_same_layout() {
    let mut wasi = ctx(&[], &["HOSTNAME=abc", "PATH=/bin"]);
    let mut mem = vec![0u8; 128];
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "environ_sizes_get", &[0, 4]), Ok(0));
    assert_eq!((u32_at(&mem, 0), u32_at(&mem, 4)), (2, 23));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "environ_get", &[8, 32]), Ok(0));
    assert_eq!(&mem[32..55], b"HOSTNAME=abc\0PATH=/bin\0");
}

#[test]
fn fd_write_gathers_iovecs_and_keeps_stream_order() {
    let mut wasi = ctx(&[], &[]);
    let mut mem = vec![0u8; 128];
    mem[64..69].copy_from_slice(b"hello");
    mem[72..73].copy_from_slice(b"\n");
    // Two iovecs at 0: (64, 5) and (72, 1).
    for (i, v) in [64u32, 5, 72, 1].iter().enumerate() {
        mem[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[1, 0, 2, 40]), Ok(0));
    assert_eq!(u32_at(&mem, 40), 6);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[2, 0, 1, 40]), Ok(0));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[1, 0, 1, 40]), Ok(0));
    let out = wasi.take_output();
    assert_eq!(
        out,
        vec![
            (Stream::Stdout, b"hello\n".to_vec()),
            (Stream::Stderr, b"hello".to_vec()),
            (Stream::Stdout, b"hello".to_vec()),
        ]
    );
}

#[test]
fn bad_pointers_are_faults_not_panics() {
    let mut wasi = ctx(&["x"], &[]);
    let mut mem = vec![0u8; 64];
    let fault = Ok(Errno::Fault.raw());
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "args_sizes_get", &[62, 0]), fault);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "args_get", &[0, -1]), fault);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[1, 0, 0x2000_0000, 8]), fault);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "random_get", &[0, i64::from(u32::MAX)]), fault);
    // An iovec pointing past the end is a fault too, and nothing is written.
    mem[0..8].copy_from_slice(&[60, 0, 0, 0, 100, 0, 0, 0]);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[1, 0, 1, 16]), fault);
    assert!(wasi.take_output().is_empty());
}

#[test]
fn unknown_descriptors_and_functions_are_refused() {
    let mut wasi = ctx(&[], &[]);
    let mut mem = vec![0u8; 64];
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[7, 0, 0, 0]), Ok(Errno::Badf.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_prestat_get", &[4, 0]), Ok(Errno::Badf.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_open", &[0]), Ok(Errno::Nosys.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_close", &[]), Ok(Errno::Inval.raw()));
}

#[test]
fn proc_exit_ends_the_run_with_its_code() {
    let mut wasi = ctx(&[], &[]);
    let mut mem = vec![0u8; 8];
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "proc_exit", &[3]), Err(Exit(3)));
}

#[test]
fn clocks_and_randomness_come_from_the_host() {
    let mut wasi = ctx(&[], &[]);
    let mut mem = vec![0u8; 64];
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "clock_time_get", &[0, 1, 0]), Ok(0));
    assert_eq!(u64::from_le_bytes(mem[0..8].try_into().unwrap()), 1_700_000_000_000_000_000);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "clock_time_get", &[1, 1, 8]), Ok(0));
    assert_eq!(u64::from_le_bytes(mem[8..16].try_into().unwrap()), 42);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "clock_time_get", &[9, 1, 8]), Ok(Errno::Inval.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "random_get", &[32, 32]), Ok(0));
    assert!(mem[32..64].iter().any(|b| *b != 0));
}

#[test]
fn output_past_the_limit_is_dropped_and_flagged() {
    let mut wasi = ctx(&[], &[]);
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..5 {
        wasi.push_output(Stream::Stdout, &chunk);
    }
    let total: usize = wasi.take_output().iter().map(|(_, b)| b.len()).sum();
    assert_eq!(total, MAX_OUTPUT);
    assert!(wasi.truncated());
}

#[test]
fn every_function_has_a_signature() {
    for (name, _) in FUNCTIONS {
        let (_, results) = signature(name).unwrap();
        assert_eq!(results.is_empty(), *name == "proc_exit");
    }
    assert_eq!(signature("nope"), None);
}

#[test]
fn the_root_is_preopened_and_files_go_through_guest_memory() {
    let mut wasi = ctx(&[], &[]);
    let mut mem = vec![0u8; 256];
    // fd_prestat_get(3) then fd_prestat_dir_name: the root, named "/".
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_prestat_get", &[3, 0]), Ok(0));
    assert_eq!((mem[0], u32_at(&mem, 4)), (0, 1));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_prestat_dir_name", &[3, 8, 1]), Ok(0));
    assert_eq!(mem[8], b'/');
    // path_open(3, follow, "notes", CREAT, read|write rights, 0, 0, 0, fd at 40).
    mem[16..21].copy_from_slice(b"notes");
    let rights = (abi::RIGHT_FD_READ | abi::RIGHT_FD_WRITE) as i64;
    let open = [3, 1, 16, 5, i64::from(abi::OFLAGS_CREAT), rights, 0, 0, 40];
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "path_open", &open), Ok(0));
    let fd = i64::from(u32_at(&mem, 40));
    assert_eq!(fd, 4);
    // fd_write(fd, one iovec at 48 -> (64, 3), nwritten at 56).
    mem[48..56].copy_from_slice(&[64, 0, 0, 0, 3, 0, 0, 0]);
    mem[64..67].copy_from_slice(b"abc");
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[fd, 48, 1, 56]), Ok(0));
    assert_eq!(u32_at(&mem, 56), 3);
    // fd_filestat_get: a regular file (type 4 at 16) of 3 bytes (at 32).
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_filestat_get", &[fd, 128]), Ok(0));
    assert_eq!((mem[128 + 16], mem[128 + 32]), (4, 3));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_allocate", &[fd, 0, 10]), Ok(Errno::Notsup.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_close", &[fd]), Ok(0));
    let upper = wasi.take_upper();
    assert!(
        matches!(&upper.get("notes").unwrap().kind, crate::layer::EntryKind::File { data } if &data.0[..] == b"abc")
    );
    // A path that is not UTF-8 cannot name anything in a layer.
    mem[16] = 0xff;
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "path_create_directory", &[3, 16, 5]), Ok(Errno::Ilseq.raw()));
}

#[test]
fn poll_oneoff_sleeps_until_the_nearest_clock_unless_something_is_ready() {
    let slept = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut wasi =
        WasiCtx::new(Vec::new(), Vec::new(), Box::new(SleepyClocks(slept.clone())), Box::new(Seeded::new(1)));
    let mut mem = vec![0u8; 512];
    // Two relative clock subscriptions, 5 ms (userdata 1) and 9 ms (userdata 2).
    let clock = |mem: &mut Vec<u8>, at: usize, userdata: u64, timeout: u64| {
        mem[at..at + 8].copy_from_slice(&userdata.to_le_bytes());
        mem[at + 8] = abi::EVENTTYPE_CLOCK;
        mem[at + 16..at + 20].copy_from_slice(&1u32.to_le_bytes());
        mem[at + 24..at + 32].copy_from_slice(&timeout.to_le_bytes());
    };
    clock(&mut mem, 0, 1, 5_000_000);
    clock(&mut mem, 48, 2, 9_000_000);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "poll_oneoff", &[0, 200, 2, 500]), Ok(0));
    assert_eq!(slept.get(), 5_000_000, "it slept until the nearest deadline");
    assert_eq!(u32_at(&mem, 500), 1, "and only that clock fired");
    assert_eq!(u64::from_le_bytes(mem[200..208].try_into().unwrap()), 1);
    // With standard input subscribed too, it is ready (at its end), so nothing sleeps.
    mem[48..96].fill(0);
    mem[48..56].copy_from_slice(&7u64.to_le_bytes());
    mem[56] = abi::EVENTTYPE_FD_READ;
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "poll_oneoff", &[0, 200, 2, 500]), Ok(0));
    assert_eq!((slept.get(), u32_at(&mem, 500), mem[200 + 10]), (5_000_000, 1, abi::EVENTTYPE_FD_READ));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "poll_oneoff", &[0, 200, 0, 500]), Ok(Errno::Inval.raw()));
}

/// A network over a switch the test also holds, playing the peer. It never waits: the test
/// arranges what a call would have waited for before making it.
struct TestNet {
    switch: std::rc::Rc<std::cell::RefCell<crate::net::Switch>>,
    config: crate::net::NetConfig,
    flushed: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
}

const GUEST: crate::net::Owner = crate::net::Owner(1);
const PEER: crate::net::Owner = crate::net::Owner(2);

impl TestNet {
    fn endpoint(&self, port: u16) -> crate::net::Endpoint {
        crate::net::Endpoint { container: self.config.container.clone().unwrap(), port }
    }
}

impl Network for TestNet {
    fn accept(&mut self, port: u16, _wait: bool) -> Result<crate::net::ConnId, Errno> {
        let at = self.endpoint(port);
        self.switch.borrow_mut().accept(GUEST, &at)
    }
    fn recv(&mut self, conn: crate::net::ConnId, max: usize, peek: bool, _wait: bool) -> Result<Vec<u8>, Errno> {
        self.switch.borrow_mut().recv(conn, max, peek)
    }
    fn send(&mut self, conn: crate::net::ConnId, bytes: &[u8], _wait: bool) -> Result<usize, Errno> {
        self.switch.borrow_mut().send(conn, bytes)
    }
    fn shutdown(&mut self, conn: crate::net::ConnId, read: bool, write: bool) -> Result<(), Errno> {
        self.switch.borrow_mut().shutdown(conn, read, write)
    }
    fn close(&mut self, conn: crate::net::ConnId) {
        self.switch.borrow_mut().close(conn)
    }
    fn connect(&mut self, host: &str, port: u16) -> Result<crate::net::ConnId, Errno> {
        let to = self.config.resolve(host, port)?;
        self.switch.borrow_mut().connect(GUEST, &to)
    }
    fn ready(&mut self, socket: Socket) -> Result<bool, Errno> {
        let switch = self.switch.borrow();
        Ok(match socket {
            Socket::Listener(port) => switch.acceptable(&self.endpoint(port)),
            Socket::Stream(conn) => switch.readable(conn),
        })
    }
    fn flush(&mut self, output: Vec<(Stream, Vec<u8>)>) {
        self.flushed.borrow_mut().extend(output.into_iter().flat_map(|(_, b)| b));
    }
}

fn networked(listen: &[u16]) -> (WasiCtx, TestNet) {
    let container = crate::container::ContainerId::generate(&mut Seeded::new(5));
    let switch = std::rc::Rc::new(std::cell::RefCell::new(crate::net::Switch::new()));
    let flushed = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let config = crate::net::NetConfig { container: Some(container), listen: listen.to_vec(), ..Default::default() };
    let net = || TestNet { switch: switch.clone(), config: config.clone(), flushed: flushed.clone() };
    (ctx(&[], &[]).with_network(Box::new(net()), listen), net())
}

/// Writes one iovec at 0 pointing at `data`, placed at 64.
fn iovec_of(mem: &mut [u8], data: &[u8]) {
    mem[64..64 + data.len()].copy_from_slice(data);
    mem[0..4].copy_from_slice(&64u32.to_le_bytes());
    mem[4..8].copy_from_slice(&(data.len() as u32).to_le_bytes());
}

#[test]
fn a_listening_socket_accepts_reads_and_answers() {
    let (mut wasi, peer) = networked(&[80, 8080]);
    let mut mem = vec![0u8; 512];
    // Descriptor 4 is the socket for port 80, after the root on 3; it is a stream socket.
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_fdstat_get", &[4, 200]), Ok(0));
    assert_eq!(mem[200], abi::FileType::SocketStream as u8);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_prestat_get", &[4, 200]), Ok(Errno::Badf.raw()));
    // Nobody has connected: a non-blocking accept says so.
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_accept", &[4, 4, 200]), Ok(Errno::Again.raw()));
    let client = peer.switch.borrow_mut().connect(PEER, &peer.endpoint(80)).unwrap();
    peer.switch.borrow_mut().send(client, b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_accept", &[4, 0, 200]), Ok(0));
    let conn = i64::from(u32_at(&mem, 200));
    assert_eq!(conn, 6, "the lowest free descriptor, after both listening sockets");
    // Read the request with fd_read, as Rust's TcpStream does.
    mem[0..4].copy_from_slice(&64u32.to_le_bytes());
    mem[4..8].copy_from_slice(&100u32.to_le_bytes());
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_read", &[conn, 0, 1, 8]), Ok(0));
    assert_eq!(&mem[64..64 + u32_at(&mem, 8) as usize], b"GET / HTTP/1.0\r\n\r\n");
    // Answer with sock_send, shut down writing, and close.
    iovec_of(&mut mem, b"HTTP/1.0 200 OK\r\n\r\nhello");
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_send", &[conn, 0, 1, 0, 8]), Ok(0));
    assert_eq!(u32_at(&mem, 8), 24);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_shutdown", &[conn, 2]), Ok(0));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_close", &[conn]), Ok(0));
    let mut switch = peer.switch.borrow_mut();
    assert_eq!(switch.recv(client, 100, false).unwrap(), b"HTTP/1.0 200 OK\r\n\r\nhello");
    assert_eq!(switch.recv(client, 100, false).unwrap(), b"", "the server closed");
}

#[test]
fn socket_calls_refuse_what_is_not_a_fitting_socket() {
    let (mut wasi, _peer) = networked(&[80]);
    let mut mem = vec![0u8; 256];
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_accept", &[3, 0, 200]), Ok(Errno::Notsock.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_accept", &[9, 0, 200]), Ok(Errno::Badf.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_accept", &[4, 1, 200]), Ok(Errno::Inval.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_shutdown", &[4, 3]), Ok(Errno::Notconn.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_recv", &[4, 0, 0, 0, 8, 12]), Ok(Errno::Notconn.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_seek", &[4, 0, 0, 8]), Ok(Errno::Spipe.raw()));
    // A process without a network has no route anywhere.
    let mut alone = ctx(&[], &[]);
    mem[100..109].copy_from_slice(b"localhost");
    assert_eq!(alone.call(&mut SliceMemory(&mut mem), "sock_connect", &[100, 9, 80, 8]), Ok(Errno::Netunreach.raw()));
}

#[test]
fn sock_connect_reaches_a_listener_and_reports_resolution_failures() {
    let (mut wasi, peer) = networked(&[80]);
    let mut mem = vec![0u8; 256];
    mem[100..109].copy_from_slice(b"localhost");
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_connect", &[100, 9, 80, 8]), Ok(Errno::Connrefused.raw()));
    peer.switch.borrow_mut().listen(PEER, &peer.endpoint(80)).unwrap();
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_connect", &[100, 9, 80, 8]), Ok(0));
    let fd = i64::from(u32_at(&mem, 8));
    let server = peer.switch.borrow_mut().accept(PEER, &peer.endpoint(80)).unwrap();
    // Something written before a blocking read reaches the host first, so the log is current.
    iovec_of(&mut mem, b"waiting\n");
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_write", &[1, 0, 1, 8]), Ok(0));
    peer.switch.borrow_mut().send(server, b"pong").unwrap();
    mem[0..4].copy_from_slice(&64u32.to_le_bytes());
    mem[4..8].copy_from_slice(&16u32.to_le_bytes());
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_recv", &[fd, 0, 1, 1, 8, 12]), Ok(0));
    assert_eq!(&mem[64..68], b"pong", "peeked");
    assert_eq!(peer.flushed.borrow().as_slice(), b"waiting\n");
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "fd_read", &[fd, 0, 1, 8]), Ok(0));
    assert_eq!(u32_at(&mem, 8), 4, "a peek leaves the bytes to read");
    mem[100..103].copy_from_slice(b"web");
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_connect", &[100, 3, 80, 8]), Ok(Errno::Noent.raw()));
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "sock_connect", &[100, 3, 0, 8]), Ok(Errno::Inval.raw()));
}

#[test]
fn poll_oneoff_waits_for_a_connection_or_its_clock() {
    let (wasi, peer) = networked(&[80]);
    let slept = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut wasi = WasiCtx { clocks: Box::new(SleepyClocks(slept.clone())), ..wasi };
    let mut mem = vec![0u8; 512];
    // One read subscription on the listening socket, one relative clock of 50 ms.
    let mut sub = [0u8; 96];
    sub[0] = 1;
    sub[8] = abi::EVENTTYPE_FD_READ;
    sub[16..20].copy_from_slice(&4u32.to_le_bytes());
    sub[48] = 2;
    sub[56] = abi::EVENTTYPE_CLOCK;
    sub[64..68].copy_from_slice(&1u32.to_le_bytes());
    sub[72..80].copy_from_slice(&50_000_000u64.to_le_bytes());
    mem[0..96].copy_from_slice(&sub);
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "poll_oneoff", &[0, 200, 2, 300]), Ok(0));
    assert_eq!((u32_at(&mem, 300), mem[200], mem[210]), (1, 2, abi::EVENTTYPE_CLOCK), "the clock fired");
    assert_eq!(slept.get(), 50_000_000, "in steps, to the clock's time");
    peer.switch.borrow_mut().listen(crate::net::Owner(1), &peer.endpoint(80)).unwrap();
    peer.switch.borrow_mut().connect(PEER, &peer.endpoint(80)).unwrap();
    assert_eq!(wasi.call(&mut SliceMemory(&mut mem), "poll_oneoff", &[0, 200, 2, 300]), Ok(0));
    assert_eq!((u32_at(&mem, 300), mem[200], mem[210]), (1, 1, abi::EVENTTYPE_FD_READ), "the connection is ready");
}

/// A network whose sockets always look ready, so a fuzzed `poll_oneoff` never waits forever.
struct EagerNet(TestNet);

impl Network for EagerNet {
    fn accept(&mut self, port: u16, wait: bool) -> Result<crate::net::ConnId, Errno> {
        self.0.accept(port, wait)
    }
    fn recv(&mut self, conn: crate::net::ConnId, max: usize, peek: bool, wait: bool) -> Result<Vec<u8>, Errno> {
        self.0.recv(conn, max, peek, wait)
    }
    fn send(&mut self, conn: crate::net::ConnId, bytes: &[u8], wait: bool) -> Result<usize, Errno> {
        self.0.send(conn, bytes, wait)
    }
    fn shutdown(&mut self, conn: crate::net::ConnId, read: bool, write: bool) -> Result<(), Errno> {
        self.0.shutdown(conn, read, write)
    }
    fn close(&mut self, conn: crate::net::ConnId) {
        self.0.close(conn)
    }
    fn connect(&mut self, host: &str, port: u16) -> Result<crate::net::ConnId, Errno> {
        self.0.connect(host, port)
    }
    fn ready(&mut self, _socket: Socket) -> Result<bool, Errno> {
        Ok(true)
    }
    fn flush(&mut self, output: Vec<(Stream, Vec<u8>)>) {
        self.0.flush(output)
    }
}

#[test]
fn random_calls_with_random_arguments_never_panic() {
    let mut rng = Seeded::new(2026);
    let word = |rng: &mut Seeded| {
        let mut b = [0u8; 8];
        rng.fill(&mut b);
        u64::from_le_bytes(b)
    };
    let names: Vec<&str> = FUNCTIONS.iter().chain(DOCKYARD_FUNCTIONS).map(|(n, _)| *n).collect();
    for round in 0..200 {
        let (wasi, peer) = networked(&[80, 443]);
        let clocks = SleepyClocks(std::rc::Rc::new(std::cell::Cell::new(0)));
        let mut wasi = WasiCtx { clocks: Box::new(clocks), net: None, ..wasi };
        wasi.net = Some(Box::new(EagerNet(TestNet {
            switch: peer.switch.clone(),
            config: peer.config.clone(),
            flushed: peer.flushed.clone(),
        })));
        // Someone is connecting, so accepts and reads have something to find.
        let client = peer.switch.borrow_mut().connect(PEER, &peer.endpoint(80));
        if let Ok(client) = client {
            let _ = peer.switch.borrow_mut().send(client, b"GET / HTTP/1.0\r\n\r\n");
        }
        peer.switch.borrow_mut().listen(Owner(1), &peer.endpoint(443)).ok();
        let mut mem = vec![0u8; 1024];
        for _ in 0..300 {
            let name = names[(word(&mut rng) % names.len() as u64) as usize];
            if name == "proc_exit" || name == "proc_raise" {
                continue;
            }
            let (params, _) = signature(name).or_else(|| import_signature(DOCKYARD_MODULE, name)).unwrap();
            let args: Vec<i64> = params
                .iter()
                .map(|_| match word(&mut rng) % 4 {
                    // Small numbers hit real descriptors, offsets and lengths; the rest is noise.
                    0 | 1 => (word(&mut rng) % 12) as i64,
                    2 => (word(&mut rng) % 1100) as i64,
                    _ => word(&mut rng) as i64,
                })
                .collect();
            let mut memory = SliceMemory(&mut mem);
            let result = wasi.call(&mut memory, name, &args);
            assert!(result.is_ok(), "round {round}: {name}{args:?} ended the process");
            // Random bytes in memory make the next call's records and paths random too.
            let at = (word(&mut rng) % 1000) as usize;
            mem[at] = word(&mut rng) as u8;
        }
    }
}

use crate::net::Owner;
use crate::Entropy;
