//! `sh`: a small Bourne shell in the manner of busybox's ash. Applets run in-process as function
//! calls with the shell's directory and exported variables, because a WASI program can neither
//! spawn a process nor change a child's directory. Redirections hand an applet files instead of
//! the shell's streams, and a pipeline runs each stage to its end into a buffer that the next
//! stage reads as its standard input.

mod arith;
mod parse;

use std::cell::RefCell;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Cursor, Read, Write};

use parse::{parse, valid_name, Cmd, ParseError, Part, Redir, Word};

use crate::{strerror, Ctx, Io};

/// The most a pipe buffer holds before the writer is told the reader went away, so `yes | head`
/// ends instead of filling memory.
const PIPE_LIMIT: usize = 8 << 20;

/// How deep scripts, substitutions and `.` may nest before the shell refuses, instead of
/// overflowing its stack.
const MAX_DEPTH: usize = 64;

/// A variable of the shell; exported ones are the environment of the applets it runs.
#[derive(Debug, Clone)]
struct Var {
    name: String,
    value: String,
    exported: bool,
}

/// Breaking out of loops, which unwinds like `exit` does, but only to the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Break(u32),
    Continue(u32),
}

/// The shell's state: variables, directory, parameters and the last status.
#[derive(Debug, Clone)]
struct Shell {
    vars: Vec<Var>,
    cwd: String,
    /// `$0`, then the positional parameters `$1`...
    argv0: String,
    params: Vec<String>,
    status: i32,
    /// Set by `exit`: every command after it is skipped and the shell ends with this status.
    exiting: Option<i32>,
    flow: Option<Flow>,
    depth: usize,
}

/// A pipe's buffer: what one stage writes and the next reads.
struct Pipe(Vec<u8>);

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.len() + buf.len() > PIPE_LIMIT {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One output descriptor of a command whose redirections may share a stream (`> f 2>&1`).
enum Sink<'r, 'a> {
    Parent(&'r RefCell<&'a mut dyn Write>),
    File(&'r RefCell<File>),
    Closed,
    Null,
}

impl Write for Sink<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Parent(w) => w.borrow_mut().write(buf),
            Sink::File(f) => f.borrow_mut().write(buf),
            Sink::Closed => Err(io::Error::from_raw_os_error(8)),
            Sink::Null => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Parent(w) => w.borrow_mut().flush(),
            Sink::File(f) => f.borrow_mut().flush(),
            Sink::Closed | Sink::Null => Ok(()),
        }
    }
}

/// Where descriptor 1 or 2 goes after the redirections: the shell's stdout or stderr, an
/// opened file (by index), or nowhere (`>&-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Out,
    Err,
    File(usize),
    Closed,
    /// `/dev/null` when the filesystem has none: the image has no `/dev`, and scripts use it.
    Null,
}

/// The command a redirection wraps, run with the redirected streams.
type Body<'s> = dyn FnMut(&mut Shell, &mut Io) -> i32 + 's;

impl Shell {
    fn new(ctx: &Ctx, argv0: &str, params: Vec<String>) -> Shell {
        let vars = ctx.env.iter().map(|(n, v)| Var { name: n.clone(), value: v.clone(), exported: true }).collect();
        let mut shell = Shell {
            vars,
            cwd: ctx.cwd.clone(),
            argv0: argv0.to_string(),
            params,
            status: 0,
            exiting: None,
            flow: None,
            depth: 0,
        };
        shell.set("PWD", &ctx.cwd.clone(), true);
        shell
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars.iter().find(|v| v.name == name).map(|v| v.value.as_str())
    }

    fn set(&mut self, name: &str, value: &str, export: bool) {
        match self.vars.iter_mut().find(|v| v.name == name) {
            Some(var) => {
                var.value = value.to_string();
                var.exported |= export;
            }
            None => self.vars.push(Var { name: name.to_string(), value: value.to_string(), exported: export }),
        }
    }

    /// What an applet inherits: the directory and the exported variables.
    fn ctx(&self) -> Ctx {
        let env = self.vars.iter().filter(|v| v.exported).map(|v| (v.name.clone(), v.value.clone())).collect();
        Ctx { cwd: self.cwd.clone(), env }
    }

