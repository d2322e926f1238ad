//! The configured client: what its clones share, and the typed ways to send a request and
//! decode its answer. The call loop itself is in `call.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::auth::Credentials;
use crate::error::KEPT_BODY_BYTES;
use crate::redact::{Redactor, SecretKeys};
use crate::servers::Servers;
use crate::settings::{CallOptions, CallSettings};
use crate::transport::{Answer, ReqwestTransport, Transport};
use crate::{ApiError, ApiInfo, ConfigError, Error, LongRunning, Poll, Request, Response, USER_AGENT};

/// How a client is built, besides its credentials: its servers, its connections and the
/// settings of its calls.
pub(crate) struct ClientConfig {
    pub server_variables: Vec<(String, String)>,
    pub connect_timeout: Duration,
    pub max_connections_per_host: usize,
    pub root_certificates: Vec<Vec<u8>>,
    pub settings: CallSettings,
    /// What sends each attempt, when not reqwest.
    pub transport: Option<Arc<dyn Transport>>,
}

/// A configured client: sends requests and decodes answers. Cloning is cheap: clones share
/// one connection pool and one set of connection slots.
#[doc(hidden)]
#[derive(Clone)]
pub struct ClientCore {
    pub(crate) shared: Arc<Shared>,
    pub(crate) settings: CallSettings,
}

/// What every clone of a client shares.
pub(crate) struct Shared {
    pub api: &'static ApiInfo,
    pub transport: Arc<dyn Transport>,
    pub credentials: Credentials,
    pub secret_keys: SecretKeys,
    pub servers: Servers,
    pub connect_timeout: Duration,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.servers.base_url())
            .field("default_server", &self.shared.api.default_server)
            .field("credentials", &self.shared.credentials.scheme_names().iter().map(|name| format!("{name}: ***")).collect::<Vec<_>>())
            .field("settings", &self.settings)
            .finish()
    }
}

impl ClientCore {
    /// Checks the settings and sets up the HTTP client.
    pub(crate) fn new(
        api: &'static ApiInfo,
        credentials: Credentials,
        base_url: Option<&str>,
        config: ClientConfig,
    ) -> Result<Self, ConfigError> {
        let servers = Servers::new(api, base_url, &config.server_variables, config.max_connections_per_host)?;
        if credentials.is_empty() && api.requires_token {
            return Err(ConfigError::MissingToken);
        }
        if let Some(url) = servers.insecure_for_tokens().filter(|_| !credentials.is_empty()) {
            return Err(ConfigError::InsecureTransport { url: url.to_owned() });
        }
        let transport = match config.transport {
            Some(transport) => transport,
            None => Arc::new(ReqwestTransport { http: http_client(&config)? }),
        };
        let secret_keys = SecretKeys::new(api.secret_fields);
        let shared = Shared { api, transport, credentials, secret_keys, servers, connect_timeout: config.connect_timeout };
        Ok(Self { shared: Arc::new(shared), settings: config.settings })
    }

