//! Chores for lamindb-rs, in the cargo-xtask style: `cargo xtask <task>`.
//!
//! Tasks:
//! - `bench [artifacts|track|df|query|transfer|scale|cli]`: builds the release `lamin` binary and measures workloads end to end,
//!   printing one JSON line per workload (`workload`, `n`, `seconds` per run as
//!   median/p95/min, `per_second`); a group name runs only that group.
//!   Artifact workloads: `lamin save dir --one-per-file` of 1000 files of 1 KiB into a fresh
//!   SQLite instance; `lamin save` of a 1 GiB file against `cp` of the same file on the same
//!   disk (`ratio_to_cp`); peak RSS of `lamin save` for 64 MiB and 1 GiB files (flat in size).
//!   Query workloads (`tests/benches/query.rs`): bulk create, exact and prefix filters, search and
//!   a full listing over 10 000 and 100 000 labels, on SQLite and (when configured) PostgreSQL.
//!   `track`: the overhead of `lamin track -- true` over `true`, and saves inside and outside a
//!   run (`track.rs`).
//!   `transfer` (`tests/benches/transfer.rs`): 10 000 annotated artifacts transferred between
//!   instances beside a raw SQLite copy of their rows, the Parquet export and import, and the move
//!   of an instance of 100 000 labels and 10 000 artifacts to PostgreSQL beside `cp` of its file.
//!   `scale` (only when named): many files and large registries (`scale.rs`).
//!   `cli` (only when named): start-up of `lamin info`, `get` and `list --filter` as whole
//!   processes with their peak RSS, and the cold release build's CPU time (`cli.rs`).
//! - `order-file`: writes `crates/lamindb-cli/startup.order`, the functions that `lamin info`,
//!   `get`, `list` and `search` run, which the linker places together (`order.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

mod cli;
mod order;
mod scale;
mod track;

fn main() -> Result<()> {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("bench") => bench(),
        Some("order-file") => order::order_file(),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n  bench        build release `lamin` and time its workloads (JSON lines on stdout)\n  order-file   write crates/lamindb-cli/startup.order (the functions quick commands run) and rebuild"
            );
            if task.is_some() { bail!("unknown task") } else { Ok(()) }
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let out = Command::new(env!("CARGO"))
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(workspace_root())
            .output()
            .expect("cargo metadata");
        let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
        PathBuf::from(meta["target_directory"].as_str().expect("target_directory"))
    })
}

/// Runs `cmd` (`lamin` or a wrapper around it) with `args` in `dir`, with its own settings
/// directory and quiet output; fails when it fails.
fn run_lamin(mut cmd: Command, bin: &Path, dir: &Path, args: &[&str]) -> Result<()> {
    let status = cmd
        .args(args)
        .current_dir(dir)
        .env("LAMIN_SETTINGS_DIR", dir.join("settings"))
        .env_remove("LAMIN_CURRENT_INSTANCE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .with_context(|| format!("running {}", bin.display()))?;
    if !status.success() {
        bail!("lamin {args:?} failed with {status}");
    }
    Ok(())
}

/// Runs the library-level benchmark `tests/benches/<name>.rs`.
/// With `size`, the environment variable that sets its size and the value.
fn library_bench(name: &str, size: Option<(&str, usize)>) -> Result<()> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["bench", "-p", "lamindb-tests", "--bench", name]).current_dir(workspace_root());
    if let Some((var, n)) = size {
        cmd.env(var, n.to_string());
    }
    let status = cmd.status()?;
    if !status.success() {
        bail!("the {name} benchmark failed");
    }
    Ok(())
}

/// Runs `lamin` with `args` in `dir`, with its own settings directory.
fn lamin(bin: &Path, dir: &Path, args: &[&str]) -> Result<()> {
    run_lamin(Command::new(bin), bin, dir, args)
}

