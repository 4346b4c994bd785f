//! `lamin doctor`: checks that the current instance's records and bytes agree; repairs with
//! `--fix`.

use clap::Args;
use lamindb_core::doctor::{DoctorOptions, Problem, Repair};

use super::current_instance;
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// Complete or remove unfinished saves, and delete bytes that no artifact refers to. Nothing
    /// is removed while a save is in progress, while a marker or the settings disagree with the
    /// database, or that changed within the last `--older-than`; the report without `--fix` says
    /// what `--fix` would do ("fix" column).
    #[arg(long)]
    fix: bool,
    /// Leave bytes and unfinished saves younger than this alone (they may belong to a save in
    /// progress of Python LaminDB or another machine): `90s`, `10m`, `2h`, `0s`.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = humantime::parse_duration)]
    older_than: std::time::Duration,
    /// Also hash every artifact in local storage and compare with its record (reads everything).
    #[arg(long)]
    verify_hashes: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: DoctorArgs) -> anyhow::Result<()> {
    let inst = if args.fix { super::current_instance_to_write()? } else { current_instance()? };
    let report = inst.doctor(&DoctorOptions {
        fix: args.fix,
        verify_hashes: args.verify_hashes,
        grace: args.older_than,
    })?;
    if args.json {
        output::json(&serde_json::json!({
            "healthy": report.healthy(),
            "schema": report.schema,
            "storages": report.storages,
            "artifacts": report.artifacts,
            "problems": report.problems.iter().map(problem_json).collect::<Vec<_>>(),
        }))?;
    } else if !report.problems.is_empty() {
        let header: Vec<String> = ["problem", "storage", "key", "artifact", "detail", "fix", "fixed"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows: Vec<Vec<String>> = report
            .problems
            .iter()
            .map(|p| {
                vec![
                    p.kind.name().to_string(),
                    p.storage.clone(),
                    p.key.clone().unwrap_or_default(),
                    p.artifact.clone().unwrap_or_default(),
                    p.detail.clone(),
                    p.repair.describe(),
                    if p.fixed { "yes".into() } else { "no".into() },
                ]
            })
            .collect();
        output::cells(&header, &rows)?;
    }
    let open = report.problems.iter().filter(|p| !p.fixed).count();
    if open > 0 {
        let fixable = report.problems.iter().filter(|p| !p.fixed && p.repair.acts()).count();
        let hint = if !args.fix && fixable > 0 {
            format!("; `lamin doctor --fix` repairs {fixable} of them (see the fix column)")
        } else if report.problems.iter().any(|p| matches!(p.repair, Repair::Held(_))) {
            "; some were kept (see the fix column for why)".to_string()
        } else {
            "; `--fix` repairs none of them: the detail column says what to restore".to_string()
        };
        anyhow::bail!(
            "{open} problems in {} artifacts of {} storage locations{hint}",
            report.artifacts,
            report.storages
        );
    }
    output::info(&format!(
        "healthy: {} artifacts in {} storage locations checked{}",
        report.artifacts,
        report.storages,
        if report.problems.is_empty() {
            String::new()
        } else {
            format!(", {} problems repaired", report.problems.len())
        }
    ));
    Ok(())
}

fn problem_json(p: &Problem) -> serde_json::Value {
    serde_json::json!({
        "problem": p.kind.name(),
        "storage": p.storage,
        "key": p.key,
        "artifact": p.artifact,
        "detail": p.detail,
        "fix": p.repair.describe(),
        "fixed": p.fixed,
    })
}
