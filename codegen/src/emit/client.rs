//! The module file of an API: its `Error`, `ClientBuilder`, `Client` with one method per
//! operation, and the options of operations with optional parameters.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::arguments::{argument_ref, object_style, options_name, positional_args};
use super::docs::{self, DocBlocks, paragraph};
use super::features::TagFeatures;
use super::files::{TagFile, tag_files};
use super::literals::{self, OperationIdentity};
use super::rust::{Scope, ident, mentions, rust_type};
use super::{Emit, FileEmit, Head, Part, example, long_running, pagination};
use crate::resolve::model::{Api, BodyEncoding, Operation, Param, ParamLocation, ParamStyle, PathPart, SchemeKind, TypeRef};

/// The whole module file of an API.
pub fn module_file<'a>(api: &'a Api, crate_name: &'a str) -> FileEmit<'a> {
    let untagged: Vec<&'a Operation> = api.operations.iter().filter(|op| op.tag.is_none()).collect();
    let constructors: Emit<'a> = Box::new(|_| client_constructors());
    let mut parts = vec![Part::ClientItems(constructors)];
    let chunks: Vec<Vec<&'a Operation>> = untagged.chunks(OPERATIONS_PER_PART).map(<[&Operation]>::to_vec).collect();
    for chunk in chunks.clone() {
        let emit: Emit<'a> = Box::new(move |blocks| methods_of(api, &chunk, crate_name, blocks));
        parts.push(Part::ClientItems(emit));
    }
    let resumes: Emit<'a> = Box::new(move |blocks| resumes_of(&untagged, blocks));
    parts.push(Part::ClientItems(resumes));
    for chunk in chunks.clone() {
        let emit: Emit<'a> = Box::new(move |blocks| options_of(&chunk, blocks));
        parts.push(Part::Items(emit));
    }
    for chunk in chunks {
        let emit: Emit<'a> = Box::new(move |blocks| long_running_of(&chunk, blocks));
        parts.push(Part::Items(emit));
    }
    let head: Head<'a> = Box::new(move |blocks, _| module_head(api, blocks));
    FileEmit { head: Some(head), parts }
}

/// The first items of the client's `impl` block.
fn client_constructors() -> TokenStream {
    quote! {
        /// Starts building a client.
        pub fn builder() -> ClientBuilder {
            ClientBuilder::new()
        }

        /// A client that shares this one's connections and whose calls use `options`
        /// (retries, timeouts, body limit) over this client's settings.
        pub fn with_options(&self, options: rt::CallOptions) -> Self {
            Self { core: self.core.with_options(options) }
        }
    }
}

