//! `include` paths of `df()`: related fields reached hop by hop (forward foreign key, reverse
//! foreign key, many-to-many link), one `IN (…)` query per 10 000 ids; to-one paths give scalar
//! columns, to-many paths list columns.

use std::collections::{HashMap, HashSet};

use lamindb_core::models::{Relation, registry_by_name, relations};
use lamindb_core::{Field, Instance, Q, QuerySet, Registry, Value};
use polars::prelude::*;

use crate::FrameError;
use crate::columns::{column_of, list_column_of};
use crate::df::CHUNK;

/// One `include` entry: a direct field, or a path through relations.
pub(crate) enum Include {
    Direct(&'static Field),
    Path(IncludePath),
}

/// One step along an include path.
pub(crate) enum Hop {
    /// `reg.fk` → target registry.
    Forward { reg: &'static Registry, fk: &'static str },
    /// Records of `target` whose `fk` points here.
    Reverse { target: &'static Registry, fk: &'static str },
    /// Through a link registry: `self_fk` here, `other_fk` there.
    Link { link: &'static Registry, self_fk: &'static str, other_fk: &'static str },
}

pub(crate) struct IncludePath {
    name: String,
    hops: Vec<Hop>,
    last: &'static Registry,
    field: &'static Field,
    many: bool,
}

/// The registry whose table is `table` (link tables are declared registries too).
pub(crate) fn registry_of_table(table: &str) -> Option<&'static Registry> {
    [
        "ArtifactULabel",
        "User",
        "Space",
        "Branch",
        "Storage",
        "Transform",
        "Run",
        "ULabel",
        "Artifact",
        "Feature",
    ]
    .into_iter()
    .filter_map(registry_by_name)
    .find(|r| r.table == table)
}

impl Include {
    /// Whether this is a path starting with the foreign key `fk` of `base`.
    pub(crate) fn starts_with_fk(&self, base: &Registry, fk: &str) -> bool {
        matches!(self, Include::Path(p) if p.first_fk(base) == Some(fk))
    }

    pub(crate) fn parse(reg: &'static Registry, path: &str) -> Result<Include, FrameError> {
        let bad = |message: String| FrameError::Include { path: path.to_string(), message };
        let parts: Vec<&str> = path.split("__").collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad("empty part between '__'".into()));
        }
        let mut cur = reg;
        let mut hops = Vec::new();
        let mut many = false;
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            if let Some(rel) = relations(cur.name).iter().find(|r| r.name() == *part) {
                let (target, hop) = match *rel {
                    Relation::Reverse { registry, fk, .. } => {
                        let target = registry_by_name(registry).expect("relations name declared registries");
                        (target, Hop::Reverse { target, fk })
                    }
                    Relation::ManyToMany { registry, link_table, self_fk, other_fk, .. } => {
                        let target = registry_by_name(registry).expect("relations name declared registries");
                        let link = registry_of_table(link_table)
                            .ok_or_else(|| bad(format!("the link table {link_table} cannot be read")))?;
                        (target, Hop::Link { link, self_fk, other_fk })
                    }
                };
                if last {
                    return Err(bad(format!(
                        "{part} are {} records; name one of their fields, e.g. {path}__{}",
                        target.name, target.name_field
                    )));
                }
                hops.push(hop);
                many = true;
                cur = target;
                continue;
            }
            let field = cur.check_field(part).map_err(|e| bad(e.to_string()))?;
            if last {
                if hops.is_empty() {
                    return Ok(Include::Direct(field));
                }
                return Ok(Include::Path(IncludePath {
                    name: path.to_string(),
                    hops,
                    last: cur,
                    field,
                    many,
                }));
            }
            let target = field.relation.and_then(registry_by_name).ok_or_else(|| {
                bad(format!(
                    "'{part}' of {} is not a relation, so '{}' cannot follow it",
                    cur.name,
                    parts[i + 1]
                ))
            })?;
            hops.push(Hop::Forward { reg: cur, fk: field.name });
            cur = target;
        }
        unreachable!("the loop returns at the last part")
    }
}

/// `QuerySet` of `reg` (every branch) where `column IN ids`, one query per chunk, with `columns`.
pub(crate) fn select_in(
    db: &Instance,
    reg: &'static Registry,
    column: &str,
    ids: &[i64],
    columns: &[&str],
    extra: Option<Q>,
) -> Result<Vec<Vec<Value>>, FrameError> {
    let mut out = Vec::new();
    let key = format!("{column}__in");
    for chunk in ids.chunks(CHUNK) {
        let values: Vec<Value> = chunk.iter().map(|i| Value::Int(*i)).collect();
        let mut qs = QuerySet::new(reg).all_branches().filter(Q::kw_list(&key, values)?);
        if let Some(q) = &extra {
            qs = qs.filter(q.clone());
        }
        out.extend(qs.select(db, columns)?);
    }
    Ok(out)
}

