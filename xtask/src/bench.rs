//! `cargo xtask bench`: runs the criterion benchmarks and reports each as a ratio against a
//! baseline measured in the same run, since absolute times say little across machines.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::process;
use crate::Repo;

pub fn bench(repo: &Repo) -> Result<()> {
    process::run(repo.cargo().args(["bench", "-p", "dockyard-engine", "--bench", "layers"]))?;
    let criterion = repo.target.join("criterion");
    let lookup = |depth: u32| mean_ns(&criterion.join(format!("union_lookup/{depth}/new/estimates.json")));
    let (one, ten, hundred) = (lookup(1)?, lookup(10)?, lookup(100)?);
    let engine_hash = mean_ns(&criterion.join("layer_hash/diff_id/new/estimates.json"))?;
    let sha256sum = sha256sum_ns(&repo.target.join("bench-input/layer.tar"))?;
    let registry = |name: &str| mean_ns(&criterion.join(format!("registry/{name}/new/estimates.json")));
    let (roundtrip, pull, push) =
        (registry("tar_gzip_roundtrip")?, registry("pull_1000_files")?, registry("push_1000_files")?);
    println!("\nRatios (lower is better; 1.00 means as fast as the baseline):");
    println!("  union lookup, 10 layers vs 1 layer       {:>6.2}", ten / one);
    println!("  union lookup, 100 layers vs 1 layer      {:>6.2}", hundred / one);
    println!("  layer DiffID (tar + sha256) vs sha256sum {:>6.2}", engine_hash / sha256sum);
    println!("  pull of 1,000 files vs tar+gzip and back {:>6.2}", pull / roundtrip);
    println!("  push of 1,000 files vs tar+gzip and back {:>6.2}", push / roundtrip);
    Ok(())
}

/// Criterion's mean estimate, in nanoseconds, from its `estimates.json`.
fn mean_ns(path: &Path) -> Result<f64> {
    let text = std::fs::read_to_string(path).with_context(|| format!("no criterion estimate at {}", path.display()))?;
    // The file is `{"mean":{"confidence_interval":{...},"point_estimate":N,...},...}`.
    let mean = text.split("\"mean\"").nth(1).context("no mean in the estimate")?;
    let value = mean.split("\"point_estimate\":").nth(1).context("no point estimate")?;
    let number: String =
        value.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+')).collect();
    number.parse().with_context(|| format!("unreadable estimate {number:?} in {}", path.display()))
}

/// The median wall time of `sha256sum` over `file`, in nanoseconds, over several runs.
fn sha256sum_ns(file: &Path) -> Result<f64> {
    let mut times = Vec::new();
    for _ in 0..11 {
        let start = Instant::now();
        let status = Command::new("sha256sum").arg(file).stdout(std::process::Stdio::null()).status()?;
        if !status.success() {
            bail!("sha256sum failed on {}", file.display());
        }
        times.push(start.elapsed().as_nanos() as f64);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterions_mean() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("estimates.json");
        std::fs::write(&file, r#"{"mean":{"confidence_interval":{"lower_bound":1.0},"point_estimate":12.5e1},"median":{"point_estimate":3.0}}"#).unwrap();
        assert_eq!(mean_ns(&file).unwrap(), 125.0);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
