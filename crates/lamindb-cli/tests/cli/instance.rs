//! `lamin` end to end: init and info.

#[allow(unused_imports)]
use super::sandbox::*;
#[test]
fn init_creates_a_sqlite_instance_in_the_storage_directory() {
    let sb = Sandbox::new();
    let run = sb.run(&["init", "--storage", "./mydata"]).ok();
    assert!(run.stderr.starts_with("→ initialized lamindb: anonymous/mydata"), "{run:#?}");
    assert!(run.stderr.contains(&sb.work("mydata/.lamindb/lamin.db")), "{run:#?}");
    assert_eq!(run.stdout, "");
    let mut data = list_files(Path::new(&sb.work("mydata")));
    data.retain(|f| !f.ends_with("-wal") && !f.ends_with("-shm"));
    assert_eq!(data, [".lamindb/lamin.db", ".lamindb/storage_uid.txt"]);
    let marker = std::fs::read_to_string(sb.work("mydata/.lamindb/storage_uid.txt")).unwrap();
    assert!(marker.contains("\ninstance_slug=anonymous/mydata\n"), "{marker}");
    assert!(sb.settings_file("instance--anonymous--mydata.env").is_file());
    assert!(sb.settings_file("current_instance.env").is_file());
    assert!(!sb.root.join("home/.lamin").exists(), "settings go to LAMIN_SETTINGS_DIR");
}

#[test]
fn init_twice_with_the_same_arguments_connects() {
    for_each_backend("init_twice_with_the_same_arguments_connects", |b| {
        let sb = Sandbox::with_instance(b);
        let uid = sb.run(&["info", "--json"]).ok().json()["uid"].clone();
        let mut args = vec!["init", "--storage", "./mydata"];
        let url = sb.pg.as_ref().map(|p| p.url().to_string());
        if let Some(url) = &url {
            args.extend(["--db", url, "--name", "mydata"]);
        }
        let run = sb.run(&args).ok();
        // The working directory becomes the instance's development directory, as on a first init.
        assert_eq!(
            run.stderr,
            format!(
                "→ connected lamindb: anonymous/mydata (it existed already)\n→ development directory of anonymous/mydata: {}\n",
                sb.root.join("work").display()
            )
        );
        assert_eq!(sb.run(&["info", "--json"]).ok().json()["uid"], uid);
    });
}

#[test]
fn info_shows_instance_storage_db_and_user() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let run = sb.run(&["info"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "Instance: anonymous/mydata", "{run:#?}");
    assert!(lines[1].starts_with(" - uid: "), "{run:#?}");
    assert_eq!(lines[2], format!(" - storage: {}", sb.work("mydata")));
    assert_eq!(lines[3], format!(" - db: sqlite://{}", sb.work("mydata/.lamindb/lamin.db")));
    // The instance is the global current one: no development directory chose it.
    assert_eq!(lines[4], " - dev-dir: None");
    assert_eq!(lines.last(), Some(&"User: anonymous"), "{run:#?}");
    assert_eq!(run.stderr, "");
}

#[test]
fn info_json_has_the_instance_fields() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let info = sb.run(&["info", "--json"]).ok().json();
    assert_eq!(info["instance"], "anonymous/mydata");
    assert_eq!(info["uid"].as_str().map(str::len), Some(12), "{info}");
    assert_eq!(info["storage"], sb.work("mydata"));
    assert_eq!(info["db"], format!("sqlite://{}", sb.work("mydata/.lamindb/lamin.db")));
    assert_eq!(info["user"], "anonymous");
    assert_eq!(info["settings_dir"], sb.root.join("settings/.lamin").display().to_string());
}

#[test]
fn init_with_postgres_redacts_the_password_everywhere() {
    if postgres_url().is_none() {
        eprintln!("init_with_postgres_redacts_the_password_everywhere: skipped: postgres");
        return;
    }
    let sb = Sandbox::new();
    let pg = PgDatabase::create();
    let (url, password) = with_password(pg.url());
    let dbname = url.rsplit('/').next().unwrap().to_string();
    let redacted = url.replace(&format!(":{password}@"), ":***@");
    let run = sb.run(&["init", "--storage", "./mydata", "--db", &url]).ok();
    // The instance is named after the database.
    assert!(run.stderr.starts_with(&format!("→ initialized lamindb: anonymous/{dbname}")), "{run:#?}");
    assert!(run.stderr.contains(&redacted), "{run:#?}");
    assert_eq!(
        list_files(Path::new(&sb.work("mydata"))),
        [".lamindb/storage_uid.txt"],
        "no SQLite file next to a PostgreSQL instance"
    );
    let info = sb.run(&["info"]).ok();
    assert!(info.stdout.contains(&format!("\n - db: {redacted}\n")), "{info:#?}");
    assert_eq!(sb.run(&["info", "--json"]).ok().json()["db"], redacted);
    for run in [run, info] {
        assert!(!run.stdout.contains(&password) && !run.stderr.contains(&password), "{run:#?}");
    }
}

