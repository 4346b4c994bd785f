//! Labels created many at once, with LaminDB's name handling: an existing name returns its
//! label, names repeated in the input are created once, uids never collide.

use super::*;
use crate::models::ulabel;

/// How [`ULabel::create_many`] treats names that exist already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameMatch {
    /// An exact name match returns the existing label (LaminDB's default).
    ReturnExisting,
    /// Always create (for bulk loads).
    AlwaysCreate,
}

/// One label of [`ULabel::create_many`](crate::ULabel::create_many) and whether it was created or found.
#[derive(Clone, Debug, PartialEq)]
pub struct Created<R> {
    /// The record.
    pub record: R,
    /// `false` when an existing record with the same name was returned.
    pub created: bool,
}

/// What [`ULabel::bulk_create`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BulkCreated {
    /// Labels inserted.
    pub created: usize,
    /// Names that returned an existing label (or repeated an earlier name of the input).
    pub existing: usize,
}

/// The plan of a label creation: per input name, the uid it gets, or `None` when an existing
/// label is returned.
struct LabelPlan {
    existing: std::collections::HashMap<String, ULabel>,
    uid_of: Vec<Option<String>>,
    new_uids: Vec<Value>,
}

/// Inserts the labels of `names` that are new (inside the caller's transaction).
fn insert_ulabels(
    db: &Instance,
    ctx: &crate::registry::SaveContext,
    names: &[String],
    description: Option<&str>,
    names_match: NameMatch,
) -> Result<LabelPlan> {
    for n in names {
        if n.trim().is_empty() {
            return Err(Error::InvalidValue {
                field: "name".into(),
                message: "a label name must not be empty".into(),
            });
        }
    }
    let mut existing: std::collections::HashMap<String, ULabel> = Default::default();
    if names_match == NameMatch::ReturnExisting {
        // Two processes creating the same names at once must not both miss the other's.
        db.lock_for_writers(ULabel::REGISTRY.table)?;
    }
    if names_match == NameMatch::ReturnExisting {
        for chunk in names.chunks(10_000) {
            let values = chunk.iter().map(String::as_str);
            for u in ULabel::filter(ulabel::NAME.is_in(values)).to_list(db)? {
                existing.entry(u.name.clone()).or_insert(u);
            }
        }
    }
    // One timestamp for the whole batch: evaluating the column default per row costs more than
    // the insert itself on SQLite.
    let now = Value::DateTime(chrono::Utc::now());
    // Per name: `None` (exists), or the index of its new row.
    let mut row_of: Vec<Option<usize>> = Vec::with_capacity(names.len());
    let mut first_row: std::collections::HashMap<&str, usize> = Default::default();
    let mut rows = Vec::new();
    for name in names {
        if existing.contains_key(name) {
            row_of.push(None);
            continue;
        }
        if names_match == NameMatch::ReturnExisting {
            if let Some(&row) = first_row.get(name.as_str()) {
                row_of.push(Some(row));
                continue;
            }
        }
        rows.push(vec![
            Value::Null,
            Value::Text(name.clone()),
            description.map_or(Value::Null, |d| Value::Text(d.to_string())),
            Value::Int(ctx.user_id),
            ctx.run_id.map_or(Value::Null, Value::Int),
            Value::Null,
            now.clone(),
            now.clone(),
        ]);
        first_row.insert(name, rows.len() - 1);
        row_of.push(Some(rows.len() - 1));
    }
    let columns =
        ["uid", "name", "description", "created_by_id", "run_id", "_aux", "created_at", "updated_at"];
    // Random 8-character uids collide at scale (one pair in ten million is likely): they are
    // made distinct within the batch, and a collision with a saved label is retried with new ones.
    let mut attempt = 0;
    loop {
        let uids = distinct_uids(rows.len(), || crate::uid::base62(8));
        for (row, uid) in rows.iter_mut().zip(uids) {
            row[0] = Value::Text(uid);
        }
        match db.transaction(|tx| bulk_insert(tx, ULabel::REGISTRY, &columns, &rows)) {
            Ok(()) => break,
            Err(e) if e.is_unique_violation() && attempt < 3 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
    let uid = |row: usize| rows[row][0].as_str().unwrap_or_default().to_string();
    let uid_of = row_of.iter().map(|r| r.map(uid)).collect();
    let new_uids = rows.into_iter().map(|mut r| r.swap_remove(0)).collect();
    Ok(LabelPlan { existing, uid_of, new_uids })
}

/// `n` uids from `new` (8 characters at most), distinct among themselves.
fn distinct_uids(n: usize, mut new: impl FnMut() -> String) -> Vec<String> {
    let mut uids: Vec<String> = (0..n).map(|_| new()).collect();
    let key = |u: &str| u.bytes().fold(0u64, |k, b| k << 8 | u64::from(b));
    loop {
        let mut keyed: Vec<(u64, usize)> = uids.iter().enumerate().map(|(i, u)| (key(u), i)).collect();
        keyed.sort_unstable();
        let repeats: Vec<usize> = keyed.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| w[1].1).collect();
        if repeats.is_empty() {
            return uids;
        }
        for i in repeats {
            uids[i] = new();
        }
    }
}

impl Instance {
    /// Creates labels in one transaction. With [`NameMatch::ReturnExisting`], a name that exists
    /// (outside the trash) returns that label, as LaminDB's `ULabel(name=…)` does; names repeated
    /// in the input are created once.
    pub(crate) fn create_ulabels(
        &self,
        names: &[String],
        description: Option<&str>,
        names_match: NameMatch,
    ) -> Result<Vec<Created<ULabel>>> {
        let ctx = self.save_context()?;
        self.transaction(|db| {
            let plan = insert_ulabels(db, &ctx, names, description, names_match)?;
            let mut created: std::collections::HashMap<String, ULabel> = Default::default();
            for chunk in plan.new_uids.chunks(10_000) {
                for u in
                    ULabel::filter(ulabel::UID.is_in(chunk.iter().filter_map(Value::as_str))).to_list(db)?
                {
                    created.insert(u.uid.clone(), u);
                }
            }
            let mut out = Vec::with_capacity(names.len());
            let mut reported = std::collections::HashSet::new();
            for (name, uid) in names.iter().zip(plan.uid_of) {
                match uid {
                    None => out.push(Created { record: plan.existing[name].clone(), created: false }),
                    Some(uid) => {
                        let record = created.get(&uid).cloned().ok_or_else(|| {
                            Error::decode(format!("label {uid} was inserted but cannot be read back"))
                        })?;
                        // A name repeated in the input is created once: later copies are "found".
                        let first = reported.insert(uid);
                        out.push(Created { record, created: first });
                    }
                }
            }
            Ok(out)
        })
    }

    /// Like [`ULabel::create_many`](crate::ULabel::create_many) for bulk loads: one transaction, and only the counts
    /// come back (the records are not read back).
    pub(crate) fn bulk_create_ulabels(
        &self,
        names: &[String],
        description: Option<&str>,
        names_match: NameMatch,
    ) -> Result<BulkCreated> {
        let ctx = self.save_context()?;
        self.transaction(|db| {
            let plan = insert_ulabels(db, &ctx, names, description, names_match)?;
            let created = plan.new_uids.len();
            Ok(BulkCreated { created, existing: names.len() - created })
        })
    }
}

// ULabels in bulk.
impl ULabel {
    /// Creates labels named `names` in one transaction. With [`NameMatch::ReturnExisting`], a
    /// name that exists (outside the trash) returns that label, as LaminDB's `ULabel(name=…)`
    /// does; names repeated in the input are created once.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// # let settings = lamindb_core::SettingsDir::at(tmp.path().join(".lamin"));
    /// # let opts = lamindb_core::InitOptions { storage: tmp.path().join("data").display().to_string(), ..Default::default() };
    /// # let (inst, _) = lamindb_core::Instance::init_in(&settings, &opts)?;
    /// use lamindb_core::{NameMatch, ULabel};
    ///
    /// let names = ["lung".to_string(), "liver".to_string(), "lung".to_string()];
    /// let made = ULabel::create_many(&inst, &names, None, NameMatch::ReturnExisting)?;
    /// assert_eq!(made.iter().filter(|c| c.created).count(), 2);
    /// let again = ULabel::bulk_create(&inst, &names[..2], None, NameMatch::ReturnExisting)?;
    /// assert_eq!((again.created, again.existing), (0, 2));
    /// # Ok(()) }
    /// ```
    pub fn create_many(
        inst: &Instance,
        names: &[String],
        description: Option<&str>,
        names_match: NameMatch,
    ) -> Result<Vec<Created<ULabel>>> {
        inst.create_ulabels(names, description, names_match)
    }

    /// Like [`ULabel::create_many`] for bulk loads: one transaction, and only the counts come
    /// back (the records are not read back).
    pub fn bulk_create(
        inst: &Instance,
        names: &[String],
        description: Option<&str>,
        names_match: NameMatch,
    ) -> Result<BulkCreated> {
        inst.bulk_create_ulabels(names, description, names_match)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_uids_of_a_batch_are_distinct_even_when_the_generator_repeats() {
        // A generator that repeats itself: "00000000", "00000000", "00000001", "00000001", …
        let mut i = 0u32;
        let uids = distinct_uids(6, || {
            i += 1;
            format!("{:08}", (i - 1) / 2)
        });
        let mut sorted = uids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 6, "{uids:?}");
    }
}
