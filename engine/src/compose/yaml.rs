//! A YAML document as a tree of nodes that remember where they stood, built from
//! `saphyr-parser`'s events, with Go's yaml.v3 error texts (`yaml: line 4: ...`).
//!
//! The tree is built with an explicit stack rather than by recursion, and both its depth and its
//! size after aliases are bounded, so that no input (deep nesting, a billion laughs) can overflow
//! the stack or exhaust memory in the browser.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::{ComposeError, Position};

/// How deep collections may nest; Compose files never come near it.
const MAX_DEPTH: usize = 128;
/// How many nodes a document may hold, aliases expanded.
const MAX_NODES: usize = 1_000_000;
/// How many nodes aliases may copy in all: yaml.v3 refuses a document whose aliases multiply it.
const MAX_ALIASED: usize = 100_000;

/// A node of the tree and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub position: Position,
}

/// What a node holds. Scalars stay text: what a field expects decides how they read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null`, or nothing at all after a key.
    Null,
    /// A scalar; `plain` when it was written without quotes or block style, which decides whether
    /// `true` or `8080` is a boolean or number rather than text.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// A mapping's entries in the order written, with where each key stands.
    Map(Vec<Entry>),
}

/// One key of a mapping and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_position: Position,
    pub value: Node,
    /// Whether the entry came from a `<<` merge, so that a key of the mapping's own may replace it.
    pub merged: bool,
}

impl Node {
    /// The scalar's text, for any scalar; `None` for null and collections.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

/// YAML 1.2's booleans, as yaml.v3 reads them.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn position(marker: &saphyr_parser::Marker) -> Position {
    Position { line: marker.line().max(1), column: marker.col() + 1 }
}

/// saphyr's messages in the words of libyaml, which Go's yaml.v3 (and so Compose) prints: the
/// problem alone, without the "while parsing ..." context.
fn go_message(info: &str) -> String {
    let problem = match info.strip_prefix("while ") {
        Some(rest) => rest.split_once(", ").map_or(rest, |(_, problem)| problem),
        None => info,
    };
    let problem = problem.trim();
    if problem.starts_with("unexpected character") {
        return "found character that cannot start any token".into();
    }
    if problem.starts_with("tabs disallowed") {
        return "found a tab character that violates indentation".into();
    }
    match problem.strip_prefix("expected ") {
        Some(rest) => format!("did not find expected {rest}"),
        None => problem.to_string(),
    }
}

fn yaml_error(position: Position, message: impl Into<String>) -> ComposeError {
    ComposeError::Yaml { position, message: message.into() }
}

/// A collection being built.
enum Open {
    Seq { node: Node, anchor: usize },
    Map { node: Node, anchor: usize, key: Option<(String, Position)> },
}

/// Parses the first document of `source` into a tree; an empty file is `None`.
pub fn parse(source: &str) -> Result<Option<Node>, ComposeError> {
    let mut parser = Parser::new_from_str(source);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut aliased = 0usize;
    let mut root: Option<Node> = None;
    let mut documents = 0;
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(next)) => next,
            Some(Err(e)) => return Err(yaml_error(position(e.marker()), go_message(e.info()))),
        };
        let here = position(&span.start);
        let finished: Option<(Node, usize)> = match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    // Compose reads one document; yaml.v3 stops at the first as well.
                    break;
                }
                None
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => None,
            Event::Alias(id) => match anchors.get(&id) {
                Some(node) => {
                    let copied = count(node);
                    aliased = aliased.saturating_add(copied);
                    nodes = nodes.saturating_add(copied);
                    if aliased > MAX_ALIASED {
                        return Err(yaml_error(here, "document contains excessive aliasing"));
                    }
                    Some((Node { value: node.value.clone(), position: here }, 0))
                }
                None => return Err(yaml_error(here, "unknown anchor referenced")),
            },
            Event::Scalar(text, style, anchor, _tag) => {
                nodes += 1;
                let plain = style == ScalarStyle::Plain;
                let value = if plain && is_null_text(&text) {
                    Value::Null
                } else {
                    Value::Scalar { text: text.into_owned(), plain }
                };
                Some((Node { value, position: here }, anchor))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                nodes += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(yaml_error(here, "exceeded max depth of 128"));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq { node: Node { value: Value::Seq(Vec::new()), position: here }, anchor }
                } else {
                    Open::Map { node: Node { value: Value::Map(Vec::new()), position: here }, anchor, key: None }
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq { node, anchor }) | Some(Open::Map { node, anchor, .. }) => Some((node, anchor)),
                None => return Err(yaml_error(here, "did not find expected node content")),
            },
        };
        if nodes > MAX_NODES {
            return Err(yaml_error(here, "document is too large"));
        }
        let Some((node, anchor)) = finished else { continue };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq { node: seq, .. }) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map { node: map, key, .. }) => match key.take() {
                None => {
                    let text = match &node.value {
                        Value::Null => String::new(),
                        Value::Scalar { text, .. } => text.clone(),
                        _ => return Err(yaml_error(node.position, "invalid map key: collections cannot be keys")),
                    };
                    *key = Some((text, node.position));
                }
                Some((name, key_position)) => {
                    if let Value::Map(entries) = &mut map.value {
                        insert(entries, Entry { key: name, key_position, value: node, merged: false })?;
                    }
                }
            },
        }
    }
    Ok(root)
}

/// Adds an entry to a mapping: `<<` merges a mapping (or a list of them) under the keys already
/// there, as yaml.v3 does, and a key written twice is yaml.v3's error.
fn insert(entries: &mut Vec<Entry>, entry: Entry) -> Result<(), ComposeError> {
    if entry.key == "<<" {
        let sources: Vec<&Node> = match &entry.value.value {
            Value::Map(_) => vec![&entry.value],
            Value::Seq(items) => items.iter().collect(),
            _ => return Err(yaml_error(entry.key_position, "map merge requires map or sequence of maps as the value")),
        };
        for source in sources {
            let Value::Map(merged) = &source.value else {
                return Err(yaml_error(source.position, "map merge requires map or sequence of maps as the value"));
            };
            for item in merged {
                if !entries.iter().any(|e| e.key == item.key) {
                    entries.push(Entry { merged: true, ..item.clone() });
                }
            }
        }
        return Ok(());
    }
    if let Some(existing) = entries.iter_mut().find(|e| e.key == entry.key) {
        // A key merged in from `<<` may be overridden; one written twice may not.
        if !existing.merged {
            return Err(yaml_error(
                entry.key_position,
                format!("mapping key {:?} already defined at line {}", entry.key, existing.key_position.line),
            ));
        }
        *existing = entry;
        return Ok(());
    }
    entries.push(entry);
    Ok(())
}

fn count(node: &Node) -> usize {
    let mut total = 0usize;
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        total += 1;
        match &node.value {
            Value::Seq(items) => pending.extend(items.iter()),
            Value::Map(entries) => pending.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
        if total > MAX_ALIASED {
            break;
        }
    }
    total
}
