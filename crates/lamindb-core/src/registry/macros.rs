//! The [`registry!`](crate::registry!) macro, which declares a registry (the record struct,
//! its typed-field module, its [`Registry`](super::Registry) table and its
//! [`SQLRecord`](super::SQLRecord) impl), and its helpers.

/// The value given to an optional clause of [`registry!`](crate::registry!), else the default.
#[doc(hidden)]
#[macro_export]
macro_rules! __given_or {
    (; $default:expr) => {
        $default
    };
    ($given:expr; $default:expr) => {
        $given
    };
}

/// The generic doc line of a field declared with [`registry!`] (LaminDB's meaning of the common
/// columns, else "The `x` column."), or nothing when the field carries its own doc attributes.
#[doc(hidden)]
#[macro_export]
macro_rules! registry_field_doc {
    (branch_id, $what:literal) => {
        "The branch: 1 `main`, 0 archive, −1 trash (soft-deleted)."
    };
    (created_on_id, $what:literal) => {
        "The branch the record was created on (never changes)."
    };
    (space_id, $what:literal) => {
        "The space that governs access (1: `all`)."
    };
    (is_locked, $what:literal) => {
        "Whether the record is locked against changes."
    };
    (created_by_id, $what:literal) => {
        "The user who created the record."
    };
    (run_id, $what:literal) => {
        "The run that created the record, if any."
    };
    ($field:ident, $what:literal) => {
        concat!("The `", stringify!($field), "` ", $what, ".")
    };
    ($field:ident, $what:literal, $($attr:tt)+) => {
        ""
    };
}

/// Declares a registry: the record struct, its [`Registry`](crate::registry::Registry) table and its
/// [`SQLRecord`](crate::registry::SQLRecord) impl.
///
/// A field `name: RustType as CONSTANT = Field::new(…);` becomes the typed field
/// `module::CONSTANT`, of the column kind of its Rust type ([`ColumnType`](crate::query::kind::ColumnType));
/// `as CONSTANT(Date)` names the kind instead (a date held as a `String`).
/// A field's `///` lines document it (on the struct field and on its typed-field constant);
/// a field without them is documented as "The `x` column."
#[macro_export]
macro_rules! registry {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            name: $reg:literal, module: $module:ident, table: $table:expr, uid_len: $uid:expr, name_field: $nf:literal,
            soft_delete: $sd:expr, versioned: $ver:expr
            $(, time_ordered_uid: $tou:expr)? $(, relations: $rels:expr)? $(, links: $links:expr)?
            $(, natural_keys: $nk:expr)? $(, transfer: $tp:expr)? $(, updatable: $up:expr)?
            $(, hidden_unless_asked: $hide:expr)?;
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty as $konst:ident $(($kind:ident))? = $def:expr; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Default)]
        pub struct $name {
            $(
                #[doc = $crate::registry_field_doc!($field, "column" $(, #[$fmeta])*)]
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        #[doc = concat!("Typed fields of [`", stringify!($name), "`], for queries: `", stringify!($module), "::NAME.starts_with(\"a\")`.")]
        pub mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[doc = $crate::registry_field_doc!($field, "field" $(, #[$fmeta])*)]
                $(#[$fmeta])*
                pub const $konst: $crate::query::Col<super::$name, $crate::__column_kind!($ty $(, $kind)?)> =
                    $crate::query::Col::new($def.name);
            )*
        }

        impl $crate::registry::SQLRecord for $name {
            const REGISTRY: &'static $crate::registry::Registry = &$crate::registry::Registry {
                name: $reg,
                table: $table,
                uid_len: $uid,
                name_field: $nf,
                soft_delete: $sd,
                versioned: $ver,
                fields: &[ $( $def ),* ],
                time_ordered_uid: $crate::__given_or!($($tou)?; false),
                relations: $crate::__given_or!($($rels)?; &[]),
                links: $crate::__given_or!($($links)?; &[]),
                natural_keys: $crate::__given_or!($($nk)?; &["uid"]),
                transfer: $crate::__given_or!($($tp)?; $crate::registry::TransferPolicy::Copied),
                updatable: $crate::__given_or!($($up)?; None),
                hidden_unless_asked: $crate::__given_or!($($hide)?; None),
            };

            fn values(&self) -> Vec<$crate::value::Value> {
                vec![ $( $crate::value::FieldValue::to_value(&self.$field) ),* ]
            }

            fn from_row_values(values: Vec<$crate::value::Value>) -> $crate::error::Result<Self> {
                let mut it = values.into_iter().zip(Self::REGISTRY.fields);
                Ok(Self { $( $field: {
                    let (v, f) = it.next().expect("one value per field");
                    $crate::value::FieldValue::from_value(v, f.name)?
                }, )* })
            }

            fn id(&self) -> Option<i64> {
                self.id
            }
        }
    };
}
