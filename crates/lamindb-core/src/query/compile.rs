//! Compiles `Q` trees into SQL predicates: relation paths become `IN (SELECT …)` subqueries, so
//! traversal works at any depth and in both directions without duplicating rows.

use crate::db::{Dialect, Sql};
use crate::error::{Error, Result};
use crate::models::{Relation, registry_by_name};
use crate::registry::{Field, Registry};
use crate::value::{SqlType, Value, parse_date, parse_datetime};

use super::expr::{Lookup, Node, Operand, Q};

/// Hands out table aliases `t0`, `t1`, … within one statement.
#[derive(Default)]
pub(crate) struct Aliases(usize);

impl Aliases {
    pub(crate) fn next(&mut self) -> String {
        self.0 += 1;
        format!("t{}", self.0)
    }
}

fn target(name: &str) -> &'static Registry {
    registry_by_name(name).expect("relations point to declared registries")
}

/// Appends the predicate for `q` on rows of `reg` aliased `alias`.
pub(crate) fn compile(
    sql: &mut Sql,
    reg: &'static Registry,
    alias: &str,
    q: &Q,
    aliases: &mut Aliases,
) -> Result<()> {
    match &q.0 {
        Node::And(v) if v.is_empty() => {
            sql.push("1 = 1");
        }
        Node::Or(v) if v.is_empty() => {
            sql.push("1 = 0");
        }
        Node::And(v) | Node::Or(v) => {
            let op = if matches!(q.0, Node::And(_)) { " AND " } else { " OR " };
            sql.push("(");
            for (i, q) in v.iter().enumerate() {
                if i > 0 {
                    sql.push(op);
                }
                compile(sql, reg, alias, q, aliases)?;
            }
            sql.push(")");
        }
        Node::Not(q) => negate(sql, reg, alias, q, aliases)?,
        Node::Cond { path, lookup, operand } => cond(sql, reg, alias, path, *lookup, operand, aliases)?,
    }
    Ok(())
}

/// `NOT q` as Django means it: rows where `q` is not true, so a NULL compared with anything
/// (unknown, in SQL) counts as "not matching" and the row is kept.
pub(crate) fn negate(
    sql: &mut Sql,
    reg: &'static Registry,
    alias: &str,
    q: &Q,
    aliases: &mut Aliases,
) -> Result<()> {
    sql.push("NOT COALESCE((");
    compile(sql, reg, alias, q, aliases)?;
    sql.push("), FALSE)");
    Ok(())
}

fn cond(
    sql: &mut Sql,
    reg: &'static Registry,
    alias: &str,
    path: &[String],
    lookup: Lookup,
    operand: &Operand,
    aliases: &mut Aliases,
) -> Result<()> {
    let head = path[0].as_str();
    let rest = &path[1..];
    let relation = reg.relations.iter().find(|r| r.name() == head);
    if rest.is_empty() {
        if let Some(r) = relation {
            let other = match r {
                Relation::Reverse { registry, .. } | Relation::ManyToMany { registry, .. } => {
                    target(registry)
                }
            };
            return Err(Error::InvalidFilter {
                expression: head.to_string(),
                message: format!(
                    "Invalid lookup '{}' for {head}. Did you mean {head}__{}?",
                    display_operand(operand),
                    other.name_field
                ),
            });
        }
        let field = reg.check_field(head)?;
        return predicate(sql, &format!("{alias}.\"{}\"", field.name), field, lookup, operand);
    }
    let t = aliases.next();
    match relation {
        Some(Relation::Reverse { registry, fk, .. }) => {
            let other = target(registry);
            sql.push(&format!("{alias}.\"id\" IN (SELECT {t}.\"{fk}\" FROM \"{}\" {t} WHERE ", other.table));
            cond(sql, other, &t, rest, lookup, operand, aliases)?;
            sql.push(")");
        }
        Some(Relation::ManyToMany { registry, link_table, self_fk, other_fk, .. }) => {
            let other = target(registry);
            let l = aliases.next();
            sql.push(&format!(
                "{alias}.\"id\" IN (SELECT {l}.\"{self_fk}\" FROM \"{link_table}\" {l} JOIN \"{}\" {t} ON {t}.\"id\" = {l}.\"{other_fk}\" WHERE ",
                other.table
            ));
            cond(sql, other, &t, rest, lookup, operand, aliases)?;
            sql.push(")");
        }
        None => {
            let field = reg.check_field(head)?;
            let Some(other) = field.relation.and_then(registry_by_name) else {
                return Err(Error::InvalidFilter {
                    expression: format!("{head}__{}", rest.join("__")),
                    message: format!(
                        "Unsupported lookup '{}' for field '{}' of {}: it is not a relation",
                        rest.join("__"),
                        field.name,
                        reg.name
                    ),
                });
            };
            sql.push(&format!(
                "{alias}.\"{}\" IN (SELECT {t}.\"id\" FROM \"{}\" {t} WHERE ",
                field.name, other.table
            ));
            cond(sql, other, &t, rest, lookup, operand, aliases)?;
            sql.push(")");
        }
    }
    Ok(())
}

