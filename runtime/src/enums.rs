//! What every generated string enum shares: its wire text, conversions, serde and the value
//! kept when the server sends one the client does not know.

use std::fmt;

/// A value of a string enum that this client does not know, kept as it was received so new
/// server values never break decoding. Only decoding makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    #[doc(hidden)]
    pub fn new(value: &str) -> Self {
        Self(value.to_owned())
    }

    /// The value as it was received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The impls every generated string enum has: `as_str`, `From<&str>`, `Display`, serde as a
/// string, and use as a parameter, all from its `KNOWN` table. The enum's catch-all variant
/// is `UnknownValue`.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($name:ident) => {
        impl $name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                if let Self::UnknownValue(value) = self {
                    return value.as_str();
                }
                let discriminant = ::core::mem::discriminant(self);
                Self::KNOWN.iter().find(|(known, _)| ::core::mem::discriminant(known) == discriminant).map_or("", |(_, wire)| wire)
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::KNOWN
                    .iter()
                    .find(|(_, wire)| *wire == value)
                    .map_or_else(|| Self::UnknownValue($crate::UnknownValue::new(value)), |(known, _)| known.clone())
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let value = <$crate::CowStr<'de> as $crate::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(Self::from(value.0.as_ref()))
            }
        }

        impl $crate::ParamValue for $name {
            fn param_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }

        impl $crate::Validate for $name {}
    };
}

/// A string read without a copy when the input allows it.
#[doc(hidden)]
#[derive(serde::Deserialize)]
pub struct CowStr<'a>(#[serde(borrow)] pub std::borrow::Cow<'a, str>);
