//! Checks on user-supplied storage keys (LaminDB's `check_key`), and the key of a local path
//! below a folder.

use std::path::{MAIN_SEPARATOR, Path};

use crate::error::{Result, StorageError};

/// The `/`-separated key of `path` below the folder `base` (`""` for `base` itself; `None`
/// outside it). Both are absolute and free of `.`, `..` and doubled separators (resolved paths,
/// normalised roots, paths a folder walk made), so this compares bytes, not components: it runs
/// once per file of a folder.
///
/// ```
/// use std::path::Path;
/// use lamindb_storage::key::relative_key;
///
/// assert_eq!(relative_key(Path::new("/data/x/y.txt"), Path::new("/data")).as_deref(), Some("x/y.txt"));
/// assert_eq!(relative_key(Path::new("/database/y.txt"), Path::new("/data")), None);
/// ```
pub fn relative_key(path: &Path, base: &Path) -> Option<String> {
    let sep = MAIN_SEPARATOR as u8;
    let base = base.as_os_str().as_encoded_bytes();
    let rest = path.as_os_str().as_encoded_bytes().strip_prefix(base)?;
    let rel = match rest {
        [] => rest,
        [first, rel @ ..] if *first == sep => rel,
        _ if base.ends_with(&[sep]) => rest,
        _ => return None,
    };
    let rel = String::from_utf8_lossy(rel);
    Some(if sep == b'/' { rel.into_owned() } else { rel.replace(MAIN_SEPARATOR, "/") })
}

/// `path` as UTF-8 text: an error ([`StorageError::NotUtf8`]) for a path whose bytes are not
/// UTF-8, whose key or path LaminDB could not record as it is.
pub fn utf8_path(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| StorageError::NotUtf8 { path: path.to_path_buf() })
}

/// `path` for a message: UTF-8 as it is, every other byte as `\xNN`, so that two names that
/// differ in such bytes read differently.
///
/// ```
/// use std::ffi::OsStr;
/// use std::os::unix::ffi::OsStrExt;
/// use std::path::Path;
///
/// let path = Path::new(OsStr::from_bytes(b"data/x\xff.txt"));
/// assert_eq!(lamindb_storage::key::escape_path(path), "data/x\\xff.txt");
/// ```
pub fn escape_path(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Checks a user-supplied key (e.g. `Artifact.key`), with LaminDB's messages:
///
/// - empty key: `Key must not be empty.`
/// - a backslash: `Backslashes are not allowed in key '{key}'.`
/// - a `.` or `..` segment: `Relative path segment '{seg}' detected in key '{key}'.`
/// - a leading `/`: `Key '{key}' must not start with '/'.`
/// - containing `.lamindb/` or starting with `.lamindb`:
///   ``Do not pass key that contains a managed storage path in `.lamindb/`.``
///
/// Checks run in this order; the first failing one gives the message.
pub fn check_key(key: &str) -> Result<()> {
    let err = |msg: String| Err(StorageError::InvalidKey(msg));
    if key.is_empty() {
        return err("Key must not be empty.".to_string());
    }
    if key.contains('\\') {
        return err(format!("Backslashes are not allowed in key '{key}'."));
    }
    if let Some(seg) = key.split('/').find(|s| *s == "." || *s == "..") {
        return err(format!("Relative path segment '{seg}' detected in key '{key}'."));
    }
    if key.starts_with('/') {
        return err(format!("Key '{key}' must not start with '/'."));
    }
    if key.starts_with(".lamindb") || key.contains(".lamindb/") {
        return err("Do not pass key that contains a managed storage path in `.lamindb/`.".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::relative_key;

    #[test]
    fn relative_keys_compare_whole_components() {
        let rel = |p: &str, r: &str| relative_key(Path::new(p), Path::new(r));
        assert_eq!(rel("/data/x/y.txt", "/data").as_deref(), Some("x/y.txt"));
        assert_eq!(rel("/data/src/b.txt", "/data/src/").as_deref(), Some("b.txt"));
        assert_eq!(rel("/data", "/data").as_deref(), Some(""));
        assert_eq!(rel("/database/y.txt", "/data"), None);
        assert_eq!(rel("/other/y.txt", "/data"), None);
        assert_eq!(rel("/y.txt", "/").as_deref(), Some("y.txt"));
    }

    use super::*;

    fn msg(key: &str) -> String {
        check_key(key).unwrap_err().to_string()
    }

    #[test]
    fn accepted() {
        for key in [
            "a",
            "a.txt",
            "dir/a.txt",
            "dir/sub/a.tar.gz",
            ".hidden",
            "a..b",
            "dir/.x",
            "my.lamindb.txt",
            "dir/",
        ] {
            assert!(check_key(key).is_ok(), "{key}");
        }
    }

    #[test]
    fn refused() {
        assert_eq!(msg(""), "Key must not be empty.");
        assert_eq!(msg("a\\b"), "Backslashes are not allowed in key 'a\\b'.");
        for (key, seg) in [
            ("..", ".."),
            (".", "."),
            ("./a", "."),
            ("a/./b", "."),
            ("../a", ".."),
            ("a/../b", ".."),
            ("/../a", ".."),
            ("a/..", ".."),
        ] {
            assert_eq!(msg(key), format!("Relative path segment '{seg}' detected in key '{key}'."),);
        }
        assert_eq!(msg("/a"), "Key '/a' must not start with '/'.");
        let managed = "Do not pass key that contains a managed storage path in `.lamindb/`.";
        for key in [".lamindb", ".lamindb/x", "a/.lamindb/x", ".lamindbx"] {
            assert_eq!(msg(key), managed, "{key}");
        }
        assert!(matches!(check_key(".."), Err(StorageError::InvalidKey(_))));
    }
}
