//! `lamin transfer` between two instances, and `lamin io export|import|move`.

#[allow(unused_imports)]
use super::sandbox::*;

/// A sandbox with the instance `lab` (two annotated artifacts under `raw/`) and the current
/// instance `mydata` on `backend`.
fn two_instances(b: Backend) -> Sandbox {
    let sb = Sandbox::new();
    sb.init_global("lab", &[]).ok();
    let mut uids = Vec::new();
    for i in 0..2 {
        std::fs::write(sb.work(&format!("f{i}.csv")), format!("x\n{i}\n")).unwrap();
        let uid = sb.run(&["save", &format!("f{i}.csv"), "--key", &format!("raw/f{i}.csv")]).ok().stdout;
        sb.run(&["create", "ulabel", "lung"]).ok();
        sb.run(&["annotate", "artifact", uid.trim(), "--ulabel", "lung"]).ok();
        uids.push(uid.trim().to_string());
    }
    sb.run(&["create", "collection", "both", "--artifact", &uids[1], "--artifact", &uids[0]]).ok();
    let mut sb = sb;
    sb.init_mydata(b);
    sb
}

#[test]
fn transfer_links_bytes_and_is_idempotent() {
    for_each_backend("transfer_links_bytes_and_is_idempotent", |b| {
        let sb = two_instances(b);
        let first = sb
            .run(&["transfer", "artifact", "--from", "lab", "--filter", "key__startswith=raw/", "--json"])
            .ok();
        let summary = first.json();
        assert_eq!(summary["transferred"].as_array().unwrap().len(), 2, "{first:#?}");
        let related: Vec<&str> =
            summary["related"].as_array().unwrap().iter().map(|r| r["registry"].as_str().unwrap()).collect();
        assert!(related.contains(&"Storage") && related.contains(&"ULabel"), "{related:?}");
        let uid = summary["transferred"][0].as_str().unwrap().to_string();

        let again = sb.run(&["transfer", "artifact", &uid, "--from", "lab"]).ok();
        assert!(again.stdout.contains("Artifact: 0 transferred, 1 already on target"), "{again:#?}");

        // Loaded from the source's storage; the bytes are not ours to delete.
        let path = sb.run(&["load", &uid]).ok().stdout;
        assert!(path.trim().starts_with(&sb.work("lab/.lamindb/")), "{path}");
        let refused = sb.run(&["delete", "artifact", &uid, "--permanent"]).fails(1);
        assert!(refused.stderr.contains("Cannot simply delete artifacts outside"), "{refused:#?}");
        sb.run(&["delete", "artifact", &uid, "--permanent", "--keep-data"]).ok();
        assert!(std::path::Path::new(path.trim()).exists());
        let labels = sb.run(&["list", "ulabel", "--json"]).ok().json();
        assert_eq!(labels.as_array().unwrap().len(), 1);

        // A collection brings its artifacts (the one deleted above comes back).
        let collection = sb
            .run(&["transfer", "collection", "--from", "lab", "--filter", "key=both", "--json"])
            .ok()
            .json();
        assert_eq!(collection["transferred"].as_array().unwrap().len(), 1, "{collection}");
        assert_eq!(sb.run(&["list", "artifact", "--json"]).ok().json().as_array().unwrap().len(), 2);

        let none = sb.run(&["transfer", "artifact", "--from", "lab", "--filter", "key=nope"]).fails(1);
        assert!(none.stderr.contains("nothing to transfer"), "{none:#?}");
        let nothing = sb.run(&["transfer", "artifact", "--from", "lab"]).fails(1);
        assert!(nothing.stderr.contains("name the records to transfer"), "{nothing:#?}");
    });
}

#[test]
fn io_export_import_and_move() {
    let sb = two_instances(Backend::Sqlite);
    sb.run(&["connect", "lab"]).ok();
    let exported = sb.run(&["io", "export", "exp", "--json"]).ok().json();
    assert_eq!(exported["tables"].as_object().unwrap().len(), 86);
    assert!(std::path::Path::new(&sb.work("exp/lamindb_artifact.parquet")).exists());
    let df = |sb: &Sandbox| sb.run(&["df", "artifact", "--all", "--format", "csv"]).ok().stdout;
    let before = df(&sb);

    // Into a new instance.
    sb.init_global("copy", &[]).ok();
    sb.run(&["io", "import", "exp"]).ok();
    assert_eq!(df(&sb), before);
    let again = sb.run(&["io", "import", "exp"]).fails(1);
    assert!(again.stderr.contains("holds records already"), "{again:#?}");

    // The lab instance to PostgreSQL.
    if postgres_url().is_none() {
        lamindb_tests::backends("io_export_import_and_move");
        return;
    }
    let pg = PgDatabase::create();
    sb.run(&["connect", "lab"]).ok();
    let moved = sb.run(&["io", "move", "--to", pg.url()]).ok();
    assert!(moved.stdout.contains("moved anonymous/lab"), "{moved:#?}");
    assert!(moved.stderr.contains("is left in place"), "{moved:#?}");
    let info = sb.run(&["info", "--json"]).ok().json();
    assert!(info["db"].as_str().unwrap_or_default().starts_with("postgresql://"), "{info}");
    assert_eq!(df(&sb), before);
    let uid = sb.run(&["list", "artifact", "--json"]).ok().json()[0]["uid"].as_str().unwrap().to_string();
    sb.run(&["load", &uid]).ok();
    let bad = sb.run(&["io", "move", "--to", "mysql://x"]).fails(1);
    assert!(bad.stderr.contains("PostgreSQL URL"), "{bad:#?}");
}
