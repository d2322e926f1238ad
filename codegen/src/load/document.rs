//! The typed model of the OpenAPI 3.0 subset the generator supports.
//!
//! Every struct denies unknown fields, so a misspelled or unsupported keyword fails loudly at
//! load time instead of being ignored.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_yaml::Value;

/// A list read without knowing its length (the quick reader gives none), kept no larger than
/// it is: a large spec has thousands of them.
fn shrunk<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    let mut list = Vec::<T>::deserialize(deserializer)?;
    list.shrink_to_fit();
    Ok(list)
}

/// A whole OpenAPI document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The `openapi` keyword.
    pub openapi: String,
    /// The `info` keyword.
    pub info: Info,
    /// The `servers` keyword.
    #[serde(default)]
    pub servers: Vec<Server>,
    /// The `security` keyword.
    #[serde(default)]
    pub security: Option<Vec<IndexMap<String, Vec<String>>>>,
    /// The `tags` keyword.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// The `paths` keyword.
    pub paths: IndexMap<String, PathItem>,
    /// The `components` keyword.
    #[serde(default)]
    pub components: Components,
    /// The `externalDocs` keyword.
    #[serde(default, rename = "externalDocs")]
    pub external_docs: Option<ExternalDocs>,
    /// The `x-tag-features` extension: whether each tag's operations are behind a Cargo
    /// feature of their own; when left out, an API of more than
    /// [`TAG_FEATURES_ABOVE`](crate::resolve::TAG_FEATURES_ABOVE) operations has them.
    #[serde(default, rename = "x-tag-features")]
    pub tag_features: Option<bool>,
}

/// The `info` object: title, version and description of the API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    /// The `title` keyword.
    pub title: String,
    /// The `version` keyword.
    pub version: String,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `termsOfService` keyword.
    #[serde(default, rename = "termsOfService")]
    pub terms_of_service: Option<String>,
    /// The `contact` keyword.
    #[serde(default)]
    pub contact: Option<Value>,
    /// The `license` keyword.
    #[serde(default)]
    pub license: Option<Value>,
}

/// One entry of a `servers` list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// The `url` keyword.
    pub url: String,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `variables` keyword: the values of the `{name}` parts of the URL.
    #[serde(default)]
    pub variables: IndexMap<String, ServerVariable>,
}

/// One variable of a server URL.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerVariable {
    /// The `default` keyword: the value used unless another is chosen.
    pub default: String,
    /// The `enum` keyword.
    #[serde(default, rename = "enum")]
    pub enumeration: Vec<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
}

/// One entry of an `examples` map.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The `$ref` keyword.
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    /// The `summary` keyword.
    #[serde(default)]
    pub summary: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `value` keyword.
    #[serde(default)]
    pub value: Option<Value>,
    /// The `externalValue` keyword.
    #[serde(default, rename = "externalValue")]
    pub external_value: Option<String>,
}

/// One entry of the top-level `tags` list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    /// The `name` keyword.
    pub name: String,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `externalDocs` keyword: read, and left alone.
    #[serde(default, rename = "externalDocs")]
    pub external_docs: Option<ExternalDocs>,
}

/// An `externalDocs` object.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalDocs {
    /// The `url` keyword.
    pub url: String,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
}

/// The `components` object: definitions referenced with `$ref`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Components {
    /// The `schemas` keyword.
    #[serde(default)]
    pub schemas: IndexMap<String, Schema>,
    /// The `responses` keyword.
    #[serde(default)]
    pub responses: IndexMap<String, Response>,
    /// The `parameters` keyword.
    #[serde(default)]
    pub parameters: IndexMap<String, Parameter>,
    /// The `headers` keyword.
    #[serde(default)]
    pub headers: IndexMap<String, Header>,
    /// The `requestBodies` keyword.
    #[serde(default, rename = "requestBodies")]
    pub request_bodies: IndexMap<String, RequestBody>,
    /// The `securitySchemes` keyword.
    #[serde(default, rename = "securitySchemes")]
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// The `links` keyword: read, and left alone.
    #[serde(default)]
    pub links: Option<Value>,
    /// The `examples` keyword: read, and left alone.
    #[serde(default)]
    pub examples: Option<Value>,
    /// The `callbacks` keyword: read, and left alone.
    #[serde(default)]
    pub callbacks: Option<Value>,
}

