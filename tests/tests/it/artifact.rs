//! Artifacts: create, dedup by hash, versioning by key, register in place, cache, replace,
//! trash / restore / permanent delete, refusals in locations this instance does not manage,
//! refused keys, failed copies leaving no row, and rows left by a killed process.
//!
//! Every case runs on every SQL backend, and on the storage locations available: the local
//! default storage and an in-memory location always, S3 when `LAMIN_TEST_S3_ENDPOINT` is set,
//! GCS when `STORAGE_EMULATOR_HOST` is set (each else printed as skipped).

use std::path::{Path, PathBuf};

use lamindb_core::{
    Artifact, ArtifactOptions, ArtifactOutcome, ArtifactSource, Error, NoProgress, Progress, Refusal,
    SQLRecord, Storage, StorageOutcome,
};
use lamindb_storage::{StorageError, StorageRoot, Store};
use lamindb_tests::{TestInstance, for_each_backend, list_files, s3_test_root};

/// The storage locations a case runs on: `None` = the local default storage, then an in-memory
/// location, and S3 and GCS when configured.
fn targets(t: &mut TestInstance, test: &str) -> Vec<Option<String>> {
    let mut out = vec![None];
    let memory = format!("memory://{}", lamindb_tests::random_name("mem"));
    let (s, outcome) = t.inst.storage().add(&memory, Some("memory test location")).unwrap();
    assert_eq!(outcome, StorageOutcome::Managed);
    out.push(Some(s.root));
    if let Some(root) = s3_test_root(test) {
        let (s, outcome) = t.inst.storage().add(&root, Some("s3 test location")).unwrap();
        assert_eq!(outcome, StorageOutcome::Managed);
        out.push(Some(s.root));
    }
    if let Some(root) = gcs_test_root(test) {
        out.push(Some(add_gcs_storage(t, root).root));
    }
    out
}

/// Registers a GCS root as a location this instance manages. The emulator cannot store the empty
/// `.lamindb/` folder object that `add_storage` writes: the record is saved directly.
pub(crate) fn add_gcs_storage(t: &TestInstance, root: String) -> Storage {
    let s = Storage {
        uid: lamindb_core::uid::base62(12),
        root,
        type_: "gs".into(),
        instance_uid: Some(t.inst.uid()),
        ..Default::default()
    };
    s.save(&t.inst).unwrap()
}

/// A fresh GCS root on the emulator named by `STORAGE_EMULATOR_HOST`, if any.
pub(crate) fn gcs_test_root(test: &str) -> Option<String> {
    let host = std::env::var("STORAGE_EMULATOR_HOST").ok().filter(|s| !s.is_empty());
    let bucket = std::env::var("LAMIN_TEST_GCS_BUCKET").ok().filter(|s| !s.is_empty());
    match (host, bucket) {
        (Some(_), Some(bucket)) => Some(format!("gs://{bucket}/{}", lamindb_tests::random_name("t"))),
        _ => {
            eprintln!("{test}: skipped: gcs (STORAGE_EMULATOR_HOST not set)");
            None
        }
    }
}

fn opts(storage: &Option<String>) -> ArtifactOptions {
    ArtifactOptions { storage: storage.clone(), ..Default::default() }
}

fn described(storage: &Option<String>, description: &str) -> ArtifactOptions {
    ArtifactOptions { description: Some(description.into()), ..opts(storage) }
}

