//! End-to-end tests of the `lamin` binary: what a user types and what they see.
//!
//! Each test runs the real binary in a sandbox: a temporary directory with `work/` (the working
//! directory, where relative storage roots land), `settings/` (`LAMIN_SETTINGS_DIR`, so the settings
//! live in `settings/.lamin`) and `home/` (`HOME`), with every other `LAMIN_*` variable removed and
//! stdin closed. The library behaviour itself is covered by the `lamindb-tests` suite; these tests
//! check the command line around it: exit codes, messages on stderr, data on stdout, and the files
//! that commands leave behind. Tests marked "every backend" also run on PostgreSQL when
//! `LAMIN_TEST_POSTGRES_URL` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lamindb_tests::{Backend, PgDatabase, for_each_backend, list_files, postgres_url};
use serde_json::Value;

/// What one run of `lamin` produced.
#[derive(Debug)]
struct Run {
    args: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts exit status 0 and returns the run.
    fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "`lamin {}` failed:\n{self:#?}", self.args);
        self
    }

    /// Asserts the exit status `code` and returns the run.
    fn fails(self, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "`lamin {}` should exit {code}:\n{self:#?}", self.args);
        self
    }

    /// Stdout parsed as JSON.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("`lamin {}` printed no JSON ({e}):\n{self:#?}", self.args))
    }
}

/// Runs `lamin args…` in the sandbox at `dir` (see the module docs).
fn lamin(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lamin"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LAMIN_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .args(args)
        .current_dir(dir.join("work"))
        .env("LAMIN_SETTINGS_DIR", dir.join("settings"))
        .env("HOME", dir.join("home"))
        .stdin(Stdio::null())
        .output()
        .expect("run the lamin binary");
    Run {
        args: args.join(" "),
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A temporary directory with `work/`, `settings/` and `home/`, and the PostgreSQL database of its
/// instance, if any.
struct Sandbox {
    tmp: tempfile::TempDir,
    root: PathBuf,
    pg: Option<PgDatabase>,
}

impl Sandbox {
    /// An empty sandbox: no instance, no settings.
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("tempdir");
        // Canonical, so that paths compare equal to the roots `lamin` resolves from its working dir.
        let root = tmp.path().canonicalize().expect("canonical tempdir");
        for sub in ["work", "settings", "home"] {
            std::fs::create_dir(root.join(sub)).expect("create sandbox dir");
        }
        Sandbox { tmp, root, pg: None }
    }

    /// A sandbox with the instance `anonymous/mydata` (storage `work/mydata`) on `backend`.
    fn with_instance(backend: Backend) -> Sandbox {
        let mut sb = Sandbox::new();
        match backend {
            Backend::Sqlite => {
                sb.run(&["init", "--storage", "./mydata"]).ok();
            }
            Backend::Postgres => {
                let pg = PgDatabase::create();
                sb.run(&["init", "--storage", "./mydata", "--db", pg.url(), "--name", "mydata"]).ok();
                sb.pg = Some(pg);
            }
        }
        sb
    }

    fn run(&self, args: &[&str]) -> Run {
        lamin(&self.root, args)
    }

    /// Runs `lamin <args>` with a terminal as its output (a pty from `script`), or returns why
    /// it cannot (no `script` on this machine).
    fn run_in_terminal(&self, args: &str) -> std::io::Result<std::process::Output> {
        let lamin = env!("CARGO_BIN_EXE_lamin");
        let mut cmd = Command::new("script");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("LAMIN_") {
                cmd.env_remove(key);
            }
        }
        cmd.args(["-qec", &format!("{lamin} {args}"), "/dev/null"])
            .current_dir(self.root.join("work"))
            .env("LAMIN_SETTINGS_DIR", self.root.join("settings"))
            .env("HOME", self.root.join("home"))
            .stdin(Stdio::null())
            .output()
    }

    /// A path below `work/`, as a string.
    fn work(&self, rel: &str) -> String {
        self.root.join("work").join(rel).display().to_string()
    }

    /// A file in the settings directory.
    fn settings_file(&self, name: &str) -> PathBuf {
        self.root.join("settings").join(".lamin").join(name)
    }

    /// Every file in the sandbox.
    fn files(&self) -> Vec<String> {
        list_files(self.tmp.path())
    }
}

