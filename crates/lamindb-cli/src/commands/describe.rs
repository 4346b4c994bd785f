//! `lamin describe`: a record's fields and, for artifacts and runs, their lineage as a tree.

use clap::Args;
use lamindb_core::fields::{artifact, project, ulabel};
use lamindb_core::{Artifact, Project, Provenance, QuerySet, Run, SQLRecord, ULabel, Value};

use super::records::{open_instance, row_json};
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct DescribeArgs {
    /// The registry (case-insensitive: `artifact`, `run`, `ulabel`, …).
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    /// An integer id, a uid, or a uid prefix.
    idlike: String,
    /// How many runs upward the lineage goes (the run that made the artifact is 1).
    #[arg(long, default_value_t = 3)]
    depth: usize,
    /// Print JSON: the record's fields, and `lineage`, `ulabels`, `projects`, `outputs` where they
    /// apply.
    #[arg(long)]
    json: bool,
    /// Read another instance (by name, `owner/name`, or path) instead of the current one.
    #[arg(long)]
    instance: Option<String>,
}

pub(crate) fn run(args: DescribeArgs) -> anyhow::Result<()> {
    let reg = lamindb_core::models::registry_by_name(&args.registry)
        .ok_or_else(|| anyhow::anyhow!("unknown registry {}", args.registry))?;
    let inst = open_instance(args.instance.as_deref())?;
    let row = QuerySet::get_row(&inst, reg, &args.idlike)?;
    let mut json = row_json(reg, &row);
    let mut lines: Vec<String> = Vec::new();
    // The registry is a word on the command line; artifacts and runs have more to show than
    // their fields (labels and lineage; inputs and outputs), read through their types here.
    match reg.name {
        "Artifact" => {
            let a = Artifact::get(&inst, &args.idlike)?;
            let id = a.id.unwrap_or_default();
            let labels: Vec<String> = ULabel::filter(ulabel::ARTIFACTS.then(artifact::ID).eq(id))
                .all(&inst)?
                .into_iter()
                .map(|l| l.name)
                .collect();
            let projects: Vec<String> = Project::filter(project::ARTIFACTS.then(artifact::ID).eq(id))
                .all(&inst)?
                .into_iter()
                .map(|p| p.name)
                .collect();
            let path = a.path(&inst)?.to_string();
            json["path"] = path.clone().into();
            json["ulabels"] = labels.clone().into();
            json["projects"] = projects.clone().into();
            lines.push(format!("path: {path}"));
            if !labels.is_empty() {
                lines.push(format!("ulabels: {}", labels.join(", ")));
            }
            if !projects.is_empty() {
                lines.push(format!("projects: {}", projects.join(", ")));
            }
            let lineage = a.provenance(&inst, args.depth)?;
            json["lineage"] = lineage.as_ref().map_or(serde_json::Value::Null, provenance_json);
            lines.push("lineage:".into());
            match &lineage {
                Some(p) => tree(p, "", &mut lines),
                None => lines.push("└── saved outside a tracked run".into()),
            }
        }
        "Run" => {
            let r = Run::get(&inst, &args.idlike)?;
            let lineage = r.provenance(&inst, args.depth)?;
            let outputs = r.outputs(&inst)?;
            json["status"] = lineage.status.map(|s| s.name()).into();
            json["lineage"] = provenance_json(&lineage);
            json["outputs"] = outputs.iter().map(artifact_json).collect::<Vec<_>>().into();
            lines.push("lineage:".into());
            tree(&lineage, "", &mut lines);
            lines.push(format!("outputs ({}):", outputs.len()));
            for (i, o) in outputs.iter().enumerate() {
                let branch = if i + 1 == outputs.len() { "└── " } else { "├── " };
                lines.push(format!("{branch}{}", artifact_label(o)));
            }
        }
        _ => {}
    }
    if args.json {
        output::json(&json)?;
        return Ok(());
    }
    output::fields(reg.name, reg.fields.iter().map(|f| f.name).zip(row.iter().map(Value::to_string)))?;
    for l in lines {
        output::text(&l)?;
    }
    Ok(())
}

/// `key (uid)`, or the uid alone for an artifact without a key.
fn artifact_label(a: &Artifact) -> String {
    match &a.key {
        Some(k) => format!("artifact {k} ({})", a.uid),
        None => format!("artifact {}", a.uid),
    }
}

/// The run line: uid, status, transform key and kind, timing.
fn run_label(p: &Provenance) -> String {
    let status = p.status.map_or("unknown", |s| s.name());
    let started = p.run.started_at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default();
    let took = match (p.run.started_at, p.run.finished_at) {
        (Some(s), Some(f)) => format!(", took {:.1}s", (f - s).num_milliseconds() as f64 / 1000.0),
        _ => String::new(),
    };
    format!(
        "run {} ({status}, started {started} UTC{took}) of transform {} ({}, {})",
        p.run.uid, p.transform.key, p.transform.kind, p.transform.uid
    )
}

/// Draws `p` and its inputs below `prefix`.
fn tree(p: &Provenance, prefix: &str, lines: &mut Vec<String>) {
    lines.push(format!("{prefix}└── {}", run_label(p)));
    let inner = format!("{prefix}    ");
    let mut items: Vec<(String, Option<&Provenance>)> = Vec::new();
    if let Some(by) = &p.initiated_by {
        items.push((format!("started by run {}", by.uid), None));
    }
    if let Some(params) = &p.run.params {
        items.push((format!("params: {}", params.0), None));
    }
    for input in &p.inputs {
        items.push((format!("input {}", artifact_label(&input.artifact)), input.made_by.as_deref()));
    }
    for (i, (text, up)) in items.iter().enumerate() {
        let last = i + 1 == items.len();
        lines.push(format!("{inner}{}{text}", if last { "└── " } else { "├── " }));
        if let Some(up) = up {
            tree(up, &format!("{inner}{}", if last { "    " } else { "│   " }), lines);
        }
    }
}

fn artifact_json(a: &Artifact) -> serde_json::Value {
    serde_json::json!({"uid": a.uid, "key": a.key, "hash": a.hash, "run_id": a.run_id})
}

fn provenance_json(p: &Provenance) -> serde_json::Value {
    serde_json::json!({
        "run": {
            "uid": p.run.uid,
            "status": p.status.map(|s| s.name()),
            "started_at": p.run.started_at.map(|t| t.to_rfc3339()),
            "finished_at": p.run.finished_at.map(|t| t.to_rfc3339()),
            "params": p.run.params.as_ref().and_then(|j| j.parse()),
            "initiated_by_run": p.initiated_by.as_ref().map(|r| r.uid.clone()),
        },
        "transform": {"uid": p.transform.uid, "key": p.transform.key, "kind": p.transform.kind, "hash": p.transform.hash},
        "inputs": p.inputs.iter().map(|i| {
            let mut a = artifact_json(&i.artifact);
            a["made_by"] = i.made_by.as_deref().map_or(serde_json::Value::Null, provenance_json);
            a
        }).collect::<Vec<_>>(),
    })
}
