//! Instances: init, the LaminDB layout and settings files, connect, current-instance resolution,
//! delete, and init failures that leave nothing behind.

use lamindb_core::{Error, InitOptions, InitOutcome, Instance, Refusal, SQLRecord, SettingsDir};
use lamindb_tests::{Backend, PgDatabase, TestInstance, for_each_backend, list_files};

#[test]
fn init_writes_lamindb_layout_marker_and_settings() {
    for_each_backend("init_writes_lamindb_layout_marker_and_settings", |b| {
        let t = TestInstance::new(b);
        let s = t.inst.settings();
        // Instance "anonymous/data": the vector LaminDB itself produces.
        assert_eq!(s.slug(), "anonymous/data");
        assert_eq!(s.id.simple().to_string(), "e137f67e636b5afd9c29bb210c687952");
        assert_eq!(t.inst.uid(), "20y5jjSJFsk4");
        let marker = std::fs::read_to_string(t.path("data/.lamindb/storage_uid.txt")).unwrap();
        let lines: Vec<&str> = marker.split('\n').collect();
        assert_eq!(lines.len(), 5, "{marker:?}");
        assert_eq!(lines[0].len(), 12);
        assert_eq!(
            &lines[1..],
            [
                "creation info:",
                "instance_slug=anonymous/data",
                "instance_id=e137f67e636b5afd9c29bb210c687952",
                "instance_uid=20y5jjSJFsk4"
            ]
        );
        assert!(!marker.ends_with('\n'));
        let mut files = list_files(&t.path("data"));
        files.retain(|f| !f.ends_with("-wal") && !f.ends_with("-shm"));
        let mut expected = vec![".lamindb/storage_uid.txt"];
        if b == Backend::Sqlite {
            expected.insert(0, ".lamindb/lamin.db");
        }
        assert_eq!(files, expected);
        let env = std::fs::read_to_string(t.settings.instance_file("anonymous", "data")).unwrap();
        assert!(env.starts_with("lamindb_instance_owner=anonymous\nlamindb_instance_name=data\n"), "{env}");
        assert!(env.contains(&format!("lamindb_instance_storage_root={}\n", t.path("data").display())));
        assert!(env.contains("lamindb_instance_id=e137f67e636b5afd9c29bb210c687952\n"));
        match b {
            Backend::Sqlite => assert!(env.contains("lamindb_instance_db=null\n")),
            Backend::Postgres => assert!(env.contains("lamindb_instance_db=postgres")),
        }
        // init makes it current.
        assert_eq!(std::fs::read_to_string(t.settings.current_instance_file()).unwrap(), env);
        assert!(t.settings.user_file().exists());
    });
}

#[test]
fn init_twice_connects_and_conflicting_init_is_refused() {
    for_each_backend("init_twice_connects_and_conflicting_init_is_refused", |b| {
        let t = TestInstance::new(b);
        let opts = InitOptions {
            storage: t.path("data").display().to_string(),
            name: Some("data".into()),
            db: t.pg.as_ref().map(|p| p.url().to_string()),
        };
        let (again, outcome) = Instance::init_in(&t.settings, &opts).unwrap();
        assert_eq!(outcome, InitOutcome::Connected);
        assert_eq!(again.uid(), t.inst.uid());
        let other = InitOptions { storage: t.path("elsewhere").display().to_string(), ..opts };
        let err = Instance::init_in(&t.settings, &other).unwrap_err();
        assert!(
            matches!(&err, Error::Refused(Refusal::InstanceExists { slug, .. }) if slug.ends_with("/data")),
            "{err:?}"
        );
        assert!(err.to_string().contains("exists already"), "{err}");
        assert!(!t.path("elsewhere").exists());
    });
}

#[test]
fn init_validates_its_arguments_before_touching_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = SettingsDir::at(tmp.path().join("s/.lamin"));
    let cases = [
        (
            tmp.path().join("x/.lamindb").display().to_string(),
            None,
            None,
            "Please pass a folder name that does not end or contain \".lamindb\"",
        ),
        (
            "ftp://host/dir".to_string(),
            None,
            None,
            "Protocol ftp is not supported, valid protocols are local, gs, s3",
        ),
        (
            tmp.path().join("ok").display().to_string(),
            Some("a/b"),
            None,
            "Invalid instance name: '/' delimiter not allowed",
        ),
        (
            tmp.path().join("ok").display().to_string(),
            None,
            Some("mysql://x/y"),
            "the database must be a PostgreSQL URL",
        ),
        ("s3://bucket/prefix".to_string(), None, None, "a SQLite database in cloud storage"),
    ];
    for (storage, name, db, msg) in cases {
        let opts = InitOptions { storage, name: name.map(str::to_string), db: db.map(str::to_string) };
        let err = Instance::init_in(&settings, &opts).unwrap_err();
        assert!(err.to_string().contains(msg), "{err} should contain {msg}");
    }
    assert!(list_files(tmp.path()).is_empty(), "{:?}", list_files(tmp.path()));
}

