//! Run tracking on every backend: transforms reused or versioned by source hash, `run_id` on
//! every record saved during a run, statuses for success, failure and panic, inputs, outputs
//! and re-creating runs, and runs started by other runs.

use lamindb_core::fields::{artifact, run};
use lamindb_core::models::Record as SheetRecord;
use lamindb_core::{
    Artifact, Feature, Project, Run, RunStatus, SQLRecord, TrackOptions, TracksRun, Transform, ULabel,
};
use lamindb_tests::{TestInstance, for_each_backend};

fn status(t: &TestInstance, uid: &str) -> RunStatus {
    let run = Run::get(&t.inst, uid).unwrap();
    RunStatus::from_code(run.status_code.unwrap()).unwrap()
}

#[test]
fn transforms_are_reused_for_the_same_source_and_versioned_for_a_new_one() {
    for_each_backend("transforms_are_reused_for_the_same_source_and_versioned_for_a_new_one", |b| {
        let t = TestInstance::new(b);
        let track = |src: Option<&str>| {
            let mut opts = TrackOptions::new("scripts/qc.sh").kind("script");
            opts.source_code = src.map(str::to_string);
            let run = t.inst.track(opts).unwrap();
            let transform = Transform::get_by_id(&t.inst, run.run().transform_id).unwrap();
            run.finish().unwrap();
            transform
        };
        let v1 = track(Some("echo one"));
        assert!(v1.uid.ends_with("0000") && v1.is_latest);
        assert_eq!(v1.kind, "script");
        assert_eq!(v1.source_code.as_deref(), Some("echo one"));
        assert_eq!(track(Some("echo one")).uid, v1.uid, "same source, same transform");
        assert_eq!(track(None).uid, v1.uid, "no source: the latest");
        let v2 = track(Some("echo two"));
        assert_eq!(&v2.uid[..12], &v1.uid[..12], "a new version keeps the stem");
        assert!(v2.uid.ends_with("0001"));
        assert!(!Transform::get(&t.inst, &v1.uid).unwrap().is_latest);
        assert!(v2.is_latest);
        // Back to the first source: that version again, not a third.
        assert_eq!(track(Some("echo one")).uid, v1.uid);
        assert_eq!(Transform::query().count(&t.inst).unwrap(), 2);
        assert_eq!(Run::query().count(&t.inst).unwrap(), 5);
        let err = t.inst.track(TrackOptions::new(" ")).unwrap_err();
        assert!(err.to_string().contains("transform key"), "{err}");
    });
}

#[test]
fn records_saved_during_a_run_carry_it() {
    for_each_backend("records_saved_during_a_run_carry_it", |b| {
        let t = TestInstance::new(b);
        let before = ULabel::new("before").save(&t.inst).unwrap();
        assert_eq!(before.run_id, None);
        let tracked = t.inst.track(TrackOptions::new("pipeline-a")).unwrap();
        let run_id = tracked.run().id;
        // Any clone of the handle saves into the run.
        let other = t.inst.clone();
        let label = ULabel::new("during").save(&other).unwrap();
        let feature = Feature::new("depth", "int").save(&t.inst).unwrap();
        let project = Project::new("atlas").save(&t.inst).unwrap();
        let record = SheetRecord::new("sample 1").save(&t.inst).unwrap();
        let file = t.dir.path().join("out.txt");
        std::fs::write(&file, "result").unwrap();
        let out = Artifact::from_path(&file).key("out.txt").save(&t.inst).unwrap();
        assert_eq!(label.run_id, run_id);
        assert_eq!(feature.run_id, run_id);
        assert_eq!(project.run_id, run_id);
        assert_eq!(record.run_id, run_id);
        assert_eq!(out.run_id, run_id);
        assert_eq!(t.inst.current_run().unwrap().unwrap().id, run_id);
        let finished = tracked.finish().unwrap();
        assert!(finished.finished_at.is_some());
        assert_eq!(finished.status(), Some(lamindb_core::RunStatus::Completed));
        assert_eq!(ULabel::new("after").save(&t.inst).unwrap().run_id, None);
        assert!(t.inst.current_run().unwrap().is_none());

        // Generic over TracksRun: what the run made, per registry.
        fn made<R: TracksRun>(t: &TestInstance, run: i64) -> Vec<String> {
            R::made_by_run(run)
                .to_list(&t.inst)
                .unwrap()
                .iter()
                .map(|r| format!("{:?}", r.run_id()))
                .collect()
        }
        let run_id = run_id.unwrap();
        assert_eq!(made::<ULabel>(&t, run_id).len(), 1);
        assert_eq!(made::<Artifact>(&t, run_id).len(), 1);
        assert_eq!(made::<Feature>(&t, run_id).len(), 1);
        let outputs = Artifact::filter(artifact::RUN.then(run::ID).eq(run_id)).count(&t.inst).unwrap();
        assert_eq!(outputs, 1);
    });
}

