//! One request, built step by step by a generated method; problems with its arguments are kept
//! and reported before anything is sent.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;

use super::multipart::{MultipartBody, Parts};
use super::pairs::{self, ObjectStyle};
use super::redact::SecretForms;
use super::validate::{FieldPath, Rules, Validate};
use super::{ArgumentError, ArgumentProblem, Operation, ParamValue, Secret};

/// The characters a path parameter keeps as they are: RFC 3986's unreserved set. Everything
/// else, `/`, `?`, `#`, `%`, spaces and non-ASCII included, is percent-encoded, so a value is
/// always exactly one path segment.
const SEGMENT_KEEPS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// What a cookie value escapes: what RFC 6265 keeps out of one (controls, space, `"`, `,`,
/// `;`, `\`), and `%`, so that the value reads back as it was.
const COOKIE_ESCAPES: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');

/// The bytes [`SEGMENT_KEEPS`] keeps (letters, digits, `-`, `.`, `_`, `~`), as a table: a
/// quick way to find that a value needs no escape at all.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        byte += 1;
    }
    table
};

/// A request being built: the operation it belongs to, its path, query, headers and body.
#[doc(hidden)]
pub struct Request {
    pub(super) operation: &'static Operation,
    pub(super) path: String,
    pub(super) query: Vec<(Cow<'static, str>, String)>,
    /// The cookies, as the `Cookie` header sends them: `name=value` pairs joined by `; `.
    pub(super) cookies: String,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) body: Option<Bytes>,
    /// The media type of the body.
    pub(super) content_type: std::borrow::Cow<'static, str>,
    /// Secret values sent outside the body (in headers), redacted from any echo.
    pub(super) secrets: Vec<Secret>,
    /// Secrets an earlier call sent, redacted from this one's answers too: a poll redacts
    /// what the call that started its operation sent.
    pub(super) earlier_secrets: Vec<SecretForms>,
    pub(super) problem: Option<ArgumentError>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.id)
            .field("method", &self.operation.method)
            .field("path", &self.operation.path)
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

impl Request {
    /// Starts a request of `operation`.
    pub fn new(operation: &'static Operation) -> Self {
        Self {
            operation,
            // About the length of the path once its parameters are in: one allocation, not a
            // few as it grows.
            path: String::with_capacity(operation.path.len() + 16),
            query: Vec::new(),
            cookies: String::new(),
            headers: Vec::new(),
            body: None,
            content_type: std::borrow::Cow::Borrowed("application/json"),
            secrets: Vec::new(),
            earlier_secrets: Vec::new(),
            problem: None,
        }
    }

    /// Also redacts `secrets`, which an earlier call sent, from this request's answers.
    pub(crate) fn redacting(mut self, secrets: &[SecretForms]) -> Self {
        self.earlier_secrets.extend_from_slice(secrets);
        self
    }

    /// Appends literal path text, as the spec writes it.
    pub fn path(mut self, literal: &str) -> Self {
        self.path.push_str(literal);
        self
    }

    /// Appends a path parameter, percent-encoded as one whole segment.
    pub fn path_param(mut self, name: &'static str, value: impl ParamValue) -> Self {
        let text = value.param_text();
        match text.as_ref() {
            "" => self.refuse("path", name, ArgumentProblem::EmptyPathSegment),
            "." | ".." => self.refuse("path", name, ArgumentProblem::DotPathSegment),
            // Most values (ids, names) need no escape: copied as they are.
            text if text.bytes().all(|b| UNRESERVED[usize::from(b)]) => self.path.push_str(text),
            _ => self.path.extend(utf8_percent_encode(&text, SEGMENT_KEEPS)),
        }
        self
    }

    /// Adds a query pair.
    pub fn query(mut self, name: &'static str, value: impl ParamValue) -> Self {
        self.query.push((Cow::Borrowed(name), value.param_text().into_owned()));
        self
    }