fn write(path: &Path, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// The stored bytes of an artifact, read through its storage.
fn stored(t: &mut TestInstance, a: &Artifact) -> Option<Vec<u8>> {
    let storage = a.storage(&t.inst).unwrap();
    let store = Store::open(&StorageRoot::parse(&storage.root).unwrap()).unwrap();
    store.read(&a.storage_key()).ok()
}

fn count(t: &mut TestInstance) -> usize {
    Artifact::query().all_branches().count(&t.inst).unwrap()
}

#[test]
fn create_dedup_and_versions() {
    for_each_backend("create_dedup_and_versions", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "create_dedup_and_versions") {
            let small = write(&t.path("in/small.txt"), b"hello lamindb\n");
            let (a, outcome) = Artifact::from_path(&small)
                .options(&described(&target, "small test file"))
                .save_with_outcome(&t.inst)
                .unwrap();
            assert_eq!(outcome, ArtifactOutcome::Created, "{target:?}");
            assert_eq!(a.uid.len(), 20);
            assert!(a.uid.ends_with("0000"));
            assert_eq!(a.key, None);
            assert_eq!(a.suffix, ".txt");
            assert_eq!(a.size, Some(14));
            assert_eq!(a.hash.as_deref(), Some("BRjjX2HAsiY0gMilxv9QFQ"));
            assert_eq!(a.hash_type.as_deref(), Some("md5"));
            assert!(*a.key_is_virtual && a.is_latest && !*a.overwrite_versions);
            assert_eq!((a.branch_id, a.aux.get().clone(), a.n_files), (Some(1), None, None));
            assert_eq!(a.created_by_id, Some(1));
            assert_eq!(a.storage_key(), format!(".lamindb/{}.txt", a.uid));
            let path = a.path(&t.inst).unwrap();
            assert!(path.ends_with(&format!("/.lamindb/{}.txt", a.uid)), "{path}");
            assert_eq!(stored(&mut t, &a).unwrap(), b"hello lamindb\n");
            assert!(small.exists(), "the source stays");

            // Same content again: the existing artifact.
            let (again, outcome) = Artifact::from_path(&small)
                .options(&described(&target, "same content again"))
                .save_with_outcome(&t.inst)
                .unwrap();
            assert_eq!(outcome, ArtifactOutcome::SameHash);
            assert_eq!(again.uid, a.uid);

            // A key, then new content under the same key: a new version.
            let keyed = write(&t.path("in/sub/keyed.csv"), b"a,b\n1,2\n");
            let kopts = ArtifactOptions { key: Some("my/folder/keyed.csv".into()), ..opts(&target) };
            let (k, outcome) =
                Artifact::from_path(&keyed).options(&kopts).save_with_outcome(&t.inst).unwrap();
            assert_eq!(outcome, ArtifactOutcome::Created);
            assert_eq!((k.key.as_deref(), k.real_key.get().clone()), (Some("my/folder/keyed.csv"), None));
            assert!(*k.key_is_virtual);
            assert_eq!(k.otype.as_deref(), Some("DataFrame"));
            write(&keyed, b"a,b\n1,2\n3,4\n");
            let (k2, outcome) =
                Artifact::from_path(&keyed).options(&kopts).save_with_outcome(&t.inst).unwrap();
            assert_eq!(outcome, ArtifactOutcome::NewVersion { previous_uid: k.uid.clone() });
            assert_eq!(&k2.uid[..16], &k.uid[..16]);
            assert_eq!(&k2.uid[16..], "0001");
            assert!(k2.is_latest);
            assert!(!Artifact::get(&t.inst, &k.uid).unwrap().is_latest);
            assert_eq!(Artifact::get(&t.inst, &k.uid[..16]).unwrap().uid, k2.uid, "stem → latest");
            assert_eq!(Artifact::get_by_key(&t.inst, "my/folder/keyed.csv").unwrap().uid, k2.uid);
            assert_eq!(stored(&mut t, &k2).unwrap(), b"a,b\n1,2\n3,4\n");
            assert_eq!(stored(&mut t, &k).unwrap(), b"a,b\n1,2\n", "old versions keep their bytes");

            // Empty files are not found by hash under another key.
            let e1 = write(&t.path("in/e1.txt"), b"");
            let e2 = write(&t.path("in/e2.txt"), b"");
            let ekey = |k: &str| ArtifactOptions { key: Some(k.into()), ..opts(&target) };
            let (x, _) =
                Artifact::from_path(&e1).options(&ekey("empty/e1.txt")).save_with_outcome(&t.inst).unwrap();
            let (y, outcome) =
                Artifact::from_path(&e2).options(&ekey("empty/e2.txt")).save_with_outcome(&t.inst).unwrap();
            assert_eq!(outcome, ArtifactOutcome::Created);
            assert_ne!(x.uid, y.uid);
            for a in [a, k, k2, x, y] {
                a.delete_permanently_with(&t.inst, None).unwrap();
            }
            assert_eq!(count(&mut t), 0);
        }
    });
}

#[test]
fn refused_inputs_write_nothing() {
    for_each_backend("refused_inputs_write_nothing", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "refused_inputs_write_nothing") {
            let f = write(&t.path("in/x.txt"), b"x");
            let err = |t: &mut TestInstance, path: &Path, o: ArtifactOptions| {
                Artifact::from_path(path).options(&o).save_with_outcome(&t.inst).unwrap_err().to_string()
            };
            let nowhere = t.path("does-not-exist.txt");
            let missing = err(&mut t, &nowhere, described(&target, "d"));
            assert!(missing.contains("does-not-exist.txt") && missing.contains("No such file"), "{missing}");
            assert_eq!(err(&mut t, &f, opts(&target)), "Pass one of key, run or description as a parameter");
            let keyed = |k: &str| ArtifactOptions { key: Some(k.into()), ..opts(&target) };
            assert_eq!(
                err(&mut t, &f, keyed("data.csv")),
                "The passed path's suffix '.txt' must match the passed key's suffix '.csv'."
            );
            assert_eq!(
                err(&mut t, &f, keyed("../escape.txt")),
                "Relative path segment '..' detected in key '../escape.txt'."
            );
            assert_eq!(
                err(&mut t, &f, keyed("a/./b.txt")),
                "Relative path segment '.' detected in key 'a/./b.txt'."
            );
            assert_eq!(err(&mut t, &f, keyed("a\\b.txt")), "Backslashes are not allowed in key 'a\\b.txt'.");
            assert_eq!(
                err(&mut t, &f, keyed(".lamindb/x.txt")),
                "Do not pass key that contains a managed storage path in `.lamindb/`."
            );
            assert_eq!(count(&mut t), 0);
        }
        let left: Vec<String> =
            list_files(&t.path("data/.lamindb")).into_iter().filter(|f| !f.starts_with("lamin.db")).collect();
        assert_eq!(left, ["storage_uid.txt"], "nothing was copied");
    });
}

