//! One module per group of subcommands.

pub(crate) mod artifact;
pub(crate) mod delete;
pub(crate) mod df;
pub(crate) mod doctor;
pub(crate) mod instance;
pub(crate) mod records;
pub(crate) mod storage;

use std::path::PathBuf;

use anyhow::Context;
use lamindb_core::{Instance, SettingsDir};

/// The settings directory from the environment.
pub(crate) fn settings_dir() -> SettingsDir {
    SettingsDir::from_env()
}

/// The working directory.
pub(crate) fn cwd() -> anyhow::Result<PathBuf> {
    std::env::current_dir().context("cannot read the working directory")
}

/// Opens the current instance.
pub(crate) fn current_instance() -> anyhow::Result<Instance> {
    Ok(Instance::current_in(&settings_dir(), &cwd()?)?)
}
