//! Query expressions: Django-style lookups combined into `Q` trees with `&`, `|` and `!`.

use crate::error::{Error, Result};
use crate::value::Value;

/// A Django field lookup (`name__startswith=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// `=`; with `None` it is `IS NULL`.
    Exact,
    /// Case-insensitive `=`.
    IExact,
    /// Substring, case-sensitive on both backends.
    Contains,
    /// Substring, case-insensitive.
    IContains,
    /// Prefix, case-sensitive.
    StartsWith,
    /// Prefix, case-insensitive.
    IStartsWith,
    /// Suffix, case-sensitive.
    EndsWith,
    /// Suffix, case-insensitive.
    IEndsWith,
    /// Membership in a list.
    In,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `IS NULL` (true) or `IS NOT NULL` (false).
    IsNull,
    /// Inclusive range `[a, b]`.
    Range,
    /// Regular expression, case-sensitive.
    Regex,
    /// Regular expression, case-insensitive.
    IRegex,
}

impl Lookup {
    /// Every lookup, with its Django name.
    pub const ALL: [(&'static str, Lookup); 17] = [
        ("exact", Lookup::Exact),
        ("iexact", Lookup::IExact),
        ("contains", Lookup::Contains),
        ("icontains", Lookup::IContains),
        ("startswith", Lookup::StartsWith),
        ("istartswith", Lookup::IStartsWith),
        ("endswith", Lookup::EndsWith),
        ("iendswith", Lookup::IEndsWith),
        ("in", Lookup::In),
        ("gt", Lookup::Gt),
        ("gte", Lookup::Gte),
        ("lt", Lookup::Lt),
        ("lte", Lookup::Lte),
        ("isnull", Lookup::IsNull),
        ("range", Lookup::Range),
        ("regex", Lookup::Regex),
        ("iregex", Lookup::IRegex),
    ];

    /// The lookup named `name`.
    pub fn from_name(name: &str) -> Option<Lookup> {
        Lookup::ALL.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
    }

    /// Django's name of the lookup.
    pub fn name(self) -> &'static str {
        Lookup::ALL.iter().find(|(_, l)| *l == self).map(|(n, _)| *n).expect("every lookup is listed")
    }

    /// Whether the lookup compares text.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Lookup::IExact
                | Lookup::Contains
                | Lookup::IContains
                | Lookup::StartsWith
                | Lookup::IStartsWith
                | Lookup::EndsWith
                | Lookup::IEndsWith
                | Lookup::Regex
                | Lookup::IRegex
        )
    }
}

/// The right-hand side of a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// One value.
    Value(Value),
    /// A list (for `in` and `range`).
    List(Vec<Value>),
}

/// An untyped query expression: conditions combined with and, or and not (`&`, `|`, `!`), for a
/// [`QuerySet`](crate::QuerySet), whose registry is chosen at run time.
///
/// Built only through checked constructors, so every `Q` compiles: the string form
/// ([`Q::kw`], `"name__startswith"`, and the filter expressions of
/// [`parse`](crate::query::parse)) that checks the lookup and its operand, or a typed condition
/// ([`Where<R>`](crate::query::Where), e.g. `ulabel::NAME.starts_with("T")`) turned into a `Q`.
/// Field names are checked against the registry when the query runs.
///
/// ```
/// use lamindb_core::{Q, fields::ulabel};
///
/// let typed = ulabel::NAME.starts_with("T") & !ulabel::DESCRIPTION.is_null();
/// let text = (Q::kw("name__startswith", "T")? & !Q::kw("description__isnull", true)?);
/// assert_eq!(Q::from(typed), text);
/// # Ok::<(), lamindb_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Q(pub(crate) Node);

/// The tree behind [`Q`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    /// `path__lookup = operand`; `path` is field names joined by `__`.
    Cond {
        /// Field path, e.g. `["run", "transform", "key"]`.
        path: Vec<String>,
        /// The lookup.
        lookup: Lookup,
        /// The value(s).
        operand: Operand,
    },
    /// All of them (empty = true).
    And(Vec<Q>),
    /// Any of them (empty = false).
    Or(Vec<Q>),
    /// Negation.
    Not(Box<Q>),
}

impl Q {
    /// Matches every record.
    pub fn all() -> Q {
        Q(Node::And(Vec::new()))
    }

    /// Matches no record.
    pub fn none() -> Q {
        Q(Node::Or(Vec::new()))
    }

    /// `field = value` for a field of the registry itself (`id`, `uid`, `name`).
    pub fn exact(field: &str, value: impl Into<Value>) -> Q {
        Q(Node::Cond {
            path: vec![field.to_string()],
            lookup: Lookup::Exact,
            operand: Operand::Value(value.into()),
        })
    }

    /// A condition from its parts, checked: a non-empty path of non-empty names and an operand
    /// that fits the lookup.
    pub(crate) fn cond(path: Vec<String>, lookup: Lookup, operand: Operand) -> Result<Q> {
        if path.is_empty() || path.iter().any(String::is_empty) {
            return Err(Error::InvalidFilter {
                expression: path.join("__"),
                message: format!("Invalid filter path '{}': empty name", path.join("__")),
            });
        }
        let q = Q(Node::Cond { path, lookup, operand });
        q.check_operand()?;
        Ok(q)
    }
}

