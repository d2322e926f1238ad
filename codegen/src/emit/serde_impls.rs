//! How a struct goes on and off the wire: short `Serialize` and `Deserialize` impls per struct
//! that call the runtime's `ser` and `de` functions, instead of serde's derives. They write and
//! read what the derives would (the same names, left-out `None`s, defaults, duplicate and
//! missing-field errors) in a fraction of the code, which is what the crate's build spends
//! most of its time on.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::rust::{Scope, ident};
use crate::resolve::model::{Field, Presence, StructDef};

/// The `Serialize` and `Deserialize` impls of `def`, a struct without additional properties
/// (those keep serde's derives, whose `flatten` gathers them).
pub fn serde_impls(def: &StructDef, scope: Scope<'_>) -> TokenStream {
    let serialize = serialize_impl(def, scope);
    let deserialize = deserialize_impl(def, scope);
    quote! { #serialize #deserialize }
}

/// The `Serialize` impl: each field under its wire name, an optional one left out when `None`
/// (a read-only one also when the client sends it), the count of fields written told first.
fn serialize_impl(def: &StructDef, scope: Scope<'_>) -> TokenStream {
    let name = ident(&def.name);
    let wire_name = &def.name;
    let result = scope.std("Result");
    // The count: the fields always written, plus each optional one that is not left out.
    let required = def.fields.iter().filter(|field| !optional(field)).count();
    let counted = def.fields.iter().filter(|field| optional(field)).map(|field| {
        let field_name = ident(&field.name);
        let count = if field.never_sent { ident("count_read_only") } else { ident("count") };
        quote! { rt::ser::#count(&self.#field_name) }
    });
    let mut terms: Vec<TokenStream> = (required > 0).then(|| Literal::usize_unsuffixed(required).into_token_stream()).into_iter().collect();
    terms.extend(counted);
    let count = match terms.is_empty() {
        true => quote! { 0 },
        false => quote! { #(#terms)+* },
    };
    let writes = def.fields.iter().map(|field| {
        let (field_name, wire) = (ident(&field.name), &field.wire_name);
        let write = match (optional(field), field.never_sent) {
            (false, _) => ident("field"),
            (true, false) => ident("optional"),
            (true, true) => ident("read_only"),
        };
        quote! { rt::ser::#write(&mut object, #wire, &self.#field_name)?; }
    });
    let object = if def.fields.is_empty() {
        quote! { object }
    } else {
        quote! { mut object }
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                let #object = serializer.serialize_struct(#wire_name, #count)?;
                #(#writes)*
                serde::ser::SerializeStruct::end(object)
            }
        }
    }
}

/// Whether the field is left out when `None`.
fn optional(field: &Field) -> bool {
    matches!(field.presence, Presence::Optional | Presence::OptionalNullable)
}

/// The `Deserialize` impl, and the `Object` impl it reads through.
fn deserialize_impl(def: &StructDef, scope: Scope<'_>) -> TokenStream {
    let name = ident(&def.name);
    let wire_name = &def.name;
    let result = scope.std("Result");
    let wire: Vec<&str> = def.fields.iter().map(|field| field.wire_name.as_str()).collect();
    let slots: Vec<Ident> = (0..def.fields.len()).map(|index| format_ident!("v{index}")).collect();
    let reads = def.fields.iter().zip(&slots).map(|(field, slot)| {
        let read = read_function(field);
        let wire = &field.wire_name;
        quote! { #wire => rt::de::#read(&mut map, &mut #slot, #wire)?, }
    });
    let keys = match def.fields.is_empty() {
        true => quote! {
            while rt::de::next_key(&mut map)?.is_some() {
                rt::de::skip_value(&mut map)?;
            }
        },
        false => quote! {
            while let Some(key) = rt::de::next_key(&mut map)? {
                match &*key.0 {
                    #(#reads)*
                    _ => rt::de::skip_value(&mut map)?,
                }
            }
        },
    };
    let values = def.fields.iter().zip(&slots).map(|(field, slot)| {
        let field_name = ident(&field.name);
        let wire = &field.wire_name;
        let value = match (field.presence, field.never_read) {
            (Presence::Optional | Presence::OptionalNullable, _) => quote! { #slot.unwrap_or_default() },
            (Presence::Required | Presence::RequiredNullable, false) => quote! { rt::de::required(#slot, #wire)? },
            // A field read through a function of its own has no `None` to fall back on.
            (Presence::Required | Presence::RequiredNullable, true) => quote! { rt::de::present(#slot, #wire)? },
        };
        quote! { #field_name: #value, }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                rt::de::object(deserializer)
            }
        }

        impl<'de> rt::de::Object<'de> for #name {
            const NAME: &'static str = #wire_name;
            const FIELDS: &'static [&'static str] = &[#(#wire),*];

            fn read<A: serde::de::MapAccess<'de>>(mut map: A) -> #result<Self, A::Error> {
                #(let mut #slots = None;)*
                #keys
                Ok(Self { #(#values)* })
            }
        }
    }
}

/// The runtime function that reads `field`'s value into its slot.
fn read_function(field: &Field) -> Ident {
    let name = match (field.never_read, field.presence) {
        (true, _) => "write_only_value",
        (false, Presence::OptionalNullable) => "value_or_null",
        (false, _) => "value",
    };
    ident(name)
}
