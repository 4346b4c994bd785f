//! Printing: messages on stderr in LaminDB's style, tables and JSON on stdout.
//!
//! Every write to stdout is checked. A failed write is a [`StdoutError`], which `main` reports
//! with exit status 1 (a full disk, a closed file), except a broken pipe: the reader went away
//! (`lamin list ulabel | head -1`), so the command ends quietly with status 0, whichever command
//! it was.
//!
//! What is printed for people (tables, `field  value` listings, the lineage tree, messages on
//! stderr) has its control characters escaped (`ESC` is shown as `\u{1b}`), always, terminal or
//! not: a record's name written by someone else cannot move the cursor, retitle or recolour the
//! terminal. Machine output is exact: JSON (serde escapes control characters), CSV and the other
//! `df` formats, paths and single values.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use lamindb_core::SQLRecord;

/// A write to stdout that failed. `main` ends quietly with status 0 when it is a broken pipe
/// ([`StdoutError::is_broken_pipe`]), else prints it and exits 1.
#[derive(Debug)]
pub(crate) struct StdoutError(std::io::Error);

impl std::fmt::Display for StdoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

impl StdoutError {
    /// Whether the reader of stdout went away (`EPIPE`).
    pub(crate) fn is_broken_pipe(&self) -> bool {
        self.0.kind() == std::io::ErrorKind::BrokenPipe
    }
}

impl From<std::io::Error> for StdoutError {
    fn from(e: std::io::Error) -> StdoutError {
        StdoutError(e)
    }
}

/// Whether `e` (or one of its causes) is a broken pipe on stdout: the command ends quietly.
pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<StdoutError>().is_some_and(StdoutError::is_broken_pipe))
}

/// Writes `text` to stdout and flushes it.
fn write_out(text: &str) -> Result<(), StdoutError> {
    bytes(text.as_bytes())
}

/// Bytes on stdout, exactly as given, flushed.
pub(crate) fn bytes(data: &[u8]) -> Result<(), StdoutError> {
    let mut out = std::io::stdout().lock();
    out.write_all(data)?;
    out.flush()?;
    Ok(())
}

/// Stdout, buffered, for output written piece by piece (`save`'s uids, `df`'s CSV): the first
/// failed write is kept, and every later write fails at once with the same kind of error, so a
/// writer that ignores results costs nothing more; [`Stdout::finish`] returns it.
pub(crate) struct Stdout(std::io::BufWriter<Checked>);

/// The unbuffered side of [`Stdout`]: remembers its first error.
struct Checked {
    out: std::io::StdoutLock<'static>,
    failed: Option<std::io::Error>,
}

impl Write for Checked {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(e) = &self.failed {
            return Err(std::io::Error::new(e.kind(), e.to_string()));
        }
        self.out.write(buf).inspect_err(|e| self.remember(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(e) = &self.failed {
            return Err(std::io::Error::new(e.kind(), e.to_string()));
        }
        self.out.flush().inspect_err(|e| self.remember(e))
    }
}

impl Checked {
    fn remember(&mut self, e: &std::io::Error) {
        if e.kind() != std::io::ErrorKind::Interrupted {
            let copy = match e.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(e.kind(), e.to_string()),
            };
            self.failed = Some(copy);
        }
    }
}

impl Stdout {
    pub(crate) fn new() -> Stdout {
        Stdout(std::io::BufWriter::new(Checked { out: std::io::stdout().lock(), failed: None }))
    }

    /// Flushes, and returns the first write that failed.
    pub(crate) fn finish(mut self) -> Result<(), StdoutError> {
        let flushed = self.0.flush();
        if let Some(e) = self.0.get_mut().failed.take() {
            return Err(StdoutError(e));
        }
        Ok(flushed?)
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `text` with its control characters escaped as `\u{…}` (`ESC` → `\u{1b}`); with
/// `keep_newlines`, line breaks stay as they are.
pub(crate) fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let escaped = |c: char| c.is_control() && !(keep_newlines && c == '\n');
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// An informational message (`→ …`), on stderr.
pub(crate) fn info(msg: &str) {
    let _ = writeln!(std::io::stderr(), "→ {}", escape(msg, true));
}

/// A warning (`! …`), on stderr.
pub(crate) fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr(), "! {}", escape(msg, true));
}

