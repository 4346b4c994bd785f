//! Transfer between instances, on every backend (and across backends): metadata copied, bytes
//! linked, related records remapped by natural key, LaminDB's transfer provenance.

use lamindb_core::fields::{artifact, ulabel};
use lamindb_core::{
    Artifact, Collection, Error, Feature, Project, Run, SQLRecord, Storage, Transform, ULabel,
};
use lamindb_frame::{DfOptions, FeatureSelection, df};
use lamindb_tests::{Backend, TestInstance, for_each_backend, list_files};
use serde_json::json;

/// A source instance with three annotated artifacts (labels, a project, feature values).
fn annotated_source(b: Backend) -> (TestInstance, Vec<Artifact>) {
    let src = TestInstance::named(b, "lab");
    let lung = ULabel::new("lung").save(&src.inst).unwrap();
    let atlas = Project::new("atlas").save(&src.inst).unwrap();
    Feature::new("tissue", "cat[ULabel]").save(&src.inst).unwrap();
    Feature::new("n_cells", "int").save(&src.inst).unwrap();
    let mut out = Vec::new();
    for i in 0..3 {
        let path = src.path(&format!("f{i}.csv"));
        std::fs::write(&path, format!("x\n{i}\n")).unwrap();
        let a = Artifact::from_path(&path).key(format!("raw/f{i}.csv")).save(&src.inst).unwrap();
        a.add_labels(&src.inst, std::slice::from_ref(&atlas)).unwrap();
        a.add_feature_values(&src.inst, &[("tissue", json!("lung")), ("n_cells", json!(100 * i))]).unwrap();
        out.push(a);
    }
    drop(lung);
    (src, out)
}

#[test]
fn artifacts_travel_as_metadata_with_labels_and_features() {
    for_each_backend("artifacts_travel_as_metadata_with_labels_and_features", |b| {
        let (src, arts) = annotated_source(b);
        let dst = TestInstance::named(b, "mine");
        // A label of the same name exists here already: it is reused, not duplicated.
        let here = ULabel::new("lung").save(&dst.inst).unwrap();
        let before = list_files(dst.root());

        let summary = dst.inst.transfer_from(&src.inst).artifacts(&arts).unwrap();
        assert_eq!(summary.transferred.len(), 3);
        assert!(summary.already_present.is_empty());
        for (new, old) in summary.transferred.iter().zip(&arts) {
            assert_eq!(
                (&new.uid, &new.hash, &new.key, new.size, &new.suffix),
                (&old.uid, &old.hash, &old.key, old.size, &old.suffix)
            );
            assert_eq!(new.created_at, old.created_at);
            // Readable from the source's storage: the same file.
            let bytes = std::fs::read(new.cache(&dst.inst).unwrap()).unwrap();
            assert_eq!(bytes, std::fs::read(old.cache(&src.inst).unwrap()).unwrap());
        }
        // Bytes never copied: this instance's files are as they were.
        assert_eq!(list_files(dst.root()), before);

        // One linked storage location: the source's uid and root, managed by the source.
        let source_storage = src.inst.storage().default().unwrap();
        let linked = Storage::query().filter_eq("root", source_storage.root.as_str()).one(&dst.inst).unwrap();
        assert_eq!(linked.uid, source_storage.uid);
        assert_eq!(linked.instance_uid.as_deref(), Some(src.inst.uid().as_str()));
        assert_eq!(Storage::query().count(&dst.inst).unwrap(), 2);

        // Provenance as LaminDB records it.
        let transform = Transform::get(&dst.inst, &format!("{}0000", src.inst.uid())).unwrap();
        assert_eq!(transform.key, format!("__lamindb_transfer__/{}", src.inst.uid()));
        assert_eq!(transform.kind, "function");
        let run = summary.run.clone().unwrap();
        assert_eq!(run.transform_id, transform.id.unwrap());
        assert_eq!(run.status(), Some(lamindb_core::RunStatus::Completed));
        assert!(summary.transferred.iter().all(|a| a.run_id == run.id));
        assert_eq!(linked.run_id, run.id);

        // Labels remapped by name, projects and features copied, values carried along.
        assert_eq!(ULabel::query().count(&dst.inst).unwrap(), 1);
        assert_eq!(
            Artifact::filter(artifact::ULABELS.then(ulabel::ID).eq(here.id.unwrap()))
                .count(&dst.inst)
                .unwrap(),
            3
        );
        let atlas = |inst| Project::query().filter_eq("name", "atlas").one(inst).unwrap().uid;
        assert_eq!(atlas(&dst.inst), atlas(&src.inst));
        let frame = |inst| {
            let opts = DfOptions {
                features: Some(FeatureSelection::All),
                order_by: Some("key".into()),
                ..DfOptions::all()
            };
            let qs = Artifact::query().filter_startswith("key", "raw/");
            let f = df(inst, qs.queryset(), &opts).unwrap();
            f.select(["uid", "tissue", "n_cells"]).unwrap()
        };
        assert_eq!(frame(&dst.inst), frame(&src.inst));

        // Again: already present, nothing created, still one transfer run.
        let again = dst.inst.transfer_from(&src.inst).artifacts(&arts).unwrap();
        assert!(again.transferred.is_empty());
        assert_eq!(again.already_present.len(), 3);
        assert!(again.related.is_empty());
        assert_eq!(Artifact::query().count(&dst.inst).unwrap(), 3);
        assert_eq!(
            Run::query().filter_eq("transform_id", transform.id.unwrap()).count(&dst.inst).unwrap(),
            1
        );
        assert_eq!(Storage::query().count(&dst.inst).unwrap(), 2);
    });
}

