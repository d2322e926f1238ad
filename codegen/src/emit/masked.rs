//! Masked request bodies (`x-field-mask`): a struct of `Patch` fields whose serde, mask and
//! checks come from the runtime, driven by one `Masked` impl that lists the fields.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{self, DocBlocks};
use super::rust::{Scope, ident, rust_type};
use super::validation;
use crate::resolve::model::{Api, Field, MaskRole, StructDef, TypeDef, TypeRef};

/// The struct, its `Masked` impl and the serde and `Validate` impls that go through it.
pub fn masked_struct(api: &Api, def: &StructDef, role: &MaskRole, scope: Scope<'_>, blocks: &DocBlocks) -> TokenStream {
    let name = ident(&def.name);
    let mut lines = docs::value_docs(&def.docs, &format!("The `{}` object.", def.name));
    let mask_field = match role {
        MaskRole::Body { mask_field } => {
            docs::paragraph(
                &mut lines,
                [
                    "A partial update: each field is a [`runtime::Patch`](rt::Patch), untouched (the default), set, or".to_owned(),
                    format!("reset to the server's default. `{mask_field}` is worked out from them unless you give it:"),
                    "then it is sent as given, and a field it names that is not set is reset.".to_owned(),
                ],
            );
            Some(mask_field.as_str())
        }
        MaskRole::Nested => {
            docs::paragraph(
                &mut lines,
                [
                    "Part of a partial update: each field is a [`runtime::Patch`](rt::Patch), named in the mask by its".to_owned(),
                    "dotted path.".to_owned(),
                ],
            );
            None
        }
    };
    let doc = blocks.attrs(&lines);
    let (option, string, result) = (scope.std("Option"), scope.std("String"), scope.std("Result"));
    let patches: Vec<&Field> = def.fields.iter().filter(|field| Some(field.wire_name.as_str()) != mask_field).collect();
    let mask = def.fields.iter().find(|field| Some(field.wire_name.as_str()) == mask_field);
    let mask_decl = mask.map(|field| {
        let field_name = ident(&field.name);
        let mut lines = docs::value_docs(&field.docs, "The update mask.");
        docs::paragraph(&mut lines, ["Leave it `None` to have the client name every field set or reset.".to_owned()]);
        let doc = blocks.attrs(&lines);
        quote! {
            #doc
            pub #field_name: #option<#string>,
        }
    });
    let fields = patches.iter().map(|field| {
        let field_name = ident(&field.name);
        let ty = rust_type(&field.ty, scope);
        let doc = blocks.attrs(&docs::value_docs(&field.docs, &format!("The `{}` property.", field.wire_name)));
        quote! {
            #doc
            pub #field_name: rt::Patch<#ty>,
        }
    });
    let visits = patches.iter().map(|field| visit(api, field, false));
    let visits_mut = patches.iter().map(|field| visit(api, field, true));
    let (constant, explicit) = match mask {
        Some(field) => {
            let (wire, field_name) = (&field.wire_name, ident(&field.name));
            let constant = quote! { const MASK_FIELD: #option<&'static str> = Some(#wire); };
            let explicit = quote! {
                fn explicit_mask(&self) -> #option<&str> {
                    self.#field_name.as_deref()
                }

                fn set_explicit_mask(&mut self, mask: #string) {
                    self.#field_name = Some(mask);
                }
            };
            (constant, Some(explicit))
        }
        None => (quote! { const MASK_FIELD: #option<&'static str> = None; }, None),
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #mask_decl
            #(#fields)*
        }

        impl rt::Masked for #name {
            #constant

            #explicit

            fn visit<V: rt::FieldVisitor>(&self, visitor: &mut V) -> #result<(), V::Error> {
                #(#visits)*
                Ok(())
            }

            fn visit_mut<V: rt::FieldVisitorMut>(&mut self, visitor: &mut V) -> #result<(), V::Error> {
                #(#visits_mut)*
                Ok(())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                rt::masked::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                rt::masked::deserialize(deserializer)
            }
        }

        impl rt::Validate for #name {
            fn validate(&self, at: &rt::FieldPath<'_>) -> #result<(), rt::ArgumentError> {
                rt::masked::validate(self, at)
            }
        }
    }
}

/// One field shown to a visitor: a nested masked object by its own fields, any other value
/// as a whole (with its constraints, for the checking visitor).
fn visit(api: &Api, field: &Field, mutable: bool) -> TokenStream {
    let (wire, name) = (&field.wire_name, ident(&field.name));
    let nested = matches!(&field.ty, TypeRef::Named(target)
        if matches!(api.types.get(target), Some(TypeDef::Struct(StructDef { mask: Some(MaskRole::Nested), .. }))));
    match (nested, mutable) {
        (true, false) => quote! { visitor.nested(#wire, &self.#name)?; },
        (true, true) => quote! { visitor.nested(#wire, &mut self.#name)?; },
        (false, true) => quote! { visitor.leaf(#wire, &mut self.#name)?; },
        (false, false) => {
            let rules = validation::rules(validation::effective_constraints(api, field)).unwrap_or_else(|| quote! { &rt::Rules::NONE });
            quote! { visitor.leaf(#wire, &self.#name, #rules)?; }
        }
    }
}
