//! `df()`: the records of a query as a polars [`DataFrame`], with LaminDB's columns
//! (`to_dataframe`, `reference/lamindb.md` §3.5).
//!
//! Columns: `id` first (LaminDB's index), then `uid`, then the direct fields in model order
//! (private `_` fields and `updated_at` left out) with `version_tag, is_latest, is_locked, is_type,
//! created_at, created_on` moved to the end, then the `<fk>_id` columns ([`basic_columns`]).
//! With `include` or `features`, as in LaminDB, only the first three (`id`, `uid` and the next
//! one) stay, followed by the included paths and then the feature columns. Name a direct field in
//! `include` to keep it.
//!
//! The main query streams its rows straight into typed column builders; every include and the
//! features cost one query per 10 000 ids (`id IN (…)`), never one per row.

use std::collections::{HashMap, HashSet};

use lamindb_core::models::{Relation, registry_by_name, relations};
use lamindb_core::{Dialect, Feature, Field, Instance, Q, QuerySet, Record, Registry, SqlType, Value};
use polars::prelude::*;

use crate::FrameError;
use crate::columns::{ColumnBuilder, column_of, list_column_of, null_column};

/// How many ids go into one `IN (…)` list (SQLite allows 32 766 parameters).
const CHUNK: usize = 10_000;

/// Rows per chunk of the frame's columns (what one builder holds at most).
const CHUNK_ROWS: usize = 1 << 16;

/// LaminDB's default `limit` of `df()` (the seed documents 100).
pub const DEFAULT_LIMIT: usize = 100;

/// Fields LaminDB moves behind the other direct fields, in this order.
const MOVED_TO_END: [&str; 6] =
    ["version_tag", "is_latest", "is_locked", "is_type", "created_at", "created_on"];

/// Which features become columns (Artifact only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeatureSelection {
    /// Every feature with values on the selected records (LaminDB's `include="features"`).
    All,
    /// These features, by name, in this order.
    Names(Vec<String>),
}

/// Options of [`df`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DfOptions {
    /// Lookup paths of related fields (`created_by__handle`, `storage__root`, `ulabels__name`);
    /// to-one paths give scalar columns, to-many paths list columns. A plain field name keeps that
    /// direct field.
    pub include: Vec<String>,
    /// Feature columns (Artifact only).
    pub features: Option<FeatureSelection>,
    /// At most this many records; `None` (the default) = all, within the query's own limit if
    /// it has one. (`lamin df` shows [`DEFAULT_LIMIT`] unless told otherwise, as LaminDB's `df()`
    /// shows a few.)
    pub limit: Option<usize>,
    /// Ordering used when the query has none (default `-id`); `None` keeps the query's order.
    pub order_by: Option<String>,
}

impl Default for DfOptions {
    fn default() -> DfOptions {
        DfOptions { include: Vec::new(), features: None, limit: None, order_by: Some("-id".into()) }
    }
}

impl DfOptions {
    /// Every record (no limit): the same as the default.
    pub fn all() -> DfOptions {
        DfOptions::default()
    }
}

/// `df()` on queries: `ULabel::filter(…).df(&inst)`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # let (inst, _) = lamindb_core::Instance::init(&settings, &opts)?;
/// use lamindb_core::{Record, ULabel, fields::ulabel};
/// use lamindb_frame::ToDataFrame;
///
/// ULabel::new("my label").save(&inst)?;
/// let frame = ULabel::filter(ulabel::NAME.starts_with("my")).df(&inst)?;
/// assert_eq!(frame.height(), 1);
/// assert_eq!(frame.get_column_names()[..3], ["id", "uid", "name"]);
/// # Ok(()) }
/// ```
pub trait ToDataFrame {
    /// The records as a DataFrame with LaminDB's columns, newest first.
    fn df(&self, inst: &Instance) -> Result<DataFrame, FrameError> {
        self.df_with(inst, &DfOptions::default())
    }

    /// The records as a DataFrame, with includes, features, a limit or an ordering.
    fn df_with(&self, inst: &Instance, opts: &DfOptions) -> Result<DataFrame, FrameError>;
}

impl ToDataFrame for QuerySet {
    fn df_with(&self, inst: &Instance, opts: &DfOptions) -> Result<DataFrame, FrameError> {
        df(inst, self, opts)
    }
}

