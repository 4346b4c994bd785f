//! Loading artifacts into polars DataFrames (LaminDB's `Artifact.load()` for tables).
//!
//! The suffix picks the reader: `.csv`, `.tsv`, `.parquet`, `.ipc` / `.arrow` / `.feather`,
//! `.json` (an array of row objects) and `.jsonl` / `.ndjson` (one object per line). Anything
//! else gives LaminDB's "There is no loader for X files. Use .cache() to get the path.".

use std::fs::File;
use std::path::Path;

use lamindb_core::{Artifact, Instance};
use polars::prelude::*;

use crate::error::FrameError;

/// The suffixes [`load_path`] reads.
pub const LOADABLE: &[&str] =
    &[".csv", ".tsv", ".parquet", ".ipc", ".arrow", ".feather", ".json", ".jsonl", ".ndjson"];

/// Reads a local file into a DataFrame by its (canonical) suffix.
pub fn load_path(path: &Path, suffix: &str) -> Result<DataFrame, FrameError> {
    let polars_err = |source| FrameError::Polars { path: path.display().to_string(), source };
    let open =
        || File::open(path).map_err(|source| FrameError::Io { path: path.display().to_string(), source });
    match suffix {
        ".csv" | ".tsv" => {
            let sep = if suffix == ".tsv" { b'\t' } else { b',' };
            CsvReadOptions::default()
                .with_has_header(true)
                .with_parse_options(CsvParseOptions::default().with_separator(sep))
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(|r| r.finish())
                .map_err(polars_err)
        }
        ".parquet" => ParquetReader::new(open()?).finish().map_err(polars_err),
        ".ipc" | ".arrow" | ".feather" => IpcReader::new(open()?).finish().map_err(polars_err),
        ".json" => JsonReader::new(open()?).with_json_format(JsonFormat::Json).finish().map_err(polars_err),
        ".jsonl" | ".ndjson" => {
            JsonReader::new(open()?).with_json_format(JsonFormat::JsonLines).finish().map_err(polars_err)
        }
        other => Err(FrameError::NoLoader { suffix: other.to_string() }),
    }
}

/// Loads an artifact: its local copy ([`Artifact::cache`](lamindb_core::Artifact::cache), downloaded from cloud
/// storage when needed) read by its suffix. The suffix is checked first, so an artifact without
/// loader is not downloaded.
pub fn load_artifact(inst: &Instance, artifact: &Artifact) -> Result<DataFrame, FrameError> {
    let cache = lamindb_core::settings::cache_dir()?;
    load_artifact_in(inst, artifact, &cache)
}

/// Like [`load_artifact`], with an explicit cache directory.
pub fn load_artifact_in(inst: &Instance, artifact: &Artifact, cache: &Path) -> Result<DataFrame, FrameError> {
    if !LOADABLE.contains(&artifact.suffix.as_str()) {
        return Err(FrameError::NoLoader { suffix: artifact.suffix.clone() });
    }
    let path = artifact.cache_in(&inst, cache)?;
    load_path(&path, &artifact.suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_format_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("t.csv");
        std::fs::write(&csv, "a,b\n1,x\n2,y\n").unwrap();
        let df = load_path(&csv, ".csv").unwrap();
        assert_eq!(df.shape(), (2, 2));
        assert_eq!(df.get_column_names(), ["a", "b"]);
        let tsv = dir.path().join("t.tsv");
        std::fs::write(&tsv, "a\tb\n1\tx\n").unwrap();
        assert_eq!(load_path(&tsv, ".tsv").unwrap().shape(), (1, 2));
        let json = dir.path().join("t.json");
        std::fs::write(&json, r#"[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]"#).unwrap();
        assert!(load_path(&json, ".json").unwrap().equals(&df));
        let jsonl = dir.path().join("t.jsonl");
        std::fs::write(&jsonl, "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n").unwrap();
        assert!(load_path(&jsonl, ".jsonl").unwrap().equals(&df));
        let mut df2 = df.clone();
        let pq = dir.path().join("t.parquet");
        ParquetWriter::new(File::create(&pq).unwrap()).finish(&mut df2).unwrap();
        assert!(load_path(&pq, ".parquet").unwrap().equals(&df));
        let ipc = dir.path().join("t.arrow");
        IpcWriter::new(File::create(&ipc).unwrap()).finish(&mut df2).unwrap();
        assert!(load_path(&ipc, ".arrow").unwrap().equals(&df));
        let err = load_path(&csv, ".h5ad").unwrap_err();
        assert_eq!(err.to_string(), "There is no loader for .h5ad files. Use .cache() to get the path.");
    }
}
