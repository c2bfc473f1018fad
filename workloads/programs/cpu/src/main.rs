//! A CPU-bound guest for `cargo xtask bench`: it counts the primes below a bound with the sieve of
//! Eratosthenes and prints the count, a checksum of the primes, and how long the work took.
//!
//! It times itself with `Instant` (a WASI monotonic clock under wasm32-wasip1), so every host
//! reports the guest's own compute time: the cost of starting a process, compiling a module or
//! drawing a terminal stays out of the comparison between wasmtime, Chromium and native code.
//! The sieve's array fits in a core's cache, so the work is the processor's, not the memory bus's;
//! the optional argument is how many times it runs (default [`PASSES`]).

use std::hint::black_box;
use std::time::Instant;

/// A million bytes of sieve: small enough to stay in a core's L2 cache.
const BOUND: usize = 1_000_000;

/// Sized for a few hundred milliseconds of native work: long enough that clocks and scheduling
/// are noise, short enough that a benchmark can run it several times on every host.
const PASSES: usize = 200;

fn main() {
    let passes = match std::env::args().nth(1) {
        Some(arg) => match arg.parse() {
            Ok(passes) => passes,
            Err(_) => {
                eprintln!("cpu: the number of passes must be a number, not {arg:?}");
                std::process::exit(2);
            }
        },
        None => PASSES,
    };
    let start = Instant::now();
    let mut result = (0, 0);
    for _ in 0..passes {
        // black_box keeps the compiler from noticing that the passes repeat one computation.
        result = sieve(black_box(BOUND));
    }
    let elapsed = start.elapsed();
    let (count, checksum) = result;
    println!("primes below {BOUND}: {count} (checksum {checksum:016x}), sieved {passes} times");
    println!("compute time: {:.3} ms", elapsed.as_secs_f64() * 1e3);
}

/// The number of primes below `bound` and a checksum over all of them, in order.
fn sieve(bound: usize) -> (usize, u64) {
    let mut composite = vec![false; bound];
    let mut count = 0;
    let mut checksum: u64 = 0;
    for n in 2..bound {
        if composite[n] {
            continue;
        }
        count += 1;
        checksum = checksum.rotate_left(5) ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut multiple = n.saturating_mul(n);
        while multiple < bound {
            composite[multiple] = true;
            multiple += n;
        }
    }
    (count, checksum)
}