impl<R: Record> ToDataFrame for lamindb_core::Query<R> {
    fn df_with(&self, inst: &Instance, opts: &DfOptions) -> Result<DataFrame, FrameError> {
        df(inst, self.try_queryset()?, opts)
    }
}

/// Whether a field is a foreign key column (`storage_id`; also `schema_id`, whose registry is not
/// declared here).
fn is_fk(f: &Field) -> bool {
    f.relation.is_some() || (f.name.ends_with("_id") && f.name != "id")
}

/// LaminDB's default `df()` columns of a registry, in order (`id` first).
pub fn basic_columns(reg: &'static Registry) -> Vec<&'static Field> {
    let shown = |f: &&'static Field| {
        (!f.is_private() || (reg.name == "Feature" && f.name == "_dtype_str"))
            && f.name != "updated_at"
            && f.name != "id"
            && f.name != "uid"
    };
    let plain: Vec<&'static Field> = reg.fields.iter().filter(|f| !is_fk(f)).filter(shown).collect();
    let mut out: Vec<&'static Field> = ["id", "uid"].iter().filter_map(|n| reg.field(n)).collect();
    out.extend(plain.iter().filter(|f| !MOVED_TO_END.contains(&f.name)));
    for name in MOVED_TO_END {
        out.extend(plain.iter().filter(|f| f.name == name));
    }
    out.extend(reg.fields.iter().filter(|f| is_fk(f) && !f.is_private()));
    out
}

/// The query's records as a DataFrame (see the module docs for the columns).
pub fn df(db: &Instance, qs: &QuerySet, opts: &DfOptions) -> Result<DataFrame, FrameError> {
    let reg = qs.registry();
    if opts.features.is_some() && reg.name != "Artifact" {
        return Err(FrameError::Features(format!(
            "features are columns of Artifact frames only, not of {}: drop the features option",
            reg.name
        )));
    }
    let includes: Vec<Include> =
        opts.include.iter().map(|p| Include::parse(reg, p)).collect::<Result<_, _>>()?;

    // Direct columns: the basic ones (or the first three of them), then the directly included.
    let basic = basic_columns(reg);
    let n_basic =
        if includes.is_empty() && opts.features.is_none() { basic.len() } else { 3.min(basic.len()) };
    let mut direct: Vec<&'static Field> = basic.into_iter().take(n_basic).collect();
    for inc in &includes {
        if let Include::Direct(f) = inc
            && !direct.contains(f)
        {
            direct.push(f);
        }
    }
    // The foreign keys include paths start with come with the main query (not shown unless
    // they are columns anyway).
    for inc in &includes {
        if let Include::Path(p) = inc
            && let Some(fk) = p.first_fk(reg)
        {
            let f = reg.check_field(fk)?;
            if !direct.contains(&f) {
                direct.push(f);
            }
        }
    }

    let mut q = qs.clone();
    if reg.name == "Artifact" && !q.filters_on("kind") {
        // LaminDB hides run logs and environments (`kind="__lamindb_run__"`, …) unless the query
        // asks for a kind.
        // (Written as a filter that keeps NULL kinds, which Django's `exclude` keeps too.)
        q = q.filter(Q::kw("kind__isnull", true)? | !Q::kw("kind__startswith", "__lamindb")?);
    }
    let split = split_point(db, &q, opts)?;
    if let (false, Some(order)) = (q.is_ordered(), &opts.order_by) {
        q = q.order_by(order);
    }
    if let Some(n) = opts.limit {
        q = q.limit(n);
    }
    let chunk_rows = opts.limit.unwrap_or(CHUNK_ROWS).clamp(1, CHUNK_ROWS);
    let (chunks, height) = match split.map(|k| (q.clone().limit(k), q.clone().offset(k))) {
        Some((first, second)) => {
            // Two halves of the id range, read at the same time on two of the pool's connections.
            std::thread::scope(|scope| -> Result<_, FrameError> {
                let other = scope.spawn(|| read_chunks(db, &second, &direct, chunk_rows));
                let (mut chunks, n1) = read_chunks(db, &first, &direct, chunk_rows)?;
                let (more, n2) = other.join().map_err(|_| FrameError::Decode {
                    column: "*".into(),
                    message: "the second reader panicked".into(),
                })??;
                for (c, m) in chunks.iter_mut().zip(more) {
                    c.extend(m.into_iter().filter(|col| !col.is_empty()));
                }
                Ok((chunks, n1 + n2))
            })?
        }
        None => read_chunks(db, &q, &direct, chunk_rows)?,
    };
    let mut selected: Vec<Option<Column>> = Vec::with_capacity(chunks.len());
    for parts in chunks {
        let mut parts = parts.into_iter();
        let mut col = parts.next().expect("at least one chunk");
        for part in parts {
            col.append_owned(part).map_err(FrameError::Export)?;
        }
        selected.push(Some(col));
    }
    let ids: Vec<i64> = selected[0]
        .as_ref()
        .expect("id is selected first")
        .i64()
        .map_err(FrameError::Export)?
        .iter()
        .map(|v| v.expect("ids are not null"))
        .collect();

    // Foreign keys that include paths start with, as selected.
    let selected_fks: Vec<Option<Column>> = direct
        .iter()
        .zip(&selected)
        .map(|(f, c)| c.as_ref().filter(|_| includes.iter().any(|i| i.starts_with_fk(reg, f.name))).cloned())
        .collect();

    // In order: the basic columns, the includes as given, the features.
    let mut columns: Vec<Column> = selected.iter_mut().take(n_basic).filter_map(Option::take).collect();
    for inc in &includes {
        match inc {
            Include::Direct(f) => {
                let pos = direct.iter().position(|d| d == f).expect("selected");
                columns.extend(selected[pos].take());
            }
            Include::Path(p) => {
                let first = match p.first_fk(reg) {
                    Some(fk) => {
                        let pos = direct.iter().position(|d| d.name == fk).expect("selected for the include");
                        let col = selected_fks[pos].as_ref().expect("kept for includes");
                        Some(col.i64().map_err(FrameError::Export)?.iter().collect())
                    }
                    None => None,
                };
                columns.push(p.column(db, &ids, first)?)
            }
        }
    }
    if let Some(sel) = &opts.features {
        columns.extend(feature_columns(db, &ids, sel)?);
    }
    DataFrame::new(height, columns).map_err(FrameError::Export)
}

