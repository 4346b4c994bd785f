//! LaminDB's content hashes of bytes and files (lamindb-setup `core/hashing.py`).
//!
//! Content up to [`CHUNK_SIZE`] is hashed with md5 (`hash_type` `"md5"`). Larger content is
//! hashed as `sha1(sha1(first chunk) || sha1(last chunk))` (`"sha1-fl"`, the size is not
//! included). Digests are encoded as URL-safe base64 without padding, truncated to 22 chars.
//! A local folder is hashed as `md5-d`: the md5 of the concatenated md5 digests of its files'
//! hash strings, sorted (paths are not included). [`StreamHasher`] computes a file hash while
//! the bytes stream past (e.g. during a copy), so that the source is read once.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use md5::{Digest, Md5};
use sha1::Sha1;

use crate::error::{Result, StorageError};

/// Chunk size of LaminDB's file hashing: 50 MiB.
pub const CHUNK_SIZE: u64 = 50 * 1024 * 1024;

/// Length of LaminDB hashes in base64 characters.
pub const HASH_LENGTH: usize = 22;

/// Buffer size for streaming a file through a hasher.
const READ_BUF: usize = 1024 * 1024;

/// A content hash as stored in `Artifact.hash` / `Artifact._hash_type` / `Artifact.size`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHash {
    /// The 22-character URL-safe base64 hash.
    pub hash: String,
    /// `"md5"` or `"sha1-fl"`.
    pub hash_type: &'static str,
    /// Size of the content in bytes.
    pub size: u64,
}

/// Hashes in-memory content with LaminDB's default chunk size.
pub fn hash_bytes(bytes: &[u8]) -> FileHash {
    hash_bytes_with_chunk(bytes, CHUNK_SIZE)
}

/// Hashes in-memory content with the given chunk size (`0` means "no chunking": always md5).
pub fn hash_bytes_with_chunk(bytes: &[u8], chunk: u64) -> FileHash {
    let size = bytes.len() as u64;
    if chunk == 0 || size <= chunk {
        return FileHash { hash: to_b64_str(&Md5::digest(bytes)), hash_type: "md5", size };
    }
    // size > chunk, so chunk fits in usize.
    let chunk = chunk as usize;
    let first = Sha1::digest(&bytes[..chunk]);
    let last = Sha1::digest(&bytes[bytes.len() - chunk..]);
    FileHash { hash: sha1_fl(&first, &last), hash_type: "sha1-fl", size }
}

/// Hashes a local file with LaminDB's default chunk size, streaming it.
pub fn hash_file(path: &Path) -> Result<FileHash> {
    hash_file_with_chunk(path, CHUNK_SIZE)
}

