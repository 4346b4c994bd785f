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
