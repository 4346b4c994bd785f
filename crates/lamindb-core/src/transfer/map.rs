//! Related records matched by natural key: a source row rewritten for this instance (foreign
//! keys mapped, `run_id` the transfer run), and the record it points to found here — Storage by
//! `root`, the others by `uid`, labels and features else by `name` — or copied when missing.

use super::Transfer;
use crate::error::{Error, Result};
use crate::query::{Q, QuerySet};
use crate::registry::{Registry, SQLRecord, TransferPolicy};
use crate::value::Value;

impl Transfer<'_> {
    /// `values` (a source row of `reg`, in field order) rewritten for this instance: `id` NULL,
    /// foreign keys mapped, `run_id` the transfer run.
    pub(super) fn remap(&mut self, reg: &'static Registry, values: Vec<Value>) -> Result<Vec<Value>> {
        let mut out = Vec::with_capacity(values.len());
        for (field, value) in reg.fields.iter().zip(values) {
            if field.name == "id" {
                out.push(Value::Null);
                continue;
            }
            let Some(target) = field.relation else {
                out.push(value);
                continue;
            };
            let mapped = match (field.name, value) {
                ("run_id", _) => Value::Int(self.run_id()?),
                (_, Value::Null) => Value::Null,
                ("branch_id" | "created_on_id", Value::Int(id)) => Value::Int(self.branch(id)?),
                (_, Value::Int(id)) => {
                    let related =
                        crate::models::registry_by_name(target).ok_or_else(|| Error::Unsupported {
                            registry: reg.name,
                            field: Some(field.name.to_string()),
                            message: format!("{}.{} points to an unknown registry", reg.name, field.name),
                        })?;
                    if related.uid_len.is_none()
                        || matches!(related.transfer, TransferPolicy::NotAlong | TransferPolicy::Own(_))
                    {
                        // Runs, artifacts and schemas are not carried along by a reference.
                        if field.nullable {
                            Value::Null
                        } else {
                            return Err(Error::Unsupported {
                                registry: reg.name,
                                field: Some(field.name.to_string()),
                                message: format!(
                                    "{}.{} needs a {} record, which is not transferred along",
                                    reg.name, field.name, related.name
                                ),
                            });
                        }
                    } else {
                        Value::Int(self.map_id(related, id)?)
                    }
                }
                (_, v) => v,
            };
            out.push(mapped);
        }
        Ok(out)
    }

    /// The target's branch with the source branch's uid, else `main` (id 1).
    fn branch(&mut self, source_id: i64) -> Result<i64> {
        let reg = crate::models::Branch::REGISTRY;
        if let Some(id) = self.mapped.get(&(reg.name, source_id)) {
            return Ok(*id);
        }
        let row = QuerySet::new(reg).filter(Q::exact("id", source_id)).all_branches().one_row(self.source)?;
        let uid = row[reg.index("uid").expect("uid")].clone();
        let id = QuerySet::new(reg)
            .filter(Q::exact("uid", uid))
            .all_branches()
            .first_row(self.tx)?
            .and_then(|r| r[reg.index("id").expect("id")].as_i64())
            .unwrap_or(1);
        self.mapped.insert((reg.name, source_id), id);
        Ok(id)
    }

    /// The target id of the source record `reg`/`source_id`, copied here when missing.
    pub(super) fn map_id(&mut self, reg: &'static Registry, source_id: i64) -> Result<i64> {
        if let Some(id) = self.mapped.get(&(reg.name, source_id)) {
            return Ok(*id);
        }
        let row = QuerySet::new(reg).filter(Q::exact("id", source_id)).all_branches().one_row(self.source)?;
        let uid = reg.index("uid").map(|i| row[i].to_string()).unwrap_or_default();
        let (id, created) = self.map_row(reg, row)?;
        if created {
            self.created.push((reg.name.to_string(), uid));
        }
        self.mapped.insert((reg.name, source_id), id);
        Ok(id)
    }

    /// The target id of the source row `values` of `reg`, matched by natural key, else inserted
    /// (then `true`).
    pub(super) fn map_row(&mut self, reg: &'static Registry, values: Vec<Value>) -> Result<(i64, bool)> {
        let get = |name: &str| reg.index(name).map(|i| values[i].clone()).unwrap_or(Value::Null);
        let keys = reg.natural_keys.iter().map(|&field| (field, get(field)));
        for (field, value) in keys {
            if value.is_null() {
                continue;
            }
            let mut q = QuerySet::new(reg).filter(Q::exact(field, value.clone())).all_branches();
            if field == "name" {
                q = q.filter(Q::exact("branch_id", 1)).order_by("id");
                if reg.has("is_type") {
                    // A label matches a label, a type a type.
                    q = q.filter(Q::exact("is_type", get("is_type")));
                }
            }
            if let Some(row) = q.first_row(self.tx)? {
                return Ok((row[reg.index("id").expect("id")].as_i64().unwrap_or_default(), false));
            }
        }
        if reg.transfer == TransferPolicy::Linked {
            let same_uid =
                QuerySet::new(reg).filter(Q::exact("uid", get("uid"))).all_branches().first_row(self.tx)?;
            if let Some(row) = same_uid {
                return Err(Error::Refused(crate::Refusal::StorageRootConflict {
                    storage_uid: get("uid").to_string(),
                    source_root: get("root").to_string(),
                    root: row[reg.index("root").expect("root")].to_string(),
                }));
            }
        }
        if reg.transfer == TransferPolicy::MatchedOnly {
            return Err(Error::Refused(crate::Refusal::UnmappedSpace {
                name: get("name").to_string(),
                uid: get("uid").to_string(),
            }));
        }
        let row = self.remap(reg, values)?;
        let inserted = self.tx.with_db(|db| crate::registry::insert_row(db, reg, &row))?;
        let id = inserted.get(reg.index("id").expect("id")).and_then(Value::as_i64).unwrap_or_default();
        if reg.transfer == TransferPolicy::Linked {
            self.new_storages.insert(id);
        }
        Ok((id, true))
    }
}
