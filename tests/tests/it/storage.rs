//! The Storage registry: root normalisation, managed / read-only / unwritable locations, get by
//! id, uid, prefix and root, the delete lifecycle, and switching the default storage.

use lamindb_core::{Error, Refusal, SQLRecord, Storage, StorageOutcome};
use lamindb_tests::{Backend, TestInstance, for_each_backend};

#[test]
fn add_storage_managed_existing_and_normalised() {
    for_each_backend("add_storage_managed_existing_and_normalised", |b| {
        let t = TestInstance::new(b);
        let root = t.path("my-directory");
        let (s, outcome) =
            t.inst.storage().add(&format!("{}/", root.display()), Some("a described one")).unwrap();
        assert_eq!(outcome, StorageOutcome::Managed);
        assert_eq!(s.root, root.display().to_string(), "trailing slash removed");
        assert_eq!(s.type_, "local");
        assert_eq!(s.description.as_deref(), Some("a described one"));
        assert_eq!(s.instance_uid.as_deref(), Some("20y5jjSJFsk4"));
        assert_eq!(s.created_by_id, Some(1));
        let marker = std::fs::read_to_string(root.join(".lamindb/storage_uid.txt")).unwrap();
        assert!(
            marker.starts_with(&format!("{}\ncreation info:\ninstance_slug=anonymous/data\n", s.uid)),
            "{marker}"
        );
        // The same root, spelled differently, returns the existing record.
        let dotted = format!("{}/../my-directory", t.path("data").display());
        let (again, outcome) = t.inst.storage().add(&dotted, None).unwrap();
        assert_eq!(outcome, StorageOutcome::Existing);
        assert_eq!(again.id, s.id);
        assert_eq!(t.inst.storage().list().unwrap().len(), 2);
        assert_eq!(t.inst.storage().get(&root.display().to_string()).unwrap().uid, s.uid);
        assert_eq!(s.path(), root.display().to_string());
    });
}

#[test]
fn storage_marked_by_another_instance_is_read_only() {
    for_each_backend("storage_marked_by_another_instance_is_read_only", |b| {
        let t = TestInstance::new(b);
        let root = t.path("foreign");
        std::fs::create_dir_all(root.join(".lamindb")).unwrap();
        let foreign = "forEIGNuid01\ncreation info:\ninstance_slug=alice/other\ninstance_id=4367b78ad1c45604ac44c7d20f58dabe\ninstance_uid=7Anyn2ud5VAA";
        std::fs::write(root.join(".lamindb/storage_uid.txt"), foreign).unwrap();
        let (s, outcome) = t.inst.storage().add(&root.display().to_string(), None).unwrap();
        assert_eq!(outcome, StorageOutcome::ReadOnly { instance_uid: Some("7Anyn2ud5VAA".into()) });
        assert_eq!(s.uid, "forEIGNuid01", "the record takes the marker's uid");
        assert_eq!(s.instance_uid.as_deref(), Some("7Anyn2ud5VAA"));
        assert_eq!(
            std::fs::read_to_string(root.join(".lamindb/storage_uid.txt")).unwrap(),
            foreign,
            "marker untouched"
        );
        let err = t.inst.storage().check_write(&s, lamindb_core::WriteAction::SetDefaultStorage).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Storage '{}' exists in another instance (7Anyn2ud5VAA), cannot write to it from here.",
                s.root
            )
        );
        let err = t.inst.storage().set_default(&s.root).unwrap_err();
        assert!(err.to_string().contains("exists in another instance (7Anyn2ud5VAA)"), "{err}");
        // Deleting a foreign location removes only our record; its marker stays.
        t.inst.storage().delete(&s).unwrap();
        assert_eq!(std::fs::read_to_string(root.join(".lamindb/storage_uid.txt")).unwrap(), foreign);
    });
}

#[test]
fn unwritable_storage_is_registered_unmanaged() {
    for_each_backend("unwritable_storage_is_registered_unmanaged", |b| {
        let t = TestInstance::new(b);
        let (s, outcome) = t.inst.storage().add("/proc/not-writable-here", None).unwrap();
        assert!(matches!(outcome, StorageOutcome::Unwritable { .. }), "{outcome:?}");
        assert_eq!(s.instance_uid, None);
        let err = t.inst.storage().check_write(&s, lamindb_core::WriteAction::SetDefaultStorage).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Storage '/proc/not-writable-here' is not managed by any instance, cannot write to it from here."
        );
        t.inst.storage().delete(&s).unwrap();
        assert!(t.inst.storage().get("/proc/not-writable-here").unwrap_err().is_does_not_exist());
    });
}

