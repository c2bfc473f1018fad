//! The second phase: each instruction checked and typed, as BuildKit's `instructions` package
//! does it. Each instruction has its own flags, argument counts and checks, made in BuildKit's
//! order, because the first failing check is the error the learner sees.

use super::duration::{parse_duration, parse_int32};
use super::heredoc::opening;
use super::parse::Node;
use super::{Command, Healthcheck, Heredoc, Instruction, InstructionKind};
use crate::template::go_strconv_quote as go_quote;

/// Every instruction a Dockerfile may hold, in upper case.
pub const INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    Bool,
    String,
    /// May be given more than once.
    Strings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FlagValue {
    Bool(bool),
    String(String),
    Strings(Vec<String>),
}

/// The flags an instruction was given, after checking them against the ones it takes.
struct Flags(Vec<(&'static str, FlagValue)>);

impl Flags {
    /// BuildKit's `BFlags.Parse`: every flag known, well-formed, and given once.
    fn parse(given: &[String], known: &[(&'static str, FlagKind)]) -> Result<Flags, String> {
        let mut used: Vec<(&'static str, FlagValue)> = Vec::new();
        for arg in given {
            if arg == "--" {
                break;
            }
            let Some(stripped) = arg.strip_prefix("--") else {
                return Err(format!("arg should start with -- : {arg}"));
            };
            let (name, value) = match stripped.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (stripped, None),
            };
            let flag = &arg[..name.len() + 2];
            let Some(&(key, kind)) = known.iter().find(|(key, _)| *key == name) else {
                let names: Vec<&str> = known.iter().map(|(key, _)| *key).collect();
                return Err(suggest(format!("unknown flag: {flag}"), name, &names, true));
            };
            let previous = used.iter().position(|(k, _)| *k == key);
            if previous.is_some() && kind != FlagKind::Strings {
                return Err(format!("duplicate flag specified: {flag}"));
            }
            let missing = || format!("missing a value on flag: {flag}");
            let parsed = match kind {
                FlagKind::Bool => match value {
                    Some("") => return Err(missing()),
                    None => FlagValue::Bool(true),
                    Some(v) if v.eq_ignore_ascii_case("true") => FlagValue::Bool(true),
                    Some(v) if v.eq_ignore_ascii_case("false") => FlagValue::Bool(false),
                    Some(v) => return Err(format!("expecting boolean value for flag {flag}, not: {v}")),
                },
                FlagKind::String => FlagValue::String(value.ok_or_else(missing)?.to_string()),
                FlagKind::Strings => {
                    let value = value.ok_or_else(missing)?.to_string();
                    if let Some(i) = previous {
                        if let FlagValue::Strings(values) = &mut used[i].1 {
                            values.push(value);
                        }
                        continue;
                    }
                    FlagValue::Strings(vec![value])
                }
            };
            used.push((key, parsed));
        }
        Ok(Flags(used))
    }

    fn get(&self, key: &str) -> Option<&FlagValue> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(FlagValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// A string flag; an empty value is no value, as BuildKit treats it.
    fn string(&self, key: &str) -> Option<String> {
        match self.get(key) {
            Some(FlagValue::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }

    fn strings(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(FlagValue::Strings(values)) => values.clone(),
            _ => Vec::new(),
        }
    }
}

/// Levenshtein distance in characters.
pub(super) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// BuildKit's `suggest.WrapError`: the nearest option within two edits, as ` (did you mean X?)`,
/// in the case the value was written in when the comparison ignores case.
fn suggest(message: String, value: &str, options: &[&str], case_sensitive: bool) -> String {
    let fold = |s: &str| if case_sensitive { s.to_string() } else { s.to_lowercase() };
    let value_folded = fold(value);
    let mut best: Option<String> = None;
    let mut best_distance = 3;
    for option in options {
        let option = fold(option);
        if option == value_folded {
            return message;
        }
        let d = distance(&value_folded, &option);
        if d < best_distance {
            best_distance = d;
            best = Some(option);
        }
    }
    match best {
        None => message,
        Some(option) if !case_sensitive && value == value.to_uppercase() && value != value.to_lowercase() => {
            format!("{message} (did you mean {}?)", option.to_uppercase())
        }
        Some(option) => format!("{message} (did you mean {option}?)"),
    }
}

fn exactly_one(name: &str, args: &[String]) -> Result<String, String> {
    match args {
        [one] => Ok(one.clone()),
        _ => Err(format!("{name} requires exactly one argument")),
    }
}

fn at_least_one(name: &str, args: &[String]) -> Result<(), String> {
    if args.is_empty() {
        return Err(format!("{name} requires at least one argument"));
    }
    Ok(())
}

fn no_flags(node: &Node) -> Result<(), String> {
    Flags::parse(&node.flags, &[]).map(|_| ())
}

/// Shell or exec form: the JSON array, or the text.
fn command(node: &Node, args: &[String]) -> Command {
    if node.json {
        Command::Exec(args.to_vec())
    } else {
        Command::Shell(args.join(" "))
    }
}

/// `ENV` and `LABEL`'s triples as pairs.
fn pairs(name: &str, args: &[String]) -> Result<Vec<(String, String)>, String> {
    at_least_one(name, args)?;
    if !args.len().is_multiple_of(3) {
        return Err(format!("Bad input to {name}, too many arguments"));
    }
    let mut out = Vec::with_capacity(args.len() / 3);
    for triple in args.chunks(3) {
        if triple[0].is_empty() {
            return Err(format!("{name} names can not be blank"));
        }
        out.push((triple[0].clone(), triple[1].clone()));
    }
    Ok(out)
}

/// `COPY` and `ADD`'s arguments: path sources, heredoc sources, and the destination.
fn sources_and_dest(node: &Node, name: &str) -> Result<(Vec<String>, Vec<Heredoc>, String), String> {
    let (dest, sources) = node.args.split_last().ok_or_else(|| format!("{name} requires at least two arguments"))?;
    if let Ok(Some(_)) = opening(dest) {
        return Err(format!("{name} cannot accept a heredoc as a destination"));
    }
    let mut paths = Vec::new();
    let mut heredocs = Vec::new();
    for source in sources {
        match opening(source) {
            Ok(Some(opened)) => {
                let body = node.heredocs.iter().rev().find(|h| h.name == opened.name);
                let content = body.map(|h| h.content.clone()).unwrap_or_default();
                heredocs.push(opened.with_content(content));
            }
            _ => paths.push(source.clone()),
        }
    }
    Ok((paths, heredocs, dest.clone()))
}

fn too_few_for_copy(name: &str, args: &[String]) -> Result<(), String> {
    if args.len() < 2 {
        return Err(format!(
            "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
        ));
    }
    Ok(())
}

/// A `FROM` stage name, lowercased, which must match `^[a-z][a-z0-9-_.]*$`.
fn stage_name(name: &str) -> Result<String, String> {
    let lower = name.to_lowercase();
    let mut chars = lower.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    if !valid {
        return Err(format!(
            "invalid name for build stage: {}, name can't start with a number or contain symbols",
            go_quote(name)
        ));
    }
    Ok(lower)
}

/// A `--mount` value may not take its `from=` stage from a variable.
fn check_mount(mount: &str) -> Result<(), String> {
    for field in mount.split(',') {
        let Some((key, value)) = field.split_once('=') else { continue };
        if key.eq_ignore_ascii_case("from") && value.find('$').is_some_and(|i| i + 1 != value.len()) {
            return Err("'from' doesn't support variable expansion, define alias stage instead".to_string());
        }
    }
    Ok(())
}

/// A healthcheck interval: at least a millisecond, or zero (the default).
fn interval(flags: &Flags, key: &str) -> Result<Option<u64>, String> {
    let Some(text) = flags.string(key) else { return Ok(None) };
    let nanos = parse_duration(&text)?;
    if nanos == 0 {
        return Ok(None);
    }
    if nanos < 1_000_000 {
        return Err(format!("Interval {} cannot be less than 1ms", go_quote(key)));
    }
    Ok(Some(nanos.unsigned_abs()))
}

fn healthcheck(node: &Node) -> Result<Option<Healthcheck>, String> {
    let args = &node.args;
    at_least_one("HEALTHCHECK", args)?;
    let kind = args[0].to_uppercase();
    if kind == "NONE" {
        if args.len() != 1 {
            return Err("HEALTHCHECK NONE takes no arguments".to_string());
        }
        return Ok(None);
    }
    let known = ["interval", "timeout", "start-period", "start-interval", "retries"].map(|k| (k, FlagKind::String));
    let flags = Flags::parse(&node.flags, &known)?;
    if kind != "CMD" {
        return Err(format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&kind)));
    }
    let rest = &args[1..];
    if rest.is_empty() {
        return Err("Missing command after HEALTHCHECK CMD".to_string());
    }
    let retries = match flags.string("retries") {
        None => None,
        Some(text) => {
            let n = parse_int32(&text)?;
            Some(u32::try_from(n).map_err(|_| format!("--retries cannot be negative ({n})"))?)
        }
    };
    Ok(Some(Healthcheck {
        test: command(node, rest),
        interval: interval(&flags, "interval")?,
        timeout: interval(&flags, "timeout")?,
        start_period: interval(&flags, "start-period")?,
        start_interval: interval(&flags, "start-interval")?,
        retries,
    }))
}

fn onbuild(node: &Node) -> Result<InstructionKind, String> {
    let Some(sub) = &node.sub else { return Err("ONBUILD requires at least one argument".to_string()) };
    no_flags(node)?;
    let trigger = sub.name.trim().to_uppercase();
    match trigger.as_str() {
        "ONBUILD" => return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string()),
        "MAINTAINER" | "FROM" => return Err(format!("{trigger} isn't allowed as an ONBUILD trigger")),
        _ => {}
    }
    // What follows `ONBUILD` on the line is the trigger as the image keeps it.
    let original = node.original.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    let original = match original.get(..7) {
        Some(word) if word.eq_ignore_ascii_case("onbuild") => &original[7..],
        _ => original,
    };
    let original = original.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    let kind = convert(sub)?;
    Ok(InstructionKind::Onbuild(Box::new(Instruction { kind, span: sub.span, original: original.to_string() })))
}

/// Checks one instruction and gives it its type; the error is BuildKit's message.
pub(super) fn convert(node: &Node) -> Result<InstructionKind, String> {
    let args = &node.args;
    Ok(match node.name.to_lowercase().as_str() {
        "env" => {
            no_flags(node)?;
            InstructionKind::Env(pairs("ENV", args)?)
        }
        "maintainer" => {
            let maintainer = exactly_one("MAINTAINER", args)?;
            no_flags(node)?;
            InstructionKind::Maintainer(maintainer)
        }
        "label" => {
            no_flags(node)?;
            InstructionKind::Label(pairs("LABEL", args)?)
        }
        "add" => {
            too_few_for_copy("ADD", args)?;
            let flags = Flags::parse(
                &node.flags,
                &[
                    ("chown", FlagKind::String),
                    ("chmod", FlagKind::String),
                    ("link", FlagKind::Bool),
                    ("keep-git-dir", FlagKind::Bool),
                    ("checksum", FlagKind::String),
                    ("unpack", FlagKind::Bool),
                    ("exclude", FlagKind::Strings),
                ],
            )?;
            let (sources, heredocs, dest) = sources_and_dest(node, "ADD")?;
            InstructionKind::Add {
                sources,
                dest,
                chown: flags.string("chown"),
                chmod: flags.string("chmod"),
                link: flags.bool("link").unwrap_or(false),
                checksum: flags.string("checksum"),
                keep_git_dir: flags.bool("keep-git-dir").unwrap_or(false),
                heredocs,
                exclude: flags.strings("exclude"),
                unpack: flags.bool("unpack"),
            }
        }
        "copy" => {
            too_few_for_copy("COPY", args)?;
            let flags = Flags::parse(
                &node.flags,
                &[
                    ("chown", FlagKind::String),
                    ("from", FlagKind::String),
                    ("chmod", FlagKind::String),
                    ("link", FlagKind::Bool),
                    ("exclude", FlagKind::Strings),
                    ("parents", FlagKind::Bool),
                ],
            )?;
            let (sources, heredocs, dest) = sources_and_dest(node, "COPY")?;
            InstructionKind::Copy {
                sources,
                dest,
                from: flags.string("from"),
                chown: flags.string("chown"),
                chmod: flags.string("chmod"),
                link: flags.bool("link").unwrap_or(false),
                heredocs,
                exclude: flags.strings("exclude"),
                parents: flags.bool("parents").unwrap_or(false),
            }
        }
        "from" => {
            let alias = match args.as_slice() {
                [_, r#as, name] if r#as.eq_ignore_ascii_case("as") => Some(stage_name(name)?),
                [_] => None,
                _ => return Err("FROM requires either one or three arguments".to_string()),
            };
            let flags = Flags::parse(&node.flags, &[("platform", FlagKind::String)])?;
            InstructionKind::From { image: args[0].clone(), platform: flags.string("platform"), alias }
        }
        "onbuild" => onbuild(node)?,
        "workdir" => {
            let path = exactly_one("WORKDIR", args)?;
            no_flags(node)?;
            InstructionKind::Workdir(path)
        }
        "run" => {
            let flags = Flags::parse(
                &node.flags,
                &[
                    ("device", FlagKind::Strings),
                    ("mount", FlagKind::Strings),
                    ("network", FlagKind::String),
                    ("security", FlagKind::String),
                ],
            )?;
            let mounts = flags.strings("mount");
            mounts.iter().try_for_each(|m| check_mount(m))?;
            let network = match flags.get("network") {
                Some(FlagValue::String(mode)) if !matches!(mode.as_str(), "default" | "none" | "host") => {
                    return Err(format!("invalid network mode {}", go_quote(mode)));
                }
                Some(FlagValue::String(mode)) => Some(mode.clone()),
                _ => None,
            };
            let security = match flags.get("security") {
                Some(FlagValue::String(mode)) if !matches!(mode.as_str(), "insecure" | "sandbox") => {
                    return Err(format!("security {} is not valid", go_quote(mode)));
                }
                Some(FlagValue::String(mode)) => Some(mode.clone()),
                _ => None,
            };
            InstructionKind::Run {
                command: command(node, args),
                heredocs: node.heredocs.clone(),
                mounts,
                network,
                security,
                devices: flags.strings("device"),
            }
        }
        "cmd" => {
            no_flags(node)?;
            InstructionKind::Cmd(command(node, args))
        }
        "healthcheck" => InstructionKind::Healthcheck(healthcheck(node)?),
        "entrypoint" => {
            no_flags(node)?;
            InstructionKind::Entrypoint(command(node, args))
        }
        "expose" => {
            at_least_one("EXPOSE", args)?;
            no_flags(node)?;
            InstructionKind::Expose(args.clone())
        }
        "user" => {
            let user = exactly_one("USER", args)?;
            no_flags(node)?;
            InstructionKind::User(user)
        }
        "volume" => {
            at_least_one("VOLUME", args)?;
            no_flags(node)?;
            let mut volumes = Vec::with_capacity(args.len());
            for volume in args {
                let volume = volume.trim();
                if volume.is_empty() {
                    return Err("VOLUME specified can not be an empty string".to_string());
                }
                volumes.push(volume.to_string());
            }
            InstructionKind::Volume(volumes)
        }
        // BuildKit reads no flags for these two: any given are ignored.
        "stopsignal" => InstructionKind::Stopsignal(exactly_one("STOPSIGNAL", args)?),
        "arg" => {
            at_least_one("ARG", args)?;
            let mut out = Vec::with_capacity(args.len());
            for arg in args {
                out.push(match arg.split_once('=') {
                    Some(("", _)) => return Err("ARG names can not be blank".to_string()),
                    Some((name, value)) => (name.to_string(), Some(value.to_string())),
                    None => (arg.clone(), None),
                });
            }
            InstructionKind::Arg(out)
        }
        "shell" => {
            no_flags(node)?;
            at_least_one("SHELL", args)?;
            if !node.json {
                return Err("SHELL requires the arguments to be in JSON form".to_string());
            }
            InstructionKind::Shell(args.clone())
        }
        _ => {
            let message = format!("unknown instruction: {}", node.name);
            return Err(suggest(message, &node.name, &INSTRUCTIONS, false));
        }
    })
}
