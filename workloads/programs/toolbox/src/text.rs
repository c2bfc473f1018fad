//! The applets that work on text and words: echo, wc, head, tail, grep, seq, yes, basename,
//! dirname and test.

use crate::applets::{getopt, usage};
use crate::files::read_input;
use crate::regex::Regex;
use crate::{strerror, Ctx, Io};

/// `echo [-neE] [ARG]...`. As in busybox, only arguments made entirely of n, e and E are options.
pub fn echo(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut rest = args;
    while let Some(first) = rest.first() {
        let Some(flags) = first.strip_prefix('-') else { break };
        if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        rest = &rest[1..];
    }
    let mut out = Vec::new();
    for (i, arg) in rest.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if escapes {
            if unescape(arg, &mut out) {
                // `\c` ends all output, the newline too.
                let _ = io.out.write_all(&out);
                return 0;
            }
        } else {
            out.extend_from_slice(arg.as_bytes());
        }
    }
    if newline {
        out.push(b'\n');
    }
    let _ = io.out.write_all(&out);
    0
}

/// Appends `arg` with echo -e's escapes replaced; true when it met `\c`.
pub(crate) fn unescape(arg: &str, out: &mut Vec<u8>) -> bool {
    let bytes = arg.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'\\' || i == bytes.len() {
            out.push(b);
            continue;
        }
        let c = bytes[i];
        i += 1;
        let plain = match c {
            b'n' => b'\n',
            b't' => b'\t',
            b'r' => b'\r',
            b'a' => 7,
            b'b' => 8,
            b'e' => 27,
            b'f' => 12,
            b'v' => 11,
            b'\\' => b'\\',
            b'c' => return true,
            b'0' | b'x' => {
                let (radix, max) = if c == b'0' { (8, 3) } else { (16, 2) };
                let mut value: u32 = 0;
                let mut digits = 0;
                while digits < max && i < bytes.len() {
                    match (bytes[i] as char).to_digit(radix) {
                        Some(d) => value = value * radix + d,
                        None => break,
                    }
                    i += 1;
                    digits += 1;
                }
                if c == b'x' && digits == 0 {
                    out.extend_from_slice(b"\\x");
                    continue;
                }
                value as u8
            }
            other => {
                out.push(b'\\');
                other
            }
        };
        out.push(plain);
    }
    false
}

/// Splits input into lines, each without its newline; a last line without one still counts.
pub(crate) fn lines(data: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    if data.is_empty() || data.ends_with(b"\n") {
        lines.pop();
    }
    lines
}

/// The operands as inputs to read, standard input (`-`) when there are none.
fn inputs(args: &[String]) -> Vec<String> {
    if args.is_empty() {
        vec!["-".to_string()]
    } else {
        args.to_vec()
    }
}

/// `wc [-lwc] [FILE]...`: one count alone is printed bare, several in busybox's columns.
pub fn wc(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("wc", args, "lwcm", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let mut which = [opts.has('l'), opts.has('w'), opts.has('c') || opts.has('m')];
    if which == [false; 3] {
        which = [true; 3];
    }
    let single = which.iter().filter(|w| **w).count() == 1;
    let mut totals = [0usize; 3];
    let mut code = 0;
    let names = inputs(&opts.args);
    let print = |io: &mut Io, counts: [usize; 3], name: &str| {
        let mut line = String::new();
        for (_, count) in counts.iter().enumerate().filter(|(i, _)| which[*i]) {
            if !line.is_empty() {
                line.push(' ');
            }
            if single {
                line.push_str(&count.to_string());
            } else {
                line.push_str(&format!("{count:9}"));
            }
        }
        if name != "-" {
            line.push(' ');
            line.push_str(name);
        }
        let _ = writeln!(io.out, "{line}");
    };
    for name in &names {
        let data = match read_input(name, ctx, io) {
            Ok(data) => data,
            Err(e) => {
                let _ = writeln!(io.err, "wc: {name}: {}", strerror(&e));
                code = 1;
                continue;
            }
        };
        let counts = [
            data.iter().filter(|b| **b == b'\n').count(),
            data.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).count(),
            data.len(),
        ];
        for i in 0..3 {
            totals[i] += counts[i];
        }
        print(io, counts, name);
    }
    if names.len() > 1 {
        print(io, totals, "total");
    }
    code
}

/// head's and tail's `-n N`, with the old `-N` spelling turned into it.
fn line_count_args(args: &[String]) -> Vec<String> {
    args.iter()
        .map(|a| match a.strip_prefix('-') {
            Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => format!("-n{n}"),
            _ => a.clone(),
        })
        .collect()
}

