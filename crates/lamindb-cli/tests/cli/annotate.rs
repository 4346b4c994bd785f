//! `lamin create` for the other registries, `lamin annotate artifact`, and Python LaminDB reading
//! what they wrote.

#[allow(unused_imports)]
use super::sandbox::*;

#[test]
fn created_records_and_annotations_are_listed_and_read_by_python() {
    let test = "created_records_and_annotations_are_listed_and_read_by_python";
    for_each_backend(test, |b| {
        let sb = Sandbox::with_instance(b);
        std::fs::write(sb.work("a.csv"), "x\n1\n").unwrap();
        std::fs::write(sb.work("b.csv"), "x\n2\n").unwrap();
        let a = sb.run(&["save", "a.csv", "--key", "a.csv"]).ok().stdout.trim().to_string();
        let b2 = sb.run(&["save", "b.csv", "--key", "b.csv"]).ok().stdout.trim().to_string();
        sb.run(&["create", "ulabel", "lung"]).ok();
        sb.run(&["create", "project", "atlas", "--description", "the atlas"]).ok();
        sb.run(&["create", "record", "donors", "--is-type"]).ok();
        sb.run(&["create", "record", "donor 1", "donor 2", "--type", "donors"]).ok();
        sb.run(&["create", "feature", "n_cells", "--dtype", "int"]).ok();
        sb.run(&["create", "feature", "tissue", "--dtype", "cat[ULabel]"]).ok();
        sb.run(&["create", "feature", "donor", "--dtype", "cat[Record]"]).ok();
        sb.run(&["create", "feature", "tags", "--dtype", "list[str]"]).ok();
        let again = sb.run(&["create", "project", "atlas"]).ok();
        assert!(again.stderr.contains("returning project with same name: 'atlas'"), "{again:#?}");
        let no_dtype = sb.run(&["create", "feature", "x"]).fails(1);
        assert!(no_dtype.stderr.contains("a feature needs --dtype"), "{no_dtype:#?}");
        let no_type = sb.run(&["create", "record", "r", "--type", "nope"]).fails(1);
        assert!(no_type.stderr.contains("no record type named 'nope'"), "{no_type:#?}");
        let records = sb.run(&["list", "record", "--filter", "type__name=donors", "--json"]).ok().json();
        assert_eq!(records.as_array().unwrap().len(), 2);

        sb.run(&[
            "annotate",
            "artifact",
            &a,
            "--ulabel",
            "lung",
            "--project",
            "atlas",
            "--record",
            "donor 2",
            "--features",
            "n_cells=1200",
            "--features",
            "tissue=lung",
            "--features",
            "donor=donor 1",
            "--features",
            "tags=x,y",
        ])
        .ok();
        // A value that does not fit changes nothing.
        let bad =
            sb.run(&["annotate", "artifact", &a, "--ulabel", "lung", "--features", "n_cells=many"]).fails(1);
        assert!(bad.stderr.contains("'n_cells' (int)='many'"), "{bad:#?}");
        let missing = sb.run(&["annotate", "artifact", &a, "--project", "nope"]).fails(1);
        assert!(missing.stderr.contains("no Project named 'nope'"), "{missing:#?}");
        let nothing = sb.run(&["annotate", "artifact", &a]).fails(1);
        assert!(nothing.stderr.contains("nothing to annotate"), "{nothing:#?}");
        sb.run(&["create", "collection", "pair", "--artifact", &b2, "--artifact", &a]).ok();

        let frame = sb
            .run(&[
                "df",
                "artifact",
                "--filter",
                "key=a.csv",
                "--features",
                "n_cells,tissue,donor,tags",
                "--format",
                "json",
            ])
            .ok()
            .json();
        assert_eq!(frame[0]["n_cells"], 1200);
        assert_eq!(frame[0]["tissue"], "lung");
        assert_eq!(frame[0]["donor"], "donor 1");
        assert_eq!(frame[0]["tags"], serde_json::json!(["x", "y"]));
        let on_atlas = sb.run(&["list", "artifact", "--filter", "projects__name=atlas", "--count"]).ok();
        assert_eq!(on_atlas.stdout.trim(), "1");

        let Some(python) = venv_python(test) else { return };
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/python-read-annotations.py");
        let read = Command::new(&python)
            .arg(&script)
            .args([sb.root.join("py"), sb.root.join("settings")])
            .args(["anonymous/mydata", a.as_str()])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            read.status.success(),
            "python-read-annotations.py failed:\n{}",
            String::from_utf8_lossy(&read.stderr)
        );
        let stdout = String::from_utf8_lossy(&read.stdout);
        let py: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
        assert_eq!(py["features"]["n_cells"], 1200);
        assert_eq!(py["features"]["tissue"], "lung");
        assert_eq!(py["features"]["donor"], "donor 1");
        assert_eq!(py["features"]["tags"], serde_json::json!(["x", "y"]));
        // A label that is also a feature value is linked twice (with and without the feature),
        // as Python LaminDB links it.
        let names = |k: &str| {
            let mut v: Vec<String> =
                py[k].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
            v.dedup();
            v
        };
        assert_eq!(names("ulabels"), ["lung"]);
        assert_eq!(names("projects"), ["atlas"]);
        assert_eq!(names("records"), ["donor 1", "donor 2"]);
        assert_eq!(py["collections"]["pair"], serde_json::json!([b2, a]));
    });
}

