//! Running a [`QuerySet`]: LaminDB's default branch filter, its conditions compiled to SQL
//! (`compile.rs`), the ordering, and the statements that count, select and get rows.

use super::QuerySet;
use super::compile::{self, Aliases, compile};
use super::expr::Q;
use crate::db::{Dialect, DynRow, Sql};
use crate::error::{Error, Result};
use crate::pool::Instance;
use crate::registry::decl::Registry;
use crate::value::{SqlType, Value};

/// Fields whose presence in a filter turns LaminDB's default branch filter off.
const BRANCH_FREE: [&str; 3] = ["id", "uid", "hash"];

impl QuerySet {
    /// Whether LaminDB's default branch filter (`branch_id IN (1)`) applies: the registry has
    /// branches and no filter names `id`, `uid`, `hash` or a `branch…` field.
    fn branch_filter(&self) -> bool {
        if self.all_branches || !self.reg.has("branch_id") {
            return false;
        }
        let all = self.filters.iter().chain(&self.excludes);
        !all.clone().any(|q| q.mentions(&BRANCH_FREE, "branch"))
    }

    fn push_where(&self, sql: &mut Sql, alias: &str, aliases: &mut Aliases) -> Result<()> {
        let mut first = true;
        let mut next = |sql: &mut Sql| {
            sql.push(if first { " WHERE " } else { " AND " });
            first = false;
        };
        if self.branch_filter() {
            next(sql);
            // On SQLite, `+` keeps the planner off the branch index (nearly every row is on
            // branch 1), so that the indexes of the actual conditions are used.
            let plus = if sql.dialect() == Dialect::Sqlite { "+" } else { "" };
            sql.push(&format!("{plus}{alias}.\"branch_id\" IN (1)"));
        }
        for q in &self.filters {
            if q.disables_branch_filter() {
                continue;
            }
            next(sql);
            compile(sql, self.reg, alias, q, aliases)?;
        }
        for q in &self.excludes {
            next(sql);
            compile::negate(sql, self.reg, alias, q, aliases)?;
        }
        Ok(())
    }

    fn push_order(&self, sql: &mut Sql, alias: &str) -> Result<()> {
        let mut order: Vec<(String, bool)> = self.order_by.clone();
        if !order.iter().any(|(f, _)| f == "id") {
            order.push(("id".into(), false));
        }
        for (i, (f, desc)) in order.iter().enumerate() {
            let field = self.reg.check_field(f)?;
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            sql.push(&format!("{alias}.\"{}\"", field.name));
            if field.ty.is_text() && sql.dialect() == Dialect::Postgres {
                // Byte order, as SQLite sorts: the same results on both backends.
                sql.push(" COLLATE \"C\"");
            }
            if *desc {
                sql.push(" DESC");
            }
        }
        Ok(())
    }

    /// The SELECT statement of this query, for `columns` (all fields when empty).
    pub(crate) fn to_sql(&self, dialect: Dialect, columns: &[&str]) -> Result<Sql> {
        let mut sql = Sql::new(dialect);
        sql.push("SELECT ");
        if columns.is_empty() {
            for (i, f) in self.reg.fields.iter().enumerate() {
                sql.push(if i > 0 { ", t0.\"" } else { "t0.\"" }).push(f.name).push("\"");
            }
        } else {
            for (i, c) in columns.iter().enumerate() {
                let f = self.reg.check_field(c)?;
                sql.push(if i > 0 { ", t0.\"" } else { "t0.\"" }).push(f.name).push("\"");
            }
        }
        sql.push(" FROM ").ident(self.reg.table).push(" t0");
        let mut aliases = Aliases::default();
        self.push_where(&mut sql, "t0", &mut aliases)?;
        self.push_order(&mut sql, "t0")?;
        if let Some(n) = self.limit {
            sql.push(" LIMIT ").bind(Value::Int(n as i64), SqlType::BigInt);
        } else if self.offset > 0 && sql.dialect() == Dialect::Sqlite {
            sql.push(" LIMIT -1");
        }
        if self.offset > 0 {
            sql.push(" OFFSET ").bind(Value::Int(self.offset as i64), SqlType::BigInt);
        }
        Ok(sql)
    }

    /// The matching rows: all fields in declaration order, coerced to their types.
    pub fn rows(&self, db: &Instance) -> Result<Vec<Vec<Value>>> {
        self.select(db, &[])
    }

