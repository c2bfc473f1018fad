//! What `docker cp` moves between a container and the host, and Docker's rules for where it lands.
//!
//! The daemon and the CLI pass a tar stream whose first entry is the copied item itself; the side
//! that receives it decides, from what already exists at the destination, whether the item
//! replaces the destination, lands inside it, or (for `SRC/.`) pours its contents into it. Both
//! directions use the one [`place`] function here, so the engine (copying into a container) and the
//! hosts (copying out to a disk or a download) cannot disagree on the rules.

use crate::layer::{Entry, EntryKind};

/// A file or directory tree in transit: entries keyed by their path relative to the copied item,
/// `""` being the item itself, parents before children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub entries: Vec<(String, Entry)>,
}

impl Tree {
    /// The copied item itself.
    pub fn root(&self) -> Option<&Entry> {
        self.entries.first().filter(|(path, _)| path.is_empty()).map(|(_, e)| e)
    }

    /// The bytes of all regular files, which is what `docker cp` reports as copied content.
    pub fn content_size(&self) -> u64 {
        self.entries
            .iter()
            .map(|(_, e)| match &e.kind {
                EntryKind::File { data } => data.len() as u64,
                _ => 0,
            })
            .sum()
    }

    /// The tree as the layer a tar stream of it would be, rooted at `name` (empty for `/`).
    pub fn to_layer(&self, name: &str) -> Result<crate::layer::Layer, crate::layer::LayerError> {
        let mut layer = crate::layer::Layer::default();
        for (path, entry) in &self.entries {
            let full = match (name, path.as_str()) {
                // The root directory itself has no name in a tar; only what is in it does.
                ("", "") => continue,
                ("", path) => path.to_string(),
                (name, "") => name.to_string(),
                (name, path) => format!("{name}/{path}"),
            };
            layer.insert(&full, entry.clone())?;
        }
        Ok(layer)
    }
}

/// What the destination path holds before the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Missing,
    /// A file, or anything else that is not a directory.
    File,
    Dir,
}

/// Why a copy cannot land where it was asked to, in the words of Docker's archive package.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    #[error("no such directory")]
    DirNotExists,
    #[error("cannot copy directory")]
    CannotCopyDir,
    #[error("not a directory")]
    NotDirectory,
    #[error("invalid copy source content")]
    InvalidSource,
}

/// How the source path was written, which changes where a directory lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The last element of the source path, the name the item keeps inside a directory.
    pub name: String,
    /// The path ended in `/.`: copy what is in the directory, not the directory itself.
    pub contents_only: bool,
    /// The path ended in `/` or `/.`, so it must name a directory.
    pub must_be_dir: bool,
}

impl Source {
    /// Reads the shape of a source path as typed (`/etc/hostname`, `app/`, `app/.`).
    pub fn parse(path: &str) -> Source {
        let contents_only = path == "." || path.ends_with("/.");
        let must_be_dir = contents_only || path.ends_with('/');
        let name = path.split('/').rev().find(|p| !p.is_empty() && *p != ".").unwrap_or("").to_string();
        Source { name, contents_only, must_be_dir }
    }
}

/// Joins `path` under `dir` with one slash, whether or not `dir` ends in one.
fn join(dir: &str, path: &str) -> String {
    match (dir.trim_end_matches('/'), path) {
        (d, "") => d.to_string(),
        ("", p) => format!("/{p}"),
        (d, p) => format!("{d}/{p}"),
    }
}

