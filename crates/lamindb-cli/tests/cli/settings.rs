//! `lamin` end to end: settings.

#[allow(unused_imports)]
use super::sandbox::*;
#[test]
fn settings_set_storage_refuses_locations_it_does_not_manage() {
    for_each_backend("settings_set_storage_refuses_locations_it_does_not_manage", |b| {
        let sb = Sandbox::with_instance(b);
        sb.run(&["storage", "add", "/proc/not-writable-here"]).ok();
        let run = sb.run(&["settings", "set", "storage", "/proc/not-writable-here"]).fails(1);
        assert_eq!(
            run.stderr,
            "error: Storage '/proc/not-writable-here' is not managed by any instance, cannot write to it from here.\n"
        );
        let run = sb.run(&["settings", "set", "storage", "./nowhere"]).fails(1);
        assert!(
            run.stderr.contains("is not registered in this instance")
                && run.stderr.contains("lamin storage add"),
            "{run:#?}"
        );
        assert!(!Path::new(&sb.work("nowhere")).exists());
        let get = sb.run(&["settings", "get", "storage"]).ok();
        assert_eq!(get.stdout, format!("{}\n", sb.work("mydata")));
    });
}

#[test]
fn settings_set_storage_switches_the_default_location() {
    for_each_backend("settings_set_storage_switches_the_default_location", |b| {
        let sb = Sandbox::with_instance(b);
        sb.run(&["storage", "add", "./third"]).ok();
        let run = sb.run(&["settings", "set", "storage", "./third"]).ok();
        let third = sb.work("third");
        assert_eq!(run.stderr, format!("→ default storage of anonymous/mydata is now {third}\n"));
        let get = sb.run(&["settings", "get", "storage"]).ok();
        assert_eq!(get.stdout, format!("{third}\n"));
        let info = sb.run(&["info"]).ok();
        assert!(info.stdout.contains(&format!("\n - storage: {third}\n")), "{info:#?}");
        // The instance keeps working on its new default.
        let all = sb.run(&["storage", "list", "--json"]).ok().json();
        assert_eq!(all.as_array().map(Vec::len), Some(2), "{all}");
    });
}

/// The mode bits of a file.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `lamin settings set db` replaces the database URL of the current instance (a rotated
/// password) only with one that connects and holds this instance; the password never shows.
#[test]
fn settings_set_db_takes_only_a_url_that_holds_the_instance() {
    let test = "settings_set_db_takes_only_a_url_that_holds_the_instance";
    // A SQLite instance has no URL to change.
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let run = sb.run(&["settings", "set", "db", "postgresql://u:Sq1-secret@127.0.0.1:1/x"]).fails(1);
    assert!(run.stderr.contains("keeps its database in SQLite"), "{run:#?}");
    assert!(run.stderr.contains("hint: `lamin io move --to postgresql://"), "{run:#?}");
    assert!(!run.stderr.contains("Sq1-secret"), "{run:#?}");
    let Some(_) = postgres_url() else {
        lamindb_tests::backends(test);
        return;
    };
    let sb = Sandbox::with_instance(Backend::Postgres);
    let file = sb.settings_file("instance--anonymous--mydata.env");
    let current = sb.settings_file("current_instance.env");
    let before = std::fs::read_to_string(&file).unwrap();
    let url = sb.pg.as_ref().unwrap().url().to_string();
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, host_db) = rest.split_once('@').unwrap();
    let user = user.split(':').next().unwrap();
    let password = "rotated-Pa55";
    let rotated = format!("{scheme}://{user}:{password}@{host_db}");
    let (host, dbname) = host_db.rsplit_once('/').unwrap();
    // A typo in the database name, a closed port, another database: refused, nothing written.
    let other = PgDatabase::create();
    let (_, other_db) = other.url().rsplit_once('/').unwrap();
    for bad in [
        format!("{scheme}://{user}:{password}@{host}/{dbname}_typo"),
        format!("{scheme}://{user}:{password}@127.0.0.1:1/{dbname}"),
        format!("{scheme}://{user}:{password}@{host}/{other_db}"),
        format!("{user}:{password}@{host}/{dbname}"),
    ] {
        let run = sb.run(&["settings", "set", "db", &bad]).fails(1);
        assert!(!run.stderr.contains(password) && !run.stdout.contains(password), "{run:#?}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "{run:#?}");
    }
    let run = sb
        .run(&["settings", "set", "db", &format!("{scheme}://{user}:{password}@{host}/{other_db}")])
        .fails(1);
    assert!(run.stderr.contains("does not hold instance anonymous/mydata"), "{run:#?}");
    assert!(run.stderr.contains("hint: `lamin settings get db`"), "{run:#?}");
    // The new URL.
    let run = sb.run(&["settings", "set", "db", &rotated]).ok();
    assert_eq!(
        run.stderr,
        format!("→ database of anonymous/mydata is now {scheme}://{user}:***@{host_db}\n"),
        "{run:#?}"
    );
    for f in [&file, &current] {
        assert!(std::fs::read_to_string(f).unwrap().contains(&format!("lamindb_instance_db={rotated}\n")));
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    let get = sb.run(&["settings", "get", "db"]).ok();
    assert_eq!(get.stdout, format!("{scheme}://{user}:***@{host_db}\n"));
    sb.run(&["list", "artifact"]).ok();
    // From stdin, out of the process list: back to the URL without a password.
    let mut child = lamin_command(&sb.root, &["settings", "set", "db", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{url}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(std::fs::read_to_string(&file).unwrap().contains(&format!("lamindb_instance_db={url}\n")));
}
