//! The errors a call can end with.

use std::fmt;

use reqwest::header::HeaderMap;

/// Why a call failed. `E` is the API's documented error body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The client is not configured right; nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An argument of the call was refused; nothing was sent.
    #[error(transparent)]
    Argument(#[from] ArgumentError),
    /// The request could not be sent, or the response could not be read (connection refused,
    /// timeout, TLS failure...).
    #[error("the request could not be completed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The server answered with a status outside 2xx (boxed, to keep every `Result` small).
    #[error(transparent)]
    Api(Box<ApiError<E>>),
    /// The server answered 2xx, but its body is not what the API documents.
    #[error("the server answered HTTP {status} with a body that does not match the documented type: {source}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not match.
        #[source]
        source: serde_json::Error,
        /// The body as received (lossily decoded as UTF-8).
        raw_body: String,
    },
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(error) => Some(error.status),
            Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// An answer with a status outside 2xx.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: u16,
    /// The error body, when it decodes as the API's documented error type.
    pub body: Option<E>,
    /// The body as received (lossily decoded as UTF-8), whether it decoded or not.
    pub raw_body: String,
    /// The response headers (looked up case-insensitively).
    pub headers: HeaderMap,
}

impl<E> ApiError<E> {
    /// The value of a response header, if it is present and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// The longest part of a raw body an error message quotes.
const QUOTED_BODY_CHARS: usize = 300;

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status).ok().and_then(|s| s.canonical_reason());
        write!(f, "the server answered HTTP {}", self.status)?;
        if let Some(reason) = reason {
            write!(f, " {reason}")?;
        }
        let body: String = self.raw_body.split_whitespace().collect::<Vec<_>>().join(" ");
        if body.is_empty() {
            return f.write_str(" with an empty body");
        }
        let quoted: String = body.chars().take(QUOTED_BODY_CHARS).collect();
        let ellipsis = if quoted.len() < body.len() { "…" } else { "" };
        write!(f, ": {quoted}{ellipsis}")
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}

/// A client configuration that cannot work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The API needs a bearer token and none was given.
    #[error("this API needs a bearer token: call `.token(...)` on the client builder")]
    MissingToken,
    /// The token cannot be sent in an HTTP header.
    #[error("the token is not a valid HTTP header value: it holds a line break or another control character")]
    InvalidToken,
    /// The spec names no server and no base URL was given.
    #[error("this API has no default server: call `.base_url(...)` on the client builder")]
    MissingBaseUrl,
    /// The base URL is not an absolute `http://` or `https://` URL.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The token would travel in clear text.
    #[error(
        "refusing to send the token over plain http:// to `{url}`: use https://, or a loopback address (127.0.0.1, [::1], localhost) for local testing"
    )]
    InsecureTransport {
        /// The server URL that is not secure.
        url: String,
    },
    /// The HTTP client could not be set up.
    #[error("the HTTP client could not be set up: {0}")]
    Http(#[source] reqwest::Error),
}

/// An argument refused before anything was sent.
#[derive(Debug, thiserror::Error)]
#[error("argument `{argument}` was refused: {problem}")]
pub struct ArgumentError {
    /// The parameter's name in the API.
    pub argument: &'static str,
    /// What is wrong with it.
    pub problem: ArgumentProblem,
}

/// What is wrong with an argument.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArgumentProblem {
    /// A path parameter is empty, so the request would go to another route.
    #[error("a path parameter cannot be empty")]
    EmptyPathSegment,
    /// A path parameter is `.` or `..`, which URLs collapse into another route.
    #[error("a path parameter cannot be `.` or `..`")]
    DotPathSegment,
    /// A header value holds characters HTTP headers cannot carry.
    #[error("the value cannot be sent in an HTTP header (only visible ASCII, spaces and tabs can)")]
    InvalidHeaderValue,
    /// The body could not be turned into JSON.
    #[error("the body cannot be serialized as JSON: {0}")]
    Body(#[source] serde_json::Error),
}
