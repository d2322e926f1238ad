//! Long-running operations (`x-long-running`): the handle type an operation returns, how it
//! is polled, and the method that resumes it from a stored id.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::DocBlocks;
use super::literals::{self, OperationIdentity};
use super::rust::{Scope, rust_type};
use crate::resolve::model::{HttpMethod, Operation};

/// The name of the handle type an operation returns.
pub fn handle_name(op: &Operation) -> Ident {
    format_ident!("{}LongRunning", op.type_prefix)
}

/// The name of the static that says how the operation is polled.
pub fn poll_name(op: &Operation) -> Ident {
    format_ident!("{}_POLL", op.fn_name.trim_start_matches("r#").to_uppercase())
}

fn resume_name(op: &Operation) -> Ident {
    format_ident!("resume_{}", op.fn_name.trim_start_matches("r#"))
}

/// The handle type and the polling static of a long-running operation.
pub fn module_items(op: &Operation, blocks: &DocBlocks) -> Option<TokenStream> {
    let long_running = op.long_running.as_ref()?;
    let operation = rust_type(op.success.ty.as_ref()?, Scope::Module);
    let result = rust_type(&long_running.result, Scope::Module);
    let error = rust_type(&op.error_body, Scope::Module);
    let (handle, poll) = (handle_name(op), poll_name(op));
    let handle_doc = blocks.attrs(&[
        format!("The long-running operation [`Client::{}`] starts: `.wait().await` gives its result.", op.fn_name),
        String::new(),
        format!("[`Client::{}`] makes it again from a stored [`id`](rt::LongRunning::id).", resume_name(op)),
    ]);
    let poll_doc = format!(" How the operations [`Client::{}`] starts are polled.", op.fn_name);
    let operation_literal = literals::operation(&OperationIdentity {
        id: &long_running.poll_operation_id,
        method: HttpMethod::Get,
        path: &long_running.poll_path_template,
        server: long_running.poll_server.as_ref(),
        security: &long_running.poll_security,
        retryable: true,
        accept: "application/json",
    });
    let (before, param, after) = (&long_running.poll_path_before, &long_running.poll_id_param, &long_running.poll_path_after);
    let result_type = &long_running.result_type;
    Some(quote! {
        #handle_doc
        pub type #handle = rt::LongRunning<#operation, #result, #error>;

        #[doc = #poll_doc]
        pub(super) static #poll: rt::Poll = rt::Poll {
            operation: #operation_literal,
            path_before: #before,
            id_param: #param,
            path_after: #after,
            result_type: #result_type,
        };
    })
}

/// The method that makes the handle of a long-running operation from its stored id.
pub fn resume_method(op: &Operation, blocks: &DocBlocks) -> Option<TokenStream> {
    op.long_running.as_ref()?;
    let (handle, poll, name) = (handle_name(op), poll_name(op), resume_name(op));
    let doc = blocks.attrs(&[
        format!("The handle of an operation that [`Client::{}`] started, from its stored id: wait on it", op.fn_name),
        "again after a restart, say. Nothing is sent until it is waited on.".to_owned(),
    ]);
    Some(quote! {
        #doc
        pub fn #name(&self, operation_id: impl Into<String>) -> #handle {
            rt::LongRunning::resume(self.core.clone(), &#poll, operation_id)
        }
    })
}
