//! Hints for learners: common Dockerfile mistakes found in the syntax tree, each with why it matters.
//!
//! The rules follow BuildKit's checks (`docker build --check`) and hadolint's, in Dockyard's own
//! words. Where BuildKit has a check, a hint carries its name (`JSONArgsRecommended`,
//! `SecretsUsedInArgOrEnv`, ...), so that `# check=skip=JSONArgsRecommended` means the same here
//! as there; the rest have Dockyard's own names (`LatestTag`, `PackageCacheKept`, ...). Every rule
//! is listed in [`RULES`] with the reason a learner should care.
//!
//! The linter only reads the file. What it cannot know it does not guess: a base image's
//! environment, user and shell come from [`lint_with`]'s caller, and a rule that needs them stays
//! silent when the caller has no answer (an unknown image, or [`lint`]). Rules about what ships in
//! the image (layers, caches, the user) look only at the final stage and the stages it is built
//! on, because a builder stage whose files are copied out never reaches anyone's disk.
//!
//! ```
//! use dockyard_engine::dockerfile::{lint, parse};
//! let file = parse("FROM node\nCOPY . .\nRUN npm install\nCMD node server.js\n").unwrap();
//! let rules: Vec<&str> = lint(&file).iter().map(|h| h.rule).collect();
//! assert_eq!(rules, ["LatestTag", "CopyBeforeInstall", "JSONArgsRecommended"]);
//! ```

use std::cell::RefCell;
use std::collections::BTreeSet;

use super::instruction::distance;
use super::words::{parse_words, split_command};
use super::{expand, Command, Dockerfile, Instruction, InstructionKind, Span};
use crate::reference::Reference;

/// One hint: what is wrong where, and why it matters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The instruction (or run of instructions) the hint is about.
    pub span: Span,
    /// The rule's stable name, as `# check=skip=` names it.
    pub rule: &'static str,
    /// One short line: what is wrong here.
    pub message: String,
    /// Why it matters, for someone learning Docker.
    pub why: String,
}

impl Hint {
    /// The documentation page of the rule, for the rules BuildKit has.
    pub fn url(&self) -> Option<&'static str> {
        rule(self.rule).and_then(|r| r.url)
    }
}

/// A rule: its name, BuildKit's page for it where there is one, and why it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub url: Option<&'static str>,
    pub why: &'static str,
}

macro_rules! buildkit {
    ($slug:literal) => {
        Some(concat!("https://docs.docker.com/go/dockerfile/rule/", $slug, "/"))
    };
}

