//! Step 2 of the save pipeline: what happens to each prepared source, decided with a few
//! `IN (…)` queries: an existing artifact of the same content returned (dedup by hash), a new
//! version of the artifact with the same key (its uid's version suffix the next one of the
//! family, decoded, never SQL-ordered), or a new artifact.

use std::collections::{HashMap, HashSet};

use super::prepare::Prepared;
use super::sql::*;
use super::*;
use crate::models::Storage;
use crate::pool::Instance;
use crate::uid::{decode_base62, encode_base62};
use crate::value::{SqlType, Value};

/// What happens to a prepared source.
#[derive(Debug)]
pub(super) enum Plan {
    /// Insert a new row; `previous` is the version it revises.
    New { uid: String, previous: Option<Artifact> },
    /// Return this existing artifact.
    Existing(Artifact),
    /// An existing artifact, moved into the results.
    Returned,
    /// Return the artifact of an earlier source of the same batch.
    SameAs(usize),
}

impl Instance {
    /// Decides, with a few queries, what happens to each prepared source (`spare`: a second
    /// connection for the lookups, see [`select_in`]).
    pub(super) fn plan(
        &self,
        prepared: &[Prepared],
        storages: &[Storage],
        spare: Option<&Instance>,
    ) -> Result<Vec<Plan>> {
        // Non-trashed artifacts with one of the hashes, newest first.
        let hashes: Vec<Value> = prepared
            .iter()
            .filter(|p| p.lookup_hash || p.in_place || (p.size == 0 && p.key.is_none()))
            .map(|p| Value::Text(p.hash.clone()))
            .collect();
        let by_hash = select_in(
            self,
            "hash",
            dedup(hashes).into_iter(),
            SqlType::Varchar(22),
            " AND \"branch_id\" <> -1",
            spare,
        )?;
        // Index the rows by hash and by (storage, key), newest first: one pass, not one per source.
        let newest_first = |a: &Artifact, b: &Artifact| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id));
        // Rows by position in `by_hash`: a row the plan returns is moved out of it at the end
        // rather than copied (a re-save returns every row it reads).
        let mut hash_index: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, a) in by_hash.iter().enumerate() {
            if let Some(h) = a.hash.as_deref() {
                hash_index.entry(h).or_default().push(i);
            }
        }
        hash_index.values_mut().for_each(|v| v.sort_by(|&a, &b| newest_first(&by_hash[a], &by_hash[b])));
        // (plan index, row index) of the plans returning an existing row; their plans are
        // placeholders until the rows are moved in below.
        let mut existing: Vec<(usize, usize)> = Vec::new();
        // Non-trashed artifacts with one of the keys, per storage: for the sources that the hash
        // lookup did not settle (a re-save of unchanged files reads each row once).
        let settled = |p: &Prepared| p.lookup_hash && hash_index.contains_key(p.hash.as_str());
        let mut by_key: Vec<Artifact> = Vec::new();
        let storage_ids: HashSet<usize> =
            prepared.iter().filter(|p| p.key.is_some() && !settled(p)).map(|p| p.storage).collect();
        for sidx in storage_ids {
            let keys: Vec<Value> = prepared
                .iter()
                .filter(|p| p.storage == sidx && !settled(p))
                .filter_map(|p| p.key.clone().map(Value::Text))
                .collect();
            let sid = storages[sidx].id.expect("saved");
            let extra = format!(" AND \"branch_id\" <> -1 AND \"storage_id\" = {sid}");
            by_key.extend(select_in(
                self,
                "key",
                dedup(keys).into_iter(),
                SqlType::Varchar(1024),
                &extra,
                spare,
            )?);
        }
        let mut key_index: HashMap<(i64, &str), Vec<&Artifact>> = HashMap::new();
        for a in &by_key {
            if let Some(k) = a.key.as_deref() {
                key_index.entry((a.storage_id, k)).or_default().push(a);
            }
        }
        key_index.values_mut().for_each(|v| v.sort_by(|a, b| newest_first(a, b)));
        let mut plans = Vec::with_capacity(prepared.len());
        let mut first_of_hash: HashMap<&str, usize> = HashMap::new();
        let mut stems_needed: Vec<String> = Vec::new();
        for (idx, p) in prepared.iter().enumerate() {
            let sid = storages[p.storage].id.expect("saved");
            let same_hash = hash_index.get(p.hash.as_str()).map(Vec::as_slice).unwrap_or_default();
            let mut same_hash_rows = same_hash.iter().map(|&i| (i, &by_hash[i]));
            if p.lookup_hash {
                if let Some(&i) = same_hash.first() {
                    existing.push((idx, i));
                    plans.push(Plan::Returned);
                    continue;
                }
                if let Some(first) = first_of_hash.get(p.hash.as_str()) {
                    plans.push(Plan::SameAs(*first));
                    continue;
                }
                first_of_hash.insert(&p.hash, idx);
            } else if p.files.is_none() && p.size == 0 && p.key.is_none() {
                // One keyless empty file per storage (the database's unique (storage, hash)).
                if let Some((i, _)) = same_hash_rows.find(|(_, a)| a.storage_id == sid && a.key.is_none()) {
                    existing.push((idx, i));
                    plans.push(Plan::Returned);
                    continue;
                }
            } else if p.in_place {
                // Registering the same file in place again returns its artifact.
                let same = same_hash_rows
                    .find(|(_, a)| a.storage_id == sid && a.key == p.key && *a.real_key == p.real_key);
                if let Some((i, _)) = same {
                    existing.push((idx, i));
                    plans.push(Plan::Returned);
                    continue;
                }
            }
            let previous = match &p.key {
                Some(key) => {
                    let same_key = key_index.get(&(sid, key.as_str())).map(Vec::as_slice).unwrap_or_default();
                    if same_key.is_empty() {
                        None
                    } else {
                        let latest = same_key.iter().find(|a| a.is_latest && a.branch_id == Some(1));
                        let latest = latest.or_else(|| same_key.iter().find(|a| a.is_latest));
                        match latest {
                            Some(a) => Some((*a).clone()),
                            None => {
                                return Err(Error::Refused(crate::Refusal::NoLatestVersion {
                                    key: key.to_string(),
                                    root: storages[p.storage].root.clone(),
                                }));
                            }
                        }
                    }
                }
                None => None,
            };
            if let Some(prev) = &previous {
                stems_needed.push(prev.stem_uid().to_string());
            }
            plans.push(Plan::New { uid: String::new(), previous });
        }
        // The returned rows, moved into their plans: the last plan of a row takes it, earlier
        // ones (sources of the same content) take copies.
        drop(hash_index);
        let mut uses = vec![0usize; by_hash.len()];
        existing.iter().for_each(|&(_, i)| uses[i] += 1);
        let mut rows: Vec<Option<Artifact>> = by_hash.into_iter().map(Some).collect();
        for (pi, i) in existing {
            uses[i] -= 1;
            let row = if uses[i] == 0 { rows[i].take() } else { rows[i].clone() };
            plans[pi] = Plan::Existing(row.expect("a row is taken by its last plan only"));
        }
        // Next version suffix per family, by decoding every suffix in the family.
        let mut next: HashMap<String, u32> = HashMap::new();
        if !stems_needed.is_empty() {
            let family = select_stems(self, &dedup_str(stems_needed))?;
            for a in family {
                if a.uid.len() == 20 {
                    let v = decode_base62(&a.uid[16..]).unwrap_or(0);
                    let e = next.entry(a.uid[..16].to_string()).or_insert(0);
                    *e = (*e).max(v + 1);
                }
            }
        }
        for plan in &mut plans {
            if let Plan::New { uid, previous } = plan {
                *uid = match previous {
                    Some(prev) => {
                        let stem = prev.stem_uid().to_string();
                        let v = next.entry(stem.clone()).or_insert(1);
                        let s = format!("{stem}{}", encode_base62(*v, 4)?);
                        *v += 1;
                        s
                    }
                    None => format!("{}0000", crate::uid::time_ordered_stem()),
                };
            }
        }
        Ok(plans)
    }
}
