//! Reading tar archives, as `docker save` and image layers write them: ustar and GNU headers,
//! PAX extended headers, GNU long names. Malformed input is an error, never a panic.

use std::collections::BTreeMap;

/// What an entry of a tar archive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TarKind {
    File,
    Hardlink,
    Symlink,
    Dir,
    /// Devices and FIFOs, which containers here cannot use; kept so callers can say so.
    Special,
}

/// One entry of an archive, with its metadata and, for files, its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TarEntry {
    pub path: String,
    pub kind: TarKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Modification time, in whole seconds since the Unix epoch.
    pub mtime: u64,
    pub link: String,
    pub data: Vec<u8>,
}

/// Why an archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TarError {
    #[error("archive/tar: invalid tar header")]
    Header,
    #[error("archive/tar: invalid tar header checksum at offset {0}")]
    Checksum(usize),
    #[error("unexpected EOF")]
    Truncated,
    #[error("archive/tar: invalid PAX record")]
    Pax,
    #[error("archive/tar: header field too long")]
    TooLarge,
}

const BLOCK: usize = 512;
/// The largest single entry read into memory; a layer file beyond this is refused rather than
/// letting a hostile archive exhaust the page's memory.
pub const MAX_ENTRY: u64 = 1 << 30;

/// Reads every entry of `bytes`.
pub fn read(bytes: &[u8]) -> Result<Vec<TarEntry>, TarError> {
    let mut entries = Vec::new();
    let mut at = 0;
    let mut pax: BTreeMap<String, String> = BTreeMap::new();
    let mut long_name: Option<String> = None;
    let mut long_link: Option<String> = None;
    loop {
        let header = bytes.get(at..at + BLOCK).ok_or(TarError::Truncated)?;
        if header.iter().all(|b| *b == 0) {
            // One zero block ends the archive (two are customary; some writers stop at one).
            return Ok(entries);
        }
        verify_checksum(header, at)?;
        let size = number(&header[124..136])?;
        if size > MAX_ENTRY {
            return Err(TarError::TooLarge);
        }
        let data_start = at + BLOCK;
        let data_end = data_start.checked_add(size as usize).ok_or(TarError::TooLarge)?;
        let data = bytes.get(data_start..data_end).ok_or(TarError::Truncated)?;
        at = data_start + (size as usize).div_ceil(BLOCK) * BLOCK;
        let typeflag = header[156];
        match typeflag {
            b'x' => {
                pax = parse_pax(data)?;
                continue;
            }
            b'g' => continue,
            b'L' => {
                long_name = Some(c_string(data));
                continue;
            }
            b'K' => {
                long_link = Some(c_string(data));
                continue;
            }
            _ => {}
        }
        let mut path = c_string(&header[0..100]);
        if &header[257..262] == b"ustar" && header[263..265] == *b"00" {
            let prefix = c_string(&header[345..500]);
            if !prefix.is_empty() {
                path = format!("{prefix}/{path}");
            }
        }
        let mut link = c_string(&header[157..257]);
        let mut uid = number(&header[108..116])?;
        let mut gid = number(&header[116..124])?;
        let mut mtime = number(&header[136..148])?;
        if let Some(name) = long_name.take() {
            path = name;
        }
        if let Some(name) = long_link.take() {
            link = name;
        }
        for (key, value) in std::mem::take(&mut pax) {
            match key.as_str() {
                "path" => path = value,
                "linkpath" => link = value,
                "uid" => uid = value.parse().map_err(|_| TarError::Pax)?,
                "gid" => gid = value.parse().map_err(|_| TarError::Pax)?,
                // PAX times may carry a fraction; a layer keeps whole seconds, as ustar does.
                "mtime" => mtime = value.split('.').next().unwrap_or("").parse().map_err(|_| TarError::Pax)?,
                _ => {}
            }
        }
        let kind = match typeflag {
            b'0' | 0 | b'7' => TarKind::File,
            b'1' => TarKind::Hardlink,
            b'2' => TarKind::Symlink,
            b'5' => TarKind::Dir,
            b'3' | b'4' | b'6' => TarKind::Special,
            _ => return Err(TarError::Header),
        };
        let mode = u32::try_from(number(&header[100..108])? & 0o7777).map_err(|_| TarError::Header)?;
        entries.push(TarEntry {
            path,
            kind,
            mode,
            uid: u32::try_from(uid).map_err(|_| TarError::TooLarge)?,
            gid: u32::try_from(gid).map_err(|_| TarError::TooLarge)?,
            mtime,
            link,
            data: if kind == TarKind::File { data.to_vec() } else { Vec::new() },
        });
    }
}

fn verify_checksum(header: &[u8], at: usize) -> Result<(), TarError> {
    let stored = number(&header[148..156]).map_err(|_| TarError::Checksum(at))?;
    let sum: u64 =
        header.iter().enumerate().map(|(i, b)| if (148..156).contains(&i) { 32 } else { u64::from(*b) }).sum();
    if stored == sum {
        Ok(())
    } else {
        Err(TarError::Checksum(at))
    }
}

