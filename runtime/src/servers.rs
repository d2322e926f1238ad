//! Where requests go: the API's servers (or the caller's base URL), their variables, the
//! connection slots of each host, and the checks that keep credentials off insecure or
//! malformed URLs.

use std::net::IpAddr;
use std::sync::Arc;

use reqwest::Url;
use tokio::sync::Semaphore;

use super::{ApiInfo, ConfigError, Request};

/// Every server a client may send to, resolved once when it is built.
pub(crate) struct Servers {
    /// The caller's base URL, checked, which replaces every server of the spec.
    base_url: Option<String>,
    /// The server the operations go to unless they name their own.
    default_server: Option<&'static str>,
    /// Each server with its URL and connection slots.
    servers: Vec<Server>,
}

impl Servers {
    /// The servers of `api` with its `variables` set (or `base_url` instead of them all), each
    /// host with `per_host` connection slots.
    pub fn new(api: &ApiInfo, base_url: Option<&str>, variables: &[(String, String)], per_host: usize) -> Result<Self, ConfigError> {
        let base_url = base_url.map(checked_base_url).transpose()?;
        if base_url.is_none() && api.default_server.is_none() {
            return Err(ConfigError::MissingBaseUrl);
        }
        for (name, _) in variables {
            if !api.server_variables.iter().any(|(known, _)| known == name) {
                return Err(ConfigError::UnknownServerVariable { name: name.clone() });
            }
        }
        let urls: Vec<(String, String)> = match &base_url {
            Some(url) => vec![(url.clone(), url.clone())],
            None => api
                .default_server
                .iter()
                .chain(api.operation_servers)
                .map(|template| ((*template).to_owned(), with_variables(template, api.server_variables, variables)))
                .collect(),
        };
        Ok(Self { base_url, default_server: api.default_server, servers: with_connection_slots(&urls, per_host) })
    }

    /// The caller's base URL, when one was given.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// The first server that a token must not travel to: plain `http://` to another machine.
    /// A server whose URL is not one yet (a variable to set) is checked when it is used.
    pub fn insecure_for_tokens(&self) -> Option<&str> {
        self.servers.iter().map(|server| server.url.as_str()).find(|url| Url::parse(url).is_ok() && !is_secure_for_tokens(url))
    }

    /// The URL `request` goes to, and the connection slots of its server: the base URL if the
    /// client has one, else the operation's own server, else the API's default server; then
    /// the path and the query.
    pub fn url_of(&self, request: &Request) -> Result<(Url, Arc<Semaphore>), ConfigError> {
        let server = match (&self.base_url, request.operation.server, self.default_server) {
            (Some(base_url), _, _) => base_url.as_str(),
            (None, Some(server), _) | (None, None, Some(server)) => server,
            (None, None, None) => return Err(ConfigError::MissingBaseUrl),
        };
        let Some(found) = self.servers.iter().find(|known| known.template == server) else {
            return Err(ConfigError::InvalidBaseUrl { url: without_credentials(server), reason: "not a server of this API".to_owned() });
        };
        let mut url = found.join(&request.path)?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok((url, Arc::clone(&found.slots)))
    }
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
        let plain_path = (path.is_empty() || path.starts_with('/')) && !path.contains(['?', '#']);
        if let Some((base, prefix)) = self.base.as_ref().filter(|_| plain_path) {
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
    use crate::Operation;

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
        let servers = Servers::new(&API, base_url, &[], 1).expect("valid servers");
        servers.url_of(&request).expect("a valid URL").0.to_string()
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
