//! Lists over every page (`x-pagination`): next to the one-page call, a method that gives
//! the items of every page as a stream.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::arguments::{options_name, positional_args_living};
use super::docs::DocBlocks;
use super::rust::{Scope, ident, rust_type};
use crate::resolve::model::{Api, Operation};

/// The stream method of a paginated operation.
pub fn stream_method(api: &Api, op: &Operation, blocks: &DocBlocks) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let with_name = ident(op.fn_with_options.as_ref()?);
    let name = format_ident!("{}_stream", op.fn_name.trim_start_matches("r#"));
    let lifetime = quote! { 'a };
    let (params, names) = positional_args_living(op, &lifetime);
    let options = options_name(op);
    let item = rust_type(&pagination.item, Scope::Module);
    let error = if op.error_body == api.error_body {
        quote! { Error }
    } else {
        let body = rust_type(&op.error_body, Scope::Module);
        quote! { rt::Error<#body> }
    };
    let token = ident(&pagination.page_token);
    let (items, next) = (ident(&pagination.items), ident(&pagination.next_page_token));
    let items = if pagination.items_optional {
        quote! { page.#items.unwrap_or_default() }
    } else {
        quote! { page.#items }
    };
    let next = if pagination.next_page_token_optional {
        quote! { page.#next }
    } else {
        quote! { Some(page.#next) }
    };
    let doc = blocks.attrs(&[
        format!("Every item of every page of [`Client::{}`], as a stream, from the page `options`", op.fn_name),
        "asks for (the first, unless its page token is set). Each page is a call of its own, with the".to_owned(),
        "client's retries and deadline; the stream ends after the last page, or with the first".to_owned(),
        "error (a page that fails, or a page token the server gave before, which would never end).".to_owned(),
    ]);
    Some(quote! {
        #doc
        pub fn #name<'a>(&'a self, #(#params,)* options: &'a #options) -> impl rt::Stream<Item = Result<#item, #error>> + 'a {
            rt::pages(options.#token.clone(), move |#token| {
                let options = #options { #token, ..options.clone() };
                async move {
                    let page = self.#with_name(#(#names,)* &options).await?.into_body();
                    Ok(rt::Page { items: #items, next_page_token: #next })
                }
            })
        }
    })
}
