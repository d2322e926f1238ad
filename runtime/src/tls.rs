//! The TLS provider, picked by a Cargo feature: `tls-aws-lc-rs` (the default: AWS-LC, which
//! needs a C compiler to build) or `tls-graviola` (pure Rust: no C compiler, and a faster
//! clean build; it needs Rust 1.89, graviola's own minimum, where the default features need
//! 1.85).

#[cfg(not(any(feature = "tls-aws-lc-rs", feature = "tls-graviola")))]
compile_error!("dbaas-clients needs a TLS provider: turn on the `tls-aws-lc-rs` or the `tls-graviola` feature");

/// Makes the chosen provider the process's default for rustls, unless the app installed one
/// already (then the app's is used). With `tls-aws-lc-rs` alone, reqwest uses AWS-LC itself.
pub(crate) fn install_provider() {
    #[cfg(feature = "tls-graviola")]
    {
        // An error means a provider is installed already, which is what is wanted.
        let _ = rustls_graviola::default_provider().install_default();
    }
}

/// How graviola's provider shows itself (`Debug`), as the client installs it: for a test that
/// checks which provider is in use.
#[cfg(feature = "tls-graviola")]
#[doc(hidden)]
pub fn graviola_provider_debug() -> String {
    format!("{:?}", rustls_graviola::default_provider())
}