/// Every rule, BuildKit's first, then Dockyard's own.
pub const RULES: &[Rule] = &[
    Rule {
        name: "StageNameCasing",
        url: buildkit!("stage-name-casing"),
        why: "Stage names are lowercased when the file is read, so `Build` and `build` are the same stage. Writing \
            them in lowercase keeps the file honest about that.",
    },
    Rule {
        name: "FromAsCasing",
        url: buildkit!("from-as-casing"),
        why: "Keywords work in any case, but mixing cases on one line makes the file harder to scan.",
    },
    Rule {
        name: "ConsistentInstructionCasing",
        url: buildkit!("consistent-instruction-casing"),
        why: "Docker accepts instructions in any case, but one style throughout makes them easy to spot; uppercase \
            is the usual convention.",
    },
    Rule {
        name: "DuplicateStageName",
        url: buildkit!("duplicate-stage-name"),
        why: "`COPY --from` and `--target` pick a stage by its name; with two stages of one name it is easy to \
            pick the wrong one.",
    },
    Rule {
        name: "ReservedStageName",
        url: buildkit!("reserved-stage-name"),
        why: "`scratch` already means the empty image and `context` the build context, so a stage with either name \
            confuses every reader and some commands.",
    },
    Rule {
        name: "JSONArgsRecommended",
        url: buildkit!("json-args-recommended"),
        why: "In shell form, `/bin/sh -c` becomes the container's main process and does not pass signals on, so \
            `docker stop` waits out its grace period and then kills your program. The exec form, `[\"program\", \
            \"arg\"]`, starts the program itself, which can then shut down cleanly.",
    },
    Rule {
        name: "MaintainerDeprecated",
        url: buildkit!("maintainer-deprecated"),
        why: "MAINTAINER fills a field that tools no longer read. A label such as `LABEL \
            org.opencontainers.image.authors=\"you@example.com\"` says the same where `docker inspect` and \
            registries look.",
    },
    Rule {
        name: "UndefinedArgInFrom",
        url: buildkit!("undefined-arg-in-from"),
        why: "A FROM line only sees the ARGs declared above the first FROM. Any other variable is empty there, so \
            the base image name comes out wrong.",
    },
    Rule {
        name: "InvalidDefaultArgInFrom",
        url: buildkit!("invalid-default-arg-in-from"),
        why: "Someone who builds without `--build-arg` gets the defaults; when they make no valid image name, the \
            build fails for them. Give the ARG a default that works.",
    },
    Rule {
        name: "WorkdirRelativePath",
        url: buildkit!("workdir-relative-path"),
        why: "A relative WORKDIR is joined to whatever directory the base image left, so a new version of the base \
            image can move your files. Start from an absolute path such as `/app`.",
    },
    Rule {
        name: "UndefinedVar",
        url: buildkit!("undefined-var"),
        why: "An unset variable quietly expands to nothing, so a typo or a missing ARG changes paths and values \
            without any error. Declare it with ARG or ENV before you use it.",
    },
    Rule {
        name: "MultipleInstructionsDisallowed",
        url: buildkit!("multiple-instructions-disallowed"),
        why: "An image has one CMD, one ENTRYPOINT and one HEALTHCHECK: only the last of a stage counts, and the \
            earlier ones only mislead whoever reads the file.",
    },
    Rule {
        name: "LegacyKeyValueFormat",
        url: buildkit!("legacy-key-value-format"),
        why: "In the old `key value` form everything after the first space is the value, so one instruction sets \
            one variable and a stray space changes the meaning. `key=value` is unambiguous and sets several at \
            once.",
    },
    Rule {
        name: "RedundantTargetPlatform",
        url: buildkit!("redundant-target-platform"),
        why: "A stage is built for the target platform unless it says otherwise, so this flag changes nothing and \
            only adds noise.",
    },
    Rule {
        name: "FromPlatformFlagConstDisallowed",
        url: buildkit!("from-platform-flag-const-disallowed"),
        why: "A fixed platform ignores the platform the build was asked for. Use `$BUILDPLATFORM` or \
            `$TARGETPLATFORM`, or name the stage after its platform when it is deliberate.",
    },
    Rule {
        name: "SecretsUsedInArgOrEnv",
        url: buildkit!("secrets-used-in-arg-or-env"),
        why: "Build arguments and environment variables stay in the image: anyone who pulls it can read them with \
            `docker history` or `docker inspect`. Give secrets to the container when it runs, or to one RUN with \
            a secret mount.",
    },
    Rule {
        name: "ExposeProtoCasing",
        url: buildkit!("expose-proto-casing"),
        why: "Protocols are tcp, udp or sctp in lowercase; that is how `docker inspect` and `docker port` show them.",
    },
    Rule {
        name: "ExposeInvalidFormat",
        url: buildkit!("expose-invalid-format"),
        why: "EXPOSE only documents the ports the container listens on. Which host port or address to publish on \
            is chosen at run time, with `docker run -p`.",
    },
    Rule {
        name: "LatestTag",
        url: None,
        why: "`latest` is whatever was pushed last: the same Dockerfile can build on a different base next month, \
            and the build cache will not notice. A version tag (or a digest) makes the build repeatable.",
    },
    Rule {
        name: "AddWhereCopyServes",
        url: None,
        why: "ADD also downloads URLs and unpacks archives, so a reader has to work out which one happens. COPY \
            only copies; keep ADD for the cases that need it.",
    },
    Rule {
        name: "ConsecutiveRuns",
        url: None,
        why: "Every RUN adds a layer, and a file removed by a later RUN still takes space in the layer that made \
            it. Joining related commands with `&&` in one RUN gives fewer, smaller layers.",
    },
    Rule {
        name: "PackageCacheKept",
        url: None,
        why: "A package manager keeps indexes and downloads to speed up its next run, and an image has no next \
            run: the cache only makes every pull bigger. Clean up in the same RUN, because a later RUN cannot \
            shrink a layer already written.",
    },
    Rule {
        name: "UpdateWithoutInstall",
        url: None,
        why: "The build cache reuses this step as long as its line is unchanged, so an install in a later step \
            works from package lists that can be months old and fail. Update and install in the same RUN.",
    },
    Rule {
        name: "RunsAsRoot",
        url: None,
        why: "A process running as root in the container has root's power over everything it can reach, should it \
            be compromised. Install what needs root first, then switch to an unprivileged user with USER.",
    },
    Rule {
        name: "CopyBeforeInstall",
        url: None,
        why: "A step's cache is reused only while nothing it depends on changes. Copy the dependency files first \
            (package.json, requirements.txt, go.mod, ...), install, and copy the rest after, so that editing \
            your code does not reinstall everything.",
    },
];

/// The rule of this name.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// What the linter may know of a base image: the rules that depend on it stay silent without.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseImage {
    /// `NAME=value` entries.
    pub env: Vec<String>,
    /// The user its processes run as; empty is root.
    pub user: String,
    /// The shell it sets with SHELL; empty is the default.
    pub shell: Vec<String>,
}

/// The `# check=` directive, as BuildKit reads it: `skip=RuleA,RuleB` or `skip=all`,
/// `error=true`, `experimental=...`, separated by `;`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    pub skip_all: bool,
    pub skip: Vec<String>,
    /// `error=true`, with which BuildKit fails a build that has hints. It is read so that it is
    /// no error, but the classic builder does not act on it.
    pub error: bool,
}

/// A `# check=` directive BuildKit would refuse, in its words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The option, Go-quoted.
    #[error("invalid check option {0}")]
    InvalidOption(String),
    /// The option and the value, both Go-quoted.
    #[error("failed to parse check option {0}: strconv.ParseBool: parsing {1}: invalid syntax")]
    InvalidBool(String, String),
}

