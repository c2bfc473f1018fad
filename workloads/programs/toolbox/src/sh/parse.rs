//! The shell's grammar: source text to tokens, tokens to a tree of commands. Words keep their
//! quoting, because expansion happens only when a command runs (`A=1; echo $A`).

/// A piece of a word, as written.
#[derive(Debug, Clone)]
pub enum Part {
    /// Literal text; quoted text is never split or globbed.
    Lit(String, bool),
    /// `$NAME`, `${NAME}` and the special parameters (`?`, `$`, `#`, `@`, `*`, `0`-`9`), with
    /// `${NAME:-word}`'s default when there is one.
    Var(String, Option<Word>, bool),
    /// `$(...)` or backquotes: the source of the command whose output is substituted.
    Cmd(String, bool),
    /// `$((...))`: the source of an arithmetic expression.
    Arith(String, bool),
    /// A leading `~`: the home directory.
    Tilde,
}

/// A word: its parts, and whether it is plain unquoted text (what keywords must be).
#[derive(Debug, Clone, Default)]
pub struct Word {
    pub parts: Vec<Part>,
}

impl Word {
    /// The word's text when it is one plain unquoted literal, as keywords and assignments are.
    pub fn plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(text, false)] => Some(text),
            _ => None,
        }
    }
}

/// A redirection: `fd op target`, where op is `>`, `>>`, `<`, `>&` or `<&`.
#[derive(Debug, Clone)]
pub struct Redir {
    pub fd: u32,
    pub op: &'static str,
    pub target: Word,
}

/// A command tree.
#[derive(Debug, Clone)]
pub enum Cmd {
    Simple {
        assigns: Vec<(String, Word)>,
        words: Vec<Word>,
        redirs: Vec<Redir>,
    },
    /// `a | b | c`, with `!` in front when `bang`.
    Pipeline(Vec<Cmd>, bool),
    /// A first command, then each next one run after `&&` or `||` if the status allows.
    AndOr(Box<Cmd>, Vec<(bool, Cmd)>),
    List(Vec<Cmd>),
    If(Box<Cmd>, Box<Cmd>, Option<Box<Cmd>>),
    /// `while` (or `until`, when the flag is set) with its condition and body.
    While(Box<Cmd>, Box<Cmd>, bool),
    For(String, Option<Vec<Word>>, Box<Cmd>),
    /// `{ list; }`, or `( list )` in a subshell when the flag is set.
    Group(Box<Cmd>, bool),
    /// A compound command with redirections after it (`while ...; done < file`).
    Redirected(Box<Cmd>, Vec<Redir>),
}

/// Why source text is not a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The text stops in the middle of a command: an open quote, `if` without `fi`, a trailing
    /// `&&`. A terminal reads another line; a script is wrong.
    Incomplete,
    /// Busybox's words: `syntax error: unexpected "fi"`.
    Syntax(String),
}

