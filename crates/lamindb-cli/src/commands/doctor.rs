//! `lamin doctor`: checks that the current instance's records and bytes agree; repairs with
//! `--fix`.

use clap::Args;
use lamindb_core::doctor::{DoctorOptions, Problem};

use super::current_instance;
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// Complete or remove unfinished saves, and delete bytes that no artifact refers to.
    #[arg(long)]
    fix: bool,
    /// Also hash every artifact in local storage and compare with its record (reads everything).
    #[arg(long)]
    verify_hashes: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: DoctorArgs) -> anyhow::Result<()> {
    let inst = if args.fix { super::current_instance_to_write()? } else { current_instance()? };
    let report = inst.doctor(&DoctorOptions { fix: args.fix, verify_hashes: args.verify_hashes })?;
    if args.json {
        output::json(&serde_json::json!({
            "healthy": report.healthy(),
            "schema": report.schema,
            "storages": report.storages,
            "artifacts": report.artifacts,
            "problems": report.problems.iter().map(problem_json).collect::<Vec<_>>(),
        }));
    } else if !report.problems.is_empty() {
        let header: Vec<String> = ["problem", "storage", "key", "artifact", "detail", "fixed"]
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
                    if p.fixed { "yes".into() } else { "no".into() },
                ]
            })
            .collect();
        output::cells(&header, &rows);
    }
    let open = report.problems.iter().filter(|p| !p.fixed).count();
    if open > 0 {
        let hint =
            if args.fix { "" } else { "; `lamin doctor --fix` repairs unfinished saves and orphaned bytes" };
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
        "fixed": p.fixed,
    })
}