/// An octal field (NUL- or space-terminated), or GNU's base-256 form for large values.
fn number(field: &[u8]) -> Result<u64, TarError> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut value: u64 = u64::from(field[0] & 0x7f);
        for b in &field[1..] {
            value = value.checked_mul(256).and_then(|v| v.checked_add(u64::from(*b))).ok_or(TarError::TooLarge)?;
        }
        return Ok(value);
    }
    let text: String = field.iter().take_while(|b| **b != 0).map(|b| *b as char).collect();
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, 8).map_err(|_| TarError::Header)
}

fn c_string(field: &[u8]) -> String {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// PAX records: `LEN KEY=VALUE\n`, where LEN counts the whole record.
fn parse_pax(data: &[u8]) -> Result<BTreeMap<String, String>, TarError> {
    let mut out = BTreeMap::new();
    let mut rest = data;
    while !rest.is_empty() && rest[0] != 0 {
        let space = rest.iter().position(|b| *b == b' ').ok_or(TarError::Pax)?;
        let len: usize = std::str::from_utf8(&rest[..space]).ok().and_then(|s| s.parse().ok()).ok_or(TarError::Pax)?;
        if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(TarError::Pax);
        }
        let record = std::str::from_utf8(&rest[space + 1..len - 1]).map_err(|_| TarError::Pax)?;
        let (key, value) = record.split_once('=').ok_or(TarError::Pax)?;
        out.insert(key.to_string(), value.to_string());
        rest = &rest[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{Entry, Layer};
    use crate::{Entropy, Seeded};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn reads_back_what_layers_write() {
        let mut layer = Layer::default();
        layer.insert("usr/bin/tool", Entry::file(&b"#!bin"[..], 0o755).owned_by(1000, 100)).unwrap();
        layer.insert("usr/bin/alias", Entry::symlink("tool")).unwrap();
        layer.insert("usr/bin/hard", Entry::hardlink("usr/bin/tool")).unwrap();
        let entries = read(&layer.to_tar().unwrap()).unwrap();
        let summary: Vec<(&str, TarKind)> = entries.iter().map(|e| (e.path.as_str(), e.kind)).collect();
        assert_eq!(
            summary,
            [
                ("usr/", TarKind::Dir),
                ("usr/bin/", TarKind::Dir),
                ("usr/bin/alias", TarKind::Symlink),
                ("usr/bin/hard", TarKind::Hardlink),
                ("usr/bin/tool", TarKind::File)
            ]
        );
        let tool = &entries[4];
        assert_eq!((tool.mode, tool.uid, tool.gid, tool.data.as_slice()), (0o755, 1000, 100, &b"#!bin"[..]));
        assert_eq!(entries[2].link, "tool");
    }

    #[test]
    fn pax_records_override_the_header() {
        let long = format!("{}/file", "d".repeat(200));
        let record = format!("path={long}\n");
        let len = record.len() + 4; // "NNN " with a three-digit length
        let pax = format!("{len} {record}");
        assert_eq!(pax.len(), len);
        let mut archive = header("PaxHeaders/x", b'x', pax.len());
        archive.extend_from_slice(pax.as_bytes());
        archive.resize(archive.len().div_ceil(512) * 512, 0);
        archive.extend(header("short", b'0', 0));
        archive.resize(archive.len() + 1024, 0);
        let entries = read(&archive).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].path, long);
    }

    /// A minimal valid header for tests.
    fn header(name: &str, typeflag: u8, size: usize) -> Vec<u8> {
        let mut h = vec![0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..107].copy_from_slice(b"0000644");
        h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
        h[156] = typeflag;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        h
    }

    #[test]
    fn corrupt_archives_are_errors() {
        let mut good = Layer::default();
        good.insert("f", Entry::file(&b"data"[..], 0o644)).unwrap();
        let tar = good.to_tar().unwrap();
        let mut bad_sum = tar.clone();
        bad_sum[0] ^= 1;
        assert_eq!(read(&bad_sum), Err(TarError::Checksum(0)));
        assert_eq!(read(&tar[..600]), Err(TarError::Truncated));
        assert_eq!(read(&[]), Err(TarError::Truncated));
    }

    #[test]
    fn random_bytes_and_mutations_never_panic() {
        let mut good = Layer::default();
        good.insert("a/b", Entry::file(&b"hello"[..], 0o644)).unwrap();
        good.insert("a/l", Entry::symlink("b")).unwrap();
        let tar = good.to_tar().unwrap();
        let mut rng = Seeded::new(5);
        for _ in 0..20_000 {
            let mut mutated = tar.clone();
            let mut b = [0u8; 4];
            rng.fill(&mut b);
            let at = usize::from(u16::from_le_bytes([b[0], b[1]])) % mutated.len();
            mutated[at] = b[2];
            // Mostly keep the checksum right, so the mutation reaches the code past it.
            let block = at / 512 * 512;
            if b[3] % 3 != 0 && block + 512 <= mutated.len() {
                let h = &mut mutated[block..block + 512];
                h[148..156].fill(b' ');
                let sum: u32 = h.iter().map(|x| u32::from(*x)).sum();
                h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
            }
            if b[3] % 4 == 0 {
                mutated.truncate(at);
            }
            let _ = read(&mutated);
        }
        for len in [0, 1, 511, 512, 513, 1024, 4096] {
            let mut noise = vec![0u8; len];
            rng.fill(&mut noise);
            let _ = read(&noise);
        }
    }
}
