//! Keeping secrets out of every text a caller or a log may see: the values of JSON fields
//! the spec marks secret, the client's credentials, and the secrets a request sent.
//!
//! Secrets are looked for in what a reader will see, not only in the raw bytes: JSON strings
//! are decoded before searching (so `tok-\u0031` is `tok-1`), and each secret is also found
//! percent-encoded (any of its bytes as `%XX`, a space as `+`) and in base64 (both alphabets,
//! at each of the three alignments a secret can have inside a longer encoded text).

use std::borrow::Cow;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// What stands in place of a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are found only where they stand as a whole word (not next to a
/// letter, a digit, `_` or a non-ASCII character), and not in base64: a short secret is found
/// by chance in ordinary words (a token `t` in `not_found`), and the part of its base64 that
/// depends on it alone would be a few characters, found in any base64 text. Longer secrets are
/// found anywhere.
const MIN_ANYWHERE_SECRET_BYTES: usize = 8;

/// How deep JSON text held in a JSON string (held in a JSON string...) is decoded.
const MAX_NESTED_JSON: u8 = 3;

/// One secret value, with the forms it may come back in.
#[derive(Clone)]
pub(crate) struct SecretForms {
    /// The value's bytes, found as they are or percent-encoded.
    plain: Box<[u8]>,
    /// Its base64 encodings, each the stretch of characters that the secret alone decides,
    /// for both alphabets and the three alignments.
    base64: Vec<Box<[u8]>>,
    /// The bytes a form can start with: the first byte of each, `%` and `\` (an encoded first
    /// byte), and `+` for a leading space. Text is read once, looking these up.
    starts: Box<[bool; 256]>,
    /// The length of the shortest form: no shorter text can hold the secret.
    shortest: usize,
    /// Whether it is found only as a whole word (see [`MIN_ANYWHERE_SECRET_BYTES`]).
    whole_words_only: bool,
}

impl SecretForms {
    /// The forms of `secret`; `None` for an empty one, which hides nothing.
    pub fn new(secret: &str) -> Option<Self> {
        if secret.is_empty() {
            return None;
        }
        let plain: Box<[u8]> = secret.as_bytes().into();
        let mut base64 = Vec::new();
        if plain.len() >= MIN_ANYWHERE_SECRET_BYTES {
            for alphabet in [STANDARD_ALPHABET, URL_SAFE_ALPHABET] {
                for offset in 0..3 {
                    let form = stable_base64(&plain, offset, alphabet);
                    if !base64.contains(&form) {
                        base64.push(form);
                    }
                }
            }
        }
        let mut starts = Box::new([false; 256]);
        for byte in [plain[0], b'%', b'\\'].into_iter().chain(base64.iter().map(|form| form[0])) {
            starts[usize::from(byte)] = true;
        }
        starts[usize::from(b'+')] |= plain[0] == b' ';
        // Every encoding is at least as long as the secret, but for base64 (shorter by what
        // the alignment leaves out).
        let shortest = base64.iter().map(|form| form.len()).chain([plain.len()]).min().unwrap_or(plain.len());
        let whole_words_only = plain.len() < MIN_ANYWHERE_SECRET_BYTES;
        Some(Self { plain, base64, starts, shortest, whole_words_only })
    }

    /// Adds to `spans` each stretch of `text` that holds the secret in one of its forms, in one
    /// pass over the text.
    fn find_in(&self, text: &[u8], spans: &mut Vec<(usize, usize)>) {
        if text.len() < self.shortest {
            return;
        }
        let mut at = 0;
        while let Some(offset) = text[at..].iter().position(|byte| self.starts[usize::from(*byte)]) {
            let start = at + offset;
            let end = encoded_match(text, start, &self.plain)
                .or_else(|| self.base64.iter().find(|form| text[start..].starts_with(form)).map(|form| start + form.len()))
                .filter(|end| !self.whole_words_only || stands_alone(text, start, *end));
            match end {
                Some(end) => {
                    spans.push((start, end));
                    at = end;
                }
                None => at = start + 1,
            }
            if at >= text.len() {
                break;
            }
        }
    }
}

