//! Test support for the behaviour suite: the backends available here, and fresh instances on them.
//!
//! SQLite always runs. PostgreSQL runs when `LAMIN_TEST_POSTGRES_URL` names a server (an admin URL
//! such as `postgresql://postgres@127.0.0.1:5432/postgres`); each test then gets its own database,
//! dropped at the end. A backend that is not available is printed as skipped.

use std::path::{Path, PathBuf};

pub mod bench;

use diesel::{Connection, PgConnection, RunQueryDsl};
use lamindb_core::{InitOptions, Instance, Run, SQLRecord, SaveContext, SettingsDir, Transform};

/// A SQL backend of the behaviour suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL from `LAMIN_TEST_POSTGRES_URL`.
    Postgres,
}

/// The admin URL of the test PostgreSQL server, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("LAMIN_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// The backends to run a behaviour test against; prints the ones that are skipped.
/// Under `CI=true` a missing PostgreSQL is an error, not a skip.
pub fn backends(test: &str) -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    if postgres_url().is_some() {
        out.push(Backend::Postgres);
    } else if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: LAMIN_TEST_POSTGRES_URL is not set, but CI requires the PostgreSQL backend");
    } else {
        eprintln!("{test}: skipped: postgres (LAMIN_TEST_POSTGRES_URL not set)");
    }
    out
}

/// Runs `f` once per available backend.
pub fn for_each_backend(test: &str, mut f: impl FnMut(Backend)) {
    for b in backends(test) {
        eprintln!("{test}: running on {b:?}");
        f(b);
    }
}

/// A random lower-case name usable as a database name.
pub fn random_name(prefix: &str) -> String {
    let uid = lamindb_core::uid::base62(10).to_lowercase();
    format!("{prefix}_{uid}")
}

/// A throw-away PostgreSQL database, dropped on drop.
pub struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    /// Creates a fresh database on the test server.
    pub fn create() -> PgDatabase {
        let admin = postgres_url().expect("LAMIN_TEST_POSTGRES_URL");
        let name = random_name("lamin_t");
        let mut db = PgConnection::establish(&admin).expect("connect to the test PostgreSQL server");
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut db).expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
        let url = format!("{base}/{name}");
        PgDatabase { admin, name, url }
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut db) = PgConnection::establish(&self.admin) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                .execute(&mut db);
        }
    }
}

