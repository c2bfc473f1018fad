//! How a build reports itself: the classic builder's lines (`Step 2/5 : ...`, ` ---> Using
//! cache`), BuildKit's plain progress (`--progress=plain`: a numbered vertex per step that changes
//! files, `CACHED` or `DONE 0.3s`, a `RUN`'s output with its time), or only the image id (`-q`).
//!
//! The build itself is the same in all three; only the words differ, so they live here.

use super::Build;
use crate::container::Container;
use crate::digest::ImageId;
use crate::dockerfile::{Instruction, InstructionKind};
use crate::reference::Reference;
use crate::Reply;

/// Which report a build prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Classic,
    Plain,
    Quiet,
}

impl Style {
    pub fn of(quiet: bool, progress: Option<&str>) -> Style {
        match (quiet, progress) {
            (true, _) | (_, Some("quiet")) => Style::Quiet,
            (_, Some("plain")) => Style::Plain,
            _ => Style::Classic,
        }
    }
}

/// BuildKit's vertices: each step that changes files is one, numbered, and so is the export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vertices {
    next: usize,
    /// The vertex of the step being reported, until it is `CACHED` or `DONE`.
    open: Option<usize>,
    /// Per stage: its label (`build ` for a named stage in a multi-stage build) and how many
    /// vertices it has; and where the current stage is.
    stages: Vec<(String, usize)>,
    stage: usize,
    in_stage: usize,
}

/// Whether BuildKit shows the instruction as a step of its own: those that make a layer.
fn is_vertex(kind: &InstructionKind) -> bool {
    matches!(
        kind,
        InstructionKind::From { .. }
            | InstructionKind::Run { .. }
            | InstructionKind::Copy { .. }
            | InstructionKind::Add { .. }
            | InstructionKind::Workdir(_)
    )
}

impl Vertices {
    pub fn new(instructions: &[Instruction]) -> Vertices {
        let froms = instructions.iter().filter(|i| matches!(i.kind, InstructionKind::From { .. })).count();
        let mut stages: Vec<(String, usize)> = Vec::new();
        for instruction in instructions {
            if let InstructionKind::From { alias, .. } = &instruction.kind {
                let label = match (alias, froms) {
                    (_, 1) => String::new(),
                    (Some(alias), _) => format!("{alias} "),
                    (None, _) => format!("stage-{} ", stages.len()),
                };
                stages.push((label, 0));
            }
            if let Some(stage) = stages.last_mut().filter(|_| is_vertex(&instruction.kind)) {
                stage.1 += 1;
            }
        }
        Vertices { next: 0, open: None, stages, stage: 0, in_stage: 0 }
    }

    fn take(&mut self) -> usize {
        let n = self.next;
        self.next += 1;
        n
    }
}

impl Build {
    /// What the build prints before its first step.
    pub(super) fn begin(&mut self, context_size: u64, dockerfile_size: usize) -> Reply {
        match self.style {
            Style::Quiet => Reply::default(),
            Style::Classic => Reply::out(format!(
                "Sending build context to Docker daemon  {}\n",
                crate::format::human_size_digits(context_size, 4)
            )),
            Style::Plain => {
                let v = &mut self.vertices;
                let mut text = format!("#{} building with \"default\" instance using docker driver\n\n", v.take());
                let n = v.take();
                text.push_str(&format!("#{n} [internal] load build definition from Dockerfile\n"));
                text.push_str(&format!("#{n} transferring dockerfile: {dockerfile_size}B done\n#{n} DONE 0.0s\n\n"));
                let n = v.take();
                text.push_str(&format!("#{n} [internal] load .dockerignore\n#{n} transferring context: 2B done\n"));
                text.push_str(&format!("#{n} DONE 0.0s\n\n"));
                Reply { stderr: text, ..Default::default() }
            }
        }
    }

    /// A step begins.
    pub(super) fn announce(&mut self, instruction: &Instruction, out: &mut Reply) {
        match self.style {
            Style::Quiet => {}
            Style::Classic => {
                out.stdout.push_str(&format!("Step {}/{} : {}\n", self.step, self.total, instruction.original))
            }
            Style::Plain => {
                if !is_vertex(&instruction.kind) {
                    return;
                }
                if matches!(instruction.kind, InstructionKind::From { .. }) && self.vertices.in_stage > 0 {
                    self.vertices.stage += 1;
                    self.vertices.in_stage = 0;
                }
                self.vertices.in_stage += 1;
                let (label, count) =
                    self.vertices.stages.get(self.vertices.stage).cloned().unwrap_or((String::new(), 0));
                let shown = match &instruction.kind {
                    // BuildKit names the base image in full.
                    InstructionKind::From { image, .. } => match Reference::parse(image) {
                        Ok(reference) if !image.contains('$') => format!("FROM {}", reference.with_default_tag()),
                        _ => instruction.original.clone(),
                    },
                    _ => instruction.original.clone(),
                };
                let n = self.vertices.take();
                self.vertices.open = Some(n);
                out.stderr.push_str(&format!("#{n} [{label}{}/{count}] {shown}\n", self.vertices.in_stage));
            }
        }
    }

    /// The stage's base image.
    pub(super) fn based_on(&mut self, image: Option<ImageId>, out: &mut Reply) {
        match self.style {
            Style::Classic => out.stdout.push_str(&format!(" ---> {}\n", image.map(|i| i.short()).unwrap_or_default())),
            Style::Plain => self.done(0, out),
            Style::Quiet => {}
        }
    }

