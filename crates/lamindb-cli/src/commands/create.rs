//! `lamin create`: labels, projects, references, records, features, branches and collections.

use lamindb_core::Collection;
use std::io::Read;

use anyhow::bail;
use clap::Args;
use lamindb_core::NameMatch;
use lamindb_core::fields::record;
use lamindb_core::models::Record as SheetRecord;
use lamindb_core::{Artifact, Branch, Feature, Instance, Project, Q, Reference, SQLRecord, ULabel, Value};

use super::current_instance_to_write;
use super::records::{print_rows, registry};
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// The registry: ulabel, project, reference, record, feature, branch or collection.
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    /// Names of the records to create (a collection's key).
    names: Vec<String>,
    /// A description for every created record.
    #[arg(long)]
    description: Option<String>,
    /// Read names from a file, one per line (`-` for stdin); all are created in one transaction.
    #[arg(long, value_name = "FILE")]
    from_file: Option<String>,
    /// Create even when a record with the same name exists (by default it is returned instead).
    #[arg(long)]
    allow_duplicates: bool,
    /// A feature's dtype: int, float, num, bool, str, date, datetime, dict, list[…], cat[ULabel],
    /// cat[Record], cat[Project] (required for features).
    #[arg(long)]
    dtype: Option<String>,
    /// A record's type (the name or uid of a record made with --is-type): the sheet it belongs to.
    #[arg(long = "type", value_name = "TYPE")]
    type_: Option<String>,
    /// Make the record a type (a sheet that other records belong to).
    #[arg(long)]
    is_type: bool,
    /// A project's parent project, by name (repeatable; each must exist).
    #[arg(long = "parent", value_name = "PROJECT")]
    parents: Vec<String>,
    /// A collection's artifacts (id, uid or uid prefix), in order (repeatable).
    #[arg(long = "artifact", value_name = "IDLIKE")]
    artifacts: Vec<String>,
    /// Print the records as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn create(args: CreateArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let mut names = args.names.clone();
    if let Some(file) = &args.from_file {
        let mut text = String::new();
        if file == "-" {
            std::io::stdin().read_to_string(&mut text)?;
        } else {
            text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        }
        names.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    }
    if names.is_empty() {
        bail!("no names given: pass names or --from-file FILE");
    }
    let flag_for = |flag: &str, set: bool, registries: &str| -> anyhow::Result<()> {
        if set && !registries.split(',').any(|r| r == reg.name) {
            bail!("{flag} is for {registries} records, not {}", reg.name);
        }
        Ok(())
    };
    flag_for("--dtype", args.dtype.is_some(), "Feature")?;
    flag_for("--type", args.type_.is_some(), "Record")?;
    flag_for("--is-type", args.is_type, "Record,ULabel,Project,Feature")?;
    flag_for("--artifact", !args.artifacts.is_empty(), "Collection")?;
    flag_for("--parent", !args.parents.is_empty(), "Project")?;
    let inst = current_instance_to_write()?;
    let description = args.description.clone();
    // `lamin create <registry>` names the registry as a word; this is the one table from that
    // word to the record type whose constructor makes the records.
    match reg.name {
        "ULabel" => create_ulabels(&inst, &args, &names),
        "Collection" => create_collection(&inst, &args, &names),
        "Project" => create_named(&inst, &args, &names, |name| Project {
            description: description.clone(),
            is_type: args.is_type,
            ..Project::new(name)
        }),
        "Reference" => create_named(&inst, &args, &names, |name| Reference {
            description: description.clone(),
            ..Reference::new(name)
        }),
        "Branch" => create_named(&inst, &args, &names, |name| Branch {
            description: description.clone(),
            ..Branch::new(name)
        }),
        "Record" => {
            let type_id = record_type(&inst, args.type_.as_deref())?;
            create_named(&inst, &args, &names, |name| SheetRecord {
                description: description.clone(),
                is_type: args.is_type,
                type_id,
                ..SheetRecord::new(name)
            })
        }
        "Feature" => {
            let Some(dtype) = args.dtype.clone() else {
                bail!("a feature needs --dtype (int, float, str, cat[ULabel], …)")
            };
            create_named(&inst, &args, &names, |name| Feature {
                description: description.clone(),
                ..Feature::new(name, dtype.clone())
            })
        }
        other => bail!(
            "`lamin create` makes ulabel, project, reference, record, feature, branch and collection records; {other} records are made by other commands"
        ),
    }
}

/// The id of the record type (a sheet) named or with the uid `name`, for `--type`.
fn record_type(inst: &Instance, name: Option<&str>) -> anyhow::Result<Option<i64>> {
    let Some(t) = name else { return Ok(None) };
    let q = record::NAME.eq(t) | record::UID.eq(t);
    let sheet = SheetRecord::filter(q & record::IS_TYPE.eq(true)).first(inst)?.ok_or_else(|| {
        anyhow::anyhow!("no record type named '{t}': create it with `lamin create record {t} --is-type`")
    })?;
    Ok(sheet.id)
}

