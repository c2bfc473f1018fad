//! Values as Go prints them: `fmt`'s `%v` and verbs, and `encoding/json` as
//! docker's `json` function calls it (compact, map keys sorted, no HTML escaping).

use serde_json::Value as Json;

use super::exec::Value;
pub(super) use super::quote::quote;

/// A float's shortest decimal digits and its decimal point position (`0.0125` is `125`, -1).
fn shortest_digits(f: f64) -> (String, i32) {
    let text = format!("{:e}", f.abs());
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return ("0".to_string(), 1);
    }
    (digits.to_string(), exp + 1)
}

/// `digits` with the decimal point at `dp`, as `%f` prints it with the shortest precision.
fn fixed(digits: &str, dp: i32) -> String {
    if dp <= 0 {
        format!("0.{}{digits}", "0".repeat((-dp) as usize))
    } else if dp as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(dp as usize - digits.len()))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

/// `digits` in Go's `%e` form: one digit, the rest after a point, and a two-digit exponent.
fn exponent(digits: &str, dp: i32) -> String {
    let exp = dp - 1;
    let (head, tail) = digits.split_at(1);
    let mantissa = if tail.is_empty() { head.to_string() } else { format!("{head}.{tail}") };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// A float as Go's `%v` prints it: the shortest digits, in exponent form below 1e-4 and from 1e6.
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let sign = if f.is_sign_negative() && f != 0.0 { "-" } else { "" };
    if f == 0.0 {
        return format!("{}0", if f.is_sign_negative() { "-" } else { "" });
    }
    let (digits, dp) = shortest_digits(f);
    let exp = dp - 1;
    // Go's %v is %g with the shortest precision, which switches to %e at an exponent of 6.
    if !(-4..6).contains(&exp) {
        format!("{sign}{}", exponent(&digits, dp))
    } else {
        format!("{sign}{}", fixed(&digits, dp))
    }
}

/// A float as `encoding/json` writes it: `%f`, or `%e` below 1e-6 and from 1e21, with `e-7`
/// rather than `e-07`.
fn json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(if f.is_sign_negative() { "-0".into() } else { "0".into() });
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let (digits, dp) = shortest_digits(f);
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        let e = exponent(&digits, dp);
        let e = match e.split_once("e-0") {
            Some((m, d)) => format!("{m}e-{d}"),
            None => e.replacen("e+0", "e+", 1),
        };
        return Some(format!("{sign}{e}"));
    }
    Some(format!("{sign}{}", fixed(&digits, dp)))
}

/// A JSON value as `fmt.Print` prints the Go value it decodes to: maps with sorted keys, slices
/// space-separated, `<nil>` for null.
fn json_v(value: &Json, out: &mut String) {
    match value {
        Json::Null => out.push_str("<nil>"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => out.push_str(s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                json_v(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::sort::sort(&mut keys);
            out.push_str("map[");
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(':');
                json_v(&map[key], out);
            }
            out.push(']');
        }
    }
}

/// `fmt.Sprint` of one value (`%v`).
pub(crate) fn v(value: &Value<'_>) -> String {
    let mut out = String::new();
    write_v(value, &mut out);
    out
}

fn write_v(value: &Value<'_>, out: &mut String) {
    match value {
        Value::Missing => out.push_str("<nil>"),
        Value::Json(j, _) => json_v(j, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Byte(b) => out.push_str(&b.to_string()),
        Value::Float(f) => out.push_str(&go_float(*f)),
        Value::Complex(re, im) => {
            let im_text = go_float(*im);
            let sign = if im_text.starts_with(['-', '+']) { "" } else { "+" };
            out.push_str(&format!("({}{sign}{im_text}i)", go_float(*re)));
        }
        Value::Str(s) => out.push_str(s),
        Value::Strings(items) => {
            out.push('[');
            out.push_str(&items.join(" "));
            out.push(']');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(item, out);
            }
            out.push(']');
        }
    }
}

/// What the template prints for an action's value: `<no value>` for a missing one.
pub(crate) fn action_text(value: &Value<'_>) -> String {
    match value {
        Value::Missing | Value::Json(Json::Null, _) => "<no value>".into(),
        other => v(other),
    }
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_value(value: &Json, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => json_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_value(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::sort::sort(&mut keys);
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(key, out);
                out.push(':');
                json_value(&map[key], out);
            }
            out.push('}');
        }
    }
}

