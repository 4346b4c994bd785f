//! Redaction of database passwords, wherever a URL or connection string is printed or put into
//! an error.
//!
//! One parser ([`password_spans`]) finds the passwords of a connection string of any shape that
//! PostgreSQL's client library (libpq) accepts, and of a few it does not. A well-formed URL is
//! parsed by the `url` crate; what it cannot parse, or would rewrite, by hand:
//!
//! - the userinfo of a URL: `postgresql://user:pw@host/db` (the last `@` before the query ends
//!   the userinfo, so a password may hold `@`, `/` or spaces);
//! - a query parameter whose key ends in `password` (libpq's `password`, `sslpassword`), the key
//!   percent-decoded first: `postgresql://u@h/db?password=pw`;
//! - a keyword/value string: `host=h password=pw`, `password = 'p w\'x'` (a quoted value is
//!   redacted with its quotes), and a URL given as the value of another keyword
//!   (`dbname=postgresql://u:pw@h/db`);
//! - text that is not a URL but holds `user:pw@`: `user:pw@host/db`.
//!
//! [`redact_url`] replaces each password with `***` and is the one function used to show a URL.
//! [`redact_message`] cleans a message that may echo a URL (libpq's errors quote the URL, or a
//! piece of it, between double quotes): the URL is replaced by its redacted form, a quoted piece
//! that overlaps a password is replaced as a whole, and any remaining occurrence of a password
//! (raw or percent-decoded) is replaced too.

use std::ops::Range;

/// What a password is replaced with.
const MASK: &str = "***";

/// Replaces every password in a database URL or connection string with `***`.
///
/// ```
/// use lamindb_core::redact_url;
/// assert_eq!(redact_url("postgresql://u:pw@h:5432/db"), "postgresql://u:***@h:5432/db");
/// assert_eq!(redact_url("postgresql://u@h/db?password=pw&sslmode=require"), "postgresql://u@h/db?password=***&sslmode=require");
/// assert_eq!(redact_url("host=h password='p w' dbname=d"), "host=h password=*** dbname=d");
/// assert_eq!(redact_url("user:pw@host/db"), "user:***@host/db");
/// ```
pub fn redact_url(text: &str) -> String {
    mask(text, &password_spans(text))
}

