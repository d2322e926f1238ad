//! The client builder every API shares: credentials, where to send, and the production
//! settings (retries, timeouts, limits).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::auth::Credentials;
use super::client::{ClientConfig, ClientCore};
use super::settings::{CallSettings, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_HOST, RetryPolicy};
use super::transport::Transport;
use super::{ApiClient, ConfigError, Credential, TokenProvider};

/// Builds a client of one API. Every setting has a documented default; `build` checks them
/// all before anything is sent.
///
/// | setting | default |
/// |---|---|
/// | [`retry`](Self::retry) | 3 attempts, exponential backoff with jitter ([`RetryPolicy::default`]) |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`attempt_timeout`](Self::attempt_timeout) | 30 s |
/// | [`timeout`](Self::timeout) (the whole call) | 60 s |
/// | [`max_body_bytes`](Self::max_body_bytes) | 64 MiB |
/// | [`max_connections_per_host`](Self::max_connections_per_host) | 64 |
/// | [`root_certificate`](Self::root_certificate) | none: the system's trusted roots only |
pub struct ClientBuilder<C> {
    token: Option<Credential>,
    credentials: Vec<(String, Credential)>,
    base_url: Option<String>,
    server_variables: Vec<(String, String)>,
    connect_timeout: Duration,
    max_connections_per_host: usize,
    root_certificates: Vec<Vec<u8>>,
    settings: CallSettings,
    transport: Option<Arc<dyn Transport>>,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            token: self.token.clone(),
            credentials: self.credentials.clone(),
            base_url: self.base_url.clone(),
            server_variables: self.server_variables.clone(),
            connect_timeout: self.connect_timeout,
            max_connections_per_host: self.max_connections_per_host,
            root_certificates: self.root_certificates.clone(),
            settings: self.settings,
            transport: self.transport.clone(),
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url.as_deref().map(super::servers::without_credentials))
            .field("connect_timeout", &self.connect_timeout)
            .field("max_connections_per_host", &self.max_connections_per_host)
            .field("root_certificates", &self.root_certificates.len())
            .field("settings", &self.settings)
            .field("transport", &if self.transport.is_some() { "custom" } else { "reqwest" })
            .finish()
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// The default settings.
    pub fn new() -> Self {
        Self {
            token: None,
            credentials: Vec::new(),
            base_url: None,
            server_variables: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_connections_per_host: DEFAULT_MAX_CONNECTIONS_PER_HOST,
            root_certificates: Vec::new(),
            settings: CallSettings::default(),
            transport: None,
            client: PhantomData,
        }
    }

    /// Sets the bearer token of the API's first bearer scheme, sent as `Authorization: Bearer
    /// <token>` to the operations that ask for that scheme. It must be visible ASCII, and it
    /// is never sent over plain `http://` except to a loopback address. Other schemes take
    /// their own [`credential`](Self::credential).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Credential::bearer(token));
        self
    }

    /// Gets the bearer token of the API's first bearer scheme from `provider`, in place of a
    /// fixed [`token`](Self::token): for tokens that expire, such as Yandex Cloud's IAM tokens
    /// (see `dbaas_clients::yandex_credentials`). The client asks the provider before its
    /// first call, keeps the token while it is fresh (until [`REFRESH_MARGIN`](crate::REFRESH_MARGIN)
    /// before its expiry), asks again once however many calls are waiting, and, when the
    /// server answers `401`, asks again and repeats the call once. Every clone of the client
    /// shares the token. A provider that fails ends the call with
    /// [`Error::Credentials`](crate::Error::Credentials); a transient failure is tried again
    /// within the call's deadline. A client whose calls go to a test double never asks it.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.token = Some(Credential::bearer_provider(provider));
        self
    }

    /// Sets the credential of the security scheme `scheme` (its name in the spec), for the
    /// operations that ask for it: a second bearer token, a user name and password, an API key.
    /// The builder checks that the API has the scheme and that the credential is its kind.
    pub fn credential(mut self, scheme: impl Into<String>, credential: Credential) -> Self {
        self.credentials.push((scheme.into(), credential));
        self
    }

    /// Sends every operation to `url` instead of the spec's servers: a proxy or a local mock,
    /// say. The operation's path is appended to it, so it may carry a path prefix. A URL with
    /// a user name or password is refused: credentials go through [`token`](Self::token).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets a variable of the spec's server URLs (`{name}` in them) instead of its default.
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.server_variables.push((name.into(), value.into()));
        self
    }

    /// Sets how failed attempts are retried; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Sets the time connecting to a server may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the time one attempt may take, from sending the request to reading the whole
    /// answer.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.settings.attempt_timeout = timeout;
        self
    }

    /// Sets the time a whole call may take: every attempt, every wait between attempts, and
    /// waiting for a free connection.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.call_timeout = timeout;
        self
    }

    /// Sets the largest response body the client reads, in bytes. A larger answer ends the
    /// call with [`Error::BodyTooLarge`](super::Error::BodyTooLarge).
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        self.settings.max_body_bytes = bytes;
        self
    }

    /// Sets how many requests the client has in flight to one host (at least 1), and how many
    /// idle connections it keeps to it; further calls wait for a free slot, within their own
    /// timeout ([`timeout`](Self::timeout) counts the wait, and a call that runs out of time
    /// while waiting says so). The connections open at one moment can briefly be more: a
    /// finished connection goes back to the pool in the background, so a request that takes
    /// its slot at once may open another, and an attempt abandoned at a timeout closes its own.
    pub fn max_connections_per_host(mut self, connections: usize) -> Self {
        self.max_connections_per_host = connections.max(1);
        self
    }

    /// Trusts the certificates of `pem` (one or more PEM blocks) as roots besides the
    /// system's: for a server behind a private certificate authority.
    pub fn root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Sends every attempt through `transport` instead of reqwest: a test double that answers
    /// in process, say. The call loop above it (validation, retries, timeouts, redaction,
    /// decoding) is the same; the TLS settings ([`root_certificate`](Self::root_certificate)),
    /// the connect timeout and the connection pool are the transport's own business.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when a token is needed and missing or is not visible ASCII, when the
    /// base URL is not an absolute `http(s)` URL or carries credentials or control
    /// characters, when the token would travel over plain `http://` to a host other than
    /// this machine, or when a root certificate is not a PEM certificate.
    pub fn build(self) -> Result<C, ConfigError> {
        let config = ClientConfig {
            server_variables: self.server_variables,
            connect_timeout: self.connect_timeout,
            max_connections_per_host: self.max_connections_per_host,
            root_certificates: self.root_certificates,
            settings: self.settings,
            transport: self.transport,
        };
        let (mut token, mut given) = (self.token, self.credentials);
        if config.transport.as_ref().is_some_and(|transport| transport.answers_in_process()) {
            // Calls that never leave the process need no real credentials: no provider is asked.
            let in_process = |credential: Credential| match credential {
                Credential::BearerProvider(_) => Credential::bearer("test-token"),
                other => other,
            };
            token = token.map(in_process);
            given = given.into_iter().map(|(scheme, credential)| (scheme, in_process(credential))).collect();
        }
        let credentials = Credentials::new(C::API, token, given)?;
        ClientCore::new(C::API, credentials, self.base_url.as_deref(), config).map(C::from_core)
    }
}
