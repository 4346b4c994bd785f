//! LaminDB's content hashes of bytes and files (lamindb-setup `core/hashing.py`).
//!
//! Content up to [`CHUNK_SIZE`] is hashed with md5 (`hash_type` `"md5"`). Larger content is
//! hashed as `sha1(sha1(first chunk) || sha1(last chunk))` (`"sha1-fl"`, the size is not
//! included). Digests are encoded as URL-safe base64 without padding, truncated to 22 chars.

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
    let mut first = Sha1::new();
    stream(&mut file, chunk, |b| first.update(b)).map_err(io)?;
    file.seek(SeekFrom::Start(size - chunk)).map_err(io)?;
    let mut last = Sha1::new();
    stream(&mut file, chunk, |b| last.update(b)).map_err(io)?;
    Ok(FileHash { hash: sha1_fl(&first.finalize(), &last.finalize()), hash_type: "sha1-fl", size })
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

/// URL-safe base64 of `digest`, without padding, truncated to [`HASH_LENGTH`] characters.
pub fn to_b64_str(digest: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(digest.len().div_ceil(3) * 4);
    for group in digest.chunks(3) {
        let n = group.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        // 1 byte -> 2 chars, 2 bytes -> 3 chars, 3 bytes -> 4 chars (no padding).
        for i in 0..=group.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 0x3f) as usize] as char);
        }
    }
    out.truncate(HASH_LENGTH);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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
