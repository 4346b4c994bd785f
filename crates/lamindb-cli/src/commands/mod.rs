//! One module per group of subcommands.

pub(crate) mod annotate;
pub(crate) mod artifact;
pub(crate) mod create;
pub(crate) mod delete;
pub(crate) mod describe;
#[cfg(feature = "frame")]
pub(crate) mod df;
pub(crate) mod doctor;
pub(crate) mod instance;
pub(crate) mod io;
pub(crate) mod records;
pub(crate) mod storage;
pub(crate) mod track;
pub(crate) mod transfer;

use std::path::PathBuf;

use anyhow::Context;
use lamindb_core::settings::CurrentSource;
use lamindb_core::{Instance, InstanceSettings, SettingsDir};

/// The registries a command accepts, by lower-case name (case is ignored): for `--help`,
/// completions, and a usage error that lists them.
pub(crate) fn registry_names() -> clap::builder::PossibleValuesParser {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let lower = lamindb_core::models::all_registries().map(|r| r.name.to_ascii_lowercase());
        // Once per process: the names live as long as the command definition.
        lower.into_iter().map(|n| &*Box::leak(n.into_boxed_str())).collect()
    });
    clap::builder::PossibleValuesParser::new(names.iter().copied())
}

/// The error of a command that needs DataFrames in a `lamin` built without them.
#[cfg(not(feature = "frame"))]
pub(crate) fn no_frame(what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{what} needs DataFrames, which this lamin was built without: build it with the default features (cargo feature `frame`)"
    )
}

/// The settings directory from the environment.
pub(crate) fn settings_dir() -> SettingsDir {
    SettingsDir::from_env()
}

/// The working directory.
pub(crate) fn cwd() -> anyhow::Result<PathBuf> {
    std::env::current_dir().context("cannot read the working directory")
}

/// Opens the current instance, attached to the run this process belongs to, if any
/// (`lamin track`).
pub(crate) fn current_instance() -> anyhow::Result<Instance> {
    let inst = current_instance_untracked()?;
    track::attach_active_run(&inst)?;
    Ok(inst)
}

/// Opens the current instance without looking for a run.
pub(crate) fn current_instance_untracked() -> anyhow::Result<Instance> {
    open_current(false)
}

/// [`current_instance`] for a command that writes: says which instance it writes to when a
/// development directory chose it over the global current instance.
pub(crate) fn current_instance_to_write() -> anyhow::Result<Instance> {
    let inst = open_current(true)?;
    track::attach_active_run(&inst)?;
    Ok(inst)
}

/// [`current_instance_untracked`] for a command that writes (see [`current_instance_to_write`]).
pub(crate) fn current_instance_untracked_to_write() -> anyhow::Result<Instance> {
    open_current(true)
}

/// Opens the current instance as LaminDB resolves it (`Instance::current_in`); with `write`, a
/// development directory that chose another instance than the global one (or chose one where
/// there is no global one) is named on stderr before anything is written.
fn open_current(write: bool) -> anyhow::Result<Instance> {
    let (settings, dir) = resolve_current(write)?;
    Ok(settings.open(&dir)?)
}

/// The settings of the current instance, not opened; with `write`, named on stderr when a
/// development directory chose it (see [`open_current`]).
pub(crate) fn resolve_current(write: bool) -> anyhow::Result<(InstanceSettings, SettingsDir)> {
    let dir = settings_dir();
    let (settings, from) = dir.resolve_current_from(&cwd()?)?.ok_or(lamindb_core::Error::NotConfigured)?;
    if write && let CurrentSource::DevDir(dev_dir) = &from {
        let global = dir.current_global().ok().flatten().map(|g| g.slug());
        if global.as_deref() != Some(settings.slug().as_str()) {
            crate::output::info(&format!(
                "writing to {}, the instance of development directory {}",
                settings.slug(),
                dev_dir.display()
            ));
        }
    }
    Ok((settings, dir))
}
