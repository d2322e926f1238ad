//! Serde helpers the generated models name in their attributes.

use serde::{Deserialize, Deserializer};

/// Deserializes a field that may be absent or `null` into `Option<Option<T>>`: absent is
/// `None` (through `#[serde(default)]`), `null` is `Some(None)`, a value is `Some(Some(v))`.
pub fn deserialize_some<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
