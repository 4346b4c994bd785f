//! `lamin` end to end: connect, disconnect and delete.

#[allow(unused_imports)]
use super::sandbox::*;
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

#[test]
fn connect_here_connects_a_folder_and_the_folders_below_it_only() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.init_global("other", &[]).ok();
    let src = sb.root.join("work/proj/src");
    std::fs::create_dir_all(&src).unwrap();
    let run_in = |dir: &Path, args: &[&str]| {
        let out = lamin_command(&sb.root, args).current_dir(dir).output().unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (out.status.code(), text(out.stdout), text(out.stderr))
    };
    let proj = sb.root.join("work/proj");
    let (code, _, err) = run_in(&proj, &["connect", "mydata", "--here"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, format!("→ connected database anonymous/mydata to {}\n", proj.display()));
    // LaminDB's marker: the slug, nothing else.
    assert_eq!(std::fs::read_to_string(proj.join(".lamin/current_instance")).unwrap(), "anonymous/mydata");
    // Below the folder the instance is mydata; elsewhere the global one is unchanged.
    let (_, out, _) = run_in(&src, &["info"]);
    assert!(out.starts_with("Instance: anonymous/mydata\n"), "{out}");
    assert!(sb.run(&["info"]).ok().stdout.starts_with("Instance: anonymous/other\n"));
    // Another instance inside that folder is refused, with the way out.
    let (code, _, err) = run_in(&src, &["connect", "other", "--here"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("within the dev-dir of instance anonymous/mydata"), "{err}");
    assert!(err.contains("hint: `lamin disconnect --here`"), "{err}");
    // The home directory is never a development directory.
    let (code, _, err) = run_in(&sb.root.join("home"), &["connect", "mydata", "--here"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("The home directory cannot be a development directory"), "{err}");
    assert!(!sb.root.join("home/.lamin/current_instance").exists());
    // disconnect --here removes the nearest marker, found from below.
    let (code, _, err) = run_in(&src, &["disconnect", "--here"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.starts_with("→ disconnected local instance context: anonymous/mydata"), "{err}");
    assert!(!proj.join(".lamin/current_instance").exists());
    let (_, out, _) = run_in(&src, &["info"]);
    assert!(out.starts_with("Instance: anonymous/other\n"), "{out}");
    let (_, _, err) = run_in(&src, &["disconnect", "--here"]);
    assert_eq!(err, "→ no local instance marker found\n");
    // $HOME/.lamin/current_instance is LaminDB's legacy global instance, not a development
    // directory: folders below home connect on their own, and it is never removed from below.
    let home = sb.root.join("home");
    std::fs::create_dir_all(home.join(".lamin")).unwrap();
    std::fs::write(home.join(".lamin/current_instance"), "anonymous/other").unwrap();
    let below = home.join("proj");
    std::fs::create_dir_all(&below).unwrap();
    let (_, _, err) = run_in(&below, &["disconnect", "--here"]);
    assert_eq!(err, "→ no local instance marker found\n");
    assert!(home.join(".lamin/current_instance").exists());
    let (code, _, err) = run_in(&below, &["connect", "mydata", "--here"]);
    assert_eq!(code, Some(0), "{err}");
    let (_, out, _) = run_in(&below, &["info"]);
    assert!(out.starts_with("Instance: anonymous/mydata\n"), "{out}");
    assert!(sb.run(&["info"]).ok().stdout.starts_with("Instance: anonymous/other\n"));
}

/// Python LaminDB and `lamin` agree on development directories: Python finds the instance that
/// `lamin connect --here` set, and `lamin` the one lamindb-setup's own writer set.
#[test]
fn python_lamindb_and_lamin_share_development_directories() {
    let test = "python_lamindb_and_lamin_share_development_directories";
    let sb = Sandbox::with_instance(Backend::Sqlite);
    sb.init_global("other", &[]).ok();
    let ours = sb.root.join("work/ours");
    let theirs = sb.root.join("work/theirs");
    std::fs::create_dir_all(ours.join("sub")).unwrap();
    std::fs::create_dir_all(&theirs).unwrap();
    let out = lamin_command(&sb.root, &["connect", "mydata", "--here"]).current_dir(&ours).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let Some(python) = venv_python(test) else { return };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/python-dev-dir.py");
    let read = Command::new(&python)
        .arg(&script)
        .args([sb.root.clone(), sb.root.join("settings"), ours.join("sub"), theirs.clone()])
        .arg("anonymous/mydata")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(read.status.success(), "python-dev-dir.py failed:\n{}", String::from_utf8_lossy(&read.stderr));
    let py: Value =
        serde_json::from_str(String::from_utf8_lossy(&read.stdout).lines().last().unwrap()).unwrap();
    assert_eq!(py["slug"], "anonymous/mydata", "{py}");
    assert_eq!(py["dev_dir"], ours.display().to_string(), "{py}");
    // The marker Python wrote: `lamin` there uses its instance, elsewhere the global one.
    let info = lamin_command(&sb.root, &["info"]).current_dir(&theirs).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).starts_with("Instance: anonymous/mydata\n"), "{info:?}");
    assert!(sb.run(&["info"]).ok().stdout.starts_with("Instance: anonymous/other\n"));
}

/// The marker of a development directory: the slug it names, if any.
fn marker_of(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(".lamin/current_instance")).ok()
}

