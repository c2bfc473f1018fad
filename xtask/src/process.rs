//! Running other programs: echo the command, check its exit status, and say clearly what failed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// Runs a command with inherited output, failing if it does not exit successfully.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = describe(command);
    eprintln!("$ {shown}");
    let status = command.status().with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs a command quietly and returns its standard output; its standard error goes into the error.
pub fn output(command: &mut Command) -> Result<String> {
    let shown = describe(command);
    let output = command.stdin(Stdio::null()).output().with_context(|| format!("could not start `{shown}`"))?;
    if !output.status.success() {
        bail!("`{shown}` failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr).trim_end());
    }
    String::from_utf8(output.stdout).with_context(|| format!("`{shown}` printed invalid UTF-8"))
}

/// Whether a command runs and succeeds; used to probe for things without printing anything.
pub fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Finds a program on PATH, like `which`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| is_executable(candidate))
}

pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// PATH with `dir` in front, so a pinned tool wins over any other copy.
pub fn path_with(dir: &Path) -> Result<std::ffi::OsString> {
    let mut dirs = vec![dir.to_path_buf()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).context("PATH would contain an invalid directory")
}

/// The command as a shell line, with the environment variables it sets, so it can be rerun by hand.
pub fn describe(command: &Command) -> String {
    let mut words = Vec::new();
    for (key, value) in command.get_envs() {
        // PATH is long and TMPDIR is a per-run directory; neither helps a reader rerun the command.
        if let (Some(value), false) = (value, key == "PATH" || key == "TMPDIR") {
            words.push(format!("{}={}", key.to_string_lossy(), quote(value)));
        }
    }
    // Cargo runs xtask with the full path of its cargo in CARGO; plain `cargo` reads better.
    let program = command.get_program();
    match std::env::var_os("CARGO") {
        Some(cargo) if cargo == program => words.push("cargo".to_string()),
        _ => words.push(quote(program)),
    }
    words.extend(command.get_args().map(quote));
    words.join(" ")
}

fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_quotes_only_when_needed() {
        let mut command = Command::new("docker");
        command.env("A", "1").args(["import", "--change", r#"CMD ["sh"]"#, "it's"]);
        assert_eq!(describe(&command), r#"A=1 docker import --change 'CMD ["sh"]' 'it'\''s'"#);
    }
}
