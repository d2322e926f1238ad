//! The checks of the constraints a spec states on request values: a `Validate` impl for each
//! type a request can carry, and the rules of each constrained parameter.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

use super::rust::ident;
use crate::resolve::model::{Api, Constraints, Field, StructDef, TypeDef, TypeRef, reachable};

/// A `&'static rt::Rules` of `constraints`, when they constrain anything the runtime checks.
/// Rules with a pattern (their own or their items') are `static`s in a block, each pattern a
/// `static` compiled once, the first time a value is checked; the others are constants.
pub fn rules(constraints: &Constraints) -> Option<TokenStream> {
    rules_with_format(constraints, None)
}

/// Like [`rules`], with the `format` a value taken as text must have (`rt::TextFormat::Uuid`).
pub fn rules_with_format(constraints: &Constraints, format: Option<TokenStream>) -> Option<TokenStream> {
    let Constraints { min_length, max_length, pattern, min_items, max_items, minimum, maximum, items } = constraints;
    let mut set = Vec::new();
    let mut field = |name: &str, value: Option<TokenStream>| {
        if let Some(value) = value {
            let name = ident(name);
            set.push(quote! { #name: Some(#value), });
        }
    };
    let count = |value: &Option<u64>| value.map(|v| Literal::u64_unsuffixed(v).into_token_stream());
    let bound = |value: &Option<f64>| value.map(|v| Literal::f64_unsuffixed(v).into_token_stream());
    field("min_length", count(min_length));
    field("max_length", count(max_length));
    field("pattern", pattern.as_ref().map(|_| quote! { &PATTERN }));
    field("min_items", count(min_items));
    field("max_items", count(max_items));
    field("minimum", bound(minimum));
    field("maximum", bound(maximum));
    field("items", items.as_deref().and_then(rules));
    field("format", format);
    if set.is_empty() {
        return None;
    }
    let value = quote! { rt::Rules { #(#set)* ..rt::Rules::NONE } };
    if !has_pattern(constraints) {
        return Some(quote! { &#value });
    }
    let pattern = pattern.as_ref().map(|pattern| quote! { static PATTERN: rt::Pattern = rt::Pattern::new(#pattern); });
    Some(quote! {
        {
            #pattern
            static RULES: rt::Rules = #value;
            &RULES
        }
    })
}

/// Whether `constraints`, or those of their items, state a pattern.
fn has_pattern(constraints: &Constraints) -> bool {
    constraints.pattern.is_some() || constraints.items.as_deref().is_some_and(has_pattern)
}

/// The checks of every struct and enum a request body or parameter can hold, by type name.
pub struct Checks<'a> {
    api: &'a Api,
    reachable: BTreeSet<&'a str>,
}

impl<'a> Checks<'a> {
    /// Finds the types a request can hold.
    pub fn of(api: &'a Api) -> Self {
        Self { api, reachable: request_types(api) }
    }

    /// The `Validate` impl of `def`, when a request can hold it; `result` is `Result` as the
    /// file names it.
    pub fn impl_for(&self, def: &TypeDef, result: &TokenStream) -> Option<TokenStream> {
        match def {
            TypeDef::Struct(def) if def.mask.is_some() => None,
            TypeDef::Struct(def) if self.reachable.contains(def.name.as_str()) => Some(struct_impl(self.api, def, result)),
            TypeDef::Union(def) if self.reachable.contains(def.name.as_str()) => {
                let name = ident(&def.name);
                let variants = def.variants.iter().map(|v| ident(&v.name));
                Some(quote! {
                    impl rt::Validate for #name {
                        fn validate(&self, at: &rt::FieldPath<'_>) -> #result<(), rt::ArgumentError> {
                            match self {
                                #( Self::#variants(value) => rt::Validate::validate(value, at), )*
                                _ => Ok(()),
                            }
                        }
                    }
                })
            }
            _ => None,
        }
    }
}

fn struct_impl(api: &Api, def: &StructDef, result: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let checks: Vec<TokenStream> = def.fields.iter().filter_map(|field| field_check(api, field)).collect();
    if checks.is_empty() {
        return quote! { impl rt::Validate for #name {} };
    }
    quote! {
        impl rt::Validate for #name {
            fn validate(&self, at: &rt::FieldPath<'_>) -> #result<(), rt::ArgumentError> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

/// The check of one field: its constraints (or those of the alias it names), and the fields
/// of the structs it holds.
fn field_check(api: &Api, field: &Field) -> Option<TokenStream> {
    let (name, wire) = (ident(&field.name), &field.wire_name);
    let constraints = effective_constraints(api, field);
    if let Some(rules) = rules(constraints) {
        return Some(quote! { rt::Validate::check(&self.#name, #rules, &at.field(#wire))?; });
    }
    holds_struct(api, &field.ty, 0).then(|| quote! { rt::Validate::validate(&self.#name, &at.field(#wire))?; })
}

/// A field's own constraints, or else those of the alias its type names.
pub fn effective_constraints<'a>(api: &'a Api, field: &'a Field) -> &'a Constraints {
    let mut constraints = &field.docs.details().constraints;
    let mut ty = &field.ty;
    for _ in 0..api.types.len() {
        if *constraints != Constraints::default() {
            break;
        }
        let TypeRef::Named(name) = ty else { break };
        let Some(TypeDef::Alias(alias)) = api.types.get(name) else { break };
        constraints = &alias.docs.details().constraints;
        ty = &alias.ty;
    }
    constraints
}

/// Whether a value of `ty` holds a struct, whose fields may have constraints.
fn holds_struct(api: &Api, ty: &TypeRef, depth: usize) -> bool {
    match ty {
        TypeRef::List(item) | TypeRef::Map(item) => holds_struct(api, item, depth),
        TypeRef::Named(name) if depth <= api.types.len() => match api.types.get(name) {
            Some(TypeDef::Struct(_)) => true,
            Some(TypeDef::Alias(alias)) => holds_struct(api, &alias.ty, depth + 1),
            Some(TypeDef::Union(_)) => true,
            _ => false,
        },
        _ => false,
    }
}

/// The names of the structs and enums a request can carry.
fn request_types(api: &Api) -> BTreeSet<&str> {
    let roots = api.operations.iter().flat_map(|op| op.body.iter().map(|body| &body.ty).chain(op.params.iter().map(|param| &param.ty)));
    reachable(&api.types, roots)
}
