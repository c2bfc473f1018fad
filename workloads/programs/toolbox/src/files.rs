//! The applets that work on files and directories: cat, ls, mkdir, rmdir, rm, touch, cp, mv,
//! ln, stat and tee. Every path is resolved against the applet's working directory, never the
//! process's, because the shell runs applets in-process with a directory of its own.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::time::SystemTime;

use crate::applets::{getopt, usage};
use crate::{base_name, strerror, Ctx, Io};

/// The error a directory gives where a file was expected, as Linux reports it.
fn is_a_directory() -> io::Error {
    io::Error::from_raw_os_error(31)
}

/// The whole of an input: standard input for `-`, else the file `name` names.
pub fn read_input(name: &str, ctx: &Ctx, io: &mut Io) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    if name == "-" {
        io.stdin.read_to_end(&mut data)?;
        return Ok(data);
    }
    let path = ctx.path(name);
    if fs::metadata(&path)?.is_dir() {
        return Err(is_a_directory());
    }
    File::open(&path)?.read_to_end(&mut data)?;
    Ok(data)
}

/// Copies `from` to `out` in chunks, so a terminal's input is echoed line by line.
fn pump(from: &mut dyn Read, out: &mut dyn Write, number: &mut Option<(usize, bool)>) -> io::Result<()> {
    let mut buf = [0u8; 8192];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        match number {
            None => out.write_all(&buf[..n])?,
            // `cat -n`: the line number goes before the first byte of every line.
            Some((line, at_start)) => {
                for &b in &buf[..n] {
                    if *at_start {
                        *line += 1;
                        write!(out, "{:6}\t", line)?;
                    }
                    out.write_all(&[b])?;
                    *at_start = b == b'\n';
                }
            }
        }
    }
}

/// `cat [-n] [FILE]...`
pub fn cat(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("cat", args, "nu", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let mut number = if opts.has('n') { Some((0, true)) } else { None };
    let mut code = 0;
    let names = if opts.args.is_empty() { vec!["-".to_string()] } else { opts.args.clone() };
    for name in &names {
        if name == "-" {
            if pump(io.stdin, io.out, &mut number).is_err() {
                code = 1;
            }
            continue;
        }
        let path = ctx.path(name);
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(e) => {
                let _ = writeln!(io.err, "cat: can't open '{name}': {}", strerror(&e));
                code = 1;
                continue;
            }
        };
        if fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            let _ = writeln!(io.err, "cat: read error: {}", strerror(&is_a_directory()));
            code = 1;
            continue;
        }
        if let Err(e) = pump(&mut file, io.out, &mut number) {
            let _ = writeln!(io.err, "cat: read error: {}", strerror(&e));
            code = 1;
        }
    }
    code
}

/// Whether a file is a WebAssembly module: the executables of this system. WASI has no mode
/// bits, so `ls -l` shows these as executable and other files as plain.
fn is_module(path: &str) -> bool {
    let mut magic = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == b"\0asm"
}

/// `ls -l`'s first column: the type and a mode that WASI cannot tell, so a conventional one.
fn mode(meta: &Metadata, path: &str) -> &'static str {
    let kind = meta.file_type();
    if kind.is_symlink() {
        "lrwxrwxrwx"
    } else if kind.is_dir() {
        "drwxr-xr-x"
    } else if kind.is_file() && is_module(path) {
        "-rwxr-xr-x"
    } else if kind.is_file() {
        "-rw-r--r--"
    } else {
        "?rw-r--r--"
    }
}

/// One line of ls's listing: the name, or with -l its type and mode, size, name and link target.
fn ls_line(shown: &str, path: &str, meta: &Metadata, long: bool, out: &mut dyn Write) {
    if !long {
        let _ = writeln!(out, "{shown}");
        return;
    }
    let target = if meta.file_type().is_symlink() {
        fs::read_link(path).map(|t| format!(" -> {}", t.display())).unwrap_or_default()
    } else {
        String::new()
    };
    let _ = writeln!(out, "{} {:>8} {shown}{target}", mode(meta, path), meta.len());
}

