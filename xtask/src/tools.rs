//! Prerequisites: Rust targets and components, pinned wasm-bindgen and wasm-opt, Debian packages.
//!
//! Everything is checked first and installed only when missing, so a warm machine spends
//! seconds here. The pinned tools live in DOCKYARD_TOOLS (default target/tools), so CI can keep
//! them in a cache that survives `cargo clean`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};

use crate::process::{self, which};
use crate::Repo;

/// binaryen's npm package ships a wasm-opt that is current; Debian's binaryen is too old to read
/// what today's rustc emits. Pinned so every machine optimizes the same way.
pub const BINARYEN_VERSION: &str = "132.0.0";

/// axe-core checks the page's accessibility in the end-to-end tests; pinned, since each release
/// adds rules, and a new rule should fail a change that touches the page, not a random day.
pub const AXE_CORE_VERSION: &str = "4.10.3";

pub const CHROMIUM_BIN: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER_BIN: &str = "/usr/bin/chromedriver";
pub const BUSYBOX_BIN: &str = "/bin/busybox";

const WASM_TARGETS: [&str; 2] = ["wasm32-unknown-unknown", "wasm32-wasip1"];

/// The pinned web tools.
pub struct WebTools {
    /// The bin directory with wasm-bindgen and wasm-bindgen-test-runner.
    pub wasm_bindgen_bin: PathBuf,
    /// wasm-opt, when it was asked for.
    pub wasm_opt: Option<PathBuf>,
}

impl WebTools {
    pub fn wasm_bindgen(&self) -> PathBuf {
        self.wasm_bindgen_bin.join("wasm-bindgen")
    }

    pub fn test_runner(&self) -> PathBuf {
        self.wasm_bindgen_bin.join("wasm-bindgen-test-runner")
    }
}

/// A Debian package xtask needs, and how to tell that what it provides is already there.
#[derive(Clone, Copy)]
pub struct SystemPackage {
    pub name: &'static str,
    /// What it provides, for messages.
    provides: &'static str,
    present: fn() -> bool,
}

pub const CHROMIUM: SystemPackage = SystemPackage {
    name: "chromium",
    provides: CHROMIUM_BIN,
    present: || process::is_executable(Path::new(CHROMIUM_BIN)),
};

pub const CHROMIUM_DRIVER: SystemPackage = SystemPackage {
    name: "chromium-driver",
    provides: CHROMEDRIVER_BIN,
    present: || process::is_executable(Path::new(CHROMEDRIVER_BIN)),
};

pub const DOCKER_IO: SystemPackage = SystemPackage {
    name: "docker.io",
    provides: "dockerd and the docker CLI",
    present: || dockerd().is_some() && docker_cli().is_some(),
};

pub const BUSYBOX_STATIC: SystemPackage = SystemPackage {
    name: "busybox-static",
    provides: "a statically linked /bin/busybox",
    // Debian's plain busybox package is dynamically linked and would not run in a container.
    present: || is_static_executable(Path::new(BUSYBOX_BIN)).unwrap_or(false),
};

/// Targets, wasm-bindgen and (unless `with_wasm_opt` is false) wasm-opt: what building the web app needs.
pub fn ensure_web_tools(repo: &Repo, with_wasm_opt: bool) -> Result<WebTools> {
    ensure_rust_targets(repo)?;
    let dir = tools_dir(repo)?;
    let wasm_bindgen_bin = ensure_wasm_bindgen(repo, &dir)?;
    let wasm_opt = match with_wasm_opt {
        true => Some(ensure_wasm_opt(&dir)?),
        false => None,
    };
    Ok(WebTools { wasm_bindgen_bin, wasm_opt })
}

