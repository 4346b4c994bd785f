//! Records of every core registry are inserted, read by id and uid, updated and deleted through
//! the `SQLRecord` trait, on every backend.

use lamindb_core::{
    Artifact, ArtifactULabel, Branch, Error, Feature, Run, SQLRecord, Space, Storage, TracksUpdates,
    Transform, ULabel, User, Value,
};
use lamindb_tests::{TestInstance, for_each_backend};

#[test]
fn seeded_rows_match_lamindb() {
    for_each_backend("seeded_rows_match_lamindb", |b| {
        let t = TestInstance::new(b);
        let data_root = t.path("data").display().to_string();
        let instance_uid = t.inst.uid();
        let db = &t.inst;
        let user = User::get_by_id(db, 1).unwrap();
        assert_eq!((user.uid.as_str(), user.handle.as_str()), ("00000000", "anonymous"));
        let space = Space::get_by_id(db, 1).unwrap();
        assert_eq!((space.name.as_str(), space.uid.as_str()), ("all", "aaaaaaaaaaaa"));
        let branches: Vec<(i64, String, String)> = Branch::query()
            .to_list(db)
            .unwrap()
            .into_iter()
            .map(|b| (b.id.unwrap(), b.name, b.uid))
            .collect();
        assert_eq!(
            branches,
            [
                (-1, "trash".to_string(), "tttttttttttt".to_string()),
                (0, "archive".to_string(), "aaaaaaaaaaaa".to_string()),
                (1, "main".to_string(), "mmmmmmmmmmmm".to_string())
            ]
        );
        let storage = Storage::get_by_id(db, 1).unwrap();
        assert_eq!(storage.root, data_root);
        assert_eq!(storage.type_, "local");
        assert_eq!(storage.instance_uid.as_deref(), Some(instance_uid.as_str()));
        assert_eq!(storage.uid.len(), 12);
        assert_eq!(storage.created_by_id, Some(1));
        assert_eq!((storage.branch_id, storage.space_id, storage.created_on_id), (Some(1), Some(1), Some(1)));
        // New rows after the seeded ones get fresh ids (identity sequences advanced on PostgreSQL).
        let mut s = Space { name: "team".into(), uid: "bbbbbbbbbbbb".into(), ..Default::default() };
        s = s.save(db).unwrap();
        assert_eq!(s.id, Some(2));
        let mut br = Branch { name: "feature-x".into(), uid: "ffffffffffff".into(), ..Default::default() };
        br = br.save(db).unwrap();
        assert_eq!(br.id, Some(2));
    });
}

/// Insert, read by id and uid, update, delete: the same steps for any registry.
fn crud<R: SQLRecord + PartialEq>(t: &mut TestInstance, mut record: R, change: impl Fn(&mut R)) {
    let db = &t.inst;
    record = record.save(db).unwrap();
    let id = record.id().expect("id after insert");
    let by_id = R::get_by_id(db, id).unwrap();
    assert_eq!(by_id, record, "{} read back by id", R::REGISTRY.name);
    if let Some(Value::Text(uid)) = record.value("uid") {
        let by_uid = R::query().filter_eq("uid", uid.as_str()).one(db).unwrap();
        assert_eq!(by_uid, record);
    }
    change(&mut record);
    record = record.save(db).unwrap();
    assert_eq!(R::get_by_id(db, id).unwrap(), record, "{} after update", R::REGISTRY.name);
    record.delete_row(db).unwrap();
    let err = R::get_by_id(db, id).unwrap_err();
    assert!(matches!(err, Error::DoesNotExist { .. }), "{err}");
    assert_eq!(err.to_string(), format!("{} matching query does not exist.", R::REGISTRY.name));
}