#[test]
fn transferred_artifacts_are_read_only_here() {
    for_each_backend("transferred_artifacts_are_read_only_here", |b| {
        let (src, arts) = annotated_source(b);
        let dst = TestInstance::named(b, "mine");
        let summary = dst.inst.transfer_from(&src.inst).artifacts(&arts[..1]).unwrap();
        let a = &summary.transferred[0];
        let source_file = arts[0].cache(&src.inst).unwrap();

        let other = dst.path("other.csv");
        std::fs::write(&other, "x\n9\n").unwrap();
        let err = a.replace(&dst.inst, &other).unwrap_err();
        assert!(matches!(err, Error::StorageNotManaged { .. }), "{err}");
        let err = a.delete_permanently_with(&dst.inst, None).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "Cannot simply delete artifacts outside of this instance's managed storage locations."
            ),
            "{err}"
        );
        let linked = a.storage(&dst.inst).unwrap();
        let err = Artifact::from_path(&other)
            .key("other.csv")
            .storage(linked.root.clone())
            .save(&dst.inst)
            .unwrap_err();
        assert!(matches!(err, Error::StorageNotManaged { .. }), "{err}");
        assert!(source_file.exists());

        // The metadata record may go; the source's bytes stay.
        a.delete_permanently_with(&dst.inst, Some(false)).unwrap();
        assert_eq!(Artifact::query().all_branches().count(&dst.inst).unwrap(), 0);
        assert_eq!(std::fs::read_to_string(&source_file).unwrap(), "x\n0\n");
        assert_eq!(Artifact::query().count(&src.inst).unwrap(), 3);
    });
}

#[test]
fn only_latest_versions_and_other_instances_transfer() {
    for_each_backend("only_latest_versions_and_other_instances_transfer", |b| {
        let (src, arts) = annotated_source(b);
        let path = src.path("f0.csv");
        std::fs::write(&path, "x\nnew\n").unwrap();
        Artifact::from_path(&path).key("raw/f0.csv").save(&src.inst).unwrap();
        let old = Artifact::get(&src.inst, &arts[0].uid).unwrap();
        assert!(!old.is_latest);
        let dst = TestInstance::named(b, "mine");
        let err = dst.inst.transfer_from(&src.inst).artifacts(&[old]).unwrap_err();
        assert!(err.to_string().contains("not the latest in its version history"), "{err}");
        assert_eq!(Artifact::query().count(&dst.inst).unwrap(), 0);
        let err = src.inst.transfer_from(&src.inst).artifacts(&arts).unwrap_err();
        assert!(err.to_string().contains("same instance"), "{err}");
    });
}

#[test]
fn records_transfer_by_uid_and_across_backends() {
    let (src, _) = annotated_source(Backend::Sqlite);
    for_each_backend("records_transfer_by_uid_and_across_backends", |b| {
        let dst = TestInstance::named(b, "mine");
        let labels = ULabel::query().to_list(&src.inst).unwrap();
        let s = dst.inst.transfer_from(&src.inst).records(&labels).unwrap();
        assert_eq!(s.transferred.len(), 1);
        assert_eq!(s.transferred[0].uid, labels[0].uid);
        assert!(s.run.is_some());
        let again = dst.inst.transfer_from(&src.inst).records(&labels).unwrap();
        assert_eq!(again.already_present.len(), 1);

        // Artifacts from a SQLite instance into this backend.
        let arts = Artifact::query().to_list(&src.inst).unwrap();
        let s = dst.inst.transfer_from(&src.inst).artifacts(&arts).unwrap();
        assert_eq!(s.transferred.len(), 3);
        assert_eq!(ULabel::query().count(&dst.inst).unwrap(), 1);
    });
}

