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
