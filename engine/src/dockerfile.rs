//! Dockerfiles as BuildKit reads them: a syntax tree with spans, variable substitution, `.dockerignore`, and hints for learners.
//!
//! Learners paste Dockerfiles from tutorials and expect what `docker build` does with them, so
//! this follows BuildKit's Dockerfile frontend rather than the reference's prose where the two
//! differ: the same parser directives, line continuations, comments and heredocs, the same split
//! between JSON (exec) and shell forms, the same flags per instruction, and the same error texts.
//!
//! Parsing runs in BuildKit's two phases, because the order of errors depends on it: first the
//! whole file is cut into instructions (directives, continuations, heredoc bodies, JSON arrays,
//! `ENV` pairs), then each instruction is checked (its name, flags and arguments). An error of the
//! second phase reads `dockerfile parse error on line 3: unknown instruction: RUNN (did you mean
//! RUN?)`; one of the first reads as BuildKit prints it, `unterminated heredoc`.
//!
//! Arguments stay as written. Substitution is the builder's job, instruction by instruction and
//! with the variables in scope at that point, through [`expand`] (which also removes quotes and
//! escapes, as BuildKit's shell lexer does) or [`expand_words`]: `ENV` and `LABEL` keys and
//! values, `ARG` names and defaults, `FROM`'s image and `--platform`, `COPY` and `ADD` sources,
//! destination and `--chown`/`--chmod`/`--checksum`, `WORKDIR`, `USER`, `VOLUME`, `STOPSIGNAL`,
//! and `EXPOSE` (split into words after substitution). Exec-form commands are never expanded.
//!
//! ```
//! use dockyard_engine::dockerfile::{parse, Command, InstructionKind};
//! let file = parse("FROM alpine AS base\nRUN apk add \\\n    curl\n").unwrap();
//! assert_eq!(file.instructions.len(), 2);
//! match &file.instructions[1].kind {
//!     InstructionKind::Run { command, .. } => assert_eq!(command, &Command::Shell("apk add     curl".into())),
//!     other => panic!("expected RUN, got {other:?}"),
//! }
//! assert_eq!(file.instructions[1].span.end.line, 3);
//! ```

pub(crate) mod duration;
mod expand;
mod heredoc;
mod ignore;
mod instruction;
mod lint;
mod parse;
mod pattern;
#[cfg(test)]
mod tests;
mod words;

pub use expand::{expand, expand_words, ExpandError, ExpandProblem};
pub use ignore::{Ignore, IgnoreError};
pub use instruction::INSTRUCTIONS;
pub use lint::{lint, lint_with, rule, BaseImage, CheckError, CheckOptions, Hint, Rule, RULES};

/// A point in the source: 1-based line and column, the column counted in characters (Unicode
/// scalar values), not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A stretch of the source, `end` exclusive. An instruction's span runs from its first character
/// to the end of its last line, continuation lines and heredoc bodies included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub directives: Directives,
    pub instructions: Vec<Instruction>,
}

/// The parser directives at the top of the file (`# syntax=...`, `# escape=...`, `# check=...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directives {
    pub syntax: Option<String>,
    /// The escape character: `\` unless `# escape=`` ` `` chose the backtick.
    pub escape: char,
    pub check: Option<String>,
}

impl Default for Directives {
    fn default() -> Self {
        Directives { syntax: None, escape: '\\', check: None }
    }
}

/// One instruction with where it stands in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub kind: InstructionKind,
    pub span: Span,
    /// The instruction as written with its continuation lines joined (the escape character and
    /// comment lines removed, the indentation of continuation lines kept), as BuildKit keeps it
    /// for the build's history. For the trigger inside `ONBUILD`, the text after `ONBUILD`, which
    /// is what an image's `OnBuild` list holds (BuildKit appends each heredoc's body and
    /// terminator on lines of their own).
    pub original: String,
}

/// A command in shell form (the text, run by the image's shell) or exec form (a JSON array).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The raw text after the instruction and its flags, continuation lines joined. An
    /// instruction without arguments (`CMD` alone) has the empty text, as in BuildKit.
    Shell(String),
    Exec(Vec<String>),
}

/// A here-document: `<<EOF` on the instruction's line, its body on the lines that follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter without its quotes (`<<"EOF"` is `EOF`); `COPY` uses it as the file name.
    pub name: String,
    /// The body as written, each line with its line ending, leading tabs kept even for `<<-`.
    pub content: String,
    /// Whether the builder substitutes variables in the body: false when any part of the
    /// delimiter was quoted.
    pub expand: bool,
    /// `<<-EOF`: leading tabs are stripped from every line of the body (see [`Heredoc::text`]).
    pub strip_tabs: bool,
}