/// Docker's `json` function: `encoding/json` without HTML escaping; a value JSON cannot hold
/// (a complex number, NaN) gives the empty string, since docker ignores the encoder's error.
pub(crate) fn json(value: &Value<'_>) -> String {
    let mut out = String::new();
    if write_json(value, &mut out).is_none() {
        return String::new();
    }
    out
}

fn write_json(value: &Value<'_>, out: &mut String) -> Option<()> {
    match value {
        Value::Missing => out.push_str("null"),
        Value::Json(j, _) => json_value(j, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Byte(b) => out.push_str(&b.to_string()),
        Value::Float(f) => out.push_str(&json_float(*f)?),
        Value::Complex(..) => return None,
        Value::Str(s) => json_string(s, out),
        Value::Strings(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(item, out);
            }
            out.push(']');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
    }
    Some(())
}

fn is_string(value: &Value<'_>) -> bool {
    matches!(value, Value::Str(_) | Value::Json(Json::String(_), _))
}

/// `fmt.Sprint`: operands side by side, with a space between two that are not strings.
pub(crate) fn sprint(args: &[Value<'_>]) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 && !is_string(arg) && !is_string(&args[i - 1]) {
            out.push(' ');
        }
        write_v(arg, &mut out);
    }
    out
}

/// `fmt.Sprintln`: operands separated by spaces, then a newline.
pub(crate) fn sprintln(args: &[Value<'_>]) -> String {
    let mut text = args.iter().map(v).collect::<Vec<_>>().join(" ");
    text.push('\n');
    text
}

/// The numbers a verb can format, read from any value that holds one.
enum Num {
    Int(i128),
    Float(f64),
}

fn number(value: &Value<'_>) -> Option<Num> {
    match value {
        Value::Int(i) => Some(Num::Int(i128::from(*i))),
        Value::Byte(b) => Some(Num::Int(i128::from(*b))),
        Value::Float(f) => Some(Num::Float(*f)),
        Value::Json(Json::Number(n), _) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Some(Num::Int(i128::from(i))),
            (_, Some(u), _) => Some(Num::Int(i128::from(u))),
            (_, _, Some(f)) => Some(Num::Float(f)),
            _ => None,
        },
        _ => None,
    }
}

fn string_of<'v>(value: &'v Value<'_>) -> Option<&'v str> {
    match value {
        Value::Str(s) => Some(s),
        Value::Json(Json::String(s), _) => Some(s),
        _ => None,
    }
}

