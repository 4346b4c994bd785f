//! What to do after an error, in the command line's words. The library's messages speak of its
//! API (`force`, "register it first"); the line printed after them (`hint: …`) names the
//! `lamin` command or flag that does it.

use lamindb_core::{Error, Refusal};

/// The hint for the first library error in `e`'s chain that has one.
pub(crate) fn hint(e: &anyhow::Error) -> Option<String> {
    e.chain().find_map(|cause| {
        let core = cause.downcast_ref::<Error>().or_else(|| frame_core(cause))?;
        of(core)
    })
}

/// The library error inside a DataFrame error.
#[cfg(feature = "frame")]
fn frame_core<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a Error> {
    match cause.downcast_ref::<lamindb_frame::FrameError>() {
        Some(lamindb_frame::FrameError::Core(e)) => Some(e),
        _ => None,
    }
}

#[cfg(not(feature = "frame"))]
fn frame_core<'a>(_: &'a (dyn std::error::Error + 'static)) -> Option<&'a Error> {
    None
}

fn of(e: &Error) -> Option<String> {
    Some(match e {
        // SQLite's words for a damaged file, which name neither the file nor the instance.
        Error::Db(_) if e.to_string().contains("malformed") || e.to_string().contains("not a database") => {
            "the instance's SQLite file is damaged: `lamin info` shows where it is, `lamin doctor` runs SQLite's integrity check; restore the file from a backup".into()
        }
        // LaminDB's words for a uid that matches nothing ("Did you forget a keyword as in …").
        Error::DoesNotExist { registry, message } if message.starts_with("No record found with uid") => {
            let r = registry.to_lowercase();
            let field = lamindb_core::models::registry_by_name(registry).map_or("name", |r| r.name_field);
            format!("find it by another field with `lamin list {r} --filter {field}=<value>` or `lamin search {r} <text>`")
        }
        // LaminDB's words for an artifact without a key outside any storage location.
        Error::InvalidOptions { message } if message.starts_with("Pass one of key, run or description") => {
            "pass --key KEY (its path in storage) or --description TEXT".into()
        }
        e if e.is_permission_denied() => "the database user of this instance may read but not write: \
             grant it INSERT, UPDATE and DELETE on the instance's tables, or use a user that may write"
            .into(),
        Error::NotConfigured => "run `lamin init --storage <dir>` or `lamin connect <owner/name>`".into(),
        Error::InstanceNotFound(..) => {
            "check the name (`owner/name`, or `name` for your own instances); `lamin init` creates an instance".into()
        }
        Error::InTrash { registry, id } => format!(
            "restore it with `lamin restore {} {id}`, or delete it for good with --permanent",
            registry.to_lowercase()
        ),
        Error::Refused(refusal) => match refusal {
            Refusal::InstanceExists { slug, .. } => {
                let name = slug.rsplit('/').next().unwrap_or(slug);
                format!("connect to it with `lamin connect {name}`, or pick another --name")
            }
            Refusal::StorageManagedElsewhere { .. } => {
                "connect to that instance with `lamin connect`, or pick another --storage".into()
            }
            Refusal::NotConfirmed { .. } => "pass --force to confirm".into(),
            Refusal::WithinDevDir { dev_dir, .. } => {
                format!("`lamin disconnect --here` in {} removes that connection", dev_dir.display())
            }
            Refusal::StorageNotRegistered { root } => {
                format!("register it first with `lamin storage add {root}`")
            }
            Refusal::OutsideStorage { bucket, .. } => format!("register it with `lamin storage add {bucket}`"),
            Refusal::InstanceNotEmpty { .. } => "make an empty instance with `lamin init` and import there".into(),
            Refusal::InstanceHasArtifacts { slug, .. } => format!(
                "`lamin connect {slug}`, then `lamin delete artifact <uid> --permanent` for each of its artifacts"
            ),
            Refusal::DefaultStorage => "`lamin settings set storage <root>` switches the default".into(),
            Refusal::InstanceBusy { .. } => {
                "wait for the other `lamin` command to finish (`lamin doctor` says what is in progress)".into()
            }
            Refusal::NotAnInstanceDatabase { .. } => {
                "copy the database back from a backup; `lamin delete instance <name> --force` forgets the instance".into()
            }
            Refusal::OtherInstanceDatabase { .. } => {
                "`lamin connect` to the instance it belongs to, or pick another --storage".into()
            }
            Refusal::FolderHoldsArtifacts { .. } => {
                "`lamin delete artifact <uid> --permanent` for those first, or drop --delete-data to keep the bytes"
                    .into()
            }
            Refusal::DatabaseNotEmpty { .. } => "give an empty database (`createdb <name>` makes one)".into(),
            Refusal::DatabaseLeftovers { .. } => {
                "`dropdb <name> && createdb <name>` empties it (or give another, empty database)".into()
            }
            Refusal::NotThisInstance { .. } => {
                "`lamin settings get db` shows the URL in use; give the URL of that database".into()
            }
            Refusal::SqliteHasNoUrl { .. } => {
                "`lamin io move --to postgresql://…` moves the instance to a PostgreSQL database".into()
            }
            _ => return None,
        },
        _ => return None,
    })
}