    fn stopped(&self) -> bool {
        self.exiting.is_some() || self.flow.is_some()
    }

    /// Parses and runs a whole script; a syntax error is reported and is status 2.
    fn source(&mut self, text: &str, io: &mut Io) -> i32 {
        match parse(text) {
            Ok(cmd) => self.run(&cmd, io),
            Err(ParseError::Incomplete) => {
                let _ = writeln!(io.err, "sh: syntax error: unexpected end of file");
                self.status = 2;
                2
            }
            Err(ParseError::Syntax(why)) => {
                let _ = writeln!(io.err, "sh: syntax error: {why}");
                self.status = 2;
                2
            }
        }
    }

    fn run(&mut self, cmd: &Cmd, io: &mut Io) -> i32 {
        if self.stopped() {
            return self.status;
        }
        let status = match cmd {
            Cmd::Simple { assigns, words, redirs } => self.simple(assigns, words, redirs, io),
            Cmd::Pipeline(stages, bang) => {
                let status = self.pipeline(stages, io);
                if *bang {
                    i32::from(status == 0)
                } else {
                    status
                }
            }
            Cmd::AndOr(first, rest) => {
                let mut status = self.run(first, io);
                for (and, next) in rest {
                    if (status == 0) == *and {
                        status = self.run(next, io);
                    }
                }
                status
            }
            Cmd::List(commands) => {
                let mut status = self.status;
                for command in commands {
                    if self.stopped() {
                        break;
                    }
                    status = self.run(command, io);
                }
                status
            }
            Cmd::If(cond, then, otherwise) => {
                if self.run(cond, io) == 0 {
                    self.run(then, io)
                } else if let Some(otherwise) = otherwise {
                    self.run(otherwise, io)
                } else {
                    0
                }
            }
            Cmd::While(cond, body, until) => {
                let mut status = 0;
                loop {
                    let test = self.run(cond, io);
                    if self.stopped() || (test == 0) == *until {
                        break;
                    }
                    status = self.run(body, io);
                    if self.loop_done() {
                        break;
                    }
                }
                status
            }
            Cmd::For(name, items, body) => {
                let values = match items {
                    Some(words) => match self.expand_all(words, io) {
                        Ok(values) => values,
                        Err(status) => return status,
                    },
                    None => self.params.clone(),
                };
                let mut status = 0;
                for value in values {
                    self.set(name, &value, false);
                    status = self.run(body, io);
                    if self.loop_done() {
                        break;
                    }
                }
                status
            }
            Cmd::Group(body, false) => self.run(body, io),
            Cmd::Group(body, true) => self.subshell(body, io),
            Cmd::Redirected(body, redirs) => {
                let body: &Cmd = body;
                self.redirected(redirs, io, &mut |shell, io| shell.run(body, io))
            }
        };
        self.status = status;
        status
    }

    /// A subshell: a copy of the shell whose changes (`cd`, variables, `exit`) stay inside it.
    fn subshell(&mut self, body: &Cmd, io: &mut Io) -> i32 {
        let mut sub = self.clone();
        sub.flow = None;
        let status = sub.run(body, io);
        sub.exiting.unwrap_or(status)
    }

    /// After one pass of a loop's body: whether the loop ends, consuming a `break` or `continue`
    /// meant for it.
    fn loop_done(&mut self) -> bool {
        match self.flow {
            None => self.exiting.is_some(),
            Some(Flow::Break(n)) => {
                self.flow = if n > 1 { Some(Flow::Break(n - 1)) } else { None };
                true
            }
            Some(Flow::Continue(n)) => {
                self.flow = if n > 1 { Some(Flow::Continue(n - 1)) } else { None };
                n > 1
            }
        }
    }

    fn pipeline(&mut self, stages: &[Cmd], io: &mut Io) -> i32 {
        let mut input: Option<Vec<u8>> = None;
        let mut status = 0;
        for (i, stage) in stages.iter().enumerate() {
            let last = i + 1 == stages.len();
            let mut fed = input.take().map(Cursor::new);
            let stdin: &mut dyn Read = match &mut fed {
                Some(cursor) => cursor,
                None => &mut *io.stdin,
            };
            if last {
                let mut stage_io = Io { stdin, out: &mut *io.out, err: &mut *io.err };
                status = self.run(stage, &mut stage_io);
            } else {
                let mut pipe = Pipe(Vec::new());
                let mut stage_io = Io { stdin, out: &mut pipe, err: &mut *io.err };
                self.run(stage, &mut stage_io);
                input = Some(pipe.0);
            }
            // `exit` inside a pipeline's stage leaves only that stage, as a subshell would.
            self.exiting = None;
        }
        status
    }

