//! Cloud objects registered in place: objects of `s3://…` and `gs://…` locations become artifacts
//! with the hashes their store reports in listings (S3 ETag, GCS `md5Hash`, as LaminDB takes them),
//! without reading a byte of them.

use std::path::PathBuf;

use lamindb_storage::{ObjectMeta, Store, suffix};

use super::prepare::Prepared;
use super::*;
use crate::models::Storage;
use crate::pool::Instance;

impl Instance {
    /// Registers the objects at `url` as artifacts, in place (LaminDB's `Artifact("s3://…")`
    /// for a path inside a registered storage location): every object below it when `url` ends
    /// with `/` or `recursive` is set (listed page by page, saved in batches), else the one object.
    ///
    /// Keys are the objects' paths relative to the location's root (`_key_is_virtual = false`);
    /// hashes come from the listing's metadata, so no object is downloaded or read. Objects under
    /// `.lamindb/` (the location's own artifacts) are left out. Registering the same objects
    /// again returns their artifacts; an object with a changed hash becomes a new version.
    /// `url` must lie inside a registered location ([`StorageLocations::add`](crate::StorageLocations::add) first).
    pub(crate) fn register_objects(
        &self,
        url: &str,
        recursive: bool,
        opts: &ArtifactOptions,
        progress: &dyn Progress,
        mut each: impl FnMut(&Artifact, &ArtifactOutcome) -> Result<()>,
    ) -> Result<SaveSummary> {
        if opts.key.is_some() {
            return Err(Error::InvalidOptions {
                message: "objects in a storage location are registered under their own paths: pass no key"
                    .into(),
            });
        }
        let env = self.save_env(opts)?;
        let (sidx, rel) = containing_storage(&env.storages, url)?;
        let storage = &env.storages[sidx];
        let store = Store::open_with_region(&storage.storage_root()?, storage.region.as_deref())?;
        let lookup_hash = opts.skip_hash_lookup.is_some_and(|skip| !skip);
        let prepare = |o: ObjectMeta| -> Result<Prepared> {
            let (hash, hash_type) = o.hash.ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "{}/{}: the store reports no hash for this object (no ETag or md5Hash)",
                    storage.root, o.key
                ))
            })?;
            progress.checked(1);
            Ok(Prepared {
                path: PathBuf::from(&o.key),
                storage: sidx,
                in_place: true,
                suffix: suffix::extract(&o.key).0,
                key: Some(o.key),
                real_key: None,
                hash,
                hash_type,
                size: o.size,
                stat: None,
                files: None,
                bytes: None,
                lookup_hash,
                stat_settled: false,
            })
        };
        let mut summary = SaveSummary::default();
        let size = if opts.batch == 0 { BATCH } else { opts.batch };
        let result = (|| {
            let mut objects: Box<dyn Iterator<Item = Result<ObjectMeta>>> = if recursive
                || rel.is_empty()
                || split_query(url).0.len() < url.split('?').next().unwrap_or(url).len()
            {
                Box::new(store.list_objects(&rel)?.map(|o| o.map_err(Error::from)))
            } else {
                let one = store.object_meta(&rel)?.ok_or_else(|| {
                    Error::InvalidArgument(format!("{url} does not exist (no such object)"))
                })?;
                Box::new(std::iter::once(Ok(one)))
            };
            let mut batch = Vec::with_capacity(size.min(1024));
            loop {
                batch.clear();
                for o in objects.by_ref() {
                    let o = o?;
                    if o.key.starts_with(AUTO_KEY_PREFIX) {
                        continue;
                    }
                    batch.push(prepare(o)?);
                    if batch.len() == size {
                        break;
                    }
                }
                if batch.is_empty() {
                    return Ok(summary);
                }
                for (a, outcome) in self.commit_prepared(&env, &batch, opts, progress)? {
                    summary.count(&outcome);
                    each(&a, &outcome)?;
                }
            }
        })();
        progress.finish();
        result
    }
}

/// The registered location that contains `url` (the innermost), and the key below its root.
fn containing_storage(storages: &[Storage], url: &str) -> Result<(usize, String)> {
    let (path, query) = split_query(url);
    let mut best: Option<(usize, String, usize)> = None;
    for (i, s) in storages.iter().enumerate() {
        let (root, root_query) = split_query(&s.root);
        if root_query != query {
            continue;
        }
        let rel = if path == root {
            Some(String::new())
        } else {
            path.strip_prefix(root).and_then(|r| r.strip_prefix('/')).map(str::to_string)
        };
        if let Some(rel) = rel {
            if best.as_ref().is_none_or(|b| root.len() > b.2) {
                best = Some((i, rel, root.len()));
            }
        }
    }
    if let Some((i, rel, _)) = best {
        return Ok((i, rel));
    }
    // The bucket: scheme and first path segment.
    let bucket = match path.find("://") {
        Some(i) => path[i + 3..].find('/').map_or(path, |j| &path[..i + 3 + j]),
        None => path,
    };
    Err(Error::Refused(crate::Refusal::OutsideStorage { path: url.to_string(), bucket: bucket.to_string() }))
}

fn split_query(url: &str) -> (&str, Option<&str>) {
    match url.split_once('?') {
        Some((p, q)) => (p.trim_end_matches('/'), Some(q)),
        None => (url.trim_end_matches('/'), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_to_the_innermost_location() {
        let storage = |root: &str| Storage { root: root.into(), ..Default::default() };
        let storages = vec![
            storage("s3://bucket"),
            storage("s3://bucket/deep"),
            storage("s3://other/p?endpoint_url=http://127.0.0.1:5055"),
        ];
        assert_eq!(containing_storage(&storages, "s3://bucket/a/b.txt").unwrap(), (0, "a/b.txt".into()));
        assert_eq!(containing_storage(&storages, "s3://bucket/deep/x/").unwrap(), (1, "x".into()));
        assert_eq!(containing_storage(&storages, "s3://bucket/deeper").unwrap(), (0, "deeper".into()));
        assert_eq!(
            containing_storage(&storages, "s3://other/p/q?endpoint_url=http://127.0.0.1:5055").unwrap(),
            (2, "q".into())
        );
        let err = containing_storage(&storages, "s3://other/p/q").unwrap_err().to_string();
        assert!(err.contains("not contained in any known storage location"), "{err}");
    }
}
