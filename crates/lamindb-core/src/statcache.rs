//! The stat cache: LaminDB hashes of local files, remembered by what `stat` says of them, so that
//! saving an unchanged file again does not read it.
//!
//! An entry is the file's absolute path with its size, modification and status-change times (in
//! nanoseconds), inode and device, and the hash computed from it. A lookup answers only when all
//! five are unchanged: writing a file changes its modification time, and so does `touch`; `ctime`
//! changes on every write and on every `utime`, so content written back with the old mtime is
//! caught too; a file replaced by another (rename over it) has another inode.
//!
//! File times come from a clock that may lag the real one by a tick; a file modified in the same
//! tick as it was hashed could keep its times. So an entry is written only for files whose times
//! are older than the moment hashing started, minus a margin: a file still being written is
//! hashed again next time.
//!
//! The cache is a SQLite database in the lamindb cache directory (`stat-cache.sqlite`), shared by
//! all instances (a hash is a property of the bytes). It is only a cache: when it cannot be opened
//! or written, files are hashed as if it were empty.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use lamindb_storage::hash::FileHash;

/// Entries are written only for files whose times are older than the start of hashing by this.
const RACY_MARGIN: Duration = Duration::from_millis(50);

/// What `stat` says of a file, as the cache compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FileStat {
    size: i64,
    mtime_ns: i64,
    ctime_ns: i64,
    ino: i64,
    dev: i64,
}

impl FileStat {
    pub(crate) fn of(meta: &std::fs::Metadata) -> FileStat {
        FileStat {
            size: meta.size() as i64,
            mtime_ns: meta.mtime().saturating_mul(1_000_000_000).saturating_add(meta.mtime_nsec()),
            ctime_ns: meta.ctime().saturating_mul(1_000_000_000).saturating_add(meta.ctime_nsec()),
            ino: meta.ino() as i64,
            dev: meta.dev() as i64,
        }
    }

    /// The file's size in bytes.
    pub(crate) fn size(&self) -> u64 {
        self.size as u64
    }

    /// Whether the file's times are old enough, relative to `start`, for its hash to be kept.
    pub(crate) fn settled(&self, start: SystemTime) -> bool {
        let Ok(since) = start.duration_since(SystemTime::UNIX_EPOCH) else { return false };
        let limit = since.saturating_sub(RACY_MARGIN).as_nanos() as i64;
        self.mtime_ns < limit && self.ctime_ns < limit
    }
}

#[derive(QueryableByName)]
struct Entry {
    #[diesel(sql_type = Text)]
    path: String,
    #[diesel(sql_type = BigInt)]
    size: i64,
    #[diesel(sql_type = BigInt)]
    mtime_ns: i64,
    #[diesel(sql_type = BigInt)]
    ctime_ns: i64,
    #[diesel(sql_type = BigInt)]
    ino: i64,
    #[diesel(sql_type = BigInt)]
    dev: i64,
    #[diesel(sql_type = Text)]
    hash: String,
    #[diesel(sql_type = Text)]
    hash_type: String,
}

/// An open stat cache.
pub(crate) struct StatCache {
    conn: Mutex<SqliteConnection>,
}

const SCHEMA: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;
CREATE TABLE IF NOT EXISTS file_hash (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL, ino INTEGER NOT NULL, dev INTEGER NOT NULL,
    hash TEXT NOT NULL, hash_type TEXT NOT NULL
) WITHOUT ROWID;";

/// Rows per lookup or insert statement (4 or 8 bind parameters each).
const CHUNK: usize = 1000;

impl StatCache {
    /// Opens the cache in the lamindb cache directory; `None` when it cannot be used.
    pub(crate) fn open() -> Option<StatCache> {
        let dir = crate::settings::cache_dir().ok()?;
        StatCache::open_at(&dir.join("stat-cache.sqlite"))
    }

    fn open_at(path: &Path) -> Option<StatCache> {
        std::fs::create_dir_all(path.parent()?).ok()?;
        let mut conn = SqliteConnection::establish(path.to_str()?).ok()?;
        conn.batch_execute(SCHEMA).ok()?;
        Some(StatCache { conn: Mutex::new(conn) })
    }