/// A FIFO, a socket or a device given as a source is refused before it is opened (a FIFO would
/// wait for a writer forever); a path that is not UTF-8 is refused before anything is saved, in
/// a list of sources, in a folder walk and as a folder. Inside a folder, special files are
/// skipped, as LaminDB's `from_dir` skips them.
#[test]
fn special_files_and_non_utf8_paths_are_refused_before_anything_is_saved() {
    use std::os::unix::ffi::OsStrExt;
    for_each_backend("special_files_and_non_utf8_paths_are_refused_before_anything_is_saved", |b| {
        let mut t = TestInstance::new(b);
        let dir = t.path("in");
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("run mkfifo");
        assert!(made.success());
        let keyed = |k: &str| ArtifactOptions { key: Some(k.into()), ..Default::default() };
        for (path, kind) in
            [(fifo.as_path(), "a FIFO (named pipe)"), (Path::new("/dev/null"), "a character device")]
        {
            match Artifact::from_path(path).options(&keyed("x.txt")).save_with_outcome(&t.inst) {
                Err(Error::Refused(Refusal::SpecialFile { path: p, kind: k })) => {
                    assert_eq!((p.as_path(), k), (path, kind));
                }
                other => panic!("{path:?}: {other:?}"),
            }
        }
        // Inside a folder: skipped.
        write(&dir.join("a.txt"), b"a");
        let keys: Vec<Option<String>> =
            ArtifactSource::walk_dir(&dir, None).unwrap().map(|s| s.unwrap().key).collect();
        assert_eq!(keys, [Some("in/a.txt".to_string())]);
        let (folder, _) = Artifact::from_path(&dir).options(&keyed("in")).save_with_outcome(&t.inst).unwrap();
        assert_eq!(folder.n_files, Some(1));
        assert_eq!(count(&mut t), 1);

        // Two names that differ only in bytes that are not UTF-8.
        let odd = t.path("odd");
        std::fs::create_dir_all(&odd).unwrap();
        let ff = odd.join(std::ffi::OsStr::from_bytes(b"x\xff.txt"));
        write(&ff, b"1");
        write(&odd.join(std::ffi::OsStr::from_bytes(b"x\xfe.txt")), b"2");
        write(&odd.join("fine.txt"), b"3");
        let not_utf8 = |e: Error| match e {
            Error::Storage(StorageError::NotUtf8 { path }) => path,
            other => panic!("{other:?}"),
        };
        let sources = [ArtifactSource::new(odd.join("fine.txt")), ArtifactSource::new(&ff)];
        let desc = ArtifactOptions { description: Some("d".into()), ..Default::default() };
        let refused = Artifact::create_many(&t.inst, &sources, &desc, &NoProgress).unwrap_err();
        assert_eq!(not_utf8(refused), ff);
        let walked = ArtifactSource::walk_dir(&odd, None).unwrap();
        let refused =
            Artifact::save_streamed(&t.inst, walked, &desc, &NoProgress, |_, _| Ok(())).unwrap_err();
        assert!(not_utf8(refused).starts_with(&odd));
        let refused =
            Artifact::from_path(&odd).options(&keyed("odd")).save_with_outcome(&t.inst).unwrap_err();
        assert!(refused.to_string().contains("odd/x\\xfe.txt: the path is not valid UTF-8"), "{refused}");
        assert_eq!(count(&mut t), 1, "nothing more was saved");
    });
}

#[test]
fn register_in_place() {
    for_each_backend("register_in_place", |b| {
        let t = TestInstance::new(b);
        let dir = t.path("my-directory").display().to_string();
        let (other, _) = t.inst.storage().add(&dir, None).unwrap();
        let file = write(&t.path("my-directory/inplace/existing.txt"), b"in place");
        let (e, outcome) = Artifact::from_path(&file)
            .options(&ArtifactOptions::default())
            .save_with_outcome(&t.inst)
            .unwrap();
        assert_eq!(outcome, ArtifactOutcome::RegisteredInPlace);
        assert_eq!(e.key.as_deref(), Some("inplace/existing.txt"));
        assert!(!*e.key_is_virtual);
        assert_eq!(e.aux, lamindb_core::__private::internal(None));
        assert_eq!(e.storage_id, other.id.unwrap());
        assert_eq!(e.path(&t.inst).unwrap(), file.display().to_string());
        assert_eq!(e.cache(&t.inst).unwrap(), file);
        assert_eq!(list_files(&t.path("my-directory/.lamindb")), ["storage_uid.txt"], "nothing copied");
        // Registering it again returns it.
        let (again, outcome) = Artifact::from_path(&file)
            .options(&ArtifactOptions::default())
            .save_with_outcome(&t.inst)
            .unwrap();
        assert_eq!((again.uid, outcome), (e.uid.clone(), ArtifactOutcome::SameHash));
        // A different key for an in-place path keeps the path as the real key.
        let file2 = write(&t.path("data/sub/y.txt"), b"yy");
        let o = ArtifactOptions { key: Some("virtual/y.txt".into()), ..Default::default() };
        let (y, _) = Artifact::from_path(&file2).options(&o).save_with_outcome(&t.inst).unwrap();
        assert_eq!((y.key.as_deref(), y.real_key.as_deref()), (Some("virtual/y.txt"), Some("sub/y.txt")));
        assert!(*y.key_is_virtual);
        assert_eq!(y.path(&t.inst).unwrap(), file2.display().to_string());
        // Permanent delete of a real key keeps the file unless asked.
        let left = e.delete_permanently_with(&t.inst, None).unwrap();
        assert_eq!(left, Some(file.display().to_string()));
        assert!(file.exists());
        y.delete_permanently_with(&t.inst, Some(true)).unwrap();
        assert!(!file2.exists());
    });
}

#[test]
fn folders_hash_as_lamindb_and_share_their_store_across_versions() {
    for_each_backend("folders_hash_as_lamindb", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "folders_hash_as_lamindb") {
            let dir = t.path("in/folder");
            let _ = std::fs::remove_dir_all(&dir);
            write(&dir.join("a.txt"), b"a");
            write(&dir.join("sub/b.csv"), b"x,y\n1,2");
            write(&dir.join("sub/deeper/c"), b"cc");
            let o = ArtifactOptions { key: Some("my-folder".into()), ..opts(&target) };
            let (f, outcome) = Artifact::from_path(&dir).options(&o).save_with_outcome(&t.inst).unwrap();
            assert_eq!(outcome, ArtifactOutcome::Created);
            // Python: lamindb_setup.core.hashing.hash_dir gives (10, 'mzjPVezsMAD_JOBr5ag0-w', 'md5-d', 3).
            assert_eq!(f.hash.as_deref(), Some("mzjPVezsMAD_JOBr5ag0-w"));
            assert_eq!((f.hash_type.as_deref(), f.size, f.n_files), (Some("md5-d"), Some(10), Some(3)));
            assert!(*f.overwrite_versions);
            assert_eq!(f.suffix, "");
            assert_eq!(f.storage_key(), format!(".lamindb/{}", &f.uid[..16]));
            let storage = f.storage(&t.inst).unwrap();
            let store = Store::open(&StorageRoot::parse(&storage.root).unwrap()).unwrap();
            assert_eq!(store.read(&format!("{}/sub/b.csv", f.storage_key())).unwrap(), b"x,y\n1,2");
            let cache = tempfile::tempdir().unwrap();
            let local = f.cache_in(&t.inst, cache.path()).unwrap();
            assert_eq!(std::fs::read(local.join("sub/deeper/c")).unwrap(), b"cc");

            write(&dir.join("a.txt"), b"A");
            let (f2, outcome) = Artifact::from_path(&dir).options(&o).save_with_outcome(&t.inst).unwrap();
            assert_eq!(outcome, ArtifactOutcome::NewVersion { previous_uid: f.uid.clone() });
            assert_eq!(f2.storage_key(), f.storage_key(), "versions share the store");
            assert_eq!(store.read(&format!("{}/a.txt", f2.storage_key())).unwrap(), b"A");
            // Deleting the latest version deletes all versions and the store.
            f2.delete_permanently_with(&t.inst, None).unwrap();
            assert_eq!(count(&mut t), 0);
            assert!(store.list(&f.storage_key(), true).unwrap().is_empty());
        }
    });
}

