//! Executing a parsed template over JSON data, with Go's rules for fields, maps, truth, variables,
//! functions and errors.

use serde_json::Value as Json;

use super::parse::{Arg, Branch, Command, Node, Number, Pipe, Tree};
use super::print;
use super::{Funcs, Shape, TemplateError, MAX_OUTPUT};

/// Nested lists, pipelines and template calls beyond this depth are an error, so a recursive
/// template cannot exhaust the stack.
const MAX_DEPTH: usize = 250;
/// Executions beyond this many steps are an error: templates that call themselves twice, or
/// nested ranges, can take exponential time without writing anything.
pub const MAX_STEPS: usize = 1_000_000;

/// How Go would have typed a JSON value: as an element of `interface {}` (a map's or slice's
/// element), as a value of its own type, or as the data itself, whose type has a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Static {
    Iface,
    Concrete,
    Named(&'static str),
}

/// A value during execution: JSON from the data, or what a literal or a function made.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    /// Go's invalid value: a missing map entry, nil. Prints as `<no value>`.
    Missing,
    Json(&'a Json, Static),
    Bool(bool),
    Int(i64),
    /// A byte of a string, which `index` yields.
    Byte(u8),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    Strings(Vec<String>),
    List(Vec<Value<'a>>),
}

fn json_type(j: &Json) -> &'static str {
    match j {
        Json::Null => "<nil>",
        Json::Bool(_) => "bool",
        Json::Number(n) if n.is_f64() => "float64",
        Json::Number(_) => "int64",
        Json::String(_) => "string",
        Json::Array(_) => "[]interface {}",
        Json::Object(_) => "map[string]interface {}",
    }
}

impl Value<'_> {
    /// The Go type of the value itself.
    pub(crate) fn type_name(&self) -> String {
        match self {
            Value::Missing => "<nil>".into(),
            Value::Json(_, Static::Named(name)) => (*name).into(),
            Value::Json(j, _) => json_type(j).into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Byte(_) => "uint8".into(),
            Value::Float(_) => "float64".into(),
            Value::Complex(..) => "complex128".into(),
            Value::Str(_) => "string".into(),
            Value::Strings(_) => "[]string".into(),
            Value::List(_) => "[]interface {}".into(),
        }
    }

    /// The type Go knows statically, which its field errors name: `interface {}` for elements
    /// of JSON maps and slices.
    fn static_type(&self) -> String {
        match self {
            Value::Json(_, Static::Iface) => "interface {}".into(),
            other => other.type_name(),
        }
    }

    /// Go's `indirectInterface`: an element's dynamic value, nil as missing.
    fn concrete(self) -> Self {
        match self {
            Value::Json(Json::Null, Static::Iface) => Value::Missing,
            Value::Json(j, Static::Iface) => Value::Json(j, Static::Concrete),
            other => other,
        }
    }

    fn is_missing(&self) -> bool {
        matches!(self, Value::Missing | Value::Json(Json::Null, _))
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::Json(Json::String(s), _) => Some(s),
            _ => None,
        }
    }
}

/// Go's `isTrue`: the zero of each type is false, structs and non-empty things true.
fn truth(v: &Value<'_>) -> bool {
    match v {
        Value::Missing => false,
        Value::Json(j, static_type) => match j {
            Json::Null => false,
            Json::Bool(b) => *b,
            Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Json::String(s) => !s.is_empty(),
            Json::Array(a) => !a.is_empty(),
            // A struct is always true, even with no fields.
            Json::Object(o) => !o.is_empty() || matches!(static_type, Static::Named(_)),
        },
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Byte(b) => *b != 0,
        Value::Float(f) => *f != 0.0,
        Value::Complex(re, im) => *re != 0.0 || *im != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Strings(s) => !s.is_empty(),
        Value::List(l) => !l.is_empty(),
    }
}

/// The parameter types of the functions templates can call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    /// `interface {}`.
    Any,
    /// `reflect.Value`: the builtins that look at the value themselves.
    Reflect,
    Str,
    Int,
    Strings,
}

impl Param {
    fn name(self) -> &'static str {
        match self {
            Param::Any => "interface {}",
            Param::Reflect => "reflect.Value",
            Param::Str => "string",
            Param::Int => "int",
            Param::Strings => "[]string",
        }
    }

    fn can_be_nil(self) -> bool {
        matches!(self, Param::Any | Param::Reflect | Param::Strings)
    }
}

/// A function's fixed parameters, and the type of its variadic ones if it has them.
struct Signature {
    fixed: &'static [Param],
    variadic: Option<Param>,
}

const fn sig(fixed: &'static [Param], variadic: Option<Param>) -> Signature {
    Signature { fixed, variadic }
}

/// Every function a template may name: Go's builtins and the ones docker adds.
pub(super) const FUNCTIONS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq",
    "ge", "gt", "le", "lt", "ne", "json", "split", "join", "title", "lower", "upper", "pad", "truncate",
];