/// Whether `text[start..end]` is a whole word: the character before it and the one after it
/// (each maybe percent-encoded) is no letter, digit, `_` or non-ASCII character.
fn stands_alone(text: &[u8], start: usize, end: usize) -> bool {
    let is_word = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || !byte.is_ascii();
    let before = match start.checked_sub(3).and_then(|at| text.get(at..start)) {
        Some([b'%', digits @ ..]) if hex_byte(digits).is_some() => hex_byte(digits),
        _ => start.checked_sub(1).and_then(|at| text.get(at).copied()),
    };
    let after = match text.get(end..end + 3) {
        Some([b'%', digits @ ..]) if hex_byte(digits).is_some() => hex_byte(digits),
        _ => text.get(end).copied(),
    };
    !before.is_some_and(is_word) && !after.is_some_and(is_word)
}

/// Where a match of `secret` starting at `start` ends: each of its bytes as it is, as `%XX`
/// (hex in either case) or, for a space, as `+`; each of its characters as it is or as a
/// JSON escape (`\"`, `\n`, `\u0031`, a surrogate pair...).
fn encoded_match(text: &[u8], start: usize, secret: &[u8]) -> Option<usize> {
    let Some((&byte, rest)) = secret.split_first() else { return Some(start) };
    let at = text.get(start..)?;
    let first = *at.first()?;
    if first == b'%' && at.get(1..3).and_then(hex_byte) == Some(byte) {
        if let Some(end) = encoded_match(text, start + 3, rest) {
            return Some(end);
        }
    }
    if let Some((decoded, used)) = Some(at).filter(|_| first == b'\\').and_then(json_escape) {
        let mut buffer = [0_u8; 4];
        let decoded = decoded.encode_utf8(&mut buffer).as_bytes();
        if let Some(end) = Some(decoded)
            .filter(|decoded| secret.starts_with(decoded))
            .and_then(|decoded| encoded_match(text, start + used, &secret[decoded.len()..]))
        {
            return Some(end);
        }
    }
    if first == byte || (byte == b' ' && first == b'+') { encoded_match(text, start + 1, rest) } else { None }
}

/// The character a JSON escape at the start of `text` stands for, and its length.
fn json_escape(text: &[u8]) -> Option<(char, usize)> {
    let simple = match *text.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = |at: usize| {
                let hex = text.get(at..at + 4).filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))?;
                u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
            };
            let high = unit(2)?;
            if let Some(c) = char::from_u32(u32::from(high)) {
                return Some((c, 6));
            }
            let low = if text.get(6..8) == Some(b"\\u") { unit(8)? } else { return None };
            return char::decode_utf16([high, low]).next()?.ok().map(|c| (c, 12));
        }
        _ => return None,
    };
    Some((simple, 2))
}

/// The byte two hex digits stand for.
fn hex_byte(digits: &[u8]) -> Option<u8> {
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u8::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

const STANDARD_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The base64 characters that `secret` alone decides when it starts `offset` bytes (0, 1 or
/// 2) into a group of three: the characters whose six bits all come from it.
fn stable_base64(secret: &[u8], offset: usize, alphabet: &[u8; 64]) -> Box<[u8]> {
    let first_bit = 8 * offset;
    let end_bit = first_bit + 8 * secret.len();
    let bit = |index: usize| {
        let byte = secret[(index - first_bit) / 8];
        (byte >> (7 - (index - first_bit) % 8)) & 1
    };
    let mut out = Vec::with_capacity(secret.len() * 4 / 3 + 1);
    let mut char_start = first_bit.div_ceil(6) * 6;
    while char_start + 6 <= end_bit {
        let value = (char_start..char_start + 6).fold(0_usize, |value, index| (value << 1) | usize::from(bit(index)));
        out.push(alphabet[value]);
        char_start += 6;
    }
    out.into()
}

/// The JSON keys whose string values are secret, each with a searcher made once per client.
pub(crate) struct SecretKeys {
    names: &'static [&'static str],
    finders: Vec<memchr::memmem::Finder<'static>>,
}

impl SecretKeys {
    /// The keys `names`.
    pub fn new(names: &'static [&'static str]) -> Self {
        Self { names, finders: names.iter().map(|name| memchr::memmem::Finder::new(name.as_bytes())).collect() }
    }

    /// Whether `text` may hold one of the keys: it holds one as it is (a request body written
    /// by serde never escapes them).
    fn may_be_in(&self, text: &str) -> bool {
        self.finders.iter().any(|finder| finder.find(text.as_bytes()).is_some())
    }
}