#[test]
fn runs_end_completed_errored_or_aborted() {
    for_each_backend("runs_end_completed_errored_or_aborted", |b| {
        let t = TestInstance::new(b);
        let ok = t.inst.track(TrackOptions::new("job")).unwrap();
        let ok_uid = ok.run().uid.clone();
        assert_eq!(status(&t, &ok_uid), RunStatus::Started);
        ok.finish().unwrap();
        assert_eq!(status(&t, &ok_uid), RunStatus::Completed);

        // An early return drops the guard: errored.
        let failing = || -> lamindb_core::Result<String> {
            let run = t.inst.track(TrackOptions::new("job"))?;
            let uid = run.run().uid.clone();
            Err(lamindb_core::Error::InvalidArgument(uid))
        };
        let uid = match failing() {
            Err(lamindb_core::Error::InvalidArgument(uid)) => uid,
            other => panic!("{other:?}"),
        };
        assert_eq!(status(&t, &uid), RunStatus::Errored);
        assert!(Run::get(&t.inst, &uid).unwrap().finished_at.is_some());

        // A panic while tracking: errored, and the instance tracks nothing afterwards.
        let inst = t.inst.clone();
        let panicked = std::panic::catch_unwind(move || {
            let run = inst.track(TrackOptions::new("job")).unwrap();
            let uid = run.run().uid.clone();
            panic!("{uid}");
        });
        let payload = panicked.unwrap_err();
        let uid = payload.downcast_ref::<String>().unwrap();
        assert_eq!(status(&t, uid), RunStatus::Errored);
        assert!(t.inst.current_run().unwrap().is_none());

        let stopped = t.inst.track(TrackOptions::new("job")).unwrap();
        let uid = stopped.run().uid.clone();
        stopped.end(RunStatus::Aborted).unwrap();
        assert_eq!(status(&t, &uid), RunStatus::Aborted);
        assert_eq!(RunStatus::Aborted.name(), "aborted");
    });
}

#[test]
fn loads_are_inputs_saves_are_outputs_and_dedup_records_recreating_runs() {
    for_each_backend("loads_are_inputs_saves_are_outputs_and_dedup_records_recreating_runs", |b| {
        let t = TestInstance::new(b);
        let raw = t.dir.path().join("raw.csv");
        std::fs::write(&raw, "a,b\n1,2\n").unwrap();
        let input = Artifact::from_path(&raw).key("raw.csv").save(&t.inst).unwrap();
        // Caching outside a run records nothing.
        input.cache(&t.inst).unwrap();

        let tracked = t.inst.track(TrackOptions::new("transform-raw")).unwrap();
        let run_uid = tracked.run().uid.clone();
        input.cache(&t.inst).unwrap();
        input.cache(&t.inst).unwrap(); // once is enough
        let made = t.dir.path().join("made.csv");
        std::fs::write(&made, "c\n3\n").unwrap();
        let output = Artifact::from_path(&made).key("made.csv").save(&t.inst).unwrap();
        output.cache(&t.inst).unwrap(); // made by this run: not an input
        // The same bytes as the input again: dedup returns it and records the run.
        let again = t.dir.path().join("again.csv");
        std::fs::write(&again, "a,b\n1,2\n").unwrap();
        let same = Artifact::from_path(&again).key("raw.csv").save(&t.inst).unwrap();
        assert_eq!(same.uid, input.uid);
        tracked.finish().unwrap();

        let uids = |q| -> Vec<String> {
            Artifact::filter(q).to_list(&t.inst).unwrap().into_iter().map(|a| a.uid).collect()
        };
        assert_eq!(uids(artifact::INPUT_OF_RUNS.then(run::UID).eq(run_uid.as_str())), [input.uid.clone()]);
        assert_eq!(uids(artifact::RUN.then(run::UID).eq(run_uid.as_str())), [output.uid.clone()]);
        assert_eq!(uids(artifact::RECREATING_RUNS.then(run::UID).eq(run_uid.as_str())), [input.uid.clone()]);
        let runs: Vec<String> = Run::filter(run::INPUT_ARTIFACTS.then(artifact::UID).eq(input.uid.as_str()))
            .to_list(&t.inst)
            .unwrap()
            .into_iter()
            .map(|r| r.uid)
            .collect();
        assert_eq!(runs, [run_uid]);

        // A run and its input links go together when the run is deleted for good (after its
        // output, which refers to it).
        output.delete_permanently_with(&t.inst, Some(true)).unwrap();
        let run = Run::get(&t.inst, &runs[0]).unwrap();
        t.inst.registry(Run::REGISTRY).delete(run.id.unwrap(), true).unwrap();
        assert!(uids(artifact::INPUT_OF_RUNS.then(run::UID).eq(runs[0].as_str())).is_empty());
        // And an artifact with lineage links can be deleted for good.
        input.delete_permanently_with(&t.inst, Some(true)).unwrap();
    });
}

#[test]
fn a_run_started_by_another_run_records_it() {
    for_each_backend("a_run_started_by_another_run_records_it", |b| {
        let t = TestInstance::new(b);
        let parent = t.inst.track(TrackOptions::new("workflow")).unwrap();
        let parent_uid = parent.run().uid.clone();
        let child = Run::start(&t.inst, &TrackOptions::new("step").initiated_by_run(&parent_uid)).unwrap();
        assert_eq!(child.initiated_by_run_id, parent.run().id);
        let children =
            Run::filter(run::INITIATED_BY_RUN.then(run::UID).eq(parent_uid.as_str())).count(&t.inst).unwrap();
        assert_eq!(children, 1);
        // Another handle attaches to the child run by uid, as a second process does.
        let other = t.inst.clone();
        let attached = Run::attach(&other, Some(&child.uid)).unwrap().unwrap();
        assert_eq!(attached.id, child.id);
        assert_eq!(ULabel::new("from child").save(&t.inst).unwrap().run_id, child.id);
        child.end(&other, RunStatus::Completed).unwrap();
        Run::attach(&other, None).unwrap();
        parent.finish().unwrap();
        let err = Run::start(&t.inst, &TrackOptions::new("step").initiated_by_run("nope")).unwrap_err();
        assert!(matches!(err, lamindb_core::Error::DoesNotExist { .. }), "{err}");
    });
}