/// Cleans `message`, which may echo `url` or pieces of it (libpq's messages do), of every
/// password of `url`.
pub(crate) fn redact_message(message: &str, url: &str) -> String {
    let spans = password_spans(url);
    if spans.is_empty() {
        return message.to_string();
    }
    let mut out = message.replace(url, &redact_url(url));
    let secrets = secrets(url, &spans);
    out = redact_quoted(&out, url, &spans, &secrets);
    for secret in &secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

/// The byte ranges of the passwords in `s`, sorted and without overlaps.
fn password_spans(s: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    collect(s, 0, &mut spans, 0);
    spans.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in spans.into_iter().filter(|r| !r.is_empty()) {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Adds the password spans of `s` (found at `offset` of the whole text) to `spans`.
fn collect(s: &str, offset: usize, spans: &mut Vec<Range<usize>>, depth: usize) {
    if depth > 4 {
        return;
    }
    let lead = s.len() - s.trim_start().len();
    if let Some(body) = url_body(s) {
        if s[lead..body - 3].eq_ignore_ascii_case("sqlite") {
            return; // a file path: no password, and `:`/`@` in it are no userinfo
        }
        match parsed_url_spans(s) {
            Some(found) => spans.extend(found.into_iter().map(|r| offset + r.start..offset + r.end)),
            None => url_spans(s, body, offset, spans),
        }
    } else if s.find('@').is_some_and(|at| !s[..at].contains('=')) {
        url_spans(s, lead, offset, spans);
    } else {
        keyword_spans(s, offset, spans, depth);
    }
}

/// Where the part after `scheme://` starts, when `s` (leading blanks aside) is a URL.
fn url_body(s: &str) -> Option<usize> {
    let lead = s.len() - s.trim_start().len();
    let sep = s[lead..].find("://")? + lead;
    let scheme = &s[lead..sep];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(sep + 3)
}

/// The userinfo password and the `…password=` query values of a URL that the `url` crate parses
/// and writes back unchanged (a well-formed URL with an authority), located by `url`'s positions.
/// `None` for the rest, which the hand-written [`url_spans`] handles: `url` rejects a userinfo
/// password holding `/` or `?` (it ends the authority there) and rewrites one holding `@` or
/// blanks (percent-encoded), and leading blanks (trimmed); the positions of its output would not
/// be those of the input.
fn parsed_url_spans(s: &str) -> Option<Vec<Range<usize>>> {
    let url = url::Url::parse(s).ok().filter(|u| u.as_str() == s && u.has_authority())?;
    let at = |p: url::Position| url[..p].len();
    let mut spans = Vec::new();
    if url.password().is_some() {
        spans.push(at(url::Position::BeforePassword)..at(url::Position::AfterPassword));
    }
    if let Some(query) = url.query() {
        query_spans(query, at(url::Position::BeforeQuery), &mut spans);
    }
    Some(spans)
}

/// The userinfo password and the `…password=` query values of the URL whose part after the
/// scheme starts at `body`, found by hand where the `url` crate cannot parse the URL or would
/// rewrite it (see [`parsed_url_spans`]).
fn url_spans(s: &str, body: usize, offset: usize, spans: &mut Vec<Range<usize>>) {
    let rest = &s[body..];
    let mut query_from = 0;
    if let Some(first_at) = rest.find('@') {
        let end = rest[first_at..].find('?').map_or(rest.len(), |i| first_at + i);
        let last_at = rest[..end].rfind('@').unwrap_or(first_at);
        if let Some(colon) = rest[..last_at].find(':') {
            spans.push(offset + body + colon + 1..offset + body + last_at);
        }
        query_from = last_at + 1;
    }
    if let Some(q) = rest[query_from..].find('?').map(|i| query_from + i + 1) {
        query_spans(&rest[q..], offset + body + q, spans);
    }
}

/// The values of the `…password=` parameters of a query string found at `start` of the text.
fn query_spans(query: &str, start: usize, spans: &mut Vec<Range<usize>>) {
    let mut at = start;
    for param in query.split('&') {
        if let Some(eq) = param.find('=')
            && is_password_key(&percent_decode(&param[..eq]))
        {
            spans.push(at + eq + 1..at + param.len());
        }
        at += param.len() + 1;
    }
}

/// Whether a connection keyword names a password (`password`, `sslpassword`, any case).
fn is_password_key(key: &str) -> bool {
    key.trim().to_ascii_lowercase().ends_with("password")
}

/// The password values of a libpq keyword/value string, and the passwords of URLs given as
/// values. Where the string stops parsing, every later `password =` is still found.
fn keyword_spans(s: &str, offset: usize, spans: &mut Vec<Range<usize>>, depth: usize) {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        i = skip_blanks(b, i);
        if i >= b.len() {
            return;
        }
        let key_start = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &s[key_start..i];
        i = skip_blanks(b, i);
        if i >= b.len() || b[i] != b'=' {
            return scan_password_keys(s, key_start, offset, spans);
        }
        let value = value_at(b, skip_blanks(b, i + 1));
        i = value.end;
        if is_password_key(key) {
            spans.push(offset + value.start..offset + value.end);
        } else {
            let inner = unquoted(&s[value.clone()]);
            if inner.contains('@') || inner.contains('=') {
                let inner_start = value.start + usize::from(s[value.clone()].starts_with('\''));
                let inner = &s[inner_start..inner_start + inner.len()];
                collect(inner, offset + inner_start, spans, depth + 1);
            }
        }
    }
}

/// Every `…password = value` from `from` on, however the text around it is shaped.
fn scan_password_keys(s: &str, from: usize, offset: usize, spans: &mut Vec<Range<usize>>) {
    let lower = s.to_ascii_lowercase();
    let b = s.as_bytes();
    let mut pos = from;
    while let Some(found) = lower[pos..].find("password") {
        let after = pos + found + "password".len();
        let eq = skip_blanks(b, after);
        if eq < b.len() && b[eq] == b'=' {
            let value = value_at(b, skip_blanks(b, eq + 1));
            spans.push(offset + value.start..offset + value.end);
            pos = value.end.max(after);
        } else {
            pos = after;
        }
    }
}

/// The value starting at `i`: a quoted one (with `\` escapes) up to and with its closing quote
/// (or to the end, unterminated), else up to the next blank.
fn value_at(b: &[u8], start: usize) -> Range<usize> {
    let mut i = start;
    if i < b.len() && b[i] == b'\'' {
        i += 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'\'' => {
                    i += 1;
                    break;
                }
                _ => i += 1,
            }
        }
    } else {
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
    }
    start..i.min(b.len())
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// A keyword value without its quotes (escapes left as they are).
fn unquoted(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(inner) => inner.strip_suffix('\'').unwrap_or(inner),
        None => v,
    }
}

