//! Whole tables: an instance's database read table by table, loaded into another instance with
//! every id kept, and moved to another database (SQLite → PostgreSQL and back). The file format
//! (one Parquet file per table, as LaminDB's `lamin io exportdb` writes them) is
//! `lamindb-frame`'s; this module works on [`Table`]s of values.
//!
//! The tables are LaminDB's: every `lamindb_*` table and Django's journal `django_migrations`.
//! A load ([`Tables::import`](crate::io::Tables::import)) needs an instance without records of its own (what
//! `init` seeds is replaced), runs in one transaction with the foreign keys checked at commit
//! (an export that does not hold together changes nothing), converts each value to the column's
//! type (LaminDB's PostgreSQL exports hold `''` for NULL, `t`/`f` for booleans and numbers as
//! text), keeps the target's own `django_migrations` (they describe its schema) and advances
//! PostgreSQL's id sequences past the loaded ids.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let init = |d: &str| lamindb_core::InitOptions { storage: tmp.path().join(d).display().to_string(), ..Default::default() };
//! use lamindb_core::{Instance, SQLRecord, ULabel};
//!
//! let (a, _) = Instance::init_in(&settings, &init("a"))?;
//! ULabel::new("lung").save(&a)?;
//! let tables = a.io().tables()?.iter().map(|t| a.io().read(t)).collect::<Result<Vec<_>, _>>()?;
//!
//! let (b, _) = Instance::init_in(&settings, &init("b"))?;
//! b.io().import(tables)?;
//! let lung = |i: &Instance| ULabel::query().filter_eq("name", "lung").one(i).map(|l| l.uid);
//! assert_eq!(lung(&b)?, lung(&a)?);
//! # Ok(()) }
//! ```

mod handle;
mod move_db;

use std::collections::HashSet;

use crate::db::Dialect;
use crate::error::{Error, Refusal, Result};
use crate::models::{Branch, Space, Storage, User, tables};
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::value::{SqlType, Value, parse_date, parse_datetime};

pub use handle::Tables;
pub use move_db::MoveReport;

/// Django's journal of applied migrations: exported, never imported.
pub const JOURNAL: &str = "django_migrations";

/// Tables that `init` fills, replaced by an import.
const SEEDED: [&str; 4] =
    [User::REGISTRY.table, Storage::REGISTRY.table, Space::REGISTRY.table, Branch::REGISTRY.table];

/// One column of a table, as the database declares it.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its type.
    pub ty: SqlType,
    /// Whether it admits NULL.
    pub nullable: bool,
}

/// A table's columns and rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// The table's name (`lamindb_artifact`).
    pub name: String,
    /// Its columns.
    pub columns: Vec<Column>,
    /// Its rows, each with one value per column.
    pub rows: Vec<Vec<Value>>,
}

/// What [`Tables::import`](crate::io::Tables::import) loaded: `(table, rows)`.
pub type ImportReport = Vec<(String, usize)>;

impl Instance {
    /// The instance's LaminDB tables: every `lamindb_*` table and `django_migrations`, sorted.
    pub(crate) fn tables(&self) -> Result<Vec<String>> {
        // By prefix: every table of LaminDB's app, declared here as a registry or not.
        let mut names: Vec<String> = self
            .all_tables()?
            .into_iter()
            .filter(|t| t.starts_with(tables::TABLE_PREFIX) || t == JOURNAL)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Every table of the database (the catalog's base tables).
    fn all_tables(&self) -> Result<Vec<String>> {
        let mut sql = self.sql();
        match self.dialect() {
            Dialect::Sqlite => sql.push("SELECT name FROM sqlite_master WHERE type = 'table'"),
            Dialect::Postgres => sql.push(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_type = 'BASE TABLE'",
            ),
        };
        Ok(self.query(&sql)?.into_iter().filter_map(|r| r.values[0].as_str().map(str::to_string)).collect())
    }

    /// The columns of `table`, in the database's order.
    pub(crate) fn table_columns(&self, table: &str) -> Result<Vec<Column>> {
        let mut sql = self.sql();
        match self.dialect() {
            Dialect::Sqlite => {
                sql.push("SELECT name, type, \"notnull\" FROM pragma_table_info(");
                sql.bind(Value::Text(table.into()), SqlType::Text).push(") ORDER BY cid");
            }
            Dialect::Postgres => {
                sql.push(
                    "SELECT column_name::text, data_type::text, (is_nullable = 'NO')::int, \
                     COALESCE(character_maximum_length, 0)::int FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = ",
                );
                sql.bind(Value::Text(table.into()), SqlType::Text).push(" ORDER BY ordinal_position");
            }
        }
        let rows = self.query(&sql)?;
        if rows.is_empty() {
            return Err(Error::UnknownTable { table: table.to_string() });
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let v = r.values;
                let declared = v[1].as_str().unwrap_or_default().to_ascii_lowercase();
                let len = v.get(3).and_then(Value::as_i64).unwrap_or(0);
                Column {
                    name: v[0].as_str().unwrap_or_default().to_string(),
                    ty: column_type(&declared, len),
                    nullable: v[2].as_i64() != Some(1),
                }
            })
            .collect())
    }

