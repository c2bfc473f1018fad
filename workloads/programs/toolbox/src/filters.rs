//! The applets that reshape text in pipelines: printf, sed, sort, uniq and tr.

use std::cmp::Ordering;
use std::fs;

use crate::applets::{getopt, usage};
use crate::files::read_input;
use crate::regex::Regex;
use crate::text::{lines, unescape};
use crate::{strerror, Ctx, Io};

/// Every operand's contents one after the other (standard input for none, or for `-`), with
/// an error message for each that cannot be read.
fn read_all(name: &str, files: &[String], ctx: &Ctx, io: &mut Io) -> (Vec<u8>, bool) {
    let mut data = Vec::new();
    let mut ok = true;
    let stdin = ["-".to_string()];
    for file in if files.is_empty() { &stdin[..] } else { files } {
        match read_input(file, ctx, io) {
            Ok(bytes) => data.extend_from_slice(&bytes),
            Err(e) => {
                let _ = writeln!(io.err, "{name}: {file}: {}", strerror(&e));
                ok = false;
            }
        }
    }
    (data, ok)
}

/// `printf FORMAT [ARG]...`: the format, over and over while arguments remain, as POSIX asks.
pub fn printf(args: &[String], _: &mut Ctx, io: &mut Io) -> i32 {
    let Some((format, mut rest)) = args.split_first() else {
        return usage("printf", "FORMAT [ARG]...", io);
    };
    let mut out = Vec::new();
    let mut status = 0;
    loop {
        let before = rest.len();
        let stopped = format_once(format, &mut rest, &mut out, &mut status, io);
        // A format that takes no arguments is printed once, whatever follows it.
        if stopped || rest.is_empty() || rest.len() == before {
            break;
        }
    }
    let _ = io.out.write_all(&out);
    status
}

/// One pass of the format over the arguments; true when `\c` said to stop all output.
fn format_once(format: &str, args: &mut &[String], out: &mut Vec<u8>, status: &mut i32, io: &mut Io) -> bool {
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    let mut next_arg = || {
        let (first, rest) = args.split_first().map(|(f, r)| (Some(f.clone()), r)).unwrap_or((None, &[]));
        *args = rest;
        first
    };
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c == '\\' {
            if chars.get(i) == Some(&'c') {
                return true;
            }
            i += escape(&chars[i..], out);
            continue;
        }
        if c != '%' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        if chars.get(i) == Some(&'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        // %[flags][width][.precision]conversion, where a `*` takes a number from the arguments.
        let start = i;
        let mut flags = String::new();
        while let Some(f) = chars.get(i).filter(|f| "-+ #0".contains(**f)) {
            flags.push(*f);
            i += 1;
        }
        let mut number = |i: &mut usize, status: &mut i32, io: &mut Io| -> Option<i64> {
            if chars.get(*i) == Some(&'*') {
                *i += 1;
                return Some(to_int(&next_arg().unwrap_or_default(), status, io));
            }
            let digits: String = chars[*i..].iter().take_while(|d| d.is_ascii_digit()).collect();
            *i += digits.len();
            digits.parse().ok()
        };
        let mut width = number(&mut i, status, io);
        let precision = if chars.get(i) == Some(&'.') {
            i += 1;
            Some(number(&mut i, status, io).unwrap_or(0).max(0) as usize)
        } else {
            None
        };
        if width.is_some_and(|w| w < 0) {
            flags.push('-');
            width = width.map(|w| -w);
        }
        let width = width.unwrap_or(0).min(4096) as usize;
        let conversion = chars.get(i).copied();
        i += 1;
        let spec = Spec { flags, width, precision };
        let text = match conversion {
            Some('s') => spec.pad(&spec.truncate(&next_arg().unwrap_or_default()), false),
            Some('b') => {
                let mut bytes = Vec::new();
                let stop = unescape(&next_arg().unwrap_or_default(), &mut bytes);
                out.extend_from_slice(spec.pad(&String::from_utf8_lossy(&bytes), false).as_bytes());
                if stop {
                    return true;
                }
                continue;
            }
            Some('c') => spec.pad(&next_arg().unwrap_or_default().chars().take(1).collect::<String>(), false),
            Some(conv @ ('d' | 'i' | 'u' | 'x' | 'X' | 'o')) => {
                let value = to_int(&next_arg().unwrap_or_default(), status, io);
                spec.integer(value, conv)
            }
            Some('f' | 'F') => {
                let arg = next_arg().unwrap_or_default();
                let value = arg.trim().parse::<f64>().unwrap_or_else(|_| to_int(&arg, status, io) as f64);
                let mut digits = format!("{:.*}", spec.precision.unwrap_or(6), value.abs());
                if spec.flags.contains('#') && !digits.contains('.') {
                    digits.push('.');
                }
                spec.signed(value.is_sign_negative() && value != 0.0, digits)
            }
            _ => {
                let shown: String = chars[start - 1..i.min(chars.len())].iter().collect();
                let _ = writeln!(io.err, "printf: {shown}: invalid format");
                *status = 1;
                return true;
            }
        };
        out.extend_from_slice(text.as_bytes());
    }
    false
}