    /// The cached hashes of those `files` whose stat is unchanged, by path.
    ///
    /// Sorted paths (a folder walk) are read with one range scan; otherwise by key.
    pub(crate) fn get_many(&self, files: &[(&str, FileStat)]) -> HashMap<String, FileHash> {
        let mut out = HashMap::with_capacity(files.len());
        let Ok(mut conn) = self.conn.lock() else { return out };
        let wanted: HashMap<&str, FileStat> = files.iter().copied().collect();
        let mut keep = |e: Entry| {
            let stat =
                FileStat { size: e.size, mtime_ns: e.mtime_ns, ctime_ns: e.ctime_ns, ino: e.ino, dev: e.dev };
            if wanted.get(e.path.as_str()) == Some(&stat) {
                let hash_type = match e.hash_type.as_str() {
                    "md5" => "md5",
                    "sha1-fl" => "sha1-fl",
                    _ => return,
                };
                out.insert(e.path, FileHash { hash: e.hash, hash_type, size: e.size as u64 });
            }
        };
        const COLUMNS: &str =
            "SELECT path, size, mtime_ns, ctime_ns, ino, dev, hash, hash_type FROM file_hash";
        let (Some(min), Some(max)) = (files.iter().map(|f| f.0).min(), files.iter().map(|f| f.0).max())
        else {
            return out;
        };
        // A range scan when the batch's range holds few other entries, else lookups by key.
        let limit = (files.len() * 2 + 100) as i64;
        let ranged = diesel::sql_query(format!("{COLUMNS} WHERE path >= ? AND path <= ? LIMIT ?"))
            .bind::<Text, _>(min)
            .bind::<Text, _>(max)
            .bind::<BigInt, _>(limit)
            .load::<Entry>(&mut *conn);
        match ranged {
            Ok(rows) if (rows.len() as i64) < limit => rows.into_iter().for_each(&mut keep),
            Ok(_) => {
                for chunk in files.chunks(CHUNK) {
                    let marks = vec!["?"; chunk.len()].join(", ");
                    let mut q = diesel::sql_query(format!("{COLUMNS} WHERE path IN ({marks})")).into_boxed();
                    for (p, _) in chunk {
                        q = q.bind::<Text, _>(*p);
                    }
                    if let Ok(rows) = q.load::<Entry>(&mut *conn) {
                        rows.into_iter().for_each(&mut keep);
                    }
                }
            }
            Err(_) => {}
        }
        out
    }

    /// Forgets the hashes of `paths` (files whose stored bytes did not hash as the cache said:
    /// they changed without their stat changing, or the cache was wrong). Errors are ignored.
    pub(crate) fn forget(&self, paths: &[&str]) {
        let Ok(mut conn) = self.conn.lock() else { return };
        for path in paths {
            let _ = diesel::sql_query("DELETE FROM file_hash WHERE path = ?")
                .bind::<Text, _>(*path)
                .execute(&mut *conn);
        }
    }

    /// Remembers the hashes of files hashed since `start`: `(path, stat, hash, hash type)` (see
    /// the module docs for which ones are kept; only `md5` and `sha1-fl`, the hashes of files).
    /// Errors are ignored: the next save hashes those files again.
    pub(crate) fn put_many<'a>(
        &self,
        start: SystemTime,
        files: impl Iterator<Item = (&'a str, FileStat, &'a str, &'a str)>,
    ) {
        let settled: Vec<_> =
            files.filter(|(_, s, _, t)| s.settled(start) && matches!(*t, "md5" | "sha1-fl")).collect();
        if settled.is_empty() {
            return;
        }
        let Ok(mut conn) = self.conn.lock() else { return };
        let _ = conn.transaction::<_, diesel::result::Error, _>(|conn| {
            for chunk in settled.chunks(CHUNK) {
                let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
                let mut q = diesel::sql_query(format!(
                    "INSERT OR REPLACE INTO file_hash (path, size, mtime_ns, ctime_ns, ino, dev, hash, hash_type) VALUES {rows}"
                ))
                .into_boxed();
                for (path, s, hash, hash_type) in chunk {
                    q = q
                        .bind::<Text, _>(*path)
                        .bind::<BigInt, _>(s.size)
                        .bind::<BigInt, _>(s.mtime_ns)
                        .bind::<BigInt, _>(s.ctime_ns)
                        .bind::<BigInt, _>(s.ino)
                        .bind::<BigInt, _>(s.dev)
                        .bind::<Text, _>(*hash)
                        .bind::<Text, _>(*hash_type);
                }
                q.execute(conn)?;
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(path: &Path) -> FileStat {
        FileStat::of(&std::fs::metadata(path).unwrap())
    }

    #[test]
    fn answers_only_for_unchanged_files() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = StatCache::open_at(&tmp.path().join("cache.sqlite")).unwrap();
        let file = tmp.path().join("a.txt");
        std::fs::write(&file, b"hello").unwrap();
        let p = file.to_str().unwrap();
        let h = lamindb_storage::hash::hash_file(&file).unwrap();
        // Hashed right after the write: too recent to be kept.
        let entry = (p, stat(&file), h.hash.as_str(), h.hash_type);
        cache.put_many(SystemTime::now(), std::iter::once(entry));
        assert!(cache.get_many(&[(p, stat(&file))]).is_empty());
        std::thread::sleep(RACY_MARGIN * 2);
        cache.put_many(SystemTime::now(), std::iter::once(entry));
        assert_eq!(cache.get_many(&[(p, stat(&file))]).get(p), Some(&h));
        // Same size, other content: the times differ.
        std::fs::write(&file, b"world").unwrap();
        assert!(cache.get_many(&[(p, stat(&file))]).is_empty());
    }
}
