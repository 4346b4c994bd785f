//! DataFrame export on every backend: LaminDB's column order and real dtypes for Storage, ULabel,
//! Artifact and Run; include paths (to-one, to-many, reverse); feature columns; empty results;
//! limit and ordering; the written files read back by polars.

use lamindb_core::NameMatch;
use lamindb_core::query::parse::parse_filter;
use lamindb_core::{
    Artifact, ArtifactULabel, Feature, Q, QuerySet, Registry, Run, SQLRecord, Storage, ULabel, User,
};
use lamindb_frame::{DfOptions, FeatureSelection, Format, basic_columns, df, write, write_file};
use lamindb_tests::{TestInstance, for_each_backend};
use polars::prelude::*;

fn utc() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

fn names(frame: &DataFrame) -> Vec<String> {
    frame.get_column_names().iter().map(|s| s.to_string()).collect()
}

fn frame(t: &mut TestInstance, qs: &QuerySet, opts: &DfOptions) -> DataFrame {
    df(&t.inst, qs, opts).unwrap()
}

fn all(reg: &'static Registry) -> QuerySet {
    QuerySet::new(reg)
}

fn strings(frame: &DataFrame, col: &str) -> Vec<Option<String>> {
    frame.column(col).unwrap().str().unwrap().iter().map(|s| s.map(str::to_string)).collect()
}

fn ints(frame: &DataFrame, col: &str) -> Vec<Option<i64>> {
    frame.column(col).unwrap().i64().unwrap().iter().collect()
}

fn lists(frame: &DataFrame, col: &str) -> Vec<Option<Vec<String>>> {
    let c = frame.column(col).unwrap();
    (0..c.len())
        .map(|i| match c.get(i).unwrap() {
            AnyValue::List(s) => Some(s.str().unwrap().iter().map(|v| v.unwrap().to_string()).collect()),
            _ => None,
        })
        .collect()
}

const STORAGE: [&str; 14] = [
    "id",
    "uid",
    "root",
    "description",
    "type",
    "region",
    "instance_uid",
    "is_locked",
    "created_at",
    "branch_id",
    "created_on_id",
    "space_id",
    "created_by_id",
    "run_id",
];
const ULABEL: [&str; 15] = [
    "id",
    "uid",
    "name",
    "description",
    "reference",
    "reference_type",
    "is_locked",
    "is_type",
    "created_at",
    "branch_id",
    "created_on_id",
    "space_id",
    "created_by_id",
    "run_id",
    "type_id",
];
/// `id` + the list verified on Python LaminDB 2.12.1 (`reference/lamindb-observed.md` §4).
const ARTIFACT: [&str; 23] = [
    "id",
    "uid",
    "key",
    "description",
    "suffix",
    "kind",
    "otype",
    "size",
    "hash",
    "n_files",
    "n_observations",
    "extra_data",
    "version_tag",
    "is_latest",
    "is_locked",
    "created_at",
    "branch_id",
    "created_on_id",
    "space_id",
    "storage_id",
    "run_id",
    "schema_id",
    "created_by_id",
];
const RUN: [&str; 23] = [
    "id",
    "uid",
    "name",
    "description",
    "entrypoint",
    "started_at",
    "finished_at",
    "params",
    "extra_data",
    "reference",
    "reference_type",
    "cli_args",
    "is_locked",
    "created_at",
    "branch_id",
    "created_on_id",
    "space_id",
    "transform_id",
    "report_id",
    "environment_id",
    "plan_id",
    "initiated_by_run_id",
    "created_by_id",
];

/// The dtype each column must have: Int64 ids and counts, Boolean flags, UTC datetimes, text.
fn expected_dtype(name: &str) -> DataType {
    match name {
        "is_locked" | "is_type" | "is_latest" => DataType::Boolean,
        "created_at" | "started_at" | "finished_at" => utc(),
        "id" | "size" | "n_files" | "n_observations" => DataType::Int64,
        n if n.ends_with("_id") => DataType::Int64,
        _ => DataType::String,
    }
}

fn assert_schema(frame: &DataFrame, expected: &[&str]) {
    assert_eq!(names(frame), expected);
    for c in frame.columns() {
        assert_eq!(c.dtype(), &expected_dtype(c.name()), "dtype of {}", c.name());
    }
}

