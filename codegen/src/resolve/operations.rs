//! Paths into operations: parameters, request bodies, responses, servers and security.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::Resolver;
use super::model::{
    Body, Docs, HttpMethod, Operation, Param, ParamLocation, ParamStyle, PathPart, ResponseDoc, SchemeKind, SecurityScheme, ServerUrl,
    Success, TypeDef, TypeRef, through_aliases,
};
use super::values::{self, to_json};
use crate::error::Problem;
use crate::load::{self, MediaType, Parameter, PathItem, Schema, Server};
use crate::names;

/// The operations of an API, and the error body most of them have, which the API's `Error`
/// carries.
pub(super) struct Operations {
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// The error body of the API's `Error`.
    pub error_body: TypeRef,
}

/// An operation as read from the spec, and whether it documents an error body of its own.
struct ReadOperation {
    operation: Operation,
    documents_errors: bool,
}

/// The parameters of an operation, and whether every one of them could be read.
struct ReadParams {
    params: Vec<Param>,
    complete: bool,
}

/// An operation's path split into literal text and parameters, and its parameters with the
/// path's in path order.
struct Route {
    path: Vec<PathPart>,
    params: Vec<Param>,
    /// The template with each parameter as `{name}`, without a pattern written into it.
    template: String,
}

/// What an operation answers: its success, and the docs of every response.
struct Responses {
    success: Success,
    docs: Vec<ResponseDoc>,
}

/// What kind of body a media type carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    /// JSON, decoded into types.
    Json,
    /// Text, taken whole as a `String`.
    Text,
    /// Anything else, taken whole as bytes.
    Bytes,
    /// A form (`application/x-www-form-urlencoded`), sent from a typed body.
    Form,
    /// A multipart body (`multipart/form-data`, `multipart/mixed`, ...), sent from a typed body.
    Multipart,
}

/// The media type the client uses from a `content` map.
struct Media<'m> {
    kind: MediaKind,
    media: Option<&'m MediaType>,
    media_type: String,
    place: String,
}

/// Headers the client sets itself; OpenAPI says to ignore parameters that name them.
const RESERVED_HEADERS: &[&str] = &["accept", "authorization", "content-type"];

type Requirements = Vec<IndexMap<String, Vec<String>>>;

/// The marks of one operation that are linked to other operations once every operation is
/// read, when the paths are gone.
pub(super) struct Marks {
    /// The place of the operation, `paths.{template}.{method}`.
    pub place: String,
    /// Its `operationId`.
    pub operation_id: String,
    /// Its `x-long-running` mark.
    pub long_running: Option<load::LongRunningMark>,
    /// Its `x-pagination` mark.
    pub pagination: Option<load::PaginationMark>,
}

/// The marks of every operation of `paths` that has one.
pub(super) fn marks(paths: &IndexMap<String, PathItem>) -> Vec<Marks> {
    let mut marks = Vec::new();
    for (template, item) in paths {
        for (method, op) in item.operations() {
            let Some(operation_id) = &op.operation_id else { continue };
            if op.long_running.is_some() || op.pagination.is_some() {
                marks.push(Marks {
                    place: format!("paths.{template}.{method}"),
                    operation_id: operation_id.clone(),
                    long_running: op.long_running.clone(),
                    pagination: op.pagination.clone(),
                });
            }
        }
    }
    marks
}

