//! lamindb-core's modules form layers that import downward only, as the workspace's crates do
//! (`tests/tests/it/layering.rs`): SQL, values and settings; then records and queries (the
//! instance handle, registry declarations, typed fields, the query language); then the
//! behaviour of registries (artifacts, storage, run tracking, annotation, lineage); then
//! operations over whole instances (transfer, export and import, doctor).
//!
//! The test reads every source file, finds the modules it names (`crate::x`, `use crate::{x,
//! …}`, `super::x`), and fails on any name of a module in a higher layer. ARCHITECTURE.md shows
//! the same table.
//!
//! Within a layer, files form no circle either: `no_circle_of_files` builds the graph of which
//! file names which (a path lands in its longest prefix that is a module file) and fails on any
//! strongly connected component of more than one file.

use std::collections::BTreeMap;
use std::path::Path;

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

mod common;
use common::rust_files;

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
                for item in group_items(code, n, rest) {
                    push_head(&mut out, n, &item);
                }
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

/// The items at the top level of the `{…}` group that `rest` (on line `n` of `code`) starts with:
/// `{a, b::{c, d}}` is `a` and `b::{c, d}`; a group may span lines.
fn group_items(code: &str, n: usize, rest: &str) -> Vec<String> {
    let text = code.lines().skip(n).collect::<Vec<_>>().join(" ");
    let group = &text[text.find(rest).unwrap_or(0) + 1..];
    let (mut depth, mut item, mut items) = (0usize, String::new(), Vec::new());
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            item.push(c);
        }
    }
    items.push(item);
    items
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

/// The module of a file below `src/`: `query/mod.rs` is `query`, `query/field.rs` is
/// `query::field`, `lib.rs` is the root (`""`).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts.join("::")
}

/// The paths a file names, each as its segments: `crate::a::b::C` is `["a", "b", "C"]`; an item
/// of `use crate::{a::b, c::{d, e}}` is `["a", "b"]`, `["c"]`; in a file of module `m::f`,
/// `super::x::Y` is `["m", "x", "Y"]` (and `super::super::…` climbs further).
fn named_paths(code: &str, module: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut at = 0;
        while let Some((start, base, len)) = next_anchor(line, at, module) {
            at = start + len;
            let rest = &line[at..];
            if rest.starts_with('{') {
                for item in group_items(code, n, rest) {
                    out.push((n + 1, join_path(&base, &item)));
                }
            } else {
                out.push((n + 1, join_path(&base, rest)));
            }
        }
    }
    out
}

/// The next `crate::` or `super::…::` from byte `from` of `line`: where it starts, the segments it
/// stands for, and its length.
fn next_anchor(line: &str, from: usize, module: &str) -> Option<(usize, Vec<String>, usize)> {
    let c = line[from..].find("crate::").map(|i| i + from);
    let s = line[from..].find("super::").map(|i| i + from);
    let start = match (c, s) {
        (Some(c), Some(s)) => c.min(s),
        (c, s) => c.or(s)?,
    };
    let word_before = line[..start].chars().next_back().is_some_and(|ch| ch.is_alphanumeric() || ch == '_');
    if word_before {
        return next_anchor(line, start + 1, module);
    }
    if line[start..].starts_with("crate::") {
        return Some((start, Vec::new(), "crate::".len()));
    }
    let mut base: Vec<String> = module.split("::").filter(|p| !p.is_empty()).map(String::from).collect();
    let mut len = 0;
    while line[start + len..].starts_with("super::") {
        base.pop();
        len += "super::".len();
    }
    Some((start, base, len))
}

