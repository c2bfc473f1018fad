//! `env_file:` contents in the dotenv format Compose reads: `KEY=value` lines, `#` comments,
//! an optional `export `, single quotes kept literal, double quotes with escapes and
//! interpolation, and `KEY` alone taken from the environment when it is set there.

use std::collections::BTreeMap;

use super::interpolate::interpolate;
use super::ComposeError;

pub fn parse(
    path: &str,
    text: &str,
    env: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Option<String>>, ComposeError> {
    let mut vars = BTreeMap::new();
    for (index, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let error = |message: String| ComposeError::EnvFile { path: path.to_string(), line: index + 1, message };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map(str::trim_start).unwrap_or(line);
        let (name, value) = match line.split_once('=') {
            Some((name, value)) => (name.trim_end(), Some(value.trim_start())),
            None => (line, None),
        };
        let allowed = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']');
        if let Some(bad) = name.chars().find(|c| !allowed(*c)).or(name.is_empty().then_some('=')) {
            return Err(error(format!("unexpected character {:?} in variable name {line:?}", bad.to_string())));
        }
        let value = match value {
            None => env.get(name).cloned(),
            Some(value) => Some(unquote(value, env).map_err(error)?),
        };
        vars.insert(name.to_string(), value);
    }
    Ok(vars)
}

fn unquote(value: &str, env: &BTreeMap<String, String>) -> Result<String, String> {
    if let Some(rest) = value.strip_prefix('\'') {
        return match rest.find('\'') {
            Some(end) => Ok(rest[..end].to_string()),
            None => Err("unterminated quoted value".into()),
        };
    }
    let (raw, escapes) = match value.strip_prefix('"') {
        Some(rest) => {
            let mut end = None;
            let mut escaped = false;
            for (i, c) in rest.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            match end {
                Some(end) => (&rest[..end], true),
                None => return Err("unterminated quoted value".into()),
            }
        }
        // An unquoted value ends at a comment that follows whitespace.
        None => (value.split(" #").next().unwrap_or("").trim_end(), false),
    };
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if escapes && c == '\\' {
            match chars.next() {
                Some('n') => text.push('\n'),
                Some('t') => text.push('\t'),
                Some(other) => text.push(other),
                None => text.push('\\'),
            }
        } else {
            text.push(c);
        }
    }
    // Interpolation failures leave the value as written: an env file is data, not a template.
    Ok(interpolate(&text, env).map(|i| i.text).unwrap_or(text))
}
