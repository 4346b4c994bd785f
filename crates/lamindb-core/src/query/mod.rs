//! The query language: lazy, composable querysets over any registry, with Django lookups,
//! relation traversal (`run__transform__key`, `artifacts__key`), conditions combined with
//! `&`, `|`, `!`, ordering, limits, LaminDB's default branch filter, `get(idlike)`, search and
//! lookup.
//!
//! Two faces, one SQL:
//!
//! - [`Query<R>`] (from [`SQLRecord::filter`](crate::SQLRecord::filter) / [`SQLRecord::query`](crate::SQLRecord::query)) is the typed form for Rust code.
//!   Its conditions ([`Where<R>`]), orderings ([`Order<R>`]) and field sets ([`FieldSet<R>`]) are
//!   built from the typed fields of [`crate::fields`] and carry their registry; a lookup's value
//!   has the kind of its column ([`kind`]).
//! - [`QuerySet`] is the run-time form: its registry is chosen at run time and its conditions
//!   are untyped [`Q`]s, written as strings (`Q::kw("name__startswith", "T")`, the filter
//!   expressions of [`parse`], `order_by("-name")`). The CLI and lamindb-frame use it; a
//!   `Where<R>` converts into a `Q` for it.
//!
//! Every value is a bind parameter; field names are checked against the registry's declared
//! fields. Both forms compile to the same SQL:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
//! # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
//! use lamindb_core::{Artifact, Q, QuerySet, SQLRecord, ULabel, fields::{artifact, ulabel}};
//!
//! let mut label = ULabel::new("T cell").save(&inst)?;
//! // Conditions of ULabel, combined; ordered by a field of ULabel.
//! let typed = ulabel::NAME.starts_with("T") & !ulabel::DESCRIPTION.is_null() | ulabel::ID.gt(100);
//! let labels = ULabel::filter(typed.clone()).order_by(ulabel::NAME.desc()).order_by(ulabel::ID).all(&inst)?;
//! assert!(labels.is_empty());
//! // The same condition as strings, for a registry chosen at run time.
//! let text = Q::kw("name__startswith", "T")? & !Q::kw("description__isnull", true)? | Q::kw("id__gt", 100)?;
//! assert_eq!(typed, text);
//! assert_eq!(QuerySet::new(ULabel::REGISTRY).filter(typed.into()).order_by("-name").count(&inst)?, 0);
//! // A field of a related registry is a field of the start: `ulabels__name` of Artifact.
//! let tagged = Artifact::filter(artifact::ULABELS.then(ulabel::NAME).is_in(["T cell", "B cell"]));
//! assert_eq!(tagged.count(&inst)?, 0);
//! // Saving and refreshing name fields of the record's own registry.
//! label.description = Some("a lymphocyte".into());
//! label.save_fields(&inst, (ulabel::DESCRIPTION, ulabel::NAME))?;
//! label.refresh_fields(&inst, ulabel::DESCRIPTION)?;
//! assert_eq!(ULabel::filter(ulabel::DESCRIPTION.is_not_null()).count(&inst)?, 1);
//! # Ok(()) }
//! ```
//!
//! Wrong code does not compile. A field of another registry in a filter:
//!
//! ```compile_fail,E0308
//! use lamindb_core::{SQLRecord, ULabel, fields::artifact};
//! let _ = ULabel::filter(artifact::KEY.eq("x"));
//! ```
//!
//! Conditions of two registries combined:
//!
//! ```compile_fail,E0308
//! use lamindb_core::fields::{artifact, ulabel};
//! let _ = ulabel::NAME.eq("x") & artifact::KEY.eq("x");
//! ```
//!
//! A value of another kind than the column's: a number for a text column, a string for an
//! integer column:
//!
//! ```compile_fail,E0277
//! use lamindb_core::fields::ulabel;
//! let _ = ulabel::NAME.gt(5);
//! ```
//!
//! ```compile_fail,E0277
//! use lamindb_core::fields::ulabel;
//! let _ = ulabel::ID.eq("x");
//! ```
//!
//! A text lookup on an integer column:
//!
//! ```compile_fail,E0599
//! use lamindb_core::fields::artifact;
//! let _ = artifact::SIZE.contains("1");
//! ```
//!
//! An ordering by a field of another registry:
//!
//! ```compile_fail,E0277
//! use lamindb_core::{SQLRecord, ULabel, fields::artifact};
//! let _ = ULabel::query().order_by(artifact::KEY.desc());
//! ```
//!
//! Saving (or refreshing) a field of another registry:
//!
//! ```compile_fail,E0277
//! # fn f(inst: &lamindb_core::Instance) -> lamindb_core::Result<()> {
//! use lamindb_core::{SQLRecord, ULabel, fields::artifact};
//! let mut label = ULabel::new("x");
//! label.save_fields(inst, (artifact::KEY,))?;
//! # Ok(()) }
//! ```
//!
//! A field reached through a relation orders nothing (only the registry's own columns do):
//!
//! ```compile_fail,E0277
//! use lamindb_core::{Artifact, SQLRecord, fields::{artifact, ulabel}};
//! let _ = Artifact::query().order_by(artifact::ULABELS.then(ulabel::NAME));
//! ```
//!
//! [`SQLRecord::from_values`](crate::SQLRecord::from_values) with a field that is not a text column of the registry itself:
//!
//! ```compile_fail,E0308
//! # fn f(inst: &lamindb_core::Instance) {
//! use lamindb_core::{SQLRecord, ULabel, fields::ulabel};
//! let _ = ULabel::from_values(inst, ["1"], &ulabel::ID, false);
//! # }
//! ```
//!
//! ```compile_fail,E0308
//! # fn f(inst: &lamindb_core::Instance) {
//! use lamindb_core::{SQLRecord, ULabel, fields::{ulabel, user}};
//! let _ = ULabel::from_values(inst, ["x"], &ulabel::CREATED_BY.then(user::HANDLE), false);
//! # }
//! ```