/// Where each entry of `tree`, copied from `source` to `dest` (which currently holds `existing`),
/// lands: destination paths paired with entries, parents before children. These are the rules
/// `docker cp --help` documents.
pub fn place<'t>(
    tree: &'t Tree,
    source: &Source,
    dest: &str,
    existing: Existing,
) -> Result<Vec<(String, &'t Entry)>, CopyError> {
    let root = tree.root().ok_or(CopyError::InvalidSource)?;
    if source.must_be_dir && !root.is_dir() {
        return Err(CopyError::NotDirectory);
    }
    let base = if root.is_dir() {
        match existing {
            Existing::File => return Err(CopyError::CannotCopyDir),
            Existing::Missing => dest.to_string(),
            Existing::Dir if source.contents_only => dest.to_string(),
            Existing::Dir => join(dest, &source.name),
        }
    } else {
        match existing {
            Existing::Missing if dest.ends_with('/') => return Err(CopyError::DirNotExists),
            Existing::Missing | Existing::File => dest.to_string(),
            Existing::Dir => join(dest, &source.name),
        }
    };
    Ok(tree.entries.iter().map(|(path, entry)| (join(&base, path), entry)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_tree() -> Tree {
        Tree { entries: vec![(String::new(), Entry::file(&b"hi"[..], 0o644))] }
    }

    fn dir_tree() -> Tree {
        Tree {
            entries: vec![
                (String::new(), Entry::dir(0o755)),
                ("a".into(), Entry::file(&b"a"[..], 0o644)),
                ("sub".into(), Entry::dir(0o755)),
                ("sub/b".into(), Entry::file(&b"b"[..], 0o600)),
            ],
        }
    }

    fn paths(placed: Result<Vec<(String, &Entry)>, CopyError>) -> Result<Vec<String>, CopyError> {
        placed.map(|v| v.into_iter().map(|(p, _)| p).collect())
    }

    #[test]
    fn a_file_replaces_a_missing_or_file_destination_and_lands_inside_a_directory() {
        let tree = file_tree();
        let source = Source::parse("/etc/hostname");
        assert_eq!(paths(place(&tree, &source, "/tmp/out", Existing::Missing)), Ok(vec!["/tmp/out".into()]));
        assert_eq!(paths(place(&tree, &source, "/tmp/out", Existing::File)), Ok(vec!["/tmp/out".into()]));
        assert_eq!(paths(place(&tree, &source, "/tmp/", Existing::Dir)), Ok(vec!["/tmp/hostname".into()]));
        assert_eq!(place(&tree, &source, "/tmp/nodir/", Existing::Missing), Err(CopyError::DirNotExists));
    }

    #[test]
    fn a_directory_is_created_copied_into_or_poured_into_its_destination() {
        let tree = dir_tree();
        let plain = Source::parse("/app");
        assert_eq!(
            paths(place(&tree, &plain, "/new", Existing::Missing)),
            Ok(vec!["/new".into(), "/new/a".into(), "/new/sub".into(), "/new/sub/b".into()])
        );
        assert_eq!(
            paths(place(&tree, &plain, "/srv", Existing::Dir)),
            Ok(vec!["/srv/app".into(), "/srv/app/a".into(), "/srv/app/sub".into(), "/srv/app/sub/b".into()])
        );
        let contents = Source::parse("/app/.");
        assert!(contents.contents_only);
        assert_eq!(
            paths(place(&tree, &contents, "/srv", Existing::Dir)),
            Ok(vec!["/srv".into(), "/srv/a".into(), "/srv/sub".into(), "/srv/sub/b".into()])
        );
        assert_eq!(place(&tree, &plain, "/etc/hostname", Existing::File), Err(CopyError::CannotCopyDir));
    }

    #[test]
    fn a_trailing_slash_on_a_file_source_is_refused() {
        assert_eq!(
            place(&file_tree(), &Source::parse("/etc/hostname/"), "/x", Existing::Missing),
            Err(CopyError::NotDirectory)
        );
        assert_eq!(
            place(&Tree::default(), &Source::parse("/x"), "/y", Existing::Missing),
            Err(CopyError::InvalidSource)
        );
    }

    #[test]
    fn source_names_ignore_trailing_slashes_and_dots() {
        assert_eq!(Source::parse("/usr/share/").name, "share");
        assert_eq!(Source::parse("app/.").name, "app");
        assert_eq!(Source::parse("notes.txt").name, "notes.txt");
        assert!(!Source::parse("notes.txt").must_be_dir);
    }
}
