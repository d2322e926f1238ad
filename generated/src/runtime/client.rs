//! The configured client and the one place requests are sent: connection limits, attempts,
//! retries, timeouts, bounded reading, redaction and tracing.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Response as HttpResponse, Url};
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use tracing::Instrument;

use super::auth::{Applied, Credentials};
use super::error::{KEPT_BODY_BYTES, TimeoutError, TimeoutLimit, is_retryable_status};
use super::redact::Redactor;
use super::response::{rate_limit_wait, retry_after_of};
use super::settings::{CallOptions, CallSettings};
use super::{ApiError, ApiInfo, ConfigError, Error, LongRunning, Poll, Request, Response, USER_AGENT};

/// What a client is built with, beside its credentials and servers.
pub(crate) struct Limits {
    pub server_variables: Vec<(String, String)>,
    pub connect_timeout: Duration,
    pub max_connections_per_host: usize,
    pub root_certificates: Vec<Vec<u8>>,
    pub settings: CallSettings,
}

/// A configured client: sends requests and decodes answers. Cloning is cheap: clones share
/// one connection pool and one set of connection slots.
#[doc(hidden)]
#[derive(Clone)]
pub struct ClientCore {
    shared: Arc<Shared>,
    settings: CallSettings,
}

/// What every clone of a client shares.
struct Shared {
    api: &'static ApiInfo,
    http: reqwest::Client,
    credentials: Credentials,
    base_url: Option<String>,
    connect_timeout: Duration,
    /// Each server of the client.
    servers: Vec<Server>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("default_server", &self.shared.api.default_server)
            .field("credentials", &self.shared.credentials.scheme_names().iter().map(|name| format!("{name}: ***")).collect::<Vec<_>>())
            .field("settings", &self.settings)
            .finish()
    }
}

/// A 2xx or other answer, read within the limits.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

/// How one attempt ended.
enum Attempt {
    Answer(Answer),
    /// The connection could not be made: nothing was sent, so any request may try again.
    ConnectFailed(reqwest::Error),
    Transport(reqwest::Error),
    Timeout(TimeoutLimit),
    TooLarge {
        status: u16,
        declared: Option<u64>,
    },
}

