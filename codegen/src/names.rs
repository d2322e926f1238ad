//! Rust identifiers for spec names: the one place that decides them.
//!
//! The rules, used for every kind of name:
//! - heck converts the case (`UpperCamelCase` for types and variants, `snake_case` for fields,
//!   functions and modules); characters that cannot stand in an identifier split words;
//! - a name that starts with a digit gets a prefix (`_` for snake case, `N` for camel case);
//! - a Rust keyword (edition 2024, reserved words included) gets a trailing `_`;
//! - a name with no letter or digit at all cannot be named and is refused.
//!
//! Whenever the Rust name differs from the wire name, the emitted code carries
//! `#[serde(rename = "...")]`.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every keyword of Rust 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Replaces every character that cannot stand in an identifier with a word break.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

fn finish(mut ident: String, digit_prefix: &str) -> Option<String> {
    if ident.is_empty() {
        return None;
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, digit_prefix);
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    Some(ident)
}

/// The `UpperCamelCase` name of a type or enum variant, or `None` when the spec name has no
/// letter or digit to build one from.
pub fn camel(name: &str) -> Option<String> {
    finish(words(name).to_upper_camel_case(), "N")
}

/// The `snake_case` name of a field, function, parameter or module, or `None` when the spec
/// name has no letter or digit to build one from.
pub fn snake(name: &str) -> Option<String> {
    finish(words(name).to_snake_case(), "_")
}

/// Whether an identifier needs a trailing `_` or prefix to be used: for deciding on renames.
pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_separators() {
        assert_eq!(camel("user_settings").as_deref(), Some("UserSettings"));
        assert_eq!(camel("AUTH_TYPE_IAM").as_deref(), Some("AuthTypeIam"));
        assert_eq!(camel("readOnly").as_deref(), Some("ReadOnly"));
        assert_eq!(snake("databaseName").as_deref(), Some("database_name"));
        assert_eq!(snake("Idempotency-Key").as_deref(), Some("idempotency_key"));
        assert_eq!(snake("yandex-mongodb").as_deref(), Some("yandex_mongodb"));
    }

    #[test]
    fn keywords_digits_and_symbols() {
        assert_eq!(snake("@type").as_deref(), Some("type_"));
        assert_eq!(snake("gen").as_deref(), Some("gen_"));
        assert_eq!(camel("self").as_deref(), Some("Self_"));
        assert_eq!(snake("2fa").as_deref(), Some("_2fa"));
        assert_eq!(camel("404").as_deref(), Some("N404"));
        assert_eq!(snake("@@"), None);
        assert_eq!(camel(""), None);
    }
}
