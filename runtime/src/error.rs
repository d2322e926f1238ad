//! The errors a call can end with. None of them shows a secret: bodies and headers are
//! redacted before an error keeps them, and URLs never carry credentials.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

use super::response::{asked_wait, request_id_of};

/// Why a call failed. `E` is the API's documented error body.
///
/// Each variant says what went wrong and whether anything reached the server:
/// [`Config`](Self::Config), [`Argument`](Self::Argument) and [`Credentials`](Self::Credentials)
/// are refused before sending;
/// [`Transport`](Self::Transport) and [`Timeout`](Self::Timeout) are failures of the exchange;
/// [`Api`](Self::Api), [`Decode`](Self::Decode), [`BodyTooLarge`](Self::BodyTooLarge) and
/// [`HeadersTooLarge`](Self::HeadersTooLarge) are answers the call cannot return; the
/// `Operation...` variants and [`UnexpectedResult`](Self::UnexpectedResult) are how waiting on
/// a long-running operation ends when it gives no result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The client is not configured right; nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An argument of the call was refused; nothing was sent.
    #[error(transparent)]
    Argument(#[from] ArgumentError),
    /// The client's token provider gave no token (it failed for good, or its transient
    /// failures outlasted the call's time); this attempt was not sent.
    #[error(transparent)]
    Credentials(crate::CredentialsError),
    /// The request could not be sent, or the response could not be read (connection refused,
    /// TLS failure, connection reset...), after every attempt allowed.
    #[error(transparent)]
    Transport(TransportError),
    /// A time limit ran out.
    #[error(transparent)]
    Timeout(TimeoutError),
    /// The server answered with a status outside 2xx (boxed, to keep every `Result` small).
    #[error(transparent)]
    Api(Box<ApiError<E>>),
    /// The server's answer has more headers than the client reads, or a head too large.
    #[error(
        "the server answered with more than {MAX_RESPONSE_HEADERS} headers, or with headers over {} KiB in all: the client reads no more",
        MAX_RESPONSE_HEAD_BYTES / 1024
    )]
    HeadersTooLarge,
    /// The server answered 2xx, but its body is not what the API documents.
    #[error("the server answered HTTP {status} with a body that does not match the documented type: {reason}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not match, with any secret redacted.
        reason: String,
        /// At most the first 64 KiB of the body, lossily decoded as UTF-8, with secrets
        /// redacted.
        raw_body: String,
    },
    /// A long-running operation finished with an error.
    #[error("operation `{}` failed: {}", .0.id, .0)]
    OperationFailed(Box<OperationFailure>),
    /// A long-running operation did not finish before the deadline of the wait; it may still
    /// finish: wait on it again with its id.
    #[error("operation `{id}` did not finish within {waited:?}; it may still finish: wait on it again with its id")]
    OperationTimeout {
        /// The operation's id.
        id: String,
        /// How long the client waited.
        waited: Duration,
    },
    /// Polling a long-running operation gave another operation than the one polled.
    #[error("polling operation `{id}` gave operation `{found}` instead")]
    OperationMismatch {
        /// The id of the operation polled.
        id: String,
        /// The id the server answered with (at most its first 100 characters, with secrets
        /// redacted).
        found: String,
    },
    /// A list's server answered a page with a token it gave before: reading on would go
    /// round forever.
    #[error("the server answered page {page} of the list with a page token it gave before: the list would never end")]
    RepeatedPageToken {
        /// The page, counting from 1, whose token was given before.
        page: usize,
    },
    /// A long-running operation finished with a result of another type than the one declared.
    #[error("operation `{id}` finished with a result of type `{found}`, expected `{expected}`")]
    UnexpectedResult {
        /// The operation's id.
        id: String,
        /// The result type declared in the spec.
        expected: String,
        /// The `@type` the server sent, or `nothing` when the operation has no result.
        found: String,
    },
    /// The answer's body is larger than the client reads.
    #[error("the server answered HTTP {status} with a body larger than the limit of {limit} bytes{}", declared_size(*.declared))]
    BodyTooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit in bytes.
        limit: u64,
        /// The size the server announced in `Content-Length`, when it did.
        declared: Option<u64>,
    },
}

