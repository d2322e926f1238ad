//! The runtime of the clients `cargo xtask codegen` generates: what every generated client
//! shares, written once by hand. The client builder, the call loop with its retries and
//! timeouts, bounded reading, validation, redaction, errors and tracing.
//!
//! A generated crate states its spec as data (an [`ApiInfo`] per API, an [`Operation`] per
//! operation) and calls into this crate, which it re-exports as `runtime`; apps reach these
//! types through that re-export (`dbaas_clients::runtime::Patch`).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod auth;
mod body;
mod builder;
mod call;
mod client;
/// The reading of generated structs, which their `Deserialize` impls call.
#[doc(hidden)]
pub mod de;
mod enums;
mod error;
mod long_running;
mod multipart;
mod pages;
mod pairs;
mod param;
mod patch;
mod redact;
mod request;
mod response;
mod secret;
/// The writing of generated structs, which their `Serialize` impls call.
#[doc(hidden)]
pub mod ser;
mod serde_helpers;
mod servers;
mod settings;
#[doc(hidden)]
pub mod signing;
/// The serde glue of unions told apart by a property.
#[doc(hidden)]
pub mod tagged;
#[cfg(feature = "test-util")]
pub mod test_util;
mod tls;
mod token;
mod token_cache;
#[cfg(feature = "tls-graviola")]
#[doc(hidden)]
pub use tls::graviola_provider_debug;
mod transport;
mod validate;

/// Implements what every generated string enum shares.
#[doc(hidden)]
pub use crate::__string_enum as string_enum;
pub use api::{ApiClient, ApiInfo, Operation};
pub use auth::Credential;
#[doc(hidden)]
pub use auth::{Scheme, SchemeKind};
pub use builder::ClientBuilder;
/// A body of bytes, as an operation that answers with bytes gives it.
pub use bytes::Bytes;
pub use client::ClientCore;
#[doc(hidden)]
pub use enums::CowStr;
pub use enums::UnknownValue;
pub use error::{
    ApiError, ArgumentError, ArgumentProblem, ConfigError, Error, OperationFailure, TimeoutError, TimeoutLimit, TransportError,
};
pub use long_running::{DEFAULT_MAX_POLL_INTERVAL, DEFAULT_OPERATION_TIMEOUT, LongRunning, Poll};
#[doc(hidden)]
pub use multipart::{FilePart, MultipartBody, Parts, TextPart};
pub use pages::Stream;
#[doc(hidden)]
pub use pages::{Page, pages};
pub use pairs::ObjectStyle;
#[doc(hidden)]
pub use param::{JsonText, ParamValue};
pub use patch::Patch;
#[doc(hidden)]
pub use patch::{FieldVisitor, FieldVisitorMut, Masked, computed_mask, mask_of};
#[doc(hidden)]
pub use serde;
/// The serde and validation glue of masked request bodies.
#[doc(hidden)]
pub mod masked {
    pub use super::patch::{deserialize, serialize, validate};
}
pub use redact::REDACTED;
pub use request::Request;
pub use response::{RateLimit, Response};
pub use secret::Secret;
#[doc(hidden)]
pub use serde_helpers::{deserialize_some, skip_read_only, write_only};
pub use settings::{
    CallOptions, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONNECTIONS_PER_HOST, RetryPolicy,
};
pub use token::{AccessToken, CredentialsError, REFRESH_MARGIN, StaticToken, TokenFuture, TokenProvider};
pub use transport::{Answer, AttemptRequest, BoxError, ReadLimits, Sending, Transport, TransportFailure};
#[doc(hidden)]
pub use validate::{FieldPath, Pattern, Rules, TextFormat, Validate};

/// The HTTP method type the generated operations name.
#[doc(hidden)]
pub use reqwest::Method;

/// The types of `reqwest` (and of the `http` and `url` crates beneath it) that appear in this
/// crate's API: the headers of answers and errors, and the method, URL and headers a
/// [`Transport`] sends. They are part of this crate's semver: a major release of reqwest is
/// a major release of this crate.
pub mod http {
    pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
    pub use reqwest::{Method, Url};
}

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("dbaas-clients/", env!("CARGO_PKG_VERSION"));
