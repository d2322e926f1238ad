//! The intermediate model: one API with every `$ref` resolved and every Rust name chosen.
//!
//! Emitting reads only this model, never the spec.

use std::collections::BTreeSet;

use indexmap::IndexMap;

/// The name of the catch-all variant every generated enum has for values it does not know.
pub const UNKNOWN_VARIANT: &str = "UnknownValue";

/// The name of the catch-all variant every union has for values of none of its types.
pub const OTHER_VARIANT: &str = "Other";

/// The name of the field that holds the additional properties of an object.
pub const ADDITIONAL_FIELD: &str = "additional_properties";

/// One spec, ready to be emitted as one module of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The spec file the module comes from, e.g. `specs/digitalocean.yaml`.
    pub spec_file: String,
    /// The Rust module name, e.g. `yandex_mongodb`.
    pub module: String,
    /// The API's title (`info.title`).
    pub title: String,
    /// The API's description (`info.description`).
    pub description: Option<String>,
    /// The API's version (`info.version`).
    pub version: String,
    /// The top-level servers; the first is the default.
    pub servers: Vec<ServerUrl>,
    /// The security schemes the spec declares, in its order.
    pub schemes: Vec<SecurityScheme>,
    /// Whether every operation needs a credential.
    pub requires_credential: bool,
    /// The named types, keyed by Rust name, in the order the spec introduces them.
    pub types: IndexMap<String, TypeDef>,
    /// The operations, in spec order.
    pub operations: Vec<Operation>,
    /// The description of each tag that has one (`tags[].description`), by tag name.
    pub tag_descriptions: IndexMap<String, String>,
    /// The body type of the error responses of most operations: the API's `Error` carries it.
    pub error_body: TypeRef,
    /// Whether each tag's operations, and the types only they use, are behind a Cargo feature
    /// of their own, so that an app compiles only the tags it uses.
    pub tag_features: bool,
}

/// A server URL with its description.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerUrl {
    /// The absolute base URL, without a trailing `/`; it may name variables (`{region}`).
    pub url: String,
    /// What the server is.
    pub description: Option<String>,
    /// The variables the URL names, with their defaults and descriptions.
    pub variables: Vec<(String, String, Option<String>)>,
}

/// A security scheme of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Its name in `components.securitySchemes`.
    pub name: String,
    /// How it carries its credential.
    pub kind: SchemeKind,
    /// The scheme's description, and for OAuth2 its flows.
    pub description: Option<String>,
    /// The `bearerFormat` hint, such as `JWT`.
    pub format: Option<String>,
}

/// How a security scheme carries its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer` (HTTP bearer, OAuth2, OpenID Connect: the caller brings a token).
    Bearer,
    /// `Authorization: Basic`.
    Basic,
    /// An API key in this header.
    ApiKeyHeader(String),
    /// An API key in this query parameter.
    ApiKeyQuery(String),
}

/// A named type of the `types` module.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum.
    Enum(EnumDef),
    /// Another name for a type (`pub type Name = ...;`).
    Alias(AliasDef),
    /// One of several types (`oneOf`, `anyOf`).
    Union(UnionDef),
}

impl TypeDef {
    /// The types this definition refers to directly: field, additional-property, alias and
    /// variant types.
    pub fn references(&self) -> Vec<&TypeRef> {
        match self {
            Self::Struct(def) => def.fields.iter().map(|field| &field.ty).chain(def.additional.iter()).collect(),
            Self::Alias(def) => vec![&def.ty],
            Self::Union(def) => def.variants.iter().map(|variant| &variant.ty).collect(),
            Self::Enum(_) => Vec::new(),
        }
    }

    /// The Rust name of the type.
    pub fn name(&self) -> &str {
        match self {
            Self::Struct(def) => &def.name,
            Self::Enum(def) => &def.name,
            Self::Alias(def) => &def.name,
            Self::Union(def) => &def.name,
        }
    }
}

/// A value of one of several types.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// The Rust name.
    pub name: String,
    /// The documentation.
    pub docs: Docs,
    /// The types, in spec order.
    pub variants: Vec<UnionVariant>,
    /// The property whose value tells the variants apart, when the spec names one.
    pub tag: Option<String>,
}

/// One type of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust name of the variant.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// The values of the tag property that mean this variant.
    pub tags: Vec<String>,
}

