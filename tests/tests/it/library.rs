//! The library as downstream crates use it: one `Instance` handle shared by threads, writes that
//! join a caller's transaction, typed fields equal to their string form, checked `Q`
//! constructors, validation before every save.

use lamindb_core::fields::{artifact, run, transform, ulabel, user};
use lamindb_core::{
    Artifact, Delete, Error, Instance, NameMatch, Q, QuerySet, SQLRecord, Transform, Trash, ULabel, Value,
    Where,
};
use lamindb_tests::{TestInstance, for_each_backend};

fn labels(inst: &Instance) -> usize {
    ULabel::query().all_branches().count(inst).unwrap()
}

#[test]
fn every_write_joins_an_outer_transaction_that_fails() {
    for_each_backend("every_write_joins_an_outer_transaction_that_fails", |b| {
        let t = TestInstance::new(b);
        let inst = &t.inst;
        let mut kept = ULabel::new("kept").save(inst).unwrap();
        let trashed = ULabel::new("trashed").save(inst).unwrap();
        trashed.delete(inst).unwrap();
        let before = (labels(inst), kept.clone(), ULabel::get_by_id(inst, trashed.id.unwrap()).unwrap());
        type Write = Box<dyn Fn(&Instance) -> lamindb_core::Result<()>>;
        let k = kept.clone();
        let tr = trashed.clone();
        let writes: Vec<(&str, Write)> = vec![
            ("save (insert)", Box::new(|tx| ULabel::new("new").save(tx).map(drop))),
            (
                "save (update)",
                Box::new({
                    let k = k.clone();
                    move |tx| {
                        let mut k = k.clone();
                        k.description = Some("changed".into());
                        k.save(tx).map(drop)
                    }
                }),
            ),
            (
                "save_fields",
                Box::new({
                    let k = k.clone();
                    move |tx| {
                        let mut k = k.clone();
                        k.name = "renamed".into();
                        k.save_fields(tx, ulabel::NAME).map(drop)
                    }
                }),
            ),
            (
                "delete",
                Box::new({
                    let k = k.clone();
                    move |tx| k.delete(tx).map(drop)
                }),
            ),
            (
                "delete_permanently",
                Box::new({
                    let k = k.clone();
                    move |tx| k.delete_permanently(tx)
                }),
            ),
            (
                "restore",
                Box::new({
                    let tr = tr.clone();
                    move |tx| tr.clone().restore(tx)
                }),
            ),
            (
                "create_ulabels",
                Box::new(|tx| {
                    ULabel::create_many(&tx, &["a".into(), "b".into()], None, NameMatch::ReturnExisting)
                        .map(drop)
                }),
            ),
            (
                "bulk_create_ulabels",
                Box::new(|tx| {
                    ULabel::bulk_create(&tx, &["c".into(), "d".into()], None, NameMatch::AlwaysCreate)
                        .map(drop)
                }),
            ),
            (
                "nested transaction",
                Box::new(|tx| tx.transaction(|inner| ULabel::new("inner").save(inner).map(drop))),
            ),
        ];
        for (name, write) in &writes {
            let out: lamindb_core::Result<()> = inst.transaction(|tx| {
                write(tx)?;
                Err(Error::InvalidArgument("the caller fails afterwards".into()))
            });
            assert!(matches!(out, Err(Error::InvalidArgument(_))), "{name}: {out:?}");
            let after = (
                labels(inst),
                ULabel::get_by_id(inst, kept.id.unwrap()).unwrap(),
                ULabel::get_by_id(inst, trashed.id.unwrap()).unwrap(),
            );
            assert_eq!(after, before, "{name} left something behind");
        }
        // A failing inner transaction rolls back to its savepoint; the outer work commits.
        inst.transaction(|tx| -> lamindb_core::Result<_> {
            ULabel::new("outer").save(tx)?;
            let inner: lamindb_core::Result<()> = tx.transaction(|inner| {
                ULabel::new("inner").save(inner)?;
                Err(Error::InvalidArgument("inner fails".into()))
            });
            assert!(inner.is_err());
            Ok(())
        })
        .unwrap();
        let names: Vec<String> =
            ULabel::query().order_by(ulabel::ID).all(inst).unwrap().into_iter().map(|l| l.name).collect();
        assert_eq!(names, ["kept", "outer"]);
        kept.refresh_from_db(inst).unwrap();
    });
}

