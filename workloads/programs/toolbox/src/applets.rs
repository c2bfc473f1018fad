//! The applets about the process and the system: who, where and when it runs, and waiting.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{Ctx, Io};

/// Options parsed from an applet's arguments.
#[derive(Debug, Default)]
pub struct Opts {
    pub flags: Vec<(char, Option<String>)>,
    pub args: Vec<String>,
}

impl Opts {
    pub fn has(&self, flag: char) -> bool {
        self.flags.iter().any(|(c, _)| *c == flag)
    }

    /// The value of the last `-flag VALUE`.
    pub fn value(&self, flag: char) -> Option<&str> {
        self.flags.iter().rev().find(|(c, _)| *c == flag).and_then(|(_, v)| v.as_deref())
    }
}

/// Parses options as getopt does: `spec` lists the flags, a `:` after one takes a value. Options
/// may follow operands (`ls /tmp -l`) unless `spec` starts with `+`, for applets that run a
/// command with its own options (`env ls -l`). `--` ends the options. A bad option is reported
/// in busybox's words and becomes the usage status, 2.
pub fn getopt(name: &str, args: &[String], spec: &str, io: &mut Io) -> Result<Opts, i32> {
    let stop_at_operand = spec.starts_with('+');
    let mut opts = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            opts.args.extend(args[i..].iter().cloned());
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            opts.args.push(arg.clone());
            if stop_at_operand {
                opts.args.extend(args[i..].iter().cloned());
                break;
            }
            continue;
        }
        let chars: Vec<char> = arg[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let Some(at) = spec.find(c).filter(|_| c != ':' && c != '+') else {
                let _ = writeln!(io.err, "{name}: invalid option -- '{c}'");
                return Err(2);
            };
            if spec[at + c.len_utf8()..].starts_with(':') {
                let value = if j < chars.len() {
                    chars[j..].iter().collect()
                } else if i < args.len() {
                    i += 1;
                    args[i - 1].clone()
                } else {
                    let _ = writeln!(io.err, "{name}: option requires an argument -- '{c}'");
                    return Err(2);
                };
                opts.flags.push((c, Some(value)));
                break;
            }
            opts.flags.push((c, None));
        }
    }
    Ok(opts)
}

/// Reports a usage error (missing operands) as busybox does, with its status 2.
pub fn usage(name: &str, text: &str, io: &mut Io) -> i32 {
    let _ = writeln!(io.err, "Usage: {name} {text}");
    2
}

pub fn true_(_: &[String], _: &mut Ctx, _: &mut Io) -> i32 {
    0
}

pub fn false_(_: &[String], _: &mut Ctx, _: &mut Io) -> i32 {
    1
}

pub fn pwd(_: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let _ = writeln!(io.out, "{}", ctx.cwd);
    0
}

/// `env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]`: prints the environment, or runs
/// an applet in a changed one.
pub fn env(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("env", args, "+iu:", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let mut child = ctx.clone();
    if opts.has('i') {
        child.env.clear();
    }
    for (flag, value) in &opts.flags {
        if let (&'u', Some(name)) = (flag, value) {
            child.env.retain(|(n, _)| n != name);
        }
    }
    let mut rest = opts.args.as_slice();
    while let Some((name, value)) = rest.first().and_then(|a| a.split_once('=')) {
        set_var(&mut child.env, name, value);
        rest = &rest[1..];
    }
    if rest.is_empty() {
        for (name, value) in &child.env {
            let _ = writeln!(io.out, "{name}={value}");
        }
        return 0;
    }
    match crate::applet(crate::base_name(&rest[0])) {
        Some(applet) => applet(&rest[1..], &mut child, io),
        None => {
            let _ = writeln!(io.err, "env: can't execute '{}': No such file or directory", rest[0]);
            127
        }
    }
}

/// Sets `name` in an environment list, in place if it is there, at the end if not.
pub fn set_var(env: &mut Vec<(String, String)>, name: &str, value: &str) {
    match env.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value.to_string(),
        None => env.push((name.to_string(), value.to_string())),
    }
}

pub fn printenv(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    if args.is_empty() {
        for (name, value) in &ctx.env {
            let _ = writeln!(io.out, "{name}={value}");
        }
        return 0;
    }
    let mut code = 0;
    for name in args {
        match ctx.var(name) {
            Some(value) => {
                let _ = writeln!(io.out, "{value}");
            }
            None => code = 1,
        }
    }
    code
}

/// `sleep N...`: seconds, fractions allowed, with busybox's optional s/m/h/d suffixes; the
/// durations add up.
pub fn sleep(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    if args.is_empty() {
        return usage("sleep", "[N]...", io);
    }
    let mut total = 0.0f64;
    for arg in args {
        let (number, unit) = match arg.char_indices().last() {
            Some((at, 's')) => (&arg[..at], 1.0),
            Some((at, 'm')) => (&arg[..at], 60.0),
            Some((at, 'h')) => (&arg[..at], 3600.0),
            Some((at, 'd')) => (&arg[..at], 86400.0),
            _ => (arg.as_str(), 1.0),
        };
        match number.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 && !number.starts_with('+') => total += n * unit,
            _ => {
                let _ = writeln!(io.err, "sleep: invalid number '{arg}'");
                return 1;
            }
        }
    }
    // Whatever was printed before the sleep should be seen during it.
    let _ = io.out.flush();
    std::thread::sleep(Duration::from_secs_f64(total.min(1e9)));
    0
}

