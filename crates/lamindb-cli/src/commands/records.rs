//! `lamin create`, `get`, `list`, `search`, `lookup`, `restore`, and `delete <registry>`: the
//! query language on the command line, for every registry.

use clap::Args;
use lamindb_core::Deleted;
use lamindb_core::models::registry_by_name;
use lamindb_core::query::lookup::lookup;
use lamindb_core::query::parse::parse_cli_filter;
use lamindb_core::query::search::{SearchOptions, search};
use lamindb_core::{Instance, QuerySet, Registry, Value};

use super::{current_instance, settings_dir};
use crate::output;

/// Registries by name, case-insensitive, with the list of names in the error.
pub(crate) fn registry(name: &str) -> anyhow::Result<&'static Registry> {
    registry_by_name(name).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown registry '{name}': use one of {}",
            lamindb_core::models::all_registries().map(|r| r.name.to_ascii_lowercase()).join(", ")
        )
    })
}

/// Options of the commands that read: output format and which instance to read.
#[derive(Debug, Args)]
pub(crate) struct ReadOpts {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Read another instance (`owner/name`, `name`, or the path of its storage root).
    #[arg(long, add = crate::complete::instances())]
    instance: Option<String>,
}

impl ReadOpts {
    /// The instance to read.
    fn open(&self) -> anyhow::Result<Instance> {
        open_instance(self.instance.as_deref())
    }
}

/// The instance to read: `--instance` (another instance by name or path) or the current one.
pub(crate) fn open_instance(other: Option<&str>) -> anyhow::Result<Instance> {
    match other {
        Some(id) => Ok(Instance::using(&settings_dir(), id)?),
        None => current_instance(),
    }
}

/// The columns shown in tables: public fields except `updated_at` and relation ids.
fn table_columns(reg: &Registry) -> Vec<&'static str> {
    reg.fields
        .iter()
        .filter(|f| {
            !f.is_private() && f.name != "updated_at" && (f.relation.is_none() || f.name == "created_by_id")
        })
        .map(|f| f.name)
        .collect()
}

pub(crate) fn row_json(reg: &Registry, row: &[Value]) -> serde_json::Value {
    serde_json::Value::Object(
        reg.fields.iter().zip(row).map(|(f, v)| (f.name.to_string(), v.to_json())).collect(),
    )
}

pub(crate) fn print_rows(
    reg: &Registry,
    rows: &[Vec<Value>],
    json: bool,
    extra: Option<(&str, Vec<String>)>,
) -> Result<(), output::StdoutError> {
    if json {
        let items = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut obj = row_json(reg, r);
                if let (Some((name, values)), serde_json::Value::Object(map)) = (&extra, &mut obj) {
                    map.insert(name.to_string(), values[i].clone().into());
                }
                obj
            })
            .collect();
        return output::json(&serde_json::Value::Array(items));
    }
    let columns = table_columns(reg);
    let mut header: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    if let Some((name, _)) = &extra {
        header.push(name.to_string());
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut line: Vec<String> = columns
                .iter()
                .map(|c| {
                    let idx = reg.fields.iter().position(|f| f.name == *c).expect("declared field");
                    r[idx].to_string()
                })
                .collect();
            if let Some((_, values)) = &extra {
                line.push(values[i].clone());
            }
            line
        })
        .collect();
    output::cells(&header, &cells)
}

#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    /// The registry (case-insensitive: `ulabel`, `ULabel`, `storage`, …).
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    /// An integer id, a uid, or a uid prefix.
    idlike: String,
    #[command(flatten)]
    read: ReadOpts,
}