#[derive(Debug, Clone)]
enum Tok {
    Word(Word),
    /// `;`, `&`, `&&`, `||`, `|`, `(`, `)` or a newline.
    Op(&'static str),
    /// A redirection operator with its descriptor; its target is the next word.
    Redir(u32, &'static str),
}

/// Splits source text into tokens.
struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `name` can be a variable's name.
pub fn valid_name(name: &str) -> bool {
    name.chars().next().is_some_and(is_name_start) && name.chars().all(is_name)
}

impl Lexer<'_> {
    fn tokens(mut self) -> Result<Vec<Tok>, ParseError> {
        let mut tokens = Vec::new();
        while let Some(&c) = self.chars.peek() {
            match c {
                ' ' | '\t' | '\r' => {
                    self.chars.next();
                }
                '#' => {
                    while self.chars.peek().is_some_and(|c| *c != '\n') {
                        self.chars.next();
                    }
                }
                '\n' | ';' | '(' | ')' => {
                    self.chars.next();
                    tokens.push(Tok::Op(match c {
                        '\n' => "\n",
                        ';' => ";",
                        '(' => "(",
                        _ => ")",
                    }));
                }
                '&' | '|' => {
                    self.chars.next();
                    let double = self.chars.next_if_eq(&c).is_some();
                    tokens.push(Tok::Op(match (c, double) {
                        ('&', true) => "&&",
                        ('&', false) => "&",
                        ('|', true) => "||",
                        _ => "|",
                    }));
                }
                '<' | '>' => {
                    let fd = if c == '<' { 0 } else { 1 };
                    tokens.push(self.redir(fd));
                }
                _ => {
                    let word = self.word()?;
                    // A word of digits right before `<` or `>` is the descriptor they redirect.
                    if let (Some(fd), Some('<' | '>')) =
                        (word.plain().and_then(|w| w.parse::<u32>().ok()), self.chars.peek().copied())
                    {
                        tokens.push(self.redir(fd));
                    } else {
                        tokens.push(Tok::Word(word));
                    }
                }
            }
        }
        Ok(tokens)
    }

    fn redir(&mut self, fd: u32) -> Tok {
        let op = match self.chars.next() {
            Some('<') if self.chars.next_if_eq(&'&').is_some() => "<&",
            Some('<') => "<",
            _ if self.chars.next_if_eq(&'>').is_some() => ">>",
            _ if self.chars.next_if_eq(&'&').is_some() => ">&",
            _ => {
                // `>|` overrides noclobber, which this shell does not have.
                self.chars.next_if_eq(&'|');
                ">"
            }
        };
        Tok::Redir(fd, op)
    }

    /// One word, up to an unquoted blank or operator.
    fn word(&mut self) -> Result<Word, ParseError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit), false));
            }
        };
        if self.chars.peek() == Some(&'~') {
            self.chars.next();
            if matches!(self.chars.peek(), None | Some('/' | ' ' | '\t' | '\n' | ';' | '&' | '|' | ')')) {
                parts.push(Part::Tilde);
            } else {
                lit.push('~');
            }
        }
        while let Some(&c) = self.chars.peek() {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')' => break,
                '\'' => {
                    self.chars.next();
                    flush(&mut lit, &mut parts);
                    let mut text = String::new();
                    loop {
                        match self.chars.next() {
                            Some('\'') => break,
                            Some(c) => text.push(c),
                            None => return Err(ParseError::Incomplete),
                        }
                    }
                    parts.push(Part::Lit(text, true));
                }
                '"' => {
                    self.chars.next();
                    flush(&mut lit, &mut parts);
                    self.double_quoted(&mut parts)?;
                }
                '\\' => {
                    self.chars.next();
                    match self.chars.next() {
                        // A backslash before a newline joins the lines.
                        Some('\n') => {}
                        Some(c) => {
                            flush(&mut lit, &mut parts);
                            parts.push(Part::Lit(c.to_string(), true));
                        }
                        None => return Err(ParseError::Incomplete),
                    }
                }
                '$' | '`' => {
                    self.chars.next();
                    match self.dollar(c, false)? {
                        Some(part) => {
                            flush(&mut lit, &mut parts);
                            parts.push(part);
                        }
                        None => lit.push('$'),
                    }
                }
                _ => {
                    self.chars.next();
                    lit.push(c);
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(Word { parts })
    }

    /// The inside of double quotes, after the opening one.
    fn double_quoted(&mut self, parts: &mut Vec<Part>) -> Result<(), ParseError> {
        let mut text = String::new();
        // Even `""` is a (quoted, empty) part, so it makes an empty argument.
        parts.push(Part::Lit(String::new(), true));
        loop {
            match self.chars.next() {
                None => return Err(ParseError::Incomplete),
                Some('"') => break,
                Some('\\') => match self.chars.next() {
                    Some(c @ ('$' | '`' | '"' | '\\')) => text.push(c),
                    Some('\n') => {}
                    Some(c) => {
                        text.push('\\');
                        text.push(c);
                    }
                    None => return Err(ParseError::Incomplete),
                },
                Some(c @ ('$' | '`')) => match self.dollar(c, true)? {
                    Some(part) => {
                        parts.push(Part::Lit(std::mem::take(&mut text), true));
                        parts.push(part);
                    }
                    None => text.push('$'),
                },
                Some(c) => text.push(c),
            }
        }
        parts.push(Part::Lit(text, true));
        Ok(())
    }

    /// What follows a `$` (or a backquote): None when the `$` is just a dollar sign.
    fn dollar(&mut self, first: char, quoted: bool) -> Result<Option<Part>, ParseError> {
        if first == '`' {
            let mut source = String::new();
            loop {
                match self.chars.next() {
                    Some('`') => break,
                    Some('\\') => match self.chars.next() {
                        Some(c @ ('$' | '`' | '\\')) => source.push(c),
                        Some(c) => {
                            source.push('\\');
                            source.push(c);
                        }
                        None => return Err(ParseError::Incomplete),
                    },
                    Some(c) => source.push(c),
                    None => return Err(ParseError::Incomplete),
                }
            }
            return Ok(Some(Part::Cmd(source, quoted)));
        }
        match self.chars.peek().copied() {
            Some('(') => {
                self.chars.next();
                if self.chars.next_if_eq(&'(').is_none() {
                    return Ok(Some(Part::Cmd(self.balanced()?, quoted)));
                }
                let inner = self.balanced()?;
                if self.chars.next_if_eq(&')').is_some() {
                    return Ok(Some(Part::Arith(inner, quoted)));
                }
                // `$( (cmd) )`: a substitution whose command is a subshell, not arithmetic.
                Ok(Some(Part::Cmd(format!("({inner}){}", self.balanced()?), quoted)))
            }
            Some('{') => {
                self.chars.next();
                let mut name = String::new();
                while let Some(c) = self.chars.next_if(|c| is_name(*c) || (name.is_empty() && "?$#@*".contains(*c))) {
                    name.push(c);
                }
                let default = if self.chars.next_if_eq(&':').is_some() {
                    if self.chars.next_if_eq(&'-').is_none() {
                        return Err(ParseError::Syntax("bad substitution".to_string()));
                    }
                    let mut parts = Vec::new();
                    let mut lit = String::new();
                    loop {
                        match self.chars.peek().copied() {
                            None => return Err(ParseError::Incomplete),
                            Some('}') => break,
                            Some('"') => {
                                self.chars.next();
                                parts.push(Part::Lit(std::mem::take(&mut lit), false));
                                self.double_quoted(&mut parts)?;
                            }
                            Some(c @ ('$' | '`')) => {
                                self.chars.next();
                                match self.dollar(c, quoted)? {
                                    Some(part) => {
                                        parts.push(Part::Lit(std::mem::take(&mut lit), quoted));
                                        parts.push(part);
                                    }
                                    None => lit.push('$'),
                                }
                            }
                            Some(c) => {
                                self.chars.next();
                                lit.push(c);
                            }
                        }
                    }
                    parts.push(Part::Lit(lit, quoted));
                    Some(Word { parts })
                } else {
                    None
                };
                match self.chars.next() {
                    Some('}') if !name.is_empty() => Ok(Some(Part::Var(name, default, quoted))),
                    None => Err(ParseError::Incomplete),
                    _ => Err(ParseError::Syntax("bad substitution".to_string())),
                }
            }
            Some(c) if "?$#@*!-".contains(c) || c.is_ascii_digit() => {
                self.chars.next();
                Ok(Some(Part::Var(c.to_string(), None, quoted)))
            }
            Some(c) if is_name_start(c) => {
                let mut name = String::new();
                while let Some(c) = self.chars.next_if(|c| is_name(*c)) {
                    name.push(c);
                }
                Ok(Some(Part::Var(name, None, quoted)))
            }
            _ => Ok(None),
        }
    }

    /// The source inside `$( ... )`, up to the parenthesis that closes it, quotes respected.
    fn balanced(&mut self) -> Result<String, ParseError> {
        let mut source = String::new();
        let mut depth = 1;
        let mut quote: Option<char> = None;
        loop {
            let c = self.chars.next().ok_or(ParseError::Incomplete)?;
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some('"'), '\\') | (None, '\\') => {
                    source.push(c);
                    let next = self.chars.next().ok_or(ParseError::Incomplete)?;
                    source.push(next);
                    continue;
                }
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '(') => depth += 1,
                (None, ')') => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(source);
                    }
                }
                _ => {}
            }
            source.push(c);
        }
    }
}