/// `postgresql://user@host/db` with a password in it (the one it has, else `secret`: trust auth
/// ignores it), and that password.
fn with_password(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("URL with a scheme");
    let (userinfo, host) = rest.split_once('@').expect("URL with a user");
    match userinfo.split_once(':') {
        Some((_, pw)) => (url.to_string(), pw.to_string()),
        None => (format!("{scheme}://{userinfo}:secret@{host}"), "secret".to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// init, info

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
        assert_eq!(run.stderr, "→ connected lamindb: anonymous/mydata (it existed already)\n");
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

// ---------------------------------------------------------------------------------------------
// storage

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
        "error: No record found with uid 'zzzz'. Did you forget a keyword as in Storage.get(root='zzzz')?\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn storage_delete_of_the_default_location_is_refused() {
    for_each_backend("storage_delete_of_the_default_location_is_refused", |b| {
        let sb = Sandbox::with_instance(b);
        let run = sb.run(&["storage", "delete", "1"]).fails(1);
        assert_eq!(run.stderr, "error: Cannot delete the current storage location, switch to another.\n");
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

// ---------------------------------------------------------------------------------------------
// settings

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

// ---------------------------------------------------------------------------------------------
// connect, disconnect, delete

#[test]
fn connect_by_name_or_slug_and_disconnect() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let run = sb.run(&["disconnect"]).ok();
    assert_eq!(run.stderr, "→ disconnected from anonymous/mydata\n");
    let info = sb.run(&["info"]).fails(1);
    assert!(info.stderr.starts_with("error: no instance is connected"), "{info:#?}");
    assert_eq!(sb.run(&["disconnect"]).ok().stderr, "→ no instance was connected\n");
    for name in ["mydata", "anonymous/mydata"] {
        let run = sb.run(&["connect", name]).ok();
        assert_eq!(run.stderr, "→ connected lamindb: anonymous/mydata\n");
        let info = sb.run(&["info"]).ok();
        assert!(info.stdout.starts_with("Instance: anonymous/mydata\n"), "{info:#?}");
        sb.run(&["disconnect"]).ok();
    }
    assert!(Path::new(&sb.work("mydata/.lamindb/lamin.db")).is_file());
}

#[test]
fn connect_to_an_unknown_instance_fails() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let run = sb.run(&["connect", "nope"]).fails(1);
    assert!(run.stderr.starts_with("error: instance 'anonymous/nope' not found"), "{run:#?}");
    let info = sb.run(&["info"]).ok();
    assert!(info.stdout.starts_with("Instance: anonymous/mydata\n"), "the current instance is unchanged");
}

#[test]
fn delete_instance_requires_force() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let before = sb.files();
    let run = sb.run(&["delete", "instance", "mydata"]).fails(1);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("pass --force to confirm"), "{run:#?}");
    assert_eq!(sb.files(), before);
    sb.run(&["info"]).ok();
}

#[test]
fn delete_instance_with_force_removes_its_storage_and_settings() {
    for_each_backend("delete_instance_with_force_removes_its_storage_and_settings", |b| {
        let sb = Sandbox::with_instance(b);
        let run = sb.run(&["delete", "instance", "mydata", "--force"]).ok();
        assert!(run.stderr.starts_with("→ deleted instance anonymous/mydata\n"), "{run:#?}");
        assert_eq!(run.stderr.contains("was not dropped"), b == Backend::Postgres, "{run:#?}");
        assert!(!Path::new(&sb.work("mydata")).exists());
        assert!(!sb.settings_file("instance--anonymous--mydata.env").exists());
        assert!(!sb.settings_file("current_instance.env").exists());
        sb.run(&["info"]).fails(1);
        sb.run(&["connect", "mydata"]).fails(1);
    });
}

// ---------------------------------------------------------------------------------------------
// usage

#[test]
fn help_lists_the_subcommands() {
    let sb = Sandbox::new();
    let run = sb.run(&["--help"]).ok();
    for sub in ["init", "connect", "disconnect", "info", "delete", "storage", "settings"] {
        assert!(run.stdout.lines().any(|l| l.trim_start().starts_with(sub)), "{sub} missing:\n{run:#?}");
    }
    let run = sb.run(&["storage", "--help"]).ok();
    for sub in ["add", "list", "get", "delete"] {
        assert!(run.stdout.lines().any(|l| l.trim_start().starts_with(sub)), "{sub} missing:\n{run:#?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::new();
    let run = sb.run(&["bogus"]).fails(2);
    assert!(run.stderr.contains("unrecognized subcommand 'bogus'"), "{run:#?}");
    let run = sb.run(&["init"]).fails(2);
    assert!(run.stderr.contains("--storage"), "{run:#?}");
    assert_eq!(sb.files(), Vec::<String>::new());
}

#[test]
fn create_list_search_lookup_and_the_trash() {
    for_each_backend("create_list_search_lookup_and_the_trash", |b| {
        let sb = Sandbox::with_instance(b);
        let names = ["cell", "cell type", "T cell", "B cell|T cell", "celltype", "my cellular thing"];
        let mut args = vec!["create", "ulabel"];
        args.extend(names);
        let created = sb.run(&args).ok();
        assert!(created.stderr.contains("created 6 ulabel(s), 0 existed already"), "{created:#?}");
        let again = sb.run(&["create", "ULabel", "cell"]).ok();
        assert!(again.stderr.contains("returning ulabel with same name: 'cell'"), "{again:#?}");
        let hits = sb.run(&["search", "ulabel", "cell", "--json"]).ok().json();
        let got: Vec<(&str, u64)> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["name"].as_str().unwrap(), h["score"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("cell", 423),
                ("cell type", 15),
                ("T cell", 15),
                ("B cell|T cell", 15),
                ("celltype", 11),
                ("my cellular thing", 3)
            ]
        );
        let listed = sb
            .run(&[
                "list",
                "ulabel",
                "--filter",
                r#"(name__startswith="cell" | name="T cell") & !name__contains=" ""#,
                "--order-by",
                "-name",
                "--json",
            ])
            .ok()
            .json();
        let listed: Vec<&str> =
            listed.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(listed, ["celltype", "cell"]);
        let lookup = sb.run(&["lookup", "ulabel", "--json"]).ok().json();
        assert_eq!(lookup["b_cell_t_cell"]["value"], "B cell|T cell");
        assert_eq!(lookup["my_cellular_thing"]["id"], 6);
        let table = sb.run(&["list", "ulabel", "--limit", "2"]).ok();
        assert!(table.stdout.contains("cell type") && !table.stdout.contains("celltype"), "{table:#?}");
        // The trash: hidden, visible by uid, restorable.
        let uid = sb.run(&["get", "ulabel", "1", "--json"]).ok().json()["uid"].as_str().unwrap().to_string();
        let deleted = sb.run(&["delete", "ulabel", &uid[..4]]).ok();
        assert!(deleted.stderr.contains("moved ULabel 1 to trash"), "{deleted:#?}");
        assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "5");
        assert_eq!(sb.run(&["list", "ulabel", "--count", "--all-branches"]).ok().stdout.trim(), "6");
        assert_eq!(sb.run(&["get", "ulabel", &uid, "--json"]).ok().json()["branch_id"], -1);
        sb.run(&["restore", "ulabel", "1"]).ok();
        assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "6");
        sb.run(&["delete", "ulabel", "1", "--permanent"]).ok();
        assert_eq!(sb.run(&["list", "ulabel", "--count", "--all-branches"]).ok().stdout.trim(), "5");
    });
}