/// `ls [-1laAd] [FILE]...`: sorted by name, one per line, as ls prints when not on a terminal.
pub fn ls(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("ls", args, "1laAdC", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let (long, all, almost, as_dir) = (opts.has('l'), opts.has('a'), opts.has('A'), opts.has('d'));
    let mut operands = if opts.args.is_empty() { vec![".".to_string()] } else { opts.args.clone() };
    operands.sort();
    let many = operands.len() > 1;
    let mut code = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for name in &operands {
        let path = ctx.path(name);
        // Named links are followed unless the link itself is asked about (-l, -d), and a
        // dangling one is still listed.
        let meta = if long || as_dir {
            fs::symlink_metadata(&path)
        } else {
            fs::metadata(&path).or_else(|_| fs::symlink_metadata(&path))
        };
        match meta {
            Ok(meta) if meta.is_dir() && !as_dir => dirs.push((name, path)),
            Ok(meta) => files.push((name, path, meta)),
            Err(e) => {
                let _ = writeln!(io.err, "ls: {name}: {}", strerror(&e));
                code = 1;
            }
        }
    }
    for (name, path, meta) in &files {
        ls_line(name, path, meta, long, io.out);
    }
    for (i, (name, path)) in dirs.iter().enumerate() {
        if many {
            let gap = if i > 0 || !files.is_empty() { "\n" } else { "" };
            let _ = writeln!(io.out, "{gap}{name}:");
        }
        let entries = match fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => {
                let _ = writeln!(io.err, "ls: {name}: {}", strerror(&e));
                code = 1;
                continue;
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| all || almost || !n.starts_with('.'))
            .filter(|n| n != "." && n != "..")
            .collect();
        if all {
            names.push(".".to_string());
            names.push("..".to_string());
        }
        names.sort();
        for entry in &names {
            let full = crate::resolve(path, entry);
            match fs::symlink_metadata(&full) {
                Ok(meta) => ls_line(entry, &full, &meta, long, io.out),
                Err(e) => {
                    let _ = writeln!(io.err, "ls: {name}/{entry}: {}", strerror(&e));
                    code = 1;
                }
            }
        }
    }
    code
}

/// `mkdir [-p] [-m MODE] DIR...`; the mode is accepted and ignored, WASI having none.
pub fn mkdir(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("mkdir", args, "pm:v", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    if opts.args.is_empty() {
        return usage("mkdir", "[-p] DIRECTORY...", io);
    }
    let mut code = 0;
    for name in &opts.args {
        let path = ctx.path(name);
        let result = if opts.has('p') {
            fs::create_dir_all(&path).and_then(|_| match fs::metadata(&path) {
                Ok(meta) if !meta.is_dir() => Err(io::Error::from_raw_os_error(20)),
                other => other.map(|_| ()),
            })
        } else {
            fs::create_dir(&path)
        };
        if let Err(e) = result {
            let _ = writeln!(io.err, "mkdir: can't create directory '{name}': {}", strerror(&e));
            code = 1;
        }
    }
    code
}

pub fn rmdir(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("rmdir", args, "p", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    if opts.args.is_empty() {
        return usage("rmdir", "[-p] DIRECTORY...", io);
    }
    let mut code = 0;
    for name in &opts.args {
        let mut path = ctx.path(name);
        loop {
            if let Err(e) = fs::remove_dir(&path) {
                let _ = writeln!(io.err, "rmdir: '{name}': {}", strerror(&e));
                code = 1;
                break;
            }
            // -p removes each parent the operand names too, as far as it goes.
            path = crate::text::dir_name(&path);
            if !opts.has('p') || path == "/" || !name.contains('/') {
                break;
            }
        }
    }
    code
}

/// Removes a whole tree without following links out of it.
fn remove_tree(path: &str) -> io::Result<()> {
    if !fs::symlink_metadata(path)?.is_dir() {
        return fs::remove_file(path);
    }
    for entry in fs::read_dir(path)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        remove_tree(&crate::resolve(path, &name))?;
    }
    fs::remove_dir(path)
}

/// `rm [-rf] FILE...`
pub fn rm(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("rm", args, "rRfiv", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let (recursive, force) = (opts.has('r') || opts.has('R'), opts.has('f'));
    if opts.args.is_empty() && !force {
        return usage("rm", "[-rf] FILE...", io);
    }
    let mut code = 0;
    for name in &opts.args {
        let last = base_name(name);
        if last == "." || last == ".." {
            let _ = writeln!(io.err, "rm: can't remove '.' or '..'");
            code = 1;
            continue;
        }
        let path = ctx.path(name);
        if path == "/" {
            let _ = writeln!(io.err, "rm: can't remove '/'");
            code = 1;
            continue;
        }
        let result = match fs::symlink_metadata(&path) {
            Err(e) if force && e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => Err(e),
            Ok(meta) if meta.is_dir() && !recursive => Err(is_a_directory()),
            Ok(meta) if meta.is_dir() => remove_tree(&path),
            Ok(_) => fs::remove_file(&path),
        };
        if let Err(e) = result {
            let _ = writeln!(io.err, "rm: can't remove '{name}': {}", strerror(&e));
            code = 1;
        }
    }
    code
}

/// `touch [-c] FILE...`: creates missing files and sets the time of existing ones to now.
pub fn touch(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("touch", args, "cam", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    if opts.args.is_empty() {
        return usage("touch", "[-c] FILE...", io);
    }
    let mut code = 0;
    for name in &opts.args {
        let path = ctx.path(name);
        if fs::metadata(&path).is_ok() {
            // A directory cannot be opened for writing, and its time matters little: best effort.
            if let Ok(file) = OpenOptions::new().write(true).open(&path).or_else(|_| File::open(&path)) {
                let _ = file.set_modified(SystemTime::now());
            }
            continue;
        }
        if opts.has('c') {
            continue;
        }
        if let Err(e) = OpenOptions::new().write(true).create(true).truncate(false).open(&path) {
            let _ = writeln!(io.err, "touch: {name}: {}", strerror(&e));
            code = 1;
        }
    }
    code
}

/// Where `source` lands for cp, mv and ln: inside `dest` when that is a directory.
fn landing(source: &str, dest: &str, ctx: &Ctx) -> String {
    let path = ctx.path(dest);
    if fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
        crate::resolve(&path, base_name(source))
    } else {
        path
    }
}

/// Copies one tree for cp; `shown` is the operand's name for messages.
fn copy(shown: &str, from: &str, to: &str, recursive: bool, io: &mut Io) -> bool {
    let meta = if recursive { fs::symlink_metadata(from) } else { fs::metadata(from) };
    let meta = match meta {
        Ok(meta) => meta,
        Err(e) => {
            let _ = writeln!(io.err, "cp: can't stat '{shown}': {}", strerror(&e));
            return false;
        }
    };
    if from == to {
        let _ = writeln!(io.err, "cp: '{shown}' and '{to}' are the same file");
        return false;
    }
    if meta.file_type().is_symlink() {
        let made = fs::read_link(from).and_then(|target| {
            let _ = fs::remove_file(to);
            symlink(target, to)
        });
        if let Err(e) = made {
            let _ = writeln!(io.err, "cp: can't create symlink '{to}': {}", strerror(&e));
            return false;
        }
        return true;
    }
    if !meta.is_dir() {
        if fs::metadata(to).is_ok_and(|m| m.is_dir()) {
            let _ = writeln!(io.err, "cp: can't create '{to}': {}", strerror(&is_a_directory()));
            return false;
        }
        if let Err(e) = fs::copy(from, to) {
            let _ = writeln!(io.err, "cp: can't create '{to}': {}", strerror(&e));
            return false;
        }
        return true;
    }
    if !recursive {
        let _ = writeln!(io.err, "cp: omitting directory '{shown}'");
        return false;
    }
    if to.starts_with(&format!("{from}/")) {
        let _ = writeln!(io.err, "cp: recursion detected, omitting directory '{shown}'");
        return false;
    }
    if !fs::metadata(to).is_ok_and(|m| m.is_dir()) {
        if let Err(e) = fs::create_dir(to) {
            let _ = writeln!(io.err, "cp: can't create directory '{to}': {}", strerror(&e));
            return false;
        }
    }
    let entries = match fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) => {
            let _ = writeln!(io.err, "cp: can't open '{shown}': {}", strerror(&e));
            return false;
        }
    };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut ok = true;
    for name in names {
        let child = format!("{}/{name}", shown.trim_end_matches('/'));
        ok &= copy(&child, &crate::resolve(from, &name), &crate::resolve(to, &name), true, io);
    }
    ok
}

/// Splits cp's, mv's and ln's operands into sources and a destination, refusing several sources
/// for a destination that is not a directory.
fn sources_and_dest<'a>(
    name: &str,
    operands: &'a [String],
    ctx: &Ctx,
    io: &mut Io,
) -> Result<(&'a [String], &'a str), i32> {
    let Some((dest, sources)) = operands.split_last().filter(|(_, s)| !s.is_empty()) else {
        return Err(usage(name, "[OPTIONS] SOURCE... DEST", io));
    };
    if sources.len() > 1 && !fs::metadata(ctx.path(dest)).is_ok_and(|m| m.is_dir()) {
        let _ = writeln!(io.err, "{name}: '{dest}' is not a directory");
        return Err(1);
    }
    Ok((sources, dest))
}

