//! Signatures made with the TLS provider's own crypto (AWS-LC, or graviola), for credential
//! providers that sign what they exchange for a token: a JSON Web Token signed with RSA-PSS
//! and SHA-256 (`PS256`), say. No other crypto library is built, and with `tls-graviola` no C
//! compiler is needed.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rustls::SignatureScheme;
use rustls::crypto::{CryptoProvider, KeyProvider};
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;
use rustls::sign::SigningKey;

use crate::Secret;

/// Why a private key cannot sign. The messages never quote the key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text holds no private key in PEM.
    #[error("it holds no PEM private key (`-----BEGIN PRIVATE KEY-----` or `-----BEGIN RSA PRIVATE KEY-----`)")]
    NotPem,
    /// The TLS provider cannot read the key.
    #[error("the TLS provider cannot read the private key: {0}")]
    Unreadable(String),
    /// The key cannot make the signature asked for (it is not an RSA key, say).
    #[error("the private key cannot sign with {0} (it must be an RSA key)")]
    WrongAlgorithm(&'static str),
    /// The signature could not be made.
    #[error("the signature could not be made: {0}")]
    Signing(String),
}

/// An RSA private key, held by the TLS provider.
#[derive(Clone)]
pub struct RsaKey {
    key: Arc<dyn SigningKey>,
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaKey(***)")
    }
}

impl RsaKey {
    /// The key of the first PEM private key block in `pem` (PKCS#8 or PKCS#1); lines around the
    /// block are ignored.
    ///
    /// # Errors
    ///
    /// When `pem` holds no private key, or one the TLS provider cannot read.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|_| KeyError::NotPem)?;
        let key = key_provider().load_private_key(der).map_err(|error| KeyError::Unreadable(error.to_string()))?;
        Ok(Self { key })
    }

    /// The signature of `message` with RSA-PSS, SHA-256 and MGF1 with SHA-256, its salt as long
    /// as the digest (JWS `PS256`).
    ///
    /// # Errors
    ///
    /// When the key is not an RSA key, or the provider fails to sign.
    pub fn sign_ps256(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let signer = self.key.choose_scheme(&[SignatureScheme::RSA_PSS_SHA256]).ok_or(KeyError::WrongAlgorithm("PS256"))?;
        signer.sign(message).map_err(|error| KeyError::Signing(error.to_string()))
    }

    /// A JSON Web Token (JWS compact form) of `header` and `claims`, signed with `PS256`; the
    /// header should say `"alg": "PS256"`.
    ///
    /// # Errors
    ///
    /// As [`sign_ps256`](Self::sign_ps256).
    pub fn jwt_ps256(&self, header: &serde_json::Value, claims: &serde_json::Value) -> Result<Secret, KeyError> {
        let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature = self.sign_ps256(token.as_bytes())?;
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature));
        Ok(Secret::new(token))
    }
}

/// The key provider of the process's default TLS provider, when the app installed one, or of
/// the one this crate was built with.
fn key_provider() -> &'static dyn KeyProvider {
    crate::tls::install_provider();
    if let Some(provider) = CryptoProvider::get_default() {
        return provider.key_provider;
    }
    built_in_key_provider()
}

#[cfg(feature = "tls-graviola")]
fn built_in_key_provider() -> &'static dyn KeyProvider {
    rustls_graviola::default_provider().key_provider
}

#[cfg(all(feature = "tls-aws-lc-rs", not(feature = "tls-graviola")))]
fn built_in_key_provider() -> &'static dyn KeyProvider {
    rustls::crypto::aws_lc_rs::default_provider().key_provider
}

#[cfg(not(any(feature = "tls-aws-lc-rs", feature = "tls-graviola")))]
fn built_in_key_provider() -> &'static dyn KeyProvider {
    unreachable!("a TLS provider feature is required (see tls.rs)")
}
