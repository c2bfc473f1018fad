//! The program inside the `hello-world` image: it explains what just happened to run it.
//!
//! It reads what the container gave it (its arguments and its HOSTNAME, which Docker sets to the
//! container's short id), so its words are about this very run, not a canned text. Lines stay
//! under 80 columns, as a terminal's are.
//!
//! It is the first thing a learner's page downloads after the app, so it goes without the
//! standard library, whose runtime, formatting and panic machinery made a 53 KB module (23 KB as
//! its gzipped layer) of a program that writes one text: it calls WASI itself. The target's
//! startup code (wasi-libc's `_start`) calls `__main_void` here, and the few libc functions it
//! calls besides are defined at the end, so the module imports only WASI.

#![no_std]
#![no_main]

#[repr(C)]
struct Iovec {
    buf: *const u8,
    len: usize,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn fd_write(fd: u32, iovs: *const Iovec, iovs_len: usize, written: *mut usize) -> u16;
    fn args_sizes_get(count: *mut usize, size: *mut usize) -> u16;
    fn args_get(pointers: *mut *mut u8, buffer: *mut u8) -> u16;
    fn environ_sizes_get(count: *mut usize, size: *mut usize) -> u16;
    fn environ_get(pointers: *mut *mut u8, buffer: *mut u8) -> u16;
    fn proc_exit(code: u32) -> !;
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Room for the arguments' or the environment's strings, and for their pointers.
const ROOM: usize = 1 << 16;
const COUNT: usize = 1024;

type Sizes = unsafe extern "C" fn(*mut usize, *mut usize) -> u16;
type Get = unsafe extern "C" fn(*mut *mut u8, *mut u8) -> u16;

/// Finds, among the strings WASI hands over (the arguments or the environment), the first that
/// `pick` accepts; none if they do not fit the room.
fn find<'a>(
    sizes: Sizes,
    get: Get,
    pick: impl for<'b> Fn(&'b [u8]) -> Option<&'b [u8]>,
    out: &'a mut [u8; ROOM],
) -> Option<&'a [u8]> {
    let mut pointers = [core::ptr::null_mut::<u8>(); COUNT];
    let mut buffer = [0u8; ROOM];
    let (mut count, mut size) = (0, 0);
    // SAFETY: WASI writes at most `count` pointers and `size` bytes, both checked to fit.
    unsafe {
        if sizes(&mut count, &mut size) != 0 || count > COUNT || size > ROOM {
            return None;
        }
        if get(pointers.as_mut_ptr(), buffer.as_mut_ptr()) != 0 {
            return None;
        }
    }
    let base = buffer.as_ptr() as usize;
    for &pointer in &pointers[..count] {
        let start = (pointer as usize).checked_sub(base).filter(|&at| at < size)?;
        let len = buffer[start..size].iter().position(|&b| b == 0)?;
        if let Some(found) = pick(&buffer[start..start + len]) {
            out[..found.len()].copy_from_slice(found);
            return Some(&out[..found.len()]);
        }
    }
    None
}

/// What follows `prefix` in `var`; compared byte by byte, as a slice comparison would call
/// libc's `memcmp`.
fn value<'a>(var: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let starts = var.len() >= prefix.len() && prefix.iter().zip(var).all(|(a, b)| a == b);
    starts.then(|| &var[prefix.len()..])
}

fn write(parts: &[&[u8]]) {
    for part in parts {
        let mut rest = *part;
        while !rest.is_empty() {
            let iov = Iovec { buf: rest.as_ptr(), len: rest.len() };
            let mut written = 0;
            // SAFETY: the vector points at `rest`, which outlives the call.
            if unsafe { fd_write(1, &iov, 1, &mut written) } != 0 || written == 0 {
                return;
            }
            rest = &rest[written.min(rest.len())..];
        }
    }
}

#[no_mangle]
pub extern "C" fn __main_void() -> i32 {
    let (mut program, mut hostname) = ([0u8; ROOM], [0u8; ROOM]);
    let program = find(args_sizes_get, args_get, |arg| Some(arg), &mut program).unwrap_or(b"/hello");
    let hostname = find(environ_sizes_get, environ_get, |var| value(var, b"HOSTNAME="), &mut hostname)
        .unwrap_or(b"an unnamed container");
    write(&[
        b"\n",
        b"Hello from Dockyard!\n",
        b"If you can read this, a container just ran a program for you.\n",
        b"\n",
        b"Here is what happened, step by step:\n",
        b" 1. The docker client, the terminal you typed in, sent \"run hello-world\"\n",
        b"    to the engine.\n",
        b" 2. The engine looked for the \"hello-world\" image on this machine and,\n",
        b"    if it was not here yet, fetched it from the registry (Docker Hub).\n",
        b" 3. The engine made a new container from that image: a filesystem of its\n",
        b"    own, built from the image's layers, with a thin writable layer on top.\n",
        b" 4. The engine started ",
        program,
        b" inside container ",
        hostname,
        b"\n",
        b"    and sent everything it printed back to your terminal.\n",
        b"\n",
        b"Try something else next:\n",
        b" docker ps -a      lists containers, including this one, now exited\n",
        b" docker images     lists the images on this machine\n",
    ]);
    0
}

// What wasi-libc's `_start` calls besides `__main_void`: thread-pointer setup and destructors,
// of which this program has none, and the exit for a nonzero status.

#[no_mangle]
pub extern "C" fn __wasi_init_tp() {}

#[no_mangle]
pub extern "C" fn __wasm_call_dtors() {}

#[no_mangle]
pub extern "C" fn __wasi_proc_exit(code: u32) -> ! {
    // SAFETY: proc_exit takes any status and does not return.
    unsafe { proc_exit(code) }
}
