//! `lamin` end to end: save, load and delete artifacts.

#[allow(unused_imports)]
use super::sandbox::*;
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
        assert!(
            missing.stderr.contains("hint: find it by another field with `lamin list artifact"),
            "{missing:#?}"
        );

        // Errors say what to do.
        let no_key = sb.run(&["save", "data.csv"]).fails(1);
        assert!(no_key.stderr.contains("Pass one of key, run or description as a parameter"), "{no_key:#?}");
        assert!(no_key.stderr.contains("hint: pass --key KEY"), "{no_key:#?}");
        let bad = sb.run(&["save", "data.csv", "--key", "../up.csv"]).fails(1);
        assert!(bad.stderr.contains("Relative path segment '..' detected in key '../up.csv'."), "{bad:#?}");

        // delete: trash, then for good (bytes of a virtual key removed).
        let trash = sb.run(&["delete", "artifact", &uid]).ok();
        assert!(trash.stderr.starts_with("→ moved record to trash"), "{trash:#?}");
        assert!(Path::new(&stored).exists());
        let twice = sb.run(&["delete", "artifact", &uid]).fails(1);
        assert!(twice.stderr.contains("already in the trash"), "{twice:#?}");
        assert!(twice.stderr.contains("\nhint: restore it with `lamin restore artifact "), "{twice:#?}");
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

    // Objects already in the bucket: registered in place under their paths, from the listing.
    for i in 0..12 {
        store.write(&format!("raw/f{i:02}.txt"), format!("object {i}").into_bytes()).unwrap();
    }
    let (path, query) = root.split_once('?').unwrap();
    let prefix = format!("{path}/raw/?{query}");
    let run = sb.run(&["save", &prefix, "--one-per-file", "--json"]).ok();
    let saved = run.json();
    assert_eq!(saved.as_array().unwrap().len(), 12);
    assert_eq!(saved[0]["key"], "raw/f00.txt");
    assert_eq!(saved[0]["_key_is_virtual"], false);
    assert!(run.stderr.contains("saved 12 new artifacts, 0 existing"), "{run:#?}");
    let again = sb.run(&["save", &prefix, "--one-per-file"]).ok();
    assert!(again.stderr.contains("saved 0 new artifacts, 12 existing"), "{again:#?}");
    let outside = sb.run(&["save", "s3://elsewhere/x.txt"]).fails(1);
    assert!(outside.stderr.contains("lamin storage add s3://elsewhere"), "{outside:#?}");
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

/// The stat cache (`<cache>/lamindb/stat-cache.sqlite`) with `sql` run on it.
fn stat_cache(sb: &Sandbox, sql: &str) -> String {
    lamindb_tests::sqlite_scalar(&sb.root.join("home/.cache/lamindb/stat-cache.sqlite"), sql)
}

/// Saving a folder again takes the hashes of unchanged files from the stat cache, and hashes
/// again every file that was touched, rewritten with the same size (even with its old
/// modification time put back), or replaced; `--rehash` ignores the cache.
#[test]
fn resaving_a_folder_hashes_only_what_changed() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    std::fs::create_dir_all(sb.work("st")).unwrap();
    for name in ["a", "b", "c", "d"] {
        std::fs::write(sb.work(&format!("st/{name}.txt")), format!("content of {name}")).unwrap();
    }
    // File times within a clock tick of the hashing are not trusted: let them settle.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let first = sb.run(&["save", "st", "--one-per-file", "--json"]).ok().json();
    let hash_of = |saved: &Value, key: &str| -> String {
        let a = saved.as_array().unwrap().iter().find(|a| a["key"] == key).expect("saved key");
        a["hash"].as_str().unwrap().to_string()
    };
    let path_a = sb.work("st/a.txt");
    assert_eq!(
        stat_cache(&sb, &format!("SELECT hash FROM file_hash WHERE path = '{path_a}'")),
        hash_of(&first, "st/a.txt")
    );
    assert_eq!(stat_cache(&sb, "SELECT count(*) FROM file_hash"), "4");

    // Unchanged: the cached hash is used without reading the file. A wrong hash planted in the
    // cache shows it: the file is taken for new content.
    stat_cache(&sb, &format!("UPDATE file_hash SET hash = 'AAAAAAAAAAAAAAAAAAAAAA' WHERE path = '{path_a}'"));
    let planted = sb.run(&["save", "st/a.txt", "--key", "st/a.txt", "--json"]).ok().json();
    assert_eq!(planted[0]["hash"], "AAAAAAAAAAAAAAAAAAAAAA");
    // --rehash reads it again and finds the artifact with the true hash.
    let rehashed = sb.run(&["save", "st/a.txt", "--key", "st/a.txt", "--rehash", "--json"]).ok();
    assert_eq!(rehashed.json()[0]["hash"].as_str().unwrap(), hash_of(&first, "st/a.txt"));
    assert!(rehashed.stderr.contains("returning artifact with same hash"), "{rehashed:#?}");

    // Touched (same content): hashed again, the same artifact comes back.
    let b = sb.work("st/b.txt");
    let old_mtime = std::fs::metadata(&b).unwrap().modified().unwrap();
    std::fs::File::options()
        .write(true)
        .open(&b)
        .unwrap()
        .set_modified(old_mtime + std::time::Duration::from_secs(5))
        .unwrap();
    // Same size, other content, with the old modification time put back: ctime still moved.
    let c = sb.work("st/c.txt");
    let c_mtime = std::fs::metadata(&c).unwrap().modified().unwrap();
    std::fs::write(&c, "content of C").unwrap();
    std::fs::File::options().write(true).open(&c).unwrap().set_modified(c_mtime).unwrap();
    // Deleted and written anew with the same size: another file.
    let d = sb.work("st/d.txt");
    std::fs::remove_file(&d).unwrap();
    std::fs::write(&d, "content of D").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let again = sb.run(&["save", "st", "--one-per-file", "--json"]).ok();
    let saved = again.json();
    assert_eq!(hash_of(&saved, "st/b.txt"), hash_of(&first, "st/b.txt"));
    let md5 = |text: &str| {
        let h = lamindb_storage::hash::hash_bytes(text.as_bytes());
        h.hash
    };
    assert_eq!(hash_of(&saved, "st/c.txt"), md5("content of C"));
    assert_eq!(hash_of(&saved, "st/d.txt"), md5("content of D"));
    assert!(again.stderr.contains("creating new artifact version for key 'st/c.txt'"), "{again:#?}");
    assert!(again.stderr.contains("creating new artifact version for key 'st/d.txt'"), "{again:#?}");

    // A deleted file is not saved from the cache: its path fails as a missing file.
    std::fs::remove_file(&b).unwrap();
    let gone = sb.run(&["save", "st/b.txt", "--key", "st/b.txt"]).fails(1);
    assert!(gone.stderr.contains("No such file"), "{gone:#?}");
}

