//! `lamin track`, `lamin finish` and `lamin describe` end to end: runs of shell scripts and of
//! commands, with their inputs, outputs, reports, statuses and the runs that started them.

#[allow(unused_imports)]
use super::sandbox::*;

/// Runs `bash script` in the sandbox's work directory with the sandbox's settings and the
/// `lamin` under test first on `PATH`.
fn bash(sb: &Sandbox, script: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_lamin")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let file = sb.root.join("work/script.sh");
    std::fs::write(&file, script).unwrap();
    let mut cmd = Command::new("bash");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LAMIN_") {
            cmd.env_remove(key);
        }
    }
    cmd.arg(&file)
        .current_dir(sb.root.join("work"))
        .env("LAMIN_SETTINGS_DIR", sb.root.join("settings"))
        .env("HOME", sb.root.join("home"))
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The run uid in `lamin track -- …`'s last message (`→ run <uid> <status> (exit status N)`).
fn run_uid(stderr: &str) -> String {
    let line = stderr.lines().rev().find(|l| l.starts_with("→ run ")).unwrap_or_else(|| panic!("{stderr}"));
    line.split_whitespace().nth(2).unwrap().to_string()
}

fn describe_run(sb: &Sandbox, uid: &str) -> Value {
    sb.run(&["describe", "run", uid, "--json"]).ok().json()
}

#[test]
fn a_shell_script_between_track_and_finish_links_what_it_saved_and_loaded() {
    for_each_backend("a_shell_script_between_track_and_finish_links_what_it_saved_and_loaded", |b| {
        let sb = Sandbox::with_instance(b);
        std::fs::write(sb.work("raw.csv"), "a\n1\n").unwrap();
        let raw = sb.run(&["save", "raw.csv", "--key", "raw.csv"]).ok().stdout.trim().to_string();
        let out = bash(
            &sb,
            "set -e\n\
             lamin track --param min_genes=200 --param tag=nightly\n\
             path=$(lamin load --key raw.csv)\n\
             cp \"$path\" copy.csv && echo 2 >> copy.csv\n\
             lamin save copy.csv --key out/copy.csv\n\
             lamin finish\n",
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains("started run "), "{stderr}");
        let list = sb.run(&["list", "artifact", "--filter", "key=out/copy.csv", "--json"]).ok().json();
        let copy_uid = list[0]["uid"].as_str().unwrap().to_string();
        let a = sb.run(&["describe", "artifact", &copy_uid, "--json"]).ok().json();
        let lineage = &a["lineage"];
        assert_eq!(lineage["transform"]["key"], "script.sh");
        assert_eq!(lineage["transform"]["kind"], "script");
        assert_eq!(lineage["run"]["status"], "completed");
        assert_eq!(lineage["run"]["params"], serde_json::json!({"min_genes": 200, "tag": "nightly"}));
        assert_eq!(lineage["inputs"][0]["uid"], raw);
        let run = describe_run(&sb, lineage["run"]["uid"].as_str().unwrap());
        assert_eq!(run["outputs"][0]["uid"], copy_uid.as_str());
        // The tree on a terminal names the same things.
        let text = sb.run(&["describe", "artifact", &copy_uid]).ok().stdout;
        assert!(text.contains("of transform script.sh (script"), "{text}");
        assert!(text.contains(&format!("input artifact raw.csv ({raw})")), "{text}");
        // Outside the script nothing is tracked any more; finishing again says what to do.
        let again = sb.run(&["finish"]).fails(1);
        assert!(again.stderr.contains("no run to finish: start one with `lamin track`"), "{again:#?}");
        // A script saving without `lamin track` is not linked to the old run.
        let out = bash(&sb, "set -e\necho x > other.txt\nlamin save other.txt --key other.txt\n");
        assert!(out.status.success());
        let other = sb.run(&["list", "artifact", "--filter", "key=other.txt", "--json"]).ok().json();
        assert!(other[0]["run_id"].is_null(), "{other}");
    });
}