/// A backslash escape of printf's format, after the backslash: appends what it stands for and
/// returns how many characters it took.
fn escape(rest: &[char], out: &mut Vec<u8>) -> usize {
    let Some(&c) = rest.first() else {
        out.push(b'\\');
        return 0;
    };
    let plain = match c {
        'n' => b'\n',
        't' => b'\t',
        'r' => b'\r',
        'a' => 7,
        'b' => 8,
        'f' => 12,
        'v' => 11,
        'e' => 27,
        '\\' | '"' | '\'' => c as u8,
        '0'..='7' => {
            let digits: Vec<u32> = rest.iter().take(3).map_while(|d| d.to_digit(8)).collect();
            out.push(digits.iter().fold(0u32, |v, d| v * 8 + d) as u8);
            return digits.len();
        }
        'x' => {
            let digits: Vec<u32> = rest[1..].iter().take(2).map_while(|d| d.to_digit(16)).collect();
            if digits.is_empty() {
                out.extend_from_slice(b"\\x");
            } else {
                out.push(digits.iter().fold(0u32, |v, d| v * 16 + d) as u8);
            }
            return 1 + digits.len();
        }
        other => {
            out.push(b'\\');
            let mut buf = [0u8; 4];
            out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            return 1;
        }
    };
    out.push(plain);
    1
}

/// An argument as printf reads a number: decimal, `0x` hex, `0` octal, or `'c` for the code of
/// the character c. A bad one is reported and counts as what could be read of it.
fn to_int(arg: &str, status: &mut i32, io: &mut Io) -> i64 {
    let text = arg.trim_start();
    if let Some(quoted) = text.strip_prefix(['\'', '"']) {
        return quoted.chars().next().map_or(0, |c| c as i64);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, hex)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let valid: String = digits.chars().take_while(|c| c.is_digit(radix)).collect();
    let value = i64::from_str_radix(&valid, radix).unwrap_or(if valid.is_empty() { 0 } else { i64::MAX });
    if arg.is_empty() {
        return 0;
    }
    if valid.is_empty() || valid.len() != digits.len() {
        let _ = writeln!(io.err, "printf: invalid number '{arg}'");
        *status = 1;
    }
    if negative {
        -value
    } else {
        value
    }
}

/// A conversion's flags, width and precision.
struct Spec {
    flags: String,
    width: usize,
    precision: Option<usize>,
}

impl Spec {
    /// `%.3s` keeps the first three characters.
    fn truncate(&self, text: &str) -> String {
        match self.precision {
            Some(p) => text.chars().take(p).collect(),
            None => text.to_string(),
        }
    }

