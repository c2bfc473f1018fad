//! Base64 (RFC 4648's standard alphabet, padded), as saved states and the page's workers carry
//! bytes: a few lines here instead of the base64 crate's engines and configurations, which the
//! page's module carried for these two calls. Decoding is as strict as that crate's standard
//! engine: padding required, no stray characters, no bits left over.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            match i <= chunk.len() {
                true => out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize])),
                false => out.push('='),
            }
        }
    }
    out
}

/// Why a text is not base64.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid base64: {0}")]
pub struct DecodeError(&'static str);

pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let text = text.as_bytes();
    if !text.len().is_multiple_of(4) {
        return Err(DecodeError("its length is not a multiple of 4"));
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for (at, quad) in text.chunks(4).enumerate() {
        let last = at + 1 == text.len() / 4;
        let padding = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return Err(DecodeError("padding in the wrong place"));
        }
        let mut n = 0u32;
        for &c in &quad[..4 - padding] {
            let value = ALPHABET.iter().position(|&a| a == c).ok_or(DecodeError("a character outside the alphabet"))?;
            n = n << 6 | value as u32;
        }
        n <<= 6 * padding;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let kept = 3 - padding;
        if bytes[kept..].iter().any(|&b| b != 0) {
            return Err(DecodeError("bits left over after the last byte"));
        }
        out.extend_from_slice(&bytes[..kept]);
    }
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use base64::Engine as _;

    use super::*;

    #[test]
    fn agrees_with_the_base64_crate() {
        let standard = base64::engine::general_purpose::STANDARD;
        let bytes: Vec<u8> = (0..=255u8).chain((0..300).map(|i| (i * 7 % 251) as u8)).collect();
        for len in 0..bytes.len() {
            let encoded = encode(&bytes[..len]);
            assert_eq!(encoded, standard.encode(&bytes[..len]), "{len} bytes");
            assert_eq!(decode(&encoded).as_deref(), Ok(&bytes[..len]), "{len} bytes");
        }
        for bad in ["A", "AB", "ABC", "A===", "AB=C", "AB==AB==", "AB!=", "AB=", "AR==", "ABD=", "QUJD\n"] {
            assert!(decode(bad).is_err(), "{bad:?} decoded");
            assert!(standard.decode(bad).is_err(), "{bad:?} decoded by the crate");
        }
    }
}
