//! `lamin annotate artifact`: labels, projects, records and feature values on an artifact.

use anyhow::bail;
use clap::Args;
use lamindb_core::annotate::value_from_text;
use lamindb_core::fields::feature;
use lamindb_core::models::Record as SheetRecord;
use lamindb_core::{Artifact, Feature, Instance, Project, SQLRecord, ULabel};

use super::current_instance_to_write;
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct AnnotateArgs {
    /// What to annotate (only `artifact`).
    #[arg(value_parser = ["artifact"], ignore_case = true)]
    registry: String,
    /// The artifact's id, uid or uid prefix.
    idlike: String,
    /// Add the ULabel with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    ulabel: Vec<String>,
    /// Add the Project with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    project: Vec<String>,
    /// Add the Record with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    record: Vec<String>,
    /// Set a feature value, `name=value` (repeatable): the value is read by the feature's dtype
    /// (numbers, true/false, dates, lists as `a,b` or JSON, dicts as JSON, names for cat[…]).
    #[arg(long = "features", value_name = "NAME=VALUE")]
    features: Vec<String>,
    /// Remove the ULabel with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    remove_ulabel: Vec<String>,
    /// Remove the Project with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    remove_project: Vec<String>,
    /// Remove the Record with this name (repeatable).
    #[arg(long, value_name = "NAME")]
    remove_record: Vec<String>,
}

pub(crate) fn run(args: AnnotateArgs) -> anyhow::Result<()> {
    let nothing = [&args.ulabel, &args.project, &args.record, &args.features]
        .iter()
        .chain([&args.remove_ulabel, &args.remove_project, &args.remove_record].iter())
        .all(|v| v.is_empty());
    if nothing {
        bail!("nothing to annotate: pass --ulabel, --project, --record, --features or a --remove-… flag");
    }
    let inst = current_instance_to_write()?;
    let artifact = Artifact::get(&inst, &args.idlike)?;
    // Everything is looked up and checked before anything changes.
    let ulabels = named::<ULabel>(&inst, &args.ulabel)?;
    let projects = named::<Project>(&inst, &args.project)?;
    let records = named::<SheetRecord>(&inst, &args.record)?;
    let no_ulabels = named::<ULabel>(&inst, &args.remove_ulabel)?;
    let no_projects = named::<Project>(&inst, &args.remove_project)?;
    let no_records = named::<SheetRecord>(&inst, &args.remove_record)?;
    let mut values = Vec::new();
    for pair in &args.features {
        let Some((name, text)) = pair.split_once('=') else {
            bail!("--features {pair:?}: expected NAME=VALUE");
        };
        let dtype = Feature::filter(feature::NAME.eq(name) & feature::BRANCH_ID.eq(1))
            .first(&inst)?
            .and_then(|f| f.dtype_str.into_inner())
            .unwrap_or_default();
        values.push((name, value_from_text(&dtype, text)));
    }
    inst.transaction(|tx| {
        artifact.add_labels(&tx, &ulabels)?;
        artifact.add_labels(&tx, &projects)?;
        artifact.add_labels(&tx, &records)?;
        artifact.remove_labels(&tx, &no_ulabels)?;
        artifact.remove_labels(&tx, &no_projects)?;
        artifact.remove_labels(&tx, &no_records)?;
        let refs: Vec<(&str, serde_json::Value)> = values.iter().map(|(n, v)| (*n, v.clone())).collect();
        artifact.add_feature_values(&tx, &refs)
    })?;
    let counts = [
        (ulabels.len(), "ulabel"),
        (projects.len(), "project"),
        (records.len(), "record"),
        (values.len(), "feature value"),
    ];
    let added: Vec<String> =
        counts.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}(s)")).collect();
    let removed = no_ulabels.len() + no_projects.len() + no_records.len();
    output::info(&format!(
        "annotated artifact {}: added {}{}",
        artifact.uid,
        if added.is_empty() { "nothing".to_string() } else { added.join(", ") },
        if removed > 0 { format!(", removed {removed} link(s)") } else { String::new() }
    ));
    Ok(())
}

/// The records named `names` (outside the trash), or an error naming those that do not exist.
fn named<R: SQLRecord>(inst: &Instance, names: &[String]) -> anyhow::Result<Vec<R>> {
    let reg = R::REGISTRY;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        match R::query().filter_eq(reg.name_field, name.as_str()).filter_eq("branch_id", 1).first(inst)? {
            Some(r) => out.push(r),
            None => missing.push(format!("'{name}'")),
        }
    }
    if !missing.is_empty() {
        bail!(
            "no {} named {}: create {} with `lamin create {} NAME`",
            reg.name,
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" },
            reg.name.to_ascii_lowercase()
        );
    }
    Ok(out)
}