    /// Pads to the width: on the left, on the right with `-`, with zeros after any sign with `0`.
    fn pad(&self, text: &str, numeric: bool) -> String {
        let len = text.chars().count();
        if len >= self.width {
            return text.to_string();
        }
        let fill = self.width - len;
        if self.flags.contains('-') {
            format!("{text}{}", " ".repeat(fill))
        } else if numeric && self.flags.contains('0') {
            let sign_len = text.starts_with(['-', '+', ' ']) as usize;
            let prefix_len =
                if text[sign_len..].starts_with("0x") || text[sign_len..].starts_with("0X") { 2 } else { 0 };
            let (head, tail) = text.split_at(sign_len + prefix_len);
            format!("{head}{}{tail}", "0".repeat(fill))
        } else {
            format!("{}{text}", " ".repeat(fill))
        }
    }

    /// Digits with the sign `+` or a space asks for, padded.
    fn signed(&self, negative: bool, digits: String) -> String {
        let sign = if negative {
            "-"
        } else if self.flags.contains('+') {
            "+"
        } else if self.flags.contains(' ') {
            " "
        } else {
            ""
        };
        self.pad(&format!("{sign}{digits}"), true)
    }

    /// `%d`, `%i`, `%u`, `%x`, `%X` or `%o`. Negative numbers in the unsigned ones show their 64-bit
    /// two's complement, as C's printf does with a long.
    fn integer(&self, value: i64, conversion: char) -> String {
        let mut digits = match conversion {
            'd' | 'i' => value.unsigned_abs().to_string(),
            'u' => (value as u64).to_string(),
            'x' => format!("{:x}", value as u64),
            'X' => format!("{:X}", value as u64),
            _ => format!("{:o}", value as u64),
        };
        if let Some(p) = self.precision {
            digits = format!("{digits:0>p$}");
        }
        if self.flags.contains('#') && value != 0 {
            digits = match conversion {
                'x' => format!("0x{digits}"),
                'X' => format!("0X{digits}"),
                'o' if !digits.starts_with('0') => format!("0{digits}"),
                _ => digits,
            };
        }
        if matches!(conversion, 'd' | 'i') {
            self.signed(value < 0, digits)
        } else {
            self.pad(&digits, true)
        }
    }
}

/// Which lines a sed command applies to: a line number, the last line, or lines that match.
#[derive(Debug)]
enum Address {
    Line(usize),
    Last,
    Match(Regex),
}

#[derive(Debug)]
enum Action {
    /// `s/RE/REPLACEMENT/FLAGS`: the nth match (or every one from there with `g`), and whether
    /// to print the line when it changed (`p`).
    Substitute {
        regex: Regex,
        replacement: Vec<Piece>,
        global: bool,
        nth: usize,
        print: bool,
    },
    Print,
    Delete,
    Quit,
}

/// A replacement's parts: text, or what a group of the match (0 for all of it, `&`) matched.
#[derive(Debug)]
enum Piece {
    Text(String),
    Group(usize),
}

#[derive(Debug)]
struct Command {
    from: Option<Address>,
    to: Option<Address>,
    action: Action,
    /// Whether a range is open: its first line has been seen and its last not yet.
    active: bool,
}

