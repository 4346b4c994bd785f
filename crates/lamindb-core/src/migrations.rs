//! Embedded schema migrations (one tree per dialect, same step names).
//!
//! Opening an instance reads diesel's journal (`__diesel_schema_migrations`) and writes to the
//! database only when a step is pending, so a role that may only read (PostgreSQL's
//! `GRANT SELECT`) can open an instance whose schema is up to date.

use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::db::Db;
use crate::error::{Error, Result};

/// Migrations for SQLite instances.
pub(crate) const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
/// Migrations for PostgreSQL instances.
#[cfg(feature = "postgres")]
pub(crate) const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Whether the database was created by Python LaminDB: Django's journal (`django_migrations`)
/// without ours (`__diesel_schema_migrations`). Such a database is never migrated by us. Our own
/// databases carry both journals from step 4 on: Django's rows tell Python LaminDB which of its
/// migrations the schema already holds.
pub(crate) fn is_django_managed(db: &mut Db) -> Result<bool> {
    Ok(db.table_exists("django_migrations")? && !db.table_exists("__diesel_schema_migrations")?)
}

/// Our journal's table.
const JOURNAL: &str = "__diesel_schema_migrations";

/// The steps of this build for the database's dialect: `(version, name)`, oldest first.
fn embedded_steps(db: &Db) -> Result<Vec<(String, String)>> {
    fn of<DB: diesel::backend::Backend>(m: &EmbeddedMigrations) -> Result<Vec<(String, String)>>
    where
        EmbeddedMigrations: MigrationSource<DB>,
    {
        let steps = MigrationSource::<DB>::migrations(m).map_err(Error::Migration)?;
        Ok(steps.iter().map(|m| (m.name().version().to_string(), m.name().to_string())).collect())
    }
    match db {
        Db::Sqlite(_) => of::<diesel::sqlite::Sqlite>(&SQLITE),
        #[cfg(feature = "postgres")]
        Db::Postgres(_) => of::<diesel::pg::Pg>(&POSTGRES),
    }
}

/// The applied steps and the names of the pending ones, read from the journal without writing
/// (a database without the journal has every step pending).
fn journal(db: &mut Db) -> Result<(usize, Vec<String>)> {
    let steps = embedded_steps(db)?;
    let applied: Vec<String> = if db.table_exists(JOURNAL)? {
        let mut sql = db.sql();
        sql.push("SELECT \"version\" FROM ").ident(JOURNAL);
        db.query(&sql)?.iter().filter_map(|r| r.get(0).and_then(|v| v.as_str().map(str::to_string))).collect()
    } else {
        Vec::new()
    };
    let pending =
        steps.into_iter().filter(|(version, _)| !applied.contains(version)).map(|(_, name)| name).collect();
    Ok((applied.len(), pending))
}

/// Runs the pending migrations, unless the database is managed by Python LaminDB (then nothing
/// about it is changed, not even the journal mode). With no step pending nothing is written
/// (beyond SQLite's switch to WAL mode, for a file not in that mode yet).
pub(crate) fn run_pending(db: &mut Db) -> Result<()> {
    if is_django_managed(db)? {
        return Ok(());
    }
    if db.dialect() == crate::db::Dialect::Sqlite {
        // Our own SQLite databases use WAL: readers never block the writer (a file in WAL mode
        // already is not written to).
        db.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    }
    if journal(db)?.1.is_empty() {
        return Ok(());
    }
    let result = match db {
        Db::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|_| ()),
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => c.run_pending_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(Error::Migration)
}

/// The schema as `lamin doctor` reports it: `django` for a database Python LaminDB made (its own
/// migrations apply), else the applied steps of ours and those still pending.
pub(crate) fn schema_state(db: &mut Db) -> Result<(String, Vec<String>)> {
    if is_django_managed(db)? {
        return Ok(("django (Python LaminDB's migrations)".into(), Vec::new()));
    }
    let (applied, pending) = journal(db)?;
    Ok((format!("lamindb-rs, {applied} migration steps applied"), pending))
}

/// Reverts every migration (used to undo a failed `init` on PostgreSQL).
pub(crate) fn revert_all(db: &mut Db) -> Result<()> {
    let result = match db {
        Db::Sqlite(c) => c.revert_all_migrations(SQLITE).map(|_| ()),
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => c.revert_all_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(Error::Migration)
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use super::*;

    #[test]
    fn both_trees_have_the_same_steps() {
        let names = |m: &EmbeddedMigrations| -> Vec<String> {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(m)
                .unwrap()
                .iter()
                .map(|m| m.name().to_string())
                .collect()
        };
        let pg: Vec<String> = MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES)
            .unwrap()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        assert!(!pg.is_empty());
        assert_eq!(names(&SQLITE), pg);
    }
}
