//! The template parser: items in, a tree of nodes out, or Go's parse error.
//!
//! It mirrors Go's recursive descent in `text/template/parse` closely, since users see its errors
//! verbatim: which token it stops at decides the message and the line number.

use std::collections::BTreeMap;

use super::lex::{lex, Item, Kind};
use super::print::quote;

/// Nested parentheses and blocks beyond this depth are refused, so a hostile template cannot
/// exhaust the stack.
const MAX_NESTING: usize = 100;

/// A piece of a template.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Text(String),
    Action(Pipe),
    If(Branch),
    Range(Branch),
    With(Branch),
    Template { pos: usize, name: String, pipe: Option<Pipe> },
    Break,
    Continue,
}

/// The common shape of `if`, `range` and `with`.
#[derive(Debug, Clone)]
pub(super) struct Branch {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

/// A pipeline, with the variables it declares (`$x :=`) or assigns (`$x =`).
#[derive(Debug, Clone)]
pub(super) struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Command>,
}

/// One stage of a pipeline: an operand and its arguments.
#[derive(Debug, Clone)]
pub(super) struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// A number literal, held as every type it fits, as Go's `NumberNode` holds it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Number {
    pub text: String,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
    pub complex: Option<(f64, f64)>,
}

/// An operand.
#[derive(Debug, Clone)]
pub(super) enum Arg {
    Field { pos: usize, ident: Vec<String> },
    Chain { pos: usize, node: Box<Arg>, fields: Vec<String> },
    Identifier { pos: usize, name: String },
    Dot { pos: usize },
    Nil { pos: usize },
    Variable { pos: usize, ident: Vec<String> },
    Bool { pos: usize, value: bool },
    Number { pos: usize, number: Number },
    String { pos: usize, quoted: String, text: String },
    Pipe(Box<Pipe>),
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Variable { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Pipe(pipe) => pipe.pos,
        }
    }
}

impl std::fmt::Display for Arg {
    /// As Go's node `String` methods, which name the node an execution error happened at.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Field { ident, .. } => ident.iter().try_for_each(|i| write!(f, ".{i}")),
            Arg::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Arg::Pipe(pipe) => write!(f, "({pipe})")?,
                    other => write!(f, "{other}")?,
                }
                fields.iter().try_for_each(|i| write!(f, ".{i}"))
            }
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Variable { ident, .. } => f.write_str(&ident.join(".")),
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number { number, .. } => f.write_str(&number.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(pipe) => write!(f, "{pipe}"),
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match arg {
                Arg::Pipe(pipe) => write!(f, "({pipe})")?,
                other => write!(f, "{other}")?,
            }
        }
        Ok(())
    }
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            write!(f, "{} := ", self.decl.join(", "))?;
        }
        for (i, cmd) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{cmd}")?;
        }
        Ok(())
    }
}

/// A parsed template: its body and the templates it defines.
#[derive(Debug, Clone)]
pub(super) struct Tree {
    pub root: Vec<Node>,
    pub defined: BTreeMap<String, Vec<Node>>,
}

/// What ended an item list.
enum End {
    End,
    Else,
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            End::End => "{{end}}",
            End::Else => "{{else}}",
        })
    }
}

/// A list entry, or the `{{end}}`/`{{else}}` that closes the list.
enum Parsed {
    Node(Node),
    End(End),
}

struct Parser<'f> {
    items: Vec<Item>,
    next: usize,
    furthest: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
    depth: usize,
    defined: BTreeMap<String, Vec<Node>>,
    is_function: &'f dyn Fn(&str) -> bool,
}

/// Parses `text`; `is_function` says which identifiers name functions. The error is Go's text.
pub(super) fn parse(text: &str, is_function: &dyn Fn(&str) -> bool) -> Result<Tree, String> {
    let mut p = Parser {
        items: lex(text),
        next: 0,
        furthest: 0,
        vars: vec!["$".to_string()],
        action_line: 0,
        range_depth: 0,
        depth: 0,
        defined: BTreeMap::new(),
        is_function,
    };
    let root = p.parse_top()?;
    let mut defined = std::mem::take(&mut p.defined);
    // A body that is only space yields to a definition of the same (empty) name, as in Go.
    if let Some(body) = defined.remove("") {
        if is_empty(&root) {
            return Ok(Tree { root: body, defined });
        }
        if !is_empty(&body) {
            return Err(p.error("template: multiple definition of template \"\"".into()));
        }
    }
    Ok(Tree { root, defined })
}