fn signature(name: &str, funcs: Funcs) -> Option<Signature> {
    use Param::*;
    let header = funcs == Funcs::Header;
    Some(match name {
        "and" | "or" => sig(&[Reflect], Some(Reflect)),
        "not" | "len" => sig(&[Reflect], None),
        "index" | "slice" | "call" | "eq" => sig(&[Reflect], Some(Reflect)),
        "ne" | "lt" | "le" | "gt" | "ge" => sig(&[Reflect, Reflect], None),
        "print" | "println" | "html" | "js" | "urlquery" => sig(&[], Some(Any)),
        "printf" => sig(&[Str], Some(Any)),
        "json" if header => sig(&[Str], None),
        "json" => sig(&[Any], None),
        "split" => sig(&[Str, Str], None),
        "join" if header => sig(&[Str, Str], None),
        "join" => sig(&[Strings, Str], None),
        "title" | "lower" | "upper" => sig(&[Str], None),
        "pad" => sig(&[Str, Int, Int], None),
        "truncate" => sig(&[Str, Int], None),
        _ => return None,
    })
}

/// The node an error happened at, which Go's message quotes.
#[derive(Clone, Copy)]
enum At<'t> {
    Nothing,
    Action(&'t Pipe),
    Pipe(&'t Pipe),
    Command(&'t Command),
    Arg(&'t Arg),
    Branch(&'static str, &'t Branch),
    Template(usize, &'t str, Option<&'t Pipe>),
}

/// What stops execution: an error, or a `{{break}}`/`{{continue}}` on its way to its range.
enum Stop {
    Error(String),
    Break,
    Continue,
}

type R<T> = Result<T, Stop>;

pub(super) struct State<'t, 'a> {
    text: &'t str,
    tree: &'t Tree,
    name: &'t str,
    shape: Shape,
    funcs: Funcs,
    at: At<'t>,
    vars: Vec<(String, Value<'a>)>,
    depth: usize,
    steps: usize,
    pub out: String,
}

/// Runs `tree` over `data`; the output so far comes back with an error, as Go leaves it written.
pub(super) fn execute(
    text: &str,
    tree: &Tree,
    data: &Json,
    shape: Shape,
    funcs: Funcs,
) -> (String, Result<(), TemplateError>) {
    let root = Value::Json(data, Static::Named(shape.type_name())).concrete();
    let root = if matches!(data, Json::Null) { Value::Missing } else { root };
    let mut s = State {
        text,
        tree,
        name: "",
        shape,
        funcs,
        at: At::Nothing,
        vars: vec![("$".into(), root.clone())],
        depth: 0,
        steps: 0,
        out: String::new(),
    };
    let result = match s.walk_list(&root, &tree.root) {
        Ok(()) => Ok(()),
        Err(Stop::Error(e)) => Err(TemplateError::Exec(e)),
        // The parser allows these only inside a range, which catches them.
        Err(Stop::Break | Stop::Continue) => Ok(()),
    };
    (s.out, result)
}

impl<'t, 'a> State<'t, 'a> {
    fn errorf<T>(&self, message: impl Into<String>) -> R<T> {
        Err(Stop::Error(self.error_text(&message.into())))
    }

    fn error_text(&self, message: &str) -> String {
        let (pos, context) = match self.at {
            At::Nothing => return format!("template: {}: {message}", self.name),
            At::Action(p) => (p.pos, format!("{{{{{p}}}}}")),
            At::Pipe(p) => (p.pos, p.to_string()),
            At::Command(c) => (c.pos, c.to_string()),
            At::Arg(a) => (a.pos(), a.to_string()),
            At::Branch(word, b) => (b.pos, branch_text(word, b)),
            At::Template(pos, name, pipe) => (pos, template_text(name, pipe)),
        };
        let before = self.text.get(..pos).unwrap_or(self.text);
        let line = 1 + before.matches('\n').count();
        let col = before.rfind('\n').map_or(pos, |i| pos - i - 1);
        format!("template: :{line}:{col}: executing {} at <{context}>: {message}", print::quote(self.name))
    }

    fn write(&mut self, text: &str) -> R<()> {
        if self.out.len() + text.len() > MAX_OUTPUT {
            return self.errorf(format!("output is larger than {MAX_OUTPUT} bytes"));
        }
        self.out.push_str(text);
        Ok(())
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.errorf(format!("exceeded maximum template depth ({MAX_DEPTH})"));
        }
        Ok(())
    }

    fn walk_list(&mut self, dot: &Value<'a>, list: &'t [Node]) -> R<()> {
        self.enter()?;
        let mut result = Ok(());
        for node in list {
            result = self.walk(dot, node);
            if result.is_err() {
                break;
            }
        }
        self.depth -= 1;
        result
    }

    fn step(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return self.errorf(format!("exceeded maximum of {MAX_STEPS} execution steps"));
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Value<'a>, node: &'t Node) -> R<()> {
        self.step()?;
        match node {
            Node::Text(text) => self.write(text),
            Node::Action(pipe) => {
                self.at = At::Action(pipe);
                let value = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at = At::Action(pipe);
                    let text = print::action_text(&value);
                    self.write(&text)?;
                }
                Ok(())
            }
            Node::If(b) => self.walk_if_or_with(false, dot, b),
            Node::With(b) => self.walk_if_or_with(true, dot, b),
            Node::Range(b) => self.walk_range(dot, b),
            Node::Break => Err(Stop::Break),
            Node::Continue => Err(Stop::Continue),
            Node::Template { pos, name, pipe } => self.walk_template(dot, *pos, name, pipe.as_ref()),
        }
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Value<'a>, b: &'t Branch) -> R<()> {
        let mark = self.vars.len();
        let value = self.eval_pipeline(dot, &b.pipe)?.concrete();
        if truth(&value) {
            if with {
                self.walk_list(&value, &b.list)?;
            } else {
                self.walk_list(dot, &b.list)?;
            }
        } else if let Some(else_list) = &b.else_list {
            self.walk_list(dot, else_list)?;
        }
        self.vars.truncate(mark);
        Ok(())
    }

    fn walk_range(&mut self, dot: &Value<'a>, b: &'t Branch) -> R<()> {
        self.at = At::Branch("range", b);
        let outer = self.vars.len();
        let value = self.eval_pipeline(dot, &b.pipe)?.concrete();
        let mark = self.vars.len();
        if self.struct_type(&value).is_some() {
            return self.errorf(format!("range can't iterate over {{{}}}", print::v(&value)));
        }
        let items: Vec<(Value<'a>, Value<'a>)> = match &value {
            Value::Missing => Vec::new(),
            Value::Json(Json::Array(items), _) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (Value::Int(i as i64), Value::Json(item, Static::Iface)))
                .collect(),
            Value::Json(Json::Object(map), static_type) => {
                let mut keys: Vec<&String> = map.keys().collect();
                crate::sort::sort(&mut keys);
                let element = self.element_static(*static_type);
                keys.into_iter().map(|k| (Value::Str(k.clone()), Value::Json(&map[k], element))).collect()
            }
            Value::Strings(items) => {
                items.iter().enumerate().map(|(i, s)| (Value::Int(i as i64), Value::Str(s.clone()))).collect()
            }
            Value::List(items) => items.iter().cloned().enumerate().map(|(i, v)| (Value::Int(i as i64), v)).collect(),
            other => return self.errorf(format!("range can't iterate over {}", print::v(other))),
        };
        if items.is_empty() {
            if let Some(else_list) = &b.else_list {
                self.walk_list(dot, else_list)?;
            }
            self.vars.truncate(outer);
            return Ok(());
        }
        for (index, element) in items {
            self.step()?;
            let n = self.vars.len();
            if !b.pipe.decl.is_empty() && n > 0 {
                self.vars[n - 1].1 = element.clone();
            }
            if b.pipe.decl.len() > 1 && n > 1 {
                self.vars[n - 2].1 = index;
            }
            let result = self.walk_list(&element, &b.list);
            self.vars.truncate(mark);
            match result {
                Ok(()) | Err(Stop::Continue) => {}
                Err(Stop::Break) => break,
                Err(e) => return Err(e),
            }
        }
        self.vars.truncate(outer);
        Ok(())
    }

    fn walk_template(&mut self, dot: &Value<'a>, pos: usize, name: &'t str, pipe: Option<&'t Pipe>) -> R<()> {
        self.at = At::Template(pos, name, pipe);
        let Some(body) = self.tree.defined.get(name) else {
            return self.errorf(format!("template {} not defined", print::quote(name)));
        };
        let dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::Missing,
        };
        // A template sees only its own `$`: no dynamic scoping.
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".into(), dot.clone())]);
        let saved_name = std::mem::replace(&mut self.name, name);
        let result = self.walk_list(&dot, body);
        self.name = saved_name;
        self.vars = saved_vars;
        result
    }

    /// The struct type a docker context is, without its pointer: `len`, `index`, `slice` and
    /// `range` refuse it by this name.
    fn struct_type(&self, v: &Value<'a>) -> Option<&'static str> {
        match (v, self.shape) {
            (Value::Json(_, Static::Named(name)), Shape::Struct(_)) => Some(name.trim_start_matches('*')),
            _ => None,
        }
    }

    /// How Go types the elements of a map: a docker context's fields and header names are
    /// concrete, a decoded JSON map's are `interface {}`.
    fn element_static(&self, of: Static) -> Static {
        match (of, self.shape) {
            (Static::Named(_), Shape::Struct(_) | Shape::Header(_)) => Static::Concrete,
            _ => Static::Iface,
        }
    }

    fn eval_pipeline(&mut self, dot: &Value<'a>, pipe: &'t Pipe) -> R<Value<'a>> {
        self.enter()?;
        self.at = At::Pipe(pipe);
        let mut value: Option<Value<'a>> = None;
        for cmd in &pipe.cmds {
            // An `interface {}` result is dug into, as Go does between stages.
            value = Some(self.eval_command(dot, cmd, value)?.concrete());
        }
        let value = value.unwrap_or(Value::Missing);
        for name in &pipe.decl {
            if pipe.is_assign {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = value.clone(),
                    None => return self.errorf(format!("undefined variable: {name}")),
                }
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        self.depth -= 1;
        Ok(value)
    }

    fn not_a_function(&self, args: &'t [Arg], final_value: &Option<Value<'a>>) -> R<()> {
        if args.len() > 1 || final_value.is_some() {
            return self.errorf(format!("can't give argument to non-function {}", args[0]));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Value<'a>, cmd: &'t Command, final_value: Option<Value<'a>>) -> R<Value<'a>> {
        self.step()?;
        let Some(first) = cmd.args.first() else {
            return self.errorf("empty command");
        };
        match first {
            Arg::Field { ident, .. } => {
                self.at = At::Arg(first);
                self.eval_field_chain(dot.clone(), ident, &cmd.args, final_value)
            }
            Arg::Chain { .. } => self.eval_chain(dot, first, &cmd.args, final_value),
            Arg::Identifier { name, .. } => {
                self.at = At::Arg(first);
                self.eval_function(dot, name, At::Command(cmd), &cmd.args, final_value)
            }
            Arg::Pipe(pipe) => {
                self.not_a_function(&cmd.args, &final_value)?;
                self.eval_pipeline(dot, pipe)
            }
            Arg::Variable { ident, .. } => self.eval_variable(first, ident, &cmd.args, final_value),
            _ => {
                self.at = At::Arg(first);
                self.not_a_function(&cmd.args, &final_value)?;
                match first {
                    Arg::Bool { value, .. } => Ok(Value::Bool(*value)),
                    Arg::Dot { .. } => Ok(dot.clone()),
                    Arg::Nil { .. } => self.errorf("nil is not a command"),
                    Arg::Number { number, .. } => self.ideal_constant(number),
                    Arg::String { text, .. } => Ok(Value::Str(text.clone())),
                    other => self.errorf(format!("can't evaluate command {}", print::quote(&other.to_string()))),
                }
            }
        }
    }

    fn ideal_constant(&self, n: &Number) -> R<Value<'a>> {
        let text = &n.text;
        let hex_int = text.len() > 2
            && text.starts_with('0')
            && text[1..2].eq_ignore_ascii_case("x")
            && !text.contains(['p', 'P']);
        if let Some((re, im)) = n.complex {
            return Ok(Value::Complex(re, im));
        }
        if let Some(f) = n.float {
            if !hex_int && !text.starts_with('\'') && text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Ok(Value::Float(f));
            }
        }
        if let Some(i) = n.int {
            return Ok(Value::Int(i));
        }
        if n.uint.is_some() {
            return self.errorf(format!("{text} overflows int"));
        }
        Ok(Value::Missing)
    }

    fn eval_chain(
        &mut self,
        dot: &Value<'a>,
        chain: &'t Arg,
        args: &'t [Arg],
        final_value: Option<Value<'a>>,
    ) -> R<Value<'a>> {
        let Arg::Chain { node, fields, .. } = chain else {
            return self.errorf("internal error: no fields in evalChainNode");
        };
        self.at = At::Arg(chain);
        if matches!(node.as_ref(), Arg::Nil { .. }) {
            return self.errorf(format!("indirection through explicit nil in {chain}"));
        }
        let receiver = self.eval_arg(dot, Param::Reflect, node)?;
        self.eval_field_chain(receiver, fields, args, final_value)
    }

    fn eval_variable(
        &mut self,
        node: &'t Arg,
        ident: &'t [String],
        args: &'t [Arg],
        final_value: Option<Value<'a>>,
    ) -> R<Value<'a>> {
        self.at = At::Arg(node);
        let name = &ident[0];
        let Some(value) = self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone()) else {
            return self.errorf(format!("undefined variable: {name}"));
        };
        if ident.len() == 1 {
            self.not_a_function(args, &final_value)?;
            return Ok(value);
        }
        self.eval_field_chain(value, &ident[1..], args, final_value)
    }

    fn eval_field_chain(
        &mut self,
        mut receiver: Value<'a>,
        ident: &'t [String],
        args: &'t [Arg],
        final_value: Option<Value<'a>>,
    ) -> R<Value<'a>> {
        let Some((last, init)) = ident.split_last() else {
            return Ok(receiver);
        };
        for name in init {
            receiver = self.eval_field(name, &[], None, receiver)?;
        }
        self.eval_field(last, args, final_value, receiver)
    }

    /// `.Name` on `receiver`: a struct's field, a map's key, or Go's error for anything else.
    fn eval_field(
        &mut self,
        name: &str,
        args: &'t [Arg],
        final_value: Option<Value<'a>>,
        receiver: Value<'a>,
    ) -> R<Value<'a>> {
        let missing_key_error = matches!(self.shape, Shape::Map { missing_key_error: true });
        if matches!(receiver, Value::Missing) || matches!(receiver, Value::Json(Json::Null, Static::Named(_))) {
            if missing_key_error {
                return self.errorf(format!("nil data; no entry for key {}", print::quote(name)));
            }
            return Ok(Value::Missing);
        }
        let static_type = receiver.static_type();
        let has_args = args.len() > 1 || final_value.is_some();
        match receiver {
            Value::Json(Json::Null, _) => self.errorf(format!("nil pointer evaluating {static_type}.{name}")),
            Value::Json(Json::Object(map), Static::Named(type_name)) if matches!(self.shape, Shape::Struct(_)) => {
                match map.get(name) {
                    // Docker's contexts are structs whose fields are methods without parameters.
                    Some(_) if has_args => {
                        let got = args.len().saturating_sub(1) + usize::from(final_value.is_some());
                        self.errorf(format!("wrong number of args for {name}: want 0 got {got}"))
                    }
                    Some(v) => Ok(Value::Json(v, Static::Concrete)),
                    None => self.errorf(format!("can't evaluate field {name} in type {type_name}")),
                }
            }
            Value::Json(Json::Object(map), static_type) => {
                if has_args {
                    return self.errorf(format!("{name} is not a method but has arguments"));
                }
                match map.get(name) {
                    Some(v) => Ok(Value::Json(v, self.element_static(static_type))),
                    None if missing_key_error => {
                        self.errorf(format!("map has no entry for key {}", print::quote(name)))
                    }
                    None => Ok(Value::Missing),
                }
            }
            _ => self.errorf(format!("can't evaluate field {name} in type {static_type}")),
        }
    }

    fn eval_function(
        &mut self,
        dot: &Value<'a>,
        name: &'t str,
        call_at: At<'t>,
        args: &'t [Arg],
        final_value: Option<Value<'a>>,
    ) -> R<Value<'a>> {
        let Some(sig) = signature(name, self.funcs) else {
            return self.errorf(format!("{} is not a defined function", print::quote(name)));
        };
        let args = args.get(1..).unwrap_or(&[]);
        let num_in = args.len() + usize::from(final_value.is_some());
        let num_fixed = sig.fixed.len();
        if sig.variadic.is_some() {
            if num_in < num_fixed {
                return self
                    .errorf(format!("wrong number of args for {name}: want at least {num_fixed} got {}", args.len()));
            }
        } else if num_in != num_fixed {
            return self.errorf(format!("wrong number of args for {name}: want {num_fixed} got {num_in}"));
        }
        if name == "and" || name == "or" {
            let want = name == "or";
            let mut last = Value::Missing;
            for arg in args {
                last = self.eval_arg(dot, Param::Reflect, arg)?;
                if truth(&last.clone().concrete()) == want {
                    return Ok(last);
                }
            }
            if let Some(v) = final_value {
                last = v;
            }
            return Ok(last);
        }
        let mut argv = Vec::with_capacity(num_in);
        for (i, arg) in args.iter().enumerate() {
            let param = sig.fixed.get(i).copied().or(sig.variadic).unwrap_or(Param::Any);
            argv.push(self.eval_arg(dot, param, arg)?);
        }
        if let Some(v) = final_value {
            let param = sig.fixed.get(num_in - 1).copied().or(sig.variadic).unwrap_or(Param::Any);
            argv.push(self.validate_type(v, param)?);
        }
        match self.call(name, argv) {
            Ok(v) => Ok(v),
            Err(CallError::Go(message)) => {
                self.at = call_at;
                self.errorf(format!("error calling {name}: {message}"))
            }
            Err(CallError::TooLarge) => self.errorf(format!("output is larger than {MAX_OUTPUT} bytes")),
        }
    }

    fn eval_arg(&mut self, dot: &Value<'a>, param: Param, node: &'t Arg) -> R<Value<'a>> {
        self.at = At::Arg(node);
        match node {
            Arg::Dot { .. } => return self.validate_type(dot.clone(), param),
            Arg::Nil { .. } => {
                if param.can_be_nil() {
                    return Ok(Value::Missing);
                }
                return self.errorf(format!("cannot assign nil to {}", param.name()));
            }
            Arg::Field { ident, .. } => {
                let v = self.eval_field_chain(dot.clone(), ident, std::slice::from_ref(node), None)?;
                return self.validate_type(v, param);
            }
            Arg::Variable { ident, .. } => {
                let v = self.eval_variable(node, ident, &[], None)?;
                return self.validate_type(v, param);
            }
            Arg::Pipe(pipe) => {
                let v = self.eval_pipeline(dot, pipe)?;
                return self.validate_type(v, param);
            }
            Arg::Identifier { name, .. } => {
                let v = self.eval_function(dot, name, At::Arg(node), std::slice::from_ref(node), None)?;
                return self.validate_type(v, param);
            }
            Arg::Chain { .. } => {
                let v = self.eval_chain(dot, node, &[], None)?;
                return self.validate_type(v, param);
            }
            _ => {}
        }
        match param {
            Param::Str => match node {
                Arg::String { text, .. } => Ok(Value::Str(text.clone())),
                other => self.errorf(format!("expected string; found {other}")),
            },
            Param::Int => match node {
                Arg::Number { number: Number { int: Some(i), .. }, .. } => Ok(Value::Int(*i)),
                other => self.errorf(format!("expected integer; found {other}")),
            },
            Param::Any | Param::Reflect => match node {
                Arg::Bool { value, .. } => Ok(Value::Bool(*value)),
                Arg::Number { number, .. } => self.ideal_constant(number),
                Arg::String { text, .. } => Ok(Value::Str(text.clone())),
                other => self.errorf(format!("can't handle assignment of {other} to empty interface argument")),
            },
            Param::Strings => self.errorf(format!("can't handle {node} for arg of type []string")),
        }
    }

    /// Go's `validateType`, lenient where Docker's typed structs would have matched: a JSON array
    /// of strings is a `[]string`.
    fn validate_type(&self, value: Value<'a>, param: Param) -> R<Value<'a>> {
        if matches!(value, Value::Missing) {
            if param.can_be_nil() {
                return Ok(Value::Missing);
            }
            return self.errorf(format!("invalid value; expected {}", param.name()));
        }
        let wrong = |v: &Value<'a>| {
            let got = match v {
                Value::Json(Json::Null, Static::Iface) => "interface {}".to_string(),
                other => other.type_name(),
            };
            self.errorf(format!("wrong type for value; expected {}; got {got}", param.name()))
        };
        match param {
            Param::Any | Param::Reflect => Ok(value),
            Param::Str => match value.as_str() {
                Some(s) => Ok(Value::Str(s.to_string())),
                None => wrong(&value),
            },
            Param::Int => match value {
                Value::Int(_) => Ok(value),
                other => wrong(&other),
            },
            Param::Strings => match &value {
                Value::Strings(_) => Ok(value),
                Value::Json(Json::Array(items), _) if items.iter().all(Json::is_string) => {
                    Ok(Value::Strings(items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect()))
                }
                other => wrong(other),
            },
        }
    }
}

