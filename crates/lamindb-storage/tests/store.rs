//! Store and marker round trips on the local file system, in memory, and (when
//! `LAMIN_TEST_S3_ENDPOINT` and `LAMIN_TEST_S3_BUCKET` are set) on S3.

use std::path::Path;

use lamindb_storage::hash::{hash_bytes_with_chunk, hash_file_with_chunk};
use lamindb_storage::marker::{
    self, LEGACY_MARKER_KEY, MARKER_KEY, MarkerInfo, managed_objects, read_marker, remove_marker,
    write_marker,
};
use lamindb_storage::{Entry, RootKind, StorageRoot, Store};

fn info(uid: &str) -> MarkerInfo {
    MarkerInfo {
        storage_uid: uid.into(),
        instance_slug: "anonymous/data".into(),
        instance_id_hex: "e137f67e636b5afd9c29bb210c687952".into(),
        instance_uid: "20y5jjSJFsk4".into(),
    }
}

fn keys(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|e| e.key.as_str()).collect()
}

/// The same round trip for every kind of store; the store must be empty.
fn round_trip(store: &Store) {
    assert_eq!(store.list("", true).unwrap(), vec![]);
    assert_eq!(store.list("missing/", false).unwrap(), vec![]);
    assert!(!store.exists("a.txt").unwrap());
    assert!(store.read("a.txt").unwrap_err().is_not_found());
    assert_eq!(store.stat("a.txt").unwrap(), None);

    store.write("a.txt", b"hello".to_vec()).unwrap();
    store.write("dir/sub/b.txt", b"bb".to_vec()).unwrap();
    store.write("dir/c.txt", Vec::new()).unwrap();
    assert_eq!(store.read("a.txt").unwrap(), b"hello");
    assert_eq!(store.read("dir/sub/b.txt").unwrap(), b"bb");
    assert_eq!(store.read("dir/c.txt").unwrap(), b"");
    assert!(store.exists("a.txt").unwrap());
    let stat = store.stat("dir/sub/b.txt").unwrap().unwrap();
    assert_eq!((stat.size, stat.is_dir), (2, false));

    // overwrite
    store.write("a.txt", b"hello world".to_vec()).unwrap();
    assert_eq!(store.read("a.txt").unwrap(), b"hello world");

    let all = store.list("", true).unwrap();
    assert_eq!(keys(&all), ["a.txt", "dir/c.txt", "dir/sub/b.txt"]);
    assert_eq!(all[0].size, 11);
    assert!(all.iter().all(|e| !e.is_dir));
    let under = store.list("dir", true).unwrap();
    assert_eq!(keys(&under), ["dir/c.txt", "dir/sub/b.txt"]);
    let children = store.list("dir/", false).unwrap();
    assert_eq!(keys(&children), ["dir/c.txt", "dir/sub/"]);
    assert!(children[1].is_dir);
    let top = store.list("", false).unwrap();
    assert_eq!(keys(&top), ["a.txt", "dir/"]);

    // A streamed copy computes LaminDB's hash of what it copied.
    let src = tempfile::NamedTempFile::new().unwrap();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(src.path(), &data).unwrap();
    let mut written = 0;
    let h = store.put_file("copied/x.bin", src.path(), &mut |n| written += n).unwrap();
    assert_eq!(h, lamindb_storage::hash::hash_bytes(&data));
    assert_eq!(written, data.len() as u64);
    assert_eq!(store.read("copied/x.bin").unwrap(), data);
    let (size, _) = store.stat_file("copied/x.bin").unwrap().unwrap();
    assert_eq!(size, data.len() as u64);
    let n = store.copy_file("copied/z.bin", src.path(), &mut |_| {}).unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(store.read("copied/z.bin").unwrap(), data);
    store.put_bytes("copied/y.txt", b"y").unwrap();
    assert_eq!(store.read("copied/y.txt").unwrap(), b"y");
    assert_eq!(store.stat_file("copied/none").unwrap(), None);
    store.delete_all("copied/").unwrap();

    store.create_dir("empty-dir/").unwrap();
    store.create_dir("empty-dir").unwrap();
    assert!(store.exists("empty-dir/").unwrap());

    store.delete("a.txt").unwrap();
    store.delete("a.txt").unwrap();
    assert!(!store.exists("a.txt").unwrap());
    store.delete_all("dir/").unwrap();
    store.delete_all("dir/").unwrap();
    store.delete_all("never-existed").unwrap();
    assert_eq!(store.list("dir/", true).unwrap(), vec![]);
    assert!(store.delete_all("").is_err());

    // streamed upload / download
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src.bin");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&src, &data).unwrap();
    assert_eq!(store.upload_file("up/src.bin", &src).unwrap(), data.len() as u64);
    let dst = tmp.path().join("dst.bin");
    assert_eq!(store.download_file("up/src.bin", &dst).unwrap(), data.len() as u64);
    assert_eq!(std::fs::read(&dst).unwrap(), data);
    store.delete_all("up/").unwrap();

    marker_round_trip(store);
    store.delete_all("empty-dir/").unwrap();
    store.delete_all(".lamindb/").unwrap();
    assert_eq!(store.list("", true).unwrap(), vec![]);
}

