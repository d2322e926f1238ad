//! Schemas into types: component schemas become named types, inline objects and enums are
//! named after their parent.

use std::collections::HashMap;

use serde_yaml::Value;

use super::Resolver;
use super::keywords::{self, SCHEMA_KEYWORDS};
use super::model::{
    ADDITIONAL_FIELD, AliasDef, Constraints, Details, Docs, EnumDef, Field, MaskRole, Presence, StructDef, TypeDef, TypeRef,
    UNKNOWN_VARIANT, Variant,
};
use super::unions;
use super::values::{describe, to_json};
use super::{formats, values};
use crate::load::{AdditionalProperties, Schema, SchemaKind};
use crate::names;

impl Resolver<'_> {
    /// Chooses the Rust name of every component schema before any is lowered, so references
    /// can be resolved in any order.
    pub(super) fn name_components(&mut self) {
        for name in self.doc.components.schemas.keys() {
            let place = format!("components.schemas.{name}");
            let mut rust = names::camel(name);
            if let Some(first) = self.type_origins.get(&rust).filter(|first| **first != place).cloned() {
                let distinct = names::camel_distinct(name, |taken| self.type_origins.contains_key(taken));
                self.warn(place.clone(), format!("`{first}` and `{place}` both make the Rust name `{rust}`: this one is `{distinct}`"));
                rust = distinct;
            }
            if self.claim_type_name(&rust, &place) {
                self.component_types.insert(name.clone(), rust);
            }
        }
    }

    /// Lowers every component schema into a named type.
    pub(super) fn lower_components(&mut self) {
        let doc = self.doc;
        for (name, schema) in &doc.components.schemas {
            let Some(rust) = self.component_types.get(name).cloned() else { continue };
            let place = format!("components.schemas.{name}");
            let Some(ty) = self.lower(schema, &rust, &place) else { continue };
            if ty != TypeRef::Named(rust.clone()) {
                let alias = AliasDef { name: rust.clone(), docs: self.docs(schema), ty };
                self.types.insert(rust, TypeDef::Alias(alias));
            }
        }
    }

    /// The type of `schema`; an inline object or enum becomes a new type named `name`.
    pub(super) fn lower(&mut self, schema: &Schema, name: &str, place: &str) -> Option<TypeRef> {
        let renamed = self.free_type_name(schema, name, place);
        let name = renamed.as_deref().unwrap_or(name);
        if schema.rare().all_of.is_some() {
            let merged = self.merged_all_of(schema, place)?;
            return self.lower(&merged, name, place);
        }
        for (keyword, members) in [("oneOf", &schema.rare().one_of), ("anyOf", &schema.rare().any_of)] {
            if let Some(members) = members {
                return self.lower_union(schema, keyword, members, name, place);
            }
        }
        if schema.rare().not.is_some() {
            let message = "`not` is read and named in the docs, but not checked: a value that matches it is sent and accepted";
            self.warn(format!("{place}.not"), message);
        }
        if let Some(reference) = &schema.reference {
            return self.lower_reference(schema, reference, name, place);
        }
        self.check_constraints(schema, place);
        for (keyword, value) in [("default", &schema.default), ("example", &schema.example)] {
            if let Some(value) = value {
                self.check_value(schema, value, keyword, place);
            }
        }
        let Some(kind) = schema.implied_kind() else {
            // A schema without a type takes any JSON value.
            return Some(TypeRef::Json);
        };
        if !self.keywords_apply(schema, kind, place) {
            return None;
        }
        if let Some(format) = schema.format.as_deref().filter(|format| !formats::is_known(kind, format)) {
            let message = format!(
                "`format: {format}` is not a format the generator knows for `type: {}`: the value keeps its type, and the format is named in its docs",
                kind_name(kind)
            );
            self.warn(format!("{place}.format"), message);
        }
        match kind {
            SchemaKind::String if schema.enumeration.is_some() => self.lower_enum(schema, name, place),
            SchemaKind::String => Some(string_type(schema)),
            SchemaKind::Integer => Some(numeric_type(schema, &[("int32", TypeRef::I32), ("uint64", TypeRef::U64)], TypeRef::I64)),
            SchemaKind::Number => Some(numeric_type(schema, &[("float", TypeRef::F32)], TypeRef::F64)),
            // A boolean's format, if any, is only named in its docs (OpenAPI's formats are open).
            SchemaKind::Boolean => Some(TypeRef::Bool),
            SchemaKind::Array => {
                let Some(items) = &schema.items else {
                    self.warn(place, "an array schema without `items`: its items are read as any JSON");
                    return Some(TypeRef::List(Box::new(TypeRef::Json)));
                };
                let item = self.lower(items, &format!("{name}Item"), &format!("{place}.items"))?;
                Some(TypeRef::List(Box::new(item)))
            }
            SchemaKind::Object => self.lower_object(schema, name, place),
            SchemaKind::Null => Some(TypeRef::Json),
        }
    }

    fn lower_reference(&mut self, schema: &Schema, reference: &str, name: &str, place: &str) -> Option<TypeRef> {
        let siblings = sibling_keywords(schema);
        if !siblings.is_empty() {
            // OpenAPI 3.0: a `$ref` replaces its object; only its description is kept, for the docs.
            self.warn(
                place,
                format!(
                    "`$ref` has sibling keywords (found {}): the reference wins, as OpenAPI 3.0 says, and they are ignored",
                    siblings.join(", ")
                ),
            );
        }
        let doc = self.doc;
        // A JSON pointer into a component schema (`#/components/schemas/registry/properties/name`):
        // the schema it reaches, read as if it were written here.
        if let Some((component, inner)) = reference.strip_prefix("#/components/schemas/").and_then(|rest| rest.split_once('/'))
            && let Some(target) = doc.components.schemas.get(component).and_then(|schema| pointed(schema, inner))
        {
            return self.lower(target, name, &format!("components.schemas.{component}.{}", inner.replace('/', ".")));
        }
        let (component, _) = self.follow(reference, "schemas", &doc.components.schemas, place)?;
        self.component_types.get(component).map(|rust| TypeRef::Named(rust.clone()))
    }

    fn lower_enum(&mut self, schema: &Schema, name: &str, place: &str) -> Option<TypeRef> {
        let values = schema.enumeration.as_deref().unwrap_or_default();
        let enum_place = format!("{place}.enum");
        if values.is_empty() {
            self.invalid(enum_place, "an enum needs at least one value");
            return None;
        }
        let mut variants: Vec<Variant> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        for (index, value) in values.iter().enumerate() {
            let wire = match value {
                Value::String(wire) => wire.clone(),
                // `null` is how a nullable enum lists that it may be null (OpenAPI 3.0.3).
                Value::Null if schema.nullable => continue,
                Value::Null => {
                    self.warn(format!("{enum_place}[{index}]"), "`null` in the enum of a schema that is not `nullable`: it is left out");
                    continue;
                }
                Value::Bool(_) | Value::Number(_) => {
                    let text = to_json(value).to_string();
                    let message = format!("{} in the enum of a string: read as the string `{text}`", describe(value));
                    self.warn(format!("{enum_place}[{index}]"), message);
                    text
                }
                _ => {
                    self.invalid(
                        format!("{enum_place}[{index}]"),
                        format!("expected a string like the enum's other values, found {}", describe(value)),
                    );
                    continue;
                }
            };
            let wire = &wire;
            let mut rust = names::camel(wire);
            let clash = if rust == UNKNOWN_VARIANT { Some(UNKNOWN_VARIANT.to_owned()) } else { seen.get(&rust).cloned() };
            if let Some(first) = clash {
                let distinct = names::camel_distinct(wire, |name| name == UNKNOWN_VARIANT || seen.contains_key(name));
                let message = format!("enum values `{first}` and `{wire}` both make the Rust name `{rust}`: `{wire}` is `{distinct}`");
                self.warn(format!("{enum_place}[{index}]"), message);
                rust = distinct;
            }
            seen.insert(rust.clone(), wire.clone());
            variants.push(Variant { name: rust, wire_value: wire.clone() });
        }
        if !self.claim_type_name(name, place) {
            return None;
        }
        let def = EnumDef { name: name.to_owned(), docs: self.docs(schema), variants };
        self.types.insert(name.to_owned(), TypeDef::Enum(def));
        Some(TypeRef::Named(name.to_owned()))
    }

    fn lower_object(&mut self, schema: &Schema, name: &str, place: &str) -> Option<TypeRef> {
        let additional = match &schema.rare().additional_properties {
            None | Some(AdditionalProperties::Allowed(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Allowed(false)) => None,
            Some(AdditionalProperties::Schema(values)) => {
                Some(self.lower(values, &format!("{name}Value"), &format!("{place}.additionalProperties"))?)
            }
        };
        let Some(properties) = &schema.properties else {
            return Some(match additional {
                Some(TypeRef::Json) => TypeRef::JsonObject,
                Some(values) => TypeRef::Map(Box::new(values)),
                None => self.define_struct(schema, name, place, Vec::new(), None)?,
            });
        };
        // Reserve the struct's place before its properties add their inline types, so a type
        // is written before the types named after it.
        if !self.claim_type_name(name, place) {
            return None;
        }
        let placeholder = StructDef {
            name: name.to_owned(),
            docs: Docs::default(),
            fields: Vec::new(),
            additional: None,
            derives_default: false,
            mask: None,
            multipart: false,
        };
        self.types.insert(name.to_owned(), TypeDef::Struct(placeholder));
        for (index, required) in schema.required.iter().enumerate() {
            if !properties.contains_key(required) {
                let suggestion = crate::suggest::did_you_mean(required, properties.keys());
                let message = format!("`{required}` is not one of the properties{suggestion}: it is ignored");
                self.warn(format!("{place}.required[{index}]"), message);
            }
        }
        let mut fields = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        if schema.rare().additional_properties.is_some() {
            seen.insert(ADDITIONAL_FIELD.to_owned(), "additionalProperties".to_owned());
        }
        for (wire, property) in properties.iter() {
            let property_place = format!("{place}.properties.{wire}");
            let mut rust = names::snake(wire);
            // Names that differ only in punctuation or case are told apart by their spelling.
            if let Some(first) = seen.get(&rust) {
                let distinct = names::snake_distinct(wire, |name| seen.contains_key(name));
                let message = format!("`{first}` and `{wire}` both make the Rust name `{rust}`: `{wire}` is `{distinct}`");
                self.warn(&property_place, message);
                rust = distinct;
            }
            seen.insert(rust.clone(), wire.clone());
            let hint = format!("{name}{}", names::camel(wire));
            let Some(ty) = self.lower(property, &hint, &property_place) else { continue };
            // A `$ref` replaces its object (OpenAPI 3.0): its siblings' marks do not apply.
            let by_reference = property.reference.is_some();
            let required = schema.required.contains(wire) && (by_reference || (!property.read_only && !property.write_only));
            let nullable = !by_reference && (property.nullable || unions::has_null_member(property));
            let presence = match (required, nullable) {
                (true, false) => Presence::Required,
                (false, false) => Presence::Optional,
                (true, true) => Presence::RequiredNullable,
                (false, true) => Presence::OptionalNullable,
            };
            let docs = self.docs(property);
            if property.reference.is_none()
                && let Some(description) = &docs.description
            {
                self.point_to_field(&ty, description, name, wire);
            }
            fields.push(Field {
                name: rust,
                wire_name: wire.clone(),
                ty,
                presence,
                boxed: false,
                never_sent: false,
                never_read: false,
                docs,
            });
        }
        // With properties, extra ones are kept only when the schema asks for them; left unsaid,
        // they are ignored when decoding (as OpenAPI allows), not collected.
        let additional = schema.rare().additional_properties.as_ref().and(additional);
        self.define_struct(schema, name, place, fields, additional)
    }

    /// For an enum or object made from the inline schema of the property `wire` of `parent`
    /// (or of its items) whose description is the field's `description` word for word: the
    /// type's docs point to the field instead of repeating it.
    fn point_to_field(&mut self, ty: &TypeRef, description: &str, parent: &str, wire: &str) {
        let (name, what) = match ty {
            TypeRef::Named(name) => (name, "the"),
            TypeRef::List(item) => match item.as_ref() {
                TypeRef::Named(name) => (name, "each item of the"),
                _ => return,
            },
            _ => return,
        };
        let (docs, noun) = match self.types.get_mut(name) {
            Some(TypeDef::Enum(def)) => (&mut def.docs, "The values of"),
            Some(TypeDef::Struct(def)) => (&mut def.docs, "The type of"),
            _ => return,
        };
        if docs.description.as_deref() != Some(description) {
            return;
        }
        docs.title = None;
        docs.description = Some(format!("{noun} {what} `{wire}` field of `{parent}`, described there."));
    }

    fn define_struct(
        &mut self,
        schema: &Schema,
        name: &str,
        place: &str,
        fields: Vec<Field>,
        additional: Option<TypeRef>,
    ) -> Option<TypeRef> {
        if !self.claim_type_name(name, place) {
            return None;
        }
        let mask = self.mask_role(schema, &fields, place);
        let def = StructDef {
            name: name.to_owned(),
            docs: self.docs(schema),
            fields,
            additional,
            derives_default: false,
            mask,
            multipart: false,
        };
        self.types.insert(name.to_owned(), TypeDef::Struct(def));
        Some(TypeRef::Named(name.to_owned()))
    }

    /// For an inline schema that makes a type whose name another spelling already took: a
    /// name made from its place instead (`droplet.properties.next_backup_window` is
    /// `DropletPropertiesNextBackupWindow`), with a warning.
    fn free_type_name(&mut self, schema: &Schema, name: &str, place: &str) -> Option<String> {
        let makes_type = schema.reference.is_none()
            && (schema.rare().one_of.as_ref().or(schema.rare().any_of.as_ref()).is_some_and(|members| members.len() > 1)
                || (schema.enumeration.is_some() && matches!(schema.implied_kind(), Some(SchemaKind::String)))
                || schema.properties.is_some());
        let first = self.type_origins.get(name).filter(|first| *first != place)?.clone();
        if !makes_type {
            return None;
        }
        let spelled = place.strip_prefix("components.schemas.").unwrap_or(place);
        let distinct = names::camel_distinct(spelled, |taken| self.type_origins.contains_key(taken));
        self.warn(place, format!("`{first}` and `{place}` both make the Rust name `{name}`: this one is `{distinct}`"));
        Some(distinct)
    }

    /// The part the struct plays in a partial update, as `x-field-mask` and
    /// `x-field-mask-nested` mark it.
    fn mask_role(&mut self, schema: &Schema, fields: &[Field], place: &str) -> Option<MaskRole> {
        match (&schema.rare().field_mask, schema.rare().field_mask_nested) {
            (Some(_), true) => {
                self.invalid(
                    place,
                    "a schema is either a masked body (`x-field-mask`) or a nested masked object (`x-field-mask-nested`), not both",
                );
                None
            }
            (Some(mask_field), false) => {
                let mask_place = format!("{place}.x-field-mask");
                match fields.iter().find(|field| field.wire_name == *mask_field) {
                    Some(field) if field.ty == TypeRef::String => Some(MaskRole::Body { mask_field: mask_field.clone() }),
                    Some(_) => {
                        self.invalid(mask_place, format!("the mask property `{mask_field}` must be `type: string` (a FieldMask in JSON)"));
                        None
                    }
                    None => {
                        let suggestion = crate::suggest::did_you_mean(mask_field, fields.iter().map(|f| &f.wire_name));
                        self.invalid(mask_place, format!("`{mask_field}` is not one of the properties{suggestion}"));
                        None
                    }
                }
            }
            (None, true) => Some(MaskRole::Nested),
            (None, false) => None,
        }
    }

    /// Reports keywords that mean nothing for the schema's type, which would otherwise be
    /// ignored without a word.
    fn keywords_apply(&mut self, schema: &Schema, kind: SchemaKind, place: &str) -> bool {
        let rules = SCHEMA_KEYWORDS.iter().filter_map(|k| k.applies_to.map(|kinds| (k.name, k.is_in(schema), kinds)));
        let mut ok = true;
        for (keyword, present, kinds) in rules {
            if present && !kinds.contains(&kind) {
                let message = format!("`{keyword}` does not apply to `type: {}`", kind_name(kind));
                // A vendor's stray keyword is ignored with a word; a misplaced mark of ours
                // would be lost, so it is refused.
                if keyword.starts_with("x-") {
                    self.invalid(format!("{place}.{keyword}"), message);
                    ok = false;
                } else {
                    self.warn(format!("{place}.{keyword}"), format!("{message}: it is ignored"));
                }
            }
        }
        if schema.enumeration.is_some() && matches!(kind, SchemaKind::Array | SchemaKind::Object) {
            self.unsupported(format!("{place}.enum"), format!("an enum of `type: {}` (only string enums are)", kind_name(kind)));
            ok = false;
        }
        ok
    }

    /// Reports constraints that contradict themselves, and patterns that are not regular
    /// expressions.
    fn check_constraints(&mut self, schema: &Schema, place: &str) {
        // The generated client reads a pattern with regex-lite, or with fancy-regex when it
        // needs look-around or back-references.
        if let Some(pattern) = &schema.limits().pattern
            && let Err(error) = regex_lite::Regex::new(pattern)
            && fancy_regex::Regex::new(pattern).is_err()
        {
            // regex-lite (the engine of the generated client) explains a syntax error over several lines; the last says what.
            let text = error.to_string();
            let reason = text.lines().last().unwrap_or_default().trim_start_matches("error: ").to_owned();
            self.invalid(
                format!("{place}.pattern"),
                format!("`{pattern}` is not a regular expression the generated client can use: {reason}"),
            );
        }
        for low in SCHEMA_KEYWORDS {
            let Some(high) = low.upper_bound.and_then(keywords::named) else { continue };
            if let (Some(low_value), Some(high_value)) = ((low.number)(schema), (high.number)(schema))
                && low_value > high_value
            {
                let (low_name, high_name) = (low.name, high.name);
                self.invalid(place, format!("`{low_name}` ({low_value}) is greater than `{high_name}` ({high_value}): no value can match"));
            }
        }
    }

    /// The documentation of a schema.
    pub(super) fn docs(&self, schema: &Schema) -> Docs {
        let mut docs = Docs::default();
        docs.title.clone_from(&schema.rare().title);
        docs.description.clone_from(&schema.description);
        // A `$ref` replaces its object (OpenAPI 3.0): of its siblings, the description is kept
        // for the docs, and the marks do not apply.
        if schema.reference.is_some() {
            return docs;
        }
        (docs.read_only, docs.write_only, docs.deprecated) = (schema.read_only, schema.write_only, schema.deprecated);
        docs.with_details(Details {
            example: schema.example.as_deref().filter(|value| values::fits(self.doc, schema, value)).map(to_json),
            default: schema.default.as_deref().filter(|value| values::fits(self.doc, schema, value)).map(to_json),
            constraints: self.constraints(schema),
            format: schema.format.clone().filter(|format| !TYPED_FORMATS.contains(&format.as_str())),
            allowed: match schema.implied_kind() {
                Some(SchemaKind::String) | None => Vec::new(),
                Some(_) => schema.enumeration.iter().flatten().map(to_json).collect(),
            },
            not: schema.rare().not.as_deref().map(to_json),
        })
    }

    /// The validation keywords of a schema, and of its items when they are inline.
    fn constraints(&self, schema: &Schema) -> Constraints {
        let limits = schema.limits();
        Constraints {
            min_length: limits.min_length,
            max_length: limits.max_length,
            pattern: limits.pattern.clone(),
            min_items: limits.min_items,
            max_items: limits.max_items,
            minimum: limits.minimum,
            maximum: limits.maximum,
            items: schema.items.as_deref().filter(|items| items.reference.is_none()).and_then(|items| {
                let constraints = self.constraints(items);
                (constraints != Constraints::default()).then(|| Box::new(constraints))
            }),
        }
    }
}

