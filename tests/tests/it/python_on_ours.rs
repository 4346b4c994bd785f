//! Python LaminDB 2.12.1 on an instance that `lamin` made: LaminDB's complete schema and its
//! migration journal are there, so Python tracks a run, loads an input, saves artifacts, labels,
//! a Project, a Record, a Collection and features of every dtype without a schema error or
//! warning; then this library reads back what Python saved. Runs on every backend, for a new
//! instance and for one made before the complete schema (upgraded in place when opened).
//!
//! Python runs `scripts/python-use-instance.py` offline (see `interop.rs` for how the venv is
//! installed and when the test is skipped).

use diesel::Connection;
use diesel::connection::SimpleConnection;
use lamindb_core::fields::{artifact, collection, feature, project, run};
use lamindb_core::models::Record as SheetRecord;
use lamindb_core::{Artifact, Collection, Feature, Instance, Project, Run, SQLRecord, Transform, ULabel};
use lamindb_frame::{DfOptions, FeatureSelection, df};
use lamindb_tests::{Backend, TestInstance, for_each_backend};
use serde_json::Value as Json;

use crate::interop::{python, run_script};

/// Step 4 of our migrations, undone: the schema of an instance made by an earlier `lamin`.
const STEP4_DOWN_SQLITE: &str =
    include_str!("../../../migrations/sqlite/2026-12-01-000004_complete_lamindb_schema/down.sql");
const STEP4_DOWN_POSTGRES: &str =
    include_str!("../../../migrations/postgres/2026-12-01-000004_complete_lamindb_schema/down.sql");

/// Puts the instance's database back to the 14 tables an earlier `lamin` made.
fn make_it_old(t: &TestInstance) {
    let undo = "DELETE FROM __diesel_schema_migrations WHERE version = '20261201000004';";
    match t.backend {
        Backend::Sqlite => {
            let path = t.dir.path().join("data/.lamindb/lamin.db");
            let mut db = diesel::SqliteConnection::establish(&path.display().to_string()).unwrap();
            db.batch_execute(STEP4_DOWN_SQLITE).unwrap();
            db.batch_execute(undo).unwrap();
        }
        Backend::Postgres => {
            let url = t.pg.as_ref().unwrap().url().to_string();
            let mut db = diesel::PgConnection::establish(&url).unwrap();
            db.batch_execute(STEP4_DOWN_POSTGRES).unwrap();
            db.batch_execute(undo).unwrap();
        }
    }
}

