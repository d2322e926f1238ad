//! The reading of generated structs: what serde's derive would write for each of them, written
//! once here and called from a short `Deserialize` impl per struct. A struct is read from a
//! map whose keys are matched as text; a key it does not know is passed over, one it sees
//! twice is an error, and a field that is missing reads as serde's derive reads it (`None`
//! for an `Option`, an error naming the field otherwise).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::enums::CowStr;

/// A struct read from a map, field by field.
pub trait Object<'de>: Sized {
    /// The struct's name, for what an error says was expected.
    const NAME: &'static str;
    /// The wire names of its fields.
    const FIELDS: &'static [&'static str];

    /// Reads the struct from the entries of `map`.
    fn read<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads the struct `T` from `deserializer`, as serde's derive reads it from a map.
pub fn object<'de, T: Object<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(PhantomData))
}

/// What reads a struct from a map.
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(map)
    }
}

/// The next key of `map`, borrowed from the input when it can be.
pub fn next_key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<CowStr<'de>>, A::Error> {
    map.next_key::<CowStr<'de>>()
}

/// Reads the value of field `name` into `slot`, which must still be empty.
pub fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error> {
    fill(slot, name, || map.next_value())
}

/// Reads the value of a field that may be absent or `null` into `slot`, which must still be
/// empty: `null` is `Some(None)`, a value `Some(Some(v))` (absent, the slot stays empty).
pub fn value_or_null<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Option<Option<T>>>,
    name: &'static str,
) -> Result<(), A::Error> {
    fill(slot, name, || map.next_value::<Option<T>>().map(Some))
}

/// Reads the value of a write-only field into `slot`, which must still be empty, as
/// [`write_only`](crate::write_only) reads it.
pub fn write_only_value<'de, A: MapAccess<'de>, F: Deserialize<'de> + Default>(
    map: &mut A,
    slot: &mut Option<F>,
    name: &'static str,
) -> Result<(), A::Error> {
    fill(slot, name, || map.next_value_seed(WriteOnly(PhantomData)))
}

/// Fills the empty `slot` of field `name` with what `read` reads; a slot already filled is a
/// key given twice.
fn fill<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, read: impl FnOnce() -> Result<T, E>) -> Result<(), E> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(read()?);
    Ok(())
}

/// Passes over the value of a key the struct does not know.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>()?;
    Ok(())
}

/// The value of a required field: what was read, or what a missing one reads as (see
/// [`missing`]).
pub fn required<'de, T: Deserialize<'de>, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => missing(name),
    }
}

/// The value of a required field read through a function of its own: what was read, or the
/// error `missing field` naming it.
pub fn present<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| de::Error::missing_field(name))
}

/// The value of a required field that is missing: `None` for an `Option`, else the error
/// `missing field` naming it.
pub fn missing<'de, T: Deserialize<'de>, E: de::Error>(name: &'static str) -> Result<T, E> {
    T::deserialize(Missing(name, PhantomData))
}

/// A value read as [`write_only`](crate::write_only) reads it.
struct WriteOnly<F>(PhantomData<F>);

impl<'de, F: Deserialize<'de> + Default> DeserializeSeed<'de> for WriteOnly<F> {
    type Value = F;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<F, D::Error> {
        crate::write_only(deserializer)
    }
}

/// What a missing field is read from: nothing but `None`.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