/// The operations of one path, keyed by HTTP method.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathItem {
    /// The `summary` keyword.
    #[serde(default)]
    pub summary: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `servers` keyword.
    #[serde(default)]
    pub servers: Option<Vec<Server>>,
    /// The `parameters` keyword.
    #[serde(default, deserialize_with = "shrunk")]
    pub parameters: Vec<Parameter>,
    /// The `get` keyword.
    #[serde(default)]
    pub get: Option<Box<Operation>>,
    /// The `put` keyword.
    #[serde(default)]
    pub put: Option<Box<Operation>>,
    /// The `post` keyword.
    #[serde(default)]
    pub post: Option<Box<Operation>>,
    /// The `delete` keyword.
    #[serde(default)]
    pub delete: Option<Box<Operation>>,
    /// The `options` keyword.
    #[serde(default)]
    pub options: Option<Box<Operation>>,
    /// The `head` keyword.
    #[serde(default)]
    pub head: Option<Box<Operation>>,
    /// The `patch` keyword.
    #[serde(default)]
    pub patch: Option<Box<Operation>>,
    /// The `trace` keyword.
    #[serde(default)]
    pub trace: Option<Box<Operation>>,
}

impl PathItem {
    /// The operations of this path in the order OpenAPI lists the methods.
    pub fn operations(&self) -> impl Iterator<Item = (&'static str, &Operation)> {
        [
            ("get", &self.get),
            ("put", &self.put),
            ("post", &self.post),
            ("delete", &self.delete),
            ("options", &self.options),
            ("head", &self.head),
            ("patch", &self.patch),
            ("trace", &self.trace),
        ]
        .into_iter()
        .filter_map(|(method, operation)| operation.as_deref().map(|op| (method, op)))
    }

    /// The operations of this path, to change, in the order of [`operations`](Self::operations).
    pub fn operations_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut Operation)> {
        [
            ("get", &mut self.get),
            ("put", &mut self.put),
            ("post", &mut self.post),
            ("delete", &mut self.delete),
            ("options", &mut self.options),
            ("head", &mut self.head),
            ("patch", &mut self.patch),
            ("trace", &mut self.trace),
        ]
        .into_iter()
        .filter_map(|(method, operation)| operation.as_deref_mut().map(|op| (method, op)))
    }
}

/// One operation (a method of a path).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The `operationId` keyword.
    #[serde(default, rename = "operationId")]
    pub operation_id: Option<String>,
    /// The `tags` keyword.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The `summary` keyword.
    #[serde(default)]
    pub summary: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `parameters` keyword.
    #[serde(default, deserialize_with = "shrunk")]
    pub parameters: Vec<Parameter>,
    /// The `requestBody` keyword.
    #[serde(default, rename = "requestBody")]
    pub request_body: Option<RequestBody>,
    /// The `responses` keyword.
    pub responses: IndexMap<String, Response>,
    /// The `servers` keyword.
    #[serde(default)]
    pub servers: Option<Vec<Server>>,
    /// The `security` keyword.
    #[serde(default)]
    pub security: Option<Vec<IndexMap<String, Vec<String>>>>,
    /// The `deprecated` keyword.
    #[serde(default)]
    pub deprecated: bool,
    /// The `externalDocs` keyword.
    #[serde(default, rename = "externalDocs")]
    pub external_docs: Option<ExternalDocs>,
    /// The `callbacks` keyword: read, and left to the docs of the API.
    #[serde(default)]
    pub callbacks: Option<Value>,
    /// The `x-long-running` extension: the operation starts a long-running operation.
    #[serde(default, rename = "x-long-running")]
    pub long_running: Option<LongRunningMark>,
    /// The `x-pagination` extension: the operation answers one page of a list.
    #[serde(default, rename = "x-pagination")]
    pub pagination: Option<PaginationMark>,
}