impl Heredoc {
    /// The body as the command or file receives it: with `<<-`, every line's leading tabs removed.
    pub fn text(&self) -> String {
        if !self.strip_tabs {
            return self.content.clone();
        }
        let mut out = String::with_capacity(self.content.len());
        for line in self.content.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        out
    }
}

/// What an instruction says. Strings are as written (quotes and `$VAR`s included) unless noted;
/// the module documentation lists which ones the builder expands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstructionKind {
    /// `FROM [--platform=...] image [AS name]`; the stage name is lowercased, as BuildKit keeps it.
    From {
        image: String,
        platform: Option<String>,
        alias: Option<String>,
    },
    Run {
        command: Command,
        heredocs: Vec<Heredoc>,
        /// Each `--mount=` value, unparsed (`type=cache,target=/root/.cache`).
        mounts: Vec<String>,
        /// `--network=default|none|host`.
        network: Option<String>,
        /// `--security=sandbox|insecure`.
        security: Option<String>,
        /// Each `--device=` value, unparsed.
        devices: Vec<String>,
    },
    Cmd(Command),
    Entrypoint(Command),
    /// `SHELL ["executable", "parameters"]`: always exec form.
    Shell(Vec<String>),
    /// Key and value pairs as written, quotes included.
    Label(Vec<(String, String)>),
    Maintainer(String),
    /// Ports as written, in order (`80`, `443/tcp`, `${PORT}`).
    Expose(Vec<String>),
    /// Key and value pairs as written, quotes included (`ENV a="b c"` is `("a", "\"b c\"")`).
    Env(Vec<(String, String)>),
    /// Names with their defaults as written.
    Arg(Vec<(String, Option<String>)>),
    Copy {
        /// The sources that are paths; heredoc sources are in `heredocs`.
        sources: Vec<String>,
        dest: String,
        from: Option<String>,
        chown: Option<String>,
        chmod: Option<String>,
        link: bool,
        /// The heredocs used as sources, in their order on the line; each becomes a file named
        /// after its delimiter.
        heredocs: Vec<Heredoc>,
        /// `--exclude=` patterns.
        exclude: Vec<String>,
        /// `--parents`.
        parents: bool,
    },
    Add {
        sources: Vec<String>,
        dest: String,
        chown: Option<String>,
        chmod: Option<String>,
        link: bool,
        checksum: Option<String>,
        keep_git_dir: bool,
        heredocs: Vec<Heredoc>,
        exclude: Vec<String>,
        /// `--unpack` or `--unpack=false`; `None` leaves it to the source's kind.
        unpack: Option<bool>,
    },
    Volume(Vec<String>),
    User(String),
    Workdir(String),
    /// The trigger instruction, checked like any other; its span is the `ONBUILD` line's.
    Onbuild(Box<Instruction>),
    Stopsignal(String),
    /// `None` is `HEALTHCHECK NONE`.
    Healthcheck(Option<Healthcheck>),
}

/// `HEALTHCHECK [options] CMD ...`. Durations are nanoseconds, read as Go's `time.ParseDuration`
/// reads them; `None` (or zero) leaves Docker's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck {
    pub test: Command,
    pub interval: Option<u64>,
    pub timeout: Option<u64>,
    pub start_period: Option<u64>,
    pub start_interval: Option<u64>,
    pub retries: Option<u32>,
}

/// Which of BuildKit's two phases found an error, which decides how it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPhase {
    /// Cutting the file into instructions: BuildKit prints the bare message.
    Syntax,
    /// Checking one instruction: BuildKit prefixes `dockerfile parse error on line N: `.
    Instruction,
}

/// A Dockerfile that BuildKit would refuse, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ParseError {
    /// The instruction (or the lines) at fault.
    pub span: Span,
    /// BuildKit's message without the line prefix: `unknown instruction: RUNN (did you mean RUN?)`.
    pub message: String,
    pub phase: ErrorPhase,
}

impl ParseError {
    fn render(&self) -> String {
        match self.phase {
            ErrorPhase::Syntax => self.message.clone(),
            ErrorPhase::Instruction => {
                format!("dockerfile parse error on line {}: {}", self.span.start.line, self.message)
            }
        }
    }
}

/// Parses a whole Dockerfile. The first error ends the parse, as in BuildKit.
pub fn parse(source: &str) -> Result<Dockerfile, ParseError> {
    let tree = parse::parse_nodes(source)?;
    let mut instructions = Vec::with_capacity(tree.nodes.len());
    for node in &tree.nodes {
        let kind = instruction::convert(node).map_err(|message| ParseError {
            span: node.span,
            message,
            phase: ErrorPhase::Instruction,
        })?;
        instructions.push(Instruction { kind, span: node.span, original: node.original.trim().to_string() });
    }
    Ok(Dockerfile { directives: tree.directives, instructions })
}