/// An object schema with properties.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// The Rust name.
    pub name: String,
    /// The documentation.
    pub docs: Docs,
    /// The properties, in spec order.
    pub fields: Vec<Field>,
    /// The type of additional properties, when the schema allows them.
    pub additional: Option<TypeRef>,
    /// Whether every field has a sensible default, so `Default` can be derived.
    pub derives_default: bool,
    /// The struct's part in a partial update, when the spec marks it.
    pub mask: Option<MaskRole>,
    /// Whether it is sent as a `multipart/form-data` body.
    pub multipart: bool,
}

/// The part a struct plays in a partial update (`x-field-mask`, `x-field-mask-nested`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaskRole {
    /// The request body: the field with this wire name holds the mask, every other field is a
    /// `Patch`.
    Body {
        /// The wire name of the mask field.
        mask_field: String,
    },
    /// An object inside a masked body: its fields are `Patch`es named by dotted paths.
    Nested,
}

/// How a field may be absent or `null` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never `null`: `T`.
    Required,
    /// May be absent, never `null`: `Option<T>`, left out when `None`.
    Optional,
    /// Always present, may be `null`: `Option<T>`, sent as `null` when `None`.
    RequiredNullable,
    /// May be absent or `null`: `Option<Option<T>>`.
    OptionalNullable,
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// The value type.
    pub ty: TypeRef,
    /// How the field may be absent or `null`.
    pub presence: Presence,
    /// Whether the type must be boxed because it contains the struct itself.
    pub boxed: bool,
    /// A read-only property of a struct that is sent and received: never sent.
    pub never_sent: bool,
    /// A write-only property of a struct that is sent and received: never read from an answer.
    pub never_read: bool,
    /// The documentation.
    pub docs: Docs,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The Rust name.
    pub name: String,
    /// The documentation.
    pub docs: Docs,
    /// The known values, in spec order.
    pub variants: Vec<Variant>,
}

/// One known value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire.
    pub wire_value: String,
}

/// A type alias.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasDef {
    /// The Rust name.
    pub name: String,
    /// The documentation.
    pub docs: Docs,
    /// The aliased type.
    pub ty: TypeRef,
}

/// The type of a value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// A string that must not be printed (`format: password`).
    Secret,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `uuid::Uuid`.
    Uuid,
    /// `chrono::DateTime<Utc>`.
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `std::net::Ipv4Addr` (`format: ipv4`).
    Ipv4,
    /// `std::net::Ipv6Addr` (`format: ipv6`).
    Ipv6,
    /// `u64` (`format: uint64`).
    U64,
    /// A whole body of text (`text/*` and the like), as a `String`.
    Text,
    /// A whole body of bytes (`application/octet-stream`, `application/pdf`...).
    Bytes,
    /// Any JSON value.
    Json,
    /// Any JSON object.
    JsonObject,
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// A JSON object with values of one type.
    Map(Box<TypeRef>),
    /// A named type of the `types` module.
    Named(String),
}

/// The documentation of an item, taken from the spec: what every item may have, and the rest
/// (examples, defaults, constraints...) in a box of their own, allocated only for an item that
/// has one of them. A large spec has hundreds of thousands of documented items.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    /// The title, if any.
    pub title: Option<String>,
    /// The description, if any.
    pub description: Option<String>,
    /// Only the server sets it.
    pub read_only: bool,
    /// Only the client sends it.
    pub write_only: bool,
    /// The spec marks it deprecated.
    pub deprecated: bool,
    /// The rest, when the item has any of it.
    details: Option<Box<Details>>,
}

/// The documentation of an item beyond its title, description and marks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    /// An example value.
    pub example: Option<serde_json::Value>,
    /// The default value.
    pub default: Option<serde_json::Value>,
    /// The value's constraints.
    pub constraints: Constraints,
    /// The `format` of the value, when its type does not already say it.
    pub format: Option<String>,
    /// The values a number or boolean `enum` allows (string enums are types of their own).
    pub allowed: Vec<serde_json::Value>,
    /// A schema the value must not match (`not`), as the spec writes it: documented, not
    /// checked.
    pub not: Option<serde_json::Value>,
}

/// The details of an item that has none.
static NO_DETAILS: std::sync::LazyLock<Details> = std::sync::LazyLock::new(Details::default);

impl Docs {
    /// Docs with `details`, boxed only when there are any.
    #[must_use]
    pub fn with_details(mut self, details: Details) -> Self {
        self.details = (details != Details::default()).then(|| Box::new(details));
        self
    }

    /// The examples, defaults, constraints... of the item.
    pub fn details(&self) -> &Details {
        self.details.as_deref().unwrap_or(&NO_DETAILS)
    }