/// What head and tail share: options, inputs, the `==> name <==` headers and their errors.
fn head_tail(name: &str, args: &[String], ctx: &mut Ctx, io: &mut Io, tail: bool) -> i32 {
    let opts = match getopt(name, &line_count_args(args), "n:qv", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let spec = opts.value('n').unwrap_or("10");
    let from_start = tail && spec.starts_with('+');
    let count = match spec.trim_start_matches('+').parse::<usize>() {
        Ok(n) => n,
        Err(_) => {
            let _ = writeln!(io.err, "{name}: invalid number '{spec}'");
            return 1;
        }
    };
    let names = inputs(&opts.args);
    let headers = (names.len() > 1 && !opts.has('q')) || opts.has('v');
    let mut code = 0;
    for (i, file) in names.iter().enumerate() {
        let data = match read_input(file, ctx, io) {
            Ok(data) => data,
            Err(e) => {
                let _ = writeln!(io.err, "{name}: can't open '{file}': {}", strerror(&e));
                code = 1;
                continue;
            }
        };
        if headers {
            let shown = if file == "-" { "standard input" } else { file };
            let _ = writeln!(io.out, "{}==> {shown} <==", if i > 0 { "\n" } else { "" });
        }
        // Lines are cut with their newlines, so a last line without one stays without one.
        let all: Vec<&[u8]> = data.split_inclusive(|b| *b == b'\n').collect();
        let chosen = if !tail {
            &all[..count.min(all.len())]
        } else if from_start {
            &all[count.saturating_sub(1).min(all.len())..]
        } else {
            &all[all.len() - count.min(all.len())..]
        };
        for line in chosen {
            let _ = io.out.write_all(line);
        }
    }
    code
}

pub fn head(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    head_tail("head", args, ctx, io, false)
}

pub fn tail(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    head_tail("tail", args, ctx, io, true)
}

/// Whether `needle` occurs in `line`, both already case-folded as needed.
fn contains(line: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || line.windows(needle.len()).any(|w| w == needle)
}

/// A grep pattern: a fixed string (`-F`), case-folded when `-i` is given, or a regular expression.
enum Pattern {
    Fixed(Vec<u8>),
    Regex(Regex),
}

impl Pattern {
    fn selects(&self, line: &[u8], fold: bool) -> bool {
        match self {
            Pattern::Fixed(needle) if fold => contains(&line.to_ascii_lowercase(), needle),
            Pattern::Fixed(needle) => contains(line, needle),
            Pattern::Regex(regex) => regex.is_match(&String::from_utf8_lossy(line)),
        }
    }
}

/// `grep [-vicnqlhHFE] [-e PATTERN]... [PATTERN] [FILE]...` with basic regular expressions,
/// extended ones with `-E` and fixed strings with `-F`. Status 0 when a line was selected, 1
/// when none, 2 on an error.
pub fn grep(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("grep", args, "vicnqlhHFEwse:", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let mut operands = opts.args.clone();
    let mut patterns: Vec<String> =
        opts.flags.iter().filter(|(c, _)| *c == 'e').filter_map(|(_, v)| v.clone()).collect();
    if patterns.is_empty() {
        if operands.is_empty() {
            return usage("grep", "[-vicnqlhH] PATTERN [FILE]...", io);
        }
        patterns.push(operands.remove(0));
    }
    let fold = opts.has('i');
    let mut compiled = Vec::new();
    for pattern in &patterns {
        if opts.has('F') {
            let needle = if fold { pattern.to_ascii_lowercase() } else { pattern.clone() };
            compiled.push(Pattern::Fixed(needle.into_bytes()));
            continue;
        }
        match Regex::new(pattern, opts.has('E'), fold) {
            Ok(regex) => compiled.push(Pattern::Regex(regex)),
            Err(e) => {
                let _ = writeln!(io.err, "grep: bad regex '{pattern}': {e}");
                return 2;
            }
        }
    }
    let names = inputs(&operands);
    let prefix = (names.len() > 1 || opts.has('H')) && !opts.has('h');
    let (mut selected_any, mut failed) = (false, false);
    for name in &names {
        let data = match read_input(name, ctx, io) {
            Ok(data) => data,
            Err(e) => {
                if !opts.has('s') {
                    let _ = writeln!(io.err, "grep: {name}: {}", strerror(&e));
                }
                failed = true;
                continue;
            }
        };
        let shown = if name == "-" { "(standard input)" } else { name.as_str() };
        let mut count = 0;
        for (n, line) in lines(&data).into_iter().enumerate() {
            if compiled.iter().any(|p| p.selects(line, fold)) == opts.has('v') {
                continue;
            }
            count += 1;
            selected_any = true;
            if opts.has('q') {
                return 0;
            }
            if opts.has('c') || opts.has('l') {
                continue;
            }
            let mut out = Vec::new();
            if prefix {
                out.extend_from_slice(shown.as_bytes());
                out.push(b':');
            }
            if opts.has('n') {
                out.extend_from_slice(format!("{}:", n + 1).as_bytes());
            }
            out.extend_from_slice(line);
            out.push(b'\n');
            let _ = io.out.write_all(&out);
        }
        if opts.has('l') && count > 0 {
            let _ = writeln!(io.out, "{shown}");
        } else if opts.has('c') {
            let _ = if prefix { writeln!(io.out, "{shown}:{count}") } else { writeln!(io.out, "{count}") };
        }
    }
    match (failed, selected_any) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }
}

/// `seq [-w] [-s SEP] [FIRST [INC]] LAST`, with integers or decimals.
pub fn seq(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let mut separator = "\n".to_string();
    let mut width = false;
    let mut numbers: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-s" if i + 1 < args.len() => {
                separator = args[i + 1].clone();
                i += 1;
            }
            "-w" => width = true,
            other => numbers.push(other),
        }
        i += 1;
    }
    let parsed: Option<Vec<f64>> = numbers.iter().map(|n| n.parse::<f64>().ok().filter(|f| f.is_finite())).collect();
    let Some(parsed) = parsed else {
        let bad = numbers.iter().find(|n| n.parse::<f64>().map(|f| !f.is_finite()).unwrap_or(true));
        let _ = writeln!(io.err, "seq: invalid number '{}'", bad.copied().unwrap_or(""));
        return 1;
    };
    let (first, inc, last) = match parsed.as_slice() {
        [last] => (1.0, 1.0, *last),
        [first, last] => (*first, 1.0, *last),
        [first, inc, last] => (*first, *inc, *last),
        _ => return usage("seq", "[-w] [-s SEP] [FIRST [INC]] LAST", io),
    };
    if inc == 0.0 {
        let _ = writeln!(io.err, "seq: invalid increment '0'");
        return 1;
    }
    let decimals = numbers.iter().map(|n| n.split_once('.').map(|(_, f)| f.len()).unwrap_or(0)).max().unwrap_or(0);
    let text = |v: f64| format!("{v:.decimals$}");
    let pad = if width { text(first).len().max(text(last).len()) } else { 0 };
    let mut out = Vec::new();
    let mut n: u64 = 0;
    loop {
        // Each value is computed from the start, so decimals do not drift.
        let value = first + inc * n as f64;
        if (inc > 0.0 && value > last) || (inc < 0.0 && value < last) {
            break;
        }
        if n > 0 {
            out.extend_from_slice(separator.as_bytes());
        }
        let shown = text(value);
        let shown = if shown == "-0" { "0".to_string() } else { shown };
        out.extend_from_slice(format!("{shown:0>pad$}").as_bytes());
        if out.len() > 1 << 16 {
            if io.out.write_all(&out).is_err() {
                return 1;
            }
            out.clear();
        }
        n += 1;
    }
    if n > 0 {
        out.push(b'\n');
    }
    let _ = io.out.write_all(&out);
    0
}