impl ClientCore {
    /// Checks the settings and sets up the HTTP client.
    pub(crate) fn new(
        api: &'static ApiInfo,
        credentials: Credentials,
        base_url: Option<&str>,
        limits: Limits,
    ) -> Result<Self, ConfigError> {
        let base_url = base_url.map(checked_base_url).transpose()?;
        if base_url.is_none() && api.default_server.is_none() {
            return Err(ConfigError::MissingBaseUrl);
        }
        for (name, _) in &limits.server_variables {
            if !api.server_variables.iter().any(|(known, _)| known == name) {
                return Err(ConfigError::UnknownServerVariable { name: name.clone() });
            }
        }
        let servers: Vec<(String, String)> = match &base_url {
            Some(url) => vec![(url.clone(), url.clone())],
            None => api
                .default_server
                .iter()
                .chain(api.operation_servers)
                .map(|template| ((*template).to_owned(), with_variables(template, api.server_variables, &limits.server_variables)))
                .collect(),
        };
        if credentials.is_empty() && api.requires_token {
            return Err(ConfigError::MissingToken);
        }
        // A server whose URL is not one yet (a variable to set) is checked when it is used.
        if !credentials.is_empty()
            && let Some((_, url)) = servers.iter().find(|(_, url)| Url::parse(url).is_ok() && !is_secure_for_tokens(url))
        {
            return Err(ConfigError::InsecureTransport { url: url.clone() });
        }
        super::tls::install_provider();
        let mut http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(limits.connect_timeout)
            .pool_max_idle_per_host(limits.max_connections_per_host)
            .redirect(reqwest::redirect::Policy::none());
        for (index, pem) in limits.root_certificates.iter().enumerate() {
            let invalid = |reason: String| ConfigError::InvalidCertificate { index: index + 1, reason };
            let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|error| invalid(error.to_string()))?;
            if certificates.is_empty() {
                return Err(invalid("it holds no `-----BEGIN CERTIFICATE-----` block".to_owned()));
            }
            for certificate in certificates {
                http = http.add_root_certificate(certificate);
            }
        }
        let http = http.build().map_err(ConfigError::Http)?;
        let servers = with_connection_slots(&servers, limits.max_connections_per_host);
        let shared = Shared { api, http, credentials, base_url, connect_timeout: limits.connect_timeout, servers };
        Ok(Self { shared: Arc::new(shared), settings: limits.settings })
    }

    /// A client sharing this one's connections, whose calls use `options` over its settings.
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self { shared: Arc::clone(&self.shared), settings: options.apply(self.settings) }
    }

    /// Sends `request` and decodes a 2xx answer's JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned, E: DeserializeOwned>(&self, request: Request) -> Result<Response<T>, Error<E>> {
        let (answer, request) = self.call(request).await?;
        let body = self.decode(&answer, &request)?;
        Ok(Response::new(answer.status, answer.headers, body))
    }

    /// Sends `request` and decodes a 2xx answer's JSON body as `T`, or `None` when it has none.
    pub async fn send_optional_json<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response<Option<T>>, Error<E>> {
        let (answer, request) = self.call(request).await?;
        let body = if answer.body.iter().all(u8::is_ascii_whitespace) { None } else { Some(self.decode(&answer, &request)?) };
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
        let handle = LongRunning::started(self.clone(), poll, &answer.body);
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

    /// Sends `request` within one tracing span, which records the operation, the attempts,
    /// the final status and the latency (never a value, a body or a secret).
    async fn call<E: DeserializeOwned>(&self, request: Request) -> Result<(Answer, Request), Error<E>> {
        let operation = request.operation;
        let span = tracing::info_span!(
            "dbaas_clients.call",
            operation_id = operation.id,
            method = %operation.method,
            path = operation.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            // Nothing listens: no span to enter, no latency to take.
            return self.attempts(request, &span).await;
        }
        let started = Instant::now();
        let result = self.attempts(request, &span).instrument(span.clone()).await;
        span.record("latency_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        result
    }

    /// Makes attempts until one succeeds, one fails for good, or the attempts or the time
    /// run out.
    async fn attempts<E: DeserializeOwned>(&self, mut request: Request, span: &tracing::Span) -> Result<(Answer, Request), Error<E>> {
        if let Some(problem) = request.problem.take() {
            return Err(Error::Argument(problem));
        }
        let (url, slots) = self.url(&request)?;
        let credentials = self.shared.credentials.for_operation(request.operation.security)?;
        let settings = self.settings;
        let deadline = Instant::now() + settings.call_timeout;
        let may_repeat = request.operation.retryable;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            span.record("attempts", attempt);
            let outcome = self.attempt(&request, &url, &slots, deadline, &credentials).await;
            let (reason, asked_wait, error) = match outcome {
                Attempt::Answer(answer) if (200..300).contains(&answer.status) => {
                    span.record("status", answer.status);
                    return Ok((self.without_token_in_headers(answer), request));
                }
                Attempt::Answer(answer) => {
                    span.record("status", answer.status);
                    let retry = may_repeat && is_retryable_status(answer.status);
                    let asked = retry_after_of(&answer.headers).or_else(|| rate_limit_wait(&answer.headers));
                    let reason = format!("HTTP {}", answer.status);
                    let error = self.api_error(answer, &request);
                    if !retry {
                        return Err(error);
                    }
                    (reason, asked, error)
                }
                Attempt::ConnectFailed(error) if error.is_timeout() => {
                    ("connect timeout".to_owned(), None, Error::Timeout(self.timeout(TimeoutLimit::Connect, attempt)))
                }
                Attempt::ConnectFailed(error) => ("connection failed".to_owned(), None, Error::Transport(error)),
                Attempt::Transport(error) if may_repeat => ("transport error".to_owned(), None, Error::Transport(error)),
                Attempt::Transport(error) => return Err(Error::Transport(error)),
                Attempt::Timeout(TimeoutLimit::Attempt) if may_repeat => {
                    ("attempt timeout".to_owned(), None, Error::Timeout(self.timeout(TimeoutLimit::Attempt, attempt)))
                }
                Attempt::Timeout(limit) => return Err(Error::Timeout(self.timeout(limit, attempt))),
                Attempt::TooLarge { status, declared } => {
                    return Err(Error::BodyTooLarge { status, limit: settings.max_body_bytes, declared });
                }
            };
            if attempt >= settings.retry.attempts() {
                return Err(error);
            }
            let wait = asked_wait.unwrap_or_else(|| settings.retry.backoff(attempt + 1));
            if Instant::now() + wait >= deadline {
                // Waiting would outlast the call: give the caller the error (with the delay the
                // server asked for) at once.
                return Err(error);
            }
            tracing::info!(attempt, reason = %reason, wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    fn timeout(&self, limit: TimeoutLimit, attempts: u32) -> TimeoutError {
        let limit_value = match limit {
            TimeoutLimit::Connect => self.shared.connect_timeout,
            TimeoutLimit::Attempt => self.settings.attempt_timeout,
            TimeoutLimit::Call => self.settings.call_timeout,
        };
        TimeoutError { limit, limit_value, attempts }
    }

    /// One attempt: wait for a connection slot (within the call's deadline), then send and
    /// read within the attempt's limit.
    async fn attempt(&self, request: &Request, url: &Url, slots: &Semaphore, deadline: Instant, credentials: &[&Applied]) -> Attempt {
        let deadline = tokio::time::Instant::from_std(deadline);
        // A free slot is taken at once; only a wait for one needs a timer.
        let _slot = match slots.try_acquire() {
            Ok(slot) => slot,
            Err(_) => match tokio::time::timeout_at(deadline, slots.acquire()).await {
                Ok(Ok(slot)) => slot,
                _ => return Attempt::Timeout(TimeoutLimit::Call),
            },
        };
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let (limit, which) = if self.settings.attempt_timeout < remaining {
            (self.settings.attempt_timeout, TimeoutLimit::Attempt)
        } else {
            (remaining, TimeoutLimit::Call)
        };
        tokio::time::timeout(limit, self.send_once(request, url, credentials)).await.unwrap_or(Attempt::Timeout(which))
    }

    async fn send_once(&self, request: &Request, url: &Url, credentials: &[&Applied]) -> Attempt {
        let operation = request.operation;
        let mut url = url.clone();
        let mut key_in_url = false;
        for applied in credentials {
            if let Applied::Query(name, key) = applied {
                url.query_pairs_mut().append_pair(name, key.expose());
                key_in_url = true;
            }
        }
        let mut builder = self.shared.http.request(operation.method.clone(), url).header(ACCEPT, operation.accept);
        for applied in credentials {
            if let Applied::Header(name, value) = applied {
                builder = builder.header(name, value.clone());
            }
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value.clone());
        }
        if let Some(body) = &request.body {
            builder = builder.header(CONTENT_TYPE, request.content_type.as_ref()).body(body.clone());
        }
        // An error that would show a URL holding an API key shows none.
        let hide_url = |error: reqwest::Error| if key_in_url { error.without_url() } else { error };
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(error) if error.is_connect() => return Attempt::ConnectFailed(hide_url(error)),
            Err(error) => return Attempt::Transport(hide_url(error)),
        };
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let success = (200..300).contains(&status);
        let limit = if success { self.settings.max_body_bytes } else { self.settings.max_body_bytes.min(KEPT_BODY_BYTES as u64) };
        match read_body(response, limit, !success).await {
            Ok(body) => Attempt::Answer(Answer { status, headers, body }),
            Err(ReadFailure::TooLarge(declared)) => Attempt::TooLarge { status, declared },
            Err(ReadFailure::Transport(error)) => Attempt::Transport(hide_url(error)),
        }
    }

    /// The URL `request` goes to, and the connection slots of its server: the base URL if the
    /// client has one, else the operation's own server, else the API's default server; then
    /// the path and the query.
    fn url(&self, request: &Request) -> Result<(Url, Arc<Semaphore>), ConfigError> {
        let server = match (&self.shared.base_url, request.operation.server, self.shared.api.default_server) {
            (Some(base_url), _, _) => base_url.as_str(),
            (None, Some(server), _) | (None, None, Some(server)) => server,
            (None, None, None) => return Err(ConfigError::MissingBaseUrl),
        };
        let Some(found) = self.shared.servers.iter().find(|known| known.template == server) else {
            return Err(ConfigError::InvalidBaseUrl { url: without_credentials(server), reason: "not a server of this API".to_owned() });
        };
        let mut url = found.join(&request.path)?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok((url, Arc::clone(&found.slots)))
    }

    /// What redacts the secrets of `request` and of this client.
    fn redactor<'a>(&'a self, request: &'a Request) -> Redactor<'a> {
        let mut redactor = Redactor::new(self.shared.api.secret_fields);
        for secret in self.shared.credentials.secrets() {
            redactor.value(secret.expose());
        }
        for secret in &request.secrets {
            redactor.value(secret.expose());
        }
        if let Some(body) = request.body.as_deref().and_then(|body| std::str::from_utf8(body).ok()) {
            redactor.values_in(body);
        }
        redactor
    }

    fn api_error<E: DeserializeOwned>(&self, answer: Answer, request: &Request) -> Error<E> {
        let redactor = self.redactor(request);
        let raw_body = redactor.redact(&String::from_utf8_lossy(&answer.body)).into_owned();
        let body = serde_json::from_str(&raw_body).ok();
        let headers = redact_headers(answer.headers, &redactor);
        Error::Api(Box::new(ApiError { status: answer.status, body, raw_body, headers }))
    }

    fn decode<T: DeserializeOwned, E>(&self, answer: &Answer, request: &Request) -> Result<T, Error<E>> {
        serde_json::from_slice(&answer.body).map_err(|source| self.decode_error(answer, request, &source))
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

    /// A successful answer whose headers cannot echo the token.
    fn without_token_in_headers(&self, answer: Answer) -> Answer {
        let secrets = self.shared.credentials.secrets();
        let echoed = |value: &HeaderValue| secrets.iter().any(|secret| holds(value.as_bytes(), secret.expose().as_bytes()));
        if !answer.headers.values().any(echoed) {
            return answer;
        }
        let mut redactor = Redactor::new(&[]);
        for secret in secrets {
            redactor.value(secret.expose());
        }
        Answer { headers: redact_headers(answer.headers, &redactor), ..answer }
    }
}

fn redact_headers(mut headers: HeaderMap, redactor: &Redactor<'_>) -> HeaderMap {
    for value in headers.values_mut() {
        if let Ok(text) = value.to_str()
            && let std::borrow::Cow::Owned(redacted) = redactor.redact(text)
        {
            *value = HeaderValue::from_str(&redacted).unwrap_or_else(|_| HeaderValue::from_static(super::redact::REDACTED));
        }
    }
    headers
}

enum ReadFailure {
    /// Larger than the limit; the size announced, if any.
    TooLarge(Option<u64>),
    Transport(reqwest::Error),
}

/// Reads a body of at most `limit` bytes: an announced larger size is refused before
/// reading, and a body without one stops at the limit. With `truncate`, a longer body is
/// cut at the limit instead. Each byte is copied at most once (none, for a single chunk).
async fn read_body(mut response: HttpResponse, limit: u64, truncate: bool) -> Result<Bytes, ReadFailure> {
    let declared = response.content_length();
    if !truncate && let Some(size) = declared.filter(|size| *size > limit) {
        return Err(ReadFailure::TooLarge(Some(size)));
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadFailure::Transport)? {
        let held = first.as_ref().map_or(joined.len(), Bytes::len);
        if held + chunk.len() > limit {
            if !truncate {
                return Err(ReadFailure::TooLarge(declared));
            }
            let room = limit - held;
            match first.take() {
                Some(only) if joined.is_empty() => {
                    joined.extend_from_slice(&only);
                }
                _ => {}
            }
            joined.extend_from_slice(&chunk[..room]);
            return Ok(Bytes::from(joined));
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(only) => {
                let capacity = declared.and_then(|size| usize::try_from(size).ok()).unwrap_or(0).min(limit).max(only.len() + chunk.len());
                joined = Vec::with_capacity(capacity);
                joined.extend_from_slice(&only);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(joined)))
}

/// `template` with each `{name}` replaced by the value the builder set, or else its default.
fn with_variables(template: &str, defaults: &[(&str, &str)], set: &[(String, String)]) -> String {
    let mut url = template.to_owned();
    for (name, default) in defaults {
        let value = set.iter().rev().find(|(set_name, _)| set_name == name).map_or(*default, |(_, value)| value.as_str());
        url = url.replace(&format!("{{{name}}}"), value);
    }
    url.trim_end_matches('/').to_owned()
}

/// Whether `text` holds `part`. Header values are short: each place that starts like `part`
/// is compared, with no searcher to set up.
fn holds(text: &[u8], part: &[u8]) -> bool {
    let Some((&first, _)) = part.split_first() else { return true };
    let Some(last_start) = text.len().checked_sub(part.len()) else { return false };
    memchr::memchr_iter(first, &text[..=last_start]).any(|at| text[at..].starts_with(part))
}

/// One server of a client.
struct Server {
    /// The server as the API (or the base URL) names it.
    template: String,
    /// Its URL, with the variables filled in.
    url: String,
    /// Its URL read once, with the path that comes before a request's, when reading the two
    /// joined again would give that URL back; `None` sends every request the slow way.
    base: Option<(Url, String)>,
    /// Its connection slots, shared by the servers on one host.
    slots: Arc<Semaphore>,
}

impl Server {
    /// The server `template` at `url`, which `parsed` is read from (`None` when it is not a URL).
    fn new(template: &str, url: &str, parsed: Option<Url>, slots: Arc<Semaphore>) -> Self {
        Self { template: template.to_owned(), url: url.to_owned(), base: parsed.and_then(|parsed| base_of(url, parsed)), slots }
    }

    /// The URL of `path` on this server: what reading `{url}{path}` gives. The server's URL was
    /// read once; only the path is read for each request.
    fn join(&self, path: &str) -> Result<Url, ConfigError> {
        if let Some((base, prefix)) = &self.base
            && (path.is_empty() || path.starts_with('/'))
            && !path.contains(['?', '#'])
        {
            let mut url = base.clone();
            let mut joined = String::with_capacity(prefix.len() + path.len());
            joined.push_str(prefix);
            joined.push_str(path);
            url.set_path(&joined);
            return Ok(url);
        }
        Url::parse(&format!("{}{path}", self.url)).map_err(|e| ConfigError::InvalidBaseUrl {
            url: without_credentials(&self.url),
            reason: format!("{e} (set the server's variables with `.server_variable(...)`, or a base URL)"),
        })
    }
}

/// `parsed` (read from `url`), with the path text a request's path follows in `{url}{path}`,
/// when `url` reads back as it is written (its host already in lower case, say) and has no
/// query.
fn base_of(url: &str, parsed: Url) -> Option<(Url, String)> {
    let reads_back = parsed.as_str() == url || parsed.as_str().strip_suffix('/') == Some(url);
    if !reads_back || parsed.query().is_some() || parsed.fragment().is_some() || parsed.cannot_be_a_base() {
        return None;
    }
    let prefix = if url.ends_with('/') || parsed.path() != "/" { parsed.path().to_owned() } else { String::new() };
    Some((parsed, prefix))
}

/// Each server with its connection slots: servers on one host share them.
fn with_connection_slots(servers: &[(String, String)], per_host: usize) -> Vec<Server> {
    let mut hosts: Vec<(String, Arc<Semaphore>)> = Vec::new();
    let mut slots = Vec::new();
    for (template, server) in servers {
        let parsed = Url::parse(server).ok();
        let host = parsed
            .as_ref()
            .and_then(|url| Some(format!("{}://{}:{}", url.scheme(), url.host_str()?, url.port_or_known_default()?)))
            .unwrap_or_else(|| server.clone());
        let shared = match hosts.iter().find(|(known, _)| *known == host) {
            Some((_, slots)) => Arc::clone(slots),
            None => {
                let slots = Arc::new(Semaphore::new(per_host));
                hosts.push((host, Arc::clone(&slots)));
                slots
            }
        };
        slots.push(Server::new(template, server, parsed, shared));
    }
    slots
}

/// A base URL without its trailing `/`, once checked to be absolute `http(s)` with no query,
/// no credentials and no control characters.
fn checked_base_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl { url: without_credentials(url), reason: reason.to_owned() };
    if url.chars().any(char::is_control) {
        return Err(invalid("a base URL cannot hold control characters such as line breaks"));
    }
    let parsed = Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("expected an http:// or https:// URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("a base URL cannot carry a user name or password: give credentials to `.token(...)`"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or a fragment"));
    }
    if parsed.cannot_be_a_base() || parsed.host().is_none() {
        return Err(invalid("expected an absolute URL with a host"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// `url` as it may be shown: any user info before the host replaced by `***`, and control
/// characters escaped.
pub(crate) fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let shown = match rest[..authority_end].rfind('@') {
        Some(at) if !scheme.is_empty() => format!("{scheme}://***@{}", &rest[at + 1..]),
        Some(at) => format!("***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    };
    shown.escape_debug().to_string()
}

/// Whether a bearer token may be sent to this server: over https, or to this machine.
fn is_secure_for_tokens(url: &str) -> bool {
    let Ok(parsed) = Url::parse(url) else { return false };
    match parsed.scheme() {
        "https" => true,
        "http" => match parsed.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            Some(url::Host::Domain(domain)) => {
                let domain = domain.trim_end_matches('.').to_ascii_lowercase();
                domain == "localhost" || domain.ends_with(".localhost")
            }
            None => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Operation;
    use crate::runtime::settings::DEFAULT_CONNECT_TIMEOUT;

    #[test]
    fn tokens_only_travel_over_https_or_loopback() {
        assert!(is_secure_for_tokens("https://api.digitalocean.com"));
        assert!(is_secure_for_tokens("http://127.0.0.1:8080"));
        assert!(is_secure_for_tokens("http://127.8.9.10"));
        assert!(is_secure_for_tokens("http://[::1]:9000"));
        assert!(is_secure_for_tokens("http://localhost:3000"));
        assert!(is_secure_for_tokens("http://api.localhost"));
        assert!(!is_secure_for_tokens("http://api.digitalocean.com"));
        assert!(!is_secure_for_tokens("http://10.0.0.1"));
        assert!(!is_secure_for_tokens("http://localhost.example.com"));
        assert!(!is_secure_for_tokens("ftp://localhost"));
    }

    static API: ApiInfo = ApiInfo {
        default_server: Some("https://api.example.com"),
        operation_servers: &["https://operations.example.com"],
        requires_token: false,
        schemes: &[],
        server_variables: &[],
        secret_fields: &[],
    };

    fn operation(server: Option<&'static str>) -> &'static Operation {
        Box::leak(Box::new(Operation {
            id: "op",
            method: reqwest::Method::GET,
            path: "/",
            server,
            security: &[],
            retryable: true,
            accept: "application/json",
        }))
    }

    fn url_of(base_url: Option<&str>, request: Request) -> String {
        let limits = Limits {
            server_variables: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_connections_per_host: 1,
            root_certificates: Vec::new(),
            settings: CallSettings::default(),
        };
        let core = ClientCore::new(&API, Credentials::default(), base_url, limits).expect("a valid configuration");
        core.url(&request).expect("a valid URL").0.to_string()
    }

    #[test]
    fn a_path_joined_to_a_server_read_once_is_the_url_read_whole() {
        let servers = [
            "https://api.example.com",
            "https://api.example.com/",
            "https://api.example.com/v1",
            "https://api.example.com/v1/",
            "http://127.0.0.1:9/prefix",
            "https://API.Example.com/v1",
            "https://api.example.com:443/v1",
            "https://api.example.com/a%20b",
            "https://{region}.example.com",
        ];
        let paths =
            ["", "/", "/v2/users/app-01", "//twice", "/a/../b", "/x%2Fy/%E2%82%AC", "/with space", "/back\\slash", "users", "/q?x=1"];
        for server in servers {
            let joined = Server::new(server, server, Url::parse(server).ok(), Arc::new(Semaphore::new(1)));
            for path in paths {
                let whole = Url::parse(&format!("{server}{path}")).map(|url| url.to_string()).ok();
                let fast = joined.join(path).map(|url| url.to_string()).ok();
                assert_eq!(fast, whole, "{server} + {path}");
            }
        }
    }

    #[test]
    fn operations_go_to_their_own_server_unless_a_base_url_is_set() {
        let own_server = || Request::new(operation(Some("https://operations.example.com"))).path("/operations/").path_param("id", "op 1");
        assert_eq!(url_of(None, own_server()), "https://operations.example.com/operations/op%201");
        assert_eq!(url_of(Some("http://127.0.0.1:9/prefix/"), own_server()), "http://127.0.0.1:9/prefix/operations/op%201");
        let default = Request::new(operation(None)).path("/v1/items").query("q", "a b&c");
        assert_eq!(url_of(None, default), "https://api.example.com/v1/items?q=a+b%26c");
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(checked_base_url("http://127.0.0.1:8080/").ok().as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(checked_base_url("https://proxy.example/api/").ok().as_deref(), Some("https://proxy.example/api"));
        assert!(checked_base_url("127.0.0.1:8080").is_err());
        assert!(checked_base_url("https://x.example/?a=1").is_err());
        assert!(checked_base_url("mailto:a@b.c").is_err());
        assert!(checked_base_url("http://127.0.0.1:1/a\r\nb").is_err());
        assert!(checked_base_url("http://user@127.0.0.1:1").is_err());
    }

    #[test]
    fn shown_urls_carry_no_credentials() {
        assert_eq!(without_credentials("http://user:pw@127.0.0.1:9/a@b"), "http://***@127.0.0.1:9/a@b");
        assert_eq!(without_credentials("user:pw@host"), "***@host");
        assert_eq!(without_credentials("https://api.example.com/x"), "https://api.example.com/x");
        assert_eq!(without_credentials("http://h/\r\n"), "http://h/\\r\\n");
    }

    #[test]
    fn a_secret_is_found_anywhere_in_a_header_value() {
        assert!(holds(b"Bearer dop_v1_abc", b"dop_v1_abc"));
        assert!(holds(b"ddop_v1_abc;", b"dop_v1_abc"));
        assert!(!holds(b"dop_v1_ab", b"dop_v1_abc"));
        assert!(!holds(b"application/json", b"dop_v1_abc"));
        assert!(holds(b"", b""));
    }

    #[test]
    fn servers_on_one_host_share_their_slots() {
        let servers = ["https://a.example/v1", "https://a.example:443/v2", "https://b.example"].map(|s| (s.to_owned(), s.to_owned()));
        let servers = with_connection_slots(&servers, 2);
        assert!(Arc::ptr_eq(&servers[0].slots, &servers[1].slots));
        assert!(!Arc::ptr_eq(&servers[0].slots, &servers[2].slots));
    }

    #[test]
    fn server_variables_take_the_value_set_or_their_default() {
        let defaults = [("region", "eu"), ("version", "v1")];
        assert_eq!(with_variables("https://{region}.example/{version}", &defaults, &[]), "https://eu.example/v1");
        let set = [("region".to_owned(), "us".to_owned())];
        assert_eq!(with_variables("https://{region}.example/{version}", &defaults, &set), "https://us.example/v1");
    }
}
