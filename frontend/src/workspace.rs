//! The build context the learner edits in the page: a few text files, a `Dockerfile` among them.
//!
//! A page cannot read the learner's disk without asking every time, so `docker build .` reads
//! this workspace instead of a chosen folder whenever it holds a Dockerfile: the learner edits in
//! the Dockerfile tab and builds, as on a computer with an editor beside the terminal. The files
//! live in `localStorage`, so a reload keeps them. Everything here but [`load`] and [`save`] is
//! plain data, so the rules (which names are allowed, what the engine receives) run in native
//! tests.

use std::collections::BTreeMap;

use dockyard_engine::copy::Tree;
use dockyard_engine::layer::{Entry, Layer};
use serde::{Deserialize, Serialize};

/// One file of the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct File {
    pub text: String,
    /// When it last changed, in milliseconds since the epoch, as a disk would keep it.
    #[serde(default)]
    pub modified: f64,
}

/// The learner's build context, and what the Dockerfile tab last showed of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Files by their path inside the context (`Dockerfile`, `site/index.html`).
    pub files: BTreeMap<String, File>,
    /// The file open in the editor.
    #[serde(default)]
    pub open: String,
    /// The tag the Build button gives the image.
    #[serde(default = "default_tag")]
    pub tag: String,
}

fn default_tag() -> String {
    "myapp".to_string()
}

/// No files: a build of `.` then asks for a folder, as before there was a workspace.
impl Default for Workspace {
    fn default() -> Self {
        Workspace { files: BTreeMap::new(), open: String::new(), tag: default_tag() }
    }
}

