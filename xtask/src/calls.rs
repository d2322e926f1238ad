//! The program `cargo xtask prism` runs: a call of every operation of each cloud's cut-down
//! client, with arguments from the spec's examples, or made up from the types the generator
//! resolved, printing a line per call.

use std::fmt::Write as _;

use codegen::resolve::model::{Api, Presence, TypeDef, TypeRef};
use serde_json::{Value, json};

/// The program: `prism-calls MODULE STATIC_URL DYNAMIC_URL ROUNDS` calls each operation of the
/// module once against the mock answering with examples and `ROUNDS` times against the one
/// answering with dynamic data, printing a line per call: its operation, round, status and
/// `ok` for a 2xx decoded (or a 500 over the vendor's own example breaking its schema), or what
/// went wrong.
pub fn program(apis: &[Api]) -> String {
    let mut program = String::from(
        "//! Calls every operation of a cloud's cut-down client against Prism (written by `cargo xtask prism`).\n\n\
         #![allow(clippy::all, unused_mut)]\n\n\
         use dbaas_clients::runtime::{self, ApiClient, Credential, Error, RetryPolicy, SchemeKind};\n\n\
         fn builder<C: ApiClient>(url: &str) -> runtime::ClientBuilder<C> {\n    \
             let mut builder = runtime::ClientBuilder::<C>::new().base_url(url).retry(RetryPolicy::disabled());\n    \
             for scheme in C::API.schemes {\n        \
                 builder = builder.credential(scheme.name, match scheme.kind {\n            \
                     SchemeKind::Basic => Credential::basic(\"user\", \"password\"),\n            \
                     SchemeKind::Bearer => Credential::bearer(\"token\"),\n            \
                     _ => Credential::api_key(\"key\"),\n        \
                 });\n    \
             }\n    \
             builder\n\
         }\n\n\
         /// The line of one call: its status, and `ok` when it was accepted and decoded.\n\
         fn report<T, E: std::fmt::Debug>(operation: &str, round: usize, result: Result<runtime::Response<T>, Error<E>>) {\n    \
             match result {\n        \
                 Ok(answer) => println!(\"{operation}\\t{round}\\t{}\\tok\", answer.status()),\n        \
                 // Prism answers a request that breaks the spec with its violations.\n        \
                 Err(Error::Api(api)) if api.header(\"sl-violations\").is_some_and(|found| found.contains(\"[\\\"request\")) => {\n            \
                     println!(\"{operation}\\t{round}\\t{}\\trefused: {}\", api.status, api.header(\"sl-violations\").unwrap_or_default())\n        \
                 }\n        \
                 // The vendor's own example breaks its schema: Prism answers 500 with no example to decode.\n        \
                 Err(Error::Api(api)) if api.header(\"sl-violations\").is_some() => println!(\"{operation}\\t{round}\\t{}\\tok (the vendor's example breaks its schema)\", api.status),\n        \
                 // Prism answers a valid request with a 2xx: any other answer is a failure.\n        \
                 Err(error) => println!(\"{operation}\\t{round}\\t{:?}\\t{}\", error.status(), error.to_string().replace('\\n', \" \")),\n    \
             }\n\
         }\n\n",
    );
    let mut dispatch = String::new();
    for api in apis {
        let module = &api.module;
        let _ = writeln!(program, "async fn {module}(url: &str, round: usize) {{");
        let _ = writeln!(program, "    let client: dbaas_clients::{module}::Client = builder(url).build().expect(\"a client\");");
        for op in &api.operations {
            let _ = writeln!(program, "    {{");
            let mut arguments = Vec::new();
            for param in op.params.iter().filter(|param| param.is_positional()) {
                let sample = param
                    .docs
                    .details()
                    .example
                    .clone()
                    .filter(|value| fits(api, &param.ty, value))
                    .unwrap_or_else(|| sample(api, &param.ty, 0));
                let name = format!("p_{}", param.name.trim_start_matches("r#"));
                let _ = writeln!(program, "        let {name} = {};", argument(&param.ty, &sample, module));
                arguments.push(if by_reference(&param.ty) { format!("&{name}") } else { name });
            }
            if let Some(body) = &op.body {
                let sample = body.example.clone().filter(|value| fits(api, &body.ty, value)).unwrap_or_else(|| sample(api, &body.ty, 0));
                let _ = writeln!(
                    program,
                    "        let body: {} = serde_json::from_value(serde_json::json!({sample})).expect(\"the sample body\");",
                    rust_type(&body.ty, module)
                );
                arguments.push(if body.required { "&body".to_owned() } else { "Some(&body)".to_owned() });
            }
            let _ =
                writeln!(program, "        report(\"{}\", round, client.{}({}).await);", op.operation_id, op.fn_name, arguments.join(", "));
            let _ = writeln!(program, "    }}");
        }
        let _ = writeln!(program, "}}\n");
        let _ = writeln!(
            dispatch,
            "        \"{module}\" => {{\n            {module}(&examples, 0).await;\n            for round in 1..=rounds {{\n                {module}(&dynamic, round).await;\n            }}\n        }}"
        );
    }
    let _ = write!(
        program,
        "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n    let args: Vec<String> = std::env::args().collect();\n    \
         let (module, examples, dynamic) = (args[1].as_str(), args[2].clone(), args[3].clone());\n    \
         let rounds: usize = args[4].parse().expect(\"rounds\");\n    match module {{\n{dispatch}        other => panic!(\"no module {{other}}\"),\n    }}\n}}\n"
    );
    program
}