fn report(workload: &str, times: Vec<Duration>) {
    let n = times.len();
    let (median, p95, min) = stats(times);
    let line = serde_json::json!({
        "workload": workload,
        "n": n,
        "seconds_median": median,
        "seconds_p95": p95,
        "seconds_min": min,
        "per_second": 1.0 / median,
    });
    println!("{line}");
}

/// Median, 95th percentile and minimum of `times`, in seconds.
pub(crate) fn stats(mut times: Vec<Duration>) -> (f64, f64, f64) {
    times.sort();
    let n = times.len();
    let secs = |d: Duration| d.as_secs_f64();
    (secs(times[n / 2]), secs(times[(n * 95 / 100).min(n - 1)]), secs(times[0]))
}

/// Runs `program args…` in `dir` with the instance's settings; returns the wall time.
pub(crate) fn timed(program: &Path, dir: &Path, args: &[&str]) -> Result<Duration> {
    let t = Instant::now();
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("LAMIN_SETTINGS_DIR", dir.join("settings"))
        .env_remove("LAMIN_CURRENT_INSTANCE")
        .env_remove("LAMIN_CURRENT_RUN_UID")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("{} {args:?} failed with {status}", program.display());
    }
    Ok(t.elapsed())
}

/// Builds the release `lamin` (with `LAMIN_LINK_MAP=<map>`: and the linker's map, see
/// `crates/lamindb-cli/build.rs`) and returns its path.
pub(crate) fn release_build(map: Option<&Path>) -> Result<PathBuf> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["build", "--release", "-p", "lamindb-cli"]).current_dir(workspace_root());
    match map {
        Some(map) => cmd.env("LAMIN_LINK_MAP", map),
        None => cmd.env_remove("LAMIN_LINK_MAP"),
    };
    if !cmd.status()?.success() {
        bail!("release build failed");
    }
    Ok(target_dir().join("release").join("lamin"))
}