fn is_empty(nodes: &[Node]) -> bool {
    nodes.iter().all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()))
}

type Result<T, E = String> = std::result::Result<T, E>;

impl Parser<'_> {
    fn item(&mut self, i: usize) -> Item {
        self.furthest = self.furthest.max(i.min(self.items.len().saturating_sub(1)));
        match self.items.get(i).or(self.items.last()) {
            Some(item) => item.clone(),
            None => Item { kind: Kind::Eof, pos: 0, val: String::new(), line: 1 },
        }
    }

    fn next_item(&mut self) -> Item {
        let item = self.item(self.next);
        self.next += 1;
        item
    }

    fn backup(&mut self, n: usize) {
        self.next = self.next.saturating_sub(n);
    }

    fn peek(&mut self) -> Item {
        self.item(self.next)
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next_item();
            if item.kind != Kind::Space {
                return item;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let item = self.next_non_space();
        self.backup(1);
        item
    }

    /// Go's parse error: the template name (empty), the line of the last token read, the message.
    fn error(&self, message: String) -> String {
        let line = self.items.get(self.furthest).map_or(1, |i| i.line);
        format!("template: :{line}: {message}")
    }

    fn unexpected(&self, token: &Item, context: &str) -> String {
        if token.kind == Kind::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(" in action started at :{}", self.action_line);
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.error(format!("{token}{extra}"));
        }
        self.error(format!("unexpected {token} in {context}"))
    }

    fn expect(&mut self, kind: Kind, context: &str) -> Result<Item> {
        let token = self.next_non_space();
        if token.kind != kind {
            return Err(self.unexpected(&token, context));
        }
        Ok(token)
    }

    fn nest(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error("max expression depth exceeded".into()));
        }
        Ok(())
    }

    fn parse_top(&mut self) -> Result<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().kind != Kind::Eof {
            if self.peek().kind == Kind::LeftDelim {
                self.next_item();
                let mark = self.next;
                if self.next_non_space().kind == Kind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.next = mark - 1;
            }
            match self.text_or_action()? {
                Parsed::End(end) => return Err(self.error(format!("unexpected {end}"))),
                Parsed::Node(n) => root.push(n),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> Result<()> {
        const CONTEXT: &str = "define clause";
        let token = self.next_non_space();
        if !matches!(token.kind, Kind::String | Kind::RawString) {
            return Err(self.unexpected(&token, CONTEXT));
        }
        let name = unquote(&token.val).map_err(|e| self.error(e))?;
        self.expect(Kind::RightDelim, CONTEXT)?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        if !matches!(end, End::End) {
            return Err(self.error(format!("unexpected {end} in {CONTEXT}")));
        }
        self.add(name, list)
    }

    fn add(&mut self, name: String, list: Vec<Node>) -> Result<()> {
        match self.defined.get(&name) {
            Some(existing) if !is_empty(existing) && !is_empty(&list) => {
                Err(self.error(format!("template: multiple definition of template {}", quote(&name))))
            }
            Some(_) if is_empty(&list) => Ok(()),
            _ => {
                self.defined.insert(name, list);
                Ok(())
            }
        }
    }

    fn item_list(&mut self) -> Result<(Vec<Node>, End)> {
        let mut list = Vec::new();
        while self.peek_non_space().kind != Kind::Eof {
            match self.text_or_action()? {
                Parsed::End(end) => return Ok((list, end)),
                Parsed::Node(n) => list.push(n),
            }
        }
        Err(self.error("unexpected EOF".into()))
    }

    fn text_or_action(&mut self) -> Result<Parsed> {
        let token = self.next_non_space();
        match token.kind {
            Kind::Text => Ok(Parsed::Node(Node::Text(token.val))),
            Kind::LeftDelim => {
                self.action_line = token.line;
                let result = self.action();
                self.action_line = 0;
                result
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> Result<Parsed> {
        let token = self.next_non_space();
        let node = match token.kind {
            Kind::Block => self.block_control()?,
            Kind::Break | Kind::Continue => {
                let word = if token.kind == Kind::Break { "break" } else { "continue" };
                let next = self.next_non_space();
                if next.kind != Kind::RightDelim {
                    return Err(self.unexpected(&next, &format!("{{{{{word}}}}}")));
                }
                if self.range_depth == 0 {
                    return Err(self.error(format!("{{{{{word}}}}} outside {{{{range}}}}")));
                }
                if token.kind == Kind::Break {
                    Node::Break
                } else {
                    Node::Continue
                }
            }
            Kind::Else => return self.else_control().map(Parsed::End),
            Kind::End => {
                self.expect(Kind::RightDelim, "end")?;
                return Ok(Parsed::End(End::End));
            }
            Kind::If => Node::If(self.parse_control(true, "if")?),
            Kind::Range => Node::Range(self.parse_control(false, "range")?),
            Kind::Template => self.template_control()?,
            Kind::With => Node::With(self.parse_control(false, "with")?),
            _ => {
                self.backup(1);
                // Variables declared here persist until the enclosing block ends.
                Node::Action(self.pipeline("command", Kind::RightDelim)?)
            }
        };
        Ok(Parsed::Node(node))
    }

    fn else_control(&mut self) -> Result<End> {
        let peek = self.peek_non_space();
        if peek.kind == Kind::If {
            // `{{else if x}}` reads as `{{else}}{{if x}}...{{end}}` with the inner end implied.
            return Ok(End::Else);
        }
        self.expect(Kind::RightDelim, "else")?;
        Ok(End::Else)
    }

    fn parse_control(&mut self, allow_else_if: bool, context: &str) -> Result<Branch> {
        self.nest()?;
        let vars = self.vars.len();
        let pipe = self.pipeline(context, Kind::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        if let End::Else = next {
            if allow_else_if && self.peek().kind == Kind::If {
                self.next_item();
                else_list = Some(vec![Node::If(self.parse_control(true, "if")?)]);
            } else {
                let (list, next) = self.item_list()?;
                if !matches!(next, End::End) {
                    return Err(self.error(format!("expected end; found {next}")));
                }
                else_list = Some(list);
            }
        }
        self.vars.truncate(vars);
        self.depth -= 1;
        Ok(Branch { pos: pipe.pos, pipe, list, else_list })
    }

    fn block_control(&mut self) -> Result<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Kind::RightDelim)?;
        self.nest()?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        self.depth -= 1;
        if !matches!(end, End::End) {
            return Err(self.error(format!("unexpected {end} in {CONTEXT}")));
        }
        self.add(name.clone(), list)?;
        Ok(Node::Template { pos: token.pos, name, pipe: Some(pipe) })
    }

    fn template_control(&mut self) -> Result<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, CONTEXT)?;
        let pipe = if self.next_non_space().kind != Kind::RightDelim {
            self.backup(1);
            Some(self.pipeline(CONTEXT, Kind::RightDelim)?)
        } else {
            None
        };
        Ok(Node::Template { pos: token.pos, name, pipe })
    }

    fn template_name(&self, token: &Item, context: &str) -> Result<String> {
        match token.kind {
            Kind::String | Kind::RawString => unquote(&token.val).map_err(|e| self.error(e)),
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn pipeline(&mut self, context: &str, end: Kind) -> Result<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe { pos: token.pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        loop {
            let v = self.peek_non_space();
            if v.kind != Kind::Variable {
                break;
            }
            let start = self.next;
            self.next_non_space();
            let after_variable = self.peek();
            let next = self.peek_non_space();
            match next.kind {
                Kind::Assign | Kind::Declare => {
                    pipe.is_assign = next.kind == Kind::Assign;
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                }
                Kind::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            Kind::Variable | Kind::RightDelim | Kind::RightParen => continue,
                            _ => return Err(self.error("range can only initialize variables".into())),
                        }
                    }
                    return Err(self.error(format!("too many declarations in {context}")));
                }
                _ if after_variable.kind == Kind::Space => self.next = start,
                _ => self.next = start,
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.kind {
                k if k == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                Kind::Bool
                | Kind::CharConstant
                | Kind::Complex
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup(1);
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> Result<()> {
        if pipe.cmds.is_empty() {
            return Err(self.error(format!("missing value for {context}")));
        }
        for (i, cmd) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                cmd.args.first(),
                Some(Arg::Bool { .. } | Arg::Dot { .. } | Arg::Nil { .. } | Arg::Number { .. } | Arg::String { .. })
            ) {
                return Err(self.error(format!("non executable command in pipeline stage {}", i + 1)));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> Result<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command { pos, args: Vec::new() };
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                cmd.args.push(operand);
            }
            let token = self.next_item();
            match token.kind {
                Kind::Space => continue,
                Kind::RightDelim | Kind::RightParen => self.backup(1),
                Kind::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.error("empty command".into()));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> Result<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Kind::Field {
            return Ok(Some(node));
        }
        let pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().kind == Kind::Field {
            let field = self.next_item().val;
            fields.push(field[1..].to_string());
        }
        Ok(Some(match node {
            Arg::Field { mut ident, .. } => {
                ident.extend(fields);
                Arg::Field { pos, ident }
            }
            Arg::Variable { mut ident, .. } => {
                ident.extend(fields);
                Arg::Variable { pos, ident }
            }
            Arg::Bool { .. } | Arg::String { .. } | Arg::Number { .. } | Arg::Nil { .. } | Arg::Dot { .. } => {
                return Err(self.error(format!("unexpected . after term {}", quote(&node.to_string()))));
            }
            other => Arg::Chain { pos, node: Box::new(other), fields },
        }))
    }

    fn term(&mut self) -> Result<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.kind {
            Kind::Identifier => {
                if !(self.is_function)(&token.val) {
                    return Err(self.error(format!("function {} not defined", quote(&token.val))));
                }
                Arg::Identifier { pos, name: token.val }
            }
            Kind::Dot => Arg::Dot { pos },
            Kind::Nil => Arg::Nil { pos },
            Kind::Variable => {
                let ident: Vec<String> = token.val.split('.').map(str::to_string).collect();
                if !self.vars.contains(&ident[0]) {
                    return Err(self.error(format!("undefined variable {}", quote(&ident[0]))));
                }
                Arg::Variable { pos, ident }
            }
            Kind::Field => Arg::Field { pos, ident: vec![token.val[1..].to_string()] },
            Kind::Bool => Arg::Bool { pos, value: token.val == "true" },
            Kind::CharConstant | Kind::Complex | Kind::Number => {
                let number = parse_number(&token.val, token.kind).map_err(|e| self.error(e))?;
                Arg::Number { pos, number }
            }
            Kind::LeftParen => {
                self.nest()?;
                let pipe = self.pipeline("parenthesized pipeline", Kind::RightParen)?;
                self.depth -= 1;
                Arg::Pipe(Box::new(pipe))
            }
            Kind::String | Kind::RawString => {
                let text = unquote(&token.val).map_err(|e| self.error(e))?;
                Arg::String { pos, quoted: token.val, text }
            }
            _ => {
                self.backup(1);
                return Ok(None);
            }
        }))
    }
}

