//! The `types` module of an API: one struct, enum or alias per named type.

use std::collections::HashMap;
use std::sync::Arc;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::{self, DocBlocks};
use super::features::{self, Gate, TagFeatures};
use super::files::{self, TagFile};
use super::rust::{Scope, StdNames, holds_map, ident, rust_type};
use super::{Emit, FileEmit, Head, Part};
use crate::resolve::model::{
    ADDITIONAL_FIELD, AliasDef, Api, EnumDef, Field, OTHER_VARIANT, Presence, StructDef, TypeDef, TypeRef, UNKNOWN_VARIANT, UnionDef,
};

/// The files of the `types` module of an API, as paths relative to the API's folder, each
/// emitted when asked: one `types.rs`, or a `types/` folder split by tag (see
/// [`super::files`]) for a large API.
pub fn types_files<'a>(api: &'a Api, tags: &[TagFile<'a>]) -> Vec<(String, FileEmit<'a>)> {
    let gates = TagFeatures::of(api, tags).map(|features| {
        let gates = features.type_gates(api, tags);
        (features, gates)
    });
    let tag_features = gates.as_ref().map(|(features, _)| features.clone());
    let shared = Arc::new(TypesFile { api, names: StdNames::in_types(api), checks: super::validation::Checks::of(api), gates });
    let title = format!("The request and response types of {}, as its spec defines them.", api.title);
    let Some(files) = files::split(api, tags) else {
        let defs: Vec<&'a TypeDef> = api.types.values().collect();
        return vec![("types.rs".to_owned(), shared.file(defs, move |blocks| blocks.inner_attrs(std::slice::from_ref(&title))))];
    };
    let modules: Vec<String> = files.iter().map(|file| file.module.clone()).collect();
    // The tag of each file, by index into `tags`; `None` for the shared one.
    let file_tags: Vec<Option<usize>> =
        files.iter().map(|file| file.tag.as_ref().and_then(|tag| tags.iter().position(|other| other.tag == *tag))).collect();
    let index: Emit<'a> = Box::new(move |blocks| {
        let lines = [
            title.clone(),
            String::new(),
            "They are written in one file per tag, beside the types several tags share; all are in".to_owned(),
            "scope here.".to_owned(),
        ];
        let module_docs = blocks.inner_attrs(&lines);
        let modules: Vec<Ident> = modules.iter().map(|module| ident(module)).collect();
        let gates: Vec<Option<TokenStream>> =
            file_tags.iter().map(|tag| tag_features.as_ref().zip(*tag).map(|(features, index)| features.tag_attr(index))).collect();
        quote! {
            #module_docs
            #( #gates mod #modules; )*
            #( #gates pub use #modules::*; )*
        }
    });
    let mut out = vec![("types/mod.rs".to_owned(), FileEmit::whole(index))];
    for file in files {
        let relative = format!("types/{}.rs", file.module);
        let tag = file.tag.clone();
        let head = move |blocks: &DocBlocks| {
            blocks.inner_attrs(&[match &tag {
                Some(tag) => format!("The types only the operations tagged {} use.", docs::code(tag)),
                None => "The types several tags use, or none.".to_owned(),
            }])
        };
        out.push((relative, shared.file(file.types, head)));
    }
    out
}

/// How many types are emitted and formatted together, as one part of a file.
const TYPES_PER_PART: usize = 32;

/// What every file of an API's `types` is written with, found once for all of them.
struct TypesFile<'a> {
    api: &'a Api,
    /// How the `types` module names the standard library's types.
    names: StdNames,
    /// The `Validate` impls of the types a request can hold.
    checks: super::validation::Checks<'a>,
    /// For an API with tag features, the features and when each type is compiled.
    gates: Option<(TagFeatures, HashMap<&'a str, Gate>)>,
}

