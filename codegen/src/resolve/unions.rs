//! `oneOf` and `anyOf`: a value of one of several types. With a `discriminator` the union is
//! tagged by a property; without one its variants are tried in order. A lone member stands
//! for itself.

use super::Resolver;
use super::model::{OTHER_VARIANT, TypeDef, TypeRef, UnionDef, UnionVariant};
use crate::load::{Schema, SchemaKind};
use crate::names;

impl Resolver<'_> {
    /// The type of a schema with `oneOf` or `anyOf` (`keyword`) over `members`.
    pub(super) fn lower_union(&mut self, schema: &Schema, keyword: &str, members: &[Schema], name: &str, place: &str) -> Option<TypeRef> {
        // A `type: null` member says the value may be null: the field is optional for it.
        let members: Vec<&Schema> = members.iter().filter(|member| member.kind != Some(SchemaKind::Null)).collect();
        if let [only] = members.as_slice() {
            return self.lower(only, name, &format!("{place}.{keyword}[0]"));
        }
        if members.is_empty() {
            self.invalid(format!("{place}.{keyword}"), format!("`{keyword}` needs at least one schema"));
            return None;
        }
        if !self.claim_type_name(name, place) {
            return None;
        }
        let mut variants: Vec<UnionVariant> = Vec::new();
        for (index, member) in members.into_iter().enumerate() {
            let member_place = format!("{place}.{keyword}[{index}]");
            let component = member.reference.as_deref().and_then(|r| r.strip_prefix("#/components/schemas/"));
            let mut variant = match component {
                Some(component) => names::camel(component),
                None => variant_name(member),
            };
            if variant == OTHER_VARIANT || variants.iter().any(|v| v.name == variant) {
                variant = format!("{variant}{}", index + 1);
            }
            let Some(ty) = self.lower(member, &format!("{name}{variant}"), &member_place) else { continue };
            let tags = match (&schema.rare().discriminator, component) {
                (Some(discriminator), Some(component)) => {
                    let target = format!("#/components/schemas/{component}");
                    let mapped: Vec<String> = discriminator
                        .mapping
                        .iter()
                        .filter(|(_, reference)| **reference == target)
                        .map(|(value, _)| value.clone())
                        .collect();
                    if mapped.is_empty() { vec![component.to_owned()] } else { mapped }
                }
                // An inline member says its own tags, when its property lists them.
                (Some(discriminator), None) => member
                    .properties
                    .as_deref()
                    .and_then(|properties| properties.get(&discriminator.property_name))
                    .and_then(|property| property.enumeration.as_deref())
                    .map(|values| values.iter().filter_map(|value| value.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            variants.push(UnionVariant { name: variant, ty, tags });
        }
        let mut tag = schema.rare().discriminator.as_deref().map(|d| d.property_name.clone());
        if tag.is_some() && variants.iter().any(|v| v.tags.is_empty()) {
            // Inline members, which no mapping can name: told apart as an untagged union is.
            self.warn(
                format!("{place}.discriminator"),
                "a `discriminator` over members it cannot name (inline ones, without an `enum` of its property): the members are tried in order",
            );
            tag = None;
            variants.iter_mut().for_each(|variant| variant.tags.clear());
        }
        let docs = self.docs(schema);
        let def = UnionDef { name: name.to_owned(), docs, variants, tag };
        self.types.insert(name.to_owned(), TypeDef::Union(def));
        Some(TypeRef::Named(name.to_owned()))
    }
}

/// Whether `schema` is a `oneOf`/`anyOf` with a `type: null` member.
pub(super) fn has_null_member(schema: &Schema) -> bool {
    schema.rare().one_of.iter().chain(&schema.rare().any_of).flatten().any(|member| member.kind == Some(SchemaKind::Null))
}

/// The variant name of an inline member: what it is.
fn variant_name(member: &Schema) -> String {
    match member.implied_kind() {
        Some(SchemaKind::String) => "String",
        Some(SchemaKind::Integer) => "Integer",
        Some(SchemaKind::Number) => "Number",
        Some(SchemaKind::Boolean) => "Boolean",
        Some(SchemaKind::Array) => "List",
        Some(SchemaKind::Object) => "Object",
        Some(SchemaKind::Null) | None => "Value",
    }
    .to_owned()
}
