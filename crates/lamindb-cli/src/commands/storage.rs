//! `lamin storage …` and `lamin settings …`.

use anyhow::Context;
use clap::{Args, Subcommand};
use lamindb_core::{SQLRecord, StorageOutcome};

use super::current_instance;
use crate::output;

/// Columns of `lamin storage list`.
const COLUMNS: [&str; 7] = ["id", "uid", "root", "description", "type", "region", "instance_uid"];

#[derive(Debug, Subcommand)]
pub(crate) enum StorageCommand {
    /// Register a storage location: managed by this instance if it can write the marker file
    /// `.lamindb/storage_uid.txt`, else read-only. Registering a known root returns it unchanged.
    Add {
        /// A local directory (relative to here), s3://bucket[/prefix] or gs://bucket[/prefix].
        root: String,
        /// What the location is used for.
        #[arg(long)]
        description: Option<String>,
        /// Print the record as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List storage locations.
    List(JsonArg),
    /// Show one storage location by id, uid, uid prefix or root.
    Get {
        /// Id, uid, uid prefix, or root (a path or URL).
        idlike: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a storage location (refused while it holds artifacts or files in `.lamindb/`, or is
    /// the default storage). Removes the marker and the record; directories stay.
    Delete {
        /// Id, uid, uid prefix, or root.
        idlike: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct JsonArg {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SettingsCommand {
    /// Change a setting.
    Set {
        #[command(subcommand)]
        setting: SettingSet,
    },
    /// Show a setting.
    Get {
        #[command(subcommand)]
        setting: SettingGet,
    },
    /// The cache directory, where cloud artifacts are downloaded (LaminDB's `cache-dir`).
    ///
    /// Examples:
    ///   lamin settings cache-dir get
    ///   lamin settings cache-dir set /scratch/lamin-cache
    ///   lamin settings cache-dir clear
    #[command(subcommand, verbatim_doc_comment)]
    CacheDir(CacheDirCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum CacheDirCommand {
    /// Show the cache directory.
    Get,
    /// Choose the cache directory (an absolute path; kept in `storage.env`, as LaminDB keeps it).
    Set {
        /// The directory.
        path: std::path::PathBuf,
    },
    /// Go back to the default cache directory.
    Unset,
    /// Delete everything in the cache directory (downloads are fetched again when needed).
    Clear,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SettingSet {
    /// Switch the default storage to a registered location that this instance manages.
    Storage {
        /// Root of the location (register it first with `lamin storage add`).
        root: String,
    },
    /// Change the PostgreSQL URL of the current instance, e.g. after its password was rotated.
    /// The URL is tried first (it must connect and hold this instance); nothing changes when it
    /// fails. The settings file stays readable by its owner only; the URL is printed redacted.
    Db {
        /// postgresql://user:password@host:port/dbname, or `-` to read it from stdin (keeps it
        /// out of the shell history and the process list).
        url: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SettingGet {
    /// The default storage root.
    Storage,
    /// The database URL (password redacted).
    Db,
}

pub(crate) fn run(cmd: StorageCommand) -> anyhow::Result<()> {
    let inst = if matches!(cmd, StorageCommand::Add { .. } | StorageCommand::Delete { .. }) {
        super::current_instance_to_write()?
    } else {
        current_instance()?
    };
    match cmd {
        StorageCommand::Add { root, description, json } => {
            let (s, outcome) = inst.storage().add(&root, description.as_deref())?;
            match outcome {
                StorageOutcome::Existing => {
                    output::info(&format!("returning existing storage location at {}", s.root))
                }
                StorageOutcome::Managed => {
                    output::info(&format!("created managed storage location at {}", s.root))
                }
                StorageOutcome::ReadOnly { instance_uid } => output::info(&format!(
                    "referenced read-only storage location at {}, is managed by instance with uid {}",
                    s.root,
                    instance_uid.as_deref().unwrap_or("unknown")
                )),
                StorageOutcome::Unwritable { .. } => {
                    output::warn(&format!("unable to create .lamindb/ folder in {}", s.root));
                    output::info(&format!(
                        "due to lack of write access, LaminDB won't manage this storage location: {}",
                        s.root
                    ));
                    output::info(&format!("referenced read-only storage location at {}", s.root));
                }
            }
            if json {
                output::json(&s.to_json())?;
            }
        }
        StorageCommand::List(JsonArg { json }) => {
            let all = inst.storage().list()?;
            if json {
                output::json(&serde_json::Value::Array(all.iter().map(SQLRecord::to_json).collect()))?;
            } else {
                output::table(&all, &COLUMNS)?;
            }
        }
        StorageCommand::Get { idlike, json } => {
            let s = inst.storage().get(&idlike)?;
            if json {
                output::json(&s.to_json())?;
            } else {
                output::record(&s)?;
            }
        }
        StorageCommand::Delete { idlike } => delete_in(&inst, &idlike)?,
    }
    Ok(())
}

fn delete_in(inst: &lamindb_core::Instance, idlike: &str) -> anyhow::Result<()> {
    let s = inst.storage().get(idlike)?;
    inst.storage().delete(&s)?;
    output::info(&format!("deleted storage location {} ({})", s.root, s.uid));
    Ok(())
}

/// `lamin delete storage <idlike>`, the same as `lamin storage delete`.
pub(crate) fn delete(idlike: &str) -> anyhow::Result<()> {
    delete_in(&super::current_instance_to_write()?, idlike)
}

pub(crate) fn settings(cmd: SettingsCommand) -> anyhow::Result<()> {
    if let SettingsCommand::CacheDir(cmd) = cmd {
        return cache_dir(cmd);
    }
    // The database settings are read and changed without connecting: the old URL may not work.
    match cmd {
        SettingsCommand::Set { setting: SettingSet::Db { url } } => return set_db(&url),
        SettingsCommand::Get { setting: SettingGet::Db } => {
            let (settings, _) = super::resolve_current(false)?;
            output::line(&lamindb_core::redact_url(&settings.db_url()?))?;
            return Ok(());
        }
        _ => {}
    }
    let inst = if matches!(cmd, SettingsCommand::Set { .. }) {
        super::current_instance_to_write()?
    } else {
        current_instance()?
    };
    match cmd {
        SettingsCommand::Set { setting: SettingSet::Storage { root } } => {
            let s = inst.storage().set_default(&root)?;
            output::info(&format!("default storage of {} is now {}", inst.slug(), s.root));
        }
        SettingsCommand::Get { setting: SettingGet::Storage } => {
            output::line(inst.settings().default_storage_root())?;
        }
        SettingsCommand::CacheDir(_)
        | SettingsCommand::Set { setting: SettingSet::Db { .. } }
        | SettingsCommand::Get { setting: SettingGet::Db } => unreachable!("handled above"),
    }
    Ok(())
}

/// `lamin settings set db <url>`.
fn set_db(url: &str) -> anyhow::Result<()> {
    let url = if url == "-" {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("cannot read the URL from stdin")?;
        line.trim().to_string()
    } else {
        url.to_string()
    };
    let (settings, dir) = super::resolve_current(true)?;
    let new = lamindb_core::Instance::set_db_url(&dir, &settings, &url)?;
    output::info(&format!("database of {} is now {}", new.slug(), lamindb_core::redact_url(&url)));
    Ok(())
}

/// `lamin settings cache-dir …`: needs no instance.
fn cache_dir(cmd: CacheDirCommand) -> anyhow::Result<()> {
    let dir = super::settings_dir();
    match cmd {
        CacheDirCommand::Get => output::line(&lamindb_core::settings::cache_dir()?.display().to_string())?,
        CacheDirCommand::Set { path } => {
            let path = if path.is_absolute() { path } else { super::cwd()?.join(path) };
            dir.set_cache_dir(Some(&path))?;
            output::info(&format!("cache directory: {}", path.display()));
        }
        CacheDirCommand::Unset => {
            dir.set_cache_dir(None)?;
            output::info(&format!("cache directory: {}", lamindb_core::settings::cache_dir()?.display()));
        }
        CacheDirCommand::Clear => {
            let cache = lamindb_core::settings::cache_dir()?;
            let mut removed = 0;
            if let Ok(entries) = std::fs::read_dir(&cache) {
                for entry in entries.flatten() {
                    let p = entry.path();
                    let done =
                        if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
                    done.map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                    removed += 1;
                }
            }
            output::info(&format!("cleared the cache directory {} ({removed} entries)", cache.display()));
        }
    }
    Ok(())
}