    /// Every row of `table` (by id where it has one), values read as the column types say.
    pub(crate) fn read_table(&self, table: &str) -> Result<Table> {
        let columns = self.table_columns(table)?;
        let mut sql = self.sql();
        sql.push("SELECT ");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(&c.name);
        }
        sql.push(" FROM ").ident(table);
        if columns.iter().any(|c| c.name == "id") {
            sql.push(" ORDER BY \"id\"");
        }
        let mut rows = Vec::new();
        for row in self.query(&sql)? {
            let values = row
                .values
                .into_iter()
                .zip(&columns)
                .map(|(v, c)| convert(v, c, table))
                .collect::<Result<Vec<_>>>()?;
            rows.push(values);
        }
        Ok(Table { name: table.to_string(), columns, rows })
    }

    /// Loads `tables` (read from another instance, or from an export folder) into this instance,
    /// keeping every id (see the [module documentation](self)). Refused when the instance holds
    /// records of its own. The current user and the instance's default storage stay registered
    /// (added after the loaded rows when the export lacks them).
    pub(crate) fn import_tables(&self, tables: Vec<Table>) -> Result<ImportReport> {
        let ours: HashSet<String> = self.tables()?.into_iter().collect();
        for t in &tables {
            if !ours.contains(&t.name) {
                return Err(Error::InvalidExport {
                    location: t.name.clone(),
                    message: format!(
                        "this instance has no table {0} ({0}.parquet in the export): the export comes from a newer LaminDB \
                     or uses a module this instance lacks (only LaminDB's core tables are imported)",
                        t.name
                    ),
                });
            }
        }
        for table in &ours {
            if table == JOURNAL || SEEDED.contains(&table.as_str()) {
                continue;
            }
            let mut sql = self.sql();
            sql.push("SELECT COUNT(*) FROM ").ident(table);
            let n = self.query(&sql)?.first().and_then(|r| r.values[0].as_i64()).unwrap_or(0);
            if n > 0 {
                return Err(Error::Refused(Refusal::InstanceNotEmpty { table: table.to_string(), rows: n }));
            }
        }
        let default_root = self.read_settings(|s| s.storage_root.clone());
        let own_storage = Storage::query().filter_eq("root", default_root.as_str()).first(self)?;
        self.transaction(|tx| {
            let mut report = Vec::new();
            for t in tables.iter().filter(|t| t.name != JOURNAL) {
                let mut sql = tx.sql();
                sql.push("DELETE FROM ").ident(&t.name);
                tx.execute(&sql)?;
            }
            for t in tables.iter().filter(|t| t.name != JOURNAL) {
                let target = tx.table_columns(&t.name)?;
                for (i, c) in t.columns.iter().enumerate() {
                    let known = target.iter().any(|tc| tc.name == c.name);
                    let holds = |r: &Vec<Value>| !matches!(&r[i], Value::Null) && r[i].as_str() != Some("");
                    if !known && t.rows.iter().any(holds) {
                        return Err(Error::InvalidExport { location: format!("{}.{}", t.name, c.name), message: format!(
                            "{}.{} holds values but this instance has no such column: the export comes from a \
                             newer LaminDB; nothing was imported",
                            t.name, c.name
                        ) });
                    }
                }
                let mut picked = Vec::new();
                for c in &target {
                    if let Some(i) = t.columns.iter().position(|s| s.name == c.name) {
                        picked.push((i, c));
                    } else if !c.nullable && !has_default(&c.name) {
                        return Err(Error::InvalidExport { location: format!("{}.{}", t.name, c.name), message: format!(
                            "{} in the export lacks the column {}, which cannot be NULL",
                            t.name, c.name
                        ) });
                    }
                }
                let rows = t
                    .rows
                    .iter()
                    .map(|row| picked.iter().map(|(i, c)| convert(row[*i].clone(), c, &t.name)).collect())
                    .collect::<Result<Vec<Vec<Value>>>>()?;
                let columns: Vec<(&str, SqlType)> =
                    picked.iter().map(|(_, c)| (c.name.as_str(), c.ty)).collect();
                crate::records::insert_rows(tx, &t.name, &columns, &rows)?;
                report.push((t.name.clone(), rows.len()));
            }
            // Checked before the commit, so that a refusal names what does not hold together
            // (SQLite's own error at commit names no table; PostgreSQL's does).
            if tx.dialect() == Dialect::Sqlite {
                let mut sql = tx.sql();
                sql.push("PRAGMA foreign_key_check");
                if let Some(row) = tx.query(&sql)?.first() {
                    let text = |i: usize| row.get(i).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                    return Err(Error::Refused(Refusal::ImportDangling {
                        table: text(0),
                        id: row.get(1).and_then(|v| v.as_i64()),
                        parent: text(2),
                    }));
                }
            }
            reset_sequences(tx, tables.iter().map(|t| t.name.as_str()))?;
            // The current user (looked up again: ids changed; forgetting the remembered id holds
            // for every handle of this instance) and the instance's own default storage stay
            // registered (an export of another instance brings its own).
            tx.forget_user_id();
            let user_id = tx.user_id()?;
            if let Some(mut own) = own_storage.clone() {
                match Storage::query().filter_eq("root", own.root.as_str()).first(tx)? {
                    None => {
                        own.id = None;
                        own.run_id = None;
                        let ctx = crate::registry::SaveContext { user_id, run_id: None };
                        crate::registry::save_with(&mut own, tx, &ctx)?;
                    }
                    // A backup of an instance at this very root (restored into a new instance
                    // there): the location is this instance's — its marker says so — so the row
                    // keeps its id (the artifacts in it point to it) and takes this instance's
                    // storage uid and instance uid.
                    Some(row) if row.uid != own.uid || row.instance_uid != own.instance_uid => {
                        let mut sql = tx.sql();
                        sql.push("UPDATE ")
                            .ident(Storage::REGISTRY.table)
                            .push(" SET \"uid\" = ")
                            .bind(Value::Text(own.uid.clone()), SqlType::Text)
                            .push(", \"instance_uid\" = ")
                            .bind(own.instance_uid.clone().map_or(Value::Null, Value::Text), SqlType::Text)
                            .push(" WHERE \"id\" = ")
                            .bind(Value::Int(row.id.unwrap_or_default()), SqlType::Int);
                        tx.execute(&sql)?;
                    }
                    Some(_) => {}
                }
            }
            Ok(report)
        })
    }
}

