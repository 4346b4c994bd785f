//! Storage roots: parsing and normalising them the way LaminDB does.
//!
//! The normalised string ([`StorageRoot::as_str`]) is what goes into the `Storage.root` column:
//! an absolute local path without trailing `/` (e.g. `/data/project`), or
//! `s3://bucket/prefix` (plus `?endpoint_url=<url>` for a non-default S3 endpoint), or
//! `gs://bucket/prefix`. `memory://name` roots exist for tests only.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::error::{Result, StorageError};

/// The kind of a storage root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RootKind {
    /// A local (or mounted) directory.
    Local,
    /// An AWS S3 (or S3-compatible) bucket.
    S3,
    /// A Google Cloud Storage bucket.
    Gs,
    /// A process-wide in-memory store, for tests.
    Memory,
}

impl RootKind {
    /// Whether this build can open roots of this kind: local and memory roots always, S3 and GCS
    /// with the cargo features `s3` and `gcs` (else [`Store::open`](crate::Store::open) returns
    /// [`StorageError::NotBuiltIn`]).
    ///
    /// ```
    /// use lamindb_storage::RootKind;
    /// assert!(RootKind::Local.is_built_in());
    /// assert_eq!(RootKind::S3.is_built_in(), cfg!(feature = "s3"));
    /// ```
    pub const fn is_built_in(self) -> bool {
        match self {
            RootKind::Local | RootKind::Memory => true,
            RootKind::S3 => cfg!(feature = "s3"),
            RootKind::Gs => cfg!(feature = "gcs"),
        }
    }
}

/// A parsed and normalised storage root.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StorageRoot {
    repr: String,
    kind: RootKind,
    local: Option<PathBuf>,
    bucket: Option<String>,
    prefix: String,
    endpoint: Option<String>,
}

const LAMINDB_DIR_MESSAGE: &str = "Please pass a folder name that does not end or contain \".lamindb\"";

impl StorageRoot {
    /// Parses and normalises a root the way LaminDB does.
    ///
    /// - Local paths: `file://` prefix accepted, `~` / `~/...` expanded from `$HOME`, relative
    ///   paths made absolute against the current directory, `.` and `..` resolved lexically,
    ///   trailing `/` stripped (`/` stays `/`). The directory need not exist; like Python's
    ///   `Path.resolve()`, symlinks are resolved in the longest existing ancestor (so the whole
    ///   path is canonicalized when it exists).
    /// - `s3://bucket/prefix` and `gs://bucket/prefix`: empty segments and trailing `/` removed.
    ///   On S3, an `?endpoint_url=<url>` query is kept in the string and parsed out as the endpoint.
    /// - `memory://name[/prefix]`: an in-memory store (tests).
    ///
    /// Errors: [`StorageError::InvalidRoot`] for an empty root, a root containing `.lamindb`,
    /// a cloud root without bucket, `.`/`..` segments or unknown query parameters in a cloud root;
    /// [`StorageError::UnsupportedProtocol`] for any other protocol (`ftp://`, `http://`, `hf://`, ...).
    pub fn parse(root: &str) -> Result<StorageRoot> {
        let cwd = std::env::current_dir().map_err(|e| StorageError::io(Path::new("."), e))?;
        Self::parse_relative_to(root, &cwd)
    }

    /// Like [`StorageRoot::parse`], with relative local paths resolved against `base`
    /// (itself made absolute against the current directory if needed).
    pub fn parse_relative_to(root: &str, base: &Path) -> Result<StorageRoot> {
        if root.is_empty() {
            return Err(StorageError::InvalidRoot("The storage root must not be empty".to_string()));
        }
        if root.contains(".lamindb") {
            return Err(StorageError::InvalidRoot(LAMINDB_DIR_MESSAGE.to_string()));
        }
        let parsed = match protocol(root) {
            None => Self::local(root, base)?,
            Some(("file", rest)) => Self::local(rest, base)?,
            Some(("s3", rest)) => Self::bucket_root(RootKind::S3, rest)?,
            Some(("gs", rest)) => Self::bucket_root(RootKind::Gs, rest)?,
            Some(("memory", rest)) => Self::bucket_root(RootKind::Memory, rest)?,
            Some((other, _)) => {
                return Err(StorageError::UnsupportedProtocol { protocol: other.to_string() });
            }
        };
        // e.g. a relative path resolved inside a `.lamindb` directory
        if parsed.repr.contains(".lamindb") {
            return Err(StorageError::InvalidRoot(LAMINDB_DIR_MESSAGE.to_string()));
        }
        Ok(parsed)
    }