/// What the API module's file holds before its client's methods: its docs and modules, the
/// `Error` and `ClientBuilder` names, and the client.
fn module_head(api: &Api, blocks: &DocBlocks) -> TokenStream {
    let module_docs = blocks.inner_attrs(&module_docs(api));
    let error_body = rust_type(&api.error_body, Scope::Module);
    let error_docs = blocks.attrs(&error_docs(api));
    let default_server = literals::server_option(api.servers.first());
    let mut operation_servers: Vec<&str> = api.operations.iter().filter_map(|op| op.server.as_ref()).map(|s| s.url.as_str()).collect();
    operation_servers.sort_unstable();
    operation_servers.dedup();
    let requires_token = api.requires_credential;
    let schemes = api.schemes.iter().map(|scheme| {
        let name = &scheme.name;
        let kind = match &scheme.kind {
            SchemeKind::Bearer => quote! { rt::SchemeKind::Bearer },
            SchemeKind::Basic => quote! { rt::SchemeKind::Basic },
            SchemeKind::ApiKeyHeader(header) => quote! { rt::SchemeKind::ApiKeyHeader(#header) },
            SchemeKind::ApiKeyQuery(param) => quote! { rt::SchemeKind::ApiKeyQuery(#param) },
        };
        quote! { rt::Scheme { name: #name, kind: #kind } }
    });
    let mut variables: Vec<(&str, &str)> = Vec::new();
    for server in api.servers.iter().chain(api.operations.iter().filter_map(|op| op.server.as_ref())) {
        for (name, default, _) in &server.variables {
            if !variables.iter().any(|(known, _)| known == name) {
                variables.push((name, default));
            }
        }
    }
    let (variable_names, variable_defaults): (Vec<&str>, Vec<&str>) = variables.into_iter().unzip();
    let secret_fields = secret_fields(api);
    let tags = tag_files(api);
    let tag_features = TagFeatures::of(api, &tags);
    let tag_modules = tags.iter().enumerate().map(|(index, file)| {
        let module = ident(&file.module);
        let gate = tag_features.as_ref().map(|features| features.tag_attr(index));
        // Its options structs and long-running handles are the module's own, for callers.
        let has_items = file.ops.iter().any(|op| op.fn_with_options.is_some() || op.long_running.is_some());
        let reexport = has_items.then(|| quote! { #gate pub use #module::*; });
        quote! {
            #gate
            mod #module;
            #reexport
        }
    });
    let client_docs = blocks.attrs(&client_docs(api));
    quote! {
        #module_docs

        pub mod types;

        #(#tag_modules)*

        #[cfg(feature = "test-util")]
        pub mod test_util;

        #error_docs
        pub type Error = rt::Error<#error_body>;

        /// Builds a [`Client`]: the token, the base URL, retries, timeouts and limits, each
        /// with a documented default (see [`runtime::ClientBuilder`](rt::ClientBuilder)).
        pub type ClientBuilder = rt::ClientBuilder<Client>;

        #client_docs
        #[derive(Debug, Clone)]
        pub struct Client {
            core: rt::ClientCore,
        }

        impl rt::ApiClient for Client {
            const API: &'static rt::ApiInfo = &rt::ApiInfo {
                default_server: #default_server,
                operation_servers: &[#(#operation_servers),*],
                requires_token: #requires_token,
                schemes: &[#(#schemes),*],
                server_variables: &[#((#variable_names, #variable_defaults)),*],
                secret_fields: &[#(#secret_fields),*],
            };

            fn from_core(core: rt::ClientCore) -> Self {
                Self { core }
            }

            fn core(&self) -> &rt::ClientCore {
                &self.core
            }
        }
    }
}

/// What the operations of one file make: their methods (for an `impl Client` block), and the
/// items beside it (options structs, long-running handles).
struct OperationItems {
    methods: TokenStream,
    rest: TokenStream,
}

fn operation_items(api: &Api, ops: &[&Operation], crate_name: &str, blocks: &DocBlocks) -> OperationItems {
    let (methods, resumes) = (methods_of(api, ops, crate_name, blocks), resumes_of(ops, blocks));
    let (options, long_running) = (options_of(ops, blocks), long_running_of(ops, blocks));
    OperationItems { methods: quote! { #methods #resumes }, rest: quote! { #options #long_running } }
}

/// How many operations' items are emitted and formatted together, as one part of a file.
const OPERATIONS_PER_PART: usize = 16;

/// The client methods of `ops`: each operation's, and its stream of pages.
fn methods_of(api: &Api, ops: &[&Operation], crate_name: &str, blocks: &DocBlocks) -> TokenStream {
    let methods = ops.iter().map(|op| {
        let method = operation_methods(api, op, crate_name, blocks);
        let stream = pagination::stream_method(api, op, blocks);
        quote! { #method #stream }
    });
    quote! { #(#methods)* }
}

/// The client methods that resume the long-running operations of `ops`.
fn resumes_of(ops: &[&Operation], blocks: &DocBlocks) -> TokenStream {
    let resumes = ops.iter().filter_map(|op| long_running::resume_method(op, blocks));
    quote! { #(#resumes)* }
}

/// The options structs of `ops`.
fn options_of(ops: &[&Operation], blocks: &DocBlocks) -> TokenStream {
    let options = ops.iter().filter_map(|op| options_struct(op, blocks));
    quote! { #(#options)* }
}

/// The module items of the long-running operations of `ops`.
fn long_running_of(ops: &[&Operation], blocks: &DocBlocks) -> TokenStream {
    let long_running = ops.iter().filter_map(|op| long_running::module_items(op, blocks));
    quote! { #(#long_running)* }
}

/// The file of one tag's operations: an `impl Client` block and the items beside it.
pub fn tag_file(api: &Api, file: &TagFile<'_>, crate_name: &str, blocks: &DocBlocks) -> TokenStream {
    let OperationItems { methods, rest } = operation_items(api, &file.ops, crate_name, blocks);
    let mut lines = vec![format!("The operations tagged {}.", docs::code(&file.tag))];
    if let Some(description) = api.tag_descriptions.get(&file.tag) {
        paragraph(&mut lines, docs::markdown(description));
    }
    let docs = blocks.inner_attrs(&lines);
    let mut imports = vec![quote! { Client }];
    for name in ["Error", "types"] {
        if mentions(&methods, name) || mentions(&rest, name) {
            imports.push(ident(name).into_token_stream());
        }
    }
    quote! {
        #docs

        use super::{#(#imports),*};

        impl Client {
            #methods
        }

        #rest
    }
}

fn error_docs(api: &Api) -> Vec<String> {
    let body = match &api.error_body {
        TypeRef::Named(name) => format!("[`types::{name}`]"),
        _ => "JSON (`serde_json::Value`)".to_owned(),
    };
    vec![
        "Why a call of this API failed: the runtime's [`Error`](rt::Error), each of whose variants".to_owned(),
        format!("says what went wrong, with this API's error body, {body}, decoded in its `Api` variant"),
        "when an answer outside 2xx carries one.".to_owned(),
    ]
}

fn client_docs(api: &Api) -> Vec<String> {
    let mut lines = vec![format!("A client of {}.", api.title)];
    let first_bearer = api.schemes.iter().position(|scheme| scheme.kind == SchemeKind::Bearer);
    for (index, scheme) in api.schemes.iter().enumerate() {
        let name = docs::code(&scheme.name);
        let mut about = vec![match &scheme.kind {
            SchemeKind::Bearer if Some(index) == first_bearer => {
                format!("Authentication {name}: a bearer token, given to [`ClientBuilder::token`].")
            }
            SchemeKind::Bearer => format!(
                "Authentication {name}: a bearer token of its own, given as `.credential(\"{}\", Credential::bearer(...))`.",
                scheme.name
            ),
            SchemeKind::Basic => format!(
                "Authentication {name}: a user name and password, given as `.credential(\"{}\", Credential::basic(...))`.",
                scheme.name
            ),
            SchemeKind::ApiKeyHeader(header) => format!(
                "Authentication {name}: an API key sent in the {} header, given as `.credential(\"{}\", Credential::api_key(...))`.",
                docs::code(header),
                scheme.name
            ),
            SchemeKind::ApiKeyQuery(param) => format!(
                "Authentication {name}: an API key sent as the {} query parameter, given as `.credential(\"{}\", Credential::api_key(...))`.",
                docs::code(param),
                scheme.name
            ),
        }];
        if let Some(format) = &scheme.format {
            about.push(format!("The API expects a token in the {} format.", docs::code(format)));
        }
        paragraph(&mut lines, about);
        if let Some(description) = &scheme.description {
            paragraph(&mut lines, docs::markdown(description));
        }
    }
    paragraph(&mut lines, ["Cloning is cheap: clones share one connection pool.".to_owned()]);
    lines
}

/// The wire names of the fields whose values are secret, sorted.
fn secret_fields(api: &Api) -> Vec<String> {
    fn is_secret(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Secret => true,
            TypeRef::List(item) | TypeRef::Map(item) => is_secret(item),
            _ => false,
        }
    }
    let mut names: Vec<String> = api
        .types
        .values()
        .filter_map(|def| match def {
            crate::resolve::model::TypeDef::Struct(def) => Some(def),
            _ => None,
        })
        .flat_map(|def| def.fields.iter())
        .filter(|field| is_secret(&field.ty))
        .map(|field| field.wire_name.clone())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn module_docs(api: &Api) -> Vec<String> {
    let mut lines = vec![format!("{}, version {}.", api.title, docs::code(&api.version))];
    if let Some(description) = &api.description {
        paragraph(&mut lines, docs::markdown(description));
    }
    let servers: Vec<String> = api
        .servers
        .iter()
        .map(|server| {
            let about = server.description.as_deref().map(|d| format!(": {}", docs::markdown(d).join(" "))).unwrap_or_default();
            format!("- {}{about}", docs::server(server))
        })
        .collect();
    if !servers.is_empty() {
        paragraph(&mut lines, ["Servers (the first is the default):".to_owned()]);
        paragraph(&mut lines, servers);
    }
    let tags = tag_files(api);
    if let Some(features) = TagFeatures::of(api, &tags) {
        paragraph(
            &mut lines,
            [
                "Each tag's operations, with the types only they use, are behind a Cargo feature of".to_owned(),
                format!("their own; `{}` turns every one on, and an app that uses a few tags compiles", api.module),
                "only those:".to_owned(),
            ],
        );
        paragraph(
            &mut lines,
            tags.iter().enumerate().map(|(index, file)| format!("- `{}`: {}", features.feature(index), docs::code(&file.tag))),
        );
    }
    paragraph(&mut lines, [format!("Generated from `{}`.", api.spec_file)]);
    lines
}

fn operation_methods(api: &Api, op: &Operation, crate_name: &str, blocks: &DocBlocks) -> TokenStream {
    let fn_name = ident(&op.fn_name);
    let doc = blocks.attrs(&operation_docs(api, op, crate_name));
    let (params, names) = positional_args(op);
    let (ret, send) = match (&op.success.ty, op.success.may_be_empty) {
        _ if op.long_running.is_some() => {
            let (handle, poll) = (long_running::handle_name(op), long_running::poll_name(op));
            (quote! { #handle }, quote! { send_long_running(request, &#poll) })
        }
        (Some(TypeRef::Text), _) => (quote! { String }, quote! { send_text(request) }),
        (Some(TypeRef::Bytes), _) => (quote! { rt::Bytes }, quote! { send_bytes(request) }),
        (Some(ty), false) => (rust_type(ty, Scope::Module), quote! { send_json(request) }),
        (Some(ty), true) => {
            let ty = rust_type(ty, Scope::Module);
            (quote! { Option<#ty> }, quote! { send_optional_json(request) })
        }
        (None, _) => (quote! { () }, quote! { send_empty(request) }),
    };
    let deprecated = op.deprecated.then(|| quote! { #[deprecated = "the API marks this operation deprecated"] });
    let ret = quote! { rt::Response<#ret> };
    // An operation whose errors have another body than the API's names its own error type.
    let error = if op.error_body == api.error_body {
        quote! { Error }
    } else {
        let body = rust_type(&op.error_body, Scope::Module);
        quote! { rt::Error<#body> }
    };
    let request = request_expr(op);
    let Some(with_name) = &op.fn_with_options else {
        return quote! {
            #doc
            #deprecated
            pub async fn #fn_name(&self, #(#params),*) -> Result<#ret, #error> {
                #request
                self.core.#send.await
            }
        };
    };
    let with_name = ident(with_name);
    let options = options_name(op);
    let with_doc = format!(" Like [`Client::{}`], with the optional parameters in `options`.", op.fn_name);
    let allow = op.deprecated.then(|| quote! { #[allow(deprecated)] });
    quote! {
        #doc
        #deprecated
        pub async fn #fn_name(&self, #(#params),*) -> Result<#ret, #error> {
            #allow
            self.#with_name(#(#names,)* &#options::default()).await
        }

        #[doc = #with_doc]
        #deprecated
        pub async fn #with_name(&self, #(#params,)* options: &#options) -> Result<#ret, #error> {
            #request
            self.core.#send.await
        }
    }
}

/// The statements that build the request of an operation: its identity, then one step per
/// path piece, parameter and body, each parameter followed by the check of its constraints.
fn request_expr(op: &Operation) -> TokenStream {
    let identity = literals::operation(&OperationIdentity {
        id: &op.operation_id,
        method: op.method,
        path: &op.path_template,
        server: op.server.as_ref(),
        security: &op.security,
        retryable: op.method.is_idempotent() || op.params.iter().any(|p| p.idempotency_key),
        accept: &op.success.accept,
    });
    let mut steps = Vec::new();
    for part in &op.path {
        steps.push(match part {
            PathPart::Literal(text) => quote! { .path(#text) },
            PathPart::Param(index) => {
                let param = &op.params[*index];
                let (wire, name) = (&param.wire_name, ident(&param.name));
                let check = param_check(param, argument_ref(param, quote! { #name }));
                quote! { .path_param(#wire, #name) #check }
            }
        });
    }
    for param in op.params.iter().filter(|p| p.location != ParamLocation::Path) {
        let value = if param.required {
            argument_ref(param, ident(&param.name).to_token_stream())
        } else {
            let name = ident(&param.name);
            quote! { &options.#name }
        };
        let check = param_check(param, value);
        let step = param_step(param);
        steps.push(quote! { #step #check });
    }
    if let Some(body) = &op.body {
        let media_type = &body.media_type;
        let essence = body.essence();
        steps.push(match (body.encoding(), body.required) {
            (BodyEncoding::Text, true) => quote! { .raw(body.as_bytes(), #media_type) },
            (BodyEncoding::Text, false) => quote! { .raw_opt(body.map(str::as_bytes), #media_type) },
            (BodyEncoding::Bytes, true) => quote! { .raw(body, #media_type) },
            (BodyEncoding::Bytes, false) => quote! { .raw_opt(body, #media_type) },
            (BodyEncoding::Multipart, true) => quote! { .multipart(body, #essence) },
            (BodyEncoding::Multipart, false) => quote! { .multipart_opt(body, #essence) },
            (BodyEncoding::Form, true) => quote! { .form(body) },
            (BodyEncoding::Form, false) => quote! { .form_opt(body) },
            (BodyEncoding::Json, true) => quote! { .json(body) },
            (BodyEncoding::Json, false) => quote! { .json_opt(body) },
        });
    }
    quote! {
        static OPERATION: rt::Operation = #identity;
        let request = rt::Request::new(&OPERATION) #(#steps)*;
    }
}

/// The step that writes a parameter other than a path segment, in its location and style.
fn param_step(param: &Param) -> TokenStream {
    let wire = &param.wire_name;
    let name = ident(&param.name);
    // The value the location's method takes: the argument, or the option when given.
    let (single, optional) = match param.style {
        ParamStyle::Json => {
            let value = argument_ref(param, name.to_token_stream());
            (quote! { rt::JsonText(#value) }, quote! { options.#name.as_ref().map(rt::JsonText) })
        }
        _ => (name.to_token_stream(), quote! { options.#name.as_ref() }),
    };
    let list = match param.required {
        true => name.to_token_stream(),
        false => quote! { options.#name.as_deref().unwrap_or_default() },
    };
    let is_list = matches!(param.ty, TypeRef::List(_)) && param.style != ParamStyle::Json;
    let object_style = object_style(param.style).filter(|_| param.location == ParamLocation::Query);
    match (param.location, param.required) {
        (_, true) if let Some(style) = &object_style => {
            let value = argument_ref(param, name.to_token_stream());
            quote! { .query_object(#wire, #value, #style) }
        }
        (_, false) if let Some(style) = &object_style => quote! { .query_object_opt(#wire, options.#name.as_ref(), #style) },
        (ParamLocation::Query, _) if is_list => match param.style {
            ParamStyle::Joined(delimiter) => quote! { .query_joined(#wire, #list, #delimiter) },
            _ => quote! { .query_list(#wire, #list) },
        },
        (ParamLocation::Query, true) => quote! { .query(#wire, #single) },
        (ParamLocation::Query, false) => quote! { .query_opt(#wire, #optional) },
        (ParamLocation::Cookie, true) => quote! { .cookie(#wire, #single) },
        (ParamLocation::Cookie, false) => quote! { .cookie_opt(#wire, #optional) },
        (_, false) if param.idempotency_key => quote! { .idempotency_key(#wire, #optional) },
        (_, true) => quote! { .header(#wire, #single) },
        (_, false) => quote! { .header_opt(#wire, #optional) },
    }
}

/// The check of a parameter's constraints, when the spec states any.
fn param_check(param: &Param, value: TokenStream) -> Option<TokenStream> {
    let format = param.is_positional().then(|| text_format(&param.ty)).flatten();
    let rules = super::validation::rules_with_format(&param.docs.details().constraints, format)?;
    let (location, wire) = (param.location.keyword(), &param.wire_name);
    Some(quote! { .check(#location, #wire, #value, #rules) })
}

/// The format the client checks on a positional argument of type `ty`, which it takes as
/// text (see `arguments::argument_type`).
fn text_format(ty: &TypeRef) -> Option<TokenStream> {
    match ty {
        TypeRef::Uuid => Some(quote! { rt::TextFormat::Uuid }),
        TypeRef::DateTime => Some(quote! { rt::TextFormat::DateTime }),
        TypeRef::Date => Some(quote! { rt::TextFormat::Date }),
        _ => None,
    }
}

fn options_struct(op: &Operation, blocks: &DocBlocks) -> Option<TokenStream> {
    let with_name = op.fn_with_options.as_ref()?;
    let name = options_name(op);
    let doc = format!(" The optional parameters of [`Client::{with_name}`].");
    let fields = op.params.iter().filter(|p| !p.is_positional()).map(|param| {
        let name = ident(&param.name);
        let ty = rust_type(&param.ty, Scope::Module);
        let mut lines = docs::value_docs(&param.docs, &format!("The `{}` parameter.", param.wire_name));
        if param.idempotency_key {
            paragraph(
                &mut lines,
                [
                    "When none is given, the client sends a fresh UUID v4, the same on every attempt of the".to_owned(),
                    "call, so the call is retried safely.".to_owned(),
                ],
            );
        }
        paragraph(&mut lines, [sent_as(param)]);
        let doc = blocks.attrs(&lines);
        quote! {
            #doc
            pub #name: Option<#ty>,
        }
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// How the docs say a parameter is sent: where, and in what style.
fn sent_as(param: &Param) -> String {
    let sent = format!("Sent as the {} {}", location_name(param.location), docs::code(&param.wire_name));
    match param.style {
        ParamStyle::Plain => format!("{sent}."),
        ParamStyle::Joined(delimiter) => format!("{sent}, its items joined by `{delimiter}`."),
        ParamStyle::ObjectExploded => {
            format!("Sent as query parameters, one per property (the name {} is not sent).", docs::code(&param.wire_name))
        }
        ParamStyle::ObjectJoined => format!("{sent}, its properties' names and values joined by `,`."),
        ParamStyle::DeepObject => format!("{sent}, each property a pair named `{}[property]`.", param.wire_name),
        ParamStyle::Json => format!("{sent}, as its JSON text."),
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path segment",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn operation_docs(api: &Api, op: &Operation, crate_name: &str) -> Vec<String> {
    let mut lines = Vec::new();
    match &op.summary {
        Some(summary) => paragraph(&mut lines, docs::markdown(summary)),
        None => paragraph(&mut lines, [format!("Calls `{}`.", op.operation_id)]),
    }
    if let Some(description) = &op.description {
        let mut description = docs::markdown(description);
        // A description that opens with the summary again starts after it.
        let repeats_summary = op
            .summary
            .as_deref()
            .is_some_and(|summary| description.first().is_some_and(|first| first.trim_end_matches('.') == summary.trim_end_matches('.')));
        if repeats_summary {
            let rest = description.iter().position(String::is_empty).map_or(description.len(), |blank| blank + 1);
            description.drain(..rest);
        }
        paragraph(&mut lines, description);
    }
    if let Some(long_running) = &op.long_running {
        let result = match &long_running.result {
            TypeRef::Named(name) => format!("[`types::{name}`]"),
            _ => "its result".to_owned(),
        };
        paragraph(
            &mut lines,
            [
                format!(
                    "Starts a long-running operation: `.wait().await` on the answer polls `{}` until the",
                    long_running.poll_operation_id
                ),
                format!("operation is done and gives {result}. `.id()` gives the id to store, and"),
                format!("[`Client::resume_{}`] makes the same handle from it later.", op.fn_name.trim_start_matches("r#")),
            ],
        );
    }
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|scope| docs::code(scope)).collect();
        let noun = if scopes.len() == 1 { "scope" } else { "scopes" };
        paragraph(&mut lines, [format!("Needs a token with the {} {noun}.", scopes.join(", "))]);
    }
    paragraph(&mut lines, [format!("`{} {}` (operationId {}).", op.method.as_str(), op.path_template, docs::code(&op.operation_id))]);
    if let Some(server) = &op.server {
        paragraph(
            &mut lines,
            [format!("Sent to {}, this operation's own server, unless the client has a base URL.", docs::server(server))],
        );
    }
    let arguments: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.is_positional())
        .map(|p| format!("- `{}`: {}", p.name, docs::one_line(&p.docs)))
        .chain(op.body.iter().map(|body| {
            let about = body.description.as_deref().map(|d| docs::markdown(d).join(" ")).unwrap_or_else(|| "the request body.".to_owned());
            format!("- `body`: {about}")
        }))
        .collect();
    if !arguments.is_empty() {
        paragraph(&mut lines, ["# Arguments".to_owned()]);
        paragraph(&mut lines, arguments);
    }
    paragraph(&mut lines, ["# Responses".to_owned()]);
    paragraph(
        &mut lines,
        op.responses.iter().map(|response| {
            let mut text = format!("- `{}`: {}", response.status, docs::markdown(&response.description).join(" "));
            if !response.headers.is_empty() {
                let names: Vec<String> = response.headers.iter().map(|(name, _)| docs::code(name)).collect();
                text.push_str(&format!(" Headers: {}.", names.join(", ")));
            }
            text
        }),
    );
    paragraph(&mut lines, ["# Example".to_owned()]);
    paragraph(&mut lines, example::usage(api, op, crate_name));
    lines
}
