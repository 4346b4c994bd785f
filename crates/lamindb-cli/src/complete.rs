//! Completions that depend on what is there, served by `COMPLETE=<shell> lamin` (clap_complete's
//! dynamic engine: the shell asks `lamin` itself at each TAB): instance names after `connect`
//! and `--instance`, and the fields and lookups of the registry the command line names after
//! `--filter`, `--exclude`, `--order-by`, `--field` and `--include`.

use std::ffi::OsStr;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use lamindb_core::Lookup;
use lamindb_core::models::{registry_by_name, relations};

/// Instance names: `owner/name` of every settings file, and `name` of the current user's.
pub(crate) fn instances() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        let dir = super::commands::settings_dir();
        let me = dir.user().map(|u| u.handle).unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        for (owner, name) in dir.instances() {
            // A bare name means one of the current user's instances.
            if owner == me {
                out.push(name.clone());
            }
            out.push(format!("{owner}/{name}"));
        }
        candidates(out, &current)
    })
}

/// `field__lookup=` terms of the named registry.
pub(crate) fn filter_terms() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let current = current.to_string_lossy();
        let fields = registry_fields();
        // After `field__`: the lookups of that field.
        if let Some((path, _)) = current.rsplit_once("__")
            && fields.iter().any(|f| f == path.split("__").next().unwrap_or(path))
        {
            let lookups = Lookup::ALL.iter().map(|(name, _)| format!("{path}__{name}="));
            return candidates(lookups.collect(), &current);
        }
        let terms = fields.iter().flat_map(|f| [format!("{f}="), format!("{f}__")]);
        candidates(terms.collect(), &current)
    })
}

/// Field names of the named registry (with `descending`, also `-field`).
pub(crate) fn field_names(descending: bool) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &OsStr| {
        let current = current.to_string_lossy();
        let fields = registry_fields();
        let minus = fields.iter().filter(|_| descending).map(|f| format!("-{f}"));
        candidates(fields.iter().cloned().chain(minus).collect(), &current)
    })
}

/// The fields of the first registry named on the command line ([`Registry::field_names`](lamindb_core::Registry::field_names))
/// and its reverse and many-to-many relations.
fn registry_fields() -> Vec<String> {
    // The words of the line being completed follow the first `--`.
    let words: Vec<String> = std::env::args().skip_while(|a| a != "--").skip(2).collect();
    let Some(reg) = words.iter().find_map(|w| registry_by_name(w)) else { return Vec::new() };
    let mut out = reg.field_names();
    out.extend(relations(reg.name).iter().map(|r| r.name().to_string()));
    out.sort();
    out.dedup();
    out
}

fn candidates(values: Vec<String>, current: &str) -> Vec<CompletionCandidate> {
    let mut values: Vec<String> = values.into_iter().filter(|v| v.starts_with(current)).collect();
    values.sort();
    values.dedup();
    values.into_iter().map(CompletionCandidate::new).collect()
}
