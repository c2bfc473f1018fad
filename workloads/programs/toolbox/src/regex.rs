//! Regular expressions for grep and sed: POSIX's basic syntax (`.`, `*`, `^`, `$`, `[...]`,
//! `\(...\)`, `\{m,n\}`, back-references, and GNU's `\+`, `\?` and `\|`) and, with `-E`, the
//! extended one, which writes the same operators without backslashes. The matcher backtracks,
//! which is plenty for lines of text, and it keeps the first match it finds from the left.

/// A compiled expression.
#[derive(Debug, Clone)]
pub struct Regex {
    alternatives: Vec<Vec<Node>>,
    groups: usize,
    fold: bool,
}

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Set(Vec<SetItem>, bool),
    Start,
    End,
    Group(Vec<Vec<Node>>, usize),
    Repeat(Box<Node>, usize, Option<usize>),
    Backref(usize),
}

#[derive(Debug, Clone)]
enum SetItem {
    Range(char, char),
    Class(String),
}

/// The spans of a match, in characters: the whole match first, then each group's, if it took part.
pub type Spans = Vec<Option<(usize, usize)>>;

/// How deep the matcher may recurse. Each step of an expression is a call, so a group repeated
/// along a long line could otherwise exhaust the stack (wasmtime gives a guest 512 KiB) and
/// crash the program; past this depth, that way of matching is given up instead. A group can
/// repeat a couple of hundred times in one match; single characters (`.*`, `[a-z]*`) any number.
const MAX_DEPTH: usize = 1000;

/// Reads an expression; `chars` and `at` walk it.
struct Parser {
    chars: Vec<char>,
    at: usize,
    extended: bool,
    groups: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// Whether an operator comes next: `op` in extended syntax, `\op` in basic.
    fn operator(&self, op: char) -> bool {
        if self.extended {
            self.peek() == Some(op)
        } else {
            self.peek() == Some('\\') && self.chars.get(self.at + 1) == Some(&op)
        }
    }

    fn skip_operator(&mut self) {
        self.at += if self.extended { 1 } else { 2 };
    }

    fn alternatives(&mut self, depth: usize) -> Result<Vec<Vec<Node>>, String> {
        let mut alternatives = vec![self.sequence(depth)?];
        while self.operator('|') {
            self.skip_operator();
            alternatives.push(self.sequence(depth)?);
        }
        Ok(alternatives)
    }

    fn sequence(&mut self, depth: usize) -> Result<Vec<Node>, String> {
        let mut nodes: Vec<Node> = Vec::new();
        let start = self.at;
        while let Some(c) = self.peek() {
            if self.operator('|') || (depth > 0 && self.operator(')')) {
                break;
            }
            if self.operator(')') {
                return Err("Unmatched ) or \\)".into());
            }
            // A quantifier with nothing before it is an ordinary character in basic syntax.
            let quantifier = match c {
                '*' => Some((0, None)),
                _ if self.operator('+') => Some((1, None)),
                _ if self.operator('?') => Some((0, Some(1))),
                _ if self.operator('{') => Some((0, Some(0))),
                _ => None,
            };
            if let (Some(bounds), false) = (quantifier, nodes.is_empty()) {
                let (min, max) = if c == '*' {
                    self.at += 1;
                    bounds
                } else if self.operator('{') {
                    self.skip_operator();
                    self.interval()?
                } else {
                    self.skip_operator();
                    bounds
                };
                if let Some(last) = nodes.pop() {
                    nodes.push(Node::Repeat(Box::new(last), min, max));
                }
                continue;
            }
            self.at += 1;
            let node = match c {
                '.' => Node::Any,
                '[' => self.set()?,
                '^' if self.extended || self.at - 1 == start => Node::Start,
                '$' if self.extended || self.at_end_of_sequence(depth) => Node::End,
                '(' if self.extended => self.group(depth)?,
                '\\' => match self.peek() {
                    None => return Err("Trailing backslash".into()),
                    Some('(') if !self.extended => self.group(depth)?,
                    Some(d @ '1'..='9') => {
                        self.at += 1;
                        let n = d as usize - '0' as usize;
                        if n > self.groups {
                            return Err("Invalid back reference".into());
                        }
                        Node::Backref(n)
                    }
                    Some(e) => {
                        self.at += 1;
                        Node::Char(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        })
                    }
                },
                other => Node::Char(other),
            };
            nodes.push(node);
        }
        Ok(nodes)
    }

    /// Whether a `$` just read ends its sequence, where basic syntax makes it an anchor.
    fn at_end_of_sequence(&self, depth: usize) -> bool {
        self.peek().is_none() || self.operator('|') || (depth > 0 && self.operator(')'))
    }

    fn group(&mut self, depth: usize) -> Result<Node, String> {
        if !self.extended {
            self.at += 1;
        }
        self.groups += 1;
        let index = self.groups;
        let inner = self.alternatives(depth + 1)?;
        if !self.operator(')') {
            return Err("Unmatched ( or \\(".into());
        }
        self.skip_operator();
        Ok(Node::Group(inner, index))
    }

    /// `{m}`, `{m,}` or `{m,n}`, after its opening brace.
    fn interval(&mut self) -> Result<(usize, Option<usize>), String> {
        let bad = || "Invalid content of \\{\\}".to_string();
        let mut text = String::new();
        while !self.operator('}') {
            text.push(self.peek().ok_or_else(bad)?);
            self.at += 1;
        }
        self.skip_operator();
        let number = |s: &str| s.trim().parse::<usize>().ok().filter(|n| *n <= 1000);
        let (min, max) = match text.split_once(',') {
            None => (number(&text).ok_or_else(bad)?, number(&text)),
            Some((m, "")) => (number(m).ok_or_else(bad)?, None),
            Some((m, n)) => (number(m).ok_or_else(bad)?, Some(number(n).ok_or_else(bad)?)),
        };
        if max.is_some_and(|max| max < min) {
            return Err(bad());
        }
        Ok((min, max))
    }

    /// A bracket expression, after its `[`: `]` first is a member, `^` first negates.
    fn set(&mut self) -> Result<Node, String> {
        let unmatched = || "Unmatched [, [^, [:, [., or [=".to_string();
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or_else(unmatched)?;
            self.at += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.peek() == Some(':') {
                let rest: String = self.chars[self.at + 1..].iter().collect();
                let end = rest.find(":]").ok_or_else(unmatched)?;
                items.push(SetItem::Class(rest[..end].to_string()));
                self.at += end + 3;
                continue;
            }
            let is_range = self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|n| *n != ']');
            if is_range {
                let high = self.chars[self.at + 1];
                self.at += 2;
                items.push(SetItem::Range(c, high));
            } else {
                items.push(SetItem::Range(c, c));
            }
        }
        Ok(Node::Set(items, negated))
    }
}

