//! Vendors' mistakes that have one sensible reading: each is read that way before the typed
//! read, with a warning that names its place and says what was done (so `--deny-warnings`,
//! as this project's own specs are held to, still refuses them).
//!
//! - A schema `type` OpenAPI 3.0 does not have: a list of types with `"null"` (OpenAPI 3.1's
//!   way) is the other type, `nullable`; a name whose intent is plain (`float`, `int`, `bool`,
//!   `dict`; `enum` over strings) is the OpenAPI type it means; anything else leaves the
//!   schema untyped (any JSON).

use serde_yaml::{Mapping, Value};

use super::extensions::Context;
use crate::error::{Problem, SpecError};
use crate::load::Positions;

/// Mends the quirks of `tree`, giving a warning for each.
pub fn mend(tree: &mut Value, file: &str, positions: &Positions) -> Vec<SpecError> {
    let mut warnings = Vec::new();
    let mut place = String::new();
    walk(tree, Context::Object, &mut place, &mut |place: &str, message: String| {
        warnings.push(positions.error(file, place, Problem::Invalid { message }));
    });
    warnings
}

fn walk(value: &mut Value, context: Context, place: &mut String, warn: &mut impl FnMut(&str, String)) {
    match value {
        Value::Sequence(items) if context != Context::Data => {
            for (index, item) in items.iter_mut().enumerate() {
                let length = place.len();
                place.push_str(&format!("[{index}]"));
                walk(item, context, place, warn);
                place.truncate(length);
            }
        }
        Value::Mapping(map) if context != Context::Data => {
            // Security schemes have a `type` of their own.
            if context == Context::Object && !place.starts_with("components.securitySchemes.") {
                mend_type(map, place, warn);
            }
            for (key, child) in map.iter_mut() {
                let Some(key) = key.as_str() else { continue };
                let child_context = context.child(key);
                let length = place.len();
                if !place.is_empty() {
                    place.push('.');
                }
                place.push_str(key);
                walk(child, child_context, place, warn);
                place.truncate(length);
            }
        }
        _ => {}
    }
}

/// The OpenAPI 3.0 types.
const TYPES: [&str; 6] = ["string", "integer", "number", "boolean", "array", "object"];

/// Reads the `type` of the schema `map` as OpenAPI 3.0 has it, when it is not one of its types.
fn mend_type(map: &mut Mapping, place: &str, warn: &mut impl FnMut(&str, String)) {
    let Some(kind) = map.get("type") else { return };
    let type_place = if place.is_empty() { "type".to_owned() } else { format!("{place}.type") };
    let (meant, nullable): (Option<String>, bool) = match kind {
        Value::String(name) if TYPES.contains(&name.as_str()) || name == "null" => return,
        Value::String(name) => (plain_intent(name, map.get("enum")).map(str::to_owned), false),
        Value::Sequence(names) => {
            let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
            let others: Vec<&str> = names.iter().copied().filter(|name| *name != "null").collect();
            let meant = match others.as_slice() {
                [one] if TYPES.contains(one) => Some((*one).to_owned()),
                _ => None,
            };
            (meant, names.contains(&"null"))
        }
        _ => return,
    };
    let written = match kind {
        Value::Sequence(names) => format!("`[{}]`", names.iter().map(|name| name.as_str().unwrap_or("?")).collect::<Vec<_>>().join(", ")),
        other => format!("`{}`", other.as_str().unwrap_or("?")),
    };
    let nullable_note = if nullable { ", `nullable`" } else { "" };
    match meant {
        Some(meant) => {
            warn(&type_place, format!("{written} is not an OpenAPI 3.0 type: read as `{meant}`{nullable_note}"));
            map.insert(Value::String("type".to_owned()), Value::String(meant));
        }
        None => {
            warn(&type_place, format!("{written} is not an OpenAPI 3.0 type: the value is read as any JSON{nullable_note}"));
            map.remove("type");
        }
    }
    if nullable {
        map.insert(Value::String("nullable".to_owned()), Value::Bool(true));
    }
}

/// The OpenAPI type a type name plainly means, when it does.
fn plain_intent(name: &str, values: Option<&Value>) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "float" | "double" | "decimal" | "real" => "number",
        "int" | "long" | "int32" | "int64" => "integer",
        "bool" => "boolean",
        "str" | "text" => "string",
        "dict" | "map" => "object",
        "list" => "array",
        // An enum of strings is a string with its values listed.
        "enum" if values.and_then(Value::as_sequence).is_some_and(|values| values.iter().all(Value::is_string)) => "string",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mended(yaml: &str) -> (String, Vec<String>) {
        let mut tree: Value = serde_yaml::from_str(yaml).unwrap_or(Value::Null);
        let warnings = mend(&mut tree, "spec.yaml", &Positions::default());
        (serde_yaml::to_string(&tree).unwrap_or_default(), warnings.iter().map(|w| format!("{}: {}", w.place, w.problem)).collect())
    }

    #[test]
    fn types_openapi_does_not_have_are_read_as_meant() {
        let (tree, warnings) = mended(
            "components:\n  schemas:\n    A:\n      type: object\n      properties:\n        quota: {type: [integer, 'null']}\n        rate: {type: float}\n        kind: {type: enum, enum: [a, b]}\n        odd: {type: thing}\n        type: {type: string, example: {type: float}}\n  securitySchemes:\n    key: {type: apiKey, in: header, name: k}\n",
        );
        assert!(tree.contains("quota:\n          type: integer\n          nullable: true"), "{tree}");
        assert!(tree.contains("rate:\n          type: number"), "{tree}");
        assert!(tree.contains("kind:\n          type: string"), "{tree}");
        assert!(tree.contains("odd: {}"), "{tree}");
        assert!(tree.contains("type: float"), "an example is data: {tree}");
        assert!(tree.contains("type: apiKey"), "{tree}");
        assert_eq!(
            warnings,
            [
                "components.schemas.A.properties.quota.type: `[integer, null]` is not an OpenAPI 3.0 type: read as `integer`, `nullable`",
                "components.schemas.A.properties.rate.type: `float` is not an OpenAPI 3.0 type: read as `number`",
                "components.schemas.A.properties.kind.type: `enum` is not an OpenAPI 3.0 type: read as `string`",
                "components.schemas.A.properties.odd.type: `thing` is not an OpenAPI 3.0 type: the value is read as any JSON",
            ]
        );
    }
}
