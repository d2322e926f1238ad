//! Typed async clients for managed-database user APIs, generated from the OpenAPI specs of
//! `specs/` by `cargo xtask codegen`: one module per spec, each with a `Client`, its
//! `ClientBuilder`, an `Error` and the request and response `types`, behind a Cargo feature
//! of its name. What every client shares (the builder, sending, retries, errors, secrets) is
//! the runtime crate, re-exported as [`runtime`].
#![forbid(unsafe_code)]

pub use dbaas_runtime as runtime;

// The API modules, written by the generator.
include!("apis.rs");

// Hand-written modules that build on this crate's own API modules (their features).
#[cfg(feature = "yandex_iam")]
pub mod yandex_credentials;

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