#[test]
fn artifacts_in_s3_transfer_and_load_from_the_bucket() {
    let test = "artifacts_in_s3_transfer_and_load_from_the_bucket";
    for_each_backend(test, |b| {
        let Some(root) = lamindb_tests::s3_test_root(test) else {
            return;
        };
        let src = TestInstance::named(b, "lab");
        let (storage, _) = src.inst.storage().add(&root, None).unwrap();
        let path = src.path("cells.csv");
        std::fs::write(&path, "x\n42\n").unwrap();
        let art = Artifact::from_path(&path)
            .key("cells.csv")
            .storage(storage.root.clone())
            .save(&src.inst)
            .unwrap();

        let dst = TestInstance::named(b, "mine");
        let s = dst.inst.transfer_from(&src.inst).artifacts(&[art]).unwrap();
        let linked = s.transferred[0].storage(&dst.inst).unwrap();
        assert_eq!(
            (linked.root.as_str(), linked.uid.as_str()),
            (storage.root.as_str(), storage.uid.as_str())
        );
        assert_eq!(linked.instance_uid.as_deref(), Some(src.inst.uid().as_str()));
        let cached = s.transferred[0].cache_in(&dst.inst, &dst.path("cache")).unwrap();
        assert_eq!(std::fs::read_to_string(cached).unwrap(), "x\n42\n");
        let err = s.transferred[0].delete_permanently_with(&dst.inst, None).unwrap_err();
        assert!(matches!(err, Error::StorageNotManaged { .. }), "{err}");
    });
}

#[test]
fn collections_transfer_with_their_artifacts_in_order() {
    for_each_backend("collections_transfer_with_their_artifacts_in_order", |b| {
        let (src, arts) = annotated_source(b);
        let ordered = vec![arts[2].clone(), arts[0].clone()];
        let (c, _) = Collection::create(&src.inst, "training", &ordered, Some("two files")).unwrap();
        let dst = TestInstance::named(b, "mine");
        // One member is here already: it is reused, not copied again.
        dst.inst.transfer_from(&src.inst).artifacts(&arts[..1]).unwrap();

        let s = dst.inst.transfer_from(&src.inst).collections(&[c.clone()]).unwrap();
        assert_eq!(s.transferred.len(), 1);
        let here = &s.transferred[0];
        assert_eq!((&here.uid, &here.hash, &here.key), (&c.uid, &c.hash, &c.key));
        let members: Vec<String> = here.artifacts(&dst.inst).unwrap().into_iter().map(|a| a.uid).collect();
        assert_eq!(members, [arts[2].uid.clone(), arts[0].uid.clone()]);
        assert_eq!(Artifact::query().count(&dst.inst).unwrap(), 2);
        assert!(s.run.is_some());
        let again = dst.inst.transfer_from(&src.inst).collections(&[c]).unwrap();
        assert_eq!(again.already_present.len(), 1);
        assert_eq!(Collection::query().count(&dst.inst).unwrap(), 1);
    });
}

#[test]
fn the_same_file_under_a_new_uid_is_already_present() {
    for_each_backend("the_same_file_under_a_new_uid_is_already_present", |b| {
        let (src, arts) = annotated_source(b);
        let dst = TestInstance::named(b, "mine");
        dst.inst.transfer_from(&src.inst).artifacts(&arts[..1]).unwrap();
        // The source deletes the record (keeping the file) and saves the same file again: a new
        // uid for the same key and hash in the same location.
        let path = arts[0].cache(&src.inst).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        arts[0].delete_permanently_with(&src.inst, Some(false)).unwrap();
        let again = src.path("again.csv");
        std::fs::write(&again, bytes).unwrap();
        let resaved = Artifact::from_path(&again).key("raw/f0.csv").save(&src.inst).unwrap();
        assert_ne!(resaved.uid, arts[0].uid);

        let s = dst.inst.transfer_from(&src.inst).artifacts(&[resaved]).unwrap();
        assert!(s.transferred.is_empty());
        assert_eq!(s.already_present.len(), 1);
        assert_eq!(s.already_present[0].uid, arts[0].uid);
        assert_eq!(Artifact::query().count(&dst.inst).unwrap(), 1);
    });
}
