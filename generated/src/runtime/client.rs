//! Client configuration and the one place requests are sent and answers decoded.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Response, Url};
use serde::de::DeserializeOwned;

use super::{ApiError, ConfigError, Error, Request, Secret, USER_AGENT};

/// What a generated module tells the runtime about its API.
#[derive(Debug)]
pub struct ApiInfo {
    /// The server the operations go to, unless they name their own.
    pub default_server: Option<&'static str>,
    /// The servers some operations name for themselves.
    pub operation_servers: &'static [&'static str],
    /// Whether every operation needs the bearer token.
    pub requires_token: bool,
}

/// The default time a whole call may take.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The default time connecting may take.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The settings of a client being built.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    api: &'static ApiInfo,
    token: Option<Secret>,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientConfig {
    /// The default settings for an API.
    pub fn new(api: &'static ApiInfo) -> Self {
        Self { api, token: None, base_url: None, timeout: DEFAULT_TIMEOUT, connect_timeout: DEFAULT_CONNECT_TIMEOUT }
    }

    /// Sets the bearer token.
    pub fn set_token(&mut self, token: String) {
        self.token = Some(Secret::new(token));
    }

    /// Points every operation at one base URL.
    pub fn set_base_url(&mut self, url: String) {
        self.base_url = Some(url);
    }

    /// Sets the time a whole call may take.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Sets the time connecting may take.
    pub fn set_connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = timeout;
    }

    /// Checks the settings and sets up the HTTP client.
    pub fn build(self) -> Result<ClientCore, ConfigError> {
        let base_url = self.base_url.as_deref().map(checked_base_url).transpose()?;
        let servers: Vec<String> = match &base_url {
            Some(url) => vec![url.clone()],
            None => self.api.default_server.iter().chain(self.api.operation_servers).map(|s| (*s).to_owned()).collect(),
        };
        if base_url.is_none() && self.api.default_server.is_none() {
            return Err(ConfigError::MissingBaseUrl);
        }
        let auth = match &self.token {
            Some(token) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| ConfigError::InvalidToken)?;
                value.set_sensitive(true);
                if let Some(url) = servers.iter().find(|url| !is_secure_for_tokens(url)) {
                    return Err(ConfigError::InsecureTransport { url: url.clone() });
                }
                Some(value)
            }
            None if self.api.requires_token => return Err(ConfigError::MissingToken),
            None => None,
        };
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ConfigError::Http)?;
        Ok(ClientCore { http, auth, base_url, default_server: self.api.default_server })
    }
}

/// A base URL without its trailing `/`, once checked to be absolute `http(s)` with no query.
fn checked_base_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl { url: url.to_owned(), reason: reason.to_owned() };
    let parsed = Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("expected an http:// or https:// URL"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL cannot have a query or a fragment"));
    }
    if parsed.cannot_be_a_base() || parsed.host().is_none() {
        return Err(invalid("expected an absolute URL with a host"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
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

/// A configured client: sends requests and decodes answers.
#[derive(Debug, Clone)]
pub struct ClientCore {
    http: reqwest::Client,
    auth: Option<HeaderValue>,
    base_url: Option<String>,
    default_server: Option<&'static str>,
}

impl ClientCore {
    /// Sends `request` and decodes a 2xx answer's JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned, E: DeserializeOwned>(&self, request: Request) -> Result<T, Error<E>> {
        let (status, body) = self.send(request).await?;
        decode(status, &body)
    }

    /// Sends `request` and decodes a 2xx answer's JSON body as `T`, or `None` when it has none.
    pub async fn send_optional_json<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Option<T>, Error<E>> {
        let (status, body) = self.send(request).await?;
        if body.iter().all(u8::is_ascii_whitespace) { Ok(None) } else { decode(status, &body).map(Some) }
    }

    /// Sends `request` and ignores a 2xx answer's body.
    pub async fn send_empty<E: DeserializeOwned>(&self, request: Request) -> Result<(), Error<E>> {
        self.send(request).await.map(|_| ())
    }

    /// The URL `request` goes to: the base URL if the client has one, else the operation's own
    /// server, else the API's default server; then the path and the query.
    fn url(&self, request: &Request) -> Result<Url, ConfigError> {
        let server = match (&self.base_url, request.server, self.default_server) {
            (Some(base_url), _, _) => base_url.as_str(),
            (None, Some(server), _) | (None, None, Some(server)) => server,
            (None, None, None) => return Err(ConfigError::MissingBaseUrl),
        };
        let mut url = Url::parse(&format!("{server}{}", request.path))
            .map_err(|e| ConfigError::InvalidBaseUrl { url: server.to_owned(), reason: e.to_string() })?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url)
    }

    /// Sends `request`; a 2xx answer comes back as its status and body, any other as an error.
    async fn send<E: DeserializeOwned>(&self, request: Request) -> Result<(u16, Vec<u8>), Error<E>> {
        if let Some(problem) = request.problem {
            return Err(Error::Argument(problem));
        }
        let url = self.url(&request)?;
        let mut builder = self.http.request(request.method, url).header(ACCEPT, "application/json");
        if request.authenticated {
            let auth = self.auth.as_ref().ok_or(ConfigError::MissingToken)?;
            builder = builder.header(AUTHORIZATION, auth.clone());
        }
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body);
        }
        let response = builder.send().await.map_err(Error::Transport)?;
        read(response).await
    }
}

async fn read<E: DeserializeOwned>(response: Response) -> Result<(u16, Vec<u8>), Error<E>> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::Transport)?.to_vec();
    if (200..300).contains(&status) {
        return Ok((status, body));
    }
    Err(Error::Api(Box::new(ApiError {
        status,
        body: serde_json::from_slice(&body).ok(),
        raw_body: String::from_utf8_lossy(&body).into_owned(),
        headers,
    })))
}

fn decode<T: DeserializeOwned, E>(status: u16, body: &[u8]) -> Result<T, Error<E>> {
    serde_json::from_slice(body).map_err(|source| Error::Decode {
        status,
        source,
        raw_body: String::from_utf8_lossy(body).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    };

    fn url_of(base_url: Option<&str>, request: Request) -> String {
        let mut config = ClientConfig::new(&API);
        if let Some(base_url) = base_url {
            config.set_base_url(base_url.to_owned());
        }
        let core = config.build().expect("a valid configuration");
        core.url(&request).expect("a valid URL").to_string()
    }

    #[test]
    fn operations_go_to_their_own_server_unless_a_base_url_is_set() {
        let own_server = || Request::new(reqwest::Method::GET).server("https://operations.example.com").path("/operations/").path_param("id", "op 1");
        assert_eq!(url_of(None, own_server()), "https://operations.example.com/operations/op%201");
        assert_eq!(url_of(Some("http://127.0.0.1:9/prefix/"), own_server()), "http://127.0.0.1:9/prefix/operations/op%201");
        let default = Request::new(reqwest::Method::GET).path("/v1/items").query("q", "a b&c");
        assert_eq!(url_of(None, default), "https://api.example.com/v1/items?q=a+b%26c");
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(checked_base_url("http://127.0.0.1:8080/").ok().as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(checked_base_url("https://proxy.example/api/").ok().as_deref(), Some("https://proxy.example/api"));
        assert!(checked_base_url("127.0.0.1:8080").is_err());
        assert!(checked_base_url("https://x.example/?a=1").is_err());
        assert!(checked_base_url("mailto:a@b.c").is_err());
    }
}
