//! An independent look for secrets in what a caller may print: every encoding a server may
//! echo one in, undone.

use base64::Engine;

/// The stretches of the base64 of `secret` that it alone decides, at each alignment and in
/// both alphabets, computed with the `base64` crate.
fn base64_forms(secret: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for engine in [base64::engine::general_purpose::STANDARD, base64::engine::general_purpose::URL_SAFE] {
        for prefix in ["", "a", "ab"] {
            let encoded = engine.encode(format!("{prefix}{secret}~~~"));
            let first = (8 * prefix.len()).div_ceil(6);
            let end = 8 * (prefix.len() + secret.len()) / 6;
            forms.push(encoded[first..end].to_owned());
        }
    }
    forms
}

/// `text` with each `\uXXXX` (and `\\uXXXX`) and each `%XX` undone, as far as they decode.
fn decoded_views(text: &str) -> Vec<String> {
    let unescaped = text.replace("\\\\", "\\");
    let mut json = String::new();
    let mut rest = unescaped.as_str();
    while let Some(at) = rest.find("\\u") {
        json.push_str(&rest[..at]);
        match rest.get(at + 2..at + 6).and_then(|hex| u32::from_str_radix(hex, 16).ok()).and_then(char::from_u32) {
            Some(c) => {
                json.push(c);
                rest = &rest[at + 6..];
            }
            None => {
                json.push_str("\\u");
                rest = &rest[at + 2..];
            }
        }
    }
    json.push_str(rest);
    let percent = |text: &str| percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned();
    vec![text.to_owned(), percent(text), percent(&json), json]
}

/// Fails when `text` shows one of `secrets`, in any form.
pub fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        for view in decoded_views(text) {
            assert!(!view.contains(*secret), "{what} shows `{secret}`: {text}");
        }
        for form in base64_forms(secret) {
            assert!(!text.contains(&form), "{what} shows `{secret}` in base64 ({form}): {text}");
        }
    }
}

/// Fails when a text a caller may print of `value` shows one of `secrets`.
pub fn assert_all_clean(value: &(impl std::fmt::Debug + std::fmt::Display), secrets: &[&str]) {
    assert_clean("Display", &value.to_string(), secrets);
    assert_clean("Debug", &format!("{value:?}"), secrets);
    assert_clean("Debug", &format!("{value:#?}"), secrets);
}

/// Each way a server may send a secret back.
pub fn encodings(secret: &str) -> Vec<(&'static str, String)> {
    let escape_all: String = secret.chars().map(|c| format!("\\u{:04x}", u32::from(c))).collect();
    let escape_tail = format!("{}{}", &secret[..4], &escape_all[4 * 6..]);
    let percent_all: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
    let percent_lower: String = secret.bytes().map(|b| format!("%{b:02x}")).collect();
    let percent_some = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string();
    let mut forms = vec![
        ("raw", secret.to_owned()),
        ("JSON \\u escapes", escape_all),
        ("JSON \\u escapes after plain text", escape_tail),
        ("percent-encoded", percent_all),
        ("percent-encoded, lower-case hex", percent_lower),
        ("percent-encoded where needed", percent_some),
    ];
    for (name, prefix) in [("base64", ""), ("base64 after 1 byte", "x"), ("base64 after 2 bytes", "xy")] {
        forms.push((name, base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{secret} was sent"))));
    }
    forms.push(("base64url", base64::engine::general_purpose::URL_SAFE.encode(format!("Bearer {secret}"))));
    forms
}
