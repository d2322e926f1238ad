//! IAM tokens for the service account of the virtual machine the app runs on, from its
//! metadata service.

use super::{default_client, failure, metadata_token};
use crate::runtime::{ConfigError, TokenFuture, TokenProvider};
use crate::yandex_iam::{self, types::GetMetadataTokenMetadataFlavor};

/// The metadata service of a Yandex Cloud virtual machine
/// (`http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token`, with
/// `Metadata-Flavor: Google`): IAM tokens for the service account attached to the machine.
/// It answers only inside the machine.
#[derive(Debug, Clone)]
pub struct MetadataService {
    client: yandex_iam::Client,
}

impl MetadataService {
    /// The provider that asks the machine's metadata service.
    ///
    /// # Errors
    ///
    /// When the client of the metadata service cannot be set up.
    pub fn new() -> Result<Self, ConfigError> {
        Ok(Self { client: default_client()? })
    }

    /// Asks with `client` instead (another base URL, timeouts, retries).
    #[must_use]
    pub fn metadata_client(mut self, client: yandex_iam::Client) -> Self {
        self.client = client;
        self
    }
}

impl TokenProvider for MetadataService {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let answer = self.client.get_metadata_token(&GetMetadataTokenMetadataFlavor::Google).await;
            Ok(metadata_token(answer.map_err(|error| failure(&self.name(), error))?.into_body()))
        })
    }

    fn name(&self) -> String {
        "the metadata service of the virtual machine".to_owned()
    }
}
