//! The `created_by` text of each build step, as the classic builder writes it into the image's
//! history: `docker history` shows it, and the build cache compares it.
//!
//! The classic builder records a step as the command its intermediate container "ran":
//! `/bin/sh -c #(nop)  ENV A=b` for a step that only changes the config, the shell and the
//! command for `RUN`, prefixed by the build arguments in scope (`|1 FLAVOR=plain /bin/sh -c ...`),
//! so that a changed argument misses the cache at its first use. Lists print as Go prints them.

use crate::image::HealthConfig;
// Strings in the history are quoted as Go's `%q` quotes them.
use crate::template::go_strconv_quote as go_quote;

/// A config-only step: two spaces after `#(nop)`, as Docker writes most of them.
pub fn nop(text: &str) -> String {
    format!("/bin/sh -c #(nop)  {text}")
}

/// `WORKDIR`, `COPY` and `ADD` have one space after `#(nop)`.
pub fn nop_tight(text: &str) -> String {
    format!("/bin/sh -c #(nop) {text}")
}

/// `COPY` and `ADD`: the sources' checksum, `in`, and the destination as written, with the
/// trailing space Docker leaves.
pub fn copy(instruction: &str, checksum: &str, dest: &str) -> String {
    nop_tight(&format!("{instruction} {checksum} in {dest} "))
}

/// `RUN`: the build arguments with values, sorted by name, then the command line.
pub fn run(args: &[(String, String)], command: &[String]) -> String {
    let line = command.join(" ");
    if args.is_empty() {
        return line;
    }
    let mut sorted: Vec<&(String, String)> = args.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
    let pairs: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("|{} {} {line}", sorted.len(), pairs.join(" "))
}

/// A list as Go's `%v` prints a `[]string`: `[/bin/sh -c]`.
pub fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// A list as Go's `%q` prints a `[]string`: `["sh" "-c"]`.
pub fn go_quoted_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| go_quote(s)).collect::<Vec<_>>().join(" "))
}

/// A duration as Go's `time.Duration.String` writes it: `5s`, `1m30s`, `500ms`, `0s`.
pub fn go_duration(nanos: u64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    if nanos < 1_000_000_000 {
        let (unit, scale) = match nanos {
            n if n < 1_000 => return format!("{n}ns"),
            n if n < 1_000_000 => ("µs", 1_000),
            _ => ("ms", 1_000_000),
        };
        return format!("{}{unit}", trim_fraction(nanos, scale));
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = nanos / 60_000_000_000 % 60;
    let seconds = trim_fraction(nanos % 60_000_000_000, 1_000_000_000);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, m) => format!("{m}m{seconds}s"),
        (h, m) => format!("{h}h{m}m{seconds}s"),
    }
}

/// `value / scale` with the fraction Go keeps: trailing zeros dropped.
fn trim_fraction(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let fraction = value % scale;
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = scale.to_string().len() - 1;
    let text = format!("{fraction:0digits$}");
    format!("{whole}.{}", text.trim_end_matches('0'))
}

/// `HEALTHCHECK`: Go's `%v` of the config pointer, as the classic builder prints it.
pub fn healthcheck(config: &HealthConfig) -> String {
    let retries = match config.retries {
        0 => "'\\x00'".to_string(),
        n if n < 0x20 => format!("'\\x{n:02x}'"),
        n => format!("'{}'", char::from_u32(n as u32).unwrap_or('?')),
    };
    format!(
        "HEALTHCHECK &{{{} {} {} {} {retries}}}",
        go_quoted_list(&config.test),
        go_quote(&go_duration(config.interval)),
        go_quote(&go_duration(config.timeout)),
        go_quote(&go_duration(config.start_period)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// Each expected text is what Docker 20.10's classic builder wrote for the same instruction.
    #[test]
    fn steps_read_as_the_classic_builder_writes_them() {
        assert_eq!(nop("ENV APP=/app GREETING=hi there"), "/bin/sh -c #(nop)  ENV APP=/app GREETING=hi there");
        assert_eq!(nop_tight("WORKDIR /app"), "/bin/sh -c #(nop) WORKDIR /app");
        assert_eq!(copy("COPY", "file:00ec", "."), "/bin/sh -c #(nop) COPY file:00ec in . ");
        assert_eq!(
            run(&[("FLAVOR".into(), "plain".into())], &strings(&["/bin/sh", "-c", "echo $GREETING"])),
            "|1 FLAVOR=plain /bin/sh -c echo $GREETING"
        );
        let args = [("B".into(), "2".into()), ("A".into(), "1".into()), ("UNSET".into(), "u".into())];
        assert_eq!(run(&args, &strings(&["/bin/sh", "-c", "echo"])), "|3 A=1 B=2 UNSET=u /bin/sh -c echo");
        assert_eq!(format!("VOLUME {}", go_list(&strings(&["/data"]))), "VOLUME [/data]");
        assert_eq!(format!("ENTRYPOINT {}", go_quoted_list(&strings(&["sh", "-c"]))), "ENTRYPOINT [\"sh\" \"-c\"]");
        let check =
            HealthConfig { test: strings(&["CMD-SHELL", "true"]), interval: 5_000_000_000, ..Default::default() };
        assert_eq!(healthcheck(&check), "HEALTHCHECK &{[\"CMD-SHELL\" \"true\"] \"5s\" \"0s\" \"0s\" '\\x00'}");
    }

    #[test]
    fn durations_print_as_go_prints_them() {
        assert_eq!(go_duration(90_000_000_000), "1m30s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(500_000_000), "500ms");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(0), "0s");
    }
}