/// Replaces secrets in text, JSON and headers.
pub(crate) struct Redactor<'a> {
    /// JSON keys whose string values are secret, wherever they appear.
    keys: &'a SecretKeys,
    /// Secrets known before the call (the client's credentials).
    known: &'a [SecretForms],
    /// Secrets of this call.
    sent: Vec<SecretForms>,
}

impl<'a> Redactor<'a> {
    /// Redacts the string values of `keys` and every form of the `known` secrets.
    pub fn new(keys: &'a SecretKeys, known: &'a [SecretForms]) -> Self {
        Self { keys, known, sent: Vec::new() }
    }

    /// Also redacts the secrets a call sent, kept from it (see [`into_sent`](Self::into_sent)).
    pub fn with_sent(mut self, sent: &[SecretForms]) -> Self {
        self.sent.extend_from_slice(sent);
        self
    }

    /// The secrets of the call this redactor was made for, to redact later answers that
    /// belong to it (the polls of an operation it started).
    pub fn into_sent(self) -> Vec<SecretForms> {
        self.sent
    }

    /// Also redacts every form of `value`.
    pub fn value(&mut self, value: &str) {
        if let Some(forms) = SecretForms::new(value).filter(|forms| !self.sent.iter().any(|known| known.plain == forms.plain)) {
            self.sent.push(forms);
        }
    }

    /// Also redacts the values that `json` (a request body written by serde) holds under
    /// `keys`, decoded.
    pub fn values_in(&mut self, json: &str) {
        if !self.keys.may_be_in(json) {
            return;
        }
        let mut found = Vec::new();
        for literal in StringLiterals::new(json) {
            if let Some(value) = literal.value_after_key(json, self.keys.names) {
                found.push(value.decoded(json).into_owned());
            }
        }
        for value in found {
            self.value(&value);
        }
    }

    /// Whether there is any secret to look for besides the secret keys.
    fn has_values(&self) -> bool {
        !self.known.is_empty() || !self.sent.is_empty()
    }

    fn all_forms(&self) -> impl Iterator<Item = &SecretForms> {
        self.known.iter().chain(&self.sent)
    }