/// `yes [STRING]...`: the line, forever, until its reader goes away.
pub fn yes(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let line = if args.is_empty() { "y".to_string() } else { args.join(" ") };
    let mut chunk = Vec::new();
    while chunk.len() < 8192 {
        chunk.extend_from_slice(line.as_bytes());
        chunk.push(b'\n');
    }
    loop {
        if io.out.write_all(&chunk).is_err() {
            return 1;
        }
    }
}

pub fn basename(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let (name, suffix) = match args {
        [name] => (name, None),
        [name, suffix] => (name, Some(suffix.as_str())),
        _ => return usage("basename", "FILE [SUFFIX]", io),
    };
    let mut base = crate::base_name(name).to_string();
    if let Some(suffix) = suffix.filter(|s| base.len() > s.len() && base.ends_with(s)) {
        base.truncate(base.len() - suffix.len());
    }
    let _ = writeln!(io.out, "{base}");
    0
}

/// The directory part of a path, by POSIX's rules: `.` when there is none.
pub fn dir_name(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { ".".to_string() } else { "/".to_string() };
    }
    match trimmed.rfind('/') {
        None => ".".to_string(),
        Some(at) => {
            let dir = trimmed[..at].trim_end_matches('/');
            if dir.is_empty() {
                "/".to_string()
            } else {
                dir.to_string()
            }
        }
    }
}

