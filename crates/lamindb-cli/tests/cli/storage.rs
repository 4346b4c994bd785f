//! `lamin` end to end: storage locations.

#[allow(unused_imports)]
use super::sandbox::*;
#[test]
fn storage_add_creates_a_managed_location() {
    for_each_backend("storage_add_creates_a_managed_location", |b| {
        let sb = Sandbox::with_instance(b);
        let instance_uid = sb.run(&["info", "--json"]).ok().json()["uid"].clone();
        let run = sb.run(&["storage", "add", "./other", "--description", "second"]).ok();
        assert_eq!(run.stderr, format!("→ created managed storage location at {}\n", sb.work("other")));
        assert_eq!(run.stdout, "");
        let marker = std::fs::read_to_string(sb.work("other/.lamindb/storage_uid.txt")).unwrap();
        let s = sb.run(&["storage", "get", "./other", "--json"]).ok().json();
        assert_eq!(s["root"], sb.work("other"));
        assert_eq!(s["description"], "second");
        assert_eq!(s["type"], "local");
        assert_eq!(s["instance_uid"], instance_uid);
        assert!(marker.starts_with(&format!("{}\n", s["uid"].as_str().unwrap())), "{marker}");
    });
}

#[test]
fn storage_add_of_a_known_root_returns_it() {
    for_each_backend("storage_add_of_a_known_root_returns_it", |b| {
        let sb = Sandbox::with_instance(b);
        let first = sb.run(&["storage", "add", "./other", "--json"]).ok().json();
        let other = sb.work("other");
        let again = sb.run(&["storage", "add", &format!("{other}/"), "--json"]).ok();
        assert_eq!(again.stderr, format!("→ returning existing storage location at {other}\n"));
        assert_eq!(again.json()["uid"], first["uid"]);
    });
}

#[test]
fn storage_add_of_an_unwritable_directory_registers_it_read_only() {
    for_each_backend("storage_add_of_an_unwritable_directory_registers_it_read_only", |b| {
        let sb = Sandbox::with_instance(b);
        let run = sb.run(&["storage", "add", "/proc/not-writable-here", "--json"]).ok();
        assert!(
                run.stderr.contains(
                    "→ due to lack of write access, LaminDB won't manage this storage location: /proc/not-writable-here\n"
                ),
                "{run:#?}"
            );
        assert!(
            run.stderr.ends_with("→ referenced read-only storage location at /proc/not-writable-here\n"),
            "{run:#?}"
        );
        let s = run.json();
        assert_eq!(s["root"], "/proc/not-writable-here");
        assert_eq!(s["instance_uid"], Value::Null);
    });
}

#[test]
fn storage_list_shows_a_table_of_every_location() {
    for_each_backend("storage_list_shows_a_table_of_every_location", |b| {
        let sb = Sandbox::with_instance(b);
        sb.run(&["storage", "add", "./other", "--description", "second"]).ok();
        let run = sb.run(&["storage", "list"]).ok();
        let header = run.stdout.lines().nth(1).unwrap_or_default();
        for column in ["id", "uid", "root", "description", "type", "instance_uid"] {
            assert!(header.contains(column), "{run:#?}");
        }
        for text in [sb.work("mydata"), sb.work("other"), "second".to_string()] {
            assert!(run.stdout.contains(&text), "{text} missing:\n{run:#?}");
        }
        assert_eq!(run.stderr, "");
    });
}

#[test]
fn storage_list_json_is_an_array_of_records_in_field_order() {
    for_each_backend("storage_list_json_is_an_array_of_records_in_field_order", |b| {
        let sb = Sandbox::with_instance(b);
        sb.run(&["storage", "add", "./other"]).ok();
        let all = sb.run(&["storage", "list", "--json"]).ok().json();
        let all = all.as_array().expect("a JSON array");
        assert_eq!(all.len(), 2, "{all:?}");
        let mut roots: Vec<&str> = all.iter().map(|s| s["root"].as_str().unwrap()).collect();
        roots.sort();
        assert_eq!(roots, [sb.work("mydata"), sb.work("other")]);
        for s in all {
            let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys[..3], ["id", "uid", "root"], "{keys:?}");
            assert!(keys.contains(&"instance_uid"), "{keys:?}");
        }
    });
}

