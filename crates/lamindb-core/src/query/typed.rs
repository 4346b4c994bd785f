//! The methods of a typed [`Query`]: conditions built from `R`'s fields, and its rows read as
//! records of `R`.

use super::{Order, Q, Query, QuerySet, Where};
use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::value::Value;

impl<R: SQLRecord> Query<R> {
    pub(crate) fn new() -> Query<R> {
        Query { qs: QuerySet::new(R::REGISTRY), error: None, _marker: Default::default() }
    }

    fn map(mut self, f: impl FnOnce(QuerySet) -> QuerySet) -> Query<R> {
        self.qs = f(self.qs);
        self
    }

    fn with(mut self, q: Result<Q>, exclude: bool) -> Query<R> {
        match q {
            Ok(q) if exclude => self.qs = self.qs.exclude(q),
            Ok(q) => self.qs = self.qs.filter(q),
            Err(e) => {
                let expression = match &e {
                    Error::InvalidFilter { expression, .. } => expression.clone(),
                    _ => String::new(),
                };
                self.error.get_or_insert((expression, e.to_string()));
            }
        }
        self
    }

    /// Keeps records matching `cond`, a condition built from `R`'s fields.
    pub fn filter(self, cond: Where<R>) -> Query<R> {
        self.map(|qs| qs.filter(cond.into_q()))
    }

    /// Drops records matching `cond`, a condition built from `R`'s fields.
    pub fn exclude(self, cond: Where<R>) -> Query<R> {
        self.map(|qs| qs.exclude(cond.into_q()))
    }

    /// Keeps records where `key` (a Django keyword such as `name__startswith`, the run-time
    /// string form) matches `value`; an unknown field or a wrong value fails when the query runs.
    pub fn filter_kw(self, key: &str, value: impl Into<Value>) -> Query<R> {
        let q = Q::kw(key, value);
        self.with(q, false)
    }

    /// Keeps records where `key` (e.g. `name__in`, `size__range`; the run-time string form)
    /// matches a list of values.
    pub fn filter_kw_list(self, key: &str, values: Vec<Value>) -> Query<R> {
        let q = Q::kw_list(key, values);
        self.with(q, false)
    }

    /// Keeps records where the field named `field` (the run-time string form) equals `value`.
    pub fn filter_eq(self, field: &str, value: impl Into<Value>) -> Query<R> {
        self.filter_kw(field, value)
    }

    /// Keeps records where the field named `field` (the run-time string form) starts with
    /// `prefix` (case-sensitive).
    pub fn filter_startswith(self, field: &str, prefix: &str) -> Query<R> {
        self.filter_kw(&format!("{field}__startswith"), prefix)
    }

    /// Orders by a field of `R`: `ulabel::NAME.desc()`, `ulabel::NAME.asc()` or `ulabel::NAME`
    /// (ascending). Later calls add tie-breakers; the id is the last one.
    pub fn order_by(self, order: impl Into<Order<R>>) -> Query<R> {
        let order = order.into();
        self.map(|qs| qs.order_by_field(order.field(), order.is_desc()))
    }

    /// At most `n` records.
    pub fn limit(self, n: usize) -> Query<R> {
        self.map(|qs| qs.limit(n))
    }

    /// Skips `n` records.
    pub fn offset(self, n: usize) -> Query<R> {
        self.map(|qs| qs.offset(n))
    }

    /// Includes records of every branch (trash and archive too).
    pub fn all_branches(self) -> Query<R> {
        self.map(QuerySet::all_branches)
    }

    /// The untyped queryset.
    pub fn queryset(&self) -> &QuerySet {
        &self.qs
    }

    /// The untyped queryset, or the error of a condition given as text that did not parse.
    pub fn try_queryset(&self) -> Result<&QuerySet> {
        self.check()?;
        Ok(&self.qs)
    }

    fn check(&self) -> Result<()> {
        match &self.error {
            Some((expression, message)) => {
                Err(Error::InvalidFilter { expression: expression.clone(), message: message.clone() })
            }
            None => Ok(()),
        }
    }

    /// All matching records (Django's `all()`, LaminDB's `to_list()`).
    pub fn all(&self, db: &Instance) -> Result<Vec<R>> {
        self.to_list(db)
    }

    /// All matching records.
    pub fn to_list(&self, db: &Instance) -> Result<Vec<R>> {
        self.check()?;
        self.qs.rows(db)?.into_iter().map(R::from_row_values).collect()
    }

    /// The first record, if any.
    pub fn first(&self, db: &Instance) -> Result<Option<R>> {
        self.check()?;
        self.qs.first_row(db)?.map(R::from_row_values).transpose()
    }

    /// Exactly one record.
    pub fn one(&self, db: &Instance) -> Result<R> {
        self.check()?;
        R::from_row_values(self.qs.one_row(db)?)
    }

    /// One record or none.
    pub fn one_or_none(&self, db: &Instance) -> Result<Option<R>> {
        self.check()?;
        self.qs.one_or_none_row(db)?.map(R::from_row_values).transpose()
    }

    /// The number of matching records.
    pub fn count(&self, db: &Instance) -> Result<usize> {
        self.check()?;
        self.qs.count(db)
    }

    /// Whether any record matches.
    pub fn exists(&self, db: &Instance) -> Result<bool> {
        self.check()?;
        self.qs.exists(db)
    }
}