    /// Expands words into fields, or reports a failed expansion as a status.
    fn expand_all(&mut self, words: &[Word], io: &mut Io) -> Result<Vec<String>, i32> {
        let mut fields = Vec::new();
        for word in words {
            fields.extend(self.expand(word, true, io)?);
        }
        Ok(fields)
    }

    /// The value of a parameter.
    fn param(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.status.to_string()),
            // WASI gives no process id; any number will do, and a fixed one keeps output stable.
            "$" => Some("1".to_string()),
            "!" => None,
            "-" => Some(String::new()),
            "#" => Some(self.params.len().to_string()),
            "@" | "*" => Some(self.params.join(" ")),
            "0" => Some(self.argv0.clone()),
            n if n.bytes().all(|b| b.is_ascii_digit()) => {
                n.parse::<usize>().ok().and_then(|i| self.params.get(i.wrapping_sub(1))).cloned()
            }
            n => self.get(n).map(str::to_string),
        }
    }

    /// Expands one word: parameters, substitutions and `~`, then (with `split`) field
    /// splitting of unquoted expansions and globbing of unquoted patterns.
    fn expand(&mut self, word: &Word, split: bool, io: &mut Io) -> Result<Vec<String>, i32> {
        // Each field as characters with whether they came from quotes, so globbing knows.
        let mut fields: Vec<Vec<(char, bool)>> = Vec::new();
        let mut current: Vec<(char, bool)> = Vec::new();
        let mut started = false;
        for part in &word.parts {
            let (text, quoted) = match part {
                Part::Lit(text, quoted) => {
                    current.extend(text.chars().map(|c| (c, *quoted)));
                    started = true;
                    continue;
                }
                Part::Tilde => {
                    let home = self.get("HOME").unwrap_or("/").to_string();
                    current.extend(home.chars().map(|c| (c, true)));
                    started = true;
                    continue;
                }
                Part::Var(name, default, quoted) => {
                    if name == "@" && *quoted {
                        // "$@" is one field per parameter.
                        for (i, param) in self.params.clone().iter().enumerate() {
                            if i > 0 {
                                fields.push(std::mem::take(&mut current));
                            }
                            current.extend(param.chars().map(|c| (c, true)));
                            started = true;
                        }
                        continue;
                    }
                    let value = self.param(name).filter(|v| !v.is_empty() || default.is_none());
                    match (value, default) {
                        (Some(value), _) => (value, *quoted),
                        (None, Some(default)) => (self.expand(default, false, io)?.join(" "), true),
                        (None, None) => (String::new(), *quoted),
                    }
                }
                Part::Cmd(source, quoted) => (self.substitute(source, io), *quoted),
                Part::Arith(source, quoted) => match self.arithmetic(source) {
                    Ok(value) => (value.to_string(), *quoted),
                    Err(why) => {
                        let _ = writeln!(io.err, "sh: arithmetic syntax error: {why}");
                        return Err(2);
                    }
                },
            };
            if quoted || !split {
                current.extend(text.chars().map(|c| (c, true)));
                started = true;
                continue;
            }
            for c in text.chars() {
                if c == ' ' || c == '\t' || c == '\n' {
                    if started || !current.is_empty() {
                        fields.push(std::mem::take(&mut current));
                    }
                    started = false;
                } else {
                    current.push((c, false));
                    started = true;
                }
            }
        }
        if started || !current.is_empty() {
            fields.push(current);
        }
        let mut out = Vec::new();
        for field in fields {
            let text: String = field.iter().map(|(c, _)| c).collect();
            if split && field.iter().any(|(c, quoted)| !quoted && matches!(c, '*' | '?' | '[')) {
                let matches = self.glob(&field);
                if !matches.is_empty() {
                    out.extend(matches);
                    continue;
                }
            }
            out.push(text);
        }
        if !split && out.is_empty() {
            out.push(String::new());
        }
        Ok(out)
    }

    /// `$((...))`: parameters in the text are replaced first, then it is evaluated, with bare
    /// names read as variables (unset or not a number is 0).
    fn arithmetic(&self, source: &str) -> Result<i64, String> {
        let mut text = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '$' {
                text.push(c);
                continue;
            }
            let braced = chars.next_if_eq(&'{').is_some();
            let mut name = String::new();
            while let Some(c) =
                chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_' || (name.is_empty() && "?#$".contains(*c)))
            {
                name.push(c);
            }
            if braced {
                chars.next_if_eq(&'}');
            }
            text.push_str(&self.param(&name).unwrap_or_default());
        }
        let tokens: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        let mut eval = arith::Eval {
            s: &tokens,
            at: 0,
            var: &|name| self.get(name).and_then(|v| v.trim().parse().ok()).unwrap_or(0),
        };
        let value = eval.expr(0)?;
        if eval.at < tokens.len() {
            return Err(format!("unexpected '{}'", tokens[eval.at]));
        }
        Ok(value)
    }

    /// `$(...)`: the output of a script run in a subshell, without its trailing newlines.
    fn substitute(&mut self, source: &str, io: &mut Io) -> String {
        if self.depth >= MAX_DEPTH {
            let _ = writeln!(io.err, "sh: substitutions nested too deep");
            return String::new();
        }
        let mut sub = self.clone();
        sub.depth += 1;
        sub.flow = None;
        let mut out = Pipe(Vec::new());
        let mut empty = io::empty();
        let status = {
            let mut sub_io = Io { stdin: &mut empty, out: &mut out, err: &mut *io.err };
            sub.source(source, &mut sub_io)
        };
        self.status = sub.exiting.unwrap_or(status);
        let mut text = String::from_utf8_lossy(&out.0).into_owned();
        while text.ends_with('\n') {
            text.pop();
        }
        text
    }

    /// The paths a pattern matches, sorted; empty when none does (the word then stays as it is).
    fn glob(&self, field: &[(char, bool)]) -> Vec<String> {
        let absolute = field.first().is_some_and(|(c, _)| *c == '/');
        let components: Vec<&[(char, bool)]> = field.split(|(c, _)| *c == '/').filter(|p| !p.is_empty()).collect();
        let mut found: Vec<String> = vec![if absolute { "/".to_string() } else { String::new() }];
        for component in components {
            let literal = !component.iter().any(|(c, q)| !q && matches!(c, '*' | '?' | '['));
            let mut next = Vec::new();
            for prefix in &found {
                let dir = crate::resolve(&self.cwd, if prefix.is_empty() { "." } else { prefix });
                let join = |name: &str| {
                    if prefix.is_empty() || prefix.ends_with('/') {
                        format!("{prefix}{name}")
                    } else {
                        format!("{prefix}/{name}")
                    }
                };
                if literal {
                    let name: String = component.iter().map(|(c, _)| c).collect();
                    let path = join(&name);
                    if fs::symlink_metadata(crate::resolve(&self.cwd, &path)).is_ok() {
                        next.push(path);
                    }
                    continue;
                }
                let Ok(entries) = fs::read_dir(&dir) else { continue };
                let mut names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.') || component.first().is_some_and(|(c, _)| *c == '.'))
                    .filter(|n| {
                        let chars: Vec<char> = n.chars().collect();
                        matches_pattern(component, &chars)
                    })
                    .collect();
                names.sort();
                next.extend(names.iter().map(|n| join(n)));
            }
            found = next;
        }
        if found.len() == 1 && (found[0].is_empty() || found[0] == "/") {
            return Vec::new();
        }
        // A pattern ending in `/` matches only directories, and keeps the slash.
        if field.last().is_some_and(|(c, _)| *c == '/') {
            found.retain(|p| fs::metadata(crate::resolve(&self.cwd, p)).is_ok_and(|m| m.is_dir()));
            for path in &mut found {
                path.push('/');
            }
        }
        found
    }

    /// Runs `body` with `redirs` applied to the streams it gets.
    fn redirected(&mut self, redirs: &[Redir], io: &mut Io, body: &mut Body) -> i32 {
        let mut files: Vec<RefCell<File>> = Vec::new();
        let mut slots = [Slot::Out, Slot::Err];
        let mut input: Option<Box<dyn Read>> = None;
        for redir in redirs {
            let target = match self.expand(&redir.target, false, io) {
                Ok(fields) => fields.join(" "),
                Err(status) => return status,
            };
            let path = crate::resolve(&self.cwd, &target);
            if path == "/dev/null" && fs::metadata(&path).is_err() && redir.op != ">&" && redir.op != "<&" {
                match redir.fd {
                    0 => input = Some(Box::new(io::empty())),
                    1 | 2 => slots[redir.fd as usize - 1] = Slot::Null,
                    _ => {}
                }
                continue;
            }
            match redir.op {
                ">&" | "<&" => {
                    let slot = match target.as_str() {
                        "1" => slots[0],
                        "2" => slots[1],
                        "-" => Slot::Closed,
                        "0" if redir.fd == 0 => continue,
                        _ => {
                            let _ = writeln!(io.err, "sh: {target}: bad file descriptor");
                            return 1;
                        }
                    };
                    match redir.fd {
                        1 | 2 => slots[redir.fd as usize - 1] = slot,
                        _ => {}
                    }
                }
                "<" => match File::open(&path) {
                    Ok(file) if redir.fd == 0 => input = Some(Box::new(file)),
                    Ok(_) => {}
                    Err(e) => {
                        let _ = writeln!(io.err, "sh: can't open '{target}': {}", strerror(&e));
                        return 1;
                    }
                },
                op => {
                    let append = op == ">>";
                    let opened =
                        OpenOptions::new().write(true).create(true).append(append).truncate(!append).open(&path);
                    match opened {
                        Ok(file) => {
                            if redir.fd == 1 || redir.fd == 2 {
                                slots[redir.fd as usize - 1] = Slot::File(files.len());
                            }
                            files.push(RefCell::new(file));
                        }
                        Err(e) => {
                            let _ = writeln!(io.err, "sh: can't create {target}: {}", strerror(&e));
                            return 1;
                        }
                    }
                }
            }
        }
        let out = RefCell::new(&mut *io.out as &mut dyn Write);
        let err = RefCell::new(&mut *io.err as &mut dyn Write);
        let sink = |slot: Slot| match slot {
            Slot::Out => Sink::Parent(&out),
            Slot::Err => Sink::Parent(&err),
            Slot::File(i) => Sink::File(&files[i]),
            Slot::Closed => Sink::Closed,
            Slot::Null => Sink::Null,
        };
        let (mut o, mut e) = (sink(slots[0]), sink(slots[1]));
        let stdin: &mut dyn Read = match &mut input {
            Some(file) => file.as_mut(),
            None => &mut *io.stdin,
        };
        let mut inner = Io { stdin, out: &mut o, err: &mut e };
        body(self, &mut inner)
    }

    fn simple(&mut self, assigns: &[(String, Word)], words: &[Word], redirs: &[Redir], io: &mut Io) -> i32 {
        let argv = match self.expand_all(words, io) {
            Ok(argv) => argv,
            Err(status) => return status,
        };
        let mut values = Vec::new();
        for (name, word) in assigns {
            match self.expand(word, false, io) {
                Ok(fields) => values.push((name.clone(), fields.join(" "))),
                Err(status) => return status,
            }
        }
        if argv.is_empty() {
            // Only assignments (and maybe redirections, which still create their files).
            let status = self.status;
            for (name, value) in &values {
                self.set(name, value, false);
            }
            return self.redirected(redirs, io, &mut |_, _| status);
        }
        self.redirected(redirs, io, &mut |shell, io| shell.command(&argv, &values, io))
    }

    /// Runs a command by name: a builtin, an applet, or a script.
    fn command(&mut self, argv: &[String], assigns: &[(String, String)], io: &mut Io) -> i32 {
        let name = argv[0].as_str();
        let args = &argv[1..];
        if let Some(status) = self.builtin(name, args, assigns, io) {
            return status;
        }
        let mut ctx = self.ctx();
        for (n, v) in assigns {
            crate::applets::set_var(&mut ctx.env, n, v);
        }
        if !name.contains('/') {
            if crate::applet(name).is_some() || name == "toolbox" {
                return crate::run(argv, &mut ctx, io);
            }
            // Not an applet: maybe a script somewhere on PATH.
            let path = self.get("PATH").unwrap_or("/bin").to_string();
            let found = path
                .split(':')
                .map(|dir| crate::resolve(&self.cwd, &format!("{dir}/{name}")))
                .find(|p| fs::metadata(p).is_ok_and(|m| m.is_file()));
            return match found {
                Some(path) => self.execute(&path, argv, &mut ctx, io),
                None => {
                    let _ = writeln!(io.err, "sh: {name}: not found");
                    127
                }
            };
        }
        let path = crate::resolve(&self.cwd, name);
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let _ = writeln!(io.err, "sh: {name}: Permission denied");
                126
            }
            Ok(_) => self.execute(&path, argv, &mut ctx, io),
            Err(_) => {
                let _ = writeln!(io.err, "sh: {name}: not found");
                127
            }
        }
    }

    /// Runs a program file: a wasm module is this toolbox under another name, any other file a
    /// shell script, as a shell runs a file the kernel cannot.
    fn execute(&mut self, path: &str, argv: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
        let data = match fs::read(path) {
            Ok(data) => data,
            Err(e) => {
                let _ = writeln!(io.err, "sh: {}: {}", argv[0], strerror(&e));
                return 126;
            }
        };
        if data.starts_with(b"\0asm") {
            if crate::applet(crate::base_name(path)).is_none() && crate::base_name(path) != "toolbox" {
                let _ = writeln!(io.err, "sh: {}: not found", argv[0]);
                return 127;
            }
            let mut args = argv.to_vec();
            args[0] = path.to_string();
            return crate::run(&args, ctx, io);
        }
        if self.depth >= MAX_DEPTH {
            let _ = writeln!(io.err, "sh: {}: scripts nested too deep", argv[0]);
            return 2;
        }
        let mut script = Shell::new(ctx, &argv[0], argv[1..].to_vec());
        script.depth = self.depth + 1;
        let status = script.source(&String::from_utf8_lossy(&data), io);
        script.exiting.unwrap_or(status)
    }

    /// The commands that must change the shell itself, so cannot be applets.
    fn builtin(&mut self, name: &str, args: &[String], assigns: &[(String, String)], io: &mut Io) -> Option<i32> {
        Some(match name {
            ":" => 0,
            "cd" => self.cd(args, io),
            "exit" => {
                let code = match args.first() {
                    None => self.status,
                    Some(n) => match n.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            let _ = writeln!(io.err, "sh: exit: Illegal number: {n}");
                            2
                        }
                    },
                };
                self.exiting = Some(code);
                code
            }
            "export" | "readonly" => {
                if args.is_empty() || args[0] == "-p" {
                    for var in self.vars.iter().filter(|v| v.exported) {
                        let _ = writeln!(io.out, "export {}='{}'", var.name, var.value.replace('\'', "'\\''"));
                    }
                    return Some(0);
                }
                let mut status = 0;
                for arg in args {
                    let (name, value) = match arg.split_once('=') {
                        Some((n, v)) => (n, Some(v)),
                        None => (arg.as_str(), None),
                    };
                    if !valid_name(name) {
                        let _ = writeln!(io.err, "sh: export: bad variable name '{name}'");
                        status = 1;
                        continue;
                    }
                    let value = value.map(str::to_string).or_else(|| self.get(name).map(str::to_string));
                    match value {
                        Some(value) => self.set(name, &value, true),
                        None => self.vars.push(Var { name: name.to_string(), value: String::new(), exported: true }),
                    }
                }
                status
            }
            "unset" => {
                self.vars.retain(|v| !args.contains(&v.name));
                0
            }
            "shift" => {
                let n = args.first().and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
                if n > self.params.len() {
                    let _ = writeln!(io.err, "sh: shift: can't shift that many");
                    return Some(1);
                }
                self.params.drain(..n);
                0
            }
            "set" => {
                if args.is_empty() {
                    for var in &self.vars {
                        let _ = writeln!(io.out, "{}='{}'", var.name, var.value.replace('\'', "'\\''"));
                    }
                } else {
                    let start = usize::from(args[0] == "--");
                    self.params = args[start..].to_vec();
                }
                0
            }
            "break" | "continue" => {
                let n = args.first().and_then(|n| n.parse::<u32>().ok()).unwrap_or(1).max(1);
                self.flow = Some(if name == "break" { Flow::Break(n) } else { Flow::Continue(n) });
                0
            }
            "read" => self.read(args, io),
            "." | "source" => {
                let Some(file) = args.first() else {
                    let _ = writeln!(io.err, "sh: .: filename argument required");
                    return Some(2);
                };
                match fs::read_to_string(crate::resolve(&self.cwd, file)) {
                    Ok(text) if self.depth < MAX_DEPTH => {
                        self.depth += 1;
                        let status = self.source(&text, io);
                        self.depth -= 1;
                        status
                    }
                    Ok(_) => 2,
                    Err(e) => {
                        let _ = writeln!(io.err, "sh: .: can't open '{file}': {}", strerror(&e));
                        2
                    }
                }
            }
            "exec" if !args.is_empty() => {
                let status = self.command(args, assigns, io);
                self.exiting = Some(status);
                status
            }
            "exec" => 0,
            _ => return None,
        })
    }

    fn cd(&mut self, args: &[String], io: &mut Io) -> i32 {
        let target = match args.first().map(String::as_str) {
            None => self.get("HOME").unwrap_or("/").to_string(),
            Some("-") => {
                let old = self.get("OLDPWD").unwrap_or("/").to_string();
                let _ = writeln!(io.out, "{old}");
                old
            }
            Some(dir) => dir.to_string(),
        };
        let path = crate::resolve(&self.cwd, &target);
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let old = std::mem::replace(&mut self.cwd, path.clone());
                self.set("OLDPWD", &old, true);
                self.set("PWD", &path, true);
                0
            }
            Ok(_) => {
                let _ = writeln!(io.err, "sh: cd: can't cd to {target}: Not a directory");
                2
            }
            Err(e) => {
                let _ = writeln!(io.err, "sh: cd: can't cd to {target}: {}", strerror(&e));
                2
            }
        }
    }

    /// `read [-r] NAME...`: one line of standard input, split among the names, the last taking
    /// the rest. Status 1 at the end of input.
    fn read(&mut self, args: &[String], io: &mut Io) -> i32 {
        let raw = args.first().is_some_and(|a| a == "-r");
        let names: Vec<&String> = args.iter().skip(usize::from(raw)).collect();
        let (line, ended) = read_line(io.stdin);
        if line.is_empty() && ended {
            for name in &names {
                self.set(name, "", false);
            }
            return 1;
        }
        let line = if raw { line } else { line.replace("\\\n", "").replace('\\', "") };
        let names: Vec<&str> =
            if names.is_empty() { vec!["REPLY"] } else { names.iter().map(|s| s.as_str()).collect() };
        let mut rest = line.trim_start_matches([' ', '\t']);
        for (i, name) in names.iter().enumerate() {
            if i + 1 == names.len() {
                self.set(name, rest.trim_end_matches([' ', '\t']), false);
            } else {
                let end = rest.find([' ', '\t']).unwrap_or(rest.len());
                self.set(name, &rest[..end], false);
                rest = rest[end..].trim_start_matches([' ', '\t']);
            }
        }
        0
    }
}