impl Q {
    /// A condition from a Django keyword (`created_by__handle__startswith`) and a value.
    /// A trailing lookup name is split off; without one the lookup is `exact`.
    pub fn kw(key: &str, value: impl Into<Value>) -> Result<Q> {
        Q::kw_operand(key, Operand::Value(value.into()))
    }

    /// Like [`Q::kw`], with a list operand (`name__in`, `size__range`).
    pub fn kw_list(key: &str, values: Vec<Value>) -> Result<Q> {
        Q::kw_operand(key, Operand::List(values))
    }

    /// Like [`Q::kw`] with any operand.
    pub fn kw_operand(key: &str, operand: Operand) -> Result<Q> {
        let mut path: Vec<String> = key.split("__").map(str::to_string).collect();
        if path.iter().any(String::is_empty) {
            return Err(Error::InvalidFilter {
                expression: key.to_string(),
                message: format!("Invalid filter key '{key}': empty part between '__'"),
            });
        }
        let lookup = match path.last().and_then(|l| Lookup::from_name(l)) {
            Some(l) if path.len() > 1 => {
                path.pop();
                l
            }
            _ => Lookup::Exact,
        };
        Q::cond(path, lookup, operand)
    }

    fn check_operand(&self) -> Result<()> {
        let Node::Cond { path, lookup, operand } = &self.0 else { return Ok(()) };
        let key = format!("{}__{}", path.join("__"), lookup.name());
        match (lookup, operand) {
            (Lookup::In, Operand::List(_)) => Ok(()),
            (Lookup::In, _) => Err(Error::InvalidFilter {
                expression: key.clone(),
                message: format!("'{key}' needs a list of values, e.g. [\"a\", \"b\"]"),
            }),
            (Lookup::Range, Operand::List(v)) if v.len() == 2 => Ok(()),
            (Lookup::Range, _) => Err(Error::InvalidFilter {
                expression: key.clone(),
                message: format!("'{key}' needs a list of two values [low, high]"),
            }),
            (Lookup::IsNull, Operand::Value(Value::Bool(_))) => Ok(()),
            (Lookup::IsNull, _) => Err(Error::InvalidFilter {
                expression: key.clone(),
                message: format!("'{key}' needs true or false"),
            }),
            (_, Operand::List(_)) => Err(Error::InvalidFilter {
                expression: key.clone(),
                message: format!("'{key}' takes one value, not a list"),
            }),
            (l, Operand::Value(v)) if l.is_text() && v.as_str().is_none() => Err(Error::InvalidFilter {
                expression: key.clone(),
                message: format!("'{key}' needs a string, got {v}"),
            }),
            _ => Ok(()),
        }
    }

    /// Whether any condition's first path element is one of `names` or starts with `prefix`.
    pub(crate) fn mentions(&self, names: &[&str], prefix: &str) -> bool {
        match &self.0 {
            Node::Cond { path, .. } => {
                let first = path[0].as_str();
                names.contains(&first) || first.starts_with(prefix)
            }
            Node::And(v) | Node::Or(v) => v.iter().any(|q| q.mentions(names, prefix)),
            Node::Not(q) => q.mentions(names, prefix),
        }
    }

    /// Whether a condition says `branch_id = None` / `branch = None` (no branch filter at all).
    pub(crate) fn disables_branch_filter(&self) -> bool {
        match &self.0 {
            Node::Cond { path, lookup: Lookup::Exact, operand: Operand::Value(Value::Null) } => {
                path.len() == 1 && (path[0] == "branch" || path[0] == "branch_id")
            }
            Node::And(v) => v.iter().any(Q::disables_branch_filter),
            _ => false,
        }
    }
}

impl std::ops::BitAnd for Q {
    type Output = Q;
    fn bitand(self, rhs: Q) -> Q {
        Q(match (self.0, rhs.0) {
            (Node::And(mut a), Node::And(b)) => {
                a.extend(b);
                Node::And(a)
            }
            (Node::And(mut a), q) => {
                a.push(Q(q));
                Node::And(a)
            }
            (q, Node::And(mut b)) => {
                b.insert(0, Q(q));
                Node::And(b)
            }
            (a, b) => Node::And(vec![Q(a), Q(b)]),
        })
    }
}

impl std::ops::BitOr for Q {
    type Output = Q;
    fn bitor(self, rhs: Q) -> Q {
        Q(match (self.0, rhs.0) {
            (Node::Or(mut a), Node::Or(b)) => {
                a.extend(b);
                Node::Or(a)
            }
            (Node::Or(mut a), q) => {
                a.push(Q(q));
                Node::Or(a)
            }
            (a, b) => Node::Or(vec![Q(a), Q(b)]),
        })
    }
}

impl std::ops::Not for Q {
    type Output = Q;
    fn not(self) -> Q {
        match self.0 {
            Node::Not(q) => *q,
            q => Q(Node::Not(Box::new(Q(q)))),
        }
    }
}
