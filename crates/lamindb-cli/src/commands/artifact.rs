//! `lamin save`, `lamin load` and `lamin delete artifact`: artifacts from the command line.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use lamindb_core::{
    Artifact, ArtifactOptions, ArtifactOutcome, ArtifactSource, Instance, Progress, SQLRecord, SaveSummary,
};

use super::current_instance;
use crate::output;

#[derive(Debug, Args)]
pub(crate) struct SaveArgs {
    /// Files or folders to save (a folder is one artifact, unless --one-per-file), or objects in
    /// a registered cloud location (`s3://bucket/key`, `s3://bucket/prefix/` for every object
    /// below it), registered in place with the hashes of their listing: nothing is downloaded.
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
    /// Save each file below a folder as its own artifact (keys `<prefix>/<relative path>`); for
    /// an `s3://` or `gs://` prefix, register every object below it.
    #[arg(long)]
    one_per_file: bool,
    /// How many files are copied at the same time (default: 8 in the cloud, else the cores up to 4).
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// Hash every file again, even those unchanged (same size, times and inode) since they were
    /// last saved; by default their hashes come from the stat cache.
    #[arg(long)]
    rehash: bool,
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

/// A progress bar of bytes copied, with the numbers of files checked and copied, on stderr.
struct Bar {
    bar: ProgressBar,
    checked: AtomicU64,
    copied: AtomicU64,
    to_copy: AtomicU64,
}

impl Bar {
    fn message(&self) {
        let (checked, copied, to_copy) = (
            self.checked.load(Ordering::Relaxed),
            self.copied.load(Ordering::Relaxed),
            self.to_copy.load(Ordering::Relaxed),
        );
        self.bar.set_message(format!("{copied}/{to_copy} files copied, {checked} checked"));
    }
}

impl Progress for Bar {
    fn checked(&self, files: u64) {
        let n = self.checked.fetch_add(files, Ordering::Relaxed) + files;
        if n % 256 == 0 {
            self.message();
        }
    }
    fn start(&self, files: u64, bytes: u64) {
        self.to_copy.fetch_add(files, Ordering::Relaxed);
        self.bar.inc_length(bytes);
        self.message();
    }
    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
    fn file_done(&self) {
        let n = self.copied.fetch_add(1, Ordering::Relaxed) + 1;
        if n % 64 == 0 {
            self.message();
        }
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
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Box::new(Bar { bar, checked: AtomicU64::new(0), copied: AtomicU64::new(0), to_copy: AtomicU64::new(0) })
}

/// Results described one by one, up to this many; a summary line beyond.
const DESCRIBED: usize = 10;

pub(crate) fn save(args: SaveArgs) -> anyhow::Result<()> {
    let inst = super::current_instance_to_write()?;
    let expanded = args.one_per_file && args.paths.iter().any(|p| p.is_dir());
    let single = args.paths.len() == 1 && !expanded;
    if args.key.is_some() && !single && !expanded {
        anyhow::bail!("--key names one artifact: pass one path, or a folder with --one-per-file");
    }
    // Cloud objects are registered in place from their listings; local folders with
    // --one-per-file are walked lazily: sources stream into batches.
    let is_cloud =
        |p: &std::path::Path| p.to_str().is_some_and(|s| s.starts_with("s3://") || s.starts_with("gs://"));
    let (cloud, local): (Vec<&PathBuf>, Vec<&PathBuf>) = args.paths.iter().partition(|p| is_cloud(p));
    if !cloud.is_empty() && args.key.is_some() {
        anyhow::bail!("--key: cloud objects are registered under their paths in their storage location");
    }
    let mut walks = Vec::new();
    for path in &local {
        if args.one_per_file && path.is_dir() {
            walks.push(Some(ArtifactSource::walk_dir(path, args.key.as_deref())?));
        } else {
            walks.push(None);
        }
    }
    let key = if single { args.key.clone() } else { None };
    let sources = local.iter().zip(walks).flat_map(|(path, walk)| -> Box<dyn Iterator<Item = _>> {
        match walk {
            Some(w) => Box::new(w),
            None => Box::new(std::iter::once(Ok(ArtifactSource { path: (*path).clone(), key: key.clone() }))),
        }
    });
    let opts = ArtifactOptions {
        description: args.description.clone(),
        storage: args.storage.clone(),
        kind: args.kind.clone(),
        parallel: args.jobs,
        rehash: args.rehash,
        ..Default::default()
    };
    let bar = progress();
    // A failed write to stdout does not stop the save: it is reported once the save is done.
    let mut out = output::Stdout::new();
    let mut seen = 0usize;
    let mut created_msgs = Vec::new();
    if args.json {
        let _ = write!(out, "[");
    }
    let mut each = |a: &Artifact, outcome: &ArtifactOutcome| -> lamindb_core::Result<()> {
        if seen < DESCRIBED {
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
                ArtifactOutcome::Created | ArtifactOutcome::RegisteredInPlace => {
                    created_msgs.push(format!("saved {} at {}", describe(a), a.path(&inst)?))
                }
            }
        }
        // Errors are kept by `out` and returned by `out.finish()`.
        let _ = if args.json {
            let sep = if seen == 0 { "\n" } else { ",\n" };
            let text = serde_json::to_string_pretty(&a.to_json()).expect("JSON values serialize");
            write!(out, "{sep}{}", indent(&text))
        } else {
            writeln!(out, "{}", a.uid)
        };
        seen += 1;
        Ok(())
    };
    let mut summary = SaveSummary::default();
    let saved = (|| -> lamindb_core::Result<()> {
        for url in &cloud {
            let url = url.to_str().unwrap_or_default();
            summary +=
                Artifact::register_objects(&inst, url, args.one_per_file, &opts, bar.as_ref(), &mut each)?;
        }
        if !local.is_empty() {
            summary += Artifact::save_streamed(&inst, sources, &opts, bar.as_ref(), &mut each)?;
        }
        Ok(())
    })();
    // The JSON array is closed whatever happened: it lists the artifacts saved before an error.
    if args.json {
        let _ = writeln!(out, "{}]", if seen == 0 { "" } else { "\n" });
    }
    let printed = out.finish();
    saved?;
    printed?;
    if summary.total() <= DESCRIBED {
        created_msgs.iter().for_each(|m| output::info(m));
    } else {
        let mut parts =
            vec![format!("saved {} new artifacts", summary.created + summary.registered_in_place)];
        if summary.new_versions > 0 {
            parts.push(format!("{} new versions", summary.new_versions));
        }
        parts.push(format!("{} existing", summary.existing));
        if summary.resumed > 0 {
            parts.push(format!("{} interrupted uploads completed", summary.resumed));
        }
        output::info(&parts.join(", "));
    }
    Ok(())
}

/// Indents every line of a pretty-printed JSON value by two spaces (an element of an array).
fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
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
        (_, Some(key)) => Artifact::get_by_key(&inst, key)?,
        (Some(idlike), None) => Artifact::get(&inst, idlike)?,
        (None, None) => anyhow::bail!("pass an id, uid or uid prefix, or --key"),
    })
}

pub(crate) fn load(args: LoadArgs) -> anyhow::Result<()> {
    let inst = current_instance()?;
    let a = find(&inst, args.idlike.as_deref(), args.key.as_deref())?;
    if args.df {
        #[cfg(not(feature = "frame"))]
        return Err(super::no_frame("lamin load --df"));
        #[cfg(feature = "frame")]
        {
            let df = lamindb_frame::load_artifact(&inst, &a)?;
            output::text(&df.to_string())?;
            return Ok(());
        }
    }
    let path = a.cache(&inst).map_err(|e| {
        let hint = if e.is_not_found() {
            "; its bytes are missing from storage (`lamin doctor` lists such artifacts)"
        } else {
            ""
        };
        anyhow::Error::new(e).context(format!("cannot load artifact {}{hint}", a.uid))
    })?;
    output::line(&path.display().to_string())?;
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
    let inst = super::current_instance_to_write()?;
    let a = Artifact::get(&inst, idlike)?;
    if !permanent {
        let trashed = a.trash(&inst, keep_data)?;
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
    match a.delete_permanently_with(&inst, choice)? {
        Some(path) => output::info(&format!("a file/folder remains here: {path}")),
        None => output::info(&format!("deleted {}", describe(&a))),
    }
    Ok(())
}
