//! Partial updates driven by a field mask: each field is untouched, set, or reset, and the
//! mask is worked out from what the caller did instead of being written by hand.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::validate::{FieldPath, Rules, Validate};
use super::{ArgumentError, ArgumentProblem};

/// One field of a partial update.
///
/// ```
/// use dbaas_runtime::Patch;
///
/// let revoke_all: Patch<Vec<String>> = Patch::Set(Vec::new()); // sent as [], named in the mask
/// let to_default: Patch<Vec<String>> = Patch::Reset;          // named in the mask, not sent
/// let untouched: Patch<Vec<String>> = Patch::default();      // neither sent nor named
/// assert!(untouched.is_untouched() && !revoke_all.is_untouched() && !to_default.is_untouched());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Left as it is on the server: not sent, not named in the mask.
    #[default]
    Untouched,
    /// Set to this value: sent, and named in the mask.
    Set(T),
    /// Reset to the server's default: named in the mask, not sent.
    Reset,
}

impl<T> Patch<T> {
    /// Whether the update leaves the field alone.
    pub fn is_untouched(&self) -> bool {
        matches!(self, Self::Untouched)
    }

    /// The value the field is set to, if it is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

/// A request-body type whose fields are [`Patch`]es, with the mask field (on the body itself)
/// or without (a nested object whose fields are named by dotted paths).
#[doc(hidden)]
pub trait Masked: Default {
    /// The wire name of the mask field, on the body that carries it.
    const MASK_FIELD: Option<&'static str>;

    /// The mask the caller wrote, if any.
    fn explicit_mask(&self) -> Option<&str> {
        None
    }

    /// Keeps the mask a wire body carried.
    fn set_explicit_mask(&mut self, mask: String) {
        let _ = mask;
    }

    /// Shows each maskable field to `visitor`, in the spec's order.
    fn visit<V: FieldVisitor>(&self, visitor: &mut V) -> Result<(), V::Error>;

    /// Shows each maskable field to `visitor`, to be filled in.
    fn visit_mut<V: FieldVisitorMut>(&mut self, visitor: &mut V) -> Result<(), V::Error>;
}

/// Looks at the fields of a [`Masked`] value.
#[doc(hidden)]
pub trait FieldVisitor {
    /// What stops the visit.
    type Error;

    /// A field whose value is named as a whole.
    fn leaf<T: Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>, rules: &Rules) -> Result<(), Self::Error>;

    /// A field whose own fields are named by dotted paths.
    fn nested<T: Masked + Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>) -> Result<(), Self::Error>;
}

/// Fills in the fields of a [`Masked`] value.
#[doc(hidden)]
pub trait FieldVisitorMut {
    /// What stops the visit.
    type Error;

    /// A field whose value is named as a whole.
    fn leaf<T: DeserializeOwned>(&mut self, wire: &'static str, field: &mut Patch<T>) -> Result<(), Self::Error>;

    /// A field whose own fields are named by dotted paths.
    fn nested<T: Masked>(&mut self, wire: &'static str, field: &mut Patch<T>) -> Result<(), Self::Error>;
}

/// The mask the fields of `value` give: the wire paths of every set or reset field, in the
/// spec's order, comma-separated (protobuf's FieldMask in JSON).
pub fn computed_mask<T: Masked>(value: &T) -> String {
    let mut paths = Paths { prefix: String::new(), found: Vec::new() };
    let Ok(()) = value.visit(&mut paths);
    paths.found.join(",")
}

/// The mask a body is sent with: the caller's, or else the computed one.
pub fn mask_of<T: Masked>(value: &T) -> String {
    value.explicit_mask().map_or_else(|| computed_mask(value), str::to_owned)
}

struct Paths {
    prefix: String,
    found: Vec<String>,
}

impl FieldVisitor for Paths {
    type Error = std::convert::Infallible;

    fn leaf<T: Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>, _: &Rules) -> Result<(), Self::Error> {
        if !field.is_untouched() {
            self.found.push(format!("{}{wire}", self.prefix));
        }
        Ok(())
    }

    fn nested<T: Masked + Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>) -> Result<(), Self::Error> {
        match field {
            Patch::Untouched => Ok(()),
            Patch::Reset => self.leaf::<bool>(wire, &Patch::Reset, &Rules::NONE),
            Patch::Set(value) => {
                let length = self.prefix.len();
                self.prefix.push_str(wire);
                self.prefix.push('.');
                let result = value.visit(self);
                self.prefix.truncate(length);
                result
            }
        }
    }
}