/// Everything `cargo xtask test` needs: the web tools, rustfmt and clippy, and the given packages.
pub fn ensure_for_tests(repo: &Repo, packages: &[SystemPackage]) -> Result<WebTools> {
    // apt (mostly downloading) and `cargo install wasm-bindgen-cli` (mostly compiling) are the two
    // slow installs on a cold machine; running them side by side saves minutes of CI time.
    std::thread::scope(|scope| {
        let system = scope.spawn(|| ensure_system_packages(packages));
        let web = ensure_rust_components(repo).and_then(|()| ensure_web_tools(repo, true));
        let system = system.join().unwrap_or_else(|_| Err(anyhow!("installing the system packages panicked")));
        system?;
        web
    })
}

/// Where the pinned tools go: DOCKYARD_TOOLS if set, else target/tools.
fn tools_dir(repo: &Repo) -> Result<PathBuf> {
    let dir = match std::env::var_os("DOCKYARD_TOOLS") {
        Some(dir) if !dir.is_empty() => std::env::current_dir()?.join(dir),
        _ => repo.target.join("tools"),
    };
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

fn rustup() -> Result<Command> {
    let rustup = which("rustup").context(
        "rustup was not found; install Rust with rustup (https://rustup.rs), which can add the \
         wasm targets and the rustfmt and clippy components",
    )?;
    Ok(Command::new(rustup))
}

fn ensure_rust_targets(repo: &Repo) -> Result<()> {
    // Run from the repo so a rust-toolchain file there picks the toolchain being checked.
    let installed = process::output(rustup()?.current_dir(&repo.root).args(["target", "list", "--installed"]))?;
    let missing: Vec<&str> =
        WASM_TARGETS.into_iter().filter(|target| !installed.lines().any(|line| line.trim() == *target)).collect();
    if !missing.is_empty() {
        process::run(rustup()?.current_dir(&repo.root).args(["target", "add"]).args(&missing))?;
    }
    Ok(())
}

/// rustfmt and clippy, which the test run's lint steps need.
fn ensure_rust_components(repo: &Repo) -> Result<()> {
    // Each component with the cargo subcommand that answers `--version` only when it works.
    const COMPONENTS: [(&str, &str); 2] = [("rustfmt", "fmt"), ("clippy", "clippy")];
    let missing: Vec<&str> = COMPONENTS
        .into_iter()
        .filter(|(_, subcommand)| !process::succeeds(repo.cargo().args([*subcommand, "--version"])))
        .map(|(component, _)| component)
        .collect();
    if !missing.is_empty() {
        process::run(rustup()?.current_dir(&repo.root).args(["component", "add"]).args(&missing))?;
    }
    Ok(())
}

/// wasm-bindgen-cli must match the `wasm-bindgen` crate in Cargo.lock exactly, or the generated
/// JavaScript glue and the wasm module disagree.
fn ensure_wasm_bindgen(repo: &Repo, tools_dir: &Path) -> Result<PathBuf> {
    let lock_path = repo.root.join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path).with_context(|| format!("cannot read {}", lock_path.display()))?;
    let version = locked_version(&lock, "wasm-bindgen")
        .with_context(|| format!("cannot tell which wasm-bindgen to install from {}", lock_path.display()))?;
    let root = tools_dir.join(format!("wasm-bindgen-{version}"));
    let bin = root.join("bin");
    let ready = || {
        let mut check = Command::new(bin.join("wasm-bindgen"));
        check.arg("--version");
        let reports_version =
            process::output(&mut check).is_ok_and(|out| out.split_whitespace().any(|word| word == version));
        reports_version && process::is_executable(&bin.join("wasm-bindgen-test-runner"))
    };
    if !ready() {
        eprintln!("installing wasm-bindgen-cli {version} into {} (this takes a few minutes)", root.display());
        // Without --locked: with it, this version fails to build on today's toolchain, while a
        // fresh resolution of its dependencies works. Run from the tools dir so the repo's cargo
        // config does not apply.
        process::run(
            Command::new(crate::cargo_program())
                .current_dir(tools_dir)
                .args(["install", "wasm-bindgen-cli", "--version", &version, "--root"])
                .arg(&root),
        )?;
        if !ready() {
            bail!("{} does not report version {version} even after installing it", bin.join("wasm-bindgen").display());
        }
    }
    Ok(bin)
}

