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