impl Regex {
    /// Compiles `pattern`, in extended syntax if `extended`, ignoring case if `fold`. The error
    /// is in the words of the C library's regerror, which busybox prints.
    pub fn new(pattern: &str, extended: bool, fold: bool) -> Result<Regex, String> {
        let mut parser = Parser { chars: pattern.chars().collect(), at: 0, extended, groups: 0 };
        let alternatives = parser.alternatives(0)?;
        if parser.at < parser.chars.len() {
            return Err("Unmatched ) or \\)".into());
        }
        Ok(Regex { alternatives, groups: parser.groups, fold })
    }

    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        self.find_at(&chars, 0).is_some()
    }

    /// The leftmost match that starts at or after `from`.
    pub fn find_at(&self, text: &[char], from: usize) -> Option<Spans> {
        for start in from..=text.len() {
            let mut matcher = Matcher { text, spans: vec![None; self.groups + 1], fold: self.fold, depth: 0 };
            let mut end = None;
            let found = matcher.alternatives(&self.alternatives, start, &mut |_, at| {
                end = Some(at);
                true
            });
            if let (true, Some(end)) = (found, end) {
                matcher.spans[0] = Some((start, end));
                return Some(matcher.spans);
            }
        }
        None
    }
}

/// One attempt to match at one place. Each step gets a continuation, `then`, which tries the
/// rest of the expression from where the step ended, so a step can try its choices in turn.
struct Matcher<'t> {
    text: &'t [char],
    spans: Spans,
    fold: bool,
    depth: usize,
}

type Then<'k, 't> = &'k mut dyn FnMut(&mut Matcher<'t>, usize) -> bool;

impl<'t> Matcher<'t> {
    fn alternatives(&mut self, alternatives: &[Vec<Node>], at: usize, then: Then<'_, 't>) -> bool {
        alternatives.iter().any(|nodes| self.sequence(nodes, at, then))
    }

