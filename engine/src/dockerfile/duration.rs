//! The numbers of `HEALTHCHECK`'s flags, read as BuildKit reads them with Go's standard library:
//! durations with `time.ParseDuration` (`1m30s`, `1.5h`, `300ms`) and retries with
//! `strconv.ParseInt`, with their error texts.

const NANOS_PER_UNIT: [(&str, u64); 8] = [
    ("ns", 1),
    ("us", 1_000),
    ("\u{b5}s", 1_000),
    ("\u{3bc}s", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// 2^63, the magnitude bound Go checks against.
const LIMIT: u64 = 1 << 63;

/// How Go's `time` package quotes a string in its errors: non-ASCII and control bytes as `\x..`.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Reads leading ASCII digits as an integer below 2^63; `None` on overflow.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let mut x: u64 = 0;
    for b in s[..end].bytes() {
        if x > LIMIT / 10 {
            return None;
        }
        x = x * 10 + u64::from(b - b'0');
        if x > LIMIT {
            return None;
        }
    }
    Some((x, &s[end..]))
}

/// Reads leading digits after a decimal point: their value, as far as it fits, and its scale.
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let mut x: u64 = 0;
    let mut scale = 1.0;
    let mut overflow = false;
    for b in s[..end].bytes() {
        if overflow {
            continue;
        }
        if x > (LIMIT - 1) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(b - b'0');
        if y > LIMIT {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, &s[end..])
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(text));
    let mut s = text;
    let mut negative = false;
    if let Some(rest) = s.strip_prefix('-') {
        negative = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !s.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (mut value, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let has_int = before != s.len();
        let mut fraction = (0, 1.0);
        let mut has_fraction = false;
        if let Some(rest) = s.strip_prefix('.') {
            let before = rest.len();
            let (f, scale, rest) = leading_fraction(rest);
            fraction = (f, scale);
            has_fraction = before != rest.len();
            s = rest;
        }
        if !has_int && !has_fraction {
            return Err(invalid());
        }
        let unit_end = s.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(s.len());
        if unit_end == 0 {
            return Err(format!("time: missing unit in duration {}", time_quote(text)));
        }
        let unit_name = &s[..unit_end];
        s = &s[unit_end..];
        let Some(&(_, unit)) = NANOS_PER_UNIT.iter().find(|(name, _)| *name == unit_name) else {
            return Err(format!("time: unknown unit {} in duration {}", time_quote(unit_name), time_quote(text)));
        };
        if value > LIMIT / unit {
            return Err(invalid());
        }
        value *= unit;
        if fraction.0 > 0 {
            // Go computes the fraction's part in floating point, truncating.
            value += (fraction.0 as f64 * (unit as f64 / fraction.1)) as u64;
            if value > LIMIT {
                return Err(invalid());
            }
        }
        total = total.checked_add(value).filter(|&t| t <= LIMIT).ok_or_else(invalid)?;
    }
    if negative {
        return Ok((total as i64).wrapping_neg());
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(total as i64)
}

/// Go's `strconv.ParseInt(text, 10, 32)`.
pub(super) fn parse_int32(text: &str) -> Result<i64, String> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseInt: parsing {}: invalid syntax", crate::template::go_strconv_quote(text)));
    }
    match text.parse::<i64>() {
        Ok(n) if i32::try_from(n).is_ok() => Ok(n),
        _ => Err(format!("strconv.ParseInt: parsing {}: value out of range", crate::template::go_strconv_quote(text))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn durations_as_go_reads_them() {
        let s = 1_000_000_000;
        for (text, want) in [
            ("30s", 30 * s),
            ("1m30s", 90 * s),
            ("1.5h", 5400 * s),
            ("300ms", 300_000_000),
            ("2us", 2_000),
            ("2µs", 2_000),
            ("0", 0),
            ("-1s", -s),
            ("+.5s", s / 2),
            ("1.s", s),
            ("2562047h47m16.854775807s", i64::MAX),
        ] {
            assert_eq!(parse_duration(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn duration_errors_in_gos_words() {
        for (text, want) in [
            ("", "time: invalid duration \"\""),
            ("abc", "time: invalid duration \"abc\""),
            (".s", "time: invalid duration \".s\""),
            ("5", "time: missing unit in duration \"5\""),
            ("5x", "time: unknown unit \"x\" in duration \"5x\""),
            ("5é", "time: unknown unit \"\\xc3\\xa9\" in duration \"5\\xc3\\xa9\""),
            ("9999999999h", "time: invalid duration \"9999999999h\""),
            ("2562047h47m16.854775808s", "time: invalid duration \"2562047h47m16.854775808s\""),
            (
                "9223372036854775808ns9223372036854775808ns",
                "time: invalid duration \"9223372036854775808ns9223372036854775808ns\"",
            ),
        ] {
            assert_eq!(parse_duration(text), Err(want.to_string()), "{text}");
        }
    }

    #[test]
    fn retries_as_strconv_reads_them() {
        assert_eq!(parse_int32("3"), Ok(3));
        assert_eq!(parse_int32("-1"), Ok(-1));
        assert_eq!(parse_int32("x"), Err("strconv.ParseInt: parsing \"x\": invalid syntax".into()));
        assert_eq!(
            parse_int32("3000000000"),
            Err("strconv.ParseInt: parsing \"3000000000\": value out of range".into())
        );
    }
}