/// `lamin init` makes the working directory the development directory of the instance it made,
/// as LaminDB's init does, replacing the marker of another instance there; below it, a new
/// marker wins over the one above. Connecting another instance inside is refused, and a command
/// that writes names the instance a development directory chose over the global one.
#[test]
fn init_makes_the_working_directory_the_development_directory_of_its_instance() {
    let sb = Sandbox::new();
    let proj = sb.root.join("work/proj");
    let sub = proj.join("sub");
    let run = sb.run_at(&proj, &["init", "--storage", "../first"]).ok();
    assert!(run.stderr.starts_with("→ initialized lamindb: anonymous/first"), "{run:#?}");
    assert!(
        run.stderr.ends_with(&format!("→ development directory of anonymous/first: {}\n", proj.display())),
        "{run:#?}"
    );
    assert_eq!(marker_of(&proj).as_deref(), Some("anonymous/first"));
    // The second init in the same folder moves the folder to the new instance.
    let run = sb.run_at(&proj, &["init", "--storage", "../second", "--name", "second"]).ok();
    assert!(run.stderr.contains("development directory of anonymous/second"), "{run:#?}");
    assert_eq!(marker_of(&proj).as_deref(), Some("anonymous/second"));
    let info = sb.run_at(&proj, &["info"]).ok().stdout;
    assert!(info.starts_with("Instance: anonymous/second\n"), "{info}");
    assert!(info.contains(&format!("\n - dev-dir: {}\n", proj.display())), "{info}");
    let info = sb.run_at(&proj.join("deeper"), &["info", "--json"]).ok().json();
    assert_eq!(info["dev_dir"], proj.display().to_string(), "{info}");
    // A third one in a folder below: the nearest marker is the new one.
    sb.run_at(&sub, &["init", "--storage", "../../third", "--name", "third"]).ok();
    assert_eq!(marker_of(&sub).as_deref(), Some("anonymous/third"));
    assert_eq!(marker_of(&proj).as_deref(), Some("anonymous/second"));
    assert!(sb.run_at(&sub, &["info"]).ok().stdout.starts_with("Instance: anonymous/third\n"));
    assert!(sb.run_at(&proj, &["info"]).ok().stdout.starts_with("Instance: anonymous/second\n"));
    // Connecting another instance inside a development directory is refused, as in LaminDB.
    for (dir, owner) in [(&sub, "third"), (&proj, "second")] {
        let run = sb.run_at(dir, &["connect", "first"]).fails(1);
        assert!(
            run.stderr.starts_with(&format!(
                "error: You're trying to connect within the dev-dir of instance anonymous/{owner} ({}). Either cd into another directory",
                dir.display()
            )),
            "{run:#?}"
        );
        assert!(run.stderr.contains("hint: `lamin disconnect --here`"), "{run:#?}");
    }
    assert!(sb.run(&["info"]).ok().stdout.starts_with("Instance: anonymous/third\n"), "global unchanged");
    // Outside them, connect works; inside, a write names the instance the folder chose.
    sb.run(&["connect", "first"]).ok();
    std::fs::write(proj.join("a.txt"), "a").unwrap();
    let run = sb.run_at(&proj, &["save", "a.txt", "--key", "a.txt"]).ok();
    assert!(
        run.stderr.starts_with(&format!(
            "→ writing to anonymous/second, the instance of development directory {}\n",
            proj.display()
        )),
        "{run:#?}"
    );
    // Reads say nothing; the artifact is in `second`, not in the global `first`.
    let list = sb.run_at(&proj, &["list", "artifact", "--json"]).ok();
    assert!(!list.stderr.contains("writing to"), "{list:#?}");
    assert_eq!(list.json().as_array().map(Vec::len), Some(1), "{list:#?}");
    assert_eq!(sb.run(&["list", "artifact", "--json"]).ok().json().as_array().map(Vec::len), Some(0));
    // Where the folder's instance is the global one, there is nothing to say.
    sb.run_at(&sb.root.join("work/elsewhere"), &["connect", "second"]).ok();
    let run = sb.run_at(&proj, &["save", "a.txt", "--key", "b.txt"]).ok();
    assert!(!run.stderr.contains("writing to"), "{run:#?}");
}