    /// What pulling the base image printed, which the classic builder shows.
    pub(super) fn pulled(&self, text: &str, out: &mut Reply) {
        if self.style == Style::Classic {
            out.stdout.push_str(text);
        }
    }

    pub(super) fn triggers(&self, count: usize, out: &mut Reply) {
        if self.style == Style::Classic {
            let plural = if count == 1 { "trigger" } else { "triggers" };
            out.stdout.push_str(&format!("# Executing {count} build {plural}\n"));
        }
    }

    /// The step came from the cache.
    pub(super) fn hit(&mut self, id: ImageId, out: &mut Reply) {
        match self.style {
            Style::Classic => out.stdout.push_str(&format!(" ---> Using cache\n ---> {}\n", id.short())),
            Style::Plain => {
                if let Some(n) = self.vertices.open.take() {
                    out.stderr.push_str(&format!("#{n} CACHED\n\n"));
                }
            }
            Style::Quiet => {}
        }
    }

    /// A step that ran no process made `id`; the classic builder shows the container a
    /// config-only step still "ran" in.
    pub(super) fn made(&mut self, id: ImageId, container: Option<String>, out: &mut Reply) {
        match self.style {
            Style::Classic => {
                if let Some(c) = container {
                    out.stdout.push_str(&format!(" ---> Running in {c}\nRemoving intermediate container {c}\n"));
                }
                out.stdout.push_str(&format!(" ---> {}\n", id.short()));
            }
            Style::Plain => self.done(0, out),
            Style::Quiet => {}
        }
    }

    fn done(&mut self, nanos: u64, out: &mut Reply) {
        if let Some(n) = self.vertices.open.take() {
            out.stderr.push_str(&format!("#{n} DONE {:.1}s\n\n", nanos as f64 / 1e9));
        }
    }

    /// A `RUN`'s container is about to run.
    pub(super) fn running(&self, container: &str, out: &mut Reply) {
        if self.style == Style::Classic {
            out.stdout.push_str(&format!(" ---> Running in {container}\n"));
        }
    }

    /// Whether a `RUN`'s output is shown as it comes (the classic builder's way) rather than
    /// reported when the step is over (BuildKit's, each line with its time) or not at all.
    pub(super) fn live(&self) -> bool {
        self.style == Style::Classic
    }

    /// A `RUN` ended well and made `id`.
    pub(super) fn ran(&mut self, container: &Container, id: ImageId, out: &mut Reply) {
        match self.style {
            Style::Classic => out.stdout.push_str(&format!(
                "Removing intermediate container {}\n ---> {}\n",
                container.id.short(),
                id.short()
            )),
            Style::Plain => {
                self.logged(container, out);
                let took = match (container.state.started_at, container.state.finished_at) {
                    (Some(start), Some(end)) => end.0.saturating_sub(start.0),
                    _ => 0,
                };
                self.done(took, out);
            }
            Style::Quiet => {}
        }
    }

    /// A `RUN` failed: what each style says, as the reply that ends the build.
    pub(super) fn run_failed(&mut self, container: &Container, command: &[String], code: i32) -> Reply {
        let line = command.join(" ");
        match self.style {
            Style::Plain => {
                let mut out = Reply::default();
                self.logged(container, &mut out);
                let quoted = crate::template::go_strconv_quote(&line);
                let why = format!("process {quoted} did not complete successfully: exit code: {code}");
                if let Some(n) = self.vertices.open.take() {
                    out.stderr.push_str(&format!("#{n} ERROR: {why}\n"));
                }
                out.stderr.push_str(&format!("ERROR: failed to solve: {why}\n"));
                out.exit_code = code.max(1);
                out
            }
            _ => Reply::err(format!("The command '{line}' returned a non-zero code: {code}"), code.max(1)),
        }
    }

    /// A `RUN`'s output as BuildKit's plain progress shows it: each line after the vertex's
    /// number and the seconds since the step began.
    fn logged(&self, container: &Container, out: &mut Reply) {
        let (Some(n), Some(start)) = (self.vertices.open, container.state.started_at) else { return };
        for entry in &container.logs {
            let at = entry.time.0.saturating_sub(start.0) as f64 / 1e9;
            for line in entry.text.lines() {
                out.stderr.push_str(&format!("#{n} {at:.3} {line}\n"));
            }
        }
    }

    /// The build's end: what each style prints once the image is there.
    pub(super) fn finished(&mut self, id: ImageId, tags: &[Reference], unused: &[String], out: &mut Reply) {
        match self.style {
            Style::Quiet => out.stdout.push_str(&format!("{id}\n")),
            Style::Classic => {
                if !unused.is_empty() {
                    out.stdout.push_str(&format!(
                        "[Warning] One or more build-args [{}] were not consumed\n",
                        unused.join(" ")
                    ));
                }
                out.stdout.push_str(&format!("Successfully built {}\n", id.short()));
                for tag in tags {
                    out.stdout.push_str(&format!("Successfully tagged {}\n", tag.familiar()));
                }
            }
            Style::Plain => {
                let n = self.vertices.take();
                let mut text = format!("#{n} exporting to image\n#{n} exporting layers done\n");
                text.push_str(&format!("#{n} writing image {id} done\n"));
                for tag in tags {
                    text.push_str(&format!("#{n} naming to {tag} done\n"));
                }
                text.push_str(&format!("#{n} DONE 0.0s\n"));
                out.stderr.push_str(&text);
            }
        }
    }
}