/// Whether a name matches a glob pattern of `*`, `?` and `[...]`; quoted characters match only
/// themselves.
fn matches_pattern(pattern: &[(char, bool)], name: &[char]) -> bool {
    match pattern.first() {
        None => name.is_empty(),
        Some(('*', false)) => (0..=name.len()).any(|i| matches_pattern(&pattern[1..], &name[i..])),
        Some(('?', false)) => !name.is_empty() && matches_pattern(&pattern[1..], &name[1..]),
        Some(('[', false)) => {
            let Some(close) = pattern.iter().skip(2).position(|(c, _)| *c == ']').map(|p| p + 2) else {
                return name.first() == Some(&'[') && matches_pattern(&pattern[1..], &name[1..]);
            };
            let Some(&c) = name.first() else { return false };
            let mut set = &pattern[1..close];
            let negate = matches!(set.first(), Some(('!' | '^', _)));
            if negate {
                set = &set[1..];
            }
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1].0 == '-' {
                    hit |= set[i].0 <= c && c <= set[i + 2].0;
                    i += 3;
                } else {
                    hit |= set[i].0 == c;
                    i += 1;
                }
            }
            hit != negate && matches_pattern(&pattern[close + 1..], &name[1..])
        }
        Some((p, _)) => name.first() == Some(p) && matches_pattern(&pattern[1..], &name[1..]),
    }
}