/// The `x-pagination` extension of an operation: which parameter asks for a page, and which
/// fields of the answer hold the page's items and the next page's token.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationMark {
    /// The optional query parameter that asks for a page by its token.
    #[serde(rename = "pageToken")]
    pub page_token: String,
    /// The field of the answer with the next page's token (absent or empty on the last page).
    #[serde(rename = "nextPageToken")]
    pub next_page_token: String,
    /// The field of the answer with the page's items (a list).
    pub items: String,
}

/// The `x-long-running` extension of an operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LongRunningMark {
    /// The `operationId` of the operation that polls it (a GET taking the operation's id).
    pub poll: String,
    /// The component schema of the result the operation ends with.
    pub result: String,
    /// The component schema of the operation's metadata.
    #[serde(default)]
    pub metadata: Option<String>,
    /// The full name of the result's message type, as its `@type` URL ends
    /// (`yandex.cloud.mdb.mongodb.v1.User`); without it the last part must match `result`.
    #[serde(default, rename = "resultType")]
    pub result_type: Option<String>,
    /// The full name of the metadata's message type, as its `@type` URL ends
    /// (`yandex.cloud.mdb.mongodb.v1.UpdateUserMetadata`); `metadata` when left out.
    #[serde(default, rename = "metadataType")]
    pub metadata_type: Option<String>,
}

/// A parameter, or a `$ref` to one in `components.parameters`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// The `$ref` keyword.
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    /// The `name` keyword.
    #[serde(default)]
    pub name: Option<String>,
    /// The `in` keyword.
    #[serde(default, rename = "in")]
    pub location: Option<String>,
    /// The `required` keyword.
    #[serde(default)]
    pub required: bool,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `deprecated` keyword.
    #[serde(default)]
    pub deprecated: bool,
    /// The `schema` keyword.
    #[serde(default)]
    pub schema: Option<Schema>,
    /// The `content` keyword: the media type the value is written in, in place of `schema`.
    #[serde(default)]
    pub content: IndexMap<String, MediaType>,
    /// The `example` keyword.
    #[serde(default)]
    pub example: Option<Box<Value>>,
    /// The `examples` keyword.
    #[serde(default)]
    pub examples: IndexMap<String, Example>,
    /// The `allowEmptyValue` keyword.
    #[serde(default, rename = "allowEmptyValue")]
    pub allow_empty_value: bool,
    /// The `allowReserved` keyword.
    #[serde(default, rename = "allowReserved")]
    pub allow_reserved: bool,
    /// The `style` keyword.
    #[serde(default)]
    pub style: Option<String>,
    /// The `explode` keyword.
    #[serde(default)]
    pub explode: Option<bool>,
    /// The `x-idempotency-key` extension: the header makes a request safe to repeat, and the
    /// client fills it with a fresh key for each call that comes without one.
    #[serde(default, rename = "x-idempotency-key")]
    pub idempotency_key: bool,
}

/// A request body, or a `$ref` to one in `components.requestBodies`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// The `$ref` keyword.
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `required` keyword.
    #[serde(default)]
    pub required: bool,
    /// The `content` keyword.
    #[serde(default)]
    pub content: IndexMap<String, MediaType>,
}

/// A response, or a `$ref` to one in `components.responses`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The `$ref` keyword.
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `headers` keyword.
    #[serde(default)]
    pub headers: IndexMap<String, Header>,
    /// The `content` keyword.
    #[serde(default)]
    pub content: IndexMap<String, MediaType>,
    /// The `links` keyword: read, and left to the docs of the API.
    #[serde(default)]
    pub links: Option<Box<Value>>,
}

/// A response header, or a `$ref` to one in `components.headers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The `$ref` keyword.
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `required` keyword.
    #[serde(default)]
    pub required: bool,
    /// The `schema` keyword.
    #[serde(default)]
    pub schema: Option<Schema>,
    /// The `example` keyword.
    #[serde(default)]
    pub example: Option<Box<Value>>,
    /// The `examples` keyword.
    #[serde(default)]
    pub examples: IndexMap<String, Example>,
    /// The `style` keyword (always `simple` for a header).
    #[serde(default)]
    pub style: Option<String>,
    /// The `explode` keyword.
    #[serde(default)]
    pub explode: Option<bool>,
}