#[test]
fn create_from_file_in_one_transaction() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let file = sb.work("names.txt");
    std::fs::write(&file, "a\nb\n\n  c  \na\n").unwrap();
    let run = sb.run(&["create", "ulabel", "--from-file", &file, "--description", "bulk"]).ok();
    assert!(run.stderr.contains("created 3 ulabel(s)"), "{run:#?}");
    let rows = sb.run(&["list", "ulabel", "--filter", "description=bulk", "--json"]).ok().json();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    let missing = sb.run(&["create", "ulabel", "--from-file", &sb.work("nope.txt")]).fails(1);
    assert!(missing.stderr.contains("nope.txt"), "{missing:#?}");
    sb.run(&["create", "storage", "x"]).fails(1);
}

#[test]
fn query_errors_are_clear_and_change_nothing() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.run(&["create", "ulabel", "x"]).ok();
    for (args, msg) in [
        (
            vec!["list", "ulabel", "--filter", "nme=1"],
            "error: Unknown field 'nme'. Available fields: branch, branch_id,",
        ),
        (vec!["list", "ulabel", "--filter", "name=(\"x\""], "expected a value"),
        (vec!["list", "nosuch"], "unknown registry 'nosuch'"),
        (
            vec!["get", "ulabel", "zzzzzzzz"],
            "No record found with uid 'zzzzzzzz'. Did you forget a keyword as in ULabel.get(name='zzzzzzzz')?",
        ),
        (vec!["list", "ulabel", "--filter", "' OR 1=1 --"], "expected a field name"),
        (vec!["delete", "user", "1"], "Soft delete is not possible for User"),
        (vec!["search", "ulabel", " "], "Cannot search for None value!"),
    ] {
        let run = sb.run(&args).fails(1);
        assert!(run.stderr.contains(msg), "{args:?}: {run:#?}");
    }
    let injected = sb.run(&["list", "ulabel", "--filter", r#"name="x' OR 1=1 --""#, "--count"]).ok();
    assert_eq!(injected.stdout.trim(), "0");
    assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "1");
    assert_eq!(sb.run(&["list", "user", "--count"]).ok().stdout.trim(), "1");
}