/// An error with its causes, on stderr: the chain `context: cause: …`, each cause once (a
/// message that already says its cause is not followed by it again).
pub(crate) fn error(e: &anyhow::Error) {
    let _ = writeln!(std::io::stderr(), "error: {}", escape(&chain(e), true));
    if let Some(hint) = crate::hint::hint(e) {
        let _ = writeln!(std::io::stderr(), "hint: {}", escape(&hint, true));
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

/// A line of data on stdout, exactly as given (a path, a count, a value).
pub(crate) fn line(text: &str) -> Result<(), StdoutError> {
    write_out(&format!("{text}\n"))
}

/// Lines of text for people on stdout, control characters escaped (line breaks kept).
pub(crate) fn text(text: &str) -> Result<(), StdoutError> {
    write_out(&format!("{}\n", escape(text, true)))
}

/// JSON on stdout.
pub(crate) fn json(value: &serde_json::Value) -> Result<(), StdoutError> {
    let text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    line(&text)
}

/// Records as a table that fits the terminal, with the given columns.
pub(crate) fn table<R: SQLRecord>(records: &[R], columns: &[&str]) -> Result<(), StdoutError> {
    let header: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| columns.iter().map(|c| r.value(c).map(|v| v.to_string()).unwrap_or_default()).collect())
        .collect();
    cells(&header, &rows)
}

/// A table of text cells with a header, fitting the terminal; control characters escaped.
pub(crate) fn cells(header: &[String], rows: &[Vec<String>]) -> Result<(), StdoutError> {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    if std::io::stdout().is_terminal() {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    t.set_header(header.iter().map(|h| escape(h, true).into_owned()));
    for r in rows {
        t.add_row(r.iter().map(|c| escape(c, true).into_owned()));
    }
    line(&t.to_string())
}

/// `field  value` lines under a title; control characters escaped, line breaks too (a value
/// stays on its line).
pub(crate) fn fields<'a>(
    title: &str,
    pairs: impl Iterator<Item = (&'a str, String)>,
) -> Result<(), StdoutError> {
    let pairs: Vec<(&str, String)> = pairs.collect();
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = format!("{title}\n");
    for (k, v) in pairs {
        out.push_str(&format!("  {k:width$}  {}\n", escape(&v, false)));
    }
    write_out(&out)
}

/// One record as `field  value` lines.
pub(crate) fn record<R: SQLRecord>(r: &R) -> Result<(), StdoutError> {
    let values = r.values();
    fields(
        R::REGISTRY.name,
        R::REGISTRY.fields.iter().map(|f| f.name).zip(values.iter().map(|v| v.to_string())),
    )
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

    #[test]
    fn control_characters_are_escaped_and_the_rest_is_kept() {
        assert_eq!(escape("\x1b]0;owned\x07T cell", true), "\\u{1b}]0;owned\\u{7}T cell");
        assert_eq!(escape("a\nb\tc", true), "a\nb\\u{9}c");
        assert_eq!(escape("a\nb", false), "a\\u{a}b");
        assert_eq!(escape("\u{9b}31m", true), "\\u{9b}31m");
        assert!(matches!(escape("Zellen – ü", true), Cow::Borrowed(_)));
    }

    #[test]
    fn a_broken_pipe_is_found_under_context() {
        let pipe = StdoutError(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&anyhow::Error::new(pipe).context("listing")));
        let full = StdoutError(std::io::Error::from_raw_os_error(28));
        assert!(!is_broken_pipe(&anyhow::Error::new(full)));
    }
}