/// `base` followed by the leading path of `item` (up to a group, `as`, or the end).
fn join_path(base: &[String], item: &str) -> Vec<String> {
    let mut path = base.to_vec();
    let mut rest = item.trim();
    loop {
        let seg: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if seg.is_empty() || seg == "self" {
            break;
        }
        rest = &rest[seg.len()..];
        path.push(seg);
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    path
}

/// The module file a path lands in: its longest prefix that is a module (the root when none is).
fn resolve(path: &[String], modules: &std::collections::BTreeSet<String>) -> String {
    (0..=path.len()).rev().map(|i| path[..i].join("::")).find(|m| modules.contains(m)).unwrap_or_default()
}

/// The file-level import graph of `src/`: module → the modules (files) it names.
fn file_graph(files: &[(String, String)]) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    let modules: std::collections::BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = BTreeMap::new();
    for (module, text) in files {
        let named: &mut std::collections::BTreeSet<String> = graph.entry(module.clone()).or_default();
        let code = code_of(text);
        for (_, path) in named_paths(&code, module) {
            let target = resolve(&path, &modules);
            if target != *module && !target.is_empty() {
                named.insert(target);
            }
        }
        // A parent using its own child by a relative path (`use compile::…`, `cond::Where`);
        // re-exports (`pub use child::X`) are the child's items shown by the parent, not a use.
        if !module.is_empty() {
            let prefix = format!("{module}::");
            let uses: String = code
                .lines()
                .filter(|l| {
                    !l.trim_start().starts_with("pub use") && !l.trim_start().starts_with("pub(crate) use")
                })
                .collect::<Vec<_>>()
                .join("\n");
            for child in modules.iter().filter_map(|m| m.strip_prefix(&prefix)).filter(|c| !c.contains("::"))
            {
                let used = uses.match_indices(&format!("{child}::")).any(|(at, _)| {
                    !uses[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if used {
                    named.insert(format!("{prefix}{child}"));
                }
            }
        }
    }
    graph
}

/// The circles of a graph: its strongly connected components of more than one module.
fn circles(graph: &BTreeMap<String, std::collections::BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finishing order on the graph, then components on the reversed graph.
    fn visit<'a>(
        v: &'a str,
        g: &'a BTreeMap<String, std::collections::BTreeSet<String>>,
        seen: &mut std::collections::BTreeSet<&'a str>,
        out: &mut Vec<&'a str>,
    ) {
        if seen.insert(v) {
            for w in g.get(v).into_iter().flatten() {
                visit(w, g, seen, out);
            }
            out.push(v);
        }
    }
    let mut reversed: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for (v, ws) in graph {
        for w in ws {
            reversed.entry(w.clone()).or_default().insert(v.clone());
        }
    }
    let (mut seen, mut order) = (Default::default(), Vec::new());
    for v in graph.keys() {
        visit(v, graph, &mut seen, &mut order);
    }
    let mut assigned = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for v in order.into_iter().rev() {
        let mut component = Vec::new();
        visit(v, &reversed, &mut assigned, &mut component);
        if component.len() > 1 {
            component.sort();
            out.push(component.into_iter().map(String::from).collect());
        }
    }
    out
}

#[test]
fn no_circle_of_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            (
                module_of(p.strip_prefix(&src).expect("below src")),
                std::fs::read_to_string(p).expect("readable"),
            )
        })
        .collect();
    let graph = file_graph(&files);
    let found = circles(&graph);
    let shown: Vec<String> = found
        .iter()
        .map(|c| {
            let edges: Vec<String> = c
                .iter()
                .flat_map(|m| graph[m].iter().filter(|t| c.contains(t)).map(move |t| format!("{m} → {t}")))
                .collect();
            edges.join(", ")
        })
        .collect();
    assert!(found.is_empty(), "files that import each other (a circle each):\n{shown:#?}");
}

#[test]
fn the_check_sees_a_circle() {
    let files = [
        ("query".to_string(), "use crate::registry::SQLRecord;\nuse super::x;".to_string()),
        ("query::typed".to_string(), "use super::{Query, cond::Where};".to_string()),
        ("query::cond".to_string(), "// crate::registry::Registry\n".to_string()),
        ("registry".to_string(), "use crate::{error::Error, query::Query};".to_string()),
        ("registry::decl".to_string(), "fn f(_: crate::query::cond::Where<()>) {}".to_string()),
        ("error".to_string(), String::new()),
    ];
    let graph = file_graph(&files);
    assert_eq!(graph["query::typed"].iter().collect::<Vec<_>>(), ["query", "query::cond"]);
    assert_eq!(graph["registry::decl"].iter().collect::<Vec<_>>(), ["query::cond"]);
    assert!(graph["query::cond"].is_empty(), "comments name nothing");
    assert_eq!(circles(&graph), [["query", "registry"]]);
}
