//! Embedded schema migrations (one tree per dialect, same step names).

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

/// Runs the pending migrations, unless the database is managed by Python LaminDB (then nothing
/// about it is changed, not even the journal mode).
pub(crate) fn run_pending(db: &mut Db) -> Result<()> {
    if is_django_managed(db)? {
        return Ok(());
    }
    if db.dialect() == crate::db::Dialect::Sqlite {
        // Our own SQLite databases use WAL: readers never block the writer.
        db.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    }
    let result = match db {
        Db::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|_| ()),
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => c.run_pending_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(|e| Error::Migration(e.to_string()))
}

/// The schema as `lamin doctor` reports it: `django` for a database Python LaminDB made (its own
/// migrations apply), else the applied steps of ours and those still pending.
pub(crate) fn schema_state(db: &mut Db) -> Result<(String, Vec<String>)> {
    if is_django_managed(db)? {
        return Ok(("django (Python LaminDB's migrations)".into(), Vec::new()));
    }
    let (applied, pending) = match db {
        Db::Sqlite(c) => (c.applied_migrations().map(|v| v.len()), c.pending_migrations(SQLITE).map(names)),
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => {
            (c.applied_migrations().map(|v| v.len()), c.pending_migrations(POSTGRES).map(names))
        }
    };
    let applied = applied.map_err(|e| Error::Migration(e.to_string()))?;
    let pending = pending.map_err(|e| Error::Migration(e.to_string()))?;
    Ok((format!("lamindb-rs, {applied} migration steps applied"), pending))
}

fn names<DB: diesel::backend::Backend>(
    m: Vec<Box<dyn diesel::migration::Migration<DB> + '_>>,
) -> Vec<String> {
    m.iter().map(|m| m.name().to_string()).collect()
}

/// Reverts every migration (used to undo a failed `init` on PostgreSQL).
pub(crate) fn revert_all(db: &mut Db) -> Result<()> {
    let result = match db {
        Db::Sqlite(c) => c.revert_all_migrations(SQLITE).map(|_| ()),
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => c.revert_all_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(|e| Error::Migration(e.to_string()))
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use diesel::migration::MigrationSource;

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
