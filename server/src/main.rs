//! `dockyard`: serve the playground, or run docker commands natively against Dockyard's engine.
//!
//! ```text
//! dockyard serve [--port N] [--dist DIR]   serve the app on 127.0.0.1
//! dockyard shell                           read docker commands from standard input
//! dockyard run hello-world                 any docker command, run by the engine here
//! ```

use dockyard_server::{native, web};

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
Usage:
  dockyard serve [--port N] [--dist DIR]   serve the playground on 127.0.0.1 (default port 8080)
  dockyard shell                           read docker commands line by line from standard input
  dockyard COMMAND [ARG...]                run one docker command, e.g. `dockyard run hello-world`

State lives in DOCKYARD_HOME (default ~/.local/share/dockyard). Host mode talks to the Docker
Engine named by DOCKER_HOST (default unix:///var/run/docker.sock).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("--help" | "-h") => {
            print!("{USAGE}");
            Ok(0)
        }
        Some("serve") => serve(&args[1..]),
        Some("shell") => native::Native::open(&native::home())
            .and_then(|mut n| n.shell(&mut std::io::stdin().lock(), &mut std::io::stdout(), &mut std::io::stderr())),
        Some(_) => native::Native::open(&native::home()).and_then(|mut n| {
            let words: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
            let code = n.execute(
                &words.join(" "),
                &mut std::io::stdin().lock(),
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            )?;
            // Background containers end with this one-shot command, so wait for them to finish.
            n.finish()?;
            Ok(code)
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "dockyard: {e:#}");
            ExitCode::from(125)
        }
    }
}

/// Quotes an argument so the engine's word splitter gives it back unchanged.
fn shell_quote(arg: &str) -> String {
    if !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c)) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

fn serve(args: &[String]) -> anyhow::Result<i32> {
    let mut port: u16 = 8080;
    let mut dist = default_dist();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).ok_or_else(|| anyhow::anyhow!("{} needs a value\n\n{USAGE}", args[i]))?;
        match args[i].as_str() {
            "--port" => port = value.parse().map_err(|_| anyhow::anyhow!("--port takes a number from 0 to 65535"))?,
            "--dist" => dist = PathBuf::from(value),
            other => anyhow::bail!("unknown option {other}\n\n{USAGE}"),
        }
        i += 2;
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(web::serve(port, dist))?;
    Ok(0)
}

/// The app built by `cargo xtask dist`: DOCKYARD_DIST, else `dist` beside the binary's target
/// folder (target/dist for target/debug/dockyard), else ./target/dist.
fn default_dist() -> PathBuf {
    if let Some(dist) = std::env::var_os("DOCKYARD_DIST") {
        return PathBuf::from(dist);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(|p| p.parent()).map(|target| target.join("dist")))
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| PathBuf::from("target/dist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips_through_the_engines_splitter() {
        let args = ["run", "busybox", "sh", "-c", "echo 'hi there'", ""];
        let line: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
        let words = dockyard_engine::cli::split(&line.join(" ")).unwrap();
        assert_eq!(words, args);
    }
}