/// How a function call fails: Go's error text, or output too large to make.
enum CallError {
    Go(String),
    TooLarge,
}

impl From<&str> for CallError {
    fn from(message: &str) -> Self {
        CallError::Go(message.to_string())
    }
}

impl From<String> for CallError {
    fn from(message: String) -> Self {
        CallError::Go(message)
    }
}

/// Go's `basicKind`, for comparisons.
#[derive(Debug, Clone, PartialEq)]
enum Basic {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    /// Not a basic kind: nil, a slice, a map.
    Other,
}

fn basic(v: &Value<'_>) -> Basic {
    match v {
        Value::Bool(b) | Value::Json(Json::Bool(b), _) => Basic::Bool(*b),
        Value::Int(i) => Basic::Int(*i),
        Value::Byte(b) => Basic::Uint(u64::from(*b)),
        Value::Float(f) => Basic::Float(*f),
        Value::Complex(re, im) => Basic::Complex(*re, *im),
        Value::Str(s) | Value::Json(Json::String(s), _) => Basic::Str(s.clone()),
        Value::Json(Json::Number(n), _) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Basic::Int(i),
            (_, Some(u), _) => Basic::Uint(u),
            (_, _, Some(f)) => Basic::Float(f),
            _ => Basic::Other,
        },
        _ => Basic::Other,
    }
}