#[test]
fn reading_another_instance_with_instance_flag() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.run(&["create", "ulabel", "in-first"]).ok();
    sb.run(&["init", "--storage", "./second"]).ok();
    assert_eq!(sb.run(&["list", "ulabel", "--count"]).ok().stdout.trim(), "0");
    let other = sb.run(&["list", "ulabel", "--instance", "mydata", "--json"]).ok().json();
    assert_eq!(other[0]["name"], "in-first");
    let by_path =
        sb.run(&["search", "ulabel", "first", "--instance", &sb.work("mydata"), "--json"]).ok().json();
    assert_eq!(by_path[0]["name"], "in-first");
}

// ---------------------------------------------------------------------------------------------
// save, load, delete artifact

#[test]
fn save_load_and_delete_an_artifact() {
    for_each_backend("save_load_and_delete_an_artifact", |b| {
        let sb = Sandbox::with_instance(b);
        std::fs::write(sb.work("data.csv"), "a,b\n1,x\n2,y\n").unwrap();
        let run = sb.run(&["save", "data.csv", "--key", "raw/data.csv"]).ok();
        let uid = run.stdout.trim().to_string();
        assert_eq!(uid.len(), 20, "{run:#?}");
        assert!(
            run.stderr.contains(&format!("saved Artifact(uid='{uid}', key='raw/data.csv') at ")),
            "{run:#?}"
        );
        let stored = sb.work(&format!("mydata/.lamindb/{uid}.csv"));
        assert_eq!(std::fs::read_to_string(&stored).unwrap(), "a,b\n1,x\n2,y\n");

        // Same content: the same artifact.
        let again = sb.run(&["save", "data.csv", "--key", "raw/data.csv"]).ok();
        assert_eq!(again.stdout.trim(), uid);
        assert!(again.stderr.starts_with("→ returning artifact with same hash"), "{again:#?}");

        // load prints the local path; --df the table.
        assert_eq!(sb.run(&["load", &uid[..8]]).ok().stdout.trim(), stored);
        assert_eq!(sb.run(&["load", "--key", "raw/data.csv"]).ok().stdout.trim(), stored);
        let df = sb.run(&["load", &uid, "--df"]).ok();
        assert!(df.stdout.contains("shape: (2, 2)"), "{df:#?}");
        let missing = sb.run(&["load", "zzzzzzzzzzzzzzzzzzzz"]).fails(1);
        assert!(missing.stderr.contains("No record found with uid 'zzzzzzzzzzzzzzzzzzzz'"), "{missing:#?}");

        // Errors say what to do.
        let no_key = sb.run(&["save", "data.csv"]).fails(1);
        assert!(no_key.stderr.contains("Pass one of key, run or description as a parameter"), "{no_key:#?}");
        let bad = sb.run(&["save", "data.csv", "--key", "../up.csv"]).fails(1);
        assert!(bad.stderr.contains("Relative path segment '..' detected in key '../up.csv'."), "{bad:#?}");

        // delete: trash, then for good (bytes of a virtual key removed).
        let trash = sb.run(&["delete", "artifact", &uid]).ok();
        assert!(trash.stderr.starts_with("→ moved record to trash"), "{trash:#?}");
        assert!(Path::new(&stored).exists());
        let twice = sb.run(&["delete", "artifact", &uid]).fails(1);
        assert!(twice.stderr.contains("already in trash"), "{twice:#?}");
        // restore brings it back as the latest version; trash it again to delete it for good.
        sb.run(&["restore", "artifact", &uid]).ok();
        let back = sb.run(&["get", "artifact", &uid, "--json"]).ok().json();
        assert_eq!((back["branch_id"].as_i64(), back["is_latest"].as_bool()), (Some(1), Some(true)));
        sb.run(&["delete", "artifact", &uid]).ok();
        sb.run(&["delete", "artifact", &uid, "--permanent"]).ok();
        assert!(!Path::new(&stored).exists());
        sb.run(&["load", &uid]).fails(1);
    });
}

