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

/// Parses a filter as typed on a command line, where the shell has already removed the user's
/// quotes: `field__lookup=value` takes everything after the first `=` literally as the value
/// (`name=T cell`, `name=Crohn's disease`, `name=a & b`), and the field's type converts it
/// (`size__gt=1000`, `run=None`). A value that starts with a quote or `[` is read as in
/// [`parse_filter`] (`name="a b"`, `name__in=[a, b]`), as is an `__isnull` lookup. The argument
/// is a whole expression for [`parse_filter`] when it starts with `(`, `!` or `~`, or when it
/// has `&` or `|` followed by another `field__lookup=` term
/// (`name__startswith=a | description__contains=b`).
///
/// ```
/// use lamindb_core::query::parse::{parse_cli_filter, parse_filter};
/// use lamindb_core::Q;
///
/// assert_eq!(parse_cli_filter("name=T cell")?, Q::kw("name", "T cell")?);
/// assert_eq!(parse_cli_filter("name=a & b")?, Q::kw("name", "a & b")?);
/// assert_eq!(parse_cli_filter(r#"name="T cell""#)?, Q::kw("name", "T cell")?);
/// assert_eq!(parse_cli_filter("name=a | name=b")?, parse_filter("name=a | name=b")?);
/// # Ok::<(), lamindb_core::Error>(())
/// ```
pub fn parse_cli_filter(input: &str) -> Result<Q> {
    let whole = input.trim_start();
    if whole.starts_with(['(', '!', '~']) || joins_terms(input) {
        return parse_filter(input);
    }
    let Some((key, value)) = input.split_once('=') else { return parse_filter(input) };
    let key = key.trim();
    let is_key = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_key || key.ends_with("__isnull") || value.trim_start().starts_with(['"', '\'', '[']) {
        return parse_filter(input);
    }
    Q::kw(key, value)
}

/// Whether `input` has a `&` or `|` (outside quotes and brackets) followed by a
/// `field__lookup=` term.
fn joins_terms(input: &str) -> bool {
    let (mut quote, mut depth) = (None, 0usize);
    for (i, c) in input.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '&' | '|') if depth == 0 => {
                let rest = input[i + 1..].trim_start().trim_start_matches(['!', '~', '(', ' ']);
                let key: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !key.is_empty() && rest[key.len()..].trim_start().starts_with('=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

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
        Error::InvalidFilter {
            expression: self.s.to_string(),
            message: format!("invalid filter {:?} at position {}: {msg}", self.s, self.pos),
        }
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
    fn command_line_values_are_taken_as_typed() {
        let text = |v: &str| cond(&["name"], Lookup::Exact, Value::Text(v.into()));
        assert_eq!(parse_cli_filter("name=T cell").unwrap(), text("T cell"));
        assert_eq!(parse_cli_filter("name=Crohn's disease").unwrap(), text("Crohn's disease"));
        assert_eq!(parse_cli_filter("name=a & b | c").unwrap(), text("a & b | c"));
        assert_eq!(parse_cli_filter("name=x=y").unwrap(), text("x=y"));
        assert_eq!(parse_cli_filter("name= spaced ").unwrap(), text(" spaced "));
        assert_eq!(parse_cli_filter("name=").unwrap(), text(""));
        // Quoted values, lists and isnull as before.
        assert_eq!(parse_cli_filter(r#"name="T cell""#).unwrap(), text("T cell"));
        assert_eq!(parse_cli_filter("name='it''s'").is_err(), parse_filter("name='it''s'").is_err());
        assert_eq!(parse_cli_filter("name__in=[a, b]").unwrap(), parse_filter("name__in=[a, b]").unwrap());
        assert_eq!(
            parse_cli_filter("description__isnull=true").unwrap(),
            cond(&["description"], Lookup::IsNull, Value::Bool(true))
        );
        // Whole expressions.
        for e in ["name=a | name=b", "(name=a)", "!name=a", "~name=a", "name=a & !description__isnull=true"] {
            assert_eq!(parse_cli_filter(e).unwrap(), parse_filter(e).unwrap(), "{e}");
        }
        assert!(parse_cli_filter("no equals sign").is_err());
        assert!(parse_cli_filter("bad key=x").is_err());
    }

    /// For any value without `=` (so that it cannot join another term), `name=<v>` is the
    /// exact match of `v`, unless `v` starts with a quote or `[`.
    #[test]
    fn any_typed_value_is_matched_literally() {
        let alphabet: Vec<char> = "aZ9 _-.&|()![]'\",\\~*%é漢\t".chars().collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 12) as usize;
            let v: String =
                (0..len).map(|i| alphabet[((x >> (i * 5)) % alphabet.len() as u64) as usize]).collect();
            if v.trim_start().starts_with(['"', '\'', '[']) {
                continue;
            }
            let q = parse_cli_filter(&format!("name={v}")).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            assert_eq!(q, cond(&["name"], Lookup::Exact, Value::Text(v.clone())), "{v:?}");
        }
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
