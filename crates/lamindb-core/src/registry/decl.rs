//! The static description of a registry: its [`Field`]s (column name, SQL type, nullability,
//! relation, choices, uniqueness) and the [`Registry`] table that lists them.

use crate::db::Sql;
use crate::error::{Error, Result};
use crate::value::SqlType;

/// One column of a registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Column name as in LaminDB's table (`created_by_id`, `_aux`, `type`).
    pub name: &'static str,
    /// SQL type.
    pub ty: SqlType,
    /// Whether the column admits NULL.
    pub nullable: bool,
    /// For a foreign key: the name of the registry it points to.
    pub relation: Option<&'static str>,
    /// The values the field admits (kinds, status codes), if restricted.
    pub choices: Option<&'static [&'static str]>,
    /// Whether no two records may share a value (checked by validation before a save).
    pub unique: bool,
    /// Whether a private (`_`) field is shown in DataFrames anyway, as LaminDB shows it
    /// (Feature's `_dtype_str`, its `dtype`).
    pub shown: bool,
}

impl Field {
    /// A NOT NULL column without relation.
    pub const fn new(name: &'static str, ty: SqlType) -> Field {
        Field { name, ty, nullable: false, relation: None, choices: None, unique: false, shown: false }
    }

    /// Restricts the field to `choices`.
    pub const fn choices(mut self, choices: &'static [&'static str]) -> Field {
        self.choices = Some(choices);
        self
    }

    /// Marks the field unique.
    pub const fn unique(mut self) -> Field {
        self.unique = true;
        self
    }

    /// Shows the private field in DataFrames (see [`Field::shown`]).
    pub const fn shown(mut self) -> Field {
        self.shown = true;
        self
    }

    /// Marks the column nullable.
    pub const fn null(mut self) -> Field {
        self.nullable = true;
        self
    }

    /// Marks the column as a foreign key to `registry`.
    pub const fn fk(mut self, registry: &'static str) -> Field {
        self.relation = Some(registry);
        self
    }

    /// Whether the field is private (LaminDB hides `_` fields from listings and field lists).
    pub fn is_private(&self) -> bool {
        self.name.starts_with('_')
    }
}

/// Static description of a registry (one SQL table).
#[derive(Debug)]
pub struct Registry {
    /// LaminDB's class name (`Storage`, `ULabel`).
    pub name: &'static str,
    /// Table name (`lamindb_storage`).
    pub table: &'static str,
    /// Length of the uid, if the registry has one.
    pub uid_len: Option<usize>,
    /// The field used as the record's name (`root` for Storage, `name` for ULabel, `handle` for User).
    pub name_field: &'static str,
    /// Whether `delete()` moves records to the trash (branch −1) instead of deleting them.
    pub soft_delete: bool,
    /// Whether the registry is versioned (`version_tag`, `is_latest`).
    pub versioned: bool,
    /// Columns, in LaminDB's model order.
    pub fields: &'static [Field],
    /// Whether new uids start with a stem that sorts by creation time
    /// ([`time_ordered_stem`](crate::uid::time_ordered_stem): Artifact, Run).
    pub time_ordered_uid: bool,
    /// Reverse and many-to-many relations, by LaminDB's related names (forward relations are
    /// the `fk` fields).
    pub relations: &'static [Relation],
    /// Link tables whose rows go with a record deleted for good: (table, column pointing to
    /// the record).
    pub links: &'static [(&'static str, &'static str)],
    /// The fields a transfer between instances matches an existing record by, tried in order
    /// (`uid` unless declared: Storage by `root`; User also by `handle`; labels and features
    /// also by `name`, on the main branch, a type matching a type).
    pub natural_keys: &'static [&'static str],
    /// What a transfer between instances does with records of this registry.
    pub transfer: TransferPolicy,
    /// The only fields an update by field name may change, when restricted (Artifact's
    /// `description` and `kind`: its other fields describe its bytes, or move them).
    pub updatable: Option<&'static [&'static str]>,
    /// `(field, prefix)`: records whose field starts with the prefix are left out of DataFrames
    /// unless the query filters on that field (LaminDB hides an artifact of `kind`
    /// `__lamindb_run__`, a run's report or environment).
    pub hidden_unless_asked: Option<(&'static str, &'static str)>,
}

