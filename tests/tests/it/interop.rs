//! Interop with Python LaminDB 2.12.1: instances Python creates open here, records we write
//! Python reads, and both sides read each other's storage markers.
//!
//! SQLite only: that is what Python creates here (offline, no hub, no PostgreSQL server).
//!
//! Python LaminDB is installed by `scripts/python-env.sh` (an idempotent venv, once per test
//! process). When that fails the tests print `skipped: python interop (<reason>)`, unless
//! `CI=true`, where they fail. Each test makes its own instance with
//! `scripts/python-make-instance.py` in a temporary directory `W` (instance `anonymous/pydata`
//! with storage `W/pydata`, a second location `W/pystorage2`, ULabels `label-a` and `label-b`,
//! settings in `S/.lamin`) and reads it back from Python with `scripts/python-read-instance.py`.
//! Both scripts run Python offline: `HOME=W/home`, `LAMIN_SETTINGS_DIR=S`, cwd `W`, stdin null.

use lamindb_core::Artifact;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use lamindb_core::{Instance, SQLRecord, SettingsDir, StorageOutcome, ULabel};
use lamindb_storage::{StorageRoot, Store, marker};
use serde_json::Value as Json;

/// The storage fields compared between Python's and our view of a Storage row.
const STORAGE_FIELDS: [&str; 7] = ["id", "uid", "root", "type", "region", "instance_uid", "description"];

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts")
}

/// The venv's python, installed once per test process; `Err` says why it is not available.
fn python_env() -> &'static Result<PathBuf, String> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let out = Command::new("bash")
            .arg(scripts_dir().join("python-env.sh"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run bash scripts/python-env.sh: {e}"))?;
        if !out.status.success() {
            // First line: the script's own error message (its last line); then all of stderr.
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
            return Err(format!(
                "scripts/python-env.sh failed ({}): {}\n{stderr}",
                out.status,
                last.unwrap_or("no message")
            ));
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let python = stdout.lines().last().unwrap_or_default().trim();
        if python.is_empty() {
            return Err("scripts/python-env.sh printed no python path".into());
        }
        Ok(PathBuf::from(python))
    })
}

/// The venv's python, or `None` after printing why the test is skipped (a failure under `CI=true`).
pub(crate) fn python(test: &str) -> Option<PathBuf> {
    match python_env() {
        Ok(p) => Some(p.clone()),
        Err(reason) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: python interop is required under CI=true: {reason}")
        }
        Err(reason) => {
            let first = reason.lines().next().unwrap_or_default();
            eprintln!("{test}: skipped: python interop ({first})");
            None
        }
    }
}

/// Runs a script of `scripts/` with the venv's python and parses the JSON line it prints last.
pub(crate) fn run_script(python: &Path, script: &str, args: &[&str]) -> Json {
    let out = Command::new(python)
        .arg(scripts_dir().join(script))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed ({}):\n{stderr}", out.status);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}): {stdout}\n{stderr}"))
}

/// An instance made by Python LaminDB in a temporary directory.
struct PyInstance {
    python: PathBuf,
    /// The working directory `W`.
    w: PathBuf,
    /// `LAMIN_SETTINGS_DIR` (the files are in `s/.lamin`).
    s: PathBuf,
    /// What `python-make-instance.py` printed.
    made: Json,
    _tmp: tempfile::TempDir,
}

impl PyInstance {
    /// Makes the instance, or returns `None` when the test is skipped.
    fn make(test: &str) -> Option<PyInstance> {
        let python = python(test)?;
        let tmp = tempfile::tempdir().expect("tempdir");
        // Python stores resolved roots; compare against the same spelling.
        let base = tmp.path().canonicalize().expect("canonical tempdir");
        let (w, s) = (base.join("W"), base.join("S"));
        let made = run_script(
            &python,
            "python-make-instance.py",
            &[&w.display().to_string(), &s.display().to_string()],
        );
        assert_eq!(made["lamindb_version"], "2.12.1");
        Some(PyInstance { python, w, s, made, _tmp: tmp })
    }