/// One media type of a `content` map.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaType {
    /// The `schema` keyword.
    #[serde(default)]
    pub schema: Option<Schema>,
    /// The `example` keyword.
    #[serde(default)]
    pub example: Option<Box<Value>>,
    /// The `examples` keyword.
    #[serde(default)]
    pub examples: IndexMap<String, Example>,
    /// The `encoding` keyword.
    #[serde(default)]
    pub encoding: Option<Box<Value>>,
}

impl MediaType {
    /// The example of the media type: `example`, or else the value of the first of `examples`.
    pub fn first_example(&self) -> Option<&Value> {
        self.example.as_deref().or_else(|| self.examples.values().find_map(|example| example.value.as_ref()))
    }
}

/// One entry of `components.securitySchemes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityScheme {
    /// The `type` keyword.
    #[serde(rename = "type")]
    pub kind: String,
    /// The `scheme` keyword.
    #[serde(default)]
    pub scheme: Option<String>,
    /// The `bearerFormat` keyword.
    #[serde(default, rename = "bearerFormat")]
    pub bearer_format: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `name` keyword (of an `apiKey` scheme).
    #[serde(default)]
    pub name: Option<String>,
    /// The `in` keyword (of an `apiKey` scheme).
    #[serde(default, rename = "in")]
    pub location: Option<String>,
    /// The `flows` keyword (of an `oauth2` scheme).
    #[serde(default)]
    pub flows: Option<Value>,
    /// The `openIdConnectUrl` keyword.
    #[serde(default, rename = "openIdConnectUrl")]
    pub open_id_connect_url: Option<String>,
}

/// A schema object as written: every keyword of the subset, each read as its own field, so
/// that an unknown or misspelled keyword fails with the list of the known ones. It becomes the
/// smaller [`Schema`] at once.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Schema")]
struct Keywords {
    /// The `$ref` keyword.
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    /// The `type` keyword.
    #[serde(default, rename = "type")]
    pub kind: Option<SchemaKind>,
    /// The `format` keyword.
    #[serde(default)]
    pub format: Option<String>,
    /// The `title` keyword.
    #[serde(default)]
    pub title: Option<String>,
    /// The `description` keyword.
    #[serde(default)]
    pub description: Option<String>,
    /// The `properties` keyword.
    #[serde(default)]
    pub properties: Option<IndexMap<String, Schema>>,
    /// The `required` keyword.
    #[serde(default)]
    pub required: Vec<String>,
    /// The `additionalProperties` keyword.
    #[serde(default, rename = "additionalProperties")]
    pub additional_properties: Option<AdditionalProperties>,
    /// The `items` keyword.
    #[serde(default)]
    pub items: Option<Box<Schema>>,
    /// The `enum` keyword.
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<Value>>,
    /// The `nullable` keyword.
    #[serde(default)]
    pub nullable: bool,
    /// The `readOnly` keyword.
    #[serde(default, rename = "readOnly")]
    pub read_only: bool,
    /// The `writeOnly` keyword.
    #[serde(default, rename = "writeOnly")]
    pub write_only: bool,
    /// The `deprecated` keyword.
    #[serde(default)]
    pub deprecated: bool,
    /// The `default` keyword.
    #[serde(default)]
    pub default: Option<Box<Value>>,
    /// The `example` keyword.
    #[serde(default)]
    pub example: Option<Box<Value>>,
    /// The `minLength` keyword.
    #[serde(default, rename = "minLength")]
    pub min_length: Option<u64>,
    /// The `maxLength` keyword.
    #[serde(default, rename = "maxLength")]
    pub max_length: Option<u64>,
    /// The `pattern` keyword.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The `minItems` keyword.
    #[serde(default, rename = "minItems")]
    pub min_items: Option<u64>,
    /// The `maxItems` keyword.
    #[serde(default, rename = "maxItems")]
    pub max_items: Option<u64>,
    /// The `minimum` keyword.
    #[serde(default)]
    pub minimum: Option<f64>,
    /// The `maximum` keyword.
    #[serde(default)]
    pub maximum: Option<f64>,
    /// The `exclusiveMinimum` keyword (a boolean in OpenAPI 3.0).
    #[serde(default, rename = "exclusiveMinimum")]
    pub exclusive_minimum: bool,
    /// The `exclusiveMaximum` keyword (a boolean in OpenAPI 3.0).
    #[serde(default, rename = "exclusiveMaximum")]
    pub exclusive_maximum: bool,
    /// The `multipleOf` keyword.
    #[serde(default, rename = "multipleOf")]
    pub multiple_of: Option<f64>,
    /// The `uniqueItems` keyword.
    #[serde(default, rename = "uniqueItems")]
    pub unique_items: bool,
    /// The `minProperties` keyword.
    #[serde(default, rename = "minProperties")]
    pub min_properties: Option<u64>,
    /// The `maxProperties` keyword.
    #[serde(default, rename = "maxProperties")]
    pub max_properties: Option<u64>,
    /// The `externalDocs` keyword.
    #[serde(default, rename = "externalDocs")]
    pub external_docs: Option<Box<ExternalDocs>>,
    /// The `xml` keyword: read, and left alone (only JSON is sent).
    #[serde(default)]
    pub xml: Option<Box<Value>>,
    /// The `allOf` keyword: every member applies, so their properties are merged.
    #[serde(default, rename = "allOf")]
    pub all_of: Option<Vec<Schema>>,
    /// The `oneOf` keyword: a value is one of the members.
    #[serde(default, rename = "oneOf")]
    pub one_of: Option<Vec<Schema>>,
    /// The `anyOf` keyword: a value is one (or more) of the members.
    #[serde(default, rename = "anyOf")]
    pub any_of: Option<Vec<Schema>>,
    /// The `not` keyword: a schema the value must not match, named in the docs.
    #[serde(default)]
    pub not: Option<Box<Value>>,
    /// The `discriminator` keyword: the property that tells the members of `oneOf` apart.
    #[serde(default)]
    pub discriminator: Option<Box<Discriminator>>,
    /// The `x-secret` extension: a string that must never be shown, like `format: password`.
    #[serde(default, rename = "x-secret")]
    pub secret: bool,
    /// The `x-field-mask` extension: on a request body, the property that holds its update
    /// mask; the client computes the mask from the fields the caller set or reset.
    #[serde(default, rename = "x-field-mask")]
    pub field_mask: Option<String>,
    /// The `x-field-mask-nested` extension: an object inside a masked body whose own fields
    /// are masked one by one, by dotted paths.
    #[serde(default, rename = "x-field-mask-nested")]
    pub field_mask_nested: bool,
}

