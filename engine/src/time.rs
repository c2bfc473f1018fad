//! Time as the engine sees it: instants handed in by the host, and Docker's ways of printing them.

use serde::{Deserialize, Serialize};

/// An instant, in nanoseconds since the Unix epoch. The engine never reads a clock: hosts pass this in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub u64);

const NANOS_PER_SECOND: u64 = 1_000_000_000;

impl Timestamp {
    pub fn from_secs(secs: u64) -> Self {
        Timestamp(secs.saturating_mul(NANOS_PER_SECOND))
    }

    pub fn as_nanos(self) -> u64 {
        self.0
    }

    /// The time from `earlier` to `self`, zero when `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }

    /// RFC 3339 in UTC with nanoseconds trimmed as Go trims them (`2026-11-27T15:41:19.5Z`).
    pub fn rfc3339(self) -> String {
        let secs = self.0 / NANOS_PER_SECOND;
        let nanos = self.0 % NANOS_PER_SECOND;
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        let mut out = format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", rem / 3600, rem / 60 % 60, rem % 60);
        if nanos != 0 {
            let fraction = format!("{nanos:09}");
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }
}

impl Timestamp {
    /// Reads the RFC 3339 times image configs carry (`2026-05-01T00:00:00Z`, with an optional
    /// fraction and a `Z` or `±hh:mm` offset).
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let s = text.get(range)?;
            s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
        };
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut rest = &text[19..];
        let mut nanos: i64 = 0;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let kept = &fraction[..digits.min(9)];
            nanos = kept.parse::<i64>().ok()? * 10i64.pow(9 - kept.len() as u32);
            rest = &fraction[digits..];
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                    return None;
                }
                sign * (rest[1..3].parse::<i64>().ok()? * 3600 + rest[4..6].parse::<i64>().ok()? * 60)
            }
        };
        let secs =
            days_from_civil(year, month as u32, day as u32) * 86_400 + hour * 3600 + minute * 60 + second - offset;
        let total = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        u64::try_from(total).ok().map(Timestamp)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, the inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A span of time in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub u64);

impl Duration {
    /// The words Docker uses for a duration (go-units' `HumanDuration`): "Less than a second",
    /// "About a minute", "3 hours", "2 weeks".
    pub fn human(self) -> String {
        let seconds = self.0 / NANOS_PER_SECOND;
        let minutes = seconds / 60;
        // go-units rounds hours to the nearest whole hour before choosing the unit.
        let hours = (self.0 as f64 / 3.6e12 + 0.5) as u64;
        match () {
            _ if seconds < 1 => "Less than a second".to_string(),
            _ if seconds == 1 => "1 second".to_string(),
            _ if seconds < 60 => format!("{seconds} seconds"),
            _ if minutes == 1 => "About a minute".to_string(),
            _ if minutes < 60 => format!("{minutes} minutes"),
            _ if hours == 1 => "About an hour".to_string(),
            _ if hours < 48 => format!("{hours} hours"),
            _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
            _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
            _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
            _ => format!("{} years", (self.0 as f64 / 3.6e12 / 24.0 / 365.0) as u64),
        }
    }
}

impl Duration {
    /// Reads a Go duration (`24h`, `1h30m`, `1.5h`, `300ms`), as Docker's `until` filters take it.
    pub fn parse_go(text: &str) -> Option<Duration> {
        if text == "0" {
            return Some(Duration(0));
        }
        let mut rest = text;
        let mut total: f64 = 0.0;
        if rest.is_empty() {
            return None;
        }
        while !rest.is_empty() {
            let number_end = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
            let number: f64 = rest[..number_end].parse().ok()?;
            rest = &rest[number_end..];
            let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
            let nanos_per_unit = match &rest[..unit_end] {
                "ns" => 1.0,
                "us" | "µs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 6e10,
                "h" => 3.6e12,
                _ => return None,
            };
            rest = &rest[unit_end..];
            total += number * nanos_per_unit;
        }
        (total.is_finite() && total < u64::MAX as f64).then_some(Duration(total as u64))
    }
}