/// Runs `scripts/python-dev-dir.py` (Python LaminDB, offline) in `read_dir` with `actions`; no
/// marker written. Its JSON line.
fn python_dev_dir(python: &Path, sb: &Sandbox, read_dir: &Path, actions: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/python-dev-dir.py");
    std::fs::create_dir_all(read_dir).unwrap();
    let out = Command::new(python)
        .arg(&script)
        .args([sb.root.clone(), sb.root.join("settings"), read_dir.to_path_buf()])
        .args(["-", "-"])
        .args(actions)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python-dev-dir.py {actions:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last().unwrap()).unwrap()
}

/// `lamin init`, then Python LaminDB: Python finds the development directory `lamin init` made
/// and refuses to connect another instance there with the words `lamin` uses; Python's init
/// below it makes a folder of its own that `lamin` follows, and says which instance it writes to.
#[test]
fn lamin_init_then_python_lamindb_agree_on_development_directories() {
    let test = "lamin_init_then_python_lamindb_agree_on_development_directories";
    let sb = Sandbox::new();
    sb.run(&["init", "--storage", "./other"]).ok();
    let proj = sb.root.join("work/proj");
    let sub = proj.join("sub");
    sb.run_at(&proj, &["init", "--storage", "../first"]).ok();
    let Some(python) = venv_python(test) else { return };
    let py = python_dev_dir(&python, &sb, &sub, &["connect=anonymous/other"]);
    assert_eq!(py["slug"], "anonymous/first", "{py}");
    assert_eq!(py["dev_dir"], proj.display().to_string(), "{py}");
    let theirs = py["connect_errors"][0].as_str().expect("Python refused to connect").to_string();
    let ours = sb.run_at(&sub, &["connect", "other"]).fails(1).stderr;
    let first_sentence = |s: &str| s.split(". ").next().unwrap().to_string();
    assert_eq!(format!("error: {}", first_sentence(&theirs)), first_sentence(&ours), "{theirs}\n{ours}");
    assert!(theirs.contains("lamin disconnect --here") && ours.contains("lamin disconnect --here"), "{ours}");
    // Python's init below: the new folder is the second instance's, for `lamin` too.
    let second = sb.root.join("work/second").display().to_string();
    let py = python_dev_dir(&python, &sb, &sub, &[&format!("init={second},second")]);
    assert_eq!(py["initialized"][0], "anonymous/second", "{py}");
    assert_eq!(marker_of(&sub).as_deref(), Some("anonymous/second"));
    assert!(sb.run_at(&sub, &["info"]).ok().stdout.starts_with("Instance: anonymous/second\n"));
    std::fs::write(sub.join("a.txt"), "a").unwrap();
    let run = sb.run_at(&sub, &["save", "a.txt", "--key", "a.txt"]).ok();
    assert!(
        run.stderr.starts_with(&format!(
            "→ writing to anonymous/second, the instance of development directory {}\n",
            sub.display()
        )),
        "{run:#?}"
    );
    assert!(sb.run_at(&proj, &["info"]).ok().stdout.starts_with("Instance: anonymous/first\n"));
}

/// Python LaminDB's init, then `lamin`: `lamin` uses the folder Python's init made, `lamin init`
/// there moves the folder to its new instance (Python follows), and `lamin connect` of the first
/// instance there is refused as Python refuses it.
#[test]
fn python_lamindb_init_then_lamin_agree_on_development_directories() {
    let test = "python_lamindb_init_then_lamin_agree_on_development_directories";
    let sb = Sandbox::new();
    let Some(python) = venv_python(test) else { return };
    let py_dir = sb.root.join("work/py");
    let first = sb.root.join("work/pyfirst").display().to_string();
    let py = python_dev_dir(&python, &sb, &py_dir, &[&format!("init={first},pyfirst")]);
    assert_eq!(py["initialized"][0], "anonymous/pyfirst", "{py}");
    assert_eq!(marker_of(&py_dir).as_deref(), Some("anonymous/pyfirst"));
    assert!(sb.run_at(&py_dir, &["info"]).ok().stdout.starts_with("Instance: anonymous/pyfirst\n"));
    let run = sb.run_at(&py_dir, &["init", "--storage", "../pysecond", "--name", "pysecond"]).ok();
    assert!(run.stderr.contains("development directory of anonymous/pysecond"), "{run:#?}");
    assert_eq!(marker_of(&py_dir).as_deref(), Some("anonymous/pysecond"));
    assert!(
        sb.run_at(&py_dir.join("deeper"), &["info"])
            .ok()
            .stdout
            .starts_with("Instance: anonymous/pysecond\n")
    );
    let py = python_dev_dir(&python, &sb, &py_dir.join("deeper"), &["connect=anonymous/pyfirst"]);
    assert_eq!(py["slug"], "anonymous/pysecond", "{py}");
    assert_eq!(py["dev_dir"], py_dir.display().to_string(), "{py}");
    let theirs = py["connect_errors"][0].as_str().expect("Python refused to connect").to_string();
    let ours = sb.run_at(&py_dir.join("deeper"), &["connect", "pyfirst"]).fails(1).stderr;
    let first_sentence = |s: &str| s.split(". ").next().unwrap().to_string();
    assert_eq!(format!("error: {}", first_sentence(&theirs)), first_sentence(&ours), "{theirs}\n{ours}");
}