fn create_ulabels(inst: &Instance, args: &CreateArgs, names: &[String]) -> anyhow::Result<()> {
    let mode = if args.allow_duplicates { NameMatch::AlwaysCreate } else { NameMatch::ReturnExisting };
    if args.is_type {
        bail!("--is-type: create the label, then `lamin update ulabel <uid> --set is_type=true`");
    }
    if names.len() > 50 && !args.json {
        // Bulk load: one transaction, counts only.
        let done = ULabel::bulk_create(&inst, names, args.description.as_deref(), mode)?;
        output::info(&format!("created {} ulabel(s), {} existed already", done.created, done.existing));
        return Ok(());
    }
    let created = ULabel::create_many(&inst, names, args.description.as_deref(), mode)?;
    let n_new = created.iter().filter(|c| c.created).count();
    for c in created.iter().filter(|c| !c.created) {
        output::info(&format!("returning ulabel with same name: '{}'", c.record.name));
    }
    output::info(&format!("created {n_new} ulabel(s), {} existed already", created.len() - n_new));
    let rows: Vec<Vec<Value>> = created.iter().map(|c| c.record.values()).collect();
    print_rows(ULabel::REGISTRY, &rows, args.json, None)?;
    Ok(())
}

/// Projects, references, records, features and branches: one per name, made by `make`; an
/// existing name (outside the trash) returned unless --allow-duplicates; all in one transaction.
fn create_named<R: SQLRecord>(
    inst: &Instance,
    args: &CreateArgs,
    names: &[String],
    make: impl Fn(String) -> R,
) -> anyhow::Result<()> {
    let reg = R::REGISTRY;
    let parents = args
        .parents
        .iter()
        .map(|p| {
            Project::query().filter_eq("name", p.as_str()).first(inst)?.ok_or_else(|| {
                anyhow::anyhow!("no project named '{p}': create it first (`lamin create project \"{p}\"`)")
            })
        })
        .collect::<anyhow::Result<Vec<Project>>>()?;
    let (rows, n_new) = inst.transaction(|tx| -> lamindb_core::Result<_> {
        let mut rows = Vec::new();
        let mut n_new = 0;
        for name in names {
            let existing = if args.allow_duplicates { None } else { find_by_name(tx, reg, name)? };
            if let Some(row) = existing {
                output::info(&format!(
                    "returning {} with same name: '{name}'",
                    reg.name.to_ascii_lowercase()
                ));
                rows.push(row);
                continue;
            }
            let values = make(name.clone()).save(tx)?.values();
            n_new += 1;
            rows.push(values);
        }
        if !parents.is_empty() {
            for row in &rows {
                Project::from_row_values(row.clone())?.add_parents(&tx, &parents)?;
            }
        }
        Ok((rows, n_new))
    })?;
    output::info(&format!(
        "created {n_new} {}(s), {} existed already",
        reg.name.to_ascii_lowercase(),
        rows.len() - n_new
    ));
    print_rows(reg, &rows, args.json, None)?;
    Ok(())
}

/// The first record of `registry` named `name` outside the trash (branches have no trash: the
/// first of that name).
fn find_by_name(
    inst: &Instance,
    reg: &'static lamindb_core::Registry,
    name: &str,
) -> lamindb_core::Result<Option<Vec<Value>>> {
    let mut q = Q::exact(reg.name_field, name);
    if reg.has("branch_id") {
        q = q & Q::exact("branch_id", 1);
    }
    lamindb_core::QuerySet::new(reg).filter(q).order_by("id").first_row(inst)
}

fn create_collection(inst: &Instance, args: &CreateArgs, names: &[String]) -> anyhow::Result<()> {
    let [key] = names else {
        bail!("a collection has one key: `lamin create collection <key> --artifact ID…`")
    };
    if args.artifacts.is_empty() {
        bail!("a collection needs its artifacts: --artifact ID (repeatable, in order)");
    }
    let artifacts =
        args.artifacts.iter().map(|id| Artifact::get(inst, id)).collect::<lamindb_core::Result<Vec<_>>>()?;
    let (c, created) = Collection::create(&inst, key, &artifacts, args.description.as_deref())?;
    if created {
        output::info(&format!("created collection '{}' of {} artifacts", c.key, artifacts.len()));
    } else {
        output::info(&format!("returning collection with same hash: '{}' ({})", c.key, c.uid));
    }
    print_rows(Collection::REGISTRY, &[c.values()], args.json, None)?;
    Ok(())
}
