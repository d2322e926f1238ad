//! The test doubles of an API, behind the generated crate's `test-util` feature: a `Double`
//! that makes a typed rule per operation, and each operation's call as the app made it,
//! read back from the request the client sent.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::arguments::object_style;
use super::docs::DocBlocks;
use super::features::{self, TagFeatures};
use super::files::{self, TagFile};
use super::long_running::poll_name;
use super::rust::{Scope, ident, rust_type};
use super::{Emit, FileEmit, Head, Part};
use crate::resolve::model::{
    Api, BodyEncoding, MaskRole, Operation, Param, ParamLocation, ParamStyle, SchemeKind, StructDef, TypeDef, TypeRef,
};

/// The methods every `Double` has, which no operation's rule method may take.
const DOUBLE_METHODS: &[&str] = &["new", "builder", "client", "verify", "finished", "failed"];

/// The name of the struct of an operation's call.
fn call_name(op: &Operation) -> Ident {
    format_ident!("{}Call", op.type_prefix)
}

/// The name of the `Double` method that makes a rule for `op`.
fn rule_method(op: &Operation) -> Ident {
    let name = op.fn_name.trim_start_matches("r#");
    if DOUBLE_METHODS.contains(&name) { format_ident!("{name}_rule") } else { ident(&op.fn_name) }
}

/// The `test_util` module file of an API.
pub fn test_util_file<'a>(api: &'a Api, tags: &[TagFile<'a>]) -> FileEmit<'a> {
    let tag_features = TagFeatures::of(api, tags);
    let gates = tag_features.clone();
    let double: Emit<'a> = Box::new(move |blocks| {
        let double = double(api, gates.as_ref(), blocks);
        let describers = api.operations.iter().map(|op| {
            let (id, call) = (&op.operation_id, call_name(op));
            let gate = operation_attr(gates.as_ref(), op);
            quote! { #gate (#id, rt::test_util::describe::<#call>) }
        });
        quote! {
            #double

            /// How each operation's calls are shown in the double's messages.
            static DESCRIBERS: rt::test_util::Describers = &[#(#describers),*];
        }
    });
    let mut parts = vec![Part::Items(double)];
    for chunk in api.operations.chunks(OPERATIONS_PER_PART) {
        let (tags, gates) = (tags.to_vec(), tag_features.clone());
        let calls: Emit<'a> = Box::new(move |blocks| {
            let calls =
                chunk.iter().map(|op| features::gated(operation_attr(gates.as_ref(), op).as_ref(), call_items(api, op, &tags, blocks)));
            quote! { #(#calls)* }
        });
        parts.push(Part::Items(calls));
    }
    let head: Head<'a> = Box::new(move |blocks, used| {
        let module_docs = blocks.inner_attrs(&[
            format!("Test doubles of {}: a [`Double`] answers a real [`Client`]'s calls in process,", api.title),
            "by rules a test sets up for each operation, typed with the operation's call and answers.".to_owned(),
            String::new(),
            "Behind the Cargo feature `test-util`, for an app's `dev-dependencies`.".to_owned(),
        ]);
        let types_users = api.operations.iter().filter(|op| files::operation_types(op).any(|ty| ty.named().is_some()));
        let imports = match &tag_features {
            // `types`, when the operations that use it are compiled.
            Some(features) if used.types => {
                let gate = types_users.map(|op| features.operation_gate(op)).reduce(|gate, other| gate.union(&other));
                let attr = gate.and_then(|gate| features.attr(&gate));
                quote! {
                    use super::{Client, ClientBuilder};
                    #attr
                    use super::types;
                }
            }
            _ => {
                let types = used.types.then(|| quote! { types });
                quote! { use super::{Client, ClientBuilder, #types}; }
            }
        };
        quote! {
            #module_docs

            #imports
        }
    });
    FileEmit { head: Some(head), parts }
}

/// How many operations' calls are emitted and formatted together, as one part of the file.
const OPERATIONS_PER_PART: usize = 16;

/// The `#[cfg]` of `op`'s items, under tag features.
fn operation_attr(features: Option<&TagFeatures>, op: &Operation) -> Option<TokenStream> {
    features.and_then(|features| features.attr(&features.operation_gate(op)))
}

