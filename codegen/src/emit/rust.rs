//! How generated code names things: identifiers, the Rust type of each schema, the standard
//! library's names (short unless a spec type would capture them), and the runtime crate,
//! which every generated file names through one `use` of it as [`RUNTIME_ALIAS`].
//! Every emitter uses these; this module uses none of them.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::resolve::model::{Api, TypeRef};

/// The crate generated code runs on.
pub const RUNTIME_CRATE: &str = "dbaas_runtime";

/// The name each generated file gives the runtime crate. Lower case, so no spec type (they
/// are all `UpperCamelCase`) can take it; tag modules that would are renamed.
pub const RUNTIME_ALIAS: &str = "rt";

/// The `use` of the runtime, under its alias.
pub fn runtime_use() -> TokenStream {
    let (krate, alias) = (ident(RUNTIME_CRATE), ident(RUNTIME_ALIAS));
    quote! { use #krate as #alias; }
}

/// Whether `tokens` name the runtime (in code, or in a serde attribute's path).
pub fn names_runtime(tokens: &TokenStream) -> bool {
    let path_prefix = format!("\"{RUNTIME_ALIAS}::");
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(found) => found == RUNTIME_ALIAS,
        TokenTree::Group(group) => names_runtime(&group.stream()),
        TokenTree::Literal(literal) => literal.to_string().starts_with(&path_prefix),
        TokenTree::Punct(_) => false,
    })
}

/// Whether `tokens` use the identifier `name` anywhere (doc text aside) as the name in scope:
/// `rt::Error` is not `Error`.
pub fn mentions(tokens: &TokenStream, name: &str) -> bool {
    // A name after `::` is another module's (`rt::Error`), not the one `use` brings in.
    let mut after_path_separator = false;
    let mut colons = 0;
    tokens.clone().into_iter().any(|tree| {
        let found = match &tree {
            TokenTree::Ident(found) => found == name && !after_path_separator,
            TokenTree::Group(group) => mentions(&group.stream(), name),
            TokenTree::Punct(_) | TokenTree::Literal(_) => false,
        };
        colons = match &tree {
            TokenTree::Punct(punct) if punct.as_char() == ':' => colons + 1,
            _ => 0,
        };
        after_path_separator = colons == 2;
        found
    })
}

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

    /// `name` (one of the standard names it knows) as this file writes it.
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
        TypeRef::Secret => quote! { rt::Secret },
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
        TypeRef::Bytes => quote! { rt::Bytes },
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
pub fn holds_map(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) => true,
        TypeRef::List(item) => holds_map(item),
        _ => false,
    }
}