/// What a transfer between instances ([`Instance::transfer_from`](crate::Instance::transfer_from)) does with the records of a
/// registry, whether transferred or pointed to by a transferred record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferPolicy {
    /// Matched by [`Registry::natural_keys`], else copied (users, labels, features, transforms).
    Copied,
    /// A storage location: matched by its natural keys; one whose uid is here under another root
    /// is refused ([`Refusal::StorageRootConflict`](crate::Refusal::StorageRootConflict)); a new
    /// one is a linked location, which this instance does not write to.
    Linked,
    /// Matched by its natural keys, never copied: a missing one refuses the transfer
    /// ([`Refusal::UnmappedSpace`](crate::Refusal::UnmappedSpace)).
    MatchedOnly,
    /// Not carried along by a reference: a transferred record's nullable field pointing to one
    /// becomes `NULL`, a required one refuses the transfer (runs, schemas).
    NotAlong,
    /// Not carried along by a reference either, and transferred only by an operation of its own
    /// (artifacts): transferring its records as plain records is refused with this message.
    Own(&'static str),
}

impl Registry {
    /// The field with this column name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The position of the column `name` in [`Registry::fields`] (and in [`SQLRecord::values`](super::SQLRecord::values)).
    pub fn index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// Whether the registry has a column of this name.
    pub fn has(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    /// The field named `name`, or LaminDB's "Unknown field" error listing the available fields.
    /// A relation may be named without `_id` (`created_by` for `created_by_id`).
    pub fn check_field(&self, name: &str) -> Result<&'static Field> {
        if let Some(f) = self.field(name) {
            return Ok(f);
        }
        if let Some(f) = self.field(&format!("{name}_id")).filter(|f| f.relation.is_some()) {
            return Ok(f);
        }
        Err(Error::UnknownField { field: name.to_string(), available: self.available_fields() })
    }

    /// The public field names, sorted and comma separated (private `_` fields excluded; relations are
    /// listed both as `x` and `x_id`), as LaminDB's error messages show them.
    pub fn available_fields(&self) -> String {
        self.field_names().join(", ")
    }

    /// The public field names, sorted: columns, and relations also without `_id`.
    ///
    /// ```
    /// use lamindb_core::SQLRecord;
    /// let names = lamindb_core::ULabel::REGISTRY.field_names();
    /// assert!(names.contains(&"created_by".to_string()) && names.contains(&"created_by_id".to_string()));
    /// ```
    pub fn field_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for f in self.fields.iter().filter(|f| !f.is_private()) {
            names.push(f.name.to_string());
            if f.relation.is_some() {
                if let Some(stem) = f.name.strip_suffix("_id") {
                    names.push(stem.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Appends the quoted column list of this registry to `sql`.
    pub(crate) fn push_columns(&self, sql: &mut Sql) {
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(f.name);
        }
    }
}

/// A relation that is not a foreign-key column of the registry itself: the reverse side of a
/// foreign key, or a many-to-many link. (Forward relations are the `fk` fields.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Records of `registry` whose column `fk` points to this record (`Storage.artifacts`).
    Reverse {
        /// LaminDB's related name.
        name: &'static str,
        /// The registry on the other side.
        registry: &'static str,
        /// The foreign-key column in that registry's table.
        fk: &'static str,
    },
    /// Records of `registry` linked through `link_table` (`Artifact.ulabels`).
    ManyToMany {
        /// LaminDB's related name.
        name: &'static str,
        /// The registry on the other side.
        registry: &'static str,
        /// The link table.
        link_table: &'static str,
        /// The link table's column pointing to this registry.
        self_fk: &'static str,
        /// The link table's column pointing to the other registry.
        other_fk: &'static str,
    },
}

impl Relation {
    /// LaminDB's name of the relation.
    pub fn name(&self) -> &'static str {
        match self {
            Relation::Reverse { name, .. } | Relation::ManyToMany { name, .. } => name,
        }
    }
}