/// A schema object, or a `$ref` to one in `components.schemas`: the keywords most schemas
/// have, and the rest (limits, composition, rare keywords) in a box of their own, allocated
/// only for a schema that has one of them. A large spec has hundreds of thousands of schemas.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "Keywords")]
pub struct Schema {
    /// The `$ref` keyword.
    pub reference: Option<String>,
    /// The `type` keyword.
    pub kind: Option<SchemaKind>,
    /// The `format` keyword.
    pub format: Option<String>,
    /// The `description` keyword.
    pub description: Option<String>,
    /// The `properties` keyword.
    pub properties: Option<Box<IndexMap<String, Schema>>>,
    /// The `required` keyword.
    pub required: Vec<String>,
    /// The `items` keyword.
    pub items: Option<Box<Schema>>,
    /// The `enum` keyword.
    pub enumeration: Option<Vec<Value>>,
    /// The `nullable` keyword.
    pub nullable: bool,
    /// The `readOnly` keyword.
    pub read_only: bool,
    /// The `writeOnly` keyword.
    pub write_only: bool,
    /// The `deprecated` keyword.
    pub deprecated: bool,
    /// The `x-secret` extension: a string that must never be shown, like `format: password`.
    pub secret: bool,
    /// The `default` keyword.
    pub default: Option<Box<Value>>,
    /// The `example` keyword.
    pub example: Option<Box<Value>>,
    /// The validation keywords, when the schema has any.
    limits: Option<Box<Limits>>,
    /// The other keywords, when the schema has any.
    rare: Option<Box<Rare>>,
}