fn declared_size(declared: Option<u64>) -> String {
    declared.map(|size| format!(" (it announced {size} bytes)")).unwrap_or_default()
}

impl<E> Error<E> {
    /// What kind of error this is, in one word (`api`, `timeout`, `transport`...): what
    /// traces record, as it never holds a value or a secret.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Config(_) => "config",
            Self::Argument(_) => "argument",
            Self::Credentials(_) => "credentials",
            Self::Transport(_) => "transport",
            Self::Timeout(_) => "timeout",
            Self::Api(_) => "api",
            Self::HeadersTooLarge => "headers_too_large",
            Self::Decode { .. } => "decode",
            Self::OperationFailed(_) => "operation_failed",
            Self::OperationTimeout { .. } => "operation_timeout",
            Self::OperationMismatch { .. } => "operation_mismatch",
            Self::UnexpectedResult { .. } => "unexpected_result",
            Self::RepeatedPageToken { .. } => "repeated_page_token",
            Self::BodyTooLarge { .. } => "body_too_large",
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(error) => Some(error.status),
            Self::Decode { status, .. } | Self::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's id of the request, when it answered with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(error) => error.request_id(),
            _ => None,
        }
    }
}

/// The most headers an answer may have (HTTP/1.1; hyper's own limit, left as it is: setting
/// it makes hyper allocate its header table on every answer).
const MAX_RESPONSE_HEADERS: usize = 100;

/// The most bytes an answer's head may take (HTTP/1.1; hyper's own limit).
const MAX_RESPONSE_HEAD_BYTES: usize = 8192 + 4096 * 100;

/// The error a long-running operation finished with (`google.rpc.Status`), with every secret
/// redacted as in an API error's body: the values of secret-marked keys, and the call's
/// credentials and the secrets it sent, in the message and in the details.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OperationFailure {
    /// The operation's id.
    pub id: String,
    /// The status code (`google.rpc.Code`).
    pub code: i64,
    /// The server's message: at most its first 64 KiB.
    pub message: String,
    /// The details, each a message with its `@type`.
    pub details: Vec<serde_json::Value>,
}

impl fmt::Display for OperationFailure {
    /// The message, quoted up to 300 characters, and the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (quoted, cut) = quote_collapsed(&self.message, QUOTED_BODY_CHARS);
        write!(f, "{quoted}{} (code {})", if cut { "…" } else { "" }, self.code)
    }
}

/// An exchange that could not be completed, after every attempt allowed.
#[derive(Debug, thiserror::Error)]
#[error(
    "the request could not be completed after {attempts} attempt(s){}: {source}",
    if *.nothing_sent { " (nothing was sent)" } else { "" }
)]
#[non_exhaustive]
pub struct TransportError {
    /// How many attempts were sent.
    pub attempts: u32,
    /// Whether the last attempt failed before anything was sent (the connection could not be
    /// made).
    pub nothing_sent: bool,
    /// What failed, as the transport reports it (a `reqwest::Error` by default).
    #[source]
    pub source: crate::transport::BoxError,
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutLimit {
    /// Connecting to the server.
    Connect,
    /// One attempt: sending the request and reading the whole answer.
    Attempt,
    /// The whole call: every attempt, every wait between them, and waiting for a connection.
    Call,
}

/// A time limit ran out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} after {attempts} attempt(s) sent: the limit is {limit_value:?}", self.what())]
#[non_exhaustive]
pub struct TimeoutError {
    /// The limit that ran out.
    pub limit: TimeoutLimit,
    /// Its value.
    pub limit_value: Duration,
    /// How many attempts were sent (0 when the call never got a connection slot).
    pub attempts: u32,
    /// Whether the call was waiting for a free connection slot (see the builder's
    /// `max_connections_per_host`) when the limit ran out, rather than for the server.
    pub queued: bool,
}

impl TimeoutError {
    fn what(&self) -> &'static str {
        match (self.limit, self.queued) {
            (_, true) => "the call timed out waiting for a free connection slot",
            (TimeoutLimit::Connect, false) => "connecting to the server timed out",
            (TimeoutLimit::Attempt, false) => "the attempt timed out",
            (TimeoutLimit::Call, false) => "the call timed out",
        }
    }
}

