//! Docker's per-layer progress for pulls and pushes, on a simulated clock.
//!
//! A simulated registry hands over a layer at once, but a learner should see what a real transfer
//! shows: each layer's line waiting, then a bar filling, then done, several layers at a time, and
//! a layer the other side already holds skipped outright. The engine schedules those lines on a
//! clock of its own (three downloads or five uploads at once, each taking time in proportion to
//! its size) and a host asks for the [`Progress::frame`] at each moment it draws. The last frame
//! is the text Docker prints when its output is not a terminal, which is what the reply holds.

use crate::format::human_size_digits;

/// How fast the simulated network moves bytes: slow enough that a bar is seen to fill, fast
/// enough that no one waits.
const BYTES_PER_SECOND: u64 = 2_000_000;
/// Docker downloads three layers of a pull at once, and uploads five of a push.
const PULL_CONCURRENCY: usize = 3;
const PUSH_CONCURRENCY: usize = 5;
/// The width of Docker's progress bar, in `=` signs.
const BAR_WIDTH: u64 = 50;

/// How long moving `bytes` takes, in milliseconds: a floor so that tiny layers still show a bar,
/// and a ceiling so that large ones do not keep a class waiting.
fn transfer_ms(bytes: u64, speedup: u64) -> u64 {
    (250 + bytes * 1000 / (BYTES_PER_SECOND * speedup)).min(1500)
}

/// What a layer's line says during one stretch of time.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Text(&'static str),
    /// A bar filling from empty, at `start`, to full, at the phase's end.
    Bar {
        verb: &'static str,
        start: u64,
    },
}

/// One layer's line: its short id, its size, and its phases, each lasting until its end time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LayerLine {
    id: String,
    size: u64,
    phases: Vec<(u64, Phase)>,
    done: &'static str,
}

impl LayerLine {
    fn at(&self, t: u64) -> String {
        let phase = self.phases.iter().find(|(end, _)| t < *end);
        match phase {
            None => format!("{}: {}", self.id, self.done),
            Some((_, Phase::Text(text))) => format!("{}: {text}", self.id),
            Some((end, Phase::Bar { verb, start })) => {
                let span = end.saturating_sub(*start).max(1);
                let current = self.size * t.saturating_sub(*start).min(span) / span;
                format!("{}: {verb} {}", self.id, bar(current, self.size))
            }
        }
    }

    fn end(&self) -> u64 {
        self.phases.last().map_or(0, |(end, _)| *end)
    }
}

/// Docker's progress bar and byte counts (`[=====>      ]  1.2MB/3.4MB`), as its JSON message
/// display draws them on a wide terminal.
fn bar(current: u64, total: u64) -> String {
    let filled = (current * 100 / total.max(1) / 2).min(BAR_WIDTH) as usize;
    let blank = BAR_WIDTH as usize - filled;
    let current_text = human_size_digits(current, 4);
    let total_text = human_size_digits(total, 4);
    format!("[{}>{}] {current_text:>8}/{total_text}", "=".repeat(filled), " ".repeat(blank))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    Text(String),
    Layer(LayerLine),
}

/// The lines of a pull or a push, some of them layers whose lines change over time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    rows: Vec<Row>,
}

/// A layer to move: its short id, its (compressed) size, and whether the other side has it.
pub(crate) struct LayerTransfer {
    pub(crate) id: String,
    pub(crate) size: u64,
    pub(crate) present: bool,
}

impl Progress {
    /// A line that is there from the start, or once the layers above it are done.
    pub(crate) fn line(&mut self, text: impl Into<String>) {
        self.rows.push(Row::Text(text.into()));
    }

    /// The layers of a pull, base first: up to three download at once, and each is extracted
    /// in order once it and the layers beneath it are in.
    pub(crate) fn pull(&mut self, layers: &[LayerTransfer]) {
        let start = self.end();
        let mut slots = [start; PULL_CONCURRENCY];
        let mut extracted = start;
        for (n, layer) in layers.iter().enumerate() {
            if layer.present {
                self.rows.push(Row::Layer(LayerLine {
                    id: layer.id.clone(),
                    size: layer.size,
                    phases: Vec::new(),
                    done: "Already exists",
                }));
                continue;
            }
            let slot = slots.iter().enumerate().min_by_key(|(_, free)| **free).map_or(0, |(i, _)| i);
            let download_start = slots[slot] + 100;
            let download_end = download_start + transfer_ms(layer.size, 1);
            slots[slot] = download_end;
            let extract_start = download_end.max(extracted) + 100;
            // Unpacking on the same machine is quicker than the network.
            let extract_end = extract_start + transfer_ms(layer.size, 4);
            extracted = extract_end;
            let waiting = if n < PULL_CONCURRENCY { "Pulling fs layer" } else { "Waiting" };
            self.rows.push(Row::Layer(LayerLine {
                id: layer.id.clone(),
                size: layer.size,
                phases: vec![
                    (download_start, Phase::Text(waiting)),
                    (download_end, Phase::Bar { verb: "Downloading", start: download_start }),
                    (download_end + 60, Phase::Text("Verifying Checksum")),
                    (extract_start, Phase::Text("Download complete")),
                    (extract_end, Phase::Bar { verb: "Extracting", start: extract_start }),
                ],
                done: "Pull complete",
            }));
        }
    }