    fn local(path: &str, base: &Path) -> Result<StorageRoot> {
        let expanded = if path == "~" || path.starts_with("~/") {
            let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).ok_or_else(|| {
                StorageError::InvalidRoot(format!("Cannot expand '~' in {path:?}: HOME is not set"))
            })?;
            PathBuf::from(home).join(path.trim_start_matches('~').trim_start_matches('/'))
        } else {
            PathBuf::from(path)
        };
        let absolute = if expanded.is_absolute() {
            expanded
        } else if base.is_absolute() {
            base.join(expanded)
        } else {
            let cwd = std::env::current_dir().map_err(|e| StorageError::io(Path::new("."), e))?;
            cwd.join(base).join(expanded)
        };
        let resolved = resolve_existing_prefix(&lexical_normalize(&absolute));
        let repr = resolved.to_str().map(str::to_string).ok_or_else(|| {
            StorageError::InvalidRoot(format!("The storage root {resolved:?} is not valid UTF-8"))
        })?;
        Ok(StorageRoot {
            repr,
            kind: RootKind::Local,
            local: Some(resolved),
            bucket: None,
            prefix: String::new(),
            endpoint: None,
        })
    }

    fn bucket_root(kind: RootKind, rest: &str) -> Result<StorageRoot> {
        let scheme = scheme_of(kind);
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut segments = path.split('/');
        let bucket = segments.next().filter(|b| !b.is_empty()).ok_or_else(|| {
            let what = if kind == RootKind::Memory { "store name" } else { "bucket name" };
            StorageError::InvalidRoot(format!(
                "A {what} is required in the storage root {scheme}://{rest}, e.g. {scheme}://my-bucket/my-folder"
            ))
        })?;
        let segments: Vec<&str> = segments.filter(|s| !s.is_empty()).collect();
        if let Some(seg) = segments.iter().find(|s| **s == "." || **s == "..") {
            return Err(StorageError::InvalidRoot(format!(
                "Relative path segment '{seg}' is not allowed in the storage root {scheme}://{rest}"
            )));
        }
        let prefix = segments.join("/");
        let mut endpoint = None;
        for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            if kind == RootKind::S3 && k == "endpoint_url" {
                endpoint = Some(v.into_owned()).filter(|v| !v.is_empty());
            } else {
                return Err(StorageError::InvalidRoot(format!(
                    "Unsupported query parameter '{k}' in the storage root {scheme}://{rest}"
                )));
            }
        }
        let mut repr = format!("{scheme}://{bucket}");
        if !prefix.is_empty() {
            repr.push('/');
            repr.push_str(&prefix);
        }
        if let Some(ep) = &endpoint {
            repr.push_str("?endpoint_url=");
            repr.push_str(ep);
        }
        Ok(StorageRoot { repr, kind, local: None, bucket: Some(bucket.to_string()), prefix, endpoint })
    }

    /// The normalised root, as stored in the `Storage.root` column.
    pub fn as_str(&self) -> &str {
        &self.repr
    }

    /// The kind of root.
    pub fn kind(&self) -> RootKind {
        self.kind
    }

    /// `"local"`, `"s3"`, `"gs"` or `"memory"` (the `Storage.type` column).
    pub fn type_str(&self) -> &'static str {
        match self.kind {
            RootKind::Local => "local",
            _ => scheme_of(self.kind),
        }
    }

    /// The absolute directory of a local root.
    pub fn local_path(&self) -> Option<&Path> {
        self.local.as_deref()
    }

    /// The bucket of an S3 or GCS root (the store name of a memory root).
    pub fn bucket(&self) -> Option<&str> {
        self.bucket.as_deref()
    }

    /// The path inside the bucket, without leading or trailing `/`; `""` for a whole bucket
    /// and for local roots.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The S3 endpoint given with `?endpoint_url=`.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// Whether the root is in the cloud (S3 or GCS).
    pub fn is_cloud(&self) -> bool {
        matches!(self.kind, RootKind::S3 | RootKind::Gs)
    }

    /// Joins a storage key to a displayable full path or URL:
    /// `/data` + `.lamindb/abc.txt` = `/data/.lamindb/abc.txt`,
    /// `s3://b/p?endpoint_url=..` + `.lamindb/abc.txt` = `s3://b/p/.lamindb/abc.txt`
    /// (the endpoint query is left out). An empty key gives the root itself.
    pub fn join(&self, key: &str) -> String {
        let base = match self.kind {
            RootKind::Local => self.repr.as_str(),
            _ => self.repr.split_once('?').map_or(self.repr.as_str(), |(p, _)| p),
        };
        let key = key.trim_start_matches('/');
        if key.is_empty() {
            base.to_string()
        } else if base.ends_with('/') {
            format!("{base}{key}")
        } else {
            format!("{base}/{key}")
        }
    }
}

