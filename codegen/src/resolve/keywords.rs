//! The schema keywords the generator reads, in one table: which types each applies to, whether
//! it may stand beside `$ref`, and what it bounds. The checks of `schemas.rs` are driven by it.

use crate::load::{Schema, SchemaKind};

/// What a keyword is to the checks.
pub struct Keyword {
    /// The keyword as the spec writes it.
    pub name: &'static str,
    /// The types it means something for; `None` for every type.
    pub applies_to: Option<&'static [SchemaKind]>,
    /// Whether it may stand beside `$ref` (OpenAPI 3.0 ignores every sibling of `$ref`, so
    /// none may).
    pub beside_ref: bool,
    /// For a lower bound, the keyword of its upper bound.
    pub upper_bound: Option<&'static str>,
    /// Whether `schema` writes it.
    pub present: fn(&Schema) -> bool,
    /// Its value as a number, for bounds.
    pub number: fn(&Schema) -> Option<f64>,
}

use SchemaKind::{Array, Integer, Number, Object, String};

const fn keyword(name: &'static str, applies_to: Option<&'static [SchemaKind]>, present: fn(&Schema) -> bool) -> Keyword {
    Keyword { name, applies_to, beside_ref: false, upper_bound: None, present, number: |_| None }
}

const fn bound(
    name: &'static str,
    applies_to: &'static [SchemaKind],
    upper_bound: Option<&'static str>,
    number: fn(&Schema) -> Option<f64>,
) -> Keyword {
    Keyword { name, applies_to: Some(applies_to), beside_ref: false, upper_bound, present: |_| false, number }
}

/// Every schema keyword the generator reads besides `$ref`, `title`, `description` and
/// `deprecated` (which may stand anywhere).
#[allow(clippy::cast_precision_loss)] // bounds beyond 2^53 characters or items mean nothing
pub const SCHEMA_KEYWORDS: &[Keyword] = &[
    keyword("type", None, |s| s.kind.is_some()),
    keyword("format", None, |s| s.format.is_some()),
    keyword("properties", Some(&[Object]), |s| s.properties.is_some()),
    keyword("required", Some(&[Object]), |s| !s.required.is_empty()),
    keyword("additionalProperties", Some(&[Object]), |s| s.rare().additional_properties.is_some()),
    keyword("items", Some(&[Array]), |s| s.items.is_some()),
    keyword("enum", None, |s| s.enumeration.is_some()),
    keyword("nullable", None, |s| s.nullable),
    keyword("x-secret", Some(&[String]), |s| s.secret),
    keyword("x-field-mask", Some(&[Object]), |s| s.rare().field_mask.is_some()),
    keyword("x-field-mask-nested", Some(&[Object]), |s| s.rare().field_mask_nested),
    keyword("readOnly", None, |s| s.read_only),
    keyword("writeOnly", None, |s| s.write_only),
    keyword("default", None, |s| s.default.is_some()),
    keyword("example", None, |s| s.example.is_some()),
    bound("minLength", &[String], Some("maxLength"), |s| s.limits().min_length.map(|v| v as f64)),
    bound("maxLength", &[String], None, |s| s.limits().max_length.map(|v| v as f64)),
    keyword("pattern", Some(&[String]), |s| s.limits().pattern.is_some()),
    bound("minItems", &[Array], Some("maxItems"), |s| s.limits().min_items.map(|v| v as f64)),
    bound("maxItems", &[Array], None, |s| s.limits().max_items.map(|v| v as f64)),
    bound("minimum", &[Integer, Number], Some("maximum"), |s| s.limits().minimum),
    bound("maximum", &[Integer, Number], None, |s| s.limits().maximum),
];

impl Keyword {
    /// Whether `schema` writes this keyword.
    pub fn is_in(&self, schema: &Schema) -> bool {
        (self.present)(schema) || (self.number)(schema).is_some()
    }
}

/// The keyword named `name`.
pub fn named(name: &str) -> Option<&'static Keyword> {
    SCHEMA_KEYWORDS.iter().find(|keyword| keyword.name == name)
}
