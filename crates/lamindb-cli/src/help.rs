//! `lamin --help` with the commands in groups, as lamin-cli groups them, and `lamin man`.

use std::fmt::Write;

/// The groups of `lamin --help`, in order; every command is in one (a test checks).
pub(crate) const GROUPS: &[(&str, &[&str])] = &[
    ("Configure your environment", &["connect", "info", "init", "disconnect"]),
    ("Save, load, create & delete", &["save", "load", "create", "delete", "restore"]),
    (
        "Describe, update, annotate & list",
        &["describe", "annotate", "update", "get", "list", "df", "search", "lookup"],
    ),
    ("Track shell scripts & commands", &["track", "finish"]),
    ("Manage settings, storage & data migrations", &["settings", "storage", "io", "transfer", "doctor"]),
    ("Shell", &["completions", "man"]),
];

/// `cmd` with a help template that lists its subcommands under [`GROUPS`].
pub(crate) fn grouped(cmd: clap::Command) -> clap::Command {
    let width = GROUPS.iter().flat_map(|(_, names)| names.iter().map(|n| n.len())).max().unwrap_or(0) + 2;
    let mut commands = String::new();
    for (heading, names) in GROUPS {
        let _ = writeln!(commands, "{heading}:");
        // `df` is left out of a `lamin` built without DataFrames.
        for (name, sub) in names.iter().filter_map(|n| Some((n, cmd.find_subcommand(n)?))) {
            let about = sub.get_about().map(|a| summary(&a.to_string())).unwrap_or_default();
            let _ = writeln!(commands, "  {name:<width$}{about}");
        }
        commands.push('\n');
    }
    let _ = writeln!(commands, "  {:<width$}{}\n", "help", "Print this message or the help of a command");
    cmd.help_template(format!(
        "{{before-help}}{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{commands}Options:\n{{options}}{{after-help}}"
    ))
}

/// `lamin man`: the manual page on stdout, or one page per command into `dir` (clap_mangen).
pub(crate) fn man(dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    use anyhow::Context;
    let cmd = <crate::Cli as clap::CommandFactory>::command();
    match dir {
        // Rendered in memory, then written as any other output (a reader that stops early,
        // `lamin man | head`, is not an error).
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page).context("rendering the manual page")?;
            Ok(crate::output::bytes(&page)?)
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("writing manual pages into {}", dir.display()))?;
            crate::output::info(&format!(
                "wrote manual pages into {} (`man lamin` once it is on MANPATH)",
                dir.display()
            ));
            Ok(())
        }
    }
}

/// The first sentence of a command's about text, on one line, without its final period.
fn summary(about: &str) -> String {
    let text = about.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = text.find(". ").map_or(text.as_str(), |end| &text[..end]);
    first.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_in_exactly_one_group() {
        let cmd = <crate::Cli as clap::CommandFactory>::command();
        let grouped: Vec<&str> = GROUPS.iter().flat_map(|(_, names)| names.iter().copied()).collect();
        for sub in cmd.get_subcommands() {
            let n = grouped.iter().filter(|g| **g == sub.get_name()).count();
            assert_eq!(n, 1, "`lamin {}` is in {n} groups of `lamin --help`", sub.get_name());
        }
        for name in grouped {
            let built = cfg!(feature = "frame") || name != "df";
            assert_eq!(cmd.find_subcommand(name).is_some(), built, "group entry {name}");
        }
    }
}
