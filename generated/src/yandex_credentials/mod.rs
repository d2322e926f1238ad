//! Where a Yandex Cloud client gets its IAM tokens, as Yandex's own SDKs do: from a service
//! account's authorized key ([`AuthorizedKey`]), from the metadata service of the virtual
//! machine the app runs on ([`MetadataService`]), or from a Yandex account's OAuth token
//! ([`OAuthToken`]). Each is a [`TokenProvider`](crate::runtime::TokenProvider): give it to a
//! client builder's `token_provider`, and the client gets a token before its first call and a
//! new one before each expires (an IAM token lives at most 12 hours), however long the app
//! runs.
//!
//! ```no_run
//! use dbaas_clients::yandex_credentials::AuthorizedKey;
//! use dbaas_clients::yandex_mongodb;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The file `yc iam key create --service-account-name NAME --output key.json` writes.
//! let key = AuthorizedKey::from_file("key.json")?;
//! let client = yandex_mongodb::Client::builder().token_provider(key).build()?;
//! # Ok(())
//! # }
//! ```
//!
//! The exchanges are calls of the generated [`yandex_iam`] client, with its
//! retries, timeouts, body limits and redaction; each provider takes a client of its own
//! (`iam_client`, `metadata_client`) to send them elsewhere (a proxy, a local server in
//! tests) or with other settings. The private key, each JWT, the OAuth token and every IAM
//! token are [`Secret`](crate::runtime::Secret)s: no `Debug`, error or trace shows them.

mod authorized_key;
mod metadata;
mod oauth;

pub use authorized_key::{AuthorizedKey, AuthorizedKeyError, JWT_AUDIENCE};
pub use metadata::MetadataService;
pub use oauth::OAuthToken;

use std::time::{Duration, SystemTime};

use crate::runtime::{AccessToken, ConfigError, CredentialsError, Error};
use crate::yandex_iam;

/// A client of the IAM API with the default settings.
fn default_client() -> Result<yandex_iam::Client, ConfigError> {
    yandex_iam::Client::builder().build()
}

/// The error of a provider named `provider` whose exchange failed with `error`: transient when
/// asking again may help (the exchange could not be made, timed out, or met a status worth
/// retrying or a server error).
fn failure(provider: &str, error: yandex_iam::Error) -> CredentialsError {
    let transient = match &error {
        Error::Transport(_) | Error::Timeout(_) => true,
        Error::Api(answer) => answer.is_retryable() || answer.status >= 500,
        _ => false,
    };
    if transient { CredentialsError::transient(provider, error) } else { CredentialsError::new(provider, error) }
}

/// An IAM token from the IAM API's answer.
fn iam_token(answer: yandex_iam::types::CreateIamTokenResponse) -> AccessToken {
    let token = AccessToken::new(answer.iam_token);
    match answer.expires_at {
        Some(expires_at) => token.expires_at(SystemTime::from(expires_at)),
        None => token,
    }
}

/// An IAM token from the metadata service's answer.
fn metadata_token(answer: yandex_iam::types::MetadataToken) -> AccessToken {
    let token = AccessToken::new(answer.access_token);
    match answer.expires_in.and_then(|seconds| u64::try_from(seconds).ok()) {
        Some(seconds) => token.expires_in(Duration::from_secs(seconds)),
        None => token,
    }
}