/// One `%...` directive's flags, width and precision.
#[derive(Default)]
struct Spec {
    minus: bool,
    plus: bool,
    zero: bool,
    space: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Spec {
    fn pad(&self, text: String) -> String {
        let len = text.chars().count();
        let Some(width) = self.width.filter(|w| *w > len) else {
            return text;
        };
        let fill = width - len;
        if self.minus {
            format!("{text}{}", " ".repeat(fill))
        } else if self.zero {
            // Zeros go after the sign.
            match text.strip_prefix(['-', '+']) {
                Some(rest) => format!("{}{}{rest}", &text[..1], "0".repeat(fill)),
                None => format!("{}{text}", "0".repeat(fill)),
            }
        } else {
            format!("{}{text}", " ".repeat(fill))
        }
    }

    fn signed(&self, negative: bool, digits: String) -> String {
        let sign = if negative {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        };
        format!("{sign}{digits}")
    }
}

/// Go's `%!v(type=value)` for a value a verb cannot format.
fn bad_verb(verb: char, value: &Value<'_>) -> String {
    match value {
        Value::Missing | Value::Json(Json::Null, _) => format!("%!{verb}(<nil>)"),
        other => format!("%!{verb}({}={})", other.type_name(), v(other)),
    }
}

fn format_int(spec: &Spec, verb: char, i: i128) -> String {
    let negative = i < 0;
    let magnitude = i.unsigned_abs();
    let digits = match verb {
        'd' | 'v' => magnitude.to_string(),
        'x' => format!("{}{magnitude:x}", if spec.sharp { "0x" } else { "" }),
        'X' => format!("{}{magnitude:X}", if spec.sharp { "0X" } else { "" }),
        'o' => format!("{}{magnitude:o}", if spec.sharp { "0" } else { "" }),
        'b' => format!("{magnitude:b}"),
        _ => magnitude.to_string(),
    };
    let digits = match spec.precision {
        Some(p) if digits.len() < p => format!("{}{digits}", "0".repeat(p - digits.len())),
        _ => digits,
    };
    spec.pad(spec.signed(negative, digits))
}

fn format_float(spec: &Spec, verb: char, f: f64) -> String {
    if !f.is_finite() {
        return spec.pad(go_float(f));
    }
    let body = match verb {
        'f' | 'F' => format!("{:.*}", spec.precision.unwrap_or(6), f.abs()),
        'e' | 'E' => {
            let text = format!("{:.*e}", spec.precision.unwrap_or(6), f.abs());
            let (m, e) = text.split_once('e').unwrap_or((&text, "0"));
            let e: i32 = e.parse().unwrap_or(0);
            let out = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
            if verb == 'E' {
                out.to_uppercase()
            } else {
                out
            }
        }
        _ => {
            let text = go_float(f.abs());
            match spec.precision {
                Some(p) if verb != 'v' => {
                    let p = p.max(1);
                    let rounded = format!("{:.*e}", p - 1, f.abs());
                    let (m, e) = rounded.split_once('e').unwrap_or((&rounded, "0"));
                    let e: i32 = e.parse().unwrap_or(0);
                    let digits: String = m.chars().filter(char::is_ascii_digit).collect();
                    let digits = digits.trim_end_matches('0');
                    let digits = if digits.is_empty() { "0" } else { digits };
                    if e < -4 || e >= p as i32 {
                        exponent(digits, e + 1)
                    } else {
                        fixed(digits, e + 1)
                    }
                }
                _ => text,
            }
        }
    };
    spec.pad(spec.signed(f.is_sign_negative() && f != 0.0, body))
}

/// The elements of a slice, which a verb formats one by one inside brackets.
fn elements<'a>(value: &Value<'a>) -> Option<Vec<Value<'a>>> {
    match value {
        Value::Strings(items) => Some(items.iter().map(|s| Value::Str(s.clone())).collect()),
        Value::List(items) => Some(items.clone()),
        Value::Json(Json::Array(items), _) => {
            Some(items.iter().map(|j| Value::Json(j, super::exec::Static::Iface)).collect())
        }
        _ => None,
    }
}

