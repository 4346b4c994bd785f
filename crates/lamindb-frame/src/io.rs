//! An instance's tables as a folder of Parquet files, the layout of LaminDB's
//! `lamin io exportdb`: one `<table>.parquet` per table (`lamindb_artifact.parquet`,
//! `lamindb_artifactulabel.parquet`, …, `django_migrations.parquet`), no other files.
//!
//! Columns keep their types — integers Int64, booleans Boolean, timestamps Datetime(µs, UTC),
//! text, JSON and dates String, NULL as null — where LaminDB's PostgreSQL export writes most
//! columns as text (`''` for NULL, `t`/`f`) and its SQLite export NULL in text columns as
//! `None` (taken as NULL in a text column without nulls): [`read_export`] reads all three, and
//! [`Tables::import`](lamindb_core::io::Tables::import) converts each value to the target column's type.
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
//! let dir = tmp.path().join("export");
//! lamindb_frame::io::export_dir(&a, &dir, |_, _| {})?;
//! assert!(dir.join("lamindb_ulabel.parquet").exists());
//!
//! let (b, _) = Instance::init_in(&settings, &init("b"))?;
//! b.io().import(lamindb_frame::io::read_export(&dir)?)?;
//! # Ok(()) }
//! ```

use std::path::Path;

use lamindb_core::io::{Column as TableColumn, Table};
use lamindb_core::{Instance, SqlType, Value};
use polars::prelude::*;

use crate::FrameError;
use crate::columns::ColumnBuilder;

/// Writes every table of `inst` into `dir` (created when missing; refused when it holds the
/// Parquet files of other tables) as `<table>.parquet`, each file written atomically;
/// `on_table(name, rows)` is called after each. Returns `(table, rows)`.
pub fn export_dir(
    inst: &Instance,
    dir: &Path,
    mut on_table: impl FnMut(&str, usize),
) -> Result<Vec<(String, usize)>, FrameError> {
    let io = |source| FrameError::Io { path: dir.display().to_string(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    let names = inst.io().tables()?;
    // A folder holding other tables' files would import them too: exports are not mixed.
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if path.extension().is_some_and(|x| x == "parquet") && !names.contains(&stem) {
            return Err(FrameError::Core(lamindb_core::Error::Refused(
                lamindb_core::Refusal::FolderNotEmpty { dir: dir.to_path_buf(), file: path },
            )));
        }
    }
    let mut out = Vec::new();
    for name in names {
        let table = inst.io().read(&name)?;
        let mut frame = table_frame(&table)?;
        crate::export::write_file(&mut frame, crate::Format::Parquet, &dir.join(format!("{name}.parquet")))?;
        on_table(&name, table.rows.len());
        out.push((name, table.rows.len()));
    }
    Ok(out)
}

/// A table as a DataFrame: one typed column per table column.
pub fn table_frame(table: &Table) -> Result<DataFrame, FrameError> {
    let mut columns = Vec::with_capacity(table.columns.len());
    for (i, c) in table.columns.iter().enumerate() {
        // Dates are kept as ISO text (as LaminDB's export has them).
        let ty = if c.ty == SqlType::Date { SqlType::Text } else { c.ty };
        let mut b = ColumnBuilder::new(&c.name, ty, table.rows.len());
        for row in &table.rows {
            b.push(&row[i]).map_err(|message| FrameError::Decode { column: c.name.clone(), message })?;
        }
        columns.push(b.finish());
    }
    DataFrame::new(table.rows.len(), columns).map_err(FrameError::Export)
}

/// Reads an export folder: every `<table>.parquet` in `dir` (sorted by name) as a [`Table`]
/// whose values are as the file holds them (typed, or text).
pub fn read_export(dir: &Path) -> Result<Vec<Table>, FrameError> {
    let io = |source| FrameError::Io { path: dir.display().to_string(), source };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(FrameError::Core(lamindb_core::Error::InvalidExport {
            location: dir.display().to_string(),
            message: format!(
                "{} holds no .parquet files: pass a folder written by an export (`export_dir`, `lamin io export`) or by LaminDB's `lamin io exportdb`",
                dir.display()
            ),
        }));
    }
    let mut tables = Vec::with_capacity(files.len());
    for path in files {
        let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if name.contains("_chunk_") {
            return Err(FrameError::Core(lamindb_core::Error::InvalidExport {
                location: path.display().to_string(),
                message: format!(
                    "{} is a chunk of an export that did not finish: export again",
                    path.display()
                ),
            }));
        }
        let file = std::fs::File::open(&path)
            .map_err(|source| FrameError::Io { path: path.display().to_string(), source })?;
        let frame = ParquetReader::new(file)
            .finish()
            .map_err(|source| FrameError::Polars { path: path.display().to_string(), source })?;
        tables.push(frame_table(&name, &frame)?);
    }
    Ok(tables)
}

/// A DataFrame as a [`Table`] (column types as the frame has them; the importing instance
/// converts values to its own column types).
pub fn frame_table(name: &str, frame: &DataFrame) -> Result<Table, FrameError> {
    let height = frame.height();
    let mut rows: Vec<Vec<Value>> = (0..height).map(|_| Vec::with_capacity(frame.width())).collect();
    let mut columns = Vec::with_capacity(frame.width());
    for col in frame.columns() {
        let series = col.as_materialized_series().rechunk();
        let ty = match series.dtype() {
            DataType::Boolean => SqlType::Bool,
            d if d.is_integer() => SqlType::BigInt,
            d if d.is_float() => SqlType::Float,
            DataType::Datetime(_, _) => SqlType::DateTime,
            _ => SqlType::Text,
        };
        columns.push(TableColumn { name: col.name().to_string(), ty, nullable: true });
        // LaminDB's SQLite export writes NULL in text columns as the text `None` (pandas'
        // `astype(str)`); such a column has no null at all.
        let none_is_null = ty == SqlType::Text && series.null_count() == 0;
        for (row, v) in rows.iter_mut().zip(series.iter()) {
            let v = any_value(v);
            row.push(if none_is_null && v.as_str() == Some("None") { Value::Null } else { v });
        }
    }
    Ok(Table { name: name.to_string(), columns, rows })
}

fn any_value(v: AnyValue<'_>) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::Int8(i) => Value::Int(i.into()),
        AnyValue::Int16(i) => Value::Int(i.into()),
        AnyValue::Int32(i) => Value::Int(i.into()),
        AnyValue::Int64(i) => Value::Int(i),
        AnyValue::UInt8(i) => Value::Int(i.into()),
        AnyValue::UInt16(i) => Value::Int(i.into()),
        AnyValue::UInt32(i) => Value::Int(i.into()),
        AnyValue::UInt64(i) => i64::try_from(i).map_or_else(|_| Value::Text(i.to_string()), Value::Int),
        AnyValue::Float32(f) => Value::Float(f.into()),
        AnyValue::Float64(f) => Value::Float(f),
        AnyValue::String(s) => Value::Text(s.to_string()),
        AnyValue::StringOwned(s) => Value::Text(s.to_string()),
        AnyValue::Datetime(t, unit, _) | AnyValue::DatetimeOwned(t, unit, _) => {
            let micros = match unit {
                TimeUnit::Nanoseconds => t.div_euclid(1000),
                TimeUnit::Microseconds => t,
                TimeUnit::Milliseconds => t * 1000,
            };
            chrono::DateTime::from_timestamp_micros(micros).map_or(Value::Null, Value::DateTime)
        }
        other => Value::Text(other.to_string()),
    }
}