#[test]
fn bad_roots_are_refused_and_change_nothing() {
    for_each_backend("bad_roots_are_refused_and_change_nothing", |b| {
        let t = TestInstance::new(b);
        let cases = [
            (
                format!("{}/x/.lamindb", t.root().display()),
                "Please pass a folder name that does not end or contain \".lamindb\"",
            ),
            (
                "ftp://example.org/x".to_string(),
                "Protocol ftp is not supported, valid protocols are local, gs, s3",
            ),
            ("hf://datasets/x".to_string(), "Protocol hf is not supported"),
            (String::new(), ""),
        ];
        for (root, msg) in cases {
            let err = t.inst.storage().add(&root, None).unwrap_err();
            assert!(err.to_string().contains(msg), "{root}: {err}");
        }
        assert_eq!(t.inst.storage().list().unwrap().len(), 1);
        assert!(!t.path("x").exists());
    });
}

#[test]
fn get_by_id_uid_prefix_and_root_with_lamindb_errors() {
    for_each_backend("get_by_id_uid_prefix_and_root_with_lamindb_errors", |b| {
        let t = TestInstance::new(b);
        let (s, _) = t.inst.storage().add(&t.path("two").display().to_string(), None).unwrap();
        assert_eq!(t.inst.storage().get("2").unwrap().uid, s.uid);
        assert_eq!(t.inst.storage().get(&s.uid).unwrap().id, s.id);
        assert_eq!(t.inst.storage().get(&s.uid[..4]).unwrap().id, s.id);
        let err = t.inst.storage().get("zzzzzzzzzzzz").unwrap_err();
        assert_eq!(
            err.to_string(),
            "No record found with uid 'zzzzzzzzzzzz'. Did you forget a keyword as in Storage.get(root='zzzzzzzzzzzz')?"
        );
        let err = t.inst.storage().get("123456").unwrap_err();
        assert_eq!(err.to_string(), "Storage matching query does not exist.");
        let err = t.inst.storage().get("/does/not/exist").unwrap_err();
        assert_eq!(err.to_string(), "Storage matching query does not exist.");
        // An empty prefix matches both.
        let err = Storage::query().one(&t.inst).unwrap_err();
        assert_eq!(err.to_string(), "get() returned more than one Storage -- it returned 2!");
    });
}

#[test]
fn delete_lifecycle_follows_lamindb() {
    for_each_backend("delete_lifecycle_follows_lamindb", |b| {
        let t = TestInstance::new(b);
        let root = t.path("s2");
        let (s, _) = t.inst.storage().add(&root.display().to_string(), None).unwrap();
        // 1. artifacts (a trashed one too) block it
        let mut a = lamindb_core::Artifact {
            uid: "aaaaaaaaaaaaaaaa0000".into(),
            suffix: ".txt".into(),
            is_latest: true,
            key_is_virtual: lamindb_core::__private::internal(true),
            storage_id: s.id.unwrap(),
            branch_id: Some(-1),
            description: Some("trashed".into()),
            ..Default::default()
        };
        a = a.save(&t.inst).unwrap();
        let err = t.inst.storage().delete(&s).unwrap_err();
        assert!(matches!(err, Error::Refused(Refusal::StorageHasArtifacts)), "{err:?}");
        assert_eq!(err.to_string(), "Cannot delete storage with artifacts in current instance.");
        a.delete_row(&t.inst).unwrap();
        // 2. the default storage cannot be deleted
        let default = t.inst.storage().default().unwrap();
        let err = t.inst.storage().delete(&default).unwrap_err();
        assert!(matches!(err, Error::Refused(Refusal::DefaultStorage)), "{err:?}");
        assert_eq!(err.to_string(), "Cannot delete the current storage location, switch to another.");
        // 3. objects under .lamindb/ block it
        std::fs::write(root.join(".lamindb/leftover.txt"), "x").unwrap();
        let err = t.inst.storage().delete(&s).unwrap_err();
        assert!(matches!(err, Error::StorageNotEmpty { .. }), "{err}");
        assert!(err.to_string().contains(".lamindb/leftover.txt"), "{err}");
        std::fs::remove_file(root.join(".lamindb/leftover.txt")).unwrap();
        // 4. marker and record removed, directories kept
        t.inst.storage().delete(&s).unwrap();
        assert!(!root.join(".lamindb/storage_uid.txt").exists());
        assert!(root.join(".lamindb").is_dir());
        assert_eq!(Storage::query().filter_eq("root", s.root.as_str()).count(&t.inst).unwrap(), 0);
    });
}