/// `%XX` decoded where it is valid; anything else kept.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The passwords of `url` as they may appear in a message: as written, percent-decoded, and
/// without their quotes and escapes.
fn secrets(url: &str, spans: &[Range<usize>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for span in spans {
        let raw = &url[span.clone()];
        let inner = unquoted(raw);
        for s in [
            raw.to_string(),
            inner.to_string(),
            inner.replace("\\'", "'").replace("\\\\", "\\"),
            percent_decode(raw),
        ] {
            if !s.is_empty() && !out.contains(&s) {
                out.push(s);
            }
        }
    }
    // Longest first, so that a shorter form does not break up a longer one.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

/// Replaces each double-quoted piece of `message` that holds a password, or that is a piece of
/// `url` overlapping one of its passwords, by `"***"`.
fn redact_quoted(message: &str, url: &str, spans: &[Range<usize>], secrets: &[String]) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        let Some(len) = rest[open + 1..].find('"') else {
            break;
        };
        let piece = &rest[open + 1..open + 1 + len];
        let leaks = !piece.is_empty()
            && (secrets.iter().any(|s| piece.contains(s.as_str()))
                || url
                    .match_indices(piece)
                    .any(|(at, _)| spans.iter().any(|r| at < r.end && r.start < at + piece.len())));
        out.push_str(&rest[..=open]);
        out.push_str(if leaks { MASK } else { piece });
        out.push('"');
        rest = &rest[open + len + 2..];
    }
    out.push_str(rest);
    out
}

