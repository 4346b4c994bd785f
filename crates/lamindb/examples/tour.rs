//! A first program with lamindb, written from the README and the crate docs: a new instance in
//! a temporary folder, labels, typed filters, artifacts, a tracked run and its provenance, a
//! DataFrame of a query, a transaction that fails with the program's own error type, and errors
//! matched by kind.
//!
//! `cargo run -p lamindb --features frame --example tour`

use lamindb as ln;
use ln::ToDataFrame;
use ln::prelude::*;

/// The program's own error: a check of its own, or anything lamindb reports.
#[derive(Debug)]
enum TourError {
    TooManyLabels(usize),
    Lamin(ln::Error),
}

impl From<ln::Error> for TourError {
    fn from(e: ln::Error) -> Self {
        TourError::Lamin(e)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let settings = ln::SettingsDir::at(tmp.path().join(".lamin"));
    let opts =
        ln::InitOptions { storage: tmp.path().join("lab").display().to_string(), ..Default::default() };
    let (inst, _) = ln::Instance::init_in(&settings, &opts)?;
    println!("instance {} at {}", inst.slug(), opts.storage);

    // Labels, and a typed filter: `ulabel::NAME` is a text field of ULabel.
    for name in ["T cell", "B cell", "lung"] {
        ln::ULabel::new(name).save(&inst)?;
    }
    let cells =
        ln::ULabel::filter(ln::ulabel::NAME.ends_with(" cell")).order_by(ln::ulabel::NAME).all(&inst)?;
    let names: Vec<&str> = cells.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["B cell", "T cell"]);

    // Artifacts: bytes copied into storage, the record saved, a label linked.
    let counts = tmp.path().join("counts.csv");
    std::fs::write(&counts, "gene,count\nCD8A,12\nCD19,3\n")?;
    let raw = ln::Artifact::from_path(&counts).key("raw/counts.csv").description("raw counts").save(&inst)?;
    let lung = ln::ULabel::filter(ln::ulabel::NAME.eq("lung")).one(&inst)?;
    raw.add_labels(&inst, [&lung])?;
    let in_lung =
        ln::Artifact::filter(ln::artifact::ULABELS.then(ln::ulabel::NAME).eq("lung")).count(&inst)?;
    assert_eq!(in_lung, 1);

    // A tracked run: what it reads is its input, what it saves its output.
    let run = inst.track(ln::TrackOptions::new("qc.rs").params(ln::serde_json::json!({"min_count": 5})))?;
    let local = raw.cache(&inst)?;
    let text = std::fs::read_to_string(local)?;
    let kept: Vec<&str> = text.lines().filter(|l| !l.ends_with(",3")).collect();
    let qc = tmp.path().join("qc.csv");
    std::fs::write(&qc, kept.join("\n"))?;
    let out = ln::Artifact::from_path(&qc).key("qc/counts.csv").save(&inst)?;
    run.finish()?;
    let lineage = out.provenance(&inst, 2)?.expect("qc/counts.csv was made by a run");
    assert_eq!(lineage.transform.key, "qc.rs");
    assert_eq!(lineage.inputs.len(), 1);
    println!(
        "{} was made by run {} of {}",
        out.key.as_deref().unwrap_or(""),
        lineage.run.uid,
        lineage.transform.key
    );

    // A DataFrame of a query, with the labels of each artifact.
    let opts = ln::DfOptions::default().include(ln::artifact::ULABELS.then(ln::ulabel::NAME));
    let frame = ln::Artifact::query().df_with(&inst, &opts)?;
    println!("{frame}");
    assert_eq!(frame.height(), 2);

    // A transaction that fails halfway with the program's own error: nothing of it stays.
    let before = ln::ULabel::query().count(&inst)?;
    let failed = inst.transaction(|tx| -> Result<(), TourError> {
        ln::ULabel::new("first of many").save(tx)?;
        let n = ln::ULabel::query().count(tx)?;
        if n > before {
            return Err(TourError::TooManyLabels(n));
        }
        Ok(())
    });
    assert!(matches!(failed, Err(TourError::TooManyLabels(4))));
    assert_eq!(ln::ULabel::query().count(&inst)?, before);

    // Errors are kinds to match on.
    match ln::ULabel::get(&inst, "notauid1") {
        Err(ln::Error::DoesNotExist { registry, .. }) => println!("no {registry} with that uid"),
        other => return Err(format!("expected DoesNotExist, got {other:?}").into()),
    }
    let duplicate = ln::Artifact::from_path(&counts).key("raw/counts.csv").save(&inst)?;
    assert_eq!(duplicate.uid, raw.uid, "the same bytes are the same artifact");
    match inst.storage().add("/", None) {
        Err(ln::Error::Refused(refusal)) => println!("refused: {refusal}"),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    match failed {
        Err(TourError::Lamin(e)) => return Err(e.into()),
        Err(TourError::TooManyLabels(n)) => println!("rolled back at {n} labels"),
        Ok(()) => unreachable!(),
    }
    Ok(())
}
