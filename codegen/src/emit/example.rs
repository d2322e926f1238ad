//! The usage example in each operation's docs: a doctest that compiles (`no_run`), whose body
//! is a struct literal built from the spec's examples where it has them.

use serde_json::Value;

use crate::resolve::model::{Api, Field, MaskRole, Operation, Param, Presence, SchemeKind, StructDef, TypeDef, TypeRef};

/// How deep a made-up example body goes before it stops at empty values.
const MAX_DEPTH: usize = 6;

/// The lines of the example, fenced.
pub fn usage(api: &Api, op: &Operation, crate_name: &str) -> Vec<String> {
    let mut writer = Writer { api, crate_name, uses_types: false, uses_patch: false };
    let body = op.body.as_ref().map(|body| {
        let expression = writer.value(&body.ty, body.example.as_ref(), 0);
        formatted_statement(&format!("let body = {expression};"))
    });
    let mut args: Vec<String> = op.params.iter().filter(|p| p.is_positional()).map(|p| writer.argument(p)).collect();
    if let Some(body) = &op.body {
        args.push(if body.required { "&body".to_owned() } else { "Some(&body)".to_owned() });
    }
    let mut builder = "Client::builder()".to_owned();
    let mut uses_credential = false;
    let first_bearer = api.schemes.iter().find(|scheme| scheme.kind == SchemeKind::Bearer).map(|scheme| scheme.name.as_str());
    for scheme in op.security.first().into_iter().flatten() {
        let credential = match api.schemes.iter().find(|known| known.name == *scheme).map(|known| &known.kind) {
            Some(SchemeKind::Bearer) if Some(scheme.as_str()) == first_bearer => {
                builder.push_str(".token(\"your-token\")");
                continue;
            }
            Some(SchemeKind::Bearer) => "Credential::bearer(\"your-token\")",
            Some(SchemeKind::Basic) => "Credential::basic(\"user\", \"password\")",
            Some(SchemeKind::ApiKeyHeader(_) | SchemeKind::ApiKeyQuery(_)) => "Credential::api_key(\"your-key\")",
            None => continue,
        };
        uses_credential = true;
        builder.push_str(&format!(".credential({}, {credential})", serde_json::Value::String(scheme.clone())));
    }
    if api.servers.is_empty() {
        builder.push_str(".base_url(\"https://api.example.com\")");
    }
    let imports = if writer.uses_types { "{types, Client}" } else { "Client" };
    let mut lines = vec![
        "```no_run".to_owned(),
        "# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!("use {crate_name}::{}::{imports};", api.module),
    ];
    if uses_credential {
        lines.push(format!("use {crate_name}::runtime::Credential;"));
    }
    if writer.uses_patch {
        lines.push(format!("use {crate_name}::runtime::Patch;"));
    }
    lines.extend([String::new(), format!("let client = {builder}.build()?;")]);
    lines.extend(body.into_iter().flatten());
    lines.push(format!("let answer = client.{}({}).await?;", op.fn_name, args.join(", ")));
    lines.push("println!(\"{answer:?}\");".to_owned());
    lines.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
    lines
}

/// `statement` as rustfmt-like lines, or as it is if it does not parse.
fn formatted_statement(statement: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(&format!("fn example() {{ {statement} }}")) else { return vec![statement.to_owned()] };
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    match lines.as_slice() {
        [_, body @ .., _] => body.iter().map(|line| line.strip_prefix("    ").unwrap_or(line).to_owned()).collect(),
        _ => vec![statement.to_owned()],
    }
}

/// Writes Rust expressions for values of the model's types.
struct Writer<'a> {
    api: &'a Api,
    crate_name: &'a str,
    uses_types: bool,
    uses_patch: bool,
}