#[test]
fn failed_init_leaves_no_files_or_settings() {
    let sb = Sandbox::new();
    let cases = [
        ("./x/.lamindb", "error: Please pass a folder name that does not end or contain \".lamindb\"\n"),
        ("ftp://h/x", "error: Protocol ftp is not supported, valid protocols are local, gs, s3\n"),
    ];
    for (storage, message) in cases {
        let run = sb.run(&["init", "--storage", storage]).fails(1);
        assert_eq!(run.stderr, message);
        assert_eq!(run.stdout, "");
    }
    assert_eq!(sb.files(), Vec::<String>::new());
    assert!(!Path::new(&sb.work("x")).exists());
    sb.run(&["info"]).fails(1);
}

#[test]
fn commands_without_an_instance_say_how_to_get_one() {
    let sb = Sandbox::new();
    for args in
        [&["info"][..], &["storage", "list"], &["storage", "add", "./other"], &["settings", "get", "storage"]]
    {
        let run = sb.run(args).fails(1);
        assert!(
            run.stderr.starts_with("error: no instance is connected")
                && run.stderr.contains("`lamin init")
                && run.stderr.contains("`lamin connect"),
            "{run:#?}"
        );
    }
    assert_eq!(sb.files(), Vec::<String>::new());
}

/// Settings files can hold database passwords: every file `lamin` writes there is readable by
/// its owner only (0600), and so is every folder (0700), on both backends.
#[test]
fn settings_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    for_each_backend("settings_files_are_owner_only", |b| {
        let sb = Sandbox::with_instance(b);
        sb.run(&["disconnect"]).ok();
        sb.run(&["connect", "mydata"]).ok();
        let dir = sb.root.join("settings/.lamin");
        let mut checked = 0;
        for entry in walk(&dir) {
            let mode = std::fs::metadata(&entry).unwrap().permissions().mode() & 0o777;
            let want = if entry.is_dir() { 0o700 } else { 0o600 };
            assert_eq!(mode, want, "{} has mode {mode:o}", entry.display());
            checked += 1;
        }
        assert!(checked >= 3, "{checked} paths checked");
    });
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `lamin settings cache-dir get|set|unset|clear`, kept in `storage.env` as LaminDB keeps it, and
/// used by everything that caches (here: the stat cache of a save).
#[test]
fn the_cache_directory_can_be_chosen_and_cleared() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let default = sb.root.join("home/.cache/lamindb").display().to_string();
    assert_eq!(sb.run(&["settings", "cache-dir", "get"]).ok().stdout.trim(), default);
    let chosen = sb.work("my-cache");
    sb.run(&["settings", "cache-dir", "set", "my-cache"]).ok();
    assert_eq!(sb.run(&["settings", "cache-dir", "get"]).ok().stdout.trim(), chosen);
    let env = std::fs::read_to_string(sb.settings_file("storage.env")).unwrap();
    assert_eq!(env, format!("lamindb_cache_path={chosen}"));
    std::fs::create_dir_all(sb.work("files")).unwrap();
    std::fs::write(sb.work("files/a.txt"), "a").unwrap();
    sb.run(&["save", "files", "--one-per-file"]).ok();
    assert!(Path::new(&chosen).join("stat-cache.sqlite").exists());
    let cleared = sb.run(&["settings", "cache-dir", "clear"]).ok();
    assert!(cleared.stderr.contains("cleared the cache directory"), "{cleared:#?}");
    assert!(!Path::new(&chosen).join("stat-cache.sqlite").exists());
    std::fs::write(sb.work("f.txt"), "x").unwrap();
    let refused = sb.run(&["settings", "cache-dir", "set", "f.txt"]).fails(1);
    assert!(refused.stderr.contains("cache dir should be a directory"), "{refused:#?}");
    sb.run(&["settings", "cache-dir", "unset"]).ok();
    assert_eq!(sb.run(&["settings", "cache-dir", "get"]).ok().stdout.trim(), default);
    assert_eq!(std::fs::read_to_string(sb.settings_file("storage.env")).unwrap(), "lamindb_cache_path=null");
}

/// `lamin init --storage /` or `--storage ~` is refused before anything is created.
#[test]
fn init_refuses_the_filesystem_root_and_the_home_folder_as_storage() {
    let sb = Sandbox::new();
    let existed = Path::new("/.lamindb").exists();
    let root = sb.run(&["init", "--storage", "/", "--name", "top"]);
    if !existed {
        let _ = std::fs::remove_dir_all("/.lamindb");
    }
    let root = root.fails(1);
    assert!(
        root.stderr.starts_with("error: / is the filesystem root, which cannot be a storage location"),
        "{root:#?}"
    );
    let home = sb.run(&["init", "--storage", "~"]).fails(1);
    assert!(home.stderr.contains("is your home folder, which cannot be a storage location"), "{home:#?}");
    assert!(!sb.root.join("home/.lamindb").exists());
    assert_eq!(
        sb.files().iter().filter(|f| f.contains(".lamindb") || f.ends_with(".env")).count(),
        0,
        "{:?}",
        sb.files()
    );
}
