//! One way in and one way out of JSON for the whole engine.
//!
//! serde_json instantiates every type's (de)serializer once per reader and per writer: reading
//! an image config from bytes (`from_slice`) and from the saved state (`from_str`) made two
//! copies of the same code, and `to_value` a third writer beside `to_string`. The page
//! downloads all of them, so bytes are read as text and values made from text instead.

use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;

/// `serde_json::from_slice`, through the one reader the engine uses, `from_str`.
pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let text = std::str::from_utf8(bytes).map_err(serde_json::Error::custom)?;
    serde_json::from_str(text)
}

/// `serde_json::to_value`, through the one writer the engine uses, `to_string`.
pub fn to_value<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_string(value).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}