fn format_one(spec: &Spec, verb: char, arg: &Value<'_>) -> String {
    if !matches!(verb, 'T' | 'v') {
        if let Some(items) = elements(arg) {
            let parts: Vec<String> = items.iter().map(|item| format_one(spec, verb, item)).collect();
            return format!("[{}]", parts.join(" "));
        }
    }
    match verb {
        'v' => match number(arg) {
            Some(Num::Int(i)) if !matches!(arg, Value::Json(..)) || spec.plus || spec.zero => format_int(spec, 'd', i),
            Some(Num::Float(f)) => format_float(spec, 'g', f),
            _ => spec.pad(v(arg)),
        },
        's' => match arg {
            Value::Str(_) | Value::Json(Json::String(_), _) | Value::Strings(_) | Value::List(_) => {
                let text = v(arg);
                let text = match spec.precision {
                    Some(p) => text.chars().take(p).collect(),
                    None => text,
                };
                spec.pad(text)
            }
            Value::Json(Json::Array(_) | Json::Object(_), _) => spec.pad(v(arg)),
            other => bad_verb(verb, other),
        },
        'q' => match (string_of(arg), number(arg)) {
            (Some(s), _) => spec.pad(quote(s)),
            (None, Some(Num::Int(i))) => match u32::try_from(i).ok().and_then(char::from_u32) {
                Some(c) => spec.pad(format!("'{c}'")),
                None => spec.pad("'\u{fffd}'".into()),
            },
            _ => bad_verb(verb, arg),
        },
        'd' | 'b' | 'o' => match number(arg) {
            Some(Num::Int(i)) => format_int(spec, verb, i),
            _ => bad_verb(verb, arg),
        },
        'x' | 'X' => match (number(arg), string_of(arg)) {
            (Some(Num::Int(i)), _) => format_int(spec, verb, i),
            (_, Some(s)) => {
                let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                spec.pad(if verb == 'X' { hex.to_uppercase() } else { hex })
            }
            _ => bad_verb(verb, arg),
        },
        'c' => match number(arg) {
            Some(Num::Int(i)) => {
                spec.pad(u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{fffd}').to_string())
            }
            _ => bad_verb(verb, arg),
        },
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => match number(arg) {
            Some(Num::Float(f)) => format_float(spec, verb, f),
            _ => bad_verb(verb, arg),
        },
        't' => match arg {
            Value::Bool(_) | Value::Json(Json::Bool(_), _) => spec.pad(v(arg)),
            other => bad_verb(verb, other),
        },
        'T' => spec.pad(arg.type_name()),
        'U' => match number(arg) {
            Some(Num::Int(i)) if i >= 0 => spec.pad(format!("U+{i:04X}")),
            _ => bad_verb(verb, arg),
        },
        _ => bad_verb(verb, arg),
    }
}

/// `fmt.Sprintf` for the verbs templates use: `%v %s %q %d %x %X %o %b %c %e %f %g %t %T %%`,
/// with flags, width and precision, and Go's `%!` notes for what does not fit.
pub(crate) fn sprintf(format: &str, args: &[Value<'_>]) -> String {
    let mut out = String::new();
    let mut next_arg = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '0' => spec.zero = !spec.minus,
                ' ' => spec.space = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let number_of = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                // Go caps widths at 1e6; so do we, so no directive can ask for a huge padding.
                n = Some((n.unwrap_or(0) * 10 + d as usize).min(1_000_000));
                chars.next();
            }
            n
        };
        spec.width = number_of(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(number_of(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(next_arg) {
            None => out.push_str(&format!("%!{verb}(MISSING)")),
            Some(arg) => out.push_str(&format_one(&spec, verb, arg)),
        }
        next_arg += 1;
    }
    if next_arg < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[next_arg..]
            .iter()
            .map(|a| match a {
                Value::Missing => "<nil>".to_string(),
                other => format!("{}={}", other.type_name(), v(other)),
            })
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn floats_print_as_go_prints_them() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-2.0), "-2");
        assert_eq!(json_float(1e21).as_deref(), Some("1e+21"));
        assert_eq!(json_float(1e-7).as_deref(), Some("1e-7"));
        assert_eq!(json_float(1e6).as_deref(), Some("1000000"));
    }

    #[test]
    fn printf_formats_and_reports_mismatches() {
        let s = |t: &str| Value::Str(t.to_string());
        assert_eq!(sprintf("%s-%d-%v-%q", &[s("a"), Value::Int(5), Value::Bool(true), s("x")]), "a-5-true-\"x\"");
        assert_eq!(
            sprintf(
                "%5s|%-5s|%05d|%.2f|%x",
                &[s("ab"), s("cd"), Value::Int(-42), Value::Float(1.23456), Value::Int(255)]
            ),
            "   ab|cd   |-0042|1.23|ff"
        );
        assert_eq!(sprintf("%d %s", &[s("x")]), "%!d(string=x) %!s(MISSING)");
        assert_eq!(sprintf("%s", &[s("a"), Value::Int(1)]), "a%!(EXTRA int=1)");
        assert_eq!(sprintf("100%%", &[]), "100%");
    }
}