    /// The settings directory, `S/.lamin`.
    fn settings(&self) -> SettingsDir {
        SettingsDir::at(self.s.join(".lamin"))
    }

    /// A path below `W`, as a string.
    fn path(&self, rel: &str) -> String {
        self.w.join(rel).display().to_string()
    }

    /// Opens the instance from its settings file without making it current.
    fn open(&self) -> Instance {
        let dir = self.settings();
        let settings = dir.find("pydata").expect("Python's settings file");
        settings.open(&dir).expect("open Python's instance")
    }

    /// What Python reads from the instance now (`python-read-instance.py`).
    fn read(&self, extra: &[&str]) -> Json {
        let (w, s) = (self.w.display().to_string(), self.s.display().to_string());
        let mut args = vec![w.as_str(), s.as_str()];
        args.extend_from_slice(extra);
        run_script(&self.python, "python-read-instance.py", &args)
    }

    /// Python's storage row with this root.
    fn storage_row<'a>(rows: &'a Json, root: &str) -> &'a Json {
        rows["storages"]
            .as_array()
            .expect("storages")
            .iter()
            .find(|r| r["root"] == root)
            .unwrap_or_else(|| panic!("Python sees no storage {root}: {rows}"))
    }
}

/// The first line of a marker file.
fn marker_uid(root: &str) -> String {
    let text =
        std::fs::read_to_string(Path::new(root).join(".lamindb/storage_uid.txt")).expect("marker file");
    text.lines().next().unwrap_or_default().to_string()
}

