//! Hostile input: every parser of user text (storage roots, keys, suffixes, filter expressions,
//! settings files, storage markers) meets random and adversarial strings without panicking or
//! hanging, and answers each with a value or an error.
//!
//! Cases per parser: `LAMIN_FUZZ_CASES` (default 20 000, the smoke run of the test suite; the
//! figure in the notes comes from a run with 1 000 000).

use std::path::Path;
use std::time::{Duration, Instant};

use lamindb_core::query::parse::{parse_cli_filter, parse_filter};
use lamindb_core::settings::InstanceSettings;
use lamindb_storage::{StorageRoot, key, marker, suffix};

fn cases() -> usize {
    std::env::var("LAMIN_FUZZ_CASES").ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(20_000)
}

/// Random strings from pieces that parsers care about: separators, quotes, escapes, URL parts,
/// `.lamindb`, operators, control characters, long runs, non-ASCII.
struct Gen(u64);

const PIECES: &[&str] = &[
    "/",
    "//",
    "\\",
    ".",
    "..",
    ".lamindb",
    ".lamindb/",
    "s3://",
    "gs://",
    "memory://",
    "file://",
    "?",
    "&",
    "=",
    "endpoint_url=",
    "http://",
    ":",
    "@",
    "%",
    "%2F",
    "#",
    " ",
    "\t",
    "\n",
    "\0",
    "\"",
    "'",
    "(",
    ")",
    "[",
    "]",
    ",",
    "!",
    "~",
    "|",
    "__",
    "name",
    "startswith",
    "in",
    "isnull",
    "true",
    "None",
    "1",
    "-1",
    "1e309",
    "é",
    "漢",
    "\u{202e}",
    "\u{feff}",
    ".csv",
    ".gz",
    ".tar",
    ".anndata.zarr",
    ".h5ad",
    "a",
    "Z",
    "_",
    "-",
    "storage_uid",
    "instance_uid=",
    "lamindb_instance_name=",
    "\r\n",
    "bucket",
    "~/",
    "${HOME}",
];

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn string(&mut self) -> String {
        let n = (self.next() % 12) as usize;
        let mut s = String::new();
        for _ in 0..n {
            let r = self.next();
            if r % 17 == 0 {
                // A long run: lengths past any column or path limit.
                s.push_str(&"x".repeat((r % 5000) as usize));
            } else if r % 5 == 0 {
                s.push(char::from_u32((r >> 8) as u32 % 0x11_0000).unwrap_or('?'));
            } else {
                s.push_str(PIECES[(r >> 8) as usize % PIECES.len()]);
            }
        }
        s
    }
}

/// Runs `f` on `cases()` random strings; every call must return (no panic) within a second.
fn fuzz(name: &str, seed: u64, f: impl Fn(&str)) {
    let mut g = Gen(seed);
    let n = cases();
    let start = Instant::now();
    for _ in 0..n {
        let s = g.string();
        let t = Instant::now();
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&s)));
        assert!(out.is_ok(), "{name} panicked on {s:?}");
        assert!(t.elapsed() < Duration::from_secs(1), "{name} took {:?} on {s:?}", t.elapsed());
    }
    eprintln!("{name}: {n} cases in {:?}", start.elapsed());
}

#[test]
fn parsers_of_user_text_never_panic_or_hang() {
    fuzz("storage root", 1, |s| {
        if let Ok(r) = StorageRoot::parse_relative_to(s, Path::new("/base")) {
            // A root that parses is normalised: parsing it again gives the same root.
            let again =
                StorageRoot::parse_relative_to(r.as_str(), Path::new("/base")).expect("a parsed root parses");
            assert_eq!(again.as_str(), r.as_str());
        }
    });
    fuzz("storage key", 2, |s| {
        if key::check_key(s).is_ok() {
            assert!(!s.contains(".lamindb/") && !s.split('/').any(|p| p == ".."), "{s:?} accepted");
        }
    });
    fuzz("suffix", 3, |s| {
        let (suffix, _) = suffix::extract(s);
        assert!(suffix.is_empty() || suffix.starts_with('.'), "{s:?} -> {suffix:?}");
    });
    fuzz("filter expression", 4, |s| {
        let _ = parse_filter(s);
        let _ = parse_cli_filter(s);
        let _ = parse_cli_filter(&format!("name={s}"));
    });
    fuzz("settings file", 5, |s| {
        let _ = InstanceSettings::from_env(s, Path::new("/settings/instance--a--b.env"));
        let _ = InstanceSettings::from_env(
            &format!("lamindb_instance_name={s}\nlamindb_instance_owner=a\n"),
            Path::new("/x.env"),
        );
    });
    fuzz("storage marker", 6, |s| {
        let _ = marker::parse_marker(s);
    });
}
