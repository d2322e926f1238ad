//! IAM tokens for a Yandex account, got with its OAuth token.

use std::fmt;

use super::{default_client, failure, iam_token};
use crate::runtime::{ConfigError, Secret, TokenFuture, TokenProvider};
use crate::yandex_iam;

/// A Yandex account's OAuth token (a Yandex Passport token): IAM tokens for the account, each
/// got by exchanging the OAuth token at the IAM API.
#[derive(Clone)]
pub struct OAuthToken {
    token: Secret,
    iam: yandex_iam::Client,
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OAuthToken(***)")
    }
}

impl OAuthToken {
    /// The provider of IAM tokens for the account whose OAuth token is `token`.
    ///
    /// # Errors
    ///
    /// When the IAM API's client cannot be set up.
    pub fn new(token: impl Into<Secret>) -> Result<Self, ConfigError> {
        Ok(Self { token: token.into(), iam: default_client()? })
    }

    /// Sends the exchanges with `client` (another base URL, timeouts, retries) instead of a
    /// client of the IAM API with the default settings.
    #[must_use]
    pub fn iam_client(mut self, client: yandex_iam::Client) -> Self {
        self.iam = client;
        self
    }
}

impl TokenProvider for OAuthToken {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let body =
                yandex_iam::types::CreateIamTokenRequest { yandex_passport_oauth_token: Some(self.token.clone()), ..Default::default() };
            let answer = self.iam.create_iam_token(&body).await.map_err(|error| failure(&self.name(), error))?;
            Ok(iam_token(answer.into_body()))
        })
    }

    fn name(&self) -> String {
        "the OAuth token exchange of the IAM API".to_owned()
    }
}
