//! Whether the values a spec gives (`default`, `example`) match their own schema.

use std::sync::LazyLock;

use regex_lite::Regex;
use serde_yaml::Value;

use super::Resolver;
use indexmap::IndexMap;

use crate::load::{AdditionalProperties, Document, Example, Schema, SchemaKind};

/// How deep a value is followed into nested schemas; deeper parts are not checked.
const MAX_DEPTH: usize = 32;

/// RFC 3339 `date-time`, as `format: date-time` means it.
static DATE_TIME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$").ok());

impl Resolver<'_> {
    /// Checks `example` and each value of `examples` (a map of named examples) against
    /// `schema`, each at its own place.
    pub(super) fn check_examples(&mut self, schema: &Schema, example: Option<&Value>, examples: &IndexMap<String, Example>, place: &str) {
        if let Some(example) = example {
            self.check_value(schema, example, "example", place);
        }
        for (name, named) in examples {
            if let Some(value) = &named.value {
                self.check_value(schema, value, &format!("examples.{name}.value"), place);
            }
        }
    }

    /// Reports `value`, given as `keyword` at `place`, when it does not match `schema`.
    pub(super) fn check_value(&mut self, schema: &Schema, value: &Value, keyword: &str, place: &str) {
        if let Some(mismatch) = mismatch(self.doc, schema, value, 0) {
            // The value only documents the spec: it is left out of the docs, with a word.
            self.warn(format!("{place}.{keyword}"), format!("the `{keyword}` does not match its schema: {mismatch}"));
        }
    }
}

/// Whether `value` matches `schema`: a value that does not is reported, and left out of the
/// docs rather than shown wrong.
pub(super) fn fits(doc: &Document, schema: &Schema, value: &Value) -> bool {
    mismatch(doc, schema, value, 0).is_none()
}

/// What is wrong with `value` for `schema`, if anything.
fn mismatch(doc: &Document, schema: &Schema, value: &Value, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(reference) = &schema.reference {
        // A reference to nothing is reported where it is written.
        let name = reference.strip_prefix("#/components/schemas/")?;
        return mismatch(doc, doc.components.schemas.get(name)?, value, depth + 1);
    }
    if value.is_null() {
        let accepts_null = schema.nullable || schema.implied_kind().is_none();
        return (!accepts_null).then(|| "found null, and the schema is not `nullable`".to_owned());
    }
    if let Some(values) = &schema.enumeration
        && !values.contains(value)
    {
        return Some(format!("found {}, which is not one of the enum's values", describe(value)));
    }
    match schema.implied_kind()? {
        SchemaKind::String => string_mismatch(schema, value),
        SchemaKind::Integer => {
            let Value::Number(number) = value else { return Some(expected("an integer", value)) };
            let Some(integer) = number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from)) else {
                return Some(expected("an integer", value));
            };
            if schema.format.as_deref() == Some("int32") && i32::try_from(integer).is_err() {
                return Some(format!("{integer} does not fit in `format: int32`"));
            }
            range_mismatch(schema, integer as f64)
        }
        SchemaKind::Number => match value {
            Value::Number(number) => range_mismatch(schema, number.as_f64().unwrap_or_default()),
            _ => Some(expected("a number", value)),
        },
        SchemaKind::Boolean => (!value.is_bool()).then(|| expected("a boolean", value)),
        SchemaKind::Array => array_mismatch(doc, schema, value, depth),
        SchemaKind::Object => object_mismatch(doc, schema, value, depth),
        SchemaKind::Null => Some(expected("null", value)),
    }
}

fn expected(what: &str, value: &Value) -> String {
    format!("expected {what}, found {}", describe(value))
}

fn string_mismatch(schema: &Schema, value: &Value) -> Option<String> {
    let Value::String(text) = value else { return Some(expected("a string", value)) };
    let length = text.chars().count() as u64;
    if let Some(min) = schema.limits().min_length.filter(|min| length < *min) {
        return Some(format!("{} has {length} characters, fewer than `minLength` {min}", describe(value)));
    }
    if let Some(max) = schema.limits().max_length.filter(|max| length > *max) {
        return Some(format!("{} has {length} characters, more than `maxLength` {max}", describe(value)));
    }
    if let Some(pattern) = &schema.limits().pattern
        && let Ok(regex) = Regex::new(pattern)
        && !regex.is_match(text)
    {
        return Some(format!("{} does not match the `pattern` `{pattern}`", describe(value)));
    }
    let valid_format = match schema.format.as_deref() {
        Some("uuid") => is_uuid(text),
        Some("date-time") => DATE_TIME.as_ref().is_none_or(|regex| regex.is_match(text)),
        _ => true,
    };
    (!valid_format).then(|| format!("{} is not a valid `{}`", describe(value), schema.format.as_deref().unwrap_or_default()))
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(index, c)| match index {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn range_mismatch(schema: &Schema, number: f64) -> Option<String> {
    if let Some(min) = schema.limits().minimum.filter(|min| number < *min) {
        return Some(format!("{number} is less than `minimum` {min}"));
    }
    schema.limits().maximum.filter(|max| number > *max).map(|max| format!("{number} is more than `maximum` {max}"))
}

fn array_mismatch(doc: &Document, schema: &Schema, value: &Value, depth: usize) -> Option<String> {
    let Value::Sequence(items) = value else { return Some(expected("a list", value)) };
    let count = items.len() as u64;
    if let Some(min) = schema.limits().min_items.filter(|min| count < *min) {
        return Some(format!("the list has {count} items, fewer than `minItems` {min}"));
    }
    if let Some(max) = schema.limits().max_items.filter(|max| count > *max) {
        return Some(format!("the list has {count} items, more than `maxItems` {max}"));
    }
    let item_schema = schema.items.as_deref()?;
    items
        .iter()
        .enumerate()
        .find_map(|(index, item)| mismatch(doc, item_schema, item, depth + 1).map(|problem| format!("item {index}: {problem}")))
}

fn object_mismatch(doc: &Document, schema: &Schema, value: &Value, depth: usize) -> Option<String> {
    let Value::Mapping(map) = value else { return Some(expected("a mapping", value)) };
    let get = |key: &str| map.get(Value::String(key.to_owned()));
    if let Some(missing) = schema.required.iter().find(|key| get(key).is_none()) {
        return Some(format!("the required property `{missing}` is missing"));
    }
    let properties = schema.properties.as_ref();
    for (key, item) in map {
        let key_text = match key {
            Value::String(text) => text.clone(),
            other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
        };
        let problem = match (properties.and_then(|p| p.get(&key_text)), &schema.rare().additional_properties) {
            (Some(property), _) => mismatch(doc, property, item, depth + 1),
            (None, Some(AdditionalProperties::Allowed(false))) => {
                Some("it is not a property of the schema, which allows no others".to_owned())
            }
            (None, Some(AdditionalProperties::Schema(values))) => mismatch(doc, values, item, depth + 1),
            (None, _) => None,
        };
        if let Some(problem) = problem {
            return Some(format!("property `{key_text}`: {problem}"));
        }
    }
    None
}

/// A YAML value as JSON (a value JSON cannot hold, such as a non-string key, becomes its YAML
/// text).
pub(super) fn to_json(value: &Value) -> serde_json::Value {
    serde_json::to_value(value)
        .unwrap_or_else(|_| serde_json::Value::String(serde_yaml::to_string(value).unwrap_or_default().trim().to_owned()))
}

/// A short description of a YAML value's type, for messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the string `{s}`"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
    }
}