#[test]
fn switching_the_default_storage_persists_in_the_settings_file() {
    for_each_backend("switching_the_default_storage_persists_in_the_settings_file", |b| {
        let t = TestInstance::new(b);
        let root = t.path("storage_2");
        let err = t.inst.storage().set_default(&root.display().to_string()).unwrap_err();
        assert!(err.to_string().contains("is not registered in this instance"), "{err}");
        let (s, _) = t.inst.storage().add(&root.display().to_string(), None).unwrap();
        t.inst.storage().set_default(&root.display().to_string()).unwrap();
        assert_eq!(t.inst.storage().default().unwrap().id, s.id);
        let reopened = t.settings.find("data").unwrap();
        assert_eq!(reopened.default_storage_root(), s.root);
        match b {
            // The instance file keeps naming the location of the SQLite file (so that Python
            // LaminDB and we still find the database); the default is kept beside it.
            Backend::Sqlite => assert_eq!(reopened.storage_root, t.path("data").display().to_string()),
            Backend::Postgres => assert_eq!(reopened.storage_root, s.root),
        }
        let current = t.settings.current_global().unwrap().unwrap();
        assert_eq!(current.default_storage_root(), s.root, "current_instance.env follows");
        // A new process opens the instance and finds the new default.
        let again = reopened.open(&t.settings).unwrap();
        assert_eq!(again.storage().default().unwrap().id, s.id);
        assert_eq!(again.storage().list().unwrap().len(), 2);
        // The former default can now be deleted (it holds only lamin.db on SQLite: refused then).
        let old = t.inst.storage().get("1").unwrap();
        let res = t.inst.storage().delete(&old);
        match b {
            Backend::Sqlite => {
                assert!(matches!(res.unwrap_err(), Error::StorageNotEmpty { .. }))
            }
            Backend::Postgres => res.unwrap(),
        }
        assert_eq!(Storage::REGISTRY.name, "Storage");
    });
}

/// The filesystem root and the home folder are refused as new storage locations, by
/// `add_storage` and by `init`, with nothing written.
#[test]
fn the_filesystem_root_and_the_home_folder_are_refused_as_storage() {
    let t = TestInstance::new(Backend::Sqlite);
    let home = std::env::var("HOME").expect("HOME is set");
    // Were either accepted, what it wrote there is removed again.
    let markers = ["/.lamindb".to_string(), format!("{home}/.lamindb")];
    let existed: Vec<bool> = markers.iter().map(|m| std::path::Path::new(m).exists()).collect();
    let undo = || {
        for (m, existed) in markers.iter().zip(&existed) {
            if !existed {
                let _ = std::fs::remove_dir_all(m);
            }
        }
    };
    let added = t.inst.storage().add("/", None);
    undo();
    match added {
        Err(Error::Refused(Refusal::StorageRootTooBroad { root, what, .. })) => {
            assert_eq!((root.as_str(), what), ("/", "the filesystem root"));
        }
        other => panic!("{other:?}"),
    }
    let home_root = lamindb_storage::StorageRoot::parse(&home).unwrap().to_string();
    let added = t.inst.storage().add(&home, None);
    undo();
    match added {
        Err(Error::Refused(Refusal::StorageRootTooBroad { root, what, .. })) => {
            assert_eq!((root, what), (home_root, "your home folder"));
        }
        other => panic!("{other:?}"),
    }
    let settings = lamindb_core::SettingsDir::at(t.path("settings/.lamin"));
    let opts =
        lamindb_core::InitOptions { storage: "~".into(), name: Some("home".into()), ..Default::default() };
    let init = lamindb_core::Instance::init_in(&settings, &opts);
    undo();
    assert!(
        matches!(init, Err(Error::Refused(Refusal::StorageRootTooBroad { what: "your home folder", .. }))),
        "{init:?}"
    );
    assert_eq!(t.inst.storage().list().unwrap().len(), 1);
}
