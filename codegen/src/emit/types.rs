//! The `types` module of an API: one struct, enum or alias per named type.

use std::sync::Arc;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

use super::client::TagFile;
use super::{Emit, docs, type_files};
use crate::resolve::model::{
    ADDITIONAL_FIELD, AliasDef, Api, EnumDef, Field, OTHER_VARIANT, Presence, StructDef, TypeDef, TypeRef, UNKNOWN_VARIANT, UnionDef,
};

/// The standard library's names a generated file uses, each with its full path.
const STD_NAMES: &[(&str, &str)] = &[
    ("String", "::std::string::String"),
    ("Option", "::std::option::Option"),
    ("Vec", "::std::vec::Vec"),
    ("Box", "::std::boxed::Box"),
    ("BTreeMap", "::std::collections::BTreeMap"),
    ("Result", "::std::result::Result"),
    ("Serialize", "::serde::Serialize"),
    ("Deserialize", "::serde::Deserialize"),
];

/// How a file names the standard library's types: by their short names, except those a spec
/// type of the same name would capture, which keep their full paths.
#[derive(Debug, Clone, Default)]
pub struct StdNames {
    shadowed: Vec<&'static str>,
}

impl StdNames {
    /// The names in the `types` module of `api`, where its types are in scope.
    pub fn in_types(api: &Api) -> Self {
        Self { shadowed: STD_NAMES.iter().map(|(short, _)| *short).filter(|short| api.types.contains_key(*short)).collect() }
    }

    /// `name` (one of [`STD_NAMES`]) as this file writes it.
    pub fn path(&self, name: &str) -> TokenStream {
        match self.shadowed.contains(&name) {
            true => self.path_text(name).parse().unwrap_or_default(),
            false => ident(name).into_token_stream(),
        }
    }

    /// `name` as a string, for serde attributes that name a path.
    pub fn path_text(&self, name: &str) -> String {
        match self.shadowed.contains(&name) {
            true => STD_NAMES.iter().find(|(short, _)| *short == name).map_or(name, |(_, full)| *full).to_owned(),
            false => name.to_owned(),
        }
    }

    /// Whether `name` keeps its full path here.
    pub fn is_shadowed(&self, name: &str) -> bool {
        self.shadowed.contains(&name)
    }
}

/// Where a type is written from: inside the `types` module or beside it.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Inside `types`: named types are in scope, and may capture standard names.
    Types(&'a StdNames),
    /// In the API module: named types are under `types::`, standard names are free.
    Module,
}

impl Scope<'_> {
    /// `name` (a standard name) as this scope writes it.
    pub fn std(self, name: &str) -> TokenStream {
        match self {
            Scope::Types(names) => names.path(name),
            Scope::Module => StdNames::default().path(name),
        }
    }
}