/// Reads a sed script: commands separated by `;` or newlines, each `[ADDRESS[,ADDRESS]]COMMAND`.
fn parse_script(script: &str, extended: bool) -> Result<Vec<Command>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut commands = Vec::new();
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ';') {
            i += 1;
        }
        if i >= chars.len() {
            return Ok(commands);
        }
        let from = address(&chars, &mut i, extended)?;
        let to = if from.is_some() && chars.get(i) == Some(&',') {
            i += 1;
            Some(address(&chars, &mut i, extended)?.ok_or("unexpected ','")?)
        } else {
            None
        };
        while chars.get(i).is_some_and(|c| *c == ' ') {
            i += 1;
        }
        let Some(&name) = chars.get(i) else { return Err("missing command".into()) };
        i += 1;
        let action = match name {
            'p' => Action::Print,
            'd' => Action::Delete,
            'q' => Action::Quit,
            's' => {
                let delimiter = *chars.get(i).ok_or("unterminated 's' command")?;
                if delimiter == '\\' || delimiter == '\n' {
                    return Err("unterminated 's' command".into());
                }
                i += 1;
                let pattern = delimited(&chars, &mut i, delimiter).ok_or("unterminated 's' command")?;
                let replacement = delimited(&chars, &mut i, delimiter).ok_or("unterminated 's' command")?;
                let (mut global, mut print, mut fold, mut nth) = (false, false, false, 1);
                while let Some(&flag) = chars.get(i).filter(|c| !matches!(c, ';' | '\n' | '}' | ' ')) {
                    i += 1;
                    match flag {
                        'g' => global = true,
                        'p' => print = true,
                        'i' | 'I' => fold = true,
                        '1'..='9' => {
                            let digits: String = chars[i - 1..].iter().take_while(|d| d.is_ascii_digit()).collect();
                            i += digits.len() - 1;
                            nth = digits.parse().map_err(|_| "number option to 's' command is too big")?;
                        }
                        other => return Err(format!("unknown option to 's': {other}")),
                    }
                }
                let regex = Regex::new(&pattern, extended, fold).map_err(|e| format!("bad regex '{pattern}': {e}"))?;
                Action::Substitute { regex, replacement: pieces(&replacement), global, nth, print }
            }
            other => return Err(format!("unsupported command {other}")),
        };
        commands.push(Command { from, to, action, active: false });
    }
}

/// An address at `i`, if one is there.
fn address(chars: &[char], i: &mut usize, extended: bool) -> Result<Option<Address>, String> {
    match chars.get(*i) {
        Some('$') => {
            *i += 1;
            Ok(Some(Address::Last))
        }
        Some(c) if c.is_ascii_digit() => {
            let digits: String = chars[*i..].iter().take_while(|d| d.is_ascii_digit()).collect();
            *i += digits.len();
            digits.parse().map(|n| Some(Address::Line(n))).map_err(|_| "line number too big".into())
        }
        Some('/') => {
            *i += 1;
            let pattern = delimited(chars, i, '/').ok_or("unterminated address regex")?;
            let regex = Regex::new(&pattern, extended, false).map_err(|e| format!("bad regex '{pattern}': {e}"))?;
            Ok(Some(Address::Match(regex)))
        }
        _ => Ok(None),
    }
}

/// The text up to the next unescaped `delimiter`, past which `i` moves. A backslash before the
/// delimiter makes it an ordinary character; other escapes are kept for the regex to read.
fn delimited(chars: &[char], i: &mut usize, delimiter: char) -> Option<String> {
    let mut text = String::new();
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        if c == delimiter {
            return Some(text);
        }
        if c == '\\' {
            let next = *chars.get(*i)?;
            *i += 1;
            if next != delimiter {
                text.push('\\');
            }
            text.push(next);
        } else {
            text.push(c);
        }
    }
    None
}

/// A replacement's text read into pieces: `&` and `\1`...`\9` are what matched, `\n` a newline.
fn pieces(replacement: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = replacement.chars();
    while let Some(c) = chars.next() {
        let group = match c {
            '&' => Some(0),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => Some(d as usize - '0' as usize),
                Some('n') => {
                    text.push('\n');
                    None
                }
                Some('t') => {
                    text.push('\t');
                    None
                }
                Some(other) => {
                    text.push(other);
                    None
                }
                None => {
                    text.push('\\');
                    None
                }
            },
            other => {
                text.push(other);
                None
            }
        };
        if let Some(group) = group {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
            pieces.push(Piece::Group(group));
        }
    }
    pieces.push(Piece::Text(text));
    pieces
}

