//! `Instance::doctor`: a healthy instance passes; missing, resized and changed bytes, unfinished
//! saves and orphaned bytes are found; `fix` completes or removes unfinished saves and deletes
//! orphans, and nothing else; without `fix` nothing changes.

use std::time::Duration;

use lamindb_core::doctor::{DoctorOptions, ProblemKind, Repair};
use lamindb_core::{Artifact, ArtifactOptions, SQLRecord};
use lamindb_tests::{TestInstance, for_each_backend};

fn save(t: &TestInstance, name: &str, content: &str) -> Artifact {
    let path = t.path(name);
    std::fs::write(&path, content).unwrap();
    let opts = ArtifactOptions { key: Some(format!("doctor/{name}")), ..Default::default() };
    Artifact::from_path(&path).options(&opts).save_with_outcome(&t.inst).unwrap().0
}

fn kinds(report: &lamindb_core::doctor::DoctorReport) -> Vec<(ProblemKind, Option<String>, bool)> {
    let mut v: Vec<_> = report.problems.iter().map(|p| (p.kind, p.artifact.clone(), p.fixed)).collect();
    v.sort_by_key(|(k, a, _)| (k.name(), a.clone()));
    v
}

#[test]
fn doctor_finds_what_disagrees_and_repairs_only_what_a_crash_left() {
    for_each_backend("doctor", |b| {
        let t = TestInstance::new(b);
        let report = t.inst.doctor(&DoctorOptions::default()).unwrap();
        assert!(report.healthy() && report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.storages, 1);

        let missing = save(&t, "missing.txt", "missing");
        let resized = save(&t, "resized.txt", "resized");
        let changed = save(&t, "changed.txt", "changed");
        let complete = save(&t, "complete.txt", "complete");
        let partial = save(&t, "partial.txt", "partial");
        let path = |a: &Artifact| a.path(&t.inst).unwrap();
        std::fs::remove_file(path(&missing)).unwrap();
        std::fs::write(path(&resized), "resized, longer").unwrap();
        std::fs::write(path(&changed), "CHANGED").unwrap();
        // Two saves a killed process left flagged: one whose bytes arrived, one whose did not.
        for a in [&complete, &partial] {
            t.execute_raw(&format!(
                "UPDATE lamindb_artifact SET _aux = '{{\"so\": 1}}' WHERE id = {}",
                a.id.unwrap()
            ));
        }
        std::fs::write(path(&partial), "par").unwrap();
        let root = t.inst.storage().default().unwrap().root;
        let orphan = std::path::Path::new(&root).join(".lamindb/AAAAAAAAAAAAAAAA0000.bin");
        std::fs::write(&orphan, "nobody's").unwrap();

        let found = t.inst.doctor(&DoctorOptions::default()).unwrap();
        assert!(!found.healthy());
        assert_eq!(found.artifacts, 5);
        let uid = |a: &Artifact| Some(a.uid.clone());
        assert_eq!(
            kinds(&found),
            vec![
                (ProblemKind::MissingBytes, uid(&missing), false),
                (ProblemKind::OrphanedBytes, None, false),
                (ProblemKind::SizeMismatch, uid(&resized), false),
                (ProblemKind::UnfinishedSave, uid(&complete), false),
                (ProblemKind::UnfinishedSave, uid(&partial), false),
            ]
        );
        // Without --fix nothing changed.
        assert!(orphan.exists());
        assert!(Artifact::get_by_id(&t.inst, complete.id.unwrap()).unwrap().storage_ongoing());
        // Changed content of the same size shows only when hashing.
        let hashed = t.inst.doctor(&DoctorOptions { verify_hashes: true, ..Default::default() }).unwrap();
        assert!(kinds(&hashed).contains(&(ProblemKind::HashMismatch, uid(&changed), false)));

        // Within the grace period nothing is removed: a save in progress of a process that
        // takes no lease (Python LaminDB) may own the bytes and the flagged rows.
        let young = t.inst.doctor(&DoctorOptions { fix: true, ..Default::default() }).unwrap();
        assert!(
            young.problems.iter().all(|p| !p.fixed || p.repair == Repair::Complete),
            "{:?}",
            young.problems
        );
        assert!(orphan.exists());
        assert!(Artifact::get_by_id(&t.inst, partial.id.unwrap()).is_ok());
        let fixed =
            t.inst.doctor(&DoctorOptions { fix: true, grace: Duration::ZERO, ..Default::default() }).unwrap();
        assert!(!fixed.healthy(), "missing and resized bytes are not repaired");
        assert!(!orphan.exists());
        assert!(!Artifact::get_by_id(&t.inst, complete.id.unwrap()).unwrap().storage_ongoing());
        assert!(Artifact::get_by_id(&t.inst, partial.id.unwrap()).is_err(), "the unfinished row is removed");
        assert!(!std::path::Path::new(&path(&partial)).exists(), "with its partial bytes");
        let after = t.inst.doctor(&DoctorOptions::default()).unwrap();
        assert_eq!(
            kinds(&after),
            vec![
                (ProblemKind::MissingBytes, uid(&missing), false),
                (ProblemKind::SizeMismatch, uid(&resized), false),
            ]
        );
        assert!(after.schema.starts_with("lamindb-rs, "), "{}", after.schema);
        // Saving the partial file again starts afresh.
        let again = save(&t, "partial.txt", "partial");
        assert!(!again.storage_ongoing());
        assert_eq!(std::fs::read_to_string(path(&again)).unwrap(), "partial");

        // Settings that name a default storage the database does not give this instance.
        let root = t.inst.storage().default().unwrap().root;
        t.execute_raw(&format!(
            "UPDATE lamindb_storage SET instance_uid = 'someoneelse' WHERE root = '{root}'"
        ));
        let settings = t.inst.doctor(&DoctorOptions::default()).unwrap();
        assert!(kinds(&settings).contains(&(ProblemKind::Settings, None, false)), "{:?}", settings.problems);
    });
}