#[test]
fn bulk_save_of_a_folder_one_artifact_per_file() {
    for_each_backend("bulk_save_of_a_folder", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "bulk_save_of_a_folder") {
            let dir = t.path("in/many");
            let _ = std::fs::remove_dir_all(&dir);
            for i in 0..60 {
                write(&dir.join(format!("d{}/f{i}.txt", i % 3)), format!("file {i}").as_bytes());
            }
            write(&dir.join("dup.txt"), b"file 7");
            let sources = ArtifactSource::files_of_dir(&dir, None).unwrap();
            assert_eq!(sources.len(), 61);
            assert_eq!(sources[0].key.as_deref(), Some("many/d0/f0.txt"));
            struct Count(std::sync::atomic::AtomicU64, std::sync::atomic::AtomicU64);
            impl Progress for Count {
                fn advance(&self, bytes: u64) {
                    self.0.fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
                }
                fn file_done(&self) {
                    self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            let progress = Count(Default::default(), Default::default());
            let saved = Artifact::create_many(&t.inst, &sources, &opts(&target), &progress).unwrap();
            assert_eq!(saved.len(), 61);
            let created = saved.iter().filter(|(_, o)| *o == ArtifactOutcome::Created).count();
            assert_eq!(created, 60, "dup.txt repeats f7's content");
            let dup = saved.iter().find(|(a, _)| a.key.as_deref() == Some("many/d1/f7.txt")).unwrap();
            assert_eq!(saved[0].0.key.as_deref(), Some("many/d0/f0.txt"));
            assert_eq!(saved.last().unwrap().0.uid, dup.0.uid);
            assert_eq!(progress.1.into_inner(), 60);
            assert!(saved.iter().all(|(a, _)| a.aux.is_none() && a.id.is_some()));
            for (a, _) in saved.iter().take(5) {
                let i: usize = a
                    .key
                    .as_deref()
                    .unwrap()
                    .rsplit('f')
                    .next()
                    .unwrap()
                    .trim_end_matches(".txt")
                    .parse()
                    .unwrap();
                assert_eq!(stored(&mut t, a).unwrap(), format!("file {i}").into_bytes());
            }
            // Again: everything is found by hash.
            let again = Artifact::create_many(&t.inst, &sources, &opts(&target), &NoProgress).unwrap();
            assert!(again.iter().all(|(_, o)| *o == ArtifactOutcome::SameHash));
            assert_eq!(count(&mut t), 60);
            for (a, _) in saved.iter().take(60) {
                a.delete_permanently_with(&t.inst, None).unwrap();
            }
        }
    });
}

#[test]
fn replace_keeps_the_uid() {
    for_each_backend("replace_keeps_the_uid", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "replace_keeps_the_uid") {
            let f = write(&t.path("in/r.txt"), b"one");
            let o = ArtifactOptions { key: Some("r/replace-me.txt".into()), ..opts(&target) };
            let (a, _) = Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).unwrap();
            let g = write(&t.path("in/new.txt"), b"two");
            let (r, _) = a.replace(&t.inst, &g).unwrap();
            assert_eq!(r.uid, a.uid);
            assert_ne!(r.hash, a.hash);
            assert_eq!(r.aux, lamindb_core::__private::internal(None));
            assert_eq!(stored(&mut t, &r).unwrap(), b"two");
            // A new suffix renames the key and removes the old object.
            let h = write(&t.path("in/new.csv"), b"c\n3\n");
            let (c, _) = r.replace(&t.inst, &h).unwrap();
            assert_eq!((c.suffix.as_str(), c.key.as_deref()), (".csv", Some("r/replace-me.csv")));
            assert_eq!(stored(&mut t, &c).unwrap(), b"c\n3\n");
            assert_eq!(stored(&mut t, &r), None);
            let inside = write(&t.path("data/inside.txt"), b"inside");
            let err = c.replace(&t.inst, &inside).unwrap_err().to_string();
            assert!(err.starts_with("Can only replace with a local path not in any Storage."), "{err}");
            c.delete_permanently_with(&t.inst, None).unwrap();
        }
    });
}