/// The formats a Rust type already says, so the docs need not.
const TYPED_FORMATS: &[&str] =
    &["uuid", "date-time", "date", "password", "ipv4", "ipv6", "binary", "int32", "int64", "uint64", "float", "double"];

/// The name of a schema type as a spec writes it.
fn kind_name(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::String => "string",
        SchemaKind::Integer => "integer",
        SchemaKind::Number => "number",
        SchemaKind::Boolean => "boolean",
        SchemaKind::Array => "array",
        SchemaKind::Object => "object",
        SchemaKind::Null => "null",
    }
}

/// The keywords set beside a `$ref`, other than `description`.
fn sibling_keywords(schema: &Schema) -> Vec<&'static str> {
    SCHEMA_KEYWORDS.iter().filter(|k| !k.beside_ref && k.is_in(schema)).map(|k| k.name).collect()
}

/// The type of a string schema by its format: OpenAPI's formats are open, so any other format
/// stays a string, and its docs name it.
fn string_type(schema: &Schema) -> TypeRef {
    match schema.format.as_deref() {
        None | Some("password") if schema.secret => TypeRef::Secret,
        Some("uuid") => TypeRef::Uuid,
        Some("date-time") => TypeRef::DateTime,
        Some("password") => TypeRef::Secret,
        Some("date") => TypeRef::Date,
        Some("ipv4") => TypeRef::Ipv4,
        Some("ipv6") => TypeRef::Ipv6,
        Some("binary") => TypeRef::Bytes,
        None | Some(_) => TypeRef::String,
    }
}