/// The Dockerfile a first visit starts with: short, buildable on the built-in toolbox, and
/// free of hints, so the first hint a learner sees is one their own edit caused.
pub const SAMPLE_DOCKERFILE: &str = "\
# The toolbox's shell and tools, with a web page added.
FROM toolbox:1
WORKDIR /site
COPY index.html .
RUN wc -c index.html > size.txt
# Its processes run as an ordinary user, not as root.
USER 1000
CMD [\"cat\", \"index.html\"]
";

/// The page the sample Dockerfile copies into the image.
pub const SAMPLE_PAGE: &str = "\
<!doctype html>
<title>My app</title>
<h1>Hello from my image!</h1>
";

/// Names Docker looks for as a Dockerfile: `Dockerfile` itself, and the `NAME.Dockerfile` and
/// `Dockerfile.NAME` variants editors recognise, which `docker build -f` takes.
pub fn is_dockerfile(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile" || lower.ends_with(".dockerfile") || lower.starts_with("dockerfile.")
}

/// The most files a workspace holds: it is for typing a few files, not for a project.
pub const MAX_FILES: usize = 200;

impl Workspace {
    /// The sample: a Dockerfile and the page it copies, the Dockerfile open.
    pub fn sample(now_ms: f64) -> Workspace {
        let file = |text: &str| File { text: text.to_string(), modified: now_ms };
        let files = BTreeMap::from([
            ("Dockerfile".to_string(), file(SAMPLE_DOCKERFILE)),
            ("index.html".to_string(), file(SAMPLE_PAGE)),
        ]);
        Workspace { files, open: "Dockerfile".to_string(), tag: default_tag() }
    }

    /// Whether `docker build .` reads this workspace: it has a Dockerfile to build.
    pub fn has_dockerfile(&self) -> bool {
        self.files.keys().any(|path| is_dockerfile(path))
    }

    /// The open file's path, or the first file's when the open one is gone.
    pub fn open_path(&self) -> Option<&str> {
        match self.files.get_key_value(&self.open) {
            Some((path, _)) => Some(path),
            None => self.files.keys().next().map(String::as_str),
        }
    }

    /// Replaces a file's text, noting the time.
    pub fn edit(&mut self, path: &str, text: String, now_ms: f64) {
        if let Some(file) = self.files.get_mut(path) {
            if file.text != text {
                file.text = text;
                file.modified = now_ms;
            }
        }
    }

    /// Puts a file with `text` at `path`, replacing what was there, and opens it: a lesson's
    /// `file` block placed in the tab. The cleaned path, or why the name will not do.
    pub fn put(&mut self, path: &str, text: &str, now_ms: f64) -> Result<String, String> {
        let path = clean_path(path)?;
        if !self.files.contains_key(&path) && self.files.len() >= MAX_FILES {
            return Err(format!("a workspace holds at most {MAX_FILES} files"));
        }
        self.files.insert(path.clone(), File { text: text.to_string(), modified: now_ms });
        self.open = path.clone();
        Ok(path)
    }

    /// Adds an empty file and opens it; the cleaned path, or why the name will not do.
    pub fn add(&mut self, name: &str, now_ms: f64) -> Result<String, String> {
        if self.files.len() >= MAX_FILES {
            return Err(format!("a workspace holds at most {MAX_FILES} files"));
        }
        let path = self.check_new(name, None)?;
        self.files.insert(path.clone(), File { text: String::new(), modified: now_ms });
        self.open = path.clone();
        Ok(path)
    }

    /// Renames `from` to `to`, keeping it open if it was; the cleaned new path, or why not.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<String, String> {
        let path = self.check_new(to, Some(from))?;
        let file = self.files.remove(from).ok_or_else(|| format!("{from} is not in the workspace"))?;
        self.files.insert(path.clone(), file);
        if self.open == from {
            self.open = path.clone();
        }
        Ok(path)
    }

    /// Deletes a file; the one opened next is its neighbour in the list.
    pub fn delete(&mut self, path: &str) {
        if self.files.remove(path).is_some() && self.open == path {
            let next = self.files.range(path.to_string()..).next().or_else(|| self.files.iter().next_back());
            self.open = next.map(|(p, _)| p.clone()).unwrap_or_default();
        }
    }

    /// A name for a new or renamed file (`renaming` is the file being renamed), cleaned of a
    /// leading `./`, or why it cannot be one.
    fn check_new(&self, name: &str, renaming: Option<&str>) -> Result<String, String> {
        let path = clean_path(name)?;
        for existing in self.files.keys().filter(|p| Some(p.as_str()) != renaming) {
            if *existing == path {
                return Err(format!("{path} already exists"));
            }
            // A path cannot be a file and a folder at once, in a workspace as on a disk.
            if existing.starts_with(&format!("{path}/")) {
                return Err(format!("{path} is a folder: it holds {existing}"));
            }
            if path.starts_with(&format!("{existing}/")) {
                return Err(format!("{existing} is a file, so it cannot hold {path}"));
            }
        }
        Ok(path)
    }

    /// Whether a compose file is among the files, at the top, under a name Compose looks for.
    pub fn has_compose_file(&self) -> bool {
        ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]
            .iter()
            .any(|name| self.files.contains_key(*name))
    }

    /// The folder `docker build` (its context) or `docker compose` (its project) asked for as
    /// `path`, when it is this workspace: `.` (or `./`) while the workspace has a Dockerfile or a
    /// compose file. Any other path is the learner's disk.
    pub fn context(&self, path: &str) -> Option<Tree> {
        let ours = self.has_dockerfile() || self.has_compose_file();
        (matches!(path, "." | "./") && ours).then(|| self.to_tree())
    }

    /// The workspace as a build context: the folder itself, each file's folders, and the files,
    /// readable by all as a checkout leaves them, with their times.
    pub fn to_tree(&self) -> Tree {
        let newest = self.files.values().map(|f| f.modified).fold(0.0, f64::max);
        let folder = || Entry { mtime: ms_to_ns(newest), ..Entry::dir(0o755) };
        let mut layer = Layer::default();
        for (path, file) in &self.files {
            let mut entry = Entry::file(file.text.as_bytes().to_vec(), 0o644);
            entry.mtime = ms_to_ns(file.modified);
            // Paths were checked when the files were named; one that still fails is left out
            // rather than failing the whole build.
            let _ = layer.insert(path, entry);
        }
        let mut entries = vec![(String::new(), folder())];
        entries.extend(layer.entries.into_iter().map(|(path, entry)| match entry.is_dir() {
            true => (path, folder()),
            false => (path, entry),
        }));
        Tree { entries }
    }
}