fn bench() -> Result<()> {
    let bin = release_build(None)?;
    let tmp = std::env::temp_dir().join(format!("lamindb-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let result = (|| -> Result<()> {
        let t = Instant::now();
        lamin(&bin, &tmp, &["init", "--storage", "./data"])?;
        report("lamin init (SQLite, local)", vec![t.elapsed()]);
        let runs = 200;
        let time = |args: &[&str]| -> Result<Vec<Duration>> {
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    lamin(&bin, &tmp, args).map(|()| t.elapsed())
                })
                .collect()
        };
        report("lamin info", time(&["info"])?);
        report("lamin storage list (SQLite)", time(&["storage", "list"])?);
        // `cargo xtask bench <group>` runs one group: `artifacts` or `df`.
        let only = std::env::args().nth(2);
        // What a shell user waits for, and the build: only on request (`cargo xtask bench cli`).
        if only.as_deref() == Some("cli") {
            return cli::bench_cli(&bin, &tmp);
        }
        if only.as_deref().is_none_or(|g| g == "artifacts") {
            artifact_benches(&bin, &tmp)?;
        }
        if only.as_deref().is_none_or(|g| g == "track") {
            track::bench_track(&bin, &tmp)?;
        }
        if only.as_deref().is_none_or(|g| g == "df") {
            bench_df(&bin, &tmp.join("df"), 1_000_000)?;
        }
        // Many files and large registries: only on request (`cargo xtask bench scale`).
        if only.as_deref() == Some("scale") {
            scale::bench_scale(&bin, &tmp)?;
        }
        if only.as_deref().is_none_or(|g| g == "transfer") {
            library_bench("transfer", None)?;
        }
        if only.as_deref().is_none_or(|g| g == "query") {
            // Library-level query workloads over 10k and 100k labels (tests/benches/query.rs).
            library_bench("query", None)?;
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// Runs `lamin` with `args` in `dir` and returns the wall time and the peak RSS in KiB (from
/// `/usr/bin/time -f %M` when present).
fn lamin_timed(bin: &Path, dir: &Path, args: &[&str]) -> Result<(Duration, Option<u64>)> {
    lamin_timed_env(bin, dir, args, &[])
}

/// [`lamin_timed`] with more environment variables.
fn lamin_timed_env(
    bin: &Path,
    dir: &Path,
    args: &[&str],
    envs: &[(&str, &std::ffi::OsStr)],
) -> Result<(Duration, Option<u64>)> {
    let time = Path::new("/usr/bin/time");
    let rss_file = dir.join("rss.txt");
    let cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let mut cmd = cmd;
    cmd.envs(envs.iter().copied());
    let t = Instant::now();
    run_lamin(cmd, bin, dir, args)?;
    let elapsed = t.elapsed();
    let rss = std::fs::read_to_string(&rss_file).ok().and_then(|s| s.trim().parse().ok());
    Ok((elapsed, rss))
}

/// Writes `size` bytes of non-repeating data (so nothing deduplicates) without holding them.
pub(crate) fn write_big(path: &Path, size: u64, seed: u64) -> Result<()> {
    use std::io::Write;
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for chunk in buf.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        let n = left.min(buf.len() as u64) as usize;
        f.write_all(&buf[..n])?;
        left -= n as u64;
    }
    f.flush()?;
    Ok(())
}

/// Flushes dirty pages, so that one copy does not pay for the write-back of the previous one.
fn sync() {
    let _ = Command::new("sync").status();
}

fn cp(src: &Path, dest: &Path) -> Result<Duration> {
    sync();
    let t = Instant::now();
    let status = Command::new("cp").arg(src).arg(dest).status()?;
    if !status.success() {
        bail!("cp failed");
    }
    Ok(t.elapsed())
}

fn artifact_benches(bin: &Path, tmp: &Path) -> Result<()> {
    // 1000 files of 1 KiB, one artifact each, into a fresh instance per run.
    let mut times = Vec::new();
    let mut cp_times = Vec::new();
    for run in 0..5 {
        let dir = tmp.join(format!("many-{run}"));
        std::fs::create_dir_all(dir.join("files"))?;
        for i in 0..1000 {
            let mut content = format!("run {run} file {i}\n").into_bytes();
            content.resize(1024, b'.');
            std::fs::write(dir.join("files").join(format!("f{i:04}.txt")), content)?;
        }
        lamin(bin, &dir, &["init", "--storage", "./data"])?;
        // The same files copied by `cp -r`: what the file system allows at the moment.
        sync();
        let t = Instant::now();
        let status = Command::new("cp").arg("-r").arg(dir.join("files")).arg(dir.join("cp-copy")).status()?;
        if !status.success() {
            bail!("cp -r failed");
        }
        cp_times.push(t.elapsed());
        sync();
        let (t, _) = lamin_timed(bin, &dir, &["save", "files", "--one-per-file"])?;
        times.push(t);
        let _ = std::fs::remove_dir_all(&dir);
    }
    report("lamin save 1000 files of 1 KiB (--one-per-file, SQLite, local)", times.clone());
    report("cp -r of the same 1000 files (baseline)", cp_times);

    // A 1 GiB file: lamin save against cp on the same disk, then peak RSS by file size.
    let dir = tmp.join("big");
    std::fs::create_dir_all(&dir)?;
    lamin(bin, &dir, &["init", "--storage", "./data"])?;
    const GIB: u64 = 1 << 30;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut rss_gib = None;
    for run in 0..3u64 {
        let src = dir.join(format!("big-{run}.bin"));
        write_big(&src, GIB, run + 1)?;
        theirs.push(cp(&src, &dir.join("cp-copy.bin"))?);
        std::fs::remove_file(dir.join("cp-copy.bin"))?;
        sync();
        let (t, rss) =
            lamin_timed(bin, &dir, &["save", src.to_str().unwrap_or_default(), "--description", "big"])?;
        ours.push(t);
        rss_gib = rss.max(rss_gib);
        std::fs::remove_file(&src)?;
        for entry in std::fs::read_dir(dir.join("data/.lamindb"))?.flatten() {
            if entry.path().extension().is_some_and(|e| e == "bin") {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    ours.sort();
    theirs.sort();
    let (o, c) = (ours[ours.len() / 2].as_secs_f64(), theirs[theirs.len() / 2].as_secs_f64());
    println!(
        "{}",
        serde_json::json!({
            "workload": "lamin save of a 1 GiB file vs cp (same disk)",
            "n": ours.len(),
            "seconds_median": o,
            "cp_seconds_median": c,
            "ratio_to_cp": o / c,
            "mib_per_second": 1024.0 / o,
        })
    );
    let small = dir.join("small.bin");
    write_big(&small, 64 << 20, 99)?;
    let (_, rss_small) =
        lamin_timed(bin, &dir, &["save", small.to_str().unwrap_or_default(), "--description", "64m"])?;
    println!(
        "{}",
        serde_json::json!({
            "workload": "peak RSS of lamin save by file size",
            "rss_kib_64_mib_file": rss_small,
            "rss_kib_1_gib_file": rss_gib,
        })
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Runs `lamin` with `args` in `dir` and returns what it printed on stderr.
fn lamin_stderr(bin: &Path, dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("LAMIN_SETTINGS_DIR", dir.join("settings"))
        .env_remove("LAMIN_CURRENT_INSTANCE")
        .stdout(Stdio::null())
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        bail!("lamin {args:?} failed with {}: {stderr}", out.status);
    }
    Ok(stderr)
}

/// `n` labels → DataFrame → Parquet and Arrow IPC files (`lamin df ulabel --all -o …`), with
/// what `lamin df --timings` measures in the process: frame build and write seconds, the frame's
/// estimated size, and the peak resident memory (VmHWM) above the memory at the start.
fn bench_df(bin: &Path, dir: &Path, n: usize) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    lamin(bin, dir, &["init", "--storage", "./data"])?;
    let names: String = (0..n).map(|i| format!("label-{i:07}\n")).collect();
    std::fs::write(dir.join("names.txt"), names)?;
    let t = Instant::now();
    lamin(bin, dir, &["create", "ulabel", "--from-file", "names.txt", "--allow-duplicates"])?;
    report(&format!("lamin create ulabel --from-file ({n} labels, one transaction)"), vec![t.elapsed()]);
    for (format, file) in [("parquet", "labels.parquet"), ("ipc", "labels.arrow")] {
        let mut runs = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let stderr = lamin_stderr(bin, dir, &["df", "ulabel", "--all", "-o", file, "--timings"])?;
            let total = t.elapsed().as_secs_f64();
            let line = stderr.lines().last().unwrap_or_default().to_string();
            let v: serde_json::Value =
                serde_json::from_str(&line).with_context(|| format!("no timings from lamin df: {stderr}"))?;
            runs.push((v, total));
        }
        runs.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (v, total) = &runs[runs.len() / 2];
        let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        let size = f("estimated_size_bytes");
        let peak_over_start = (f("peak_rss_kib") - f("rss_start_kib")) * 1024.0;
        let line = serde_json::json!({
            "workload": format!("lamin df ulabel --all -o {file} ({n} labels)"),
            "n": runs.len(),
            "format": format,
            "rows": v["rows"],
            "frame_seconds": f("frame_seconds"),
            "write_seconds": f("write_seconds"),
            "frame_plus_write_seconds": f("frame_seconds") + f("write_seconds"),
            "process_seconds": total,
            "rows_per_second": f("rows") / f("frame_seconds"),
            "frame_estimated_mib": size / 1048576.0,
            "peak_rss_above_start_mib": peak_over_start / 1048576.0,
            "peak_over_frame_size": peak_over_start / size,
        });
        println!("{line}");
    }
    Ok(())
}