/// Errors say each cause once, in the user's words, with a hint where one exists.
#[test]
fn errors_name_each_cause_once() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let missing = sb.run(&["save", "nonexist.txt"]).fails(1);
    assert_eq!(missing.stderr.matches("No such file or directory").count(), 1, "{missing:#?}");
    std::fs::write(sb.work("f.txt"), "x").unwrap();
    let file = Sandbox::new();
    std::fs::write(file.work("f.txt"), "x").unwrap();
    let init = file.run(&["init", "--storage", "./f.txt"]).fails(1);
    assert!(init.stderr.contains("./f.txt is a file, not a folder"), "{init:#?}");
    assert!(!init.stderr.contains("context"), "{init:#?}");
    let uid = sb.run(&["save", "f.txt", "--key", "f.txt"]).ok().stdout.trim().to_string();
    let path = sb.run(&["load", &uid]).ok().stdout.trim().to_string();
    std::fs::remove_file(&path).unwrap();
    let gone = sb.run(&["load", &uid]).fails(1);
    assert!(gone.stderr.contains("its bytes are missing from storage (`lamin doctor`"), "{gone:#?}");
    assert_eq!(gone.stderr.matches("no such file").count(), 1, "{gone:#?}");
}

/// `lamin save <fifo>` (or a socket, or a device) is refused at once with a message instead of
/// waiting for a writer forever; inside a folder such files are skipped.
#[test]
fn save_refuses_a_fifo_or_device_at_once_and_skips_them_in_folders() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let made = Command::new("mkfifo").arg(sb.work("pipe.txt")).status().expect("run mkfifo");
    assert!(made.success());
    let started = std::time::Instant::now();
    let mut child = lamin_command(&sb.root, &["save", "pipe.txt", "--key", "pipe.txt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the lamin binary");
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("`lamin save pipe.txt` still waits after 30 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: pipe.txt is a FIFO (named pipe), not a file or folder: only files and folders can be saved"
        ),
        "{stderr}"
    );
    let device = sb.run(&["save", "/dev/null", "--key", "null"]).fails(1);
    assert!(device.stderr.contains("/dev/null is a character device, not a file or folder"), "{device:#?}");

    // In a folder: the FIFO is skipped, the file saved.
    std::fs::create_dir(sb.work("dir")).unwrap();
    std::fs::write(sb.work("dir/a.txt"), "a").unwrap();
    let made = Command::new("mkfifo").arg(sb.work("dir/pipe")).status().expect("run mkfifo");
    assert!(made.success());
    let keys: Vec<Value> =
        sb.run(&["save", "dir", "--one-per-file", "--json"]).ok().json().as_array().unwrap().clone();
    assert_eq!(keys.iter().map(|a| a["key"].clone()).collect::<Vec<_>>(), ["dir/a.txt"]);
}

/// File names that are not UTF-8 are refused with the path (bytes escaped) before anything is
/// saved: two of them no longer become two artifacts with one key, and `--json` stays valid.
#[test]
fn save_refuses_names_that_are_not_utf8_before_saving_anything() {
    use std::os::unix::ffi::OsStrExt;
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let dir = sb.root.join("work/odd");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("fine.txt"), "0").unwrap();
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"x\xff.txt")), "1").unwrap();
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"x\xfe.txt")), "2").unwrap();
    let message = "odd/x\\xfe.txt: the path is not valid UTF-8";
    let run = sb.run(&["save", "odd", "--one-per-file", "--json"]).fails(1);
    assert!(run.stderr.contains(message), "{run:#?}");
    assert_eq!(run.json(), serde_json::json!([]), "the JSON array is closed");
    let run = sb.run(&["save", "odd", "--key", "odd"]).fails(1);
    assert!(run.stderr.contains(message), "{run:#?}");
    let one = lamin_command(&sb.root, &["save", "--key", "x.txt"])
        .arg(dir.join(std::ffi::OsStr::from_bytes(b"x\xff.txt")))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert_eq!(one.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("odd/x\\xff.txt: the path is not valid UTF-8"), "{stderr}");
    let count = sb.run(&["list", "artifact", "--count"]).ok();
    assert_eq!(count.stdout.trim(), "0");
}
