//! Chores for lamindb-rs, in the cargo-xtask style: `cargo xtask <task>`.
//!
//! Tasks:
//! - `bench`: builds the release `lamin` binary and measures workloads end to end, printing one
//!   JSON line per workload (`workload`, `n`, `seconds` per run as median/p95/min, `per_second`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("bench") => bench(),
        _ => {
            eprintln!(
                "usage: cargo xtask bench\n\n  bench   build release `lamin` and time its workloads (JSON lines on stdout)"
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

/// Runs `lamin` with `args` in `dir`, with its own settings directory.
fn lamin(bin: &Path, dir: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(bin)
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

fn report(workload: &str, mut times: Vec<Duration>) {
    times.sort();
    let n = times.len();
    let secs = |d: Duration| d.as_secs_f64();
    let median = secs(times[n / 2]);
    let line = serde_json::json!({
        "workload": workload,
        "n": n,
        "seconds_median": median,
        "seconds_p95": secs(times[(n * 95 / 100).min(n - 1)]),
        "seconds_min": secs(times[0]),
        "per_second": 1.0 / median,
    });
    println!("{line}");
}

fn bench() -> Result<()> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "lamindb-cli"])
        .current_dir(workspace_root())
        .status()?;
    if !status.success() {
        bail!("release build failed");
    }
    let bin = target_dir().join("release").join("lamin");
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
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}