/// One line of input, without its newline, and whether the input ended. Bytes are read one at
/// a time so that nothing after the line is taken from a terminal.
fn read_line(input: &mut dyn Read) -> (String, bool) {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) => return (String::from_utf8_lossy(&line).into_owned(), true),
            Ok(_) if byte[0] == b'\n' => return (String::from_utf8_lossy(&line).into_owned(), false),
            Ok(_) => line.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return (String::from_utf8_lossy(&line).into_owned(), true),
        }
    }
}

/// `sh [-c SCRIPT [NAME [ARG]...] | FILE [ARG]... | -s]`
pub fn main(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let mut rest = args;
    let mut script: Option<&str> = None;
    while let Some(first) = rest.first() {
        match first.as_str() {
            "-c" => {
                let Some(text) = rest.get(1) else {
                    let _ = writeln!(io.err, "sh: -c requires an argument");
                    return 2;
                };
                script = Some(text);
                rest = &rest[2..];
            }
            "-s" | "-i" | "-l" | "-e" | "-x" => rest = &rest[1..],
            "--" => {
                rest = &rest[1..];
                break;
            }
            _ => break,
        }
    }
    if let Some(text) = script {
        let (argv0, params) = match rest.split_first() {
            Some((name, params)) => (name.as_str(), params.to_vec()),
            None => ("sh", Vec::new()),
        };
        let mut shell = Shell::new(ctx, argv0, params);
        let status = shell.source(text, io);
        return shell.exiting.unwrap_or(status);
    }
    if let Some((file, params)) = rest.split_first() {
        let mut shell = Shell::new(ctx, file, params.to_vec());
        let text = match fs::read(ctx.path(file)) {
            Ok(data) => String::from_utf8_lossy(&data).into_owned(),
            Err(e) => {
                let _ = writeln!(io.err, "sh: can't open '{file}': {}", strerror(&e));
                return 127;
            }
        };
        let status = shell.source(&text, io);
        return shell.exiting.unwrap_or(status);
    }
    interactive(&mut Shell::new(ctx, "sh", Vec::new()), io)
}