#[test]
fn save_a_folder_one_artifact_per_file_and_keep_data_of_real_keys() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    for i in 0..12 {
        let p = sb.work(&format!("batch/sub{}/f{i}.txt", i % 2));
        std::fs::create_dir_all(Path::new(&p).parent().unwrap()).unwrap();
        std::fs::write(&p, format!("content {i}")).unwrap();
    }
    let run = sb.run(&["save", "batch", "--one-per-file", "--json"]).ok();
    let saved = run.json();
    let saved = saved.as_array().unwrap();
    assert_eq!(saved.len(), 12);
    assert_eq!(saved[0]["key"], "batch/sub0/f0.txt");
    assert!(run.stderr.contains("saved 12 new artifacts, 0 existing"), "{run:#?}");
    // One key names one artifact.
    let two = sb.run(&["save", "batch/sub0/f0.txt", "batch/sub1/f1.txt", "--key", "k.txt"]).fails(1);
    assert!(two.stderr.contains("--key names one artifact"), "{two:#?}");
    // --one-per-file on a file keeps its key.
    std::fs::write(sb.work("single.txt"), "single").unwrap();
    let one = sb.run(&["save", "single.txt", "--one-per-file", "--key", "s/single.txt", "--json"]).ok();
    assert_eq!(one.json()[0]["key"], "s/single.txt");

    // A file inside the storage is registered in place; deleting it keeps the file by default.
    std::fs::create_dir_all(sb.work("mydata/inplace")).unwrap();
    std::fs::write(sb.work("mydata/inplace/x.txt"), "x").unwrap();
    let uid = sb.run(&["save", "mydata/inplace/x.txt"]).ok().stdout.trim().to_string();
    assert_eq!(sb.run(&["load", &uid]).ok().stdout.trim(), sb.work("mydata/inplace/x.txt"));
    let del = sb.run(&["delete", "artifact", &uid, "--permanent"]).ok();
    assert!(del.stderr.contains(&format!("a file/folder remains here: {}", sb.work("mydata/inplace/x.txt"))));
    assert!(Path::new(&sb.work("mydata/inplace/x.txt")).exists());
}

// ---------------------------------------------------------------------------------------------
// df

/// The lamindb venv's python with pyarrow and pandas (`scripts/python-env.sh`), or `None` after
/// printing `skipped: pyarrow reader` (a failure under `CI=true`).
fn pyarrow_python(test: &str) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/python-env.sh");
    let out = Command::new("bash").arg(&script).stdin(Stdio::null()).output();
    let python = match &out {
        Ok(o) if o.status.success() => {
            String::from_utf8_lossy(&o.stdout).lines().last().map(|l| PathBuf::from(l.trim()))
        }
        _ => None,
    };
    let python = python.filter(|p| {
        Command::new(p).args(["-c", "import pyarrow, pandas"]).status().is_ok_and(|s| s.success())
    });
    if python.is_none() {
        let why = match out {
            Ok(o) => String::from_utf8_lossy(&o.stderr).lines().last().unwrap_or_default().to_string(),
            Err(e) => e.to_string(),
        };
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{test}: the pyarrow reader is required under CI=true: {why}");
        }
        eprintln!("{test}: skipped: pyarrow reader ({why})");
    }
    python
}

/// Reads the exported files with pyarrow and pandas: per file, the columns the test compares.
const READ_WITH_PYARROW: &str = r#"
import json, sys
import pandas as pd
import pyarrow as pa, pyarrow.parquet as pq, pyarrow.feather as feather

def cols(table):
    micros = table.column("created_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    return {
        "id": table.column("id").to_pylist(),
        "uid": table.column("uid").to_pylist(),
        "name": table.column("name").to_pylist(),
        "description": table.column("description").to_pylist(),
        "is_type": table.column("is_type").to_pylist(),
        "run_id": table.column("run_id").to_pylist(),
        "created_at": micros.to_pylist(),
        "tz": str(table.schema.field("created_at").type.tz),
    }