/// Threads (each on its own connection) creating the same names at once, with names matched,
/// leave one label per name: the losers adopt the winners' records.
#[test]
fn concurrent_creators_of_the_same_names_leave_one_label_each() {
    for_each_backend("concurrent_creators_of_the_same_names", |b| {
        let t = TestInstance::new(b);
        let names: Vec<String> = (0..200).map(|i| format!("shared {i}")).collect();
        let start = std::sync::Barrier::new(6);
        std::thread::scope(|s| {
            for _ in 0..6 {
                let inst = t.inst.clone();
                let names = names.clone();
                let start = &start;
                s.spawn(move || {
                    start.wait();
                    for name in &names {
                        ULabel::bulk_create(
                            &inst,
                            std::slice::from_ref(name),
                            None,
                            NameMatch::ReturnExisting,
                        )
                        .unwrap();
                    }
                });
            }
        });
        assert_eq!(ULabel::filter(ulabel::NAME.starts_with("shared ")).count(&t.inst).unwrap(), 200);
    });
}

#[test]
fn one_instance_shared_by_eight_threads_loses_nothing() {
    for_each_backend("one_instance_shared_by_eight_threads_loses_nothing", |b| {
        let t = TestInstance::new(b);
        std::thread::scope(|s| {
            for thread in 0..8 {
                let inst = t.inst.clone();
                s.spawn(move || {
                    for i in 0..1000 {
                        ULabel::new(format!("t{thread}-{i}")).save(&inst).unwrap();
                    }
                });
            }
        });
        assert_eq!(ULabel::query().count(&t.inst).unwrap(), 8000);
        for thread in 0..8 {
            let q = ULabel::filter(ulabel::NAME.starts_with(format!("t{thread}-")));
            assert_eq!(q.count(&t.inst).unwrap(), 1000, "thread {thread}");
        }
    });
}

#[test]
fn a_hundred_concurrent_async_saves_on_one_runtime() {
    for_each_backend("a_hundred_concurrent_async_saves_on_one_runtime", |b| {
        let t = TestInstance::new(b);
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let saved = rt.block_on(async {
            let tasks: Vec<_> = (0..100)
                .map(|i| {
                    let inst = t.inst.clone();
                    tokio::spawn(async move { ULabel::new(format!("async {i}")).save_async(&inst).await })
                })
                .collect();
            let mut saved = Vec::new();
            for task in tasks {
                saved.push(task.await.unwrap().unwrap());
            }
            saved
        });
        assert!(saved.iter().all(|l| l.id.is_some()));
        assert_eq!(ULabel::filter(ulabel::NAME.starts_with("async ")).count(&t.inst).unwrap(), 100);
        let label = rt.block_on(saved[0].clone().refresh_from_db_async(&t.inst)).unwrap();
        assert_eq!(label, saved[0]);
        rt.block_on(label.delete_async(&t.inst)).unwrap();
        assert_eq!(ULabel::filter(ulabel::NAME.starts_with("async ")).count(&t.inst).unwrap(), 99);

        // Queries, downloads and transfers from async code.
        let q = ULabel::filter(ulabel::NAME.starts_with("async "));
        let (all, n, first) = rt.block_on(async {
            tokio::join!(q.all_async(&t.inst), q.count_async(&t.inst), q.first_async(&t.inst))
        });
        assert_eq!((all.unwrap().len(), n.unwrap()), (99, 99));
        assert!(first.unwrap().is_some());
        let path = t.path("a.csv");
        std::fs::write(&path, "x\n1\n").unwrap();
        let art =
            rt.block_on(lamindb_core::Artifact::from_path(&path).key("a.csv").save_async(&t.inst)).unwrap();
        let cached = rt.block_on(art.cache_async(&t.inst)).unwrap();
        assert_eq!(std::fs::read_to_string(cached).unwrap(), "x\n1\n");
        let other = TestInstance::named(b, "other");
        let s = rt.block_on(other.inst.transfer_from(&t.inst).artifacts_async(vec![art])).unwrap();
        assert_eq!(s.transferred.len(), 1);
    });
}

