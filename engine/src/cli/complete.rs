//! Tab completion of docker command lines: command words and flags from the same table that
//! parses them, and the names of images, containers, volumes and networks from the engine.
//!
//! Completion only reads; a line it does not understand gets no candidates rather than an error,
//! since a half-typed line is the normal case here.

use std::collections::BTreeSet;

use super::spec::{CommandSpec, FlagSpec, COMMANDS, HELP};
use crate::container::ContainerStatus;
use crate::reference::Reference;
use crate::Engine;

/// The names a line may mention, read from an engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// Local images by their familiar names (`hello-world:latest` as `hello-world`).
    pub images: Vec<String>,
    /// Repositories on the registries, which `pull` and `run` may name before they are local.
    pub remote: Vec<String>,
    pub containers: Vec<(String, ContainerStatus)>,
    pub volumes: Vec<String>,
    pub networks: Vec<String>,
    /// The swarm's nodes (by hostname) and services, when this node manages a swarm.
    pub nodes: Vec<String>,
    pub services: Vec<String>,
    /// The stacks `docker stack deploy` made.
    pub stacks: Vec<String>,
}

impl Names {
    /// What `engine` holds now.
    pub fn of(engine: &Engine) -> Names {
        let store = engine.images();
        let images =
            crate::sort::set(store.tags.keys().filter_map(|full| Reference::parse(full).ok()).map(|reference| {
                let name = reference.familiar();
                name.strip_suffix(":latest").map(str::to_string).unwrap_or(name)
            }));
        let remote = crate::sort::set(engine.registries.values().flat_map(|registry| {
            registry.repositories.keys().map(move |path| match registry.domain.as_str() {
                crate::reference::DEFAULT_DOMAIN => path.strip_prefix("library/").unwrap_or(path).to_string(),
                domain => format!("{domain}/{path}"),
            })
        }));
        Names {
            images: images.into_iter().collect(),
            remote: remote.into_iter().collect(),
            containers: engine.containers().iter().map(|c| (c.name.clone(), c.state.status)).collect(),
            volumes: engine.volumes.keys().cloned().collect(),
            networks: engine.networks.iter().map(|n| n.name.clone()).collect(),
            nodes: engine.swarm().map(|s| s.nodes.iter().map(|n| n.hostname.clone()).collect()).unwrap_or_default(),
            services: engine.swarm().map(|s| s.services.iter().map(|s| s.name.clone()).collect()).unwrap_or_default(),
            stacks: engine
                .swarm()
                .map(|s| {
                    let stacks: BTreeSet<String> =
                        crate::sort::set(s.services.iter().filter_map(|s| s.stack()).map(str::to_string));
                    stacks.into_iter().collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// What completing a line offers: candidates for the word that starts at byte `start`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    pub start: usize,
    /// Sorted and without repeats; empty when nothing fits.
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest text every candidate starts with, which Tab may insert at once.
    pub fn common_prefix(&self) -> &str {
        let Some(first) = self.candidates.first() else {
            return "";
        };
        let mut end = first.len();
        for other in &self.candidates[1..] {
            end = first.char_indices().zip(other.chars()).take_while(|((_, a), b)| a == b).count().min(end);
            end = first.char_indices().nth(end).map_or(first.len(), |(at, _)| at);
        }
        &first[..end]
    }

    /// Whether the one candidate is a whole word, after which the learner types the next one.
    /// A volume name in `-v data:` or a container in `cp web:` goes on, so it is not.
    pub fn is_whole(&self) -> bool {
        matches!(self.candidates.as_slice(), [one] if !one.ends_with([':', '=', '/']))
    }
}

/// What an argument of a command names.
#[derive(Clone, Copy)]
enum Want {
    Nothing,
    /// Local images, and with `remote` the registries' repositories too.
    Images {
        remote: bool,
    },
    Containers(fn(ContainerStatus) -> bool),
    /// A container followed by `:`, as `docker cp` writes a path inside it.
    ContainerPaths,
    Volumes,
    /// A volume followed by `:`, as `-v` writes where it is mounted.
    VolumeMounts,
    Networks,
    /// Containers, images, volumes and networks, which `docker inspect` takes alike.
    Objects,
    Words(&'static [&'static str]),
    Nodes,
    Services,
    /// A service followed by `=`, as `service scale` writes its replicas.
    ServiceScales,
    Stacks,
}

fn any(_: ContainerStatus) -> bool {
    true
}

fn running(status: ContainerStatus) -> bool {
    status == ContainerStatus::Running
}

/// What the positional argument at `position` of `command` (its canonical name) names.
fn operand(command: &str, position: usize) -> Want {
    match (command, position) {
        ("run" | "create", 0) | ("pull", _) => Want::Images { remote: true },
        ("push" | "save" | "rmi" | "history" | "image inspect" | "tag", _) => Want::Images { remote: false },
        ("commit", 1) => Want::Images { remote: false },
        ("start", _) => Want::Containers(ContainerStatus::can_start),
        ("stop" | "kill" | "pause" | "exec" | "top" | "attach" | "stats", 0) => Want::Containers(running),
        ("stop" | "kill" | "pause" | "top" | "stats", _) => Want::Containers(running),
        ("unpause", _) => Want::Containers(ContainerStatus::can_unpause),
        ("restart" | "rm" | "logs" | "wait" | "diff" | "export" | "port", _) => Want::Containers(any),
        ("rename" | "commit", 0) => Want::Containers(any),
        ("cp", _) => Want::ContainerPaths,
        ("inspect", _) => Want::Objects,
        ("volume inspect" | "volume rm", _) => Want::Volumes,
        ("network inspect" | "network rm", _) | ("network connect" | "network disconnect", 0) => Want::Networks,
        ("network connect" | "network disconnect", 1) => Want::Containers(any),
        ("swarm join-token", 0) => Want::Words(&["manager", "worker"]),
        ("node inspect" | "node update" | "node rm" | "node promote" | "node demote" | "node ps", _)
        | ("node down" | "node up", 0) => Want::Nodes,
        ("service ps" | "service rm" | "service inspect", _)
        | ("service update" | "service logs" | "service rollback", 0) => Want::Services,
        ("service scale", _) => Want::ServiceScales,
        ("stack rm", _) | ("stack services" | "stack ps", 0) => Want::Stacks,
        ("service create", 0) => Want::Images { remote: true },
        _ => Want::Nothing,
    }
}

/// What the value of `flag` names.
fn flag_value(flag: &FlagSpec) -> Want {
    match flag.long {
        "network" => Want::Networks,
        "volume" => Want::VolumeMounts,
        "restart" => Want::Words(&["always", "no", "on-failure", "unless-stopped"]),
        "progress" => Want::Words(&["auto", "plain", "quiet", "tty"]),
        "volumes-from" => Want::Containers(any),
        "availability" => Want::Words(&["active", "drain", "pause"]),
        "role" => Want::Words(&["manager", "worker"]),
        "mode" => Want::Words(&["global", "replicated"]),
        "update-order" => Want::Words(&["start-first", "stop-first"]),
        "update-failure-action" => Want::Words(&["continue", "pause", "rollback"]),
        "image" => Want::Images { remote: true },
        _ => Want::Nothing,
    }
}

/// The candidates for `line`, completing the word that ends where the line ends (the cursor).
pub fn complete(line: &str, names: &Names) -> Completion {
    // The words before the one being completed, and where that one starts.
    let start = line.rfind(char::is_whitespace).map_or(0, |at| at + 1);
    let partial = &line[start..];
    let before: Vec<&str> = line[..start].split_whitespace().collect();
    let none = Completion { start, candidates: Vec::new() };
    // Quotes and escapes mean the learner is past what simple words can complete.
    if line.contains(['"', '\'', '\\']) {
        return none;
    }
    let words = match before.split_first() {
        None => return finish(start, partial, ["docker".to_string()]),
        Some((&"docker", rest)) => rest,
        Some(_) => return none,
    };

    // The command's own words first: `docker con` → `container`, `docker container l` → `ls`.
    let Some((spec, used)) = find_spec(words) else {
        let typed = words.join(" ");
        let next = COMMANDS.iter().flat_map(|spec| spec.names.iter()).filter_map(|name| {
            let rest = if typed.is_empty() { Some(*name) } else { name.strip_prefix(&format!("{typed} ")) };
            rest.and_then(|rest| rest.split(' ').next()).map(str::to_string)
        });
        return finish(start, partial, next);
    };
    let args = &words[used..];

    // A flag that takes a value swallows the next word, so count positions past them.
    let mut position = 0;
    let mut pending: Option<&FlagSpec> = None;
    let mut options_over = false;
    for word in args {
        if pending.take().is_some() {
            continue;
        }
        if !options_over && *word == "--" {
            options_over = true;
        } else if !options_over && word.starts_with('-') && *word != "-" {
            pending = takes_value(spec, word);
        } else {
            position += 1;
            // Past `run`'s image the words are the container's command, not docker's flags.
            options_over |= !spec.interspersed;
        }
    }

    if let Some(flag) = pending {
        return finish(start, partial, values(flag_value(flag), names));
    }
    if !options_over && partial.starts_with('-') {
        // `--flag=` completes the value after the `=`.
        if let Some((name, value)) = partial.strip_prefix("--").and_then(|p| p.split_once('=')) {
            let flag = spec.flags.iter().find(|f| f.long == name && f.value.is_some());
            let Some(flag) = flag else { return none };
            return finish(start + 2 + name.len() + 1, value, values(flag_value(flag), names));
        }
        let flags = spec.flags.iter().chain([&HELP]).map(|f| format!("--{}", f.long));
        return finish(start, partial, flags);
    }
    if options_over && !spec.interspersed && position > 0 {
        return none;
    }
    finish(start, partial, values(operand(spec.name(), position), names))
}

/// The command `words` start with, and how many words name it.
fn find_spec(words: &[&str]) -> Option<(&'static CommandSpec, usize)> {
    COMMANDS.iter().copied().find_map(|spec| {
        spec.names.iter().find_map(|name| {
            let parts: Vec<&str> = name.split(' ').collect();
            let named = words.len() >= parts.len() && words.iter().zip(&parts).all(|(w, p)| w == p);
            named.then_some((spec, parts.len()))
        })
    })
}

/// The flag that `word` ends with, when it takes a value from the next word.
fn takes_value<'s>(spec: &'s CommandSpec, word: &str) -> Option<&'s FlagSpec> {
    if let Some(long) = word.strip_prefix("--") {
        if long.contains('=') {
            return None;
        }
        return spec.flags.iter().find(|f| f.long == long && f.value.is_some());
    }
    // In a cluster such as `-it` or `-dp`, only the last letter may take the next word, and only
    // when nothing follows it in the same word.
    let last = word.chars().last()?;
    spec.flags.iter().find(|f| f.short == Some(last) && f.value.is_some())
}

/// The names `want` stands for.
fn values(want: Want, names: &Names) -> Vec<String> {
    match want {
        Want::Nothing => Vec::new(),
        Want::Images { remote } => {
            let mut images = names.images.clone();
            if remote {
                images.extend(names.remote.iter().cloned());
            }
            images
        }
        Want::Containers(fits) => {
            names.containers.iter().filter(|(_, status)| fits(*status)).map(|(name, _)| name.clone()).collect()
        }
        Want::ContainerPaths => names.containers.iter().map(|(name, _)| format!("{name}:")).collect(),
        Want::Volumes => names.volumes.clone(),
        Want::VolumeMounts => names.volumes.iter().map(|name| format!("{name}:")).collect(),
        Want::Networks => names.networks.clone(),
        Want::Objects => {
            let mut all = values(Want::Containers(any), names);
            all.extend(names.images.iter().cloned());
            all.extend(names.volumes.iter().cloned());
            all.extend(names.networks.iter().cloned());
            all
        }
        Want::Words(words) => words.iter().map(|w| w.to_string()).collect(),
        Want::Nodes => names.nodes.clone(),
        Want::Services => names.services.clone(),
        Want::ServiceScales => names.services.iter().map(|s| format!("{s}=")).collect(),
        Want::Stacks => names.stacks.clone(),
    }
}

/// The candidates that start with `partial`, sorted and without repeats.
fn finish(start: usize, partial: &str, candidates: impl IntoIterator<Item = String>) -> Completion {
    let candidates: BTreeSet<String> = crate::sort::set(candidates.into_iter().filter(|c| c.starts_with(partial)));
    Completion { start, candidates: candidates.into_iter().collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            images: vec!["hello-world".into(), "toolbox".into(), "myapp:1.0".into()],
            remote: vec!["hello-world".into(), "kv".into(), "toolbox".into(), "web".into()],
            containers: vec![
                ("web1".into(), ContainerStatus::Running),
                ("worker".into(), ContainerStatus::Exited),
                ("frozen".into(), ContainerStatus::Paused),
            ],
            volumes: vec!["data".into(), "db".into()],
            networks: vec!["bridge".into(), "host".into(), "none".into()],
            nodes: vec!["dockyard".into(), "worker1".into()],
            services: vec!["web".into()],
            stacks: vec!["shop".into()],
        }
    }

