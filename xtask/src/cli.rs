//! `cargo xtask bench cli`: what a shell user waits for.
//!
//! - `lamin info`, `lamin get ulabel <uid>` and `lamin list ulabel --filter "name=T cell"` as whole
//!   processes, 200 runs each (wall time median/p95, and the median peak RSS of 20 runs under
//!   `/usr/bin/time`), beside `true` started the same way (what starting any process costs);
//! - Python LaminDB's `lamin info`, 5 runs, when the interop venv has it
//!   (`LAMIN_BENCH_PYTHON`, default `/var/tmp/lamindb-rs-venv/bin/python`);
//! - the cold release build of `lamin` (`cargo build --release -p lamindb-cli` into an empty
//!   target directory): CPU seconds (user + system), wall time and the binary's size. It takes
//!   a quarter of an hour on two cores: `LAMIN_BENCH_COLD_BUILD=0` skips it.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{lamin, lamin_timed, stats, timed, workspace_root};

const RUNS: usize = 200;
const RSS_RUNS: usize = 20;

/// Times `args` `runs` times (and their peak RSS in the first few) and prints one JSON line.
fn workload(name: &str, program: &Path, dir: &Path, args: &[&str], runs: usize) -> Result<f64> {
    let times = (0..runs).map(|_| timed(program, dir, args)).collect::<Result<Vec<_>>>()?;
    let mut rss = (0..RSS_RUNS.min(runs))
        .map(|_| lamin_timed(program, dir, args).map(|(_, rss)| rss))
        .collect::<Result<Vec<_>>>()?;
    rss.sort();
    let (median, p95, min) = stats(times);
    let line = serde_json::json!({
        "workload": name,
        "n": runs,
        "seconds_median": median,
        "seconds_p95": p95,
        "seconds_min": min,
        "peak_rss_mib_median": rss[rss.len() / 2].map(|k| k as f64 / 1024.0),
    });
    println!("{line}");
    Ok(median)
}

/// A new instance in `dir` with three labels; the uid of the one named "T cell".
pub(crate) fn labelled_instance(bin: &Path, dir: &Path) -> Result<String> {
    std::fs::create_dir_all(dir)?;
    lamin(bin, dir, &["init", "--storage", "./data"])?;
    lamin(bin, dir, &["create", "ulabel", "T cell", "B cell", "Crohn's disease"])?;
    let out = Command::new(bin)
        .args(["list", "ulabel", "--filter", "name=T cell", "--json"])
        .current_dir(dir)
        .env("LAMIN_SETTINGS_DIR", dir.join("settings"))
        .output()?;
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).context("lamin list --json")?;
    Ok(listed[0]["uid"].as_str().context("a uid")?.to_string())
}

pub(crate) fn bench_cli(bin: &Path, tmp: &Path) -> Result<()> {
    let dir = tmp.join("cli");
    let uid = labelled_instance(bin, &dir)?;

    let true_bin = Path::new("/bin/true");
    let start = workload("true (process start)", true_bin, &dir, &[], RUNS)?;
    for (name, args) in [
        ("lamin info", vec!["info"]),
        ("lamin get ulabel <uid>", vec!["get", "ulabel", uid.as_str()]),
        ("lamin list ulabel --filter \"name=T cell\"", vec!["list", "ulabel", "--filter", "name=T cell"]),
    ] {
        let median = workload(name, bin, &dir, &args, RUNS)?;
        println!(
            "{}",
            serde_json::json!({"workload": format!("{name}, above process start"), "seconds_median": median - start})
        );
    }
    let python = std::env::var_os("LAMIN_BENCH_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/var/tmp/lamindb-rs-venv/bin/python".into());
    let python_lamin = python.with_file_name("lamin");
    if python_lamin.exists() {
        // Python's `lamin info` on its own settings (no instance: it prints the user and settings).
        let py = dir.join("py");
        std::fs::create_dir_all(&py)?;
        if let Err(e) = workload("Python LaminDB: lamin info", &python_lamin, &py, &["info"], 5) {
            println!(
                "{}",
                serde_json::json!({"workload": "Python LaminDB: lamin info", "failed": e.to_string()})
            );
        }
    } else {
        println!("{}", serde_json::json!({"workload": "Python LaminDB: lamin info", "skipped": "no venv"}));
    }
    if std::env::var("LAMIN_BENCH_COLD_BUILD").as_deref() != Ok("0") {
        cold_build(tmp)?;
    }
    Ok(())
}

/// `cargo build --release -p lamindb-cli` into an empty target directory, timed by
/// `/usr/bin/time`: CPU seconds are what the build costs whatever the core count.
fn cold_build(tmp: &Path) -> Result<()> {
    if !Path::new("/usr/bin/time").exists() {
        println!("{}", serde_json::json!({"workload": "cold cargo build", "skipped": "no /usr/bin/time"}));
        return Ok(());
    }
    let target = tmp.join("cold-target");
    let times = tmp.join("build-times.txt");
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%U %S %e", "-o"])
        .arg(&times)
        .arg(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "lamindb-cli"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(workspace_root())
        .status()
        .context("/usr/bin/time cargo build")?;
    if !status.success() {
        bail!("cold release build failed");
    }
    let text = std::fs::read_to_string(&times)?;
    let v: Vec<f64> = text.split_whitespace().filter_map(|s| s.parse().ok()).collect();
    let size = std::fs::metadata(target.join("release/lamin"))?.len();
    println!(
        "{}",
        serde_json::json!({
            "workload": "cold cargo build --release -p lamindb-cli",
            "cpu_seconds": v.first().copied().unwrap_or(f64::NAN) + v.get(1).copied().unwrap_or(f64::NAN),
            "wall_seconds": v.get(2),
            "binary_mib": size as f64 / 1048576.0,
        })
    );
    std::fs::remove_dir_all(&target)?;
    Ok(())
}
