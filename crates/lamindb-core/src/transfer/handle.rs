//! [`TransferFrom`]: records of another instance brought into this one, reached through
//! [`Instance::transfer_from`].

use super::TransferSummary;
use crate::error::Result;
use crate::models::{Artifact, Collection};
use crate::pool::Instance;
use crate::registry::SQLRecord;

// The door to transfers between instances.
impl Instance {
    /// Transfers from `source` (another instance, opened for reading) into this one; see
    /// [`TransferFrom`].
    pub fn transfer_from<'a>(&'a self, source: &'a Instance) -> TransferFrom<'a> {
        TransferFrom { target: self, source }
    }
}

/// Transfers from one instance into another (see the [module documentation](super)): the
/// metadata with labels and feature values, not the bytes; records present already are
/// returned unchanged. The [module documentation](super) shows a transfer end to end.
#[derive(Clone, Copy, Debug)]
pub struct TransferFrom<'a> {
    target: &'a Instance,
    source: &'a Instance,
}

impl TransferFrom<'_> {
    /// Transfers `artifacts`, read from the source, into this instance. Returns which were
    /// created and which were present already.
    pub fn artifacts(&self, artifacts: &[Artifact]) -> Result<TransferSummary> {
        self.target.transfer_artifacts(self.source, artifacts)
    }

    /// [`TransferFrom::artifacts`] on a blocking thread of the tokio runtime.
    #[cfg(feature = "tokio")]
    pub fn artifacts_async(
        &self,
        artifacts: Vec<Artifact>,
    ) -> impl std::future::Future<Output = Result<TransferSummary>> + Send {
        self.target.transfer_artifacts_async(self.source, artifacts)
    }

    /// Transfers `collections`, read from the source, into this instance with their artifacts
    /// (transferred as [`TransferFrom::artifacts`] does, in the collection's order).
    pub fn collections(&self, collections: &[Collection]) -> Result<TransferSummary<Collection>> {
        self.target.transfer_collections(self.source, collections)
    }

    /// Transfers records of a registry without bytes (ULabel, Project, Record, Reference,
    /// Feature, Transform, …), read from the source, into this instance: the same uid, related
    /// records matched by natural key or copied, `run_id` the transfer run.
    pub fn records<R: SQLRecord>(&self, records: &[R]) -> Result<TransferSummary<R>> {
        self.target.transfer_records(self.source, records)
    }
}