    fn offer(line: &str) -> Vec<String> {
        complete(line, &names()).candidates
    }

    #[test]
    fn command_words_come_from_the_command_table() {
        assert_eq!(offer("dock"), ["docker"]);
        assert_eq!(offer("docker ru"), ["run"]);
        assert!(offer("docker ").contains(&"container".to_string()));
        assert_eq!(offer("docker vol"), ["volume"]);
        assert_eq!(offer("docker volume "), ["create", "inspect", "list", "ls", "prune", "remove", "rm"]);
        assert_eq!(offer("docker image p"), ["prune", "pull", "push"]);
        assert!(offer("podman ru").is_empty(), "only docker lines complete");
    }

    #[test]
    fn flags_come_from_the_commands_own_flags() {
        assert_eq!(offer("docker run --rm --na"), ["--name"]);
        assert_eq!(offer("docker ps --a"), ["--all"]);
        assert_eq!(offer("docker stop --h"), ["--help"]);
        assert!(offer("docker ps --zz").is_empty());
    }

    #[test]
    fn images_for_run_include_the_registries() {
        assert_eq!(offer("docker run -d --name x w"), ["web"]);
        assert_eq!(offer("docker run -it t"), ["toolbox"]);
        assert_eq!(offer("docker rmi m"), ["myapp:1.0"]);
        assert!(offer("docker rmi w").is_empty(), "rmi names only local images");
        // After the image come the container's own words, which docker does not know.
        assert!(offer("docker run toolbox l").is_empty());
        assert!(offer("docker run toolbox --h").is_empty());
    }

