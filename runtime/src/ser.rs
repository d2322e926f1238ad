//! The writing of generated structs: what serde's derive would write for each of them, written
//! once here and called from a short `Serialize` impl per struct. Each field goes under its wire
//! name; an optional one that is `None` is left out.

use serde::Serialize;
use serde::ser::SerializeStruct;

/// Writes a field that is always written.
pub fn field<S: SerializeStruct, T: Serialize + ?Sized>(object: &mut S, name: &'static str, value: &T) -> Result<(), S::Error> {
    object.serialize_field(name, value)
}

/// Writes an optional field, or leaves it out when it is `None`.
pub fn optional<S: SerializeStruct, T: Serialize>(object: &mut S, name: &'static str, value: &Option<T>) -> Result<(), S::Error> {
    match value {
        Some(_) => object.serialize_field(name, value),
        None => object.skip_field(name),
    }
}

/// Writes an optional read-only field, or leaves it out as
/// [`skip_read_only`](crate::skip_read_only) says.
pub fn read_only<S: SerializeStruct, T: Serialize>(object: &mut S, name: &'static str, value: &Option<T>) -> Result<(), S::Error> {
    match crate::skip_read_only(value) {
        false => object.serialize_field(name, value),
        true => object.skip_field(name),
    }
}

/// How many fields an optional field adds to the count a struct tells its serializer.
pub fn count<T>(value: &Option<T>) -> usize {
    usize::from(value.is_some())
}

/// How many fields an optional read-only field adds to the count.
pub fn count_read_only<T>(value: &Option<T>) -> usize {
    usize::from(!crate::skip_read_only(value))
}
