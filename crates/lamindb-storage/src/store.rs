//! A blocking object store rooted at a [`StorageRoot`], on top of opendal.
//!
//! Objects are addressed with storage keys relative to the root, e.g. `.lamindb/abc.txt`;
//! directory keys end with `/`. All calls block on one process-wide multi-thread tokio
//! runtime; they also work when called from inside async code (a tokio runtime of either
//! flavour): there each opendal call runs on a plain thread of its own (see `runtime.rs`).
//!
//! Local roots are served by opendal's `fs` service rooted at `/`, with the root path as a key
//! prefix: opendal's `fs` builder would otherwise create the root directory when the store is
//! opened, and opening must not write anything (a read-only location must still be readable).

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
#[cfg(feature = "s3")]
use std::time::Duration;

use opendal::layers::{RetryLayer, TimeoutLayer};
use opendal::options::{DeleteOptions, ListOptions, WriteOptions};
use opendal::services;

use crate::error::{Result, StorageError};
use crate::hash::{FileHash, StreamHasher};
use crate::root::{RootKind, StorageRoot};
use crate::runtime::{OffRuntime, RUNTIME, install_opendal, off_runtime, off_runtime_with_progress};
#[cfg(feature = "gcs")]
use crate::services::gcs_operator;
use crate::services::memory_operator;
#[cfg(feature = "s3")]
use crate::services::{env, s3_operator};

/// Size of the parts of streamed uploads (S3 needs at least 5 MiB per multipart part).
const UPLOAD_CHUNK: usize = 8 * 1024 * 1024;

/// S3 multipart parts uploaded at the same time (memory: this many parts in flight).
const UPLOAD_PARTS: usize = 4;

/// Buffer of local copies.
const COPY_BUF: usize = 1024 * 1024;

/// Bytes per kernel copy call in [`Store::copy_file`] (progress is reported per step).
const COPY_STEP: u64 = 64 * 1024 * 1024;

/// How long [`Store::detect_region`] waits for the bucket's answer.
#[cfg(feature = "s3")]
const REGION_TIMEOUT: Duration = Duration::from_secs(10);

/// An object (or, in non-recursive listings, a directory) in a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Key relative to the store's root; directory keys end with `/`.
    pub key: String,
    /// Size in bytes (0 for directories).
    pub size: u64,
    /// Whether the entry is a directory.
    pub is_dir: bool,
}

/// An object as a listing reports it: key, size, and LaminDB's hash from the store's metadata
/// (S3 ETag, GCS `md5Hash`) when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Key relative to the store's root.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// LaminDB's hash and hash type (`md5`, `md5-<parts>`, `md5-etag`), from metadata alone.
    pub hash: Option<(String, String)>,
}

/// A blocking opendal operator rooted at a [`StorageRoot`].
#[derive(Clone, Debug)]
pub struct Store {
    root: StorageRoot,
    op: opendal::blocking::Operator,
    /// Prefix of every operator path (ends with `/` unless empty).
    base: String,
}

impl Store {
    /// Builds the store of a root. Nothing is created or contacted here.
    ///
    /// - Local: opendal `fs`; the directory need not exist (writes create parents as needed).
    /// - S3: bucket and prefix from the root; endpoint from the root's `endpoint_url`, else
    ///   `$AWS_ENDPOINT_URL`; region from `$AWS_REGION` / `$AWS_DEFAULT_REGION`, else
    ///   `us-east-1`; credentials from `$AWS_ACCESS_KEY_ID` / `$AWS_SECRET_ACCESS_KEY`
    ///   (/ `$AWS_SESSION_TOKEN`) when set, else unsigned requests. No config files, no EC2 metadata.
    /// - GCS: bucket and prefix from the root; endpoint from `$GOOGLE_STORAGE_ENDPOINT` or
    ///   `$STORAGE_EMULATOR_HOST`; credentials from the file `$GOOGLE_APPLICATION_CREDENTIALS`,
    ///   else unsigned requests. No config files, no VM metadata.
    /// - Memory: one process-wide store per name.
    ///
    /// Cloud stores retry failed requests twice; all operations have opendal's default timeouts.
    pub fn open(root: &StorageRoot) -> Result<Store> {
        Self::open_with_region(root, None)
    }

