//! `search()`: LaminDB's rule-based ranking, computed natively.
//!
//! LaminDB scores every string field of every row with six regular expressions in SQL (a full
//! scan with a Python callback on SQLite). Here SQL only finds the candidates (rows where some
//! string field contains the query), and the ranking runs in Rust on those rows, with the same
//! rules and weights; ties keep database order (by id), as LaminDB's do in practice.
//!
//! Rules per field, summed over fields (S = the query, `|` separates synonyms):
//! exact 200; exact synonym 200; whole sub-phrase (bounded by start/end or one of ` |.,;:`) 10;
//! starts a synonym with no space after 8; a word starts with S 2; a word ends with S 2;
//! contains S 1.
//!
//! Differences that remain: `case_sensitive=true` is case-sensitive here (LaminDB's SQLite
//! `LIKE` ignores case anyway); case folding in SQL is ASCII-only on SQLite.

use crate::db::Dialect;
use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::registry::{Field, Registry};
use crate::value::{SqlType, Value};

/// Options of a search.
#[derive(Clone, Debug, Default)]
pub struct SearchOptions {
    /// Fields to search (all string fields when empty).
    pub fields: Vec<String>,
    /// Maximum number of results (`None` = all).
    pub limit: Option<usize>,
    /// Case-sensitive matching.
    pub case_sensitive: bool,
}

/// One search hit: the record's values (all fields) and its score.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The record, in field order.
    pub values: Vec<Value>,
    /// LaminDB's rank.
    pub score: u32,
}

/// Tables with ids above this are scanned in two halves at once.
const SPLIT_ABOVE: i64 = 100_000;

const SEPARATORS: &[char] = &[' ', '|', '.', ',', ';', ':'];

/// The score of one field value for the (already case-folded) query.
pub fn score_field(value: &str, s: &str) -> u32 {
    if s.is_empty() || !value.contains(s) {
        return 0;
    }
    let mut score = 1; // contains
    if value == s {
        score += 200;
    }
    if value.split('|').any(|syn| syn == s) {
        score += 200;
    }
    let mut sub_phrase = false;
    let mut starts_synonym = false;
    let mut word_start = false;
    let mut word_end = false;
    for (i, _) in value.match_indices(s) {
        let before = value[..i].chars().next_back();
        let after_idx = i + s.len();
        let after = value[after_idx..].chars().next();
        let bounded_before = before.is_none_or(|c| SEPARATORS.contains(&c));
        let bounded_after = after.is_none_or(|c| SEPARATORS.contains(&c));
        sub_phrase |= bounded_before && bounded_after;
        if before.is_none_or(|c| c == '|') {
            // The rest of this synonym (up to the next '|') has no space.
            let rest = &value[after_idx..];
            let syn_rest = rest.split('|').next().unwrap_or("");
            starts_synonym |= !syn_rest.contains(' ');
        }
        word_start |= before.is_none_or(|c| c == ' ' || c == '|');
        word_end |= bounded_after;
    }
    if sub_phrase {
        score += 10;
    }
    if starts_synonym {
        score += 8;
    }
    if word_start {
        score += 2;
    }
    if word_end {
        score += 2;
    }
    score
}

