//! What `COPY` and `ADD` copy from: the build context (the folder `docker build` was given,
//! less what `.dockerignore` excludes) or another stage's or image's files, and Docker's rules
//! for where each source lands in the new layer.

use std::collections::BTreeMap;

use sha2::{Digest as _, Sha256};

use crate::copy::Tree;
use crate::dockerfile::Ignore;
use crate::fs::UnionFs;
use crate::layer::{Entry, EntryKind, Layer};

/// Files by path relative to their root (`a.txt`, `sub`, `sub/b.txt`), parents before children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    entries: BTreeMap<String, Entry>,
}

/// The sources one `COPY` names, each with what it copies: the entry itself at `""`, and for a
/// directory everything beneath it.
pub type Selected = Vec<(String, Vec<(String, Entry)>)>;

impl Files {
    /// A build context as the host read it (the tree's root is the context folder itself).
    pub fn from_tree(tree: &Tree) -> Files {
        let entries = crate::sort::map(tree.entries.iter().filter(|(path, _)| !path.is_empty()).cloned());
        Files { entries }
    }

    /// An image's or a stage's files, hard links read as the files they name, so a copy of
    /// one is a file of its own, as `COPY --from` makes it.
    pub fn from_fs(fs: &UnionFs) -> Files {
        let mut entries = BTreeMap::new();
        for path in fs.paths() {
            let Some((entry, _)) = fs.lookup(path) else { continue };
            let entry = match &entry.kind {
                EntryKind::Whiteout => continue,
                EntryKind::Hardlink { target } => match fs.lookup(target) {
                    Some((target, _)) => Entry { mode: target.mode, ..target.clone() },
                    None => continue,
                },
                _ => entry.clone(),
            };
            entries.insert(path.to_string(), entry);
        }
        Files { entries }
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(path)
    }

    /// Leaves out what `.dockerignore` excludes.
    pub fn exclude(&mut self, ignore: &Ignore) {
        self.entries.retain(|path, _| !ignore.excludes(path));
    }

    /// The size of the context as the tar the docker CLI sends: "Sending build context to Docker
    /// daemon  4.608kB".
    pub fn tar_size(&self) -> u64 {
        let mut layer = Layer::default();
        for (path, entry) in &self.entries {
            let _ = layer.insert(path, entry.clone());
        }
        layer.to_tar().map(|t| t.len() as u64).unwrap_or(0)
    }

    /// What `source` names, in path order: the path itself, or every path its wildcards
    /// (`*`, `?`, `[...]`, within one path element) match.
    pub fn select(&self, source: &str) -> Selected {
        let pattern = clean(source);
        if pattern.is_empty() {
            return vec![(String::new(), self.subtree(""))];
        }
        let wild = pattern.contains(['*', '?', '[']);
        let names: Vec<&String> = match wild {
            true => self.entries.keys().filter(|path| path_matches(&pattern, path)).collect(),
            false => self.entries.keys().filter(|path| **path == pattern).collect(),
        };
        names.into_iter().map(|name| (name.clone(), self.subtree(name))).collect()
    }

    /// `path`'s entry at `""` and everything beneath it, relative to it. The root (`""`) is a
    /// directory without an entry of its own.
    fn subtree(&self, path: &str) -> Vec<(String, Entry)> {
        let mut out = Vec::new();
        match path {
            "" => out.push((String::new(), Entry::dir(0o755))),
            _ => match self.entries.get(path) {
                Some(entry) => out.push((String::new(), entry.clone())),
                None => return out,
            },
        }
        let prefix = if path.is_empty() { String::new() } else { format!("{path}/") };
        for (child, entry) in self.entries.range(prefix.clone()..) {
            let Some(rel) = child.strip_prefix(&prefix) else { break };
            out.push((rel.to_string(), entry.clone()));
        }
        out
    }
}

/// A source path as Docker reads it: relative to its root, without `./`, `/` or a trailing `/`.
pub fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Whether `path` matches `pattern` element by element, as Go's `filepath.Match` does.
fn path_matches(pattern: &str, path: &str) -> bool {
    let (pattern, path): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len() && pattern.iter().zip(&path).all(|(p, n)| element_matches(p, n))
}