#[test]
fn a_tracked_command_passes_its_output_and_exit_status_on() {
    for_each_backend("a_tracked_command_passes_its_output_and_exit_status_on", |b| {
        let sb = Sandbox::with_instance(b);
        let ok =
            sb.run(&["track", "--key", "hello", "--", "sh", "-c", "echo out-line; echo err-line >&2"]).ok();
        assert!(ok.stdout.contains("out-line"), "{ok:#?}");
        assert!(ok.stderr.contains("err-line"), "{ok:#?}");
        let run = describe_run(&sb, &run_uid(&ok.stderr));
        assert_eq!(run["status"], "completed");
        assert_eq!(run["lineage"]["transform"]["key"], "hello");
        assert_eq!(run["cli_args"], "sh -c echo out-line; echo err-line >&2");
        // The output is the run's report artifact.
        let report_id = run["report_id"].as_i64().expect("a report");
        let report = sb.run(&["load", &report_id.to_string()]).ok();
        let text = std::fs::read_to_string(report.stdout.trim()).unwrap();
        assert!(text.contains("out-line") && text.contains("err-line"), "{text}");
        let reports = sb.run(&["list", "artifact", "--filter", "kind=__lamindb_run__", "--json"]).ok().json();
        assert_eq!(reports.as_array().unwrap().len(), 1);

        for (cmd, code, status) in [
            ("exit 3", 3, "errored"),
            ("kill -TERM $$", 128 + 15, "aborted"),
            ("kill -SEGV $$", 128 + 11, "errored"),
        ] {
            let r = sb.run(&["track", "--key", "fails", "--", "sh", "-c", cmd]).fails(code);
            assert_eq!(describe_run(&sb, &run_uid(&r.stderr))["status"], status, "{cmd}");
        }
        // A script file: its source and hash go to the transform; a changed script is a new version.
        std::fs::write(sb.work("step.sh"), "#!/bin/sh\necho v1\n").unwrap();
        let mut perms = std::fs::metadata(sb.work("step.sh")).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(sb.work("step.sh"), perms).unwrap();
        let v1 = sb.run(&["track", "--", "./step.sh"]).ok();
        let t1 = describe_run(&sb, &run_uid(&v1.stderr))["lineage"]["transform"].clone();
        assert_eq!((t1["key"].as_str(), t1["kind"].as_str()), (Some("step.sh"), Some("script")));
        std::fs::write(sb.work("step.sh"), "#!/bin/sh\necho v2\n").unwrap();
        let v2 = sb.run(&["track", "--", "./step.sh"]).ok();
        let t2 = describe_run(&sb, &run_uid(&v2.stderr))["lineage"]["transform"].clone();
        assert_ne!(t1["hash"], t2["hash"]);
        assert_eq!(t1["uid"].as_str().unwrap()[..12], t2["uid"].as_str().unwrap()[..12]);

        // Bad input changes nothing.
        let runs_before = sb.run(&["list", "run", "--json"]).ok().json().as_array().unwrap().len();
        let bad = sb.run(&["track", "--param", "novalue", "--", "true"]).fails(1);
        assert!(bad.stderr.contains("expected NAME=VALUE"), "{bad:#?}");
        let missing = sb.run(&["track", "--", "./does-not-exist"]).fails(1);
        assert!(missing.stderr.contains("cannot run ./does-not-exist"), "{missing:#?}");
        let runs_after = sb.run(&["list", "run", "--json"]).ok().json();
        // The run of a command that could not start is kept, errored.
        assert_eq!(runs_after.as_array().unwrap().len(), runs_before + 1);
    });
}

#[test]
fn a_nested_tracked_command_records_the_run_that_started_it() {
    for_each_backend("a_nested_tracked_command_records_the_run_that_started_it", |b| {
        let sb = Sandbox::with_instance(b);
        std::fs::write(sb.work("in.txt"), "in").unwrap();
        sb.run(&["save", "in.txt", "--key", "in.txt"]).ok();
        let lamin = env!("CARGO_BIN_EXE_lamin");
        let inner = format!(
            "{lamin} track --key inner -- sh -c '{lamin} load --key in.txt >/dev/null && echo o > o.txt && {lamin} save o.txt --key o.txt'"
        );
        let outer = sb.run(&["track", "--key", "outer", "--", "sh", "-c", &inner]).ok();
        let outer_uid = run_uid(&outer.stderr);
        let runs = sb.run(&["list", "run", "--json"]).ok().json();
        let inner_run = runs.as_array().unwrap().iter().find(|r| r["uid"] != outer_uid.as_str()).unwrap();
        let described = describe_run(&sb, inner_run["uid"].as_str().unwrap());
        assert_eq!(described["lineage"]["run"]["initiated_by_run"], outer_uid.as_str());
        assert_eq!(described["lineage"]["transform"]["key"], "inner");
        assert_eq!(described["outputs"][0]["key"], "o.txt");
        assert_eq!(described["lineage"]["inputs"][0]["key"], "in.txt");
    });
}

