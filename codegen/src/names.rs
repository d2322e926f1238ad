//! Rust identifiers for spec names: the one place that decides them.
//!
//! The rules, used for every kind of name:
//! - heck converts the case (`UpperCamelCase` for types and variants, `snake_case` for fields,
//!   functions and modules); characters that cannot stand in an identifier split words;
//! - a name that starts with a digit gets a prefix (`_` for snake case, `N` for camel case);
//! - a Rust keyword (edition 2024, reserved words included) gets a trailing `_`;
//! - a name with no ASCII letter or digit at all is spelled out: symbols by name (`+` is
//!   `plus`), other characters by code point (`u43f`), the empty name as `empty`.
//!
//! Whenever the Rust name differs from the wire name, the emitted code carries
//! `#[serde(rename = "...")]`.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Module names the generated crate uses for itself, which no spec file may take.
pub const RESERVED_MODULES: &[&str] = &["runtime"];

/// Method names every generated `Client` has, which no operation may take.
pub const RESERVED_METHODS: &[&str] = &["builder", "with_options"];

/// Argument names every generated method has besides its parameters.
pub const RESERVED_ARGUMENTS: &[&str] = &["body", "options"];

/// The module a spec file becomes: its file name without `.yaml`, in `snake_case`.
pub fn module(spec_label: &str) -> String {
    let stem = spec_label.rsplit('/').next().unwrap_or(spec_label).trim_end_matches(".yaml");
    snake(stem)
}

/// Every keyword of Rust 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override",
    "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// The words of a name: runs of ASCII letters and digits. A name without any is spelled out
/// character by character, so every name has words.
fn words(name: &str) -> String {
    let plain: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    if !plain.trim().is_empty() {
        return acronyms_as_words(&plain);
    }
    if name.is_empty() {
        return "empty".to_owned();
    }
    name.chars().map(spelled).collect::<Vec<_>>().join(" ")
}

/// `text` with each acronym that a lowercase `s` or `v` and digit follow written as one word
/// (`IPs` as `Ips`, `VPCs` as `Vpcs`, `IPv6` as `Ipv6`), which case conversion would otherwise
/// split before its last capital (`i_ps`).
fn acronyms_as_words(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        let run = chars[at..].iter().take_while(|c| c.is_ascii_uppercase()).count();
        if run == 0 {
            out.push(chars[at]);
            at += 1;
            continue;
        }
        let next = |offset: usize| chars.get(at + run + offset).copied();
        let plural = next(0) == Some('s') && !next(1).is_some_and(|c| c.is_ascii_lowercase());
        let version = next(0) == Some('v') && next(1).is_some_and(|c| c.is_ascii_digit());
        let acronym = run >= 2 && (plural || version);
        for (index, c) in chars[at..at + run].iter().enumerate() {
            out.push(if acronym && index > 0 { c.to_ascii_lowercase() } else { *c });
        }
        at += run;
    }
    out
}

/// A character that cannot stand in an identifier, as a word.
fn spelled(c: char) -> String {
    let word = match c {
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '\\' => "backslash",
        '@' => "at",
        '.' => "dot",
        ',' => "comma",
        ':' => "colon",
        ';' => "semicolon",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "and",
        '|' => "pipe",
        '=' => "eq",
        '<' => "lt",
        '>' => "gt",
        '!' => "bang",
        '?' => "question",
        '~' => "tilde",
        '^' => "caret",
        '_' => "underscore",
        ' ' => "space",
        '\'' => "quote",
        '"' => "double quote",
        '(' | ')' => "paren",
        '[' | ']' => "bracket",
        '{' | '}' => "brace",
        other => return format!("u{:x}", u32::from(other)),
    };
    word.to_owned()
}

fn finish(mut ident: String, digit_prefix: &str) -> String {
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, digit_prefix);
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// The `UpperCamelCase` name of a type or enum variant.
pub fn camel(name: &str) -> String {
    finish(words(name).to_upper_camel_case(), "N")
}