    /// Like [`Store::open`], with an explicit S3 region (e.g. the `Storage.region` column);
    /// `None` falls back to the environment. Ignored for other kinds of roots.
    pub fn open_with_region(root: &StorageRoot, region: Option<&str>) -> Result<Store> {
        #[cfg(not(feature = "s3"))]
        let _ = region;
        install_opendal();
        let _guard = RUNTIME.enter();
        let fail = |e| StorageError::backend("open", root.to_string(), e);
        let (op, base) = match root.kind() {
            RootKind::Local => {
                let op = opendal::Operator::new(services::Fs::default().root("/")).map_err(fail)?;
                let path = root.local_path().and_then(Path::to_str).unwrap_or("/");
                (op, dir_key(path))
            }
            RootKind::Memory => {
                let op = memory_operator(root.bucket().unwrap_or_default()).map_err(fail)?;
                (op, dir_key(root.prefix()))
            }
            #[cfg(feature = "s3")]
            RootKind::S3 => (s3_operator(root, region).map_err(fail)?, String::new()),
            #[cfg(feature = "gcs")]
            RootKind::Gs => (gcs_operator(root).map_err(fail)?, String::new()),
            #[cfg(not(all(feature = "s3", feature = "gcs")))]
            kind => return Err(StorageError::not_built_in(kind)),
        };
        // Layers added later wrap earlier ones: retries (cloud only) wrap timeouts.
        let mut op = op.layer(TimeoutLayer::new());
        if root.is_cloud() {
            op = op.layer(RetryLayer::new().with_max_times(2).with_jitter());
        }
        let op = opendal::blocking::Operator::new(op).map_err(fail)?;
        Ok(Store { root: root.clone(), op, base })
    }

    /// The root of this store.
    pub fn root(&self) -> &StorageRoot {
        &self.root
    }

    /// Writes an object, replacing it if it exists; parent directories are created as needed.
    pub fn write(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        let (path, opts) = (self.path(key), self.write_options(None));
        self.call(|op| op.write_options(&path, bytes, opts)).map(|_| ()).map_err(self.fail("write", key))
    }

    /// Reads a whole object.
    pub fn read(&self, key: &str) -> Result<Vec<u8>> {
        let path = self.path(key);
        self.call(|op| op.read(&path).map(|buf| buf.to_vec())).map_err(self.fail("read", key))
    }

    /// Whether an object (or, for a key ending with `/`, a directory) exists.
    pub fn exists(&self, key: &str) -> Result<bool> {
        let path = self.path(key);
        self.call(|op| op.exists(&path)).map_err(self.fail("exists", key))
    }

