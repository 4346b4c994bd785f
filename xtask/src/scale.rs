//! `cargo xtask bench scale`: many files and large registries, with the physical baselines of the
//! same run beside them (`cp -r`, `md5sum`, raw SQLite inserts).
//!
//! Sizes come from the environment: `LAMIN_BENCH_FILES` (default 100 000 files of 1 KiB) and
//! `LAMIN_BENCH_LABELS` (default 1 000 000 labels).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::{lamin, lamin_timed_env, sync};

fn size(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

pub(crate) fn bench_scale(bin: &Path, tmp: &Path) -> Result<()> {
    many_files(bin, &tmp.join("files"), size("LAMIN_BENCH_FILES", 100_000))?;
    // Large registries, in the library (tests/benches/query.rs): bulk create beside raw
    // INSERTs, filters, search, listing and a DataFrame of every row.
    let labels = size("LAMIN_BENCH_LABELS", 1_000_000);
    let status = Command::new(env!("CARGO"))
        .args(["bench", "-p", "lamindb-tests", "--bench", "query"])
        .env("LAMIN_BENCH_LABELS", labels.to_string())
        .current_dir(crate::workspace_root())
        .status()?;
    if !status.success() {
        bail!("the query benchmark failed");
    }
    // Random against time-ordered uid stems (tests/benches/uids.rs).
    let status = Command::new(env!("CARGO"))
        .args(["bench", "-p", "lamindb-tests", "--bench", "uids"])
        .current_dir(crate::workspace_root())
        .status()?;
    if !status.success() {
        bail!("the uid benchmark failed");
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
