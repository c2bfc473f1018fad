//! A Compose project, its loading options and its errors as they cross to and from the annex
//! (`crate::annex`): each value a JSON array of its fields in order, with no field names.
//!
//! Not serde: its derived code for the model's eighteen types, instantiated for serde_json, would
//! put back a third of what moving the loader out of the page's first module saves. These few
//! functions over `serde_json::Value`, which the engine reads and writes anyway, cost little.
//! Both ends are this file, so they cannot drift apart; the tests send every field across.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::model::*;
use super::{ComposeError, Loaded, Options, Position};

/// `value` as it crosses.
#[cfg_attr(feature = "annex", allow(dead_code))]
pub(crate) fn put<T: Wire>(value: &T) -> Json {
    value.put()
}

/// Options as [`put`] wrote them.
#[cfg_attr(not(feature = "annex"), allow(dead_code))]
pub(crate) fn options(json: &Json) -> Option<Options> {
    Options::take(json)
}

/// A project as [`put`] wrote it.
#[cfg_attr(not(feature = "annex"), allow(dead_code))]
pub(crate) fn project(json: &Json) -> Option<Project> {
    Project::take(json)
}

/// A load's outcome as it crosses.
#[cfg_attr(not(feature = "annex"), allow(dead_code))]
pub(crate) fn loaded(result: &Result<Loaded, ComposeError>) -> Json {
    result.put()
}

/// A load's outcome as [`loaded`] wrote it.
#[cfg_attr(feature = "annex", allow(dead_code))]
pub(crate) fn result(json: &Json) -> Option<Result<Loaded, ComposeError>> {
    Result::take(json)
}

/// A value that crosses to the annex and back.
pub(crate) trait Wire: Sized {
    fn put(&self) -> Json;
    /// The value back, or `None` for JSON this side did not write.
    fn take(json: &Json) -> Option<Self>;
}

impl Wire for String {
    fn put(&self) -> Json {
        Json::String(self.clone())
    }
    fn take(json: &Json) -> Option<Self> {
        json.as_str().map(str::to_string)
    }
}

impl Wire for bool {
    fn put(&self) -> Json {
        Json::Bool(*self)
    }
    fn take(json: &Json) -> Option<Self> {
        json.as_bool()
    }
}

/// Integers go as JSON numbers, which hold these types' every value exactly.
macro_rules! wire_number {
    ($($ty:ty => $as:ident),*) => {$(
        impl Wire for $ty {
            fn put(&self) -> Json {
                Json::from(*self)
            }
            fn take(json: &Json) -> Option<Self> {
                json.$as()?.try_into().ok()
            }
        }
    )*};
}
wire_number!(u16 => as_u64, u32 => as_u64, u64 => as_u64, usize => as_u64, i64 => as_i64);

