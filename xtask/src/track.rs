//! `cargo xtask bench track`: what run tracking costs.
//!
//! - `lamin track --key k -- true` against `true` started the same way (`track overhead` is the
//!   difference of the medians);
//! - `lamin save <dir> --one-per-file` of 1000 files of 1 KiB outside a run and inside one
//!   (`lamin track -- lamin save …`), on fresh files each time, beside `cp -r` of the same files.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::{lamin, report, timed};

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64()
}

/// Writes `n` files of 1 KiB with content unique to `tag` under `dir`.
fn files(dir: &Path, n: usize, tag: &str) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    for i in 0..n {
        let mut body = format!("{tag} {i}\n").into_bytes();
        body.resize(1024, b'.');
        std::fs::write(dir.join(format!("f{i:05}.txt")), body)?;
    }
    Ok(())
}

pub(crate) fn bench_track(bin: &Path, base: &Path) -> Result<()> {
    let dir = base.join("track");
    std::fs::create_dir_all(&dir)?;
    lamin(bin, &dir, &["init", "--storage", "./data"])?;
    let truth = Path::new("/bin/true");
    let runs = 100;
    let mut plain = Vec::new();
    let mut tracked = Vec::new();
    for _ in 0..runs {
        plain.push(timed(truth, &dir, &[])?);
        tracked.push(timed(bin, &dir, &["track", "--key", "noop", "--", "true"])?);
    }
    let overhead = median(tracked.clone()) - median(plain.clone());
    report("true (baseline)", plain);
    report("lamin track -- true", tracked);
    println!(
        "{}",
        serde_json::json!({"workload": "track overhead (median difference)", "seconds": overhead})
    );

    let (n, rounds) = (1000, 5);
    let (mut outside, mut inside, mut cp) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let a = format!("out{r}");
        files(&dir.join(&a), n, &a)?;
        let copy = dir.join(format!("cp{r}"));
        cp.push(timed(Path::new("cp"), &dir, &["-r", &a, &copy.display().to_string()])?);
        outside.push(timed(bin, &dir, &["save", &a, "--one-per-file"])?);
        let b = format!("in{r}");
        files(&dir.join(&b), n, &b)?;
        let lamin_path = bin.display().to_string();
        inside.push(timed(
            bin,
            &dir,
            &["track", "--key", "save-run", "--", &lamin_path, "save", &b, "--one-per-file"],
        )?);
    }
    let ratio = median(inside.clone()) / median(outside.clone());
    report("cp -r 1000 files of 1 KiB (baseline)", cp);
    report("lamin save 1000 files outside a run", outside);
    report("lamin save 1000 files inside a run (lamin track -- lamin save)", inside);
    println!("{}", serde_json::json!({"workload": "save inside / outside a run", "ratio": ratio}));
    Ok(())
}
