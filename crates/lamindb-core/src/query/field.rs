//! Typed fields: query conditions built from the registry declarations instead of strings.
//!
//! Each registry declared with [`registry!`](crate::registry!) gets a module of constants, one per
//! field (`ulabel::NAME`, `artifact::SIZE`), re-exported with its relations in [`crate::fields`].
//! Every Django lookup is a method; relations chain with [`Rel::then`]
//! (`artifact::ULABELS.then(ulabel::NAME)` is `ulabels__name`). A condition built this way is the
//! same [`Q`] as its string form (`Q::kw("ulabels__name", …)`) and compiles to the same SQL.
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

use super::expr::{Lookup, Node, Operand, Q};
use crate::value::Value;

/// A field of registry `R`, or a field reached from `R` through relations.
#[derive(Debug)]
pub struct Col<R> {
    path: Cow<'static, str>,
    _registry: PhantomData<fn() -> R>,
}

impl<R> Clone for Col<R> {
    fn clone(&self) -> Self {
        Col { path: self.path.clone(), _registry: PhantomData }
    }
}

impl<R> Col<R> {
    /// The field named `name` (a column of `R`'s table).
    pub const fn new(name: &'static str) -> Col<R> {
        Col { path: Cow::Borrowed(name), _registry: PhantomData }
    }

    /// The Django path of the field (`ulabels__name`).
    pub fn path(&self) -> &str {
        &self.path
    }

    fn q(&self, lookup: Lookup, operand: Operand) -> Q {
        Q(Node::Cond { path: self.path.split("__").map(str::to_string).collect(), lookup, operand })
    }

    fn text(&self, lookup: Lookup, value: impl Into<String>) -> Q {
        self.q(lookup, Operand::Value(Value::Text(value.into())))
    }

    /// `field = value` (`field IS NULL` for [`Value::Null`]).
    pub fn eq(&self, value: impl Into<Value>) -> Q {
        self.q(Lookup::Exact, Operand::Value(value.into()))
    }

    /// Not equal: `!(field = value)`, keeping rows where the field is NULL (as Django's exclude).
    pub fn ne(&self, value: impl Into<Value>) -> Q {
        !self.eq(value)
    }

    /// Equal ignoring case (`iexact`).
    pub fn iexact(&self, value: impl Into<String>) -> Q {
        self.text(Lookup::IExact, value)
    }

    /// Contains a substring, case-sensitive (`contains`).
    pub fn contains(&self, value: impl Into<String>) -> Q {
        self.text(Lookup::Contains, value)
    }

    /// Contains a substring, ignoring case (`icontains`).
    pub fn icontains(&self, value: impl Into<String>) -> Q {
        self.text(Lookup::IContains, value)
    }

    /// Starts with a prefix, case-sensitive (`startswith`).
    pub fn starts_with(&self, value: impl Into<String>) -> Q {
        self.text(Lookup::StartsWith, value)
    }

    /// Starts with a prefix, ignoring case (`istartswith`).
    pub fn istarts_with(&self, value: impl Into<String>) -> Q {
        self.text(Lookup::IStartsWith, value)
    }

    /// Ends with a suffix, case-sensitive (`endswith`).
    pub fn ends_with(&self, value: impl Into<String>) -> Q {
        self.text(Lookup::EndsWith, value)
    }

    /// Ends with a suffix, ignoring case (`iendswith`).
    pub fn iends_with(&self, value: impl Into<String>) -> Q {
        self.text(Lookup::IEndsWith, value)
    }

    /// Matches a regular expression, case-sensitive (`regex`).
    pub fn regex(&self, pattern: impl Into<String>) -> Q {
        self.text(Lookup::Regex, pattern)
    }

    /// Matches a regular expression, ignoring case (`iregex`).
    pub fn iregex(&self, pattern: impl Into<String>) -> Q {
        self.text(Lookup::IRegex, pattern)
    }

    /// One of `values` (`in`); an empty list matches nothing.
    pub fn is_in<V: Into<Value>>(&self, values: impl IntoIterator<Item = V>) -> Q {
        self.q(Lookup::In, Operand::List(values.into_iter().map(Into::into).collect()))
    }

    /// `> value`.
    pub fn gt(&self, value: impl Into<Value>) -> Q {
        self.q(Lookup::Gt, Operand::Value(value.into()))
    }

    /// `>= value`.
    pub fn gte(&self, value: impl Into<Value>) -> Q {
        self.q(Lookup::Gte, Operand::Value(value.into()))
    }

    /// `< value`.
    pub fn lt(&self, value: impl Into<Value>) -> Q {
        self.q(Lookup::Lt, Operand::Value(value.into()))
    }

    /// `<= value`.
    pub fn lte(&self, value: impl Into<Value>) -> Q {
        self.q(Lookup::Lte, Operand::Value(value.into()))
    }

    /// Between `low` and `high`, both included (`range`).
    pub fn range(&self, low: impl Into<Value>, high: impl Into<Value>) -> Q {
        self.q(Lookup::Range, Operand::List(vec![low.into(), high.into()]))
    }

    /// `IS NULL` when `yes`, else `IS NOT NULL` (`isnull`).
    pub fn is_null(&self, yes: bool) -> Q {
        self.q(Lookup::IsNull, Operand::Value(Value::Bool(yes)))
    }

    /// The path for `order_by`, descending when `desc`.
    pub fn order(&self, desc: bool) -> String {
        if desc { format!("-{}", self.path) } else { self.path.to_string() }
    }
}

/// A relation from registry `R` to registry `T`: a foreign key (`artifact::CREATED_BY`), its
/// reverse side (`storage::ARTIFACTS`) or a many-to-many link (`artifact::ULABELS`).
#[derive(Debug)]
pub struct Rel<R, T> {
    path: Cow<'static, str>,
    _registries: PhantomData<fn() -> (R, T)>,
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

    /// A field of the related records, reached from `R`.
    pub fn then(&self, field: Col<T>) -> Col<R> {
        Col { path: Cow::Owned(format!("{}__{}", self.path, field.path)), _registry: PhantomData }
    }

    /// A relation of the related records, reached from `R` (`run::TRANSFORM` after `artifact::RUN`).
    pub fn then_rel<U>(&self, next: Rel<T, U>) -> Rel<R, U> {
        Rel { path: Cow::Owned(format!("{}__{}", self.path, next.path)), _registries: PhantomData }
    }
}
