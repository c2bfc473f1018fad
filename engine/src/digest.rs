//! Content-addressed identifiers: `Digest` and the typed ids the image spec builds from it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};

/// Why a string is not a digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("invalid checksum digest format")]
    Format,
    #[error("unsupported digest algorithm")]
    Algorithm,
    #[error("invalid checksum digest length")]
    Length,
}

/// A sha256 digest, written as Docker writes it: `sha256:` and 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The sha256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Digest(Sha256::digest(bytes).into())
    }

    /// The digest of a list of digests joined as the image spec joins them for a ChainID.
    fn of_text(text: &str) -> Self {
        Self::of(text.as_bytes())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Digest(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 hex digits without the algorithm.
    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    /// The first 12 hex digits, as Docker shows ids in tables.
    pub fn short(&self) -> String {
        self.hex()[..12].to_string()
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (algorithm, hex) = s.split_once(':').ok_or(DigestError::Format)?;
        if algorithm != "sha256" {
            return Err(DigestError::Algorithm);
        }
        if hex.len() != 64 {
            return Err(DigestError::Length);
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
            let high = hex_value(pair[0]).ok_or(DigestError::Format)?;
            let low = hex_value(pair[1]).ok_or(DigestError::Format)?;
            out[i] = high << 4 | low;
        }
        Ok(Digest(out))
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Declares a newtype over `Digest` for one of the image spec's roles, so the roles cannot be mixed up.
macro_rules! typed_digest {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Digest);

        impl $name {
            pub fn digest(&self) -> Digest {
                self.0
            }

            pub fn short(&self) -> String {
                self.0.short()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

typed_digest!(
    /// The digest of a layer's uncompressed tar: what `rootfs.diff_ids` lists.
    DiffId
);
typed_digest!(
    /// The identity of a layer together with every layer below it.
    ChainId
);
typed_digest!(
    /// An image's id: the digest of its config JSON.
    ImageId
);

impl ChainId {
    /// The ChainIDs of a stack of layers, base first, as the OCI image spec defines them:
    /// the first is the first DiffID, each next one is the digest of "parent child".
    pub fn chain(diff_ids: &[DiffId]) -> Vec<ChainId> {
        let mut out: Vec<ChainId> = Vec::with_capacity(diff_ids.len());
        for diff_id in diff_ids {
            let next = match out.last() {
                None => ChainId(diff_id.0),
                Some(parent) => ChainId(Digest::of_text(&format!("{} {}", parent.0, diff_id.0))),
            };
            out.push(next);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn digest_of_empty_input_is_the_well_known_value() {
        assert_eq!(
            Digest::of(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn digest_round_trips_through_text() {
        let d = Digest::of(b"dockyard");
        assert_eq!(d.to_string().parse::<Digest>(), Ok(d));
        assert_eq!(d.short().len(), 12);
    }

    #[test]
    fn malformed_digests_are_refused() {
        assert_eq!("sha512:00".parse::<Digest>(), Err(DigestError::Algorithm));
        assert_eq!("sha256:00".parse::<Digest>(), Err(DigestError::Length));
        assert_eq!("nocolon".parse::<Digest>(), Err(DigestError::Format));
        let upper = format!("sha256:{}", "A".repeat(64));
        assert_eq!(upper.parse::<Digest>(), Err(DigestError::Format));
    }

    #[test]
    fn chain_id_follows_the_image_spec() {
        let a = DiffId(Digest::of(b"a"));
        let b = DiffId(Digest::of(b"b"));
        let chain = ChainId::chain(&[a, b]);
        assert_eq!(chain[0].0, a.0);
        let expected = Digest::of(format!("{} {}", a.0, b.0).as_bytes());
        assert_eq!(chain[1].0, expected);
    }
}
