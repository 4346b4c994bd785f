//! The sandbox every test runs `lamin` in, and what a run produced.

pub(crate) use std::path::{Path, PathBuf};
pub(crate) use std::process::{Command, Stdio};

pub(crate) use lamindb_tests::{Backend, PgDatabase, for_each_backend, list_files, postgres_url};
pub(crate) use serde_json::Value;

/// What one run of `lamin` produced.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) args: String,
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Asserts exit status 0 and returns the run.
    pub(crate) fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "`lamin {}` failed:\n{self:#?}", self.args);
        self
    }

    /// Asserts the exit status `code` and returns the run.
    pub(crate) fn fails(self, code: i32) -> Run {
        assert_eq!(self.code, Some(code), "`lamin {}` should exit {code}:\n{self:#?}", self.args);
        self
    }

    /// Stdout parsed as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("`lamin {}` printed no JSON ({e}):\n{self:#?}", self.args))
    }
}

/// Runs `lamin args…` in the sandbox at `dir` (see the module docs).
pub(crate) fn lamin(dir: &Path, args: &[&str]) -> Run {
    let out = lamin_command(dir, args).output().expect("run the lamin binary");
    Run {
        args: args.join(" "),
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A stdout on which every write fails, for [`Sandbox::run_failing_stdout`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum BadStdout {
    /// `/dev/full`: every write fails with "No space left on device".
    Full,
    /// A pipe whose reader is gone: every write fails with a broken pipe.
    ClosedPipe,
}

/// The command `lamin args…` in the sandbox at `dir`, not started.
pub(crate) fn lamin_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lamin"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LAMIN_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(args)
        .current_dir(dir.join("work"))
        .env("LAMIN_SETTINGS_DIR", dir.join("settings"))
        .env("HOME", dir.join("home"))
        .stdin(Stdio::null());
    cmd
}

/// A temporary directory with `work/`, `settings/` and `home/`, and the PostgreSQL database of its
/// instance, if any.
pub(crate) struct Sandbox {
    pub(crate) tmp: tempfile::TempDir,
    pub(crate) root: PathBuf,
    pub(crate) pg: Option<PgDatabase>,
}

impl Sandbox {
    /// An empty sandbox: no instance, no settings.
    pub(crate) fn new() -> Sandbox {
        let tmp = tempfile::tempdir().expect("tempdir");
        // Canonical, so that paths compare equal to the roots `lamin` resolves from its working dir.
        let root = tmp.path().canonicalize().expect("canonical tempdir");
        for sub in ["work", "settings", "home"] {
            std::fs::create_dir(root.join(sub)).expect("create sandbox dir");
        }
        Sandbox { tmp, root, pg: None }
    }

    /// A sandbox with the instance `anonymous/mydata` (storage `work/mydata`) on `backend`.
    pub(crate) fn with_instance(backend: Backend) -> Sandbox {
        let mut sb = Sandbox::new();
        sb.init_mydata(backend);
        sb
    }

    /// `lamin init` of `anonymous/mydata` (storage `work/mydata`) on `backend`, made current.
    /// Run in the home directory, which never becomes a development directory: `mydata` is the
    /// global current instance, and `work/` is not the development directory of any instance.
    pub(crate) fn init_mydata(&mut self, backend: Backend) {
        let sb = self;
        let home = sb.root.join("home");
        let storage = sb.work("mydata");
        match backend {
            Backend::Sqlite => {
                sb.run_at(&home, &["init", "--storage", &storage]).ok();
            }
            Backend::Postgres => {
                let pg = PgDatabase::create();
                sb.run_at(&home, &["init", "--storage", &storage, "--db", pg.url(), "--name", "mydata"]).ok();
                sb.pg = Some(pg);
            }
        }
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        lamin(&self.root, args)
    }

    /// Runs `lamin args…` with a stdout on which every write fails (what it wrote is lost).
    pub(crate) fn run_failing_stdout(&self, stdout: BadStdout, args: &[&str]) -> Run {
        let target: Stdio = match stdout {
            BadStdout::Full => {
                std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full").into()
            }
            BadStdout::ClosedPipe => {
                let (reader, writer) = std::io::pipe().expect("a pipe");
                drop(reader);
                writer.into()
            }
        };
        let out = lamin_command(&self.root, args).stdout(target).output().expect("run the lamin binary");
        Run {
            args: format!("{} > {stdout:?}", args.join(" ")),
            code: out.status.code(),
            stdout: String::new(),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// `lamin init --storage work/<storage> <more…>` run in the home directory, so that no
    /// folder becomes the development directory of the new instance: it is the global current
    /// instance only.
    pub(crate) fn init_global(&self, storage: &str, more: &[&str]) -> Run {
        let storage = self.work(storage);
        let mut args = vec!["init", "--storage", storage.as_str()];
        args.extend_from_slice(more);
        self.run_at(&self.root.join("home"), &args)
    }

    /// Runs `lamin args…` in the sandbox with `dir` as the working directory (created when
    /// missing).
    pub(crate) fn run_at(&self, dir: &Path, args: &[&str]) -> Run {
        std::fs::create_dir_all(dir).expect("create the working directory");
        let out = lamin_command(&self.root, args).current_dir(dir).output().expect("run the lamin binary");
        Run {
            args: format!("{} (in {})", args.join(" "), dir.display()),
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs `lamin <args>` with a terminal as its output (a pty from `script`), or returns why
    /// it cannot (no `script` on this machine).
    pub(crate) fn run_in_terminal(&self, args: &str) -> std::io::Result<std::process::Output> {
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
    pub(crate) fn work(&self, rel: &str) -> String {
        self.root.join("work").join(rel).display().to_string()
    }

    /// A file in the settings directory.
    pub(crate) fn settings_file(&self, name: &str) -> PathBuf {
        self.root.join("settings").join(".lamin").join(name)
    }

    /// Every file in the sandbox.
    pub(crate) fn files(&self) -> Vec<String> {
        list_files(self.tmp.path())
    }
}

/// `postgresql://user@host/db` with a password in it (the one it has, else `secret`: trust auth
/// ignores it), and that password.
pub(crate) fn with_password(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("URL with a scheme");
    let (userinfo, host) = rest.split_once('@').expect("URL with a user");
    match userinfo.split_once(':') {
        Some((_, pw)) => (url.to_string(), pw.to_string()),
        None => (format!("{scheme}://{userinfo}:secret@{host}"), "secret".to_string()),
    }
}

/// The venv's python with Python LaminDB 2.12.1, pyarrow and pandas (`scripts/python-env.sh`),
/// or `None` after printing `skipped: python venv` (a failure under `CI=true`).
pub(crate) fn venv_python(test: &str) -> Option<PathBuf> {
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
            panic!("{test}: the Python venv is required under CI=true: {why}");
        }
        eprintln!("{test}: skipped: python venv ({why})");
    }
    python
}