fn marker_round_trip(store: &Store) {
    assert_eq!(read_marker(store).unwrap(), None);
    store.create_dir(".lamindb/").unwrap();
    write_marker(store, &info("wLS6A7qTJRos")).unwrap();
    let bytes = store.read(MARKER_KEY).unwrap();
    assert_eq!(bytes.len(), 127);
    assert_eq!(String::from_utf8(bytes).unwrap(), marker::format_marker(&info("wLS6A7qTJRos")));
    assert_eq!(read_marker(store).unwrap().as_deref(), Some("wLS6A7qTJRos"));

    // managed objects: everything under .lamindb/ except the marker and ignored keys
    assert_eq!(managed_objects(store, &[]).unwrap(), Vec::<String>::new());
    store.write(".lamindb/abc.txt", b"x".to_vec()).unwrap();
    store.write(".lamindb/lamin.db", b"x".to_vec()).unwrap();
    store.write(".lamindb/lamin.db-wal", b"x".to_vec()).unwrap();
    store.write(".lamindb/folder/x.csv", b"x".to_vec()).unwrap();
    store.write("outside.txt", b"x".to_vec()).unwrap();
    assert_eq!(
        managed_objects(store, &[".lamindb/lamin.db"]).unwrap(),
        [".lamindb/abc.txt", ".lamindb/folder/x.csv"]
    );
    assert_eq!(managed_objects(store, &[]).unwrap().len(), 4);
    for key in [
        ".lamindb/abc.txt",
        ".lamindb/lamin.db",
        ".lamindb/lamin.db-wal",
        ".lamindb/folder/x.csv",
        "outside.txt",
    ] {
        store.delete(key).unwrap();
    }

    // legacy marker: read and moved to the new key
    remove_marker(store).unwrap();
    assert_eq!(read_marker(store).unwrap(), None);
    store.write(LEGACY_MARKER_KEY, b"legacyUid123\ncreation info:".to_vec()).unwrap();
    assert_eq!(read_marker(store).unwrap().as_deref(), Some("legacyUid123"));
    assert!(!store.exists(LEGACY_MARKER_KEY).unwrap());
    assert!(store.exists(MARKER_KEY).unwrap());
    assert_eq!(read_marker(store).unwrap().as_deref(), Some("legacyUid123"));

    // an empty marker counts as no marker
    store.write(MARKER_KEY, Vec::new()).unwrap();
    assert_eq!(read_marker(store).unwrap(), None);
    remove_marker(store).unwrap();
    remove_marker(store).unwrap();
    assert!(!store.exists(MARKER_KEY).unwrap());
}

#[test]
fn fs_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("not-yet-created");
    let root = StorageRoot::parse(dir.to_str().unwrap()).unwrap();
    let store = Store::open(&root).unwrap();
    assert!(!dir.exists(), "opening must not create the root");
    assert_eq!(store.root(), &root);
    round_trip(&store);
    assert!(dir.is_dir());
}

#[test]
fn fs_files_land_under_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = StorageRoot::parse(tmp.path().to_str().unwrap()).unwrap();
    let store = Store::open(&root).unwrap();
    store.create_dir(".lamindb/").unwrap();
    write_marker(&store, &info("wLS6A7qTJRos")).unwrap();
    let on_disk = std::fs::read(tmp.path().join(".lamindb/storage_uid.txt")).unwrap();
    assert_eq!(on_disk.len(), 127);
    std::fs::write(tmp.path().join("by-hand.txt"), b"z").unwrap();
    assert_eq!(store.read("by-hand.txt").unwrap(), b"z");
    // keys cannot escape the root
    assert!(store.read("../outside").is_err());
    assert!(store.write("../outside", b"x".to_vec()).is_err());
}

#[test]
fn fs_legacy_marker_is_renamed_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join(".lamindb")).unwrap();
    std::fs::write(tmp.path().join(".lamindb/_is_initialized"), "oldUid000001").unwrap();
    let store = Store::open(&StorageRoot::parse(tmp.path().to_str().unwrap()).unwrap()).unwrap();
    assert_eq!(read_marker(&store).unwrap().as_deref(), Some("oldUid000001"));
    assert!(!tmp.path().join(".lamindb/_is_initialized").exists());
    assert_eq!(std::fs::read_to_string(tmp.path().join(".lamindb/storage_uid.txt")).unwrap(), "oldUid000001");
}

#[test]
fn unwritable_local_root() {
    let root = StorageRoot::parse("/proc/not-writable-here").unwrap();
    assert_eq!(root.as_str(), "/proc/not-writable-here");
    let store = Store::open(&root).unwrap();
    assert_eq!(read_marker(&store).unwrap(), None);
    assert_eq!(store.list("", true).unwrap(), vec![]);
    assert!(store.create_dir(".lamindb/").is_err());
    let err = write_marker(&store, &info("7r2pDSbuq7hy")).unwrap_err();
    assert!(err.to_string().contains("/proc/not-writable-here/.lamindb/storage_uid.txt"));
}