    /// Size and kind of an object, `None` when it does not exist.
    pub fn stat(&self, key: &str) -> Result<Option<Entry>> {
        let path = self.path(key);
        match self.call(|op| op.stat(&path)) {
            Ok(meta) => Ok(Some(Entry {
                key: key.trim_start_matches('/').to_string(),
                size: if meta.is_dir() { 0 } else { meta.content_length() },
                is_dir: meta.is_dir(),
            })),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.fail("stat", key)(e)),
        }
    }

    /// Deletes an object; succeeds when it does not exist.
    pub fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key);
        self.call(|op| op.delete(&path)).map_err(self.fail("delete", key))
    }

    /// Deletes everything under a directory prefix (`dir/`; the `/` is added if missing),
    /// including the directory itself; succeeds when it does not exist.
    /// The empty prefix (the whole root) is refused.
    pub fn delete_all(&self, prefix: &str) -> Result<()> {
        let dir = dir_key(prefix);
        if dir.is_empty() {
            return Err(StorageError::InvalidKey(format!(
                "Refusing to delete the whole storage root {}",
                self.root
            )));
        }
        let opts = DeleteOptions { recursive: true, ..Default::default() };
        let path = self.path(&dir);
        self.call(|op| op.delete_options(&path, opts)).map_err(self.fail("delete", &dir))
    }

    /// Lists the entries under a directory prefix (`""` for the root; a missing trailing `/`
    /// is added). Keys are relative to the root. With `recursive`, only files are returned,
    /// otherwise the direct children, directories included (keys ending with `/`).
    /// A missing prefix gives an empty list. Entries are sorted by key.
    pub fn list(&self, prefix: &str, recursive: bool) -> Result<Vec<Entry>> {
        let dir = dir_key(prefix);
        let path = self.path(&dir);
        let opts = ListOptions { recursive, ..Default::default() };
        let listed = match self.call(|op| op.list_options(&path, opts)) {
            Ok(listed) => listed,
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(self.fail("list", &dir)(e)),
        };
        let mut entries: Vec<Entry> = listed
            .into_iter()
            .filter_map(|e| {
                let full = e.path().trim_start_matches('/');
                let key = full.strip_prefix(self.base.as_str())?;
                let is_dir = e.metadata().is_dir();
                if key.is_empty() || key == dir || (recursive && is_dir) {
                    return None;
                }
                Some(Entry {
                    key: key.to_string(),
                    size: if is_dir { 0 } else { e.metadata().content_length() },
                    is_dir,
                })
            })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(entries)
    }

    /// Every object below `prefix` (a folder key; `""` for the whole store), listed lazily page
    /// by page, with its hash from the listing's metadata: nothing is read or downloaded.
    pub fn list_objects(&self, prefix: &str) -> Result<impl Iterator<Item = Result<ObjectMeta>> + '_> {
        let dir = dir_key(prefix);
        let path = self.path(&dir);
        let opts = ListOptions { recursive: true, ..Default::default() };
        let lister = match self.call(|op| op.lister_options(&path, opts)) {
            Ok(l) => Some(OffRuntime::new(l)),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => None,
            Err(e) => return Err(self.fail("list", &dir)(e)),
        };
        Ok(lister.into_iter().flatten().filter_map(move |e| {
            let e = match e {
                Ok(e) => e,
                Err(err) => return Some(Err(self.fail("list", &dir)(err))),
            };
            let full = e.path().trim_start_matches('/');
            let key = full.strip_prefix(self.base.as_str())?;
            if key.is_empty() || e.metadata().is_dir() {
                return None;
            }
            Some(Ok(self.object_meta_of(key, e.metadata())))
        }))
    }

    /// One object's size and hash from its metadata (a `HEAD`, no read); `None` when missing.
    pub fn object_meta(&self, key: &str) -> Result<Option<ObjectMeta>> {
        let path = self.path(key);
        match self.call(|op| op.stat(&path)) {
            Ok(meta) if !meta.is_dir() => Ok(Some(self.object_meta_of(key.trim_start_matches('/'), &meta))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.fail("stat", key)(e)),
        }
    }

    fn object_meta_of(&self, key: &str, meta: &opendal::Metadata) -> ObjectMeta {
        ObjectMeta {
            key: key.to_string(),
            size: meta.content_length(),
            hash: crate::hash::object_hash(self.root.kind(), meta.etag(), meta.content_md5()),
        }
    }

    /// Creates a directory (`dir/`; the `/` is added if missing) and its parents;
    /// succeeds when it exists. On object stores this writes an empty `dir/` object.
    pub fn create_dir(&self, dir: &str) -> Result<()> {
        let dir = dir_key(dir);
        let path = match self.path(&dir) {
            p if p.is_empty() => "/".to_string(),
            p => p,
        };
        self.call(|op| op.create_dir(&path)).map_err(self.fail("create_dir", &dir))
    }

    /// Uploads a local file, streaming it in parts; returns the number of bytes written.
    pub fn upload_file(&self, key: &str, local: &Path) -> Result<u64> {
        let mut file = File::open(local).map_err(|e| StorageError::io(local, e))?;
        self.upload(key, local, &mut file, UPLOAD_CHUNK, None, &mut |_| {})
    }

    /// Streams `file` (opened from `local`) to `key` in parts, read through a buffer of
    /// `buf_len` bytes that also feeds `hasher` and `progress`; returns the bytes written.
    fn upload(
        &self,
        key: &str,
        local: &Path,
        file: &mut File,
        buf_len: usize,
        mut hasher: Option<&mut StreamHasher>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        off_runtime_with_progress(progress, |progress| {
            let opts = self.write_options(Some(UPLOAD_CHUNK));
            let mut writer =
                self.op.writer_options(&self.path(key), opts).map_err(self.fail("write", key))?;
            let mut buf = vec![0u8; buf_len];
            let mut total = 0u64;
            loop {
                let n = read_up_to(file, &mut buf).map_err(|e| StorageError::io(local, e))?;
                if n == 0 {
                    break;
                }
                if let Some(hasher) = hasher.as_deref_mut() {
                    hasher.update(&buf[..n]);
                }
                writer.write(buf[..n].to_vec()).map_err(self.fail("write", key))?;
                total += n as u64;
                progress(n as u64);
            }
            writer.close().map_err(self.fail("write", key))?;
            Ok(total)
        })
    }

    /// Copies a local file into the store at `key`, computing LaminDB's hash of the bytes as they
    /// stream past: the source is read once, memory stays at one buffer whatever the file size.
    /// Local roots are written with the file system directly (parents created); other roots
    /// through opendal in parts. `progress` is called with the number of bytes of each written
    /// piece. Fails when the file changes size while it is copied.
    pub fn put_file(&self, key: &str, local: &Path, progress: &mut dyn FnMut(u64)) -> Result<FileHash> {
        self.put_file_with_chunk(key, local, crate::hash::CHUNK_SIZE, progress)
    }

    /// [`Store::put_file`] with another hash chunk size (tests).
    fn put_file_with_chunk(
        &self,
        key: &str,
        local: &Path,
        chunk: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<FileHash> {
        let io = |e| StorageError::io(local, e);
        let mut file = File::open(local).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let mut hasher = StreamHasher::with_chunk(size, chunk);
        let mut buf = vec![0u8; COPY_BUF.min(size.max(1) as usize)];
        if let Some(dest) = self.local_file(key) {
            let dio = |e| StorageError::io(&dest, e);
            let mut out = create_file(&dest).map_err(dio)?;
            // Only the first and last chunk of a large file are hashed (`sha1-fl`): the middle is
            // copied by the kernel (copy_file_range), the rest goes through the hasher.
            let (head, middle) = match hasher.unhashed_middle() {
                Some((start, end)) => (start, end - start),
                None => (size, 0),
            };
            let mut step = Step { buf: &mut buf, hasher: &mut hasher, progress, src: local, dest: &dest };
            step.copy_hashed(&mut file, &mut out, head)?;
            if middle > 0 {
                let copied = std::io::copy(&mut (&mut file).take(middle), &mut out).map_err(dio)?;
                step.hasher.skip(copied);
                (step.progress)(copied);
            }
            step.copy_hashed(&mut file, &mut out, u64::MAX)?;
        } else {
            let buf_len = UPLOAD_CHUNK.min(size.max(1) as usize);
            self.upload(key, local, &mut file, buf_len, Some(&mut hasher), progress)?;
        }
        hasher.finish().ok_or_else(|| StorageError::Io {
            path: local.display().to_string(),
            source: std::io::Error::other("the file changed size while it was copied"),
        })
    }

    /// Copies a local file into the store without hashing it, for content whose hash is known:
    /// on local roots the kernel copies (`copy_file_range`, nothing passes through user space),
    /// elsewhere it is uploaded in parts. Returns the number of bytes copied.
    pub fn copy_file(&self, key: &str, local: &Path, progress: &mut dyn FnMut(u64)) -> Result<u64> {
        let Some(dest) = self.local_file(key) else {
            let n = self.upload_file(key, local)?;
            progress(n);
            return Ok(n);
        };
        let mut file = File::open(local).map_err(|e| StorageError::io(local, e))?;
        let mut out = create_file(&dest).map_err(|e| StorageError::io(&dest, e))?;
        let mut total = 0;
        loop {
            let n = std::io::copy(&mut (&mut file).take(COPY_STEP), &mut out)
                .map_err(|e| StorageError::io(&dest, e))?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
            progress(n);
        }
    }

    /// Writes bytes at `key` (like [`Store::write`], with the file system directly for local roots).
    pub fn put_bytes(&self, key: &str, bytes: &[u8]) -> Result<()> {
        match self.local_file(key) {
            Some(dest) => {
                let dio = |e| StorageError::io(&dest, e);
                create_file(&dest).and_then(|mut f| f.write_all(bytes)).map_err(dio)
            }
            None => self.write(key, bytes.to_vec()),
        }
    }

    /// Size and modification time of an object, `None` when it does not exist (or is a directory).
    pub fn stat_file(&self, key: &str) -> Result<Option<(u64, Option<std::time::SystemTime>)>> {
        let path = self.path(key);
        match self.call(|op| op.stat(&path)) {
            Ok(meta) if meta.is_dir() => Ok(None),
            Ok(meta) => Ok(Some((meta.content_length(), meta.last_modified().map(Into::into)))),
            Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.fail("stat", key)(e)),
        }
    }

    /// The local file of a key, for local roots.
    pub fn local_file(&self, key: &str) -> Option<std::path::PathBuf> {
        self.root.local_path().map(|p| p.join(key.trim_start_matches('/')))
    }

    /// Downloads an object into a local file (created or truncated; its parent must exist),
    /// streaming it; returns the number of bytes written.
    pub fn download_file(&self, key: &str, local: &Path) -> Result<u64> {
        off_runtime(|| {
            let mut reader = self
                .op
                .reader(&self.path(key))
                .and_then(|r| r.into_std_read(..))
                .map_err(self.fail("read", key))?;
            let mut file = File::create(local).map_err(|e| StorageError::io(local, e))?;
            std::io::copy(&mut reader, &mut file).map_err(|e| StorageError::Io {
                path: format!("{} -> {}", self.root.join(key), local.display()),
                source: e,
            })
        })
    }

    /// S3 only: the bucket's region, from the `x-amz-bucket-region` header of an anonymous
    /// `HEAD` on the bucket, as LaminDB does (on a custom endpoint via opendal's
    /// `S3::detect_region`). `None` for other kinds of roots, or on failure or timeout.
    pub fn detect_region(&self) -> Option<String> {
        if self.root.kind() != RootKind::S3 {
            return None;
        }
        #[cfg(not(feature = "s3"))]
        return None;
        #[cfg(feature = "s3")]
        self.s3_region()
    }

    #[cfg(feature = "s3")]
    fn s3_region(&self) -> Option<String> {
        install_opendal();
        let bucket = self.root.bucket()?.to_string();
        let endpoint = self.root.endpoint_url().map(str::to_string).or_else(|| env("AWS_ENDPOINT_URL"));
        off_runtime(|| {
            RUNTIME.block_on(async move {
                let detect = async {
                    match endpoint {
                        Some(endpoint) => services::S3::detect_region(&endpoint, &bucket).await,
                        None => aws_bucket_region(&bucket).await,
                    }
                };
                tokio::time::timeout(REGION_TIMEOUT, detect).await.ok().flatten()
            })
        })
    }

    /// Write options: parts of `chunk` bytes; on GCS an explicit content type (what GCS assumes
    /// anyway; emulators answer uploads without one with a null type opendal cannot read).
    fn write_options(&self, chunk: Option<usize>) -> WriteOptions {
        let content_type = (self.root.kind() == RootKind::Gs).then(|| "application/octet-stream".to_string());
        // S3 multipart parts go up in parallel (GCS resumable uploads take them in order).
        let concurrent = if chunk.is_some() && self.root.kind() == RootKind::S3 { UPLOAD_PARTS } else { 1 };
        WriteOptions { chunk, content_type, concurrent, ..Default::default() }
    }

    /// `f` applied to the operator, off the caller's tokio runtime if it runs in one.
    fn call<T: Send>(&self, f: impl FnOnce(&opendal::blocking::Operator) -> T + Send) -> T {
        off_runtime(|| f(&self.op))
    }

    /// The operator path of a key.
    fn path(&self, key: &str) -> String {
        format!("{}{}", self.base, key.trim_start_matches('/'))
    }

    fn fail(&self, op: &'static str, key: &str) -> impl FnOnce(opendal::Error) -> StorageError {
        let path = self.root.join(key);
        move |e| StorageError::backend(op, path, e)
    }
}