pub(crate) fn get(args: GetArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let inst = args.read.open()?;
    let row = QuerySet::get_row(&inst, reg, &args.idlike)?;
    if args.read.json {
        output::json(&row_json(reg, &row))?;
    } else {
        output::fields(reg.name, reg.fields.iter().map(|f| f.name).zip(row.iter().map(Value::to_string)))?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub(crate) struct UpdateArgs {
    /// The registry (case-insensitive: `ulabel`, `artifact`, `transform`, …).
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    /// An integer id, a uid, or a uid prefix.
    idlike: String,
    /// The new name (registries with a name field).
    #[arg(long)]
    name: Option<String>,
    /// The new description.
    #[arg(long)]
    description: Option<String>,
    /// Any other plain field: `--set field=value` (the value as typed; repeatable).
    #[arg(long, value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// Print the updated record as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn update(args: UpdateArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let inst = super::current_instance_to_write()?;
    let mut changes: Vec<(&str, Value)> = Vec::new();
    if let Some(name) = &args.name {
        changes.push((reg.name_field, Value::Text(name.clone())));
    }
    if let Some(d) = &args.description {
        changes.push(("description", Value::Text(d.clone())));
    }
    for s in &args.set {
        let (field, value) = s.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--set {s}: write field=value, e.g. --set reference=CL:0000084")
        })?;
        changes.push((field.trim(), Value::Text(value.to_string())));
    }
    if changes.is_empty() {
        anyhow::bail!("nothing to update: pass --name, --description or --set field=value");
    }
    let row = inst.registry(reg).update(&args.idlike, &changes)?;
    if args.json {
        output::json(&row_json(reg, &row))?;
    } else {
        output::fields(reg.name, reg.fields.iter().map(|f| f.name).zip(row.iter().map(Value::to_string)))?;
    }
    Ok(())
}

/// The query options shared by `lamin list` and `lamin df`.
#[derive(Debug, Args)]
pub(crate) struct QueryArgs {
    /// Keep records matching EXPR. In `field__lookup=value` the value is everything after the
    /// first `=`, as typed: spaces, quotes, `&` and `|` included (`--filter "name=T cell"`,
    /// `--filter "name=Crohn's disease"`); the field's type converts it (`size__gt=1000`,
    /// `run=None`). Quoted values and lists work too (`name="T cell"`, `name__in=[a, b]`).
    /// An EXPR that starts with `(`, `!` or `~`, or joins `field__lookup=` terms with `&` (and)
    /// or `|` (or), is a whole expression:
    /// '(name__startswith="a" | name="b") & !description__isnull=true' (quote its values).
    /// Repeat --filter to combine with and.
    #[arg(long, short = 'f', value_name = "EXPR", add = crate::complete::filter_terms())]
    filter: Vec<String>,
    /// Drop records matching EXPR (same language as --filter).
    #[arg(long, value_name = "EXPR", add = crate::complete::filter_terms())]
    exclude: Vec<String>,
    /// Order by a field; `-field` for descending. Repeat for tie-breakers.
    #[arg(long, value_name = "FIELD", allow_hyphen_values = true, add = crate::complete::field_names(true))]
    order_by: Vec<String>,
    /// Include records in the trash and archive.
    #[arg(long)]
    all_branches: bool,
}

impl QueryArgs {
    /// The queryset these options describe, over `reg`.
    pub(crate) fn queryset(&self, reg: &'static Registry) -> anyhow::Result<QuerySet> {
        let mut qs = QuerySet::new(reg);
        for f in &self.filter {
            qs = qs.filter(parse_cli_filter(f)?);
        }
        for e in &self.exclude {
            qs = qs.exclude(parse_cli_filter(e)?);
        }
        for o in &self.order_by {
            qs = qs.order_by(o);
        }
        if self.all_branches {
            qs = qs.all_branches();
        }
        Ok(qs)
    }
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The registry.
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    #[command(flatten)]
    query: QueryArgs,
    /// Show at most N records.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Print only the number of matching records.
    #[arg(long)]
    count: bool,
    #[command(flatten)]
    read: ReadOpts,
}

pub(crate) fn list(args: ListArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let mut qs = args.query.queryset(reg)?;
    if let Some(n) = args.limit {
        qs = qs.limit(n);
    }
    let inst = args.read.open()?;
    if args.count {
        output::line(&qs.count(&inst)?.to_string())?;
        return Ok(());
    }
    let rows = qs.rows(&inst)?;
    print_rows(reg, &rows, args.read.json, None)?;
    Ok(())
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The registry.
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    /// What to search for.
    query: String,
    /// Search only this string field (repeatable; default: every string field).
    #[arg(long, add = crate::complete::field_names(false))]
    field: Vec<String>,
    /// Show at most N results (0 = all).
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Match case.
    #[arg(long)]
    case_sensitive: bool,
    #[command(flatten)]
    read: ReadOpts,
}