#[test]
fn memory_round_trip_and_sharing() {
    let root = StorageRoot::parse("memory://round-trip").unwrap();
    assert_eq!(root.kind(), RootKind::Memory);
    round_trip(&Store::open(&root).unwrap());

    let a = Store::open(&StorageRoot::parse("memory://shared").unwrap()).unwrap();
    let b = Store::open(&StorageRoot::parse("memory://shared/").unwrap()).unwrap();
    a.write("k", b"v".to_vec()).unwrap();
    assert_eq!(b.read("k").unwrap(), b"v");
    let other = Store::open(&StorageRoot::parse("memory://other").unwrap()).unwrap();
    assert!(!other.exists("k").unwrap());
    // a prefix inside a memory store
    let sub = Store::open(&StorageRoot::parse("memory://shared/sub").unwrap()).unwrap();
    sub.write("x", b"1".to_vec()).unwrap();
    assert_eq!(a.read("sub/x").unwrap(), b"1");
    assert_eq!(keys(&sub.list("", true).unwrap()), ["x"]);
}

#[test]
fn hash_file_matches_hash_bytes_on_stored_file() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&StorageRoot::parse(tmp.path().to_str().unwrap()).unwrap()).unwrap();
    let data: Vec<u8> = (0..50_000u32).map(|i| (i * 31 % 256) as u8).collect();
    store.write(".lamindb/blob.bin", data.clone()).unwrap();
    let path = Path::new(tmp.path()).join(".lamindb/blob.bin");
    for chunk in [1024, 50_000] {
        assert_eq!(hash_file_with_chunk(&path, chunk).unwrap(), hash_bytes_with_chunk(&data, chunk));
    }
}

/// Needs `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (e.g. `testing`) as well: moto refuses
/// anonymous reads.
#[test]
fn s3_round_trip() {
    let (Ok(endpoint), Ok(bucket)) =
        (std::env::var("LAMIN_TEST_S3_ENDPOINT"), std::env::var("LAMIN_TEST_S3_BUCKET"))
    else {
        println!("skipped: S3 (LAMIN_TEST_S3_ENDPOINT not set)");
        return;
    };
    if !lamindb_storage::RootKind::S3.is_built_in() {
        println!("skipped: S3 (built without the `s3` feature)");
        return;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let root = StorageRoot::parse(&format!(
        "s3://{bucket}/lamindb-storage-test-{nanos:x}-{}?endpoint_url={endpoint}",
        std::process::id()
    ))
    .unwrap();
    assert_eq!(root.endpoint_url(), Some(endpoint.as_str()));
    let store = Store::open(&root).unwrap();
    round_trip(&store);
    assert!(store.detect_region().is_some());
}

/// Needs `STORAGE_EMULATOR_HOST` (a GCS emulator: `scripts/services.sh` starts
/// `gcp-storage-emulator` from PyPI) and `LAMIN_TEST_GCS_BUCKET`. That emulator fails on empty
/// uploads, so this covers the operations with content: write, read, stat, list, streamed copy,
/// delete.
#[test]
fn gcs_round_trip() {
    let (Ok(_), Ok(bucket)) =
        (std::env::var("STORAGE_EMULATOR_HOST"), std::env::var("LAMIN_TEST_GCS_BUCKET"))
    else {
        println!("skipped: GCS (STORAGE_EMULATOR_HOST not set)");
        return;
    };
    if !lamindb_storage::RootKind::Gs.is_built_in() {
        println!("skipped: GCS (built without the `gcs` feature)");
        return;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let root =
        StorageRoot::parse(&format!("gs://{bucket}/lamindb-storage-test-{nanos:x}-{}", std::process::id()))
            .unwrap();
    let store = Store::open(&root).unwrap();
    assert_eq!(store.stat("a.txt").unwrap(), None);
    store.write("a.txt", b"hello".to_vec()).unwrap();
    store.write("dir/sub/b.txt", b"bb".to_vec()).unwrap();
    assert_eq!(store.read("a.txt").unwrap(), b"hello");
    assert_eq!(store.stat("dir/sub/b.txt").unwrap().unwrap().size, 2);
    assert_eq!(keys(&store.list("", true).unwrap()), ["a.txt", "dir/sub/b.txt"]);
    let src = tempfile::NamedTempFile::new().unwrap();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(src.path(), &data).unwrap();
    let h = store.put_file("copied.bin", src.path(), &mut |_| {}).unwrap();
    assert_eq!(h, lamindb_storage::hash::hash_bytes(&data));
    assert_eq!(store.read("copied.bin").unwrap(), data);
    store.delete("a.txt").unwrap();
    assert!(!store.exists("a.txt").unwrap());
    store.delete_all("dir/").unwrap();
    store.delete("copied.bin").unwrap();
    assert_eq!(store.list("", true).unwrap(), vec![]);
}
