//! `docker stats`: what running containers use, as their hosts measured it: CPU time over the
//! last interval, and linear memory against the container's limit (or 4 GiB, all a wasm32
//! guest can address).

use serde_json::json;

use crate::container::{Container, ContainerId};
use crate::format::{CustomFormat, FormatContext, Table};
use crate::time::Timestamp;
use crate::{Engine, Reply};

/// The most memory a wasm32 guest can have: the limit of a container given none.
const WASM32_MEMORY: u64 = 4 << 30;

const STATS_CONTEXT: FormatContext = FormatContext {
    type_name: "*formatter.statsContext",
    headers: &[
        ("Container", "CONTAINER"),
        ("ID", "CONTAINER ID"),
        ("Name", "NAME"),
        ("CPUPerc", "CPU %"),
        ("MemUsage", "MEM USAGE / LIMIT"),
        ("MemPerc", "MEM %"),
        ("NetIO", "NET I/O"),
        ("BlockIO", "BLOCK I/O"),
        ("PIDs", "PIDS"),
    ],
};

/// Bytes in binary units with two decimals, as `docker stats` prints them (`1.25MiB`).
fn binary_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.2}{}", UNITS[unit]).replace(".00B", "B")
}

impl Engine {
    /// Records what a host measured of a running process: its memory now, and the CPU time it
    /// has used since it started.
    pub fn record_usage(&mut self, id: &ContainerId, now: Timestamp, memory: u64, cpu_ns: u64) {
        let samples = self.usage.entry(id.clone()).or_insert([(now, memory, cpu_ns); 2]);
        samples[0] = samples[1];
        samples[1] = (now, memory, cpu_ns);
    }

    pub(crate) fn stats(&self, keys: &[String], all: bool, format: Option<&str>) -> Reply {
        let mut shown: Vec<&Container> = Vec::new();
        let mut reply = Reply::default();
        if keys.is_empty() {
            shown.extend(self.containers.iter().filter(|c| all || c.state.status.can_exit()));
        } else {
            for key in keys {
                if let Some(c) = self.container_or_report(key, &mut reply) {
                    shown.push(c);
                }
            }
        }
        let rows: Vec<serde_json::Value> = shown
            .iter()
            .map(|c| {
                let running = c.state.status.can_exit();
                let [(then, _, cpu_then), (now, memory, cpu_now)] =
                    self.usage.get(&c.id).copied().unwrap_or([(Timestamp(0), 0, 0); 2]);
                let wall = now.as_nanos().saturating_sub(then.as_nanos());
                let cpu = if running && wall > 0 {
                    cpu_now.saturating_sub(cpu_then) as f64 * 100.0 / wall as f64
                } else {
                    0.0
                };
                let memory = if running { memory } else { 0 };
                let limit = c.memory.unwrap_or(WASM32_MEMORY);
                let pids = if running { 1 + self.execs.values().filter(|e| e.container == c.id).count() } else { 0 };
                json!({
                    "BlockIO": "0B / 0B",
                    "CPUPerc": format!("{cpu:.2}%"),
                    "Container": c.id.short(),
                    "ID": c.id.short(),
                    "MemPerc": format!("{:.2}%", memory as f64 * 100.0 / limit as f64),
                    "MemUsage": format!("{} / {}", binary_size(memory), binary_size(limit)),
                    "Name": c.name,
                    "NetIO": "0B / 0B",
                    "PIDs": pids.to_string(),
                })
            })
            .collect();
        if let Some(format) = format {
            return match CustomFormat::parse(format).and_then(|f| f.render(&rows, STATS_CONTEXT)) {
                Ok(out) => Reply { stdout: out, ..reply },
                Err(e) => Reply::err(e.to_string(), 1),
            };
        }
        let mut table = Table::new(&[
            "CONTAINER ID",
            "NAME",
            "CPU %",
            "MEM USAGE / LIMIT",
            "MEM %",
            "NET I/O",
            "BLOCK I/O",
            "PIDS",
        ]);
        for row in &rows {
            let cell = |key: &str| row[key].as_str().unwrap_or_default().to_string();
            table.row(["ID", "Name", "CPUPerc", "MemUsage", "MemPerc", "NetIO", "BlockIO", "PIDs"].map(cell).to_vec());
        }
        reply.stdout = table.render();
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::binary_size;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sizes_read_as_docker_stats_prints_them() {
        assert_eq!(binary_size(0), "0B");
        assert_eq!(binary_size(1_310_720), "1.25MiB");
        assert_eq!(binary_size(4 << 30), "4.00GiB");
    }
}