/// Columns Django gives a database default (they may be missing from older exports).
fn has_default(column: &str) -> bool {
    matches!(
        column,
        "created_at" | "updated_at" | "is_locked" | "branch_id" | "created_on_id" | "space_id" | "_aux"
    )
}

/// The type of a column from its declaration (SQLite) or `data_type` (PostgreSQL).
fn column_type(declared: &str, len: i64) -> SqlType {
    let base = declared.split('(').next().unwrap_or_default().trim().trim_end_matches(" unsigned");
    match base {
        "integer" | "int" => SqlType::Int,
        "bigint" => SqlType::BigInt,
        "smallint" => SqlType::SmallInt,
        "bool" | "boolean" => SqlType::Bool,
        "datetime" | "timestamp with time zone" | "timestamp without time zone" => SqlType::DateTime,
        "date" => SqlType::Date,
        "jsonb" | "json" => SqlType::Json,
        "real" | "double precision" | "float" | "double" | "decimal" | "numeric" => SqlType::Float,
        "varchar" | "character varying" => {
            let n = declared
                .split(['(', ')'])
                .nth(1)
                .and_then(|n| n.trim().parse().ok())
                .or(u32::try_from(len).ok().filter(|n| *n > 0))
                .unwrap_or(255);
            SqlType::Varchar(n)
        }
        _ => SqlType::Text,
    }
}