/// `cp [-r] SOURCE... DEST`; in a recursive copy links are copied as links.
pub fn cp(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("cp", args, "rRaPdpfLHv", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let recursive = opts.has('r') || opts.has('R') || opts.has('a');
    let (sources, dest) = match sources_and_dest("cp", &opts.args, ctx, io) {
        Ok(split) => split,
        Err(code) => return code,
    };
    let mut code = 0;
    for source in sources {
        let to = landing(source, dest, ctx);
        if !copy(source, &ctx.path(source), &to, recursive, io) {
            code = 1;
        }
    }
    code
}

/// `mv SOURCE... DEST`
pub fn mv(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("mv", args, "finTv", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let (sources, dest) = match sources_and_dest("mv", &opts.args, ctx, io) {
        Ok(split) => split,
        Err(code) => return code,
    };
    let mut code = 0;
    for source in sources {
        let from = ctx.path(source);
        if let Err(e) = fs::symlink_metadata(&from) {
            let _ = writeln!(io.err, "mv: can't stat '{source}': {}", strerror(&e));
            code = 1;
            continue;
        }
        let to = landing(source, dest, ctx);
        if to == from {
            continue;
        }
        if let Err(e) = fs::rename(&from, &to) {
            let _ = writeln!(io.err, "mv: can't rename '{source}': {}", strerror(&e));
            code = 1;
        }
    }
    code
}

/// `ln [-sfn] TARGET [LINK]`, or several targets into a directory. A symbolic link keeps its
/// target as written; a hard link's target is a path like any other.
pub fn ln(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("ln", args, "sfnTv", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let mut operands = opts.args.clone();
    if operands.len() == 1 {
        operands.push(".".to_string());
    }
    let (targets, dest) = match sources_and_dest("ln", &operands, ctx, io) {
        Ok(split) => split,
        Err(code) => return code,
    };
    let mut code = 0;
    for target in targets {
        let link = if opts.has('n') && fs::symlink_metadata(ctx.path(dest)).is_ok_and(|m| m.file_type().is_symlink()) {
            ctx.path(dest)
        } else {
            landing(target, dest, ctx)
        };
        if opts.has('f') && fs::symlink_metadata(&link).is_ok_and(|m| !m.is_dir()) {
            let _ = fs::remove_file(&link);
        }
        let made = if opts.has('s') { symlink(target, &link) } else { fs::hard_link(ctx.path(target), &link) };
        if let Err(e) = made {
            let shown = if operands.len() > 2 || link != ctx.path(dest) { link.as_str() } else { dest };
            let _ = writeln!(io.err, "ln: {shown}: {}", strerror(&e));
            code = 1;
        }
    }
    code
}

/// Makes a symbolic link. `std::os::wasi::fs::symlink_path` is still unstable, and the
/// deprecated `soft_link` is the same call on WASI, where there is no Windows distinction.
#[allow(deprecated)]
fn symlink(target: impl AsRef<std::path::Path>, link: impl AsRef<std::path::Path>) -> io::Result<()> {
    fs::soft_link(target, link)
}

/// The kind of a file as stat words it.
fn kind(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_symlink() {
        "symbolic link"
    } else if kind.is_dir() {
        "directory"
    } else if kind.is_file() && meta.len() == 0 {
        "regular empty file"
    } else if kind.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// `stat [-L] [-c FORMAT] FILE...`: name, size and kind; WASI keeps no owners or modes, and times
/// are left out so the output is the same on every run.
pub fn stat(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("stat", args, "Lc:", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    if opts.args.is_empty() {
        return usage("stat", "[-L] [-c FORMAT] FILE...", io);
    }
    let mut code = 0;
    for name in &opts.args {
        let path = ctx.path(name);
        let meta = if opts.has('L') { fs::metadata(&path) } else { fs::symlink_metadata(&path) };
        let meta = match meta {
            Ok(meta) => meta,
            Err(e) => {
                let _ = writeln!(io.err, "stat: can't stat '{name}': {}", strerror(&e));
                code = 1;
                continue;
            }
        };
        let quoted = match fs::read_link(&path) {
            Ok(target) if meta.file_type().is_symlink() => format!("'{name}' -> '{}'", target.display()),
            _ => format!("'{name}'"),
        };
        let Some(format) = opts.value('c') else {
            let _ = writeln!(io.out, "  File: {quoted}\n  Size: {:<10} {}", meta.len(), kind(&meta));
            continue;
        };
        let mut line = String::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                line.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => line.push_str(name),
                Some('N') => line.push_str(&quoted),
                Some('s') => line.push_str(&meta.len().to_string()),
                Some('F') => line.push_str(kind(&meta)),
                Some('A') => line.push_str(mode(&meta, &path)),
                Some('%') => line.push('%'),
                Some(other) => {
                    line.push('%');
                    line.push(other);
                }
                None => line.push('%'),
            }
        }
        let _ = writeln!(io.out, "{line}");
    }
    code
}

/// `tee [-a] [FILE]...`: standard input to standard output and to every file.
pub fn tee(args: &[String], ctx: &mut Ctx, io: &mut Io) -> i32 {
    let opts = match getopt("tee", args, "ai", io) {
        Ok(opts) => opts,
        Err(code) => return code,
    };
    let mut code = 0;
    let mut files = Vec::new();
    for name in &opts.args {
        let opened = OpenOptions::new()
            .write(true)
            .create(true)
            .append(opts.has('a'))
            .truncate(!opts.has('a'))
            .open(ctx.path(name));
        match opened {
            Ok(file) => files.push(file),
            Err(e) => {
                let _ = writeln!(io.err, "tee: {name}: {}", strerror(&e));
                code = 1;
            }
        }
    }
    let mut buf = [0u8; 8192];
    loop {
        let n = match io.stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return 1,
        };
        let _ = io.out.write_all(&buf[..n]);
        for file in &mut files {
            if file.write_all(&buf[..n]).is_err() {
                code = 1;
            }
        }
    }
    code
}