/// `text` with each span replaced by `***`.
fn mask(text: &str, spans: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        out.push_str(&text[at..span.start]);
        out.push_str(MASK);
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn redacts(input: &str, expected: &str) {
        assert_eq!(redact_url(input), expected, "input: {input}");
    }

    #[test]
    fn userinfo_passwords() {
        redacts("postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db");
        redacts("postgres://u:secret@h/db", "postgres://u:***@h/db");
        redacts("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db");
        redacts("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db");
        redacts("postgresql://u:pa ss@h/db", "postgresql://u:***@h/db");
        redacts("postgresql://u:a/b@h/db", "postgresql://u:***@h/db");
        redacts("postgresql://u:a?b@h/db", "postgresql://u:***@h/db");
        redacts("postgresql://u:a:b@h/db", "postgresql://u:***@h/db");
        redacts("postgresql://:secret@h/db", "postgresql://:***@h/db");
        redacts("  postgresql://u:secret@h/db", "  postgresql://u:***@h/db");
        redacts("mysql://u:secret@h/db", "mysql://u:***@h/db");
        redacts("postgresql+psycopg://u:secret@h/db", "postgresql+psycopg://u:***@h/db");
    }

    #[test]
    fn nothing_to_redact() {
        for s in [
            "postgresql://u@h/db",
            "postgresql://h/db",
            "postgresql:///db?host=/tmp",
            "sqlite:////x/lamin.db",
            "sqlite:////x/a:b@c/lamin.db",
            "/data/lamin.db",
            "host=h user=u dbname=d",
            "",
            "owner/name",
        ] {
            redacts(s, s);
        }
    }

    #[test]
    fn query_passwords() {
        redacts("postgresql://u@h/db?password=secret", "postgresql://u@h/db?password=***");
        redacts(
            "postgresql://u@h/db?sslmode=require&password=secret&connect_timeout=3",
            "postgresql://u@h/db?sslmode=require&password=***&connect_timeout=3",
        );
        redacts("postgresql://u@h/db?PASSWORD=secret", "postgresql://u@h/db?PASSWORD=***");
        redacts("postgresql://u@h/db?pass%77ord=secret", "postgresql://u@h/db?pass%77ord=***");
        redacts("postgresql://u@h/db?sslpassword=secret", "postgresql://u@h/db?sslpassword=***");
        redacts("postgresql://u:one@h/db?password=two", "postgresql://u:***@h/db?password=***");
        redacts("postgresql://u@h/db?password=a%zzb", "postgresql://u@h/db?password=***");
        redacts("postgresql://u@h/db?password=se cret", "postgresql://u@h/db?password=***");
        redacts("postgresql:///db?password=secret", "postgresql:///db?password=***");
    }

    #[test]
    fn keyword_passwords() {
        redacts("host=h password=secret dbname=d", "host=h password=*** dbname=d");
        redacts("host=h password = secret dbname=d", "host=h password = *** dbname=d");
        redacts("password='se cret' host=h", "password=*** host=h");
        redacts(r"password='it\'s se\\cret' host=h", "password=*** host=h");
        redacts("password='unterminated host=h", "password=***");
        redacts("host=h\tpassword=secret", "host=h\tpassword=***");
        redacts("host=h sslpassword=secret", "host=h sslpassword=***");
        redacts("host=h PASSWORD=secret", "host=h PASSWORD=***");
        redacts("host=h junk password=secret", "host=h junk password=***");
        redacts("dbname=postgresql://u:secret@h/db", "dbname=postgresql://u:***@h/db");
        redacts("dbname='postgresql://u@h/db?password=secret'", "dbname='postgresql://u@h/db?password=***'");
        redacts("host=h password=", "host=h password=");
    }

    #[test]
    fn userinfo_without_a_scheme() {
        redacts("user:secret@host/db", "user:***@host/db");
        redacts("user:secret@host:5432/db?password=x", "user:***@host:5432/db?password=***");
        redacts("user:sec ret@host/db", "user:***@host/db");
        redacts("user@host/db", "user@host/db");
    }

    #[test]
    fn messages_lose_every_form_of_the_password() {
        let url = "postgresql://u:pa ss@h/db";
        let m = format!(
            "invalid connection string \"{url}\": unexpected spaces found in \"{url}\", use percent-encoded spaces (%20) instead"
        );
        let out = redact_message(&m, url);
        assert!(!out.contains("pa ss") && !out.contains("ss@"), "{out}");
        assert!(out.contains("unexpected spaces"), "{out}");

        let url = "postgresql://u@h/db?password=p%zzw0rd";
        let out = redact_message("invalid percent-encoded token: \"p%zzw0rd\"", url);
        assert_eq!(out, "invalid percent-encoded token: \"***\"");

        let url = "postgresql://u:a/bcdef@h/db";
        let out = redact_message("invalid integer value \"a\" for connection option \"port\"", url);
        assert_eq!(out, "invalid integer value \"***\" for connection option \"port\"");

        let url = "postgresql://u:p%40ssw0rd@h/db";
        let out = redact_message("password authentication failed: p@ssw0rd p%40ssw0rd", url);
        assert!(!out.contains("ssw0rd"), "{out}");

        let url = "host=h password='it\\'s'";
        let out = redact_message("echo: it's", url);
        assert!(!out.contains("it's"), "{out}");

        let url = "postgresql://u@h/db";
        let m = "could not translate host name \"h\" to address";
        assert_eq!(redact_message(m, url), m);
    }
}
