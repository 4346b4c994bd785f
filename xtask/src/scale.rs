//! `cargo xtask bench scale`: many files and large registries, with the physical baselines of the
//! same run beside them (`cp -r`, `md5sum`, raw SQLite inserts).
//!
//! Sizes come from the environment (0 skips a workload): `LAMIN_BENCH_FILES` (default 100 000
//! files of 1 KiB), `LAMIN_BENCH_OBJECTS` (default 100 000 objects on the local S3 server, when
//! `LAMIN_TEST_S3_ENDPOINT` is set), `LAMIN_BENCH_LABELS` (default 1 000 000 labels),
//! `LAMIN_BENCH_ARTIFACTS` (default 1 000 000 artifacts with 5 features, for `df(features=…)`) and
//! `LAMIN_BENCH_UID_ROWS` (default 1 000 000 artifact rows with random, then time-ordered uids).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::{lamin, lamin_timed_env, library_bench, sync, write_big};

fn size(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

pub(crate) fn bench_scale(bin: &Path, tmp: &Path) -> Result<()> {
    let files = size("LAMIN_BENCH_FILES", 100_000);
    if files > 0 {
        many_files(bin, &tmp.join("files"), files)?;
    }
    let objects = size("LAMIN_BENCH_OBJECTS", 100_000);
    if objects > 0 {
        cloud(bin, &tmp.join("cloud"), objects)?;
    }
    // Large registries, in the library (tests/benches/query.rs): bulk create beside raw
    // INSERTs, filters, search, listing and a DataFrame of every row.
    let labels = size("LAMIN_BENCH_LABELS", 1_000_000);
    if labels > 0 {
        library_bench("query", Some(("LAMIN_BENCH_LABELS", labels)))?;
    }
    // Artifact frames with feature columns (tests/benches/features.rs): `df(features=…)` over
    // `LAMIN_BENCH_ARTIFACTS` artifacts with 5 features.
    let artifacts = size("LAMIN_BENCH_ARTIFACTS", 1_000_000);
    if artifacts > 0 {
        library_bench("features", Some(("LAMIN_BENCH_ARTIFACTS", artifacts)))?;
    }
    // Random against time-ordered uid stems (tests/benches/uids.rs; `LAMIN_BENCH_UID_ROWS`).
    let rows = size("LAMIN_BENCH_UID_ROWS", 1_000_000);
    if rows > 0 {
        library_bench("uids", Some(("LAMIN_BENCH_UID_ROWS", rows)))?;
    }
    Ok(())
}

/// Writes `n` distinct files of 1 KiB, 1000 per folder.
fn write_files(dir: &Path, n: usize) -> Result<()> {
    let mut content = vec![b'.'; 1024];
    for i in 0..n {
        let sub = dir.join(format!("d{:04}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        let head = format!("file {i}\n");
        content[..head.len()].copy_from_slice(head.as_bytes());
        std::fs::write(sub.join(format!("f{i:07}.bin")), &content)?;
    }
    Ok(())
}

fn shell(script: &str, dir: &Path) -> Result<f64> {
    sync();
    let t = Instant::now();
    let status = Command::new("sh").arg("-c").arg(script).current_dir(dir).status()?;
    if !status.success() {
        bail!("`{script}` failed");
    }
    Ok(t.elapsed().as_secs_f64())
}

/// `lamin save <dir> --one-per-file` of `n` files of 1 KiB into a fresh SQLite instance, then
/// the same save again (unchanged files: the stat cache) and again with `--rehash`; `cp -r` and
/// `md5sum` of the same files as baselines.
fn many_files(bin: &Path, dir: &Path, n: usize) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let t = Instant::now();
    write_files(&dir.join("src"), n)?;
    let write_s = t.elapsed().as_secs_f64();
    lamin(bin, dir, &["init", "--storage", "./data"])?;
    // The stat cache of this run only.
    let cache = dir.join("cache");
    let cp_s = shell("cp -r src cp-copy", dir)?;
    let md5_s = shell("find src -type f -print0 | xargs -0 md5sum > /dev/null", dir)?;
    // The copy stays until the end: ext4 allocates inodes slowly right after a million were
    // freed (it skips recently deleted ones), which would slow down the save that follows.
    sync();
    let with_cache = |args: &[&str]| -> Result<(f64, Option<u64>)> {
        let (t, rss) = lamin_timed_env(bin, dir, args, &[("LAMIN_CACHE_DIR", cache.as_os_str())])?;
        Ok((t.as_secs_f64(), rss))
    };
    let (first_s, first_rss) = with_cache(&["save", "src", "--one-per-file"])?;
    let (again_s, again_rss) = with_cache(&["save", "src", "--one-per-file"])?;
    let (rehash_s, rehash_rss) = with_cache(&["save", "src", "--one-per-file", "--rehash"])?;
    let line = serde_json::json!({
        "workload": format!("lamin save --one-per-file of {n} files of 1 KiB (SQLite, local)"),
        "files": n,
        "first_save_seconds": first_s,
        "first_save_files_per_second": n as f64 / first_s,
        "first_save_peak_rss_mib": first_rss.map(|k| k as f64 / 1024.0),
        "resave_unchanged_seconds": again_s,
        "resave_unchanged_files_per_second": n as f64 / again_s,
        "resave_unchanged_peak_rss_mib": again_rss.map(|k| k as f64 / 1024.0),
        "resave_rehash_seconds": rehash_s,
        "resave_rehash_peak_rss_mib": rehash_rss.map(|k| k as f64 / 1024.0),
        "baseline_cp_r_seconds": cp_s,
        "baseline_md5sum_seconds": md5_s,
        "baseline_write_files_seconds": write_s,
        "first_save_over_cp_r": first_s / cp_s,
    });
    println!("{line}");
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

/// Against the S3 server of `LAMIN_TEST_S3_ENDPOINT` / `LAMIN_TEST_S3_BUCKET` (skipped
/// without): uploads of 10 000 files of 1 KiB and of one 1 GiB file (`lamin save --storage`),
/// then `n` objects written straight to the bucket and registered in place
/// (`lamin save s3://…/objects/ --one-per-file`), counting the server's object `GET`s in its
/// request log (`$LAMIN_SERVICES_DIR/moto.log`).
fn cloud(bin: &Path, dir: &Path, n: usize) -> Result<()> {
    let (Ok(endpoint), Ok(bucket)) =
        (std::env::var("LAMIN_TEST_S3_ENDPOINT"), std::env::var("LAMIN_TEST_S3_BUCKET"))
    else {
        eprintln!("skipped: cloud workloads (LAMIN_TEST_S3_ENDPOINT not set)");
        return Ok(());
    };
    std::fs::create_dir_all(dir)?;
    let prefix = format!("bench-{}", std::process::id());
    let root = format!("s3://{bucket}/{prefix}?endpoint_url={endpoint}");
    lamin(bin, dir, &["init", "--storage", "./data"])?;
    lamin(bin, dir, &["storage", "add", &root])?;

    write_files(&dir.join("small"), 10_000)?;
    let (t, _) = lamin_timed_env(bin, dir, &["save", "small", "--one-per-file", "--storage", &root], &[])?;
    let small_s = t.as_secs_f64();
    write_big(&dir.join("big.bin"), 1 << 30, 7)?;
    let (t, rss) =
        lamin_timed_env(bin, dir, &["save", "big.bin", "--key", "big.bin", "--storage", &root], &[])?;
    let big_s = t.as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "workload": "uploads to the local S3 server (lamin save --storage s3://…)",
            "small_files": 10_000,
            "small_seconds": small_s,
            "small_files_per_second": 10_000.0 / small_s,
            "small_mib_per_second": 10_000.0 / 1024.0 / small_s,
            "big_file_gib": 1,
            "big_seconds": big_s,
            "big_mib_per_second": 1024.0 / big_s,
            "big_peak_rss_mib": rss.map(|k| k as f64 / 1024.0),
        })
    );

    // Objects already in the bucket, written with 8 connections at once.
    let t = Instant::now();
    let store = lamindb_storage::Store::open(&lamindb_storage::StorageRoot::parse(&root)?)?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            return Ok(());
                        }
                        let key = format!("objects/d{:03}/o{i:07}.txt", i / 1000);
                        store.write(&key, format!("object {i}").into_bytes())?;
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().map_err(|_| anyhow::anyhow!("an upload thread panicked"))??;
        }
        Ok(())
    })?;
    let write_s = t.elapsed().as_secs_f64();
    let log = std::env::var("LAMIN_SERVICES_DIR").unwrap_or_else(|_| "/var/tmp/lamindb-rs-services".into());
    let log = Path::new(&log).join("moto.log");
    let object_gets = |from: usize| -> Option<usize> {
        let text = std::fs::read_to_string(&log).ok()?;
        let needle = format!("GET /{bucket}/{prefix}/objects/");
        Some(text.lines().skip(from).filter(|l| l.contains(&needle)).count())
    };
    let lines_before = std::fs::read_to_string(&log).map(|t| t.lines().count()).unwrap_or(0);
    // The floor: listing the objects with their metadata through the same client, paginated
    // as the registration lists them.
    let t = Instant::now();
    let listed = store.list_objects("objects")?.filter(Result::is_ok).count();
    let list_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(listed == n, "listed {listed} objects of {n}");
    let (path, query) = root.split_once('?').expect("root with a query");
    let url = format!("{path}/objects/?{query}");
    let (t, rss) = lamin_timed_env(bin, dir, &["save", &url, "--one-per-file"], &[])?;
    let (t2, _) = lamin_timed_env(bin, dir, &["save", &url, "--one-per-file"], &[])?;
    println!(
        "{}",
        serde_json::json!({
            "workload": format!("register {n} objects of the local S3 server in place (lamin save s3://…/ --one-per-file)"),
            "objects": n,
            "seconds": t.as_secs_f64(),
            "objects_per_second": n as f64 / t.as_secs_f64(),
            "again_seconds": t2.as_secs_f64(),
            "peak_rss_mib": rss.map(|k| k as f64 / 1024.0),
            "object_gets": object_gets(lines_before),
            "baseline_write_objects_seconds": write_s,
            "baseline_list_objects_seconds": list_s,
            "ratio_to_listing": t.as_secs_f64() / list_s,
        })
    );
    std::fs::remove_dir_all(dir)?;
    Ok(())
}
