//! Signal names as `docker kill -s` and `docker stop -s` take them: `KILL`, `SIGKILL` or `9`.

/// Linux's signal numbers for the names Docker accepts.
const SIGNALS: &[(&str, i32)] = &[
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("ILL", 4),
    ("TRAP", 5),
    ("ABRT", 6),
    ("BUS", 7),
    ("FPE", 8),
    ("KILL", 9),
    ("USR1", 10),
    ("SEGV", 11),
    ("USR2", 12),
    ("PIPE", 13),
    ("ALRM", 14),
    ("TERM", 15),
    ("STKFLT", 16),
    ("CHLD", 17),
    ("CONT", 18),
    ("STOP", 19),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("XCPU", 24),
    ("XFSZ", 25),
    ("VTALRM", 26),
    ("PROF", 27),
    ("WINCH", 28),
    ("IO", 29),
    ("PWR", 30),
    ("SYS", 31),
];

pub const SIGKILL: i32 = 9;

/// The number `text` names, or Docker's error for one it does not know.
pub fn parse(text: &str) -> Result<i32, String> {
    if let Ok(n) = text.parse::<i32>() {
        return if (1..=64).contains(&n) { Ok(n) } else { Err(format!("Invalid signal: {text}")) };
    }
    let name = text.to_ascii_uppercase();
    let name = name.strip_prefix("SIG").unwrap_or(&name);
    SIGNALS.iter().find(|(n, _)| *n == name).map(|(_, number)| *number).ok_or_else(|| format!("Invalid signal: {text}"))
}

/// Whether a process that installed no handler lives on after `signal`: these are ignored or
/// only stop it, where every other signal's default action ends the process.
pub fn is_harmless(signal: i32) -> bool {
    // CHLD, CONT, URG and WINCH are ignored; STOP, TSTP, TTIN and TTOU only stop.
    matches!(signal, 17..=23 | 28)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn names_numbers_and_prefixes_all_name_signals() {
        assert_eq!(parse("KILL"), Ok(9));
        assert_eq!(parse("sigterm"), Ok(15));
        assert_eq!(parse("2"), Ok(2));
        assert_eq!(parse("FOO"), Err("Invalid signal: FOO".to_string()));
        assert_eq!(parse("0"), Err("Invalid signal: 0".to_string()));
        assert!(is_harmless(parse("WINCH").unwrap()) && !is_harmless(parse("TERM").unwrap()));
    }
}