#[test]
fn failed_init_leaves_no_files_or_settings_behind() {
    for_each_backend("failed_init_leaves_no_files_or_settings_behind", |b| {
        let tmp = tempfile::tempdir().unwrap();
        let settings = SettingsDir::at(tmp.path().join("s/.lamin"));
        // `current_instance.env` cannot be read or written (a directory is in its place): init fails
        // after the database, tables, marker and instance file were made, and must undo all of them.
        std::fs::create_dir_all(settings.current_instance_file().join("blocker")).unwrap();
        let before = list_files(tmp.path());
        let pg = (b == Backend::Postgres).then(PgDatabase::create);
        let opts = InitOptions {
            storage: tmp.path().join("data").display().to_string(),
            name: Some("data".into()),
            db: pg.as_ref().map(|p| p.url().to_string()),
        };
        let err = Instance::init_in(&settings, &opts).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert_eq!(list_files(tmp.path()), before);
        assert!(!tmp.path().join("data").exists(), "the storage root it created is removed");
        assert!(!settings.instance_file("anonymous", "data").exists());
        assert!(!settings.user_file().exists());
        if let Some(pg) = &pg {
            assert!(!lamindb_tests::pg_table_exists(pg.url(), "lamindb_storage"), "migrations are reverted");
        }
    });
}

#[test]
fn init_on_storage_managed_by_another_instance_is_refused() {
    let t = TestInstance::new(Backend::Sqlite);
    let other = SettingsDir::at(t.path("other-settings/.lamin"));
    let opts =
        InitOptions { storage: t.path("data").display().to_string(), name: Some("second".into()), db: None };
    let err = Instance::init_in(&other, &opts).unwrap_err();
    assert!(err.to_string().contains("is already marked with uid"), "{err}");
    assert!(err.to_string().contains("20y5jjSJFsk4"), "{err}");
    assert!(!other.instance_file("anonymous", "second").exists());
}

#[test]
fn connect_resolves_names_and_the_current_instance() {
    let t = TestInstance::new(Backend::Sqlite);
    let dir = &t.settings;
    dir.clear_current().unwrap();
    let cwd = t.root().to_path_buf();
    assert!(dir.resolve_current(&cwd).unwrap().is_none());
    assert!(matches!(Instance::current_in(dir, &cwd).unwrap_err(), Error::NotConfigured));
    let by_name = Instance::connect_in(dir, "data").unwrap();
    dir.set_current(&by_name.settings()).unwrap();
    assert_eq!(by_name.slug(), "anonymous/data");
    assert_eq!(dir.resolve_current(&cwd).unwrap().unwrap().slug(), "anonymous/data");
    let by_slug = Instance::connect_in(dir, "anonymous/data").unwrap();
    assert_eq!(by_slug.uid(), "20y5jjSJFsk4");
    let err = Instance::connect_in(dir, "nope").unwrap_err();
    assert!(err.to_string().contains("instance 'anonymous/nope' not found"), "{err}");
    assert!(
        Instance::connect_in(dir, "a/b/c").unwrap_err().to_string().contains("Invalid instance identifier")
    );
    // A `.lamin/current_instance` marker up the tree wins over the global file.
    let opts = InitOptions { storage: t.path("second").display().to_string(), name: None, db: None };
    let (second, _) = Instance::init_in(dir, &opts).unwrap();
    assert_eq!(second.slug(), "anonymous/second");
    std::fs::create_dir_all(t.path("project/.lamin")).unwrap();
    std::fs::write(t.path("project/.lamin/current_instance"), "anonymous/data").unwrap();
    std::fs::create_dir_all(t.path("project/sub/deeper")).unwrap();
    let resolved = dir.resolve_current(&t.path("project/sub/deeper")).unwrap().unwrap();
    assert_eq!(resolved.slug(), "anonymous/data");
    assert_eq!(dir.resolve_current(&cwd).unwrap().unwrap().slug(), "anonymous/second");
}

#[test]
fn delete_instance_requires_force_and_an_empty_storage() {
    for_each_backend("delete_instance_requires_force_and_an_empty_storage", |b| {
        let t = TestInstance::new(b);
        let err = Instance::delete(&t.settings, "data", false).unwrap_err();
        assert!(matches!(err, Error::Refused(Refusal::NotConfirmed { .. })), "{err:?}");
        assert!(err.to_string().contains("confirm it (`force`)"), "{err}");
        // An artifact row blocks the deletion.
        let mut a = lamindb_core::Artifact {
            uid: "aaaaaaaaaaaaaaaa0000".into(),
            suffix: ".txt".into(),
            is_latest: true,
            key_is_virtual: lamindb_core::__private::internal(true),
            storage_id: 1,
            description: Some("x".into()),
            ..Default::default()
        };
        use lamindb_core::SQLRecord;
        a = a.save(&t.inst).unwrap();
        let err = Instance::delete(&t.settings, "data", true).unwrap_err();
        assert!(err.to_string().contains("it has 1 artifact"), "{err}");
        a.delete_row(&t.inst).unwrap();
        // A file in .lamindb/ blocks it too.
        std::fs::write(t.path("data/.lamindb/stray.txt"), "x").unwrap();
        let err = Instance::delete(&t.settings, "data", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "'{}/.lamindb' contains 1 objects:\n.lamindb/stray.txt\ndelete them prior to deleting the storage location",
                t.path("data").display()
            )
        );
        std::fs::remove_file(t.path("data/.lamindb/stray.txt")).unwrap();
        let report = Instance::delete(&t.settings, "data", true).unwrap();
        assert_eq!(report.slug, "anonymous/data");
        assert_eq!(report.postgres_kept.is_some(), b == Backend::Postgres);
        assert!(!t.path("data").exists(), "empty root removed");
        assert!(!t.settings.instance_file("anonymous", "data").exists());
        assert!(!t.settings.current_instance_file().exists());
    });
}