fn ensure_wasm_opt(tools_dir: &Path) -> Result<PathBuf> {
    let prefix = tools_dir.join("binaryen");
    let wasm_opt = prefix.join("node_modules/.bin/wasm-opt");
    let package_json = prefix.join("node_modules/binaryen/package.json");
    let ready = || {
        let pinned = fs::read_to_string(&package_json).is_ok_and(|json| json_version(&json) == Some(BINARYEN_VERSION));
        pinned && process::succeeds(Command::new(&wasm_opt).arg("--version"))
    };
    npm_install(&prefix, "binaryen", BINARYEN_VERSION, "wasm-opt (binaryen)", &wasm_opt, ready)?;
    Ok(wasm_opt)
}

/// axe-core's `axe.min.js`, installed with npm into DOCKYARD_TOOLS when missing.
pub fn ensure_axe_core(repo: &Repo) -> Result<PathBuf> {
    let prefix = tools_dir(repo)?.join(format!("axe-core-{AXE_CORE_VERSION}"));
    let script = prefix.join("node_modules/axe-core/axe.min.js");
    let package_json = prefix.join("node_modules/axe-core/package.json");
    let ready = || {
        fs::read_to_string(&package_json).is_ok_and(|json| json_version(&json) == Some(AXE_CORE_VERSION))
            && script.is_file()
    };
    npm_install(&prefix, "axe-core", AXE_CORE_VERSION, "axe-core", &script, ready)?;
    Ok(script)
}

/// Installs `package@version` with npm under `prefix` unless `ready` says it is there already;
/// `what` names it in messages and `made` is the file it provides.
fn npm_install(
    prefix: &Path,
    package: &str,
    version: &str,
    what: &str,
    made: &Path,
    ready: impl Fn() -> bool,
) -> Result<()> {
    if ready() {
        return Ok(());
    }
    let npm =
        which("npm").with_context(|| format!("npm was not found; install Node.js and npm, which provide {what}"))?;
    process::run(
        Command::new(npm)
            .arg("install")
            .arg("--prefix")
            .arg(prefix)
            .args(["--no-audit", "--no-fund"])
            .arg(format!("{package}@{version}")),
    )?;
    if !ready() {
        bail!("{} does not work even after `npm install {package}@{version}`", made.display());
    }
    Ok(())
}

/// Installs the missing packages with apt when running as root, or explains what to install.
pub fn ensure_system_packages(packages: &[SystemPackage]) -> Result<()> {
    let missing = |packages: &[SystemPackage]| -> Vec<SystemPackage> {
        packages.iter().copied().filter(|p| !(p.present)()).collect()
    };
    let needed = missing(packages);
    if needed.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = needed.iter().map(|p| p.name).collect();
    let names = names.join(" ");
    let what: Vec<String> = needed.iter().map(|p| format!("{} ({})", p.name, p.provides)).collect();
    let what = what.join(", ");
    let Some(apt_get) = which("apt-get").filter(|_| is_root()) else {
        bail!(
            "missing {what}. Install them as root, e.g. `sudo apt-get install {names}`, \
             then run this again"
        );
    };
    eprintln!("installing {names} with apt-get");
    process::run(Command::new(&apt_get).arg("update"))?;
    process::run(
        Command::new(&apt_get)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y"])
            .args(needed.iter().map(|p| p.name)),
    )?;
    let still: Vec<&str> = missing(&needed).iter().map(|p| p.provides).collect();
    if !still.is_empty() {
        bail!("apt-get installed {names}, but {} is still missing", still.join(", "));
    }
    Ok(())
}

pub fn dockerd() -> Option<PathBuf> {
    // Non-root users often lack /usr/sbin on PATH.
    which("dockerd").or_else(|| existing("/usr/sbin/dockerd"))
}

