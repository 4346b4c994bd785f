//! Cloud objects registered in place from their listings: keys relative to the location's root,
//! hashes from the store's metadata equal to Python LaminDB's (single-part and multipart S3
//! uploads, GCS `md5Hash`), the location's own `.lamindb/` left out, registering again returns
//! the same artifacts, and a URL outside every registered location is refused.

use lamindb_core::{
    Artifact, ArtifactOptions, ArtifactOutcome, Error, NoProgress, Refusal, SQLRecord, StorageOutcome,
};
use lamindb_storage::{StorageRoot, Store};
use lamindb_tests::{TestInstance, for_each_backend, s3_test_root};

use crate::artifact::{add_gcs_storage, gcs_test_root};
use crate::interop::{python, run_script};

#[test]
fn cloud_objects_register_in_place_with_lamindbs_hashes() {
    for_each_backend("cloud_objects_register_in_place", |b| {
        let t = TestInstance::new(b);
        let roots: Vec<String> = [
            s3_test_root("cloud_objects_register_in_place"),
            gcs_test_root("cloud_objects_register_in_place"),
        ]
        .into_iter()
        .flatten()
        .collect();
        for root in roots {
            let storage = if root.starts_with("gs://") {
                add_gcs_storage(&t, root.clone())
            } else {
                let (storage, outcome) = t.inst.storage().add(&root, None).unwrap();
                assert_eq!(outcome, StorageOutcome::Managed);
                storage
            };
            let store = Store::open(&StorageRoot::parse(&storage.root).unwrap()).unwrap();
            store.write("data/a.txt", b"alpha".to_vec()).unwrap();
            store.write("data/sub/b.csv", b"x,y\n1,2\n".to_vec()).unwrap();
            // 9 MiB through the streamed upload: two parts, a multipart ETag on S3 (the GCS
            // emulator takes single uploads only).
            let bytes: Vec<u8> = (0..9 << 20).map(|i: u32| (i % 251) as u8).collect();
            if root.starts_with("s3://") {
                let big = t.path("big.bin");
                std::fs::write(&big, &bytes).unwrap();
                store.put_file("data/big.bin", &big, &mut |_| {}).unwrap();
            } else {
                store.write("data/big.bin", bytes).unwrap();
            }
            store.write("outside.txt", b"not below data/".to_vec()).unwrap();

            let url = |key: &str| match storage.root.split_once('?') {
                Some((path, query)) => format!("{path}/{key}?{query}"),
                None => format!("{}/{key}", storage.root),
            };
            let mut saved = Vec::new();
            let summary = Artifact::register_objects(
                &t.inst,
                &url("data/"),
                false,
                &ArtifactOptions::default(),
                &NoProgress,
                |a, o| {
                    saved.push((a.clone(), o.clone()));
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(summary.registered_in_place, 3, "{saved:?}");
            let keys: Vec<&str> = saved.iter().map(|(a, _)| a.key.as_deref().unwrap()).collect();
            assert_eq!(keys, ["data/a.txt", "data/big.bin", "data/sub/b.csv"]);
            for (a, _) in &saved {
                assert!(!*a.key_is_virtual && a.storage_id == storage.id.unwrap() && a.aux.is_none());
                // In place: the artifact's bytes are the object itself.
                assert_eq!(a.storage_key(), a.key.clone().unwrap());
            }
            let a = &saved[0].0;
            assert_eq!(a.hash.as_deref(), Some(lamindb_storage::hash::hash_bytes(b"alpha").hash.as_str()));
            assert_eq!((a.hash_type.as_deref(), a.size, a.suffix.as_str()), (Some("md5"), Some(5), ".txt"));
            let big = &saved[1].0;
            let expected_type = if root.starts_with("s3://") { "md5-2" } else { "md5" };
            assert_eq!(big.hash_type.as_deref(), Some(expected_type));

            // The same hashes as Python LaminDB takes from the same objects.
            if let Some(py) = python("cloud_objects_register_in_place") {
                let theirs = run_script(
                    &py,
                    "python-cloud-hash.py",
                    &[&storage.root, "data/a.txt", "data/big.bin", "data/sub/b.csv"],
                );
                for (a, _) in &saved {
                    let t = &theirs[a.key.as_deref().unwrap()];
                    assert_eq!(a.hash.as_deref(), t[0].as_str(), "{}", a.key.as_deref().unwrap());
                    assert_eq!(a.hash_type.as_deref(), t[1].as_str(), "{}", a.key.as_deref().unwrap());
                    assert_eq!(a.size, t[2].as_i64());
                }
            }

            // Again, and one object by its URL: the same artifacts.
            let again = Artifact::register_objects(
                &t.inst,
                &url("data"),
                true,
                &ArtifactOptions::default(),
                &NoProgress,
                |_, o| {
                    assert_eq!(*o, ArtifactOutcome::SameHash);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(again.existing, 3);
            let mut one = Vec::new();
            Artifact::register_objects(
                &t.inst,
                &url("data/a.txt"),
                false,
                &ArtifactOptions::default(),
                &NoProgress,
                |a, _| {
                    one.push(a.uid.clone());
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(one, [saved[0].0.uid.clone()]);
            // A changed object becomes a new version of its key.
            store.write("data/a.txt", b"alpha 2".to_vec()).unwrap();
            Artifact::register_objects(
                &t.inst,
                &url("data/a.txt"),
                false,
                &ArtifactOptions::default(),
                &NoProgress,
                |a, o| {
                    assert!(matches!(o, ArtifactOutcome::NewVersion { .. }), "{o:?}");
                    assert_eq!(a.stem_uid(), saved[0].0.stem_uid());
                    Ok(())
                },
            )
            .unwrap();
            let missing = Artifact::register_objects(
                &t.inst,
                &url("data/nope.txt"),
                false,
                &ArtifactOptions::default(),
                &NoProgress,
                |_, _| Ok(()),
            )
            .unwrap_err();
            assert!(missing.to_string().contains("does not exist"), "{missing}");
        }
        // Outside every registered location: refused, nothing written.
        let before = Artifact::query().count(&t.inst).unwrap();
        let err = Artifact::register_objects(
            &t.inst,
            "s3://not-registered/x/",
            false,
            &ArtifactOptions::default(),
            &NoProgress,
            |_, _| Ok(()),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::Refused(Refusal::OutsideStorage { bucket, .. }) if bucket == "s3://not-registered"),
            "{err:?}"
        );
        assert!(err.to_string().contains("inst.storage().add(\"s3://not-registered"), "{err}");
        assert_eq!(Artifact::query().count(&t.inst).unwrap(), before);
    });
}
