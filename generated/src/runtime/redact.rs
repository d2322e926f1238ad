//! Keeping secrets out of every text a caller or a log may see: the values of JSON fields
//! the spec marks secret, the client's token, and the secrets a request sent.

use std::borrow::Cow;

/// What stands in place of a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Replaces secrets in text.
#[derive(Default)]
pub(crate) struct Redactor<'a> {
    /// JSON keys whose string values are secret, wherever they appear.
    keys: &'a [&'static str],
    /// Exact secret values, replaced wherever they appear.
    values: Vec<Cow<'a, str>>,
}

impl<'a> Redactor<'a> {
    /// Redacts the string values of `keys`.
    pub fn new(keys: &'a [&'static str]) -> Self {
        Self { keys, values: Vec::new() }
    }

    /// Also redacts every occurrence of `value`, as it is and as JSON escapes it.
    pub fn value(&mut self, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if value.is_empty() {
            return;
        }
        let escaped = serde_json::to_string(value.as_ref()).ok().map(|quoted| quoted[1..quoted.len() - 1].to_owned());
        if let Some(escaped) = escaped.filter(|escaped| *escaped != value) {
            self.values.push(Cow::Owned(escaped));
        }
        self.values.push(value);
    }

    /// Also redacts the values that `json` (a request body) holds under secret keys.
    pub fn values_in(&mut self, json: &str) {
        let mut found = Vec::new();
        for_each_secret_string(json, self.keys, |start, end| found.push(json[start..end].to_owned()));
        for value in found {
            if let Ok(text) = serde_json::from_str::<String>(&format!("\"{value}\"")) {
                self.value(text);
            }
            self.value(value);
        }
    }

    /// `text` with every secret replaced by [`REDACTED`].
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut text = Cow::Borrowed(text);
        let mut spans = Vec::new();
        for_each_secret_string(&text, self.keys, |start, end| spans.push((start, end)));
        if !spans.is_empty() {
            let mut out = String::with_capacity(text.len());
            let mut last = 0;
            for (start, end) in spans {
                out.push_str(&text[last..start]);
                out.push_str(REDACTED);
                last = end;
            }
            out.push_str(&text[last..]);
            text = Cow::Owned(out);
        }
        for value in &self.values {
            if text.contains(value.as_ref()) {
                text = Cow::Owned(text.replace(value.as_ref(), REDACTED));
            }
        }
        text
    }
}

/// Calls `found(start, end)` for the contents of every JSON string that is the value of one
/// of `keys`, in order. Works on text that is not valid JSON too (a truncated body, JSON in
/// HTML), by looking for `"key"`, a colon and a string.
fn for_each_secret_string(text: &str, keys: &[&str], mut found: impl FnMut(usize, usize)) {
    if keys.is_empty() {
        return;
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(offset) = text[at..].find('"') {
        let key_start = at + offset + 1;
        let Some(key_end) = string_end(bytes, key_start) else { return };
        at = key_end + 1;
        if !keys.iter().any(|key| text[key_start..key_end] == **key) {
            continue;
        }
        let mut value = at;
        while bytes.get(value).is_some_and(u8::is_ascii_whitespace) {
            value += 1;
        }
        if bytes.get(value) != Some(&b':') {
            continue;
        }
        value += 1;
        while bytes.get(value).is_some_and(u8::is_ascii_whitespace) {
            value += 1;
        }
        if bytes.get(value) != Some(&b'"') {
            continue;
        }
        let start = value + 1;
        let end = string_end(bytes, start).unwrap_or(bytes.len());
        found(start, end);
        at = (end + 1).min(bytes.len());
    }
}

/// The index of the `"` that closes the JSON string whose contents start at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_redacted_in_json_and_in_broken_json() {
        let redactor = Redactor::new(&["password", "access_key"]);
        assert_eq!(
            redactor.redact(r#"{"user":{"name":"a","password" : "p\"w","access_key":"k"},"other":"password"}"#),
            r#"{"user":{"name":"a","password" : "[REDACTED]","access_key":"[REDACTED]"},"other":"password"}"#
        );
        assert_eq!(redactor.redact(r#"<p>{"password":"hunter2</p>"#), r#"<p>{"password":"[REDACTED]"#);
        assert_eq!(redactor.redact(r#"{"password": 12}"#), r#"{"password": 12}"#);
    }

    #[test]
    fn known_values_are_redacted_anywhere_raw_or_escaped() {
        let mut redactor = Redactor::new(&["password"]);
        redactor.value("tok/en\"1");
        redactor.values_in(r#"{"password":"se\"cret"}"#);
        let text = r#"Authorization: Bearer tok/en"1 echo {"pw":"se\"cret"} raw se"cret {"t":"tok/en\"1"}"#;
        let redacted = redactor.redact(text);
        assert!(!redacted.contains("tok/en"), "{redacted}");
        assert!(!redacted.contains("cret"), "{redacted}");
    }
}