fn display_operand(op: &Operand) -> String {
    match op {
        Operand::Value(v) => v.to_string(),
        Operand::List(v) => format!("[{}]", v.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// Converts a filter value to the field's type (`"3"` for an integer field, `"true"` for a bool).
fn coerce(field: &Field, v: &Value) -> Result<Value> {
    let bad = |what: &str| Error::InvalidValue {
        field: field.name.to_string(),
        message: format!("Field '{}' expected {what} but got '{v}'.", field.name),
    };
    if v.as_str().is_some_and(|s| s.contains('\0')) {
        return Err(Error::InvalidValue {
            field: field.name.to_string(),
            message: format!("Field '{}': text values must not contain NUL (\\0) characters", field.name),
        });
    }
    Ok(match (field.ty, v) {
        (_, Value::Null) => Value::Null,
        // A value typed on the command line: `None`/`null` is NULL where no text can be.
        (t, Value::Text(s))
            if !t.is_text() && t != SqlType::Json && matches!(s.as_str(), "None" | "null") =>
        {
            Value::Null
        }
        (t, Value::Int(_)) if t.is_integer() => v.clone(),
        (t, Value::Text(s)) if t.is_integer() => Value::Int(s.trim().parse().map_err(|_| bad("a number"))?),
        (t, Value::Float(f)) if t.is_integer() && f.fract() == 0.0 => Value::Int(*f as i64),
        (t, _) if t.is_integer() => return Err(bad("a number")),
        (SqlType::Bool, Value::Bool(_)) => v.clone(),
        (SqlType::Bool, Value::Int(i @ (0 | 1))) => Value::Bool(*i == 1),
        (SqlType::Bool, Value::Text(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(bad("a boolean")),
        },
        (SqlType::Bool, _) => return Err(bad("a boolean")),
        (SqlType::Float, Value::Int(i)) => Value::Float(*i as f64),
        (SqlType::Float, Value::Float(_)) => v.clone(),
        (SqlType::Float, Value::Text(s)) => Value::Float(s.trim().parse().map_err(|_| bad("a number"))?),
        (SqlType::DateTime, Value::DateTime(_)) => v.clone(),
        (SqlType::DateTime, Value::Text(s)) => {
            Value::DateTime(parse_datetime(s).ok_or_else(|| bad("a datetime"))?)
        }
        (SqlType::Date, Value::Text(s)) => Value::Text(parse_date(s).ok_or_else(|| bad("a date"))?),
        (t, Value::Text(_)) if t.is_text() || t == SqlType::Json => v.clone(),
        (t, Value::Int(_) | Value::Float(_) | Value::Bool(_)) if t.is_text() => Value::Text(v.to_string()),
        _ => return Err(bad(&format!("{:?}", field.ty))),
    })
}

/// `prefix%` for LIKE, with `\`, `%` and `_` escaped.
fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The smallest string greater than every string starting with `prefix` (in code-point order,
/// which is UTF-8 byte order), if there is one.
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn predicate(sql: &mut Sql, col: &str, field: &Field, lookup: Lookup, operand: &Operand) -> Result<()> {
    let pg = sql.dialect() == Dialect::Postgres;
    if lookup.is_text() && !field.ty.is_text() {
        return Err(Error::InvalidFilter {
            expression: format!("{}__{}", field.name, lookup.name()),
            message: format!(
                "Lookup '{}' needs a text field; '{}' is {:?}",
                lookup.name(),
                field.name,
                field.ty
            ),
        });
    }
    let one = |op: &Operand| -> Result<Value> {
        match op {
            Operand::Value(v) => coerce(field, v),
            Operand::List(_) => Err(Error::InvalidFilter {
                expression: field.name.to_string(),
                message: format!("'{}' takes one value", field.name),
            }),
        }
    };
    let ty = field.ty;
    match lookup {
        Lookup::Exact => match one(operand)? {
            Value::Null => {
                sql.push(col).push(" IS NULL");
            }
            v => {
                sql.push(col).push(" = ").bind(v, ty);
            }
        },
        Lookup::IExact => {
            sql.push("LOWER(").push(col).push(") = LOWER(").bind(one(operand)?, SqlType::Text).push(")");
        }
        Lookup::Contains | Lookup::IContains => {
            let (l, r) = if lookup == Lookup::IContains { ("LOWER(", ")") } else { ("", "") };
            sql.push(if pg { "STRPOS(" } else { "INSTR(" }).push(l).push(col).push(r).push(", ");
            sql.push(l).bind(one(operand)?, SqlType::Text).push(r).push(") > 0");
        }
        Lookup::StartsWith | Lookup::IStartsWith | Lookup::EndsWith | Lookup::IEndsWith => {
            let v = one(operand)?;
            let n = v.as_str().unwrap_or_default().chars().count() as i64;
            let ci = matches!(lookup, Lookup::IStartsWith | Lookup::IEndsWith);
            let (l, r) = if ci { ("LOWER(", ")") } else { ("", "") };
            if n == 0 {
                sql.push(col).push(" IS NOT NULL");
                return Ok(());
            }
            if lookup == Lookup::StartsWith {
                let prefix = v.as_str().unwrap_or_default();
                if pg {
                    // LIKE is case-sensitive on PostgreSQL and can use the `_like` pattern index.
                    sql.push(col).push(" LIKE ").bind(Value::Text(like_prefix(prefix)), SqlType::Text);
                    sql.push(" ESCAPE '\\'");
                    return Ok(());
                }
                // SQLite compares text bytewise: a range lets the column's index find the prefix,
                // the SUBSTR below keeps the comparison exact.
                sql.push(col).push(" >= ").bind(Value::Text(prefix.to_string()), SqlType::Text).push(" AND ");
                if let Some(upper) = prefix_upper_bound(prefix) {
                    sql.push(col).push(" < ").bind(Value::Text(upper), SqlType::Text).push(" AND ");
                }
            }
            match (lookup, pg) {
                (Lookup::StartsWith | Lookup::IStartsWith, _) => {
                    sql.push("SUBSTR(").push(l).push(col).push(r).push(", 1, CAST(");
                    sql.bind(Value::Int(n), SqlType::BigInt).push(" AS INTEGER))");
                }
                (_, true) => {
                    sql.push("RIGHT(").push(l).push(col).push(r).push(", CAST(");
                    sql.bind(Value::Int(n), SqlType::BigInt).push(" AS INTEGER))");
                }
                (_, false) => {
                    sql.push("SUBSTR(").push(l).push(col).push(r).push(", -CAST(");
                    sql.bind(Value::Int(n), SqlType::BigInt).push(" AS INTEGER))");
                }
            }
            sql.push(" = ").push(l).bind(v, SqlType::Text).push(r);
        }
        Lookup::In => {
            let Operand::List(values) = operand else { unreachable!("checked by Q::cond") };
            if values.is_empty() {
                sql.push("1 = 0");
                return Ok(());
            }
            sql.push(col).push(" IN (");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(coerce(field, v)?, ty);
            }
            sql.push(")");
        }
        Lookup::Gt | Lookup::Gte | Lookup::Lt | Lookup::Lte => {
            let op = match lookup {
                Lookup::Gt => " > ",
                Lookup::Gte => " >= ",
                Lookup::Lt => " < ",
                _ => " <= ",
            };
            sql.push(col).push(op).bind(one(operand)?, ty);
            if ty.is_text() && pg {
                sql.push(" COLLATE \"C\"");
            }
        }
        Lookup::IsNull => {
            let Operand::Value(Value::Bool(b)) = operand else { unreachable!("checked by Q::cond") };
            sql.push(col).push(if *b { " IS NULL" } else { " IS NOT NULL" });
        }
        Lookup::Range => {
            let Operand::List(v) = operand else { unreachable!("checked by Q::cond") };
            sql.push(col).push(" BETWEEN ").bind(coerce(field, &v[0])?, ty);
            sql.push(" AND ").bind(coerce(field, &v[1])?, ty);
        }
        Lookup::Regex | Lookup::IRegex => {
            let ci = lookup == Lookup::IRegex;
            let v = one(operand)?;
            let pattern = v.as_str().unwrap_or_default();
            if let Err(e) = regex::Regex::new(pattern) {
                return Err(Error::InvalidFilter {
                    expression: pattern.to_string(),
                    message: format!("invalid regular expression {pattern:?}: {e}"),
                });
            }
            if pg {
                sql.push(col).push(if ci { " ~* " } else { " ~ " }).bind(v, SqlType::Text);
            } else {
                sql.push("lamin_regexp(").push(col).push(", ").bind(v, SqlType::Text);
                sql.push(if ci { ", 1)" } else { ", 0)" });
            }
        }
    }
    Ok(())
}
