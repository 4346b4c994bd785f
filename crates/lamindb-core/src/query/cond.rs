//! What typed fields build: conditions ([`Where<R>`]), orderings ([`Order<R>`]) and sets of
//! fields ([`FieldSet<R>`]), each tied to the registry `R` whose fields made it.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::expr::Q;

/// A condition on records of registry `R`, built from `R`'s typed fields
/// (`ulabel::NAME.starts_with("T")`) and combined with `&`, `|` and `!` with conditions of the
/// same registry. [`SQLRecord::filter`](crate::SQLRecord::filter) and
/// [`Query::filter`](crate::Query::filter) take only conditions of their registry; a `Where<R>`
/// turns into the untyped [`Q`] (`Q::from(w)`) for a [`QuerySet`](crate::QuerySet).
pub struct Where<R> {
    q: Q,
    _registry: PhantomData<fn() -> R>,
}

impl<R> Where<R> {
    pub(crate) fn new(q: Q) -> Where<R> {
        Where { q, _registry: PhantomData }
    }

    /// Matches every record of `R` (the start of a condition built in a loop with `&`).
    pub fn all() -> Where<R> {
        Where::new(Q::all())
    }

    /// Matches no record of `R` (the start of a condition built in a loop with `|`).
    pub fn none() -> Where<R> {
        Where::new(Q::none())
    }

    /// The untyped condition.
    pub fn as_q(&self) -> &Q {
        &self.q
    }

    /// The untyped condition, for a [`QuerySet`](crate::QuerySet).
    pub fn into_q(self) -> Q {
        self.q
    }
}

impl<R> From<Where<R>> for Q {
    fn from(w: Where<R>) -> Q {
        w.q
    }
}

impl<R> Clone for Where<R> {
    fn clone(&self) -> Self {
        Where::new(self.q.clone())
    }
}

impl<R> std::fmt::Debug for Where<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.q.fmt(f)
    }
}

impl<R> PartialEq for Where<R> {
    fn eq(&self, other: &Where<R>) -> bool {
        self.q == other.q
    }
}

/// A typed condition equals the string form that builds the same tree.
impl<R> PartialEq<Q> for Where<R> {
    fn eq(&self, other: &Q) -> bool {
        &self.q == other
    }
}

impl<R> std::ops::BitAnd for Where<R> {
    type Output = Where<R>;
    fn bitand(self, rhs: Where<R>) -> Where<R> {
        Where::new(self.q & rhs.q)
    }
}

impl<R> std::ops::BitOr for Where<R> {
    type Output = Where<R>;
    fn bitor(self, rhs: Where<R>) -> Where<R> {
        Where::new(self.q | rhs.q)
    }
}

impl<R> std::ops::Not for Where<R> {
    type Output = Where<R>;
    fn not(self) -> Where<R> {
        Where::new(!self.q)
    }
}

/// An ordering by a field of registry `R`: `ulabel::NAME.desc()`, `ulabel::NAME.asc()`, or the
/// field itself (ascending).
pub struct Order<R> {
    path: Cow<'static, str>,
    desc: bool,
    _registry: PhantomData<fn() -> R>,
}

impl<R> Order<R> {
    pub(crate) fn new(path: Cow<'static, str>, desc: bool) -> Order<R> {
        Order { path, desc, _registry: PhantomData }
    }

    /// The field's name.
    pub fn field(&self) -> &str {
        &self.path
    }

    /// Whether the order is descending.
    pub fn is_desc(&self) -> bool {
        self.desc
    }
}

impl<R> Clone for Order<R> {
    fn clone(&self) -> Self {
        Order::new(self.path.clone(), self.desc)
    }
}

impl<R> std::fmt::Debug for Order<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Order({}{})", if self.desc { "-" } else { "" }, self.path)
    }
}

/// Fields of registry `R` named together: one field (`ulabel::NAME`), a tuple of fields
/// (`(ulabel::NAME, ulabel::DESCRIPTION)`, up to 12), or `()` for none. Taken by
/// [`SQLRecord::save_fields`](crate::SQLRecord::save_fields) and
/// [`SQLRecord::refresh_fields`](crate::SQLRecord::refresh_fields).
pub trait FieldSet<R> {
    /// The fields' names, in order.
    fn field_names(&self) -> Vec<&str>;
}

impl<R> FieldSet<R> for () {
    fn field_names(&self) -> Vec<&str> {
        Vec::new()
    }
}

macro_rules! field_set_tuples {
    ($( ($($t:ident $i:tt),+) )*) => {$(
        impl<R, $($t: FieldSet<R>),+> FieldSet<R> for ($($t,)+) {
            fn field_names(&self) -> Vec<&str> {
                let mut names = Vec::new();
                $( names.extend(self.$i.field_names()); )+
                names
            }
        }
    )*};
}

field_set_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}