/// An identifier, raw or not as it needs.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a value.
pub fn rust_type(ty: &TypeRef, scope: Scope<'_>) -> TokenStream {
    match ty {
        TypeRef::String => scope.std("String"),
        TypeRef::Secret => quote! { crate::runtime::Secret },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Uuid => quote! { uuid::Uuid },
        TypeRef::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        TypeRef::Date => quote! { chrono::NaiveDate },
        TypeRef::Ipv4 => quote! { std::net::Ipv4Addr },
        TypeRef::Ipv6 => quote! { std::net::Ipv6Addr },
        TypeRef::U64 => quote! { u64 },
        TypeRef::Text => scope.std("String"),
        TypeRef::Bytes => quote! { crate::runtime::Bytes },
        TypeRef::Json => quote! { serde_json::Value },
        TypeRef::JsonObject => {
            let string = scope.std("String");
            quote! { serde_json::Map<#string, serde_json::Value> }
        }
        TypeRef::List(item) => {
            let (vec, item) = (scope.std("Vec"), rust_type(item, scope));
            quote! { #vec<#item> }
        }
        TypeRef::Map(value) => {
            let (string, value) = (scope.std("String"), rust_type(value, scope));
            let map = match scope {
                Scope::Types(_) => scope.std("BTreeMap"),
                Scope::Module => quote! { std::collections::BTreeMap },
            };
            quote! { #map<#string, #value> }
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types(_) => quote! { #name },
                Scope::Module => quote! { types::#name },
            }
        }
    }
}

/// Whether a value of `ty` is or holds a map, so the file needs `BTreeMap`.
fn holds_map(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) => true,
        TypeRef::List(item) => holds_map(item),
        _ => false,
    }
}

/// The files of the `types` module of an API, as paths relative to the API's folder, each
/// emitted when asked: one `types.rs`, or a `types/` folder split by tag (see
/// [`super::type_files`]) for a large API.
pub fn types_files<'a>(api: &'a Api, tags: &[TagFile<'a>]) -> Vec<(String, Emit<'a>)> {
    let shared = Arc::new(TypesFile { api, names: StdNames::in_types(api), checks: super::validation::Checks::of(api) });
    let title = format!("The request and response types of {}, as its spec defines them.", api.title);
    let Some(files) = type_files::split(api, tags) else {
        let emit: Emit<'a> = Box::new(move || {
            let defs: Vec<&TypeDef> = api.types.values().collect();
            let module_docs = docs::inner_attrs(std::slice::from_ref(&title));
            let body = shared.body(&defs);
            quote! { #module_docs #body }
        });
        return vec![("types.rs".to_owned(), emit)];
    };
    let modules: Vec<String> = files.iter().map(|file| file.module.clone()).collect();
    let index: Emit<'a> = Box::new(move || {
        let lines = [
            title.clone(),
            String::new(),
            "They are written in one file per tag, beside the types several tags share; all are in".to_owned(),
            "scope here.".to_owned(),
        ];
        let module_docs = docs::inner_attrs(&lines);
        let modules: Vec<Ident> = modules.iter().map(|module| ident(module)).collect();
        quote! {
            #module_docs
            #( mod #modules; )*
            #( pub use #modules::*; )*
        }
    });
    let mut out = vec![("types/mod.rs".to_owned(), index)];
    for file in files {
        let shared = Arc::clone(&shared);
        let relative = format!("types/{}.rs", file.module);
        let emit: Emit<'a> = Box::new(move || {
            let module_docs = docs::inner_attrs(&[match &file.tag {
                Some(tag) => format!("The types only the operations tagged {} use.", docs::code(tag)),
                None => "The types several tags use, or none.".to_owned(),
            }]);
            let imported = type_files::imports(&file.types);
            let imports = (!imported.is_empty()).then(|| {
                let imported = imported.iter().map(|name| ident(name));
                quote! { use super::{#(#imported),*}; }
            });
            let body = shared.body(&file.types);
            quote! { #module_docs #imports #body }
        });
        out.push((relative, emit));
    }
    out
}

/// What every file of an API's `types` is written with, found once for all of them.
struct TypesFile<'a> {
    api: &'a Api,
    /// How the `types` module names the standard library's types.
    names: StdNames,
    /// The `Validate` impls of the types a request can hold.
    checks: super::validation::Checks<'a>,
}