/// Hashes a local file with the given chunk size (`0` means "no chunking"), streaming it:
/// at most one read buffer is in memory at a time.
pub fn hash_file_with_chunk(path: &Path, chunk: u64) -> Result<FileHash> {
    let io = |e| StorageError::io(path, e);
    let mut file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if chunk == 0 || size <= chunk {
        let mut md5 = Md5::new();
        stream(&mut file, size, |b| md5.update(b)).map_err(io)?;
        return Ok(FileHash { hash: to_b64_str(&md5.finalize()), hash_type: "md5", size });
    }
    // The two chunks are hashed at the same time, on two threads.
    let mut tail = File::open(path).map_err(io)?;
    let (first, last) = std::thread::scope(|scope| {
        let last = scope.spawn(move || -> std::io::Result<_> {
            tail.seek(SeekFrom::Start(size - chunk))?;
            let mut last = Sha1::new();
            stream(&mut tail, chunk, |b| last.update(b))?;
            Ok(last.finalize())
        });
        let mut first = Sha1::new();
        let head = stream(&mut file, chunk, |b| first.update(b)).map(|()| first.finalize());
        (head, last.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    });
    let (first, last) = (first.map_err(io)?, last.map_err(io)?);
    Ok(FileHash { hash: sha1_fl(&first, &last), hash_type: "sha1-fl", size })
}

/// Feeds exactly `len` bytes of `reader` to `update` (fails on a premature end of file).
fn stream(reader: &mut impl Read, len: u64, mut update: impl FnMut(&[u8])) -> std::io::Result<()> {
    let mut buf = vec![0u8; READ_BUF.min(len.max(1) as usize)];
    let mut left = len;
    while left > 0 {
        let want = buf.len().min(left as usize);
        reader.read_exact(&mut buf[..want])?;
        update(&buf[..want]);
        left -= want as u64;
    }
    Ok(())
}

/// Computes LaminDB's hash of content of a known size while it streams past, in any slicing.
///
/// Bytes at offsets below the chunk size feed the first-chunk hasher, bytes in the last chunk
/// the last-chunk hasher (the two overlap when the content is smaller than two chunks); content
/// up to one chunk is md5-hashed.
#[derive(Clone, Debug)]
pub struct StreamHasher {
    size: u64,
    chunk: u64,
    pos: u64,
    md5: Option<Md5>,
    first: Sha1,
    last: Sha1,
}

impl StreamHasher {
    /// A hasher for `size` bytes with LaminDB's default chunk size.
    pub fn new(size: u64) -> StreamHasher {
        StreamHasher::with_chunk(size, CHUNK_SIZE)
    }

    /// A hasher for `size` bytes with the given chunk size (`0`: always md5).
    pub fn with_chunk(size: u64, chunk: u64) -> StreamHasher {
        let md5 = (chunk == 0 || size <= chunk).then(Md5::new);
        StreamHasher { size, chunk, pos: 0, md5, first: Sha1::new(), last: Sha1::new() }
    }

    /// Feeds the next bytes.
    pub fn update(&mut self, buf: &[u8]) {
        let start = self.pos;
        self.pos += buf.len() as u64;
        if let Some(md5) = &mut self.md5 {
            md5.update(buf);
            return;
        }
        let end = self.pos;
        if start < self.chunk {
            let n = (self.chunk.min(end) - start) as usize;
            self.first.update(&buf[..n]);
        }
        let tail = self.size.saturating_sub(self.chunk);
        if end > tail {
            let from = tail.saturating_sub(start) as usize;
            self.last.update(&buf[from.min(buf.len())..]);
        }
    }

    /// The byte range `[start, end)` that no part of the hash depends on (between the first and
    /// the last chunk of content larger than two chunks), if any.
    pub fn unhashed_middle(&self) -> Option<(u64, u64)> {
        let tail = self.size.saturating_sub(self.chunk);
        (self.md5.is_none() && tail > self.chunk).then_some((self.chunk, tail))
    }

    /// Advances over `n` bytes without feeding them; they must lie in [`Self::unhashed_middle`]
    /// (other bytes skipped make [`Self::finish`] return a wrong hash).
    pub fn skip(&mut self, n: u64) {
        self.pos += n;
    }

    /// Bytes fed so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// The hash; `None` when the number of bytes fed differs from the announced size
    /// (the content changed while it was read).
    pub fn finish(self) -> Option<FileHash> {
        if self.pos != self.size {
            return None;
        }
        Some(match self.md5 {
            Some(md5) => FileHash { hash: to_b64_str(&md5.finalize()), hash_type: "md5", size: self.size },
            None => FileHash {
                hash: sha1_fl(&self.first.finalize(), &self.last.finalize()),
                hash_type: "sha1-fl",
                size: self.size,
            },
        })
    }
}

/// The hash of a local folder (`md5-d`) with its size and number of files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirHash {
    /// The 22-character hash.
    pub hash: String,
    /// Always `"md5-d"`.
    pub hash_type: &'static str,
    /// Total size of the files in bytes.
    pub size: u64,
    /// Files: path relative to the folder (with `/`), and its hash; sorted by path.
    pub files: Vec<(String, FileHash)>,
}

