//! `lamin init`, `connect`, `disconnect`, `info`, `delete instance`.

use clap::Args;
use lamindb_core::instance::InstanceInfo;
use lamindb_core::{Error, InitOptions, InitOutcome, Instance};

use super::{cwd, settings_dir};
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Default storage location: a local directory, s3://bucket[/prefix] or gs://bucket[/prefix].
    #[arg(long)]
    storage: String,
    /// Instance name (default: the database name, else the last part of the storage root, lower-cased).
    #[arg(long)]
    name: Option<String>,
    /// PostgreSQL URL (default: SQLite at <storage>/.lamindb/lamin.db).
    #[arg(long, env = "LAMIN_INIT_DB", hide_env_values = true)]
    db: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ConnectArgs {
    /// The instance: `owner/name`, or `name` (owner = current user).
    #[arg(add = crate::complete::instances())]
    instance: String,
    /// Connect the working directory (and the folders below it) only, without changing the
    /// global current instance.
    #[arg(long)]
    here: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DisconnectArgs {
    /// Disconnect the working directory's instance (the nearest `.lamin/current_instance` up
    /// from here) instead of the global one.
    #[arg(long)]
    here: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InfoArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn init(args: InitArgs) -> anyhow::Result<()> {
    let opts = InitOptions { storage: args.storage, name: args.name, db: args.db };
    let dir = settings_dir();
    let cwd = cwd()?;
    let (inst, outcome) = Instance::init_in(&dir, &opts)?;
    match outcome {
        InitOutcome::Created => output::info(&format!(
            "initialized lamindb: {} (storage {}, db {})",
            inst.slug(),
            inst.settings().storage_root,
            inst.info()?.db
        )),
        InitOutcome::Connected => {
            output::info(&format!("connected lamindb: {} (it existed already)", inst.slug()))
        }
    }
    // As LaminDB's init: the working directory becomes the instance's development directory,
    // so that the commands run here (and below) use it, whatever marker was here or above.
    match dir.mark_dev_dir(&inst.settings(), &cwd) {
        Ok(Some(_)) => output::info(&format!("development directory of {}: {}", inst.slug(), cwd.display())),
        Ok(None) => {}
        // The instance is ready and is the global current one; only this folder is not its own.
        Err(e) => output::warn(&format!(
            "{} could not be made the development directory of {} ({e}): commands run there use the global current instance, {}, unless a development directory above it names another",
            cwd.display(),
            inst.slug(),
            inst.slug()
        )),
    }
    Ok(())
}

pub(crate) fn connect(args: ConnectArgs) -> anyhow::Result<()> {
    let dir = settings_dir();
    let cwd = cwd()?;
    // As LaminDB's connect: never inside the development directory of another instance, where
    // the commands would go on using that one.
    let settings = dir.find(&args.instance)?;
    dir.check_not_within_other_dev_dir(&settings.slug(), &cwd)?;
    let inst = settings.open(&dir)?;
    if args.here {
        dir.set_current_here(&inst.settings(), &cwd)?;
        output::info(&format!("connected database {} to {}", inst.slug(), cwd.display()));
        return Ok(());
    }
    dir.set_current(&inst.settings())?;
    output::info(&format!("connected lamindb: {}", inst.slug()));
    Ok(())
}

pub(crate) fn disconnect(args: DisconnectArgs) -> anyhow::Result<()> {
    let dir = settings_dir();
    if args.here {
        match dir.clear_current_here(&cwd()?)? {
            Some((marker, slug)) => output::info(&format!(
                "disconnected local instance context: {slug} (removed {})",
                marker.display()
            )),
            None => output::info("no local instance marker found"),
        }
        return Ok(());
    }
    match dir.current_global()? {
        Some(s) => {
            dir.clear_current()?;
            output::info(&format!("disconnected from {}", s.slug()));
        }
        None => output::info("no instance was connected"),
    }
    Ok(())
}

pub(crate) fn info(args: InfoArgs) -> anyhow::Result<()> {
    // Settings only: no database connection, so this answers in milliseconds.
    let dir = settings_dir();
    let Some((settings, from)) = dir.resolve_current_from(&cwd()?)? else {
        return Err(Error::NotConfigured.into());
    };
    // As LaminDB's `lamin info`: the development directory that chose the instance, if one did.
    let dev_dir = match from {
        lamindb_core::settings::CurrentSource::DevDir(d) => Some(d),
        _ => None,
    };
    let i = InstanceInfo::from_settings(&settings, &dir)?;
    if args.json {
        output::json(&serde_json::json!({
            "instance": i.slug, "uid": i.uid, "storage": i.storage_root, "db": i.db,
            "dev_dir": dev_dir, "user": i.user, "settings_dir": i.settings_dir,
        }))?;
    } else {
        output::text(&format!(
            "Instance: {}\n - uid: {}\n - storage: {}\n - db: {}\n - dev-dir: {}\nSettings:\n - user settings: {}\nUser: {}",
            i.slug,
            i.uid,
            i.storage_root,
            i.db,
            dev_dir.as_ref().map_or("None".to_string(), |d| d.display().to_string()),
            i.settings_dir.display(),
            i.user
        ))?;
    }
    Ok(())
}

/// `lamin delete instance <name> --force`.
pub(crate) fn delete(name: &str, force: bool) -> anyhow::Result<()> {
    let report = Instance::delete(&settings_dir(), name, force)?;
    if let Some(why) = &report.database_gone {
        output::warn(&format!(
            "the database of {} cannot be used ({why}): its records were not checked",
            report.slug
        ));
    }
    output::info(&format!("deleted instance {}", report.slug));
    for what in &report.kept {
        output::warn(&format!("not removed: {what}; remove it yourself if it is no longer needed"));
    }
    if let Some(url) = report.postgres_kept {
        output::warn(&format!(
            "the PostgreSQL database {url} was not dropped; drop it yourself if it is no longer needed"
        ));
    }
    Ok(())
}