fn double(api: &Api, features: Option<&TagFeatures>, blocks: &DocBlocks) -> TokenStream {
    let doc = blocks.attrs(&[
        format!("A double of {}: a transport that answers the calls of a real [`Client`] by the", api.title),
        "rules a test makes, one method per operation, with no socket and no real wait. Every".to_owned(),
        "rule with an expected count ([`Rule::times`](rt::test_util::Rule::times)) is checked".to_owned(),
        "when the double is dropped, or by [`verify`](Self::verify).".to_owned(),
    ]);
    let rules = api.operations.iter().map(|op| {
        let (method, call) = (rule_method(op), call_name(op));
        let doc = format!(" A rule for the calls of [`Client::{}`], tried after the rules made before it.", op.fn_name);
        let gate = operation_attr(features, op);
        quote! {
            #[doc = #doc]
            #gate
            pub fn #method(&self) -> rt::test_util::Rule<#call> {
                self.core.rule()
            }
        }
    });
    let handles = api.operations.iter().any(|op| op.long_running.is_some()).then(|| {
        quote! {
            /// The handle of an operation of `C`'s kind that is done with `result`: what a fake
            /// of the app's own returns, with `.wait()` giving `result` at once.
            pub fn finished<C>(&self, result: C::Result) -> rt::LongRunning<C::Success, C::Result, C::ErrorBody>
            where
                C: rt::test_util::LongRunningCall,
                C::Success: serde::de::DeserializeOwned,
                C::Result: serde::de::DeserializeOwned,
                C::ErrorBody: serde::de::DeserializeOwned,
            {
                self.core.finished::<Client, C>(&result)
            }

            /// The handle of an operation of `C`'s kind that failed with `code`
            /// (`google.rpc.Code`) and `message`: `.wait()` gives the failure at once.
            pub fn failed<C>(&self, code: i64, message: &str) -> rt::LongRunning<C::Success, C::Result, C::ErrorBody>
            where
                C: rt::test_util::LongRunningCall,
                C::Success: serde::de::DeserializeOwned,
                C::Result: serde::de::DeserializeOwned,
                C::ErrorBody: serde::de::DeserializeOwned,
            {
                self.core.failed::<Client, C>(code, message)
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug)]
        pub struct Double {
            core: rt::test_util::Double,
        }

        impl Default for Double {
            fn default() -> Self {
                Self::new()
            }
        }

        impl Double {
            /// A double with no rule yet: a call no rule answers panics, failing the test where
            /// it was made, with the call and the rules tried.
            pub fn new() -> Self {
                Self { core: rt::test_util::Double::new(DESCRIBERS) }
            }

            /// Makes a call no rule answers fail with `Error::Transport` instead of panicking.
            #[must_use]
            pub fn allow_unmatched(self) -> Self {
                self.core.allow_unmatched();
                self
            }

            /// Every call the app made to this double, polls included, in order: one entry per
            /// call, with how each of its attempts was answered (a rule's `calls()` has one
            /// entry per attempt).
            pub fn history(&self) -> Vec<rt::test_util::AppCall> {
                self.core.history()
            }

            /// A client builder that sends every call to this double, with test credentials:
            /// set retries or timeouts on it as the app does.
            pub fn builder(&self) -> ClientBuilder {
                self.core.builder()
            }

            /// A client that sends every call to this double.
            pub fn client(&self) -> Client {
                self.core.client()
            }

            /// Checks every rule given an expected count.
            ///
            /// # Panics
            ///
            /// With every rule that took another number of calls than expected.
            pub fn verify(&self) {
                self.core.verify();
            }

            #handles

            #(#rules)*
        }

    }
}

