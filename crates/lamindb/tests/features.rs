//! What a build without an optional feature does when asked for it: a clear error that names
//! the feature, and nothing created. Run by `cargo test -p lamindb --no-default-features` and
//! with every feature in the workspace suite.

use lamindb as ln;
use ln::lamindb_storage::{RootKind, StorageError, StorageRoot, Store};

#[test]
fn a_postgresql_url_needs_the_postgres_feature() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = ln::SettingsDir::at(tmp.path().join(".lamin"));
    // Port 1 on loopback: nothing listens, so a build with PostgreSQL fails to connect instead.
    let url = "postgresql://nobody:secret@127.0.0.1:1/none";
    let err = ln::Instance::open(url).unwrap_err();
    let opts = ln::InitOptions {
        storage: tmp.path().join("data").display().to_string(),
        db: Some(url.into()),
        ..Default::default()
    };
    let init_err = ln::Instance::init_in(&settings, &opts).unwrap_err();
    if ln::postgres_built_in() {
        assert!(matches!(err, ln::Error::Connect { .. }), "{err:?}");
        assert!(matches!(init_err, ln::Error::Connect { .. }), "{init_err:?}");
        println!("postgres built in: the URL was tried");
    } else {
        for err in [&err, &init_err] {
            assert!(matches!(err, ln::Error::NotBuiltIn { feature: "postgres", .. }), "{err:?}");
            assert!(err.to_string().contains("cargo feature `postgres`"), "{err}");
        }
        // The refused init touched nothing.
        assert!(!tmp.path().join("data").exists());
        let files: Vec<_> =
            std::fs::read_dir(settings.path()).map(|d| d.flatten().collect()).unwrap_or_default();
        assert!(
            files.iter().all(|f| !f.file_name().to_string_lossy().starts_with("instance--")),
            "{files:?}"
        );
    }
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn cloud_roots_need_their_features() {
    for (root, kind, feature) in
        [("s3://bucket/prefix", RootKind::S3, "s3"), ("gs://bucket/prefix", RootKind::Gs, "gcs")]
    {
        let root = StorageRoot::parse(root).unwrap();
        assert_eq!(root.kind(), kind);
        // Opening contacts nothing, so a build with the feature succeeds without a server.
        match Store::open(&root) {
            Ok(_) => assert!(kind.is_built_in(), "{root} opened without its feature"),
            Err(err) => {
                assert!(!kind.is_built_in(), "{root}: {err}");
                assert!(
                    matches!(err, StorageError::NotBuiltIn { feature: f, .. } if f == feature),
                    "{err:?}"
                );
                assert!(err.to_string().contains(&format!("cargo feature `{feature}`")), "{err}");
            }
        }
    }
}

#[test]
fn local_storage_and_sqlite_are_always_built_in() {
    assert!(RootKind::Local.is_built_in());
    let tmp = tempfile::tempdir().unwrap();
    let settings = ln::SettingsDir::at(tmp.path().join(".lamin"));
    let opts =
        ln::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    ln::Instance::init_in(&settings, &opts).unwrap();
    let inst = ln::Instance::open(tmp.path().join("data")).unwrap();
    use ln::SQLRecord;
    let label = ln::ULabel::new("built in").save(&inst).unwrap();
    assert_eq!(ln::ULabel::get_by_id(&inst, label.id.unwrap()).unwrap().name, "built in");
}
