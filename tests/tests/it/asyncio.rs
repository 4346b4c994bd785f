//! The library from async code, on both tokio runtime flavours: blocking calls made directly in
//! an async fn (init, artifact saves on local and in-memory storage, downloads, queries, every
//! kind of storage call) neither panic nor deadlock, and the `_async` variants of opening and
//! creating an instance work on every backend.

use std::path::Path;

use lamindb_core::fields::artifact;
use lamindb_core::{Artifact, InitOptions, InitOutcome, Instance, SQLRecord, SettingsDir};
use lamindb_storage::{StorageRoot, Store};
use lamindb_tests::{Backend, PgDatabase, TestInstance, backends, for_each_backend, random_name};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Init, saves to the local default storage and to an in-memory location, downloads and a
/// query, called as plain blocking functions.
fn blocking_calls(test: &str) {
    for_each_backend(test, |b| {
        let t = TestInstance::new(b);
        let memory = format!("memory://{}", random_name("mem"));
        t.inst.storage().add(&memory, None).unwrap();
        for (i, storage) in [None, Some(memory.clone())].into_iter().enumerate() {
            let path = t.path(&format!("in/{i}.csv"));
            write(&path, &format!("x\n{i}\n"));
            let mut new = Artifact::from_path(&path).key(format!("async/{i}.csv"));
            if let Some(root) = storage {
                new = new.storage(root);
            }
            let art = new.save(&t.inst).unwrap();
            let cached = match i {
                0 => art.cache(&t.inst).unwrap(),
                _ => art.cache_in(&t.inst, &t.path("cache")).unwrap(),
            };
            assert_eq!(std::fs::read_to_string(cached).unwrap(), format!("x\n{i}\n"));
        }
        let saved = Artifact::filter(artifact::KEY.starts_with("async/")).all(&t.inst).unwrap();
        assert_eq!(saved.len(), 2);
        // By its storage root: the database beside it (SQLite) or, found through the root's
        // marker and the instance's settings, elsewhere (PostgreSQL).
        let opened = Instance::open_in(&t.settings, &t.path("data").display().to_string()).unwrap();
        assert_eq!(opened.uid(), t.inst.uid());
    });
}

/// Every kind of storage call: whole objects, streamed uploads and downloads (with progress),
/// listings (one longer than a page of the lazy listing, and one dropped early), deletes.
fn storage_calls() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::open(&StorageRoot::parse(&format!("memory://{}", random_name("mem"))).unwrap()).unwrap();
    store.write("a/one.txt", b"one".to_vec()).unwrap();
    assert_eq!(store.read("a/one.txt").unwrap(), b"one");
    assert!(store.exists("a/one.txt").unwrap());
    assert_eq!(store.stat("a/one.txt").unwrap().map(|e| e.size), Some(3));
    let local = dir.path().join("big.bin");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&local, &data).unwrap();
    let mut seen = 0;
    let hash = store.put_file("a/big.bin", &local, &mut |n| seen += n).unwrap();
    assert_eq!((seen, hash), (data.len() as u64, lamindb_storage::hash::hash_bytes(&data)));
    assert_eq!(store.upload_file("a/copy.bin", &local).unwrap(), data.len() as u64);
    let back = dir.path().join("back.bin");
    assert_eq!(store.download_file("a/copy.bin", &back).unwrap(), data.len() as u64);
    assert_eq!(std::fs::read(&back).unwrap(), data);
    for i in 0..1100 {
        store.put_bytes(&format!("many/{i:04}"), b"x").unwrap();
    }
    assert_eq!(store.list_objects("many").unwrap().count(), 1100);
    assert_eq!(store.list_objects("").unwrap().take(2).count(), 2);
    assert_eq!(store.list("a", false).unwrap().len(), 3);
    store.delete_all("many").unwrap();
    store.delete("a/one.txt").unwrap();
    assert!(!store.exists("a/one.txt").unwrap());
}

#[tokio::test]
async fn blocking_calls_on_a_current_thread_runtime() {
    blocking_calls("blocking_calls_on_a_current_thread_runtime");
    storage_calls();
}

#[tokio::test(flavor = "multi_thread")]
async fn blocking_calls_on_a_multi_thread_runtime() {
    blocking_calls("blocking_calls_on_a_multi_thread_runtime");
    storage_calls();
}

/// `init_async`, `open_async`, an artifact saved and cached and a query, all awaited.
async fn async_variants(test: &str) {
    for b in backends(test) {
        let dir = tempfile::tempdir().unwrap();
        let settings = SettingsDir::at(dir.path().join("settings").join(".lamin"));
        let pg = (b == Backend::Postgres).then(PgDatabase::create);
        let data = dir.path().join("data");
        let opts = InitOptions {
            storage: data.display().to_string(),
            name: Some("data".into()),
            db: pg.as_ref().map(|p| p.url().to_string()),
        };
        let (inst, outcome) = Instance::init_in_async(&settings, &opts).await.unwrap();
        assert_eq!(outcome, InitOutcome::Created);
        let target = pg.as_ref().map_or(data.display().to_string(), |p| p.url().to_string());
        let opened = Instance::open_async(target).await.unwrap();
        assert_eq!(opened.uid(), inst.uid());

        let path = dir.path().join("x.csv");
        write(&path, "x\n1\n");
        let art = Artifact::from_path(&path).key("async/x.csv").save_async(&opened).await.unwrap();
        let cached = art.cache_async(&opened).await.unwrap();
        assert_eq!(std::fs::read_to_string(cached).unwrap(), "x\n1\n");
        let q = Artifact::filter(artifact::KEY.eq("async/x.csv"));
        assert_eq!(q.count_async(&inst).await.unwrap(), 1);
        assert_eq!(q.all_async(&inst).await.unwrap()[0].uid, art.uid);
    }
}

#[tokio::test]
async fn async_variants_on_a_current_thread_runtime() {
    async_variants("async_variants_on_a_current_thread_runtime").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn async_variants_on_a_multi_thread_runtime() {
    async_variants("async_variants_on_a_multi_thread_runtime").await;
}