/// The longest part of a raw body an error keeps.
pub(crate) const KEPT_BODY_BYTES: usize = 64 * 1024;

/// Cuts `text` to at most [`KEPT_BODY_BYTES`], at a character's boundary.
pub(crate) fn keep_at_most_kept_bytes(text: &mut String) {
    if text.len() > KEPT_BODY_BYTES {
        let cut = (0..=KEPT_BODY_BYTES).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
        text.truncate(cut);
    }
}

/// An answer with a status outside 2xx.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: u16,
    /// The error body, when it decodes as the API's documented error type (decoded from the
    /// redacted body).
    pub body: Option<E>,
    /// At most the first 64 KiB of the body, lossily decoded as UTF-8, with secrets redacted.
    pub raw_body: String,
    /// The response headers (looked up case-insensitively), with secrets redacted.
    pub headers: HeaderMap,
}

impl<E> ApiError<E> {
    /// An error answer made by a test: what an app's fake of the client returns (wrap it in
    /// [`Error::Api`] with `Box::new`).
    #[cfg(feature = "test-util")]
    pub fn for_test(status: u16, body: Option<E>, raw_body: impl Into<String>) -> Self {
        Self { status, body, raw_body: raw_body.into(), headers: HeaderMap::new() }
    }

    /// The value of a response header, if it is present and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The server's id of the request: a request-id header, or a `request_id`/`requestId`
    /// field of the body.
    pub fn request_id(&self) -> Option<&str> {
        request_id_of(&self.headers).or_else(|| super::response::request_id_in_body(&self.raw_body))
    }

    /// How long the server asks the client to wait before trying again: `Retry-After`
    /// (seconds or an HTTP date), or, when `ratelimit-remaining` is 0, until `ratelimit-reset`.
    pub fn retry_after(&self) -> Option<Duration> {
        asked_wait(&self.headers, std::time::SystemTime::now())
    }

    /// Whether the same request may succeed later: 408, 429, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        is_retryable_status(self.status)
    }
}

/// The statuses worth another attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 502 | 503 | 504)
}

/// The longest part of a raw body (or an operation's message) an error message quotes.
const QUOTED_BODY_CHARS: usize = 300;

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status).ok().and_then(|s| s.canonical_reason());
        write!(f, "the server answered HTTP {}", self.status)?;
        if let Some(reason) = reason {
            write!(f, " {reason}")?;
        }
        let (quoted, cut) = quote_collapsed(&self.raw_body, QUOTED_BODY_CHARS);
        if quoted.is_empty() {
            return f.write_str(" with an empty body");
        }
        write!(f, ": {quoted}{}", if cut { "…" } else { "" })
    }
}