/// One path element against one pattern element: `*`, `?`, `[abc]`, `[a-z]`, `[^a]`, `\x`.
fn element_matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Matches from each pattern position against each name position, filled from the end.
    let mut memo = vec![vec![None; n.len() + 1]; p.len() + 1];
    fn go(p: &[char], n: &[char], i: usize, j: usize, memo: &mut Vec<Vec<Option<bool>>>) -> bool {
        if let Some(known) = memo[i][j] {
            return known;
        }
        let result = match p.get(i) {
            None => j == n.len(),
            Some('*') => (j..=n.len()).any(|k| go(p, n, i + 1, k, memo)),
            Some('?') => j < n.len() && go(p, n, i + 1, j + 1, memo),
            Some('[') => match (class(p, i), n.get(j)) {
                (Some((matches, next)), Some(c)) => matches(*c) && go(p, n, next, j + 1, memo),
                _ => false,
            },
            Some('\\') if i + 1 < p.len() => n.get(j) == Some(&p[i + 1]) && go(p, n, i + 2, j + 1, memo),
            Some(c) => n.get(j) == Some(c) && go(p, n, i + 1, j + 1, memo),
        };
        memo[i][j] = Some(result);
        result
    }
    go(&p, &n, 0, 0, &mut memo)
}

/// The character class starting at `p[at]` (`[`): a test for one character, and where the
/// pattern goes on after the class; `None` for a class without its `]`.
#[allow(clippy::type_complexity)]
fn class(p: &[char], at: usize) -> Option<(Box<dyn Fn(char) -> bool>, usize)> {
    let mut i = at + 1;
    let negate = matches!(p.get(i), Some('^' | '!'));
    if negate {
        i += 1;
    }
    let mut ranges = Vec::new();
    while i < p.len() && (p[i] != ']' || ranges.is_empty()) {
        let low = p[i];
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|c| *c != ']') {
            ranges.push((low, p[i + 2]));
            i += 3;
        } else {
            ranges.push((low, low));
            i += 1;
        }
    }
    if p.get(i) != Some(&']') {
        return None;
    }
    Some((Box::new(move |c| ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != negate), i + 1))
}

/// A checksum of what a `COPY` copies, Docker's way of naming it in the history: `file:` for
/// one file, `dir:` for one directory, `multi:` for several sources. It covers paths, kinds,
/// modes, owners and contents, but not times: touching a file does not change it.
pub fn checksum(selected: &Selected) -> String {
    let mut hash = Sha256::new();
    for (name, entries) in selected {
        hash.update(name.as_bytes());
        hash.update([0]);
        for (rel, entry) in entries {
            hash.update(rel.as_bytes());
            hash.update([0]);
            hash.update(entry.mode.to_le_bytes());
            hash.update(entry.uid.to_le_bytes());
            hash.update(entry.gid.to_le_bytes());
            match &entry.kind {
                EntryKind::File { data } => {
                    hash.update(b"f");
                    hash.update((data.len() as u64).to_le_bytes());
                    hash.update(&data.0);
                }
                EntryKind::Dir { .. } => hash.update(b"d"),
                EntryKind::Symlink { target } => {
                    hash.update(b"l");
                    hash.update(target.as_bytes());
                }
                EntryKind::Hardlink { target } => {
                    hash.update(b"h");
                    hash.update(target.as_bytes());
                }
                EntryKind::Whiteout => hash.update(b"w"),
            }
            hash.update([0]);
        }
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let kind = match selected.as_slice() {
        [(_, entries)] if entries.first().is_some_and(|(_, e)| e.is_dir()) => "dir",
        [_] => "file",
        _ => "multi",
    };
    format!("{kind}:{hex}")
}

/// How copied entries are owned and what mode they get.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ownership {
    pub uid: u32,
    pub gid: u32,
    /// `--chmod`: the mode every copied entry gets.
    pub mode: Option<u32>,
}

/// The layer a `COPY` of `selected` to `dest` (absolute, as written: a trailing `/` means a
/// directory) makes over `fs`, with each new path's parent directories, as Docker's layers
/// carry them.
pub fn place(fs: &UnionFs, selected: &Selected, dest: &str, owner: Ownership) -> Result<Layer, String> {
    let many = selected.len() > 1;
    if many && !dest.ends_with('/') {
        return Err(
            "When using COPY with more than one source file, the destination must be a directory and end with a /"
                .to_string(),
        );
    }
    let target = clean(dest);
    let dest_is_dir = dest.ends_with('/')
        || dest.ends_with("/.")
        || target.is_empty()
        || fs.lookup(&target).is_some_and(|(entry, _)| entry.is_dir());
    let mut layer = Layer::default();
    for (name, entries) in selected {
        let Some((_, root)) = entries.first() else { continue };
        let base = match (root.is_dir(), dest_is_dir || many) {
            // A directory's contents land in the destination, never the directory itself.
            (true, _) => target.clone(),
            (false, true) => join(&target, name.rsplit('/').next().unwrap_or(name)),
            (false, false) => target.clone(),
        };
        for (rel, entry) in entries {
            let path = join(&base, rel);
            if path.is_empty() {
                continue;
            }
            let mut entry = entry.clone().owned_by(owner.uid, owner.gid);
            if let Some(mode) = owner.mode {
                entry.mode = mode;
            }
            add_parents(&mut layer, fs, &path);
            layer.insert(&path, entry).map_err(|e| e.to_string())?;
        }
    }
    Ok(layer)
}

