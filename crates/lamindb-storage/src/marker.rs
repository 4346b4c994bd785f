//! LaminDB's storage marker file, `.lamindb/storage_uid.txt`.
//!
//! Its first line is the uid of the storage location; the rest records which instance created
//! it. A storage root carrying a marker with another uid is managed by another instance.
//! Example (127 bytes, no trailing newline):
//!
//! ```text
//! wLS6A7qTJRos
//! creation info:
//! instance_slug=anonymous/data
//! instance_id=e137f67e636b5afd9c29bb210c687952
//! instance_uid=20y5jjSJFsk4
//! ```

use crate::error::{Result, StorageError};
use crate::store::Store;

/// Key of the marker file.
pub const MARKER_KEY: &str = ".lamindb/storage_uid.txt";

/// Key of the marker file written by older LaminDB versions.
pub const LEGACY_MARKER_KEY: &str = ".lamindb/_is_initialized";

/// Suffixes of SQLite's companion files (and of the writer lease file beside the database), ignored next
/// to an ignored key by [`managed_objects`].
const SQLITE_SIBLINGS: [&str; 4] = ["-wal", "-shm", "-journal", LEASE_SUFFIX];

/// The suffix of the writer lease file beside a SQLite database (`lamin.db.lease`), which
/// lamindb-core's saves lock; it goes with the database.
pub const LEASE_SUFFIX: &str = ".lease";

/// What a marker file records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkerInfo {
    /// Uid of the storage location (12 chars).
    pub storage_uid: String,
    /// Slug of the creating instance, `owner/name`.
    pub instance_slug: String,
    /// Id of the creating instance, as 32 hex digits (UUID without dashes).
    pub instance_id_hex: String,
    /// Uid of the creating instance (12 chars).
    pub instance_uid: String,
}

/// The marker's content, exactly as LaminDB writes it (no trailing newline).
pub fn format_marker(info: &MarkerInfo) -> String {
    format!(
        "{}\ncreation info:\ninstance_slug={}\ninstance_id={}\ninstance_uid={}",
        info.storage_uid, info.instance_slug, info.instance_id_hex, info.instance_uid
    )
}

/// A marker as read back: the storage uid, and the creation info when the marker has it (older
/// markers hold only the uid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// Uid of the storage location (the first line).
    pub storage_uid: String,
    /// `instance_slug=` of the creation info.
    pub instance_slug: Option<String>,
    /// `instance_id=` of the creation info (32 hex digits).
    pub instance_id_hex: Option<String>,
    /// `instance_uid=` of the creation info: the managing instance.
    pub instance_uid: Option<String>,
}

/// Parses a marker's content; [`StorageError::InvalidMarker`] when its first line is empty.
pub fn parse_marker(text: &str) -> Result<Marker> {
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(Marker {
        storage_uid: parse_marker_uid(text)?,
        instance_slug: field("instance_slug="),
        instance_id_hex: field("instance_id="),
        instance_uid: field("instance_uid="),
    })
}

/// The storage uid of a marker's content: its first line, trimmed.
/// [`StorageError::InvalidMarker`] when that line is empty.
pub fn parse_marker_uid(text: &str) -> Result<String> {
    let uid = text.lines().next().unwrap_or("").trim();
    if uid.is_empty() {
        return Err(StorageError::InvalidMarker("the first line (the storage uid) is empty".to_string()));
    }
    Ok(uid.to_string())
}

/// The storage uid of the store's marker.
///
/// Reads [`MARKER_KEY`]; if it is missing, reads [`LEGACY_MARKER_KEY`] and, when possible,
/// moves it to [`MARKER_KEY`] (failures to move are ignored: the location may be read-only).
/// `None` when neither exists, or when the marker's first line is empty (LaminDB then treats
/// the location as unmarked and writes a new marker).
pub fn read_marker(store: &Store) -> Result<Option<String>> {
    Ok(read_marker_full(store)?.map(|m| m.storage_uid))
}