#[test]
fn python_lamindb_reads_the_runs_that_lamin_track_wrote() {
    let test = "python_lamindb_reads_the_runs_that_lamin_track_wrote";
    for_each_backend(test, |b| {
        let Some(python) = venv_python(test) else { return };
        let sb = Sandbox::with_instance(b);
        std::fs::write(sb.work("in.txt"), "in").unwrap();
        let input = sb.run(&["save", "in.txt", "--key", "in.txt"]).ok().stdout.trim().to_string();
        let lamin = env!("CARGO_BIN_EXE_lamin");
        let body = format!(
            "{lamin} load --key in.txt >/dev/null && echo made > made.txt && {lamin} save made.txt --key made.txt >/dev/null && echo done"
        );
        let outer = sb.run(&["track", "--key", "outer", "--", "true"]).ok();
        let outer_uid = run_uid(&outer.stderr);
        let mut cmd =
            lamin_command(&sb.root, &["track", "--key", "make", "--param", "n=3", "--", "sh", "-c", &body]);
        cmd.env("LAMIN_INITIATED_BY_RUN_UID", &outer_uid);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        let uid = run_uid(&stderr);
        let made = sb.run(&["list", "artifact", "--filter", "key=made.txt", "--json"]).ok().json();
        let made = made[0]["uid"].as_str().unwrap().to_string();

        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/python-read-run.py");
        let read = Command::new(&python)
            .arg(&script)
            .args([sb.root.join("py"), sb.root.join("settings")])
            .args(["anonymous/mydata", uid.as_str()])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let py_err = String::from_utf8_lossy(&read.stderr);
        assert!(read.status.success(), "python-read-run.py failed:\n{py_err}");
        let stdout = String::from_utf8_lossy(&read.stdout);
        let py: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
        assert_eq!(py["uid"], uid.as_str());
        assert_eq!(py["status"], "completed");
        assert_eq!(py["params"], serde_json::json!({"n": 3}));
        assert_eq!(py["transform"]["key"], "make");
        assert_eq!(py["transform"]["kind"], "pipeline");
        assert_eq!(py["inputs"], serde_json::json!([input]));
        assert_eq!(py["outputs"], serde_json::json!({made.as_str(): "make"}));
        assert_eq!(py["report"]["kind"], "__lamindb_run__");
        assert_eq!(py["report"]["description"], format!("log streams of run {uid}"));
        assert!(py["report"]["text"].as_str().unwrap().contains("done"), "{py}");
        assert_eq!(py["initiated_by_run"], outer_uid.as_str());
        assert!(py["finished_at"].is_string());
    });
}

#[test]
fn runs_whose_process_ended_without_ending_them_are_found_and_aborted_by_doctor() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    // A script that exits without `lamin finish`: its shell is gone, the run stays started.
    let out = bash(&sb, "set -e\nlamin track --key forgot-finish\necho done\n");
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().find(|l| l.starts_with("→ started run ")).unwrap_or_else(|| panic!("{stderr}"));
    let shell_run = line.split_whitespace().nth(3).unwrap().to_string();
    // `lamin track -- CMD` killed with SIGKILL: nothing ended its run.
    let mut child = lamin_command(&sb.root, &["track", "--key", "killed", "--", "sleep", "30"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let killed_run = loop {
        let runs = sb.run(&["list", "run", "--filter", "transform__key=killed", "--json"]).ok().json();
        if let Some(uid) = runs.as_array().unwrap().first().map(|r| r["uid"].as_str().unwrap().to_string()) {
            break uid;
        }
        assert!(started.elapsed().as_secs() < 30, "the tracked command never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    // A run whose process is alive is not stale.
    let mut alive = lamin_command(&sb.root, &["track", "--key", "alive", "--", "sleep", "30"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));

    let found = sb.run(&["doctor", "--json"]).fails(1).json();
    let stale: Vec<String> = found["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["problem"] == "stale-run")
        .map(|p| p["detail"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stale.len(), 2, "{found}");
    assert!(stale.iter().any(|d| d.contains(&shell_run)) && stale.iter().any(|d| d.contains(&killed_run)));
    sb.run(&["doctor", "--fix"]).ok();
    for uid in [&shell_run, &killed_run] {
        assert_eq!(describe_run(&sb, uid)["status"], "aborted", "{uid}");
    }
    let _ = alive.kill();
    let _ = alive.wait();
}

/// The output of a tracked command that cannot be written (a full disk) is reported on stderr,
/// kept in the run's report, and the command's exit status is passed on; a closed pipe is
/// no news.
#[test]
fn a_tracked_command_whose_output_cannot_be_written_says_so_and_keeps_it_in_the_report() {
    let sb = Sandbox::with_instance(Backend::Sqlite);
    let cmd = ["track", "--key", "loud", "--", "sh", "-c", "echo out-line; exit 3"];
    let full = sb.run_failing_stdout(BadStdout::Full, &cmd).fails(3);
    assert!(
        full.stderr.contains(
            "! cannot write the output of sh to standard output: No space left on device (os error 28); all of it is kept in the run's report"
        ),
        "{full:#?}"
    );
    let run = describe_run(&sb, &run_uid(&full.stderr));
    let report = sb.run(&["load", &run["report_id"].as_i64().expect("a report").to_string()]).ok();
    assert!(std::fs::read_to_string(report.stdout.trim()).unwrap().contains("out-line"));
    let pipe = sb.run_failing_stdout(BadStdout::ClosedPipe, &cmd).fails(3);
    assert!(!pipe.stderr.contains("cannot write"), "{pipe:#?}");
}