pub(crate) fn run_search(args: SearchArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let inst = args.read.open()?;
    let opts = SearchOptions {
        fields: args.field,
        limit: (args.limit > 0).then_some(args.limit),
        case_sensitive: args.case_sensitive,
    };
    let hits = search(&inst, reg, &args.query, &opts)?;
    let scores: Vec<String> = hits.iter().map(|h| h.score.to_string()).collect();
    let rows: Vec<Vec<Value>> = hits.into_iter().map(|h| h.values).collect();
    if args.read.json {
        let scores = scores.iter().map(|s| s.parse::<u32>().unwrap_or_default());
        let items = rows
            .iter()
            .zip(scores)
            .map(|(r, s)| {
                let mut obj = row_json(reg, r);
                if let serde_json::Value::Object(map) = &mut obj {
                    map.insert("score".into(), s.into());
                }
                obj
            })
            .collect();
        output::json(&serde_json::Value::Array(items))?;
    } else {
        print_rows(reg, &rows, false, Some(("score", scores)))?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub(crate) struct LookupArgs {
    /// The registry.
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    /// The string field to build keys from (default: the registry's name field).
    #[arg(long, add = crate::complete::field_names(false))]
    field: Option<String>,
    #[command(flatten)]
    read: ReadOpts,
}

pub(crate) fn run_lookup(args: LookupArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let inst = args.read.open()?;
    let entries = lookup(&inst, reg, args.field.as_deref())?;
    if args.read.json {
        let map = entries
            .iter()
            .map(|e| {
                let items: Vec<serde_json::Value> =
                    e.records.iter().map(|(v, id)| serde_json::json!({"value": v, "id": id})).collect();
                let value = if items.len() == 1 { items[0].clone() } else { serde_json::Value::Array(items) };
                (e.key.clone(), value)
            })
            .collect();
        output::json(&serde_json::Value::Object(map))?;
        return Ok(());
    }
    let header = ["key".to_string(), "value".to_string(), "id".to_string()];
    let cells: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let (v, id) = &e.records[0];
            let more =
                if e.records.len() > 1 { format!(" (+{} more)", e.records.len() - 1) } else { String::new() };
            vec![e.key.clone(), format!("{v}{more}"), id.to_string()]
        })
        .collect();
    output::cells(&header, &cells)?;
    for e in entries.iter().filter(|e| e.records.len() > 1) {
        output::warn(&format!(
            "{} records found for '{}'. Returning based on keep='first'.",
            e.records.len(),
            e.key
        ));
    }
    Ok(())
}

/// `lamin delete <registry> <idlike> [--permanent]`.
pub(crate) fn delete(registry_name: &str, idlike: &str, permanent: bool) -> anyhow::Result<()> {
    let reg = registry(registry_name)?;
    let inst = super::current_instance_to_write()?;
    let row = QuerySet::get_row(&inst, reg, idlike)?;
    let id = row[0].as_i64().expect("id is the first field");
    let deleted = inst.registry(reg).delete(id, permanent)?;
    match deleted {
        Deleted::Trashed => output::info(&format!(
            "moved {} {id} to trash (branch_id = -1); restore it with `lamin restore {} {id}`",
            reg.name,
            reg.name.to_lowercase()
        )),
        Deleted::Permanently => output::info(&format!("deleted {} {id} permanently", reg.name)),
    }
    Ok(())
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The registry.
    #[arg(value_parser = super::registry_names(), ignore_case = true)]
    registry: String,
    /// An integer id, a uid, or a uid prefix.
    idlike: String,
}

pub(crate) fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let reg = registry(&args.registry)?;
    let inst = super::current_instance_to_write()?;
    let row = QuerySet::get_row(&inst, reg, &args.idlike)?;
    let id = row[0].as_i64().expect("id is the first field");
    inst.registry(reg).restore(id)?;
    output::info(&format!("restored {} {id} to the main branch", reg.name));
    Ok(())
}