    /// The matching rows, only `columns` (field names), coerced to their types.
    pub fn select(&self, db: &Instance, columns: &[&str]) -> Result<Vec<Vec<Value>>> {
        let sql = self.to_sql(db.dialect(), columns)?;
        let fields: Vec<_> = if columns.is_empty() {
            self.reg.fields.iter().collect()
        } else {
            columns.iter().map(|c| self.reg.check_field(c)).collect::<Result<_>>()?
        };
        db.query(&sql)?
            .into_iter()
            .map(|row: DynRow| {
                row.values.into_iter().zip(&fields).map(|(v, f)| v.coerce(f.ty, f.name)).collect()
            })
            .collect()
    }

    /// The number of matching records (ignoring limit and offset).
    pub fn count(&self, db: &Instance) -> Result<usize> {
        let mut sql = db.sql();
        sql.push("SELECT COUNT(*) FROM ").ident(self.reg.table).push(" t0");
        self.push_where(&mut sql, "t0", &mut Aliases::default())?;
        let rows = db.query(&sql)?;
        Ok(rows.first().and_then(|r| r.get(0)).and_then(Value::as_i64).unwrap_or(0) as usize)
    }

    /// Whether any record matches.
    pub fn exists(&self, db: &Instance) -> Result<bool> {
        Ok(!self.clone().limit(1).select(db, &["id"])?.is_empty())
    }

    fn does_not_exist(&self) -> Error {
        Error::DoesNotExist {
            registry: self.reg.name,
            message: format!("{} matching query does not exist.", self.reg.name),
        }
    }

    /// Exactly one row, or LaminDB's DoesNotExist / MultipleObjectsReturned.
    pub fn one_row(&self, db: &Instance) -> Result<Vec<Value>> {
        let mut rows = self.clone().limit(2).rows(db)?;
        match rows.len() {
            0 => Err(self.does_not_exist()),
            1 => Ok(rows.pop().expect("one row")),
            _ => Err(Error::MultipleObjectsReturned { registry: self.reg.name, count: self.count(db)? }),
        }
    }

    /// One row or none; more than one is MultipleObjectsReturned.
    pub fn one_or_none_row(&self, db: &Instance) -> Result<Option<Vec<Value>>> {
        match self.one_row(db) {
            Ok(r) => Ok(Some(r)),
            Err(Error::DoesNotExist { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The first row in the query's order (by id when unordered).
    pub fn first_row(&self, db: &Instance) -> Result<Option<Vec<Value>>> {
        Ok(self.clone().limit(1).rows(db)?.pop())
    }

    /// LaminDB's `get(idlike)`: an integer is an id; a string is a uid or uid prefix (for a
    /// versioned registry with a stem-length prefix: the latest version first). These lookups see
    /// every branch, the trash included.
    pub fn get_row(db: &Instance, reg: &'static Registry, idlike: &str) -> Result<Vec<Value>> {
        let uid_len = reg.uid_len.unwrap_or(0);
        if let Ok(id) = idlike.trim().parse::<i64>() {
            if uid_len == 0 || idlike.len() < uid_len {
                return QuerySet::new(reg).filter(Q::exact("id", id)).one_row(db);
            }
        }
        if !reg.has("uid") {
            return Err(Error::InvalidIdentifier {
                identifier: idlike.to_string(),
                message: format!("{} records have no uid; pass an integer id", reg.name),
            });
        }
        let by_prefix = QuerySet::new(reg).filter(Q::kw("uid__startswith", idlike)?);
        let stem = if reg.versioned { uid_len.saturating_sub(4) } else { 0 };
        let row = if reg.versioned && idlike.len() <= stem {
            match by_prefix.clone().filter(Q::kw("is_latest", true)?).first_row(db)? {
                Some(r) => Some(r),
                None => by_prefix.clone().order_by("-created_at").first_row(db)?,
            }
        } else {
            match by_prefix.one_row(db) {
                Ok(r) => Some(r),
                Err(Error::DoesNotExist { .. }) => None,
                Err(e) => return Err(e),
            }
        };
        row.ok_or_else(|| Error::DoesNotExist {
            registry: reg.name,
            message: format!(
                "No record found with uid '{idlike}'. Did you forget a keyword as in {}.get({}='{idlike}')?",
                reg.name, reg.name_field
            ),
        })
    }
}
