//! The usage example in each operation's docs: a doctest that compiles (`no_run`), built from
//! the spec's examples where it has them.

use serde_json::{Map, Value};

use super::CRATE_NAME;
use crate::resolve::model::{Api, Operation, Param, Presence, TypeDef, TypeRef};

/// How deep a made-up example body goes before it stops at empty values.
const MAX_DEPTH: usize = 8;

/// The lines of the example, fenced.
pub fn usage(api: &Api, op: &Operation) -> Vec<String> {
    let mut body_lines = Vec::new();
    let mut uses_types = false;
    if let Some(body) = &op.body {
        let TypeRef::Named(type_name) = &body.ty else {
            // The method's parameter type tells `from_str` what to decode.
            let json = body.example.clone().unwrap_or_else(|| made_up(api, &body.ty, 0).to_string());
            body_lines.push(format!("let body = serde_json::from_str({})?;", raw_string(&json)));
            return fence(api, op, body_lines, false);
        };
        uses_types = true;
        let derives_default = matches!(api.types.get(type_name), Some(TypeDef::Struct(def)) if def.derives_default);
        match &body.example {
            Some(example) => body_lines.push(format!("let body: types::{type_name} = serde_json::from_str({})?;", raw_string(example))),
            None if derives_default => body_lines.push(format!("let body = types::{type_name}::default();")),
            None => {
                let json = made_up(api, &body.ty, 0).to_string();
                body_lines.push(format!("let body: types::{type_name} = serde_json::from_str({})?;", raw_string(&json)));
            }
        }
    }
    fence(api, op, body_lines, uses_types)
}

fn fence(api: &Api, op: &Operation, body_lines: Vec<String>, uses_types: bool) -> Vec<String> {
    let module = &api.module;
    let mut builder = "Client::builder()".to_owned();
    if api.auth.is_some() {
        builder.push_str(".token(\"your-token\")");
    }
    if api.servers.is_empty() {
        builder.push_str(".base_url(\"https://api.example.com\")");
    }
    let mut args: Vec<String> = op.params.iter().filter(|p| p.is_positional()).map(|p| argument(api, p)).collect();
    if let Some(body) = &op.body {
        args.push(if body.required { "&body".to_owned() } else { "Some(&body)".to_owned() });
    }
    let uses_types = uses_types || args.iter().any(|arg| arg.contains("types::"));
    let imports = if uses_types { "{types, Client}" } else { "Client" };
    let mut lines = vec![
        "```no_run".to_owned(),
        "# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!("use {CRATE_NAME}::{module}::{imports};"),
        String::new(),
        format!("let client = {builder}.build()?;"),
    ];
    lines.extend(body_lines);
    lines.push(format!("let answer = client.{}({}).await?;", op.fn_name, args.join(", ")));
    lines.push("println!(\"{answer:?}\");".to_owned());
    lines.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
    lines
}

/// A positional argument: the parameter's example when it has one, a made-up value otherwise.
fn argument(api: &Api, param: &Param) -> String {
    let example = param.docs.example.as_deref().and_then(|e| serde_json::from_str::<Value>(e).ok());
    match (&param.ty, example) {
        (TypeRef::String | TypeRef::Secret | TypeRef::Uuid | TypeRef::DateTime, Some(Value::String(s))) => Value::String(s).to_string(),
        (TypeRef::String | TypeRef::Secret, _) => Value::String(param.wire_name.clone()).to_string(),
        (TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Bool, Some(value @ (Value::Number(_) | Value::Bool(_)))) => {
            value.to_string()
        }
        (TypeRef::Named(name), _) => match api.types.get(name) {
            Some(TypeDef::Enum(def)) => def
                .variants
                .first()
                .map_or_else(|| format!("&types::{name}::from(\"\")"), |v| format!("&types::{name}::{}", v.name)),
            _ => "todo!()".to_owned(),
        },
        (TypeRef::List(_), _) => "&[]".to_owned(),
        (ty, _) => literal_json_value(&made_up(api, ty, 0)),
    }
}

/// A JSON scalar written as a Rust literal.
fn literal_json_value(value: &Value) -> String {
    match value {
        Value::Number(n) if matches!(n.as_f64(), Some(f) if f.fract() == 0.0) && n.is_f64() => format!("{n}.0"),
        other => other.to_string(),
    }
}

/// A value of type `ty` that decodes: the spec's examples where there are, made-up values
/// of the right shape elsewhere. Only required properties are filled in.
fn made_up(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    match ty {
        TypeRef::String | TypeRef::Secret => Value::String("string".to_owned()),
        TypeRef::Uuid => Value::String("00000000-0000-0000-0000-000000000000".to_owned()),
        TypeRef::DateTime => Value::String("2026-01-01T00:00:00Z".to_owned()),
        TypeRef::Bool => Value::Bool(false),
        TypeRef::I32 | TypeRef::I64 => Value::from(0),
        TypeRef::F32 | TypeRef::F64 => Value::from(0.0),
        TypeRef::Json => Value::Null,
        TypeRef::JsonObject | TypeRef::Map(_) => Value::Object(Map::new()),
        TypeRef::List(_) => Value::Array(Vec::new()),
        TypeRef::Named(name) => match api.types.get(name) {
            Some(TypeDef::Enum(def)) => def.variants.first().map_or(Value::Null, |v| Value::String(v.wire_value.clone())),
            Some(TypeDef::Alias(alias)) if depth < MAX_DEPTH => made_up(api, &alias.ty, depth + 1),
            Some(TypeDef::Struct(def)) if depth < MAX_DEPTH => {
                let mut object = Map::new();
                for field in def.fields.iter().filter(|f| f.presence == Presence::Required) {
                    let example = field.docs.example.as_deref().and_then(|e| serde_json::from_str(e).ok());
                    object.insert(field.wire_name.clone(), example.unwrap_or_else(|| made_up(api, &field.ty, depth + 1)));
                }
                Value::Object(object)
            }
            _ => Value::Null,
        },
    }
}

/// A raw string literal holding `text`, with as many `#` as it needs.
fn raw_string(text: &str) -> String {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}
