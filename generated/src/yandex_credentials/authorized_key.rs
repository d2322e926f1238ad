//! IAM tokens for a service account, got with its authorized key: a JWT signed with the key,
//! exchanged at the IAM API.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use super::{default_client, failure, iam_token};
use crate::runtime::signing::{KeyError, RsaKey};
use crate::runtime::{ConfigError, CredentialsError, Secret, TokenFuture, TokenProvider};
use crate::yandex_iam;

/// The audience (`aud`) of the JWTs the IAM API exchanges: its token endpoint.
pub const JWT_AUDIENCE: &str = "https://iam.api.cloud.yandex.net/iam/v1/tokens";

/// How long each JWT is valid: the most the IAM API accepts.
const JWT_LIFETIME_SECONDS: u64 = 3600;

/// A service account's authorized key, as `yc iam key create` writes it: IAM tokens for the
/// service account, each got by exchanging a JWT signed with the key (`PS256`; the header's
/// `kid` is the key's id, `iss` the service account's, `aud` [`JWT_AUDIENCE`], valid for an
/// hour) at the IAM API.
#[derive(Clone)]
pub struct AuthorizedKey {
    key_id: String,
    service_account_id: String,
    key: RsaKey,
    iam: yandex_iam::Client,
}

impl fmt::Debug for AuthorizedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizedKey")
            .field("key_id", &self.key_id)
            .field("service_account_id", &self.service_account_id)
            .field("private_key", &"***")
            .finish_non_exhaustive()
    }
}

/// The fields of an authorized key file this provider reads; the others (`created_at`,
/// `public_key`...) are left alone.
#[derive(Deserialize)]
struct KeyFile {
    id: String,
    service_account_id: String,
    private_key: Secret,
}

/// Why an authorized key cannot be used. The messages never quote the private key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizedKeyError {
    /// The file could not be read.
    #[error("the authorized key file `{}` could not be read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is not an authorized key's JSON (`id`, `service_account_id`, `private_key`).
    #[error("the authorized key is not the JSON `yc iam key create` writes: {0}")]
    Json(#[source] serde_json::Error),
    /// The private key cannot sign.
    #[error("the authorized key's private key cannot be used: {0}")]
    Key(#[source] KeyError),
    /// The IAM API's client could not be set up.
    #[error(transparent)]
    Client(#[from] ConfigError),
}

impl AuthorizedKey {
    /// The key in the JSON file at `path`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read, or its text is not a usable key (see
    /// [`from_json`](Self::from_json)).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, AuthorizedKeyError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| AuthorizedKeyError::Read { path: path.to_owned(), source })?;
        Self::from_json(&text)
    }

    /// The key in `json`, the text of an authorized key file. Lines around the PEM block of
    /// its `private_key` (the `PLEASE DO NOT REMOVE THIS LINE!` line `yc` writes) are ignored.
    ///
    /// # Errors
    ///
    /// When the JSON lacks `id`, `service_account_id` or `private_key`, when the private key
    /// is not an RSA key in PEM, or when the IAM API's client cannot be set up.
    pub fn from_json(json: &str) -> Result<Self, AuthorizedKeyError> {
        let file: KeyFile = serde_json::from_str(json).map_err(AuthorizedKeyError::Json)?;
        let key = RsaKey::from_pem(file.private_key.expose()).map_err(AuthorizedKeyError::Key)?;
        // A key that cannot sign is found now rather than at the first call.
        key.sign_ps256(b"").map_err(AuthorizedKeyError::Key)?;
        Ok(Self { key_id: file.id, service_account_id: file.service_account_id, key, iam: default_client()? })
    }

    /// Sends the exchanges with `client` (another base URL, timeouts, retries) instead of a
    /// client of the IAM API with the default settings.
    #[must_use]
    pub fn iam_client(mut self, client: yandex_iam::Client) -> Self {
        self.iam = client;
        self
    }

    /// The key's id.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The service account's id.
    pub fn service_account_id(&self) -> &str {
        &self.service_account_id
    }

    /// A JWT for the IAM API, issued now.
    fn jwt(&self) -> Result<Secret, CredentialsError> {
        let issued_at = SystemTime::now().duration_since(UNIX_EPOCH).map(|since| since.as_secs()).unwrap_or_default();
        let header = serde_json::json!({ "typ": "JWT", "alg": "PS256", "kid": self.key_id });
        let claims = serde_json::json!({
            "iss": self.service_account_id,
            "aud": JWT_AUDIENCE,
            "iat": issued_at,
            "exp": issued_at + JWT_LIFETIME_SECONDS,
        });
        self.key.jwt_ps256(&header, &claims).map_err(|error| CredentialsError::new(self.name(), error))
    }
}

impl TokenProvider for AuthorizedKey {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let body = yandex_iam::types::CreateIamTokenRequest { jwt: Some(self.jwt()?), ..Default::default() };
            let answer = self.iam.create_iam_token(&body).await.map_err(|error| failure(&self.name(), error))?;
            Ok(iam_token(answer.into_body()))
        })
    }

    fn name(&self) -> String {
        format!("the authorized key `{}` of service account `{}`", self.key_id, self.service_account_id)
    }
}