/// Runs `doctor --fix` (no grace period) on another handle of the instance the first time the save
/// reports copied bytes, that is while its row is flagged "storage ongoing".
struct DoctorMidCopy {
    other: lamindb_core::Instance,
    report: std::sync::Mutex<Option<lamindb_core::doctor::DoctorReport>>,
}

impl lamindb_core::Progress for DoctorMidCopy {
    fn advance(&self, _bytes: u64) {
        let mut report = self.report.lock().unwrap();
        if report.is_none() {
            let opts = DoctorOptions { fix: true, grace: Duration::ZERO, ..Default::default() };
            *report = Some(self.other.doctor(&opts).unwrap());
        }
    }
}

#[test]
fn doctor_fix_leaves_a_save_in_progress_alone() {
    for_each_backend("doctor_fix_leaves_a_save_in_progress_alone", |b| {
        let t = TestInstance::new(b);
        let path = t.path("big.bin");
        std::fs::write(&path, vec![7u8; 3 << 20]).unwrap();
        let progress = DoctorMidCopy { other: t.inst.clone(), report: Default::default() };
        let source = lamindb_core::ArtifactSource { path: path.clone(), key: Some("big.bin".into()) };
        let saved = Artifact::create_many(&t.inst, &[source], &Default::default(), &progress).unwrap();
        let report = progress.report.into_inner().unwrap().expect("doctor ran during the copy");
        let unfinished: Vec<_> =
            report.problems.iter().filter(|p| p.kind == ProblemKind::UnfinishedSave).collect();
        assert_eq!(unfinished.len(), 1, "{:?}", report.problems);
        assert!(!unfinished[0].fixed, "{:?}", unfinished[0]);
        assert!(
            matches!(&unfinished[0].repair, Repair::Held(why) if why.contains("a save is in progress")),
            "{:?}",
            unfinished[0]
        );
        // The save finished: its row and its bytes are whole.
        let a = Artifact::get_by_id(&t.inst, saved[0].0.id.unwrap()).unwrap();
        assert!(!a.storage_ongoing());
        assert_eq!(std::fs::read(a.path(&t.inst).unwrap()).unwrap().len(), 3 << 20);
        let after = t.inst.doctor(&DoctorOptions { verify_hashes: true, ..Default::default() }).unwrap();
        assert!(after.problems.is_empty(), "{:?}", after.problems);
    });
}

#[test]
fn a_marker_that_disagrees_stops_every_deletion() {
    for_each_backend("a_marker_that_disagrees_stops_every_deletion", |b| {
        let t = TestInstance::new(b);
        let root = t.inst.storage().default().unwrap().root;
        // Bytes no row refers to: after a restore from an older backup, the only copy of a
        // lost record's data.
        let orphan = std::path::Path::new(&root).join(".lamindb/BBBBBBBBBBBBBBBB0000.csv");
        std::fs::write(&orphan, "the only copy").unwrap();
        let marker = std::path::Path::new(&root).join(".lamindb/storage_uid.txt");
        let text = std::fs::read_to_string(&marker).unwrap();
        let (_, rest) = text.split_once('\n').unwrap();
        std::fs::write(&marker, format!("someOtherUid\n{rest}")).unwrap();

        let report =
            t.inst.doctor(&DoctorOptions { fix: true, grace: Duration::ZERO, ..Default::default() }).unwrap();
        assert!(report.problems.iter().any(|p| p.kind == ProblemKind::Marker), "{:?}", report.problems);
        let o = report.problems.iter().find(|p| p.kind == ProblemKind::OrphanedBytes).expect("reported");
        assert!(!o.fixed);
        assert!(matches!(&o.repair, Repair::Held(why) if why.contains("disagree")), "{o:?}");
        assert_eq!(std::fs::read_to_string(&orphan).unwrap(), "the only copy");
    });
}