/// Pairs of (typed, text) conditions, one per lookup and relation kind.
fn typed_and_text() -> Vec<(lamindb_core::Query<ULabel>, &'static str, Where<ULabel>, Q)> {
    let q = |k: &str, v: Value| Q::kw(k, v).unwrap();
    let list = |k: &str, v: Vec<Value>| Q::kw_list(k, v).unwrap();
    let t = |s: &str| Value::Text(s.into());
    vec![
        (ULabel::query(), "exact", ulabel::NAME.eq("T cell"), q("name", t("T cell"))),
        (ULabel::query(), "iexact", ulabel::NAME.iexact("t CELL"), q("name__iexact", t("t CELL"))),
        (ULabel::query(), "contains", ulabel::NAME.contains("cell"), q("name__contains", t("cell"))),
        (ULabel::query(), "icontains", ulabel::NAME.icontains("CELL"), q("name__icontains", t("CELL"))),
        (ULabel::query(), "startswith", ulabel::NAME.starts_with("T"), q("name__startswith", t("T"))),
        (ULabel::query(), "istartswith", ulabel::NAME.istarts_with("t"), q("name__istartswith", t("t"))),
        (ULabel::query(), "endswith", ulabel::NAME.ends_with("cell"), q("name__endswith", t("cell"))),
        (ULabel::query(), "iendswith", ulabel::NAME.iends_with("CELL"), q("name__iendswith", t("CELL"))),
        (ULabel::query(), "regex", ulabel::NAME.regex("^[TB] "), q("name__regex", t("^[TB] "))),
        (ULabel::query(), "iregex", ulabel::NAME.iregex("^[tb] "), q("name__iregex", t("^[tb] "))),
        (
            ULabel::query(),
            "in",
            ulabel::NAME.is_in(["T cell", "lung"]),
            list("name__in", vec![t("T cell"), t("lung")]),
        ),
        (ULabel::query(), "in (empty)", ulabel::NAME.is_in(Vec::<String>::new()), list("name__in", vec![])),
        (ULabel::query(), "gt", ulabel::ID.gt(1), q("id__gt", Value::Int(1))),
        (ULabel::query(), "gte", ulabel::ID.gte(2), q("id__gte", Value::Int(2))),
        (ULabel::query(), "lt", ulabel::ID.lt(3), q("id__lt", Value::Int(3))),
        (ULabel::query(), "lte", ulabel::ID.lte(2), q("id__lte", Value::Int(2))),
        (
            ULabel::query(),
            "range",
            ulabel::ID.range(2, 3),
            list("id__range", vec![Value::Int(2), Value::Int(3)]),
        ),
        (
            ULabel::query(),
            "isnull",
            ulabel::DESCRIPTION.is_null(),
            q("description__isnull", Value::Bool(true)),
        ),
        (ULabel::query(), "ne", ulabel::NAME.ne("lung"), !q("name", t("lung"))),
        (
            ULabel::query(),
            "forward fk",
            ulabel::CREATED_BY.then(user::HANDLE).eq("anonymous"),
            q("created_by__handle", t("anonymous")),
        ),
        (
            ULabel::query(),
            "many-to-many",
            ulabel::ARTIFACTS.then(artifact::KEY).ends_with(".csv"),
            q("artifacts__key__endswith", t(".csv")),
        ),
        (
            ULabel::query(),
            "and/or/not",
            (ulabel::NAME.starts_with("T") | ulabel::NAME.eq("lung")) & !ulabel::DESCRIPTION.is_not_null(),
            (q("name__startswith", t("T")) | q("name", t("lung")))
                & !q("description__isnull", Value::Bool(false)),
        ),
    ]
}

