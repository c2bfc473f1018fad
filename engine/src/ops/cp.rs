//! `docker cp`: files and directories between a container's filesystem and the host, both ways.
//!
//! Copying out, the engine gathers the tree and the host places it ([`Step::CopyOut`]); copying in,
//! the host gathers the tree and the engine places it ([`Engine::copy_in`]). Either way the rules of
//! where things land are [`copy::place`].

use crate::cli::CpOptions;
use crate::copy::{self, Existing, Source, Tree};
use crate::engine::CopyTarget;
use crate::format::human_size;
use crate::fs::UnionFs;
use crate::layer::{Entry, EntryKind};
use crate::ops::daemon_error;
use crate::{Engine, Reply, Step};

/// Splits a `docker cp` argument into container and path as the CLI does: a path that starts with
/// `/` or `.` is always local, so `./file:name.txt` names a file with a colon in it.
fn split_cp_arg(arg: &str) -> (Option<&str>, &str) {
    if arg.starts_with('/') {
        return (None, arg);
    }
    match arg.split_once(':') {
        Some((container, path)) if !container.starts_with('.') => (Some(container), path),
        _ => (None, arg),
    }
}

/// The message Docker gives for a container path that is not there.
fn not_found(path: &str, container: &str) -> Reply {
    Reply::err(daemon_error(format!("Could not find the file {path} in container {container}")), 1)
}

/// What `docker cp` prints when it is done, unless `-q`: the size of the tar stream it moved.
fn summary(tree: &Tree, name: &str, dest: &str, quiet: bool) -> Reply {
    if quiet {
        return Reply::default();
    }
    let size = tree.to_layer(name).and_then(|layer| layer.to_tar()).map_or(0, |tar| tar.len() as u64);
    Reply { stderr: format!("Successfully copied {} to {dest}\n", human_size(size)), ..Default::default() }
}

/// An entry as it leaves the filesystem: a hard link carries its file's content, and a directory
/// is just a directory, whatever layers it hid.
fn materialize(fs: &UnionFs, entry: &Entry) -> Entry {
    match &entry.kind {
        EntryKind::Hardlink { target } => match fs.lookup(target) {
            Some((linked, _)) if matches!(linked.kind, EntryKind::File { .. }) => linked.clone(),
            _ => entry.clone(),
        },
        EntryKind::Dir { opaque: true } => Entry { kind: EntryKind::Dir { opaque: false }, ..entry.clone() },
        _ => entry.clone(),
    }
}

/// The tree at `path` (normalized, `""` for the root) in `fs`, or `None` if nothing is there.
pub(crate) fn tree_at(fs: &UnionFs, path: &str) -> Option<Tree> {
    let root = if path.is_empty() { Entry::dir(0o755) } else { materialize(fs, fs.lookup(path)?.0) };
    let mut tree = Tree { entries: vec![(String::new(), root.clone())] };
    if root.is_dir() {
        let prefix = if path.is_empty() { String::new() } else { format!("{path}/") };
        for inner in fs.paths().filter_map(|p| p.strip_prefix(prefix.as_str())) {
            if let Some((entry, _)) = fs.lookup(&format!("{prefix}{inner}")) {
                tree.entries.push((inner.to_string(), materialize(fs, entry)));
            }
        }
    }
    Some(tree)
}

impl Engine {
    pub(crate) fn cp(&mut self, options: CpOptions) -> Step {
        if options.source.is_empty() {
            return Step::Done(Reply::err("source can not be empty", 1));
        }
        if options.destination.is_empty() {
            return Step::Done(Reply::err("destination can not be empty", 1));
        }
        let (from, source) = split_cp_arg(&options.source);
        let (to, dest) = split_cp_arg(&options.destination);
        match (from, to) {
            (Some(container), None) => self.copy_out(container, source, dest, &options).unwrap_or_else(Step::Done),
            (None, Some(container)) => self.prepare_copy_in(container, source, dest, &options),
            (Some(_), Some(_)) => Step::Done(Reply::err("copying between containers is not supported", 1)),
            (None, None) => Step::Done(Reply::err("must specify at least one container source", 1)),
        }
    }