/// Go's `strconv.Unquote` for the string literals a template may hold.
pub(super) fn unquote(text: &str) -> Result<String> {
    const SYNTAX: &str = "invalid syntax";
    if let Some(raw) = text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        if text.len() < 2 || raw.contains('`') {
            return Err(SYNTAX.into());
        }
        return Ok(raw.replace('\r', ""));
    }
    let inner = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).filter(|_| text.len() >= 2);
    let Some(inner) = inner else {
        return Err(SYNTAX.into());
    };
    let mut out = String::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (c, tail) = unquote_char(rest, '"').ok_or_else(|| SYNTAX.to_string())?;
        out.push(c);
        rest = tail;
    }
    Ok(out)
}

/// One character of a quoted literal and what follows it; `None` is Go's `ErrSyntax`.
fn unquote_char(s: &str, quote: char) -> Option<(char, &str)> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if c == quote && (quote == '\'' || quote == '"') {
        return None;
    }
    if c != '\\' {
        return Some((c, chars.as_str()));
    }
    let e = chars.next()?;
    let simple = match e {
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        '\'' | '"' if e == quote => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((c, chars.as_str()));
    }
    let rest = chars.as_str();
    let hex = |n: usize| -> Option<(u32, &str)> {
        let digits = rest.get(..n)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some((u32::from_str_radix(digits, 16).ok()?, &rest[n..]))
    };
    match e {
        // A byte beyond ASCII cannot stand alone in a Rust string: it shows as Go's terminal would.
        'x' => hex(2).map(|(v, tail)| (if v < 0x80 { char::from(v as u8) } else { '\u{fffd}' }, tail)),
        'u' => hex(4).and_then(|(v, tail)| Some((char::from_u32(v)?, tail))),
        'U' => hex(8).and_then(|(v, tail)| Some((char::from_u32(v)?, tail))),
        '0'..='7' => {
            let digits = s.get(1..4)?;
            if !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return None;
            }
            let v = u32::from_str_radix(digits, 8).ok()?;
            if v > 0xff {
                return None;
            }
            Some((if v < 0x80 { char::from(v as u8) } else { '\u{fffd}' }, &s[4..]))
        }
        _ => None,
    }
}

