//! Load: YAML text into the typed [`Document`] model, with the place of every problem.

mod document;
mod positions;

pub use document::*;
pub use positions::Positions;

use crate::error::{Problem, SpecError};

/// Parses one spec file's text into a [`Document`], with the [`Positions`] of its places.
///
/// `file` is the name used in error messages.
pub fn load(file: &str, text: &str) -> Result<(Document, Positions), Vec<SpecError>> {
    let error = |place: String, position, problem| vec![SpecError { file: file.to_owned(), place, position, problem }];
    let raw: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let position = e.location().map(|l| (l.line(), l.column()));
        error(String::new(), position, Problem::Syntax { message: strip_location(&e) })
    })?;
    match raw.get("openapi") {
        Some(serde_yaml::Value::String(version)) if is_openapi_30(version) => {}
        Some(serde_yaml::Value::String(version)) => {
            return Err(error("openapi".into(), None, Problem::NotOpenApi30 { found: format!("`{version}`") }));
        }
        Some(other) => {
            let found = format!("`{}`", serde_yaml::to_string(other).unwrap_or_default().trim());
            return Err(error("openapi".into(), None, Problem::NotOpenApi30 { found }));
        }
        None => {
            let found = if raw.get("swagger").is_some() {
                "a Swagger 2.0 document".to_owned()
            } else {
                "no `openapi` key".to_owned()
            };
            return Err(error(String::new(), None, Problem::NotOpenApi30 { found }));
        }
    }
    let document = serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(text)).map_err(|e| {
        let place = e.path().to_string();
        let inner = e.into_inner();
        let position = inner.location().map(|l| (l.line(), l.column()));
        let place = if place == "." { String::new() } else { place };
        let message = strip_location(&inner);
        // serde_yaml starts its message with the path, which is reported apart.
        let message = match message.split_once(": ") {
            Some((path, rest)) if !path.contains(' ') && place.starts_with(path) => rest.to_owned(),
            _ => message,
        };
        error(place, position, Problem::Syntax { message: with_suggestion(message) })
    })?;
    Ok((document, Positions::of(text)))
}

/// Adds the closest keyword to an "unknown field" message, when one is close enough.
fn with_suggestion(message: String) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return message };
    let Some((unknown, expected)) = rest.split_once('`') else { return message };
    let candidates: Vec<String> = expected.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    match crate::suggest::nearest(unknown, candidates.iter()) {
        Some(near) => format!("unknown field `{unknown}` (did you mean `{near}`?){expected}"),
        None => message,
    }
}

fn is_openapi_30(version: &str) -> bool {
    version.strip_prefix("3.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// serde_yaml appends " at line L column C" to its messages; the position is reported apart.
fn strip_location(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    match error.location() {
        Some(l) => {
            let suffix = format!(" at line {} column {}", l.line(), l.column());
            message.strip_suffix(&suffix).map_or_else(|| message.clone(), str::to_owned)
        }
        None => message,
    }
}