/// The field type and the read of a parameter other than a path segment.
fn param_read(api: &Api, op: &Operation, param: &Param, ty: TokenStream) -> (TokenStream, TokenStream) {
    let wire = &param.wire_name;
    let optional = |ty: TokenStream| match param.required {
        true => ty,
        false => quote! { Option<#ty> },
    };
    let object = object_style(param.style).map(|style| {
        // An exploded object's properties are the pairs that are no other query parameter's
        // (nor an API key's); the other styles name their pairs.
        let exploded = param.style == ParamStyle::ObjectExploded;
        let other = op.params.iter().filter(|other| exploded && other.location == ParamLocation::Query && other.wire_name != *wire);
        let keys = api.schemes.iter().filter_map(|scheme| match &scheme.kind {
            SchemeKind::ApiKeyQuery(name) if exploded => Some(name),
            _ => None,
        });
        let other = other.map(|other| &other.wire_name).chain(keys);
        quote! { rt::test_util::query_object(request, #wire, #style, &[#(#other),*])? }
    });
    let text = match param.location {
        ParamLocation::Header => quote! { rt::test_util::header_text(request, #wire) },
        ParamLocation::Cookie => quote! { rt::test_util::cookie_text(request, #wire) },
        ParamLocation::Query | ParamLocation::Path => quote! { rt::test_util::query_texts(request, #wire, None).into_iter().next() },
    };
    let read = match (param.style, param.required) {
        (_, true) if let Some(object) = &object => quote! { rt::test_util::sent(#object, #wire)? },
        (_, false) if let Some(object) = object => object,
        (ParamStyle::Json, true) => quote! { rt::test_util::sent(rt::test_util::json_text(#text)?, #wire)? },
        (ParamStyle::Json, false) => quote! { rt::test_util::json_text(#text)? },
        (ParamStyle::Plain | ParamStyle::Joined(_), required) if matches!(param.ty, TypeRef::List(_)) => {
            let delimiter = match param.style {
                ParamStyle::Joined(delimiter) => quote! { Some(#delimiter) },
                _ => quote! { None },
            };
            let texts = quote! { rt::test_util::query_texts(request, #wire, #delimiter) };
            match required {
                true => quote! { rt::test_util::list(#texts)? },
                false => quote! { Some(rt::test_util::list(#texts)?).filter(|values: &#ty| !values.is_empty()) },
            }
        }
        (_, true) => quote! { rt::test_util::required(#text, #wire)? },
        (_, false) => quote! { rt::test_util::optional(#text)? },
    };
    (optional(ty), read)
}

/// The call struct of `op` and its `Call` impls.
fn call_items(api: &Api, op: &Operation, tags: &[TagFile<'_>], blocks: &DocBlocks) -> TokenStream {
    let name = call_name(op);
    let doc = blocks.attrs(&[
        format!("A call of [`Client::{}`] as the app made it, read back from the request the", op.fn_name),
        "client sent.".to_owned(),
    ]);
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let path_params = op.params.iter().filter(|param| param.location == ParamLocation::Path).count();
    if path_params > 0 {
        let template = &op.path_template;
        reads.push(quote! { let path = rt::test_util::path_params(request, #template)?; });
    }
    let mut path_index = 0_usize;
    for param in &op.params {
        let (field, wire) = (ident(&param.name), &param.wire_name);
        // Recorded as the app passed it: a positional uuid or date is taken as text.
        let recorded = match &param.ty {
            TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date if param.is_positional() => &TypeRef::String,
            other => other,
        };
        let ty = rust_type(recorded, Scope::Module);
        let field_doc = format!(" The `{wire}` parameter.");
        let (ty, read) = match param.location {
            ParamLocation::Path => {
                let index = proc_macro2::Literal::usize_unsuffixed(path_index);
                path_index += 1;
                let text = quote! { rt::test_util::nth(&path, #index)? };
                match param.style {
                    ParamStyle::Json => (ty, quote! { rt::test_util::sent(rt::test_util::json_text(Some(#text.to_owned()))?, #wire)? }),
                    _ => (ty, quote! { rt::test_util::from_text(#text)? }),
                }
            }
            _ => param_read(api, op, param, ty),
        };
        fields.push(quote! { #[doc = #field_doc] pub #field: #ty, });
        reads.push(quote! { let #field: #ty = #read; });
    }
    let mut names: Vec<Ident> = op.params.iter().map(|param| ident(&param.name)).collect();
    if let Some(body) = &op.body {
        // What reads the body, and whether it can fail.
        let (ty, read, fallible) = match body.encoding() {
            BodyEncoding::Json => (rust_type(&body.ty, Scope::Module), quote! { rt::test_util::json_body(request) }, true),
            BodyEncoding::Text => {
                (quote! { String }, quote! { String::from_utf8_lossy(&rt::test_util::raw_body(request)).into_owned() }, false)
            }
            BodyEncoding::Bytes | BodyEncoding::Form | BodyEncoding::Multipart => {
                (quote! { rt::Bytes }, quote! { rt::test_util::raw_body(request) }, false)
            }
        };
        let (ty, read) = match (body.required, fallible) {
            (true, true) => (ty, quote! { #read? }),
            (true, false) => (ty, read),
            (false, true) => (quote! { Option<#ty> }, quote! { request.body.as_ref().map(|_| #read).transpose()? }),
            (false, false) => (quote! { Option<#ty> }, quote! { request.body.as_ref().map(|_| #read) }),
        };
        let body_doc = match body.encoding() {
            BodyEncoding::Form | BodyEncoding::Multipart => " The body, as it was sent (a form, whose fields are not read back).",
            _ => " The body.",
        };
        reads.push(quote! { let body: #ty = #read; });
        fields.push(quote! { #[doc = #body_doc] pub body: #ty, });
        names.push(ident("body"));
        if let Some(mask_field) = mask_field_of(api, &body.ty).filter(|_| body.encoding() == BodyEncoding::Json) {
            fields.push(quote! {
                /// The update mask the request carried: the one the client computed, or the
                /// one the app gave.
                pub mask: Option<String>,
            });
            reads.push(quote! { let mask = rt::test_util::json_text_field(request, #mask_field); });
            names.push(ident("mask"));
        }
    }
    let success = success_type(op);
    let encode = match (&op.success.ty, op.success.may_be_empty) {
        _ if op.long_running.is_some() => quote! { rt::test_util::json_success(body) },
        (Some(TypeRef::Text), _) => quote! { (rt::Bytes::from(body.clone()), Some("text/plain")) },
        (Some(TypeRef::Bytes), _) => quote! { (body.clone(), Some("application/octet-stream")) },
        (Some(_), false) => quote! { rt::test_util::json_success(body) },
        (Some(_), true) => quote! {
            match body {
                Some(body) => rt::test_util::json_success(body),
                None => (rt::Bytes::new(), None),
            }
        },
        (None, _) => quote! {
            let () = body;
            (rt::Bytes::new(), None)
        },
    };
    let has_body = op.success.ty.is_some() && !op.success.may_be_empty;
    let error_body = rust_type(&op.error_body, Scope::Module);
    let operation_id = &op.operation_id;
    let success_statuses = success_statuses(op).into_iter().map(proc_macro2::Literal::u16_unsuffixed);
    let error_statuses: Vec<&str> =
        op.responses.iter().map(|response| response.status.as_str()).filter(|status| !is_success(status)).collect();
    let long_running = op.long_running.as_ref().map(|long_running| {
        let result = rust_type(&long_running.result, Scope::Module);
        let poll = poll_name(op);
        let poll = match op.tag.as_ref().and_then(|tag| tags.iter().find(|file| file.tag == *tag)) {
            Some(file) => {
                let module = ident(&file.module);
                quote! { super::#module::#poll }
            }
            None => quote! { super::#poll },
        };
        let metadata = long_running.metadata.as_ref().map(|metadata| {
            let ty = rust_type(metadata, Scope::Module);
            let message_type = long_running.metadata_type.as_deref().unwrap_or_default();
            quote! {
                fn metadata(request: &rt::AttemptRequest) -> Option<serde_json::Value> {
                    rt::test_util::metadata::<#ty>(request, #message_type)
                }
            }
        });
        quote! {
            impl rt::test_util::LongRunningCall for #name {
                type Result = #result;
                const POLL: &'static rt::Poll = &#poll;
                #metadata
            }
        }
    });
    let request_param = if reads.is_empty() {
        quote! { _request }
    } else {
        quote! { request }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl rt::test_util::Call for #name {
            type Success = #success;
            type ErrorBody = #error_body;
            const OPERATION: &'static str = #operation_id;
            const SUCCESS_STATUSES: &'static [u16] = &[#(#success_statuses),*];
            const ERROR_STATUSES: &'static [&'static str] = &[#(#error_statuses),*];
            const SUCCESS_HAS_BODY: bool = #has_body;

            fn decode(#request_param: &rt::AttemptRequest) -> Result<Self, String> {
                #(#reads)*
                Ok(Self { #(#names),* })
            }

            fn encode_success(body: &Self::Success) -> (rt::Bytes, Option<&'static str>) {
                #encode
            }
        }

        #long_running
    }
}

/// The type a rule answers a 2xx with: the success body (the operation itself, for a
/// long-running one), `Option` of it when a 2xx may come without one, `()` when none has one.
fn success_type(op: &Operation) -> TokenStream {
    match (&op.success.ty, op.success.may_be_empty) {
        (Some(TypeRef::Text), _) => quote! { String },
        (Some(TypeRef::Bytes), _) => quote! { rt::Bytes },
        (Some(ty), false) => rust_type(ty, Scope::Module),
        _ if op.long_running.is_some() => op.success.ty.as_ref().map_or_else(|| quote! { () }, |ty| rust_type(ty, Scope::Module)),
        (Some(ty), true) => {
            let ty = rust_type(ty, Scope::Module);
            quote! { Option<#ty> }
        }
        (None, _) => quote! { () },
    }
}

/// Whether a declared status is a success: a 2xx code or the `2XX` range.
fn is_success(status: &str) -> bool {
    status.parse::<u16>().is_ok_and(|code| (200..300).contains(&code)) || status.eq_ignore_ascii_case("2XX")
}

/// The 2xx statuses `op` declares, `200` standing for the `2XX` range.
fn success_statuses(op: &Operation) -> Vec<u16> {
    let mut statuses: Vec<u16> = op
        .responses
        .iter()
        .filter(|response| is_success(&response.status))
        .map(|response| response.status.parse::<u16>().unwrap_or(200))
        .collect();
    statuses.dedup();
    statuses
}

/// The wire name of the mask field of a masked body type.
fn mask_field_of<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a str> {
    let TypeRef::Named(name) = ty else { return None };
    let Some(TypeDef::Struct(StructDef { mask: Some(MaskRole::Body { mask_field }), .. })) = api.types.get(name) else { return None };
    Some(mask_field)
}