pub fn dirname(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    match args {
        [path] => {
            let _ = writeln!(io.out, "{}", dir_name(path));
            0
        }
        _ => usage("dirname", "FILENAME", io),
    }
}

/// `test EXPRESSION`: 0 when true, 1 when false, 2 when it cannot be read.
pub fn test(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    evaluate("test", &words, ctx, io)
}

/// `[ EXPRESSION ]`: test, with its closing bracket.
pub fn test_bracket(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.split_last() {
        Some((&"]", rest)) => evaluate("[", rest, ctx, io),
        _ => {
            let _ = writeln!(io.err, "[: missing ]");
            2
        }
    }
}

fn evaluate(name: &str, words: &[&str], ctx: &Ctx, io: &mut Io) -> i32 {
    match expression(words, ctx) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(message) => {
            let _ = writeln!(io.err, "{name}: {message}");
            2
        }
    }
}

/// POSIX's rules for test by argument count, with `-o` and `-a` for longer expressions.
fn expression(w: &[&str], ctx: &Ctx) -> Result<bool, String> {
    match w.len() {
        0 => Ok(false),
        1 => Ok(!w[0].is_empty()),
        2 if w[0] == "!" => Ok(!expression(&w[1..], ctx)?),
        2 => unary(w[0], w[1], ctx),
        3 if is_binary(w[1]) => binary(w[0], w[1], w[2]),
        3 if w[0] == "!" => Ok(!expression(&w[1..], ctx)?),
        3 if w[0] == "(" && w[2] == ")" => expression(&w[1..2], ctx),
        4 if w[0] == "!" => Ok(!expression(&w[1..], ctx)?),
        4 if w[0] == "(" && w[3] == ")" => expression(&w[1..3], ctx),
        _ => {
            if let Some(at) = w.iter().rposition(|x| *x == "-o") {
                return Ok(expression(&w[..at], ctx)? || expression(&w[at + 1..], ctx)?);
            }
            if let Some(at) = w.iter().rposition(|x| *x == "-a") {
                return Ok(expression(&w[..at], ctx)? && expression(&w[at + 1..], ctx)?);
            }
            if w[0] == "!" {
                return Ok(!expression(&w[1..], ctx)?);
            }
            Err(format!("{}: unknown operand", w[0]))
        }
    }
}

fn is_binary(op: &str) -> bool {
    matches!(op, "=" | "==" | "!=" | "<" | ">" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "-a" | "-o")
}

fn unary(op: &str, operand: &str, ctx: &Ctx) -> Result<bool, String> {
    let path = || ctx.path(operand);
    let meta = || std::fs::metadata(path()).ok();
    Ok(match op {
        "-z" => operand.is_empty(),
        "-n" => !operand.is_empty(),
        "-e" | "-r" | "-w" | "-x" => meta().is_some(),
        "-f" => meta().is_some_and(|m| m.is_file()),
        "-d" => meta().is_some_and(|m| m.is_dir()),
        "-s" => meta().is_some_and(|m| m.len() > 0),
        "-L" | "-h" => std::fs::symlink_metadata(path()).is_ok_and(|m| m.file_type().is_symlink()),
        "-b" | "-c" | "-p" | "-S" | "-t" => false,
        _ => return Err(format!("{op}: unary operator expected")),
    })
}

fn binary(left: &str, op: &str, right: &str) -> Result<bool, String> {
    let number = |s: &str| s.trim().parse::<i64>().map_err(|_| format!("{s}: bad number"));
    Ok(match op {
        "=" | "==" => left == right,
        "!=" => left != right,
        "<" => left < right,
        ">" => left > right,
        "-eq" => number(left)? == number(right)?,
        "-ne" => number(left)? != number(right)?,
        "-lt" => number(left)? < number(right)?,
        "-le" => number(left)? <= number(right)?,
        "-gt" => number(left)? > number(right)?,
        "-ge" => number(left)? >= number(right)?,
        "-a" => !left.is_empty() && !right.is_empty(),
        _ => !left.is_empty() || !right.is_empty(),
    })
}
