//! [`Tables`]: an instance's database table by table, reached through [`Instance::io`]
//! (what `lamin io export|import|move` do).

use super::{Column, ImportReport, MoveReport, Table};
use crate::error::Result;
use crate::pool::Instance;

// The door to whole tables.
impl Instance {
    /// The instance's tables as a whole: list, read, import, and move to another database; see
    /// [`Tables`].
    pub fn io(&self) -> Tables<'_> {
        Tables { inst: self }
    }
}

/// The tables of one instance (see the [module documentation](super)): what an export reads
/// and an import writes, and the move of every record to another database.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
/// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
/// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
/// use lamindb_core::{SQLRecord, ULabel};
///
/// ULabel::new("lung").save(&inst)?;
/// let tables = inst.io().tables()?;
/// assert!(tables.iter().any(|t| t == "lamindb_ulabel"));
/// assert!(inst.io().columns("lamindb_ulabel")?.iter().any(|c| c.name == "name"));
/// let ulabels = inst.io().read("lamindb_ulabel")?;
/// assert_eq!(ulabels.rows.len(), 1);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Tables<'a> {
    inst: &'a Instance,
}

impl Tables<'_> {
    /// The instance's LaminDB tables: every `lamindb_*` table and `django_migrations`, sorted.
    pub fn tables(&self) -> Result<Vec<String>> {
        self.inst.tables()
    }

    /// The columns of `table`, in the database's order.
    pub fn columns(&self, table: &str) -> Result<Vec<Column>> {
        self.inst.table_columns(table)
    }

    /// Every row of `table` (by id where it has one), values read as the column types say.
    pub fn read(&self, table: &str) -> Result<Table> {
        self.inst.read_table(table)
    }

    /// Loads `tables` (read from another instance, or from an export folder) into this instance,
    /// keeping every id (see the [module documentation](super)). Refused when the instance holds
    /// records of its own. The current user and the instance's default storage stay registered
    /// (added after the loaded rows when the export lacks them).
    pub fn import(&self, tables: Vec<Table>) -> Result<ImportReport> {
        self.inst.import_tables(tables)
    }

    /// Moves the instance's records to another database — a PostgreSQL URL, or `sqlite` for
    /// `<storage root>/.lamindb/lamin.db` — and repoints its settings there; storage and bytes
    /// stay where they are. The target must hold no LaminDB tables (a new PostgreSQL database)
    /// or not exist (SQLite). Every table is copied in one transaction and its row count checked
    /// before the settings change; on failure the target is left empty and the instance as it
    /// was. A SQLite database left behind is kept. Returns the instance on its new database.
    pub fn move_to(&self, to: &str) -> Result<(Instance, MoveReport)> {
        self.inst.move_database(to)
    }
}