/// Go's `newNumber`: a literal as every type that holds it exactly.
fn parse_number(text: &str, kind: Kind) -> Result<Number> {
    let mut n = Number { text: text.to_string(), int: None, uint: None, float: None, complex: None };
    if kind == Kind::CharConstant {
        let inner = &text[1..];
        let (c, tail) = unquote_char(inner, '\'').ok_or_else(|| "invalid syntax".to_string())?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        n.int = Some(i64::from(u32::from(c)));
        n.uint = Some(u64::from(u32::from(c)));
        n.float = Some(f64::from(u32::from(c)));
        return Ok(n);
    }
    if kind == Kind::Complex {
        // Only `a+bi` and `a-bi` reach here; the lexer checked the shape.
        let split = text[1..].rfind(['+', '-']).map(|i| i + 1).ok_or_else(|| "expected integer".to_string())?;
        let re = parse_float(&text[..split]).ok_or_else(|| "expected integer".to_string())?;
        let im = parse_float(text[split..].trim_end_matches('i')).ok_or_else(|| "expected integer".to_string())?;
        n.complex = Some((re, im));
        simplify_complex(&mut n);
        return Ok(n);
    }
    if let Some(imaginary) = text.strip_suffix('i') {
        if let Some(f) = parse_float(imaginary) {
            n.complex = Some((0.0, f));
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    n.uint = parse_int(text).and_then(|(neg, v)| (!neg).then_some(v));
    n.int = parse_int(text).and_then(|(neg, v)| {
        if neg {
            (v <= i64::MAX as u64 + 1).then(|| (v as i64).wrapping_neg())
        } else {
            i64::try_from(v).ok()
        }
    });
    if n.int == Some(0) {
        n.uint = Some(0);
    }
    if let Some(i) = n.int {
        n.float = Some(i as f64);
    } else if let Some(u) = n.uint {
        n.float = Some(u as f64);
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", quote(text)));
        }
        n.float = Some(f);
        if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
            n.int = Some(f as i64);
        }
        if f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64 {
            n.uint = Some(f as u64);
        }
    }
    if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
        return Err(format!("illegal number syntax: {}", quote(text)));
    }
    Ok(n)
}

fn simplify_complex(n: &mut Number) {
    if let Some((re, 0.0)) = n.complex {
        n.float = Some(re);
        if re.fract() == 0.0 && re.abs() < i64::MAX as f64 {
            n.int = Some(re as i64);
        }
    }
}

/// Go's `strconv.ParseInt(text, 0, 64)` digits: a sign, a base prefix, underscores between digits.
fn parse_int(text: &str) -> Option<(bool, u64)> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.contains('_') && !underscores_ok(&digits, prefixed) {
        return None;
    }
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok().map(|v| (neg, v))
}

/// Underscores only between digits, or right after a base prefix.
fn underscores_ok(digits: &str, prefixed: bool) -> bool {
    let mut prev_digit = prefixed;
    for c in digits.chars() {
        if c == '_' {
            if !prev_digit {
                return false;
            }
            prev_digit = false;
        } else {
            prev_digit = true;
        }
    }
    prev_digit
}

fn parse_float(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') || body.contains('_') {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    if lower.starts_with("0x") || lower == "." {
        return None;
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}
