//! `lamin track` and `lamin finish`: runs of shell scripts and of commands.
//!
//! How a `lamin` command finds the run it belongs to (first match wins):
//! 1. `LAMIN_CURRENT_RUN_UID`, which `lamin track -- CMD` exports to CMD and everything it starts;
//! 2. a run that `lamin track` (without a command) started for a calling shell: it is kept in
//!    `<settings>/.lamin/shell-runs/<pid>-<start time>.json` for the shell process (the parent of
//!    `lamin track`), and found from any process below that shell, for the same instance, until
//!    `lamin finish`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use clap::Args;
use lamindb_core::run_owner::RunOwner;
use lamindb_core::{Instance, Run, RunStatus, SQLRecord, TrackOptions};

use super::{current_instance_untracked_to_write, settings_dir};
use crate::output;

/// The variable naming the current run for the commands below a tracked one.
pub(crate) const CURRENT_RUN: &str = "LAMIN_CURRENT_RUN_UID";
/// The variable naming the run that started the processes below it (LaminDB reads it too).
const INITIATED_BY_RUN: &str = "LAMIN_INITIATED_BY_RUN_UID";

#[derive(Debug, Args)]
pub(crate) struct TrackArgs {
    /// The transform's key (default: the command's or the calling script's file name).
    #[arg(long)]
    key: Option<String>,
    /// The transform's kind: pipeline, script, notebook or function (default: script for a
    /// script file, else pipeline).
    #[arg(long)]
    kind: Option<String>,
    /// A run parameter, `name=value` (repeatable); values that are JSON (numbers, true, false,
    /// lists) are kept typed, anything else is text.
    #[arg(long, value_name = "NAME=VALUE")]
    param: Vec<String>,
    /// The command to run as a tracked run, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct FinishArgs {
    /// End the run as errored instead of completed (for an error trap in a script).
    #[arg(long)]
    error: bool,
}

/// Attaches the instance to the run that this process belongs to, if any (see the module doc).
pub(crate) fn attach_active_run(inst: &Instance) -> anyhow::Result<()> {
    if let Ok(uid) = std::env::var(CURRENT_RUN) {
        if !uid.is_empty() {
            Run::attach(&inst, Some(&uid))
                .with_context(|| format!("{CURRENT_RUN}={uid} is not a run of instance {}", inst.slug()))?;
            return Ok(());
        }
    }
    if let Some((_, uid)) = shell_run(inst)? {
        Run::attach(&inst, Some(&uid))?;
    }
    Ok(())
}