#[test]
fn projects_get_parents() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.run(&["create", "project", "atlas"]).ok();
    sb.run(&["create", "project", "lung atlas", "heart atlas", "--parent", "atlas"]).ok();
    let children = sb.run(&["list", "project", "--filter", "parents__name=atlas", "--json"]).ok().json();
    assert_eq!(children.as_array().unwrap().len(), 2, "{children}");
    let parents = sb.run(&["list", "project", "--filter", "children__name=lung atlas", "--json"]).ok().json();
    assert_eq!(parents[0]["name"], "atlas");
    let missing = sb.run(&["create", "project", "x", "--parent", "nope"]).fails(1);
    assert!(missing.stderr.contains("no project named 'nope'"), "{missing:#?}");
    let wrong = sb.run(&["create", "ulabel", "x", "--parent", "atlas"]).fails(1);
    assert!(wrong.stderr.contains("--parent is for Project records"), "{wrong:#?}");
    let own = sb.run(&["create", "project", "atlas", "--parent", "atlas"]).fails(1);
    assert!(own.stderr.contains("cannot be its own parent"), "{own:#?}");
}

/// `lamin create branch` and `lamin list branch|space`, as lamin-cli has them.
#[test]
fn branches_are_created_and_listed_with_spaces() {
    for_each_backend("branches_are_created_and_listed_with_spaces", |b| {
        let sb = Sandbox::with_instance(b);
        let run = sb.run(&["create", "branch", "dev", "--description", "work in progress"]).ok();
        assert!(run.stderr.contains("created 1 branch(s)"), "{run:#?}");
        let again = sb.run(&["create", "branch", "dev"]).ok();
        assert!(again.stderr.contains("returning branch with same name: 'dev'"), "{again:#?}");
        let list = sb.run(&["list", "branch", "--json"]).ok().json();
        let names: Vec<&str> = list.as_array().unwrap().iter().filter_map(|r| r["name"].as_str()).collect();
        assert!(["trash", "archive", "main", "dev"].iter().all(|n| names.contains(n)), "{names:?}");
        assert_eq!(names.iter().filter(|n| **n == "dev").count(), 1);
        let dev = list.as_array().unwrap().iter().find(|r| r["name"] == "dev").unwrap();
        assert_eq!(
            (dev["uid"].as_str().unwrap().len(), &dev["description"]),
            (12, &serde_json::json!("work in progress"))
        );
        let spaces = sb.run(&["list", "space", "--json"]).ok().json();
        assert_eq!(spaces[0]["name"], "all");
        sb.run(&["create", "branch", "x", "--dtype", "int"]).fails(1);
    });
}
