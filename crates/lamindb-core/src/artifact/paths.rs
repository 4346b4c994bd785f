//! Where a source is: its resolved path and what `stat` says of it, with one `lstat` and no
//! parsing of path components for a file of a folder already resolved.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::absolute;
#[cfg(doc)]
use lamindb_storage::StorageError;

use crate::Refusal;
use crate::error::{Error, Result};
use crate::statcache::FileStat;

/// The absolute, resolved form of a source path (LaminDB's `Path.resolve()`) and what `stat`
/// says of it (`None` for a folder). A file whose folder is in `parents` (the folders as given,
/// resolved) costs one `lstat`; a symlink, or any other path, is resolved in full. Checked by
/// [`check_source`] before anything opens it.
pub(super) fn resolve(path: &Path, parents: &HashMap<&Path, PathBuf>) -> Result<(PathBuf, Option<FileStat>)> {
    if let Some((name, dir)) = split_name(path).and_then(|(p, name)| Some((name, parents.get(p)?))) {
        let candidate = dir.join(name);
        let meta = std::fs::symlink_metadata(&candidate).map_err(|e| Error::io(path, e))?;
        if !meta.file_type().is_symlink() {
            check_source(path, &candidate, &meta)?;
            let stat = (!meta.is_dir()).then(|| FileStat::of(&meta));
            return Ok((candidate, stat));
        }
    }
    let resolved = absolute(path)?;
    let meta = std::fs::metadata(&resolved).map_err(|e| Error::io(&resolved, e))?;
    check_source(path, &resolved, &meta)?;
    let stat = (!meta.is_dir()).then(|| FileStat::of(&meta));
    Ok((resolved, stat))
}

/// Refuses a source (`given`, resolved to `resolved`, whose metadata is `meta`) that cannot be
/// saved: a FIFO, socket or device ([`Refusal::SpecialFile`]: opening a FIFO waits for a writer
/// forever), or a path that is not UTF-8 ([`StorageError::NotUtf8`]: its key would be altered).
pub(super) fn check_source(given: &Path, resolved: &Path, meta: &std::fs::Metadata) -> Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    let special = if ft.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if ft.is_socket() {
        Some("a socket")
    } else if ft.is_char_device() {
        Some("a character device")
    } else if ft.is_block_device() {
        Some("a block device")
    } else {
        None
    };
    if let Some(kind) = special {
        return Err(Error::Refused(Refusal::SpecialFile { path: given.to_path_buf(), kind }));
    }
    lamindb_storage::key::utf8_path(resolved)?;
    Ok(())
}

/// A path's folder and last component, split at its last `/` (the folder is `""` for a bare
/// name); `None` for a path ending in `/`, `.` or `..`, which needs a full resolution. Bytes,
/// not components: this runs once per source.
pub(super) fn split_name(path: &Path) -> Option<(&Path, &OsStr)> {
    let bytes = path.as_os_str().as_bytes();
    let (dir, name) = match bytes.iter().rposition(|&b| b == b'/') {
        Some(0) => (&bytes[..1], &bytes[1..]),
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (&bytes[..0], bytes),
    };
    if name.is_empty() || name == b"." || name == b".." {
        return None;
    }
    Some((Path::new(OsStr::from_bytes(dir)), OsStr::from_bytes(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_name_parts_a_path_at_its_last_slash() {
        fn parts(p: &str) -> Option<(&str, &str)> {
            split_name(Path::new(p)).map(|(d, n)| (d.to_str().unwrap(), n.to_str().unwrap()))
        }
        assert_eq!(parts("a/b/c.txt"), Some(("a/b", "c.txt")));
        assert_eq!(parts("/x"), Some(("/", "x")));
        assert_eq!(parts("x"), Some(("", "x")));
        assert_eq!(parts("./x"), Some((".", "x")));
        for whole in ["a/", "a/.", "a/..", "..", ".", "/", ""] {
            assert_eq!(parts(whole), None, "{whole}");
        }
    }

    #[test]
    fn resolve_looks_files_up_in_their_resolved_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        std::fs::write(dir.join("f.txt"), b"12345").unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::os::unix::fs::symlink(dir.join("f.txt"), dir.join("link")).unwrap();
        let mut parents = HashMap::new();
        parents.insert(dir.as_path(), dir.clone());
        let (path, stat) = resolve(&dir.join("f.txt"), &parents).unwrap();
        assert_eq!(path, dir.join("f.txt"));
        assert_eq!(stat.map(|s| s.size()), Some(5));
        let (path, stat) = resolve(&dir.join("sub"), &parents).unwrap();
        assert_eq!((path, stat), (dir.join("sub"), None));
        // A symlink resolves to its target, as LaminDB's `Path.resolve()`.
        let (path, stat) = resolve(&dir.join("link"), &parents).unwrap();
        assert_eq!(path, dir.join("f.txt"));
        assert_eq!(stat.map(|s| s.size()), Some(5));
        let missing = resolve(&dir.join("gone.txt"), &parents).unwrap_err();
        assert!(missing.to_string().contains("gone.txt"), "{missing}");
    }
}
