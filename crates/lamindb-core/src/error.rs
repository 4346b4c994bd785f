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

/// Why an operation was refused ([`Error::Refused`]): the state of the instance, its storage or
/// the file system forbids it. Nothing was changed.
///
/// ```
/// use lamindb_core::{Error, Refusal};
/// let err = Error::Refused(Refusal::DefaultStorage);
/// assert!(matches!(err, Error::Refused(Refusal::DefaultStorage)));
/// assert_eq!(err.to_string(), "Cannot delete the current storage location, switch to another.");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// `init` of a name another instance of the same owner has, with other storage.
    #[error("instance {slug} exists already with storage {storage_root} (settings: {}); connect to it, or choose another name", settings_file.display())]
    InstanceExists {
        /// `owner/name`.
        slug: String,
        /// The existing instance's storage root.
        storage_root: String,
        /// Its settings file.
        settings_file: std::path::PathBuf,
    },
    /// `init` on a storage location whose marker file says another instance manages it.
    #[error("storage location {root} is already marked with uid {storage_uid}, meaning that it is managed{}: connect to that instance, or choose another storage location", .instance_uid.as_ref().map(|u| format!(" by instance with uid {u}")).unwrap_or_default())]
    StorageManagedElsewhere {
        /// The root.
        root: String,
        /// The storage uid in its marker file.
        storage_uid: String,
        /// The managing instance's uid, when the marker names it.
        instance_uid: Option<String>,
    },
    /// A storage location added under a new root whose marker names one registered here.
    #[error(
        "{root} holds the marker of storage {storage_uid}, which is registered here as {registered_root}: it is the same location, use that root"
    )]
    SameStorage {
        /// The root that was given.
        root: String,
        /// The storage uid in its marker file.
        storage_uid: String,
        /// The root it is registered under.
        registered_root: String,
    },
    /// A storage uid registered here under another root than the source instance's (transfer).
    #[error(
        "storage {storage_uid} of the source ({source_root}) is registered here with another root ({root}): the two instances disagree about where it is"
    )]
    StorageRootConflict {
        /// The storage uid.
        storage_uid: String,
        /// Its root in the source instance.
        source_root: String,
        /// Its root here.
        root: String,
    },
    /// A cloud path inside no registered storage location (LaminDB's words).
    #[error(
        "Path {path} is not contained in any known storage location: create a storage location that contains the path, e.g., inst.storage().add(\"{bucket}\") (LaminDB: ln.Storage(root='{bucket}').save())"
    )]
    OutsideStorage {
        /// The path.
        path: String,
        /// Its bucket, the smallest root that would contain it.
        bucket: String,
    },
    /// A root that is not in this instance's Storage registry.
    #[error("Storage location {root} is not registered in this instance: register it first")]
    StorageNotRegistered {
        /// The root.
        root: String,
    },
    /// The default storage of the settings is missing from the Storage registry.
    #[error("the default storage {root} of this instance is not in its Storage registry")]
    DefaultStorageMissing {
        /// The root the settings name.
        root: String,
    },
    /// Deleting a storage location that artifacts of this instance are in (LaminDB's words).
    #[error("Cannot delete storage with artifacts in current instance.")]
    StorageHasArtifacts,
    /// Deleting the default storage location (LaminDB's words).
    #[error("Cannot delete the current storage location, switch to another.")]
    DefaultStorage,
    /// Deleting an instance that has artifacts.
    #[error("Cannot delete instance {slug}: it has {count} artifact(s); delete them first")]
    InstanceHasArtifacts {
        /// `owner/name`.
        slug: String,
        /// How many artifacts it has.
        count: usize,
    },
    /// A destructive operation called without its confirmation (`force`).
    #[error("{action}: confirm it (`force`)")]
    NotConfirmed {
        /// What would have happened, e.g. `deleting instance me/x removes its database and settings`.
        action: String,
    },
    /// A file or folder that would have been overwritten.
    #[error("{} exists already{}", path.display(), hint.map(|h| format!(": {h}")).unwrap_or_default())]
    PathExists {
        /// The path.
        path: std::path::PathBuf,
        /// What to do, when there is more to say.
        hint: Option<&'static str>,
    },
    /// The SQLite file of an instance is missing.
    #[error("the database of instance {slug} is missing: {} does not exist", path.display())]
    DatabaseMissing {
        /// `owner/name`.
        slug: String,
        /// The expected SQLite file.
        path: std::path::PathBuf,
    },
    /// A database that holds LaminDB tables already (init, move).
    #[error("database {url} holds LaminDB tables already; use an empty database")]
    DatabaseNotEmpty {
        /// The (redacted) URL.
        url: String,
    },
    /// A database that holds LaminDB's tables but no storage location: what a move or an init
    /// that did not finish leaves behind (init, move).
    #[error(
        "database {url} holds LaminDB's tables but no records: the leftovers of an `io move` or `init` that did not finish; nothing uses them: empty the database (drop and create it again) and run the command again"
    )]
    DatabaseLeftovers {
        /// The (redacted) URL.
        url: String,
    },
    /// Imported tables whose rows refer to rows the import does not hold.
    #[error(
        "the tables do not hold together: {table} row {} refers to a row of {parent} that is not among them; nothing was imported (export the whole instance again)",
        id.map_or("?".to_string(), |i| i.to_string())
    )]
    ImportDangling {
        /// The table of the referring row.
        table: String,
        /// The referring row's id.
        id: Option<i64>,
        /// The table it refers to.
        parent: String,
    },
    /// An import into an instance that holds records of its own.
    #[error(
        "this instance holds records already ({table} has {rows} rows): import into a new, empty instance"
    )]
    InstanceNotEmpty {
        /// A table with rows.
        table: String,
        /// Its row count.
        rows: i64,
    },
    /// A move of an instance that has tables of other modules (only LaminDB's core tables move).
    #[error("this instance has tables of other modules ({}): only LaminDB's core tables can be moved, so nothing was moved", tables.join(", "))]
    ModuleTables {
        /// The tables.
        tables: Vec<String>,
    },
    /// A moved table whose row count differs after the move (the move was undone).
    #[error("{table} has {after} rows after the move, {before} before: the move was undone")]
    RowCountMismatch {
        /// The table.
        table: String,
        /// Rows before.
        before: usize,
        /// Rows after.
        after: i64,
    },
    /// An export into a folder that holds tables of something else.
    #[error("{} holds {}, which is not a table of this instance: export into a new folder", dir.display(), file.display())]
    FolderNotEmpty {
        /// The folder.
        dir: std::path::PathBuf,
        /// A file in it that is not ours.
        file: std::path::PathBuf,
    },
    /// Deleting an artifact that a collection holds.
    #[error(
        "Artifact {artifact_id} belongs to a collection: delete the collection first (its artifacts are protected)"
    )]
    InCollection {
        /// The artifact's id.
        artifact_id: i64,
    },
    /// A new version of a key none of whose artifacts is the latest (LaminDB's words).
    #[error(
        "Cannot create a new artifact version: matching non-trashed artifacts exist for key '{key}' in storage '{root}', but none has `is_latest=True`."
    )]
    NoLatestVersion {
        /// The key.
        key: String,
        /// The storage root.
        root: String,
    },
    /// An artifact family whose version suffixes are used up.
    #[error("no version suffix left in this artifact family")]
    NoVersionLeft,
    /// Connecting a folder inside the development directory of another instance.
    #[error("You're trying to connect within the dev-dir of instance {slug} ({}). Either cd into another directory or remove that directory's marker .lamin/current_instance (disconnect it there)", dev_dir.display())]
    WithinDevDir {
        /// The instance the enclosing marker names.
        slug: String,
        /// The development directory.
        dev_dir: std::path::PathBuf,
    },
    /// Another process holds the instance's exclusive lease (a database move or a repair) for
    /// longer than a writer waits, or saves kept a move waiting for longer than it waits.
    #[error(
        "instance {slug} is busy: another process is moving its database, repairing it (`doctor --fix`) or saving into it; try again when it has finished"
    )]
    InstanceBusy {
        /// `owner/name`.
        slug: String,
    },
    /// A database file that is not the database of a LaminDB instance (empty, truncated, or
    /// another SQLite file): only `init` creates an instance's tables.
    #[error(
        "{} is not the database of a LaminDB instance ({reason}); nothing was changed: restore the file from a backup, or remove the instance's settings (`lamin delete instance --force`)",
        path.display()
    )]
    NotAnInstanceDatabase {
        /// The database file (or the redacted URL of a PostgreSQL database).
        path: std::path::PathBuf,
        /// What was found.
        reason: String,
    },
    /// A database that holds another instance than the one being initialized.
    #[error(
        "{} holds the database of another instance (uid {instance_uid}); it was not adopted: connect to that instance, or choose another storage location",
        path.display()
    )]
    OtherInstanceDatabase {
        /// The database file.
        path: std::path::PathBuf,
        /// The uid of the instance whose database it is.
        instance_uid: String,
    },
    /// Deleting the bytes of a folder artifact that holds the bytes of other artifacts.
    #[error(
        "the folder {key} holds the bytes of {} other artifact(s) ({}): nothing was deleted; delete those artifacts first, or delete this one without its data",
        uids.len(),
        uids.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
    )]
    FolderHoldsArtifacts {
        /// The folder's storage key.
        key: String,
        /// The uids of the artifacts inside it.
        uids: Vec<String>,
    },
    /// A new storage location at the filesystem root or at the home folder: every file saved from
    /// below it would be registered in place (not copied), and its `.lamindb/` would sit among
    /// everything else there.
    #[error(
        "{root} is {what}, which cannot be a storage location: every file saved from below it would be registered in place instead of copied; choose a folder of its own for the data, e.g. {example}"
    )]
    StorageRootTooBroad {
        /// The root that was given (normalised).
        root: String,
        /// `the filesystem root` or `your home folder`.
        what: &'static str,
        /// A folder that would do.
        example: String,
    },
    /// A source that is neither a regular file nor a folder: a FIFO, a socket or a device
    /// (reading one may wait forever, or never end).
    #[error(
        "{} is {kind}, not a file or folder: only files and folders can be saved; write its content into a file and save that",
        lamindb_storage::key::escape_path(path)
    )]
    SpecialFile {
        /// The path as given.
        path: std::path::PathBuf,
        /// What it is: `a FIFO (named pipe)`, `a socket`, `a character device`, `a block device`.
        kind: &'static str,
    },
    /// A database URL given for an instance whose database is not there (another instance's
    /// database, or one without LaminDB's tables).
    #[error(
        "the database {url} does not hold instance {slug} (no storage location of instance uid {uid}); check the host and the database name"
    )]
    NotThisInstance {
        /// `owner/name`.
        slug: String,
        /// The URL, redacted.
        url: String,
        /// The instance uid looked for.
        uid: String,
    },
    /// A new database URL for an instance whose database is SQLite.
    #[error("instance {slug} keeps its database in SQLite at {}: there is no database URL to change (`inst.io().move_to` moves it to PostgreSQL)", path.display())]
    SqliteHasNoUrl {
        /// `owner/name`.
        slug: String,
        /// The SQLite file.
        path: std::path::PathBuf,
    },
    /// A file that changed while it was being saved (its hash no longer holds).
    #[error("{} changed while it was saved: save it again", path.display())]
    ChangedWhileSaving {
        /// The file.
        path: std::path::PathBuf,
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

    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