/// Whether the method takes a value of `ty` by reference (see the generator's arguments).
fn by_reference(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::List(_) | TypeRef::Named(_))
}

/// The Rust expression of a positional argument of `ty` holding `value`.
fn argument(ty: &TypeRef, value: &Value, module: &str) -> String {
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date => {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            format!("{text:?}")
        }
        _ => format!("serde_json::from_value::<{}>(serde_json::json!({value})).expect(\"a sample argument\")", rust_type(ty, module)),
    }
}

/// The Rust type of `ty` as the calls program names it.
fn rust_type(ty: &TypeRef, module: &str) -> String {
    match ty {
        TypeRef::String | TypeRef::Text => "String".to_owned(),
        TypeRef::Secret => "dbaas_clients::runtime::Secret".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::U64 => "u64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::Uuid => "uuid::Uuid".to_owned(),
        TypeRef::DateTime => "String".to_owned(),
        TypeRef::Date => "String".to_owned(),
        TypeRef::Ipv4 => "std::net::Ipv4Addr".to_owned(),
        TypeRef::Ipv6 => "std::net::Ipv6Addr".to_owned(),
        TypeRef::Bytes => "Vec<u8>".to_owned(),
        TypeRef::Json | TypeRef::JsonObject => "serde_json::Value".to_owned(),
        TypeRef::List(item) => format!("Vec<{}>", rust_type(item, module)),
        TypeRef::Map(item) => format!("std::collections::BTreeMap<String, {}>", rust_type(item, module)),
        TypeRef::Named(name) => format!("dbaas_clients::{module}::types::{name}"),
    }
}

/// Whether an example fits the type well enough to be sent (its JSON shape).
fn fits(api: &Api, ty: &TypeRef, value: &Value) -> bool {
    match (ty, value) {
        (TypeRef::Named(name), _) => match api.types.get(name) {
            Some(TypeDef::Struct(_)) => value.is_object(),
            Some(TypeDef::Enum(def)) => value.as_str().is_some_and(|text| def.variants.iter().any(|variant| variant.wire_value == text)),
            Some(TypeDef::Alias(alias)) => fits(api, &alias.ty, value),
            _ => true,
        },
        (TypeRef::List(_), value) => value.is_array(),
        (TypeRef::Bool, value) => value.is_boolean(),
        (TypeRef::I32 | TypeRef::I64 | TypeRef::U64, value) => value.is_i64() || value.is_u64(),
        (TypeRef::F32 | TypeRef::F64, value) => value.is_number(),
        (TypeRef::String | TypeRef::Secret | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date, value) => value.is_string(),
        _ => true,
    }
}

/// A value of `ty` made up from the model: the required fields of objects, the first value of
/// enums, the least a constraint allows.
fn sample(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Text => json!("sample"),
        TypeRef::Bool => json!(false),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => json!(1),
        TypeRef::F32 | TypeRef::F64 => json!(1.0),
        TypeRef::Uuid => json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        TypeRef::DateTime => json!("2026-01-01T00:00:00Z"),
        TypeRef::Date => json!("2026-01-01"),
        TypeRef::Ipv4 => json!("192.0.2.1"),
        TypeRef::Ipv6 => json!("2001:db8::1"),
        TypeRef::Bytes => json!([]),
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => json!({}),
        TypeRef::List(item) => json!([sample(api, item, depth + 1)]),
        TypeRef::Named(name) if depth < 6 => match api.types.get(name) {
            Some(TypeDef::Struct(def)) => {
                let mut object = serde_json::Map::new();
                for field in def.fields.iter().filter(|field| matches!(field.presence, Presence::Required | Presence::RequiredNullable)) {
                    let example = field.docs.details().example.clone().filter(|value| fits(api, &field.ty, value));
                    object.insert(field.wire_name.clone(), example.unwrap_or_else(|| sample(api, &field.ty, depth + 1)));
                }
                Value::Object(object)
            }
            Some(TypeDef::Enum(def)) => def.variants.first().map_or(json!("sample"), |variant| json!(variant.wire_value)),
            Some(TypeDef::Alias(alias)) => sample(api, &alias.ty, depth + 1),
            Some(TypeDef::Union(def)) => def.variants.first().map_or(json!({}), |variant| sample(api, &variant.ty, depth + 1)),
            None => json!({}),
        },
        TypeRef::Named(_) => json!({}),
    }
}
