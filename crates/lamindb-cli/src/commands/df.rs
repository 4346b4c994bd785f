//! `lamin df`: a registry's records as a DataFrame, shown as a table or exported as CSV, JSON,
//! NDJSON, Parquet or Arrow IPC.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use lamindb_frame::df::DEFAULT_LIMIT;
use lamindb_frame::export::cells;
use lamindb_frame::{DfOptions, FeatureSelection, Format, df, write, write_file};

use super::records::{QueryArgs, open_instance, registry};
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct DfArgs {
    /// The registry (`artifact`, `ulabel`, `storage`, `run`, …).
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    #[command(flatten)]
    query: QueryArgs,
    /// Add a related field by lookup path (`created_by__handle`, `storage__root`,
    /// `ulabels__name`: to-many paths give list columns). Repeat or separate with commas. As in
    /// LaminDB, only `id`, `uid` and the next field stay besides the included ones.
    #[arg(long, value_name = "PATH", value_delimiter = ',', add = crate::complete::field_names(false))]
    include: Vec<String>,
    /// Add feature columns (Artifact): all features with values, or the named ones.
    #[arg(long, value_name = "NAME,…", num_args = 0..=1, value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// At most N records (default 100).
    #[arg(long, value_name = "N", conflicts_with = "all")]
    limit: Option<usize>,
    /// Every matching record (no limit).
    #[arg(long)]
    all: bool,
    /// Output format: table (default on stdout), csv, json, ndjson, parquet, ipc. With -o the
    /// file's extension decides when this is not given.
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// Write to FILE (atomically: a failure leaves no partial file).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Read another instance (`owner/name`, `name`, or the path of its storage root).
    #[arg(long, add = crate::complete::instances())]
    instance: Option<String>,
    /// Print timings and memory as JSON on stderr (for benchmarks).
    #[arg(long, hide = true)]
    timings: bool,
}

/// The most rows a table on stdout shows (files get every row).
const MAX_TABLE_ROWS: usize = 1000;

/// `table` or a file format.
enum Output {
    Table,
    File(Format),
}

fn output_kind(args: &DfArgs) -> anyhow::Result<Output> {
    match (&args.format, &args.output) {
        (Some(f), out) if f.eq_ignore_ascii_case("table") => {
            if out.is_some() {
                anyhow::bail!(
                    "--format table is for the terminal; pass --format csv|json|ndjson|parquet|ipc with -o"
                );
            }
            Ok(Output::Table)
        }
        (Some(f), _) => Ok(Output::File(f.parse::<Format>().map_err(|e| anyhow::anyhow!("{e}, or table"))?)),
        (None, Some(path)) => Format::from_path(path).map(Output::File).ok_or_else(|| {
            anyhow::anyhow!(
                "cannot tell the format of {} from its extension: pass --format csv|json|ndjson|parquet|ipc",
                path.display()
            )
        }),
        (None, None) => Ok(Output::Table),
    }
}

/// Peak and current resident memory of this process in KiB (`VmHWM`, `VmRSS`), where known.
fn memory_kib() -> (Option<u64>, Option<u64>) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)?.trim().strip_suffix("kB")?.trim().parse().ok())
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// CPU seconds (user + system) this process has used, where known (`/proc/self/stat`, at the
/// usual 100 ticks per second).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

pub(crate) fn run(args: DfArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let kind = output_kind(&args)?;
    if let (Output::File(f), None) = (&kind, &args.output)
        && f.is_binary()
        && std::io::stdout().is_terminal()
    {
        anyhow::bail!(
            "refusing to write {} (binary) to a terminal: pass -o FILE, or redirect stdout to a file",
            f.name()
        );
    }
    let qs = args.query.queryset(reg)?;
    let opts = DfOptions {
        include: args.include.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(Into::into).collect(),
        features: args.features.as_ref().map(|names| {
            let names: Vec<String> =
                names.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            if names.is_empty() { FeatureSelection::All } else { FeatureSelection::Names(names) }
        }),
        limit: if args.all { None } else { Some(args.limit.unwrap_or(DEFAULT_LIMIT)) },
        ..DfOptions::default()
    };
    let inst = open_instance(args.instance.as_deref())?;
    let rss_start = memory_kib().1;
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let mut frame = df(&inst, &qs, &opts)?;
    let frame_seconds = start.elapsed().as_secs_f64();
    let frame_cpu = cpu_seconds().zip(cpu_start).map(|(b, a)| b - a);
    let peak_after_frame = memory_kib().0;
    if !args.all
        && args.limit.is_none()
        && frame.height() == DEFAULT_LIMIT
        && qs.clone().offset(DEFAULT_LIMIT).exists(&inst)?
    {
        output::warn(&format!(
            "truncated query result to limit={DEFAULT_LIMIT} {} objects; pass --all or --limit N",
            reg.name
        ));
    }
    let start = Instant::now();
    match (kind, &args.output) {
        (Output::Table, _) => {
            let (header, rows) = cells(&frame.head(Some(MAX_TABLE_ROWS)))?;
            output::cells(&header, &rows)?;
            if frame.height() > MAX_TABLE_ROWS {
                output::info(&format!(
                    "showing {MAX_TABLE_ROWS} of {} rows; write them all with --format csv|parquet|… or -o FILE",
                    frame.height()
                ));
            }
        }
        (Output::File(format), Some(path)) => write_file(&mut frame, format, path)?,
        (Output::File(format), None) => {
            let mut out = output::Stdout::new();
            let written = write(&mut frame, format, &mut out);
            // A failed write to stdout is reported as such (a broken pipe ends quietly), not as
            // the writer's error about it.
            out.finish()?;
            written?;
        }
    }
    if args.timings {
        let (hwm, _) = memory_kib();
        let line = serde_json::json!({
            "rows": frame.height(),
            "columns": frame.width(),
            "frame_seconds": frame_seconds,
            "frame_cpu_seconds": frame_cpu,
            "write_seconds": start.elapsed().as_secs_f64(),
            "estimated_size_bytes": frame.estimated_size(),
            "rss_start_kib": rss_start,
            "peak_rss_after_frame_kib": peak_after_frame,
            "peak_rss_kib": hwm,
        });
        let _ = writeln!(std::io::stderr(), "{line}");
    }
    Ok(())
}
