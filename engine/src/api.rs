//! Under the hood: the Docker Engine API calls a docker command line stands for.
//!
//! The docker CLI is a client of the daemon's HTTP API, and every command is a few requests:
//! `docker run -d -p 8080:80 web` is `POST /containers/create` with the container's settings as
//! JSON, then `POST /containers/{id}/start`. [`calls`] maps a parsed [`Command`] to those
//! requests, in the order the docker CLI makes them, with the API's own paths, query parameters
//! (sorted and escaped as Go's `url.Values` sends them) and body field names. A body lists only
//! the fields the command sets: the CLI also sends every other field at its zero value, which
//! would bury what matters. The version-negotiating `HEAD /_ping` every command starts with is
//! left out for the same reason.
//!
//! Some calls depend on how the command went: `docker run` pulls only when `create` answers that
//! the image is missing, and `start` names the id `create` answered. [`Outcome`] carries what is
//! known; what is not shows as `{id}` and as a note on the call that depends on it.

mod compose;
mod swarm;

use serde_json::{json, Map, Value};

use crate::cli::{BuildOptions, Command, CpOptions, ExecOptions, LogsOptions, PsOptions, RunOptions};
use crate::reference::{Reference, DEFAULT_TAG};

/// The API version in every path, the one `docker version` reports.
pub const VERSION: &str = crate::ops::version::API_VERSION;

/// What a call carries in its body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A JSON document.
    Json(Value),
    /// A byte stream, described: "the build context, as a tar archive".
    Stream(String),
}

/// One HTTP request to the Docker Engine API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    pub method: &'static str,
    /// The path without the version prefix, as the API reference writes it: `/containers/web/start`.
    pub path: String,
    /// Query parameters, sorted by name as Go's `url.Values` encodes them, unescaped.
    pub query: Vec<(String, String)>,
    pub body: Option<Body>,
    /// When the call is made only in some cases, or what an unknown part of it stands for.
    pub note: Option<String>,
}

impl ApiCall {
    fn new(method: &'static str, path: impl Into<String>) -> Self {
        ApiCall { method, path: path.into(), query: Vec::new(), body: None, note: None }
    }

    fn get(path: impl Into<String>) -> Self {
        ApiCall::new("GET", path)
    }

    fn post(path: impl Into<String>) -> Self {
        ApiCall::new("POST", path)
    }

    fn delete(path: impl Into<String>) -> Self {
        ApiCall::new("DELETE", path)
    }

    fn query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_string(), value.into()));
        // Go sorts by name and keeps the order of a name's values; a stable sort does the same.
        crate::sort::sort_by(&mut self.query, |a, b| a.0.cmp(&b.0));
        self
    }

    fn query_if(self, on: bool, name: &str, value: &str) -> Self {
        if on {
            self.query(name, value)
        } else {
            self
        }
    }

    fn json(mut self, body: Value) -> Self {
        self.body = Some(Body::Json(body));
        self
    }

    fn stream(mut self, what: &str) -> Self {
        self.body = Some(Body::Stream(what.to_string()));
        self
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The request target as sent: version prefix, path, and the escaped query.
    pub fn url(&self) -> String {
        let mut url = format!("/v{VERSION}{}", self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&escape(name));
            url.push('=');
            url.push_str(&escape(value));
        }
        url
    }

    /// The request line's method and target: `POST /v1.41/containers/web/start`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.url())
    }

    /// Whether escaping changed a query value, so a reader would want it spelled out.
    pub fn query_is_escaped(&self) -> bool {
        self.query.iter().any(|(_, value)| escape(value) != *value)
    }
}

/// Go's `url.QueryEscape`: letters, digits and `-_.~` stay, a space becomes `+`, every other byte
/// becomes `%XX`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// What is known of how a command went, for the calls that depend on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The id the daemon answered `POST /containers/create` with, for the calls that follow.
    pub container: Option<String>,
    /// Whether `run` or `create` found its image missing and pulled it; `None` when unknown.
    pub pulled: Option<bool>,
}

