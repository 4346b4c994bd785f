//! The opendal operators of the services a [`StorageRoot`] names (memory, S3, GCS), configured
//! from the root and the environment as LaminDB's clients read it (`AWS_*`, `GOOGLE_*`,
//! `STORAGE_EMULATOR_HOST`).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use opendal::services;

#[cfg(any(feature = "s3", feature = "gcs"))]
use crate::root::StorageRoot;

/// In-memory stores by name, so that opening `memory://x` twice sees the same data.
static MEMORY: LazyLock<Mutex<HashMap<String, opendal::Operator>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

#[cfg(any(feature = "s3", feature = "gcs"))]
pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub(crate) fn memory_operator(name: &str) -> opendal::Result<opendal::Operator> {
    let mut stores = MEMORY.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(op) = stores.get(name) {
        return Ok(op.clone());
    }
    let op = opendal::Operator::new(services::Memory::default().root("/"))?;
    stores.insert(name.to_string(), op.clone());
    Ok(op)
}

#[cfg(feature = "s3")]
pub(crate) fn s3_operator(root: &StorageRoot, region: Option<&str>) -> opendal::Result<opendal::Operator> {
    let region = region
        .map(str::to_string)
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".to_string());
    let mut builder = services::S3::default()
        .bucket(root.bucket().unwrap_or_default())
        .root(&format!("/{}", root.prefix()))
        .region(&region)
        .disable_config_load()
        .disable_ec2_metadata();
    let endpoint = root.endpoint_url().map(str::to_string).or_else(|| env("AWS_ENDPOINT_URL"));
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint(&endpoint);
    }
    builder = match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => {
            let b = builder.access_key_id(&id).secret_access_key(&secret);
            match env("AWS_SESSION_TOKEN") {
                Some(token) => b.session_token(&token),
                None => b,
            }
        }
        _ => builder.skip_signature(),
    };
    opendal::Operator::new(builder)
}

#[cfg(feature = "gcs")]
pub(crate) fn gcs_operator(root: &StorageRoot) -> opendal::Result<opendal::Operator> {
    let mut builder = services::Gcs::default()
        .bucket(root.bucket().unwrap_or_default())
        .root(&format!("/{}", root.prefix()))
        .disable_vm_metadata()
        .disable_config_load();
    if let Some(endpoint) = env("GOOGLE_STORAGE_ENDPOINT").or_else(|| env("STORAGE_EMULATOR_HOST")) {
        let endpoint = if endpoint.contains("://") { endpoint } else { format!("http://{endpoint}") };
        builder = builder.endpoint(&endpoint);
    }
    builder = match env("GOOGLE_APPLICATION_CREDENTIALS") {
        Some(path) => builder.credential_path(&path),
        None => builder.skip_signature(),
    };
    opendal::Operator::new(builder)
}
