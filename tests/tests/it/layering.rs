//! The crates depend on each other in one direction only: storage ← core ← frame ← cli.

use std::process::Command;

#[test]
fn crate_dependencies_point_one_way() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let layers = ["lamindb-storage", "lamindb-core", "lamindb-frame", "lamindb-cli"];
    let rank = |name: &str| layers.iter().position(|l| *l == name);
    let mut checked = 0;
    for pkg in meta["packages"].as_array().unwrap() {
        let name = pkg["name"].as_str().unwrap();
        let Some(own) = rank(name) else { continue };
        for dep in pkg["dependencies"].as_array().unwrap() {
            // Normal and build dependencies only; dev-dependencies may reach test support.
            if dep["kind"].as_str() == Some("dev") {
                continue;
            }
            let dep_name = dep["name"].as_str().unwrap();
            if let Some(theirs) = rank(dep_name) {
                checked += 1;
                assert!(theirs < own, "{name} must not depend on {dep_name}: layers are {layers:?}");
            }
            assert_ne!(dep_name, "lamindb-tests", "{name} depends on the test crate");
        }
        if name != "lamindb-frame" && name != "lamindb-cli" {
            let deps: Vec<&str> =
                pkg["dependencies"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
            assert!(!deps.contains(&"polars"), "only lamindb-frame knows polars ({name})");
            assert!(!deps.contains(&"clap"), "only lamindb-cli knows clap ({name})");
        }
    }
    assert!(checked >= 3, "the layer crates were found in cargo metadata");
}
