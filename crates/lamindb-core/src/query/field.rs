//! Typed fields: query conditions built from the registry declarations instead of strings.
//!
//! Each registry declared with [`registry!`](crate::registry!) gets a module of constants, one per
//! field (`ulabel::NAME`, `artifact::SIZE`), re-exported with its relations in [`crate::fields`].
//! A field is a [`Col<R, K>`]: a field of registry `R` whose column is of kind `K`
//! ([`kind`](super::kind)). Every Django lookup is a method; the text lookups exist on text
//! columns only, and every value is of the column's kind. Relations chain with [`Rel::then`]
//! (`artifact::ULABELS.then(ulabel::NAME)` is `ulabels__name`, a text field of Artifact).
//!
//! A lookup returns a [`Where<R>`]: a condition on records of `R`, combined with `&`, `|` and `!`
//! with conditions of the same registry, and taken by [`SQLRecord::filter`](crate::SQLRecord::filter).
//! It is the same [`Q`] as its string form (`Q::kw("ulabels__name", …)`) and compiles to the same
//! SQL.
//!
//! ```
//! use lamindb_core::{Q, fields::{artifact, ulabel}};
//!
//! let q = artifact::ULABELS.then(ulabel::NAME).eq("T cell") & artifact::SIZE.gt(1000);
//! assert_eq!(q, Q::kw("ulabels__name", "T cell")? & Q::kw("size__gt", 1000)?);
//! # Ok::<(), lamindb_core::Error>(())
//! ```

use std::borrow::Cow;
use std::marker::PhantomData;

use super::cond::{FieldSet, Order, Where};
use super::expr::{Lookup, Node, Operand, Q};
use super::kind::{ColumnValue, Text};
use crate::value::Value;

/// The path marker of a field of the registry itself (a column of its table).
#[derive(Debug)]
pub enum Direct {}

/// The path marker of a field reached through relations (`ulabels__name`): it filters, but it
/// neither orders, nor saves, nor refreshes.
#[derive(Debug)]
pub enum Related {}

/// A field of registry `R` whose column is of kind `K` ([`kind`](super::kind)); `D` is
/// [`Direct`] for a column of `R` itself, [`Related`] for a field reached through relations.
pub struct Col<R, K, D = Direct> {
    path: Cow<'static, str>,
    _marker: PhantomData<fn() -> (R, K, D)>,
}

impl<R, K, D> std::fmt::Debug for Col<R, K, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Col").field(&self.path).finish()
    }
}

impl<R, K, D> Clone for Col<R, K, D> {
    fn clone(&self) -> Self {
        Col { path: self.path.clone(), _marker: PhantomData }
    }
}

impl<R, K> Col<R, K> {
    /// The field named `name` (a column of `R`'s table).
    pub const fn new(name: &'static str) -> Col<R, K> {
        Col { path: Cow::Borrowed(name), _marker: PhantomData }
    }

    /// Ascending order by this field, for [`Query::order_by`](crate::Query::order_by).
    pub fn asc(&self) -> Order<R> {
        Order::new(self.path.clone(), false)
    }

    /// Descending order by this field, for [`Query::order_by`](crate::Query::order_by).
    pub fn desc(&self) -> Order<R> {
        Order::new(self.path.clone(), true)
    }
}

impl<R, K, D> Col<R, K, D> {
    /// The Django path of the field (`ulabels__name`).
    pub fn path(&self) -> &str {
        &self.path
    }

    fn q(&self, lookup: Lookup, operand: Operand) -> Where<R> {
        let path = self.path.split("__").map(str::to_string).collect();
        Where::new(Q(Node::Cond { path, lookup, operand }))
    }

    fn one(&self, lookup: Lookup, value: impl ColumnValue<K>) -> Where<R> {
        self.q(lookup, Operand::Value(value.into_value()))
    }

    /// `field = value`.
    pub fn eq(&self, value: impl ColumnValue<K>) -> Where<R> {
        self.one(Lookup::Exact, value)
    }

    /// Not equal: `!(field = value)`, keeping rows where the field is NULL (as Django's exclude).
    pub fn ne(&self, value: impl ColumnValue<K>) -> Where<R> {
        !self.eq(value)
    }

    /// One of `values` (`in`); an empty list matches nothing.
    pub fn is_in<V: ColumnValue<K>>(&self, values: impl IntoIterator<Item = V>) -> Where<R> {
        self.q(Lookup::In, Operand::List(values.into_iter().map(ColumnValue::into_value).collect()))
    }

    /// `> value`.
    pub fn gt(&self, value: impl ColumnValue<K>) -> Where<R> {
        self.one(Lookup::Gt, value)
    }

    /// `>= value`.
    pub fn gte(&self, value: impl ColumnValue<K>) -> Where<R> {
        self.one(Lookup::Gte, value)
    }

    /// `< value`.
    pub fn lt(&self, value: impl ColumnValue<K>) -> Where<R> {
        self.one(Lookup::Lt, value)
    }