/// Like [`read_marker`], with the creation info ([`Marker`]); one read of the marker.
pub fn read_marker_full(store: &Store) -> Result<Option<Marker>> {
    let text = match read_if_exists(store, MARKER_KEY)? {
        Some(text) => text,
        None => match read_if_exists(store, LEGACY_MARKER_KEY)? {
            Some(text) => {
                if store.write(MARKER_KEY, text.clone().into_bytes()).is_ok() {
                    // best effort, as the rename in LaminDB
                    let _ = store.delete(LEGACY_MARKER_KEY);
                }
                text
            }
            None => return Ok(None),
        },
    };
    match parse_marker(&text) {
        Ok(m) => Ok(Some(m)),
        Err(StorageError::InvalidMarker(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_if_exists(store: &Store, key: &str) -> Result<Option<String>> {
    match store.read(key) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes the marker (replacing any existing one).
pub fn write_marker(store: &Store, info: &MarkerInfo) -> Result<()> {
    store.write(MARKER_KEY, format_marker(info).into_bytes())
}

/// Removes the marker and a legacy marker; succeeds when they do not exist.
pub fn remove_marker(store: &Store) -> Result<()> {
    store.delete(MARKER_KEY)?;
    store.delete(LEGACY_MARKER_KEY)
}

/// The keys of all objects under `.lamindb/` other than the marker files and the `ignore` keys
/// (for each ignored key, its SQLite companions `-wal`, `-shm` and `-journal` are ignored too),
/// sorted. LaminDB refuses to delete a storage location while this is not empty
/// (`StorageNotEmpty`).
pub fn managed_objects(store: &Store, ignore: &[&str]) -> Result<Vec<String>> {
    Ok(managed_entries(store, ignore)?.into_iter().map(|e| e.key).collect())
}

/// [`managed_objects`] with their sizes.
pub fn managed_entries(store: &Store, ignore: &[&str]) -> Result<Vec<crate::Entry>> {
    let ignored = |key: &str| {
        key == MARKER_KEY
            || key == LEGACY_MARKER_KEY
            || ignore
                .iter()
                .any(|i| key == *i || key.strip_prefix(i).is_some_and(|rest| SQLITE_SIBLINGS.contains(&rest)))
    };
    Ok(store.list(".lamindb/", true)?.into_iter().filter(|e| !ignored(&e.key)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> MarkerInfo {
        MarkerInfo {
            storage_uid: "wLS6A7qTJRos".into(),
            instance_slug: "anonymous/data".into(),
            instance_id_hex: "e137f67e636b5afd9c29bb210c687952".into(),
            instance_uid: "20y5jjSJFsk4".into(),
        }
    }

    #[test]
    fn format_is_byte_exact() {
        let text = format_marker(&example());
        assert_eq!(
            text,
            "wLS6A7qTJRos\ncreation info:\ninstance_slug=anonymous/data\ninstance_id=e137f67e636b5afd9c29bb210c687952\ninstance_uid=20y5jjSJFsk4"
        );
        assert_eq!(text.len(), 127);
        assert_eq!(parse_marker_uid(&text).unwrap(), "wLS6A7qTJRos");
    }

    #[test]
    fn parse_uid() {
        assert_eq!(parse_marker_uid("abc").unwrap(), "abc");
        let m = parse_marker(&format_marker(&example())).unwrap();
        assert_eq!(m.instance_slug.as_deref(), Some("anonymous/data"));
        assert_eq!(m.instance_id_hex.as_deref(), Some("e137f67e636b5afd9c29bb210c687952"));
        assert_eq!(m.instance_uid.as_deref(), Some("20y5jjSJFsk4"));
        assert_eq!(parse_marker("abc").unwrap().instance_uid, None);
        assert_eq!(parse_marker_uid("  abc \r\nrest").unwrap(), "abc");
        assert_eq!(
            parse_marker_uid("was deleted, restored during delete").unwrap(),
            "was deleted, restored during delete"
        );
        for bad in ["", "\n", "  \nabc"] {
            assert!(matches!(parse_marker_uid(bad), Err(StorageError::InvalidMarker(_))));
        }
    }
}
