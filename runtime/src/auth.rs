//! Credentials: one per security scheme of the API, each sent only where the spec asks for
//! its scheme. Two bearer schemes are two credentials: an operation that asks for one never
//! gets the other's token.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use base64::Engine;

use super::redact::SecretForms;
use super::token_cache::{TokenCache, bearer_header};
use super::{ApiInfo, ConfigError, Secret, TokenProvider};

/// How a security scheme of an API carries its credential.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <user:password>`.
    Basic,
    /// An API key in the named header.
    ApiKeyHeader(&'static str),
    /// An API key in the named query parameter.
    ApiKeyQuery(&'static str),
}

/// A security scheme of an API.
#[doc(hidden)]
#[derive(Debug)]
pub struct Scheme {
    /// Its name in the spec's `components.securitySchemes`.
    pub name: &'static str,
    /// How it carries its credential.
    pub kind: SchemeKind,
}

/// The credential of one security scheme, given to the client builder's `credential`.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credential {
    /// A bearer token (HTTP bearer, OAuth2 access token, OpenID Connect token).
    Bearer(Secret),
    /// A user name and password for HTTP basic authentication.
    Basic {
        /// The user name (an account id, say).
        user: String,
        /// The password (or auth token).
        password: Secret,
    },
    /// An API key, sent where the scheme says (a header or a query parameter).
    ApiKey(Secret),
    /// Bearer tokens that expire, each got from a provider when the one before is due (see
    /// [`TokenProvider`]).
    BearerProvider(Arc<dyn TokenProvider>),
}

impl Credential {
    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer(Secret::new(token))
    }

    /// A user name and password for HTTP basic authentication.
    pub fn basic(user: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Basic { user: user.into(), password: Secret::new(password) }
    }

    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey(Secret::new(key))
    }

    /// Bearer tokens from `provider`, renewed before they expire.
    pub fn bearer_provider(provider: impl TokenProvider) -> Self {
        Self::BearerProvider(Arc::new(provider))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Bearer(_) => "Credential::Bearer(***)",
            Self::Basic { .. } => "Credential::Basic(***)",
            Self::ApiKey(_) => "Credential::ApiKey(***)",
            Self::BearerProvider(_) => "Credential::BearerProvider(..)",
        })
    }
}

/// What a credential adds to a request.
#[derive(Clone)]
pub(crate) enum Applied {
    /// A header.
    Header(HeaderName, HeaderValue),
    /// A query pair.
    Query(&'static str, Secret),
    /// An `Authorization` header with a token from a provider, got when the request is sent.
    Refreshing(Arc<TokenCache>),
}

/// The credentials of a client, by scheme, ready to apply.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    applied: Vec<(&'static str, Applied)>,
    /// Every secret of every credential, in the forms it may be echoed in.
    secret_forms: Vec<SecretForms>,
}

impl Credentials {
    /// Checks `given` (the builder's `token`, a bearer credential, goes to the first bearer
    /// scheme) against the API's schemes.
    pub fn new(api: &ApiInfo, token: Option<Credential>, given: Vec<(String, Credential)>) -> Result<Self, ConfigError> {
        let mut all = given;
        if let Some(token) = token {
            match api.schemes.iter().find(|scheme| scheme.kind == SchemeKind::Bearer) {
                Some(scheme) => all.insert(0, (scheme.name.to_owned(), token)),
                None if api.schemes.is_empty() => {}
                None => {
                    return Err(ConfigError::WrongCredential { scheme: "token".to_owned(), expected: "a credential(...) of its own kind" });
                }
            }
        }
        let mut credentials = Self::default();
        for (name, credential) in all {
            let Some(scheme) = api.schemes.iter().find(|scheme| scheme.name == name) else {
                return Err(ConfigError::UnknownScheme { name });
            };
            if credentials.applied.iter().any(|(known, _)| *known == scheme.name) {
                continue;
            }
            let mut secrets = Vec::new();
            let applied = apply(scheme, credential, &mut secrets)?;
            credentials.secret_forms.extend(secrets.iter().filter_map(|secret| SecretForms::new(secret.expose())));
            credentials.applied.push((scheme.name, applied));
        }
        Ok(credentials)
    }

    /// Whether the client has no credential at all.
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty()
    }

    /// The names of the schemes the client has a credential for.
    pub fn scheme_names(&self) -> Vec<&'static str> {
        self.applied.iter().map(|(name, _)| *name).collect()
    }

    /// Every secret of every credential, to keep out of any text.
    pub fn secret_forms(&self) -> &[SecretForms] {
        &self.secret_forms
    }

    /// What to add to a request whose operation accepts any of the `security` alternatives
    /// (each a list of schemes): the first alternative the client has every credential of.
    pub fn for_operation(&self, security: &[&[&'static str]]) -> Result<Vec<&Applied>, ConfigError> {
        if security.is_empty() {
            return Ok(Vec::new());
        }
        for alternative in security {
            let found: Option<Vec<&Applied>> = alternative
                .iter()
                .map(|scheme| self.applied.iter().find(|(known, _)| known == scheme).map(|(_, applied)| applied))
                .collect();
            if let Some(found) = found {
                return Ok(found);
            }
        }
        Err(ConfigError::MissingCredential { schemes: security[0].iter().map(|s| (*s).to_owned()).collect() })
    }
}

fn visible_ascii(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

fn apply(scheme: &Scheme, credential: Credential, secrets: &mut Vec<Secret>) -> Result<Applied, ConfigError> {
    let wrong = |expected| ConfigError::WrongCredential { scheme: scheme.name.to_owned(), expected };
    let header = |name: HeaderName, text: String| {
        let mut value = HeaderValue::from_str(&text).map_err(|_| ConfigError::InvalidToken)?;
        value.set_sensitive(true);
        Ok(Applied::Header(name, value))
    };
    match (scheme.kind, credential) {
        (SchemeKind::Bearer, Credential::Bearer(token)) => {
            let value = bearer_header(&token).map_err(|_| ConfigError::InvalidToken)?;
            secrets.push(token);
            Ok(Applied::Header(AUTHORIZATION, value))
        }
        (SchemeKind::Bearer, Credential::BearerProvider(provider)) => Ok(Applied::Refreshing(Arc::new(TokenCache::new(provider)))),
        (SchemeKind::Basic, Credential::Basic { user, password }) => {
            if user.contains(':') || !visible_ascii(&user) || !visible_ascii(password.expose()) {
                return Err(ConfigError::InvalidToken);
            }
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose()));
            secrets.push(password);
            secrets.push(Secret::new(encoded.clone()));
            header(AUTHORIZATION, format!("Basic {encoded}"))
        }
        (SchemeKind::ApiKeyHeader(name), Credential::ApiKey(key)) => {
            if !visible_ascii(key.expose()) {
                return Err(ConfigError::InvalidToken);
            }
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidToken)?;
            secrets.push(key.clone());
            header(name, key.expose().to_owned())
        }
        (SchemeKind::ApiKeyQuery(name), Credential::ApiKey(key)) => {
            secrets.push(key.clone());
            Ok(Applied::Query(name, key))
        }
        (SchemeKind::Bearer, _) => Err(wrong("Credential::bearer(...) or Credential::bearer_provider(...)")),
        (SchemeKind::Basic, _) => Err(wrong("Credential::basic(...)")),
        (SchemeKind::ApiKeyHeader(_) | SchemeKind::ApiKeyQuery(_), _) => Err(wrong("Credential::api_key(...)")),
    }
}
