//! An object written as name and value pairs: a form body, and a query parameter in the
//! styles OpenAPI gives objects (`form`, exploded or not, and `deepObject`).

use serde_json::{Map, Value};

/// How a query parameter whose value is an object is written. Properties go in the order of
/// their names, whatever the order of the type's fields.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// Each property a pair of its own, `name=value&other=value` (`form`, exploded).
    Exploded,
    /// One pair named after the parameter, the properties' names and values joined by
    /// commas, `param=name,value,other,value` (`form`, `explode: false`).
    Joined,
    /// Each property a pair named `param[name]`, a nested object a level deeper,
    /// `param[name][inner]` (`deepObject`).
    Deep,
}

/// A JSON value as the text of a pair: strings as they are, anything else as JSON.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !value.is_object() && !value.is_array()
}

/// The pairs of the object `fields`, the value of the parameter `name`, written in `style`.
/// A null property is left out; a list of scalars is a pair per item (one value joined by
/// commas in [`ObjectStyle::Joined`]); any other nested value is its JSON text, but in
/// [`ObjectStyle::Deep`], where a nested object goes a level deeper.
pub(crate) fn object_pairs(name: &str, fields: &Map<String, Value>, style: ObjectStyle) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    match style {
        ObjectStyle::Exploded => {
            for (key, value) in fields {
                push_exploded(&mut pairs, key.clone(), value);
            }
        }
        ObjectStyle::Joined => {
            let mut parts = Vec::new();
            for (key, value) in fields {
                let joined = match value {
                    Value::Null => continue,
                    Value::Array(items) if items.iter().all(is_scalar) => items.iter().map(text).collect::<Vec<_>>().join(","),
                    other => text(other),
                };
                parts.push(key.clone());
                parts.push(joined);
            }
            if !parts.is_empty() {
                pairs.push((name.to_owned(), parts.join(",")));
            }
        }
        ObjectStyle::Deep => push_deep(&mut pairs, name, fields),
    }
    pairs
}

/// A pair of `key` and `value`, or one per item of a list of scalars; none for null.
fn push_exploded(pairs: &mut Vec<(String, String)>, key: String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) if items.iter().all(is_scalar) => {
            pairs.extend(items.iter().map(|item| (key.clone(), text(item))));
        }
        other => pairs.push((key, text(other))),
    }
}

/// The pairs of `fields` named `prefix[name]`, nested objects a level deeper.
fn push_deep(pairs: &mut Vec<(String, String)>, prefix: &str, fields: &Map<String, Value>) {
    for (key, value) in fields {
        let name = format!("{prefix}[{key}]");
        match value {
            Value::Object(inner) => push_deep(pairs, &name, inner),
            other => push_exploded(pairs, name, other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(style: ObjectStyle) -> Vec<(String, String)> {
        let value = serde_json::json!({"color": "R G", "size": 3, "tags": ["a", "b"], "gone": null, "inner": {"x": true}});
        let Value::Object(fields) = value else { unreachable!("an object") };
        object_pairs("filter", &fields, style)
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
    }

    #[test]
    fn an_exploded_object_is_a_pair_per_property() {
        let expected = [("color", "R G"), ("inner", "{\"x\":true}"), ("size", "3"), ("tags", "a"), ("tags", "b")];
        assert_eq!(pairs(ObjectStyle::Exploded), owned(&expected));
    }

    #[test]
    fn a_joined_object_is_one_pair_of_names_and_values() {
        assert_eq!(pairs(ObjectStyle::Joined), owned(&[("filter", "color,R G,inner,{\"x\":true},size,3,tags,a,b")]));
    }

    #[test]
    fn a_deep_object_names_each_property_in_brackets() {
        let expected =
            [("filter[color]", "R G"), ("filter[inner][x]", "true"), ("filter[size]", "3"), ("filter[tags]", "a"), ("filter[tags]", "b")];
        assert_eq!(pairs(ObjectStyle::Deep), owned(&expected));
    }
}
