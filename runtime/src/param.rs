//! How parameter values are written into paths, query strings, headers and cookies.

use std::borrow::Cow;

/// A value that can be sent as a path segment, a query value or a header value.
pub trait ParamValue {
    /// The value as text, before any encoding.
    fn param_text(&self) -> Cow<'_, str>;

    /// The value as a secret, when it is one: it is then kept out of every text.
    fn secret(&self) -> Option<&super::Secret> {
        None
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn param_text(&self) -> Cow<'_, str> {
        (**self).param_text()
    }

    fn secret(&self) -> Option<&super::Secret> {
        (**self).secret()
    }
}

impl ParamValue for str {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ParamValue for String {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ParamValue for super::Secret {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.expose())
    }

    fn secret(&self) -> Option<&super::Secret> {
        Some(self)
    }
}

impl ParamValue for uuid::Uuid {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.hyphenated().to_string())
    }
}

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {
        $(impl ParamValue for $ty {
            fn param_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        })*
    };
}

display_param!(bool, i32, i64, u64, f32, f64, chrono::NaiveDate, std::net::Ipv4Addr, std::net::Ipv6Addr);

/// A value sent as its JSON text: a parameter whose `content` is JSON, or one whose encoding
/// OpenAPI leaves undefined (a list of objects in a query).
#[doc(hidden)]
pub struct JsonText<'a, T: ?Sized>(pub &'a T);

impl<T: serde::Serialize + ?Sized> ParamValue for JsonText<'_, T> {
    fn param_text(&self) -> Cow<'_, str> {
        // The generated types serialize without fail: their maps have string keys.
        Cow::Owned(serde_json::to_string(self.0).unwrap_or_default())
    }
}