impl<'a> TypesFile<'a> {
    /// The file holding `defs`, its head `docs` and the imports the types need, its parts the
    /// types.
    fn file(self: &Arc<Self>, defs: Vec<&'a TypeDef>, docs: impl Fn(&DocBlocks) -> TokenStream + Send + Sync + 'a) -> FileEmit<'a> {
        let parts = defs
            .chunks(TYPES_PER_PART)
            .map(|chunk| {
                let (shared, chunk) = (Arc::clone(self), chunk.to_vec());
                let emit: Emit<'a> = Box::new(move |blocks| shared.items(&chunk, blocks));
                Part::Items(emit)
            })
            .collect();
        let shared = Arc::clone(self);
        let head: Head<'a> = Box::new(move |blocks, _| {
            let (docs, imports) = (docs(blocks), shared.imports(&defs));
            quote! { #docs #imports }
        });
        FileEmit { head: Some(head), parts }
    }

    /// The items of `defs`.
    fn items(&self, defs: &[&TypeDef], blocks: &DocBlocks) -> TokenStream {
        let Self { api, names, checks, .. } = self;
        let scope = Scope::Types(names);
        let result = names.path("Result");
        let items = defs.iter().map(|def| {
            let item = match def {
                TypeDef::Struct(def @ StructDef { mask: Some(role), .. }) => super::masked::masked_struct(api, def, role, scope, blocks),
                TypeDef::Struct(def) if def.multipart => {
                    let item = struct_item(def, scope, blocks);
                    let serde = def.additional.is_none().then(|| super::serde_impls::serde_impls(def, scope));
                    let parts = multipart_impl(api, def);
                    quote! { #item #serde #parts }
                }
                TypeDef::Struct(def) if def.additional.is_some() => struct_item(def, scope, blocks),
                TypeDef::Struct(def) => {
                    let item = struct_item(def, scope, blocks);
                    let serde = super::serde_impls::serde_impls(def, scope);
                    quote! { #item #serde }
                }
                TypeDef::Enum(def) => enum_item(def, blocks),
                TypeDef::Alias(def) => alias_item(def, scope, blocks),
                TypeDef::Union(def) => union_item(def, scope, blocks),
            };
            let check = checks.impl_for(def, &result);
            let gate = self.users_attr([*def]).flatten();
            features::gated(gate.as_ref(), quote! { #item #check })
        });
        quote! { #(#items)* }
    }

    /// The `#[cfg]` of an item that `users` use, when they are compiled under tag features:
    /// `None` when there are no users, `Some(None)` when it is compiled with the module.
    fn users_attr<'d>(&self, users: impl IntoIterator<Item = &'d TypeDef>) -> Option<Option<TokenStream>> {
        let mut users = users.into_iter().peekable();
        users.peek()?;
        let Some((features, gates)) = &self.gates else { return Some(None) };
        let gate = users.map(|def| gates.get(def.name()).cloned().unwrap_or(Gate::Always)).reduce(|gate, other| gate.union(&other));
        Some(gate.and_then(|gate| features.attr(&gate)))
    }

    /// The imports of a file holding `defs`: the types of the other files of a `types/`
    /// folder, and the names of the standard library and serde the types use.
    fn imports(&self, defs: &[&TypeDef]) -> TokenStream {
        let names = &self.names;
        // Each type of another file, gated as the types of this one that use it.
        let mut siblings: Vec<(Option<TokenStream>, Vec<Ident>)> = Vec::new();
        for name in files::imports(defs) {
            let users = defs.iter().copied().filter(|def| def.references().into_iter().any(|ty| ty.named() == Some(name)));
            let attr = self.users_attr(users).flatten();
            match siblings.iter_mut().find(|(gate, _)| gate.as_ref().map(ToString::to_string) == attr.as_ref().map(ToString::to_string)) {
                Some((_, names)) => names.push(ident(name)),
                None => siblings.push((attr, vec![ident(name)])),
            }
        }
        let siblings = siblings.iter().map(|(attr, names)| quote! { #attr use super::{#(#names),*}; });
        let derives_serde = |def: &&TypeDef| match def {
            TypeDef::Struct(def) => def.mask.is_none() && def.additional.is_some(),
            TypeDef::Union(def) => def.tag.is_none(),
            _ => false,
        };
        let serde_names: Vec<Ident> = ["Deserialize", "Serialize"].into_iter().filter(|name| !names.is_shadowed(name)).map(ident).collect();
        let serde_import = self
            .users_attr(defs.iter().copied().filter(derives_serde))
            .filter(|_| !serde_names.is_empty())
            .map(|attr| quote! { #attr use serde::{#(#serde_names),*}; });
        let uses_map = |def: &&TypeDef| match def {
            TypeDef::Struct(def) => {
                def.fields.iter().any(|f| holds_map(&f.ty)) || def.additional.as_ref().is_some_and(|ty| *ty != TypeRef::Json)
            }
            TypeDef::Alias(def) => holds_map(&def.ty),
            TypeDef::Union(def) => def.variants.iter().any(|v| holds_map(&v.ty)),
            TypeDef::Enum(_) => false,
        };
        let map_import = self
            .users_attr(defs.iter().copied().filter(uses_map))
            .filter(|_| !names.is_shadowed("BTreeMap"))
            .map(|attr| quote! { #attr use std::collections::BTreeMap; });
        quote! {
            #(#siblings)*
            #map_import
            #serde_import
        }
    }
}

fn struct_item(def: &StructDef, scope: Scope<'_>, blocks: &DocBlocks) -> TokenStream {
    let name = ident(&def.name);
    let doc = blocks.attrs(&docs::value_docs(&def.docs, &format!("The `{}` object.", def.name)));
    let default = def.derives_default.then(|| quote! { , Default });
    let fields = def.fields.iter().map(|f| field(f, scope, blocks, def.additional.is_some()));
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
    // A struct of known fields is written and read by impls of its own (see `serde_impls`);
    // serde's derives write and read one that gathers additional properties.
    let serde = def.additional.is_some().then(|| {
        let (serialize, deserialize) = (scope.std("Serialize"), scope.std("Deserialize"));
        quote! { , #serialize, #deserialize }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #default #serde)]
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
        impl rt::MultipartBody for #name {
            fn parts(&self, parts: &mut rt::Parts) {
                #(#parts)*
            }
        }
    }
}

/// A field of a struct, with the serde attributes of its derives when `derives_serde` (a
/// struct of known fields has serde impls of its own, see `serde_impls`).
fn field(field: &Field, scope: Scope<'_>, blocks: &DocBlocks, derives_serde: bool) -> TokenStream {
    let name = ident(&field.name);
    let fallback = match &field.ty {
        TypeRef::Named(name) => format!("The `{}` property: see [`{name}`].", field.wire_name),
        TypeRef::List(item) => match item.as_ref() {
            TypeRef::Named(name) => format!("The `{}` property: a list of [`{name}`].", field.wire_name),
            _ => format!("The `{}` property.", field.wire_name),
        },
        _ => format!("The `{}` property.", field.wire_name),
    };
    let doc = blocks.attrs(&docs::value_docs(&field.docs, &fallback));
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
    // A read-only property of a type that is also sent is never sent.
    let skip = if field.never_sent { "rt::skip_read_only".to_owned() } else { is_none };
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
            serde.extend([quote! { default }, quote! { skip_serializing_if = #skip }]);
            quote! { #option<#ty> }
        }
        Presence::OptionalNullable => {
            serde.extend([quote! { default }, quote! { skip_serializing_if = #skip }]);
            if !field.never_read {
                serde.push(quote! { deserialize_with = "rt::deserialize_some" });
            }
            quote! { #option<#option<#ty>> }
        }
    };
    // A write-only property of a type that is also received is never read from an answer.
    if field.never_read {
        serde.push(quote! { deserialize_with = "rt::write_only" });
    }
    let serde = (derives_serde && !serde.is_empty()).then(|| quote! { #[serde(#(#serde),*)] });
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

fn enum_item(def: &EnumDef, blocks: &DocBlocks) -> TokenStream {
    let name = ident(&def.name);
    let unknown = ident(UNKNOWN_VARIANT);
    let doc = blocks.attrs(&docs::value_docs(&def.docs, &format!("The `{}` values.", def.name)));
    let variants: Vec<Ident> = def.variants.iter().map(|v| ident(&v.name)).collect();
    let wire: Vec<&str> = def.variants.iter().map(|v| v.wire_value.as_str()).collect();
    let unknown_doc = blocks.attrs(&[
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
            #unknown(rt::UnknownValue),
        }

        impl #name {
            /// Every value this client knows, with its text on the wire.
            pub const KNOWN: &'static [(Self, &'static str)] = &[#( (Self::#variants, #wire), )*];
        }

        rt::string_enum!(#name);
    }
}

/// A union: an enum with one variant per type and a catch-all that keeps any other value.
/// Untagged unions try their variants in order; tagged ones read the tag property first.
fn union_item(def: &UnionDef, scope: Scope<'_>, blocks: &DocBlocks) -> TokenStream {
    let name = ident(&def.name);
    let mut lines = docs::value_docs(&def.docs, &format!("The `{}` values.", def.name));
    docs::paragraph(
        &mut lines,
        [match &def.tag {
            Some(tag) => format!("Which one it is, the `{tag}` property says; a value of another kind is kept in [`Other`](Self::Other)."),
            None => "Each variant is tried in order; a value of none of them is kept in [`Other`](Self::Other).".to_owned(),
        }],
    );
    let doc = blocks.attrs(&lines);
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
                    #( Self::#variants(value) => rt::tagged::serialize(serializer, #tag, #first_tags, value), )*
                    Self::#other(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                Ok(match rt::tagged::tag_of(&value, #tag) {
                    #( Some(#tags) => Self::#variants(rt::tagged::decode::<_, D::Error>(value)?), )*
                    _ => Self::#other(value),
                })
            }
        }
    }
}

fn alias_item(def: &AliasDef, scope: Scope<'_>, blocks: &DocBlocks) -> TokenStream {
    let name = ident(&def.name);
    let doc = blocks.attrs(&docs::value_docs(&def.docs, &format!("The `{}` type.", def.name)));
    let ty = rust_type(&def.ty, scope);
    quote! {
        #doc
        pub type #name = #ty;
    }
}
