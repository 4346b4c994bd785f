//! Why an operation was refused: the state of the instance, its storage or the file system
//! forbids it ([`Error::Refused`](super::Error::Refused)).

/// Why an operation was refused ([`Error::Refused`](super::Error::Refused)): the state of the instance, its storage or
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
    /// A folder (or file) given to [`Instance::open`](crate::Instance::open) that holds no
    /// instance: no `.lamindb/lamin.db` below it, and no instance of that name in the settings.
    #[error(
        "{} holds no LaminDB instance (no .lamindb/lamin.db below it): create one there with Instance::init, or open the storage root of an existing instance",
        path.display()
    )]
    NoInstanceAt {
        /// The path that was given.
        path: std::path::PathBuf,
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
    /// A transfer of a record that is not the latest of its versions (LaminDB's words): transfer
    /// the latest version instead.
    #[error(
        "You are attempting to transfer a record that's not the latest in its version history. This is currently not supported. ({registry} {uid})"
    )]
    NotLatestVersion {
        /// The record's registry.
        registry: &'static str,
        /// Its uid.
        uid: String,
    },
    /// A transfer whose source is the target instance itself: there is nothing to do.
    #[error("the source and the target are the same instance ({slug}): nothing to transfer")]
    SameInstance {
        /// `owner/name`.
        slug: String,
    },
    /// A transfer of records in a space the target instance does not have: create a space with
    /// the same uid in the target first.
    #[error("Could not map space {name} of the source instance: create a space with uid {uid} here first")]
    UnmappedSpace {
        /// The space's name in the source.
        name: String,
        /// Its uid.
        uid: String,
    },
}