    /// `<= value`.
    pub fn lte(&self, value: impl ColumnValue<K>) -> Where<R> {
        self.one(Lookup::Lte, value)
    }

    /// Between `low` and `high`, both included (`range`).
    pub fn range(&self, low: impl ColumnValue<K>, high: impl ColumnValue<K>) -> Where<R> {
        self.q(Lookup::Range, Operand::List(vec![low.into_value(), high.into_value()]))
    }

    /// `IS NULL` (`isnull=True`).
    pub fn is_null(&self) -> Where<R> {
        self.q(Lookup::IsNull, Operand::Value(Value::Bool(true)))
    }

    /// `IS NOT NULL` (`isnull=False`).
    pub fn is_not_null(&self) -> Where<R> {
        self.q(Lookup::IsNull, Operand::Value(Value::Bool(false)))
    }
}

/// The lookups of text columns.
impl<R, D> Col<R, Text, D> {
    fn text(&self, lookup: Lookup, value: impl Into<String>) -> Where<R> {
        self.q(lookup, Operand::Value(Value::Text(value.into())))
    }

    /// Equal ignoring case (`iexact`).
    pub fn iexact(&self, value: impl Into<String>) -> Where<R> {
        self.text(Lookup::IExact, value)
    }

    /// Contains a substring, case-sensitive (`contains`).
    pub fn contains(&self, value: impl Into<String>) -> Where<R> {
        self.text(Lookup::Contains, value)
    }

    /// Contains a substring, ignoring case (`icontains`).
    pub fn icontains(&self, value: impl Into<String>) -> Where<R> {
        self.text(Lookup::IContains, value)
    }

    /// Starts with a prefix, case-sensitive (`startswith`).
    pub fn starts_with(&self, value: impl Into<String>) -> Where<R> {
        self.text(Lookup::StartsWith, value)
    }

    /// Starts with a prefix, ignoring case (`istartswith`).
    pub fn istarts_with(&self, value: impl Into<String>) -> Where<R> {
        self.text(Lookup::IStartsWith, value)
    }

    /// Ends with a suffix, case-sensitive (`endswith`).
    pub fn ends_with(&self, value: impl Into<String>) -> Where<R> {
        self.text(Lookup::EndsWith, value)
    }

    /// Ends with a suffix, ignoring case (`iendswith`).
    pub fn iends_with(&self, value: impl Into<String>) -> Where<R> {
        self.text(Lookup::IEndsWith, value)
    }

    /// Matches a regular expression, case-sensitive (`regex`).
    pub fn regex(&self, pattern: impl Into<String>) -> Where<R> {
        self.text(Lookup::Regex, pattern)
    }

    /// Matches a regular expression, ignoring case (`iregex`).
    pub fn iregex(&self, pattern: impl Into<String>) -> Where<R> {
        self.text(Lookup::IRegex, pattern)
    }
}

/// A relation from registry `R` to registry `T`: a foreign key (`artifact::CREATED_BY`), its
/// reverse side (`storage::ARTIFACTS`) or a many-to-many link (`artifact::ULABELS`).
pub struct Rel<R, T> {
    path: Cow<'static, str>,
    _registries: PhantomData<fn() -> (R, T)>,
}

impl<R, T> std::fmt::Debug for Rel<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Rel").field(&self.path).finish()
    }
}

impl<R, T> Clone for Rel<R, T> {
    fn clone(&self) -> Self {
        Rel { path: self.path.clone(), _registries: PhantomData }
    }
}

impl<R, T> Rel<R, T> {
    /// The relation named `name` (LaminDB's field or related name).
    pub const fn new(name: &'static str) -> Rel<R, T> {
        Rel { path: Cow::Borrowed(name), _registries: PhantomData }
    }

    /// A field of the related records, reached from `R`: a field of `R` with the kind of `field`.
    pub fn then<K, D>(&self, field: Col<T, K, D>) -> Col<R, K, Related> {
        Col { path: Cow::Owned(format!("{}__{}", self.path, field.path)), _marker: PhantomData }
    }

    /// A relation of the related records, reached from `R` (`run::TRANSFORM` after `artifact::RUN`).
    pub fn then_rel<U>(&self, next: Rel<T, U>) -> Rel<R, U> {
        Rel { path: Cow::Owned(format!("{}__{}", self.path, next.path)), _registries: PhantomData }
    }
}

// A field orders by itself, ascending, and is a set of one field.
impl<R, K> From<Col<R, K>> for Order<R> {
    fn from(c: Col<R, K>) -> Order<R> {
        c.asc()
    }
}

impl<R, K> From<&Col<R, K>> for Order<R> {
    fn from(c: &Col<R, K>) -> Order<R> {
        c.asc()
    }
}

impl<R, K> FieldSet<R> for Col<R, K> {
    fn field_names(&self) -> Vec<&str> {
        vec![self.path()]
    }
}

impl<R, K> FieldSet<R> for &Col<R, K> {
    fn field_names(&self) -> Vec<&str> {
        vec![self.path()]
    }
}