    /// The examples, defaults, constraints... of the item, to change.
    pub fn details_mut(&mut self) -> &mut Details {
        self.details.get_or_insert_with(Box::default)
    }
}

/// Docs are equal when their content is, whether or not their details are boxed.
impl PartialEq for Docs {
    fn eq(&self, other: &Self) -> bool {
        let Self { title, description, read_only, write_only, deprecated, details: _ } = self;
        title == &other.title
            && description == &other.description
            && read_only == &other.read_only
            && write_only == &other.write_only
            && deprecated == &other.deprecated
            && self.details() == other.details()
    }
}

/// The validation keywords of a schema, carried as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// The constraints of each item of an array.
    pub items: Option<Box<Constraints>>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId`.
    pub operation_id: String,
    /// The Rust method name.
    pub fn_name: String,
    /// The name of the method that also takes the optional parameters, when there are any.
    pub fn_with_options: Option<String>,
    /// The `UpperCamelCase` form of the operation name, for the types named after it.
    pub type_prefix: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template as written in the spec.
    pub path_template: String,
    /// The path, split into literal text and parameters.
    pub path: Vec<PathPart>,
    /// The server of this operation when it differs from the API's.
    pub server: Option<ServerUrl>,
    /// The parameters: path parameters in path order, then the others in spec order.
    pub params: Vec<Param>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// What a 2xx response carries.
    pub success: Success,
    /// Every documented response, for the docs.
    pub responses: Vec<ResponseDoc>,
    /// The summary.
    pub summary: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The spec marks it deprecated.
    pub deprecated: bool,
    /// Whether the operation needs a credential (every alternative of its requirements names a
    /// scheme).
    pub authenticated: bool,
    /// The security requirements: alternatives, each the schemes whose credentials go together.
    pub security: Vec<Vec<String>>,
    /// The scopes its security requirements name, for the docs.
    pub scopes: Vec<String>,
    /// Its first tag, which names the file of the generated module it is written in.
    pub tag: Option<String>,
    /// The body type of its error responses.
    pub error_body: TypeRef,
    /// How the long-running operation it starts is polled, when the spec marks it.
    pub long_running: Option<LongRunning>,
    /// How its answers are pages of a list, when the spec marks it with `x-pagination`.
    pub pagination: Option<Pagination>,
}

/// A long-running operation (`x-long-running`): how to poll it and what it ends with.
#[derive(Debug, Clone, PartialEq)]
pub struct LongRunning {
    /// The polling operation's `operationId`.
    pub poll_operation_id: String,
    /// The polling operation's path template.
    pub poll_path_template: String,
    /// The polling path before the id.
    pub poll_path_before: String,
    /// The wire name of the id parameter.
    pub poll_id_param: String,
    /// The polling path after the id.
    pub poll_path_after: String,
    /// The polling operation's own server.
    pub poll_server: Option<ServerUrl>,
    /// The security requirements of polling.
    pub poll_security: Vec<Vec<String>>,
    /// The type of the result the operation ends with.
    pub result: TypeRef,
    /// The message type the result's `@type` must name.
    pub result_type: String,
    /// The type of the operation's metadata, for the docs and the test doubles.
    pub metadata: Option<TypeRef>,
    /// The full name of the metadata's message type, when there is metadata.
    pub metadata_type: Option<String>,
}

impl TypeRef {
    /// The named type this is, or holds through lists and maps.
    pub fn named(&self) -> Option<&str> {
        match self {
            Self::Named(name) => Some(name),
            Self::List(item) | Self::Map(item) => item.named(),
            _ => None,
        }
    }
}

/// The names of the types `roots` reach: the types they name, and every type those refer to
/// in turn.
pub fn reachable<'t>(types: &'t IndexMap<String, TypeDef>, roots: impl IntoIterator<Item = &'t TypeRef>) -> BTreeSet<&'t str> {
    let mut pending: Vec<&str> = roots.into_iter().filter_map(TypeRef::named).collect();
    let mut found = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if let Some((key, def)) = types.get_key_value(name)
            && found.insert(key.as_str())
        {
            pending.extend(def.references().into_iter().filter_map(TypeRef::named));
        }
    }
    found
}

/// The type `ty` stands for, following named aliases (not into lists or maps); a cycle of
/// aliases, reported while resolving, stops where it closes.
pub fn through_aliases<'t>(types: &'t IndexMap<String, TypeDef>, ty: &'t TypeRef) -> &'t TypeRef {
    let mut current = ty;
    for _ in 0..=types.len() {
        match current {
            TypeRef::Named(name) => match types.get(name) {
                Some(TypeDef::Alias(alias)) => current = &alias.ty,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

/// An HTTP method an operation can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// The method of a path item's key (`get`, `put`...).
    pub fn of_key(key: &str) -> Option<Self> {
        Some(match key {
            "get" => Self::Get,
            "put" => Self::Put,
            "post" => Self::Post,
            "delete" => Self::Delete,
            "options" => Self::Options,
            "head" => Self::Head,
            "patch" => Self::Patch,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// Whether sending the request twice has the effect of sending it once (RFC 9110), so a
    /// failed attempt may be repeated.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }
}

/// How an operation's answers are pages of a list (`x-pagination`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The Rust name of the optional query parameter that asks for a page by its token.
    pub page_token: String,
    /// The Rust name of the answer's field with the next page's token.
    pub next_page_token: String,
    /// Whether that field is an `Option`.
    pub next_page_token_optional: bool,
    /// The Rust name of the answer's field with the page's items.
    pub items: String,
    /// Whether that field is an `Option`.
    pub items_optional: bool,
    /// The type of one item.
    pub item: TypeRef,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Literal text, sent as it is.
    Literal(String),
    /// The path parameter at this index of [`Operation::params`].
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// A query string pair.
    Query,
    /// A request header.
    Header,
    /// A cookie, in the `Cookie` header.
    Cookie,
}

impl ParamLocation {
    /// The location as the `in` keyword writes it.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// How a parameter's value is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// A value as its text; in a query, a list as one pair per item.
    Plain,
    /// A list as one value, its items joined by the delimiter (`explode: false` lists with
    /// `,`, `spaceDelimited` with ` `, `pipeDelimited` with `|`).
    Joined(&'static str),
    /// An object as one query pair per property (`form`, exploded).
    ObjectExploded,
    /// An object as one query pair, names and values joined by commas (`form`,
    /// `explode: false`).
    ObjectJoined,
    /// An object as one query pair per property named `param[property]` (`deepObject`).
    DeepObject,
    /// A value as its JSON text: a parameter whose `content` is JSON, or one whose encoding
    /// OpenAPI leaves undefined (a list of objects, say).
    Json,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust name.
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Whether the caller must give it.
    pub required: bool,
    /// The value type.
    pub ty: TypeRef,
    /// The documentation.
    pub docs: Docs,
    /// How the value is written on the wire.
    pub style: ParamStyle,
    /// Whether the header is the operation's idempotency key (`x-idempotency-key`): filled
    /// with a fresh key for each call that comes without one.
    pub idempotency_key: bool,
}

impl Param {
    /// Whether the method takes the parameter as an argument of its own (path and required
    /// parameters) rather than as a field of the operation's options.
    pub fn is_positional(&self) -> bool {
        self.location == ParamLocation::Path || self.required
    }
}

/// The JSON request body of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The body type.
    pub ty: TypeRef,
    /// The media type it is sent as.
    pub media_type: String,
    /// Whether the caller must give it.
    pub required: bool,
    /// The body's description.
    pub description: Option<String>,
    /// An example body.
    pub example: Option<serde_json::Value>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON, from its type.
    Json,
    /// `application/x-www-form-urlencoded`, from its type.
    Form,
    /// `multipart/form-data`, from its type.
    Multipart,
    /// Text, sent as it is.
    Text,
    /// Bytes, sent as they are.
    Bytes,
}

impl Body {
    /// The media type without its parameters, in lower case (`multipart/mixed`).
    pub fn essence(&self) -> String {
        self.media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
    }

    /// How the body is encoded.
    pub fn encoding(&self) -> BodyEncoding {
        let essence = self.essence();
        match &self.ty {
            TypeRef::Text => BodyEncoding::Text,
            TypeRef::Bytes => BodyEncoding::Bytes,
            _ if essence.starts_with("multipart/") => BodyEncoding::Multipart,
            _ if essence == "application/x-www-form-urlencoded" => BodyEncoding::Form,
            _ => BodyEncoding::Json,
        }
    }
}

/// What a successful (2xx) response carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Success {
    /// The body type, when any 2xx response has a body.
    pub ty: Option<TypeRef>,
    /// The media type the client asks for (`Accept`).
    pub accept: String,
    /// Whether a 2xx response may come without a body.
    pub may_be_empty: bool,
}

/// One documented response, for the docs.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseDoc {
    /// The status code, a range such as `4XX`, or `default`.
    pub status: String,
    /// The response's description.
    pub description: String,
    /// The documented response headers, with their descriptions.
    pub headers: Vec<(String, Option<String>)>,
}
