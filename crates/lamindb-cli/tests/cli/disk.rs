//! `lamin` when the disk under a storage location fills up or turns read-only: a clear error, no
//! artifact row for bytes that did not arrive, no partial bytes left, and `lamin doctor` healthy
//! afterwards. The disk is a small tmpfs mounted for the test (it needs root and a kernel that
//! lets it mount one; otherwise the test prints that it was skipped).

use std::path::{Path, PathBuf};
use std::process::Command;

#[allow(unused_imports)]
use super::sandbox::*;

/// A tmpfs mounted at a folder for as long as the value lives.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs { dir: dir.to_path_buf() })
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(status.success(), "resize the tmpfs");
    }

    fn remount_read_only(&self) {
        let status = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.dir).status().unwrap();
        assert!(status.success(), "remount read-only");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Files under `<root>/.lamindb/` other than the marker.
fn stored(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join(".lamindb"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    out.retain(|f| f != "storage_uid.txt");
    out.sort();
    out
}

/// An instance with a storage location `./<folder>` on a tmpfs of `size` (unmounted before the
/// sandbox is removed: fields drop in order); `None`, printed as skipped, when it cannot mount.
struct OnDisk {
    disk: Tmpfs,
    sb: Sandbox,
}

impl OnDisk {
    fn new(test: &str, folder: &str, size: &str) -> Option<OnDisk> {
        let sb = Sandbox::with_instance(Backend::Sqlite);
        let Some(disk) = Tmpfs::mount(&sb.root.join("work").join(folder), size) else {
            println!("skipped: {test} (cannot mount a tmpfs)");
            return None;
        };
        sb.run(&["storage", "add", &format!("./{folder}")]).ok();
        Some(OnDisk { disk, sb })
    }
}

fn artifacts(sb: &Sandbox) -> usize {
    sb.run(&["list", "artifact", "--count"]).ok().stdout.trim().parse().unwrap()
}

#[test]
fn a_full_disk_fails_the_save_and_leaves_nothing_behind() {
    let test = "a_full_disk_fails_the_save_and_leaves_nothing_behind";
    let Some(t) = OnDisk::new(test, "small", "1m") else { return };
    let (sb, disk, small) = (&t.sb, &t.disk, &t.disk.dir);
    // One file larger than the disk.
    std::fs::write(sb.work("big.bin"), vec![7u8; 3 << 20]).unwrap();
    let run = sb.run(&["save", "big.bin", "--key", "big.bin", "--storage", "./small"]).fails(1);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("No space left on device"), "{run:#?}");
    assert_eq!(run.stderr.matches("No space left on device").count(), 1, "the cause once: {run:#?}");
    assert_eq!(artifacts(sb), 0, "no row for bytes that did not arrive");
    assert_eq!(stored(small), Vec::<String>::new(), "no partial file");
    sb.run(&["doctor"]).ok();

    // A folder that fills the disk halfway through: every artifact left has its bytes, every
    // byte left has its artifact.
    let many = sb.root.join("work/many");
    std::fs::create_dir_all(&many).unwrap();
    for i in 0..40 {
        std::fs::write(many.join(format!("f{i:02}.bin")), vec![i as u8; 40 << 10]).unwrap();
    }
    let run = sb.run(&["save", "many", "--one-per-file", "--storage", "./small"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("No space left on device"), "{run:#?}");
    let saved = artifacts(sb);
    assert_eq!(saved, stored(small).len(), "rows and bytes agree: {run:#?}");
    assert!(saved < 40, "the disk holds at most 1 MiB");
    sb.run(&["doctor", "--verify-hashes"]).ok();

    // Room again (the disk grown to 4 MiB): the same command completes the work.
    disk.resize("4m");
    let run = sb.run(&["save", "many", "--one-per-file", "--storage", "./small"]).ok();
    assert_eq!(artifacts(sb), 40, "{run:#?}");
    assert_eq!(stored(small).len(), 40);
    sb.run(&["doctor", "--verify-hashes"]).ok();
}

#[test]
fn a_read_only_disk_fails_the_save_and_keeps_what_was_saved() {
    let test = "a_read_only_disk_fails_the_save_and_keeps_what_was_saved";
    let Some(t) = OnDisk::new(test, "ro", "4m") else { return };
    let (sb, disk) = (&t.sb, &t.disk);
    std::fs::write(sb.work("a.txt"), "first").unwrap();
    std::fs::write(sb.work("b.txt"), "second").unwrap();
    let first =
        sb.run(&["save", "a.txt", "--key", "a.txt", "--storage", "./ro"]).ok().stdout.trim().to_string();
    disk.remount_read_only();
    let run = sb.run(&["save", "b.txt", "--key", "b.txt", "--storage", "./ro"]).fails(1);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("Read-only file system"), "{run:#?}");
    assert_eq!(artifacts(sb), 1, "{run:#?}");
    // What was saved before is still there and loads.
    let path = sb.run(&["load", &first]).ok().stdout;
    assert_eq!(std::fs::read_to_string(path.trim()).unwrap(), "first");
    sb.run(&["doctor"]).ok();
}