parquet, ipc, csv = sys.argv[1:4]
out = {"parquet": cols(pq.read_table(parquet)), "ipc": cols(feather.read_table(ipc))}
frame = pd.read_parquet(parquet)
out["pandas_parquet_names"] = frame["name"].tolist()
c = pd.read_csv(csv)
out["csv"] = {
    "id": c["id"].tolist(),
    "uid": c["uid"].tolist(),
    "name": c["name"].tolist(),
    "is_type": c["is_type"].tolist(),
    "created_at": (pd.to_datetime(c["created_at"], utc=True).astype("int64") // 1000).tolist(),
}
print(json.dumps(out))
"#;

#[test]
fn df_exports_files_that_polars_and_pyarrow_read_back_equal() {
    for_each_backend("df_exports_files_that_polars_and_pyarrow_read_back_equal", |b| {
        use polars::prelude::*;
        let sb = Sandbox::with_instance(b);
        sb.run(&["create", "ulabel", "alpha", "beta", "gamma ray, with comma", "--description", "d"]).ok();
        let listed = sb.run(&["list", "ulabel", "--order-by", "-id", "--json"]).ok().json();
        let listed = listed.as_array().unwrap();
        let ids: Vec<i64> = listed.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        let uids: Vec<&str> = listed.iter().map(|r| r["uid"].as_str().unwrap()).collect();
        let names: Vec<&str> = listed.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["gamma ray, with comma", "beta", "alpha"]);

        // The table on stdout: header and one line per record.
        let table = sb.run(&["df", "ulabel"]).ok().stdout;
        for col in ["id", "uid", "name", "is_locked", "created_at", "created_by_id", "type_id"] {
            assert!(table.contains(col), "{col} missing:\n{table}");
        }
        assert!(table.contains("gamma ray, with comma") && table.contains(uids[0]), "{table}");

        // Files by extension, read back by polars' own readers.
        let path = |f: &str| sb.root.join("work").join(f);
        sb.run(&["df", "ulabel", "--all", "-o", "l.parquet"]).ok();
        sb.run(&["df", "ulabel", "--all", "-o", "l.arrow"]).ok();
        sb.run(&["df", "ulabel", "--all", "--format", "csv", "-o", "l.csv"]).ok();
        let parquet = ParquetReader::new(std::fs::File::open(path("l.parquet")).unwrap()).finish().unwrap();
        let ipc = IpcReader::new(std::fs::File::open(path("l.arrow")).unwrap()).finish().unwrap();
        assert!(parquet.equals_missing(&ipc), "{parquet}\n{ipc}");
        let got_ids: Vec<Option<i64>> = parquet.column("id").unwrap().i64().unwrap().iter().collect();
        assert_eq!(got_ids, ids.iter().map(|i| Some(*i)).collect::<Vec<_>>());
        let got_names: Vec<Option<&str>> = parquet.column("name").unwrap().str().unwrap().iter().collect();
        assert_eq!(got_names, names.iter().map(|n| Some(*n)).collect::<Vec<_>>());
        assert_eq!(
            parquet.column("created_at").unwrap().dtype(),
            &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
        );
        let csv = CsvReadOptions::default()
            .try_into_reader_with_file_path(Some(path("l.csv")))
            .unwrap()
            .finish()
            .unwrap();
        let csv_names: Vec<Option<&str>> = csv.column("name").unwrap().str().unwrap().iter().collect();
        assert_eq!(csv_names, got_names);
        let csv_ids: Vec<Option<i64>> = csv.column("id").unwrap().i64().unwrap().iter().collect();
        assert_eq!(csv_ids, got_ids);
        let created: Vec<Option<i64>> =
            parquet.column("created_at").unwrap().datetime().unwrap().physical().iter().collect();

        // The same values through pyarrow and pandas.
        let Some(python) = pyarrow_python("df_exports_files_that_polars_and_pyarrow_read_back_equal") else {
            return;
        };
        let out = Command::new(&python)
            .args(["-c", READ_WITH_PYARROW])
            .args([path("l.parquet"), path("l.arrow"), path("l.csv")])
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("run python");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let py: Value = serde_json::from_slice(&out.stdout).unwrap();
        let created: Vec<i64> = created.into_iter().map(Option::unwrap).collect();
        for fmt in ["parquet", "ipc"] {
            let t = &py[fmt];
            assert_eq!(t["id"], serde_json::json!(ids), "{fmt}");
            assert_eq!(t["uid"], serde_json::json!(uids), "{fmt}");
            assert_eq!(t["name"], serde_json::json!(names), "{fmt}");
            assert_eq!(t["description"], serde_json::json!(["d", "d", "d"]), "{fmt}");
            assert_eq!(t["is_type"], serde_json::json!([false, false, false]), "{fmt}");
            assert_eq!(t["run_id"], serde_json::json!([null, null, null]), "{fmt}");
            assert_eq!(t["created_at"], serde_json::json!(created), "{fmt}");
            assert_eq!(t["tz"], "UTC", "{fmt}");
        }
        assert_eq!(py["pandas_parquet_names"], serde_json::json!(names));
        let c = &py["csv"];
        assert_eq!(c["id"], serde_json::json!(ids));
        assert_eq!(c["uid"], serde_json::json!(uids));
        assert_eq!(c["name"], serde_json::json!(names));
        assert_eq!(c["is_type"], serde_json::json!([false, false, false]));
        assert_eq!(c["created_at"], serde_json::json!(created));
    });
}