/// LaminDB's `hash_from_hashes_list`: md5 over the md5 digests of the sorted hash strings.
pub fn hash_from_hashes<'a>(hashes: impl IntoIterator<Item = &'a str>) -> String {
    let mut sorted: Vec<&str> = hashes.into_iter().collect();
    sorted.sort_unstable();
    let mut outer = Md5::new();
    for h in sorted {
        outer.update(Md5::digest(h.as_bytes()));
    }
    to_b64_str(&outer.finalize())
}

/// The files below a local folder (recursively; symlinked directories are not followed,
/// symlinks to files are), as `(relative path with '/', absolute path)`, sorted. Only regular
/// files (and symlinks to them) are taken: FIFOs, sockets and devices are skipped, as LaminDB's
/// `Artifact.from_dir` skips them (reading a FIFO would wait for a writer forever). A path that
/// is not UTF-8 is an error ([`StorageError::NotUtf8`]).
pub fn list_dir_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut out = walk_dir_files(dir).collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

/// The files of [`list_dir_files`], walked lazily: each folder's entries by name, depth first.
pub fn walk_dir_files(dir: &Path) -> impl Iterator<Item = Result<(String, std::path::PathBuf)>> + use<> {
    let base = dir.to_path_buf();
    // Siblings share their parent's path, so their whole paths sort as their names do: byte
    // comparisons, without taking each name apart again for every comparison.
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()));
    walker.into_iter().filter_map(move |entry| {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(&base).to_path_buf();
                let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop"));
                return Some(Err(StorageError::io(&path, io)));
            }
        };
        let ft = entry.file_type();
        if !(ft.is_file() || (ft.is_symlink() && entry.path().is_file())) {
            return None;
        }
        if let Err(e) = crate::key::utf8_path(entry.path()) {
            return Some(Err(e));
        }
        let rel = crate::key::relative_key(entry.path(), &base)
            .unwrap_or_else(|| entry.path().to_string_lossy().into_owned());
        Some(Ok((rel, entry.into_path())))
    })
}

/// Hashes a local folder as LaminDB does (`md5-d`). An empty folder is refused.
pub fn hash_dir(dir: &Path) -> Result<DirHash> {
    let files = list_dir_files(dir)?;
    if files.is_empty() {
        return Err(StorageError::Io {
            path: dir.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the folder has no files"),
        });
    }
    let mut hashed = Vec::with_capacity(files.len());
    for (rel, path) in files {
        hashed.push((rel, hash_file(&path)?));
    }
    let hash = hash_from_hashes(hashed.iter().map(|(_, h)| h.hash.as_str()));
    let size = hashed.iter().map(|(_, h)| h.size).sum();
    Ok(DirHash { hash, hash_type: "md5-d", size, files: hashed })
}

fn sha1_fl(first: &[u8], last: &[u8]) -> String {
    let mut outer = Sha1::new();
    outer.update(first);
    outer.update(last);
    to_b64_str(&outer.finalize())
}

/// Converts a hex digest (e.g. an S3 ETag, surrounding `"` allowed, any case) to LaminDB's
/// base64 form.
pub fn b16_to_b64(hex: &str) -> Result<String> {
    let s = hex.trim_matches('"');
    let invalid = || StorageError::InvalidHex(hex.to_string());
    if !s.len().is_multiple_of(2) {
        return Err(invalid());
    }
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let bytes = s
        .as_bytes()
        .chunks(2)
        .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(invalid)?;
    Ok(to_b64_str(&bytes))
}

