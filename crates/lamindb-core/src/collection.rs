//! Collections (LaminDB's `Collection(artifacts, key=…)`): an ordered set of artifacts, hashed
//! from their hashes, versioned by key.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
//! # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
//! # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
//! use lamindb_core::{Artifact, Collection};
//!
//! std::fs::write(tmp.path().join("a.txt"), "a")?;
//! std::fs::write(tmp.path().join("b.txt"), "b")?;
//! let a = Artifact::from_path(tmp.path().join("a.txt")).key("a.txt").save(&inst)?;
//! let b = Artifact::from_path(tmp.path().join("b.txt")).key("b.txt").save(&inst)?;
//! let (c, created) = Collection::create(&inst, "pair", &[b.clone(), a.clone()], None)?;
//! assert!(created);
//! let members: Vec<String> = c.artifacts(&inst)?.into_iter().map(|x| x.uid).collect();
//! assert_eq!(members, [b.uid.clone(), a.uid.clone()]);
//! // The same artifacts again: the same collection.
//! assert_eq!(Collection::create(&inst, "pair", &[a, b], None)?, (c, false));
//! # Ok(()) }
//! ```

mod api;

use std::collections::HashSet;

use lamindb_storage::hash::hash_string;

use crate::error::{Error, Result};
use crate::models::{Artifact, Collection, collection, tables};
use crate::pool::Instance;
use crate::registry::SQLRecord;
use crate::uid::{decode_base62, encode_base62};
use crate::value::{SqlType, Value};

impl Instance {
    /// Makes the collection `key` of `artifacts`, in their order (LaminDB's
    /// `Collection(artifacts, key=key).save()`): a collection with the same artifacts (the same
    /// hash) is returned instead (`false`); a different set under an existing key is a new
    /// version of it. The same artifact twice is refused.
    pub(crate) fn create_collection(
        &self,
        key: &str,
        artifacts: &[Artifact],
        description: Option<&str>,
    ) -> Result<(Collection, bool)> {
        if key.trim().is_empty() {
            return Err(Error::InvalidOptions { message: "a collection needs a key".into() });
        }
        if artifacts.is_empty() {
            return Err(Error::InvalidOptions { message: "a collection needs at least one artifact".into() });
        }
        let mut ids = HashSet::new();
        if let Some(twice) = artifacts.iter().find(|a| !ids.insert(a.id)) {
            return Err(Error::InvalidOptions {
                message: format!(
                    "artifact {} is given twice: a collection holds each artifact once",
                    twice.uid
                ),
            });
        }
        // LaminDB's `hash_set` of the member hashes (artifacts with equal hashes count once).
        let mut sorted: Vec<&str> = artifacts.iter().filter_map(|a| a.hash.as_deref()).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let hash = hash_string(&sorted.join(":"));
        let ctx = self.save_context()?;
        self.transaction(|tx| {
            let same = Collection::query()
                .filter(collection::HASH.eq(hash.as_str()) & collection::BRANCH_ID.eq(1))
                .order_by(collection::ID.desc())
                .first(tx)?;
            if let Some(existing) = same {
                return Ok((existing, false));
            }
            let latest = Collection::query()
                .filter(
                    collection::KEY.eq(key) & collection::IS_LATEST.eq(true) & collection::BRANCH_ID.eq(1),
                )
                .order_by(collection::ID.desc())
                .first(tx)?;
            let mut c = Collection {
                uid: crate::uid::new_uid(Collection::REGISTRY),
                key: key.to_string(),
                description: description.map(str::to_string),
                hash: Some(hash.clone()),
                is_latest: true,
                ..Default::default()
            };
            if let Some(mut old) = latest {
                let (stem, suffix) = old.uid.split_at(16);
                let n = decode_base62(suffix).unwrap_or_default();
                c.uid = format!("{stem}{}", encode_base62(n + 1, 4)?);
                old.is_latest = false;
                old.save(tx)?;
            }
            c = c.save(tx)?;
            let collection_id = c.id.unwrap_or_default();
            for a in artifacts {
                let artifact_id = a.id.ok_or(Error::NotSaved { registry: "Artifact" })?;
                let mut sql = tx.sql();
                sql.push("INSERT INTO ")
                    .ident(tables::COLLECTION_ARTIFACT)
                    .push(" (\"collection_id\", \"artifact_id\", \"run_id\", \"created_by_id\") VALUES (");
                sql.bind(Value::Int(collection_id), SqlType::Int).push(", ");
                sql.bind(Value::Int(artifact_id), SqlType::Int).push(", ");
                sql.bind(ctx.run_id.map_or(Value::Null, Value::Int), SqlType::BigInt).push(", ");
                sql.bind(Value::Int(ctx.user_id), SqlType::Int).push(")");
                tx.execute(&sql)?;
            }
            Ok((c, true))
        })
    }

    /// The artifacts of a collection in its order (LaminDB's `ordered_artifacts`).
    pub(crate) fn collection_artifacts(&self, collection: &Collection) -> Result<Vec<Artifact>> {
        let id = collection.id.ok_or(Error::NotSaved { registry: "Collection" })?;
        let mut sql = self.sql();
        sql.push("SELECT \"artifact_id\" FROM ").ident(tables::COLLECTION_ARTIFACT);
        sql.push(" WHERE \"collection_id\" = ");
        sql.bind(Value::Int(id), SqlType::Int).push(" ORDER BY \"id\"");
        let ids: Vec<i64> =
            self.query(&sql)?.into_iter().filter_map(|r| r.values.first().and_then(Value::as_i64)).collect();
        ids.into_iter().map(|id| Artifact::get_by_id(self, id)).collect()
    }
}
