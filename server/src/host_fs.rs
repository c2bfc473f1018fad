//! The host's side of `docker cp`: reading a tree from this machine's disk and writing one to it.
//!
//! Where things land is the engine's decision ([`copy::place`]); this file only does the I/O.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use dockyard_engine::copy::{self, Existing, Source, Tree};
use dockyard_engine::layer::{Entry, EntryKind};

use crate::native::io_words;

/// More than a learner's files should ever be; it keeps a mistyped `/` from reading a whole disk
/// into the engine's memory.
const MAX_TREE_BYTES: u64 = 256 << 20;

/// Go's way of naming a failed call: "open /tmp/x: permission denied".
fn failed(op: &str, path: &Path, error: &std::io::Error) -> String {
    format!("{op} {}: {}", path.display(), io_words(error))
}

/// Writes `tree`, copied from `source`, at `dest` on this machine, as `docker cp` does.
pub fn place(tree: &Tree, source: &Source, dest: &str) -> Result<(), String> {
    let existing = match std::fs::metadata(dest) {
        Ok(meta) if meta.is_dir() => Existing::Dir,
        Ok(_) => Existing::File,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Existing::Missing,
        Err(e) => return Err(failed("stat", Path::new(dest), &e)),
    };
    let placed = copy::place(tree, source, dest, existing).map_err(|e| e.to_string())?;
    // Directories get their modes last, so a read-only one still receives its files first.
    let mut dirs: Vec<(PathBuf, u32)> = Vec::new();
    for (path, entry) in placed {
        let path = PathBuf::from(path);
        match &entry.kind {
            EntryKind::Dir { .. } => {
                match std::fs::create_dir(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
                    Err(e) => return Err(failed("mkdir", &path, &e)),
                }
                dirs.push((path, entry.mode));
            }
            EntryKind::File { data } => {
                std::fs::write(&path, &data.0).map_err(|e| failed("open", &path, &e))?;
                set_mode(&path, entry.mode)?;
            }
            EntryKind::Symlink { target } => {
                if path.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                    std::fs::remove_file(&path).map_err(|e| failed("remove", &path, &e))?;
                }
                std::os::unix::fs::symlink(target, &path).map_err(|e| failed("symlink", &path, &e))?;
            }
            // A hard link whose file was not copied, or a deletion, has nothing to write.
            EntryKind::Hardlink { .. } | EntryKind::Whiteout => {}
        }
    }
    for (path, mode) in dirs.into_iter().rev() {
        set_mode(&path, mode)?;
    }
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o7777))
        .map_err(|e| failed("chmod", path, &e))
}

/// Reads the file or directory at `source` into a tree, following a symlink there if `follow_link`.
pub fn read_tree(source: &str, follow_link: bool) -> Result<Tree, String> {
    let path = std::path::absolute(source).unwrap_or_else(|_| PathBuf::from(source));
    let mut tree = Tree::default();
    let mut bytes = 0;
    let meta = if follow_link { std::fs::metadata(&path) } else { std::fs::symlink_metadata(&path) };
    let meta = meta.map_err(|e| failed("lstat", &path, &e))?;
    add(&mut tree, String::new(), &path, &meta, &mut bytes)?;
    Ok(tree)
}

fn add(tree: &mut Tree, rel: String, path: &Path, meta: &std::fs::Metadata, bytes: &mut u64) -> Result<(), String> {
    let mode = meta.mode() & 0o7777;
    let kind = if meta.is_dir() {
        EntryKind::Dir { opaque: false }
    } else if meta.is_symlink() {
        let target = std::fs::read_link(path).map_err(|e| failed("readlink", path, &e))?;
        EntryKind::Symlink { target: target.to_string_lossy().into_owned() }
    } else if meta.is_file() {
        *bytes += meta.len();
        if *bytes > MAX_TREE_BYTES {
            return Err(format!("dockyard: {} is more than {} MiB to copy", path.display(), MAX_TREE_BYTES >> 20));
        }
        let data = std::fs::read(path).map_err(|e| failed("open", path, &e))?;
        EntryKind::File { data: data.into() }
    } else {
        // Sockets, pipes and devices have no content to copy; Docker skips them too.
        return Ok(());
    };
    let mtime = u64::try_from(meta.mtime()).unwrap_or(0).saturating_mul(1_000_000_000);
    tree.entries.push((rel.clone(), Entry { kind, mode, uid: meta.uid(), gid: meta.gid(), mtime }));
    if meta.is_dir() {
        let mut children: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| failed("open", path, &e))?
            .filter_map(Result::ok)
            .map(|child| child.file_name().to_string_lossy().into_owned())
            .collect();
        children.sort();
        for name in children {
            let child = path.join(&name);
            let meta = std::fs::symlink_metadata(&child).map_err(|e| failed("lstat", &child, &e))?;
            let rel = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            add(tree, rel, &child, &meta, bytes)?;
        }
    }
    Ok(())
}