#[test]
fn typed_fields_give_the_same_sql_and_rows_as_their_string_form() {
    for_each_backend("typed_fields_give_the_same_sql_and_rows_as_their_string_form", |b| {
        let t = TestInstance::new(b);
        let inst = &t.inst;
        for name in ["T cell", "B cell", "lung", "t cell (activated)"] {
            ULabel::new(name).save(inst).unwrap();
        }
        let csv = t.path("x.csv");
        std::fs::write(&csv, "a\n1\n").unwrap();
        let art = Artifact::from_path(&csv).key("x.csv").save(inst).unwrap();
        let lung = ULabel::filter(ulabel::NAME.eq("lung")).one(inst).unwrap();
        lamindb_core::ArtifactULabel {
            artifact_id: art.id.unwrap(),
            ulabel_id: lung.id.unwrap(),
            ..Default::default()
        }
        .save(inst)
        .unwrap();
        let mut matched = 0;
        for (query, lookup, typed, text) in typed_and_text() {
            assert_eq!(typed, text, "{lookup}: the same Q");
            let a = QuerySet::new(ULabel::REGISTRY).filter(typed.clone().into());
            let b = QuerySet::new(ULabel::REGISTRY).filter(text.clone());
            assert_eq!(
                lamindb_core::__private::to_sql(&a, lamindb_core::__private::dialect(&inst), &[])
                    .unwrap()
                    .text(),
                lamindb_core::__private::to_sql(&b, lamindb_core::__private::dialect(&inst), &[])
                    .unwrap()
                    .text(),
                "{lookup}: the same SQL"
            );
            let rows_a = query.filter(typed).all(inst).unwrap();
            let rows_b: Vec<ULabel> =
                b.rows(inst).unwrap().into_iter().map(|r| ULabel::from_row_values(r).unwrap()).collect();
            assert_eq!(rows_a, rows_b, "{lookup}: the same rows");
            matched += usize::from(!rows_a.is_empty());
        }
        assert!(matched >= 18, "most lookups match some label ({matched})");
        // Relations of other registries resolve too.
        let tr = Transform::new("pipelines/qc.py", "script").save(inst).unwrap();
        let mut r = lamindb_core::Run::new(tr.id.unwrap());
        r = r.save(inst).unwrap();
        let runs = lamindb_core::Run::filter(run::TRANSFORM.then(transform::KEY).eq("pipelines/qc.py"))
            .all(inst)
            .unwrap();
        assert_eq!(runs, [r]);
        let by_storage = Artifact::filter(
            artifact::STORAGE
                .then(lamindb_core::fields::storage::ROOT)
                .eq(t.path("data").display().to_string()),
        )
        .count(inst)
        .unwrap();
        assert_eq!(by_storage, 1);
    });
}