#[test]
fn python_writes_rust_reads() {
    let Some(py) = PyInstance::make("python_writes_rust_reads") else {
        return;
    };
    let made = &py.made;
    let dir = py.settings();
    let settings = dir.find("pydata").unwrap();
    assert_eq!(settings.storage_root, made["storage_root"]);
    assert_eq!(settings.id.simple().to_string(), made["id_hex"]);

    // Resolution as `lamin` does it: Python's init in W wrote only the W/.lamin/current_instance
    // marker (no current_instance.env), which is found from W and below, not from outside W.
    assert_eq!(std::fs::read_to_string(py.w.join(".lamin/current_instance")).unwrap(), "anonymous/pydata");
    assert!(dir.current_global().unwrap().is_none());
    let deeper = py.w.join("sub/deeper");
    std::fs::create_dir_all(&deeper).unwrap();
    for cwd in [&py.w, &deeper] {
        let resolved = dir.resolve_current(cwd).unwrap().expect("current instance");
        assert_eq!(resolved.slug(), "anonymous/pydata", "from {}", cwd.display());
    }
    assert!(dir.resolve_current(py.w.parent().unwrap()).unwrap().is_none());
    let current = Instance::current_in(&dir, &deeper).unwrap();
    assert_eq!(current.uid(), made["uid"]);
    drop(current);

    let inst = py.open();
    assert_eq!(inst.slug(), made["slug"]);
    assert_eq!(inst.uid(), made["uid"]);

    // Opening does not migrate a Django-managed database.
    assert!(lamindb_core::__private::table_exists(&inst, "django_migrations").unwrap());
    assert!(!lamindb_core::__private::table_exists(&inst, "__diesel_schema_migrations").unwrap());

    let ours: Vec<Json> = inst
        .storage()
        .list()
        .unwrap()
        .iter()
        .map(|s| {
            let j = s.to_json();
            STORAGE_FIELDS
                .iter()
                .map(|k| (k.to_string(), j[*k].clone()))
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .collect();
    assert_eq!(&Json::Array(ours), &made["storages"]);

    let labels: Vec<Json> = ULabel::query()
        .to_list(&inst)
        .unwrap()
        .iter()
        .map(|u| serde_json::json!({"id": u.id, "uid": u.uid, "name": u.name}))
        .collect();
    assert_eq!(&Json::Array(labels), &made["ulabels"]);

    let second = &made["storages"][1];
    let uid = second["uid"].as_str().unwrap();
    let by_prefix = inst.storage().get(&uid[..5]).unwrap();
    assert_eq!(by_prefix.root, second["root"]);
    assert_eq!(by_prefix.description.as_deref(), Some("second"));
    assert_eq!(inst.storage().get(uid).unwrap().id, second["id"].as_i64());

    let default = inst.storage().default().unwrap();
    assert_eq!(default.root, made["storage_root"]);
    assert_eq!(default.uid, made["storage_uid"]);
    drop(inst);

    // Python still reads it, unchanged: same migrations, no tables of ours.
    let read = py.read(&[]);
    assert_eq!(read["django_migrations"], made["django_migrations"]);
    assert_eq!(read["foreign_tables"], serde_json::json!([]));
}

#[test]
fn rust_writes_python_reads() {
    let Some(py) = PyInstance::make("rust_writes_python_reads") else {
        return;
    };
    let root = py.path("rust-storage");
    let inst = Instance::connect_in(&py.settings(), "anonymous/pydata").unwrap();
    let (storage, outcome) = inst.storage().add(&root, Some("from rust")).unwrap();
    assert_eq!(outcome, StorageOutcome::Managed);
    assert_eq!(storage.uid, marker_uid(&root));
    let ctx = lamindb_core::__private::save_context(&inst).unwrap();
    let mut label = ULabel {
        uid: lamindb_core::uid::base62(8),
        name: "label-from-rust".into(),
        description: Some("made by lamindb-rs".into()),
        ..Default::default()
    };
    label = label.save(&inst).unwrap();
    drop(inst);

    let read = py.read(&["--storage", &storage.uid, "--ulabel", "label-from-rust"]);
    assert_eq!(read["slug"], "anonymous/pydata");
    assert_eq!(read["django_migrations"], py.made["django_migrations"]);
    assert_eq!(read["foreign_tables"], serde_json::json!([]));

    let row = PyInstance::storage_row(&read, &root);
    assert_eq!(row["uid"], marker_uid(&root));
    assert_eq!(row["id"], storage.id.unwrap());
    assert_eq!(row["description"], "from rust");
    assert_eq!(row["type"], "local");
    assert_eq!(row["instance_uid"], py.made["uid"]);
    assert!(row["created_at"].is_string(), "created_at unparsed: {row}");
    assert_eq!(read["storages"].as_array().unwrap().len(), 3);

    let labels = read["ulabels"].as_array().unwrap();
    assert_eq!(labels.len(), 3);
    let ours = labels
        .iter()
        .find(|l| l["name"] == "label-from-rust")
        .unwrap_or_else(|| panic!("Python sees no Rust ULabel: {read}"));
    assert_eq!(ours["uid"], label.uid);
    assert_eq!(ours["description"], "made by lamindb-rs");
    assert_eq!(ours["created_by_id"], ctx.user_id);
    assert!(ours["created_at"].is_string(), "created_at unparsed: {ours}");

    let uids = |key: &str| read["dataframe"][key].as_array().unwrap().clone();
    assert!(uids("storage_uids").contains(&Json::from(storage.uid.clone())));
    assert!(uids("ulabel_uids").contains(&Json::from(label.uid.clone())));

    let got = &read["get_storage"];
    assert_eq!(got["ok"], true, "ln.Storage.get: {got}");
    assert_eq!(got["root"], root);
    let got = &read["get_ulabel"];
    assert_eq!(got["ok"], true, "ln.ULabel.get: {got}");
    assert_eq!(got["uid"], label.uid);
}

#[test]
fn markers_are_read_alike_by_python_and_rust() {
    let Some(py) = PyInstance::make("markers_are_read_alike_by_python_and_rust") else {
        return;
    };
    let made = &py.made;
    let root = py.path("rust-storage");
    let inst = py.open();
    let (storage, _) = inst.storage().add(&root, None).unwrap();
    drop(inst);

    // Ours has LaminDB's 5 lines, and is Python's own marker but for the storage uid.
    let ours = std::fs::read_to_string(py.w.join("rust-storage/.lamindb/storage_uid.txt")).unwrap();
    let lines: Vec<&str> = ours.split('\n').collect();
    assert_eq!(
        lines,
        [
            storage.uid.as_str(),
            "creation info:",
            "instance_slug=anonymous/pydata",
            &format!("instance_id={}", made["id_hex"].as_str().unwrap()),
            &format!("instance_uid={}", made["uid"].as_str().unwrap()),
        ]
    );
    let theirs = std::fs::read_to_string(py.w.join("pydata/.lamindb/storage_uid.txt")).unwrap();
    let storage_uid = made["storage_uid"].as_str().unwrap();
    assert_eq!(ours.replacen(&storage.uid, storage_uid, 1), theirs);

    // lamindb_setup parses ours, and accepts it as it is.
    let read = py.read(&[]);
    let parsed = &read["markers"][root.as_str()];
    assert_eq!(parsed["uid"], storage.uid);
    assert_eq!(parsed["instance_id"], made["id_hex"]);
    assert_eq!(parsed["mark_storage_root"], "__is_marked__");
    assert_eq!(ours, std::fs::read_to_string(py.w.join("rust-storage/.lamindb/storage_uid.txt")).unwrap());

    // And we read Python's markers.
    for row in made["storages"].as_array().unwrap() {
        let root = StorageRoot::parse(row["root"].as_str().unwrap()).unwrap();
        let uid = marker::read_marker(&Store::open(&root).unwrap()).unwrap();
        assert_eq!(uid.as_deref(), row["uid"].as_str(), "{root}");
    }
}

#[test]
fn add_storage_on_a_python_location_returns_it() {
    let Some(py) = PyInstance::make("add_storage_on_a_python_location_returns_it") else {
        return;
    };
    let second = &py.made["storages"][1];
    let root = py.path("pystorage2");
    assert_eq!(second["root"], root);
    let marker_before = std::fs::read(py.w.join("pystorage2/.lamindb/storage_uid.txt")).unwrap();
    let inst = py.open();
    for spelling in [root.clone(), format!("{root}/"), py.path("pydata/../pystorage2")] {
        let (s, outcome) = inst.storage().add(&spelling, Some("ignored")).unwrap();
        assert_eq!(outcome, StorageOutcome::Existing, "{spelling}");
        assert_eq!(s.uid, second["uid"]);
        assert_eq!(s.id, second["id"].as_i64());
        assert_eq!(s.description.as_deref(), Some("second"), "unchanged");
    }
    let (s, outcome) = inst.storage().add(&py.path("pydata"), None).unwrap();
    assert_eq!(outcome, StorageOutcome::Existing);
    assert_eq!(s.uid, py.made["storage_uid"]);
    assert_eq!(inst.storage().list().unwrap().len(), 2);
    assert_eq!(std::fs::read(py.w.join("pystorage2/.lamindb/storage_uid.txt")).unwrap(), marker_before);
}

#[test]
fn search_ranks_like_python_lamindb_on_the_same_data() {
    let test = "search_ranks_like_python_lamindb_on_the_same_data";
    let Some(py) = PyInstance::make(test) else { return };
    let inst = py.open();
    let names: Vec<String> = [
        "my cellular thing",
        "celltype",
        "B cell|T cell",
        "T cell",
        "cell type",
        "cell",
        "Cell Biology",
        "cell.line",
        "nothing here",
        "label cell",
        "cells|cell",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ULabel::create_many(&inst, &names, None, lamindb_core::NameMatch::AlwaysCreate).unwrap();
    let queries = ["cell", "label", "T cell", "thing"];
    let mut extra = Vec::new();
    for q in queries {
        extra.extend(["--search", q]);
    }
    let python = py.read(&extra);
    for q in queries {
        let opts = lamindb_core::query::search::SearchOptions::default();
        let ours: Vec<String> = lamindb_core::query::search::search(&inst, ULabel::REGISTRY, q, &opts)
            .unwrap()
            .into_iter()
            .map(|h| h.values[2].to_string())
            .collect();
        let theirs: Vec<String> = python["search"][q]
            .as_array()
            .unwrap_or_else(|| panic!("no search result for {q}: {python}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(ours, theirs, "search {q:?}");
    }
}

/// Runs `scripts/python-artifact.py W S <args>` and parses its JSON line.
fn py_artifact(py: &PyInstance, args: &[&str]) -> Json {
    let (w, s) = (py.w.display().to_string(), py.s.display().to_string());
    let mut all = vec![w.as_str(), s.as_str()];
    all.extend_from_slice(args);
    run_script(&py.python, "python-artifact.py", &all)
}

#[test]
fn rust_artifacts_are_found_cached_and_hashed_alike_by_python() {
    let Some(py) = PyInstance::make("rust_artifacts_are_found_cached_and_hashed_alike_by_python") else {
        return;
    };
    let content = b"gene,count\nA,1\nB,22\n";
    let file = py.w.join("rust-data.csv");
    std::fs::write(&file, content).unwrap();
    let inst = py.open();
    let opts = lamindb_core::ArtifactOptions { key: Some("rust/data.csv".into()), ..Default::default() };
    let (a, outcome) = Artifact::from_path(&file).options(&opts).save_with_outcome(&inst).unwrap();
    assert_eq!(outcome, lamindb_core::ArtifactOutcome::Created);
    let path = a.path(&inst).unwrap();
    assert_eq!(path, py.path(&format!("pydata/.lamindb/{}.csv", a.uid)));
    drop(inst);

    let got = py_artifact(&py, &["get", &a.uid]);
    assert_eq!(got["uid"], a.uid);
    assert_eq!(got["key"], "rust/data.csv");
    assert_eq!(got["suffix"], ".csv");
    assert_eq!(got["otype"], "DataFrame");
    assert_eq!(a.otype.as_deref(), Some("DataFrame"));
    assert_eq!(got["size"], content.len());
    assert_eq!(got["hash"], a.hash.clone().unwrap());
    assert_eq!(got["hash_type"], "md5");
    assert_eq!(got["key_is_virtual"], true);
    assert_eq!(got["path"], path);
    let hex: String = content.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(got["cache_hex"], hex, "Python's .cache() returns our bytes");

    // Python hashes the same content the same way: it returns our artifact.
    let copy = py.w.join("python-copy.csv");
    std::fs::write(&copy, content).unwrap();
    let saved = py_artifact(&py, &["save", &copy.display().to_string(), "rust/data.csv"]);
    assert_eq!(saved["uid"], a.uid, "same hash → Python returns the artifact saved by Rust");
}

#[test]
fn python_artifacts_are_loaded_by_rust() {
    let Some(py) = PyInstance::make("python_artifacts_are_loaded_by_rust") else {
        return;
    };
    let file = py.w.join("py-made.txt");
    std::fs::write(&file, b"written by python\n").unwrap();
    let saved = py_artifact(&py, &["save", &file.display().to_string(), "py/made.txt"]);
    let uid = saved["uid"].as_str().unwrap();
    let inst = py.open();
    let a = Artifact::get(&inst, uid).unwrap();
    assert_eq!(a.hash.as_deref(), saved["hash"].as_str());
    assert_eq!((saved["otype"].clone(), a.otype.clone()), (Json::Null, None));
    assert_eq!(a.path(&inst).unwrap(), saved["path"]);
    let local = a.cache(&inst).unwrap();
    assert_eq!(std::fs::read(&local).unwrap(), b"written by python\n");
    assert_eq!(lamindb_storage::hash::hash_file(&local).unwrap().hash, saved["hash"].as_str().unwrap());
    assert_eq!(Artifact::get_by_key(&inst, "py/made.txt").unwrap().uid, uid);
    // A new version from Rust continues Python's family.
    std::fs::write(&file, b"changed by rust\n").unwrap();
    let opts = lamindb_core::ArtifactOptions { key: Some("py/made.txt".into()), ..Default::default() };
    let (v2, outcome) = Artifact::from_path(&file).options(&opts).save_with_outcome(&inst).unwrap();
    assert_eq!(outcome, lamindb_core::ArtifactOutcome::NewVersion { previous_uid: uid.to_string() });
    assert_eq!(&v2.uid[..16], &uid[..16]);
    drop(inst);
    let got = py_artifact(&py, &["get", &v2.uid]);
    assert_eq!(got["is_latest"], true);
    let old = py_artifact(&py, &["get", uid]);
    assert_eq!(old["is_latest"], false);
}
