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
mod exec;
pub mod expr;
pub mod field;
pub mod kind;
pub mod lookup;
pub mod parse;
pub mod search;
mod typed;

use crate::registry::decl::Registry;
pub use cond::{FieldSet, Order, Where};
pub use expr::{Lookup, Operand, Q};
pub use field::{Col, Direct, Rel, Related};

/// A lazily built query over one registry, untyped (rows of [`Value`](crate::Value)s in field order).
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
}

/// A typed query: [`QuerySet`] whose rows are records of `R`.
#[derive(Clone, Debug)]
pub struct Query<R> {
    pub(super) qs: QuerySet,
    /// The first condition that did not build: its expression and message.
    pub(super) error: Option<(String, String)>,
    pub(super) _marker: std::marker::PhantomData<R>,
}