#[test]
fn every_registry_round_trips() {
    for_each_backend("every_registry_round_trips", |b| {
        let mut t = TestInstance::new(b);
        crud(&mut t, User { uid: "u1u1u1u1".into(), handle: "alice".into(), ..Default::default() }, |u| {
            u.name = Some("Alice".into())
        });
        crud(&mut t, ULabel { uid: "abcdEFGH".into(), name: "My label".into(), ..Default::default() }, |u| {
            u.description = Some("described".into())
        });
        crud(
            &mut t,
            Feature {
                uid: "feat00000001".into(),
                name: "cell_type".into(),
                dtype_str: lamindb_core::__private::internal(Some("cat[ULabel]".into())),
                array_rank: 0,
                array_size: 0,
                ..Default::default()
            },
            |f| f.unit = Some("um".into()),
        );
        let mut transform = Transform {
            uid: "tttt000000000000".into(),
            key: "scripts/run.py".into(),
            kind: "script".into(),
            is_latest: true,
            ..Default::default()
        };
        crud(&mut t, transform.clone(), |x| x.description = Some("a script".into()));
        transform.uid = "tttt000000010000".into();
        transform = transform.save(&t.inst).unwrap();
        let run =
            Run { uid: "run0000000000001".into(), transform_id: transform.id.unwrap(), ..Default::default() };
        crud(&mut t, run.clone(), |r| r.name = Some("first".into()));
        let artifact = Artifact {
            uid: "aaaaaaaaaaaaaaaa0000".into(),
            key: Some("raw/data.csv".into()),
            suffix: ".csv".into(),
            size: Some(14),
            hash: Some("BRjjX2HAsiY0gMilxv9QFQ".into()),
            hash_type: lamindb_core::__private::internal(Some("md5".into())),
            is_latest: true,
            key_is_virtual: lamindb_core::__private::internal(true),
            storage_id: 1,
            ..Default::default()
        };
        crud(&mut t, artifact.clone(), |a| a.description = Some("changed".into()));
        let mut a = artifact;
        a = a.save(&t.inst).unwrap();
        let mut label = ULabel { uid: "lbl00001".into(), name: "x".into(), ..Default::default() };
        label = label.save(&t.inst).unwrap();
        crud(
            &mut t,
            ArtifactULabel { artifact_id: a.id.unwrap(), ulabel_id: label.id.unwrap(), ..Default::default() },
            |l| l.feature_id = None,
        );
        crud(
            &mut t,
            Storage {
                uid: "stor00000002".into(),
                root: "/x/y".into(),
                type_: "local".into(),
                ..Default::default()
            },
            |s| s.description = Some("d".into()),
        );
    });
}

#[test]
fn tracks_run_and_updates_fields_are_filled() {
    for_each_backend("tracks_run_and_updates_fields_are_filled", |b| {
        let t = TestInstance::new(b);
        let _ctx = lamindb_core::__private::save_context(&t.inst).unwrap();
        let db = &t.inst;
        let mut u = ULabel { uid: "abcd0001".into(), name: "n".into(), ..Default::default() };
        u = u.save(db).unwrap();
        assert_eq!(u.created_by_id, Some(1));
        assert!(u.created_at.is_some());
        let first = u.updated_at().expect("updated_at on insert");
        std::thread::sleep(std::time::Duration::from_millis(20));
        u.description = Some("changed".into());
        u = u.save(db).unwrap();
        // LaminDB never bumps updated_at; we do, on every save.
        assert!(u.updated_at().unwrap() > first, "{:?} > {first:?}", u.updated_at());
        assert_eq!(u.created_at, ULabel::get_by_id(db, u.id.unwrap()).unwrap().created_at);
    });
}

#[test]
fn unknown_fields_are_refused_with_the_field_list() {
    for_each_backend("unknown_fields_are_refused_with_the_field_list", |b| {
        let t = TestInstance::new(b);
        let err = ULabel::query().filter_eq("nme", "x").to_list(&t.inst).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unknown field 'nme'. Available fields: branch, branch_id, created_at, created_by, created_by_id, \
             created_on, created_on_id, description, id, is_locked, is_type, name, reference, reference_type, run, \
             run_id, space, space_id, type, type_id, uid, updated_at"
        );
    });
}

#[test]
fn values_are_bound_never_spliced() {
    for_each_backend("values_are_bound_never_spliced", |b| {
        let t = TestInstance::new(b);
        for (i, name) in
            ["' OR 1=1 --", "\"; DROP TABLE lamindb_ulabel; --", "x'); DELETE FROM lamindb_user; --"]
                .iter()
                .enumerate()
        {
            let u = ULabel { uid: format!("inj0000{i}"), name: name.to_string(), ..Default::default() };
            u.save(&t.inst).unwrap();
            let found = ULabel::query().filter_eq("name", *name).to_list(&t.inst).unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].name, *name);
        }
        assert!(ULabel::query().filter_eq("name", "' OR 1=1 --x").to_list(&t.inst).unwrap().is_empty());
        assert_eq!(User::query().count(&t.inst).unwrap(), 1);
        assert_eq!(ULabel::query().count(&t.inst).unwrap(), 3);
    });
}