    /// `text` with every secret replaced by [`REDACTED`]: the contents of JSON strings are
    /// decoded first (and re-encoded when they change), the value of a secret key is
    /// replaced whole, and any form of a known secret anywhere else too.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.redact_nested(text, 0)
    }

    fn redact_nested<'t>(&self, text: &'t str, depth: u8) -> Cow<'t, str> {
        let mut replacements: Vec<(usize, usize, String)> = Vec::new();
        let mut literals = StringLiterals::new(text);
        while let Some(literal) = literals.next() {
            if let Some(value) = literal.value_after_key(text, self.keys.names) {
                replacements.push((value.start, value.end, REDACTED.to_owned()));
                literals.skip_to(value.end);
                continue;
            }
            let Cow::Owned(decoded) = literal.decoded(text) else {
                // Nothing escaped, so no JSON inside: the search below sees it as it is.
                continue;
            };
            let inner = if depth < MAX_NESTED_JSON { self.redact_nested(&decoded, depth + 1) } else { self.redact_plain(&decoded) };
            if let Cow::Owned(redacted) = inner {
                replacements.push((literal.start, literal.end, json_escaped(&redacted)));
            }
        }
        let text = replace_spans(text, replacements);
        match self.redact_plain(&text) {
            Cow::Owned(redacted) => Cow::Owned(redacted),
            Cow::Borrowed(_) => text,
        }
    }

    /// `text` with every form of every known secret replaced.
    fn redact_plain<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let spans = self.spans(text.as_bytes());
        let spans = spans.into_iter().filter(|(start, end)| text.is_char_boundary(*start) && text.is_char_boundary(*end));
        replace_spans(text, spans.map(|(start, end)| (start, end, REDACTED.to_owned())).collect())
    }

    /// Every stretch of `bytes` that holds a secret, sorted, overlaps merged.
    fn spans(&self, bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        for forms in self.all_forms() {
            forms.find_in(bytes, &mut spans);
        }
        merged(spans)
    }

    /// Redacts every secret in a JSON value: the string values of secret keys, and any form of
    /// a known secret in any string or key.
    pub fn redact_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                if let Cow::Owned(redacted) = self.redact(text) {
                    *text = redacted;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|item| self.redact_json(item)),
            serde_json::Value::Object(fields) => {
                let renamed: Vec<(String, String)> = fields
                    .keys()
                    .filter_map(|key| match self.redact(key) {
                        Cow::Owned(redacted) => Some((key.clone(), redacted)),
                        Cow::Borrowed(_) => None,
                    })
                    .collect();
                for (old, new) in renamed {
                    if let Some(field) = fields.remove(&old) {
                        fields.insert(new, field);
                    }
                }
                for (key, field) in fields.iter_mut() {
                    if self.keys.names.contains(&key.as_str()) && field.is_string() {
                        *field = serde_json::Value::String(REDACTED.to_owned());
                    } else {
                        self.redact_json(field);
                    }
                }
            }
            _ => {}
        }
    }

    /// Redacts every header value that holds a secret, whatever its bytes, and drops every
    /// header whose name holds one.
    pub fn redact_headers(&self, headers: &mut HeaderMap) {
        if !self.has_values() {
            return;
        }
        let mut named: Vec<HeaderName> = Vec::new();
        for (name, value) in headers.iter_mut() {
            if !self.spans(name.as_str().as_bytes()).is_empty() {
                named.push(name.clone());
                continue;
            }
            if self.spans(value.as_bytes()).is_empty() && !value.as_bytes().contains(&b'"') {
                continue;
            }
            let text = String::from_utf8_lossy(value.as_bytes());
            if let Cow::Owned(redacted) = self.redact(&text) {
                *value = HeaderValue::from_bytes(redacted.as_bytes()).unwrap_or_else(|_| HeaderValue::from_static(REDACTED));
            }
        }
        for name in named {
            headers.remove(&name);
        }
    }
}

/// `text` with each `(start, end, replacement)` (in order, not overlapping) put in.
fn replace_spans(text: &str, replacements: Vec<(usize, usize, String)>) -> Cow<'_, str> {
    if replacements.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, replacement) in replacements {
        out.push_str(&text[last..start]);
        out.push_str(&replacement);
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// `spans` sorted, with overlapping ones made one.
fn merged(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match out.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// `text` as the contents of a JSON string.
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default().to_owned()
}

/// The contents of one string literal (between its quotes) in a text.
#[derive(Clone, Copy)]
struct Literal {
    start: usize,
    end: usize,
    /// Whether a closing quote was found.
    closed: bool,
}

impl Literal {
    /// The contents with JSON escapes resolved; as they are when they do not decode.
    fn decoded<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let contents = &text[self.start..self.end];
        if !self.closed || !contents.contains('\\') {
            return Cow::Borrowed(contents);
        }
        serde_json::from_str::<String>(&text[self.start - 1..=self.end]).map_or(Cow::Borrowed(contents), Cow::Owned)
    }

    /// When this literal is one of `keys` followed by a colon and a string, that string.
    fn value_after_key(&self, text: &str, keys: &[&str]) -> Option<Literal> {
        if keys.is_empty() || !self.closed || !keys.iter().any(|key| *key == self.decoded(text)) {
            return None;
        }
        let rest = text[self.end + 1..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
        let start = text.len() - rest.len();
        Some(literal_from(text.as_bytes(), start))
    }
}

/// The literal whose contents start at `start` (after its opening quote).
fn literal_from(bytes: &[u8], start: usize) -> Literal {
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return Literal { start, end: at, closed: true },
            _ => at += 1,
        }
    }
    Literal { start, end: bytes.len(), closed: false }
}