pub fn docker_cli() -> Option<PathBuf> {
    which("docker").or_else(|| existing("/usr/bin/docker")).or_else(|| existing("/usr/local/bin/docker"))
}

fn existing(path: &str) -> Option<PathBuf> {
    let path = PathBuf::from(path);
    process::is_executable(&path).then_some(path)
}

fn is_root() -> bool {
    // The real UID is the first number on the `Uid:` line; std has no getuid.
    fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status.lines().find_map(|line| line.strip_prefix("Uid:")).and_then(|ids| ids.split_whitespace().next())
            == Some("0")
    })
}

/// Whether an ELF executable runs without a dynamic loader, i.e. has no PT_INTERP header.
pub fn is_static_executable(path: &Path) -> Result<bool> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bad = || anyhow!("{} is not a little-endian ELF executable", path.display());
    if bytes.get(..4) != Some(b"\x7fELF") || bytes.get(5) != Some(&1) {
        return Err(bad());
    }
    let number = |at: usize, size: usize| -> Result<u64> {
        let field = bytes.get(at..at + size).ok_or_else(bad)?;
        Ok(field.iter().rev().fold(0, |n, b| n << 8 | u64::from(*b)))
    };
    // Offsets of e_phoff, e_phentsize and e_phnum differ between 32- and 64-bit ELF.
    let (phoff, phentsize, phnum) = match bytes[4] {
        1 => (number(0x1c, 4)?, number(0x2a, 2)?, number(0x2c, 2)?),
        2 => (number(0x20, 8)?, number(0x36, 2)?, number(0x38, 2)?),
        _ => return Err(bad()),
    };
    const PT_INTERP: u64 = 3;
    for index in 0..phnum {
        let header = usize::try_from(phoff + index * phentsize)?;
        if number(header, 4)? == PT_INTERP {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The version of the one package called `name` in a Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Result<String> {
    let wanted = format!("name = \"{name}\"");
    let mut versions = Vec::new();
    let mut in_package = false;
    for line in lock.lines().map(str::trim) {
        if line == "[[package]]" {
            in_package = false;
        } else if line == wanted {
            in_package = true;
        } else if let (true, Some(rest)) = (in_package, line.strip_prefix("version = \"")) {
            versions.push(rest.trim_end_matches('"').to_string());
            in_package = false;
        }
    }
    match versions.as_slice() {
        [version] => Ok(version.clone()),
        [] => bail!("Cargo.lock has no `{name}` package"),
        _ => {
            bail!("Cargo.lock has several versions of `{name}` ({}); the workspace should use one", versions.join(", "))
        }
    }
}

/// The top-level "version" of a package.json, without pulling in a JSON parser.
fn json_version(json: &str) -> Option<&str> {
    let after = &json[json.find("\"version\"")? + "\"version\"".len()..];
    let after = after.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    after.split('"').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_locked_version() {
        let lock = r#"
[[package]]
name = "wasm-bindgen-backend"
version = "0.2.99"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(locked_version(lock, "wasm-bindgen").unwrap(), "0.2.130");
        assert!(locked_version(lock, "wasm-bindgen-cli").is_err());
        let twice = format!("{lock}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.1\"\n");
        assert!(locked_version(&twice, "wasm-bindgen").is_err());
    }

    #[test]
    fn reads_package_json_versions() {
        let json = "{\n  \"name\": \"binaryen\",\n  \"version\": \"132.0.0\",\n  \"x\": 1\n}";
        assert_eq!(json_version(json), Some("132.0.0"));
        assert_eq!(json_version("{}"), None);
    }

    #[test]
    fn tells_static_from_dynamic_executables() {
        // This test binary needs the dynamic loader (Rust links glibc targets dynamically).
        let me = std::env::current_exe().unwrap();
        assert!(!is_static_executable(&me).unwrap());
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        assert!(is_static_executable(&manifest).is_err());
    }
}
