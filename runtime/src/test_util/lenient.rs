//! Values read back from text, as a client writes parameters: each text is taken as what the
//! type asks for, a number, a boolean, a string, or the JSON text of a nested value.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A value whose strings are read as the type asks: `"3"` is a number for an integer field
/// and a string for a string one.
pub(super) struct Lenient(pub Value);

/// Why a text is not a value of its type.
#[derive(Debug)]
pub(super) struct TextError(String);

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextError {}

impl de::Error for TextError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self(message.to_string())
    }
}

/// The JSON value a text holds, when the type asks for a nested value.
fn parsed(text: &str) -> Result<Value, TextError> {
    serde_json::from_str(text).map_err(|error| TextError(format!("`{text}` is not JSON text: {error}")))
}

macro_rules! parse_scalar {
    ($($method:ident => $visit:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
            match self.0 {
                Value::String(text) => {
                    let value = text.parse().map_err(|_| TextError(format!("`{text}` is not a {}", stringify!($visit).trim_start_matches("visit_"))))?;
                    visitor.$visit(value)
                }
                other => Lenient(other).deserialize_any(visitor),
            }
        })*
    };
}

impl<'de> de::Deserializer<'de> for Lenient {
    type Error = TextError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(value),
            Value::Number(number) => match (number.as_u64(), number.as_i64()) {
                (Some(value), _) => visitor.visit_u64(value),
                (None, Some(value)) => visitor.visit_i64(value),
                (None, None) => visitor.visit_f64(number.as_f64().unwrap_or_default()),
            },
            Value::String(text) => visitor.visit_string(text),
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Object(fields) => visitor.visit_map(Fields { fields: fields.into_iter(), value: None }),
        }
    }

    parse_scalar! {
        deserialize_bool => visit_bool,
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Lenient(other)),
        }
    }

    /// A list: JSON text of one, or a single text that is its only item (a list sent as one
    /// pair per item, with one item).
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self.0 {
            Value::String(text) => match serde_json::from_str::<Value>(&text) {
                Ok(Value::Array(items)) => visitor.visit_seq(Items(items.into_iter())),
                _ => visitor.visit_seq(Items(vec![Value::String(text)].into_iter())),
            },
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self.0 {
            Value::String(text) => Lenient(parsed(&text)?).deserialize_any(visitor),
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TextError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TextError> {
        match self.0 {
            Value::String(text) => visitor.visit_enum(text.into_deserializer()),
            other => Lenient(other).deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

/// The items of a list, each read leniently.
struct Items(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Items {
    type Error = TextError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, TextError> {
        self.0.next().map(|item| seed.deserialize(Lenient(item))).transpose()
    }
}

/// The fields of an object, each value read leniently.
struct Fields {
    fields: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = TextError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, TextError> {
        let Some((key, value)) = self.fields.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(Lenient(Value::String(key))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, TextError> {
        seed.deserialize(Lenient(self.value.take().unwrap_or(Value::Null)))
    }
}