fn ms_to_ns(ms: f64) -> u64 {
    (ms.max(0.0) as u64).saturating_mul(1_000_000)
}

/// A file name as the learner typed it, made a clean relative path (`./a//b` is `a/b`), or why it
/// cannot be one: the context is a folder, so nothing may point outside it.
pub fn clean_path(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a file needs a name".to_string());
    }
    if name.starts_with('/') {
        return Err(format!(
            "{name} is absolute: name a file inside the context, such as app/{}",
            name.trim_start_matches('/')
        ));
    }
    if name.chars().any(char::is_control) || name.contains('\\') {
        return Err(format!("{name:?} has a character file names should not have"));
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(format!("{name} points outside the context, which docker build cannot read")),
            part => parts.push(part),
        }
    }
    if parts.is_empty() || name.ends_with('/') {
        return Err(format!("{name} is a folder: name a file in it"));
    }
    let path = parts.join("/");
    if path.len() > 255 {
        return Err("that name is too long".to_string());
    }
    Ok(path)
}

/// Where the workspace lives in `localStorage`.
const STORAGE_KEY: &str = "dockyard.workspace";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The workspace the learner left, or the sample on a first visit (or when what was kept cannot
/// be read, which is then overwritten at the next edit).
pub fn load() -> Workspace {
    let now = js_sys::Date::now();
    let kept = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    kept.and_then(|json| serde_json::from_str::<Workspace>(&json).ok()).unwrap_or_else(|| Workspace::sample(now))
}

/// Keeps the workspace for the next visit; why not, when the browser refuses.
pub fn save(workspace: &Workspace) -> Result<(), String> {
    let json = serde_json::to_string(workspace).map_err(|e| e.to_string())?;
    let storage = storage().ok_or("this browser keeps nothing for the page")?;
    storage.set_item(STORAGE_KEY, &json).map_err(|_| "the browser's storage for this page is full".to_string())
}

#[cfg(test)]
mod tests {
    use dockyard_engine::layer::EntryKind;

    use super::*;

    fn text_of(tree: &Tree, path: &str) -> Option<String> {
        tree.entries.iter().find(|(p, _)| p == path).and_then(|(_, e)| match &e.kind {
            EntryKind::File { data } => Some(String::from_utf8_lossy(&data.0).into_owned()),
            _ => None,
        })
    }

    #[test]
    fn the_tree_is_the_folder_then_its_folders_and_files() {
        let mut ws = Workspace::sample(1_000.0);
        ws.add("site/css/main.css", 2_000.0).unwrap();
        ws.edit("site/css/main.css", "h1 { color: navy }\n".into(), 3_000.0);
        let tree = ws.to_tree();
        let paths: Vec<&str> = tree.entries.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["", "Dockerfile", "index.html", "site", "site/css", "site/css/main.css"]);
        assert!(tree.root().is_some_and(Entry::is_dir));
        assert_eq!(text_of(&tree, "Dockerfile").as_deref(), Some(SAMPLE_DOCKERFILE));
        assert_eq!(text_of(&tree, "site/css/main.css").as_deref(), Some("h1 { color: navy }\n"));
        let css = &tree.entries[5].1;
        assert_eq!((css.mode, css.mtime), (0o644, 3_000_000_000));
        assert!(tree.entries[3].1.is_dir());
        assert_eq!(tree.entries[3].1.mode, 0o755);
    }

    #[test]
    fn a_lessons_file_replaces_or_adds_and_opens() {
        let mut ws = Workspace::sample(0.0);
        assert_eq!(ws.put("Dockerfile", "FROM toolbox:1\n", 5.0), Ok("Dockerfile".to_string()));
        assert_eq!(ws.put("./app/menu.sh", "echo hi\n", 6.0), Ok("app/menu.sh".to_string()));
        assert_eq!(ws.open, "app/menu.sh");
        assert_eq!(ws.files["Dockerfile"].text, "FROM toolbox:1\n");
        assert_eq!(ws.files.len(), 3);
        assert!(ws.put("/etc/passwd", "x", 7.0).is_err());
    }

    #[test]
    fn only_dot_is_the_workspace_and_only_with_a_dockerfile() {
        let mut ws = Workspace::sample(0.0);
        assert!(ws.context(".").is_some());
        assert!(ws.context("./").is_some());
        assert!(ws.context("site").is_none());
        assert!(ws.context("/home/me/app").is_none());
        ws.rename("Dockerfile", "web.Dockerfile").unwrap();
        assert!(ws.context(".").is_some(), "docker build -f web.Dockerfile . reads the workspace");
        ws.delete("web.Dockerfile");
        assert!(ws.context(".").is_none(), "without a Dockerfile, . is a folder on the disk");
        ws.files.insert("compose.yaml".into(), File { text: "services: {}\n".into(), modified: 0.0 });
        assert!(ws.context(".").is_some(), "docker compose reads the workspace that holds its file");
    }

    #[test]
    fn names_stay_inside_the_context_and_never_collide() {
        assert_eq!(clean_path(" ./app//main.py ").as_deref(), Ok("app/main.py"));
        assert!(clean_path("").is_err());
        assert!(clean_path("/etc/passwd").is_err());
        assert!(clean_path("../secret").is_err());
        assert!(clean_path("app/").is_err());
        assert!(clean_path("a\nb").is_err());
        let mut ws = Workspace::sample(0.0);
        assert!(ws.add("index.html", 0.0).is_err());
        assert!(ws.add("index.html/x", 0.0).is_err());
        ws.add("app/main.py", 0.0).unwrap();
        assert!(ws.add("app", 0.0).is_err());
        assert_eq!(ws.open, "app/main.py");
        assert!(ws.rename("index.html", "Dockerfile").is_err());
        assert_eq!(ws.rename("index.html", "./page.html").as_deref(), Ok("page.html"));
        assert_eq!(ws.rename("app/main.py", "app/server.py").as_deref(), Ok("app/server.py"));
        assert_eq!(ws.open, "app/server.py");
    }

    #[test]
    fn deleting_the_open_file_opens_its_neighbour() {
        let mut ws = Workspace::sample(0.0);
        ws.delete("Dockerfile");
        assert_eq!(ws.open, "index.html");
        ws.delete("index.html");
        assert_eq!(ws.open, "");
        assert_eq!(ws.open_path(), None);
    }

    #[test]
    fn what_was_kept_reads_back_and_old_keeps_get_defaults() {
        let ws = Workspace::sample(5.0);
        let json = serde_json::to_string(&ws).unwrap();
        assert_eq!(serde_json::from_str::<Workspace>(&json).unwrap(), ws);
        let old: Workspace = serde_json::from_str(r#"{"files":{"Dockerfile":{"text":"FROM toolbox\n"}}}"#).unwrap();
        assert_eq!(old.tag, "myapp");
        assert_eq!(old.open_path(), Some("Dockerfile"));
    }

    #[test]
    fn the_sample_has_nothing_to_hint() {
        let file = dockyard_engine::dockerfile::parse(SAMPLE_DOCKERFILE).unwrap();
        assert_eq!(crate::session::new_engine().hints(&file), []);
    }

    #[test]
    fn dockerfiles_are_known_by_their_names() {
        for name in ["Dockerfile", "dockerfile", "web.Dockerfile", "Dockerfile.dev", "build/Dockerfile"] {
            assert!(is_dockerfile(name), "{name}");
        }
        for name in ["index.html", "Dockerfiles.md", "dockerfile-notes"] {
            assert!(!is_dockerfile(name), "{name}");
        }
    }
}
