//! `COPY` and `ADD` as build steps: where the sources come from (the context, another stage,
//! an image), who owns what lands, and `ADD`'s unpacking of local archives.

use super::{absolute, context, created_by, fail, scratch_config, Build, Failure, Files, Stage};
use crate::dockerfile;
use crate::fs::UnionFs;
use crate::layer::{Entry, Layer};
use crate::{Engine, Reply};

impl Engine {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn copy_step(
        &mut self,
        build: &mut Build,
        instruction: &str,
        sources: &[String],
        dest: &str,
        from: Option<&str>,
        chown: Option<String>,
        chmod: Option<String>,
        heredocs: &[dockerfile::Heredoc],
        out: &mut Reply,
    ) -> Result<(String, Layer), Failure> {
        let stage = build.stage.clone().ok_or_else(|| fail("no build stage"))?;
        let fs = self.stage_fs(&stage)?;
        let files = match from {
            None => build.files.clone(),
            Some(from) => {
                // Stage names are case-insensitive; the parser keeps them in lower case.
                let from = from.to_ascii_lowercase();
                let from = from.as_str();
                let by_index = from.parse::<usize>().ok().and_then(|i| build.stages.get(i));
                let by_name = build.stages.iter().rev().find(|(alias, _)| alias.as_deref() == Some(from));
                let image = match by_index.or(by_name) {
                    Some((_, id)) => *id,
                    None => Some(self.image_or_pull(from, build, out)?.id),
                };
                let source = Stage {
                    alias: None,
                    image,
                    base: image,
                    config: scratch_config(),
                    args: Vec::new(),
                    cmd_set: false,
                };
                Files::from_fs(&self.stage_fs(&source)?)
            }
        };
        // A here-document is a file of its own, named after its delimiter.
        let mut selected: context::Selected = heredocs
            .iter()
            .map(|h| (h.name.clone(), vec![(String::new(), Entry::file(h.text().into_bytes(), 0o644))]))
            .collect();
        for source in sources {
            let found = files.select(source);
            if found.is_empty() {
                let what =
                    if from.is_some() { "" } else { "file not found in build context or excluded by .dockerignore: " };
                return Err(fail(format!(
                    "{instruction} failed: {what}stat {}: file does not exist",
                    context::clean(source)
                )));
            }
            selected.extend(found);
        }
        if instruction == "ADD" {
            selected = selected.into_iter().map(unpack).collect();
        }
        let owner = self.ownership(&fs, chown.as_deref(), chmod.as_deref())?;
        let target = absolute(&stage.config.config.working_dir, dest);
        let target = if dest.ends_with('/') && !target.ends_with('/') { format!("{target}/") } else { target };
        let layer = context::place(&fs, &selected, &target, owner).map_err(fail)?;
        let checksum = context::checksum(&selected);
        Ok((created_by::copy(instruction, &checksum, dest), layer))
    }

    /// `--chown` and `--chmod` as numbers, names looked up in the image's `/etc/passwd` and
    /// `/etc/group`, as Docker does.
    fn ownership(&self, fs: &UnionFs, chown: Option<&str>, chmod: Option<&str>) -> Result<context::Ownership, Failure> {
        let mut owner = context::Ownership::default();
        if let Some(chown) = chown {
            let (user, group) = chown.split_once(':').unwrap_or((chown, chown));
            let find = |file: &str, name: &str| -> Option<u32> {
                if let Ok(n) = name.parse() {
                    return Some(n);
                }
                let text = match fs.lookup(file).map(|(e, _)| &e.kind) {
                    Some(crate::layer::EntryKind::File { data }) => String::from_utf8_lossy(&data.0).into_owned(),
                    _ => return None,
                };
                text.lines().find_map(|line| {
                    let fields: Vec<&str> = line.split(':').collect();
                    (fields.first() == Some(&name)).then(|| fields.get(2)?.parse().ok()).flatten()
                })
            };
            let missing = |what: &str, name: &str| {
                fail(format!("unable to convert uid/gid chown string to host mapping: can't find {what} for {what} name {name}: no such {what}"))
            };
            owner.uid = find("etc/passwd", user).ok_or_else(|| missing("uid", user))?;
            owner.gid = if chown.contains(':') {
                find("etc/group", group).ok_or_else(|| missing("gid", group))?
            } else {
                owner.uid
            };
        }
        if let Some(chmod) = chmod {
            owner.mode =
                Some(u32::from_str_radix(chmod, 8).map_err(|_| fail(format!("invalid chmod parameter: {chmod}")))?);
        }
        Ok(owner)
    }
}

/// `ADD` unpacks a local tar archive (gzip-compressed or not) into the destination, where `COPY`
/// would copy the file; anything else it copies as `COPY` does.
fn unpack(source: (String, Vec<(String, Entry)>)) -> (String, Vec<(String, Entry)>) {
    let archive = match source.1.as_slice() {
        [(_, Entry { kind: crate::layer::EntryKind::File { data }, .. })] => {
            let bytes = match data.0.starts_with(&[0x1f, 0x8b]) {
                true => crate::registry::decompress(&data.0),
                false => Some(data.0.to_vec()),
            };
            bytes.and_then(|b| Layer::from_tar(&b).ok()).filter(|layer| !layer.entries.is_empty())
        }
        _ => None,
    };
    match archive {
        Some(layer) => {
            let mut entries = vec![(String::new(), Entry::dir(0o755))];
            entries.extend(layer.entries);
            (source.0, entries)
        }
        None => source,
    }
}