/// The keywords of a schema that most schemas do not have.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rare {
    /// The `title` keyword.
    pub title: Option<String>,
    /// The `additionalProperties` keyword.
    pub additional_properties: Option<AdditionalProperties>,
    /// The `externalDocs` keyword.
    pub external_docs: Option<Box<ExternalDocs>>,
    /// The `xml` keyword: read, and left alone (only JSON is sent).
    pub xml: Option<Box<Value>>,
    /// The `allOf` keyword: every member applies, so their properties are merged.
    pub all_of: Option<Vec<Schema>>,
    /// The `oneOf` keyword: a value is one of the members.
    pub one_of: Option<Vec<Schema>>,
    /// The `anyOf` keyword: a value is one (or more) of the members.
    pub any_of: Option<Vec<Schema>>,
    /// The `not` keyword: a schema the value must not match, named in the docs.
    pub not: Option<Box<Value>>,
    /// The `discriminator` keyword: the property that tells the members of `oneOf` apart.
    pub discriminator: Option<Box<Discriminator>>,
    /// The `x-field-mask` extension: on a request body, the property that holds its update
    /// mask; the client computes the mask from the fields the caller set or reset.
    pub field_mask: Option<String>,
    /// The `x-field-mask-nested` extension: an object inside a masked body whose own fields
    /// are masked one by one, by dotted paths.
    pub field_mask_nested: bool,
}

/// The validation keywords of a schema (lengths, sizes, bounds, pattern): only some schemas
/// have them, so they are boxed apart from the other rare keywords.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// The `minLength` keyword.
    pub min_length: Option<u64>,
    /// The `maxLength` keyword.
    pub max_length: Option<u64>,
    /// The `pattern` keyword.
    pub pattern: Option<String>,
    /// The `minItems` keyword.
    pub min_items: Option<u64>,
    /// The `maxItems` keyword.
    pub max_items: Option<u64>,
    /// The `minimum` keyword.
    pub minimum: Option<f64>,
    /// The `maximum` keyword.
    pub maximum: Option<f64>,
    /// The `exclusiveMinimum` keyword (a boolean in OpenAPI 3.0).
    pub exclusive_minimum: bool,
    /// The `exclusiveMaximum` keyword (a boolean in OpenAPI 3.0).
    pub exclusive_maximum: bool,
    /// The `multipleOf` keyword.
    pub multiple_of: Option<f64>,
    /// The `uniqueItems` keyword.
    pub unique_items: bool,
    /// The `minProperties` keyword.
    pub min_properties: Option<u64>,
    /// The `maxProperties` keyword.
    pub max_properties: Option<u64>,
}

/// The keywords no schema has.
static NO_RARE_KEYWORDS: std::sync::LazyLock<Rare> = std::sync::LazyLock::new(Rare::default);

/// The validation keywords no schema has.
static NO_LIMITS: std::sync::LazyLock<Limits> = std::sync::LazyLock::new(Limits::default);

impl From<Keywords> for Schema {
    fn from(keywords: Keywords) -> Self {
        let Keywords {
            reference,
            kind,
            format,
            title,
            description,
            properties,
            required,
            additional_properties,
            items,
            enumeration,
            nullable,
            read_only,
            write_only,
            deprecated,
            default,
            example,
            min_length,
            max_length,
            pattern,
            min_items,
            max_items,
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum,
            multiple_of,
            unique_items,
            min_properties,
            max_properties,
            external_docs,
            xml,
            all_of,
            one_of,
            any_of,
            not,
            discriminator,
            secret,
            field_mask,
            field_mask_nested,
        } = keywords;
        // Read without knowing their lengths, the lists and maps of a schema are kept no larger
        // than they are.
        let mut required = required;
        required.shrink_to_fit();
        let properties = properties.map(|mut properties| {
            properties.shrink_to_fit();
            Box::new(properties)
        });
        let limits = Limits {
            min_length,
            max_length,
            pattern,
            min_items,
            max_items,
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum,
            multiple_of,
            unique_items,
            min_properties,
            max_properties,
        };
        let rare = Rare {
            title,
            additional_properties,
            external_docs,
            xml,
            all_of,
            one_of,
            any_of,
            not,
            discriminator,
            field_mask,
            field_mask_nested,
        };
        Self {
            reference,
            kind,
            format,
            description,
            properties,
            required,
            items,
            enumeration,
            nullable,
            read_only,
            write_only,
            deprecated,
            secret,
            default,
            example,
            limits: (limits != Limits::default()).then(|| Box::new(limits)),
            rare: (rare != Rare::default()).then(|| Box::new(rare)),
        }
    }
}

