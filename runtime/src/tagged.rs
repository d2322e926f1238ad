//! Unions told apart by a property (an OpenAPI `discriminator`): the serde glue generated
//! unions call.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// Serializes `value` with its tag property set to `tag`.
pub fn serialize<T: Serialize, S: Serializer>(serializer: S, tag_name: &str, tag: &str, value: &T) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(S::Error::custom)?;
    if let Value::Object(map) = &mut json {
        map.insert(tag_name.to_owned(), Value::String(tag.to_owned()));
    }
    json.serialize(serializer)
}

/// The value of the tag property, when it is a string.
pub fn tag_of<'v>(value: &'v Value, tag_name: &str) -> Option<&'v str> {
    value.get(tag_name).and_then(Value::as_str)
}

/// Decodes the variant a tag chose.
pub fn decode<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Dog {
        name: String,
    }

    #[test]
    fn the_tag_goes_in_and_chooses() {
        let json = serialize(serde_json::value::Serializer, "kind", "dog", &Dog { name: "Rex".into() }).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "dog", "name": "Rex"}));
        assert_eq!(tag_of(&json, "kind"), Some("dog"));
        let dog: Dog = decode::<Dog, serde_json::Error>(json).unwrap();
        assert_eq!(dog.name, "Rex");
    }
}