    /// A client sharing this one's connections, whose calls use `options` over its settings.
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self { shared: Arc::clone(&self.shared), settings: options.apply(self.settings) }
    }

    /// Sends `request` and decodes a 2xx answer's JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned, E: DeserializeOwned>(&self, request: Request) -> Result<Response<T>, Error<E>> {
        self.send_with(request, |answer| serde_json::from_slice(&answer.body)).await
    }

    /// Sends `request` and decodes a 2xx answer's JSON body as `T`, or `None` when it has none.
    pub async fn send_optional_json<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response<Option<T>>, Error<E>> {
        self.send_with(request, |answer| {
            if answer.body.iter().all(u8::is_ascii_whitespace) { Ok(None) } else { serde_json::from_slice(&answer.body).map(Some) }
        })
        .await
    }

    /// Sends `request` and decodes a 2xx answer with `decode`; what it cannot decode is an
    /// [`Error::Decode`] that keeps the body redacted.
    pub(crate) async fn send_with<T, E: DeserializeOwned>(
        &self,
        request: Request,
        decode: impl FnOnce(&Answer) -> Result<T, serde_json::Error>,
    ) -> Result<Response<T>, Error<E>> {
        let (answer, request) = self.call(request).await?;
        let body = decode(&answer).map_err(|source| self.decode_error(&answer, &request, &source))?;
        Ok(Response::new(answer.status, answer.headers, body))
    }

    /// Sends `request`, which starts a long-running operation, and gives its handle.
    pub async fn send_long_running<O, R, E>(
        &self,
        request: Request,
        poll: &'static Poll,
    ) -> Result<Response<LongRunning<O, R, E>>, Error<E>>
    where
        O: DeserializeOwned,
        R: DeserializeOwned,
        E: DeserializeOwned,
    {
        let (answer, request) = self.call(request).await?;
        let secrets = self.redactor(&request).into_sent();
        let handle = LongRunning::started(self.clone(), poll, &answer, secrets);
        let handle = handle.map_err(|source| self.decode_error::<E>(&answer, &request, &source))?;
        Ok(Response::new(answer.status, answer.headers, handle))
    }

    /// Sends `request` and gives a 2xx answer's body as text.
    pub async fn send_text<E: DeserializeOwned>(&self, request: Request) -> Result<Response<String>, Error<E>> {
        let (answer, request) = self.call(request).await?;
        let text = String::from_utf8(answer.body.to_vec()).map_err(|source| {
            let error = serde::de::Error::custom(format!("the body is not UTF-8 text: {source}"));
            self.decode_error(&answer, &request, &error)
        })?;
        Ok(Response::new(answer.status, answer.headers, text))
    }

    /// Sends `request` and gives a 2xx answer's body as it came.
    pub async fn send_bytes<E: DeserializeOwned>(&self, request: Request) -> Result<Response<Bytes>, Error<E>> {
        let (answer, _) = self.call(request).await?;
        Ok(Response::new(answer.status, answer.headers, answer.body))
    }

    /// Sends `request` and ignores a 2xx answer's body.
    pub async fn send_empty<E: DeserializeOwned>(&self, request: Request) -> Result<Response<()>, Error<E>> {
        let (answer, _) = self.call(request).await?;
        Ok(Response::new(answer.status, answer.headers, ()))
    }

    /// What redacts the secrets of this client and of `request`: the client's credentials,
    /// the secrets it sent in headers (its tokens included), the values its body holds under
    /// secret keys, and the secrets of the earlier call it belongs to.
    pub(crate) fn redactor<'a>(&'a self, request: &Request) -> Redactor<'a> {
        let mut redactor =
            Redactor::new(&self.shared.secret_keys, self.shared.credentials.secret_forms()).with_sent(&request.earlier_secrets);
        for secret in &request.secrets {
            redactor.value(secret.expose());
        }
        if let Some(body) = request.body.as_deref().and_then(|body| std::str::from_utf8(body).ok()) {
            redactor.values_in(body);
        }
        redactor
    }

    /// The error of an answer outside 2xx: its body and headers kept with every secret
    /// redacted, and the body decoded as the API's error type from that redacted text.
    pub(crate) fn api_error<E: DeserializeOwned>(&self, mut answer: Answer, request: &Request) -> Error<E> {
        let redactor = self.redactor(request);
        let raw_body = redactor.redact(&String::from_utf8_lossy(&answer.body)).into_owned();
        let body = serde_json::from_str(&raw_body).ok();
        redactor.redact_headers(&mut answer.headers);
        Error::Api(Box::new(ApiError { status: answer.status, body, raw_body, headers: answer.headers }))
    }

    fn decode_error<E>(&self, answer: &Answer, request: &Request, source: &serde_json::Error) -> Error<E> {
        let redactor = self.redactor(request);
        let kept = &answer.body[..answer.body.len().min(KEPT_BODY_BYTES)];
        Error::Decode {
            status: answer.status,
            reason: redactor.redact(&source.to_string()).into_owned(),
            raw_body: redactor.redact(&String::from_utf8_lossy(kept)).into_owned(),
        }
    }
}

/// The reqwest client of a client that sends with reqwest: its TLS roots, connect timeout and
/// pool, and no redirects.
fn http_client(config: &ClientConfig) -> Result<reqwest::Client, ConfigError> {
    crate::tls::install_provider();
    let mut http = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(config.connect_timeout)
        .pool_max_idle_per_host(config.max_connections_per_host)
        .redirect(reqwest::redirect::Policy::none());
    for (index, pem) in config.root_certificates.iter().enumerate() {
        let invalid = |reason: String| ConfigError::InvalidCertificate { index: index + 1, reason };
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|error| invalid(error.to_string()))?;
        if certificates.is_empty() {
            return Err(invalid("it holds no `-----BEGIN CERTIFICATE-----` block".to_owned()));
        }
        for certificate in certificates {
            http = http.add_root_certificate(certificate);
        }
    }
    http.build().map_err(ConfigError::Http)
}
