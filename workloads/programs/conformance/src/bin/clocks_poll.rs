//! Clocks, sleeping and poll_oneoff, randomness and sched_yield. Times are never printed, only
//! facts about them (a resolution is positive, a sleep lasts at least as long as asked).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use conformance::{raw, raw_status, Check};

fn now(clock: wasi::Clockid) -> u64 {
    // SAFETY: no pointers.
    unsafe { wasi::clock_time_get(clock, 1) }.unwrap_or(0)
}

fn clock(userdata: u64, id: wasi::Clockid, timeout: u64, flags: wasi::Subclockflags) -> wasi::Subscription {
    wasi::Subscription {
        userdata,
        u: wasi::SubscriptionU {
            tag: wasi::EVENTTYPE_CLOCK.raw(),
            u: wasi::SubscriptionUU { clock: wasi::SubscriptionClock { id, timeout, precision: 0, flags } },
        },
    }
}

fn fd_event(userdata: u64, kind: wasi::Eventtype, fd: wasi::Fd) -> wasi::Subscription {
    let fd = wasi::SubscriptionFdReadwrite { file_descriptor: fd };
    let u = if kind == wasi::EVENTTYPE_FD_READ {
        wasi::SubscriptionUU { fd_read: fd }
    } else {
        wasi::SubscriptionUU { fd_write: fd }
    };
    wasi::Subscription { userdata, u: wasi::SubscriptionU { tag: kind.raw(), u } }
}

/// Polls once and describes the events that fired as `userdata TYPE ERRNO`, sorted.
fn poll(subscriptions: &[wasi::Subscription]) -> Result<String, wasi::Errno> {
    let empty = wasi::Event {
        userdata: 0,
        error: wasi::ERRNO_SUCCESS,
        type_: wasi::EVENTTYPE_CLOCK,
        fd_readwrite: wasi::EventFdReadwrite { nbytes: 0, flags: 0 },
    };
    let mut events = vec![empty; subscriptions.len().max(1)];
    // SAFETY: `events` has room for one event per subscription, as poll_oneoff requires.
    let n = unsafe { wasi::poll_oneoff(subscriptions.as_ptr(), events.as_mut_ptr(), subscriptions.len()) }?;
    let mut fired: Vec<String> =
        events[..n].iter().map(|e| format!("{} {} {}", e.userdata, e.type_.name(), e.error.name())).collect();
    fired.sort();
    Ok(fired.join(", "))
}

fn main() {
    let mut c = Check::new("clocks_poll");

    for (name, id) in [("realtime", wasi::CLOCKID_REALTIME), ("monotonic", wasi::CLOCKID_MONOTONIC)] {
        // SAFETY: no pointers.
        let res = unsafe { wasi::clock_res_get(id) };
        c.expect(&format!("{name} resolution is positive"), raw(&res.map(|r| r > 0)), "ok true");
    }
    c.holds("realtime is after 2020", now(wasi::CLOCKID_REALTIME) > 1_577_836_800_000_000_000);
    c.holds("SystemTime is after the epoch", SystemTime::now().duration_since(UNIX_EPOCH).is_ok());
    let t0 = now(wasi::CLOCKID_MONOTONIC);
    let t1 = now(wasi::CLOCKID_MONOTONIC);
    c.holds("monotonic never goes back", t1 >= t0);

    // std's sleep is poll_oneoff with one relative clock subscription.
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    c.holds("sleep 20ms lasts at least 20ms", start.elapsed() >= Duration::from_millis(20));
    c.holds("monotonic advanced across the sleep", now(wasi::CLOCKID_MONOTONIC) >= t1 + 20_000_000);

    // An absolute deadline on the monotonic clock.
    let start = Instant::now();
    let deadline = now(wasi::CLOCKID_MONOTONIC) + 10_000_000;
    let absolute = clock(7, wasi::CLOCKID_MONOTONIC, deadline, wasi::SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
    c.expect("absolute clock", raw(&poll(&[absolute])), "ok \"7 CLOCK SUCCESS\"");
    c.holds("absolute clock waited 10ms", start.elapsed() >= Duration::from_millis(10));

    // Of two clocks, only the earlier fires.
    let short = clock(1, wasi::CLOCKID_MONOTONIC, 5_000_000, 0);
    let long = clock(2, wasi::CLOCKID_MONOTONIC, 5_000_000_000, 0);
    c.expect("two clocks", raw(&poll(&[long, short])), "ok \"1 CLOCK SUCCESS\"");

    // Stdin is empty, so reading it is ready at once (end of file), long before the clock.
    let stdin = fd_event(3, wasi::EVENTTYPE_FD_READ, 0);
    let timeout = clock(4, wasi::CLOCKID_MONOTONIC, 5_000_000_000, 0);
    let start = Instant::now();
    c.expect("stdin and a clock", raw(&poll(&[stdin, timeout])), "ok \"3 FD_READ SUCCESS\"");
    c.holds("stdin was ready at once", start.elapsed() < Duration::from_secs(4));
    let stdout = fd_event(5, wasi::EVENTTYPE_FD_WRITE, 1);
    c.expect("stdout writable", raw(&poll(&[stdout, timeout])), "ok \"5 FD_WRITE SUCCESS\"");
    c.expect("no subscriptions", raw_status(&poll(&[])), "INVAL");

    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    // SAFETY: each buffer is 32 writable bytes and the call is told so.
    let filled = unsafe { wasi::random_get(a.as_mut_ptr(), a.len()).and(wasi::random_get(b.as_mut_ptr(), b.len())) };
    c.expect("random_get", raw(&filled), "ok ()");
    c.holds("random bytes are not all zero", a.iter().any(|&x| x != 0));
    c.holds("two draws differ", a != b);
    // SAFETY: no pointers.
    c.expect("sched_yield", raw(&unsafe { wasi::sched_yield() }), "ok ()");

    c.finish();
}
