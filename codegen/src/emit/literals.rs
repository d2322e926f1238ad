//! The facts of a spec that generated code hands the runtime as data: an operation's identity
//! (`rt::Operation`) and a server, each written by one function wherever it appears.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::resolve::model::{HttpMethod, ServerUrl};

/// What identifies an operation to the runtime.
pub struct OperationIdentity<'a> {
    /// The `operationId`.
    pub id: &'a str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, as the spec writes it.
    pub path: &'a str,
    /// The operation's own server, when it has one.
    pub server: Option<&'a ServerUrl>,
    /// The security requirements: alternatives, each a list of scheme names.
    pub security: &'a [Vec<String>],
    /// Whether a failed attempt may be sent again.
    pub retryable: bool,
    /// The media type asked for in `Accept`.
    pub accept: &'a str,
}

/// The `rt::Operation` literal of `identity`.
pub fn operation(identity: &OperationIdentity<'_>) -> TokenStream {
    let OperationIdentity { id, method, path, server, security, retryable, accept } = identity;
    let method = format_ident!("{}", method.as_str());
    let server = server_option(*server);
    let alternatives = security.iter().map(|schemes| quote! { &[#(#schemes),*] });
    quote! {
        rt::Operation {
            id: #id,
            method: rt::Method::#method,
            path: #path,
            server: #server,
            security: &[#(#alternatives),*],
            retryable: #retryable,
            accept: #accept,
        }
    }
}

/// A server as the runtime's data names it, when there may be none: `Some("url")` or `None`.
pub fn server_option(server: Option<&ServerUrl>) -> TokenStream {
    match server {
        Some(server) => {
            let url = &server.url;
            quote! { Some(#url) }
        }
        None => quote! { None },
    }
}