impl Resolver<'_> {
    /// The servers of a `servers` list, each checked to be an absolute URL without variables.
    pub(super) fn servers(&mut self, servers: &[Server], place: &str) -> Vec<ServerUrl> {
        let mut resolved = Vec::new();
        for (index, server) in servers.iter().enumerate() {
            let place = format!("{place}[{index}].url");
            let url = server.url.trim_end_matches('/');
            let mut variables = Vec::new();
            let mut example = url.to_owned();
            let mut rest = url;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}').map(|i| open + i) else { break };
                let name = &rest[open + 1..close];
                match server.variables.get(name) {
                    Some(variable) => {
                        example = example.replace(&format!("{{{name}}}"), &variable.default);
                        variables.push((name.to_owned(), variable.default.clone(), variable.description.clone()));
                    }
                    None => self.invalid(place.clone(), format!("the URL names `{{{name}}}`, which `variables` does not define")),
                }
                rest = &rest[close + 1..];
            }
            let undefined = example.contains('{');
            let absolute = undefined
                || (example.starts_with("https://") || example.starts_with("http://"))
                    && example.len() > "https://".len()
                    && !example.contains(['{', '}', ' ']);
            if !absolute {
                // The client can still be pointed at a base URL, or given the variables.
                let hint =
                    if variables.is_empty() { "the client needs a base URL for it" } else { "set its variables on the client builder" };
                self.warn(place, format!("`{}` is not an absolute `https://` or `http://` URL as written: {hint}", server.url));
            }
            resolved.push(ServerUrl { url: url.to_owned(), description: server.description.clone(), variables });
        }
        resolved
    }

    /// The security schemes of the document, each its own credential: http bearer and basic,
    /// oauth2 and openIdConnect (a bearer token), and apiKey in a header or a query; any other
    /// scheme is refused by name.
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let mut schemes = Vec::new();
        for (name, scheme) in &self.doc.components.security_schemes {
            let place = format!("components.securitySchemes.{name}");
            let http = scheme.scheme.as_deref().map(str::to_ascii_lowercase);
            let kind = match (scheme.kind.as_str(), http.as_deref(), scheme.location.as_deref(), &scheme.name) {
                ("http", Some("bearer"), _, _) | ("oauth2" | "openIdConnect", _, _, _) => SchemeKind::Bearer,
                ("http", Some("basic"), _, _) => SchemeKind::Basic,
                ("apiKey", _, Some("header"), Some(header)) => SchemeKind::ApiKeyHeader(header.clone()),
                ("apiKey", _, Some("query"), Some(param)) => SchemeKind::ApiKeyQuery(param.clone()),
                (kind, http, location, _) => {
                    let found = format!(
                        "`type: {kind}`{}{}",
                        http.map_or(String::new(), |s| format!(" with `scheme: {s}`")),
                        location.map_or(String::new(), |l| format!(" `in: {l}`"))
                    );
                    let construct = format!(
                        "the security scheme {found} (http bearer and basic, oauth2, openIdConnect, and apiKey in a header or query are)"
                    );
                    self.unsupported(place, construct);
                    continue;
                }
            };
            let mut description = scheme.description.clone();
            if let Some(flows) = &scheme.flows {
                let flows = serde_yaml::to_string(flows).unwrap_or_default();
                let text = format!("OAuth2: the client takes an access token obtained by one of these flows:\n\n```text\n{}```", flows);
                description = Some(description.map_or(text.clone(), |d| format!("{d}\n\n{text}")));
            }
            schemes.push(SecurityScheme { name: name.clone(), kind, description, format: scheme.bearer_format.clone() });
        }
        schemes
    }

    /// Every operation of the document, and the one body type of all its error responses.
    pub(super) fn operations(&mut self, paths: IndexMap<String, PathItem>) -> Operations {
        let mut operations: Vec<ReadOperation> = Vec::with_capacity(paths.values().map(|item| item.operations().count()).sum());
        // Each Rust method name, with the operationId and place it comes from.
        let mut fn_names: HashMap<String, (String, String)> = HashMap::new();
        // How many operations use each error body, in the order they appear.
        let mut error_bodies: Vec<(TypeRef, usize)> = Vec::new();
        if paths.is_empty() {
            self.invalid("paths", "the spec has no paths: there is nothing to generate");
        }
        // Each path item is dropped once its operations are read.
        for (template, item) in paths {
            for (method, op) in item.operations() {
                let place = format!("paths.{template}.{method}");
                let Some(read) = self.operation(&template, &item, method, op, &place) else { continue };
                let operation = &read.operation;
                if read.documents_errors {
                    match error_bodies.iter_mut().find(|(ty, _)| *ty == operation.error_body) {
                        Some((_, count)) => *count += 1,
                        None => error_bodies.push((operation.error_body.clone(), 1)),
                    }
                }
                let id_place = format!("{place}.operationId");
                let method_names = std::iter::once(&operation.fn_name).chain(&operation.fn_with_options);
                let clash = method_names.clone().find_map(|name| fn_names.get(name).map(|first| (first.clone(), name.clone())));
                match clash {
                    Some(((first_id, first_place), _)) if first_id == operation.operation_id => {
                        let message =
                            format!("duplicate operationId `{first_id}`: `{first_place}` has it too; every operation needs its own");
                        self.invalid(id_place, message);
                    }
                    Some(((first_id, _), rust)) => {
                        let problem =
                            Problem::NameCollision { what: "operation", first: first_id, second: operation.operation_id.clone(), rust };
                        self.error(id_place, problem);
                    }
                    None => {
                        for name in method_names {
                            fn_names.insert(name.clone(), (operation.operation_id.clone(), place.clone()));
                        }
                        operations.push(read);
                    }
                }
            }
        }
        // The API's `Error` carries the error body most operations have; the others name theirs.
        let most = error_bodies.iter().map(|(_, count)| *count).max().unwrap_or(0);
        let error_body = error_bodies.into_iter().find(|(_, count)| *count == most).map_or(TypeRef::Json, |(ty, _)| ty);
        // An operation that documents no error body has the API's.
        for read in operations.iter_mut().filter(|read| !read.documents_errors) {
            read.operation.error_body = error_body.clone();
        }
        Operations { operations: operations.into_iter().map(|read| read.operation).collect(), error_body }
    }

    fn operation(&mut self, template: &str, item: &PathItem, method: &str, op: &load::Operation, place: &str) -> Option<ReadOperation> {
        let Some(operation_id) = &op.operation_id else {
            self.invalid(place, "the operation has no `operationId`: add one, it names the client method");
            return None;
        };
        let (fn_name, type_prefix) = (names::snake(operation_id), names::camel(operation_id));
        if names::RESERVED_METHODS.contains(&fn_name.as_str()) {
            self.invalid(
                format!("{place}.operationId"),
                format!("`{fn_name}` is a method every client has already; choose another operationId"),
            );
            return None;
        }
        // A parameter that could not be read is reported already (once, even when it is shared):
        // the path need not say so too.
        let ReadParams { params, complete } = self.params(item, op, &type_prefix, place);
        let Route { path, params, template: plain_template } = self.route(template, params, place, complete)?;
        let has_options = params.iter().any(|p| !p.is_positional());
        let fn_with_options = has_options.then(|| format!("{}_with", fn_name.trim_end_matches('_')));
        let body = self.request_body(op, &type_prefix, place);
        let mut error_body = None;
        let Responses { success, docs: responses } = self.responses(op, &type_prefix, place, &mut error_body)?;
        let documents_errors = error_body.is_some();
        let error_body = error_body.map_or(TypeRef::Json, |(ty, _)| ty);
        let server = match op.servers.as_deref().or(item.servers.as_deref()) {
            Some(servers) => {
                let server_place = if op.servers.is_some() { format!("{place}.servers") } else { format!("paths.{template}.servers") };
                self.servers(servers, &server_place).into_iter().next()
            }
            None => None,
        };
        if let Some(requirements) = &op.security {
            self.check_security(requirements, &format!("{place}.security"));
        }
        // A credential is needed when every alternative of the requirements names a scheme.
        let requirements = op.security.as_ref().or(self.doc.security.as_ref());
        let authenticated = requirements.is_some_and(|requirements| !requirements.is_empty() && requirements.iter().all(|r| !r.is_empty()));
        let security: Vec<Vec<String>> =
            if authenticated { requirements.into_iter().flatten().map(|r| r.keys().cloned().collect()).collect() } else { Vec::new() };
        let mut scopes: Vec<String> = op
            .security
            .as_ref()
            .or(self.doc.security.as_ref())
            .into_iter()
            .flatten()
            .flat_map(|requirement| requirement.values().flatten().cloned())
            .collect();
        scopes.dedup();
        Some(ReadOperation {
            operation: Operation {
                operation_id: operation_id.clone(),
                tag: op.tags.first().cloned(),
                scopes,
                error_body,
                fn_name,
                fn_with_options,
                type_prefix,
                method: HttpMethod::of_key(method)?,
                path_template: plain_template,
                path,
                server,
                params,
                body,
                success,
                responses,
                summary: op.summary.clone().or_else(|| item.summary.clone()),
                description: op.description.clone().or_else(|| item.description.clone()),
                deprecated: op.deprecated,
                authenticated,
                security,
                long_running: None,
                pagination: None,
            },
            documents_errors,
        })
    }

    /// Reports security requirements that name no scheme, or list scopes a bearer scheme
    /// cannot have; `place` is where the list is written.
    pub(super) fn check_security(&mut self, requirements: &Requirements, place: &str) {
        let schemes = &self.doc.components.security_schemes;
        for (index, requirement) in requirements.iter().enumerate() {
            for (name, scopes) in requirement {
                let requirement_place = format!("{place}[{index}].{name}");
                if !schemes.contains_key(name) {
                    let suggestion = crate::suggest::did_you_mean(name, schemes.keys());
                    if suggestion.is_empty() {
                        // A scheme used and never declared: read as the most common kind.
                        let message =
                            format!("`{name}` is not a scheme of `components.securitySchemes`: read as a bearer token scheme of that name");
                        self.warn(requirement_place, message);
                        if !self.undeclared_schemes.contains(name) {
                            self.undeclared_schemes.push(name.clone());
                        }
                    } else {
                        self.invalid(requirement_place, format!("`{name}` is not a scheme of `components.securitySchemes`{suggestion}"));
                    }
                }
                // Scopes on other schemes than oauth2 and openIdConnect are outside OpenAPI 3.0,
                // but vendors write them (DigitalOcean on every operation): they are read, and
                // named in the operation's docs.
                let _ = scopes;
            }
        }
    }

    /// The parameters of an operation, with the path item's own merged in.
    fn params(&mut self, item: &PathItem, op: &load::Operation, prefix: &str, place: &str) -> ReadParams {
        let mut complete = true;
        let doc = self.doc;
        let mut merged: IndexMap<(String, String), (&Parameter, String)> = IndexMap::new();
        let sources = [(&item.parameters, place.rsplit_once('.').map_or(place, |(path, _)| path)), (&op.parameters, place)];
        for (list, list_place) in sources {
            for (index, parameter) in list.iter().enumerate() {
                let place = format!("{list_place}.parameters[{index}]");
                let reference = parameter.reference.as_ref();
                let Some(shared) = self.shared(parameter, reference, "parameters", &doc.components.parameters, place) else {
                    complete = false;
                    continue;
                };
                let (parameter, param_place) = (shared.item, shared.place);
                let (Some(name), Some(location)) = (&parameter.name, &parameter.location) else {
                    self.invalid(param_place, "a parameter needs both `name` and `in`");
                    continue;
                };
                merged.insert((name.clone(), location.clone()), (parameter, param_place));
            }
        }
        let mut params: Vec<Param> = Vec::new();
        let mut places: Vec<String> = Vec::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for ((wire, location), (parameter, param_place)) in merged {
            let Some(mut param) = self.param(&wire, &location, parameter, prefix, &param_place) else {
                complete = false;
                continue;
            };
            // Names that differ only in punctuation or case (`StartTime`, `StartTime<`) are
            // told apart by their spelling, as enum values are.
            let reserved_name = names::RESERVED_ARGUMENTS.contains(&param.name.as_str());
            let reserved = reserved_name.then(|| format!("the method's own `{}` argument", param.name));
            if let Some(first) = reserved.or_else(|| rust_names.get(&param.name).map(|first| format!("`{first}`"))) {
                let taken = |name: &str| names::RESERVED_ARGUMENTS.contains(&name) || rust_names.contains_key(name);
                // One of the method's own names gives way to the parameter, named by its place.
                let located = format!("{}_{}", param.name, param.location.keyword());
                let distinct = if reserved_name && !taken(&located) { located } else { names::snake_distinct(&wire, taken) };
                let message = format!("{first} and `{wire}` both make the Rust name `{}`: `{wire}` is `{distinct}`", param.name);
                self.warn(&param_place, message);
                param.name = distinct;
            }
            rust_names.insert(param.name.clone(), wire);
            params.push(param);
            places.push(param_place);
        }
        for (place, message) in self.ambiguous_pairs(&params, places) {
            self.warn(place, message);
        }
        ReadParams { params, complete }
    }

    /// The properties of exploded query objects that are sent as pairs named like another query
    /// parameter (or another exploded object's property): a server cannot tell them apart.
    fn ambiguous_pairs(&self, params: &[Param], places: Vec<String>) -> Vec<(String, String)> {
        let properties = |param: &Param| -> Vec<String> {
            match (&param.style, &param.ty) {
                (ParamStyle::ObjectExploded, TypeRef::Named(name)) => match self.types.get(name) {
                    Some(TypeDef::Struct(def)) => def.fields.iter().map(|field| field.wire_name.clone()).collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            }
        };
        let mut pairs: Vec<(String, &str)> = Vec::new();
        for param in params.iter().filter(|param| param.location == ParamLocation::Query) {
            match param.style {
                ParamStyle::ObjectExploded => pairs.extend(properties(param).into_iter().map(|name| (name, param.wire_name.as_str()))),
                _ => pairs.push((param.wire_name.clone(), param.wire_name.as_str())),
            }
        }
        let mut found = Vec::new();
        for (param, place) in params.iter().zip(places) {
            for property in properties(param) {
                let clash = pairs.iter().find(|(pair, owner)| *pair == property && *owner != param.wire_name);
                if let Some((_, owner)) = clash {
                    let message = format!(
                        "the property `{property}` of `{}` is sent as a query pair of its own, named as the pair of `{owner}`: a server cannot tell them apart",
                        param.wire_name
                    );
                    found.push((place.clone(), message));
                }
            }
        }
        found
    }

    fn param(&mut self, wire: &str, location: &str, parameter: &Parameter, prefix: &str, place: &str) -> Option<Param> {
        let location = match location {
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            "header" => ParamLocation::Header,
            "cookie" => ParamLocation::Cookie,
            other => {
                self.invalid(format!("{place}.in"), format!("expected `path`, `query`, `header` or `cookie`, found `{other}`"));
                return None;
            }
        };
        if location == ParamLocation::Path && !parameter.required {
            self.invalid(format!("{place}.required"), format!("path parameter `{wire}` must be `required: true`"));
        }
        if location == ParamLocation::Header && RESERVED_HEADERS.contains(&wire.to_ascii_lowercase().as_str()) {
            self.warn(
                place,
                format!("the client sets the `{wire}` header itself, and OpenAPI says to ignore such parameters: it is ignored"),
            );
            return None;
        }
        let (schema, schema_place, json_content) = self.param_schema(wire, parameter, place)?;
        let name = names::snake(wire);
        let hint = format!("{prefix}{}", names::camel(wire));
        // A parameter takes what an alias stands for: a `$ref` to a string is a string.
        let before = self.types.len();
        let lowered = self.lower(schema, &hint, &schema_place)?;
        let ty = match through_aliases(&self.types, &lowered) {
            _ if json_content => lowered.clone(),
            TypeRef::List(item) => TypeRef::List(Box::new(self.as_text_if_scalar_union(through_aliases(&self.types, item)))),
            other => self.as_text_if_scalar_union(other),
        };
        if ty == TypeRef::String && lowered != TypeRef::String {
            // An inline union taken as text makes no type.
            for (name, _) in self.types.drain(before..) {
                self.type_origins.remove(&name);
            }
        }
        self.check_examples(schema, parameter.example.as_deref(), &parameter.examples, place);
        let style = match json_content {
            true => ParamStyle::Json,
            false => self.param_style(wire, location, parameter, &ty, place)?,
        };
        if parameter.idempotency_key && (location != ParamLocation::Header || !matches!(ty, TypeRef::String | TypeRef::Uuid)) {
            self.invalid(
                format!("{place}.x-idempotency-key"),
                "`x-idempotency-key` marks a header parameter of `type: string` (a UUID is sent when the caller gives none)",
            );
            return None;
        }
        let mut docs = self.docs(schema);
        docs.description = parameter.description.clone().or(docs.description);
        let example = parameter.example.as_deref().or_else(|| parameter.examples.values().find_map(|e| e.value.as_ref()));
        if let Some(example) = example.filter(|value| values::fits(self.doc, schema, value)) {
            docs.details_mut().example = Some(to_json(example));
        }
        docs.deprecated |= parameter.deprecated;
        let idempotency_key = parameter.idempotency_key;
        Some(Param { style, wire_name: wire.to_owned(), name, location, required: parameter.required, ty, docs, idempotency_key })
    }

    /// The schema of a parameter and where it is written: its `schema`, or the schema of its
    /// JSON `content` (the third value tells which).
    fn param_schema<'p>(&mut self, wire: &str, parameter: &'p Parameter, place: &str) -> Option<(&'p Schema, String, bool)> {
        let mut content = parameter.content.iter();
        match (&parameter.schema, content.next()) {
            (Some(schema), None) => Some((schema, format!("{place}.schema"), false)),
            (None, Some((media_type, media))) => {
                let media_place = format!("{place}.content.{media_type}");
                if content.next().is_some() {
                    self.invalid(format!("{place}.content"), format!("the `content` of parameter `{wire}` must hold one media type"));
                    return None;
                }
                if !is_json(media_type) {
                    self.unsupported(media_place, format!("a parameter written as `{media_type}` (JSON is)"));
                    return None;
                }
                match &media.schema {
                    Some(schema) => Some((schema, format!("{media_place}.schema"), true)),
                    None => {
                        self.invalid(media_place, format!("parameter `{wire}` needs a `schema`"));
                        None
                    }
                }
            }
            (Some(_), Some(_)) => {
                self.invalid(place, format!("parameter `{wire}` has both `schema` and `content`: OpenAPI allows one of them"));
                None
            }
            (None, None) => {
                self.invalid(place, format!("parameter `{wire}` needs a `schema`"));
                None
            }
        }
    }

    /// A union of scalars (an id that is a number or a name, say) is text on the wire: the
    /// parameter takes it as a string.
    fn as_text_if_scalar_union(&self, ty: &TypeRef) -> TypeRef {
        let scalar = |ty: &TypeRef| {
            !matches!(
                through_aliases(&self.types, ty),
                TypeRef::Json | TypeRef::JsonObject | TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Named(_)
            )
        };
        match ty {
            TypeRef::Named(name) => match self.types.get(name) {
                Some(TypeDef::Union(def)) if def.variants.iter().all(|v| scalar(&v.ty)) => TypeRef::String,
                _ => ty.clone(),
            },
            other => other.clone(),
        }
    }

    /// Splits a path template into literal text and parameters, and orders the path
    /// parameters as the template does.
    fn route(&mut self, template: &str, params: Vec<Param>, place: &str, params_complete: bool) -> Option<Route> {
        let path_place = place.rsplit_once('.').map_or(place, |(path, _)| path);
        if !template.starts_with('/') {
            self.invalid(path_place, format!("a path must start with `/`, found `{template}`"));
            return None;
        }
        let (mut path_params, others): (Vec<Param>, Vec<Param>) = params.into_iter().partition(|p| p.location == ParamLocation::Path);
        let mut ordered: Vec<Param> = Vec::new();
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|i| open + i) else {
                self.invalid(path_place, format!("`{{` without a closing `}}` in `{template}`"));
                return None;
            };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            // `{name:pattern}`, as some routers write a parameter's pattern into the template;
            // the pattern may hold braces of its own (`{cookie:.{6,}}`).
            let mut after = close + 1;
            if rest[open + 1..close].contains(':') {
                let mut depth = rest[open + 1..close].matches('{').count();
                while depth > 0 && rest[after..].starts_with('}') {
                    depth -= 1;
                    after += 1;
                }
            }
            let written = &rest[open + 1..after - 1];
            let name = match written.split_once(':') {
                Some((name, pattern)) => {
                    let message = format!(
                        "`{{{written}}}` writes a pattern into the path template: the parameter is `{name}`, and `{pattern}` is not checked"
                    );
                    self.warn(path_place, message);
                    name
                }
                None => written,
            };
            match path_params.iter().position(|p| p.wire_name == name) {
                Some(index) => {
                    ordered.push(path_params.remove(index));
                    parts.push(PathPart::Param(ordered.len() - 1));
                }
                None if ordered.iter().any(|p| p.wire_name == name) => {
                    self.invalid(path_place, format!("`{{{name}}}` appears twice in the path"));
                }
                None if !params_complete => {}
                None => {
                    let message = format!(
                        "the path has `{{{name}}}` but the operation declares no path parameter `{name}`: read as a required string"
                    );
                    self.warn(place, message);
                    ordered.push(undeclared_path_param(name));
                    parts.push(PathPart::Param(ordered.len() - 1));
                }
            }
            rest = &rest[after..];
        }
        if rest.contains('}') {
            self.invalid(path_place, format!("`}}` without an opening `{{` in `{template}`"));
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        for param in &path_params {
            let message = format!("path parameter `{}` does not appear in the path `{template}`: it is left out", param.wire_name);
            self.warn(place, message);
        }
        ordered.extend(others);
        let template = parts
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => text.clone(),
                PathPart::Param(index) => format!("{{{}}}", ordered[*index].wire_name),
            })
            .collect();
        Some(Route { path: parts, params: ordered, template })
    }

    fn request_body(&mut self, op: &load::Operation, prefix: &str, place: &str) -> Option<Body> {
        let doc = self.doc;
        let body = op.request_body.as_ref()?;
        let shared =
            self.shared(body, body.reference.as_ref(), "requestBodies", &doc.components.request_bodies, format!("{place}.requestBody"))?;
        // A shared body names its inline schema after itself, so every use has one type.
        let hint = shared.component.map_or_else(|| format!("{prefix}Request"), |name| format!("{}Body", names::camel(name)));
        let (body, body_place) = (shared.item, shared.place);
        let chosen = self.choose_media(&body.content, &body_place, true)?;
        let Some(media) = chosen.media else {
            self.invalid(body_place, "a request body needs `content`");
            return None;
        };
        let (media_type, media_place) = (chosen.media_type, chosen.place);
        let required = body.required;
        let description = body.description.clone();
        match chosen.kind {
            MediaKind::Text => return Some(Body { ty: TypeRef::Text, media_type, required, description, example: None }),
            MediaKind::Bytes => return Some(Body { ty: TypeRef::Bytes, media_type, required, description, example: None }),
            MediaKind::Json | MediaKind::Form | MediaKind::Multipart => {}
        }
        let Some(schema) = &media.schema else {
            self.invalid(media_place, "the request body needs a `schema`");
            return None;
        };
        let ty = self.lower(schema, &hint, &format!("{media_place}.schema"))?;
        if chosen.kind == MediaKind::Multipart {
            match &ty {
                TypeRef::Named(name) if matches!(self.types.get(name), Some(TypeDef::Struct(_))) => {
                    self.multipart_bodies.insert(name.clone());
                }
                _ => {
                    self.unsupported(format!("{media_place}.schema"), "a multipart body that is not an object with properties");
                    return None;
                }
            }
        }
        self.check_examples(schema, media.example.as_deref(), &media.examples, &media_place);
        let example =
            media.first_example().or(schema.example.as_deref()).filter(|value| values::fits(self.doc, schema, value)).map(to_json);
        Some(Body { ty, media_type, required, description, example })
    }

    /// The JSON media type of a `content` map; any other media type is refused.
    /// The media type of a `content` map the client uses: JSON where it is offered, else the
    /// first one, as text or as bytes; `None` (reported) for a kind of body the client cannot
    /// send. A body without `content` is JSON with no schema.
    fn choose_media<'m>(&mut self, content: &'m IndexMap<String, MediaType>, place: &str, sending: bool) -> Option<Media<'m>> {
        let kind_of = |media_type: &str| {
            let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            if is_json(&essence) || essence == "*/*" {
                Some(MediaKind::Json)
            } else if essence.starts_with("text/") || essence.ends_with("+xml") || essence.ends_with("/xml") || essence.ends_with("/yaml") {
                Some(MediaKind::Text)
            } else if essence == "application/x-www-form-urlencoded" {
                Some(MediaKind::Form)
            } else if essence.starts_with("multipart/") {
                Some(MediaKind::Multipart)
            } else {
                Some(MediaKind::Bytes)
            }
        };
        let json = content.iter().find(|(media_type, _)| kind_of(media_type) == Some(MediaKind::Json));
        let Some((media_type, media)) = json.or_else(|| content.first()) else {
            return Some(Media {
                kind: MediaKind::Json,
                media: None,
                media_type: "application/json".to_owned(),
                place: format!("{place}.content"),
            });
        };
        let media_place = format!("{place}.content.{media_type}");
        match kind_of(media_type).filter(|kind| sending || !matches!(kind, MediaKind::Form | MediaKind::Multipart)) {
            Some(kind) => Some(Media { kind, media: Some(media), media_type: media_type.clone(), place: media_place }),
            None => {
                let what = if sending { "a request body" } else { "a response body" };
                let supported = if sending { "JSON, forms, text and bytes are" } else { "JSON, text and bytes are" };
                self.unsupported(media_place, format!("{what} of type `{media_type}` ({supported})"));
                None
            }
        }
    }

    fn responses(
        &mut self,
        op: &load::Operation,
        prefix: &str,
        place: &str,
        error_body: &mut Option<(TypeRef, String)>,
    ) -> Option<Responses> {
        let doc = self.doc;
        let mut may_be_empty = false;
        let mut success_body: Option<(TypeRef, String)> = None;
        let mut any_success = false;
        let mut accept: Option<String> = None;
        let mut docs = Vec::new();
        for (status, response) in &op.responses {
            let response_place = format!("{place}.responses.{status}");
            let is_success = match status_class(status) {
                Some(class) => class == 2,
                None => {
                    self.invalid(
                        response_place,
                        format!("expected a status code such as `200`, a range such as `4XX`, or `default`, found `{status}`"),
                    );
                    continue;
                }
            };
            let reference = response.reference.as_ref();
            let Some(shared) = self.shared(response, reference, "responses", &doc.components.responses, response_place) else { continue };
            // A shared response names its inline schemas after itself, so every use has one type.
            let (owner, hint) = match shared.component {
                Some(name) => (names::camel(name), format!("{}Body", names::camel(name))),
                None if is_success => (prefix.to_owned(), format!("{prefix}Response")),
                None => (prefix.to_owned(), format!("{prefix}Error")),
            };
            let (response, response_place) = (shared.item, shared.place);
            let Some(description) = &response.description else {
                self.invalid(response_place, "a response needs a `description`");
                continue;
            };
            let headers = self.response_headers(response, &owner, &response_place);
            docs.push(ResponseDoc { status: status.clone(), description: description.clone(), headers });
            any_success |= is_success;
            let Some(chosen) = self.choose_media(&response.content, &response_place, false) else { continue };
            let (media, media_place) = (chosen.media, chosen.place);
            if is_success && chosen.media.is_some() {
                accept.get_or_insert(chosen.media_type.clone());
            }
            match chosen.kind {
                MediaKind::Text | MediaKind::Bytes if is_success => {
                    let ty = if chosen.kind == MediaKind::Text { TypeRef::Text } else { TypeRef::Bytes };
                    self.same_body(&mut success_body, ty, &media_place, ("a 2xx response body", "every 2xx response of an operation"));
                    continue;
                }
                // An error body that is not JSON is kept raw.
                MediaKind::Text | MediaKind::Bytes | MediaKind::Form | MediaKind::Multipart => continue,
                MediaKind::Json => {}
            }
            let Some(schema) = media.and_then(|m| m.schema.as_ref()) else {
                may_be_empty |= is_success;
                continue;
            };
            let Some(ty) = self.lower(schema, &hint, &format!("{media_place}.schema")) else { continue };
            if let Some(media) = media {
                self.check_examples(schema, media.example.as_deref(), &media.examples, &media_place);
            }
            if is_success {
                self.same_body(&mut success_body, ty, &media_place, ("a 2xx response body", "every 2xx response of an operation"));
            } else {
                self.same_error_body(error_body, ty, &media_place);
            }
        }
        if !any_success {
            // Any 2xx is taken as success, with its body ignored.
            self.warn(
                format!("{place}.responses"),
                "the operation documents no 2xx response: any 2xx is taken as success, its body ignored",
            );
        }
        let accept = accept.unwrap_or_else(|| "application/json".to_owned());
        Some(Responses { success: Success { ty: success_body.map(|(ty, _)| ty), accept, may_be_empty }, docs })
    }

    /// Records `ty` as the one body type of a group of responses, or reports that the group
    /// has bodies of different types; `group` names one body and the whole group, for the
    /// message.
    /// Keeps the first 2xx body of an operation; JSON bodies that differ are taken as untyped
    /// JSON, with a warning, and a JSON body beside a text or bytes one is refused.
    fn same_body(&mut self, slot: &mut Option<(TypeRef, String)>, ty: TypeRef, place: &str, group: (&str, &str)) {
        let (one, all) = group;
        let raw = |ty: &TypeRef| matches!(ty, TypeRef::Text | TypeRef::Bytes);
        match slot {
            Some((existing, first_place)) if *existing != ty && (raw(existing) || raw(&ty)) => {
                let construct = format!("{one} of another kind than the one at `{first_place}` (JSON beside text or bytes)");
                self.unsupported_because(place, construct, format!("use one kind for {all}"));
            }
            Some((existing, first_place)) if *existing != ty && *existing != TypeRef::Json => {
                self.warn(place, format!("this 2xx body differs from the one at `{first_place}`: the operation answers untyped JSON"));
                *existing = TypeRef::Json;
            }
            Some(_) => {}
            None => *slot = Some((ty, place.to_owned())),
        }
    }

    /// Keeps the first error body of an operation; one whose error responses differ gets
    /// their raw JSON, with a warning.
    fn same_error_body(&mut self, slot: &mut Option<(TypeRef, String)>, ty: TypeRef, place: &str) {
        match slot {
            Some((existing, first_place)) if *existing != ty && *existing != TypeRef::Json => {
                let message =
                    format!("this error body differs from the one at `{first_place}`: the operation's errors keep their JSON untyped");
                self.warn(place, message);
                *existing = TypeRef::Json;
            }
            Some(_) => {}
            None => *slot = Some((ty, place.to_owned())),
        }
    }

    /// The documented headers of a response; `owner` names the inline schemas of its own
    /// headers (shared headers are named after themselves).
    fn response_headers(&mut self, response: &load::Response, owner: &str, place: &str) -> Vec<(String, Option<String>)> {
        let doc = self.doc;
        let mut headers = Vec::new();
        for (name, header) in &response.headers {
            let header_place = format!("{place}.headers.{name}");
            let Some(shared) = self.shared(header, header.reference.as_ref(), "headers", &doc.components.headers, header_place) else {
                continue;
            };
            let hint = format!("{}Header", shared.component.map_or_else(|| format!("{owner}{}", names::camel(name)), names::camel));
            let (header, header_place) = (shared.item, shared.place);
            match &header.schema {
                Some(schema) => {
                    // Headers are documentation: their schema is checked, and the types an
                    // inline enum or object would make are dropped, since nothing uses them.
                    let before = self.types.len();
                    self.lower(schema, &hint, &format!("{header_place}.schema"));
                    for (name, _) in self.types.drain(before..) {
                        self.type_origins.remove(&name);
                    }
                }
                None => self.invalid(header_place, format!("response header `{name}` needs a `schema`")),
            }
            headers.push((name.clone(), header.description.clone()));
        }
        headers
    }
}

/// The class (the first digit) of a response key, or `None` when it is not a status.
fn status_class(status: &str) -> Option<u8> {
    if status == "default" {
        return Some(0);
    }
    let bytes = status.as_bytes();
    let class = match bytes.first() {
        Some(digit @ b'1'..=b'5') => digit - b'0',
        _ => return None,
    };
    let rest = &bytes[1..];
    let is_code = rest.len() == 2 && rest.iter().all(u8::is_ascii_digit);
    let is_range = rest == b"XX";
    (is_code || is_range).then_some(class)
}

/// Whether a media type is JSON: `application/json` or any `+json` type, parameters aside.
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A parameter the path template names and no operation declares: a required string.
fn undeclared_path_param(name: &str) -> Param {
    Param {
        wire_name: name.to_owned(),
        name: names::snake(name),
        location: ParamLocation::Path,
        required: true,
        ty: TypeRef::String,
        docs: {
            let mut docs = Docs::default();
            docs.description = Some(format!("The `{name}` of the path, which the spec names but does not declare."));
            docs
        },
        style: ParamStyle::Plain,
        idempotency_key: false,
    }
}