/// LaminDB's hash of a cloud object from its store's metadata (lamindb-setup's
/// `get_stat_file_cloud`): on S3 the ETag's hex as base64 (`md5`), or for a multipart upload
/// (`<hex>-<parts>`) its hex part with type `md5-<parts>`; on GCS `md5Hash` made URL-safe
/// (`md5`), else the md5 of the ETag (`md5-etag`). `None` for other stores, or without metadata.
pub fn object_hash(
    kind: crate::RootKind,
    etag: Option<&str>,
    content_md5: Option<&str>,
) -> Option<(String, String)> {
    let strip = |s: &str| s.trim_matches(|c| c == '"' || c == '=').to_string();
    match kind {
        crate::RootKind::S3 => {
            let etag = strip(etag?);
            match etag.split_once('-') {
                None => Some((b16_to_b64(&etag).ok()?, "md5".into())),
                Some((hex, parts)) => Some((b16_to_b64(hex).ok()?, format!("md5-{parts}"))),
            }
        }
        crate::RootKind::Gs => match (content_md5, etag) {
            (Some(md5), _) => {
                let mut h = strip(md5).replace('+', "-").replace('/', "_");
                h.truncate(HASH_LENGTH);
                Some((h, "md5".into()))
            }
            (None, Some(etag)) => Some((hash_string(&strip(etag)), "md5-etag".into())),
            (None, None) => None,
        },
        _ => None,
    }
}

/// LaminDB's `hash_string`: the md5 of a string's UTF-8 bytes, as base64.
pub fn hash_string(s: &str) -> String {
    to_b64_str(&Md5::digest(s.as_bytes()))
}

