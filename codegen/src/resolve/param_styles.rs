//! How a parameter is written on the wire: its `style` and `explode` read against its
//! location and the shape of its value.

use super::Resolver;
use super::model::{ParamLocation, ParamStyle, TypeDef, TypeRef};
use crate::load::Parameter;

/// The shape of a parameter's value, as styles tell values apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A string, number, boolean or string enum.
    Scalar,
    /// An array of scalars.
    ScalarList,
    /// An object: named properties, or a map.
    Object,
    /// Anything else: a list of objects or of lists, a union of objects, any JSON value.
    Other,
}

impl Shape {
    fn described(self) -> &'static str {
        match self {
            Self::Scalar => "a single value",
            Self::ScalarList => "an array",
            Self::Object => "an object",
            Self::Other => "this type of value",
        }
    }
}

/// The characters a cookie name may hold: RFC 6265's token, visible ASCII but separators.
fn is_cookie_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
}

impl Resolver<'_> {
    fn shape(&self, ty: &TypeRef) -> Shape {
        let scalar = |ty: &TypeRef| match ty {
            TypeRef::Named(name) => matches!(self.types.get(name), Some(TypeDef::Enum(_))),
            TypeRef::Json | TypeRef::JsonObject | TypeRef::List(_) | TypeRef::Map(_) => false,
            _ => true,
        };
        match ty {
            TypeRef::List(item) if scalar(item) => Shape::ScalarList,
            TypeRef::Map(_) | TypeRef::JsonObject => Shape::Object,
            TypeRef::Named(name) if matches!(self.types.get(name), Some(TypeDef::Struct(_))) => Shape::Object,
            other if scalar(other) => Shape::Scalar,
            _ => Shape::Other,
        }
    }

    /// How the parameter `wire`, of type `ty`, is written, from its `style` and `explode`;
    /// `None` (reported) where the client cannot write it so.
    pub(super) fn param_style(
        &mut self,
        wire: &str,
        location: ParamLocation,
        parameter: &Parameter,
        ty: &TypeRef,
        place: &str,
    ) -> Option<ParamStyle> {
        if location == ParamLocation::Cookie && !is_cookie_name(wire) {
            self.invalid(
                format!("{place}.name"),
                format!("`{wire}` cannot be a cookie's name: a cookie name is visible ASCII without spaces or `()<>@,;:\\\"/[]?={{}}`"),
            );
            return None;
        }
        let default_style = match location {
            ParamLocation::Query | ParamLocation::Cookie => "form",
            ParamLocation::Path | ParamLocation::Header => "simple",
        };
        let style = parameter.style.as_deref().unwrap_or(default_style);
        let explode = parameter.explode.unwrap_or(style == "form");
        let shape = self.shape(ty);
        let style_place = match parameter.style {
            Some(_) => format!("{place}.style"),
            None => place.to_owned(),
        };
        let refuse = |resolver: &mut Self, hint: &str| {
            let construct = format!("`style: {style}` on {} in a {} parameter", shape.described(), location.keyword());
            resolver.unsupported_because(&style_place, construct, hint);
            None
        };
        if location != ParamLocation::Query {
            // Outside a query the client writes single values, in the location's own style.
            if style != default_style {
                return refuse(self, &format!("a {} parameter is sent in `style: {default_style}`", location.keyword()));
            }
            if shape == Shape::Other {
                // A union or any JSON: OpenAPI defines no `simple` form for it; what vendors
                // mean (Linode's `X-Filter`) is its JSON text.
                let message = format!(
                    "OpenAPI leaves undefined how `style: {style}` writes {} in a {} parameter: `{wire}` is sent as its JSON text",
                    shape.described(),
                    location.keyword()
                );
                self.warn(place, message);
                return Some(ParamStyle::Json);
            }
            if shape != Shape::Scalar {
                let construct =
                    format!("{} in a {} parameter (a string, number, boolean or string enum is)", shape.described(), location.keyword());
                self.unsupported(format!("{place}.schema"), construct);
                return None;
            }
            return Some(ParamStyle::Plain);
        }
        let undefined = |resolver: &mut Self| {
            let message = format!(
                "OpenAPI leaves undefined how `style: {style}` writes {} in a query: `{wire}` is sent as its JSON text",
                shape.described()
            );
            resolver.warn(place, message);
            Some(ParamStyle::Json)
        };
        match (style, shape) {
            ("form" | "spaceDelimited" | "pipeDelimited" | "deepObject", Shape::Scalar) => {
                if style != "form" {
                    let message = format!("`style: {style}` applies to arrays and objects: the single value `{wire}` is sent as it is");
                    self.warn(&style_place, message);
                }
                Some(ParamStyle::Plain)
            }
            ("form" | "spaceDelimited" | "pipeDelimited", Shape::ScalarList) if explode => Some(ParamStyle::Plain),
            ("form", Shape::ScalarList) => Some(ParamStyle::Joined(",")),
            ("spaceDelimited", Shape::ScalarList) => Some(ParamStyle::Joined(" ")),
            ("pipeDelimited", Shape::ScalarList) => Some(ParamStyle::Joined("|")),
            ("form", Shape::Object) if explode => Some(ParamStyle::ObjectExploded),
            ("form", Shape::Object) => Some(ParamStyle::ObjectJoined),
            ("deepObject", Shape::Object) => Some(ParamStyle::DeepObject),
            ("spaceDelimited" | "pipeDelimited", Shape::Object) => {
                refuse(self, "objects in a query are sent in `style: form` or `style: deepObject`")
            }
            ("form" | "spaceDelimited" | "pipeDelimited" | "deepObject", Shape::Other | Shape::ScalarList) => undefined(self),
            _ => refuse(self, "a query parameter is sent in `style: form`, `spaceDelimited`, `pipeDelimited` or `deepObject`"),
        }
    }
}
