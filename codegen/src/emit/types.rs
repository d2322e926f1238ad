//! The `types` module of an API: one struct, enum or alias per named type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs;
use crate::resolve::model::{
    ADDITIONAL_FIELD, AliasDef, Api, EnumDef, Field, Presence, StructDef, TypeDef, TypeRef, UNKNOWN_VARIANT,
};

/// Where a type is written from: inside the `types` module or beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `types`: named types are in scope.
    Types,
    /// In the API module: named types are under `types::`.
    Module,
}

/// An identifier, raw or not as it needs.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a value.
pub fn rust_type(ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::String => quote! { ::std::string::String },
        TypeRef::Secret => quote! { crate::runtime::Secret },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Uuid => quote! { ::uuid::Uuid },
        TypeRef::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::JsonObject => quote! { ::serde_json::Map<::std::string::String, ::serde_json::Value> },
        TypeRef::List(item) => {
            let item = rust_type(item, scope);
            quote! { ::std::vec::Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = rust_type(value, scope);
            quote! { ::std::collections::BTreeMap<::std::string::String, #value> }
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types => quote! { #name },
                Scope::Module => quote! { types::#name },
            }
        }
    }
}

/// The whole `types` module file of an API.
pub fn types_file(api: &Api) -> TokenStream {
    let module_docs = docs::inner_attrs(&[format!(
        "The request and response types of {}, as its spec defines them.",
        api.title
    )]);
    let checks = super::validation::Checks::of(api);
    let items = api.types.values().map(|def| {
        let item = match def {
            TypeDef::Struct(def @ StructDef { mask: Some(role), .. }) => super::masked::masked_struct(api, def, role),
            TypeDef::Struct(def) => struct_item(def),
            TypeDef::Enum(def) => enum_item(def),
            TypeDef::Alias(def) => alias_item(def),
        };
        let check = checks.impl_for(def);
        quote! { #item #check }
    });
    quote! {
        #module_docs
        #(#items)*
    }
}

fn struct_item(def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs::attrs(&docs::value_docs(&def.docs, &format!("The `{}` object.", def.name)));
    let default = def.derives_default.then(|| quote! { ::std::default::Default, });
    let fields = def.fields.iter().map(field);
    let additional = def.additional.as_ref().map(|ty| {
        let name = ident(ADDITIONAL_FIELD);
        let ty = match ty {
            TypeRef::Json => quote! { ::serde_json::Map<::std::string::String, ::serde_json::Value> },
            other => rust_type(&TypeRef::Map(Box::new(other.clone())), Scope::Types),
        };
        quote! {
            /// Properties beyond the documented ones, kept as they were received.
            #[serde(flatten)]
            pub #name: #ty,
        }
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let name = ident(&field.name);
    let fallback = match &field.ty {
        TypeRef::Named(name) => format!("The `{}` property: see [`{name}`].", field.wire_name),
        TypeRef::List(item) => match item.as_ref() {
            TypeRef::Named(name) => format!("The `{}` property: a list of [`{name}`].", field.wire_name),
            _ => format!("The `{}` property.", field.wire_name),
        },
        _ => format!("The `{}` property.", field.wire_name),
    };
    let doc = docs::attrs(&docs::value_docs(&field.docs, &fallback));
    let rename = (field.name != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote! { #[serde(rename = #wire)] }
    });
    let mut ty = rust_type(&field.ty, Scope::Types);
    if field.boxed {
        ty = quote! { ::std::boxed::Box<#ty> };
    }
    let (serde, ty) = match field.presence {
        Presence::Required => (None, ty),
        Presence::RequiredNullable => (None, quote! { ::std::option::Option<#ty> }),
        Presence::Optional => (
            Some(quote! { #[serde(default, skip_serializing_if = "::std::option::Option::is_none")] }),
            quote! { ::std::option::Option<#ty> },
        ),
        Presence::OptionalNullable => (
            Some(quote! {
                #[serde(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    deserialize_with = "crate::runtime::deserialize_some"
                )]
            }),
            quote! { ::std::option::Option<::std::option::Option<#ty>> },
        ),
    };
    quote! {
        #doc
        #rename
        #serde
        pub #name: #ty,
    }
}

fn enum_item(def: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let unknown = ident(UNKNOWN_VARIANT);
    let doc = docs::attrs(&docs::value_docs(&def.docs, &format!("The `{}` values.", def.name)));
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.name)).collect();
    let wire: Vec<&str> = def.variants.iter().map(|v| v.wire_value.as_str()).collect();
    let unknown_doc = docs::attrs(&[
        String::new(),
        format!("Values this client does not know are kept in [`{UNKNOWN_VARIANT}`](Self::{UNKNOWN_VARIANT}), so"),
        "new values the server adds never break decoding.".to_owned(),
    ]);
    let variant_docs = wire.iter().map(|value| match *value {
        "" => " The empty string.".to_owned(),
        value => format!(" The value {}.", docs::code(value)),
    });
    quote! {
        #doc
        #unknown_doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this client does not know, kept as it was received.
            #unknown(::std::string::String),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wire, )*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wire => Self::#variants, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }

        impl crate::runtime::ParamValue for #name {
            fn param_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    }
}

fn alias_item(def: &AliasDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs::attrs(&docs::value_docs(&def.docs, &format!("The `{}` type.", def.name)));
    let ty = rust_type(&def.ty, Scope::Types);
    quote! {
        #doc
        pub type #name = #ty;
    }
}
