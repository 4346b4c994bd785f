//! DataFrames for lamindb-rs, with polars: the only crate of the workspace that knows polars.
//!
//! - [`load`]: an artifact's table (CSV, TSV, Parquet, IPC/Arrow/Feather, JSON, JSON lines)
//!   read into a `DataFrame` (LaminDB's `Artifact.load()`).
//! - [`df()`](df()): the records of any query as a `DataFrame` with LaminDB's `to_dataframe()` columns,
//!   related fields (`include`) and feature columns; [`export`] writes frames as CSV, JSON,
//!   NDJSON, Parquet or Arrow IPC.

#![warn(missing_docs)]

mod columns;
pub mod df;
pub mod error;
pub mod export;
mod features;
mod include;
pub mod io;
pub mod load;

pub use df::{
    AnyRegistry, DEFAULT_LIMIT, DfOptions, FeatureSelection, IncludePath, ToDataFrame, basic_columns, df,
};
pub use error::FrameError;
pub use export::{Format, write, write_file};
pub use load::{load_artifact, load_artifact_in, load_path};
pub use polars::prelude::DataFrame;