/// Builds the command tree from tokens.
struct Parser {
    tokens: Vec<Tok>,
    at: usize,
}

/// The words that end a list, so the list inside `if ...; then` stops at `then`.
const CLOSERS: &[&str] = &["then", "else", "elif", "fi", "do", "done", "}"];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => w.plain(),
            _ => None,
        }
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(op)) => Some(op),
            _ => None,
        }
    }

    fn unexpected(&self) -> ParseError {
        match self.peek() {
            None => ParseError::Incomplete,
            Some(Tok::Op("\n")) => ParseError::Syntax("unexpected newline".to_string()),
            Some(Tok::Op(op)) => ParseError::Syntax(format!("unexpected \"{op}\"")),
            Some(Tok::Redir(..)) => ParseError::Syntax("unexpected redirection".to_string()),
            Some(Tok::Word(w)) => ParseError::Syntax(format!("unexpected \"{}\"", w.plain().unwrap_or("word"))),
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek_op() == Some("\n") {
            self.at += 1;
        }
    }

    fn expect_word(&mut self, word: &str) -> Result<(), ParseError> {
        self.skip_newlines();
        if self.peek_word() == Some(word) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// Commands separated by `;`, `&` or newlines, up to a closing keyword, `)` or the end.
    fn list(&mut self) -> Result<Cmd, ParseError> {
        let mut commands = Vec::new();
        loop {
            while matches!(self.peek_op(), Some("\n" | ";")) {
                self.at += 1;
            }
            match self.peek() {
                None | Some(Tok::Op(")")) => break,
                Some(Tok::Word(w)) if w.plain().is_some_and(|p| CLOSERS.contains(&p)) => break,
                _ => {}
            }
            commands.push(self.and_or()?);
            match self.peek_op() {
                // `&` runs in the background elsewhere; here every command runs in the foreground.
                Some(";" | "\n" | "&") => self.at += 1,
                _ => break,
            }
        }
        Ok(Cmd::List(commands))
    }

    /// A list that must hold at least one command, as the parts of `if` and loops must.
    fn body(&mut self) -> Result<Cmd, ParseError> {
        let list = self.list()?;
        match &list {
            Cmd::List(commands) if commands.is_empty() => Err(self.unexpected()),
            _ => Ok(list),
        }
    }

    fn and_or(&mut self) -> Result<Cmd, ParseError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        while let Some(op @ ("&&" | "||")) = self.peek_op() {
            self.at += 1;
            self.skip_newlines();
            rest.push((op == "&&", self.pipeline()?));
        }
        Ok(if rest.is_empty() { first } else { Cmd::AndOr(Box::new(first), rest) })
    }

    fn pipeline(&mut self) -> Result<Cmd, ParseError> {
        let bang = self.peek_word() == Some("!");
        if bang {
            self.at += 1;
        }
        let mut stages = vec![self.command()?];
        while self.peek_op() == Some("|") {
            self.at += 1;
            self.skip_newlines();
            stages.push(self.command()?);
        }
        Ok(if stages.len() == 1 && !bang { stages.remove(0) } else { Cmd::Pipeline(stages, bang) })
    }

    fn command(&mut self) -> Result<Cmd, ParseError> {
        let compound = match (self.peek_word(), self.peek_op()) {
            (Some("if"), _) => {
                self.at += 1;
                self.if_rest()?
            }
            (Some(keyword @ ("while" | "until")), _) => {
                let until = keyword == "until";
                self.at += 1;
                let cond = self.body()?;
                self.expect_word("do")?;
                let body = self.body()?;
                self.expect_word("done")?;
                Cmd::While(Box::new(cond), Box::new(body), until)
            }
            (Some("for"), _) => {
                self.at += 1;
                self.for_rest()?
            }
            (Some("{"), _) => {
                self.at += 1;
                let body = self.body()?;
                self.expect_word("}")?;
                Cmd::Group(Box::new(body), false)
            }
            (_, Some("(")) => {
                self.at += 1;
                let body = self.body()?;
                self.skip_newlines();
                if self.peek_op() != Some(")") {
                    return Err(self.unexpected());
                }
                self.at += 1;
                Cmd::Group(Box::new(body), true)
            }
            _ => return self.simple(),
        };
        let mut redirs = Vec::new();
        while let Some(Tok::Redir(fd, op)) = self.peek().cloned() {
            self.at += 1;
            redirs.push(Redir { fd, op, target: self.redir_target()? });
        }
        Ok(if redirs.is_empty() { compound } else { Cmd::Redirected(Box::new(compound), redirs) })
    }

    /// `if` after its keyword: `cond; then list; [elif ...;] [else list;] fi`.
    fn if_rest(&mut self) -> Result<Cmd, ParseError> {
        let cond = self.body()?;
        self.expect_word("then")?;
        let then = self.body()?;
        self.skip_newlines();
        let otherwise = match self.peek_word() {
            Some("elif") => {
                self.at += 1;
                // An elif is an if inside the else, closed by the same fi.
                return Ok(Cmd::If(Box::new(cond), Box::new(then), Some(Box::new(self.if_rest()?))));
            }
            Some("else") => {
                self.at += 1;
                Some(Box::new(self.body()?))
            }
            _ => None,
        };
        self.expect_word("fi")?;
        Ok(Cmd::If(Box::new(cond), Box::new(then), otherwise))
    }

    /// `for` after its keyword: `NAME [in WORD...]; do list; done`.
    fn for_rest(&mut self) -> Result<Cmd, ParseError> {
        let name = match self.peek() {
            Some(Tok::Word(w)) if w.plain().is_some_and(valid_name) => w.plain().unwrap_or_default().to_string(),
            _ => return Err(self.unexpected()),
        };
        self.at += 1;
        self.skip_newlines();
        let mut items = None;
        if self.peek_word() == Some("in") {
            self.at += 1;
            let mut words = Vec::new();
            while let Some(Tok::Word(w)) = self.peek() {
                words.push(w.clone());
                self.at += 1;
            }
            items = Some(words);
        }
        if matches!(self.peek_op(), Some(";" | "\n")) {
            self.at += 1;
        }
        self.expect_word("do")?;
        let body = self.body()?;
        self.expect_word("done")?;
        Ok(Cmd::For(name, items, Box::new(body)))
    }

    fn redir_target(&mut self) -> Result<Word, ParseError> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.at += 1;
                Ok(w)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn simple(&mut self) -> Result<Cmd, ParseError> {
        let mut assigns = Vec::new();
        let mut words = Vec::new();
        let mut redirs = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Tok::Word(word)) => {
                    self.at += 1;
                    match assignment(&word).filter(|_| words.is_empty()) {
                        Some(pair) => assigns.push(pair),
                        None => words.push(word),
                    }
                }
                Some(Tok::Redir(fd, op)) => {
                    self.at += 1;
                    redirs.push(Redir { fd, op, target: self.redir_target()? });
                }
                _ => break,
            }
        }
        if assigns.is_empty() && words.is_empty() && redirs.is_empty() {
            return Err(self.unexpected());
        }
        Ok(Cmd::Simple { assigns, words, redirs })
    }
}

/// `NAME=value` split into its name and value, when the word is an assignment.
fn assignment(word: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first, false)) = word.parts.first() else { return None };
    let (name, rest) = first.split_once('=')?;
    if !valid_name(name) {
        return None;
    }
    let mut parts = vec![Part::Lit(rest.to_string(), false)];
    parts.extend(word.parts[1..].iter().cloned());
    Some((name.to_string(), Word { parts }))
}

/// Parses a whole script.
pub fn parse(source: &str) -> Result<Cmd, ParseError> {
    let tokens = Lexer { chars: source.chars().peekable() }.tokens()?;
    let mut parser = Parser { tokens, at: 0 };
    let list = parser.list()?;
    if parser.at < parser.tokens.len() {
        return Err(parser.unexpected());
    }
    Ok(list)
}
