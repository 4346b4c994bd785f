//! Between Python LaminDB 2.12.1 and this library: artifacts of a Python-made instance
//! transferred here (and Python reading the transferred artifact's annotations), and LaminDB's own
//! `lamin io exportdb` of its instance loaded into a new instance on every backend.
//!
//! Python runs `scripts/python-export-instance.py` offline (see `interop.rs` for how the venv is
//! installed and when the test is skipped).

use lamindb_core::{Artifact, Feature, Instance, SQLRecord, SettingsDir, ULabel};
use lamindb_frame::{DfOptions, FeatureSelection, df};
use lamindb_tests::{Backend, TestInstance};
use serde_json::Value as Json;

use crate::interop::{python, run_script};

/// The artifact's uid, tissue and n_cells as `df(features)` shows them.
fn annotated(inst: &Instance, uid: &str) -> Vec<String> {
    let opts = DfOptions { features: Some(FeatureSelection::All), ..DfOptions::all() };
    let qs = Artifact::query().filter_eq("uid", uid);
    let f = df(inst, qs.queryset(), &opts).unwrap().select(["uid", "tissue", "n_cells"]).unwrap();
    f.columns().iter().map(|c| c.get(0).unwrap().to_string()).collect()
}

#[test]
fn python_instances_transfer_and_their_exports_load() {
    let test = "python_instances_transfer_and_their_exports_load";
    let Some(py) = python(test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().canonicalize().unwrap();
    let (w, s) = (base.join("W"), base.join("S"));
    let made: Json =
        run_script(&py, "python-export-instance.py", &[&w.display().to_string(), &s.display().to_string()]);
    let uid = made["artifact_uid"].as_str().unwrap();
    let dir = SettingsDir::at(s.join(".lamin"));
    let source = dir.find("pyexp").unwrap().open(&dir).unwrap();
    let expected = annotated(&source, uid);
    assert_eq!(expected[1..], ["\"lung\"".to_string(), "7".to_string()]);

    for b in lamindb_tests::backends(test) {
        // Transfer from the Python-made instance.
        let dst = TestInstance::named(b, "mine");
        let art = Artifact::get(&source, uid).unwrap();
        let s1 = dst.inst.transfer_from(&source).artifacts(&[art.clone()]).unwrap();
        assert_eq!(s1.transferred.len(), 1);
        assert_eq!(annotated(&dst.inst, uid), expected);
        let bytes = std::fs::read(s1.transferred[0].cache(&dst.inst).unwrap()).unwrap();
        assert_eq!(bytes, b"x\n1\n");
        assert_eq!(dst.inst.transfer_from(&source).artifacts(&[art]).unwrap().already_present.len(), 1);
        if b == Backend::Sqlite {
            // Python reads what was transferred.
            let read = run_script(
                &py,
                "python-read-annotations.py",
                &[
                    &dst.path("pyw").display().to_string(),
                    &dst.settings.path().parent().unwrap().display().to_string(),
                    "anonymous/mine",
                    uid,
                ],
            );
            assert_eq!(read["ulabels"], serde_json::json!(["lung"]), "{read}");
            assert_eq!(read["features"]["n_cells"], 7, "{read}");
        }

        // LaminDB's export of its own instance, loaded into a new instance.
        let copy = TestInstance::named(b, "copy");
        let tables = lamindb_frame::io::read_export(&w.join("export")).unwrap();
        assert_eq!(tables.len(), 86);
        copy.inst.io().import(tables).unwrap();
        let copy = copy.inst.settings().open(&copy.settings).unwrap();
        assert_eq!(annotated(&copy, uid), expected);
        assert_eq!(
            ULabel::query().count(&copy).unwrap(),
            made["counts"]["lamindb_ulabel"].as_u64().unwrap() as usize
        );
        assert_eq!(Feature::query().count(&copy).unwrap(), 2);
        let a = Artifact::get(&copy, uid).unwrap();
        assert_eq!(std::fs::read(a.cache(&copy).unwrap()).unwrap(), b"x\n1\n");
    }
}