#[test]
fn trash_restore_and_permanent_delete() {
    for_each_backend("trash_restore_and_permanent_delete", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "trash_restore_and_permanent_delete") {
            let f = write(&t.path("in/v.txt"), b"v1");
            let o = ArtifactOptions { key: Some("versions/v.txt".into()), ..opts(&target) };
            let (v1, _) = Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).unwrap();
            write(&f, b"v2");
            let (v2, _) = Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).unwrap();
            let trashed = v2.trash(&t.inst, false).unwrap();
            assert_eq!((trashed.branch_id, trashed.is_latest), (Some(-1), false));
            assert!(Artifact::get(&t.inst, &v1.uid).unwrap().is_latest, "previous version promoted");
            assert_eq!(stored(&mut t, &v2).unwrap(), b"v2", "trash keeps the bytes");
            let err = trashed.trash(&t.inst, false).unwrap_err();
            assert!(matches!(err, Error::InTrash { registry: "Artifact", .. }), "{err:?}");
            // The trashed content is not found by hash: saving it again makes a new version.
            let mut restored = trashed.clone();
            lamindb_core::Trash::restore(&mut restored, &t.inst).unwrap();
            assert_eq!((restored.branch_id, restored.is_latest), (Some(1), true));
            assert!(!Artifact::get(&t.inst, &v1.uid).unwrap().is_latest);
            assert_eq!(restored.delete_permanently_with(&t.inst, None).unwrap(), None);
            assert_eq!(stored(&mut t, &v2), None, "virtual key: bytes removed");
            assert!(Artifact::get(&t.inst, &v1.uid).unwrap().is_latest);
            assert!(Artifact::get(&t.inst, &v2.uid).unwrap_err().is_does_not_exist());
            v1.delete_permanently_with(&t.inst, Some(false)).unwrap();
            assert_eq!(stored(&mut t, &v1).unwrap(), b"v1", "kept on request");
            assert_eq!(count(&mut t), 0);
        }
    });
}

#[test]
fn locations_of_other_instances_are_read_only() {
    for_each_backend("locations_of_other_instances_are_read_only", |b| {
        let mut t = TestInstance::new(b);
        let root = t.path("foreign");
        std::fs::create_dir_all(root.join(".lamindb")).unwrap();
        let foreign = "forEIGNuid01\ncreation info:\ninstance_slug=alice/other\ninstance_id=4367b78ad1c45604ac44c7d20f58dabe\ninstance_uid=7Anyn2ud5VAA";
        std::fs::write(root.join(".lamindb/storage_uid.txt"), foreign).unwrap();
        let existing = write(&root.join("theirs/data.txt"), b"theirs");
        let (s, outcome) = t.inst.storage().add(&root.display().to_string(), None).unwrap();
        assert!(matches!(outcome, StorageOutcome::ReadOnly { .. }));
        let before = list_files(&root);

        let f = write(&t.path("in/mine.txt"), b"mine");
        let o = ArtifactOptions {
            storage: Some(s.root.clone()),
            description: Some("x".into()),
            ..Default::default()
        };
        let err = Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).unwrap_err().to_string();
        assert_eq!(
            err,
            "Cannot create an artifact in a storage location that is not managed by the current instance."
        );
        assert_eq!(count(&mut t), 0);

        // Their files can be registered (nothing is written), not changed or deleted.
        let (a, outcome) = Artifact::from_path(&existing)
            .options(&ArtifactOptions::default())
            .save_with_outcome(&t.inst)
            .unwrap();
        assert_eq!(outcome, ArtifactOutcome::RegisteredInPlace);
        let err = a.replace(&t.inst, &f).unwrap_err().to_string();
        assert_eq!(
            err,
            "Cannot update an artifact in a storage location that is not managed by the current instance."
        );
        for e in [
            a.trash(&t.inst, false).unwrap_err(),
            a.delete_permanently_with(&t.inst, None).unwrap_err(),
            a.delete_permanently_with(&t.inst, Some(true)).unwrap_err(),
        ] {
            let msg = e.to_string();
            assert!(
                msg.starts_with(
                    "Cannot simply delete artifacts outside of this instance's managed storage locations."
                ) && msg.contains("uid=7Anyn2ud5VAA"),
                "{msg}"
            );
        }
        assert_eq!(list_files(&root), before, "bytes untouched");
        assert_eq!(std::fs::read(&existing).unwrap(), b"theirs");
        // Keeping the data, the record can go.
        assert_eq!(
            a.delete_permanently_with(&t.inst, Some(false)).unwrap(),
            Some(existing.display().to_string())
        );
        assert_eq!(count(&mut t), 0);
        assert_eq!(list_files(&root), before);
    });
}

#[test]
fn failed_copy_leaves_no_row() {
    for_each_backend("failed_copy_leaves_no_row", |b| {
        let mut t = TestInstance::new(b);
        // Local: the location's `.lamindb` became a file, so nothing can be written below it.
        let root = t.path("broken");
        let (s, _) = t.inst.storage().add(&root.display().to_string(), None).unwrap();
        std::fs::remove_dir_all(root.join(".lamindb")).unwrap();
        std::fs::write(root.join(".lamindb"), b"not a folder").unwrap();
        let f = write(&t.path("in/f.txt"), b"payload");
        let o = ArtifactOptions {
            storage: Some(s.root.clone()),
            description: Some("d".into()),
            ..Default::default()
        };
        assert!(Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).is_err());
        assert_eq!(count(&mut t), 0);
        // A version whose copy fails leaves the previous version the latest one.
        let ok = ArtifactOptions { key: Some("k.txt".into()), ..Default::default() };
        let (v1, _) = Artifact::from_path(&f).options(&ok).save_with_outcome(&t.inst).unwrap();
        write(&f, b"payload 2");
        std::fs::create_dir_all(t.path("data/.lamindb")).unwrap();
        let blocker = t.path(&format!("data/.lamindb/{}0001.txt", &v1.uid[..16]));
        std::fs::create_dir_all(&blocker).unwrap();
        assert!(Artifact::from_path(&f).options(&ok).save_with_outcome(&t.inst).is_err());
        assert_eq!(count(&mut t), 1);
        assert!(Artifact::get(&t.inst, &v1.uid).unwrap().is_latest);

        // S3: a location whose server does not answer.
        if s3_test_root("failed_copy_leaves_no_row").is_some() {
            let mut dead = Storage {
                uid: lamindb_core::uid::base62(12),
                root: "s3://lamin-test/dead?endpoint_url=http://127.0.0.1:9".into(),
                type_: "s3".into(),
                instance_uid: Some(t.inst.uid()),
                ..Default::default()
            };
            dead = dead.save(&t.inst).unwrap();
            let o = ArtifactOptions {
                storage: Some(dead.root.clone()),
                description: Some("d".into()),
                ..Default::default()
            };
            assert!(Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).is_err());
            assert_eq!(count(&mut t), 1);
        }
    });
}

