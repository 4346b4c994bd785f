//! Moving an instance's records to another database (SQLite ↔ PostgreSQL): the writer lease
//! taken, the source locked for the whole copy and sealed by triggers before the commit, the
//! settings repointed; a failed move leaves the target empty and the source as it was.

use super::*;

/// What [`Tables::move_to`](crate::io::Tables::move_to) did.
#[derive(Clone, Debug, PartialEq)]
pub struct MoveReport {
    /// `(table, rows)` of every table moved.
    pub tables: ImportReport,
    /// The database the instance left (password redacted).
    pub from: String,
    /// The database the instance uses now (password redacted).
    pub to: String,
    /// The SQLite file left in place, untouched (a copy of the records as they were).
    pub left_behind: Option<std::path::PathBuf>,
}

impl Instance {
    /// Moves the instance's records to another database — a PostgreSQL URL, or `sqlite` for
    /// `<storage root>/.lamindb/lamin.db` — and repoints its settings there; storage and bytes
    /// stay where they are. The target must hold no LaminDB tables (a new PostgreSQL database)
    /// or not exist (SQLite). Every table is copied in one transaction and its row count checked
    /// before the settings change; on failure the target is left empty and the instance as it
    /// was. A SQLite database left behind is kept. Returns the instance on its new database.
    pub(crate) fn move_database(&self, to: &str) -> Result<(Instance, MoveReport)> {
        let old = self.settings();
        let mut new = old.clone();
        new.db = match to {
            "sqlite" => None,
            url if crate::db::is_postgres_url(url) => Some(url.to_string()),
            other => {
                return Err(Error::InvalidDatabaseUrl {
                    url: crate::db::redact_url(other),
                    message: format!(
                        "move the instance to a PostgreSQL URL (postgresql://user@host:5432/db) or to `sqlite`, not '{}'",
                        crate::db::redact_url(other)
                    ),
                });
            }
        };
        if new.db == old.db {
            return Err(Error::InvalidDatabaseUrl {
                url: crate::db::redact_url(to),
                message: "the instance uses this database already".into(),
            });
        }
        let to_url = new.db_url()?;
        if new.is_sqlite() {
            if lamindb_storage::StorageRoot::parse(&new.storage_root)?.is_cloud() {
                return Err(Error::SqliteInCloud {
                    root: new.storage_root.clone(),
                    message: format!(
                        "a SQLite database in cloud storage ({}) is not supported: move to a PostgreSQL database",
                        new.storage_root
                    ),
                });
            }
            if new.sqlite_path().exists() {
                return Err(Error::Refused(Refusal::PathExists {
                    path: new.sqlite_path(),
                    hint: Some("move it away first (it may be an older copy of this instance)"),
                }));
            }
        } else {
            let mut db = crate::db::Db::connect(&to_url)?;
            db.refuse_if_not_empty(Storage::REGISTRY.table, &to_url)?;
        }
        let others = self.module_tables()?;
        if !others.is_empty() {
            return Err(Error::Refused(Refusal::ModuleTables { tables: others }));
        }
        // No save of a `lamin` process is in progress (they hold the writer lease), and new ones
        // wait until the move is done.
        let _lease = self.exclusive_lease(MOVE_WAIT)?;
        // The source's write lock (SQLite; on PostgreSQL every table locked against writes) is
        // held from the first read until the settings point to the new database, and the source
        // refuses writes before it is released: nothing written meanwhile is left behind, and a
        // writer that still holds the old database (a process that opened it before) fails
        // loudly instead of writing where nobody looks.
        let report = self.transaction(|src| {
            let names = src.tables()?;
            if src.dialect() == crate::Dialect::Postgres {
                let mut sql = src.sql();
                sql.push("LOCK TABLE ");
                for (i, t) in names.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(t);
                }
                sql.push(" IN EXCLUSIVE MODE");
                src.execute(&sql)?;
            }
            let tables = names.iter().map(|t| src.read_table(t)).collect::<Result<Vec<_>>>()?;
            let counts: Vec<(String, usize)> =
                tables.iter().filter(|t| t.name != JOURNAL).map(|t| (t.name.clone(), t.rows.len())).collect();
            let moved = (|| -> Result<ImportReport> {
                if new.is_sqlite() {
                    drop(crate::db::Db::connect(&to_url)?); // creates the file
                }
                let target = Instance::open_new_database(self.settings_dir(), new.clone())?;
                let report = target.import_tables(tables)?;
                for (table, before) in &counts {
                    let mut sql = target.sql();
                    sql.push("SELECT COUNT(*) FROM ").ident(table);
                    let n = target.query(&sql)?.first().and_then(|r| r.values[0].as_i64()).unwrap_or(-1);
                    if usize::try_from(n).ok() != Some(*before) {
                        return Err(Error::Refused(Refusal::RowCountMismatch {
                            table: table.to_string(),
                            before: *before,
                            after: n,
                        }));
                    }
                }
                seal_moved_source(src, &names, &crate::db::redact_url(&to_url))?;
                self.settings_dir().save_instance(&new)?;
                Ok(report)
            })();
            if moved.is_err() {
                undo_target(&new);
            }
            moved
        })?;
        // Opened afresh: the ids of the user and storage rows are the moved ones.
        let target = Instance::open_settings(self.settings_dir(), new)?;
        let left_behind = old.is_sqlite().then(|| old.sqlite_path());
        Ok((
            target,
            MoveReport {
                tables: report,
                from: crate::db::redact_url(&old.db_url()?),
                to: crate::db::redact_url(&to_url),
                left_behind,
            },
        ))
    }
}