pub(crate) fn track(args: TrackArgs) -> anyhow::Result<()> {
    let inst = current_instance_untracked_to_write()?;
    let params = params(&args.param)?;
    if args.command.is_empty() {
        return track_shell(&inst, &args, params);
    }
    let code = track_command(&inst, &args, params)?;
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

pub(crate) fn finish(args: FinishArgs) -> anyhow::Result<()> {
    let inst = current_instance_untracked_to_write()?;
    let status = if args.error { RunStatus::Errored } else { RunStatus::Completed };
    let (run, file) = match std::env::var(CURRENT_RUN).ok().filter(|u| !u.is_empty()) {
        Some(uid) => (Run::get(&inst, &uid)?, None),
        None => match shell_run(&inst)? {
            Some((file, uid)) => (Run::get(&inst, &uid)?, Some(file)),
            None => bail!("no run to finish: start one with `lamin track` in this shell first"),
        },
    };
    let run = run.end(&inst, status)?;
    if let Some(file) = file {
        std::fs::remove_file(&file).with_context(|| format!("cannot remove {}", file.display()))?;
    }
    output::info(&format!("finished run {} ({})", run.uid, status.name()));
    Ok(())
}

/// `lamin track` without a command: a run for the calling shell.
fn track_shell(inst: &Instance, args: &TrackArgs, params: Option<serde_json::Value>) -> anyhow::Result<()> {
    let shell = std::os::unix::process::parent_id();
    let script = process_script(shell);
    let key = match (&args.key, &script) {
        (Some(k), _) => k.clone(),
        (None, Some(path)) => file_name(path),
        (None, None) => bail!(
            "pass --key: the run's transform is named after the calling script, and this shell runs none"
        ),
    };
    let mut opts = TrackOptions::new(key);
    opts.params = params.map(Into::into);
    opts.initiated_by_run = std::env::var(INITIATED_BY_RUN).ok().filter(|u| !u.is_empty());
    if let Some(path) = &script {
        opts.source_code = read_source(path);
        opts.kind = Some("script".into());
    }
    if let Some(kind) = &args.kind {
        opts.kind = Some(kind.clone());
    }
    let run = Run::start(&inst, &opts)?;
    let dir = shell_runs_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    prune(&dir);
    let Some(owner) = RunOwner::of(shell) else { bail!("cannot read the calling shell's process ({shell})") };
    let start = owner.start_time;
    // The shell keeps the run going: `lamin doctor` finds the run once the shell has ended
    // without `lamin finish`.
    run.record_owner(&inst, owner)?;
    let file = dir.join(format!("{shell}-{start}.json"));
    let text = serde_json::json!({"instance": inst.slug(), "run": run.uid}).to_string();
    std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
    output::info(&format!(
        "started run {} of transform {}: lamin commands of this shell save into it until `lamin finish`",
        run.uid, opts.key
    ));
    Ok(())
}

/// `lamin track -- CMD ARGS…`: runs CMD as a tracked run; returns the exit status to pass on.
fn track_command(
    inst: &Instance,
    args: &TrackArgs,
    params: Option<serde_json::Value>,
) -> anyhow::Result<i32> {
    let program = &args.command[0];
    let script = resolve_program(program);
    let key = args.key.clone().unwrap_or_else(|| match &script {
        Some(path) => file_name(path),
        None => program.clone(),
    });
    let mut opts = TrackOptions::new(key);
    opts.params = params.map(Into::into);
    opts.cli_args = Some(truncate(&args.command.join(" "), 1024));
    opts.initiated_by_run = std::env::var(INITIATED_BY_RUN).ok().filter(|u| !u.is_empty());
    let source = script.as_deref().and_then(read_source);
    opts.kind = Some(
        args.kind.clone().unwrap_or_else(|| if source.is_some() { "script" } else { "pipeline" }.to_string()),
    );
    opts.source_code = source;
    let run = Run::start(&inst, &opts)?;
    // This process keeps the run going: killed, `lamin doctor` finds the run.
    if let Some(owner) = RunOwner::this_process() {
        run.record_owner(&inst, owner)?;
    }

    let log_path = lamindb_core::settings::cache_dir()?.join(format!("run_logs_{}.txt", run.uid));
    if let Some(parent) = log_path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("cannot create the run's log {}", log_path.display()))?;
    let log = Arc::new(Mutex::new(log));

    let mut child = match Command::new(program)
        .args(&args.command[1..])
        .env(CURRENT_RUN, &run.uid)
        .env(INITIATED_BY_RUN, &run.uid)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            run.end(&inst, RunStatus::Errored)?;
            return Err(anyhow::Error::new(e).context(format!("cannot run {program}")));
        }
    };
    // Ctrl-C reaches the command too (same process group): stay to record how it ended.
    let noticed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        let _ = signal_hook::flag::register(signal, noticed.clone());
    }
    let out = tee(child.stdout.take().expect("piped"), std::io::stdout(), log.clone());
    let err = tee(child.stderr.take().expect("piped"), std::io::stderr(), log.clone());
    let status = child.wait().with_context(|| format!("cannot wait for {program}"))?;
    let out_failed = out.join().ok().flatten();
    let _ = err.join();
    drop(log);
    // The command's exit status is passed on all the same; a reader that went away is no news.
    if let Some(e) = out_failed.filter(|e| e.kind() != std::io::ErrorKind::BrokenPipe) {
        output::warn(&format!(
            "cannot write the output of {program} to standard output: {e}; all of it is kept in the run's report"
        ));
    }

    let (run_status, code) = exit_of(status);
    // The log becomes the run's report, as LaminDB keeps a script's output.
    Run::attach(&inst, Some(&run.uid))?;
    let report = lamindb_core::Artifact::from_path(&log_path)
        .kind("__lamindb_run__")
        .description(format!("log streams of run {}", run.uid))
        .save(inst);
    Run::attach(&inst, None)?;
    let mut ended = run.end(&inst, run_status)?;
    match report {
        Ok(report) => {
            ended.report_id = report.id;
            ended.save(inst)?;
            let _ = std::fs::remove_file(&log_path);
        }
        Err(e) => output::warn(&format!("the run's log was not saved: {e}")),
    }
    output::info(&format!("run {} {} (exit status {code})", run.uid, run_status.name()));
    Ok(code)
}