/// `spin`: runs forever without a single WASI call, the process `docker stop` has to kill.
pub fn spin(_: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let _ = io.out.flush();
    let _ = io.err.flush();
    let mut n: u64 = 0;
    loop {
        // black_box keeps the optimizer from proving the loop does nothing.
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// The container's hostname: `$HOSTNAME`, which Docker sets to the short container id.
fn host_name(ctx: &Ctx) -> String {
    if let Some(name) = ctx.var("HOSTNAME").filter(|n| !n.is_empty()) {
        return name.to_string();
    }
    match std::fs::read_to_string("/etc/hostname") {
        Ok(text) if !text.trim().is_empty() => text.trim().to_string(),
        _ => "localhost".to_string(),
    }
}

pub fn hostname(_: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let _ = writeln!(io.out, "{}", host_name(ctx));
    0
}

pub fn whoami(_: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let _ = writeln!(io.out, "root");
    0
}

/// `id [-u|-g|-G] [-n]`: a container's process runs as root.
pub fn id(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("id", args, "ugGnr", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let line = if opts.has('u') || opts.has('g') || opts.has('G') {
        if opts.has('n') {
            "root"
        } else {
            "0"
        }
    } else {
        "uid=0(root) gid=0(root) groups=0(root)"
    };
    let _ = writeln!(io.out, "{line}");
    0
}

/// `uname [-asnrvmo]`: a Linux-shaped answer that says where it really runs.
pub fn uname(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("uname", args, "asnrvmpio", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    if !opts.args.is_empty() {
        return usage("uname", "[-asnrvmo]", io);
    }
    let host = host_name(ctx);
    let fields =
        [('s', "Linux"), ('n', host.as_str()), ('r', "wasi"), ('v', "dockyard"), ('m', "wasm32"), ('o', "Dockyard")];
    let all = opts.has('a');
    let mut chosen: Vec<&str> = fields.iter().filter(|(c, _)| all || opts.has(*c)).map(|(_, v)| *v).collect();
    if chosen.is_empty() {
        chosen.push("Linux");
    }
    let _ = writeln!(io.out, "{}", chosen.join(" "));
    0
}

/// A moment in UTC, broken down.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: usize,
    yday: u32,
}

/// Breaks down seconds since the epoch (Howard Hinnant's days-to-civil algorithm).
fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const BEFORE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = BEFORE[(month - 1) as usize] + day + u32::from(leap && month > 2);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
        weekday: (days + 4).rem_euclid(7) as usize,
        yday,
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// strftime's common conversions, in UTC.
fn strftime(format: &str, secs: i64) -> String {
    let t = civil(secs);
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let piece = match chars.next() {
            Some('Y') => t.year.to_string(),
            Some('y') => format!("{:02}", t.year.rem_euclid(100)),
            Some('C') => format!("{:02}", t.year.div_euclid(100)),
            Some('m') => format!("{:02}", t.month),
            Some('d') => format!("{:02}", t.day),
            Some('e') => format!("{:2}", t.day),
            Some('H') => format!("{:02}", t.hour),
            Some('I') => format!("{:02}", (t.hour + 11) % 12 + 1),
            Some('M') => format!("{:02}", t.minute),
            Some('S') => format!("{:02}", t.second),
            Some('p') => (if t.hour < 12 { "AM" } else { "PM" }).to_string(),
            Some('s') => secs.to_string(),
            Some('a') => WEEKDAYS[t.weekday].to_string(),
            Some('A') => {
                ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][t.weekday].to_string()
            }
            Some('b') | Some('h') => MONTHS[(t.month - 1) as usize].to_string(),
            Some('j') => format!("{:03}", t.yday),
            Some('u') => (if t.weekday == 0 { 7 } else { t.weekday }).to_string(),
            Some('w') => t.weekday.to_string(),
            Some('Z') => "UTC".to_string(),
            Some('z') => "+0000".to_string(),
            Some('F') => format!("{}-{:02}-{:02}", t.year, t.month, t.day),
            Some('D') => format!("{:02}/{:02}/{:02}", t.month, t.day, t.year.rem_euclid(100)),
            Some('T') => format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second),
            Some('R') => format!("{:02}:{:02}", t.hour, t.minute),
            Some('c') => strftime("%a %b %e %H:%M:%S %Y", secs),
            Some('n') => "\n".to_string(),
            Some('t') => "\t".to_string(),
            Some('%') => "%".to_string(),
            Some(other) => format!("%{other}"),
            None => "%".to_string(),
        };
        out.push_str(&piece);
    }
    out
}

/// `date [-u] [-d @SECONDS] [+FORMAT]`: the time in UTC, the only zone a container here has.
pub fn date(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("date", args, "uRd:", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let secs = match opts.value('d') {
        Some(when) => match when.strip_prefix('@').and_then(|s| s.parse::<i64>().ok()) {
            Some(secs) => secs,
            None => {
                let _ = writeln!(io.err, "date: invalid date '{when}'");
                return 1;
            }
        },
        None => SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0),
    };
    let format = match opts.args.as_slice() {
        [] if opts.has('R') => "%a, %d %b %Y %H:%M:%S +0000",
        [] => "%a %b %e %H:%M:%S %Z %Y",
        [f] if f.starts_with('+') => &f[1..],
        [other, ..] => {
            let _ = writeln!(io.err, "date: invalid date '{other}'");
            return 1;
        }
    };
    let _ = writeln!(io.out, "{}", strftime(format, secs));
    0
}
