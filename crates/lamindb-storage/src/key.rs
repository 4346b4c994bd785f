//! Checks on user-supplied storage keys (LaminDB's `check_key`).

use crate::error::{Result, StorageError};

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