#[test]
fn no_q_built_through_the_public_api_panics() {
    // 120 000 random conditions from the string and typed constructors, combined with & | !,
    // compiled against every registry: each either compiles or returns an error.
    let keys = [
        "",
        "__",
        "name",
        "name__",
        "__name",
        "id",
        "uid__in",
        "name__in",
        "size__range",
        "x",
        "created_by__handle",
        "ulabels__name__startswith",
        "artifacts",
        "run__transform__key",
        "description__isnull",
        "name__regex",
        "id__gt",
        "branch",
        "storage__root__iexact",
        "a__b__c__d",
    ];
    let values = [
        Value::Null,
        Value::Int(0),
        Value::Int(-1),
        Value::Float(1.5),
        Value::Bool(true),
        Value::Text(String::new()),
        Value::Text("T cell".into()),
        Value::Text("'; DROP TABLE x; --".into()),
        Value::Text("\u{0}".into()),
        Value::Json("{}".into()),
    ];
    let regs = lamindb_core::models::all_registries();
    let seed = std::cell::Cell::new(0x9E37_79B9_7F4A_7C15_u64);
    let next = || {
        let mut x = seed.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        seed.set(x);
        x
    };
    let (mut compiled, mut refused) = (0usize, 0usize);
    for _ in 0..120_000 {
        let key = keys[(next() % keys.len() as u64) as usize];
        let pick = || values[(next() % values.len() as u64) as usize].clone();
        let text = || pick().as_str().unwrap_or("T cell").to_string();
        let q = match next() % 6 {
            0 => Q::kw(key, pick()),
            1 => {
                let n = (next() % 4) as usize;
                Q::kw_list(key, (0..n).map(|_| pick()).collect())
            }
            2 => Ok(ulabel::NAME.is_in((0..(next() % 3)).map(|_| text())).into()),
            3 => Ok(ulabel::ID.range(next() as i64, next() as i64).into()),
            4 => Ok(ulabel::CREATED_BY.then(user::HANDLE).eq(text()).into()),
            _ => Ok(Q::exact(key, pick())),
        };
        let Ok(mut q) = q else {
            refused += 1;
            continue;
        };
        match next() % 4 {
            0 => q = !q,
            1 => q = q & Q::kw("id__gt", 0).unwrap(),
            2 => q = q | Q::none(),
            _ => {}
        }
        let reg = regs[(next() % regs.len() as u64) as usize];
        for dialect in [lamindb_core::__private::Dialect::Sqlite, lamindb_core::__private::Dialect::Postgres]
        {
            match lamindb_core::__private::to_sql(&QuerySet::new(reg).filter(q.clone()), dialect, &[]) {
                Ok(_) => compiled += 1,
                Err(_) => refused += 1,
            }
        }
    }
    assert!(compiled > 10_000 && refused > 10_000, "both outcomes are reached ({compiled} / {refused})");
}

#[test]
fn validation_reports_every_rule_before_anything_reaches_sql() {
    for_each_backend("validation_reports_every_rule_before_anything_reaches_sql", |b| {
        let t = TestInstance::new(b);
        let inst = &t.inst;
        let fields = |e: Error| match e {
            Error::Validation { errors, .. } => {
                errors.into_iter().map(|e| (e.field, e.message)).collect::<Vec<_>>()
            }
            other => panic!("expected a validation error, got {other}"),
        };
        // Column width (VARCHAR(150)) and a blank name field, reported together.
        let mut long = ULabel::new("x".repeat(151));
        long.reference_type = Some("r".repeat(26));
        let errs = fields(long.save(inst).unwrap_err());
        assert_eq!(
            errs[0],
            ("name", "Ensure this value has at most 150 characters (it has 151).".to_string())
        );
        assert_eq!(
            errs[1],
            ("reference_type", "Ensure this value has at most 25 characters (it has 26).".to_string())
        );
        let errs = fields(ULabel::new("  ").save(inst).unwrap_err());
        assert_eq!(errs, [("name", "This field cannot be blank.".to_string())]);
        // uid length.
        let mut short = ULabel::new("short uid");
        short.uid = "abc".into();
        let errs = fields(short.save(inst).unwrap_err());
        assert_eq!(errs, [("uid", "A ULabel uid has 8 characters (got 3: 'abc').".to_string())]);
        // Allowed values: transform kinds, run status codes.
        let errs = fields(Transform::new("k.py", "spreadsheet").save(inst).unwrap_err());
        assert_eq!(errs[0].0, "kind");
        assert!(errs[0].1.contains("pipeline, notebook, script, function"), "{errs:?}");
        let tr = Transform::new("k.py", "script").save(inst).unwrap();
        let mut r = lamindb_core::Run::new(tr.id.unwrap());
        r.status_code = lamindb_core::__private::internal(Some(7));
        assert_eq!(fields(r.save(inst).unwrap_err())[0].0, "_status_code");
        // Unique fields, checked against the database.
        let first = ULabel::new("first").save(inst).unwrap();
        let mut dup = ULabel::new("dup");
        dup.uid = first.uid.clone();
        let errs = fields(dup.save(inst).unwrap_err());
        assert_eq!(errs, [("uid", "ULabel with this uid already exists.".to_string())]);
        // NUL characters never reach SQL.
        assert_eq!(
            fields(ULabel::new("a\0b").save(inst).unwrap_err())[0].1,
            "Null characters are not allowed."
        );
        // Nothing was written by any of the refused saves; the record itself re-saves fine.
        assert_eq!(ULabel::query().count(inst).unwrap(), 1);
        let mut again = first.clone();
        again.description = Some("ok".into());
        again = again.save(inst).unwrap();
        assert!(again.validate(inst).is_ok());
    });
}