    #[test]
    fn containers_fit_what_the_command_does_to_them() {
        assert_eq!(offer("docker stop "), ["web1"]);
        assert_eq!(offer("docker start "), ["worker"]);
        assert_eq!(offer("docker unpause "), ["frozen"]);
        assert_eq!(offer("docker rm -f "), ["frozen", "web1", "worker"]);
        assert_eq!(offer("docker exec -it w"), ["web1"]);
        assert!(offer("docker exec -it web1 s").is_empty(), "the command inside is not docker's");
        assert_eq!(offer("docker cp w"), ["web1:", "worker:"]);
    }

    #[test]
    fn flag_values_name_what_the_flag_takes() {
        assert_eq!(offer("docker run --network n"), ["none"]);
        assert_eq!(offer("docker run --network=b"), ["bridge"]);
        assert_eq!(complete("docker run --network=b", &names()).start, "docker run --network=".len());
        assert_eq!(offer("docker run -v d"), ["data:", "db:"]);
        assert_eq!(offer("docker run --restart u"), ["unless-stopped"]);
        // The value of -e is free text, and the word after it is the image again.
        assert!(offer("docker run -e A=").is_empty());
        assert_eq!(offer("docker run -e A=1 h"), ["hello-world"]);
        assert_eq!(offer("docker volume rm d"), ["data", "db"]);
    }