#[test]
fn columns_follow_lamindb_order_with_real_dtypes() {
    for_each_backend("columns_follow_lamindb_order_with_real_dtypes", |b| {
        let mut t = TestInstance::new(b);
        for (reg, expected) in [
            (Storage::REGISTRY, &STORAGE[..]),
            (ULabel::REGISTRY, &ULABEL[..]),
            (Artifact::REGISTRY, &ARTIFACT[..]),
            (Run::REGISTRY, &RUN[..]),
        ] {
            let got: Vec<&str> = basic_columns(reg).iter().map(|f| f.name).collect();
            assert_eq!(got, expected, "{}", reg.name);
            // Empty or not, the frame has these columns and dtypes.
            let f = frame(&mut t, &all(reg), &DfOptions::default());
            assert_schema(&f, expected);
        }
        // The default storage row, value by value.
        let f = frame(&mut t, &all(Storage::REGISTRY), &DfOptions::default());
        assert_eq!(f.height(), 1);
        let s = Storage::get_by_id(&t.inst, 1).unwrap();
        assert_eq!(strings(&f, "root"), [Some(s.root.clone())]);
        assert_eq!(strings(&f, "instance_uid"), std::slice::from_ref(&s.instance_uid));
        assert_eq!(strings(&f, "region"), [None]);
        assert_eq!(ints(&f, "run_id"), [None]);
        let created = f.column("created_at").unwrap().datetime().unwrap().physical().get(0);
        assert_eq!(created, Some(s.created_at.unwrap().timestamp_micros()));
    });
}

