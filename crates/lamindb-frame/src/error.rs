//! The error type of this crate.

/// Errors of DataFrame loading and export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The record layer failed (query, cache download, …).
    #[error(transparent)]
    Core(#[from] lamindb_core::Error),
    /// polars could not read or build the frame.
    #[error("{path}: {source}")]
    Polars {
        /// The file being read.
        path: String,
        /// The polars error.
        #[source]
        source: polars::error::PolarsError,
    },
    /// A local file could not be opened.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// polars could not build or write an exported frame.
    #[error("cannot build or write the DataFrame: {0}")]
    Export(#[source] polars::error::PolarsError),
    /// An `include` path that does not name related fields.
    #[error("invalid include '{path}': {message}")]
    Include {
        /// The lookup path as given (`created_by__handle`).
        path: String,
        /// What is wrong and what to pass instead.
        message: String,
    },
    /// Features were asked for where there are none, or by unknown or ambiguous names.
    #[error("{0}")]
    Features(String),
    /// A value read from the database does not fit its declared column type.
    #[error("column {column}: {message}")]
    Decode {
        /// The column.
        column: String,
        /// What was read.
        message: String,
    },
    /// No DataFrame loader for this suffix (LaminDB's message).
    #[error("There is no loader for {suffix} files. Use .cache() to get the path.")]
    NoLoader {
        /// The suffix, e.g. `.h5ad`.
        suffix: String,
    },
}
