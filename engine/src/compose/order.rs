//! The order `docker compose up` starts services in: every service after the services it depends
//! on, and among services free to start, by name, so the order never depends on hash order.

use std::collections::{BTreeMap, BTreeSet};

use super::{ComposeError, Project};

pub fn start_order(project: &Project) -> Result<Vec<String>, ComposeError> {
    // Dependencies on services the project does not hold (optional ones) do not hold anything up.
    let mut waiting: BTreeMap<&str, BTreeSet<&str>> =
        crate::sort::map(project.services.iter().map(|(name, service)| {
            let deps = service.depends_on.keys().map(String::as_str).filter(|d| project.services.contains_key(*d));
            (name.as_str(), crate::sort::set(deps))
        }));
    let mut order = Vec::with_capacity(waiting.len());
    while !waiting.is_empty() {
        let ready: Vec<&str> = waiting.iter().filter(|(_, deps)| deps.is_empty()).map(|(name, _)| *name).collect();
        if ready.is_empty() {
            return Err(ComposeError::Cycle(cycle(&waiting)));
        }
        for name in ready {
            waiting.remove(name);
            for deps in waiting.values_mut() {
                deps.remove(name);
            }
            order.push(name.to_string());
        }
    }
    Ok(order)
}

/// One cycle among the services still waiting, walked from the first by name and closed with
/// the service it started from (`a -> b -> a`).
fn cycle(waiting: &BTreeMap<&str, BTreeSet<&str>>) -> Vec<String> {
    let Some(mut current) = waiting.keys().next().copied() else { return Vec::new() };
    let mut path: Vec<&str> = Vec::new();
    // Every waiting service waits on another waiting one, so the walk must come back on itself.
    for _ in 0..=waiting.len() {
        if let Some(at) = path.iter().position(|p| *p == current) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(current.to_string());
            return cycle;
        }
        path.push(current);
        match waiting.get(current).and_then(|deps| deps.iter().next()) {
            Some(next) => current = next,
            None => break,
        }
    }
    path.iter().map(|s| s.to_string()).collect()
}
