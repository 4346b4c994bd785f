//! `lamin` end to end: doctor.

#[allow(unused_imports)]
use super::sandbox::*;

#[test]
fn doctor_exits_1_while_problems_remain_and_fix_repairs_orphans() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    std::fs::write(sb.work("a.txt"), "a").unwrap();
    sb.run(&["save", "a.txt", "--key", "a.txt"]).ok();
    let healthy = sb.run(&["doctor"]).ok();
    assert!(healthy.stderr.contains("healthy: 1 artifacts in 1 storage locations checked"), "{healthy:#?}");

    // Bytes a killed process wrote for a row that never committed.
    std::fs::write(sb.work("mydata/.lamindb/AAAAAAAAAAAAAAAA0000.txt"), "orphan").unwrap();
    let sick = sb.run(&["doctor"]).fails(1);
    assert!(
        sick.stdout.contains("orphaned-bytes") && sick.stdout.contains(".lamindb/AAAAAAAAAAAAAAAA0000.txt"),
        "{sick:#?}"
    );
    assert!(sick.stderr.contains("some were kept"), "{sick:#?}");
    let older = sb.run(&["doctor", "--older-than", "0s"]).fails(1);
    assert!(older.stdout.contains("delete the bytes"), "{older:#?}");
    assert!(older.stderr.contains("`lamin doctor --fix` repairs 1 of them"), "{older:#?}");
    let json = sb.run(&["doctor", "--json"]).fails(1).json();
    assert_eq!(json["healthy"], false);
    assert_eq!(json["problems"][0]["problem"], "orphaned-bytes");
    // Young bytes are kept (a save in progress elsewhere may own them), and the report says so.
    let kept = sb.run(&["doctor", "--fix"]).fails(1);
    assert!(kept.stdout.contains("kept: changed 0 s ago, within the grace period"), "{kept:#?}");
    assert!(Path::new(&sb.work("mydata/.lamindb/AAAAAAAAAAAAAAAA0000.txt")).exists());
    let fixed = sb.run(&["doctor", "--fix", "--older-than", "0s"]).ok();
    assert!(fixed.stderr.contains("1 problems repaired"), "{fixed:#?}");
    assert!(!Path::new(&sb.work("mydata/.lamindb/AAAAAAAAAAAAAAAA0000.txt")).exists());
    sb.run(&["doctor", "--verify-hashes"]).ok();
}

#[test]
fn a_damaged_database_file_is_reported_with_its_path_and_what_to_do() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    for i in 0..60 {
        sb.run(&["create", "ulabel", &format!("label {i}")]).ok();
    }
    // Pages in the middle of the file overwritten (a disk fault, a bad copy).
    let path = sb.work("mydata/.lamindb/lamin.db");
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.seek(SeekFrom::Start(4096 * 3)).unwrap();
        f.write_all(&vec![0xA5; 4096 * 20]).unwrap();
    }
    let doctor = sb.run(&["doctor", "--fix", "--json"]).fails(1).json();
    let problem = &doctor["problems"][0];
    assert_eq!(problem["problem"], "integrity", "{doctor}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(&path) && detail.contains("restore it from a backup"), "{detail}");
    assert_eq!(problem["fixed"], false);
}