#[test]
fn records_refresh_some_fields_and_save_some_fields() {
    for_each_backend("records_refresh_some_fields_and_save_some_fields", |b| {
        let t = TestInstance::new(b);
        let inst = &t.inst;
        let mut a = ULabel::new("a").with_description("one").save(inst).unwrap();
        let mut other = a.clone();
        other.name = "b".into();
        other.description = Some("two".into());
        other = other.save_fields(inst, ulabel::DESCRIPTION).unwrap();
        assert_eq!(
            (other.name.as_str(), other.description.as_deref()),
            ("a", Some("two")),
            "only description saved"
        );
        a.name = "local".into();
        a.refresh_fields(inst, &ulabel::DESCRIPTION).unwrap();
        assert_eq!(
            (a.name.as_str(), a.description.as_deref()),
            ("local", Some("two")),
            "only description refreshed"
        );
        // Several fields at once, as a tuple; none at all.
        other.name = "c".into();
        other.description = Some("three".into());
        other.save_fields(inst, (ulabel::NAME, ulabel::DESCRIPTION)).unwrap();
        a.refresh_fields(inst, (ulabel::DESCRIPTION, ulabel::NAME)).unwrap();
        assert_eq!((a.name.as_str(), a.description.as_deref()), ("c", Some("three")));
        a.name = "unsaved".into();
        a.save_fields(inst, ()).unwrap();
        assert_eq!(a.name, "c", "nothing saved, the record comes back as stored");
        let unsaved = ULabel::new("never saved");
        assert!(matches!(unsaved.delete(inst), Err(Error::NotSaved { registry: "ULabel" })));
        a.delete(inst).unwrap();
        assert!(matches!(a.delete(inst), Err(Error::InTrash { registry: "ULabel", .. })));
        a.restore(inst).unwrap();
        assert_eq!(a.branch_id, Some(1));
    });
}

#[test]
fn open_by_path_needs_no_settings_and_changes_no_current_instance() {
    let t = TestInstance::new(lamindb_tests::Backend::Sqlite);
    let before = std::fs::read(t.settings.current_instance_file()).unwrap();
    let opened = Instance::open(t.path("data")).unwrap();
    assert_eq!(opened.uid(), t.inst.uid());
    let by_file = Instance::open(t.path("data/.lamindb/lamin.db")).unwrap();
    assert_eq!(by_file.slug(), t.inst.slug());
    ULabel::new("seen by both").save(&opened).unwrap();
    assert!(ULabel::filter(ulabel::NAME.eq("seen by both")).exists(&t.inst).unwrap());
    assert_eq!(std::fs::read(t.settings.current_instance_file()).unwrap(), before);
    assert!(Instance::open(t.path("nowhere")).is_err());
}

#[test]
fn from_values_returns_existing_records_as_lamindb_does() {
    for_each_backend("from_values_returns_existing_records_as_lamindb_does", |b| {
        let t = TestInstance::new(b);
        let inst = &t.inst;
        let a = ULabel::new("ULabel1").save(inst).unwrap();
        let b2 = ULabel::new("ULabel2").save(inst).unwrap();
        // Names: existing ones are loaded, in id order; the others are reported, not created.
        let out =
            ULabel::from_values(inst, ["ULabel2", "ULabel1", "ULabel3", "ULabel1"], &ulabel::NAME, false)
                .unwrap();
        assert_eq!(out.records, [a.clone(), b2.clone()]);
        assert_eq!(out.missing, ["ULabel3"]);
        assert_eq!(
            out.logs,
            [
                "loaded 2 ULabel records matching name: 'ULabel2', 'ULabel1'",
                "did not create ULabel record for 1 non-validated name: 'ULabel3'"
            ]
        );
        assert_eq!(ULabel::query().count(inst).unwrap(), 2, "nothing was created");
        // Several records with one name: all of them match.
        let twin = ULabel::new("ULabel1").save(inst).unwrap();
        let out = ULabel::from_values(inst, ["ULabel1"], &ulabel::NAME, false).unwrap();
        assert_eq!(out.records, [a.clone(), twin]);
        assert_eq!(out.logs, ["loaded 2 ULabel records matching name: 'ULabel1'"]);
        // create=True: one new unsaved record per value, with its own uid.
        let out = ULabel::from_values(inst, ["ULabel1", "new"], &ulabel::NAME, true).unwrap();
        assert_eq!(out.records.len(), 2);
        assert!(out.records.iter().all(|r| r.id.is_none() && r.uid.len() == 8));
        assert_eq!(out.records[1].name, "new");
    });
}