/// Serializes a masked body: the mask first (on the body that carries it), then the set
/// fields; untouched and reset fields are left out.
pub fn serialize<T: Masked, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    if let Some(field) = T::MASK_FIELD {
        map.serialize_entry(field, &mask_of(value))?;
    }
    value.visit(&mut Writer { map: &mut map })?;
    map.end()
}

struct Writer<'m, M> {
    map: &'m mut M,
}

impl<M: SerializeMap> FieldVisitor for Writer<'_, M> {
    type Error = M::Error;

    fn leaf<T: Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>, _: &Rules) -> Result<(), Self::Error> {
        match field {
            Patch::Set(value) => self.map.serialize_entry(wire, value),
            _ => Ok(()),
        }
    }

    fn nested<T: Masked + Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>) -> Result<(), Self::Error> {
        match field {
            Patch::Set(value) => self.map.serialize_entry(wire, value),
            _ => Ok(()),
        }
    }
}

/// Reads a masked body from its wire JSON. Without a mask, a present field is set (`null`
/// resets it) and an absent one is untouched; with one, a field the mask names that the body
/// leaves out is reset, and the mask is kept as written unless it is the one the fields give.
pub fn deserialize<'de, T: Masked, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let mut map = Map::deserialize(deserializer)?;
    let explicit = match T::MASK_FIELD.and_then(|field| map.remove(field)) {
        None | Some(Value::Null) => None,
        Some(Value::String(mask)) => Some(mask),
        Some(other) => return Err(D::Error::custom(format!("the update mask must be one string of comma-separated paths, found {other}"))),
    };
    let named: Option<Vec<String>> = explicit.as_deref().map(|mask| split_mask(mask).map(str::to_owned).collect());
    let mut value = T::default();
    value.visit_mut(&mut Reader { map, named: named.as_deref(), prefix: String::new() }).map_err(D::Error::custom)?;
    if let Some(mask) = explicit.filter(|mask| *mask != computed_mask(&value)) {
        value.set_explicit_mask(mask);
    }
    Ok(value)
}

fn split_mask(mask: &str) -> impl Iterator<Item = &str> {
    mask.split(',').map(str::trim).filter(|path| !path.is_empty())
}