/// The type of a number by its format: one of the `narrower` formats, else `default` (any other
/// format, such as `int64` or `double`, is only named in the docs).
fn numeric_type(schema: &Schema, narrower: &[(&str, TypeRef)], default: TypeRef) -> TypeRef {
    let format = schema.format.as_deref();
    narrower.iter().find(|(name, _)| Some(*name) == format).map_or(default, |(_, ty)| ty.clone())
}

/// The schema inside `schema` that the JSON pointer `path` names (`properties/name`,
/// `items`, `allOf/0`, `additionalProperties`), its segments unescaped (`~1` is `/`).
fn pointed<'s>(schema: &'s Schema, path: &str) -> Option<&'s Schema> {
    let mut current = schema;
    let mut segments = path.split('/').map(|segment| segment.replace("~1", "/").replace("~0", "~"));
    while let Some(segment) = segments.next() {
        current = match segment.as_str() {
            "properties" => current.properties.as_deref()?.get(segments.next()?.as_str())?,
            "items" => current.items.as_deref()?,
            "additionalProperties" => match &current.rare().additional_properties {
                Some(crate::load::AdditionalProperties::Schema(schema)) => schema,
                _ => return None,
            },
            keyword @ ("allOf" | "oneOf" | "anyOf") => {
                let members = match keyword {
                    "allOf" => &current.rare().all_of,
                    "oneOf" => &current.rare().one_of,
                    _ => &current.rare().any_of,
                };
                members.as_deref()?.get(segments.next()?.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(current)
}
