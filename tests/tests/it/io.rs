//! Whole instances between databases: an export folder (one Parquet file per table) loaded into a
//! new instance, and an instance moved from SQLite to PostgreSQL and back, keeping every id.

use lamindb_core::doctor::{DoctorOptions, ProblemKind};
use lamindb_core::models::all_registries;
use lamindb_core::{
    Artifact, Error, Feature, Instance, QuerySet, SQLRecord, Storage, TrackOptions, Trash, ULabel,
};
use lamindb_frame::{DataFrame, DfOptions, df};
use lamindb_tests::{Backend, PgDatabase, TestInstance, for_each_backend, postgres_url};
use serde_json::json;

/// An instance with labels, features, a tracked run and annotated artifacts.
fn populated(b: Backend) -> TestInstance {
    let t = TestInstance::named(b, "lab");
    t.inst.storage().add(&t.path("second").display().to_string(), Some("a second location")).unwrap();
    ULabel::bulk_create(
        &t.inst,
        &(0..500).map(|i| format!("label {i}")).collect::<Vec<_>>(),
        None,
        lamindb_core::NameMatch::AlwaysCreate,
    )
    .unwrap();
    Feature::new("n_cells", "int").save(&t.inst).unwrap();
    Feature::new("tissue", "cat[ULabel]").save(&t.inst).unwrap();
    let run = t.inst.track(TrackOptions::new("pipelines/qc.py")).unwrap();
    for i in 0..20 {
        let path = t.path(&format!("f{i}.csv"));
        std::fs::write(&path, format!("x\n{i}\n")).unwrap();
        let a = Artifact::from_path(&path).key(format!("raw/f{i}.csv")).save(&t.inst).unwrap();
        a.add_feature_values(&t.inst, &[("n_cells", json!(i)), ("tissue", json!(format!("label {i}")))])
            .unwrap();
    }
    run.finish().unwrap();
    let trashed = ULabel::query().filter_eq("name", "label 499").one(&t.inst).unwrap();
    trashed.delete(&t.inst).unwrap();
    t
}

/// Every registry's records (all branches) as frames, by registry name.
fn frames(inst: &Instance, skip: &[&str]) -> Vec<(&'static str, DataFrame)> {
    all_registries()
        .into_iter()
        .filter(|r| !skip.contains(&r.name))
        .map(|r| (r.name, df(inst, &QuerySet::new(r).all_branches(), &DfOptions::all()).unwrap()))
        .collect()
}

#[test]
fn an_export_folder_loads_into_a_new_instance() {
    for_each_backend("an_export_folder_loads_into_a_new_instance", |b| {
        let src = populated(b);
        let dir = src.path("export");
        let written = lamindb_frame::io::export_dir(&src.inst, &dir, |_, _| {}).unwrap();
        assert!(
            dir.join("lamindb_artifact.parquet").exists() && dir.join("django_migrations.parquet").exists()
        );
        assert_eq!(written.len(), 86, "every lamindb_* table and django_migrations");
        // Exporting again over the same folder replaces the files; a stray table's file is refused.
        lamindb_frame::io::export_dir(&src.inst, &dir, |_, _| {}).unwrap();
        std::fs::write(dir.join("bionty_gene.parquet"), b"").unwrap();
        let err = lamindb_frame::io::export_dir(&src.inst, &dir, |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("not a table of this instance"), "{err}");
        std::fs::remove_file(dir.join("bionty_gene.parquet")).unwrap();

        // Into a new instance on each backend (SQLite → PostgreSQL included).
        for target in lamindb_tests::backends("an_export_folder_loads_into_a_new_instance") {
            let dst = TestInstance::named(target, "copy");
            let own_root = dst.inst.storage().default().unwrap().root;
            dst.inst.io().import(lamindb_frame::io::read_export(&dir).unwrap()).unwrap();
            let copy = dst.inst.settings().open(&dst.settings).unwrap();
            assert_eq!(frames(&copy, &["Storage"]), frames(&src.inst, &["Storage"]));
            // The instance's own storage stays registered beside the source's.
            assert!(Storage::query().filter_eq("root", own_root.as_str()).exists(&copy).unwrap());
            let roots: Vec<String> = Storage::query()
                .all_branches()
                .all(&copy)
                .unwrap()
                .into_iter()
                .map(|s| format!("{} {:?} {:?}", s.root, s.branch_id, s.id))
                .collect();
            assert_eq!(roots.len(), 3, "{roots:?}");
            // New records get fresh ids after the loaded ones.
            let max = ULabel::query()
                .all_branches()
                .order_by(lamindb_core::fields::ulabel::ID.desc())
                .first(&copy)
                .unwrap()
                .unwrap()
                .id
                .unwrap();
            assert_eq!(ULabel::new("fresh").save(&copy).unwrap().id, Some(max + 1));

            // A second import is refused: the instance holds records now; nothing changes.
            let err = copy.io().import(lamindb_frame::io::read_export(&dir).unwrap()).unwrap_err();
            assert!(matches!(err, Error::Refused(_)), "{err}");
            assert!(ULabel::query().filter_eq("name", "fresh").exists(&copy).unwrap());
        }
    });
}