fn python_works_on_our_instance(test: &str, old: bool) {
    for_each_backend(test, |b| {
        let Some(python) = python(test) else { return };
        let t = TestInstance::new(b);
        let input = t.dir.path().join("input.csv");
        std::fs::write(&input, "x,y\n1,2\n").unwrap();
        let input = Artifact::from_path(&input).key("in/input.csv").save(&t.inst).unwrap();
        let mut kept = ULabel::new("made before the upgrade");
        kept = kept.save(&t.inst).unwrap();
        let slug = t.inst.slug();
        let inst = if old {
            make_it_old(&t);
            assert!(!lamindb_core::__private::table_exists(&t.inst, "lamindb_project").unwrap());
            // Opening runs the pending step: nothing lost, every table there.
            Instance::connect_in(&t.settings, &slug).unwrap()
        } else {
            t.inst.clone()
        };
        for table in ["lamindb_project", "lamindb_record", "lamindb_collection", "django_migrations"] {
            assert!(lamindb_core::__private::table_exists(&inst, table).unwrap(), "{table} on {b:?}");
        }
        assert_eq!(ULabel::get(&inst, kept.uid.as_str()).unwrap().name, "made before the upgrade");

        let w = t.dir.path().join("py-work");
        let s = t.dir.path().join("settings");
        let out = run_script(
            &python,
            "python-use-instance.py",
            &[&w.display().to_string(), &s.display().to_string(), &slug, &input.uid],
        );

        // No schema trouble on Python's side.
        let warnings: Vec<&str> =
            out["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
        for w in &warnings {
            let w = w.to_lowercase();
            for word in ["migrat", "table", "column", "schema"] {
                assert!(!w.contains(word), "Python LaminDB warned about the schema on {b:?}: {w}");
            }
        }
        assert_eq!(out["run_status"], "completed", "{out}");
        assert_eq!(out["inputs"], serde_json::json!([input.uid]));

        // What Python saved, read here.
        let run_uid = out["run_uid"].as_str().unwrap();
        let run = Run::get(&inst, run_uid).unwrap();
        assert_eq!(run.status(), Some(lamindb_core::RunStatus::Completed));
        assert!(run.finished_at.is_some());
        let transform = Transform::get_by_id(&inst, run.transform_id).unwrap();
        assert_eq!(transform.key, "python-use-instance.py");
        assert_eq!(transform.kind, "script");
        let a_uid = out["artifacts"]["py/a.csv"].as_str().unwrap();
        let a = Artifact::get(&inst, a_uid).unwrap();
        assert_eq!(a.key.as_deref(), Some("py/a.csv"));
        assert_eq!(a.run_id, run.id);
        assert_eq!(
            std::fs::read_to_string(a.path(&inst).unwrap().to_string()).unwrap_or_default(),
            "gene,count\nA,1\nB,2\n"
        );
        // The lineage `lamin describe` draws: Python's run, its transform and its input.
        let made = a.provenance(&inst, 2).unwrap().expect("made under ln.track()");
        assert_eq!(made.run.uid, run_uid);
        assert_eq!(made.transform.key, "python-use-instance.py");
        assert_eq!(made.status, Some(lamindb_core::RunStatus::Completed));
        assert_eq!(
            made.inputs.iter().map(|i| i.artifact.uid.as_str()).collect::<Vec<_>>(),
            [input.uid.as_str()]
        );
        let report = Artifact::get_by_id(&inst, run.report_id.expect("Python saved a report")).unwrap();
        assert_eq!(report.kind.as_deref(), Some("__lamindb_run__"));
        let inputs = Artifact::filter(artifact::INPUT_OF_RUNS.then(run::UID).eq(run_uid)).all(&inst).unwrap();
        assert_eq!(inputs.iter().map(|x| x.uid.as_str()).collect::<Vec<_>>(), [input.uid.as_str()]);
        let outputs = Artifact::filter(artifact::RUN.then(run::UID).eq(run_uid)).all(&inst).unwrap();
        let mut keys: Vec<_> = outputs.iter().filter_map(|x| x.key.clone()).collect();
        keys.sort();
        assert!(keys.contains(&"py/a.csv".to_string()) && keys.contains(&"py/b.txt".to_string()), "{keys:?}");

        let label = ULabel::get(&inst, out["ulabel"].as_str().unwrap()).unwrap();
        assert_eq!(label.name, "py-label");
        assert_eq!(label.run_id, run.id);
        let project = Project::get(&inst, out["project"].as_str().unwrap()).unwrap();
        assert_eq!(project.name, "py-project");
        let on_a = Project::filter(project::ARTIFACTS.then(artifact::UID).eq(a_uid)).all(&inst).unwrap();
        assert_eq!(on_a.len(), 1);
        let record = SheetRecord::get(&inst, out["record"].as_str().unwrap()).unwrap();
        assert_eq!(record.name.as_deref(), Some("py-record"));
        let sheet = SheetRecord::get(&inst, out["record_type"].as_str().unwrap()).unwrap();
        assert!(sheet.is_type);
        assert_eq!(record.type_id, sheet.id);
        let collection = Collection::get(&inst, out["collection"].as_str().unwrap()).unwrap();
        assert_eq!(collection.key, "py-collection");
        let members =
            Artifact::filter(artifact::COLLECTIONS.then(collection::UID).eq(collection.uid.as_str()))
                .all(&inst)
                .unwrap();
        assert_eq!(members.len(), 2);

        // Features of every dtype, as a DataFrame.
        let names: Vec<String> = out["features"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(Feature::filter(feature::NAME.is_in(names.clone())).count(&inst).unwrap(), 10);
        let query = Artifact::filter(artifact::UID.eq(a_uid));
        let qs = query.queryset();
        let opts = DfOptions { features: Some(FeatureSelection::Names(names)), ..DfOptions::default() };
        let frame = df(&inst, qs, &opts).unwrap();
        let cell = |name: &str| frame.column(name).unwrap().get(0).unwrap().to_string();
        assert_eq!(cell("f_int"), "7");
        assert_eq!(cell("f_float"), "2.5");
        assert_eq!(cell("f_bool"), "true");
        assert_eq!(cell("f_str"), "\"hello\"");
        assert_eq!(cell("f_ulabel"), "\"py-label\"");
        assert_eq!(cell("f_record"), "\"py-record\"");
        assert_eq!(cell("f_date"), "\"2024-05-06\"");
        assert!(cell("f_list").contains("\"x\""), "{}", cell("f_list"));
        assert!(cell("f_datetime").starts_with("2024-05-06 07:08:09"), "{}", cell("f_datetime"));
        let _: &Json = &out;
    });
}

#[test]
fn python_lamindb_works_on_an_instance_lamin_made() {
    python_works_on_our_instance("python_lamindb_works_on_an_instance_lamin_made", false);
}

#[test]
fn an_instance_of_an_earlier_lamin_is_upgraded_and_python_lamindb_works_on_it() {
    python_works_on_our_instance(
        "an_instance_of_an_earlier_lamin_is_upgraded_and_python_lamindb_works_on_it",
        true,
    );
}
