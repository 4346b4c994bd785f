//! What travels with a transferred artifact: its label links (ULabels, Projects, Records, with
//! their features) and its JSON feature values, their labels and features mapped here.

use std::collections::{BTreeSet, HashMap};

use super::{CHUNK, Transfer};
use crate::annotate::LABEL_LINKS;
use crate::error::Result;
use crate::models::tables;
use crate::registry::SQLRecord;
use crate::value::{SqlType, Value};

impl Transfer<'_> {
    /// Copies the label links (ULabels, Projects, Records, with their features) of the source
    /// artifacts `id_of` maps.
    pub(super) fn copy_labels(&mut self, id_of: &HashMap<i64, i64>) -> Result<()> {
        let feature = crate::models::Feature::REGISTRY;
        for (table, column, registry) in LABEL_LINKS {
            if !self.source.table_exists(table)? {
                continue;
            }
            let sources: Vec<i64> = id_of.keys().copied().collect();
            let mut links = BTreeSet::new();
            for chunk in sources.chunks(CHUNK) {
                let mut sql = self.source.sql();
                sql.push("SELECT \"artifact_id\", ")
                    .ident(column)
                    .push(", \"feature_id\" FROM ")
                    .ident(table);
                sql.push(" WHERE \"artifact_id\" IN (");
                sql.bind_ints(chunk);
                sql.push(") ORDER BY \"id\"");
                for row in self.source.query(&sql)? {
                    let (a, l, f) = (int(&row.values[0]), int(&row.values[1]), row.values[2].as_i64());
                    let label = self.map_id(registry, l)?;
                    let feature_id = match f {
                        Some(f) => Some(self.map_id(feature, f)?),
                        None => None,
                    };
                    links.insert((id_of[&a], label, feature_id));
                }
            }
            let rows = links
                .into_iter()
                .map(|(a, l, f)| vec![Value::Int(a), Value::Int(l), f.map_or(Value::Null, Value::Int)]);
            let columns =
                [("artifact_id", SqlType::Int), (column, SqlType::BigInt), ("feature_id", SqlType::Int)];
            self.insert_links(table, &columns, rows)?;
        }
        Ok(())
    }

    /// Copies the JSON feature values of the source artifacts `id_of` maps (LaminDB 2.12.1
    /// leaves them behind; they travel here).
    pub(super) fn copy_feature_values(&mut self, id_of: &HashMap<i64, i64>) -> Result<()> {
        if !self.source.table_exists(tables::ARTIFACT_JSONVALUE)?
            || !self.source.table_exists(tables::JSONVALUE)?
        {
            return Ok(());
        }
        let feature = crate::models::Feature::REGISTRY;
        let sources: Vec<i64> = id_of.keys().copied().collect();
        let mut values: HashMap<(i64, String), i64> = HashMap::new();
        let mut links = BTreeSet::new();
        let ctx = self.tx.save_context()?;
        for chunk in sources.chunks(CHUNK) {
            let mut sql = self.source.sql();
            sql.push("SELECT l.\"artifact_id\", v.\"feature_id\", v.\"value\", v.\"hash\" FROM ")
                .ident(tables::ARTIFACT_JSONVALUE)
                .push(" l JOIN ")
                .ident(tables::JSONVALUE)
                .push(" v ON v.\"id\" = l.\"jsonvalue_id\" WHERE l.\"artifact_id\" IN (");
            sql.bind_ints(chunk);
            sql.push(") ORDER BY l.\"id\"");
            for row in self.source.query(&sql)? {
                let a = int(&row.values[0]);
                let f = self.map_id(feature, int(&row.values[1]))?;
                let value: serde_json::Value = match &row.values[2] {
                    Value::Text(s) | Value::Json(s) => {
                        serde_json::from_str(s).unwrap_or_else(|_| s.clone().into())
                    }
                    other => other.to_json(),
                };
                let hash = match &row.values[3] {
                    Value::Text(h) => h.clone(),
                    _ => crate::annotate::value_hash(&value),
                };
                let key = (f, hash.clone());
                let jsonvalue = match values.get(&key) {
                    Some(id) => *id,
                    None => {
                        let id = self.tx.json_value(f, &value, &hash, &ctx)?;
                        values.insert(key, id);
                        id
                    }
                };
                links.insert((id_of[&a], jsonvalue));
            }
        }
        let rows = links.into_iter().map(|(a, v)| vec![Value::Int(a), Value::Int(v)]);
        let columns = [("artifact_id", SqlType::Int), ("jsonvalue_id", SqlType::BigInt)];
        self.insert_links(tables::ARTIFACT_JSONVALUE, &columns, rows)
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_default()
}