#[test]
fn df_formats_limits_and_errors() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let names: Vec<String> = (0..105).map(|i| format!("label-{i:03}")).collect();
    std::fs::write(sb.work("names.txt"), names.join("\n")).unwrap();
    sb.run(&["create", "ulabel", "--from-file", "names.txt"]).ok();

    // Default limit 100 with LaminDB's truncation warning; --limit, --all, --order-by, --filter.
    let run = sb.run(&["df", "ulabel", "--format", "ndjson"]).ok();
    assert_eq!(run.stdout.lines().count(), 100);
    assert!(run.stderr.contains("truncated query result to limit=100 ULabel objects"), "{run:#?}");
    let first: Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["name"], "label-104");
    assert_eq!(sb.run(&["df", "ulabel", "--all", "--format", "ndjson"]).ok().stdout.lines().count(), 105);
    let table = sb.run(&["df", "ulabel", "--all"]).ok();
    assert!(table.stdout.contains("label-000") && table.stdout.contains("label-104"), "{table:#?}");
    assert!(table.stderr.is_empty(), "{table:#?}");
    let json =
        sb.run(&["df", "ulabel", "--limit", "2", "--order-by", "name", "--format", "json"]).ok().json();
    let got: Vec<&str> = json.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(got, ["label-000", "label-001"]);
    let run = sb.run(&[
        "df",
        "ulabel",
        "-f",
        r#"name__endswith="7""#,
        "--include",
        "created_by__handle",
        "--format",
        "csv",
    ]);
    let run = run.ok();
    assert!(run.stdout.starts_with("id,uid,name,created_by__handle\n"), "{run:#?}");
    assert_eq!(run.stdout.lines().count(), 1 + 10);
    assert!(run.stderr.is_empty(), "{run:#?}");

    // Errors that say what to do, and leave no file behind.
    for (args, msg) in [
        (vec!["df", "ulabel", "--format", "table", "-o", "x.csv"], "--format table is for the terminal"),
        (vec!["df", "ulabel", "-o", "x.xlsx"], "cannot tell the format of x.xlsx"),
        (vec!["df", "ulabel", "--format", "xml"], "unknown format 'xml'"),
        (vec!["df", "ulabel", "--features"], "features are columns of Artifact frames only"),
        (vec!["df", "ulabel", "--include", "nope__name"], "invalid include 'nope__name'"),
        (vec!["df", "ulabel", "-o", "missing/dir/x.parquet"], "missing/dir/x.parquet"),
    ] {
        let run = sb.run(&args).fails(1);
        assert!(run.stderr.contains(msg), "{args:?}: {run:#?}");
    }
    let mut left: Vec<String> = std::fs::read_dir(sb.root.join("work"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["mydata", "names.txt"]);

    // Binary formats refuse a terminal: run under `script`, which gives the process a pty.
    let out = sb.run_in_terminal("df ulabel --format parquet");
    match out {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("refusing to write parquet (binary) to a terminal"), "{text}");
            assert!(!out.status.success());
        }
        Err(e) => eprintln!("df_formats_limits_and_errors: skipped: terminal check (no `script`: {e})"),
    }
}

#[test]
fn save_to_s3_and_load_into_the_cache() {
    let Some(root) = lamindb_tests::s3_test_root("save_to_s3_and_load_into_the_cache") else {
        return;
    };
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.run(&["storage", "add", &root]).ok();
    std::fs::write(sb.work("t.tsv"), "a\tb\n1\tx\n").unwrap();
    let uid = sb
        .run(&["save", "t.tsv", "--key", "tables/t.tsv", "--storage", &root])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert_eq!(uid.len(), 20);
    // Cached at <cache>/<bucket>/<prefix>/<key> (HOME is the sandbox's home).
    let r = lamindb_storage::StorageRoot::parse(&root).unwrap();
    let expected =
        sb.root.join("home/.cache/lamindb").join(r.bucket().unwrap()).join(r.prefix()).join("tables/t.tsv");
    let run = sb.run(&["load", "--key", "tables/t.tsv"]).ok();
    assert_eq!(run.stdout.trim(), expected.display().to_string());
    assert_eq!(std::fs::read_to_string(&expected).unwrap(), "a\tb\n1\tx\n");
    assert!(sb.run(&["load", &uid, "--df"]).ok().stdout.contains("shape: (1, 2)"));
    sb.run(&["delete", "artifact", &uid, "--permanent"]).ok();
    let store = lamindb_storage::Store::open(&r).unwrap();
    assert!(!store.exists(&format!(".lamindb/{uid}.tsv")).unwrap());
}