impl Outcome {
    /// What a command's printed output tells: `run -d` and `create` print the new container's
    /// id, and a run or create that had to pull says "Unable to find image ... locally" first.
    /// Until the command has `finished`, a pull not yet announced may still come.
    pub fn from_output(stdout: &str, stderr: &str, finished: bool) -> Outcome {
        let container = stdout
            .lines()
            .map(str::trim)
            .find(|l| l.len() == 64 && l.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_string);
        let announced = stderr.lines().any(|l| l.starts_with("Unable to find image '") && l.ends_with("' locally"));
        let pulled = if announced { Some(true) } else { finished.then_some(false) };
        Outcome { container, pulled }
    }
}

/// The placeholder for an id the daemon answers, as the API reference writes it.
const ID: &str = "{id}";

/// The calls `command` stands for, in the order the docker CLI makes them. Empty for what the
/// client does alone (`--help`) or what the daemon never hears of.
pub fn calls(command: &Command, outcome: &Outcome) -> Vec<ApiCall> {
    match command {
        Command::Help(_) | Command::ExitCodeOf { .. } | Command::BuildResume(_) | Command::BuildAwait { .. } => {
            Vec::new()
        }
        Command::Run(options) => run(options, outcome),
        Command::Create(options) => create(options, outcome),
        Command::Ps(options) => vec![ps(options)],
        Command::Start { containers, attach } => start(containers, *attach),
        Command::Stop { containers, time, signal, kill } => containers
            .iter()
            .map(|c| {
                if *kill {
                    ApiCall::post(format!("/containers/{c}/kill")).query_if(signal.is_some(), "signal", opt(signal))
                } else {
                    ApiCall::post(format!("/containers/{c}/stop"))
                        .query_if(signal.is_some(), "signal", opt(signal))
                        .query_if(time.is_some(), "t", opt(time))
                }
            })
            .collect(),
        Command::Restart { containers, time } => containers
            .iter()
            .map(|c| ApiCall::post(format!("/containers/{c}/restart")).query_if(time.is_some(), "t", opt(time)))
            .collect(),
        Command::Wait { containers } => {
            containers.iter().map(|c| ApiCall::post(format!("/containers/{c}/wait"))).collect()
        }
        Command::Pause { containers, paused } => {
            let verb = if *paused { "pause" } else { "unpause" };
            containers.iter().map(|c| ApiCall::post(format!("/containers/{c}/{verb}"))).collect()
        }
        Command::Rename { container, name } => {
            vec![ApiCall::post(format!("/containers/{container}/rename")).query("name", name)]
        }
        Command::Logs(options) => logs(options),
        Command::Top { container } => vec![ApiCall::get(format!("/containers/{container}/top"))],
        Command::Attach { container } => vec![
            ApiCall::post(format!("/containers/{container}/wait"))
                .note("asked first, answered when the container ends"),
            ApiCall::get(format!("/containers/{container}/json")).note("is it running, and does it keep stdin open?"),
            attach_call(container, false).note("stdin=1 too when the container was created with -i"),
            ApiCall::get(format!("/containers/{container}/json")).note("checked again: did it stop meanwhile?"),
        ],
        Command::Exec(options) => exec(options),
        Command::Stats { containers, all, format: _ } => stats(containers, *all),
        Command::VolumeCreate { name, labels } => {
            let labels: Map<String, Value> = labels
                .iter()
                .map(|l| {
                    let (key, value) = l.split_once('=').unwrap_or((l, ""));
                    (key.to_string(), Value::from(value))
                })
                .collect();
            let mut body = json!({ "Driver": "local", "DriverOpts": {}, "Labels": labels });
            if let (Some(name), Some(map)) = (name, body.as_object_mut()) {
                map.insert("Name".into(), Value::from(name.as_str()));
            }
            vec![ApiCall::post("/volumes/create").json(body)]
        }
        Command::VolumeLs { quiet: _, filters } => vec![with_filters(ApiCall::get("/volumes"), filters)],
        Command::VolumeInspect { names } => names.iter().map(|n| ApiCall::get(format!("/volumes/{n}"))).collect(),
        Command::VolumeRm { names, force } => {
            names.iter().map(|n| ApiCall::delete(format!("/volumes/{n}")).query_if(*force, "force", "1")).collect()
        }
        Command::VolumePrune { force: _ } => vec![ApiCall::post("/volumes/prune")],
        Command::Port { container, port: _ } => vec![ApiCall::get(format!("/containers/{container}/json"))
            .note("the ports are in the answer's NetworkSettings.Ports")],
        Command::Inspect { names, format: _, kind } => names.iter().flat_map(|n| inspect(n, kind.as_deref())).collect(),
        Command::Images(options) => {
            let mut filters = options.filters.clone();
            if let Some(repository) = &options.repository {
                filters.push(format!("reference={repository}"));
            }
            vec![with_filters(ApiCall::get("/images/json").query_if(options.all, "all", "1"), &filters)]
        }
        Command::Diff { container } => vec![ApiCall::get(format!("/containers/{container}/changes"))],
        Command::SystemDf => vec![ApiCall::get("/system/df")],
        Command::Build(options) => vec![build(options)],
        Command::BuilderPrune { all, force: _ } => vec![ApiCall::post("/build/prune").query_if(*all, "all", "1")],
        Command::Commit { container, repository, message, changes } => {
            vec![commit(container, repository, message, changes)]
        }
        Command::Save { images, output: _ } => {
            let mut call = ApiCall::get("/images/get");
            for image in images {
                call = call.query("names", image);
            }
            vec![call.note("the answer is the tar archive the client writes to the file")]
        }
        Command::Load { input: _ } => vec![ApiCall::post("/images/load").stream("the image archive, a tar")],
        Command::Push { image, all_tags, quiet: _ } => match Reference::parse(image) {
            Ok(reference) => {
                let call = ApiCall::post(format!("/images/{}/push", reference.familiar_name()));
                let tag = api_tag(&reference);
                vec![call.query_if(!*all_tags, "tag", &tag).note("X-Registry-Auth carries the registry login, if any")]
            }
            // The client checks the reference before it asks the daemon anything.
            Err(_) => Vec::new(),
        },
        Command::Tag { source, target } => match Reference::parse(target) {
            Ok(reference) => vec![ApiCall::post(format!("/images/{source}/tag"))
                .query("repo", reference.familiar_name())
                .query("tag", reference.tag.as_deref().unwrap_or(DEFAULT_TAG))],
            Err(_) => Vec::new(),
        },
        Command::Rmi { force, no_prune, images } => images
            .iter()
            .map(|i| {
                ApiCall::delete(format!("/images/{i}"))
                    .query_if(*force, "force", "1")
                    .query_if(*no_prune, "noprune", "1")
            })
            .collect(),
        Command::History { image, .. } => vec![ApiCall::get(format!("/images/{image}/history"))],
        Command::ImageInspect { images, format: _ } => {
            images.iter().map(|i| ApiCall::get(format!("/images/{i}/json"))).collect()
        }
        Command::Pull { image, quiet: _ } => match Reference::parse(image) {
            Ok(reference) => vec![pull_call(&reference)],
            Err(_) => Vec::new(),
        },
        Command::Rm { force, volumes, containers } => containers
            .iter()
            .map(|c| {
                ApiCall::delete(format!("/containers/{c}")).query_if(*force, "force", "1").query_if(*volumes, "v", "1")
            })
            .collect(),
        Command::Version => vec![ApiCall::get("/version")],
        Command::Cp(options) => cp(options),
        Command::Export { container, output: _ } => vec![ApiCall::get(format!("/containers/{container}/export"))
            .note("the answer is the container's filesystem as a tar, which the client writes to the file")],
        Command::ImagePrune { all, force: _, filters } => {
            let mut filters = filters.clone();
            filters.push(format!("dangling={}", !all));
            vec![with_filters(ApiCall::post("/images/prune"), &filters)]
        }
        Command::NetworkCreate(o) => {
            let labels: Map<String, Value> = o
                .labels
                .iter()
                .map(|l| {
                    let (key, value) = l.split_once('=').unwrap_or((l, ""));
                    (key.to_string(), Value::from(value))
                })
                .collect();
            let config: Vec<Value> = o
                .subnets
                .iter()
                .enumerate()
                .map(|(i, subnet)| {
                    let mut entry = json!({ "Subnet": subnet });
                    if let (Some(gateway), Some(map)) = (o.gateways.get(i), entry.as_object_mut()) {
                        map.insert("Gateway".into(), Value::from(gateway.as_str()));
                    }
                    entry
                })
                .collect();
            vec![ApiCall::post("/networks/create").json(json!({
                "Name": o.name,
                "CheckDuplicate": true,
                "Driver": o.driver.as_deref().unwrap_or("bridge"),
                "Scope": "",
                "EnableIPv6": false,
                "IPAM": { "Driver": "default", "Options": {}, "Config": config },
                "Internal": o.internal,
                "Attachable": o.attachable,
                "Ingress": false,
                "ConfigOnly": false,
                "ConfigFrom": null,
                "Options": {},
                "Labels": labels,
            }))]
        }
        Command::NetworkLs { filters, .. } => vec![with_filters(ApiCall::get("/networks"), filters)],
        Command::NetworkInspect { names, format: _ } => {
            names.iter().map(|n| ApiCall::get(format!("/networks/{n}"))).collect()
        }
        Command::NetworkConnect { network, container, aliases } => {
            let endpoint = if aliases.is_empty() { Value::Null } else { json!({ "Aliases": aliases }) };
            vec![ApiCall::post(format!("/networks/{network}/connect"))
                .json(json!({ "Container": container, "EndpointConfig": endpoint }))]
        }
        Command::NetworkDisconnect { network, container, force } => {
            vec![ApiCall::post(format!("/networks/{network}/disconnect"))
                .json(json!({ "Container": container, "Force": force }))]
        }
        Command::NetworkRm { names } => names.iter().map(|n| ApiCall::delete(format!("/networks/{n}"))).collect(),
        Command::NetworkPrune { force: _, filters } => vec![with_filters(ApiCall::post("/networks/prune"), filters)],
        Command::Swarm(command) => swarm::calls(command),
        Command::Compose(command) => compose::calls(command),
        Command::ComposeTask(_) => Vec::new(),
    }
}