/// The `UpperCamelCase` name of `name` when [`camel`]'s is taken by another spelling: its
/// symbols spelled out (`red*` is `RedStar`, `StartTime<` is `StartTimeLt`), and for names
/// that differ only in case, the case it is written in (`ASC` is `AscUpper`, `asc` is
/// `AscLower`). The rule of every collision the generator resolves itself, with a warning.
pub fn camel_distinct(name: &str, taken: impl Fn(&str) -> bool) -> String {
    distinct(name, taken, |text| finish(text.to_upper_camel_case(), "N"))
}

/// The `snake_case` name of `name` when [`snake`]'s is taken by another spelling, by the rule
/// of [`camel_distinct`]: `StartTime<` is `start_time_lt`, `ASC` is `asc_upper`.
pub fn snake_distinct(name: &str, taken: impl Fn(&str) -> bool) -> String {
    distinct(name, taken, |text| finish(text.to_snake_case(), "_"))
}

/// The first name `case` makes, that is not `taken`, of: `name` with its symbols spelled out,
/// then with the case it is written in, then numbered.
fn distinct(name: &str, taken: impl Fn(&str) -> bool, case: impl Fn(&str) -> String) -> String {
    let spelled: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_string() } else { format!(" {} ", spelled(c)) }).collect();
    let first = case(&spelled);
    if !taken(&first) {
        return first;
    }
    let written = if name.chars().all(|c| !c.is_ascii_lowercase()) {
        "upper"
    } else if name.chars().all(|c| !c.is_ascii_uppercase()) {
        "lower"
    } else {
        "mixed"
    };
    let cased = case(&format!("{spelled} {written}"));
    if !taken(&cased) {
        return cased;
    }
    (2..).map(|n| case(&format!("{spelled} {written} {n}"))).find(|candidate| !taken(candidate)).unwrap_or(cased)
}

/// The `snake_case` name of a field, function, parameter or module.
pub fn snake(name: &str) -> String {
    finish(words(name).to_snake_case(), "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_names_get_names_from_their_spelling() {
        assert_eq!(camel_distinct("red*", |n| n == "Red"), "RedStar");
        assert_eq!(camel_distinct("StartTime<", |n| n == "StartTime"), "StartTimeLt");
        assert_eq!(camel_distinct("ASC", |n| n == "Asc"), "AscUpper");
        assert_eq!(camel_distinct("asc", |n| n == "Asc"), "AscLower");
        assert_eq!(camel_distinct("asc", |n| matches!(n, "Asc" | "AscLower")), "AscLower2");
        assert_eq!(snake_distinct("StartTime<", |n| n == "start_time"), "start_time_lt");
        assert_eq!(snake_distinct("StartTime>", |n| n == "start_time"), "start_time_gt");
        assert_eq!(snake_distinct("ASC", |n| n == "asc"), "asc_upper");
        assert_eq!(snake_distinct("Type", |n| n == "type_"), "type_mixed");
    }

    #[test]
    fn cases_and_separators() {
        assert_eq!(camel("user_settings"), "UserSettings");
        assert_eq!(camel("AUTH_TYPE_IAM"), "AuthTypeIam");
        assert_eq!(camel("readOnly"), "ReadOnly");
        assert_eq!(snake("databaseName"), "database_name");
        assert_eq!(snake("Idempotency-Key"), "idempotency_key");
        assert_eq!(snake("yandex-mongodb"), "yandex_mongodb");
        assert_eq!(snake("Floating IPs"), "floating_ips");
        assert_eq!(snake("VPCs"), "vpcs");
        assert_eq!(snake("Reserved IPv6 Actions"), "reserved_ipv6_actions");
        assert_eq!(camel("floatingIPs_list"), "FloatingIpsList");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(snake("IDs"), "ids");
    }

    #[test]
    fn keywords_and_digits() {
        assert_eq!(snake("@type"), "type_");
        assert_eq!(snake("gen"), "gen_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(camel("404"), "N404");
    }

    #[test]
    fn names_without_letters_are_spelled_out() {
        assert_eq!(camel("+"), "Plus");
        assert_eq!(camel("-"), "Minus");
        assert_eq!(snake("@@"), "at_at");
        assert_eq!(camel(""), "Empty");
        assert_eq!(snake("пароль"), "u43f_u430_u440_u43e_u43b_u44c");
        assert_eq!(camel("__"), "UnderscoreUnderscore");
    }
}