#[test]
fn save_shows_a_progress_bar_on_terminals_only() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    std::fs::create_dir_all(sb.work("many")).unwrap();
    for i in 0..3u8 {
        std::fs::write(sb.work(&format!("many/f{i}.bin")), vec![i; 300_000]).unwrap();
    }
    // Not a terminal: messages only.
    let quiet = sb.run(&["save", "many", "--one-per-file"]).ok();
    assert!(!quiet.stderr.contains("files"), "{quiet:#?}");
    assert!(!quiet.stderr.contains('\r'), "{quiet:#?}");
    // A terminal (a pty from `script`): a bar with bytes and files.
    for i in 0..3u8 {
        std::fs::write(sb.work(&format!("many/f{i}.bin")), vec![i + 10; 300_000]).unwrap();
    }
    let out = sb.run_in_terminal("save many --one-per-file");
    match out {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{text}");
            assert!(text.contains("/3 files") && text.contains("KiB"), "{text}");
        }
        Err(e) => eprintln!(
            "save_shows_a_progress_bar_on_terminals_only: skipped: terminal check (no `script`: {e})"
        ),
    }
}

/// Makes a Python LaminDB instance at `W/pyfeat` with features (categorical, int, float,
/// list[str]) on two artifacts, and prints `to_dataframe(include="features")` and
/// `to_dataframe(include=[…])` as JSON records.
const PYTHON_FEATURES: &str = r#"
import json, sys
import lamindb as ln
root = sys.argv[1]
ln.setup.init(storage=root)
ln.setup.settings.instance._is_on_hub = False
ln.Feature(name="cell_type", dtype=ln.ULabel).save()
ln.Feature(name="n_cells", dtype=int).save()
ln.Feature(name="score", dtype=float).save()
ln.Feature(name="tags", dtype=list[str]).save()
ln.ULabel(name="T cell").save(); ln.ULabel(name="B cell").save()
open(f"{root}/a.txt", "w").write("a"); open(f"{root}/b.txt", "w").write("bb")
a1 = ln.Artifact(f"{root}/a.txt", description="a1").save()
a2 = ln.Artifact(f"{root}/b.txt", description="a2").save()
a1.features.add_values({"cell_type": "T cell", "n_cells": 100, "score": 0.5, "tags": ["x", "y"]})
a2.features.add_values({"cell_type": "B cell", "n_cells": 7})
features = ln.Artifact.to_dataframe(include="features").reset_index()
included = ln.Artifact.to_dataframe(include=["created_by__handle", "ulabels__name"]).reset_index()
included["ulabels__name"] = included["ulabels__name"].map(sorted)
print(json.dumps({
    "features": json.loads(features.to_json(orient="records")),
    "included": json.loads(included.to_json(orient="records")),
    "columns": list(ln.Artifact.to_dataframe().columns),
}))
"#;

#[test]
fn df_of_a_python_instance_matches_python_to_dataframe() {
    let test = "df_of_a_python_instance_matches_python_to_dataframe";
    let Some(python) = pyarrow_python(test) else { return };
    let sb = Sandbox::new();
    let root = sb.work("pyfeat");
    let out = Command::new(&python)
        .args(["-c", PYTHON_FEATURES, &root])
        .current_dir(sb.root.join("work"))
        .env("HOME", sb.root.join("home"))
        .env("LAMIN_SETTINGS_DIR", sb.root.join("settings"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let py: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();

    // Same columns, same feature values, same includes, read by `lamin df`.
    let csv = sb.run(&["df", "artifact", "--instance", &root, "--format", "csv"]).ok().stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let mut expected = vec!["id"];
    expected.extend(py["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()));
    assert_eq!(header, expected);
    let ours = sb.run(&["df", "artifact", "--instance", &root, "--features", "--format", "json"]).ok().json();
    assert_eq!(ours, py["features"], "features");
    let ours = sb
        .run(&[
            "df",
            "artifact",
            "--instance",
            &root,
            "--include",
            "created_by__handle,ulabels__name",
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(ours, py["included"], "includes");
}

/// Eight processes saving the same file under one key at once leave one artifact, and every one
/// of them succeeds with it (the losers of the race adopt the winner's record).
#[test]
fn concurrent_saves_of_one_file_leave_one_artifact() {
    for_each_backend("concurrent_saves_of_one_file_leave_one_artifact", |b| {
        let sb = Sandbox::with_instance(b);
        std::fs::write(sb.root.join("work/big.bin"), vec![7u8; 1 << 20]).unwrap();
        let runs: Vec<Run> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| sb.run(&["save", "big.bin", "--key", "raw/big.bin", "--json"])))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut uids = Vec::new();
        for run in runs {
            let run = run.ok();
            let saved = run.json();
            let saved = if saved.is_array() { saved[0].clone() } else { saved };
            uids.push(saved["uid"].as_str().expect("uid").to_string());
        }
        uids.dedup();
        assert_eq!(uids.len(), 1, "one artifact for all: {uids:?}");
        let listed = sb.run(&["list", "artifact", "--json"]).ok().json();
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    });
}
