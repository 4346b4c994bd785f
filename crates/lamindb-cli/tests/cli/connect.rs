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
    sb.run(&["init", "--storage", "./other"]).ok();
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
    sb.run(&["init", "--storage", "./other"]).ok();
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
