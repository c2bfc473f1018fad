//! `--env-file`: a file of `NAME=value` lines, read as the docker CLI reads one.

/// The variables in an env file, in order. Blank lines and `#` comments are skipped; `NAME`
/// alone would take the client's own variable, and the simulated client has none, so it is
/// left out, as Docker leaves out an unset one.
pub fn parse(text: &str) -> Result<Vec<String>, String> {
    let mut vars = Vec::new();
    for line in text.trim_start_matches('\u{feff}').lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name = line.split('=').next().unwrap_or("");
        if name.is_empty() {
            return Err(format!("invalid environment variable: {line}"));
        }
        if name.contains(char::is_whitespace) {
            return Err(format!("variable '{name}' contains whitespaces"));
        }
        if line.contains('=') {
            vars.push(line.to_string());
        }
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::parse;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn env_files_read_as_docker_reads_them() {
        let text = "\u{feff}# settings\nGREETING=hello world\n\n  MODE=debug\nFROM_CLIENT\nEMPTY=\n";
        assert_eq!(parse(text).unwrap(), ["GREETING=hello world", "MODE=debug", "EMPTY="]);
        assert_eq!(parse("BAD NAME=1").unwrap_err(), "variable 'BAD NAME' contains whitespaces");
        assert_eq!(parse("=1").unwrap_err(), "invalid environment variable: =1");
    }
}