/// Reads the rows of `qs` (columns `direct`) into column chunks of at most `chunk_rows` rows:
/// values stream straight from the database into typed builders, and no builder grows past a
/// chunk, so memory stays near the frame's own size. Returns the chunks per column and the number
/// of rows.
fn read_chunks(
    db: &Instance,
    qs: &QuerySet,
    direct: &[&'static Field],
    chunk_rows: usize,
) -> Result<(Vec<Vec<Column>>, usize), FrameError> {
    let names: Vec<&str> = direct.iter().map(|f| f.name).collect();
    let sql = qs.to_sql(db.dialect(), &names)?;
    let new_builders = || -> Vec<ColumnBuilder> {
        direct.iter().map(|f| ColumnBuilder::new(f.name, f.ty, chunk_rows)).collect()
    };
    let mut builders = new_builders();
    let mut chunks: Vec<Vec<Column>> = vec![Vec::new(); direct.len()];
    let mut in_chunk = 0usize;
    let last = direct.len() - 1;
    let height = db.query_each_ref(&sql, |i, v| {
        builders[i].push_ref(v).map_err(|message| {
            lamindb_core::Error::Decode(format!("column {}: {message}", direct[i].name))
        })?;
        if i == last {
            in_chunk += 1;
            if in_chunk == chunk_rows {
                for (b, c) in std::mem::replace(&mut builders, new_builders()).into_iter().zip(&mut chunks) {
                    c.push(b.finish());
                }
                in_chunk = 0;
            }
        }
        Ok(())
    })?;
    if in_chunk > 0 || height == 0 {
        for (b, c) in builders.into_iter().zip(&mut chunks) {
            c.push(b.finish());
        }
    }
    Ok((chunks, height))
}

/// Ids spanned by a query before [`df`] reads it in two halves at once.
const PARALLEL_MIN_SPAN: i64 = 50_000;

/// For a large, unlimited SQLite query ordered by id only: how many rows (about half, estimated
/// from the id range) to read on one connection while a second connection of the instance's pool
/// reads the rest (`OFFSET`). `None` when the query is read in one go.
fn split_point(db: &Instance, q: &QuerySet, opts: &DfOptions) -> Result<Option<usize>, FrameError> {
    if !matches!(opts.order_by.as_deref(), Some("id" | "-id"))
        || db.dialect() != Dialect::Sqlite
        || opts.limit.is_some()
        || q.is_ordered()
        || q.window() != (None, 0)
    {
        return Ok(None);
    }
    let bound = |db: &Instance, order: &str| -> Result<Option<i64>, FrameError> {
        let rows = q.clone().order_by(order).limit(1).select(db, &["id"])?;
        Ok(rows.first().and_then(|r| r[0].as_i64()))
    };
    let (Some(lo), Some(hi)) = (bound(db, "id")?, bound(db, "-id")?) else { return Ok(None) };
    if hi - lo < PARALLEL_MIN_SPAN {
        return Ok(None);
    }
    Ok(Some(((hi - lo) / 2 + 1) as usize))
}

/// One `include` entry: a direct field, or a path through relations.
enum Include {
    Direct(&'static Field),
    Path(IncludePath),
}

/// One step along an include path.
enum Hop {
    /// `reg.fk` → target registry.
    Forward { reg: &'static Registry, fk: &'static str },
    /// Records of `target` whose `fk` points here.
    Reverse { target: &'static Registry, fk: &'static str },
    /// Through a link registry: `self_fk` here, `other_fk` there.
    Link { link: &'static Registry, self_fk: &'static str, other_fk: &'static str },
}

struct IncludePath {
    name: String,
    hops: Vec<Hop>,
    last: &'static Registry,
    field: &'static Field,
    many: bool,
}

/// The registry whose table is `table` (link tables are declared registries too).
fn registry_of_table(table: &str) -> Option<&'static Registry> {
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
    fn starts_with_fk(&self, base: &Registry, fk: &str) -> bool {
        matches!(self, Include::Path(p) if p.first_fk(base) == Some(fk))
    }

    fn parse(reg: &'static Registry, path: &str) -> Result<Include, FrameError> {
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
fn select_in(
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
fn distinct(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|i| seen.insert(*i)).collect()
}

/// `key → values` pairs from two integer columns (nulls dropped), in row order.
fn pairs(rows: Vec<Vec<Value>>) -> HashMap<i64, Vec<i64>> {
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
    fn first_fk(&self, base: &Registry) -> Option<&'static str> {
        match self.hops.first() {
            Some(Hop::Forward { reg, fk }) if reg.name == base.name => Some(fk),
            _ => None,
        }
    }

    /// The column for the records with `ids` (one row each); `first` holds the values of
    /// [`IncludePath::first_fk`] per row when the path starts with it.
    fn column(
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

/// A feature and what LaminDB's `_dtype_str` says about its column.
struct FeatureInfo {
    id: i64,
    name: String,
    dtype: String,
}

impl FeatureInfo {
    /// For `cat[ULabel]`, `cat[ULabel.name]`, `list[cat[ULabel[Type]]]`: the registry and field of
    /// the values, and whether the column is a list by declaration.
    fn categorical(&self) -> Option<(String, String, bool)> {
        let (inner, list) = match self.dtype.strip_prefix("list[").and_then(|s| s.strip_suffix(']')) {
            Some(inner) => (inner, true),
            None => (self.dtype.as_str(), false),
        };
        let spec = inner.strip_prefix("cat[")?.strip_suffix(']')?;
        let end = spec.find(['[', '|']).unwrap_or(spec.len());
        let (registry, field) = match spec[..end].split_once('.') {
            Some((r, f)) => (r.to_string(), f.to_string()),
            None => (spec[..end].to_string(), "name".to_string()),
        };
        Some((registry, field, list))
    }

    /// For a non-categorical feature: the SQL type of its values and whether it is a list
    /// (`list[int]`). `int` → Int64, `float`/`num` → Float64, `bool` → Boolean, `datetime` →
    /// Datetime(µs, UTC); anything else (`str`, `date`, `dict`, `path`, `url`, …) is text (JSON
    /// text for objects).
    fn value_type(&self) -> (SqlType, bool) {
        let (inner, list) = match self.dtype.strip_prefix("list[").and_then(|s| s.strip_suffix(']')) {
            Some(inner) => (inner, true),
            None => (self.dtype.as_str(), false),
        };
        let ty = match inner {
            "int" => SqlType::BigInt,
            "float" | "num" => SqlType::Float,
            "bool" => SqlType::Bool,
            "datetime" => SqlType::DateTime,
            _ => SqlType::Text,
        };
        (ty, list)
    }
}

/// A JSON feature value as a [`Value`] of column type `ty` (text for anything else).
fn json_value(v: &serde_json::Value, ty: SqlType) -> Value {
    use serde_json::Value as J;
    match (v, ty) {
        (J::Null, _) => Value::Null,
        (J::Bool(b), SqlType::Bool) => Value::Bool(*b),
        (J::Number(n), SqlType::BigInt) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(f)) if f.fract() == 0.0 => Value::Int(f as i64),
            _ => Value::Text(n.to_string()),
        },
        (J::Number(n), SqlType::Float) => n.as_f64().map_or(Value::Null, Value::Float),
        (J::String(s), _) => Value::Text(s.clone()),
        (v, _) => Value::Text(v.to_string()),
    }
}

/// Whether this database has LaminDB's JSON value tables (instances made before they were
/// added do not).
fn has_json_values(db: &Instance) -> Result<bool, FrameError> {
    Ok(db.table_exists("lamindb_artifactjsonvalue")? && db.table_exists("lamindb_jsonvalue")?)
}

/// `(artifact_id, feature_id, value)` of the JSON feature values linked to `ids`, in link order,
/// restricted to `features` when given. One query per chunk of ids.
fn json_feature_values(
    db: &Instance,
    ids: &[i64],
    features: Option<&[i64]>,
) -> Result<Vec<(i64, i64, String)>, FrameError> {
    let mut out = Vec::new();
    if features.is_some_and(<[i64]>::is_empty) {
        return Ok(out);
    }
    for chunk in ids.chunks(CHUNK) {
        let mut sql = db.sql();
        sql.push(
            "SELECT l.\"artifact_id\", v.\"feature_id\", v.\"value\" FROM \"lamindb_artifactjsonvalue\" l",
        );
        sql.push(
            " JOIN \"lamindb_jsonvalue\" v ON v.\"id\" = l.\"jsonvalue_id\" WHERE l.\"artifact_id\" IN (",
        );
        for (i, id) in chunk.iter().enumerate() {
            sql.push(if i > 0 { ", " } else { "" }).bind(Value::Int(*id), SqlType::BigInt);
        }
        sql.push(")");
        match features {
            Some(fs) => {
                sql.push(" AND v.\"feature_id\" IN (");
                for (i, f) in fs.iter().enumerate() {
                    sql.push(if i > 0 { ", " } else { "" }).bind(Value::Int(*f), SqlType::BigInt);
                }
                sql.push(")");
            }
            None => {
                sql.push(" AND v.\"feature_id\" IS NOT NULL");
            }
        }
        sql.push(" ORDER BY l.\"id\"");
        db.query_each(&sql, |row| {
            if let (Some(a), Some(f), Some(v)) = (row[0].as_i64(), row[1].as_i64(), row[2].as_str()) {
                out.push((a, f, v.to_string()));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// The selected features: by name (unknown or ambiguous names are errors), or all features with
/// values on `ids`.
fn select_features(
    db: &Instance,
    ids: &[i64],
    sel: &FeatureSelection,
) -> Result<Vec<FeatureInfo>, FrameError> {
    let typed = Q::kw("_dtype_str__isnull", false)?;
    let read = |rows: Vec<Vec<Value>>| -> Vec<FeatureInfo> {
        rows.into_iter()
            .map(|r| FeatureInfo {
                id: r[0].as_i64().unwrap_or_default(),
                name: r[1].to_string(),
                dtype: r[2].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    };
    let cols = ["id", "name", "_dtype_str"];
    match sel {
        FeatureSelection::Names(names) => {
            let values = names.iter().map(|n| Value::Text(n.clone())).collect();
            let qs = QuerySet::new(Feature::REGISTRY).filter(typed).filter(Q::kw_list("name__in", values)?);
            let found = read(qs.order_by("id").select(db, &cols)?);
            let mut out = Vec::new();
            for name in names {
                let matches: Vec<&FeatureInfo> = found.iter().filter(|f| &f.name == name).collect();
                match matches.as_slice() {
                    [] => {
                        let all = QuerySet::new(Feature::REGISTRY).order_by("name").select(db, &["name"])?;
                        let available: Vec<String> = all.iter().map(|r| r[0].to_string()).collect();
                        return Err(FrameError::Features(format!(
                            "no feature named '{name}'; available features: {}",
                            if available.is_empty() { "none".to_string() } else { available.join(", ") }
                        )));
                    }
                    [f] => out.push(FeatureInfo { id: f.id, name: f.name.clone(), dtype: f.dtype.clone() }),
                    many => {
                        let ids: Vec<String> = many.iter().map(|f| f.id.to_string()).collect();
                        return Err(FrameError::Features(format!(
                            "Ambiguous feature name '{name}' (features {}): rename one of them",
                            ids.join(", ")
                        )));
                    }
                }
            }
            Ok(out)
        }
        FeatureSelection::All => {
            let linked = select_in(
                db,
                lamindb_core::ArtifactULabel::REGISTRY,
                "artifact_id",
                ids,
                &["feature_id"],
                Some(Q::kw("feature_id__isnull", false)?),
            )?;
            let mut feature_ids = distinct(linked.iter().filter_map(|r| r[0].as_i64()));
            if has_json_values(db)? {
                let json = json_feature_values(db, ids, None)?;
                feature_ids = distinct(feature_ids.into_iter().chain(json.iter().map(|(_, f, _)| *f)));
            }
            let mut found = Vec::new();
            for chunk in feature_ids.chunks(CHUNK) {
                let values = chunk.iter().map(|i| Value::Int(*i)).collect();
                let qs = QuerySet::new(Feature::REGISTRY)
                    .filter(Q::kw("branch_id", 1)?)
                    .filter(typed.clone())
                    .filter(Q::kw_list("id__in", values)?);
                found.extend(read(qs.select(db, &cols)?));
            }
            found.sort_by_key(|f| f.id);
            // One column per name: LaminDB keeps the categorical one, else the first by id.
            let mut out: Vec<FeatureInfo> = Vec::new();
            for f in found {
                match out.iter_mut().find(|o| o.name == f.name) {
                    Some(o) if o.categorical().is_none() && f.categorical().is_some() => *o = f,
                    Some(_) => {}
                    None => out.push(f),
                }
            }
            Ok(out)
        }
    }
}

/// One column per selected feature, for the artifacts `ids`.
fn feature_columns(db: &Instance, ids: &[i64], sel: &FeatureSelection) -> Result<Vec<Column>, FrameError> {
    let features = select_features(db, ids, sel)?;
    let ulabel_features: Vec<i64> = features
        .iter()
        .filter(|f| f.categorical().is_some_and(|(reg, _, _)| reg == "ULabel"))
        .map(|f| f.id)
        .collect();
    // (artifact, feature) → label ids, in link order; then the labels' values.
    let mut links: HashMap<(i64, i64), Vec<i64>> = HashMap::new();
    let mut label_fields: HashMap<i64, &'static Field> = HashMap::new();
    if !ulabel_features.is_empty() {
        let only = Q::kw_list("feature_id__in", ulabel_features.iter().map(|i| Value::Int(*i)).collect())?;
        let reg = lamindb_core::ArtifactULabel::REGISTRY;
        for r in
            select_in(db, reg, "artifact_id", ids, &["artifact_id", "feature_id", "ulabel_id"], Some(only))?
        {
            if let (Some(a), Some(f), Some(u)) = (r[0].as_i64(), r[1].as_i64(), r[2].as_i64()) {
                let entry = links.entry((a, f)).or_default();
                if !entry.contains(&u) {
                    entry.push(u);
                }
            }
        }
        for f in &features {
            if let Some((_, field, _)) = f.categorical() {
                let ulabel = lamindb_core::ULabel::REGISTRY;
                let field = ulabel.check_field(&field).map_err(|e| {
                    FrameError::Features(format!("feature '{}' (dtype {}): {e}", f.name, f.dtype))
                })?;
                label_fields.insert(f.id, field);
            }
        }
    }
    let label_ids = distinct(links.values().flatten().copied());
    // Values of labels outside the default branch (trash, archive) are left out, as in LaminDB.
    let mut labels: HashMap<i64, Vec<Value>> = HashMap::new();
    let field_names: Vec<&str> = {
        let mut v: Vec<&str> = vec!["id"];
        for f in label_fields.values() {
            if !v.contains(&f.name) {
                v.push(f.name);
            }
        }
        v
    };
    for r in select_in(
        db,
        lamindb_core::ULabel::REGISTRY,
        "id",
        &label_ids,
        &field_names,
        Some(Q::kw("branch_id", 1)?),
    )? {
        if let Some(id) = r[0].as_i64() {
            labels.insert(id, r);
        }
    }

    // Non-categorical values: LaminDB's JSON value tables, (artifact, feature) → values.
    let json_features: Vec<i64> =
        features.iter().filter(|f| f.categorical().is_none()).map(|f| f.id).collect();
    let mut json: HashMap<(i64, i64), Vec<serde_json::Value>> = HashMap::new();
    if !json_features.is_empty() && has_json_values(db)? {
        for (a, f, text) in json_feature_values(db, ids, Some(&json_features))? {
            let v = serde_json::from_str(&text).map_err(|e| FrameError::Decode {
                column: format!("lamindb_jsonvalue.value (feature {f})"),
                message: e.to_string(),
            })?;
            json.entry((a, f)).or_default().push(v);
        }
    }

    let mut out = Vec::new();
    for f in &features {
        let Some((registry, _, declared_list)) = f.categorical() else {
            out.push(json_feature_column(f, ids, &json)?);
            continue;
        };
        let Some(field) = label_fields.get(&f.id).filter(|_| registry == "ULabel") else {
            out.push(null_column(&f.name, &DataType::String, ids.len()));
            continue;
        };
        let idx = field_names.iter().position(|n| *n == field.name).expect("selected");
        let per_row: Vec<Vec<Value>> = ids
            .iter()
            .map(|a| {
                links
                    .get(&(*a, f.id))
                    .into_iter()
                    .flatten()
                    .filter_map(|u| labels.get(u).map(|r| r[idx].clone()))
                    .filter(|v| !v.is_null())
                    .collect()
            })
            .collect();
        // `cat[…]` is a scalar column unless an artifact has several values (then, as LaminDB
        // does, a list column); `list[cat[…]]` is always a list column.
        let ty = if field.ty.is_text() { field.ty } else { SqlType::Text };
        if declared_list || per_row.iter().any(|v| v.len() > 1) {
            let lists: Vec<Option<Vec<Value>>> =
                per_row.into_iter().map(|v| if v.is_empty() { None } else { Some(v) }).collect();
            out.push(list_column_of(&f.name, ty, &lists)?);
        } else {
            let scalars: Vec<Value> =
                per_row.into_iter().map(|mut v| v.pop().unwrap_or(Value::Null)).collect();
            out.push(column_of(&f.name, ty, &scalars)?);
        }
    }
    Ok(out)
}

/// The column of a non-categorical feature: a scalar column of the feature's dtype, or a list
/// column for `list[…]` dtypes and (as LaminDB does) when an artifact has several values.
fn json_feature_column(
    f: &FeatureInfo,
    ids: &[i64],
    json: &HashMap<(i64, i64), Vec<serde_json::Value>>,
) -> Result<Column, FrameError> {
    let (ty, declared_list) = f.value_type();
    let per_row: Vec<Vec<Value>> = ids
        .iter()
        .map(|a| {
            let values = json.get(&(*a, f.id)).map(Vec::as_slice).unwrap_or_default();
            let mut out: Vec<Value> = Vec::new();
            for v in values {
                match v {
                    serde_json::Value::Array(items) if declared_list => {
                        out.extend(items.iter().map(|x| json_value(x, ty)))
                    }
                    v => out.push(json_value(v, ty)),
                }
            }
            out.retain(|v| !v.is_null());
            out
        })
        .collect();
    if declared_list || per_row.iter().any(|v| v.len() > 1) {
        let lists: Vec<Option<Vec<Value>>> =
            per_row.into_iter().map(|v| if v.is_empty() { None } else { Some(v) }).collect();
        list_column_of(&f.name, ty, &lists)
    } else {
        let scalars: Vec<Value> = per_row.into_iter().map(|mut v| v.pop().unwrap_or(Value::Null)).collect();
        column_of(&f.name, ty, &scalars)
    }
}
