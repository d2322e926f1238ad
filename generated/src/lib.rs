#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use dbaas_runtime as runtime;

// The API modules, written by the generator.
include!("apis.rs");

// Hand-written modules that build on this crate's own API modules (their features).
#[cfg(feature = "yandex_iam")]
pub mod yandex_credentials;