    /// The layers of a push, top first as Docker lists them: up to five upload at once, and a
    /// layer the registry holds is skipped.
    pub(crate) fn push(&mut self, layers: &[LayerTransfer]) {
        let start = self.end();
        let mut slots = [start + 150; PUSH_CONCURRENCY];
        for (n, layer) in layers.iter().enumerate() {
            let (phases, done) = if layer.present {
                (vec![(start + 150, Phase::Text("Preparing"))], "Layer already exists")
            } else {
                let slot = slots.iter().enumerate().min_by_key(|(_, free)| **free).map_or(0, |(i, _)| i);
                let upload_start = slots[slot];
                let upload_end = upload_start + transfer_ms(layer.size, 1);
                slots[slot] = upload_end;
                let waiting = if n < PUSH_CONCURRENCY { "Preparing" } else { "Waiting" };
                (
                    vec![
                        (upload_start, Phase::Text(waiting)),
                        (upload_end, Phase::Bar { verb: "Pushing", start: upload_start }),
                    ],
                    "Pushed",
                )
            };
            self.rows.push(Row::Layer(LayerLine { id: layer.id.clone(), size: layer.size, phases, done }));
        }
    }

    /// When the last layer is done, in milliseconds from the start.
    pub fn end(&self) -> u64 {
        self.rows
            .iter()
            .filter_map(|row| match row {
                Row::Layer(layer) => Some(layer.end()),
                Row::Text(_) => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// Whether anything moves at all; a pull of layers all present has nothing to animate.
    pub fn is_animated(&self) -> bool {
        self.end() > 0
    }

    /// The lines at `t` milliseconds from the start. Lines after the last layer (the digest,
    /// the status) appear only once every layer is done, as they do in Docker's output.
    pub fn frame(&self, t: u64) -> String {
        let finished = t >= self.end();
        let last_layer = self.rows.iter().rposition(|row| matches!(row, Row::Layer(_)));
        let mut out = String::new();
        for (n, row) in self.rows.iter().enumerate() {
            if !finished && last_layer.is_some_and(|last| n > last) {
                break;
            }
            match row {
                Row::Text(text) => out.push_str(text),
                Row::Layer(layer) => out.push_str(&layer.at(t)),
            }
            out.push('\n');
        }
        out
    }

    /// The lines once everything is done: what Docker prints when its output is not a terminal.
    pub fn text(&self) -> String {
        self.frame(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn layer(id: &str, size: u64, present: bool) -> LayerTransfer {
        LayerTransfer { id: id.to_string(), size, present }
    }

    #[test]
    fn bars_fill_as_docker_draws_them() {
        assert_eq!(bar(0, 1000), format!("[>{}]       0B/1kB", " ".repeat(50)));
        assert_eq!(bar(500, 1000), format!("[{}>{}]     500B/1kB", "=".repeat(25), " ".repeat(25)));
        assert_eq!(bar(2_345_678, 2_345_678), format!("[{}>]  2.346MB/2.346MB", "=".repeat(50)));
    }

    #[test]
    fn a_pull_moves_each_layer_from_waiting_to_complete() {
        let mut p = Progress::default();
        p.line("latest: Pulling from library/app");
        p.pull(&[
            layer("aaaaaaaaaaaa", 1_000_000, false),
            layer("bbbbbbbbbbbb", 10, true),
            layer("cccccccccccc", 10, false),
        ]);
        p.line("Digest: sha256:0123");
        let first = p.frame(0);
        assert_eq!(
            first,
            "latest: Pulling from library/app\naaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Already exists\ncccccccccccc: Pulling fs layer\n",
            "the digest waits for the layers"
        );
        let midway = p.frame(400);
        assert!(midway.contains("aaaaaaaaaaaa: Downloading [====="), "{midway}");
        assert_eq!(
            p.text(),
            "latest: Pulling from library/app\naaaaaaaaaaaa: Pull complete\nbbbbbbbbbbbb: Already exists\ncccccccccccc: Pull complete\nDigest: sha256:0123\n"
        );
        // Extraction keeps the layers' order, even when a small upper layer downloads first.
        let extracting_upper_first = (0..p.end()).step_by(10).any(|t| {
            let frame = p.frame(t);
            frame.contains("cccccccccccc: Extracting") && !frame.contains("aaaaaaaaaaaa: Pull complete")
        });
        assert!(!extracting_upper_first);
        assert!(p.end() <= 4_000, "a pull never keeps a class waiting: {}", p.end());
    }

    #[test]
    fn a_push_skips_what_the_registry_has() {
        let mut p = Progress::default();
        p.line("The push refers to repository [localhost:5000/app]");
        p.push(&[layer("dddddddddddd", 3_000, false), layer("eeeeeeeeeeee", 3_000, true)]);
        assert!(p.frame(0).contains("dddddddddddd: Preparing\neeeeeeeeeeee: Preparing\n"));
        assert!(p.frame(p.end() - 1).contains("dddddddddddd: Pushing ["));
        assert!(p.text().ends_with("dddddddddddd: Pushed\neeeeeeeeeeee: Layer already exists\n"));
        let mut idle = Progress::default();
        idle.pull(&[layer("ffffffffffff", 5, true)]);
        assert!(!idle.is_animated());
    }
}
