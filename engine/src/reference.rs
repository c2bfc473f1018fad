//! Image references parsed with Docker's grammar: `[domain/]path[:tag][@digest]`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;

pub const DEFAULT_DOMAIN: &str = "docker.io";
pub const OFFICIAL_PREFIX: &str = "library/";
pub const DEFAULT_TAG: &str = "latest";

/// Why a reference does not parse, worded as Docker's distribution/reference package words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid reference format")]
    Format,
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    Uppercase(String),
    #[error("repository name must not be more than 255 characters")]
    NameTooLong,
}

/// A normalized reference: the domain is explicit, official images live under `library/`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Reference {
    pub domain: String,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<Digest>,
}

impl Reference {
    /// Parses what a user typed, adding `docker.io/library/` as Docker does; a missing tag stays missing
    /// (see [`Reference::with_default_tag`]).
    pub fn parse(text: &str) -> Result<Self, ReferenceError> {
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest.parse::<Digest>().map_err(|_| ReferenceError::Format)?)),
            None => (text, None),
        };
        // A colon after the last slash starts the tag; one before it belongs to a domain's port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].find(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(tag) = tag {
            if !valid_tag(tag) {
                return Err(ReferenceError::Format);
            }
        }
        let (domain, path) = split_domain(name);
        if name.is_empty() || !valid_domain(&domain) {
            return Err(ReferenceError::Format);
        }
        if !path.split('/').all(valid_path_component) {
            let lower = path.to_ascii_lowercase();
            if path != lower && lower.split('/').all(valid_path_component) {
                return Err(ReferenceError::Uppercase(path));
            }
            return Err(ReferenceError::Format);
        }
        if name.len() > 255 {
            return Err(ReferenceError::NameTooLong);
        }
        Ok(Reference { domain, path, tag: tag.map(str::to_string), digest })
    }

    /// The reference with `:latest` added when it names neither a tag nor a digest.
    pub fn with_default_tag(mut self) -> Self {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some(DEFAULT_TAG.to_string());
        }
        self
    }

    /// The repository as Docker shows it in tables: `hello-world`, `localhost:5000/app`.
    pub fn familiar_name(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            self.path.strip_prefix(OFFICIAL_PREFIX).unwrap_or(&self.path).to_string()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The short form with tag and digest, as in "Unable to find image 'hello-world:latest' locally".
    pub fn familiar(&self) -> String {
        let mut out = self.familiar_name();
        if let Some(tag) = &self.tag {
            out.push(':');
            out.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(&digest.to_string());
        }
        out
    }

    /// The repository without tag or digest, fully qualified.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.repository())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

fn split_domain(name: &str) -> (String, String) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':']) || first == "localhost" || first != first.to_ascii_lowercase() =>
        {
            // Docker treats an uppercase first component as a domain too, then fails it as one.
            let domain = if first == "index.docker.io" { DEFAULT_DOMAIN } else { first };
            let path = if domain == DEFAULT_DOMAIN && !rest.contains('/') {
                format!("{OFFICIAL_PREFIX}{rest}")
            } else {
                rest.to_string()
            };
            (domain.to_string(), path)
        }
        Some(_) => (DEFAULT_DOMAIN.to_string(), name.to_string()),
        None => (DEFAULT_DOMAIN.to_string(), format!("{OFFICIAL_PREFIX}{name}")),
    }
}

fn valid_domain(domain: &str) -> bool {
    let (host, port) = match domain.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (domain, None),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    host_ok && port_ok
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
fn valid_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = 0;
    let mut expect_alnum = true;
    if bytes.is_empty() {
        return false;
    }
    while i < bytes.len() {
        if alnum(bytes[i]) {
            expect_alnum = false;
            i += 1;
            continue;
        }
        if expect_alnum {
            return false;
        }
        let start = i;
        match bytes[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < bytes.len() && bytes[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < bytes.len() && bytes[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        debug_assert!(i > start);
        expect_alnum = true;
    }
    !expect_alnum
}

/// `[\w][\w.-]{0,127}`
fn valid_tag(tag: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = tag.chars();
    matches!(chars.next(), Some(c) if word(c)) && tag.len() <= 128 && chars.all(|c| word(c) || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn official_images_normalize_under_library() {
        let r = Reference::parse("hello-world").unwrap().with_default_tag();
        assert_eq!(r.to_string(), "docker.io/library/hello-world:latest");
        assert_eq!(r.familiar(), "hello-world:latest");
        assert_eq!(r.familiar_name(), "hello-world");
    }

    #[test]
    fn domains_ports_and_tags_are_told_apart() {
        let r = Reference::parse("localhost:5000/team/app:v1").unwrap();
        assert_eq!((r.domain.as_str(), r.path.as_str(), r.tag.as_deref()), ("localhost:5000", "team/app", Some("v1")));
        assert_eq!(r.familiar(), "localhost:5000/team/app:v1");
        let r = Reference::parse("user/app").unwrap();
        assert_eq!((r.domain.as_str(), r.path.as_str()), ("docker.io", "user/app"));
    }

    #[test]
    fn uppercase_names_get_dockers_message() {
        let err = Reference::parse("Bad:Name").unwrap_err();
        assert_eq!(err.to_string(), "invalid reference format: repository name (library/Bad) must be lowercase");
    }

    #[test]
    fn malformed_references_are_refused() {
        for text in ["", ":tag", "a:", "a::b", "-a", "a/", "a//b", "a@sha256:12", "a:-tag", "a b"] {
            assert_eq!(Reference::parse(text), Err(ReferenceError::Format), "{text:?}");
        }
    }

    #[test]
    fn digests_parse() {
        let digest = Digest::of(b"x");
        let r = Reference::parse(&format!("busybox@{digest}")).unwrap();
        assert_eq!(r.digest, Some(digest));
        assert_eq!(r.clone().with_default_tag().tag, None);
    }
}
