//! Writing frames: CSV, JSON (one array), NDJSON, Parquet and Arrow IPC, to any writer or
//! atomically to a file (a temporary file renamed into place, so a failure leaves no half file);
//! and text cells for tables on a terminal.

use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use polars::prelude::*;

use crate::FrameError;

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header; list columns as JSON arrays, datetimes as ISO 8601
    /// with offset.
    Csv,
    /// One JSON array of row objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Apache Parquet.
    Parquet,
    /// Arrow IPC file (Feather v2).
    Ipc,
}

impl Format {
    /// Every format, with its name.
    pub const ALL: [(&'static str, Format); 5] = [
        ("csv", Format::Csv),
        ("json", Format::Json),
        ("ndjson", Format::Ndjson),
        ("parquet", Format::Parquet),
        ("ipc", Format::Ipc),
    ];

    /// Whether the format is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Parquet | Format::Ipc)
    }

    /// The format a file name's extension implies (`.csv`, `.json`, `.ndjson`/`.jsonl`,
    /// `.parquet`, `.arrow`/`.ipc`/`.feather`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Format::Csv,
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            "parquet" | "pq" => Format::Parquet,
            "arrow" | "ipc" | "feather" => Format::Ipc,
            _ => return None,
        })
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        Format::ALL.iter().find(|(_, f)| *f == self).map(|(n, _)| *n).expect("every format is listed")
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)).map(|(_, f)| *f).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|(n, _)| *n).collect();
            format!("unknown format '{s}': use one of {}", names.join(", "))
        })
    }
}

/// Writes `df` in `format` to `writer`.
pub fn write(df: &mut DataFrame, format: Format, writer: impl Write) -> Result<(), FrameError> {
    let mut writer = writer;
    match format {
        Format::Csv => {
            let mut flat = lists_as_json_text(df)?;
            CsvWriter::new(&mut writer).include_header(true).finish(&mut flat).map_err(FrameError::Export)?;
        }
        Format::Json => JsonWriter::new(&mut writer)
            .with_json_format(JsonFormat::Json)
            .finish(df)
            .map_err(FrameError::Export)?,
        Format::Ndjson => JsonWriter::new(&mut writer)
            .with_json_format(JsonFormat::JsonLines)
            .finish(df)
            .map_err(FrameError::Export)?,
        Format::Parquet => {
            // Row groups of 64 Ki rows: the chunks `df()` builds are written as they are,
            // without first copying the frame into larger pieces.
            ParquetWriter::new(&mut writer)
                .with_row_group_size(Some(1 << 16))
                .finish(df)
                .map_err(FrameError::Export)?;
        }
        Format::Ipc => {
            // Plain (large) strings rather than string views: every Arrow reader knows them.
            IpcWriter::new(&mut writer)
                .with_compat_level(CompatLevel::oldest())
                .finish(df)
                .map_err(FrameError::Export)?
        }
    }
    writer.flush().map_err(|source| FrameError::Io { path: "<output>".into(), source })
}

/// Writes `df` in `format` to `path` atomically: into a temporary file next to it, renamed into
/// place once complete. On failure nothing is left behind and an existing file is unchanged.
pub fn write_file(df: &mut DataFrame, format: Format, path: &Path) -> Result<(), FrameError> {
    let io = |source| FrameError::Io { path: path.display().to_string(), source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| io(std::io::Error::other("not a file name")))?;
    // Removed when dropped, that is on every early return.
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    let mut out = std::io::BufWriter::new(tmp);
    write(df, format, &mut out)?;
    let tmp = out.into_inner().map_err(|e| io(e.into_error()))?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// A copy of `df` whose list columns are JSON array texts (CSV has no nested values).
fn lists_as_json_text(df: &DataFrame) -> Result<DataFrame, FrameError> {
    let columns = df
        .columns()
        .iter()
        .map(|c| {
            if !matches!(c.dtype(), DataType::List(_)) {
                return Ok(c.clone());
            }
            let mut b = StringChunkedBuilder::new(c.name().clone(), c.len());
            for i in 0..c.len() {
                match c.get(i).map_err(FrameError::Export)? {
                    AnyValue::List(s) => {
                        let items: Vec<String> = (0..s.len())
                            .map(|j| s.get(j).map(|v| json_item(&v)))
                            .collect::<PolarsResult<_>>()
                            .map_err(FrameError::Export)?;
                        b.append_value(format!("[{}]", items.join(",")));
                    }
                    _ => b.append_null(),
                }
            }
            Ok(b.finish().into_column())
        })
        .collect::<Result<Vec<_>, FrameError>>()?;
    DataFrame::new(df.height(), columns).map_err(FrameError::Export)
}

fn json_item(v: &AnyValue) -> String {
    match v {
        AnyValue::Null => "null".into(),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::String(s) => json_string(s),
        AnyValue::StringOwned(s) => json_string(s),
        AnyValue::Datetime(..) | AnyValue::DatetimeOwned(..) => json_string(&cell(v)),
        v => v.to_string(),
    }
}

/// `s` as a JSON string literal (quoted and escaped by serde_json).
fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// One value as table text: `None` for null, `True`/`False`, datetimes as
/// `2026-11-29 05:45:29.886000+00:00` (as LaminDB prints them), lists as `[a, b]`.
pub fn cell(v: &AnyValue) -> String {
    match v {
        AnyValue::Null => "None".into(),
        AnyValue::Boolean(b) => (if *b { "True" } else { "False" }).into(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Datetime(t, unit, _) | AnyValue::DatetimeOwned(t, unit, _) => {
            let micros = match unit {
                TimeUnit::Nanoseconds => t / 1000,
                TimeUnit::Microseconds => *t,
                TimeUnit::Milliseconds => t * 1000,
            };
            match chrono::DateTime::from_timestamp_micros(micros) {
                Some(d) => d.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string(),
                None => t.to_string(),
            }
        }
        AnyValue::List(s) => {
            let items: Vec<String> =
                (0..s.len()).map(|j| s.get(j).map(|v| cell(&v)).unwrap_or_default()).collect();
            format!("[{}]", items.join(", "))
        }
        v => v.to_string(),
    }
}

/// The header and the rows of `df` as text cells, for a table on a terminal.
pub fn cells(df: &DataFrame) -> Result<(Vec<String>, Vec<Vec<String>>), FrameError> {
    let header = df.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut rows = vec![Vec::with_capacity(df.width()); df.height()];
    for c in df.columns() {
        for (i, row) in rows.iter_mut().enumerate() {
            row.push(cell(&c.get(i).map_err(FrameError::Export)?));
        }
    }
    Ok((header, rows))
}