/// A TCP proxy in front of `upstream` that stops forwarding a connection once its client has
/// sent more than `budget` bytes, closing both ends: an S3 server that goes away in the middle of
/// an upload. Small requests (the marker, lookups) pass. Returns the proxy's port.
fn cutting_proxy(upstream: std::net::SocketAddr, budget: usize) -> u16 {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(upstream) else { continue };
            let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                let mut sent = 0;
                while let Ok(n) = c_read.read(&mut buf) {
                    if n == 0 || sent + n > budget || s_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    sent += n;
                }
                let _ = s_write.shutdown(Shutdown::Both);
                let _ = c_read.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(Shutdown::Both);
            });
        }
    });
    port
}

#[test]
fn an_upload_cut_off_midway_leaves_no_row_and_no_object() {
    let test = "an_upload_cut_off_midway_leaves_no_row_and_no_object";
    for_each_backend(test, |b| {
        let Some(real_root) = s3_test_root(test) else { return };
        let real = StorageRoot::parse(&real_root).unwrap();
        let endpoint = real.endpoint_url().expect("test roots carry their endpoint").to_string();
        let upstream = endpoint.trim_start_matches("http://").trim_end_matches('/');
        let upstream: std::net::SocketAddr = upstream.parse().expect("a loopback endpoint");
        let port = cutting_proxy(upstream, 256 * 1024);
        let bucket = real.bucket().unwrap().to_string();
        let prefix = real.prefix().to_string();
        let root = format!("s3://{bucket}/{prefix}?endpoint_url=http://127.0.0.1:{port}");
        let mut t = TestInstance::new(b);
        let (s, _) = t.inst.storage().add(&root, None).unwrap();
        assert_eq!(s.instance_uid.as_deref(), Some(t.inst.uid().as_str()), "the marker got through");
        let big = vec![7u8; 4 * 1024 * 1024];
        let f = write(&t.path("in/big.bin"), &big);
        let o = ArtifactOptions {
            storage: Some(s.root.clone()),
            key: Some("big.bin".into()),
            ..Default::default()
        };
        let err = Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).unwrap_err();
        assert!(!err.to_string().is_empty());
        assert_eq!(count(&mut t), 0, "the row of a failed upload is removed");
        // Nothing but the marker is in the location (read past the proxy).
        let store = Store::open(&real).unwrap();
        let keys: Vec<String> = store.list("", true).unwrap().into_iter().map(|e| e.key).collect();
        assert_eq!(keys, [".lamindb/storage_uid.txt"], "no object left behind");
        // The same place under another endpoint is recognised by its marker.
        let err = t.inst.storage().add(&real_root, None).unwrap_err();
        assert!(err.to_string().contains("it is the same location, use that root"), "{err}");
    });
}

#[test]
fn a_row_left_by_a_killed_process_is_completed() {
    for_each_backend("a_row_left_by_a_killed_process_is_completed", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "a_row_left_by_a_killed_process_is_completed") {
            let f = write(&t.path("in/killed.txt"), b"interrupted upload");
            let (a, _) =
                Artifact::from_path(&f).options(&described(&target, "k")).save_with_outcome(&t.inst).unwrap();
            // What a process killed between insert and copy leaves: the flag, no bytes.
            let mut flagged = a.clone();
            flagged.aux =
                lamindb_core::__private::internal(Some(lamindb_core::value::Json("{\"so\": 1}".into())));
            flagged = flagged.save_fields(&t.inst, lamindb_core::fields::artifact::AUX).unwrap();
            let storage = a.storage(&t.inst).unwrap();
            let store = Store::open(&StorageRoot::parse(&storage.root).unwrap()).unwrap();
            store.delete(&a.storage_key()).unwrap();
            assert!(Artifact::get(&t.inst, &a.uid).unwrap().storage_ongoing());

            let (b2, outcome) =
                Artifact::from_path(&f).options(&described(&target, "k")).save_with_outcome(&t.inst).unwrap();
            assert_eq!((b2.uid.as_str(), outcome), (a.uid.as_str(), ArtifactOutcome::Resumed));
            assert!(!b2.storage_ongoing());
            assert_eq!(stored(&mut t, &a).unwrap(), b"interrupted upload");
            b2.delete_permanently_with(&t.inst, None).unwrap();
        }
    });
}

#[test]
fn cache_downloads_cloud_artifacts_once() {
    for_each_backend("cache_downloads_cloud_artifacts_once", |b| {
        let mut t = TestInstance::new(b);
        for target in targets(&mut t, "cache_downloads_cloud_artifacts_once") {
            let f = write(&t.path("in/c.csv"), b"a,b\n1,x\n2,y\n");
            let o = ArtifactOptions { key: Some("tables/c.csv".into()), ..opts(&target) };
            let (a, _) = Artifact::from_path(&f).options(&o).save_with_outcome(&t.inst).unwrap();
            let cache = tempfile::tempdir().unwrap();
            let local = a.cache_in(&t.inst, cache.path()).unwrap();
            assert_eq!(std::fs::read(&local).unwrap(), b"a,b\n1,x\n2,y\n");
            match &target {
                None => assert_eq!(local.display().to_string(), a.path(&t.inst).unwrap()),
                Some(root) => {
                    // <cache>/<bucket>/<prefix>/<key> for the latest version of a virtual key.
                    let r = StorageRoot::parse(root).unwrap();
                    let expected =
                        cache.path().join(r.bucket().unwrap()).join(r.prefix()).join("tables/c.csv");
                    assert_eq!(local, expected);
                    // Up to date: not downloaded again (a local edit of the same size survives).
                    std::fs::write(&local, b"A,B\n1,X\n2,Y\n").unwrap();
                    a.cache_in(&t.inst, cache.path()).unwrap();
                    assert_eq!(std::fs::read(&local).unwrap(), b"A,B\n1,X\n2,Y\n");
                    // A different size is refreshed.
                    std::fs::write(&local, b"short").unwrap();
                    a.cache_in(&t.inst, cache.path()).unwrap();
                    assert_eq!(std::fs::read(&local).unwrap(), b"a,b\n1,x\n2,y\n");
                }
            }
            a.delete_permanently_with(&t.inst, None).unwrap();
        }
    });
}