/// Commands from standard input, a line at a time (more while a command is unfinished), with a
/// prompt on stderr when there is a terminal, which WASI cannot tell us: TERM is the sign.
fn interactive(shell: &mut Shell, io: &mut Io) -> i32 {
    let prompt = shell.get("TERM").is_some_and(|t| !t.is_empty());
    let mut pending = String::new();
    loop {
        if prompt {
            let text = if pending.is_empty() { format!("{} # ", shell.cwd) } else { "> ".to_string() };
            let _ = io.err.write_all(text.as_bytes());
            let _ = io.err.flush();
        }
        let (line, ended) = read_line(io.stdin);
        pending.push_str(&line);
        pending.push('\n');
        match parse(&pending) {
            Err(ParseError::Incomplete) if !ended => continue,
            Err(ParseError::Incomplete) if pending.trim().is_empty() => {}
            Err(ParseError::Incomplete) => {
                let _ = writeln!(io.err, "sh: syntax error: unexpected end of file");
                shell.status = 2;
            }
            Err(ParseError::Syntax(why)) => {
                let _ = writeln!(io.err, "sh: syntax error: {why}");
                shell.status = 2;
            }
            Ok(cmd) => {
                shell.run(&cmd, io);
                shell.flow = None;
                let _ = io.out.flush();
            }
        }
        pending.clear();
        if let Some(code) = shell.exiting {
            return code;
        }
        if ended {
            if prompt {
                let _ = writeln!(io.err);
            }
            return shell.status;
        }
    }
}
