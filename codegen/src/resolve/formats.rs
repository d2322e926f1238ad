//! The formats the generator knows for each type: OpenAPI's own, JSON Schema's and the
//! common ones of the OpenAPI Format Registry. Formats are open, so any other one is read
//! too: the value keeps its type and the format is named in its docs, with a warning, since
//! nothing checks or converts it.

use crate::load::SchemaKind;

/// Formats of strings.
const STRING: &[&str] = &[
    "base64url",
    "binary",
    "byte",
    "char",
    "commonmark",
    "date",
    "date-time",
    "duration",
    "email",
    "hostname",
    "html",
    "idn-email",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "iri",
    "iri-reference",
    "json-pointer",
    "media-range",
    "password",
    "regex",
    "relative-json-pointer",
    "time",
    "uri",
    "uri-reference",
    "uri-template",
    "uuid",
];

/// Formats of integers.
const INTEGER: &[&str] = &["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "double-int"];

/// Formats of numbers.
const NUMBER: &[&str] = &["float", "double", "decimal", "decimal128", "int32", "int64"];

/// Whether `format` is a known format of `kind`. Booleans, arrays and objects have none.
pub fn is_known(kind: SchemaKind, format: &str) -> bool {
    let known = match kind {
        SchemaKind::String => STRING,
        SchemaKind::Integer => INTEGER,
        SchemaKind::Number => NUMBER,
        SchemaKind::Boolean | SchemaKind::Array | SchemaKind::Object | SchemaKind::Null => &[],
    };
    known.contains(&format)
}
