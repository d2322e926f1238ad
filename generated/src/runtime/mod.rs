//! The behaviour every generated client shares, written once by hand: configuration, request
//! building, sending, decoding and errors. Generated modules call into it and stay thin.

mod client;
mod error;
mod param;
mod request;
mod secret;
mod serde_helpers;

pub use client::{ApiInfo, ClientConfig, ClientCore};
pub use error::{ApiError, ArgumentError, ArgumentProblem, ConfigError, Error};
pub use param::ParamValue;
pub use request::Request;
pub use secret::Secret;
pub use serde_helpers::deserialize_some;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("dbaas-clients/", env!("CARGO_PKG_VERSION"));

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExamples;