fn opt(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

/// `filters` as the API takes them: JSON of each name's values, each mapped to `true`.
fn with_filters(call: ApiCall, filters: &[String]) -> ApiCall {
    if filters.is_empty() {
        return call;
    }
    let mut by_name: std::collections::BTreeMap<&str, std::collections::BTreeMap<&str, bool>> = Default::default();
    for filter in filters {
        let (name, value) = filter.split_once('=').unwrap_or((filter, ""));
        by_name.entry(name).or_default().insert(value, true);
    }
    call.query("filters", serde_json::to_string(&by_name).unwrap_or_default())
}

/// The `tag` parameter of a pull or push: the tag, a digest, or `latest`.
fn api_tag(reference: &Reference) -> String {
    match (&reference.digest, &reference.tag) {
        (Some(digest), _) => digest.to_string(),
        (None, Some(tag)) => tag.clone(),
        (None, None) => DEFAULT_TAG.to_string(),
    }
}

fn pull_call(reference: &Reference) -> ApiCall {
    ApiCall::post("/images/create").query("fromImage", reference.familiar_name()).query("tag", api_tag(reference))
}

/// `POST /containers/create`, and the pull that follows when the daemon answers that the image is
/// missing, then the same create again.
fn create(options: &RunOptions, outcome: &Outcome) -> Vec<ApiCall> {
    let call = ApiCall::post("/containers/create").json(create_body(options));
    let call = match &options.name {
        Some(name) => call.query("name", name),
        None => call,
    };
    let Ok(reference) = Reference::parse(&options.image) else {
        return vec![call];
    };
    match outcome.pulled {
        Some(false) => vec![call],
        Some(true) => vec![
            call.clone().note("answered 404: No such image"),
            pull_call(&reference).note("so the client pulls it"),
            call.note("and asks again"),
        ],
        None => vec![
            call.clone(),
            pull_call(&reference).note("only if create answered 404 (no such image): the client pulls it"),
            call.note("and then asks again"),
        ],
    }
}

/// The container's settings as `POST /containers/create` takes them: the container's config,
/// then its `HostConfig`.
fn create_body(o: &RunOptions) -> Value {
    let mut config = Map::new();
    let attach = !o.detach;
    if let Some(user) = &o.user {
        config.insert("User".into(), Value::from(user.as_str()));
    }
    config.insert("AttachStdin".into(), Value::from(o.interactive && attach));
    config.insert("AttachStdout".into(), Value::from(attach));
    config.insert("AttachStderr".into(), Value::from(attach));
    let ports: Vec<Port> = o.publish.iter().map(|p| Port::parse(p)).collect();
    if !ports.is_empty() {
        let exposed: Map<String, Value> = ports.iter().map(|p| (p.key(), json!({}))).collect();
        config.insert("ExposedPorts".into(), Value::Object(exposed));
    }
    config.insert("Tty".into(), Value::from(o.tty));
    config.insert("OpenStdin".into(), Value::from(o.interactive));
    config.insert("StdinOnce".into(), Value::from(o.interactive && attach));
    if !o.env.is_empty() {
        config.insert("Env".into(), Value::from(o.env.clone()));
    }
    if !o.command.is_empty() {
        config.insert("Cmd".into(), Value::from(o.command.clone()));
    }
    config.insert("Image".into(), Value::from(o.image.as_str()));
    let (anonymous, named): (Vec<&String>, Vec<&String>) = o.volumes.iter().partition(|v| !v.contains(':'));
    if !anonymous.is_empty() {
        let volumes: Map<String, Value> = anonymous.iter().map(|v| (v.to_string(), json!({}))).collect();
        config.insert("Volumes".into(), Value::Object(volumes));
    }
    if let Some(workdir) = &o.workdir {
        config.insert("WorkingDir".into(), Value::from(workdir.as_str()));
    }
    if let Some(entrypoint) = &o.entrypoint {
        config.insert("Entrypoint".into(), json!([entrypoint]));
    }
    if let Some(timeout) = o.stop_timeout {
        config.insert("StopTimeout".into(), Value::from(timeout));
    }

    let mut host = Map::new();
    if !named.is_empty() {
        host.insert("Binds".into(), Value::from(named.into_iter().cloned().collect::<Vec<_>>()));
    }
    host.insert("NetworkMode".into(), Value::from(o.network.as_deref().unwrap_or("default")));
    if !ports.is_empty() {
        let mut bindings = Map::new();
        for port in &ports {
            let binding = json!({ "HostIp": port.host_ip, "HostPort": port.host_port });
            match bindings.get_mut(&port.key()).and_then(Value::as_array_mut) {
                Some(list) => list.push(binding),
                None => {
                    bindings.insert(port.key(), json!([binding]));
                }
            }
        }
        host.insert("PortBindings".into(), Value::Object(bindings));
    }
    let restart = o.restart.as_deref().unwrap_or("no");
    let (policy, retries) = match restart.split_once(':') {
        Some((name, count)) => (name, count.parse::<u64>().unwrap_or(0)),
        None => (restart, 0),
    };
    host.insert("RestartPolicy".into(), json!({ "Name": policy, "MaximumRetryCount": retries }));
    host.insert("AutoRemove".into(), Value::from(o.remove));
    if o.publish_all {
        host.insert("PublishAllPorts".into(), Value::from(true));
    }
    if let Some(memory) = o.memory {
        host.insert("Memory".into(), Value::from(memory));
    }
    if !o.mounts.is_empty() {
        host.insert("Mounts".into(), Value::from(o.mounts.iter().map(|m| mount(m)).collect::<Vec<_>>()));
    }
    config.insert("HostConfig".into(), Value::Object(host));
    // A network's aliases travel in the endpoint's config, under the network's name.
    if let (Some(network), false) = (&o.network, o.network_aliases.is_empty()) {
        let endpoint = json!({ network.as_str(): { "Aliases": o.network_aliases } });
        config.insert("NetworkingConfig".into(), json!({ "EndpointsConfig": endpoint }));
    }
    Value::Object(config)
}

/// A `-p` value as the client sends it: the container's port and protocol, and the host's
/// address and port, empty where not given.
struct Port {
    host_ip: String,
    host_port: String,
    container: String,
    proto: String,
}

impl Port {
    fn parse(text: &str) -> Port {
        let (ports, proto) = text.split_once('/').unwrap_or((text, "tcp"));
        let parts: Vec<&str> = ports.rsplitn(3, ':').collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or_default().to_string();
        Port { container: part(0), host_port: part(1), host_ip: part(2), proto: proto.to_string() }
    }

    /// The key Docker's port maps use: `80/tcp`.
    fn key(&self) -> String {
        format!("{}/{}", self.container, self.proto)
    }
}

/// A `--mount` value as `HostConfig.Mounts` takes it.
fn mount(text: &str) -> Value {
    let mut out = Map::new();
    let mut kind = "volume".to_string();
    let (mut source, mut target, mut read_only) = (None, None, false);
    for field in text.split(',') {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        match key {
            "type" => kind = value.to_string(),
            "source" | "src" => source = Some(value.to_string()),
            "target" | "destination" | "dst" => target = Some(value.to_string()),
            "readonly" | "ro" => read_only = value.is_empty() || value == "true" || value == "1",
            _ => {}
        }
    }
    out.insert("Type".into(), Value::from(kind));
    if let Some(source) = source {
        out.insert("Source".into(), Value::from(source));
    }
    out.insert("Target".into(), Value::from(target.unwrap_or_default()));
    if read_only {
        out.insert("ReadOnly".into(), Value::from(true));
    }
    Value::Object(out)
}

/// `POST /containers/{id}/attach` for the container's output, and its input with `stdin`.
fn attach_call(container: &str, stdin: bool) -> ApiCall {
    ApiCall::post(format!("/containers/{container}/attach"))
        .query("stream", "1")
        .query_if(stdin, "stdin", "1")
        .query("stdout", "1")
        .query("stderr", "1")
}

/// `docker run`: create, then, unless detached, attach, and wait (even detached) before the
/// start, so that no output and no exit is missed.
fn run(options: &RunOptions, outcome: &Outcome) -> Vec<ApiCall> {
    let mut calls = create(options, outcome);
    let known = outcome.container.is_some();
    let id = outcome.container.clone().unwrap_or_else(|| ID.to_string());
    let condition = if options.remove { "removed" } else { "next-exit" };
    let mut then = vec![ApiCall::post(format!("/containers/{id}/wait")).query("condition", condition)];
    if !options.detach {
        then.insert(0, attach_call(&id, options.interactive));
    }
    then.push(ApiCall::post(format!("/containers/{id}/start")));
    if !known {
        // The first call to name the id says what it is.
        then[0].note = Some("{id}: the Id that create answered".to_string());
    }
    calls.extend(then);
    calls
}

/// `docker start`: each container started; with `-a`, its output attached first and its end
/// waited for.
fn start(containers: &[String], attach: bool) -> Vec<ApiCall> {
    match containers {
        [container] if attach => vec![
            ApiCall::get(format!("/containers/{container}/json")),
            attach_call(ID, false).note("{id}: the Id the inspect answered; stdin=1 too for a container made with -i"),
            ApiCall::post(format!("/containers/{ID}/wait"))
                .query("condition", "next-exit")
                .note("condition=removed for a container made with --rm"),
            ApiCall::post(format!("/containers/{ID}/start")),
        ],
        _ => containers.iter().map(|c| ApiCall::post(format!("/containers/{c}/start"))).collect(),
    }
}

fn ps(o: &PsOptions) -> ApiCall {
    let call = ApiCall::get("/containers/json").query_if(o.all, "all", "1").query_if(o.size, "size", "1");
    let call = match o.last {
        Some(n) if n > 0 => call.query("limit", n.to_string()),
        _ => call,
    };
    with_filters(call, &o.filters)
}

fn logs(o: &LogsOptions) -> Vec<ApiCall> {
    let c = &o.container;
    let mut call = ApiCall::get(format!("/containers/{ID}/logs"))
        .query("stdout", "1")
        .query("stderr", "1")
        .query("tail", o.tail.as_deref().unwrap_or("all"))
        .query_if(o.follow, "follow", "1")
        .query_if(o.timestamps, "timestamps", "1");
    for (name, value) in [("since", &o.since), ("until", &o.until)] {
        if let Some(value) = value {
            call = call.query(name, value);
        }
    }
    let call = if o.since.is_some() || o.until.is_some() {
        call.note("{id}: the Id the inspect answered; the client turns a relative time such as 10m into a Unix time")
    } else {
        call.note("{id}: the Id the inspect answered")
    };
    vec![ApiCall::get(format!("/containers/{c}/json")).note("was it made with a terminal (-t)?"), call]
}

fn exec(o: &ExecOptions) -> Vec<ApiCall> {
    let c = &o.container;
    let attach = !o.detach;
    let mut body = Map::new();
    if let Some(user) = &o.user {
        body.insert("User".into(), Value::from(user.as_str()));
    }
    body.insert("Tty".into(), Value::from(o.tty));
    body.insert("AttachStdin".into(), Value::from(o.interactive && attach));
    body.insert("AttachStderr".into(), Value::from(attach));
    body.insert("AttachStdout".into(), Value::from(attach));
    if !o.env.is_empty() {
        body.insert("Env".into(), Value::from(o.env.clone()));
    }
    if let Some(workdir) = &o.workdir {
        body.insert("WorkingDir".into(), Value::from(workdir.as_str()));
    }
    body.insert("Cmd".into(), Value::from(o.command.clone()));
    let mut calls = vec![
        ApiCall::get(format!("/containers/{c}/json")).note("does the container exist?"),
        ApiCall::post(format!("/containers/{c}/exec")).json(Value::Object(body)),
        ApiCall::post(format!("/exec/{ID}/start"))
            .json(json!({ "Detach": o.detach, "Tty": o.tty }))
            .note("{id}: the Id of the exec instance the call before answered"),
    ];
    if attach {
        calls.push(ApiCall::get(format!("/exec/{ID}/json")).note("for the process's exit code"));
    }
    calls
}

fn stats(containers: &[String], all: bool) -> Vec<ApiCall> {
    let one = |c: &str| ApiCall::get(format!("/containers/{c}/stats")).query("stream", "0");
    if containers.is_empty() {
        vec![ApiCall::get("/containers/json").query_if(all, "all", "1"), one(ID).note("for each container listed")]
    } else {
        containers.iter().map(|c| one(c)).collect()
    }
}

/// `docker inspect` asks for a container first, then for an image, then for a volume, unless
/// `--type` says which.
fn inspect(name: &str, kind: Option<&str>) -> Vec<ApiCall> {
    let container = ApiCall::get(format!("/containers/{name}/json"));
    let image = ApiCall::get(format!("/images/{name}/json"));
    let volume = ApiCall::get(format!("/volumes/{name}"));
    match kind {
        Some("container") => vec![container],
        Some("image") => vec![image],
        Some("volume") => vec![volume],
        _ => vec![
            container,
            image.note("only if no container has that name"),
            volume.note("only if no image has it either"),
        ],
    }
}

fn build(o: &BuildOptions) -> ApiCall {
    let mut call =
        ApiCall::post("/build").query("dockerfile", o.file.as_deref().unwrap_or("Dockerfile")).query("rm", "1");
    for tag in &o.tags {
        call = call.query("t", tag);
    }
    if !o.build_args.is_empty() {
        let args: Map<String, Value> = o
            .build_args
            .iter()
            .map(|a| match a.split_once('=') {
                Some((name, value)) => (name.to_string(), Value::from(value)),
                // A name alone takes the client's own variable, or nothing.
                None => (a.clone(), Value::Null),
            })
            .collect();
        call = call.query("buildargs", Value::Object(args).to_string());
    }
    if let Some(target) = &o.target {
        call = call.query("target", target);
    }
    let quiet = o.quiet || o.progress.as_deref() == Some("quiet");
    let call = call.query_if(o.no_cache, "nocache", "1").query_if(quiet, "q", "1");
    let call = call.stream(&format!("the build context, the folder {}, as a tar (less .dockerignore)", o.context));
    if o.check {
        call.note("with --check, BuildKit (version=2) runs the Dockerfile's checks instead of the steps")
    } else {
        call
    }
}

fn commit(container: &str, repository: &Option<String>, message: &str, changes: &[String]) -> ApiCall {
    let (repo, tag) = match repository.as_deref().map(Reference::parse) {
        Some(Ok(reference)) => (reference.familiar_name(), reference.tag.unwrap_or_default()),
        _ => (String::new(), String::new()),
    };
    let mut call = ApiCall::post("/commit")
        .query("container", container)
        .query("repo", repo)
        .query("tag", tag)
        .query("comment", message)
        .query("author", "");
    for change in changes {
        call = call.query("changes", change);
    }
    call
}

/// Which side of `docker cp` is the container: `CONTAINER:PATH`, unless it starts like a path.
fn container_side(arg: &str) -> Option<(&str, &str)> {
    if arg.starts_with('/') || arg.starts_with('.') {
        return None;
    }
    arg.split_once(':')
}

fn cp(o: &CpOptions) -> Vec<ApiCall> {
    let archive = |c: &str| format!("/containers/{c}/archive");
    if let Some((container, path)) = container_side(&o.source) {
        let stat = ApiCall::new("HEAD", archive(container)).query("path", path);
        let get = ApiCall::get(archive(container))
            .query("path", path)
            .note("the answer is a tar of what lies at the path, which the client unpacks");
        return if o.follow_link { vec![stat.note("where does the link lead?"), get] } else { vec![get] };
    }
    if let Some((container, path)) = container_side(&o.destination) {
        return vec![
            ApiCall::new("HEAD", archive(container)).query("path", path).note("is the destination a directory?"),
            ApiCall::new("PUT", archive(container))
                .query("path", path)
                .query("noOverwriteDirNonDir", "true")
                .query_if(o.archive, "copyUIDGID", "true")
                .stream("what is copied, as a tar")
                .note("path is the destination's directory: its parent when the copy takes a new name"),
        ];
    }
    // Neither side is a container: the client refuses before asking the daemon.
    Vec::new()
}

#[cfg(test)]
mod tests;