#[test]
fn an_export_that_does_not_hold_together_changes_nothing() {
    for_each_backend("an_export_that_does_not_hold_together_changes_nothing", |b| {
        let src = populated(b);
        let mut tables: Vec<_> =
            src.inst.io().tables().unwrap().iter().map(|t| src.inst.io().read(t).unwrap()).collect();
        // Runs whose transform is missing: the foreign keys fail at commit.
        tables.retain(|t| t.name != "lamindb_transform");
        let dst = TestInstance::named(b, "copy");
        let before = frames(&dst.inst, &[]);
        let err = dst.inst.io().import(tables).unwrap_err().to_string();
        // The refusal names the table whose rows refer to the missing ones.
        assert!(err.contains("lamindb_run") && err.contains("lamindb_transform"), "{err}");
        assert_eq!(frames(&dst.inst, &[]), before);
    });
}

#[test]
fn an_instance_moves_to_postgres_and_back() {
    let test = "an_instance_moves_to_postgres_and_back";
    if postgres_url().is_none() {
        lamindb_tests::backends(test); // prints the skip (or fails under CI)
        return;
    }
    let src = populated(Backend::Sqlite);
    let before = frames(&src.inst, &[]);
    let art = Artifact::query().filter_eq("key", "raw/f3.csv").one(&src.inst).unwrap();
    let pg = PgDatabase::create();

    let (moved, report) = src.inst.io().move_to(pg.url()).unwrap();
    assert_eq!(lamindb_core::__private::dialect(&moved), lamindb_core::__private::Dialect::Postgres);
    assert!(report.tables.iter().any(|(t, n)| t == "lamindb_ulabel" && *n == 500));
    assert_eq!(report.left_behind.as_deref(), Some(src.inst.settings().sqlite_path().as_path()));
    assert_eq!(frames(&moved, &[]), before);
    assert_eq!(std::fs::read_to_string(art.cache(&moved).unwrap()).unwrap(), "x\n3\n");
    // The settings point there now: the instance opens on PostgreSQL by name.
    let reopened = Instance::connect_in(&src.settings, "lab").unwrap();
    assert_eq!(lamindb_core::__private::dialect(&reopened), lamindb_core::__private::Dialect::Postgres);
    assert_eq!(reopened.uid(), src.inst.uid());
    let label = ULabel::new("after the move").save(&reopened).unwrap();
    assert_eq!(label.id, Some(501));
    // Python LaminDB works on the moved instance: it connects to PostgreSQL through the
    // repointed settings and reads an artifact's feature values.
    if let Some(py) = crate::interop::python("an_instance_moves_to_postgres_and_back") {
        let settings_parent = src.settings.path().parent().unwrap().display().to_string();
        let w = src.path("pyw").display().to_string();
        let read = crate::interop::run_script(
            &py,
            "python-read-annotations.py",
            &[&w, &settings_parent, "anonymous/lab", &art.uid],
        );
        assert_eq!(read["features"]["n_cells"], 3, "{read}");
        assert_eq!(read["features"]["tissue"], "label 3", "{read}");
    }

    // Tables of other modules are not moved: such an instance is refused as a whole.
    let other = TestInstance::named(Backend::Sqlite, "withmodule");
    other.execute_raw("CREATE TABLE bionty_gene (id integer PRIMARY KEY)");
    let empty = PgDatabase::create();
    let err = other.inst.io().move_to(empty.url()).unwrap_err();
    assert!(err.to_string().contains("tables of other modules (bionty_gene)"), "{err}");
    assert_eq!(other.inst.settings().db, None);

    // The database left behind refuses the writes of a handle that still holds it (a process
    // that opened the instance before the move), loudly, and keeps its records.
    let err = ULabel::new("into the old file").save(&src.inst).unwrap_err();
    assert!(err.to_string().contains("was moved to") && !err.to_string().contains("secret"), "{err}");
    let path = t_file(&src);
    let opts = lamindb_core::ArtifactOptions { key: Some("late.txt".into()), ..Default::default() };
    let err = Artifact::from_path(&path).options(&opts).save_with_outcome(&src.inst).unwrap_err();
    assert!(err.to_string().contains("was moved to"), "{err}");
    assert_eq!(ULabel::query().all_branches().count(&src.inst).unwrap(), 500);
    // doctor never takes the left-behind database for orphaned bytes.
    let opts = DoctorOptions { fix: true, grace: std::time::Duration::ZERO, ..Default::default() };
    let report = reopened.doctor(&opts).unwrap();
    assert!(report.problems.iter().all(|p| p.kind != ProblemKind::OrphanedBytes), "{:?}", report.problems);
    assert!(src.inst.settings().sqlite_path().exists());

    // A database with LaminDB's tables and no records (what a killed move leaves) is refused with
    // what it is and how to clear it.
    let leftovers = PgDatabase::create();
    lamindb_tests::pg_execute(leftovers.url(), "CREATE TABLE lamindb_storage (id bigint PRIMARY KEY)");
    let err = src.inst.io().move_to(leftovers.url()).unwrap_err();
    assert!(matches!(err, Error::Refused(lamindb_core::Refusal::DatabaseLeftovers { .. })), "{err}");
    assert!(err.to_string().contains("did not finish"), "{err}");

    // A PostgreSQL database that holds an instance is not a target.
    let err = src.inst.io().move_to(pg.url()).unwrap_err();
    assert!(err.to_string().contains("holds LaminDB tables already"), "{err}");
    // Back to SQLite: refused while the old file is there, then done.
    let err = reopened.io().move_to("sqlite").unwrap_err();
    assert!(err.to_string().contains("exists already"), "{err}");
    std::fs::rename(src.inst.settings().sqlite_path(), src.path("old.db")).unwrap();
    let (back, _) = reopened.io().move_to("sqlite").unwrap();
    assert_eq!(lamindb_core::__private::dialect(&back), lamindb_core::__private::Dialect::Sqlite);
    let after = frames(&back, &[]);
    assert_eq!(after.len(), before.len());
    assert_eq!(ULabel::query().all_branches().count(&back).unwrap(), 501);
    assert_eq!(after.iter().find(|(n, _)| *n == "Artifact"), before.iter().find(|(n, _)| *n == "Artifact"));
    // The PostgreSQL database moved away from refuses writes too.
    let err = ULabel::new("into the old database").save(&reopened).unwrap_err();
    assert!(err.to_string().contains("was moved to"), "{err}");
}