#[test]
fn info_redacts_the_database_password() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = SettingsDir::at(tmp.path().join(".lamin"));
    let id = lamindb_core::uid::instance_id("anonymous", "pg");
    let s = lamindb_core::InstanceSettings::new(
        "anonymous",
        "pg",
        "/data",
        Some("postgresql://u:s3cret@h:5432/pg".into()),
        id,
    );
    let info = lamindb_core::InstanceInfo::from_settings(&s, &dir).unwrap();
    assert_eq!(info.db, "postgresql://u:***@h:5432/pg");
    assert_eq!(info.user, "anonymous");
}

#[test]
fn a_database_file_emptied_or_replaced_is_refused_not_migrated() {
    let t = TestInstance::new(Backend::Sqlite);
    let path = t.inst.settings().sqlite_path();
    let settings = t.settings.clone();
    drop(t.inst);
    // Truncated to 0 bytes: opening it (as every command does, read-only ones included) fails and
    // leaves it as it is, instead of making it an empty instance.
    std::fs::write(&path, b"").unwrap();
    for _ in 0..2 {
        let err = Instance::connect_in(&settings, "data").unwrap_err();
        assert!(
            matches!(&err, Error::Refused(Refusal::NotAnInstanceDatabase { reason, .. }) if reason.contains("0 bytes")),
            "{err}"
        );
        assert!(err.to_string().contains("restore the file from a backup"), "{err}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }
    let err = Instance::open_in(&settings, &t.dir.path().join("data").display().to_string()).unwrap_err();
    assert!(matches!(err, Error::Refused(Refusal::NotAnInstanceDatabase { .. })), "{err}");
    // Another program's SQLite database, and a file that is no database at all.
    std::fs::remove_file(&path).unwrap();
    {
        use diesel::{Connection, RunQueryDsl};
        let mut db = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        diesel::sql_query("CREATE TABLE notes (id integer)").execute(&mut db).unwrap();
    }
    let err = Instance::connect_in(&settings, "data").unwrap_err();
    assert!(err.to_string().contains("it has no LaminDB tables"), "{err}");
    std::fs::write(&path, b"this is not a database, but it is long enough to have a header......").unwrap();
    let err = Instance::connect_in(&settings, "data").unwrap_err();
    assert!(matches!(err, Error::Refused(Refusal::NotAnInstanceDatabase { .. })), "{err}");
}

#[test]
fn init_never_adopts_another_instances_database() {
    let t = TestInstance::named(Backend::Sqlite, "first");
    lamindb_core::ULabel::new("first's label").save(&t.inst).unwrap();
    let root = t.inst.settings().storage_root;
    let marker = std::path::Path::new(&root).join(".lamindb/storage_uid.txt");
    std::fs::remove_file(&marker).unwrap();
    let opts = InitOptions { storage: root.clone(), name: Some("second".into()), db: None };
    let err = Instance::init_in(&t.settings, &opts).unwrap_err();
    assert!(
        matches!(&err, Error::Refused(Refusal::OtherInstanceDatabase { instance_uid, .. }) if *instance_uid == t.inst.uid()),
        "{err}"
    );
    // Nothing was written: no marker, no settings of "second", the first's records as they were.
    assert!(!marker.exists());
    assert!(t.settings.load_instance("anonymous", "second").unwrap().is_none());
    assert_eq!(lamindb_core::ULabel::query().count(&t.inst).unwrap(), 1);
}

/// `Instance::open` on a folder that holds no instance says so (not "Invalid instance
/// identifier"), and changes nothing there; a name that is no path is still looked up in the
/// settings.
#[test]
fn open_on_a_folder_without_an_instance_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = SettingsDir::at(tmp.path().join(".lamin"));
    let folder = tmp.path().join("just a folder");
    std::fs::create_dir_all(&folder).unwrap();
    let err = Instance::open_in(&dir, &folder.display().to_string()).unwrap_err();
    assert!(matches!(&err, Error::Refused(Refusal::NoInstanceAt { path }) if *path == folder), "{err:?}");
    assert!(err.to_string().contains("holds no LaminDB instance"), "{err}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0, "nothing written into the folder");
    let err = Instance::open_in(&dir, "no-such-instance").unwrap_err();
    assert!(matches!(err, Error::InstanceNotFound(..)), "{err:?}");
}