impl TypesFile<'_> {
    /// The imports and items of a file holding `defs`.
    fn body(&self, defs: &[&TypeDef]) -> TokenStream {
        let Self { api, names, checks } = self;
        let scope = Scope::Types(names);
        let result = names.path("Result");
        let items = defs.iter().map(|def| {
            let item = match def {
                TypeDef::Struct(def @ StructDef { mask: Some(role), .. }) => super::masked::masked_struct(api, def, role, scope),
                TypeDef::Struct(def) if def.multipart => {
                    let item = struct_item(def, scope);
                    let parts = multipart_impl(api, def);
                    quote! { #item #parts }
                }
                TypeDef::Struct(def) => struct_item(def, scope),
                TypeDef::Enum(def) => enum_item(def),
                TypeDef::Alias(def) => alias_item(def, scope),
                TypeDef::Union(def) => union_item(def, scope),
            };
            let check = checks.impl_for(def, &result);
            quote! { #item #check }
        });
        let derives_serde = defs.iter().any(|def| match def {
            TypeDef::Struct(def) => def.mask.is_none(),
            TypeDef::Union(def) => def.tag.is_none(),
            _ => false,
        });
        let serde_names: Vec<Ident> =
            ["Deserialize", "Serialize"].into_iter().filter(|name| derives_serde && !names.is_shadowed(name)).map(ident).collect();
        let serde_import = (!serde_names.is_empty()).then(|| quote! { use serde::{#(#serde_names),*}; });
        let uses_map = defs.iter().any(|def| match def {
            TypeDef::Struct(def) => {
                def.fields.iter().any(|f| holds_map(&f.ty)) || def.additional.as_ref().is_some_and(|ty| *ty != TypeRef::Json)
            }
            TypeDef::Alias(def) => holds_map(&def.ty),
            TypeDef::Union(def) => def.variants.iter().any(|v| holds_map(&v.ty)),
            TypeDef::Enum(_) => false,
        });
        let map_import = (uses_map && !names.is_shadowed("BTreeMap")).then(|| quote! { use std::collections::BTreeMap; });
        quote! {
            #map_import
            #serde_import
            #(#items)*
        }
    }
}

fn struct_item(def: &StructDef, scope: Scope<'_>) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs::attrs(&docs::value_docs(&def.docs, &format!("The `{}` object.", def.name)));
    let default = def.derives_default.then(|| quote! { Default, });
    let fields = def.fields.iter().map(|f| field(f, scope));
    let additional = def.additional.as_ref().map(|ty| {
        let name = ident(ADDITIONAL_FIELD);
        let ty = match ty {
            TypeRef::Json => rust_type(&TypeRef::JsonObject, scope),
            other => rust_type(&TypeRef::Map(Box::new(other.clone())), scope),
        };
        quote! {
            /// Properties beyond the documented ones, kept as they were received.
            #[serde(flatten)]
            pub #name: #ty,
        }
    });
    let (serialize, deserialize) = (scope.std("Serialize"), scope.std("Deserialize"));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default #serialize, #deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// The parts a struct sent as `multipart/form-data` is written as: binary fields as files,
/// scalars and enums as text, anything else as JSON.
fn multipart_impl(api: &Api, def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let scalar = |ty: &TypeRef| match crate::resolve::model::through_aliases(&api.types, ty) {
        TypeRef::Named(named) => matches!(api.types.get(named), Some(TypeDef::Enum(_))),
        TypeRef::Json | TypeRef::JsonObject | TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Bytes => false,
        _ => true,
    };
    let parts = def.fields.iter().map(|field| {
        let (wire, field_name) = (&field.wire_name, ident(&field.name));
        let item = match crate::resolve::model::through_aliases(&api.types, &field.ty) {
            TypeRef::List(item) => item.as_ref().clone(),
            other => other.clone(),
        };
        let plain = !field.boxed && field.presence != Presence::OptionalNullable;
        match item {
            TypeRef::Bytes if plain => quote! { parts.file(#wire, &self.#field_name); },
            ref ty if plain && scalar(ty) => quote! { parts.text(#wire, &self.#field_name); },
            _ => quote! { parts.json(#wire, &self.#field_name); },
        }
    });
    quote! {
        impl crate::runtime::MultipartBody for #name {
            fn parts(&self, parts: &mut crate::runtime::Parts) {
                #(#parts)*
            }
        }
    }
}

fn field(field: &Field, scope: Scope<'_>) -> TokenStream {
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
    let mut ty = rust_type(&field.ty, scope);
    if field.boxed {
        let boxed = scope.std("Box");
        ty = quote! { #boxed<#ty> };
    }
    let option = scope.std("Option");
    let is_none = match scope {
        Scope::Types(names) => format!("{}::is_none", names.path_text("Option")),
        Scope::Module => "Option::is_none".to_owned(),
    };
    // One `#[serde(...)]` per field, with whatever it needs.
    let mut serde: Vec<TokenStream> = Vec::new();
    if field.name != field.wire_name {
        let wire = &field.wire_name;
        serde.push(quote! { rename = #wire });
    }
    let ty = match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable => quote! { #option<#ty> },
        Presence::Optional => {
            serde.extend([quote! { default }, quote! { skip_serializing_if = #is_none }]);
            quote! { #option<#ty> }
        }
        Presence::OptionalNullable => {
            serde.extend([
                quote! { default },
                quote! { skip_serializing_if = #is_none },
                quote! { deserialize_with = "crate::runtime::deserialize_some" },
            ]);
            quote! { #option<#option<#ty>> }
        }
    };
    let serde = (!serde.is_empty()).then(|| quote! { #[serde(#(#serde),*)] });
    quote! {
        #doc
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
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this client does not know, kept as it was received.
            #unknown(crate::runtime::UnknownValue),
        }

        impl #name {
            /// Every value this client knows, with its text on the wire.
            pub const KNOWN: &'static [(Self, &'static str)] = &[#( (Self::#variants, #wire), )*];
        }

        crate::runtime::string_enum!(#name);
    }
}

/// A union: an enum with one variant per type and a catch-all that keeps any other value.
/// Untagged unions try their variants in order; tagged ones read the tag property first.
fn union_item(def: &UnionDef, scope: Scope<'_>) -> TokenStream {
    let name = ident(&def.name);
    let mut lines = docs::value_docs(&def.docs, &format!("The `{}` values.", def.name));
    docs::paragraph(
        &mut lines,
        [match &def.tag {
            Some(tag) => format!("Which one it is, the `{tag}` property says; a value of another kind is kept in [`Other`](Self::Other)."),
            None => "Each variant is tried in order; a value of none of them is kept in [`Other`](Self::Other).".to_owned(),
        }],
    );
    let doc = docs::attrs(&lines);
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.name)).collect();
    // Structs are boxed, so a union is as small as its smallest variants.
    let boxed = scope.std("Box");
    let types: Vec<TokenStream> = def
        .variants
        .iter()
        .map(|v| match (&v.ty, rust_type(&v.ty, scope)) {
            (TypeRef::Named(_), ty) => quote! { #boxed<#ty> },
            (_, ty) => ty,
        })
        .collect();
    let variant_docs = def.variants.iter().map(|v| match &v.ty {
        TypeRef::Named(named) => format!(" A [`{named}`]."),
        _ => format!(" A value of type `{}`.", rust_type(&v.ty, scope).to_string().replace(' ', "")),
    });
    let other = ident(OTHER_VARIANT);
    let result = scope.std("Result");
    let Some(tag) = &def.tag else {
        let (serialize, deserialize) = (scope.std("Serialize"), scope.std("Deserialize"));
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #serialize, #deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants(#types), )*
                /// A value of none of the documented types, kept as it was received.
                #other(serde_json::Value),
            }
        };
    };
    let tags: Vec<TokenStream> = def
        .variants
        .iter()
        .map(|v| {
            let values = &v.tags;
            quote! { #(#values)|* }
        })
        .collect();
    let first_tags: Vec<&str> = def.variants.iter().map(|v| v.tags.first().map_or("", String::as_str)).collect();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants(#types), )*
            /// A value of another kind, kept as it was received.
            #other(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => crate::runtime::tagged::serialize(serializer, #tag, #first_tags, value), )*
                    Self::#other(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                Ok(match crate::runtime::tagged::tag_of(&value, #tag) {
                    #( Some(#tags) => Self::#variants(crate::runtime::tagged::decode::<_, D::Error>(value)?), )*
                    _ => Self::#other(value),
                })
            }
        }
    }
}

fn alias_item(def: &AliasDef, scope: Scope<'_>) -> TokenStream {
    let name = ident(&def.name);
    let doc = docs::attrs(&docs::value_docs(&def.docs, &format!("The `{}` type.", def.name)));
    let ty = rust_type(&def.ty, scope);
    quote! {
        #doc
        pub type #name = #ty;
    }
}
