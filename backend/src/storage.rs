//! Attachment storage behind one interface: a local directory by default, an
//! S3-compatible bucket when `NATTER_S3_BUCKET` is set (what several nodes share).

use crate::config::{S3Settings, Settings};
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

/// Where attachment bytes live.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    /// The configured storage: S3 when a bucket is set, else `<data dir>/files`.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.s3.bucket {
            Some(bucket) => Self::s3(bucket, &settings.s3),
            None => Self::local(&settings.data_dir.join("files")),
        }
    }

    /// Objects in `bucket` (under the configured prefix).
    pub fn s3(bucket: &str, s3: &S3Settings) -> anyhow::Result<Self> {
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket).with_region(&s3.region);
        if let Some(endpoint) = &s3.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(id) = &s3.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(key) = &s3.secret_access_key {
            builder = builder.with_secret_access_key(&key.0);
        }
        let store = builder.build()?;
        let store: Arc<dyn ObjectStore> = match s3.prefix.as_deref().filter(|p| !p.is_empty()) {
            Some(prefix) => Arc::new(PrefixStore::new(store, prefix)),
            None => Arc::new(store),
        };
        Ok(Self { store })
    }

    /// Files under `dir` (created if needed).
    pub fn local(dir: &std::path::Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self { store: Arc::new(LocalFileSystem::new_with_prefix(dir)?) })
    }

    /// Stores `bytes` under `key`.
    pub async fn put(&self, key: &str, bytes: Bytes) -> anyhow::Result<()> {
        self.store.put(&Path::from(key), PutPayload::from_bytes(bytes)).await?;
        Ok(())
    }

    /// Reads the bytes stored under `key`.
    pub async fn get(&self, key: &str) -> anyhow::Result<Bytes> {
        Ok(self.store.get(&Path::from(key)).await?.bytes().await?)
    }

    /// Deletes `key`; a missing file is not an error.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