    fn copy_out(&self, key: &str, source: &str, dest: &str, options: &CpOptions) -> Result<Step, Reply> {
        if dest == "-" {
            return Err(Reply::err(
                "dockyard: the terminal cannot show a tar stream; give a destination path instead of -",
                1,
            ));
        }
        let container = self.find_container(key).ok_or_else(|| no_such_container(key))?;
        let fs = self.container_fs(container.id.as_str()).ok_or_else(|| no_such_container(key))?;
        let shown = format!("/{}", source.trim_start_matches('/'));
        let path = fs.resolve(source, options.follow_link).map_err(|_| not_found(&shown, key))?;
        let tree = tree_at(&fs, &path).ok_or_else(|| not_found(&shown, key))?;
        // A followed link keeps the link's own name, as `docker cp -L` does.
        let shape = Source::parse(source);
        let then = summary(&tree, &shape.name, dest, options.quiet);
        Ok(Step::CopyOut { tree, source: shape, dest: dest.to_string(), then })
    }

    fn prepare_copy_in(&self, key: &str, source: &str, dest: &str, options: &CpOptions) -> Step {
        let Some(container) = self.find_container(key) else { return Step::Done(no_such_container(key)) };
        if source == "-" {
            return Step::Done(Reply::err(
                "dockyard: the terminal cannot send a tar stream; give a source path instead of -",
                1,
            ));
        }
        Step::CopyIn {
            source: source.to_string(),
            follow_link: options.follow_link,
            target: CopyTarget {
                container: container.id.clone(),
                key: key.to_string(),
                path: dest.to_string(),
                source: Source::parse(source),
                archive: options.archive,
                quiet: options.quiet,
            },
        }
    }

    /// Finishes `docker cp` into a container with the tree the host read from its source.
    pub fn copy_in(&mut self, target: CopyTarget, tree: Tree) -> Reply {
        let key = target.key.as_str();
        let Some(fs) = self.container_fs(target.container.as_str()) else { return no_such_container(key) };
        // The CLI follows a symlink at the destination before it decides where things go.
        let Ok(resolved) = fs.resolve(&target.path, true) else {
            let parent = target.path.trim_end_matches('/').rsplit_once('/').map_or("/", |(p, _)| p);
            return not_found(if parent.is_empty() { "/" } else { parent }, key);
        };
        let existing = match fs.lookup(&resolved) {
            _ if resolved.is_empty() => Existing::Dir,
            Some((entry, _)) if entry.is_dir() => Existing::Dir,
            Some(_) => Existing::File,
            None => Existing::Missing,
        };
        let trailing = if target.path.ends_with('/') { "/" } else { "" };
        let dest = format!("/{resolved}{trailing}");
        let placed = match copy::place(&tree, &target.source, &dest, existing) {
            Ok(placed) => placed,
            Err(e) => return Reply::err(e.to_string(), 1),
        };
        let placed: Vec<(String, Entry)> = placed
            .into_iter()
            .map(|(path, entry)| {
                // Files copied in belong to root unless `-a` keeps the owner they had.
                let entry = if target.archive { entry.clone() } else { entry.clone().owned_by(0, 0) };
                (path, entry)
            })
            .collect();
        let written = self.edit_container_fs(&target.container, |fs| {
            placed.into_iter().try_for_each(|(path, entry)| fs.write(&path, entry))
        });
        match written {
            Some(Ok(())) => summary(&tree, &target.source.name, &format!("{key}:{}", target.path), target.quiet),
            Some(Err(e)) => Reply::err(daemon_error(e), 1),
            None => no_such_container(key),
        }
    }
}

fn no_such_container(key: &str) -> Reply {
    Reply::err(daemon_error(format!("No such container: {key}")), 1)
}

#[cfg(test)]
mod tests {
    use super::split_cp_arg;

    #[test]
    fn cp_arguments_split_at_the_first_colon_unless_they_look_local() {
        assert_eq!(split_cp_arg("web:/etc/hostname"), (Some("web"), "/etc/hostname"));
        assert_eq!(split_cp_arg("web:etc"), (Some("web"), "etc"));
        assert_eq!(split_cp_arg("/tmp/a:b"), (None, "/tmp/a:b"));
        assert_eq!(split_cp_arg("./a:b"), (None, "./a:b"));
        assert_eq!(split_cp_arg("notes.txt"), (None, "notes.txt"));
    }
}