#[test]
fn storage_get_finds_by_id_uid_prefix_and_root() {
    for_each_backend("storage_get_finds_by_id_uid_prefix_and_root", |b| {
        let sb = Sandbox::with_instance(b);
        let other = sb.run(&["storage", "add", "./other", "--json"]).ok().json();
        let uid = other["uid"].as_str().unwrap();
        let by_prefix = sb.run(&["storage", "get", &uid[..4], "--json"]).ok();
        assert_eq!(by_prefix.json(), other);
        let by_root = sb.run(&["storage", "get", &sb.work("other"), "--json"]).ok();
        assert_eq!(by_root.json(), other);
        let by_id = sb.run(&["storage", "get", "1"]).ok();
        assert!(by_id.stdout.starts_with("Storage\n"), "{by_id:#?}");
        assert!(
            by_id
                .stdout
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["root", &sb.work("mydata")]),
            "{by_id:#?}"
        );
    });
}

#[test]
fn storage_get_of_an_unknown_uid_fails_with_lamindb_message() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let run = sb.run(&["storage", "get", "zzzz"]).fails(1);
    assert_eq!(
        run.stderr,
        "error: No record found with uid 'zzzz'. Did you forget a keyword as in Storage.get(root='zzzz')?\n\
         hint: find it by another field with `lamin list storage --filter root=<value>` or `lamin search storage <text>`\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn storage_delete_of_the_default_location_is_refused() {
    for_each_backend("storage_delete_of_the_default_location_is_refused", |b| {
        let sb = Sandbox::with_instance(b);
        let run = sb.run(&["storage", "delete", "1"]).fails(1);
        assert_eq!(
            run.stderr,
            "error: Cannot delete the current storage location, switch to another.\n\
             hint: `lamin settings set storage <root>` switches the default\n"
        );
        assert!(Path::new(&sb.work("mydata/.lamindb/storage_uid.txt")).is_file());
        sb.run(&["storage", "get", "1"]).ok();
    });
}

#[test]
fn storage_delete_removes_the_record_and_the_marker() {
    for_each_backend("storage_delete_removes_the_record_and_the_marker", |b| {
        let sb = Sandbox::with_instance(b);
        let other = sb.run(&["storage", "add", "./other", "--json"]).ok().json();
        let uid = other["uid"].as_str().unwrap();
        let run = sb.run(&["storage", "delete", "./other"]).ok();
        assert_eq!(run.stderr, format!("→ deleted storage location {} ({uid})\n", sb.work("other")));
        assert!(!Path::new(&sb.work("other/.lamindb/storage_uid.txt")).exists());
        sb.run(&["storage", "get", uid]).fails(1);
        let all = sb.run(&["storage", "list", "--json"]).ok().json();
        assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    });
}

/// Removes `/.lamindb` if a run made it (it did not exist before): a `lamin` that accepted `/`
/// must not leave the machine's root changed.
fn undo_root_marker(existed: bool) {
    if !existed {
        let _ = std::fs::remove_dir_all("/.lamindb");
    }
}

/// The filesystem root and the home folder are refused as storage locations: every save below
/// them would be registered in place instead of copied.
#[test]
fn storage_add_refuses_the_filesystem_root_and_the_home_folder() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let existed = Path::new("/.lamindb").exists();
    let root = sb.run(&["storage", "add", "/"]);
    undo_root_marker(existed);
    let root = root.fails(1);
    assert!(
        root.stderr.starts_with("error: / is the filesystem root, which cannot be a storage location"),
        "{root:#?}"
    );
    let home = sb.root.join("home").display().to_string();
    for spelled in ["~", "~/", home.as_str()] {
        let run = sb.run(&["storage", "add", spelled]).fails(1);
        assert!(
            run.stderr.starts_with(&format!(
                "error: {home} is your home folder, which cannot be a storage location"
            )),
            "{run:#?}"
        );
        assert!(run.stderr.contains(&format!("e.g. {home}/lamindata")), "{run:#?}");
    }
    assert!(!sb.root.join("home/.lamindb").exists());
    let listed = sb.run(&["storage", "list", "--json"]).ok().json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed:#}");
    // A folder below the home folder is fine.
    sb.run(&["storage", "add", &format!("{home}/lamindata")]).ok();
}
