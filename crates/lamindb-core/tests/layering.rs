//! lamindb-core's modules form layers that import downward only, as the workspace's crates do
//! (`tests/tests/it/layering.rs`): SQL, values and settings; then records and queries (the
//! instance handle, registry declarations, typed fields, the query language); then the
//! behaviour of registries (artifacts, storage, run tracking, annotation, lineage); then
//! operations over whole instances (transfer, export and import, doctor).
//!
//! The test reads every source file, finds the modules it names (`crate::x`, `use crate::{x,
//! …}`, `super::x`), and fails on any name of a module in a higher layer. ARCHITECTURE.md shows
//! the same table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Layer of each top-level module of `src/`; a module may import from its own layer and below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "sql, values and settings",
        &["error", "value", "uid", "db", "migrations", "settings", "asyncio", "statcache"],
    ),
    (
        "records and queries",
        &["pool", "instance", "registry", "models", "fields", "validate", "query", "records", "private"],
    ),
    (
        "behaviour of registries",
        &["artifact", "storage", "track", "run_owner", "annotate", "collection", "lineage", "lease"],
    ),
    ("operations over instances", &["transfer", "io", "doctor"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments (doc examples name modules of every layer).
fn code_of(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The top-level modules a file names: `crate::x…`, `use crate::{x, y::z}`, and, in a file of
/// module `m`, `super::x` (a sibling inside `m`, so the same top-level module) is skipped.
fn named_modules(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if rest.starts_with('{') {
                // `use crate::{a, b::{c, d}}` may span lines: the items at the group's top level.
                let text = code.lines().skip(n).collect::<Vec<_>>().join(" ");
                let group = &text[text.find(rest).unwrap_or(0) + 1..];
                let (mut depth, mut item) = (0usize, String::new());
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            push_head(&mut out, n, &std::mem::take(&mut item));
                            continue;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        item.push(c);
                    }
                }
                push_head(&mut out, n, &item);
                continue;
            }
            let head: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !head.is_empty() {
                out.push((n + 1, head));
            }
        }
    }
    out
}

fn push_head(out: &mut Vec<(usize, String)>, line: usize, item: &str) {
    let head: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if !head.is_empty() {
        out.push((line + 1, head));
    }
}

#[test]
fn modules_import_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut unknown = Vec::new();
    let mut upward: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("below src");
        let top = rel.components().next().expect("a component").as_os_str().to_string_lossy();
        let module = top.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue; // the crate root declares and re-exports every module
        }
        let Some(own) = layer_of(&module) else {
            unknown.push(module);
            continue;
        };
        let code = code_of(&std::fs::read_to_string(file).expect("readable"));
        for (line, named) in named_modules(&code) {
            if let Some(theirs) = layer_of(&named) {
                if theirs > own {
                    upward
                        .entry(format!("{}:{line}", rel.display()))
                        .or_default()
                        .push(format!("{module} ({}) names {named} ({})", LAYERS[own].0, LAYERS[theirs].0));
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "modules without a layer (add them to LAYERS and ARCHITECTURE.md): {unknown:?}"
    );
    assert!(upward.is_empty(), "upward imports between layers:\n{upward:#?}");
}

#[test]
fn the_check_sees_an_upward_import() {
    let code = code_of(
        "use crate::{error::{Error, Result},\n transfer::Transfer};\nfn f() { crate::doctor::run(); }",
    );
    let named: Vec<String> = named_modules(&code).into_iter().map(|(_, m)| m).collect();
    assert_eq!(named, ["error", "transfer", "doctor"]);
    assert!(layer_of("transfer") > layer_of("records"));
}