/// A new file below the test's directory, for a save.
fn t_file(t: &TestInstance) -> std::path::PathBuf {
    let path = t.path("late.txt");
    std::fs::write(&path, "written after the move").unwrap();
    path
}

#[test]
fn an_import_at_the_backups_own_root_keeps_the_instance_writable() {
    // SQLite: the database file is what is lost; the storage root stays.
    let t = TestInstance::named(Backend::Sqlite, "lab");
    std::fs::write(t.path("a.txt"), "a").unwrap();
    let keyed = |k: &str| lamindb_core::ArtifactOptions { key: Some(k.into()), ..Default::default() };
    let a =
        Artifact::from_path(&t.path("a.txt")).options(&keyed("a.txt")).save_with_outcome(&t.inst).unwrap().0;
    let tables =
        t.inst.io().tables().unwrap().iter().map(|n| t.inst.io().read(n).unwrap()).collect::<Vec<_>>();
    // The database and the marker are lost; a new instance is made at the same storage root and
    // the backup loaded into it.
    let root = t.inst.settings().storage_root;
    for f in ["lamin.db", "lamin.db-wal", "lamin.db-shm", "storage_uid.txt"] {
        let _ = std::fs::remove_file(std::path::Path::new(&root).join(".lamindb").join(f));
    }
    let settings = lamindb_core::SettingsDir::at(t.path("settings2/.lamin"));
    let opts = lamindb_core::InitOptions { storage: root.clone(), name: Some("restored".into()), db: None };
    let (fresh, _) = Instance::init_in(&settings, &opts).unwrap();
    fresh.io().import(tables).unwrap();
    let own = fresh.storage().default().unwrap();
    assert_eq!(own.instance_uid.as_deref(), Some(fresh.uid().as_str()));
    // The restored artifact is there, and a new save goes through into the same location.
    assert!(Artifact::get_by_id(&fresh, a.id.unwrap()).is_ok());
    std::fs::write(t.path("b.txt"), "b").unwrap();
    let saved =
        Artifact::from_path(&t.path("b.txt")).options(&keyed("b.txt")).save_with_outcome(&fresh).unwrap().0;
    assert_eq!(saved.storage_id, own.id.unwrap());
    let report = fresh.doctor(&DoctorOptions::default()).unwrap();
    assert!(report.healthy(), "{:?}", report.problems);
}
