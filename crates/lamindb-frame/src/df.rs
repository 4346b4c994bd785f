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
//! Includes are typed for a [`Query<R>`](lamindb_core::Query): paths built from `R`'s fields
//! ([`DfOptions::include`]); for a [`QuerySet`] (registry chosen at run time) they are strings
//! (`"created_by__handle"`), checked when the frame is built.
//!
//! The main query streams its rows straight into typed column builders; every include and the
//! features cost one query per 10 000 ids (`id IN (…)`), never one per row.

use std::marker::PhantomData;

use lamindb_core::__private::{self as raw, Dialect};
use lamindb_core::{Artifact, Col, Field, Instance, Q, QuerySet, Registry, SQLRecord};
use polars::prelude::*;

use crate::FrameError;
use crate::columns::ColumnBuilder;
use crate::features::feature_columns;
use crate::include::Include;

/// How many ids go into one `IN (…)` list (SQLite allows 32 766 parameters).
pub(crate) const CHUNK: usize = 10_000;

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

/// The registry parameter of [`DfOptions`] for a [`QuerySet`], whose registry is chosen at run
/// time: includes are named as strings.
#[derive(Debug)]
pub enum AnyRegistry {}

/// An include path of registry `R`: a field of `R` (`artifact::KEY`) or a field reached through
/// relations (`artifact::ULABELS.then(ulabel::NAME)`,
/// `artifact::RUN.then_rel(run::TRANSFORM).then(transform::KEY)`). For
/// [`AnyRegistry`] also a string (`"created_by__handle"`).
pub struct IncludePath<R> {
    path: String,
    _registry: PhantomData<fn() -> R>,
}

impl<R> IncludePath<R> {
    /// The Django path (`ulabels__name`).
    pub fn path(&self) -> &str {
        &self.path
    }

    fn untyped(&self) -> IncludePath<AnyRegistry> {
        IncludePath { path: self.path.clone(), _registry: PhantomData }
    }
}

impl<R, K, D> From<Col<R, K, D>> for IncludePath<R> {
    fn from(c: Col<R, K, D>) -> IncludePath<R> {
        IncludePath { path: c.path().to_string(), _registry: PhantomData }
    }
}

impl<R, K, D> From<&Col<R, K, D>> for IncludePath<R> {
    fn from(c: &Col<R, K, D>) -> IncludePath<R> {
        IncludePath { path: c.path().to_string(), _registry: PhantomData }
    }
}

impl From<&str> for IncludePath<AnyRegistry> {
    fn from(path: &str) -> IncludePath<AnyRegistry> {
        IncludePath { path: path.to_string(), _registry: PhantomData }
    }
}

impl From<String> for IncludePath<AnyRegistry> {
    fn from(path: String) -> IncludePath<AnyRegistry> {
        IncludePath { path, _registry: PhantomData }
    }
}

impl<R> Clone for IncludePath<R> {
    fn clone(&self) -> Self {
        IncludePath { path: self.path.clone(), _registry: PhantomData }
    }
}

impl<R> std::fmt::Debug for IncludePath<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("IncludePath").field(&self.path).finish()
    }
}

impl<R> PartialEq for IncludePath<R> {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl<R> Eq for IncludePath<R> {}

/// Options of [`df()`](crate::df()): `DfOptions<R>` for a [`Query<R>`](lamindb_core::Query)
/// (includes are paths of `R`), `DfOptions` (= `DfOptions<AnyRegistry>`) for a [`QuerySet`].
///
/// ```
/// use lamindb_core::fields::{artifact, run, transform, ulabel};
/// use lamindb_core::Artifact;
/// use lamindb_frame::DfOptions;
///
/// let opts = DfOptions::<Artifact>::default()
///     .include(artifact::RUN.then_rel(run::TRANSFORM).then(transform::KEY))
///     .include(artifact::ULABELS.then(ulabel::NAME));
/// let paths: Vec<&str> = opts.include.iter().map(|p| p.path()).collect();
/// assert_eq!(paths, ["run__transform__key", "ulabels__name"]);
/// ```
///
/// A path of another registry does not compile:
///
/// ```compile_fail,E0277
/// use lamindb_core::{Artifact, fields::ulabel};
/// let _ = lamindb_frame::DfOptions::<Artifact>::default().include(ulabel::NAME);
/// ```
pub struct DfOptions<R = AnyRegistry> {
    /// Lookup paths of related fields (`created_by__handle`, `storage__root`, `ulabels__name`);
    /// to-one paths give scalar columns, to-many paths list columns. A plain field name keeps that
    /// direct field.
    pub include: Vec<IncludePath<R>>,
    /// Feature columns (Artifact only).
    pub features: Option<FeatureSelection>,
    /// At most this many records; `None` (the default) = all, within the query's own limit if
    /// it has one. (`lamin df` shows [`DEFAULT_LIMIT`] unless told otherwise, as LaminDB's `df()`
    /// shows a few.)
    pub limit: Option<usize>,
    /// Ordering used when the query has none (default `-id`); `None` keeps the query's order.
    pub order_by: Option<String>,
}

impl<R> Default for DfOptions<R> {
    fn default() -> DfOptions<R> {
        DfOptions { include: Vec::new(), features: None, limit: None, order_by: Some("-id".into()) }
    }
}

impl<R> Clone for DfOptions<R> {
    fn clone(&self) -> Self {
        DfOptions {
            include: self.include.clone(),
            features: self.features.clone(),
            limit: self.limit,
            order_by: self.order_by.clone(),
        }
    }
}

impl<R> std::fmt::Debug for DfOptions<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DfOptions")
            .field("include", &self.include)
            .field("features", &self.features)
            .field("limit", &self.limit)
            .field("order_by", &self.order_by)
            .finish()
    }
}