/// `lamin delete instance --force` when the SQLite file was deleted: the settings go, the marker
/// and the bytes the lost database may have recorded stay, and the command says so.
#[test]
fn delete_instance_with_force_works_when_the_sqlite_file_is_gone() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    std::fs::write(sb.work("f.txt"), "bytes").unwrap();
    sb.run(&["save", "f.txt", "--key", "f.txt"]).ok();
    let root = sb.work("mydata");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{root}/.lamindb/lamin.db{suffix}"));
    }
    let run = sb.run(&["delete", "instance", "mydata", "--force"]).ok();
    assert!(
        run.stderr.contains(&format!("the SQLite file {root}/.lamindb/lamin.db does not exist")),
        "{run:#?}"
    );
    assert!(run.stderr.contains("→ deleted instance anonymous/mydata\n"), "{run:#?}");
    assert!(
        run.stderr.contains(&format!(
            "! not removed: the storage {root} and its marker .lamindb/storage_uid.txt (it holds 1 file(s) under .lamindb/"
        )),
        "{run:#?}"
    );
    assert!(!sb.settings_file("instance--anonymous--mydata.env").exists());
    assert!(!sb.settings_file("current_instance.env").exists());
    assert!(Path::new(&format!("{root}/.lamindb/storage_uid.txt")).is_file());
    sb.run(&["connect", "mydata"]).fails(1);
    // Without bytes, nothing is kept.
    let sb = Sandbox::with_instance(Backend::Sqlite);
    std::fs::remove_file(sb.work("mydata/.lamindb/lamin.db")).unwrap();
    let run = sb.run(&["delete", "instance", "mydata", "--force"]).ok();
    assert!(!run.stderr.contains("not removed"), "{run:#?}");
    assert!(!Path::new(&sb.work("mydata")).exists());
}

/// `lamin delete instance --force` when the PostgreSQL database cannot be reached: the settings
/// go, the storage and its marker stay, and the password is not printed.
#[test]
fn delete_instance_with_force_works_when_the_postgres_database_is_unreachable() {
    let test = "delete_instance_with_force_works_when_the_postgres_database_is_unreachable";
    if postgres_url().is_none() {
        lamindb_tests::backends(test);
        return;
    }
    let sb = Sandbox::with_instance(Backend::Postgres);
    let file = sb.settings_file("instance--anonymous--mydata.env");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().find(|l| l.starts_with("lamindb_instance_db=")).unwrap().to_string();
    let url = line.trim_start_matches("lamindb_instance_db=");
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, host_db) = rest.split_once('@').unwrap();
    let (_, dbname) = host_db.rsplit_once('/').unwrap();
    let user = user.split(':').next().unwrap();
    let gone = format!("{scheme}://{user}:Gone-s3cret@127.0.0.1:1/{dbname}");
    std::fs::write(&file, text.replace(&line, &format!("lamindb_instance_db={gone}"))).unwrap();
    let run = sb.run(&["delete", "instance", "mydata", "--force"]).ok();
    assert!(!run.stderr.contains("Gone-s3cret"), "{run:#?}");
    assert!(run.stderr.contains("cannot connect to"), "{run:#?}");
    assert!(run.stderr.contains("→ deleted instance anonymous/mydata\n"), "{run:#?}");
    assert!(run.stderr.contains("the database that may still use it could not be checked"), "{run:#?}");
    assert!(!file.exists());
    assert!(Path::new(&sb.work("mydata/.lamindb/storage_uid.txt")).is_file());
}

/// A folder that cannot hold the marker (here `.lamin` is a file) does not undo an init: the
/// instance is made and current, and a warning says the folder is not its development directory.
#[test]
fn init_where_no_marker_can_be_written_warns_and_keeps_the_instance() {
    let sb = Sandbox::new();
    let proj = sb.root.join("work/proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(proj.join(".lamin"), "not a folder").unwrap();
    let run = sb.run_at(&proj, &["init", "--storage", "../first"]).ok();
    assert!(
        run.stderr.contains(&format!(
            "! {} could not be made the development directory of anonymous/first (",
            proj.display()
        )),
        "{run:#?}"
    );
    assert!(sb.run_at(&proj, &["info"]).ok().stdout.starts_with("Instance: anonymous/first\n"));
}