impl Instance {
    /// Tables of other modules than LaminDB's core (`bionty_*`, `pertdb_*`, …).
    fn module_tables(&self) -> Result<Vec<String>> {
        // By prefix: LaminDB's app (every table, registry or not), Django's, ours and SQLite's.
        let core = [tables::TABLE_PREFIX, "django_", "__diesel", "sqlite_"];
        Ok(self.all_tables()?.into_iter().filter(|t| !core.iter().any(|p| t.starts_with(p))).collect())
    }
}

/// How long a move waits for the saves in progress to end.
const MOVE_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Makes the database a move leaves behind refuse every write (triggers on each table, in the
/// move's transaction): it stays readable as a copy of the records at the time of the move.
fn seal_moved_source(src: &Instance, tables: &[String], to: &str) -> Result<()> {
    let when = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC");
    let message = format!(
        "lamindb: this database was moved to {to} by `lamin io move` on {when}; it is a read-only copy of the records at that time: open the instance again to use its new database"
    )
    .replace('\'', "''");
    let quote = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    let mut script = String::new();
    match src.dialect() {
        crate::Dialect::Sqlite => {
            for (i, t) in tables.iter().enumerate() {
                for op in ["INSERT", "UPDATE", "DELETE"] {
                    script.push_str(&format!(
                        "CREATE TRIGGER \"lamin_moved_{i}_{op}\" BEFORE {op} ON {} BEGIN SELECT RAISE(ABORT, '{message}'); END;\n",
                        quote(t)
                    ));
                }
            }
        }
        crate::Dialect::Postgres => {
            script.push_str(&format!(
                "CREATE OR REPLACE FUNCTION lamin_moved_away() RETURNS trigger LANGUAGE plpgsql AS $lamin$ BEGIN RAISE EXCEPTION '{message}'; END $lamin$;\n"
            ));
            for (i, t) in tables.iter().enumerate() {
                script.push_str(&format!(
                    "CREATE TRIGGER \"lamin_moved_{i}\" BEFORE INSERT OR UPDATE OR DELETE ON {} FOR EACH STATEMENT EXECUTE FUNCTION lamin_moved_away();\n",
                    quote(t)
                ));
            }
        }
    }
    src.with_db(|db| db.batch_execute(&script))
}

/// Removes what a failed move made in the target database.
fn undo_target(new: &crate::settings::InstanceSettings) {
    if new.is_sqlite() {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = new.sqlite_path().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    } else if let Ok(url) = new.db_url() {
        if let Ok(mut db) = crate::db::Db::connect(&url) {
            let _ = crate::migrations::revert_all(&mut db);
        }
    }
}