impl fmt::Display for StorageRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr)
    }
}

fn scheme_of(kind: RootKind) -> &'static str {
    match kind {
        RootKind::Local => "file",
        RootKind::S3 => "s3",
        RootKind::Gs => "gs",
        RootKind::Memory => "memory",
    }
}

/// Splits `proto://rest` (or fsspec's chained `proto::rest`) into protocol and rest.
fn protocol(root: &str) -> Option<(&str, &str)> {
    let end = root.find("://").into_iter().chain(root.find("::")).min()?;
    let proto = &root[..end];
    let valid = proto.starts_with(|c: char| c.is_ascii_alphabetic())
        && proto.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_'));
    if !valid {
        return None;
    }
    let sep = if root[end..].starts_with("://") { 3 } else { 2 };
    Some((proto, &root[end + sep..]))
}

/// Removes `.` components and resolves `..` against the preceding component, without touching
/// the file system (`..` at the root stays at the root).
fn lexical_normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Canonicalizes the longest existing ancestor of `path` and re-appends the rest,
/// as Python's `Path.resolve(strict=False)` does.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    for ancestor in path.ancestors() {
        if let Ok(canonical) = ancestor.canonicalize() {
            let rest = path.strip_prefix(ancestor).unwrap_or(Path::new(""));
            return if rest.as_os_str().is_empty() { canonical } else { canonical.join(rest) };
        }
    }
    path.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in(root: &str, base: &Path) -> StorageRoot {
        StorageRoot::parse_relative_to(root, base).unwrap()
    }

    #[test]
    fn local_normalisation() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let b = base.to_str().unwrap();
        for (input, expected) in [
            ("./my-directory", format!("{b}/my-directory")),
            ("my-directory/", format!("{b}/my-directory")),
            ("my-directory//", format!("{b}/my-directory")),
            ("a/./b/../c", format!("{b}/a/c")),
            ("../x", format!("{}/x", base.parent().unwrap().to_str().unwrap())),
            (".", b.to_string()),
            ("/", "/".to_string()),
            ("/proc/not-writable-here/", "/proc/not-writable-here".to_string()),
            ("/proc/../proc/not-writable-here", "/proc/not-writable-here".to_string()),
            ("/..", "/".to_string()),
            ("file:///proc/not-writable-here/", "/proc/not-writable-here".to_string()),
            ("file://rel/dir", format!("{b}/rel/dir")),
        ] {
            let r = parse_in(input, &base);
            assert_eq!(r.as_str(), expected, "input {input}");
            assert_eq!(r.kind(), RootKind::Local);
            assert_eq!(r.type_str(), "local");
            assert_eq!(r.local_path(), Some(Path::new(&expected)));
            assert_eq!(r.bucket(), None);
            assert_eq!(r.prefix(), "");
            assert!(!r.is_cloud());
            assert_eq!(r.to_string(), expected);
        }
        // relative against the current dir
        let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
        assert_eq!(StorageRoot::parse("some-dir").unwrap().as_str(), cwd.join("some-dir").to_str().unwrap());
    }

    #[test]
    fn home_expansion() {
        let home = PathBuf::from(std::env::var("HOME").unwrap());
        let home = resolve_existing_prefix(&home);
        let r = StorageRoot::parse("~/lamindb-rs-test-dir/").unwrap();
        assert_eq!(r.local_path().unwrap(), home.join("lamindb-rs-test-dir"));
        assert_eq!(StorageRoot::parse("~").unwrap().local_path().unwrap(), home);
    }

    #[test]
    fn symlinks_resolved_in_existing_part() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let r = StorageRoot::parse(link.to_str().unwrap()).unwrap();
        assert_eq!(r.local_path().unwrap(), real);
        let r = StorageRoot::parse(link.join("new").to_str().unwrap()).unwrap();
        assert_eq!(r.local_path().unwrap(), real.join("new"));
    }

    #[test]
    fn cloud_roots() {
        let r = StorageRoot::parse("s3://bucket/some/prefix/").unwrap();
        assert_eq!(r.as_str(), "s3://bucket/some/prefix");
        assert_eq!(r.kind(), RootKind::S3);
        assert_eq!(r.type_str(), "s3");
        assert_eq!(r.bucket(), Some("bucket"));
        assert_eq!(r.prefix(), "some/prefix");
        assert_eq!(r.endpoint_url(), None);
        assert!(r.is_cloud());
        assert_eq!(r.local_path(), None);
        assert_eq!(r.join(".lamindb/abc.txt"), "s3://bucket/some/prefix/.lamindb/abc.txt");

        let r = StorageRoot::parse("s3://bucket").unwrap();
        assert_eq!((r.as_str(), r.prefix()), ("s3://bucket", ""));
        assert_eq!(r.join("a/b"), "s3://bucket/a/b");
        let r = StorageRoot::parse("s3://bucket//x//").unwrap();
        assert_eq!(r.as_str(), "s3://bucket/x");

        let r = StorageRoot::parse("s3://bucket/p/?endpoint_url=http://127.0.0.1:5055").unwrap();
        assert_eq!(r.as_str(), "s3://bucket/p?endpoint_url=http://127.0.0.1:5055");
        assert_eq!(r.endpoint_url(), Some("http://127.0.0.1:5055"));
        assert_eq!(r.prefix(), "p");
        assert_eq!(r.join(".lamindb/x"), "s3://bucket/p/.lamindb/x");
        let again = StorageRoot::parse(r.as_str()).unwrap();
        assert_eq!(again, r);
        let r = StorageRoot::parse("s3://bucket?endpoint_url=http%3A%2F%2Fminio%3A9000").unwrap();
        assert_eq!(r.endpoint_url(), Some("http://minio:9000"));
        assert_eq!(r.as_str(), "s3://bucket?endpoint_url=http://minio:9000");

        let r = StorageRoot::parse("gs://gbucket/folder/").unwrap();
        assert_eq!(r.as_str(), "gs://gbucket/folder");
        assert_eq!((r.kind(), r.type_str()), (RootKind::Gs, "gs"));
        assert_eq!((r.bucket(), r.prefix()), (Some("gbucket"), "folder"));
        assert!(r.is_cloud());

        let r = StorageRoot::parse("memory://name/").unwrap();
        assert_eq!(r.as_str(), "memory://name");
        assert_eq!((r.kind(), r.type_str()), (RootKind::Memory, "memory"));
        assert_eq!(r.bucket(), Some("name"));
        assert!(!r.is_cloud());
        assert_eq!(r.join("k"), "memory://name/k");
    }

    #[test]
    fn refused_roots() {
        let invalid = |root: &str| match StorageRoot::parse(root) {
            Err(StorageError::InvalidRoot(msg)) => msg,
            other => panic!("{root}: {other:?}"),
        };
        for root in
            ["./data/.lamindb", "/x/.lamindb/", "/x/.lamindb/y", "s3://b/.lamindb", "ftp://x/.lamindb"]
        {
            assert_eq!(invalid(root), "Please pass a folder name that does not end or contain \".lamindb\"");
        }
        assert!(invalid("").contains("empty"));
        assert!(invalid("s3://").contains("bucket"));
        assert!(invalid("s3:///prefix").contains("bucket"));
        assert!(invalid("gs://").contains("bucket"));
        assert!(invalid("s3://b/../x").contains("Relative path segment"));
        assert!(invalid("s3://b/x?foo=bar").contains("foo"));
        assert!(invalid("gs://b/x?endpoint_url=http://x").contains("endpoint_url"));

        for (root, proto) in [
            ("ftp://x", "ftp"),
            ("http://example.com/x", "http"),
            ("https://example.com/x", "https"),
            ("hf://datasets/x", "hf"),
            ("gcs://bucket", "gcs"),
            ("simplecache::s3://b", "simplecache"),
        ] {
            let err = StorageRoot::parse(root).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("Protocol {proto} is not supported, valid protocols are local, gs, s3")
            );
            assert!(matches!(err, StorageError::UnsupportedProtocol { .. }));
        }
    }

    #[test]
    fn join_local() {
        let r = StorageRoot::parse("/nonexistent-lamindb-rs/data").unwrap();
        assert_eq!(r.join(".lamindb/abc.txt"), "/nonexistent-lamindb-rs/data/.lamindb/abc.txt");
        assert_eq!(r.join(""), "/nonexistent-lamindb-rs/data");
        let r = StorageRoot::parse("/").unwrap();
        assert_eq!(r.join("a/b"), "/a/b");
    }
}