mod compile;
pub mod cond;
pub mod expr;
pub mod field;
pub mod kind;
pub mod lookup;
pub mod parse;
pub mod search;
mod typed;

use crate::db::{Dialect, DynRow, Sql};
use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::registry::decl::Registry;
use crate::value::{SqlType, Value};
use compile::{Aliases, compile};
pub use cond::{FieldSet, Order, Where};
pub use expr::{Lookup, Operand, Q};
pub use field::{Col, Direct, Rel, Related};

/// Fields whose presence in a filter turns LaminDB's default branch filter off.
const BRANCH_FREE: [&str; 3] = ["id", "uid", "hash"];

/// A lazily built query over one registry, untyped (rows of [`Value`]s in field order).
#[derive(Clone, Debug)]
pub struct QuerySet {
    reg: &'static Registry,
    filters: Vec<Q>,
    excludes: Vec<Q>,
    order_by: Vec<(String, bool)>,
    limit: Option<usize>,
    offset: usize,
    all_branches: bool,
}

impl QuerySet {
    /// All records of a registry (subject to the default branch filter).
    pub fn new(reg: &'static Registry) -> QuerySet {
        QuerySet {
            reg,
            filters: Vec::new(),
            excludes: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            offset: 0,
            all_branches: false,
        }
    }