    #[test]
    fn swarm_commands_name_nodes_and_services() {
        assert_eq!(offer("docker node update --availability d"), ["drain"]);
        assert_eq!(offer("docker node down w"), ["worker1"]);
        assert_eq!(offer("docker service scale w"), ["web="]);
        assert_eq!(offer("docker service ps "), ["web"]);
        assert_eq!(offer("docker swarm join-token m"), ["manager"]);
        assert_eq!(offer("docker stack rm "), ["shop"]);
    }

    #[test]
    fn the_common_prefix_and_whole_words() {
        let c = complete("docker volume rm d", &names());
        assert_eq!(c.common_prefix(), "d");
        let c = complete("docker run -v da", &names());
        assert_eq!((c.common_prefix(), c.is_whole()), ("data:", false));
        let c = complete("docker stop w", &names());
        assert_eq!((c.common_prefix(), c.is_whole()), ("web1", true));
        let c = complete("docker cp w", &names());
        assert_eq!(c.common_prefix(), "w");
        assert_eq!(Completion::default().common_prefix(), "");
    }

    #[test]
    fn quoted_or_strange_lines_get_nothing_and_never_panic() {
        for line in ["", " ", "docker \"ru", "docker run 'x", "docker\\ ", "docker run -", "docker --", "é", "docker é"]
        {
            let _ = complete(line, &names());
        }
        assert!(offer("docker run \"h").is_empty());
        assert_eq!(offer(""), ["docker"]);
    }