/// `""` for the root, else the key with exactly one trailing `/` and no leading `/`.
fn dir_key(prefix: &str) -> String {
    let p = prefix.trim_matches('/');
    if p.is_empty() { String::new() } else { format!("{p}/") }
}

/// A hashed local copy in progress.
struct Step<'a> {
    buf: &'a mut [u8],
    hasher: &'a mut StreamHasher,
    progress: &'a mut dyn FnMut(u64),
    src: &'a Path,
    dest: &'a Path,
}

impl Step<'_> {
    /// Copies up to `left` bytes (until the end of `file`) through the hasher.
    fn copy_hashed(&mut self, file: &mut File, out: &mut File, mut left: u64) -> Result<()> {
        while left > 0 {
            let want = self.buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = read_up_to(file, &mut self.buf[..want]).map_err(|e| StorageError::io(self.src, e))?;
            if n == 0 {
                break;
            }
            self.hasher.update(&self.buf[..n]);
            out.write_all(&self.buf[..n]).map_err(|e| StorageError::io(self.dest, e))?;
            (self.progress)(n as u64);
            left -= n as u64;
        }
        Ok(())
    }
}

/// Creates (or truncates) a local file, creating its parent directories only when they are
/// missing (one `open` in the common case).
fn create_file(path: &Path) -> std::io::Result<File> {
    match File::create(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            File::create(path)
        }
        other => other,
    }
}

