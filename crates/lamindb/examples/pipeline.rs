//! A small data pipeline: register a folder of CSV files as artifacts, label them, query them with
//! typed fields, and write a Parquet report of the query with the labels as a column.
//!
//! ```sh
//! cargo run -p lamindb --features frame --example pipeline
//! ```
//! It works in a temporary directory and leaves nothing behind.

use lamindb as ln;
use ln::{SQLRecord, ToDataFrame};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    // A fresh instance with its own settings directory (no global settings are touched).
    let settings = ln::SettingsDir::at(tmp.path().join(".lamin"));
    let root = tmp.path().join("mydata");
    let opts = ln::InitOptions { storage: root.display().to_string(), ..Default::default() };
    ln::Instance::init_in(&settings, &opts)?;
    let inst = ln::Instance::open(&root)?;

    // A folder of measurements, one file per sample.
    let incoming = tmp.path().join("incoming");
    std::fs::create_dir_all(&incoming)?;
    for i in 0..4 {
        std::fs::write(
            incoming.join(format!("sample{i}.csv")),
            format!("gene,count\nA,{i}\nB,{}\n", i * 10),
        )?;
    }

    // Register every file and label it with its tissue, in one transaction.
    let tissues = ["lung", "liver", "lung", "heart"];
    inst.transaction(|tx| -> ln::Result<()> {
        for (i, tissue) in tissues.iter().enumerate() {
            let path = incoming.join(format!("sample{i}.csv"));
            let art = ln::Artifact::from_path(&path).key(format!("raw/sample{i}.csv")).save(tx)?;
            let label = match ln::ULabel::filter(ln::ulabel::NAME.eq(*tissue)).first(tx)? {
                Some(l) => l,
                None => ln::ULabel::new(*tissue).save(tx)?,
            };
            art.add_labels(tx, [&label])?;
        }
        Ok(())
    })?;

    // Which files are about lung?
    let lung = ln::Artifact::filter(ln::artifact::ULABELS.then(ln::ulabel::NAME).eq("lung"))
        .order_by(ln::artifact::KEY)
        .all(&inst)?;
    let keys: Vec<_> = lung.iter().filter_map(|a| a.key.as_deref()).collect();
    println!("lung samples: {keys:?}");
    assert_eq!(keys, ["raw/sample0.csv", "raw/sample2.csv"]);

    // A report of every CSV artifact with its labels, as Parquet.
    let report = ln::DfOptions::default().include(ln::artifact::ULABELS.then(ln::ulabel::NAME));
    let mut frame = ln::Artifact::filter(ln::artifact::SUFFIX.eq(".csv")).df_with(&inst, &report)?;
    let out = tmp.path().join("report.parquet");
    ln::lamindb_frame::write_file(&mut frame, ln::lamindb_frame::Format::Parquet, &out)?;
    println!("{frame}");
    println!("report: {} rows → {}", frame.height(), out.display());
    assert_eq!(frame.height(), 4);
    Ok(())
}