/// The string literals of a text, JSON or not, in order.
struct StringLiterals<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl<'t> StringLiterals<'t> {
    fn new(text: &'t str) -> Self {
        Self { bytes: text.as_bytes(), at: 0 }
    }

    /// Goes on after `end`, the closing quote of a literal taken elsewhere.
    fn skip_to(&mut self, end: usize) {
        self.at = (end + 1).min(self.bytes.len());
    }
}

impl Iterator for StringLiterals<'_> {
    type Item = Literal;

    fn next(&mut self) -> Option<Literal> {
        let quote = self.at + memchr::memchr(b'"', self.bytes.get(self.at..)?)?;
        let literal = literal_from(self.bytes, quote + 1);
        self.skip_to(literal.end.min(self.bytes.len()));
        // An escape cut at the end of the text may leave `end` past it.
        Some(Literal { end: literal.end.min(self.bytes.len()), ..literal })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(secrets: &[&str]) -> Vec<SecretForms> {
        secrets.iter().filter_map(|secret| SecretForms::new(secret)).collect()
    }

    #[test]
    fn secret_keys_are_redacted_in_json_and_in_broken_json() {
        let keys = SecretKeys::new(&["password", "access_key"]);
        let redactor = Redactor::new(&keys, &[]);
        assert_eq!(
            redactor.redact(r#"{"user":{"name":"a","password" : "p\"w","access_key":"k"},"other":"password"}"#),
            r#"{"user":{"name":"a","password" : "[REDACTED]","access_key":"[REDACTED]"},"other":"password"}"#
        );
        assert_eq!(redactor.redact(r#"<p>{"password":"hunter2</p>"#), r#"<p>{"password":"[REDACTED]"#);
        assert_eq!(redactor.redact(r#"{"password": 12}"#), r#"{"password": 12}"#);
        assert_eq!(redactor.redact(r#"{"pass\u0077ord":"x"}"#), r#"{"pass\u0077ord":"[REDACTED]"}"#, "an escaped key is still the key");
    }

    #[test]
    fn known_values_are_redacted_anywhere_raw_or_escaped() {
        let known = forms(&["tok/en\"1"]);
        let keys = SecretKeys::new(&["password"]);
        let mut redactor = Redactor::new(&keys, &known);
        redactor.values_in(r#"{"password":"se\"cret"}"#);
        let text = r#"Authorization: Bearer tok/en"1 echo {"pw":"se\"cret"} raw se"cret {"t":"tok/en\"1"}"#;
        let redacted = redactor.redact(text);
        assert!(!redacted.contains("tok/en"), "{redacted}");
        assert!(!redacted.contains("cret"), "{redacted}");
    }

    #[test]
    fn json_escapes_are_resolved_before_searching() {
        let known = forms(&["tok-123"]);
        let keys = SecretKeys::new(&[]);
        let redactor = Redactor::new(&keys, &known);
        let redacted = redactor.redact(r#"{"message":"token was Bearer tok-\u0031\u0032\u0033, see"}"#);
        assert_eq!(redacted, r#"{"message":"token was Bearer [REDACTED], see"}"#);
        let nested = redactor.redact(r#"{"message":"sent {\"t\":\"tok-\\u0031\\u0032\\u0033\"}"}"#);
        assert!(!serde_json::from_str::<serde_json::Value>(&nested).unwrap().to_string().contains("tok-1"), "{nested}");
    }

    #[test]
    fn percent_encoded_forms_are_found_in_any_case_and_mix() {
        let known = forms(&["p@ss w/rd"]);
        let keys = SecretKeys::new(&[]);
        let redactor = Redactor::new(&keys, &known);
        for echo in ["p%40ss%20w%2Frd", "p%40ss+w%2frd", "%70%40%73%73%20%77%2F%72%64", "p@ss w/rd"] {
            assert_eq!(redactor.redact(&format!("x={echo}&y")), "x=[REDACTED]&y", "{echo}");
        }
        assert_eq!(redactor.redact("p%40ss w"), "p%40ss w", "a prefix is not the secret");
    }

    #[test]
    fn base64_forms_are_found_at_every_alignment() {
        let secret = "n3w-passw0rd";
        let known = forms(&[secret]);
        let keys = SecretKeys::new(&[]);
        let redactor = Redactor::new(&keys, &known);
        for prefix in ["", "a", "ab", "user:", "Bearer "] {
            let plain = format!("{prefix}{secret}~~");
            for alphabet in [STANDARD_ALPHABET, URL_SAFE_ALPHABET] {
                let encoded = String::from_utf8(stable_base64(plain.as_bytes(), 0, alphabet).into_vec()).unwrap();
                let redacted = redactor.redact(&encoded);
                assert!(redacted.contains(REDACTED), "{prefix:?}: {encoded} -> {redacted}");
            }
        }
        assert_eq!(&*stable_base64(b"foobar", 0, STANDARD_ALPHABET), b"Zm9vYmFy");
        assert_eq!(&*stable_base64(b"foob", 0, STANDARD_ALPHABET), b"Zm9vY", "the last character depends on what follows");
    }

    #[test]
    fn json_values_lose_their_secrets_in_strings_keys_and_secret_fields() {
        let known = forms(&["tok-123"]);
        let keys = SecretKeys::new(&["password"]);
        let redactor = Redactor::new(&keys, &known);
        let mut value = serde_json::json!({"details": [{"password": "hunter2", "note": "Bearer tok-123", "tok-123": 1}]});
        redactor.redact_json(&mut value);
        assert_eq!(value, serde_json::json!({"details": [{"password": REDACTED, "note": "Bearer [REDACTED]", REDACTED: 1}]}));
    }

    #[test]
    fn short_secrets_are_redacted_only_as_whole_words() {
        let keys = SecretKeys::new(&["password"]);
        for secret in ["t", "ab", "tok-1", "x9_y8z7"] {
            let known = forms(&[secret]);
            let redactor = Redactor::new(&keys, &known);
            // Text that merely holds the secret's letters is left as it is.
            for text in [
                r#"{"id":"not_found","message":"The resource you were accessing could not be found."}"#,
                "token tok-12 stoke abc xab x9_y8z7a a_t t_a ätä",
                "%74est t%65st",
            ] {
                if !text.contains(&format!(" {secret} ")) {
                    assert_eq!(redactor.redact(text), text, "{secret:?} in {text}");
                }
            }
            // Where it stands alone, in any of the encodings, it is found.
            let percent: String = secret.bytes().map(|byte| format!("%{byte:02X}")).collect();
            for echo in
                [format!("Bearer {secret}"), format!("{{\"token\":\"{secret}\"}}"), format!("t={percent}&x"), format!("%20{secret}%20")]
            {
                assert!(!redactor.redact(&echo).contains(secret) || secret == "t", "{secret:?} in {echo}: {}", redactor.redact(&echo));
                assert!(redactor.redact(&echo).contains(REDACTED), "{secret:?} in {echo}: {}", redactor.redact(&echo));
            }
        }
        let known = forms(&["passw0rd"]);
        let redactor = Redactor::new(&keys, &known);
        assert_eq!(redactor.redact("mypassw0rd2"), "my[REDACTED]2", "8 bytes or more: found anywhere");
    }

    #[test]
    fn header_values_are_redacted_whatever_their_bytes() {
        let known = forms(&["tok-123"]);
        let keys = SecretKeys::new(&[]);
        let redactor = Redactor::new(&keys, &known);
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", HeaderValue::from_bytes(b"\xffBearer tok-123").unwrap());
        headers.insert("x-other", HeaderValue::from_bytes(b"\xff ok").unwrap());
        redactor.redact_headers(&mut headers);
        assert!(!headers["x-echo"].as_bytes().windows(7).any(|w| w == b"tok-123"), "{:?}", headers["x-echo"]);
        assert_eq!(headers["x-other"].as_bytes(), b"\xff ok");
    }
}
