//! Reading a call back from its request, as the client wrote it: what generated
//! `Call::decode` impls use.

use bytes::Bytes;
use reqwest::header::COOKIE;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::lenient::Lenient;
use crate::ObjectStyle;
use crate::transport::AttemptRequest;

/// The path parameters of `request`, in the order of `template` (the operation's path as the
/// spec writes it), percent-decoded.
///
/// # Errors
///
/// When the URL's path does not end with the template's.
pub fn path_params(request: &AttemptRequest, template: &str) -> Result<Vec<String>, String> {
    let mut pieces: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        pieces.push(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |close| open + close + 1);
        rest = &rest[close..];
    }
    pieces.push(rest);
    let path = request.url.path();
    // The server's own path comes first: the template's first literal starts the rest.
    let starts = path.match_indices(pieces[0]).map(|(at, _)| at);
    for start in starts {
        if let Some(values) = match_pieces(&path[start..], &pieces) {
            return Ok(values);
        }
    }
    Err(format!("the path `{path}` is not `{template}`"))
}

fn match_pieces(path: &str, pieces: &[&str]) -> Option<Vec<String>> {
    let mut rest = path.strip_prefix(pieces[0])?;
    let mut values = Vec::new();
    for (index, literal) in pieces.iter().enumerate().skip(1) {
        let is_last = index == pieces.len() - 1;
        let end = if is_last && literal.is_empty() {
            rest.len()
        } else if is_last {
            rest.strip_suffix(literal).map(str::len)?
        } else {
            rest.find(literal)?
        };
        let value = &rest[..end];
        if value.contains('/') {
            return None;
        }
        values.push(percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned());
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty().then_some(values)
}

/// A parameter's value from its text, as the client wrote it: the text is taken as what the
/// type asks for (a number, a boolean, a string, or JSON text for a nested value).
///
/// # Errors
///
/// When the text is not a value of `T`.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    T::deserialize(Lenient(Value::String(text.to_owned()))).map_err(|error| format!("`{text}` is not a value of its type: {error}"))
}

/// The values of the query parameter `name`: one per pair, or split at `delimiter` for a
/// list sent as one pair.
pub fn query_texts(request: &AttemptRequest, name: &str, delimiter: Option<&str>) -> Vec<String> {
    let values = request.url.query_pairs().filter(|(key, _)| key == name).map(|(_, value)| value.into_owned());
    match delimiter {
        Some(delimiter) => values.flat_map(|joined| joined.split(delimiter).map(str::to_owned).collect::<Vec<_>>()).collect(),
        None => values.collect(),
    }
}

/// The value of the object parameter `name`, read back from the query pairs the client
/// wrote in `style`; `None` when it was not sent. An exploded object's pairs carry no name of
/// their own: every pair but those of the operation's `other` query parameters (`other[...]`
/// too, for a `deepObject`) is a property.
///
/// # Errors
///
/// When the pairs are not a value of `T`.
pub fn query_object<T: DeserializeOwned>(
    request: &AttemptRequest,
    name: &str,
    style: ObjectStyle,
    other: &[&str],
) -> Result<Option<T>, String> {
    let others = |key: &str| other.contains(&key) || key.split_once('[').is_some_and(|(name, _)| other.contains(&name));
    let mut fields = Map::new();
    for (key, value) in request.url.query_pairs() {
        match style {
            ObjectStyle::Exploded if !others(&key) => add_field(&mut fields, &[key.as_ref()], value.into_owned()),
            ObjectStyle::Joined if key == name => {
                let parts: Vec<&str> = value.split(',').collect();
                for pair in parts.chunks(2) {
                    add_field(&mut fields, &pair[..1], pair.get(1).copied().unwrap_or_default().to_owned());
                }
            }
            ObjectStyle::Deep => {
                let Some(path) = key.strip_prefix(name).and_then(|rest| rest.strip_prefix('[')).and_then(|rest| rest.strip_suffix(']'))
                else {
                    continue;
                };
                add_field(&mut fields, &path.split("][").collect::<Vec<_>>(), value.into_owned());
            }
            ObjectStyle::Exploded | ObjectStyle::Joined => {}
        }
    }
    object_of(fields, name)
}

fn object_of<T: DeserializeOwned>(fields: Map<String, Value>, name: &str) -> Result<Option<T>, String> {
    if fields.is_empty() {
        return Ok(None);
    }
    T::deserialize(Lenient(Value::Object(fields)))
        .map(Some)
        .map_err(|error| format!("the `{name}` parameter is not a value of its type: {error}"))
}

