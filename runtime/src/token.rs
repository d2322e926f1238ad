//! Bearer tokens that expire: the seam through which a client gets its token from a provider
//! (an exchange with an identity service, a metadata service, a fixed string) instead of
//! holding one token for its whole life.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use crate::Secret;
use crate::transport::BoxError;

/// What a provider's future gives: a token, or why there is none.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, CredentialsError>> + Send + 'a>>;

/// Gives the bearer token a client sends, and says when it expires.
///
/// A client built with a provider ([`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider))
/// asks it for a token before its first call, keeps the token, and asks again ahead of the
/// token's expiry (see [`REFRESH_MARGIN`]) or after the server answers `401`. However many
/// calls are waiting, the provider is asked once, and they all use its answer. A provider
/// need not cache anything itself.
///
/// ```
/// use dbaas_runtime::{AccessToken, CredentialsError, TokenFuture, TokenProvider};
/// use std::time::Duration;
///
/// /// A token read from an environment variable, taken to last an hour.
/// struct FromEnvironment;
///
/// impl TokenProvider for FromEnvironment {
///     fn token(&self) -> TokenFuture<'_> {
///         Box::pin(async {
///             let token = std::env::var("API_TOKEN").map_err(|error| CredentialsError::new("$API_TOKEN", error))?;
///             Ok(AccessToken::new(token).expires_in(Duration::from_secs(3600)))
///         })
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// Gets a new token. A failure that may pass (the identity service is unavailable, a
    /// connection failed) is [`CredentialsError::transient`]: the client asks again, with
    /// backoff, within the deadline of the call that needs the token.
    fn token(&self) -> TokenFuture<'_>;

    /// How errors name this provider when it gives no answer in time (`the metadata
    /// service`, say); never a secret.
    fn name(&self) -> String {
        "the client's token provider".to_owned()
    }
}

/// The least time before a token's expiry at which the client gets a new one: a token is used
/// until 5 minutes before it expires, or, for a token that lives less than 50 minutes, until a
/// tenth of its lifetime is left. So no attempt (30 s at most by default) starts with a token
/// about to lapse, and a short-lived token is still used for 90% of its life.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A bearer token and, when known, when it expires.
#[derive(Clone)]
pub struct AccessToken {
    token: Secret,
    expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// A token whose expiry is not known: it is used until the server answers `401`.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self { token: token.into(), expires_at: None }
    }

    /// The same token, expiring at `at`.
    #[must_use]
    pub fn expires_at(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The same token, expiring `lifetime` from now.
    #[must_use]
    pub fn expires_in(self, lifetime: Duration) -> Self {
        let now = SystemTime::now();
        self.expires_at(now.checked_add(lifetime).unwrap_or(now))
    }

    /// The token.
    pub fn secret(&self) -> &Secret {
        &self.token
    }

    /// When it expires, when known.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken").field("token", &"***").field("expires_at", &self.expires_at).finish()
    }
}

/// A token that never changes: what [`ClientBuilder::token`](crate::ClientBuilder::token)
/// gives a client, as a provider.
#[derive(Clone)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// The provider of `token`.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self(token.into())
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(***)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = AccessToken::new(self.0.clone());
        Box::pin(async move { Ok(token) })
    }
}

/// No token could be had from a provider: which provider, and why. Its text never holds a
/// secret: a provider redacts what it sent from any answer it quotes.
#[derive(Debug, thiserror::Error)]
#[error("no token from {provider}: {cause}")]
pub struct CredentialsError {
    provider: String,
    transient: bool,
    #[source]
    cause: BoxError,
}

impl CredentialsError {
    /// A failure that asking again will not mend (a revoked key, a malformed key file).
    pub fn new(provider: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Self { provider: provider.into(), transient: false, cause: cause.into() }
    }

    /// A failure that may pass (the service is unavailable, a connection failed): the client
    /// asks again within the call's deadline.
    pub fn transient(provider: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Self { transient: true, ..Self::new(provider, cause) }
    }

    /// The provider, as it names itself (`the service account key ajeq...`, say).
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// Whether the failure may pass.
    pub fn is_transient(&self) -> bool {
        self.transient
    }

    /// The same error, its cause followed by `context`.
    pub(crate) fn with_context(self, context: &str) -> Self {
        let cause = format!("{}; {context}", self.cause).into();
        Self { cause, ..self }
    }
}