fn search_fields(reg: &'static Registry, names: &[String]) -> Result<Vec<&'static Field>> {
    if names.is_empty() {
        return Ok(reg.fields.iter().filter(|f| f.ty.is_text() && !f.is_private()).collect());
    }
    names
        .iter()
        .map(|n| {
            let f = reg.check_field(n)?;
            if !f.ty.is_text() {
                return Err(Error::Unsupported {
                    registry: reg.name,
                    field: Some(n.clone()),
                    message: format!("cannot search field '{n}': it is not a string field"),
                });
            }
            Ok(f)
        })
        .collect()
}

/// Searches a registry for `query`, ranked as LaminDB ranks.
pub fn search(db: &Instance, reg: &'static Registry, query: &str, opts: &SearchOptions) -> Result<Vec<Hit>> {
    let s = query.trim();
    if s.is_empty() {
        return Err(Error::InvalidArgument(
            "Cannot search for None value! Please pass a valid string.".into(),
        ));
    }
    if s.contains('\0') {
        return Err(Error::InvalidArgument("search strings must not contain NUL (\\0) characters".into()));
    }
    let fields = search_fields(reg, &opts.fields)?;
    let folded = if opts.case_sensitive { s.to_string() } else { s.to_lowercase() };
    let pg = db.dialect() == Dialect::Postgres;
    // Candidates: id + searched fields, where some field contains the query, by id. A large
    // table is scanned in two halves of its ids at once, on two pooled connections.
    let candidates = |range: Option<(i64, i64)>| {
        let mut sql = db.sql();
        sql.push("SELECT \"id\"");
        for f in &fields {
            sql.push(", ").ident(f.name);
        }
        sql.push(" FROM ").ident(reg.table).push(" WHERE (");
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            if !pg && !opts.case_sensitive {
                // SQLite's LIKE ignores ASCII case as its LOWER() does, without a lowered copy
                // of every value: the scan takes about half the time.
                sql.ident(f.name).push(" LIKE ");
                sql.bind(Value::Text(format!("%{}%", escape_like(s))), SqlType::Text);
                sql.push(" ESCAPE '\\'");
                continue;
            }
            let (l, r) = if opts.case_sensitive { ("", "") } else { ("LOWER(", ")") };
            sql.push(if pg { "STRPOS(" } else { "INSTR(" }).push(l).ident(f.name).push(r).push(", ");
            sql.bind(
                Value::Text(if opts.case_sensitive { s.to_string() } else { s.to_lowercase() }),
                SqlType::Text,
            );
            sql.push(") > 0");
        }
        sql.push(")");
        if let Some((above, upto)) = range {
            sql.push(" AND \"id\" > ").bind(Value::Int(above), SqlType::BigInt);
            sql.push(" AND \"id\" <= ").bind(Value::Int(upto), SqlType::BigInt);
        }
        sql.push(" ORDER BY \"id\"");
        sql
    };
    let mut max = db.sql();
    max.push("SELECT MAX(\"id\") FROM ").ident(reg.table);
    let max_id = db.query(&max)?.first().and_then(|r| r.get(0).and_then(Value::as_i64)).unwrap_or(0);
    let rows = if max_id > SPLIT_ABOVE {
        let mid = max_id / 2;
        let (low, high) = std::thread::scope(|scope| {
            let low = scope.spawn(|| db.query(&candidates(Some((i64::MIN, mid)))));
            let high = db.query(&candidates(Some((mid, i64::MAX))));
            (low.join().unwrap_or_else(|p| std::panic::resume_unwind(p)), high)
        });
        let mut rows = low?;
        rows.extend(high?);
        rows
    } else {
        db.query(&candidates(None))?
    };
    let mut scored: Vec<(i64, u32)> = Vec::new();
    for row in rows {
        let id = row.get(0).and_then(Value::as_i64).unwrap_or_default();
        let mut score = 0;
        for v in &row.values[1..] {
            if let Some(text) = v.as_str() {
                score += if opts.case_sensitive {
                    score_field(text, &folded)
                } else {
                    score_field(&text.to_lowercase(), &folded)
                };
            }
        }
        if score > 0 {
            scored.push((id, score));
        }
    }
    // Stable: ties stay in id order.
    scored.sort_by(|a, b| b.1.cmp(&a.1));
    if let Some(n) = opts.limit {
        scored.truncate(n);
    }
    if scored.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Value> = scored.iter().map(|(id, _)| Value::Int(*id)).collect();
    let mut by_id = std::collections::HashMap::new();
    for chunk in ids.chunks(10_000) {
        let qs =
            super::QuerySet::new(reg).all_branches().filter(super::Q::kw_list("id__in", chunk.to_vec())?);
        for row in qs.rows(db)? {
            let id = row[0].as_i64().unwrap_or_default();
            by_id.insert(id, row);
        }
    }
    Ok(scored
        .into_iter()
        .filter_map(|(id, score)| by_id.remove(&id).map(|values| Hit { values, score }))
        .collect())
}

/// `s` with LIKE's wildcards (`%`, `_`) and the escape character (`\`) escaped by `\`.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_like, score_field};

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
        assert_eq!(escape_like("T cell"), "T cell");
    }

    #[test]
    fn scores_follow_lamindb_rules() {
        assert_eq!(score_field("cell", "cell"), 423);
        assert_eq!(score_field("cell type", "cell"), 15);
        assert_eq!(score_field("t cell", "cell"), 15);
        assert_eq!(score_field("b cell|t cell", "cell"), 15);
        assert_eq!(score_field("celltype", "cell"), 11);
        assert_eq!(score_field("my cellular thing", "cell"), 3);
        assert_eq!(score_field("b cell|cell", "cell"), 200 + 10 + 8 + 2 + 2 + 1);
        assert_eq!(score_field("unrelated", "cell"), 0);
    }
}
