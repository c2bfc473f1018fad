//! The annex: the parts of the engine that the first lesson never uses, which a host may keep in
//! a second module and load when a command first needs them. Today that is Go's templates
//! (`--format`) and the Compose loader (`docker compose`, `docker stack deploy`): together about a
//! twelfth of the page's download, and pure functions of text, so they cross a module boundary as
//! JSON.
//!
//! Built with the `annex` feature, the engine calls them directly, and [`serve`] answers requests
//! for another build. Built without it, as the page's first module is, the engine asks the
//! [`Transport`] the host installed. Until one is installed, a command that would need the annex
//! does not start: [`crate::Engine::execute_command`] answers [`crate::Step::LoadAnnex`], and the
//! host installs the annex and runs the command again, as it does for a blob fetched first. The
//! command's [`crate::cli::Command::needs_annex`] says so up front; debug builds with the annex
//! check that no command reaches it without saying so.
//!
//! Architecture invariant: the annex holds no state between calls. Each request carries all it
//! needs, so a page may load it at any time and lose it with nothing to restore.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::template::{Funcs, TemplateError};

/// The host's way to a build of the engine that has the annex: hands a request's JSON to
/// [`serve`] there and returns its answer, or why it could not.
pub trait Transport {
    fn call(&self, request: &str) -> Result<String, String>;
}

/// What the engine asks the annex.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Request {
    /// Parse a Go template, for its errors.
    TemplateParse { text: String },
    /// Parse and run a Go template over `data`.
    TemplateExecute { text: String, data: Json, shape: Shape, funcs: Funcs },
    /// Load a Compose file; the options as `compose::wire` writes them.
    ComposeLoad { source: String, options: Json },
    /// Print a project (as `compose::wire` writes it) as `docker compose config` does.
    ComposeConfig { project: Json },
}

/// The annex's answer to a [`Request`], in the same order.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Response {
    TemplateParse(Result<(), TemplateError>),
    /// What the template wrote, which Go keeps even when it fails, and whether it failed.
    TemplateExecute(String, Result<(), TemplateError>),
    /// The loaded project or why not, as `compose::wire` writes a `Result<Loaded, ComposeError>`.
    ComposeLoad(Json),
    ComposeConfig(String),
    /// The request was not one this annex reads: a page and an annex of different builds.
    Unreadable(String),
}

/// [`crate::template::Shape`] as it travels: its type names are the engine's own constants,
/// which the annex takes back to `'static` names through [`intern`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Shape {
    Struct(String),
    Map { missing_key_error: bool },
    Header(String),
}

impl From<crate::template::Shape> for Shape {
    fn from(shape: crate::template::Shape) -> Self {
        use crate::template::Shape as S;
        match shape {
            S::Struct(name) => Shape::Struct(name.to_string()),
            S::Map { missing_key_error } => Shape::Map { missing_key_error },
            S::Header(name) => Shape::Header(name.to_string()),
        }
    }
}

#[cfg(not(feature = "annex"))]
thread_local! {
    static TRANSPORT: std::cell::RefCell<Option<Box<dyn Transport>>> = const { std::cell::RefCell::new(None) };
}

/// Installs the host's way to the annex; from now on, commands that need it run. A build with the
/// annex needs none, and ignores it.
pub fn install(transport: Box<dyn Transport>) {
    #[cfg(not(feature = "annex"))]
    TRANSPORT.with(|slot| *slot.borrow_mut() = Some(transport));
    #[cfg(feature = "annex")]
    drop(transport);
}

/// Whether the annex can be called: always with the `annex` feature, else once installed.
pub fn ready() -> bool {
    #[cfg(feature = "annex")]
    return true;
    #[cfg(not(feature = "annex"))]
    TRANSPORT.with(|slot| slot.borrow().is_some())
}

/// Asks the installed annex, and takes what `answer` picks out of its response; or says why not,
/// in the words the engine's errors use.
#[cfg(not(feature = "annex"))]
pub(crate) fn ask<T>(request: &Request, answer: impl FnOnce(Response) -> Option<T>) -> Result<T, String> {
    let asked = || -> Result<T, String> {
        let text = serde_json::to_string(request).map_err(|e| e.to_string())?;
        let response = TRANSPORT.with(|slot| match slot.borrow().as_ref() {
            Some(transport) => transport.call(&text),
            None => Err("it has not been loaded".to_string()),
        })?;
        match serde_json::from_str(&response).map_err(|e| e.to_string())? {
            Response::Unreadable(why) => Err(why),
            response => answer(response).ok_or_else(|| "its answer does not fit the question".to_string()),
        }
    };
    asked().map_err(|why| format!("dockyard: this part of the engine (the annex) is not available: {why}"))
}

/// Answers a request's JSON with the response's JSON: the whole annex, as another build of the
/// engine reaches it.
#[cfg(feature = "annex")]
pub fn serve(request: &str) -> String {
    let response = match serde_json::from_str(request) {
        Ok(request) => answer(request),
        Err(e) => Response::Unreadable(format!("the annex cannot read the request: {e}")),
    };
    serde_json::to_string(&response)
        .unwrap_or_else(|e| format!("{{\"Unreadable\":{}}}", serde_json::Value::String(e.to_string())))
}