/// Reads until `buf` is full or the end of the input.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Region of an AWS bucket: anonymous `HEAD https://s3.amazonaws.com/<bucket>` answers with
/// the `x-amz-bucket-region` header whatever the status (200, 301, 403).
#[cfg(feature = "s3")]
async fn aws_bucket_region(bucket: &str) -> Option<String> {
    let req = http::Request::head(format!("https://s3.amazonaws.com/{bucket}"))
        .body(opendal::Buffer::new())
        .ok()?;
    let res = opendal::HttpTransporter::default().send(req).await.ok()?;
    res.headers().get("x-amz-bucket-region")?.to_str().ok().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_keys() {
        assert_eq!(dir_key(""), "");
        assert_eq!(dir_key("/"), "");
        assert_eq!(dir_key("a"), "a/");
        assert_eq!(dir_key("a/"), "a/");
        assert_eq!(dir_key("/a/b//"), "a/b/");
    }

    #[test]
    fn local_copies_hash_first_and_last_chunk_and_copy_the_middle() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src.bin");
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 31 % 251) as u8).collect();
        std::fs::write(&src, &data).unwrap();
        let store =
            Store::open(&StorageRoot::parse(dir.path().join("root").to_str().unwrap()).unwrap()).unwrap();
        for chunk in [1000u64, 150_000, 200_000, 0] {
            let mut seen = 0;
            let h = store.put_file_with_chunk("x/y.bin", &src, chunk, &mut |n| seen += n).unwrap();
            assert_eq!(h, crate::hash::hash_bytes_with_chunk(&data, chunk), "chunk {chunk}");
            assert_eq!(seen, data.len() as u64);
            assert_eq!(std::fs::read(dir.path().join("root/x/y.bin")).unwrap(), data);
        }
    }

    #[test]
    fn region_of_non_s3_is_none() {
        let store = Store::open(&StorageRoot::parse("memory://region-test").unwrap()).unwrap();
        assert_eq!(store.detect_region(), None);
    }
}