fn same_kind(a: &Basic, b: &Basic) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Go's `reflect.Kind` name for the non-basic values `eq` may still compare.
fn reflect_kind(v: &Value<'_>) -> &'static str {
    match v {
        Value::Missing | Value::Json(Json::Null, _) => "invalid",
        Value::Json(Json::Object(_), _) => "map",
        _ => "slice",
    }
}

fn eq(a: &Value<'_>, others: &[Value<'_>]) -> Result<bool, CallError> {
    let a = a.clone().concrete();
    if others.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic(&a);
    for b in others {
        let b = b.clone().concrete();
        let k2 = basic(&b);
        let truth = if !same_kind(&k1, &k2) {
            match (&k1, &k2) {
                (Basic::Int(i), Basic::Uint(u)) | (Basic::Uint(u), Basic::Int(i)) => *i >= 0 && *i as u64 == *u,
                _ if !a.is_missing() && !b.is_missing() => return Err("incompatible types for comparison".into()),
                _ => false,
            }
        } else {
            match (&k1, &k2) {
                (Basic::Other, Basic::Other) => {
                    if reflect_kind(&a) != reflect_kind(&b) && !a.is_missing() && !b.is_missing() {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            print::v(&a),
                            a.type_name(),
                            b.type_name(),
                            print::v(&b)
                        )
                        .into());
                    }
                    if a.is_missing() || b.is_missing() {
                        a.is_missing() == b.is_missing()
                    } else {
                        return Err(format!("non-comparable type {}: {}", print::v(&b), b.type_name()).into());
                    }
                }
                (x, y) => x == y,
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(a: &Value<'_>, b: &Value<'_>) -> Result<bool, CallError> {
    let (k1, k2) = (basic(&a.clone().concrete()), basic(&b.clone().concrete()));
    if matches!(k1, Basic::Other) || matches!(k2, Basic::Other) {
        return Err("invalid type for comparison".into());
    }
    if !same_kind(&k1, &k2) {
        return match (k1, k2) {
            (Basic::Int(i), Basic::Uint(u)) => Ok(i < 0 || (i as u64) < u),
            (Basic::Uint(u), Basic::Int(i)) => Ok(i >= 0 && u < i as u64),
            _ => Err("incompatible types for comparison".into()),
        };
    }
    Ok(match (k1, k2) {
        (Basic::Float(x), Basic::Float(y)) => x < y,
        (Basic::Int(x), Basic::Int(y)) => x < y,
        (Basic::Uint(x), Basic::Uint(y)) => x < y,
        (Basic::Str(x), Basic::Str(y)) => x < y,
        _ => return Err("invalid type for comparison".into()),
    })
}

/// Go's `indexArg`: an integer index within `cap`.
fn index_arg(index: &Value<'_>, cap: usize) -> Result<usize, CallError> {
    let x: i128 = match basic(&index.clone().concrete()) {
        Basic::Int(i) => i128::from(i),
        Basic::Uint(u) => i128::from(u),
        _ if index.clone().concrete().is_missing() => return Err("cannot index slice/array with nil".into()),
        _ => return Err(format!("cannot index slice/array with type {}", index.clone().concrete().type_name()).into()),
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {x}").into());
    }
    Ok(x as usize)
}

/// Go's `strings.Title`: the first letter of each word upper-cased.
fn title(s: &str) -> String {
    let is_separator = |c: char| {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphabetic() || c.is_numeric() {
            return false;
        }
        c.is_whitespace()
    };
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { simple_upper(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// Go's `unicode.ToUpper`: one character for one, so `ß` stays `ß`.
fn simple_upper(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower`: one character for one (`İ` becomes `i`).
fn simple_lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 || c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn url_query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The text `html`, `js` and `urlquery` escape: one string as it is, anything else printed.
fn escaper_text(args: &[Value<'_>]) -> String {
    if let [single] = args {
        if let Some(s) = single.as_str() {
            return s.to_string();
        }
    }
    let printable: Vec<Value<'_>> =
        args.iter().map(|a| if a.is_missing() { Value::Str("<no value>".into()) } else { a.clone() }).collect();
    print::sprint(&printable)
}

fn repeat(n: i64) -> Result<String, CallError> {
    if n < 0 {
        return Err("strings: negative Repeat count".into());
    }
    if n as u64 > MAX_OUTPUT as u64 {
        return Err(CallError::TooLarge);
    }
    Ok(" ".repeat(n as usize))
}

fn int_of(v: &Value<'_>) -> i64 {
    match v {
        Value::Int(i) => *i,
        _ => 0,
    }
}

fn str_of(v: &Value<'_>) -> String {
    v.as_str().unwrap_or_default().to_string()
}

impl<'a> State<'_, 'a> {
    /// Calls a function whose arguments are checked already.
    fn call(&self, name: &str, argv: Vec<Value<'a>>) -> Result<Value<'a>, CallError> {
        let header = self.funcs == Funcs::Header;
        let arg = |i: usize| argv.get(i).cloned().unwrap_or(Value::Missing);
        Ok(match name {
            // The header functions hand back the column name they were given.
            "json" | "split" | "join" | "title" | "lower" | "upper" | "truncate" if header => {
                Value::Str(str_of(&arg(0)))
            }
            "json" => Value::Str(print::json(&arg(0))),
            "split" => {
                let (s, sep) = (str_of(&arg(0)), str_of(&arg(1)));
                if sep.is_empty() {
                    Value::Strings(s.chars().map(String::from).collect())
                } else {
                    Value::Strings(s.split(sep.as_str()).map(str::to_string).collect())
                }
            }
            "join" => match arg(0) {
                Value::Strings(items) => Value::Str(items.join(&str_of(&arg(1)))),
                _ => Value::Str(String::new()),
            },
            "title" => Value::Str(title(&str_of(&arg(0)))),
            "lower" => Value::Str(str_of(&arg(0)).chars().map(simple_lower).collect()),
            "upper" => Value::Str(str_of(&arg(0)).chars().map(simple_upper).collect()),
            "pad" => {
                let s = str_of(&arg(0));
                if s.is_empty() {
                    Value::Str(s)
                } else {
                    let (prefix, suffix) = (repeat(int_of(&arg(1)))?, repeat(int_of(&arg(2)))?);
                    Value::Str(format!("{prefix}{s}{suffix}"))
                }
            }
            "truncate" => {
                let s = str_of(&arg(0));
                let n = int_of(&arg(1));
                if (s.len() as i64) < n {
                    Value::Str(s)
                } else if n < 0 {
                    return Err(format!("runtime error: slice bounds out of range [:{n}]").into());
                } else {
                    // Go cuts bytes; a cut character shows as the replacement character.
                    let mut end = n as usize;
                    while !s.is_char_boundary(end) {
                        end -= 1;
                    }
                    let mut cut = s[..end].to_string();
                    if end < n as usize {
                        cut.push('\u{fffd}');
                    }
                    Value::Str(cut)
                }
            }
            "not" => Value::Bool(!truth(&arg(0).concrete())),
            "len" => Value::Int(self.length(&arg(0))? as i64),
            "index" => self.index(&argv)?,
            "slice" => self.slice(&argv)?,
            "call" => {
                return Err(match arg(0).concrete() {
                    Value::Missing => "call of nil".to_string(),
                    other => format!("non-function of type {}", other.type_name()),
                }
                .into())
            }
            "eq" => Value::Bool(eq(&arg(0), argv.get(1..).unwrap_or(&[]))?),
            "ne" => Value::Bool(!eq(&arg(0), argv.get(1..2).unwrap_or(&[]))?),
            "lt" => Value::Bool(lt(&arg(0), &arg(1))?),
            "le" => Value::Bool(lt(&arg(0), &arg(1))? || eq(&arg(0), argv.get(1..2).unwrap_or(&[]))?),
            "gt" => Value::Bool(!(lt(&arg(0), &arg(1))? || eq(&arg(0), argv.get(1..2).unwrap_or(&[]))?)),
            "ge" => Value::Bool(!lt(&arg(0), &arg(1))?),
            "print" => Value::Str(print::sprint(&argv)),
            "println" => Value::Str(print::sprintln(&argv)),
            "printf" => Value::Str(print::sprintf(&str_of(&arg(0)), argv.get(1..).unwrap_or(&[]))),
            "html" => Value::Str(html_escape(&escaper_text(&argv))),
            "js" => Value::Str(js_escape(&escaper_text(&argv))),
            "urlquery" => Value::Str(url_query_escape(&escaper_text(&argv))),
            other => return Err(format!("function {} not defined", print::quote(other)).into()),
        })
    }

    fn length(&self, item: &Value<'a>) -> Result<usize, CallError> {
        if let Some(name) = self.struct_type(item) {
            return Err(format!("len of type {name}").into());
        }
        match item {
            Value::Missing => Err("reflect: call of reflect.Value.Type on zero Value".into()),
            Value::Json(Json::Null, _) => Err("len of nil pointer".into()),
            Value::Json(Json::String(s), _) | Value::Str(s) => Ok(s.len()),
            Value::Json(Json::Array(a), _) => Ok(a.len()),
            Value::Json(Json::Object(o), _) => Ok(o.len()),
            Value::Strings(s) => Ok(s.len()),
            Value::List(l) => Ok(l.len()),
            other => Err(format!("len of type {}", other.type_name()).into()),
        }
    }

    fn index(&self, argv: &[Value<'a>]) -> Result<Value<'a>, CallError> {
        let mut item = argv.first().cloned().unwrap_or(Value::Missing).concrete();
        if item.is_missing() {
            return Err("index of untyped nil".into());
        }
        if let (Some(name), true) = (self.struct_type(&item), argv.len() > 1) {
            return Err(format!("can't index item of type {name}").into());
        }
        for index in argv.iter().skip(1) {
            let index = index.clone().concrete();
            item = match item {
                Value::Json(Json::Null, _) | Value::Missing => return Err("index of nil pointer".into()),
                Value::Json(Json::Array(items), _) => {
                    let i = index_arg(&index, items.len())?;
                    let element = items.get(i).ok_or("reflect: slice index out of range")?;
                    Value::Json(element, Static::Iface)
                }
                Value::Json(Json::String(ref s), _) | Value::Str(ref s) => {
                    let i = index_arg(&index, s.len())?;
                    Value::Byte(*s.as_bytes().get(i).ok_or("reflect: string index out of range")?)
                }
                Value::Strings(items) => {
                    let i = index_arg(&index, items.len())?;
                    Value::Str(items.get(i).ok_or("reflect: slice index out of range")?.clone())
                }
                Value::List(items) => {
                    let i = index_arg(&index, items.len())?;
                    items.get(i).ok_or("reflect: slice index out of range")?.clone()
                }
                Value::Json(Json::Object(map), static_type) => {
                    let key = match &index {
                        Value::Missing => return Err("value is nil; should be of type string".into()),
                        other => match other.as_str() {
                            Some(k) => k.to_string(),
                            None => {
                                return Err(format!("value has type {}; should be string", other.type_name()).into())
                            }
                        },
                    };
                    match map.get(&key) {
                        Some(v) => Value::Json(v, self.element_static(static_type)),
                        // A missing key is the zero of the element type: "" for a header's strings.
                        None if matches!((static_type, self.shape), (Static::Named(_), Shape::Header(_))) => {
                            Value::Str(String::new())
                        }
                        None => Value::Missing,
                    }
                }
                other => return Err(format!("can't index item of type {}", other.type_name()).into()),
            };
        }
        Ok(item)
    }

    fn slice(&self, argv: &[Value<'a>]) -> Result<Value<'a>, CallError> {
        let item = argv.first().cloned().unwrap_or(Value::Missing).concrete();
        if item.is_missing() {
            return Err("slice of untyped nil".into());
        }
        if let Some(name) = self.struct_type(&item) {
            return Err(format!("can't slice item of type {name}").into());
        }
        let indexes = argv.get(1..).unwrap_or(&[]);
        if indexes.len() > 3 {
            return Err(format!("too many slice indexes: {}", indexes.len()).into());
        }
        let len = match &item {
            Value::Json(Json::String(s), _) | Value::Str(s) => {
                if indexes.len() == 3 {
                    return Err("cannot 3-index slice a string".into());
                }
                s.len()
            }
            Value::Json(Json::Array(a), _) => a.len(),
            Value::Strings(s) => s.len(),
            Value::List(l) => l.len(),
            other => return Err(format!("can't slice item of type {}", other.type_name()).into()),
        };
        let mut idx = [0, len, len];
        for (i, index) in indexes.iter().enumerate() {
            idx[i] = index_arg(index, len)?;
        }
        if idx[0] > idx[1] {
            return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]).into());
        }
        if indexes.len() == 3 && idx[1] > idx[2] {
            return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]).into());
        }
        let (from, to) = (idx[0], idx[1]);
        Ok(match item {
            Value::Json(Json::String(s), _) => Value::Str(byte_slice(s, from, to)),
            Value::Str(s) => Value::Str(byte_slice(&s, from, to)),
            Value::Json(Json::Array(a), _) => {
                Value::List(a[from..to].iter().map(|j| Value::Json(j, Static::Iface)).collect())
            }
            Value::Strings(s) => Value::Strings(s[from..to].to_vec()),
            Value::List(l) => Value::List(l[from..to].to_vec()),
            _ => Value::Missing,
        })
    }
}

/// A string's bytes `from..to`, widened to whole characters since Rust strings hold only UTF-8.
fn byte_slice(s: &str, mut from: usize, mut to: usize) -> String {
    while from > 0 && !s.is_char_boundary(from) {
        from -= 1;
    }
    while to < s.len() && !s.is_char_boundary(to) {
        to += 1;
    }
    s.get(from..to).unwrap_or_default().to_string()
}

fn nodes_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Action(p) => out.push_str(&format!("{{{{{p}}}}}")),
            Node::If(b) => out.push_str(&branch_text("if", b)),
            Node::Range(b) => out.push_str(&branch_text("range", b)),
            Node::With(b) => out.push_str(&branch_text("with", b)),
            Node::Template { name, pipe, .. } => out.push_str(&template_text(name, pipe.as_ref())),
            Node::Break => out.push_str("{{break}}"),
            Node::Continue => out.push_str("{{continue}}"),
        }
    }
}

/// Go's `BranchNode.String`: `{{if pipe}}list{{else}}list{{end}}`.
fn branch_text(word: &str, b: &Branch) -> String {
    let mut out = format!("{{{{{word} {}}}}}", b.pipe);
    nodes_text(&b.list, &mut out);
    if let Some(else_list) = &b.else_list {
        out.push_str("{{else}}");
        nodes_text(else_list, &mut out);
    }
    out.push_str("{{end}}");
    out
}

fn template_text(name: &str, pipe: Option<&Pipe>) -> String {
    match pipe {
        Some(p) => format!("{{{{template {} {p}}}}}", print::quote(name)),
        None => format!("{{{{template {}}}}}", print::quote(name)),
    }
}
