//! Labels, projects, records and feature values on artifacts, and collections, on every backend.

use lamindb_core::Collection;
use lamindb_core::fields::{artifact, project, record, ulabel};
use lamindb_core::models::Record as SheetRecord;
use lamindb_core::{Artifact, Error, Feature, Project, SQLRecord, ULabel};
use lamindb_frame::{DfOptions, FeatureSelection, df};
use lamindb_tests::{TestInstance, for_each_backend};
use serde_json::json;

fn artifact(t: &TestInstance, name: &str, body: &str) -> Artifact {
    let path = t.dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    Artifact::from_path(&path).key(name).save(&t.inst).unwrap()
}

#[test]
fn labels_projects_and_records_are_added_and_removed() {
    for_each_backend("labels_projects_and_records_are_added_and_removed", |b| {
        let t = TestInstance::new(b);
        let a = artifact(&t, "a.txt", "a");
        let lung = ULabel::new("lung").save(&t.inst).unwrap();
        let atlas = Project::new("atlas").save(&t.inst).unwrap();
        let s1 = SheetRecord::new("s1").save(&t.inst).unwrap();
        a.add_labels(&t.inst, std::slice::from_ref(&lung)).unwrap();
        a.add_labels(&t.inst, std::slice::from_ref(&lung)).unwrap(); // kept once
        a.add_labels(&t.inst, std::slice::from_ref(&atlas)).unwrap();
        a.add_labels(&t.inst, std::slice::from_ref(&s1)).unwrap();
        let on = |q| Artifact::filter(q).count(&t.inst).unwrap();
        assert_eq!(on(artifact::ULABELS.then(ulabel::NAME).eq("lung")), 1);
        assert_eq!(on(artifact::PROJECTS.then(project::NAME).eq("atlas")), 1);
        assert_eq!(on(artifact::RECORDS.then(record::NAME).eq("s1")), 1);
        assert_eq!(
            ULabel::filter(ulabel::ARTIFACTS.then(artifact::ID).eq(a.id.unwrap())).count(&t.inst).unwrap(),
            1
        );
        a.remove_labels(&t.inst, &[lung]).unwrap();
        assert_eq!(on(artifact::ULABELS.then(ulabel::NAME).eq("lung")), 0);
        assert_eq!(on(artifact::PROJECTS.then(project::NAME).eq("atlas")), 1);
        let unsaved = ULabel::new("never saved");
        assert!(matches!(a.add_labels(&t.inst, &[unsaved]), Err(Error::NotSaved { .. })));
    });
}

#[test]
fn feature_values_of_every_dtype_are_checked_and_shown() {
    for_each_backend("feature_values_of_every_dtype_are_checked_and_shown", |b| {
        let t = TestInstance::new(b);
        let a = artifact(&t, "a.csv", "x\n1\n");
        let other = artifact(&t, "b.csv", "x\n2\n");
        ULabel::new("lung").save(&t.inst).unwrap();
        SheetRecord::new("donor 1").save(&t.inst).unwrap();
        Project::new("atlas").save(&t.inst).unwrap();
        for (name, dtype) in [
            ("n", "int"),
            ("score", "float"),
            ("ok", "bool"),
            ("note", "str"),
            ("when", "datetime"),
            ("day", "date"),
            ("meta", "dict"),
            ("tags", "list[str]"),
            ("tissue", "cat[ULabel]"),
            ("donor", "cat[Record]"),
            ("project", "cat[Project]"),
        ] {
            Feature::new(name, dtype).save(&t.inst).unwrap();
        }
        let values = [
            ("n", json!(7)),
            ("score", json!(2.5)),
            ("ok", json!(true)),
            ("note", json!("hello")),
            ("when", json!("2024-05-06 07:08:09")),
            ("day", json!("2024-05-06")),
            ("meta", json!({"k": [1, 2]})),
            ("tags", json!(["x", "y"])),
            ("tissue", json!("lung")),
            ("donor", json!("donor 1")),
            ("project", json!("atlas")),
        ];
        a.add_feature_values(&t.inst, &values).unwrap();
        // A second artifact with the same value shares its JSON value row.
        other.add_feature_values(&t.inst, &[("n", json!(7))]).unwrap();

        // Type errors change nothing and say which value did not fit.
        let before = df_of(&t, &a);
        for (name, value, says) in [
            ("n", json!("many"), "'n' (int)='many'. expected type int, got str"),
            ("n", json!(2.5), "expected type int, got float"),
            ("ok", json!("yes"), "expected type bool, got str"),
            ("day", json!("2024-13-01"), "expected a date"),
            ("tissue", json!("liver"), "1 term not validated in feature 'tissue': 'liver'"),
            ("nope", json!(1), "These keys could not be validated: ['nope']"),
        ] {
            let err =
                a.add_feature_values(&t.inst, &[("note", json!("changed")), (name, value)]).unwrap_err();
            assert!(matches!(err, Error::FeatureValue(_)), "{err:?}");
            assert!(err.to_string().contains(says), "{name}: {err}");
        }
        assert_eq!(df_of(&t, &a), before);

        let f = df_of(&t, &a);
        let cell = |name: &str| f.column(name).unwrap().get(0).unwrap().to_string();
        assert_eq!(cell("n"), "7");
        assert_eq!(cell("score"), "2.5");
        assert_eq!(cell("ok"), "true");
        assert_eq!(cell("note"), "\"hello\"");
        assert!(cell("when").starts_with("2024-05-06 07:08:09"), "{}", cell("when"));
        assert_eq!(cell("day"), "\"2024-05-06\"");
        assert!(cell("tags").contains("\"x\""), "{}", cell("tags"));
        assert_eq!(cell("tissue"), "\"lung\"");
        assert_eq!(cell("donor"), "\"donor 1\"");
        assert_eq!(cell("project"), "\"atlas\"");
    });
}

