//! Arithmetic expansion's expressions: integers, variables, C's operators and precedence
//! (comparisons and logic give 1 or 0), without assignment operators.

/// A precedence-climbing evaluator over the expression's characters, blanks removed.
pub struct Eval<'a> {
    pub s: &'a [char],
    pub at: usize,
    /// The value of a variable named in the expression.
    pub var: &'a dyn Fn(&str) -> i64,
}

/// Binary operators by the characters they are written with, loosest first; within a level the
/// longer spelling comes first, so `<` never takes the first half of `<=`.
const LEVELS: &[&[&str]] = &[&["||"], &["&&"], &["==", "!="], &["<=", ">=", "<", ">"], &["+", "-"], &["*", "/", "%"]];

impl Eval<'_> {
    fn eat(&mut self, op: &str) -> bool {
        let n = op.chars().count();
        let matches = self.s.len() >= self.at + n && self.s[self.at..self.at + n].iter().copied().eq(op.chars());
        if matches {
            self.at += n;
        }
        matches
    }

    /// An expression whose operators bind at least as tightly as `LEVELS[level]`.
    pub fn expr(&mut self, level: usize) -> Result<i64, String> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.expr(level + 1)?;
        'outer: loop {
            for op in LEVELS[level] {
                if self.eat(op) {
                    let right = self.expr(level + 1)?;
                    left = match *op {
                        "||" => i64::from(left != 0 || right != 0),
                        "&&" => i64::from(left != 0 && right != 0),
                        "==" => i64::from(left == right),
                        "!=" => i64::from(left != right),
                        "<=" => i64::from(left <= right),
                        ">=" => i64::from(left >= right),
                        "<" => i64::from(left < right),
                        ">" => i64::from(left > right),
                        "+" => left.wrapping_add(right),
                        "-" => left.wrapping_sub(right),
                        "*" => left.wrapping_mul(right),
                        _ if right == 0 => return Err("divide by zero".to_string()),
                        "/" => left.wrapping_div(right),
                        _ => left.wrapping_rem(right),
                    };
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn unary(&mut self) -> Result<i64, String> {
        if self.eat("-") {
            return Ok(self.unary()?.wrapping_neg());
        }
        if self.eat("+") {
            return self.unary();
        }
        if self.eat("!") {
            return Ok(i64::from(self.unary()? == 0));
        }
        if self.eat("(") {
            let value = self.expr(0)?;
            if !self.eat(")") {
                return Err("missing ')'".to_string());
            }
            return Ok(value);
        }
        let start = self.at;
        while self.at < self.s.len() && (self.s[self.at].is_ascii_alphanumeric() || self.s[self.at] == '_') {
            self.at += 1;
        }
        let word: String = self.s[start..self.at].iter().collect();
        match word.chars().next() {
            None => Err(match self.s.get(self.at) {
                Some(c) => format!("unexpected '{c}'"),
                None => "missing operand".to_string(),
            }),
            Some(c) if c.is_ascii_digit() => word.parse().map_err(|_| format!("bad number '{word}'")),
            Some(_) => Ok((self.var)(&word)),
        }
    }
}
