//! What a generated module states about its API and each of its operations: the facts of
//! the spec that the runtime acts on.

use reqwest::Method;

use super::ClientCore;

/// What a generated module tells the runtime about its API.
#[doc(hidden)]
#[derive(Debug)]
pub struct ApiInfo {
    /// The server the operations go to, unless they name their own.
    pub default_server: Option<&'static str>,
    /// The servers some operations name for themselves.
    pub operation_servers: &'static [&'static str],
    /// Whether every operation needs a credential.
    pub requires_token: bool,
    /// The security schemes of the API.
    pub schemes: &'static [super::Scheme],
    /// The variables of the server URLs (`{name}` in them), with their defaults.
    pub server_variables: &'static [(&'static str, &'static str)],
    /// The wire names of the JSON fields the spec marks secret, redacted from any body an
    /// error keeps.
    pub secret_fields: &'static [&'static str],
}

/// The identity of one operation, carried by each of its requests.
#[doc(hidden)]
#[derive(Debug)]
pub struct Operation {
    /// The `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, as the spec writes it (never with parameter values).
    pub path: &'static str,
    /// The operation's own server, when it differs from the API's.
    pub server: Option<&'static str>,
    /// The security requirements: alternatives, each the schemes whose credentials go
    /// together; empty when the operation needs none.
    pub security: &'static [&'static [&'static str]],
    /// Whether the request may be sent again after a failure: its method is idempotent, or
    /// every call carries an idempotency key.
    pub retryable: bool,
    /// The media type asked for in `Accept`.
    pub accept: &'static str,
}

/// A generated client: the runtime builds it from a [`ClientCore`].
#[doc(hidden)]
pub trait ApiClient: Sized {
    /// The API the client speaks to.
    const API: &'static ApiInfo;

    /// Wraps a configured core.
    fn from_core(core: ClientCore) -> Self;

    /// The configured core.
    fn core(&self) -> &ClientCore;
}
