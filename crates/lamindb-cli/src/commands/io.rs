//! `lamin io`: an instance's tables exported as Parquet, loaded into a new instance, or moved to
//! another database.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::current_instance_untracked;
use crate::output;

#[derive(Debug, Subcommand)]
pub(crate) enum IoCommand {
    /// Write every table of the current instance as `<DIR>/<table>.parquet` (the layout of
    /// LaminDB's `lamin io exportdb`: every `lamindb_*` table and `django_migrations`).
    ///
    /// Examples:
    ///   lamin io export ./mydata-export
    #[command(verbatim_doc_comment)]
    Export {
        /// The folder to write (created when missing; files of the same names are replaced).
        dir: PathBuf,
        /// Print a JSON summary.
        #[arg(long)]
        json: bool,
    },
    /// Load an export folder (from `lamin io export` or LaminDB's `lamin io exportdb`) into the
    /// current instance, which must hold no records of its own (make one with `lamin init`).
    /// Ids, uids and every foreign key are kept; it all happens in one transaction.
    ///
    /// Examples:
    ///   lamin init --storage ./copy --db postgresql://user@host:5432/copy && lamin io import ./mydata-export
    #[command(verbatim_doc_comment)]
    Import {
        /// The export folder.
        dir: PathBuf,
        /// Print a JSON summary.
        #[arg(long)]
        json: bool,
    },
    /// Move the current instance's records to another database and point its settings there;
    /// the storage and its bytes stay where they are. The target is a new, empty PostgreSQL
    /// database, or `sqlite` (the instance's `<storage>/.lamindb/lamin.db`). A SQLite database
    /// moved away from is left in place, untouched.
    ///
    /// Examples:
    ///   lamin io move --to postgresql://user@host:5432/mydata
    ///   lamin io move --to sqlite
    #[command(verbatim_doc_comment)]
    Move {
        /// `postgresql://user[:password]@host:port/db`, or `sqlite`.
        #[arg(long, value_name = "DATABASE")]
        to: String,
        /// Print a JSON summary.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(cmd: IoCommand) -> anyhow::Result<()> {
    let inst = if matches!(cmd, IoCommand::Export { .. }) {
        current_instance_untracked()?
    } else {
        super::current_instance_untracked_to_write()?
    };
    match cmd {
        #[cfg(not(feature = "frame"))]
        IoCommand::Export { .. } | IoCommand::Import { .. } => Err(super::no_frame("lamin io export|import")),
        #[cfg(feature = "frame")]
        IoCommand::Export { dir, json } => {
            let n = inst.io().tables()?.len();
            let bar = bar(n as u64);
            let tables = lamindb_frame::io::export_dir(&inst, &dir, |name, _| {
                bar.set_message(name.to_string());
                bar.inc(1);
            })?;
            bar.finish_and_clear();
            summary(json, "exported", &tables, &format!("to {}", dir.display()))
        }
        #[cfg(feature = "frame")]
        IoCommand::Import { dir, json } => {
            let bar = bar(0);
            bar.set_message(format!("reading {}", dir.display()));
            let tables = lamindb_frame::io::read_export(&dir)?;
            bar.set_message(format!("loading {} tables", tables.len()));
            let report = inst.io().import(tables);
            bar.finish_and_clear();
            summary(json, "imported", &report?, &format!("into {}", inst.slug()))
        }
        IoCommand::Move { to, json } => {
            let bar = bar(0);
            bar.set_message(format!("moving {}", inst.slug()));
            let moved = inst.io().move_to(&to);
            bar.finish_and_clear();
            let (_, report) = moved?;
            if json {
                output::json(&json!({
                    "instance": inst.slug(),
                    "from": report.from,
                    "to": report.to,
                    "tables": report.tables.len(),
                    "rows": report.tables.iter().map(|(_, n)| n).sum::<usize>(),
                    "left_behind": report.left_behind.as_ref().map(|p| p.display().to_string()),
                }))?;
                return Ok(());
            }
            let rows: usize = report.tables.iter().map(|(_, n)| n).sum();
            output::line(&format!(
                "moved {} from {} to {}: {} tables, {rows} rows",
                inst.slug(),
                report.from,
                report.to,
                report.tables.len()
            ))?;
            if let Some(path) = &report.left_behind {
                output::info(&format!(
                    "{} is left in place, as it was before the move: delete it once you no longer need it",
                    path.display()
                ));
            }
            Ok(())
        }
    }
}

/// A progress bar over `len` steps on terminals (a spinner for 0), hidden otherwise.
fn bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = if len == 0 { ProgressBar::new_spinner() } else { ProgressBar::new(len) };
    if len > 0 {
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} tables {msg}") {
            bar.set_style(style);
        }
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

#[cfg(feature = "frame")]
fn summary(json: bool, verb: &str, tables: &[(String, usize)], place: &str) -> anyhow::Result<()> {
    let rows: usize = tables.iter().map(|(_, n)| n).sum();
    if json {
        let per_table: serde_json::Map<String, serde_json::Value> =
            tables.iter().map(|(t, n)| (t.clone(), json!(n))).collect();
        output::json(&json!({ "tables": per_table, "rows": rows }))?;
    } else {
        output::line(&format!("{verb} {} tables, {rows} rows, {place}", tables.len()))?;
    }
    Ok(())
}
