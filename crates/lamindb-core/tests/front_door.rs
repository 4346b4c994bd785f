//! `Instance` stays a short front door: opening, connecting, transactions, run tracking, info
//! and its handles. Operations on records are methods of the records (`artifact.cache(&inst)`)
//! or of the handles (`inst.storage()`, `inst.io()`, …), not of `Instance`. The test reads the
//! sources and counts the public inherent methods of every `impl Instance` block.

use std::path::Path;

/// At most this many public inherent methods on `Instance`.
const LIMIT: usize = 25;

mod common;
use common::rust_files;

/// The names of the `pub fn`s directly inside `impl Instance {` / `impl crate::Instance {`
/// blocks of `text`.
fn public_methods(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth: Option<usize> = None;
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        match depth {
            None => {
                let t = code.trim();
                if t == "impl Instance {" || t == "impl crate::Instance {" {
                    depth = Some(1);
                }
            }
            Some(d) => {
                if d == 1 {
                    let t = code.trim_start();
                    let rest = t.strip_prefix("pub fn ").or_else(|| t.strip_prefix("pub async fn "));
                    if let Some(rest) = rest.filter(|_| code.starts_with("    pub")) {
                        names.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
                    }
                }
                let opened = code.matches('{').count();
                let closed = code.matches('}').count();
                let d = (d + opened).saturating_sub(closed);
                depth = (d > 0).then_some(d);
            }
        }
    }
    names
}

#[test]
fn instance_has_a_short_front_door() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut names: Vec<String> =
        files.iter().flat_map(|f| public_methods(&std::fs::read_to_string(f).expect("readable"))).collect();
    names.sort();
    assert!(names.len() <= LIMIT, "{} public methods on Instance (at most {LIMIT}): {names:?}", names.len());
    for kept in ["open", "init", "connect", "transaction", "storage"] {
        assert!(names.iter().any(|n| n == kept), "{kept} is missing from {names:?}");
    }
}

#[test]
fn the_count_sees_public_methods_only() {
    let text = "impl Instance {\n    pub fn a(&self) {\n        if x { y }\n    }\n    pub(crate) fn b() {}\n    fn c() {}\n    pub async fn d() {}\n}\nimpl Other {\n    pub fn e() {}\n}\n";
    assert_eq!(public_methods(text), ["a", "d"]);
}