/// Applies `s` to one line; None when nothing matched.
fn substitute(line: &str, regex: &Regex, replacement: &[Piece], global: bool, nth: usize) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let (mut out, mut copied, mut at, mut seen, mut changed) = (String::new(), 0, 0, 0, false);
    let mut previous_end = None;
    while at <= chars.len() {
        let Some(spans) = regex.find_at(&chars, at) else { break };
        let Some((start, end)) = spans[0] else { break };
        // An empty match right where the last one ended is not another match, as in GNU sed:
        // `s/a*/x/g` turns `baaac` into `xbxcx`.
        if start == end && previous_end == Some(start) {
            at = start + 1;
            continue;
        }
        previous_end = Some(end);
        seen += 1;
        if seen >= nth {
            out.extend(&chars[copied..start]);
            for piece in replacement {
                match piece {
                    Piece::Text(text) => out.push_str(text),
                    Piece::Group(n) => {
                        if let Some(Some((from, to))) = spans.get(*n) {
                            out.extend(&chars[*from..*to]);
                        }
                    }
                }
            }
            copied = end;
            changed = true;
            if !global {
                break;
            }
        }
        // An empty match must still move on, or it would be found again at the same place.
        at = if end == start { end + 1 } else { end };
    }
    if !changed {
        return None;
    }
    out.extend(&chars[copied.min(chars.len())..]);
    Some(out)
}

impl Command {
    /// Whether the command applies to line `number` (from 1) holding `text`.
    fn selects(&mut self, number: usize, last: bool, text: &str) -> bool {
        let hit = |address: &Address| match address {
            Address::Line(n) => *n == number,
            Address::Last => last,
            Address::Match(regex) => regex.is_match(text),
        };
        let Some(from) = &self.from else { return true };
        let Some(to) = &self.to else { return hit(from) };
        if self.active {
            // A range ends at its second address, or at once when that is a line already passed.
            if hit(to) || matches!(to, Address::Line(n) if *n <= number) {
                self.active = false;
            }
            return true;
        }
        if hit(from) {
            self.active = !matches!(to, Address::Line(n) if *n <= number);
            return true;
        }
        false
    }
}

