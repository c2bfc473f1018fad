//! Sockets, as a container's process uses them through Rust's std: a listening socket handed
//! over on descriptor 4, accepted connections read and written as streams, and outgoing
//! connections made with Dockyard's one import beyond preview1, `dockyard.sock_connect`.
//!
//! `sockets serve N` answers N connections, each with its first line upper-cased, then exits.
//! `sockets connect HOST PORT TEXT` sends TEXT and prints the answer. Its checks of errors need
//! no peer: `sockets errors` prints what each failing call said.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::FromRawFd;

#[link(wasm_import_module = "dockyard")]
extern "C" {
    #[link_name = "sock_connect"]
    fn dockyard_sock_connect(host: *const u8, host_len: usize, port: u32, fd: *mut u32) -> u16;
}

/// Connects to `host:port`, or says which errno the host gave.
fn connect(host: &str, port: u32) -> Result<TcpStream, u16> {
    let mut fd = 0u32;
    // SAFETY: the host reads `host`'s bytes and writes one u32 at `fd`, both alive for the call.
    match unsafe { dockyard_sock_connect(host.as_ptr(), host.len(), port, &mut fd) } {
        // SAFETY: the host just opened `fd` for this process, and nothing else owns it.
        0 => Ok(unsafe { TcpStream::from_raw_fd(fd as i32) }),
        errno => Err(errno),
    }
}

fn serve(count: usize) {
    // SAFETY: descriptor 4 is the first listening socket the host hands a process.
    let listener = unsafe { TcpListener::from_raw_fd(4) };
    println!("listening");
    for n in 1..=count {
        let (stream, _) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => {
                println!("accept failed: {e}");
                std::process::exit(1);
            }
        };
        let mut line = String::new();
        let mut reader = BufReader::new(&stream);
        if let Err(e) = reader.read_line(&mut line) {
            println!("read failed: {e}");
            continue;
        }
        let mut writer = &stream;
        let _ = writer.write_all(format!("echo: {}\n", line.trim_end().to_uppercase()).as_bytes());
        let _ = stream.shutdown(Shutdown::Write);
        println!("answered {n}: {}", line.trim_end());
    }
}

fn client(host: &str, port: u32, text: &str) {
    match connect(host, port) {
        Ok(mut stream) => {
            let _ = stream.write_all(format!("{text}\n").as_bytes());
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            print!("{answer}");
        }
        Err(errno) => {
            println!("connect failed: errno {errno}");
            std::process::exit(7);
        }
    }
}

fn errors() {
    // Nothing is listening on port 9 of this container, and no name "nowhere" resolves.
    println!("refused: {:?}", connect("localhost", 9).err());
    println!("unresolved: {:?}", connect("nowhere", 80).err());
    println!("bad port: {:?}", connect("localhost", 70_000).err());
    // Descriptor 3 is the root directory: not a socket.
    // SAFETY: the listener is only used to call accept, which fails; it is then leaked, so the
    // root's descriptor is never closed.
    let root = unsafe { TcpListener::from_raw_fd(3) };
    println!("accept on a directory: {}", root.accept().err().map(|e| e.to_string()).unwrap_or_default());
    std::mem::forget(root);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => serve(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1)),
        Some("connect") if args.len() == 5 => client(&args[2], args[3].parse().unwrap_or(0), &args[4]),
        Some("errors") => errors(),
        _ => {
            eprintln!("usage: sockets serve N | sockets connect HOST PORT TEXT | sockets errors");
            std::process::exit(2);
        }
    }
}