#[test]
fn ulabel_values_limit_and_ordering() {
    for_each_backend("ulabel_values_limit_and_ordering", |b| {
        let mut t = TestInstance::new(b);
        let input: Vec<String> = ["b", "d", "a", "e", "c"].iter().map(|s| s.to_string()).collect();
        let made = ULabel::create_many(&t.inst, &input, Some("desc"), NameMatch::AlwaysCreate).unwrap();
        let labels: Vec<ULabel> = made.into_iter().map(|c| c.record).collect();
        let qs = all(ULabel::REGISTRY);

        // Default: newest first (-id), every field's value as saved.
        let f = frame(&mut t, &qs, &DfOptions::default());
        assert_schema(&f, &ULABEL);
        let ids: Vec<i64> = labels.iter().rev().map(|l| l.id.unwrap()).collect();
        assert_eq!(ints(&f, "id"), ids.iter().map(|i| Some(*i)).collect::<Vec<_>>());
        assert_eq!(strings(&f, "name"), ["c", "e", "a", "d", "b"].map(|s| Some(s.to_string())));
        assert_eq!(strings(&f, "uid")[0].as_deref(), Some(labels[4].uid.as_str()));
        assert_eq!(strings(&f, "description")[0].as_deref(), Some("desc"));
        let flags: Vec<Option<bool>> = f.column("is_type").unwrap().bool().unwrap().iter().collect();
        assert_eq!(flags, [Some(false); 5]);
        let created = f.column("created_at").unwrap().datetime().unwrap().physical().get(4);
        assert_eq!(created, Some(labels[0].created_at.unwrap().timestamp_micros()));

        // Limit, the query's own order, no limit.
        let opts = DfOptions { limit: Some(2), ..DfOptions::default() };
        assert_eq!(strings(&frame(&mut t, &qs, &opts), "name"), [Some("c".into()), Some("e".into())]);
        let by_name = frame(&mut t, &qs.clone().order_by("name"), &DfOptions::default());
        assert_eq!(strings(&by_name, "name"), ["a", "b", "c", "d", "e"].map(|s| Some(s.to_string())));
        let opts = DfOptions { order_by: Some("name".into()), limit: Some(3), ..DfOptions::default() };
        assert_eq!(strings(&frame(&mut t, &qs, &opts), "name"), ["a", "b", "c"].map(|s| Some(s.to_string())));
        assert_eq!(frame(&mut t, &qs, &DfOptions::all()).height(), 5);

        // Filters, the trash, and an empty result with the same schema.
        let filtered = qs.clone().filter(parse_filter(r#"name__in=["a", "e"]"#).unwrap());
        assert_eq!(frame(&mut t, &filtered, &DfOptions::default()).height(), 2);
        t.inst.registry(ULabel::REGISTRY).delete(labels[0].id.unwrap(), false).unwrap();
        assert_eq!(frame(&mut t, &qs, &DfOptions::default()).height(), 4);
        assert_eq!(frame(&mut t, &qs.clone().all_branches(), &DfOptions::default()).height(), 5);
        let none = qs.clone().filter(Q::kw("name", "nope").unwrap());
        let empty = frame(&mut t, &none, &DfOptions::default());
        assert_eq!(empty.height(), 0);
        assert_schema(&empty, &ULABEL);
        let opts = DfOptions { include: vec!["created_by__handle".into()], ..DfOptions::default() };
        let empty = frame(&mut t, &none, &opts);
        assert_eq!(names(&empty), ["id", "uid", "name", "created_by__handle"]);
        assert_eq!(empty.column("created_by__handle").unwrap().dtype(), &DataType::String);
    });
}

/// Two artifacts, a run of a transform, labels linked with and without a feature.
struct Scene {
    t: TestInstance,
    a1: Artifact,
    a2: Artifact,
    handle: String,
}

fn scene(b: lamindb_tests::Backend) -> Scene {
    let mut t = TestInstance::new(b);
    let (_, run) = t.transform_and_run();
    let db = &t.inst;
    let artifact = |uid: &str, key: &str, run_id: Option<i64>| Artifact {
        uid: uid.into(),
        key: Some(key.into()),
        suffix: ".csv".into(),
        size: Some(14),
        is_latest: true,
        key_is_virtual: lamindb_core::__private::internal(true),
        storage_id: 1,
        run_id,
        ..Default::default()
    };
    let mut a1 = artifact("aaaaaaaaaaaaaaa10000", "raw/a.csv", run.id);
    a1 = a1.save(db).unwrap();
    let mut a2 = artifact("aaaaaaaaaaaaaaa20000", "raw/b.csv", None);
    a2 = a2.save(db).unwrap();
    let mut log = artifact("aaaaaaaaaaaaaaa30000", "logs/run.txt", run.id);
    log.kind = Some("__lamindb_run__".into());
    log.save(db).unwrap();
    let mut cell_type = Feature {
        uid: "feat00000001".into(),
        name: "cell_type".into(),
        dtype_str: lamindb_core::__private::internal(Some("cat[ULabel]".into())),
        ..Default::default()
    };
    cell_type = cell_type.save(db).unwrap();
    let mut tissue = Feature {
        uid: "feat00000002".into(),
        name: "tissue".into(),
        dtype_str: lamindb_core::__private::internal(Some("list[cat[ULabel.name]]".into())),
        ..Default::default()
    };
    tissue = tissue.save(db).unwrap();
    let score = Feature {
        uid: "feat00000003".into(),
        name: "score".into(),
        dtype_str: lamindb_core::__private::internal(Some("float".into())),
        ..Default::default()
    };
    score.save(db).unwrap();
    let label = |uid: &str, name: &str| {
        let mut l = ULabel { uid: uid.into(), name: name.into(), ..Default::default() };
        l = l.save(db).unwrap();
        l
    };
    let (t_cell, b_cell, lung, liver, plain) = (
        label("lbl00001", "T cell"),
        label("lbl00002", "B cell"),
        label("lbl00003", "lung"),
        label("lbl00004", "liver"),
        label("lbl00005", "plain"),
    );
    let link = |a: &Artifact, l: &ULabel, f: Option<&Feature>| {
        let x = ArtifactULabel {
            artifact_id: a.id.unwrap(),
            ulabel_id: l.id.unwrap(),
            feature_id: f.and_then(|f| f.id),
            ..Default::default()
        };
        x.save(db).unwrap();
    };
    link(&a1, &t_cell, Some(&cell_type));
    link(&a1, &lung, Some(&tissue));
    link(&a1, &liver, Some(&tissue));
    link(&a1, &plain, None);
    link(&a2, &b_cell, Some(&cell_type));
    link(&a2, &plain, None);
    let handle = User::get_by_id(db, lamindb_core::__private::user_id(&t.inst).unwrap()).unwrap().handle;
    Scene { t, a1, a2, handle }
}

#[test]
fn include_paths_give_scalar_and_list_columns() {
    for_each_backend("include_paths_give_scalar_and_list_columns", |b| {
        let Scene { mut t, a1, a2, handle } = scene(b);
        let root = Storage::get_by_id(&t.inst, 1).unwrap().root;
        let opts = DfOptions {
            include: vec![
                "created_by__handle".into(),
                "storage__root".into(),
                "run__transform__key".into(),
                "ulabels__name".into(),
                "description".into(),
            ],
            ..DfOptions::default()
        };
        let f = frame(&mut t, &all(Artifact::REGISTRY), &opts);
        assert_eq!(
            names(&f),
            [
                "id",
                "uid",
                "key",
                "created_by__handle",
                "storage__root",
                "run__transform__key",
                "ulabels__name",
                "description"
            ]
        );
        // Newest first; the run log (kind __lamindb_run__) is hidden as in LaminDB.
        assert_eq!(ints(&f, "id"), [a2.id, a1.id]);
        assert_eq!(strings(&f, "created_by__handle"), [Some(handle.clone()), Some(handle)]);
        assert_eq!(strings(&f, "storage__root"), [Some(root.clone()), Some(root.clone())]);
        assert_eq!(strings(&f, "run__transform__key"), [None, Some("pipelines/qc.py".into())]);
        assert_eq!(f.column("ulabels__name").unwrap().dtype(), &DataType::List(Box::new(DataType::String)));
        let expected = [
            Some(vec!["B cell".to_string(), "plain".to_string()]),
            Some(["T cell", "lung", "liver", "plain"].map(String::from).to_vec()),
        ];
        assert_eq!(lists(&f, "ulabels__name"), expected);

        // Asking for a kind shows the run log; reverse relations are to-many too.
        let logs = all(Artifact::REGISTRY).filter(Q::kw("kind", "__lamindb_run__").unwrap());
        assert_eq!(frame(&mut t, &logs, &DfOptions::default()).height(), 1);
        let opts = DfOptions { include: vec!["artifacts__key".into()], ..DfOptions::default() };
        let storages = frame(&mut t, &all(Storage::REGISTRY), &opts);
        let mut keys = lists(&storages, "artifacts__key")[0].clone().unwrap();
        keys.sort();
        assert_eq!(keys, ["logs/run.txt", "raw/a.csv", "raw/b.csv"]);
        let opts = DfOptions { include: vec!["output_artifacts__size".into()], ..DfOptions::default() };
        let runs = frame(&mut t, &all(Run::REGISTRY), &opts);
        assert_eq!(
            runs.column("output_artifacts__size").unwrap().dtype(),
            &DataType::List(Box::new(DataType::Int64))
        );

        // Paths that name no field are refused with a hint.
        for (path, msg) in [
            ("ulabels", "name one of their fields, e.g. ulabels__name"),
            ("key__name", "'key' of Artifact is not a relation"),
            ("created_by__nope", "Unknown field 'nope'"),
        ] {
            let opts = DfOptions { include: vec![path.into()], ..DfOptions::default() };
            let err = df(&t.inst, &all(Artifact::REGISTRY), &opts).unwrap_err().to_string();
            assert!(err.contains(msg), "{path}: {err}");
        }
    });
}

/// A non-categorical feature value as LaminDB stores it: a `lamindb_jsonvalue` row linked to the
/// artifact by `lamindb_artifactjsonvalue`.
fn json_value(t: &mut TestInstance, id: i64, feature: &Feature, artifact: &Artifact, json: &str) {
    // LaminDB's JSON value tables have no registry here yet: written as Python LaminDB writes them.
    let json = json.replace('\'', "''");
    t.execute_raw(&format!(
        "INSERT INTO lamindb_jsonvalue (id, value, hash, feature_id, created_by_id) VALUES ({id}, '{json}', 'hash{id}', {}, 1)",
        feature.id.unwrap()
    ));
    t.execute_raw(&format!(
        "INSERT INTO lamindb_artifactjsonvalue (artifact_id, jsonvalue_id, created_by_id) VALUES ({}, {id}, 1)",
        artifact.id.unwrap()
    ));
}

#[test]
fn features_become_typed_columns() {
    for_each_backend("features_become_typed_columns", |b| {
        let Scene { mut t, a1, a2, .. } = scene(b);
        let feature = |uid: &str, name: &str, dtype: &str| {
            let mut f = Feature {
                uid: uid.into(),
                name: name.into(),
                dtype_str: lamindb_core::__private::internal(Some(dtype.into())),
                ..Default::default()
            };
            f = f.save(&t.inst).unwrap();
            f
        };
        let n_cells = feature("feat00000004", "n_cells", "int");
        let tags = feature("feat00000005", "tags", "list[str]");
        let when = feature("feat00000006", "measured_at", "datetime");
        let score = Feature::query().filter_eq("name", "score").one(&t.inst).unwrap();
        json_value(&mut t, 1, &score, &a1, "0.5");
        json_value(&mut t, 2, &n_cells, &a1, "100");
        json_value(&mut t, 3, &n_cells, &a2, "7");
        json_value(&mut t, 4, &tags, &a1, r#"["x", "y"]"#);
        json_value(&mut t, 5, &when, &a2, r#""2026-11-29T05:45:29.886000+00:00""#);

        let qs = all(Artifact::REGISTRY).order_by("id");
        let opts = DfOptions { features: Some(FeatureSelection::All), ..DfOptions::default() };
        let f = frame(&mut t, &qs, &opts);
        assert_eq!(
            names(&f),
            ["id", "uid", "key", "cell_type", "tissue", "score", "n_cells", "tags", "measured_at"]
        );
        assert_eq!(ints(&f, "id"), [a1.id, a2.id]);
        assert_eq!(strings(&f, "cell_type"), [Some("T cell".into()), Some("B cell".into())]);
        assert_eq!(lists(&f, "tissue"), [Some(vec!["lung".to_string(), "liver".to_string()]), None]);
        let scores: Vec<Option<f64>> = f.column("score").unwrap().f64().unwrap().iter().collect();
        assert_eq!(scores, [Some(0.5), None]);
        assert_eq!(ints(&f, "n_cells"), [Some(100), Some(7)]);
        assert_eq!(lists(&f, "tags"), [Some(vec!["x".to_string(), "y".to_string()]), None]);
        assert_eq!(f.column("measured_at").unwrap().dtype(), &utc());
        let when: Vec<Option<i64>> =
            f.column("measured_at").unwrap().datetime().unwrap().physical().iter().collect();
        assert_eq!(when[0], None);
        assert_eq!(when[1].map(|us| us % 1_000_000), Some(886_000));

        // By name, in the given order; a feature without values keeps its dtype.
        let opts = DfOptions {
            features: Some(FeatureSelection::Names(vec!["score".into(), "cell_type".into()])),
            include: vec!["ulabels__name".into()],
            ..DfOptions::default()
        };
        let f = frame(&mut t, &qs.clone().filter(Q::kw("id", a2.id.unwrap()).unwrap()), &opts);
        assert_eq!(names(&f), ["id", "uid", "key", "ulabels__name", "score", "cell_type"]);
        assert_eq!(f.column("score").unwrap().dtype(), &DataType::Float64);
        assert_eq!(f.column("score").unwrap().null_count(), 1);

        // Two values for a `cat[…]` feature: a list column, as LaminDB does.
        let t_cell = ULabel::query().filter_eq("name", "T cell").one(&t.inst).unwrap();
        let cell_type = Feature::query().filter_eq("name", "cell_type").one(&t.inst).unwrap();
        ArtifactULabel {
            artifact_id: a2.id.unwrap(),
            ulabel_id: t_cell.id.unwrap(),
            feature_id: cell_type.id,
            ..Default::default()
        }
        .save(&t.inst)
        .unwrap();
        let opts = DfOptions {
            features: Some(FeatureSelection::Names(vec!["cell_type".into()])),
            ..DfOptions::default()
        };
        let f = frame(&mut t, &qs, &opts);
        assert_eq!(
            lists(&f, "cell_type"),
            [Some(vec!["T cell".to_string()]), Some(vec!["B cell".to_string(), "T cell".to_string()])]
        );

        // Errors that say what to do.
        let opts = DfOptions {
            features: Some(FeatureSelection::Names(vec!["nope".into()])),
            ..DfOptions::default()
        };
        let err = df(&t.inst, &qs, &opts).unwrap_err().to_string();
        let available = "available features: cell_type, measured_at, n_cells, score, tags, tissue";
        assert!(err.contains(&format!("no feature named 'nope'; {available}")), "{err}");
        let opts = DfOptions { features: Some(FeatureSelection::All), ..DfOptions::default() };
        let err = df(&t.inst, &all(ULabel::REGISTRY), &opts).unwrap_err().to_string();
        assert!(err.contains("features are columns of Artifact frames only"), "{err}");
    });
}

#[test]
fn written_files_read_back_equal() {
    for_each_backend("written_files_read_back_equal", |b| {
        let Scene { mut t, .. } = scene(b);
        let opts = DfOptions { include: vec!["ulabels__name".into()], ..DfOptions::default() };
        let mut f = frame(&mut t, &all(Artifact::REGISTRY), &opts);
        let dir = t.path("out");
        std::fs::create_dir_all(&dir).unwrap();

        let p = dir.join("a.parquet");
        write_file(&mut f, Format::Parquet, &p).unwrap();
        let back = ParquetReader::new(std::fs::File::open(&p).unwrap()).finish().unwrap();
        assert!(back.equals_missing(&f), "parquet:\n{back}\n{f}");

        let p = dir.join("a.arrow");
        write_file(&mut f, Format::Ipc, &p).unwrap();
        let back = IpcReader::new(std::fs::File::open(&p).unwrap()).finish().unwrap();
        assert!(back.equals_missing(&f), "ipc:\n{back}\n{f}");

        let mut plain = frame(&mut t, &all(ULabel::REGISTRY), &DfOptions::default());
        let mut csv = Vec::new();
        write(&mut plain, Format::Csv, &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert!(text.starts_with(&ULABEL.join(",")), "{text}");
        let mut json = Vec::new();
        write(&mut plain, Format::Json, &mut json).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), plain.height());
        let mut lines = Vec::new();
        write(&mut f, Format::Ndjson, &mut lines).unwrap();
        let first: serde_json::Value =
            serde_json::from_str(String::from_utf8(lines).unwrap().lines().next().unwrap()).unwrap();
        assert_eq!(first["ulabels__name"], serde_json::json!(["B cell", "plain"]));

        // A failed write leaves nothing behind (and no temporary file).
        let missing = dir.join("no-such-dir").join("x.parquet");
        assert!(write_file(&mut f, Format::Parquet, &missing).is_err());
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into())
            .collect();
        left.sort();
        assert_eq!(left, ["a.arrow", "a.parquet"]);
    });
}

#[test]
fn large_frames_read_in_two_halves_equal_one_pass() {
    for_each_backend("large_frames_read_in_two_halves_equal_one_pass", |b| {
        let mut t = TestInstance::new(b);
        let names: Vec<String> = (0..60_000).map(|i| format!("label-{i:05}")).collect();
        ULabel::create_many(&t.inst, &names, None, NameMatch::AlwaysCreate).unwrap();
        t.inst.registry(ULabel::REGISTRY).delete(7, false).unwrap();
        let qs = all(ULabel::REGISTRY);
        for (order, filter) in [("-id", None), ("id", None), ("-id", Some(r#"name__endswith="7""#))] {
            let mut qs = qs.clone();
            if let Some(expr) = filter {
                qs = qs.filter(parse_filter(expr).unwrap());
            }
            // On SQLite, an unordered query over a wide id range is read on two connections at
            // once; an explicitly ordered one in one pass. Same rows, same order.
            let opts = DfOptions { order_by: Some(order.into()), ..DfOptions::all() };
            let halves = frame(&mut t, &qs, &opts);
            let one_pass = frame(&mut t, &qs.clone().order_by(order), &DfOptions::all());
            let expected = if filter.is_some() { 6_000 } else { 59_999 };
            assert_eq!(halves.height(), expected, "{order} {filter:?}");
            assert!(halves.equals_missing(&one_pass), "{order} {filter:?}");
            let ids = ints(&halves, "id");
            let sorted = ids.windows(2).all(|w| if order == "id" { w[0] < w[1] } else { w[0] > w[1] });
            assert!(sorted, "{order} {filter:?}");
            assert!(!ids.contains(&Some(7)), "the trash stays out");
        }
        // A query's own limit and offset are kept (and such a query is read in one pass).
        assert_eq!(frame(&mut t, &qs.clone().offset(100), &DfOptions::all()).height(), 59_899);
        let first = frame(&mut t, &qs.clone().offset(100).limit(10), &DfOptions::all());
        assert_eq!(ints(&first, "id"), (59_891..=59_900).rev().map(Some).collect::<Vec<_>>());
    });
}