impl CheckOptions {
    /// Reads the directive's value, as BuildKit's `ParseLintOptions` does.
    pub fn parse(text: &str) -> Result<CheckOptions, CheckError> {
        let quote = crate::template::go_strconv_quote;
        let mut options = CheckOptions::default();
        let text = text.trim();
        if text.is_empty() {
            return Ok(options);
        }
        // Go's SplitN(text, ";", 3): the third part keeps any further `;`.
        for part in text.splitn(3, ';') {
            let Some((key, value)) = part.split_once('=') else {
                return Err(CheckError::InvalidOption(quote(part)));
            };
            let value = value.trim();
            match key.trim() {
                "skip" if value == "all" => options.skip_all = true,
                "skip" => options.skip = value.split(',').map(|r| r.trim().to_string()).collect(),
                // Dockyard has no experimental rules to turn on.
                "experimental" => {}
                "error" => {
                    options.error = match value {
                        "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                        "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                        _ => return Err(CheckError::InvalidBool(quote(part), quote(value))),
                    }
                }
                other => return Err(CheckError::InvalidOption(quote(other))),
            }
        }
        Ok(options)
    }

    /// Whether hints of this rule are shown.
    pub fn allows(&self, rule: &str) -> bool {
        !self.skip_all && !self.skip.iter().any(|s| s == rule)
    }
}

/// The hints for a Dockerfile, in source order, less those its `# check=skip=` directive turns
/// off. Rules that need to know a base image stay silent; see [`lint_with`].
pub fn lint(file: &Dockerfile) -> Vec<Hint> {
    lint_with(file, &|_| None)
}

/// [`lint`], asking `base` about each base image (by its name, with the ARG defaults
/// substituted) for the rules that depend on it: `UndefinedVar` needs its environment,
/// `RunsAsRoot` its user, `JSONArgsRecommended` its shell.
///
/// A directive BuildKit would refuse (`# check=skip`) turns nothing off: the builder reports it.
pub fn lint_with(file: &Dockerfile, base: &dyn Fn(&str) -> Option<BaseImage>) -> Vec<Hint> {
    let mut linter = Linter { escape: file.directives.escape, hints: Vec::new() };
    linter.file(&file.instructions, base);
    let options = file.directives.check.as_deref().map(CheckOptions::parse);
    let mut hints = linter.hints;
    if let Some(Ok(options)) = options {
        hints.retain(|h| options.allows(h.rule));
    }
    // A stable sort: hints on one line stay in the order the rules found them.
    crate::sort::sort_by_key(&mut hints, |h| h.span.start);
    hints
}

/// The platform arguments BuildKit defines for every FROM line, with Dockyard's platform.
const PLATFORM_ARGS: [(&str, &str); 11] = [
    ("BUILDPLATFORM", "linux/wasm"),
    ("BUILDOS", "linux"),
    ("BUILDOSVERSION", ""),
    ("BUILDARCH", "wasm"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/wasm"),
    ("TARGETOS", "linux"),
    ("TARGETOSVERSION", ""),
    ("TARGETARCH", "wasm"),
    ("TARGETVARIANT", ""),
    ("TARGETSTAGE", "default"),
];

/// Where a stage starts from.
#[derive(Debug, Clone)]
enum Parent {
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image: what the caller knows of it, if anything.
    Image(Option<BaseImage>),
}

/// A stage as the first pass finds it.
struct StageInfo {
    /// The index of its FROM instruction.
    from: usize,
    /// One past its last instruction.
    end: usize,
    /// Its name, lowercased.
    alias: Option<String>,
    parent: Parent,
    /// Whether its layers reach the final image: the last stage, and the stages it is built on.
    shipped: bool,
}

/// What a stage has set so far; a stage built on another starts where that one ended.
#[derive(Debug, Clone, Default)]
struct Scope {
    /// Every variable name in scope, for `UndefinedVar`; `None` when the base image is unknown.
    known: Option<BTreeSet<String>>,
    /// The names ENV set in the file.
    env: BTreeSet<String>,
    shell: bool,
    workdir: bool,
    /// The last USER as written, and where.
    user: Option<(String, Span)>,
    /// The base image's user; `None` when unknown or scratch.
    base_user: Option<String>,
    /// The line of a COPY of the whole context.
    whole_copy: Option<usize>,
}

/// A stage's trackers that do not pass to stages built on it.
#[derive(Default)]
struct Trackers {
    cmd: Option<Span>,
    entrypoint: Option<Span>,
    healthcheck: Option<Span>,
    /// The consecutive RUNs so far: where the first starts, where the last ends, how many.
    runs: Option<(Span, usize)>,
    install_flagged: bool,
}

struct Linter {
    escape: char,
    hints: Vec<Hint>,
}

/// An instruction's keyword as written (`run`, `RUN`).
fn keyword(instruction: &Instruction, escape: char) -> String {
    split_command(&instruction.original, escape).0
}

/// The words after the keyword and its flags, split at whitespace.
fn plain_words(instruction: &Instruction, escape: char) -> Vec<String> {
    let (_, _, rest) = split_command(&instruction.original, escape);
    rest.split_whitespace().map(str::to_string).collect()
}

fn is_self_consistent(word: &str) -> bool {
    word == word.to_lowercase() || word == word.to_uppercase()
}

/// The variables a word refers to, and whether each was set.
fn references(word: &str, escape: char, known: &dyn Fn(&str) -> bool) -> Vec<(String, bool)> {
    let seen = RefCell::new(Vec::new());
    let lookup = |name: &str| {
        let set = known(name);
        seen.borrow_mut().push((name.to_string(), set));
        set.then(String::new)
    };
    // A word that does not expand is the builder's error to report, not a hint.
    let _ = expand(word, &lookup, escape);
    seen.into_inner()
}

/// `(?:_|^)(?:apikey|...)(?:_|$)`, case-insensitively: one of the words between underscores.
fn has_segment(name: &str, words: &[&str]) -> bool {
    name.split('_').any(|part| words.iter().any(|w| part.eq_ignore_ascii_case(w)))
}

/// BuildKit's test for a name that holds a secret.
fn is_secret_name(name: &str) -> bool {
    const SECRET: [&str; 10] =
        ["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"];
    const ALLOWED: [&str; 3] = ["public", "file", "version"];
    has_segment(name, &SECRET) && !has_segment(name, &ALLOWED)
}

/// The closest name within two edits, for "did you mean".
fn nearest<'a>(name: &str, options: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let mut best = None;
    let mut best_distance = 3;
    for option in options {
        let d = distance(name, option);
        if d > 0 && d < best_distance {
            best_distance = d;
            best = Some(option);
        }
    }
    best
}