/// The first `limit` characters of `text` with each run of whitespace made one space, and
/// whether there was more; reads no further than it quotes.
fn quote_collapsed(text: &str, limit: usize) -> (String, bool) {
    let mut quoted = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in text.trim_start().chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        let needed = if pending_space { 2 } else { 1 };
        if count + needed > limit {
            return (quoted, true);
        }
        if pending_space {
            quoted.push(' ');
            pending_space = false;
        }
        quoted.push(c);
        count += needed;
    }
    (quoted, false)
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
    #[error("the token must be visible ASCII (no spaces, line breaks, control or non-ASCII characters)")]
    InvalidToken,
    /// The spec names no server and no base URL was given.
    #[error("this API has no default server: call `.base_url(...)` on the client builder")]
    MissingBaseUrl,
    /// The base URL is not an absolute `http://` or `https://` URL.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given, without any user name or password, and with control
        /// characters escaped.
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
    /// A credential for a security scheme the API does not have.
    #[error("this API has no security scheme `{name}`")]
    UnknownScheme {
        /// The name given.
        name: String,
    },
    /// A credential of another kind than its scheme takes.
    #[error("the security scheme `{scheme}` takes {expected}")]
    WrongCredential {
        /// The scheme.
        scheme: String,
        /// What it takes.
        expected: &'static str,
    },
    /// The operation needs a credential the client was not given; nothing was sent.
    #[error("this operation needs a credential for {}: give it to the client builder", schemes.join(" and "))]
    MissingCredential {
        /// The schemes of the first alternative the spec lists.
        schemes: Vec<String>,
    },
    /// A server variable the API does not have.
    #[error("this API has no server variable `{name}`")]
    UnknownServerVariable {
        /// The name given.
        name: String,
    },
    /// A root certificate given to the builder is not a PEM certificate.
    #[error("root certificate {index} is not a PEM certificate: {reason}")]
    InvalidCertificate {
        /// Which one, counting from 1 in the order they were given.
        index: usize,
        /// Why it could not be read.
        reason: String,
    },
    /// The HTTP client could not be set up.
    #[error("the HTTP client could not be set up: {0}")]
    Http(#[source] reqwest::Error),
}

/// An argument refused before anything was sent.
#[derive(Debug, thiserror::Error)]
#[error("argument `{argument}` was refused: {problem}")]
#[non_exhaustive]
pub struct ArgumentError {
    /// Where the value is, by its wire names: `path.userName`, `header.Idempotency-Key`,
    /// `body.permissions[1].databaseName`.
    pub argument: String,
    /// What is wrong with it.
    pub problem: ArgumentProblem,
}

/// What is wrong with an argument. The messages never quote the value, which may be secret.
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
    /// Shorter than `minLength`.
    #[error("shorter than {min} characters (minLength)")]
    TooShort {
        /// The least number of characters.
        min: u64,
    },
    /// Longer than `maxLength`.
    #[error("longer than {max} characters (maxLength)")]
    TooLong {
        /// The most characters.
        max: u64,
    },
    /// Not a value of its `format` (`uuid`, `date-time`, `date`), for a value taken as text.
    #[error("is not a valid `{format}` (format)")]
    Format {
        /// The format, as the spec names it.
        format: &'static str,
    },
    /// Does not match `pattern`.
    #[error("does not match the pattern `{pattern}`")]
    PatternMismatch {
        /// The regular expression.
        pattern: &'static str,
    },
    /// Below `minimum`.
    #[error("less than {min} (minimum)")]
    BelowMinimum {
        /// The least value.
        min: f64,
    },
    /// Above `maximum`.
    #[error("greater than {max} (maximum)")]
    AboveMaximum {
        /// The greatest value.
        max: f64,
    },
    /// Fewer items than `minItems`.
    #[error("fewer than {min} items (minItems)")]
    TooFewItems {
        /// The least number of items.
        min: u64,
    },
    /// More items than `maxItems`.
    #[error("more than {max} items (maxItems)")]
    TooManyItems {
        /// The most items.
        max: u64,
    },
    /// A field is set or reset, but the caller's own update mask does not name it, so the
    /// server would ignore it.
    #[error("it is set or reset, but the update mask given does not name `{path}`: add it to the mask, or leave the mask to the client")]
    NotInUpdateMask {
        /// The field's path in the mask's terms.
        path: String,
    },
    /// An update that sets and resets nothing: its mask would be empty, which the server
    /// reads as "reset every field".
    #[error("nothing to update: set or reset at least one field (an empty `{mask_field}` would reset every field)")]
    EmptyUpdate {
        /// The wire name of the mask field.
        mask_field: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_collapses_whitespace_and_stops_at_the_limit() {
        assert_eq!(quote_collapsed("  a \n\t b  ", 10), ("a b".to_owned(), false));
        assert_eq!(quote_collapsed("abcdef", 3), ("abc".to_owned(), true));
        assert_eq!(quote_collapsed("ab cd", 4), ("ab c".to_owned(), true));
        assert_eq!(quote_collapsed("", 4), (String::new(), false));
    }
}
