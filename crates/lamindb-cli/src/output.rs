//! Printing: messages on stderr in LaminDB's style, tables and JSON on stdout.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use lamindb_core::Record;

/// An informational message (`→ …`), on stderr.
pub(crate) fn info(msg: &str) {
    let _ = writeln!(std::io::stderr(), "→ {msg}");
}

/// A warning (`! …`), on stderr.
pub(crate) fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr(), "! {msg}");
}

/// An error with its causes, on stderr: the chain `context: cause: …`, each cause once (a
/// message that already says its cause is not followed by it again).
pub(crate) fn error(e: &anyhow::Error) {
    let _ = writeln!(std::io::stderr(), "error: {}", chain(e));
    if let Some(hint) = crate::hint::hint(e) {
        let _ = writeln!(std::io::stderr(), "hint: {hint}");
    }
}

fn chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// A line of data on stdout.
pub(crate) fn line(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

/// JSON on stdout.
pub(crate) fn json(value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    line(&text);
}

/// Records as a table that fits the terminal, with the given columns.
pub(crate) fn table<R: Record>(records: &[R], columns: &[&str]) {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    if std::io::stdout().is_terminal() {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    t.set_header(columns.iter().copied());
    for r in records {
        t.add_row(columns.iter().map(|c| r.value(c).map(|v| v.to_string()).unwrap_or_default()));
    }
    line(&t.to_string());
}

/// A table of text cells with a header, fitting the terminal.
pub(crate) fn cells(header: &[String], rows: &[Vec<String>]) {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    if std::io::stdout().is_terminal() {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    t.set_header(header.iter().cloned());
    for r in rows {
        t.add_row(r.iter().cloned());
    }
    line(&t.to_string());
}

/// `field  value` lines under a title.
pub(crate) fn fields<'a>(title: &str, pairs: impl Iterator<Item = (&'a str, String)>) {
    let pairs: Vec<(&str, String)> = pairs.collect();
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = format!("{title}\n");
    for (k, v) in pairs {
        out.push_str(&format!("  {k:width$}  {v}\n"));
    }
    let _ = write!(std::io::stdout(), "{out}");
}

/// One record as `field  value` lines.
pub(crate) fn record<R: Record>(r: &R) {
    let values = r.values();
    fields(
        R::REGISTRY.name,
        R::REGISTRY.fields.iter().map(|f| f.name).zip(values.iter().map(|v| v.to_string())),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_is_printed_once() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = anyhow::Error::new(lamindb_core::Error::Io { path: "x.txt".into(), source: io })
            .context("cannot save x.txt");
        assert_eq!(chain(&e), "cannot save x.txt: x.txt: entity not found");
    }
}