/// Whether a local file name is an archive ADD would unpack.
fn is_archive(path: &str) -> bool {
    const EXTENSIONS: [&str; 14] = [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".gz", ".bz2",
        ".xz", ".zst",
    ];
    let lower = path.to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

fn is_remote(source: &str) -> bool {
    source.contains("://") || source.starts_with("git@")
}

/// Whether a COPY or ADD source is the whole build context.
fn is_whole_context(source: &str) -> bool {
    matches!(source, "." | "./" | "*" | "./*" | "./.")
}

/// A RUN's script: the command, or the words of its exec form, and its heredoc bodies.
fn script(command: &Command, heredocs: &[super::Heredoc]) -> String {
    let mut text = match command {
        Command::Shell(text) => text.clone(),
        Command::Exec(argv) => argv.join(" "),
    };
    for heredoc in heredocs {
        text.push('\n');
        text.push_str(&heredoc.content);
    }
    text
}

/// The simple commands of a script, each as its words: cut at `;`, `&`, `|` and line ends (quotes
/// are not read: this is for recognizing package managers, not for running anything), with
/// leading variable assignments, `sudo` and shell keywords taken off.
fn simple_commands(script: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    for piece in script.split([';', '&', '|', '\n']) {
        let mut words: Vec<&str> = piece.split_whitespace().collect();
        let skip = words
            .iter()
            .take_while(|w| {
                let assignment = w
                    .split_once('=')
                    .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                assignment || matches!(**w, "sudo" | "then" | "do" | "else" | "if" | "!" | "(" | "{" | "exec" | "env")
            })
            .count();
        words.drain(..skip);
        if let Some(first) = words.first_mut() {
            // `/usr/bin/apt-get` is `apt-get`; `(apt-get` is too.
            *first = first.trim_start_matches(['(', '{']);
            *first = first.rsplit('/').next().unwrap_or(first);
        }
        if !words.is_empty() {
            out.push(words);
        }
    }
    out
}

/// `pip install`, also as `python -m pip install`: the words after `pip`.
fn pip_words<'a>(words: &'a [&'a str]) -> Option<&'a [&'a str]> {
    let first = *words.first()?;
    if matches!(first, "pip" | "pip3") {
        return Some(&words[1..]);
    }
    if first.starts_with("python") && words.get(1) == Some(&"-m") && matches!(words.get(2), Some(&"pip" | &"pip3")) {
        return Some(&words[3..]);
    }
    None
}

/// A dependency install that a change to any source file would run again, by its usual name.
fn dependency_install(words: &[&str]) -> Option<&'static str> {
    let sub = |i: usize| words.get(i).copied().unwrap_or("");
    if let Some(pip) = pip_words(words) {
        let requirements = pip.iter().any(|w| w.starts_with("-r") || *w == "--requirement");
        return (pip.first() == Some(&"install") && requirements).then_some("pip install -r");
    }
    Some(match (sub(0), sub(1), sub(2)) {
        ("npm", "install" | "i", _) => "npm install",
        ("npm", "ci", _) => "npm ci",
        ("yarn", "" | "install", _) => "yarn install",
        ("pnpm", "install" | "i", _) => "pnpm install",
        ("go", "mod", "download") => "go mod download",
        ("cargo", "build", _) => "cargo build",
        ("cargo", "fetch", _) => "cargo fetch",
        ("bundle", "install", _) => "bundle install",
        ("composer", "install", _) => "composer install",
        ("poetry", "install", _) => "poetry install",
        ("pipenv", "install", _) => "pipenv install",
        ("dotnet", "restore", _) => "dotnet restore",
        _ => return None,
    })
}

/// Whether a `--mount` is a cache mount at or under `target`.
fn cache_mount(mounts: &[String], targets: &[&str]) -> bool {
    mounts.iter().any(|mount| {
        let fields: Vec<(&str, &str)> = mount.split(',').filter_map(|f| f.split_once('=')).collect();
        let cache = fields.iter().any(|(k, v)| *k == "type" && *v == "cache");
        let target = fields.iter().find(|(k, _)| matches!(*k, "target" | "dst" | "destination")).map(|(_, v)| *v);
        cache && target.is_some_and(|t| targets.iter().any(|p| t.trim_end_matches('/').starts_with(p)))
    })
}

/// Whether a script removes something under one of these paths with `rm`.
fn removes(commands: &[Vec<&str>], paths: &[&str]) -> bool {
    commands.iter().any(|c| c.first() == Some(&"rm") && c.iter().any(|w| paths.iter().any(|p| w.contains(p))))
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name.is_empty() || name == "root" || name == "0"
}

impl Linter {
    fn hint(&mut self, span: Span, rule: &'static str, message: String) {
        let why = self::rule(rule).map(|r| r.why).unwrap_or_default().to_string();
        self.hints.push(Hint { span, rule, message, why });
    }

    fn file(&mut self, instructions: &[Instruction], base: &dyn Fn(&str) -> Option<BaseImage>) {
        let escape = self.escape;
        let Some(first_from) = instructions.iter().position(|i| matches!(i.kind, InstructionKind::From { .. })) else {
            return;
        };
        // The ARGs before the first FROM: names and defaults, for FROM lines. They reach no
        // image unless a stage declares them again, so they are no leak of secrets.
        let mut meta: Vec<(String, Option<String>)> = Vec::new();
        for instruction in &instructions[..first_from] {
            if let InstructionKind::Arg(args) = &instruction.kind {
                meta.extend(args.iter().cloned());
            }
        }
        self.casing(&instructions[first_from..]);
        let stages = self.stages(instructions, first_from, &meta, base);
        let mut ends: Vec<Scope> = Vec::with_capacity(stages.len());
        let mut seen_names: Vec<(String, usize)> = Vec::new();
        for (index, stage) in stages.iter().enumerate() {
            let from = &instructions[stage.from];
            self.stage_line(from, stage, &stages[..index], &meta, &mut seen_names);
            let mut scope = match &stage.parent {
                Parent::Stage(j) => ends.get(*j).cloned().unwrap_or_default(),
                Parent::Scratch => Scope {
                    known: Some(BTreeSet::from(["PATH".to_string()])),
                    env: BTreeSet::from(["PATH".to_string()]),
                    ..Scope::default()
                },
                Parent::Image(None) => Scope::default(),
                Parent::Image(Some(image)) => {
                    let names: BTreeSet<String> = crate::sort::set(
                        image.env.iter().map(|e| e.split_once('=').map_or(e.as_str(), |(k, _)| k).to_string()),
                    );
                    Scope {
                        known: Some(names.clone()),
                        env: names,
                        shell: !image.shell.is_empty(),
                        base_user: Some(image.user.clone()),
                        ..Scope::default()
                    }
                }
            };
            let mut trackers = Trackers::default();
            for instruction in &instructions[stage.from + 1..stage.end] {
                self.instruction(instruction, stage, &mut scope, &mut trackers);
            }
            self.end_runs(stage, &mut trackers);
            if index + 1 == stages.len() {
                self.runs_as_root(from, &scope, escape);
            }
            ends.push(scope);
        }
    }

    /// The stages, their parents, and which of them ship.
    fn stages(
        &self,
        instructions: &[Instruction],
        first_from: usize,
        meta: &[(String, Option<String>)],
        base: &dyn Fn(&str) -> Option<BaseImage>,
    ) -> Vec<StageInfo> {
        let mut stages: Vec<StageInfo> = Vec::new();
        for (i, instruction) in instructions.iter().enumerate().skip(first_from) {
            let InstructionKind::From { image, alias, .. } = &instruction.kind else { continue };
            if let Some(last) = stages.last_mut() {
                last.end = i;
            }
            let name = self.base_name(image, meta).unwrap_or_default();
            let lower = name.to_lowercase();
            let parent = if lower == "scratch" {
                Parent::Scratch
            } else if let Some(j) = stages.iter().rposition(|s| s.alias.as_deref() == Some(lower.as_str())) {
                Parent::Stage(j)
            } else if name.is_empty() {
                Parent::Image(None)
            } else {
                Parent::Image(base(&name))
            };
            stages.push(StageInfo { from: i, end: instructions.len(), alias: alias.clone(), parent, shipped: false });
        }
        let mut at = stages.len().checked_sub(1);
        while let Some(i) = at {
            stages[i].shipped = true;
            at = match stages[i].parent {
                // A stage can only be built on an earlier one, so this ends.
                Parent::Stage(j) if j < i => Some(j),
                _ => None,
            };
        }
        stages
    }

    /// A FROM line's image with the ARG defaults and platform arguments substituted.
    fn base_name(&self, image: &str, meta: &[(String, Option<String>)]) -> Option<String> {
        let lookup = |name: &str| {
            let declared = meta.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone().unwrap_or_default());
            declared.or_else(|| PLATFORM_ARGS.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
        };
        expand(image, &lookup, self.escape).ok()
    }

    /// `ConsistentInstructionCasing`: each keyword against the case most of the file uses.
    fn casing(&mut self, instructions: &[Instruction]) {
        let keywords: Vec<(String, Span)> = instructions.iter().map(|i| (keyword(i, self.escape), i.span)).collect();
        let (mut lower, mut upper) = (0, 0);
        for (word, _) in &keywords {
            if is_self_consistent(word) {
                if *word == word.to_lowercase() {
                    lower += 1;
                } else {
                    upper += 1;
                }
            }
        }
        let majority_lower = lower > upper;
        for (word, span) in keywords {
            let (fits, case) = if majority_lower {
                (word == word.to_lowercase(), "lowercase")
            } else {
                (word == word.to_uppercase(), "uppercase")
            };
            if !fits {
                self.hint(
                    span,
                    "ConsistentInstructionCasing",
                    format!("`{word}` is not {case}, as most instructions here are"),
                );
            }
        }
    }

    fn secret(&mut self, instruction: &Instruction, what: &str, name: &str) {
        if is_secret_name(name) {
            self.hint(instruction.span, "SecretsUsedInArgOrEnv", format!("{what} {name} looks like it holds a secret"));
        }
    }

    /// The rules of a FROM line.
    fn stage_line(
        &mut self,
        instruction: &Instruction,
        stage: &StageInfo,
        earlier: &[StageInfo],
        meta: &[(String, Option<String>)],
        seen_names: &mut Vec<(String, usize)>,
    ) {
        let InstructionKind::From { image, platform, alias } = &instruction.kind else { return };
        let span = instruction.span;
        let from_word = keyword(instruction, self.escape);
        let words = plain_words(instruction, self.escape);
        if let [_, as_word, written] = words.as_slice() {
            if *written != written.to_lowercase() {
                self.hint(span, "StageNameCasing", format!("stage name `{written}` is not lowercase"));
            }
            let from_lower = from_word == from_word.to_lowercase();
            let from_upper = from_word == from_word.to_uppercase();
            let matches = if from_lower {
                *as_word == as_word.to_lowercase()
            } else {
                !from_upper || *as_word == as_word.to_uppercase()
            };
            if !matches {
                self.hint(span, "FromAsCasing", format!("`{as_word}` is not written in the case of `{from_word}`"));
            }
        }
        if let Some(alias) = alias {
            if matches!(alias.as_str(), "context" | "scratch") {
                self.hint(span, "ReservedStageName", format!("`{alias}` is a reserved name, not one for a stage"));
            }
            if let Some((_, line)) = seen_names.iter().find(|(n, _)| n == alias) {
                let message = format!("stage name `{alias}` is already used on line {line}");
                self.hint(span, "DuplicateStageName", message);
            } else {
                seen_names.push((alias.clone(), span.start.line));
            }
        }
        // Variables in FROM come from the ARGs above the first FROM and the platform arguments.
        let declared =
            |name: &str| meta.iter().any(|(k, _)| k == name) || PLATFORM_ARGS.iter().any(|(k, _)| *k == name);
        let mut undefined = Vec::new();
        for word in std::iter::once(image).chain(platform) {
            for (name, set) in references(word, self.escape, &declared) {
                if !set && !undefined.contains(&name) {
                    undefined.push(name);
                }
            }
        }
        for name in undefined {
            let names: Vec<String> = meta.iter().map(|(k, _)| k.clone()).collect();
            let hint = nearest(&name, names.iter()).map(|n| format!(" (did you mean ${n}?)")).unwrap_or_default();
            self.hint(
                span,
                "UndefinedArgInFrom",
                format!("${name} is not an ARG declared before the first FROM{hint}"),
            );
        }
        let name = self.base_name(image, meta);
        if image.contains('$') {
            let valid =
                name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("scratch") || Reference::parse(n).is_ok());
            if !valid {
                let shown = name.unwrap_or_default();
                let message = format!("with the ARG defaults, `{image}` is `{shown}`, which is no image name");
                self.hint(span, "InvalidDefaultArgInFrom", message);
                return;
            }
        }
        if let Some(platform) = platform {
            let trimmed = platform.trim();
            if trimmed == "$TARGETPLATFORM" || trimmed == "${TARGETPLATFORM}" {
                self.hint(span, "RedundantTargetPlatform", format!("--platform={trimmed} is what a stage gets anyway"));
            } else if !trimmed.contains('$') {
                let mut parts = trimmed.split('/');
                let (os, arch) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let stage_name = alias.as_deref().unwrap_or("");
                let named =
                    (!os.is_empty() && stage_name.contains(os)) || (!arch.is_empty() && stage_name.contains(arch));
                if !os.is_empty() && !named {
                    let message = format!("--platform={trimmed} fixes this stage to one platform");
                    self.hint(span, "FromPlatformFlagConstDisallowed", message);
                }
            }
        }
        self.latest_tag(span, name.as_deref().unwrap_or(""), earlier, stage);
    }

    fn latest_tag(&mut self, span: Span, name: &str, earlier: &[StageInfo], stage: &StageInfo) {
        let lower = name.to_lowercase();
        if name.is_empty() || lower == "scratch" || matches!(stage.parent, Parent::Stage(_)) {
            return;
        }
        if earlier.iter().any(|s| s.alias.as_deref() == Some(lower.as_str())) {
            return;
        }
        let Ok(reference) = Reference::parse(name) else { return };
        if reference.digest.is_some() {
            return;
        }
        match reference.tag.as_deref() {
            None => self.hint(span, "LatestTag", format!("`{name}` has no tag, so it means `{name}:latest`")),
            Some("latest") => self.hint(span, "LatestTag", format!("`{name}` follows whatever was pushed last")),
            Some(_) => {}
        }
    }

    /// `UndefinedVar`: the variables these words use that nothing set.
    fn undefined(&mut self, instruction: &Instruction, words: &[&str], scope: &Scope) {
        let Some(known) = &scope.known else { return };
        let mut reported: Vec<String> = Vec::new();
        for word in words {
            for (name, set) in references(word, self.escape, &|n| known.contains(n)) {
                if set || reported.contains(&name) {
                    continue;
                }
                let hint = nearest(&name, known.iter()).map(|n| format!(" (did you mean ${n}?)")).unwrap_or_default();
                self.hint(instruction.span, "UndefinedVar", format!("${name} is not set at this point{hint}"));
                reported.push(name);
            }
        }
    }

    fn legacy_form(&mut self, instruction: &Instruction, name: &str) {
        let (_, _, rest) = split_command(&instruction.original, self.escape);
        let words = parse_words(&rest, self.escape);
        if words.first().is_some_and(|w| !w.contains('=')) {
            let message = format!("{name} uses the old `{name} key value` form");
            self.hint(instruction.span, "LegacyKeyValueFormat", message);
        }
    }

    fn used_once(&mut self, instruction: &Instruction, previous: &mut Option<Span>, name: &str) {
        if let Some(span) = previous.replace(instruction.span) {
            let message = format!("this {name} is replaced by the one on line {}", instruction.span.start.line);
            self.hint(span, "MultipleInstructionsDisallowed", message);
        }
    }

    fn instruction(
        &mut self,
        instruction: &Instruction,
        stage: &StageInfo,
        scope: &mut Scope,
        trackers: &mut Trackers,
    ) {
        let span = instruction.span;
        if let InstructionKind::Run { .. } = instruction.kind {
            trackers.runs = Some(match trackers.runs {
                Some((first, count)) => (Span { start: first.start, end: span.end }, count + 1),
                None => (span, 1),
            });
        } else {
            self.end_runs(stage, trackers);
        }
        match &instruction.kind {
            InstructionKind::Maintainer(_) => {
                self.hint(span, "MaintainerDeprecated", "MAINTAINER is deprecated: use a label".to_string());
            }
            InstructionKind::Env(pairs) => {
                self.legacy_form(instruction, "ENV");
                let words: Vec<&str> = pairs.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect();
                self.undefined(instruction, &words, scope);
                for (key, _) in pairs {
                    self.secret(instruction, "ENV", key);
                    if let Some(known) = scope.known.as_mut() {
                        known.insert(key.clone());
                    }
                    scope.env.insert(key.clone());
                }
            }
            InstructionKind::Label(pairs) => {
                self.legacy_form(instruction, "LABEL");
                let words: Vec<&str> = pairs.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect();
                self.undefined(instruction, &words, scope);
            }
            InstructionKind::Arg(args) => {
                for (name, default) in args {
                    self.secret(instruction, "ARG", name);
                    if let Some(default) = default {
                        self.undefined(instruction, &[default], scope);
                    }
                    if let Some(known) = scope.known.as_mut() {
                        known.insert(name.clone());
                    }
                }
            }
            InstructionKind::Workdir(path) => {
                self.undefined(instruction, &[path], scope);
                if !scope.workdir && !path.contains('$') {
                    let plain = expand(path, &|_| None, self.escape).unwrap_or_else(|_| path.clone());
                    if !plain.starts_with('/') {
                        let message = format!("WORKDIR `{plain}` is relative, and this stage set no absolute one");
                        self.hint(span, "WorkdirRelativePath", message);
                    }
                }
                scope.workdir = true;
            }
            InstructionKind::User(user) => {
                self.undefined(instruction, &[user], scope);
                scope.user = Some((user.clone(), span));
            }
            InstructionKind::Volume(paths) => {
                let words: Vec<&str> = paths.iter().map(String::as_str).collect();
                self.undefined(instruction, &words, scope);
            }
            InstructionKind::Stopsignal(signal) => self.undefined(instruction, &[signal], scope),
            InstructionKind::Expose(ports) => {
                let words: Vec<&str> = ports.iter().map(String::as_str).collect();
                self.undefined(instruction, &words, scope);
                for port in ports.iter().filter(|p| !p.contains('$')) {
                    let (number, proto) = port.split_once('/').unwrap_or((port, ""));
                    if proto != proto.to_lowercase() {
                        self.hint(span, "ExposeProtoCasing", format!("protocol in `{port}` is not lowercase"));
                    }
                    if number.contains(':') {
                        self.hint(span, "ExposeInvalidFormat", format!("`{port}` names a host port or address"));
                    }
                }
            }
            InstructionKind::Copy { sources, dest, from, chown, chmod, .. } => {
                let mut words: Vec<&str> = sources.iter().map(String::as_str).collect();
                words.extend([dest.as_str()].into_iter().chain(chown.as_deref()).chain(chmod.as_deref()));
                self.undefined(instruction, &words, scope);
                if from.is_none() && sources.iter().any(|s| is_whole_context(s)) && scope.whole_copy.is_none() {
                    scope.whole_copy = Some(span.start.line);
                }
            }
            InstructionKind::Add { sources, dest, chown, chmod, checksum, keep_git_dir, unpack, .. } => {
                let mut words: Vec<&str> = sources.iter().map(String::as_str).collect();
                let flags = chown.as_deref().into_iter().chain(chmod.as_deref()).chain(checksum.as_deref());
                words.extend(std::iter::once(dest.as_str()).chain(flags));
                self.undefined(instruction, &words, scope);
                let special = checksum.is_some() || *keep_git_dir || unpack.is_some();
                let plain = sources.iter().all(|s| !is_remote(s) && !is_archive(s) && !s.contains('$'));
                if !special && plain {
                    self.hint(
                        span,
                        "AddWhereCopyServes",
                        "ADD only copies local files here, which is COPY's job".to_string(),
                    );
                }
                if sources.iter().any(|s| is_whole_context(s)) && scope.whole_copy.is_none() {
                    scope.whole_copy = Some(span.start.line);
                }
            }
            InstructionKind::Cmd(command) | InstructionKind::Entrypoint(command) => {
                let name = if matches!(instruction.kind, InstructionKind::Cmd(_)) { "CMD" } else { "ENTRYPOINT" };
                if matches!(command, Command::Shell(_)) && !scope.shell {
                    self.hint(span, "JSONArgsRecommended", format!("{name} in shell form runs under /bin/sh -c"));
                }
                let previous = if name == "CMD" { &mut trackers.cmd } else { &mut trackers.entrypoint };
                self.used_once(instruction, previous, name);
            }
            InstructionKind::Healthcheck(_) => self.used_once(instruction, &mut trackers.healthcheck, "HEALTHCHECK"),
            InstructionKind::Shell(_) => scope.shell = true,
            InstructionKind::Run { command, heredocs, mounts, .. } => {
                let script = script(command, heredocs);
                let commands = simple_commands(&script);
                self.packages(instruction, &commands, mounts, stage, scope);
                if let Some(line) = scope.whole_copy {
                    if !trackers.install_flagged {
                        if let Some(install) = commands.iter().find_map(|c| dependency_install(c)) {
                            trackers.install_flagged = true;
                            let message =
                                format!("`{install}` comes after the COPY of the whole context on line {line}");
                            self.hint(span, "CopyBeforeInstall", message);
                        }
                    }
                }
            }
            InstructionKind::From { .. } | InstructionKind::Onbuild(_) => {}
        }
    }

    /// `PackageCacheKept` and `UpdateWithoutInstall` for one RUN.
    fn packages(
        &mut self,
        instruction: &Instruction,
        commands: &[Vec<&str>],
        mounts: &[String],
        stage: &StageInfo,
        scope: &Scope,
    ) {
        let span = instruction.span;
        let has = |programs: &[&str], word: &str| {
            commands.iter().any(|c| c.first().is_some_and(|p| programs.contains(p)) && c.contains(&word))
        };
        const APT: [&str; 3] = ["apt-get", "apt", "aptitude"];
        let apt_install = has(&APT, "install");
        let apk_add = has(&["apk"], "add");
        // An upgrade in the same RUN uses the fresh lists as an install does.
        if has(&APT, "update") && !apt_install && !has(&APT, "upgrade") && !has(&APT, "dist-upgrade") {
            self.hint(span, "UpdateWithoutInstall", "apt-get update runs in a RUN with no install".to_string());
        }
        if has(&["apk"], "update") && !apk_add && !has(&["apk"], "upgrade") {
            self.hint(span, "UpdateWithoutInstall", "apk update runs in a RUN with no apk add".to_string());
        }
        if !stage.shipped {
            return;
        }
        if apt_install
            && !removes(commands, &["/var/lib/apt/lists"])
            && !cache_mount(mounts, &["/var/lib/apt", "/var/cache/apt"])
        {
            let message = "apt-get install leaves the package lists in this layer".to_string();
            self.hint(span, "PackageCacheKept", message);
        }
        let apk_cached =
            commands.iter().any(|c| c.first() == Some(&"apk") && c.contains(&"add") && !c.contains(&"--no-cache"));
        if apk_cached
            && !removes(commands, &["/var/cache/apk"])
            && !cache_mount(mounts, &["/var/cache/apk", "/etc/apk/cache"])
        {
            self.hint(span, "PackageCacheKept", "apk add without --no-cache keeps its index in this layer".to_string());
        }
        for manager in ["yum", "dnf", "microdnf"] {
            let cleaned = has(&[manager], "clean") || removes(commands, &["/var/cache/yum", "/var/cache/dnf"]);
            if has(&[manager], "install") && !cleaned && !cache_mount(mounts, &["/var/cache/yum", "/var/cache/dnf"]) {
                self.hint(span, "PackageCacheKept", format!("{manager} install leaves its cache in this layer"));
            }
        }
        let pip_cached = commands
            .iter()
            .filter_map(|c| pip_words(c))
            .any(|words| words.first() == Some(&"install") && !words.contains(&"--no-cache-dir"));
        if pip_cached && !scope.env.contains("PIP_NO_CACHE_DIR") && !cache_mount(mounts, &["/root/.cache"]) {
            self.hint(span, "PackageCacheKept", "pip install keeps its download cache in this layer".to_string());
        }
    }

    /// `ConsecutiveRuns`, when a run of RUNs ends.
    fn end_runs(&mut self, stage: &StageInfo, trackers: &mut Trackers) {
        if let Some((span, count)) = trackers.runs.take() {
            if count >= 3 && stage.shipped {
                self.hint(span, "ConsecutiveRuns", format!("{count} RUN instructions in a row, a layer each"));
            }
        }
    }

    /// `RunsAsRoot`, for the final stage.
    fn runs_as_root(&mut self, from: &Instruction, scope: &Scope, escape: char) {
        match &scope.user {
            Some((user, span)) => {
                if user.contains('$') {
                    return;
                }
                let plain = expand(user, &|_| None, escape).unwrap_or_else(|_| user.clone());
                if is_root(&plain) {
                    self.hint(
                        *span,
                        "RunsAsRoot",
                        format!("`USER {plain}` is the last USER, so the container runs as root"),
                    );
                }
            }
            None => {
                if scope.base_user.as_deref().is_some_and(is_root) {
                    let message = "the final stage sets no USER, and its base image runs as root".to_string();
                    self.hint(from.span, "RunsAsRoot", message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