#[test]
fn missing_storage_error_is_a_does_not_exist() {
    for_each_backend("missing_storage_error_is_a_does_not_exist", |b| {
        let t = TestInstance::new(b);
        let err = Artifact::get(&t.inst, "zzzzzzzzzzzzzzzzzzzz").unwrap_err();
        assert_eq!(
            err.to_string(),
            "No record found with uid 'zzzzzzzzzzzzzzzzzzzz'. Did you forget a keyword as in Artifact.get(key='zzzzzzzzzzzzzzzzzzzz')?"
        );
        assert!(matches!(err, Error::DoesNotExist { .. }));
        assert!(Artifact::get_by_key(&t.inst, "missing.csv").unwrap_err().is_does_not_exist());
    });
}

/// A streamed save pulls its sources a batch at a time, one batch ahead (memory stays flat however many files
/// a folder has), saves each batch for good, and a save that fails midway is completed by
/// running it again.
#[test]
fn streamed_saves_hold_one_batch_and_resume_after_a_failure() {
    for_each_backend("streamed_saves", |b| {
        let t = TestInstance::new(b);
        let dir = t.path("in/stream");
        for i in 0..25 {
            write(&dir.join(format!("s{}/f{i:02}.txt", i % 2)), format!("stream {i}").as_bytes());
        }
        let opts = ArtifactOptions { batch: 10, ..Default::default() };
        let pulled = std::cell::Cell::new(0usize);
        let sources = ArtifactSource::walk_dir(&dir, None).unwrap().inspect(|_| pulled.set(pulled.get() + 1));
        let mut seen = 0usize;
        let summary = Artifact::save_streamed(&t.inst, sources, &opts, &NoProgress, |a, outcome| {
            assert_eq!(*outcome, ArtifactOutcome::Created);
            assert!(a.key.as_deref().unwrap().starts_with("stream/s"));
            seen += 1;
            // The results of batch k arrive before batch k + 2 is read (batch k + 1 is
            // hashed meanwhile).
            assert!(
                pulled.get() <= (seen.div_ceil(10) + 1) * 10,
                "{} pulled for {seen} results",
                pulled.get()
            );
            Ok(())
        })
        .unwrap();
        assert_eq!((summary.created, summary.total(), seen), (25, 25, 25));

        // 25 more files (50 in all, sorted s0/f…, s0/g…, s1/f…, s1/g…): a missing file in the
        // fifth batch fails the save after four batches were saved (40 sources: the 25 saved
        // before and 15 new), and the same save without it completes.
        for i in 0..25 {
            write(&dir.join(format!("s{}/g{i:02}.txt", i % 2)), format!("again {i}").as_bytes());
        }
        let bad = ArtifactSource::walk_dir(&dir, None)
            .unwrap()
            .enumerate()
            .map(|(i, s)| if i == 45 { Ok(ArtifactSource::new(t.path("in/missing.txt"))) } else { s });
        let err = Artifact::save_streamed(&t.inst, bad, &opts, &NoProgress, |_, _| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        let saved = Artifact::filter(lamindb_core::fields::artifact::KEY.starts_with("stream/"))
            .count(&t.inst)
            .unwrap();
        assert_eq!(saved, 40, "the batches before the failure stay saved");
        let sources = ArtifactSource::walk_dir(&dir, None).unwrap();
        let summary = Artifact::save_streamed(&t.inst, sources, &opts, &NoProgress, |_, _| Ok(())).unwrap();
        assert_eq!((summary.existing, summary.created), (40, 10));
    });
}

/// The dedup lookups of a large batch (more than 2000 hashes or keys) are read in two halves,
/// on two connections outside a caller's transaction: every existing artifact is still found;
/// inside a transaction, one connection sees what the transaction saved before.
#[test]
fn large_batches_find_every_existing_artifact() {
    for_each_backend("large_batches_dedup", |b| {
        let t = TestInstance::new(b);
        let n = 2100;
        for i in 0..n {
            write(&t.path(&format!("in/big/a/{i:04}.txt")), format!("big {i}").as_bytes());
        }
        let opts = ArtifactOptions { batch: n, ..Default::default() };
        let save = |inst: &lamindb_core::Instance, dir: &str| {
            let sources = ArtifactSource::walk_dir(&t.path(dir), None).unwrap();
            Artifact::save_streamed(&inst, sources, &opts, &NoProgress, |_, _| Ok(())).unwrap()
        };
        assert_eq!(save(&t.inst, "in/big/a").created, n);
        // One file changed: a new version of its key; the others are found by hash.
        write(&t.path("in/big/a/0007.txt"), b"changed");
        let again = save(&t.inst, "in/big/a");
        assert_eq!((again.existing, again.new_versions, again.created), (n - 1, 1, 0));
        // Inside a transaction, a second folder with the contents of a third, saved just before
        // in the same transaction, returns the third's artifacts.
        for i in 0..n {
            write(&t.path(&format!("in/big/b/{i:04}.txt")), format!("other {i}").as_bytes());
            write(&t.path(&format!("in/big/c/{i:04}.txt")), format!("other {i}").as_bytes());
        }
        let (first, second) = t
            .inst
            .transaction(|tx| Ok::<_, lamindb_core::Error>((save(tx, "in/big/b"), save(tx, "in/big/c"))))
            .unwrap();
        assert_eq!((first.created, second.existing, second.created), (n, n, 0));
        assert_eq!(Artifact::query().count(&t.inst).unwrap(), 2 * n + 1);
    });
}

/// Two savers of the same content under different keys at once leave one artifact: the second
/// returns the first's ("returning artifact with same hash"), as one after the other would.
#[test]
fn concurrent_saves_of_the_same_content_dedup() {
    for_each_backend("concurrent_saves_of_the_same_content_dedup", |b| {
        let t = TestInstance::new(b);
        for round in 0..5 {
            let content = format!("same content, round {round}");
            let start = std::sync::Barrier::new(4);
            let outcomes: Vec<ArtifactOutcome> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..4)
                    .map(|i| {
                        let (inst, start, content) = (t.inst.clone(), &start, content.clone());
                        let path = t.path(&format!("same-{round}-{i}.txt"));
                        s.spawn(move || {
                            std::fs::write(&path, content).unwrap();
                            let opts = ArtifactOptions {
                                key: Some(format!("same/{round}/{i}.txt")),
                                ..Default::default()
                            };
                            start.wait();
                            Artifact::from_path(&path).options(&opts).save_with_outcome(&inst).unwrap().1
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert_eq!(
                outcomes.iter().filter(|o| **o == ArtifactOutcome::Created).count(),
                1,
                "{outcomes:?}"
            );
            let hash = lamindb_storage::hash::hash_bytes(content.as_bytes()).hash;
            let same =
                Artifact::filter(lamindb_core::fields::artifact::HASH.eq(hash)).count(&t.inst).unwrap();
            assert_eq!(same, 1, "round {round}");
        }
    });
}

/// Rewrites the source file with other bytes of the same size once it was checked (hashed),
/// before its bytes are stored.
struct RewriteOnStart(PathBuf);

impl Progress for RewriteOnStart {
    fn checked(&self, _files: u64) {
        let len = std::fs::metadata(&self.0).unwrap().len() as usize;
        std::fs::write(&self.0, vec![b'Z'; len]).unwrap();
    }
}

#[test]
fn a_file_changed_while_it_is_saved_fails_the_save() {
    for_each_backend("a_file_changed_while_it_is_saved_fails_the_save", |b| {
        let mut t = TestInstance::new(b);
        // Larger than what a save keeps in memory (a small file is stored from the bytes it hashed).
        let original = b"a,b\n1,2\n".repeat(51 << 17);
        // Written just before the save (its times cannot tell a later write: the copy hashes what
        // it stores), and written long before (the kernel copies, `stat` tells).
        for settle in [false, true] {
            let path = write(&t.path(&format!("moving-{settle}.csv")), &original);
            if settle {
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            let source = ArtifactSource { path: path.clone(), key: Some("moving.csv".into()) };
            let err = Artifact::create_many(
                &t.inst,
                &[source],
                &ArtifactOptions::default(),
                &RewriteOnStart(path.clone()),
            )
            .unwrap_err();
            assert!(
                matches!(&err, Error::Refused(lamindb_core::Refusal::ChangedWhileSaving { path: p }) if *p == path),
                "settled {settle}: {err}"
            );
            // Nothing recorded: saving the original content later does not dedup onto other bytes.
            assert_eq!(count(&mut t), 0);
        }
        let path = write(&t.path("moving.csv"), &original);
        let keyed = ArtifactOptions { key: Some("moving.csv".into()), ..Default::default() };
        let (a, outcome) = Artifact::from_path(&path).options(&keyed).save_with_outcome(&t.inst).unwrap();
        assert_eq!(outcome, ArtifactOutcome::Created);
        assert_eq!(std::fs::read(a.path(&t.inst).unwrap()).unwrap(), original);
    });
}

#[test]
fn deleting_a_folder_keeps_the_bytes_of_artifacts_inside_it() {
    for_each_backend("deleting_a_folder_keeps_the_bytes_of_artifacts_inside_it", |b| {
        let t = TestInstance::new(b);
        let dir = t.path("lab").display().to_string();
        t.inst.storage().add(&dir, None).unwrap();
        let inner = write(&t.path("lab/run1/counts.csv"), b"x\n1\n");
        write(&t.path("lab/run1/meta.txt"), b"meta");
        let (file, _) = Artifact::from_path(&inner)
            .options(&ArtifactOptions::default())
            .save_with_outcome(&t.inst)
            .unwrap();
        let (folder, _) = Artifact::from_path(&t.path("lab/run1"))
            .options(&ArtifactOptions::default())
            .save_with_outcome(&t.inst)
            .unwrap();
        assert!(folder.is_dir());
        let err = folder.delete_permanently_with(&t.inst, Some(true)).unwrap_err();
        assert!(
            matches!(&err, Error::Refused(lamindb_core::Refusal::FolderHoldsArtifacts { uids, .. }) if *uids == [file.uid.clone()]),
            "{err}"
        );
        // Nothing changed: both records, all bytes.
        assert!(Artifact::get_by_id(&t.inst, folder.id.unwrap()).is_ok());
        assert_eq!(std::fs::read(&inner).unwrap(), b"x\n1\n");
        // Without its data the folder's record goes; the bytes stay.
        folder.delete_permanently_with(&t.inst, Some(false)).unwrap();
        assert!(inner.exists() && t.path("lab/run1/meta.txt").exists());
        assert!(Artifact::get_by_id(&t.inst, file.id.unwrap()).is_ok());
    });
}