    /// Adds a query pair when the value is given.
    pub fn query_opt(self, name: &'static str, value: Option<impl ParamValue>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds one query pair whose value is the values joined by `delimiter`: `,` for
    /// `explode: false`, ` ` for `spaceDelimited`, `|` for `pipeDelimited`; nothing for no
    /// values.
    pub fn query_joined<T: ParamValue>(mut self, name: &'static str, values: &[T], delimiter: &str) -> Self {
        if !values.is_empty() {
            let joined: Vec<String> = values.iter().map(|value| value.param_text().into_owned()).collect();
            self.query.push((Cow::Borrowed(name), joined.join(delimiter)));
        }
        self
    }

    /// Adds the query pairs of an object parameter, written in `style`.
    pub fn query_object<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T, style: ObjectStyle) -> Self {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(fields)) => {
                let pairs = pairs::object_pairs(name, &fields, style);
                self.query.extend(pairs.into_iter().map(|(name, value)| (Cow::Owned(name), value)));
            }
            // A map or object type always serializes to an object; anything else is its text.
            Ok(other) => self.query.push((Cow::Borrowed(name), pairs::text(&other))),
            Err(error) => self.refuse("query", name, ArgumentProblem::Body(error)),
        }
        self
    }

    /// Adds the query pairs of an object parameter when it is given.
    pub fn query_object_opt<T: Serialize>(self, name: &'static str, value: Option<&T>, style: ObjectStyle) -> Self {
        match value {
            Some(value) => self.query_object(name, value, style),
            None => self,
        }
    }

    /// Adds a cookie.
    pub fn cookie(mut self, name: &'static str, value: impl ParamValue) -> Self {
        if let Some(secret) = value.secret() {
            self.secrets.push(secret.clone());
        }
        if !self.cookies.is_empty() {
            self.cookies.push_str("; ");
        }
        self.cookies.push_str(name);
        self.cookies.push('=');
        self.cookies.extend(utf8_percent_encode(&value.param_text(), COOKIE_ESCAPES));
        self
    }

    /// Adds a cookie when the value is given.
    pub fn cookie_opt(self, name: &'static str, value: Option<impl ParamValue>) -> Self {
        match value {
            Some(value) => self.cookie(name, value),
            None => self,
        }
    }

    /// Adds one query pair per value, all with the same name.
    pub fn query_list<T: ParamValue>(mut self, name: &'static str, values: &[T]) -> Self {
        for value in values {
            self = self.query(name, value);
        }
        self
    }

    /// Adds a request header.
    pub fn header(mut self, name: &'static str, value: impl ParamValue) -> Self {
        if let Some(secret) = value.secret() {
            self.secrets.push(secret.clone());
        }
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value.param_text())) {
            (Ok(header_name), Ok(mut header_value)) => {
                header_value.set_sensitive(value.secret().is_some());
                self.headers.push((header_name, header_value));
            }
            _ => self.refuse("header", name, ArgumentProblem::InvalidHeaderValue),
        }
        self
    }

    /// Adds a request header when the value is given.
    pub fn header_opt(self, name: &'static str, value: Option<impl ParamValue>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// Adds the idempotency-key header: the caller's key, or else a fresh UUID v4. The same key
    /// goes out on every attempt of the call.
    pub fn idempotency_key(self, name: &'static str, value: Option<impl ParamValue>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self.header(name, uuid::Uuid::new_v4()),
        }
    }

    /// Checks the constraints the spec states on a parameter.
    pub fn check<T: Validate + ?Sized>(mut self, location: &'static str, name: &'static str, value: &T, rules: &Rules) -> Self {
        if self.problem.is_none() {
            self.problem = value.check(rules, &FieldPath::Root(location, name)).err();
        }
        self
    }

    /// Checks the body against the constraints of its type, then sets it as JSON.
    pub fn json<T: Serialize + Validate + ?Sized>(mut self, body: &T) -> Self {
        if !self.body_is_valid(body) {
            return self;
        }
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Bytes::from(bytes)),
            Err(error) => self.refuse("body", "", ArgumentProblem::Body(error)),
        }
        self
    }

    /// Checks the body against the constraints of its type, then sets it as a form
    /// (`application/x-www-form-urlencoded`): each field a pair (in name order), a list one
    /// pair per item, and a nested object or a list of them as its JSON text.
    pub fn form<T: Serialize + Validate + ?Sized>(mut self, body: &T) -> Self {
        if !self.body_is_valid(body) {
            return self;
        }
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(fields)) => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.extend_pairs(pairs::object_pairs("", &fields, ObjectStyle::Exploded));
                self.body = Some(Bytes::from(form.finish()));
                self.content_type = std::borrow::Cow::Borrowed("application/x-www-form-urlencoded");
            }
            Ok(_) => {
                let error = serde::ser::Error::custom("a form body must be an object");
                self.refuse("body", "", ArgumentProblem::Body(error));
            }
            Err(error) => self.refuse("body", "", ArgumentProblem::Body(error)),
        }
        self
    }

    /// Sets the form body when one is given.
    pub fn form_opt<T: Serialize + Validate + ?Sized>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.form(body),
            None => self,
        }
    }

    /// Checks the body against the constraints of its type, then sets it as a multipart body
    /// of `media_type` (`multipart/form-data`, `multipart/mixed`, ...) holding the parts its
    /// type lists.
    pub fn multipart<T: MultipartBody + Validate + ?Sized>(mut self, body: &T, media_type: &'static str) -> Self {
        if !self.body_is_valid(body) {
            return self;
        }
        let mut parts = Parts::new();
        body.parts(&mut parts);
        let (bytes, content_type) = parts.finish(media_type);
        self.body = Some(bytes);
        self.content_type = std::borrow::Cow::Owned(content_type);
        self
    }

    /// Sets a multipart body when one is given.
    pub fn multipart_opt<T: MultipartBody + Validate + ?Sized>(self, body: Option<&T>, media_type: &'static str) -> Self {
        match body {
            Some(body) => self.multipart(body, media_type),
            None => self,
        }
    }

    /// Sets a body sent as it is (text or bytes), of `content_type`.
    pub fn raw(mut self, body: &[u8], content_type: &'static str) -> Self {
        self.body = Some(Bytes::copy_from_slice(body));
        self.content_type = std::borrow::Cow::Borrowed(content_type);
        self
    }

    /// Sets a body sent as it is when one is given.
    pub fn raw_opt(self, body: Option<&[u8]>, content_type: &'static str) -> Self {
        match body {
            Some(body) => self.raw(body, content_type),
            None => self,
        }
    }

    /// Sets the JSON body when one is given.
    pub fn json_opt<T: Serialize + Validate + ?Sized>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    /// Whether the request has no problem so far and `body` meets the constraints of its type
    /// (a problem it has is kept).
    fn body_is_valid<T: Validate + ?Sized>(&mut self, body: &T) -> bool {
        if self.problem.is_some() {
            return false;
        }
        match body.validate(&FieldPath::Root("body", "")) {
            Ok(()) => true,
            Err(error) => {
                self.problem = Some(error);
                false
            }
        }
    }

    /// Keeps the first problem; it is reported instead of sending.
    fn refuse(&mut self, location: &'static str, name: &'static str, problem: ArgumentProblem) {
        self.problem.get_or_insert_with(|| ArgumentError { argument: FieldPath::Root(location, name).to_string(), problem });
    }
}