/// Distinct values, in first-seen order.
pub(crate) fn distinct(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|i| seen.insert(*i)).collect()
}

/// `key → values` pairs from two integer columns (nulls dropped), in row order.
pub(crate) fn pairs(rows: Vec<Vec<Value>>) -> HashMap<i64, Vec<i64>> {
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in rows {
        if let (Some(k), Some(v)) = (r[0].as_i64(), r[1].as_i64()) {
            map.entry(k).or_default().push(v);
        }
    }
    map
}

impl IncludePath {
    /// The foreign key of the queried registry this path starts with, if it does (its values
    /// come with the main query instead of costing a query of their own).
    pub(crate) fn first_fk(&self, base: &Registry) -> Option<&'static str> {
        match self.hops.first() {
            Some(Hop::Forward { reg, fk }) if reg.name == base.name => Some(fk),
            _ => None,
        }
    }

    /// The column for the records with `ids` (one row each); `first` holds the values of
    /// [`IncludePath::first_fk`] per row when the path starts with it.
    pub(crate) fn column(
        &self,
        db: &Instance,
        ids: &[i64],
        first: Option<Vec<Option<i64>>>,
    ) -> Result<Column, FrameError> {
        // (row, id of the current registry) pairs, walked hop by hop.
        let (mut at, hops): (Vec<(usize, i64)>, &[Hop]) = match first {
            Some(fks) => (
                fks.into_iter().enumerate().filter_map(|(row, fk)| Some((row, fk?))).collect(),
                &self.hops[1..],
            ),
            None => (ids.iter().copied().enumerate().collect(), &self.hops[..]),
        };
        for hop in hops {
            let cur = distinct(at.iter().map(|(_, id)| *id));
            let next = match hop {
                Hop::Forward { reg, fk } => pairs(select_in(db, reg, "id", &cur, &["id", fk], None)?),
                Hop::Reverse { target, fk } => pairs(select_in(db, target, fk, &cur, &[fk, "id"], None)?),
                Hop::Link { link, self_fk, other_fk } => {
                    pairs(select_in(db, link, self_fk, &cur, &[self_fk, other_fk], None)?)
                }
            };
            at = at
                .into_iter()
                .flat_map(|(row, id)| next.get(&id).into_iter().flatten().map(move |n| (row, *n)))
                .collect();
        }
        let targets = distinct(at.iter().map(|(_, id)| *id));
        if !self.many {
            // One value per row: the distinct values once, then gathered by row.
            let rows = select_in(db, self.last, "id", &targets, &["id", self.field.name], None)?;
            let position: HashMap<i64, IdxSize> =
                rows.iter().enumerate().filter_map(|(i, r)| Some((r[0].as_i64()?, i as IdxSize))).collect();
            let values: Vec<Value> = rows.into_iter().map(|mut r| r.pop().unwrap_or(Value::Null)).collect();
            let mut idx: Vec<Option<IdxSize>> = vec![None; ids.len()];
            for (row, id) in at {
                idx[row] = position.get(&id).copied();
            }
            let idx = IdxCa::from_iter_options(PlSmallStr::EMPTY, idx.into_iter());
            let values = column_of(&self.name, self.field.ty, &values)?;
            return values.take(&idx).map_err(FrameError::Export);
        }
        let values: HashMap<i64, Value> =
            select_in(db, self.last, "id", &targets, &["id", self.field.name], None)?
                .into_iter()
                .filter_map(|mut r| Some((r[0].as_i64()?, r.pop()?)))
                .collect();
        let mut per_row: Vec<Vec<(i64, Value)>> = vec![Vec::new(); ids.len()];
        for (row, id) in at {
            if let Some(v) = values.get(&id)
                && !per_row[row].iter().any(|(seen, _)| *seen == id)
            {
                per_row[row].push((id, v.clone()));
            }
        }
        if self.many {
            // LaminDB aggregates to-many paths into sets: distinct values, nulls dropped.
            let lists: Vec<Option<Vec<Value>>> = per_row
                .into_iter()
                .map(|vals| {
                    let mut out: Vec<Value> = Vec::new();
                    for (_, v) in vals {
                        if !v.is_null() && !out.contains(&v) {
                            out.push(v);
                        }
                    }
                    Some(out)
                })
                .collect();
            list_column_of(&self.name, self.field.ty, &lists)
        } else {
            let scalars: Vec<Value> =
                per_row.into_iter().map(|mut v| v.pop().map(|(_, v)| v).unwrap_or(Value::Null)).collect();
            column_of(&self.name, self.field.ty, &scalars)
        }
    }
}