fn df_of(t: &TestInstance, a: &Artifact) -> polars::prelude::DataFrame {
    let q = Artifact::filter(artifact::ID.eq(a.id.unwrap()));
    let opts = DfOptions { features: Some(FeatureSelection::All), ..DfOptions::default() };
    df(&t.inst, q.queryset(), &opts).unwrap()
}

#[test]
fn collections_keep_order_dedup_by_hash_and_version_by_key() {
    for_each_backend("collections_keep_order_dedup_by_hash_and_version_by_key", |b| {
        let t = TestInstance::new(b);
        let (a, b2, c) = (artifact(&t, "a", "1"), artifact(&t, "b", "2"), artifact(&t, "c", "3"));
        let (v1, created) = Collection::create(&t.inst, "set", &[c.clone(), a.clone()], Some("two")).unwrap();
        assert!(created && v1.is_latest && v1.uid.ends_with("0000"));
        let order: Vec<String> = v1.artifacts(&t.inst).unwrap().into_iter().map(|x| x.uid).collect();
        assert_eq!(order, [c.uid.clone(), a.uid.clone()]);
        // Same members in another order: the same collection.
        let (same, created) =
            Collection::create(&t.inst, "other key", &[a.clone(), c.clone()], None).unwrap();
        assert!(!created);
        assert_eq!(same.uid, v1.uid);
        // New members under the key: a new version.
        let (v2, created) = Collection::create(&t.inst, "set", &[a.clone(), b2.clone()], None).unwrap();
        assert!(created);
        assert_eq!(&v2.uid[..16], &v1.uid[..16]);
        assert!(v2.uid.ends_with("0001"));
        assert!(!lamindb_core::Collection::get(&t.inst, &v1.uid).unwrap().is_latest);
        // Bad input changes nothing.
        let twice = Collection::create(&t.inst, "dup", &[a.clone(), a.clone()], None).unwrap_err();
        assert!(twice.to_string().contains("given twice"), "{twice}");
        assert!(Collection::create(&t.inst, "empty", &[], None).is_err());
        assert_eq!(lamindb_core::Collection::query().count(&t.inst).unwrap(), 2);
        // A member is protected.
        let err = a.delete_permanently_with(&t.inst, Some(true)).unwrap_err();
        assert!(err.to_string().contains("belongs to a collection"), "{err}");
        assert!(Artifact::get(&t.inst, &a.uid).is_ok());
    });
}

#[test]
fn project_and_reference_dates_are_saved_filtered_and_checked() {
    for_each_backend("project_and_reference_dates_are_saved_filtered_and_checked", |b| {
        let t = TestInstance::new(b);
        let mut p = Project::new("atlas");
        p.start_date = Some("2026-01-15".into());
        let p = p.save(&t.inst).unwrap();
        let back = Project::get_by_id(&t.inst, p.id.unwrap()).unwrap();
        assert_eq!(back.start_date.as_deref(), Some("2026-01-15"));
        assert_eq!(back.end_date, None);
        Project::new("later").save(&t.inst).unwrap();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let hits = Project::filter(project::START_DATE.gt(day(1))).all(&t.inst).unwrap();
        assert_eq!(hits.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["atlas"]);
        assert_eq!(Project::filter(project::START_DATE.range(day(15), day(16))).count(&t.inst).unwrap(), 1);
        assert_eq!(Project::filter(project::START_DATE.lt(day(15))).count(&t.inst).unwrap(), 0);
        // The string form takes any text and checks it when the query runs.
        let err = Project::query().filter_kw("start_date__gt", "next week").all(&t.inst).unwrap_err();
        assert!(err.to_string().contains("expected a date"), "{err}");
        let mut bad = Project::new("bad");
        bad.end_date = Some("31/12/2026".into());
        let err = bad.save(&t.inst).unwrap_err();
        assert!(err.to_string().contains("It must be in YYYY-MM-DD format"), "{err}");
        let mut r = lamindb_core::Reference::new("paper");
        r.date = Some("2025-06-30".into());
        let r = r.save(&t.inst).unwrap();
        assert_eq!(
            lamindb_core::Reference::get_by_id(&t.inst, r.id.unwrap()).unwrap().date.as_deref(),
            Some("2025-06-30")
        );
    });
}

#[test]
fn from_values_finds_projects_and_records_by_name() {
    for_each_backend("from_values_finds_projects_and_records_by_name", |b| {
        let t = TestInstance::new(b);
        Project::new("atlas").save(&t.inst).unwrap();
        SheetRecord::new("donor 1").save(&t.inst).unwrap();
        let found = Project::from_values(&t.inst, ["atlas", "nope"], &project::NAME, false).unwrap();
        assert_eq!(found.records.len(), 1);
        assert_eq!(found.missing, ["nope"]);
        let found = SheetRecord::from_values(&t.inst, ["donor 1"], &record::NAME, false).unwrap();
        assert_eq!(found.records[0].name.as_deref(), Some("donor 1"));
    });
}