/// Schemas are equal when their keywords are, whether or not the rare ones are boxed.
impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        let Self {
            reference,
            kind,
            format,
            description,
            properties,
            required,
            items,
            enumeration,
            nullable,
            read_only,
            write_only,
            deprecated,
            secret,
            default,
            example,
            limits: _,
            rare: _,
        } = self;
        reference == &other.reference
            && kind == &other.kind
            && format == &other.format
            && description == &other.description
            && properties == &other.properties
            && required == &other.required
            && items == &other.items
            && enumeration == &other.enumeration
            && nullable == &other.nullable
            && read_only == &other.read_only
            && write_only == &other.write_only
            && deprecated == &other.deprecated
            && secret == &other.secret
            && default == &other.default
            && example == &other.example
            && self.limits() == other.limits()
            && self.rare() == other.rare()
    }
}

impl Schema {
    /// The keywords most schemas do not have.
    pub fn rare(&self) -> &Rare {
        self.rare.as_deref().unwrap_or(&NO_RARE_KEYWORDS)
    }

    /// The keywords most schemas do not have, to change.
    pub fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The validation keywords of the schema.
    pub fn limits(&self) -> &Limits {
        self.limits.as_deref().unwrap_or(&NO_LIMITS)
    }

    /// The validation keywords of the schema, to change.
    pub fn limits_mut(&mut self) -> &mut Limits {
        self.limits.get_or_insert_with(Box::default)
    }

    /// The validation keywords of the schema, taken out of it.
    pub fn take_limits(&mut self) -> Limits {
        self.limits.take().map(|limits| *limits).unwrap_or_default()
    }

    /// The keywords most schemas do not have, taken out of the schema.
    pub fn take_rare(&mut self) -> Rare {
        self.rare.take().map(|rare| *rare).unwrap_or_default()
    }

    /// The schema's type: the one it states, or the one its keywords imply (`properties` an
    /// object, `items` an array, `enum` a string); `None` for a schema of any type.
    pub fn implied_kind(&self) -> Option<SchemaKind> {
        if let Some(kind) = self.kind {
            Some(kind)
        } else if self.properties.is_some() || self.rare().additional_properties.is_some() {
            Some(SchemaKind::Object)
        } else if self.items.is_some() {
            Some(SchemaKind::Array)
        } else if self.enumeration.is_some() {
            Some(SchemaKind::String)
        } else {
            None
        }
    }
}

/// The `type` keyword of a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SchemaKind {
    /// `string`.
    String,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `array`.
    Array,
    /// `object`.
    Object,
    /// `null`: not OpenAPI 3.0, but written by vendors beside another member of `oneOf` or
    /// `anyOf` to say the value may be null.
    Null,
}

/// The `discriminator` of a `oneOf` or `anyOf`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discriminator {
    /// The `propertyName` keyword: the property whose value names the member.
    #[serde(rename = "propertyName")]
    pub property_name: String,
    /// The `mapping` keyword: property values to `$ref`s of members.
    #[serde(default)]
    pub mapping: IndexMap<String, String>,
}

/// The `additionalProperties` keyword: a boolean or a schema for the extra values.
#[derive(Debug, Clone, PartialEq)]
pub enum AdditionalProperties {
    /// `true` (any additional property) or `false` (none).
    Allowed(bool),
    /// Additional properties whose values match this schema.
    Schema(Box<Schema>),
}

/// Read by hand rather than as an untagged enum, so a problem inside the schema (a misspelled
/// keyword) is reported at its own place, with a suggestion, like anywhere else.
impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = AdditionalProperties;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean or a schema")
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Self::Value, E> {
                Ok(AdditionalProperties::Allowed(value))
            }

            fn visit_map<M: serde::de::MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                Schema::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|schema| AdditionalProperties::Schema(Box::new(schema)))
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}