/// Puts `value` at `path` in `fields`; a name given twice makes a list.
fn add_field(fields: &mut Map<String, Value>, path: &[&str], value: String) {
    let Some((first, rest)) = path.split_first() else { return };
    if !rest.is_empty() {
        let inner = fields.entry((*first).to_owned()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(inner) = inner {
            add_field(inner, rest, value);
        }
        return;
    }
    match fields.get_mut(*first) {
        Some(Value::Array(items)) => items.push(Value::String(value)),
        Some(existing) => *existing = Value::Array(vec![existing.take(), Value::String(value)]),
        None => {
            fields.insert((*first).to_owned(), Value::String(value));
        }
    }
}

/// The value of the cookie `name`, percent-decoded.
pub fn cookie_text(request: &AttemptRequest, name: &str) -> Option<String> {
    let header = request.headers.get(COOKIE)?.to_str().ok()?;
    let value = header.split("; ").find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?;
    Some(percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned())
}

/// The value of a parameter sent as JSON text, when it was sent.
///
/// # Errors
///
/// When the text is not the JSON of a `T`.
pub fn json_text<T: DeserializeOwned>(text: Option<String>) -> Result<Option<T>, String> {
    text.map(|text| serde_json::from_str(&text).map_err(|error| format!("`{text}` is not the JSON of its type: {error}"))).transpose()
}

/// The value of the header `name`, as text.
pub fn header_text(request: &AttemptRequest, name: &str) -> Option<String> {
    request.headers.get(name).map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The request's JSON body as `T`.
///
/// # Errors
///
/// When there is no body, or it is not a `T`.
pub fn json_body<T: DeserializeOwned>(request: &AttemptRequest) -> Result<T, String> {
    let body = request.body.as_deref().unwrap_or_default();
    serde_json::from_slice(body).map_err(|error| format!("the body is not the operation's: {error}"))
}

/// The text of the field `wire` of the request's JSON body, when it has one: the update mask
/// as the client sent it, say.
pub fn json_text_field(request: &AttemptRequest, wire: &str) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(request.body.as_deref()?).ok()?;
    body.get(wire)?.as_str().map(str::to_owned)
}

/// The request's body as it was sent.
pub fn raw_body(request: &AttemptRequest) -> Bytes {
    request.body.clone().unwrap_or_default()
}

/// The JSON body of a 2xx answer carrying `body`.
pub fn json_success<T: Serialize>(body: &T) -> (Bytes, Option<&'static str>) {
    (Bytes::from(serde_json::to_vec(body).unwrap_or_default()), Some("application/json"))
}

/// The `index`-th of the values [`path_params`] read.
///
/// # Errors
///
/// When there are fewer.
pub fn nth(values: &[String], index: usize) -> Result<&str, String> {
    values.get(index).map(String::as_str).ok_or_else(|| format!("the path has no parameter {}", index + 1))
}

/// The value of an optional parameter, read from its text when there is one.
///
/// # Errors
///
/// When the text is not a value of `T`.
pub fn optional<T: DeserializeOwned>(text: Option<String>) -> Result<Option<T>, String> {
    text.map(|text| from_text(&text)).transpose()
}

/// The value of a required parameter.
///
/// # Errors
///
/// When it was not sent, or its text is not a value of `T`.
pub fn required<T: DeserializeOwned>(text: Option<String>, name: &str) -> Result<T, String> {
    from_text(&sent(text, name)?)
}

/// A required parameter's value, read back already.
///
/// # Errors
///
/// When it was not sent.
pub fn sent<T>(value: Option<T>, name: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("`{name}` was not sent"))
}

/// The values of a list parameter.
///
/// # Errors
///
/// When a text is not a value of `T`.
pub fn list<T: DeserializeOwned>(texts: Vec<String>) -> Result<Vec<T>, String> {
    texts.iter().map(|text| from_text(text)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_read_back_whatever_the_server_path() {
        let pieces = ["/v1/clusters/", "/users/", ":grant"];
        assert_eq!(match_pieces("/v1/clusters/c1/users/app%2F01:grant", &pieces), Some(vec!["c1".to_owned(), "app/01".to_owned()]));
        assert_eq!(match_pieces("/v1/clusters/c1/users/a/b:grant", &pieces), None);
        assert_eq!(match_pieces("/v1/clusters/c1", &["/v1/clusters/", ""]), Some(vec!["c1".to_owned()]));
    }

    #[test]
    fn parameter_texts_read_back_as_their_type() {
        assert_eq!(from_text::<String>("123"), Ok("123".to_owned()));
        assert_eq!(from_text::<i64>("123"), Ok(123));
        assert_eq!(from_text::<bool>("true"), Ok(true));
        assert_eq!(from_text::<Vec<i64>>("[1,2]"), Ok(vec![1, 2]));
        assert!(from_text::<i64>("x").is_err());
    }
}
