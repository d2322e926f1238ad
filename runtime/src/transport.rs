//! The seam every attempt goes through: a [`Transport`] sends one HTTP request and reads its
//! answer within the limits it is given. A client sends with reqwest unless it is built with
//! another transport (`ClientBuilder::transport`); nothing above this seam knows which.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, Url};

use crate::Operation;
use crate::body::{ReadFailure, read_body};

/// What a transport's future gives: the answer, or how the exchange failed.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<Answer, TransportFailure>> + Send + 'a>>;

/// Sends one attempt of a call and reads its answer.
///
/// The call loop builds the request (its URL, headers with credentials, and body), applies
/// the attempt's timeout around [`send`](Self::send), and judges the outcome; a transport
/// only moves bytes. It must read a body within [`ReadLimits`].
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads the whole answer within `limits`.
    fn send(&self, request: AttemptRequest, limits: ReadLimits) -> Sending<'_>;

    /// Waits `duration` before another attempt or poll. Real time by default; a transport
    /// that answers in process may return at once, so tests need not wait, moving its own
    /// clock ([`now`](Self::now)) instead.
    fn pause(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(duration))
    }

    /// The time on the clock the calls' deadlines and the waits of long-running operations
    /// are measured by: the real one by default, a transport's own when its
    /// [`pause`](Self::pause) does not wait in real time.
    fn now(&self) -> Instant {
        Instant::now()
    }

    /// Whether the transport answers in process without ever reaching a server (a test
    /// double): then the client asks no token provider, and sends a placeholder token.
    fn answers_in_process(&self) -> bool {
        false
    }
}

/// One attempt's request, complete.
#[non_exhaustive]
pub struct AttemptRequest {
    /// The operation it belongs to.
    pub operation: &'static Operation,
    /// Which call of the client it belongs to: a number the attempts of one call share, and
    /// no other call of the process has.
    pub call_id: u64,
    /// Which attempt of its call it is, from 1.
    pub attempt: u32,
    /// The HTTP method.
    pub method: Method,
    /// The URL, path and query included (and an API key, when a scheme sends one there).
    pub url: Url,
    /// Every header: credentials, `Accept`, `Content-Type`, and the operation's own.
    pub headers: HeaderMap,
    /// The body, when there is one.
    pub body: Option<Bytes>,
    /// Whether the URL holds a secret (an API key), so that no error may show it.
    pub secret_in_url: bool,
}

impl fmt::Debug for AttemptRequest {
    /// The operation, the method and the path template: never a value, a header or a body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptRequest")
            .field("operation", &self.operation.id)
            .field("call_id", &self.call_id)
            .field("attempt", &self.attempt)
            .field("method", &self.method)
            .field("path", &self.operation.path)
            .finish_non_exhaustive()
    }
}

/// How much of an answer's body a transport reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadLimits {
    /// The largest 2xx body: a larger one is [`TransportFailure::BodyTooLarge`].
    pub success: u64,
    /// How much of any other body is read: the rest is cut off.
    pub error: u64,
}

/// An answer, read whole (within the limits).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Answer {
    /// The answer a transport read: its status, headers and body.
    pub fn new(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Self { status, headers, body }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The error of a failed exchange, as the transport reports it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How an exchange failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportFailure {
    /// The connection could not be made: nothing was sent, so any request may try again.
    Connect(BoxError),
    /// Connecting took longer than the client's connect timeout: nothing was sent.
    ConnectTimeout,
    /// The exchange failed after the request may have reached the server.
    Exchange(BoxError),
    /// The answer's head has more headers, or more bytes, than the transport reads.
    HeadTooLarge,
    /// The transport cannot send this request at all (a test double with no rule for it):
    /// never retried.
    Unanswerable(BoxError),
    /// A 2xx body is larger than [`ReadLimits::success`]; the size announced, if any.
    BodyTooLarge {
        /// The HTTP status.
        status: u16,
        /// The size the server announced in `Content-Length`, when it did.
        declared: Option<u64>,
    },
}

/// The transport a client uses unless given another: reqwest, with the client's TLS,
/// timeouts and pool.
pub(crate) struct ReqwestTransport {
    pub http: reqwest::Client,
}

impl Transport for ReqwestTransport {
    fn send(&self, request: AttemptRequest, limits: ReadLimits) -> Sending<'_> {
        Box::pin(self.exchange(request, limits))
    }
}

impl ReqwestTransport {
    async fn exchange(&self, request: AttemptRequest, limits: ReadLimits) -> Result<Answer, TransportFailure> {
        let AttemptRequest { method, url, headers, body, secret_in_url, .. } = request;
        let mut outgoing = reqwest::Request::new(method, url);
        *outgoing.headers_mut() = headers;
        *outgoing.body_mut() = body.map(reqwest::Body::from);
        // An error that would show a URL holding an API key shows none.
        let hide_url = |error: reqwest::Error| -> BoxError { Box::new(if secret_in_url { error.without_url() } else { error }) };
        let mut response = match self.http.execute(outgoing).await {
            Ok(response) => response,
            Err(error) if error.is_connect() && error.is_timeout() => return Err(TransportFailure::ConnectTimeout),
            Err(error) if error.is_connect() => return Err(TransportFailure::Connect(hide_url(error))),
            Err(error) if is_head_too_large(&error) => return Err(TransportFailure::HeadTooLarge),
            Err(error) => return Err(TransportFailure::Exchange(hide_url(error))),
        };
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let success = (200..300).contains(&status);
        let limit = if success { limits.success } else { limits.error.min(limits.success) };
        match read_body(response, limit, !success).await {
            Ok(body) => Ok(Answer { status, headers, body }),
            Err(ReadFailure::TooLarge(declared)) => Err(TransportFailure::BodyTooLarge { status, declared }),
            Err(ReadFailure::Transport(error)) => Err(TransportFailure::Exchange(hide_url(error))),
        }
    }
}

/// Whether `error` says the answer's head was over hyper's limits (too many headers, or too
/// many bytes). hyper tells that kind apart only in its server feature, so its parse error
/// is recognised by its text.
fn is_head_too_large(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if let Some(hyper_error) = error.downcast_ref::<hyper::Error>() {
            return hyper_error.is_parse() && hyper_error.to_string().contains("too large");
        }
        source = error.source();
    }
    false
}