/// On SQLite, a write waits for the write lock even when another process holds it for longer
/// than one busy timeout (10 s): no "database is locked" reaches the caller.
#[test]
fn a_write_waits_out_a_lock_held_longer_than_the_busy_timeout() {
    use diesel::{Connection, RunQueryDsl};
    let t = TestInstance::new(lamindb_tests::Backend::Sqlite);
    let url = t.inst.settings().db_url().unwrap();
    let path = url.strip_prefix("sqlite://").unwrap().to_string();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let mut db = diesel::SqliteConnection::establish(&path).unwrap();
        diesel::sql_query("BEGIN IMMEDIATE").execute(&mut db).unwrap();
        locked_tx.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(12));
        diesel::sql_query("COMMIT").execute(&mut db).unwrap();
    });
    locked_rx.recv().unwrap();
    let start = std::time::Instant::now();
    let saved = ULabel::new("after the lock").save(&t.inst);
    holder.join().unwrap();
    assert!(saved.is_ok(), "{saved:?}");
    assert!(start.elapsed() >= std::time::Duration::from_secs(10), "the lock was held meanwhile");
    assert_eq!(ULabel::filter(ulabel::NAME.eq("after the lock")).count(&t.inst).unwrap(), 1);
}

/// What differs per registry lives in its trait impls: `artifact.delete(&inst)` is LaminDB's
/// `artifact.delete()` (to the trash, bytes kept), `restore` brings it back as the latest version,
/// `delete_permanently` removes the bytes under a virtual key; the run-time door
/// (`inst.registry(reg)`, as `lamin delete` uses it) reaches the same behaviour.
#[test]
fn deletes_follow_each_registrys_behaviour() {
    for_each_backend("deletes_follow_each_registrys_behaviour", |b| {
        let t = lamindb_tests::TestInstance::new(b);
        let inst = &t.inst;
        let csv = t.path("kept.csv");
        std::fs::write(&csv, "a\n1\n").unwrap();
        let mut art = Artifact::from_path(&csv).key("kept.csv").save(inst).unwrap();
        let bytes = art.path(inst).unwrap();
        art.delete(inst).unwrap();
        let trashed = Artifact::get(inst, &art.uid).unwrap();
        assert_eq!(trashed.branch_id, Some(-1));
        assert!(std::path::Path::new(&bytes).exists(), "a trashed artifact keeps its bytes");
        assert!(
            matches!(art.delete(inst), Err(Error::Refused(_)) | Err(Error::InTrash { .. })),
            "already in the trash"
        );
        art.restore(inst).unwrap();
        assert_eq!((art.branch_id, art.is_latest), (Some(1), true));
        inst.registry(Artifact::REGISTRY).delete(art.pk().unwrap(), false).unwrap();
        assert_eq!(Artifact::get(inst, &art.uid).unwrap().branch_id, Some(-1));
        inst.registry(Artifact::REGISTRY).restore(art.pk().unwrap()).unwrap();
        art.delete_permanently(inst).unwrap();
        assert!(!std::path::Path::new(&bytes).exists(), "bytes under a virtual key go with the record");
        assert!(matches!(Artifact::get(inst, &art.uid), Err(Error::DoesNotExist { .. })));
    });
}