    /// Each command's operands are a decision: a new command must say what its arguments name,
    /// or say that they name nothing, here.
    #[test]
    fn every_command_is_known_to_completion() {
        const DECIDED: &[&str] = &[
            "run",
            "create",
            "start",
            "stop",
            "restart",
            "kill",
            "wait",
            "pause",
            "unpause",
            "rename",
            "logs",
            "attach",
            "exec",
            "top",
            "stats",
            "port",
            "inspect",
            "ps",
            "cp",
            "diff",
            "commit",
            "build",
            "builder prune",
            "export",
            "images",
            "pull",
            "push",
            "rm",
            "rmi",
            "tag",
            "history",
            "image inspect",
            "image prune",
            "save",
            "load",
            "volume create",
            "volume ls",
            "volume inspect",
            "volume rm",
            "volume prune",
            "network create",
            "network ls",
            "network inspect",
            "network connect",
            "network disconnect",
            "network rm",
            "network prune",
            "system df",
            "version",
            // Swarm mode.
            "swarm init",
            "swarm join",
            "swarm join-token",
            "swarm leave",
            "node ls",
            "node inspect",
            "node update",
            "node rm",
            "node promote",
            "node demote",
            "node ps",
            "node add",
            "node down",
            "node up",
            "service create",
            "service ls",
            "service ps",
            "service scale",
            "service update",
            "service rollback",
            "service logs",
            "service rm",
            "service inspect",
            "stack deploy",
            "stack ls",
            "stack services",
            "stack ps",
            "stack rm",
            // Compose: services are named in the project's file, which completion cannot read.
            "compose build",
            "compose config",
            "compose down",
            "compose exec",
            "compose logs",
            "compose ps",
            "compose restart",
            "compose start",
            "compose stop",
            "compose up",
        ];
        for spec in COMMANDS {
            assert!(DECIDED.contains(&spec.name()), "completion has not decided what `{}` takes", spec.name());
        }
    }
}
