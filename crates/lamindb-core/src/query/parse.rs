//! The filter-expression language of the command line.
//!
//! `field__lookup=value`, combined with `&` (and), `|` (or), `!` or `~` (not) and parentheses:
//! `(name__startswith="a" | name="b") & !description__isnull=true`. Values are quoted strings
//! (`"…"` or `'…'` with `\` escapes), numbers, `true`/`false`, `null`/`None`, lists `[a, b]`
//! (for `in` and `range`), or bare words (`name=label-3`). `&` binds tighter than `|`.

use crate::error::{Error, Result};
use crate::value::Value;

use super::expr::{Operand, Q};

/// Nesting deeper than this is refused (it would only serve to exhaust the stack).
const MAX_DEPTH: usize = 64;

/// Parses a filter expression into a [`Q`].
pub fn parse_filter(input: &str) -> Result<Q> {
    let mut p = Parser { s: input, pos: 0, depth: 0 };
    p.skip_ws();
    if p.at_end() {
        return Err(p.error("empty filter expression; write field=value, e.g. name=\"my label\""));
    }
    let q = p.or()?;
    p.skip_ws();
    if !p.at_end() {
        return Err(p.error(&format!("unexpected '{}'", p.rest_preview())));
    }
    Ok(q)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, msg: &str) -> Error {
        Error::InvalidArgument(format!("invalid filter {:?} at position {}: {msg}", self.s, self.pos))
    }

    fn rest_preview(&self) -> String {
        self.s[self.pos..].chars().take(10).collect()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Q> {
        let mut q = self.and()?;
        while self.eat('|') {
            q = q | self.and()?;
        }
        Ok(q)
    }

    fn and(&mut self) -> Result<Q> {
        let mut q = self.unary()?;
        while self.eat('&') {
            q = q & self.unary()?;
        }
        Ok(q)
    }

    fn unary(&mut self) -> Result<Q> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        let q = if self.eat('!') || self.eat('~') {
            Ok(!self.unary()?)
        } else if self.eat('(') {
            let q = self.or()?;
            if !self.eat(')') {
                return Err(self.error("expected ')'"));
            }
            Ok(q)
        } else {
            self.cond()
        };
        self.depth -= 1;
        q
    }

    fn cond(&mut self) -> Result<Q> {
        self.skip_ws();
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.bump();
        }
        let key = &self.s[start..self.pos];
        if key.is_empty() {
            return Err(match self.peek() {
                Some(c) => self.error(&format!("expected a field name, found '{c}'")),
                None => self.error("expected a field name, found the end"),
            });
        }
        if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return Err(self.error(&format!("'{key}' is not a field name")));
        }
        if !self.eat('=') {
            return Err(self.error(&format!("expected '=' after '{key}'")));
        }
        self.skip_ws();
        let operand = if self.peek() == Some('[') {
            self.bump();
            let mut values = Vec::new();
            if !self.eat(']') {
                loop {
                    values.push(self.value()?);
                    if self.eat(']') {
                        break;
                    }
                    if !self.eat(',') {
                        return Err(self.error("expected ',' or ']' in a list"));
                    }
                }
            }
            Operand::List(values)
        } else {
            Operand::Value(self.value()?)
        };
        Q::kw_operand(key, operand)
    }

    fn value(&mut self) -> Result<Value> {
        self.skip_ws();
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                self.bump();
                let mut out = String::new();
                loop {
                    match self.bump() {
                        None => return Err(self.error("unterminated string")),
                        Some('\\') => match self.bump() {
                            Some('n') => out.push('\n'),
                            Some('t') => out.push('\t'),
                            Some(c) => out.push(c),
                            None => return Err(self.error("unterminated string")),
                        },
                        Some(c) if c == q => break,
                        Some(c) => out.push(c),
                    }
                }
                Ok(Value::Text(out))
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|c| !c.is_whitespace() && !"&|()[],".contains(c)) {
                    self.bump();
                }
                let word = &self.s[start..self.pos];
                if word.is_empty() {
                    return Err(self.error("expected a value"));
                }
                Ok(match word {
                    "true" | "True" => Value::Bool(true),
                    "false" | "False" => Value::Bool(false),
                    "null" | "None" => Value::Null,
                    w => match (w.parse::<i64>(), w.parse::<f64>()) {
                        (Ok(i), _) => Value::Int(i),
                        (_, Ok(f)) if f.is_finite() && w.chars().any(|c| c.is_ascii_digit()) => {
                            Value::Float(f)
                        }
                        _ => Value::Text(w.to_string()),
                    },
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::expr::Lookup;

    fn cond(key: &[&str], lookup: Lookup, v: Value) -> Q {
        Q::cond(key.iter().map(|s| s.to_string()).collect(), lookup, Operand::Value(v)).unwrap()
    }

    #[test]
    fn parses_lookups_values_and_precedence() {
        let q = parse_filter(r#"(name__startswith="a" | name=b) & !description__isnull=true"#).unwrap();
        let expected = (cond(&["name"], Lookup::StartsWith, Value::Text("a".into()))
            | cond(&["name"], Lookup::Exact, Value::Text("b".into())))
            & !cond(&["description"], Lookup::IsNull, Value::Bool(true));
        assert_eq!(q, expected);
        assert_eq!(
            parse_filter("a=1 | b=2 & c=3").unwrap(),
            cond(&["a"], Lookup::Exact, Value::Int(1))
                | (cond(&["b"], Lookup::Exact, Value::Int(2)) & cond(&["c"], Lookup::Exact, Value::Int(3)))
        );
        assert_eq!(
            parse_filter("run__transform__key=x.py").unwrap(),
            cond(&["run", "transform", "key"], Lookup::Exact, Value::Text("x.py".into()))
        );
        assert_eq!(
            parse_filter(r#"name__in=["a", 'b\'c', 3]"#).unwrap(),
            Q::cond(
                vec!["name".into()],
                Lookup::In,
                Operand::List(vec![Value::Text("a".into()), Value::Text("b'c".into()), Value::Int(3)]),
            )
            .unwrap()
        );
        assert_eq!(parse_filter("size__gt=1.5").unwrap(), cond(&["size"], Lookup::Gt, Value::Float(1.5)));
        assert_eq!(parse_filter("run=None").unwrap(), cond(&["run"], Lookup::Exact, Value::Null));
        assert_eq!(parse_filter("~ a=1").unwrap(), !cond(&["a"], Lookup::Exact, Value::Int(1)));
    }

    #[test]
    fn errors_say_where() {
        for (input, msg) in [
            ("", "empty filter"),
            ("name", "expected '=' after 'name'"),
            ("name=", "expected a value"),
            ("name=\"abc", "unterminated string"),
            ("(name=a", "expected ')'"),
            ("name=a)", "unexpected ')'"),
            ("name__in=[a b]", "expected ',' or ']'"),
            ("name__in=a", "needs a list"),
            ("size__range=[1]", "two values"),
            ("=a", "expected a field name"),
            ("1x=a", "is not a field name"),
            ("name__isnull=maybe", "needs true or false"),
        ] {
            let err = parse_filter(input).unwrap_err().to_string();
            assert!(err.contains(msg), "{input:?}: {err}");
        }
        let deep = format!("{}a=1{}", "(".repeat(100), ")".repeat(100));
        assert!(parse_filter(&deep).unwrap_err().to_string().contains("nested too deeply"));
    }

    /// Property test: 200 000 random inputs built from the language's own pieces never panic,
    /// and whatever parses re-parses from the same text to the same tree.
    #[test]
    fn random_inputs_never_panic() {
        let pieces = [
            "name",
            "=",
            "__",
            "startswith",
            "in",
            "isnull",
            "range",
            "&",
            "|",
            "!",
            "~",
            "(",
            ")",
            "[",
            "]",
            ",",
            "\"",
            "'",
            "\\",
            " ",
            "a",
            "1",
            "-2.5",
            "true",
            "None",
            "é",
            "🦀",
            "\u{0}",
            "x=y",
            "__in=[",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut parsed = 0;
        for _ in 0..200_000 {
            let n = (next() % 12) as usize;
            let input: String = (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect();
            if let Ok(q) = parse_filter(&input) {
                parsed += 1;
                assert_eq!(parse_filter(&input).unwrap(), q);
            }
        }
        assert!(parsed > 100, "the generator reaches valid expressions ({parsed})");
    }
}
