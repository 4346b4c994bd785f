//! Random against time-ordered uid stems (`lamindb_core::uid::time_ordered_stem`): `n` artifact
//! rows (`LAMIN_BENCH_UID_ROWS`, default 1 000 000) inserted into `lamindb_artifact` with all of
//! LaminDB's indexes, in transactions of 10 000 rows of multi-row `INSERT`s, on SQLite and (when
//! configured) PostgreSQL. Hashes are random in both runs (as content hashes are); only the uid
//! differs. Prints one JSON line per backend and kind, with seconds per million rows for each
//! tenth of the run (index growth shows as rising figures).

use std::time::Instant;

use diesel::{Connection, RunQueryDsl};
use lamindb_core::uid::{base62, time_ordered_stem};
use lamindb_tests::{Backend, TestInstance};

fn run(backend: Backend, n: usize, ordered: bool) {
    let t = TestInstance::new(backend);
    let url = t.inst.settings().db_url().unwrap();
    let storage = t.inst.storage().default().unwrap().id.unwrap();
    let user = lamindb_core::__private::user_id(&t.inst).unwrap();
    let cols = "uid, key, suffix, size, hash, _hash_type, is_latest, is_locked, _key_is_virtual, \
                _overwrite_versions, branch_id, created_on_id, space_id, storage_id, created_by_id, \
                created_at, updated_at";
    let statement = |first: usize, rows: usize| -> String {
        let values: Vec<String> = (first..first + rows)
            .map(|i| {
                let stem = if ordered { time_ordered_stem() } else { base62(16) };
                format!(
                    "('{stem}0000', 'src/f{i:08}.bin', '.bin', 1024, '{}', 'md5', TRUE, FALSE, TRUE, FALSE, 1, 1, 1, {storage}, {user}, '2026-11-30 00:00:00', '2026-11-30 00:00:00')",
                    base62(22)
                )
            })
            .collect();
        format!("INSERT INTO lamindb_artifact ({cols}) VALUES {}", values.join(", "))
    };
    let mut tenths = Vec::new();
    let start = Instant::now();
    let mut last = Instant::now();
    let mut insert_all = |exec: &mut dyn FnMut(&[String])| {
        let batch = 10_000;
        for b in 0..n / batch {
            let statements: Vec<String> =
                (0..batch / 1000).map(|k| statement(b * batch + k * 1000, 1000)).collect();
            exec(&statements);
            if (b + 1) * batch % (n / 10).max(batch) == 0 {
                tenths.push(last.elapsed().as_secs_f64() * 1e6 / (n / 10).max(batch) as f64);
                last = Instant::now();
            }
        }
    };
    match url.strip_prefix("sqlite://") {
        Some(path) => {
            let mut db = diesel::SqliteConnection::establish(path).unwrap();
            diesel::sql_query("PRAGMA cache_size = -65536").execute(&mut db).unwrap();
            insert_all(&mut |stmts| {
                db.transaction::<_, diesel::result::Error, _>(|db| {
                    for s in stmts {
                        diesel::sql_query(s).execute(db)?;
                    }
                    Ok(())
                })
                .unwrap();
            });
        }
        None => {
            let mut db = diesel::PgConnection::establish(&url).unwrap();
            insert_all(&mut |stmts| {
                db.transaction::<_, diesel::result::Error, _>(|db| {
                    for s in stmts {
                        diesel::sql_query(s).execute(db)?;
                    }
                    Ok(())
                })
                .unwrap();
            });
        }
    }
    let line = serde_json::json!({
        "backend": format!("{backend:?}"),
        "workload": format!("insert {n} artifact rows, {} uid stems", if ordered { "time-ordered" } else { "random" }),
        "n": n,
        "seconds": start.elapsed().as_secs_f64(),
        "seconds_per_million_by_tenth": tenths,
    });
    println!("{line}");
}

fn main() {
    if !lamindb_tests::bench::measuring() {
        return;
    }
    let n = lamindb_tests::bench::size("LAMIN_BENCH_UID_ROWS").unwrap_or(1_000_000);
    for backend in lamindb_tests::bench::backends() {
        for ordered in [false, true] {
            run(backend, n, ordered);
        }
    }
}