/// `value` as a value of `column`, read leniently: text holding a number, a boolean (`t`/`f`,
/// `true`/`false`, `1`/`0`), a timestamp or a date is taken as one; `''` is NULL where the
/// column admits NULL (LaminDB's PostgreSQL exports write NULL so).
pub fn convert(value: Value, column: &Column, table: &str) -> Result<Value> {
    let bad = |v: &Value| Error::InvalidValue {
        field: format!("{table}.{}", column.name),
        message: format!("{table}.{}: cannot read {v:?} as {:?}", column.name, column.ty),
    };
    let ty = column.ty;
    Ok(match value {
        Value::Null => Value::Null,
        Value::Text(s) if s.is_empty() && column.nullable && !ty.is_text() => Value::Null,
        Value::Text(s) if s.is_empty() && column.nullable && column.name.ends_with("_id") => Value::Null,
        v if ty.is_integer() => match v {
            Value::Int(_) => v,
            Value::Bool(b) => Value::Int(i64::from(b)),
            Value::Float(f) if f.fract() == 0.0 => Value::Int(f as i64),
            Value::Text(ref s) => match s.trim().parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => match s.trim().parse::<f64>() {
                    Ok(f) if f.fract() == 0.0 => Value::Int(f as i64),
                    _ => return Err(bad(&v)),
                },
            },
            v => return Err(bad(&v)),
        },
        v if ty == SqlType::Bool => match v {
            Value::Bool(_) => v,
            Value::Int(i) => Value::Bool(i != 0),
            Value::Text(ref s) => match s.trim().to_ascii_lowercase().as_str() {
                "t" | "true" | "1" => Value::Bool(true),
                "f" | "false" | "0" => Value::Bool(false),
                _ => return Err(bad(&v)),
            },
            v => return Err(bad(&v)),
        },
        v if ty == SqlType::Float => match v {
            Value::Float(_) => v,
            Value::Int(i) => Value::Float(i as f64),
            Value::Text(ref s) => Value::Float(s.trim().parse().map_err(|_| bad(&v))?),
            v => return Err(bad(&v)),
        },
        v if ty == SqlType::DateTime => match v {
            Value::DateTime(_) => v,
            Value::Text(ref s) => Value::DateTime(parse_datetime(s).ok_or_else(|| bad(&v))?),
            v => return Err(bad(&v)),
        },
        v if ty == SqlType::Date => match v {
            Value::DateTime(d) => Value::Text(d.format("%Y-%m-%d").to_string()),
            Value::Text(ref s) => Value::Text(parse_date(s).ok_or_else(|| bad(&v))?),
            v => return Err(bad(&v)),
        },
        Value::Text(s) | Value::Json(s) if ty == SqlType::Json => Value::Json(s),
        v if ty == SqlType::Json => Value::Json(v.to_json().to_string()),
        Value::Json(s) => Value::Text(s),
        Value::Text(s) => Value::Text(s),
        Value::DateTime(d) => Value::Text(crate::value::format_datetime(&d)),
        v => Value::Text(v.to_string()),
    })
}

/// PostgreSQL: moves each table's id sequence past its largest id (explicit ids do not advance
/// it). SQLite's AUTOINCREMENT follows explicit ids by itself.
fn reset_sequences<'a>(inst: &Instance, tables: impl Iterator<Item = &'a str>) -> Result<()> {
    if inst.dialect() != Dialect::Postgres {
        return Ok(());
    }
    for table in tables {
        let mut sql = inst.sql();
        sql.push("SELECT pg_get_serial_sequence(");
        sql.bind(Value::Text(format!("\"{table}\"")), SqlType::Text).push(", 'id')");
        let seq = inst.query(&sql)?.into_iter().next().and_then(|r| r.values[0].as_str().map(str::to_string));
        if let Some(seq) = seq {
            let mut sql = inst.sql();
            sql.push("SELECT setval(CAST(");
            sql.bind(Value::Text(seq), SqlType::Text);
            sql.push(" AS regclass), COALESCE((SELECT MAX(\"id\") FROM ")
                .ident(table)
                .push("), 1), (SELECT COUNT(*) > 0 FROM ");
            sql.ident(table).push("))");
            inst.query(&sql)?;
        }
    }
    Ok(())
}
