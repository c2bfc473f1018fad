//! The names Compose gives a project and what it makes for it: containers, networks, volumes,
//! and the labels by which it finds them again.

use std::collections::BTreeMap;

use super::{ComposeError, Project};

/// Compose's project name rule: lowercase letters, digits, `-` and `_`, starting with a letter
/// or a digit.
fn is_valid(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A directory's name made into a project name as Compose makes it: lowercased, every character
/// outside `[a-z0-9_-]` dropped, and leading `_` and `-` trimmed (`My App!` is `myapp`).
pub fn normalize_project_name(name: &str) -> String {
    let lower = name.to_lowercase();
    let kept: String =
        lower.chars().filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_').collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// A name given outright (`name:`, `-p`, `COMPOSE_PROJECT_NAME`) is not normalized but refused
/// when it breaks the rule, with Compose's text.
pub fn validate_project_name(name: &str) -> Result<(), ComposeError> {
    if name.is_empty() {
        return Err(ComposeError::Name("project name must not be empty".into()));
    }
    if !is_valid(name) {
        return Err(ComposeError::Name(format!(
            "invalid project name {name:?}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        )));
    }
    Ok(())
}

/// `<project>-<service>-<number>`, Compose v2's container name.
pub fn container_name(project: &str, service: &str, number: u32) -> String {
    format!("{project}-{service}-{number}")
}

/// `<project>_<key>`, the engine name of a network or volume Compose creates.
#[cfg(feature = "annex")]
pub fn scoped_name(project: &str, key: &str) -> String {
    format!("{project}_{key}")
}

pub fn container_labels(project: &Project, service: &str, number: u32, oneoff: bool) -> BTreeMap<String, String> {
    let mut labels = project.services.get(service).map(|s| s.labels.clone()).unwrap_or_default();
    let compose = [
        ("com.docker.compose.project", project.name.clone()),
        ("com.docker.compose.service", service.to_string()),
        ("com.docker.compose.container-number", number.to_string()),
        // Compose writes Go's `strconv.FormatBool` capitalized, as docker-compose v1 did.
        ("com.docker.compose.oneoff", if oneoff { "True" } else { "False" }.to_string()),
    ];
    for (key, value) in compose {
        labels.insert(key.to_string(), value);
    }
    if let Some(depends) = project.services.get(service).filter(|s| !s.depends_on.is_empty()) {
        let list: Vec<String> = depends
            .depends_on
            .iter()
            .map(|(name, d)| format!("{name}:{}:{}", d.condition.as_str(), d.restart))
            .collect();
        labels.insert("com.docker.compose.depends_on".into(), list.join(","));
    }
    if let Some(image) = project.services.get(service).and_then(|s| s.image.as_ref()) {
        labels.insert("com.docker.compose.image".into(), image.clone());
    }
    labels
}

/// `com.docker.compose.network` or `.volume` and `.project`, over the resource's own labels.
pub fn resource_labels(
    project: &Project,
    kind: &str,
    key: &str,
    own: Option<&BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut labels = own.cloned().unwrap_or_default();
    labels.insert(format!("com.docker.compose.{kind}"), key.to_string());
    labels.insert("com.docker.compose.project".into(), project.name.clone());
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn directory_names_are_normalized() {
        assert_eq!(normalize_project_name("My App!"), "myapp");
        assert_eq!(normalize_project_name("__web-Site_2"), "web-site_2");
        assert_eq!(normalize_project_name("été"), "t");
        assert_eq!(normalize_project_name("--"), "");
    }

    #[test]
    fn given_names_are_checked() {
        assert!(validate_project_name("shop_2-a").is_ok());
        assert_eq!(validate_project_name("").unwrap_err().to_string(), "project name must not be empty");
        assert_eq!(
            validate_project_name("My").unwrap_err().to_string(),
            "invalid project name \"My\": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        );
        assert!(validate_project_name("-a").is_err());
    }
}
