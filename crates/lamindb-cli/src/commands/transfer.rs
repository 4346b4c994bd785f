//! `lamin transfer`: records of another instance saved into the current one (metadata copied,
//! bytes linked), in one transaction.

use std::io::IsTerminal;

use anyhow::bail;
use clap::Args;
use indicatif::ProgressBar;
use lamindb_core::models::Record as SheetRecord;
use lamindb_core::query::parse::parse_cli_filter;
use lamindb_core::{Feature, Instance, Project, QuerySet, Reference, SQLRecord, TransferSummary, ULabel};
use serde_json::json;

use super::{current_instance_to_write, settings_dir};
use crate::output;

/// The registries `lamin transfer` accepts.
const TRANSFERABLE: [&str; 7] =
    ["artifact", "collection", "ulabel", "project", "reference", "record", "feature"];

#[derive(Debug, Args)]
pub(crate) struct TransferArgs {
    /// The registry: artifact, collection (with its artifacts), ulabel, project, reference, record
    /// or feature.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(TRANSFERABLE), ignore_case = true)]
    registry: String,
    /// Records of the source instance by id, uid or uid prefix.
    idlike: Vec<String>,
    /// The source instance: `owner/name`, `name`, or the path of its storage root.
    #[arg(long = "from", value_name = "INSTANCE")]
    from: String,
    /// Also transfer the source's records matching EXPR (the language of `lamin list --filter`;
    /// latest versions only). Repeat to combine with and.
    #[arg(long, short = 'f', value_name = "EXPR")]
    filter: Vec<String>,
    /// Print a JSON summary: the uids transferred and already present, related records created.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: TransferArgs) -> anyhow::Result<()> {
    if args.idlike.is_empty() && args.filter.is_empty() {
        bail!(
            "name the records to transfer: ids or uids, or --filter EXPR (e.g. --filter 'key__startswith=raw/')"
        );
    }
    let target = current_instance_to_write()?;
    let source = Instance::using(&settings_dir(), &args.from)?;
    let (target, source, args) = (&target, &source, &args);
    match args.registry.to_ascii_lowercase().as_str() {
        "artifact" => transfer(source, args, |r| target.transfer_from(source).artifacts(r)),
        "collection" => transfer(source, args, |r| target.transfer_from(source).collections(r)),
        "ulabel" => transfer::<ULabel>(source, args, |r| target.transfer_from(source).records(r)),
        "project" => transfer::<Project>(source, args, |r| target.transfer_from(source).records(r)),
        "reference" => transfer::<Reference>(source, args, |r| target.transfer_from(source).records(r)),
        "record" => transfer::<SheetRecord>(source, args, |r| target.transfer_from(source).records(r)),
        "feature" => transfer::<Feature>(source, args, |r| target.transfer_from(source).records(r)),
        other => bail!("cannot transfer {other} records: transfer one of {}", TRANSFERABLE.join(", ")),
    }
}

/// Selects the source's records, transfers them with `save` (a spinner meanwhile on
/// terminals) and reports.
fn transfer<R: SQLRecord>(
    source: &Instance,
    args: &TransferArgs,
    save: impl FnOnce(&[R]) -> lamindb_core::Result<TransferSummary<R>>,
) -> anyhow::Result<()> {
    let records: Vec<R> = select(source, args)?;
    let spinner = spinner(records.len(), R::REGISTRY.name);
    let summary = save(&records);
    spinner.finish_and_clear();
    report(args, source, summary?)
}

/// The source's records named by id-likes and filters, each once, in that order.
fn select<R: SQLRecord>(source: &Instance, args: &TransferArgs) -> anyhow::Result<Vec<R>> {
    let mut out: Vec<R> = Vec::new();
    for idlike in &args.idlike {
        out.push(R::get(source, idlike)?);
    }
    if !args.filter.is_empty() {
        let mut qs = QuerySet::new(R::REGISTRY).order_by("id");
        if R::REGISTRY.versioned {
            // Only latest versions transfer.
            qs = qs.filter(lamindb_core::Q::exact("is_latest", true));
        }
        for f in &args.filter {
            qs = qs.filter(parse_cli_filter(f)?);
        }
        for row in qs.rows(source)? {
            out.push(R::from_row_values(row)?);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|r| seen.insert(r.id()));
    if out.is_empty() {
        bail!("no {} of {} matches: nothing to transfer", R::REGISTRY.name, source.slug());
    }
    Ok(out)
}

fn spinner(n: usize, registry: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_message(format!("transferring {n} {registry} records"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn report<R: SQLRecord>(args: &TransferArgs, source: &Instance, s: TransferSummary<R>) -> anyhow::Result<()> {
    let uids = |v: &[R]| -> Vec<serde_json::Value> { v.iter().map(|r| r.to_json()["uid"].clone()).collect() };
    if args.json {
        output::json(&json!({
            "registry": R::REGISTRY.name,
            "from": source.slug(),
            "transferred": uids(&s.transferred),
            "already_present": uids(&s.already_present),
            "related": s.related.iter().map(|(r, u)| json!({"registry": r, "uid": u})).collect::<Vec<_>>(),
            "run": s.run.as_ref().map(|r| r.uid.clone()),
        }))?;
        return Ok(());
    }
    output::line(&format!(
        "{}: {} transferred, {} already on target",
        R::REGISTRY.name,
        s.transferred.len(),
        s.already_present.len()
    ))?;
    for (registry, uid) in &s.related {
        output::info(&format!("created {registry} {uid} (from {})", source.slug()));
    }
    if matches!(R::REGISTRY.name, "Artifact" | "Collection") && !s.transferred.is_empty() {
        output::info(&format!(
            "bytes were not copied: the artifacts are read from {}'s storage (linked, read-only here); \
             only the latest version of each artifact is transferred",
            source.slug()
        ));
    }
    Ok(())
}
