//! Errors of the record layer. Messages follow LaminDB's wording where it has one.

use lamindb_storage::StorageError;

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
    /// An argument that is not valid (LaminDB's ValueError / InvalidArgument).
    #[error("{0}")]
    InvalidArgument(String),
    /// An operation that the state of the instance forbids (LaminDB's AssertionError / IntegrityError).
    #[error("{0}")]
    Refused(String),
    /// A storage location still holds objects (LaminDB's StorageNotEmpty).
    #[error("'{root}/.lamindb' contains {} objects:\n{}\ndelete them prior to deleting the storage location", .objects.len(), .objects.join("\n"))]
    StorageNotEmpty {
        /// The storage root.
        root: String,
        /// The keys found under `.lamindb/`.
        objects: Vec<String>,
    },
    /// No instance is connected.
    #[error("no instance is connected: run `lamin init --storage <dir>` or `lamin connect <owner/name>`")]
    NotConfigured,
    /// No settings file for the named instance.
    #[error(
        "instance '{0}' not found: no settings file in {1}; create it with `lamin init` or check `lamin connect`'s argument"
    )]
    InstanceNotFound(String, String),
    /// A settings file that cannot be read or written.
    #[error("settings file {path}: {message}")]
    Settings {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The database cannot be reached.
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The (redacted) URL.
        url: String,
        /// The driver's message.
        message: String,
    },
    /// A value read from the database does not fit its declared type.
    #[error("cannot decode a database value: {0}")]
    Decode(String),
    /// A SQL error.
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    /// A schema migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
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

    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
