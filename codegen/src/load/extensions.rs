//! Vendor extensions (`x-` keys). OpenAPI allows them on every object, and tools ignore the
//! ones they do not know; the ones this project defines are kept for the typed read, which
//! checks them like any keyword. A near miss of one of ours is reported with a suggestion,
//! since a misspelled mark (`x-idempotency-kee`) would otherwise be ignored without a word.

use serde_yaml::Value;

use crate::error::{Problem, SpecError};
use crate::load::Positions;

/// The extensions this project defines, each read by the object the README says.
pub const PROJECT_EXTENSIONS: &[&str] =
    &["x-idempotency-key", "x-secret", "x-field-mask", "x-field-mask-nested", "x-long-running", "x-pagination", "x-tag-features"];

/// What a key's value is in the OpenAPI grammar, as far as extensions care.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// An OpenAPI object: its `x-` keys are extensions.
    Object,
    /// The `components` object: its sections are maps of names.
    Components,
    /// A map from names (properties, headers, media types...) to objects: an `x-` key is a name.
    Names,
    /// Data that is not OpenAPI (examples, defaults, enums, extension values): never touched.
    Data,
}

/// The context of the value under `key` in an object.
fn child_context(key: &str) -> Context {
    match key {
        "example" | "default" | "enum" | "security" | "scopes" | "mapping" | "value" | "contact" | "license" => Context::Data,
        "properties" | "headers" | "content" | "encoding" | "variables" | "links" | "callbacks" | "examples" => Context::Names,
        "components" => Context::Components,
        _ => Context::Object,
    }
}

impl Context {
    /// The context of the value under `key` in a mapping of this context.
    pub(super) fn child(self, key: &str) -> Self {
        match self {
            Context::Object if key.starts_with("x-") => Context::Data,
            Context::Object => child_context(key),
            Context::Components => Context::Names,
            Context::Names => Context::Object,
            Context::Data => Context::Data,
        }
    }
}

/// Whether `key`, a key of an OpenAPI object, is an extension this project does not define,
/// which is dropped.
pub(super) fn is_foreign(key: &str) -> bool {
    key.starts_with("x-") && !PROJECT_EXTENSIONS.contains(&key)
}

/// The extension of ours that `key`, a foreign extension, is a near miss of: a misspelling
/// rather than a vendor's own extension.
pub(super) fn near_miss(key: &str) -> Option<&'static str> {
    let limit = (key.chars().count() / 6).max(1);
    crate::suggest::nearest_within(key, PROJECT_EXTENSIONS.iter(), limit)
}

/// What stripping found.
#[derive(Debug, Default)]
pub struct Stripped {
    /// Near misses of our extensions.
    pub problems: Vec<SpecError>,
    /// Whether any key was dropped or renamed.
    pub changed: bool,
}

/// Drops the extensions this project does not define from `tree`, keeping ours, and
/// reports near misses of ours (renamed to the one meant, so they still take effect and
/// the rest of the document is read).
pub fn strip_foreign(tree: &mut Value, file: &str, positions: &Positions) -> Stripped {
    let mut stripped = Stripped::default();
    let mut place = String::new();
    walk(tree, Context::Object, &mut place, &mut |place: &str, problem: Option<Problem>| {
        stripped.changed = true;
        if let Some(problem) = problem {
            stripped.problems.push(positions.error(file, place, problem));
        }
    });
    stripped
}

fn walk(value: &mut Value, context: Context, place: &mut String, report: &mut impl FnMut(&str, Option<Problem>)) {
    match value {
        Value::Sequence(items) if context != Context::Data => {
            for (index, item) in items.iter_mut().enumerate() {
                let length = place.len();
                place.push_str(&format!("[{index}]"));
                walk(item, context, place, report);
                place.truncate(length);
            }
        }
        Value::Mapping(map) if context != Context::Data => {
            if context == Context::Object {
                mend_extensions(map, place, report);
            }
            for (key, child) in map.iter_mut() {
                let Some(key) = key.as_str() else { continue };
                let child_context = context.child(key);
                let length = place.len();
                if !place.is_empty() {
                    place.push('.');
                }
                place.push_str(key);
                walk(child, child_context, place, report);
                place.truncate(length);
            }
        }
        _ => {}
    }
}

/// Among the keys of one object: keeps ours, renames near misses of ours (reporting them),
/// and drops every other extension.
fn mend_extensions(map: &mut serde_yaml::Mapping, place: &str, report: &mut impl FnMut(&str, Option<Problem>)) {
    let foreign: Vec<String> = map.keys().filter_map(Value::as_str).filter(|key| is_foreign(key)).map(str::to_owned).collect();
    for key in foreign {
        let Some(value) = map.remove(key.as_str()) else { continue };
        report(place, None);
        if let Some(meant) = near_miss(&key) {
            let key_place = if place.is_empty() { key.clone() } else { format!("{place}.{key}") };
            let message = format!("unknown extension `{key}`: did you mean `{meant}`?");
            report(&key_place, Some(Problem::Syntax { message }));
            if !map.contains_key(meant) {
                map.insert(Value::String(meant.to_owned()), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(yaml: &str) -> (String, Vec<String>) {
        let mut tree: Value = serde_yaml::from_str(yaml).unwrap();
        let problems = strip_foreign(&mut tree, "spec.yaml", &Positions::default()).problems;
        (serde_yaml::to_string(&tree).unwrap(), problems.iter().map(|p| format!("{}: {}", p.place, p.problem)).collect())
    }

    #[test]
    fn foreign_extensions_go_and_names_stay() {
        let (tree, problems) = stripped(
            "x-top: 1\npaths:\n  x-paths: 1\n  /a:\n    get:\n      x-codeSamples: [{lang: sh}]\n      responses:\n        '200':\n          description: ok\n          headers:\n            x-ratelimit: {schema: {type: string, example: {x-keep: 1}}}\ncomponents:\n  schemas:\n    x-name:\n      type: object\n      x-vendor: 1\n      properties:\n        x-prop: {type: string, x-secret: true}\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        for gone in ["x-top", "x-paths", "x-codeSamples", "x-vendor"] {
            assert!(!tree.contains(gone), "{gone} stays in {tree}");
        }
        for kept in ["x-ratelimit", "x-keep", "x-name", "x-prop", "x-secret"] {
            assert!(tree.contains(kept), "{kept} is gone from {tree}");
        }
    }

    #[test]
    fn near_misses_of_ours_are_reported_and_mended() {
        let (tree, problems) =
            stripped("paths:\n  /a:\n    get:\n      parameters:\n        - name: k\n          x-idempotency-kee: true\n");
        assert_eq!(
            problems,
            ["paths./a.get.parameters[0].x-idempotency-kee: unknown extension `x-idempotency-kee`: did you mean `x-idempotency-key`?"]
        );
        assert!(tree.contains("x-idempotency-key: true"));
        let (_, problems) = stripped("info:\n  x-secure: 1\n");
        assert!(problems.is_empty(), "a vendor's own extension close to ours is not a typo: {problems:?}");
    }
}