    /// The registry.
    pub fn registry(&self) -> &'static Registry {
        self.reg
    }

    /// Keeps records matching `q`.
    pub fn filter(mut self, q: Q) -> QuerySet {
        self.filters.push(q);
        self
    }

    /// Drops records matching `q`.
    pub fn exclude(mut self, q: Q) -> QuerySet {
        self.excludes.push(q);
        self
    }

    /// Orders by a field named as a string (the run-time form); `-field` for descending. Later
    /// calls add tie-breakers.
    pub fn order_by(self, field: &str) -> QuerySet {
        match field.strip_prefix('-') {
            Some(f) => self.order_by_field(f, true),
            None => self.order_by_field(field, false),
        }
    }

    fn order_by_field(mut self, field: &str, desc: bool) -> QuerySet {
        self.order_by.push((field.to_string(), desc));
        self
    }

    /// At most `n` records.
    pub fn limit(mut self, n: usize) -> QuerySet {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` records.
    pub fn offset(mut self, n: usize) -> QuerySet {
        self.offset = n;
        self
    }

    /// Turns the default branch filter off (records in the trash and archive are included).
    pub fn all_branches(mut self) -> QuerySet {
        self.all_branches = true;
        self
    }

    /// Whether an ordering was given with [`QuerySet::order_by`].
    pub fn is_ordered(&self) -> bool {
        !self.order_by.is_empty()
    }

    /// The limit and offset set with [`QuerySet::limit`] and [`QuerySet::offset`].
    pub fn window(&self) -> (Option<usize>, usize) {
        (self.limit, self.offset)
    }

    /// Whether a filter or exclude condition starts its path with `field` (e.g. `kind`).
    pub fn filters_on(&self, field: &str) -> bool {
        self.filters.iter().chain(&self.excludes).any(|q| q.mentions(&[field], "\0"))
    }

    /// Whether LaminDB's default branch filter (`branch_id IN (1)`) applies: the registry has
    /// branches and no filter names `id`, `uid`, `hash` or a `branch…` field.
    fn branch_filter(&self) -> bool {
        if self.all_branches || !self.reg.has("branch_id") {
            return false;
        }
        let all = self.filters.iter().chain(&self.excludes);
        !all.clone().any(|q| q.mentions(&BRANCH_FREE, "branch"))
    }

    fn push_where(&self, sql: &mut Sql, alias: &str, aliases: &mut Aliases) -> Result<()> {
        let mut first = true;
        let mut next = |sql: &mut Sql| {
            sql.push(if first { " WHERE " } else { " AND " });
            first = false;
        };
        if self.branch_filter() {
            next(sql);
            // On SQLite, `+` keeps the planner off the branch index (nearly every row is on
            // branch 1), so that the indexes of the actual conditions are used.
            let plus = if sql.dialect() == Dialect::Sqlite { "+" } else { "" };
            sql.push(&format!("{plus}{alias}.\"branch_id\" IN (1)"));
        }
        for q in &self.filters {
            if q.disables_branch_filter() {
                continue;
            }
            next(sql);
            compile(sql, self.reg, alias, q, aliases)?;
        }
        for q in &self.excludes {
            next(sql);
            compile::negate(sql, self.reg, alias, q, aliases)?;
        }
        Ok(())
    }

    fn push_order(&self, sql: &mut Sql, alias: &str) -> Result<()> {
        let mut order: Vec<(String, bool)> = self.order_by.clone();
        if !order.iter().any(|(f, _)| f == "id") {
            order.push(("id".into(), false));
        }
        for (i, (f, desc)) in order.iter().enumerate() {
            let field = self.reg.check_field(f)?;
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            sql.push(&format!("{alias}.\"{}\"", field.name));
            if field.ty.is_text() && sql.dialect() == Dialect::Postgres {
                // Byte order, as SQLite sorts: the same results on both backends.
                sql.push(" COLLATE \"C\"");
            }
            if *desc {
                sql.push(" DESC");
            }
        }
        Ok(())
    }

    /// The SELECT statement of this query, for `columns` (all fields when empty).
    pub(crate) fn to_sql(&self, dialect: Dialect, columns: &[&str]) -> Result<Sql> {
        let mut sql = Sql::new(dialect);
        sql.push("SELECT ");
        if columns.is_empty() {
            for (i, f) in self.reg.fields.iter().enumerate() {
                sql.push(if i > 0 { ", t0.\"" } else { "t0.\"" }).push(f.name).push("\"");
            }
        } else {
            for (i, c) in columns.iter().enumerate() {
                let f = self.reg.check_field(c)?;
                sql.push(if i > 0 { ", t0.\"" } else { "t0.\"" }).push(f.name).push("\"");
            }
        }
        sql.push(" FROM ").ident(self.reg.table).push(" t0");
        let mut aliases = Aliases::default();
        self.push_where(&mut sql, "t0", &mut aliases)?;
        self.push_order(&mut sql, "t0")?;
        if let Some(n) = self.limit {
            sql.push(" LIMIT ").bind(Value::Int(n as i64), SqlType::BigInt);
        } else if self.offset > 0 && sql.dialect() == Dialect::Sqlite {
            sql.push(" LIMIT -1");
        }
        if self.offset > 0 {
            sql.push(" OFFSET ").bind(Value::Int(self.offset as i64), SqlType::BigInt);
        }
        Ok(sql)
    }

    /// The matching rows: all fields in declaration order, coerced to their types.
    pub fn rows(&self, db: &Instance) -> Result<Vec<Vec<Value>>> {
        self.select(db, &[])
    }

    /// The matching rows, only `columns` (field names), coerced to their types.
    pub fn select(&self, db: &Instance, columns: &[&str]) -> Result<Vec<Vec<Value>>> {
        let sql = self.to_sql(db.dialect(), columns)?;
        let fields: Vec<_> = if columns.is_empty() {
            self.reg.fields.iter().collect()
        } else {
            columns.iter().map(|c| self.reg.check_field(c)).collect::<Result<_>>()?
        };
        db.query(&sql)?
            .into_iter()
            .map(|row: DynRow| {
                row.values.into_iter().zip(&fields).map(|(v, f)| v.coerce(f.ty, f.name)).collect()
            })
            .collect()
    }

    /// The number of matching records (ignoring limit and offset).
    pub fn count(&self, db: &Instance) -> Result<usize> {
        let mut sql = db.sql();
        sql.push("SELECT COUNT(*) FROM ").ident(self.reg.table).push(" t0");
        self.push_where(&mut sql, "t0", &mut Aliases::default())?;
        let rows = db.query(&sql)?;
        Ok(rows.first().and_then(|r| r.get(0)).and_then(Value::as_i64).unwrap_or(0) as usize)
    }

    /// Whether any record matches.
    pub fn exists(&self, db: &Instance) -> Result<bool> {
        Ok(!self.clone().limit(1).select(db, &["id"])?.is_empty())
    }

    fn does_not_exist(&self) -> Error {
        Error::DoesNotExist {
            registry: self.reg.name,
            message: format!("{} matching query does not exist.", self.reg.name),
        }
    }

    /// Exactly one row, or LaminDB's DoesNotExist / MultipleObjectsReturned.
    pub fn one_row(&self, db: &Instance) -> Result<Vec<Value>> {
        let mut rows = self.clone().limit(2).rows(db)?;
        match rows.len() {
            0 => Err(self.does_not_exist()),
            1 => Ok(rows.pop().expect("one row")),
            _ => Err(Error::MultipleObjectsReturned { registry: self.reg.name, count: self.count(db)? }),
        }
    }

    /// One row or none; more than one is MultipleObjectsReturned.
    pub fn one_or_none_row(&self, db: &Instance) -> Result<Option<Vec<Value>>> {
        match self.one_row(db) {
            Ok(r) => Ok(Some(r)),
            Err(Error::DoesNotExist { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The first row in the query's order (by id when unordered).
    pub fn first_row(&self, db: &Instance) -> Result<Option<Vec<Value>>> {
        Ok(self.clone().limit(1).rows(db)?.pop())
    }

    /// LaminDB's `get(idlike)`: an integer is an id; a string is a uid or uid prefix (for a
    /// versioned registry with a stem-length prefix: the latest version first). These lookups see
    /// every branch, the trash included.
    pub fn get_row(db: &Instance, reg: &'static Registry, idlike: &str) -> Result<Vec<Value>> {
        let uid_len = reg.uid_len.unwrap_or(0);
        if let Ok(id) = idlike.trim().parse::<i64>() {
            if uid_len == 0 || idlike.len() < uid_len {
                return QuerySet::new(reg).filter(Q::exact("id", id)).one_row(db);
            }
        }
        if !reg.has("uid") {
            return Err(Error::InvalidIdentifier {
                identifier: idlike.to_string(),
                message: format!("{} records have no uid; pass an integer id", reg.name),
            });
        }
        let by_prefix = QuerySet::new(reg).filter(Q::kw("uid__startswith", idlike)?);
        let stem = if reg.versioned { uid_len.saturating_sub(4) } else { 0 };
        let row = if reg.versioned && idlike.len() <= stem {
            match by_prefix.clone().filter(Q::kw("is_latest", true)?).first_row(db)? {
                Some(r) => Some(r),
                None => by_prefix.clone().order_by("-created_at").first_row(db)?,
            }
        } else {
            match by_prefix.one_row(db) {
                Ok(r) => Some(r),
                Err(Error::DoesNotExist { .. }) => None,
                Err(e) => return Err(e),
            }
        };
        row.ok_or_else(|| Error::DoesNotExist {
            registry: reg.name,
            message: format!(
                "No record found with uid '{idlike}'. Did you forget a keyword as in {}.get({}='{idlike}')?",
                reg.name, reg.name_field
            ),
        })
    }
}

/// A typed query: [`QuerySet`] whose rows are records of `R`.
#[derive(Clone, Debug)]
pub struct Query<R> {
    pub(super) qs: QuerySet,
    /// The first condition that did not build: its expression and message.
    pub(super) error: Option<(String, String)>,
    pub(super) _marker: std::marker::PhantomData<R>,
}
