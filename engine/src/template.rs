//! Go's `text/template`, as far as docker's `--format` flags use it, over JSON data.
//!
//! Docker formats `docker images`, `docker history` and `docker inspect` output with Go templates,
//! and users copy templates and expect the exact output and the exact error. So this is a port
//! of Go's lexer, parser and evaluator rather than a lookalike: the same items, the same parse
//! errors at the same lines, the same `executing "" at <.Foo>` errors, and values printed as
//! `fmt` prints them (`[a b]`, `map[k:v]`, `<no value>`).
//!
//! Supported: text, `{{/* comments */}}`, trim markers `{{-` and `-}}`, fields `.A.B`, `.`, `$`,
//! variables (`$x := ...`, `$x = ...`), pipelines, parenthesized pipelines, string, raw string,
//! number, character, bool and nil literals, `if`/`else if`/`else`, `range` (with `$i, $v :=`,
//! `else`, `break`, `continue`), `with`, `define`, `template` and `block`; Go's builtins `and or
//! not len index slice eq ne lt le gt ge print printf println html js urlquery call` and
//! docker's `json split join title lower upper pad truncate`.
//!
//! The data is JSON, so where Go's errors name a type, the type is the one Go would have: the
//! caller says what the data itself is ([`Shape`]), and values inside a decoded JSON map are
//! `interface {}`. Executions are bounded: output beyond 4 MiB and nesting beyond a fixed depth
//! are errors, and no input panics.
//!
//! ```
//! use dockyard_engine::template::{Shape, Template};
//! let data = serde_json::json!({"Config": {"Cmd": ["/hello"]}});
//! let t = Template::parse("{{.Config.Cmd}} {{json .Config.Cmd}}").unwrap();
//! assert_eq!(t.execute(&data, Shape::Map { missing_key_error: false }).unwrap(), "[/hello] [\"/hello\"]");
//! ```

// The template engine itself is the annex's (see `crate::annex`); without it, parsing and
// running go there, and only Go's quoting stays, which the Dockerfile's errors use too.
#[cfg(feature = "annex")]
mod exec;
#[cfg(feature = "annex")]
mod lex;
#[cfg(feature = "annex")]
mod parse;
#[cfg(feature = "annex")]
mod print;
mod quote;
#[cfg(all(test, feature = "annex"))]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// Output beyond this many bytes is an error, so a template cannot exhaust memory.
pub const MAX_OUTPUT: usize = 4 << 20;
/// Go's `strconv.Quote`, which Go programs' error messages (`%q`) use; the Dockerfile parser's too.
pub(crate) use quote::quote as go_strconv_quote;

/// A template that failed to parse or to execute, worded as Go words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TemplateError {
    /// `template: :1: unexpected "}" in operand`.
    #[error("{0}")]
    Parse(String),
    /// `template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"`.
    #[error("{0}")]
    Exec(String),
}

/// What the data is to Go, which decides what a missing field does and how errors name types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One of docker's format contexts, a struct (pointer) type such as
    /// `*formatter.imageContext`: its fields are methods, and a missing one is an error.
    Struct(&'static str),
    /// A `map[string]interface {}` decoded from JSON, as `docker inspect` falls back to. A missing
    /// key is `<no value>`, or an error with Go's `missingkey=error` option.
    Map { missing_key_error: bool },
    /// A table's header names, a `map[string]string` type such as `formatter.SubHeaderContext`.
    Header(&'static str),
}

impl Shape {
    #[cfg(feature = "annex")]
    fn type_name(self) -> &'static str {
        match self {
            Shape::Struct(name) | Shape::Header(name) => name,
            Shape::Map { .. } => "map[string]interface {}",
        }
    }
}

/// Which functions run: docker's, or the stand-ins docker uses to render a table's header, which
/// hand back the column name (`{{json .ID}}` heads a column `IMAGE ID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Funcs {
    Docker,
    Header,
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    text: String,
    /// Parsed once; without the annex, the annex parses it again at each run.
    #[cfg(feature = "annex")]
    tree: parse::Tree,
}

impl Template {
    /// Parses `text` as docker does (`template.New("").Funcs(docker's).Parse(text)`).
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        crate::annex::touch();
        #[cfg(feature = "annex")]
        {
            let is_function = |name: &str| exec::FUNCTIONS.contains(&name);
            let tree = parse::parse(text, &is_function).map_err(TemplateError::Parse)?;
            Ok(Template { text: text.to_string(), tree })
        }
        #[cfg(not(feature = "annex"))]
        {
            use crate::annex::{ask, Request, Response};
            let asked = Request::TemplateParse { text: text.to_string() };
            match ask(&asked, |r| if let Response::TemplateParse(parsed) = r { Some(parsed) } else { None }) {
                Ok(parsed) => parsed.map(|()| Template { text: text.to_string() }),
                Err(why) => Err(TemplateError::Parse(why)),
            }
        }
    }

    /// Runs the template over `data` with docker's functions.
    pub fn execute(&self, data: &Json, shape: Shape) -> Result<String, TemplateError> {
        let (out, result) = self.execute_partial(data, shape, Funcs::Docker);
        result.map(|()| out)
    }

    /// Runs the template and returns what it wrote even when it fails, as Go leaves partial
    /// output in its writer: docker keeps a table header's partial text this way.
    pub fn execute_partial(&self, data: &Json, shape: Shape, funcs: Funcs) -> (String, Result<(), TemplateError>) {
        crate::annex::touch();
        #[cfg(feature = "annex")]
        return exec::execute(&self.text, &self.tree, data, shape, funcs);
        #[cfg(not(feature = "annex"))]
        {
            use crate::annex::{ask, Request, Response};
            let asked =
                Request::TemplateExecute { text: self.text.clone(), data: data.clone(), shape: shape.into(), funcs };
            match ask(
                &asked,
                |r| if let Response::TemplateExecute(out, result) = r { Some((out, result)) } else { None },
            ) {
                Ok(done) => done,
                Err(why) => (String::new(), Err(TemplateError::Exec(why))),
            }
        }
    }
}