impl<R> PartialEq for DfOptions<R> {
    fn eq(&self, other: &Self) -> bool {
        (&self.include, &self.features, self.limit, &self.order_by)
            == (&other.include, &other.features, other.limit, &other.order_by)
    }
}

impl<R> Eq for DfOptions<R> {}

impl<R> DfOptions<R> {
    /// Every record (no limit): the same as the default.
    pub fn all() -> DfOptions<R> {
        DfOptions::default()
    }

    /// Adds an include path (see [`IncludePath`]).
    pub fn include(mut self, path: impl Into<IncludePath<R>>) -> DfOptions<R> {
        self.include.push(path.into());
        self
    }

    /// The same options with the include paths as strings (for [`df()`](crate::df())).
    pub fn untyped(&self) -> DfOptions {
        DfOptions {
            include: self.include.iter().map(IncludePath::untyped).collect(),
            features: self.features.clone(),
            limit: self.limit,
            order_by: self.order_by.clone(),
        }
    }
}

/// `df()` on queries: `ULabel::filter(…).df(&inst)`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
/// use lamindb_core::{SQLRecord, ULabel, fields::ulabel};
/// use lamindb_frame::ToDataFrame;
///
/// ULabel::new("my label").save(&inst)?;
/// let frame = ULabel::filter(ulabel::NAME.starts_with("my")).df(&inst)?;
/// assert_eq!(frame.height(), 1);
/// assert_eq!(frame.get_column_names()[..3], ["id", "uid", "name"]);
/// # Ok(()) }
/// ```
pub trait ToDataFrame {
    /// The registry whose paths the includes are: `R` for a `Query<R>`, [`AnyRegistry`] for a
    /// [`QuerySet`].
    type Registry;

    /// The records as a DataFrame with LaminDB's columns, newest first.
    fn df(&self, inst: &Instance) -> Result<DataFrame, FrameError> {
        self.df_with(inst, &DfOptions::default())
    }

    /// The records as a DataFrame, with includes, features, a limit or an ordering.
    fn df_with(&self, inst: &Instance, opts: &DfOptions<Self::Registry>) -> Result<DataFrame, FrameError>;
}

impl ToDataFrame for QuerySet {
    type Registry = AnyRegistry;

    fn df_with(&self, inst: &Instance, opts: &DfOptions) -> Result<DataFrame, FrameError> {
        df(inst, self, opts)
    }
}

impl<R: SQLRecord> ToDataFrame for lamindb_core::Query<R> {
    type Registry = R;

    fn df_with(&self, inst: &Instance, opts: &DfOptions<R>) -> Result<DataFrame, FrameError> {
        df(inst, self.try_queryset()?, &opts.untyped())
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
        (!f.is_private() || f.shown) && f.name != "updated_at" && f.name != "id" && f.name != "uid"
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
    // Feature values annotate artifacts only (their link tables name `artifact_id`).
    if opts.features.is_some() && reg.table != Artifact::REGISTRY.table {
        return Err(FrameError::Features(format!(
            "features are columns of Artifact frames only, not of {}: drop the features option",
            reg.name
        )));
    }
    let includes: Vec<Include> =
        opts.include.iter().map(|p| Include::parse(reg, p.path())).collect::<Result<_, _>>()?;

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
    if let Some((field, prefix)) = reg.hidden_unless_asked
        && !q.filters_on(field)
    {
        // LaminDB hides run logs and environments (`kind="__lamindb_run__"`, …) unless the query
        // asks for a kind.
        // (Written as a filter that keeps NULL kinds, which Django's `exclude` keeps too.)
        q = q.filter(
            Q::kw(&format!("{field}__isnull"), true)? | !Q::kw(&format!("{field}__startswith"), prefix)?,
        );
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
    let sql = raw::to_sql(&qs, raw::dialect(&db), &names)?;
    let new_builders = || -> Vec<ColumnBuilder> {
        direct.iter().map(|f| ColumnBuilder::new(f.name, f.ty, chunk_rows)).collect()
    };
    let mut builders = new_builders();
    let mut chunks: Vec<Vec<Column>> = vec![Vec::new(); direct.len()];
    let mut in_chunk = 0usize;
    let last = direct.len() - 1;
    let height = raw::query_each_ref(&db, &sql, |i, v| {
        builders[i].push_ref(v).map_err(|message| lamindb_core::Error::Decode {
            message: format!("column {}: {message}", direct[i].name),
            source: None,
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
        || raw::dialect(&db) != Dialect::Sqlite
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
