//! Gzip members (RFC 1952) over miniz_oxide's deflate, for registry blobs.
//!
//! flate2 did this before, but its CRC-32 (crc32fast) brings a 16 KiB table that no compressor
//! can shrink, the largest single cost of gzip in the page's module; the byte-at-a-time table
//! here is 1 KiB and fast enough beside deflate itself. The bytes written are flate2's, so a
//! layer's blob and its digest stay what they were.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// flate2's `Compression::default()`, zlib's level 6.
const LEVEL: u8 = 6;

const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;

/// One gzip member of `data`: no name, no time, and 255 ("unknown") as the operating system,
/// as flate2's `GzBuilder` writes it, so the same bytes always give the same member.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend(compress_to_vec(data, LEVEL));
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// The first gzip member of `blob`, checked against its CRC-32 and length; `None` when it is
/// not gzip, is damaged, or would inflate past `limit` bytes.
pub fn decompress_limited(blob: &[u8], limit: usize) -> Option<Vec<u8>> {
    let body = blob.get(header_len(blob)?..)?;
    let mut inflater = Box::<DecompressorOxide>::default();
    // Room for one byte past the limit tells a member of exactly `limit` bytes from a longer one.
    let room = limit.saturating_add(1);
    let mut out = vec![0; body.len().saturating_mul(2).clamp(64, room.max(64))];
    let (mut read, mut written) = (0, 0);
    // The whole output is one buffer, so back references always find their bytes.
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    loop {
        let (status, consumed, produced) = decompress(&mut inflater, body.get(read..)?, &mut out, written, flags);
        read += consumed;
        written += produced;
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput if out.len() < room => out.resize(out.len().saturating_mul(2).min(room), 0),
            _ => return None,
        }
    }
    if written > limit {
        return None;
    }
    out.truncate(written);
    let trailer = body.get(read..read + 8)?;
    let (crc, size) = trailer.split_at(4);
    let matches = crc == crc32(&out).to_le_bytes() && size == (out.len() as u32).to_le_bytes();
    matches.then_some(out)
}

/// The length of the member's header, which may carry extra fields, a name, a comment and a
/// CRC of its own.
fn header_len(blob: &[u8]) -> Option<usize> {
    let [0x1f, 0x8b, 8, flags, ..] = *blob.get(..10)? else { return None };
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let len = blob.get(at..at + 2)?;
        at += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            at += blob.get(at..)?.iter().position(|&b| b == 0)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    Some(at)
}

/// The CRC-32 of gzip (and zip, and PNG): polynomial 0xEDB88320, reflected.
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &byte| TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8))
}

const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut crc = n as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
            bit += 1;
        }
        table[n] = crc;
        n += 1;
    }
    table
};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    fn flate2_gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// Text that repeats and bytes that do not, from a few bytes to past deflate's 32 KiB window
    /// and its block sizes.
    fn samples() -> Vec<Vec<u8>> {
        let mut noise = Vec::new();
        let mut x = 0x2545_f491u32;
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.push((x >> 24) as u8);
        }
        let text = "docker run --rm hello-world\n".repeat(20_000).into_bytes();
        let mixed: Vec<u8> = text.iter().zip(&noise).map(|(t, n)| if n % 7 == 0 { *n } else { *t }).collect();
        vec![Vec::new(), b"a".to_vec(), text, noise, mixed]
    }

    #[test]
    fn writes_the_bytes_flate2_wrote() {
        for data in samples() {
            assert_eq!(compress(&data), flate2_gzip(&data), "{} bytes", data.len());
        }
    }

    #[test]
    fn reads_what_flate2_writes_and_with_header_fields() {
        for data in samples() {
            assert_eq!(decompress_limited(&flate2_gzip(&data), 1 << 30).as_deref(), Some(&data[..]));
        }
        let data = b"hello, layers".repeat(100);
        let mut encoder = flate2::GzBuilder::new()
            .filename("layer.tar")
            .comment("a comment")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), flate2::Compression::best());
        encoder.write_all(&data).unwrap();
        let mut blob = encoder.finish().unwrap();
        assert_eq!(decompress_limited(&blob, 1 << 20), Some(data.clone()));
        // What follows the member is not read, as flate2's `GzDecoder` leaves it.
        blob.extend(b"trailing");
        assert_eq!(decompress_limited(&blob, 1 << 20), Some(data.clone()));
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&compress(&data)[..]).read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn refuses_damage_and_what_inflates_past_the_limit() {
        let data = b"0123456789".repeat(1000);
        let blob = compress(&data);
        assert_eq!(decompress_limited(&blob, data.len()), Some(data.clone()));
        assert_eq!(decompress_limited(&blob, data.len() - 1), None);
        for at in [0, 2, blob.len() - 8, blob.len() - 1] {
            let mut bad = blob.clone();
            bad[at] ^= 0x40;
            assert_eq!(decompress_limited(&bad, 1 << 20), None, "byte {at} changed");
        }
        for len in 0..blob.len() {
            assert_eq!(decompress_limited(&blob[..len], 1 << 20), None, "cut at {len}");
        }
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