/// Runs a script over lines; the bool says whether `q` stopped it.
fn run_script(commands: &mut [Command], lines: &[&[u8]], quiet: bool, out: &mut Vec<u8>) -> bool {
    for (index, line) in lines.iter().enumerate() {
        let mut text = String::from_utf8_lossy(line).into_owned();
        let last = index + 1 == lines.len();
        let (mut deleted, mut quit) = (false, false);
        for command in commands.iter_mut() {
            if !command.selects(index + 1, last, &text) {
                continue;
            }
            match &command.action {
                Action::Substitute { regex, replacement, global, nth, print } => {
                    if let Some(changed) = substitute(&text, regex, replacement, *global, *nth) {
                        text = changed;
                        if *print {
                            out.extend_from_slice(text.as_bytes());
                            out.push(b'\n');
                        }
                    }
                }
                Action::Print => {
                    out.extend_from_slice(text.as_bytes());
                    out.push(b'\n');
                }
                Action::Delete => {
                    deleted = true;
                    break;
                }
                Action::Quit => {
                    quit = true;
                    break;
                }
            }
        }
        if !deleted && !quiet {
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
        if quit {
            return true;
        }
    }
    false
}

/// `sed [-n] [-i] [-E] [-e SCRIPT]... [SCRIPT] [FILE]...`: `s`, `p`, `d` and `q`, each after an
/// optional line number, `$` or `/regex/` address or a range of two. `-i` edits files in place.
pub fn sed(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("sed", args, "nirEe:", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let mut operands = opts.args.clone();
    let mut scripts: Vec<String> =
        opts.flags.iter().filter(|(c, _)| *c == 'e').filter_map(|(_, v)| v.clone()).collect();
    if scripts.is_empty() {
        if operands.is_empty() {
            return usage("sed", "[-inE] [-e CMD]... [CMD] [FILE]...", io);
        }
        scripts.push(operands.remove(0));
    }
    let mut commands = match parse_script(&scripts.join("\n"), opts.has('E') || opts.has('r')) {
        Ok(commands) => commands,
        Err(e) => {
            let _ = writeln!(io.err, "sed: {e}");
            return 1;
        }
    };
    let quiet = opts.has('n');
    if !opts.has('i') {
        let (data, ok) = read_all("sed", &operands, ctx, io);
        let mut out = Vec::new();
        run_script(&mut commands, &lines(&data), quiet, &mut out);
        let _ = io.out.write_all(&out);
        return if ok { 0 } else { 2 };
    }
    if operands.is_empty() {
        let _ = writeln!(io.err, "sed: no files to edit in place");
        return 1;
    }
    // In place, each file is a script run of its own, and its output replaces it.
    let mut status = 0;
    for file in &operands {
        let path = ctx.path(file);
        let data = match read_input(file, ctx, io) {
            Ok(data) => data,
            Err(e) => {
                let _ = writeln!(io.err, "sed: {file}: {}", strerror(&e));
                status = 4;
                continue;
            }
        };
        for command in commands.iter_mut() {
            command.active = false;
        }
        let mut out = Vec::new();
        run_script(&mut commands, &lines(&data), quiet, &mut out);
        if let Err(e) = fs::write(&path, &out) {
            let _ = writeln!(io.err, "sed: {file}: {}", strerror(&e));
            status = 4;
        }
    }
    status
}

/// The number at the start of a line, as `sort -n` reads it: blanks, a sign, digits and a
/// fraction; a line without one counts as zero.
fn leading_number(line: &[u8]) -> f64 {
    let text = String::from_utf8_lossy(line);
    let text = text.trim_start();
    let mut end = 0;
    for (at, c) in text.char_indices() {
        let fits = c.is_ascii_digit() || (at == 0 && c == '-') || (c == '.' && !text[..at].contains('.'));
        if !fits {
            break;
        }
        end = at + 1;
    }
    text[..end].parse().unwrap_or(0.0)
}

/// `sort [-rnuf] [FILE]...`: lines in byte order, or by their leading numbers with `-n`.
pub fn sort(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("sort", args, "rnuf", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let (data, ok) = read_all("sort", &opts.args, ctx, io);
    if !ok {
        return 2;
    }
    let (numeric, fold) = (opts.has('n'), opts.has('f'));
    let key = |a: &[u8], b: &[u8]| {
        if numeric {
            leading_number(a).partial_cmp(&leading_number(b)).unwrap_or(Ordering::Equal)
        } else if fold {
            a.to_ascii_uppercase().cmp(&b.to_ascii_uppercase())
        } else {
            a.cmp(b)
        }
    };
    let mut lines = lines(&data);
    // Lines whose keys are equal fall back to byte order, as GNU sort's last resort, unless -u
    // is to keep only the first of them.
    let unique = opts.has('u');
    lines.sort_by(|a, b| {
        let order = key(a, b).then_with(|| if unique { Ordering::Equal } else { a.cmp(b) });
        if opts.has('r') {
            order.reverse()
        } else {
            order
        }
    });
    if unique {
        lines.dedup_by(|a, b| key(a, b) == Ordering::Equal);
    }
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    let _ = io.out.write_all(&out);
    0
}

/// `uniq [-cdu] [INPUT [OUTPUT]]`: adjacent equal lines once, or counted, or only the repeated
/// (`-d`) or the lone (`-u`) ones.
pub fn uniq(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("uniq", args, "cdu", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    if opts.args.len() > 2 {
        return usage("uniq", "[-cdu] [INPUT [OUTPUT]]", io);
    }
    let input = opts.args.first().map(String::as_str).unwrap_or("-");
    let data = match read_input(input, ctx, io) {
        Ok(data) => data,
        Err(e) => {
            let _ = writeln!(io.err, "uniq: {input}: {}", strerror(&e));
            return 1;
        }
    };
    let mut out = Vec::new();
    let lines = lines(&data);
    let mut i = 0;
    while i < lines.len() {
        let count = lines[i..].iter().take_while(|l| **l == lines[i]).count();
        let wanted = (!opts.has('d') || count > 1) && (!opts.has('u') || count == 1);
        if wanted {
            if opts.has('c') {
                out.extend_from_slice(format!("{count:7} ").as_bytes());
            }
            out.extend_from_slice(lines[i]);
            out.push(b'\n');
        }
        i += count;
    }
    match opts.args.get(1) {
        Some(output) => match fs::write(ctx.path(output), &out) {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(io.err, "uniq: {output}: {}", strerror(&e));
                1
            }
        },
        None => {
            let _ = io.out.write_all(&out);
            0
        }
    }
}

/// A tr set spelled out: ranges (`a-z`), classes (`[:upper:]`) and escapes (`\n`), in bytes.
fn expand_set(spec: &str) -> Vec<u8> {
    let bytes = spec.as_bytes();
    let mut chars: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'[' && bytes.get(i + 1) == Some(&b':') {
            if let Some(end) = spec[i + 2..].find(":]") {
                let class = &spec[i + 2..i + 2 + end];
                chars.extend((0..=255u8).filter(|b| match class {
                    "upper" => b.is_ascii_uppercase(),
                    "lower" => b.is_ascii_lowercase(),
                    "digit" => b.is_ascii_digit(),
                    "alpha" => b.is_ascii_alphabetic(),
                    "alnum" => b.is_ascii_alphanumeric(),
                    "space" => b.is_ascii_whitespace() || *b == 11,
                    "blank" => *b == b' ' || *b == b'\t',
                    "punct" => b.is_ascii_punctuation(),
                    _ => false,
                }));
                i += end + 4;
                continue;
            }
        }
        let (c, used) = if bytes[i] == b'\\' && i + 1 < bytes.len() {
            let mut out = Vec::new();
            let rest: Vec<char> = spec[i + 1..].chars().collect();
            let used = escape(&rest, &mut out);
            (out.first().copied().unwrap_or(b'\\'), 1 + used)
        } else {
            (bytes[i], 1)
        };
        i += used;
        if bytes.get(i) == Some(&b'-') && i + 1 < bytes.len() {
            let high = bytes[i + 1];
            i += 2;
            chars.extend(c..=high);
        } else {
            chars.push(c);
        }
    }
    chars
}

/// `tr [-cds] SET1 [SET2]`: translates standard input byte by byte, deletes (`-d`) or squeezes
/// runs of (`-s`) the bytes of a set; `-c` takes every byte not in SET1 instead.
pub fn tr(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("tr", args, "cdsC", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let (delete, squeeze) = (opts.has('d'), opts.has('s'));
    let sets = opts.args.len();
    let fits = match (delete, squeeze) {
        (true, false) => sets == 1,
        (false, true) => sets == 1 || sets == 2,
        _ => sets == 2,
    };
    if !fits {
        return usage("tr", "[-cds] STRING1 [STRING2]", io);
    }
    let mut set1 = expand_set(&opts.args[0]);
    if opts.has('c') || opts.has('C') {
        set1 = (0..=255u8).filter(|b| !set1.contains(b)).collect();
    }
    let set2 = opts.args.get(1).map(|s| expand_set(s)).unwrap_or_default();
    let data = match read_input("-", ctx, io) {
        Ok(data) => data,
        Err(e) => {
            let _ = writeln!(io.err, "tr: {}", strerror(&e));
            return 1;
        }
    };
    // The translation table: SET2 is stretched with its last byte to the length of SET1.
    let mut map: Vec<Option<u8>> = (0..=255u8).map(Some).collect();
    for (i, b) in set1.iter().enumerate() {
        if delete {
            map[*b as usize] = None;
        } else if let Some(to) = set2.get(i).or(set2.last()) {
            map[*b as usize] = Some(*to);
        }
    }
    // Runs are squeezed after translating, so of the last set given.
    let squeezed = if set2.is_empty() { &set1 } else { &set2 };
    let mut out: Vec<u8> = Vec::with_capacity(data.len());
    for b in data {
        let Some(c) = map[b as usize] else { continue };
        if squeeze && out.last() == Some(&c) && squeezed.contains(&c) {
            continue;
        }
        out.push(c);
    }
    let _ = io.out.write_all(&out);
    0
}