impl Writer<'_> {
    /// A positional argument: the parameter's example when it has one, a made-up value otherwise.
    fn argument(&mut self, param: &Param) -> String {
        let example = param.docs.details().example.clone();
        // A made-up value of a format the client checks has that format.
        let made_up = match &param.ty {
            TypeRef::Uuid => "00000000-0000-0000-0000-000000000000",
            TypeRef::DateTime => "2026-01-01T00:00:00Z",
            TypeRef::Date => "2026-01-01",
            _ => &param.wire_name,
        };
        match &param.ty {
            TypeRef::String | TypeRef::Secret | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date => {
                let text = example.as_ref().and_then(Value::as_str).unwrap_or(made_up);
                Value::String(text.to_owned()).to_string()
            }
            TypeRef::List(_) => "&[]".to_owned(),
            TypeRef::Named(_) => format!("&{}", self.value(&param.ty, example.as_ref(), 0)),
            ty => self.value(ty, example.as_ref(), 0),
        }
    }

    /// An expression of type `ty`, from `example` where it fits.
    fn value(&mut self, ty: &TypeRef, example: Option<&Value>, depth: usize) -> String {
        match ty {
            TypeRef::String => format!("{}.to_owned()", text_of(example, "string")),
            TypeRef::Secret => format!("{}.into()", text_of(example, "secret")),
            TypeRef::Uuid => format!("{}.parse()?", text_of(example, "00000000-0000-0000-0000-000000000000")),
            TypeRef::DateTime => format!("{}.parse()?", text_of(example, "2026-01-01T00:00:00Z")),
            TypeRef::Date => format!("{}.parse()?", text_of(example, "2026-01-01")),
            TypeRef::Ipv4 => format!("{}.parse()?", text_of(example, "192.0.2.1")),
            TypeRef::Ipv6 => format!("{}.parse()?", text_of(example, "2001:db8::1")),
            TypeRef::U64 => example.and_then(Value::as_u64).unwrap_or(0).to_string(),
            TypeRef::Text => format!("{}.to_owned()", text_of(example, "text")),
            TypeRef::Bytes => format!("{}::runtime::Bytes::from_static(b\"bytes\")", self.crate_name),
            TypeRef::Bool => example.and_then(Value::as_bool).unwrap_or(false).to_string(),
            TypeRef::I32 | TypeRef::I64 => example.and_then(Value::as_i64).unwrap_or(0).to_string(),
            TypeRef::F32 | TypeRef::F64 => format!("{:?}", example.and_then(Value::as_f64).unwrap_or(0.0)),
            TypeRef::Json => format!("serde_json::json!({})", example.cloned().unwrap_or(Value::Null)),
            TypeRef::JsonObject => "serde_json::Map::new()".to_owned(),
            TypeRef::Map(_) => "Default::default()".to_owned(),
            TypeRef::List(item) => {
                let items = example.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                let items: Vec<String> = items.iter().take(3).map(|value| self.value(item, Some(value), depth + 1)).collect();
                if items.is_empty() { "Vec::new()".to_owned() } else { format!("Vec::from([{}])", items.join(", ")) }
            }
            TypeRef::Named(name) => self.named(name, example, depth),
        }
    }

    fn named(&mut self, name: &str, example: Option<&Value>, depth: usize) -> String {
        let api = self.api;
        match api.types.get(name) {
            Some(TypeDef::Enum(def)) => {
                self.uses_types = true;
                let wire = example.and_then(Value::as_str);
                let variant = def.variants.iter().find(|v| Some(v.wire_value.as_str()) == wire).or(def.variants.first());
                variant.map_or_else(|| format!("types::{name}::from(\"\")"), |v| format!("types::{name}::{}", v.name))
            }
            Some(TypeDef::Alias(alias)) if depth < MAX_DEPTH => self.value(&alias.ty, example, depth + 1),
            Some(TypeDef::Union(def)) => {
                self.uses_types = true;
                match def.variants.first() {
                    Some(variant) if depth < MAX_DEPTH => {
                        format!("types::{name}::{}({})", variant.name, self.value(&variant.ty, example, depth + 1))
                    }
                    _ => format!("types::{name}::Other(serde_json::Value::Null)"),
                }
            }
            Some(TypeDef::Struct(def)) if depth < MAX_DEPTH => self.struct_literal(def, example, depth),
            Some(TypeDef::Struct(def)) if def.derives_default => {
                self.uses_types = true;
                format!("types::{name}::default()")
            }
            _ => "Default::default()".to_owned(),
        }
    }

    /// A struct literal: the fields the example gives (and the required ones), the rest from
    /// `Default` when the struct has it.
    fn struct_literal(&mut self, def: &StructDef, example: Option<&Value>, depth: usize) -> String {
        self.uses_types = true;
        let object = example.and_then(Value::as_object);
        let masked = def.mask.as_ref();
        let mask_field = match masked {
            Some(MaskRole::Body { mask_field }) => Some(mask_field.as_str()),
            _ => None,
        };
        let mut fields = Vec::new();
        for field in &def.fields {
            if Some(field.wire_name.as_str()) == mask_field {
                continue;
            }
            let given = object.and_then(|object| object.get(&field.wire_name));
            let needed = masked.is_none() && (field.presence == Presence::Required || !def.derives_default);
            if given.is_none() && !needed {
                continue;
            }
            let value = if masked.is_some() {
                self.uses_patch = true;
                format!("Patch::Set({})", self.value(&field.ty, given, depth + 1))
            } else {
                self.field_value(field, given, depth)
            };
            fields.push(format!("{}: {value}", field.name));
        }
        if def.derives_default && fields.len() < def.fields.len() {
            fields.push("..Default::default()".to_owned());
        }
        format!("types::{} {{ {} }}", def.name, fields.join(", "))
    }

    fn field_value(&mut self, field: &Field, given: Option<&Value>, depth: usize) -> String {
        let example = given.or(field.docs.details().example.as_ref()).cloned();
        let mut value = self.value(&field.ty, example.as_ref(), depth + 1);
        if field.boxed {
            value = format!("Box::new({value})");
        }
        match field.presence {
            Presence::Required => value,
            _ if given.is_none() && field.presence != Presence::RequiredNullable => "None".to_owned(),
            Presence::OptionalNullable => format!("Some(Some({value}))"),
            Presence::Optional | Presence::RequiredNullable => format!("Some({value})"),
        }
    }
}

/// A string literal of the example's text, or of `fallback`.
fn text_of(example: Option<&Value>, fallback: &str) -> String {
    Value::String(example.and_then(Value::as_str).unwrap_or(fallback).to_owned()).to_string()
}