impl<T: Wire> Wire for Option<T> {
    fn put(&self) -> Json {
        self.as_ref().map_or(Json::Null, Wire::put)
    }
    fn take(json: &Json) -> Option<Self> {
        match json {
            Json::Null => Some(None),
            json => T::take(json).map(Some),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self) -> Json {
        Json::Array(self.iter().map(Wire::put).collect())
    }
    fn take(json: &Json) -> Option<Self> {
        json.as_array()?.iter().map(T::take).collect()
    }
}

impl<T: Wire> Wire for BTreeMap<String, T> {
    fn put(&self) -> Json {
        Json::Object(self.iter().map(|(k, v)| (k.clone(), v.put())).collect())
    }
    fn take(json: &Json) -> Option<Self> {
        // Inserted one by one, as `crate::sort::map` says why.
        let mut map = BTreeMap::new();
        for (key, value) in json.as_object()? {
            map.insert(key.clone(), T::take(value)?);
        }
        Some(map)
    }
}

/// A struct as the array of its fields, in the order named here; a struct that gains a field
/// and is not listed here fails to compile, since `take` builds it whole.
macro_rules! wire_struct {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {$(
        impl Wire for $ty {
            fn put(&self) -> Json {
                Json::Array(vec![$(self.$field.put()),*])
            }
            fn take(json: &Json) -> Option<Self> {
                let mut fields = json.as_array()?.iter();
                Some($ty { $($field: Wire::take(fields.next()?)?),* })
            }
        }
    )*};
}

wire_struct! {
    Position { line, column }
    Project { name, services, networks, volumes }
    Service {
        image, build, command, entrypoint, environment, env_file, ports, volumes, networks, depends_on, restart,
        healthcheck, container_name, hostname, working_dir, user, labels, expose, profiles, position,
    }
    Build { context, dockerfile, args, target }
    EnvFile { path, required }
    Port { target, published, host_ip, protocol, mode, name, app_protocol }
    Mount { kind, source, target, read_only, create_host_path, nocopy }
    ServiceNetwork { aliases, ipv4_address }
    Dependency { condition, restart, required }
    Healthcheck { test, interval, timeout, start_period, start_interval, retries, disable }
    Network { name, driver, external, internal, labels }
    Volume { name, driver, external, labels }
    Loaded { project, warnings }
    Options { env, directory, project_name, working_dir }
}

/// An enum's variant as its number, then its fields.
fn tagged(tag: u8, fields: Vec<Json>) -> Json {
    let mut items = vec![Json::from(tag)];
    items.extend(fields);
    Json::Array(items)
}

/// The variant's number and its fields, from [`tagged`]'s array.
fn untag(json: &Json) -> Option<(u64, &[Json])> {
    let (tag, fields) = json.as_array()?.split_first()?;
    Some((tag.as_u64()?, fields))
}

impl Wire for Command {
    fn put(&self) -> Json {
        match self {
            Command::Shell { words, text } => tagged(0, vec![words.put(), text.put()]),
            Command::Exec(words) => tagged(1, vec![words.put()]),
        }
    }
    fn take(json: &Json) -> Option<Self> {
        match untag(json)? {
            (0, [words, text]) => Some(Command::Shell { words: Wire::take(words)?, text: Wire::take(text)? }),
            (1, [words]) => Some(Command::Exec(Wire::take(words)?)),
            _ => None,
        }
    }
}

impl Wire for HealthTest {
    fn put(&self) -> Json {
        match self {
            HealthTest::Cmd(words) => tagged(0, vec![words.put()]),
            HealthTest::Shell(text) => tagged(1, vec![text.put()]),
            HealthTest::None => tagged(2, vec![]),
        }
    }
    fn take(json: &Json) -> Option<Self> {
        match untag(json)? {
            (0, [words]) => Some(HealthTest::Cmd(Wire::take(words)?)),
            (1, [text]) => Some(HealthTest::Shell(Wire::take(text)?)),
            (2, []) => Some(HealthTest::None),
            _ => None,
        }
    }
}

impl Wire for Restart {
    fn put(&self) -> Json {
        match self {
            Restart::No => tagged(0, vec![]),
            Restart::Always => tagged(1, vec![]),
            Restart::OnFailure(tries) => tagged(2, vec![tries.put()]),
            Restart::UnlessStopped => tagged(3, vec![]),
        }
    }
    fn take(json: &Json) -> Option<Self> {
        match untag(json)? {
            (0, []) => Some(Restart::No),
            (1, []) => Some(Restart::Always),
            (2, [tries]) => Some(Restart::OnFailure(Wire::take(tries)?)),
            (3, []) => Some(Restart::UnlessStopped),
            _ => None,
        }
    }
}

/// The variants with no fields, by the name Compose writes for them.
macro_rules! wire_names {
    ($($ty:ident { $($variant:ident),* })*) => {$(
        impl Wire for $ty {
            fn put(&self) -> Json {
                Json::from(self.as_str())
            }
            fn take(json: &Json) -> Option<Self> {
                let name = json.as_str()?;
                [$($ty::$variant),*].into_iter().find(|v| v.as_str() == name)
            }
        }
    )*};
}

wire_names! {
    MountType { Volume, Bind, Tmpfs }
    Condition { Started, Healthy, CompletedSuccessfully }
}

impl Wire for ComposeError {
    fn put(&self) -> Json {
        use ComposeError as E;
        match self {
            E::Yaml { position, message } => tagged(0, vec![position.put(), message.put()]),
            E::Interpolation { position, message } => tagged(1, vec![position.put(), message.put()]),
            E::Schema { position, message } => tagged(2, vec![position.put(), message.put()]),
            E::Project { position, message } => tagged(3, vec![position.put(), message.put()]),
            E::Name(name) => tagged(4, vec![name.put()]),
            E::Cycle(services) => tagged(5, vec![services.put()]),
            E::EnvFileMissing(path) => tagged(6, vec![path.put()]),
            E::EnvFile { path, line, message } => tagged(7, vec![path.put(), line.put(), message.put()]),
            E::Empty => tagged(8, vec![]),
            E::Annex(why) => tagged(9, vec![why.put()]),
        }
    }
    fn take(json: &Json) -> Option<Self> {
        use ComposeError as E;
        let take = |json: &Json| String::take(json);
        Some(match untag(json)? {
            (0, [p, m]) => E::Yaml { position: Wire::take(p)?, message: take(m)? },
            (1, [p, m]) => E::Interpolation { position: Wire::take(p)?, message: take(m)? },
            (2, [p, m]) => E::Schema { position: Wire::take(p)?, message: take(m)? },
            (3, [p, m]) => E::Project { position: Wire::take(p)?, message: take(m)? },
            (4, [name]) => E::Name(take(name)?),
            (5, [services]) => E::Cycle(Wire::take(services)?),
            (6, [path]) => E::EnvFileMissing(take(path)?),
            (7, [path, line, m]) => E::EnvFile { path: take(path)?, line: Wire::take(line)?, message: take(m)? },
            (8, []) => E::Empty,
            (9, [why]) => E::Annex(take(why)?),
            _ => return None,
        })
    }
}

impl<T: Wire> Wire for Result<T, ComposeError> {
    fn put(&self) -> Json {
        match self {
            Ok(value) => tagged(0, vec![value.put()]),
            Err(e) => tagged(1, vec![e.put()]),
        }
    }
    fn take(json: &Json) -> Option<Self> {
        match untag(json)? {
            (0, [value]) => T::take(value).map(Ok),
            (1, [e]) => ComposeError::take(e).map(Err),
            _ => None,
        }
    }
}

#[cfg(all(test, feature = "annex"))]
mod tests {
    use super::*;

