//! The error type of this crate.

use std::error::Error as _;

/// Errors of storage operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The storage root string is malformed or refused (empty, contains `.lamindb`, no bucket, ...).
    #[error("{0}")]
    InvalidRoot(String),
    /// The storage root uses a protocol other than local paths, `s3://` and `gs://`.
    #[error("Protocol {protocol} is not supported, valid protocols are local, gs, s3")]
    UnsupportedProtocol {
        /// The protocol as written, e.g. `ftp`.
        protocol: String,
    },
    /// The root's kind of storage is supported, but not by this build: the cargo feature that
    /// brings it was off.
    #[error(
        "{scheme} storage is not built into this program: build it with the cargo feature `{feature}` of lamindb (or of lamindb-core or lamindb-storage)"
    )]
    NotBuiltIn {
        /// The root's scheme, e.g. `s3://`.
        scheme: &'static str,
        /// The cargo feature that adds it, e.g. `s3`.
        feature: &'static str,
    },
    /// A storage key was refused (see [`crate::key::check_key`]).
    #[error("{0}")]
    InvalidKey(String),
    /// The marker file exists but has no storage uid on its first line.
    #[error("invalid marker file: {0}")]
    InvalidMarker(String),
    /// A hex string (e.g. an ETag) could not be decoded.
    #[error("invalid hex string: {0:?}")]
    InvalidHex(String),
    /// An operation of the opendal backend failed. The message says what failed in the user's
    /// words (the root cause, without opendal's context); the backend error itself is kept.
    #[error("{op} {path}: {}", reason(source))]
    Backend {
        /// The operation, e.g. `write`.
        op: &'static str,
        /// Full path or URL of the object the operation was about.
        path: String,
        /// The backend error (boxed: `opendal::Error` is large, and so would be every `Result`).
        /// Not an error source: its text repeats what the message says, with internals.
        source: Box<opendal::Error>,
    },
    /// A local path that is not valid UTF-8: LaminDB's keys and paths are text, so its name
    /// cannot be recorded as it is (a lossy conversion would give two files one key).
    #[error(
        "{}: the path is not valid UTF-8 (shown with \\x escapes): LaminDB records keys and paths as text, so it cannot be saved: give it a UTF-8 name (`mv`, or `convmv` for many files) and save again",
        crate::key::escape_path(path)
    )]
    NotUtf8 {
        /// The path.
        path: std::path::PathBuf,
    },
    /// A local I/O operation (outside opendal) failed, e.g. reading a file to hash it.
    #[error("{path}: {source}")]
    Io {
        /// The local path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Result with [`StorageError`] as the default error.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

impl StorageError {
    /// The error for a root whose kind this build leaves out.
    #[cfg_attr(all(feature = "s3", feature = "gcs"), allow(dead_code))]
    pub(crate) fn not_built_in(kind: crate::root::RootKind) -> StorageError {
        use crate::root::RootKind;
        let (scheme, feature) = match kind {
            RootKind::Gs => ("gs://", "gcs"),
            _ => ("s3://", "s3"),
        };
        StorageError::NotBuiltIn { scheme, feature }
    }

    /// Whether the error means "no write (or read) access".
    ///
    /// True for opendal errors of kind `PermissionDenied`, and for I/O errors (direct, or the
    /// source of an opendal error) of kind `PermissionDenied` or `ReadOnlyFilesystem`.
    /// Note that other failures to write (e.g. `mkdir` under `/proc`, which fails with
    /// "not found") are plain errors: callers deciding whether a location is writable should
    /// treat any error of a write as "not writable".
    pub fn is_permission_denied(&self) -> bool {
        match self {
            StorageError::Backend { source, .. } => {
                source.kind() == opendal::ErrorKind::PermissionDenied
                    || io_source(source).is_some_and(io_is_permission_denied)
            }
            StorageError::Io { source, .. } => io_is_permission_denied(source),
            _ => false,
        }
    }

    /// Whether the error means "the object does not exist".
    pub fn is_not_found(&self) -> bool {
        match self {
            StorageError::Backend { source, .. } => source.kind() == opendal::ErrorKind::NotFound,
            StorageError::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }

    pub(crate) fn backend(op: &'static str, path: String, source: opendal::Error) -> Self {
        StorageError::Backend { op, path, source: Box::new(source) }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        StorageError::Io { path: path.display().to_string(), source }
    }
}

/// What went wrong in an opendal error, in the user's words: its kind when that says it all,
/// else the innermost cause (an I/O error, an HTTP failure), else opendal's message.
fn reason(err: &opendal::Error) -> String {
    match err.kind() {
        opendal::ErrorKind::NotFound => return "not found".into(),
        opendal::ErrorKind::PermissionDenied => return "permission denied".into(),
        opendal::ErrorKind::AlreadyExists => return "already exists".into(),
        _ => {}
    }
    let mut innermost: Option<&(dyn std::error::Error + 'static)> = None;
    let mut cur = err.source();
    while let Some(e) = cur {
        innermost = Some(e);
        cur = e.source();
    }
    match innermost {
        Some(e) => e.to_string(),
        None => err.message().to_string(),
    }
}

fn io_is_permission_denied(err: &std::io::Error) -> bool {
    matches!(err.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
}

/// The first `std::io::Error` in the source chain of an opendal error, if any.
fn io_source(err: &opendal::Error) -> Option<&std::io::Error> {
    let mut cur = err.source();
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_and_not_found() {
        let io = |kind| StorageError::Io { path: "/x".into(), source: std::io::Error::from(kind) };
        assert!(io(std::io::ErrorKind::PermissionDenied).is_permission_denied());
        assert!(io(std::io::ErrorKind::ReadOnlyFilesystem).is_permission_denied());
        assert!(!io(std::io::ErrorKind::NotFound).is_permission_denied());
        assert!(io(std::io::ErrorKind::NotFound).is_not_found());

        let be = |kind| StorageError::backend("read", "/x".into(), opendal::Error::new(kind, "m"));
        assert!(be(opendal::ErrorKind::PermissionDenied).is_permission_denied());
        assert!(be(opendal::ErrorKind::NotFound).is_not_found());
        assert!(!be(opendal::ErrorKind::Unexpected).is_permission_denied());

        let wrapped = StorageError::backend(
            "write",
            "/x".into(),
            opendal::Error::new(opendal::ErrorKind::Unexpected, "m")
                .set_source(std::io::Error::from(std::io::ErrorKind::ReadOnlyFilesystem)),
        );
        assert!(wrapped.is_permission_denied());
        assert_eq!(wrapped.to_string(), "write /x: read-only filesystem or storage medium");
        assert_eq!(be(opendal::ErrorKind::NotFound).to_string(), "read /x: not found");
        assert_eq!(be(opendal::ErrorKind::Unexpected).to_string(), "read /x: m");
    }

    #[test]
    fn messages() {
        let e = StorageError::UnsupportedProtocol { protocol: "ftp".into() };
        assert_eq!(e.to_string(), "Protocol ftp is not supported, valid protocols are local, gs, s3");
        use std::os::unix::ffi::OsStrExt;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(b"/d/x\xff.txt")).to_path_buf();
        let e = StorageError::NotUtf8 { path };
        assert!(e.to_string().starts_with("/d/x\\xff.txt: the path is not valid UTF-8"), "{e}");
    }
}