    fn sequence(&mut self, nodes: &[Node], at: usize, then: Then<'_, 't>) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        let matched = self.step(nodes, at, then);
        self.depth -= 1;
        matched
    }

    fn step(&mut self, nodes: &[Node], at: usize, then: Then<'_, 't>) -> bool {
        let Some((node, rest)) = nodes.split_first() else { return then(self, at) };
        match node {
            Node::Start => at == 0 && self.sequence(rest, at, then),
            Node::End => at == self.text.len() && self.sequence(rest, at, then),
            Node::Group(inner, index) => {
                let index = *index;
                self.alternatives(inner, at, &mut |m: &mut Matcher<'t>, end| {
                    let saved = m.spans[index];
                    m.spans[index] = Some((at, end));
                    let matched = m.sequence(rest, end, then);
                    if !matched {
                        m.spans[index] = saved;
                    }
                    matched
                })
            }
            Node::Backref(index) => {
                let Some((from, to)) = self.spans[*index] else { return false };
                let len = to - from;
                let same =
                    at + len <= self.text.len() && (0..len).all(|i| self.same(self.text[from + i], self.text[at + i]));
                same && self.sequence(rest, at + len, then)
            }
            // One character at a time: count how far it could go, then give back one at a
            // time, without a stack frame per character.
            Node::Repeat(single, min, max) if is_single(single) => {
                let mut count = 0;
                while max.is_none_or(|max| count < max)
                    && at + count < self.text.len()
                    && self.single(single, self.text[at + count])
                {
                    count += 1;
                }
                loop {
                    if count < *min {
                        return false;
                    }
                    if self.sequence(rest, at + count, then) {
                        return true;
                    }
                    if count == 0 {
                        return false;
                    }
                    count -= 1;
                }
            }
            Node::Repeat(inner, min, max) => self.repeat(inner, *min, *max, 0, at, rest, then),
            single => at < self.text.len() && self.single(single, self.text[at]) && self.sequence(rest, at + 1, then),
        }
    }

    /// A repeated group: one more time first (repetition is greedy), else the rest.
    #[allow(clippy::too_many_arguments)]
    fn repeat(
        &mut self,
        inner: &Node,
        min: usize,
        max: Option<usize>,
        count: usize,
        at: usize,
        rest: &[Node],
        then: Then<'_, 't>,
    ) -> bool {
        if max.is_none_or(|max| count < max) {
            let again = self.sequence(std::slice::from_ref(inner), at, &mut |m: &mut Matcher<'t>, end| {
                // An empty pass can only help to reach the minimum; past it, it would loop.
                (end != at || count < min) && m.repeat(inner, min, max, count + 1, end, rest, then)
            });
            if again {
                return true;
            }
        }
        count >= min && self.sequence(rest, at, then)
    }

    fn same(&self, a: char, b: char) -> bool {
        a == b || (self.fold && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn single(&self, node: &Node, c: char) -> bool {
        match node {
            Node::Char(p) => self.same(*p, c),
            Node::Any => c != '\n',
            Node::Set(items, negated) => {
                let inside = |c: char| items.iter().any(|item| in_set(item, c));
                let hit = inside(c) || (self.fold && (inside(lower(c)) || inside(upper(c))));
                hit != *negated
            }
            _ => false,
        }
    }
}

fn is_single(node: &Node) -> bool {
    matches!(node, Node::Char(_) | Node::Any | Node::Set(..))
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

fn in_set(item: &SetItem, c: char) -> bool {
    match item {
        SetItem::Range(low, high) => *low <= c && c <= *high,
        SetItem::Class(name) => match name.as_str() {
            "alpha" => c.is_alphabetic(),
            "digit" => c.is_ascii_digit(),
            "alnum" => c.is_alphanumeric(),
            "upper" => c.is_uppercase(),
            "lower" => c.is_lowercase(),
            "space" => c.is_whitespace(),
            "blank" => c == ' ' || c == '\t',
            "punct" => c.is_ascii_punctuation(),
            "xdigit" => c.is_ascii_hexdigit(),
            "cntrl" => c.is_control(),
            "print" => !c.is_control(),
            "graph" => !c.is_control() && !c.is_whitespace(),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(pattern: &str, extended: bool, text: &str) -> Option<(usize, usize)> {
        let chars: Vec<char> = text.chars().collect();
        Regex::new(pattern, extended, false).unwrap().find_at(&chars, 0).and_then(|spans| spans[0])
    }

    #[test]
    fn basic_and_extended_syntax() {
        assert_eq!(find("b.d", false, "abcde"), Some((1, 4)));
        assert_eq!(find("^a*", false, "aaab"), Some((0, 3)));
        assert_eq!(find("*a", false, "x*a"), Some((1, 3)), "a leading star is a character");
        assert_eq!(find("a\\{2,3\\}", false, "aaaa"), Some((0, 3)));
        assert_eq!(find("a{2}", false, "a{2}"), Some((0, 4)), "braces are characters in basic syntax");
        assert_eq!(find("a{2}", true, "aaa"), Some((0, 2)));
        assert_eq!(find("\\(ab\\)*c", false, "xababc"), Some((1, 6)));
        assert_eq!(find("(ab|cd)+$", true, "xabcd"), Some((1, 5)));
        assert_eq!(find("\\(a\\)\\1", false, "baab"), Some((1, 3)));
        assert_eq!(find("[^[:digit:]]\\+", false, "12ab3"), Some((2, 4)));
        assert_eq!(find("a$b", false, "a$b"), Some((0, 3)), "a dollar inside is a character");
        assert_eq!(find("x", false, "abc"), None);
        assert!(Regex::new("HELLO", false, true).unwrap().is_match("say hello"));
        for bad in ["a\\(", "[ab", "a\\{x\\}", "\\"] {
            assert!(Regex::new(bad, false, false).is_err(), "{bad}");
        }
        // A group repeated along a long line is given up before the stack is, not crashed on.
        let long = "ab".repeat(50_000);
        assert!(!Regex::new("^\\(ab\\)*$", false, false).unwrap().is_match(&long));
        assert!(Regex::new("^\\(ab\\)*$", false, false).unwrap().is_match(&"ab".repeat(100)));
    }
}
