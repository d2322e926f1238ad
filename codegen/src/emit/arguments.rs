//! The arguments of an operation's methods: positional parameters by reference where they
//! can be, then the body, and the struct of the optional parameters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{Scope, ident, rust_type};
use crate::resolve::model::{Operation, Param, ParamStyle, TypeRef};

/// The arguments every call of an operation takes: positional parameters, then the body.
pub fn positional_args(op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    positional_args_living(op, &TokenStream::new())
}

/// Like [`positional_args`], the references living for `lifetime` (`'a`, or nothing).
pub fn positional_args_living(op: &Operation, lifetime: &TokenStream) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut params = Vec::new();
    let mut names = Vec::new();
    for param in op.params.iter().filter(|p| p.is_positional()) {
        let name = ident(&param.name);
        let ty = argument_type(&param.ty, lifetime);
        params.push(quote! { #name: #ty });
        names.push(quote! { #name });
    }
    if let Some(body) = &op.body {
        let ty = match body.ty {
            TypeRef::Text => quote! { str },
            TypeRef::Bytes => quote! { [u8] },
            _ => rust_type(&body.ty, Scope::Module),
        };
        if body.required {
            params.push(quote! { body: &#lifetime #ty });
        } else {
            params.push(quote! { body: Option<&#lifetime #ty> });
        }
        names.push(quote! { body });
    }
    (params, names)
}

/// The type a positional argument takes: strings by `&str`, lists by slice, references
/// living for `lifetime`.
fn argument_type(ty: &TypeRef, lifetime: &TokenStream) -> TokenStream {
    if !by_reference(ty) {
        return rust_type(ty, Scope::Module);
    }
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date => quote! { &#lifetime str },
        TypeRef::List(item) => {
            let item = rust_type(item, Scope::Module);
            quote! { &#lifetime [#item] }
        }
        other => {
            let ty = rust_type(other, Scope::Module);
            quote! { &#lifetime #ty }
        }
    }
}

/// Whether a positional argument of this type is taken by reference (see `argument_type`).
fn by_reference(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String | TypeRef::Secret | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date | TypeRef::List(_) | TypeRef::Named(_)
    )
}

/// The name of the struct of an operation's optional parameters.
pub fn options_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Options", op.type_prefix)
}

/// A positional argument as a reference, for checks: the ones taken by reference already are.
pub fn argument_ref(param: &Param, name: TokenStream) -> TokenStream {
    match by_reference(&param.ty) {
        true => name,
        false => quote! { &#name },
    }
}

/// The runtime's `ObjectStyle` an object parameter is written in; `None` for other styles.
pub fn object_style(style: ParamStyle) -> Option<TokenStream> {
    match style {
        ParamStyle::ObjectExploded => Some(quote! { rt::ObjectStyle::Exploded }),
        ParamStyle::ObjectJoined => Some(quote! { rt::ObjectStyle::Joined }),
        ParamStyle::DeepObject => Some(quote! { rt::ObjectStyle::Deep }),
        ParamStyle::Plain | ParamStyle::Joined(_) | ParamStyle::Json => None,
    }
}