/// Whether `named` (a mask's paths) names `path` or an object that holds it.
fn covers<S: AsRef<str>>(named: &[S], path: &str) -> bool {
    named.iter().any(|entry| {
        let entry = entry.as_ref();
        path == entry || path.strip_prefix(entry).is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Whether `named` names `path` or something inside it.
fn reaches_into<S: AsRef<str>>(named: &[S], path: &str) -> bool {
    named.iter().any(|entry| entry.as_ref().strip_prefix(path).is_some_and(|rest| rest.starts_with('.')))
}

struct Reader<'n> {
    map: Map<String, Value>,
    named: Option<&'n [String]>,
    prefix: String,
}

impl FieldVisitorMut for Reader<'_> {
    type Error = serde_json::Error;

    fn leaf<T: DeserializeOwned>(&mut self, wire: &'static str, field: &mut Patch<T>) -> Result<(), Self::Error> {
        let path = format!("{}{wire}", self.prefix);
        *field = match self.map.remove(wire) {
            Some(Value::Null) => Patch::Reset,
            Some(value) => Patch::Set(serde_json::from_value(value)?),
            None if self.named.is_some_and(|named| covers(named, &path)) => Patch::Reset,
            None => Patch::Untouched,
        };
        Ok(())
    }

    fn nested<T: Masked>(&mut self, wire: &'static str, field: &mut Patch<T>) -> Result<(), Self::Error> {
        let path = format!("{}{wire}", self.prefix);
        let inner = match self.map.remove(wire) {
            Some(Value::Null) => {
                *field = Patch::Reset;
                return Ok(());
            }
            Some(Value::Object(inner)) => inner,
            Some(other) => return Err(serde_json::Error::custom(format!("`{path}` must be an object, found {other}"))),
            None => match self.named {
                Some(named) if covers(named, &path) => {
                    *field = Patch::Reset;
                    return Ok(());
                }
                Some(named) if reaches_into(named, &path) => Map::new(),
                _ => {
                    *field = Patch::Untouched;
                    return Ok(());
                }
            },
        };
        let mut value = T::default();
        let mut reader = Reader { map: inner, named: self.named, prefix: format!("{path}.") };
        value.visit_mut(&mut reader)?;
        *field = Patch::Set(value);
        Ok(())
    }
}

/// Checks a masked body before it is sent: the constraints of its set fields, a set or
/// reset field the caller's mask leaves out, and an update that changes nothing (an empty
/// mask, which the server would read as "every field").
pub fn validate<T: Masked>(value: &T, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
    let named: Option<Vec<&str>> = value.explicit_mask().map(|mask| split_mask(mask).collect());
    value.visit(&mut Checker { at, named: named.as_deref(), prefix: String::new() })?;
    if let Some(field) = T::MASK_FIELD.filter(|_| value.explicit_mask().is_none() && computed_mask(value).is_empty()) {
        return Err(ArgumentError { argument: at.to_string(), problem: ArgumentProblem::EmptyUpdate { mask_field: field } });
    }
    Ok(())
}

struct Checker<'a, 'n> {
    at: &'a FieldPath<'a>,
    named: Option<&'n [&'n str]>,
    prefix: String,
}

impl Checker<'_, '_> {
    fn named(&self, wire: &str, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        let path = format!("{}{wire}", self.prefix);
        match self.named {
            Some(named) if !covers(named, &path) => {
                Err(ArgumentError { argument: at.to_string(), problem: ArgumentProblem::NotInUpdateMask { path } })
            }
            _ => Ok(()),
        }
    }
}

impl FieldVisitor for Checker<'_, '_> {
    type Error = ArgumentError;

    fn leaf<T: Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>, rules: &Rules) -> Result<(), Self::Error> {
        let at = self.at.field(wire);
        match field {
            Patch::Untouched => Ok(()),
            Patch::Reset => self.named(wire, &at),
            Patch::Set(value) => {
                self.named(wire, &at)?;
                value.check(rules, &at)
            }
        }
    }

    fn nested<T: Masked + Serialize + Validate>(&mut self, wire: &'static str, field: &Patch<T>) -> Result<(), Self::Error> {
        let at = self.at.field(wire);
        match field {
            Patch::Untouched => Ok(()),
            Patch::Reset => self.named(wire, &at),
            Patch::Set(value) => {
                let mut inner = Checker { at: &at, named: self.named, prefix: format!("{}{wire}.", self.prefix) };
                value.visit(&mut inner)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_covers_the_paths_inside_the_objects_it_names() {
        assert!(covers(&["configSpec"], "configSpec.mongodb.version"));
        assert!(covers(&["configSpec.mongodb"], "configSpec.mongodb"));
        assert!(!covers(&["configSpec.mongo"], "configSpec.mongodb"));
        assert!(reaches_into(&["configSpec.mongodb.version"], "configSpec"));
        assert!(!reaches_into(&["configSpecs"], "configSpec"));
    }
}