    fn across<T: Wire + PartialEq + std::fmt::Debug>(value: &T) {
        // Through text too, as between the page's two modules.
        let text = value.put().to_string();
        let back = T::take(&serde_json::from_str(&text).unwrap());
        assert_eq!(back.as_ref(), Some(value), "{text}");
    }

    /// A project that sets every field the loader fills, so none can be left off the wire.
    const EVERYTHING: &str = r#"
name: full
services:
  web:
    image: nginx:alpine
    build:
      context: ./web
      dockerfile: Web.Dockerfile
      args: { A: "1", B: null }
      target: prod
    command: ["serve", "--port", "80"]
    entrypoint: /bin/sh -c 'exec "$$0"'
    environment: { MODE: prod, EMPTY: "" , UNSET: null }
    env_file: [{ path: ./web.env, required: false }]
    ports: ["127.0.0.1:8080:80/udp", { target: 443, published: "8443", name: https, app_protocol: https, mode: host }]
    volumes: ["data:/data:ro", { type: bind, source: ./site, target: /site, bind: { create_host_path: true } }, { type: volume, source: cache, target: /cache, volume: { nocopy: true } }, { type: tmpfs, target: /tmp }]
    networks: { front: { aliases: [www], ipv4_address: 172.30.0.5 } }
    depends_on: { kv: { condition: service_healthy, restart: true, required: false } }
    restart: on-failure:3
    healthcheck: { test: ["CMD", "true"], interval: 10s, timeout: 2s, start_period: 1s, start_interval: 1s, retries: 3 }
    container_name: the-web
    hostname: web.local
    working_dir: /srv
    user: "1000"
    labels: { tier: front }
    expose: ["9000"]
    profiles: [prod]
  kv:
    image: redis
    restart: unless-stopped
    command: redis-server --appendonly yes
    healthcheck: { disable: true }
networks:
  front: { driver: bridge, internal: true, labels: { a: b } }
  outside: { external: true, name: corp }
volumes:
  data: { driver: local, labels: { keep: "yes" } }
  cache: { external: true }
"#;

    #[test]
    fn every_field_of_a_project_crosses_and_comes_back_equal() {
        let options = Options::new("full").with_env("HOME", "/home/me");
        let loaded = crate::compose::load(EVERYTHING, &options).unwrap();
        let web = &loaded.project.services["web"];
        // The fixture fills what it means to, or the round trip would prove less than it says.
        assert!(web.build.is_some() && web.healthcheck.is_some() && web.restart.is_some());
        assert_eq!(web.ports.len(), 2);
        assert_eq!(web.volumes.len(), 4);
        across(&loaded);
        across(&options);
        for restart in [Restart::No, Restart::Always, Restart::OnFailure(None), Restart::UnlessStopped] {
            across(&restart);
        }
        across(&HealthTest::None);
        across(&HealthTest::Shell("true".into()));
    }

    #[test]
    fn every_error_crosses_and_comes_back_equal() {
        let position = Position { line: 3, column: 7 };
        let errors = [
            ComposeError::Yaml { position, message: "m".into() },
            ComposeError::Interpolation { position, message: "m".into() },
            ComposeError::Schema { position, message: "m".into() },
            ComposeError::Project { position: None, message: "m".into() },
            ComposeError::Project { position: Some(position), message: "m".into() },
            ComposeError::Name("N".into()),
            ComposeError::Cycle(vec!["a".into(), "b".into()]),
            ComposeError::EnvFileMissing("x.env".into()),
            ComposeError::EnvFile { path: "x.env".into(), line: 2, message: "m".into() },
            ComposeError::Empty,
            ComposeError::Annex("why".into()),
        ];
        for error in errors {
            across(&Err::<Loaded, _>(error));
        }
    }

    #[test]
    fn json_this_side_did_not_write_is_refused_not_guessed() {
        for text in ["null", "[]", "[9]", "[0, 1]", "{\"a\": 1}", "[1, [[4]]]"] {
            let json: Json = serde_json::from_str(text).unwrap();
            assert_eq!(Result::<Loaded, ComposeError>::take(&json), None, "{text}");
        }
        assert_eq!(u16::take(&Json::from(70_000)), None, "out of range");
    }
}
