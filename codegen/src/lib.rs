//! The generator behind `cargo xtask codegen`: OpenAPI 3.0 specs in, the `dbaas-clients`
//! crate out.
//!
//! Three stages, each reading only the one before it:
//! [`load`] (YAML into a typed document) → [`resolve`] (one intermediate model with every
//! reference followed and every Rust name chosen) → [`emit`] (token streams, formatted).
//! [`render`](mod@render) runs them, every spec through load and resolve before any file is
//! emitted, and hands over each file as soon as it is formatted; [`write`](mod@write) writes
//! the files only when every spec succeeded.

pub mod compare;
pub mod emit;
pub mod error;
mod format;
mod layout;
pub mod load;
pub mod names;
mod parallel;
pub mod render;
pub mod resolve;
mod suggest;
pub mod synth;
pub mod write;

pub use error::{Error, Problem, SpecError, SpecErrors};
pub use render::{RenderedTree, SpecSource, render, render_for};
pub use write::{CheckReport, Generator, Summary, find_workspace_root};