#[cfg(feature = "annex")]
pub(crate) fn answer(request: Request) -> Response {
    use crate::template::Template;
    match request {
        Request::TemplateParse { text } => Response::TemplateParse(Template::parse(&text).map(drop)),
        Request::TemplateExecute { text, data, shape, funcs } => match Template::parse(&text) {
            Ok(template) => {
                let (out, result) = template.execute_partial(&data, shape.into_static(), funcs);
                Response::TemplateExecute(out, result)
            }
            Err(e) => Response::TemplateExecute(String::new(), Err(e)),
        },
        Request::ComposeLoad { source, options } => match crate::compose::wire::options(&options) {
            Some(options) => {
                Response::ComposeLoad(crate::compose::wire::loaded(&crate::compose::load(&source, &options)))
            }
            None => Response::Unreadable("the annex cannot read the compose options".to_string()),
        },
        Request::ComposeConfig { project } => match crate::compose::wire::project(&project) {
            Some(project) => Response::ComposeConfig(crate::compose::config(&project)),
            None => Response::Unreadable("the annex cannot read the compose project".to_string()),
        },
    }
}

#[cfg(feature = "annex")]
impl Shape {
    fn into_static(self) -> crate::template::Shape {
        use crate::template::Shape as S;
        match self {
            Shape::Struct(name) => S::Struct(intern(name)),
            Shape::Map { missing_key_error } => S::Map { missing_key_error },
            Shape::Header(name) => S::Header(intern(name)),
        }
    }
}

/// A type name as `'static`, kept once: the names come from the engine's own formatter contexts,
/// a handful in all, so the set stays small however many requests arrive.
#[cfg(feature = "annex")]
fn intern(name: String) -> &'static str {
    thread_local! {
        static NAMES: std::cell::RefCell<std::collections::BTreeSet<&'static str>> =
            const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(kept) = names.get(name.as_str()) {
            return *kept;
        }
        let kept: &'static str = Box::leak(name.into_boxed_str());
        names.insert(kept);
        kept
    })
}

/// Counts calls into the annex, so debug builds can check that each command that makes one
/// said up front that it would ([`crate::cli::Command::needs_annex`]).
#[cfg(all(feature = "annex", debug_assertions))]
pub(crate) mod check {
    use std::cell::Cell;

    thread_local! {
        static CALLS: Cell<u64> = const { Cell::new(0) };
    }

    pub(crate) fn touch() {
        CALLS.with(|calls| calls.set(calls.get() + 1));
    }

    pub(crate) fn calls() -> u64 {
        CALLS.with(Cell::get)
    }
}

/// Marks a call into the annex (see [`check`]); nothing in other builds.
pub(crate) fn touch() {
    #[cfg(all(feature = "annex", debug_assertions))]
    check::touch();
}

#[cfg(all(test, feature = "annex"))]
mod tests {
    use super::*;

    /// Each request and response goes through JSON and comes back whole, as it does between the
    /// page's two modules.
    fn round_trip(request: Request) -> Response {
        let text = serde_json::to_string(&request).unwrap();
        serde_json::from_str(&serve(&text)).unwrap()
    }

    #[test]
    fn templates_answer_across_the_boundary_as_they_do_in_place() {
        let data = serde_json::json!({"Names": "web", "Ports": ["80/tcp"]});
        let shape = crate::template::Shape::Struct("*formatter.ContainerContext");
        let asked = Request::TemplateExecute {
            text: "{{.Names}} {{json .Ports}}".into(),
            data: data.clone(),
            shape: shape.into(),
            funcs: Funcs::Docker,
        };
        match round_trip(asked) {
            Response::TemplateExecute(out, Ok(())) => assert_eq!(out, "web [\"80/tcp\"]"),
            other => panic!("{other:?}"),
        }
        // Go's error, with the type name the caller gave, and the partial output before it.
        let asked =
            Request::TemplateExecute { text: "a{{.Nope}}".into(), data, shape: shape.into(), funcs: Funcs::Docker };
        match round_trip(asked) {
            Response::TemplateExecute(out, Err(TemplateError::Exec(e))) => {
                assert_eq!(out, "a");
                assert!(e.contains("can't evaluate field Nope in type *formatter.ContainerContext"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        match round_trip(Request::TemplateParse { text: "{{.ID}".into() }) {
            Response::TemplateParse(Err(TemplateError::Parse(e))) => {
                assert_eq!(e, "template: :1: bad character U+007D '}'")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_compose_project_and_its_errors_cross_whole() {
        use crate::compose::{self, wire, ComposeError, Options};
        let source = "services:\n  web:\n    image: nginx:${TAG:-alpine}\n    ports: [\"8080:80\"]\nversion: '3'\n";
        let options = Options::new("My App");
        let direct = compose::load(source, &options);
        let asked = Request::ComposeLoad { source: source.into(), options: wire::put(&options) };
        let Response::ComposeLoad(crossed) = round_trip(asked) else { panic!("not a compose answer") };
        let crossed = wire::result(&crossed).expect("readable");
        assert_eq!(crossed, direct);
        let project = crossed.unwrap().project;
        match round_trip(Request::ComposeConfig { project: wire::put(&project) }) {
            Response::ComposeConfig(text) => assert_eq!(text, compose::config(&project)),
            other => panic!("{other:?}"),
        }
        let asked = Request::ComposeLoad { source: "services:\n  web: [\n".into(), options: wire::put(&options) };
        let Response::ComposeLoad(crossed) = round_trip(asked) else { panic!("not a compose answer") };
        assert!(matches!(wire::result(&crossed), Some(Err(ComposeError::Yaml { .. }))), "{crossed:?}");
    }

    #[test]
    fn a_request_from_another_build_is_refused_with_a_reason() {
        let answer: Response = serde_json::from_str(&serve("{\"Frobnicate\":{}}")).unwrap();
        assert!(matches!(answer, Response::Unreadable(why) if why.contains("cannot read the request")));
    }
}