/// Runs SQL statements on the PostgreSQL database at `url` directly, past the library.
pub fn pg_execute(url: &str, sql: &str) {
    use diesel::connection::SimpleConnection;
    let mut db = PgConnection::establish(url).expect("connect to the test database");
    db.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// `url` with its user replaced by `user` and its password by `password` (or none).
pub fn pg_url_as(url: &str, user: &str, password: Option<&str>) -> String {
    let (scheme, rest) = url.split_once("://").expect("URL with a scheme");
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    match password {
        Some(pw) => format!("{scheme}://{user}:{pw}@{host}"),
        None => format!("{scheme}://{user}@{host}"),
    }
}

/// A throw-away login role with a password (stored as `scram-sha-256`) on the test server,
/// dropped on drop. Drop the databases it owns or holds privileges in first (declare it before
/// them: locals drop in reverse order).
pub struct PgRole {
    admin: String,
    /// The role's name.
    pub name: String,
    /// Its password: letters and digits, unlike anything else a test prints.
    pub password: String,
}

impl PgRole {
    /// Creates a role that may log in with a password of its own.
    pub fn create() -> PgRole {
        let admin = postgres_url().expect("LAMIN_TEST_POSTGRES_URL");
        let name = random_name("lamin_role");
        let password = format!("Pw{}", lamindb_core::uid::base62(20));
        pg_execute(
            &admin,
            &format!(
                "SET password_encryption = 'scram-sha-256'; CREATE ROLE {name} LOGIN PASSWORD '{password}'"
            ),
        );
        PgRole { admin, name, password }
    }
}

impl Drop for PgRole {
    fn drop(&mut self) {
        if let Ok(mut db) = PgConnection::establish(&self.admin) {
            let _ = diesel::sql_query(format!("DROP ROLE IF EXISTS {}", self.name)).execute(&mut db);
        }
    }
}

impl PgDatabase {
    /// Makes `role` the database's owner (it may then create tables in its `public` schema).
    pub fn give_to(&self, role: &PgRole) {
        pg_execute(&self.admin, &format!("ALTER DATABASE {} OWNER TO {}", self.name, role.name));
    }
}

/// Whether the PostgreSQL database at `url` has `table` (read directly, not through lamindb).
pub fn pg_table_exists(url: &str, table: &str) -> bool {
    let mut db = PgConnection::establish(url).expect("connect to the test database");
    let sql = format!(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
    );
    diesel::sql_query(sql).execute(&mut db).expect("query information_schema") > 0
}

/// Runs `sql` on the SQLite database file at `path` (read directly, not through lamindb) and
/// returns the first column of the first row as text (`""` for no row or a statement).
pub fn sqlite_scalar(path: &Path, sql: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct One {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let mut db =
        diesel::SqliteConnection::establish(&path.display().to_string()).expect("open the SQLite file");
    if !sql.trim_start().to_ascii_uppercase().starts_with("SELECT") {
        diesel::sql_query(sql).execute(&mut db).expect("raw SQL");
        return String::new();
    }
    let rows: Vec<One> =
        diesel::sql_query(format!("SELECT CAST(({sql}) AS TEXT) AS v")).load(&mut db).expect("raw SQL");
    rows.into_iter().next().map(|r| r.v).unwrap_or_default()
}

/// A fresh instance in a temporary directory, with its own settings directory.
pub struct TestInstance {
    /// The open instance.
    pub inst: Instance,
    /// The temporary working directory (storage roots live below it).
    pub dir: tempfile::TempDir,
    /// The instance's settings directory.
    pub settings: SettingsDir,
    /// Which backend it runs on.
    pub backend: Backend,
    /// The PostgreSQL database, if any (dropped after the instance).
    pub pg: Option<PgDatabase>,
}

impl TestInstance {
    /// Creates an instance on `backend` with default storage `<tmp>/data`.
    pub fn new(backend: Backend) -> TestInstance {
        TestInstance::named(backend, "data")
    }

    /// Creates an instance named `name` on `backend` with default storage `<tmp>/<name>` (two
    /// instances of one test need different names: the name makes the instance's uid).
    pub fn named(backend: Backend, name: &str) -> TestInstance {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = SettingsDir::at(dir.path().join("settings").join(".lamin"));
        let pg = (backend == Backend::Postgres).then(PgDatabase::create);
        let opts = InitOptions {
            storage: dir.path().join(name).display().to_string(),
            name: Some(name.into()),
            db: pg.as_ref().map(|p| p.url().to_string()),
        };
        let (inst, _) = Instance::init_in(&settings, &opts).expect("init");
        TestInstance { inst, dir, settings, backend, pg }
    }

    /// Who saves: the instance's user, no run.
    pub fn ctx(&mut self) -> SaveContext {
        lamindb_core::__private::save_context(&self.inst).expect("current user")
    }

    /// Lineage to hang records on: transform `pipelines/qc.py` (uid `trans00000000000`) and its
    /// run `run0000000000001`, saved.
    pub fn transform_and_run(&mut self) -> (Transform, Run) {
        let db = &self.inst;
        let mut tr = Transform {
            uid: "trans00000000000".into(),
            key: "pipelines/qc.py".into(),
            kind: "script".into(),
            is_latest: true,
            ..Default::default()
        };
        tr = tr.save(db).expect("save transform");
        let mut run =
            Run { uid: "run0000000000001".into(), transform_id: tr.id.expect("saved"), ..Default::default() };
        run = run.save(db).expect("save run");
        (tr, run)
    }

    /// Runs SQL on the instance's database directly, past the library (to set up states that
    /// only another program, such as Python LaminDB, would write).
    pub fn execute_raw(&self, sql: &str) {
        let url = self.inst.settings().db_url().expect("database url");
        if let Some(path) = url.strip_prefix("sqlite://") {
            let mut db = diesel::SqliteConnection::establish(path).expect("open the SQLite database");
            diesel::sql_query(sql).execute(&mut db).expect("raw SQL");
        } else {
            let mut db = PgConnection::establish(&url).expect("connect to the test database");
            diesel::sql_query(sql).execute(&mut db).expect("raw SQL");
        }
    }

    /// A path below the temporary directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The temporary directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// Lists every file (not directory) below `dir`, relative and sorted.
pub fn list_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap_or(&p).display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A fresh S3 root (`s3://<bucket>/<random>?endpoint_url=…`) on the test server named by
/// `LAMIN_TEST_S3_ENDPOINT` and `LAMIN_TEST_S3_BUCKET`, or `None` after printing
/// `<test>: skipped: s3`.
pub fn s3_test_root(test: &str) -> Option<String> {
    let endpoint = std::env::var("LAMIN_TEST_S3_ENDPOINT").ok().filter(|s| !s.is_empty());
    let bucket = std::env::var("LAMIN_TEST_S3_BUCKET").ok().filter(|s| !s.is_empty());
    match (endpoint, bucket) {
        (Some(endpoint), Some(bucket)) => {
            Some(format!("s3://{bucket}/{}?endpoint_url={endpoint}", random_name("t")))
        }
        _ => {
            eprintln!("{test}: skipped: s3 (LAMIN_TEST_S3_ENDPOINT not set)");
            None
        }
    }
}