/// Copies `from` to `to` and to the log, line by line as it comes. After a failed write to
/// `to`, the rest goes to the log only; the first such error is returned.
fn tee(
    mut from: impl Read + Send + 'static,
    mut to: impl Write + Send + 'static,
    log: Arc<Mutex<std::fs::File>>,
) -> std::thread::JoinHandle<Option<std::io::Error>> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut failed = None;
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if failed.is_none() {
                failed = to.write_all(&buf[..n]).and_then(|()| to.flush()).err();
            }
            if let Ok(mut f) = log.lock() {
                let _ = f.write_all(&buf[..n]);
            }
        }
        failed
    })
}

/// The run status and exit code for how the command ended: 0 → completed; another code →
/// errored; killed by SIGINT, SIGTERM, SIGHUP or SIGKILL → aborted, by another signal → errored
/// (exit code 128 + the signal, as shells report it).
fn exit_of(status: std::process::ExitStatus) -> (RunStatus, i32) {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        let s = if code == 0 { RunStatus::Completed } else { RunStatus::Errored };
        return (s, code);
    }
    let signal = status.signal().unwrap_or(0);
    let aborted = [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGKILL,
    ];
    let s = if aborted.contains(&signal) { RunStatus::Aborted } else { RunStatus::Errored };
    (s, 128 + signal)
}

/// Parses `--param name=value` pairs into a JSON object.
fn params(pairs: &[String]) -> anyhow::Result<Option<serde_json::Value>> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut map = serde_json::Map::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            bail!("--param {p:?}: expected NAME=VALUE");
        };
        if k.trim().is_empty() {
            bail!("--param {p:?}: the name is empty");
        }
        let value = match serde_json::from_str::<serde_json::Value>(v) {
            Ok(j) if !j.is_string() => j,
            _ => serde_json::Value::String(v.to_string()),
        };
        map.insert(k.to_string(), value);
    }
    Ok(Some(serde_json::Value::Object(map)))
}

/// The script file a program names: a path to a file, or a file found on `PATH`.
fn resolve_program(program: &str) -> Option<PathBuf> {
    let p = Path::new(program);
    if program.contains('/') {
        return p.is_file().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|c| c.is_file())
}

/// A script's text: a UTF-8 file up to 1 MiB (a binary program has no source to keep).
fn read_source(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > 1 << 20 {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    String::from_utf8(bytes).ok().filter(|s| !s.contains('\0'))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn shell_runs_dir() -> PathBuf {
    settings_dir().path().join("shell-runs")
}

/// The run `lamin track` started for this process's shell or one of its ancestors, for this
/// instance: its file and uid.
fn shell_run(inst: &Instance) -> anyhow::Result<Option<(PathBuf, String)>> {
    let dir = shell_runs_dir();
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..64 {
        if pid <= 1 {
            break;
        }
        let Some((ppid, start)) = lamindb_core::run_owner::process_stat(pid) else { break };
        let file = dir.join(format!("{pid}-{start}.json"));
        if let Ok(text) = std::fs::read_to_string(&file) {
            let v: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a run file of `lamin track`", file.display()))?;
            if v["instance"] == inst.slug() {
                if let Some(uid) = v["run"].as_str() {
                    return Ok(Some((file, uid.to_string())));
                }
            }
        }
        pid = ppid;
    }
    Ok(None)
}

/// Removes run files of shells that have ended.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((pid, start)) = name.strip_suffix(".json").and_then(|n| n.split_once('-')) else { continue };
        let (Ok(pid), Ok(start_time)) = (pid.parse(), start.parse()) else { continue };
        let alive = RunOwner { pid, start_time }.is_alive();
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The script a process runs: the first argument after the interpreter that is a file
/// (`bash script.sh`, `sh -e script.sh`).
fn process_script(pid: u32) -> Option<PathBuf> {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
    cmdline
        .split(|b| *b == 0)
        .skip(1)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .filter(|a| !a.is_empty() && !a.starts_with('-'))
        .map(|a| match &cwd {
            Some(cwd) => cwd.join(a),
            None => PathBuf::from(a),
        })
        .find(|p| p.is_file())
}