/// URL-safe base64 of `digest`, without padding, truncated to [`HASH_LENGTH`] characters.
pub fn to_b64_str(digest: &[u8]) -> String {
    use base64::Engine;
    let mut out = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    out.truncate(HASH_LENGTH);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn cloud_object_hashes_as_lamindb() {
        use crate::RootKind;
        let single = object_hash(RootKind::S3, Some("\"9b89c8c1acf79dba5b5341d1fff9806f\""), None);
        assert_eq!(single, Some(("m4nIwaz3nbpbU0HR__mAbw".into(), "md5".into())));
        let multi = object_hash(RootKind::S3, Some("\"9b89c8c1acf79dba5b5341d1fff9806f-12\""), None);
        assert_eq!(multi, Some(("m4nIwaz3nbpbU0HR__mAbw".into(), "md5-12".into())));
        let gcs = object_hash(RootKind::Gs, Some("CKih16GjycICEAE="), Some("fHcEH1vPwA6eTPqxuasXcg=="));
        assert_eq!(gcs, Some(("fHcEH1vPwA6eTPqxuasXcg".into(), "md5".into())));
        assert_eq!(
            object_hash(RootKind::Gs, Some("abc"), None),
            Some((hash_string("abc"), "md5-etag".into()))
        );
        assert_eq!(object_hash(RootKind::Local, Some("abc"), None), None);
        assert_eq!(object_hash(RootKind::S3, None, None), None);
    }

    #[test]
    fn lamindb_vectors() {
        assert_eq!(hash_bytes(b"a").hash, "DMF1ucDxtqgxw5niaXcmYQ");
        assert_eq!(hash_bytes(b"b").hash, "kutf_uauL-w61xx3dTFXjw");
        let abc = hash_bytes(b"abc");
        assert_eq!(abc, FileHash { hash: "kAFQmDzST7DWlj99KOF_cg".into(), hash_type: "md5", size: 3 });
        let fl = hash_bytes_with_chunk(b"abc", 1);
        assert_eq!(fl.hash, "p0EbDbQEP1wS-Tw6TuBjKS");
        assert_eq!(fl.hash_type, "sha1-fl");
        assert_eq!(fl.size, 3);
        assert_eq!(b16_to_b64("9b89c8c1acf79dba5b5341d1fff9806f").unwrap(), "m4nIwaz3nbpbU0HR__mAbw");
        assert_eq!(b16_to_b64("\"9B89C8C1ACF79DBA5B5341D1FFF9806F\"").unwrap(), "m4nIwaz3nbpbU0HR__mAbw");
    }

    #[test]
    fn b64_and_hex_edge_cases() {
        assert_eq!(to_b64_str(b""), "");
        assert_eq!(to_b64_str(b"f"), "Zg");
        assert_eq!(to_b64_str(b"fo"), "Zm8");
        assert_eq!(to_b64_str(b"foo"), "Zm9v");
        assert_eq!(to_b64_str(&[0xfb, 0xff]), "-_8");
        assert_eq!(to_b64_str(&[0u8; 20]).len(), HASH_LENGTH);
        assert!(b16_to_b64("abc").is_err());
        assert!(b16_to_b64("zz").is_err());
        assert_eq!(hash_bytes(b"").hash_type, "md5");
        assert_eq!(hash_bytes_with_chunk(b"abc", 0).hash, "kAFQmDzST7DWlj99KOF_cg");
        assert_eq!(hash_bytes_with_chunk(b"abc", 3).hash_type, "md5");
    }

    #[test]
    fn stream_hasher_equals_bytes_in_any_slicing() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 13 % 251) as u8).collect();
        for chunk in [0u64, 1, 100, 3000, 5000, 6000, 9999, 10_000, CHUNK_SIZE] {
            for piece in [1usize, 7, 999, 4096, 10_000] {
                let mut h = StreamHasher::with_chunk(data.len() as u64, chunk);
                for p in data.chunks(piece) {
                    h.update(p);
                }
                assert_eq!(
                    h.finish(),
                    Some(hash_bytes_with_chunk(&data, chunk)),
                    "chunk {chunk} piece {piece}"
                );
            }
        }
        // Skipping the unhashed middle gives the same hash.
        let mut h = StreamHasher::with_chunk(data.len() as u64, 3000);
        let (a, b) = h.unhashed_middle().unwrap();
        assert_eq!((a, b), (3000, 7000));
        h.update(&data[..3000]);
        h.skip(4000);
        h.update(&data[7000..]);
        assert_eq!(h.finish(), Some(hash_bytes_with_chunk(&data, 3000)));
        assert_eq!(StreamHasher::with_chunk(10, 5).unhashed_middle(), None);
        assert_eq!(StreamHasher::with_chunk(10, 0).unhashed_middle(), None);
        let mut short = StreamHasher::new(5);
        short.update(b"abc");
        assert_eq!(short.finish(), None);
    }

    #[test]
    fn folder_hash_matches_lamindb() {
        // Python: lamindb_setup.core.hashing.hash_dir on this folder gives
        // (10, 'mzjPVezsMAD_JOBr5ag0-w', 'md5-d', 3).
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
        std::fs::write(dir.path().join("a.txt"), b"a").unwrap();
        std::fs::write(dir.path().join("sub/b.csv"), b"x,y\n1,2").unwrap();
        std::fs::write(dir.path().join("sub/deeper/c"), b"cc").unwrap();
        let h = hash_dir(dir.path()).unwrap();
        assert_eq!((h.size, h.hash_type, h.files.len()), (10, "md5-d", 3));
        assert_eq!(h.hash, "mzjPVezsMAD_JOBr5ag0-w");
        assert_eq!(h.files[1].0, "sub/b.csv");
        let empty = tempfile::tempdir().unwrap();
        assert!(hash_dir(empty.path()).is_err());
    }

    #[test]
    fn file_equals_bytes() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&data).unwrap();
        f.flush().unwrap();
        for chunk in [0, 1, 1000, 4096, 99_999, 100_000, CHUNK_SIZE] {
            let from_file = hash_file_with_chunk(f.path(), chunk).unwrap();
            assert_eq!(from_file, hash_bytes_with_chunk(&data, chunk), "chunk {chunk}");
        }
        assert_eq!(hash_file(f.path()).unwrap(), hash_bytes(&data));
        assert_eq!(hash_file_with_chunk(f.path(), 1000).unwrap().hash_type, "sha1-fl");
        let missing = hash_file(Path::new("/nonexistent/file")).unwrap_err();
        assert!(missing.is_not_found());
    }
}
