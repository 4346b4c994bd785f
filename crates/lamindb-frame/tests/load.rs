//! Loading saved artifacts into DataFrames, from local storage and (when configured) from S3,
//! on every SQL backend.

use lamindb_core::Artifact;
use lamindb_core::ArtifactOptions;
use lamindb_frame::{FrameError, load_artifact_in, load_path};
use lamindb_tests::{TestInstance, for_each_backend, s3_test_root};

#[test]
fn a_saved_csv_loads_into_the_frame_of_its_content() {
    for_each_backend("a_saved_csv_loads_into_the_frame_of_its_content", |b| {
        let mut t = TestInstance::new(b);
        let mut targets = vec![None];
        if let Some(root) = s3_test_root("a_saved_csv_loads_into_the_frame_of_its_content") {
            targets.push(Some(t.inst.storage().add(&root, None).unwrap().0.root));
        }
        let csv = t.path("table.csv");
        std::fs::write(&csv, "gene,count\nA,1\nB,22\nC,333\n").unwrap();
        let txt = t.path("notes.txt");
        std::fs::write(&txt, "no table here").unwrap();
        let expected = load_path(&csv, ".csv").unwrap();
        assert_eq!(expected.shape(), (3, 2));
        for storage in targets {
            let o = ArtifactOptions {
                key: Some("tables/table.csv".into()),
                storage: storage.clone(),
                ..Default::default()
            };
            let (a, _) = Artifact::from_path(&csv).options(&o).save_with_outcome(&t.inst).unwrap();
            let cache = tempfile::tempdir().unwrap();
            let df = load_artifact_in(&mut t.inst, &a, cache.path()).unwrap();
            assert!(df.equals(&expected), "{storage:?}: {df}");
            let o = ArtifactOptions { description: Some("notes".into()), storage, ..Default::default() };
            let (n, _) = Artifact::from_path(&txt).options(&o).save_with_outcome(&t.inst).unwrap();
            let err = load_artifact_in(&mut t.inst, &n, cache.path()).unwrap_err();
            assert!(matches!(err, FrameError::NoLoader { .. }));
            assert_eq!(err.to_string(), "There is no loader for .txt files. Use .cache() to get the path.");
            a.delete_permanently_with(&t.inst, None).unwrap();
            n.delete_permanently_with(&t.inst, None).unwrap();
        }
    });
}