/// Puts `path`'s missing parent directories into `layer`: as the image has them, or new ones.
pub fn add_parents(layer: &mut Layer, fs: &UnionFs, path: &str) {
    let mut parent = String::new();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        parent = join(&parent, part);
        if layer.get(&parent).is_some() {
            continue;
        }
        let entry = match fs.lookup(&parent) {
            Some((entry, _)) if entry.is_dir() => Entry { kind: EntryKind::Dir { opaque: false }, ..entry.clone() },
            _ => Entry::dir(0o755),
        };
        let _ = layer.insert(&parent, entry);
    }
}

fn join(dir: &str, name: &str) -> String {
    match (dir.is_empty(), name.is_empty()) {
        (_, true) => dir.to_string(),
        (true, false) => name.to_string(),
        (false, false) => format!("{dir}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn context() -> Files {
        let tree = Tree {
            entries: vec![
                (String::new(), Entry::dir(0o755)),
                ("a.txt".into(), Entry::file(&b"a\n"[..], 0o644)),
                ("b.md".into(), Entry::file(&b"b\n"[..], 0o600)),
                ("sub".into(), Entry::dir(0o750)),
                ("sub/c.txt".into(), Entry::file(&b"c\n"[..], 0o644)),
            ],
        };
        Files::from_tree(&tree)
    }

    fn paths(layer: &Layer) -> Vec<String> {
        let mut paths: Vec<String> = layer.entries.keys().cloned().collect();
        paths.sort();
        paths
    }

    #[test]
    fn sources_select_paths_and_wildcards_within_one_element() {
        let files = context();
        let names = |s: &str| files.select(s).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names("./a.txt"), ["a.txt"]);
        assert_eq!(names("*.txt"), ["a.txt"], "a star does not cross a slash");
        assert_eq!(names("*/*.txt"), ["sub/c.txt"]);
        assert_eq!(names("[ab].*"), ["a.txt", "b.md"]);
        assert!(names("nosuch").is_empty());
        assert_eq!(files.select("sub")[0].1.len(), 2, "a directory brings its contents");
    }

    #[test]
    fn files_land_by_docker_rules() {
        let files = context();
        let mut image = Layer::default();
        image.insert("app", Entry::dir(0o700)).unwrap();
        let fs = UnionFs::new(vec![image]);
        let owner = Ownership::default();
        // Into an existing directory, under the file's own name, with the directory as it is.
        let layer = place(&fs, &files.select("a.txt"), "/app", owner).unwrap();
        assert_eq!(paths(&layer), ["app", "app/a.txt"]);
        assert_eq!(layer.get("app").unwrap().mode, 0o700);
        // As a new name when the destination does not exist and has no slash.
        let layer = place(&fs, &files.select("a.txt"), "/opt/renamed", owner).unwrap();
        assert_eq!(paths(&layer), ["opt", "opt/renamed"]);
        // A directory's contents, not the directory.
        let layer = place(&fs, &files.select("sub"), "/srv/", owner).unwrap();
        assert_eq!(paths(&layer), ["srv", "srv/c.txt"]);
        assert_eq!(layer.get("srv").unwrap().mode, 0o750, "the destination takes the source directory's mode");
        // Several sources need a directory with a slash.
        let err = place(&fs, &files.select("*.*"), "/many", owner).unwrap_err();
        assert!(err.starts_with("When using COPY with more than one source file"), "{err}");
        let owned = Ownership { uid: 1000, gid: 1000, mode: Some(0o600) };
        let layer = place(&fs, &files.select("*.*"), "/many/", owned).unwrap();
        assert_eq!(paths(&layer), ["many", "many/a.txt", "many/b.md"]);
        assert_eq!((layer.get("many/a.txt").unwrap().uid, layer.get("many/a.txt").unwrap().mode), (1000, 0o600));
    }

    #[test]
    fn checksums_follow_content_and_mode_but_not_time() {
        let files = context();
        let sum = checksum(&files.select("a.txt"));
        assert!(sum.starts_with("file:"), "{sum}");
        let mut touched = files.clone();
        touched.entries.get_mut("a.txt").unwrap().mtime = 42;
        assert_eq!(checksum(&touched.select("a.txt")), sum);
        let mut edited = files.clone();
        edited.entries.insert("a.txt".into(), Entry::file(&b"A\n"[..], 0o644));
        assert_ne!(checksum(&edited.select("a.txt")), sum);
        let mut chmodded = files.clone();
        chmodded.entries.get_mut("a.txt").unwrap().mode = 0o755;
        assert_ne!(checksum(&chmodded.select("a.txt")), sum);
        assert!(checksum(&files.select("sub")).starts_with("dir:"));
        assert!(checksum(&files.select("*.*")).starts_with("multi:"));
    }
}
