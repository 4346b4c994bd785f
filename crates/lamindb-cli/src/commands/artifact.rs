//! `lamin save`, `lamin load` and `lamin delete artifact`: artifacts from the command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use lamindb_core::{Artifact, ArtifactOptions, ArtifactOutcome, ArtifactSource, Instance, Progress, Record};

use super::current_instance;
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct SaveArgs {
    /// Files or folders to save (a folder is one artifact, unless --one-per-file).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The key (one path), or the key prefix of the files of a folder with --one-per-file
    /// (default: the folder's name).
    #[arg(long)]
    key: Option<String>,
    /// A description.
    #[arg(long)]
    description: Option<String>,
    /// The storage location to copy into (root, id or uid); the default storage otherwise.
    #[arg(long)]
    storage: Option<String>,
    /// The kind: dataset, model, or free text.
    #[arg(long)]
    kind: Option<String>,
    /// Save each file below a folder as its own artifact (keys `<prefix>/<relative path>`).
    #[arg(long)]
    one_per_file: bool,
    /// How many files are copied at the same time (default: 8 in the cloud, else the cores up to 4).
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// Print the saved records as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LoadArgs {
    /// The artifact's id, uid or uid prefix.
    #[arg(required_unless_present = "key")]
    idlike: Option<String>,
    /// The artifact's key instead (its latest version).
    #[arg(long, conflicts_with = "idlike")]
    key: Option<String>,
    /// Print the table (CSV, TSV, Parquet, IPC, JSON) instead of the cached path.
    #[arg(long)]
    df: bool,
}

/// A progress bar of bytes, with the number of files, on stderr.
struct Bar {
    bar: ProgressBar,
    files: AtomicU64,
    total: AtomicU64,
}

impl Progress for Bar {
    fn start(&self, files: u64, bytes: u64) {
        self.total.store(files, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.set_message(format!("0/{files} files"));
    }
    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
    fn file_done(&self) {
        let done = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        self.bar.set_message(format!("{done}/{} files", self.total.load(Ordering::Relaxed)));
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn progress() -> Box<dyn Progress> {
    if !std::io::stderr().is_terminal() {
        return Box::new(lamindb_core::NoProgress);
    }
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Box::new(Bar { bar, files: AtomicU64::new(0), total: AtomicU64::new(0) })
}

pub(crate) fn save(args: SaveArgs) -> anyhow::Result<()> {
    let inst = current_instance()?;
    let mut sources = Vec::new();
    for path in &args.paths {
        if args.one_per_file && path.is_dir() {
            sources.extend(ArtifactSource::files_of_dir(path, args.key.as_deref())?);
        } else {
            sources.push(ArtifactSource::new(path));
        }
    }
    let expanded = args.one_per_file && args.paths.iter().any(|p| p.is_dir());
    let single = args.paths.len() == 1 && !expanded;
    if args.key.is_some() && !single && !expanded {
        anyhow::bail!("--key names one artifact: pass one path, or a folder with --one-per-file");
    }
    let opts = ArtifactOptions {
        key: if single { args.key.clone() } else { None },
        description: args.description.clone(),
        storage: args.storage.clone(),
        kind: args.kind.clone(),
        parallel: args.jobs,
        ..Default::default()
    };
    let bar = progress();
    let saved = inst.create_artifacts(&sources, &opts, bar.as_ref())?;
    let mut created = 0;
    for (a, outcome) in &saved {
        match outcome {
            ArtifactOutcome::SameHash => output::info(&format!(
                "returning artifact with same hash: {}; to track this artifact as an input, use: ln.Artifact.get()",
                describe(a)
            )),
            ArtifactOutcome::NewVersion { previous_uid } => output::info(&format!(
                "creating new artifact version for key '{}' (revises {previous_uid})",
                a.key.as_deref().unwrap_or_default()
            )),
            ArtifactOutcome::Resumed => {
                output::info(&format!("completed the interrupted upload of {}", describe(a)))
            }
            ArtifactOutcome::Created | ArtifactOutcome::RegisteredInPlace => created += 1,
        }
    }
    if saved.len() <= 10 {
        for (a, outcome) in &saved {
            if matches!(outcome, ArtifactOutcome::Created | ArtifactOutcome::RegisteredInPlace) {
                output::info(&format!("saved {} at {}", describe(a), inst.artifact_path(a)?));
            }
        }
    } else {
        output::info(&format!("saved {created} new artifacts, {} existing", saved.len() - created));
    }
    if args.json {
        output::json(&serde_json::Value::Array(saved.iter().map(|(a, _)| a.to_json()).collect()));
    } else {
        for (a, _) in &saved {
            output::line(&a.uid);
        }
    }
    Ok(())
}

fn describe(a: &Artifact) -> String {
    match &a.key {
        Some(k) => format!("Artifact(uid='{}', key='{k}')", a.uid),
        None => {
            format!("Artifact(uid='{}', description={:?})", a.uid, a.description.as_deref().unwrap_or(""))
        }
    }
}

fn find(inst: &Instance, idlike: Option<&str>, key: Option<&str>) -> anyhow::Result<Artifact> {
    Ok(match (idlike, key) {
        (_, Some(key)) => inst.get_artifact_by_key(key)?,
        (Some(idlike), None) => inst.get_artifact(idlike)?,
        (None, None) => anyhow::bail!("pass an id, uid or uid prefix, or --key"),
    })
}

pub(crate) fn load(args: LoadArgs) -> anyhow::Result<()> {
    let inst = current_instance()?;
    let a = find(&inst, args.idlike.as_deref(), args.key.as_deref())?;
    if args.df {
        let df = lamindb_frame::load_artifact(&inst, &a)?;
        output::line(&df.to_string());
        return Ok(());
    }
    let path = inst.cache_artifact(&a).with_context(|| format!("cannot load artifact {}", a.uid))?;
    output::line(&path.display().to_string());
    Ok(())
}

/// `lamin delete artifact <idlike>`: to the trash, or for good with `--permanent`.
pub(crate) fn delete(
    idlike: &str,
    permanent: bool,
    keep_data: bool,
    delete_data: bool,
) -> anyhow::Result<()> {
    if keep_data && delete_data {
        anyhow::bail!("pass either --keep-data or --delete-data");
    }
    let inst = current_instance()?;
    let a = inst.get_artifact(idlike)?;
    if !permanent {
        let trashed = inst.trash_artifact(&a, keep_data)?;
        output::info(&format!("moved record to trash: {}", describe(&trashed)));
        return Ok(());
    }
    let choice = if keep_data {
        Some(false)
    } else if delete_data {
        Some(true)
    } else {
        None
    };
    match inst.delete_artifact_permanently(&a, choice)? {
        Some(path) => output::info(&format!("a file/folder remains here: {path}")),
        None => output::info(&format!("deleted {}", describe(&a))),
    }
    Ok(())
}