impl Timestamp {
    /// Reads a time as Docker's filters take it: a Go duration back from `now` (`24h`), an RFC 3339
    /// time with or without its zone (UTC assumed), a date (`2026-05-01`), or Unix seconds.
    pub fn parse_docker(text: &str, now: Timestamp) -> Option<Timestamp> {
        if let Some(ago) = Duration::parse_go(text) {
            return Some(Timestamp(now.0.saturating_sub(ago.0)));
        }
        if let Some(t) = Timestamp::parse_rfc3339(text) {
            return Some(t);
        }
        if text.len() == 10 {
            return Timestamp::parse_rfc3339(&format!("{text}T00:00:00Z"));
        }
        if text.len() == 19 {
            return Timestamp::parse_rfc3339(&format!("{text}Z"));
        }
        let (secs, fraction) = text.split_once('.').unwrap_or((text, ""));
        if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let nanos: u64 = format!("{:0<9}", fraction).get(..9)?.parse().ok()?;
        Some(Timestamp(Timestamp::from_secs(secs.parse().ok()?).0.saturating_add(nanos)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn secs(s: u64) -> Duration {
        Duration(s * NANOS_PER_SECOND)
    }

    #[test]
    fn human_durations_read_like_docker() {
        assert_eq!(Duration(10).human(), "Less than a second");
        assert_eq!(secs(1).human(), "1 second");
        assert_eq!(secs(59).human(), "59 seconds");
        assert_eq!(secs(60).human(), "About a minute");
        assert_eq!(secs(125).human(), "2 minutes");
        assert_eq!(secs(3600).human(), "About an hour");
        assert_eq!(secs(5 * 3600).human(), "5 hours");
        assert_eq!(secs(3 * 86_400).human(), "3 days");
        assert_eq!(secs(20 * 86_400).human(), "2 weeks");
        assert_eq!(secs(100 * 86_400).human(), "3 months");
        assert_eq!(secs(800 * 86_400).human(), "2 years");
    }

    #[test]
    fn rfc3339_parses_what_it_prints_and_what_docker_writes() {
        for t in [
            Timestamp(0),
            Timestamp::from_secs(1_795_786_879),
            Timestamp(1_500_000_000),
            Timestamp::from_secs(951_782_400),
        ] {
            assert_eq!(Timestamp::parse_rfc3339(&t.rfc3339()), Some(t));
        }
        assert_eq!(Timestamp::parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(Timestamp(0)));
        assert_eq!(
            Timestamp::parse_rfc3339("2026-05-01T00:00:00.123456789123Z"),
            Some(Timestamp(1_777_593_600_123_456_789))
        );
        for bad in [
            "",
            "2026-05-01",
            "2026-13-01T00:00:00Z",
            "2026-05-01T00:00:00",
            "1969-12-31T23:59:59Z",
            "2026-05-01T00:00:00.Z",
            "２026-05-01T00:00:00Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_prints_utc_with_trimmed_fraction() {
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_secs(1_795_786_879).rfc3339(), "2026-11-27T13:41:19Z");
        assert_eq!(Timestamp(1_500_000_000).rfc3339(), "1970-01-01T00:00:01.5Z");
        assert_eq!(Timestamp::from_secs(951_782_400).rfc3339(), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn go_durations_and_docker_times_parse_as_filters_take_them() {
        assert_eq!(Duration::parse_go("24h"), Some(secs(86_400)));
        assert_eq!(Duration::parse_go("1h30m"), Some(secs(5_400)));
        assert_eq!(Duration::parse_go("1.5h"), Some(secs(5_400)));
        assert_eq!(Duration::parse_go("300ms"), Some(Duration(300_000_000)));
        assert_eq!(Duration::parse_go("0"), Some(Duration(0)));
        for bad in ["", "h", "10", "10d", "1e400h", "-5m"] {
            assert_eq!(Duration::parse_go(bad), None, "{bad}");
        }
        let now = Timestamp::from_secs(1_000_000);
        assert_eq!(Timestamp::parse_docker("10s", now), Some(Timestamp::from_secs(999_990)));
        assert_eq!(Timestamp::parse_docker("1970-01-02", now), Some(Timestamp::from_secs(86_400)));
        assert_eq!(Timestamp::parse_docker("1970-01-02T00:00:01", now), Some(Timestamp::from_secs(86_401)));
        assert_eq!(Timestamp::parse_docker("1970-01-02T00:00:01Z", now), Some(Timestamp::from_secs(86_401)));
        assert_eq!(Timestamp::parse_docker("5.5", now), Some(Timestamp(5_500_000_000)));
        assert_eq!(Timestamp::parse_docker("abc", now), None);
    }
}
