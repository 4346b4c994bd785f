//! Errors of the record layer. Messages follow LaminDB's wording where it has one.

use lamindb_storage::StorageError;

mod refusal;
mod source;
#[cfg(test)]
mod tests;

pub use refusal::Refusal;
pub use source::ConnectError;

/// Errors returned by lamindb-core. Match on the kind; the message says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A query found no record. The message is LaminDB's (with its "Did you forget a keyword" hint
    /// for uid stubs, or "`<Registry>` matching query does not exist.").
    #[error("{message}")]
    DoesNotExist {
        /// The registry that was queried.
        registry: &'static str,
        /// The full message.
        message: String,
    },
    /// A query that must return one record returned more.
    #[error("get() returned more than one {registry} -- it returned {count}!")]
    MultipleObjectsReturned {
        /// The registry that was queried.
        registry: &'static str,
        /// How many records matched.
        count: usize,
    },
    /// An operation that needs a saved record got one without an id.
    #[error("this {registry} record is not saved yet: call save() first")]
    NotSaved {
        /// The record's registry.
        registry: &'static str,
    },
    /// A record failed validation; every failing field is listed.
    #[error("{registry} record is not valid: {}", .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Validation {
        /// The record's registry.
        registry: &'static str,
        /// One entry per failing field.
        errors: Vec<FieldError>,
    },
    /// The record is in the trash: restore it, or delete it permanently.
    #[error("{registry} {id} is already in the trash; restore it, or delete it permanently")]
    InTrash {
        /// The record's registry.
        registry: &'static str,
        /// Its id.
        id: i64,
    },
    /// The storage location is not managed by this instance (LaminDB's refusal to write there).
    #[error("{message}")]
    StorageNotManaged {
        /// The location's root.
        root: String,
        /// LaminDB's message.
        message: String,
    },
    /// A field name that the registry does not have.
    #[error("Unknown field '{field}'. Available fields: {available}")]
    UnknownField {
        /// The name that was given.
        field: String,
        /// The registry's fields, sorted, comma separated.
        available: String,
    },
    /// A feature value that does not fit its feature, or a feature that does not exist
    /// (LaminDB's ValidationError when annotating).
    #[error("{0}")]
    FeatureValue(String),
    /// An argument that is not valid and fits none of the kinds below (LaminDB's ValueError /
    /// InvalidArgument).
    #[error("{0}")]
    InvalidArgument(String),
    /// A filter expression or lookup that cannot be compiled: a malformed expression, a lookup
    /// the field does not have, an operand of the wrong shape, an invalid regular expression.
    /// Fix the expression; the message says how.
    #[error("{message}")]
    InvalidFilter {
        /// The expression, or the part of it that is wrong (`name__startswith`, a regex).
        expression: String,
        /// What is wrong.
        message: String,
    },
    /// A value that does not fit its field: a filter operand of another type, text with NUL
    /// characters, an empty name, an imported cell that cannot be read as the column's type.
    /// Pass a value of the field's type.
    #[error("{message}")]
    InvalidValue {
        /// The field (`name`, or `table.column` for imported cells).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// An operation that a registry (or one of its fields) does not support: a soft delete
    /// without a trash, a search over a field that is not text, a transfer of records without
    /// uid. The message names what to use instead, where there is something.
    #[error("{message}")]
    Unsupported {
        /// The registry.
        registry: &'static str,
        /// The field, when the operation concerns one.
        field: Option<String>,
        /// What is not supported.
        message: String,
    },
    /// A malformed identifier: an instance name, an `owner/name`, a uid without version suffix.
    #[error("{message}")]
    InvalidIdentifier {
        /// The identifier as given (URLs redacted).
        identifier: String,
        /// What is wrong, and the form that is expected.
        message: String,
    },
    /// Options that do not go together, or a required one that is missing (a key for several
    /// sources, no key, run or description for an artifact, a collection without artifacts).
    /// The message says which to pass.
    #[error("{message}")]
    InvalidOptions {
        /// What is wrong.
        message: String,
    },
    /// A path that cannot serve the operation: not a folder, inside `.lamindb/`, a file where a
    /// folder is needed, the home folder as a development directory.
    #[error("{message}")]
    InvalidPath {
        /// The path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A storage key that does not fit its artifact (its suffix differs from the file's).
    #[error("{message}")]
    InvalidKey {
        /// The key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A database URL that cannot be used here: not a PostgreSQL or SQLite URL, not PostgreSQL
    /// where PostgreSQL is needed, or the database the instance uses already.
    #[error("{message}")]
    InvalidDatabaseUrl {
        /// The URL, redacted.
        url: String,
        /// What is wrong, and what to give instead.
        message: String,
    },
    /// A SQLite database kept in cloud storage, which LaminDB does not support: use PostgreSQL.
    #[error("{message}")]
    SqliteInCloud {
        /// The cloud storage root.
        root: String,
        /// The message.
        message: String,
    },
    /// A setting with a value that cannot be used (the cache directory: `LAMIN_CACHE_DIR`, or
    /// the one in the settings), or none where one is needed.
    #[error("{message}")]
    InvalidSetting {
        /// The setting, e.g. `LAMIN_CACHE_DIR` or `cache_dir`.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A path or database URL opened as an instance that holds none (no marker, no storage
    /// location, no LaminDB tables).
    #[error("{message}")]
    NoInstance {
        /// The storage root or the redacted URL.
        location: String,
        /// What is missing.
        message: String,
    },
    /// An export that cannot be imported here (a table or column this instance lacks, a required
    /// column missing), or a folder that is no complete export. Nothing was imported.
    #[error("{message}")]
    InvalidExport {
        /// The table (`table` or `table.column`) or the folder or file.
        location: String,
        /// What is wrong.
        message: String,
    },
    /// A table name that this instance's database does not have.
    #[error("this instance has no table {table}")]
    UnknownTable {
        /// The name that was given.
        table: String,
    },
    /// An operation that the state of the instance forbids (LaminDB's AssertionError /
    /// IntegrityError); [`Refusal`] says which.
    #[error("{0}")]
    Refused(Refusal),
    /// A storage location still holds objects (LaminDB's StorageNotEmpty).
    #[error("'{root}/.lamindb' contains {} objects:\n{}\ndelete them prior to deleting the storage location", .objects.len(), .objects.join("\n"))]
    StorageNotEmpty {
        /// The storage root.
        root: String,
        /// The keys found under `.lamindb/`.
        objects: Vec<String>,
    },
    /// No instance is connected.
    #[error("no instance is connected: no current instance is set in the settings, nor in the environment")]
    NotConfigured,
    /// No settings file for the named instance.
    #[error("instance '{0}' not found: no settings file in {1}")]
    InstanceNotFound(String, String),
    /// A settings file that cannot be read or written.
    #[error("settings file {path}: {message}")]
    Settings {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The URL names a kind of database this build leaves out (its cargo feature was off).
    #[error(
        "{what} are not built into this program: build it with the cargo feature `{feature}` of lamindb (or lamindb-core)"
    )]
    NotBuiltIn {
        /// What is missing, e.g. `PostgreSQL databases`.
        what: &'static str,
        /// The cargo feature that adds it, e.g. `postgres`.
        feature: &'static str,
    },
    /// The database cannot be reached: check the URL, the server and the credentials.
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The (redacted) URL.
        url: String,
        /// The driver's message, redacted.
        message: String,
        /// The driver's error; it prints the redacted message only.
        source: ConnectError,
    },
    /// A value read from the database does not fit its declared type, or a statement returned
    /// less than it must. The source is the parse or JSON error, where there is one.
    #[error("cannot decode a database value: {message}")]
    Decode {
        /// What could not be decoded (it includes the source's message).
        message: String,
        /// The underlying error.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A SQL error.
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    /// A schema migration failed; the source is the migration's error.
    #[error("migration failed: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A storage error.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A local file system error.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// One failed rule of [`Error::Validation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field (column name).
    pub field: &'static str,
    /// What is wrong, in Django's words where it has them.
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl Error {
    /// Whether this is a "no record found" error.
    pub fn is_does_not_exist(&self) -> bool {
        matches!(self, Error::DoesNotExist { .. })
    }

    /// Whether this error is a violated unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Error::Db(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }

    /// Whether this error means "a file or object does not exist".
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Storage(e) => e.is_not_found(),
            Error::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }

    /// Whether this error is SQLite's "database is locked" (another connection held the write
    /// lock for longer than the busy timeout).
    pub fn is_busy(&self) -> bool {
        match self {
            Error::Db(diesel::result::Error::DatabaseError(_, info)) => {
                let m = info.message();
                m.contains("database is locked") || m.contains("database is busy")
            }
            _ => false,
        }
    }

    /// Whether PostgreSQL refused a statement for want of a privilege ("permission denied for
    /// table …"): a role granted only `SELECT` reads and nothing else.
    pub fn is_permission_denied(&self) -> bool {
        match self {
            Error::Db(diesel::result::Error::DatabaseError(_, info)) => {
                info.message().starts_with("permission denied for")
            }
            _ => false,
        }
    }

    /// A [`Error::Decode`] without an underlying error.
    pub(crate) fn decode(message: impl Into<String>) -> Error {
        Error::Decode { message: message.into(), source: None }
    }

    /// A [`Error::Decode`] of `source`, its message prefixed by `context` (when not empty).
    pub(crate) fn decode_from(
        context: &str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        let message = if context.is_empty() { source.to_string() } else { format!("{context}: {source}") };
        Error::Decode { message, source: Some(Box::new(source)) }
    }

    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
