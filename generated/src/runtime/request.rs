//! One request, built step by step by a generated method; problems with its arguments are kept
//! and reported before anything is sent.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;

use super::{ArgumentError, ArgumentProblem, ParamValue};

/// The characters a path parameter keeps as they are: RFC 3986's unreserved set. Everything
/// else, `/`, `?`, `#`, `%`, spaces and non-ASCII included, is percent-encoded, so a value is
/// always exactly one path segment.
const SEGMENT_KEEPS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A request being built: method, path, query, headers and body.
#[derive(Debug)]
pub struct Request {
    pub(super) method: Method,
    pub(super) server: Option<&'static str>,
    pub(super) authenticated: bool,
    pub(super) path: String,
    pub(super) query: Vec<(&'static str, String)>,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) body: Option<Vec<u8>>,
    pub(super) problem: Option<ArgumentError>,
}

impl Request {
    /// Starts a request with `method`, sent to the API's default server.
    pub fn new(method: Method) -> Self {
        Self {
            method,
            server: None,
            authenticated: false,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            problem: None,
        }
    }

    /// Sends the request to this server instead of the API's default one (unless the client
    /// has a base URL, which wins).
    pub fn server(mut self, url: &'static str) -> Self {
        self.server = Some(url);
        self
    }

    /// Sends the client's bearer token with the request.
    pub fn bearer(mut self) -> Self {
        self.authenticated = true;
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
            "" => self.refuse(name, ArgumentProblem::EmptyPathSegment),
            "." | ".." => self.refuse(name, ArgumentProblem::DotPathSegment),
            _ => self.path.extend(utf8_percent_encode(&text, SEGMENT_KEEPS)),
        }
        self
    }

    /// Adds a query pair.
    pub fn query(mut self, name: &'static str, value: impl ParamValue) -> Self {
        self.query.push((name, value.param_text().into_owned()));
        self
    }

    /// Adds a query pair when the value is given.
    pub fn query_opt(self, name: &'static str, value: Option<impl ParamValue>) -> Self {
        match value {
            Some(value) => self.query(name, value),
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
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value.param_text())) {
            (Ok(header_name), Ok(header_value)) => self.headers.push((header_name, header_value)),
            _ => self.refuse(name, ArgumentProblem::InvalidHeaderValue),
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

    /// Sets the JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(error) => self.refuse("body", ArgumentProblem::Body(error)),
        }
        self
    }

    /// Sets the JSON body when one is given.
    pub fn json_opt(self, body: Option<&impl Serialize>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    /// Keeps the first problem; it is reported instead of sending.
    fn refuse(&mut self, argument: &'static str, problem: ArgumentProblem) {
        self.problem.get_or_insert(ArgumentError { argument, problem });
    }
}
